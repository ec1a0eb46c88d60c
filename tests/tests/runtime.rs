//! Run-time behaviour: futures are lazy, panics resume with their payload,
//! awaiting outside a runtime names the method, `Exclusive` runs calls one at
//! a time in the order they asked without parking pool threads, and `Handle`
//! runs them in parallel.

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use asyncify::{Exclusive, Handle, asyncify, unblock};
use tokio::sync::oneshot;

/// A client that counts its calls and can be told to panic.
#[derive(Clone, Debug, Default)]
pub struct Probe {
    calls: Arc<AtomicUsize>,
}

/// A panic payload of a type of our own.
#[derive(Debug, PartialEq)]
struct Custom(u32);

#[derive(Clone, Copy)]
pub enum Blow {
    Str,
    String,
    Custom,
}

#[asyncify]
impl Probe {
    pub fn new(calls: Arc<AtomicUsize>) -> Probe {
        calls.fetch_add(1, Ordering::SeqCst);
        Probe { calls }
    }

    pub fn touch(&self, key: &str) -> usize {
        let _ = key;
        self.calls.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub fn touch_mut(&mut self) -> usize {
        self.calls.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub fn blow(&self, how: Blow) -> usize {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match how {
            Blow::Str => panic!("static message"),
            Blow::String => panic!("formatted {}", std::hint::black_box(42)),
            Blow::Custom => panic::panic_any(Custom(7)),
        }
    }

    pub fn blow_mut(&mut self) -> usize {
        self.calls.fetch_add(1, Ordering::SeqCst);
        panic!("mutable call failed")
    }

    pub fn explode(calls: Arc<AtomicUsize>) -> Probe {
        drop(calls);
        panic::panic_any(Custom(9))
    }

    #[asyncify(rename = "fetch")]
    pub fn get(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

/// The message names the twin as it is called.
pub struct Suffixed;

#[asyncify(suffix = "_nb", trait_name = SuffixedExt)]
impl Suffixed {
    pub fn get(&self) -> u8 {
        1
    }
}

fn calls(probe: &Probe) -> usize {
    probe.calls.load(Ordering::SeqCst)
}

fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        panic!("the payload is not a message")
    }
}

// ------------------------------------------------------------ laziness

#[test]
fn futures_are_lazy() {
    // One pool thread runs queued calls in order: had any future below
    // started its call when it was created, that call would have run by the
    // time the later `unblock` has.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(1)
        .build()
        .unwrap();
    runtime.block_on(async {
        let counter = Arc::new(AtomicUsize::new(0));
        let probe = Probe {
            calls: Arc::clone(&counter),
        };
        let handle = Handle::new(probe.clone());
        let exclusive = Exclusive::new(probe.clone());
        let arc = Arc::new(probe.clone());
        let unblocked = {
            let counter = Arc::clone(&counter);
            move || counter.fetch_add(1, Ordering::SeqCst)
        };

        // Created, never polled, dropped.
        drop(handle.touch_async("k"));
        drop(exclusive.touch_mut_async());
        drop(exclusive.touch_async("k"));
        drop(probe.touch_async("k"));
        drop(arc.touch_async("k"));
        drop(Probe::new_async(Arc::clone(&counter)));
        drop(unblock(unblocked.clone()));
        // Created, not polled yet.
        let pending = handle.touch_async("k");
        let pending_mut = exclusive.touch_mut_async();

        unblock(|| ()).await;
        assert_eq!(counter.load(Ordering::SeqCst), 0, "a call ran unpolled");

        assert_eq!(pending.await, 1);
        assert_eq!(pending_mut.await, 2);
        assert_eq!(unblock(unblocked).await, 2);
        assert_eq!(Probe::new_async(Arc::clone(&counter)).await.get(), 4);
    });
}

// ------------------------------------------------------------ panics

#[tokio::test]
async fn a_panic_resumes_with_its_original_payload() {
    let probe = Handle::new(Probe::default());

    let error = tokio::spawn(probe.blow_async(Blow::Str)).await.unwrap_err();
    let payload = error.into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"static message"));

