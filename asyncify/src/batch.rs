//! Calls that take turns on one client, run back to back by the pool thread
//! that holds it: the machinery under [`Exclusive`](crate::Exclusive). Its
//! type-erased call ([`job`]) is also what a [`Dedicated`](crate::Dedicated)
//! sends to its thread: one place that skips a call whose future is gone,
//! catches its panic and enters the caller's span.
//!
//! A call that finds the client free takes it to a blocking-pool thread (one
//! `spawn_blocking`, as a call on a `Handle` does). A call that arrives while
//! the client is out joins a FIFO queue and waits in its own task; the thread
//! that holds the client runs the queued calls one after another before it
//! gives the client back, so that calls that queue up pay one trip to the
//! pool between them, not one each. The thread runs at most [`BATCH`] calls
//! in a row; if more are queued then, it hands the client and the queue to a
//! new blocking task and returns, so that one busy client cannot keep a pool
//! thread from the rest of the program's blocking work (that task joins the
//! back of the pool's own queue).
//!
//! ```text
//!   state: client: Some(c), queue: []     (idle)
//!   call A: takes c, spawns a runner      (client: None)
//!   call B, C: queue [B, C]               (waiting in their tasks)
//!   runner: A, then B, then C, then finds the queue empty: client: Some(c)
//! ```
//!
//! Invariant: the client is in the state only when no runner holds it, and
//! then the queue is empty.

use std::any::Any;
use std::collections::VecDeque;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::oneshot;

use crate::cancel::{Hook, Ticket, Watch, arm};
use crate::context::OnPool;
use crate::slot::ClientSlot;
use crate::unblock::{no_runtime, shut_down_before_start};

/// How many calls one pool thread runs in a row on a client before it hands
/// the rest of the queue to a new blocking task.
pub(crate) const BATCH: usize = 64;

/// A call waiting for its turn, its types erased (also what a `Dedicated`
/// sends to its thread).
pub(crate) type Job<T> = Box<dyn QueuedCall<T>>;

/// One call, in two steps, so that the last call of a run can give the client
/// back before its future learns the result: an awaiter that then calls
/// `Exclusive::try_unwrap` finds the client there.
pub(crate) trait QueuedCall<T>: Send {
    /// Runs the call on `client` and keeps its outcome; does nothing if its
    /// future is gone (or, armed, was dropped before its turn).
    fn run(&mut self, client: &mut T);
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

impl<T, F, R> QueuedCall<T> for Pending<F, R>
where
    F: FnOnce(&mut T) -> R + Send,
    R: Send,
{
    fn run(&mut self, client: &mut T) {
        let Some(f) = self.f.take() else {
            return;
        };
        let running = match self.ticket.take() {
            Some(ticket) => match ticket.begin() {
                Some(running) => Some(running),
                None => return,
            },
            None if self.reply.is_closed() => return,
            None => None,
        };
        #[cfg(feature = "tracing")]
        let _entered = self.span.enter();
        self.outcome = Some(panic::catch_unwind(AssertUnwindSafe(|| f(client))));
        // The call has ended: a hook that began for it has returned once this
        // is dropped, before the client goes to the next call.
        drop(running);
    }

    fn deliver(self: Box<Self>) {
        let Pending { reply, outcome, .. } = *self;
        if let Some(outcome) = outcome {
            // The future may be gone; the result is then dropped here.
            let _ = reply.send(outcome);
        }
    }
}

/// A job that nobody awaits: runs `0` on the client, delivers nothing.
pub(crate) struct Unawaited<F>(pub(crate) Option<F>);

impl<T, F: FnOnce(&mut T) + Send> QueuedCall<T> for Unawaited<F> {
    fn run(&mut self, client: &mut T) {
        if let Some(f) = self.0.take() {
            f(client);
        }
    }

