//! `theirstack api <operation-id>`: any operation of the document, with `--param` and
//! `--body`, through the library client's hooks (the key as a bearer token, retries, errors,
//! exit codes, formats); what the document does not allow is refused before any request.

mod support;

use assert_cmd::Command;
use serde_json::{Value, json};
use std::time::Duration;
use support::*;
use theirstack_sandbox::{RateLimitWindow, SandboxConfig};

#[test]
fn without_an_operation_it_lists_the_documents_operations() {
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env_remove("THEIRSTACK_API_KEY").arg("api");
    let listed = ok_json(&mut cmd);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), theirstack::document::OPERATIONS.len());
    for &(id, method, path) in theirstack::document::OPERATIONS {
        assert!(
            listed
                .iter()
                .any(|op| op["operation_id"] == id && op["method"] == method && op["path"] == path),
            "{id}"
        );
    }
}

#[test]
#[cfg(theirstack_has = "op:get_catalog_locations_v0")]
fn a_get_with_query_parameters() {
    let server = httpmock::MockServer::start();
    let locations = server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v0/catalog/locations")
            .query_param("name", "Austin")
            .query_param("country_code", "US")
            .query_param("limit", "2")
            .is_false(|req| {
                req.query_params()
                    .iter()
                    .any(|(k, _)| !["name", "country_code", "limit"].contains(&k.as_str()))
            });
        then.status(200).json_body(json!([
            {"id": 4671654, "name": "Austin", "country_code": "US", "display_name": "Austin, Texas, US"},
            {"id": 4671655, "name": "Austin East", "country_code": "US", "display_name": "Austin East, US"}
        ]));
    });
    let args = [
        "api",
        "get_catalog_locations_v0",
        "--param",
        "name=Austin",
        "-p",
        "country_code=US",
        "--param",
        "limit=2",
    ];
    let rows = ok_json(mock_cli(&server).args(args));
    assert_eq!(rows[1]["id"], 4671655);
    // The global formats apply.
    let (code, stdout, _) =
        run(mock_cli(&server)
            .args(args)
            .args(["--format", "csv", "--columns", "id,display_name"]));
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "id,display_name\n4671654,\"Austin, Texas, US\"\n4671655,\"Austin East, US\"\n"
    );
    locations.assert_calls(2);
}

