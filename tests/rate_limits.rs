//! The client-side rate limiter against a loopback server that enforces TheirStack's sliding
//! windows at arrival (`support/windowed.rs`), on tokio's paused clock: what arrives never breaks
//! a window (every span checked), nothing meets a 429 that pacing could have avoided, and the
//! time taken stays within 1.10× of the best schedule the windows allow.
//!
//! On the paused clock a request arrives at the instant it is sent, so the server's arrival
//! times are the client's send times and every duration below is exact.

mod support;

use futures::StreamExt;
use std::time::Duration;
use support::windowed::{
    self, Config, HeaderClock, TECHNOGRAPHICS, Window, Windowed, first_breach, optimal_last_send,
};
use theirstack::pagination::LookAhead;
use theirstack::rate_limit::Tier;
use theirstack::types::{JobSearchFiltersInput, TechDetailsFilters};
use theirstack::{Client, ClientBuilder, EndpointGroup, Error, ErrorKind, RetryPolicy};
use tokio::time::Instant;

const MS: fn(u64) -> Duration = Duration::from_millis;
const S: fn(u64) -> Duration = Duration::from_secs;

fn filters() -> JobSearchFiltersInput {
    JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .try_into()
        .unwrap()
}

fn company(i: usize) -> TechDetailsFilters {
    TechDetailsFilters {
        company_domain: Some(format!("company-{i}.example")),
        ..Default::default()
    }
}

/// A builder like `support::client_for_url` (a reqwest client with no timers, for the paused
/// clock), never retrying, for the settings each test adds.
fn builder(base_url: &str) -> ClientBuilder {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("reqwest client");
    Client::builder()
        .api_key(support::TEST_KEY)
        .base_url(base_url)
        .http_client(http)
        .retry_policy(RetryPolicy::none())
}

/// A client assuming `tier` that waits as long as a queue of 40 free-tier requests needs (the
/// default `max_pacing_wait`, 60 s, refuses a request queued behind a full minute window).
fn client(base_url: &str, tier: Tier) -> Client {
    builder(base_url)
        .rate_limit_tier(tier)
        .max_pacing_wait(S(600))
        .build()
        .unwrap()
}

async fn search(client: Client) -> Result<(), Error> {
    client
        .search_jobs_v1()
        .body(filters())
        .send()
        .await
        .map(drop)
        .map_err(Error::from)
}

/// One one-company lookup through the paginator: one request (the page is short).
async fn lookup(client: Client, i: usize) -> Result<usize, Error> {
    client
        .technographics(company(i))
        .collect_all()
        .await
        .map(|rows| rows.len())
}

/// Every span of every window holds at most its quota of arrivals (refused ones included: they
/// were sent), and none was refused.
fn assert_windows_held(server: &Windowed, windows: &[Window], what: &str) {
    let arrivals = server.arrivals();
    let times: Vec<Instant> = arrivals.iter().map(|a| a.at).collect();
    if let Some((window, start, count)) = first_breach(&times, windows) {
        panic!("{what}: {count} arrivals in the {window} window from arrival {start}");
    }
    assert_eq!(server.refused(), 0, "{what}: 429s");
}

/// `elapsed` is within `factor` of the best the windows allow: the last of `n` requests sent as
/// early as the windows let it (no margin), answered after `latency`.
fn assert_near_optimum(
    elapsed: Duration,
    n: usize,
    windows: &[Window],
    latency: Duration,
    factor: f64,
    what: &str,
) {
    let optimum = optimal_last_send(n, windows) + latency;
    let ratio = elapsed.as_secs_f64() / optimum.as_secs_f64();
    assert!(
        ratio <= factor,
        "{what}: {elapsed:?} is {ratio:.3}× the optimum {optimum:?}"
    );
}

/// The offsets of the arrivals relative to the first one, in order.
fn offsets(server: &Windowed) -> Vec<Duration> {
    let arrivals = server.arrivals();
    let first = arrivals.first().map(|a| a.at).expect("an arrival");
    arrivals.iter().map(|a| a.at - first).collect()
}

// ---- concurrent requests ------------------------------------------------------------------------

/// How 40 concurrent searches reach the server.
#[derive(Clone, Copy, Debug)]
enum Through {
    /// Clones of one client.
    Clones,
    /// Two clients built separately with the same key and base URL (they share a limiter).
    TwoBuilds,
}

