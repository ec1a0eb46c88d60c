//! rustdoc's types back into Rust source, every path written so that it
//! resolves from the user's crate: through the client's public re-exports
//! (`crate::row::Row` is `rusqlite::Row`), std's public modules
//! (`std::io::error::Error` is `std::io::Error`), and through crate-private
//! type aliases, which are replaced by what they stand for.

use std::collections::HashMap;

use rustdoc_types::{
    AssocItemConstraintKind, FunctionPointer, GenericArg, GenericArgs, GenericBound,
    GenericParamDef, GenericParamDefKind, Generics, ItemEnum, Path, Term, TraitBoundModifier, Type,
    WherePredicate,
};

use crate::api::{Api, MethodItem};

pub(crate) struct Renderer<'a> {
    api: &'a Api,
    /// Paths into other crates that were guessed (see `parent_reexport`),
    /// for `verify` to confirm or replace.
    guesses: std::rc::Rc<std::cell::RefCell<Vec<Guess>>>,
    /// Generic parameters of a type alias being expanded, by name.
    subst: HashMap<String, String>,
    depth: usize,
}

/// A method's signature as Rust source, with what the generator needs to
/// know about it.
pub(crate) struct Signature {
    /// `fn name<..>(..) -> R where ..;`, with `unsafe`/`async` if the
    /// method has them.
    pub(crate) source: String,
    pub(crate) is_async: bool,
}

