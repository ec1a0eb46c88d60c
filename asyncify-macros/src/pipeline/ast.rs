//! A model of what `#[asyncify]` was put on: which kind of source it is and
//! what that changes ([`Source`], settled here once), its methods, what each
//! one's twin is called, and how each parameter crosses to the blocking pool.
//! Nodes keep the `original` syntax so that errors can point at what the user
//! wrote; the later stages read the model, not the syntax.
//!
//! The model is built before the checks ([`Parsed`]: a parameter may be a
//! `&mut` borrow, a receiver may be `self`); `valid::check` turns it into the
//! checked [`Input`], whose methods ([`Method`]) cannot hold what it rejected.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use quote::format_ident;
use quote::quote;
use syn::visit_mut::VisitMut;
use syn::{
    FnArg, Generics, Ident, ImplItem, ItemImpl, ItemTrait, Pat, PatType, ReturnType, Signature,
    TraitItem, Type, TypeParamBound, Visibility, parse_quote,
};

use super::args::{ImplOptions, MethodOptions};
use super::types::{self, ReplaceSelf};

/// The item `#[asyncify]` was put on, as syn reads it: what is given back
/// (without the helper attributes) and what the model borrows.
pub(crate) enum Item {
    Impl(ItemImpl),
    Trait(ItemTrait),
}

impl Item {
    pub(crate) fn into_token_stream(self) -> TokenStream {
        match self {
            Item::Impl(item) => item.into_token_stream(),
            Item::Trait(item) => item.into_token_stream(),
        }
    }
}

/// What `#[asyncify]` was put on, and what each kind of source decides for
/// the generated code: `expand` matches on it once.
pub(crate) enum Source<'a> {
    /// `#[asyncify] impl Client { .. }`: the type's own methods. The impl is
    /// given back as written; the trait of twins is as visible as the widest
    /// of its methods, and its blanket impl is for every `H: Offload<Client>`;
    /// functions without `self` get inherent twins.
    Impl(&'a ItemImpl),
    /// `#[asyncify] trait Storage { .. }`: the trait is given back, and its
    /// twins go in `StorageAsync`, for every handle of an implementor.
    Trait(TraitSource<'a>),
    /// `#[asyncify(remote = path::Client)] trait ClientAsync { .. }`:
    /// declarations of another crate's methods, replaced by the trait of
    /// twins, with the declared arguments and results checked against the
    /// real ones.
    Remote(RemoteSource<'a>),
}

pub(crate) struct TraitSource<'a> {
    pub(crate) item: &'a ItemTrait,
    /// The generated trait's supertrait, which its blanket impl asks of the
    /// handle: `ClientHandle<Client: Storage<T>>`.
    pub(crate) client: TokenStream,
}

pub(crate) struct RemoteSource<'a> {
    pub(crate) item: &'a ItemTrait,
    /// The declarations without a twin (`#[asyncify(skip)]`, `async fn`),
    /// still checked against the real type (set by `valid::check`).
    pub(crate) declared: Vec<Parsed<'a>>,
}

/// The model. Its methods are checked ones: [`Input::new`] gives the
/// [`Parsed`] methods apart, and `valid::check` adds those that pass.
pub(crate) struct Input<'a> {
    pub(crate) source: Source<'a>,
    /// The impl's or the trait's generics, which the generated trait repeats.
    pub(crate) generics: &'a Generics,
    /// The impl's or the trait's attributes (for `#[cfg]`).
    pub(crate) attrs: &'a [syn::Attribute],
    /// The client type: the impl's self type, without parentheses; the remote
    /// type; or, for a trait, the implementor behind the handle,
    /// `<Self as ClientHandle>::Client`.
    pub(crate) self_ty: Type,
    /// What a method is called on: `<Client>` or, for a trait,
    /// `<<Self as ClientHandle>::Client as Storage>`.
    pub(crate) call_ty: TokenStream,
    /// The client's name: the last segment of its path (`Storage` in
    /// `db::Storage<T>`), or the trait's name.
    pub(crate) type_name: Option<Ident>,
    /// The self type's path without generic arguments (`db::Storage` for
    /// `db::Storage<T>`), or the trait's name, for doc links and messages.
    pub(crate) type_path: Option<String>,
    /// The generated trait's name, unless the self type has no name to base
    /// it on and none was given.
    pub(crate) trait_name: Option<Ident>,
    /// Whether the calls are checked against declarations (a remote type's
    /// methods are not seen): each argument passes through `declared` at its
    /// declared type, the result through `returns`, and the call is reported
    /// at the declared name.
    pub(crate) declared_calls: bool,
    /// Whether the item is replaced by the trait of twins (a remote
    /// declaration), rather than given back as written; it is given back when
    /// the trait cannot be made.
    pub(crate) replaced: bool,
    /// `instrument` on the impl or trait.
    pub(crate) instrument: Option<Span>,
    pub(crate) methods: Vec<Method<'a>>,
}

