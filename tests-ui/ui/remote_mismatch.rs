use asyncify::asyncify;

mod vendor {
    pub struct Store;
    impl Store {
        pub fn get(&self, key: &str) -> Option<String> {
            Some(key.to_owned())
        }
        pub fn count(&self, prefix: String) -> usize {
            prefix.len()
        }
        pub fn len(&self, limit: usize) -> u32 {
            limit as u32
        }
    }
}

// Each declaration disagrees with the real method: the errors point here.
#[asyncify(remote = vendor::Store)]
pub trait StoreAsync {
    fn get(&self, key: &str) -> Option<u64>;
    fn count(&self, prefix: &[u8]) -> usize;
    // Not `limit: u32.try_into().unwrap()`, as rustc would suggest.
    fn len(&self, limit: u32) -> u32;
    fn missing(&self) -> bool;
}

fn main() {}