impl<'a> Renderer<'a> {
    pub(crate) fn new(api: &'a Api) -> Renderer<'a> {
        Renderer {
            api,
            guesses: std::rc::Rc::default(),
            subst: HashMap::new(),
            depth: 0,
        }
    }

    /// The guessed paths into other crates, each once.
    pub(crate) fn guesses(&self) -> Vec<Guess> {
        let mut guesses = self.guesses.borrow().clone();
        guesses.sort_by(|a, b| a.path.cmp(&b.path));
        guesses.dedup_by(|a, b| a.path == b.path);
        guesses
    }

    pub(crate) fn signature(&self, method: &MethodItem<'_>) -> Signature {
        let function = method.function;
        let name = method.item.name.clone().unwrap_or_default();
        let mut out = String::new();
        if function.header.is_unsafe {
            out.push_str("unsafe ");
        }
        if function.header.is_async {
            out.push_str("async ");
        }
        out.push_str("fn ");
        out.push_str(&ident(&name).unwrap_or(name));
        out.push_str(&self.params(&function.generics.params));
        out.push('(');
        let mut inputs = Vec::new();
        for (i, (arg, ty)) in function.sig.inputs.iter().enumerate() {
            if i == 0 && arg == "self" {
                inputs.push(self.receiver(ty));
            } else {
                let arg = ident(arg)
                    .filter(|arg| arg != "_")
                    .unwrap_or_else(|| format!("arg{i}"));
                inputs.push(format!("{arg}: {}", self.ty(ty)));
            }
        }
        out.push_str(&inputs.join(", "));
        out.push(')');
        if let Some(output) = &function.sig.output {
            out.push_str(" -> ");
            out.push_str(&self.ty(output));
        }
        out.push_str(&self.where_clause(&function.generics));
        out.push(';');
        Signature {
            source: out,
            is_async: function.header.is_async,
        }
    }

    fn receiver(&self, ty: &Type) -> String {
        match ty {
            Type::Generic(name) if name == "Self" => "self".to_owned(),
            Type::BorrowedRef {
                lifetime,
                is_mutable,
                type_,
            } if matches!(&**type_, Type::Generic(name) if name == "Self") => {
                let mut out = reference(lifetime.as_deref(), *is_mutable);
                out.push_str("self");
                out
            }
            other => format!("self: {}", self.ty(other)),
        }
    }

    fn params(&self, params: &[GenericParamDef]) -> String {
        let params: Vec<String> = params
            .iter()
            .filter_map(|param| self.param(param))
            .collect();
        if params.is_empty() {
            String::new()
        } else {
            format!("<{}>", params.join(", "))
        }
    }

    fn param(&self, param: &GenericParamDef) -> Option<String> {
        Some(match &param.kind {
            GenericParamDefKind::Lifetime { outlives } => {
                if outlives.is_empty() {
                    param.name.clone()
                } else {
                    format!("{}: {}", param.name, outlives.join(" + "))
                }
            }
            GenericParamDefKind::Type {
                bounds,
                is_synthetic,
                ..
            } => {
                if *is_synthetic {
                    // `impl Trait` in argument position: written there.
                    return None;
                }
                if bounds.is_empty() {
                    param.name.clone()
                } else {
                    format!("{}: {}", param.name, self.bounds(bounds))
                }
            }
            GenericParamDefKind::Const { type_, .. } => {
                format!("const {}: {}", param.name, self.ty(type_))
            }
        })
    }

    fn where_clause(&self, generics: &Generics) -> String {
        let predicates: Vec<String> = generics
            .where_predicates
            .iter()
            .filter_map(|predicate| match predicate {
                WherePredicate::BoundPredicate {
                    type_,
                    bounds,
                    generic_params,
                } => {
                    let is_self_sized = matches!(type_, Type::Generic(name) if name == "Self")
                        && bounds.len() == 1
                        && matches!(&bounds[0], GenericBound::TraitBound { trait_, .. } if trait_.path.ends_with("Sized"));
                    if bounds.is_empty() || is_self_sized {
                        return None;
                    }
                    Some(format!(
                        "{}{}: {}",
                        self.binder(generic_params),
                        self.ty(type_),
                        self.bounds(bounds)
                    ))
                }
                WherePredicate::LifetimePredicate { lifetime, outlives } => {
                    (!outlives.is_empty()).then(|| format!("{lifetime}: {}", outlives.join(" + ")))
                }
                WherePredicate::EqPredicate { lhs, rhs } => {
                    Some(format!("{} = {}", self.ty(lhs), self.term(rhs)))
                }
            })
            .collect();
        if predicates.is_empty() {
            String::new()
        } else {
            format!(" where {}", predicates.join(", "))
        }
    }

    fn binder(&self, params: &[GenericParamDef]) -> String {
        if params.is_empty() {
            String::new()
        } else {
            let params: Vec<String> = params
                .iter()
                .filter_map(|param| self.param(param))
                .collect();
            format!("for<{}> ", params.join(", "))
        }
    }

    pub(crate) fn bounds(&self, bounds: &[GenericBound]) -> String {
        let bounds: Vec<String> = bounds
            .iter()
            .map(|bound| match bound {
                GenericBound::TraitBound {
                    trait_,
                    generic_params,
                    modifier,
                } => {
                    let modifier = match modifier {
                        TraitBoundModifier::Maybe => "?",
                        TraitBoundModifier::None | TraitBoundModifier::MaybeConst => "",
                    };
                    format!(
                        "{}{modifier}{}",
                        self.binder(generic_params),
                        self.path(trait_)
                    )
                }
                GenericBound::Outlives(lifetime) => lifetime.clone(),
                GenericBound::Use(args) => {
                    let args: Vec<String> = args
                        .iter()
                        .map(|arg| match arg {
                            rustdoc_types::PreciseCapturingArg::Lifetime(name)
                            | rustdoc_types::PreciseCapturingArg::Param(name) => name.clone(),
                        })
                        .collect();
                    format!("use<{}>", args.join(", "))
                }
            })
            .collect();
        bounds.join(" + ")
    }

    fn term(&self, term: &Term) -> String {
        match term {
            Term::Type(ty) => self.ty(ty),
            Term::Constant(constant) => constant.expr.clone(),
        }
    }

    pub(crate) fn ty(&self, ty: &Type) -> String {
        match ty {
            Type::ResolvedPath(path) => self.path(path),
            Type::DynTrait(dyn_trait) => {
                let mut parts: Vec<String> = dyn_trait
                    .traits
                    .iter()
                    .map(|poly| {
                        format!(
                            "{}{}",
                            self.binder(&poly.generic_params),
                            self.path(&poly.trait_)
                        )
                    })
                    .collect();
                if let Some(lifetime) = &dyn_trait.lifetime {
                    parts.push(lifetime.clone());
                }
                format!("dyn {}", parts.join(" + "))
            }
            Type::Generic(name) => self
                .subst
                .get(name)
                .cloned()
                .unwrap_or_else(|| name.clone()),
            Type::Primitive(name) => name.clone(),
            Type::FunctionPointer(pointer) => self.fn_pointer(pointer),
            Type::Tuple(types) => match types.as_slice() {
                [one] => format!("({},)", self.ty(one)),
                types => format!(
                    "({})",
                    types
                        .iter()
                        .map(|t| self.ty(t))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
            Type::Slice(inner) => format!("[{}]", self.ty(inner)),
            Type::Array { type_, len } => format!("[{}; {len}]", self.ty(type_)),
            Type::Pat { type_, .. } => self.ty(type_),
            Type::ImplTrait(bounds) => format!("impl {}", self.bounds(bounds)),
            Type::Infer => "_".to_owned(),
            Type::RawPointer { is_mutable, type_ } => {
                format!(
                    "*{} {}",
                    if *is_mutable { "mut" } else { "const" },
                    self.ty(type_)
                )
            }
            Type::BorrowedRef {
                lifetime,
                is_mutable,
                type_,
            } => {
                let mut out = reference(lifetime.as_deref(), *is_mutable);
                let inner = self.ty(type_);
                let needs_parens = match &**type_ {
                    Type::DynTrait(d) => d.traits.len() > 1 || d.lifetime.is_some(),
                    Type::ImplTrait(bounds) => bounds.len() > 1,
                    _ => false,
                };
                if needs_parens {
                    out.push('(');
                    out.push_str(&inner);
                    out.push(')');
                } else {
                    out.push_str(&inner);
                }
                out
            }
            Type::QualifiedPath {
                name,
                args,
                self_type,
                trait_,
            } => {
                let args = args
                    .as_deref()
                    .map(|args| self.generic_args(args))
                    .unwrap_or_default();
                match trait_ {
                    Some(trait_) => format!(
                        "<{} as {}>::{name}{args}",
                        self.ty(self_type),
                        self.path(trait_)
                    ),
                    None => format!("{}::{name}{args}", self.ty(self_type)),
                }
            }
        }
    }

    fn fn_pointer(&self, pointer: &FunctionPointer) -> String {
        let mut out = self.binder(&pointer.generic_params);
        if pointer.header.is_unsafe {
            out.push_str("unsafe ");
        }
        match &pointer.header.abi {
            rustdoc_types::Abi::Rust => {}
            rustdoc_types::Abi::System { .. } => out.push_str("extern \"system\" "),
            _ => out.push_str("extern \"C\" "),
        }
        let inputs: Vec<String> = pointer
            .sig
            .inputs
            .iter()
            .map(|(_, ty)| self.ty(ty))
            .collect();
        out.push_str("fn(");
        out.push_str(&inputs.join(", "));
        out.push(')');
        if let Some(output) = &pointer.sig.output {
            out.push_str(" -> ");
            out.push_str(&self.ty(output));
        }
        out
    }

    fn generic_args(&self, args: &GenericArgs) -> String {
        match args {
            GenericArgs::AngleBracketed { args, constraints } => {
                let mut parts: Vec<String> = args
                    .iter()
                    .map(|arg| match arg {
                        GenericArg::Lifetime(lifetime) => lifetime.clone(),
                        GenericArg::Type(ty) => self.ty(ty),
                        GenericArg::Const(constant) => constant.expr.clone(),
                        GenericArg::Infer => "_".to_owned(),
                    })
                    .collect();
                for constraint in constraints {
                    let args = constraint
                        .args
                        .as_deref()
                        .map(|args| self.generic_args(args))
                        .unwrap_or_default();
                    parts.push(match &constraint.binding {
                        AssocItemConstraintKind::Equality(term) => {
                            format!("{}{args} = {}", constraint.name, self.term(term))
                        }
                        AssocItemConstraintKind::Constraint(bounds) => {
                            format!("{}{args}: {}", constraint.name, self.bounds(bounds))
                        }
                    });
                }
                if parts.is_empty() {
                    String::new()
                } else {
                    format!("<{}>", parts.join(", "))
                }
            }
            GenericArgs::Parenthesized { inputs, output } => {
                let inputs: Vec<String> = inputs.iter().map(|ty| self.ty(ty)).collect();
                match output {
                    Some(output) => format!("({}) -> {}", inputs.join(", "), self.ty(output)),
                    None => format!("({})", inputs.join(", ")),
                }
            }
            GenericArgs::ReturnTypeNotation => "(..)".to_owned(),
        }
    }

    /// A path to an item, with its generic arguments.
    fn path(&self, path: &Path) -> String {
        let args_of = |renderer: &Renderer<'_>| {
            path.args
                .as_deref()
                .map(|args| renderer.generic_args(args))
                .unwrap_or_default()
        };
        if let Some(public) = self.api.public.get(&path.id) {
            return format!("{}{}", public.join("::"), args_of(self));
        }
        // A type alias that the user cannot name: what it stands for.
        if let Some(expanded) = self.expand_alias(path) {
            return expanded;
        }
        let Some(summary) = self.api.krate.paths.get(&path.id) else {
            let written = path.path.strip_prefix("crate::").map_or_else(
                || path.path.clone(),
                |rest| format!("{}::{rest}", self.api.extern_name),
            );
            return format!("{written}{}", args_of(self));
        };
        let segments = &summary.path;
        let named = if summary.crate_id == 0 {
            let mut named = vec![self.api.extern_name.clone()];
            named.extend(segments.iter().skip(1).cloned());
            named.join("::")
        } else if matches!(segments[0].as_str(), "std" | "core" | "alloc") {
            std_path(segments)
        } else if let Some(prefix) = self.api.reexported_crates.get(&summary.crate_id) {
            let mut named = prefix.clone();
            named.extend(parent_reexport(&segments[1..]));
            named.join("::")
        } else {
            let mut named = vec![segments[0].clone()];
            named.extend(parent_reexport(&segments[1..]));
            let named = named.join("::");
            self.guesses.borrow_mut().push(Guess {
                path: named.clone(),
                krate: segments[0].clone(),
                name: segments.last().cloned().unwrap_or_default(),
            });
            named
        };
        format!("{named}{}", args_of(self))
    }

    fn expand_alias(&self, path: &Path) -> Option<String> {
        let item = self.api.item(path.id)?;
        let ItemEnum::TypeAlias(alias) = &item.inner else {
            return None;
        };
        if self.depth > 8 {
            return None;
        }
        let mut subst = HashMap::new();
        if let Some(GenericArgs::AngleBracketed { args, .. }) = path.args.as_deref() {
            let types = alias.generics.params.iter().filter(|param| {
                matches!(
                    param.kind,
                    GenericParamDefKind::Type { .. } | GenericParamDefKind::Const { .. }
                )
            });
            let values = args.iter().filter_map(|arg| match arg {
                GenericArg::Type(ty) => Some(self.ty(ty)),
                GenericArg::Const(constant) => Some(constant.expr.clone()),
                _ => None,
            });
            for (param, value) in types.zip(values) {
                subst.insert(param.name.clone(), value);
            }
            let lifetimes = alias
                .generics
                .params
                .iter()
                .filter(|param| matches!(param.kind, GenericParamDefKind::Lifetime { .. }));
            let values = args.iter().filter_map(|arg| match arg {
                GenericArg::Lifetime(lifetime) => Some(lifetime.clone()),
                _ => None,
            });
            for (param, value) in lifetimes.zip(values) {
                subst.insert(param.name.clone(), value);
            }
        }
        // Parameters with defaults the path leaves out.
        for param in &alias.generics.params {
            if let GenericParamDefKind::Type {
                default: Some(default),
                ..
            } = &param.kind
            {
                if !subst.contains_key(&param.name) {
                    subst.insert(param.name.clone(), self.ty(default));
                }
            }
        }
        let inner = Renderer {
            api: self.api,
            guesses: self.guesses.clone(),
            subst,
            depth: self.depth + 1,
        };
        Some(inner.ty(&alias.type_))
    }
}

/// `&`, `&'a `, `&mut ` or `&'a mut `.
fn reference(lifetime: Option<&str>, is_mutable: bool) -> String {
    let mut out = String::from("&");
    if let Some(lifetime) = lifetime {
        out.push_str(lifetime);
        out.push(' ');
    }
    if is_mutable {
        out.push_str("mut ");
    }
    out
}

/// A path into a crate that the client does not re-export whole.
#[derive(Debug, Clone)]
pub(crate) struct Guess {
    /// As written in the declaration (`postgres_types::ToSql`).
    pub(crate) path: String,
    pub(crate) krate: String,
    pub(crate) name: String,
}

/// What std's prelude names without a path.
const PRELUDE: &[&str] = &[
    "core::option::Option",
    "core::result::Result",
    "alloc::string::String",
    "alloc::vec::Vec",
    "alloc::boxed::Box",
    "core::marker::Send",
    "core::marker::Sync",
    "core::marker::Sized",
    "core::marker::Copy",
    "core::marker::Unpin",
    "core::clone::Clone",
    "core::ops::function::Fn",
    "core::ops::function::FnMut",
    "core::ops::function::FnOnce",
    "core::iter::traits::iterator::Iterator",
    "core::iter::traits::collect::IntoIterator",
    "core::iter::traits::collect::Extend",
    "core::iter::traits::collect::FromIterator",
    "core::iter::traits::double_ended::DoubleEndedIterator",
    "core::iter::traits::exact_size::ExactSizeIterator",
    "alloc::string::ToString",
    "alloc::borrow::ToOwned",
    "core::convert::AsRef",
    "core::convert::AsMut",
    "core::convert::Into",
    "core::convert::From",
    "core::convert::TryFrom",
    "core::convert::TryInto",
    "core::default::Default",
    "core::cmp::PartialEq",
    "core::cmp::Eq",
    "core::cmp::PartialOrd",
    "core::cmp::Ord",
    "core::ops::drop::Drop",
];
/// std's public modules, for paths of items defined in private ones.
const MODULES: &[&str] = &[
    "alloc",
    "any",
    "array",
    "borrow",
    "boxed",
    "cell",
    "char",
    "cmp",
    "collections",
    "collections::hash_map",
    "collections::btree_map",
    "collections::hash_set",
    "collections::btree_set",
    "collections::vec_deque",
    "convert",
    "default",
    "env",
    "error",
    "ffi",
    "fmt",
    "fs",
    "future",
    "hash",
    "io",
    "iter",
    "marker",
    "mem",
    "net",
    "num",
    "ops",
    "option",
    "os",
    "os::fd",
    "os::raw",
    "os::unix",
    "os::unix::ffi",
    "os::unix::io",
    "os::unix::net",
    "os::unix::fs",
    "path",
    "pin",
    "process",
    "ptr",
    "rc",
    "result",
    "slice",
    "str",
    "string",
    "sync",
    "sync::atomic",
    "sync::mpsc",
    "task",
    "thread",
    "time",
    "vec",
];

/// A path in std, core or alloc as std's public modules name it.
fn std_path(segments: &[String]) -> String {
    let joined = segments.join("::");
    if PRELUDE.contains(&joined.as_str()) {
        return segments.last().cloned().unwrap_or_default();
    }
    let name = segments.last().cloned().unwrap_or_default();
    let modules = &segments[1..segments.len().saturating_sub(1)];
    let module = (1..=modules.len())
        .rev()
        .map(|n| modules[..n].join("::"))
        .find(|candidate| MODULES.contains(&candidate.as_str()))
        .or_else(|| modules.first().cloned());
    match module {
        Some(module) => format!("std::{module}::{name}"),
        None => format!("std::{name}"),
    }
}

/// The path of an item in another crate, under the guess that it is
/// re-exported by the parent of the module that defines it (`bytes::bytes::Bytes`
/// is `bytes::Bytes`); the compiler's check in `verify` catches a wrong guess.
fn parent_reexport(segments: &[String]) -> Vec<String> {
    match segments {
        [] => Vec::new(),
        [name] => vec![name.clone()],
        [modules @ .., _, name] => {
            let mut path = modules.to_vec();
            path.push(name.clone());
            path
        }
    }
}

/// `name` as an identifier (`r#type` for a keyword), if it is one.
pub(crate) fn ident(name: &str) -> Option<String> {
    if syn::parse_str::<syn::Ident>(name).is_ok() {
        return Some(name.to_owned());
    }
    let raw = format!("r#{name}");
    syn::parse_str::<syn::Ident>(&raw).is_ok().then_some(raw)
}
