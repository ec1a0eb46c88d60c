use std::rc::Rc;

use asyncify::Dedicated;

pub struct Session {
    shared: Rc<String>,
}

fn main() {
    // The client may be `!Send`, but the factory crosses to the thread: it
    // must build the `Rc` there, not capture one from here.
    let shared = Rc::new(String::from("state"));
    let _session = Dedicated::spawn(move || Session { shared });
}
