//! The original idea's experiment: 20 calls that each block for 100 ms, one
//! after another and all at once.
//!
//! ```text
//! cargo bench -p tests --bench experiment
//! ```
//!
//! boto3async, the Python library asyncify comes from, measured 20 S3
//! `list_buckets` calls: 2077 ms one after another, 619 ms with
//! `asyncio.gather` over `asyncio.to_thread` (3.4x). Here the call is a plain
//! `thread::sleep(100 ms)`, so the ideal speed-up is exactly 20x and what is
//! lost on the way is asyncify's (and Tokio's blocking pool's) doing. The
//! twins run on a multi-thread runtime with the default blocking pool;
//! `concurrent` spawns the 20 twin futures and awaits them all.

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use asyncify::{Handle, asyncify};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

/// Calls per measurement, as in the original experiment.
const CALLS: u64 = 20;
/// How long each call blocks.
const LATENCY: Duration = Duration::from_millis(100);

/// A client whose every call blocks for `LATENCY`, like a request to S3.
pub struct Slow;

#[asyncify]
impl Slow {
    /// Blocks for `LATENCY`, then echoes `i`.
    pub fn call(&self, i: u64) -> u64 {
        thread::sleep(LATENCY);
        i
    }
}

fn experiment(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let slow = Handle::new(Slow);

    let mut group = c.benchmark_group("experiment_20x100ms");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        // One iteration per sample: 10 x 2 s.
        .measurement_time(Duration::from_secs(20));

    group.bench_function("serial", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    for i in 0..CALLS {
                        assert_eq!(slow.call_async(black_box(i)).await, i);
                    }
                }
                start.elapsed()
            })
        });
    });

    // One iteration per sample: 10 x 100 ms.
    group.measurement_time(Duration::from_secs(1));
    group.bench_function("concurrent", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let mut set = tokio::task::JoinSet::new();
                    for i in 0..CALLS {
                        set.spawn(slow.call_async(black_box(i)));
                    }
                    let mut sum = 0;
                    while let Some(result) = set.join_next().await {
                        sum += result.unwrap();
                    }
                    assert_eq!(sum, CALLS * (CALLS - 1) / 2);
                }
                start.elapsed()
            })
        });
    });

    group.finish();
}

criterion_group!(benches, experiment);
criterion_main!(benches);
