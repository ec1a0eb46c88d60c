//! Every public method of `postgres::Client` (postgres 0.19, no features)
//! that takes `self`, declared as postgres's source writes it. The client
//! lives in an `Exclusive`, so even a method without I/O (`is_closed`) is
//! reached through the handle, and waits for its turn there: it gets a twin
//! too.
//!
//! The `GenericClient` trait that `Client` implements repeats the inherent
//! `execute`, `query`, .. and `transaction` with the same signatures (the
//! inherent methods are what `<Client>::execute` calls), so it adds nothing
//! to declare.
//!
//! `coverage_table.rs` counts this file for the README's table (see
//! `sqlite.rs` for the conventions).

use asyncify::asyncify;
use postgres::types::Type;
use postgres::{Error, SimpleQueryMessage, Statement};
use std::time::Duration;

// not declared (no I/O and no `self`): `configure` (returns a `Config` builder: call `Client::configure()` directly)

/// The async twins of `postgres::Client`'s blocking methods.
#[asyncify(remote = postgres::Client)]
pub trait ClientAsync {
    fn connect<T>(params: &str, tls_mode: T) -> Result<postgres::Client, Error>
    where
        T: postgres::tls::MakeTlsConnect<postgres::Socket> + 'static + Send,
        T::TlsConnect: Send,
        T::Stream: Send,
        <T::TlsConnect as postgres::tls::TlsConnect<postgres::Socket>>::Future: Send;
    // no twin: the parameters borrow inside (`&[&(dyn ToSql + Sync)]`), which the twin's future cannot own; instead: capture owned values and borrow them in the closure, `db.offload_mut(move |c| c.query("select $1::text", &[&name]))`
    #[asyncify(skip)]
    fn execute<T>(
        &mut self,
        query: &T,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<u64, Error>
    where
        T: ?Sized + postgres::ToStatement;
    // no twin: the parameters borrow inside (`&[&(dyn ToSql + Sync)]`), which the twin's future cannot own; instead: capture owned values and borrow them in the closure, `db.offload_mut(move |c| c.query("select $1::text", &[&name]))`
    #[asyncify(skip)]
    fn execute_typed(
        &mut self,
        query: &str,
        params: &[(&(dyn postgres::types::ToSql + Sync), Type)],
    ) -> Result<u64, Error>;
    // no twin: the parameters borrow inside (`&[&(dyn ToSql + Sync)]`), which the twin's future cannot own; instead: capture owned values and borrow them in the closure, `db.offload_mut(move |c| c.query("select $1::text", &[&name]))`
    #[asyncify(skip)]
    fn query<T>(
        &mut self,
        query: &T,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>, Error>
    where
        T: ?Sized + postgres::ToStatement;
    // no twin: the parameters borrow inside (`&[&(dyn ToSql + Sync)]`), which the twin's future cannot own; instead: capture owned values and borrow them in the closure, `db.offload_mut(move |c| c.query("select $1::text", &[&name]))`
    #[asyncify(skip)]
    fn query_one<T>(
        &mut self,
        query: &T,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<postgres::Row, Error>
    where
        T: ?Sized + postgres::ToStatement;
    // no twin: the parameters borrow inside (`&[&(dyn ToSql + Sync)]`), which the twin's future cannot own; instead: capture owned values and borrow them in the closure, `db.offload_mut(move |c| c.query("select $1::text", &[&name]))`
    #[asyncify(skip)]
    fn query_opt<T>(
        &mut self,
        query: &T,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Option<postgres::Row>, Error>
    where
        T: ?Sized + postgres::ToStatement;
    // no twin: returns a borrow of the client (a row iterator); instead: collect in the closure, `db.offload_mut(move |c| c.query_raw(&sql, params)?.collect::<Vec<postgres::Row>>())` (`fallible_iterator::FallibleIterator`)
    #[asyncify(skip)]
    fn query_raw<T, P, I>(&mut self, query: &T, params: I) -> Result<postgres::RowIter<'_>, Error>
    where
        T: ?Sized + postgres::ToStatement,
        P: postgres::types::BorrowToSql,
        I: IntoIterator<Item = P>,
        I::IntoIter: ExactSizeIterator;
    // no twin: the parameters borrow inside (`&[&(dyn ToSql + Sync)]`), which the twin's future cannot own; instead: capture owned values and borrow them in the closure, `db.offload_mut(move |c| c.query("select $1::text", &[&name]))`
    #[asyncify(skip)]
    fn query_typed(
        &mut self,
        query: &str,
        params: &[(&(dyn postgres::types::ToSql + Sync), Type)],
    ) -> Result<Vec<postgres::Row>, Error>;
    // no twin: the parameters borrow inside (`&[&(dyn ToSql + Sync)]`), which the twin's future cannot own; instead: capture owned values and borrow them in the closure, `db.offload_mut(move |c| c.query("select $1::text", &[&name]))`
    #[asyncify(skip)]
    fn query_typed_one(
        &mut self,
        query: &str,
        params: &[(&(dyn postgres::types::ToSql + Sync), Type)],
    ) -> Result<postgres::Row, Error>;
    // no twin: the parameters borrow inside (`&[&(dyn ToSql + Sync)]`), which the twin's future cannot own; instead: capture owned values and borrow them in the closure, `db.offload_mut(move |c| c.query("select $1::text", &[&name]))`
    #[asyncify(skip)]
    fn query_typed_opt(
        &mut self,
        query: &str,
        params: &[(&(dyn postgres::types::ToSql + Sync), Type)],
    ) -> Result<Option<postgres::Row>, Error>;
    // no twin: returns a borrow of the client (a row iterator); instead: collect in the closure, `db.offload_mut(move |c| c.query_raw(&sql, params)?.collect::<Vec<postgres::Row>>())` (`fallible_iterator::FallibleIterator`)
    #[asyncify(skip)]
    fn query_typed_raw<P, I>(
        &mut self,
        query: &str,
        params: I,
    ) -> Result<postgres::RowIter<'_>, Error>
    where
        P: postgres::types::BorrowToSql,
        I: IntoIterator<Item = (P, Type)>;
    fn prepare(&mut self, query: &str) -> Result<Statement, Error>;
    fn prepare_typed(&mut self, query: &str, types: &[Type]) -> Result<Statement, Error>;
    // no twin: returns a borrow of the client (a COPY writer or reader); instead: do the whole COPY in one closure, `db.offload_mut(move |c| { let mut w = c.copy_in(&sql)?; w.write_all(&data)?; w.finish() })`
    #[asyncify(skip)]
    fn copy_in<T>(&mut self, query: &T) -> Result<postgres::CopyInWriter<'_>, Error>
    where
        T: ?Sized + postgres::ToStatement;
    // no twin: returns a borrow of the client (a COPY writer or reader); instead: do the whole COPY in one closure, `db.offload_mut(move |c| { let mut w = c.copy_in(&sql)?; w.write_all(&data)?; w.finish() })`
    #[asyncify(skip)]
    fn copy_out<T>(&mut self, query: &T) -> Result<postgres::CopyOutReader<'_>, Error>
    where
        T: ?Sized + postgres::ToStatement;
    fn simple_query(&mut self, query: &str) -> Result<Vec<SimpleQueryMessage>, Error>;
    fn is_valid(&mut self, timeout: Duration) -> Result<(), Error>;
    fn batch_execute(&mut self, query: &str) -> Result<(), Error>;
    fn check_connection(&mut self) -> Result<(), Error>;
    // no twin: returns a borrow of the client (a transaction); instead: run the whole transaction in one closure, `db.offload_mut(move |c| { let mut tx = c.transaction()?; tx.execute(..)?; tx.commit() })`
    #[asyncify(skip)]
    fn transaction(&mut self) -> Result<postgres::Transaction<'_>, Error>;
    // no twin: returns a borrow of the client (a transaction); instead: run the whole transaction in one closure, `db.offload_mut(move |c| { let mut tx = c.transaction()?; tx.execute(..)?; tx.commit() })`
    #[asyncify(skip)]
    fn build_transaction(&mut self) -> postgres::TransactionBuilder<'_>;
    // no twin: returns a borrow of the client (a notification iterator); instead: `db.offload_mut(|c| c.notifications().timeout_iter(Duration::from_secs(5)).collect::<Vec<_>>())`
    #[asyncify(skip)]
    fn notifications(&mut self) -> postgres::Notifications<'_>;
    // No I/O, but the client is only reached through its handle, so these
    // wait for their turn like the others.
    fn cancel_token(&self) -> postgres::CancelToken;
    fn clear_type_cache(&self);
    fn is_closed(&self) -> bool;
    // no twin: takes `self` by value, and a handle only lends the client; instead: take the client back (`Exclusive::try_unwrap`) and close it inside `asyncify::unblock`
    #[asyncify(skip)]
    fn close(self) -> Result<(), Error>;
}
