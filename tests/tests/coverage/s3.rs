//! Every public blocking method of `s3::bucket::Bucket` (rust-s3 0.38,
//! `default-features = false, features = ["sync", "fail-on-err"]`), declared
//! as rust-s3's source writes it in its sync build.
//!
//! "Blocking" is what rust-s3 itself says: the methods that its async build
//! makes `async fn` (`#[maybe_async]`, `#[async_impl]`/`#[sync_impl]` pairs).
//! The others only build or read the `Bucket` value.
//!
//! `coverage_table.rs` counts this file for the README's table (see
//! `sqlite.rs` for the conventions).

use std::collections::HashMap;

use asyncify::asyncify;
use http::HeaderMap;
use s3::PostPolicy;
use s3::creds::Credentials;
use s3::error::S3Error;
use s3::post_policy::PresignedPost;
use s3::region::Region;
use s3::request::ResponseData;
use s3::serde_types::{
    BucketLifecycleConfiguration, CorsConfiguration, DeleteObjectsResult,
    GetObjectAttributesOutput, HeadObjectResult, InitiateMultipartUploadResponse, ListBucketResult,
    ListMultipartUploadsResult, ObjectIdentifier, Part,
};

// not declared (not blocking): `new`, `new_public`, `with_path_style`, `with_extra_headers`, `with_extra_query`, `with_request_timeout`, `with_listobjects_v1`, `set_dangerous_config`, `set_dangereous_config`, `is_path_style`, `is_subdomain_style`, `set_path_style`, `set_subdomain_style`, `set_request_timeout`, `set_listobjects_v1`, `set_listobjects_v2`, `name`, `host`, `url`, `path_style_host`, `subdomain_style_host`, `scheme`, `region`, `set_credentials`, `add_header`, `extra_headers`, `extra_headers_mut`, `add_query`, `extra_query`, `extra_query_mut`, `request_timeout`
// not declared (not compiled in this build): `get_object_tagging` (feature `tags`), `http_client`, `set_proxy`, `get_object_stream`, `put_object_stream_builder` (the async builds)

