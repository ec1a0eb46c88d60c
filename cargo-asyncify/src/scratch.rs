//! A scratch package under `target/asyncify/` that depends on the client
//! exactly as the user's build resolves it (same version, same features, the
//! user's lock file), so that rustdoc can document the client, and the
//! compiler can check a generated declaration, without touching the user's
//! package.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::failure::{Failure, Result, fail};
use crate::metadata::{Dep, Source, Workspace};

pub(crate) struct Scratch {
    dir: PathBuf,
    target: PathBuf,
    client: Dep,
}

impl Scratch {
    /// Writes the scratch package for `client`, with `extra` dependencies
    /// (asyncify, and crates the declaration names) beside it.
    pub(crate) fn new(workspace: &Workspace, client: &Dep, extra: &[Dep]) -> Result<Scratch> {
        let base = workspace.target_dir().join("asyncify");
        // One per client and user's workspace, so that two workspaces
        // sharing a target directory do not write each other's.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(&workspace.metadata.workspace_root, &mut hasher);
        let dir = base.join(format!(
            "{}-{}-{:08x}",
            client.package,
            client.version,
            std::hash::Hasher::finish(&hasher) & 0xffff_ffff
        ));
        std::fs::create_dir_all(&dir).map_err(|error| io_failure(&dir, &error))?;
        let mut manifest = String::from(
            "# Written by cargo-asyncify: the client as your build resolves it.\n\
             [package]\nname = \"asyncify-scratch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [lib]\npath = \"lib.rs\"\n\n[dependencies]\n",
        );
        let mut seen = Vec::new();
        for dep in std::iter::once(client).chain(extra) {
            if seen.contains(&dep.extern_name) {
                continue;
            }
            seen.push(dep.extern_name.clone());
            let _ = writeln!(manifest, "{} = {}", dep.extern_name, requirement(dep)?);
        }
        manifest.push_str("\n[workspace]\n");
        write(&dir.join("Cargo.toml"), &manifest)?;
        if !dir.join("lib.rs").exists() {
            write(&dir.join("lib.rs"), "")?;
        }
        // The user's lock file, so that every other crate has the version the
        // user's build has; cargo drops what the scratch package does not use.
        let lock = workspace.lock_file();
        if lock.exists() {
            std::fs::copy(&lock, dir.join("Cargo.lock"))
                .map_err(|error| io_failure(&lock, &error))?;
        }
        Ok(Scratch {
            dir,
            target: base.join("target"),
            client: client.clone(),
        })
    }

