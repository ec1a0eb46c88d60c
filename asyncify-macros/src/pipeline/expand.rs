//! Code generation. Everything was checked before, so nothing here fails.
//!
//! For `#[asyncify] impl Storage { pub fn get(&self, key: &str) -> R { .. } }`
//! it adds:
//!
//! ```text
//! pub trait StorageAsync {
//!     fn get_async(&self, key: &str) -> impl Future<Output = R> + Send + 'static;
//! }
//! impl<H: ?Sized + Offload<Storage>> StorageAsync for H {
//!     fn get_async(&self, key: &str) -> impl Future<Output = R> + Send + 'static {
//!         let key = ToOwned::to_owned(key);
//!         twin("Storage::get_async", self,
//!             move |this: &Storage| Storage::get(this, Borrow::borrow(&key)))
//!     }
//! }
//! ```
//!
//! and, for an associated function without `self` (`open`), an inherent
//! `Storage::open_async` that ends in `twin_unblock(.., move || Storage::open(..))`.
//!
//! Each twin is kept small, because rustc checks every one of them: what all
//! twins share is one generic function of `asyncify::__private` (`twin`,
//! `twin_mut`, `twin_unblock`: offload, `named`, and the result's
//! `MovesToPool` bound), whose `impl Future + Send + 'static` rustc takes
//! from its signature instead of proving it again for each twin through the
//! future's state machine; and an argument whose type is `Send + 'static` as
//! written (`u32`, `&str`, `String`) gets no check statement. On a client of
//! 600 methods that took `cargo check` from 1.7 to about 1.1 times the time
//! of the same client with hand-written `spawn_blocking` wrappers
//! (`scripts/compile-cost.sh`, BENCHMARKS.md).

use proc_macro2::{Delimiter, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, Type, TypeParamBound, Visibility, WherePredicate, parse_quote};

use super::ast::{
    ConversionKind, Input, Kind, Lender, Method, Param, Parsed, Pass, Receiver, Source,
};
use super::types::{self, respan};

/// What the source changes is settled here, in one match: the trait's
/// visibility, the bound of its blanket impl, its supertrait and docs; an
/// impl's functions without `self` get inherent twins, a remote declaration's
/// go in the trait; a remote declaration's methods without a twin are checked.
pub(crate) fn generate(input: &Input) -> TokenStream {
    let self_ty = &input.self_ty;
    let offload = quote!(::asyncify::__private::Offload<#self_ty>);
    let mut tokens = TokenStream::new();
    match &input.source {
        Source::Impl(_) => {
            let (with_self, without_self): (Vec<&Method>, Vec<&Method>) = input
                .methods
                .iter()
                .partition(|method| !matches!(method.receiver, Receiver::None));
            if let Some(trait_name) = trait_name(input, &with_self) {
                let parts = TraitParts {
                    before: TokenStream::new(),
                    vis: widest(with_self.iter().filter_map(|method| method.vis)),
                    handle: offload,
                    supertrait: None,
                    docs: handle_docs(input, &TokenStream::new(), "", "`#[asyncify]`"),
                };
                tokens.extend([generate_trait(input, trait_name, &with_self, parts)]);
            }
            tokens.extend([generate_constructors(input, &without_self)]);
        }
        Source::Trait(source) => {
            // Every method has `self` (`valid::check`).
            let methods: Vec<&Method> = input.methods.iter().collect();
            if let Some(trait_name) = trait_name(input, &methods) {
                let client = &source.client;
                let parts = TraitParts {
                    before: TokenStream::new(),
                    vis: source.item.vis.to_token_stream(),
                    handle: quote! {
                        #client + ::asyncify::__private::Offload<
                            <__AsyncifyHandle as ::asyncify::__private::ClientHandle>::Client
                        >
                    },
                    supertrait: Some(quote!(: #client)),
                    docs: trait_docs(input),
                };
                tokens.extend([generate_trait(input, trait_name, &methods, parts)]);
            }
        }
        Source::Remote(source) => {
            // A remote type's functions without `self` go in the trait too:
            // only its own crate could add inherent ones.
            let methods: Vec<&Method> = input.methods.iter().collect();
            if let Some(trait_name) = trait_name(input, &methods) {
                let vis = source.item.vis.to_token_stream();
                let (handle, before) = match constructor_bound(input, trait_name, &methods, &vis) {
                    Some((bound, item)) => {
                        let (_, ty_generics, _) = input.generics.split_for_impl();
                        (quote!(#bound #ty_generics), item)
                    }
                    None => (offload, TokenStream::new()),
                };
                let parts = TraitParts {
                    before,
                    vis,
                    handle,
                    supertrait: None,
                    docs: handle_docs(
                        input,
                        &carried(&source.item.attrs, &["doc"]),
                        " declared here",
                        "`#[asyncify(remote = ..)]`",
                    ),
                };
                tokens.extend([generate_trait(input, trait_name, &methods, parts)]);
            }
            tokens.extend([generate_checks(input, &source.declared)]);
        }
    }
    tokens
}

/// The generated trait's name, if it has twins to hold.
fn trait_name<'a>(input: &'a Input, methods: &[&Method]) -> Option<&'a Ident> {
    input.trait_name.as_ref().filter(|_| !methods.is_empty())
}

/// What the trait of twins and its blanket impl differ in between sources.
struct TraitParts {
    /// Items that go before the trait.
    before: TokenStream,
    vis: TokenStream,
    /// The bound on the handles the trait is implemented for.
    handle: TokenStream,
    /// `: ClientHandle<..>`, for a trait's twins.
    supertrait: Option<TokenStream>,
    docs: TokenStream,
}

/// The declarations of a remote trait that get no twin (`#[asyncify(skip)]`,
/// `async fn`), compared with the real methods: each becomes a method of a
/// private trait, implemented for the remote type by calling the real method
/// with the declared arguments and returning its result as the declared type.
/// Nothing calls them; a method that does not exist, or an argument or result
/// of the wrong type, is a compile error at the declaration.
///
/// Input: `#[asyncify(skip)] fn close(self) -> Result<()>;`
/// Output:
///
/// ```text
/// const _: () = {
///     trait __AsyncifyDeclared { fn __asyncify_close(self) -> Result<()>; }
///     impl __AsyncifyDeclared for Client {
///         fn __asyncify_close(self) -> Result<()> { <Client>::close(self) }
///     }
/// };
/// ```
///
/// An `unsafe fn` cannot be called without `unsafe` (which the crate may
/// forbid): it is coerced to an `unsafe fn(..)` pointer of the declared type
/// instead, when the signature can be written as one (no generics, no
/// borrowed result), else only looked up.
fn generate_checks(input: &Input, declared: &[Parsed]) -> TokenStream {
    if declared.is_empty() {
        return TokenStream::new();
    }
    let self_ty = &input.self_ty;
    let cfgs = impl_cfgs(input);
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let check_trait = Ident::new("__AsyncifyDeclared", Span::mixed_site());
    let (declarations, definitions): (Vec<_>, Vec<_>) = declared
        .iter()
        .enumerate()
        .map(|(index, method)| check_method(input, index, method))
        .unzip();
    quote! {
        #cfgs
        #[allow(
            dead_code,
            deprecated,
            unused_qualifications,
            clippy::all,
            clippy::pedantic,
        )]
        const _: () = {
            trait #check_trait #impl_generics: ::core::marker::Sized #where_clause {
                #(#declarations)*
            }
            impl #impl_generics #check_trait #ty_generics for #self_ty #where_clause {
                #(#definitions)*
            }
        };
    }
}

