//! Methods that this build does not compile: rustdoc only sees what is
//! compiled, so the crate's source is read for methods behind a `#[cfg]`
//! that is off (a feature the build does not enable), in the type's impl
//! blocks, in the named traits, and in the macro invocations that write the
//! methods rustdoc found (redis's `implement_commands!`).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Attribute, ImplItem, Item, TraitItem};

/// What rustdoc found, to know which macro invocations write the methods.
pub(crate) struct Found<'a> {
    pub(crate) type_name: &'a str,
    pub(crate) trait_names: Vec<String>,
    pub(crate) names: &'a HashSet<String>,
    /// `(file, line)` of each method rustdoc found.
    pub(crate) spans: Vec<(PathBuf, usize)>,
    pub(crate) features: &'a [String],
}

/// Methods left out of this build, by the reason to print
/// (`not compiled without feature `hooks``).
pub(crate) fn scan(crate_root: &Path, found: &Found<'_>) -> BTreeMap<String, Vec<String>> {
    let mut scanner = Scanner {
        found,
        out: Vec::new(),
        seen: HashSet::new(),
    };
    let lib = lib_path(crate_root);
    scanner.file(&lib, &[], 0);
    let mut by_reason: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut listed = HashSet::new();
    for (name, cfgs) in scanner.out {
        if found.names.contains(&name) || !listed.insert(name.clone()) {
            continue;
        }
        let Some(reason) = reason(&cfgs, found.features) else {
            continue;
        };
        by_reason.entry(reason).or_default().push(name);
    }
    by_reason
}

fn lib_path(root: &Path) -> PathBuf {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    crate::metadata::lib_field(&manifest, "path")
        .map_or_else(|| root.join("src/lib.rs"), |path| root.join(path))
}

struct Scanner<'a> {
    found: &'a Found<'a>,
    /// `(method, cfgs on the way to it)`.
    out: Vec<(String, Vec<syn::Meta>)>,
    seen: HashSet<PathBuf>,
}

