//! Secrets kept: the API key never appears in `Debug`, `Display`, error
//! messages (rejected keys, transport failures, 401s and other error responses) or `tracing`
//! output at TRACE level; `Authorization` is not sent after a redirect to another host or port
//! (two loopback servers, `127.0.0.1` and `localhost`), and is kept only for a redirect on the
//! same scheme, host and port (reqwest's rule); a plain-`http` base URL is refused unless its host
//! is loopback or the caller opts in with `allow_insecure_http(true)`.

mod support;

use futures::StreamExt;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::faults::{Fault, FaultServer};
use support::tracing_capture::Captured;
use theirstack::types::JobSearchFiltersInput;
use theirstack::{ApiKey, Client, Error, ErrorKind, RetryPolicy};

/// A key that is easy to spot in any text, and parts of it.
const KEY: &str = "sk_live_Pz7Q9xWv2Lm4Kd8R";
const KEY_PARTS: [&str; 3] = ["Pz7Q9xWv2Lm4Kd8R", "sk_live_Pz7", "Bearer sk_"];

fn assert_no_key(text: &str, context: &str) {
    for part in KEY_PARTS {
        assert!(!text.contains(part), "{context}: `{part}` in {text}");
    }
}

/// Everything an error can show: `Display`, `Debug` (plain and pretty), its kept headers, and
/// the `Display` and `Debug` of every error in its source chain.
fn all_text_of(err: &Error) -> String {
    let mut text = format!("{err}\n{err:?}\n{err:#?}\n{:?}\n", err.headers());
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        text.push_str(&format!("{s}\n{s:?}\n"));
        source = s.source();
    }
    text
}

fn client(base_url: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .retry_policy(retry)
        .build()
        .unwrap()
}

fn filters() -> JobSearchFiltersInput {
    JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .try_into()
        .unwrap()
}

fn ok_page(ids: std::ops::Range<i64>) -> Fault {
    let rows: Vec<_> = ids.map(support::job).collect();
    Fault::json(
        200,
        &json!({"metadata": {"total_results": null}, "data": rows}),
    )
}

/// A client with this file's key and no reqwest timers, for tokio's paused clock.
fn timerless_client(base_url: &str, retry: RetryPolicy) -> Client {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .http_client(http)
        .retry_policy(retry)
        .build()
        .unwrap()
}

async fn search(client: &Client) -> Result<(), Error> {
    client
        .search_jobs_v1()
        .body(filters())
        .send()
        .await
        .map(|_| ())
        .map_err(Error::from)
}

async fn list_webhooks(client: &Client) -> Result<(), Error> {
    client
        .get_webhooks_v0()
        .send()
        .await
        .map(|_| ())
        .map_err(Error::from)
}

// ---------------------------------------------------------------------------------------------
// Debug and Display

#[test]
fn no_debug_output_shows_the_key() {
    let production = Client::new(KEY).unwrap();
    let local = client("http://127.0.0.1:9", RetryPolicy::default());
    let builder = Client::builder()
        .api_key(KEY)
        .base_url("https://api.theirstack.com")
        .user_agent("pipeline/1");
    let key = ApiKey::new(KEY).unwrap();
    let texts = [
        format!("{production:?}"),
        format!("{production:#?}"),
        format!("{local:?}"),
        format!("{:?}", local.clone()),
        format!("{:?}", local.api()),
        format!("{:#?}", local.api()),
        format!("{builder:?}"),
        format!("{builder:#?}"),
        format!("{key:?}"),
        format!("{:?}", key.clone()),
    ];
    for text in &texts {
        assert_no_key(text, "Debug");
        assert!(text.contains("redacted"), "{text}");
    }
}

