use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::task::Poll;

use tokio::sync::Semaphore;

use crate::batch::{Arming, Lineup, Payload, Seat};
use crate::cancel::{self, Hook};
use crate::offload::{Offload, OffloadMut};
use crate::slot::ClientSlot;
use crate::unblock::unblock;

/// The number of clients a [`PoolBuilder`] makes unless told otherwise with
/// [`size`](PoolBuilder::size).
///
/// A fixed 4 rather than the number of cores: the calls of a pool mostly
/// wait on I/O (a database, a socket), so its useful size depends on the
/// server, not on this machine; 4 is enough to see the gain and small enough
/// not to overload a server.
pub const DEFAULT_POOL_SIZE: usize = 4;

/// A clonable, `Send + Sync` handle to `size` clients made by one factory;
/// each call runs on whichever client is free, with that client to itself.
///
/// For clients that are `Send` but not `Sync` (`rusqlite::Connection`), or
/// whose methods take `&mut self` (`postgres::Client`), when their calls
/// should run in parallel rather than take turns as on an
/// [`Exclusive`](crate::Exclusive). A call has its client to itself, so a
/// `Pool` implements both [`Offload`] and [`OffloadMut`]: every `_async`
/// twin works on it, of `&self` and `&mut self` methods, of traits
/// (through [`ClientHandle`](crate::ClientHandle)) and of remote
/// declarations, and so do [`stream`](fn@crate::stream) and
/// [`stream_mut`](crate::stream_mut) (a stream keeps its client until it ends
/// or is dropped).
///
/// - **Built** with [`Pool::builder`]: the factory makes every client on the
///   blocking pool, never on an async worker.
/// - **Waiting** for a free client happens in the calling task, in the order
///   the calls asked (the order of their first poll), with no pool thread
///   parked; a call dropped while it waits leaves the queue (it never runs).
///   A `Pool` of `n` runs at most `n` calls at once.
/// - **Queued calls cost less than one trip to the pool each**: this is the
///   queue of an [`Exclusive`](crate::Exclusive), with one seat per client.
///   The pool thread that runs a call on a client also runs the calls
///   queued for the pool when it ends, one after another, at most 64 in a
///   row (then it hands the client and the queue to a new blocking task,
///   which joins the back of the blocking pool's queue, so that a busy pool
///   cannot keep threads from the program's other blocking work). An
///   uncontended call makes one trip, as `spawn_blocking` does.
/// - **A call that panics** gives its client up, which may be in any state:
///   on the call's pool thread, the client is dropped and the factory makes a
///   replacement, then the panic resumes in the awaiting task as usual (so
///   the awaiter sees it once the pool has its `size` clients again, or an
///   empty place). If the factory fails (returns an error or panics), the
///   place stays empty; the next call that gets it runs the factory again, first, on its
///   own pool thread, and if that fails too, that call panics, in its
///   awaiting task, with the factory's error (`Debug`) and without running.
///   The pool tries again on the call after: a failing factory makes calls
///   fail, one by one, but never makes them wait forever. Free clients are
///   handed out before empty places, so a pool with one broken place keeps
///   serving from the others. [`status`](Pool::status) counts empty places.
/// - **A health check** ([`PoolBuilder::recycle`]), if set, runs after each
///   call that returned, and gives up a client that fails it, the same way.
/// - **A call whose future is dropped** after it started keeps its client
///   until it returns, unless the pool has a cancel hook
///   ([`PoolBuilder::on_cancel`]), which then interrupts it, exactly as on an
///   `Exclusive`: one hook per client.
/// - **Dropped**: when the last clone is dropped (and the calls in progress
///   have returned), every client is dropped on the blocking pool, never on
///   an async worker.
///
/// # Examples
///
/// Four SQLite connections to one database, queried in parallel:
///
/// ```
/// use asyncify::Pool;
/// use rusqlite::Connection;
///
/// # #[tokio::main]
/// # async fn main() -> rusqlite::Result<()> {
/// # let dir = std::env::temp_dir().join(format!("asyncify-pool-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("app.db");
/// let db = Pool::builder(move || Connection::open(&path)).size(4).build_async().await?;
/// db.offload(|conn| conn.execute_batch("create table if not exists t (x)")).await?;
/// let (a, b) = tokio::join!(
///     db.offload(|conn| conn.query_row("select 1", [], |row| row.get::<_, i64>(0))),
///     db.offload(|conn| conn.query_row("select 2", [], |row| row.get::<_, i64>(0))),
/// );
/// assert_eq!(a? + b?, 3);
/// # drop(db);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
///
/// With `#[asyncify]`, the twins of a `&mut self` method run on the pool:
///
/// ```
/// use asyncify::{asyncify, Pool};
///
/// pub struct Session { calls: u32 }
///
/// #[asyncify]
/// impl Session {
///     pub fn call(&mut self) -> u32 {
///         self.calls += 1;
///         self.calls
///     }
/// }
///
/// # #[tokio::main]
/// # async fn main() {
/// let sessions = Pool::builder(|| Ok::<_, std::io::Error>(Session { calls: 0 }))
///     .size(2)
///     .build_async()
///     .await
///     .unwrap();
/// let (a, b) = tokio::join!(sessions.call_async(), sessions.call_async());
/// assert!(a + b <= 3); // (1, 1) on two sessions at once, or one after the other
/// assert_eq!(sessions.status().idle, 2);
/// # }
/// ```
pub struct Pool<T> {
    // The last `Arc` (a clone's, a call's future, or a pool thread running
    // calls) drops the clients, each through its `ClientSlot`, off the
    // workers.
    shared: Arc<Lineup<T, Place<T>>>,
    size: usize,
    // Whether the pool has cancel hooks: its calls are then armed, with the
    // hook of the client they get.
    hooked: bool,
}

