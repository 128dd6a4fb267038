//! Faults survived: against a loopback socket server that refuses or resets connections,
//! cuts bodies short, stalls, answers with gateway HTML, empty 429s, 402s, garbage rate-limit
//! headers and a 20 MB error body, every call either succeeds through the retry policy (reads
//! retried, writes such as `post_webhooks_v0` not) or ends in a typed error; a pagination stream
//! that meets a fault ends with an error carrying its resume position, and resuming from it
//! yields every row exactly once. Backoff runs on tokio's paused clock; only the three timeout
//! tests wait in real time (a 300 ms timeout), the rest wait on nothing but their sockets.

mod support;

use futures::StreamExt;
use serde_json::json;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use support::faults::{Fault, FaultServer, RefusingPort};
use theirstack::error::BODY_EXCERPT_LIMIT;
use theirstack::types::{JobSearchFiltersInput, WebhookCreate};
use theirstack::{Client, EndpointGroup, Error, ErrorKind, RateLimit, RetryPolicy};
use tokio::time::Instant;

fn filters() -> JobSearchFiltersInput {
    JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .try_into()
        .unwrap()
}

fn webhook() -> WebhookCreate {
    WebhookCreate::builder()
        .url("https://hooks.example.test/theirstack")
        .search_id(42)
        .try_into()
        .unwrap()
}

fn ok_page() -> Fault {
    Fault::json(
        200,
        &json!({"metadata": {"total_results": null}, "data": [support::job(1)]}),
    )
}

fn created_webhook() -> Fault {
    Fault::json(
        200,
        &json!({
            "url": "https://hooks.example.test/theirstack", "search_id": 42, "id": 7, "user_id": 1,
            "team_id": 2, "is_active": true, "is_archived": false,
            "created_at": "2026-03-01T10:00:00Z", "updated_at": "2026-03-01T10:00:00Z",
            "search_name": "Data engineers", "event_type": "job_new"
        }),
    )
}

/// One job search (a read).
async fn search(client: &Client) -> Result<(), Error> {
    client
        .search_jobs_v1()
        .body(filters())
        .send()
        .await
        .map(|_| ())
        .map_err(Error::from)
}

/// One webhook creation (a write).
async fn create_webhook(client: &Client) -> Result<(), Error> {
    client
        .post_webhooks_v0()
        .body(webhook())
        .send()
        .await
        .map(|_| ())
        .map_err(Error::from)
}

const HTML_503: &str = "<!DOCTYPE html>\n<html>\n<head><title>503 Service Temporarily Unavailable</title></head>\n<body>\n<center><h1>503 Service Temporarily Unavailable</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n";

fn html_503() -> Fault {
    Fault::raw(503, &[("content-type", "text/html")], HTML_503)
}

fn partial_page() -> Vec<u8> {
    br#"{"metadata": {"total_results": null}, "data": [{"id": 1, "job_ti"#.to_vec()
}

/// The longest the default policy can wait in backoff over its four attempts: 0.5 + 1 + 2 s.
const DEFAULT_BACKOFF_BOUND: Duration = Duration::from_millis(3500);
/// The shortest: half of each, 0.25 + 0.5 + 1 s.
const DEFAULT_BACKOFF_FLOOR: Duration = Duration::from_millis(1750);

// ---------------------------------------------------------------------------------------------
// Connection reset

