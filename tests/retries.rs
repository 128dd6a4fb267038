//! Retries and pacing in the request hooks, against a scripted loopback server on tokio's paused
//! clock: what is retried, how long the client waits, and what is never retried.

mod support;

use serde_json::json;
use std::time::Duration;
use support::scripted::{Action, ScriptedServer};
use theirstack::types::{JobSearchFiltersInput, WebhookCreate};
use theirstack::{EndpointGroup, Error, RetryPolicy};
use tokio::time::Instant;

fn filters() -> JobSearchFiltersInput {
    JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .try_into()
        .unwrap()
}

fn ok_page() -> Action {
    Action::json(
        200,
        &json!({"metadata": {"total_results": null}, "data": [support::job(1)]}),
    )
}

/// Sends one job search and returns how long the client took on the paused clock.
async fn search(server: &ScriptedServer, retry: RetryPolicy) -> (Result<(), Error>, Duration) {
    let client = support::client_for_url(&server.base_url, retry);
    let started = Instant::now();
    let result = client
        .search_jobs_v1()
        .body(filters())
        .send()
        .await
        .map(|_| ())
        .map_err(Error::from);
    (result, started.elapsed())
}

/// The no-hint backoff ceiling of the n-th retry: `min(cap, base × 2^(n-1))`.
fn ceiling(policy: &RetryPolicy, n: u32) -> Duration {
    policy.base.saturating_mul(1 << (n - 1)).min(policy.cap)
}

