//! Bad input to the macro: a property test over the expansion function,
//! compiled in from `asyncify-macros/src/pipeline` (see DEVELOPMENT.md).
//!
//! A seeded generator writes `impl` blocks with random methods (receivers,
//! visibility, generics, lifetimes, where-clauses, argument and return types
//! from a pool that includes references, `impl Trait`, `&dyn`, slices and
//! options, attributes including `#[asyncify(skip)]`, `rename` and bad
//! options, `async fn`, `unsafe fn`, `cfg`) and random options on the impl,
//! and knows which of them the macro must reject. Then:
//!
//! - `generated_impls_expand_as_predicted`: the expansion never panics,
//!   parses as a file of items, re-emits the impl as written (minus the
//!   `#[asyncify(..)]` helper attributes), and has a `compile_error!` exactly
//!   when the input is invalid;
//! - `mutated_token_streams_never_break_the_macro`: the same inputs with
//!   tokens deleted, duplicated, swapped or inserted (and the options
//!   mutated too): the expansion never panics and always has a
//!   `compile_error!` or no error at all as `syn` sees it. When the mutated
//!   item still parses, the output parses as items and re-emits it; when it
//!   parses only with its methods' bodies left unparsed (as the macro reads
//!   it: `pipeline/bodies.rs`), the output re-emits it as read, followed by
//!   items; when it does not parse at all (rustc never passes such an item
//!   to an attribute, but `syn` and rustc may disagree), the output is the
//!   input unchanged followed by a `compile_error!`: it cannot parse as
//!   items, since the input does not;
//! - `the_type_checked_sample_is_up_to_date`: `generated_sample.rs`, which
//!   cargo compiles as a test of its own, holds 30 valid generated impls
//!   under the real attribute, so their expansions type-check; this test
//!   regenerates it and checks that it is unchanged.
//!
//! Case counts: 4,000 per test (8,000 expansions in all) unless
//! `ASYNCIFY_FUZZ_CASES` says otherwise; about 23 s of CPU in a debug build
//! (tests/README.md has the measured times). The seed is printed;
//! `ASYNCIFY_SEED=<seed>` repeats a run.

// The pipeline's own unit tests come along (`#[cfg(test)] mod tests` in
// `pipeline/mod.rs`) and run here too; that is harmless.
#[path = "../../asyncify-macros/src/pipeline/mod.rs"]
mod pipeline;
mod support;

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::time::Instant;

use proc_macro2::{Group, TokenStream, TokenTree};
use quote::ToTokens;
use support::{Rng, seed};

// ---------------------------------------------------------------------------
// The generator.

/// A generated input to `#[asyncify(args)] item`.
#[derive(Debug, Clone)]
struct Case {
    args: String,
    item: String,
    /// The macro must report at least one error.
    invalid: bool,
    /// Valid, and its expansion also type-checks (its types are `Send`, its
    /// self type is defined in the sample, ...).
    type_checks: bool,
    /// The definitions the impl needs, for the sample.
    definitions: String,
    /// How many methods get a twin.
    twins: usize,
}

/// A type in the pool, with what the macro must make of it.
#[derive(Clone, Copy)]
struct PoolType {
    text: &'static str,
    fit: Fit,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// Accepted, and the expansion type-checks.
    Ok,
    /// Accepted by the macro, rejected by the compiler (not `Send`).
    NotSend,
    /// Rejected by the macro.
    Error,
}

const fn ty(text: &'static str, fit: Fit) -> PoolType {
    PoolType { text, fit }
}

/// Picks from `pool`: a type the macro rejects one time in `1 / odds`, so
/// that most methods stay valid.
fn pick_type(rng: &mut Rng, pool: &[PoolType], odds: u64) -> PoolType {
    let want_error = rng.chance(1, odds);
    let matching: Vec<PoolType> = pool
        .iter()
        .copied()
        .filter(|pool_type| (pool_type.fit == Fit::Error) == want_error)
        .collect();
    if matching.is_empty() {
        *rng.pick(pool)
    } else {
        *rng.pick(&matching)
    }
}

