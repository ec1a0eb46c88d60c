//! Quickstart: a blocking HTTP client, made async with one attribute.
//!
//! `Api` wraps `ureq`, a blocking HTTP client. `#[asyncify]` gives its methods
//! `_async` twins that run on Tokio's blocking pool, so many slow requests
//! can wait at the same time instead of one after another. The server is a
//! real HTTP server in this process (`tiny_http` on 127.0.0.1) that answers
//! each request after a simulated round trip.
//!
//! This reproduces the experiment of boto3async, the Python library that
//! inspired asyncify: 20 `list_buckets_async` calls run concurrently with
//! `asyncio.to_thread` took 619 ms, against 2077 ms one after another (3.4x).
//!
//! ```text
//! cargo run -p examples --example quickstart
//! cargo run -p examples --example quickstart -- --calls 50 --latency-ms 200
//! ```
//!
//! It prints the wall time of the calls made one after another and made
//! concurrently, next to the ideal (no overhead at all); add `--release` to
//! get closer to it.

use std::thread;
use std::time::{Duration, Instant};

use asyncify::asyncify;

/// A blocking HTTP client. `ureq::Agent` is an `Arc` inside, so `Api` is cheap
/// to clone, and a `Clone + Send + 'static` client needs no handle: its
/// `_async` methods run on a clone.
#[derive(Clone)]
pub struct Api {
    agent: ureq::Agent,
    base_url: String,
}

#[asyncify]
impl Api {
    /// A client for the API at `base_url`.
    pub fn connect(base_url: &str) -> Api {
        let agent = ureq::Agent::new_with_defaults();
        Api {
            agent,
            base_url: base_url.to_owned(),
        }
    }

    /// `GET {base_url}{path}`, returning the body as text.
    ///
    /// # Errors
    ///
    /// If the request fails or the server answers with an error status.
    pub fn get(&self, path: &str) -> Result<String, ureq::Error> {
        let url = format!("{}{path}", self.base_url);
        // `connection: close` keeps the demo server (`tiny_http`, which ties up
        // a thread per open connection) from delaying the concurrent calls.
        let request = self.agent.get(url).header("connection", "close");
        request.call()?.body_mut().read_to_string()
    }
}

#[tokio::main]
async fn main() -> Result<(), ureq::Error> {
    let calls = flag("--calls", 20);
    let latency = Duration::from_millis(flag("--latency-ms", 100).into());
    let base_url = serve(latency);

    // Associated functions get a twin too: `Api::connect_async`.
    let api = Api::connect_async(&base_url).await;
    api.get_async("/warm-up").await?; // the first call starts the thread pool

    // One after another: each call starts when the previous one has returned.
    let start = Instant::now();
    for i in 0..calls {
        let path = format!("/buckets/{i}");
        check(&path, &api.get_async(&path).await?);
    }
    let serial = start.elapsed();

    // Concurrently: an `_async` future owns a clone of `api` and a copy of its
    // arguments, so it is `Send + 'static` and can be spawned as it is.
    let start = Instant::now();
    let tasks: Vec<_> = (0..calls)
        .map(|i| {
            let path = format!("/buckets/{i}");
            (tokio::spawn(api.get_async(&path)), path)
        })
        .collect();
    for (task, path) in tasks {
        check(&path, &task.await.expect("the task panicked")?);
    }
    let concurrent = start.elapsed();

    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3);
    let times = |x: f64| format!("{x:.1}x");
    let row = |what: &str, measured: String, ideal: String| {
        println!("{what:<18}{measured:>11}{ideal:>11}");
    };
    println!("{calls} calls, each answered after {latency:?}");
    row("", "wall time".into(), "ideal".into());
    row("one after another", ms(serial), ms(latency * calls));
    row("concurrently", ms(concurrent), ms(latency));
    let speed_up = serial.as_secs_f64() / concurrent.as_secs_f64();
    row("speed-up", times(speed_up), times(calls.into()));
    Ok(())
}

/// Starts an HTTP server on 127.0.0.1 and returns its base URL. Each request
/// is answered on its own thread after `latency`, so the server is concurrent.
fn serve(latency: Duration) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("cannot bind 127.0.0.1");
    let base_url = format!("http://{}", server.server_addr());
    thread::spawn(move || {
        for request in server.incoming_requests() {
            thread::spawn(move || {
                thread::sleep(latency);
                let body = format!("you asked for {}", request.url());
                // The client may be gone; nothing to do about it here.
                let _ = request.respond(tiny_http::Response::from_string(body));
            });
        }
    });
    base_url
}

fn check(path: &str, body: &str) {
    assert_eq!(body, format!("you asked for {path}"));
}

/// The number after `name` on the command line, or `default`.
fn flag(name: &str, default: u32) -> u32 {
    let value = std::env::args().skip_while(|arg| arg != name).nth(1);
    value.map_or(default, |n| n.parse().expect("flags take a number"))
}
