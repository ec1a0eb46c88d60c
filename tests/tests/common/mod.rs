//! Shared by the tests against real servers (`s3.rs`, `postgres.rs`,
//! `redis.rs`) and the in-process ones (`sqlite.rs`, `http.rs`). Each test
//! binary uses a part of it.
#![allow(dead_code)]

use std::future::Future;
use std::io::Write;
use std::time::Duration;

/// The address of a server, from environment variable `var`.
///
/// When `var` is not set, the calling test is skipped: this writes a line
/// saying so (to the real stderr, which the test harness does not capture,
/// unlike `eprintln!`) and returns `None`, and the test returns. With
/// `ASYNCIFY_REQUIRE_SERVERS=1` (as `.ci/run` sets it) a missing variable is
/// a failure instead, so CI never skips.
pub(crate) fn server_address(var: &str) -> Option<String> {
    if let Some(address) = std::env::var(var).ok().filter(|value| !value.is_empty()) {
        return Some(address);
    }
    let current = std::thread::current();
    let test = current.name().unwrap_or("a test");
    let how = "start the servers with `eval \"$(.ci/servers start)\"` in the repository root";
    let required = std::env::var("ASYNCIFY_REQUIRE_SERVERS").is_ok_and(|value| value == "1");
    assert!(
        !required,
        "{test}: {var} is not set and ASYNCIFY_REQUIRE_SERVERS=1; {how}"
    );
    // Nothing sensible to do if stderr is gone.
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {var} is not set; {how}");
    None
}

/// Awaits `future`, failing the test if it takes more than a minute.
pub(crate) async fn within<F: Future>(what: &str, future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within 60 s"))
}

/// A name no other test run uses: `prefix`, this process and a counter, in
/// lower case (S3 bucket names allow no capitals).
pub(crate) fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.subsec_nanos());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{nanos}-{n}", std::process::id())
}

/// The message of a panic payload (`panic!` with a literal or a format).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("<not a string>")
}
