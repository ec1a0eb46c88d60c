//! `#[asyncify]` on a trait definition: one `StorageAsync` trait of twins for
//! every backend, through any handle to an implementor.

#![allow(clippy::missing_errors_doc)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use asyncify::{Exclusive, Handle, asyncify};

/// A storage backend: several implementations, one set of twins.
#[asyncify]
pub trait Storage {
    /// The backend's error: `Send + 'static` so that the twins' results can
    /// cross threads in generic code too.
    type Error: std::fmt::Debug + Send + 'static;

    fn put(&self, key: &str, value: Vec<u8>) -> Result<(), Self::Error>;
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Self::Error>;
    fn keys(&self) -> impl Iterator<Item = String>;
    fn compact(&mut self) -> usize;
    fn describe<T: std::fmt::Display>(&self, extra: T) -> String;
    /// Constructors have no handle to run on.
    #[asyncify(skip)]
    fn empty() -> Self
    where
        Self: Sized;
}

#[derive(Default)]
struct Memory {
    entries: Mutex<HashMap<String, Vec<u8>>>,
}

impl Storage for Memory {
    type Error = std::convert::Infallible;
    fn put(&self, key: &str, value: Vec<u8>) -> Result<(), Self::Error> {
        self.entries.lock().unwrap().insert(key.to_owned(), value);
        Ok(())
    }
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Self::Error> {
        Ok(self.entries.lock().unwrap().get(key).cloned())
    }
    fn keys(&self) -> impl Iterator<Item = String> {
        let mut keys: Vec<String> = self.entries.lock().unwrap().keys().cloned().collect();
        keys.sort();
        keys.into_iter()
    }
    fn compact(&mut self) -> usize {
        self.entries.get_mut().unwrap().len()
    }
    fn describe<T: std::fmt::Display>(&self, extra: T) -> String {
        format!("memory {extra}")
    }
    fn empty() -> Self {
        Memory::default()
    }
}

/// A second backend, on files, with its own error type.
struct Files {
    dir: std::path::PathBuf,
}

impl Storage for Files {
    type Error = std::io::Error;
    fn put(&self, key: &str, value: Vec<u8>) -> Result<(), Self::Error> {
        std::fs::write(self.dir.join(key), value)
    }
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Self::Error> {
        match std::fs::read(self.dir.join(key)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }
    fn keys(&self) -> impl Iterator<Item = String> {
        let mut keys: Vec<String> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        keys.sort();
        keys.into_iter()
    }
    fn compact(&mut self) -> usize {
        std::fs::read_dir(&self.dir).unwrap().count()
    }
    fn describe<T: std::fmt::Display>(&self, extra: T) -> String {
        format!("files {extra}")
    }
    fn empty() -> Self {
        Files {
            dir: std::env::temp_dir(),
        }
    }
}

async fn collect<S: futures_core::Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut items = Vec::new();
    while let Some(item) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await
    {
        items.push(item);
    }
    items
}

/// Generic over the backend and the handle: written once.
async fn round_trip<H>(storage: &H) -> Vec<String>
where
    H: StorageAsync,
{
    storage.put_async("a", b"1".to_vec()).await.unwrap();
    storage.put_async("b", b"22".to_vec()).await.unwrap();
    assert_eq!(storage.get_async("b").await.unwrap(), Some(b"22".to_vec()));
    assert_eq!(storage.get_async("zzz").await.unwrap(), None);
    collect(storage.keys_stream()).await
}

#[tokio::test]
async fn every_backend_through_every_handle() {
    assert_eq!(
        round_trip(&Handle::new(Memory::default())).await,
        ["a", "b"]
    );

    let dir = std::env::temp_dir().join(format!("asyncify-traits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = Exclusive::new(Files { dir: dir.clone() });
    assert_eq!(round_trip(&files).await, ["a", "b"]);
    // `&mut self` twins need a handle whose calls take turns.
    assert_eq!(files.compact_async().await, 2);
    assert_eq!(files.describe_async(7).await, "files 7");
    std::fs::remove_dir_all(&dir).unwrap();

    // `Self: Sized` functions are skipped.
    assert!(Memory::empty().entries.lock().unwrap().is_empty());
}

#[tokio::test]
async fn errors_keep_the_backend_type() {
    let files = Handle::new(Files {
        dir: std::path::PathBuf::from("/nonexistent/asyncify"),
    });
    let error: std::io::Error = files.put_async("k", Vec::new()).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
}

/// A dyn-compatible trait: its twins work on `Arc<dyn Backend + Send + Sync>`,
/// so backends chosen at run time share one handle type.
#[asyncify]
pub trait Backend {
    fn name(&self) -> String;
    fn load(&self, key: &str, default: Option<&[u8]>) -> Option<Vec<u8>>;
}

struct Fixed(&'static str);

impl Backend for Fixed {
    fn name(&self) -> String {
        self.0.to_owned()
    }
    fn load(&self, key: &str, default: Option<&[u8]>) -> Option<Vec<u8>> {
        (key == self.0)
            .then(|| key.as_bytes().to_vec())
            .or_else(|| default.map(<[u8]>::to_vec))
    }
}

#[tokio::test]
async fn trait_objects_behind_arc() {
    let backends: Vec<Arc<dyn Backend + Send + Sync>> =
        vec![Arc::new(Fixed("x")), Arc::new(Fixed("y"))];
    let mut names = Vec::new();
    for backend in &backends {
        names.push(backend.name_async().await);
        assert_eq!(
            backend.load_async("x", Some(b"d")).await,
            Some(if backend.name() == "x" {
                b"x".to_vec()
            } else {
                b"d".to_vec()
            })
        );
        assert_eq!(backend.load_async("z", None).await, None);
    }
    assert_eq!(names, ["x", "y"]);
    // The same twins on a `Handle` of one concrete backend.
    let handle = Handle::new(Fixed("h"));
    let future = {
        let key = String::from("h");
        handle.load_async(&key, None)
    };
    assert_eq!(tokio::spawn(future).await.unwrap(), Some(b"h".to_vec()));
}
