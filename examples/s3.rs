//! The flagship: rust-s3's blocking S3 client made async with a remote
//! declaration (no newtype, no method bodies), against a local S3 API.
//!
//! ```text
//! eval "$(.ci/servers start s3)"          # moto; or: pip install 'moto[server]==5.2.1' && moto_server -H 127.0.0.1 -p 5000
//! cargo run -p examples --example s3 --features s3      # endpoint: $S3_ENDPOINT, or http://127.0.0.1:5000
//! cargo run -p examples --example s3 --features s3 -- --calls 50 --latency-ms 200
//! cargo run -p examples --example s3 --features s3 -- --proxy-only 5100   # only the delaying proxy (for boto3_compare.py)
//! ```
//!
//! It lists the buckets, creates one, puts, lists and gets objects, all
//! through `_async` twins, then reproduces the experiment of boto3async (the
//! Python library that inspired asyncify): 20 `list_buckets` calls one after
//! another, then all at once. A local server answers in a few milliseconds of
//! CPU, so there is little to overlap on a small machine; the original ran
//! against a cloud endpoint. So the experiment runs twice: directly, and
//! through a proxy in this process (on loopback) that waits `--latency-ms`
//! (default 100) before forwarding each request, so the network wait that
//! makes offloading worthwhile is real and on the wire.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use asyncify::asyncify;
use s3::bucket::Bucket;
use s3::bucket_ops::{BucketConfiguration, CreateBucketResponse, ListBucketsResponse};
use s3::creds::Credentials;
use s3::error::S3Error;
use s3::region::Region;
use s3::request::ResponseData;
use s3::serde_types::ListBucketResult;

/// The `Bucket` methods this example calls, declared as rust-s3 writes them;
/// each gets an `_async` twin. `Bucket` is `Clone + Send`, so the twins work
/// on a bucket itself (each call runs on a clone), as well as on
/// `Handle<Bucket>` or `Arc<Bucket>`.
#[asyncify(remote = s3::bucket::Bucket)]
pub trait BucketAsync {
    fn put_object<S: AsRef<str>>(&self, path: S, content: &[u8]) -> Result<ResponseData, S3Error>;
    fn get_object<S: AsRef<str>>(&self, path: S) -> Result<ResponseData, S3Error>;
    fn list(
        &self,
        prefix: String,
        delimiter: Option<String>,
    ) -> Result<Vec<ListBucketResult>, S3Error>;
    fn delete_object<S: AsRef<str>>(&self, path: S) -> Result<ResponseData, S3Error>;
    fn delete(&self) -> Result<u16, S3Error>;
    // Functions of the service, without `self`: their twins are called on
    // the type, `Bucket::list_buckets_async(..)`, since `Bucket` is a `Clone`
    // client and so its own handle.
    fn list_buckets(
        region: Region,
        credentials: Credentials,
    ) -> Result<ListBucketsResponse, S3Error>;
    fn create_with_path_style(
        name: &str,
        region: Region,
        credentials: Credentials,
        config: BucketConfiguration,
    ) -> Result<CreateBucketResponse, S3Error>;
}

const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:5000";
const HOW_TO_START: &str = "start one with `eval \"$(.ci/servers start s3)\"` (or `pip install \
                            'moto[server]==5.2.1' && moto_server -H 127.0.0.1 -p 5000`)";