async fn forty_at_once(tier: Tier, windows: Vec<Window>, through: Through) {
    let latency = MS(100);
    let server = Windowed::start(Config::new(windows.clone()).latency(latency)).await;
    let first = client(&server.base_url, tier);
    let second = match through {
        Through::Clones => first.clone(),
        Through::TwoBuilds => client(&server.base_url, tier),
    };
    let start = Instant::now();
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let c = if i % 2 == 0 { &first } else { &second };
            tokio::spawn(search(c.clone()))
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("every search succeeds");
    }
    let elapsed = start.elapsed();
    let what = format!("40 searches at once, {tier:?} tier, {through:?}");
    assert_eq!(server.arrivals().len(), 40, "{what}");
    assert_windows_held(&server, &windows, &what);
    assert_near_optimum(elapsed, 40, &windows, latency, 1.10, &what);
}

#[tokio::test(start_paused = true)]
async fn forty_concurrent_searches_on_the_paid_tier_never_exceed_4_a_second() {
    forty_at_once(Tier::Paid, windowed::paid(), Through::Clones).await;
    forty_at_once(Tier::Paid, windowed::paid(), Through::TwoBuilds).await;
}

#[tokio::test(start_paused = true)]
async fn forty_concurrent_searches_on_the_free_tier_never_exceed_any_window() {
    forty_at_once(Tier::Free, windowed::free(), Through::Clones).await;
    forty_at_once(Tier::Free, windowed::free(), Through::TwoBuilds).await;
}

#[tokio::test(start_paused = true)]
async fn a_silent_server_is_paced_from_the_assumed_tier_alone() {
    let latency = MS(100);
    let server = Windowed::start(Config::new(windowed::paid()).latency(latency).silent(true)).await;
    let c = support::client_for_url(&server.base_url, RetryPolicy::none());
    let start = Instant::now();
    let results = futures::future::join_all((0..40).map(|_| search(c.clone()))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        c.rate_limit(EndpointGroup::Search),
        None,
        "nothing was reported"
    );
    assert_windows_held(&server, &windowed::paid(), "silent server");
    assert_near_optimum(
        start.elapsed(),
        40,
        &windowed::paid(),
        latency,
        1.10,
        "silent",
    );
}

// ---- paginators -------------------------------------------------------------------------------

const PAGE: u64 = 25;

/// A capped 40-page pull at this look-ahead against a fresh server; the time it took.
async fn pull_40_pages(look_ahead: LookAhead, latency: Duration, clock: HeaderClock) -> Duration {
    let server = Windowed::start(
        Config::new(windowed::paid())
            .latency(latency)
            .header_clock(clock),
    )
    .await;
    let c = support::client_for_url(&server.base_url, RetryPolicy::none());
    let start = Instant::now();
    let rows = c
        .job_search(filters())
        .page_size(PAGE)
        .max_items(40 * PAGE)
        .look_ahead(look_ahead)
        .collect_all()
        .await
        .expect("the pull succeeds");
    let elapsed = start.elapsed();
    let what = format!("40 pages at {look_ahead:?}, {latency:?} latency, headers at {clock:?}");
    assert_eq!(rows.len() as u64, 40 * PAGE, "{what}");
    assert_eq!(server.arrivals().len(), 40, "{what}: one request per page");
    assert_windows_held(&server, &windowed::paid(), &what);
    elapsed
}

