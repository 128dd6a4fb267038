//! The `theirstack` binary, run for real against the offline sandbox (and a mock server for the
//! endpoints the sandbox does not serve): every subcommand, every format, the credit guard in
//! both modes, each exit code, streaming ndjson, and the key never in stdout or stderr.

mod support;

use assert_cmd::Command;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;
use support::*;
use theirstack_sandbox::{RateLimitWindow, SandboxConfig};

#[test]
fn the_readme_command_prints_50_matching_jobs_as_csv() {
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env_remove("THEIRSTACK_API_KEY").args([
        "--sandbox",
        "jobs",
        "search",
        "--title",
        "data engineer",
        "--max-age-days",
        "7",
        "--max-results",
        "50",
        "--format",
        "csv",
    ]);
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "{stderr}");
    let (header, rows) = csv_records(&stdout);
    assert_eq!(header[0], "id");
    let title = header.iter().position(|h| h == "job_title").unwrap();
    // As many rows as match, up to the cap: the free count says how many match.
    let mut count = Command::cargo_bin("theirstack").unwrap();
    count.env_remove("THEIRSTACK_API_KEY").args([
        "--sandbox",
        "jobs",
        "count",
        "--title",
        "data engineer",
        "--max-age-days",
        "7",
    ]);
    let matching = ok_json(&mut count)["total_results"].as_u64().unwrap();
    assert!(matching > 0);
    assert_eq!(rows.len() as u64, matching.min(50));
    assert!(
        rows.iter()
            .all(|r| r[title].to_lowercase().contains("data engineer")),
        "{rows:?}"
    );
}

#[test]
fn job_search_in_every_format_spends_one_credit_per_job() {
    let s = default_sandbox();
    let args = [
        "jobs",
        "search",
        "--max-age-days",
        "30",
        "--country",
        "us",
        "--max-results",
        "12",
        "--page-size",
        "5",
    ];
    let rows = ok_json(cli(&s).args(args));
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 12);
    assert!(
        rows.iter()
            .all(|j| j["locations"].is_array() && j["company_object"]["name"].is_string())
    );
    assert_eq!(s.sandbox.credits_used(), 12);

    let (code, stdout, _) = run(cli(&s).args(args).args(["--format", "ndjson"]));
    assert_eq!(code, 0);
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 12);
    assert_eq!(lines, *rows, "same rows in the same order");

    let (code, stdout, _) =
        run(cli(&s)
            .args(args)
            .args(["--format", "csv", "--columns", "id,job_title,remote"]));
    assert_eq!(code, 0);
    let (header, records) = csv_records(&stdout);
    assert_eq!(header, ["id", "job_title", "remote"]);
    assert_eq!(records.len(), 12);
    assert_eq!(records[0][0], rows[0]["id"].to_string());
    assert_eq!(s.sandbox.credits_used(), 36);
}

#[test]
fn counts_are_free() {
    let s = default_sandbox();
    let jobs = ok_json(cli(&s).args(["jobs", "count", "--max-age-days", "7", "--remote"]));
    assert!(jobs["total_results"].as_u64().unwrap() > 0);
    let companies = ok_json(cli(&s).args(["companies", "count", "--country", "US"]));
    assert!(companies["total_results"].as_u64().unwrap() > 0);
    assert_eq!(s.sandbox.credits_used(), 0);
}

#[test]
#[cfg(all(
    theirstack_has = "op:search_companies_v1",
    theirstack_has = "op:technographics_v1",
))]
fn company_search_and_technographics() {
    let s = default_sandbox();
    let companies = ok_json(cli(&s).args(["companies", "search", "--max-results", "3"]));
    let companies = companies.as_array().unwrap();
    assert_eq!(companies.len(), 3);
    assert_eq!(s.sandbox.credits_used(), 9, "3 credits per company");
    let domain = companies[0]["domain"].as_str().unwrap().to_string();
    let techs = ok_json(cli(&s).args([
        "technographics",
        "--company-domain",
        &domain,
        "--max-results",
        "5",
    ]));
    let techs = techs.as_array().unwrap();
    assert!(!techs.is_empty() && techs.len() <= 5);
    assert!(techs.iter().all(|t| t["technology"]["slug"].is_string()));
    assert_eq!(s.sandbox.credits_used(), 12, "3 credits per lookup");
    let (code, _, stderr) = run(cli(&s).args(["technographics"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("name the company"), "{stderr}");
}

#[test]
fn credits_balance_and_consumption() {
    let s = default_sandbox();
    ok_json(cli(&s).args([
        "jobs",
        "search",
        "--max-age-days",
        "30",
        "--max-results",
        "4",
    ]));
    let balance = ok_json(cli(&s).args(["credits", "balance"]));
    assert_eq!(balance["used_api_credits"], 4);
    assert_eq!(balance["api_credits"], 10_000 - 4);
    let (code, stdout, _) = run(cli(&s).args(["credits", "consumption", "--format", "csv"]));
    assert_eq!(code, 0);
    let (header, rows) = csv_records(&stdout);
    let consumed = header
        .iter()
        .position(|h| h == "api_credits_consumed")
        .unwrap();
    let total: u64 = rows
        .iter()
        .map(|r| r[consumed].parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 4);
}

/// A loopback receiver that answers 200 to every request and counts them.
fn receiver() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 65536];
            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
            let _ = stream.read(&mut buf);
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        }
    });
    (url, hits)
}

