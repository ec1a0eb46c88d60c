//! `cargo asyncify declare`: read the client's API, decide each method's
//! twin, and write the declaration.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rustdoc_types::{ItemEnum, Type};

use crate::api::{Api, MethodItem};
use crate::classify::{self, NoTwin, Receiver};
use crate::cli::{DeclareArgs, Location};
use crate::failure::{Failure, Result, fail};
use crate::file::{self, Header};
use crate::metadata::Workspace;
use crate::not_compiled;
use crate::render::Renderer;
use crate::scratch::{Scratch, io_failure};
use crate::verify;

/// Everything the file says.
pub(crate) struct Declaration {
    pub(crate) header: Header,
    /// `remote = ..`: the type as the user's crate names it.
    pub(crate) remote: String,
    pub(crate) trait_name: String,
    /// Traits whose methods are declared: brought into scope for the twins.
    pub(crate) traits: Vec<String>,
    pub(crate) groups: Vec<Group>,
    /// Public methods not declared, by why.
    pub(crate) not_declared: BTreeMap<String, Vec<String>>,
}

pub(crate) struct Group {
    pub(crate) title: String,
    pub(crate) entries: Vec<Entry>,
}

pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) doc: Option<String>,
    /// `fn name(..) -> R;`
    pub(crate) signature: String,
    pub(crate) verdict: Verdict,
    pub(crate) receiver: Receiver,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// An `_async` twin, under another name if its own is taken.
    Twin { rename: Option<Rename> },
    /// A `_stream` twin (the method returns a named iterator).
    Stream { rename: Option<Rename> },
    /// `#[asyncify(skip)]`.
    NoTwin(NoTwin),
    /// Declared as the `async fn` it is: no twin.
    Async,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rename {
    pub(crate) to: String,
    pub(crate) taken: String,
}

