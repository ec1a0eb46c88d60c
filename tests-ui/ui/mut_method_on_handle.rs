use asyncify::{asyncify, Handle};

pub struct Connection;

#[asyncify]
impl Connection {
    pub fn execute(&mut self, sql: &str) -> usize {
        sql.len()
    }
}

async fn run(connection: Handle<Connection>) -> usize {
    connection.execute_async("select 1").await
}

fn main() {
    drop(run);
}
