//! `Handle::with_limit`: at most `n` calls of a client on the pool at once,
//! shared by clones; the others wait in their tasks (no pool thread parked),
//! in the order they asked, and leave the queue when dropped.

use std::future::Future;
use std::panic;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::task::Poll;
use std::thread;
use std::time::Duration;

use asyncify::{Handle, asyncify, unblock};
use tokio::sync::oneshot;

/// Counts the calls inside it at once, and records the order of `record`s.
#[derive(Debug, Default)]
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

    pub fn record(&self, index: usize) {
        self.order.lock().unwrap().push(index);
        self.calls.fetch_add(1, Ordering::SeqCst);
    }

    pub fn hold(&self, started: oneshot::Sender<()>, release: mpsc::Receiver<()>) {
        let inside = self.inside.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_inside.fetch_max(inside, Ordering::SeqCst);
        started.send(()).unwrap();
        release.recv().unwrap();
        drop(release);
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inside.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Gauge {
    fn max_inside(&self) -> usize {
        self.max_inside.load(Ordering::SeqCst)
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn order(&self) -> Vec<usize> {
        self.order.lock().unwrap().clone()
    }
}

/// Starts a `hold` call and returns once it is running on the pool, with the
/// sender that ends it.
async fn hold(gauge: &Handle<Gauge>) -> (tokio::task::JoinHandle<()>, mpsc::Sender<()>) {
    let (started, has_started) = oneshot::channel();
    let (release, released) = mpsc::channel();
    let holder = tokio::spawn(gauge.hold_async(started, released));
    has_started.await.unwrap();
    (holder, release)
}

const GENEROUS: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_through_clones_stay_within_the_limit() {
    const LIMIT: usize = 8;
    let gauge = Handle::with_limit(Gauge::default(), LIMIT);
    let tasks: Vec<_> = (0..1000)
        .map(|i| {
            let clone = gauge.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    clone.enter_async(Duration::from_millis(2)).await;
                } else {
                    // The inherent `offload` goes through the limit too.
                    clone
                        .offload(|gauge| gauge.enter(Duration::from_millis(2)))
                        .await;
                }
            })
        })
        .collect();
    tokio::time::timeout(GENEROUS, async {
        for task in tasks {
            task.await.unwrap();
        }
    })
    .await
    .expect("the calls did not finish");
    assert_eq!(gauge.calls(), 1000);
    // Never above the limit, and the limit is reached: it is the limit, not
    // something lower, that bounds the calls.
    assert_eq!(gauge.max_inside(), LIMIT);
    assert_eq!(gauge.limit(), Some(LIMIT));
    assert_eq!(gauge.clone().limit(), Some(LIMIT));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_limit_the_same_calls_exceed_it() {
    // The counterfactual: the gauge does see more than 8 calls at once when
    // nothing limits them.
    let gauge = Handle::new(Gauge::default());
    assert_eq!(gauge.limit(), None);
    let tasks: Vec<_> = (0..64)
        .map(|_| tokio::spawn(gauge.enter_async(Duration::from_millis(100))))
        .collect();
    tokio::time::timeout(GENEROUS, async {
        for task in tasks {
            task.await.unwrap();
        }
    })
    .await
    .expect("the calls did not finish");
    assert!(gauge.max_inside() > 8, "max inside: {}", gauge.max_inside());
}

#[tokio::test]
async fn waiting_calls_start_in_the_order_they_asked() {
    let gauge = Handle::with_limit(Gauge::default(), 1);
    let (holder, release) = hold(&gauge).await;

    // Created in order 0..10, first polled (so queued) in reverse: the order
    // of asking is what counts.
    let mut futures: Vec<_> = (0..10).map(|i| gauge.record_async(i)).collect();
    let mut tasks = Vec::new();
    while let Some(future) = futures.pop() {
        tasks.push(tokio::spawn(future));
        // On this single-threaded runtime the new task runs until it waits.
        tokio::task::yield_now().await;
    }
    assert_eq!(gauge.order(), [], "a call ran while the limit was taken");
    release.send(()).unwrap();
    tokio::time::timeout(GENEROUS, async {
        holder.await.unwrap();
        for task in tasks {
            task.await.unwrap();
        }
    })
    .await
    .expect("the calls did not finish");
    assert_eq!(gauge.order(), (0..10).rev().collect::<Vec<_>>());
}

