//! Calls that take turns on a client, run back to back by the pool thread
//! that holds it: the machinery under [`Exclusive`](crate::Exclusive) (one
//! seat) and [`Pool`](crate::Pool) (one seat per client). Its type-erased
//! call ([`job`]) skips a call whose future is gone, catches its panic and
//! enters the caller's span for both; a [`Dedicated`](crate::Dedicated)
//! sends its thread a leaner call of its own (`dedicated::call`), which
//! does the same without a seat or a `oneshot`.
//!
//! A call that finds a seat free takes it to a blocking-pool thread (one
//! `spawn_blocking`, as a call on a `Handle` does). A call that arrives while
//! every seat is out joins one FIFO queue and waits in its own task; a thread
//! that holds a seat runs the queued calls one after another before it gives
//! the seat back, so that calls that queue up pay one trip to the pool
//! between them, not one each. A call whose future is dropped while it waits
//! is skipped when its turn comes, and the queue drops such calls whenever it
//! has doubled since it last did, so that it never holds more dead calls than
//! live ones for long. The thread runs at most [`BATCH`] calls
//! in a row; if more are queued then, it hands the client and the queue to a
//! new blocking task and returns, so that one busy client cannot keep a pool
//! thread from the rest of the program's blocking work (that task joins the
//! back of the pool's own queue).
//!
//! ```text
//!   state: free: [c], queue: []           (idle)
//!   call A: takes c, spawns a runner      (free: [])
//!   call B, C: queue [B, C]               (waiting in their tasks)
//!   runner: A, then B, then C, then finds the queue empty: free: [c]
//! ```
//!
//! Invariant: a seat is in `free` only when no runner holds it, and while
//! one is, the queue is empty.

use std::any::Any;
use std::collections::VecDeque;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::oneshot;

use crate::cancel::{Hook, Ticket, Watch, arm_if, arm_later};
use crate::context::OnPool;
use crate::slot::ClientSlot;
use crate::unblock::{no_runtime, shut_down_before_start};

/// How many calls one pool thread runs in a row on a client before it hands
/// the rest of the queue to a new blocking task.
pub(crate) const BATCH: usize = 64;

/// The payload of a panic, on its way to the awaiter.
pub(crate) type Payload = Box<dyn Any + Send>;

/// What a call sends back: its result, or the payload of its panic.
pub(crate) type Outcome<R> = Result<R, Payload>;

/// Where a queued call runs: a client, and what happens around each call on
/// it. An `Exclusive`'s [`ClientSlot`] just lends it; a pool's place may
/// have to make its client first, and checks or replaces it after the call.
pub(crate) trait Seat<T: ?Sized> {
    /// Whether the seat has its client (a pool's place may be empty); free
    /// seats with a client are handed out first.
    fn ready(&self) -> bool {
        true
    }

    /// The cancel hook of the client here, for a call armed before it knew
    /// where it would run ([`Arming::AtBegin`]).
    fn hook(&self) -> Option<&Arc<Hook>> {
        None
    }

    /// The client, for one call; if the seat cannot make it, the panic the
    /// call ends with instead.
    fn client(&mut self) -> Result<&mut T, Payload>;

    /// After a call on the client has ended (and a cancel hook that began for
    /// it has returned): `panicked` if it unwound.
    fn ended(&mut self, panicked: bool) {
        let _ = panicked;
    }
}

impl<T> Seat<T> for ClientSlot<T> {
    fn client(&mut self) -> Result<&mut T, Payload> {
        Ok(self)
    }
}

/// A call waiting for its turn, its types erased, run on a seat `S` that
/// lends a `T`.
pub(crate) type Job<T, S> = Box<dyn QueuedCall<T, S>>;

/// One call, in two steps, so that the last call of a run can give the seat
/// back before its future learns the result: an awaiter that then calls
/// `Exclusive::try_unwrap` finds the client there.
pub(crate) trait QueuedCall<T: ?Sized, S>: Send {
    /// Runs the call on the seat's client and keeps its outcome; does nothing
    /// if its future is gone (or, armed, was dropped before its turn).
    fn run(&mut self, seat: &mut S);
    /// Whether the call's future is gone, so that it will not run.
    fn is_gone(&self) -> bool;
    /// Sends the outcome to the call's future, if it ran.
    fn deliver(self: Box<Self>);
}

