//! The sandbox through the crate's public `Client`: determinism, auth, validation, paging,
//! preview, credits, rate limits, webhooks and signed deliveries, all on loopback.

// Generated types are built with `Default::default()` and field assignment (or their builders,
// or serde), never struct literals, so that a field a new document adds cannot break the build.
#![allow(clippy::field_reassign_with_default)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use theirstack::types;
use theirstack::webhooks::{Delivery, SIGNATURE_HEADER, Verifier};
use theirstack::{Client, EndpointGroup, Error, RateLimit, RetryPolicy};
use theirstack_sandbox::{BLUR_MASK, Sandbox, SandboxConfig};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const SECRET: &str = "sandbox-secret-0123456789";

async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

/// The default configuration without rate limits, for tests about something else.
fn unlimited() -> SandboxConfig {
    SandboxConfig::default().rate_limits(Vec::new())
}

/// A client for the sandbox that never retries and never waits on its own.
fn plain_client(sandbox: &Sandbox) -> Client {
    sandbox
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .pace_requests(false)
        .build()
        .expect("client builds")
}

fn recent(days: i64) -> types::JobSearchFiltersInput {
    let mut f = types::JobSearchFiltersInput::default();
    f.posted_at_max_age_days = Some(days);
    f
}

fn with_limit(mut f: types::JobSearchFiltersInput, limit: u64) -> types::JobSearchFiltersInput {
    f.limit = std::num::NonZeroU64::new(limit);
    f
}

async fn search(
    client: &Client,
    f: types::JobSearchFiltersInput,
) -> Result<types::JobSearchResponse, Error> {
    Ok(client.search_jobs_v1().body(f).send().await?.into_inner())
}

