//! Compiles the routes of the document's operations only: prints the `theirstack_has` cfgs the
//! `theirstack` build script derived from the document (`DEP_THEIRSTACK_CFGS`), and
//! `sandbox_company_lists` when the document has any company-list operation (the in-memory
//! store those operations share).

fn main() {
    let path = std::env::var("DEP_THEIRSTACK_CFGS").expect("set by the theirstack build script");
    let directives = std::fs::read_to_string(&path).expect("the theirstack build script wrote it");
    print!("{directives}");
    println!("cargo::rustc-check-cfg=cfg(sandbox_company_lists)");
    let company_lists = directives
        .lines()
        .any(|line| line.contains("theirstack_has=\"op:") && line.contains("company_lists"));
    if company_lists {
        println!("cargo::rustc-cfg=sandbox_company_lists");
    }
    println!("cargo::rerun-if-changed={path}");
}
