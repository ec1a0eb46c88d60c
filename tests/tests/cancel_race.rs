//! The race between a call's end and its cancel: 20,000 calls with random
//! lengths and random timeouts on one `Exclusive` and on one `Dedicated`,
//! each with a counting cancel hook.
//!
//! Every hook records which call held the client when it ran. The test then
//! checks, call by call, that only calls whose future was dropped while they
//! ran were interrupted, each at most once; that no call whose future got its
//! result was interrupted (a stale cancel never reaches the next call); and
//! that the calls that finished (their result read, or dropped unread because
//! they ended before the hook could begin), the calls dropped before they
//! began, and the interrupted calls add up to the total.
//!
//! The lengths and timeouts come from a seeded PRNG; the seed is printed and
//! `ASYNCIFY_SEED=<seed>` repeats a run (the interleaving also depends on the
//! scheduler, so a run repeats its inputs, not its exact timing).

mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use asyncify::{Dedicated, Exclusive, OffloadMut};
use support::{Rng, seed};
use tokio::task::JoinSet;
use tokio::time::timeout;

const CALLS: usize = 20_000;
/// Calls in flight at once on one handle.
const IN_FLIGHT: usize = 4;
/// Longest call and longest timeout, in µs.
const MAX_SPIN_US: u64 = 200;
const MAX_TIMEOUT_US: u64 = 400;

/// What happened to each call, recorded by the call, its future and the hook.
struct Table {
    started: Vec<AtomicBool>,
    ended: Vec<AtomicBool>,
    saw_stop: Vec<AtomicBool>,
    completed: Vec<AtomicBool>,
    dropped: Vec<AtomicBool>,
    /// Whether the call had ended when its future was dropped (read just
    /// before the drop).
    ended_before_drop: Vec<AtomicBool>,
    /// The calls in the order they began on the client.
    order: Mutex<Vec<usize>>,
    /// One entry per hook: the last call to have begun on the client when
    /// the hook ran, and whether it had ended by then.
    hooks: Mutex<Vec<(Option<usize>, bool)>>,
}

fn flags(n: usize) -> Vec<AtomicBool> {
    (0..n).map(|_| AtomicBool::new(false)).collect()
}

impl Table {
    fn new(n: usize) -> Self {
        Table {
            started: flags(n),
            ended: flags(n),
            saw_stop: flags(n),
            completed: flags(n),
            dropped: flags(n),
            ended_before_drop: flags(n),
            order: Mutex::new(Vec::with_capacity(n)),
            hooks: Mutex::default(),
        }
    }
}

/// The client: its long calls stop when `stop` is raised, like
/// `sqlite3_interrupt`.
struct Racer {
    table: Arc<Table>,
    stop: Arc<AtomicBool>,
}

impl Racer {
    fn new(table: &Arc<Table>) -> Self {
        Racer {
            table: Arc::clone(table),
            stop: Arc::default(),
        }
    }

    fn spin(&mut self, id: usize, spin: Duration) -> usize {
        // A stale flag is cleared when a call begins, as SQLite does.
        self.stop.store(false, SeqCst);
        self.table.started[id].store(true, SeqCst);
        self.table.order.lock().unwrap().push(id);
        let end = Instant::now() + spin;
        let mut saw = false;
        while Instant::now() < end {
            if self.stop.swap(false, SeqCst) {
                saw = true;
                break;
            }
            std::thread::yield_now();
        }
        self.table.saw_stop[id].store(saw, SeqCst);
        self.table.ended[id].store(true, SeqCst);
        id
    }

    /// The counting hook.
    fn hook(&self) -> impl Fn() + Send + Sync + 'static + use<> {
        let (table, stop) = (Arc::clone(&self.table), Arc::clone(&self.stop));
        move || {
            let last = table.order.lock().unwrap().last().copied();
            let ended = last.is_some_and(|id| table.ended[id].load(SeqCst));
            table.hooks.lock().unwrap().push((last, ended));
            stop.store(true, SeqCst);
        }
    }
}

/// A call's future, observed: when it is dropped before completing, records
/// whether its call was running at that moment.
struct Observed<F> {
    id: usize,
    table: Arc<Table>,
    inner: Option<Pin<Box<F>>>,
    done: bool,
}

impl<F: Future> Future for Observed<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let inner = self.inner.as_mut().expect("polled after completion");
        let output = std::task::ready!(inner.as_mut().poll(cx));
        self.done = true;
        Poll::Ready(output)
    }
}

impl<F> Drop for Observed<F> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let ended_before = self.table.ended[self.id].load(SeqCst);
        self.table.ended_before_drop[self.id].store(ended_before, SeqCst);
        self.table.dropped[self.id].store(true, SeqCst);
        drop(self.inner.take());
    }
}

/// Whether the future of call `id` was dropped while the call ran: dropped
/// before the call had ended, and the call ran (so it had begun: a call whose
/// future is dropped before it begins never runs).
fn dropped_while_running(t: &Table, id: usize) -> bool {
    t.dropped[id].load(SeqCst)
        && !t.ended_before_drop[id].load(SeqCst)
        && t.started[id].load(SeqCst)
}

