//! Thread-local facts the runtime needs: whether this thread is running an
//! offloaded call, and which generated method is being polled.

use std::cell::Cell;

thread_local! {
    static ON_POOL: Cell<bool> = const { Cell::new(false) };
    static CALL: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Marks the current thread as running an offloaded call until dropped.
pub(crate) struct OnPool {
    was: bool,
}

impl OnPool {
    pub(crate) fn enter() -> Self {
        OnPool {
            was: ON_POOL.replace(true),
        }
    }
}

impl Drop for OnPool {
    fn drop(&mut self) {
        ON_POOL.set(self.was);
    }
}

/// Whether the current thread is running an offloaded call right now.
pub(crate) fn on_pool() -> bool {
    ON_POOL.get()
}

/// Names the generated method being polled on this thread until dropped, so
/// that a misuse found deep inside (no runtime) can name it.
pub(crate) struct Call {
    was: Option<&'static str>,
}

impl Call {
    pub(crate) fn enter(name: &'static str) -> Self {
        Call {
            was: CALL.replace(Some(name)),
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        CALL.set(self.was);
    }
}

/// The generated method being polled on this thread, if any.
pub(crate) fn current_call() -> Option<&'static str> {
    CALL.get()
}
