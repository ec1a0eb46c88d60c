//! The client's API as rustdoc's JSON describes it: where each item can be
//! named from the user's crate (through the crate's public re-exports), the
//! methods of a type and of a trait, and which types are iterators.

use std::collections::{HashMap, HashSet, VecDeque};

use rustdoc_types::{Crate, Id, Item, ItemEnum, Visibility};

use crate::failure::{Result, fail};

pub(crate) struct Api {
    pub(crate) krate: Crate,
    /// The name the user's crate gives the client (`s3` for rust-s3).
    pub(crate) extern_name: String,
    /// Every item the user can name, by the shortest public path (starting
    /// with `extern_name`).
    pub(crate) public: HashMap<Id, Vec<String>>,
    /// Crates the client re-exports whole (`pub use fallible_iterator;`),
    /// by their crate id.
    pub(crate) reexported_crates: HashMap<u32, Vec<String>>,
    /// Modules of other crates the client re-exports (`pub use
    /// tokio_postgres::types;` is `postgres::types`): where an item of a
    /// crate the user may not depend on can be named instead.
    pub(crate) reexported_modules: Vec<Vec<String>>,
}

/// A method to declare: its item, and where it comes from.
pub(crate) struct MethodItem<'a> {
    pub(crate) item: &'a Item,
    pub(crate) function: &'a rustdoc_types::Function,
    /// `None` for an inherent method, else the trait's public path.
    pub(crate) from_trait: Option<String>,
}

impl Api {
    pub(crate) fn new(krate: Crate, extern_name: &str) -> Api {
        let mut api = Api {
            krate,
            extern_name: extern_name.to_owned(),
            public: HashMap::new(),
            reexported_crates: HashMap::new(),
            reexported_modules: Vec::new(),
        };
        api.walk_public();
        api
    }

    /// Breadth first from the crate root through public modules and `pub
    /// use`s, so that the first path found for an item is its shortest.
    fn walk_public(&mut self) {
        let mut queue = VecDeque::new();
        let mut seen_modules = HashSet::new();
        queue.push_back((self.krate.root, vec![self.extern_name.clone()]));
        while let Some((module_id, prefix)) = queue.pop_front() {
            // A module is read once under each path (a glob re-export reads
            // it under its re-exporter's); paths are bounded against cycles.
            if prefix.len() > 12 || !seen_modules.insert((module_id, prefix.clone())) {
                continue;
            }
            let Some(ItemEnum::Module(module)) =
                self.krate.index.get(&module_id).map(|item| &item.inner)
            else {
                continue;
            };
            for child in &module.items {
                let Some(item) = self.krate.index.get(child) else {
                    continue;
                };
                if item.visibility != Visibility::Public {
                    continue;
                }
                match &item.inner {
                    ItemEnum::Use(use_) => {
                        let Some(target) = use_.id else { continue };
                        if use_.is_glob {
                            // Its items, as if they were here.
                            queue.push_back((target, prefix.clone()));
                            continue;
                        }
                        let path = extend(&prefix, &use_.name);
                        if let Some(summary) = self.krate.paths.get(&target) {
                            if summary.crate_id != 0
                                && summary.kind == rustdoc_types::ItemKind::Module
                            {
                                if summary.path.len() == 1 {
                                    self.reexported_crates
                                        .entry(summary.crate_id)
                                        .or_insert_with(|| path.clone());
                                }
                                if !self.reexported_modules.contains(&path) {
                                    self.reexported_modules.push(path.clone());
                                }
                            }
                        }
                        if matches!(
                            self.krate.index.get(&target).map(|item| &item.inner),
                            Some(ItemEnum::Module(_))
                        ) {
                            queue.push_back((target, path.clone()));
                        }
                        self.public.entry(target).or_insert(path);
                    }
                    ItemEnum::Module(_) => {
                        let Some(name) = &item.name else { continue };
                        let path = extend(&prefix, name);
                        queue.push_back((*child, path.clone()));
                        self.public.entry(*child).or_insert(path);
                    }
                    _ => {
                        let Some(name) = &item.name else { continue };
                        self.public
                            .entry(*child)
                            .or_insert_with(|| extend(&prefix, name));
                    }
                }
            }
        }
    }

    pub(crate) fn item(&self, id: Id) -> Option<&Item> {
        self.krate.index.get(&id)
    }

