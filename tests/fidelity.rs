//! Fidelity of `openapi/theirstack.json` to TheirStack's own OpenAPI file.
//!
//! Rule: for every operation both documents have, parameters, bodies, responses and every schema
//! they reach (fields, types, nullability, required-ness, enum values, defaults, bounds) are equal,
//! except for the deliberate differences in [`DELIBERATE`]. The upstream file is the newest
//! `openapi.third-party-copy.<YYYY-MM-DD>.json` in `../shared/theirstack/`, read at test time and
//! never committed; without one the test says so and passes, except under `CI`, where it fails.

#[path = "data/derived/derive.rs"]
mod derived;
#[path = "support/spec_diff.rs"]
mod spec_diff;

use chrono::NaiveDate;
use serde_json::Value;
use spec_diff::{Breaking, Change, Facts, Key, Owner};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The directory of TheirStack's file, relative to the crate root.
const UPSTREAM_DIR: &str = "../shared/theirstack";
/// The names TheirStack's file may have; the newest date wins.
const UPSTREAM_PATTERN: &str = "openapi.third-party-copy.<YYYY-MM-DD>.json";
/// Our document, relative to the crate root.
const OURS: &str = "openapi/theirstack.json";

/// A difference we keep on purpose: changes to these owners (component schemas by name, or
/// operations as `METHOD /path`), at one of `paths` (a field or parameter, or `""` for the whole
/// owner), of one of the listed kinds (see [`Change::label`]).
struct Deliberate {
    owners: &'static [&'static str],
    paths: &'static [&'static str],
    changes: &'static [&'static str],
    reason: &'static str,
}

