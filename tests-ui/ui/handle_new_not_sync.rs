use std::cell::Cell;

/// `Send` but not `Sync`.
pub struct Counter {
    count: Cell<u64>,
}

fn main() {
    let counter = Counter {
        count: Cell::new(0),
    };
    let _ = asyncify::Handle::new(counter);
}
