//! The twins generated in the lint fixture (`tests/src/lib.rs`, which shadows
//! `core`, `std`, `Result`, `Option`, `Send`, `Future`, ... and names a
//! parameter `this`) work, not just compile.

use asyncify::{Exclusive, Handle};
use tests::{Client, ClientAsync, Ring, RingExt};

#[tokio::test]
async fn twins_of_the_lint_fixture_work() {
    let client = Handle::new(Client::connect_async("db").await);
    assert_eq!(client.get_async("k", 7).await, "k7");
    assert_eq!(client.show_async(1, "x").await, "1\"x\"");
    #[allow(deprecated)]
    let old = client.old_async().await;
    assert_eq!(old, Ok(()));
    assert_eq!(client.twin_async(vec![Client::default()]).await, 1);

    let exclusive = Exclusive::new(Client::default());
    assert_eq!(exclusive.set_async(Some("k"), b"abc").await, 3);

    // A `Clone` client needs no handle; the generic trait and options apply.
    let ring: Ring<String, 4> = Ring::new_nb("a".to_owned()).await;
    assert_eq!(ring.capacity_nb().await, 4);
    assert_eq!(ring.position_nb(&"a".to_owned()).await, Some(0));
    assert_eq!(Exclusive::new(ring).push_nb("b".to_owned()).await, 2);
}