/// POSTs raw JSON, for bodies the typed client would never send.
async fn raw_post(sandbox: &Sandbox, path: &str, key: Option<&str>, body: &Value) -> (u16, Value) {
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

fn assert_envelope(body: &Value, code: &str) {
    assert!(body["request_id"].is_i64(), "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["title"].is_string(), "{body}");
    assert!(body["error"]["description"].is_string(), "{body}");
}

#[tokio::test]
async fn a_seed_fixes_the_data() -> TestResult {
    let (a, b, c) = (
        start(unlimited().seed(7)).await,
        start(unlimited().seed(7)).await,
        start(unlimited().seed(8)).await,
    );
    let page = |s: &Sandbox| {
        let client = s.client().expect("client");
        async move { search(&client, recent(30)).await }
    };
    let (pa, pb, pc) = (page(&a).await?, page(&b).await?, page(&c).await?);
    assert_eq!(pa.data.len(), 25, "the default limit");
    assert_eq!(serde_json::to_value(&pa)?, serde_json::to_value(&pb)?);
    assert_ne!(
        serde_json::to_value(&pa.data)?,
        serde_json::to_value(&pc.data)?
    );

    // Rows are full job objects, newest first.
    for pair in pa.data.windows(2) {
        assert!(
            (pair[0].date_posted, pair[0].discovered_at)
                >= (pair[1].date_posted, pair[1].discovered_at)
        );
    }
    let job = &pa.data[0];
    assert!(!job.job_title.is_empty() && job.description.as_ref().is_some_and(|d| d.len() > 200));
    assert!(!job.company_object.name.is_empty() && job.company_object.domain.is_some());
    assert!(!job.locations.is_empty() && job.country_code.is_some());
    assert!(pa.data.iter().any(|j| j.min_annual_salary_usd.is_some()));
    assert!(pa.data.iter().any(|j| !j.technology_slugs.is_empty()));
    Ok(())
}

#[tokio::test]
async fn a_wrong_or_missing_key_is_401() -> TestResult {
    let sandbox = start(unlimited().api_key("right-key")).await;
    let wrong = sandbox
        .client_builder()
        .api_key("wrong-key")
        .retry_policy(RetryPolicy::none())
        .build()?;
    let err = search(&wrong, recent(7)).await.unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    assert_eq!(err.code(), Some("E-001"));
    assert!(err.request_id().is_some());
    let err: Error = wrong
        .get_billing_credit_balance_v0()
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.is_unauthorized(), "{err}");

    let (status, body) = raw_post(
        &sandbox,
        "/v1/jobs/search",
        None,
        &json!({"posted_at_max_age_days": 1}),
    )
    .await;
    assert_eq!(status, 401);
    assert_envelope(&body, "E-001");
    assert!(search(&sandbox.client()?, recent(7)).await.is_ok());
    Ok(())
}

#[tokio::test]
async fn bad_requests_are_422_envelopes() -> TestResult {
    let sandbox = start(unlimited()).await;
    let client = plain_client(&sandbox);

    // The required-filter rule: a title alone is not enough.
    let mut f = types::JobSearchFiltersInput::default();
    f.job_title_or = vec!["data engineer".into()];
    let err = search(&client, f).await.unwrap_err();
    assert!(err.is_invalid_request(), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert!(
        err.description()
            .is_some_and(|d| d.contains("posted_at_max_age_days")),
        "{err}"
    );

    let key = Some(sandbox.api_key());
    let cases = [
        (
            "/v1/jobs/search",
            json!({"posted_at_max_age_days": 1, "not_a_filter": true}),
            "not_a_filter",
        ),
        (
            "/v1/jobs/search",
            json!({"posted_at_max_age_days": 1, "limit": 501}),
            "limit",
        ),
        (
            "/v1/jobs/search",
            json!({"posted_at_max_age_days": "soon"}),
            "posted_at_max_age_days",
        ),
        (
            "/v1/jobs/search",
            json!({"posted_at_max_age_days": 1, "discovered_at_gte": "later"}),
            "discovered_at_gte",
        ),
        (
            "/v1/companies/search",
            json!({"job_filters": {"nope": 1}}),
            "job_filters.nope",
        ),
        (
            "/v1/jobs/search",
            json!({"posted_at_max_age_days": 1, "job_seniority_or": ["intern"]}),
            "job_seniority_or",
        ),
        (
            "/v1/companies/search",
            json!({"job_filters": {"employment_statuses_or": ["gig"]}}),
            "job_filters.employment_statuses_or",
        ),
        (
            "/v1/companies/technologies",
            json!({"technology_slug_or": ["python"]}),
            "company_domain",
        ),
    ];
    for (path, body, named) in cases {
        let (status, answer) = raw_post(&sandbox, path, key, &body).await;
        assert_eq!(status, 422, "{path} {body}: {answer}");
        assert_envelope(&answer, "E-005");
        let description = answer["error"]["description"].as_str().unwrap_or("");
        assert!(description.contains(named), "{path} {body}: {description}");
    }
    let (status, answer) =
        raw_post(&sandbox, "/v1/jobs/search", key, &json!("not an object")).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(sandbox.credits_used(), 0, "refused requests cost nothing");
    Ok(())
}

#[tokio::test]
async fn unknown_paths_and_methods_get_the_envelope() -> TestResult {
    let sandbox = start(unlimited()).await;
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/v0/nothing-here", sandbox.base_url()))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 404);
    assert_envelope(&response.json().await?, "E-003");
    let response = http
        .delete(format!("{}/v1/jobs/search", sandbox.base_url()))
        .bearer_auth(sandbox.api_key())
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 405);
    assert_envelope(&response.json().await?, "E-004");

    let err: Error = sandbox
        .client()?
        .get_webhooks_by_id_v0()
        .webhook_id(424242)
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.is_not_found(), "{err}");
    Ok(())
}