/// The later API additions our document has and the upstream file (2026-02-19 when written)
/// lacks: first those documented by March 2026, then those of the July 2026 document (API-NOTES
/// §10, from a connector manifest generated from TheirStack's live document; its responses were
/// not captured, so those entries marked INFERRED are our own model).
const DELIBERATE: [Deliberate; 18] = [
    // Webhook signing: creating or updating a webhook can set a signing secret.
    Deliberate {
        owners: &["WebhookCreate", "WebhookUpdate"],
        paths: &[".secret"],
        changes: &["added"],
        reason: "signing secrets were documented after the upstream copy",
    },
    // Deliveries for closed jobs.
    Deliberate {
        owners: &["WebhookPublicEvent"],
        paths: &[".type"],
        changes: &["enum value added \"job.closed\""],
        reason: "the job.closed event was documented after the upstream copy",
    },
    // Test deliveries to an existing webhook: every field optional, plus webhook_id and secret.
    Deliberate {
        owners: &["WebhookTest"],
        paths: &[""],
        changes: &["added", "changed nullable", "changed required"],
        reason: "the newer test body (webhook_id, url, event_type, secret) is all optional",
    },
    // The test response echoes the signature it sent.
    Deliberate {
        owners: &["WebhookTestResponse"],
        paths: &[".signature"],
        changes: &["added"],
        reason: "test deliveries report their signature since signing was added",
    },
    // Some jobs come without a posting URL.
    Deliberate {
        owners: &[
            "JobWithMatchingPhrasesResponse-Output",
            "JobWithMatchingPhrasesResponse-Input",
        ],
        paths: &[".url"],
        changes: &["changed nullable", "changed required"],
        reason: "url is null or missing on some jobs, which the upstream copy does not allow",
    },
    // job.closed deliveries carry the closing time.
    Deliberate {
        owners: &["JobWithMatchingPhrasesResponse-Input"],
        paths: &[".closed_at"],
        changes: &["added"],
        reason: "closed_at arrived with the job.closed event",
    },
    // July 2026: buying intents, a lookup like technographics (response INFERRED).
    Deliberate {
        owners: &["POST /v1/companies/buying_intents"],
        paths: &[""],
        changes: &["added"],
        reason: "buying_intents_v1 is newer than the upstream copy (its response shape is inferred)",
    },
    // July 2026: the event types a webhook can listen to (response INFERRED).
    Deliberate {
        owners: &["GET /v0/webhooks/event-types"],
        paths: &[""],
        changes: &["added"],
        reason: "get_webhooks_event_types_v0 is newer than the upstream copy (its response is inferred)",
    },
    // July 2026: the keyword catalog, technologies and buying-intent topics alike (responses
    // INFERRED from the technology catalog, which stays).
    Deliberate {
        owners: &[
            "GET /v0/catalog/keywords",
            "GET /v1/catalog/keywords/categories",
            "GET /v1/catalog/keywords/subcategories",
        ],
        paths: &[""],
        changes: &["added"],
        reason: "the keyword catalog is newer than the upstream copy (its responses are inferred)",
    },
    // July 2026: webhooks for closed jobs, in the management API.
    Deliberate {
        owners: &["WebhookEventType"],
        paths: &[""],
        changes: &["enum value added \"job_closed\""],
        reason: "job_closed became a webhook event type after the upstream copy",
    },
    // July 2026: a webhook can listen to several event types.
    Deliberate {
        owners: &["WebhookCreate", "WebhookUpdate"],
        paths: &[".active_event_types"],
        changes: &["added"],
        reason: "active_event_types arrived with job_closed",
    },
    // The webhook echoes the event types it delivers (inferred: no response was captured).
    Deliberate {
        owners: &["Webhook"],
        paths: &[".active_event_types"],
        changes: &["added"],
        reason: "a webhook that takes active_event_types reports them (inferred)",
    },
    // July 2026: the aggregated event count groups by several dimensions at once.
    Deliberate {
        owners: &["GET /v0/webhooks/events/count"],
        paths: &["param query group_by"],
        changes: &[
            "added",
            "changed default",
            "changed nullable",
            "changed ref",
            "changed type",
        ],
        reason: "group_by became a list after the upstream copy",
    },
    Deliberate {
        owners: &["WebhookGroupBy"],
        paths: &[""],
        changes: &["enum value added \"event_type\""],
        reason: "counts can be grouped by event type since job_closed",
    },
    // INFERRED: a bucket grouped by event type has to say which one; no captured schema shows it.
    Deliberate {
        owners: &["WebhookEventCount"],
        paths: &[".event_type"],
        changes: &["added"],
        reason: "grouping by event_type needs the bucket's event type (inferred field)",
    },
    // July 2026: keyword filters on technographics and buying intents.
    Deliberate {
        owners: &["TechDetailsFilters"],
        paths: &[
            ".keyword_slug_or",
            ".keyword_category_slug_or",
            ".keyword_parent_category_slug_or",
        ],
        changes: &["added"],
        reason: "keyword filters replace the technology_* ones since the keyword catalog",
    },
    // July 2026: job filters for closed jobs, keywords, AND description patterns and export keys.
    Deliberate {
        owners: &[
            "JobSearchFilters-Input",
            "JobSearchFilters-Output",
            "JobFilters",
        ],
        paths: &[
            ".is_closed",
            ".closed_at_gte",
            ".closed_at_lte",
            ".job_keyword_slug_or",
            ".job_keyword_slug_and",
            ".job_keyword_slug_not",
            ".job_description_pattern_and",
            ".job_export_key_or",
        ],
        changes: &["added"],
        reason: "job filters added after the upstream copy (closed jobs, keywords, AND patterns, export keys)",
    },
    Deliberate {
        owners: &["JobExportKey"],
        paths: &[""],
        changes: &["added"],
        reason: "the item schema of job_export_key_or",
    },
];

