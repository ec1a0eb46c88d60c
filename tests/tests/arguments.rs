//! Arguments of the twins: the same parameter types as the sync method.
//! Owned values move into the call; `&T` (and `Option<&T>`) is copied with
//! `ToOwned` when the twin is called, so the future borrows nothing;
//! `&'static T` moves as it is. Generic and `impl Trait` parameters,
//! where-clauses, generic impl blocks, const generics and `Self` in
//! signatures all carry over.

use std::borrow::Cow;
use std::fmt::{Debug, Display};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

use asyncify::{Exclusive, Handle, asyncify};

/// Gives its arguments back, with the address it saw their data at.
pub struct Echo;

#[asyncify]
impl Echo {
    pub fn text(&self, text: &str) -> (String, usize) {
        (text.to_owned(), text.as_ptr() as usize)
    }

    pub fn bytes(&self, bytes: &[u8]) -> (Vec<u8>, usize) {
        (bytes.to_owned(), bytes.as_ptr() as usize)
    }

    pub fn path(&self, path: &Path) -> (PathBuf, usize) {
        (
            path.to_owned(),
            path.as_os_str().as_encoded_bytes().as_ptr() as usize,
        )
    }

    pub fn maybe(&self, text: Option<&str>) -> Option<(String, usize)> {
        text.map(|text| (text.to_owned(), text.as_ptr() as usize))
    }

    pub fn maybe_path(&self, path: Option<&Path>) -> Option<PathBuf> {
        path.map(Path::to_path_buf)
    }

    pub fn fixed(&self, text: &'static str) -> usize {
        text.as_ptr() as usize
    }

    pub fn maybe_fixed(&self, text: Option<&'static str>) -> Option<usize> {
        text.map(|text| text.as_ptr() as usize)
    }

    #[allow(
        clippy::needless_pass_by_value,
        reason = "the owned parameter is under test"
    )]
    pub fn owned(&self, bytes: Vec<u8>) -> usize {
        bytes.as_ptr() as usize
    }

    pub fn strings(&self, items: &[String]) -> String {
        items.concat()
    }

    #[allow(
        clippy::needless_pass_by_value,
        reason = "the owned parameter is under test"
    )]
    pub fn label(&self, label: Cow<'static, str>) -> String {
        label.into_owned()
    }

    pub fn patterns(&self, (a, b): (u32, u32), mut c: u32, _: u32, _unused: u32) -> u32 {
        c += a * b;
        c
    }

    pub fn greeting(name: &str, punctuation: Option<&str>) -> String {
        format!("hello {name}{}", punctuation.unwrap_or(""))
    }
}

static WORD: &str = "static";

#[tokio::test]
async fn borrowed_arguments_are_copied_when_the_twin_is_called() {
    let echo = Handle::new(Echo);
    let mut key = String::from("key");
    let future = echo.text_async(&key);
    // The future does not borrow `key`: it can change before the call runs,
    // and the call sees the value as it was when the twin was called.
    key.push_str("-changed");
    let (seen, _) = future.await;
    assert_eq!(seen, "key");

    // The call gets a copy: its data is elsewhere. The sync method, given the
    // same reference, sees the original address, so the probe can tell.
    let (_, address) = echo.text_async(&key).await;
    assert_ne!(address, key.as_ptr() as usize);
    assert_eq!(echo.text(&key).1, key.as_ptr() as usize);

    let bytes = vec![1_u8, 2, 3];
    let (seen, address) = echo.bytes_async(&bytes).await;
    assert_eq!(seen, bytes);
    assert_ne!(address, bytes.as_ptr() as usize);

    let path = PathBuf::from("/var/lib/data");
    let (seen, address) = echo.path_async(&path).await;
    assert_eq!(seen, path);
    assert_ne!(
        address,
        path.as_os_str().as_encoded_bytes().as_ptr() as usize
    );

    let items = vec!["a".to_owned(), "b".to_owned()];
    assert_eq!(echo.strings_async(&items).await, "ab");
}

#[tokio::test]
async fn optional_references_are_copied_like_references() {
    let echo = Handle::new(Echo);
    let key = String::from("key");

    let (seen, address) = echo.maybe_async(Some(&key)).await.unwrap();
    assert_eq!(seen, "key");
    assert_ne!(address, key.as_ptr() as usize);
    assert_eq!(echo.maybe_async(None).await, None);

    let path = Path::new("/etc/hosts");
    assert_eq!(
        echo.maybe_path_async(Some(path)).await.as_deref(),
        Some(path)
    );
    assert_eq!(echo.maybe_path_async(None).await, None);
}

