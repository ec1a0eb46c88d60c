//! Every public method of `redis::Connection` (redis 1.2, no features),
//! declared as redis's source writes it. The connection lives in an
//! `Exclusive`, so even a method without I/O (`get_db`) is reached through
//! the handle, and waits for its turn there: it gets a twin too.
//!
//! Most of redis's API is in traits that `Connection` implements, so
//! "methods of `Connection`" here means every method that can be called on a
//! `Connection` with redis's sync traits in scope:
//!
//! - its inherent methods;
//! - `ConnectionLike` (the transport: send a packed command, read replies);
//! - `Commands`: one method per Redis command (`get`, `set`, `hset`, ..) with
//!   a generic result `RV: FromRedisValue`, as the `implement_commands!`
//!   macro in `redis/src/commands/mod.rs` writes them into the trait
//!   (`fn $name<'a, $(tyargs)*, RV: FromRedisValue>(&mut self, $(args)*) ->
//!   RedisResult<RV>`), plus the `scan` iterators;
//! - `PubSubCommands` and `HotkeysCommands`.
//!
//! `TypedCommands` repeats every `Commands` method under the same name with a
//! fixed result type. Two traits with the same method names cannot be in
//! scope for one declaration (the twin calls `<Connection>::get`, which would
//! be ambiguous), so it is not declared: use `Commands` twins with a result
//! type, `con.get_async::<_, Option<String>>("key")`, or declare the typed
//! ones in a module of their own where only `TypedCommands` is in scope.
//! `redis::cmd(..)`/`redis::pipe()` build commands without a connection; run
//! them with `req_command_async(&cmd)` (a twin) or in a closure,
//! `con.offload_mut(move |c| pipe.query::<(i64, i64)>(c))`.
//!
//! The `Commands` declarations were generated from the crate's source by
//! `redis_commands.py` (next to this file), which applies the macro's rule to
//! each `implement_commands!` entry (the list is long and regular), then
//! formatted by rustfmt; the methods behind features this build does not
//! enable are listed below and not declared.
//!
//! `coverage_table.rs` counts this file for the README's table (see
//! `sqlite.rs` for the conventions).

use std::time::Duration;

use asyncify::asyncify;
use redis::{
    Cmd, ControlFlow, CopyOptions, Direction, ExpireOption, Expiry, FlushAllOptions,
    FlushDbOptions, FromRedisValue, HashFieldExpirationOptions, HotkeysOptions, HotkeysResponse,
    LposOptions, MSetOptions, Msg, RedisResult, SetOptions, SortedSetAddOptions, ToRedisArgs,
    ToSingleRedisArg, Value, ValueComparison,
};
// The twins call `<redis::Connection>::get` and friends: the traits that
// define them must be in scope.
#[allow(unused_imports)]
use redis::{Commands, ConnectionLike, HotkeysCommands, PubSubCommands};

// not declared (not compiled without feature `vector-sets`): `vadd`, `vadd_options`, `vcard`, `vdim`, `vemb`, `vemb_options`, `vrem`, `vsetattr`, `vdelattr`, `vgetattr`, `vinfo`, `vlinks`, `vlinks_with_scores`, `vrandmember`, `vrandmember_multiple`, `vsim`, `vsim_options`
// not declared (not compiled without feature `acl`): `acl_load`, `acl_save`, `acl_list`, `acl_users`, `acl_getuser`, `acl_setuser`, `acl_setuser_rules`, `acl_deluser`, `acl_dryrun`, `acl_cat`, `acl_cat_categoryname`, `acl_genpass`, `acl_genpass_bits`, `acl_whoami`, `acl_log`, `acl_log_reset`, `acl_help`
// not declared (not compiled without feature `geospatial`): `geo_add`, `geo_dist`, `geo_hash`, `geo_pos`, `geo_radius`, `geo_radius_by_member`
// not declared (not compiled without feature `streams`): `xack`, `xadd`, `xadd_map`, `xadd_options`, `xadd_maxlen`, `xadd_maxlen_map`, `xautoclaim_options`, `xclaim`, `xclaim_options`, `xdel`, `xdel_ex`, `xack_del`, `xgroup_create`, `xgroup_createconsumer`, `xgroup_create_mkstream`, `xgroup_setid`, `xgroup_destroy`, `xgroup_delconsumer`, `xinfo_consumers`, `xinfo_groups`, `xinfo_stream`, `xinfo_stream_with_idempotency`, `xlen`, `xpending`, `xpending_count`, `xpending_consumer_count`, `xrange`, `xrange_all`, `xrange_count`, `xread`, `xread_options`, `xrevrange`, `xrevrange_all`, `xrevrange_count`, `xtrim`, `xtrim_options`, `xcfgset`
// not declared (not compiled without feature `script`): `load_script`, `invoke_script`

