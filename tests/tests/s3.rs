//! rust-s3's blocking client (`s3::Bucket`, `sync` feature) against a real
//! S3 API: moto's server (`S3_ENDPOINT`; start it with `.ci/servers start`).
//! `Bucket` is `Clone + Send + Sync`, so its twins work on the bucket itself,
//! on a `Handle` and on an `Arc`.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use asyncify::{Handle, asyncify, unblock};
use common::{panic_message, server_address, unique_name, within};
use s3::bucket::Bucket;
use s3::bucket_ops::BucketConfiguration;
use s3::creds::Credentials;
use s3::error::S3Error;
use s3::region::Region;
use s3::request::ResponseData;
use s3::serde_types::ListBucketResult;

#[asyncify(remote = s3::bucket::Bucket)]
trait BucketAsync {
    fn put_object<S: AsRef<str>>(&self, path: S, content: &[u8]) -> Result<ResponseData, S3Error>;
    fn get_object<S: AsRef<str>>(&self, path: S) -> Result<ResponseData, S3Error>;
    fn list(
        &self,
        prefix: String,
        delimiter: Option<String>,
    ) -> Result<Vec<ListBucketResult>, S3Error>;
    fn delete_object<S: AsRef<str>>(&self, path: S) -> Result<ResponseData, S3Error>;
    fn delete(&self) -> Result<u16, S3Error>;
}

/// The test server as a custom region (`us-east-1` would make moto refuse the
/// location constraint), or `None` (the test is skipped).
fn region() -> Option<Region> {
    let endpoint = server_address("S3_ENDPOINT")?;
    Some(Region::Custom {
        region: "eu-west-1".to_owned(),
        endpoint,
    })
}

/// Any key works with moto.
fn credentials() -> Credentials {
    Credentials::new(Some("asyncify"), Some("asyncify"), None, None, None).unwrap()
}

/// Creates a bucket no other test uses, path-style.
async fn create_bucket(region: &Region) -> Bucket {
    let name = unique_name("asyncify-test");
    let region = region.clone();
    // No `self`, so no twin: `unblock` runs it on the blocking pool.
    let created = unblock(move || {
        Bucket::create_with_path_style(&name, region, credentials(), BucketConfiguration::default())
    });
    let created = within("create bucket", created)
        .await
        .expect("cannot create a bucket");
    assert!(
        created.success(),
        "{}: {}",
        created.response_code,
        created.response_text
    );
    *created.bucket
}

/// Deletes every object, then the bucket.
async fn remove_bucket(bucket: &Bucket) {
    let pages = bucket.list_async(String::new(), None).await.unwrap();
    for object in pages.iter().flat_map(|page| &page.contents) {
        bucket
            .delete_object_async(object.key.clone())
            .await
            .unwrap();
    }
    bucket.delete_async().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_put_through_one_handle_are_read_through_another() {
    let Some(region) = region() else { return };
    let bucket = create_bucket(&region).await;
    let name = bucket.name.clone();

    // The new bucket is listed.
    let listed = {
        let region = region.clone();
        unblock(move || Bucket::list_buckets(region, credentials()))
            .await
            .unwrap()
    };
    assert!(
        listed.bucket_names().any(|n| n == name),
        "{name} is not listed"
    );

    // Write through a `Handle`, 20 puts at once.
    let writer = Handle::new(bucket);
    let puts: Vec<_> = (0..20)
        .map(|i| {
            tokio::spawn(
                writer.put_object_async(format!("dir/{i:02}"), format!("value {i}").as_bytes()),
            )
        })
        .collect();
    for put in puts {
        let response = within("put", put).await.unwrap().unwrap();
        assert_eq!(response.status_code(), 200);
    }

    // Read through a bucket made separately (a `Clone` client: no handle) and
    // through an `Arc`.
    let reader = *Bucket::new(&name, region, credentials())
        .unwrap()
        .with_path_style();
    let pages = within("list", reader.list_async("dir/".to_owned(), None))
        .await
        .unwrap();
    let keys: BTreeSet<String> = pages
        .iter()
        .flat_map(|page| &page.contents)
        .map(|o| o.key.clone())
        .collect();
    let expected: BTreeSet<String> = (0..20).map(|i| format!("dir/{i:02}")).collect();
    assert_eq!(keys, expected);

    let shared = Arc::new(reader);
    for i in [0, 7, 19] {
        let object = within("get", shared.get_object_async(format!("dir/{i:02}")))
            .await
            .unwrap();
        assert_eq!(object.status_code(), 200);
        assert_eq!(object.as_str().unwrap(), format!("value {i}"));
    }

    remove_bucket(&writer).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_come_back_as_s3_errors() {
    let Some(region) = region() else { return };
    let bucket = create_bucket(&region).await;

    // fail-on-err: a 404 is an `S3Error` carrying the status and S3's XML body.
    let missing_key = within("get", bucket.get_object_async("no/such/key")).await;
    match missing_key {
        Err(S3Error::HttpFailWithBody(404, body)) => assert!(body.contains("NoSuchKey"), "{body}"),
        other => panic!("expected a 404 NoSuchKey, got {other:?}"),
    }

    let gone = *Bucket::new(&unique_name("asyncify-missing"), region, credentials())
        .unwrap()
        .with_path_style();
    let missing_bucket = within("put", gone.put_object_async("k", b"v")).await;
    match missing_bucket {
        Err(S3Error::HttpFailWithBody(404, body)) => {
            assert!(body.contains("NoSuchBucket"), "{body}");
        }
        other => panic!("expected a 404 NoSuchBucket, got {other:?}"),
    }

    // The client still works.
    bucket.put_object_async("k", b"v").await.unwrap();
    assert_eq!(
        bucket.get_object_async("k").await.unwrap().bytes().as_ref(),
        b"v"
    );
    remove_bucket(&bucket).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_a_closure_reaches_the_awaiter_and_the_handle_stays_usable() {
    let Some(region) = region() else { return };
    let bucket = Handle::new(create_bucket(&region).await);
    bucket.put_object_async("k", b"stored").await.unwrap();

    let read_then_panic = bucket.offload(|b| {
        let object = b.get_object("k").unwrap();
        panic!(
            "the closure panicked after reading {:?}",
            object.as_str().unwrap()
        );
    });
    let payload = within("the panicking call", tokio::spawn(read_then_panic))
        .await
        .expect_err("the panic must reach the awaiting task")
        .into_panic();
    assert_eq!(
        panic_message(&*payload),
        "the closure panicked after reading \"stored\""
    );

    let object = within("get", bucket.get_object_async("k")).await.unwrap();
    assert_eq!(object.as_str().unwrap(), "stored");
    remove_bucket(&bucket).await;
}
