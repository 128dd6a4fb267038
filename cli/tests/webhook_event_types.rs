//! Webhook event types, which the sandbox does not serve yet: `webhooks event-types`, against a
//! mock that checks the bearer key and the exact request and answers only that; an unknown
//! search type refused before any request.

mod support;

use httpmock::Method::GET;
use serde_json::json;
use support::*;

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
