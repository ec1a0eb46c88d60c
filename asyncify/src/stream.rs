use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use tokio::sync::mpsc;

use crate::offload::{Offload, OffloadMut};

/// The stream returned by the `_stream` twins: the items of an iterator that
/// runs on the blocking pool.
///
/// The iterator runs in one blocking call, which sends each item through a
/// bounded buffer: when the buffer is full the iteration waits for the
/// consumer, so a slow consumer holds back the producer and memory stays
/// bounded. Dropping the stream stops the iteration at the next item and
/// frees the pool thread (the item being produced when the stream is dropped
/// is the last one). A panic in the iterator reaches the consumer after the
/// items produced before it.
///
/// Made by [`stream`] and [`stream_mut`], which the generated twins call.
#[must_use = "streams do nothing unless polled"]
pub struct OffloadStream<T> {
    /// The blocking call; `None` once it has ended.
    producer: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    /// A panic of the producer, resumed once the buffered items are out.
    panic: Option<Box<dyn std::any::Any + Send>>,
    items: mpsc::Receiver<T>,
}

impl<T> fmt::Debug for OffloadStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OffloadStream")
            .field("running", &self.producer.is_some())
            .field("buffered", &self.items.len())
            .finish_non_exhaustive()
    }
}

impl<T> Stream for OffloadStream<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        if let Some(producer) = &mut this.producer {
            // Polled first so that it starts; it is lazy, like every twin.
            match panic::catch_unwind(AssertUnwindSafe(|| producer.as_mut().poll(cx))) {
                Ok(Poll::Pending) => {}
                Ok(Poll::Ready(())) => this.producer = None,
                Err(payload) => {
                    this.producer = None;
                    this.panic = Some(payload);
                }
            }
        }
        match this.items.poll_recv(cx) {
            Poll::Ready(Some(item)) => Poll::Ready(Some(item)),
            // The producer dropped its sender: it has ended, or is about to
            // (and then wakes this task).
            Poll::Ready(None) if this.producer.is_some() => Poll::Pending,
            Poll::Ready(None) => match this.panic.take() {
                Some(payload) => panic::resume_unwind(payload),
                None => Poll::Ready(None),
            },
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Runs `f` on `&T` through `handle`; the items `f` sends to its [`Sink`]
/// become the stream's, with at most `buffer` of them kept ready.
///
/// `f` runs in one blocking call and usually ends in
/// [`sink.send_all(iterator)`](Sink::send_all); the iterator may borrow the
/// client, since it is consumed inside the call. On an
/// [`Exclusive`](crate::Exclusive), the client stays locked until the stream
/// ends or is dropped. This is what the `_stream` twins call.
///
/// # Panics
///
/// If `buffer` is 0.
///
/// # Examples
///
/// ```
/// use futures_core::Stream;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let numbers = asyncify::Handle::new(vec![1, 2, 3]);
/// let mut tens = asyncify::stream(&numbers, 2, |v: &Vec<i32>, sink| {
///     sink.send_all(v.iter().map(|n| n * 10));
/// });
/// let mut seen = Vec::new();
/// while let Some(n) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut tens).poll_next(cx)).await {
///     seen.push(n);
/// }
/// assert_eq!(seen, [10, 20, 30]);
/// # }
/// ```
pub fn stream<H, T, F, Item>(handle: &H, buffer: usize, f: F) -> OffloadStream<Item>
where
    H: ?Sized + Offload<T>,
    T: ?Sized,
    F: FnOnce(&T, &Sink<Item>) + Send + 'static,
    Item: Send + 'static,
{
    let (sink, items) = channel(buffer);
    let producer = handle.offload(move |client| f(client, &sink));
    OffloadStream::new(Box::pin(producer), items)
}

/// Like [`stream`], with `&mut T`: for iterators of `&mut self` methods.
///
/// # Panics
///
/// If `buffer` is 0.
pub fn stream_mut<H, T, F, Item>(handle: &H, buffer: usize, f: F) -> OffloadStream<Item>
where
    H: ?Sized + OffloadMut<T>,
    T: ?Sized,
    F: FnOnce(&mut T, &Sink<Item>) + Send + 'static,
    Item: Send + 'static,
{
    let (sink, items) = channel(buffer);
    let producer = handle.offload_mut(move |client| f(client, &sink));
    OffloadStream::new(Box::pin(producer), items)
}

impl<T> OffloadStream<T> {
    fn new(producer: Pin<Box<dyn Future<Output = ()> + Send>>, items: mpsc::Receiver<T>) -> Self {
        OffloadStream {
            producer: Some(producer),
            panic: None,
            items,
        }
    }
}

fn channel<T>(buffer: usize) -> (Sink<T>, mpsc::Receiver<T>) {
    assert!(
        buffer > 0,
        "a stream needs a buffer of at least 1 item: pass `buffer = 1` or more"
    );
    let (sender, receiver) = mpsc::channel(buffer);
    (Sink(sender), receiver)
}

/// Where the blocking side of a [`stream`] sends its items.
#[derive(Debug)]
pub struct Sink<T>(mpsc::Sender<T>);

impl<T> Sink<T> {
    /// Sends the items until they run out or the stream is dropped; waits
    /// (blocking the pool thread) while the buffer is full.
    pub fn send_all<I: IntoIterator<Item = T>>(&self, items: I) {
        for item in items {
            if !self.send(item) {
                break;
            }
        }
    }

    /// Sends one item, waiting (blocking the pool thread) while the buffer
    /// is full; `false` if the stream was dropped, and the producer should
    /// stop.
    pub fn send(&self, item: T) -> bool {
        self.0.blocking_send(item).is_ok()
    }
}
