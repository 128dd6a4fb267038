//! Helpers the sandbox's test files share: starting a sandbox, clients that never retry, raw
//! requests, and a loopback webhook receiver that checks signatures.

// Each test file uses some of these.
#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use theirstack::types;
use theirstack::webhooks::{Delivery, SIGNATURE_HEADER, Verifier};
use theirstack::{Client, Error, RetryPolicy};
use theirstack_sandbox::{Sandbox, SandboxConfig};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub const SECRET: &str = "sandbox-secret-0123456789";

pub async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

/// The default configuration without rate limits, for tests about something else.
pub fn unlimited() -> SandboxConfig {
    SandboxConfig::default().rate_limits(Vec::new())
}

/// A client for the sandbox that never retries and never waits on its own.
pub fn plain_client(sandbox: &Sandbox) -> Client {
    sandbox
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .pace_requests(false)
        .build()
        .expect("client builds")
}

/// A job search body of the jobs posted in the last `days` days.
pub fn recent(days: i64) -> types::JobSearchFiltersInput {
    let mut f = types::JobSearchFiltersInput::default();
    f.posted_at_max_age_days = Some(days);
    f
}

pub fn with_limit(mut f: types::JobSearchFiltersInput, limit: u64) -> types::JobSearchFiltersInput {
    f.limit = std::num::NonZeroU64::new(limit);
    f
}

pub async fn search(
    client: &Client,
    f: types::JobSearchFiltersInput,
) -> Result<types::JobSearchResponse, Error> {
    Ok(client.search_jobs_v1().body(f).send().await?.into_inner())
}

/// A request the typed client would never send, with the sandbox's key: status and JSON body
/// (`null` when the body is not JSON).
pub async fn raw(sandbox: &Sandbox, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", sandbox.base_url()))
        .bearer_auth(sandbox.api_key());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("sandbox answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// POSTs raw JSON with the given key (or none).
pub async fn raw_post(
    sandbox: &Sandbox,
    path: &str,
    key: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", sandbox.base_url()))
        .json(body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("sandbox answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

pub fn assert_envelope(body: &Value, code: &str) {
    assert!(body["request_id"].is_i64(), "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["title"].is_string(), "{body}");
    assert!(body["error"]["description"].is_string(), "{body}");
}

pub fn status_of(err: theirstack::api::Error<Value>) -> Option<u16> {
    Error::from(err).status().map(|s| s.as_u16())
}

pub async fn create_webhook(client: &Client, body: Value) -> Result<types::Webhook, Error> {
    let body: types::WebhookCreate = serde_json::from_value(body).expect("valid create body");
    Ok(client
        .post_webhooks_v0()
        .body(body)
        .send()
        .await?
        .into_inner())
}

/// A webhook receiver on loopback that records what it gets and checks signatures.
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Got>>>,
}

impl Receiver {
    /// What it got so far.
    pub fn deliveries(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }
}

/// The receiver's verifier (none: accept anything) and what it got.
type ReceiverState = (Option<Arc<Verifier>>, Arc<Mutex<Vec<Got>>>);

/// One delivery a receiver got.
#[derive(Debug, Clone)]
pub struct Got {
    pub signature: Option<String>,
    pub verified: bool,
    pub delivery: Option<Delivery>,
}

async fn receive(
    State((verifier, got)): State<ReceiverState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (verified, delivery) = match &verifier {
        Some(v) => match v.verify_and_decode_headers(&headers, &body) {
            Ok(d) => (true, Some(d)),
            Err(_) => (false, None),
        },
        None => (false, Delivery::from_slice(&body).ok()),
    };
    let accept = verifier.is_none() || verified;
    got.lock().unwrap().push(Got {
        signature,
        verified,
        delivery,
    });
    if accept {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    }
}

/// Starts a receiver; with a secret it answers 401 to anything not signed with it.
pub async fn receiver(secret: Option<&str>) -> Receiver {
    let verifier = secret.map(|s| Arc::new(Verifier::new(s).expect("secret")));
    let got = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new()
        .route("/hook", post(receive))
        .with_state((verifier, got.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Receiver { url, got }
}