pub(crate) fn run(args: &DeclareArgs) -> Result<()> {
    if let Some(output) = &args.output {
        refuse_foreign_file(output, args.force)?;
    }
    let text = generate(args, &args.location)?;
    match &args.output {
        Some(output) => {
            // Written whole or not at all.
            let tmp = output.with_extension("rs.asyncify-tmp");
            if let Some(dir) = output.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|error| io_failure(dir, &error))?;
            }
            std::fs::write(&tmp, &text).map_err(|error| io_failure(&tmp, &error))?;
            std::fs::rename(&tmp, output).map_err(|error| io_failure(output, &error))?;
            eprintln!("       Wrote {}", output.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}

fn refuse_foreign_file(output: &Path, force: bool) -> Result<()> {
    let Ok(existing) = std::fs::read_to_string(output) else {
        return Ok(());
    };
    if force || file::parse_header(&existing).is_some() {
        return Ok(());
    }
    fail!(
        "{} exists and was not written by `cargo asyncify`: it would be overwritten\n  \
         choose another `-o`, or pass `--force` to overwrite it",
        output.display()
    )
}

/// The text of the declaration file.
pub(crate) fn generate(args: &DeclareArgs, location: &Location) -> Result<String> {
    let workspace = Workspace::load(location)?;
    let Some((krate, _)) = args.ty.split_once("::") else {
        fail!(
            "`{}` is not a path to a type of a dependency: write it as your crate names it, `rusqlite::Connection`",
            args.ty
        );
    };
    let client = workspace.dependency(krate)?;
    let asyncify = workspace.dependency("asyncify").map_err(|_| {
        Failure(format!(
            "package `{}` does not depend on `asyncify`, which the declaration uses\n  add it with `cargo add asyncify`",
            workspace.package().name
        ))
    })?;
    let mut scratch = Scratch::new(&workspace, &client, std::slice::from_ref(&asyncify))?;
    let api = Api::new(scratch.rustdoc_json()?, &client.extern_name);
    let is_type = |inner: &ItemEnum| {
        matches!(
            inner,
            ItemEnum::Struct(_) | ItemEnum::Enum(_) | ItemEnum::Union(_)
        )
    };
    let ty = api.find(&args.ty, "type", is_type)?;
    if let Some(params) = type_parameters(&api, ty) {
        fail!(
            "`{}` has generic parameters (`<{params}>`), and a remote declaration is made for one type\n  \
             declare the methods of one instance by hand: `#[asyncify(remote = {}<..>)]`",
            args.ty,
            args.ty
        );
    }
    let remote = api
        .public
        .get(&ty)
        .map_or_else(|| args.ty.clone(), |path| path.join("::"));
    let type_name = remote.rsplit("::").next().unwrap_or_default().to_owned();

    let (methods, traits) = collect_methods(&api, args, krate, ty, &client)?;
    let renderer = Renderer::new(&api);
    let (kept, all_names, mut not_declared) = drop_repeated_names(methods);

    let root = client.root.clone();
    let (mut groups, spans, unwritten) =
        group_methods(&api, &renderer, &kept, &remote, &root, &all_names);
    if !unwritten.is_empty() {
        not_declared
            .entry(
                "cargo-asyncify could not write its signature back as Rust: declare it by hand"
                    .to_owned(),
            )
            .or_default()
            .extend(unwritten);
    }
    let found = not_compiled::Found {
        type_name: &type_name,
        trait_names: traits
            .iter()
            .map(|path| path.rsplit("::").next().unwrap_or(path).to_owned())
            .collect(),
        names: &all_names,
        spans,
        features: &client.features,
    };
    for (why, names) in not_compiled::scan(&root, &found) {
        not_declared.entry(why).or_default().extend(names);
    }

    if !args.no_verify {
        scratch = fix_guessed_paths(&workspace, &client, &asyncify, &renderer, &api, &mut groups)?;
    }

    let mut declaration = Declaration {
        header: Header {
            tool: env!("CARGO_PKG_VERSION").to_owned(),
            package: client.package.clone(),
            version: client.version.clone(),
            features: client.features.clone(),
            default: client.default,
            command: command_line(args),
        },
        remote,
        trait_name: args
            .name
            .clone()
            .unwrap_or_else(|| format!("{type_name}Async")),
        traits,
        groups,
        not_declared,
    };
    if args.no_verify {
        return file::render(&declaration);
    }
    verify::until_it_compiles(&scratch, &mut declaration, &type_name)
}

/// The methods to declare: the type's inherent ones, then each trait's;
/// and the traits' public paths.
fn collect_methods<'a>(
    api: &'a Api,
    args: &DeclareArgs,
    krate: &str,
    ty: rustdoc_types::Id,
    client: &crate::metadata::Dep,
) -> Result<(Vec<MethodItem<'a>>, Vec<String>)> {
    let mut methods: Vec<MethodItem<'_>> = api.inherent_methods(ty);
    let mut traits = Vec::new();
    for trait_path in &args.traits {
        if !trait_path.starts_with(&format!("{krate}::")) {
            fail!(
                "`--trait {trait_path}`: name a trait of {krate} (`{krate}::SomeTrait`) that `{}` implements",
                args.ty
            );
        }
        let id = api.find(trait_path, "trait", |inner| {
            matches!(inner, ItemEnum::Trait(_))
        })?;
        let path = api
            .public
            .get(&id)
            .map_or_else(|| trait_path.clone(), |path| path.join("::"));
        methods.extend(api.trait_methods(ty, id, &path)?);
        traits.push(path);
    }
    if methods.is_empty() {
        fail!(
            "`{}` has no public methods in {} {} with the features of this build{}",
            args.ty,
            client.package,
            client.version,
            if args.traits.is_empty() {
                "; its methods may be in a trait: name it with `--trait`"
            } else {
                ""
            }
        );
    }

    Ok((methods, traits))
}

/// A method with the name of one before it (a trait's method shadowed by an
/// inherent one) is not declared: a trait cannot declare a name twice.
fn drop_repeated_names(
    methods: Vec<MethodItem<'_>>,
) -> (
    Vec<MethodItem<'_>>,
    HashSet<String>,
    BTreeMap<String, Vec<String>>,
) {
    let mut not_declared: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut seen = HashSet::new();
    let mut all_names = HashSet::new();
    let mut kept = Vec::new();
    for method in methods {
        let name = method.item.name.clone().unwrap_or_default();
        if !seen.insert(name.clone()) {
            let why = match &method.from_trait {
                Some(path) => format!(
                    "`{path}`'s method has the name of a method declared above; call it in a closure"
                ),
                None => "declared twice".to_owned(),
            };
            not_declared.entry(why).or_default().push(name);
            continue;
        }
        all_names.insert(name);
        kept.push(method);
    }

    (kept, all_names, not_declared)
}

