use proc_macro2::TokenStream;

/// Errors collected across the whole expansion, so that one compile reports
/// every bad option and every method that cannot have a twin.
#[derive(Default)]
pub(crate) struct Errors {
    list: Vec<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.list.push(error);
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    pub(crate) fn into_compile_errors(self) -> TokenStream {
        self.list
            .into_iter()
            .map(syn::Error::into_compile_error)
            .collect()
    }
}

/// An error at `tokens` with a `help:` line, formatted the way rustc prints
/// its own.
pub(crate) fn error_with_help(
    tokens: impl quote::ToTokens,
    message: impl std::fmt::Display,
    help: impl std::fmt::Display,
) -> syn::Error {
    syn::Error::new_spanned(tokens, with_help(message, help))
}

/// [`error_with_help`] at a span (an option's, which has no tokens of its
/// own).
pub(crate) fn error_at_with_help(
    span: proc_macro2::Span,
    message: impl std::fmt::Display,
    help: impl std::fmt::Display,
) -> syn::Error {
    syn::Error::new(span, with_help(message, help))
}

/// The one way a `help:` line is written.
fn with_help(message: impl std::fmt::Display, help: impl std::fmt::Display) -> String {
    format!("{message}\n\nhelp: {help}")
}

/// The help line shared by every "this method cannot have a twin" error.
pub(crate) const SKIP_HELP: &str =
    "add `#[asyncify(skip)]` to this method to leave it without an `_async` twin";
