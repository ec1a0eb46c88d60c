//! Cancel hooks: what reaches a blocking call when its future is dropped
//! while it runs.
//!
//! A handle made with `on_cancel` keeps one [`Hook`] per client. Each call on
//! it gets a [`Call`], a small state machine shared by the call's future (a
//! [`Watch`]) and the thread that runs the call (a [`Running`]). Every
//! decision (has the call started? has it ended? does the hook run?) is one
//! compare-and-swap on the call's phase, so that a cancel can never reach a
//! call that has ended, nor the next call on the same client, and a call
//! that is not cancelled takes no lock:
//!
//! ```text
//!              begin (thread)             end (thread)
//!   Waiting ──────────────────▶ Running ──────────────────▶ Ended
//!      │                          │                          ▲  ▲
//!      │ drop (future)            │ drop (future):           │  │ end: the call returned
//!      ▼                          ▼ a hook task is sent      │  │ before the hook began,
//!   Skipped (never runs)       Requested ────────────────────┘  │ so it is not run
//!                                 │ hook task begins            │
//!                                 ▼                             │
//!                              Hooking ──▶ Hooked ──────────────┘ end (waits while Hooking)
//! ```
//!
//! The hook runs on the blocking pool (or, outside a Tokio runtime, on a
//! thread of its own), never where the future was dropped: that is usually an
//! async worker, and hooks may block (`postgres::CancelToken::cancel_query`
//! opens a connection).

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

use crate::unblock::unblock_as;

/// The cancel hook of one client: made from the client when the handle is
/// built, run (on another thread) to interrupt the call in progress.
pub(crate) struct Hook {
    // Set once: at once by `Handle` and `Exclusive`; by `Dedicated` on the
    // client's thread, before that thread runs any call.
    run: OnceLock<Box<dyn Fn() + Send + Sync>>,
    // Whether a panic of this hook went to stderr already (without the
    // `tracing` feature, it is reported once).
    #[cfg_attr(feature = "tracing", allow(dead_code))]
    reported: AtomicBool,
}

impl Hook {
    /// A hook with nothing set yet.
    pub(crate) fn empty() -> Arc<Self> {
        Arc::new(Hook {
            run: OnceLock::new(),
            reported: AtomicBool::new(false),
        })
    }

    /// A hook that runs `run`.
    #[cfg(test)]
    pub(crate) fn new(run: impl Fn() + Send + Sync + 'static) -> Arc<Self> {
        let hook = Hook::empty();
        hook.set(run);
        hook
    }

    /// Sets what the hook runs (only the first time).
    pub(crate) fn set(&self, run: impl Fn() + Send + Sync + 'static) {
        let _ = self.run.set(Box::new(run));
    }

    /// Runs the hook, if it is set; a panic is caught and reported.
    fn fire(&self) {
        let Some(run) = self.run.get() else {
            return;
        };
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(run)) {
            self.report(&*payload);
        }
    }

    /// Reports a panic of the hook (or of the closure that makes it): to
    /// `tracing` with the feature on, else to stderr, once per hook.
    // With `tracing`, every panic is an event and `self.reported` is unused.
    #[cfg_attr(feature = "tracing", allow(clippy::unused_self))]
    pub(crate) fn report(&self, payload: &(dyn Any + Send)) {
        let message = panic_message(payload);
        #[cfg(feature = "tracing")]
        tracing::error!(
            panic = message,
            "asyncify: a cancel hook panicked; the call it was cancelling still returns, and the \
             handle keeps working"
        );
        #[cfg(not(feature = "tracing"))]
        if !self.reported.swap(true, Ordering::Relaxed) {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "asyncify: a cancel hook panicked ({message}); the call it was cancelling still \
                 returns, and the handle keeps working. Later panics of this hook are not reported."
            );
        }
    }
}

impl fmt::Debug for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hook")
            .field("set", &self.run.get().is_some())
            .finish_non_exhaustive()
    }
}

/// Where a call is; see the module's diagram. Stored in an `AtomicU8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Phase {
    Waiting,
    Skipped,
    Running,
    Requested,
    Hooking,
    Hooked,
    Ended,
}

