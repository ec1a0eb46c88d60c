//! The library never creates or drops a client on an async worker thread:
//! constructor twins run on the blocking pool, and when the last `Handle` or
//! `Exclusive` is dropped inside a runtime the client is dropped there too.
//!
//! A `Witness` field reports, when the client is dropped, the thread it was
//! dropped on and whether blocking is allowed there. Fields drop in order, so
//! a witness declared after the real client reports only once that client's
//! own drop has finished.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread::{self, ThreadId};
use std::time::Duration;

use asyncify::{Exclusive, Handle, asyncify, unblock};

#[derive(Debug)]
struct DropReport {
    thread: ThreadId,
    may_block: bool,
}

/// Sends a `DropReport` when dropped.
#[derive(Clone)]
pub struct Witness(mpsc::Sender<DropReport>);

impl Drop for Witness {
    fn drop(&mut self) {
        let _ = self.0.send(DropReport {
            thread: thread::current().id(),
            may_block: may_block_here(),
        });
    }
}

fn new_witness() -> (Witness, mpsc::Receiver<DropReport>) {
    let (sender, receiver) = mpsc::channel();
    (Witness(sender), receiver)
}

/// Whether this thread may block: `Handle::block_on` panics on a thread that
/// drives a runtime's async tasks, as do the blocking clients that check
/// (`reqwest::blocking`); it works on a blocking pool thread and outside any
/// runtime.
fn may_block_here() -> bool {
    match tokio::runtime::Handle::try_current() {
        Err(_) => true,
        Ok(runtime) => panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(async {}))).is_ok(),
    }
}

/// Waits (off the async threads) for the next report.
async fn next_report(
    reports: mpsc::Receiver<DropReport>,
) -> (DropReport, mpsc::Receiver<DropReport>) {
    unblock(move || {
        let report = reports
            .recv_timeout(Duration::from_secs(30))
            .expect("the client was never dropped");
        (report, reports)
    })
    .await
}

/// Waits for the client's drop report and checks that it was dropped on
/// another thread than the test's (its only async worker), where blocking is
/// allowed.
async fn assert_dropped_off_the_workers(
    reports: mpsc::Receiver<DropReport>,
    test_thread: ThreadId,
) {
    let (report, _) = next_report(reports).await;
    assert_ne!(
        report.thread, test_thread,
        "dropped on the test's async thread"
    );
    assert!(
        report.may_block,
        "dropped where blocking is not allowed: {report:?}"
    );
}

/// A plain client that reports where it is dropped.
pub struct Plain {
    witness: Witness,
}

#[asyncify]
impl Plain {
    pub fn new(witness: Witness) -> Plain {
        Plain { witness }
    }

    pub fn ping(&self) -> &'static str {
        let _ = &self.witness;
        "pong"
    }

    pub fn ping_mut(&mut self) -> &'static str {
        self.ping()
    }
}

#[tokio::test]
async fn the_probe_tells_an_async_thread_from_a_pool_thread() {
    // On this single-threaded runtime, the test's thread runs the tasks.
    assert!(!may_block_here());
    assert!(unblock(may_block_here).await);
    assert!(thread::spawn(may_block_here).join().unwrap());
}

#[tokio::test]
async fn the_last_handle_dropped_in_a_runtime_drops_the_client_on_the_pool() {
    let test_thread = thread::current().id();

    let (witness, reports) = new_witness();
    let handle = Handle::new(Plain::new_async(witness).await);
    let other = handle.clone();
    assert_eq!(other.ping_async().await, "pong");
    drop(other);
    assert!(
        reports.try_recv().is_err(),
        "dropped while a handle was left"
    );
    drop(handle);
    assert_dropped_off_the_workers(reports, test_thread).await;

    let (witness, reports) = new_witness();
    let exclusive = Exclusive::new(Plain::new_async(witness).await);
    let other = exclusive.clone();
    assert_eq!(other.ping_mut_async().await, "pong");
    drop(other);
    assert!(
        reports.try_recv().is_err(),
        "dropped while a handle was left"
    );
    drop(exclusive);
    assert_dropped_off_the_workers(reports, test_thread).await;
}

#[tokio::test]
async fn a_future_dropped_unpolled_still_drops_the_client_on_the_pool() {
    let test_thread = thread::current().id();

    // The future holds the last handle to the client.
    let (witness, reports) = new_witness();
    let handle = Handle::new(Plain::new_async(witness).await);
    let future = handle.ping_async();
    drop(handle);
    drop(future);
    assert_dropped_off_the_workers(reports, test_thread).await;

    let (witness, reports) = new_witness();
    let exclusive = Exclusive::new(Plain::new_async(witness).await);
    let future = exclusive.ping_mut_async();
    drop(exclusive);
    drop(future);
    assert_dropped_off_the_workers(reports, test_thread).await;
}

