//! The one error type: a message for the user, printed as `error: ..` with
//! exit code 2.

use std::fmt;

#[derive(Debug)]
pub(crate) struct Failure(pub(crate) String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) type Result<T, E = Failure> = std::result::Result<T, E>;

/// `return Err(Failure(format!(..)))`.
macro_rules! fail {
    ($($arg:tt)*) => {
        return Err($crate::failure::Failure(format!($($arg)*)))
    };
}
pub(crate) use fail;