impl Phase {
    const ALL: [Phase; 7] = [
        Phase::Waiting,
        Phase::Skipped,
        Phase::Running,
        Phase::Requested,
        Phase::Hooking,
        Phase::Hooked,
        Phase::Ended,
    ];

    fn from_u8(value: u8) -> Phase {
        Phase::ALL[usize::from(value)]
    }
}

/// One call on a client with a hook.
///
/// Every transition is one compare-and-swap on `phase`, so a call that is
/// never cancelled takes no lock: three uncontended atomic operations (begin,
/// end, and the future's drop). The lock and the condition variable are only
/// for the one wait there is: a call that ends while its hook runs waits for
/// the hook to return (`Hooking` to `Hooked`), so that the hook never
/// reaches the next call on the same client.
struct Call {
    phase: AtomicU8,
    // Held to set `Hooked` and to wait for it.
    hook_done: Mutex<()>,
    // Signalled when a hook that had begun has returned.
    hooked: Condvar,
    // Set when the call is armed, or (a pool's call, armed before it knows
    // which client it gets) by `Ticket::begin`, before the call is `Running`:
    // only a running call's hook is ever read.
    hook: OnceLock<Arc<Hook>>,
}

impl Call {
    fn phase(&self) -> Phase {
        Phase::from_u8(self.phase.load(Ordering::Acquire))
    }

    /// Moves the call from `from` to `to` if it is in `from`; otherwise
    /// returns the phase it is in.
    fn advance(&self, from: Phase, to: Phase) -> Result<(), Phase> {
        self.phase
            .compare_exchange(from as u8, to as u8, Ordering::AcqRel, Ordering::Acquire)
            .map(drop)
            .map_err(Phase::from_u8)
    }

    fn lock(&self) -> MutexGuard<'_, ()> {
        // Nothing panics while the lock is held.
        self.hook_done
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The hook task: runs the hook if the call is still running.
    fn hook_task(&self) {
        if self.advance(Phase::Requested, Phase::Hooking).is_err() {
            // The call ended before this task began: nothing to cancel.
            return;
        }
        if let Some(hook) = self.hook.get() {
            hook.fire();
        }
        // Under the lock, so that `Running::drop`, which checks the phase
        // under it before waiting, cannot miss the signal.
        let done = self.lock();
        self.phase.store(Phase::Hooked as u8, Ordering::Release);
        drop(done);
        self.hooked.notify_all();
    }
}

/// Arms a call on a client with `hook`: the [`Watch`] goes into the call's
/// future, the [`Ticket`] to the thread that will run it.
pub(crate) fn arm(hook: &Arc<Hook>) -> (Watch, Ticket) {
    arm_with(OnceLock::from(Arc::clone(hook)))
}

/// Arms a call with `hook` if the handle has one: its watch and ticket, or
/// neither (an unarmed call).
pub(crate) fn arm_if(hook: Option<&Arc<Hook>>) -> (Option<Watch>, Option<Ticket>) {
    match hook.map(arm) {
        Some((watch, ticket)) => (Some(watch), Some(ticket)),
        None => (None, None),
    }
}

/// Arms a call whose hook is known only when it begins: that of the client
/// it gets (a pool's), passed to [`Ticket::begin`].
pub(crate) fn arm_later() -> (Watch, Ticket) {
    arm_with(OnceLock::new())
}

fn arm_with(hook: OnceLock<Arc<Hook>>) -> (Watch, Ticket) {
    let call = Arc::new(Call {
        phase: AtomicU8::new(Phase::Waiting as u8),
        hook_done: Mutex::new(()),
        hooked: Condvar::new(),
        hook,
    });
    (Watch(Arc::clone(&call)), Ticket(call))
}

/// Held by the call's future: dropping it before the call has ended cancels
/// the call (skips it if it has not begun, runs the hook if it is running).
pub(crate) struct Watch(Arc<Call>);

