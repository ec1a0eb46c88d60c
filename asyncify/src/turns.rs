//! Turns: the FIFO queue of calls waiting for one of the `n` places of a
//! [`Handle::with_limit`](crate::Handle::with_limit).
//!
//! A call waits for its turn in its own task, on a fair
//! [`tokio::sync::Semaphore`]: no pool thread is parked, turns are given in
//! the order the calls first asked, and a call dropped while it waits leaves
//! the queue. A [`Turn`] is a place held; dropping it (wherever the call
//! ends: on the pool thread, or where an unstarted call is dropped) gives the
//! place to the next call.
//!
//! [`Exclusive`](crate::Exclusive) and [`Pool`](crate::Pool), whose places
//! each hold a client, queue their calls in `batch`'s lineup instead, whose
//! threads run the queued calls themselves; a `with_limit` call needs no
//! client from its place, only a permit, and an uncontended one costs one
//! atomic operation here.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

/// `places` turns.
pub(crate) struct Turns {
    permits: Semaphore,
    places: usize,
    // Calls waiting for a turn now (counted only once the fast path failed).
    waiting: AtomicUsize,
}

impl Turns {
    /// `places` turns; the caller has checked that `places` is at least 1
    /// and at most [`Semaphore::MAX_PERMITS`], with a message of its own.
    pub(crate) fn new(places: usize) -> Arc<Self> {
        debug_assert!((1..=Semaphore::MAX_PERMITS).contains(&places));
        Arc::new(Turns {
            permits: Semaphore::new(places),
            places,
            waiting: AtomicUsize::new(0),
        })
    }

    /// Waits, in the calling task, for a turn. FIFO; dropping the future
    /// leaves the queue.
    pub(crate) async fn take(self: Arc<Self>) -> Turn {
        // A free place means nobody waits (the semaphore hands released
        // places to waiters first), so the fast path keeps the order.
        if let Ok(permit) = self.permits.try_acquire() {
            permit.forget();
        } else {
            let _waiting = Waiting::enter(&self.waiting);
            self.permits
                .acquire()
                .await
                .expect("the semaphore of `asyncify`'s turns is never closed")
                .forget();
        }
        Turn { turns: self }
    }

    /// How many places there are.
    pub(crate) fn places(&self) -> usize {
        self.places
    }

    /// How many calls wait for a turn now.
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for Turns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Turns")
            .field("places", &self.places)
            .field("free", &self.permits.available_permits())
            .field("waiting", &self.waiting())
            .finish_non_exhaustive()
    }
}

/// Counts a waiting call until dropped (when it gets its turn, or its future
/// is dropped while it waits).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A place held by one call; dropping it gives the place to the next call.
pub(crate) struct Turn {
    turns: Arc<Turns>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.turns.permits.add_permits(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
        future.poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn turns_are_given_in_order_and_a_dropped_waiter_leaves() {
        let turns = Turns::new(1);
        let Poll::Ready(first) = poll_once(pin!(Arc::clone(&turns).take())) else {
            panic!("the first turn is free");
        };
        let mut second = Box::pin(Arc::clone(&turns).take());
        let mut third = Box::pin(Arc::clone(&turns).take());
        assert!(poll_once(second.as_mut()).is_pending());
        assert!(poll_once(third.as_mut()).is_pending());
        assert_eq!(turns.waiting(), 2);
        drop(second);
        assert_eq!(turns.waiting(), 1);
        drop(first);
        assert!(poll_once(third.as_mut()).is_ready());
        assert_eq!(turns.waiting(), 0);
    }
}
