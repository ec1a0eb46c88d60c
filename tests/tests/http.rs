//! `ureq::Agent`, a `Clone` client (an `Arc` inside), needs no handle: its
//! calls run on a clone, through `Offload::offload`. The server is `tiny_http`
//! in this process, on loopback.
//!
//! Every request asks for `connection: close`: `tiny_http` ties up a thread
//! per open connection, which would hold back the concurrent requests.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use asyncify::Offload;
use common::{panic_message, within};
use tiny_http::{Method, Response, Server};

const CONCURRENT: usize = 20;

/// An HTTP server on 127.0.0.1, each request on its own thread:
/// - `PUT /kv/{key}` stores the body, `GET /kv/{key}` returns it (404 if none);
/// - `GET /gather/{i}` answers only once `CONCURRENT` such requests are
///   waiting at the same time (or with 503 after 30 s).
fn serve() -> String {
    let server = Server::http("127.0.0.1:0").expect("cannot bind 127.0.0.1");
    let base = format!("http://{}", server.server_addr());
    let store = Arc::new(Mutex::new(HashMap::<String, String>::new()));
    let waiting = Arc::new((Mutex::new(0_usize), Condvar::new()));
    thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let (store, waiting) = (Arc::clone(&store), Arc::clone(&waiting));
            thread::spawn(move || {
                let url = request.url().to_owned();
                let response = if let Some(key) = url.strip_prefix("/kv/") {
                    let mut store = store.lock().unwrap();
                    if *request.method() == Method::Put {
                        let mut body = String::new();
                        request.as_reader().read_to_string(&mut body).unwrap();
                        store.insert(key.to_owned(), body);
                        Response::from_string("stored")
                    } else if let Some(value) = store.get(key) {
                        Response::from_string(value.clone())
                    } else {
                        Response::from_string("no such key").with_status_code(404)
                    }
                } else if let Some(i) = url.strip_prefix("/gather/") {
                    let (count, all_here) = &*waiting;
                    let mut count = count.lock().unwrap();
                    *count += 1;
                    all_here.notify_all();
                    let (count, timeout) = all_here
                        .wait_timeout_while(count, Duration::from_secs(30), |n| *n < CONCURRENT)
                        .unwrap();
                    if timeout.timed_out() {
                        let text = format!("only {} requests arrived together", *count);
                        Response::from_string(text).with_status_code(503)
                    } else {
                        Response::from_string(format!("{i} of {CONCURRENT}"))
                    }
                } else {
                    Response::from_string("not found").with_status_code(404)
                };
                let _ = request.respond(response); // the client may be gone
            });
        }
    });
    base
}

fn get(agent: &ureq::Agent, url: &str) -> Result<String, ureq::Error> {
    agent
        .get(url)
        .header("connection", "close")
        .call()?
        .body_mut()
        .read_to_string()
}

fn put(agent: &ureq::Agent, url: &str, body: &str) -> Result<String, ureq::Error> {
    let request = agent.put(url).header("connection", "close");
    request.send(body)?.body_mut().read_to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_in_flight_at_the_same_time() {
    let base = serve();
    let agent = ureq::Agent::new_with_defaults();
    // The server answers none until all of them are waiting: this passes only
    // if the 20 blocking calls run at once, on 2 async worker threads.
    let calls: Vec<_> = (0..CONCURRENT)
        .map(|i| {
            let url = format!("{base}/gather/{i}");
            tokio::spawn(agent.offload(move |agent| get(agent, &url)))
        })
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        let body = within("a request", call).await.unwrap().unwrap();
        assert_eq!(body, format!("{i} of {CONCURRENT}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_put_through_one_agent_is_read_through_another() {
    let base = serve();
    let (writer, reader) = (
        ureq::Agent::new_with_defaults(),
        ureq::Agent::new_with_defaults(),
    );
    let url = format!("{base}/kv/greeting");

    let stored = writer.offload({
        let url = url.clone();
        move |agent| put(agent, &url, "hello from the writer")
    });
    assert_eq!(within("put", stored).await.unwrap(), "stored");
    let read = within("get", reader.offload(move |agent| get(agent, &url))).await;
    assert_eq!(read.unwrap(), "hello from the writer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_errors_come_back_as_ureq_errors() {
    let base = serve();
    let agent = ureq::Agent::new_with_defaults();

    let url = format!("{base}/kv/missing");
    let missing = within("get", agent.offload(move |agent| get(agent, &url))).await;
    assert!(
        matches!(missing, Err(ureq::Error::StatusCode(404))),
        "{missing:?}"
    );

    // A port nothing listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let refused = within("get", agent.offload(move |agent| get(agent, &url))).await;
    assert!(
        matches!(&refused, Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused),
        "{refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_a_closure_reaches_the_awaiter_and_the_agent_stays_usable() {
    let base = serve();
    let agent = ureq::Agent::new_with_defaults();
    let url = format!("{base}/kv/k");
    let stored = agent.offload({
        let url = url.clone();
        move |agent| put(agent, &url, "v")
    });
    within("put", stored).await.unwrap();

    let read_then_panic = agent.offload({
        let url = url.clone();
        move |agent| {
            let body = get(agent, &url).unwrap();
            panic!("the closure panicked after reading {body:?}");
        }
    });
    let payload = within("the panicking call", tokio::spawn(read_then_panic))
        .await
        .expect_err("the panic must reach the awaiting task")
        .into_panic();
    assert_eq!(
        panic_message(&*payload),
        "the closure panicked after reading \"v\""
    );

    let read = within("get", agent.offload(move |agent| get(agent, &url))).await;
    assert_eq!(read.unwrap(), "v");
}