#[tokio::test]
async fn the_paginator_gets_exactly_the_capped_rows() -> TestResult {
    let sandbox = start(unlimited()).await;
    let client = sandbox.client()?;
    let rows = client
        .job_search(recent(60))
        .page_size(100)
        .max_items(250)
        .collect_all()
        .await?;
    assert_eq!(rows.len(), 250);
    let ids: BTreeSet<i64> = rows.iter().map(|j| j.id).collect();
    assert_eq!(ids.len(), 250, "no duplicates");
    assert_eq!(
        sandbox.credits_used(),
        250,
        "one credit per job, no row past the cap"
    );

    // The same rows as one request of 250.
    let direct = search(&client, with_limit(recent(60), 250)).await?;
    let direct_ids: Vec<i64> = direct.data.iter().map(|j| j.id).collect();
    assert_eq!(rows.iter().map(|j| j.id).collect::<Vec<_>>(), direct_ids);

    // `page × limit`, or `offset`; both at once is refused, as a strict server does.
    let mut by_page = with_limit(recent(60), 10);
    by_page.page = Some(2);
    let page = search(&client, by_page.clone()).await?;
    assert_eq!(page.data[0].id, direct_ids[20]);
    let mut by_offset = with_limit(recent(60), 10);
    by_offset.offset = Some(5);
    let page = search(&client, by_offset).await?;
    assert_eq!(page.data[0].id, direct_ids[5]);
    by_page.offset = Some(5);
    let err = search(&client, by_page).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert!(
        err.to_string()
            .contains("use either page or offset, not both"),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn totals_come_only_when_asked_and_the_count_is_free() -> TestResult {
    let sandbox = start(unlimited()).await;
    let client = sandbox.client()?;
    let mut f = with_limit(recent(14), 5);
    f.job_country_code_or = vec!["US".into()];
    let plain = search(&client, f.clone()).await?;
    assert_eq!(
        (plain.metadata.total_results, plain.metadata.total_companies),
        (None, None)
    );
    f.include_total_results = Some(true);
    let with_totals = search(&client, f.clone()).await?;
    let total = with_totals.metadata.total_results.expect("total_results");
    let companies = with_totals
        .metadata
        .total_companies
        .expect("total_companies");
    assert!(
        total > 5 && companies > 0 && companies <= total,
        "{total} jobs, {companies} companies"
    );
    assert!(
        with_totals
            .data
            .iter()
            .all(|j| j.country_code.as_deref() == Some("US"))
    );

    let used = sandbox.credits_used();
    assert_eq!(client.count_jobs(&f).await?, total as u64);
    assert_eq!(sandbox.credits_used(), used, "the free count costs nothing");
    Ok(())
}

#[tokio::test]
async fn preview_blurs_and_costs_nothing() -> TestResult {
    let sandbox = start(unlimited()).await;
    let client = sandbox.client()?;
    let jobs = client
        .job_search(recent(30))
        .preview(true)
        .max_items(40)
        .collect_all()
        .await?;
    assert_eq!(jobs.len(), 40);
    for job in &jobs {
        assert!(job.has_blurred_data && job.company_object.has_blurred_data);
        assert_eq!(job.description.as_deref(), Some(BLUR_MASK));
        assert_eq!(job.company, BLUR_MASK);
        assert_eq!(job.company_object.name, BLUR_MASK);
        assert_eq!(job.company_object.domain.as_deref(), Some(BLUR_MASK));
        assert_eq!(job.source_url, BLUR_MASK);
        assert!(!job.job_title.is_empty(), "titles stay visible");
    }
    let mut companies = types::CompanySearchFiltersInput::default();
    companies.blur_company_data = Some(true);
    let page = client
        .search_companies_v1()
        .body(companies)
        .send()
        .await?
        .into_inner();
    assert!(
        page.data
            .iter()
            .all(|c| c.has_blurred_data && c.name == BLUR_MASK)
    );
    assert_eq!(sandbox.credits_used(), 0);

    // Preview is refused with company identifiers.
    let mut f = recent(30);
    f.blur_company_data = Some(true);
    f.company_domain_or = vec!["anything.example".into()];
    let err = search(&client, f).await.unwrap_err();
    assert!(err.is_invalid_request(), "{err}");
    Ok(())
}

#[tokio::test]
async fn credits_are_charged_per_row_and_show_in_the_balance_and_ledger() -> TestResult {
    let sandbox = start(unlimited().api_credits(1_000)).await;
    let client = sandbox.client()?;
    search(&client, with_limit(recent(30), 30)).await?;
    let mut companies = types::CompanySearchFiltersInput::default();
    companies.limit = std::num::NonZeroU64::new(10);
    companies.company_technology_slug_or = vec!["python".into()];
    let page = client
        .search_companies_v1()
        .body(companies)
        .send()
        .await?
        .into_inner();
    assert_eq!(page.data.len(), 10);
    assert!(page.data.iter().all(|c| {
        c.technology_slugs
            .as_ref()
            .is_some_and(|t| t.contains(&"python".to_string()))
    }));

    // Technographics: 3 credits for a lookup that returns rows, nothing for an unknown company.
    let domain = page.data[0].domain.clone().expect("domain");
    let mut lookup = types::TechDetailsFilters::default();
    lookup.company_domain = Some(format!("https://www.{domain}/about"));
    let techs = client
        .technographics_v1()
        .body(lookup)
        .send()
        .await?
        .into_inner();
    assert!(
        !techs.data.is_empty()
            && techs
                .data
                .iter()
                .all(|k| k.company_name == page.data[0].name)
    );
    let mut unknown = types::TechDetailsFilters::default();
    unknown.company_domain = Some("nobody.example".into());
    assert!(
        client
            .technographics_v1()
            .body(unknown)
            .send()
            .await?
            .into_inner()
            .data
            .is_empty()
    );

    let spent = 30 + 10 * 3 + 3;
    let balance = client
        .get_billing_credit_balance_v0()
        .send()
        .await?
        .into_inner();
    assert_eq!(
        (balance.used_api_credits, balance.api_credits),
        (spent, 1_000 - spent)
    );
    assert_eq!(sandbox.credits_remaining(), 1_000 - spent);
    let ledger = client
        .get_teams_credits_consumption_v0()
        .send()
        .await?
        .into_inner();
    assert_eq!(
        ledger.iter().map(|d| d.api_credits_consumed).sum::<i64>(),
        spent as i64
    );
    assert_eq!(
        ledger.last().map(|d| d.api_credits_consumed),
        Some(spent as i64),
        "charged today"
    );
    Ok(())
}

#[tokio::test]
async fn running_out_of_credits_truncates_then_refuses() -> TestResult {
    let sandbox = start(unlimited().api_credits(30)).await;
    let client = plain_client(&sandbox);
    let mut pages = Vec::new();
    let mut stream = std::pin::pin!(
        client
            .job_search(recent(30))
            .page_size(25)
            .max_items(100)
            .pages()
    );
    let mut end = None;
    while let Some(page) = futures::StreamExt::next(&mut stream).await {
        match page {
            Ok(page) => pages.push(page),
            Err(e) => end = Some(e),
        }
    }
    let sizes: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
    assert_eq!(sizes, [25, 5]);
    assert_eq!(
        pages[1].metadata.as_ref().and_then(|m| m.truncated_results),
        Some(20)
    );
    let end = end.expect("the stream ends with an error");
    assert!(end.is_insufficient_credits(), "{end}");
    assert_eq!(end.withheld_rows(), Some(20));
    assert_eq!(sandbox.credits_remaining(), 0);

    // At zero, a search that finds rows is a 402; preview still works.
    let err = search(&client, recent(30)).await.unwrap_err();
    assert!(err.is_insufficient_credits(), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(402));
    assert_eq!(err.code(), Some("E-002"));
    let mut preview = recent(30);
    preview.blur_company_data = Some(true);
    assert_eq!(search(&client, preview).await?.data.len(), 25);

    // Companies cost 3: with 7 credits, two of five rows come back.
    sandbox.set_credits(7);
    let mut companies = types::CompanySearchFiltersInput::default();
    companies.limit = std::num::NonZeroU64::new(5);
    let page = client
        .search_companies_v1()
        .body(companies)
        .send()
        .await?
        .into_inner();
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.metadata.truncated_companies, Some(3));
    assert_eq!(sandbox.credits_remaining(), 1);
    Ok(())
}

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

/// A webhook receiver on loopback that records what it gets and checks signatures.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
}

