use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::batch::{Arming, Lineup};
use crate::cancel::{self, Hook};
use crate::offload::{Offload, OffloadMut};
use crate::slot::ClientSlot;

/// A clonable handle to a blocking client whose calls take turns, each with
/// `&mut T`.
///
/// For clients that are `Send` but not `Sync` (`rusqlite::Connection`) or
/// whose methods take `&mut self` (`postgres::Client`): it implements both
/// [`Offload`] and [`OffloadMut`], so every `_async` twin works on it,
/// including those of `&mut self` methods. Calls run one at a time, in the
/// order they asked (first come, first served); the wait for a turn happens
/// in the calling task, never by parking a pool thread, and a call whose
/// future is dropped while waiting simply leaves the queue (it never runs).
///
/// Calls that queue up cost less than one trip to the pool each: the pool
/// thread that runs a call also runs the calls that queued behind it, one
/// after another, before it gives the client back. It runs at most 64 calls
/// in a row; if more are waiting then, it hands the client and the queue to
/// a new blocking task, which joins the back of the blocking pool's queue, so
/// that one busy client cannot keep a pool thread from the program's other
/// blocking work. An uncontended call makes one trip, as `spawn_blocking`
/// does. (BENCHMARKS.md, "Calls that take turns", has the numbers.)
///
/// A call that has started holds the client until it returns, even if its
/// future is dropped; then the next call gets its turn. A handle made with
/// [`on_cancel`](Exclusive::on_cancel) interrupts such a call instead, so that
/// the next caller does not wait for a result nobody reads. As with
/// [`Handle`](crate::Handle), when the last handle is dropped on a thread of a
/// Tokio runtime the client is dropped on the blocking pool.
///
/// # Examples
///
/// ```
/// use asyncify::{asyncify, Exclusive};
///
/// pub struct Journal { lines: Vec<String> }
///
/// #[asyncify]
/// impl Journal {
///     pub fn append(&mut self, line: &str) -> usize {
///         self.lines.push(line.to_owned());
///         self.lines.len()
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let journal = Exclusive::new(Journal { lines: Vec::new() });
/// let (a, b) = tokio::join!(journal.append_async("a"), journal.append_async("b"));
/// assert_eq!(a + b, 3); // one of them went first
/// # }
/// ```
pub struct Exclusive<T> {
    // The last `Arc` (a handle's, a call's future, or the pool thread that
    // runs the calls) drops the client, off the workers.
    shared: Arc<Lineup<T, ClientSlot<T>>>,
    // Set by `on_cancel`, on the only handle, so that every clone has it.
    cancel: Option<Arc<Hook>>,
}

