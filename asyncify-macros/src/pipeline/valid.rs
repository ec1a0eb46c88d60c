//! Every check, with all errors collected: a method that fails one gets no
//! twin (and an error pointing at the offending token), the others still do.

use std::collections::HashMap;

use quote::ToTokens;
use syn::{Ident, ImplItem, Item, Type};

use super::ast::{Input, Method, Pass, Receiver, Status};
use super::errors::{Errors, SKIP_HELP, error_with_help};
use super::types;

/// The error for `#[asyncify]` on something other than an impl block.
pub(crate) fn not_an_impl(item: &Item) -> syn::Error {
    let what = match item {
        Item::Trait(_) => "a trait definition",
        Item::Fn(_) => "a function",
        Item::Struct(_) => "a struct",
        Item::Enum(_) => "an enum",
        Item::Mod(_) => "a module",
        _ => "this item",
    };
    error_with_help(
        first_token(item),
        format!("`#[asyncify]` goes on an inherent impl block, not on {what}"),
        "put it on the block that defines the client's methods: `#[asyncify] impl Client { .. }`",
    )
}

/// Checks the impl and each method; returns the impl with only the methods
/// that get a twin and passed every check, or `None` if the impl itself is
/// unusable.
pub(crate) fn check<'a>(mut input: Input<'a>, errors: &mut Errors) -> Option<Input<'a>> {
    let before = errors.len();
    check_impl(&input, errors);
    if errors.len() > before {
        return None;
    }

    let names = existing_names(&input);
    let mut twins = HashMap::<String, &Ident>::new();
    let mut keep = Vec::with_capacity(input.methods.len());
    for method in &input.methods {
        let before = errors.len();
        check_options(method, errors);
        if method.status == Status::Twin {
            check_method(method, errors);
            check_twin_name(method, &names, &mut twins, errors);
        }
        keep.push(method.status == Status::Twin && errors.len() == before);
    }
    let mut keep = keep.into_iter();
    input.methods.retain(|_| keep.next().unwrap_or(false));

    let needs_trait = input
        .methods
        .iter()
        .any(|method| !matches!(method.receiver, Receiver::None));
    if needs_trait && input.trait_name.is_none() {
        errors.push(error_with_help(
            &input.item.self_ty,
            "cannot name the generated trait after this type",
            "name it: `#[asyncify(trait_name = ClientAsync)]`",
        ));
        return None;
    }
    Some(input)
}