/// Argument types that need no generics.
const ARGUMENTS: &[PoolType] = &[
    ty("u32", Fit::Ok),
    ty("String", Fit::Ok),
    ty("&str", Fit::Ok),
    ty("&[u8]", Fit::Ok),
    ty("&[String]", Fit::Ok),
    ty("Option<&str>", Fit::Ok),
    ty("Option<&[u8]>", Fit::Ok),
    ty("&'static str", Fit::Ok),
    ty("Option<&'static str>", Fit::Ok),
    ty("Vec<&'static str>", Fit::Ok),
    ty("Vec<u64>", Fit::Ok),
    ty("Option<u8>", Fit::Ok),
    ty("(u8, String)", Fit::Ok),
    ty("[u8; 4]", Fit::Ok),
    ty("&std::path::Path", Fit::Ok),
    ty("std::collections::HashMap<String, Vec<u8>>", Fit::Ok),
    ty("impl Into<String>", Fit::Ok),
    ty("impl AsRef<str>", Fit::Ok),
    ty("impl Fn(&str) -> bool", Fit::Ok),
    ty("&impl std::fmt::Display", Fit::Ok),
    ty("Box<dyn Fn(&str) -> usize + Send>", Fit::Ok),
    ty("fn(&str) -> usize", Fit::Ok),
    ty("Self", Fit::Ok),
    ty("Option<Box<Self>>", Fit::Ok),
    ty("std::rc::Rc<u8>", Fit::NotSend),
    ty("Vec<std::rc::Rc<str>>", Fit::NotSend),
    ty("&mut Vec<u8>", Fit::Error),
    ty("Option<&mut String>", Fit::Error),
    ty("&dyn std::fmt::Debug", Fit::Error),
    ty("&[&str]", Fit::Error),
    ty("&Option<&str>", Fit::Error),
    ty("&[impl Into<String>]", Fit::Error),
    ty("std::borrow::Cow<'_, str>", Fit::Error),
    ty("Vec<&str>", Fit::Error),
];

/// Argument types of generic impls, whose parameter is `T`.
const IMPL_GENERIC_ARGUMENTS: &[PoolType] = &[
    ty("T", Fit::Ok),
    ty("&T", Fit::Ok),
    ty("Vec<T>", Fit::Ok),
    ty("Option<&T>", Fit::Ok),
    ty("&mut T", Fit::Error),
];

/// Return types (`""`: none).
const OUTPUTS: &[PoolType] = &[
    ty("", Fit::Ok),
    ty("u32", Fit::Ok),
    ty("String", Fit::Ok),
    ty("Option<String>", Fit::Ok),
    ty("Result<Vec<u8>, String>", Fit::Ok),
    ty("&'static str", Fit::Ok),
    ty("Self", Fit::Ok),
    ty("Vec<Self>", Fit::Ok),
    ty("Box<dyn std::error::Error + Send + Sync>", Fit::Ok),
    ty("std::rc::Rc<String>", Fit::NotSend),
    ty("&str", Fit::Error),
    ty("Option<&[u8]>", Fit::Error),
    ty("impl std::fmt::Display", Fit::Error),
    ty("Vec<impl Send>", Fit::Error),
    ty("std::borrow::Cow<'_, str>", Fit::Error),
];

/// Receivers: text, whether it has `self`, and whether the macro accepts it.
const RECEIVERS: &[(&str, bool, bool)] = &[
    ("", false, true),
    ("&self", true, true),
    ("&mut self", true, true),
    ("self: &Self", true, true),
    ("self: &mut Self", true, true),
    ("self", true, false),
    ("mut self", true, false),
    ("self: Box<Self>", true, false),
    ("self: std::sync::Arc<Self>", true, false),
];

#[rustfmt::skip]
const NAMES: &[&str] = &[
    "get", "put", "list", "open", "close", "fetch", "send", "read", "write", "query", "ping",
    "scan", "load", "store", "flush", "r#match", "delete_all",
];