/// The async twins of `redis::Connection`'s blocking methods.
#[asyncify(remote = redis::Connection)]
pub trait ConnectionAsync {
    // impl Connection
    fn send_packed_command(&mut self, cmd: &[u8]) -> RedisResult<()>;
    fn recv_response(&mut self) -> RedisResult<Value>;
    fn set_write_timeout(&self, dur: Option<Duration>) -> RedisResult<()>;
    fn set_read_timeout(&self, dur: Option<Duration>) -> RedisResult<()>;
    // no twin: returns a borrow of the connection (a subscriber); instead: subscribe and read in one closure, `con.offload_mut(move |c| { let mut ps = c.as_pubsub(); ps.subscribe(&channel)?; ps.get_message() })`, or the `subscribe_async` twin with a callback
    #[asyncify(skip)]
    fn as_pubsub(&mut self) -> redis::PubSub<'_>;
    // The source writes `SyncPushSender`, a crate-private alias of this type.
    fn set_push_sender(&mut self, sender: std::sync::mpsc::Sender<redis::PushInfo>);
    fn subscribe_resp3<T: ToRedisArgs>(&mut self, channel: T) -> RedisResult<()>;
    fn psubscribe_resp3<T: ToRedisArgs>(&mut self, pchannel: T) -> RedisResult<()>;
    fn unsubscribe_resp3<T: ToRedisArgs>(&mut self, channel: T) -> RedisResult<()>;
    fn punsubscribe_resp3<T: ToRedisArgs>(&mut self, pchannel: T) -> RedisResult<()>;

    // ConnectionLike
    fn req_packed_command(&mut self, cmd: &[u8]) -> RedisResult<Value>;
    fn req_packed_commands(
        &mut self,
        cmd: &[u8],
        offset: usize,
        count: usize,
    ) -> RedisResult<Vec<Value>>;
    fn req_command(&mut self, cmd: &Cmd) -> RedisResult<Value>;
    fn get_db(&self) -> i64;
    fn supports_pipelining(&self) -> bool;
    fn check_connection(&mut self) -> bool;
    fn is_open(&self) -> bool;

    // PubSubCommands
    fn subscribe<C, F, U>(&mut self, _: C, _: F) -> RedisResult<U>
    where
        F: FnMut(Msg) -> ControlFlow<U>,
        C: ToRedisArgs;
    fn psubscribe<P, F, U>(&mut self, _: P, _: F) -> RedisResult<U>
    where
        F: FnMut(Msg) -> ControlFlow<U>,
        P: ToRedisArgs;

    // HotkeysCommands
    fn hotkeys_start(&mut self, opts: HotkeysOptions) -> RedisResult<()>
    where
        Self: Sized;
    fn hotkeys_get(&mut self) -> RedisResult<Option<HotkeysResponse>>
    where
        Self: Sized;
    fn hotkeys_stop(&mut self) -> RedisResult<bool>
    where
        Self: Sized;
    fn hotkeys_reset(&mut self) -> RedisResult<()>
    where
        Self: Sized;

