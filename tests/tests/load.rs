//! Load with random cancellation: many calls through one handle whose futures
//! are dropped at random points (before their first poll, after one poll,
//! while waiting for a turn, while the blocking call runs). Every call that
//! completes must return its own answer, nothing may hang, every argument and
//! result must be dropped exactly once, and `Exclusive` must never let two
//! calls in at once nor lose a wake-up.
//!
//! The cancellation points come from a seeded PRNG; the seed is printed (run
//! with `--nocapture` or see a failure's output) and `ASYNCIFY_SEED=<seed>`
//! repeats a run.

mod support;

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

use asyncify::{Exclusive, Handle, asyncify};
use support::{Rng, seed};
use tokio::task::JoinSet;
use tokio::time::timeout;

/// Generous: the whole suite takes a few seconds in a debug build.
const LIMIT: Duration = Duration::from_secs(60);

/// How a call's future is driven: to completion, or dropped at some point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cancel {
    /// Dropped before its first poll: the call must never run.
    Unpolled,
    /// Polled once, then dropped.
    AfterOnePoll,
    /// Polled until the task has yielded this many times, then dropped.
    AfterYields(u32),
    /// Dropped when the timeout expires.
    Timeout(Duration),
    /// Awaited to completion.
    Never,
}

impl Cancel {
    const KINDS: usize = 5;

    fn random(rng: &mut Rng, max_timeout_us: u64) -> Self {
        match rng.below(5) {
            0 => Cancel::Unpolled,
            1 => Cancel::AfterOnePoll,
            2 => Cancel::AfterYields(1 + u32::try_from(rng.below(16)).unwrap()),
            3 => Cancel::Timeout(Duration::from_micros(rng.below(max_timeout_us))),
            _ => Cancel::Never,
        }
    }

    fn kind(self) -> usize {
        match self {
            Cancel::Unpolled => 0,
            Cancel::AfterOnePoll => 1,
            Cancel::AfterYields(_) => 2,
            Cancel::Timeout(_) => 3,
            Cancel::Never => 4,
        }
    }

    /// Drives `future` as this mode says: its output if it completed first.
    async fn drive<F: Future>(self, future: F) -> Option<F::Output> {
        match self {
            Cancel::Unpolled => {
                drop(future);
                None
            }
            Cancel::AfterOnePoll => {
                let mut future = pin!(future);
                poll_fn(|cx| {
                    Poll::Ready(match future.as_mut().poll(cx) {
                        Poll::Ready(output) => Some(output),
                        Poll::Pending => None,
                    })
                })
                .await
            }
            Cancel::AfterYields(yields) => {
                tokio::select! {
                    biased;
                    output = future => Some(output),
                    () = yield_times(yields) => None,
                }
            }
            Cancel::Timeout(after) => timeout(after, future).await.ok(),
            Cancel::Never => Some(future.await),
        }
    }
}

async fn yield_times(n: u32) {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
}

