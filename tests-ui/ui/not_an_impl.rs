use asyncify::asyncify;

#[asyncify]
pub fn get(key: &str) -> usize {
    key.len()
}

pub struct Client;

#[asyncify]
impl Clone for Client {
    fn clone(&self) -> Self {
        Client
    }
}

fn main() {
    get("still compiles");
}
