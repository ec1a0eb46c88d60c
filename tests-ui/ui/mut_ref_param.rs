use asyncify::asyncify;

pub struct Port;

#[asyncify]
impl Port {
    pub fn read(&self, buf: &mut [u8]) -> usize {
        buf.len()
    }
}

fn main() {}
