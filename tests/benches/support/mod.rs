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