#[test]
#[cfg(all(
    theirstack_has = "op:post_webhooks_v0",
    theirstack_has = "op:get_webhooks_by_id_v0",
    theirstack_has = "op:get_webhooks_v0",
    theirstack_has = "op:patch_webhooks_by_id_v0",
    theirstack_has = "op:patch_webhooks_status_v0",
    theirstack_has = "op:get_webhooks_events_v0",
    theirstack_has = "op:get_webhooks_events_count_v0",
    theirstack_has = "op:get_webhooks_events_count_aggregated_v0",
    theirstack_has = "op:post_webhooks_events_retry_v0",
    theirstack_has = "op:post_webhooks_test_v0",
    theirstack_has = "op:patch_webhooks_archive_v0",
))]
fn every_webhook_subcommand() {
    let s = sandbox(SandboxConfig::default().webhook_events(12));
    let (url, hits) = receiver();
    let created = ok_json(cli(&s).args([
        "webhooks",
        "create",
        "--url",
        &url,
        "--search-id",
        "1",
        "--description",
        "cli test",
    ]));
    let id = created["id"].as_i64().unwrap().to_string();
    assert_eq!(created["description"], "cli test");
    assert_eq!(
        ok_json(cli(&s).args(["webhooks", "get", &id]))["url"],
        url.as_str()
    );
    let list = ok_json(cli(&s).args(["webhooks", "list"]));
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|w| w["id"] == created["id"])
    );
    let updated = ok_json(cli(&s).args([
        "webhooks",
        "update",
        &id,
        "--url",
        &url,
        "--search-id",
        "2",
        "--once-per-company",
    ]));
    assert_eq!(
        (
            updated["search_id"].as_i64(),
            updated["trigger_once_per_company"].as_bool()
        ),
        (Some(2), Some(true))
    );
    // An update that leaves a flag out does not send it, so the webhook keeps its value.
    let again =
        ok_json(cli(&s).args(["webhooks", "update", &id, "--url", &url, "--search-id", "2"]));
    assert_eq!(again["trigger_once_per_company"], true);
    let off = ok_json(cli(&s).args([
        "webhooks",
        "update",
        &id,
        "--url",
        &url,
        "--search-id",
        "2",
        "--once-per-company",
        "false",
    ]));
    assert_eq!(off["trigger_once_per_company"], false);
    assert_eq!(
        ok_json(cli(&s).args(["webhooks", "disable", &id]))["is_active"],
        false
    );
    assert_eq!(
        ok_json(cli(&s).args(["webhooks", "enable", &id]))["is_active"],
        true
    );

    let (code, stdout, _) = run(cli(&s).args([
        "webhooks",
        "events",
        &id,
        "--format",
        "ndjson",
        "--page-size",
        "5",
    ]));
    assert_eq!(code, 0);
    let events: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!events.is_empty());
    let count = ok_json(cli(&s).args(["webhooks", "events-count", "--id", &id]));
    assert_eq!(count.as_u64(), Some(events.len() as u64));
    let per_day = ok_json(cli(&s).args(["webhooks", "events-count", "--group-by", "status"]));
    assert!(per_day.is_array());
    let event_id = events[0]["id"].to_string();
    let retried = run(cli(&s).args(["webhooks", "retry", &event_id]));
    assert_eq!(retried.0, 0, "{}", retried.2);

    let test_args = ["webhooks", "test", "--url", &url, "--event-type", "job_new"];
    // Signed test deliveries came with the later docs; older documents have no `secret`.
    #[cfg(theirstack_has = "WebhookTest.secret")]
    {
        let tested = ok_json(
            cli(&s)
                .args(test_args)
                .args(["--secret", "a-test-secret-of-16+"]),
        );
        assert_eq!(tested["status"], 200);
        assert!(
            tested["signature"]
                .as_str()
                .is_some_and(|sig| sig.starts_with("sha256="))
        );
    }
    #[cfg(not(theirstack_has = "WebhookTest.secret"))]
    {
        let tested = ok_json(cli(&s).args(test_args));
        assert_eq!(tested["status"], 200);
    }
    assert!(
        hits.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "the test delivery reached the receiver"
    );

    assert_eq!(
        ok_json(cli(&s).args(["webhooks", "archive", &id]))["is_archived"],
        true
    );
    let list = ok_json(cli(&s).args(["webhooks", "list"]));
    assert!(
        !list
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["id"] == created["id"]),
        "archived webhooks are not listed"
    );
    let (code, _, stderr) = run(cli(&s).args(["webhooks", "get", "999999"]));
    assert_eq!(
        (code, stderr.starts_with("error: 404")),
        (1, true),
        "{stderr}"
    );
}

