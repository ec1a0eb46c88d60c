//! The sync `redis` client against a real Redis server (`REDIS_URL`; start it
//! with `.ci/servers start`): `redis::Client` is `Clone` (no handle needed),
//! `redis::Connection` has `&mut self` commands, so it lives in an
//! `Exclusive`.

mod common;

use asyncify::{Exclusive, asyncify};
use common::{panic_message, server_address, unique_name, within};
use redis::{
    Client, Commands, Connection, ErrorKind, FromRedisValue, RedisResult, ServerErrorKind,
    ToRedisArgs, ToSingleRedisArg,
};

#[asyncify(remote = redis::Client)]
trait ClientAsync {
    fn get_connection(&self) -> RedisResult<Connection>;
}

#[asyncify(remote = redis::Connection)]
trait ConnectionAsync {
    fn set<K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
    ) -> RedisResult<RV>;
    fn get<K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn incr<K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        delta: V,
    ) -> RedisResult<RV>;
    fn lpush<K: ToSingleRedisArg, V: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
    ) -> RedisResult<RV>;
}

/// A new connection to the test server, or `None` (the test is skipped).
async fn connect() -> Option<Exclusive<Connection>> {
    let url = server_address("REDIS_URL")?;
    // `Client::open` has no `self` (so no twin); it only parses the URL.
    let client = Client::open(url).expect("bad REDIS_URL");
    let connection = within("get_connection", client.get_connection_async()).await;
    Some(Exclusive::new(
        connection.expect("cannot connect to REDIS_URL"),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_set_through_one_connection_are_read_through_another() {
    let Some(writer) = connect().await else {
        return;
    };
    let Some(reader) = connect().await else {
        return;
    };
    let key = unique_name("asyncify-test");

    let () = within("set", writer.set_async(key.clone(), "written by one"))
        .await
        .unwrap();
    let read: String = within("get", reader.get_async(key.clone())).await.unwrap();
    assert_eq!(read, "written by one");

    let missing: Option<String> = within("get", reader.get_async(key + "-missing"))
        .await
        .unwrap();
    assert_eq!(missing, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_take_turns_on_one_connection() {
    let Some(connection) = connect().await else {
        return;
    };
    let counter = unique_name("asyncify-test-counter");
    let total = unique_name("asyncify-test-total");

    // 20 tasks: INCR through a twin, and a GET then a SET (a read-modify-write
    // that loses updates unless the calls take turns) in one closure.
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let connection = connection.clone();
            let (counter, total) = (counter.clone(), total.clone());
            tokio::spawn(async move {
                let after: i64 = connection.incr_async(counter, 1).await?;
                connection
                    .offload_mut(move |c| {
                        let seen: Option<i64> = c.get(&total)?;
                        c.set::<_, _, ()>(&total, seen.unwrap_or(0) + 1)?;
                        RedisResult::Ok(after)
                    })
                    .await
            })
        })
        .collect();
    let mut seen = Vec::new();
    for task in tasks {
        seen.push(within("a writer", task).await.unwrap().unwrap());
    }
    seen.sort_unstable();
    assert_eq!(
        seen,
        (1..=20).collect::<Vec<i64>>(),
        "each INCR saw its own value"
    );

    let incremented: i64 = connection.get_async(counter).await.unwrap();
    let summed: i64 = connection.get_async(total).await.unwrap();
    assert_eq!((incremented, summed), (20, 20));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_come_back_as_redis_errors() {
    let Some(connection) = connect().await else {
        return;
    };
    let key = unique_name("asyncify-test");
    let () = connection
        .set_async(key.clone(), "not a number")
        .await
        .unwrap();

    // "ERR value is not an integer or out of range"
    let error = connection
        .incr_async::<_, _, i64>(key.clone(), 1)
        .await
        .expect_err("INCR of a string must fail");
    assert_eq!(
        error.kind(),
        ErrorKind::Server(ServerErrorKind::ResponseError),
        "{error:?}"
    );
    assert_eq!(error.code(), Some("ERR"), "{error:?}");

    // "WRONGTYPE Operation against a key holding the wrong kind of value"
    let error = connection
        .lpush_async::<_, _, i64>(key.clone(), "x")
        .await
        .expect_err("LPUSH onto a string must fail");
    assert_eq!(error.kind(), ErrorKind::Extension, "{error:?}");
    assert_eq!(error.code(), Some("WRONGTYPE"), "{error:?}");

    // A reply of the wrong type for the caller is the client's own error.
    let error = connection
        .get_async::<_, i64>(key.clone())
        .await
        .expect_err("a string is not an i64");
    assert_eq!(error.kind(), ErrorKind::Parse, "{error:?}");

    // The connection is still in step with the server.
    let value: String = connection.get_async(key).await.unwrap();
    assert_eq!(value, "not a number");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_a_closure_reaches_the_awaiter_and_the_connection_stays_usable() {
    let Some(connection) = connect().await else {
        return;
    };
    let key = unique_name("asyncify-test");
    let () = connection.set_async(key.clone(), 7).await.unwrap();

    let read_then_panic = connection.offload_mut({
        let key = key.clone();
        move |c| {
            let value: i64 = c.get(&key).unwrap();
            panic!("the closure panicked after reading {value}");
        }
    });
    let payload = within("the panicking call", tokio::spawn(read_then_panic))
        .await
        .expect_err("the panic must reach the awaiting task")
        .into_panic();
    assert_eq!(
        panic_message(&*payload),
        "the closure panicked after reading 7"
    );

    let after: i64 = within("incr", connection.incr_async(key, 1)).await.unwrap();
    assert_eq!(after, 8);
}