/// The receiver's verifier (none: accept anything) and what it got.
type ReceiverState = (Option<Arc<Verifier>>, Arc<Mutex<Vec<Got>>>);

#[derive(Debug, Clone)]
struct Got {
    signature: Option<String>,
    verified: bool,
    delivery: Option<Delivery>,
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
async fn receiver(secret: Option<&str>) -> Receiver {
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

async fn create_webhook(client: &Client, body: Value) -> Result<types::Webhook, Error> {
    let body: types::WebhookCreate = serde_json::from_value(body).expect("valid create body");
    Ok(client
        .post_webhooks_v0()
        .body(body)
        .send()
        .await?
        .into_inner())
}

#[tokio::test]
async fn webhooks_round_trip() -> TestResult {
    let sandbox = start(unlimited()).await;
    let client = sandbox.client()?;
    let searches = client.get_saved_searches_v0().send().await?.into_inner();
    assert_eq!(searches.iter().map(|s| s.id).collect::<Vec<_>>(), [1, 2, 3]);

    let created = create_webhook(
        &client,
        json!({"url": "http://127.0.0.1:9/hook", "search_id": 1, "description": "first"}),
    )
    .await?;
    assert!(created.is_active && !created.is_archived);
    assert_eq!(created.event_type, types::WebhookEventType::JobNew);
    assert_eq!(created.search_name, searches[0].name);
    let fetched = client
        .get_webhooks_by_id_v0()
        .webhook_id(created.id)
        .send()
        .await?
        .into_inner();
    assert_eq!(fetched, created);
    let companies = create_webhook(
        &client,
        json!({"url": "http://localhost:9/c", "search_id": 3}),
    )
    .await?;
    assert_eq!(companies.event_type, types::WebhookEventType::CompanyNew);
    let listed = client.get_webhooks_v0().send().await?.into_inner();
    assert_eq!(
        listed.iter().map(|w| w.id).collect::<Vec<_>>(),
        [created.id, companies.id]
    );

    let update: types::WebhookUpdate = serde_json::from_value(
        json!({"url": "http://127.0.0.1:9/v2", "search_id": 2, "description": "second"}),
    )?;
    let updated = client
        .patch_webhooks_by_id_v0()
        .webhook_id(created.id)
        .body(update)
        .send()
        .await?
        .into_inner();
    assert_eq!(
        (updated.url.as_str(), updated.search_id),
        ("http://127.0.0.1:9/v2", 2)
    );
    assert_eq!(updated.description.as_deref(), Some("second"));

    let off = client
        .patch_webhooks_status_v0()
        .webhook_id(created.id)
        .body(types::WebhookStatusUpdate::builder().is_active(false))
        .send()
        .await?
        .into_inner();
    assert!(!off.is_active);
    let archived = client
        .patch_webhooks_archive_v0()
        .webhook_id(created.id)
        .send()
        .await?
        .into_inner();
    assert!(archived.is_archived);
    let listed = client.get_webhooks_v0().send().await?.into_inner();
    assert_eq!(
        listed.iter().map(|w| w.id).collect::<Vec<_>>(),
        [companies.id],
        "archived ones are hidden"
    );
    assert!(
        client
            .get_webhooks_by_id_v0()
            .webhook_id(created.id)
            .send()
            .await?
            .into_inner()
            .is_archived
    );

    // Unknown ids are 404s.
    let err: Error = client
        .patch_webhooks_archive_v0()
        .webhook_id(777)
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.is_not_found(), "{err}");
    let err: Error = client
        .get_webhooks_events_count_v0()
        .webhook_id(777)
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.is_not_found(), "{err}");

