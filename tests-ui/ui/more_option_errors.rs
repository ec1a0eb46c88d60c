use asyncify::asyncify;

pub struct A;

#[asyncify(trait_name = AExt, trait_name = AExt2)]
impl A {
    #[asyncify(rename = "fetch", rename = "fetch2")]
    pub fn a(&self) {}
}

pub struct B;

#[asyncify(trait_name = 5)]
impl B {
    #[asyncify(rename = 5)]
    pub fn b(&self) {}
}

pub struct C;

#[asyncify(suffix = 5)]
impl C {
    pub fn c(&self) {}
}

fn main() {}
