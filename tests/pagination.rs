//! Pagination streams against loopback fakes: the exact body or query of every paged request (one
//! paging style each), caps that no request passes, over-long pages, servers that ignore `offset`,
//! look-ahead, stop rules and resuming, for the searches, technographics and the free lists.

mod support;

use futures::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;
use support::fake_search::{COMPANIES, Config, FakeSearch, JOBS, TECHNOGRAPHICS};
use support::tracing_capture::Captured;
use theirstack::pagination::Page;
use theirstack::types::{
    self, CompanySearchFiltersInput, JobSearchFiltersInput, JobWithMatchingPhrasesResponseOutput,
    TechDetailsFilters,
};
use theirstack::{Client, ErrorKind, RetryPolicy};

fn filters() -> JobSearchFiltersInput {
    JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .try_into()
        .unwrap()
}

/// `filters()` as its body carries it, paging aside.
fn filters_json() -> Value {
    json!({"posted_at_max_age_days": 7})
}

fn client(fake: &FakeSearch) -> Client {
    support::client_for_url(&fake.base_url, RetryPolicy::none())
}

fn ids(rows: &[JobWithMatchingPhrasesResponseOutput]) -> Vec<i64> {
    rows.iter().map(|j| j.id).collect()
}

/// `(offset, limit)` of every request the fake saw on `path`, in arrival order, after checking
/// that each body is exactly `filters` plus `offset`, `limit` and a boolean
/// `include_total_results`: no `page`, no other key.
fn paged(fake: &FakeSearch, path: &str, filters: &Value) -> Vec<(u64, u64)> {
    let seen = fake.seen();
    assert!(seen.iter().all(|s| s.path == path), "{seen:?}");
    seen.iter()
        .map(|s| {
            let mut body = s.body.as_object().cloned().expect("a JSON object body");
            let offset = body.remove("offset").and_then(|v| v.as_u64());
            let limit = body.remove("limit").and_then(|v| v.as_u64());
            let total = body.remove("include_total_results");
            assert!(total.is_some_and(|t| t.is_boolean()), "{}", s.body);
            assert_eq!(Value::Object(body), *filters, "paging aside: {}", s.body);
            (offset.expect("an offset"), limit.expect("a limit"))
        })
        .collect()
}

/// [`paged`] for the job searches of these tests.
fn job_requests(fake: &FakeSearch) -> Vec<(u64, u64)> {
    paged(fake, JOBS, &filters_json())
}

fn statuses(fake: &FakeSearch) -> Vec<u16> {
    fake.seen().iter().map(|s| s.status).collect()
}

/// Every page of a stream, panicking on an error.
async fn all_pages<T>(
    pages: impl futures::Stream<Item = theirstack::Result<Page<T>>>,
) -> Vec<Page<T>> {
    pages.map(|p| p.expect("a page")).collect().await
}

// ---- the fake reads paging strictly -------------------------------------------------------------

#[tokio::test]
async fn the_fake_refuses_a_body_with_both_page_and_offset_with_a_422() {
    let fake = FakeSearch::start(Config::new(10)).await;
    let response = reqwest::Client::new()
        .post(format!("{}{JOBS}", fake.base_url))
        .json(&json!({"page": 1, "offset": 0, "limit": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"error": {"code": "E-002", "title": "Validation error",
                         "description": "use either page or offset, not both (page=1, offset=0)"}})
    );
    // Through the client too: the paginator would end with this error if it sent both again.
    let mut both = filters();
    (both.page, both.offset) = (Some(1), Some(0));
    let err = client(&fake)
        .search_jobs_v1()
        .body(both)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422), "{err}");
    // Page paging alone is read as page × limit.
    let response = reqwest::Client::new()
        .post(format!("{}{JOBS}", fake.base_url))
        .json(&json!({"page": 1, "limit": 4}))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"][0]["id"], 1004);
    assert_eq!(statuses(&fake), [422, 422, 200]);
}

// ---- job search: the plan, request by request ---------------------------------------------------