#[test]
fn webhooks_verify_checks_a_saved_delivery() {
    let dir = tempdir();
    let secret = "receiver-secret-0123456789";
    let body = br#"{"id": 42, "type": "company.new", "payload": {"id": "acme", "name": "Acme"}}"#;
    let signature = theirstack::webhooks::sign(secret, body);
    let file = dir.join("delivery.json");
    std::fs::write(&file, body).unwrap();
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.args([
        "webhooks",
        "verify",
        "--secret",
        secret,
        "--signature",
        &signature,
    ])
    .arg(&file);
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "{stderr}");
    let decoded: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (decoded["id"].as_i64(), decoded["type"].as_str()),
        (Some(42), Some("company.new"))
    );
    assert_eq!(decoded["payload"]["name"], "Acme");

    // The headers can come from the saved request itself.
    let saved = dir.join("request.txt");
    let mut raw = format!(
        "Content-Type: application/json\r\nX-TheirStack-Signature-256: {signature}\r\n\r\n"
    )
    .into_bytes();
    raw.extend_from_slice(body);
    std::fs::write(&saved, raw).unwrap();
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.args(["webhooks", "verify", "--secret", secret])
        .arg(&saved);
    assert_eq!(run(&mut cmd).0, 0);

    // A tampered body, a missing signature, and a short secret are refused with exit code 2.
    std::fs::write(
        &file,
        br#"{"id": 43, "type": "company.new", "payload": {"id": "acme", "name": "Acme"}}"#,
    )
    .unwrap();
    for args in [vec!["--signature", signature.as_str()], vec![]] {
        let mut cmd = Command::cargo_bin("theirstack").unwrap();
        cmd.args(["webhooks", "verify", "--secret", secret])
            .args(&args)
            .arg(&file);
        let (code, stdout, stderr) = run(&mut cmd);
        assert_eq!(code, 2, "{stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.starts_with("error: delivery rejected: "), "{stderr}");
        assert!(!stderr.contains(secret));
    }
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.args([
        "webhooks",
        "verify",
        "--secret",
        "short",
        "--signature",
        &signature,
    ])
    .arg(&file);
    assert_eq!(run(&mut cmd).0, 2);
}

