#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
#![doc(test(attr(deny(warnings), allow(dead_code))))]

mod batch;
mod cancel;
mod client;
mod context;
mod dedicated;
mod exclusive;
mod handle;
mod offload;
mod pool;
mod slot;
mod stream;
mod turns;
mod unblock;

pub use crate::client::ClientHandle;
pub use crate::dedicated::Dedicated;
pub use crate::exclusive::Exclusive;
pub use crate::handle::Handle;
pub use crate::offload::{Offload, OffloadMut};
pub use crate::pool::{DEFAULT_POOL_SIZE, Pool, PoolBuilder, PoolStatus};
pub use crate::stream::{OffloadStream, Sink, stream, stream_mut};
pub use crate::unblock::{Unblock, unblock};

#[doc = include_str!("../docs/attribute.md")]
#[doc(inline)]
pub use asyncify_macros::asyncify;

/// Wraps a twin's future in a new `INFO` span named `$name` (a string
/// literal), created when the twin is called, as a child of the caller's
/// current span. Emitted by `#[asyncify(instrument)]`; not public API.
#[cfg(feature = "tracing")]
#[doc(hidden)]
#[macro_export]
macro_rules! __asyncify_instrument {
    ($name:literal, $future:expr $(,)?) => {
        $crate::__private::tracing::Instrument::instrument(
            $future,
            $crate::__private::tracing::info_span!($name),
        )
    };
}

/// Without the `tracing` feature, `#[asyncify(instrument)]` is an error that
/// says how to enable it.
#[cfg(not(feature = "tracing"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __asyncify_instrument {
    ($name:literal, $future:expr $(,)?) => {{
        ::core::compile_error!(
            "`#[asyncify(instrument)]` needs the `tracing` feature of asyncify: \
             asyncify = { version = \"0.1\", features = [\"tracing\"] }"
        );
        $future
    }};
}

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