/// Method generics: parameters, where-clause, and argument types that use
/// them (each with its fit).
const METHOD_GENERICS: &[(&str, &str, &[PoolType])] = &[
    ("", "", &[]),
    (
        "<U: Clone + Send + 'static>",
        "",
        &[
            ty("U", Fit::Ok),
            ty("Vec<U>", Fit::Ok),
            ty("Option<U>", Fit::Ok),
        ],
    ),
    (
        "<U>",
        "where U: Into<u64> + Send + 'static",
        &[ty("U", Fit::Ok), ty("(U, u8)", Fit::Ok)],
    ),
    (
        "<U: ?Sized + ToOwned>",
        "where U::Owned: Send + 'static",
        &[ty("&U", Fit::Ok)],
    ),
    (
        "<'a>",
        "",
        &[
            ty("&'a str", Fit::Ok),
            ty("&'a [u8]", Fit::Ok),
            ty("Vec<&'a str>", Fit::Error),
            ty("std::borrow::Cow<'a, str>", Fit::Error),
        ],
    ),
    ("<const N: usize>", "", &[ty("[u8; N]", Fit::Ok)]),
    ("<U: Send>", "", &[ty("U", Fit::NotSend)]),
];

/// Options on the impl: text, valid, suffix, trait name.
const IMPL_OPTIONS: &[(&str, bool, &str, Option<&str>)] = &[
    ("", true, "_async", None),
    ("", true, "_async", None),
    ("", true, "_async", None),
    ("suffix = \"_nb\"", true, "_nb", None),
    ("trait_name = Ext", true, "_async", Some("Ext")),
    (
        "suffix = \"_later\", trait_name = \"LaterExt\"",
        true,
        "_later",
        Some("LaterExt"),
    ),
    ("suffix = \"\"", false, "", None),
    ("suffix = \"a-b\"", false, "", None),
    ("suffix = 5", false, "", None),
    ("suffix = \"_x\", suffix = \"_y\"", false, "", None),
    ("bogus", false, "", None),
    ("skip", false, "", None),
    ("trait_name = \"two words\"", false, "", None),
    ("trait_name = fn", false, "", None),
    ("trait_name", false, "", None),
    ("= =", false, "", None),
];

/// One method's `#[asyncify(..)]`, as the generator chose it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MethodOption {
    None,
    Skip,
    Rename,
    /// A bad option: always an error.
    Bad(&'static str),
}

const BAD_METHOD_OPTIONS: &[&str] = &[
    "#[asyncify(bogus)]",
    "#[asyncify(skip = true)]",
    "#[asyncify]",
    "#[asyncify(skip, skip)]",
    "#[asyncify(suffix = \"_x\")]",
    "#[asyncify(rename)]",
    "#[asyncify(rename = \"1bad\")]",
    "#[asyncify(skip, rename = \"other\")]",
    "#[asyncify(rename = \"a\", rename = \"b\")]",
];

const OTHER_ATTRIBUTES: &[&str] = &[
    "#[inline]",
    "#[must_use]",
    "#[deprecated = \"use another\"]",
    "/// Documented.",
    "#[doc = \"Documented.\"]",
    "#[cfg(all())]",
    "#[cfg(any())]",
    "#[allow(clippy::all)]",
];

