//! `technographics --companies FILE` against the sandbox (and a mock for a failing lookup): a
//! bad line refused before any request; rows carrying their company; summary and credits;
//! `--resume` over NDJSON and CSV; failures that stop nothing but a refused key; the guard.
#![cfg(theirstack_has = "op:technographics_v1")]

mod support;

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use support::*;
use theirstack_sandbox::{RateLimitWindow, SandboxConfig};

/// Three sandbox companies, each written a different way, with the technologies the library
/// finds for each (slugs), and an unknown domain last.
struct Companies {
    lines: Vec<String>,
    slugs: BTreeMap<String, BTreeSet<String>>,
}

fn companies(s: &Running) -> Companies {
    let client = s.sandbox.client().unwrap();
    let filters: theirstack::types::CompanySearchFiltersInput =
        serde_json::from_value(json!({})).unwrap();
    let found = s
        ._runtime
        .block_on(client.company_search(filters).max_items(3).collect_all())
        .unwrap();
    let found: Vec<Value> = found
        .iter()
        .map(|c| serde_json::to_value(c).unwrap())
        .collect();
    let text = |c: &Value, field: &str| c[field].as_str().unwrap().to_string();
    let lines = vec![
        text(&found[0], "domain"),
        text(&found[1], "linkedin_url"),
        format!("name:{}", text(&found[2], "name")),
        "no-such-company.example".to_string(),
    ];
    let mut slugs = BTreeMap::new();
    for line in &lines {
        let company: theirstack::pagination::CompanyRef = line.parse().unwrap();
        let rows = s
            ._runtime
            .block_on(client.technographics(company.filters()).collect_all())
            .unwrap();
        let set: BTreeSet<String> = rows.iter().map(|r| r.technology.slug.clone()).collect();
        slugs.insert(line.clone(), set);
    }
    assert!(slugs["no-such-company.example"].is_empty());
    Companies { lines, slugs }
}

impl Companies {
    fn with_rows(&self) -> u64 {
        self.slugs.values().filter(|s| !s.is_empty()).count() as u64
    }

    fn file(&self, dir: &Path, extra: &str) -> std::path::PathBuf {
        let path = dir.join("companies.txt");
        let text = format!("# targets\n\n{}\n{extra}", self.lines.join("\n"));
        std::fs::write(&path, text).unwrap();
        path
    }
}

