//! Keeps the README's "Coverage of real clients" table true: it is counted
//! from the declarations in `tests/coverage/*.rs`, and this test fails with
//! the table as it should read when the README differs.
//!
//! The declarations are written by `cargo asyncify declare` (the command is
//! in each file's header; `cargo asyncify check` in CI says when one no
//! longer matches its client). Conventions of a declaration file:
//! - a line of the `#[asyncify(remote = ..)]` trait starting with `fn`,
//!   `unsafe fn` or `async fn` declares a method;
//! - `#[asyncify(skip)]` or `async fn` means no twin, and the comment
//!   `// no twin: <reason>; instead: <idiom>` above it says why;
//! - a method returning `impl Iterator` or marked `#[asyncify(stream)]` gets a
//!   `_stream` twin, the others an `_async` twin;
//! - `// not declared (<why>): `a`, `b` (..)` lists public methods left out
//!   (text in parentheses after a name is a note, not a name);
//! - the header's `// crate: <package> <version>` and `// features: ..` lines
//!   name the build the file was generated from.

use std::fmt::Write as _;
use std::path::Path;

const CLIENTS: [(&str, &str); 7] = [
    ("s3.rs", "`s3::Bucket`"),
    ("postgres.rs", "`postgres::Client`"),
    ("sqlite.rs", "`rusqlite::Connection`"),
    ("ureq.rs", "`ureq::Agent`"),
    ("redis.rs", "`redis::Connection`"),
    ("git2.rs", "`git2::Repository`"),
    ("redb.rs", "`redb::Database`"),
];

const BEGIN: &str = "<!-- coverage-table:begin -->";
const END: &str = "<!-- coverage-table:end -->";

#[derive(Default)]
struct Counts {
    declared: usize,
    futures: usize,
    streams: usize,
    /// `(reason, idiom, method)` in declaration order.
    refused: Vec<(String, String, String)>,
    /// Left out for another reason (a name taken, a declaration that does
    /// not compile), said in the file.
    not_other: usize,
    not_compiled: usize,
}

fn count(source: &str) -> Counts {
    let mut counts = Counts::default();
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.starts_with("#[asyncify(remote"))
        .expect("no remote declaration");
    let (mut skip, mut stream, mut reason) = (false, false, None::<String>);
    let mut in_trait = true;
    for line in source.lines() {
        let text = line.trim();
        if let Some(rest) = text.strip_prefix("// not declared (") {
            let (why, names) = rest
                .split_once("):")
                .expect("`// not declared (why): names`");
            let n = backticked_names(names);
            if why.starts_with("not compiled") {
                counts.not_compiled += n;
            } else {
                counts.not_other += n;
            }
        }
    }
    for (index, line) in lines.iter().enumerate().skip(start + 2) {
        if *line == "}" {
            in_trait = false;
            break;
        }
        let text = line.trim();
        if let Some(rest) = text.strip_prefix("// no twin: ") {
            reason = Some(rest.to_owned());
        } else if text == "#[asyncify(skip)]" {
            skip = true;
        } else if text == "#[asyncify(stream)]" {
            stream = true;
        } else if let Some(name) = declared_name(text) {
            counts.declared += 1;
            if skip || text.starts_with("async fn") {
                let reason = reason.take().unwrap_or_else(|| {
                    panic!("`{name}` has no twin and no `// no twin:` comment above it")
                });
                let (why, idiom) = reason.split_once("; instead: ").unwrap_or_else(|| {
                    panic!("`{name}`: `// no twin: <reason>; instead: <idiom>`")
                });
                counts
                    .refused
                    .push((why.to_owned(), idiom.to_owned(), name.to_owned()));
            } else if stream || signature_returns_iterator(&lines[index..]) {
                counts.streams += 1;
            } else {
                counts.futures += 1;
            }
            (skip, stream) = (false, false);
            reason = None;
        }
    }
    assert!(!in_trait, "the trait does not end with a `}}` line");
    counts
}