/// Generates case number `index` (used to name its types).
#[allow(clippy::too_many_lines)] // one generator, read top to bottom
fn generate(rng: &mut Rng, index: usize) -> Case {
    let mut invalid = false;
    let mut type_checks = true;

    // The impl's options.
    let &(args, args_ok, suffix, trait_name) = loop {
        // Bad options one time in eight.
        let pick = rng.pick(IMPL_OPTIONS);
        if pick.1 != rng.chance(1, 8) {
            break pick;
        }
    };
    invalid |= !args_ok;
    // Trait names must differ between the impls of the sample.
    let args = args.replace("Ext", &format!("Ext{index}"));

    // The self type.
    let client = format!("Client{index}");
    let mut impl_generic = false;
    let (header, self_named, definitions) = match rng.below(24) {
        0..=15 => (
            format!("impl {client}"),
            true,
            format!("pub struct {client};"),
        ),
        16..=19 => {
            impl_generic = true;
            (
                format!("impl<T: Clone + Send + Sync + 'static> {client}<T> where T: Default"),
                true,
                format!("pub struct {client}<T>(T);"),
            )
        }
        20 => (
            format!("impl ({client})"),
            true,
            format!("pub struct {client};"),
        ),
        21 => {
            // A trait impl, or a client with a lifetime: always an error.
            invalid = true;
            if rng.chance(1, 2) {
                (format!("impl Clone for {client}"), true, String::new())
            } else {
                (format!("impl<'a> {client}<'a>"), true, String::new())
            }
        }
        _ => (format!("impl &'static {client}"), false, String::new()),
    };
    if definitions.is_empty() {
        type_checks = false;
    }

    // The methods.
    let count = 1 + rng.index(4);
    let mut names: Vec<String> = Vec::new();
    let mut methods = String::new();
    // (twin name, method name) of each method that gets a twin.
    let mut twins: Vec<(String, String)> = Vec::new();
    let mut needs_trait = false;
    for method in 0..count {
        let name = loop {
            let candidate = if !names.is_empty() && !suffix.is_empty() && rng.chance(1, 30) {
                // A method named like another's twin: a clash.
                format!(
                    "{}{suffix}",
                    names[rng.index(names.len())].trim_start_matches("r#")
                )
            } else {
                (*rng.pick(NAMES)).to_owned()
            };
            if !names.contains(&candidate) {
                break candidate;
            }
        };
        names.push(name.clone());

        let mut text = String::new();
        let mut method_invalid = false;

        // Attributes.
        let option = match rng.below(20) {
            0 | 1 => MethodOption::Skip,
            2 | 3 => MethodOption::Rename,
            4 => MethodOption::Bad(BAD_METHOD_OPTIONS[rng.index(BAD_METHOD_OPTIONS.len())]),
            _ => MethodOption::None,
        };
        let renamed = format!("renamed_{method}");
        let mut attributes: Vec<&str> = Vec::new();
        for _ in 0..rng.below(3) {
            let attribute = *rng.pick(OTHER_ATTRIBUTES);
            if !attributes.contains(&attribute) {
                attributes.push(attribute);
                let _ = writeln!(text, "    {attribute}");
            }
        }
        match option {
            MethodOption::None => {}
            MethodOption::Skip => text.push_str("    #[asyncify(skip)]\n"),
            MethodOption::Rename => {
                let _ = writeln!(text, "    #[asyncify(rename = \"{renamed}\")]");
            }
            MethodOption::Bad(bad) => {
                let _ = writeln!(text, "    {bad}");
                invalid = true;
            }
        }

        // Qualifiers.
        let public = rng.chance(5, 6);
        let vis = if !public {
            ""
        } else if rng.chance(1, 6) {
            "pub(crate) "
        } else {
            "pub "
        };
        let qualifier = match rng.below(24) {
            0 => "async ",
            1 => "unsafe ",
            2 | 3 => "const ",
            _ => "",
        };
        let gets_twin = public && qualifier != "async " && option != MethodOption::Skip;
        if option != MethodOption::None && (!public || qualifier == "async ") {
            // An option on a method that gets no twin anyway.
            invalid = true;
        }
        if gets_twin && qualifier == "unsafe " {
            method_invalid = true;
        }
        if qualifier == "unsafe " {
            // The workspace forbids unsafe code, the sample included.
            type_checks = false;
        }

        // Receiver and parameters.
        let &(receiver, has_self, receiver_ok) = loop {
            // Unsupported receivers one time in ten.
            let pick = rng.pick(RECEIVERS);
            if pick.2 != rng.chance(1, 10) {
                break pick;
            }
        };
        if gets_twin && !receiver_ok {
            method_invalid = true;
        }
        let &(generics, where_clause, generic_types) = rng.pick(METHOD_GENERICS);
        let mut params: Vec<String> = Vec::new();
        if !receiver.is_empty() {
            params.push(receiver.to_owned());
        }
        let mut param_fits = Vec::new();
        for param in 0..rng.below(4) {
            let pool_type = if !generic_types.is_empty() && rng.chance(1, 2) {
                pick_type(rng, generic_types, 12)
            } else if impl_generic && rng.chance(1, 3) {
                pick_type(rng, IMPL_GENERIC_ARGUMENTS, 12)
            } else {
                pick_type(rng, ARGUMENTS, 12)
            };
            let pattern = match rng.below(8) {
                0 => format!("mut a{param}"),
                1 => "_".to_owned(),
                _ => format!("a{param}"),
            };
            params.push(format!("{pattern}: {}", pool_type.text));
            param_fits.push(pool_type.fit);
        }
        let output = pick_type(rng, OUTPUTS, 12);
        if gets_twin {
            method_invalid |= param_fits.contains(&Fit::Error) || output.fit == Fit::Error;
            if param_fits.contains(&Fit::NotSend) || output.fit == Fit::NotSend {
                type_checks = false;
            }
        }
        if output.fit == Fit::Error {
            // Rejected only for a twin, but an `impl Trait` or borrowed
            // return type needs a body or a lifetime to compile at all.
            type_checks = false;
        }
        if qualifier == "const " && generics.starts_with("<U") {
            // A generic `const fn` whose body drops a `T`: not a macro
            // matter, but the sample would not compile.
            type_checks = false;
        }
        let arrow = if output.text.is_empty() {
            String::new()
        } else {
            format!(" -> {}", output.text)
        };
        // Sometimes inner attributes at the top of the body.
        let body = if rng.chance(1, 10) {
            "#![doc = \"Inner docs.\"] #![cfg(all())] todo!()"
        } else {
            "todo!()"
        };
        let _ = writeln!(
            text,
            "    {vis}{qualifier}fn {name}{generics}({}){arrow} {where_clause} {{ {body} }}",
            params.join(", ")
        );
        methods.push_str(&text);

        invalid |= method_invalid;
        if gets_twin && !method_invalid {
            let twin = if option == MethodOption::Rename {
                renamed
            } else {
                format!("{}{suffix}", name.trim_start_matches("r#"))
            };
            twins.push((twin, name.trim_start_matches("r#").to_owned()));
            needs_trait |= has_self;
        }
    }

    // Twin names must clash neither with the impl's functions nor with each
    // other.
    let plain_names: Vec<&str> = names.iter().map(|n| n.trim_start_matches("r#")).collect();
    for (i, (twin, _)) in twins.iter().enumerate() {
        if plain_names.contains(&twin.as_str()) || twins[..i].iter().any(|(t, _)| t == twin) {
            invalid = true;
        }
    }
    if args_ok && needs_trait && !self_named && trait_name.is_none() {
        invalid = true;
    }

    // Sometimes an item that is not a method.
    if rng.chance(1, 20) {
        if rng.chance(1, 2) {
            methods.push_str("    #[asyncify(skip)]\n    pub const LIMIT: u32 = 1;\n");
            invalid = true;
        } else {
            methods.push_str("    pub const LIMIT: u32 = 1;\n");
        }
    }

    // Sometimes an inner attribute on the impl block.
    let inner = if rng.chance(1, 10) {
        "    #![cfg(all())]\n"
    } else {
        ""
    };
    let item = format!("{header} {{\n{inner}{methods}}}\n");
    Case {
        args,
        item,
        invalid,
        type_checks: type_checks && !invalid,
        definitions,
        twins: twins.len(),
    }
}

