use asyncify::asyncify;

mod vendor {
    pub struct Store;
    impl Store {
        pub fn open(path: &str) -> Store {
            let _ = path;
            Store
        }
        pub fn len(&self) -> usize {
            0
        }
    }
}

#[asyncify(remote = vendor::Store)]
pub trait StoreAsync {
    // A declaration has no body.
    fn len(&self) -> usize {
        0
    }
}

#[asyncify(remote = vendor::Store, trait_name = Other)]
pub trait Named {
    fn len(&self) -> usize;
}

pub struct Local;

#[asyncify(remote = vendor::Store)]
impl Local {
    pub fn get(&self) -> u8 {
        0
    }
}

fn main() {}
