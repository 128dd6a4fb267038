//! Prints what changed between two OpenAPI documents: operations, parameters, bodies, responses,
//! schemas, fields, types and enum values added, removed or changed.
//!
//! ```text
//! cargo run --example openapi_diff -- <new-file.json> [<old-file.json>]
//! ```
//!
//! `<old-file.json>` defaults to `openapi/theirstack.json`. Exit code: 0 when nothing structural
//! changed, 1 when something did, 2 when a file cannot be read or is not an OpenAPI document.

#[path = "../tests/support/spec_diff.rs"]
mod spec_diff;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (new_path, old_path) = match args.as_slice() {
        [new] => (
            PathBuf::from(new),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/theirstack.json"),
        ),
        [new, old] => (PathBuf::from(new), PathBuf::from(old)),
        _ => {
            eprintln!(
                "usage: cargo run --example openapi_diff -- <new-file.json> [<old-file.json>]"
            );
            return ExitCode::from(2);
        }
    };
    let (old, new) = match (load(&old_path), load(&new_path)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let changes = spec_diff::diff(&old, &new);
    println!("{} -> {}", old_path.display(), new_path.display());
    if changes.is_empty() {
        println!("no structural change");
        return ExitCode::SUCCESS;
    }
    print!("{}", spec_diff::render(&changes));
    let count = |label: &str| {
        changes
            .iter()
            .filter(|c| c.label().starts_with(label))
            .count()
    };
    println!(
        "{} change(s): {} added, {} removed, {} attribute(s) changed, {} enum value(s) added, {} removed",
        changes.len(),
        count("added"),
        count("removed"),
        count("changed"),
        count("enum value added"),
        count("enum value removed"),
    );
    ExitCode::from(1)
}

/// Reads a document's facts, or a one-line reason why not.
fn load(path: &Path) -> Result<spec_diff::Facts, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    spec_diff::facts(&doc).map_err(|e| format!("{}: {e}", path.display()))
}