#[test]
fn saved_searches_from_the_command_line() {
    let s = default_sandbox();
    let list = ok_json(cli(&s).args(["saved-searches", "list"]));
    assert!(list.as_array().unwrap().len() >= 3);
    let one = ok_json(cli(&s).args(["saved-searches", "get", "1"]));
    assert_eq!(one["id"], 1);
    let dir = tempdir();
    let file = dir.join("search.json");
    std::fs::write(&file, r#"{"name": "Rust jobs", "type": "jobs", "body": {"posted_at_max_age_days": 7, "job_technology_slug_or": ["rust"]}}"#).unwrap();
    let created = ok_json(cli(&s).args(["saved-searches", "create"]).arg(&file));
    assert_eq!(created["name"], "Rust jobs");
}

/// A mock server for the catalog and company lists, answering only the exact requests.
#[cfg(all(
    theirstack_has = "op:get_catalog_technologies_v0",
    theirstack_has = "op:get_catalog_industries_v0",
    theirstack_has = "op:get_catalog_locations_v0",
    theirstack_has = "op:get_company_lists_v0",
    theirstack_has = "op:get_company_lists_by_id_v0",
    theirstack_has = "op:post_company_lists_v0",
    theirstack_has = "op:get_company_lists_companies_v0",
    theirstack_has = "op:list_categories_v1",
    theirstack_has = "op:list_subcategories_v1",
    theirstack_has = "op:get_catalog_jobs_companies_per_job_country_code_v0",
    theirstack_has = "op:get_catalog_companies_per_company_country_code_v0",
))]
fn mock_server() -> httpmock::MockServer {
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v0/catalog/technologies").query_param("name_pattern", "rust");
        then.status(200).json_body(serde_json::json!([
            {"name": "Rust", "slug": "rust", "category": "Programming Languages", "category_slug": "programming-languages",
             "parent_category": "Programming", "parent_category_slug": "programming", "jobs": 1200, "companies": 300}
        ]));
    });
    server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v0/catalog/industries");
        then.status(200).json_body(serde_json::json!({"data": [{"industry": "Software Development", "industry_id": 4}], "metadata": {"total_results": 1}}));
    });
    server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v0/catalog/locations").query_param("name", "Austin");
        then.status(200).json_body(serde_json::json!([
            {"id": 4671654, "name": "Austin", "country_code": "US", "feature_code": "PPLA2", "feature_name": "seat of a second-order administrative division", "display_name": "Austin, Texas, US", "country_name": "United States"}
        ]));
    });
    server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v0/company_lists");
        then.status(200).json_body(serde_json::json!([]));
    });
    let list = serde_json::json!({"id": 31, "name": "Targets", "created_at": "2026-02-01T09:00:00Z", "companies_count": 1});
    server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v0/company_lists/31");
        then.status(200).json_body(list.clone());
    });
    server.mock(|when, then| {
        authed(when, httpmock::Method::POST, "/v0/company_lists")
            .json_body(serde_json::json!({"name": "Targets"}));
        then.status(200).json_body(list.clone());
    });
    server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v0/company_lists/31/companies");
        then.status(200).json_body(serde_json::json!([{"company_name": "Acme", "added_at": "2026-02-01T10:00:00Z",
            "revealed_at": "2026-02-01T10:00:00Z", "company_object": {"id": "acme", "name": "Acme"}}]));
    });
    server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v1/catalog/technologies/categories");
        then.status(200).json_body(serde_json::json!({"data": [
            {"name": "Data", "slug": "data", "number_of_companies": 10, "number_of_technologies": 4},
            {"name": "DevOps", "slug": "devops", "number_of_companies": 7, "number_of_technologies": 3}
        ], "metadata": {"total_results": 2}}));
    });
    server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v1/catalog/technologies/subcategories").query_param("category_slug", "data");
        then.status(200).json_body(serde_json::json!({"data": [
            {"name": "Warehouses", "slug": "data-warehouses", "category_slug": "data", "number_of_companies": 5,
             "number_of_technologies": 2, "technologies": [{"name": "Snowflake", "slug": "snowflake"}]}
        ], "metadata": {"total_results": 1}}));
    });
    server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v0/catalog/jobs_companies_per_job_country_code");
        then.status(200).json_body(serde_json::json!({"data": [{"country": "Spain", "iso2": "ES", "num_jobs": 900, "num_companies": 80}], "metadata": {"total_results": 1}}));
    });
    server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v0/catalog/companies_per_company_country_code");
        then.status(200).json_body(serde_json::json!({"data": [{"country": "Spain", "iso2": "ES", "num_companies": 80}], "metadata": {"total_results": 1}}));
    });
    server
}