    let error = tokio::spawn(probe.blow_async(Blow::String))
        .await
        .unwrap_err();
    let payload = error.into_panic();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("formatted 42")
    );

    // Awaited inside a task rather than spawned itself: the same.
    let twin = probe.blow_async(Blow::Custom);
    let error = tokio::spawn(async move { twin.await + 1 })
        .await
        .unwrap_err();
    assert_eq!(
        error.into_panic().downcast::<Custom>().ok().as_deref(),
        Some(&Custom(7))
    );

    let error = tokio::spawn(Probe::explode_async(Arc::default()))
        .await
        .unwrap_err();
    assert_eq!(
        error.into_panic().downcast::<Custom>().ok().as_deref(),
        Some(&Custom(9))
    );

    let error = tokio::spawn(unblock(|| panic::panic_any(Custom(11))))
        .await
        .unwrap_err();
    assert_eq!(
        error.into_panic().downcast::<Custom>().ok().as_deref(),
        Some(&Custom(11))
    );

    // The client is still usable.
    assert_eq!(probe.touch_async("k").await, 4);
}

#[tokio::test]
async fn a_panic_in_an_exclusive_call_releases_the_client() {
    let probe = Exclusive::new(Probe::default());
    let error = tokio::spawn(probe.blow_mut_async()).await.unwrap_err();
    assert_eq!(message(&*error.into_panic()), "mutable call failed");
    // The next call gets its turn (nothing is poisoned or left locked).
    assert_eq!(probe.touch_mut_async().await, 2);
    let probe = Exclusive::try_unwrap(probe).unwrap_or_else(|_| panic!("a call kept the client"));
    assert_eq!(calls(&probe), 2);
}

// ------------------------------------------------------------ no runtime

/// Polls `future` once, outside any runtime.
fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    let mut future = pin!(future);
    future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
}

/// The message of the panic that polling `future` once outside a runtime
/// raises.
fn panic_outside_runtime<F: Future>(future: F) -> String {
    let payload = panic::catch_unwind(AssertUnwindSafe(|| poll_once(future)))
        .err()
        .expect("polling outside a runtime did not panic");
    message(&*payload)
}

#[test]
fn awaiting_outside_a_runtime_panics_naming_the_method() {
    let counter = Arc::new(AtomicUsize::new(0));
    let probe = Probe {
        calls: Arc::clone(&counter),
    };
    let handle = Handle::new(probe.clone());
    let exclusive = Exclusive::new(probe.clone());
    let suffix = "needs a Tokio runtime";

    let cases = [
        (
            "`Probe::touch_async`",
            panic_outside_runtime(handle.touch_async("k")),
        ),
        (
            "`Probe::touch_async`",
            panic_outside_runtime(probe.touch_async("k")),
        ),
        (
            "`Probe::touch_async`",
            panic_outside_runtime(Arc::new(probe.clone()).touch_async("k")),
        ),
        (
            "`Probe::touch_mut_async`",
            panic_outside_runtime(exclusive.touch_mut_async()),
        ),
        (
            "`Probe::touch_async`",
            panic_outside_runtime(exclusive.touch_async("k")),
        ),
        ("`Probe::fetch`", panic_outside_runtime(handle.fetch())),
        (
            "`Suffixed::get_nb`",
            panic_outside_runtime(Handle::new(Suffixed).get_nb()),
        ),
        (
            "`Probe::new_async`",
            panic_outside_runtime(Probe::new_async(Arc::clone(&counter))),
        ),
        ("`asyncify::unblock`", panic_outside_runtime(unblock(|| ()))),
    ];
    for (name, message) in cases {
        assert!(
            message.starts_with(&format!("{name} {suffix}")),
            "expected `{name} {suffix}`, got: {message}"
        );
        assert!(message.contains("#[tokio::main]"), "no hint: {message}");
    }
    assert_eq!(counter.load(Ordering::SeqCst), 0, "a call ran");

    // The panic left the `Exclusive` unlocked: inside a runtime, calls work.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(runtime.block_on(exclusive.touch_mut_async()), 1);
}

