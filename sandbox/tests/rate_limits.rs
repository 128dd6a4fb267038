//! The rate limits of the searches through the crate's public `Client`, on tokio's paused
//! clock: the default client paces itself, and the free tier answers 429 with its headers.

// Generated types are built with `Default::default()` and field assignment (or their builders,
// or serde), never struct literals, so that a field a new document adds cannot break the build.
#![allow(clippy::field_reassign_with_default)]

mod support;

use std::time::Duration;
use support::{TestResult, plain_client, recent, search, start, with_limit};
use theirstack::types;
use theirstack::{EndpointGroup, Error, RateLimit};
use theirstack_sandbox::SandboxConfig;

#[tokio::test(start_paused = true)]
async fn the_default_client_paces_itself_under_the_paid_tier() -> TestResult {
    let sandbox = start(SandboxConfig::default()).await;
    let client = sandbox.client()?;
    let started = tokio::time::Instant::now();
    let rows = client
        .job_search(recent(60))
        .page_size(10)
        .max_items(100)
        .collect_all()
        .await?;
    assert_eq!(rows.len(), 100, "ten requests, none refused");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_secs(4),
        "{waited:?}"
    );
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn free_tier_limits_send_headers_and_429() -> TestResult {
    let sandbox = start(SandboxConfig::default().free_tier()).await;
    let client = plain_client(&sandbox);
    let f = with_limit(recent(7), 1);
    for expected in [3, 2, 1, 0] {
        let response = client.search_jobs_v1().body(f.clone()).send().await?;
        let state = RateLimit::from_headers(response.headers()).expect("rate-limit headers");
        let names: Vec<_> = state
            .windows
            .iter()
            .map(|w| w.policy.clone().unwrap_or_default())
            .collect();
        assert_eq!(names, ["per-second", "per-minute", "per-hour", "per-day"]);
        let limits: Vec<_> = state.windows.iter().map(|w| w.limit).collect();
        assert_eq!(limits, [Some(4), Some(10), Some(50), Some(400)]);
        assert_eq!(state.windows[0].remaining, Some(expected));
        assert_eq!(state.windows[0].window, Some(Duration::from_secs(1)));
        assert_eq!(state.windows[1].reset, Some(Duration::from_secs(60)));
        assert!(state.windows[0].partition_key.is_some());
    }
    // The fifth request within the second: 429 with the headers, and it is not counted.
    let err = search(&client, f.clone()).await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(err.code(), Some("E-006"));
    let state = err.rate_limit().expect("429 carries the headers");
    assert_eq!(state.windows[0].remaining, Some(0));
    assert_eq!(state.wait(), Some(Duration::from_secs(1)));
    assert_eq!(
        client
            .rate_limit(EndpointGroup::Search)
            .and_then(|s| s.windows[1].remaining),
        Some(6)
    );

    // Windows slide: a second later there is room again, until the minute's 10 are used.
    tokio::time::advance(Duration::from_secs(1)).await;
    for _ in 0..4 {
        search(&client, f.clone()).await?;
    }
    tokio::time::advance(Duration::from_secs(1)).await;
    search(&client, f.clone()).await?;
    search(&client, f.clone()).await?;
    let err = search(&client, f.clone()).await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    let state = err.rate_limit().expect("headers");
    assert_eq!(state.windows[1].remaining, Some(0));
    assert_eq!(state.windows[1].reset, Some(Duration::from_secs(58)));

    // The searches share the windows; other endpoints are not limited.
    let err: Error = client
        .search_companies_v1()
        .body(types::CompanySearchFiltersInput::default())
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.is_rate_limited(), "{err}");
    assert!(client.get_billing_credit_balance_v0().send().await.is_ok());
    tokio::time::advance(Duration::from_secs(58)).await;
    search(&client, f).await?;
    Ok(())
}
