//! Generates the TheirStack client from the OpenAPI document at build time.
//!
//! Reads `openapi/theirstack.json` (or the file named by `THEIRSTACK_OPENAPI`), converts it to
//! OpenAPI 3.0 (`build/convert/`), and writes into `OUT_DIR`: the progenitor client
//! (`codegen.rs`), the open enums (`open_enums.rs`), facts about the document
//! (`document_facts.rs`) and the converted document (`openapi-3.0.json`). It also sets one
//! `theirstack_has="…"` cfg per operation, schema field and enum value, so that wrappers of an
//! operation and tests of later API additions compile only against documents that have them,
//! and writes them to `cfgs.txt` for the workspace's other crates.

#[path = "build/convert/mod.rs"]
mod convert;
#[path = "build/generate.rs"]
mod generate;

use std::path::{Path, PathBuf};

const DEFAULT_DOCUMENT: &str = "openapi/theirstack.json";
/// Declares the `theirstack_has` cfg to the compiler's cfg check.
const CHECK_CFG: &str = "cargo::rustc-check-cfg=cfg(theirstack_has, values(any()))";

fn main() {
    println!("cargo::rerun-if-env-changed=THEIRSTACK_OPENAPI");
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let document = match std::env::var_os("THEIRSTACK_OPENAPI") {
        Some(path) => manifest_dir.join(path),
        None => manifest_dir.join(DEFAULT_DOCUMENT),
    };
    println!("cargo::rerun-if-changed={}", document.display());
    if let Err(message) = run(&document) {
        eprintln!(
            "error: cannot generate the client from {}: {message}",
            document.display()
        );
        std::process::exit(1);
    }
}

fn run(document: &Path) -> Result<(), String> {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let text = std::fs::read_to_string(document).map_err(|e| e.to_string())?;
    let input: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let converted = convert::convert(&input).map_err(|e| e.to_string())?;

    let enums = generate::string_enums(&converted);
    let client = generate::client_source(&converted, &enums)?;
    write(&out_dir.join("codegen.rs"), &client)?;
    write(
        &out_dir.join("open_enums.rs"),
        &generate::open_enums_source(&enums),
    )?;
    write(
        &out_dir.join("document_facts.rs"),
        &generate::document_facts_source(&converted),
    )?;
    let pretty = serde_json::to_string_pretty(&converted).map_err(|e| e.to_string())?;
    write(&out_dir.join("openapi-3.0.json"), &pretty)?;

    // Tests that compare the build with checked-in files need to know which document it used.
    println!(
        "cargo::rustc-env=THEIRSTACK_OPENAPI_DOCUMENT={}",
        document.display()
    );
    println!("{CHECK_CFG}");
    let capabilities = generate::capability_cfgs(&converted);
    for capability in &capabilities {
        println!("cargo::rustc-cfg=theirstack_has={capability:?}");
    }
    // The same cfgs, as build-script directives the workspace's other crates print (their
    // build scripts read the file named by `DEP_THEIRSTACK_CFGS`).
    let directives: String = std::iter::once(CHECK_CFG.to_string())
        .chain(
            capabilities
                .iter()
                .map(|c| format!("cargo::rustc-cfg=theirstack_has={c:?}")),
        )
        .map(|line| line + "\n")
        .collect();
    let listed = out_dir.join("cfgs.txt");
    write(&listed, &directives)?;
    println!("cargo::metadata=cfgs={}", listed.display());
    Ok(())
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}
