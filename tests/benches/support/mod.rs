//! What the benches share: where they write the numbers that criterion does
//! not keep, for `scripts/bench-report.py`.

use std::path::PathBuf;

/// Writes `lines` (JSON objects) as a JSON array to
/// `<target>/criterion/<file_name>`, next to criterion's own output.
pub(crate) fn write_json_lines(file_name: &str, lines: &[String]) {
    let exe = std::env::current_exe().expect("the path of this bench binary");
    // <target>/release/deps/<bench>-<hash> -> <target>/criterion/
    let target: PathBuf = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || {
            exe.ancestors()
                .nth(3)
                .expect("a target directory")
                .to_owned()
        },
        Into::into,
    );
    let path = target.join("criterion").join(file_name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, format!("[\n{}\n]\n", lines.join(",\n"))).unwrap();
    println!("written to {}", path.display());
}

/// Runs the criterion part of a bench (`benches`, with 1 s of warm-up and 3 s
/// of measurement per variant, and the command line's filters), and returns
/// whether the run is a real one rather than cargo's `--list` or `--test`, so
/// that the bench's own paired comparison runs after it only then.
// `scale.rs` keeps criterion's defaults and does not call it.
#[allow(dead_code)]
pub(crate) fn criterion_then_paired(benches: impl FnOnce(&mut criterion::Criterion)) -> bool {
    let mut criterion = criterion::Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3))
        .configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
    !std::env::args().any(|arg| arg == "--list" || arg == "--test")
}
