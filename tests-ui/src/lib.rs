//! The trybuild snapshots of every diagnostic of `asyncify`: `ui/*.rs` and
//! their `.stderr`, run by `tests/ui.rs`
//! (`cargo test -p tests-ui`; regenerate with
//! `TRYBUILD=overwrite cargo test -p tests-ui`, then review the diff).
//!
//! A crate of its own, so that trybuild, which builds each case against the
//! dependencies of the crate it runs in, builds only `asyncify` for them and
//! not the real clients (PostgreSQL, S3, SQLite, git2, ...) of `tests`.

#![forbid(unsafe_code)]