#[tokio::test]
async fn three_pages_of_three_over_seven_rows_end_on_the_short_page() {
    let fake = FakeSearch::start(Config::new(7)).await;
    let rows = client(&fake)
        .job_search(filters())
        .page_size(3)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&rows), (1000..1007).collect::<Vec<_>>());
    // The short third page ends the stream: no fourth request.
    assert_eq!(job_requests(&fake), [(0, 3), (3, 3), (6, 3)]);
}

#[tokio::test]
async fn an_item_cap_of_1234_sends_limits_500_500_234_at_offsets_0_500_1000() {
    let fake = FakeSearch::start(Config::new(10_000)).await;
    let rows = client(&fake)
        .job_search(filters())
        .max_items(1234)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&rows), (1000..2234).collect::<Vec<_>>());
    assert_eq!(job_requests(&fake), [(0, 500), (500, 500), (1000, 234)]);
    assert_eq!(fake.rows_served(), 1234, "not one row past the cap");
}

#[tokio::test]
async fn a_credit_cap_of_730_at_one_credit_per_job_sends_limits_500_then_230() {
    let fake = FakeSearch::start(Config::new(10_000)).await;
    let pages = all_pages(client(&fake).job_search(filters()).max_credits(730).pages()).await;
    let credits: Vec<u64> = pages.iter().map(|p| p.credits).collect();
    assert_eq!(credits, [500, 230]);
    assert_eq!(job_requests(&fake), [(0, 500), (500, 230)]);
    assert_eq!(fake.rows_served(), 730);
}

#[tokio::test]
async fn a_pull_resumed_at_offset_1231_is_walked_exactly_from_there() {
    let fake = FakeSearch::start(Config::new(10_000)).await;
    let rows = client(&fake)
        .job_search(filters())
        .start_offset(1231)
        .max_items(700)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&rows), (2231..2931).collect::<Vec<_>>());
    // An offset that is not a page boundary needs no smaller limits.
    assert_eq!(job_requests(&fake), [(1231, 500), (1731, 200)]);
}

#[tokio::test]
async fn start_page_8_of_100_rows_asks_for_offset_800_with_no_page_key() {
    let fake = FakeSearch::start(Config::new(1_000)).await;
    let rows = client(&fake)
        .job_search(filters())
        .page_size(100)
        .start_page(8)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&rows), (1800..2000).collect::<Vec<_>>());
    // The second page is full, so a third asks past the end and comes back empty.
    assert_eq!(job_requests(&fake), [(800, 100), (900, 100), (1000, 100)]);
    assert_eq!(fake.seen()[0].body["include_total_results"], false);
}

// ---- pages longer than their limit --------------------------------------------------------------

#[tokio::test]
async fn an_over_long_page_is_cut_to_its_limit_charged_in_full_and_logged() {
    let captured = Captured::global();
    let mut config = Config::new(10_000);
    config.extra_rows = 2;
    let fake = FakeSearch::start(config).await;
    // A start of its own, so that the log line below is this test's.
    let pages = all_pages(
        client(&fake)
            .job_search(filters())
            .start_offset(4321)
            .max_items(3)
            .pages(),
    )
    .await;
    assert_eq!(pages.len(), 1);
    assert_eq!(ids(&pages[0].items), [5321, 5322, 5323], "3 of the 5 rows");
    assert_eq!(pages[0].credits, 5, "the server charges every row it sent");
    assert_eq!(
        job_requests(&fake),
        [(4321, 3)],
        "one request, nothing after"
    );
    assert_eq!(fake.rows_served(), 5);
    let text = captured.text();
    let line = text
        .lines()
        .find(|l| l.contains("more rows than the request asked for") && l.contains("offset=4321"))
        .unwrap_or_else(|| panic!("no warning for offset 4321 in:\n{text}"));
    assert!(line.contains("WARN"), "{line}");
    for field in ["limit=3", "returned=5", "dropped=2", "credits_charged=5"] {
        assert!(line.contains(field), "{field} in {line}");
    }
}

