//! Options (`suffix`, `trait_name`, `skip`, `rename`), which methods get no
//! twin (non-`pub`, `async fn`, `#[cfg]`'d out), the visibility of the
//! generated trait, and the attributes carried over to twins.
//!
//! The absence of a twin is shown by method resolution: the `Absent` trait
//! below defines a method with the twin's would-be name for every `Handle`.
//! Had `#[asyncify]` generated that twin too, the call would be ambiguous and
//! this file would not compile; the call returning `ABSENT` shows the probe
//! was reached. Absent constructor twins are shown the same way with
//! `AbsentConstructor` (an inherent function would win, and its future would
//! not compare equal to a `&str`).

#![deny(unfulfilled_lint_expectations)]

use asyncify::{Exclusive, Handle, asyncify};

const ABSENT: &str = "no twin";

trait Absent {
    fn get_async(&self) -> &'static str {
        ABSENT
    }
    fn raw_nb(&self) -> &'static str {
        ABSENT
    }
    fn hidden_async(&self) -> &'static str {
        ABSENT
    }
    fn already_async(&self) -> &'static str {
        ABSENT
    }
    fn gone_async(&self) -> &'static str {
        ABSENT
    }
    fn lookup_nb(&self) -> &'static str {
        ABSENT
    }
}

impl<T> Absent for Handle<T> {}
impl<T> Absent for Exclusive<T> {}

trait AbsentConstructor {
    fn new_async() -> &'static str {
        ABSENT
    }
    fn open_nb() -> &'static str {
        ABSENT
    }
    fn build_nb() -> &'static str {
        ABSENT
    }
    fn vanished_async() -> &'static str {
        ABSENT
    }
}

// ---------------------------------------------------------------- suffix

pub struct Store {
    value: u32,
}

#[asyncify(suffix = "_nb")]
impl Store {
    pub fn new() -> Self {
        Store { value: 1 }
    }

    pub fn get(&self) -> u32 {
        self.value
    }

    pub fn set(&mut self, value: u32) {
        self.value = value;
    }
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

impl AbsentConstructor for Store {}

#[tokio::test]
async fn suffix_replaces_async_in_every_twin_name() {
    let store = Exclusive::new(Store::new_nb().await);
    store.set_nb(5).await;
    assert_eq!(store.get_nb().await, 5);
    // No `_async` twins next to the `_nb` ones.
    assert_eq!(store.get_async(), ABSENT);
    assert_eq!(Store::new_async(), ABSENT);
    // The trait keeps its default name.
    assert_eq!(read_store(&store).await, 5);
}

async fn read_store<H: StoreAsync>(store: &H) -> u32 {
    store.get_nb().await
}

// ---------------------------------------------------------------- trait_name

pub struct Named;

#[asyncify(trait_name = NamedExt)]
impl Named {
    pub fn name(&self) -> &'static str {
        "named"
    }
}

/// Would clash with the generated trait if it were still called `NamedAsync`.
pub trait NamedAsync {}

async fn name_through<H: NamedExt>(handle: &H) -> &'static str {
    handle.name_async().await
}

#[tokio::test]
async fn trait_name_names_the_generated_trait() {
    assert_eq!(name_through(&Handle::new(Named)).await, "named");
}

// ------------------------------------------------- skip, rename, both options

pub struct Client {
    calls: std::sync::atomic::AtomicU32,
}

#[asyncify(suffix = "_nb", trait_name = ClientExt)]
impl Client {
    #[asyncify(rename = "connect")]
    pub fn open() -> Self {
        Client {
            calls: std::sync::atomic::AtomicU32::new(0),
        }
    }

    #[asyncify(skip)]
    pub fn build() -> Self {
        Self::open()
    }

    #[asyncify(rename = "fetch")]
    pub fn lookup(&self, key: &str) -> String {
        self.bump();
        format!("value of {key}")
    }

    #[asyncify(rename = get_it)]
    pub fn get(&self) -> u32 {
        self.bump()
    }

    #[asyncify(skip)]
    pub fn raw(&self) -> u32 {
        self.bump()
    }

    pub fn count(&self) -> u32 {
        self.bump()
    }

    fn bump(&self) -> u32 {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }
}

impl AbsentConstructor for Client {}

#[tokio::test]
async fn rename_gives_the_whole_twin_name_and_skip_gives_none() {
    let client = Handle::new(Client::connect().await);
    // `rename` is the whole name: no suffix is added, in either form.
    assert_eq!(client.fetch("k").await, "value of k");
    assert_eq!(client.get_it().await, 2);
    assert_eq!(client.lookup_nb(), ABSENT);
    assert_eq!(Client::open_nb(), ABSENT);
    // `skip`: no twin; the sync method is untouched.
    assert_eq!(client.raw_nb(), ABSENT);
    assert_eq!(Client::build_nb(), ABSENT);
    assert_eq!(client.raw(), 3);
    assert_eq!(Client::build().count(), 1);
    // The other methods still get `suffix` twins in the named trait.
    assert_eq!(count_through(&client).await, 4);
}

async fn count_through<H: ClientExt>(handle: &H) -> u32 {
    handle.count_nb().await
}

// ------------------------------------------ non-pub methods and async fns

pub struct Mixed;

#[asyncify]
impl Mixed {
    pub fn visible(&self) -> u8 {
        self.hidden()
    }

    fn hidden(&self) -> u8 {
        let _ = self;
        1
    }

    pub async fn already(&self) -> u8 {
        let _ = self;
        std::future::ready(2).await
    }

    pub(crate) fn crate_visible(&self) -> u8 {
        let _ = self;
        3
    }

    pub(self) fn self_visible(&self) -> u8 {
        let _ = self;
        4
    }

    pub(crate) fn in_crate(&self) -> u8 {
        let _ = self;
        5
    }
}