    // A new saved search can back a webhook.
    let saved: types::SavedSearchCreate = serde_json::from_value(json!({
        "name": "Rust jobs", "type": "jobs",
        "body": {"posted_at_max_age_days": 30, "job_technology_slug_or": ["rust"]}
    }))?;
    let saved = client
        .post_saved_searches_v0()
        .body(saved)
        .send()
        .await?
        .into_inner();
    assert_eq!(saved.id, 4);
    let rust = create_webhook(
        &client,
        json!({"url": "http://127.0.0.1:9/rust", "search_id": saved.id}),
    )
    .await?;
    assert_eq!(rust.search_name, "Rust jobs");
    Ok(())
}

#[tokio::test]
async fn webhook_events_page_through_the_client() -> TestResult {
    let sandbox = start(unlimited().webhook_events(40)).await;
    let client = sandbox.client()?;
    let hook = create_webhook(
        &client,
        json!({"url": "http://127.0.0.1:9/hook", "search_id": 2}),
    )
    .await?;
    let count = client
        .get_webhooks_events_count_v0()
        .webhook_id(hook.id)
        .send()
        .await?
        .into_inner();
    assert_eq!(count, 40);
    let events = client
        .webhook_events(hook.id)
        .page_size(7)
        .collect_all()
        .await?;
    assert_eq!(events.len(), 40);
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    assert!(
        ids.windows(2).all(|p| p[0] < p[1]),
        "ascending ids, no duplicates"
    );
    for e in &events {
        assert_eq!(
            (e.webhook_id, &e.status),
            (hook.id, &types::WebhookEventStatus::InProgress)
        );
        assert!(e.job_id.is_some() && e.payload.is_some());
    }
    assert!(
        events
            .windows(2)
            .all(|p| p[0].triggered_at <= p[1].triggered_at),
        "oldest first"
    );
    let failed = client
        .webhook_events(hook.id)
        .status(types::WebhookEventStatus::Failed)
        .collect_all()
        .await?;
    assert!(failed.is_empty());
    let by_status = client
        .get_webhooks_events_count_aggregated_v0()
        .send()
        .await?
        .into_inner();
    assert_eq!(
        by_status.iter().map(|c| c.number_of_events).sum::<i64>(),
        40
    );
    assert!(
        by_status
            .iter()
            .all(|c| c.status == Some(types::WebhookEventStatus::InProgress))
    );
    let by_hook = client
        .get_webhooks_events_count_aggregated_v0()
        .group_by(group_by_webhook())
        .send()
        .await?
        .into_inner();
    assert!(
        by_hook
            .iter()
            .all(|c| c.webhook_id == Some(hook.id) && c.status.is_none())
    );
    Ok(())
}

