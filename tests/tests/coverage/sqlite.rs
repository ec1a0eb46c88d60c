//! Every public method of `rusqlite::Connection` (rusqlite 0.40, features
//! `bundled` plus the default `cache`), declared as rusqlite's source writes
//! it. The connection lives in an `Exclusive` (it is `Send` but not `Sync`),
//! so even a method without I/O (`last_insert_rowid`) is reached through the
//! handle, and waits for its turn there: it gets a twin too. Methods behind
//! features this build does not enable are not compiled, so they are not
//! declared (listed below).
//!
//! `coverage_table.rs` counts this file for the README's table: a `fn` line in
//! the trait is a declared method; `#[asyncify(skip)]` (with the `// no twin:`
//! comment above it saying why and what to do instead) or `async fn` is one
//! without a twin.

use asyncify::asyncify;
use rusqlite::config::DbConfig;
use rusqlite::{
    InterruptHandle, Name, Params, Result, Row, ToSql, TransactionBehavior, TransactionState,
};
use std::ffi::{CStr, c_int};
use std::time::Duration;

// not declared (not compiled without feature `functions`): `create_scalar_function`, `create_aggregate_function`, `remove_function`
// not declared (not compiled without feature `window`): `create_window_function`
// not declared (not compiled without feature `hooks`): `commit_hook`, `rollback_hook`, `update_hook`, `wal_hook`, `progress_handler`, `authorizer`
// not declared (not compiled without feature `preupdate_hook`): `preupdate_hook`
// not declared (not compiled without feature `backup`): `backup`, `restore`
// not declared (not compiled without feature `blob`): `blob_open`
// not declared (not compiled without feature `load_extension`): `load_extension_enable`, `load_extension_disable`, `load_extension`
// not declared (not compiled without feature `loadable_extension`): `extension_init2`
// not declared (not compiled without feature `trace`): `trace`, `profile`, `trace_v2`
// not declared (not compiled without feature `limits`): `limit`, `set_limit`
// not declared (not compiled without feature `serialize`): `serialize`, `deserialize_read_exact`, `deserialize_bytes`, `deserialize`
// not declared (not compiled without feature `session`): `apply`, `apply_strm`
// not declared (not compiled without feature `vtab`): `create_module`
// not declared (not compiled without feature `collation`): `create_collation`, `collation_needed`, `remove_collation`

/// The async twins of `rusqlite::Connection`'s methods.
#[asyncify(remote = rusqlite::Connection)]
pub trait ConnectionAsync {
    // lib.rs
    fn open<P: AsRef<std::path::Path>>(path: P) -> Result<Self>;
    fn open_in_memory() -> Result<Self>;
    fn open_with_flags<P: AsRef<std::path::Path>>(
        path: P,
        flags: rusqlite::OpenFlags,
    ) -> Result<Self>;
    fn open_with_flags_and_vfs<P: AsRef<std::path::Path>, V: Name>(
        path: P,
        flags: rusqlite::OpenFlags,
        vfs: V,
    ) -> Result<Self>;
    fn open_in_memory_with_flags(flags: rusqlite::OpenFlags) -> Result<Self>;
    fn open_in_memory_with_flags_and_vfs<V: Name>(
        flags: rusqlite::OpenFlags,
        vfs: V,
    ) -> Result<Self>;
    fn execute_batch(&self, sql: &str) -> Result<()>;
    fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize>;
    // no twin: returns a borrow of the connection; instead: `db.offload(|c| c.path().map(str::to_owned))`
    #[asyncify(skip)]
    fn path(&self) -> Option<&str>;
    fn release_memory(&self) -> Result<()>;
    fn last_insert_rowid(&self) -> i64;
    fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>;
    fn query_one<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>;
    fn query_row_and_then<T, E, P, F>(&self, sql: &str, params: P, f: F) -> Result<T, E>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T, E>,
        E: From<rusqlite::Error>;
    // no twin: returns a borrow of the connection (a statement); instead: prepare and use it in one closure, `db.offload(move |c| c.prepare(&sql)?.query_map([], |row| row.get(0))?.collect::<Result<Vec<String>>>())`
    #[asyncify(skip)]
    fn prepare(&self, sql: &str) -> Result<rusqlite::Statement<'_>>;
    // no twin: returns a borrow of the connection (a statement); instead: prepare and use it in one closure, `db.offload(move |c| c.prepare(&sql)?.query_map([], |row| row.get(0))?.collect::<Result<Vec<String>>>())`
    #[asyncify(skip)]
    fn prepare_with_flags(
        &self,
        sql: &str,
        flags: rusqlite::PrepFlags,
    ) -> Result<rusqlite::Statement<'_>>;
    // no twin: takes `self` by value, and a handle only lends the client; instead: take the connection back (`Exclusive::try_unwrap`) and close it inside `asyncify::unblock`
    #[asyncify(skip)]
    fn close(self) -> Result<(), (Self, rusqlite::Error)>;
    // no twin: an `unsafe fn` (a raw pointer); instead: call it inside `db.offload(|c| unsafe { .. })` where its contract can be checked
    #[asyncify(skip)]
    unsafe fn handle(&self) -> *mut rusqlite::ffi::sqlite3;
    // no twin: an `unsafe fn` (a raw pointer); instead: call it inside `db.offload(|c| unsafe { .. })` where its contract can be checked
    #[asyncify(skip)]
    unsafe fn from_handle(db: *mut rusqlite::ffi::sqlite3) -> Result<Self>;
    // no twin: an `unsafe fn` (a raw pointer); instead: call it inside `db.offload(|c| unsafe { .. })` where its contract can be checked
    #[asyncify(skip)]
    unsafe fn from_handle_owned(db: *mut rusqlite::ffi::sqlite3) -> Result<Self>;
    fn get_interrupt_handle(&self) -> InterruptHandle;
    fn changes(&self) -> u64;
    fn total_changes(&self) -> u64;
    fn is_autocommit(&self) -> bool;
    fn is_busy(&self) -> bool;
    fn cache_flush(&self) -> Result<()>;
    // `Name` is implemented for `&str` and `&CStr` only, so the twins of the
    // `N: Name` methods take `'static` names (literals); a name built at run
    // time goes in a closure, `db.offload(move |c| c.table_exists(None, name.as_str()))`.
    fn is_readonly<N: Name>(&self, db_name: N) -> Result<bool>;
    fn db_name(&self, index: usize) -> Result<String>;
    fn is_interrupted(&self) -> bool;
    fn set_errmsg(&self, code: c_int, msg: Option<&CStr>) -> Result<()>;