/// Items that are neither impl blocks nor traits: always an error.
const NOT_IMPLS: &[&str] = &[
    "pub fn get(&self) {}",
    "pub struct Client;",
    "pub union U { a: u8 }",
    "mod client {}",
    "enum E { A }",
    "use std::io;",
    "const X: u32 = 1;",
];

// ---------------------------------------------------------------------------
// Mutations.

/// Tokens inserted at random.
#[rustfmt::skip]
const GARBAGE: &[&str] = &[
    ";", ",", "#", "fn", "impl", "'a", "&", "<", ">", "=", "\"s\"", "42", "self", "Self", "()",
    "{}", "[]", "async", "unsafe", "pub", "where", "dyn", "?", "!", "::", "mut", "asyncify",
    "#[asyncify(skip)]", "_", "..", "->", "r#fn", "'static", "const", "type", "crate", "super",
    "'_", "1.5e3", "b'x'", "-", "+", "*", "impl Trait", "&mut", "for<'a>", "$",
];

fn garbage(rng: &mut Rng) -> Vec<TokenTree> {
    rng.pick(GARBAGE)
        .parse::<TokenStream>()
        .expect("garbage tokens lex")
        .into_iter()
        .collect()
}

/// Applies one random edit somewhere in `stream` (at the top level or inside
/// a group, recursively).
fn mutate(stream: TokenStream, rng: &mut Rng) -> TokenStream {
    let mut tokens: Vec<TokenTree> = stream.into_iter().collect();
    let groups: Vec<usize> = (0..tokens.len())
        .filter(|&i| matches!(tokens[i], TokenTree::Group(_)))
        .collect();
    if !groups.is_empty() && rng.chance(2, 3) {
        let at = *rng.pick(&groups);
        if let TokenTree::Group(group) = &tokens[at] {
            let mut inner = Group::new(group.delimiter(), mutate(group.stream(), rng));
            inner.set_span(group.span());
            tokens[at] = TokenTree::Group(inner);
        }
        return tokens.into_iter().collect();
    }
    let len = tokens.len();
    match rng.below(5) {
        0 if len > 0 => {
            tokens.remove(rng.index(len));
        }
        1 if len > 0 => {
            let at = rng.index(len);
            tokens.insert(at, tokens[at].clone());
        }
        2 if len > 1 => {
            let at = rng.index(len - 1);
            tokens.swap(at, at + 1);
        }
        3 if len > 0 => {
            let at = rng.index(len);
            tokens.splice(at..=at, garbage(rng));
        }
        _ => {
            let at = rng.index(len + 1);
            tokens.splice(at..at, garbage(rng));
        }
    }
    tokens.into_iter().collect()
}

