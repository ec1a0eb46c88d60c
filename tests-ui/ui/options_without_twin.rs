use asyncify::asyncify;

pub struct Client;

#[asyncify]
impl Client {
    #[asyncify(rename = "go")]
    fn private(&self) {}

    #[asyncify(skip)]
    pub async fn already_async(&self) {}

    #[asyncify(skip)]
    pub const LIMIT: usize = 3;
}

fn main() {}
