//! The `tracing` feature: the caller's span is entered on the thread that runs
//! the blocking call, for every handle, and `#[asyncify(instrument)]` wraps a
//! twin's call in a span of its own, a child of the caller's.
//!
//! A small hand-written subscriber, installed for the whole test binary,
//! records every span (with its parent) and every event (with the span that
//! was current where it was logged, and its thread).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::thread::{self, ThreadId};

use asyncify::{Dedicated, Exclusive, Handle, asyncify, unblock};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Instrument, Metadata, Subscriber};
use tracing_core::span::Current;

// ------------------------------------------------------------ the recorder

#[derive(Clone, Debug)]
struct SpanRecord {
    id: u64,
    name: &'static str,
    /// The `case` field, if any.
    case: Option<String>,
    parent: Option<u64>,
    metadata: &'static Metadata<'static>,
}

#[derive(Clone, Debug)]
struct EventRecord {
    message: String,
    /// The span current where the event was logged.
    span: Option<u64>,
    thread: ThreadId,
    thread_name: Option<String>,
}

struct Recorder {
    next_id: AtomicU64,
    spans: Mutex<Vec<SpanRecord>>,
    events: Mutex<Vec<EventRecord>>,
}

static RECORDER: Recorder = Recorder {
    next_id: AtomicU64::new(1),
    spans: Mutex::new(Vec::new()),
    events: Mutex::new(Vec::new()),
};

thread_local! {
    /// The spans entered on this thread, innermost last.
    static ENTERED: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn current_on_this_thread() -> Option<u64> {
    ENTERED.with(|entered| entered.borrow().last().copied())
}

/// Collects the `message` and `case` fields.
#[derive(Default)]
struct Fields {
    message: Option<String>,
    case: Option<String>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "case" => self.case = Some(value.to_owned()),
            "message" => self.message = Some(value.to_owned()),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "case" => self.case = Some(format!("{value:?}")),
            "message" => self.message = Some(format!("{value:?}")),
            _ => {}
        }
    }
}

/// The global subscriber: forwards to `RECORDER`.
struct Global;

impl Subscriber for Global {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = RECORDER.next_id.fetch_add(1, Ordering::SeqCst);
        let parent = if let Some(parent) = attributes.parent() {
            Some(parent.into_u64())
        } else if attributes.is_contextual() {
            current_on_this_thread()
        } else {
            None
        };
        let mut fields = Fields::default();
        attributes.record(&mut fields);
        RECORDER.spans.lock().unwrap().push(SpanRecord {
            id,
            name: attributes.metadata().name(),
            case: fields.case,
            parent,
            metadata: attributes.metadata(),
        });
        Id::from_u64(id)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let span = if let Some(parent) = event.parent() {
            Some(parent.into_u64())
        } else if event.is_contextual() {
            current_on_this_thread()
        } else {
            None
        };
        let mut fields = Fields::default();
        event.record(&mut fields);
        RECORDER.events.lock().unwrap().push(EventRecord {
            message: fields.message.unwrap_or_default(),
            span,
            thread: thread::current().id(),
            thread_name: thread::current().name().map(str::to_owned),
        });
    }

    fn enter(&self, span: &Id) {
        ENTERED.with(|entered| entered.borrow_mut().push(span.into_u64()));
    }

    fn exit(&self, span: &Id) {
        ENTERED.with(|entered| {
            let mut entered = entered.borrow_mut();
            if let Some(at) = entered.iter().rposition(|id| *id == span.into_u64()) {
                entered.remove(at);
            }
        });
    }

    fn current_span(&self) -> Current {
        let Some(id) = current_on_this_thread() else {
            return Current::none();
        };
        let spans = RECORDER.spans.lock().unwrap();
        let record = spans.iter().find(|span| span.id == id).unwrap();
        Current::new(Id::from_u64(id), record.metadata)
    }
}

fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| tracing::subscriber::set_global_default(Global).unwrap());
}

/// The span opened for `case` by `caller_span`.
fn span_of_case(case: &str) -> SpanRecord {
    let spans = RECORDER.spans.lock().unwrap();
    let found: Vec<_> = spans
        .iter()
        .filter(|span| span.case.as_deref() == Some(case))
        .collect();
    assert_eq!(found.len(), 1, "spans for {case}: {found:?}");
    found[0].clone()
}

fn spans_named(name: &str) -> Vec<SpanRecord> {
    let spans = RECORDER.spans.lock().unwrap();
    spans
        .iter()
        .filter(|span| span.name == name)
        .cloned()
        .collect()
}

/// The one event logged with `message`.
fn event(message: &str) -> EventRecord {
    let events = RECORDER.events.lock().unwrap();
    let found: Vec<_> = events
        .iter()
        .filter(|event| event.message == message)
        .collect();
    assert_eq!(found.len(), 1, "events {message:?}: {found:?}");
    found[0].clone()
}

// ------------------------------------------------------------ the client

/// Logs from inside its blocking methods. `Clone`, so also its own handle.
#[derive(Clone, Debug, Default)]
pub struct Logger;

#[asyncify]
impl Logger {
    pub fn log(&self, message: &str) {
        tracing::info!("{message}");
    }

    pub fn log_mut(&mut self, message: &str) {
        tracing::info!("{message}");
    }
}

/// `#[asyncify(instrument)]` on the impl: every twin's call gets a span.
#[derive(Clone, Debug, Default)]
pub struct Traced;

#[asyncify(instrument)]
impl Traced {
    pub fn log(&self, message: &str) {
        tracing::info!("{message}");
    }

    pub fn log_mut(&mut self, message: &str) {
        tracing::info!("{message}");
    }
}

