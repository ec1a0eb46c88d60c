use std::fmt;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::context::ClientSlot;
use crate::offload::{Offload, OffloadMut};
use crate::unblock::unblock;

/// A clonable handle to a blocking client whose calls take turns, each with
/// `&mut T`.
///
/// For clients that are `Send` but not `Sync` (`rusqlite::Connection`) or
/// whose methods take `&mut self` (`postgres::Client`): it implements both
/// [`Offload`] and [`OffloadMut`], so every `_async` twin works on it,
/// including those of `&mut self` methods. Calls run one at a time, in the
/// order they asked (a fair async lock); the wait for a turn happens in the
/// calling task, never by parking a pool thread, and a call whose future is
/// dropped while waiting simply leaves the queue.
///
/// A call that has started holds the client until it returns, even if its
/// future is dropped; then the next call gets its turn. As with
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
    // The last `Arc` (a handle's, or a running call's turn) drops the slot,
    // which drops the client off the workers.
    shared: Arc<Mutex<ClientSlot<T>>>,
}

impl<T> Exclusive<T>
where
    T: Send + 'static,
{
    /// Wraps `client` in a handle whose calls take turns.
    pub fn new(client: T) -> Self {
        Exclusive {
            shared: Arc::new(Mutex::new(ClientSlot::new(client))),
        }
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
        // If this future holds the last `Arc`, dropping it (unpolled, or
        // while waiting) drops the slot, which releases the client off the
        // workers; after that, the turn holds it and drops on the pool.
        let shared = Arc::clone(&self.shared);
        async move {
            let mut turn = shared.lock_owned().await;
            unblock(move || f(&mut turn)).await
        }
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
            .map(|mutex| mutex.into_inner().into_inner())
            .map_err(|shared| Exclusive { shared })
    }
}

impl<T> Clone for Exclusive<T> {
    fn clone(&self) -> Self {
        Exclusive {
            shared: Arc::clone(&self.shared),
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
}