/// The NDJSON rows, checking `company` is each one's first field: (company, slug) pairs.
fn ndjson_pairs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|line| {
            assert!(line.starts_with("{\"company\":"), "company first: {line}");
            let row: Value = serde_json::from_str(line).unwrap();
            (
                row["company"].as_str().unwrap().to_string(),
                row["technology"]["slug"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn expected_pairs(c: &Companies) -> BTreeSet<(String, String)> {
    c.slugs
        .iter()
        .flat_map(|(company, slugs)| slugs.iter().map(|s| (company.clone(), s.clone())))
        .collect()
}

#[test]
fn a_malformed_line_is_refused_with_its_number_before_any_request() {
    let s = default_sandbox();
    let c = companies(&s);
    let dir = tempdir();
    let file = c.file(&dir, "not a company\n");
    let before = s.sandbox.credits_used();
    let (code, stderr) = refused(
        cli(&s)
            .args(["technographics", "--yes", "--companies"])
            .arg(&file),
    );
    assert_eq!(code, 2, "{stderr}");
    // Two comment/blank lines, four companies, then the bad line: line 7.
    assert!(
        stderr.contains("companies.txt line 7: `not a company` is not a company"),
        "{stderr}"
    );
    assert_eq!(s.sandbox.credits_used(), before);

    // No request at all: a server that answers anything is never asked.
    let server = httpmock::MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    let (code, _) = refused(
        mock_cli(&server)
            .args(["technographics", "--companies"])
            .arg(&file),
    );
    assert_eq!(code, 2);
    any.assert_calls(0);
}

#[test]
fn every_row_carries_its_company_and_the_summary_counts_them() {
    let s = default_sandbox();
    let c = companies(&s);
    let dir = tempdir();
    let file = c.file(&dir, "");
    let before = s.sandbox.credits_used();
    let (code, stdout, stderr) = run(cli(&s)
        .args(["technographics", "--format", "ndjson", "--companies"])
        .arg(&file));
    assert_eq!(code, 0, "{stderr}");
    let pairs = ndjson_pairs(&stdout);
    let distinct: BTreeSet<_> = pairs.iter().cloned().collect();
    assert_eq!(distinct.len(), pairs.len(), "no row twice");
    assert_eq!(distinct, expected_pairs(&c));
    let with_rows = c.with_rows();
    assert!(with_rows >= 2, "the sandbox companies have technologies");
    let spent = s.sandbox.credits_used() - before;
    assert_eq!(spent, 3 * with_rows, "3 credits per company with rows");
    assert!(
        stderr.contains("looking up 4 companies: at most 12 credits"),
        "{stderr}"
    );
    let summary = format!(
        "companies: {with_rows} done, {} empty, 0 failed; {spent} credits spent",
        4 - with_rows
    );
    assert_eq!(stderr.lines().last(), Some(summary.as_str()), "{stderr}");

    // CSV: a `company` column first; JSON: one array, `company` first in each object.
    let (code, stdout, _) = run(cli(&s)
        .args([
            "technographics",
            "--format",
            "csv",
            "--quiet",
            "--companies",
        ])
        .arg(&file));
    assert_eq!(code, 0);
    let (header, rows) = csv_records(&stdout);
    assert_eq!(header[0], "company");
    let companies: BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let expected: BTreeSet<&str> = c
        .slugs
        .iter()
        .filter(|(_, s)| !s.is_empty())
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(companies, expected);
    let (code, stdout, stderr) = run(cli(&s)
        .args(["technographics", "--quiet", "--companies"])
        .arg(&file));
    assert_eq!((code, stderr.as_str()), (0, ""), "--quiet: no summary");
    let rows: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(rows.len(), pairs.len());
}

#[test]
fn resume_skips_the_companies_already_in_the_output_file() {
    let s = default_sandbox();
    let c = companies(&s);
    let dir = tempdir();
    let first = dir.join("first.txt");
    std::fs::write(&first, format!("{}\n", c.lines[0])).unwrap();
    let all = c.file(&dir, "");
    for format in ["ndjson", "csv"] {
        let output = dir.join(format!("out.{format}"));
        // An earlier run wrote the first company's rows.
        let (code, stdout, stderr) = run(cli(&s)
            .args(["technographics", "--format", format, "--companies"])
            .arg(&first)
            .arg("--output")
            .arg(&output));
        assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
        let before = s.sandbox.credits_used();
        let (code, stdout, stderr) = run(cli(&s)
            .args([
                "technographics",
                "--format",
                format,
                "--resume",
                "--companies",
            ])
            .arg(&all)
            .arg("--output")
            .arg(&output));
        assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
        let spent = s.sandbox.credits_used() - before;
        assert_eq!(
            spent,
            3 * (c.with_rows() - 1),
            "{format}: the first is not paid twice"
        );
        assert!(
            stderr.contains(&format!(
                "{} empty, 0 failed; {spent} credits spent; 1 skipped (already in {})",
                4 - c.with_rows(),
                output.display()
            )),
            "{stderr}"
        );
        let text = std::fs::read_to_string(&output).unwrap();
        let pairs: Vec<(String, String)> = if format == "ndjson" {
            ndjson_pairs(&text)
        } else {
            let (header, rows) = csv_records(&text);
            assert_eq!(header[0], "company");
            assert_eq!(text.matches("company,").count(), 1, "one header");
            let slug = header.iter().position(|h| h == "technology").unwrap();
            rows.iter()
                .map(|r| {
                    let tech: Value = serde_json::from_str(&r[slug]).unwrap();
                    (r[0].clone(), tech["slug"].as_str().unwrap().to_string())
                })
                .collect()
        };
        let distinct: BTreeSet<_> = pairs.iter().cloned().collect();
        assert_eq!(distinct.len(), pairs.len(), "{format}: no duplicate row");
        assert_eq!(distinct, expected_pairs(&c), "{format}");
    }
}

#[test]
fn a_failing_lookup_is_reported_with_its_company_and_the_others_still_print() {
    let server = httpmock::MockServer::start();
    let rows = fixture("technographics.json")["data"].clone();
    for domain in ["a.test", "c.test"] {
        server.mock(|when, then| {
            authed(when, httpmock::Method::POST, "/v1/companies/technologies")
                .json_body_includes(json!({ "company_domain": domain }).to_string());
            then.status(200)
                .json_body(json!({"data": rows, "metadata": {"total_results": 3}}));
        });
    }
    let failing = server.mock(|when, then| {
        authed(when, httpmock::Method::POST, "/v1/companies/technologies")
            .json_body_includes(r#"{"company_domain": "b.test"}"#);
        then.status(500)
            .json_body(json!({"error": {"code": "E-500", "title": "Internal error"}}));
    });
    let dir = tempdir();
    let file = dir.join("companies.txt");
    std::fs::write(&file, "a.test\nb.test\nc.test\n").unwrap();
    let (code, stdout, stderr) = run(mock_cli(&server)
        .args(["technographics", "--format", "ndjson", "--companies"])
        .arg(&file));
    assert_eq!(code, 1, "{stderr}");
    let per_company = rows.as_array().unwrap().len();
    let pairs = ndjson_pairs(&stdout);
    let a = pairs.iter().filter(|(c, _)| c == "a.test").count();
    let c = pairs.iter().filter(|(c, _)| c == "c.test").count();
    assert_eq!(
        (a, c, pairs.len()),
        (per_company, per_company, 2 * per_company)
    );
    let reported: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: b.test: "))
        .collect();
    assert_eq!(reported.len(), 1, "{stderr}");
    assert!(
        reported[0].contains("500 Internal Server Error: E-500"),
        "{stderr}"
    );
    assert!(!reported[0].contains("resume from"), "{stderr}");
    assert!(
        stderr.contains("companies: 2 done, 0 empty, 1 failed; 6 credits spent"),
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().last(),
        Some("error: 1 of 3 lookups failed (each is reported above)")
    );
    // The library retried the 500 before giving up on that company.
    assert!(failing.calls() > 1);
}

#[test]
fn more_than_1000_credits_of_companies_needs_yes_without_a_terminal() {
    let dir = tempdir();
    let file = dir.join("companies.txt");
    let names: Vec<String> = (0..334).map(|i| format!("c{i}.example")).collect();
    std::fs::write(&file, names.join("\n")).unwrap();
    let server = httpmock::MockServer::start();
    let mut any = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    let (code, stderr) = refused(
        mock_cli(&server)
            .args(["technographics", "--companies"])
            .arg(&file),
    );
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("this lookup of 334 companies could spend up to 1002 credits")
            && stderr.contains("rerun with --yes"),
        "{stderr}"
    );
    any.assert_calls(0);
    any.delete();

    // --max-credits caps it: the first companies it pays for, no question.
    let empty = server.mock(|when, then| {
        authed(when, httpmock::Method::POST, "/v1/companies/technologies");
        then.status(200)
            .json_body(json!({"data": [], "metadata": {"total_results": 0}}));
    });
    let (code, _, stderr) = run(mock_cli(&server)
        .args(["technographics", "--max-credits", "30", "--companies"])
        .arg(&file));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "companies: 0 done, 10 empty, 0 failed; 0 credits spent; 324 not looked up (--max-credits 30 pays for 10)"
        ),
        "{stderr}"
    );
    empty.assert_calls(10);

    // --yes: all of them (a sandbox whose rate limit lets them through at once).
    let s = sandbox(
        SandboxConfig::default().rate_limits(vec![RateLimitWindow::new(
            "per-second",
            1000,
            std::time::Duration::from_secs(1),
        )]),
    );
    let (code, stdout, stderr) = run(cli(&s)
        .args([
            "technographics",
            "--yes",
            "--concurrency",
            "32",
            "--companies",
        ])
        .arg(&file));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap(), json!([]));
    assert!(
        stderr.contains("companies: 0 done, 334 empty, 0 failed; 0 credits spent"),
        "{stderr}"
    );
}

#[test]
fn a_refused_key_stops_the_run_with_its_exit_code() {
    let s = default_sandbox();
    let dir = tempdir();
    let file = dir.join("companies.txt");
    std::fs::write(&file, "a.example\nb.example\nc.example\n").unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("theirstack").unwrap();
    cmd.env_remove("THEIRSTACK_API_KEY")
        .args([
            "--base-url",
            s.sandbox.base_url(),
            "--api-key",
            "sk_wrong_W4ong_key_987",
        ])
        .args(["technographics", "--concurrency", "1", "--companies"])
        .arg(&file);
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(stdout, "[]\n");
    assert!(!stderr.contains("W4ong"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines[lines.len() - 2],
        "companies: 0 done, 0 empty, 1 failed; 0 credits spent; 2 not looked up (stopped)"
    );
    assert!(lines[lines.len() - 1].starts_with("error: 401"), "{stderr}");

    // One company by flags or many by file, not both.
    let (code, _, stderr) = run(cli(&s)
        .args([
            "technographics",
            "--company-domain",
            "a.example",
            "--companies",
        ])
        .arg(&file));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}
