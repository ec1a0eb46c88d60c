//! Every check, with all errors collected: a method that fails one gets no
//! twin (and an error pointing at the offending token), the others still do.

use std::collections::HashMap;

use quote::ToTokens;
use syn::{Ident, Item, Type};

use super::args::ImplOptions;
use super::ast::{self, Input, Kind, MutRef, Parsed, Pass, Receiver, Source, Status};
use super::errors::{Errors, SKIP_HELP, error_at_with_help, error_with_help};
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
        format!("`#[asyncify]` goes on an inherent impl block or a trait, not on {what}"),
        "put it on the block that defines the client's methods: `#[asyncify] impl Client { .. }`",
    )
}

/// Options that do not fit the item; `false` if there was one.
pub(crate) fn options(item: &ast::Item, options: &ImplOptions, errors: &mut Errors) -> bool {
    match item {
        ast::Item::Impl(_) => impl_options(options, errors),
        ast::Item::Trait(_) => trait_options(options, errors),
    }
}

/// Options that only make sense on a trait; `false` if there was one.
fn impl_options(options: &ImplOptions, errors: &mut Errors) -> bool {
    let Some(remote) = &options.remote else {
        return true;
    };
    errors.push(error_with_help(
        remote,
        "`remote` goes on a trait that declares the remote type's methods, not on an impl block",
        "declare them: `#[asyncify(remote = path::Client)] pub trait ClientAsync { fn get(&self, key: &str) -> R; }`",
    ));
    false
}

/// Options that do not fit a remote declaration; `false` if there was one.
fn trait_options(options: &ImplOptions, errors: &mut Errors) -> bool {
    match (&options.remote, &options.trait_name) {
        (Some(_), Some(trait_name)) => {
            errors.push(error_with_help(
                trait_name,
                "a remote declaration's twins go in the declared trait itself, so `trait_name` has nothing to name",
                "rename the trait instead, and remove `trait_name`",
            ));
            false
        }
        _ => true,
    }
}

/// Checks the impl and each method; returns the checked model, with only the
/// methods that get a twin and passed every check, or `None` if the impl
/// itself is unusable.
pub(crate) fn check<'a>(
    mut input: Input<'a>,
    methods: Vec<Parsed<'a>>,
    errors: &mut Errors,
) -> Option<Input<'a>> {
    let before = errors.len();
    check_impl(&input, errors);
    if errors.len() > before {
        return None;
    }

    let names = existing_names(&methods);
    let mut twins = HashMap::<String, &Ident>::new();
    let mut keep = Vec::with_capacity(methods.len());
    for method in &methods {
        let before = errors.len();
        check_options(method, errors);
        if method.status == Status::Twin {
            check_method(&input, method, errors);
            check_twin_name(&input, method, &names, &mut twins, errors);
        }
        keep.push(match method.status {
            _ if errors.len() > before => Keep::Drop,
            Status::Twin => Keep::Twin,
            // A remote declaration without a twin is still compared with the
            // real method.
            Status::Skipped | Status::Async => Keep::Declared,
            Status::Private => Keep::Drop,
        });
    }
    drop(twins);

    for (method, keep) in methods.into_iter().zip(keep) {
        match (keep, &mut input.source) {
            // `None` only for what `check_method` rejected above.
            (Keep::Twin, _) => input.methods.extend(method.checked()),
            (Keep::Declared, Source::Remote(remote)) => remote.declared.push(method),
            (Keep::Declared | Keep::Drop, _) => {}
        }
    }

    let needs_trait = input
        .methods
        .iter()
        .any(|method| !matches!(method.receiver, Receiver::None));
    if let (true, None, Source::Impl(item)) = (needs_trait, &input.trait_name, &input.source) {
        errors.push(error_with_help(
            &item.self_ty,
            "cannot name the generated trait after this type",
            "name it: `#[asyncify(trait_name = ClientAsync)]`",
        ));
        return None;
    }
    Some(input)
}

/// What becomes of a method after the checks.
enum Keep {
    Twin,
    /// Compared with the real method, in a remote declaration.
    Declared,
    Drop,
}

fn check_impl(input: &Input, errors: &mut Errors) {
    match &input.source {
        Source::Impl(item) => {
            if let Some((path, for_token)) = &item.trait_ {
                errors.push(error_with_help(
                    quote::quote!(#path #for_token),
                    "`#[asyncify]` goes on an inherent impl block, not on a trait impl",
                    "put it on the block that defines the client's own methods, \
                     `#[asyncify] impl Client { .. }`, or on the trait itself",
                ));
            }
        }
        Source::Remote(ast::RemoteSource { item, .. })
        | Source::Trait(ast::TraitSource { item, .. }) => {
            if let Some(token) = &item.unsafety {
                errors.push(error_with_help(
                    token,
                    "`#[asyncify]` cannot make twins of an `unsafe trait`'s methods",
                    "remove `#[asyncify]`",
                ));
            }
        }
    }
    for lifetime in input.generics.lifetimes() {
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

fn check_options(method: &Parsed, errors: &mut Errors) {
    let name = &method.sig.ident;
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

/// A parameter's pattern as an error names it: printed only when there is an
/// error (printing every parameter was 3% of the expansion of an impl of
/// SDK-like methods, in instructions).
struct PatName<'a>(&'a syn::Pat);

impl std::fmt::Display for PatName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&types::pretty(self.0))
    }
}

