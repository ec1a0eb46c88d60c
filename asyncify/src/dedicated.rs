mod call;

use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::mpsc::{self, TryRecvError};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use crate::cancel::{self, Hook, Watch, panic_message};
use crate::offload::{Offload, OffloadMut};
use call::{Call, Found, Sent};

/// A clonable handle to a client that lives on a thread of its own: every
/// call is sent to that thread and runs there, one at a time, in order.
///
/// For clients that must stay on one thread: `!Send` types (an `Rc` or a
/// `RefCell` inside), clients that keep state in thread-locals, C libraries
/// with thread affinity. [`Dedicated::spawn`] starts a named OS thread, builds
/// the client there with the factory you pass, and keeps it there until the
/// last handle is dropped; the client itself never crosses a thread, so `T`
/// need not be `Send` or `Sync`. Only the factory, the calls' closures (with
/// their arguments) and their results do. The handle is `Clone + Send + Sync`
/// whatever `T` is, and implements [`Offload`] and [`OffloadMut`], so every
/// `_async` twin works on it, including those of `&mut self` methods.
///
/// - **In order**: calls run one at a time, in the order their futures were
///   first polled (a FIFO channel to the thread).
/// - **Lazy**: nothing is sent to the thread before the future is first
///   polled; a call whose future is dropped before the thread gets to it is
///   skipped. A call that has started runs to completion, unless the handle
///   has a cancel hook ([`on_cancel`](Dedicated::on_cancel)).
/// - **Any executor**: the thread is not Tokio's, and the futures need no
///   Tokio runtime: they can be awaited on any executor, or with a plain
///   `block_on`.
/// - **Tracing**: with the `tracing` feature, the span that is current when a
///   call's future is first polled is entered on the thread for that call.
/// - **Shutdown**: when the last handle and the last future of a call that
///   has not completed are dropped, the thread drops the client, there, and
///   exits. Dropping a handle never blocks.
/// - **Between calls**: while calls come close together (the thread's last
///   wait for one was under 20 µs), the thread, out of calls, keeps looking
///   for the next one for up to 20 µs, yielding its core to any other thread
///   that wants it, before it sleeps; a call sent meanwhile then finds it
///   awake instead of waking it. A look that finds nothing turns this off
///   until calls come that close again, so a thread whose calls are further
///   apart never does it, and it costs at most 20 µs of CPU per call. With
///   it, a call from a current-thread runtime measured 0.65× to 0.78× the
///   time of one on a hand-written dedicated thread with one task calling,
///   and 0.30× with four (BENCHMARKS.md, run 9).
///
/// # Panics
///
/// A panic inside a call is caught on the thread and resumes, with its
/// original payload, in the task that awaits that call; the thread then goes
/// on serving the next calls with the same client. This is what
/// [`Exclusive`](crate::Exclusive) and [`Handle`](crate::Handle) do too, and
/// unlike a poisoned `std::sync::Mutex`, later calls are not refused: a panic
/// is most often a bug in that call's arguments or a failed `expect`, not a
/// broken client, and refusing every later call would turn one failed request
/// into a dead service. A client that cannot be trusted after a panic should
/// say so itself (check its state at the start of each method, or rebuild it
/// in a new `Dedicated`).
///
/// If the factory panics, or the thread cannot be spawned, there is no client:
/// every call then panics in its awaiter with a message that says which
/// thread failed and why (the factory's panic message, or the OS error).
///
/// # Examples
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// use asyncify::{asyncify, Dedicated};
///
/// /// Not `Send`: it must stay on the thread that built it.
/// pub struct Session { log: Rc<RefCell<Vec<String>>> }
///
/// #[asyncify]
/// impl Session {
///     pub fn record(&mut self, line: &str) -> usize {
///         self.log.borrow_mut().push(line.to_owned());
///         self.log.borrow().len()
///     }
///
///     pub fn thread(&self) -> String {
///         std::thread::current().name().unwrap_or_default().to_owned()
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let session = Dedicated::spawn_named("session", || Session { log: Rc::default() });
/// assert_eq!(session.record_async("a").await, 1);
/// assert_eq!(tokio::spawn(session.record_async("b")).await.unwrap(), 2);
/// assert_eq!(session.thread_async().await, "session");
/// # }
/// ```
pub struct Dedicated<T> {
    shared: Arc<Shared<T>>,
    // Set by `on_cancel`, on the only handle, so that every clone has it;
    // filled in on the client's thread before it runs any call.
    cancel: Option<Arc<Hook>>,
}

struct Shared<T> {
    // The last `Sender` dropped ends the thread's loop.
    jobs: mpsc::Sender<Sent<T>>,
    status: Arc<Status>,
}