#[tokio::test]
async fn events_are_delivered_to_the_url_and_failures_can_be_retried() -> TestResult {
    let sandbox = start(unlimited().webhook_events(12)).await;
    let client = sandbox.client()?;
    let open = receiver(None).await;
    let hook = create_webhook(&client, json!({"url": open.url, "search_id": 1})).await?;
    let report = sandbox.deliver_pending().await;
    assert_eq!(
        (report.delivered, report.failed, report.not_triggered),
        (12, 0, 0)
    );
    let got = open.got.lock().unwrap().clone();
    let events = client.webhook_events(hook.id).collect_all().await?;
    assert_eq!(
        got.iter()
            .map(|g| g.delivery.as_ref().and_then(Delivery::id))
            .collect::<Vec<_>>(),
        events.iter().map(|e| Some(e.id)).collect::<Vec<_>>(),
        "delivered in event order, one each"
    );
    for (g, e) in got.iter().zip(&events) {
        let job = g
            .delivery
            .as_ref()
            .and_then(Delivery::job)
            .expect("job.new");
        assert_eq!(Some(job.id), e.job_id);
        assert!(g.signature.is_none(), "no secret, no signature");
        assert_eq!(
            (&e.status, e.response_status_code),
            (&types::WebhookEventStatus::Success, Some(200))
        );
    }
    assert_eq!(sandbox.credits_used(), 12, "one credit per job event");
    assert_eq!(
        sandbox.deliver_pending().await.delivered,
        0,
        "nothing twice"
    );

    // A receiver that refuses: events fail, then go back to IN_PROGRESS when retried.
    let strict = receiver(Some(SECRET)).await;
    let refused = create_webhook(&client, json!({"url": strict.url, "search_id": 3})).await?;
    let report = sandbox.deliver_pending().await;
    assert_eq!((report.delivered, report.failed), (0, 12));
    let failed = client
        .webhook_events(refused.id)
        .status(types::WebhookEventStatus::Failed)
        .collect_all()
        .await?;
    assert_eq!(failed.len(), 12);
    assert!(
        failed
            .iter()
            .all(|e| e.response_status_code == Some(401) && e.job_id.is_none())
    );
    assert_eq!(
        sandbox.credits_used(),
        12 + 12 * 3,
        "three credits per company event"
    );
    let retry: types::WebhookEventRetryRequest =
        serde_json::from_value(json!({"webhook_event_ids": [failed[0].id, failed[1].id]}))?;
    client
        .post_webhooks_events_retry_v0()
        .body(retry)
        .send()
        .await?;
    let pending = client
        .webhook_events(refused.id)
        .status(types::WebhookEventStatus::InProgress)
        .collect_all()
        .await?;
    assert_eq!(
        pending.iter().map(|e| e.id).collect::<Vec<_>>(),
        [failed[0].id, failed[1].id]
    );
    assert_eq!(sandbox.deliver_pending().await.failed, 2);
    assert_eq!(sandbox.credits_used(), 48, "a retry is not charged again");
    let retry: types::WebhookEventRetryRequest =
        serde_json::from_value(json!({"webhook_event_ids": [987654]}))?;
    let err: Error = client
        .post_webhooks_events_retry_v0()
        .body(retry)
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.is_not_found(), "{err}");

    // Without credits, events are not sent.
    sandbox.set_credits(0);
    let later = create_webhook(&client, json!({"url": open.url, "search_id": 2})).await?;
    assert_eq!(sandbox.deliver_pending().await.not_triggered, 12);
    let skipped = client
        .webhook_events(later.id)
        .status(types::WebhookEventStatus::NotTriggered)
        .collect_all()
        .await?;
    assert_eq!(skipped.len(), 12);
    Ok(())
}

