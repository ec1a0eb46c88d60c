//! Runtime shutdown with calls in flight: dropping the runtime must not hang,
//! every blocking call that started must run to completion, and no client,
//! client copy or result may be dropped on an async worker thread (where a
//! client that blocks in its destructor would stall or panic).
//!
//! At shutdown calls are in every state: running on the pool, queued for a
//! pool thread (the pool is kept small), waiting for their turn on an
//! `Exclusive`, and tasks that hold handles while waiting on something else.
//! The tasks hold the only handles, so the last one is dropped by the
//! runtime's shutdown.

use std::cell::Cell;
use std::future::{Future, pending};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use asyncify::{Exclusive, Handle, asyncify};

thread_local! {
    static PROBING: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread may block: `Handle::block_on` panics on a thread that
/// drives a runtime's async tasks (as do blocking clients that check, such as
/// `reqwest::blocking`); it works on a blocking pool thread and outside any
/// runtime. The probe's own panic is kept out of the test's output.
fn may_block_here() -> bool {
    static QUIET_PROBES: Once = Once::new();
    QUIET_PROBES.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !PROBING.get() {
                previous(info);
            }
        }));
    });
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return true;
    };
    PROBING.set(true);
    let may_block = panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(async {}))).is_ok();
    PROBING.set(false);
    may_block
}

/// What the witnesses saw.
#[derive(Default)]
struct Log {
    created: AtomicU64,
    dropped: AtomicU64,
    /// `what (thread name)` of each witness dropped where blocking is not
    /// allowed.
    dropped_on_worker: Mutex<Vec<String>>,
    started: AtomicU64,
    finished: AtomicU64,
}

/// Reports to the log when dropped, and where.
pub struct Witness {
    log: Arc<Log>,
    what: &'static str,
}

impl Witness {
    fn new(log: &Arc<Log>, what: &'static str) -> Self {
        log.created.fetch_add(1, Ordering::SeqCst);
        Witness {
            log: Arc::clone(log),
            what,
        }
    }
}

impl Clone for Witness {
    fn clone(&self) -> Self {
        Witness::new(&self.log, self.what)
    }
}

impl Drop for Witness {
    fn drop(&mut self) {
        if !may_block_here() {
            let thread = thread::current();
            let name = thread.name().unwrap_or("unnamed");
            self.log
                .dropped_on_worker
                .lock()
                .unwrap()
                .push(format!("{} ({name})", self.what));
        }
        self.log.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

/// A result that reports where it is dropped.
pub struct Reply {
    value: u64,
    _witness: Witness,
}

/// A client whose calls block for a while.
pub struct Slow {
    witness: Witness,
}

impl Slow {
    fn run(&self, value: u64, ms: u64) -> Reply {
        let log = &self.witness.log;
        log.started.fetch_add(1, Ordering::SeqCst);
        thread::sleep(Duration::from_millis(ms));
        log.finished.fetch_add(1, Ordering::SeqCst);
        Reply {
            value,
            _witness: Witness::new(log, "a result"),
        }
    }
}

#[asyncify]
impl Slow {
    pub fn work(&self, value: u64, ms: u64) -> Reply {
        self.run(value, ms)
    }

    pub fn work_mut(&mut self, value: u64, ms: u64) -> Reply {
        self.run(value, ms)
    }
}

/// A `Clone` client: each call runs on a copy.
#[derive(Clone)]
pub struct Copied {
    witness: Witness,
}

#[asyncify]
impl Copied {
    pub fn work(&self, value: u64, ms: u64) -> Reply {
        Slow {
            witness: self.witness.clone(),
        }
        .run(value, ms)
    }
}

/// Starts calls of every kind on `runtime`, drops the runtime once some are
/// running, and checks what happened.
///
/// Only what the library is responsible for is dropped inside the runtime:
/// the test's own values (the original `Clone` client, the results that
/// calls delivered) are dropped outside it.
fn shut_down_with_calls_in_flight(runtime: tokio::runtime::Runtime) {
    let log = Arc::new(Log::default());
    let copied = Copied {
        witness: Witness::new(&log, "a Clone client's copy"),
    };
    let (replies, delivered) = mpsc::channel::<Reply>();
    let calls = runtime.block_on(async {
        let handle = Handle::new(Slow {
            witness: Witness::new(&log, "the Handle's client"),
        });
        let exclusive = Exclusive::new(Slow {
            witness: Witness::new(&log, "the Exclusive's client"),
        });
        let mut calls = 0;
        let mut call = |future| {
            let replies = replies.clone();
            calls += 1;
            tokio::spawn(async move { replies.send(future.await).unwrap() });
        };
        for i in 0..16 {
            call(Box::pin(handle.work_async(i, 50)) as Call);
            call(Box::pin(copied.work_async(i, 50)));
        }
        for i in 0..8 {
            // Take turns: most wait for theirs when the runtime shuts down.
            call(Box::pin(exclusive.work_mut_async(i, 20)));
        }
        for _ in 0..4 {
            // Hold handles without a call running.
            let (handle, exclusive) = (handle.clone(), exclusive.clone());
            tokio::spawn(async move {
                pending::<()>().await;
                drop((handle, exclusive));
            });
        }
        // The tasks now hold the only handles.
        drop((handle, exclusive));

        let start = Instant::now();
        while log.started.load(Ordering::SeqCst) < 8 {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the calls never started"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        calls
    });

    // Dropping the runtime waits for the running blocking calls; do it on a
    // thread of its own so that a hang fails the test instead of stalling it.
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        drop(runtime);
        done.send(()).unwrap();
    });
    finished
        .recv_timeout(Duration::from_secs(60))
        .expect("dropping the runtime hung");
    drop(replies);
    let delivered: Vec<Reply> = delivered.into_iter().collect();
    assert!(delivered.iter().all(|reply| reply.value < 16));
    drop(delivered);
    drop(copied);

    let started = log.started.load(Ordering::SeqCst);
    let completed = log.finished.load(Ordering::SeqCst);
    println!(
        "{calls} calls: {started} had started, {completed} completed; \
         {} witnesses created, {} dropped",
        log.created.load(Ordering::SeqCst),
        log.dropped.load(Ordering::SeqCst)
    );
    assert!(started >= 8);
    assert_eq!(
        completed, started,
        "a started call did not run to completion"
    );
    assert_eq!(
        *log.dropped_on_worker.lock().unwrap(),
        Vec::<String>::new(),
        "dropped on an async worker"
    );
    // Clients, copies and results: each dropped exactly once.
    assert_eq!(
        log.dropped.load(Ordering::SeqCst),
        log.created.load(Ordering::SeqCst)
    );
}

type Call = std::pin::Pin<Box<dyn Future<Output = Reply> + Send>>;

fn thread_names() -> impl Fn() -> String + Send + Sync + 'static {
    let next = AtomicUsize::new(0);
    move || format!("shutdown-test-{}", next.fetch_add(1, Ordering::SeqCst))
}

