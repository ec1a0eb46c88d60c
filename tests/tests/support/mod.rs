//! Shared by the load, fault and fuzz tests: a small seeded PRNG, so that a
//! failing run can be repeated with the seed it printed.

// Each test binary uses its own subset.
#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

/// The seed for this run: `ASYNCIFY_SEED` if set (to repeat a run), else
/// taken from the clock. Printed so that a failure can be repeated.
pub(crate) fn seed(test: &str) -> u64 {
    let seed = if let Ok(value) = std::env::var("ASYNCIFY_SEED") {
        value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("ASYNCIFY_SEED must be a u64, not {value:?}"))
    } else {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_nanos();
        // Any 64 bits of the clock make a seed.
        #[allow(clippy::cast_possible_truncation)]
        let low = nanos as u64;
        low
    };
    println!("{test}: seed {seed} (repeat with ASYNCIFY_SEED={seed})");
    seed
}

/// xorshift64* (Vigna): tiny, fast, and good enough to pick test cases.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        // splitmix64 of the seed, so that nearby seeds give unrelated streams
        // and the state is never zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "Rng::below(0)");
        // The modulo bias is irrelevant for picking test cases.
        self.next_u64() % n
    }

    /// An index into a slice of length `n` (`n > 0`).
    pub(crate) fn index(&mut self, n: usize) -> usize {
        usize::try_from(self.below(n as u64)).expect("below n fits in usize")
    }

    /// True with probability `numerator / denominator`.
    pub(crate) fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.below(denominator) < numerator
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }
}
