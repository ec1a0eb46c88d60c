use asyncify::asyncify;

pub struct Device;

#[asyncify]
impl Device {
    pub unsafe fn poke(&self, address: usize) -> u8 {
        address as u8
    }
}

fn main() {}
