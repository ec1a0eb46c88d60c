//! A call sent to a `Dedicated`'s thread and the place where its outcome
//! waits for its future: one allocation, shared by the two, where the
//! hand-written dedicated thread (a boxed closure that answers on a Tokio
//! `oneshot`) makes two, and frees one of them on the client's thread.
//!
//! ```text
//!   future (first poll)  --- Sent::Call(Queued(Arc<Call>)) --->  thread
//!   future (pending)     <--- its outcome, then its waker -----  thread
//! ```
//!
//! The future holds the other `Arc`, so the thread knows a call whose future
//! is gone by the count alone and skips it; an armed call (a cancel hook)
//! knows it by its ticket instead. A call the thread drops unrun (it has no
//! client, its queue is dropped) wakes its future, which then panics with
//! the thread's failure.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Waker};

use crate::batch::{Outcome, Payload};
use crate::cancel::Ticket;

/// What goes down a `Dedicated` thread's channel.
pub(super) enum Sent<T> {
    /// A call whose future awaits its outcome.
    Call(Queued<T>),
    /// A closure nobody awaits, run on the client (making a cancel hook).
    Once(Box<dyn FnOnce(&mut T) + Send>),
}

impl<T> Sent<T> {
    /// Runs it on the client.
    pub(super) fn run(self, client: &mut T) {
        match self {
            Sent::Call(mut queued) => {
                if let Some(call) = queued.0.take() {
                    // The future holds the other `Arc`; without it, nobody
                    // awaits the call and it does not run.
                    if Arc::strong_count(&call) > 1 {
                        call.run(client);
                    }
                }
            }
            Sent::Once(f) => f(client),
        }
    }
}

/// A call on its way to the thread. Dropped before it ran (the thread has no
/// client, or has stopped), it tells its future so.
pub(super) struct Queued<T>(Option<Arc<dyn Run<T>>>);

impl<T> Drop for Queued<T> {
    fn drop(&mut self) {
        if let Some(call) = self.0.take() {
            call.abandon();
        }
    }
}

/// A [`Call`], its closure's type erased.
trait Run<T>: Send + Sync {
    /// Runs the call on `client` and hands its outcome to its future; does
    /// nothing if the future (armed: its watch) was dropped before.
    fn run(&self, client: &mut T);
    /// The call will not run: wakes its future to say so.
    fn abandon(&self);
}

/// A call `f` with result `R`, shared by the thread and the future.
pub(super) struct Call<F, R> {
    // Taken by the thread to run it, under a lock of its own that the
    // future never takes: the thread never waits for the future there.
    job: Mutex<Option<Job<F>>>,
    state: Mutex<State<R>>,
    // The caller's span when the future was first polled, entered on the
    // thread for the call.
    #[cfg(feature = "tracing")]
    span: std::sync::OnceLock<tracing::Span>,
}

struct Job<F> {
    f: F,
    // Armed (the handle has a cancel hook): goes with the call when it runs.
    ticket: Option<Ticket>,
}

struct State<R> {
    outcome: Option<Outcome<R>>,
    // The future's, once it waited.
    waker: Option<Waker>,
    // The thread dropped the call unrun.
    abandoned: bool,
}

/// What the future finds when it looks.
pub(super) enum Found<R> {
    /// The call ran: its result, or the payload of its panic.
    Ended(Outcome<R>),
    /// The thread dropped it unrun.
    Abandoned,
    /// Not yet: the future is woken when it is.
    Pending,
}

impl<F, R> Call<F, R> {
    /// The call `f`, armed with `ticket` if any, not yet sent.
    pub(super) fn new(f: F, ticket: Option<Ticket>) -> Arc<Self> {
        Arc::new(Call {
            job: Mutex::new(Some(Job { f, ticket })),
            state: Mutex::new(State {
                outcome: None,
                waker: None,
                abandoned: false,
            }),
            #[cfg(feature = "tracing")]
            span: std::sync::OnceLock::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State<R>> {
        // Nothing that can panic runs under the lock but a waker's `clone`,
        // which leaves the state as it was.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The call, to send to the thread that runs it on a `T` (when its
    /// future is first polled; with the span current then).
    pub(super) fn queued<T>(self: &Arc<Self>) -> Sent<T>
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        #[cfg(feature = "tracing")]
        let _ = self.span.set(tracing::Span::current());
        Sent::Call(Queued(Some(Arc::clone(self) as Arc<dyn Run<T>>)))
    }

    /// Takes the outcome if the call has ended; if not, keeps `cx`'s waker
    /// to wake when it does.
    pub(super) fn poll(&self, cx: &Context<'_>) -> Found<R> {
        let mut state = self.lock();
        if let Some(outcome) = state.outcome.take() {
            return Found::Ended(outcome);
        }
        if state.abandoned {
            return Found::Abandoned;
        }
        match &mut state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Found::Pending
    }
}

impl<T, F, R> Run<T> for Call<F, R>
where
    F: FnOnce(&mut T) -> R + Send,
    R: Send,
{
    fn run(&self, client: &mut T) {
        // Nothing panics under this lock; and it is taken once.
        let job = self
            .job
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(Job { f, ticket }) = job else {
            return;
        };
        let running = match ticket {
            // `None` if its future was dropped before it began.
            Some(ticket) => match ticket.begin(None) {
                Some(running) => Some(running),
                None => return,
            },
            None => None,
        };
        let outcome: Result<R, Payload> = {
            #[cfg(feature = "tracing")]
            let _entered = self.span.get().map(tracing::Span::enter);
            panic::catch_unwind(AssertUnwindSafe(|| f(client)))
        };
        // The call has ended: a hook that began for it has returned once
        // this is dropped, before the thread lends the client to the next.
        drop(running);
        let waker = {
            let mut state = self.lock();
            state.outcome = Some(outcome);
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn abandon(&self) {
        let waker = {
            let mut state = self.lock();
            state.abandoned = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}
