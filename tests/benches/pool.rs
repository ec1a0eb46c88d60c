//! Throughput of parallel SQLite reads through a pool of 4 connections:
//! `asyncify::Pool` against `deadpool-sqlite`'s `interact` and r2d2 with a
//! hand-written `spawn_blocking`, side by side in one run.
//!
//! ```text
//! cargo bench -p tests --bench pool
//! ```
//!
//! One database file in WAL mode with a table of 1,000 rows; every read is
//! the same small aggregate (`select sum(x) from t where x % ?1 = 0`, a
//! prepared statement from the connection's cache). A batch is 4 reads (one
//! per connection) or 256 (most of them wait for a connection) started at
//! once from as many tasks on a multi-thread runtime, and timed until the
//! last one is done. The variants, each with 4 connections:
//!
//! | id | what |
//! |---|---|
//! | `asyncify_pool` | `pool.offload(|conn| ..)` on `asyncify::Pool<Connection>` (`size(4)`) |
//! | `deadpool_interact` | `pool.get().await?.interact(|conn| ..).await` on `deadpool_sqlite::Pool` (`max_size` 4) |
//! | `r2d2_spawn_blocking` | `spawn_blocking(move || pool.get()?.query_row(..))` on `r2d2::Pool<SqliteConnectionManager>` (`max_size` 4): the waiting for a connection happens on the pool thread |
//! | `exclusive` | `offload` on one `Exclusive<Connection>`: the reads take turns (for scale) |
//!
//! Like `overhead`'s paired comparison, the variants run batch after batch,
//! in an order shuffled each round (`support::round_order`), and what is
//! reported is the median over rounds of each round's ratio to `asyncify_pool` (below 1: faster than the
//! pool), with the median time per batch. `ASYNCIFY_POOL_ROUNDS=<n>` sets the
//! rounds (31 by default) for each batch size. The numbers go to stdout and to
//! `target/criterion/pool_throughput.json`.

mod support;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use asyncify::{Exclusive, Pool, unblock};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;
use tokio::runtime::Runtime;

/// Reads started at once in a batch: as many as there are connections (no
/// read waits for one), and many more (most reads wait).
const BATCHES: [usize; 2] = [4, 256];
/// Connections of every pool.
const CONNECTIONS: usize = 4;
/// The read.
const SQL: &str = "select sum(x) from t where x % ?1 = 0";

const VARIANTS: usize = 4;
const ASYNCIFY_POOL: usize = 0;
const DEADPOOL_INTERACT: usize = 1;
const R2D2_SPAWN_BLOCKING: usize = 2;
const EXCLUSIVE: usize = 3;
const NAMES: [&str; VARIANTS] = [
    "asyncify_pool",
    "deadpool_interact",
    "r2d2_spawn_blocking",
    "exclusive",
];

fn rounds() -> usize {
    support::rounds_from_env("ASYNCIFY_POOL_ROUNDS", 31)
}

/// The read, on any connection; `i` varies the parameter.
fn read(conn: &Connection, i: usize) -> i64 {
    let modulus = i64::try_from(i % 7 + 2).unwrap();
    conn.prepare_cached(SQL)
        .unwrap()
        .query_row([modulus], |row| row.get(0))
        .unwrap()
}

/// A database file in WAL mode with the table, in a fresh temp directory.
fn database() -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("asyncify-bench-pool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bench.db");
    let _ = std::fs::remove_file(&path);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "pragma journal_mode = wal;
         create table t (x integer);
         with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000)
         insert into t select x from c;",
    )
    .unwrap();
    (dir, path)
}

/// Spawns `$reads` tasks running `read` through `$call` and times them all.
macro_rules! batch {
    ($runtime:expr, $reads:expr, $state:ident, $i:ident => $call:expr) => {{
        $runtime.block_on(async {
            let start = Instant::now();
            let mut set = tokio::task::JoinSet::new();
            for $i in 0..$reads {
                let $state = $state.clone();
                set.spawn(async move { black_box($call) });
            }
            while let Some(result) = set.join_next().await {
                result.unwrap();
            }
            start.elapsed()
        })
    }};
}

struct Pools {
    asyncify: Pool<Connection>,
    deadpool: deadpool_sqlite::Pool,
    r2d2: r2d2::Pool<SqliteConnectionManager>,
    exclusive: Exclusive<Connection>,
}

