//! `rusqlite::Connection` (embedded SQLite, `Send` but not `Sync`) made async
//! with a remote declaration and used through `Exclusive` handles.

mod common;

use std::path::PathBuf;

use asyncify::{Exclusive, asyncify, unblock};
use common::{panic_message, unique_name, within};
use rusqlite::{Connection, ErrorCode, Params, Result, Row};

#[asyncify(remote = rusqlite::Connection)]
trait ConnectionAsync {
    fn execute_batch(&self, sql: &str) -> Result<()>;
    fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize>;
    fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>;
}

/// A database file in the temp dir, removed when dropped.
struct TempDb(PathBuf);

impl TempDb {
    fn new() -> TempDb {
        TempDb(std::env::temp_dir().join(unique_name("asyncify-test") + ".sqlite"))
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Opens the database on the blocking pool: `Connection::open` has no `self`,
/// so a remote declaration cannot give it a twin.
async fn open(db: &TempDb) -> Exclusive<Connection> {
    let path = db.0.clone();
    let connection = within("open", unblock(move || Connection::open(path))).await;
    Exclusive::new(connection.expect("cannot open the database"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_written_through_one_connection_are_read_through_another() {
    let db = TempDb::new();
    let writer = open(&db).await;
    let reader = open(&db).await;

    writer
        .execute_batch_async("create table notes (id integer primary key, body text not null)")
        .await
        .unwrap();
    for (id, body) in [(1, "one"), (2, "two"), (3, "three")] {
        let inserted = writer
            .execute_async("insert into notes (id, body) values (?1, ?2)", (id, body))
            .await
            .unwrap();
        assert_eq!(inserted, 1);
    }

    let bodies: String = within(
        "query_row",
        reader.query_row_async(
            "select group_concat(body, ',') from (select body from notes order by id)",
            [],
            |row| row.get(0),
        ),
    )
    .await
    .unwrap();
    assert_eq!(bodies, "one,two,three");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_read_modify_writes_take_turns() {
    let db = TempDb::new();
    let connection = open(&db).await;
    connection
        .execute_batch_async(
            "create table counter (n integer not null); insert into counter values (0);
             create table log (task integer not null, seen integer not null);",
        )
        .await
        .unwrap();

    // Each task reads the counter, then writes it back plus one, in two
    // statements: only calls that take turns lose no update.
    let tasks: Vec<_> = (0..20)
        .map(|task: i64| {
            let connection = connection.clone();
            tokio::spawn(async move {
                connection
                    .offload(move |c| {
                        let seen: i64 =
                            c.query_row("select n from counter", [], |row| row.get(0))?;
                        c.execute("update counter set n = ?1", [seen + 1])?;
                        c.execute("insert into log values (?1, ?2)", [task, seen])
                    })
                    .await
            })
        })
        .collect();
    for task in tasks {
        within("a writer", task).await.unwrap().unwrap();
    }

    let n: i64 = connection
        .query_row_async("select n from counter", [], |row| row.get(0))
        .await
        .unwrap();
    assert_eq!(n, 20);
    // Every task saw a different value, 0 to 19: none ran in between another's
    // read and write.
    let (distinct, low, high): (i64, i64, i64) = connection
        .query_row_async(
            "select count(distinct seen), min(seen), max(seen) from log",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .await
        .unwrap();
    assert_eq!((distinct, low, high), (20, 0, 19));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_errors_come_back_as_rusqlite_errors() {
    let db = TempDb::new();
    let connection = open(&db).await;
    connection
        .execute_batch_async("create table t (id integer primary key)")
        .await
        .unwrap();
    connection
        .execute_async("insert into t values (1)", [])
        .await
        .unwrap();

    let duplicate = connection
        .execute_async("insert into t values (1)", [])
        .await;
    let error = duplicate.expect_err("a duplicate primary key must fail");
    assert_eq!(
        error.sqlite_error_code(),
        Some(ErrorCode::ConstraintViolation),
        "{error:?}"
    );

    let bad_sql = connection.execute_batch_async("selec 1").await;
    let error = bad_sql.expect_err("a syntax error must fail");
    assert!(error.to_string().contains("syntax error"), "{error:?}");

    let missing = connection
        .query_row_async("select id from t where id = 2", [], |row| {
            row.get::<_, i64>(0)
        })
        .await;
    assert!(
        matches!(missing, Err(rusqlite::Error::QueryReturnedNoRows)),
        "{missing:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_the_row_closure_reaches_the_awaiter_and_the_connection_stays_usable() {
    let db = TempDb::new();
    let connection = open(&db).await;
    connection
        .execute_batch_async("create table t (v text); insert into t values ('kept');")
        .await
        .unwrap();

    let query = connection.query_row_async("select v from t", [], |row| -> Result<String> {
        let v: String = row.get(0)?;
        panic!("the row closure panicked on {v:?}");
    });
    let payload = within("the panicking query", tokio::spawn(query))
        .await
        .expect_err("the panic must reach the awaiting task")
        .into_panic();
    assert_eq!(
        panic_message(&*payload),
        "the row closure panicked on \"kept\""
    );

    let v: String = within(
        "the next query",
        connection.query_row_async("select v from t", [], |row| row.get(0)),
    )
    .await
    .unwrap();
    assert_eq!(v, "kept");
}
