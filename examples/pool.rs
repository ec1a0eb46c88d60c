//! A pool of SQLite connections (`rusqlite`, bundled: nothing to install)
//! behind one handle: the twins of a remote declaration run on whichever
//! connection is free, so reads run in parallel, where an `Exclusive` would
//! make them take turns.
//!
//! ```text
//! cargo run -p examples --example pool
//! ```

use std::time::{Duration, Instant};

use asyncify::{Exclusive, Pool, asyncify, unblock};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, Params, Result, Row};

/// The calls this example makes, declared as rusqlite writes them; each gets
/// an `_async` twin on every handle, the pool included.
#[asyncify(remote = rusqlite::Connection)]
pub trait ConnectionAsync {
    fn execute_batch(&self, sql: &str) -> Result<()>;
    fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>;
}

/// Opens a connection with `pause(ms)`, a SQL function that sleeps: a
/// stand-in for a slow query that does not need this machine's cores.
fn open(path: &std::path::Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.create_scalar_function("pause", 1, FunctionFlags::SQLITE_UTF8, |ctx| {
        let ms: i64 = ctx.get(0)?;
        std::thread::sleep(Duration::from_millis(ms.try_into().unwrap_or(0)));
        Ok(ms)
    })?;
    Ok(conn)
}

const READS: usize = 8;
const SQL: &str = "select count(*) + pause(100) - 100 from orders";

#[tokio::main]
async fn main() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("asyncify-example-pool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp directory");
    let path = dir.join("shop.db");

    // The factory runs on the blocking pool, once per connection (and again
    // to replace a connection whose call panicked).
    let factory_path = path.clone();
    let db = Pool::builder(move || open(&factory_path))
        .size(4)
        .build_async()
        .await?;
    // WAL: readers do not wait for each other or for the writer.
    db.execute_batch_async(
        "pragma journal_mode = wal;
         create table if not exists orders (id integer primary key, cents integer not null);
         insert into orders (cents) values (250), (1200), (99);",
    )
    .await?;
    println!("{db:?}");

    let started = Instant::now();
    let reads: Vec<_> = (0..READS)
        .map(|_| tokio::spawn(db.query_row_async(SQL, [], |row| row.get::<_, i64>(0))))
        .collect();
    for read in reads {
        assert_eq!(read.await.expect("a read")?, 3);
    }
    let pooled = started.elapsed();
    println!("{READS} reads of 100 ms on a pool of 4: {pooled:?}");

    // The same reads on one connection take turns.
    let one = Exclusive::new(unblock(move || open(&path)).await?);
    let started = Instant::now();
    let reads: Vec<_> = (0..READS)
        .map(|_| tokio::spawn(one.query_row_async(SQL, [], |row| row.get::<_, i64>(0))))
        .collect();
    for read in reads {
        read.await.expect("a read")?;
    }
    println!("the same on an Exclusive: {:?}", started.elapsed());

    let status = db.status();
    println!(
        "status: {} connections, {} idle, {} calls waiting",
        status.size, status.idle, status.waiting
    );
    drop((db, one));
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