    // Commands: the iterators (`implement_iterators!`)
    // no twin: returns a borrow of the connection (a cursor iterator that fetches pages as it goes); instead: iterate in the closure, `con.offload_mut(|c| c.scan_match::<_, String>("user:*")?.collect::<RedisResult<Vec<String>>>())`
    #[asyncify(skip)]
    fn scan<RV: FromRedisValue>(&mut self) -> RedisResult<redis::Iter<'_, RV>>;
    // no twin: returns a borrow of the connection (a cursor iterator that fetches pages as it goes); instead: iterate in the closure, `con.offload_mut(|c| c.scan_match::<_, String>("user:*")?.collect::<RedisResult<Vec<String>>>())`
    #[asyncify(skip)]
    fn scan_options<RV: FromRedisValue>(
        &mut self,
        opts: redis::ScanOptions,
    ) -> RedisResult<redis::Iter<'_, RV>>;
    // no twin: returns a borrow of the connection (a cursor iterator that fetches pages as it goes); instead: iterate in the closure, `con.offload_mut(|c| c.scan_match::<_, String>("user:*")?.collect::<RedisResult<Vec<String>>>())`
    #[asyncify(skip)]
    fn scan_match<P: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        pattern: P,
    ) -> RedisResult<redis::Iter<'_, RV>>;
    // no twin: returns a borrow of the connection (a cursor iterator that fetches pages as it goes); instead: iterate in the closure, `con.offload_mut(|c| c.scan_match::<_, String>("user:*")?.collect::<RedisResult<Vec<String>>>())`
    #[asyncify(skip)]
    fn hscan<K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
    ) -> RedisResult<redis::Iter<'_, RV>>;
    // no twin: returns a borrow of the connection (a cursor iterator that fetches pages as it goes); instead: iterate in the closure, `con.offload_mut(|c| c.scan_match::<_, String>("user:*")?.collect::<RedisResult<Vec<String>>>())`
    #[asyncify(skip)]
    fn hscan_match<K: ToSingleRedisArg, P: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        pattern: P,
    ) -> RedisResult<redis::Iter<'_, RV>>;
    // no twin: returns a borrow of the connection (a cursor iterator that fetches pages as it goes); instead: iterate in the closure, `con.offload_mut(|c| c.scan_match::<_, String>("user:*")?.collect::<RedisResult<Vec<String>>>())`
    #[asyncify(skip)]
    fn sscan<K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
    ) -> RedisResult<redis::Iter<'_, RV>>;
    // no twin: returns a borrow of the connection (a cursor iterator that fetches pages as it goes); instead: iterate in the closure, `con.offload_mut(|c| c.scan_match::<_, String>("user:*")?.collect::<RedisResult<Vec<String>>>())`
    #[asyncify(skip)]
    fn sscan_match<K: ToSingleRedisArg, P: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        pattern: P,
    ) -> RedisResult<redis::Iter<'_, RV>>;
    // no twin: returns a borrow of the connection (a cursor iterator that fetches pages as it goes); instead: iterate in the closure, `con.offload_mut(|c| c.scan_match::<_, String>("user:*")?.collect::<RedisResult<Vec<String>>>())`
    #[asyncify(skip)]
    fn zscan<K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
    ) -> RedisResult<redis::Iter<'_, RV>>;
    // no twin: returns a borrow of the connection (a cursor iterator that fetches pages as it goes); instead: iterate in the closure, `con.offload_mut(|c| c.scan_match::<_, String>("user:*")?.collect::<RedisResult<Vec<String>>>())`
    #[asyncify(skip)]
    fn zscan_match<K: ToSingleRedisArg, P: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        pattern: P,
    ) -> RedisResult<redis::Iter<'_, RV>>;

    // Commands: `implement_commands!`
    fn get<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn mget<'a, K: ToRedisArgs, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn keys<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn set<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
    ) -> RedisResult<RV>;
    fn set_options<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
        options: SetOptions,
    ) -> RedisResult<RV>;
    fn mset<'a, K: ToRedisArgs, V: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        items: &'a [(K, V)],
    ) -> RedisResult<RV>;
    fn set_ex<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
        seconds: u64,
    ) -> RedisResult<RV>;
    fn pset_ex<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
        milliseconds: u64,
    ) -> RedisResult<RV>;
    fn set_nx<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
    ) -> RedisResult<RV>;
    fn mset_nx<'a, K: ToRedisArgs, V: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        items: &'a [(K, V)],
    ) -> RedisResult<RV>;
    fn mset_ex<'a, K: ToRedisArgs, V: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        items: &'a [(K, V)],
        options: MSetOptions,
    ) -> RedisResult<RV>;
    fn getset<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
    ) -> RedisResult<RV>;
    fn getrange<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        from: isize,
        to: isize,
    ) -> RedisResult<RV>;
    fn setrange<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        offset: isize,
        value: V,
    ) -> RedisResult<RV>;
    fn del<'a, K: ToRedisArgs, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn del_ex<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        value_comparison: ValueComparison,
    ) -> RedisResult<RV>;
    fn digest<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn exists<'a, K: ToRedisArgs, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn key_type<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn expire<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        seconds: i64,
    ) -> RedisResult<RV>;
    fn expire_at<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        ts: i64,
    ) -> RedisResult<RV>;
    fn pexpire<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        ms: i64,
    ) -> RedisResult<RV>;
    fn pexpire_at<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        ts: i64,
    ) -> RedisResult<RV>;
    fn expire_time<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
    ) -> RedisResult<RV>;
    fn pexpire_time<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
    ) -> RedisResult<RV>;
    fn persist<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn ttl<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn pttl<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn get_ex<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        expire_at: Expiry,
    ) -> RedisResult<RV>;
    fn get_del<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn copy<'a, KSrc: ToSingleRedisArg, KDst: ToSingleRedisArg, Db: ToString, RV: FromRedisValue>(
        &mut self,
        source: KSrc,
        destination: KDst,
        options: CopyOptions<Db>,
    ) -> RedisResult<RV>;
    fn rename<'a, K: ToSingleRedisArg, N: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        new_key: N,
    ) -> RedisResult<RV>;
    fn rename_nx<'a, K: ToSingleRedisArg, N: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        new_key: N,
    ) -> RedisResult<RV>;
    fn unlink<'a, K: ToRedisArgs, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn append<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
    ) -> RedisResult<RV>;
    fn incr<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        delta: V,
    ) -> RedisResult<RV>;
    fn decr<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        delta: V,
    ) -> RedisResult<RV>;
    fn setbit<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        offset: usize,
        value: bool,
    ) -> RedisResult<RV>;
    fn getbit<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        offset: usize,
    ) -> RedisResult<RV>;
    fn bitcount<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn bitcount_range<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        start: usize,
        end: usize,
    ) -> RedisResult<RV>;
    fn bit_and<'a, D: ToSingleRedisArg, S: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        srckeys: S,
    ) -> RedisResult<RV>;
    fn bit_or<'a, D: ToSingleRedisArg, S: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        srckeys: S,
    ) -> RedisResult<RV>;
    fn bit_xor<'a, D: ToSingleRedisArg, S: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        srckeys: S,
    ) -> RedisResult<RV>;
    fn bit_not<'a, D: ToSingleRedisArg, S: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        srckey: S,
    ) -> RedisResult<RV>;
    fn bit_diff<'a, D: ToSingleRedisArg, S: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        srckeys: S,
    ) -> RedisResult<RV>;
    fn bit_diff1<'a, D: ToSingleRedisArg, S: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        srckeys: S,
    ) -> RedisResult<RV>;
    fn bit_and_or<'a, D: ToSingleRedisArg, S: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        srckeys: S,
    ) -> RedisResult<RV>;
    fn bit_one<'a, D: ToSingleRedisArg, S: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        srckeys: S,
    ) -> RedisResult<RV>;
    fn strlen<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn hget<'a, K: ToSingleRedisArg, F: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        field: F,
    ) -> RedisResult<RV>;
    fn hmget<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        fields: F,
    ) -> RedisResult<RV>;
    fn hget_ex<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        fields: F,
        expire_at: Expiry,
    ) -> RedisResult<RV>;
    fn hdel<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        field: F,
    ) -> RedisResult<RV>;
    fn hget_del<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        fields: F,
    ) -> RedisResult<RV>;
    fn hset<'a, K: ToSingleRedisArg, F: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        field: F,
        value: V,
    ) -> RedisResult<RV>;
    fn hset_ex<'a, K: ToSingleRedisArg, F: ToRedisArgs, V: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        hash_field_expiration_options: &'a HashFieldExpirationOptions,
        fields_values: &'a [(F, V)],
    ) -> RedisResult<RV>;
    fn hset_nx<
        'a,
        K: ToSingleRedisArg,
        F: ToSingleRedisArg,
        V: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        field: F,
        value: V,
    ) -> RedisResult<RV>;
    fn hset_multiple<'a, K: ToSingleRedisArg, F: ToRedisArgs, V: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        items: &'a [(F, V)],
    ) -> RedisResult<RV>;
    fn hincr<
        'a,
        K: ToSingleRedisArg,
        F: ToSingleRedisArg,
        D: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        field: F,
        delta: D,
    ) -> RedisResult<RV>;
    fn hexists<'a, K: ToSingleRedisArg, F: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        field: F,
    ) -> RedisResult<RV>;
    fn httl<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        fields: F,
    ) -> RedisResult<RV>;
    fn hpttl<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        fields: F,
    ) -> RedisResult<RV>;
    fn hexpire<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        seconds: i64,
        opt: ExpireOption,
        fields: F,
    ) -> RedisResult<RV>;
    fn hexpire_at<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        ts: i64,
        opt: ExpireOption,
        fields: F,
    ) -> RedisResult<RV>;
    fn hexpire_time<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        fields: F,
    ) -> RedisResult<RV>;
    fn hpersist<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        fields: F,
    ) -> RedisResult<RV>;
    fn hpexpire<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        milliseconds: i64,
        opt: ExpireOption,
        fields: F,
    ) -> RedisResult<RV>;
    fn hpexpire_at<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        ts: i64,
        opt: ExpireOption,
        fields: F,
    ) -> RedisResult<RV>;
    fn hpexpire_time<'a, K: ToSingleRedisArg, F: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        fields: F,
    ) -> RedisResult<RV>;
    fn hkeys<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn hvals<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn hgetall<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn hlen<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn blmove<'a, S: ToSingleRedisArg, D: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        srckey: S,
        dstkey: D,
        src_dir: Direction,
        dst_dir: Direction,
        timeout: f64,
    ) -> RedisResult<RV>;
    fn blmpop<'a, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        timeout: f64,
        numkeys: usize,
        key: K,
        dir: Direction,
        count: usize,
    ) -> RedisResult<RV>;
    fn blpop<'a, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        timeout: f64,
    ) -> RedisResult<RV>;
    fn brpop<'a, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        timeout: f64,
    ) -> RedisResult<RV>;
    fn brpoplpush<'a, S: ToSingleRedisArg, D: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        srckey: S,
        dstkey: D,
        timeout: f64,
    ) -> RedisResult<RV>;
    fn lindex<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        index: isize,
    ) -> RedisResult<RV>;
    fn linsert_before<
        'a,
        K: ToSingleRedisArg,
        P: ToSingleRedisArg,
        V: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        pivot: P,
        value: V,
    ) -> RedisResult<RV>;
    fn linsert_after<
        'a,
        K: ToSingleRedisArg,
        P: ToSingleRedisArg,
        V: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        pivot: P,
        value: V,
    ) -> RedisResult<RV>;
    fn llen<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn lmove<'a, S: ToSingleRedisArg, D: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        srckey: S,
        dstkey: D,
        src_dir: Direction,
        dst_dir: Direction,
    ) -> RedisResult<RV>;
    fn lmpop<'a, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        numkeys: usize,
        key: K,
        dir: Direction,
        count: usize,
    ) -> RedisResult<RV>;
    fn lpop<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        count: Option<core::num::NonZeroUsize>,
    ) -> RedisResult<RV>;
    fn lpos<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
        options: LposOptions,
    ) -> RedisResult<RV>;
    fn lpush<'a, K: ToSingleRedisArg, V: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
    ) -> RedisResult<RV>;
    fn lpush_exists<'a, K: ToSingleRedisArg, V: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
    ) -> RedisResult<RV>;
    fn lrange<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        start: isize,
        stop: isize,
    ) -> RedisResult<RV>;
    fn lrem<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        count: isize,
        value: V,
    ) -> RedisResult<RV>;
    fn ltrim<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        start: isize,
        stop: isize,
    ) -> RedisResult<RV>;
    fn lset<'a, K: ToSingleRedisArg, V: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        index: isize,
        value: V,
    ) -> RedisResult<RV>;
    fn ping<'a, RV: FromRedisValue>(&mut self) -> RedisResult<RV>;
    fn ping_message<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        message: K,
    ) -> RedisResult<RV>;
    fn rpop<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        count: Option<core::num::NonZeroUsize>,
    ) -> RedisResult<RV>;
    fn rpoplpush<'a, K: ToSingleRedisArg, D: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        dstkey: D,
    ) -> RedisResult<RV>;
    fn rpush<'a, K: ToSingleRedisArg, V: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
    ) -> RedisResult<RV>;
    fn rpush_exists<'a, K: ToSingleRedisArg, V: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        value: V,
    ) -> RedisResult<RV>;
    fn sadd<'a, K: ToSingleRedisArg, M: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        member: M,
    ) -> RedisResult<RV>;
    fn scard<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn sdiff<'a, K: ToRedisArgs, RV: FromRedisValue>(&mut self, keys: K) -> RedisResult<RV>;
    fn sdiffstore<'a, D: ToSingleRedisArg, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        keys: K,
    ) -> RedisResult<RV>;
    fn sinter<'a, K: ToRedisArgs, RV: FromRedisValue>(&mut self, keys: K) -> RedisResult<RV>;
    fn sinterstore<'a, D: ToSingleRedisArg, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        keys: K,
    ) -> RedisResult<RV>;
    fn sismember<'a, K: ToSingleRedisArg, M: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        member: M,
    ) -> RedisResult<RV>;
    fn smismember<'a, K: ToSingleRedisArg, M: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        members: M,
    ) -> RedisResult<RV>;
    fn smembers<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn smove<
        'a,
        S: ToSingleRedisArg,
        D: ToSingleRedisArg,
        M: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        srckey: S,
        dstkey: D,
        member: M,
    ) -> RedisResult<RV>;
    fn spop<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn srandmember<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
    ) -> RedisResult<RV>;
    fn srandmember_multiple<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        count: isize,
    ) -> RedisResult<RV>;
    fn srem<'a, K: ToSingleRedisArg, M: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        member: M,
    ) -> RedisResult<RV>;
    fn sunion<'a, K: ToRedisArgs, RV: FromRedisValue>(&mut self, keys: K) -> RedisResult<RV>;
    fn sunionstore<'a, D: ToSingleRedisArg, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        keys: K,
    ) -> RedisResult<RV>;
    fn zadd<'a, K: ToSingleRedisArg, S: ToSingleRedisArg, M: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        member: M,
        score: S,
    ) -> RedisResult<RV>;
    fn zadd_multiple<'a, K: ToSingleRedisArg, S: ToRedisArgs, M: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        items: &'a [(S, M)],
    ) -> RedisResult<RV>;
    fn zadd_options<
        'a,
        K: ToSingleRedisArg,
        S: ToSingleRedisArg,
        M: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        member: M,
        score: S,
        options: &'a SortedSetAddOptions,
    ) -> RedisResult<RV>;
    fn zadd_multiple_options<
        'a,
        K: ToSingleRedisArg,
        S: ToRedisArgs,
        M: ToRedisArgs,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        items: &'a [(S, M)],
        options: &'a SortedSetAddOptions,
    ) -> RedisResult<RV>;
    fn zcard<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn zcount<
        'a,
        K: ToSingleRedisArg,
        M: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        min: M,
        max: MM,
    ) -> RedisResult<RV>;
    fn zincr<
        'a,
        K: ToSingleRedisArg,
        M: ToSingleRedisArg,
        D: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        member: M,
        delta: D,
    ) -> RedisResult<RV>;
    fn zinterstore<'a, D: ToSingleRedisArg, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        keys: K,
    ) -> RedisResult<RV>;
    fn zinterstore_min<'a, D: ToSingleRedisArg, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        keys: K,
    ) -> RedisResult<RV>;
    fn zinterstore_max<'a, D: ToSingleRedisArg, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        keys: K,
    ) -> RedisResult<RV>;
    fn zinterstore_weights<
        'a,
        D: ToSingleRedisArg,
        K: ToRedisArgs,
        W: ToRedisArgs,
        RV: FromRedisValue,
    >(
        &mut self,
        dstkey: D,
        keys: &'a [(K, W)],
    ) -> RedisResult<RV>;
    fn zinterstore_min_weights<
        'a,
        D: ToSingleRedisArg,
        K: ToRedisArgs,
        W: ToRedisArgs,
        RV: FromRedisValue,
    >(
        &mut self,
        dstkey: D,
        keys: &'a [(K, W)],
    ) -> RedisResult<RV>;
    fn zinterstore_max_weights<
        'a,
        D: ToSingleRedisArg,
        K: ToRedisArgs,
        W: ToRedisArgs,
        RV: FromRedisValue,
    >(
        &mut self,
        dstkey: D,
        keys: &'a [(K, W)],
    ) -> RedisResult<RV>;
    fn zlexcount<
        'a,
        K: ToSingleRedisArg,
        M: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        min: M,
        max: MM,
    ) -> RedisResult<RV>;
    fn bzpopmax<'a, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        timeout: f64,
    ) -> RedisResult<RV>;
    fn zpopmax<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        count: isize,
    ) -> RedisResult<RV>;
    fn bzpopmin<'a, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        timeout: f64,
    ) -> RedisResult<RV>;
    fn zpopmin<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        count: isize,
    ) -> RedisResult<RV>;
    fn bzmpop_max<'a, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        timeout: f64,
        keys: K,
        count: isize,
    ) -> RedisResult<RV>;
    fn zmpop_max<'a, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        keys: K,
        count: isize,
    ) -> RedisResult<RV>;
    fn bzmpop_min<'a, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        timeout: f64,
        keys: K,
        count: isize,
    ) -> RedisResult<RV>;
    fn zmpop_min<'a, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        keys: K,
        count: isize,
    ) -> RedisResult<RV>;
    fn zrandmember<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        count: Option<isize>,
    ) -> RedisResult<RV>;
    fn zrandmember_withscores<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        count: isize,
    ) -> RedisResult<RV>;
    fn zrange<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        start: isize,
        stop: isize,
    ) -> RedisResult<RV>;
    fn zrange_withscores<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        start: isize,
        stop: isize,
    ) -> RedisResult<RV>;
    fn zrangebylex<
        'a,
        K: ToSingleRedisArg,
        M: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        min: M,
        max: MM,
    ) -> RedisResult<RV>;
    fn zrangebylex_limit<
        'a,
        K: ToSingleRedisArg,
        M: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        min: M,
        max: MM,
        offset: isize,
        count: isize,
    ) -> RedisResult<RV>;
    fn zrevrangebylex<
        'a,
        K: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        M: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        max: MM,
        min: M,
    ) -> RedisResult<RV>;
    fn zrevrangebylex_limit<
        'a,
        K: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        M: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        max: MM,
        min: M,
        offset: isize,
        count: isize,
    ) -> RedisResult<RV>;
    fn zrangebyscore<
        'a,
        K: ToSingleRedisArg,
        M: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        min: M,
        max: MM,
    ) -> RedisResult<RV>;
    fn zrangebyscore_withscores<
        'a,
        K: ToSingleRedisArg,
        M: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        min: M,
        max: MM,
    ) -> RedisResult<RV>;
    fn zrangebyscore_limit<
        'a,
        K: ToSingleRedisArg,
        M: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        min: M,
        max: MM,
        offset: isize,
        count: isize,
    ) -> RedisResult<RV>;
    fn zrangebyscore_limit_withscores<
        'a,
        K: ToSingleRedisArg,
        M: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        min: M,
        max: MM,
        offset: isize,
        count: isize,
    ) -> RedisResult<RV>;
    fn zrank<'a, K: ToSingleRedisArg, M: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        member: M,
    ) -> RedisResult<RV>;
    fn zrem<'a, K: ToSingleRedisArg, M: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        members: M,
    ) -> RedisResult<RV>;
    fn zrembylex<
        'a,
        K: ToSingleRedisArg,
        M: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        min: M,
        max: MM,
    ) -> RedisResult<RV>;
    fn zremrangebyrank<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        start: isize,
        stop: isize,
    ) -> RedisResult<RV>;
    fn zrembyscore<
        'a,
        K: ToSingleRedisArg,
        M: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        min: M,
        max: MM,
    ) -> RedisResult<RV>;
    fn zrevrange<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        start: isize,
        stop: isize,
    ) -> RedisResult<RV>;
    fn zrevrange_withscores<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        start: isize,
        stop: isize,
    ) -> RedisResult<RV>;
    fn zrevrangebyscore<
        'a,
        K: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        M: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        max: MM,
        min: M,
    ) -> RedisResult<RV>;
    fn zrevrangebyscore_withscores<
        'a,
        K: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        M: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        max: MM,
        min: M,
    ) -> RedisResult<RV>;
    fn zrevrangebyscore_limit<
        'a,
        K: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        M: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        max: MM,
        min: M,
        offset: isize,
        count: isize,
    ) -> RedisResult<RV>;
    fn zrevrangebyscore_limit_withscores<
        'a,
        K: ToSingleRedisArg,
        MM: ToSingleRedisArg,
        M: ToSingleRedisArg,
        RV: FromRedisValue,
    >(
        &mut self,
        key: K,
        max: MM,
        min: M,
        offset: isize,
        count: isize,
    ) -> RedisResult<RV>;
    fn zrevrank<'a, K: ToSingleRedisArg, M: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        member: M,
    ) -> RedisResult<RV>;
    fn zscore<'a, K: ToSingleRedisArg, M: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
        member: M,
    ) -> RedisResult<RV>;
    fn zscore_multiple<'a, K: ToSingleRedisArg, M: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        members: &'a [M],
    ) -> RedisResult<RV>;
    fn zunionstore<'a, D: ToSingleRedisArg, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        keys: K,
    ) -> RedisResult<RV>;
    fn zunionstore_min<'a, D: ToSingleRedisArg, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        keys: K,
    ) -> RedisResult<RV>;
    fn zunionstore_max<'a, D: ToSingleRedisArg, K: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        keys: K,
    ) -> RedisResult<RV>;
    fn zunionstore_weights<
        'a,
        D: ToSingleRedisArg,
        K: ToRedisArgs,
        W: ToRedisArgs,
        RV: FromRedisValue,
    >(
        &mut self,
        dstkey: D,
        keys: &'a [(K, W)],
    ) -> RedisResult<RV>;
    fn zunionstore_min_weights<
        'a,
        D: ToSingleRedisArg,
        K: ToRedisArgs,
        W: ToRedisArgs,
        RV: FromRedisValue,
    >(
        &mut self,
        dstkey: D,
        keys: &'a [(K, W)],
    ) -> RedisResult<RV>;
    fn zunionstore_max_weights<
        'a,
        D: ToSingleRedisArg,
        K: ToRedisArgs,
        W: ToRedisArgs,
        RV: FromRedisValue,
    >(
        &mut self,
        dstkey: D,
        keys: &'a [(K, W)],
    ) -> RedisResult<RV>;
    fn pfadd<'a, K: ToSingleRedisArg, E: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        key: K,
        element: E,
    ) -> RedisResult<RV>;
    fn pfcount<'a, K: ToRedisArgs, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>;
    fn pfmerge<'a, D: ToSingleRedisArg, S: ToRedisArgs, RV: FromRedisValue>(
        &mut self,
        dstkey: D,
        srckeys: S,
    ) -> RedisResult<RV>;
    fn publish<'a, K: ToSingleRedisArg, E: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        channel: K,
        message: E,
    ) -> RedisResult<RV>;
    fn spublish<'a, K: ToSingleRedisArg, E: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        channel: K,
        message: E,
    ) -> RedisResult<RV>;
    fn object_encoding<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
    ) -> RedisResult<RV>;
    fn object_idletime<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
    ) -> RedisResult<RV>;
    fn object_freq<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
    ) -> RedisResult<RV>;
    fn object_refcount<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        key: K,
    ) -> RedisResult<RV>;
    fn client_getname<'a, RV: FromRedisValue>(&mut self) -> RedisResult<RV>;
    fn client_id<'a, RV: FromRedisValue>(&mut self) -> RedisResult<RV>;
    fn client_setname<'a, K: ToSingleRedisArg, RV: FromRedisValue>(
        &mut self,
        connection_name: K,
    ) -> RedisResult<RV>;
    fn flushall<'a, RV: FromRedisValue>(&mut self) -> RedisResult<RV>;
    fn flushall_options<'a, RV: FromRedisValue>(
        &mut self,
        options: &'a FlushAllOptions,
    ) -> RedisResult<RV>;
    fn flushdb<'a, RV: FromRedisValue>(&mut self) -> RedisResult<RV>;
    fn flushdb_options<'a, RV: FromRedisValue>(
        &mut self,
        options: &'a FlushDbOptions,
    ) -> RedisResult<RV>;
}