    /// rustdoc's JSON description of the client's API (private items
    /// included, so that crate-private type aliases can be seen through).
    pub(crate) fn rustdoc_json(&self) -> Result<rustdoc_types::Crate> {
        let lib_name = self.lib_name();
        let json = self.target.join("doc").join(format!("{lib_name}.json"));
        let _ = std::fs::remove_file(&json);
        let spec = format!("{}@{}", self.client.package, self.client.version);
        eprintln!("    Documenting {spec} (rustdoc's JSON output)");
        let output = Command::new(cargo())
            .arg("rustdoc")
            .args(["--quiet", "--lib", "-p", &spec, "--manifest-path"])
            .arg(self.dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&self.target)
            .args([
                "--",
                "-Zunstable-options",
                "--output-format",
                "json",
                "--document-private-items",
                "--document-hidden-items",
                "--cap-lints",
                "allow",
            ])
            // rustdoc's JSON output is unstable: this lets the stable
            // toolchain write it.
            .env("RUSTC_BOOTSTRAP", "1")
            .env_remove("RUSTDOCFLAGS")
            .output()
            .map_err(|error| Failure(format!("could not run cargo: {error}")))?;
        if !output.status.success() {
            fail!(
                "rustdoc could not document {spec}:\n{}",
                String::from_utf8_lossy(&output.stderr).trim_end()
            );
        }
        let text = std::fs::read_to_string(&json).map_err(|error| io_failure(&json, &error))?;
        let format: serde_json::Value = serde_json::from_str(&text).map_err(|error| {
            Failure(format!(
                "rustdoc wrote invalid JSON ({}): {error}",
                json.display()
            ))
        })?;
        let version = format
            .get("format_version")
            .and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(rustdoc_types::FORMAT_VERSION)) {
            fail!(
                "your toolchain's rustdoc writes JSON format {}, and this cargo-asyncify reads format {} \
                 (Rust 1.95's)\n  build cargo-asyncify with a `rustdoc-types` of your toolchain's format, \
                 or run it with Rust 1.95",
                version.map_or_else(|| "?".to_owned(), |v| v.to_string()),
                rustdoc_types::FORMAT_VERSION
            );
        }
        serde_json::from_value(format).map_err(|error| {
            Failure(format!(
                "could not read rustdoc's JSON ({}): {error}",
                json.display()
            ))
        })
    }

    /// `cargo check` of `source` as the scratch package's library: the
    /// compiler's errors as `(line, message)`, line 1-based.
    pub(crate) fn check(&self, source: &str) -> Result<Vec<Diagnostic>> {
        write(&self.dir.join("lib.rs"), source)?;
        let output = Command::new(cargo())
            .args([
                "check",
                "--quiet",
                "--lib",
                "--message-format",
                "json",
                "--manifest-path",
            ])
            .arg(self.dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&self.target)
            // As for rustdoc above, so that the client's dependencies,
            // already checked for rustdoc, are not built again.
            .env("RUSTC_BOOTSTRAP", "1")
            .env_remove("RUSTFLAGS")
            .output()
            .map_err(|error| Failure(format!("could not run cargo: {error}")))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let mut diagnostics = Vec::new();
        for line in stdout.lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if message["reason"] != "compiler-message" {
                continue;
            }
            let message = &message["message"];
            if message["level"] != "error" {
                continue;
            }
            let lines = message["spans"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|span| {
                    span["file_name"]
                        .as_str()
                        .is_some_and(|name| name.ends_with("lib.rs"))
                })
                .filter_map(|span| Some((span["is_primary"] == true, span["line_start"].as_u64()?)))
                .collect::<Vec<_>>();
            diagnostics.push(Diagnostic {
                lines: lines
                    .iter()
                    .filter(|(primary, _)| *primary)
                    .chain(lines.iter().filter(|(primary, _)| !*primary))
                    .map(|(_, line)| usize::try_from(*line).unwrap_or(0))
                    .collect(),
                message: message["message"].as_str().unwrap_or_default().to_owned(),
                rendered: message["rendered"].as_str().unwrap_or_default().to_owned(),
            });
        }
        if !output.status.success() && diagnostics.is_empty() {
            fail!(
                "cargo check of the generated declaration failed:\n{}",
                String::from_utf8_lossy(&output.stderr).trim_end()
            );
        }
        Ok(diagnostics)
    }

    fn lib_name(&self) -> String {
        // The JSON file is named after the library target.
        let manifest = self.client.root.join("Cargo.toml");
        let text = std::fs::read_to_string(manifest).unwrap_or_default();
        crate::metadata::lib_field(&text, "name").map_or_else(
            || self.client.package.replace('-', "_"),
            |name| name.replace('-', "_"),
        )
    }
}

/// An error of the compiler: where (lines of `lib.rs`, primary spans first).
pub(crate) struct Diagnostic {
    pub(crate) lines: Vec<usize>,
    pub(crate) message: String,
    pub(crate) rendered: String,
}

fn requirement(dep: &Dep) -> Result<String> {
    let features: Vec<String> = dep.features.iter().map(|f| format!("{f:?}")).collect();
    let mut fields = match &dep.source {
        Source::CratesIo => format!(
            "package = {:?}, version = \"={}\"",
            dep.package, dep.version
        ),
        Source::Path => format!(
            "package = {:?}, path = {:?}",
            dep.package,
            dep.root.to_string_lossy()
        ),
        Source::Git { url, rev } => {
            format!("package = {:?}, git = {url:?}, rev = {rev:?}", dep.package)
        }
        Source::Other(repr) => fail!(
            "{} comes from {repr}; cargo-asyncify reads crates from crates.io, a path or git",
            dep.package
        ),
    };
    let _ = write!(
        fields,
        ", default-features = {}, features = [{}]",
        dep.default,
        features.join(", ")
    );
    Ok(format!("{{ {fields} }}"))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|error| io_failure(path, &error))
}

pub(crate) fn io_failure(path: &Path, error: &std::io::Error) -> Failure {
    Failure(format!("{}: {error}", path.display()))
}