// ---------------------------------------------------------------------------
// Checks.

/// Runs the expansion, failing the test (with the input) if it panics.
fn expand(args: &TokenStream, item: &TokenStream) -> TokenStream {
    let (args_in, item_in) = (args.clone(), item.clone());
    panic::catch_unwind(AssertUnwindSafe(|| pipeline::expand(args_in, item_in)))
        .unwrap_or_else(|_| panic!("the expansion panicked on\n#[asyncify({args})]\n{item}"))
}

fn has_compile_error(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == "compile_error",
        TokenTree::Group(group) => has_compile_error(&group.stream()),
        _ => false,
    })
}

/// The item as the expansion must re-emit it: without `#[asyncify(..)]` on
/// its items.
fn without_helper_attributes(item: &syn::Item) -> syn::Item {
    let mut item = item.clone();
    if let syn::Item::Impl(item) = &mut item {
        for inner in &mut item.items {
            let attrs = match inner {
                syn::ImplItem::Fn(inner) => &mut inner.attrs,
                syn::ImplItem::Const(inner) => &mut inner.attrs,
                syn::ImplItem::Type(inner) => &mut inner.attrs,
                syn::ImplItem::Macro(inner) => &mut inner.attrs,
                _ => continue,
            };
            attrs.retain(|attr| !attr.path().is_ident("asyncify"));
        }
    }
    item
}

