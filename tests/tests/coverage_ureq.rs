//! `ureq::Agent`'s declared twin (tests/coverage/ureq.rs), called against an
//! in-process `tiny_http` server.

#[path = "coverage/servers.rs"]
mod servers;
#[path = "coverage/ureq.rs"]
mod ureq_api;

use std::sync::Arc;

use servers::bounded;
use ureq::http::{Method, Request, StatusCode};
use ureq_api::AgentAsync;

/// Answers every request with `METHOD PATH BODY`, or 404 for `/missing`.
fn server() -> (String, Arc<tiny_http::Server>) {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let url = format!("http://{}", server.server_addr().to_ip().unwrap());
    let serving = server.clone();
    std::thread::spawn(move || {
        for mut request in serving.incoming_requests() {
            let mut body = String::new();
            request.as_reader().read_to_string(&mut body).unwrap();
            let text = format!("{} {} {body}", request.method(), request.url());
            let status = if request.url() == "/missing" {
                404
            } else {
                200
            };
            let _ =
                request.respond(tiny_http::Response::from_string(text).with_status_code(status));
        }
    });
    (url, server)
}

async fn text(response: http::Response<ureq::Body>) -> String {
    // The body is read from the socket lazily: read it on the pool.
    asyncify::unblock(move || response.into_body().read_to_string())
        .await
        .unwrap()
}

#[tokio::test]
async fn run_twin_sends_every_kind_of_body() {
    let (url, server) = server();
    bounded(async {
        // A `Clone` client is its own handle.
        let agent = ureq::Agent::new_with_defaults();

        let get = Request::get(format!("{url}/a")).body(()).unwrap();
        let response = agent.run_async(get).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(text(response).await, "GET /a ");

        // `impl AsSendBody` by value: owned `String`, `Vec<u8>`, `&'static str`.
        let post = Request::post(format!("{url}/b"))
            .body(String::from("hello"))
            .unwrap();
        assert_eq!(
            text(agent.run_async(post).await.unwrap()).await,
            "POST /b hello"
        );
        let put = Request::put(format!("{url}/c"))
            .body(b"bytes".to_vec())
            .unwrap();
        assert_eq!(
            text(agent.run_async(put).await.unwrap()).await,
            "PUT /c bytes"
        );
        let patch = Request::builder()
            .method(Method::PATCH)
            .uri(format!("{url}/d"))
            .body("static")
            .unwrap();
        assert_eq!(
            text(agent.run_async(patch).await.unwrap()).await,
            "PATCH /d static"
        );
    })
    .await;
    server.unblock();
}

#[tokio::test]
async fn errors_come_back_as_ureq_errors() {
    let (url, server) = server();
    bounded(async {
        let agent = ureq::Agent::new_with_defaults();
        let missing = Request::get(format!("{url}/missing")).body(()).unwrap();
        let error = agent.run_async(missing).await.unwrap_err();
        assert!(matches!(error, ureq::Error::StatusCode(404)), "{error:?}");
        // Nothing listens on port 9 of loopback here.
        let refused = Request::get("http://127.0.0.1:9/").body(()).unwrap();
        let error = agent.run_async(refused).await.unwrap_err();
        assert!(
            matches!(error, ureq::Error::Io(_) | ureq::Error::ConnectionFailed),
            "{error:?}"
        );
    })
    .await;
    server.unblock();
}

/// A server of GET requests with a thread per connection, for many at once:
/// tiny_http now and then never answers one of 16 simultaneous requests
/// (this test hung about one run in ten with it, with or without twins).
fn get_server() -> String {
    use std::io::{BufRead as _, BufReader, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap() > 2 {
                    line.clear();
                }
                let mut words = request_line.split_whitespace();
                let text = format!("{} {} ", words.next().unwrap(), words.next().unwrap());
                let _ = write!(
                    &stream,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
            });
        }
    });
    url
}

#[tokio::test]
async fn many_concurrent_runs() {
    let url = get_server();
    bounded(async {
        let agent = ureq::Agent::new_with_defaults();
        let calls: Vec<_> = (0..16)
            .map(|i| {
                let request = Request::get(format!("{url}/n/{i}")).body(()).unwrap();
                tokio::spawn(agent.run_async(request))
            })
            .collect();
        for (i, call) in calls.into_iter().enumerate() {
            let response = call.await.unwrap().unwrap();
            assert_eq!(text(response).await, format!("GET /n/{i} "));
        }
    })
    .await;
}