/// A method as read, before the checks: a parameter may be a `&mut` borrow
/// ([`MutRef`]), a receiver `self` or `self: Box<Self>`.
pub(crate) type Parsed<'a> =
    Method<'a, Result<Pass, MutRef>, Result<Receiver, &'a syn::Receiver>, ()>;

/// A method. `P` is how each parameter crosses, `R` the receiver and `L` what
/// a stream twin's handle lends: after the checks a [`Pass`], a [`Receiver`]
/// and a [`Lender`]; before them ([`Parsed`]) what `valid` may reject, and
/// nothing for `L`.
pub(crate) struct Method<'a, P = Pass, R = Receiver, L = Lender> {
    /// What does not change with the checks (its fields read as the
    /// method's own, through `Deref`).
    pub(crate) function: Function<'a>,
    pub(crate) receiver: R,
    pub(crate) kind: Kind<L>,
    pub(crate) params: Vec<Param<'a, P>>,
}

/// The parts of a [`Method`] that the checks leave as they are.
pub(crate) struct Function<'a> {
    pub(crate) attrs: &'a [syn::Attribute],
    /// `None` for a method of a trait, which has no visibility of its own.
    pub(crate) vis: Option<&'a Visibility>,
    pub(crate) sig: &'a Signature,
    /// A trait method's default body.
    pub(crate) default: Option<&'a syn::Block>,
    pub(crate) options: MethodOptions,
    pub(crate) status: Status,
    /// The twin's name: `{name}{suffix}`, or the `rename`.
    pub(crate) twin: Ident,
    /// The method's generics, `Self` replaced.
    pub(crate) generics: Generics,
    /// Type parameters of the impl and the method.
    pub(crate) generic_names: HashSet<Ident>,
    /// The return type, `Self` replaced; `()` when there is none.
    pub(crate) output: Type,
}

impl<'a, P, R, L> std::ops::Deref for Method<'a, P, R, L> {
    type Target = Function<'a>;

    fn deref(&self) -> &Function<'a> {
        &self.function
    }
}

/// What the twin returns.
pub(crate) enum Kind<L = Lender> {
    /// A future of the method's result: `name_async`.
    Future,
    /// A stream of the items of the returned iterator: `name_stream`.
    Stream {
        /// The item type: `T` of `impl Iterator<Item = T>`, or
        /// `<R as IntoIterator>::Item`.
        item: Box<Type>,
        /// How many items are kept ready for the consumer.
        buffer: usize,
        /// The method returns `impl Iterator`, rather than being marked
        /// `#[asyncify(stream)]`.
        implied: bool,
        /// What the handle lends the iteration.
        lender: L,
    },
}

/// The client a stream twin's handle lends: a stream of a function without
/// `self` is rejected, so the checked model has none.
#[derive(Clone, Copy)]
pub(crate) enum Lender {
    /// `&self`: `stream`.
    Shared,
    /// `&mut self`: `stream_mut`.
    Mut,
}

/// Items a stream twin keeps ready unless `buffer` says otherwise.
pub(crate) const DEFAULT_BUFFER: usize = 16;

/// Whether a method gets a twin, and if not, why.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Twin,
    /// Not `pub` in any form: left alone.
    Private,
    /// Already `async fn`: left alone.
    Async,
    /// `#[asyncify(skip)]`.
    Skipped,
}

/// A receiver a handle can lend (the others are rejected: `self`,
/// `self: Box<Self>`).
pub(crate) enum Receiver {
    /// An associated function: its twin is an inherent function.
    None,
    /// `&self`: its twin goes through `Offload`.
    Shared(SelfRef),
    /// `&mut self`: its twin goes through `OffloadMut`.
    Mut(SelfRef),
}

