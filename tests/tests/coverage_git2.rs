//! `git2::Repository`'s twins, declared by `cargo asyncify declare
//! git2::Repository` (tests/coverage/git2.rs, 182 methods of a C-library
//! wrapper), called on a real repository (libgit2, vendored) in a temp dir.

#[path = "coverage/git2.rs"]
mod git2_api;

use asyncify::Exclusive;
use git2::{Oid, Repository, RepositoryState};
use git2_api::RepositoryAsync;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("asyncify-git2-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn constructor_and_method_twins_on_a_real_repository() {
    let dir = temp_dir("twins");
    // A constructor twin runs on the blocking pool too.
    let repo = Exclusive::new(
        Exclusive::<Repository>::init_async(dir.clone())
            .await
            .unwrap(),
    );
    assert!(!repo.is_bare_async().await);
    assert!(repo.is_empty_async().await.unwrap());
    assert_eq!(repo.state_async().await, RepositoryState::Clean);

    // Write an object, find it again (a `Blob` borrows the repository: read
    // it in a closure, as the declaration's `// no twin` line says).
    let oid: Oid = repo.blob_async(b"hello, blocking world").await.unwrap();
    let content = repo
        .offload(move |r| r.find_blob(oid).map(|blob| blob.content().to_vec()))
        .await
        .unwrap();
    assert_eq!(content, b"hello, blocking world");

    // `&str` arguments are copied; the future is `Send + 'static`.
    let refname = String::from("refs/heads/main");
    let set_head = tokio::spawn(repo.set_head_async(&refname));
    drop(refname);
    set_head.await.unwrap().unwrap();
    assert!(!repo.head_detached_async().await.unwrap());
    repo.set_namespace_async("team").await.unwrap();

    // A second handle on the same directory through another constructor.
    let opened = Exclusive::<Repository>::open_async(dir.clone())
        .await
        .unwrap();
    assert_eq!(
        opened.path().canonicalize().unwrap(),
        dir.join(".git").canonicalize().unwrap()
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_come_back_as_git2_errors() {
    let dir = temp_dir("errors");
    let missing = Exclusive::<Repository>::open_async(dir.join("nothing-here")).await;
    let error = missing.err().expect("no repository there");
    assert_eq!(error.code(), git2::ErrorCode::NotFound);
    let repo = Exclusive::new(
        Exclusive::<Repository>::init_async(dir.clone())
            .await
            .unwrap(),
    );
    let not_an_oid = repo.refname_to_id_async("refs/heads/none").await;
    assert!(not_an_oid.is_err());
    let _ = std::fs::remove_dir_all(dir);
}
