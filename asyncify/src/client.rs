use std::sync::Arc;

use crate::{Dedicated, Exclusive, Handle, Pool};

/// A handle to one client type, named by [`Client`](ClientHandle::Client).
///
/// This is how `#[asyncify]` on a trait reaches every backend: the twins of
/// `trait Storage` are implemented for every handle whose client implements
/// `Storage` (`H: ClientHandle<Client: Storage> + Offload<H::Client>`), so
/// `Handle<S3Storage>`, `Exclusive<FileStorage>`, `Pool<FileStorage>`, `Dedicated<LocalOnly>` and
/// `Arc<dyn Storage + Send + Sync>` all get them. Implement it for your own
/// handle type, next to [`Offload`](crate::Offload), to join them.
///
/// A `Clone` client that is its own handle has no `ClientHandle` impl (it
/// would overlap these): wrap it in a [`Handle`] to use a trait's twins.
pub trait ClientHandle {
    /// The client type this handle runs calls on.
    type Client: ?Sized;
}

impl<T> ClientHandle for Handle<T> {
    type Client = T;
}

impl<T> ClientHandle for Exclusive<T> {
    type Client = T;
}

impl<T> ClientHandle for Pool<T> {
    type Client = T;
}

impl<T> ClientHandle for Dedicated<T> {
    type Client = T;
}

impl<T: ?Sized> ClientHandle for Arc<T> {
    type Client = T;
}