#[test]
#[cfg(theirstack_has = "op:get_webhooks_events_v0")]
fn path_parameters_are_filled_in_and_errors_are_the_librarys() {
    let s = sandbox(SandboxConfig::default().webhook_events(6));
    let created = ok_json(cli(&s).args([
        "webhooks",
        "create",
        "--url",
        "http://127.0.0.1:9/hook",
        "--search-id",
        "1",
    ]));
    let id = created["id"].to_string();
    let (code, stdout, stderr) = run(cli(&s).args([
        "api",
        "get_webhooks_events_v0",
        "-p",
        &format!("webhook_id={id}"),
        "-p",
        "limit=3",
        "--format",
        "ndjson",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let events: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!events.is_empty() && events.len() <= 3, "{stdout}");
    assert!(events.iter().all(|e| e["webhook_id"] == created["id"]));
    // An unknown webhook: the sandbox's 404, read as the typed commands read it.
    let (code, stderr) =
        refused(cli(&s).args(["api", "get_webhooks_by_id_v0", "-p", "webhook_id=999999"]));
    assert_eq!(code, 1);
    assert!(stderr.starts_with("error: 404 Not Found"), "{stderr}");
    // A wrong key: 401, exit code 3.
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.args([
        "--base-url",
        s.sandbox.base_url(),
        "--api-key",
        "sk_wrong_key_0000",
    ])
    .args(["api", "get_billing_credit_balance_v0"]);
    let (code, stderr) = refused(&mut cmd);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.starts_with("error: 401"), "{stderr}");
}

#[test]
#[cfg(theirstack_has = "op:search_jobs_v1")]
fn a_post_with_a_body_spends_what_the_body_asks() {
    let s = default_sandbox();
    let dir = tempdir();
    let body = dir.join("body.json");
    std::fs::write(
        &body,
        r#"{"posted_at_max_age_days": 30, "limit": 3, "include_total_results": true}"#,
    )
    .unwrap();
    let page = ok_json(cli(&s).args(["api", "search_jobs_v1", "--body"]).arg(&body));
    assert_eq!(page["data"].as_array().unwrap().len(), 3);
    assert!(page["metadata"]["total_results"].as_u64().unwrap() > 3);
    assert_eq!(s.sandbox.credits_used(), 3, "1 credit per job");
    // From stdin, as csv rows of the envelope's `data`.
    let (code, stdout, stderr) = run(cli(&s)
        .args([
            "api",
            "search_jobs_v1",
            "--body",
            "-",
            "--format",
            "csv",
            "--columns",
            "id,job_title",
        ])
        .write_stdin(r#"{"posted_at_max_age_days": 30, "limit": 2}"#));
    assert_eq!(code, 0, "{stderr}");
    let (header, rows) = csv_records(&stdout);
    assert_eq!((header.len(), rows.len()), (2, 2));
    assert_eq!(s.sandbox.credits_used(), 5);

    // The credit guard: a request that could spend more than 1,000 credits is refused without a
    // terminal, and one over --max-credits always; nothing is spent.
    std::fs::write(&body, r#"{"posted_at_max_age_days": 30, "limit": 2000}"#).unwrap();
    let (code, stderr) = refused(cli(&s).args(["api", "search_jobs_v1", "--body"]).arg(&body));
    assert_eq!(code, 4);
    assert!(
        stderr.contains("could spend up to 2000 credits") && stderr.contains("--yes"),
        "{stderr}"
    );
    std::fs::write(&body, r#"{"posted_at_max_age_days": 30, "limit": 10}"#).unwrap();
    let (code, stderr) = refused(
        cli(&s)
            .args(["api", "search_jobs_v1", "--max-credits", "5", "--body"])
            .arg(&body),
    );
    assert_eq!(code, 4);
    assert!(stderr.contains("more than --max-credits 5"), "{stderr}");
    assert_eq!(s.sandbox.credits_used(), 5);

    // An unknown key of the closed body is refused by path.
    std::fs::write(
        &body,
        r#"{"posted_at_max_age_days": 30, "job_titel_or": ["x"]}"#,
    )
    .unwrap();
    let (code, stderr) = refused(cli(&s).args(["api", "search_jobs_v1", "--body"]).arg(&body));
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown field `job_titel_or`"), "{stderr}");
}

#[test]
#[cfg(theirstack_has = "op:post_company_lists_v0")]
fn a_post_sends_the_body_as_given_with_the_bearer_key() {
    let server = httpmock::MockServer::start();
    let create = server.mock(|when, then| {
        authed(when, httpmock::Method::POST, "/v0/company_lists")
            .header("content-type", "application/json")
            .json_body(json!({"name": "Targets"}));
        then.status(200)
            .json_body(json!({"id": 31, "name": "Targets", "created_at": "2026-02-01T09:00:00Z"}));
    });
    let created = ok_json(
        mock_cli(&server)
            .args(["api", "post_company_lists_v0", "--body", "-"])
            .write_stdin(r#"{"name": "Targets"}"#),
    );
    assert_eq!(created["id"], 31);
    create.assert_calls(1);
}

#[test]
#[cfg(theirstack_has = "op:search_jobs_v1")]
fn still_rate_limited_after_the_librarys_retries_exits_5() {
    // One search a day: the first passes, the second is still limited after the retries.
    let s = sandbox(
        SandboxConfig::default().rate_limits(vec![RateLimitWindow::new(
            "per-day",
            1,
            Duration::from_secs(86_400),
        )]),
    );
    let args = ["api", "search_jobs_v1", "--body", "-"];
    let body = r#"{"posted_at_max_age_days": 7, "limit": 1}"#;
    assert_eq!(run(cli(&s).args(args).write_stdin(body)).0, 0);
    let (code, stderr) = refused(cli(&s).args(args).write_stdin(body));
    assert_eq!(code, 5, "{stderr}");
    assert!(stderr.starts_with("error: 429"), "{stderr}");
}

#[test]
fn an_unknown_operation_exits_2_with_close_matches_and_sends_nothing() {
    let server = httpmock::MockServer::start();
    let anything = server.mock(|_, then| {
        then.status(200).json_body(json!({}));
    });
    let (code, stderr) = refused(mock_cli(&server).args(["api", "get_compnay_lists_v0"]));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error: unknown operation `get_compnay_lists_v0`; close matches: get_company_lists_v0"
        ),
        "{stderr}"
    );
    let (code, stderr) = refused(mock_cli(&server).args(["api", "webhooks"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("get_webhooks_v0"), "shared words: {stderr}");
    // No key is needed to be told.
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env_remove("THEIRSTACK_API_KEY")
        .args(["api", "serch_jobs_v1"]);
    let (code, stderr) = refused(&mut cmd);
    assert_eq!(code, 2);
    assert!(stderr.contains("close matches: search_jobs_v1"), "{stderr}");
    // Parameters the operation does not have, or of the wrong type, or missing.
    for (args, expected) in [
        (
            vec!["get_webhooks_by_id_v0"],
            "needs --param webhook_id=...",
        ),
        (
            vec!["get_webhooks_by_id_v0", "-p", "webhook_id=abc"],
            "expected an integer",
        ),
        (
            vec!["get_webhooks_by_id_v0", "-p", "webhook_id=1", "-p", "x=1"],
            "has no parameter `x`",
        ),
        (
            vec!["get_webhooks_v0", "--body", "-"],
            "takes no request body",
        ),
    ] {
        let (code, stderr) = refused(mock_cli(&server).arg("api").args(&args));
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    anything.assert_calls(0);
}