/// What every expansion must satisfy; returns whether it reported an error.
fn check_expansion(args: &TokenStream, item: &TokenStream) -> bool {
    let output = expand(args, item);
    let context = || format!("#[asyncify({args})]\n{item}\n=> {output}");
    let error = has_compile_error(&output);
    if let Ok(parsed) = syn::parse2::<syn::Item>(item.clone()) {
        let file: syn::File = syn::parse2(output.clone())
            .unwrap_or_else(|e| panic!("the expansion does not parse ({e}):\n{}", context()));
        let first = file.items.first().map(ToTokens::to_token_stream);
        let expected = without_helper_attributes(&parsed).to_token_stream();
        assert_eq!(
            first.map(|t| t.to_string()),
            Some(expected.to_string()),
            "the item is not re-emitted as written:\n{}",
            context()
        );
        if !matches!(parsed, syn::Item::Impl(_) | syn::Item::Trait(_)) {
            assert!(
                error,
                "no error for an item that is neither an impl nor a trait:\n{}",
                context()
            );
        }
    } else if let Ok(read) = pipeline::read_item(item.clone()) {
        // syn fails only inside a method's body, which the macro does not
        // parse (`pipeline/bodies.rs`; rustc reports the body's own error):
        // the item is re-emitted as the macro read it, then come the twins.
        let expected = without_helper_attributes(&read).to_token_stream();
        let tokens: Vec<TokenTree> = output.clone().into_iter().collect();
        let end = tokens
            .iter()
            .position(|token| {
                matches!(token, TokenTree::Group(group)
                    if group.delimiter() == proc_macro2::Delimiter::Brace)
            })
            .unwrap_or_else(|| panic!("no item re-emitted:\n{}", context()));
        let head: TokenStream = tokens[..=end].iter().cloned().collect();
        let tail: TokenStream = tokens[end + 1..].iter().cloned().collect();
        let head = pipeline::read_item(head)
            .unwrap_or_else(|e| panic!("the re-emitted item does not read ({e}):\n{}", context()));
        assert_eq!(
            without_helper_attributes(&head)
                .to_token_stream()
                .to_string(),
            expected.to_string(),
            "the item is not re-emitted as read:\n{}",
            context()
        );
        syn::parse2::<syn::File>(tail)
            .unwrap_or_else(|e| panic!("the twins do not parse ({e}):\n{}", context()));
    } else {
        // Given back unchanged, followed by the errors.
        let input_len = item.clone().into_iter().count();
        let head: TokenStream = output.clone().into_iter().take(input_len).collect();
        let tail: TokenStream = output.clone().into_iter().skip(input_len).collect();
        assert_eq!(head.to_string(), item.to_string(), "{}", context());
        assert!(has_compile_error(&tail), "no error:\n{}", context());
        syn::parse2::<syn::File>(tail)
            .unwrap_or_else(|e| panic!("the errors do not parse ({e}):\n{}", context()));
    }
    error
}

fn lex(text: &str) -> TokenStream {
    text.parse()
        .unwrap_or_else(|e| panic!("generated text does not lex ({e}):\n{text}"))
}

fn cases_to_run() -> usize {
    std::env::var("ASYNCIFY_FUZZ_CASES").map_or(4_000, |value| {
        value
            .parse()
            .unwrap_or_else(|_| panic!("ASYNCIFY_FUZZ_CASES must be a number, not {value:?}"))
    })
}

#[test]
fn generated_impls_expand_as_predicted() {
    let seed = seed("generated impls");
    let mut rng = Rng::new(seed);
    let cases = cases_to_run();
    let started = Instant::now();
    let (mut invalid, mut type_checking) = (0, 0);
    for index in 0..cases {
        if rng.chance(1, 50) {
            let item = lex(NOT_IMPLS[rng.index(NOT_IMPLS.len())]);
            assert!(check_expansion(&TokenStream::new(), &item));
            invalid += 1;
            continue;
        }
        let case = generate(&mut rng, index);
        let (args, item) = (lex(&case.args), lex(&case.item));
        syn::parse2::<syn::Item>(item.clone()).unwrap_or_else(|e| {
            panic!(
                "the generator wrote an item that does not parse ({e}):\n{}",
                case.item
            )
        });
        let error = check_expansion(&args, &item);
        assert_eq!(
            error,
            case.invalid,
            "expected {}:\n#[asyncify({})]\n{}\n=> {}",
            if case.invalid { "an error" } else { "no error" },
            case.args,
            case.item,
            expand(&args, &item)
        );
        invalid += usize::from(case.invalid);
        type_checking += usize::from(case.type_checks);
    }
    println!(
        "{cases} generated cases in {:?}: {invalid} invalid, {} valid ({type_checking} of them \
         would type-check)",
        started.elapsed(),
        cases - invalid
    );
    // The generator covers both sides (checked on runs long enough to tell).
    assert!(
        cases < 500 || (invalid > cases / 5 && invalid < cases * 4 / 5),
        "{invalid} of {cases}"
    );
}

