//! The sync `postgres` client against a real PostgreSQL server (`PG_URL`;
//! start it with `.ci/servers start`). `postgres::Client` has `&mut self`
//! methods and owns a runtime of its own (it panics if created on an async
//! worker), so it is created on the blocking pool and lives in an
//! `Exclusive`.

mod common;

use asyncify::{Exclusive, asyncify, unblock};
use common::{panic_message, server_address, unique_name, within};
use postgres::error::SqlState;
use postgres::{Client, Error, NoTls, SimpleQueryMessage};

#[asyncify(remote = postgres::Client)]
trait ClientAsync {
    fn batch_execute(&mut self, query: &str) -> Result<(), Error>;
    fn simple_query(&mut self, query: &str) -> Result<Vec<SimpleQueryMessage>, Error>;
}

/// A new connection to the test server, or `None` (the test is skipped).
async fn connect() -> Option<Exclusive<Client>> {
    let url = server_address("PG_URL")?;
    // `Client::connect` has no `self`, so no twin: it runs in `unblock`, on
    // the blocking pool, where its own runtime may start.
    let client = within("connect", unblock(move || Client::connect(&url, NoTls))).await;
    Some(Exclusive::new(client.expect("cannot connect to PG_URL")))
}

/// A table name no other test uses, quoted.
fn table() -> String {
    format!("\"{}\"", unique_name("asyncify_test"))
}

/// The values of the first column of a simple query's rows.
fn first_column(messages: &[SimpleQueryMessage]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|message| match message {
            SimpleQueryMessage::Row(row) => Some(row.get(0).unwrap_or("NULL").to_owned()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_written_through_one_connection_are_read_through_another() {
    let Some(writer) = connect().await else {
        return;
    };
    let Some(reader) = connect().await else {
        return;
    };
    let t = table();
    let schema = format!("create table {t} (id int primary key, body text not null)");
    within("create", writer.batch_execute_async(&schema))
        .await
        .unwrap();

    // Parameters go through a closure: `&[&(dyn ToSql + Sync)]` borrows.
    let insert = format!("insert into {t} (id, body) values ($1, $2)");
    let inserted = writer
        .offload_mut(move |c| {
            let mut n = 0;
            for (id, body) in [(1, "one"), (2, "two"), (3, "three")] {
                n += c.execute(&insert, &[&id, &body])?;
            }
            Ok::<_, Error>(n)
        })
        .await
        .unwrap();
    assert_eq!(inserted, 3);

    let select = format!("select body from {t} order by id");
    let rows = within("select", reader.simple_query_async(&select))
        .await
        .unwrap();
    assert_eq!(first_column(&rows), ["one", "two", "three"]);

    reader
        .batch_execute_async(&format!("drop table {t}"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_read_modify_writes_take_turns() {
    let Some(client) = connect().await else {
        return;
    };
    let (counter, log) = (table(), table());
    let schema = format!(
        "create table {counter} (n int not null); insert into {counter} values (0);
         create table {log} (task int not null, seen int not null);"
    );
    client.batch_execute_async(&schema).await.unwrap();

    // A read, then a write of what was read plus one: without turns (and with
    // autocommit) concurrent tasks would lose updates.
    let tasks: Vec<_> = (0..20)
        .map(|task: i32| {
            let client = client.clone();
            let (counter, log) = (counter.clone(), log.clone());
            tokio::spawn(async move {
                client
                    .offload_mut(move |c| {
                        let seen: i32 = c
                            .query_one(&format!("select n from {counter}"), &[])?
                            .get(0);
                        c.execute(&format!("update {counter} set n = $1"), &[&(seen + 1)])?;
                        c.execute(
                            &format!("insert into {log} values ($1, $2)"),
                            &[&task, &seen],
                        )
                    })
                    .await
            })
        })
        .collect();
    for task in tasks {
        within("a writer", task).await.unwrap().unwrap();
    }

    let n = client
        .simple_query_async(&format!("select n from {counter}"))
        .await
        .unwrap();
    assert_eq!(first_column(&n), ["20"]);
    let seen_query = format!("select count(distinct seen), min(seen), max(seen) from {log}");
    let seen = client
        .offload_mut(move |c| c.query_one(&seen_query, &[]))
        .await
        .unwrap();
    let seen: (i64, i32, i32) = (seen.get(0), seen.get(1), seen.get(2));
    assert_eq!(seen, (20, 0, 19), "every task saw a different value");

    client
        .batch_execute_async(&format!("drop table {counter}, {log}"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_come_back_as_postgres_errors_with_their_sqlstate() {
    let Some(client) = connect().await else {
        return;
    };
    let t = table();

    let error = client
        .simple_query_async(&format!("select * from {t}"))
        .await
        .expect_err("the table does not exist");
    assert_eq!(error.code(), Some(&SqlState::UNDEFINED_TABLE), "{error:?}");

    let error = client
        .batch_execute_async("selec 1")
        .await
        .expect_err("a syntax error must fail");
    assert_eq!(error.code(), Some(&SqlState::SYNTAX_ERROR), "{error:?}");

    let schema = format!("create table {t} (id int primary key); insert into {t} values (1);");
    client.batch_execute_async(&schema).await.unwrap();
    let error = client
        .batch_execute_async(&format!("insert into {t} values (1)"))
        .await
        .expect_err("a duplicate key must fail");
    assert_eq!(error.code(), Some(&SqlState::UNIQUE_VIOLATION), "{error:?}");
    let db_error = error.as_db_error().expect("an error from the server");
    assert_eq!(
        db_error.constraint(),
        Some(&*format!("{}_pkey", t.trim_matches('"')))
    );

    // The connection is still in step with the server.
    let rows = client
        .simple_query_async(&format!("select count(*) from {t}"))
        .await
        .unwrap();
    assert_eq!(first_column(&rows), ["1"]);
    client
        .batch_execute_async(&format!("drop table {t}"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_a_row_closure_reaches_the_awaiter_and_the_client_stays_usable() {
    let Some(client) = connect().await else {
        return;
    };

    let map_rows_then_panic = client.offload_mut(|c| {
        let rows = c.query("select generate_series(1, 3) as n", &[]).unwrap();
        rows.iter()
            .map(|row| {
                let n: i32 = row.get("n");
                assert!(n < 2, "the row closure panicked at row {n}");
                n
            })
            .sum::<i32>()
    });
    let payload = within("the panicking call", tokio::spawn(map_rows_then_panic))
        .await
        .expect_err("the panic must reach the awaiting task")
        .into_panic();
    assert_eq!(
        panic_message(&*payload),
        "the row closure panicked at row 2"
    );

    let rows = within("the next query", client.simple_query_async("select 40 + 2"))
        .await
        .unwrap();
    assert_eq!(first_column(&rows), ["42"]);
}