// ------------------------------------------------------------ Exclusive

/// Records how many calls are inside the client at once.
#[derive(Default)]
pub struct Gauge {
    inside: AtomicUsize,
    max_inside: AtomicUsize,
    calls: AtomicUsize,
    order: Mutex<Vec<usize>>,
}

#[asyncify]
impl Gauge {
    pub fn enter(&self, pause: Duration) {
        let inside = self.inside.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_inside.fetch_max(inside, Ordering::SeqCst);
        thread::sleep(pause);
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inside.fetch_sub(1, Ordering::SeqCst);
    }

    pub fn enter_mut(&mut self, pause: Duration) {
        self.enter(pause);
    }

    pub fn record(&mut self, index: usize) {
        self.order.get_mut().unwrap().push(index);
        self.calls.fetch_add(1, Ordering::SeqCst);
    }

    pub fn hold(&mut self, started: oneshot::Sender<()>, release: mpsc::Receiver<()>) {
        started.send(()).unwrap();
        release.recv().unwrap();
        drop(release);
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

impl Gauge {
    fn max_inside(&self) -> usize {
        self.max_inside.load(Ordering::SeqCst)
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exclusive_runs_one_call_at_a_time() {
    let gauge = Exclusive::new(Gauge::default());
    let pause = Duration::from_millis(2);
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            if i % 2 == 0 {
                tokio::spawn(gauge.enter_mut_async(pause))
            } else {
                // `&self` twins on an `Exclusive` take turns too.
                tokio::spawn(gauge.enter_async(pause))
            }
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let gauge = Exclusive::try_unwrap(gauge).unwrap_or_else(|_| panic!("a call kept the client"));
    assert_eq!(gauge.calls(), 50);
    assert_eq!(gauge.max_inside(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gauge_sees_calls_that_overlap() {
    // The counterfactual of the test above: on a `Handle`, the same probe
    // sees calls inside at once.
    let gauge = Handle::new(Gauge::default());
    let tasks: Vec<_> = (0..8)
        .map(|_| tokio::spawn(gauge.enter_async(Duration::from_millis(50))))
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(gauge.calls(), 8);
    assert!(gauge.max_inside() > 1, "max inside: {}", gauge.max_inside());
}

/// Starts a `hold` call on `gauge` and returns once it holds the client,
/// with the sender that ends it.
async fn hold(gauge: &Exclusive<Gauge>) -> (tokio::task::JoinHandle<()>, mpsc::Sender<()>) {
    let (started, has_started) = oneshot::channel();
    let (release, released) = mpsc::channel();
    let holder = tokio::spawn(gauge.hold_async(started, released));
    has_started.await.unwrap();
    (holder, release)
}

#[tokio::test]
async fn exclusive_calls_take_turns_in_the_order_they_asked() {
    let gauge = Exclusive::new(Gauge::default());
    let (holder, release) = hold(&gauge).await;

    // Created in order 0..10, but first polled (so asking for a turn) in
    // reverse: the order of asking is what counts.
    let mut futures: Vec<_> = (0..10).map(|i| gauge.record_async(i)).collect();
    let mut tasks = Vec::new();
    while let Some(future) = futures.pop() {
        tasks.push(tokio::spawn(future));
        // On this single-threaded runtime, yielding lets the new task run
        // until it waits for its turn.
        tokio::task::yield_now().await;
    }
    release.send(()).unwrap();
    holder.await.unwrap();
    for task in tasks {
        task.await.unwrap();
    }

    let gauge = Exclusive::try_unwrap(gauge).unwrap_or_else(|_| panic!("a call kept the client"));
    assert_eq!(
        gauge.order.into_inner().unwrap(),
        (0..10).rev().collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_call_dropped_while_waiting_leaves_the_queue() {
    let gauge = Exclusive::new(Gauge::default());
    let (holder, release) = hold(&gauge).await;

    {
        let mut waiting = pin!(gauge.record_async(99));
        let polled = std::future::poll_fn(|cx| Poll::Ready(waiting.as_mut().poll(cx))).await;
        assert!(
            polled.is_pending(),
            "got a turn while another call held the client"
        );
    }
    release.send(()).unwrap();
    holder.await.unwrap();
    gauge.record_async(1).await;

    let gauge = Exclusive::try_unwrap(gauge).unwrap_or_else(|_| panic!("a call kept the client"));
    assert_eq!(gauge.calls(), 2);
    assert_eq!(gauge.order.into_inner().unwrap(), [1]);
}

#[test]
fn waiting_for_a_turn_does_not_take_a_pool_thread() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(2)
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let gauge = Exclusive::new(Gauge::default());
        // One pool thread is busy holding the client...
        let (holder, release) = hold(&gauge).await;
        // ... while 20 more calls wait for their turn.
        let mut waiting = Vec::new();
        for i in 0..20 {
            waiting.push(tokio::spawn(gauge.record_async(i)));
            tokio::task::yield_now().await;
        }
        // Had a waiting call parked the other pool thread, this could not
        // run until the holder returns, which it does only after this.
        let unrelated = tokio::time::timeout(Duration::from_secs(30), unblock(|| "ran")).await;
        assert_eq!(unrelated, Ok("ran"), "the pool is taken by waiting calls");

        release.send(()).unwrap();
        holder.await.unwrap();
        for task in waiting {
            task.await.unwrap();
        }
        let gauge =
            Exclusive::try_unwrap(gauge).unwrap_or_else(|_| panic!("a call kept the client"));
        assert_eq!(gauge.calls(), 21);
    });
}

// ------------------------------------------------------------ parallelism

/// Runs one call, then 16 at once, and checks that the 16 took less than a
/// quarter of 16 times the one: they ran in parallel.
async fn assert_parallel<F>(name: &str, call: impl Fn(Duration) -> F)
where
    F: Future<Output = ()> + Send + 'static,
{
    let pause = Duration::from_millis(100);
    let start = Instant::now();
    call(pause).await;
    let one = start.elapsed();

    let start = Instant::now();
    let tasks: Vec<_> = (0..16).map(|_| tokio::spawn(call(pause))).collect();
    for task in tasks {
        task.await.unwrap();
    }
    let sixteen = start.elapsed();
    assert!(
        sixteen * 4 < one * 16,
        "{name}: 16 calls took {sixteen:?}, one took {one:?}"
    );
}

/// A `Clone` client (an `Arc` inside), its own handle.
#[derive(Clone, Default)]
pub struct CloneGauge(Arc<Gauge>);

#[asyncify]
impl CloneGauge {
    pub fn enter(&self, pause: Duration) {
        self.0.enter(pause);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handle_arc_and_clone_clients_run_calls_in_parallel() {
    let gauge = Handle::new(Gauge::default());
    assert_parallel("Handle", |pause| gauge.enter_async(pause)).await;
    assert_eq!(gauge.calls(), 17);
    assert!(gauge.max_inside() > 1);

    let gauge = Arc::new(Gauge::default());
    assert_parallel("Arc", |pause| gauge.enter_async(pause)).await;
    assert_eq!(gauge.calls(), 17);

    let gauge = CloneGauge::default();
    assert_parallel("Clone", |pause| gauge.enter_async(pause)).await;
    assert_eq!(gauge.0.calls(), 17);

    let gauge = Shared(Arc::new(Gauge::default()));
    assert_parallel("custom Offload", |pause| gauge.enter_async(pause)).await;
    assert_eq!(gauge.0.calls(), 17);
}

/// A handle of our own: the trait is implemented for every `Offload<Gauge>`.
#[derive(Clone)]
struct Shared(Arc<Gauge>);

impl asyncify::Offload<Gauge> for Shared {
    fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&Gauge) -> R + Send + 'static,
        R: Send + 'static,
    {
        let shared = self.clone();
        unblock(move || f(&shared.0))
    }
}