impl<T> Exclusive<T>
where
    T: Send + 'static,
{
    /// Wraps `client` in a handle whose calls take turns.
    pub fn new(client: T) -> Self {
        Exclusive {
            shared: Arc::new(Lineup::new(vec![ClientSlot::new(client)])),
            cancel: None,
        }
    }

    /// Gives the handle a cancel hook, made from the client by `make`: when a
    /// call's future is dropped while the call runs (a `tokio::time::timeout`
    /// that expires, a `select!` branch not taken, a cancelled request
    /// handler), the hook runs on the blocking pool to interrupt it, and the
    /// next caller gets its turn as soon as the interrupted call returns.
    ///
    /// `make` runs once, here, with the client; the hook it returns must be
    /// callable from another thread while a call holds the client, which is
    /// what clients' interrupt handles are for: rusqlite's
    /// `InterruptHandle`, postgres's `CancelToken`, a socket to shut down, a
    /// C library's cancel flag. Every clone of the handle shares the hook,
    /// and every twin uses it: of an `impl`, of a trait, of a remote
    /// declaration, and [`offload`](Exclusive::offload) /
    /// [`offload_mut`](Exclusive::offload_mut).
    ///
    /// - **Dropped before its call begins** (before its first poll, while it
    ///   waits for its turn, or before a pool thread took it): the call does
    ///   not run, and the hook is not called.
    /// - **Dropped while its call runs**: the hook runs once, on the blocking
    ///   pool (it may block: `cancel_query` opens a connection), never on the
    ///   thread that dropped the future. Whether the call is still running is
    ///   decided under one lock with the call's end: if the call returns
    ///   before the hook has begun, the hook does not run, and if the hook has
    ///   begun, the client goes to the next call only once the hook has
    ///   returned, so a stale cancel never reaches the next call.
    /// - **The interrupted call** returns (with the client's own error,
    ///   `SQLITE_INTERRUPT` say) on its pool thread, where its result is
    ///   dropped; then the next caller gets its turn.
    /// - **A hook that panics** (or a `make` that panics) does not take the
    ///   handle down: the panic is reported (to `tracing` with the `tracing`
    ///   feature on, else once to stderr), the call it tried to cancel still
    ///   returns, and later calls run as usual.
    /// - **Without a hook**, a dropped call runs to completion.
    ///
    /// A handle-wide timeout is `tokio::time::timeout` around the twin: when
    /// it expires, the future is dropped and the hook interrupts the call.
    ///
    /// # Panics
    ///
    /// If the handle has been cloned or has a call in progress: call it on
    /// the new handle, `Exclusive::new(client).on_cancel(..)`.
    ///
    /// # Examples
    ///
    /// A query that gives up after 100 ms, against SQLite (the twin is
    /// `offload`'s; a remote declaration's twins work the same way, see
    /// [Cancellation](crate#cancellation)):
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use asyncify::{Exclusive, unblock};
    /// use rusqlite::{Connection, ErrorCode};
    ///
    /// # #[tokio::main]
    /// # async fn main() -> rusqlite::Result<()> {
    /// let db = Exclusive::new(unblock(Connection::open_in_memory).await?).on_cancel(|conn| {
    ///     let interrupt = conn.get_interrupt_handle();
    ///     move || interrupt.interrupt()
    /// });
    /// let (report, reported) = std::sync::mpsc::channel();
    /// let slow = db.offload(move |conn| {
    ///     let sql = "with recursive c(x) as (select 1 union all select x + 1 from c \
    ///                where x < 1000000000) select count(*) from c";
    ///     let count = conn.query_row(sql, [], |row| row.get::<_, i64>(0));
    ///     let _ = report.send(count.map_err(|e| e.sqlite_error_code()));
    /// });
    /// assert!(tokio::time::timeout(Duration::from_millis(100), slow).await.is_err());
    /// // The next call runs at once: the query has stopped, and reported so.
    /// db.offload(|conn| conn.execute_batch("select 1")).await?;
    /// assert_eq!(reported.try_recv().unwrap(), Err(Some(ErrorCode::OperationInterrupted)));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// The same shape, with a client written here:
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    /// use std::sync::Arc;
    /// use std::time::Duration;
    ///
    /// use asyncify::{asyncify, Exclusive};
    ///
    /// /// A client whose long call stops when its flag is raised.
    /// pub struct Engine { stop: Arc<AtomicBool>, runs: u32 }
    ///
    /// #[asyncify]
    /// impl Engine {
    ///     pub fn crunch(&mut self) -> Result<u32, &'static str> {
    ///         self.stop.store(false, SeqCst);
    ///         for _ in 0..10_000 {
    ///             if self.stop.load(SeqCst) {
    ///                 return Err("interrupted");
    ///             }
    ///             std::thread::sleep(Duration::from_millis(1));
    ///         }
    ///         self.runs += 1;
    ///         Ok(self.runs)
    ///     }
    ///
    ///     pub fn runs(&self) -> u32 {
    ///         self.runs
    ///     }
    /// }
    ///
    /// # #[tokio::main]
    /// # async fn main() {
    /// let engine = Exclusive::new(Engine { stop: Arc::default(), runs: 0 }).on_cancel(|engine| {
    ///     let stop = Arc::clone(&engine.stop);
    ///     move || stop.store(true, SeqCst)
    /// });
    /// let crunch = tokio::time::timeout(Duration::from_millis(50), engine.crunch_async());
    /// assert!(crunch.await.is_err()); // timed out, and interrupted
    /// assert_eq!(engine.runs_async().await, 0); // its turn comes at once, not in 10 s
    /// # }
    /// ```
    #[must_use = "`on_cancel` returns the handle with the hook; the handle it was called on is consumed"]
    pub fn on_cancel<M, C>(mut self, make: M) -> Self
    where
        M: FnOnce(&T) -> C,
        C: Fn() + Send + Sync + 'static,
    {
        let client: &T = Arc::get_mut(&mut self.shared)
            .and_then(|shared| shared.free_mut().last_mut())
            .expect(
                "`asyncify::Exclusive::on_cancel`: the handle has been cloned or has a call in \
                 progress; call it on the new handle, `Exclusive::new(client).on_cancel(..)`",
            );
        let hook = Hook::empty();
        cancel::make_hook(&hook, client, make);
        self.cancel = Some(hook);
        self
    }

    /// Runs `f` on `&T` in the blocking pool once it is this call's turn.
    /// This is [`Offload::offload`], callable without naming the client type.
    pub fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static + use<T, F, R>
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.offload_mut(move |client| f(client))
    }

    /// Runs `f` on `&mut T` in the blocking pool once it is this call's
    /// turn. This is [`OffloadMut::offload_mut`], callable without naming the
    /// client type.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let log = asyncify::Exclusive::new(Vec::new());
    /// let len = log.offload_mut(|v| { v.push("entry"); v.len() }).await;
    /// assert_eq!(len, 1);
    /// # }
    /// ```
    pub fn offload_mut<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static + use<T, F, R>
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        // The call runs on the pool thread that holds the client: the one
        // this call takes it to, or the one running the calls queued before.
        self.shared
            .call(None, Arming::from(self.cancel.as_ref()), f)
    }
}

impl<T> Exclusive<T> {
    /// Returns the client if this is its only handle and no call holds it, or
    /// the handle back.
    ///
    /// # Errors
    ///
    /// Gives `this` back when other handles to the client exist or a call is
    /// running.
    pub fn try_unwrap(this: Self) -> Result<T, Self> {
        Arc::try_unwrap(this.shared)
            // The only `Arc`: no call holds the client.
            .map(|turns| {
                turns
                    .into_free()
                    .pop()
                    .expect("no call holds the client")
                    .into_inner()
            })
            .map_err(|shared| Exclusive {
                shared,
                cancel: this.cancel,
            })
    }
}

impl<T> Clone for Exclusive<T> {
    fn clone(&self) -> Self {
        Exclusive {
            shared: Arc::clone(&self.shared),
            cancel: self.cancel.clone(),
        }
    }
}

impl<T> From<T> for Exclusive<T>
where
    T: Send + 'static,
{
    fn from(client: T) -> Self {
        Exclusive::new(client)
    }
}

impl<T> fmt::Debug for Exclusive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exclusive").finish_non_exhaustive()
    }
}

impl<T> Offload<T> for Exclusive<T>
where
    T: Send + 'static,
{
    fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        Exclusive::offload(self, f)
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
        self.shared.call(
            Some(name),
            Arming::from(self.cancel.as_ref()),
            move |client| f(client),
        )
    }
}

impl<T> OffloadMut<T> for Exclusive<T>
where
    T: Send + 'static,
{
    fn offload_mut<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        Exclusive::offload_mut(self, f)
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
        self.shared
            .call(Some(name), Arming::from(self.cancel.as_ref()), f)
    }
}
