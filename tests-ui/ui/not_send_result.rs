use std::rc::Rc;

use asyncify::asyncify;

pub struct Session {
    state: Rc<String>,
}

#[asyncify]
impl Session {
    pub fn connect(name: &str) -> Session {
        Session {
            state: Rc::new(name.to_owned()),
        }
    }

    pub fn state(&self) -> Rc<String> {
        Rc::clone(&self.state)
    }
}

fn main() {}
