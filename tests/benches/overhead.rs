//! Per-call overhead of a trivial blocking call awaited from a task, side by
//! side in one run: what an `_async` twin costs next to the ways of doing the
//! same thing by hand.
//!
//! ```text
//! cargo bench -p tests --bench overhead
//! python3 scripts/bench-report.py     # table with ratios + docs/bench-overhead.svg
//! ```
//!
//! Every variant runs the same method, `Client::lookup(&self, key: &str)`,
//! which does nearly nothing, so what is measured is the cost of getting the
//! call to another thread and its result back. Each measurement is one task
//! (spawned on the runtime, as application code would be) that awaits
//! `iters` calls one after another; the time per call is what criterion
//! reports. The variants:
//!
//! | id | what |
//! |---|---|
//! | `direct` | the sync call inline (blocks the worker: the floor, not an option) |
//! | `spawn_blocking` | hand-written `tokio::task::spawn_blocking` with the `Arc` clone and `String` copy a twin does, `.await.unwrap()` |
//! | `twin_handle` | `lookup_async` on a `Handle<Client>` |
//! | `twin_handle_limited` | `lookup_async` on `Handle::with_limit(client, 64)`: the limit never binds (one call at a time), so this is the cost of its semaphore |
//! | `twin_clone` | `lookup_async` on the `Clone` client itself |
//! | `twin_exclusive` | `lookup_async` on an `Exclusive<Client>`, one caller |
//! | `twin_pool` | `lookup_async` on a `Pool<Client>` of 4 clients, one caller |
//! | `twin_exclusive_contended` | the same, `CONTENDERS` tasks calling at once (time per call, all tasks together) |
//! | `blocking_unblock` | `blocking::unblock` (the `blocking` crate's own thread pool) |
//! | `dedicated_thread` | one thread owning the client, fed boxed closures over a std `mpsc` channel, answering on a Tokio `oneshot` (the `tokio-rusqlite` pattern) |
//! | `twin_dedicated` | `lookup_async` on a `Dedicated<Client>` (asyncify's version of that pattern: the same channel and `oneshot`, plus the panic catch and the skip of dropped calls) |
//!
//! on a multi-thread runtime (default worker count) and a current-thread
//! runtime, each with Tokio's default blocking pool.
//!
//! After criterion, a paired comparison measures the ratio that matters (twin
//! / its hand-written equivalent) robustly on a busy machine: batches of
//! each, back to back in an order shuffled each round (`support::round_order`), round after round; it prints the
//! median per-round ratio and writes it to `target/criterion/overhead_paired.json`.
//! The twins on `Handle`, `Handle::with_limit`, a `Clone` client,
//! `Exclusive` and `Pool` are compared with hand-written `spawn_blocking`,
//! and the twin on `Pool` also with the one on `Exclusive`
//! (`twin_pool_vs_exclusive_ratio`); the twin on
//! `Dedicated`, which runs on its own thread and not on the pool, with the
//! hand-written dedicated thread + channel (`dedicated_thread`).
//! The twins on `Handle`, `Handle::with_limit`, `Exclusive` and `Dedicated`
//! with a cancel hook installed (`on_cancel`) but never triggered are
//! compared with the same twins without one (`hooked_*_ratio`).
//! `ASYNCIFY_OVERHEAD_ROUNDS=<n>` sets its rounds (41 by default; more give a
//! steadier median on a busy machine), `ASYNCIFY_OVERHEAD_PAIRED=0` skips it;
//! `cargo bench -p tests --bench overhead -- none` runs only it.

mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use asyncify::{Dedicated, Exclusive, Handle, Pool, asyncify};
use criterion::{BenchmarkGroup, Criterion, measurement::WallTime};
use tokio::runtime::Runtime;

/// Tasks calling one `Exclusive` at once in `twin_exclusive_contended`.
const CONTENDERS: u64 = 4;
/// The limit of `twin_handle_limited`'s `Handle::with_limit`: far more than
/// the one call at a time it gets, so it never binds and what is measured is
/// the semaphore's cost (a permit taken and given back on every call).
const HANDLE_LIMIT: usize = 64;

/// A trivial blocking client: cheap to clone (an `Arc` inside, like most SDK
/// clients), `Send + Sync`, and a `&str` argument that twins copy.
#[derive(Clone)]
pub struct Client {
    base: Arc<usize>,
}

#[asyncify]
impl Client {
    /// Does (almost) nothing: the benchmark measures the trip to the pool.
    pub fn lookup(&self, key: &str) -> usize {
        *self.base + key.len()
    }
}

