//! Where a client is dropped: off the async workers, through
//! [`ClientSlot`] and [`release`].

use crate::context::{OnPool, on_pool};

/// Drops `value` off the async worker threads.
///
/// Blocking clients often own a runtime or a connection whose destructor
/// blocks (`reqwest::blocking::Client`, `postgres::Client`), and dropping one
/// on an async worker stalls it or panics. On a thread of a Tokio runtime
/// (that is not already running an offloaded call) the value is sent to the
/// blocking pool and dropped there; anywhere else it is dropped in place.
pub(crate) fn release<T: Send + 'static>(value: T) {
    if on_pool() {
        return drop(value);
    }
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            let value = Unreleased(Some(value));
            // The join handle is not needed: the drop runs to completion even
            // when the runtime shuts down (shutdown waits for running
            // blocking tasks, and a closure it drops unrun hands the value to
            // a thread of its own, see `Unreleased`).
            drop(runtime.spawn_blocking(move || {
                let _on_pool = OnPool::enter();
                let mut value = value;
                drop(value.0.take());
            }));
        }
        Err(_) => drop(value),
    }
}

/// A value on its way to the blocking pool. Once the pool has begun to shut
/// down, `spawn_blocking` drops its closure without running it, right where
/// it is called: when a multi-thread runtime shuts down, its workers drop the
/// tasks that hold the last handles, so this happens on a worker. The value is
/// then dropped on a thread of its own, which the worker waits for (it runs
/// no more tasks), so that dropping the runtime still returns only after the
/// client is gone.
struct Unreleased<T: Send + 'static>(Option<T>);

impl<T: Send + 'static> Drop for Unreleased<T> {
    fn drop(&mut self) {
        if let Some(value) = self.0.take() {
            // If no thread can be started, `spawn` drops the closure, and the
            // value, here after all. A panic in the value's destructor has
            // been reported on its thread already.
            if let Ok(thread) = std::thread::Builder::new()
                .name("asyncify-release".to_owned())
                .spawn(move || drop(value))
            {
                let _ = thread.join();
            }
        }
    }
}

/// Owns a client that must not be dropped on an async worker: when the slot
/// is dropped, the client goes through [`release`].
///
/// `Handle` and `Exclusive` keep their client in one (behind their `Arc`, so
/// the last handle, wherever it is dropped, releases it), and a `Clone`
/// client's copy rides in one inside the offloaded closure, so that a future
/// dropped before its first poll still drops it off the workers.
pub(crate) struct ClientSlot<T> {
    // Chosen in `new`, where `T: Send + 'static` is known, so that neither
    // this type, the handles, nor `Drop` need those bounds.
    release: fn(T),
    // `None` only once taken by `into_inner` or while being dropped.
    client: Option<T>,
}

impl<T: Send + 'static> ClientSlot<T> {
    pub(crate) fn new(client: T) -> Self {
        ClientSlot {
            release: release::<T>,
            client: Some(client),
        }
    }
}

impl<T> ClientSlot<T> {
    /// Takes the client out, to be dropped wherever the caller drops it.
    pub(crate) fn into_inner(mut self) -> T {
        self.client.take().expect(FILLED)
    }
}

const FILLED: &str = "a `ClientSlot` holds its client until it is taken or dropped";

impl<T> std::ops::Deref for ClientSlot<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.client.as_ref().expect(FILLED)
    }
}

impl<T> std::ops::DerefMut for ClientSlot<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.client.as_mut().expect(FILLED)
    }
}

impl<T> Drop for ClientSlot<T> {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            (self.release)(client);
        }
    }
}
