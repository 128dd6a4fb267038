//! Per-request behaviour, all in one `ClientHooks` implementation.
//!
//! Rule: every request of every operation passes through here, and only here: the key and user
//! agent are added (`pre`); the request takes its slot in its group's rate limiter and waits for
//! it (or is refused at once when the slot is further away than `max_pacing_wait`), is sent, its
//! body is read in full, the rate-limit headers teach the limiter, and it is retried as
//! [`crate::retry::decide`] says, each attempt taking a slot of its own (`exec`). Error bodies are read up to [`ERROR_BODY_LIMIT`]
//! bytes and always handed on as JSON, so an HTML page or an empty body from a gateway still
//! becomes a typed [`crate::Error`] with its status. Each request runs in a `tracing` span with
//! its operation id, attempts, status, request id, the time waited for retries and rate-limit
//! slots (`waited_ms`) and for slots alone (`paced_ms`).

use crate::api::Client as Api;
use crate::client::{Shared, SharedInner};
use crate::error::{ERROR_BODY_LIMIT, PACED_MARKER, RAW_BODY_MARKER};
use crate::rate_limit::{EndpointGroup, RateLimit, Refusal, SEARCH_OPERATIONS};
use crate::retry::{self, Attempt, Decision, Outcome};
use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, HeaderValue, USER_AGENT};
use reqwest::{Method, Request, Response};
use std::time::{Duration, SystemTime};
use tokio::time::Instant;
use tracing::Instrument;

/// Whether an operation only reads: every GET, and the three search POSTs.
pub(crate) fn is_read_only(method: &Method, operation_id: &str) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        || SEARCH_OPERATIONS.contains(&operation_id)
}

impl ClientHooks<Shared> for Api {
    async fn pre<E>(
        &self,
        request: &mut Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        add_headers(&self.inner().0, request);
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let span = request_span(info.operation_id, request.method());
        send_with_retries(self.client(), &self.inner().0, request, info.operation_id)
            .instrument(span)
            .await
    }
}

/// Sends a request built outside the generated code through the same steps as
/// [`ClientHooks::pre`] and [`ClientHooks::exec`], as operation `operation_id`.
pub(crate) async fn send(
    client: &crate::Client,
    mut request: Request,
    operation_id: &str,
) -> reqwest::Result<Response> {
    let api = client.api();
    let shared = &api.inner().0;
    add_headers(shared, &mut request);
    let span = request_span(operation_id, request.method());
    send_with_retries(api.client(), shared, request, operation_id)
        .instrument(span)
        .await
}

/// The span every request runs in.
fn request_span(operation_id: &str, method: &Method) -> tracing::Span {
    tracing::debug_span!(
        "theirstack.request",
        operation_id,
        http.request.method = %method,
        attempts = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        request_id = tracing::field::Empty,
        waited_ms = tracing::field::Empty,
        paced_ms = tracing::field::Empty,
    )
}

/// The key and the user agent; the generated `api-version` header, which TheirStack does not
/// document, is not sent.
fn add_headers(shared: &SharedInner, request: &mut Request) {
    request
        .headers_mut()
        .insert(AUTHORIZATION, shared.authorization.clone());
    request.headers_mut().remove("api-version");
    request
        .headers_mut()
        .insert(USER_AGENT, shared.user_agent.clone());
}

async fn send_with_retries(
    http: &reqwest::Client,
    shared: &SharedInner,
    request: Request,
    operation_id: &str,
) -> reqwest::Result<Response> {
    let span = tracing::Span::current();
    let group = EndpointGroup::of(operation_id);
    let limiter = shared.limiters.group(group);
    let idempotent = is_read_only(request.method(), operation_id);
    let started = Instant::now();
    let mut waited = Duration::ZERO;
    let mut paced = match take_slot(shared, group).await {
        Ok(wait) => wait,
        Err(refusal) => {
            tracing::debug!(
                wait_ms = refusal.wait.as_millis() as u64,
                window = %refusal.quota,
                "refused: the rate-limit slot is further away than max_pacing_wait"
            );
            return Ok(refusal_response(&refusal, shared.max_pacing_wait));
        }
    };
    let mut current = request;
    let mut number = 1;
    loop {
        // Keep a copy for the next attempt while one may follow; JSON bodies always clone.
        let spare = if number < shared.retry.max_attempts {
            current.try_clone()
        } else {
            None
        };
        let sent = Instant::now();
        let result = match http.execute(current).await {
            Ok(response) => {
                limiter.record_latency(sent.elapsed());
                buffer(response).await
            }
            Err(e) => Err(e),
        };
        let outcome = match &result {
            Ok(response) => {
                let state = RateLimit::from_headers(response.headers());
                let rate_limit_reset = state.as_ref().and_then(RateLimit::wait);
                if let Some(state) = &state {
                    let refused = response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS;
                    limiter.observe_answer(Instant::now(), sent, state, refused);
                }
                if let Some(id) = response
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                {
                    span.record("request_id", id);
                }
                span.record("http.response.status_code", response.status().as_u16());
                Outcome::Status {
                    status: response.status().as_u16(),
                    retry_after: response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry::parse_retry_after(v, SystemTime::now())),
                    rate_limit_reset,
                }
            }
            Err(e) if e.is_connect() => Outcome::ConnectFailed,
            Err(_) => Outcome::ConnectionLost,
        };
        let attempt = Attempt {
            number,
            idempotent,
            elapsed: started.elapsed(),
        };
        let decision = retry::decide(&shared.retry, attempt, outcome, fastrand::f64());
        if let (Decision::Retry(wait), Some(next)) = (decision, spare) {
            tracing::debug!(
                attempt = number,
                ?outcome,
                wait_ms = wait.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep(wait).await;
            waited += wait;
            match take_slot(shared, group).await {
                Ok(wait) => {
                    paced += wait;
                    number += 1;
                    current = next;
                    continue;
                }
                Err(refusal) => tracing::debug!(
                    wait_ms = refusal.wait.as_millis() as u64,
                    window = %refusal.quota,
                    "not retrying: the rate-limit slot is further away than max_pacing_wait"
                ),
            }
        }
        span.record("attempts", number);
        span.record("waited_ms", (waited + paced).as_millis() as u64);
        span.record("paced_ms", paced.as_millis() as u64);
        // One event per request with its outcome, inside the span (which carries the fields);
        // the span itself may close later, when the connection does.
        match &result {
            Ok(_) => tracing::debug!("request done"),
            Err(e) => tracing::debug!(error = %e, "request failed"),
        }
        return result;
    }
}

