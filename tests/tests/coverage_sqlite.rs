//! `rusqlite::Connection`'s declared twins (tests/coverage/sqlite.rs), called
//! on a real (embedded) SQLite database.

#[path = "coverage/servers.rs"]
mod servers;
#[path = "coverage/sqlite.rs"]
mod sqlite;

use asyncify::{Exclusive, unblock};
use rusqlite::{Connection, TransactionBehavior, TransactionState};
use servers::bounded;
use sqlite::ConnectionAsync;

#[derive(Debug, PartialEq)]
enum Lookup {
    Missing,
    Other(String),
}

impl From<rusqlite::Error> for Lookup {
    fn from(error: rusqlite::Error) -> Self {
        match error {
            rusqlite::Error::QueryReturnedNoRows => Lookup::Missing,
            other => Lookup::Other(other.to_string()),
        }
    }
}

async fn open() -> Exclusive<Connection> {
    // A constructor has no twin in a remote declaration: `unblock` it.
    let connection = unblock(Connection::open_in_memory).await.unwrap();
    let db = Exclusive::new(connection);
    db.execute_batch_async("create table item (name text primary key, n integer not null)")
        .await
        .unwrap();
    db
}

#[tokio::test]
async fn twins_write_and_read_back() {
    bounded(async {
        let db = open().await;
        // Borrowed `&str` and a generic `Params` tuple of owned values.
        let name = String::from("apple");
        assert_eq!(
            db.execute_async("insert into item values (?1, ?2)", (name.clone(), 3))
                .await
                .unwrap(),
            1
        );
        assert_eq!(db.last_insert_rowid_async().await, 1);
        assert_eq!(
            db.execute_async("insert into item values (?1, ?2)", ["pear", "5"])
                .await
                .unwrap(),
            1
        );
        assert_eq!(db.changes_async().await, 1);
        assert_eq!(db.total_changes_async().await, 2);
        // A generic closure over a borrowed `Row`, run on the pool.
        let n: i64 = db
            .query_row_async("select n from item where name = ?1", [name], |row| {
                row.get(0)
            })
            .await
            .unwrap();
        assert_eq!(n, 3);
        let total: i64 = db
            .query_one_async("select sum(n) from item", (), |row| row.get(0))
            .await
            .unwrap();
        assert_eq!(total, 8);
        // A generic error type `E: From<rusqlite::Error>`.
        let missing = db
            .query_row_and_then_async("select n from item where name = 'fig'", [], |row| {
                row.get::<_, i64>(0).map_err(Lookup::from)
            })
            .await;
        assert_eq!(missing, Err(Lookup::Missing));
    })
    .await;
}

#[tokio::test]
async fn option_and_generic_name_arguments() {
    bounded(async {
        let db = open().await;
        // `Option<N>` with `N: Name`: `'static` names cross to the pool.
        assert!(db.table_exists_async(None, "item").await.unwrap());
        assert!(
            !db.table_exists_async(Some("main"), "nothing")
                .await
                .unwrap()
        );
        assert!(
            db.column_exists_async(Some("main"), "item", "n")
                .await
                .unwrap()
        );
        assert!(!db.is_readonly_async("main").await.unwrap());
        assert_eq!(db.db_name_async(0).await.unwrap(), "main");
        // `Option<&str>` is copied and borrowed back.
        db.pragma_update_async(Some("main"), "user_version", 7)
            .await
            .unwrap();
        let version: i64 = db
            .pragma_query_value_async(None, "user_version", |row| row.get(0))
            .await
            .unwrap();
        assert_eq!(version, 7);
        let mode: String = db
            .pragma_update_and_check_async(None, "journal_mode", "OFF", |row| row.get(0))
            .await
            .unwrap();
        assert_eq!(mode, "off");
        assert_eq!(
            db.transaction_state_async(Some("main")).await.unwrap(),
            TransactionState::None
        );
        assert!(db.is_autocommit_async().await);
    })
    .await;
}

#[tokio::test]
async fn errors_come_back_as_rusqlite_errors() {
    bounded(async {
        let db = open().await;
        let error = db
            .execute_async("insert into nowhere values (1)", [])
            .await
            .unwrap_err();
        assert!(
            matches!(error, rusqlite::Error::SqliteFailure(..)),
            "{error:?}"
        );
        assert!(error.to_string().contains("no such table"), "{error}");
    })
    .await;
}

#[tokio::test]
async fn concurrent_writers_take_turns_and_mut_twins_need_exclusive() {
    bounded(async {
        let db = std::sync::Arc::new(open().await);
        // `&mut self`: the twin needs `Exclusive`.
        db.set_transaction_behavior_async(TransactionBehavior::Immediate)
            .await;
        let writers: Vec<_> = (0..20)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.execute_async("insert into item values (?1, ?2)", (format!("k{i}"), i))
                        .await
                        .unwrap()
                })
            })
            .collect();
        for writer in writers {
            assert_eq!(writer.await.unwrap(), 1);
        }
        let count: i64 = db
            .query_row_async("select count(*) from item", [], |row| row.get(0))
            .await
            .unwrap();
        assert_eq!(count, 20);
        // The idiom for a borrowed return (a transaction): one closure.
        let inserted = db
            .offload_mut(|c| {
                let tx = c.transaction()?;
                tx.execute("delete from item where n >= 10", [])?;
                let left: i64 = tx.query_row("select count(*) from item", [], |row| row.get(0))?;
                tx.commit()?;
                Ok::<_, rusqlite::Error>(left)
            })
            .await
            .unwrap();
        assert_eq!(inserted, 10);
    })
    .await;
}
