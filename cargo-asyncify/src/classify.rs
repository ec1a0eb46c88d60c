//! Which methods can have a twin: decided by the macro's own pipeline (the
//! rules and messages of `asyncify-macros`), run in-process on a remote
//! declaration of the one method. The generator adds only what to do
//! instead.

use proc_macro2::{TokenStream, TokenTree};

use crate::pipeline;

/// Why a method gets no twin, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoTwin {
    pub(crate) reason: String,
    pub(crate) instead: String,
}

/// The receiver of a method, for the idiom's closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Receiver {
    None,
    Ref,
    Mut,
    Value,
}

/// Runs the macro on `#[asyncify(remote = ty)] trait _ { method }`; the
/// first error it reports, if any.
pub(crate) fn macro_verdict(remote: &str, method: &TokenStream) -> Option<String> {
    let remote: TokenStream = remote.parse().ok()?;
    let args = quote::quote!(remote = #remote);
    let item = quote::quote!(pub trait __AsyncifyProbe { #method });
    let expanded = pipeline::expand(args, item);
    compile_errors(expanded).into_iter().next()
}

/// The messages of the `compile_error!`s in `tokens`.
fn compile_errors(tokens: TokenStream) -> Vec<String> {
    let mut messages = Vec::new();
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(ident) if ident == "compile_error" => {
                if let Some(TokenTree::Group(group)) = trees.get(i + 2) {
                    if let Ok(lit) = syn::parse2::<syn::LitStr>(group.stream()) {
                        messages.push(lit.value());
                    }
                }
            }
            TokenTree::Group(group) => messages.extend(compile_errors(group.stream())),
            _ => {}
        }
    }
    messages
}

/// The macro's message as a reason and an idiom.
pub(crate) fn from_macro(message: &str, method: &str, receiver: Receiver, ty: &str) -> NoTwin {
    let (text, _help) = message.split_once("\n\nhelp:").unwrap_or((message, ""));
    let reason = text
        .split_once("cannot have an async twin: ")
        .map_or(text, |(_, why)| why)
        .trim()
        .to_owned();
    let call = call(method, receiver, ty);
    let instead = if reason.contains("`&mut` borrow") {
        format!("move the value into a closure that lends it, {call} with `&mut value`")
    } else if reason.contains("return type borrows") || reason.contains("returns `impl Trait`") {
        format!("use what it returns inside one closure and return owned values, {call}")
    } else if reason.contains("holds a borrow")
        || reason.contains("borrows again")
        || reason.contains("`dyn Trait`")
    {
        format!("capture owned values and borrow them in a closure, {call}")
    } else if reason.contains("`unsafe fn`") {
        format!(
            "call it where its contract can be checked, {}",
            unsafe_call(method, receiver, ty)
        )
    } else if reason.contains("by value") {
        "take the client back out of its handle and call it inside `asyncify::unblock(move || ..)`"
            .to_owned()
    } else {
        format!("call it in a closure, {call}")
    };
    NoTwin { reason, instead }
}

/// A compiler error on the generated twin, as a reason and an idiom.
pub(crate) fn from_compiler(message: &str, method: &str, receiver: Receiver, ty: &str) -> NoTwin {
    let call = call(method, receiver, ty);
    let first = message.lines().next().unwrap_or(message).trim();
    // asyncify's own wording (`MovesToPool`) and rustc's, for a value that is
    // not `Send`.
    let (reason, instead) = if first.contains("cannot be sent between threads safely")
        || first.contains("cannot be moved to the blocking pool")
    {
        (
            format!("a value it sends to or from the blocking pool is not `Send` ({first})"),
            format!("call it in a closure that returns `Send` values, {call}"),
        )
    } else if first.contains("ToOwned")
        || first.contains("to_owned")
        || first.contains("cannot be copied to the blocking pool")
    {
        (
            format!("an argument cannot be copied with `ToOwned` ({first})"),
            format!("capture owned values in a closure, {call}"),
        )
    } else if first.contains("private")
        || first.contains("cannot find")
        || first.contains("failed to resolve")
        || first.contains("unresolved")
    {
        (
            format!("it names an item your crate cannot name ({first})"),
            format!("call it in a closure, {call}"),
        )
    } else {
        (
            format!("its twin does not compile ({first})"),
            format!("call it in a closure, {call}"),
        )
    };
    NoTwin { reason, instead }
}

fn unsafe_call(method: &str, receiver: Receiver, ty: &str) -> String {
    match receiver {
        Receiver::None => format!("`asyncify::unblock(move || unsafe {{ {ty}::{method}(..) }})`"),
        Receiver::Ref => format!("`client.offload(move |c| unsafe {{ c.{method}(..) }})`"),
        Receiver::Mut | Receiver::Value => {
            format!("`client.offload_mut(move |c| unsafe {{ c.{method}(..) }})`")
        }
    }
}

fn call(method: &str, receiver: Receiver, ty: &str) -> String {
    match receiver {
        Receiver::None => format!("`asyncify::unblock(move || {ty}::{method}(..))`"),
        Receiver::Ref => format!("`client.offload(move |c| c.{method}(..))`"),
        Receiver::Mut | Receiver::Value => format!("`client.offload_mut(move |c| c.{method}(..))`"),
    }
}
