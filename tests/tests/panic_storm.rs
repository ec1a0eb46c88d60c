//! A panic storm: a method that panics on every other call. Each panic must
//! reach the task that awaits that call, with that call's own payload; the
//! other calls must succeed; and the handles must stay usable afterwards.
//!
//! The storm silences the panic hook for its own payloads, and the hook is
//! process-global, so this file holds a single test (its own test binary).

use std::any::Any;
use std::future::Future;
use std::panic::{self, PanicHookInfo};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use asyncify::{Exclusive, Handle, asyncify};
use tokio::task::{JoinError, JoinSet};
use tokio::time::timeout;

/// The payload of a storm panic that carries a typed value.
#[derive(Debug, PartialEq)]
struct Boom(u64);

const STORM_MESSAGE: &str = "storm panic at call ";

/// Fails every odd call: with a typed payload or a formatted message.
#[derive(Default)]
pub struct Flaky {
    calls: AtomicU64,
    mut_calls: u64,
}

#[asyncify]
impl Flaky {
    pub fn call(&self, i: u64) -> u64 {
        self.calls.fetch_add(1, Ordering::SeqCst);
        blow_if_odd(i);
        i * 10
    }

    pub fn call_mut(&mut self, i: u64) -> u64 {
        self.mut_calls += 1;
        blow_if_odd(i);
        i * 10 + 1
    }

    pub fn totals(&self) -> (u64, u64) {
        (self.calls.load(Ordering::SeqCst), self.mut_calls)
    }
}

fn blow_if_odd(i: u64) {
    match i % 4 {
        1 => panic::panic_any(Boom(i)),
        3 => panic!("{STORM_MESSAGE}{i}"),
        _ => {}
    }
}

/// Whether `payload` is the one call `i` panicked with.
fn is_payload_of(payload: &(dyn Any + Send), i: u64) -> bool {
    match i % 4 {
        1 => payload.downcast_ref::<Boom>() == Some(&Boom(i)),
        3 => payload.downcast_ref::<String>() == Some(&format!("{STORM_MESSAGE}{i}")),
        _ => false,
    }
}

fn is_storm_payload(payload: &(dyn Any + Send)) -> bool {
    payload.is::<Boom>()
        || payload
            .downcast_ref::<String>()
            .is_some_and(|text| text.starts_with(STORM_MESSAGE))
}

type Hook = dyn Fn(&PanicHookInfo<'_>) + Send + Sync + 'static;

/// Installs a hook that counts and silences the storm's panics and passes
/// every other panic to the hook that was installed before.
fn silence_storm(silenced: Arc<AtomicU64>) -> Arc<Hook> {
    let previous: Arc<Hook> = Arc::from(panic::take_hook());
    let forward = Arc::clone(&previous);
    panic::set_hook(Box::new(move |info| {
        if is_storm_payload(info.payload()) {
            silenced.fetch_add(1, Ordering::SeqCst);
        } else {
            forward(info);
        }
    }));
    previous
}

fn restore_hook(previous: Arc<Hook>) {
    panic::set_hook(Box::new(move |info| previous(info)));
}

type Calls = JoinSet<(u64, Result<u64, JoinError>)>;

/// Running totals of the calls that succeeded and those that panicked.
#[derive(Debug, Default, PartialEq)]
struct Outcomes {
    ok: u64,
    panicked: u64,
}

impl Outcomes {
    /// Checks the outcome of call `i` against its own number: even calls
    /// return `i * 10 + offset`, odd ones panic with `i`'s payload.
    fn check(&mut self, i: u64, outcome: Result<u64, JoinError>, offset: u64) {
        match outcome {
            Ok(value) => {
                assert_eq!(i % 2, 0, "call {i} should have panicked");
                assert_eq!(value, i * 10 + offset, "call {i}");
                self.ok += 1;
            }
            Err(error) => {
                assert!(error.is_panic(), "call {i}: {error}");
                let payload = error.into_panic();
                assert!(
                    is_payload_of(&*payload, i),
                    "call {i} resumed with another payload"
                );
                self.panicked += 1;
            }
        }
    }

    /// Awaits the next call of `set` and checks it.
    async fn next(&mut self, set: &mut Calls, offset: u64) -> bool {
        let Some(joined) = set.join_next().await else {
            return false;
        };
        let (i, outcome) = joined.expect("the wrapper task itself never fails");
        self.check(i, outcome, offset);
        true
    }
}

/// Spawns call `i` in a task of its own, so that its panic ends that task and
/// comes back as that task's `JoinError`.
fn spawn_call<F>(set: &mut Calls, i: u64, future: F)
where
    F: Future<Output = u64> + Send + 'static,
{
    set.spawn(async move { (i, tokio::spawn(future).await) });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_panic_reaches_its_own_awaiter_and_the_handles_stay_usable() {
    const CALLS: u64 = 10_000;
    const IN_FLIGHT: usize = 256;
    const MUT_CALLS: u64 = 1_000;

    let silenced = Arc::new(AtomicU64::new(0));
    let previous = silence_storm(Arc::clone(&silenced));

    let handle = Handle::new(Flaky::default());
    let exclusive = Exclusive::new(Flaky::default());
    let storm = timeout(Duration::from_secs(60), async {
        let mut set = Calls::new();
        let mut shared = Outcomes::default();
        for i in 0..CALLS {
            spawn_call(&mut set, i, handle.call_async(i));
            if set.len() >= IN_FLIGHT {
                shared.next(&mut set, 0).await;
            }
        }
        while shared.next(&mut set, 0).await {}

        // `&mut self` calls on `Exclusive`: a panicking call must release
        // the client for the next one.
        let mut exclusive_outcomes = Outcomes::default();
        for i in 0..MUT_CALLS {
            spawn_call(&mut set, i, exclusive.call_mut_async(i));
        }
        while exclusive_outcomes.next(&mut set, 1).await {}
        (shared, exclusive_outcomes)
    })
    .await;
    restore_hook(previous);
    let (shared, exclusive_outcomes) = storm.expect("the storm did not finish in time");

    let half = |n| Outcomes {
        ok: n / 2,
        panicked: n / 2,
    };
    assert_eq!(shared, half(CALLS));
    assert_eq!(exclusive_outcomes, half(MUT_CALLS));
    assert_eq!(silenced.load(Ordering::SeqCst), CALLS / 2 + MUT_CALLS / 2);

    // Both handles still work, sync and async.
    assert_eq!(handle.call_async(2).await, 20);
    assert_eq!(handle.call(4), 40);
    assert_eq!(handle.totals_async().await.0, CALLS + 2);
    assert_eq!(exclusive.call_mut_async(6).await, 61);
    assert_eq!(exclusive.totals_async().await, (0, MUT_CALLS + 1));
}
