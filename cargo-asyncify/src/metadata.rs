//! The user's package and the client crate as `cargo metadata` resolves them:
//! the version in the lock file, the features the build turns on, and where
//! its source is.

use std::path::{Path, PathBuf};

use cargo_metadata::{Metadata, MetadataCommand, Package, PackageId};

use crate::cli::Location;
use crate::failure::{Failure, Result, fail};

/// A dependency of the user's package, as the build resolves it.
#[derive(Debug, Clone)]
pub(crate) struct Dep {
    /// The name the user's code gives it (`s3` for `rust-s3`, or a rename).
    pub(crate) extern_name: String,
    pub(crate) package: String,
    pub(crate) version: String,
    /// Features on in this build (without `default`; see `default`).
    pub(crate) features: Vec<String>,
    /// `default` is among the features on.
    pub(crate) default: bool,
    pub(crate) source: Source,
    /// The directory of its `Cargo.toml`.
    pub(crate) root: PathBuf,
}

#[derive(Debug, Clone)]
pub(crate) enum Source {
    CratesIo,
    Path,
    Git {
        url: String,
        rev: String,
    },
    /// Another registry: named by its index URL, which a manifest cannot name.
    Other(String),
}

/// The user's package and its resolved dependencies.
pub(crate) struct Workspace {
    pub(crate) metadata: Metadata,
    pub(crate) package: PackageId,
}

impl Workspace {
    pub(crate) fn load(location: &Location) -> Result<Workspace> {
        let mut command = MetadataCommand::new();
        if let Some(path) = &location.manifest_path {
            command.manifest_path(path);
        }
        let metadata = command.exec().map_err(|error| {
            Failure(format!(
                "`cargo metadata` failed: {error}\n  \
                 run `cargo asyncify` in a Cargo package, or name one with `--manifest-path`; \
                 if a package could not be downloaded, run `cargo fetch` first"
            ))
        })?;
        let package = pick_package(&metadata, location)?;
        Ok(Workspace { metadata, package })
    }

    pub(crate) fn package(&self) -> &Package {
        &self.metadata[&self.package]
    }

    pub(crate) fn target_dir(&self) -> PathBuf {
        self.metadata.target_directory.clone().into_std_path_buf()
    }

    pub(crate) fn lock_file(&self) -> PathBuf {
        self.metadata
            .workspace_root
            .join("Cargo.lock")
            .into_std_path_buf()
    }

    /// The dependency the user's code calls `extern_name`.
    pub(crate) fn dependency(&self, extern_name: &str) -> Result<Dep> {
        let resolve = self
            .metadata
            .resolve
            .as_ref()
            .ok_or_else(|| Failure("`cargo metadata` gave no dependency graph".into()))?;
        let node = resolve
            .nodes
            .iter()
            .find(|node| node.id == self.package)
            .ok_or_else(|| Failure("`cargo metadata` has no node for the package".into()))?;
        let wanted = extern_name.replace('-', "_");
        let Some(dep) = node.deps.iter().find(|dep| dep.name == wanted) else {
            let mut names: Vec<&str> = node.deps.iter().map(|dep| dep.name.as_str()).collect();
            names.sort_unstable();
            fail!(
                "`{extern_name}` is not a dependency of package `{}`; its dependencies are: {}\n  \
                 add it with `cargo add {extern_name}`, or name the type by the path your crate uses",
                self.package().name,
                if names.is_empty() {
                    "(none)".to_owned()
                } else {
                    names.join(", ")
                },
            );
        };
        let package = &self.metadata[&dep.pkg];
        let dep_node = resolve.nodes.iter().find(|node| node.id == dep.pkg);
        let mut features: Vec<String> = dep_node
            .map(|node| node.features.iter().map(ToString::to_string).collect())
            .unwrap_or_default();
        let default = features.iter().any(|feature| feature == "default");
        features.retain(|feature| feature != "default");
        features.sort();
        let source = match &package.source {
            None => Source::Path,
            Some(source) if source.is_crates_io() => Source::CratesIo,
            Some(source) => {
                let repr = source.repr.clone();
                match repr.strip_prefix("git+") {
                    Some(rest) => {
                        let (url, rev) = rest.split_once('#').unwrap_or((rest, ""));
                        let url = url.split('?').next().unwrap_or(url).to_owned();
                        Source::Git {
                            url,
                            rev: rev.to_owned(),
                        }
                    }
                    None => Source::Other(repr),
                }
            }
        };
        let root = package
            .manifest_path
            .parent()
            .map(|dir| dir.as_std_path().to_path_buf())
            .unwrap_or_default();
        if !package.manifest_path.as_std_path().exists() {
            fail!(
                "the source of {} {} is not downloaded (no {})\n  run `cargo fetch` first",
                package.name,
                package.version,
                package.manifest_path
            );
        }
        Ok(Dep {
            extern_name: dep.name.clone(),
            package: package.name.to_string(),
            version: package.version.to_string(),
            features,
            default,
            source,
            root,
        })
    }
}

fn pick_package(metadata: &Metadata, location: &Location) -> Result<PackageId> {
    let members: Vec<&Package> = metadata.workspace_packages();
    if let Some(name) = &location.package {
        return match members.iter().find(|package| package.name.as_str() == name) {
            Some(package) => Ok(package.id.clone()),
            None => fail!(
                "no package `{name}` in this workspace; its packages are: {}",
                names(&members)
            ),
        };
    }
    if let Some(root) = metadata.root_package() {
        return Ok(root.id.clone());
    }
    // A virtual workspace: the member whose directory holds the current one.
    let here = std::env::current_dir().unwrap_or_default();
    if let Some(package) = member_containing(&members, &here) {
        return Ok(package.id.clone());
    }
    fail!(
        "this is a virtual workspace: name the package whose dependencies to read with `-p`; \
         its packages are: {}",
        names(&members)
    )
}

/// The workspace member whose directory holds `path` (the deepest one).
pub(crate) fn member_containing<'a>(members: &[&'a Package], path: &Path) -> Option<&'a Package> {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    members
        .iter()
        .filter_map(|package| {
            let dir = package.manifest_path.parent()?.as_std_path().to_path_buf();
            let dir = dir.canonicalize().unwrap_or(dir);
            path.starts_with(&dir)
                .then_some((dir.components().count(), *package))
        })
        .max_by_key(|(depth, _)| *depth)
        .map(|(_, package)| package)
}

fn names(members: &[&Package]) -> String {
    let mut names: Vec<&str> = members
        .iter()
        .map(|package| package.name.as_str())
        .collect();
    names.sort_unstable();
    names.join(", ")
}

/// A string field of a manifest's `[lib]` table (`name`, `path`), read
/// without a TOML parser: the simple `key = "value"` form cargo writes.
pub(crate) fn lib_field(manifest: &str, key: &str) -> Option<String> {
    let mut in_lib = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_lib = line == "[lib]";
        } else if in_lib {
            if let Some(value) = line.strip_prefix(key) {
                if let Some(value) = value.trim_start().strip_prefix('=') {
                    return Some(value.trim().trim_matches('"').to_owned());
                }
            }
        }
    }
    None
}
