//! SQLite (`rusqlite`, bundled: nothing to install) from async code.
//!
//! `rusqlite::Connection` is `Send` but not `Sync`, so it lives in an
//! `Exclusive` handle: tasks share it, and their calls take turns on the
//! blocking pool, in the order they asked, with no thread parked while a
//! call waits.
//!
//! ```text
//! cargo run -p examples --example sqlite --features sqlite
//! ```

use asyncify::{Exclusive, asyncify, unblock};
use rusqlite::{Connection, Params, Result, Row};

/// The calls this example makes, declared as rusqlite writes them; each gets
/// an `_async` twin.
#[asyncify(remote = rusqlite::Connection)]
pub trait ConnectionAsync {
    fn execute_batch(&self, sql: &str) -> Result<()>;
    fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize>;
    fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>;
}

const TASKS: i64 = 8;
const ORDERS_PER_TASK: i64 = 25;

#[tokio::main]
async fn main() -> Result<()> {
    // `open_in_memory` has no `self`, so no twin: `unblock` runs it on the pool.
    let db = Exclusive::new(unblock(Connection::open_in_memory).await?);
    db.execute_batch_async(
        "create table orders (
             id       integer primary key,
             customer text    not null,
             cents    integer not null
         );",
    )
    .await?;
    println!("created table orders");

    // Concurrent tasks insert, each through its own clone of the handle.
    let writers: Vec<_> = (0..TASKS)
        .map(|task| {
            let db = db.clone();
            tokio::spawn(async move {
                for i in 0..ORDERS_PER_TASK {
                    let customer = format!("customer-{task}");
                    let sql = "insert into orders (customer, cents) values (?1, ?2)";
                    db.execute_async(sql, (customer, 100 * task + i)).await?;
                }
                Ok::<(), rusqlite::Error>(())
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("a writer panicked")?;
    }
    println!("{TASKS} tasks inserted {ORDERS_PER_TASK} orders each");

    // Concurrent queries, one per customer.
    let readers: Vec<_> = (0..TASKS)
        .map(|task| {
            let sql = "select count(*), sum(cents) from orders where customer = ?1";
            let query = db.query_row_async(sql, [format!("customer-{task}")], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
            });
            (task, tokio::spawn(query))
        })
        .collect();
    for (task, reader) in readers {
        let (count, cents) = reader.await.expect("a reader panicked")?;
        println!("customer-{task}: {count} orders, {cents} cents");
        assert_eq!(count, ORDERS_PER_TASK);
    }

    // A closure on the handle, for what needs the connection itself (a
    // prepared statement borrows it, so it stays on the blocking pool).
    let top = db
        .offload(|c| {
            let mut statement = c.prepare(
                "select customer, sum(cents) as total from orders group by customer order by total desc limit 3",
            )?;
            let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?;
            rows.collect::<Result<Vec<_>>>()
        })
        .await?;
    println!("top customers: {top:?}");

    let total: i64 = db
        .query_row_async("select count(*) from orders", [], |row| row.get(0))
        .await?;
    println!("{total} orders in all");
    assert_eq!(total, TASKS * ORDERS_PER_TASK);
    Ok(())
}
