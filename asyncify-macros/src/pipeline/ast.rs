//! A model of the `impl` block (or trait): its methods, what each one's twin is called,
//! and how each parameter crosses to the blocking pool. Nodes keep the
//! `original` syntax so that errors can point at what the user wrote.

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

/// What `#[asyncify]` was put on.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// `#[asyncify] impl Client { .. }`: the type's own methods.
    Impl(&'a ItemImpl),
    /// `#[asyncify(remote = path::Client)] trait ClientAsync { .. }`:
    /// declarations of another crate's methods; the trait is replaced by the
    /// trait of twins.
    Remote(&'a ItemTrait),
    /// `#[asyncify] trait Storage { .. }`: the trait is kept, and its twins go
    /// in `StorageAsync`, for every handle of an implementor.
    Trait(&'a ItemTrait),
}

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
    /// The generated trait's name, unless the self type has no name to base
    /// it on and none was given.
    pub(crate) trait_name: Option<Ident>,
    /// `instrument` on the impl or trait.
    pub(crate) instrument: Option<Span>,
    pub(crate) methods: Vec<Method<'a>>,
    /// In a remote declaration, the declarations without a twin
    /// (`#[asyncify(skip)]`, `async fn`), still checked against the real
    /// type (set by `valid::check`).
    pub(crate) checked: Vec<Method<'a>>,
}

pub(crate) struct Method<'a> {
    pub(crate) attrs: &'a [syn::Attribute],
    /// `None` for a method of a trait, which has no visibility of its own.
    pub(crate) vis: Option<&'a Visibility>,
    pub(crate) sig: &'a Signature,
    /// A trait method's default body.
    pub(crate) default: Option<&'a syn::Block>,
    pub(crate) options: MethodOptions,
    pub(crate) status: Status,
    pub(crate) receiver: Receiver<'a>,
    pub(crate) kind: Kind,
    /// The twin's name: `{name}{suffix}`, or the `rename`.
    pub(crate) twin: Ident,
    /// The method's generics, `Self` replaced.
    pub(crate) generics: Generics,
    /// Type parameters of the impl and the method.
    pub(crate) generic_names: HashSet<Ident>,
    pub(crate) params: Vec<Param<'a>>,
    /// The return type, `Self` replaced; `()` when there is none.
    pub(crate) output: Type,
}

/// What the twin returns.
pub(crate) enum Kind {
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
    },
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

pub(crate) enum Receiver<'a> {
    /// An associated function: its twin is an inherent function.
    None,
    /// `&self`: its twin goes through `Offload`.
    Shared,
    /// `&mut self`: its twin goes through `OffloadMut`.
    Mut,
    /// `self`, `self: Box<Self>` and the like.
    Unsupported(&'a syn::Receiver),
}

pub(crate) struct Param<'a> {
    pub(crate) original: &'a PatType,
    /// The twin's name for it: the user's when the pattern is a plain
    /// identifier.
    pub(crate) name: Ident,
    /// Its type, `Self` replaced.
    pub(crate) ty: Type,
    pub(crate) pass: Pass,
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
    /// `&mut T` or `Option<&mut T>`: cannot be made async. Holds the
    /// `&mut T`, for the error.
    MutRef(TokenStream),
    /// A parameter whose only bound is a conversion (`P: AsRef<Path>`,
    /// `impl AsRef<str>`, `impl Into<String>`): converted when the twin is
    /// called, so the caller can pass `&path` and the future still owns
    /// everything.
    Convert(Conversion),
}

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

