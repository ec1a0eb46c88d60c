// A `&mut self` twin called on each kind of handle that only gives shared
// access: one error each, at the method, naming `OffloadMut`.
use std::future::Future;
use std::sync::Arc;

use asyncify::{asyncify, Offload};

pub struct Connection;

#[asyncify]
impl Connection {
    pub fn execute(&mut self, sql: &str) -> usize {
        sql.len()
    }
}

#[derive(Clone)]
pub struct Agent;

#[asyncify]
impl Agent {
    pub fn reset(&mut self) {}
}

/// A handle of one's own that implements only `Offload`.
pub struct Shared(Arc<Connection>);

impl Offload<Connection> for Shared {
    fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&Connection) -> R + Send + 'static,
        R: Send + 'static,
    {
        let connection = Arc::clone(&self.0);
        asyncify::unblock(move || f(&connection))
    }
}

async fn on_arc(connection: Arc<Connection>) -> usize {
    connection.execute_async("select 1").await
}

async fn on_clone_client(agent: Agent) {
    agent.reset_async().await
}

async fn on_own_handle(connection: Shared) -> usize {
    connection.execute_async("select 1").await
}

async fn in_generic_code<H: Offload<Connection>>(connection: H) -> usize {
    connection.execute_async("select 1").await
}

fn main() {
    drop((on_arc, on_clone_client, on_own_handle));
    drop(in_generic_code::<Shared>);
}