fn client() -> Client {
    Client {
        base: Arc::new(black_box(1)),
    }
}

/// Clients of the pool variants.
const POOL_SIZE: usize = 4;

/// A `Pool` of `POOL_SIZE` clients, built outside the runtime.
fn pool() -> Pool<Client> {
    Pool::builder(|| Ok::<_, std::convert::Infallible>(client()))
        .size(POOL_SIZE)
        .build()
        .unwrap()
}

/// Times `$iters` awaits of `$call`, one after another in a task spawned on
/// `$runtime` that owns `$state` (moved in). A macro rather than a function
/// taking a closure: a closure cannot return a twin's future made from a
/// value it captures, since the future's type names the borrow of `self`
/// (even though it is `'static`).
macro_rules! run_serial {
    ($runtime:expr, $iters:expr, $state:ident => $call:expr) => {{
        let iters: u64 = $iters;
        $runtime.block_on(async move {
            tokio::spawn(async move {
                let $state = $state;
                let start = Instant::now();
                for _ in 0..iters {
                    black_box($call.await);
                }
                start.elapsed()
            })
            .await
            .unwrap()
        })
    }};
}

/// Times `$iters` awaits of `$call` in total, split over `$tasks` tasks that
/// run at once, each with its own clone of `$state`.
macro_rules! run_contended {
    ($runtime:expr, $iters:expr, $tasks:expr, $state:ident => $call:expr) => {{
        let (iters, tasks): (u64, u64) = ($iters, $tasks);
        $runtime.block_on(async move {
            let start = Instant::now();
            let mut set = tokio::task::JoinSet::new();
            for task in 0..tasks {
                let $state = $state.clone();
                // Spread the remainder so that the total is exactly `iters`.
                let calls = iters / tasks + u64::from(task < iters % tasks);
                set.spawn(async move {
                    for _ in 0..calls {
                        black_box($call.await);
                    }
                });
            }
            while let Some(result) = set.join_next().await {
                result.unwrap();
            }
            start.elapsed()
        })
    }};
}

/// The hand-written dedicated thread, on a `Client`.
type DedicatedThread = support::DedicatedThread<Client>;

fn variants(group: &mut BenchmarkGroup<'_, WallTime>, runtime: &Runtime) {
    let key: &'static str = black_box("bucket-name");

    group.bench_function("direct", |b| {
        let client = client();
        b.iter_custom(|iters| {
            let client = client.clone();
            run_serial!(runtime, iters, client => async { client.lookup(black_box(key)) })
        });
    });

    group.bench_function("spawn_blocking", |b| {
        let client = Arc::new(client());
        b.iter_custom(|iters| {
            let client = Arc::clone(&client);
            run_serial!(runtime, iters, client => {
                // What a twin does, written by hand: clone the `Arc`, copy the
                // `&str`, move both to the pool.
                let client = Arc::clone(&client);
                let key = black_box(key).to_owned();
                let join = tokio::task::spawn_blocking(move || client.lookup(&key));
                async move { join.await.unwrap() }
            })
        });
    });

    group.bench_function("twin_handle", |b| {
        let handle = Handle::new(client());
        b.iter_custom(|iters| {
            let handle = handle.clone();
            run_serial!(runtime, iters, handle => handle.lookup_async(black_box(key)))
        });
    });

    group.bench_function("twin_clone", |b| {
        let client = client();
        b.iter_custom(|iters| {
            let client = client.clone();
            run_serial!(runtime, iters, client => client.lookup_async(black_box(key)))
        });
    });

    group.bench_function("twin_exclusive", |b| {
        let exclusive = Exclusive::new(client());
        b.iter_custom(|iters| {
            let exclusive = exclusive.clone();
            run_serial!(runtime, iters, exclusive => exclusive.lookup_async(black_box(key)))
        });
    });

    group.bench_function("twin_pool", |b| {
        let pool = pool();
        b.iter_custom(|iters| {
            let pool = pool.clone();
            run_serial!(runtime, iters, pool => pool.lookup_async(black_box(key)))
        });
    });

    group.bench_function("twin_exclusive_contended", |b| {
        let exclusive = Exclusive::new(client());
        b.iter_custom(|iters| {
            let exclusive = exclusive.clone();
            run_contended!(runtime, iters, CONTENDERS, exclusive => {
                exclusive.lookup_async(black_box(key))
            })
        });
    });

    group.bench_function("twin_handle_limited", |b| {
        let handle = Handle::with_limit(client(), HANDLE_LIMIT);
        b.iter_custom(|iters| {
            let handle = handle.clone();
            run_serial!(runtime, iters, handle => handle.lookup_async(black_box(key)))
        });
    });

    group.bench_function("blocking_unblock", |b| {
        let client = Arc::new(client());
        b.iter_custom(|iters| {
            let client = Arc::clone(&client);
            run_serial!(runtime, iters, client => {
                let client = Arc::clone(&client);
                let key = black_box(key).to_owned();
                blocking::unblock(move || client.lookup(&key))
            })
        });
    });

    group.bench_function("dedicated_thread", |b| {
        let dedicated = DedicatedThread::spawn(client);
        b.iter_custom(|iters| {
            let dedicated = dedicated.clone();
            run_serial!(runtime, iters, dedicated => {
                let key = black_box(key).to_owned();
                dedicated.call(move |client| client.lookup(&key))
            })
        });
    });

    group.bench_function("twin_dedicated", |b| {
        let dedicated = Dedicated::spawn(client);
        b.iter_custom(|iters| {
            let dedicated = dedicated.clone();
            run_serial!(runtime, iters, dedicated => dedicated.lookup_async(black_box(key)))
        });
    });
}

