//! Cancel hooks (`on_cancel`): a twin whose future is dropped while its call
//! runs interrupts the call, on every handle, for the twins of impls, traits
//! and remote declarations, against a client written here, real SQLite and
//! the real PostgreSQL of `.ci/servers` (`PG_URL`; skipped without it).
//!
//! No assertion here is on an absolute time: where speed is the point, the
//! time of the call after an interrupted one is compared with the time the
//! interrupted query would have taken, as a ratio.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use asyncify::{Dedicated, Exclusive, Handle, Offload, asyncify, unblock};
use common::{server_address, within};
use tokio::time::timeout;

/// How long a call that is to be interrupted is given before its timeout.
const SHORT: Duration = Duration::from_millis(100);

/// A client whose long call stops when its flag is raised from another
/// thread, as `sqlite3_interrupt` does; it counts the hooks that ran.
#[derive(Default)]
pub struct Engine {
    stop: Arc<AtomicBool>,
    hooks: Arc<AtomicUsize>,
    finished: AtomicUsize,
}

/// What a call of `Engine::spin` saw.
#[derive(Debug, PartialEq, Eq)]
pub enum Spin {
    Finished,
    Interrupted,
}

#[asyncify]
impl Engine {
    /// Runs for up to `for_ms`, or until interrupted.
    pub fn spin(&self, for_ms: u64) -> Spin {
        // A stale flag is cleared when a call begins (SQLite does the same).
        self.stop.store(false, SeqCst);
        let end = Instant::now() + Duration::from_millis(for_ms);
        while Instant::now() < end {
            if self.stop.swap(false, SeqCst) {
                return Spin::Interrupted;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        self.finished.fetch_add(1, SeqCst);
        Spin::Finished
    }

    pub fn finished(&self) -> usize {
        self.finished.load(SeqCst)
    }
}

/// The hook for an `Engine`: raise its flag, count.
fn interrupt(engine: &Engine) -> impl Fn() + Send + Sync + 'static + use<> {
    let stop = Arc::clone(&engine.stop);
    let hooks = Arc::clone(&engine.hooks);
    move || {
        hooks.fetch_add(1, SeqCst);
        stop.store(true, SeqCst);
    }
}

/// A long call that runs until interrupted, reporting what it saw.
fn long_call(report: mpsc::Sender<Spin>) -> impl FnOnce(&Engine) -> Spin + Send + 'static {
    move |engine| {
        let spin = engine.spin(60_000);
        let _ = report.send(spin);
        Spin::Finished
    }
}

/// Waits (off the workers) for what the interrupted call reported.
async fn reported(report: mpsc::Receiver<Spin>) -> Spin {
    within(
        "the interrupted call",
        unblock(move || report.recv().unwrap()),
    )
    .await
}

/// Dropped while it runs, a call on `handle` is interrupted by the hook,
/// once, and the next call runs.
async fn interrupts<H: Offload<Engine>>(handle: &H, hooks: &AtomicUsize) {
    let (report, seen) = mpsc::channel();
    let call = handle.offload(long_call(report));
    assert!(timeout(SHORT, call).await.is_err(), "the call timed out");
    assert_eq!(reported(seen).await, Spin::Interrupted);
    assert_eq!(hooks.load(SeqCst), 1);
    // The next call runs, and is not interrupted by the earlier cancel.
    assert_eq!(
        within("next", handle.offload(|e| e.spin(1))).await,
        Spin::Finished
    );
    assert_eq!(hooks.load(SeqCst), 1);
}

