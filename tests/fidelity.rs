//! Fidelity of `openapi/theirstack.json` to TheirStack's own OpenAPI file.
//!
//! Rule: for every operation both documents have, parameters, bodies, responses and every schema
//! they reach (fields, types, nullability, required-ness, enum values, defaults, bounds) are equal,
//! except for the deliberate differences in [`DELIBERATE`]. The upstream file is read from
//! `../shared/` at test time and never committed; without it the test says so and passes.

#[path = "support/spec_diff.rs"]
mod spec_diff;

use serde_json::Value;
use spec_diff::{Change, Facts, Key, Owner};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// TheirStack's file, relative to the crate root.
const UPSTREAM: &str = "../shared/theirstack/openapi.third-party-copy.2026-02-19.json";
/// Our document, relative to the crate root.
const OURS: &str = "openapi/theirstack.json";

/// A difference we keep on purpose: changes to these schemas, at `path` (a field, or `""` for
/// the whole schema), of one of the listed kinds (see [`Change::label`]).
struct Deliberate {
    schemas: &'static [&'static str],
    path: &'static str,
    changes: &'static [&'static str],
    reason: &'static str,
}

/// The later API additions our document has and the 2026-02-19 upstream file lacks.
const DELIBERATE: [Deliberate; 6] = [
    // Webhook signing: creating or updating a webhook can set a signing secret.
    Deliberate {
        schemas: &["WebhookCreate", "WebhookUpdate"],
        path: ".secret",
        changes: &["added"],
        reason: "signing secrets were documented after the upstream copy",
    },
    // Deliveries for closed jobs.
    Deliberate {
        schemas: &["WebhookPublicEvent"],
        path: ".type",
        changes: &["enum value added \"job.closed\""],
        reason: "the job.closed event was documented after the upstream copy",
    },
    // Test deliveries to an existing webhook: every field optional, plus webhook_id and secret.
    Deliberate {
        schemas: &["WebhookTest"],
        path: "",
        changes: &["added", "changed nullable", "changed required"],
        reason: "the newer test body (webhook_id, url, event_type, secret) is all optional",
    },
    // The test response echoes the signature it sent.
    Deliberate {
        schemas: &["WebhookTestResponse"],
        path: ".signature",
        changes: &["added"],
        reason: "test deliveries report their signature since signing was added",
    },
    // Some jobs come without a posting URL.
    Deliberate {
        schemas: &[
            "JobWithMatchingPhrasesResponse-Output",
            "JobWithMatchingPhrasesResponse-Input",
        ],
        path: ".url",
        changes: &["changed nullable", "changed required"],
        reason: "url is null or missing on some jobs, which the upstream copy does not allow",
    },
    // job.closed deliveries carry the closing time.
    Deliberate {
        schemas: &["JobWithMatchingPhrasesResponse-Input"],
        path: ".closed_at",
        changes: &["added"],
        reason: "closed_at arrived with the job.closed event",
    },
];

