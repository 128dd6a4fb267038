//! Prints what changed between two OpenAPI documents: operations, parameters, bodies, responses,
//! schemas, fields, types and enum values added, removed or changed.
//!
//! ```text
//! cargo run --example openapi_diff -- <new-file.json> [<old-file.json>]
//! ```
//!
//! `<old-file.json>` defaults to `openapi/theirstack.json`. Operations the new file removed or
//! renamed (same method and path under another operationId, or the same operationId at another
//! method or path) come first, marked BREAKING, each with the hand-written code of the workspace
//! that is gated on it (`theirstack_has = "op:<operationId>"`, or an `"op:<operationId>"` macro
//! argument) and disappears with it: file, line and the item; then the code outside those
//! gates that names what they define (or calls the operation's method), which breaks with them
//! unless it is gated too. Exit code: 0 when nothing
//! structural changed, 1 when something did, 2 when a file cannot be read or is not an OpenAPI
//! document.

#[path = "../tests/support/spec_diff.rs"]
mod spec_diff;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (new_path, old_path) = match args.as_slice() {
        [new] => (PathBuf::from(new), root.join("openapi/theirstack.json")),
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

    let breaking = spec_diff::breaking(&old, &new);
    if !breaking.is_empty() {
        let sources = spec_diff::workspace_sources(root);
        println!(
            "BREAKING: {} operation(s) removed or renamed",
            breaking.len()
        );
        for change in &breaking {
            println!("  BREAKING {change}");
            let Some(id) = change.vanished_id(&new) else {
                println!(
                    "    `op:` capabilities unchanged: wrappers still compile (check the new path)"
                );
                continue;
            };
            let gated: Vec<(String, spec_diff::Gate)> = sources
                .iter()
                .flat_map(|(file, text)| {
                    spec_diff::gates(text, id)
                        .into_iter()
                        .map(move |gate| (file.clone(), gate))
                })
                .collect();
            if gated.is_empty() {
                println!("    no hand-written code is gated on op:{id}");
            } else {
                println!(
                    "    hand-written code gated on op:{id}, which disappears ({}):",
                    gated.len()
                );
                for (file, gate) in &gated {
                    println!("      {file}:{}: {}", gate.line, gate.item);
                }
            }
            let uses = spec_diff::uses(&sources, id, &gated);
            if !uses.is_empty() {
                println!(
                    "    code outside those gates that names what they define or calls {id} ({}): it breaks unless gated",
                    uses.len()
                );
                for u in uses {
                    println!("      {}:{}: {}", u.file, u.line, u.text);
                }
            }
        }
        println!();
    }

    print!("{}", spec_diff::render(&changes));
    let count = |label: &str| {
        changes
            .iter()
            .filter(|c| c.label().starts_with(label))
            .count()
    };
    println!(
        "{} change(s): {} added, {} removed, {} attribute(s) changed, {} enum value(s) added, {} removed; {} breaking operation change(s)",
        changes.len(),
        count("added"),
        count("removed"),
        count("changed"),
        count("enum value added"),
        count("enum value removed"),
        breaking.len(),
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
