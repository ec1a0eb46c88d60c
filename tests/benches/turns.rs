//! Calls that take turns on one client: an `Exclusive` and a `Dedicated`
//! against what users write by hand for the same thing, uncontended (one
//! task) and contended (`CONTENDERS` tasks calling at once), side by side in
//! one run.
//!
//! ```text
//! cargo bench -p tests --bench turns
//! ```
//!
//! | id | what |
//! |---|---|
//! | `mutex_spawn_blocking` | `Arc<tokio::sync::Mutex<Client>>`: lock, `spawn_blocking` with the guard, `.await.unwrap()` (the pattern users write for a client that is not `Sync`) |
//! | `twin_exclusive` | `lookup_async` on an `Exclusive<Client>` |
//! | `dedicated_thread` | one thread owning the client, fed boxed closures over a std `mpsc` channel, answering on a Tokio `oneshot` (the `tokio-rusqlite` pattern) |
//! | `twin_dedicated` | `lookup_async` on a `Dedicated<Client>` |
//!
//! each `serial` (one task, one call at a time) and `contended` (the same
//! number of calls split over `CONTENDERS` tasks), on a multi-thread runtime.
//! Criterion reports the time per call; after it, a paired comparison
//! (rounds of batches back to back in an order shuffled each round, the median of the
//! per-round ratios, on the multi-thread and the current-thread runtime)
//! prints `twin ÷ hand-written` for each, and writes it to
//! `target/criterion/turns_paired.json`. `ASYNCIFY_TURNS_ROUNDS=<n>` sets its
//! rounds (41 by default); `cargo bench -p tests --bench turns -- none` runs
//! only it.

mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use asyncify::{Dedicated, Exclusive, asyncify};
use criterion::Criterion;
use tokio::runtime::Runtime;
use tokio::sync::Mutex;

/// Tasks calling at once in the contended variants.
const CONTENDERS: u64 = 4;

/// A trivial client that is `Send` but not `Sync`, with a `&mut self`
/// method: what an `Exclusive` is for.
pub struct Client {
    calls: u64,
    _not_sync: std::cell::Cell<()>,
}

#[asyncify]
impl Client {
    /// Does (almost) nothing: the benchmark measures the turn and the trip.
    pub fn lookup(&mut self, key: &str) -> u64 {
        self.calls += 1;
        self.calls + key.len() as u64
    }
}

fn client() -> Client {
    Client {
        calls: black_box(0),
        _not_sync: std::cell::Cell::new(()),
    }
}

/// The hand-written dedicated thread, on a `Client`.
type DedicatedThread = support::DedicatedThread<Client>;

/// The four ways of calling, each shared by the tasks of a run.
#[derive(Clone)]
struct Callers {
    mutex: Arc<Mutex<Client>>,
    exclusive: Exclusive<Client>,
    thread: DedicatedThread,
    dedicated: Dedicated<Client>,
}

impl Callers {
    fn new() -> Self {
        Callers {
            mutex: Arc::new(Mutex::new(client())),
            exclusive: Exclusive::new(client()),
            thread: DedicatedThread::spawn(client),
            dedicated: Dedicated::spawn(client),
        }
    }
}

const MUTEX_SPAWN_BLOCKING: usize = 0;
const TWIN_EXCLUSIVE: usize = 1;
const DEDICATED_THREAD: usize = 2;
const TWIN_DEDICATED: usize = 3;
const VARIANTS: usize = 4;
const NAMES: [&str; VARIANTS] = [
    "mutex_spawn_blocking",
    "twin_exclusive",
    "dedicated_thread",
    "twin_dedicated",
];

/// One call of `variant`.
async fn call(callers: &Callers, variant: usize) -> u64 {
    let key: &'static str = black_box("bucket-name");
    match variant {
        MUTEX_SPAWN_BLOCKING => {
            let mut guard = Arc::clone(&callers.mutex).lock_owned().await;
            let key = key.to_owned();
            tokio::task::spawn_blocking(move || guard.lookup(&key))
                .await
                .unwrap()
        }
        TWIN_EXCLUSIVE => callers.exclusive.lookup_async(key).await,
        DEDICATED_THREAD => {
            let key = key.to_owned();
            callers.thread.call(move |client| client.lookup(&key)).await
        }
        TWIN_DEDICATED => callers.dedicated.lookup_async(key).await,
        _ => unreachable!("variant {variant}"),
    }
}