impl Deliberate {
    fn covers(&self, change: &Change) -> bool {
        let key = change.key();
        let Owner::Schema(name) = &key.owner else {
            return false;
        };
        let at_path = self.path.is_empty()
            || key.path == self.path
            || key
                .path
                .strip_prefix(self.path)
                .is_some_and(|rest| rest.starts_with(['.', '[', '{', '|', '&', '!']));
        self.schemas.contains(&name.as_str())
            && at_path
            && self.changes.contains(&change.label().as_str())
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

/// The comparison of both documents, restricted to the operations both have.
struct Report {
    coverage: spec_diff::Coverage,
    missing: Vec<Owner>,
    changes: Vec<Change>,
}

fn compare(upstream: &Facts, ours: &Facts) -> Report {
    let theirs_ops = spec_diff::operations(upstream);
    let our_ops = spec_diff::operations(ours);
    let shared: BTreeSet<&Owner> = theirs_ops.intersection(&our_ops).collect();
    let missing = theirs_ops.difference(&our_ops).cloned().collect();
    // Schemas reached from the shared operations, in either document.
    let mut schemas = spec_diff::reachable_schemas(upstream, |o| shared.contains(o));
    schemas.extend(spec_diff::reachable_schemas(ours, |o| shared.contains(o)));
    let in_scope = |key: &Key| match &key.owner {
        Owner::Schema(name) => schemas.contains(name),
        owner => shared.contains(owner) || !theirs_ops.contains(owner),
    };
    let coverage = spec_diff::coverage(upstream, ours, |k| {
        in_scope(k) || theirs_ops.contains(&k.owner)
    });
    // From upstream to ours: what we have on top of TheirStack's file shows as added.
    let changes = spec_diff::diff(upstream, ours)
        .into_iter()
        .filter(|c| in_scope(c.key()))
        .collect();
    Report {
        coverage,
        missing,
        changes,
    }
}

#[test]
fn our_document_matches_theirstack_file_except_deliberate_differences() {
    let upstream_path = root().join(UPSTREAM);
    if !upstream_path.exists() {
        println!(
            "skipped: TheirStack's file is not at {} (it is never committed)",
            upstream_path.display()
        );
        return;
    }
    let upstream =
        spec_diff::facts(&load(&upstream_path)).expect("upstream is an OpenAPI document");
    let ours = spec_diff::facts(&load(&root().join(OURS))).expect("ours is an OpenAPI document");
    let report = compare(&upstream, &ours);

    println!("coverage against {UPSTREAM}: {}", report.coverage);
    if report.missing.is_empty() {
        println!("upstream operations we do not have yet: none");
    } else {
        println!("upstream operations we do not have yet:");
        for owner in &report.missing {
            println!("  {owner}");
        }
    }

    let mut used = [false; DELIBERATE.len()];
    let mut undeclared = Vec::new();
    for change in &report.changes {
        match DELIBERATE.iter().position(|d| d.covers(change)) {
            Some(i) => used[i] = true,
            None => undeclared.push(change.clone()),
        }
    }
    println!("deliberate differences:");
    for (d, used) in DELIBERATE.iter().zip(used) {
        let state = if used { "present" } else { "NOT FOUND" };
        let place = if d.path.is_empty() {
            "(whole schema)"
        } else {
            d.path
        };
        println!("  [{state}] {} {place}: {}", d.schemas.join(", "), d.reason);
    }
    let stale: Vec<&str> = DELIBERATE
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(d, _)| d.reason)
        .collect();
    assert!(
        undeclared.is_empty(),
        "{} undeclared difference(s) between {OURS} and TheirStack's file (from theirs to ours):\n{}\
         Fix {OURS}, or add a commented entry to DELIBERATE in tests/fidelity.rs.",
        undeclared.len(),
        spec_diff::render(&undeclared)
    );
    assert!(
        stale.is_empty(),
        "deliberate differences no longer present (TheirStack's file may have caught up; drop them from DELIBERATE): {stale:?}"
    );
    assert_eq!(
        report.coverage.operations.0,
        report.coverage.operations.1 - report.missing.len()
    );
}

/// The comparison catches each kind of drift the test promises to, on a small pair of documents.
#[test]
fn comparison_reports_each_kind_of_structural_drift() {
    let upstream = serde_json::json!({
        "openapi": "3.1.0",
        "paths": {
            "/v1/things": {"post": {
                "operationId": "post_things",
                "parameters": [{"name": "limit", "in": "query", "required": false,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
            }},
            "/v1/other": {"get": {"operationId": "get_other", "responses": {}}}
        },
        "components": {"schemas": {
            "Thing": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "maxLength": 10},
                "kind": {"type": "string", "enum": ["a", "b"]},
                "size": {"anyOf": [{"type": "number"}, {"type": "null"}]},
                "same": {"type": "array", "items": {"type": "integer", "exclusiveMinimum": 0}}
            }},
            "Unused": {"type": "object", "properties": {"x": {"type": "integer"}}}
        }}
    });
    let mut ours = upstream.clone();
    let thing = &mut ours["components"]["schemas"]["Thing"];
    thing["required"] = serde_json::json!([]);
    thing["properties"]["name"]["maxLength"] = 20.into();
    thing["properties"]["kind"]["enum"] = serde_json::json!(["a", "c"]);
    thing["properties"]["size"] = serde_json::json!({"type": "number"});
    thing["properties"]["extra"] = serde_json::json!({"type": "boolean"});
    ours["paths"]["/v1/things"]["post"]["parameters"][0]["schema"]["default"] = 25.into();
    ours["paths"].as_object_mut().unwrap().remove("/v1/other");
    ours["components"]["schemas"]["Unused"]["properties"]["x"]["type"] = "string".into();

    let report = compare(
        &spec_diff::facts(&upstream).unwrap(),
        &spec_diff::facts(&ours).unwrap(),
    );
    let lines: Vec<String> = report.changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "~ POST /v1/things param query limit: default 10 -> 25",
            "+ schema Thing .extra: field (type=boolean)",
            "- schema Thing .kind: enum value \"b\"",
            "+ schema Thing .kind: enum value \"c\"",
            "~ schema Thing .name: maxLength 10 -> 20",
            "~ schema Thing .name: required true -> (none)",
            "~ schema Thing .size: nullable true -> (none)",
        ]
    );
    // `Unused` is reached by no shared operation, so its change is out of scope.
    assert_eq!(
        report.missing,
        [Owner::Operation {
            path: "/v1/other".into(),
            method: "GET".into()
        }]
    );
    assert_eq!(report.coverage.operations, (1, 2));
    // Fields: limit, name, kind, size and same; only `same` is unchanged.
    assert_eq!(report.coverage.fields, (1, 5));
    assert_eq!(report.coverage.enum_values, (1, 2));
}

/// Each deliberate entry covers only its own kind of change at its own place.
#[test]
fn deliberate_entries_are_narrow() {
    let key = |schema: &str, path: &str| Key {
        owner: Owner::Schema(schema.into()),
        path: path.into(),
    };
    let entry = spec_diff::facts(
        &serde_json::json!({"paths": {}, "components": {"schemas": {"S": {"type": "string"}}}}),
    )
    .unwrap()
    .entries
    .into_values()
    .next()
    .unwrap();
    let added = |k: Key| Change::Added {
        key: k,
        entry: entry.clone(),
    };
    let covered = |c: &Change| DELIBERATE.iter().any(|d| d.covers(c));
    assert!(covered(&added(key("WebhookCreate", ".secret"))));
    assert!(!covered(&added(key("WebhookCreate", ".secrets"))));
    assert!(!covered(&added(key("Webhook", ".secret"))));
    let removed = Change::Removed {
        key: key("WebhookUpdate", ".secret"),
        entry: entry.clone(),
    };
    assert!(!covered(&removed));
    let enum_added = |value: &str| Change::EnumValue {
        key: key("WebhookPublicEvent", ".type"),
        value: value.into(),
        added: true,
    };
    assert!(covered(&enum_added("\"job.closed\"")));
    assert!(!covered(&enum_added("\"job.reopened\"")));
    let type_change = Change::Attr {
        key: key("JobWithMatchingPhrasesResponse-Output", ".url"),
        attr: "type".into(),
        old: Some("string".into()),
        new: Some("integer".into()),
    };
    assert!(!covered(&type_change));
}