#[test]
#[cfg(all(
    theirstack_has = "op:get_catalog_technologies_v0",
    theirstack_has = "op:get_catalog_industries_v0",
    theirstack_has = "op:get_catalog_locations_v0",
    theirstack_has = "op:get_company_lists_v0",
    theirstack_has = "op:get_company_lists_by_id_v0",
    theirstack_has = "op:post_company_lists_v0",
    theirstack_has = "op:get_company_lists_companies_v0",
    theirstack_has = "op:list_categories_v1",
    theirstack_has = "op:list_subcategories_v1",
    theirstack_has = "op:get_catalog_jobs_companies_per_job_country_code_v0",
    theirstack_has = "op:get_catalog_companies_per_company_country_code_v0",
))]
fn catalog_and_company_lists_from_the_command_line() {
    let server = mock_server();
    let cli = || {
        let mut cmd = Command::cargo_bin("theirstack").unwrap();
        cmd.args(["--base-url", &server.base_url(), "--api-key", KEY]);
        cmd
    };
    let techs = ok_json(cli().args(["catalog", "technologies", "--name", "rust"]));
    assert_eq!(techs[0]["slug"], "rust");
    // The mocks check the key: another key gets no answer.
    let mut other_key = Command::cargo_bin("theirstack").unwrap();
    other_key
        .args([
            "--base-url",
            &server.base_url(),
            "--api-key",
            "sk_other_0123",
        ])
        .args(["catalog", "technologies", "--name", "rust"]);
    let (code, _, stderr) = run(&mut other_key);
    assert_eq!(
        (code, stderr.starts_with("error: 404")),
        (1, true),
        "{stderr}"
    );
    let (code, stdout, _) = run(cli().args([
        "catalog",
        "industries",
        "--format",
        "csv",
        "--columns",
        "industry_id,industry",
    ]));
    assert_eq!(code, 0);
    assert_eq!(stdout, "industry_id,industry\n4,Software Development\n");
    let locations = ok_json(cli().args(["catalog", "locations", "--name", "Austin"]));
    assert_eq!(locations[0]["id"], 4671654);
    let lists = ok_json(cli().args(["company-lists", "list"]));
    assert_eq!(lists, serde_json::json!([]));
    assert_eq!(
        ok_json(cli().args(["company-lists", "get", "31"]))["name"],
        "Targets"
    );
    assert_eq!(
        ok_json(cli().args(["company-lists", "create", "--name", "Targets"]))["id"],
        31
    );
    let members = ok_json(cli().args(["company-lists", "companies", "31"]));
    assert_eq!(members[0]["company_object"]["id"], "acme");

    // `{data, metadata}` envelopes print whole as json, and as their rows in csv and ndjson.
    let categories = ok_json(cli().args(["catalog", "categories"]));
    assert_eq!(categories["metadata"]["total_results"], 2);
    let (code, stdout, _) = run(cli().args([
        "catalog",
        "categories",
        "--format",
        "csv",
        "--columns",
        "slug,number_of_companies",
    ]));
    assert_eq!(
        (code, stdout.as_str()),
        (0, "slug,number_of_companies\ndata,10\ndevops,7\n")
    );
    let (code, stdout, _) = run(cli().args([
        "catalog",
        "subcategories",
        "--category",
        "data",
        "--format",
        "ndjson",
    ]));
    assert_eq!(code, 0);
    let row: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(row["technologies"][0]["slug"], "snowflake");
    let (code, stdout, _) = run(cli().args([
        "catalog",
        "job-countries",
        "--format",
        "csv",
        "--columns",
        "iso2,num_jobs",
    ]));
    assert_eq!((code, stdout.as_str()), (0, "iso2,num_jobs\nES,900\n"));
    let (code, stdout, _) = run(cli().args([
        "catalog",
        "company-countries",
        "--format",
        "csv",
        "--columns",
        "iso2,num_companies",
    ]));
    assert_eq!((code, stdout.as_str()), (0, "iso2,num_companies\nES,80\n"));
}

#[test]
fn the_credit_guard_refuses_when_not_interactive_and_spends_nothing() {
    let s = default_sandbox();
    let (code, stdout, stderr) = run(cli(&s).args(["jobs", "search", "--max-age-days", "60"]));
    assert_eq!(code, 4, "{stderr}");
    assert!(stdout.is_empty() || stdout.trim() == "[]", "{stdout}");
    assert!(
        stderr.contains("could spend up to") && stderr.contains("--yes"),
        "{stderr}"
    );
    assert!(
        stderr.contains("matching rows"),
        "the free count ran: {stderr}"
    );
    assert_eq!(s.sandbox.credits_used(), 0);

    // --yes (with a cap, to keep the test small), or a cap under 1,000 credits, proceeds.
    let rows = ok_json(cli(&s).args([
        "jobs",
        "search",
        "--max-age-days",
        "60",
        "--max-results",
        "20",
        "--yes",
    ]));
    assert_eq!(rows.as_array().unwrap().len(), 20);
    let rows = ok_json(cli(&s).args([
        "jobs",
        "search",
        "--max-age-days",
        "60",
        "--max-credits",
        "7",
    ]));
    assert_eq!(rows.as_array().unwrap().len(), 7);
    assert_eq!(s.sandbox.credits_used(), 27);
}

#[test]
fn the_credit_guard_asks_on_a_terminal() {
    let s = sandbox(SandboxConfig::default().companies(400));
    let bin = assert_cmd::cargo::cargo_bin("theirstack");
    let command = format!(
        "{} --base-url {} --api-key {KEY} companies search --format csv --columns id",
        bin.display(),
        s.sandbox.base_url()
    );
    // Declined: nothing spent, exit code 4.
    let mut session = rexpect::spawn(&command, Some(30_000)).unwrap();
    session
        .exp_string("could spend up to 1200 credits (400 matching rows). Continue? [y/N]")
        .unwrap();
    session.send_line("n").unwrap();
    session.exp_string("cancelled; nothing was spent").unwrap();
    let status = session.process.wait().unwrap();
    assert_eq!(
        format!("{status:?}"),
        "Exited(Pid(_), 4)".replace("Pid(_)", &format!("{:?}", session.process.child_pid))
    );
    assert_eq!(s.sandbox.credits_used(), 0);

    // Accepted: the pull runs.
    let mut session = rexpect::spawn(&command, Some(30_000)).unwrap();
    session.exp_string("Continue? [y/N]").unwrap();
    session.send_line("y").unwrap();
    session.exp_eof().unwrap();
    assert_eq!(s.sandbox.credits_used(), 1200);
}