/// Times `iters` calls of `variant` in total, split over `tasks` tasks
/// spawned on `runtime` that call at once.
fn run(runtime: &Runtime, callers: &Callers, variant: usize, iters: u64, tasks: u64) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for task in 0..tasks {
            let callers = callers.clone();
            // Spread the remainder so that the total is exactly `iters`.
            let calls = iters / tasks + u64::from(task < iters % tasks);
            set.spawn(async move {
                for _ in 0..calls {
                    black_box(call(&callers, variant).await);
                }
            });
        }
        while let Some(result) = set.join_next().await {
            result.unwrap();
        }
        start.elapsed()
    })
}

fn multi_thread() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn current_thread() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn criterion_runs(c: &mut Criterion) {
    let runtime = multi_thread();
    let callers = Callers::new();
    for (mode, tasks) in [("serial", 1), ("contended", CONTENDERS)] {
        let mut group = c.benchmark_group(format!("turns_{mode}"));
        for (variant, name) in NAMES.iter().enumerate() {
            group.bench_function(*name, |b| {
                b.iter_custom(|iters| run(&runtime, &callers, variant, iters, tasks));
            });
        }
        group.finish();
    }
}

/// Calls per variant per round of the paired comparison.
const PAIRED_BATCH: u64 = 400;

/// 41, or `ASYNCIFY_TURNS_ROUNDS`.
fn paired_rounds() -> usize {
    support::rounds_from_env("ASYNCIFY_TURNS_ROUNDS", 41)
}

/// Per variant, the median time per call and the median per-round ratio to
/// its hand-written equivalent.
fn paired(runtime: &Runtime, tasks: u64) -> [(Duration, f64); VARIANTS] {
    let callers = Callers::new();
    let mut times: [Vec<Duration>; VARIANTS] = Default::default();
    let mut ratios: [Vec<f64>; VARIANTS] = Default::default();
    for round in 0..=paired_rounds() {
        let mut batch = [Duration::ZERO; VARIANTS];
        for variant in support::round_order(round, VARIANTS) {
            batch[variant] = run(runtime, &callers, variant, PAIRED_BATCH, tasks);
        }
        if round == 0 {
            continue; // warm-up
        }
        for variant in 0..VARIANTS {
            // Each twin is divided by its hand-written equivalent.
            let baseline = variant & !1;
            times[variant].push(batch[variant] / u32::try_from(PAIRED_BATCH).unwrap());
            ratios[variant].push(batch[variant].as_secs_f64() / batch[baseline].as_secs_f64());
        }
    }
    std::array::from_fn(|variant| {
        times[variant].sort();
        ratios[variant].sort_by(f64::total_cmp);
        (
            times[variant][times[variant].len() / 2],
            ratios[variant][ratios[variant].len() / 2],
        )
    })
}

fn paired_report() {
    println!(
        "\nturns: paired comparison ({} rounds of {PAIRED_BATCH} calls per variant, median of \
         the per-round ratios; twin ÷ hand-written)",
        paired_rounds()
    );
    let mut lines = Vec::new();
    for (runtime_name, runtime) in [
        ("multi_thread", multi_thread()),
        ("current_thread", current_thread()),
    ] {
        for (mode, tasks) in [("serial", 1), ("contended", CONTENDERS)] {
            let result = paired(&runtime, tasks);
            let fields: Vec<String> = NAMES
                .iter()
                .zip(result)
                .map(|(name, (time, ratio))| {
                    format!(
                        "\"{name}_ns\": {}, \"{name}_ratio\": {ratio:.4}",
                        time.as_nanos()
                    )
                })
                .collect();
            let line = format!(
                "{{\"runtime\": \"{runtime_name}\", \"mode\": \"{mode}\", \"tasks\": {tasks}, {}}}",
                fields.join(", ")
            );
            println!("{line}");
            lines.push(line);
        }
    }
    support::write_json_lines("turns_paired.json", &lines);
}

fn main() {
    if support::criterion_then_paired(criterion_runs) {
        paired_report();
    }
}
