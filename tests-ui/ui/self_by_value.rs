use asyncify::asyncify;

pub struct Connection;

#[asyncify]
impl Connection {
    pub fn close(self) {}

    pub fn boxed(self: Box<Self>) {}
}

fn main() {}
