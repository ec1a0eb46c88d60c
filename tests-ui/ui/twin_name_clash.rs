use asyncify::asyncify;

pub struct Client;

#[asyncify]
impl Client {
    pub fn get(&self) -> u8 {
        1
    }

    pub fn get_async(&self) -> u8 {
        2
    }

    #[asyncify(rename = "fetch")]
    pub fn load(&self) -> u8 {
        3
    }

    #[asyncify(rename = "fetch")]
    pub fn read(&self) -> u8 {
        4
    }
}

fn main() {}
