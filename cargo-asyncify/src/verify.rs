//! The compiler's check of the written file: what the syntax cannot show (a
//! result that is not `Send`, an argument with no `ToOwned`, a path the
//! user's crate cannot name) is found by compiling the declaration against
//! the client, and each method the compiler rejects gets no twin, with the
//! compiler's reason. The file that is written compiles as written.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use syn::spanned::Spanned;

use crate::api::Api;
use crate::classify;
use crate::declare::{Declaration, Verdict};
use crate::failure::{Result, fail};
use crate::file;
use crate::metadata::Dep;
use crate::render::Guess;
use crate::scratch::Scratch;

const ROUNDS: usize = 8;

pub(crate) fn until_it_compiles(
    scratch: &Scratch,
    declaration: &mut Declaration,
    type_name: &str,
) -> Result<String> {
    for round in 0..ROUNDS {
        let text = file::render(declaration)?;
        eprintln!(
            "    Checking the declaration with the compiler{}",
            if round == 0 {
                String::new()
            } else {
                format!(" (round {})", round + 1)
            }
        );
        let diagnostics = scratch.check(&text)?;
        if diagnostics.is_empty() {
            return Ok(text);
        }
        let ranges = method_lines(&text);
        let mut verdicts: HashMap<String, String> = HashMap::new();
        for diagnostic in &diagnostics {
            let method = diagnostic.lines.iter().find_map(|line| {
                ranges
                    .iter()
                    .find(|(_, start, end)| (*start..=*end).contains(line))
                    .map(|(name, ..)| name.clone())
            });
            if let Some(method) = method {
                verdicts
                    .entry(method)
                    .or_insert_with(|| diagnostic.message.clone());
            }
        }
        if verdicts.is_empty() {
            let rendered: Vec<&str> = diagnostics.iter().map(|d| d.rendered.as_str()).collect();
            fail!(
                "the generated declaration does not compile, and the errors point at no one method:\n{}",
                rendered.join("\n")
            );
        }
        apply(declaration, &verdicts, type_name);
    }
    fail!(
        "the generated declaration still does not compile after {ROUNDS} rounds of the compiler's check"
    )
}

/// Where each guessed path into another crate can be named: the user's own
/// dependency on that crate, or a module of it that the client re-exports
/// (`postgres_types::ToSql` is `postgres::types::ToSql`). One `cargo check`
/// of a file of `use` lines, one per candidate. `(guess, path)` for each
/// guess that needs another path.
pub(crate) fn resolve_guesses(
    scratch: &Scratch,
    guesses: &[Guess],
    api: &Api,
    deps: &[Dep],
) -> Result<Vec<(String, String)>> {
    if guesses.is_empty() {
        return Ok(Vec::new());
    }
    let mut modules = api.reexported_modules.clone();
    modules.sort_by_key(Vec::len);
    let mut probe = String::new();
    let mut candidates: Vec<Vec<(usize, String)>> = Vec::new();
    let mut line = 0;
    for (i, guess) in guesses.iter().enumerate() {
        let depends = deps.iter().any(|dep| dep.extern_name == guess.krate);
        let mut paths = Vec::new();
        if depends {
            paths.push(guess.path.clone());
        }
        paths.extend(
            modules
                .iter()
                .map(|module| format!("{}::{}", module.join("::"), guess.name)),
        );
        if depends {
            paths.push(format!("{}::{}", guess.krate, guess.name));
        }
        let mut numbered = Vec::new();
        for (j, path) in paths.into_iter().enumerate() {
            line += 1;
            let _ = writeln!(
                probe,
                "#[allow(unused_imports)] use {path} as __asyncify_probe_{i}_{j};"
            );
            numbered.push((line, path));
        }
        candidates.push(numbered);
    }
    eprintln!(
        "    Checking where {} path(s) into other crates can be named",
        guesses.len()
    );
    let failing: HashSet<usize> = scratch
        .check(&probe)?
        .iter()
        .flat_map(|diagnostic| diagnostic.lines.clone())
        .collect();
    let mut fixes = Vec::new();
    for (guess, numbered) in guesses.iter().zip(candidates) {
        if let Some((_, path)) = numbered
            .into_iter()
            .find(|(line, _)| !failing.contains(line))
        {
            if path != guess.path {
                fixes.push((guess.path.clone(), path));
            }
        }
    }
    Ok(fixes)
}

/// Each method the compiler rejected: no twin, with the compiler's reason;
/// one that had none already is left out of the declaration.
fn apply(declaration: &mut Declaration, verdicts: &HashMap<String, String>, type_name: &str) {
    let remote = declaration.remote.clone();
    for group in &mut declaration.groups {
        group.entries.retain_mut(|entry| {
            let Some(message) = verdicts.get(&entry.name) else {
                return true;
            };
            match entry.verdict {
                Verdict::Twin { .. } | Verdict::Stream { .. } => {
                    entry.verdict = Verdict::NoTwin(classify::from_compiler(
                        message,
                        &entry.name,
                        entry.receiver,
                        &remote,
                    ));
                    true
                }
                Verdict::NoTwin(_) | Verdict::Async => {
                    let first = message.lines().next().unwrap_or(message);
                    declaration
                        .not_declared
                        .entry(format!(
                            "the declaration does not compile against `{type_name}`: {first}"
                        ))
                        .or_default()
                        .push(entry.name.clone());
                    false
                }
            }
        });
    }
    declaration.groups.retain(|group| !group.entries.is_empty());
}

/// `(method, first line, last line)` of each method of the trait, its
/// attributes and comments included.
fn method_lines(text: &str) -> Vec<(String, usize, usize)> {
    let Ok(file) = syn::parse_file(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in &file.items {
        let syn::Item::Trait(item) = item else {
            continue;
        };
        let mut previous_end = item.brace_token.span.open().start().line;
        for trait_item in &item.items {
            let syn::TraitItem::Fn(method) = trait_item else {
                continue;
            };
            let end = method.span().end().line;
            // Comments above it (lost by the parser) belong to it too.
            out.push((method.sig.ident.to_string(), previous_end + 1, end));
            previous_end = end;
        }
    }
    out
}
