use asyncify::asyncify;

pub struct Config {
    name: String,
}

#[asyncify]
impl Config {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn section<'a>(&'a self, key: &str) -> Section<'a> {
        Section(&self.name[..key.len()])
    }
}

pub struct Section<'a>(&'a str);

fn main() {}
