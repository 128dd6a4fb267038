//! Helpers shared by the integration tests: a client pointed at a loopback mock server.

#![allow(dead_code)]

pub mod fake_search;
pub mod faults;
pub mod scripted;
pub mod tracing_capture;
pub mod windowed;

use httpmock::MockServer;
use theirstack::{Client, RetryPolicy};

/// The key every test client sends.
pub const TEST_KEY: &str = "ts_test_key_0123456789";

/// A client for `server` that never retries.
pub fn client(server: &MockServer) -> Client {
    client_with(server, RetryPolicy::none())
}

/// A client for `server` with a retry policy.
pub fn client_with(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .api_key(TEST_KEY)
        .base_url(server.base_url())
        .retry_policy(retry)
        .build()
        .expect("test client builds")
}

/// The `Authorization` header value the test client sends.
pub fn bearer() -> String {
    format!("Bearer {TEST_KEY}")
}

/// Reads a fixture from `tests/data`.
pub fn fixture(path: &str) -> serde_json::Value {
    let full = format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// A client for any base URL, with a `reqwest::Client` that has no timers of its own (no
/// timeouts, no idle-pool timer), so tests can run on tokio's paused clock.
pub fn client_for_url(base_url: &str, retry: RetryPolicy) -> Client {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("reqwest client");
    Client::builder()
        .api_key(TEST_KEY)
        .base_url(base_url)
        .http_client(http)
        .retry_policy(retry)
        .build()
        .expect("test client builds")
}

/// A minimal valid job row with this id.
pub fn job(id: i64) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "job_title": format!("Data Engineer {id}"),
        "url": format!("https://jobs.example.test/{id}"),
        "date_posted": "2026-03-01",
        "company": "Acme Analytics",
        "source_url": "https://boards.example.test/acme",
        "discovered_at": "2026-03-02T08:15:00",
        "company_object": {"id": "acme-analytics", "name": "Acme Analytics"}
    })
}

/// Whether this build used `openapi/theirstack.json` (and not a `THEIRSTACK_OPENAPI` override):
/// assertions about that document's exact contents hold only then.
pub fn built_from_default_document() -> bool {
    let canonical =
        |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    canonical(std::path::Path::new(env!("THEIRSTACK_OPENAPI_DOCUMENT")))
        == canonical(&root.join("openapi/theirstack.json"))
}
