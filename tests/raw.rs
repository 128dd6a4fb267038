//! `Client::send_raw`: any method and path through the client's own steps (key, rate-limit slot,
//! retries, error decoding), against httpmock on loopback.

mod support;

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use reqwest::Method;
use serde_json::json;
use theirstack::RetryPolicy;

#[tokio::test]
async fn a_get_sends_the_key_and_its_query_and_returns_the_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/webhooks/7/events")
                .query_param("limit", "5")
                .header("authorization", support::bearer());
            then.status(200).json_body(json!([{"id": 1}]));
        })
        .await;
    let client = support::client(&server);
    let response = client
        .send_raw(
            "get_webhooks_events_v0",
            Method::GET,
            "/v0/webhooks/7/events?limit=5",
            None,
        )
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.json().unwrap(), json!([{"id": 1}]));
}

#[tokio::test]
async fn a_post_sends_its_json_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v0/webhooks/events/retry")
                .header("authorization", support::bearer())
                .header("content-type", "application/json")
                .json_body(json!({"webhook_event_ids": [3, 4]}));
            then.status(200).body("null");
        })
        .await;
    let client = support::client(&server);
    let body = json!({"webhook_event_ids": [3, 4]});
    let response = client
        .send_raw(
            "post_webhooks_events_retry_v0",
            Method::POST,
            "/v0/webhooks/events/retry",
            Some(&body),
        )
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(response.json().unwrap(), serde_json::Value::Null);
}

#[tokio::test]
async fn an_error_status_is_the_crate_error_and_reads_are_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v0/webhooks/9");
            then.status(404).json_body(
                json!({"request_id": 12, "error": {"code": "E-003", "title": "Not found exception"}}),
            );
        })
        .await;
    let client = support::client(&server);
    let err = client
        .send_raw("get_webhooks_by_id_v0", Method::GET, "/v0/webhooks/9", None)
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("E-003"));
    assert_eq!(err.request_id(), Some("12"));
    assert_eq!(mock.calls_async().await, 1, "a 404 is not retried");

    let flaky = server
        .mock_async(|when, then| {
            when.method(GET).path("/v0/billing/credit-balance");
            then.status(503).body("busy");
        })
        .await;
    let retrying = support::client_with(
        &server,
        RetryPolicy::default()
            .max_attempts(2)
            .base(std::time::Duration::from_millis(1)),
    );
    let err = retrying
        .send_raw(
            "get_billing_credit_balance_v0",
            Method::GET,
            "/v0/billing/credit-balance",
            None,
        )
        .await
        .unwrap_err();
    assert!(err.is_server());
    assert_eq!(flaky.calls_async().await, 2, "a GET is retried once more");
    assert_eq!(err.body_excerpt(), Some("busy"));
}

#[tokio::test]
async fn a_path_without_a_leading_slash_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let client = support::client(&server);
    let err = client
        .send_raw("get_webhooks_v0", Method::GET, "v0/webhooks", None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), theirstack::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("must start with `/`"), "{err}");
}