#[tokio::test]
async fn over_long_pages_count_against_the_credit_cap_and_cut_the_next_limit() {
    let mut config = Config::new(10_000);
    config.extra_rows = 2;
    let fake = FakeSearch::start(config).await;
    let pages = all_pages(
        client(&fake)
            .job_search(filters())
            .page_size(5)
            .max_credits(10)
            .pages(),
    )
    .await;
    // 10 credits: the first request reserves 5 and is charged 7, so the second asks for 3.
    assert_eq!(job_requests(&fake), [(0, 5), (5, 3)], "no third request");
    let delivered: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
    assert_eq!(delivered, [5, 3]);
    let rows: Vec<_> = pages.into_iter().flat_map(|p| p.items).collect();
    assert_eq!(ids(&rows), (1000..1008).collect::<Vec<_>>());
    assert_eq!(fake.rows_served(), 7 + 5);
}

// ---- stop rules and errors ----------------------------------------------------------------------

#[tokio::test]
async fn a_server_that_ignores_offset_ends_the_stream_with_a_repeated_page_error() {
    let mut config = Config::new(100);
    config.ignore_offset = true;
    let fake = FakeSearch::start(config).await;
    let mut stream = std::pin::pin!(client(&fake).job_search(filters()).page_size(10).items());
    let mut got = Vec::new();
    let err = loop {
        match stream.next().await {
            Some(Ok(job)) => got.push(job.id),
            Some(Err(e)) => break e,
            None => panic!("stream ended without an error"),
        }
    };
    assert_eq!(got, (1000..1010).collect::<Vec<_>>(), "the first page");
    assert_eq!(err.kind(), ErrorKind::RepeatedPage);
    assert!(
        err.to_string()
            .contains("the server appears to ignore `offset`"),
        "{err}"
    );
    assert_eq!(err.resume_position().unwrap().offset, 10);
    assert!(stream.next().await.is_none(), "the stream ends after it");
    assert_eq!(job_requests(&fake), [(0, 10), (10, 10)]);
}

#[tokio::test]
async fn look_ahead_overlaps_requests_but_never_passes_total_or_caps() {
    let mut config = Config::new(730);
    config.latency = Duration::from_millis(40);
    let fake = FakeSearch::start(config).await;
    let rows = client(&fake)
        .job_search(filters())
        .page_size(100)
        .look_ahead(3)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&rows), (1000..1730).collect::<Vec<_>>());
    let mut requests = job_requests(&fake);
    requests.sort();
    let expected: Vec<(u64, u64)> = (0..8).map(|p| (p * 100, 100)).collect();
    assert_eq!(requests, expected, "each page once, nothing past total 730");
    let seen = fake.seen();
    assert!(seen[0].include_total && seen[1..].iter().all(|s| !s.include_total));
    assert_eq!(fake.max_in_flight(), 3, "three requests overlapped");
    // Without a cap the total is unknown until the first page is back: nothing else goes out
    // before it.
    let events = fake.events();
    let second_arrives = events.iter().position(|e| *e == (100, true)).unwrap();
    let first_answered = events.iter().position(|e| *e == (0, false)).unwrap();
    assert!(first_answered < second_arrives, "{events:?}");

    let mut config = Config::new(10_000);
    config.latency = Duration::from_millis(20);
    let fake = FakeSearch::start(config).await;
    let rows = client(&fake)
        .job_search(filters())
        .page_size(100)
        .max_items(450)
        .look_ahead(3)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&rows), (1000..1450).collect::<Vec<_>>());
    let mut requests = job_requests(&fake);
    requests.sort();
    assert_eq!(
        requests,
        [(0, 100), (100, 100), (200, 100), (300, 100), (400, 50)],
        "nothing past the cap"
    );
    assert_eq!(fake.rows_served(), 450);
    // With a cap, every planned request is wanted: the window opens with the first request,
    // so the third request arrives before the first is answered.
    assert_eq!(fake.max_in_flight(), 3);
    let events = fake.events();
    let third_arrives = events.iter().position(|e| *e == (200, true)).unwrap();
    let first_answered = events.iter().position(|e| *e == (0, false)).unwrap();
    assert!(third_arrives < first_answered, "{events:?}");
}

