//! Helpers shared by the integration tests: a client pointed at a loopback mock server.

#![allow(dead_code)]

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
