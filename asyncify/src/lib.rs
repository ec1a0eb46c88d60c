#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
#![doc(test(attr(deny(warnings), allow(dead_code))))]

mod client;
mod context;
mod exclusive;
mod handle;
mod offload;
mod stream;
mod unblock;

pub use crate::client::ClientHandle;
pub use crate::exclusive::Exclusive;
pub use crate::handle::Handle;
pub use crate::offload::{Offload, OffloadMut};
pub use crate::stream::{OffloadStream, stream, stream_mut};
pub use crate::unblock::{Unblock, unblock};

#[doc = include_str!("../docs/attribute.md")]
#[doc(inline)]
pub use asyncify_macros::asyncify;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
