//! Receivers and handles: twins of `&self` and `&mut self` methods, twins of
//! constructors, and every kind of handle the generated trait is implemented
//! for (`Handle`, `Exclusive`, a `Clone` client itself, `Arc`).

use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

use asyncify::{Exclusive, Handle, asyncify};

/// A `Send + Sync` client that remembers which thread ran each call.
#[derive(Default)]
pub struct Meter {
    total: AtomicUsize,
    threads: Mutex<Vec<ThreadId>>,
}

#[asyncify]
impl Meter {
    pub fn add(&self, by: usize) -> usize {
        self.threads.lock().unwrap().push(thread::current().id());
        self.total.fetch_add(by, Ordering::SeqCst) + by
    }

    #[allow(
        clippy::needless_arbitrary_self_type,
        reason = "the typed receiver is under test"
    )]
    pub fn typed(self: &Self) -> usize {
        self.total.load(Ordering::SeqCst)
    }

    pub fn with_lifetime<'a>(&'a self, extra: &'a str) -> String {
        format!("{}{extra}", self.total.load(Ordering::SeqCst))
    }

    pub fn threads(&self) -> Vec<ThreadId> {
        self.threads.lock().unwrap().clone()
    }
}

/// A client that is `Send` but not `Sync` and mutates through `&mut self`:
/// only `Exclusive` can run its calls.
pub struct Tally {
    lines: Vec<String>,
    reads: Cell<usize>,
    created_on: ThreadId,
}

#[asyncify]
impl Tally {
    pub fn new() -> Tally {
        Tally {
            lines: Vec::new(),
            reads: Cell::new(0),
            created_on: thread::current().id(),
        }
    }

    /// Parses comma-separated lines.
    ///
    /// # Errors
    ///
    /// When `text` is empty.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("empty".to_owned());
        }
        let mut tally = Self::new();
        tally.lines.extend(text.split(',').map(str::to_owned));
        Ok(tally)
    }

    pub fn push(&mut self, line: &str) -> usize {
        self.lines.push(line.to_owned());
        self.lines.len()
    }

    #[allow(
        clippy::needless_arbitrary_self_type,
        reason = "the typed receiver is under test"
    )]
    pub fn push_typed(self: &mut Self, line: String) -> usize {
        self.lines.push(line);
        self.lines.len()
    }

    /// A `&mut self` method with a type parameter of its own: its twin has
    /// no hidden lender, so a turbofish still names that parameter alone.
    pub fn push_into<L: Into<String>>(&mut self, line: L) -> usize {
        self.lines.push(line.into());
        self.lines.len()
    }

    pub fn lines(&self) -> Vec<String> {
        self.reads.set(self.reads.get() + 1);
        self.lines.clone()
    }

    pub fn created_on(&self) -> ThreadId {
        self.created_on
    }
}

impl Default for Tally {
    fn default() -> Self {
        Tally::new()
    }
}

/// A cheap-clone client: counts its clones, and each clone knows its
/// generation (the original is generation 0).
pub struct Agent {
    generation: usize,
    clones: Arc<AtomicUsize>,
}

impl Clone for Agent {
    fn clone(&self) -> Self {
        let generation = self.clones.fetch_add(1, Ordering::SeqCst) + 1;
        Agent {
            generation,
            clones: Arc::clone(&self.clones),
        }
    }
}

#[asyncify]
impl Agent {
    pub fn generation(&self) -> usize {
        self.generation
    }

    pub fn address(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }
}

#[tokio::test]
async fn shared_twin_on_handle_runs_the_method_on_another_thread() {
    let test_thread = thread::current().id();
    let meter = Handle::new(Meter::default());

    assert_eq!(meter.add_async(2).await, 2);
    assert_eq!(meter.add_async(3).await, 5);

    let threads = meter.threads();
    assert_eq!(threads.len(), 2);
    assert!(
        threads.iter().all(|id| *id != test_thread),
        "the calls ran on the async thread: {threads:?}"
    );
}

#[tokio::test]
async fn typed_and_lifetime_receivers_get_twins() {
    let meter = Handle::new(Meter::default());
    meter.add_async(4).await;
    assert_eq!(meter.typed_async().await, 4);
    assert_eq!(meter.with_lifetime_async("!").await, "4!");

    let tally = Exclusive::new(Tally::new());
    assert_eq!(tally.push_typed_async("a".to_owned()).await, 1);
    assert_eq!(tally.push_typed_async("b".to_owned()).await, 2);
    assert_eq!(tally.lines_async().await, ["a", "b"]);
}

#[tokio::test]
async fn mut_twin_on_exclusive_mutates_the_one_client() {
    let tally = Exclusive::new(Tally::new());
    let other = tally.clone();

    assert_eq!(tally.push_async("first").await, 1);
    assert_eq!(other.push_async("second").await, 2);
    // `&self` twins work on an `Exclusive` too, and see the mutations.
    assert_eq!(tally.lines_async().await, ["first", "second"]);
    assert_eq!(other.lines_async().await, ["first", "second"]);

    drop(other);
    let tally = Exclusive::try_unwrap(tally).unwrap_or_else(|_| panic!("still shared"));
    assert_eq!(tally.lines, ["first", "second"]);
    assert_eq!(tally.reads.get(), 2);
}

