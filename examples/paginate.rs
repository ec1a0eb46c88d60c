//! A paginated listing as a `Stream`: a blocking SQLite client whose
//! `pages` method returns an iterator that runs one query per page, streamed
//! to async code with back-pressure.
//!
//! ```text
//! cargo run -p examples --example paginate --features sqlite
//! ```

// An example's methods are documented by the example itself.
#![allow(clippy::missing_errors_doc)]

use std::pin::Pin;
use std::time::Instant;

use asyncify::{Exclusive, asyncify};
use futures_core::Stream;
use rusqlite::Connection;

/// A blocking catalogue on SQLite (`Connection` is `Send`, not `Sync`, so it
/// goes in an `Exclusive`).
pub struct Catalogue {
    db: Connection,
}

#[asyncify]
impl Catalogue {
    pub fn open_in_memory() -> rusqlite::Result<Catalogue> {
        let db = Connection::open_in_memory()?;
        db.execute_batch("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")?;
        Ok(Catalogue { db })
    }

    pub fn add_many(&mut self, prefix: &str, count: usize) -> rusqlite::Result<usize> {
        let tx = self.db.transaction()?;
        {
            let mut insert = tx.prepare("INSERT INTO items (name) VALUES (?1)")?;
            for n in 0..count {
                insert.execute([format!("{prefix}-{n:04}")])?;
            }
        }
        tx.commit()?;
        Ok(count)
    }

    pub fn count(&self) -> rusqlite::Result<i64> {
        self.db
            .query_row("SELECT count(*) FROM items", [], |row| row.get(0))
    }

    /// Pages of `size` rows, in id order: each page is one query, run when
    /// the consumer is ready for it (keyset pagination, as an S3 or REST
    /// paginator does with its continuation token).
    pub fn pages(
        &self,
        size: usize,
    ) -> impl Iterator<Item = rusqlite::Result<Vec<(i64, String)>>> + '_ {
        let mut after = 0_i64;
        let mut done = false;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            let page = self.page_after(after, size);
            match &page {
                Ok(rows) if rows.len() < size => done = true,
                Ok(rows) => after = rows.last().map_or(after, |(id, _)| *id),
                Err(_) => done = true,
            }
            match page {
                Ok(rows) if rows.is_empty() => None,
                page => Some(page),
            }
        })
    }

    fn page_after(&self, after: i64, size: usize) -> rusqlite::Result<Vec<(i64, String)>> {
        let mut statement = self
            .db
            .prepare("SELECT id, name FROM items WHERE id > ?1 ORDER BY id LIMIT ?2")?;
        let rows = statement
            .query_map((after, i64::try_from(size).unwrap_or(i64::MAX)), |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
        rows.collect()
    }
}

async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

#[tokio::main]
async fn main() -> rusqlite::Result<()> {
    let catalogue = Exclusive::new(Catalogue::open_in_memory_async().await?);
    let added = catalogue.add_many_async("item", 2_500).await?;
    println!("added {added} rows through add_many_async");

    let started = Instant::now();
    let mut pages = catalogue.pages_stream(1_000);
    let (mut page_count, mut row_count) = (0, 0);
    while let Some(page) = next(&mut pages).await {
        let page = page?;
        page_count += 1;
        row_count += page.len();
        println!(
            "page {page_count}: {} rows, {} .. {}",
            page.len(),
            page.first().map_or("-", |(_, name)| name),
            page.last().map_or("-", |(_, name)| name),
        );
    }
    drop(pages); // the `Exclusive` is locked until the stream ends or is dropped
    println!(
        "streamed {row_count} rows in {page_count} pages in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(
        i64::try_from(row_count).ok(),
        Some(catalogue.count_async().await?)
    );

    // Stop early: dropping the stream stops the paginator at the next page.
    let mut pages = catalogue.pages_stream(100);
    let first = next(&mut pages)
        .await
        .transpose()?
        .map_or(0, |page| page.len());
    drop(pages);
    println!("took one page of {first} rows and dropped the stream; the client is free again:");
    println!("count_async() = {}", catalogue.count_async().await?);
    Ok(())
}
