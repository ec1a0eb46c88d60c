//! The `#[asyncify]` attribute. Use it through the [`asyncify`] crate, which
//! re-exports it and documents it; the generated code names items of that
//! crate.
//!
//! [`asyncify`]: https://docs.rs/asyncify

#![forbid(unsafe_code)]

mod pipeline;

/// Gives every public method of an inherent `impl` block an `_async` twin that
/// runs it on Tokio's blocking thread pool. See the `asyncify` crate.
#[proc_macro_attribute]
pub fn asyncify(
    args: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    pipeline::expand(args.into(), item.into()).into()
}