#[cfg(theirstack_has = "WebhookCreate.secret")]
#[tokio::test]
async fn signed_deliveries_verify_with_the_crate() -> TestResult {
    let sandbox = start(unlimited().webhook_events(5)).await;
    let client = sandbox.client()?;
    let strict = receiver(Some(SECRET)).await;
    let hook = create_webhook(
        &client,
        json!({"url": strict.url, "search_id": 1, "secret": SECRET}),
    )
    .await?;
    let report = sandbox.deliver_pending().await;
    assert_eq!((report.delivered, report.failed), (5, 0));
    let got = strict.got.lock().unwrap().clone();
    assert_eq!(got.len(), 5);
    assert!(got.iter().all(|g| {
        g.verified
            && g.signature
                .as_deref()
                .is_some_and(|s| s.starts_with("sha256="))
    }));
    let events = client.webhook_events(hook.id).collect_all().await?;
    assert!(
        events
            .iter()
            .all(|e| e.status == types::WebhookEventStatus::Success)
    );

    // The test endpoint sends one signed sample delivery, with event id 0.
    #[cfg(theirstack_has = "WebhookTest.webhook_id")]
    {
        let test: types::WebhookTest = serde_json::from_value(json!({"webhook_id": hook.id}))?;
        let answer = client
            .post_webhooks_test_v0()
            .body(test)
            .send()
            .await?
            .into_inner();
        assert_eq!(answer.status, 200);
        let got = strict
            .got
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a delivery");
        assert!(got.verified);
        assert_eq!(got.delivery.as_ref().map(Delivery::id), Some(Some(0)));
        #[cfg(theirstack_has = "WebhookTestResponse.signature")]
        assert_eq!(answer.signature, got.signature);

        // A wrong secret: the receiver refuses, and the answer says so.
        let test: types::WebhookTest = serde_json::from_value(
            json!({"url": strict.url, "event_type": "company_new", "secret": "another-secret-0123456789"}),
        )?;
        let answer = client
            .post_webhooks_test_v0()
            .body(test)
            .send()
            .await?
            .into_inner();
        assert_eq!(answer.status, 401);
        let got = strict
            .got
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a delivery");
        assert!(!got.verified);
    }
    Ok(())
}

#[tokio::test]
async fn test_deliveries_reach_loopback_only() -> TestResult {
    let sandbox = start(unlimited()).await;
    let client = sandbox.client()?;
    let open = receiver(None).await;
    let test: types::WebhookTest =
        serde_json::from_value(json!({"url": open.url, "event_type": "company_new"}))?;
    let answer = client
        .post_webhooks_test_v0()
        .body(test)
        .send()
        .await?
        .into_inner();
    assert_eq!(answer.status, 200);
    let got = open.got.lock().unwrap().clone();
    assert!(
        matches!(got.as_slice(), [g] if g.delivery.as_ref().and_then(Delivery::company).is_some())
    );

    let test: types::WebhookTest = serde_json::from_value(
        json!({"url": "https://hooks.example.com/x", "event_type": "job_new"}),
    )?;
    let err: Error = client
        .post_webhooks_test_v0()
        .body(test)
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(
        err.is_invalid_request() && err.description().is_some_and(|d| d.contains("loopback")),
        "{err}"
    );

    // Nothing listens on this port: the answer says so with status 0.
    let test: types::WebhookTest =
        serde_json::from_value(json!({"url": "http://127.0.0.1:9/none", "event_type": "job_new"}))?;
    let answer = client
        .post_webhooks_test_v0()
        .body(test)
        .send()
        .await?
        .into_inner();
    assert_eq!(answer.status, 0);
    Ok(())
}

