//! `postgres::Client`'s declared twins (tests/coverage/postgres.rs), called
//! against a real PostgreSQL server at `PG_URL`.

#[path = "coverage/postgres.rs"]
mod postgres_api;
#[path = "coverage/servers.rs"]
mod servers;

use std::sync::Arc;
use std::time::Duration;

use asyncify::{Exclusive, unblock};
use postgres::error::SqlState;
use postgres::types::Type;
use postgres::{Client, NoTls, SimpleQueryMessage};
use postgres_api::ClientAsync;
use servers::bounded;

const HOW: &str = "`.ci/servers start`, or a local PostgreSQL with trust auth on loopback; \
                   e.g. PG_URL=postgres://postgres@127.0.0.1:5432/postgres";

async fn connect(url: &str) -> Exclusive<Client> {
    // A constructor has no twin in a remote declaration: `unblock` it.
    let url = url.to_owned();
    Exclusive::new(unblock(move || Client::connect(&url, NoTls)).await.unwrap())
}

/// The text of the first column of each row of a simple query.
fn texts(messages: &[SimpleQueryMessage]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|message| match message {
            SimpleQueryMessage::Row(row) => Some(row.get(0).unwrap_or("NULL").to_owned()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn twins_write_through_one_client_and_read_through_another() {
    let Some(url) = servers::address("PG_URL", HOW) else {
        return;
    };
    bounded(async {
        let writer = connect(&url).await;
        let reader = connect(&url).await;
        let table = servers::unique("coverage_pg_");
        writer
            .batch_execute_async(&format!(
                "create table {table} (id int primary key, name text not null)"
            ))
            .await
            .unwrap();
        // `prepare_typed` with a borrowed `&[Type]`, then the idiom for the
        // `&[&(dyn ToSql + Sync)]` methods: owned values in one closure.
        let insert = writer
            .prepare_typed_async(
                &format!("insert into {table} values ($1, $2)"),
                &[Type::INT4, Type::TEXT],
            )
            .await
            .unwrap();
        assert_eq!(insert.params(), &[Type::INT4, Type::TEXT]);
        let inserted = writer
            .offload_mut(move |c| {
                let mut n = 0;
                for (id, name) in [(1, "one"), (2, "two")] {
                    n += c.execute(&insert, &[&id, &name])?;
                }
                Ok::<_, postgres::Error>(n)
            })
            .await
            .unwrap();
        assert_eq!(inserted, 2);

        let messages = reader
            .simple_query_async(&format!("select name from {table} order by id"))
            .await
            .unwrap();
        assert_eq!(texts(&messages), ["one", "two"]);
        let select = reader
            .prepare_async(&format!("select name from {table} where id = $1"))
            .await
            .unwrap();
        assert_eq!(select.params(), &[Type::INT4]);
        let name: String = reader
            .offload_mut(move |c| c.query_one(&select, &[&2i32]).map(|row| row.get(0)))
            .await
            .unwrap();
        assert_eq!(name, "two");

        reader
            .batch_execute_async(&format!("drop table {table}"))
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn connection_checks_and_server_errors() {
    let Some(url) = servers::address("PG_URL", HOW) else {
        return;
    };
    bounded(async {
        let db = connect(&url).await;
        db.is_valid_async(Duration::from_secs(10)).await.unwrap();
        db.check_connection_async().await.unwrap();
        let error = db
            .batch_execute_async("select * from coverage_no_such_table")
            .await
            .unwrap_err();
        assert_eq!(error.code(), Some(&SqlState::UNDEFINED_TABLE), "{error}");
        let error = db.prepare_async("selec 1").await.unwrap_err();
        assert_eq!(error.code(), Some(&SqlState::SYNTAX_ERROR), "{error}");
        // The client still works after the errors.
        let messages = db.simple_query_async("select 40 + 2").await.unwrap();
        assert_eq!(texts(&messages), ["42"]);
    })
    .await;
}

#[tokio::test]
async fn concurrent_writers_take_turns_on_exclusive() {
    let Some(url) = servers::address("PG_URL", HOW) else {
        return;
    };
    bounded(async {
        let db = Arc::new(connect(&url).await);
        db.batch_execute_async("create temporary table hits (n int not null)")
            .await
            .unwrap();
        let writers: Vec<_> = (0..20)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.batch_execute_async(&format!("insert into hits values ({i})"))
                        .await
                        .unwrap();
                })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap();
        }
        let messages = db
            .simple_query_async("select count(*), sum(n) from hits")
            .await
            .unwrap();
        let row = messages
            .iter()
            .find_map(|message| match message {
                SimpleQueryMessage::Row(row) => Some((row.get(0), row.get(1))),
                _ => None,
            })
            .unwrap();
        assert_eq!(row, (Some("20"), Some("190")));
        // A transaction (a borrowed return): the whole of it in one closure.
        let left = db
            .offload_mut(|c| {
                let mut tx = c.transaction()?;
                tx.execute("delete from hits where n >= 5", &[])?;
                let left: i64 = tx.query_one("select count(*) from hits", &[])?.get(0);
                tx.commit()?;
                Ok::<_, postgres::Error>(left)
            })
            .await
            .unwrap();
        assert_eq!(left, 5);
    })
    .await;
}