#[tokio::test]
async fn constructor_twins_run_on_another_thread() {
    let test_thread = thread::current().id();

    let tally = Tally::new_async().await;
    assert_ne!(tally.created_on, test_thread);
    assert_eq!(tally.lines, Vec::<String>::new());

    let parsed = Tally::parse_async("x,y").await.unwrap();
    assert_ne!(parsed.created_on, test_thread);
    assert_eq!(parsed.lines, ["x", "y"]);
    assert_eq!(Tally::parse_async("").await.err().as_deref(), Some("empty"));

    // The sync constructor, called here, records this thread: the probe works.
    assert_eq!(Tally::new().created_on, test_thread);
    // A client built by a twin can be handed to a handle right away.
    let tally = Exclusive::new(parsed);
    assert_ne!(tally.created_on_async().await, test_thread);
}

#[tokio::test]
async fn handle_clones_reach_one_client_and_deref_to_it() {
    let meter = Handle::new(Meter::default());
    let other = meter.clone();
    assert!(Handle::ptr_eq(&meter, &other));

    other.add_async(7).await;
    // The sync methods stay callable through `Deref`, on the same client.
    assert_eq!(meter.typed(), 7);
    assert_eq!(meter.add(1), 8);
    assert_eq!(other.typed_async().await, 8);
    assert!(!Handle::ptr_eq(&meter, &Handle::new(Meter::default())));
}

#[tokio::test]
async fn clone_client_runs_each_call_on_its_own_clone() {
    let clones = Arc::new(AtomicUsize::new(0));
    let agent = Agent {
        generation: 0,
        clones: Arc::clone(&clones),
    };

    // The clone is taken when the twin is called, before any poll.
    let first = agent.generation_async();
    assert_eq!(clones.load(Ordering::SeqCst), 1);
    let second = agent.generation_async();
    assert_eq!(clones.load(Ordering::SeqCst), 2);

    assert_eq!(second.await, 2);
    assert_eq!(first.await, 1);
    assert_ne!(
        agent.address_async().await,
        std::ptr::from_ref(&agent) as usize
    );
    // The original is left as it was.
    assert_eq!(agent.generation, 0);
}

#[tokio::test]
async fn arc_runs_calls_on_the_shared_client() {
    let meter = Arc::new(Meter::default());
    let other = Arc::clone(&meter);
    meter.add_async(5).await;
    assert_eq!(other.add_async(1).await, 6);
    assert_eq!(meter.typed(), 6);
    assert_eq!(Arc::strong_count(&meter), 2, "a call kept a reference");
}

/// Code generic over the handle: the trait is implemented for every
/// `H: Offload<Meter>`.
async fn add_twice<H: MeterAsync>(handle: &H) -> usize {
    handle.add_async(1).await;
    handle.add_async(1).await
}

#[tokio::test]
async fn the_trait_is_implemented_for_every_kind_of_handle() {
    assert_eq!(add_twice(&Handle::new(Meter::default())).await, 2);
    assert_eq!(add_twice(&Exclusive::new(Meter::default())).await, 2);
    assert_eq!(add_twice(&Arc::new(Meter::default())).await, 2);

    let tally = Exclusive::new(Tally::new());
    assert_eq!(push_through(&tally, "x").await, 1);
}

/// A handle written by a user: a mutex around the client, locked on the
/// blocking pool. Implementing `Offload` and `OffloadMut` is all it takes for
/// the `&mut self` twins.
#[derive(Clone)]
struct Locked(Arc<Mutex<Tally>>);

impl asyncify::Offload<Tally> for Locked {
    fn offload<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&Tally) -> R + Send + 'static,
        R: Send + 'static,
    {
        let locked = self.clone();
        asyncify::unblock(move || f(&locked.0.lock().unwrap()))
    }
}

impl asyncify::OffloadMut<Tally> for Locked {
    fn offload_mut<F, R>(&self, f: F) -> impl Future<Output = R> + Send + 'static
    where
        F: FnOnce(&mut Tally) -> R + Send + 'static,
        R: Send + 'static,
    {
        let locked = self.clone();
        asyncify::unblock(move || f(&mut locked.0.lock().unwrap()))
    }
}

#[tokio::test]
async fn mut_twins_run_on_a_handle_of_ones_own_and_through_generic_code() {
    use asyncify::OffloadMut;

    let tally = Locked(Arc::new(Mutex::new(Tally::new())));
    assert_eq!(tally.push_async("a").await, 1);
    assert_eq!(tally.push_typed_async("b".to_owned()).await, 2);
    assert_eq!(tally.push_into_async::<&str>("c").await, 3);
    assert_eq!(push_through(&tally, "d").await, 4);
    assert_eq!(tally.lines_async().await, ["a", "b", "c", "d"]);
    // The trait's own method, called on a handle of one's own: its hidden
    // second parameter is inferred here too.
    let len = tally.offload_mut(|tally: &mut Tally| tally.push("e"));
    assert_eq!(len.await, 5);

    let exclusive = Exclusive::new(Tally::new());
    assert_eq!(exclusive.push_into_async::<String>("e".to_owned()).await, 1);
    assert_eq!(push_through(&exclusive, "f").await, 2);
}

async fn push_through<H: TallyAsync + asyncify::OffloadMut<Tally>>(
    handle: &H,
    line: &str,
) -> usize {
    handle.push_async(line).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twin_futures_are_send_and_static() {
    let meter = Handle::new(Meter::default());
    let tally = Exclusive::new(Tally::new());
    let agent = Agent {
        generation: 0,
        clones: Arc::default(),
    };

    let a = tokio::spawn(meter.add_async(1));
    let b = tokio::spawn(tally.push_async("line"));
    let c = tokio::spawn(agent.generation_async());
    let d = tokio::spawn(Tally::new_async());
    drop((meter, tally, agent));

    assert_eq!(a.await.unwrap(), 1);
    assert_eq!(b.await.unwrap(), 1);
    assert_eq!(c.await.unwrap(), 1);
    assert!(d.await.unwrap().lines.is_empty());
}