#[tokio::test(start_paused = true)]
async fn a_40_page_pull_meets_no_429_and_deeper_look_ahead_is_never_slower() {
    for (latency, clock) in [MS(50), MS(300), S(1), MS(1_001)]
        .into_iter()
        .flat_map(|l| [(l, HeaderClock::Arrival), (l, HeaderClock::Answer)])
    {
        let sequential = pull_40_pages(LookAhead::Fixed(1), latency, clock).await;
        for depth in [2, 4, 8] {
            let deeper = pull_40_pages(LookAhead::Fixed(depth), latency, clock).await;
            assert!(
                deeper <= sequential,
                "look-ahead {depth} took {deeper:?}, look-ahead 1 {sequential:?} ({latency:?}, {clock:?})"
            );
            // Within 1.10× of the better of the rate bound and the latency bound at this depth.
            let optimum = (optimal_last_send(40, &windowed::paid()) + latency)
                .max(latency * 40 / depth as u32);
            let ratio = deeper.as_secs_f64() / optimum.as_secs_f64();
            assert!(
                ratio <= 1.10,
                "look-ahead {depth} at {latency:?}, {clock:?}: {deeper:?} is {ratio:.3}× {optimum:?}"
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn auto_look_ahead_goes_deeper_when_latency_times_rate_exceeds_one() {
    let latency = S(1);
    let server = Windowed::start(Config::new(windowed::paid()).latency(latency)).await;
    let c = support::client_for_url(&server.base_url, RetryPolicy::none());
    let start = Instant::now();
    let rows = c
        .job_search(filters())
        .page_size(PAGE)
        .max_items(40 * PAGE)
        .look_ahead(LookAhead::Auto)
        .collect_all()
        .await
        .expect("the pull succeeds");
    let elapsed = start.elapsed();
    assert_eq!(rows.len() as u64, 40 * PAGE);
    assert_windows_held(&server, &windowed::paid(), "Auto at 1 s");
    // Requests in flight at once: each is in flight for `latency` after it arrives.
    let times: Vec<Instant> = server.arrivals().iter().map(|a| a.at).collect();
    let deepest = times
        .iter()
        .map(|t| {
            times
                .iter()
                .filter(|u| *u <= t && *t - **u < latency)
                .count()
        })
        .max()
        .unwrap();
    assert!(deepest > 1, "Auto stayed at depth 1");
    // At 4/s and 1 s, four in flight keep the limit busy: the optimum is the rate bound.
    let optimum = optimal_last_send(40, &windowed::paid()) + latency;
    let ratio = elapsed.as_secs_f64() / optimum.as_secs_f64();
    assert!(
        ratio <= 1.10,
        "Auto: {elapsed:?} is {ratio:.3}× the optimum {optimum:?} (deepest {deepest})"
    );
}

// ---- what the server reports ------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn the_limiter_follows_headers_that_report_requests_spent_elsewhere() {
    for clock in [HeaderClock::Arrival, HeaderClock::Answer] {
        let latency = MS(200);
        let server = Windowed::start(
            Config::new(windowed::free())
                .latency(latency)
                .header_clock(clock),
        )
        .await;
        let c = client(&server.base_url, Tier::Free);
        let t0 = Instant::now();
        // Another process on the key spent 6 of the minute's 10, two seconds ago.
        server.spend_elsewhere(t0, 6);
        tokio::time::sleep(S(2)).await;
        search(c.clone()).await.expect("the first search");
        // The client knows of 1; the server counts 7. Eight more at once: 3 fit in the minute.
        let results = futures::future::join_all((0..8).map(|_| search(c.clone()))).await;
        assert!(results.iter().all(Result::is_ok), "{clock:?}: {results:?}");
        assert_windows_held(&server, &windowed::free(), &format!("{clock:?}"));
        let arrivals = offsets(&server);
        assert_eq!(arrivals.len(), 9);
        assert!(
            arrivals[3] < S(3),
            "{clock:?}: the three that fit went at once: {arrivals:?}"
        );
        // The other process's six leave the minute at t0 + 60 s, 58 s after our first.
        assert!(
            arrivals[4] >= S(58),
            "{clock:?}: the fourth waited for the minute window: {arrivals:?}"
        );
        // ...and not much longer than it had to (what others spent is placed when the answer
        // came, and counts in every window).
        assert!(
            arrivals[4] <= S(58) + latency + S(2),
            "{clock:?}: {arrivals:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_learned_policy_replaces_the_assumed_tier() {
    let server = Windowed::start(Config::new(windowed::free()).latency(MS(100))).await;
    // Built assuming the paid tier (4 a second, nothing per minute).
    let c = client(&server.base_url, Tier::Paid);
    assert_eq!(c.rate_limit_quotas(EndpointGroup::Search).len(), 1);
    search(c.clone()).await.expect("the first search");
    let learned: Vec<(u32, u64)> = c
        .rate_limit_quotas(EndpointGroup::Search)
        .iter()
        .map(|q| (q.requests, q.window.as_secs()))
        .collect();
    assert_eq!(learned, [(4, 1), (10, 60), (50, 3_600), (400, 86_400)]);
    let results = futures::future::join_all((0..11).map(|_| search(c.clone()))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_windows_held(&server, &windowed::free(), "learned policy");
    let arrivals = offsets(&server);
    assert!(arrivals[9] < S(4), "ten in the first minute: {arrivals:?}");
    assert!(
        arrivals[10] >= S(60),
        "the eleventh waited for the minute: {arrivals:?}"
    );
}

/// Two clients on one key that do not share a limiter, both pulling 40 pages at look-ahead
/// `depth`; A is paced, B paced or not. Returns A's 429s, the distinct instants at which A met
/// them, and the time both took.
async fn two_clients(b_paces: bool, depth: usize) -> (usize, usize, Duration) {
    let latency = MS(300);
    let server = Windowed::start(Config::new(windowed::paid()).latency(latency)).await;
    let retry = RetryPolicy::default().max_attempts(20).max_elapsed(S(600));
    let a = builder(&server.base_url)
        .retry_policy(retry.clone())
        .build()
        .unwrap();
    // `localhost` is another base URL, so another registry entry: B's limiter is its own.
    let b = builder(&server.localhost_url())
        .retry_policy(retry)
        .pace_requests(b_paces)
        .build()
        .unwrap();
    let pull = |c: &Client| {
        c.job_search(filters())
            .page_size(PAGE)
            .max_items(40 * PAGE)
            .look_ahead(depth)
            .collect_all()
    };
    let start = Instant::now();
    let (rows_a, rows_b) = tokio::join!(pull(&a), pull(&b));
    let elapsed = start.elapsed();
    let what = format!("B paced: {b_paces}, look-ahead {depth}");
    // Every request of both succeeds in the end (retries).
    assert_eq!(rows_a.expect("A's pull").len() as u64, 40 * PAGE, "{what}");
    assert_eq!(rows_b.expect("B's pull").len() as u64, 40 * PAGE, "{what}");
    assert!(
        elapsed >= optimal_last_send(80, &windowed::paid()),
        "{what}"
    );
    let a_host = server.base_url.trim_start_matches("http://").to_string();
    let mut refused: Vec<Instant> = server
        .arrivals()
        .iter()
        .filter(|r| r.host == a_host && r.status == 429)
        .map(|r| r.at)
        .collect();
    let count = refused.len();
    refused.dedup();
    (count, refused.len(), elapsed)
}

#[tokio::test(start_paused = true)]
async fn two_paced_clients_that_do_not_share_a_limiter_meet_at_most_one_429_a_second() {
    for depth in [1, 2, 4] {
        let (refused, _, elapsed) = two_clients(true, depth).await;
        let windows = elapsed.as_secs_f64().ceil() as usize;
        assert!(
            refused <= windows,
            "look-ahead {depth}: A met {refused} 429s in {elapsed:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_paced_client_next_to_an_unpaced_one_finishes_and_meets_429s_one_instant_a_second() {
    // The unpaced neighbour's requests that arrive after A's own, at the same instant, are in
    // no header A reads; what A can promise is one burst of 429s (as many as it has in
    // flight) per window length.
    for depth in [1, 2, 4] {
        let (refused, instants, elapsed) = two_clients(false, depth).await;
        let windows = elapsed.as_secs_f64().ceil() as usize;
        assert!(
            instants <= windows && refused <= depth * windows,
            "look-ahead {depth}: A met {refused} 429s at {instants} instants in {elapsed:?}"
        );
    }
}

// ---- refusing to wait -------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn a_wait_beyond_max_pacing_wait_fails_fast_and_sends_nothing() {
    let server = Windowed::start(Config::new(windowed::free()).latency(MS(100))).await;
    let c = builder(&server.base_url)
        .rate_limit_tier(Tier::Free)
        .max_pacing_wait(S(30))
        .build()
        .unwrap();
    let results = futures::future::join_all((0..10).map(|_| search(c.clone()))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let before = Instant::now();
    let err = search(c.clone())
        .await
        .expect_err("the eleventh is refused");
    assert_eq!(before.elapsed(), Duration::ZERO, "refused at once");
    assert_eq!(err.kind(), ErrorKind::RateLimited, "{err}");
    assert!(err.is_rate_limited());
    assert_eq!(err.status(), None, "nothing was sent");
    let wait = err.pacing_wait().expect("the wait it would have had");
    assert!(wait > S(30) && wait <= S(61), "{wait:?}");
    let message = err.to_string();
    assert!(message.contains("per-minute"), "{message}");
    assert_eq!(server.arrivals().len(), 10, "the eleventh never left");
    assert_windows_held(&server, &windowed::free(), "max_pacing_wait");
}

// ---- one-company lookups ----------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn twelve_free_tier_lookups_at_concurrency_4_wait_for_the_minute_window() {
    let server = Windowed::start(Config::new(windowed::free()).latency(MS(300))).await;
    let c = client(&server.base_url, Tier::Free);
    let rows: Vec<Result<usize, Error>> = futures::stream::iter(0..12)
        .map(|i| lookup(c.clone(), i))
        .buffer_unordered(4)
        .collect()
        .await;
    assert!(rows.iter().all(|r| matches!(r, Ok(3))), "{rows:?}");
    let arrivals = server.arrivals();
    assert!(arrivals.iter().all(|a| a.path == TECHNOGRAPHICS));
    assert_eq!(arrivals.len(), 12, "one request per lookup");
    assert_windows_held(&server, &windowed::free(), "12 free lookups");
    let at = offsets(&server);
    assert!(at[9] < S(4), "ten in the first seconds: {at:?}");
    assert!(
        at[10] >= S(60),
        "the eleventh waited for the minute: {at:?}"
    );
    assert!(at[11] <= S(62), "and no longer than needed: {at:?}");
}

#[tokio::test(start_paused = true)]
async fn a_thousand_lookups_at_concurrency_16_meet_no_429() {
    let latency = MS(300);
    let server = Windowed::start(Config::new(windowed::paid()).latency(latency)).await;
    let c = support::client_for_url(&server.base_url, RetryPolicy::none());
    let start = Instant::now();
    let results: Vec<Result<usize, Error>> = futures::stream::iter(0..1000)
        .map(|i| lookup(c.clone(), i))
        .buffer_unordered(16)
        .collect()
        .await;
    let elapsed = start.elapsed();
    let failed = results.iter().filter(|r| r.is_err()).count();
    assert_eq!(failed, 0, "{:?}", results.iter().find(|r| r.is_err()));
    assert_eq!(server.arrivals().len(), 1000);
    assert_windows_held(&server, &windowed::paid(), "1000 lookups");
    assert_near_optimum(elapsed, 1000, &windowed::paid(), latency, 1.10, "1000");
}

// ---- cancelling --------------------------------------------------------------------------------

/// Runs the runtime until the server saw `n` arrivals (time moves only when all is idle).
async fn until_arrivals(server: &Windowed, n: usize) {
    while server.arrivals().len() < n {
        tokio::time::sleep(MS(1)).await;
    }
}

#[tokio::test(start_paused = true)]
async fn cancelling_a_waiting_request_frees_its_own_slot_and_no_other() {
    let server = Windowed::start(Config::new(windowed::paid()).latency(MS(100))).await;
    let c = support::client_for_url(&server.base_url, RetryPolicy::none());
    let t0 = Instant::now();
    let sent: Vec<_> = (0..4).map(|_| tokio::spawn(search(c.clone()))).collect();
    until_arrivals(&server, 4).await;
    // Four wait for the next second; the second of them is cancelled while it waits.
    let waiting: Vec<_> = (0..4).map(|_| tokio::spawn(search(c.clone()))).collect();
    tokio::time::sleep(MS(10)).await;
    assert_eq!(server.arrivals().len(), 4, "still waiting");
    waiting[1].abort();
    // The next request takes the freed slot; a request after it goes a second later.
    let next = tokio::spawn(search(c.clone()));
    tokio::time::sleep(MS(10)).await;
    let after = tokio::spawn(search(c.clone()));
    for task in sent.into_iter().chain([next, after]) {
        task.await.unwrap().expect("a search");
    }
    for (i, task) in waiting.into_iter().enumerate() {
        match task.await {
            Ok(result) => result.expect("a waiting search"),
            Err(e) => assert!(i == 1 && e.is_cancelled(), "{i}: {e}"),
        }
    }
    let at: Vec<Duration> = server.arrivals().iter().map(|a| a.at - t0).collect();
    assert_eq!(at.len(), 9, "the cancelled request never left: {at:?}");
    let second = MS(1_050);
    assert!(
        at[..4].iter().all(|t| *t < MS(50)),
        "the first four at once: {at:?}"
    );
    assert!(
        at[4..8].iter().all(|t| *t == second),
        "three waiting and the newcomer share the next second: {at:?}"
    );
    assert_eq!(
        at[8],
        second * 2,
        "the one after waits a second more: {at:?}"
    );
}
