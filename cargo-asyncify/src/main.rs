//! `cargo asyncify`: the remote declaration of every method of a foreign
//! client, generated from the client's own API, and a check that keeps it in
//! step with the client. See the README.

#![forbid(unsafe_code)]

mod api;
mod classify;
mod cli;
mod declare;
mod diff;
mod failure;
mod file;
mod metadata;
mod not_compiled;
mod render;
mod scratch;
mod verify;

// The macro's own pipeline (a link to `asyncify-macros/src/pipeline`):
// `classify` runs it on each method, so that the generator and the macro's
// diagnostics share one set of rules.
#[allow(dead_code, unreachable_pub, clippy::all, clippy::pedantic)]
mod pipeline;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run(std::env::args_os()) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::from(2)
        }
    }
}
