//! The README's two commands, from a new package: `cargo add` the client,
//! `cargo asyncify declare` it, and call a twin.

use std::path::{Path, PathBuf};
use std::process::Command;

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "`{program} {}` failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/cargo-asyncify-fixture")
}

#[test]
fn from_cargo_add_to_a_twin_in_two_commands() {
    let dir = std::env::temp_dir().join(format!("cargo-asyncify-newcomer-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    run(
        &dir,
        &cargo(),
        &["init", "--vcs", "none", "--name", "newcomer"],
    );
    // The README's first command (asyncify from this checkout, the client
    // at the version the workspace tests).
    let asyncify = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../asyncify");
    run(
        &dir,
        &cargo(),
        &["add", "asyncify", "--path", &asyncify.to_string_lossy()],
    );
    // `cargo add tokio rusqlite --features ..` as the README writes it; the
    // client pinned to the version the workspace's tests build (a version
    // request cannot go with `--features rusqlite/..`).
    run(
        &dir,
        &cargo(),
        &["add", "tokio", "--features", "macros,rt-multi-thread"],
    );
    run(
        &dir,
        &cargo(),
        &["add", "rusqlite@0.40.2", "--features", "bundled"],
    );
    // The second.
    run(
        &dir,
        env!("CARGO_BIN_EXE_cargo-asyncify"),
        &[
            "asyncify",
            "declare",
            "rusqlite::Connection",
            "-o",
            "src/sqlite_async.rs",
        ],
    );
    // The README's program.
    std::fs::write(
        dir.join("src/main.rs"),
        r#"mod sqlite_async;

use asyncify::Exclusive;
use sqlite_async::ConnectionAsync as _;

#[tokio::main]
async fn main() -> rusqlite::Result<()> {
    let conn = Exclusive::new(rusqlite::Connection::open_in_memory()?);
    conn.execute_async("create table t (x integer)", ()).await?;
    let inserted = conn.execute_async("insert into t values (1), (2)", ()).await?;
    println!("inserted {inserted} rows");
    Ok(())
}
"#,
    )
    .unwrap();
    let output = run(&dir, &cargo(), &["run", "--quiet"]);
    assert_eq!(output.trim(), "inserted 2 rows");
    let _ = std::fs::remove_dir_all(dir);
}