/// What every place of a [`Pool`] shares: how to make a client, its hook and
/// its check.
struct Config<T> {
    factory: Factory<T>,
    make_hook: Option<MakeHook<T>>,
    recycle: Option<Recycle<T>>,
}

type Factory<T> = Arc<dyn Fn() -> Result<T, String> + Send + Sync>;
type MakeHook<T> = Arc<dyn Fn(&T) -> Box<dyn Fn() + Send + Sync> + Send + Sync>;
type Recycle<T> = Arc<dyn Fn(&mut T) -> bool + Send + Sync>;

/// One client's place, the seat a call runs on: its client (`None` until the
/// factory has made one) and, on a pool with `on_cancel`, its hook (made
/// empty with the place, set from the client when the factory makes it).
struct Place<T> {
    client: Option<ClientSlot<T>>,
    hook: Option<Arc<Hook>>,
    config: Arc<Config<T>>,
}

impl<T: Send + 'static> Place<T> {
    fn empty(config: &Arc<Config<T>>) -> Self {
        Place {
            client: None,
            hook: config.make_hook.as_ref().map(|_| Hook::empty()),
            config: Arc::clone(config),
        }
    }

    /// Gives the place a client the factory made, and its hook, if the pool
    /// has one.
    fn fill(&mut self, client: T) {
        if let Some(make) = &self.config.make_hook {
            // The place's hook was made unset with it (`empty`: a call that
            // gets an empty place begins with that hook before the factory
            // runs). A place that loses its client gets a new unset hook,
            // since the old one may still be held by a hook task of the old
            // client.
            let hook = self.hook.get_or_insert_with(Hook::empty);
            cancel::make_hook(hook, &client, |client| make(client));
        }
        self.client = Some(ClientSlot::new(client));
    }

    /// Makes the client of an empty place, on the pool thread of the call
    /// that got it; a factory error (or panic) is that call's panic, and the
    /// place stays empty.
    fn make(&mut self) -> Result<(), Payload> {
        let made = panic::catch_unwind(AssertUnwindSafe(|| match (self.config.factory)() {
            Ok(client) => client,
            Err(error) => panic!(
                "`asyncify::Pool`: this call did not run: its client had been given up after a \
                 panic, and the pool's factory failed to make a new one: {error}. The pool tries \
                 the factory again on the next call that needs this client"
            ),
        }))?;
        self.fill(made);
        Ok(())
    }

    /// Runs the pool's `recycle` check, if it has one, on the client of a
    /// call that returned; a client that fails it (or whose check panics)
    /// is given up like a panicked call's.
    fn recycle(&mut self) {
        let Some(check) = self.config.recycle.clone() else {
            return;
        };
        let Some(client) = self.client.as_mut() else {
            return;
        };
        if !panic::catch_unwind(AssertUnwindSafe(|| check(client))).unwrap_or(false) {
            self.give_up();
        }
    }

    /// Drops the client of a call that panicked and runs the factory for a
    /// new one; if it fails, the place stays empty, and the next call that
    /// gets it tries again (and reports the error if it fails then).
    fn give_up(&mut self) {
        let config = Arc::clone(&self.config);
        let broken = std::mem::replace(self, Place::empty(&config));
        // A panic of the broken client's destructor stays here.
        let _ = panic::catch_unwind(AssertUnwindSafe(|| drop(broken)));
        match panic::catch_unwind(AssertUnwindSafe(|| (config.factory)())) {
            Ok(Ok(client)) => self.fill(client),
            #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
            Ok(Err(error)) => {
                #[cfg(feature = "tracing")]
                tracing::warn!(
                    %error,
                    "asyncify::Pool: the factory failed to replace a client whose call panicked; \
                     the next call that needs it tries again"
                );
            }
            #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
            Err(payload) => {
                #[cfg(feature = "tracing")]
                tracing::warn!(
                    panic = cancel::panic_message(&*payload),
                    "asyncify::Pool: the factory panicked replacing a client whose call panicked; \
                     the next call that needs it tries again"
                );
            }
        }
    }
}

