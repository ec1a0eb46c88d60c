use asyncify::asyncify;

pub struct A;

#[asyncify(sufix = "_nb", trait_name = AExt)]
impl A {
    pub fn a(&self) {}
}

pub struct B;

#[asyncify]
impl B {
    #[asyncify(skip, renam = "x")]
    pub fn b(&self) {}

    #[asyncify(suffix = "_x")]
    pub fn c(&self) {}
}

fn main() {}
