use asyncify::asyncify;

mod vendor {
    pub struct Store;
    impl Store {
        pub fn flush(&self) -> bool {
            true
        }
        pub async fn flush_async(&self) -> bool {
            true
        }
    }
}

// The type's own `flush_async` would hide the twin of `flush`.
#[asyncify(remote = vendor::Store)]
pub trait StoreAsync {
    fn flush(&self) -> bool;
    async fn flush_async(&self) -> bool;
}

fn main() {}
