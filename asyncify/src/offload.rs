use std::future::Future;
use std::sync::Arc;

use crate::slot::ClientSlot;
use crate::unblock::{unblock, unblock_as};

/// A handle that can run calls on a `T` in the blocking pool: "run this
/// closure on `&T` on another thread and give me its result".
///
/// Every method of a generated `…Async` trait is implemented for every
/// `H: Offload<T>`, so this capability is all a handle needs. Implemented by:
///
/// | handle | for | calls |
/// |---|---|---|
/// | [`Handle<T>`](crate::Handle) | `T: Send + Sync` | run in parallel |
/// | [`Handle::with_limit`](crate::Handle::with_limit) | `T: Send + Sync` | in parallel, at most `n` at once |
/// | [`Exclusive<T>`](crate::Exclusive) | `T: Send` | take turns (also [`OffloadMut`]) |
/// | [`Pool<T>`](crate::Pool) | `T: Send` | in parallel, each on a free client of `size` (also [`OffloadMut`]) |
/// | [`Dedicated<T>`](crate::Dedicated) | any `T` (need not be `Send`) | take turns on the client's own thread (also [`OffloadMut`]) |
/// | `T` itself | `T: Clone + Send` | each call runs on its own clone |
/// | [`Arc<T>`] | `T: Send + Sync` | run in parallel |
///
/// Implement it for your own handle (a pool of your own, say) and every
/// generated `_async` method works on it.
///
/// A handle is usually `Clone` too, and so also an `Offload` of itself: where
/// the client type is not known from context, call the handle's inherent
/// `offload` ([`Handle::offload`](crate::Handle::offload)) or name the
/// closure's argument type (`|client: &Client| ..`).
///
/// # Examples
///
/// ```
/// use asyncify::{Handle, Offload};
///
/// // Generic code over any handle to a `Vec<i32>`.
/// async fn total<H: Offload<Vec<i32>>>(numbers: &H) -> i32 {
///     numbers.offload(|v| v.iter().sum()).await
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert_eq!(total(&Handle::new(vec![1, 2, 3])).await, 6);
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a handle that can run `{T}` calls on the blocking pool",
    label = "`{Self}` does not implement `Offload<{T}>`",
    note = "wrap the client in a handle: `asyncify::Handle::new(client)` if `{T}` is `Sync`, \
            `asyncify::Exclusive::new(client)` if it is only `Send`, \
            `asyncify::Dedicated::spawn(|| client)` if it must stay on one thread; a client \
            that is `Clone + Send` needs no handle"
)]
pub trait Offload<T: ?Sized> {
    /// Runs `f` on `&T` in the blocking pool (or, for a
    /// [`Dedicated`](crate::Dedicated), on the client's own thread); the
    /// future resolves to its result.
    ///
    /// The future is lazy (nothing runs before the first poll), `Send` and
    /// `'static`. A panic in `f` resumes in the task that awaits it.
    fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static;

    /// Not public API: [`offload`](Offload::offload) for the twin `name`,
    /// whose panics (polled outside a runtime, say) name it. The handles of
    /// this crate pass `name` to where such a panic is raised; the default,
    /// for other handles, records it around every poll instead.
    #[doc(hidden)]
    fn __offload_named<F, R>(
        &self,
        name: &'static str,
        f: F,
    ) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        crate::__private::named(name, self.offload(f))
    }
}

/// A handle that can lend `&mut T` to a call in the blocking pool, because
/// each of its calls has the client to itself (its calls take turns, or each
/// gets a client of its own).
///
/// The `_async` twins of `&mut self` methods require it. Implemented by
/// [`Exclusive<T>`](crate::Exclusive), [`Pool<T>`](crate::Pool) (each call
/// has its client to itself) and [`Dedicated<T>`](crate::Dedicated).
///
/// # Examples
///
/// ```
/// use asyncify::{Exclusive, OffloadMut};
///
/// async fn record<H: OffloadMut<Vec<&'static str>>>(log: &H) -> usize {
///     log.offload_mut(|v| { v.push("entry"); v.len() }).await
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let log = Exclusive::new(Vec::new());
/// record(&log).await;
/// assert_eq!(record(&log).await, 2);
/// # }
/// ```
///
/// # The second parameter
///
/// `L` is not public API: leave it out (`OffloadMut<T>`, as every example
/// here does), and implement `OffloadMut<T>` for a handle of your own. The
/// generated `&mut self` twins infer it, so that calling one on a handle that
/// only gives shared access is one error rather than three.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot lend `&mut {T}` to a blocking call",
    label = "this method takes `&mut self`, and `{Self}` only gives shared access",
    note = "methods that take `&mut self` need a handle whose calls take turns: \
            use `asyncify::Exclusive::new(client)`, `asyncify::Pool::builder(factory)` for \
            several clients whose calls run in parallel, or `asyncify::Dedicated::spawn(|| client)` \
            for a client that must stay on one thread"
)]
pub trait OffloadMut<T: ?Sized, L = crate::__private::Lent>: Offload<T> {
    /// Runs `f` on `&mut T` in the blocking pool once it is this call's turn;
    /// the future resolves to its result.
    ///
    /// Waiting for the turn happens in the calling task, not on a pool thread.
    fn offload_mut<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static;

    /// Not public API: [`offload_mut`](OffloadMut::offload_mut) for the twin
    /// `name`, as [`Offload::__offload_named`].
    #[doc(hidden)]
    fn __offload_mut_named<F, R>(
        &self,
        name: &'static str,
        f: F,
    ) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&mut T) -> R + Send + 'static,
        R: Send + 'static,
    {
        crate::__private::named(name, self.offload_mut(f))
    }
}

/// A cheap-clone client needs no handle: each call runs on a clone of it.
///
/// This fits clients that are an `Arc` inside (`ureq::Agent`,
/// `reqwest::blocking::Client`, most SDK clients). The clone is taken when the
/// `_async` method is called, so the future borrows nothing, and it is dropped
/// off the async workers, like a [`Handle`](crate::Handle)'s client, even when
/// the future is dropped before it runs.
impl<T> Offload<T> for T
where
    T: Clone + Send + 'static,
{
    fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        // Dropped on the pool after the call, and also when the future is
        // dropped before its first poll: this clone may be the last one.
        let client = ClientSlot::new(self.clone());
        unblock(move || f(&client))
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
        let client = ClientSlot::new(self.clone());
        unblock_as(Some(name), move || f(&client))
    }
}

/// An `Arc<T>` you already have works like a [`Handle`](crate::Handle),
/// except that dropping the last `Arc` drops the client where that happens.
impl<T> Offload<T> for Arc<T>
where
    T: ?Sized + Send + Sync + 'static,
{
    fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&T) -> R + Send + 'static,
        R: Send + 'static,
    {
        let client = Arc::clone(self);
        unblock(move || f(&client))
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
        let client = Arc::clone(self);
        unblock_as(Some(name), move || f(&client))
    }
}