/// The async twins of `s3::bucket::Bucket`'s blocking methods.
#[asyncify(remote = s3::bucket::Bucket)]
pub trait BucketAsync {
    fn credentials_refresh(&self) -> Result<(), S3Error>;
    fn presign_get<S: AsRef<str>>(
        &self,
        path: S,
        expiry_secs: u32,
        custom_queries: Option<HashMap<String, String>>,
    ) -> Result<String, S3Error>;
    // Declared with `'static` where the source has a lifetime parameter
    // `'a`: a policy built from owned or `'static` strings is
    // `PostPolicy<'static>`, and a twin cannot take a shorter borrow.
    fn presign_post(&self, post_policy: PostPolicy<'static>) -> Result<PresignedPost, S3Error>;
    fn presign_put<S: AsRef<str>>(
        &self,
        path: S,
        expiry_secs: u32,
        custom_headers: Option<HeaderMap>,
        custom_queries: Option<HashMap<String, String>>,
    ) -> Result<String, S3Error>;
    fn presign_delete<S: AsRef<str>>(&self, path: S, expiry_secs: u32) -> Result<String, S3Error>;
    fn create(
        name: &str,
        region: Region,
        credentials: Credentials,
        config: s3::BucketConfiguration,
    ) -> Result<s3::bucket_ops::CreateBucketResponse, S3Error>;
    fn list_buckets(
        region: Region,
        credentials: Credentials,
    ) -> Result<s3::bucket_ops::ListBucketsResponse, S3Error>;
    fn exists(&self) -> Result<bool, S3Error>;
    fn create_with_path_style(
        name: &str,
        region: Region,
        credentials: Credentials,
        config: s3::BucketConfiguration,
    ) -> Result<s3::bucket_ops::CreateBucketResponse, S3Error>;
    fn delete(&self) -> Result<u16, S3Error>;
    fn copy_object_internal<F: AsRef<str>, T: AsRef<str>>(
        &self,
        from: F,
        to: T,
    ) -> Result<u16, S3Error>;
    fn get_object<S: AsRef<str>>(&self, path: S) -> Result<ResponseData, S3Error>;
    fn get_object_attributes<S: AsRef<str>>(
        &self,
        path: S,
        expected_bucket_owner: &str,
        version_id: Option<String>,
    ) -> Result<GetObjectAttributesOutput, S3Error>;
    fn object_exists<S: AsRef<str>>(&self, path: S) -> Result<bool, S3Error>;
    fn put_bucket_cors(
        &self,
        expected_bucket_owner: &str,
        cors_config: &CorsConfiguration,
    ) -> Result<ResponseData, S3Error>;
    fn get_bucket_cors(&self, expected_bucket_owner: &str) -> Result<CorsConfiguration, S3Error>;
    fn delete_bucket_cors(&self, expected_bucket_owner: &str) -> Result<ResponseData, S3Error>;
    fn get_bucket_lifecycle(&self) -> Result<BucketLifecycleConfiguration, S3Error>;
    fn put_bucket_lifecycle(
        &self,
        lifecycle_config: BucketLifecycleConfiguration,
    ) -> Result<ResponseData, S3Error>;
    fn delete_bucket_lifecycle(&self) -> Result<ResponseData, S3Error>;
    fn get_bucket_policy(&self) -> Result<ResponseData, S3Error>;
    fn put_bucket_policy(&self, policy: &str) -> Result<ResponseData, S3Error>;
    fn delete_bucket_policy(&self) -> Result<ResponseData, S3Error>;
    fn get_object_torrent<S: AsRef<str>>(&self, path: S) -> Result<ResponseData, S3Error>;
    fn get_object_range<S: AsRef<str>>(
        &self,
        path: S,
        start: u64,
        end: Option<u64>,
    ) -> Result<ResponseData, S3Error>;
    // no twin: writes into a `&mut` writer the caller keeps, which the twin's future cannot borrow; instead: `get_object_range_async` returns the bytes, or write in the closure, `bucket.offload(move |b| { let mut file = File::create(&to)?; b.get_object_to_writer(&key, &mut file) })`
    #[asyncify(skip)]
    fn get_object_range_to_writer<T: std::io::Write + Send + ?Sized, S: AsRef<str>>(
        &self,
        path: S,
        start: u64,
        end: Option<u64>,
        writer: &mut T,
    ) -> Result<u16, S3Error>;
    // no twin: writes into a `&mut` writer the caller keeps, which the twin's future cannot borrow; instead: `get_object_range_async` returns the bytes, or write in the closure, `bucket.offload(move |b| { let mut file = File::create(&to)?; b.get_object_to_writer(&key, &mut file) })`
    #[asyncify(skip)]
    fn get_object_to_writer<T: std::io::Write + Send + ?Sized, S: AsRef<str>>(
        &self,
        path: S,
        writer: &mut T,
    ) -> Result<u16, S3Error>;
    // no twin: reads from a `&mut` reader the caller keeps, which the twin's future cannot borrow; instead: move the reader into the closure, `bucket.offload(move |b| b.put_object_stream(&mut file, &key))`
    #[asyncify(skip)]
    fn put_object_stream<R: std::io::Read>(
        &self,
        reader: &mut R,
        s3_path: impl AsRef<str>,
    ) -> Result<u16, S3Error>;
    // no twin: reads from a `&mut` reader the caller keeps, which the twin's future cannot borrow; instead: move the reader into the closure, `bucket.offload(move |b| b.put_object_stream(&mut file, &key))`
    #[asyncify(skip)]
    fn put_object_stream_with_content_type<R: std::io::Read>(
        &self,
        reader: &mut R,
        s3_path: impl AsRef<str>,
        content_type: impl AsRef<str>,
    ) -> Result<u16, S3Error>;
    fn initiate_multipart_upload(
        &self,
        s3_path: &str,
        content_type: &str,
    ) -> Result<InitiateMultipartUploadResponse, S3Error>;
    // no twin: rust-s3 0.38's sync build leaves it an `async fn` (`#[sync_impl] pub async fn`) whose future blocks when polled, and a twin is only made for a blocking `fn`; instead: read the chunk and call `put_multipart_chunk_async(&chunk, ..)`, or move the reader into a closure that reads the chunk, `bucket.offload(move |b| { let chunk = read_chunk(&mut file)?; b.put_multipart_chunk(&chunk, &key, 1, &id, "text/plain") })`
    async fn put_multipart_stream<R: std::io::Read + Unpin>(
        &self,
        reader: &mut R,
        path: &str,
        part_number: u32,
        upload_id: &str,
        content_type: &str,
    ) -> Result<Part, S3Error>;
    fn put_multipart_chunk(
        &self,
        chunk: &[u8],
        path: &str,
        part_number: u32,
        upload_id: &str,
        content_type: &str,
    ) -> Result<Part, S3Error>;
    fn complete_multipart_upload(
        &self,
        path: &str,
        upload_id: &str,
        parts: Vec<Part>,
    ) -> Result<ResponseData, S3Error>;
    fn location(&self) -> Result<(Region, u16), S3Error>;
    fn delete_object<S: AsRef<str>>(&self, path: S) -> Result<ResponseData, S3Error>;
    fn delete_objects<I: Into<Vec<ObjectIdentifier>>>(
        &self,
        objects: I,
    ) -> Result<DeleteObjectsResult, S3Error>;
    fn head_object<S: AsRef<str>>(&self, path: S) -> Result<(HeadObjectResult, u16), S3Error>;
    fn put_object_with_content_type<S: AsRef<str>>(
        &self,
        path: S,
        content: &[u8],
        content_type: &str,
    ) -> Result<ResponseData, S3Error>;
    fn put_object_with_content_type_and_headers<S: AsRef<str>>(
        &self,
        path: S,
        content: &[u8],
        content_type: &str,
        custom_headers: Option<HeaderMap>,
    ) -> Result<ResponseData, S3Error>;
    fn put_object_with_headers<S: AsRef<str>>(
        &self,
        path: S,
        content: &[u8],
        custom_headers: Option<HeaderMap>,
    ) -> Result<ResponseData, S3Error>;
    fn put_object<S: AsRef<str>>(&self, path: S, content: &[u8]) -> Result<ResponseData, S3Error>;
    // no twin: returns a borrow of the bucket and the content (a request builder); instead: build and execute it in one closure, `bucket.offload(move |b| b.put_object_builder(&key, &data).with_content_type("text/plain")?.execute())`
    #[asyncify(skip)]
    fn put_object_builder<S: AsRef<str>>(
        &self,
        path: S,
        content: &[u8],
    ) -> s3::put_object_request::PutObjectRequest<'_>;
    fn put_object_tagging<S: AsRef<str>>(
        &self,
        path: &str,
        tags: &[(S, S)],
    ) -> Result<ResponseData, S3Error>;
    fn delete_object_tagging<S: AsRef<str>>(&self, path: S) -> Result<ResponseData, S3Error>;
    fn list_page(
        &self,
        prefix: String,
        delimiter: Option<String>,
        continuation_token: Option<String>,
        start_after: Option<String>,
        max_keys: Option<usize>,
    ) -> Result<(ListBucketResult, u16), S3Error>;
    fn list(
        &self,
        prefix: String,
        delimiter: Option<String>,
    ) -> Result<Vec<ListBucketResult>, S3Error>;
    fn list_multiparts_uploads_page(
        &self,
        prefix: Option<&str>,
        delimiter: Option<&str>,
        key_marker: Option<String>,
        upload_id_marker: Option<String>,
        max_uploads: Option<usize>,
    ) -> Result<(ListMultipartUploadsResult, u16), S3Error>;
    fn list_multiparts_uploads(
        &self,
        prefix: Option<&str>,
        delimiter: Option<&str>,
    ) -> Result<Vec<ListMultipartUploadsResult>, S3Error>;
    fn abort_upload(&self, key: &str, upload_id: &str) -> Result<(), S3Error>;
    fn access_key(&self) -> Result<Option<String>, S3Error>;
    fn secret_key(&self) -> Result<Option<String>, S3Error>;
    fn security_token(&self) -> Result<Option<String>, S3Error>;
    fn session_token(&self) -> Result<Option<String>, S3Error>;
    fn credentials(&self) -> Result<Credentials, S3Error>;
}