#[tokio::test]
async fn static_references_and_owned_values_move_as_they_are() {
    let echo = Handle::new(Echo);
    // `&'static str` is not copied: the call sees the very same bytes.
    assert_eq!(echo.fixed_async(WORD).await, WORD.as_ptr() as usize);
    assert_eq!(
        echo.maybe_fixed_async(Some(WORD)).await,
        Some(WORD.as_ptr() as usize)
    );
    assert_eq!(echo.maybe_fixed_async(None).await, None);

    // An owned `Vec` moves: the call gets the same buffer, not a clone.
    let bytes = vec![9_u8; 16];
    let address = bytes.as_ptr() as usize;
    assert_eq!(echo.owned_async(bytes).await, address);

    assert_eq!(
        echo.label_async(Cow::Borrowed("borrowed")).await,
        "borrowed"
    );
    assert_eq!(echo.label_async(Cow::Owned("owned".into())).await, "owned");
    assert_eq!(echo.patterns_async((2, 3), 1, 0, 0).await, 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_can_be_spawned_after_borrowed_arguments_are_dropped() {
    let echo = Handle::new(Echo);
    let futures = {
        let key = String::from("temporary");
        let bytes = key.clone().into_bytes();
        let path = PathBuf::from(&key);
        let futures = (
            echo.text_async(&key),
            echo.bytes_async(&bytes),
            echo.path_async(&path),
            echo.maybe_async(Some(&key)),
            Echo::greeting_async(&key, Some(&key)),
        );
        drop((key, bytes, path));
        futures
    };
    let (text, bytes, path, maybe, greeting) = futures;
    assert_eq!(tokio::spawn(text).await.unwrap().0, "temporary");
    assert_eq!(tokio::spawn(bytes).await.unwrap().0, b"temporary");
    assert_eq!(tokio::spawn(path).await.unwrap().0, Path::new("temporary"));
    assert_eq!(tokio::spawn(maybe).await.unwrap().unwrap().0, "temporary");
    assert_eq!(
        tokio::spawn(greeting).await.unwrap(),
        "hello temporarytemporary"
    );
}

/// Generic methods, `impl Trait` parameters and where-clauses.
pub struct Calc;

#[asyncify]
#[allow(
    clippy::needless_pass_by_value,
    reason = "owned parameters are under test"
)]
impl Calc {
    pub fn debug<T: Debug>(&self, value: T) -> String {
        format!("{value:?}")
    }

    pub fn debug_ref<Q: Debug + ?Sized>(&self, value: &Q) -> String {
        format!("{value:?}")
    }

    pub fn debug_opt<Q: Debug + ?Sized>(&self, value: Option<&Q>) -> String {
        format!("{value:?}")
    }

    pub fn parse<T: FromStr>(&self, text: &str) -> Option<T> {
        text.parse().ok()
    }

    pub fn greet(&self, name: impl Into<String>) -> String {
        format!("hi {}", name.into())
    }

    pub fn keep(&self, keep: impl Fn(&str) -> bool, items: Vec<String>) -> Vec<String> {
        items.into_iter().filter(|item| keep(item)).collect()
    }

    pub fn apply(&self, f: Box<dyn Fn(u32) -> u32 + Send>, value: u32) -> u32 {
        f(value)
    }

    pub fn total<I>(&self, items: I) -> u64
    where
        I: IntoIterator<Item = u64>,
    {
        items.into_iter().sum()
    }

    pub fn pair<K: Display>(&self, key: K, value: impl Display) -> String {
        format!("{key}={value}")
    }

    pub fn joined<T>(&self, items: Vec<T>, separator: &str) -> String
    where
        T: Display,
    {
        items
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(separator)
    }

    pub fn sum_array<const N: usize>(&self, values: [u32; N]) -> (usize, u32) {
        (N, values.iter().sum())
    }

    pub fn sum_array_ref<const N: usize>(&self, values: &[u32; N]) -> (usize, u32) {
        (N, values.iter().sum())
    }

