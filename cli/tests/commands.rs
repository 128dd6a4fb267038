//! The commands added for the operations that had none: company-list rename, delete, add,
//! remove, add-to-many, duplicate and export; saved-search update and archive; requests per day;
//! datasets and their credentials. The sandbox serves none of them, so a mock server answers,
//! matching the method, path, bearer key and exact body, so a command that sent anything else
//! gets no answer.

mod support;

use httpmock::Method::{DELETE, GET, PATCH, POST};
use serde_json::json;
use support::*;

fn list(id: i64, name: &str, count: i64) -> serde_json::Value {
    json!({"id": id, "name": name, "created_at": "2026-02-01T09:00:00Z", "companies_count": count})
}

#[test]
#[cfg(theirstack_has = "op:patch_company_lists_by_id_v0")]
fn company_lists_rename() {
    let server = httpmock::MockServer::start();
    let rename = server.mock(|when, then| {
        authed(when, PATCH, "/v0/company_lists/31").json_body(json!({"new_name": "Q3 targets"}));
        then.status(200).json_body(list(31, "Q3 targets", 4));
    });
    let renamed =
        ok_json(mock_cli(&server).args(["company-lists", "rename", "31", "--name", "Q3 targets"]));
    assert_eq!(renamed["name"], "Q3 targets");
    // `update` is the same command.
    ok_json(mock_cli(&server).args(["company-lists", "update", "31", "--name", "Q3 targets"]));
    rename.assert_calls(2);
}

#[test]
#[cfg(theirstack_has = "op:delete_company_lists_by_id_v0")]
fn company_lists_delete_with_an_empty_or_a_json_answer() {
    let server = httpmock::MockServer::start();
    let empty = server.mock(|when, then| {
        authed(when, DELETE, "/v0/company_lists/31");
        then.status(200);
    });
    let (code, stdout, stderr) = run(mock_cli(&server).args(["company-lists", "delete", "31"]));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    empty.assert_calls(1);
    let json_answer = server.mock(|when, then| {
        authed(when, DELETE, "/v0/company_lists/32");
        then.status(200).json_body(json!({"deleted": true}));
    });
    assert_eq!(
        ok_json(mock_cli(&server).args(["company-lists", "delete", "32"])),
        json!({"deleted": true})
    );
    json_answer.assert_calls(1);
    // A failure is still one.
    server.mock(|when, then| {
        authed(when, DELETE, "/v0/company_lists/33");
        then.status(404)
            .json_body(json!({"error": {"code": "E-003", "title": "Not found exception"}}));
    });
    let (code, stderr) = refused(mock_cli(&server).args(["company-lists", "delete", "33"]));
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("error: 404 Not Found: E-003"),
        "{stderr}"
    );
}

