// A `&mut self` method with a type parameter of its own: its twin has no
// hidden lender (it would break `put_async::<String>(..)`), so this one
// mistake is still reported three times (see ERRORS in tests/ui.rs).
use asyncify::{asyncify, Handle};

pub struct Store;

#[asyncify]
impl Store {
    pub fn put<V: Into<String>>(&mut self, value: V) -> usize {
        value.into().len()
    }
}

async fn run(store: Handle<Store>) -> usize {
    store.put_async("value").await
}

fn main() {
    drop(run);
}
