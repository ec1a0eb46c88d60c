//! PostgreSQL through the sync `postgres` crate, from async code.
//!
//! `postgres::Client` takes `&mut self` and runs a Tokio runtime of its own:
//! created on an async worker it panics, and dropped there it blocks the
//! worker. Through asyncify it is created on the blocking pool (in
//! `unblock`), lives in an `Exclusive` handle (its calls take turns), and
//! is dropped on the pool when the last handle goes.
//!
//! ```text
//! eval "$(.ci/servers start postgres)"   # sets PG_URL (Debian's postgresql, on loopback)
//! cargo run -p examples --example postgres --features postgres
//! ```

use std::process::ExitCode;

use asyncify::{Exclusive, asyncify, unblock};
use postgres::{Client, Error, NoTls, SimpleQueryMessage};

/// The calls this example makes, declared as `postgres` writes them; each
/// gets an `_async` twin. `&mut self` twins need a handle whose calls take
/// turns: `Exclusive`.
#[asyncify(remote = postgres::Client)]
pub trait ClientAsync {
    fn batch_execute(&mut self, query: &str) -> Result<(), Error>;
    fn simple_query(&mut self, query: &str) -> Result<Vec<SimpleQueryMessage>, Error>;
}

const TASKS: i32 = 10;

fn main() -> ExitCode {
    let Ok(url) = std::env::var("PG_URL") else {
        eprintln!(
            "PG_URL is not set: start PostgreSQL with `eval \"$(.ci/servers start postgres)\"` \
             (or set PG_URL=postgres://user@host:port/db)"
        );
        return ExitCode::FAILURE;
    };
    let runtime = tokio::runtime::Runtime::new().expect("cannot start a Tokio runtime");
    match runtime.block_on(run(url)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("PostgreSQL error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(url: String) -> Result<(), Error> {
    // `connect` has no `self`, so no twin: `unblock` runs it on the pool.
    let db = Exclusive::new(
        unblock({
            let url = url.clone();
            move || Client::connect(&url, NoTls)
        })
        .await?,
    );
    println!("connected to {url}");

    // A temporary table: this connection's own, gone when it closes.
    db.batch_execute_async("create temporary table visits (task int not null, page text not null)")
        .await?;
    println!("created table visits");

    // Concurrent tasks insert through clones of the handle. Parameters are
    // `&[&(dyn ToSql + Sync)]`, borrowed, so they go through a closure that
    // owns its values.
    let writers: Vec<_> = (0..TASKS)
        .map(|task| {
            let db = db.clone();
            tokio::spawn(async move {
                db.offload_mut(move |client| {
                    for page in ["/", "/docs", "/blog"] {
                        client.execute(
                            "insert into visits (task, page) values ($1, $2)",
                            &[&task, &page],
                        )?;
                    }
                    Ok::<_, Error>(())
                })
                .await
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("a writer panicked")?;
    }
    println!("{TASKS} tasks inserted 3 visits each");

    let rows = db
        .simple_query_async("select page, count(*) from visits group by page order by page")
        .await?;
    for message in &rows {
        if let SimpleQueryMessage::Row(row) = message {
            println!(
                "{:<6} {} visits",
                row.get(0).unwrap_or(""),
                row.get(1).unwrap_or("0")
            );
        }
    }

    let error = db
        .simple_query_async("select * from no_such_table")
        .await
        .unwrap_err();
    let code = error.code().map(postgres::error::SqlState::code);
    println!("a bad query gives postgres::Error with SQLSTATE {code:?}");
    Ok(())
}