/// A [`QueuedCall`] of a call `f` with result `R`.
struct Pending<F, R> {
    f: Option<F>,
    reply: oneshot::Sender<Outcome<R>>,
    ticket: Option<Ticket>,
    outcome: Option<Outcome<R>>,
    // The caller's span, entered on the pool thread for the call.
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl<T, S, F, R> QueuedCall<T, S> for Pending<F, R>
where
    T: ?Sized,
    S: Seat<T>,
    F: FnOnce(&mut T) -> R + Send,
    R: Send,
{
    fn run(&mut self, seat: &mut S) {
        let Some(f) = self.f.take() else {
            return;
        };
        let running = match self.ticket.take() {
            Some(ticket) => match ticket.begin(Seat::<T>::hook(seat)) {
                Some(running) => Some(running),
                None => return,
            },
            None if self.reply.is_closed() => return,
            None => None,
        };
        #[cfg(feature = "tracing")]
        let _entered = self.span.enter();
        let outcome = match Seat::<T>::client(seat) {
            Ok(client) => panic::catch_unwind(AssertUnwindSafe(|| f(client))),
            Err(payload) => {
                drop(running);
                self.outcome = Some(Err(payload));
                return;
            }
        };
        // The call has ended: a hook that began for it has returned once this
        // is dropped, before the seat looks at the client or lends it again.
        drop(running);
        Seat::<T>::ended(seat, outcome.is_err());
        self.outcome = Some(outcome);
    }

    fn is_gone(&self) -> bool {
        self.f.is_none() || self.reply.is_closed()
    }

    fn deliver(self: Box<Self>) {
        let Pending { reply, outcome, .. } = *self;
        if let Some(outcome) = outcome {
            // The future may be gone; the result is then dropped here.
            let _ = reply.send(outcome);
        }
    }
}

/// How a call is armed for a cancel hook (see `cancel`).
pub(crate) enum Arming {
    /// Not at all: the handle has no hook.
    Not,
    /// With the hook of the handle's one client.
    With(Arc<Hook>),
    /// With the hook of the seat it gets, when it begins (a pool's).
    AtBegin,
}

impl From<Option<&Arc<Hook>>> for Arming {
    fn from(hook: Option<&Arc<Hook>>) -> Self {
        match hook {
            Some(hook) => Arming::With(Arc::clone(hook)),
            None => Arming::Not,
        }
    }
}

/// A call `f` made ready to wait for its turn: the job that runs it, the
/// watch its future holds (if armed: dropped before the call begins it skips
/// it, while the call runs it runs the hook; hold it until the reply came),
/// and where the outcome arrives. A job whose future is gone does not run.
pub(crate) fn job<T, S, F, R>(
    f: F,
    arming: &Arming,
) -> (Job<T, S>, Option<Watch>, oneshot::Receiver<Outcome<R>>)
where
    T: ?Sized + 'static,
    S: Seat<T> + 'static,
    F: FnOnce(&mut T) -> R + Send + 'static,
    R: Send + 'static,
{
    let (reply, outcome) = oneshot::channel();
    let (watch, ticket) = match arming {
        Arming::Not => arm_if(None),
        Arming::With(hook) => arm_if(Some(hook)),
        Arming::AtBegin => {
            let (watch, ticket) = arm_later();
            (Some(watch), Some(ticket))
        }
    };
    let job = Box::new(Pending {
        f: Some(f),
        reply,
        ticket,
        outcome: None,
        // The caller's span, entered where the call runs.
        #[cfg(feature = "tracing")]
        span: tracing::Span::current(),
    });
    (job, watch, outcome)
}

/// Seats whose calls take turns, and the calls waiting for one (not
/// `turns::Turns`, the semaphore of `Handle::with_limit`).
pub(crate) struct Lineup<T: ?Sized, S> {
    state: Mutex<State<T, S>>,
}

struct State<T: ?Sized, S> {
    // The seats no runner holds (and while there is one, `queue` is empty):
    // seats with a client at the back, where calls take them from.
    free: Vec<S>,
    queue: VecDeque<Job<T, S>>,
    // The queue's length at which it next drops the calls whose futures are
    // gone.
    prune_at: usize,
}

/// The queue length below which dead calls are only skipped, not pruned.
const PRUNE_FROM: usize = 64;

/// A snapshot of a lineup, for `Pool::status`.
pub(crate) struct Counts {
    /// Free seats with a client.
    pub(crate) ready: usize,
    /// Free seats without one.
    pub(crate) empty: usize,
    /// Queued calls whose futures are still there.
    pub(crate) waiting: usize,
}

impl<T, S> Lineup<T, S>
where
    T: ?Sized + 'static,
    S: Seat<T> + Send + 'static,
{
    pub(crate) fn new(seats: Vec<S>) -> Self {
        Lineup {
            state: Mutex::new(State {
                free: seats,
                queue: VecDeque::new(),
                prune_at: PRUNE_FROM,
            }),
        }
    }

    /// Runs `f` on a seat's client when it is this call's turn. Lazy:
    /// nothing happens before the first poll. Armed (see `cancel`), dropped
    /// before its turn it does not run, dropped while it runs the hook
    /// interrupts it. Its panics name `name`, the twin, if any.
    pub(crate) fn call<F, R>(
        self: &Arc<Self>,
        name: Option<&'static str>,
        arming: Arming,
        f: F,
    ) -> impl Future<Output = R> + Send + 'static + use<T, S, F, R>
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        let turns = Arc::clone(self);
        async move {
            let (job, watch, outcome) = job(f, &arming);
            // The future's `Arc` goes to the runner (or is dropped, queued).
            turns.start_or_queue(name, job);
            // Dropped after the reply came (or with this future): dropping it
            // first would read as "cancelled while running".
            let _watch = watch;
            match outcome.await {
                Ok(Ok(value)) => value,
                Ok(Err(payload)) => panic::resume_unwind(payload),
                // The job was dropped unrun: the runtime shut down.
                Err(error) => shut_down_before_start(name, &error),
            }
        }
    }

