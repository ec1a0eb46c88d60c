//! Calls that take turns on an `Exclusive` run back to back on the pool
//! thread that holds the client: queued calls do not each make a trip to the
//! pool, the order stays first come first served, and the run is bounded so
//! that other blocking work gets the thread.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

use asyncify::{Exclusive, asyncify};

/// A client that records, per call, its id and the thread it ran on.
pub struct Recorder {
    calls: Vec<(usize, ThreadId)>,
    gate: Option<mpsc::Receiver<()>>,
}

#[asyncify]
impl Recorder {
    /// Records call `id`.
    pub fn record(&mut self, id: usize) -> usize {
        self.calls.push((id, thread::current().id()));
        self.calls.len()
    }

    /// Blocks until the test opens the gate, then records call `id`.
    pub fn wait_then_record(&mut self, id: usize) -> usize {
        if let Some(gate) = self.gate.take() {
            gate.recv().unwrap();
        }
        self.record(id)
    }

    /// The calls recorded so far.
    pub fn calls(&self) -> Vec<(usize, ThreadId)> {
        self.calls.clone()
    }
}

/// A current-thread runtime whose blocking pool has `threads` threads.
fn runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(threads)
        .build()
        .unwrap()
}

/// Lets every spawned task of a current-thread runtime run until it waits.
async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

/// A handle whose first call blocks until `open` is sent to.
fn gated() -> (Exclusive<Recorder>, mpsc::Sender<()>) {
    let (open, gate) = mpsc::channel();
    let recorder = Recorder {
        calls: Vec::new(),
        gate: Some(gate),
    };
    (Exclusive::new(recorder), open)
}

#[test]
fn queued_calls_run_in_order_on_the_thread_that_holds_the_client() {
    runtime(4).block_on(async {
        let (handle, open) = gated();
        let first = tokio::spawn(handle.wait_then_record_async(0));
        settle().await;
        let queued: Vec<_> = (1..=20)
            .map(|id| tokio::spawn(handle.record_async(id)))
            .collect();
        settle().await;
        open.send(()).unwrap();
        assert_eq!(first.await.unwrap(), 1);
        for (at, call) in queued.into_iter().enumerate() {
            assert_eq!(call.await.unwrap(), at + 2, "a queued call ran out of turn");
        }
        let calls = handle.calls_async().await;
        let ids: Vec<usize> = calls.iter().map(|&(id, _)| id).collect();
        assert_eq!(ids, (0..=20).collect::<Vec<_>>());
        // The 20 calls queued while call 0 ran went to no other thread.
        assert!(
            calls.iter().all(|&(_, thread)| thread == calls[0].1),
            "queued calls ran on more than one pool thread: {calls:?}"
        );
    });
}

#[test]
fn a_long_queue_gives_the_pool_thread_back_after_64_calls() {
    // One blocking thread: a task spawned on the pool while the client's
    // queue drains runs when the runner gives the thread back.
    runtime(1).block_on(async {
        let (handle, open) = gated();
        let log = Arc::new(Mutex::new(Vec::new()));
        let first = tokio::spawn(handle.wait_then_record_async(0));
        settle().await;
        let queued: Vec<_> = (1..200)
            .map(|id| {
                let log = Arc::clone(&log);
                let call = handle.offload_mut(move |recorder| {
                    log.lock().unwrap().push(format!("call {id}"));
                    recorder.record(id)
                });
                tokio::spawn(call)
            })
            .collect();
        settle().await;
        let other_log = Arc::clone(&log);
        let other = tokio::task::spawn_blocking(move || {
            other_log
                .lock()
                .unwrap()
                .push("other blocking work".to_owned());
        });
        open.send(()).unwrap();
        first.await.unwrap();
        for call in queued {
            call.await.unwrap();
        }
        other.await.unwrap();
        let log = log.lock().unwrap();
        let at = log
            .iter()
            .position(|entry| entry == "other blocking work")
            .unwrap();
        // Call 0 and the 63 queued calls after it ran in one turn of the
        // thread; then the other task; then the rest.
        assert_eq!(at, 63, "{log:?}");
        assert_eq!(log[62], "call 63");
        assert_eq!(log[64], "call 64");
        assert_eq!(log.len(), 200);
    });
}

#[test]
fn a_queued_call_whose_future_is_dropped_does_not_run() {
    runtime(4).block_on(async {
        let (handle, open) = gated();
        let first = tokio::spawn(handle.wait_then_record_async(0));
        settle().await;
        let dropped = tokio::spawn(handle.record_async(1));
        let kept = tokio::spawn(handle.record_async(2));
        settle().await;
        dropped.abort();
        settle().await;
        open.send(()).unwrap();
        assert_eq!(first.await.unwrap(), 1);
        assert_eq!(kept.await.unwrap(), 2);
        let ids: Vec<usize> = handle
            .calls_async()
            .await
            .iter()
            .map(|&(id, _)| id)
            .collect();
        assert_eq!(ids, [0, 2]);
    });
}

#[test]
fn a_queued_call_that_panics_reaches_its_awaiter_and_the_queue_goes_on() {
    runtime(4).block_on(async {
        let (handle, open) = gated();
        let first = tokio::spawn(handle.wait_then_record_async(0));
        settle().await;
        let panics = tokio::spawn(
            handle.offload_mut(|_: &mut Recorder| -> usize { panic!("queued call failed") }),
        );
        let after = tokio::spawn(handle.record_async(2));
        settle().await;
        open.send(()).unwrap();
        first.await.unwrap();
        let payload = panics.await.unwrap_err().into_panic();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"queued call failed"));
        assert_eq!(after.await.unwrap(), 2);
    });
}