    // busy.rs
    fn busy_timeout(&self, timeout: Duration) -> Result<()>;
    fn busy_handler(&self, callback: Option<fn(i32) -> bool>) -> Result<()>;

    // column.rs
    fn column_exists<N: Name>(
        &self,
        db_name: Option<N>,
        table_name: N,
        column_name: N,
    ) -> Result<bool>;
    fn table_exists<N: Name>(&self, db_name: Option<N>, table_name: N) -> Result<bool>;
    // no twin: returns borrows of the connection (`&CStr`); instead: `db.offload(|c| c.column_metadata(None, "t", "c").map(|(ty, coll, ..)| (ty.map(CStr::to_owned), coll.map(CStr::to_owned))))`
    #[asyncify(skip)]
    fn column_metadata<N: Name>(
        &self,
        db_name: Option<N>,
        table_name: N,
        column_name: N,
    ) -> Result<(Option<&CStr>, Option<&CStr>, bool, bool, bool)>;

    // cache.rs
    // no twin: returns a borrow of the connection (a statement); instead: prepare and use it in one closure, `db.offload(move |c| c.prepare(&sql)?.query_map([], |row| row.get(0))?.collect::<Result<Vec<String>>>())`
    #[asyncify(skip)]
    fn prepare_cached(&self, sql: &str) -> Result<rusqlite::CachedStatement<'_>>;
    fn set_prepared_statement_cache_capacity(&self, capacity: usize);
    fn flush_prepared_statement_cache(&self);

    // transaction.rs
    // no twin: returns a borrow of the connection (a transaction); instead: run the whole transaction in one closure, `db.offload_mut(move |c| { let tx = c.transaction()?; tx.execute(..)?; tx.commit() })`
    #[asyncify(skip)]
    fn transaction(&mut self) -> Result<rusqlite::Transaction<'_>>;
    // no twin: returns a borrow of the connection (a transaction); instead: run the whole transaction in one closure, `db.offload_mut(move |c| { let tx = c.transaction()?; tx.execute(..)?; tx.commit() })`
    #[asyncify(skip)]
    fn transaction_with_behavior(
        &mut self,
        behavior: TransactionBehavior,
    ) -> Result<rusqlite::Transaction<'_>>;
    // no twin: returns a borrow of the connection (a transaction); instead: run the whole transaction in one closure, `db.offload_mut(move |c| { let tx = c.transaction()?; tx.execute(..)?; tx.commit() })`
    #[asyncify(skip)]
    fn unchecked_transaction(&self) -> Result<rusqlite::Transaction<'_>>;
    // no twin: returns a borrow of the connection (a transaction); instead: run the whole transaction in one closure, `db.offload_mut(move |c| { let tx = c.transaction()?; tx.execute(..)?; tx.commit() })`
    #[asyncify(skip)]
    fn savepoint(&mut self) -> Result<rusqlite::Savepoint<'_>>;
    // no twin: returns a borrow of the connection (a transaction); instead: run the whole transaction in one closure, `db.offload_mut(move |c| { let tx = c.transaction()?; tx.execute(..)?; tx.commit() })`
    #[asyncify(skip)]
    fn savepoint_with_name<T: Into<String>>(&mut self, name: T) -> Result<rusqlite::Savepoint<'_>>;
    fn transaction_state<N: Name>(&self, db_name: Option<N>) -> Result<TransactionState>;
    fn set_transaction_behavior(&mut self, behavior: TransactionBehavior);

    // pragma.rs
    fn pragma_query_value<T, F>(
        &self,
        schema_name: Option<&str>,
        pragma_name: &str,
        f: F,
    ) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>;
    fn pragma_query<F>(&self, schema_name: Option<&str>, pragma_name: &str, f: F) -> Result<()>
    where
        F: FnMut(&Row<'_>) -> Result<()>;
    fn pragma<F, V>(
        &self,
        schema_name: Option<&str>,
        pragma_name: &str,
        pragma_value: V,
        f: F,
    ) -> Result<()>
    where
        F: FnMut(&Row<'_>) -> Result<()>,
        V: ToSql;
    fn pragma_update<V>(
        &self,
        schema_name: Option<&str>,
        pragma_name: &str,
        pragma_value: V,
    ) -> Result<()>
    where
        V: ToSql;
    fn pragma_update_and_check<F, T, V>(
        &self,
        schema_name: Option<&str>,
        pragma_name: &str,
        pragma_value: V,
        f: F,
    ) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
        V: ToSql;

    // config.rs
    fn db_config(&self, config: DbConfig) -> Result<bool>;
    fn set_db_config(&self, config: DbConfig, new_val: bool) -> Result<bool>;
}
