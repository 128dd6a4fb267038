//! The client's construction, redaction and request tracing: the key is checked, never shown,
//! and every request is traced with its operation id, attempts, status and waits.

mod support;

use support::scripted::{Action, ScriptedServer};
use support::tracing_capture::Captured;
use theirstack::{ApiKey, Client, ErrorKind, RetryPolicy};

const KEY: &str = "sk_live_ZX81spectrum";

#[test]
fn debug_output_never_contains_the_key() {
    let client = Client::builder().api_key(KEY).build().unwrap();
    let builder = Client::builder()
        .api_key(KEY)
        .base_url("https://api.theirstack.com");
    let key = ApiKey::new(KEY).unwrap();
    for text in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{builder:?}"),
        format!("{key:?}"),
    ] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains("ZX81"), "{text}");
        assert!(text.contains("redacted"), "{text}");
    }
    assert!(format!("{client:?}").contains("https://api.theirstack.com"));
}

#[test]
fn bad_keys_are_refused_at_construction_with_a_clear_error() {
    let cases = [
        ("", "the API key is empty"),
        ("sk live", "the API key contains whitespace at character 3"),
        (" sk", "the API key contains whitespace at character 1"),
        ("sk\tx", "the API key contains whitespace at character 3"),
        (
            "sk\u{0}x",
            "the API key contains a control character at character 3",
        ),
    ];
    for (key, message) in cases {
        let err = Client::new(key).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{key:?}");
        assert_eq!(err.to_string(), format!("invalid input: {message}"));
    }
    let err = Client::builder().build().unwrap_err();
    assert!(err.to_string().contains("no API key"), "{err}");
}

#[test]
fn plain_http_is_refused_off_loopback_unless_allowed() {
    let err = Client::builder()
        .api_key(KEY)
        .base_url("http://api.theirstack.com")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        err.to_string().contains("refusing plain-http base URL"),
        "{err}"
    );
    assert!(!err.to_string().contains(KEY));
    let client = Client::builder()
        .api_key(KEY)
        .base_url("http://api.theirstack.com")
        .allow_insecure_http(true)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://api.theirstack.com");
    let client = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:8080/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080");
}

#[tokio::test]
async fn a_caller_supplied_reqwest_client_still_sends_key_and_user_agent() {
    let server = ScriptedServer::start(vec![Action::json(200, &serde_json::json!([]))]);
    let http = reqwest::Client::builder().build().unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&server.base_url)
        .http_client(http)
        .user_agent("pipeline/2.1")
        .build()
        .unwrap();
    let hooks = client.get_webhooks_v0().send().await.unwrap();
    assert!(hooks.is_empty());
    let request = &server.received()[0];
    assert_eq!(request.request_line, "GET /v0/webhooks HTTP/1.1");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(request.header("user-agent"), Some("pipeline/2.1"));
}

#[tokio::test(start_paused = true)]
async fn every_request_is_traced_without_the_key() {
    let captured = Captured::global();

    let server = ScriptedServer::start(vec![
        Action::raw(503, &[("retry-after", "2")], "busy"),
        Action::raw(
            200,
            &[
                ("content-type", "application/json"),
                ("x-request-id", "req-777"),
            ],
            "[]",
        ),
    ]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    client.get_webhooks_v0().send().await.unwrap();

    let text = captured.text();
    let done = text
        .lines()
        .find(|l| l.contains("request done") && l.contains("req-777"))
        .unwrap_or_else(|| panic!("{text}"));
    for field in [
        "operation_id=\"get_webhooks_v0\"",
        "attempts=2",
        "http.response.status_code=200",
        "request_id=\"req-777\"",
        "waited_ms=2000",
    ] {
        assert!(done.contains(field), "missing {field} in {done}");
    }
    assert!(text.contains("retrying"), "{text}");
    assert!(!text.contains(support::TEST_KEY), "{text}");
}