#[test]
fn rejected_keys_and_base_urls_are_not_echoed_in_errors() {
    for key in [
        format!("{KEY} trailing"),
        format!("{KEY}\n"),
        format!("\t{KEY}"),
        format!("{KEY}\u{7}"),
        format!("\u{0}{KEY}"),
        format!("{KEY}\u{7f}"),
    ] {
        let err = Client::new(key.clone()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{key:?}");
        assert_no_key(&all_text_of(&err), &format!("{key:?}"));
        let err = ApiKey::new(key.clone()).unwrap_err();
        assert_no_key(&all_text_of(&err), &format!("{key:?}"));
    }
    // A valid key with a base URL that is refused: the message names the URL, not the key.
    for url in [
        "http://api.theirstack.example",
        "ftp://api.theirstack.example",
        "not a url",
        "https://api.theirstack.example/?x=1",
        "https://user:password@api.theirstack.example",
    ] {
        let err = Client::builder()
            .api_key(KEY)
            .base_url(url)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{url}");
        assert_no_key(&all_text_of(&err), url);
    }
}

// ---------------------------------------------------------------------------------------------
// Error messages from real failures

#[tokio::test]
async fn transport_errors_do_not_contain_the_key() {
    // Connection refused: a port that was just free.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = client(&format!("http://127.0.0.1:{port}"), RetryPolicy::none());
    let err = search(&refused).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_no_key(&all_text_of(&err), "connection refused");

    // Reset, body cut short, timeout: each reached the server with the key.
    let server = FaultServer::script(vec![
        Fault::Reset,
        Fault::CutBody {
            status: 200,
            declared: 500,
            sent: b"{\"metadata\"".to_vec(),
        },
        Fault::Silent {
            pause: Duration::from_secs(5),
        },
    ]);
    let timed = Client::builder()
        .api_key(KEY)
        .base_url(&server.base_url)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    for case in ["reset", "cut body", "timeout"] {
        let err = search(&timed).await.unwrap_err();
        assert!(err.is_transport(), "{case}: {err:?}");
        assert_no_key(&all_text_of(&err), case);
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in requests {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
}

#[tokio::test]
async fn error_responses_do_not_contain_the_key() {
    let envelope = json!({"error": {"code": "E-401", "title": "Unauthorized", "description": "Invalid or expired API key"}});
    let cases = [
        Fault::json(401, &envelope),
        Fault::raw(401, &[("www-authenticate", "Bearer")], ""),
        Fault::raw(
            403,
            &[("content-type", "text/html")],
            "<html><body>Forbidden</body></html>",
        ),
        Fault::json(422, &json!({"detail": [{"loc": ["body"], "msg": "bad"}]})),
        Fault::raw(500, &[("x-request-id", "req-1")], "upstream failed"),
    ];
    let server = FaultServer::script(cases.to_vec());
    let client = client(&server.base_url, RetryPolicy::none());
    for status in [401, 401, 403, 422, 500] {
        let err = search(&client).await.unwrap_err();
        assert_eq!(err.status().unwrap().as_u16(), status);
        assert_no_key(&all_text_of(&err), &status.to_string());
    }
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("authorization") == Some(format!("Bearer {KEY}").as_str())),
        "every request carried the key, so its absence above means something"
    );
}

// ---------------------------------------------------------------------------------------------
// tracing output

#[tokio::test(start_paused = true)]
async fn trace_output_never_shows_the_key() {
    let captured = Captured::global();

    let server = FaultServer::script(vec![
        // A retried search.
        Fault::raw(503, &[("retry-after", "1")], "busy"),
        ok_page(1..2),
        // A 401.
        Fault::json(
            401,
            &json!({"error": {"code": "E-401", "title": "Unauthorized"}}),
        ),
        // A transport failure.
        Fault::Reset,
        // A two-page pagination.
        ok_page(1..3),
        ok_page(3..4),
    ]);
    let client = timerless_client(&server.base_url, RetryPolicy::default().max_attempts(2));
    search(&client).await.unwrap();
    assert!(search(&client).await.unwrap_err().is_unauthorized());
    let policy_none = timerless_client(&server.base_url, RetryPolicy::none());
    assert!(
        list_webhooks(&policy_none)
            .await
            .unwrap_err()
            .is_transport()
    );
    let pages: Vec<_> = client
        .job_search(filters())
        .page_size(2)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert_eq!(server.requests().len(), 6);

    let text = captured.text();
    // The capture saw the requests, so the absence of the key is meaningful.
    for expected in [
        "theirstack.request",
        "operation_id=\"search_jobs_v1\"",
        "operation_id=\"get_webhooks_v0\"",
        "retrying",
        "request failed",
        "http.response.status_code=401",
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
    assert_no_key(&text, "trace output");
    assert!(!text.to_ascii_lowercase().contains("bearer"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Redirects

fn redirect(status: u16, location: &str) -> Fault {
    Fault::raw(status, &[("location", location)], "")
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_key() {
    for status in [301, 302, 303, 307, 308] {
        let other = FaultServer::start_named("localhost", |_| Fault::json(200, &json!([])));
        let location = format!("{}/v0/webhooks", other.base_url);
        let first = FaultServer::script(vec![redirect(status, &location)]);
        let client = client(&first.base_url, RetryPolicy::none());
        list_webhooks(&client).await.unwrap();

        let sent = &first.requests()[0];
        assert_eq!(
            sent.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        let followed = other.requests();
        assert_eq!(followed.len(), 1, "{status}: the redirect was followed");
        assert_eq!(followed[0].target, "/v0/webhooks");
        assert_eq!(
            followed[0].header("authorization"),
            None,
            "{status}: the key went to another host"
        );
        // The rest of the request still travels: the user agent, for instance.
        assert!(
            followed[0]
                .header("user-agent")
                .is_some_and(|a| a.starts_with("theirstack-rs/"))
        );
    }
}

#[tokio::test]
async fn a_307_or_308_search_to_another_host_resends_the_body_but_not_the_key() {
    for status in [307, 308] {
        let other = FaultServer::start_named("localhost", |_| ok_page(1..2));
        let location = format!("{}/v1/jobs/search", other.base_url);
        let first = FaultServer::script(vec![redirect(status, &location)]);
        let client = client(&first.base_url, RetryPolicy::none());
        search(&client).await.unwrap();
        let followed = &other.requests()[0];
        assert_eq!(followed.method, "POST", "{status}");
        assert_eq!(followed.json(), first.requests()[0].json(), "{status}");
        assert_eq!(followed.header("authorization"), None, "{status}");
    }
}

#[tokio::test]
async fn a_redirect_to_another_port_on_the_same_host_does_not_carry_the_key() {
    let other = FaultServer::start(|_| Fault::json(200, &json!([])));
    let first = FaultServer::script(vec![redirect(
        302,
        &format!("{}/v0/webhooks", other.base_url),
    )]);
    let client = client(&first.base_url, RetryPolicy::none());
    list_webhooks(&client).await.unwrap();
    assert_eq!(other.requests().len(), 1);
    assert_eq!(other.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn a_key_dropped_by_a_redirect_is_not_restored_on_the_way_back() {
    // 127.0.0.1 → localhost → back to 127.0.0.1: reqwest removes the header once and for all.
    let first_url = Arc::new(Mutex::new(String::new()));
    let back = first_url.clone();
    let other = FaultServer::start_named("localhost", move |_| {
        redirect(302, &format!("{}/v0/webhooks?back=1", back.lock().unwrap()))
    });
    let location = format!("{}/v0/webhooks", other.base_url);
    let first = FaultServer::start(move |request| {
        if request.index == 0 {
            redirect(302, &location)
        } else {
            Fault::json(200, &json!([]))
        }
    });
    *first_url.lock().unwrap() = first.base_url.clone();
    let client = client(&first.base_url, RetryPolicy::none());
    list_webhooks(&client).await.unwrap();
    let requests = first.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].target, "/v0/webhooks?back=1");
    assert_eq!(requests[1].header("authorization"), None);
    assert_eq!(other.requests()[0].header("authorization"), None);
}

/// Documents reqwest's rule rather than the crate's: a redirect that keeps scheme, host and port
/// is the same origin, and the key goes with it.
#[tokio::test]
async fn a_redirect_on_the_same_host_and_port_keeps_the_key() {
    let server = FaultServer::script(vec![
        redirect(302, "/v0/webhooks?moved=1"),
        Fault::json(200, &json!([])),
    ]);
    let client = client(&server.base_url, RetryPolicy::none());
    list_webhooks(&client).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].target, "/v0/webhooks?moved=1");
    assert_eq!(
        requests[1].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// Plain http

#[test]
fn plain_http_is_refused_off_loopback_unless_the_caller_opts_in() {
    let build = |url: &str, allow: Option<bool>| {
        let mut builder = Client::builder().api_key(KEY).base_url(url);
        if let Some(allow) = allow {
            builder = builder.allow_insecure_http(allow);
        }
        builder.build()
    };
    let loopback = [
        "http://127.0.0.1:8080",
        "http://127.0.0.2",
        "http://127.255.255.254:1/",
        "http://[::1]:8080",
        "http://localhost",
        "http://LOCALHOST:3000/",
        // The URL parser reads these as 127.0.0.1.
        "http://2130706433",
        "http://0x7f.1",
    ];
    for url in loopback {
        assert!(build(url, None).is_ok(), "{url} is loopback");
    }
    let remote = [
        "http://api.theirstack.com",
        "http://10.0.0.1",
        "http://192.168.1.20:8080",
        "http://0.0.0.0:8080",
        "http://[::]:8080",
        "http://[::ffff:127.0.0.1]",
        "http://localhost.attacker.example",
        "http://127.0.0.1.nip.example",
        "http://localhost./",
    ];
    for url in remote {
        let err = build(url, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{url}");
        assert!(
            err.to_string().contains("refusing plain-http base URL"),
            "{url}: {err}"
        );
        let err = build(url, Some(false)).unwrap_err();
        assert!(err.to_string().contains("refusing plain-http"), "{url}");
        let client = build(url, Some(true)).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(client.base_url().starts_with("http://"), "{url}");
    }
    // https is accepted anywhere, without opting in.
    for url in ["https://api.theirstack.com", "https://10.0.0.1:8443"] {
        assert!(build(url, None).is_ok(), "{url}");
    }
}