impl Deliberate {
    fn covers(&self, change: &Change) -> bool {
        let key = change.key();
        let owner = match &key.owner {
            Owner::Schema(name) => name.clone(),
            Owner::Operation { path, method } => format!("{method} {path}"),
            Owner::Webhook { .. } => return false,
        };
        let at_path = |path: &str| {
            path.is_empty()
                || key.path == path
                || key
                    .path
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with(['.', '[', '{', '|', '&', '!']))
        };
        self.owners.contains(&owner.as_str())
            && self.paths.iter().any(|p| at_path(p))
            && self.changes.contains(&change.label().as_str())
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The date in a name of the form [`UPSTREAM_PATTERN`], when it is one (a real date, written
/// exactly `YYYY-MM-DD`).
fn upstream_date(name: &str) -> Option<NaiveDate> {
    let date = name
        .strip_prefix("openapi.third-party-copy.")?
        .strip_suffix(".json")?;
    let shaped = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        .then(|| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())
        .flatten()
}

/// The file in `dir` named like [`UPSTREAM_PATTERN`] with the greatest date, if any.
fn newest_upstream(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_file())
        .filter_map(|entry| Some((upstream_date(entry.file_name().to_str()?)?, entry.path())))
        .max_by_key(|(date, _)| *date)
        .map(|(_, path)| path)
}

/// The upstream file to compare with. Without one: `None` (skip, saying why), or a panic when
/// `ci` is set, so that CI cannot pass without comparing.
fn upstream_or_skip(dir: &Path, ci: bool) -> Option<PathBuf> {
    let found = newest_upstream(dir);
    if found.is_none() {
        let missing = format!("no {UPSTREAM_PATTERN} in {}", dir.display());
        assert!(
            !ci,
            "CI is set and there is {missing}: TheirStack's file must be there (it is never committed)"
        );
        println!("skipped: there is {missing} (TheirStack's file is never committed)");
    }
    found
}

/// Whether the `CI` variable is set to something.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
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
    let Some(upstream_path) = upstream_or_skip(&root().join(UPSTREAM_DIR), in_ci()) else {
        return;
    };
    let upstream =
        spec_diff::facts(&load(&upstream_path)).expect("upstream is an OpenAPI document");
    let ours = spec_diff::facts(&load(&root().join(OURS))).expect("ours is an OpenAPI document");
    let report = compare(&upstream, &ours);

    println!(
        "coverage against {}: {}",
        upstream_path.display(),
        report.coverage
    );
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
        let place = if d.paths == [""] {
            "(whole)".to_string()
        } else {
            d.paths.join(", ")
        };
        println!("  [{state}] {} {place}: {}", d.owners.join(", "), d.reason);
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

    // The July 2026 entries: operations by method and path, fields by name, values by value.
    let op = |method: &str, path: &str, at: &str| Key {
        owner: Owner::Operation {
            path: path.into(),
            method: method.into(),
        },
        path: at.into(),
    };
    assert!(covered(&added(op(
        "POST",
        "/v1/companies/buying_intents",
        ""
    ))));
    assert!(!covered(&Change::Removed {
        key: op("POST", "/v1/companies/buying_intents", ""),
        entry: entry.clone(),
    }));
    assert!(!covered(&added(op("POST", "/v1/companies/intents", ""))));
    let group_by_type = |key: Key| Change::Attr {
        key,
        attr: "type".into(),
        old: None,
        new: Some("array".into()),
    };
    assert!(covered(&group_by_type(op(
        "GET",
        "/v0/webhooks/events/count",
        "param query group_by"
    ))));
    assert!(!covered(&group_by_type(op(
        "GET",
        "/v0/webhooks/{webhook_id}/events",
        "param query group_by"
    ))));
    assert!(!covered(&group_by_type(op(
        "GET",
        "/v0/webhooks/events/count",
        "param query timezone"
    ))));
    assert!(covered(&added(key(
        "TechDetailsFilters",
        ".keyword_slug_or"
    ))));
    assert!(!covered(&added(key(
        "TechDetailsFilters",
        ".keyword_slug_and"
    ))));
    assert!(covered(&added(key("JobFilters", ".is_closed"))));
    assert!(!covered(&added(key(
        "CompanySearchFilters-Input",
        ".is_closed"
    ))));
    let event_type = |value: &str| Change::EnumValue {
        key: key("WebhookEventType", ""),
        value: value.into(),
        added: true,
    };
    assert!(covered(&event_type("\"job_closed\"")));
    assert!(!covered(&event_type("\"job_reopened\"")));
}

