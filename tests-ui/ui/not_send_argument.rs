use std::rc::Rc;

use asyncify::asyncify;

pub struct Cache;

#[asyncify]
impl Cache {
    pub fn insert(&self, value: Rc<String>) -> usize {
        value.len()
    }

    pub fn lookup(&self, key: &Rc<str>) -> usize {
        key.len()
    }
}

fn main() {}
