//! Scale: 1,000 and 10,000 concurrent twin calls that each block for 10 ms,
//! with Tokio's default blocking pool (512 threads), with
//! `max_blocking_threads(64)`, and with a per-handle limit
//! (`Handle::with_limit(client, 64)` on the default pool).
//!
//! ```text
//! cargo bench -p tests --bench scale
//! ```
//!
//! Two parts, both run by the command above:
//!
//! 1. **Wall time** (criterion, group `scale_10ms`): one burst of `N` calls,
//!    spawned at once and all awaited, on a runtime whose pool threads are
//!    already started (warm). The ideal is `ceil(N / threads) x 10 ms`,
//!    where `threads` is the pool's size or the handle's limit, the smaller.
//! 2. **Peak memory** (after criterion): for each configuration this binary
//!    runs itself again with `ASYNCIFY_SCALE_ONE=N:threads:limit` (limit 0:
//!    none), in a fresh
//!    process that does one cold burst (the pool threads start during it)
//!    and prints one JSON line: its wall time and `VmHWM` (peak resident
//!    set size, a process-wide high-water mark, hence one process per
//!    configuration) from `/proc/self/status`, before and after the burst.
//!    The lines are also written to `target/criterion/scale_memory.json`.
//!    `ASYNCIFY_SCALE_MEMORY=0` skips this part.

mod support;

use std::env;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use asyncify::{Handle, asyncify};
use criterion::{Criterion, SamplingMode};
use tokio::runtime::Runtime;

/// How long each call blocks.
const LATENCY: Duration = Duration::from_millis(10);
/// Tokio's default `max_blocking_threads`.
const TOKIO_DEFAULT_BLOCKING_THREADS: usize = 512;
/// One burst: how many calls, the runtime's `max_blocking_threads` and the
/// handle's limit (`None`: Tokio's default; a `Handle::new`).
#[derive(Clone, Copy)]
struct Config {
    calls: usize,
    max_blocking_threads: Option<usize>,
    handle_limit: Option<usize>,
}

const fn config(
    calls: usize,
    max_blocking_threads: Option<usize>,
    handle_limit: Option<usize>,
) -> Config {
    Config {
        calls,
        max_blocking_threads,
        handle_limit,
    }
}

const CONFIGS: [Config; 6] = [
    config(1_000, None, None),
    config(1_000, Some(64), None),
    config(1_000, None, Some(64)),
    config(10_000, None, None),
    config(10_000, Some(64), None),
    config(10_000, None, Some(64)),
];
/// Set in the child processes that measure one configuration's memory.
const ONE_RUN_ENV: &str = "ASYNCIFY_SCALE_ONE";

/// A client whose every call blocks for `LATENCY`.
pub struct Sleeper;

#[asyncify]
impl Sleeper {
    /// Blocks for `LATENCY`.
    pub fn nap(&self, i: usize) -> usize {
        thread::sleep(LATENCY);
        i
    }
}

fn runtime(max_blocking_threads: Option<usize>) -> Runtime {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = max_blocking_threads {
        builder.max_blocking_threads(threads);
    }
    builder.enable_all().build().unwrap()
}

/// `calls` twin calls at once, all awaited; returns the wall time.
fn burst(runtime: &Runtime, sleeper: &Handle<Sleeper>, calls: usize) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for i in 0..calls {
            set.spawn(sleeper.nap_async(i));
        }
        let mut sum = 0;
        while let Some(result) = set.join_next().await {
            sum += result.unwrap();
        }
        assert_eq!(sum, calls * (calls - 1) / 2);
        start.elapsed()
    })
}

impl Config {
    /// The pool's size.
    fn threads(self) -> usize {
        self.max_blocking_threads
            .unwrap_or(TOKIO_DEFAULT_BLOCKING_THREADS)
    }

    /// How many calls can run at once: the pool's size or the handle's
    /// limit, the smaller.
    fn parallel(self) -> usize {
        self.handle_limit
            .map_or(self.threads(), |limit| limit.min(self.threads()))
    }

    /// `ceil(calls / parallel) x LATENCY`.
    fn ideal(self) -> Duration {
        LATENCY * u32::try_from(self.calls.div_ceil(self.parallel())).unwrap()
    }