/// The start of every "cannot have a twin" message.
fn cannot(name: &Ident, why: impl std::fmt::Display) -> String {
    format!("`{name}` cannot have an async twin: {why}")
}

fn check_method(input: &Input, method: &Parsed, errors: &mut Errors) {
    let name = &method.sig.ident;

    check_source_rules(input, method, errors);

    for param in &method.params {
        let param_name = PatName(&param.original.pat);
        match &param.pass {
            Err(MutRef(reference)) => errors.push(error_with_help(
                reference,
                cannot(
                    name,
                    format_args!(
                        "`{param_name}` is a `&mut` borrow, and the twin's future must own \
                         everything it sends to the blocking pool"
                    ),
                ),
                format_args!("take the value and return it instead, or {SKIP_HELP}"),
            )),
            Ok(Pass::Move) => {
                if let Some(borrow) = types::first_borrow(&param.ty) {
                    errors.push(error_with_help(
                        borrow,
                        cannot(
                            name,
                            format_args!(
                                "the type of `{param_name}` holds a borrow, and the twin's future \
                                 must be `'static`"
                            ),
                        ),
                        format_args!("take an owned value, or {SKIP_HELP}"),
                    ));
                }
            }
            Ok(Pass::Copy(referent) | Pass::CopyOption(referent)) => {
                check_referent(referent, name, &param_name, errors);
            }
            Ok(Pass::Convert(_)) => {}
        }
    }

    check_kind(method, errors);
    let output = &method.output;
    if let Kind::Stream { item, implied, .. } = &method.kind {
        // `impl Iterator<Item = T> + '_`, `Rows<'_>`: consumed on the pool,
        // only the items cross (a named iterator's items are checked by the
        // compiler, at its type).
        if let Some(borrow) = types::first_borrow(item).filter(|_| *implied) {
            errors.push(error_with_help(
                borrow,
                cannot(
                    name,
                    "its items borrow, but each one is sent from the blocking pool to the \
                     stream and must be `'static`",
                ),
                format_args!("yield owned items, or {SKIP_HELP}"),
            ));
        }
    } else if let Some(impl_trait) = types::first_impl_trait(output) {
        errors.push(error_with_help(
            impl_trait.impl_token,
            cannot(
                name,
                "it returns `impl Trait`, and nothing says that the hidden type can be sent back \
                 from the blocking pool",
            ),
            format_args!("return a named type, or {SKIP_HELP}"),
        ));
    } else if let Some(borrow) = types::first_borrow(output) {
        errors.push(error_with_help(
            borrow,
            cannot(
                name,
                "its return type borrows, but the result is sent back from the blocking pool \
                 and must be `'static`",
            ),
            format_args!("return an owned value, or {SKIP_HELP}"),
        ));
    }
}

/// What a remote declaration or a trait's method must not have: a body (in a
/// declaration), or no `self`; and what no twin can be made of.
fn check_source_rules(input: &Input, method: &Parsed, errors: &mut Errors) {
    let sig = method.sig;
    let name = &sig.ident;
    match (&input.source, &method.receiver, method.default) {
        (Source::Remote(_), _, Some(body)) => errors.push(error_with_help(
            body,
            format!(
                "a remote declaration has no body: the twin of `{name}` calls the remote type's \
                 own `{name}`"
            ),
            "declare the signature only: end it with `;`",
        )),
        (Source::Trait(_), Ok(Receiver::None), _) => errors.push(error_with_help(
            &sig.ident,
            cannot(
                name,
                "it has no `self`, so the twin would have no handle to run it on",
            ),
            "call it inside `asyncify::unblock(move || ..)`, or add `#[asyncify(skip)]` to this method",
        )),
        _ => {}
    }

    if let syn::Safety::Unsafe(token) = &sig.safety {
        errors.push(error_with_help(
            token,
            cannot(
                name,
                "it is an `unsafe fn`, and its safety contract cannot be checked on another thread",
            ),
            SKIP_HELP,
        ));
    }

    if let Err(receiver) = &method.receiver {
        let why = match &receiver.kind {
            syn::ReceiverKind::Typed(_, ty) => format!(
                "it takes `self: {}`; twins work with `&self` and `&mut self`, which a handle can lend",
                types::pretty(ty)
            ),
            _ => "it takes `self` by value, but a handle only lends the client (`&self` or `&mut self`), \
                  so the twin cannot consume it"
                .to_owned(),
        };
        errors.push(error_with_help(receiver, cannot(name, why), SKIP_HELP));
    }
}