/// What a call needs to know about the thread after it was sent.
struct Status {
    name: String,
    // Set before the thread drops its end of the channel when there is no
    // client: the factory panicked or the thread could not be spawned.
    failure: OnceLock<String>,
}

impl<T: 'static> Dedicated<T> {
    /// Starts a thread, builds the client there with `factory`, and returns a
    /// handle to it.
    ///
    /// The thread is named `asyncify:` followed by the client's type name
    /// without its path (`asyncify:Connection` for a
    /// `rusqlite::Connection`); use [`Dedicated::spawn_named`] to choose the
    /// name. This returns at once: calls wait for the factory to finish on
    /// the thread.
    pub fn spawn<F>(factory: F) -> Self
    where
        F: FnOnce() -> T + Send + 'static,
    {
        Dedicated::spawn_named(default_name::<T>(), factory)
    }

    /// Like [`Dedicated::spawn`], with the thread named `name` (as shown by
    /// debuggers, panic messages and `std::thread::current().name()`).
    ///
    /// # Panics
    ///
    /// If `name` contains a NUL byte (an OS thread name cannot).
    pub fn spawn_named<F>(name: impl Into<String>, factory: F) -> Self
    where
        F: FnOnce() -> T + Send + 'static,
    {
        let name = name.into();
        assert!(
            !name.contains('\0'),
            "`asyncify::Dedicated::spawn_named({name:?}, ..)`: a thread name cannot contain a NUL \
             byte; choose another name"
        );
        let status = Arc::new(Status {
            name: name.clone(),
            failure: OnceLock::new(),
        });
        let (jobs, queue) = mpsc::channel::<Sent<T>>();
        let on_thread = Arc::clone(&status);
        let spawned = thread::Builder::new()
            .name(name)
            .spawn(move || serve(factory, &queue, &on_thread));
        if let Err(error) = spawned {
            // The closure (and with it the queue) is gone: calls fail to send
            // and read this.
            let _ = status
                .failure
                .set(format!("the thread could not be spawned ({error})"));
        }
        Dedicated {
            shared: Arc::new(Shared { jobs, status }),
            cancel: None,
        }
    }

    /// Gives the handle a cancel hook, made from the client by `make` on the
    /// client's thread, before any call runs there: when a call's future is
    /// dropped while the call runs, the hook runs on another thread (the
    /// blocking pool inside a Tokio runtime, a thread of its own elsewhere)
    /// to interrupt it, and the next call runs as soon as the interrupted one
    /// returns.
    ///
    /// The hook must be `Send + Sync` even though the client need not be:
    /// it runs on another thread while the client's thread is busy with the
    /// call. The semantics are [`Exclusive::on_cancel`](crate::Exclusive::on_cancel)'s:
    /// a call dropped before it begins is skipped and not hooked; a call
    /// dropped while it runs gets the hook once, decided under one lock with
    /// the call's end, so that a stale cancel never reaches the next call; a
    /// hook (or `make`) that panics is reported and the handle keeps working;
    /// without a hook, a dropped call runs to completion.
    ///
    /// # Panics
    ///
    /// If the handle has been cloned or has a call in flight: call it on
    /// the new handle, `Dedicated::spawn(factory).on_cancel(..)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    /// use std::sync::Arc;
    /// use std::time::Duration;
    ///
    /// /// Not `Send` (an `Rc` inside), with a flag that stops its long call.
    /// struct Solver { stop: Arc<AtomicBool>, solved: Rc<Cell<u32>> }
    ///
    /// # #[tokio::main]
    /// # async fn main() {
    /// let solver = asyncify::Dedicated::spawn(|| Solver { stop: Arc::default(), solved: Rc::default() })
    ///     .on_cancel(|solver| {
    ///         let stop = Arc::clone(&solver.stop);
    ///         move || stop.store(true, SeqCst)
    ///     });
    /// let long = solver.offload(|solver| {
    ///     solver.stop.store(false, SeqCst);
    ///     while !solver.stop.load(SeqCst) {
    ///         std::thread::sleep(Duration::from_millis(1));
    ///     }
    /// });
    /// assert!(tokio::time::timeout(Duration::from_millis(50), long).await.is_err());
    /// // The thread is free again at once.
    /// assert_eq!(solver.offload(|solver| solver.solved.get()).await, 0);
    /// # }
    /// ```
    #[must_use = "`on_cancel` returns the handle with the hook; the handle it was called on is consumed"]
    pub fn on_cancel<M, C>(mut self, make: M) -> Self
    where
        M: FnOnce(&T) -> C + Send + 'static,
        C: Fn() + Send + Sync + 'static,
    {
        let shared = Arc::get_mut(&mut self.shared).expect(
            "`asyncify::Dedicated::on_cancel`: the handle has been cloned or has a call in \
             flight; call it on the new handle, `Dedicated::spawn(factory).on_cancel(..)`",
        );
        let hook = Hook::empty();
        let on_thread = Arc::clone(&hook);
        // The first job after the factory: no call can run before it. If the
        // thread has failed, there is no client and every call fails anyway.
        let _ = shared.jobs.send(Sent::Once(Box::new(move |client: &mut T| {
            cancel::make_hook(&on_thread, client, make);
        })));
        self.cancel = Some(hook);
        self
    }

    /// Runs `f` on `&T` on the client's thread, after the calls sent before
    /// it; the future resolves to its result. This is [`Offload::offload`],
    /// callable without naming the client type (a `Dedicated<T>` is also a
    /// `Clone` client of its own, so the trait method alone would leave the
    /// closure's argument ambiguous).
    pub fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static + use<T, F, R>
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.offload_mut(move |client| f(client))
    }

    /// Runs `f` on `&mut T` on the client's thread, after the calls sent
    /// before it; the future resolves to its result. This is
    /// [`OffloadMut::offload_mut`], callable without naming the client type.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let log = asyncify::Dedicated::spawn(Vec::new);
    /// let len = log.offload_mut(|v| { v.push("entry"); v.len() }).await;
    /// assert_eq!(len, 1);
    /// # }
    /// ```
    pub fn offload_mut<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static + use<T, F, R>
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.offload_as(None, f)
    }

    /// [`offload_mut`](Dedicated::offload_mut) for the twin `name`, if any,
    /// which its panics then name.
    fn offload_as<F, R>(
        &self,
        name: Option<&'static str>,
        f: F,
    ) -> impl Future<Output = R> + Send + 'static + use<T, F, R>
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        // With a hook, the call is armed: dropping its future (the watch)
        // before the call begins skips it, while it runs hooks it.
        let (watch, ticket) = cancel::arm_if(self.cancel.as_ref());
        Reply {
            call: Call::new(f, ticket),
            shared: Some(Arc::clone(&self.shared)),
            sent: false,
            name,
            watch,
        }
    }

    /// The name of the client's thread.
    pub fn thread_name(&self) -> &str {
        &self.shared.status.name
    }
}

