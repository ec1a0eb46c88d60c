use asyncify::{asyncify, Handle};

#[asyncify]
pub trait Storage {
    fn get(&self, key: &str) -> Vec<u8>;
    // No `self`: no handle to run it on.
    fn open(path: &str) -> Self
    where
        Self: Sized;
}

#[asyncify]
pub unsafe trait Raw {
    fn read(&self) -> u8;
}

pub struct Disk;

impl Storage for Disk {
    fn get(&self, key: &str) -> Vec<u8> {
        key.as_bytes().to_vec()
    }
    fn open(_: &str) -> Self {
        Disk
    }
}

pub struct NotStorage;

async fn misuse() {
    // A handle to a client that does not implement the trait.
    let _ = Handle::new(NotStorage).get_async("k").await;
}

fn main() {}
