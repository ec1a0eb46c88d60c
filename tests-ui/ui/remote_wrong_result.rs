use asyncify::asyncify;

mod vendor {
    pub struct Store;
    impl Store {
        pub fn len(&self) -> usize {
            0
        }
    }
}

// One wrong declaration, one error: no conversion suggested inside it.
#[asyncify(remote = vendor::Store)]
pub trait StoreAsync {
    fn len(&self) -> u32;
}

fn main() {}
