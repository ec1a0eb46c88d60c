use asyncify::asyncify;

pub struct Client;

#[asyncify]
impl Client {
    pub fn ping(&self) -> bool {
        true
    }
}

async fn run(client: Client) -> bool {
    client.ping_async().await
}

fn main() {
    drop(run);
}
