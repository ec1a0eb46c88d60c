//! `#[asyncify(remote = path::Type)]` on a trait of declared signatures: twins
//! for a type this crate does not own, with no newtype and no bodies.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use asyncify::{Exclusive, Handle, asyncify};

/// Stands in for another crate: the tests below only name it by path and
/// declare its methods, as a user does with `rusqlite::Connection`.
mod vendor {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    #[derive(Default)]
    pub struct Store {
        pub(crate) entries: Mutex<BTreeMap<String, Vec<u8>>>,
        pub(crate) log: Vec<String>,
    }

    #[derive(Debug, PartialEq, Eq)]
    pub struct NotFound(pub String);

    /// A `Clone` client with a function of the service (no `self`), like
    /// `s3::bucket::Bucket::list_buckets`.
    #[derive(Clone, Debug)]
    pub struct Service;

    impl Service {
        pub fn regions(prefix: &str) -> Vec<String> {
            ["eu-west-1", "eu-west-2", "us-east-1"]
                .into_iter()
                .filter(|region| region.starts_with(prefix))
                .map(str::to_owned)
                .collect()
        }

        #[allow(clippy::unused_self)]
        pub fn ping(&self) -> &'static str {
            "pong"
        }
    }

    impl Store {
        pub fn open(name: &str) -> Store {
            let store = Store::default();
            store.put("name", name.as_bytes());
            store
        }

        pub fn put(&self, key: &str, value: &[u8]) -> usize {
            let mut entries = self.entries.lock().unwrap();
            entries.insert(key.to_owned(), value.to_vec());
            entries.len()
        }

        pub fn get(&self, key: impl AsRef<str>) -> Result<Vec<u8>, NotFound> {
            let key = key.as_ref();
            self.entries
                .lock()
                .unwrap()
                .get(key)
                .cloned()
                .ok_or_else(|| NotFound(key.to_owned()))
        }

        pub fn keys(&self, prefix: Option<&str>) -> Vec<String> {
            self.entries
                .lock()
                .unwrap()
                .keys()
                .filter(|key| prefix.is_none_or(|prefix| key.starts_with(prefix)))
                .cloned()
                .collect()
        }

        pub fn scan(&self, prefix: &str) -> impl Iterator<Item = (String, usize)> + '_ {
            let entries = self.entries.lock().unwrap().clone();
            let prefix = prefix.to_owned();
            entries
                .into_iter()
                .filter(move |(key, _)| key.starts_with(&prefix))
                .map(|(key, value)| (key, value.len()))
        }

        pub fn record(&mut self, line: String) -> usize {
            self.log.push(line);
            self.log.len()
        }

        #[allow(clippy::unused_self)]
        pub fn total<T: Into<u64>>(&self, values: Vec<T>) -> u64 {
            values.into_iter().map(Into::into).sum()
        }
    }
}

/// The twins of the `vendor::Store` methods this crate uses.
#[asyncify(remote = vendor::Store)]
pub trait StoreAsync {
    fn open(name: &str) -> vendor::Store;
    fn put(&self, key: &str, value: &[u8]) -> usize;
    fn get(&self, key: impl AsRef<str>) -> Result<Vec<u8>, vendor::NotFound>;
    // Declared as the docs write it, lifetimes and all.
    fn keys<'a>(&'a self, prefix: Option<&str>) -> Vec<String>;
    fn scan(&self, prefix: &str) -> impl Iterator<Item = (String, usize)>;
    fn record(&mut self, line: String) -> usize;
    #[asyncify(rename = "sum_async")]
    fn total<T: Into<u64>>(&self, values: Vec<T>) -> u64;
}

/// Functions without `self` get twins in the trait too.
#[asyncify(remote = vendor::Service)]
pub trait ServiceAsync {
    fn regions(prefix: &str) -> Vec<String>;
    fn ping(&self) -> &'static str;
}

/// A declaration may keep the `pub` of the documentation it was copied from
/// (plain Rust rejects `pub` in a trait; `remote` accepts it on purpose). The
/// twins are as visible as the trait.
#[asyncify(remote = vendor::Service, suffix = "_verbatim")]
pub trait ServiceVerbatim {
    pub fn regions(prefix: &str) -> Vec<String>;
    pub(crate) fn ping(&self) -> &'static str;
}

#[tokio::test]
async fn pub_in_a_declaration_is_accepted() {
    let regions = vendor::Service::regions_verbatim("us").await;
    assert_eq!(regions, ["us-east-1"]);
    assert_eq!(vendor::Service.ping_verbatim().await, "pong");
}

#[tokio::test]
async fn functions_without_self_are_called_on_a_handle_type() {
    // A `Clone` client is its own handle: call them on the type.
    let regions = vendor::Service::regions_async("eu").await;
    assert_eq!(regions, ["eu-west-1", "eu-west-2"]);
    assert_eq!(vendor::Service.ping_async().await, "pong");
    // Otherwise name the handle type.
    let store = Handle::new(Handle::<vendor::Store>::open_async("opened").await);
    assert_eq!(store.get_async("name").await, Ok(b"opened".to_vec()));
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

#[tokio::test]
async fn declared_methods_get_twins_on_every_handle() {
    let store = Handle::new(vendor::Store::default());
    assert_eq!(store.put_async("a/1", b"one").await, 1);
    assert_eq!(store.put_async("a/2", b"two!").await, 2);
    assert_eq!(store.put_async("b/1", b"x").await, 3);

    // Read back through another handle kind to the same data.
    let arc = Arc::new(vendor::Store::default());
    arc.put_async("k", b"v").await;
    assert_eq!(arc.get_async("k").await, Ok(b"v".to_vec()));

    assert_eq!(
        store.get_async(String::from("a/2")).await,
        Ok(b"two!".to_vec())
    );
    assert_eq!(
        store.get_async("missing").await,
        Err(vendor::NotFound("missing".into()))
    );
    assert_eq!(store.keys_async(Some("a/")).await, ["a/1", "a/2"]);
    assert_eq!(store.keys_async(None).await.len(), 3);
    assert_eq!(store.sum_async(vec![1u8, 2, 3]).await, 6);

    let scanned = collect(store.scan_stream("a/")).await;
    assert_eq!(scanned, [("a/1".to_owned(), 3), ("a/2".to_owned(), 4)]);
}

#[tokio::test]
async fn mut_methods_need_exclusive_and_take_turns() {
    let store = Exclusive::new(vendor::Store::default());
    let calls = (0..20).map(|i| store.record_async(format!("line {i}")));
    let mut lengths: Vec<usize> = futures_join_all(calls).await;
    lengths.sort_unstable();
    assert_eq!(lengths, (1..=20).collect::<Vec<_>>());
    // Shared-access twins work on `Exclusive` too.
    store.put_async("k", b"v").await;
    assert_eq!(store.keys_async(None).await, ["k"]);
    let entries: BTreeMap<String, Vec<u8>> =
        store.offload(|s| s.entries.lock().unwrap().clone()).await;
    assert_eq!(entries.len(), 1);
}

#[tokio::test]
async fn futures_own_their_arguments() {
    let store = Handle::new(vendor::Store::default());
    let future = {
        let key = String::from("owned");
        let value = vec![1, 2, 3];
        store.put_async(&key, &value)
    };
    assert_eq!(tokio::spawn(future).await.unwrap(), 1);
    let _unused = Mutex::new(());
}

async fn futures_join_all<F: Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}
