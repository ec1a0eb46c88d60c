use std::fmt;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::context::release;
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
    // `None` only while being dropped or unwrapped.
    shared: Option<Arc<Mutex<Slot<T>>>>,
}

struct Slot<T> {
    // See `Handle`: chosen where `T: Send + 'static` is known.
    release: fn(T),
    client: T,
}

impl<T> Exclusive<T>
where
    T: Send + 'static,
{
    /// Wraps `client` in a handle whose calls take turns.
    pub fn new(client: T) -> Self {
        Exclusive {
            shared: Some(Arc::new(Mutex::new(Slot {
                release: release::<T>,
                client,
            }))),
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
        // Clone the handle (not just the `Arc`) so that a future dropped
        // unpolled still releases the client off the async workers.
        let handle = self.clone();
        async move {
            let mut turn = Arc::clone(handle.mutex()).lock_owned().await;
            unblock(move || {
                let result = f(&mut turn.client);
                drop(turn);
                drop(handle);
                result
            })
            .await
        }
    }

    fn mutex(&self) -> &Arc<Mutex<Slot<T>>> {
        self.shared
            .as_ref()
            .expect("an `Exclusive` is only empty while it is being dropped")
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
    pub fn try_unwrap(mut this: Self) -> Result<T, Self> {
        let shared = this
            .shared
            .take()
            .expect("a live `Exclusive` is never empty");
        match Arc::try_unwrap(shared) {
            Ok(mutex) => Ok(mutex.into_inner().client),
            Err(shared) => Err(Exclusive {
                shared: Some(shared),
            }),
        }
    }
}

impl<T> Clone for Exclusive<T> {
    fn clone(&self) -> Self {
        Exclusive {
            shared: self.shared.clone(),
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

impl<T> Drop for Exclusive<T> {
    fn drop(&mut self) {
        if let Some(mutex) = self.shared.take().and_then(Arc::into_inner) {
            let slot = mutex.into_inner();
            (slot.release)(slot.client);
        }
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