/// Each method's declaration and verdict, grouped by the file (or trait)
/// that declares it; with the `(file, line)` of each.
fn group_methods(
    api: &Api,
    renderer: &Renderer<'_>,
    kept: &[MethodItem<'_>],
    remote: &str,
    root: &Path,
    all_names: &HashSet<String>,
) -> (Vec<Group>, Vec<(PathBuf, usize)>, Vec<String>) {
    let mut groups: Vec<Group> = Vec::new();
    let mut spans = Vec::new();
    let mut unwritten = Vec::new();
    for method in kept {
        let name = method.item.name.clone().unwrap_or_default();
        let signature = renderer.signature(method);
        if syn::parse_str::<syn::TraitItemFn>(&signature.source).is_err() {
            unwritten.push(name);
            continue;
        }
        let receiver = receiver_of(method);
        let file = method
            .item
            .span
            .as_ref()
            .map(|span| {
                spans.push((absolute(root, &span.filename), span.begin.0));
                relative(root, &span.filename)
            })
            .unwrap_or_default();
        let title = match &method.from_trait {
            Some(path) => format!("{} ({file})", path.rsplit("::").next().unwrap_or(path)),
            None => file,
        };
        let verdict = if signature.is_async {
            Verdict::Async
        } else {
            let streams = returns_named_iterator(api, method);
            verdict(
                remote,
                &name,
                &signature.source,
                streams,
                receiver,
                all_names,
            )
        };
        let hidden = method.item.attrs.iter().any(|attr| {
            matches!(attr, rustdoc_types::Attribute::Other(text) if text.contains("doc") && text.contains("hidden"))
        });
        let doc = doc_summary(method.item.docs.as_deref());
        let entry = Entry {
            doc: if hidden {
                Some(
                    format!(
                        "{} (`#[doc(hidden)]` in the crate)",
                        doc.unwrap_or_default()
                    )
                    .trim_start()
                    .to_owned(),
                )
            } else {
                doc
            },
            signature: signature.source,
            name,
            verdict,
            receiver,
        };
        match groups.iter_mut().find(|group| group.title == title) {
            Some(group) => group.entries.push(entry),
            None => groups.push(Group {
                title,
                entries: vec![entry],
            }),
        }
    }

    // The crate root's methods first, then file by file; traits after.
    groups.sort_by_key(|group| {
        let is_trait = group.title.contains(" (");
        (
            is_trait,
            !group.title.ends_with("src/lib.rs"),
            if is_trait {
                String::new()
            } else {
                group.title.clone()
            },
        )
    });

    (groups, spans, unwritten)
}

/// Paths into crates the client does not re-export whole, confirmed or
/// replaced (see `verify::resolve_guesses`); the scratch package with the
/// user's own dependencies on those crates.
fn fix_guessed_paths(
    workspace: &Workspace,
    client: &crate::metadata::Dep,
    asyncify: &crate::metadata::Dep,
    renderer: &Renderer<'_>,
    api: &Api,
    groups: &mut [Group],
) -> Result<Scratch> {
    // Crates the declaration names that the client does not re-export
    // whole: the user's own dependencies on them, and a probe of where
    // the client re-exports their items.
    let guesses = renderer.guesses();
    let mut extras = vec![asyncify.clone()];
    for guess in &guesses {
        if let Ok(dep) = workspace.dependency(&guess.krate) {
            extras.push(dep);
        }
    }
    let scratch = Scratch::new(workspace, client, &extras)?;
    let fixes = verify::resolve_guesses(&scratch, &guesses, api, &extras)?;
    for group in groups.iter_mut() {
        for entry in &mut group.entries {
            for (from, to) in &fixes {
                entry.signature = replace_path(&entry.signature, from, to);
            }
        }
    }
    Ok(scratch)
}

/// `from` replaced by `to` where it is a whole path (not the tail of a
/// longer one).
fn replace_path(text: &str, from: &str, to: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + from.len()..].chars().next();
        let is_path_char =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        out.push_str(&rest[..at]);
        if is_path_char(before) || is_path_char(after) {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

fn verdict(
    remote: &str,
    name: &str,
    signature: &str,
    streams: bool,
    receiver: Receiver,
    taken: &HashSet<String>,
) -> Verdict {
    let suffix = if streams { "_stream" } else { "_async" };
    let twin = format!("{name}{suffix}");
    let rename = taken.contains(&twin).then(|| {
        let mut to = format!("{name}_twin{suffix}");
        while taken.contains(&to) {
            to.insert(to.len() - suffix.len(), '_');
        }
        Rename { to, taken: twin }
    });
    let mut attrs = Vec::new();
    if streams {
        attrs.push("#[asyncify(stream)]".to_owned());
    }
    if let Some(rename) = &rename {
        attrs.push(format!("#[asyncify(rename = {:?})]", rename.to));
    }
    let method = format!("{} {signature}", attrs.join(" "));
    let Ok(tokens) = method.parse::<proc_macro2::TokenStream>() else {
        return Verdict::NoTwin(NoTwin {
            reason: "its signature could not be written back as Rust".to_owned(),
            instead: "declare it by hand".to_owned(),
        });
    };
    match classify::macro_verdict(remote, &tokens) {
        Some(message) => Verdict::NoTwin(classify::from_macro(&message, name, receiver, remote)),
        None if streams => Verdict::Stream { rename },
        None => Verdict::Twin { rename },
    }
}

/// The type's generic parameters, if it has any.
fn type_parameters(api: &Api, ty: rustdoc_types::Id) -> Option<String> {
    let generics = match api.item(ty).map(|item| &item.inner) {
        Some(ItemEnum::Struct(s)) => &s.generics,
        Some(ItemEnum::Enum(e)) => &e.generics,
        Some(ItemEnum::Union(u)) => &u.generics,
        _ => return None,
    };
    let names: Vec<&str> = generics
        .params
        .iter()
        .map(|param| param.name.as_str())
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

fn receiver_of(method: &MethodItem<'_>) -> Receiver {
    match method.function.sig.inputs.first() {
        Some((name, ty)) if name == "self" => match ty {
            Type::BorrowedRef {
                is_mutable: true, ..
            } => Receiver::Mut,
            Type::BorrowedRef { .. } => Receiver::Ref,
            _ => Receiver::Value,
        },
        _ => Receiver::None,
    }
}

/// A method that returns a named type of the client that implements
/// `Iterator` (a cursor whose `next()` may block) gets a stream twin.
fn returns_named_iterator(api: &Api, method: &MethodItem<'_>) -> bool {
    match &method.function.sig.output {
        Some(Type::ResolvedPath(path)) => api.is_iterator(path.id),
        _ => false,
    }
}

/// The doc's summary: its first paragraph, on one line.
fn doc_summary(docs: Option<&str>) -> Option<String> {
    let lines = docs?
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty());
    let paragraph: Vec<&str> = lines.take_while(|line| !line.is_empty()).collect();
    let summary = paragraph.join(" ");
    (!summary.is_empty()).then_some(summary)
}

fn absolute(root: &Path, file: &Path) -> PathBuf {
    if file.is_absolute() {
        file.to_path_buf()
    } else {
        root.join(file)
    }
}

fn relative(root: &Path, file: &Path) -> String {
    let file = file.strip_prefix(root).unwrap_or(file);
    let text = file.to_string_lossy().replace('\\', "/");
    // A registry source's path ends `<name>-<version>/src/..`.
    match text.find("/src/") {
        Some(at) if file.is_absolute() => text[at + 1..].to_owned(),
        _ => text,
    }
}

fn command_line(args: &DeclareArgs) -> String {
    let mut words = vec!["cargo asyncify declare".to_owned(), args.ty.clone()];
    for trait_path in &args.traits {
        words.push(format!("--trait {trait_path}"));
    }
    if let Some(name) = &args.name {
        words.push(format!("--name {name}"));
    }
    if let Some(output) = &args.output {
        words.push(format!("-o {}", output.display()));
    }
    words.join(" ")
}
