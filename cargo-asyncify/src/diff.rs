//! `cargo asyncify check`: make each generated file again from the client as
//! it is resolved now, and list the methods that were added, removed or
//! changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use quote::ToTokens;

use crate::cli::{CheckArgs, DeclareArgs, Location};
use crate::declare;
use crate::failure::{Failure, Result, fail};
use crate::file;
use crate::metadata::member_containing;
use crate::scratch::io_failure;

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode> {
    let mut command = cargo_metadata::MetadataCommand::new();
    command.no_deps();
    if let Some(path) = &args.manifest_path {
        command.manifest_path(path);
    }
    let metadata = command
        .exec()
        .map_err(|error| Failure(format!("`cargo metadata` failed: {error}")))?;
    let members = metadata.workspace_packages();
    let files = if args.files.is_empty() {
        let member_dirs: Vec<PathBuf> = members
            .iter()
            .filter_map(|package| Some(package.manifest_path.parent()?.as_std_path().to_path_buf()))
            .collect();
        let found = find_generated(metadata.workspace_root.as_std_path(), &member_dirs);
        if found.is_empty() {
            fail!(
                "no file written by `cargo asyncify declare` under {}\n  name the files to check",
                metadata.workspace_root
            );
        }
        found
    } else {
        args.files.clone()
    };
    let mut differ = 0;
    for path in &files {
        let old = std::fs::read_to_string(path).map_err(|error| io_failure(path, &error))?;
        let Some(header) = file::parse_header(&old) else {
            fail!(
                "{} was not written by `cargo asyncify declare` (it has no header)",
                path.display()
            );
        };
        let declare_args = parse_command(&header.command).ok_or_else(|| {
            Failure(format!(
                "{}: cannot read the command in its header",
                path.display()
            ))
        })?;
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let Some(member) = member_containing(&members, &dir) else {
            fail!("{} is in no package of this workspace", path.display());
        };
        let location = Location {
            manifest_path: args.manifest_path.clone(),
            package: Some(member.name.to_string()),
        };
        let new = declare::generate(&declare_args, &location)?;
        let new_header = file::parse_header(&new);
        let report = compare(&old, &new);
        if report.is_empty() && comments(&old) == comments(&new) {
            println!(
                "{}: up to date ({} {})",
                path.display(),
                header.package,
                header.version
            );
            continue;
        }
        differ += 1;
        let now = new_header.map_or_else(String::new, |h| format!("{} {}", h.package, h.version));
        println!(
            "{}: differs from the client ({} {} when written, {now} now)",
            path.display(),
            header.package,
            header.version
        );
        if report.is_empty() {
            println!("  the methods are the same; these comments differ:");
            let (was, now) = (comments(&old), comments(&new));
            for line in was.iter().filter(|line| !now.contains(line)).take(5) {
                println!("    in the file:       {line}");
            }
            for line in now.iter().filter(|line| !was.contains(line)).take(5) {
                println!("    in the client now: {line}");
            }
        }
        for line in report {
            println!("  {line}");
        }
        println!(
            "  to write it again: {}",
            with_output(&header.command, path)
        );
    }
    if differ == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{differ} of {} file(s) no longer match their client",
            files.len()
        );
        Ok(ExitCode::from(1))
    }
}

/// Lines saying which methods are added, removed or changed.
fn compare(old: &str, new: &str) -> Vec<String> {
    let (old, new) = (methods(old), methods(new));
    let mut lines = Vec::new();
    for (name, signature) in &new {
        match old.get(name) {
            None => lines.push(format!("added in the client:   {signature}")),
            Some(before) if key(before) != key(signature) => {
                lines.push(format!("changed:               {name}"));
                lines.push(format!("    in the file:       {before}"));
                lines.push(format!("    in the client now: {signature}"));
            }
            Some(_) => {}
        }
    }
    for (name, signature) in &old {
        if !new.contains_key(name) {
            lines.push(format!("removed from the client: {signature}"));
        }
    }
    lines
}

/// Each declared method: its `#[asyncify]` attributes and signature, as
/// tokens (so that formatting does not count).
fn methods(text: &str) -> BTreeMap<String, String> {
    let Ok(file) = syn::parse_file(text) else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Trait(item) = item else {
            continue;
        };
        for trait_item in &item.items {
            let syn::TraitItem::Fn(method) = trait_item else {
                continue;
            };
            let attrs: Vec<String> = method
                .attrs
                .iter()
                .filter(|attr| attr.path().is_ident("asyncify"))
                .map(|attr| attr.to_token_stream().to_string())
                .collect();
            let sig = without_trailing_commas(&method.sig.to_token_stream().to_string());
            let text = if attrs.is_empty() {
                sig
            } else {
                format!("{} {sig}", attrs.join(" "))
            };
            out.insert(method.sig.ident.to_string(), text);
        }
    }
    out
}

/// A signature's tokens as text, without the commas that formatters add or
/// drop before a closing bracket (`(a, b,)` is `(a, b)`).
fn without_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
        if *c == ',' && next.is_none_or(|next| matches!(next, ')' | '>' | ']' | '}')) {
            continue;
        }
        out.push(*c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What must be equal: the tokens, whatever the spacing.
fn key(signature: &str) -> String {
    signature.split_whitespace().collect()
}

/// The comment lines of a file (header, not-declared lists, reasons), which
/// a formatter leaves as they are.
fn comments(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|line| line.starts_with("//") && !line.starts_with("///"))
        .collect()
}

fn parse_command(command: &str) -> Option<DeclareArgs> {
    let rest = command.strip_prefix("cargo asyncify declare ")?;
    let mut words = rest.split_whitespace();
    let ty = words.next()?.to_owned();
    let mut args = DeclareArgs {
        ty,
        traits: Vec::new(),
        output: None,
        name: None,
        force: false,
        no_verify: false,
        location: Location::default(),
    };
    while let Some(word) = words.next() {
        match word {
            "--trait" => args.traits.push(words.next()?.to_owned()),
            "--name" => args.name = Some(words.next()?.to_owned()),
            "-o" | "--output" => args.output = Some(PathBuf::from(words.next()?)),
            "--no-verify" => args.no_verify = true,
            _ => return None,
        }
    }
    Some(args)
}

fn with_output(command: &str, path: &Path) -> String {
    if command.contains(" -o ") {
        command.to_owned()
    } else {
        format!("{command} -o {}", path.display())
    }
}

/// Files with the header under `root`, leaving out `target` and packages
/// that are not members of the workspace (a fixture with a workspace of its
/// own).
fn find_generated(root: &Path, members: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            if path.is_dir() {
                let foreign = path.join("Cargo.toml").exists() && !members.contains(&path);
                if !foreign {
                    dirs.push(path);
                }
            } else if name.ends_with(".rs")
                && std::fs::read_to_string(&path)
                    .is_ok_and(|text| file::parse_header(&text).is_some())
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
