use asyncify::asyncify;

pub struct Client;

#[asyncify]
impl Client {
    // `stream` on a method that returns no iterator.
    #[asyncify(stream)]
    pub fn count(&self) -> u64 {
        0
    }

    // `stream` on a method that returns nothing.
    #[asyncify(stream)]
    pub fn reset(&self) {}

    // `buffer` without a stream.
    #[asyncify(buffer = 8)]
    pub fn name(&self) -> String {
        String::new()
    }

    // A zero buffer.
    #[asyncify(stream, buffer = 0)]
    pub fn rows(&self) -> Vec<u8> {
        Vec::new()
    }

    // Items that borrow cannot leave the pool.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        ["a"].into_iter()
    }

    // `instrument` on a stream twin.
    #[asyncify(instrument)]
    pub fn all(&self) -> impl Iterator<Item = u8> {
        0..3
    }
}

fn main() {}
