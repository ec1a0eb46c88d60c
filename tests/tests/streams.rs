//! Iterator methods get `_stream` twins: items produced on the blocking pool,
//! handed over through a bounded buffer, stopped when the stream is dropped.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use asyncify::{Exclusive, Handle, asyncify};
use futures_core::Stream;

const LIMIT: Duration = Duration::from_secs(60);

/// Counts the items its iterators produce, and whether an iterator is still
/// alive (it is dropped when the producer stops).
#[derive(Default)]
pub struct Source {
    produced: Arc<AtomicUsize>,
    alive: Arc<AtomicBool>,
    rows: Vec<u32>,
}

/// An endless iterator that counts what it yields.
struct Counting {
    next: u64,
    produced: Arc<AtomicUsize>,
    alive: Arc<AtomicBool>,
}

impl Iterator for Counting {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.produced.fetch_add(1, Ordering::SeqCst);
        self.next += 1;
        Some(self.next)
    }
}

impl Drop for Counting {
    fn drop(&mut self) {
        self.alive.store(false, Ordering::SeqCst);
    }
}

#[asyncify]
impl Source {
    /// Endless: only dropping the stream stops it.
    #[asyncify(buffer = 4)]
    pub fn numbers(&self) -> impl Iterator<Item = u64> {
        self.alive.store(true, Ordering::SeqCst);
        Counting {
            next: 0,
            produced: Arc::clone(&self.produced),
            alive: Arc::clone(&self.alive),
        }
    }

    /// Borrows the client: consumed on the pool, inside the call.
    pub fn rows(&self, above: u32) -> impl Iterator<Item = u32> + '_ {
        self.rows.iter().copied().filter(move |row| *row > above)
    }

    /// An `IntoIterator` result, marked `stream`.
    #[asyncify(stream, buffer = 2)]
    pub fn pages(&self, prefix: &str) -> Vec<String> {
        (1..=3).map(|page| format!("{prefix}{page}")).collect()
    }

    /// A named iterator that borrows the client, marked `stream`.
    #[asyncify(stream, buffer = 1)]
    pub fn copied(&self) -> std::iter::Copied<std::slice::Iter<'_, u32>> {
        self.rows.iter().copied()
    }

    /// `&mut self`: needs `Exclusive`, which stays locked while it streams.
    pub fn drain(&mut self) -> impl Iterator<Item = u32> + '_ {
        self.rows.drain(..)
    }

    pub fn count(&self) -> usize {
        self.rows.len()
    }

    /// Panics after two items.
    pub fn fragile(&self) -> impl Iterator<Item = u32> {
        (1..).map(|n| {
            if n == 3 {
                panic!("row {n} is corrupt")
            } else {
                n
            }
        })
    }
}

async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

async fn collect<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut items = Vec::new();
    while let Some(item) = next(&mut stream).await {
        items.push(item);
    }
    items
}

/// Waits until `value` stops changing (sampled every 20 ms, bounded).
async fn settled(value: &AtomicUsize) -> usize {
    let mut last = value.load(Ordering::SeqCst);
    let mut same = 0;
    for _ in 0..500 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let now = value.load(Ordering::SeqCst);
        same = if now == last { same + 1 } else { 0 };
        last = now;
        if same == 5 {
            break;
        }
    }
    last
}

#[tokio::test]
async fn items_arrive_in_order_from_borrowing_iterators() {
    let source = Handle::new(Source {
        rows: vec![5, 1, 9, 3, 7],
        ..Source::default()
    });
    assert_eq!(collect(source.rows_stream(4)).await, [5, 9, 7]);
    assert_eq!(collect(source.copied_stream()).await, [5, 1, 9, 3, 7]);
    assert_eq!(collect(source.pages_stream("p")).await, ["p1", "p2", "p3"]);
    // The future owns its arguments: spawned after they are gone.
    let stream = {
        let prefix = String::from("q");
        source.pages_stream(&prefix)
    };
    let pages = tokio::spawn(collect(stream)).await.unwrap();
    assert_eq!(pages, ["q1", "q2", "q3"]);
}

#[tokio::test]
async fn a_slow_consumer_holds_the_producer_back() {
    let source = Handle::new(Source::default());
    let mut numbers = source.numbers_stream();
    assert_eq!(next(&mut numbers).await, Some(1));
    assert_eq!(next(&mut numbers).await, Some(2));
    // The producer fills the buffer (4) and then waits for the consumer.
    let produced = settled(&source.produced).await;
    assert!(
        (2 + 4..=2 + 4 + 1).contains(&produced),
        "{produced} items produced with 2 taken and a buffer of 4"
    );
    assert!(source.alive.load(Ordering::SeqCst));
    drop(numbers);
}

#[test]
fn dropping_the_stream_stops_the_iteration_and_frees_the_thread() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(1)
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let source = Handle::new(Source {
            rows: vec![1, 2],
            ..Source::default()
        });
        let mut numbers = source.numbers_stream();
        for expected in 1..=3 {
            assert_eq!(next(&mut numbers).await, Some(expected));
        }
        drop(numbers);
        // The only pool thread comes back: this call needs it.
        let len = tokio::time::timeout(LIMIT, source.count_async()).await;
        assert_eq!(len.expect("the pool thread was not released"), 2);
        assert!(
            !source.alive.load(Ordering::SeqCst),
            "the iterator was not dropped"
        );
        let produced = source.produced.load(Ordering::SeqCst);
        // Taken 3, at most 4 buffered, and the one being sent at the drop.
        assert!(produced <= 3 + 4 + 1, "{produced} items produced");
        assert_eq!(
            settled(&source.produced).await,
            produced,
            "produced after the drop"
        );
    });
}

#[tokio::test]
async fn exclusive_stays_locked_until_the_stream_ends() {
    // More rows than the buffer holds: the producer waits with the lock.
    let source = Exclusive::new(Source {
        rows: (1..=100).collect(),
        ..Source::default()
    });
    let mut drained = source.drain_stream();
    assert_eq!(next(&mut drained).await, Some(1));
    let len = tokio::spawn(source.count_async());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !len.is_finished(),
        "a call ran while the stream held the client"
    );
    assert_eq!(collect(drained).await, (2..=100).collect::<Vec<_>>());
    let len = tokio::time::timeout(LIMIT, len).await.unwrap().unwrap();
    assert_eq!(len, 0);

    // Dropped early, the stream releases the lock too.
    let source = Exclusive::new(Source {
        rows: (0..1000).collect(),
        ..Source::default()
    });
    let mut drained = source.drain_stream();
    assert_eq!(next(&mut drained).await, Some(0));
    drop(drained);
    let len = tokio::time::timeout(LIMIT, source.count_async())
        .await
        .unwrap();
    assert_eq!(len, 0, "`Vec::drain` removes the rest when dropped");
}

#[tokio::test]
async fn a_panic_reaches_the_consumer_after_the_items_before_it() {
    let source = Handle::new(Source::default());
    let mut rows = source.fragile_stream();
    assert_eq!(next(&mut rows).await, Some(1));
    assert_eq!(next(&mut rows).await, Some(2));
    let panic = tokio::spawn(async move { next(&mut rows).await })
        .await
        .unwrap_err();
    let payload = panic.into_panic();
    let message = payload
        .downcast_ref::<String>()
        .expect("the iterator's own payload");
    assert_eq!(message, "row 3 is corrupt");
    // The handle is still usable.
    assert_eq!(collect(source.pages_stream("r")).await.len(), 3);
}
