//! Every error status and body shape becomes a classified `theirstack::Error` with a readable
//! one-line `Display`, and nothing of the key leaks.

mod support;

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use theirstack::types::{CreditsBalance, JobSearchFiltersInput};
use theirstack::{Error, ErrorKind};

fn filters() -> JobSearchFiltersInput {
    JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .try_into()
        .unwrap()
}

/// Serves `status` with `body` (and `content_type`) for job search and returns the client's error.
async fn error_for(status: u16, content_type: &str, body: &str) -> Error {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/jobs/search");
            then.status(status)
                .header("content-type", content_type)
                .header("x-request-id", "req-42")
                .body(body);
        })
        .await;
    let client = support::client(&server);
    let err: Error = client
        .search_jobs_v1()
        .body(filters())
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(!format!("{err}{err:?}").contains(support::TEST_KEY));
    err
}

const ENVELOPE: &str = r#"{"request_id": 1234, "error": {"code": "E-001", "title": "Not allowed exception", "description": "Your plan does not allow this filter"}}"#;

#[tokio::test]
async fn documented_envelope_on_each_status_is_classified() {
    let cases = [
        (400, ErrorKind::InvalidRequest),
        (401, ErrorKind::Unauthorized),
        (402, ErrorKind::InsufficientCredits),
        (403, ErrorKind::Unauthorized),
        (404, ErrorKind::NotFound),
        (422, ErrorKind::InvalidRequest),
        (429, ErrorKind::RateLimited),
        (500, ErrorKind::Server),
    ];
    for (status, kind) in cases {
        let err = error_for(status, "application/json", ENVELOPE).await;
        assert_eq!(err.kind(), kind, "{status}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.code(), Some("E-001"));
        assert_eq!(err.title(), Some("Not allowed exception"));
        assert_eq!(
            err.description(),
            Some("Your plan does not allow this filter")
        );
        assert_eq!(err.request_id(), Some("1234"));
        assert_eq!(
            err.body_excerpt(),
            None,
            "{status}: the envelope is the documented shape"
        );
        let line = err.to_string();
        assert!(!line.contains('\n'));
        let reason = err.status().unwrap().canonical_reason().unwrap();
        assert_eq!(
            line,
            format!(
                "{status} {reason}: E-001 Not allowed exception: Your plan does not allow this filter (request id 1234)"
            )
        );
    }
}

#[tokio::test]
async fn helpers_match_kinds() {
    let err = error_for(401, "application/json", ENVELOPE).await;
    assert!(err.is_unauthorized() && !err.is_server() && !err.is_rate_limited());
    let err = error_for(402, "application/json", ENVELOPE).await;
    assert!(err.is_insufficient_credits());
    let err = error_for(429, "application/json", ENVELOPE).await;
    assert!(err.is_rate_limited());
    let err = error_for(422, "application/json", ENVELOPE).await;
    assert!(err.is_invalid_request());
    let err = error_for(404, "application/json", ENVELOPE).await;
    assert!(err.is_not_found());
    let err = error_for(503, "application/json", ENVELOPE).await;
    assert!(err.is_server());
}

#[tokio::test]
async fn fastapi_validation_detail_on_422_is_readable() {
    let body = r#"{"detail": [{"loc": ["body", "limit"], "msg": "Input should be greater than or equal to 1", "type": "greater_than_equal"}, {"loc": ["body", "page"], "msg": "Input should be a valid integer", "type": "int_parsing"}]}"#;
    let err = error_for(422, "application/json", body).await;
    assert!(err.is_invalid_request());
    assert_eq!(
        err.description(),
        Some(
            "body.limit: Input should be greater than or equal to 1; body.page: Input should be a valid integer"
        )
    );
    assert_eq!(
        err.request_id(),
        Some("req-42"),
        "falls back to the x-request-id header"
    );
    assert_eq!(
        err.to_string(),
        "422 Unprocessable Entity: Validation error: body.limit: Input should be greater than or equal to 1; body.page: Input should be a valid integer (request id req-42)"
    );
}

#[tokio::test]
async fn gateway_html_page_keeps_status_and_an_excerpt() {
    let html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center></body>\n</html>";
    let err = error_for(502, "text/html", html).await;
    assert!(err.is_server());
    assert_eq!(err.status().unwrap().as_u16(), 502);
    assert_eq!(err.body_excerpt(), Some(html));
    assert_eq!(err.code(), None);
    let line = err.to_string();
    assert!(
        line.starts_with("502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head>"),
        "{line}"
    );
    assert!(line.ends_with("(request id req-42)"), "{line}");
}

#[tokio::test]
async fn empty_body_is_said_so() {
    let err = error_for(502, "text/plain", "").await;
    assert!(err.is_server());
    assert_eq!(err.body_excerpt(), Some(""));
    assert_eq!(
        err.to_string(),
        "502 Bad Gateway (empty body) (request id req-42)"
    );
    let err = error_for(429, "application/json", "").await;
    assert!(err.is_rate_limited());
}

#[tokio::test]
async fn json_that_is_not_the_envelope_is_kept_as_excerpt() {
    let err = error_for(
        500,
        "application/json",
        r#"{"message": "upstream timeout"}"#,
    )
    .await;
    assert!(err.is_server());
    assert_eq!(
        err.body_excerpt(),
        Some(r#"{"message":"upstream timeout"}"#)
    );
    assert!(err.to_string().contains("upstream timeout"));
}

#[tokio::test]
async fn huge_error_body_keeps_a_bounded_excerpt() {
    let body = "x".repeat(5 * 1024 * 1024);
    let err = error_for(503, "text/plain", &body).await;
    assert!(err.is_server());
    let excerpt = err.body_excerpt().unwrap();
    assert_eq!(excerpt.len(), theirstack::error::BODY_EXCERPT_LIMIT);
    assert!(err.to_string().len() < 400);
}

#[tokio::test]
async fn rate_limit_headers_are_kept_on_errors() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/jobs/search");
            then.status(429)
                .header("RateLimit", r#""per-minute";r=0;t=37"#)
                .header("RateLimit-Policy", r#""per-minute";q=10;w=60"#)
                .json_body(json!({"error": {"title": "Too many requests exception"}}));
        })
        .await;
    let err: Error = support::client(&server)
        .search_jobs_v1()
        .body(filters())
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.is_rate_limited());
    let rl = err.rate_limit().expect("rate-limit state on the error");
    assert_eq!(rl.windows[0].remaining, Some(0));
    assert_eq!(rl.windows[0].limit, Some(10));
    assert_eq!(rl.wait(), Some(std::time::Duration::from_secs(37)));
    assert_eq!(
        err.to_string(),
        "429 Too Many Requests: Too many requests exception"
    );
}