impl<T: Send + 'static> Seat<T> for Place<T> {
    fn ready(&self) -> bool {
        self.client.is_some()
    }

    fn hook(&self) -> Option<&Arc<Hook>> {
        self.hook.as_ref()
    }

    fn client(&mut self) -> Result<&mut T, Payload> {
        if self.client.is_none() {
            self.make()?;
        }
        Ok(self.client.as_deref_mut().expect("made above"))
    }

    /// A call that panicked gives its client up (it may have left it in any
    /// state): the client is dropped here and the factory makes a
    /// replacement, before the panic resumes towards the awaiter and before
    /// the place takes the next call. A call that returned gets the
    /// `recycle` check.
    fn ended(&mut self, panicked: bool) {
        if panicked {
            self.give_up();
        } else {
            self.recycle();
        }
    }
}

impl<T> Pool<T>
where
    T: Send + 'static,
{
    /// A builder of a pool whose clients `factory` makes: `size` of them
    /// (by default [`DEFAULT_POOL_SIZE`]), and one more each time a call
    /// panics, to replace its client.
    ///
    /// The factory runs on the blocking pool (or, with
    /// [`build`](PoolBuilder::build), where that is called), never on an
    /// async worker, possibly on several threads at once.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = asyncify::Pool::builder(|| Ok::<_, std::io::Error>(Vec::<u8>::new()))
    ///     .build_async()
    ///     .await
    ///     .unwrap();
    /// assert_eq!(pool.status().size, asyncify::DEFAULT_POOL_SIZE);
    /// # }
    /// ```
    pub fn builder<F, E>(factory: F) -> PoolBuilder<T, E, F>
    where
        F: Fn() -> Result<T, E> + Send + Sync + 'static,
    {
        PoolBuilder {
            factory,
            size: DEFAULT_POOL_SIZE,
            make_hook: None,
            recycle: None,
            types: PhantomData,
        }
    }

    /// Runs `f` on `&T` in the blocking pool, on a free client, once one is
    /// free. This is [`Offload::offload`], callable without naming the
    /// client type.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = asyncify::Pool::builder(|| Ok::<_, String>(vec![1, 2, 3])).build_async().await.unwrap();
    /// let sum: i32 = pool.offload(|v| v.iter().sum()).await;
    /// assert_eq!(sum, 6);
    /// # }
    /// ```
    pub fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static + use<T, F, R>
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.offload_mut(move |client| f(client))
    }

    /// Runs `f` on `&mut T` in the blocking pool, on a free client, once one
    /// is free. This is [`OffloadMut::offload_mut`], callable without naming
    /// the client type.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = asyncify::Pool::builder(|| Ok::<_, String>(Vec::new())).size(1).build_async().await.unwrap();
    /// let len = pool.offload_mut(|v| { v.push("entry"); v.len() }).await;
    /// assert_eq!(len, 1);
    /// # }
    /// ```
    pub fn offload_mut<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static + use<T, F, R>
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        // The call runs on the pool thread that holds a client: the one this
        // call takes a free client to, or one that runs the calls queued
        // before it.
        self.shared.call(None, self.arming(), f)
    }

    /// How the pool's calls are armed: with the hook of the client each one
    /// gets, if the pool has hooks.
    fn arming(&self) -> Arming {
        if self.hooked {
            Arming::AtBegin
        } else {
            Arming::Not
        }
    }
}