/// The tokens of `&'a mut self` (or `self: &'a mut Self`), which the twin
/// repeats.
pub(crate) struct SelfRef {
    pub(crate) and: syn::Token![&],
    pub(crate) lifetime: Option<syn::Lifetime>,
    pub(crate) mutability: Option<syn::Token![mut]>,
}

pub(crate) struct Param<'a, P = Pass> {
    pub(crate) original: &'a PatType,
    /// The twin's name for it: the user's when the pattern is a plain
    /// identifier.
    pub(crate) name: Ident,
    /// Its type, `Self` replaced.
    pub(crate) ty: Type,
    pub(crate) pass: P,
}

/// How an argument reaches the blocking call.
pub(crate) enum Pass {
    /// Moved into the call (owned values, `&'static T`).
    Move,
    /// `&T`: copied with `ToOwned` when the twin is called, borrowed back in
    /// the call. Holds `T`.
    Copy(Type),
    /// `Option<&T>`: likewise inside the option. Holds `T`.
    CopyOption(Type),
    /// A parameter whose only bound is a conversion (`P: AsRef<Path>`,
    /// `impl AsRef<str>`, `impl Into<String>`): converted when the twin is
    /// called, so the caller can pass `&path` and the future still owns
    /// everything.
    Convert(Conversion),
}

/// `&mut T` or `Option<&mut T>`, which cannot be made async. Holds the
/// `&mut T`, for the error.
pub(crate) struct MutRef(pub(crate) TokenStream);

