use asyncify::asyncify;

/// Not `Send` because of a field: a C library's handle.
pub struct Raw {
    ptr: *mut i8,
}

#[asyncify]
impl Raw {
    pub fn open() -> Raw {
        Raw {
            ptr: std::ptr::null_mut(),
        }
    }

    pub fn duplicate(&self) -> Raw {
        Raw { ptr: self.ptr }
    }

    pub fn callback(&mut self) -> Box<dyn Fn() -> u8> {
        Box::new(|| 1)
    }
}

fn main() {}
