//! Webhook event types: `webhooks event-types` and
//! `--active-event-types` on `create` and `update`, against a mock that checks the bearer key and
//! the exact request and answers only that; unknown values refused before any request.

#![cfg(any(
    theirstack_has = "op:get_webhooks_event_types_v0",
    theirstack_has = "WebhookCreate.active_event_types",
    theirstack_has = "WebhookUpdate.active_event_types"
))]

mod support;

use httpmock::Method::{GET, PATCH, POST};
use serde_json::{Value, json};
use support::*;

fn webhook(id: i64) -> Value {
    json!({"id": id, "url": "https://hooks.example.test/in", "search_id": 4, "user_id": 1, "team_id": 1,
           "is_active": true, "is_archived": false, "created_at": "2026-02-01T09:00:00Z",
           "updated_at": "2026-02-01T09:00:00Z", "search_name": "Rust jobs", "event_type": "job_new"})
}

#[test]
#[cfg(theirstack_has = "op:get_webhooks_event_types_v0")]
fn event_types_of_one_search_type_or_all() {
    let server = httpmock::MockServer::start();
    let jobs = server.mock(|when, then| {
        authed(when, GET, "/v0/webhooks/event-types").query_param("search_type", "jobs");
        then.status(200).json_body(json!([
            {"type": "job_new", "name": "New job", "description": "A job matched", "search_type": "jobs"},
            {"type": "job_closed", "name": "Job closed", "description": "A job was taken down", "search_type": "jobs"}
        ]));
    });
    let all = server.mock(|when, then| {
        authed(when, GET, "/v0/webhooks/event-types").query_param_missing("search_type");
        then.status(200).json_body(json!([
            {"type": "company_new", "name": "New company", "search_type": "companies"}
        ]));
    });
    let (code, stdout, stderr) = run(mock_cli(&server).args([
        "webhooks",
        "event-types",
        "--search-type",
        "jobs",
        "--format",
        "csv",
        "--columns",
        "type,search_type",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "type,search_type\njob_new,jobs\njob_closed,jobs\n");
    jobs.assert_calls(1);
    let printed = ok_json(mock_cli(&server).args(["webhooks", "event-types"]));
    assert_eq!(printed[0]["type"], "company_new");
    all.assert_calls(1);

    let (code, stderr) =
        refused(mock_cli(&server).args(["webhooks", "event-types", "--search-type", "people"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown search type `people`: expected one of ")
            && stderr.contains("jobs")
            && stderr.contains("companies"),
        "{stderr}"
    );
    jobs.assert_calls(1);
    all.assert_calls(1);
}

#[test]
#[cfg(all(
    theirstack_has = "op:post_webhooks_v0",
    theirstack_has = "WebhookCreate.active_event_types"
))]
fn create_with_active_event_types() {
    let server = httpmock::MockServer::start();
    let create = server.mock(|when, then| {
        authed(when, POST, "/v0/webhooks").json_body(json!({
            "url": "https://hooks.example.test/in",
            "search_id": 4,
            "active_event_types": ["job_new", "job_closed"]
        }));
        then.status(200).json_body(webhook(7));
    });
    let created = ok_json(mock_cli(&server).args([
        "webhooks",
        "create",
        "--url",
        "https://hooks.example.test/in",
        "--search-id",
        "4",
        "--active-event-types",
        "job_new,job_closed",
    ]));
    assert_eq!(created["id"], 7);
    create.assert_calls(1);

    let (code, stderr) = refused(mock_cli(&server).args([
        "webhooks",
        "create",
        "--url",
        "https://hooks.example.test/in",
        "--search-id",
        "4",
        "--active-event-types",
        "job_new,job_old",
    ]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "--active-event-types: unknown event type `job_old`: expected one of job_new, company_new, job_closed"
        ),
        "{stderr}"
    );
    create.assert_calls(1);
}

#[test]
#[cfg(all(
    theirstack_has = "op:patch_webhooks_by_id_v0",
    theirstack_has = "WebhookUpdate.active_event_types"
))]
fn update_sends_active_event_types_only_when_given() {
    let server = httpmock::MockServer::start();
    let with = server.mock(|when, then| {
        authed(when, PATCH, "/v0/webhooks/7").json_body(json!({
            "url": "https://hooks.example.test/in",
            "search_id": 4,
            "active_event_types": ["job_closed"]
        }));
        then.status(200).json_body(webhook(7));
    });
    let without = server.mock(|when, then| {
        authed(when, PATCH, "/v0/webhooks/7")
            .json_body(json!({"url": "https://hooks.example.test/in", "search_id": 4}));
        then.status(200).json_body(webhook(7));
    });
    let args = [
        "webhooks",
        "update",
        "7",
        "--url",
        "https://hooks.example.test/in",
        "--search-id",
        "4",
    ];
    ok_json(
        mock_cli(&server)
            .args(args)
            .args(["--active-event-types", "job_closed"]),
    );
    with.assert_calls(1);
    ok_json(mock_cli(&server).args(args));
    without.assert_calls(1);
    let (code, stderr) = refused(
        mock_cli(&server)
            .args(args)
            .args(["--active-event-types", "company_gone"]),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown event type `company_gone`"),
        "{stderr}"
    );
    with.assert_calls(1);
    without.assert_calls(1);
}
