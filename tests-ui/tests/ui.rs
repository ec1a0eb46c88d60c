//! Every diagnostic `#[asyncify]` and the handles give has a snapshot here.
//! Regenerate with `TRYBUILD=overwrite cargo test -p tests-ui` (see
//! DEVELOPMENT.md); snapshots are pinned to the stable toolchain CI uses.

use std::path::Path;

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}

/// How many errors each snapshot holds: one per mistake its `.rs` makes.
/// A snapshot added without a line here, or an error more, fails the test.
const ERRORS: &[(&str, usize)] = &[
    ("bad_option_values", 6),
    ("borrow_inside_argument", 3),
    ("dedicated_factory_not_send", 1),
    ("handle_new_not_sync", 1),
    ("impl_lifetime", 1),
    ("impl_trait_in_reference", 1),
    ("many_errors_keep_impl", 2),
    ("more_option_errors", 5),
    // One mistake, but the twin of a `&mut self` method with type parameters
    // of its own has no hidden lender (`__private::Lend`), so rustc reports
    // its unmet `Self: OffloadMut<_>` three times (at the name, the call and
    // the `.await`), all with asyncify's message.
    ("mut_generic_method_on_handle", 3),
    ("mut_method_on_handle", 1),
    // Four calls: on an `Arc`, a `Clone` client, a handle of one's own and a
    // generic `H: Offload<_>`.
    ("mut_method_on_shared_handles", 4),
    ("mut_ref_param", 1),
    ("no_handle", 1),
    ("not_a_handle", 1),
    ("not_an_impl", 2),
    ("not_send_argument", 2),
    ("not_send_result", 2),
    ("not_send_result_field", 3),
    ("options_without_twin", 3),
    ("remote_constructor_on_type", 1),
    ("remote_declaration_rules", 3),
    ("remote_mismatch", 4),
    ("remote_twin_name_taken", 1),
    ("remote_unchecked_declarations", 4),
    ("remote_wrong_result", 1),
    ("return_borrow", 2),
    ("return_impl_trait", 1),
    ("self_by_value", 2),
    ("stream_misuse", 8),
    ("trait_misuse", 3),
    ("twin_name_clash", 2),
    ("unknown_options", 3),
    ("unnamed_self_type", 1),
    ("unsafe_fn", 1),
];

#[test]
fn one_error_per_mistake() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut snapshots: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".stderr").map(str::to_owned)
        })
        .collect();
    snapshots.sort();
    let listed: Vec<&str> = ERRORS.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        snapshots, listed,
        "every snapshot has a line in ERRORS, in order"
    );
    for (name, expected) in ERRORS {
        let text = std::fs::read_to_string(dir.join(format!("{name}.stderr"))).unwrap();
        let errors = text
            .lines()
            .filter(|line| line.starts_with("error"))
            .count();
        assert_eq!(errors, *expected, "errors in ui/{name}.stderr");
    }
}