    fn deliver(self: Box<Self>) {}
}

/// What a call sends back: its result, or the payload of its panic.
pub(crate) type Outcome<R> = Result<R, Box<dyn Any + Send>>;

/// A call `f` made ready to wait for its turn: the job that runs it, the
/// watch its future holds (with a `hook`: dropped before the call begins it
/// skips it, while the call runs it runs the hook; hold it until the reply
/// came), and where the outcome arrives. A job whose future is gone does not
/// run.
pub(crate) fn job<T, F, R>(
    f: F,
    hook: Option<&Arc<Hook>>,
) -> (Job<T>, Option<Watch>, oneshot::Receiver<Outcome<R>>)
where
    F: FnOnce(&mut T) -> R + Send + 'static,
    R: Send + 'static,
{
    let (reply, outcome) = oneshot::channel();
    let (watch, ticket) = match hook {
        Some(hook) => {
            let (watch, ticket) = arm(hook);
            (Some(watch), Some(ticket))
        }
        None => (None, None),
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

/// One client whose calls take turns, and the calls waiting for it (not
/// `turns::Turns`, the semaphore of `Handle::with_limit` and `Pool`).
pub(crate) struct Lineup<T> {
    state: Mutex<State<T>>,
}

struct State<T> {
    // `Some` when no runner holds the client (and then `queue` is empty).
    client: Option<ClientSlot<T>>,
    queue: VecDeque<Job<T>>,
}

impl<T: Send + 'static> Lineup<T> {
    pub(crate) fn new(client: T) -> Self {
        Lineup {
            state: Mutex::new(State {
                client: Some(ClientSlot::new(client)),
                queue: VecDeque::new(),
            }),
        }
    }

    /// Runs `f` on the client when it is this call's turn. Lazy: nothing
    /// happens before the first poll. With a `hook`, the call is armed with
    /// it (see `cancel`): dropped before its turn it does not run, dropped
    /// while it runs the hook interrupts it. Its panics name `name`, the
    /// twin, if any.
    pub(crate) fn call<F, R>(
        self: &Arc<Self>,
        name: Option<&'static str>,
        hook: Option<&Arc<Hook>>,
        f: F,
    ) -> impl Future<Output = R> + Send + 'static + use<T, F, R>
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        let turns = Arc::clone(self);
        let hook = hook.cloned();
        async move {
            let (job, watch, outcome) = job(f, hook.as_ref());
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

    /// Takes the client to the pool with `job` if it is free, or queues
    /// `job` behind the calls that wait for it (polled outside a runtime, it
    /// panics naming `name`).
    fn start_or_queue(self: Arc<Self>, name: Option<&'static str>, job: Job<T>) {
        let mut state = self.lock();
        if state.client.is_none() {
            return state.queue.push_back(job);
        }
        // Checked before the client leaves the state, so that a call polled
        // outside a runtime leaves everything as it was.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            drop(state);
            no_runtime(name)
        };
        let client = state.client.take();
        drop(state);
        let runner = Runner {
            turns: self,
            client,
        };
        runner.spawn(&runtime, job);
    }
}

impl<T> Lineup<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Nothing panics while the lock is held (the calls run outside it).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The client, when no call holds it.
    pub(crate) fn get_mut(&mut self) -> Option<&mut T> {
        self.state
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .client
            .as_deref_mut()
    }

    /// The client, when no call holds it.
    pub(crate) fn into_inner(self) -> Option<T> {
        self.state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .client
            .map(ClientSlot::into_inner)
    }
}

/// Holds the client on a pool thread and runs the queue.
struct Runner<T: Send + 'static> {
    turns: Arc<Lineup<T>>,
    // `None` once given back.
    client: Option<ClientSlot<T>>,
}

impl<T: Send + 'static> Runner<T> {
    /// Runs `first`, then the queue, on a blocking-pool thread. If the
    /// runtime is shutting down, the closure is dropped unrun, and `Drop`
    /// gives the client back and drops the queue.
    fn spawn(self, runtime: &tokio::runtime::Handle, first: Job<T>) {
        drop(runtime.spawn_blocking(move || {
            let _on_pool = OnPool::enter();
            self.drain(first);
        }));
    }

    /// Runs `first` and the calls queued behind it, at most `BATCH` in a
    /// row; then, if more are queued, hands the client and the queue to a new
    /// blocking task. The client goes back to the state under the same lock
    /// that finds the queue empty, so that no call is left queued behind a
    /// free client, and before the last call's result is sent, so that its
    /// awaiter finds the client free.
    fn drain(mut self, first: Job<T>) {
        let mut job = first;
        let mut ran = 0;
        loop {
            job.run(self.client.as_deref_mut().expect(HELD));
            ran += 1;
            let mut state = self.turns.lock();
            let Some(next) = state.queue.pop_front() else {
                state.client = self.client.take();
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

const HELD: &str = "a runner holds the client until it gives it back";

impl<T: Send + 'static> Drop for Runner<T> {
    /// Only when the runner did not finish: its closure was dropped unrun
    /// because the runtime is shutting down. The client goes back to the
    /// state, and the queued calls are dropped unrun, which tells their
    /// futures so.
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        let mut state = self.turns.lock();
        state.client = Some(client);
        let queue = std::mem::take(&mut state.queue);
        drop(state);
        drop(queue);
    }
}
