//! Every public blocking method of `ureq::Agent` (ureq 3, no default
//! features), declared as ureq's source writes it.
//!
//! Only `run` blocks: the request builders (`get`, `post`, ..) do no I/O,
//! their `call`/`send` does, and that is a method of `RequestBuilder`, which
//! takes `self` by value. Build an `http::Request` and `run_async` it instead
//! (or `agent.offload(move |a| a.get(&url).call())`: a `Clone` client is its
//! own handle). The response body is read from the socket lazily, so read it
//! on the pool too: `asyncify::unblock(move || response.into_body().read_to_string())`.
//!
//! `coverage_table.rs` counts this file for the README's table (see
//! `sqlite.rs` for the conventions).

use asyncify::asyncify;
use ureq::http::{Request, Response};
use ureq::{AsSendBody, Body, Error};

// not declared (not blocking): `new_with_defaults`, `new_with_config`, `config_builder`, `with_parts` (constructors without I/O), `shutdown`, `config`, `configure_request`, `get`, `post`, `put`, `delete`, `head`, `options`, `connect`, `patch`, `trace` (request builders), `pool_count`

/// The async twins of `ureq::Agent`'s blocking methods.
#[asyncify(remote = ureq::Agent)]
pub trait AgentAsync {
    fn run(&self, request: Request<impl AsSendBody>) -> Result<Response<Body>, Error>;
}