fn overhead(c: &mut Criterion) {
    let multi_thread = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("overhead_multi_thread");
    variants(&mut group, &multi_thread);
    group.finish();
    drop(multi_thread);

    let current_thread = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("overhead_current_thread");
    variants(&mut group, &current_thread);
    group.finish();
}

/// Rounds of the paired comparison, per runtime.
const PAIRED_ROUNDS: usize = 41;

/// `PAIRED_ROUNDS`, or `ASYNCIFY_OVERHEAD_ROUNDS`.
fn paired_rounds() -> usize {
    support::rounds_from_env("ASYNCIFY_OVERHEAD_ROUNDS", PAIRED_ROUNDS)
}
/// Calls per variant per round.
const PAIRED_BATCH: u64 = 500;

/// The variants of the paired comparison, in the order of `paired`'s
/// batches: each twin, and the hand-written variant it is divided by.
const PAIRED_VARIANTS: usize = 12;
const SPAWN_BLOCKING: usize = 0;
const TWIN_HANDLE: usize = 1;
const TWIN_CLONE: usize = 2;
const TWIN_EXCLUSIVE: usize = 3;
const TWIN_HANDLE_LIMITED: usize = 4;
const DEDICATED_THREAD: usize = 5;
const TWIN_DEDICATED: usize = 6;
// The same twins on handles with a cancel hook (`on_cancel`) that no call
// triggers: what arming each call costs.
const TWIN_HANDLE_HOOKED: usize = 7;
const TWIN_EXCLUSIVE_HOOKED: usize = 8;
const TWIN_HANDLE_LIMITED_HOOKED: usize = 9;
const TWIN_DEDICATED_HOOKED: usize = 10;
const TWIN_POOL: usize = 11;

/// The variant a variant is compared with: the twins that run on the
/// blocking pool with `spawn_blocking`, the twin on `Dedicated` (its own
/// thread) with the dedicated thread + channel, a twin on a handle with a
/// cancel hook with the same twin without one.
fn baseline(variant: usize) -> usize {
    match variant {
        DEDICATED_THREAD | TWIN_DEDICATED => DEDICATED_THREAD,
        TWIN_HANDLE_HOOKED => TWIN_HANDLE,
        TWIN_EXCLUSIVE_HOOKED => TWIN_EXCLUSIVE,
        TWIN_HANDLE_LIMITED_HOOKED => TWIN_HANDLE_LIMITED,
        TWIN_DEDICATED_HOOKED => TWIN_DEDICATED,
        _ => SPAWN_BLOCKING,
    }
}

/// The cancel hook of the hooked variants: never called.
fn unused_hook(_: &Client) -> impl Fn() + Send + Sync + 'static + use<> {
    || unreachable!("no call of the benchmark is cancelled")
}