/// How a [`Pass::Convert`] argument is converted on the caller's side.
pub(crate) struct Conversion {
    pub(crate) kind: ConversionKind,
    /// `T` of `AsRef<T>` or `Into<T>`.
    pub(crate) target: Type,
    /// `P` when the parameter's type is the method's type parameter `P`
    /// (the call then names the converted type in its place); `None` for
    /// `impl Trait`.
    pub(crate) generic: Option<Ident>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConversionKind {
    /// `AsRef<T>`: `T::to_owned(arg.as_ref())`, a `T::Owned`, which is
    /// `AsRef<T>` again.
    AsRef,
    /// `Into<T>`: `arg.into()`, a `T`, which is `Into<T>` again.
    Into,
}

impl Conversion {
    /// The type the blocking call receives: `<T as ToOwned>::Owned` or `T`.
    pub(crate) fn converted_type(&self) -> TokenStream {
        let target = &self.target;
        match self.kind {
            ConversionKind::AsRef => {
                quote!(<#target as ::asyncify::__private::ToOwned>::Owned)
            }
            ConversionKind::Into => quote!(#target),
        }
    }
}

/// What differs between the sources in how the model is built.
struct Shape<'a> {
    source: Source<'a>,
    generics: &'a Generics,
    attrs: &'a [syn::Attribute],
    self_ty: Type,
    call_ty: TokenStream,
    /// The trait whose associated types `Self::Name` names (for a trait).
    as_trait: Option<syn::Path>,
    type_name: Option<Ident>,
    trait_name: Option<Ident>,
}

impl<'a> Input<'a> {
    /// The model of `item`, without methods, and its methods before the
    /// checks; `method_options` holds the options of each of its functions,
    /// in order.
    pub(crate) fn new(
        item: &'a Item,
        options: &ImplOptions,
        method_options: Vec<MethodOptions>,
    ) -> (Self, Vec<Parsed<'a>>) {
        let (shape, functions) = match item {
            Item::Impl(item) => (Shape::of_impl(item, options), functions_of_impl(item)),
            Item::Trait(item) => (Shape::of_trait(item, options), functions_of_trait(item)),
        };
        let Shape {
            source,
            generics,
            attrs,
            self_ty,
            call_ty,
            as_trait,
            type_name,
            trait_name,
        } = shape;
        let mut generic_names: HashSet<Ident> = generics
            .type_params()
            .map(|param| param.ident.clone())
            .collect();
        if as_trait.is_some() {
            // The implementor is a parameter of the blanket impl.
            generic_names.insert(Ident::new("Self", Span::call_site()));
        }
        let replace_self = ReplaceSelf {
            ty: &self_ty,
            as_trait: as_trait.as_ref(),
        };
        let methods: Vec<Parsed> = functions
            .into_iter()
            .zip(method_options)
            .map(|(function, method_options)| {
                Method::from_syn(
                    function,
                    method_options,
                    &replace_self,
                    &generic_names,
                    options,
                )
            })
            .collect();
        let type_path = match &source {
            Source::Trait(source) => Some(source.item.ident.to_string()),
            Source::Impl(_) | Source::Remote(_) => path_of(&self_ty),
        };
        let remote = matches!(source, Source::Remote(_));
        let input = Input {
            source,
            generics,
            attrs,
            call_ty,
            self_ty,
            type_name,
            type_path,
            trait_name,
            declared_calls: remote,
            replaced: remote,
            instrument: options.instrument,
            methods: Vec::new(),
        };
        (input, methods)
    }
}

impl<'a> Shape<'a> {
    fn of_impl(item: &'a ItemImpl, options: &ImplOptions) -> Self {
        let mut self_ty = types::peel(&item.self_ty).clone();
        if let Type::TraitObject(object) = &mut self_ty {
            // `impl Client + { .. }` parses (rustc rejects it later, as a
            // trait object without `dyn`), but its trailing `+` cannot be
            // printed inside the generated `Offload<..>`: found by
            // tests/tests/macro_fuzz.rs.
            object.bounds.pop_punct();
        }
        let type_name = last_segment(&self_ty);
        if let Type::TraitObject(object) = &self_ty {
            // `impl '_ + Client { .. }` (a lifetime first) cannot be printed
            // bare inside `Offload<..>` either: in parentheses it can (also
            // found by the fuzz test; rustc rejects the impl itself).
            if object.dyn_token.is_none() {
                self_ty = syn::parse_quote!((#self_ty));
            }
        }
        let trait_name = options.trait_name.clone().or_else(|| {
            type_name
                .as_ref()
                .map(|name| format_ident!("{}Async", name))
        });
        Shape {
            source: Source::Impl(item),
            generics: &item.generics,
            attrs: &item.attrs,
            call_ty: quote!(<#self_ty>),
            self_ty,
            as_trait: None,
            type_name,
            trait_name,
        }
    }

    /// `remote` says which type a trait declares the methods of; without it,
    /// the trait's implementors get twins.
    fn of_trait(item: &'a ItemTrait, options: &ImplOptions) -> Self {
        let ident = &item.ident;
        if let Some(remote) = &options.remote {
            let self_ty = types::peel(remote).clone();
            return Shape {
                source: Source::Remote(RemoteSource {
                    item,
                    declared: Vec::new(),
                }),
                generics: &item.generics,
                attrs: &item.attrs,
                call_ty: quote!(<#self_ty>),
                type_name: last_segment(&self_ty),
                self_ty,
                as_trait: None,
                trait_name: Some(ident.clone()),
            };
        }
        let (_, ty_generics, _) = item.generics.split_for_impl();
        let self_ty: Type = parse_quote!(<Self as ::asyncify::__private::ClientHandle>::Client);
        let as_trait: syn::Path = parse_quote!(#ident #ty_generics);
        let client = quote!(::asyncify::__private::ClientHandle<Client: #ident #ty_generics>);
        Shape {
            source: Source::Trait(TraitSource { item, client }),
            generics: &item.generics,
            attrs: &item.attrs,
            call_ty: quote!(<#self_ty as #as_trait>),
            self_ty,
            as_trait: Some(as_trait),
            type_name: Some(ident.clone()),
            trait_name: options
                .trait_name
                .clone()
                .or_else(|| Some(format_ident!("{}Async", ident))),
        }
    }
}

/// A method of an impl or a trait.
#[derive(Clone, Copy)]
struct Fn<'a> {
    attrs: &'a [syn::Attribute],
    vis: Option<&'a Visibility>,
    sig: &'a Signature,
    default: Option<&'a syn::Block>,
}

fn functions_of_impl(item: &ItemImpl) -> Vec<Fn<'_>> {
    let functions = item.items.iter().filter_map(|item| match item {
        ImplItem::Fn(method) => Some((&method.attrs, Some(&method.vis), &method.sig, None)),
        _ => None,
    });
    functions.map(Fn::from).collect()
}

fn functions_of_trait(item: &ItemTrait) -> Vec<Fn<'_>> {
    let functions = item.items.iter().filter_map(|item| match item {
        TraitItem::Fn(method) => Some((&method.attrs, None, &method.sig, method.default.as_ref())),
        _ => None,
    });
    functions.map(Fn::from).collect()
}

type FnParts<'a> = (
    &'a Vec<syn::Attribute>,
    Option<&'a Visibility>,
    &'a Signature,
    Option<&'a syn::Block>,
);

impl<'a> From<FnParts<'a>> for Fn<'a> {
    fn from((attrs, vis, sig, default): FnParts<'a>) -> Self {
        Fn {
            attrs,
            vis,
            sig,
            default,
        }
    }
}

fn last_segment(ty: &Type) -> Option<Ident> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .map(|segment| segment.ident.clone()),
        _ => None,
    }
}

/// A type's path without generic arguments (`db::Storage` for
/// `db::Storage<T>`).
fn path_of(ty: &Type) -> Option<String> {
    let Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    let leading = if path.path.leading_colon.is_some() {
        "::"
    } else {
        ""
    };
    Some(format!("{leading}{}", segments.join("::")))
}

impl<'a> Parsed<'a> {
    fn from_syn(
        function: Fn<'a>,
        options: MethodOptions,
        replace_self: &ReplaceSelf,
        impl_generics: &HashSet<Ident>,
        impl_options: &ImplOptions,
    ) -> Self {
        let Fn {
            attrs,
            vis,
            sig,
            default,
        } = function;
        let status = if matches!(vis, Some(Visibility::Inherited)) {
            Status::Private
        } else if sig.asyncness.is_some() {
            Status::Async
        } else if options.skip.is_some() {
            Status::Skipped
        } else {
            Status::Twin
        };
        let receiver = Receiver::of(sig);

        let mut replace_self = *replace_self;
        let mut generics = sig.generics.clone();
        replace_self.visit_generics_mut(&mut generics);
        let mut generic_names = impl_generics.clone();
        generic_names.extend(generics.type_params().map(|param| param.ident.clone()));

        let mut params = sig
            .inputs
            .iter()
            .filter_map(|arg| match arg {
                FnArg::Typed(pat_type) => Some(pat_type),
                FnArg::Receiver(_) => None,
            })
            .enumerate()
            .map(|(index, original)| {
                let mut ty = (*original.ty).clone();
                replace_self.visit_type_mut(&mut ty);
                Param {
                    original,
                    name: param_name(&original.pat, index),
                    pass: Pass::of(&ty),
                    ty,
                }
            })
            .collect::<Vec<_>>();

        let mut output = match &sig.output {
            ReturnType::Default => syn::parse_quote!(()),
            ReturnType::Type(_, ty) => (**ty).clone(),
        };
        replace_self.visit_type_mut(&mut output);

        for index in 0..params.len() {
            if let Ok(Pass::Move) = params[index].pass {
                if let Some(conversion) =
                    conversion(index, &params, &output, &generics, &generic_names)
                {
                    params[index].pass = Ok(Pass::Convert(conversion));
                }
            }
        }

        let buffer = options
            .buffer
            .as_ref()
            .and_then(|lit| lit.base10_parse().ok())
            .unwrap_or(DEFAULT_BUFFER);
        let kind = match (types::iterator_item(&output), options.stream) {
            (Some(item), _) => Kind::Stream {
                item: Box::new(item.clone()),
                buffer,
                implied: true,
                lender: (),
            },
            (None, Some(_)) => Kind::Stream {
                item: Box::new(parse_quote!(<#output as ::core::iter::IntoIterator>::Item)),
                buffer,
                implied: false,
                lender: (),
            },
            (None, None) => Kind::Future,
        };
        let suffix = match kind {
            Kind::Future => &impl_options.suffix,
            Kind::Stream { .. } => &impl_options.stream_suffix,
        };
        let twin = options
            .rename
            .clone()
            .unwrap_or_else(|| format_ident!("{}{}", sig.ident, suffix, span = sig.ident.span()));

        Method {
            function: Function {
                attrs,
                vis,
                sig,
                default,
                options,
                status,
                twin,
                generics,
                generic_names,
                output,
            },
            receiver,
            kind,
            params,
        }
    }

    /// The method as `valid` passes it on, if nothing in it was rejected.
    pub(crate) fn checked(self) -> Option<Method<'a>> {
        let Method {
            function,
            receiver,
            kind,
            params,
        } = self;
        let params = params
            .into_iter()
            .map(|param| {
                Some(Param {
                    original: param.original,
                    name: param.name,
                    ty: param.ty,
                    pass: param.pass.ok()?,
                })
            })
            .collect::<Option<_>>()?;
        let receiver = receiver.ok()?;
        let kind = match kind {
            Kind::Future => Kind::Future,
            Kind::Stream {
                item,
                buffer,
                implied,
                lender: (),
            } => Kind::Stream {
                item,
                buffer,
                implied,
                lender: match receiver {
                    Receiver::None => return None,
                    Receiver::Shared(_) => Lender::Shared,
                    Receiver::Mut(_) => Lender::Mut,
                },
            },
        };
        Some(Method {
            function,
            receiver,
            kind,
            params,
        })
    }
}

impl Function<'_> {
    /// `Storage::get_async`, for messages at run time.
    pub(crate) fn display_name(&self, type_name: Option<&Ident>) -> String {
        match type_name {
            Some(type_name) => format!("{type_name}::{}", self.twin),
            None => self.twin.to_string(),
        }
    }
}

impl Receiver {
    /// The receiver of `sig`, or the one a handle cannot lend.
    fn of(sig: &Signature) -> Result<Self, &syn::Receiver> {
        let Some(receiver) = sig.receiver() else {
            return Ok(Receiver::None);
        };
        let reference = match &receiver.kind {
            syn::ReceiverKind::Reference(and, lifetime, mutability) => SelfRef {
                and: *and,
                lifetime: lifetime.clone(),
                mutability: *mutability,
            },
            syn::ReceiverKind::Typed(_, ty) => match types::peel(ty) {
                Type::Reference(reference) if is_self(&reference.elem) => SelfRef {
                    and: reference.and_token,
                    lifetime: reference.lifetime.clone(),
                    mutability: reference.mutability,
                },
                _ => return Err(receiver),
            },
            _ => return Err(receiver),
        };
        Ok(if reference.mutability.is_some() {
            Receiver::Mut(reference)
        } else {
            Receiver::Shared(reference)
        })
    }
}

impl Pass {
    fn of(ty: &Type) -> Result<Pass, MutRef> {
        let reference = match types::peel(ty) {
            Type::Reference(reference) => reference,
            other => match types::option_of_ref(other) {
                Some(reference) if reference.mutability.is_some() => {
                    return Err(MutRef(reference.to_token_stream()));
                }
                Some(reference) if !is_static(reference.lifetime.as_ref()) => {
                    return Ok(Pass::CopyOption((*reference.elem).clone()));
                }
                _ => return Ok(Pass::Move),
            },
        };
        if reference.mutability.is_some() {
            Err(MutRef(reference.to_token_stream()))
        } else if is_static(reference.lifetime.as_ref()) {
            Ok(Pass::Move)
        } else {
            Ok(Pass::Copy((*reference.elem).clone()))
        }
    }
}

fn is_static(lifetime: Option<&syn::Lifetime>) -> bool {
    lifetime.is_some_and(|lifetime| lifetime.ident == "static")
}

fn is_self(ty: &Type) -> bool {
    matches!(types::peel(ty), Type::Path(path) if path.qself.is_none() && path.path.is_ident("Self"))
}

/// The user's name for a parameter when it is a plain identifier (without
/// `mut`), else `arg{index}`.
fn param_name(pat: &Pat, index: usize) -> Ident {
    match pat {
        Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => pat.ident.clone(),
        _ => format_ident!("arg{}", index, span = Span::mixed_site()),
    }
}

/// In a remote declaration, `pub fn get(..);` (copied as the type's docs
/// write it) is read as `fn get(..);`: the visibility of the twins is the
/// trait's, and plain Rust would reject a `pub` in a trait. syn gives such an
/// item back as verbatim tokens; this turns it into a method again.
pub(crate) fn accept_visibility(item: &mut Item) {
    let Item::Trait(item) = item else {
        return;
    };
    for trait_item in &mut item.items {
        let TraitItem::Verbatim(tokens) = trait_item else {
            continue;
        };
        let parsed = syn::parse::Parser::parse2(
            |input: syn::parse::ParseStream| {
                let mut attrs = input.call(syn::Attribute::parse_outer)?;
                let _: Visibility = input.parse()?;
                let mut method: syn::TraitItemFn = input.parse()?;
                attrs.append(&mut method.attrs);
                method.attrs = attrs;
                Ok(method)
            },
            tokens.clone(),
        );
        if let Ok(method) = parsed {
            *trait_item = TraitItem::Fn(method);
        }
    }
}

/// Whether the `index`th parameter is converted on the caller's side
/// ([`Pass::Convert`]), and how.
///
/// The rule: its type is `impl Conv<T>`, or a type parameter `P` of the
/// method whose only bound is `Conv<T>` and that appears nowhere else in the
/// signature, where `Conv` is `AsRef` or `Into` and `T` is a type that is
/// neither generic nor borrowed. The twin then takes the same `P` (no `Send`
/// or `'static` bound: `&path` works), converts it before the future is made,
/// and the call gets `T::Owned` (or `T`), which satisfies the bound again.
fn conversion<P>(
    index: usize,
    params: &[Param<P>],
    output: &Type,
    generics: &Generics,
    generic_names: &HashSet<Ident>,
) -> Option<Conversion> {
    let ty = types::peel(&params[index].ty);
    let (bound, generic) = match ty {
        Type::ImplTrait(impl_trait) => (single_bound(impl_trait.bounds.iter())?, None),
        Type::Path(path) if path.qself.is_none() => {
            let ident = path.path.get_ident()?;
            let param = generics.type_params().find(|param| param.ident == *ident)?;
            let mut bounds: Vec<&TypeParamBound> = param.bounds.iter().collect();
            let mut others = Vec::new();
            for predicate in generics
                .where_clause
                .iter()
                .flat_map(|clause| &clause.predicates)
            {
                match predicate {
                    syn::WherePredicate::Type(predicate)
                        if predicate.lifetimes.is_none()
                            && matches!(types::peel(&predicate.bounded_ty),
                                Type::Path(bounded) if bounded.qself.is_none()
                                    && bounded.path.is_ident(ident)) =>
                    {
                        bounds.extend(predicate.bounds.iter());
                    }
                    other => others.push(other.to_token_stream()),
                }
            }
            for other in &generics.params {
                match other {
                    syn::GenericParam::Type(other) if other.ident == *ident => {
                        if other.default.is_some() {
                            return None;
                        }
                    }
                    other => others.push(other.to_token_stream()),
                }
            }
            // `P` stands for this argument only: the call can be given the
            // converted type in its place.
            let elsewhere = params
                .iter()
                .enumerate()
                .filter(|(other, _)| *other != index)
                .map(|(_, param)| param.ty.to_token_stream())
                .chain(others)
                .chain(std::iter::once(output.to_token_stream()));
            for tokens in elsewhere {
                if mentions_ident(tokens, ident) {
                    return None;
                }
            }
            (single_bound(bounds.into_iter())?, Some(ident.clone()))
        }
        _ => return None,
    };
    let last = bound.path.segments.last()?;
    let kind = if last.ident == "AsRef" {
        ConversionKind::AsRef
    } else if last.ident == "Into" {
        ConversionKind::Into
    } else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let target = match args.args.iter().collect::<Vec<_>>()[..] {
        [syn::GenericArgument::Type(target)] => target.clone(),
        _ => return None,
    };
    if types::mentions(&target, generic_names)
        || types::first_borrow(&target).is_some()
        || types::first_impl_trait(&target).is_some()
    {
        return None;
    }
    Some(Conversion {
        kind,
        target,
        generic,
    })
}

/// The one trait bound in `bounds` (no `?Sized`, no lifetime, no `for<..>`).
fn single_bound<'b>(
    mut bounds: impl Iterator<Item = &'b TypeParamBound>,
) -> Option<&'b syn::TraitBound> {
    let first = bounds.next()?;
    if bounds.next().is_some() {
        return None;
    }
    match first {
        TypeParamBound::Trait(bound) if bound.lifetimes.is_none() && bound.maybe.is_none() => {
            Some(bound)
        }
        _ => None,
    }
}

/// Whether `ident` occurs anywhere in `tokens`.
fn mentions_ident(tokens: TokenStream, ident: &Ident) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(other) => other == *ident,
        proc_macro2::TokenTree::Group(group) => mentions_ident(group.stream(), ident),
        _ => false,
    })
}