/// One declaration's method of the checking trait, and its definition.
fn check_method(input: &Input, index: usize, method: &Parsed) -> (TokenStream, TokenStream) {
    let ident = &method.sig.ident;
    let cfgs = carried(method.attrs, &["cfg"]);
    // Not the method's own name: rustc would offer it as "a method with a
    // similar name" when the real one is missing.
    let checker = format_ident!("__asyncify_declared_{}", index, span = Span::mixed_site());
    let span = declared_span(ident);
    let path = {
        let call_ty = respan(&input.call_ty, span);
        quote_spanned!(span=> #call_ty::#ident)
    };
    if let syn::Safety::Unsafe(_) = method.sig.safety {
        let check = unsafe_fn_pointer(method).map_or_else(
            || quote!(let _ = #path;),
            |pointer| quote_spanned!(span=> let _: #pointer = #path;),
        );
        return (
            quote!(#cfgs fn #checker();),
            quote!(#cfgs fn #checker() { #check }),
        );
    }
    let mut sig = method.sig.clone();
    sig.ident = checker;
    let receiver = !matches!(method.receiver, Ok(Receiver::None));
    sig.inputs = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            // `mut self` is a pattern, which a declaration cannot have.
            syn::FnArg::Receiver(receiver) => {
                let mut receiver = receiver.clone();
                receiver.mutability = None;
                Some(syn::FnArg::Receiver(receiver))
            }
            syn::FnArg::Typed(_) => None,
        })
        .chain(method.params.iter().map(|param| {
            let (name, ty) = (&param.name, &param.original.ty);
            parse_quote!(#name: #ty)
        }))
        .collect();
    let declared = declared_args(
        method,
        method
            .params
            .iter()
            .map(|param| param.name.to_token_stream())
            .collect(),
    );
    let args = receiver.then(|| quote!(self)).into_iter().chain(declared);
    let mut call = quote_spanned!(span=> #path(#(#args),*));
    if sig.asyncness.is_some() {
        call = quote_spanned!(span=> #call.await);
    }
    if types::first_impl_trait(&method.output).is_none() {
        call = returns(&method.output, &call);
    }
    (quote!(#cfgs #sig;), quote!(#cfgs #sig { #call }))
}

/// `unsafe fn(&Client, A) -> R` for an `unsafe fn` declaration, when it can
/// be written (no generics, no `impl Trait`, a result that borrows nothing).
fn unsafe_fn_pointer(method: &Parsed) -> Option<TokenStream> {
    let sig = method.sig;
    if !sig.generics.params.is_empty()
        || types::first_borrow(&method.output).is_some()
        || types::first_impl_trait(&method.output).is_some()
        || method
            .params
            .iter()
            .any(|param| types::first_impl_trait(&param.original.ty).is_some())
    {
        return None;
    }
    let receiver = match &method.receiver {
        Ok(Receiver::None) => None,
        Ok(Receiver::Shared(reference) | Receiver::Mut(reference)) => {
            let (and, lifetime, mutability) =
                (&reference.and, &reference.lifetime, &reference.mutability);
            Some(quote!(#and #lifetime #mutability Self,))
        }
        Err(receiver) => match &receiver.kind {
            syn::ReceiverKind::Typed(_, ty) => Some(quote!(#ty,)),
            _ => Some(quote!(Self,)),
        },
    };
    let params = method.params.iter().map(|param| &param.original.ty);
    let output = &sig.output;
    Some(quote_spanned!(sig.ident.span()=> unsafe fn(#receiver #(#params),*) #output))
}

/// The trait of twins of `&self`/`&mut self` methods (and, in a remote
/// declaration, of functions without `self`), and its blanket impl for every
/// handle `parts.handle` allows.
fn generate_trait(
    input: &Input,
    trait_name: &Ident,
    methods: &[&Method],
    parts: TraitParts,
) -> TokenStream {
    let TraitParts {
        before,
        vis,
        handle: bound,
        supertrait,
        docs: trait_doc,
    } = parts;
    let cfgs = impl_cfgs(input);
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();

    let handle = Ident::new("__AsyncifyHandle", Span::call_site());
    let mut handle_generics = input.generics.clone();
    handle_generics.params.push(parse_quote! {
        #handle: ?::core::marker::Sized + #bound
    });
    let (handle_impl_generics, _, _) = handle_generics.split_for_impl();

    let separator = quote!(#[doc = ""]);
    let (declarations, definitions): (Vec<_>, Vec<_>) = methods
        .iter()
        .map(|method| {
            // `#docs #(#attrs)* #declared;` and `#cfgs #defined { #body }`,
            // with the streams moved: a signature that is the same in both
            // is copied once, not twice.
            let (declared, defined) = where_clauses(input, method);
            let declared = signature(method, declared);
            let defined = match defined {
                Some(defined) => signature(method, defined),
                None => declared.clone(),
            };
            let mut declaration = twin_docs(input, method, &separator);
            carry(
                method.attrs,
                &["cfg", "deprecated", "must_use"],
                &mut declaration,
            );
            declaration.extend([declared]);
            declaration.extend([punct(';', Span::call_site())]);
            let mut definition = TokenStream::new();
            carry(method.attrs, &["cfg"], &mut definition);
            definition.extend([defined]);
            definition.extend([braces(body(input, method))]);
            (declaration, definition)
        })
        .unzip();
    let (declarations, definitions) = (braced(declarations), braced(definitions));

    quote! {
        #before
        #trait_doc
        #cfgs
        // The trait is as visible as the methods, which may be more visible
        // than the type (a private client with `pub` methods).
        #[allow(
            private_bounds,
            private_interfaces,
            unreachable_pub,
            unused_qualifications,
            clippy::implied_bounds_in_impls,
            clippy::multiple_bound_locations,
            clippy::too_many_arguments,
            clippy::type_complexity,
        )]
        #vis trait #trait_name #impl_generics #supertrait #where_clause #declarations

        #cfgs
        #[allow(
            deprecated,
            private_bounds,
            private_interfaces,
            unused_qualifications,
            clippy::implied_bounds_in_impls,
            clippy::multiple_bound_locations,
            clippy::too_many_arguments,
            clippy::type_complexity,
            clippy::used_underscore_binding,
        )]
        impl #handle_impl_generics #trait_name #ty_generics for #handle #where_clause #definitions
    }
}

/// For a remote declaration with functions without `self`, whose twins are
/// in the trait too (another crate's type can have no inherent ones): the
/// bound of the trait's blanket impl, `Offload<Type>` under another name, so
/// that `Type::open_async(..)` on a type that is no handle gets an error that
/// says what to write instead, with the real twin's name.
///
/// Output: `#[diagnostic::on_unimplemented(..)] pub trait __RepositoryAsyncHandle:
/// Offload<Repository> {}` and its impl for every `H: Offload<Repository>`.
fn constructor_bound(
    input: &Input,
    trait_name: &Ident,
    methods: &[&Method],
    vis: &TokenStream,
) -> Option<(Ident, TokenStream)> {
    let twins: Vec<String> = methods
        .iter()
        .filter(|method| matches!(method.receiver, Receiver::None))
        .map(|method| format!("`{}`", method.twin))
        .collect();
    let first = methods
        .iter()
        .find(|method| matches!(method.receiver, Receiver::None))?;
    let self_ty = &input.self_ty;
    let ty = type_name(input).replace('{', "{{").replace('}', "}}");
    let ident = format_ident!("__{}Handle", trait_name);
    let cfgs = impl_cfgs(input);
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut handle_generics = input.generics.clone();
    handle_generics.params.push(parse_quote! {
        __AsyncifyHandle: ?::core::marker::Sized + ::asyncify::__private::Offload<#self_ty>
    });
    let (handle_impl_generics, _, _) = handle_generics.split_for_impl();
    let message =
        format!("`{{Self}}` is not a handle that can run `{ty}` calls on the blocking pool");
    let label = format!("`{{Self}}` does not implement `Offload<{ty}>`");
    let which = if twins.len() == 1 {
        format!("{} is the twin of a function without `self`", twins[0])
    } else {
        format!("{} are twins of functions without `self`", twins.join(", "))
    };
    let note = format!(
        "a method's twin needs a handle to the client: `asyncify::Handle::new(client)` if \
         `{ty}` is `Sync`, `asyncify::Exclusive::new(client)` if it is only `Send`, \
         `asyncify::Dedicated::spawn(|| client)` if it must stay on one thread (a client that \
         is `Clone + Send` needs none); {which}: call {it} on the handle type, \
         `asyncify::Exclusive::<{ty}>::{twin}(..)` (or `asyncify::Handle::<{ty}>::{twin}(..)` \
         if `{ty}` is `Sync`)",
        twin = first.twin,
        it = if twins.len() == 1 { "it" } else { "them" },
    );
    let doc = format!(
        " `asyncify::Offload<{ty}>`: the handles `{trait_name}` is implemented for \
         (generated by `#[asyncify(remote = ..)]`)."
    );
    let item = quote! {
        #cfgs
        #[doc = #doc]
        #[doc(hidden)]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        #[allow(private_bounds, unreachable_pub, unused_qualifications)]
        #vis trait #ident #impl_generics: ::asyncify::__private::Offload<#self_ty> #where_clause {}

        #cfgs
        #[allow(private_bounds, unused_qualifications)]
        impl #handle_impl_generics #ident #ty_generics for __AsyncifyHandle #where_clause {}
    };
    Some((ident, item))
}

/// Inherent twins of the associated functions without `self` (constructors).
fn generate_constructors(input: &Input, methods: &[&Method]) -> TokenStream {
    if methods.is_empty() {
        return TokenStream::new();
    }
    let self_ty = &input.self_ty;
    let cfgs = impl_cfgs(input);
    let (impl_generics, _, where_clause) = input.generics.split_for_impl();
    let separator = quote!(#[doc = ""]);
    let functions = braced(methods.iter().map(|method| {
        // `#docs #(#attrs)* #vis #signature { #body }`, moved.
        let (where_clause, _) = where_clauses(input, method);
        let mut function = twin_docs(input, method, &separator);
        carry(
            method.attrs,
            &["cfg", "deprecated", "must_use"],
            &mut function,
        );
        method.vis.to_tokens(&mut function);
        function.extend([signature(method, where_clause)]);
        function.extend([braces(body(input, method))]);
        function
    }));
    quote! {
        #cfgs
        #[allow(
            deprecated,
            unused_qualifications,
            clippy::implied_bounds_in_impls,
            clippy::multiple_bound_locations,
            clippy::too_many_arguments,
            clippy::type_complexity,
            clippy::used_underscore_binding,
        )]
        impl #impl_generics #self_ty #where_clause #functions
    }
}

/// `{ a b c }` from owned streams, moved into one group: `quote!` then
/// interpolates the group as one token instead of copying every twin's
/// tokens again (with hundreds of twins, copying tokens is most of the
/// expansion's time).
fn braced(items: impl IntoIterator<Item = TokenStream>) -> proc_macro2::Group {
    let mut stream = TokenStream::new();
    stream.extend(items);
    proc_macro2::Group::new(Delimiter::Brace, stream)
}

/// `{ #stream }`, as `quote!` makes it (at the call site), with the stream
/// moved in.
fn braces(stream: TokenStream) -> TokenTree {
    TokenTree::Group(proc_macro2::Group::new(Delimiter::Brace, stream))
}

/// `( #stream )` at `span`, as `quote_spanned!(span=> (#stream))` makes it,
/// with the stream moved in.
fn parens(stream: TokenStream, span: Span) -> TokenTree {
    let mut group = proc_macro2::Group::new(Delimiter::Parenthesis, stream);
    group.set_span(span);
    TokenTree::Group(group)
}

/// A lone punctuation mark at `span`, as `quote_spanned!` makes `,` or `;`.
fn punct(ch: char, span: Span) -> TokenTree {
    let mut punct = Punct::new(ch, Spacing::Alone);
    punct.set_span(span);
    TokenTree::Punct(punct)
}

/// `fn get_async<..>(&self, key: &str) -> impl Future<Output = R> + Send + 'static where ..`
///
/// Written into one stream as it goes (each `quote!` of a part, then
/// interpolated, would copy its tokens once more).
fn signature(method: &Method, where_clause: TokenStream) -> TokenStream {
    let sig = method.sig;
    let twin = &method.twin;
    let mut lent_generics;
    let generics = if lends(method) {
        lent_generics = method.generics.clone();
        let lender = lender();
        lent_generics.params.push(parse_quote!(#lender));
        &lent_generics
    } else {
        &method.generics
    };
    let (generics, _, _) = generics.split_for_impl();
    let fn_token = &sig.fn_token;
    let mut tokens = quote!(#fn_token #twin #generics);
    // `(#receiver #(#name: #ty),*)`, where `&'a mut self` is `&'a self` in
    // the twin: the handle lends the client.
    let mut params = TokenStream::new();
    if let Receiver::Shared(reference) | Receiver::Mut(reference) = &method.receiver {
        let (and, lifetime) = (&reference.and, &reference.lifetime);
        params.extend([quote!(#and #lifetime self,)]);
    }
    for (index, param) in method.params.iter().enumerate() {
        if index > 0 {
            params.extend([punct(',', Span::call_site())]);
        }
        param.name.to_tokens(&mut params);
        params.extend([punct(':', Span::call_site())]);
        twin_param_type(param, &mut params);
    }
    tokens.extend([parens(params, Span::call_site())]);
    tokens.extend([
        TokenTree::Punct(Punct::new('-', Spacing::Joint)),
        punct('>', Span::call_site()),
    ]);
    let output = &method.output;
    let future = match &method.kind {
        Kind::Future => quote_spanned! {output.span()=>
            impl ::core::future::Future<Output = #output> + ::core::marker::Send + 'static
        },
        Kind::Stream { item, .. } => quote_spanned! {output.span()=>
            impl ::asyncify::__private::Stream<Item = #item>
                + ::core::marker::Send
                + ::core::marker::Unpin
                + 'static
        },
    };
    tokens.extend([future]);
    tokens.extend([where_clause]);
    tokens
}

/// The hidden type parameter of a `&mut self` twin: its lender
/// (`asyncify::__private::Lend`).
fn lender() -> Ident {
    Ident::new("__AsyncifyLender", Span::call_site())
}

/// Whether the twin is generic over its lender: a `&mut self` method without
/// type or const parameters of its own. With the lender, calling the twin on
/// a handle that only gives shared access is one error; a method with type
/// parameters keeps a plain `Self: OffloadMut<Type>` bound instead (three
/// errors for that mistake), because a hidden type parameter would break a
/// call that names the method's own ones (`put_async::<String>(..)`).
fn lends(method: &Method) -> bool {
    matches!(method.receiver, Receiver::Mut(_))
        && method
            .generics
            .params
            .iter()
            .all(|param| matches!(param, syn::GenericParam::Lifetime(_)))
}

/// The parameter's type in the twin: as written, with `Send + 'static` on
/// each `impl Trait` taken by value, and a `'static`, `Send` copy required of
/// an `impl Trait` behind a reference.
fn twin_param_type(param: &Param, tokens: &mut TokenStream) {
    // Most parameters hold no `impl Trait`: no bounds to parse for them, and
    // nothing to clone.
    if types::first_impl_trait(&param.ty).is_none() {
        param.ty.to_tokens(tokens);
        return;
    }
    let mut ty = param.ty.clone();
    let bounds: Vec<TypeParamBound> = match param.pass {
        Pass::Move => vec![parse_quote!(::core::marker::Send), parse_quote!('static)],
        Pass::Copy(_) | Pass::CopyOption(_) => vec![parse_quote! {
            ::asyncify::__private::ToOwned<Owned: ::core::marker::Send + 'static>
        }],
        // Converted before the future is made: the caller may pass a borrow.
        Pass::Convert(_) => Vec::new(),
    };
    types::bound_impl_traits(&mut ty, &bounds);
    ty.to_tokens(tokens);
}

/// The where-clauses of the twin's declaration in the trait and, if it
/// differs, of its definition in the blanket impl: the method's own, plus
/// the bounds that generic arguments and results need to cross threads, plus
/// for a `&mut self` method `Self: OffloadMut<Type, L>, L: Lend<Self, Type>`
/// (declaration) and `L: Lend<Self, Type>` (definition), or, for one without
/// a lender ([`lends`]), `Self: OffloadMut<Type>` (both).
fn where_clauses(input: &Input, method: &Method) -> (TokenStream, Option<TokenStream>) {
    let mut predicates: Vec<WherePredicate> = method
        .generics
        .where_clause
        .iter()
        .flat_map(|clause| clause.predicates.iter().cloned())
        .collect();
    let generic = |ty: &Type| {
        types::mentions(ty, &method.generic_names) && types::first_impl_trait(ty).is_none()
    };
    for param in &method.params {
        match &param.pass {
            Pass::Move if generic(&param.ty) => {
                let ty = &param.ty;
                predicates.push(parse_quote!(#ty: ::core::marker::Send + 'static));
            }
            Pass::Copy(referent) | Pass::CopyOption(referent) if generic(referent) => {
                predicates.push(parse_quote!(#referent: ::asyncify::__private::ToOwned));
                predicates.push(parse_quote! {
                    <#referent as ::asyncify::__private::ToOwned>::Owned: ::core::marker::Send + 'static
                });
            }
            _ => {}
        }
    }
    let sent = sent_back(method);
    if generic(sent) {
        predicates.push(parse_quote!(#sent: ::core::marker::Send + 'static));
    }
    let self_ty = &input.self_ty;
    let clause = |predicates: &[WherePredicate]| {
        if predicates.is_empty() {
            TokenStream::new()
        } else {
            quote!(where #(#predicates),*)
        }
    };
    if lends(method) {
        let lender = lender();
        predicates.push(parse_quote!(#lender: ::asyncify::__private::Lend<Self, #self_ty>));
        let defined = clause(&predicates);
        predicates.push(parse_quote!(Self: ::asyncify::__private::OffloadMut<#self_ty, #lender>));
        return (clause(&predicates), Some(defined));
    }
    if let Receiver::Mut(_) = method.receiver {
        predicates.push(parse_quote!(Self: ::asyncify::__private::OffloadMut<#self_ty>));
    }
    (clause(&predicates), None)
}

/// What crosses back from the pool: the result, or a stream's items.
fn sent_back<'a>(method: &'a Method) -> &'a Type {
    match &method.kind {
        Kind::Future => &method.output,
        Kind::Stream { item, .. } => item,
    }
}

/// What the body does with the arguments: checks with the span of the
/// user's types, copies of borrowed arguments, and the arguments of the call.
struct Arguments {
    checks: Vec<TokenStream>,
    copies: Vec<TokenStream>,
    args: Vec<TokenStream>,
}

fn arguments(input: &Input, method: &Method) -> Arguments {
    let generic = |ty: &Type| types::mentions(ty, &method.generic_names);
    let remote = input.declared_calls;
    let mut checks = Vec::new();
    let mut copies = Vec::new();
    let mut args = Vec::new();
    for param in &method.params {
        let name = &param.name;
        match &param.pass {
            Pass::Move => {
                if !generic(&param.ty) {
                    checks.extend(check("moves_to_pool", &param.ty));
                }
                args.push(quote!(#name));
            }
            Pass::Copy(referent) => {
                if !generic(referent) {
                    checks.extend(check("copies_to_pool", referent));
                }
                copies.push(quote!(let #name = ::asyncify::__private::ToOwned::to_owned(#name);));
                args.push(borrow_back(remote, referent, &quote!(&#name)));
            }
            Pass::CopyOption(referent) => {
                if !generic(referent) {
                    checks.extend(check("copies_to_pool", referent));
                }
                copies.push(quote! {
                    let #name = ::asyncify::__private::Option::map(#name, ::asyncify::__private::ToOwned::to_owned);
                });
                let copy = Ident::new("copy", Span::mixed_site());
                let borrow = borrow_back(remote, referent, &quote!(#copy));
                args.push(quote! {
                    ::asyncify::__private::Option::map(
                        ::asyncify::__private::Option::as_ref(&#name),
                        |#copy| #borrow,
                    )
                });
            }
            Pass::Convert(conversion) => {
                let target = &conversion.target;
                let span = target.span();
                match conversion.kind {
                    ConversionKind::AsRef => {
                        checks.extend(check("converts_to_pool", target));
                        copies.push(quote_spanned! {span=>
                            let #name = <#target as ::asyncify::__private::ToOwned>::to_owned(
                                ::core::convert::AsRef::<#target>::as_ref(&#name),
                            );
                        });
                    }
                    ConversionKind::Into => {
                        checks.extend(check("moves_to_pool", target));
                        copies.push(quote_spanned! {span=>
                            let #name: #target = ::core::convert::Into::<#target>::into(#name);
                        });
                    }
                }
                args.push(quote!(#name));
            }
        }
    }
    // A future's result is checked by the call itself (`__private::twin`);
    // a stream's items here.
    if let Kind::Stream { item, .. } = &method.kind {
        if !generic(item) {
            checks.extend(check("moves_to_pool", item));
        }
    }
    Arguments {
        checks,
        copies,
        args,
    }
}

/// Checks with the span of the user's types, copies of borrowed arguments,
/// and the offloaded call: a future ([`future_body`]) or a stream
/// ([`stream_body`]).
fn body(input: &Input, method: &Method) -> TokenStream {
    let Arguments {
        checks,
        copies,
        args,
    } = arguments(input, method);
    let call = call(input, method, args);
    let offloaded = match &method.kind {
        Kind::Future => future_body(input, method, call),
        Kind::Stream { buffer, lender, .. } => {
            stream_body(input, *buffer, *lender, lends(method), &call)
        }
    };
    // `#(#checks)* #(#copies)* #offloaded`, moved.
    let mut tokens = TokenStream::new();
    tokens.extend(checks);
    tokens.extend(copies);
    tokens.extend([offloaded]);
    tokens
}

/// The method's own call, `<Client>::get(this, ..)`, on the pool. A call
/// checked against a declaration is found, and its result checked, there.
fn call(input: &Input, method: &Method, mut args: Vec<TokenStream>) -> TokenStream {
    let call_ty = &input.call_ty;
    let ident = &method.sig.ident;
    let (path, span) = if input.declared_calls {
        args = declared_args(method, args);
        let span = declared_span(ident);
        let call_ty = respan(call_ty, span);
        (quote_spanned!(span=> #call_ty::#ident), span)
    } else {
        let turbofish = turbofish(method);
        (quote!(#call_ty::#ident #turbofish), Span::call_site())
    };
    // `#path(#this, #(#args),*)` (`#path(#(#args),*)` without `self`), with
    // the spans `quote_spanned!(span=> ..)` gives, the arguments moved.
    let mut arguments = TokenStream::new();
    if let Receiver::Shared(_) | Receiver::Mut(_) = method.receiver {
        this().to_tokens(&mut arguments);
        arguments.extend([punct(',', span)]);
    }
    for (index, arg) in args.into_iter().enumerate() {
        if index > 0 {
            arguments.extend([punct(',', span)]);
        }
        arguments.extend([arg]);
    }
    let mut call = path;
    call.extend([parens(arguments, span)]);
    if input.declared_calls {
        checked_result(method, &call)
    } else {
        call
    }
}

/// The client in the closure the pool runs.
fn this() -> Ident {
    Ident::new("this", Span::mixed_site())
}

/// A future twin: `twin`, `twin_mut` or `twin_unblock` of the call, named
/// after the twin, in a span of its own when instrumented.
fn future_body(input: &Input, method: &Method, call: TokenStream) -> TokenStream {
    let self_ty = &input.self_ty;
    let this = this();
    let name = string_literal(&method.display_name(input.type_name.as_ref()));
    // The result is bounded by `MovesToPool` in the call, spanned at the
    // declared result, so that one that is not `Send` is one error there.
    // The whole call has the span of the result's first token, as has the
    // twin's `impl Future<Output = R>`: rustc reports the unmet bound at
    // both, and prints one error for the two.
    let result_span = method.output.span();
    // `::asyncify::__private::twin::<_, #self_ty, _, _>(#name, self, move
    // |#this: &#self_ty| #call)` and the like, spanned as
    // `quote_spanned!(result_span=> ..)` does, the call moved.
    let (mut future, mut closure) = match method.receiver {
        Receiver::None => (
            quote_spanned!(result_span=> ::asyncify::__private::twin_unblock),
            quote!(move ||),
        ),
        Receiver::Shared(_) => (
            quote_spanned!(result_span=> ::asyncify::__private::twin::<_, #self_ty, _, _>),
            quote!(move |#this: &#self_ty|),
        ),
        Receiver::Mut(_) if lends(method) => {
            let lender = lender();
            (
                quote_spanned! {result_span=>
                    <#lender as ::asyncify::__private::Lend<Self, #self_ty>>::twin_mut
                },
                quote!(move |#this: &mut #self_ty|),
            )
        }
        Receiver::Mut(_) => (
            quote_spanned!(result_span=> ::asyncify::__private::twin_mut::<_, #self_ty, _, _>),
            quote!(move |#this: &mut #self_ty|),
        ),
    };
    closure.extend([call]);
    let mut arguments = quote!(#name);
    arguments.extend([punct(',', result_span)]);
    if !matches!(method.receiver, Receiver::None) {
        arguments.extend([TokenTree::Ident(Ident::new("self", Span::call_site()))]);
        arguments.extend([punct(',', result_span)]);
    }
    arguments.extend([closure]);
    future.extend([parens(arguments, result_span)]);
    match method.options.instrument.or(input.instrument) {
        Some(span) => quote_spanned!(span=> ::asyncify::__private::instrument!(#name, #future)),
        None => future,
    }
}

/// A stream twin: `stream` or `stream_mut` of the call, whose iterator is
/// drained into the sink on the pool.
///
/// It is neither named nor instrumented: its items are produced in the
/// caller's span (`instrument` on such a method is an error, and `instrument`
/// on the impl leaves it out; docs/attribute.md, Tracing), and `named` wraps
/// a future, while a stream twin returns an `OffloadStream`, in which
/// `stream` boxes the producer's future itself.
fn stream_body(
    input: &Input,
    buffer: usize,
    client_lender: Lender,
    lends: bool,
    call: &TokenStream,
) -> TokenStream {
    let self_ty = &input.self_ty;
    let this = this();
    let sink = Ident::new("sink", Span::mixed_site());
    let lender = lender();
    let (function, client) = match client_lender {
        Lender::Shared => (quote!(::asyncify::__private::stream), quote!(&#self_ty)),
        Lender::Mut if lends => (
            quote!(<#lender as ::asyncify::__private::Lend<Self, #self_ty>>::stream_mut),
            quote!(&mut #self_ty),
        ),
        Lender::Mut => (
            quote!(::asyncify::__private::stream_mut),
            quote!(&mut #self_ty),
        ),
    };
    quote! {
        #function(self, #buffer, move |#this: #client, #sink| {
            ::asyncify::__private::Sink::send_all(#sink, #call)
        })
    }
}

/// Where a remote call is reported: at the declared name.
fn declared_span(ident: &Ident) -> Span {
    ident.span()
}

/// A remote method's call, with its result checked against the declared
/// return type at the declaration.
fn checked_result(method: &Method, call: &TokenStream) -> TokenStream {
    let output = &method.output;
    if let Kind::Stream {
        item,
        implied: true,
        ..
    } = &method.kind
    {
        quote_spanned! {output.span()=>
            ::asyncify::__private::yields::<#item, _>(#call)
        }
    } else {
        returns(output, call)
    }
}

/// `call`, whose type must be exactly `output`, checked by a trait bound at
/// `output`: a mismatch is one error that names both types, not rustc's
/// conversion suggestions, which would be written into the declaration
/// (`fn len.try_into().unwrap()(&self) -> u32`).
fn returns(output: &Type, call: &TokenStream) -> TokenStream {
    quote_spanned! {output.span()=>
        ::asyncify::__private::returns::<#output, _>(#call)
    }
}

/// A remote call's arguments, each passed through `declared` with the span
/// of its declared type: an argument of the wrong type is then one error
/// there, asyncify's ("the declaration says this argument is `&[u8]`, but
/// the method takes `String`"), rather than rustc's mismatch, whose
/// conversion suggestions (`n: u32.try_into().unwrap()`) would be written
/// into the declaration. `declared` learns the method's parameter type from
/// the call, so an argument of a generic or `impl Trait` type, whose type
/// the method infers from it, is passed as it is.
fn declared_args<P, R, L>(method: &Method<P, R, L>, args: Vec<TokenStream>) -> Vec<TokenStream> {
    method
        .params
        .iter()
        .zip(args)
        .map(|(param, arg)| {
            let ty = &param.ty;
            if types::mentions(ty, &method.generic_names) || types::first_impl_trait(ty).is_some() {
                return arg;
            }
            // From the type's first token to its last, as far as rustc's
            // span of the call goes.
            let tokens = param.original.ty.to_token_stream();
            let first = param.original.ty.span();
            let last = tokens
                .into_iter()
                .last()
                .map_or(first, |token| token.span());
            let path = quote_spanned!(first=> ::asyncify::__private::declared);
            let mut arg = proc_macro2::Group::new(Delimiter::Parenthesis, arg);
            arg.set_span(last);
            quote!(#path #arg)
        })
        .collect()
}

/// The argument that borrows a copy back: `Borrow::borrow(&copy)`, or for a
/// remote declaration, whose method is not seen, `Borrow::<T>::borrow`
/// (unless `T` holds an `impl Trait`, which cannot be named there).
fn borrow_back(remote: bool, referent: &Type, copy: &TokenStream) -> TokenStream {
    if remote && types::first_impl_trait(referent).is_none() {
        quote_spanned!(referent.span()=> ::asyncify::__private::Borrow::<#referent>::borrow(#copy))
    } else {
        quote!(::asyncify::__private::Borrow::borrow(#copy))
    }
}

/// `::asyncify::__private::moves_to_pool::<T>();` with the span of `T`, so
/// that an error lands on the user's type.
/// Nothing for a type that is `Send + 'static` as written
/// ([`types::obviously_send`]).
fn check(helper: &str, ty: &Type) -> Option<TokenStream> {
    if types::obviously_send(ty) {
        return None;
    }
    let helper = format_ident!("{}", helper, span = ty.span());
    Some(quote_spanned!(ty.span()=> ::asyncify::__private::#helper::<#ty>();))
}

/// `::<T, N>`: the method's type and const parameters, named explicitly so
/// that `Borrow::borrow` of a copy infers nothing; a parameter converted on
/// the caller's side (`P: AsRef<Path>`) is given the converted type.
fn turbofish(method: &Method) -> TokenStream {
    let converted = |ident: &Ident| {
        method.params.iter().find_map(|param| match &param.pass {
            Pass::Convert(conversion) if conversion.generic.as_ref() == Some(ident) => {
                Some(conversion.converted_type())
            }
            _ => None,
        })
    };
    let params: Vec<TokenStream> = method
        .generics
        .params
        .iter()
        .filter_map(|param| match param {
            syn::GenericParam::Type(param) => {
                Some(converted(&param.ident).unwrap_or_else(|| param.ident.to_token_stream()))
            }
            syn::GenericParam::Const(param) => Some(param.ident.to_token_stream()),
            syn::GenericParam::Lifetime(_) => None,
        })
        .collect();
    if params.is_empty() {
        TokenStream::new()
    } else {
        quote!(::<#(#params),*>)
    }
}

/// The twin's docs: which method it is the async form of, then that method's
/// own docs.
///
/// `separator` is `#[doc = ""]`, made once for all twins: cloning it clones
/// one group's handle, where `quote!` would lex the `""` again for each.
fn twin_docs(input: &Input, method: &Method, separator: &TokenStream) -> TokenStream {
    let ident = &method.sig.ident;
    let target = match &input.type_path {
        Some(path) => format!("[`{path}::{ident}`]"),
        None => format!("`{ident}`"),
    };
    let mut summary = format!(
        " The async form of {target}: the same call, run on Tokio's blocking thread pool \
         (generated by `#[asyncify]`)."
    );
    if let Receiver::Mut(_) = method.receiver {
        summary.push_str(
            " It takes `&mut self`, so it needs a handle whose calls take turns, such as \
             `asyncify::Exclusive`.",
        );
    }
    if lends(method) {
        summary.push_str(" Its type parameter, the handle's lender, is inferred: never name it.");
    }
    let summary = string_literal(&summary);
    let mut tokens = quote!(#[doc = #summary]);
    if method.attrs.iter().any(|attr| attr.path().is_ident("doc")) {
        tokens.extend([separator.clone()]);
        carry(method.attrs, &["doc"], &mut tokens);
    }
    tokens
}

/// `Literal::string(text)`, made by parsing `"{text:?}"`: the same string,
/// in about a third of the time (proc_macro2's fallback, which unit tests
/// and benches use, escapes `Literal::string`'s text one character at a
/// time; `Debug` copies runs of plain characters at once): the twins'
/// docs alone had been 4% of the expansion of an impl of SDK-like methods.
fn string_literal(text: &str) -> Literal {
    format!("{text:?}")
        .parse()
        .unwrap_or_else(|_| Literal::string(text))
}

/// The docs of a trait of twins for the handles of one type (an impl's, a
/// remote declaration's): `own` (a declaration's docs), then what the trait
/// is, made by `by`, and which handles implement it.
fn handle_docs(input: &Input, own: &TokenStream, declared: &str, by: &str) -> TokenStream {
    let ty = type_name(input);
    let type_link = type_link(input);
    let summary = if declared.is_empty() {
        format!(" The `_async` twins of {type_link}'s methods, generated by {by}.")
    } else {
        format!(
            " The `_async` twins of the methods of {type_link}{declared}, generated by \
             {by}."
        )
    };
    let body = format!(
        "{summary}\n\n Each twin runs its method on Tokio's blocking thread pool and returns a \
         `Send + 'static` future. The trait is implemented for every handle that can run the \
         calls there (`H: asyncify::Offload<{ty}>`): `asyncify::Handle<{ty}>`, \
         `asyncify::Exclusive<{ty}>`, `asyncify::Dedicated<{ty}>`, `Arc<{ty}>`, or the client \
         itself if it is `Clone + Send`; bring it into scope to call them."
    );
    let separator = (!own.is_empty()).then(|| quote!(#[doc = ""]));
    quote!(#own #separator #[doc = #body])
}

/// The docs of a trait's trait of twins, for the handles of every
/// implementor.
fn trait_docs(input: &Input) -> TokenStream {
    let ty = type_name(input);
    let type_link = type_link(input);
    let body = format!(
        " The `_async` twins of {type_link}'s methods, generated by `#[asyncify]`.\n\n \
         Each twin runs its method on Tokio's blocking thread pool and returns a \
         `Send + 'static` future. The trait is implemented for every handle to an \
         implementor of `{ty}`: `asyncify::Handle<B>`, `asyncify::Exclusive<B>`, \
         `asyncify::Dedicated<B>` and `Arc<B>` for any `B: {ty}`, including \
         `Arc<dyn {ty} + Send + Sync>`; bring it into scope to call them."
    );
    quote!(#[doc = #body])
}

fn type_name(input: &Input) -> String {
    input
        .type_path
        .clone()
        .unwrap_or_else(|| input.self_ty.to_token_stream().to_string())
}

fn type_link(input: &Input) -> String {
    match &input.type_path {
        Some(path) => format!("[`{path}`]"),
        None => format!("`{}`", input.self_ty.to_token_stream()),
    }
}

/// The attributes of `attrs` named in `names`, to put on a generated item.
fn carried(attrs: &[Attribute], names: &[&str]) -> TokenStream {
    let mut tokens = TokenStream::new();
    carry(attrs, names, &mut tokens);
    tokens
}

/// [`carried`], written into `tokens`. An inner attribute (`#![cfg(..)]` at
/// the top of the impl block, `//!` at the top of a method's body) is
/// carried as an outer one: it cannot stand in front of the generated item
/// (and only it is cloned for that).
fn carry(attrs: &[Attribute], names: &[&str], tokens: &mut TokenStream) {
    for attr in attrs {
        if !names.iter().any(|name| attr.path().is_ident(name)) {
            continue;
        }
        if let syn::AttrStyle::Outer = attr.style {
            attr.to_tokens(tokens);
        } else {
            let mut attr = attr.clone();
            attr.style = syn::AttrStyle::Outer;
            attr.to_tokens(tokens);
        }
    }
}

/// The impl's own `#[cfg]`s, which every generated item shares.
fn impl_cfgs(input: &Input) -> TokenStream {
    carried(input.attrs, &["cfg"])
}

/// The widest of the methods' visibilities: `pub` if any is, else the one
/// restriction they share, else `pub(crate)`.
fn widest<'a>(mut visibilities: impl Iterator<Item = &'a Visibility>) -> TokenStream {
    let Some(first) = visibilities.next() else {
        return TokenStream::new();
    };
    let mut widest = first.to_token_stream();
    for vis in visibilities {
        if matches!(vis, Visibility::Public(_)) {
            return vis.to_token_stream();
        }
        if vis.to_token_stream().to_string() != widest.to_string() {
            widest = quote!(pub(crate));
        }
    }
    if matches!(first, Visibility::Public(_)) {
        first.to_token_stream()
    } else {
        widest
    }
}