/// A fresh directory under the system's temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("theirstack-fidelity-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The newest well-formed, real date wins; other names, and directories, are not candidates.
#[test]
fn the_upstream_file_with_the_newest_date_in_its_name_is_chosen() {
    let dir = TempDir::new("newest");
    for name in [
        "openapi.third-party-copy.2026-02-19.json",
        "openapi.third-party-copy.2026-03-01.json",
        "openapi.third-party-copy.2025-12-31.json",
        // Not candidates, though several would sort after the winner.
        "openapi.third-party-copy.2026-13-01.json",
        "openapi.third-party-copy.2026-02-30.json",
        "openapi.third-party-copy.2026-3-02.json",
        "openapi.third-party-copy.20260401.json",
        "openapi.third-party-copy.latest.json",
        "openapi.third-party-copy.2027-01-01.json.bak",
        "openapi.third-party-copy.2027-01-01.yaml",
        "openapi.third-party-copy.2027-01-01.JSON",
        "openapi.third-party-copy..json",
        "openapi.json",
        "API-NOTES.md",
    ] {
        std::fs::write(dir.0.join(name), "{}").unwrap();
    }
    std::fs::create_dir(dir.0.join("openapi.third-party-copy.2030-01-01.json")).unwrap();
    assert_eq!(
        newest_upstream(&dir.0),
        Some(dir.0.join("openapi.third-party-copy.2026-03-01.json"))
    );
    assert_eq!(upstream_or_skip(&dir.0, true), newest_upstream(&dir.0));

    // Dates compare as dates: a later year beats any month of an earlier one.
    std::fs::write(dir.0.join("openapi.third-party-copy.2027-01-01.json"), "{}").unwrap();
    assert_eq!(
        newest_upstream(&dir.0),
        Some(dir.0.join("openapi.third-party-copy.2027-01-01.json"))
    );
}

/// Without a candidate the comparison is skipped, except in CI, where it fails naming the
/// directory and the pattern.
#[test]
fn a_missing_upstream_file_skips_outside_ci_and_fails_in_ci() {
    let dir = TempDir::new("missing");
    std::fs::write(dir.0.join("openapi.third-party-copy.latest.json"), "{}").unwrap();
    assert_eq!(newest_upstream(&dir.0), None);
    assert_eq!(upstream_or_skip(&dir.0, false), None);
    let absent = dir.0.join("absent");
    assert_eq!(upstream_or_skip(&absent, false), None);

    for missing in [&dir.0, &absent] {
        let panic = std::panic::catch_unwind(|| upstream_or_skip(missing, true))
            .expect_err("a missing file fails in CI");
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(
            message.contains(&missing.display().to_string()),
            "{message}"
        );
        assert!(message.contains(UPSTREAM_PATTERN), "{message}");
    }
}

// ---------------------------------------------------------------------------------------------
// The derived document: the update procedure against an upstream file that removed, added and
// extended things

/// `tests/data/derived/theirstack.derived.json` is what `derive.rs` makes of our document; with
/// `UPDATE_SNAPSHOTS=1` the test rewrites it instead.
#[test]
fn derived_document_is_regenerated_from_ours() {
    let ours = load(&root().join(OURS));
    let text = derived::canonical_text(&derived::derive(&ours).expect("our document derives"));
    let path = root().join(derived::OUTPUT);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        println!("rewrote {}", path.display());
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is stale or missing: rewrite it with \
         UPDATE_SNAPSHOTS=1 cargo test --test fidelity derived_document",
        derived::OUTPUT
    );
}

