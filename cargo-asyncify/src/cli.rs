//! The command line: `cargo asyncify declare ..` and `cargo asyncify check ..`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::failure::Result;
use crate::{declare, diff};

/// Async twins for every method of a foreign blocking client.
///
/// `declare` writes an `#[asyncify(remote = ..)]` declaration of every public
/// method of a type from one of your dependencies, as the version in your
/// lock file declares them; `check` tells when a declaration written by
/// `declare` no longer matches the client (after `cargo update`).
#[derive(Parser, Debug)]
#[command(name = "cargo asyncify", bin_name = "cargo asyncify", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write the remote declaration of every public method of a type.
    Declare(DeclareArgs),
    /// Compare generated declarations with the clients now resolved; exit 1 if one differs.
    Check(CheckArgs),
}

/// Where to run: the package whose dependencies are read.
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct Location {
    /// The Cargo.toml of the package (default: the one of the current directory).
    #[arg(long, value_name = "PATH")]
    pub(crate) manifest_path: Option<PathBuf>,
    /// The package of the workspace to read the dependencies of.
    #[arg(short, long, value_name = "NAME")]
    pub(crate) package: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub(crate) struct DeclareArgs {
    /// The client type, as your crate names it: `rusqlite::Connection`.
    #[arg(value_name = "TYPE")]
    pub(crate) ty: String,
    /// A trait whose methods to declare too (repeatable): `--trait redis::Commands`.
    #[arg(long = "trait", value_name = "TRAIT")]
    pub(crate) traits: Vec<String>,
    /// The file to write (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// The name of the declared trait (default: the type's name + `Async`).
    #[arg(long, value_name = "NAME")]
    pub(crate) name: Option<String>,
    /// Overwrite an output file that `cargo asyncify` did not write.
    #[arg(long)]
    pub(crate) force: bool,
    /// Skip the compiler's check of the written file (faster; the file may
    /// then need a `#[asyncify(skip)]` by hand where a result is not `Send`).
    #[arg(long)]
    pub(crate) no_verify: bool,
    #[command(flatten)]
    pub(crate) location: Location,
}

#[derive(Args, Debug)]
pub(crate) struct CheckArgs {
    /// Generated files to check (default: every file `cargo asyncify` wrote in the workspace).
    #[arg(value_name = "FILES")]
    pub(crate) files: Vec<PathBuf>,
    /// The Cargo.toml of the workspace (default: the one of the current directory).
    #[arg(long, value_name = "PATH")]
    pub(crate) manifest_path: Option<PathBuf>,
}

/// Runs the command line; `Ok` carries the exit code (0, or 1 when `check`
/// found a difference).
pub(crate) fn run(args: impl IntoIterator<Item = OsString>) -> Result<ExitCode> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    // `cargo asyncify ..` runs `cargo-asyncify asyncify ..`.
    if args.get(1).is_some_and(|arg| arg == "asyncify") {
        args.remove(1);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return Ok(ExitCode::from(code));
        }
    };
    match cli.command {
        Command::Declare(args) => {
            declare::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => diff::run(&args),
    }
}
