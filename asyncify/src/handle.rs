use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::cancel::{self, Hook, unblock_armed};
use crate::offload::Offload;
use crate::slot::ClientSlot;
use crate::turns::Turns;
use crate::unblock::unblock_as;

/// A clonable, `Send + Sync` handle to a blocking client whose calls run in
/// parallel on the blocking pool.
///
/// An `Arc<T>` underneath: cloning is a reference-count increment, every clone
/// reaches the same client, and it derefs to `&T` so the sync methods stay
/// callable. For `T: Send + Sync` (clients that take `&self` and are safe to
/// share, like most HTTP and SDK clients). For `&mut self` methods or clients
/// that are not `Sync`, use [`Exclusive`](crate::Exclusive).
///
/// When the last handle is dropped on a thread of a Tokio runtime, the client
/// is dropped on the blocking pool, never on an async worker: clients that own
/// a runtime or a connection (`reqwest::blocking::Client`, `postgres::Client`)
/// may block or panic when dropped there. Elsewhere it is dropped in place.
///
/// A handle made with [`Handle::with_limit`] runs at most `n` calls of its
/// client at once, for clients that cap their own connections (a pool of 4
/// connections gains nothing from 100 threads waiting for one).
///
/// # Examples
///
/// ```
/// use asyncify::{asyncify, Handle};
///
/// pub struct Counter(std::sync::atomic::AtomicU64);
///
/// #[asyncify]
/// impl Counter {
///     pub fn bump(&self, by: u64) -> u64 {
///         by + self.0.fetch_add(by, std::sync::atomic::Ordering::SeqCst)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let counter = Handle::new(Counter(Default::default()));
/// let other = counter.clone();
/// counter.bump_async(2).await;
/// assert_eq!(tokio::spawn(other.bump_async(3)).await.unwrap(), 5);
/// assert_eq!(counter.bump(1), 6); // sync calls still work through `Deref`
/// # }
/// ```
pub struct Handle<T> {
    // The last `Arc` drops the slot, which drops the client off the workers.
    slot: Arc<ClientSlot<T>>,
    // Shared by the clones: a call holds one turn while it is on the pool.
    limit: Option<Arc<Turns>>,
    // Set by `on_cancel`, on the only handle, so that every clone has it.
    cancel: Option<Arc<Hook>>,
}