impl Drop for Watch {
    fn drop(&mut self) {
        let call = &self.0;
        let mut from = Phase::Waiting;
        loop {
            let to = match from {
                Phase::Waiting => Phase::Skipped,
                Phase::Running => Phase::Requested,
                // Ended (the future's normal end), or already cancelled.
                _ => return,
            };
            match call.advance(from, to) {
                Ok(()) if to == Phase::Requested => return send_hook_task(Arc::clone(call)),
                Ok(()) => return,
                // The thread moved it meanwhile (began, or ended): decide again.
                Err(now) => from = now,
            }
        }
    }
}

/// Runs the hook task off the async workers: on the blocking pool, or on a
/// thread of its own outside a Tokio runtime. If neither can take it (the
/// runtime is shutting down, no thread can be started), the task is dropped
/// unrun and the call, which is not waiting for it, just runs to its end.
fn send_hook_task(call: Arc<Call>) {
    let task = move || call.hook_task();
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => drop(runtime.spawn_blocking(task)),
        Err(_) => {
            let _ = std::thread::Builder::new()
                .name("asyncify-cancel".to_owned())
                .spawn(task);
        }
    }
}

/// Goes with the call to the thread that runs it.
pub(crate) struct Ticket(Arc<Call>);

impl Ticket {
    /// Marks the call as running, or returns `None` if its future was dropped
    /// before it began (the call must then not run). A call armed with
    /// [`arm_later`] gets `hook` here, the hook of the client it runs on.
    pub(crate) fn begin(self, hook: Option<&Arc<Hook>>) -> Option<Running> {
        if let Some(hook) = hook {
            // Before `Running`, which publishes it to the future's drop.
            let _ = self.0.hook.set(Arc::clone(hook));
        }
        // Only the future's drop moves a call out of `Waiting`, to `Skipped`.
        match self.0.advance(Phase::Waiting, Phase::Running) {
            Ok(()) => Some(Running(self.0)),
            Err(_) => None,
        }
    }
}

/// Held by the thread while the call runs; dropping it (when the call
/// returns, or unwinds) ends the call: a hook that has begun is waited for,
/// one that has not will not run. Drop it before the client goes to the
/// next call.
pub(crate) struct Running(Arc<Call>);

impl Drop for Running {
    fn drop(&mut self) {
        let call = &self.0;
        let mut from = Phase::Running;
        loop {
            match from {
                // Not cancelled, or cancelled but the hook has not begun (it
                // will find `Ended` and not run), or it has returned.
                Phase::Running | Phase::Requested | Phase::Hooked => {
                    match call.advance(from, Phase::Ended) {
                        Ok(()) => return,
                        Err(now) => from = now,
                    }
                }
                Phase::Hooking => {
                    let mut done = call.lock();
                    while call.phase() == Phase::Hooking {
                        done = call
                            .hooked
                            .wait(done)
                            .unwrap_or_else(PoisonError::into_inner);
                    }
                    drop(done);
                    from = call.phase();
                }
                // No other phase follows `Running`.
                Phase::Waiting | Phase::Skipped | Phase::Ended => {
                    unreachable!("a running call is in phase {from:?}")
                }
            }
        }
    }
}

/// Runs `f(&mut held)` on the blocking pool as a call armed with `hook`.
/// `held` (the client's turn, a permit) is dropped on the pool after the call
/// has ended, so the next call gets the client only once a hook that began
/// for this one has returned. If the future is dropped before the call
/// begins, `f` does not run. Its panics name `name`, the twin, if any.
pub(crate) fn unblock_armed<K, F, R>(
    name: Option<&'static str>,
    hook: &Arc<Hook>,
    held: K,
    f: F,
) -> impl Future<Output = R> + Send + 'static + use<K, F, R>
where
    K: Send + 'static,
    F: FnOnce(&mut K) -> R + Send + 'static,
    R: Send + 'static,
{
    let (watch, ticket) = arm(hook);
    let call = unblock_as(name, move || {
        // Declared before `running`, so dropped after it, even on unwind.
        let mut held = held;
        let running = ticket.begin(None)?;
        let result = f(&mut held);
        drop(running);
        drop(held);
        Some(result)
    });
    async move {
        let _watch = watch;
        call.await
            .expect("a call is skipped only after its future is dropped")
    }
}