/// `#[asyncify(instrument)]` on one method only.
#[derive(Clone, Debug, Default)]
pub struct Partly;

#[asyncify]
impl Partly {
    #[asyncify(instrument)]
    pub fn traced(&self, message: &str) {
        tracing::info!("{message}");
    }

    pub fn plain(&self, message: &str) {
        tracing::info!("{message}");
    }
}

/// Runs `call` inside a span for `case`, then checks that the event it logs
/// on another thread has that span as its current span.
async fn assert_attributed<F>(case: &str, call: F) -> EventRecord
where
    F: Future<Output = ()>,
{
    call.instrument(tracing::info_span!("caller", case = case))
        .await;
    let caller = span_of_case(case);
    let logged = event(&format!("inside {case}"));
    assert_eq!(
        logged.span,
        Some(caller.id),
        "{case}: the event inside the call is not in the caller's span"
    );
    assert_ne!(
        logged.thread,
        thread::current().id(),
        "{case}: the call ran on the caller's thread"
    );
    logged
}

#[tokio::test]
async fn the_callers_span_is_current_inside_the_blocking_call_for_every_handle() {
    install();

    let handle = Handle::new(Logger);
    assert_attributed("handle", handle.log_async("inside handle")).await;

    let limited = Handle::with_limit(Logger, 1);
    assert_attributed("limited", limited.log_async("inside limited")).await;

    let exclusive = Exclusive::new(Logger);
    assert_attributed("exclusive", exclusive.log_mut_async("inside exclusive")).await;
    assert_attributed(
        "exclusive shared",
        exclusive.log_async("inside exclusive shared"),
    )
    .await;

    assert_attributed("clone", Logger.log_async("inside clone")).await;

    let pool = asyncify::Pool::builder(|| Ok::<_, std::convert::Infallible>(Logger))
        .size(2)
        .build_async()
        .await
        .unwrap();
    assert_attributed("pool", pool.log_mut_async("inside pool")).await;
    assert_attributed("pool shared", pool.log_async("inside pool shared")).await;

    assert_attributed("arc", Arc::new(Logger).log_async("inside arc")).await;

    assert_attributed("unblock", unblock(|| tracing::info!("inside unblock"))).await;

    let dedicated = Dedicated::spawn(Logger::default);
    let logged = assert_attributed("dedicated", dedicated.log_mut_async("inside dedicated")).await;
    assert_eq!(logged.thread_name.as_deref(), Some("asyncify:Logger"));
    let logged = assert_attributed(
        "dedicated shared",
        dedicated.log_async("inside dedicated shared"),
    )
    .await;
    assert_eq!(logged.thread_name.as_deref(), Some("asyncify:Logger"));
}

#[tokio::test]
async fn outside_any_span_the_call_is_in_none_and_spans_do_not_leak() {
    install();
    // Without a span at the call site, nothing is current in the call: the
    // caller's span above is what put the events in theirs, and no span is
    // left entered on the pool thread or the dedicated thread.
    let handle = Handle::new(Logger);
    handle
        .log_async("first")
        .instrument(tracing::info_span!("caller", case = "before no span"))
        .await;
    handle.log_async("no span").await;
    assert_eq!(event("no span").span, None);

    let dedicated = Dedicated::spawn(Logger::default);
    dedicated
        .log_async("dedicated first")
        .instrument(tracing::info_span!(
            "caller",
            case = "before no span on dedicated"
        ))
        .await;
    dedicated.log_async("dedicated no span").await;
    assert_eq!(event("dedicated no span").span, None);
}

#[tokio::test]
async fn instrument_wraps_the_call_in_a_child_span_named_after_the_method() {
    install();
    let handle = Handle::new(Traced);
    async {
        handle.log_async("inside instrumented").await;
    }
    .instrument(tracing::info_span!("caller", case = "instrument"))
    .await;

    let caller = span_of_case("instrument");
    let method = spans_named("Traced::log_async");
    assert_eq!(method.len(), 1, "{method:?}");
    assert_eq!(*method[0].metadata.level(), tracing::Level::INFO);
    assert_eq!(
        method[0].parent,
        Some(caller.id),
        "not a child of the caller's span"
    );
    assert_eq!(event("inside instrumented").span, Some(method[0].id));

    let dedicated = Dedicated::spawn_named("instrumented", Traced::default);
    async {
        dedicated
            .log_mut_async("inside instrumented dedicated")
            .await;
    }
    .instrument(tracing::info_span!("caller", case = "instrument dedicated"))
    .await;
    let caller = span_of_case("instrument dedicated");
    let method = spans_named("Traced::log_mut_async");
    assert_eq!(method.len(), 1, "{method:?}");
    assert_eq!(method[0].parent, Some(caller.id));
    let logged = event("inside instrumented dedicated");
    assert_eq!(logged.span, Some(method[0].id));
    assert_eq!(logged.thread_name.as_deref(), Some("instrumented"));
}

#[tokio::test]
async fn instrument_on_one_method_spans_only_its_calls() {
    install();
    let partly = Partly;
    async {
        partly.traced_async("inside partly traced").await;
        partly.plain_async("inside partly plain").await;
    }
    .instrument(tracing::info_span!("caller", case = "partly"))
    .await;
    let caller = span_of_case("partly");
    let method = spans_named("Partly::traced_async");
    assert_eq!(method.len(), 1, "{method:?}");
    assert_eq!(method[0].parent, Some(caller.id));
    assert_eq!(event("inside partly traced").span, Some(method[0].id));
    assert!(spans_named("Partly::plain_async").is_empty());
    assert_eq!(event("inside partly plain").span, Some(caller.id));
}