// `SharedClient` is `Send + Sync + 'static` with a diagnostic: a client that
// is not `Sync` gets the advice to use `Exclusive` right at `Handle::new`.
impl<T> Handle<T>
where
    T: crate::__private::SharedClient,
{
    /// Wraps `client` in a handle. The client must be `Send + Sync +
    /// 'static`; for one that is only `Send`, use
    /// [`Exclusive::new`](crate::Exclusive::new).
    pub fn new(client: T) -> Self {
        Handle {
            slot: Arc::new(ClientSlot::new(client)),
            limit: None,
            cancel: None,
        }
    }

    /// Wraps `client` in a handle that runs at most `n` of its calls on the
    /// blocking pool at once; clones share the limit.
    ///
    /// The other calls wait for a free place in the calling task, not on a
    /// pool thread, and get it in the order they asked (the order of their
    /// first poll). A call that is dropped while it waits leaves the queue; a
    /// call that has started keeps its place until it returns, even if its
    /// future is dropped. Sync calls through `Deref` are not counted.
    ///
    /// This is a cap per client, below Tokio's cap for the whole pool: a
    /// runtime runs at most
    /// [`max_blocking_threads`](tokio::runtime::Builder::max_blocking_threads)
    /// blocking calls at once (512 by default) and queues the rest, whatever
    /// client they are for, with a pool thread taken by each call in
    /// progress. A limit of `n` keeps one client from taking more than `n` of
    /// those threads (a client with a pool of `n` connections, or a rate-limited
    /// API), so that a burst of calls to it does not queue the calls of every
    /// other client behind it. Calls waiting for this limit take no thread and
    /// so never count against `max_blocking_threads`.
    ///
    /// # Panics
    ///
    /// If `n` is 0 (no call could ever run), or larger than
    /// [`Semaphore::MAX_PERMITS`](tokio::sync::Semaphore::MAX_PERMITS).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    /// use std::time::Duration;
    ///
    /// #[derive(Default)]
    /// struct Api { inside: AtomicUsize, max: AtomicUsize }
    ///
    /// # #[tokio::main]
    /// # async fn main() {
    /// let api = asyncify::Handle::with_limit(Api::default(), 2);
    /// let calls = (0..10).map(|_| {
    ///     tokio::spawn(api.offload(|api: &Api| {
    ///         let inside = api.inside.fetch_add(1, SeqCst) + 1;
    ///         api.max.fetch_max(inside, SeqCst);
    ///         std::thread::sleep(Duration::from_millis(5));
    ///         api.inside.fetch_sub(1, SeqCst);
    ///     }))
    /// });
    /// for call in calls.collect::<Vec<_>>() {
    ///     call.await.unwrap();
    /// }
    /// assert!(api.max.load(SeqCst) <= 2);
    /// assert_eq!(api.limit(), Some(2));
    /// # }
    /// ```
    pub fn with_limit(client: T, n: usize) -> Self {
        assert!(
            n > 0,
            "`asyncify::Handle::with_limit(client, 0)`: a limit of 0 calls would never let a \
             call run; pass at least 1, or use `Handle::new` for no limit"
        );
        assert!(
            n <= Semaphore::MAX_PERMITS,
            "`asyncify::Handle::with_limit(client, {n})`: the limit is larger than \
             `tokio::sync::Semaphore::MAX_PERMITS` ({}); use `Handle::new` for no limit",
            Semaphore::MAX_PERMITS
        );
        Handle {
            slot: Arc::new(ClientSlot::new(client)),
            limit: Some(Turns::new(n)),
            cancel: None,
        }
    }

    /// Gives the handle a cancel hook, made from the client by `make`: when
    /// a call's future is dropped while the call runs (a
    /// `tokio::time::timeout` that expires, a `select!` branch not taken, a
    /// cancelled request handler), the hook runs on the blocking pool to
    /// interrupt it.
    ///
    /// The semantics are [`Exclusive::on_cancel`](crate::Exclusive::on_cancel)'s,
    /// with one difference: the calls of a `Handle` run in parallel, and the
    /// hook is the client's, not the call's. A hook that interrupts whatever
    /// the client is doing (`sqlite3_interrupt`, closing a socket) also
    /// interrupts the other calls running at that moment; give such a client
    /// one call at a time (`Handle::with_limit(client, 1)`, or an
    /// [`Exclusive`](crate::Exclusive)), or make a hook that cancels only the
    /// call that was dropped. Without `on_cancel`, a dropped call runs to
    /// completion.
    ///
    /// # Panics
    ///
    /// If the handle has been cloned or has a call in progress: call it on
    /// the new handle, `Handle::new(client).on_cancel(..)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    /// use std::sync::Arc;
    /// use std::time::Duration;
    ///
    /// /// A client that stops when its flag is raised from another thread.
    /// #[derive(Default)]
    /// struct Worker { stop: Arc<AtomicBool> }
    ///
    /// impl Worker {
    ///     fn work(&self) -> &'static str {
    ///         while !self.stop.load(SeqCst) {
    ///             std::thread::sleep(Duration::from_millis(1));
    ///         }
    ///         "interrupted"
    ///     }
    /// }
    ///
    /// # #[tokio::main]
    /// # async fn main() {
    /// let worker = asyncify::Handle::new(Worker::default()).on_cancel(|worker| {
    ///     let stop = Arc::clone(&worker.stop);
    ///     move || stop.store(true, SeqCst)
    /// });
    /// let call = worker.offload(|worker| worker.work());
    /// let timed_out = tokio::time::timeout(Duration::from_millis(50), call).await;
    /// assert!(timed_out.is_err()); // and the call stops soon after
    /// # }
    /// ```
    #[must_use = "`on_cancel` returns the handle with the hook; the handle it was called on is consumed"]
    pub fn on_cancel<M, C>(mut self, make: M) -> Self
    where
        M: FnOnce(&T) -> C,
        C: Fn() + Send + Sync + 'static,
    {
        let client: &T = Arc::get_mut(&mut self.slot).expect(
            "`asyncify::Handle::on_cancel`: the handle has been cloned or has a call in \
             progress; call it on the new handle, `Handle::new(client).on_cancel(..)`",
        );
        let hook = Hook::empty();
        cancel::make_hook(&hook, client, make);
        self.cancel = Some(hook);
        self
    }
}