/// `stream` and `buffer`: a stream twin needs an iterator and a handle.
fn check_kind(method: &Parsed, errors: &mut Errors) {
    let name = &method.sig.ident;
    match &method.kind {
        Kind::Future => {
            if let Some(buffer) = &method.options.buffer {
                errors.push(error_with_help(
                    buffer,
                    format!(
                        "`buffer` sizes the stream of a method that returns an iterator, and `{name}` \
                         returns none"
                    ),
                    "add `stream` if the method returns an `IntoIterator` type, or remove `buffer`",
                ));
            }
        }
        Kind::Stream { implied, .. } => {
            if let Some(span) = method.options.instrument {
                errors.push(error_at_with_help(
                    span,
                    format!(
                        "`instrument` gives an `_async` twin's call its own span, and `{name}` gets a \
                         stream twin, whose items are produced in the caller's span"
                    ),
                    "remove `instrument` from this method",
                ));
            }
            if let Ok(Receiver::None) = method.receiver {
                errors.push(error_with_help(
                    name,
                    cannot(
                        name,
                        "it returns an iterator but has no `self`; stream twins are made for \
                         methods of a client",
                    ),
                    SKIP_HELP,
                ));
            }
            if !implied && matches!(method.sig.output, syn::ReturnType::Default) {
                let span = method
                    .options
                    .stream
                    .unwrap_or_else(proc_macro2::Span::call_site);
                errors.push(error_at_with_help(
                    span,
                    format!(
                        "`stream` makes a stream of the iterator a method returns, and `{name}` \
                         returns nothing"
                    ),
                    "remove `stream`",
                ));
            }
        }
    }
}

/// `T` of a `&T` argument: it is copied with `ToOwned`, so it must not borrow
/// itself and must have a `ToOwned` impl that can be named.
fn check_referent(
    referent: &Type,
    name: &Ident,
    param_name: &dyn std::fmt::Display,
    errors: &mut Errors,
) {
    if let Some(borrow) = types::first_borrow(referent) {
        errors.push(error_with_help(
            borrow,
            cannot(
                name,
                format_args!(
                    "`{param_name}` is copied with `ToOwned` so that the twin's future borrows nothing, \
                     but its type borrows again inside the reference"
                ),
            ),
            format_args!("take owned values (`&[String]` rather than `&[&str]`), or {SKIP_HELP}"),
        ));
    } else if let Some(dyn_trait) = types::first_dyn(referent) {
        errors.push(error_with_help(
            dyn_trait,
            cannot(
                name,
                format_args!(
                    "`{param_name}` is copied with `ToOwned` so that the twin's future borrows nothing, \
                     and a `dyn Trait` cannot be copied"
                ),
            ),
            format_args!("take a `Box<dyn Trait + Send>` or a generic parameter, or {SKIP_HELP}"),
        ));
    } else if let Some(impl_trait) = types::first_impl_trait(referent) {
        if !matches!(types::peel(referent), Type::ImplTrait(_)) {
            errors.push(error_with_help(
                impl_trait,
                cannot(
                    name,
                    format_args!(
                        "`{param_name}` has an `impl Trait` inside a reference, which the twin cannot copy"
                    ),
                ),
                format_args!("use a named generic parameter, or {SKIP_HELP}"),
            ));
        }
    }
}

/// Every name a twin could collide with: the impl's or trait's own
/// functions (in a remote declaration, the remote type's own: a twin named
/// like one of them would be hidden behind it when called on a client that is
/// its own handle).
fn existing_names(methods: &[Parsed]) -> HashMap<String, Ident> {
    methods
        .iter()
        .map(|method| (method.sig.ident.to_string(), method.sig.ident.clone()))
        .collect()
}

fn check_twin_name<'a>(
    input: &Input,
    method: &'a Parsed,
    names: &HashMap<String, Ident>,
    twins: &mut HashMap<String, &'a Ident>,
    errors: &mut Errors,
) {
    let twin = &method.twin;
    let key = twin.to_string();
    let name = &method.sig.ident;
    let help = "give the twin another name with `#[asyncify(rename = \"..\")]`, or add `#[asyncify(skip)]`";
    if let Some(existing) = names.get(&key) {
        errors.push(error_with_help(
            twin,
            format!(
                "the twin of `{name}` would be named `{twin}`, like the method `{existing}` {}",
                match &input.source {
                    Source::Impl(_) => "of this impl".to_owned(),
                    Source::Trait(_) => "of this trait".to_owned(),
                    Source::Remote(_) => format!(
                        "of `{}` declared in this trait",
                        input.type_path.as_deref().unwrap_or("the remote type")
                    ),
                }
            ),
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