/// The ratio twin / hand-written equivalent, measured so that a busy machine
/// does not skew it: round after round, a batch of each variant back to back
/// (in an order shuffled each round), and the median over rounds of each round's ratio.
/// Criterion measures each variant for seconds on end, one after another, so
/// a load that comes and goes lands on some variants and not others.
fn paired(runtime: &Runtime) -> Paired {
    let key: &'static str = black_box("bucket-name");
    let arc = Arc::new(client());
    let handle = Handle::new(client());
    let clone = client();
    let exclusive = Exclusive::new(client());
    let limited = Handle::with_limit(client(), HANDLE_LIMIT);
    let thread = DedicatedThread::spawn(client);
    let dedicated = Dedicated::spawn(client);
    let handle_hooked = Handle::new(client()).on_cancel(unused_hook);
    let exclusive_hooked = Exclusive::new(client()).on_cancel(unused_hook);
    let limited_hooked = Handle::with_limit(client(), HANDLE_LIMIT).on_cancel(unused_hook);
    let dedicated_hooked = Dedicated::spawn(client).on_cancel(unused_hook);
    let pool = pool();
    // The pool's twin ÷ the exclusive's, round by round.
    let mut pool_vs_exclusive = Vec::new();
    // Per variant: the batch times, and the ratios to its baseline's batch
    // of the same round.
    let mut times: [Vec<Duration>; PAIRED_VARIANTS] = Default::default();
    let mut ratios: [Vec<f64>; PAIRED_VARIANTS] = Default::default();
    for round in 0..=paired_rounds() {
        let mut batch = [Duration::ZERO; PAIRED_VARIANTS];
        for variant in support::round_order(round, PAIRED_VARIANTS) {
            batch[variant] = match variant {
                SPAWN_BLOCKING => {
                    let client = Arc::clone(&arc);
                    run_serial!(runtime, PAIRED_BATCH, client => {
                        let client = Arc::clone(&client);
                        let key = black_box(key).to_owned();
                        let join = tokio::task::spawn_blocking(move || client.lookup(&key));
                        async move { join.await.unwrap() }
                    })
                }
                TWIN_HANDLE => {
                    let handle = handle.clone();
                    run_serial!(runtime, PAIRED_BATCH, handle => handle.lookup_async(black_box(key)))
                }
                TWIN_CLONE => {
                    let clone = clone.clone();
                    run_serial!(runtime, PAIRED_BATCH, clone => clone.lookup_async(black_box(key)))
                }
                TWIN_EXCLUSIVE => {
                    let exclusive = exclusive.clone();
                    run_serial!(runtime, PAIRED_BATCH, exclusive => exclusive.lookup_async(black_box(key)))
                }
                TWIN_HANDLE_LIMITED => {
                    let limited = limited.clone();
                    run_serial!(runtime, PAIRED_BATCH, limited => limited.lookup_async(black_box(key)))
                }
                DEDICATED_THREAD => {
                    let thread = thread.clone();
                    run_serial!(runtime, PAIRED_BATCH, thread => {
                        let key = black_box(key).to_owned();
                        thread.call(move |client| client.lookup(&key))
                    })
                }
                TWIN_DEDICATED => {
                    let dedicated = dedicated.clone();
                    run_serial!(runtime, PAIRED_BATCH, dedicated => dedicated.lookup_async(black_box(key)))
                }
                TWIN_HANDLE_HOOKED => {
                    let handle = handle_hooked.clone();
                    run_serial!(runtime, PAIRED_BATCH, handle => handle.lookup_async(black_box(key)))
                }
                TWIN_EXCLUSIVE_HOOKED => {
                    let exclusive = exclusive_hooked.clone();
                    run_serial!(runtime, PAIRED_BATCH, exclusive => exclusive.lookup_async(black_box(key)))
                }
                TWIN_HANDLE_LIMITED_HOOKED => {
                    let limited = limited_hooked.clone();
                    run_serial!(runtime, PAIRED_BATCH, limited => limited.lookup_async(black_box(key)))
                }
                TWIN_POOL => {
                    let pool = pool.clone();
                    run_serial!(runtime, PAIRED_BATCH, pool => pool.lookup_async(black_box(key)))
                }
                _ => {
                    let dedicated = dedicated_hooked.clone();
                    run_serial!(runtime, PAIRED_BATCH, dedicated => dedicated.lookup_async(black_box(key)))
                }
            };
        }
        if round == 0 {
            continue; // warm-up
        }
        pool_vs_exclusive
            .push(batch[TWIN_POOL].as_secs_f64() / batch[TWIN_EXCLUSIVE].as_secs_f64());
        for variant in 0..PAIRED_VARIANTS {
            times[variant].push(batch[variant]);
            ratios[variant]
                .push(batch[variant].as_secs_f64() / batch[baseline(variant)].as_secs_f64());
        }
    }
    pool_vs_exclusive.sort_by(f64::total_cmp);
    let mut paired = summarize(times, ratios);
    paired.pool_vs_exclusive = pool_vs_exclusive[pool_vs_exclusive.len() / 2];
    paired
}