impl<T> Pool<T> {
    /// A snapshot of the pool, for metrics: see [`PoolStatus`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = asyncify::Pool::builder(|| Ok::<_, String>(())).size(3).build_async().await.unwrap();
    /// let status = pool.status();
    /// assert_eq!((status.size, status.idle, status.waiting, status.empty), (3, 3, 0, 0));
    /// # }
    /// ```
    pub fn status(&self) -> PoolStatus {
        let counts = self.shared.counts(|place| place.client.is_some());
        PoolStatus {
            size: self.size,
            idle: counts.ready,
            waiting: counts.waiting,
            empty: counts.empty,
        }
    }

    /// How many clients the pool has (when none is being replaced): the
    /// [`size`](PoolBuilder::size) it was built with.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Whether two pools are clones of one another.
    pub fn ptr_eq(this: &Self, other: &Self) -> bool {
        Arc::ptr_eq(&this.shared, &other.shared)
    }
}

/// A snapshot of a [`Pool`], from [`Pool::status`], for metrics.
///
/// Each count is a field and a method of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct PoolStatus {
    /// The number of places, each with one client: the size the pool was
    /// built with. At most this many calls run at once.
    pub size: usize,
    /// Clients that are free now (made, and running no call).
    pub idle: usize,
    /// Calls waiting for a free client now.
    pub waiting: usize,
    /// Free places without a client: given up after a panic, with the
    /// factory's replacement failed (the next call that gets one runs the
    /// factory again). Places in use are in neither `idle` nor `empty`.
    pub empty: usize,
}

impl PoolStatus {
    /// [`PoolStatus::size`].
    pub fn size(&self) -> usize {
        self.size
    }

    /// [`PoolStatus::idle`].
    pub fn idle(&self) -> usize {
        self.idle
    }

    /// [`PoolStatus::waiting`].
    pub fn waiting(&self) -> usize {
        self.waiting
    }

    /// [`PoolStatus::empty`].
    pub fn empty(&self) -> usize {
        self.empty
    }
}

impl<T> Clone for Pool<T> {
    fn clone(&self) -> Self {
        Pool {
            shared: Arc::clone(&self.shared),
            size: self.size,
            hooked: self.hooked,
        }
    }
}

impl<T> fmt::Debug for Pool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status();
        f.debug_struct("Pool")
            .field("size", &status.size)
            .field("idle", &status.idle)
            .field("waiting", &status.waiting)
            .field("empty", &status.empty)
            .finish_non_exhaustive()
    }
}

impl<T> Offload<T> for Pool<T>
where
    T: Send + 'static,
{
    fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        Pool::offload(self, f)
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
        self.shared
            .call(Some(name), self.arming(), move |client| f(client))
    }
}

impl<T> OffloadMut<T> for Pool<T>
where
    T: Send + 'static,
{
    fn offload_mut<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        Pool::offload_mut(self, f)
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
        self.shared.call(Some(name), self.arming(), f)
    }
}

/// Builds a [`Pool`]: made by [`Pool::builder`], finished by
/// [`build_async`](PoolBuilder::build_async) (or [`build`](PoolBuilder::build)
/// outside async code).
#[must_use = "a `PoolBuilder` makes no pool until `build_async().await` or `build()`"]
pub struct PoolBuilder<T, E, F> {
    factory: F,
    size: usize,
    make_hook: Option<MakeHook<T>>,
    recycle: Option<Recycle<T>>,
    types: PhantomData<fn() -> (T, E)>,
}

impl<T, E, F> fmt::Debug for PoolBuilder<T, E, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("size", &self.size)
            .field("on_cancel", &self.make_hook.is_some())
            .field("recycle", &self.recycle.is_some())
            .finish_non_exhaustive()
    }
}