#[tokio::test]
async fn a_failure_on_page_three_resumes_with_no_duplicate_and_no_gap() {
    let mut config = Config::new(1_000);
    config.failures.insert(200, vec![500]);
    let fake = FakeSearch::start(config).await;
    let client = client(&fake);
    let mut first = Vec::new();
    let mut stream = std::pin::pin!(client.job_search(filters()).page_size(100).items());
    let err = loop {
        match stream.next().await.expect("an error before the end") {
            Ok(job) => first.push(job.id),
            Err(e) => break e,
        }
    };
    assert!(err.is_server());
    let position = *err.resume_position().expect("resume position");
    assert_eq!(position.offset, 200);
    assert!(
        err.to_string().ends_with("; resume from offset 200"),
        "{err}"
    );
    assert!(stream.next().await.is_none(), "the stream ends after it");
    let rest = client
        .job_search(filters())
        .page_size(100)
        .resume(position)
        .collect_all()
        .await
        .unwrap();
    let all: Vec<i64> = first.into_iter().chain(ids(&rest)).collect();
    assert_eq!(all, (1000..2000).collect::<Vec<_>>());
    // The resumed pull starts with the failed request; the empty page at 1000 ends it.
    let offsets: Vec<u64> = job_requests(&fake).iter().map(|r| r.0).collect();
    assert_eq!(
        offsets,
        [0, 100, 200, 200, 300, 400, 500, 600, 700, 800, 900, 1000]
    );
    assert_eq!(statuses(&fake)[2], 500);
}

#[tokio::test]
async fn truncated_results_end_the_stream_with_insufficient_credits_after_the_rows() {
    let mut config = Config::new(1_000);
    config.truncate.insert(200, 60);
    let fake = FakeSearch::start(config).await;
    let pages: Vec<_> = client(&fake)
        .job_search(filters())
        .page_size(100)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 4, "three pages, then the error");
    let last_rows = pages[2].as_ref().unwrap();
    assert_eq!(ids(&last_rows.items), (1200..1240).collect::<Vec<_>>());
    let err = pages[3].as_ref().unwrap_err();
    assert!(err.is_insufficient_credits());
    assert_eq!(err.withheld_rows(), Some(60));
    assert_eq!(err.resume_position().unwrap().offset, 240);
    assert!(
        err.to_string().contains("60 matching rows were withheld"),
        "{err}"
    );
    assert_eq!(job_requests(&fake), [(0, 100), (100, 100), (200, 100)]);
}

#[tokio::test]
async fn a_402_mid_stream_ends_with_insufficient_credits_and_its_position() {
    let mut config = Config::new(1_000);
    config.failures.insert(300, vec![402]);
    let fake = FakeSearch::start(config).await;
    let pages: Vec<_> = client(&fake)
        .job_search(filters())
        .page_size(100)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 4, "three pages, then the error");
    assert!(pages[..3].iter().all(|p| p.is_ok()));
    let err = pages[3].as_ref().unwrap_err();
    assert!(err.is_insufficient_credits());
    assert_eq!(err.status().unwrap().as_u16(), 402);
    assert_eq!(err.resume_position().unwrap().offset, 300);
    assert_eq!(
        job_requests(&fake),
        [(0, 100), (100, 100), (200, 100), (300, 100)]
    );
    assert_eq!(statuses(&fake), [200, 200, 200, 402]);
}

// ---- the free count and preview mode ------------------------------------------------------------

#[tokio::test]
async fn the_estimate_and_count_jobs_use_a_free_count_of_one_blurred_row_without_offset() {
    let fake = FakeSearch::start(Config::new(1_000)).await;
    let client = client(&fake);
    let estimate = client
        .job_search(filters())
        .max_items(1200)
        .estimate()
        .await
        .unwrap();
    assert_eq!(
        (estimate.matching, estimate.rows, estimate.credits),
        (Some(1000), Some(1000), Some(1000))
    );
    assert_eq!(client.count_jobs(&filters()).await.unwrap(), 1000);
    // Each count is one blurred row with the total: `limit` is its only paging field.
    let counts = fake.seen();
    assert_eq!(counts.len(), 2);
    for count in counts {
        assert_eq!(
            count.body,
            json!({"posted_at_max_age_days": 7, "blur_company_data": true,
                   "include_total_results": true, "limit": 1})
        );
    }
}