impl Scanner<'_> {
    fn file(&mut self, path: &Path, cfgs: &[syn::Meta], depth: usize) {
        if depth > 16 || !self.seen.insert(path.to_path_buf()) {
            return;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let Ok(file) = syn::parse_file(&text) else {
            return;
        };
        let dir = module_dir(path);
        self.items(&file.items, path, &dir, cfgs, depth);
    }

    fn items(&mut self, items: &[Item], file: &Path, dir: &Path, cfgs: &[syn::Meta], depth: usize) {
        for item in items {
            match item {
                Item::Mod(module) => {
                    let cfgs = with(cfgs, &module.attrs);
                    let name = module.ident.to_string();
                    let sub_dir = dir.join(&name);
                    if let Some((_, items)) = &module.content {
                        self.items(items, file, &sub_dir, &cfgs, depth);
                    } else {
                        let explicit =
                            path_attr(&module.attrs).map(|p| module_dir_of(file).join(p));
                        let candidates = explicit.into_iter().chain([
                            dir.join(format!("{name}.rs")),
                            dir.join(&name).join("mod.rs"),
                        ]);
                        if let Some(path) = candidates.into_iter().find(|p| p.exists()) {
                            self.file(&path, &cfgs, depth + 1);
                        }
                    }
                }
                Item::Impl(impl_) if impl_.trait_.is_none() && self.is_type(&impl_.self_ty) => {
                    let cfgs = with(cfgs, &impl_.attrs);
                    for item in &impl_.items {
                        match item {
                            ImplItem::Fn(method)
                                if matches!(method.vis, syn::Visibility::Public(_)) =>
                            {
                                self.out.push((
                                    method.sig.ident.to_string(),
                                    with(&cfgs, &method.attrs),
                                ));
                            }
                            ImplItem::Macro(mac) => self.macro_tokens(&mac.mac.tokens, &cfgs),
                            _ => {}
                        }
                    }
                }
                Item::Trait(trait_)
                    if self.found.trait_names.contains(&trait_.ident.to_string()) =>
                {
                    let cfgs = with(cfgs, &trait_.attrs);
                    for item in &trait_.items {
                        match item {
                            TraitItem::Fn(method) => {
                                self.out.push((
                                    method.sig.ident.to_string(),
                                    with(&cfgs, &method.attrs),
                                ));
                            }
                            TraitItem::Macro(mac) => self.macro_tokens(&mac.mac.tokens, &cfgs),
                            _ => {}
                        }
                    }
                }
                Item::Macro(mac) => {
                    // Only an invocation that writes methods rustdoc found.
                    let (start, end) = lines_of(&mac.mac);
                    let writes_found = self.found.spans.iter().any(|(span_file, line)| {
                        same_file(span_file, file) && (start..=end).contains(line)
                    });
                    if writes_found {
                        self.macro_tokens(&mac.mac.tokens, &with(cfgs, &mac.attrs));
                    }
                }
                _ => {}
            }
        }
    }

    fn is_type(&self, ty: &syn::Type) -> bool {
        match ty {
            syn::Type::Path(path) => path
                .path
                .segments
                .last()
                .is_some_and(|segment| segment.ident == self.found.type_name),
            _ => false,
        }
    }

    /// `fn name` in a macro's tokens, with the `#[cfg]`s just before it.
    fn macro_tokens(&mut self, tokens: &TokenStream, cfgs: &[syn::Meta]) {
        let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let mut pending: Vec<syn::Meta> = Vec::new();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Punct(p) if p.as_char() == '#' => {
                    if let Some(TokenTree::Group(group)) = trees.get(i + 1) {
                        if group.delimiter() == Delimiter::Bracket {
                            if let Ok(meta) = syn::parse2::<syn::Meta>(group.stream()) {
                                if meta.path().is_ident("cfg") {
                                    pending.push(meta);
                                }
                            }
                            i += 2;
                            continue;
                        }
                    }
                }
                TokenTree::Ident(ident) if ident == "fn" => {
                    if let Some(TokenTree::Ident(name)) = trees.get(i + 1) {
                        let mut all = cfgs.to_vec();
                        all.append(&mut pending);
                        self.out.push((name.to_string(), all));
                        i += 2;
                        continue;
                    }
                }
                TokenTree::Ident(ident)
                    if ["pub", "unsafe", "async", "const", "extern"]
                        .contains(&ident.to_string().as_str()) => {}
                TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                    pending.clear();
                    self.macro_tokens(&group.stream(), cfgs);
                }
                TokenTree::Group(group)
                    if group.delimiter() == Delimiter::Parenthesis && pending.is_empty() =>
                {
                    self.macro_tokens(&group.stream(), cfgs);
                }
                TokenTree::Punct(p) if p.as_char() == ';' => pending.clear(),
                _ => {}
            }
            i += 1;
        }
    }
}

fn with(cfgs: &[syn::Meta], attrs: &[Attribute]) -> Vec<syn::Meta> {
    let mut all = cfgs.to_vec();
    all.extend(
        attrs
            .iter()
            .filter(|attr| attr.path().is_ident("cfg"))
            .map(|attr| attr.meta.clone()),
    );
    all
}

