//! Where the real servers are, for the tests that need one. Each test file
//! includes this module and uses some of it.

#![allow(dead_code)]

use std::io::Write;

/// The address in the environment variable `var`, or `None` after a line on
/// stderr saying which variable is missing and how to start the server (`how`).
/// With `ASYNCIFY_REQUIRE_SERVERS=1` a missing server is a failure instead.
///
/// The line goes to the process's stderr directly: the test harness captures
/// `eprintln!` of passing tests, and a skip must show.
pub(crate) fn address(var: &str, how: &str) -> Option<String> {
    if let Ok(value) = std::env::var(var) {
        if !value.is_empty() {
            return Some(value);
        }
    }
    let message = format!(
        "skipped: {var} is not set; start the server ({how}) and set {var} to run this test"
    );
    assert!(
        std::env::var("ASYNCIFY_REQUIRE_SERVERS").as_deref() != Ok("1"),
        "ASYNCIFY_REQUIRE_SERVERS=1 but {var} is not set; start the server ({how}) and set {var}"
    );
    let _ = writeln!(std::io::stderr(), "{message}");
    None
}

/// A name no other test run uses, for keys, tables and buckets.
pub(crate) fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |time| time.subsec_nanos());
    format!(
        "{prefix}{}x{nanos}x{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `future`, or a panic after a generous minute: nothing in a test may hang.
pub(crate) async fn bounded<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(std::time::Duration::from_secs(60), future)
        .await
        .expect("timed out after 60 s")
}
