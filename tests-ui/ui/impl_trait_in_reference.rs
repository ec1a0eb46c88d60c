use std::fmt::Display;

use asyncify::asyncify;

pub struct Printer;

#[asyncify]
impl Printer {
    pub fn print_all(&self, values: &[impl Display]) -> usize {
        values.len()
    }

    // A reference to an `impl Trait` is copied like any `&T`.
    pub fn print(&self, value: &impl Display) -> String {
        value.to_string()
    }
}

fn main() {}
