//! `Pool<T>`: `size` clients made by a factory on the blocking pool, each call
//! on whichever client is free, with it to itself. Real SQLite (WAL, a temp
//! file) and the real PostgreSQL of `.ci/servers` (`PG_URL`; skipped without
//! it, failed under `ASYNCIFY_REQUIRE_SERVERS=1`), a seeded reliability run
//! (`ASYNCIFY_SEED=<seed>` repeats it), and the pool's own rules: a panicked
//! client is replaced, a failing factory fails calls instead of hanging,
//! status, cancel hooks, every kind of twin, and drops off the workers.

mod common;
mod support;

use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, Once, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use asyncify::{Exclusive, Pool, asyncify, unblock};
use common::{panic_message, server_address, unique_name, within};
use futures_core::Stream;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, ErrorCode, TransactionBehavior};
use support::{Rng, seed};

/// Generous: everything here takes a few seconds in a debug build.
const LIMIT: Duration = Duration::from_secs(60);

/// Held by the tests that time calls and by the reliability run, which
/// would otherwise take the cores from under them (the tests of a binary run
/// in parallel).
static TIMING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The payload of the panics these tests cause on purpose.
const DELIBERATE: &str = "deliberate panic of a pool test";

/// Keeps the deliberate panics (hundreds in the reliability run) and the
/// failing factory's off stderr; every other panic is printed as usual.
fn quiet_deliberate_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = panic_message(info.payload());
            // A failing factory's report, which the factory test causes.
            if !message.contains(DELIBERATE) && !message.contains("FactoryDown") {
                default(info);
            }
        }));
    });
}

fn assert_handle<H: Clone + Send + Sync + std::fmt::Debug + 'static>() {}

#[test]
fn a_pool_is_a_clonable_send_sync_debug_handle() {
    assert_handle::<Pool<Connection>>();
    assert_handle::<Pool<postgres::Client>>();
}

// ---------------------------------------------------------------------------
// SQLite

/// A temp database file in WAL mode with a table `t` of 100 rows and a
/// counter row; removed (with its `-wal`/`-shm` files) when dropped.
struct TempDb {
    dir: PathBuf,
    path: PathBuf,
}