#[test]
#[cfg(all(
    theirstack_has = "op:search_companies_v1",
    theirstack_has = "op:technographics_v1",
))]
fn technographics_without_a_terminal_prints_the_company_and_spends_one_lookup() {
    let s = default_sandbox();
    let company = ok_json(cli(&s).args(["companies", "search", "--max-results", "1"]));
    let domain = company[0]["domain"].as_str().unwrap();
    let name = company[0]["name"].as_str().unwrap();
    let before = s.sandbox.credits_used();
    // No --yes, --max-credits or --max-results; assert_cmd gives the binary a piped stdin.
    let (code, stdout, stderr) = run(cli(&s).args([
        "technographics",
        "--company-domain",
        domain,
        "--format",
        "ndjson",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(s.sandbox.credits_used() - before, 3, "one lookup");
    let rows: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["company_name"] == name), "{rows:?}");
    // Every technology the sandbox has for the company, as the library pages them.
    let filters: theirstack::types::TechDetailsFilters =
        serde_json::from_value(serde_json::json!({ "company_domain": domain })).unwrap();
    let client = s.sandbox.client().unwrap();
    let expected = s
        ._runtime
        .block_on(client.technographics(filters).collect_all())
        .unwrap();
    let expected: Vec<Value> = expected
        .iter()
        .map(|k| serde_json::to_value(k).unwrap())
        .collect();
    assert_eq!(rows, expected);
}

#[test]
#[cfg(theirstack_has = "op:technographics_v1")]
fn a_lookup_whose_first_page_tells_a_large_total_stops_after_that_page() {
    let server = httpmock::MockServer::start();
    let fixture = fixture("technographics.json");
    let rows = fixture["data"].as_array().unwrap()[..2].to_vec();
    let lookup = server.mock(|when, then| {
        authed(when, httpmock::Method::POST, "/v1/companies/technologies")
            .json_body_includes(
                r#"{"company_domain": "acme.test", "include_total_results": true, "offset": 0, "limit": 2}"#,
            )
            .is_false(|req| body_has_key(req, "page"));
        then.status(200).json_body(serde_json::json!({
            "data": rows,
            "metadata": {"total_results": 1_000_000, "total_companies": 1}
        }));
    });
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env_remove("THEIRSTACK_API_KEY")
        .env_remove("THEIRSTACK_BASE_URL")
        .args(["--base-url", &server.base_url(), "--api-key", KEY])
        .args([
            "technographics",
            "--company-domain",
            "acme.test",
            "--page-size",
            "2",
            "--format",
            "ndjson",
        ]);
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 4, "{stderr}");
    // The first page is paid for and printed.
    let slugs: Vec<String> = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["technology"]["slug"].to_string())
        .collect();
    assert_eq!(slugs, [r#""snowflake""#, r#""apache-airflow""#]);
    // 3 credits × ceil(1,000,000 / 2) requests.
    assert!(
        stderr.contains("could spend up to 1500000 credits (1000000 matching rows)")
            && stderr.contains("--yes"),
        "{stderr}"
    );
    lookup.assert_calls(1);
}

#[test]
fn a_cap_holds_whatever_the_server_sends() {
    let server = httpmock::MockServer::start();
    // Asked for 3 rows, the server sends 5.
    let search = server.mock(|when, then| {
        authed(when, httpmock::Method::POST, "/v1/jobs/search")
            .json_body_includes(r#"{"posted_at_max_age_days": 7, "offset": 0, "limit": 3}"#)
            .is_false(|req| body_has_key(req, "page"));
        then.status(200).json_body(serde_json::json!({
            "data": (1..=5).map(job).collect::<Vec<_>>(),
            "metadata": {"truncated_results": 0}
        }));
    });
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env_remove("THEIRSTACK_API_KEY")
        .env_remove("THEIRSTACK_BASE_URL")
        .args(["--base-url", &server.base_url(), "--api-key", KEY])
        .args([
            "jobs",
            "search",
            "--max-age-days",
            "7",
            "--max-results",
            "3",
            "--format",
            "ndjson",
        ]);
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "{stderr}");
    let ids: Vec<i64> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, [1, 2, 3]);
    search.assert_calls(1);
}

