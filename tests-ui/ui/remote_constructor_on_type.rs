use asyncify::asyncify;

mod vendor {
    pub struct Repository;
    impl Repository {
        pub fn init(path: &str) -> Repository {
            let _ = path;
            Repository
        }
    }
}

#[asyncify(remote = vendor::Repository)]
pub trait RepositoryAsync {
    fn init(path: &str) -> vendor::Repository;
}

// Another crate's type has no inherent twins: the error says what to write.
async fn open() -> vendor::Repository {
    vendor::Repository::init_async("repo").await
}

fn main() {
    drop(open);
}