/// Against the derived document the diff names each of its three changes, and the removed
/// operation as BREAKING together with the hand-written code gated on it.
#[test]
fn the_diff_reports_each_change_of_the_derived_document() {
    // Derived in memory: the committed file equals it (the test above), and this test does not
    // race the rewrite of UPDATE_SNAPSHOTS.
    let our_doc = load(&root().join(OURS));
    let ours = spec_diff::facts(&our_doc).expect("ours");
    let theirs = spec_diff::facts(&derived::derive(&our_doc).expect("our document derives"))
        .expect("the derived document");
    let removed = Owner::Operation {
        path: derived::REMOVED_PATH.into(),
        method: derived::REMOVED_METHOD.to_ascii_uppercase(),
    };
    let breaking = spec_diff::breaking(&ours, &theirs);
    assert_eq!(
        breaking,
        [Breaking::Removed {
            owner: removed.clone(),
            id: derived::REMOVED_OPERATION.into()
        }]
    );
    assert_eq!(
        breaking[0].vanished_id(&theirs),
        Some(derived::REMOVED_OPERATION)
    );

    let lines: Vec<String> = spec_diff::diff(&ours, &theirs)
        .iter()
        .map(ToString::to_string)
        .collect();
    let row = format!("schema {}", derived::RESPONSE_SCHEMA);
    let expected = [
        format!(
            "- {removed}: operation (operationId=\"{}\")",
            derived::REMOVED_OPERATION
        ),
        format!(
            "+ {row} .{}: field (nullable=true, type=string)",
            derived::ADDED_OPTIONAL
        ),
        format!(
            "+ {row} .{}: field (format=\"date-time\", nullable=true, required=true, type=string)",
            derived::ADDED_REQUIRED_NULLABLE
        ),
        format!(
            "+ schema {}: enum value \"{}\"",
            derived::ENUM_SCHEMA,
            derived::ADDED_ENUM_VALUE
        ),
    ];
    let mut sorted = lines.clone();
    sorted.sort();
    let mut want = expected.to_vec();
    want.sort();
    assert_eq!(
        sorted, want,
        "the derived document has exactly three changes"
    );

    // The paginator of the removed operation is found, whatever else wraps it.
    let gated: Vec<String> = spec_diff::workspace_sources(&root())
        .iter()
        .flat_map(|(file, text)| {
            spec_diff::gates(text, derived::REMOVED_OPERATION)
                .into_iter()
                .map(move |g| format!("{file}: {}", g.item))
        })
        .collect();
    assert!(
        gated.contains(&"src/pagination/lists.rs: list_source! CatalogTechnologies".to_string()),
        "{gated:#?}"
    );
    assert!(
        gated.contains(&format!(
            "tests/operations.rs: async fn {}() -> TestResult",
            derived::REMOVED_OPERATION
        )),
        "{gated:#?}"
    );
}

/// Removed, renamed (same method and path) and moved (same operationId) operations are told
/// apart; unchanged ones are not reported.
#[test]
fn breaking_changes_tell_removed_renamed_and_moved_operations_apart() {
    let op = |id: &str| serde_json::json!({"operationId": id, "responses": {}});
    let old = serde_json::json!({"paths": {
        "/a": {"get": op("get_a"), "post": op("post_a")},
        "/b": {"get": op("get_b")},
        "/c": {"get": op("get_c")},
    }});
    let new = serde_json::json!({"paths": {
        "/a": {"get": op("get_a"), "post": op("create_a")},
        "/b2": {"get": op("get_b")},
    }});
    let (old, new) = (
        spec_diff::facts(&old).unwrap(),
        spec_diff::facts(&new).unwrap(),
    );
    let at = |path: &str, method: &str| Owner::Operation {
        path: path.into(),
        method: method.into(),
    };
    let breaking = spec_diff::breaking(&old, &new);
    assert_eq!(
        breaking,
        [
            Breaking::Removed {
                owner: at("/c", "GET"),
                id: "get_c".into()
            },
            Breaking::RenamedId {
                owner: at("/a", "POST"),
                old_id: "post_a".into(),
                new_id: "create_a".into()
            },
            Breaking::Moved {
                id: "get_b".into(),
                from: at("/b", "GET"),
                to: at("/b2", "GET")
            },
        ]
    );
    let vanished: Vec<Option<&str>> = breaking.iter().map(|b| b.vanished_id(&new)).collect();
    assert_eq!(vanished, [Some("get_c"), Some("post_a"), None]);
    assert_eq!(
        breaking[1].to_string(),
        "renamed operation POST /a: operationId post_a -> create_a"
    );
    assert!(spec_diff::breaking(&old, &old).is_empty());
}