/// The message of a panic's payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "(a payload that is not a string)"
    }
}

/// Makes a handle's hook from its client with `make`; a panic in `make` is
/// reported like a hook's, and leaves the handle without a hook.
pub(crate) fn make_hook<T: ?Sized, M, C>(hook: &Hook, client: &T, make: M)
where
    M: FnOnce(&T) -> C,
    C: Fn() + Send + Sync + 'static,
{
    match panic::catch_unwind(AssertUnwindSafe(|| make(client))) {
        Ok(run) => hook.set(run),
        Err(payload) => hook.report(&*payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn counting() -> (Arc<Hook>, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&count);
        let hook = Hook::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        (hook, count)
    }

    #[test]
    fn dropped_before_begin_skips_and_runs_no_hook() {
        let (hook, count) = counting();
        let (watch, ticket) = arm(&hook);
        drop(watch);
        assert!(ticket.begin(None).is_none());
        assert_eq!(count.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn ended_before_drop_runs_no_hook() {
        let (hook, count) = counting();
        let (watch, ticket) = arm(&hook);
        drop(ticket.begin(None).unwrap());
        drop(watch);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(count.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn requested_but_ended_first_runs_no_hook() {
        let (hook, count) = counting();
        let (watch, ticket) = arm(&hook);
        let running = ticket.begin(None).unwrap();
        let call = Arc::clone(&watch.0);
        // Dropped as the future would be, with the hook task held back.
        call.advance(Phase::Running, Phase::Requested).unwrap();
        drop(watch);
        drop(running);
        call.hook_task();
        assert_eq!(count.load(Ordering::SeqCst), 0);
        assert_eq!(call.phase(), Phase::Ended);
    }

    #[test]
    fn a_call_that_ends_while_its_hook_runs_waits_for_the_hook() {
        let returned = Arc::new(AtomicBool::new(false));
        let (release, released) = std::sync::mpsc::channel::<()>();
        let released = Mutex::new(released);
        let flag = Arc::clone(&returned);
        let hook = Hook::new(move || {
            // Blocks until the test has seen the hook begin.
            let _ = released.lock().unwrap().recv();
            flag.store(true, Ordering::SeqCst);
        });
        let (watch, ticket) = arm(&hook);
        let running = ticket.begin(None).unwrap();
        let call = Arc::clone(&watch.0);
        // Outside a runtime, the hook task runs on a thread of its own.
        drop(watch);
        while call.phase() != Phase::Hooking {
            std::thread::yield_now();
        }
        let ender = std::thread::spawn(move || drop(running));
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(
            !ender.is_finished(),
            "the call ended while its hook was running"
        );
        release.send(()).unwrap();
        ender.join().unwrap();
        assert!(returned.load(Ordering::SeqCst));
        assert_eq!(call.phase(), Phase::Ended);
    }

    #[test]
    fn a_call_armed_later_runs_the_hook_it_began_with() {
        let (unused, unused_count) = counting();
        let (hook, count) = counting();
        let (watch, ticket) = arm_later();
        let running = ticket.begin(Some(&hook)).unwrap();
        let call = Arc::clone(&watch.0);
        // Outside a runtime, the hook task runs on a thread of its own.
        drop(watch);
        while call.phase() != Phase::Hooked {
            std::thread::yield_now();
        }
        drop(running);
        assert_eq!(count.load(Ordering::SeqCst), 1);
        // A hook passed to a call armed with one already is not used.
        let (watch, ticket) = arm(&hook);
        let running = ticket.begin(Some(&unused)).unwrap();
        let call = Arc::clone(&watch.0);
        drop(watch);
        while call.phase() != Phase::Hooked {
            std::thread::yield_now();
        }
        drop(running);
        assert_eq!(count.load(Ordering::SeqCst), 2);
        assert_eq!(unused_count.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_panicking_hook_is_caught() {
        let hook = Hook::new(|| panic!("hook failed"));
        hook.fire();
        hook.fire();
    }
}
