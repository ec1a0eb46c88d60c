use asyncify::asyncify;

pub struct Table;

#[asyncify]
impl Table {
    pub fn rows(&self) -> impl Iterator<Item = u32> {
        0..3
    }
}

fn main() {}