#[tokio::test]
async fn decode_failure_names_the_json_path_and_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::GET)
                .path("/v0/billing/credit-balance");
            then.status(200).json_body(json!({
                "ui_credits": 1, "used_ui_credits": 2, "api_credits": "lots", "used_api_credits": 4
            }));
        })
        .await;
    let result: Result<_, Error> = support::client(&server)
        .get_billing_credit_balance_v0()
        .send()
        .await
        .map(|r| r.into_inner())
        .map_err(Error::from);
    let err = result.map(|b: CreditsBalance| b.api_credits).unwrap_err();
    assert!(err.is_decode());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.json_path(), Some("$.api_credits"));
    let line = err.to_string();
    assert!(
        line.starts_with("200 OK at $.api_credits: invalid type: string \"lots\""),
        "{line}"
    );
    assert!(err.body_excerpt().unwrap().contains("lots"));
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = theirstack::Client::builder()
        .api_key(support::TEST_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(theirstack::RetryPolicy::none())
        .build()
        .unwrap();
    let err: Error = client.get_webhooks_v0().send().await.unwrap_err().into();
    assert!(err.is_transport());
    assert_eq!(err.status(), None);
    assert!(err.to_string().starts_with("transport error: "), "{err}");
    assert!(std::error::Error::source(&err).is_some());
}
