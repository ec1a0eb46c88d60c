// One compile reports every bad method; the impl itself and the twins of the
// good methods are still there, so nothing else in the crate breaks.
use asyncify::{asyncify, Handle};

pub struct Client {
    name: String,
}

#[asyncify]
impl Client {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn fill(&self, buf: &mut Vec<u8>) {
        buf.extend(self.name.bytes());
    }

    pub fn len(&self) -> usize {
        self.name.len()
    }
}

async fn run(client: Handle<Client>) -> usize {
    client.name().len() + client.len_async().await
}

fn main() {
    drop(run);
}