#[test]
#[cfg(all(
    theirstack_has = "op:post_company_lists_add_companies_v0",
    theirstack_has = "op:post_company_lists_remove_companies_v0"
))]
fn company_lists_add_and_remove_companies() {
    let server = httpmock::MockServer::start();
    let add = server.mock(|when, then| {
        authed(when, POST, "/v0/company_lists/31/add_companies")
            .json_body(json!({"company_ids": ["acme", "bolt"]}));
        then.status(200).json_body(list(31, "Targets", 2));
    });
    let remove = server.mock(|when, then| {
        authed(when, POST, "/v0/company_lists/31/remove_companies")
            .json_body(json!({"company_ids": ["acme"]}));
        then.status(200).json_body(list(31, "Targets", 1));
    });
    let added = ok_json(mock_cli(&server).args([
        "company-lists",
        "add",
        "31",
        "--company-id",
        "acme",
        "--company-id",
        "bolt",
    ]));
    assert_eq!(added["companies_count"], 2);
    let removed =
        ok_json(mock_cli(&server).args(["company-lists", "remove", "31", "--company-id", "acme"]));
    assert_eq!(removed["companies_count"], 1);
    add.assert_calls(1);
    remove.assert_calls(1);
    // A company is required.
    let (code, _, stderr) = run(mock_cli(&server).args(["company-lists", "add", "31"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--company-id"), "{stderr}");
}

#[test]
#[cfg(theirstack_has = "op:post_company_lists_add_companies_multiple_v0")]
fn company_lists_add_to_many() {
    let server = httpmock::MockServer::start();
    let add = server.mock(|when, then| {
        authed(when, POST, "/v0/company_lists/add_companies")
            .json_body(json!({"list_ids": [31, 32], "company_ids": ["acme"]}));
        then.status(200).json_body(json!({}));
    });
    let answer = ok_json(mock_cli(&server).args([
        "company-lists",
        "add-to-many",
        "--list-id",
        "31",
        "--list-id",
        "32",
        "--company-id",
        "acme",
    ]));
    assert_eq!(answer, json!({}));
    add.assert_calls(1);
}

#[test]
#[cfg(theirstack_has = "op:post_company_lists_duplicate_v0")]
fn company_lists_duplicate() {
    let server = httpmock::MockServer::start();
    let duplicate = server.mock(|when, then| {
        authed(when, POST, "/v0/company_lists/31/duplicate");
        then.status(200).json_body(list(40, "Targets (copy)", 4));
    });
    let copy = ok_json(mock_cli(&server).args(["company-lists", "duplicate", "31"]));
    assert_eq!(
        (copy["id"].as_i64(), copy["name"].as_str()),
        (Some(40), Some("Targets (copy)"))
    );
    duplicate.assert_calls(1);
}

#[test]
#[cfg(theirstack_has = "op:get_company_lists_companies_export_v0")]
fn company_lists_export() {
    let server = httpmock::MockServer::start();
    let xlsx = server.mock(|when, then| {
        authed(when, GET, "/v0/company_lists/31/companies/export")
            .query_param("file_format", "xlsx")
            .query_param("limit", "500");
        then.status(200)
            .json_body(json!({"url": "https://files.example.test/31.xlsx"}));
    });
    let csv = server.mock(|when, then| {
        authed(when, GET, "/v0/company_lists/31/companies/export")
            .query_param("file_format", "csv")
            .query_param_missing("limit");
        then.status(200)
            .json_body(json!({"url": "https://files.example.test/31.csv"}));
    });
    let exported = ok_json(mock_cli(&server).args([
        "company-lists",
        "export",
        "31",
        "--file-format",
        "xlsx",
        "--limit",
        "500",
    ]));
    assert_eq!(exported["url"], "https://files.example.test/31.xlsx");
    let (code, stdout, _) =
        run(mock_cli(&server).args(["company-lists", "export", "31", "--format", "csv"]));
    assert_eq!(
        (code, stdout.as_str()),
        (0, "url\nhttps://files.example.test/31.csv\n")
    );
    xlsx.assert_calls(1);
    csv.assert_calls(1);
}

#[test]
#[cfg(theirstack_has = "op:patch_saved_searches_by_id_v0")]
fn saved_searches_update_sends_only_what_is_given() {
    let server = httpmock::MockServer::start();
    let saved = json!({"id": 7, "name": "Rust jobs", "type": "jobs", "body": {"posted_at_max_age_days": 7},
        "is_alert_active": false, "user_id": 3, "team_id": 2, "created_at": "2026-02-01T09:00:00Z",
        "updated_at": "2026-02-02T09:00:00Z", "creator": {"id": 3, "email": "a@example.test"}});
    let rename = server.mock(|when, then| {
        authed(when, PATCH, "/v0/saved_searches/7").json_body(json!({"name": "Rust jobs"}));
        then.status(200).json_body(saved.clone());
    });
    let alerts = server.mock(|when, then| {
        authed(when, PATCH, "/v0/saved_searches/7").json_body(json!({
            "is_alert_active": true, "frequency": "weekly", "emails_subscribed": ["a@example.test"],
            "body": {"posted_at_max_age_days": 3}
        }));
        then.status(200).json_body(saved.clone());
    });
    let updated =
        ok_json(mock_cli(&server).args(["saved-searches", "update", "7", "--name", "Rust jobs"]));
    assert_eq!(updated["id"], 7);
    let dir = tempdir();
    let file = dir.join("update.json");
    std::fs::write(
        &file,
        r#"{"body": {"posted_at_max_age_days": 3}, "frequency": "daily"}"#,
    )
    .unwrap();
    // Flags override the file's fields.
    ok_json(
        mock_cli(&server)
            .args([
                "saved-searches",
                "update",
                "7",
                "--alerts",
                "true",
                "--frequency",
                "weekly",
                "--email",
                "a@example.test",
                "--file",
            ])
            .arg(&file),
    );
    rename.assert_calls(1);
    alerts.assert_calls(1);
    // Nothing to change, or a bad value: refused before any request.
    let (code, stderr) = refused(mock_cli(&server).args(["saved-searches", "update", "7"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("nothing to change"), "{stderr}");
    std::fs::write(&file, r#"{"is_alert_active": "yes"}"#).unwrap();
    let (code, stderr) = refused(
        mock_cli(&server)
            .args(["saved-searches", "update", "7", "--file"])
            .arg(&file),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("invalid update at is_alert_active") && stderr.contains("boolean"),
        "{stderr}"
    );
    rename.assert_calls(1);
    alerts.assert_calls(1);
}

#[test]
#[cfg(theirstack_has = "op:patch_saved_searches_archive_v0")]
fn saved_searches_archive() {
    let server = httpmock::MockServer::start();
    let archive = server.mock(|when, then| {
        authed(when, PATCH, "/v0/saved_searches/7/archive");
        then.status(200).json_body(json!({"status": "archived"}));
    });
    let answer = ok_json(mock_cli(&server).args(["saved-searches", "archive", "7"]));
    assert_eq!(answer, json!({"status": "archived"}));
    archive.assert_calls(1);
}

#[test]
#[cfg(theirstack_has = "op:get_requests_count_v0")]
fn credits_requests_per_day() {
    let server = httpmock::MockServer::start();
    let api_only = server.mock(|when, then| {
        authed(when, GET, "/v0/requests/count")
            .query_param("is_origin_app", "false")
            .query_param("timezone", "Europe/Madrid")
            .query_param_exists("start_datetime");
        then.status(200).json_body(json!([
            {"period_start": "2026-03-01T00:00:00Z", "number_of_requests": 12},
            {"period_start": "2026-03-02T00:00:00Z", "number_of_requests": 30}
        ]));
    });
    let both = server.mock(|when, then| {
        authed(when, GET, "/v0/requests/count").query_param_missing("is_origin_app");
        then.status(200).json_body(json!([]));
    });
    let (code, stdout, stderr) = run(mock_cli(&server).args([
        "credits",
        "requests",
        "--origin",
        "api",
        "--timezone",
        "Europe/Madrid",
        "--start",
        "2026-03-01T00:00:00Z",
        "--format",
        "csv",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let (header, rows) = csv_records(&stdout);
    let n = header
        .iter()
        .position(|h| h == "number_of_requests")
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r[n].as_str()).collect::<Vec<_>>(),
        ["12", "30"]
    );
    // No rows: the documented header.
    let (_, stdout, _) = run(mock_cli(&server).args(["credits", "requests", "--format", "csv"]));
    assert_eq!(stdout, "number_of_requests,period_start\n");
    api_only.assert_calls(1);
    both.assert_calls(1);
}

#[test]
#[cfg(all(
    theirstack_has = "op:get_datasets_v1",
    theirstack_has = "op:post_datasets_credentials_v1"
))]
fn datasets_and_their_credentials() {
    let server = httpmock::MockServer::start();
    let datasets = server.mock(|when, then| {
        authed(when, GET, "/v1/datasets");
        then.status(200).json_body(json!([
            {"type": "jobs", "description": "Every job", "is_accessible": true, "options": []}
        ]));
    });
    let credentials = server.mock(|when, then| {
        authed(when, POST, "/v1/datasets/credentials");
        then.status(200).json_body(json!({
            "access_key_id": "AKIDEXAMPLE", "secret_access_key": "s3cr3t", "session_token": "tok",
            "expiration": "2026-03-08T00:00:00Z",
            "storage": {"bucket_name": "theirstack-datasets", "endpoint_url": "https://s3.example.test", "prefixes": ["jobs/"]}
        }));
    });
    let listed = ok_json(mock_cli(&server).args(["datasets", "list"]));
    assert_eq!(listed[0]["type"], "jobs");
    let issued = ok_json(mock_cli(&server).args(["datasets", "credentials"]));
    assert_eq!(issued["access_key_id"], "AKIDEXAMPLE");
    datasets.assert_calls(1);
    credentials.assert_calls(1);
}
