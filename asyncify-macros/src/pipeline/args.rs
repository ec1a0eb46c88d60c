//! The options: `#[asyncify(suffix = "_nb", trait_name = StorageExt, remote =
//! path::Type, instrument)]` on the impl or trait, `#[asyncify(skip)]`,
//! `#[asyncify(rename = "fetch")]`, `#[asyncify(stream, buffer = 16)]` and
//! `#[asyncify(instrument)]` on a method.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::{Attribute, Ident, ImplItem, LitInt, LitStr, Token, TraitItem};

use super::ast::Item;
use super::errors::{Errors, error_with_help};

/// Options on the `#[asyncify(..)]` attribute of the impl block or trait.
pub(crate) struct ImplOptions {
    /// Appended to each method's name: `_async` unless set.
    pub(crate) suffix: String,
    /// Appended to the name of a method that returns an iterator:
    /// `_stream` unless set.
    pub(crate) stream_suffix: String,
    /// The name of the generated trait: `{Type}Async` unless set.
    pub(crate) trait_name: Option<Ident>,
    /// `remote = path::Type`: the trait declares methods of that type.
    pub(crate) remote: Option<syn::Type>,
    /// `instrument`: every twin's call gets its own `tracing` span.
    pub(crate) instrument: Option<Span>,
}

impl ImplOptions {
    /// Parses the attribute's arguments; `None` when any of them is wrong
    /// (the errors are recorded).
    pub(crate) fn parse(args: TokenStream, errors: &mut Errors) -> Option<Self> {
        let before = errors.len();
        let mut suffix = None::<LitStr>;
        let mut stream_suffix = None::<LitStr>;
        let mut trait_name = None::<Ident>;
        let mut remote = None::<syn::Type>;
        let mut instrument = None::<Span>;
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("suffix") || meta.path.is_ident("stream_suffix") {
                let lit: LitStr = meta.value()?.parse()?;
                let (slot, example) = if meta.path.is_ident("suffix") {
                    (&mut suffix, "\"_async\"")
                } else {
                    (&mut stream_suffix, "\"_stream\"")
                };
                if slot.is_some() {
                    errors.push(syn::Error::new_spanned(
                        &meta.path,
                        format!("`{}` is set more than once", path_name(&meta)),
                    ));
                } else if !valid_suffix(&lit.value()) {
                    errors.push(syn::Error::new(
                        lit.span(),
                        format!(
                            "`{}` must be a non-empty run of letters, digits and underscores, \
                             such as {example}, so that `name` + suffix is an identifier",
                            path_name(&meta)
                        ),
                    ));
                }
                *slot = Some(lit);
            } else if meta.path.is_ident("remote") {
                let value = meta.value()?;
                let ty: syn::Type = value.parse().map_err(|_| {
                    value.error("expected the remote type's path: `remote = rusqlite::Connection`")
                })?;
                if remote.is_some() {
                    errors.push(syn::Error::new_spanned(
                        &meta.path,
                        "`remote` is set more than once",
                    ));
                }
                remote = Some(ty);
            } else if meta.path.is_ident("instrument") {
                flag(&meta, &mut instrument, errors)?;
            } else if meta.path.is_ident("trait_name") {
                let ident = parse_ident(&meta, "trait_name = StorageExt")?;
                if trait_name.is_some() {
                    errors.push(syn::Error::new_spanned(
                        &meta.path,
                        "`trait_name` is set more than once",
                    ));
                }
                trait_name = Some(ident);
            } else {
                errors.push(unknown(
                    &meta,
                    "on the impl block or trait, `#[asyncify]` takes `suffix = \"_async\"`, \
                     `stream_suffix = \"_stream\"`, `trait_name = Name`, `remote = path::Type` \
                     and `instrument`; `skip`, `rename`, `stream` and `buffer` go on a method",
                ));
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(error) = parser.parse2(args) {
            errors.push(error);
        }
        (errors.len() == before).then(|| ImplOptions {
            suffix: suffix.map_or_else(|| "_async".to_owned(), |lit| lit.value()),
            stream_suffix: stream_suffix.map_or_else(|| "_stream".to_owned(), |lit| lit.value()),
            trait_name,
            remote,
            instrument,
        })
    }
}

/// Options from `#[asyncify(..)]` attributes on one method.
#[derive(Default)]
pub(crate) struct MethodOptions {
    /// The first `#[asyncify(..)]` on the method, if any.
    pub(crate) attr: Option<Attribute>,
    /// `#[asyncify(skip)]`: no twin.
    pub(crate) skip: Option<Span>,
    /// `#[asyncify(rename = "fetch")]`: the twin's whole name.
    pub(crate) rename: Option<Ident>,
    /// `#[asyncify(stream)]`: the twin is a `Stream` of the returned
    /// iterator's items.
    pub(crate) stream: Option<Span>,
    /// `#[asyncify(buffer = 16)]`: how many items a stream twin keeps ready.
    pub(crate) buffer: Option<LitInt>,
    /// `#[asyncify(instrument)]`: each call gets its own `tracing` span.
    pub(crate) instrument: Option<Span>,
}

impl MethodOptions {
    /// Removes every `#[asyncify(..)]` from the items of the impl or trait
    /// (so that it can be given back as written): parsed on a method, an
    /// error on any other item. One entry per method, in order.
    pub(crate) fn take_all(item: &mut Item, errors: &mut Errors) -> Vec<MethodOptions> {
        let attrs: Vec<Attrs> = match item {
            Item::Impl(item) => item.items.iter_mut().map(Attrs::of_impl_item).collect(),
            Item::Trait(item) => item.items.iter_mut().map(Attrs::of_trait_item).collect(),
        };
        attrs
            .into_iter()
            .filter_map(|attrs| match attrs {
                Attrs::Method(attrs) => Some(MethodOptions::take(attrs, errors)),
                Attrs::Other(attrs) => {
                    misplaced(attrs, errors);
                    None
                }
                Attrs::None => None,
            })
            .collect()
    }

