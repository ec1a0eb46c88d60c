use std::fmt;
use std::future::Future;
use std::panic;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::task::JoinHandle;

use crate::context::{self, OnPool};

/// Runs a blocking closure on Tokio's blocking thread pool and resolves to its
/// result.
///
/// This is the helper every generated `_async` method ends in; call it directly
/// for one-off blocking work. It is [`tokio::task::spawn_blocking`] with three
/// differences that the generated methods rely on:
///
/// - **Lazy**: nothing is spawned until the future is first polled, so a future
///   that is dropped unpolled never runs `f`.
/// - **Panics resume in the caller**: if `f` panics, awaiting the future
///   panics with the original payload (as if `f` had been called inline),
///   instead of returning a `JoinError`.
/// - **Clear misuse**: polled outside a Tokio runtime, it panics with a
///   message that names the generated method and says it needs a runtime.
///
/// With the `tracing` feature, the span that is current when the future is
/// first polled is entered on the pool thread for the duration of the call, so
/// that what `f` logs is attributed to the caller's span. (A future handed to
/// `tokio::spawn` is first polled in the new task: keep the caller's span with
/// `tracing::Instrument::in_current_span`.)
///
/// Dropping the future after the call has started does not stop it (a
/// blocking call cannot be interrupted from here): the call runs to
/// completion on its pool thread and its result is dropped there. A handle
/// with a cancel hook ([`Exclusive::on_cancel`](crate::Exclusive::on_cancel)
/// and the same on [`Handle`](crate::Handle::on_cancel) and
/// [`Dedicated`](crate::Dedicated::on_cancel)) interrupts its calls instead.
///
/// # Panics
///
/// When polled outside a Tokio runtime; when `f` panics (with `f`'s payload);
/// and when the runtime shuts down before the call could start.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let sum = asyncify::unblock(|| (1..=10u64).sum::<u64>()).await;
/// assert_eq!(sum, 55);
/// # }
/// ```
pub fn unblock<F, R>(f: F) -> Unblock<F, R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    Unblock {
        state: State::Idle(f),
        name: None,
    }
}

/// [`unblock`] for a generated method: its panics name `name` (the twin), or
/// with `None` the method being polled on this thread, as `unblock`'s do.
pub(crate) fn unblock_as<F, R>(name: Option<&'static str>, f: F) -> Unblock<F, R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    Unblock {
        state: State::Idle(f),
        name,
    }
}

/// The future returned by [`unblock`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Unblock<F, R> {
    state: State<F, R>,
    // The generated method this is the call of, for its panics; `None` for
    // `unblock` itself (then the method being polled on this thread, if any).
    name: Option<&'static str>,
}

enum State<F, R> {
    Idle(F),
    Running(JoinHandle<R>),
    Done,
}

// `F` is only ever moved, never pinned, and `JoinHandle` is `Unpin`, so the
// future can be `Unpin` whatever `F` is.
impl<F, R> Unpin for Unblock<F, R> {}

impl<F, R> Future for Unblock<F, R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    type Output = R;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let this = self.get_mut();
        if let State::Idle(_) = this.state {
            let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                no_runtime(this.name)
            };
            let State::Idle(f) = std::mem::replace(&mut this.state, State::Done) else {
                unreachable!()
            };
            // The caller's span, entered on the pool thread for the call.
            #[cfg(feature = "tracing")]
            let span = tracing::Span::current();
            this.state = State::Running(runtime.spawn_blocking(move || {
                let _on_pool = OnPool::enter();
                #[cfg(feature = "tracing")]
                let _entered = span.enter();
                f()
            }));
        }
        let State::Running(join) = &mut this.state else {
            panic!("`asyncify::Unblock` polled after it completed");
        };
        let result = ready!(Pin::new(join).poll(cx));
        this.state = State::Done;
        Poll::Ready(match result {
            Ok(value) => value,
            Err(error) => match error.try_into_panic() {
                Ok(payload) => panic::resume_unwind(payload),
                Err(error) => shut_down_before_start(this.name, &error),
            },
        })
    }
}

impl<F, R> fmt::Debug for Unblock<F, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Idle(_) => "idle",
            State::Running(_) => "running",
            State::Done => "done",
        };
        f.debug_struct("Unblock")
            .field("state", &state)
            .field("name", &self.name)
            .finish()
    }
}

/// `name`, or else the generated method being polled on this thread, or else
/// `unblock` itself.
fn describe_call(name: Option<&'static str>) -> String {
    match name.or_else(context::current_call) {
        Some(name) => format!("`{name}`"),
        None => "`asyncify::unblock`".to_owned(),
    }
}

/// The panic of a call whose closure the runtime dropped unrun, because it
/// shut down first; `cause` is what reported it. `name` is the generated
/// method's, when the caller knows it.
#[cold]
pub(crate) fn shut_down_before_start(name: Option<&'static str>, cause: &dyn fmt::Display) -> ! {
    panic!(
        "{} was cancelled ({cause}): the Tokio runtime shut down before the blocking call could \
         start",
        describe_call(name)
    )
}

/// The panic of a call polled outside a runtime; `name` as in
/// [`shut_down_before_start`].
#[cold]
#[track_caller]
pub(crate) fn no_runtime(name: Option<&'static str>) -> ! {
    panic!(
        "{} needs a Tokio runtime: it runs the blocking call on Tokio's blocking thread \
         pool, but it was awaited outside a runtime. Await it inside `#[tokio::main]`, \
         `Runtime::block_on` or a task spawned on a runtime",
        describe_call(name)
    )
}