/// The medians of `paired`'s batch times and ratios.
fn summarize(
    mut times: [Vec<Duration>; PAIRED_VARIANTS],
    mut ratios: [Vec<f64>; PAIRED_VARIANTS],
) -> Paired {
    for values in &mut ratios {
        values.sort_by(f64::total_cmp);
    }
    for values in &mut times {
        values.sort();
    }
    let per_call = |variant: usize| {
        times[variant][times[variant].len() / 2] / u32::try_from(PAIRED_BATCH).unwrap()
    };
    let ratio = |variant: usize| ratios[variant][ratios[variant].len() / 2];
    Paired {
        spawn_blocking: per_call(SPAWN_BLOCKING),
        dedicated_thread: per_call(DEDICATED_THREAD),
        handle: ratio(TWIN_HANDLE),
        clone: ratio(TWIN_CLONE),
        exclusive: ratio(TWIN_EXCLUSIVE),
        handle_limited: ratio(TWIN_HANDLE_LIMITED),
        dedicated: ratio(TWIN_DEDICATED),
        handle_hooked: ratio(TWIN_HANDLE_HOOKED),
        exclusive_hooked: ratio(TWIN_EXCLUSIVE_HOOKED),
        handle_limited_hooked: ratio(TWIN_HANDLE_LIMITED_HOOKED),
        dedicated_hooked: ratio(TWIN_DEDICATED_HOOKED),
        pool: ratio(TWIN_POOL),
        pool_vs_exclusive: f64::NAN,
    }
}

/// What `paired` measured: the median time per call of the two hand-written
/// baselines, and the median ratio of each twin to its baseline.
struct Paired {
    spawn_blocking: Duration,
    dedicated_thread: Duration,
    /// ÷ `spawn_blocking`.
    handle: f64,
    clone: f64,
    exclusive: f64,
    handle_limited: f64,
    /// ÷ `dedicated_thread`.
    dedicated: f64,
    /// With an unused cancel hook, ÷ the same twin without one.
    handle_hooked: f64,
    exclusive_hooked: f64,
    handle_limited_hooked: f64,
    dedicated_hooked: f64,
    /// ÷ `spawn_blocking`.
    pool: f64,
    /// The pool's twin ÷ the exclusive's (set by `paired`).
    pool_vs_exclusive: f64,
}

fn paired_report() {
    let mut lines = Vec::new();
    println!(
        "\noverhead: paired comparison ({} rounds of {PAIRED_BATCH} calls per variant, \
         median of the per-round ratios)",
        paired_rounds()
    );
    for (name, runtime) in [
        (
            "multi_thread",
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build(),
        ),
        (
            "current_thread",
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build(),
        ),
    ] {
        let paired = paired(&runtime.unwrap());
        let line = format!(
            "{{\"runtime\": \"{name}\", \"spawn_blocking_median_ns\": {}, \
             \"twin_handle_ratio\": {:.4}, \"twin_clone_ratio\": {:.4}, \
             \"twin_exclusive_ratio\": {:.4}, \"twin_handle_limited_ratio\": {:.4}, \
             \"dedicated_thread_median_ns\": {}, \"twin_dedicated_ratio\": {:.4}, \
             \"hooked_handle_ratio\": {:.4}, \"hooked_exclusive_ratio\": {:.4}, \
             \"hooked_handle_limited_ratio\": {:.4}, \"hooked_dedicated_ratio\": {:.4}, \
             \"twin_pool_ratio\": {:.4}, \"twin_pool_vs_exclusive_ratio\": {:.4}}}",
            paired.spawn_blocking.as_nanos(),
            paired.handle,
            paired.clone,
            paired.exclusive,
            paired.handle_limited,
            paired.dedicated_thread.as_nanos(),
            paired.dedicated,
            paired.handle_hooked,
            paired.exclusive_hooked,
            paired.handle_limited_hooked,
            paired.dedicated_hooked,
            paired.pool,
            paired.pool_vs_exclusive,
        );
        println!("{line}");
        lines.push(line);
    }
    support::write_json_lines("overhead_paired.json", &lines);
}

fn main() {
    let real_run = support::criterion_then_paired(overhead);
    if real_run && std::env::var_os("ASYNCIFY_OVERHEAD_PAIRED").is_none_or(|value| value != "0") {
        paired_report();
    }
}