    fn take(attrs: &mut Vec<Attribute>, errors: &mut Errors) -> MethodOptions {
        let mut options = MethodOptions::default();
        for attr in take_ours(attrs) {
            options.attr.get_or_insert_with(|| attr.clone());
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("skip") {
                    flag(&meta, &mut options.skip, errors)?;
                } else if meta.path.is_ident("rename") {
                    let ident = parse_ident(&meta, "rename = \"fetch\"")?;
                    if options.rename.is_some() {
                        errors.push(syn::Error::new_spanned(
                            &meta.path,
                            "`rename` is set more than once",
                        ));
                    }
                    options.rename = Some(ident);
                } else if meta.path.is_ident("stream") {
                    flag(&meta, &mut options.stream, errors)?;
                } else if meta.path.is_ident("instrument") {
                    flag(&meta, &mut options.instrument, errors)?;
                } else if meta.path.is_ident("buffer") {
                    let lit: LitInt = meta.value()?.parse()?;
                    if options.buffer.is_some() {
                        errors.push(syn::Error::new_spanned(
                            &meta.path,
                            "`buffer` is set more than once",
                        ));
                    } else if !matches!(lit.base10_parse::<usize>(), Ok(1..)) {
                        errors.push(syn::Error::new(
                            lit.span(),
                            "`buffer` must be a whole number of items, at least 1: `buffer = 16`",
                        ));
                    }
                    options.buffer = Some(lit);
                } else {
                    errors.push(unknown(
                        &meta,
                        "on a method, `#[asyncify]` takes `skip`, `rename = \"name\"`, `stream`, \
                         `buffer = 16` and `instrument`; `suffix`, `trait_name` and `remote` go on \
                         the impl block or trait",
                    ));
                    skip_value(&meta)?;
                }
                Ok(())
            });
            if let Err(error) = parsed {
                errors.push(error);
            }
        }
        options
    }
}