    pub fn make<T: Default + Debug>() -> String {
        format!("{:?}", T::default())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generic_and_impl_trait_parameters() {
    let calc = Handle::new(Calc);

    assert_eq!(calc.debug_async(vec![1, 2]).await, "[1, 2]");
    assert_eq!(
        calc.debug_async("moved &'static str").await,
        "\"moved &'static str\""
    );
    assert_eq!(calc.debug_ref_async("unsized").await, "\"unsized\"");
    assert_eq!(calc.debug_ref_async(&[1_u8, 2][..]).await, "[1, 2]");
    assert_eq!(calc.debug_ref_async(&7_i64).await, "7");
    assert_eq!(calc.debug_opt_async(Some("x")).await, "Some(\"x\")");
    assert_eq!(calc.debug_opt_async::<str>(None).await, "None");

    // A type parameter that only appears in the result, named by turbofish.
    assert_eq!(calc.parse_async::<u16>("65535").await, Some(65535));
    assert_eq!(calc.parse_async::<u8>("256").await, None);

    assert_eq!(calc.greet_async("ann").await, "hi ann");
    assert_eq!(calc.greet_async(String::from("bob")).await, "hi bob");
    let min_len = 2;
    assert_eq!(
        calc.keep_async(
            move |item| item.len() >= min_len,
            vec!["a".into(), "bb".into()]
        )
        .await,
        ["bb"]
    );
    assert_eq!(calc.apply_async(Box::new(|x| x * 3), 5).await, 15);
    assert_eq!(calc.total_async(vec![1, 2, 3]).await, 6);
    assert_eq!(calc.total_async((1_u32..=4).map(u64::from)).await, 10);
    assert_eq!(calc.pair_async("k", 1.5).await, "k=1.5");
    assert_eq!(calc.pair_async::<u8>(1, 'v').await, "1=v");
    assert_eq!(calc.joined_async(vec![1, 2, 3], ", ").await, "1, 2, 3");

    assert_eq!(calc.sum_array_async([1, 2, 3]).await, (3, 6));
    assert_eq!(calc.sum_array_ref_async(&[5; 4]).await, (4, 20));
    assert_eq!(Calc::make_async::<Vec<u8>>().await, "[]");
    assert_eq!(Calc::make_async::<u32>().await, "0");

    // Generic borrowed arguments are copied too: spawnable after a drop.
    let future = {
        let owned = String::from("gone");
        calc.debug_ref_async(owned.as_str())
    };
    assert_eq!(tokio::spawn(future).await.unwrap(), "\"gone\"");
}

// `&impl Trait` and `Option<&impl Trait>`: the twin's parameter type must be
// written `&(impl Display + ToOwned<..>)`, with the parentheses.
#[allow(unreachable_pub, clippy::unused_self)]
mod impl_trait_behind_a_reference {
    use super::{Display, Handle, asyncify};

    pub struct Shower;

    #[asyncify]
    impl Shower {
        pub fn show(&self, value: &impl Display) -> String {
            value.to_string()
        }

        pub fn show_opt(&self, value: Option<&impl Display>) -> String {
            value.map(ToString::to_string).unwrap_or_default()
        }
    }

    #[tokio::test]
    async fn impl_trait_behind_a_reference_is_copied() {
        let shower = Handle::new(Shower);
        let future = {
            let owned = String::from("copied");
            shower.show_async(&owned)
        };
        assert_eq!(tokio::spawn(future).await.unwrap(), "copied");
        assert_eq!(shower.show_async(&5_u8).await, "5");
        assert_eq!(shower.show_opt_async(Some(&'c')).await, "c");
    }
}

/// A generic client with a where-clause on its impl block.
pub struct Cache<T> {
    items: Mutex<Vec<T>>,
}

#[asyncify]
impl<T: Clone + Send + 'static> Cache<T>
where
    T: PartialEq + Debug,
{
    pub fn new() -> Self {
        Cache {
            items: Mutex::new(Vec::new()),
        }
    }

    pub fn with(items: Vec<T>) -> Self {
        Cache {
            items: Mutex::new(items),
        }
    }

    pub fn insert(&self, item: T) -> usize {
        let mut items = self.items.lock().unwrap();
        items.push(item);
        items.len()
    }

    pub fn contains(&self, item: &T) -> bool {
        self.items.lock().unwrap().contains(item)
    }

    pub fn find(&self, item: Option<&T>) -> Option<usize> {
        let items = self.items.lock().unwrap();
        item.and_then(|item| items.iter().position(|x| x == item))
    }

    pub fn snapshot(&self) -> Vec<T> {
        self.items.lock().unwrap().clone()
    }

    pub fn map<U: Send + 'static, F: Fn(&T) -> U>(&self, f: F) -> Vec<U> {
        self.items.lock().unwrap().iter().map(f).collect()
    }

    pub fn clear(&mut self) -> Vec<T> {
        std::mem::take(self.items.get_mut().unwrap())
    }
}

impl<T: Clone + Send + PartialEq + Debug + 'static> Default for Cache<T> {
    fn default() -> Self {
        Cache::new()
    }
}

/// Generic over the trait itself: `CacheAsync<T>` is a generic trait.
async fn fill<T, C>(cache: &C, items: Vec<T>) -> usize
where
    T: Clone + Send + PartialEq + Debug + 'static,
    C: CacheAsync<T>,
{
    let mut len = 0;
    for item in items {
        len = cache.insert_async(item).await;
    }
    len
}