impl<'a> Input<'a> {
    pub(crate) fn from_impl(
        item: &'a ItemImpl,
        options: &ImplOptions,
        method_options: Vec<MethodOptions>,
    ) -> Self {
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
        let fns = item
            .items
            .iter()
            .zip(method_options)
            .filter_map(|(item, options)| match item {
                ImplItem::Fn(method) => Some((
                    Fn {
                        attrs: &method.attrs,
                        vis: Some(&method.vis),
                        sig: &method.sig,
                        default: None,
                    },
                    options,
                )),
                _ => None,
            });
        let call_ty = quote!(<#self_ty>);
        Input::new(
            Source::Impl(item),
            &item.generics,
            &item.attrs,
            (self_ty, call_ty, None),
            type_name,
            trait_name,
            options,
            fns,
        )
    }

    /// `remote` says which type a trait declares the methods of; without it,
    /// the trait's implementors get twins.
    pub(crate) fn from_trait(
        item: &'a ItemTrait,
        options: &ImplOptions,
        method_options: Vec<MethodOptions>,
    ) -> Self {
        let fns = item
            .items
            .iter()
            .zip(method_options)
            .filter_map(|(item, options)| match item {
                TraitItem::Fn(method) => Some((
                    Fn {
                        attrs: &method.attrs,
                        vis: None,
                        sig: &method.sig,
                        default: method.default.as_ref(),
                    },
                    options,
                )),
                _ => None,
            });
        if let Some(remote) = &options.remote {
            let self_ty = types::peel(remote).clone();
            let call_ty = quote!(<#self_ty>);
            let type_name = last_segment(&self_ty);
            let trait_name = Some(item.ident.clone());
            return Input::new(
                Source::Remote(item),
                &item.generics,
                &item.attrs,
                (self_ty, call_ty, None),
                type_name,
                trait_name,
                options,
                fns,
            );
        }
        let ident = &item.ident;
        let (_, ty_generics, _) = item.generics.split_for_impl();
        let self_ty: Type = parse_quote!(<Self as ::asyncify::__private::ClientHandle>::Client);
        let as_trait: syn::Path = parse_quote!(#ident #ty_generics);
        let call_ty = quote!(<#self_ty as #as_trait>);
        let trait_name = options
            .trait_name
            .clone()
            .or_else(|| Some(format_ident!("{}Async", ident)));
        Input::new(
            Source::Trait(item),
            &item.generics,
            &item.attrs,
            (self_ty, call_ty, Some(as_trait)),
            Some(ident.clone()),
            trait_name,
            options,
            fns,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        source: Source<'a>,
        generics: &'a Generics,
        attrs: &'a [syn::Attribute],
        (self_ty, call_ty, as_trait): (Type, TokenStream, Option<syn::Path>),
        type_name: Option<Ident>,
        trait_name: Option<Ident>,
        options: &ImplOptions,
        fns: impl Iterator<Item = (Fn<'a>, MethodOptions)>,
    ) -> Self {
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
        let methods = fns
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
        Input {
            source,
            generics,
            attrs,
            call_ty,
            self_ty,
            type_name,
            trait_name,
            instrument: options.instrument,
            methods,
            checked: Vec::new(),
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

impl<'a> Method<'a> {
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
            if let Pass::Move = params[index].pass {
                if let Some(conversion) =
                    conversion(index, &params, &output, &generics, &generic_names)
                {
                    params[index].pass = Pass::Convert(conversion);
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
            },
            (None, Some(_)) => Kind::Stream {
                item: Box::new(parse_quote!(<#output as ::core::iter::IntoIterator>::Item)),
                buffer,
                implied: false,
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
            attrs,
            vis,
            sig,
            default,
            options,
            status,
            receiver,
            kind,
            twin,
            generics,
            generic_names,
            params,
            output,
        }
    }

    /// Whether the call gets its own `tracing` span.
    pub(crate) fn instrumented(&self, input: &Input) -> bool {
        self.options.instrument.is_some() || input.instrument.is_some()
    }

    /// `Storage::get_async`, for messages at run time.
    pub(crate) fn display_name(&self, type_name: Option<&Ident>) -> String {
        match type_name {
            Some(type_name) => format!("{type_name}::{}", self.twin),
            None => self.twin.to_string(),
        }
    }
}

impl<'a> Receiver<'a> {
    fn of(sig: &'a Signature) -> Self {
        match sig.receiver() {
            None => Receiver::None,
            Some(receiver) => match &receiver.kind {
                syn::ReceiverKind::Reference(_, _, None) => Receiver::Shared,
                syn::ReceiverKind::Reference(_, _, Some(_)) => Receiver::Mut,
                syn::ReceiverKind::Typed(_, ty) => match types::peel(ty) {
                    Type::Reference(reference) if is_self(&reference.elem) => {
                        if reference.mutability.is_some() {
                            Receiver::Mut
                        } else {
                            Receiver::Shared
                        }
                    }
                    _ => Receiver::Unsupported(receiver),
                },
                _ => Receiver::Unsupported(receiver),
            },
        }
    }
}

impl Pass {
    fn of(ty: &Type) -> Pass {
        let reference = match types::peel(ty) {
            Type::Reference(reference) => reference,
            other => match types::option_of_ref(other) {
                Some(reference) if reference.mutability.is_some() => {
                    return Pass::MutRef(reference.to_token_stream());
                }
                Some(reference) if !is_static(reference.lifetime.as_ref()) => {
                    return Pass::CopyOption((*reference.elem).clone());
                }
                _ => return Pass::Move,
            },
        };
        if reference.mutability.is_some() {
            Pass::MutRef(reference.to_token_stream())
        } else if is_static(reference.lifetime.as_ref()) {
            Pass::Move
        } else {
            Pass::Copy((*reference.elem).clone())
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

impl Input<'_> {
    /// The self type's path without generic arguments (`db::Storage` for
    /// `db::Storage<T>`), or the trait's name, for doc links and messages.
    pub(crate) fn type_path(&self) -> Option<String> {
        if let Source::Trait(item) = self.source {
            return Some(item.ident.to_string());
        }
        let Type::Path(path) = &self.self_ty else {
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
}

/// In a remote declaration, `pub fn get(..);` (copied as the type's docs
/// write it) is read as `fn get(..);`: the visibility of the twins is the
/// trait's, and plain Rust would reject a `pub` in a trait. syn gives such an
/// item back as verbatim tokens; this turns it into a method again.
pub(crate) fn accept_visibility(item: &mut ItemTrait) {
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
fn conversion(
    index: usize,
    params: &[Param],
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