#[tokio::test(start_paused = true)]
async fn a_reset_before_any_response_is_retried_for_a_read() {
    let server = FaultServer::script(vec![Fault::Reset, ok_page()]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    search(&client).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_reset_on_every_attempt_ends_in_a_transport_error_after_the_attempt_cap() {
    let server = FaultServer::script(vec![Fault::Reset; 6]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    let started = Instant::now();
    let err = search(&client).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(err.status(), None);
    assert!(err.to_string().starts_with("transport error: "), "{err}");
    assert_eq!(server.requests().len(), 4, "max_attempts is 4");
    assert!((DEFAULT_BACKOFF_FLOOR..=DEFAULT_BACKOFF_BOUND).contains(&started.elapsed()));
}

#[tokio::test(start_paused = true)]
async fn a_reset_before_any_response_is_not_retried_for_a_write() {
    let server = FaultServer::script(vec![Fault::Reset, created_webhook()]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    let err = create_webhook(&client).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(server.requests().len(), 1, "a write is sent once");
}

#[tokio::test(start_paused = true)]
async fn a_reset_in_the_middle_of_the_body_is_retried_for_a_read() {
    let server = FaultServer::script(vec![
        Fault::ResetMidBody {
            status: 200,
            declared: 4000,
            sent: partial_page(),
        },
        ok_page(),
    ]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    search(&client).await.unwrap();
    assert_eq!(server.requests().len(), 2);
    // The retry is the same request.
    let bodies: Vec<_> = server.requests().iter().map(|r| r.json()).collect();
    assert_eq!(bodies[0], bodies[1]);
}

#[tokio::test(start_paused = true)]
async fn a_reset_in_the_middle_of_the_body_is_not_retried_for_a_write() {
    let server = FaultServer::script(vec![
        Fault::ResetMidBody {
            status: 200,
            declared: 4000,
            sent: br#"{"url": "https://hooks.example.test/theirstack", "id": 7"#.to_vec(),
        },
        created_webhook(),
    ]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    let err = create_webhook(&client).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_write_is_retried_after_a_reset_only_when_the_caller_opts_in() {
    let server = FaultServer::script(vec![Fault::Reset, created_webhook()]);
    let policy = RetryPolicy::default().retry_writes(true);
    let client = support::client_for_url(&server.base_url, policy);
    create_webhook(&client).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Connection refused: nothing was sent, so even a write is retried. (A write that reached the
// server and then met a reset or a 503 is not: see the reset tests above and the 503 ones below.)

/// A resolver for the test client: every name goes to a [`RefusingPort`], and each resolution
/// is one connection attempt. On resolution number `listen_at` the port starts listening before
/// the answer. Any resolution after the first is a retry, which only follows a failed attempt,
/// so the attempts before it were refused: the order is fixed without sleeping.
struct ListenOnAttempt {
    port: u16,
    listen_at: Option<usize>,
    refusing: Mutex<Option<RefusingPort>>,
    server: OnceLock<FaultServer>,
    resolutions: AtomicUsize,
}

impl ListenOnAttempt {
    fn new(refusing: RefusingPort, listen_at: Option<usize>) -> Arc<ListenOnAttempt> {
        Arc::new(ListenOnAttempt {
            port: refusing.port,
            listen_at,
            refusing: Mutex::new(Some(refusing)),
            server: OnceLock::new(),
            resolutions: AtomicUsize::new(0),
        })
    }

    fn resolutions(&self) -> usize {
        self.resolutions.load(Ordering::SeqCst)
    }
}

impl reqwest::dns::Resolve for ListenOnAttempt {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let n = self.resolutions.fetch_add(1, Ordering::SeqCst) + 1;
        if Some(n) == self.listen_at
            && let Some(port) = self.refusing.lock().unwrap().take()
        {
            let server = port.listen("localhost", |_| created_webhook());
            assert!(self.server.set(server).is_ok(), "listens once");
        }
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        Box::pin(async move { Ok(Box::new(std::iter::once(addr)) as reqwest::dns::Addrs) })
    }
}

/// A client for `http://localhost:<port>` whose name lookups go through `resolver`.
fn client_resolving_with(resolver: &Arc<ListenOnAttempt>) -> Client {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .dns_resolver(resolver.clone())
        .build()
        .unwrap();
    Client::builder()
        .api_key(support::TEST_KEY)
        .base_url(format!("http://localhost:{}", resolver.port))
        .http_client(http)
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_write_whose_connection_is_refused_is_retried_and_sent_once_the_port_listens() {
    let refusing = RefusingPort::reserve();
    let probe = std::net::TcpStream::connect(("127.0.0.1", refusing.port)).unwrap_err();
    assert_eq!(probe.kind(), std::io::ErrorKind::ConnectionRefused);
    let resolver = ListenOnAttempt::new(refusing, Some(2));
    let client = client_resolving_with(&resolver);
    let started = Instant::now();
    let hook = client
        .post_webhooks_v0()
        .body(webhook())
        .send()
        .await
        .expect("the retry is sent and answered");
    let waited = started.elapsed();
    assert_eq!(hook.id, 7);
    assert_eq!(resolver.resolutions(), 2, "one refused attempt, one retry");
    let server = resolver.server.get().expect("listening since the retry");
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request reached the server");
    assert_eq!(
        (requests[0].method.as_str(), requests[0].target.as_str()),
        ("POST", "/v0/webhooks")
    );
    println!("backoff after a refused connect: {waited:?}");
    let base = RetryPolicy::default().base;
    assert!(
        waited >= base / 2 && waited <= base,
        "one backoff: {waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_write_whose_connection_is_always_refused_ends_in_a_connect_error_after_the_attempt_cap()
{
    let resolver = ListenOnAttempt::new(RefusingPort::reserve(), None);
    let client = client_resolving_with(&resolver);
    let started = Instant::now();
    let err = create_webhook(&client).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    let cause = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<reqwest::Error>())
        .expect("the reqwest error is the source");
    assert!(cause.is_connect(), "{cause:?}");
    assert_eq!(resolver.resolutions(), 4, "max_attempts is 4");
    assert!((DEFAULT_BACKOFF_FLOOR..=DEFAULT_BACKOFF_BOUND).contains(&started.elapsed()));
}

// ---------------------------------------------------------------------------------------------
// A body cut short of its Content-Length

#[tokio::test(start_paused = true)]
async fn a_body_cut_short_on_every_attempt_ends_in_a_transport_error() {
    let cut = Fault::CutBody {
        status: 200,
        declared: 4000,
        sent: partial_page(),
    };
    let server = FaultServer::script(vec![cut.clone(), cut.clone(), cut]);
    let policy = RetryPolicy::default().max_attempts(3);
    let client = support::client_for_url(&server.base_url, policy);
    let err = search(&client).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(server.requests().len(), 3);
    // The cause is reqwest's body error, reachable through `source()`.
    let cause = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<reqwest::Error>())
        .expect("the reqwest error is the source");
    assert!(cause.is_body() || cause.is_decode(), "{cause:?}");
}

#[tokio::test(start_paused = true)]
async fn an_error_body_cut_short_is_retried_like_a_lost_connection() {
    let server = FaultServer::script(vec![
        Fault::CutBody {
            status: 503,
            declared: 1000,
            sent: b"<html><body>Service Unav".to_vec(),
        },
        ok_page(),
    ]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    search(&client).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_body_cut_short_is_not_retried_for_a_write() {
    let server = FaultServer::script(vec![
        Fault::CutBody {
            status: 200,
            declared: 4000,
            sent: br#"{"url": "#.to_vec(),
        },
        created_webhook(),
    ]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    let err = create_webhook(&client).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// A body slower than the timeout (real time: reqwest's timer cannot run on a paused clock)

const TIMEOUT: Duration = Duration::from_millis(300);
/// How long a stalling server holds the connection if the client does not hang up first.
const STALL: Duration = Duration::from_secs(5);

fn client_with_timeout(base_url: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .api_key(support::TEST_KEY)
        .base_url(base_url)
        .timeout(TIMEOUT)
        .retry_policy(retry)
        .build()
        .unwrap()
}

fn stall() -> Fault {
    Fault::Stall {
        status: 200,
        declared: 4000,
        sent: partial_page(),
        pause: STALL,
    }
}

fn is_timeout(err: &Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if s.downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_timeout)
        {
            return true;
        }
        source = s.source();
    }
    false
}

#[tokio::test]
async fn a_body_slower_than_the_timeout_is_abandoned_and_the_read_retried() {
    let server = FaultServer::script(vec![stall(), ok_page()]);
    let policy = RetryPolicy::default()
        .max_attempts(2)
        .base(Duration::from_millis(1));
    let client = client_with_timeout(&server.base_url, policy);
    let started = std::time::Instant::now();
    search(&client).await.unwrap();
    let took = started.elapsed();
    assert_eq!(server.requests().len(), 2);
    assert!(took >= TIMEOUT && took < STALL / 2, "{took:?}");
    // The client gave up on the stalled connection instead of waiting it out.
    let stalled = &server.served(2).await[0];
    assert!(stalled.client_hung_up, "{stalled:?}");
    assert!(stalled.duration < STALL / 2, "{stalled:?}");
}

#[tokio::test]
async fn a_body_slower_than_the_timeout_without_retries_is_a_timeout_error() {
    let server = FaultServer::script(vec![stall()]);
    let client = client_with_timeout(&server.base_url, RetryPolicy::none());
    let started = std::time::Instant::now();
    let err = search(&client).await.unwrap_err();
    let took = started.elapsed();
    assert!(err.is_transport(), "{err:?}");
    assert!(is_timeout(&err), "{err:?}");
    assert!(took >= TIMEOUT && took < STALL / 2, "{took:?}");
}

#[tokio::test]
async fn a_server_silent_past_the_timeout_is_a_timeout_error_and_a_write_is_not_retried() {
    let server = FaultServer::script(vec![Fault::Silent { pause: STALL }, created_webhook()]);
    let client = client_with_timeout(&server.base_url, RetryPolicy::default());
    let started = std::time::Instant::now();
    let err = create_webhook(&client).await.unwrap_err();
    assert!(err.is_transport() && is_timeout(&err), "{err:?}");
    assert!(started.elapsed() < STALL / 2);
    assert_eq!(server.requests().len(), 1, "a write is sent once");
}

// ---------------------------------------------------------------------------------------------
// Gateway answers: 503 with an HTML page, 429 with no headers and no body

#[tokio::test(start_paused = true)]
async fn a_503_html_page_is_retried_then_reported_as_a_server_error_with_an_excerpt() {
    let server = FaultServer::script(vec![html_503(); 5]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    let started = Instant::now();
    let err = search(&client).await.unwrap_err();
    assert!(err.is_server(), "{err:?}");
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(err.api_error(), None);
    assert_eq!(err.body_excerpt(), Some(HTML_503));
    let line = err.to_string();
    assert!(!line.contains('\n'), "{line}");
    assert!(
        line.starts_with(
            "503 Service Unavailable: <!DOCTYPE html> <html> <head><title>503 Service Temporarily"
        ),
        "{line}"
    );
    assert_eq!(server.requests().len(), 4);
    assert!((DEFAULT_BACKOFF_FLOOR..=DEFAULT_BACKOFF_BOUND).contains(&started.elapsed()));
}

#[tokio::test(start_paused = true)]
async fn a_gateway_error_keeps_the_content_type_the_server_sent() {
    let server = FaultServer::script(vec![html_503()]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::none());
    let err = search(&client).await.unwrap_err();
    assert_eq!(
        err.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/html")
    );
}

#[tokio::test(start_paused = true)]
async fn a_503_html_page_then_a_page_succeeds_and_a_write_is_not_retried() {
    let server = FaultServer::script(vec![html_503(), ok_page()]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    search(&client).await.unwrap();
    assert_eq!(server.requests().len(), 2);

    let server = FaultServer::script(vec![html_503(), created_webhook()]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    let err = create_webhook(&client).await.unwrap_err();
    assert!(err.is_server());
    assert_eq!(err.body_excerpt(), Some(HTML_503));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_429_with_no_headers_and_no_body_backs_off_then_is_rate_limited() {
    let server = FaultServer::script(vec![Fault::raw(429, &[], ""); 5]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    let started = Instant::now();
    let err = search(&client).await.unwrap_err();
    let waited = started.elapsed();
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(err.status().unwrap().as_u16(), 429);
    assert_eq!(err.body_excerpt(), Some(""));
    assert_eq!(err.rate_limit(), None);
    assert_eq!(err.to_string(), "429 Too Many Requests (empty body)");
    assert_eq!(server.requests().len(), 4);
    // No hint from the server: plain backoff, neither zero (a hot loop) nor unbounded.
    assert!(
        waited >= DEFAULT_BACKOFF_FLOOR && waited <= DEFAULT_BACKOFF_BOUND,
        "{waited:?}"
    );
    // Nothing usable was recorded, so the next request is not held back.
    assert_eq!(client.rate_limit(EndpointGroup::Search), None);
}

// ---------------------------------------------------------------------------------------------
// Garbage rate-limit headers

/// Header sets that carry no usable rate-limit state, or only harmless parts of one.
fn garbage_rate_limit_headers() -> Vec<Vec<(&'static str, &'static str)>> {
    vec![
        vec![
            ("ratelimit", "\"unterminated;r=0;t=5"),
            ("ratelimit-policy", ";;;=,,,"),
            ("ratelimit-limit", "many"),
            ("ratelimit-remaining", "-1"),
            ("ratelimit-reset", "soon"),
        ],
        vec![
            ("ratelimit", "r=0;t=abc, \"\\"),
            ("ratelimit-policy", "\"x\";q=;w=-3"),
            ("ratelimit-limit", ",,,"),
            ("ratelimit-remaining", "0"),
            // Does not fit a u64: read as "no reset known", so no wait.
            ("ratelimit-reset", "99999999999999999999999"),
        ],
        vec![
            ("ratelimit", "\u{e9}t\u{e9}"),
            ("ratelimit-policy", "\u{ff}"),
            ("ratelimit-limit", "4\u{e9}"),
            ("ratelimit-remaining", "\u{e9}0"),
            ("ratelimit-reset", "1e9"),
        ],
        vec![
            ("ratelimit", "\"m\";r=0;t=1.5"),
            ("ratelimit-policy", "\"m\";q=4;w=1;;;"),
            ("ratelimit-limit", "4;w=1"),
            ("ratelimit-remaining", "0x0"),
            ("ratelimit-reset", "; ;"),
        ],
    ]
}

fn page_with(status: u16, headers: &[(&str, &str)]) -> Fault {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    let body = if status == 200 {
        json!({"metadata": {"total_results": null}, "data": [support::job(1)]}).to_string()
    } else {
        String::new()
    };
    Fault::raw(status, &all, body)
}

#[tokio::test(start_paused = true)]
async fn garbage_rate_limit_headers_are_ignored_and_never_make_the_client_wait() {
    for headers in garbage_rate_limit_headers() {
        let server = FaultServer::script(vec![
            page_with(200, &headers),
            page_with(429, &headers),
            page_with(200, &headers),
        ]);
        let client = support::client_for_url(&server.base_url, RetryPolicy::default());
        let started = Instant::now();
        search(&client).await.unwrap();
        assert_eq!(started.elapsed(), Duration::ZERO, "{headers:?}");

        // What the client recorded is what the public parser makes of the same headers.
        let mut map = reqwest::header::HeaderMap::new();
        for (k, v) in &headers {
            map.append(
                *k,
                reqwest::header::HeaderValue::from_bytes(v.as_bytes()).unwrap(),
            );
        }
        let parsed = RateLimit::from_headers(&map);
        assert_eq!(
            client.rate_limit(EndpointGroup::Search),
            parsed,
            "{headers:?}"
        );
        if let Some(state) = &parsed {
            assert!(
                state.wait().unwrap_or_default().is_zero(),
                "{headers:?}: {state:?}"
            );
        }

        // A 429 with the same garbage backs off as if it had no headers, then succeeds.
        let started = Instant::now();
        search(&client).await.unwrap();
        let base = RetryPolicy::default().base;
        assert!(
            started.elapsed() >= base / 2 && started.elapsed() <= base,
            "{headers:?}: {:?}",
            started.elapsed()
        );
        assert_eq!(server.requests().len(), 3, "{headers:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn an_absurd_rate_limit_reset_neither_panics_nor_blocks() {
    for headers in [
        vec![("ratelimit", "\"per-day\";r=0;t=18446744073709551615")],
        vec![
            ("ratelimit-remaining", "0"),
            ("ratelimit-reset", "18446744073709551615"),
        ],
    ] {
        let server = FaultServer::script(vec![page_with(200, &headers), page_with(200, &[])]);
        let client = support::client_for_url(&server.base_url, RetryPolicy::default());
        search(&client).await.unwrap();
        // Further away than max_pacing_wait: the next request goes out at once.
        let started = Instant::now();
        search(&client).await.unwrap();
        assert_eq!(started.elapsed(), Duration::ZERO);
        assert_eq!(server.requests().len(), 2);
    }
}

// ---------------------------------------------------------------------------------------------
// An error body of tens of megabytes

const TWENTY_MB: usize = 20 * 1024 * 1024;
/// What the client reads of an error body at most.
use theirstack::error::ERROR_BODY_LIMIT;

#[tokio::test]
async fn a_20_mb_html_error_body_is_cut_to_an_excerpt_and_the_connection_dropped() {
    let prefix = b"<html><head><title>Request rejected</title></head><body>".to_vec();
    let server = FaultServer::script(vec![Fault::Huge {
        status: 400,
        content_type: "text/html".into(),
        prefix,
        len: TWENTY_MB,
    }]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    let started = std::time::Instant::now();
    let err = search(&client).await.unwrap_err();
    let took = started.elapsed();
    assert!(err.is_invalid_request(), "{err:?}");
    assert_eq!(err.status().unwrap().as_u16(), 400);
    let excerpt = err.body_excerpt().unwrap();
    assert!(excerpt.len() <= BODY_EXCERPT_LIMIT, "{}", excerpt.len());
    assert!(excerpt.starts_with("<html><head><title>Request rejected</title>"));
    assert!(err.to_string().len() < 400, "{err}");
    assert!(format!("{err:?}").len() < 1000);

    let served = &server.served(1).await[0];
    eprintln!(
        "20 MB error body: call took {took:?}; the server wrote {} bytes before the client hung up",
        served.bytes_written
    );
    assert!(
        served.client_hung_up,
        "the client closed the connection before the body ended"
    );
    // The rest of what was written sat in the kernel's socket buffers (a few MB on loopback).
    assert!(
        served.bytes_written < TWENTY_MB,
        "{} bytes were written",
        served.bytes_written
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(server.requests().len(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn a_20_mb_json_error_body_is_not_parsed_and_each_attempt_is_cut() {
    let prefix = br#"{"error": {"code": "E-500", "title": "Internal", "description": ""#.to_vec();
    let huge = Fault::Huge {
        status: 500,
        content_type: "application/json".into(),
        prefix,
        len: TWENTY_MB,
    };
    let server = FaultServer::script(vec![huge.clone(), huge]);
    let policy = RetryPolicy::default()
        .max_attempts(2)
        .base(Duration::from_millis(1));
    let client = support::client_for_url(&server.base_url, policy);
    let err = search(&client).await.unwrap_err();
    assert!(err.is_server(), "{err:?}");
    // Cut at the read limit, it is no longer JSON: kept as a text excerpt, not an envelope.
    assert_eq!(err.api_error(), None);
    let excerpt = err.body_excerpt().unwrap();
    assert!(excerpt.len() <= BODY_EXCERPT_LIMIT);
    assert!(
        excerpt.starts_with(r#"{"error": {"code": "E-500""#),
        "{excerpt}"
    );
    for served in server.served(2).await {
        assert!(served.client_hung_up, "{served:?}");
        assert!(served.bytes_written < TWENTY_MB, "{served:?}");
    }
}

#[tokio::test]
async fn an_error_body_just_under_the_read_limit_is_read_whole() {
    // Control for the two tests above: a body that fits is read to the end (no hang-up), and
    // its envelope is decoded.
    let description = "x".repeat(ERROR_BODY_LIMIT - 200);
    let body = json!({"error": {"code": "E-400", "title": "Bad", "description": description}});
    let server = FaultServer::script(vec![Fault::json(400, &body)]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::none());
    let err = search(&client).await.unwrap_err();
    assert_eq!(err.code(), Some("E-400"));
    assert_eq!(
        err.description().map(str::len),
        Some(ERROR_BODY_LIMIT - 200)
    );
    assert!(!server.served(1).await[0].client_hung_up);
}

#[tokio::test]
async fn an_error_body_just_over_the_read_limit_is_cut_there() {
    // The same envelope made 300 bytes longer than the read limit is no longer read whole: the
    // client cuts it at the limit, so it is not valid JSON and is kept as a text excerpt.
    let description = "x".repeat(ERROR_BODY_LIMIT + 300);
    let body = json!({"error": {"code": "E-400", "title": "Bad", "description": description}});
    let server = FaultServer::script(vec![Fault::json(400, &body)]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::none());
    let err = search(&client).await.unwrap_err();
    assert!(err.is_invalid_request());
    assert_eq!(err.api_error(), None);
    let excerpt = err.body_excerpt().unwrap();
    assert!(excerpt.starts_with(r#"{"error":{"#), "{excerpt}");
    assert!(excerpt.len() <= BODY_EXCERPT_LIMIT);
}

// ---------------------------------------------------------------------------------------------
// Faults in the middle of a pagination, and resuming

const TOTAL: u64 = 10;
const PAGE: u64 = 3;
const FIRST_ID: i64 = 1000;

/// Job search over `TOTAL` rows (ids from `FIRST_ID`); each `(offset, fault)` is played once, for
/// the first request at that offset.
fn paged(faults: Vec<(u64, Fault)>) -> FaultServer {
    let pending = Mutex::new(faults);
    FaultServer::start(move |request| {
        let body = request.json();
        let offset = body["offset"].as_u64().expect("offset");
        let limit = body["limit"].as_u64().expect("limit");
        assert!(body.get("page").is_none(), "one paging style only: {body}");
        let mut pending = pending.lock().unwrap();
        if let Some(i) = pending.iter().position(|(at, _)| *at == offset) {
            return pending.remove(i).1;
        }
        let rows: Vec<_> = (offset..TOTAL.min(offset + limit))
            .map(|row| support::job(FIRST_ID + row as i64))
            .collect();
        let total = if body["include_total_results"] == json!(true) {
            json!(TOTAL)
        } else {
            json!(null)
        };
        Fault::json(
            200,
            &json!({"metadata": {"total_results": total, "truncated_results": 0}, "data": rows}),
        )
    })
}

/// The faults a page can meet, the error each ends a stream with when not retried, and whether
/// the default policy retries it for a search.
fn page_faults() -> Vec<(&'static str, Fault, ErrorKind, bool)> {
    vec![
        (
            "reset before the response",
            Fault::Reset,
            ErrorKind::Transport,
            true,
        ),
        (
            "reset in the middle of the body",
            Fault::ResetMidBody {
                status: 200,
                declared: 4000,
                sent: partial_page(),
            },
            ErrorKind::Transport,
            true,
        ),
        (
            "body cut short",
            Fault::CutBody {
                status: 200,
                declared: 4000,
                sent: partial_page(),
            },
            ErrorKind::Transport,
            true,
        ),
        ("503 HTML page", html_503(), ErrorKind::Server, true),
        (
            "empty 429",
            Fault::raw(429, &[], ""),
            ErrorKind::RateLimited,
            true,
        ),
        (
            "402",
            Fault::json(
                402,
                &json!({"error": {"code": "E-002", "title": "Insufficient credits", "description": "Buy more"}}),
            ),
            ErrorKind::InsufficientCredits,
            false,
        ),
        (
            "20 MB 500 page",
            Fault::Huge {
                status: 500,
                content_type: "text/html".into(),
                prefix: b"<html>".to_vec(),
                len: TWENTY_MB,
            },
            ErrorKind::Server,
            true,
        ),
    ]
}

type Job = theirstack::types::JobWithMatchingPhrasesResponseOutput;

/// Polls a stream to its end: the ids delivered, then the error it ended with, if any.
async fn drain(
    stream: impl futures::Stream<Item = theirstack::Result<theirstack::pagination::Page<Job>>>,
) -> (Vec<i64>, Option<Error>) {
    let mut stream = std::pin::pin!(stream);
    let mut ids = Vec::new();
    let mut error = None;
    while let Some(page) = stream.next().await {
        match page {
            Ok(page) => {
                assert!(error.is_none(), "a page after the error");
                ids.extend(page.items.iter().map(|j| j.id));
            }
            Err(e) => {
                assert!(error.is_none(), "two errors");
                error = Some(e);
            }
        }
    }
    (ids, error)
}

fn assert_every_row_once(ids: &[i64], context: &str) {
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{context}: duplicates in {ids:?}");
    let expected: Vec<i64> = (0..TOTAL as i64).map(|r| FIRST_ID + r).collect();
    assert_eq!(ids, expected, "{context}: not every row in order");
}

#[tokio::test(start_paused = true)]
async fn a_fault_mid_pagination_ends_the_stream_with_a_resume_position_that_loses_nothing() {
    for (name, fault, kind, _) in page_faults() {
        let server = paged(vec![(6, fault)]);
        let client = support::client_for_url(&server.base_url, RetryPolicy::none());
        let (mut ids, error) = drain(client.job_search(filters()).page_size(PAGE).pages()).await;
        let err = error.unwrap_or_else(|| panic!("{name}: the stream ended without an error"));
        assert_eq!(err.kind(), kind, "{name}: {err:?}");
        let position = *err.resume_position().unwrap_or_else(|| panic!("{name}"));
        assert_eq!(position.offset, 6, "{name}");
        assert!(
            err.to_string().ends_with("; resume from offset 6"),
            "{name}: {err}"
        );
        assert_eq!(ids, [1000, 1001, 1002, 1003, 1004, 1005], "{name}");

        let (rest, error) = drain(
            client
                .job_search(filters())
                .page_size(PAGE)
                .resume(position)
                .pages(),
        )
        .await;
        assert!(error.is_none(), "{name}: {error:?}");
        ids.extend(rest);
        assert_every_row_once(&ids, name);
        let offsets: Vec<_> = server
            .requests()
            .iter()
            .map(|r| r.json()["offset"].as_u64().unwrap())
            .collect();
        assert_eq!(
            offsets,
            [0, 3, 6, 6, 9],
            "{name}: no page fetched twice but the failed one"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_fault_mid_pagination_is_retried_inside_the_stream_under_the_default_policy() {
    for (name, fault, kind, retried) in page_faults() {
        let server = paged(vec![(6, fault)]);
        let client = support::client_for_url(&server.base_url, RetryPolicy::default());
        let (mut ids, error) = drain(client.job_search(filters()).page_size(PAGE).pages()).await;
        if retried {
            assert!(error.is_none(), "{name}: {error:?}");
            assert_every_row_once(&ids, name);
            assert_eq!(
                server.requests().len(),
                5,
                "{name}: four pages and one retry"
            );
        } else {
            // A 402 cannot improve by retrying: one request, then the stream ends.
            let err = error.unwrap_or_else(|| panic!("{name}"));
            assert_eq!(err.kind(), kind, "{name}");
            assert_eq!(server.requests().len(), 3, "{name}");
            let position = *err.resume_position().unwrap();
            let (rest, error) = drain(
                client
                    .job_search(filters())
                    .page_size(PAGE)
                    .resume(position)
                    .pages(),
            )
            .await;
            assert!(error.is_none(), "{name}: {error:?}");
            ids.extend(rest);
            assert_every_row_once(&ids, name);
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_fault_on_the_first_page_resumes_from_offset_zero() {
    let server = paged(vec![(0, Fault::Reset)]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::none());
    let (ids, error) = drain(client.job_search(filters()).page_size(PAGE).pages()).await;
    assert!(ids.is_empty());
    let err = error.unwrap();
    assert!(err.is_transport());
    let position = *err.resume_position().unwrap();
    assert_eq!(position.offset, 0);
    let (ids, error) = drain(
        client
            .job_search(filters())
            .page_size(PAGE)
            .resume(position)
            .pages(),
    )
    .await;
    assert!(error.is_none());
    assert_every_row_once(&ids, "first page");
}

#[tokio::test(start_paused = true)]
async fn with_look_ahead_a_fault_still_resumes_after_the_last_row_delivered() {
    // Pages 6 and 9 may already be in flight when page 3 fails; they are dropped, not delivered,
    // so the resume position is 3 and resuming fetches them again.
    let server = paged(vec![(3, Fault::Reset)]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::none());
    let (mut ids, error) = drain(
        client
            .job_search(filters())
            .page_size(PAGE)
            .look_ahead(3)
            .pages(),
    )
    .await;
    let err = error.expect("the stream ends with the reset");
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(ids, [1000, 1001, 1002]);
    let position = *err.resume_position().unwrap();
    assert_eq!(position.offset, 3);
    let (rest, error) = drain(
        client
            .job_search(filters())
            .page_size(PAGE)
            .look_ahead(3)
            .resume(position)
            .pages(),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    ids.extend(rest);
    assert_every_row_once(&ids, "look-ahead");
}

#[tokio::test(start_paused = true)]
async fn items_and_collect_all_end_with_the_same_resume_position() {
    let server = paged(vec![
        (3, Fault::raw(429, &[], "")),
        (3, Fault::raw(429, &[], "")),
    ]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::none());
    let err = client
        .job_search(filters())
        .page_size(PAGE)
        .collect_all()
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.resume_position().unwrap().offset, 3);

    let mut items = std::pin::pin!(client.job_search(filters()).page_size(PAGE).items());
    let mut ids = Vec::new();
    let err = loop {
        match items.next().await {
            Some(Ok(job)) => ids.push(job.id),
            Some(Err(e)) => break e,
            None => panic!("no error"),
        }
    };
    assert_eq!(ids, [1000, 1001, 1002]);
    assert!(err.is_rate_limited());
    let position = *err.resume_position().unwrap();
    assert_eq!(position.offset, 3);
    assert!(
        items.next().await.is_none(),
        "the stream ends after its error"
    );
    let rest = client
        .job_search(filters())
        .page_size(PAGE)
        .resume(position)
        .collect_all()
        .await
        .unwrap();
    ids.extend(rest.iter().map(|j| j.id));
    assert_every_row_once(&ids, "items");
}