#[tokio::test]
async fn preview_pages_are_free_blurred_and_capped() {
    let fake = FakeSearch::start(Config::new(1_000)).await;
    let pages = all_pages(
        client(&fake)
            .job_search(filters())
            .preview(true)
            .max_items(150)
            .page_size(100)
            .pages(),
    )
    .await;
    let credits: Vec<u64> = pages.iter().map(|p| p.credits).collect();
    assert_eq!(credits, [0, 0]);
    let blurred = json!({"posted_at_max_age_days": 7, "blur_company_data": true});
    assert_eq!(
        paged(&fake, JOBS, &blurred),
        [(0, 100), (100, 50)],
        "nothing past the cap of 150"
    );
}

#[tokio::test]
async fn the_free_count_refuses_company_identifier_filters_and_sends_nothing() {
    let fake = FakeSearch::start(Config::new(10)).await;
    let mut f = filters();
    f.company_domain_or = vec!["acme.example".into()];
    let err = client(&fake).count_jobs(&f).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("company identifier"), "{err}");
    // The estimate falls back to the caps alone, still without a request.
    let estimate = client(&fake)
        .job_search(f)
        .max_items(40)
        .estimate()
        .await
        .unwrap();
    assert_eq!(
        (estimate.matching, estimate.rows, estimate.credits),
        (None, Some(40), Some(40))
    );
    assert!(fake.seen().is_empty(), "nothing was sent");
}

// ---- company search and technographics ----------------------------------------------------------

#[tokio::test]
async fn company_search_pages_by_offset_and_its_credit_cap_counts_3_per_company() {
    let fake = FakeSearch::start(Config::new(50)).await;
    let filters = CompanySearchFiltersInput {
        company_country_code_or: vec!["DE".into()],
        ..Default::default()
    };
    let pages = all_pages(
        client(&fake)
            .company_search(filters)
            .page_size(2)
            .max_credits(10)
            .pages(),
    )
    .await;
    // 10 credits buy 3 companies: a page of 2, then a page of 1.
    assert_eq!(
        paged(
            &fake,
            COMPANIES,
            &json!({"company_country_code_or": ["DE"]})
        ),
        [(0, 2), (2, 1)]
    );
    let credits: Vec<u64> = pages.iter().map(|p| p.credits).collect();
    assert_eq!(credits, [6, 3]);
    let ids: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.items)
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["company-0", "company-1", "company-2"]);
}

#[tokio::test]
async fn technographics_pages_by_offset_and_7_credits_allow_two_lookups_of_3() {
    let fake = FakeSearch::start(Config::new(10)).await;
    let filters = TechDetailsFilters {
        company_domain: Some("acme.example".into()),
        ..Default::default()
    };
    let pages = all_pages(
        client(&fake)
            .technographics(filters)
            .page_size(2)
            .max_credits(7)
            .pages(),
    )
    .await;
    assert_eq!(
        paged(
            &fake,
            TECHNOGRAPHICS,
            &json!({"company_domain": "acme.example"})
        ),
        [(0, 2), (2, 2)],
        "a third lookup would pass 7 credits"
    );
    let credits: Vec<u64> = pages.iter().map(|p| p.credits).collect();
    assert_eq!(credits, [3, 3]);
    let slugs: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.items)
        .map(|k| k.technology.slug)
        .collect();
    assert_eq!(slugs, ["tech-0", "tech-1", "tech-2", "tech-3"]);
}

// ---- the free list endpoints: the query of every request, exactly -------------------------------

use httpmock::Method::GET;
use httpmock::{HttpMockRequest, Mock, MockServer};
#[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
use theirstack::pagination::CatalogTechnologies;
use theirstack::pagination::{CatalogIndustries, CatalogLocations};