    /// The item the user names `path` (`rusqlite::Connection`), which must
    /// be one of `kinds`.
    pub(crate) fn find(
        &self,
        path: &str,
        what: &str,
        is_kind: fn(&ItemEnum) -> bool,
    ) -> Result<Id> {
        let segments: Vec<String> = path.split("::").map(str::to_owned).collect();
        let found = self
            .public
            .iter()
            .filter(|(_, public)| **public == segments)
            .map(|(id, _)| *id)
            .next()
            .or_else(|| {
                // The defining path (`crate::row::Row` as `rusqlite::row::Row`).
                self.krate.paths.iter().find_map(|(id, summary)| {
                    (summary.crate_id == 0
                        && summary.path.len() == segments.len()
                        && summary.path[1..] == segments[1..])
                        .then_some(*id)
                })
            });
        if let Some(id) = found {
            if self.item(id).is_some_and(|item| is_kind(&item.inner)) {
                return Ok(id);
            }
            fail!("`{path}` is not {what}");
        }
        let wanted = segments.last().map(String::as_str).unwrap_or_default();
        let mut close: Vec<(usize, String)> = self
            .public
            .iter()
            .filter(|(id, _)| self.item(**id).is_some_and(|item| is_kind(&item.inner)))
            .map(|(_, public)| {
                let name = public.last().map(String::as_str).unwrap_or_default();
                (
                    distance(&name.to_lowercase(), &wanted.to_lowercase()),
                    public.join("::"),
                )
            })
            .collect();
        close.sort();
        close.dedup_by(|a, b| a.1 == b.1);
        let close: Vec<String> = close
            .into_iter()
            .take(5)
            .map(|(_, path)| format!("`{path}`"))
            .collect();
        fail!(
            "no public {what} `{path}` in {} {}{}",
            self.extern_name,
            self.krate.crate_version.as_deref().unwrap_or(""),
            if close.is_empty() {
                String::new()
            } else {
                format!("\n  the closest are: {}", close.join(", "))
            }
        )
    }

    /// The public inherent methods of the type `id`, in the order of its
    /// impl blocks.
    pub(crate) fn inherent_methods(&self, id: Id) -> Vec<MethodItem<'_>> {
        let impls = match self.item(id).map(|item| &item.inner) {
            Some(ItemEnum::Struct(s)) => &s.impls,
            Some(ItemEnum::Enum(e)) => &e.impls,
            Some(ItemEnum::Union(u)) => &u.impls,
            _ => return Vec::new(),
        };
        let mut methods = Vec::new();
        for impl_id in impls {
            let Some(ItemEnum::Impl(block)) = self.item(*impl_id).map(|item| &item.inner) else {
                continue;
            };
            if block.trait_.is_some() || block.is_synthetic || block.blanket_impl.is_some() {
                continue;
            }
            for item_id in &block.items {
                let Some(item) = self.item(*item_id) else {
                    continue;
                };
                if let (ItemEnum::Function(function), Visibility::Public) =
                    (&item.inner, &item.visibility)
                {
                    methods.push(MethodItem {
                        item,
                        function,
                        from_trait: None,
                    });
                }
            }
        }
        methods
    }

    /// The methods of the trait `trait_id`, if the type `ty` implements it.
    pub(crate) fn trait_methods(
        &self,
        ty: Id,
        trait_id: Id,
        trait_path: &str,
    ) -> Result<Vec<MethodItem<'_>>> {
        let implemented = self.impls_of(ty).any(|impl_| {
            impl_
                .trait_
                .as_ref()
                .is_some_and(|path| path.id == trait_id)
        });
        if !implemented {
            fail!(
                "`{}` does not implement `{trait_path}` in this build",
                self.public
                    .get(&ty)
                    .map(|p| p.join("::"))
                    .unwrap_or_default()
            );
        }
        let Some(ItemEnum::Trait(trait_)) = self.item(trait_id).map(|item| &item.inner) else {
            fail!("`{trait_path}` is not a trait");
        };
        Ok(trait_
            .items
            .iter()
            .filter_map(|id| self.item(*id))
            .filter_map(|item| match &item.inner {
                ItemEnum::Function(function) => Some(MethodItem {
                    item,
                    function,
                    from_trait: Some(trait_path.to_owned()),
                }),
                _ => None,
            })
            .collect())
    }

    fn impls_of(&self, ty: Id) -> impl Iterator<Item = &rustdoc_types::Impl> {
        let impls = match self.item(ty).map(|item| &item.inner) {
            Some(ItemEnum::Struct(s)) => s.impls.as_slice(),
            Some(ItemEnum::Enum(e)) => e.impls.as_slice(),
            Some(ItemEnum::Union(u)) => u.impls.as_slice(),
            _ => &[],
        };
        impls
            .iter()
            .filter_map(|id| match self.item(*id).map(|item| &item.inner) {
                Some(ItemEnum::Impl(block)) => Some(block),
                _ => None,
            })
    }

    /// Whether the type `id` (of this crate) implements `Iterator`.
    pub(crate) fn is_iterator(&self, id: Id) -> bool {
        self.impls_of(id).any(|impl_| {
            impl_.trait_.as_ref().is_some_and(|path| {
                self.krate.paths.get(&path.id).is_some_and(|summary| {
                    summary.path.first().is_some_and(|c| c == "core")
                        && summary.path.last().is_some_and(|n| n == "Iterator")
                })
            })
        })
    }
}

fn extend(prefix: &[String], name: &str) -> Vec<String> {
    let mut path = prefix.to_vec();
    path.push(name.to_owned());
    path
}

/// Levenshtein distance, for "the closest are".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let old = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = old;
        }
    }
    row[b.len()]
}
