//! `redb::Database`'s twins, declared by `cargo asyncify declare
//! redb::Database --trait redb::ReadableDatabase` (tests/coverage/redb.rs, a
//! pure-Rust embedded database), called on a real database file.

#[path = "coverage/redb.rs"]
mod redb_api;

use asyncify::{Exclusive, unblock};
use redb::{Database, ReadableDatabase as _, ReadableTable as _, TableDefinition};
use redb_api::DatabaseAsync;

const COUNTS: TableDefinition<&str, u64> = TableDefinition::new("counts");

fn temp_file(name: &str) -> std::path::PathBuf {
    let path =
        std::env::temp_dir().join(format!("asyncify-redb-{name}-{}.redb", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn twins_create_write_read_and_compact_a_real_database() {
    let path = temp_file("twins");
    let db = Exclusive::new(
        Exclusive::<Database>::create_async(path.clone())
            .await
            .unwrap(),
    );

    // A write transaction is owned: begun through a twin, used in a closure
    // (its table calls block too), committed there.
    let tx = db.begin_write_async().await.unwrap();
    unblock(move || -> Result<(), redb::Error> {
        {
            let mut table = tx.open_table(COUNTS)?;
            table.insert("a", 1)?;
            table.insert("b", 2)?;
        }
        tx.commit()?;
        Ok(())
    })
    .await
    .unwrap();

    // A twin of the `ReadableDatabase` trait's method.
    let rx = db.begin_read_async().await.unwrap();
    let b = unblock(move || -> Result<Option<u64>, redb::Error> {
        Ok(rx.open_table(COUNTS)?.get("b")?.map(|v| v.value()))
    })
    .await
    .unwrap();
    assert_eq!(b, Some(2));

    // `&mut self` twins, through the `Exclusive`.
    assert!(db.check_integrity_async().await.unwrap());
    db.compact_async().await.unwrap();
    let stats = db.cache_stats_async().await;
    assert_eq!(
        stats.evictions(),
        db.offload(|d| d.cache_stats().evictions()).await
    );
    drop(db);
    let _ = std::fs::remove_file(path);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_writers_take_turns() {
    let path = temp_file("writers");
    let db = Exclusive::new(
        Exclusive::<Database>::create_async(path.clone())
            .await
            .unwrap(),
    );
    let writers: Vec<_> = (0..20u64)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                // Each write transaction waits for the one before it.
                let tx = db.begin_write_async().await.unwrap();
                unblock(move || -> Result<(), redb::Error> {
                    {
                        let mut table = tx.open_table(COUNTS)?;
                        let n = table.get("n")?.map_or(0, |v| v.value());
                        table.insert("n", n + i)?;
                    }
                    tx.commit()?;
                    Ok(())
                })
                .await
                .unwrap();
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let rx = db.begin_read_async().await.unwrap();
    let n = unblock(move || -> Result<Option<u64>, redb::Error> {
        Ok(rx.open_table(COUNTS)?.get("n")?.map(|v| v.value()))
    })
    .await
    .unwrap();
    assert_eq!(n, Some((0..20).sum()));
    drop(db);
    let _ = std::fs::remove_file(path);
}