#[tokio::test]
async fn non_pub_methods_and_async_fns_are_left_alone() {
    let mixed = Handle::new(Mixed);
    assert_eq!(mixed.visible_async().await, 1);
    assert_eq!(mixed.hidden_async(), ABSENT);
    assert_eq!(mixed.already_async(), ABSENT);
    // The `async fn` itself is still there.
    assert_eq!(mixed.already().await, 2);
    // Every `pub` form gets a twin.
    assert_eq!(mixed.crate_visible_async().await, 3);
    assert_eq!(mixed.self_visible_async().await, 4);
    assert_eq!(mixed.in_crate_async().await, 5);
}

pub struct OnlyPrivate;

#[asyncify]
impl OnlyPrivate {
    #[allow(dead_code, reason = "only here to get no twin")]
    fn private(&self) {
        let _ = self;
    }
}

/// Would clash with a generated trait: an impl with no `pub` method has none.
pub trait OnlyPrivateAsync {}

// ---------------------------------------------------------------- cfg
//
// `cfg(test)` holds in this test crate (and, unlike `cfg(all())`, does not
// trip `clippy::non_minimal_cfg`); `cfg(any())` never holds.

pub struct Configured;

#[asyncify]
impl Configured {
    #[cfg(test)]
    pub fn kept(&self) -> &'static str {
        "kept"
    }

    #[cfg(any())]
    pub fn gone(&self) -> &'static str {
        "gone"
    }

    #[cfg(test)]
    pub fn made() -> Self {
        Configured
    }

    #[cfg(any())]
    pub fn vanished() -> Self {
        Configured
    }
}

impl AbsentConstructor for Configured {}

#[tokio::test]
async fn cfg_on_a_method_applies_to_its_twin() {
    let configured = Handle::new(Configured::made_async().await);
    assert_eq!(configured.kept_async().await, "kept");
    assert_eq!(configured.gone_async(), ABSENT);
    assert_eq!(Configured::vanished_async(), ABSENT);
}

pub struct Ghost;

// `#[asyncify]` comes first, so it sees the `cfg` and must carry it to what
// it generates; otherwise `GhostAsync` below would be defined twice.
#[asyncify]
#[cfg(any())]
impl Ghost {
    pub fn haunt(&self) {}
}

/// Would clash with a generated trait if the impl's `cfg` were dropped.
pub trait GhostAsync {}

pub struct Shown;

#[asyncify]
#[cfg(test)]
impl Shown {
    pub fn show(&self) -> u8 {
        7
    }
}

#[tokio::test]
async fn cfg_on_the_impl_applies_to_everything_generated() {
    assert_eq!(Handle::new(Shown).show_async().await, 7);
    // `Ghost` got no methods, no trait and no twins.
    let _ = (Ghost, std::any::type_name::<dyn GhostAsync>());
}

// ------------------------------------------------- carried attributes

pub struct Legacy;

#[asyncify]
impl Legacy {
    /// The doc comment carries over to the twin (not observable at run time;
    /// it must at least not break the expansion).
    #[deprecated(note = "use `current`")]
    pub fn old(&self) -> u8 {
        1
    }

    #[must_use]
    pub fn current(&self) -> u8 {
        2
    }

    #[deprecated]
    pub fn make() -> Self {
        Legacy
    }
}

#[tokio::test]
async fn deprecated_carries_over_to_the_twin() {
    let legacy = Handle::new(Legacy);
    // `#[expect]` fails to compile this file (`deny` above) unless the twin
    // is deprecated.
    #[expect(deprecated)]
    let old = legacy.old_async().await;
    assert_eq!(old, 1);
    #[expect(deprecated)]
    let made = Legacy::make_async().await;
    let _ = made;
    assert_eq!(legacy.current_async().await, 2);
}

// ------------------------------------------------- visibility of the trait

pub mod outer {
    pub mod inner {
        use asyncify::asyncify;

        pub struct Restricted;

        #[asyncify]
        impl Restricted {
            pub(crate) fn a(&self) -> u8 {
                let _ = self;
                1
            }

            pub(super) fn b(&self) -> u8 {
                let _ = self;
                2
            }
        }

        pub struct Public;

        #[asyncify]
        impl Public {
            pub(crate) fn a(&self) -> u8 {
                let _ = self;
                1
            }

            pub fn b(&self) -> u8 {
                let _ = self;
                2
            }
        }

        pub(super) struct SuperOnly;

        #[asyncify]
        impl SuperOnly {
            pub(super) fn c(&self) -> u8 {
                let _ = self;
                3
            }
        }
    }

    // `pub(super)` methods give a trait visible here, in the parent.
    pub(crate) async fn super_only() -> u8 {
        use self::inner::SuperOnlyAsync;
        asyncify::Handle::new(inner::SuperOnly).c_async().await
    }
}

// Re-exporting with `pub use` compiles only if the trait is `pub`: one `pub`
// method makes it `pub`.
pub use outer::inner::PublicAsync as ReexportedPublicAsync;
// `pub(crate)` and `pub(super)` together give `pub(crate)`: usable here, two
// modules up, where `pub(super)` would not reach.
use outer::inner::RestrictedAsync;

#[tokio::test]
async fn the_trait_is_as_visible_as_its_widest_method() {
    let restricted = Handle::new(outer::inner::Restricted);
    assert_eq!(RestrictedAsync::a_async(&restricted).await, 1);
    assert_eq!(RestrictedAsync::b_async(&restricted).await, 2);
    let public = Handle::new(outer::inner::Public);
    assert_eq!(ReexportedPublicAsync::a_async(&public).await, 1);
    assert_eq!(ReexportedPublicAsync::b_async(&public).await, 2);
    assert_eq!(outer::super_only().await, 3);
}