#[test]
fn a_multi_page_pull_against_a_server_that_refuses_page_with_offset() {
    // One window of 100 searches an hour: what is left of it counts the requests sent.
    let s = sandbox(
        SandboxConfig::default().rate_limits(vec![RateLimitWindow::new(
            "per-hour",
            100,
            Duration::from_secs(3600),
        )]),
    );
    // Of the 5,000 jobs, 7 days match fewer than 1,200; 30 days match more.
    let matching =
        ok_json(cli(&s).args(["jobs", "count", "--max-age-days", "30"]))["total_results"]
            .as_u64()
            .unwrap();
    assert!(matching > 500, "more than one page: {matching}");
    let (code, stdout, stderr) = run(cli(&s).args([
        "jobs",
        "search",
        "--max-age-days",
        "30",
        "--max-results",
        "1200",
        "--format",
        "ndjson",
        "--yes",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let ids: Vec<i64> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    let expected = matching.min(1200);
    assert_eq!(ids.len() as u64, expected);
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "no row twice");
    assert_eq!(s.sandbox.credits_used(), expected, "no row paid for twice");

    // One more search reads the window: the count, the pull's pages and this probe used it.
    let filters: theirstack::types::JobSearchFiltersInput =
        serde_json::from_value(serde_json::json!({ "posted_at_max_age_days": 30 })).unwrap();
    let client = s.sandbox.client().unwrap();
    let probe = s._runtime.block_on(async {
        let mut pages = std::pin::pin!(client.job_search(filters).max_items(1).pages());
        futures::StreamExt::next(&mut pages).await.unwrap().unwrap()
    });
    let remaining = probe.rate_limit.unwrap().windows[0].remaining.unwrap();
    let pages = 100 - remaining - 2;
    assert_eq!(pages, expected.div_ceil(500), "500-row pages");
}

#[test]
fn ndjson_rows_are_written_as_they_arrive() {
    // One search per second: the second page waits for the window, the first is already out.
    let s = sandbox(
        SandboxConfig::default().rate_limits(vec![RateLimitWindow::new(
            "per-second",
            1,
            Duration::from_secs(1),
        )]),
    );
    let bin = assert_cmd::cargo::cargo_bin("theirstack");
    let mut child = std::process::Command::new(bin)
        .args(["--base-url", s.sandbox.base_url(), "--api-key", KEY])
        .args([
            "jobs",
            "search",
            "--max-age-days",
            "30",
            "--max-results",
            "30",
            "--page-size",
            "10",
            "--format",
            "ndjson",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert!(first["id"].is_i64());
    assert!(
        child.try_wait().unwrap().is_none(),
        "the first row arrived while later pages were still pending"
    );
    assert_eq!(lines.count(), 29);
    assert!(child.wait().unwrap().success());
}

#[test]
fn exit_codes() {
    let s = default_sandbox();
    // 2: bad usage or input.
    let (code, _, stderr) = run(cli(&s).args(["jobs", "search", "--no-such-flag"]));
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run(cli(&s).args([
        "jobs",
        "search",
        "--max-age-days",
        "7",
        "--seniority",
        "wizard",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown seniority `wizard`"), "{stderr}");
    let (code, _, stderr) = run(cli(&s).args(["jobs", "search", "--title", "x"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("job search needs"), "{stderr}");
    let dir = tempdir();
    let filters = dir.join("filters.json");
    std::fs::write(
        &filters,
        r#"{"posted_at_max_age_days": 3, "job_titel_or": ["typo"]}"#,
    )
    .unwrap();
    let (code, _, stderr) = run(cli(&s).args(["jobs", "search", "--filters"]).arg(&filters));
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown field `job_titel_or`"), "{stderr}");
    // Also inside nested objects whose generated type accepts any key.
    std::fs::write(
        &filters,
        r#"{"job_filters": {"posted_at_max_age_days": 3, "job_tittle_or": ["x"]}}"#,
    )
    .unwrap();
    let (code, _, stderr) = run(cli(&s)
        .args(["companies", "search", "--filters"])
        .arg(&filters));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown field `job_filters.job_tittle_or`"),
        "{stderr}"
    );
    std::fs::write(
        &filters,
        r#"{"order_by": [{"field": "name", "desc": true, "direction": "up"}]}"#,
    )
    .unwrap();
    let (code, _, stderr) = run(cli(&s)
        .args(["companies", "search", "--filters"])
        .arg(&filters));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown field `order_by[0].direction`"),
        "{stderr}"
    );

    // 3: unauthorized, and the wrong key is not printed either.
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.args([
        "--base-url",
        s.sandbox.base_url(),
        "--api-key",
        "sk_wrong_W4ong_key_987",
    ])
    .args(["credits", "balance"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: 401"), "{stderr}");
    assert!(!stderr.contains("W4ong") && !String::from_utf8_lossy(&out.stdout).contains("W4ong"));
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");

    // 4: the cap cannot pay for one row.
    let (code, _, stderr) = run(cli(&s).args(["companies", "search", "--max-credits", "2"]));
    assert_eq!(code, 4);
    assert!(stderr.contains("the caps allow no row"), "{stderr}");

    // 1: anything else (no server).
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.args([
        "--base-url",
        "http://127.0.0.1:1",
        "--api-key",
        KEY,
        "credits",
        "balance",
    ]);
    let (code, _, stderr) = run(&mut cmd);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("error: transport error"), "{stderr}");

    // 2: no key at all.
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env_remove("THEIRSTACK_API_KEY")
        .args(["credits", "balance"]);
    let (code, _, stderr) = run(&mut cmd);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("THEIRSTACK_API_KEY") && stderr.contains("--sandbox"),
        "{stderr}"
    );
}

#[test]
fn exit_code_4_when_the_account_has_no_credits() {
    let s = sandbox(SandboxConfig::default().api_credits(0));
    let (code, stdout, stderr) = run(cli(&s).args([
        "jobs",
        "search",
        "--max-age-days",
        "7",
        "--max-results",
        "10",
    ]));
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap(),
        serde_json::json!([]),
        "stdout stays valid JSON"
    );
    assert!(stderr.starts_with("error: 402"), "{stderr}");
}

#[test]
fn exit_code_4_when_credits_run_out_mid_pull_after_the_rows_that_arrived() {
    let s = sandbox(SandboxConfig::default().api_credits(15));
    // One request at a time: with several in flight the sandbox may serve a later page before
    // an earlier one, and which rows the balance pays for then depends on that order.
    let (code, stdout, stderr) = run(cli(&s).args([
        "jobs",
        "search",
        "--max-age-days",
        "30",
        "--max-results",
        "40",
        "--page-size",
        "10",
        "--look-ahead",
        "1",
        "--format",
        "ndjson",
    ]));
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(stdout.lines().count(), 15, "the rows paid for are printed");
    assert!(
        stderr.contains("rows were withheld") && stderr.contains("resume from offset 15"),
        "{stderr}"
    );
}

#[test]
fn exit_code_5_when_still_rate_limited() {
    let s = sandbox(
        SandboxConfig::default().rate_limits(vec![RateLimitWindow::new(
            "per-day",
            1,
            Duration::from_secs(86_400),
        )]),
    );
    assert_eq!(
        run(cli(&s).args(["jobs", "count", "--max-age-days", "7"])).0,
        0
    );
    let (code, _, stderr) = run(cli(&s).args(["jobs", "count", "--max-age-days", "7"]));
    assert_eq!(code, 5, "{stderr}");
    assert!(stderr.starts_with("error: 429"), "{stderr}");
}

#[test]
fn the_key_from_the_environment_is_used_and_never_printed() {
    let s = default_sandbox();
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env("THEIRSTACK_API_KEY", KEY)
        .env("THEIRSTACK_BASE_URL", s.sandbox.base_url())
        .args(["credits", "balance"]);
    let balance = ok_json(&mut cmd);
    assert_eq!(balance["api_credits"], 10_000);
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env("THEIRSTACK_API_KEY", KEY).args(["--help"]);
    let (code, stdout, _) = run(&mut cmd);
    assert_eq!(code, 0);
    assert!(stdout.contains("--api-key"));
}

#[test]
fn the_sandbox_command_serves_the_api_until_stopped() {
    let bin = assert_cmd::cargo::cargo_bin("theirstack");
    let mut child = std::process::Command::new(bin)
        .env_remove("THEIRSTACK_API_KEY")
        .args(["sandbox", "--port", "0", "--seed", "7"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut exports = std::collections::HashMap::new();
    while exports.len() < 2 {
        let line = lines
            .next()
            .expect("the sandbox prints its address and key")
            .unwrap();
        if let Some((name, value)) = line.strip_prefix("export ").and_then(|l| l.split_once('=')) {
            exports.insert(name.to_string(), value.to_string());
        }
    }
    // Another program (here the CLI itself) uses it through the printed variables.
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env("THEIRSTACK_BASE_URL", &exports["THEIRSTACK_BASE_URL"])
        .env("THEIRSTACK_API_KEY", &exports["THEIRSTACK_API_KEY"])
        .args(["jobs", "count", "--max-age-days", "7"]);
    let count = cmd.timeout(Duration::from_secs(30)).output().unwrap();
    assert!(
        count.status.success(),
        "{}",
        String::from_utf8_lossy(&count.stderr)
    );
    let count: Value = serde_json::from_slice(&count.stdout).unwrap();
    assert!(count["total_results"].as_u64().unwrap() > 0);
    child.kill().unwrap();
    child.wait().unwrap();
}