/// Takes the request's slot in its group's limiter and waits for it; returns the time waited.
/// Refused, taking nothing, when the slot is further away than `max_pacing_wait`. Dropped while
/// waiting, the request frees its slot.
async fn take_slot(shared: &SharedInner, group: EndpointGroup) -> Result<Duration, Refusal> {
    if !shared.pace {
        return Ok(Duration::ZERO);
    }
    let now = Instant::now();
    let slot = shared
        .limiters
        .group(group)
        .reserve(now, shared.max_pacing_wait)?;
    let wait = slot.at.saturating_duration_since(now);
    if !wait.is_zero() {
        match &slot.binding {
            Some(quota) => tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                window = %quota,
                "waiting for a rate-limit slot"
            ),
            None => tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "waiting for a rate-limit slot"
            ),
        }
        tokio::time::sleep_until(slot.at).await;
    }
    slot.commit();
    Ok(wait)
}

/// The answer to a request the limiter refused: a 429 that never left the client, marked with
/// [`PACED_MARKER`] so the crate's error says why and for how long.
fn refusal_response(refusal: &Refusal, max_wait: Duration) -> Response {
    let marker = format!(
        "{};{};{}",
        refusal.wait.as_millis(),
        max_wait.as_millis(),
        refusal.quota
    );
    let mut rebuilt = http::Response::new(Bytes::from_static(b"null"));
    *rebuilt.status_mut() = reqwest::StatusCode::TOO_MANY_REQUESTS;
    let value = HeaderValue::from_str(&marker)
        .unwrap_or_else(|_| HeaderValue::from_static("0;0;a rate-limit window"));
    rebuilt.headers_mut().insert(PACED_MARKER, value);
    Response::from(rebuilt)
}

/// Reads the body in full so that a connection lost mid-body is retried like any other, and
/// rebuilds the response around the bytes. Error bodies are cut at [`ERROR_BODY_LIMIT`] and
/// turned into JSON when they are not (see [`RAW_BODY_MARKER`]).
async fn buffer(mut response: Response) -> reqwest::Result<Response> {
    let status = response.status();
    let version = response.version();
    let mut headers = std::mem::take(response.headers_mut());
    let body = if status.is_success() {
        response.bytes().await?
    } else {
        let (raw, truncated) = read_limited(&mut response, ERROR_BODY_LIMIT).await?;
        // The body is checked the way the generated code will parse it (same nesting limit), so
        // a body passed on as JSON never fails there.
        let marker = if raw.iter().all(u8::is_ascii_whitespace) {
            Some(("empty", Bytes::from_static(b"null")))
        } else if !truncated && serde_json::from_slice::<serde_json::Value>(&raw).is_ok() {
            None
        } else {
            let text = String::from_utf8_lossy(&raw);
            let json = serde_json::to_vec(&text).unwrap_or_else(|_| b"null".to_vec());
            Some((
                if truncated { "text-truncated" } else { "text" },
                Bytes::from(json),
            ))
        };
        match marker {
            Some((kind, json)) => {
                headers.insert(RAW_BODY_MARKER, HeaderValue::from_static(kind));
                json
            }
            None => raw,
        }
    };
    headers.remove(CONTENT_LENGTH);
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(Response::from(rebuilt))
}

/// Reads at most `limit` bytes of a body; says whether more was left unread.
async fn read_limited(response: &mut Response, limit: usize) -> reqwest::Result<(Bytes, bool)> {
    let mut buf = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - buf.len();
        if chunk.len() > room {
            buf.extend_from_slice(&chunk[..room]);
            return Ok((buf.freeze(), true));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok((buf.freeze(), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key leaves in `Authorization` as a sensitive value, which `Debug` hides.
    #[tokio::test]
    async fn pre_sends_the_key_as_a_sensitive_bearer_header() {
        let client = crate::Client::builder()
            .api_key("k_123")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let url = "http://127.0.0.1:9/v1/jobs/search".parse().unwrap();
        let mut request = Request::new(Method::POST, url);
        request
            .headers_mut()
            .insert("api-version", HeaderValue::from_static("1.0.0"));
        let info = OperationInfo { operation_id: "x" };
        ClientHooks::pre::<()>(client.api(), &mut request, &info)
            .await
            .unwrap();

        let authorization = &request.headers()[AUTHORIZATION];
        assert!(authorization.is_sensitive());
        assert_eq!(authorization, "Bearer k_123");
        let printed = format!("{:?}", request.headers());
        assert!(!printed.contains("k_123"), "{printed}");
        assert!(printed.contains("Sensitive"), "{printed}");
        assert!(request.headers().get("api-version").is_none());
    }
}
