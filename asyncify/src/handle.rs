use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use crate::context::ClientSlot;
use crate::offload::Offload;
use crate::unblock::unblock;

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
}

impl<T> Handle<T>
where
    T: Send + Sync + 'static,
{
    /// Wraps `client` in a handle.
    pub fn new(client: T) -> Self {
        Handle {
            slot: Arc::new(ClientSlot::new(client)),
        }
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
            .map_err(|slot| Handle { slot })
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
        let handle = self.clone();
        unblock(move || f(&handle))
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
}