fn check_impl(input: &Input, errors: &mut Errors) {
    let item = input.item;
    if let Some((path, for_token)) = &item.trait_ {
        errors.push(error_with_help(
            quote::quote!(#path #for_token),
            "`#[asyncify]` goes on an inherent impl block, not on a trait impl",
            "put it on the block that defines the client's own methods: `#[asyncify] impl Client { .. }`",
        ));
    }
    for lifetime in item.generics.lifetimes() {
        errors.push(error_with_help(
            &lifetime.lifetime,
            format!(
                "the client type cannot have a lifetime parameter (`{}`): async twins send calls \
                 to another thread, so the client must be `'static`",
                lifetime.lifetime
            ),
            "give the client owned data, or use `#[asyncify]` on an impl for the `'static` type",
        ));
    }
}

fn check_options(method: &Method, errors: &mut Errors) {
    let name = &method.original.sig.ident;
    if let (Some(_), Some(rename)) = (method.options.skip, &method.options.rename) {
        errors.push(syn::Error::new(
            rename.span(),
            format!("`{name}` is skipped, so it has no twin to rename: remove `skip` or `rename`"),
        ));
    }
    let Some(attr) = &method.options.attr else {
        return;
    };
    let why = match method.status {
        Status::Private => "is not `pub`, so it gets no twin",
        Status::Async => "is already an `async fn`, so it gets no twin",
        Status::Twin | Status::Skipped => return,
    };
    errors.push(error_with_help(
        attr,
        format!("`{name}` {why}: this `#[asyncify(..)]` has nothing to act on"),
        "remove it",
    ));
}

fn check_method(method: &Method, errors: &mut Errors) {
    let sig = &method.original.sig;
    let name = &sig.ident;
    let cannot = |why: String| format!("`{name}` cannot have an async twin: {why}");

    if let syn::Safety::Unsafe(token) = &sig.safety {
        errors.push(error_with_help(
            token,
            cannot(
                "it is an `unsafe fn`, and its safety contract cannot be checked on another thread"
                    .into(),
            ),
            SKIP_HELP,
        ));
    }

    if let Receiver::Unsupported(receiver) = &method.receiver {
        let why = match &receiver.kind {
            syn::ReceiverKind::Typed(_, ty) => format!(
                "it takes `self: {}`; twins work with `&self` and `&mut self`, which a handle can lend",
                types::pretty(ty)
            ),
            _ => "it takes `self` by value, but a handle only lends the client (`&self` or `&mut self`), \
                  so the twin cannot consume it"
                .to_owned(),
        };
        errors.push(error_with_help(receiver, cannot(why), SKIP_HELP));
    }

    for param in &method.params {
        let param_name = types::pretty(&param.original.pat);
        match &param.pass {
            Pass::MutRef(reference) => errors.push(syn::Error::new_spanned(
                reference,
                format!(
                    "{}\n\nhelp: take the value and return it instead, or {SKIP_HELP}",
                    cannot(format!(
                        "`{param_name}` is a `&mut` borrow, and the twin's future must own \
                         everything it sends to the blocking pool"
                    ))
                ),
            )),
            Pass::Move => {
                if let Some(borrow) = types::first_borrow(&param.ty) {
                    errors.push(syn::Error::new_spanned(
                        borrow,
                        format!(
                            "{}\n\nhelp: take an owned value, or {SKIP_HELP}",
                            cannot(format!(
                                "the type of `{param_name}` holds a borrow, and the twin's future \
                                 must be `'static`"
                            ))
                        ),
                    ));
                }
            }
            Pass::Copy(referent) | Pass::CopyOption(referent) => {
                check_referent(referent, &param_name, &cannot, errors);
            }
        }
    }

    let output = match &sig.output {
        syn::ReturnType::Type(_, ty) => &**ty,
        syn::ReturnType::Default => return,
    };
    if let Some(impl_trait) = types::first_impl_trait(output) {
        errors.push(error_with_help(
            impl_trait.impl_token,
            cannot(
                "it returns `impl Trait`, and nothing says that the hidden type can be sent back \
                 from the blocking pool"
                    .into(),
            ),
            format!("return a named type, or {SKIP_HELP}"),
        ));
    } else if let Some(borrow) = types::first_borrow(output) {
        errors.push(syn::Error::new_spanned(
            borrow,
            format!(
                "{}\n\nhelp: return an owned value, or {SKIP_HELP}",
                cannot(
                    "its return type borrows, but the result is sent back from the blocking pool \
                     and must be `'static`"
                        .into()
                )
            ),
        ));
    }
}

/// `T` of a `&T` argument: it is copied with `ToOwned`, so it must not borrow
/// itself and must have a `ToOwned` impl that can be named.
fn check_referent(
    referent: &Type,
    param_name: &str,
    cannot: &dyn Fn(String) -> String,
    errors: &mut Errors,
) {
    if let Some(borrow) = types::first_borrow(referent) {
        errors.push(syn::Error::new_spanned(
            borrow,
            format!(
                "{}\n\nhelp: take owned values (`&[String]` rather than `&[&str]`), or {SKIP_HELP}",
                cannot(format!(
                    "`{param_name}` is copied with `ToOwned` so that the twin's future borrows nothing, \
                     but its type borrows again inside the reference"
                ))
            ),
        ));
    } else if let Some(dyn_trait) = types::first_dyn(referent) {
        errors.push(error_with_help(
            dyn_trait,
            cannot(format!(
                "`{param_name}` is copied with `ToOwned` so that the twin's future borrows nothing, \
                 and a `dyn Trait` cannot be copied"
            )),
            format!("take a `Box<dyn Trait + Send>` or a generic parameter, or {SKIP_HELP}"),
        ));
    } else if let Some(impl_trait) = types::first_impl_trait(referent) {
        if !matches!(types::peel(referent), Type::ImplTrait(_)) {
            errors.push(error_with_help(
                impl_trait,
                cannot(format!(
                    "`{param_name}` has an `impl Trait` inside a reference, which the twin cannot copy"
                )),
                format!("use a named generic parameter, or {SKIP_HELP}"),
            ));
        }
    }
}

/// Every name a twin could collide with: the impl's own functions.
fn existing_names(input: &Input) -> HashMap<String, Ident> {
    input
        .item
        .items
        .iter()
        .filter_map(|item| match item {
            ImplItem::Fn(method) => Some((method.sig.ident.to_string(), method.sig.ident.clone())),
            _ => None,
        })
        .collect()
}

fn check_twin_name<'a>(
    method: &'a Method,
    names: &HashMap<String, Ident>,
    twins: &mut HashMap<String, &'a Ident>,
    errors: &mut Errors,
) {
    let twin = &method.twin;
    let key = twin.to_string();
    let name = &method.original.sig.ident;
    let help = "give the twin another name with `#[asyncify(rename = \"..\")]`, or add `#[asyncify(skip)]`";
    if let Some(existing) = names.get(&key) {
        errors.push(error_with_help(
            twin,
            format!("the twin of `{name}` would be named `{twin}`, like the method `{existing}` of this impl"),
            help,
        ));
    } else if let Some(first) = twins.insert(key, twin) {
        errors.push(error_with_help(
            twin,
            format!("the twin of `{name}` would be named `{twin}`, like the twin of another method (`{first}`)"),
            help,
        ));
    }
}

/// The keyword and name of an item, for errors about the whole item.
fn first_token(item: &Item) -> proc_macro2::TokenStream {
    match item {
        Item::Trait(item) => {
            let (token, ident) = (&item.trait_token, &item.ident);
            quote::quote!(#token #ident)
        }
        Item::Fn(item) => {
            let (fn_token, ident) = (&item.sig.fn_token, &item.sig.ident);
            quote::quote!(#fn_token #ident)
        }
        Item::Struct(item) => {
            let (token, ident) = (&item.struct_token, &item.ident);
            quote::quote!(#token #ident)
        }
        Item::Enum(item) => {
            let (token, ident) = (&item.enum_token, &item.ident);
            quote::quote!(#token #ident)
        }
        other => other.to_token_stream(),
    }
}