impl TempDb {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(unique_name("asyncify-pool"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("test.db");
        let conn = Connection::open(&path).unwrap();
        let mode: String = conn
            .query_row("pragma journal_mode = wal", [], |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        conn.execute_batch(
            "create table t (x integer);
             with recursive c(x) as (select 1 union all select x + 1 from c where x < 100)
             insert into t select x from c;
             create table counter (n integer not null);
             insert into counter values (0);",
        )
        .unwrap();
        TempDb { dir, path }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Opens a connection as the pool's factory does: WAL (set by the file),
/// a busy timeout for writers, and `sleep_ms(ms)`, a function that sleeps
/// on the calling thread (so that a query takes time without taking a core:
/// the machine may have fewer cores than the pool has connections).
fn open(path: &PathBuf) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    conn.create_scalar_function("sleep_ms", 1, FunctionFlags::SQLITE_UTF8, |ctx| {
        let ms: i64 = ctx.get(0)?;
        thread::sleep(Duration::from_millis(u64::try_from(ms).unwrap_or(0)));
        Ok(ms)
    })?;
    Ok(conn)
}

/// A read of the whole table that takes about 200 ms.
const SLOW_READ: &str = "select sum(x) + sleep_ms(200) - 200 from t";

fn slow_read(conn: &Connection) -> i64 {
    conn.query_row(SLOW_READ, [], |row| row.get(0)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_sqlite_reads_on_a_pool_of_four_take_one_reads_time() {
    let _timing = TIMING.lock().await;
    let db = TempDb::new();
    let path = db.path.clone();
    let pool = Pool::builder(move || open(&path))
        .size(4)
        .build_async()
        .await
        .unwrap();
    let path = db.path.clone();
    let exclusive = Exclusive::new(unblock(move || open(&path)).await.unwrap());

    let started = Instant::now();
    let sums = within("pool reads", async {
        tokio::join!(
            pool.offload(slow_read),
            pool.offload(slow_read),
            pool.offload(slow_read),
            pool.offload(slow_read),
        )
    })
    .await;
    let on_pool = started.elapsed();
    assert_eq!(sums, (5050, 5050, 5050, 5050));

    let started = Instant::now();
    let sums = within("exclusive reads", async {
        tokio::join!(
            exclusive.offload(slow_read),
            exclusive.offload(slow_read),
            exclusive.offload(slow_read),
            exclusive.offload(slow_read),
        )
    })
    .await;
    let on_exclusive = started.elapsed();
    assert_eq!(sums, (5050, 5050, 5050, 5050));

    let ratio = on_exclusive.as_secs_f64() / on_pool.as_secs_f64();
    println!("4 reads of ~200 ms: pool {on_pool:?}, exclusive {on_exclusive:?}, ratio {ratio:.2}");
    assert!(
        ratio >= 3.0,
        "4 reads on a pool of 4 took {on_pool:?}, on an Exclusive {on_exclusive:?}: ratio {ratio:.2} < 3"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_read_modify_write_transactions_count_to_twenty() {
    let db = TempDb::new();
    let path = db.path.clone();
    let pool = Pool::builder(move || open(&path))
        .size(4)
        .build_async()
        .await
        .unwrap();
    let writes = (0..20).map(|_| {
        tokio::spawn(pool.offload_mut(|conn: &mut Connection| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n: i64 = tx.query_row("select n from counter", [], |row| row.get(0))?;
            // Long enough that the others are waiting for the write lock.
            thread::sleep(Duration::from_millis(2));
            tx.execute("update counter set n = ?1", [n + 1])?;
            tx.commit()
        }))
    });
    for write in writes.collect::<Vec<_>>() {
        within("a write", write).await.unwrap().unwrap();
    }
    let n: i64 = pool
        .offload(|conn| conn.query_row("select n from counter", [], |row| row.get(0)))
        .await
        .unwrap();
    assert_eq!(n, 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_hook_interrupts_the_sqlite_query_of_the_dropped_call_only() {
    let db = TempDb::new();
    let path = db.path.clone();
    let made = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&made);
    let pool = Pool::builder(move || open(&path))
        .size(2)
        .on_cancel(move |conn: &Connection| {
            counted.fetch_add(1, SeqCst);
            let interrupt = conn.get_interrupt_handle();
            move || interrupt.interrupt()
        })
        .build_async()
        .await
        .unwrap();
    assert_eq!(made.load(SeqCst), 2, "one hook per client");

    let endless = "with recursive c(x) as (select 1 union all select x + 1 from c \
                   where x < 1000000000000) select count(*) from c";
    let (report, reported) = mpsc::channel();
    let slow = pool.offload(move |conn| {
        let count = conn.query_row(endless, [], |row| row.get::<_, i64>(0));
        let _ = report.send(count.map_err(|e| e.sqlite_error_code()));
    });
    // Another call runs meanwhile on the other connection, and is not
    // interrupted.
    let other = pool.offload(|conn| {
        conn.query_row("select sum(x) + sleep_ms(300) - 300 from t", [], |row| {
            row.get::<_, i64>(0)
        })
    });
    let (timed_out, other) = tokio::join!(
        tokio::time::timeout(Duration::from_millis(100), slow),
        other
    );
    assert!(timed_out.is_err());
    assert_eq!(other.unwrap(), 5050);
    let interrupted = unblock(move || reported.recv_timeout(LIMIT)).await.unwrap();
    assert_eq!(interrupted, Err(Some(ErrorCode::OperationInterrupted)));
    // Both connections work again.
    let (a, b) = tokio::join!(pool.offload(slow_read), pool.offload(slow_read));
    assert_eq!((a, b), (5050, 5050));

    // A replacement gets a hook of its own.
    quiet_deliberate_panics();
    let panicked =
        tokio::spawn(pool.offload(|_: &Connection| -> i64 { panic!("{DELIBERATE}") })).await;
    assert!(panicked.unwrap_err().is_panic());
    wait_until("the replacement", || pool.status().idle == 2).await;
    assert_eq!(made.load(SeqCst), 3);
    let (report, reported) = mpsc::channel();
    let slow = pool.offload(move |conn| {
        let count = conn.query_row(endless, [], |row| row.get::<_, i64>(0));
        let _ = report.send(count.map_err(|e| e.sqlite_error_code()));
    });
    let (a, b) = tokio::join!(
        tokio::time::timeout(Duration::from_millis(100), slow),
        tokio::time::timeout(Duration::from_millis(100), async {
            // Holds the other connection, so the slow call gets the new one
            // or the old one: either way it is interrupted.
            pool.offload(|conn| conn.query_row(endless, [], |row| row.get::<_, i64>(0)))
                .await
        }),
    );
    assert!(a.is_err() && b.is_err());
    let interrupted = unblock(move || reported.recv_timeout(LIMIT)).await.unwrap();
    assert_eq!(interrupted, Err(Some(ErrorCode::OperationInterrupted)));
    wait_until("both connections free", || pool.status().idle == 2).await;
}

/// Waits (polling, off the workers' hot path) until `done`, failing after
/// `LIMIT`.
async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < LIMIT, "{what}: not within {LIMIT:?}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

// ---------------------------------------------------------------------------
// PostgreSQL

/// A factory of connections to `PG_URL` named `name` in `pg_stat_activity`.
fn pg_factory(
    url: &str,
    name: &str,
) -> impl Fn() -> Result<postgres::Client, postgres::Error> + Send + Sync + 'static {
    let mut config = postgres::Config::from_str(url).expect("PG_URL parses");
    config.application_name(name);
    move || config.connect(postgres::NoTls)
}

/// The number of backends named `name`, counted by a connection of its own.
fn backends(url: &str, name: &str) -> i64 {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    count_backends(&mut client, name)
}

/// The number of backends named `name`, counted through `client`.
fn count_backends(client: &mut postgres::Client, name: &str) -> i64 {
    let row = client
        .query_one(
            "select count(*) from pg_stat_activity where application_name = $1",
            &[&name],
        )
        .unwrap();
    row.get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_pg_sleeps_on_a_pool_of_four_take_two_sleeps() {
    let Some(url) = server_address("PG_URL") else {
        return;
    };
    let _timing = TIMING.lock().await;
    let name = unique_name("asyncify_pool");
    let pool = within(
        "build",
        Pool::builder(pg_factory(&url, &name)).size(4).build_async(),
    )
    .await
    .unwrap();
    let sleep =
        || pool.offload_mut(|c: &mut postgres::Client| c.batch_execute("select pg_sleep(0.2)"));

    let started = Instant::now();
    for _ in 0..8 {
        within("a serial sleep", sleep()).await.unwrap();
    }
    let serial = started.elapsed();

    // Counts the pool's backends while the sleeps run.
    let watching = Arc::new(AtomicBool::new(true));
    let watcher = {
        let (url, name, watching) = (url.clone(), name.clone(), Arc::clone(&watching));
        unblock(move || {
            let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            let mut most = 0;
            while watching.load(SeqCst) {
                most = most.max(count_backends(&mut client, &name));
                thread::sleep(Duration::from_millis(20));
            }
            most
        })
    };
    let watcher = tokio::spawn(watcher);
    let started = Instant::now();
    let sleeps: Vec<_> = (0..8).map(|_| tokio::spawn(sleep())).collect();
    for call in sleeps {
        within("a parallel sleep", call).await.unwrap().unwrap();
    }
    let parallel = started.elapsed();
    watching.store(false, SeqCst);
    let most = watcher.await.unwrap();

    let ratio = serial.as_secs_f64() / parallel.as_secs_f64();
    println!(
        "8 pg_sleep(0.2): serial {serial:?}, on a pool of 4 {parallel:?}, ratio {ratio:.2}; at most {most} backends"
    );
    // Ideally 4 (8 sleeps one by one against two rounds of 4); generous,
    // since the machine may be busy.
    assert!(
        ratio >= 2.0,
        "serial {serial:?} / parallel {parallel:?} = {ratio:.2} < 2"
    );
    assert!(most <= 4, "{most} backends named {name}, from a pool of 4");
    let now = unblock({
        let (url, name) = (url.clone(), name.clone());
        move || backends(&url, &name)
    })
    .await;
    assert_eq!(now, 4, "the pool keeps its 4 connections");

    drop(pool);
    let (url2, name2) = (url.clone(), name.clone());
    let started = Instant::now();
    loop {
        let (url, name) = (url2.clone(), name2.clone());
        if unblock(move || backends(&url, &name)).await == 0 {
            break;
        }
        assert!(
            started.elapsed() < LIMIT,
            "the pool's connections were not closed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------
// Reliability

/// A client that counts live instances and calls in progress on itself.
struct Probe {
    id: usize,
    live: Arc<AtomicUsize>,
    busy: AtomicUsize,
    overlaps: Arc<AtomicUsize>,
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.live.fetch_sub(1, SeqCst);
    }
}

impl Probe {
    fn enter(&self) {
        if self.busy.fetch_add(1, SeqCst) != 0 {
            self.overlaps.fetch_add(1, SeqCst);
        }
    }

    fn leave(&self) {
        self.busy.fetch_sub(1, SeqCst);
    }
}

struct Counters {
    live: Arc<AtomicUsize>,
    made: Arc<AtomicUsize>,
    overlaps: Arc<AtomicUsize>,
}

fn probe_factory() -> (
    Counters,
    impl Fn() -> Result<Probe, String> + Send + Sync + 'static,
) {
    let counters = Counters {
        live: Arc::default(),
        made: Arc::default(),
        overlaps: Arc::default(),
    };
    let (live, made, overlaps) = (
        Arc::clone(&counters.live),
        Arc::clone(&counters.made),
        Arc::clone(&counters.overlaps),
    );
    let factory = move || {
        live.fetch_add(1, SeqCst);
        Ok(Probe {
            id: made.fetch_add(1, SeqCst),
            live: Arc::clone(&live),
            busy: AtomicUsize::new(0),
            overlaps: Arc::clone(&overlaps),
        })
    };
    (counters, factory)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// Dropped before its first poll.
    Unpolled,
    /// Dropped by a timeout (before, while or after it runs).
    Timeout(Duration),
    /// Awaited to completion.
    Awaited,
}

/// The reliability run's calls, and how many are in flight at once.
const CALLS: usize = 20_000;
const IN_FLIGHT: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_thousand_calls_with_cancellation_and_panics_on_a_pool_of_four() {
    let _timing = TIMING.lock().await;
    quiet_deliberate_panics();
    let mut rng = Rng::new(seed("pool reliability"));
    let (counters, factory) = probe_factory();
    let pool = Pool::builder(factory).size(4).build_async().await.unwrap();
    assert_eq!(counters.live.load(SeqCst), 4);

    let panics_run = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    let mut awaited_panics = 0;
    let mut observed_panics = 0;
    let mut completed = 0;
    for i in 0..CALLS {
        let fate = match rng.below(10) {
            0 => Fate::Unpolled,
            1..=3 => Fate::Timeout(Duration::from_micros(rng.below(300))),
            _ => Fate::Awaited,
        };
        let panics = rng.chance(1, 100);
        let work = Duration::from_micros(rng.below(100));
        let panics_run = Arc::clone(&panics_run);
        let call = pool.offload(move |probe: &Probe| {
            probe.enter();
            thread::sleep(work);
            probe.leave();
            if panics {
                panics_run.fetch_add(1, SeqCst);
                panic!("{DELIBERATE} {i}");
            }
            (i, probe.id)
        });
        if fate == Fate::Awaited && panics {
            awaited_panics += 1;
        }
        tasks.spawn(async move {
            match fate {
                Fate::Unpolled => {
                    drop(call);
                    None
                }
                Fate::Timeout(after) => tokio::time::timeout(after, call)
                    .await
                    .ok()
                    .map(|r| (r, panics, fate)),
                Fate::Awaited => Some((call.await, panics, fate)),
            }
        });
        while tasks.len() >= IN_FLIGHT {
            let joined = within("a call", tasks.join_next()).await.unwrap();
            tally(joined, &mut completed, &mut observed_panics);
        }
    }
    while let Some(joined) = within("the last calls", tasks.join_next()).await {
        tally(joined, &mut completed, &mut observed_panics);
    }

    // Calls that timed out may still run, and replacements may be on their
    // way: the pool settles with its 4 clients free.
    wait_until("the pool settles", || {
        let status = pool.status();
        status.idle == 4 && counters.live.load(SeqCst) == 4
    })
    .await;
    let ran_panics = panics_run.load(SeqCst);
    println!(
        "{CALLS} calls: {completed} completed, {ran_panics} panicked ({awaited_panics} awaited), {} clients made",
        counters.made.load(SeqCst)
    );
    assert_eq!(
        counters.overlaps.load(SeqCst),
        0,
        "a client ran two calls at once"
    );
    assert_eq!(counters.live.load(SeqCst), 4);
    assert_eq!(
        (
            pool.status().idle,
            pool.status().waiting,
            pool.status().empty
        ),
        (4, 0, 0)
    );
    assert!(
        observed_panics >= awaited_panics,
        "{awaited_panics} panicking calls were awaited, {observed_panics} panics reached their awaiters"
    );
    // Every call that panicked gave its client up, and got a replacement.
    assert_eq!(counters.made.load(SeqCst), 4 + ran_panics);

    drop(pool);
    wait_until("the clients are dropped", || {
        counters.live.load(SeqCst) == 0
    })
    .await;
}

/// What a reliability task ends with: `None` if its call was dropped, else
/// the call's result, whether it was to panic, and its fate.
type Joined = Result<Option<((usize, usize), bool, Fate)>, tokio::task::JoinError>;

/// Tallies a joined call: a panicking call's panic must reach its task.
fn tally(joined: Joined, completed: &mut usize, observed_panics: &mut usize) {
    match joined {
        Ok(Some(((_, _), panics, _))) => {
            assert!(!panics, "a call that panicked returned a value");
            *completed += 1;
        }
        Ok(None) => {}
        Err(error) => {
            let payload = error.into_panic();
            assert!(
                panic_message(&*payload).contains(DELIBERATE),
                "unexpected panic: {}",
                panic_message(&*payload)
            );
            *observed_panics += 1;
        }
    }
}

// ---------------------------------------------------------------------------
// The pool's rules

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_whose_call_panicked_is_replaced_and_never_seen_again() {
    quiet_deliberate_panics();
    let (counters, factory) = probe_factory();
    let pool = Pool::builder(factory).size(2).build_async().await.unwrap();
    // Find out which client a call gets, then break it.
    let broken = tokio::spawn(pool.offload(|probe: &Probe| -> usize {
        let id = probe.id;
        panic!("{DELIBERATE}: client {id}");
    }))
    .await
    .unwrap_err();
    let message = panic_message(&*broken.into_panic()).to_owned();
    let broken_id: usize = message.rsplit(' ').next().unwrap().parse().unwrap();
    wait_until("the replacement", || pool.status().idle == 2).await;
    assert_eq!(counters.made.load(SeqCst), 3);
    assert_eq!(counters.live.load(SeqCst), 2);
    for _ in 0..50 {
        let (a, b) = tokio::join!(
            pool.offload(|probe: &Probe| probe.id),
            pool.offload(|probe: &Probe| probe.id)
        );
        assert!(
            a != broken_id && b != broken_id,
            "client {broken_id} was handed out again"
        );
    }
}

/// A factory that fails while `failing` is set, with a `Debug` error.
#[derive(Debug)]
struct FactoryDown(u32);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_factory_fails_calls_and_the_pool_tries_again() {
    quiet_deliberate_panics();
    let failing = Arc::new(AtomicBool::new(false));
    let attempts = Arc::new(AtomicUsize::new(0));
    let (f, a) = (Arc::clone(&failing), Arc::clone(&attempts));
    let pool = Pool::builder(move || {
        a.fetch_add(1, SeqCst);
        if f.load(SeqCst) {
            Err(FactoryDown(503))
        } else {
            Ok(Vec::<u8>::new())
        }
    })
    .size(1)
    .build_async()
    .await
    .unwrap();

    failing.store(true, SeqCst);
    let panicked =
        tokio::spawn(pool.offload(|_: &Vec<u8>| -> usize { panic!("{DELIBERATE}") })).await;
    assert!(panicked.unwrap_err().is_panic());
    // The replacement failed: the place is empty, and no call waits forever.
    wait_until("the failed replacement", || pool.status().empty == 1).await;
    for _ in 0..3 {
        let ran = Arc::new(AtomicBool::new(false));
        let r = Arc::clone(&ran);
        let call = within(
            "a call",
            tokio::spawn(pool.offload(move |_| r.store(true, SeqCst))),
        )
        .await;
        let message = panic_message(&*call.unwrap_err().into_panic()).to_owned();
        assert!(message.contains("FactoryDown(503)"), "{message}");
        assert!(message.contains("tries the factory again"), "{message}");
        assert!(!ran.load(SeqCst), "the call ran without a client");
        assert_eq!(pool.status().empty, 1);
    }
    let before = attempts.load(SeqCst);
    failing.store(false, SeqCst);
    pool.offload_mut(|v| v.push(1)).await;
    assert_eq!(attempts.load(SeqCst), before + 1);
    assert_eq!(pool.status().empty, 0);
    assert_eq!(pool.offload(Vec::len).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_async_returns_the_factorys_first_error() {
    let made = Arc::new(AtomicUsize::new(0));
    let m = Arc::clone(&made);
    let built = Pool::builder(move || match m.fetch_add(1, SeqCst) {
        2 => Err(FactoryDown(2)),
        n => Ok(n),
    })
    .size(4)
    .build_async()
    .await;
    assert!(matches!(built, Err(FactoryDown(2))), "{built:?}");
    assert_eq!(
        made.load(SeqCst),
        4,
        "the clients are made concurrently, all asked for"
    );
}

#[test]
fn build_makes_the_clients_outside_async_code() {
    let pool = Pool::builder(|| Ok::<_, FactoryDown>(String::from("client")))
        .size(3)
        .build()
        .unwrap();
    assert_eq!(pool.status().idle(), 3);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    assert_eq!(runtime.block_on(pool.offload(String::len)), 6);
    assert!(
        Pool::builder(|| Err::<(), _>(FactoryDown(1)))
            .build()
            .is_err()
    );
}

#[test]
#[should_panic(expected = "size(0)`: a pool of 0 clients would never run a call")]
fn a_pool_of_zero_panics_saying_what_to_do() {
    let _ = Pool::builder(|| Ok::<_, FactoryDown>(())).size(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_counts_idle_clients_and_waiting_calls() {
    let pool = Pool::builder(|| Ok::<_, FactoryDown>(()))
        .size(2)
        .build_async()
        .await
        .unwrap();
    assert_eq!(
        (
            pool.status().size,
            pool.status().idle,
            pool.status().waiting
        ),
        (2, 2, 0)
    );
    let (release, released) = mpsc::channel::<()>();
    let released = Arc::new(Mutex::new(released));
    let hold = |released: &Arc<Mutex<mpsc::Receiver<()>>>| {
        let released = Arc::clone(released);
        tokio::spawn(pool.offload(move |(): &()| {
            released.lock().unwrap().recv_timeout(LIMIT).unwrap();
        }))
    };
    let first = hold(&released);
    let second = hold(&released);
    wait_until("both clients busy", || pool.status().idle == 0).await;
    let third = hold(&released);
    let fourth = hold(&released);
    wait_until("two calls waiting", || pool.status().waiting == 2).await;
    let status = pool.status();
    assert_eq!(
        (
            status.size(),
            status.idle(),
            status.waiting(),
            status.empty()
        ),
        (2, 0, 2, 0)
    );
    assert!(format!("{pool:?}").contains("waiting: 2"), "{pool:?}");
    // A waiter that is dropped leaves the queue.
    fourth.abort();
    wait_until("one call waiting", || pool.status().waiting == 1).await;
    for _ in 0..3 {
        release.send(()).unwrap();
    }
    for call in [first, second, third] {
        within("a held call", call).await.unwrap();
    }
    assert_eq!(pool.status().idle, 2);
    assert_eq!(pool.status().waiting, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_calls_get_a_client_in_the_order_they_asked() {
    let pool = Pool::builder(|| Ok::<_, FactoryDown>(()))
        .size(1)
        .build_async()
        .await
        .unwrap();
    let (release, released) = mpsc::channel::<()>();
    let holder = tokio::spawn(pool.offload(move |(): &()| released.recv_timeout(LIMIT).unwrap()));
    wait_until("the client busy", || pool.status().idle == 0).await;
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut calls = Vec::new();
    for i in 0..10 {
        let order = Arc::clone(&order);
        calls.push(tokio::spawn(
            pool.offload(move |(): &()| order.lock().unwrap().push(i)),
        ));
        wait_until("the call queued", || pool.status().waiting == i + 1).await;
    }
    release.send(()).unwrap();
    holder.await.unwrap();
    for call in calls {
        call.await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), (0..10).collect::<Vec<_>>());
}

// ---------------------------------------------------------------------------
// Every kind of twin

/// A client with a `&mut self` method, a `&self` one and an iterator.
pub struct Session {
    id: usize,
    calls: u32,
}

#[asyncify]
impl Session {
    pub fn call(&mut self) -> u32 {
        self.calls += 1;
        self.calls
    }

    pub fn id(&self) -> usize {
        self.id
    }

    pub fn countdown(&self, from: u32) -> impl Iterator<Item = u32> {
        (0..from).rev()
    }
}

#[asyncify]
pub trait Named {
    fn name(&self) -> String;
    fn rename(&mut self, to: &str) -> String;
}

impl Named for Session {
    fn name(&self) -> String {
        format!("session {}", self.id)
    }

    fn rename(&mut self, to: &str) -> String {
        format!("{to} (was session {})", self.id)
    }
}

async fn collect<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut items = Vec::new();
    while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
        items.push(item);
    }
    items
}

async fn sessions(size: usize) -> Pool<Session> {
    let next = AtomicUsize::new(0);
    Pool::builder(move || {
        Ok::<_, FactoryDown>(Session {
            id: next.fetch_add(1, SeqCst),
            calls: 0,
        })
    })
    .size(size)
    .build_async()
    .await
    .unwrap()
}

/// A trait twin in generic code.
async fn name_through<H: NamedAsync>(handle: &H) -> String {
    handle.name_async().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mut_self_twins_trait_twins_and_streams_run_on_a_pool() {
    let pool = sessions(2).await;
    // `&mut self`: one client, used last, is used next.
    assert_eq!(pool.call_async().await, 1);
    assert_eq!(pool.call_async().await, 2);
    let ids = tokio::join!(pool.id_async(), pool.id_async());
    assert!(ids.0 < 2 && ids.1 < 2);
    // A trait's twins, generic over the handle.
    let name = name_through(&pool).await;
    let renamed = pool.rename_async("renamed").await;
    assert!(name.starts_with("session "), "{name}");
    assert!(renamed.starts_with("renamed (was session "), "{renamed}");
    // A stream keeps its client until it ends.
    assert_eq!(collect(pool.countdown_stream(3)).await, [2, 1, 0]);
    let free = asyncify::stream(&pool, 1, |session: &Session, sink| {
        sink.send_all([session.id]);
    });
    assert_eq!(collect(free).await.len(), 1);
    let calls = asyncify::stream_mut(&pool, 2, |session: &mut Session, sink| {
        sink.send_all((0..3).map(|_| session.call()));
    });
    assert_eq!(collect(calls).await.len(), 3);
    assert_eq!(pool.status().idle, 2);
}

// ---------------------------------------------------------------------------
// Dropped off the workers

/// Whether this thread may block: `block_on` panics on a thread that drives
/// a runtime's async tasks (see `drop_on_pool.rs`).
fn may_block_here() -> bool {
    match tokio::runtime::Handle::try_current() {
        Err(_) => true,
        Ok(runtime) => panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(async {}))).is_ok(),
    }
}

/// Reports, when dropped, whether it was dropped where blocking is allowed.
struct Witness(mpsc::Sender<bool>);

impl Drop for Witness {
    fn drop(&mut self) {
        let _ = self.0.send(may_block_here());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_clone_drops_every_client_off_the_workers() {
    let (sender, reports) = mpsc::channel();
    let sender = Mutex::new(sender);
    let pool = Pool::builder(move || {
        let witness = Witness(sender.lock().unwrap().clone());
        // The factory itself runs where blocking is allowed.
        assert!(may_block_here(), "the factory ran on an async worker");
        Ok::<_, FactoryDown>(witness)
    })
    .size(4)
    .build_async()
    .await
    .unwrap();
    let clone = pool.clone();
    pool.offload(|_| ()).await;
    drop(pool);
    assert!(
        reports.try_recv().is_err(),
        "a clone still holds the clients"
    );
    // Dropped here, on an async worker.
    drop(clone);
    let reports = unblock(move || {
        (0..4)
            .map(|_| {
                reports
                    .recv_timeout(LIMIT)
                    .expect("a client was never dropped")
            })
            .collect::<Vec<bool>>()
    })
    .await;
    assert_eq!(
        reports, [true; 4],
        "a client was dropped on an async worker"
    );

    // And a client given up after a panic, with the factory's Witness.
    quiet_deliberate_panics();
    let (sender, reports) = mpsc::channel();
    let sender = Mutex::new(sender);
    let pool = Pool::builder(move || Ok::<_, FactoryDown>(Witness(sender.lock().unwrap().clone())))
        .size(1)
        .build_async()
        .await
        .unwrap();
    let _ = tokio::spawn(pool.offload(|_: &Witness| -> usize { panic!("{DELIBERATE}") })).await;
    let report = unblock(move || reports.recv_timeout(LIMIT)).await.unwrap();
    assert!(report, "a broken client was dropped on an async worker");
}

#[test]
fn a_runtime_shut_down_with_calls_in_flight_drops_every_client() {
    let (counters, factory) = probe_factory();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let pool = runtime
        .block_on(Pool::builder(factory).size(4).build_async())
        .unwrap();
    // Four calls run, the others wait for a client, when the runtime goes.
    for _ in 0..16 {
        runtime.spawn(pool.offload(|probe: &Probe| {
            probe.enter();
            thread::sleep(Duration::from_millis(20));
            probe.leave();
        }));
    }
    runtime.block_on(wait_until("four calls running", || pool.status().idle == 0));
    drop(pool);
    // Shutdown waits for the running calls; the clients go with the last
    // call's turn, or with the waiting tasks the workers drop.
    drop(runtime);
    assert_eq!(
        counters.live.load(SeqCst),
        0,
        "a client outlived the runtime"
    );
    assert_eq!(counters.overlaps.load(SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_fails_the_recycle_check_is_replaced() {
    quiet_deliberate_panics();
    let (counters, factory) = probe_factory();
    let pool = Pool::builder(factory)
        .size(1)
        .recycle(|probe: &mut Probe| match probe.id {
            0 => false,
            1 => panic!("{DELIBERATE}: a check that panics fails"),
            _ => true,
        })
        .build_async()
        .await
        .unwrap();
    // Each call returns its value; the check runs after it.
    assert_eq!(pool.offload(|probe: &Probe| probe.id).await, 0);
    assert_eq!(pool.offload(|probe: &Probe| probe.id).await, 1);
    assert_eq!(pool.offload(|probe: &Probe| probe.id).await, 2);
    assert_eq!(pool.offload(|probe: &Probe| probe.id).await, 2);
    assert_eq!(counters.made.load(SeqCst), 3);
    assert_eq!(counters.live.load(SeqCst), 1);
    assert_eq!(pool.status().idle, 1);
}
