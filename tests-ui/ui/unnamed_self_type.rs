use asyncify::asyncify;

pub trait Backend {}

#[asyncify]
impl dyn Backend {
    pub fn ping(&self) -> bool {
        true
    }
}

fn main() {}