#[test]
fn once_every_call_has_returned_the_client_is_free() {
    // The last call of a run gives the client back before its awaiter learns
    // the result, so `try_unwrap` right after the awaits always succeeds.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    runtime.block_on(async {
        for round in 0..200 {
            let handle = Exclusive::new(Recorder {
                calls: Vec::new(),
                gate: None,
            });
            let calls: Vec<_> = (0..4)
                .map(|id| tokio::spawn(handle.record_async(id)))
                .collect();
            for call in calls {
                call.await.unwrap();
            }
            let recorder = Exclusive::try_unwrap(handle)
                .unwrap_or_else(|_| panic!("round {round}: a call still held the client"));
            assert_eq!(recorder.calls.len(), 4);
        }
    });
}

/// A pool of two recorders whose first calls block until `open` is sent to
/// (once per recorder).
fn gated_pool() -> (asyncify::Pool<Recorder>, mpsc::Sender<()>) {
    let (open, gate) = mpsc::channel();
    let gate = Arc::new(Mutex::new(gate));
    let pool = asyncify::Pool::builder(move || {
        // Each recorder waits for its own message on the shared gate.
        let (own_open, own_gate) = mpsc::channel();
        let gate = Arc::clone(&gate);
        thread::spawn(move || {
            if gate.lock().unwrap().recv().is_ok() {
                let _ = own_open.send(());
            }
        });
        Ok::<_, String>(Recorder {
            calls: Vec::new(),
            gate: Some(own_gate),
        })
    })
    .size(2)
    .build()
    .unwrap();
    (pool, open)
}

/// A [`gated_pool`] whose two clients are each held by a call that waits
/// for the gate (tasks spawned on the current runtime).
async fn held_pool() -> (
    asyncify::Pool<Recorder>,
    mpsc::Sender<()>,
    Vec<tokio::task::JoinHandle<usize>>,
) {
    let (pool, open) = gated_pool();
    let held = (0..2)
        .map(|id| tokio::spawn(pool.wait_then_record_async(id)))
        .collect();
    settle().await;
    (pool, open, held)
}

#[test]
fn calls_queued_on_a_pool_run_on_the_threads_that_hold_its_clients() {
    runtime(8).block_on(async {
        let (pool, open, held) = held_pool().await;
        let log = Arc::new(Mutex::new(Vec::new()));
        let queued: Vec<_> = (2..40)
            .map(|id| {
                let log = Arc::clone(&log);
                tokio::spawn(pool.offload_mut(move |recorder: &mut Recorder| {
                    log.lock().unwrap().push((id, thread::current().id()));
                    recorder.record(id)
                }))
            })
            .collect();
        settle().await;
        assert_eq!(pool.status().waiting, 38);
        open.send(()).unwrap();
        open.send(()).unwrap();
        for call in held.into_iter().chain(queued) {
            call.await.unwrap();
        }
        let log = log.lock().unwrap().clone();
        let mut threads: Vec<ThreadId> = Vec::new();
        for &(_, thread) in &log {
            if !threads.contains(&thread) {
                threads.push(thread);
            }
        }
        // Two clients, two pool threads: no queued call made a trip of its own.
        assert!(
            threads.len() <= 2,
            "queued pool calls ran on {} threads",
            threads.len()
        );
        // Two runners take from one queue in order, so each one's calls are.
        for thread in &threads {
            let on_thread: Vec<usize> = log
                .iter()
                .filter(|&&(_, t)| t == *thread)
                .map(|&(id, _)| id)
                .collect();
            assert!(
                on_thread.is_sorted(),
                "out of turn on one thread: {on_thread:?}"
            );
        }
        let mut ids: Vec<usize> = log.iter().map(|&(id, _)| id).collect();
        ids.sort_unstable();
        assert_eq!(ids, (2..40).collect::<Vec<_>>());
        assert_eq!(pool.status().idle, 2);
    });
}

#[test]
fn dropped_waiters_of_a_pool_are_freed_before_the_client_is() {
    runtime(4).block_on(async {
        let (pool, open, held) = held_pool().await;
        // 100 calls that give up while they wait, each holding an argument.
        let argument = Arc::new(());
        for _ in 0..100 {
            let argument = Arc::clone(&argument);
            let call = tokio::spawn(pool.offload_mut(move |recorder: &mut Recorder| {
                drop(argument);
                recorder.record(0)
            }));
            settle().await;
            call.abort();
        }
        settle().await;
        assert_eq!(pool.status().waiting, 0);
        // More calls queue behind them: the queue drops the dead ones.
        let live: Vec<_> = (0..100)
            .map(|id| tokio::spawn(pool.record_async(id)))
            .collect();
        settle().await;
        assert_eq!(pool.status().waiting, 100);
        assert_eq!(
            Arc::strong_count(&argument),
            1,
            "the dropped calls' arguments are still queued"
        );
        open.send(()).unwrap();
        open.send(()).unwrap();
        for call in held.into_iter().chain(live) {
            call.await.unwrap();
        }
    });
}