fn main() -> ExitCode {
    let endpoint = std::env::var("S3_ENDPOINT").unwrap_or_else(|_| DEFAULT_ENDPOINT.to_owned());
    let calls = flag("--calls").unwrap_or(20);
    let latency = Duration::from_millis(flag("--latency-ms").unwrap_or(100).into());

    let upstream = match reachable(&endpoint) {
        Ok(address) => address,
        Err(error) => {
            eprintln!("cannot reach the S3 endpoint {endpoint} ({error}): {HOW_TO_START}");
            return ExitCode::FAILURE;
        }
    };

    if let Some(port) = flag("--proxy-only") {
        let listener = match TcpListener::bind(("127.0.0.1", u16::try_from(port).unwrap_or(0))) {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("cannot listen on 127.0.0.1:{port}: {error}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "http://{} -> {endpoint}, each request {} ms late; stop with Ctrl-C",
            listener.local_addr().expect("a bound address"),
            latency.as_millis()
        );
        proxy(&listener, upstream, latency);
        return ExitCode::SUCCESS;
    }

    let runtime = tokio::runtime::Runtime::new().expect("cannot start a Tokio runtime");
    match runtime.block_on(run(&endpoint, upstream, calls, latency)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("S3 error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    endpoint: &str,
    upstream: SocketAddr,
    calls: u32,
    latency: Duration,
) -> Result<(), S3Error> {
    let region = Region::Custom {
        // Any region but us-east-1, where moto refuses a location constraint.
        region: "eu-west-1".to_owned(),
        endpoint: endpoint.to_owned(),
    };

    let listed = Bucket::list_buckets_async(region.clone(), credentials()).await?;
    let names: Vec<String> = listed.bucket_names().collect();
    println!("{endpoint} has {} bucket(s) {names:?}", names.len());

    let name = format!("asyncify-demo-{}-{}", unix_seconds(), std::process::id());
    let created = Bucket::create_with_path_style_async(
        &name,
        region.clone(),
        credentials(),
        BucketConfiguration::default(),
    )
    .await?;
    println!("created bucket {name} (HTTP {})", created.response_code);
    let bucket: Bucket = *created.bucket;

    // Three puts at once: each future owns a clone of `bucket` and copies of
    // its arguments, so it is `Send + 'static` and can be spawned.
    let objects = [
        ("hello.txt", "Hello from asyncify!"),
        ("notes/1.txt", "blocking clients"),
        ("notes/2.txt", "made async"),
    ];
    let puts: Vec<_> = objects
        .iter()
        .map(|(key, text)| tokio::spawn(bucket.put_object_async(*key, text.as_bytes())))
        .collect();
    for (put, (key, _)) in puts.into_iter().zip(objects) {
        let response = put.await.expect("the put task panicked")?;
        println!("put {key} (HTTP {})", response.status_code());
    }

    let pages = bucket.list_async("notes/".to_owned(), None).await?;
    for object in pages.iter().flat_map(|page| &page.contents) {
        println!("listed {} ({} bytes)", object.key, object.size);
    }
    let hello = bucket.get_object_async("hello.txt").await?;
    println!("got hello.txt: {:?}", hello.as_str()?);

    // The experiment, directly and through the delaying proxy.
    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot bind 127.0.0.1");
    let proxy_endpoint = format!("http://{}", listener.local_addr().expect("a bound address"));
    thread::spawn(move || proxy(&listener, upstream, latency));
    let through_proxy = Region::Custom {
        region: "eu-west-1".to_owned(),
        endpoint: proxy_endpoint,
    };
    let direct = experiment(&region, calls).await?;
    let delayed = experiment(&through_proxy, calls).await?;

    println!();
    let row = |what: &str, serial: &str, concurrent: &str, speed_up: &str| {
        println!("{what:<28}{serial:>18}{concurrent:>15}{speed_up:>11}");
    };
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3);
    row(
        &format!("{calls} list_buckets calls"),
        "one after another",
        "concurrently",
        "speed-up",
    );
    for (what, (serial, concurrent)) in [
        ("direct".to_owned(), direct),
        (
            format!("through a {} ms proxy", latency.as_millis()),
            delayed,
        ),
    ] {
        let speed_up = format!("{:.1}x", serial.as_secs_f64() / concurrent.as_secs_f64());
        row(&what, &ms(serial), &ms(concurrent), &speed_up);
    }
    println!();

    for (key, _) in objects {
        bucket.delete_object_async(key).await?;
    }
    bucket.delete_async().await?;
    println!("deleted {name} and its objects");
    Ok(())
}

/// `calls` `list_buckets_async` calls one after another, then all at once;
/// returns both wall times.
async fn experiment(region: &Region, calls: u32) -> Result<(Duration, Duration), S3Error> {
    Bucket::list_buckets_async(region.clone(), credentials()).await?; // warm-up: pool threads, connections

    let start = Instant::now();
    for _ in 0..calls {
        Bucket::list_buckets_async(region.clone(), credentials()).await?;
    }
    let serial = start.elapsed();

    let start = Instant::now();
    let tasks: Vec<_> = (0..calls)
        .map(|_| tokio::spawn(Bucket::list_buckets_async(region.clone(), credentials())))
        .collect();
    for task in tasks {
        task.await.expect("a list_buckets task panicked")?;
    }
    Ok((serial, start.elapsed()))
}

/// Any key works with moto.
fn credentials() -> Credentials {
    Credentials::new(Some("asyncify"), Some("asyncify"), None, None, None)
        .expect("static credentials")
}

/// The socket address of `http://host:port`, if something accepts connections there.
fn reachable(endpoint: &str) -> io::Result<SocketAddr> {
    let authority = endpoint.strip_prefix("http://").unwrap_or(endpoint);
    let authority = authority.split('/').next().unwrap_or(authority);
    let address = authority
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address"))?;
    TcpStream::connect_timeout(&address, Duration::from_secs(2))?;
    Ok(address)
}

/// Forwards every connection accepted on `listener` to `upstream`, waiting
/// `latency` before forwarding each request: the round trip of a distant
/// server, on the wire. Each connection gets two threads, one per direction.
fn proxy(listener: &TcpListener, upstream: SocketAddr, latency: Duration) {
    for client in listener.incoming().flatten() {
        thread::spawn(move || {
            // A client or server that hangs up mid-way is not this proxy's problem.
            let _ = relay(client, upstream, latency);
        });
    }
}

fn relay(client: TcpStream, upstream: SocketAddr, latency: Duration) -> io::Result<()> {
    let server = TcpStream::connect(upstream)?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    // Set when the server has answered: the client's next bytes start a new
    // request (HTTP/1.1: one request, then its response).
    let new_request = Arc::new(AtomicBool::new(true));

    let answers = {
        let (mut from_server, mut to_client) = (server.try_clone()?, client.try_clone()?);
        let new_request = Arc::clone(&new_request);
        thread::spawn(move || -> io::Result<()> {
            let mut buffer = [0; 16 * 1024];
            loop {
                let n = from_server.read(&mut buffer)?;
                if n == 0 {
                    return to_client.shutdown(Shutdown::Write);
                }
                to_client.write_all(&buffer[..n])?;
                new_request.store(true, Ordering::Release);
            }
        })
    };

    let (mut from_client, mut to_server) = (client, server);
    let mut buffer = [0; 16 * 1024];
    loop {
        let n = from_client.read(&mut buffer)?;
        if n == 0 {
            to_server.shutdown(Shutdown::Write)?;
            break;
        }
        if new_request.swap(false, Ordering::AcqRel) {
            thread::sleep(latency);
        }
        to_server.write_all(&buffer[..n])?;
    }
    answers.join().unwrap_or(Ok(()))
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The number after `name` on the command line.
fn flag(name: &str) -> Option<u32> {
    let value = std::env::args().skip_while(|arg| arg != name).nth(1)?;
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name} takes a number, not {value:?}")),
    )
}