    /// Takes a free seat to the pool with `job` if there is one, or queues
    /// `job` behind the calls that wait for one (polled outside a runtime,
    /// it panics naming `name`).
    fn start_or_queue(self: Arc<Self>, name: Option<&'static str>, job: Job<T, S>) {
        let mut state = self.lock();
        if state.free.is_empty() {
            return state.push(job);
        }
        // Checked before the seat leaves the state, so that a call polled
        // outside a runtime leaves everything as it was.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            drop(state);
            no_runtime(name)
        };
        let seat = state.free.pop();
        drop(state);
        let runner = Runner { turns: self, seat };
        runner.spawn(&runtime, job);
    }
}

impl<T: ?Sized, S> State<T, S> {
    fn push(&mut self, job: Job<T, S>) {
        if self.queue.len() >= self.prune_at {
            self.queue.retain(|job| !job.is_gone());
            self.prune_at = PRUNE_FROM.max(2 * self.queue.len());
        }
        self.queue.push_back(job);
    }
}

impl<T: ?Sized, S> Lineup<T, S> {
    fn lock(&self) -> MutexGuard<'_, State<T, S>> {
        // Nothing panics while the lock is held (the calls run outside it).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The free seats (all of them, when no call holds one).
    pub(crate) fn free_mut(&mut self) -> &mut Vec<S> {
        &mut self
            .state
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .free
    }

    /// The free seats (all of them, when no call holds one).
    pub(crate) fn into_free(self) -> Vec<S> {
        self.state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .free
    }

    /// A snapshot of the free seats (`ready` tells those with a client)
    /// and the calls waiting.
    pub(crate) fn counts(&self, ready: impl Fn(&S) -> bool) -> Counts {
        let state = self.lock();
        let ready = state.free.iter().filter(|seat| ready(seat)).count();
        Counts {
            ready,
            empty: state.free.len() - ready,
            waiting: state.queue.iter().filter(|job| !job.is_gone()).count(),
        }
    }
}

/// Holds a seat on a pool thread and runs the queue.
struct Runner<T, S>
where
    T: ?Sized + 'static,
    S: Seat<T> + Send + 'static,
{
    turns: Arc<Lineup<T, S>>,
    // `None` once given back.
    seat: Option<S>,
}

impl<T, S> Runner<T, S>
where
    T: ?Sized + 'static,
    S: Seat<T> + Send + 'static,
{
    /// Runs `first`, then the queue, on a blocking-pool thread. If the
    /// runtime is shutting down, the closure is dropped unrun, and `Drop`
    /// gives the seat back and drops the queue.
    fn spawn(self, runtime: &tokio::runtime::Handle, first: Job<T, S>) {
        drop(runtime.spawn_blocking(move || {
            let _on_pool = OnPool::enter();
            self.drain(first);
        }));
    }

    /// Runs `first` and the calls queued behind it, at most `BATCH` in a
    /// row; then, if more are queued, hands the seat and the queue to a new
    /// blocking task. The seat goes back to the state under the same lock
    /// that finds the queue empty, so that no call is left queued behind a
    /// free seat, and before the last call's result is sent, so that its
    /// awaiter finds the seat free.
    fn drain(mut self, first: Job<T, S>) {
        let mut job = first;
        let mut ran = 0;
        loop {
            job.run(self.seat.as_mut().expect(HELD));
            ran += 1;
            let mut state = self.turns.lock();
            let Some(next) = state.queue.pop_front() else {
                let seat = self.seat.take().expect(HELD);
                give_back(&mut state, seat);
                drop(state);
                // Its `Arc` too, before the result goes out.
                drop(self);
                return job.deliver();
            };
            drop(state);
            job.deliver();
            job = next;
            if ran == BATCH {
                // On a pool thread, the runtime is current; a new blocking
                // task joins the back of the pool's queue.
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    return self.spawn(&runtime, job);
                }
                ran = 0;
            }
        }
    }
}

/// Puts a seat back with the free ones: one with a client at the back, to be
/// handed out next, an empty one at the front.
fn give_back<T: ?Sized, S: Seat<T>>(state: &mut State<T, S>, seat: S) {
    if seat.ready() {
        state.free.push(seat);
    } else {
        state.free.insert(0, seat);
    }
}

const HELD: &str = "a runner holds its seat until it gives it back";

impl<T, S> Drop for Runner<T, S>
where
    T: ?Sized + 'static,
    S: Seat<T> + Send + 'static,
{
    /// Only when the runner did not finish: its closure was dropped unrun
    /// because the runtime is shutting down. The seat goes back to the
    /// state, and the queued calls are dropped unrun, which tells their
    /// futures so.
    fn drop(&mut self) {
        let Some(seat) = self.seat.take() else {
            return;
        };
        let mut state = self.turns.lock();
        let queue = std::mem::take(&mut state.queue);
        give_back(&mut state, seat);
        drop(state);
        drop(queue);
    }
}
