//! `Dedicated<T>`: a `!Send` client built and kept on a thread of its own,
//! reached through the offload API and through `_async` twins; calls in
//! order, panics reach their awaiter, the thread ends with the last handle,
//! and no Tokio runtime is needed.

use std::cell::{Cell, RefCell};
use std::fmt::Debug;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::rc::Rc;
use std::sync::{Arc, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

use asyncify::{Dedicated, Offload, OffloadMut, asyncify};
use tokio::sync::oneshot;

const GENEROUS: Duration = Duration::from_secs(60);

/// Not `Send` (nor `Sync`): an `Rc` and a `RefCell` inside. It reports its
/// drop, with the thread it was dropped on, to `dropped`.
pub struct RcClient {
    log: Rc<RefCell<Vec<String>>>,
    calls: Cell<usize>,
    dropped: Option<mpsc::Sender<String>>,
}

fn thread_name() -> String {
    thread::current().name().unwrap_or("<unnamed>").to_owned()
}

impl RcClient {
    fn new() -> RcClient {
        RcClient {
            log: Rc::default(),
            calls: Cell::new(0),
            dropped: None,
        }
    }

    fn reporting_drop(dropped: mpsc::Sender<String>) -> RcClient {
        RcClient {
            log: Rc::default(),
            calls: Cell::new(0),
            dropped: Some(dropped),
        }
    }
}

impl Drop for RcClient {
    fn drop(&mut self) {
        if let Some(dropped) = &self.dropped {
            let _ = dropped.send(thread_name());
        }
    }
}

#[asyncify]
impl RcClient {
    pub fn push(&mut self, line: &str) -> usize {
        self.log.borrow_mut().push(line.to_owned());
        self.log.borrow().len()
    }

    pub fn lines(&self) -> Vec<String> {
        self.calls.set(self.calls.get() + 1);
        self.log.borrow().clone()
    }

    pub fn thread(&self) -> String {
        thread_name()
    }

    pub fn fail(&self, message: &str) -> usize {
        self.calls.set(self.calls.get() + 1);
        panic!("{message}")
    }

    pub fn fail_mut(&mut self, code: u32) -> usize {
        self.log.borrow_mut().push(format!("failing with {code}"));
        panic::panic_any(code)
    }

    pub fn hold(&self, started: oneshot::Sender<()>, release: mpsc::Receiver<()>) {
        started.send(()).unwrap();
        release.recv().unwrap();
        drop(release);
        self.log.borrow_mut().push("held".to_owned());
    }
}

fn assert_handle<H: Clone + Send + Sync + Debug + 'static>() {}

#[test]
fn a_dedicated_handle_is_clone_send_sync_and_debug_for_a_not_send_client() {
    assert_handle::<Dedicated<RcClient>>();
    let client = Dedicated::spawn_named("debug-me", RcClient::new);
    assert_eq!(client.thread_name(), "debug-me");
    let debug = format!("{client:?}");
    assert!(
        debug.contains("Dedicated") && debug.contains("debug-me"),
        "{debug}"
    );
}

/// Generic code over the traits, as the twins are.
async fn through_traits<H: OffloadMut<RcClient>>(handle: &H) -> (usize, usize) {
    let pushed =
        OffloadMut::offload_mut(handle, |client: &mut RcClient| client.push("traits")).await;
    let seen = Offload::offload(handle, |client: &RcClient| client.log.borrow().len()).await;
    (pushed, seen)
}

#[tokio::test]
async fn shared_and_mutable_calls_through_offload_and_twins() {
    let client = Dedicated::spawn(RcClient::new);
    // Inherent `offload_mut`/`offload`, with the client type inferred.
    assert_eq!(client.offload_mut(|c| c.push("inherent")).await, 1);
    assert_eq!(
        client.offload(|c| c.log.borrow()[0].clone()).await,
        "inherent"
    );
    // The `Offload`/`OffloadMut` traits.
    assert_eq!(through_traits(&client).await, (2, 2));
    // The twins of a `&mut self` and a `&self` method.
    assert_eq!(client.push_async("twin").await, 3);
    assert_eq!(
        client.lines_async().await,
        ["inherent", "traits", "twin"].map(String::from)
    );
    // A twin's future is `Send + 'static`: it can be spawned.
    assert_eq!(tokio::spawn(client.push_async("spawned")).await.unwrap(), 4);
    // Every call ran on the one thread, named after the type.
    assert_eq!(client.thread_async().await, "asyncify:RcClient");
    assert_eq!(client.thread_name(), "asyncify:RcClient");
    assert_ne!(thread_name(), "asyncify:RcClient");
}

#[tokio::test]
async fn calls_run_in_the_order_they_were_first_polled() {
    let client = Dedicated::spawn_named("ordered", RcClient::new);
    let (holder, release) = hold(&client).await;
    // Created in order, first polled in reverse, while the thread is busy.
    let lines: Vec<String> = (0..20).map(|i| i.to_string()).collect();
    let mut futures: Vec<_> = lines.iter().map(|line| client.push_async(line)).collect();
    let mut tasks = Vec::new();
    while let Some(future) = futures.pop() {
        tasks.push(tokio::spawn(future));
        tokio::task::yield_now().await;
    }
    release.send(()).unwrap();
    tokio::time::timeout(GENEROUS, async {
        holder.await.unwrap();
        for task in tasks {
            task.await.unwrap();
        }
    })
    .await
    .expect("the calls did not finish");
    let expected: Vec<String> = std::iter::once("held".to_owned())
        .chain((0..20).rev().map(|i| i.to_string()))
        .collect();
    assert_eq!(client.lines_async().await, expected);
}

/// Starts a `hold` call and returns once it runs on the client's thread,
/// with the sender that ends it.
async fn hold(client: &Dedicated<RcClient>) -> (tokio::task::JoinHandle<()>, mpsc::Sender<()>) {
    let (started, has_started) = oneshot::channel();
    let (release, released) = mpsc::channel();
    let holder = tokio::spawn(client.hold_async(started, released));
    has_started.await.unwrap();
    (holder, release)
}

#[tokio::test]
async fn a_call_dropped_before_its_turn_is_skipped() {
    let client = Dedicated::spawn(RcClient::new);
    let (holder, release) = hold(&client).await;
    {
        // Polled once: sent to the thread, queued behind the holder.
        let mut queued = pin!(client.push_async("skipped"));
        let polled = std::future::poll_fn(|cx| Poll::Ready(queued.as_mut().poll(cx))).await;
        assert!(polled.is_pending(), "ran while the thread was busy");
    }
    // Never polled at all.
    drop(client.push_async("never sent"));
    release.send(()).unwrap();
    tokio::time::timeout(GENEROUS, holder)
        .await
        .expect("the holder did not finish")
        .unwrap();
    assert_eq!(client.push_async("next").await, 2);
    assert_eq!(
        client.lines_async().await,
        ["held", "next"].map(String::from)
    );
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .expect("the payload is not a message")
}

#[tokio::test]
async fn a_panic_reaches_its_awaiter_and_the_thread_serves_the_next_calls() {
    let client = Dedicated::spawn(RcClient::new);
    client.push_async("before").await;

    let error = tokio::spawn(client.fail_async("boom")).await.unwrap_err();
    assert_eq!(payload_text(&*error.into_panic()), "boom");

    let error = tokio::spawn(client.fail_mut_async(7)).await.unwrap_err();
    assert_eq!(
        error.into_panic().downcast::<u32>().ok().as_deref(),
        Some(&7)
    );

    // Same client, same state, same thread.
    assert_eq!(
        client.lines_async().await,
        ["before", "failing with 7"].map(String::from)
    );
    assert_eq!(client.offload(|c| c.calls.get()).await, 2);
    assert_eq!(client.thread_async().await, "asyncify:RcClient");
}

/// Sends the thread's name when the thread exits (thread-locals are dropped
/// as the thread ends).
struct ExitWitness(mpsc::Sender<String>);

impl Drop for ExitWitness {
    fn drop(&mut self) {
        let _ = self.0.send(format!("{} exited", thread_name()));
    }
}

thread_local! {
    static EXIT: RefCell<Option<ExitWitness>> = const { RefCell::new(None) };
}

#[tokio::test]
async fn the_last_handle_dropped_drops_the_client_on_its_thread_and_ends_it() {
    let (reports, reported) = mpsc::channel();
    let factory = {
        let reports = reports.clone();
        move || {
            EXIT.with(|exit| *exit.borrow_mut() = Some(ExitWitness(reports.clone())));
            RcClient::reporting_drop(reports)
        }
    };
    drop(reports);
    let client = Dedicated::spawn_named("short-lived", factory);
    let other = client.clone();
    client.push_async("a").await;
    // An unpolled future keeps the thread alive after its handles are gone.
    let pending = other.push_async("b");
    drop(client);
    drop(other);
    assert_eq!(pending.await, 2);

    let reported = tokio::task::spawn_blocking(move || {
        [
            reported.recv_timeout(GENEROUS),
            reported.recv_timeout(GENEROUS),
        ]
    });
    let [dropped, exited] = tokio::time::timeout(GENEROUS, reported)
        .await
        .expect("no report")
        .unwrap();
    assert_eq!(dropped.as_deref(), Ok("short-lived"), "client not dropped");
    assert_eq!(
        exited.as_deref(),
        Ok("short-lived exited"),
        "thread not ended"
    );
}

#[tokio::test]
async fn a_factory_panic_makes_every_call_panic_with_what_happened() {
    let client: Dedicated<RcClient> =
        Dedicated::spawn_named("broken", || panic!("cannot connect to db:5432"));
    for _ in 0..2 {
        let error = tokio::spawn(client.push_async("x")).await.unwrap_err();
        let message = payload_text(&*error.into_panic());
        assert!(message.contains("`broken`"), "{message}");
        assert!(message.contains("factory panicked"), "{message}");
        assert!(message.contains("cannot connect to db:5432"), "{message}");
        // The twin is named, without a thread-local written on every poll.
        assert!(
            message.contains("to run `RcClient::push_async`"),
            "{message}"
        );
    }
    let error = tokio::spawn(client.lines_async()).await.unwrap_err();
    let message = payload_text(&*error.into_panic());
    assert!(
        message.contains("to run `RcClient::lines_async`"),
        "{message}"
    );
    let error = tokio::spawn(client.offload(RcClient::thread))
        .await
        .unwrap_err();
    let message = payload_text(&*error.into_panic());
    assert!(message.contains("to run this call"), "{message}");
}

#[test]
fn a_thread_name_with_a_nul_byte_is_refused() {
    let payload = panic::catch_unwind(|| Dedicated::spawn_named("a\0b", RcClient::new))
        .expect_err("a NUL byte was accepted");
    assert!(payload_text(&*payload).contains("NUL"));
}

#[test]
fn it_works_from_a_multi_thread_runtime() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = Dedicated::spawn(RcClient::new);
        let tasks: Vec<_> = (0..200)
            .map(|i| {
                let client = client.clone();
                tokio::spawn(async move {
                    let line = i.to_string();
                    client.push_async(&line).await;
                    client.thread_async().await
                })
            })
            .collect();
        tokio::time::timeout(GENEROUS, async {
            for task in tasks {
                assert_eq!(task.await.unwrap(), "asyncify:RcClient");
            }
        })
        .await
        .expect("the calls did not finish");
        let mut lines = client.lines_async().await;
        lines.sort_by_key(|line| line.parse::<u32>().unwrap());
        assert_eq!(lines, (0..200).map(|i| i.to_string()).collect::<Vec<_>>());
    });
}

/// A minimal executor: polls on this thread, parks between polls.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park_timeout(GENEROUS);
    }
}

#[test]
fn it_needs_no_tokio_runtime() {
    assert!(tokio::runtime::Handle::try_current().is_err());
    let client = Dedicated::spawn(RcClient::new);
    let (pushed, lines, panicked) = block_on(async {
        let pushed = client.push_async("no runtime").await;
        let lines = client.lines_async().await;
        let panicked = AssertUnwindSafe(client.fail_async("here too"));
        let panicked = futures_catch_unwind(panicked).await;
        (pushed, lines, panicked)
    });
    assert_eq!(pushed, 1);
    assert_eq!(lines, ["no runtime"]);
    assert_eq!(payload_text(&*panicked.unwrap_err()), "here too");
}

/// Catches a panic raised while polling `future`.
async fn futures_catch_unwind<F: Future + panic::UnwindSafe>(
    future: F,
) -> thread::Result<F::Output> {
    let mut future = Box::pin(future);
    std::future::poll_fn(move |cx| {
        match panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    })
    .await
}
