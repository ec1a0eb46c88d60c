//! Compile cost, part 1: the time `#[asyncify]` takes to expand an `impl` of
//! 100, 600 and 1,000 methods, calling the macro's expansion function
//! directly (the same code the proc macro runs, compiled in here).
//!
//! ```text
//! cargo bench -p tests --bench compile
//! scripts/compile-cost.sh     # part 2: the extra `cargo build` time
//! ```
//!
//! The methods look like a cloud SDK client's: `&self`, a `&str` and an
//! owned argument, a `Result` return type, a doc comment.

// `cargo clippy --all-targets` checks benches with `cfg(test)` but without the
// test harness, so the pipeline's unit tests come in with their `#[test]`
// functions stripped: their helpers and imports look unused.
#[allow(dead_code, unused_imports)]
#[path = "../../asyncify-macros/src/pipeline/mod.rs"]
mod pipeline;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// An `impl` block of `methods` SDK-like methods.
fn client_impl(methods: usize) -> TokenStream {
    let methods = (0..methods).map(|i| {
        let name = format_ident!("operation_{i}");
        let doc = format!("Calls operation {i} of the service.");
        quote! {
            #[doc = #doc]
            pub fn #name(&self, bucket: &str, max_keys: u32) -> Result<Output, Error> {
                self.send(stringify!(#name), bucket, max_keys)
            }
        }
    });
    quote! {
        impl Client {
            #(#methods)*
        }
    }
}

fn expansion(c: &mut Criterion) {
    let mut group = c.benchmark_group("expand");
    // An expansion takes milliseconds: the same iteration count per sample.
    group.sampling_mode(SamplingMode::Flat);
    for methods in [100, 600, 1_000] {
        let item = client_impl(methods);
        // The benchmark would be meaningless if this were an error.
        let expanded = pipeline::expand(TokenStream::new(), item.clone()).to_string();
        assert!(!expanded.contains("compile_error"), "{expanded}");
        assert!(expanded.contains(&format!("operation_{}_async", methods - 1)));

        group.bench_with_input(BenchmarkId::new("methods", methods), &item, |b, item| {
            b.iter(|| pipeline::expand(TokenStream::new(), black_box(item.clone())));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = expansion
}
criterion_main!(benches);