fn pools(runtime: &Runtime, path: &Path) -> Pools {
    let p = path.to_owned();
    let asyncify = runtime
        .block_on(
            Pool::builder(move || Connection::open(&p))
                .size(CONNECTIONS)
                .build_async(),
        )
        .unwrap();
    let mut config = deadpool_sqlite::Config::new(path);
    config.pool = Some(deadpool_sqlite::PoolConfig::new(CONNECTIONS));
    let deadpool = {
        let _entered = runtime.enter();
        config
            .create_pool(deadpool_sqlite::Runtime::Tokio1)
            .unwrap()
    };
    let r2d2 = r2d2::Pool::builder()
        .max_size(u32::try_from(CONNECTIONS).unwrap())
        .min_idle(Some(u32::try_from(CONNECTIONS).unwrap()))
        .build(SqliteConnectionManager::file(path))
        .unwrap();
    let p = path.to_owned();
    let exclusive = Exclusive::new(
        runtime
            .block_on(unblock(move || Connection::open(&p)))
            .unwrap(),
    );
    Pools {
        asyncify,
        deadpool,
        r2d2,
        exclusive,
    }
}

fn run(runtime: &Runtime, pools: &Pools, variant: usize, reads: usize) -> Duration {
    match variant {
        ASYNCIFY_POOL => {
            let pool = pools.asyncify.clone();
            batch!(runtime, reads, pool, i => pool.offload(move |conn| read(conn, i)).await)
        }
        DEADPOOL_INTERACT => {
            let pool = pools.deadpool.clone();
            batch!(runtime, reads, pool, i => {
                let conn = pool.get().await.unwrap();
                conn.interact(move |conn| read(conn, i)).await.unwrap()
            })
        }
        R2D2_SPAWN_BLOCKING => {
            let pool = pools.r2d2.clone();
            batch!(runtime, reads, pool, i => {
                tokio::task::spawn_blocking(move || read(&pool.get().unwrap(), i))
                    .await
                    .unwrap()
            })
        }
        EXCLUSIVE => {
            let exclusive = pools.exclusive.clone();
            batch!(runtime, reads, exclusive, i => exclusive.offload(move |conn| read(conn, i)).await)
        }
        _ => unreachable!("variant {variant}"),
    }
}

fn main() {
    if std::env::args().any(|arg| arg == "--list" || arg == "--test") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (dir, path) = database();
    let pools = pools(&runtime, &path);
    let rounds = rounds();
    let mut lines = Vec::new();
    for reads in BATCHES {
        let mut times: [Vec<Duration>; VARIANTS] = Default::default();
        let mut ratios: [Vec<f64>; VARIANTS] = Default::default();
        for round in 0..=rounds {
            let mut batch = [Duration::ZERO; VARIANTS];
            for variant in support::round_order(round, VARIANTS) {
                batch[variant] = run(&runtime, &pools, variant, reads);
            }
            if round == 0 {
                continue; // warm-up: every pool has opened its connections
            }
            for variant in 0..VARIANTS {
                times[variant].push(batch[variant]);
                ratios[variant]
                    .push(batch[variant].as_secs_f64() / batch[ASYNCIFY_POOL].as_secs_f64());
            }
        }
        println!(
            "\npool: {reads} parallel SQLite reads, {CONNECTIONS} connections, {rounds} rounds \
             (median batch time; median of the per-round ratios to asyncify_pool)"
        );
        for variant in 0..VARIANTS {
            times[variant].sort();
            ratios[variant].sort_by(f64::total_cmp);
            let time = times[variant][times[variant].len() / 2];
            let ratio = ratios[variant][ratios[variant].len() / 2];
            let per_read = time / u32::try_from(reads).unwrap();
            let line = format!(
                "{{\"reads\": {reads}, \"variant\": \"{}\", \"batch_median_us\": {}, \
                 \"per_read_ns\": {}, \"ratio_to_asyncify_pool\": {ratio:.4}}}",
                NAMES[variant],
                time.as_micros(),
                per_read.as_nanos(),
            );
            println!("{line}");
            lines.push(line);
        }
    }
    support::write_json_lines("pool_throughput.json", &lines);
    {
        // deadpool's objects spawn their drop on the runtime, and panic
        // without one (asyncify's clients drop off the workers wherever the
        // last handle goes).
        let _entered = runtime.enter();
        drop(pools);
    }
    drop(runtime);
    let _ = std::fs::remove_dir_all(dir);
}
