//! Unit tests of the expansion function, outside the compiler.

use proc_macro2::TokenStream;
use quote::quote;

use super::expand;

/// The expansion, parsed back as a file (so it is always valid Rust) and
/// printed with single spaces, for `contains` checks.
fn expanded(args: TokenStream, item: TokenStream) -> (syn::File, String) {
    let tokens = expand(args, item);
    let file: syn::File = syn::parse2(tokens.clone()).expect("the expansion parses as items");
    (file, tokens.to_string())
}

fn compile_errors(text: &str) -> usize {
    text.matches("compile_error").count()
}

fn trait_named<'a>(file: &'a syn::File, name: &str) -> Option<&'a syn::ItemTrait> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Trait(item) if item.ident == name => Some(item),
        _ => None,
    })
}

fn trait_methods(item: &syn::ItemTrait) -> Vec<String> {
    item.items
        .iter()
        .filter_map(|item| match item {
            syn::TraitItem::Fn(method) => Some(method.sig.ident.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn keeps_the_impl_and_adds_a_trait_and_constructors() {
    let (file, text) = expanded(
        quote!(),
        quote! {
            impl Storage {
                pub fn open(dir: &Path) -> io::Result<Storage> { todo!() }
                pub fn get(&self, key: &str) -> Vec<u8> { todo!() }
                pub fn put(&mut self, key: &str, value: &[u8]) {}
                fn private(&self) {}
                pub async fn already(&self) {}
            }
        },
    );
    assert_eq!(compile_errors(&text), 0, "{text}");
    let twins = trait_named(&file, "StorageAsync").expect("a StorageAsync trait");
    assert_eq!(trait_methods(twins), ["get_async", "put_async"]);
    assert!(matches!(twins.vis, syn::Visibility::Public(_)));
    assert!(text.contains("pub fn open_async (dir : & Path)"), "{text}");
    // `put`'s twin is generic over its lender: the declaration requires
    // `OffloadMut`, the definition only the lender.
    assert!(
        text.contains(
            "fn put_async < __AsyncifyLender > (& self , key : & str , value : & [u8]) -> impl"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "where __AsyncifyLender : :: asyncify :: __private :: Lend < Self , Storage > , \
             Self : :: asyncify :: __private :: OffloadMut < Storage , __AsyncifyLender > ;"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "where __AsyncifyLender : :: asyncify :: __private :: Lend < Self , Storage > { "
        ),
        "{text}"
    );
    assert!(text.contains("the handle's lender, is inferred"), "{text}");
    // The original impl comes first, unchanged.
    let syn::Item::Impl(original) = &file.items[0] else {
        panic!("{text}")
    };
    assert_eq!(original.items.len(), 5);
}

#[test]
fn references_are_copied_and_static_references_moved() {
    let (_, text) = expanded(
        quote!(),
        quote! {
            impl C {
                pub fn f(&self, a: &str, b: &'static str, c: Option<&[u8]>, d: String) {}
            }
        },
    );
    assert!(
        text.contains("let a = :: asyncify :: __private :: ToOwned :: to_owned (a) ;"),
        "{text}"
    );
    assert!(!text.contains("to_owned (b)"), "{text}");
    assert!(
        text.contains("let c = :: asyncify :: __private :: Option :: map (c"),
        "{text}"
    );
    assert!(!text.contains("to_owned (d)"), "{text}");
}

#[test]
fn generic_arguments_get_bounds_in_a_where_clause_and_impl_trait_inline() {
    let (_, text) = expanded(
        quote!(),
        quote! {
            impl C {
                pub fn f<K: Hash, V>(&self, key: &K, value: V, tag: impl Display) -> Option<V> { None }
            }
        },
    );
    assert!(
        text.contains("K : :: asyncify :: __private :: ToOwned"),
        "{text}"
    );
    assert!(
        text.contains("V : :: core :: marker :: Send + 'static"),
        "{text}"
    );
    assert!(
        text.contains("Option < V > : :: core :: marker :: Send + 'static"),
        "{text}"
    );
    assert!(
        text.contains("tag : impl Display + :: core :: marker :: Send + 'static"),
        "{text}"
    );
    assert!(text.contains("f :: < K , V > (this"), "{text}");
}

#[test]
fn self_is_replaced_outside_the_impl() {
    let (file, text) = expanded(
        quote!(),
        quote! {
            impl<T: Clone> Cache<T> where T: Debug {
                pub fn merge(&self, other: Self) -> Self::Output { todo!() }
            }
        },
    );
    let twins = trait_named(&file, "CacheAsync").expect("a CacheAsync trait");
    let twins = quote!(#twins).to_string();
    assert!(twins.contains("other : Cache < T >"), "{twins}");
    assert!(twins.contains("< Cache < T > > :: Output"), "{twins}");
    assert!(
        text.contains("impl < T : Clone , __AsyncifyHandle"),
        "{text}"
    );
}

#[test]
fn options_rename_the_twins_and_the_trait() {
    let (file, text) = expanded(
        quote!(suffix = "_nb", trait_name = StorageExt),
        quote! {
            impl Storage {
                pub fn get(&self) {}
                #[asyncify(rename = "fetch")]
                pub fn load(&self) {}
                #[asyncify(skip)]
                pub fn stream(&self) {}
            }
        },
    );
    let twins = trait_named(&file, "StorageExt").expect("the trait named by the option");
    assert_eq!(trait_methods(twins), ["get_nb", "fetch"]);
    assert!(
        !text.contains("# [asyncify"),
        "helper attributes are removed: {text}"
    );
}

#[test]
fn the_trait_is_as_visible_as_the_widest_method() {
    let visibility = |methods: TokenStream| {
        let (file, _) = expanded(quote!(), quote!(impl C { #methods }));
        let twins = trait_named(&file, "CAsync").expect("a trait");
        quote::ToTokens::to_token_stream(&twins.vis).to_string()
    };
    assert_eq!(
        visibility(quote!(
            pub(crate) fn a(&self) {}
            pub fn b(&self) {}
        )),
        "pub"
    );
    assert_eq!(
        visibility(quote!(
            pub(super) fn a(&self) {}
            pub(super) fn b(&self) {}
        )),
        "pub (super)"
    );
    assert_eq!(
        visibility(quote!(
            pub(super) fn a(&self) {}
            pub(crate) fn b(&self) {}
        )),
        "pub (crate)"
    );
}

#[test]
fn a_trait_object_self_type_with_a_trailing_plus_still_expands_to_items() {
    // Found by tests/tests/macro_fuzz.rs: `Client +` parses as a type, but
    // printed inside `Offload<..>` it did not parse back.
    // (`expanded` parses the expansion back.)
    let (file, text) = expanded(
        quote!(trait_name = ClientExt),
        quote! {
            impl Client + {
                pub fn get(&self) -> u8 { 1 }
            }
        },
    );
    assert_eq!(compile_errors(&text), 0, "{text}");
    assert!(trait_named(&file, "ClientExt").is_some(), "{text}");
}

#[test]
fn inner_attributes_carry_over_as_outer_ones() {
    // Found by tests/tests/macro_fuzz.rs: an inner `#![cfg]` was carried as
    // it was, and an inner attribute cannot stand in front of an item.
    let (file, text) = expanded(
        quote!(),
        quote! {
            impl C {
                #![cfg(feature = "x")]
                pub fn get(&self) -> u8 {
                    //! Reads.
                    #![cfg(unix)]
                    1
                }
            }
        },
    );
    assert_eq!(compile_errors(&text), 0, "{text}");
    // The impl keeps its inner attributes; the trait and its impl get outer ones.
    assert_eq!(
        text.matches("# ! [cfg (feature = \"x\")]").count(),
        1,
        "{text}"
    );
    assert_eq!(
        text.matches("# [cfg (feature = \"x\")]").count(),
        2,
        "{text}"
    );
    let twins = trait_named(&file, "CAsync").expect("a CAsync trait");
    let syn::TraitItem::Fn(twin) = &twins.items[0] else {
        panic!("{text}")
    };
    assert!(
        twin.attrs
            .iter()
            .all(|attr| matches!(attr.style, syn::AttrStyle::Outer)),
        "{text}"
    );
    assert!(text.contains("# [cfg (unix)] fn get_async"), "{text}");
}

#[test]
fn attributes_carry_over() {
    let (_, text) = expanded(
        quote!(),
        quote! {
            #[cfg(feature = "x")]
            impl C {
                /// Reads.
                #[cfg(unix)]
                #[deprecated]
                #[must_use]
                #[inline]
                pub fn get(&self) -> u8 { 1 }
            }
        },
    );
    assert_eq!(
        text.matches("# [cfg (feature = \"x\")]").count(),
        3,
        "impl, trait, trait impl: {text}"
    );
    assert_eq!(
        text.matches("Reads.").count(),
        2,
        "original and twin docs: {text}"
    );
    assert!(text.contains("The async form of [`C::get`]"), "{text}");
    assert_eq!(
        text.matches("# [deprecated]").count(),
        2,
        "original and trait declaration: {text}"
    );
    assert_eq!(text.matches("# [inline]").count(), 1, "not carried: {text}");
}

#[test]
fn a_bad_method_gets_an_error_and_the_rest_still_expand() {
    let (file, text) = expanded(
        quote!(),
        quote! {
            impl C {
                pub fn name(&self) -> &str { "" }
                pub fn fill(&self, buf: &mut [u8]) {}
                pub fn close(self) {}
                pub unsafe fn poke(&self) {}
                pub fn len(&self) -> usize { 0 }
            }
        },
    );
    assert_eq!(compile_errors(&text), 4, "{text}");
    let twins = trait_named(&file, "CAsync").expect("the good method's twin");
    assert_eq!(trait_methods(twins), ["len_async"]);
    let syn::Item::Impl(original) = &file.items[0] else {
        panic!("{text}")
    };
    assert_eq!(
        original.items.len(),
        5,
        "the original impl is emitted whole"
    );
}

#[test]
fn bad_options_keep_the_impl_and_add_nothing() {
    let (file, text) = expanded(
        quote!(sufix = "_x", trait_name = "two words"),
        quote!(impl C { pub fn get(&self) {} }),
    );
    assert_eq!(compile_errors(&text), 2, "{text}");
    assert!(trait_named(&file, "CAsync").is_none());
    assert!(matches!(file.items[0], syn::Item::Impl(_)));
}

#[test]
fn not_an_impl_is_given_back_with_an_error() {
    let (file, text) = expanded(
        quote!(),
        quote!(
            pub fn get() {}
        ),
    );
    assert_eq!(compile_errors(&text), 1);
    assert!(matches!(file.items[0], syn::Item::Fn(_)));
}

#[test]
fn unparsable_input_is_given_back_with_an_error() {
    let input = quote!(impl C { pub fn get(&self) -> });
    let output = expand(quote!(), input.clone()).to_string();
    assert!(output.starts_with(&input.to_string()), "{output}");
    assert_eq!(compile_errors(&output), 1);
}

#[test]
fn twin_names_must_not_clash() {
    let (_, text) = expanded(
        quote!(),
        quote! {
            impl C {
                pub fn get(&self) {}
                pub fn get_async(&self) {}
            }
        },
    );
    assert_eq!(compile_errors(&text), 1, "{text}");
}

#[test]
fn borrows_are_found_where_they_matter_and_not_in_fn_types() {
    let (_, text) = expanded(
        quote!(),
        quote! {
            impl C {
                pub fn ok(&self, f: fn(&str) -> bool, g: Box<dyn Fn(&str) + Send>, h: &'static str) {}
                pub fn nested(&self, args: &[&str]) {}
                pub fn held(&self, args: Vec<&'static str>, cow: Cow<'_, str>) {}
            }
        },
    );
    assert_eq!(compile_errors(&text), 2, "nested and held: {text}");
    assert!(text.contains("fn ok_async"), "{text}");
}

#[test]
fn a_remote_declaration_is_replaced_by_the_trait_of_twins() {
    let (file, text) = expanded(
        quote!(remote = rusqlite::Connection),
        quote! {
            /// Docs of the declaration.
            pub trait ConnectionAsync {
                fn execute(&self, sql: &str) -> Result<usize>;
                fn rows(&self) -> impl Iterator<Item = u32> + '_;
                #[asyncify(skip)]
                fn transaction(&mut self) -> Transaction<'_>;
            }
        },
    );
    assert_eq!(compile_errors(&text), 0, "{text}");
    assert_eq!(
        file.items.len(),
        3,
        "the twins' trait, its impl and the check of `transaction`: {text}"
    );
    let twins = trait_named(&file, "ConnectionAsync").expect("the declared name");
    assert_eq!(trait_methods(twins), ["execute_async", "rows_stream"]);
    assert!(
        text.contains("Offload < rusqlite :: Connection >"),
        "{text}"
    );
    assert!(text.contains("Docs of the declaration."), "{text}");
    // The real method is called, and its result checked against the
    // declaration.
    assert!(text.contains("Borrow :: < str > :: borrow"), "{text}");
    assert!(
        text.contains("returns :: < Result < usize > , _ >"),
        "{text}"
    );
    // The skipped declaration is compared with the real method too.
    assert!(
        text.contains("rusqlite :: Connection > :: transaction (self)"),
        "{text}"
    );
}

#[test]
fn declarations_without_a_twin_are_checked_and_pub_is_accepted() {
    let (file, text) = expanded(
        quote!(remote = vendor::Store),
        quote! {
            pub trait StoreAsync {
                pub fn get(&self, key: &str) -> u8;
                #[asyncify(skip)]
                pub(crate) fn close(mut self) -> bool;
                async fn refresh(&self, force: bool) -> u32;
                #[asyncify(skip)]
                unsafe fn raw(&self) -> *mut u8;
                #[asyncify(skip)]
                unsafe fn generic<T>(&self, value: T) -> T;
            }
        },
    );
    assert_eq!(compile_errors(&text), 0, "{text}");
    let twins = trait_named(&file, "StoreAsync").expect("the declared name");
    assert_eq!(trait_methods(twins), ["get_async"]);
    assert!(
        text.contains("fn __asyncify_declared_0 (self) -> bool"),
        "{text}"
    );
    assert!(text.contains("vendor :: Store > :: close (self)"), "{text}");
    assert!(
        text.contains(":: refresh (self , :: asyncify :: __private :: declared (force)) . await"),
        "{text}"
    );
    // An `unsafe fn` is not called: coerced to a pointer of the declared type,
    // or only looked up when that type cannot be written.
    assert!(
        text.contains("let _ : unsafe fn (& Self ,) -> * mut u8 ="),
        "{text}"
    );
    assert!(
        text.contains("let _ = < vendor :: Store > :: generic ;"),
        "{text}"
    );
    assert!(!text.contains("unsafe {"), "{text}");
}

#[test]
fn a_twin_named_like_a_declaration_is_an_error_at_its_method() {
    let (_, text) = expanded(
        quote!(remote = vendor::Store),
        quote! {
            pub trait StoreAsync {
                fn flush(&self) -> bool;
                async fn flush_async(&self) -> bool;
            }
        },
    );
    assert_eq!(compile_errors(&text), 1, "{text}");
    assert!(
        text.contains("like the method `flush_async` of `vendor::Store`"),
        "{text}"
    );
}

#[test]
fn a_trait_is_kept_and_gets_a_trait_of_twins_for_every_handle() {
    let (file, text) = expanded(
        quote!(),
        quote! {
            pub trait Storage {
                type Error;
                fn get(&self, key: &str) -> Result<Vec<u8>, Self::Error>;
                #[asyncify(rename = "put_later")]
                fn put(&mut self, key: String);
            }
        },
    );
    assert_eq!(compile_errors(&text), 0, "{text}");
    let original = trait_named(&file, "Storage").expect("the trait, kept");
    assert_eq!(trait_methods(original), ["get", "put"]);
    let twins = trait_named(&file, "StorageAsync").expect("a StorageAsync trait");
    assert_eq!(trait_methods(twins), ["get_async", "put_later"]);
    assert!(
        text.contains(
            "< < Self as :: asyncify :: __private :: ClientHandle > :: Client as Storage > :: Error"
        ),
        "{text}"
    );
}

#[test]
fn iterator_methods_get_stream_twins() {
    let (file, text) = expanded(
        quote!(stream_suffix = "_iter"),
        quote! {
            impl Table {
                pub fn rows(&self) -> impl Iterator<Item = Row> + '_ { todo!() }
                #[asyncify(stream, buffer = 3)]
                pub fn pages(&mut self) -> Vec<Page> { todo!() }
                pub fn count(&self) -> usize { 0 }
            }
        },
    );
    assert_eq!(compile_errors(&text), 0, "{text}");
    let twins = trait_named(&file, "TableAsync").expect("a TableAsync trait");
    assert_eq!(
        trait_methods(twins),
        ["rows_iter", "pages_iter", "count_async"]
    );
    assert!(
        text.contains("__private :: stream (self , 16usize"),
        "{text}"
    );
    assert!(
        text.contains(
            "< __AsyncifyLender as :: asyncify :: __private :: Lend < Self , Table >> :: \
             stream_mut (self , 3usize"
        ),
        "{text}"
    );
    assert!(
        text.contains("< Vec < Page > as :: core :: iter :: IntoIterator > :: Item"),
        "{text}"
    );
}

#[test]
fn remote_and_stream_misuse_is_reported_and_the_item_kept() {
    let (file, text) = expanded(
        quote!(remote = vendor::Store),
        quote! {
            pub trait StoreAsync {
                fn open(path: &str) -> Store;
                fn len(&self) -> usize { 0 }
                #[asyncify(buffer = 2)]
                fn name(&self) -> String;
                fn ok(&self) -> u8;
            }
        },
    );
    assert_eq!(compile_errors(&text), 2, "{text}");
    // The good declarations still get their twins, functions without `self`
    // in the trait too.
    let twins = trait_named(&file, "StoreAsync").expect("the trait of twins");
    assert_eq!(trait_methods(twins), ["open_async", "ok_async"]);
}

#[test]
fn conversion_parameters_are_converted_on_the_callers_side() {
    let (_, text) = expanded(
        quote!(),
        quote! {
            impl Db {
                pub fn open<P: AsRef<Path>>(path: P) -> Db { todo!() }
                pub fn get(&self, key: impl AsRef<str>, value: impl Into<String>) {}
                pub fn debug<P: AsRef<Path> + Debug>(path: P) {}
                pub fn twice<P: AsRef<Path>>(a: P, b: P) {}
            }
        },
    );
    assert_eq!(compile_errors(&text), 0, "{text}");
    // No `Send + 'static` on the parameter: `&path` works.
    assert!(
        text.contains("pub fn open_async < P : AsRef < Path > > (path : P)"),
        "{text}"
    );
    assert!(text.contains("converts_to_pool :: < Path >"), "{text}");
    assert!(
        text.contains("open :: < < Path as :: asyncify :: __private :: ToOwned > :: Owned >"),
        "{text}"
    );
    assert!(text.contains("key : impl AsRef < str > ,"), "{text}");
    assert!(
        text.contains(":: core :: convert :: Into :: < String > :: into (value)"),
        "{text}"
    );
    // Another bound, or `P` used twice: an ordinary generic parameter.
    assert!(
        text.contains("P : :: core :: marker :: Send + 'static"),
        "{text}"
    );
    assert!(text.contains("twice :: < P >"), "{text}");
}

/// What one twin of each kind expands to, to read or to profile (`cargo test
/// -p asyncify-macros print_expansion -- --ignored --nocapture | rustfmt`).
#[test]
#[ignore = "prints an expansion"]
fn print_expansion() {
    let tokens = expand(
        quote!(),
        quote! {
            impl Client {
                pub fn new(endpoint: &str) -> Client { todo!() }
                /// Calls operation 0.
                pub fn operation_0(&self, bucket: &str, max_keys: u32) -> Result<Output, Error> { todo!() }
                pub fn put(&mut self, body: Body) -> usize { todo!() }
            }
        },
    );
    println!("{tokens}");
}

/// The expansion with the method bodies left out of syn's parse
/// (`bodies::parse_item`) equals the one with everything parsed; `stubbed`
/// says whether the bodies are expected to be left out at all.
fn same_as_full_parse(args: TokenStream, item: TokenStream, stubbed: bool) -> String {
    assert_eq!(super::bodies::parses_stubbed(&item), stubbed, "{item}");
    let fast = expand(args.clone(), item.clone()).to_string();
    let full = super::expand_parsed_by(args, item, syn::parse2).to_string();
    assert_eq!(fast, full);
    fast
}

#[test]
fn bodies_after_const_arguments_in_the_signature() {
    let text = same_as_full_parse(
        quote!(),
        quote! {
            impl<const N: usize> Client<N> {
                pub fn get(&self) -> Foo<{ N }> { self.send({ N }) }
                pub fn put<const M: usize = { 3 }>(&self, a: [u8; { M }]) -> u8
                where
                    Foo<{ M }, { N }>: Sized,
                {
                    let x = { 1 };
                    x
                }
            }
        },
        true,
    );
    assert!(text.contains("self . send ({ N })"), "{text}");
    assert!(text.contains("let x = { 1 } ; x"), "{text}");
}

#[test]
fn bodies_next_to_macro_and_const_items() {
    let text = same_as_full_parse(
        quote!(),
        quote! {
            impl Client {
                items! { fn hidden(&self) -> u8 { 0 } }
                more!(fn hidden_too(&self) {});
                const F: fn() -> u8 = { fn g() -> u8 { 1 } g };
                type T = Foo<{ 2 }>;
                pub fn get(&self) -> u8 { fn helper() -> u8 { 1 } helper() }
                pub const unsafe extern "C" fn raw(&self) {}
                pub(crate) async fn already(&self) {}
            }
        },
        true,
    );
    assert!(
        text.contains("fn helper () -> u8 { 1 } helper ()"),
        "{text}"
    );
    assert!(text.contains("fn get_async"), "{text}");
    // A macro in a signature: everything is parsed.
    same_as_full_parse(
        quote!(),
        quote! {
            impl Client {
                pub fn get(&self) -> ty!{u8} { 1 }
            }
        },
        false,
    );
}

#[test]
fn bodies_with_inner_attributes_stay_parsed() {
    let text = same_as_full_parse(
        quote!(),
        quote! {
            impl Client {
                pub fn get(&self) -> u8 {
                    #![doc = " Docs from inside the body."]
                    1
                }
                pub fn put(&self) {}
            }
        },
        true,
    );
    assert!(text.contains("Docs from inside the body."), "{text}");
}

#[test]
fn trait_default_bodies_and_declarations() {
    same_as_full_parse(
        quote!(),
        quote! {
            trait Storage {
                fn get(&self, key: &str) -> Vec<u8>;
                fn has(&self, key: &str) -> bool { !self.get(key).is_empty() }
                const LIMIT: usize = { 3 };
            }
        },
        true,
    );
    // A remote declaration with a body is an error at the body.
    let text = same_as_full_parse(
        quote!(remote = vendor::Store),
        quote! {
            trait StoreAsync {
                fn get(&self, key: &str) -> Vec<u8> { todo!() }
                fn len(&self) -> usize;
            }
        },
        true,
    );
    assert_eq!(compile_errors(&text), 1, "{text}");
    // `pub fn` in a declaration is read from verbatim tokens: all parsed.
    same_as_full_parse(
        quote!(remote = vendor::Store),
        quote! {
            trait StoreAsync {
                pub fn get(&self, key: &str) -> Vec<u8> { todo!() }
            }
        },
        false,
    );
}

#[test]
fn other_items_and_broken_input_are_parsed_as_before() {
    for item in [
        quote!(
            fn free() {
                fn nested() {}
            }
        ),
        quote!(
            struct S {
                a: u8,
            }
        ),
        quote!(impl Client { pub fn get(&self) -> u8 }),
        quote!(impl Client { pub fn get(&self) -> u8 { 1 } struct S {} }),
        quote!(impl Client { fn }),
    ] {
        let fast = expand(quote!(), item.clone()).to_string();
        let full = super::expand_parsed_by(quote!(), item, syn::parse2).to_string();
        assert_eq!(fast, full);
    }
}

/// A body syn cannot parse is not parsed at all: the method keeps its twin
/// and the body its tokens (rustc reports its own error there), as
/// tracing-attributes does for a body mid-edit. With everything parsed, the
/// item would be given back with syn's error and no twins.
#[test]
fn a_body_syn_cannot_parse_keeps_its_tokens_and_the_twin() {
    let item = quote! {
        impl Client {
            pub fn get(&self) -> u8 { todo(impl Trait)! }
        }
    };
    let text = expand(quote!(), item.clone()).to_string();
    assert_eq!(compile_errors(&text), 0, "{text}");
    assert!(text.contains("{ todo (impl Trait) ! }"), "{text}");
    assert!(text.contains("fn get_async"), "{text}");
    let full = super::expand_parsed_by(quote!(), item, syn::parse2).to_string();
    assert_eq!(compile_errors(&full), 1, "{full}");
}

/// An item that starts with a `macro_rules!` fragment (`$vis`, an invisible
/// group) is parsed in full: the scan cannot see whether it is a function.
#[test]
fn bodies_after_an_invisible_group_are_parsed() {
    let vis = proc_macro2::Group::new(proc_macro2::Delimiter::None, quote!(pub));
    same_as_full_parse(
        quote!(),
        quote! {
            impl Client {
                #vis fn empty(&self) {}
                const X: u8 = 1;
                pub fn get(&self) -> u8 { 1 }
            }
        },
        false,
    );
}