impl<T, E, F> PoolBuilder<T, E, F>
where
    T: Send + 'static,
    E: fmt::Debug + Send + 'static,
    F: Fn() -> Result<T, E> + Send + Sync + 'static,
{
    /// The number of clients, at least 1; [`DEFAULT_POOL_SIZE`] (4) if not
    /// set. At most this many calls run at once; the others wait.
    ///
    /// # Panics
    ///
    /// If `n` is 0 (no call could ever run), or larger than
    /// [`Semaphore::MAX_PERMITS`](tokio::sync::Semaphore::MAX_PERMITS).
    pub fn size(mut self, n: usize) -> Self {
        assert!(
            n > 0,
            "`asyncify::Pool::builder(..).size(0)`: a pool of 0 clients would never run a call; \
             pass at least 1 (the default is {DEFAULT_POOL_SIZE}), or use `asyncify::Exclusive` \
             for one client whose calls take turns"
        );
        assert!(
            n <= Semaphore::MAX_PERMITS,
            "`asyncify::Pool::builder(..).size({n})`: larger than \
             `tokio::sync::Semaphore::MAX_PERMITS` ({})",
            Semaphore::MAX_PERMITS
        );
        self.size = n;
        self
    }

    /// Gives every client of the pool a cancel hook, made from it by `make`:
    /// when a call's future is dropped while the call runs, the hook of the
    /// client running it is called on the blocking pool to interrupt it.
    ///
    /// The semantics are [`Exclusive::on_cancel`](crate::Exclusive::on_cancel)'s,
    /// client by client: a client runs one call at a time, so its hook
    /// interrupts only the call that was dropped, and the client goes to the
    /// next call only once that call (and a hook that began for it) has
    /// ended. `make` runs once for every client the factory makes, on the
    /// same thread, right after it, including the replacements of clients
    /// given up after a panic.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use asyncify::Pool;
    /// use rusqlite::Connection;
    ///
    /// # #[tokio::main]
    /// # async fn main() -> rusqlite::Result<()> {
    /// let db = Pool::builder(Connection::open_in_memory)
    ///     .size(2)
    ///     .on_cancel(|conn: &Connection| {
    ///         let interrupt = conn.get_interrupt_handle();
    ///         move || interrupt.interrupt()
    ///     })
    ///     .build_async()
    ///     .await?;
    /// let slow = db.offload(|conn| {
    ///     let sql = "with recursive c(x) as (select 1 union all select x + 1 from c \
    ///                where x < 1000000000) select count(*) from c";
    ///     conn.query_row(sql, [], |row| row.get::<_, i64>(0))
    /// });
    /// assert!(tokio::time::timeout(Duration::from_millis(100), slow).await.is_err());
    /// // Interrupted: both connections are free again soon.
    /// let (a, b) = tokio::join!(
    ///     db.offload(|conn| conn.execute_batch("select 1")),
    ///     db.offload(|conn| conn.execute_batch("select 1")),
    /// );
    /// a?;
    /// b?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_cancel<M, C>(mut self, make: M) -> Self
    where
        M: Fn(&T) -> C + Send + Sync + 'static,
        C: Fn() + Send + Sync + 'static,
    {
        self.make_hook = Some(Arc::new(move |client: &T| -> Box<dyn Fn() + Send + Sync> {
            Box::new(make(client))
        }));
        self
    }

    /// Checks a client after each call that returned, before it is handed
    /// out again: `check` runs on the call's pool thread, after the call,
    /// with the client; `false` (or a panic) gives the client up, as after a
    /// call that panicked (it is dropped there, and the factory makes a new
    /// one before the place takes another call). The call's result reaches
    /// its awaiter once the check (and a replacement) is done.
    ///
    /// For clients that can break without panicking: a connection the server
    /// closed, a transaction left open.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let made = std::sync::atomic::AtomicU32::new(0);
    /// let pool = asyncify::Pool::builder(move || {
    ///     Ok::<_, String>((made.fetch_add(1, std::sync::atomic::Ordering::SeqCst), 0_u32))
    /// })
    /// .size(1)
    /// .recycle(|(_, calls): &mut (u32, u32)| *calls < 2) // at most 2 calls per client
    /// .build_async()
    /// .await
    /// .unwrap();
    /// let call = |pool: &asyncify::Pool<(u32, u32)>| {
    ///     pool.offload_mut(|(id, calls)| {
    ///         *calls += 1;
    ///         *id
    ///     })
    /// };
    /// assert_eq!(call(&pool).await, 0);
    /// assert_eq!(call(&pool).await, 0);
    /// assert_eq!(call(&pool).await, 1); // a new client
    /// # }
    /// ```
    pub fn recycle<K>(mut self, check: K) -> Self
    where
        K: Fn(&mut T) -> bool + Send + Sync + 'static,
    {
        self.recycle = Some(Arc::new(check));
        self
    }

    /// Makes the clients on the blocking pool, `size` calls of the factory
    /// at once, and resolves to the pool.
    ///
    /// # Errors
    ///
    /// The factory's error, of the first client (in the order they were
    /// asked for) that it failed to make; the clients it made are dropped on
    /// the blocking pool.
    ///
    /// # Panics
    ///
    /// If the factory panics (with its payload), or when awaited outside a
    /// Tokio runtime.
    pub async fn build_async(self) -> Result<Pool<T>, E> {
        let PoolBuilder {
            factory,
            size,
            make_hook,
            recycle,
            ..
        } = self;
        let factory = Arc::new(factory);
        // Each client goes into its slot on its pool thread, so that one made
        // after an earlier one failed is still dropped there, not here.
        let mut makes: Vec<_> = (0..size)
            .map(|_| {
                let factory = Arc::clone(&factory);
                Some(unblock(move || factory().map(ClientSlot::new)))
            })
            .collect();
        let mut made: Vec<Option<Result<ClientSlot<T>, E>>> = (0..size).map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (make, result) in makes.iter_mut().zip(&mut made) {
                if let Some(future) = make {
                    match std::pin::Pin::new(future).poll(cx) {
                        Poll::Ready(output) => {
                            *result = Some(output);
                            *make = None;
                        }
                        Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        })
        .await;
        let mut clients = Vec::with_capacity(size);
        for result in made {
            clients.push(result.expect("every factory call was awaited")?);
        }
        Ok(Pool::from_clients(
            erase(factory),
            make_hook,
            recycle,
            clients.into_iter().map(ClientSlot::into_inner).collect(),
        ))
    }

    /// Makes the clients one after the other on this thread, and returns the
    /// pool. For code that is not async, and may block: `main` before a
    /// runtime starts, a plain thread, or inside
    /// [`unblock`](fn@crate::unblock) / `spawn_blocking`. Not on an async
    /// worker, which it would block while the factory runs (use
    /// [`build_async`](PoolBuilder::build_async) there).
    ///
    /// ```
    /// let pool = asyncify::Pool::builder(|| Ok::<_, String>(0_u32)).size(2).build().unwrap();
    /// assert_eq!(pool.size(), 2);
    /// ```
    ///
    /// # Errors
    ///
    /// The factory's first error; the clients it made before are dropped.
    pub fn build(self) -> Result<Pool<T>, E> {
        let clients = (0..self.size)
            .map(|_| (self.factory)())
            .collect::<Result<Vec<T>, E>>()?;
        Ok(Pool::from_clients(
            erase(Arc::new(self.factory)),
            self.make_hook,
            self.recycle,
            clients,
        ))
    }
}

/// The factory as the pool keeps it: its error as the `Debug` text a
/// failed replacement reports.
fn erase<T, E, F>(factory: Arc<F>) -> Factory<T>
where
    E: fmt::Debug,
    F: Fn() -> Result<T, E> + Send + Sync + 'static,
{
    Arc::new(move || factory().map_err(|error| format!("{error:?}")))
}

impl<T: Send + 'static> Pool<T> {
    fn from_clients(
        factory: Factory<T>,
        make_hook: Option<MakeHook<T>>,
        recycle: Option<Recycle<T>>,
        clients: Vec<T>,
    ) -> Self {
        let config = Arc::new(Config {
            factory,
            make_hook,
            recycle,
        });
        let size = clients.len();
        let places = clients
            .into_iter()
            .map(|client| {
                let mut place = Place::empty(&config);
                place.fill(client);
                place
            })
            .collect();
        Pool {
            shared: Arc::new(Lineup::new(places)),
            size,
            hooked: config.make_hook.is_some(),
        }
    }
}