/// Per kind of cancellation: how many calls were made and how many completed.
#[derive(Default, Debug)]
struct Tally {
    issued: [u64; Cancel::KINDS],
    completed: [u64; Cancel::KINDS],
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        for kind in 0..Cancel::KINDS {
            self.issued[kind] += other.issued[kind];
            self.completed[kind] += other.completed[kind];
        }
    }

    fn record(&mut self, mode: Cancel, completed: bool) {
        self.issued[mode.kind()] += 1;
        self.completed[mode.kind()] += u64::from(completed);
    }

    /// Checks what must hold whatever the timing: unpolled calls never
    /// complete, awaited ones always do.
    fn check(&self) {
        assert_eq!(self.completed[Cancel::Unpolled.kind()], 0, "{self:?}");
        assert_eq!(
            self.completed[Cancel::Never.kind()],
            self.issued[Cancel::Never.kind()],
            "{self:?}"
        );
        assert!(
            self.issued.iter().all(|&n| n > 0),
            "every kind of cancellation was tried: {self:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// 100,000 calls through one `Handle`.

/// Arguments and results alive right now, across the whole binary.
static LIVE: AtomicI64 = AtomicI64::new(0);

/// An argument or a result: counted while alive, and heavy enough (1 KiB)
/// that a leak of many would show in the resident set too.
#[derive(Debug)]
pub struct Payload {
    id: u64,
    text: String,
    bytes: Vec<u8>,
}

impl Payload {
    fn new(id: u64, text: String) -> Self {
        LIVE.fetch_add(1, Ordering::SeqCst);
        Payload {
            id,
            text,
            bytes: vec![fill(id); 1024],
        }
    }
}

impl Drop for Payload {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

fn fill(id: u64) -> u8 {
    id.to_le_bytes()[0]
}

/// A `Sync` client whose answer is derived from its arguments.
#[derive(Default)]
pub struct Echo {
    calls: AtomicU64,
    /// Calls that ran although their future was dropped unpolled.
    ran_unpolled: AtomicU64,
}

#[asyncify]
impl Echo {
    // The argument crosses to the pool by value on purpose.
    #[allow(clippy::needless_pass_by_value)]
    pub fn echo(&self, payload: Payload, tag: &str, spin: u32, unpolled: bool) -> Payload {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if unpolled {
            self.ran_unpolled.fetch_add(1, Ordering::SeqCst);
        }
        for _ in 0..spin {
            std::hint::spin_loop();
        }
        assert!(payload.bytes.iter().all(|&b| b == fill(payload.id)));
        let id = payload.id * 3 + 1;
        Payload::new(id, format!("{tag}/{}", payload.id))
    }
}

fn expected_reply(id: u64) -> (u64, String) {
    (id * 3 + 1, format!("call-{id}/{id}"))
}

/// `calls` calls split over `tasks` tasks, each with its own stream of
/// cancellation points.
async fn echo_load(echo: &Handle<Echo>, seed: u64, tasks: u64, calls: u64) -> Tally {
    let mut set = JoinSet::new();
    for task in 0..tasks {
        let echo = echo.clone();
        let mut rng = Rng::new(seed ^ (task + 1).wrapping_mul(0x9E37_79B9));
        set.spawn(async move {
            let mut tally = Tally::default();
            for i in 0..calls / tasks {
                let id = task * (calls / tasks) + i;
                let mode = Cancel::random(&mut rng, 300);
                let spin = u32::try_from(rng.below(2_000)).unwrap();
                let tag = format!("call-{id}");
                let future = echo.echo_async(
                    Payload::new(id, String::new()),
                    &tag,
                    spin,
                    mode == Cancel::Unpolled,
                );
                drop(tag); // the twin copied it
                let reply = mode.drive(future).await;
                if let Some(reply) = &reply {
                    assert_eq!((reply.id, reply.text.clone()), expected_reply(id));
                    assert!(reply.bytes.iter().all(|&b| b == fill(reply.id)));
                }
                tally.record(mode, reply.is_some());
            }
            tally
        });
    }
    let mut tally = Tally::default();
    while let Some(task) = set.join_next().await {
        tally.add(&task.expect("a load task failed"));
    }
    tally
}

/// Waits until every argument and result has been dropped: those of calls
/// cancelled while running are dropped on the pool when the call returns.
async fn settle() {
    let start = Instant::now();
    while LIVE.load(Ordering::SeqCst) != 0 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{} arguments or results were never dropped",
            LIVE.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The resident set size of this process, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_calls_through_one_handle_with_random_cancellation() {
    const CALLS: u64 = 100_000;
    const TASKS: u64 = 32;
    let seed = seed("handle load");
    let echo = Handle::new(Echo::default());

    let tally = timeout(LIMIT, async {
        // Warm up (pool threads, allocator arenas), then measure.
        let warm_up = echo_load(&echo, seed.rotate_left(17), TASKS, 3_200).await;
        warm_up.check();
        settle().await;
        let rss_before = rss_kib();

        let started = Instant::now();
        let tally = echo_load(&echo, seed, TASKS, CALLS).await;
        settle().await;
        let rss_after = rss_kib();
        println!(
            "{CALLS} calls in {:?}: issued {:?} (unpolled, one poll, yields, timeout, \
             awaited), completed {:?}; VmRSS {rss_before} KiB before, {rss_after} KiB after",
            started.elapsed(),
            tally.issued,
            tally.completed
        );
        tally.check();
        assert_eq!(tally.issued.iter().sum::<u64>(), CALLS);

        // A leak of even 1% of the calls' 2 KiB arguments and results would
        // be 2 MiB; the margin covers allocator and thread-stack noise.
        assert!(
            rss_after <= rss_before + 32 * 1024,
            "VmRSS grew from {rss_before} KiB to {rss_after} KiB"
        );
        let mut all = tally;
        all.add(&warm_up);
        all
    })
    .await
    .expect("the load did not finish in time: a call hangs");

    let echo = Handle::try_unwrap(echo)
        .unwrap_or_else(|_| panic!("a cancelled call kept a clone of the handle"));
    assert_eq!(echo.ran_unpolled.load(Ordering::SeqCst), 0);
    // Every mode but `Unpolled` polls the future at least once, which starts
    // the call; a started call runs to completion even when its future is
    // dropped.
    let polled = tally.issued.iter().sum::<u64>() - tally.issued[Cancel::Unpolled.kind()];
    assert_eq!(echo.calls.load(Ordering::SeqCst), polled);
    assert_eq!(LIVE.load(Ordering::SeqCst), 0);
}

// ---------------------------------------------------------------------------
// `Exclusive` under 1,000 concurrent callers.

/// A `Send`-only client that detects two calls inside it at once.
pub struct Turnstile {
    inside: AtomicBool,
    overlaps: Arc<AtomicU64>,
    passes: u64,
    // Not `Sync`, as the clients `Exclusive` is for.
    _not_sync: std::cell::Cell<()>,
}

#[asyncify]
impl Turnstile {
    pub fn pass(&mut self, id: u64, hold_us: u64) -> u64 {
        self.enter();
        self.passes += 1;
        hold(hold_us);
        self.leave();
        id * 2 + 1
    }

    pub fn look(&self, id: u64, hold_us: u64) -> u64 {
        self.enter();
        hold(hold_us);
        self.leave();
        id * 2
    }

    pub fn passes(&self) -> u64 {
        self.passes
    }
}

impl Turnstile {
    fn enter(&self) {
        if self.inside.swap(true, Ordering::SeqCst) {
            self.overlaps.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn leave(&self) {
        self.inside.store(false, Ordering::SeqCst);
    }
}

fn hold(us: u64) {
    if us > 0 {
        thread::sleep(Duration::from_micros(us));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exclusive_lets_one_of_a_thousand_cancelling_callers_in_at_a_time() {
    const CALLERS: u64 = 1_000;
    const CALLS_EACH: u64 = 4;
    let seed = seed("exclusive load");
    let overlaps = Arc::new(AtomicU64::new(0));
    let turnstile = Exclusive::new(Turnstile {
        inside: AtomicBool::new(false),
        overlaps: Arc::clone(&overlaps),
        passes: 0,
        _not_sync: std::cell::Cell::new(()),
    });

    let started = Instant::now();
    let (tally, completed_passes) = timeout(LIMIT, async {
        let barrier = Arc::new(tokio::sync::Barrier::new(usize::try_from(CALLERS).unwrap()));
        let mut set = JoinSet::new();
        for caller in 0..CALLERS {
            let turnstile = turnstile.clone();
            let barrier = Arc::clone(&barrier);
            let mut rng = Rng::new(seed ^ (caller + 1).wrapping_mul(0x9E37_79B9));
            set.spawn(async move {
                barrier.wait().await; // all callers queue up at once
                let mut tally = Tally::default();
                let mut passes = 0;
                for i in 0..CALLS_EACH {
                    let id = caller * CALLS_EACH + i;
                    // Timeouts up to 300 ms (the whole run takes about
                    // that long in a debug build): some expire in the
                    // queue, some while the call runs, some never.
                    let mode = Cancel::random(&mut rng, 300_000);
                    let hold_us = rng.below(40);
                    let completed = if rng.chance(1, 2) {
                        let answer = mode.drive(turnstile.pass_async(id, hold_us)).await;
                        if let Some(answer) = answer {
                            assert_eq!(answer, id * 2 + 1);
                            passes += 1;
                        }
                        answer.is_some()
                    } else {
                        let answer = mode.drive(turnstile.look_async(id, hold_us)).await;
                        if let Some(answer) = answer {
                            assert_eq!(answer, id * 2);
                        }
                        answer.is_some()
                    };
                    tally.record(mode, completed);
                }
                (tally, passes)
            });
        }
        let mut tally = Tally::default();
        let mut passes = 0;
        while let Some(caller) = set.join_next().await {
            let (caller_tally, caller_passes) = caller.expect("a caller failed");
            tally.add(&caller_tally);
            passes += caller_passes;
        }
        (tally, passes)
    })
    .await
    .expect("not every caller finished in time: a lost wake-up or a lock never released");
    println!(
        "{} calls from {CALLERS} callers in {:?}: issued {:?}, completed {:?}",
        CALLERS * CALLS_EACH,
        started.elapsed(),
        tally.issued,
        tally.completed
    );
    tally.check();

    // The lock was released by every call, cancelled or not.
    let passes = timeout(Duration::from_secs(10), turnstile.passes_async())
        .await
        .expect("the lock was never released");
    assert!(
        passes >= completed_passes,
        "{passes} passes ran, {completed_passes} completed"
    );
    assert_eq!(
        overlaps.load(Ordering::SeqCst),
        0,
        "two calls were inside the client at once"
    );
    let turnstile = Exclusive::try_unwrap(turnstile)
        .unwrap_or_else(|_| panic!("a cancelled call kept the client"));
    assert_eq!(turnstile.passes, passes);
}
