//! Compiles the tests of later API additions only against documents that have them: prints the
//! `theirstack_has` cfgs the `theirstack` build script derived from the document
//! (`DEP_THEIRSTACK_CFGS`).

fn main() {
    let path = std::env::var("DEP_THEIRSTACK_CFGS").expect("set by the theirstack build script");
    let directives = std::fs::read_to_string(&path).expect("the theirstack build script wrote it");
    print!("{directives}");
    println!("cargo::rerun-if-changed={path}");
}