/// Matches a query equal to `expected` as a whole: no parameter more, none less.
fn query_is(
    expected: &[(&str, &str)],
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let mut want: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    want.sort();
    move |request| {
        let mut got = request.query_params();
        got.sort();
        got == want
    }
}

/// A mock for GET `path` with exactly the query `query`, answering `body`.
async fn get<'a>(
    server: &'a MockServer,
    path: &str,
    query: &[(&str, &str)],
    body: Value,
) -> Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(GET).path(path).is_true(query_is(query));
            then.status(200).json_body(body);
        })
        .await
}

/// A catch-all for GET `path`, created after the exact mocks so that it only gets the requests
/// none of them expected; it answers an empty page, so only its call count tells.
async fn stray<'a>(server: &'a MockServer, path: &str, body: Value) -> Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(GET).path(path);
            then.status(200).json_body(body);
        })
        .await
}

fn location(id: i64) -> Value {
    json!({"id": id, "name": format!("Place {id}"), "feature_code": "PPL", "feature_name": "populated place",
           "display_name": format!("Place {id}, XX"), "country_name": null})
}

#[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
fn technology(page: u64, i: u64) -> Value {
    json!({"name": format!("Tech {page}{i}"), "slug": format!("tech-{page}-{i}")})
}

fn event(id: i64) -> Value {
    json!({"id": id, "webhook_id": 4471, "triggered_at": "2026-03-02T08:25:31Z", "status": "FAILED",
           "created_at": "2026-03-02T08:25:31Z", "updated_at": "2026-03-02T08:25:32Z"})
}

#[tokio::test]
async fn catalog_locations_send_offset_and_limit_without_page_and_stop_on_a_short_page() {
    let server = MockServer::start_async().await;
    let path = "/v0/catalog/locations";
    let mut mocks = Vec::new();
    for (offset, ids) in [("0", vec![1, 2]), ("2", vec![3, 4]), ("4", vec![5])] {
        let body: Vec<_> = ids.iter().map(|&i| location(i)).collect();
        let query = [("country_code", "DE"), ("offset", offset), ("limit", "2")];
        mocks.push(get(&server, path, &query, json!(body)).await);
    }
    let strays = stray(&server, path, json!([])).await;
    let rows = support::client(&server)
        .catalog_locations(CatalogLocations::new().country_code("DE"))
        .page_size(2)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|l| l.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    for mock in mocks {
        mock.assert_async().await;
    }
    assert_eq!(strays.calls_async().await, 0, "no other query was sent");
}

#[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
#[tokio::test]
async fn catalog_technologies_send_page_and_limit_without_offset_and_stop_at_the_cap() {
    let server = MockServer::start_async().await;
    let path = "/v0/catalog/technologies";
    let mut mocks = Vec::new();
    for page in 0..3 {
        let body: Vec<_> = (0..3).map(|i| technology(page, i)).collect();
        let page_number = page.to_string();
        let query = [("page", page_number.as_str()), ("limit", "3")];
        mocks.push(get(&server, path, &query, json!(body)).await);
    }
    let strays = stray(&server, path, json!([])).await;
    let rows = support::client(&server)
        .catalog_technologies(CatalogTechnologies::new())
        .page_size(3)
        .max_items(6)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[5].slug, "tech-1-2");
    mocks[0].assert_async().await;
    mocks[1].assert_async().await;
    assert_eq!(mocks[2].calls_async().await, 0, "no page past the cap");
    assert_eq!(strays.calls_async().await, 0, "no other query was sent");
}