fn path_attr(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// Where `mod x;` of this file looks for `x.rs`.
fn module_dir(path: &Path) -> PathBuf {
    let parent = module_dir_of(path);
    match path.file_stem().and_then(|stem| stem.to_str()) {
        Some("lib" | "main" | "mod") | None => parent,
        Some(stem) => parent.join(stem),
    }
}

fn module_dir_of(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || b.ends_with(a) || a.ends_with(b)
}

fn lines_of(mac: &syn::Macro) -> (usize, usize) {
    use syn::spanned::Spanned;
    let span = mac.span();
    let start = mac.path.span().start().line;
    (start.min(span.start().line), span.end().line.max(start))
}

/// The line to print for a method behind `cfgs`, if they are off in this
/// build.
fn reason(cfgs: &[syn::Meta], features: &[String]) -> Option<String> {
    let predicates: Vec<TokenStream> = cfgs
        .iter()
        .filter_map(|meta| match meta {
            syn::Meta::List(list) => Some(list.tokens.clone()),
            _ => None,
        })
        .collect();
    let off: Vec<&TokenStream> = predicates
        .iter()
        .filter(|predicate| evaluate(predicate, features) == Some(false))
        .collect();
    if off.is_empty() {
        return None;
    }
    let features_off: Vec<String> = off.iter().filter_map(|p| single_feature(p)).collect();
    if let [one] = off.as_slice() {
        if let Some(any) = any_features(one) {
            let names: Vec<String> = any.iter().map(|f| format!("`{f}`")).collect();
            return Some(format!(
                "not compiled without one of the features {}",
                names.join(", ")
            ));
        }
    }
    if features_off.len() == off.len() {
        let names: Vec<String> = features_off.iter().map(|f| format!("`{f}`")).collect();
        let noun = if names.len() == 1 {
            "feature"
        } else {
            "features"
        };
        Some(format!(
            "not compiled without {noun} {}",
            names.join(" and ")
        ))
    } else {
        let text: Vec<String> = off
            .iter()
            .map(|p| format!("`cfg({})`", cfg_text(p)))
            .collect();
        Some(format!("not compiled in this build: {}", text.join(", ")))
    }
}

/// `any(feature = "a", feature = "b")`: the features.
fn any_features(predicate: &TokenStream) -> Option<Vec<String>> {
    let list = syn::parse2::<syn::MetaList>(predicate.clone()).ok()?;
    if !list.path.is_ident("any") {
        return None;
    }
    split_commas(list.tokens)
        .iter()
        .map(single_feature)
        .collect()
}

/// A `cfg` predicate as it is written by hand.
fn cfg_text(predicate: &TokenStream) -> String {
    if let Some(feature) = single_feature(predicate) {
        return format!("feature = {feature:?}");
    }
    match syn::parse2::<syn::MetaList>(predicate.clone()) {
        Ok(list) => {
            let inner: Vec<String> = split_commas(list.tokens).iter().map(cfg_text).collect();
            format!("{}({})", list.path.to_token_stream(), inner.join(", "))
        }
        Err(_) => predicate.to_string(),
    }
}

fn single_feature(predicate: &TokenStream) -> Option<String> {
    let meta = syn::parse2::<syn::MetaNameValue>(predicate.clone()).ok()?;
    if !meta.path.is_ident("feature") {
        return None;
    }
    match meta.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

/// A `cfg` predicate: `Some(on)` where the features decide it, `None` for a
/// predicate of the target (left to the build).
fn evaluate(predicate: &TokenStream, features: &[String]) -> Option<bool> {
    if let Some(feature) = single_feature(predicate) {
        return Some(feature == "default" || features.contains(&feature));
    }
    let meta = syn::parse2::<syn::Meta>(predicate.clone()).ok()?;
    match &meta {
        syn::Meta::Path(path)
            if path.is_ident("docsrs") || path.is_ident("test") || path.is_ident("doc") =>
        {
            Some(false)
        }
        syn::Meta::List(list) => {
            let inner: Vec<TokenStream> = split_commas(list.tokens.clone());
            let values: Vec<Option<bool>> = inner.iter().map(|p| evaluate(p, features)).collect();
            if list.path.is_ident("not") {
                values.first().copied().flatten().map(|v| !v)
            } else if list.path.is_ident("all") {
                if values.contains(&Some(false)) {
                    Some(false)
                } else if values.iter().all(Option::is_some) {
                    Some(true)
                } else {
                    None
                }
            } else if list.path.is_ident("any") {
                if values.contains(&Some(true)) {
                    Some(true)
                } else if values.iter().all(Option::is_some) {
                    Some(false)
                } else {
                    None
                }
            } else {
                None
            }
        }
        _ => None,
    }
}

fn split_commas(tokens: TokenStream) -> Vec<TokenStream> {
    let mut parts = vec![TokenStream::new()];
    for tree in tokens {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => parts.push(TokenStream::new()),
            _ => parts.last_mut().expect("one part").extend([tree]),
        }
    }
    parts.retain(|part| !part.is_empty());
    parts
}
