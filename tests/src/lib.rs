//! A lint fixture: `#[asyncify]` expanded in a library under strict lints, on
//! the kinds of impl blocks users write. `cargo clippy -D warnings` (in CI)
//! also holds it to the workspace's clippy pedantic set. `tests/hygiene.rs`
//! calls what is generated here.
//!
//! It also shadows the names generated code could trip on, as async-trait and
//! serde do: the expansion must use fully qualified paths.

#![forbid(unsafe_code)]
#![deny(
    warnings,
    missing_docs,
    missing_debug_implementations,
    unreachable_pub,
    unused_qualifications,
    unused_results,
    rust_2018_idioms,
    rustdoc::all
)]
#![allow(dead_code)]

// Names the expansion must not resolve to.
mod core {}
mod std {}
mod tokio {}
mod asyncify_macros {}
/// Not the prelude's `Result`.
#[derive(Debug)]
pub struct Result;
/// Not the prelude's `Option`.
#[derive(Debug)]
pub struct Option;
/// Not the prelude's `Send`.
#[derive(Debug)]
pub struct Send;
/// Not the prelude's `Box`.
#[derive(Debug)]
pub struct Box;
/// Not `core::future::Future`.
pub trait Future {}
/// Not `asyncify::unblock`.
pub fn unblock() {}

/// A plain client with every kind of method.
#[derive(Debug, Default)]
pub struct Client {
    calls: ::std::sync::atomic::AtomicUsize,
}

#[asyncify::asyncify]
impl Client {
    /// Makes one.
    pub fn connect(name: &str) -> Self {
        let _ = name;
        Self::default()
    }

    /// Reads.
    #[must_use]
    pub fn get(&self, key: &str, this: u32) -> ::std::string::String {
        let _ = self
            .calls
            .fetch_add(1, ::std::sync::atomic::Ordering::SeqCst);
        ::std::format!("{key}{this}")
    }

    /// Writes.
    pub fn set(&mut self, _key: ::std::option::Option<&str>, value: &[u8]) -> usize {
        value.len()
    }

    /// Old.
    ///
    /// # Errors
    ///
    /// Never.
    #[deprecated(note = "use `get`")]
    pub fn old(&self) -> ::std::result::Result<(), ::std::string::String> {
        ::std::result::Result::Ok(())
    }

    /// Generic over its argument.
    pub fn show<T: ::std::fmt::Display>(
        &self,
        value: T,
        other: impl ::std::fmt::Debug,
    ) -> ::std::string::String {
        ::std::format!("{value}{other:?}")
    }

    /// Same type back.
    pub fn twin(&self, other: ::std::vec::Vec<Self>) -> usize {
        other
            .into_iter()
            .map(|client| client.private())
            .sum::<usize>()
            + self.calls.load(::std::sync::atomic::Ordering::SeqCst)
    }

    fn private(&self) -> usize {
        self.calls.load(::std::sync::atomic::Ordering::SeqCst)
    }
}

/// A generic client with a where-clause and a const parameter.
#[derive(Debug, Clone)]
pub struct Ring<T, const N: usize> {
    items: ::std::vec::Vec<T>,
}

#[asyncify::asyncify(trait_name = RingExt, suffix = "_nb")]
impl<T, const N: usize> Ring<T, N>
where
    T: Clone + ::std::fmt::Debug,
{
    /// Makes one.
    pub fn new(first: T) -> Self {
        Ring {
            items: ::std::vec![first],
        }
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        N
    }

    /// Finds an item.
    pub fn position(&self, item: &T) -> ::std::option::Option<usize>
    where
        T: PartialEq,
    {
        self.items.iter().position(|x| x == item)
    }

    /// Pushes.
    pub fn push(&mut self, item: T) -> usize {
        self.items.push(item);
        self.items.len()
    }
}

/// A private client with public methods, as binaries often have: the generated
/// trait must not trip `private_bounds`/`private_interfaces` under
/// `deny(warnings)`. (`unreachable_pub` is about the user's own `pub fn`s.)
#[allow(unreachable_pub)]
mod private {
    #[derive(Debug)]
    struct Conn(u8);

    #[asyncify::asyncify]
    impl Conn {
        pub fn open() -> Self {
            Conn(0)
        }

        pub fn reset(&mut self, to: Self) -> Self {
            ::std::mem::replace(self, to)
        }
    }

    pub(crate) async fn use_it() -> u8 {
        use ConnAsync as _;
        let conn = asyncify::Exclusive::new(Conn::open_async().await);
        conn.reset_async(Conn(1)).await.0
    }
}

/// Streams, remote declarations and traits under the same lints.
pub mod forms {
    /// Stands in for another crate's client.
    pub mod vendor {
        /// A foreign client.
        #[derive(Debug, Default)]
        pub struct Index {
            pub(crate) words: ::std::vec::Vec<::std::string::String>,
        }

        impl Index {
            /// Adds a word.
            pub fn add(&mut self, word: &str) -> usize {
                self.words.push(word.to_owned());
                self.words.len()
            }

            /// Words with a prefix.
            pub fn prefixed<'a>(
                &'a self,
                prefix: &'a str,
            ) -> impl Iterator<Item = ::std::string::String> + 'a {
                self.words
                    .iter()
                    .filter(move |word| word.starts_with(prefix))
                    .cloned()
            }
        }
    }

    /// The twins of [`vendor::Index`].
    #[asyncify::asyncify(remote = vendor::Index)]
    pub trait IndexAsync {
        /// Adds a word.
        fn add(&mut self, word: &str) -> usize;
        /// Words with a prefix.
        fn prefixed<'a>(
            &'a self,
            prefix: &'a str,
        ) -> impl Iterator<Item = ::std::string::String> + 'a;
    }

    /// A trait with backends.
    #[asyncify::asyncify(stream_suffix = "_iter")]
    pub trait Backend {
        /// Its error.
        type Error: ::std::fmt::Debug + ::std::marker::Send + 'static;

        /// Loads.
        ///
        /// # Errors
        ///
        /// The backend's.
        fn load(&self, key: &str) -> ::std::result::Result<::std::vec::Vec<u8>, Self::Error>;

        /// Lists.
        fn list(&self) -> impl Iterator<Item = u32>;

        /// Batches, as a `Vec`.
        #[asyncify(stream, buffer = 4)]
        fn batch(&mut self, size: usize) -> ::std::vec::Vec<u32>;
    }
}
