//! Questions asked of types: does it borrow, does it mention a generic
//! parameter, where is `Self`.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};
use syn::{
    GenericArgument, Ident, Lifetime, PathArguments, Type, TypeImplTrait, TypeParamBound,
    TypeReference, parse_quote,
};

/// Replaces `Self` with the impl's self type, for code that is not inside
/// that impl (the generated trait, where `Self` is the handle).
///
/// Input: `fn f(&self, other: &Self) -> Self::Output`
/// Output: `fn f(&self, other: &Storage) -> <Storage>::Output`
///
/// For a trait, `Self` is the implementor behind the handle and `Self::Error`
/// its associated type: `<<Self as ClientHandle>::Client as Storage>::Error`.
#[derive(Clone, Copy)]
pub(crate) struct ReplaceSelf<'a> {
    pub(crate) ty: &'a Type,
    /// The trait whose associated items `Self::Name` names.
    pub(crate) as_trait: Option<&'a syn::Path>,
}

impl ReplaceSelf<'_> {
    fn qualified(&self) -> TokenStream {
        let self_ty = self.ty;
        if let Some(as_trait) = self.as_trait {
            quote::quote!(<#self_ty as #as_trait>)
        } else {
            quote::quote!(<#self_ty>)
        }
    }
}

impl VisitMut for ReplaceSelf<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(path) = ty {
            if path.qself.is_none() && path.path.is_ident("Self") {
                let span = path.span();
                *ty = respan_type(self.ty, span);
                return;
            }
        }
        visit_mut::visit_type_mut(self, ty);
    }

    fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
        if let Some(rest) = self_prefixed(ty.qself.as_ref(), &ty.path) {
            let qualified = self.qualified();
            *ty = parse_quote!(#qualified::#rest);
            return;
        }
        visit_mut::visit_type_path_mut(self, ty);
    }

    fn visit_expr_path_mut(&mut self, expr: &mut syn::ExprPath) {
        if let Some(rest) = self_prefixed(expr.qself.as_ref(), &expr.path) {
            let qualified = self.qualified();
            *expr = parse_quote!(#qualified::#rest);
            return;
        }
        visit_mut::visit_expr_path_mut(self, expr);
    }
}

/// `Self::Rest` → `Rest`.
fn self_prefixed(qself: Option<&syn::QSelf>, path: &syn::Path) -> Option<syn::Path> {
    let first = path.segments.first()?;
    if qself.is_some()
        || path.leading_colon.is_some()
        || path.segments.len() < 2
        || first.ident != "Self"
    {
        return None;
    }
    let segments = path.segments.iter().skip(1).cloned().collect();
    Some(syn::Path {
        leading_colon: None,
        segments,
    })
}

/// The self type with every token moved to `span`, so that errors about a
/// replaced `Self` point at the `Self` the user wrote.
fn respan_type(ty: &Type, span: Span) -> Type {
    syn::parse2(respan(&ty.to_token_stream(), span)).unwrap_or_else(|_| ty.clone())
}

/// `tokens`, every one moved to `span` (inside groups too), so that an error
/// about what they form points there.
pub(crate) fn respan(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut token| {
            if let proc_macro2::TokenTree::Group(group) = &token {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(&group.stream(), span));
                inner.set_span(span);
                token = proc_macro2::TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// Whether `ty` names one of `generics` (type parameters of the impl or the
/// method), so that bounds on it must go in a where-clause rather than be
/// checked on the spot.
pub(crate) fn mentions(ty: &Type, generics: &HashSet<Ident>) -> bool {
    struct Finder<'a> {
        generics: &'a HashSet<Ident>,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
            if let Some(qself) = &ty.qself {
                // `<T as Trait>::Item`: generic when `T` is.
                self.visit_type(&qself.ty);
            } else if ty.path.leading_colon.is_none() {
                if let Some(first) = ty.path.segments.first() {
                    self.found |= self.generics.contains(&first.ident);
                }
            }
            visit::visit_type_path(self, ty);
        }
        fn visit_type_impl_trait(&mut self, _: &'ast TypeImplTrait) {
            self.found = true;
        }
    }
    let mut finder = Finder {
        generics,
        found: false,
    };
    finder.visit_type(ty);
    finder.found
}

/// The first borrow in `ty` that would tie a value of it to a lifetime
/// shorter than `'static`: a reference or a lifetime other than `'static`.
///
/// Lifetimes bound in the type itself (`fn(&str)`, `Fn(&str) -> bool`,
/// `for<'a> ..`) are not borrows of the caller's data and are passed over.
pub(crate) fn first_borrow(ty: &Type) -> Option<TokenStream> {
    struct Finder(Option<TokenStream>);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_type(&mut self, ty: &'ast Type) {
            if self.0.is_none() {
                visit::visit_type(self, ty);
            }
        }
        fn visit_type_reference(&mut self, ty: &'ast TypeReference) {
            match &ty.lifetime {
                Some(lifetime) if lifetime.ident == "static" => visit::visit_type(self, &ty.elem),
                _ => self.0 = Some(ty.to_token_stream()),
            }
        }
        fn visit_lifetime(&mut self, lifetime: &'ast Lifetime) {
            if lifetime.ident != "static" && self.0.is_none() {
                self.0 = Some(lifetime.to_token_stream());
            }
        }
        fn visit_type_fn_ptr(&mut self, _: &'ast syn::TypeFnPtr) {}
        fn visit_parenthesized_generic_arguments(
            &mut self,
            _: &'ast syn::ParenthesizedGenericArguments,
        ) {
        }
        fn visit_trait_bound(&mut self, bound: &'ast syn::TraitBound) {
            if bound.lifetimes.is_none() {
                visit::visit_trait_bound(self, bound);
            }
        }
    }
    let mut finder = Finder(None);
    finder.visit_type(ty);
    finder.0
}

