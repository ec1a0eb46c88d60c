use std::io;
use std::path::Path;
use std::sync::Mutex;
use std::collections::HashMap;

use asyncify::{asyncify, Handle, Exclusive};

pub struct Storage {
    map: Mutex<HashMap<String, Vec<u8>>>,
}

#[asyncify]
impl Storage {
    /// Opens it.
    pub fn open(_dir: &Path) -> io::Result<Storage> {
        Ok(Storage { map: Mutex::default() })
    }
    pub fn get(&self, key: &str) -> io::Result<Vec<u8>> {
        self.map.lock().unwrap().get(key).cloned().ok_or_else(|| io::Error::other("missing"))
    }
    pub fn put(&self, key: &str, value: &[u8]) -> io::Result<()> {
        self.map.lock().unwrap().insert(key.to_owned(), value.to_owned());
        Ok(())
    }
    pub fn clear(&mut self) {
        self.map.get_mut().unwrap().clear();
    }
    pub fn find(&self, prefix: Option<&str>, limit: usize) -> Vec<String> {
        self.map.lock().unwrap().keys().filter(|k| prefix.is_none_or(|p| k.starts_with(p))).take(limit).cloned().collect()
    }
}

#[tokio::test]
async fn smoke() {
    let storage = Handle::new(Storage::open_async(Path::new("/tmp")).await.unwrap());
    storage.put_async("k", b"v").await.unwrap();
    let temp = String::from("k");
    let fut = storage.get_async(&temp);
    drop(temp);
    let v = tokio::spawn(fut).await.unwrap().unwrap();
    assert_eq!(v, b"v");
    assert_eq!(storage.find_async(Some("k"), 10).await, vec!["k".to_owned()]);
    let ex = Exclusive::new(Storage::open(Path::new("/")).unwrap());
    ex.put_async("a", b"b").await.unwrap();
    ex.clear_async().await;
    assert!(ex.get_async("a").await.is_err());
}
