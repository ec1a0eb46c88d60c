use asyncify::asyncify;

mod vendor {
    pub struct Store;
    impl Store {
        pub fn close(self) -> bool {
            true
        }
        pub async fn refresh(&self, force: bool) -> u32 {
            u32::from(force)
        }
        /// # Safety
        /// None needed; it stands for an FFI call.
        pub unsafe fn raw(&self) -> *const u8 {
            std::ptr::null()
        }
    }
}

// Declarations without a twin are compared with the real methods too: one
// error for each wrong one.
#[asyncify(remote = vendor::Store)]
pub trait StoreAsync {
    #[asyncify(skip)]
    fn does_not_exist(&self, x: u8);
    #[asyncify(skip)]
    fn close(self) -> u8;
    async fn refresh(&self, force: u8) -> u32;
    #[asyncify(skip)]
    unsafe fn raw(&self) -> *mut u8;
}

fn main() {}
