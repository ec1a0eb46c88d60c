//! `s3::bucket::Bucket`'s declared twins (tests/coverage/s3.rs), called
//! against a real S3-compatible server (moto) at `S3_ENDPOINT`.

#[path = "coverage/s3.rs"]
mod s3_api;
#[path = "coverage/servers.rs"]
mod servers;

use asyncify::unblock;
use s3::BucketConfiguration;
use s3::bucket::Bucket;
use s3::creds::Credentials;
use s3::error::S3Error;
use s3::region::Region;
use s3::serde_types::Part;
use s3_api::BucketAsync;
use servers::bounded;

const HOW: &str = "`.ci/servers start`, or `pip install 'moto[server]' && moto_server -H 127.0.0.1 -p 5000`; \
                   e.g. S3_ENDPOINT=http://127.0.0.1:5000";

/// A new bucket on the server, path style. `Bucket` is `Clone + Send`: it is
/// its own handle.
async fn bucket(endpoint: &str) -> Bucket {
    let region = Region::Custom {
        region: "eu-west-1".into(),
        endpoint: endpoint.to_owned(),
    };
    let credentials = Credentials::new(Some("test"), Some("test"), None, None, None).unwrap();
    let name = servers::unique("coverage-s3-").to_lowercase();
    // Functions without `self` have no twin in a remote declaration: `unblock` them.
    let created = unblock(move || {
        Bucket::create_with_path_style(&name, region, credentials, BucketConfiguration::default())
    })
    .await
    .unwrap();
    assert!(created.success(), "{}", created.response_text);
    *created.bucket
}

async fn empty_and_delete(bucket: &Bucket) {
    for page in bucket.list_async(String::new(), None).await.unwrap() {
        for object in page.contents {
            bucket.delete_object_async(object.key).await.unwrap();
        }
    }
    assert_eq!(bucket.delete_async().await.unwrap(), 204);
}

#[tokio::test]
async fn object_twins_put_get_list_and_delete() {
    let Some(endpoint) = servers::address("S3_ENDPOINT", HOW) else {
        return;
    };
    bounded(async {
        let bucket = bucket(&endpoint).await;
        assert!(bucket.exists_async().await.unwrap());
        // A generic `S: AsRef<str>` path and a borrowed `&[u8]` body.
        let put = bucket
            .put_object_async("a/one.txt", b"hello")
            .await
            .unwrap();
        assert_eq!(put.status_code(), 200);
        let body = String::from("second");
        let put = bucket
            .put_object_with_content_type_async(
                String::from("a/two.txt"),
                body.as_bytes(),
                "text/plain",
            )
            .await
            .unwrap();
        assert_eq!(put.status_code(), 200);
        drop(body);

        let got = bucket.get_object_async("a/one.txt").await.unwrap();
        assert_eq!(got.bytes().as_ref(), b"hello");
        // `Option<u64>`.
        let range = bucket
            .get_object_range_async("a/one.txt", 1, Some(3))
            .await
            .unwrap();
        assert_eq!(range.bytes().as_ref(), b"ell");
        let (head, code) = bucket.head_object_async("a/two.txt").await.unwrap();
        assert_eq!(code, 200);
        assert_eq!(head.content_length, Some(6));
        assert!(bucket.object_exists_async("a/two.txt").await.unwrap());
        assert!(!bucket.object_exists_async("a/none.txt").await.unwrap());

        assert_eq!(
            bucket
                .copy_object_internal_async("a/one.txt", String::from("b/copy.txt"))
                .await
                .unwrap(),
            200
        );
        // `Option<String>` arguments.
        let pages = bucket
            .list_async(String::from("a/"), Some(String::from("/")))
            .await
            .unwrap();
        let keys: Vec<String> = pages
            .iter()
            .flat_map(|page| page.contents.iter().map(|object| object.key.clone()))
            .collect();
        assert_eq!(keys, ["a/one.txt", "a/two.txt"]);
        let (page, _) = bucket
            .list_page_async(String::new(), None, None, None, Some(1))
            .await
            .unwrap();
        assert_eq!(page.contents.len(), 1);
        assert!(page.is_truncated);

        // Borrowed generic pairs.
        let tagged = bucket
            .put_object_tagging_async("a/one.txt", &[("team", "storage")])
            .await
            .unwrap();
        assert_eq!(tagged.status_code(), 200);

        let url = bucket
            .presign_get_async("a/one.txt", 60, None)
            .await
            .unwrap();
        assert!(url.contains("X-Amz-Signature="), "{url}");
        let fetched = unblock(move || ureq::get(&url).call()?.into_body().read_to_string())
            .await
            .unwrap();
        assert_eq!(fetched, "hello");

        empty_and_delete(&bucket).await;
    })
    .await;
}

#[tokio::test]
async fn multipart_upload_and_server_errors() {
    let Some(endpoint) = servers::address("S3_ENDPOINT", HOW) else {
        return;
    };
    bounded(async {
        let bucket = bucket(&endpoint).await;
        let upload = bucket
            .initiate_multipart_upload_async("big.bin", "application/octet-stream")
            .await
            .unwrap();
        let chunk = vec![7u8; 1024];
        let part: Part = bucket
            .put_multipart_chunk_async(
                &chunk,
                "big.bin",
                1,
                &upload.upload_id,
                "application/octet-stream",
            )
            .await
            .unwrap();
        let done = bucket
            .complete_multipart_upload_async("big.bin", &upload.upload_id, vec![part])
            .await;
        // rust-s3 expects a `CompleteMultipartUploadResult` root element and
        // moto answers `CompleteMultipartUploadResponse`, so rust-s3 reports
        // the successful answer as its own error; the object is there either way.
        match done {
            Ok(done) => assert_eq!(done.status_code(), 200),
            Err(S3Error::HttpFailWithBody(200, body)) => {
                assert!(body.contains("<Key>big.bin</Key>"), "{body}");
            }
            Err(error) => panic!("{error:?}"),
        }
        let got = bucket.get_object_async("big.bin").await.unwrap();
        assert_eq!(got.bytes().as_ref(), chunk.as_slice());

        // With `fail-on-err`, an HTTP error is rust-s3's own error.
        let error = bucket.get_object_async("missing").await.unwrap_err();
        assert!(
            matches!(error, S3Error::HttpFailWithBody(404, _)),
            "{error:?}"
        );

        // Concurrent calls on clones of one client.
        let puts: Vec<_> = (0..10)
            .map(|i| {
                tokio::spawn(bucket.put_object_async(format!("c/{i}"), format!("{i}").as_bytes()))
            })
            .collect();
        for put in puts {
            assert_eq!(put.await.unwrap().unwrap().status_code(), 200);
        }
        let pages = bucket.list_async(String::from("c/"), None).await.unwrap();
        assert_eq!(
            pages.iter().map(|page| page.contents.len()).sum::<usize>(),
            10
        );
        empty_and_delete(&bucket).await;
    })
    .await;
}