#[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
#[tokio::test]
async fn catalog_technologies_reach_an_unaligned_cap_with_smaller_pages_not_extra_rows() {
    let server = MockServer::start_async().await;
    let path = "/v0/catalog/technologies";
    // Rows 0-2 as page 0 of 3, then rows 3 and 4 as pages 3 and 4 of 1.
    let plan = [
        ("0", "3", vec![0, 1, 2]),
        ("3", "1", vec![3]),
        ("4", "1", vec![4]),
    ];
    let mut mocks = Vec::new();
    for (page, limit, rows) in plan {
        let body: Vec<_> = rows.iter().map(|&r| technology(0, r)).collect();
        let query = [("page", page), ("limit", limit)];
        mocks.push(get(&server, path, &query, json!(body)).await);
    }
    let strays = stray(&server, path, json!([])).await;
    let rows = support::client(&server)
        .catalog_technologies(CatalogTechnologies::new())
        .page_size(3)
        .max_items(5)
        .collect_all()
        .await
        .unwrap();
    let slugs: Vec<&str> = rows.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(
        slugs,
        ["tech-0-0", "tech-0-1", "tech-0-2", "tech-0-3", "tech-0-4"]
    );
    for mock in mocks {
        mock.assert_async().await;
    }
    assert_eq!(strays.calls_async().await, 0, "no other query was sent");
}

#[tokio::test]
async fn catalog_industries_send_page_and_limit_without_offset() {
    let server = MockServer::start_async().await;
    let path = "/v0/catalog/industries";
    let industries = get(
        &server,
        path,
        &[("page", "0"), ("limit", "500")],
        json!({"data": [{"industry": "Software Development", "industry_id": 4}], "metadata": {"total_results": 1}}),
    )
    .await;
    let strays = stray(&server, path, json!({"data": [], "metadata": {}})).await;
    let rows = support::client(&server)
        .catalog_industries(CatalogIndustries::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].industry_id, Some(4));
    industries.assert_async().await;
    assert_eq!(strays.calls_async().await, 0, "no other query was sent");
}

#[tokio::test]
async fn webhook_events_send_offset_limit_and_status_without_page_and_stop_at_the_cap() {
    let server = MockServer::start_async().await;
    let path = "/v0/webhooks/4471/events";
    let first = get(
        &server,
        path,
        &[("status", "FAILED"), ("offset", "0"), ("limit", "2")],
        json!([event(1), event(2)]),
    )
    .await;
    let second = get(
        &server,
        path,
        &[("status", "FAILED"), ("offset", "2"), ("limit", "1")],
        json!([event(3)]),
    )
    .await;
    let strays = stray(&server, path, json!([])).await;
    let events = support::client(&server)
        .webhook_events(4471)
        .status(types::WebhookEventStatus::Failed)
        .page_size(2)
        .max_items(3)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(events.iter().map(|e| e.id).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(events.iter().all(|e| e.webhook_id == 4471));
    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(strays.calls_async().await, 0, "nothing past the cap of 3");
}

#[tokio::test]
async fn company_list_companies_send_offset_and_limit_and_catch_a_server_ignoring_offset() {
    let server = MockServer::start_async().await;
    let path = "/v0/company_lists/9/companies";
    let company = |id: &str| {
        json!({"company_name": id, "added_at": "2026-02-01T10:00:00Z", "revealed_at": "2026-02-01T10:00:00Z",
               "company_object": {"id": id, "name": id}})
    };
    // Both pages answer the same rows: the server ignores `offset`.
    let mut mocks = Vec::new();
    for offset in ["0", "2"] {
        let query = [("offset", offset), ("limit", "2")];
        let body = json!([company("a"), company("b")]);
        mocks.push(get(&server, path, &query, body).await);
    }
    let strays = stray(&server, path, json!([])).await;
    let client = support::client(&server);
    let mut stream = std::pin::pin!(client.company_list_companies(9).page_size(2).items());
    let mut seen = Vec::new();
    let err = loop {
        match stream.next().await.expect("ends with an error") {
            Ok(item) => seen.push(item.company_object.id),
            Err(e) => break e,
        }
    };
    assert_eq!(seen, ["a", "b"], "{err}");
    assert_eq!(err.kind(), ErrorKind::RepeatedPage);
    assert!(
        err.to_string()
            .contains("the server appears to ignore `offset`"),
        "{err}"
    );
    assert_eq!(err.resume_position().unwrap().offset, 2);
    for mock in mocks {
        mock.assert_async().await;
    }
    assert_eq!(strays.calls_async().await, 0, "no other query was sent");
}
