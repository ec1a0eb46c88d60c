use asyncify::asyncify;

pub struct View<'a> {
    data: &'a [u8],
}

#[asyncify]
impl<'a> View<'a> {
    pub fn len(&self) -> usize {
        self.data.len()
    }
}

fn main() {}
