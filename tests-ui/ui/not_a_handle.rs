use asyncify::Offload;

struct Client;

fn requires_handle<H: Offload<Client>>(_: &H) {}

fn main() {
    requires_handle(&std::rc::Rc::new(Client));
}
