//! A slow SQLite query under `tokio::time::timeout`, without and with a
//! cancel hook: how long the abandoned query goes on running, and how long
//! the next call on the same connection waits for it.
//!
//! ```text
//! cargo run --release -p examples --example timeout --features sqlite
//! ```
//!
//! Without a hook, the timeout returns `Elapsed` at once, but the query runs
//! to its end on the blocking pool, holding the connection: the next call
//! waits for a result nobody reads. With `on_cancel`, dropping the future
//! runs the hook (`InterruptHandle::interrupt`) on the blocking pool, the
//! query stops with `SQLITE_INTERRUPT`, and the next call runs at once.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use asyncify::{Exclusive, asyncify, unblock};
use rusqlite::{Connection, Params, Result, Row};

#[asyncify(remote = rusqlite::Connection)]
pub trait ConnectionAsync {
    fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>;
}

/// Counts to `?1` with a recursive CTE: as slow as `?1` makes it.
const COUNT: &str = "with recursive c(x) as (select 1 union all select x + 1 from c \
                     where x < ?1) select count(*) from c";

/// How long the slow query is meant to take, and how long it is given.
const SLOW: Duration = Duration::from_secs(2);
const TIMEOUT: Duration = Duration::from_millis(100);

/// What the abandoned query reported from the pool: how long it ran, and how
/// it ended.
type Report = (Duration, Result<i64>);

async fn run(db: &Exclusive<Connection>, n: i64) -> (Report, Duration) {
    let (report, seen) = mpsc::channel::<Report>();
    let slow = db.offload(move |c| {
        let start = Instant::now();
        let result = c.query_row(COUNT, [n], |row| row.get(0));
        let _ = report.send((start.elapsed(), result));
    });
    assert!(tokio::time::timeout(TIMEOUT, slow).await.is_err());
    // The next call on the same connection.
    let start = Instant::now();
    let one: i64 = db
        .query_row_async("select 1", [], |row| row.get(0))
        .await
        .expect("select 1");
    assert_eq!(one, 1);
    let waited = start.elapsed();
    let report = unblock(move || seen.recv().expect("the query reports")).await;
    (report, waited)
}

fn describe(label: &str, ((ran, result), waited): &(Report, Duration)) {
    let ended = match result {
        Ok(count) => format!("ran to its end (count = {count})"),
        Err(error) => format!("stopped: {error}"),
    };
    println!(
        "{label:<12} timeout after {:>4} ms; the abandoned query ran {:>5} ms and {ended}; \
         the next call waited {:>5} ms",
        TIMEOUT.as_millis(),
        ran.as_millis(),
        waited.as_millis(),
    );
}

#[tokio::main]
async fn main() -> Result<()> {
    let plain = Exclusive::new(unblock(Connection::open_in_memory).await?);
    let hooked = Exclusive::new(unblock(Connection::open_in_memory).await?).on_cancel(|conn| {
        let interrupt = conn.get_interrupt_handle();
        move || interrupt.interrupt()
    });

    // Size the query so that it takes about `SLOW` on this machine.
    let small = 200_000;
    let start = Instant::now();
    plain
        .query_row_async(COUNT, [small], |row| row.get::<_, i64>(0))
        .await?;
    let per_row = start.elapsed().as_secs_f64() / 200_000.0;
    #[allow(clippy::cast_possible_truncation)]
    let n = (SLOW.as_secs_f64() / per_row) as i64;
    println!(
        "a count to {n}: about {} ms when left to run\n",
        SLOW.as_millis()
    );

    describe("without hook", &run(&plain, n).await);
    describe("with hook", &run(&hooked, n).await);
    Ok(())
}