/// `T` of `impl Iterator<Item = T> + ..` (or another iterator trait with an
/// `Item` binding).
pub(crate) fn iterator_item(ty: &Type) -> Option<&Type> {
    let Type::ImplTrait(impl_trait) = peel(ty) else {
        return None;
    };
    impl_trait.bounds.iter().find_map(|bound| {
        let TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let last = bound.path.segments.last()?;
        let PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|arg| match arg {
            GenericArgument::AssocType(assoc) if assoc.ident == "Item" => Some(&assoc.ty),
            _ => None,
        })
    })
}

/// The first `impl Trait` in `ty`.
pub(crate) fn first_impl_trait(ty: &Type) -> Option<&TypeImplTrait> {
    struct Finder<'ast>(Option<&'ast TypeImplTrait>);
    impl<'ast> Visit<'ast> for Finder<'ast> {
        fn visit_type_impl_trait(&mut self, ty: &'ast TypeImplTrait) {
            self.0.get_or_insert(ty);
        }
    }
    let mut finder = Finder(None);
    finder.visit_type(ty);
    finder.0
}

/// The first `dyn Trait` in `ty`.
pub(crate) fn first_dyn(ty: &Type) -> Option<&syn::TypeTraitObject> {
    struct Finder<'ast>(Option<&'ast syn::TypeTraitObject>);
    impl<'ast> Visit<'ast> for Finder<'ast> {
        fn visit_type_trait_object(&mut self, ty: &'ast syn::TypeTraitObject) {
            self.0.get_or_insert(ty);
        }
        fn visit_type_fn_ptr(&mut self, _: &'ast syn::TypeFnPtr) {}
        fn visit_parenthesized_generic_arguments(
            &mut self,
            _: &'ast syn::ParenthesizedGenericArguments,
        ) {
        }
    }
    let mut finder = Finder(None);
    finder.visit_type(ty);
    finder.0
}

/// Adds `bounds` to every `impl Trait` in `ty`.
///
/// Input: `impl AsRef<str>`, bounds `Send + 'static`
/// Output: `impl AsRef<str> + Send + 'static`
///
/// Input: `&impl Display`, bounds `ToOwned<..>`
/// Output: `&(impl Display + ToOwned<..>)`
pub(crate) fn bound_impl_traits(ty: &mut Type, bounds: &[TypeParamBound]) {
    struct Bounder<'a>(&'a [TypeParamBound]);
    impl VisitMut for Bounder<'_> {
        fn visit_type_impl_trait_mut(&mut self, ty: &mut TypeImplTrait) {
            visit_mut::visit_type_impl_trait_mut(self, ty);
            ty.bounds.extend(self.0.iter().cloned());
        }

        fn visit_type_mut(&mut self, ty: &mut Type) {
            visit_mut::visit_type_mut(self, ty);
            // `&impl A + B` is ambiguous: write `&(impl A + B)`.
            let elem = match ty {
                Type::Reference(reference) => &mut reference.elem,
                Type::Ptr(pointer) => &mut pointer.elem,
                _ => return,
            };
            if let Type::ImplTrait(impl_trait) = &**elem {
                if impl_trait.bounds.len() > 1 {
                    **elem = Type::Paren(syn::TypeParen {
                        attrs: Vec::new(),
                        paren_token: syn::token::Paren::default(),
                        elem: elem.clone(),
                    });
                }
            }
        }
    }
    Bounder(bounds).visit_type_mut(ty);
}

/// `Option<&T>` → `&T` (any path ending in `Option`).
pub(crate) fn option_of_ref(ty: &Type) -> Option<&TypeReference> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if path.qself.is_some() || last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>()[..] {
        [GenericArgument::Type(Type::Reference(reference))] => Some(reference),
        _ => None,
    }
}

/// Removes the parentheses and invisible groups around a type.
pub(crate) fn peel(ty: &Type) -> &Type {
    match ty {
        Type::Paren(inner) => peel(&inner.elem),
        Type::Group(inner) => peel(&inner.elem),
        _ => ty,
    }
}

/// Tokens printed the way people write them: `Box<Self>`, not `Box < Self >`.
pub(crate) fn pretty(tokens: &impl ToTokens) -> String {
    let mut text = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" < ", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" :: ", "::"),
        (":: ", "::"),
        (" ,", ","),
        ("& ", "&"),
        ("( ", "("),
        (" )", ")"),
    ] {
        text = text.replace(from, to);
    }
    text
}

/// A type that is `Send + 'static` as written, whatever the crate: a
/// primitive (`u32`, `bool`, `str`), `String`, or a slice, array or tuple of
/// those. The expansion checks nothing for it, to generate less per twin. (A
/// crate that shadows a primitive's name with a type that is not `Send` gets
/// rustc's error from the call instead of asyncify's.)
pub(crate) fn obviously_send(ty: &Type) -> bool {
    const NAMES: &[&str] = &[
        "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
        "i64", "i128", "isize", "f32", "f64", "String",
    ];
    match ty {
        Type::Path(path) => {
            path.qself.is_none()
                && path.path.leading_colon.is_none()
                && path.path.segments.len() == 1
                && path.path.segments[0].arguments.is_none()
                && NAMES.iter().any(|name| path.path.segments[0].ident == name)
        }
        Type::Slice(slice) => obviously_send(&slice.elem),
        Type::Array(array) => obviously_send(&array.elem),
        Type::Tuple(tuple) => tuple.elems.iter().all(obviously_send),
        Type::Paren(paren) => obviously_send(&paren.elem),
        Type::Group(group) => obviously_send(&group.elem),
        _ => false,
    }
}