fn new_engine() -> (Engine, Arc<AtomicUsize>) {
    let engine = Engine::default();
    let hooks = Arc::clone(&engine.hooks);
    (engine, hooks)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_dropped_while_it_runs_is_interrupted_on_every_handle() {
    let (client, hooks) = new_engine();
    interrupts(&Handle::new(client).on_cancel(interrupt), &hooks).await;

    let (client, hooks) = new_engine();
    interrupts(&Handle::with_limit(client, 1).on_cancel(interrupt), &hooks).await;

    let (client, hooks) = new_engine();
    interrupts(&Exclusive::new(client).on_cancel(interrupt), &hooks).await;

    let (client, hooks) = new_engine();
    let dedicated = Dedicated::spawn(move || client).on_cancel(interrupt);
    interrupts(&dedicated, &hooks).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn impl_twins_are_interrupted_and_the_next_caller_gets_its_turn() {
    let (client, hooks) = new_engine();
    let engine = Exclusive::new(client).on_cancel(interrupt);
    assert!(timeout(SHORT, engine.spin_async(60_000)).await.is_err());
    // The turn comes back once the interrupted call returns.
    assert_eq!(within("next", engine.spin_async(1)).await, Spin::Finished);
    assert_eq!(hooks.load(SeqCst), 1);
    // Only the short call finished.
    assert_eq!(engine.finished_async().await, 1);
}

#[tokio::test(flavor = "current_thread")]
async fn a_dedicated_handle_is_interrupted_without_a_multi_thread_runtime() {
    let (client, hooks) = new_engine();
    let engine = Dedicated::spawn(move || client).on_cancel(interrupt);
    assert!(timeout(SHORT, engine.spin_async(60_000)).await.is_err());
    assert_eq!(within("next", engine.spin_async(1)).await, Spin::Finished);
    assert_eq!(hooks.load(SeqCst), 1);
}

/// A trait with twins, for every handle of an implementor.
#[asyncify]
pub trait Spinner {
    fn run(&self, for_ms: u64) -> Spin;
}

impl Spinner for Engine {
    fn run(&self, for_ms: u64) -> Spin {
        self.spin(for_ms)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trait_twins_are_interrupted() {
    let (client, hooks) = new_engine();
    let engine = Exclusive::new(client).on_cancel(interrupt);
    assert!(timeout(SHORT, engine.run_async(60_000)).await.is_err());
    assert_eq!(within("next", engine.run_async(1)).await, Spin::Finished);
    assert_eq!(hooks.load(SeqCst), 1);

    let (client, hooks) = new_engine();
    let engine = Dedicated::spawn(move || client).on_cancel(interrupt);
    assert!(timeout(SHORT, engine.run_async(60_000)).await.is_err());
    assert_eq!(within("next", engine.run_async(1)).await, Spin::Finished);
    assert_eq!(hooks.load(SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_dropped_before_it_starts_runs_nothing_and_no_hook() {
    let (client, hooks) = new_engine();
    let exclusive = Exclusive::new(client).on_cancel(interrupt);
    let (client, dedicated_hooks) = new_engine();
    let dedicated = Dedicated::spawn(move || client).on_cancel(interrupt);
    let (client, limited_hooks) = new_engine();
    let limited = Handle::with_limit(client, 1).on_cancel(interrupt);

    let ran = Arc::new(AtomicUsize::new(0));
    // Never polled.
    drop(exclusive.spin_async(1));
    drop(dedicated.spin_async(1));
    drop(limited.spin_async(1));
    // Waiting for its turn behind a call that holds the client.
    let (release, wait) = mpsc::channel::<()>();
    let wait = Arc::new(std::sync::Mutex::new(wait));
    for handle in [&exclusive as &dyn Blocker, &dedicated, &limited] {
        let (started, has_started) = mpsc::channel();
        let first = tokio::spawn(handle.hold(started, Arc::clone(&wait)));
        within("start", unblock(move || has_started.recv().unwrap())).await;
        let counted = Arc::clone(&ran);
        let second = handle.count(counted);
        assert!(timeout(Duration::from_millis(20), second).await.is_err());
        release.send(()).unwrap();
        within("first", first).await.unwrap();
    }
    // Every handle still works, and the dropped calls never ran.
    assert_eq!(exclusive.spin_async(1).await, Spin::Finished);
    assert_eq!(dedicated.spin_async(1).await, Spin::Finished);
    assert_eq!(limited.spin_async(1).await, Spin::Finished);
    assert_eq!(ran.load(SeqCst), 0);
    assert_eq!(hooks.load(SeqCst), 0);
    assert_eq!(dedicated_hooks.load(SeqCst), 0);
    assert_eq!(limited_hooks.load(SeqCst), 0);
}

type Boxed<T> = std::pin::Pin<Box<dyn Future<Output = T> + Send>>;

/// The three handles that take turns, behind one interface for the test
/// above.
trait Blocker {
    /// A call that says it started, then holds the client until `wait`
    /// receives.
    fn hold(
        &self,
        started: mpsc::Sender<()>,
        wait: Arc<std::sync::Mutex<mpsc::Receiver<()>>>,
    ) -> Boxed<()>;
    /// A call that counts that it ran.
    fn count(&self, ran: Arc<AtomicUsize>) -> Boxed<()>;
}

macro_rules! blocker {
    ($handle:ty) => {
        impl Blocker for $handle {
            fn hold(
                &self,
                started: mpsc::Sender<()>,
                wait: Arc<std::sync::Mutex<mpsc::Receiver<()>>>,
            ) -> Boxed<()> {
                Box::pin(Offload::<Engine>::offload(self, move |_| {
                    started.send(()).unwrap();
                    wait.lock().unwrap().recv().unwrap();
                }))
            }
            fn count(&self, ran: Arc<AtomicUsize>) -> Boxed<()> {
                Box::pin(Offload::<Engine>::offload(self, move |_| {
                    ran.fetch_add(1, SeqCst);
                }))
            }
        }
    };
}
blocker!(Exclusive<Engine>);
blocker!(Dedicated<Engine>);
blocker!(Handle<Engine>);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_that_ends_before_its_future_is_dropped_is_not_hooked() {
    let (client, hooks) = new_engine();
    let engine = Exclusive::new(client).on_cancel(interrupt);
    for _ in 0..100 {
        assert_eq!(engine.spin_async(0).await, Spin::Finished);
    }
    // Futures that completed are dropped after their end: no hook, ever.
    assert_eq!(engine.finished_async().await, 100);
    assert_eq!(hooks.load(SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_hook_does_not_take_the_handle_down() {
    let tries = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&tries);
    let engine = Exclusive::new(Engine::default()).on_cancel(move |_| {
        move || {
            counted.fetch_add(1, SeqCst);
            panic!("this hook always fails");
        }
    });
    for round in 1..=2 {
        // The hook cannot stop the call, which still returns, in its time.
        let (report, seen) = mpsc::channel();
        let call = engine.offload(move |e| {
            let spin = e.spin(300);
            let _ = report.send(spin);
        });
        assert!(timeout(Duration::from_millis(50), call).await.is_err());
        assert_eq!(reported(seen).await, Spin::Finished);
        assert_eq!(tries.load(SeqCst), round);
        // And the handle keeps working.
        assert_eq!(within("next", engine.spin_async(1)).await, Spin::Finished);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_make_leaves_a_working_handle_without_a_hook() {
    let engine =
        Exclusive::new(Engine::default()).on_cancel(|_| -> fn() { panic!("cannot make the hook") });
    let (report, seen) = mpsc::channel();
    let call = engine.offload(move |e| {
        let _ = report.send(e.spin(200));
    });
    assert!(timeout(Duration::from_millis(20), call).await.is_err());
    assert_eq!(reported(seen).await, Spin::Finished);
    assert_eq!(engine.spin_async(1).await, Spin::Finished);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_hook_a_dropped_call_runs_to_completion() {
    let engine = Exclusive::new(Engine::default());
    assert!(
        timeout(Duration::from_millis(20), engine.spin_async(200))
            .await
            .is_err()
    );
    // The next call waits for the dropped one, which finishes.
    assert_eq!(engine.finished_async().await, 1);
}

#[test]
#[should_panic(expected = "call it on the new handle")]
fn on_cancel_on_a_cloned_handle_panics() {
    let engine = Exclusive::new(Engine::default());
    let _other = engine.clone();
    let _ = engine.on_cancel(interrupt);
}

// ---------------------------------------------------------------- SQLite

mod sqlite {
    use super::*;

    use rusqlite::{Connection, ErrorCode, Params, Result, Row};

    #[asyncify(remote = rusqlite::Connection)]
    trait ConnectionAsync {
        fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
        where
            P: Params,
            F: FnOnce(&Row<'_>) -> Result<T>;
    }

    /// Counts to `?1` with a recursive CTE: as slow as `?1` makes it.
    const COUNT: &str = "with recursive c(x) as (select 1 union all select x + 1 from c \
                         where x < ?1) select count(*) from c";

    fn count(n: i64) -> impl FnOnce(&Connection) -> Result<i64> + Send + 'static {
        move |c| c.query_row(COUNT, [n], |row| row.get(0))
    }

    /// A count that takes at least `at_least` on this machine, and how long
    /// it would take (from a count of a known size).
    async fn slow_count(db: &Exclusive<Connection>, at_least: Duration) -> (i64, Duration) {
        let small = 200_000;
        let start = Instant::now();
        db.offload(count(small)).await.unwrap();
        let took = start.elapsed().max(Duration::from_micros(1));
        let factor = at_least.as_secs_f64() / took.as_secs_f64();
        #[allow(clippy::cast_possible_truncation)]
        let factor = factor.ceil() as i64 + 1;
        #[allow(clippy::cast_precision_loss, clippy::cast_sign_loss)]
        let nominal = took.mul_f64(factor as f64);
        (small * factor, nominal)
    }

    fn interruptible(conn: Connection) -> Exclusive<Connection> {
        Exclusive::new(conn).on_cancel(|conn| {
            let interrupt = conn.get_interrupt_handle();
            move || interrupt.interrupt()
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_timed_out_query_is_interrupted_and_the_next_one_runs_at_once() {
        let db = interruptible(Connection::open_in_memory().unwrap());
        let (n, nominal) = slow_count(&db, Duration::from_secs(3)).await;

        // Through the remote twin: `Elapsed` after 100 ms...
        let slow = db.query_row_async(COUNT, [n], |row| row.get::<_, i64>(0));
        let elapsed = timeout(SHORT, slow).await;
        assert!(elapsed.is_err(), "the query timed out");
        // ...and the next call gets the connection in a fraction of the time
        // the abandoned query would have held it.
        let start = Instant::now();
        let one: i64 = within("next", db.query_row_async("select 1", [], |row| row.get(0)))
            .await
            .unwrap();
        let next = start.elapsed();
        assert_eq!(one, 1);
        let ratio = next.as_secs_f64() / nominal.as_secs_f64();
        assert!(
            ratio < 0.1,
            "the next call took {next:?}, {ratio:.3} of the slow query's {nominal:?}"
        );

        // The query itself stopped with SQLITE_INTERRUPT.
        let (report, seen) = mpsc::channel();
        let slow = db.offload(move |c| {
            let result = count(n)(c);
            let _ = report.send(
                result
                    .as_ref()
                    .map_err(rusqlite::Error::sqlite_error_code)
                    .copied(),
            );
            result
        });
        assert!(timeout(SHORT, slow).await.is_err());
        let result = within("report", unblock(move || seen.recv().unwrap())).await;
        assert_eq!(result, Err(Some(ErrorCode::OperationInterrupted)));
        // And the connection is fine afterwards.
        assert_eq!(db.offload(count(10)).await.unwrap(), 10);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_dedicated_connection_is_interrupted_too() {
        let db = Dedicated::spawn(|| Connection::open_in_memory().unwrap()).on_cancel(|conn| {
            let interrupt = conn.get_interrupt_handle();
            move || interrupt.interrupt()
        });
        let (report, seen) = mpsc::channel();
        let slow = db.offload(move |c| {
            let result = count(i64::MAX)(c);
            let _ = report.send(
                result
                    .as_ref()
                    .map_err(rusqlite::Error::sqlite_error_code)
                    .copied(),
            );
            result
        });
        assert!(timeout(SHORT, slow).await.is_err());
        let result = within("report", unblock(move || seen.recv().unwrap())).await;
        assert_eq!(result, Err(Some(ErrorCode::OperationInterrupted)));
        let one: i64 = within("next", db.query_row_async("select 1", [], |row| row.get(0)))
            .await
            .unwrap();
        assert_eq!(one, 1);
    }
}

// ------------------------------------------------------------ PostgreSQL

mod pg {
    use super::*;

    use postgres::error::SqlState;
    use postgres::{Client, NoTls, SimpleQueryMessage};

    #[asyncify(remote = postgres::Client)]
    trait ClientAsync {
        fn simple_query(&mut self, query: &str)
        -> Result<Vec<SimpleQueryMessage>, postgres::Error>;
    }

    /// The nominal length of the slow query.
    const SLEEP: Duration = Duration::from_secs(30);

    async fn connect(url: &str) -> Client {
        let url = url.to_owned();
        within("connect", unblock(move || Client::connect(&url, NoTls)))
            .await
            .expect("cannot connect to PG_URL")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_timed_out_pg_sleep_is_cancelled_on_the_server() {
        let Some(url) = server_address("PG_URL") else {
            return;
        };
        let db = Exclusive::new(connect(&url).await).on_cancel(|client| {
            let token = client.cancel_token();
            // Blocks (it opens a connection): it runs on the blocking pool.
            move || {
                let _ = token.cancel_query(NoTls);
            }
        });
        let monitor = Exclusive::new(connect(&url).await);
        let pid: i32 = db
            .offload_mut(|c| {
                c.query_one("select pg_backend_pid()", &[])
                    .map(|row| row.get(0))
            })
            .await
            .unwrap();

        let slow = db.simple_query_async(&format!("select pg_sleep({})", SLEEP.as_secs()));
        assert!(timeout(SHORT, slow).await.is_err(), "the query timed out");

        // Within a second, the server runs no query for that backend.
        let mut active = true;
        for _ in 0..20 {
            let state: Option<String> = monitor
                .offload_mut(move |c| {
                    c.query_one("select state from pg_stat_activity where pid = $1", &[&pid])
                        .map(|row| row.get(0))
                })
                .await
                .unwrap();
            if state.as_deref() != Some("active") {
                active = false;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(!active, "backend {pid} still runs the cancelled query");

        // And the next call on the same connection runs at once.
        let start = Instant::now();
        let rows = within("next", db.simple_query_async("select 1"))
            .await
            .unwrap();
        let next = start.elapsed();
        assert!(rows.iter().any(|m| matches!(m, SimpleQueryMessage::Row(_))));
        let ratio = next.as_secs_f64() / SLEEP.as_secs_f64();
        assert!(
            ratio < 0.1,
            "the next call took {next:?}, {ratio:.3} of the slow query's {SLEEP:?}"
        );

        // The query itself ended with the server's `query_canceled`.
        let (report, seen) = mpsc::channel();
        let sql = format!("select pg_sleep({})", SLEEP.as_secs());
        let slow = db.offload_mut(move |c| {
            let result = c.simple_query(&sql);
            let _ = report.send(
                result
                    .as_ref()
                    .err()
                    .and_then(postgres::Error::code)
                    .cloned(),
            );
        });
        assert!(timeout(SHORT, slow).await.is_err());
        let code = within("report", unblock(move || seen.recv().unwrap())).await;
        assert_eq!(code, Some(SqlState::QUERY_CANCELED));
    }
}