#[tokio::test]
async fn generic_impl_blocks_give_a_generic_trait() {
    let strings = Handle::new(Cache::<String>::new_async().await);
    assert_eq!(
        fill(&strings, vec!["a".to_owned(), "b".to_owned()]).await,
        2
    );
    assert!(strings.contains_async(&"b".to_owned()).await);
    assert!(!strings.contains_async(&"z".to_owned()).await);
    assert_eq!(strings.find_async(Some(&"b".to_owned())).await, Some(1));
    assert_eq!(strings.find_async(None).await, None);
    assert_eq!(strings.map_async(String::len).await, [1, 1]);

    let numbers = Exclusive::new(Cache::with_async(vec![1_u32, 2]).await);
    assert_eq!(fill(&numbers, vec![3]).await, 3);
    assert_eq!(numbers.snapshot_async().await, [1, 2, 3]);
    assert_eq!(numbers.clear_async().await, [1, 2, 3]);
    assert_eq!(numbers.snapshot_async().await, Vec::<u32>::new());
}

/// A client with a const generic parameter.
pub struct Ring<const N: usize> {
    slots: Mutex<([u8; N], usize)>,
}

#[asyncify]
impl<const N: usize> Ring<N> {
    pub fn new() -> Self {
        Ring {
            slots: Mutex::new(([0; N], 0)),
        }
    }

    pub fn capacity(&self) -> usize {
        N
    }

    pub fn push(&self, byte: u8) -> [u8; N] {
        let mut slots = self.slots.lock().unwrap();
        let at = slots.1 % N;
        slots.0[at] = byte;
        slots.1 += 1;
        slots.0
    }
}

impl<const N: usize> Default for Ring<N> {
    fn default() -> Self {
        Ring::new()
    }
}

#[tokio::test]
async fn const_generic_impl_blocks() {
    let ring = Handle::new(Ring::<3>::new_async().await);
    assert_eq!(ring.capacity_async().await, 3);
    for byte in 1..=3 {
        ring.push_async(byte).await;
    }
    assert_eq!(ring.push_async(4).await, [4, 2, 3]);
    assert_eq!(Ring::<8>::new_async().await.capacity(), 8);
}

/// `Self` in parameters, results, bounds and array lengths.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    x: i32,
    y: i32,
}

#[asyncify]
#[allow(
    clippy::needless_pass_by_value,
    reason = "owned parameters are under test"
)]
impl Point {
    pub const DIMENSIONS: usize = 2;

    pub fn new(x: i32, y: i32) -> Self {
        Point { x, y }
    }

    pub fn sum(points: Vec<Self>) -> Option<Self> {
        points.into_iter().reduce(|a, b| a.plus(&b))
    }

    #[must_use]
    pub fn plus(&self, other: &Self) -> Self {
        Point {
            x: self.x + other.x,
            y: self.y + other.y,
        }
    }

    /// Adds `other` unless its `x` is negative.
    ///
    /// # Errors
    ///
    /// Gives `other` back when its `x` is negative.
    pub fn checked_plus(&self, other: Self) -> Result<Self, Self> {
        if other.x < 0 {
            Err(other)
        } else {
            Ok(self.plus(&other))
        }
    }

    #[must_use]
    pub fn scale(&self, by: [i32; Self::DIMENSIONS]) -> Self {
        Point {
            x: self.x * by[0],
            y: self.y * by[1],
        }
    }

    #[must_use]
    pub fn absorb<I: IntoIterator<Item = Self>>(&self, others: I) -> Self {
        others.into_iter().fold(self.clone(), |a, b| a.plus(&b))
    }

    pub fn nearest(&self, others: Option<&[Self]>) -> Option<Self> {
        let dist = |p: &Self| (p.x - self.x).abs() + (p.y - self.y).abs();
        others?.iter().min_by_key(|p| dist(p)).cloned()
    }
}

#[tokio::test]
async fn self_in_signatures_is_the_client_type() {
    // `Point` is `Clone`, so it is its own handle.
    let origin = Point::new_async(1, 1).await;
    assert_eq!(origin.plus_async(&Point::new(2, 3)).await, Point::new(3, 4));
    assert_eq!(
        origin.checked_plus_async(Point::new(-1, 0)).await,
        Err(Point::new(-1, 0))
    );
    assert_eq!(origin.scale_async([2, 5]).await, Point::new(2, 5));
    assert_eq!(
        origin
            .absorb_async(vec![Point::new(1, 0), Point::new(0, 1)])
            .await,
        Point::new(2, 2)
    );
    let others = [Point::new(9, 9), Point::new(2, 1)];
    assert_eq!(
        origin.nearest_async(Some(&others)).await,
        Some(Point::new(2, 1))
    );
    assert_eq!(
        Point::sum_async(vec![Point::new(1, 2), Point::new(3, 4)]).await,
        Some(Point::new(4, 6))
    );
    assert_eq!(Point::sum_async(Vec::new()).await, None);

    let handle = Handle::new(Point::new(0, 0));
    let future = {
        let other = Point::new(5, 5);
        handle.plus_async(&other)
    };
    assert_eq!(tokio::spawn(future).await.unwrap(), Point::new(5, 5));
}