#[tokio::test]
async fn a_call_that_outlives_the_handles_drops_the_client_on_the_pool() {
    let test_thread = thread::current().id();
    let (witness, reports) = new_witness();
    let handle = Handle::new(Plain::new_async(witness).await);
    let future = handle.ping_async();
    drop(handle);
    assert_eq!(future.await, "pong");
    assert_dropped_off_the_workers(reports, test_thread).await;
}

#[test]
fn the_last_handle_dropped_outside_a_runtime_drops_the_client_in_place() {
    let (witness, reports) = new_witness();
    drop(Handle::new(Plain::new(witness)));
    let report = reports.try_recv().expect("not dropped right away");
    assert_eq!(report.thread, thread::current().id());

    let (witness, reports) = new_witness();
    drop(Exclusive::new(Plain::new(witness)));
    let report = reports.try_recv().expect("not dropped right away");
    assert_eq!(report.thread, thread::current().id());
}

/// A `Clone` client: each call runs on a clone of it.
#[derive(Clone)]
pub struct Cheap {
    witness: Witness,
}

#[asyncify]
impl Cheap {
    pub fn ping(&self) -> &'static str {
        let _ = &self.witness;
        "pong"
    }
}

#[tokio::test]
async fn a_clone_client_drops_the_clone_of_a_call_on_the_pool() {
    let test_thread = thread::current().id();
    let (witness, reports) = new_witness();
    let cheap = Cheap { witness };
    assert_eq!(cheap.ping_async().await, "pong");
    let report = reports
        .try_recv()
        .expect("the call's clone was not dropped");
    assert_ne!(report.thread, test_thread);
    assert!(report.may_block, "{report:?}");
}

#[tokio::test]
async fn a_clone_client_future_dropped_unpolled_drops_its_clone_on_the_pool() {
    let test_thread = thread::current().id();
    let (witness, reports) = new_witness();
    let cheap = Cheap { witness };
    let future = cheap.ping_async();
    // The user's own drop: where it happens is up to them.
    drop(cheap);
    assert_eq!(reports.try_recv().unwrap().thread, test_thread);
    // The clone the library took: this was the last client.
    drop(future);
    assert_dropped_off_the_workers(reports, test_thread).await;
}

// ------------------------------------------------------------ reqwest

/// A newtype around a real blocking client, which must not be created (and
/// should not be dropped) on an async worker.
pub struct Http {
    client: reqwest::blocking::Client,
    // Declared last: reports once `client` has been dropped.
    witness: Witness,
}

#[asyncify]
impl Http {
    pub fn new(witness: Witness) -> Http {
        let client = reqwest::blocking::Client::builder()
            .no_proxy()
            .build()
            .expect("build a reqwest client");
        Http { client, witness }
    }

    /// GETs `url`, as text.
    ///
    /// # Errors
    ///
    /// When the request fails or the status is not a success.
    pub fn get(&self, url: &str) -> Result<String, String> {
        let _ = &self.witness;
        self.client
            .get(url)
            .send()
            .and_then(reqwest::blocking::Response::error_for_status)
            .and_then(reqwest::blocking::Response::text)
            .map_err(|error| error.to_string())
    }
}

/// Serves `requests` requests on 127.0.0.1, each answered with its own path.
fn serve(requests: usize) -> (String, thread::JoinHandle<()>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("start tiny_http");
    let address = server.server_addr().to_ip().expect("an IP address");
    let thread = thread::spawn(move || {
        for request in server.incoming_requests().take(requests) {
            let body = format!("hello from {}", request.url());
            request
                .respond(tiny_http::Response::from_string(body))
                .unwrap();
        }
    });
    (format!("http://{address}/hello"), thread)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reqwest_blocking_client_is_created_used_and_dropped_on_the_pool() {
    let (url, server) = serve(2);
    let (witness, reports) = new_witness();

    let http = Handle::new(Http::new_async(witness).await);
    assert_eq!(http.get_async(&url).await.unwrap(), "hello from /hello");
    let other = http.clone();
    let body = tokio::spawn(other.get_async(&format!("{url}?again")))
        .await
        .unwrap();
    assert_eq!(body.unwrap(), "hello from /hello?again");
    unblock(move || server.join()).await.unwrap();

    // Both handles dropped here, on an async worker.
    drop(other);
    drop(http);
    let (report, _) = next_report(reports).await;
    assert!(report.may_block, "dropped on an async worker: {report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creating_a_reqwest_blocking_client_on_an_async_worker_panics() {
    // The counterfactual of the test above: what `Http::new_async` avoids.
    let created = panic::catch_unwind(|| reqwest::blocking::Client::builder().no_proxy().build());
    assert!(created.is_err(), "reqwest no longer panics here");
    assert!(!may_block_here());
}
