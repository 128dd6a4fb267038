//! What an incremental sync needs, through the crate's public `Client`: `order_by`, jobs that
//! arrive while a client pages, the request log, `discovered_at` at second precision, and jobs
//! that close with their `job.closed` deliveries; all on loopback.

// Generated types are built with `Default::default()` and field assignment, their builders or
// serde, never struct literals, so that a field a new document adds cannot break the build.
#![allow(clippy::field_reassign_with_default)]

mod support;

use serde_json::json;
use std::collections::BTreeSet;
use std::num::NonZeroU64;
use std::time::Duration;
use support::{
    TestResult, create_webhook, plain_client, raw, receiver, recent, search, start, unlimited,
    with_limit,
};
use theirstack::types::{self, ColumnSortJobSearchField as Field};
use theirstack::webhooks::Delivery;
use theirstack::{Client, Error};
use theirstack_sandbox::Sandbox;

fn by(field: Field, desc: Option<bool>) -> types::ColumnSortJobSearch {
    let mut key = types::ColumnSortJobSearch::default();
    key.field = Some(field);
    key.desc = desc;
    key
}

async fn ordered(
    client: &Client,
    keys: Vec<types::ColumnSortJobSearch>,
) -> Result<Vec<types::JobWithMatchingPhrasesResponseOutput>, Error> {
    let mut f = with_limit(recent(30), 500);
    f.order_by = keys;
    Ok(search(client, f).await?.data)
}

fn salary(job: &types::JobWithMatchingPhrasesResponseOutput) -> Option<f64> {
    job.max_annual_salary_usd.or(job.min_annual_salary_usd)
}