/// The thread's body: build the client, then run the calls until the last
/// sender is gone, then drop the client here.
fn serve<T, F>(factory: F, queue: &mpsc::Receiver<Sent<T>>, status: &Status)
where
    F: FnOnce() -> T,
{
    let mut client = match panic::catch_unwind(AssertUnwindSafe(factory)) {
        Ok(client) => client,
        Err(payload) => {
            let _ = status.failure.set(format!(
                "its factory panicked: {}",
                panic_message(&*payload)
            ));
            // Returning drops the queue: the calls in it are dropped, so
            // their awaiters wake up and read the failure.
            return;
        }
    };
    // Whether the last wait for a call was short: only then does the next
    // one spin before it sleeps.
    let mut close = false;
    loop {
        let sent = match queue.try_recv() {
            Ok(sent) => sent,
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => match wait(queue, SPIN, &mut close) {
                Some(sent) => sent,
                None => break,
            },
        };
        sent.run(&mut client);
    }
}

/// How long the client's thread, out of calls, keeps looking for the next
/// one (yielding its core to any thread that wants it) before it sleeps,
/// when calls have been coming that close together.
const SPIN: Duration = Duration::from_micros(20);

/// The next call, when none is queued, or `None` once the last sender is
/// gone. If `close` (the last wait took less than `spin`), it first looks
/// for one for up to `spin`, yielding between looks, so that a call sent
/// soon after the last one finds the thread awake instead of having to wake
/// it; then it sleeps until one comes. `close` becomes whether this wait
/// took less than `spin`: a look that finds nothing turns it off until calls
/// come close together again, so a thread whose calls are far apart never
/// spins, and one whose calls are close spends at most `spin` per call.
fn wait<T>(queue: &mpsc::Receiver<T>, spin: Duration, close: &mut bool) -> Option<T> {
    let start = Instant::now();
    while *close {
        thread::yield_now();
        match queue.try_recv() {
            Ok(sent) => return Some(sent),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => *close = start.elapsed() < spin,
        }
    }
    let sent = queue.recv().ok();
    *close = start.elapsed() < spin;
    sent
}