#[tokio::test]
async fn company_search_filters_jobs_and_technologies() -> TestResult {
    let sandbox = start(unlimited()).await;
    let client = sandbox.client()?;
    let body: types::CompanySearchFiltersInput = serde_json::from_value(json!({
        "limit": 20,
        "include_total_results": true,
        "company_country_code_or": ["US", "GB"],
        "tech_filters": {"technology_slug_or": ["snowflake"]},
        "job_filters": {"posted_at_max_age_days": 30, "job_title_or": ["engineer"]}
    }))?;
    let page = client
        .search_companies_v1()
        .body(body)
        .send()
        .await?
        .into_inner();
    assert!(!page.data.is_empty());
    assert_eq!(page.metadata.total_results, page.metadata.total_companies);
    for c in &page.data {
        assert!(matches!(c.country_code.as_deref(), Some("US" | "GB")));
        assert!(
            c.technologies_found
                .iter()
                .all(|k| k.technology.slug == "snowflake")
                && !c.technologies_found.is_empty()
        );
        let found = c.num_jobs_found.expect("num_jobs_found with job_filters");
        assert!(found >= 1 && c.jobs_found.len() == (found as usize).min(5));
        assert!(c.jobs_found.iter().all(|j| {
            j.job_title
                .as_deref()
                .is_some_and(|t| t.to_lowercase().contains("engineer"))
        }));
    }
    let counts: Vec<i64> = page.data.iter().filter_map(|c| c.num_jobs_found).collect();
    assert!(
        counts.windows(2).all(|p| p[0] >= p[1]),
        "most matching jobs first"
    );

    // Firmographic filters and property_exists.
    let count = |body: Value| {
        let client = client.clone();
        async move {
            let body: types::CompanySearchFiltersInput = serde_json::from_value(body)?;
            let page = client
                .search_companies_v1()
                .body(body)
                .send()
                .await?
                .into_inner();
            Ok::<_, Box<dyn std::error::Error>>((
                page.metadata.total_results.unwrap_or(-1),
                page.data,
            ))
        }
    };
    let (all, _) = count(json!({"limit": 1, "include_total_results": true})).await?;
    assert_eq!(all, 500);
    let (linked, rows) = count(json!({"limit": 500, "include_total_results": true, "property_exists_and": ["linkedin_url"]})).await?;
    assert!(
        linked < all && rows.iter().all(|c| c.linkedin_url.is_some()),
        "{linked} of {all}"
    );
    let (mid, rows) = count(json!({"limit": 500, "include_total_results": true, "min_employee_count": 100, "max_employee_count": 1000})).await?;
    assert!(
        mid > 0
            && rows
                .iter()
                .all(|c| c.employee_count.is_some_and(|n| (100..=1000).contains(&n)))
    );
    Ok(())
}

#[tokio::test]
async fn bad_configurations_are_refused() {
    for config in [
        SandboxConfig::default().api_key("has space"),
        SandboxConfig::default().jobs(10).companies(0),
        SandboxConfig::default().rate_limits(vec![theirstack_sandbox::RateLimitWindow::new(
            "x",
            0,
            Duration::from_secs(1),
        )]),
    ] {
        let err = Sandbox::start(config).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
    }
    let first = start(SandboxConfig::default().jobs(0).companies(0)).await;
    let taken = Sandbox::start(SandboxConfig::default().port(first.local_addr().port())).await;
    assert!(taken.is_err(), "the port is in use");
    first.shutdown().await.expect("clean shutdown");
}

/// `group_by=webhook_id`, in the parameter's shape: a list since July 2026, one value before.
#[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0?group_by[]")]
fn group_by_webhook() -> Vec<types::WebhookGroupBy> {
    vec![types::WebhookGroupBy::WebhookId]
}

#[cfg(not(theirstack_has = "op:get_webhooks_events_count_aggregated_v0?group_by[]"))]
fn group_by_webhook() -> types::WebhookGroupBy {
    types::WebhookGroupBy::WebhookId
}
