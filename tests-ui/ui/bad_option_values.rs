use asyncify::asyncify;

pub struct A;

#[asyncify(suffix = "-nb")]
impl A {
    pub fn a(&self) {}
}

pub struct B;

#[asyncify(suffix = "_x", suffix = "_y", trait_name = "not an ident")]
impl B {
    pub fn b(&self) {}
}

pub struct C;

#[asyncify]
impl C {
    #[asyncify(rename = "fn")]
    pub fn c(&self) {}

    #[asyncify(skip, rename = "d2")]
    pub fn d(&self) {}

    #[asyncify(skip)]
    #[asyncify(skip)]
    pub fn e(&self) {}
}

fn main() {}