    fn label(self) -> String {
        let calls = self.calls;
        match (self.max_blocking_threads, self.handle_limit) {
            (None, None) => format!("{calls}_calls_default_pool"),
            (Some(threads), None) => format!("{calls}_calls_max_{threads}_threads"),
            (None, Some(limit)) => format!("{calls}_calls_handle_limit_{limit}"),
            (Some(threads), Some(limit)) => {
                format!("{calls}_calls_max_{threads}_threads_handle_limit_{limit}")
            }
        }
    }

    /// The twin calls go through this handle.
    fn sleeper(self) -> Handle<Sleeper> {
        match self.handle_limit {
            None => Handle::new(Sleeper),
            Some(limit) => Handle::with_limit(Sleeper, limit),
        }
    }

    /// `ASYNCIFY_SCALE_ONE`'s value for this configuration.
    fn spec(self) -> String {
        format!(
            "{}:{}:{}",
            self.calls,
            self.threads(),
            self.handle_limit.unwrap_or(0)
        )
    }

    fn from_spec(spec: &str) -> Option<Config> {
        let mut parts = spec.split(':').map(str::parse::<usize>);
        let (calls, threads, limit) = (
            parts.next()?.ok()?,
            parts.next()?.ok()?,
            parts.next()?.ok()?,
        );
        if parts.next().is_some() || calls == 0 || threads == 0 {
            return None;
        }
        Some(config(
            calls,
            (threads != TOKIO_DEFAULT_BLOCKING_THREADS).then_some(threads),
            (limit != 0).then_some(limit),
        ))
    }
}

fn scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("scale_10ms");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    for config in CONFIGS {
        let runtime = runtime(config.max_blocking_threads);
        let sleeper = config.sleeper();
        let ideal = config.ideal();
        // One burst per sample, whatever the burst takes.
        group
            .warm_up_time(ideal)
            .measurement_time(ideal * 10 + Duration::from_millis(500));
        group.bench_function(config.label(), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| burst(&runtime, &sleeper, config.calls))
                    .sum()
            });
        });
    }
    group.finish();
}

/// `VmHWM` (peak resident set size) of this process, in KiB.
fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmHWM line in /proc/self/status")
}

/// The child process: one cold burst of one configuration, as a JSON line.
fn one_run(spec: &str) {
    let config = Config::from_spec(spec).unwrap_or_else(|| {
        panic!(
            "{ONE_RUN_ENV}={spec}: expected CALLS:MAX_BLOCKING_THREADS:HANDLE_LIMIT \
             (positive numbers, HANDLE_LIMIT 0 for none)"
        )
    });
    let runtime = runtime(config.max_blocking_threads);
    let sleeper = config.sleeper();
    let before = vm_hwm_kib();
    let wall = burst(&runtime, &sleeper, config.calls);
    let after = vm_hwm_kib();
    println!(
        "{{\"id\": \"{}\", \"calls\": {}, \"max_blocking_threads\": {}, \
         \"handle_limit\": {}, \"cold_wall_ms\": {:.1}, \"ideal_ms\": {}, \
         \"vm_hwm_kib_before\": {before}, \"vm_hwm_kib_after\": {after}}}",
        config.label(),
        config.calls,
        config.threads(),
        config
            .handle_limit
            .map_or_else(|| "null".to_owned(), |limit| limit.to_string()),
        wall.as_secs_f64() * 1e3,
        config.ideal().as_millis(),
    );
}

/// Runs `one_run` for every configuration, each in its own process.
fn memory_report() {
    let exe = env::current_exe().expect("the path of this bench binary");
    let mut lines = Vec::new();
    println!("\nscale: cold burst and peak memory, one process per configuration");
    for config in CONFIGS {
        let spec = config.spec();
        let output = Command::new(&exe)
            .env(ONE_RUN_ENV, &spec)
            .output()
            .expect("run this bench binary again");
        assert!(
            output.status.success(),
            "{ONE_RUN_ENV}={spec} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let line = String::from_utf8(output.stdout).unwrap().trim().to_owned();
        println!("{line}");
        lines.push(line);
    }
    support::write_json_lines("scale_memory.json", &lines);
}

fn main() {
    if let Ok(spec) = env::var(ONE_RUN_ENV) {
        one_run(&spec);
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    scale(&mut criterion);
    criterion.final_summary();
    let listing = env::args().any(|arg| arg == "--list");
    if !listing && env::var_os("ASYNCIFY_SCALE_MEMORY").is_none_or(|value| value != "0") {
        memory_report();
    }
}
