//! A blocking HTTP client that is `Clone` needs no handle at all.
//!
//! `ureq::Agent` is an `Arc` inside: cheap to clone, `Send + Sync`, and it
//! shares its connection pool between clones. `asyncify::Offload` is
//! implemented for every `Clone + Send` type, so `agent.offload(|agent| ..)`
//! runs a closure on a clone of the agent on Tokio's blocking pool. A closure
//! fits a builder-style API like ureq's, where the blocking call is the last
//! one of a chain (`agent.get(url).call()`). The server is `tiny_http` in this
//! process, on loopback, answering each request after a delay.
//!
//! ```text
//! cargo run -p examples --example http
//! cargo run -p examples --example http -- --requests 200 --latency-ms 20
//! ```

use std::thread;
use std::time::{Duration, Instant};

use asyncify::Offload;

#[tokio::main]
async fn main() -> Result<(), ureq::Error> {
    let requests = flag("--requests", 100);
    let latency = Duration::from_millis(flag("--latency-ms", 50).into());
    let base_url = serve(latency);
    let agent = ureq::Agent::new_with_defaults();

    let start = Instant::now();
    let calls: Vec<_> = (0..requests)
        .map(|i| {
            let url = format!("{base_url}/items/{i}");
            // The future owns a clone of the agent and the URL: `Send + 'static`.
            tokio::spawn(agent.offload(move |agent: &ureq::Agent| {
                // `connection: close` keeps `tiny_http` (a thread per open
                // connection) from holding back the concurrent requests.
                agent
                    .get(&url)
                    .header("connection", "close")
                    .call()?
                    .body_mut()
                    .read_to_string()
            }))
        })
        .collect();
    let mut bytes = 0;
    for (i, call) in calls.into_iter().enumerate() {
        let body = call.await.expect("a request panicked")?;
        assert_eq!(body, format!("item {i}"));
        bytes += body.len();
    }
    let elapsed = start.elapsed();

    println!(
        "{requests} concurrent GETs, each answered after {} ms: {bytes} bytes in {} ms \
         (one after another: at least {} ms)",
        latency.as_millis(),
        elapsed.as_millis(),
        (latency * requests).as_millis(),
    );
    Ok(())
}

/// Starts an HTTP server on 127.0.0.1 that answers `/items/{i}` with
/// `item {i}` after `latency`, each request on its own thread; returns its
/// base URL.
fn serve(latency: Duration) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("cannot bind 127.0.0.1");
    let base_url = format!("http://{}", server.server_addr());
    thread::spawn(move || {
        for request in server.incoming_requests() {
            thread::spawn(move || {
                thread::sleep(latency);
                let item = request.url().trim_start_matches("/items/").to_owned();
                // The client may be gone; nothing to do about it here.
                let _ = request.respond(tiny_http::Response::from_string(format!("item {item}")));
            });
        }
    });
    base_url
}

/// The number after `name` on the command line, or `default`.
fn flag(name: &str, default: u32) -> u32 {
    let value = std::env::args().skip_while(|arg| arg != name).nth(1);
    value.map_or(default, |n| n.parse().expect("flags take a number"))
}
