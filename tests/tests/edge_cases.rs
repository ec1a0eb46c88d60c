//! Unusual but valid impl blocks: each expands, compiles, and its twins
//! return what the sync methods return.

use asyncify::{Exclusive, Handle, asyncify};

pub mod inner {
    #[derive(Debug, Default)]
    pub struct Client {
        pub seen: Vec<String>,
    }
}

// A self type given by path; the trait is named after its last segment.
#[asyncify]
impl inner::Client {
    /// Patterns, `mut` and `_` parameters.
    pub fn patterns(&self, (a, b): (u32, u32), mut name: String, _: u8) -> String {
        name.push_str(&(a + b).to_string());
        name
    }

    /// A raw identifier.
    pub fn r#type(&self) -> &'static str {
        "type"
    }

    /// Const generics on the method and an array behind a reference.
    pub fn sum<const N: usize>(&self, values: &[u8; N]) -> usize {
        values.iter().map(|&v| usize::from(v)).sum::<usize>() + N
    }

    /// A closure argument whose own signature borrows.
    pub fn with(&mut self, edit: impl FnOnce(&mut Vec<String>) + Send) -> usize {
        edit(&mut self.seen);
        self.seen.len()
    }

    /// A `where Self: Sized` clause and a `const fn`.
    pub const fn answer(&self) -> u32
    where
        Self: Sized,
    {
        42
    }

    #[doc(hidden)]
    #[inline]
    #[allow(clippy::unused_self)]
    pub fn hidden(&self) -> bool {
        true
    }
}

#[tokio::test]
async fn unusual_signatures_have_working_twins() {
    let client = Exclusive::new(inner::Client::default());
    assert_eq!(client.patterns_async((1, 2), "n".to_owned(), 0).await, "n3");
    assert_eq!(client.type_async().await, "type");
    assert_eq!(client.sum_async(&[1, 2, 3]).await, 9);
    let pushed = client.with_async(|seen| seen.push("x".to_owned())).await;
    assert_eq!(pushed, 1);
    assert_eq!(client.answer_async().await, 42);
    assert!(client.hidden_async().await);
}

#[tokio::test]
async fn an_impl_inside_a_function_body() {
    #[derive(Clone)]
    struct Local(u8);

    #[asyncify]
    impl Local {
        pub(crate) fn get(&self) -> u8 {
            self.0
        }
    }

    assert_eq!(Local(5).get_async().await, 5);
}

/// A generic client whose twins need the generic bounds to line up with the
/// handle's.
pub struct Pair<A, B> {
    a: A,
    b: B,
}

#[asyncify]
impl<A: Clone + Send + Sync + 'static, B> Pair<A, B>
where
    B: Clone + Send + Sync + 'static,
{
    pub fn new(a: A, b: B) -> Self {
        Pair { a, b }
    }

    pub fn swap(&self) -> Pair<B, A> {
        Pair {
            a: self.b.clone(),
            b: self.a.clone(),
        }
    }

    pub fn set_a(&mut self, a: A) -> A {
        std::mem::replace(&mut self.a, a)
    }
}

#[tokio::test]
async fn generic_impls_with_where_clauses() {
    let pair = Handle::new(Pair::new_async(1_u8, "b").await);
    let swapped = pair.swap_async().await;
    assert_eq!((swapped.a, swapped.b), ("b", 1));
    let pair = Exclusive::new(Pair::new(1_u8, 2_u16));
    assert_eq!(pair.set_a_async(3).await, 1);
    assert_eq!(pair.set_a_async(4).await, 3);
}

/// Inner attributes: on the impl block and at the top of a method's body.
pub struct Inner;

#[asyncify]
impl Inner {
    #![cfg(not(any()))]

    pub fn doubled(&self, value: u32) -> u32 {
        //! Doubles `value`.
        #![allow(clippy::arithmetic_side_effects)]
        value * 2
    }
}

#[tokio::test]
async fn inner_attributes_are_carried_to_the_twins() {
    // Found by tests/macro_fuzz.rs: the inner `#![cfg]` used to be carried
    // as it was, in front of the generated trait, where it does not compile.
    assert_eq!(Handle::new(Inner).doubled_async(21).await, 42);
}