/// `rusqlite 0.40.2, features `bundled`, `cache``, from the file's header.
fn build_of(source: &str) -> String {
    let field = |prefix: &str| {
        source
            .lines()
            .take(8)
            .find_map(|line| line.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` line in the header: regenerate the file with `cargo asyncify declare`"))
    };
    let features: Vec<String> = field("// features: ")
        .split(", ")
        .filter(|feature| !["(none)", "default"].contains(feature))
        .map(|feature| format!("`{feature}`"))
        .collect();
    if features.is_empty() {
        field("// crate: ").to_owned()
    } else {
        format!("{}, {}", field("// crate: "), features.join(", "))
    }
}

/// The name declared by a line such as `fn get<K>(` or `async fn put(`.
fn declared_name(text: &str) -> Option<&str> {
    let rest = ["fn ", "unsafe fn ", "async fn "]
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix))?;
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Whether the signature starting at `lines[0]` returns `impl Iterator`.
fn signature_returns_iterator(lines: &[&str]) -> bool {
    let mut signature = String::new();
    for line in lines {
        signature.push_str(line);
        if line.trim_end().ends_with(';') {
            break;
        }
    }
    signature
        .split_once("->")
        .is_some_and(|(_, output)| output.contains("impl Iterator"))
}

/// The names in backticks, leaving out notes in parentheses.
fn backticked_names(list: &str) -> usize {
    let mut depth = 0;
    let mut outside = String::new();
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    outside.matches('`').count() / 2
}

fn table() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/coverage");
    let mut rows = String::new();
    let mut lists = String::new();
    for (file, client) in CLIENTS {
        let source = std::fs::read_to_string(dir.join(file)).unwrap();
        let counts = count(&source);
        let build = build_of(&source);
        assert_eq!(
            counts.declared,
            counts.futures + counts.streams + counts.refused.len()
        );
        let twins = if counts.streams == 0 {
            counts.futures.to_string()
        } else {
            format!("{} + {} streams", counts.futures, counts.streams)
        };
        writeln!(
            rows,
            "| {client} ({build}) | {} | {twins} | {} | {} | {} |",
            counts.declared,
            counts.refused.len(),
            counts.not_other,
            counts.not_compiled,
        )
        .unwrap();
        if counts.refused.is_empty() {
            continue;
        }
        writeln!(lists, "\n{client}, no twin:\n").unwrap();
        let mut groups: Vec<(&str, String, Vec<&str>)> = Vec::new();
        for (why, idiom, name) in &counts.refused {
            // The idiom names the method: `c.prepare(..)`.
            let idiom = idiom
                .replace(&format!(".{name}("), ".method(")
                .replace(&format!("::{name}("), "::method(");
            match groups.iter_mut().find(|(w, i, _)| w == why && *i == idiom) {
                Some((_, _, names)) => names.push(name),
                None => groups.push((why, idiom, vec![name])),
            }
        }
        for (why, idiom, names) in groups {
            let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            writeln!(lists, "- {}: {why}. Instead: {idiom}.", names.join(", ")).unwrap();
        }
    }
    format!(
        "{BEGIN}\n| client | methods declared | twins | no twin | not declared: name taken or does not compile | not declared: not compiled in this build |\n|---|---|---|---|---|---|\n{rows}{lists}{END}"
    )
}

#[test]
fn readme_table_is_counted_from_the_declarations() {
    let expected = table();
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(readme_path).unwrap();
    let actual = readme
        .find(BEGIN)
        .and_then(|start| Some(&readme[start..start + readme[start..].find(END)? + END.len()]));
    assert_eq!(
        actual,
        Some(expected.as_str()),
        "README.md's coverage table differs from the declarations; it should read:\n\n{expected}\n"
    );
}

#[test]
fn counting_follows_the_conventions() {
    let source = "\
// not declared (not blocking): `a` (a note with `b`), `c`
// not declared (not compiled without feature `x`): `d`
#[asyncify(remote = x::Y)]
pub trait YAsync {
    fn one(&self) -> u8;
    // no twin: a reason; instead: an idiom
    #[asyncify(skip)]
    fn two(&mut self) -> &u8;
    fn three(&self)
    -> impl Iterator<Item = u8>;
    #[asyncify(stream)]
    fn four(&self) -> Vec<u8>;
    // no twin: already async; instead: await it
    async fn five(&self);
}
";
    let counts = count(source);
    assert_eq!(counts.declared, 5);
    assert_eq!((counts.futures, counts.streams), (1, 2));
    assert_eq!(
        counts.refused,
        [
            ("a reason".into(), "an idiom".into(), "two".into()),
            ("already async".into(), "await it".into(), "five".into())
        ]
    );
    assert_eq!((counts.not_other, counts.not_compiled), (2, 1));
}