#[tokio::test]
async fn job_search_honours_order_by_with_the_id_last() -> TestResult {
    // Fewer matches than a page, so that each search below sees them all.
    let sandbox = start(unlimited().jobs(800).companies(80).api_credits(1_000_000)).await;
    let client = plain_client(&sandbox);

    let up = ordered(&client, vec![by(Field::DiscoveredAt, Some(false))]).await?;
    assert!((100..500).contains(&up.len()), "{} jobs", up.len());
    for w in up.windows(2) {
        assert!(
            (w[0].discovered_at, w[0].id) < (w[1].discovered_at, w[1].id),
            "discovered_at ascending, then id ascending"
        );
    }

    let rich = ordered(&client, vec![by(Field::Salary, None)]).await?;
    let first_without = rich.iter().position(|j| salary(j).is_none()).expect("some");
    assert!(first_without > 0, "jobs with a salary first");
    assert!(
        rich[first_without..].iter().all(|j| salary(j).is_none()),
        "then the others"
    );
    for w in rich[..first_without].windows(2) {
        assert!(salary(&w[0]) >= salary(&w[1]), "desc defaults to true");
    }
    let cheap = ordered(&client, vec![by(Field::Salary, Some(false))]).await?;
    assert!(salary(&cheap[0]) <= salary(&cheap[1]));
    assert!(
        salary(cheap.last().expect("rows")).is_none(),
        "no salary: last either way"
    );

    let titles = ordered(&client, vec![by(Field::JobTitle, Some(false))]).await?;
    for w in titles.windows(2) {
        assert!(w[0].job_title.to_lowercase() <= w[1].job_title.to_lowercase());
    }

    // Several keys, in priority order: the company's jobs, most first, then its name.
    let keys = vec![
        by(Field::NumJobs, Some(true)),
        by(Field::Company, Some(false)),
    ];
    let big = ordered(&client, keys).await?;
    for w in big.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(a.company_object.num_jobs >= b.company_object.num_jobs);
        if a.company_object.num_jobs == b.company_object.num_jobs {
            assert!(a.company.to_lowercase() <= b.company.to_lowercase());
            if a.company == b.company {
                assert!(a.id < b.id, "the id last, in the direction of the last key");
            }
        }
    }

    // No `order_by` is the document's default, newest first; a key without `desc` descends.
    let default = ordered(&client, Vec::new()).await?;
    let explicit = ordered(
        &client,
        vec![
            by(Field::DatePosted, Some(true)),
            by(Field::DiscoveredAt, Some(true)),
        ],
    )
    .await?;
    assert_eq!(default, explicit);
    assert!(
        default
            .windows(2)
            .all(|w| (w[0].date_posted, w[0].discovered_at)
                >= (w[1].date_posted, w[1].discovered_at))
    );
    let (status, body) = raw(
        &sandbox,
        "POST",
        "/v1/jobs/search",
        Some(json!({"posted_at_max_age_days": 30, "order_by": [{"field": "discovered_at"}]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let times: Vec<&str> = body["data"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|j| j["discovered_at"].as_str())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");

    // Pages of a sorted search are stable: they add up to the whole.
    let mut paged = Vec::new();
    for offset in (0..up.len() as u64).step_by(37) {
        let mut f = with_limit(recent(30), 37);
        f.order_by = vec![by(Field::Company, Some(false))];
        f.offset = Some(offset);
        paged.extend(search(&client, f).await?.data);
    }
    let whole = ordered(&client, vec![by(Field::Company, Some(false))]).await?;
    assert_eq!(paged, whole);

    let (status, _) = raw(
        &sandbox,
        "POST",
        "/v1/jobs/search",
        Some(json!({"posted_at_max_age_days": 1, "order_by": [{"field": "relevance"}]})),
    )
    .await;
    assert_eq!(status, 422, "an unknown sort field");
    Ok(())
}

/// What a keyset sync keeps between runs.
#[derive(Debug, Default)]
struct Synced {
    stored: BTreeSet<i64>,
    watermark: Option<types::Timestamp>,
    /// The ids stored at the watermark.
    boundary: Vec<i64>,
}

/// One sync run as `theirstack sync` pages: `discovered_at` ascending from the watermark,
/// `offset` 0, the ids stored at the watermark left out; `between` runs after each page.
async fn sync_run(
    client: &Client,
    synced: &mut Synced,
    limit: u64,
    mut between: impl FnMut(usize),
) -> Result<usize, Error> {
    let mut got = 0;
    for page in 0.. {
        let mut f = with_limit(recent(7), limit);
        f.offset = Some(0);
        f.order_by = vec![by(Field::DiscoveredAt, Some(false))];
        f.discovered_at_gte = synced.watermark.map(|t| t.to_string());
        f.job_id_not = synced.boundary.clone();
        let rows = search(client, f).await?.data;
        for job in &rows {
            assert!(synced.stored.insert(job.id), "job {} came twice", job.id);
            if synced.watermark != Some(job.discovered_at) {
                synced.watermark = Some(job.discovered_at);
                synced.boundary.clear();
            }
            synced.boundary.push(job.id);
        }
        got += rows.len();
        between(page);
        if (rows.len() as u64) < limit {
            break;
        }
    }
    Ok(got)
}

fn searches_since(sandbox: &Sandbox, mark: usize) -> Vec<theirstack_sandbox::LoggedRequest> {
    sandbox.requests()[mark..]
        .iter()
        .filter(|r| r.path == "/v1/jobs/search")
        .cloned()
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_keyset_sync_gets_each_job_once_while_jobs_arrive() -> TestResult {
    let sandbox = start(unlimited().jobs(400).companies(40)).await;
    let client = plain_client(&sandbox);
    let in_window = search(&client, with_limit(recent(7), 500))
        .await?
        .data
        .len();
    assert!(in_window > 60, "{in_window} jobs: enough for several pages");

    // First run: jobs arrive after its first page and are read at its end.
    let mut synced = Synced::default();
    let mut arrived = Vec::new();
    let got = sync_run(&client, &mut synced, 25, |page| {
        if page == 0 {
            arrived = sandbox.add_jobs(3);
        }
    })
    .await?;
    assert_eq!(arrived.len(), 3);
    assert_eq!(got, in_window + 3);
    assert!(arrived.iter().all(|id| synced.stored.contains(id)));
    let first: BTreeSet<i64> = synced.stored.clone();

    // Jobs discovered at the watermark itself: the boundary ids keep the stored ones out.
    let mark = sandbox.requests().len();
    let used = sandbox.credits_used();
    let tied = sandbox.add_jobs(2);
    assert_eq!(sync_run(&client, &mut synced, 25, |_| {}).await?, 2);
    assert!(tied.iter().all(|id| synced.stored.contains(id)));

    // Later jobs, in a run of several pages.
    tokio::time::advance(Duration::from_secs(90)).await;
    let later = sandbox.add_jobs(30);
    assert_eq!(sync_run(&client, &mut synced, 25, |_| {}).await?, 30);
    let logged = searches_since(&sandbox, mark);
    assert!(logged.len() >= 3, "{} requests", logged.len());
    for r in &logged {
        assert_eq!(r.method, "POST");
        assert_eq!(r.status, 200);
        let body = r.body.as_ref().expect("a JSON body");
        assert_eq!(body["offset"], 0);
        assert_eq!(
            body["order_by"],
            json!([{"desc": false, "field": "discovered_at"}])
        );
        assert!(body["discovered_at_gte"].is_string());
        assert!(
            r.row_ids.iter().all(|id| !first.contains(id)),
            "the second run requested no job the first stored"
        );
        assert_eq!(r.rows, Some(r.row_ids.len()));
        assert_eq!(r.credits, r.row_ids.len() as u64, "1 credit per job");
    }
    let rows: Vec<i64> = logged.iter().flat_map(|r| r.row_ids.clone()).collect();
    let expected: Vec<i64> = tied.iter().chain(&later).copied().collect();
    assert_eq!(rows, expected, "exactly the new jobs, oldest first");
    assert_eq!(sandbox.credits_used() - used, 32);
    assert_eq!(logged.iter().map(|r| r.credits).sum::<u64>(), 32);

    // Nothing new: one empty page, free.
    let mark = sandbox.requests().len();
    assert_eq!(sync_run(&client, &mut synced, 25, |_| {}).await?, 0);
    let logged = searches_since(&sandbox, mark);
    assert_eq!(logged.len(), 1);
    assert_eq!((logged[0].rows, logged[0].credits), (Some(0), 0));
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn added_jobs_are_seeded_newest_and_above_every_id() -> TestResult {
    let (a, b) = (
        start(unlimited().seed(3)).await,
        start(unlimited().seed(3)).await,
    );
    let (ca, cb) = (plain_client(&a), plain_client(&b));
    let before = search(&ca, with_limit(recent(90), 500)).await?;
    tokio::time::advance(Duration::from_millis(1500)).await;
    let ids = a.add_jobs(4);
    assert_eq!(b.add_jobs(4), ids, "the same seed and clock, the same jobs");
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let top = search(&ca, with_limit(recent(1), 4)).await?.data;
    assert_eq!(top, search(&cb, with_limit(recent(1), 4)).await?.data);
    let mut newest: Vec<i64> = top.iter().map(|j| j.id).collect();
    newest.sort_unstable();
    assert_eq!(newest, ids, "the newest jobs come first");
    let now = a.now();
    assert!(
        top.iter()
            .all(|j| j.discovered_at.0 == now && j.date_posted == now.date_naive())
    );
    let mut f = types::JobSearchFiltersInput::default();
    f.posted_at_max_age_days = Some(365);
    f.include_total_results = Some(true);
    f.limit = NonZeroU64::new(1);
    let total = search(&ca, f).await?.metadata.total_results;
    assert_eq!(total, Some(5_004));
    let max_before = before.data.iter().map(|j| j.id).max().expect("jobs");
    assert!(ids[0] > max_before);
    Ok(())
}

#[tokio::test]
async fn the_request_log_records_method_path_body_status_rows_and_credits() -> TestResult {
    let sandbox = start(unlimited().request_log(4)).await;
    let client = plain_client(&sandbox);
    let page = search(&client, with_limit(recent(7), 5)).await?;
    let (status, _) = raw(
        &sandbox,
        "GET",
        "/v0/catalog/locations?limit=2&name=new%20york",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let wrong = sandbox
        .client_builder()
        .api_key("wrong-key")
        .retry_policy(theirstack::RetryPolicy::none())
        .build()?;
    assert!(search(&wrong, recent(7)).await.is_err());
    let (status, _) = raw(&sandbox, "GET", "/v9/nothing", None).await;
    assert_eq!(status, 404);

    let log = sandbox.requests();
    assert_eq!(log.len(), 4);
    let jobs = &log[0];
    assert_eq!(
        (jobs.method.as_str(), jobs.path.as_str()),
        ("POST", "/v1/jobs/search")
    );
    assert_eq!((jobs.status, jobs.rows, jobs.credits), (200, Some(5), 5));
    assert_eq!(
        jobs.row_ids,
        page.data.iter().map(|j| j.id).collect::<Vec<_>>()
    );
    assert_eq!(
        jobs.body.as_ref().map(|b| b["limit"].clone()),
        Some(json!(5))
    );
    assert_eq!(jobs.query, None);
    assert!(jobs.at <= sandbox.now());
    let catalog = &log[1];
    assert_eq!(catalog.query.as_deref(), Some("limit=2&name=new%20york"));
    assert_eq!(catalog.query_values("name"), ["new york"]);
    assert_eq!(
        (catalog.rows, catalog.credits, catalog.body.clone()),
        (Some(2), 0, None)
    );
    assert_eq!((log[2].status, log[2].rows, log[2].credits), (401, None, 0));
    assert!(
        log[2].body.is_some(),
        "the body is logged before the key check"
    );
    assert_eq!((log[3].status, log[3].path.as_str()), (404, "/v9/nothing"));

    // The log keeps the last requests; a lookup costs 3 credits in one request.
    let mut f = types::TechDetailsFilters::default();
    f.company_domain = page.data[0].company_domain.clone();
    client.technographics_v1().body(f).send().await?;
    let log = sandbox.requests();
    assert_eq!(log.len(), 4, "at most four kept");
    assert_eq!(log[0].path, "/v0/catalog/locations");
    let lookup = log.last().expect("logged");
    assert_eq!(
        (lookup.path.as_str(), lookup.credits),
        ("/v1/companies/technologies", 3)
    );
    assert_eq!(sandbox.credits_used(), 8);
    sandbox.clear_requests();
    assert!(sandbox.requests().is_empty());
    Ok(())
}

/// The ids of a job search for jobs discovered within `gte`..=`lte` (date-times).
async fn discovered(
    client: &Client,
    gte: Option<types::Timestamp>,
    lte: Option<types::Timestamp>,
) -> Result<Vec<i64>, Error> {
    let mut f = recent(1);
    f.discovered_at_gte = gte.map(|t| t.to_string());
    f.discovered_at_lte = lte.map(|t| t.to_string());
    f.order_by = vec![by(Field::DiscoveredAt, Some(false))];
    Ok(search(client, f).await?.data.iter().map(|j| j.id).collect())
}

#[tokio::test(start_paused = true)]
async fn second_precision_rereads_the_boundary_second() -> TestResult {
    let exact = start(unlimited().jobs(50).companies(5)).await;
    let coarse = start(
        unlimited()
            .jobs(50)
            .companies(5)
            .discovered_at_precision(Duration::from_secs(1)),
    )
    .await;
    // Two jobs in one second, 200 ms and 700 ms into it.
    let start_ms = exact.now().timestamp_subsec_millis();
    tokio::time::advance(Duration::from_millis(u64::from(2200 - start_ms))).await;
    let a = exact.add_jobs(1);
    assert_eq!(coarse.add_jobs(1), a);
    tokio::time::advance(Duration::from_millis(500)).await;
    let b = exact.add_jobs(1);
    assert_eq!(coarse.add_jobs(1), b);
    let now = exact.now();
    assert_eq!(now, coarse.now(), "the premise: one clock");
    assert_eq!(now.timestamp_subsec_millis(), 700, "the premise: {now}");
    let between = types::Timestamp(now - chrono::Duration::milliseconds(200));

    let (client, coarse_client) = (plain_client(&exact), plain_client(&coarse));
    assert_eq!(discovered(&client, Some(between), None).await?, b);
    let both: Vec<i64> = a.iter().chain(&b).copied().collect();
    assert_eq!(
        discovered(&coarse_client, Some(between), None).await?,
        both,
        "the whole second of the bound"
    );
    assert_eq!(
        discovered(&client, None, Some(between)).await?.last(),
        a.last()
    );
    assert_eq!(
        discovered(&coarse_client, None, Some(between))
            .await?
            .last(),
        b.last()
    );
    Ok(())
}

#[cfg(all(
    theirstack_has = "JobSearchFiltersInput.is_closed",
    theirstack_has = "WebhookCreate.active_event_types",
    theirstack_has = "JobWithMatchingPhrasesResponseInput.closed_at"
))]
#[tokio::test]
async fn closed_jobs_are_filtered_and_delivered_as_job_closed() -> TestResult {
    let sandbox = start(unlimited().webhook_events(4)).await;
    let client = plain_client(&sandbox);
    let hook = receiver(Some(support::SECRET)).await;
    let other = receiver(None).await;
    let listening = create_webhook(
        &client,
        json!({"url": hook.url, "search_id": 1, "secret": support::SECRET,
               "active_event_types": ["job_new", "job_closed"]}),
    )
    .await?;
    create_webhook(&client, json!({"url": other.url, "search_id": 1})).await?;
    assert_eq!(sandbox.deliver_pending().await.delivered, 8);
    let reported: Vec<i64> = hook
        .deliveries()
        .iter()
        .filter_map(|g| g.delivery.as_ref().and_then(Delivery::job).map(|j| j.id))
        .collect();
    assert_eq!(reported.len(), 4);

    // Two of the reported jobs close (an unknown id is skipped).
    let used = sandbox.credits_used();
    let closed = sandbox.close_jobs(&[reported[0], 1, reported[2]]);
    assert_eq!(closed, [reported[0], reported[2]]);
    let at = sandbox.now();
    let report = sandbox.deliver_pending().await;
    assert_eq!(
        (report.delivered, report.failed),
        (2, 0),
        "only to job_closed listeners"
    );
    assert_eq!(sandbox.credits_used() - used, 2, "1 credit per job event");
    let got = hook.deliveries();
    let closings: Vec<_> = got[4..].to_vec();
    assert_eq!(closings.len(), 2);
    for (g, id) in closings.iter().zip(&closed) {
        assert!(g.verified, "signed like the other deliveries");
        let delivery = g.delivery.as_ref().expect("decoded");
        assert_eq!(delivery.event_type(), "job.closed");
        let job = delivery.job().expect("a job");
        assert_eq!(job.id, *id);
        let closed_at = job.closed_at.expect("closed_at");
        assert!(
            (closed_at.0 - at).num_milliseconds().abs() < 1_000,
            "{closed_at}"
        );
    }
    assert_eq!(
        other.deliveries().len(),
        4,
        "nothing for the job_new-only webhook"
    );
    let events = client.webhook_events(listening.id).collect_all().await?;
    assert_eq!(events.len(), 6);

    // The closing filters see them; closing again changes nothing.
    let mut f = recent(90);
    f.job_id_or = reported.clone();
    f.is_closed = Some(true);
    let found: Vec<i64> = search(&client, f.clone())
        .await?
        .data
        .iter()
        .map(|j| j.id)
        .collect();
    let mut want = closed.clone();
    want.sort_unstable();
    let mut sorted = found.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, want);
    f.is_closed = Some(false);
    assert_eq!(search(&client, f.clone()).await?.data.len(), 2);
    f.is_closed = None;
    f.closed_at_gte = Some(at.date_naive());
    assert_eq!(search(&client, f).await?.data.len(), 2);
    assert!(sandbox.close_jobs(&closed).is_empty());
    assert_eq!(sandbox.deliver_pending().await.delivered, 0);
    Ok(())
}

#[tokio::test]
async fn added_jobs_reach_webhooks_listening_to_job_new() -> TestResult {
    let sandbox = start(unlimited()).await;
    let client = plain_client(&sandbox);
    let (status, search) = raw(
        &sandbox,
        "POST",
        "/v0/saved_searches",
        Some(json!({"name": "everything today", "type": "jobs",
                    "body": {"posted_at_max_age_days": 1}})),
    )
    .await;
    assert_eq!(status, 200, "{search}");
    let hook = receiver(None).await;
    let now = sandbox.now().to_rfc3339();
    let created = create_webhook(
        &client,
        json!({"url": hook.url, "search_id": search["id"], "listening_start_time": now}),
    )
    .await?;
    assert_eq!(
        sandbox.deliver_pending().await.delivered,
        0,
        "nothing after the start yet"
    );
    let ids = sandbox.add_jobs(3);
    let report = sandbox.deliver_pending().await;
    assert_eq!(report.delivered, 3);
    let got: Vec<i64> = hook
        .deliveries()
        .iter()
        .filter_map(|g| g.delivery.as_ref().and_then(Delivery::job).map(|j| j.id))
        .collect();
    assert_eq!(got, ids);
    let events = client.webhook_events(created.id).collect_all().await?;
    assert_eq!(events.len(), 3);
    assert!(
        events
            .iter()
            .all(|e| e.status == types::WebhookEventStatus::Success)
    );
    Ok(())
}
