//! Every diagnostic `#[asyncify]` and the handles give has a snapshot here.
//! Regenerate with `TRYBUILD=overwrite cargo test -p tests --test ui` (see
//! DEVELOPMENT.md); snapshots are pinned to the stable toolchain CI uses.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