impl Status {
    #[cold]
    #[track_caller]
    fn fail(&self, name: Option<&'static str>) -> ! {
        let call = match name {
            Some(name) => format!("`{name}`"),
            None => "this call".to_owned(),
        };
        match self.failure.get() {
            Some(failure) => panic!(
                "`asyncify::Dedicated`: no client on thread `{}` to run {call}: {failure}; every \
                 call on this handle fails, build a new one",
                self.name
            ),
            None => panic!(
                "`asyncify::Dedicated`: the thread `{}` stopped before it ran {call}",
                self.name
            ),
        }
    }
}

/// The future of a call on a `Dedicated`: sends the call to the thread when
/// first polled, then waits for its outcome.
struct Reply<T, F, R> {
    call: Arc<Call<F, R>>,
    // Until the call has ended: the channel it goes on, and what to say if
    // no client runs it. A call that waits holds it, so the thread outlives
    // it (it exits once no handle and no unfinished call holds the channel).
    shared: Option<Arc<Shared<T>>>,
    sent: bool,
    // The twin's, which its panics name.
    name: Option<&'static str>,
    // Armed: dropped after the outcome came, or with the future (dropping it
    // first would read as "cancelled while running").
    watch: Option<Watch>,
}

impl<T, F, R> Future for Reply<T, F, R>
where
    T: 'static,
    F: FnOnce(&mut T) -> R + Send + 'static,
    R: Send + 'static,
{
    type Output = R;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let this = self.get_mut();
        let Some(shared) = &this.shared else {
            panic!("`asyncify::Dedicated`: a call's future was polled after it completed");
        };
        if !this.sent {
            this.sent = true;
            if shared.jobs.send(this.call.queued()).is_err() {
                shared.status.fail(this.name);
            }
        }
        match this.call.poll(cx) {
            Found::Pending => Poll::Pending,
            Found::Abandoned => shared.status.fail(this.name),
            Found::Ended(outcome) => {
                this.shared = None;
                this.watch = None;
                match outcome {
                    Ok(value) => Poll::Ready(value),
                    Err(payload) => panic::resume_unwind(payload),
                }
            }
        }
    }
}

/// `asyncify:` and the type's name without its path or generics.
fn default_name<T>() -> String {
    let full = std::any::type_name::<T>();
    let base = full.split('<').next().unwrap_or(full);
    let short = base.rsplit("::").next().unwrap_or(base);
    format!("asyncify:{short}")
}

impl<T> Clone for Dedicated<T> {
    fn clone(&self) -> Self {
        Dedicated {
            shared: Arc::clone(&self.shared),
            cancel: self.cancel.clone(),
        }
    }
}

impl<T> fmt::Debug for Dedicated<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dedicated")
            .field("thread", &self.shared.status.name)
            .finish_non_exhaustive()
    }
}

impl<T: 'static> Offload<T> for Dedicated<T> {
    fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        Dedicated::offload(self, f)
    }

    fn __offload_named<F, R>(
        &self,
        name: &'static str,
        f: F,
    ) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.offload_as(Some(name), move |client| f(client))
    }
}

impl<T: 'static> OffloadMut<T> for Dedicated<T> {
    fn offload_mut<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        Dedicated::offload_mut(self, f)
    }

    fn __offload_mut_named<F, R>(
        &self,
        name: &'static str,
        f: F,
    ) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.offload_as(Some(name), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A queue that gets `1` in 20 ms, and the thread that sends it, which
    /// returns its sender.
    fn sent_later() -> (mpsc::Receiver<i32>, thread::JoinHandle<mpsc::Sender<i32>>) {
        let (send, queue) = mpsc::channel();
        let sender = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            send.send(1).unwrap();
            send
        });
        (queue, sender)
    }

    #[test]
    fn a_close_wait_stays_close_and_sees_the_sender_go() {
        let (queue, sender) = sent_later();
        let mut close = true;
        assert_eq!(wait(&queue, Duration::from_secs(3600), &mut close), Some(1));
        assert!(close, "that wait took less than an hour");
        // The sender is gone: the looks say so.
        drop(sender.join().unwrap());
        assert_eq!(wait(&queue, Duration::from_secs(3600), &mut close), None);
    }

    #[test]
    fn a_wait_longer_than_the_spin_stops_the_spinning() {
        let (queue, sender) = sent_later();
        let mut close = true;
        assert_eq!(wait(&queue, Duration::ZERO, &mut close), Some(1));
        assert!(!close, "a wait of 20 ms is not shorter than no time");
        // The sender is gone: a wait that is not close sleeps in `recv`,
        // which says so at once.
        drop(sender.join().unwrap());
        assert_eq!(wait(&queue, Duration::from_secs(3600), &mut close), None);
        assert!(close, "that wait took less than an hour");
    }
}
