use asyncify::asyncify;

pub struct Table;

#[asyncify]
impl Table {
    // `impl Iterator` gets a stream twin; other `impl Trait` results cannot
    // cross threads.
    pub fn title(&self) -> impl std::fmt::Display {
        "rows"
    }
}

fn main() {}
