//! A model of the `impl` block: its methods, what each one's twin is called,
//! and how each parameter crosses to the blocking pool. Nodes keep the
//! `original` syntax so that errors can point at what the user wrote.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use quote::format_ident;
use syn::visit_mut::VisitMut;
use syn::{FnArg, Generics, Ident, ImplItem, ImplItemFn, ItemImpl, Pat, PatType, ReturnType, Type};

use super::args::{ImplOptions, MethodOptions};
use super::types::{self, ReplaceSelf};

pub(crate) struct Input<'a> {
    pub(crate) item: &'a ItemImpl,
    /// The impl's self type, without parentheses.
    pub(crate) self_ty: Type,
    /// The last segment of the self type's path: `Storage` in `db::Storage<T>`.
    pub(crate) type_name: Option<Ident>,
    /// The generated trait's name, unless the self type has no name to base
    /// it on and none was given.
    pub(crate) trait_name: Option<Ident>,
    pub(crate) methods: Vec<Method<'a>>,
}

pub(crate) struct Method<'a> {
    pub(crate) original: &'a ImplItemFn,
    pub(crate) options: MethodOptions,
    pub(crate) status: Status,
    pub(crate) receiver: Receiver<'a>,
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
}

impl<'a> Input<'a> {
    pub(crate) fn from_syn(
        item: &'a ItemImpl,
        options: ImplOptions,
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
        let type_name = match &self_ty {
            Type::Path(path) if path.qself.is_none() => path
                .path
                .segments
                .last()
                .map(|segment| segment.ident.clone()),
            _ => None,
        };
        let ImplOptions { suffix, trait_name } = options;
        let trait_name = trait_name.or_else(|| {
            type_name
                .as_ref()
                .map(|name| format_ident!("{}Async", name))
        });
        let generics: HashSet<Ident> = item
            .generics
            .type_params()
            .map(|param| param.ident.clone())
            .collect();

        let methods = item
            .items
            .iter()
            .zip(method_options)
            .filter_map(|(item, method_options)| match item {
                ImplItem::Fn(method) => Some(Method::from_syn(
                    method,
                    method_options,
                    &self_ty,
                    &generics,
                    &suffix,
                )),
                _ => None,
            })
            .collect();
        Input {
            item,
            self_ty,
            type_name,
            trait_name,
            methods,
        }
    }
}

impl<'a> Method<'a> {
    fn from_syn(
        original: &'a ImplItemFn,
        options: MethodOptions,
        self_ty: &Type,
        impl_generics: &HashSet<Ident>,
        suffix: &str,
    ) -> Self {
        let sig = &original.sig;
        let status = if matches!(original.vis, syn::Visibility::Inherited) {
            Status::Private
        } else if sig.asyncness.is_some() {
            Status::Async
        } else if options.skip.is_some() {
            Status::Skipped
        } else {
            Status::Twin
        };
        let receiver = match sig.receiver() {
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
        };
        let twin = options
            .rename
            .clone()
            .unwrap_or_else(|| format_ident!("{}{}", sig.ident, suffix, span = sig.ident.span()));

        let mut replace_self = ReplaceSelf(self_ty);
        let mut generics = sig.generics.clone();
        replace_self.visit_generics_mut(&mut generics);
        let mut generic_names = impl_generics.clone();
        generic_names.extend(generics.type_params().map(|param| param.ident.clone()));

        let params = sig
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
            .collect();

        let mut output = match &sig.output {
            ReturnType::Default => syn::parse_quote!(()),
            ReturnType::Type(_, ty) => (**ty).clone(),
        };
        replace_self.visit_type_mut(&mut output);

        Method {
            original,
            options,
            status,
            receiver,
            twin,
            generics,
            generic_names,
            params,
            output,
        }
    }

    /// `Storage::get_async`, for messages at run time.
    pub(crate) fn display_name(&self, type_name: Option<&Ident>) -> String {
        match type_name {
            Some(type_name) => format!("{type_name}::{}", self.twin),
            None => self.twin.to_string(),
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
    /// `db::Storage<T>`), for doc links and messages.
    pub(crate) fn type_path(&self) -> Option<String> {
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