#[test]
fn shutting_down_a_multi_thread_runtime_with_calls_in_flight() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Fewer pool threads than calls: some are queued at shutdown.
        .max_blocking_threads(8)
        .thread_name_fn(thread_names())
        .enable_time()
        .build()
        .unwrap();
    shut_down_with_calls_in_flight(runtime);
}

#[test]
fn shutting_down_a_current_thread_runtime_with_calls_in_flight() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(8)
        .thread_name_fn(thread_names())
        .enable_time()
        .build()
        .unwrap();
    shut_down_with_calls_in_flight(runtime);
}

/// The last handles are held by tasks that wait on something else: the
/// runtime's shutdown drops those tasks, and with them the clients.
fn shut_down_with_idle_handles(runtime: tokio::runtime::Runtime) {
    let log = Arc::new(Log::default());
    let replies = runtime.block_on(async {
        let handle = Handle::new(Slow {
            witness: Witness::new(&log, "the Handle's client"),
        });
        let exclusive = Exclusive::new(Slow {
            witness: Witness::new(&log, "the Exclusive's client"),
        });
        // One call each, so that the pool has threads; the results are
        // the test's, dropped outside the runtime.
        let replies = [
            handle.work_async(1, 0).await,
            exclusive.work_mut_async(2, 0).await,
        ];
        for _ in 0..4 {
            let (handle, exclusive) = (handle.clone(), exclusive.clone());
            tokio::spawn(async move {
                pending::<()>().await;
                drop((handle, exclusive));
            });
        }
        replies
    });
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        drop(runtime);
        done.send(()).unwrap();
    });
    finished
        .recv_timeout(Duration::from_secs(60))
        .expect("dropping the runtime hung");
    assert_eq!(replies.map(|reply| reply.value), [1, 2]);
    assert_eq!(
        *log.dropped_on_worker.lock().unwrap(),
        Vec::<String>::new(),
        "dropped on an async worker"
    );
    assert_eq!(log.created.load(Ordering::SeqCst), 4);
    assert_eq!(log.dropped.load(Ordering::SeqCst), 4);
}

#[test]
fn idle_handles_dropped_by_a_multi_thread_runtime_shutdown() {
    for _ in 0..20 {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name_fn(thread_names())
            .build()
            .unwrap();
        shut_down_with_idle_handles(runtime);
    }
}

#[test]
fn idle_handles_dropped_by_a_current_thread_runtime_shutdown() {
    for _ in 0..20 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .thread_name_fn(thread_names())
            .build()
            .unwrap();
        shut_down_with_idle_handles(runtime);
    }
}