impl<T> Handle<T> {
    /// Returns the client if this is its only handle, or the handle back.
    ///
    /// ```
    /// let handle = asyncify::Handle::new(String::from("client"));
    /// let other = handle.clone();
    /// let handle = asyncify::Handle::try_unwrap(handle).unwrap_err();
    /// drop(other);
    /// assert_eq!(asyncify::Handle::try_unwrap(handle).unwrap(), "client");
    /// ```
    ///
    /// # Errors
    ///
    /// Gives `this` back when other handles to the client exist.
    pub fn try_unwrap(this: Self) -> Result<T, Self> {
        Arc::try_unwrap(this.slot)
            .map(ClientSlot::into_inner)
            .map_err(|slot| Handle {
                slot,
                limit: this.limit,
                cancel: this.cancel,
            })
    }

    /// The most calls of this client that run at once, if the handle was
    /// made with [`Handle::with_limit`].
    ///
    /// ```
    /// assert_eq!(asyncify::Handle::new("client").limit(), None);
    /// assert_eq!(asyncify::Handle::with_limit("client", 4).limit(), Some(4));
    /// ```
    pub fn limit(&self) -> Option<usize> {
        self.limit.as_ref().map(|limit| limit.places())
    }

    /// Runs `f` on the client in the blocking pool; the future resolves to
    /// its result. This is [`Offload::offload`], callable without naming the
    /// client type (a `Handle<T>` is also a `Clone` client of its own, so the
    /// trait method alone would leave the closure's argument ambiguous).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let numbers = asyncify::Handle::new(vec![1, 2, 3]);
    /// let sum: i32 = numbers.offload(|v| v.iter().sum()).await;
    /// assert_eq!(sum, 6);
    /// # }
    /// ```
    pub fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static + use<T, F, R>
    where
        T: Send + Sync + 'static,
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.offload_as(None, f)
    }

    /// [`offload`](Handle::offload) for the twin `name`, if any, whose
    /// panics then name it.
    fn offload_as<F, R>(
        &self,
        name: Option<&'static str>,
        f: F,
    ) -> impl Future<Output = R> + Send + 'static + use<T, F, R>
    where
        T: Send + Sync + 'static,
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        // What the call needs of the handle, each cloned once: the client
        // goes to the pool, the limit and the hook stay on this thread.
        let slot = Arc::clone(&self.slot);
        let limit = self.limit.clone();
        let cancel = self.cancel.clone();
        async move {
            // Most handles have neither: the call alone goes to the pool.
            if limit.is_none() && cancel.is_none() {
                return unblock_as(name, move || f(&slot)).await;
            }
            // Waiting here, in the calling task, takes no pool thread (the
            // semaphore of `turns.rs`). The turn moves into the call and is
            // given up when it returns, even if this future is dropped
            // meanwhile.
            let permit = match limit {
                Some(limit) => Some(limit.take().await),
                None => None,
            };
            match cancel {
                None => {
                    unblock_as(name, move || {
                        let _permit = permit;
                        f(&slot)
                    })
                    .await
                }
                // The permit is released once the call (and a hook that
                // began for it) has ended.
                Some(hook) => {
                    unblock_armed(name, &hook, (slot, permit), move |(slot, _permit)| f(slot)).await
                }
            }
        }
    }

    /// Whether two handles reach the same client.
    pub fn ptr_eq(this: &Self, other: &Self) -> bool {
        Arc::ptr_eq(&this.slot, &other.slot)
    }
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        Handle {
            slot: Arc::clone(&self.slot),
            limit: self.limit.clone(),
            cancel: self.cancel.clone(),
        }
    }
}

impl<T> Deref for Handle<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.slot
    }
}

impl<T> AsRef<T> for Handle<T> {
    fn as_ref(&self) -> &T {
        self
    }
}

impl<T> From<T> for Handle<T>
where
    T: Send + Sync + 'static,
{
    fn from(client: T) -> Self {
        Handle::new(client)
    }
}

impl<T: fmt::Debug> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Handle").field(&**self).finish()
    }
}

impl<T> Offload<T> for Handle<T>
where
    T: Send + Sync + 'static,
{
    fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        Handle::offload(self, f)
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
        self.offload_as(Some(name), f)
    }
}