/// Which call each hook was for, checking that it is one whose future was
/// dropped while it ran, and that no call was hooked twice.
///
/// A hook runs after its call has begun, and before the client goes to the
/// next call. It notes the last call to have begun (by the call's own first
/// line) and whether that call had ended: if not, the hook is for that call,
/// which is still running; if so, either that call ended while its hook was
/// starting (it waits for the hook), or the hook's call has begun but not yet
/// run its first line, and is the next one in the order.
fn attribute_hooks(name: &str, t: &Table) -> Vec<bool> {
    let order = t.order.lock().unwrap();
    let mut position = vec![usize::MAX; CALLS];
    for (at, &id) in order.iter().enumerate() {
        position[id] = at;
    }
    let mut hooked = vec![false; CALLS];
    let hooks = t.hooks.lock().unwrap();
    let mut ambiguous = Vec::new();
    for &(last, ended) in hooks.iter() {
        let candidates: Vec<usize> = match last {
            None => order.first().copied().into_iter().collect(),
            Some(id) if !ended => vec![id],
            Some(id) => std::iter::once(id)
                .chain(order.get(position[id] + 1).copied())
                .collect(),
        };
        let fitting: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&id| dropped_while_running(t, id))
            .collect();
        match fitting[..] {
            [] => panic!(
                "{name}: a hook ran for none of {candidates:?}, calls whose futures were not \
                 dropped while they ran"
            ),
            [id] => {
                assert!(!hooked[id], "{name}: call {id} was hooked twice");
                hooked[id] = true;
            }
            _ => ambiguous.push(fitting),
        }
    }
    // Both candidates fit: the one not hooked yet had this hook.
    for fitting in ambiguous {
        let id = fitting
            .iter()
            .copied()
            .find(|&id| !hooked[id])
            .unwrap_or_else(|| panic!("{name}: calls {fitting:?} were hooked more than once"));
        hooked[id] = true;
    }
    assert!(
        hooks.len() == hooked.iter().filter(|&&h| h).count(),
        "{name}: hooks and hooked calls differ"
    );
    hooked
}

/// Runs the calls on `handle` and checks the table; returns the counts.
async fn race<H>(name: &str, handle: H, table: Arc<Table>, rng: &mut Rng) -> [usize; 4]
where
    H: OffloadMut<Racer> + Clone + Send + 'static,
{
    let mut set = JoinSet::new();
    for id in 0..CALLS {
        if set.len() >= IN_FLIGHT {
            set.join_next().await.unwrap().unwrap();
        }
        let spin = Duration::from_micros(rng.below(MAX_SPIN_US));
        let limit = Duration::from_micros(rng.below(MAX_TIMEOUT_US));
        let handle = handle.clone();
        let table = Arc::clone(&table);
        set.spawn(async move {
            let call = Observed {
                id,
                table: Arc::clone(&table),
                inner: Some(Box::pin(
                    handle.offload_mut(move |r: &mut Racer| r.spin(id, spin)),
                )),
                done: false,
            };
            if let Ok(returned) = timeout(limit, call).await {
                assert_eq!(returned, id, "a call got another call's result");
                table.completed[id].store(true, SeqCst);
            }
        });
    }
    while let Some(result) = set.join_next().await {
        result.unwrap();
    }
    // Let the last hooks and calls finish: a call on the handle runs after
    // every earlier one has ended.
    handle.offload_mut(|_| ()).await;

    let t = &table;
    let hooked = attribute_hooks(name, t);
    let (mut completed, mut finished_unread, mut before_start, mut interrupted) = (0, 0, 0, 0);
    for id in 0..CALLS {
        let started = t.started[id].load(SeqCst);
        let hooked = hooked[id];
        let saw_stop = t.saw_stop[id].load(SeqCst);
        assert!(
            !saw_stop || hooked,
            "{name}: call {id} saw a stop that no hook raised for it"
        );
        if t.completed[id].load(SeqCst) {
            assert!(started, "{name}: call {id} completed without running");
            assert!(!hooked, "{name}: call {id} completed, and was interrupted");
            assert!(!saw_stop, "{name}: call {id} completed, and saw a stop");
            completed += 1;
        } else {
            assert!(
                t.dropped[id].load(SeqCst),
                "{name}: call {id} neither completed nor dropped"
            );
            if !started {
                assert!(!hooked, "{name}: call {id} never ran, and was hooked");
                before_start += 1;
            } else if hooked {
                interrupted += 1;
            } else {
                // Dropped while it ran, but it ended before the hook began:
                // it finished, and its result was dropped unread.
                finished_unread += 1;
            }
        }
    }
    assert_eq!(
        completed + finished_unread + before_start + interrupted,
        CALLS,
        "{name}: the counts do not add up"
    );
    println!(
        "{name}: {CALLS} calls: {completed} completed, {finished_unread} finished after their \
         future was dropped (result dropped), {before_start} cancelled before they started, \
         {interrupted} interrupted"
    );
    [completed, finished_unread, before_start, interrupted]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancels_reach_only_the_calls_whose_futures_were_dropped_while_they_ran() {
    let seed = seed("cancel_race");
    let mut rng = Rng::new(seed);
    let deadline = Duration::from_secs(300);

    let table = Arc::new(Table::new(CALLS));
    let racer = Racer::new(&table);
    let hook = racer.hook();
    let exclusive = Exclusive::new(racer).on_cancel(move |_| hook);
    let counts = timeout(deadline, race("Exclusive", exclusive, table, &mut rng))
        .await
        .expect("the Exclusive race hung");
    assert!(
        counts[3] > 0,
        "no call was interrupted: the race did not race (seed {seed})"
    );

    let table = Arc::new(Table::new(CALLS));
    let on_thread = Arc::clone(&table);
    let dedicated = Dedicated::spawn(move || Racer::new(&on_thread)).on_cancel(Racer::hook);
    let counts = timeout(deadline, race("Dedicated", dedicated, table, &mut rng))
        .await
        .expect("the Dedicated race hung");
    assert!(
        counts[3] > 0,
        "no call was interrupted: the race did not race (seed {seed})"
    );
}