/// Gates are found on attributes (one line or several, alone or inside `any`) and on macro
/// arguments, each naming the item it gates, what it defines and its lines; other operations
/// and plain mentions are not gates. Code outside the gates that names what they define is a use.
#[test]
fn gates_name_the_item_that_follows_and_its_uses() {
    let source = concat!(
        "/// Docs.\n",                                                                // 1
        "#[cfg(theirstack_has = \"op:get_things\")]\n",                               // 2
        "#[derive(Debug)]\n",                                                         // 3
        "pub struct Things {\n",                                                      // 4
        "}\n",                                                                        // 5
        "\n",                                                                         // 6
        "#[cfg(any(\n",                                                               // 7
        "    theirstack_has = \"op:get_things\",\n",                                  // 8
        "    theirstack_has = \"op:get_other\"\n",                                    // 9
        "))]\n",                                                                      // 10
        "// A comment.\n",                                                            // 11
        "impl Client {\n",                                                            // 12
        "    pub fn all_things(&self) -> Things { todo!() }\n",                       // 13
        "}\n",                                                                        // 14
        "list_source!(\n",                                                            // 15
        "    /// Pages things.\n",                                                    // 16
        "    #[derive(Default)]\n",                                                   // 17
        "    ThingPages, \"op:get_things\", get_things, Page,\n",                     // 18
        ");\n",                                                                       // 19
        "lookup_source!(\n",                                                          // 20
        "    /// One lookup.\n",                                                      // 21
        "    ThingLookup,\n",                                                         // 22
        "    \"op:get_things\",\n",                                                   // 23
        "    get_things,\n",                                                          // 24
        ");\n",                                                                       // 25
        "fn mentions() { let _ = \"Things and get_things\"; } // ThingPages\n",       // 26
        "#[cfg(theirstack_has = \"op:get_things_v2\")]\n",                            // 27
        "fn other() {}\n",                                                            // 28
        "fn uses(c: Client) { c.all_things(); c.thing_pages(ThingPages::new()); }\n", // 29
        "/// See [`Things`].\n",                                                      // 30
        "fn raw(c: Client) { c.get_things(); c.get_things_v2(); }\n",                 // 31
    );
    let found = spec_diff::gates(source, "get_things");
    type Summary<'a> = (usize, &'a str, Vec<&'a str>, (usize, usize));
    let summary: Vec<Summary> = found
        .iter()
        .map(|g| {
            let names = g.names.iter().map(String::as_str).collect();
            (g.line, g.item.as_str(), names, g.span)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (2, "pub struct Things", vec!["Things"], (2, 5)),
            (8, "impl Client", vec!["all_things"], (7, 14)),
            (
                18,
                "list_source! ThingPages",
                vec!["ThingPages", "thing_pages"],
                (15, 19)
            ),
            (
                23,
                "lookup_source! ThingLookup",
                vec!["ThingLookup", "thing_lookup"],
                (20, 25)
            ),
        ]
    );
    assert_eq!(spec_diff::gates(source, "get_other")[0].item, "impl Client");

    let sources = vec![("lib.rs".to_string(), source.to_string())];
    let gated: Vec<(String, spec_diff::Gate)> = found
        .into_iter()
        .map(|g| ("lib.rs".to_string(), g))
        .collect();
    let lines: Vec<usize> = spec_diff::uses(&sources, "get_things", &gated)
        .iter()
        .map(|u| u.line)
        .collect();
    assert_eq!(lines, [29, 30, 31]);
}