#[test]
fn waiting_for_the_limit_does_not_take_a_pool_thread() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(2)
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let gauge = Handle::with_limit(Gauge::default(), 1);
        // One pool thread is busy with the one allowed call...
        let (holder, release) = hold(&gauge).await;
        // ... while 50 more calls wait for the limit.
        let mut waiting = Vec::new();
        for i in 0..50 {
            waiting.push(tokio::spawn(gauge.clone().record_async(i)));
            tokio::task::yield_now().await;
        }
        // Had a waiting call parked the other pool thread, this could not run
        // until the holder returns, which it does only after this.
        let unrelated = tokio::time::timeout(Duration::from_secs(30), unblock(|| "ran")).await;
        assert_eq!(unrelated, Ok("ran"), "the pool is taken by waiting calls");

        release.send(()).unwrap();
        tokio::time::timeout(GENEROUS, async {
            holder.await.unwrap();
            for task in waiting {
                task.await.unwrap();
            }
        })
        .await
        .expect("the calls did not finish");
        assert_eq!(gauge.calls(), 51);
        assert_eq!(gauge.max_inside(), 1);
    });
}

#[tokio::test]
async fn a_call_dropped_while_waiting_leaves_the_queue() {
    let gauge = Handle::with_limit(Gauge::default(), 1);
    let (holder, release) = hold(&gauge).await;

    {
        let mut waiting = pin!(gauge.record_async(99));
        let polled = std::future::poll_fn(|cx| Poll::Ready(waiting.as_mut().poll(cx))).await;
        assert!(polled.is_pending(), "started while the limit was taken");
    }
    let next = tokio::spawn(gauge.record_async(1));
    tokio::task::yield_now().await;
    release.send(()).unwrap();
    tokio::time::timeout(GENEROUS, async {
        holder.await.unwrap();
        // Had the dropped call kept its place, this one would wait forever.
        next.await.unwrap();
    })
    .await
    .expect("the next call did not get the place the dropped one left");
    assert_eq!(gauge.order(), [1]);
    assert_eq!(gauge.calls(), 2);
}

#[tokio::test]
async fn a_started_call_keeps_its_place_until_it_returns_even_if_dropped() {
    let gauge = Handle::with_limit(Gauge::default(), 1);
    let (holder, release) = hold(&gauge).await;
    // The holder's future is dropped; its call goes on, and keeps its place.
    holder.abort();
    assert!(holder.await.unwrap_err().is_cancelled());

    let next = tokio::spawn(gauge.record_async(1));
    // A round trip through the pool: time enough for a call that was let in
    // to start.
    unblock(|| ()).await;
    tokio::task::yield_now().await;
    assert_eq!(gauge.order(), [], "a call started beside the running one");

    release.send(()).unwrap();
    tokio::time::timeout(GENEROUS, next)
        .await
        .expect("the place was not given back when the call returned")
        .unwrap();
    assert_eq!(gauge.order(), [1]);
    assert_eq!(gauge.max_inside(), 1);
}

#[test]
fn a_limit_of_zero_panics_with_advice() {
    let payload = panic::catch_unwind(|| Handle::with_limit(Gauge::default(), 0))
        .expect_err("a limit of 0 was accepted");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap();
    assert!(message.contains("with_limit(client, 0)"), "{message}");
    assert!(message.contains("at least 1"), "{message}");
}

#[tokio::test]
async fn try_unwrap_keeps_the_limit_of_a_handle_it_gives_back() {
    let gauge = Handle::with_limit(Gauge::default(), 3);
    let other = gauge.clone();
    let gauge = Handle::try_unwrap(gauge).unwrap_err();
    assert_eq!(gauge.limit(), Some(3));
    drop(other);
    let gauge = Handle::try_unwrap(gauge).unwrap_or_else(|_| panic!("other handles remain"));
    assert_eq!(gauge.calls(), 0);
}
