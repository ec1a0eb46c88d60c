//! The `#[asyncify]` attribute. Use it through the [`asyncify`] crate, which
//! re-exports it and documents it; the generated code names items of that
//! crate.
//!
//! [`asyncify`]: https://docs.rs/asyncify

#![forbid(unsafe_code)]

mod pipeline;

// Documented where users see it: on the re-export in `asyncify`, whose
// doctests can use the runtime crate.
#[proc_macro_attribute]
pub fn asyncify(
    args: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    pipeline::expand(args.into(), item.into()).into()
}
