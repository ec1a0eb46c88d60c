//! Generic conversion parameters (`P: AsRef<Path>`, `impl AsRef<str>`,
//! `impl Into<String>`) are converted on the caller's side, so a twin is
//! called exactly like its method (`Db::open_async(&path)`), and its future
//! still owns everything: it can be spawned after the argument is dropped.

use std::path::{Path, PathBuf};

use asyncify::{Exclusive, Handle, asyncify};

/// An embedded database: the constructor takes `P: AsRef<Path>`, as they all
/// do.
pub struct Db {
    path: PathBuf,
}

#[asyncify]
impl Db {
    pub fn open<P: AsRef<Path>>(path: P) -> Db {
        Db {
            path: path.as_ref().to_owned(),
        }
    }

    pub fn open_where<P>(path: P, create: bool) -> (PathBuf, bool)
    where
        P: AsRef<Path>,
    {
        (path.as_ref().to_owned(), create)
    }

    pub fn get(&self, key: impl AsRef<str>) -> String {
        format!("{}:{}", self.path.display(), key.as_ref())
    }

    pub fn bytes(&self, value: impl AsRef<[u8]>) -> usize {
        value.as_ref().len()
    }

    pub fn put<K: AsRef<str>>(&mut self, key: K, value: impl Into<String>) -> String {
        format!("{}={}", key.as_ref(), value.into())
    }
}

mod vendor {
    use std::path::{Path, PathBuf};

    /// The same constructor on a type of another crate.
    pub struct Repository(pub PathBuf);

    impl Repository {
        pub fn init<P: AsRef<Path>>(path: P) -> Repository {
            Repository(path.as_ref().to_owned())
        }

        pub fn name(&self, prefix: impl Into<String>) -> String {
            prefix.into() + &self.0.display().to_string()
        }
    }
}

#[asyncify(remote = vendor::Repository)]
pub trait RepositoryAsync {
    fn init<P: AsRef<Path>>(path: P) -> vendor::Repository;
    fn name(&self, prefix: impl Into<String>) -> String;
}

fn assert_send_static<F: Send + 'static>(future: F) -> F {
    future
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_arguments_are_taken_as_the_method_takes_them() {
    let path = PathBuf::from("/tmp/db");
    let by_ref = &path;
    assert_eq!(Db::open_async(&path).await.path, path);
    assert_eq!(Db::open_async(by_ref).await.path, path);
    assert_eq!(Db::open_async(path.as_path()).await.path, path);
    assert_eq!(Db::open_async("/tmp/db").await.path, path);
    assert_eq!(Db::open_async(String::from("/tmp/db")).await.path, path);
    assert_eq!(Db::open_async(format!("/tmp/{}", "db")).await.path, path);
    assert_eq!(Db::open_async(path.clone()).await.path, path);
    assert_eq!(
        Db::open_where_async(&path, true).await,
        (path.clone(), true)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_future_is_spawned_after_the_argument_is_dropped() {
    let path = PathBuf::from("/tmp/spawned");
    let future = assert_send_static(Db::open_async(&path));
    drop(path);
    let db = tokio::spawn(future).await.unwrap();
    assert_eq!(db.path, Path::new("/tmp/spawned"));

    let db = Exclusive::new(db);
    let key = String::from("k");
    let get = assert_send_static(db.get_async(&key));
    let put = assert_send_static(db.put_async(&key, &*key));
    let bytes = assert_send_static(db.bytes_async(key.as_bytes()));
    drop(key);
    assert_eq!(tokio::spawn(get).await.unwrap(), "/tmp/spawned:k");
    assert_eq!(tokio::spawn(put).await.unwrap(), "k=k");
    assert_eq!(tokio::spawn(bytes).await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_declarations_convert_the_same_way() {
    let path = PathBuf::from("/tmp/repo");
    let init = assert_send_static(Exclusive::<vendor::Repository>::init_async(&path));
    drop(path);
    let repository = Handle::new(tokio::spawn(init).await.unwrap());
    let prefix = String::from("at ");
    let name = assert_send_static(repository.name_async(&*prefix));
    drop(prefix);
    assert_eq!(tokio::spawn(name).await.unwrap(), "at /tmp/repo");
    assert_eq!(repository.name_async(String::from(">")).await, ">/tmp/repo");
}