/// The attributes of an item of an impl or trait.
enum Attrs<'a> {
    Method(&'a mut Vec<Attribute>),
    /// A constant, type or macro: options here are misplaced.
    Other(&'a mut Vec<Attribute>),
    /// An item without attributes syn exposes (verbatim tokens).
    None,
}

/// [`Attrs`] of an `ImplItem` or a `TraitItem`: two syn enums whose
/// variants have the same names and each an `attrs` field.
macro_rules! attrs_of {
    ($item:expr, $Item:ident) => {
        match $item {
            $Item::Fn(method) => Attrs::Method(&mut method.attrs),
            $Item::Const(item) => Attrs::Other(&mut item.attrs),
            $Item::Type(item) => Attrs::Other(&mut item.attrs),
            $Item::Macro(item) => Attrs::Other(&mut item.attrs),
            _ => Attrs::None,
        }
    };
}

impl<'a> Attrs<'a> {
    fn of_impl_item(item: &'a mut ImplItem) -> Self {
        attrs_of!(item, ImplItem)
    }

    fn of_trait_item(item: &'a mut TraitItem) -> Self {
        attrs_of!(item, TraitItem)
    }
}

/// `#[asyncify(..)]` on an item that is not a method: an error each.
fn misplaced(attrs: &mut Vec<Attribute>, errors: &mut Errors) {
    for attr in take_ours(attrs) {
        errors.push(error_with_help(
            attr,
            "`#[asyncify(..)]` options go on methods; this item gets no twin",
            "remove it",
        ));
    }
}

/// A flag without a value, such as `skip`; set twice is an error.
fn flag(meta: &ParseNestedMeta, slot: &mut Option<Span>, errors: &mut Errors) -> syn::Result<()> {
    if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        return Err(meta.error(format!(
            "`{}` takes no value: write `{}` alone",
            path_name(meta),
            path_name(meta)
        )));
    }
    if slot.is_some() {
        errors.push(syn::Error::new_spanned(
            &meta.path,
            format!("`{}` is set more than once", path_name(meta)),
        ));
    }
    *slot = Some(
        meta.path
            .get_ident()
            .map_or_else(Span::call_site, Ident::span),
    );
    Ok(())
}

fn path_name(meta: &ParseNestedMeta) -> String {
    quote::ToTokens::to_token_stream(&meta.path)
        .to_string()
        .replace(' ', "")
}

/// Removes and returns the `#[asyncify(..)]` attributes.
fn take_ours(attrs: &mut Vec<Attribute>) -> Vec<Attribute> {
    let (ours, others) = std::mem::take(attrs).into_iter().partition(is_ours);
    *attrs = others;
    ours
}

fn is_ours(attr: &Attribute) -> bool {
    attr.path().is_ident("asyncify")
}

fn valid_suffix(suffix: &str) -> bool {
    !suffix.is_empty()
        && suffix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses `= name` or `= "name"` into an identifier (not a keyword).
fn parse_ident(meta: &ParseNestedMeta, example: &str) -> syn::Result<Ident> {
    let value = meta.value()?;
    let lit = if value.peek(LitStr) {
        value.parse::<LitStr>()?
    } else if value.peek(Ident) {
        let ident: Ident = value.parse()?;
        LitStr::new(&ident.to_string(), ident.span())
    } else {
        return Err(value.error(format!("expected a name: `{example}`")));
    };
    let mut ident = syn::parse_str::<Ident>(&lit.value()).map_err(|_| {
        syn::Error::new(
            lit.span(),
            format!("`{}` is not a valid identifier: `{example}`", lit.value()),
        )
    })?;
    ident.set_span(lit.span());
    Ok(ident)
}

fn unknown(meta: &ParseNestedMeta, expected: &str) -> syn::Error {
    let name = path_name(meta);
    syn::Error::new_spanned(&meta.path, format!("unknown option `{name}`: {expected}"))
}

/// Skips `= value` or `(..)` after an unknown option so the rest still parse.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|nested| skip_value(&nested))?;
    }
    Ok(())
}
