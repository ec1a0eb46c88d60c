//! `redis::Connection`'s declared twins (tests/coverage/redis.rs), called
//! against a real Redis server at `REDIS_URL`.

#[path = "coverage/redis.rs"]
mod redis_api;
#[path = "coverage/servers.rs"]
mod servers;

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Arc;

use asyncify::{Exclusive, unblock};
use redis::{Commands as _, ControlFlow, RedisResult, Value};
use redis_api::ConnectionAsync;
use servers::bounded;

const HOW: &str = "`.ci/servers start`, or `redis-server --port 6379 --save ''`; \
                   e.g. REDIS_URL=redis://127.0.0.1:6379";

async fn connect(url: &str) -> Exclusive<redis::Connection> {
    // A constructor has no twin in a remote declaration: `unblock` it.
    let url = url.to_owned();
    let connection = unblock(move || redis::Client::open(url)?.get_connection())
        .await
        .unwrap();
    Exclusive::new(connection)
}

#[tokio::test]
async fn command_twins_write_and_read_back() {
    let Some(url) = servers::address("REDIS_URL", HOW) else {
        return;
    };
    bounded(async {
        let writer = connect(&url).await;
        let reader = connect(&url).await;
        let key = servers::unique("coverage:redis:");
        // Generic arguments and a generic result type.
        writer
            .set_async::<_, _, ()>(key.clone(), "v1")
            .await
            .unwrap();
        let value: Option<String> = reader.get_async(key.clone()).await.unwrap();
        assert_eq!(value.as_deref(), Some("v1"));
        // A borrowed slice of pairs, copied for the pool.
        let pairs = [(format!("{key}:a"), 1), (format!("{key}:b"), 2)];
        writer.mset_async::<_, _, ()>(&pairs).await.unwrap();
        let both: Vec<i64> = reader
            .mget_async(vec![format!("{key}:a"), format!("{key}:b")])
            .await
            .unwrap();
        assert_eq!(both, [1, 2]);
        let hash = format!("{key}:h");
        writer
            .hset_multiple_async::<_, _, _, ()>(hash.clone(), &[("x", 10), ("y", 20)])
            .await
            .unwrap();
        let all: HashMap<String, i64> = reader.hgetall_async(hash.clone()).await.unwrap();
        assert_eq!(all, HashMap::from([("x".into(), 10), ("y".into(), 20)]));
        // `Option` arguments.
        let list = format!("{key}:l");
        let _: usize = writer.rpush_async(list.clone(), &[1, 2, 3]).await.unwrap();
        let popped: Vec<i64> = writer
            .lpop_async(list.clone(), NonZeroUsize::new(2))
            .await
            .unwrap();
        assert_eq!(popped, [1, 2]);
        let zset = format!("{key}:z");
        let _: usize = writer
            .zadd_multiple_async(zset.clone(), &[(1, "one"), (2, "two")])
            .await
            .unwrap();
        let members: Vec<String> = reader
            .zrandmember_async(zset.clone(), Some(5))
            .await
            .unwrap();
        assert_eq!(members.len(), 2);
        // The transport twin, with a borrowed `&Cmd`.
        let pong = reader.req_command_async(&redis::cmd("PING")).await.unwrap();
        assert_eq!(pong, Value::SimpleString("PONG".into()));
        assert!(reader.check_connection_async().await);

        let removed: usize = writer
            .del_async(vec![
                key.clone(),
                format!("{key}:a"),
                format!("{key}:b"),
                hash,
                list,
                zset,
            ])
            .await
            .unwrap();
        // The list still holds one item.
        assert_eq!(removed, 6);
    })
    .await;
}

#[tokio::test]
async fn server_errors_and_the_scan_idiom() {
    let Some(url) = servers::address("REDIS_URL", HOW) else {
        return;
    };
    bounded(async {
        let con = connect(&url).await;
        let key = servers::unique("coverage:redis:");
        con.set_async::<_, _, ()>(key.clone(), "not a number")
            .await
            .unwrap();
        let error = con
            .incr_async::<_, _, i64>(key.clone(), 1)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("not an integer"), "{error}");

        for i in 0..5 {
            con.set_async::<_, _, ()>(format!("{key}:scan:{i}"), i)
                .await
                .unwrap();
        }
        // A cursor iterator borrows the connection: iterate in one closure.
        let pattern = format!("{key}:scan:*");
        let mut found = con
            .offload_mut(move |c| {
                c.scan_match::<_, String>(pattern)?
                    .collect::<RedisResult<Vec<String>>>()
            })
            .await
            .unwrap();
        found.sort();
        assert_eq!(found.len(), 5);
        assert_eq!(found[0], format!("{key}:scan:0"));
        let _: usize = con.del_async(found).await.unwrap();
        let _: usize = con.del_async(key).await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn concurrent_increments_take_turns_and_subscribe_with_a_callback() {
    let Some(url) = servers::address("REDIS_URL", HOW) else {
        return;
    };
    bounded(async {
        let con = Arc::new(connect(&url).await);
        let key = servers::unique("coverage:redis:");
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let con = con.clone();
                let key = key.clone();
                tokio::spawn(async move { con.incr_async::<_, _, i64>(key, 1).await.unwrap() })
            })
            .collect();
        let mut seen = Vec::new();
        for task in tasks {
            seen.push(task.await.unwrap());
        }
        seen.sort_unstable();
        assert_eq!(seen, (1..=20).collect::<Vec<i64>>());
        let _: usize = con.del_async(key.clone()).await.unwrap();

        // `subscribe` blocks until the callback breaks: a twin runs it on the
        // pool while this task publishes.
        let subscriber = connect(&url).await;
        let channel = format!("{key}:channel");
        let received = tokio::spawn(subscriber.subscribe_async(channel.clone(), |message| {
            ControlFlow::Break(message.get_payload::<String>().unwrap())
        }));
        loop {
            let listeners: usize = con.publish_async(channel.clone(), "hello").await.unwrap();
            if listeners > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(received.await.unwrap().unwrap(), "hello");
    })
    .await;
}