#[test]
fn mutated_token_streams_never_break_the_macro() {
    let seed = seed("mutated token streams");
    let mut rng = Rng::new(seed);
    let cases = cases_to_run();
    let started = Instant::now();
    let (mut unparsable, mut errors) = (0, 0);
    for index in 0..cases {
        let case = generate(&mut rng, index);
        let (mut args, mut item) = (lex(&case.args), lex(&case.item));
        // The options alone (the item still parses, as it always does
        // under rustc), or the item, with one to three edits.
        let options_only = rng.chance(2, 5);
        for _ in 0..=rng.below(3) {
            if options_only {
                args = mutate(args, &mut rng);
            } else {
                item = mutate(item, &mut rng);
            }
        }
        if rng.chance(1, 20) {
            // An impl without its braces, or nothing at all.
            let keep = rng.index(item.clone().into_iter().count() + 1);
            item = item.into_iter().take(keep).collect();
        }
        unparsable += usize::from(syn::parse2::<syn::Item>(item.clone()).is_err());
        errors += usize::from(check_expansion(&args, &item));
    }
    println!(
        "{cases} mutated cases in {:?}: {unparsable} items no longer parse, {errors} expansions \
         report errors",
        started.elapsed()
    );
    assert!(
        cases < 500 || (unparsable > 0 && unparsable < cases),
        "{unparsable} of {cases}"
    );
}

// ---------------------------------------------------------------------------
// The type-checked sample.

const SAMPLE_PATH: &str = "tests/generated_sample.rs";
const SAMPLE_SEED: u64 = 20_261_125;
const SAMPLE_SIZE: usize = 30;

fn sample() -> String {
    let mut rng = Rng::new(SAMPLE_SEED);
    let mut out = String::new();
    let _ = write!(
        out,
        "//! GENERATED by `tests/tests/macro_fuzz.rs` from seed {SAMPLE_SEED}: do not edit.\n\
         //! Regenerate with `ASYNCIFY_REGENERATE=1 cargo test -p tests --test macro_fuzz`.\n\
         //!\n\
         //! The first {SAMPLE_SIZE} valid impl blocks of the property test's generator with twins\n\
         //! whose types are `Send`, under the real `#[asyncify]`: this file compiles only if their\n\
         //! expansions type-check. It has no tests to run; compiling is the test.\n\
         \n\
         #![allow(warnings, clippy::all, clippy::pedantic)]\n\
         \n\
         #[rustfmt::skip]\n\
         mod generated {{\n\
         use asyncify::asyncify;\n"
    );
    let mut found = 0;
    let mut index = 0;
    while found < SAMPLE_SIZE {
        let case = generate(&mut rng, index);
        index += 1;
        if !case.type_checks || case.twins == 0 {
            continue;
        }
        found += 1;
        let args = if case.args.is_empty() {
            String::new()
        } else {
            format!("({})", case.args)
        };
        let _ = write!(
            out,
            "\n{}\n#[asyncify{args}]\n{}",
            case.definitions, case.item
        );
    }
    out.push_str("}\n");
    out
}

#[test]
fn the_type_checked_sample_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE_PATH);
    let expected = sample();
    if std::env::var_os("ASYNCIFY_REGENERATE").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{} is out of date with the generator: regenerate it with \
         `ASYNCIFY_REGENERATE=1 cargo test -p tests --test macro_fuzz` and review the diff",
        path.display()
    );
}
