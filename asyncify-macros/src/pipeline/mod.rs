//! The expansion of `#[asyncify]`, read top to bottom:
//!
//! 1. [`args`]: the options on the attribute and on each method.
//! 2. [`ast`]: a model of the `impl` block, trait or remote declaration
//!    ([`ast::Source`]: what each kind changes, settled once): which methods
//!    get twins, and how each parameter crosses to the blocking pool.
//! 3. [`valid`]: every check, with all errors collected; it returns the
//!    checked model, which holds only what can be expanded.
//! 4. [`expand`](mod@expand): code generation, which cannot fail.
//!
//! The item is read by [`bodies::parse_item`], which leaves the methods'
//! bodies out of syn's parse (nothing here reads them) and puts them back as
//! their own tokens.
//!
//! Everything here works on `proc_macro2` tokens, so that it can be unit
//! tested (and fuzzed) outside the compiler; only `lib.rs` touches
//! `proc_macro`.

mod args;
mod ast;
mod bodies;
mod errors;
mod expand;
mod types;
mod valid;

#[cfg(test)]
mod tests;

use proc_macro2::TokenStream;
use quote::quote;

use self::errors::Errors;

/// Expands `#[asyncify(args)] item`.
///
/// Never panics and always returns tokens: on error they are the original
/// item (with the helper attributes removed, so that it still compiles) plus
/// one `compile_error!` per problem, and the twins of the methods that had
/// none, so that the rest of the crate and the IDE keep working.
pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    expand_parsed_by(args, input, bodies::parse_item)
}

/// The item as [`expand`](fn@expand) reads it: syn's, with the methods' bodies left
/// unparsed ([`bodies`]). For `tests/tests/macro_fuzz.rs`, whose oracle must
/// know which inputs the macro can read.
#[allow(dead_code)] // Only the fuzz test calls it.
pub(crate) fn read_item(input: TokenStream) -> syn::Result<syn::Item> {
    bodies::parse_item(input)
}

/// [`expand`](fn@expand), with the item read by `parse`: [`bodies::parse_item`], or in
/// the unit tests `syn::parse2`, whose expansion it must equal.
fn expand_parsed_by(
    args: TokenStream,
    input: TokenStream,
    parse: fn(TokenStream) -> syn::Result<syn::Item>,
) -> TokenStream {
    let mut errors = Errors::default();
    let options = args::ImplOptions::parse(args, &mut errors);

    let mut item = match parse(input.clone()) {
        Ok(syn::Item::Impl(item)) => ast::Item::Impl(item),
        Ok(syn::Item::Trait(item)) => ast::Item::Trait(item),
        Ok(other) => {
            errors.push(valid::not_an_impl(&other));
            let errors = errors.into_compile_errors();
            return quote!(#other #errors);
        }
        Err(error) => {
            // Not an item we can read (mid-edit, say): give it back as it is.
            let mut tokens = input;
            tokens.extend(error.into_compile_error());
            return tokens;
        }
    };
    let remote = options
        .as_ref()
        .is_some_and(|options| options.remote.is_some());
    if remote {
        ast::accept_visibility(&mut item);
    }
    let errors_before = errors.len();
    let method_options = args::MethodOptions::take_all(&mut item, &mut errors);
    // Nothing was taken out of the item (no `#[asyncify(..)]` on its items:
    // each one taken is an option or an error; no `pub` accepted in a
    // declaration): it is given back as the input's own tokens, moved,
    // rather than printed again from syn's tree (6% of the expansion of
    // an impl of SDK-like methods, in instructions).
    let untouched = !remote
        && errors.len() == errors_before
        && method_options.iter().all(|options| options.attr.is_none());
    let options = options.filter(|options| valid::options(&item, options, &mut errors));
    let generated = options.and_then(|options| {
        let (input, methods) = ast::Input::new(&item, &options, method_options);
        let input = valid::check(input, methods, &mut errors)?;
        Some((expand::generate(&input), input.replaced))
    });
    // A remote declaration is replaced by the trait of twins; the
    // declarations are given back only when that could not be made.
    let (item, generated) = match generated {
        Some((generated, true)) => (TokenStream::new(), Some(generated)),
        generated => {
            let item = if untouched {
                input
            } else {
                item.into_token_stream()
            };
            (item, generated.map(|(generated, _)| generated))
        }
    };

    // Moved, not interpolated: `quote!` would copy every token again.
    let mut tokens = item;
    tokens.extend(generated);
    tokens.extend([errors.into_compile_errors()]);
    tokens
}