/// Asserts that each gap between attempts is a backoff of its retry: in `[ceiling/2, ceiling]`.
fn assert_backoffs(policy: &RetryPolicy, gaps: &[Duration]) {
    for (i, gap) in gaps.iter().enumerate() {
        let ceiling = ceiling(policy, i as u32 + 1);
        assert!(
            *gap >= ceiling / 2 && *gap <= ceiling,
            "retry {}: waited {gap:?}, outside [{:?}, {ceiling:?}]; all: {gaps:?}",
            i + 1,
            ceiling / 2
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_429_without_headers_is_retried_after_a_backoff_of_half_the_base_to_the_base() {
    let policy = RetryPolicy::default();
    let server = ScriptedServer::start(vec![Action::raw(429, &[], ""), ok_page()]);
    let (result, waited) = search(&server, policy.clone()).await;
    result.unwrap();
    assert_eq!(server.received().len(), 2);
    println!("first backoff after a bare 429: {waited:?}");
    assert!(!waited.is_zero(), "no hot loop");
    assert!(waited <= policy.cap, "{waited:?}");
    assert!(
        waited >= policy.base / 2 && waited <= policy.base,
        "the first backoff is in [base/2, base]: {waited:?}"
    );
    // What the client waited is the gap the server saw: the request went out after the wait.
    assert_eq!(server.gaps(), [waited]);
}

#[tokio::test(start_paused = true)]
async fn bare_429s_in_a_row_back_off_within_half_the_ceiling_to_the_ceiling_each_time() {
    // Default policy: four attempts, so three backoffs of 0.25-0.5, 0.5-1 and 1-2 s.
    let policy = RetryPolicy::default();
    let server = ScriptedServer::start(vec![
        Action::raw(429, &[], ""),
        Action::raw(429, &[], ""),
        Action::raw(429, &[], ""),
        ok_page(),
    ]);
    let (result, waited) = search(&server, policy.clone()).await;
    result.unwrap();
    let gaps = server.gaps();
    println!("backoffs, default policy: {gaps:?} (total {waited:?})");
    assert_eq!(gaps.len(), 3);
    assert_backoffs(&policy, &gaps);
    assert_eq!(gaps.iter().sum::<Duration>(), waited);

    // A small cap: the ceilings run 0.5, 1, 2, 2, 2, ... s and the floor stays at half of them.
    let policy = RetryPolicy::default()
        .max_attempts(9)
        .cap(Duration::from_secs(2));
    let mut script = vec![Action::raw(503, &[], ""); 8];
    script.push(ok_page());
    let server = ScriptedServer::start(script);
    let (result, _) = search(&server, policy.clone()).await;
    result.unwrap();
    let gaps = server.gaps();
    println!("backoffs, cap 2 s: {gaps:?}");
    assert_eq!(gaps.len(), 8);
    assert_backoffs(&policy, &gaps);
    assert!(gaps.iter().all(|g| *g <= policy.cap), "{gaps:?}");
}

#[tokio::test(start_paused = true)]
async fn a_429_with_ratelimit_reset_waits_that_long() {
    let server = ScriptedServer::start(vec![
        Action::raw(
            429,
            &[
                ("ratelimit", r#""per-minute";r=0;t=37"#),
                ("ratelimit-reset", "37"),
            ],
            "",
        ),
        ok_page(),
    ]);
    let (result, waited) = search(&server, RetryPolicy::default()).await;
    result.unwrap();
    assert_eq!(server.received().len(), 2);
    assert!(
        waited >= Duration::from_secs(37) && waited < Duration::from_secs(38),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_seconds_and_as_a_date_is_honoured() {
    let server = ScriptedServer::start(vec![
        Action::raw(503, &[("retry-after", "12")], ""),
        ok_page(),
    ]);
    let (result, waited) = search(&server, RetryPolicy::default()).await;
    result.unwrap();
    assert!(
        waited >= Duration::from_secs(12) && waited < Duration::from_secs(13),
        "{waited:?}"
    );

    // An HTTP-date in the past means "now".
    let server = ScriptedServer::start(vec![
        Action::raw(503, &[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")], ""),
        ok_page(),
    ]);
    let (result, waited) = search(&server, RetryPolicy::default()).await;
    result.unwrap();
    assert!(waited < Duration::from_millis(10), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn two_500s_then_200_succeeds_on_the_third_attempt() {
    let server = ScriptedServer::start(vec![
        Action::raw(500, &[], "oops"),
        Action::raw(500, &[], "oops"),
        ok_page(),
    ]);
    let (result, _) = search(&server, RetryPolicy::default()).await;
    result.unwrap();
    assert_eq!(server.received().len(), 3);
    // The retried requests are the same request.
    let bodies: Vec<_> = server.received().iter().map(|r| r.json()).collect();
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
}

#[tokio::test(start_paused = true)]
async fn attempts_are_capped_and_the_last_error_is_returned() {
    let server = ScriptedServer::start(vec![Action::raw(502, &[], "<html>bad gateway</html>"); 6]);
    let (result, _) = search(&server, RetryPolicy::default().max_attempts(3)).await;
    let err = result.unwrap_err();
    assert!(err.is_server());
    assert_eq!(err.status().unwrap().as_u16(), 502);
    assert_eq!(server.received().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_connection_then_200_succeeds() {
    let server = ScriptedServer::start(vec![Action::Close, ok_page()]);
    let (result, _) = search(&server, RetryPolicy::default()).await;
    result.unwrap();
    assert_eq!(server.received().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_body_cut_short_is_retried_for_reads() {
    let server = ScriptedServer::start(vec![
        Action::CutBody {
            status: 200,
            declared: 5000,
            sent: br#"{"metadata": {"total_res"#.to_vec(),
        },
        ok_page(),
    ]);
    let (result, _) = search(&server, RetryPolicy::default()).await;
    result.unwrap();
    assert_eq!(server.received().len(), 2);
}

fn webhook() -> WebhookCreate {
    WebhookCreate::builder()
        .url("https://hooks.example.test/theirstack")
        .search_id(42)
        .try_into()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_webhook_create_answered_503_is_not_retried() {
    let server = ScriptedServer::start(vec![
        Action::raw(503, &[], "busy"),
        Action::json(200, &json!({})),
    ]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    let err: Error = client
        .post_webhooks_v0()
        .body(webhook())
        .send()
        .await
        .unwrap_err()
        .into();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(server.received().len(), 1, "a write is sent once");
}

#[tokio::test(start_paused = true)]
async fn a_webhook_create_is_retried_when_the_caller_opts_in() {
    let created = json!({
        "url": "https://hooks.example.test/theirstack", "search_id": 42, "id": 7, "user_id": 1, "team_id": 2,
        "is_active": true, "is_archived": false, "created_at": "2026-03-01T10:00:00Z", "updated_at": "2026-03-01T10:00:00Z",
        "search_name": "Data engineers", "event_type": "job_new"
    });
    let server = ScriptedServer::start(vec![
        Action::raw(503, &[], "busy"),
        Action::json(200, &created),
    ]);
    let client =
        support::client_for_url(&server.base_url, RetryPolicy::default().retry_writes(true));
    let hook = client
        .post_webhooks_v0()
        .body(webhook())
        .send()
        .await
        .unwrap();
    assert_eq!(hook.id, 7);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_connection_on_a_write_is_not_retried() {
    let server = ScriptedServer::start(vec![Action::Close, Action::json(200, &json!({}))]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    let err: Error = client
        .post_webhooks_v0()
        .body(webhook())
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.is_transport());
    assert_eq!(server.received().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn errors_that_cannot_improve_are_not_retried() {
    for status in [400, 401, 402, 403, 404, 422] {
        let server = ScriptedServer::start(vec![Action::raw(status, &[], ""), ok_page()]);
        let (result, _) = search(&server, RetryPolicy::default()).await;
        assert_eq!(result.unwrap_err().status().unwrap().as_u16(), status);
        assert_eq!(server.received().len(), 1, "{status} is not retried");
    }
}

#[tokio::test(start_paused = true)]
async fn an_exhausted_window_delays_the_next_search_instead_of_spending_a_429() {
    let exhausted = Action::Respond {
        status: 200,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            (
                "ratelimit".into(),
                r#""per-second";r=0;t=1, "per-minute";r=0;t=20"#.into(),
            ),
        ],
        body: json!({"metadata": {}, "data": []}).to_string().into_bytes(),
    };
    let server = ScriptedServer::start(vec![exhausted, ok_page()]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::none());
    client
        .search_jobs_v1()
        .body(filters())
        .send()
        .await
        .unwrap();
    let state = client
        .rate_limit(EndpointGroup::Search)
        .expect("state recorded");
    assert_eq!(state.wait(), Some(Duration::from_secs(20)));
    let started = Instant::now();
    client
        .search_jobs_v1()
        .body(filters())
        .send()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(20) && waited < Duration::from_secs(21),
        "{waited:?}"
    );
    assert_eq!(server.received().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_window_reset_beyond_the_maximum_fails_at_once_without_sending() {
    let exhausted = Action::Respond {
        status: 200,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("ratelimit".into(), r#""per-day";r=0;t=86400"#.into()),
        ],
        body: json!({"metadata": {}, "data": []}).to_string().into_bytes(),
    };
    let server = ScriptedServer::start(vec![exhausted, ok_page()]);
    let client = support::client_for_url(&server.base_url, RetryPolicy::default());
    client
        .search_jobs_v1()
        .body(filters())
        .send()
        .await
        .unwrap();
    let started = Instant::now();
    let err: Error = client
        .search_jobs_v1()
        .body(filters())
        .send()
        .await
        .unwrap_err()
        .into();
    assert_eq!(started.elapsed(), Duration::ZERO, "no wait, no retry");
    assert!(err.is_rate_limited());
    assert_eq!(err.status(), None, "nothing was sent");
    assert_eq!(err.pacing_wait(), Some(Duration::from_secs(86_400)));
    let message = err.to_string();
    assert!(
        message.contains("per-day") && message.contains("86400.0 s"),
        "{message}"
    );
    assert!(message.contains("max_pacing_wait (65.0 s)"), "{message}");
    assert_eq!(server.received().len(), 1, "the second search was not sent");
}

#[tokio::test(start_paused = true)]
async fn the_key_is_sent_as_bearer_on_every_attempt() {
    let server = ScriptedServer::start(vec![Action::raw(503, &[], ""), ok_page()]);
    let (result, _) = search(&server, RetryPolicy::default()).await;
    result.unwrap();
    for request in server.received() {
        assert_eq!(
            request.header("authorization"),
            Some(support::bearer().as_str())
        );
        assert!(
            request
                .header("user-agent")
                .unwrap()
                .starts_with("theirstack-rs/")
        );
    }
}
