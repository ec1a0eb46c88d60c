use std::fmt::Display;

use asyncify::asyncify;

pub struct Shell;

#[asyncify]
impl Shell {
    pub fn run(&self, args: &[&str]) -> usize {
        args.len()
    }

    pub fn run_owned(&self, args: Vec<&str>) -> usize {
        args.len()
    }

    pub fn show(&self, value: &dyn Display) -> String {
        value.to_string()
    }
}

fn main() {}
