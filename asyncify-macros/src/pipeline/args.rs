//! The options: `#[asyncify(suffix = "_nb", trait_name = StorageExt)]` on the
//! impl, `#[asyncify(skip)]` and `#[asyncify(rename = "fetch")]` on a method.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::{Attribute, Ident, ImplItem, ItemImpl, LitStr, Token};

use super::errors::{Errors, error_with_help};

/// Options on the `#[asyncify(..)]` attribute of the impl block.
pub(crate) struct ImplOptions {
    /// Appended to each method's name: `_async` unless set.
    pub(crate) suffix: String,
    /// The name of the generated trait: `{Type}Async` unless set.
    pub(crate) trait_name: Option<Ident>,
}

impl ImplOptions {
    /// Parses the attribute's arguments; `None` when any of them is wrong
    /// (the errors are recorded).
    pub(crate) fn parse(args: TokenStream, errors: &mut Errors) -> Option<Self> {
        let before = errors.len();
        let mut suffix = None::<LitStr>;
        let mut trait_name = None::<Ident>;
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("suffix") {
                let lit: LitStr = meta.value()?.parse()?;
                if suffix.is_some() {
                    errors.push(syn::Error::new_spanned(
                        &meta.path,
                        "`suffix` is set more than once",
                    ));
                } else if !valid_suffix(&lit.value()) {
                    errors.push(syn::Error::new(
                        lit.span(),
                        "`suffix` must be a non-empty run of letters, digits and underscores, \
                         such as \"_async\", so that `name` + suffix is an identifier",
                    ));
                }
                suffix = Some(lit);
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
                    "on the impl block, `#[asyncify]` takes `suffix = \"_async\"` and \
                     `trait_name = Name`; `skip` and `rename` go on a method",
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
            trait_name,
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
}

impl MethodOptions {
    /// Removes every `#[asyncify(..)]` from the impl's items (so the impl can
    /// be emitted as written) and parses those on methods; one entry per
    /// item of the impl.
    pub(crate) fn take_all(item: &mut ItemImpl, errors: &mut Errors) -> Vec<MethodOptions> {
        item.items
            .iter_mut()
            .map(|item| match item {
                ImplItem::Fn(method) => MethodOptions::take(&mut method.attrs, errors),
                ImplItem::Const(syn::ImplItemConst { attrs, .. })
                | ImplItem::Type(syn::ImplItemType { attrs, .. })
                | ImplItem::Macro(syn::ImplItemMacro { attrs, .. }) => {
                    for attr in take_ours(attrs) {
                        errors.push(error_with_help(
                            attr,
                            "`#[asyncify(..)]` options go on methods; this item gets no twin",
                            "remove it",
                        ));
                    }
                    MethodOptions::default()
                }
                _ => MethodOptions::default(),
            })
            .collect()
    }

    fn take(attrs: &mut Vec<Attribute>, errors: &mut Errors) -> MethodOptions {
        let mut options = MethodOptions::default();
        for attr in take_ours(attrs) {
            options.attr.get_or_insert_with(|| attr.clone());
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("skip") {
                    if options.skip.is_some() {
                        errors.push(syn::Error::new_spanned(
                            &meta.path,
                            "`skip` is set more than once",
                        ));
                    }
                    options.skip = Some(
                        meta.path
                            .get_ident()
                            .map_or_else(Span::call_site, Ident::span),
                    );
                } else if meta.path.is_ident("rename") {
                    let ident = parse_ident(&meta, "rename = \"fetch\"")?;
                    if options.rename.is_some() {
                        errors.push(syn::Error::new_spanned(
                            &meta.path,
                            "`rename` is set more than once",
                        ));
                    }
                    options.rename = Some(ident);
                } else {
                    errors.push(unknown(
                        &meta,
                        "on a method, `#[asyncify]` takes `skip` or `rename = \"name\"`; \
                         `suffix` and `trait_name` go on the impl block",
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
    let name = quote::ToTokens::to_token_stream(&meta.path)
        .to_string()
        .replace(' ', "");
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
