//! Pagination streams: page plans, caps, look-ahead, stop rules and resuming, against a loopback
//! fake of job search.

mod support;

use futures::StreamExt;
use std::time::Duration;
use support::fake_search::{Config, FakeSearch, Reading, Seen};
use theirstack::types::JobSearchFiltersInput;
use theirstack::{Client, ErrorKind, RetryPolicy};

fn filters() -> JobSearchFiltersInput {
    JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .try_into()
        .unwrap()
}

fn client(fake: &FakeSearch) -> Client {
    support::client_for_url(&fake.base_url, RetryPolicy::none())
}

fn ids(rows: &[theirstack::types::JobWithMatchingPhrasesResponseOutput]) -> Vec<i64> {
    rows.iter().map(|j| j.id).collect()
}

fn requested(fake: &FakeSearch) -> Vec<(u64, u64, u64)> {
    fake.seen()
        .iter()
        .map(|s| (s.offset, s.page, s.limit))
        .collect()
}

#[tokio::test]
async fn three_pages_with_a_short_last_page() {
    let fake = FakeSearch::start(Config::new(7)).await;
    let rows = client(&fake)
        .job_search(filters())
        .page_size(3)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&rows), (1000..1007).collect::<Vec<_>>());
    // The short third page ends the stream: no fourth request.
    assert_eq!(requested(&fake), [(0, 0, 3), (3, 1, 3), (6, 2, 3)]);
}

#[tokio::test]
async fn an_item_cap_of_1200_sends_exactly_500_500_200() {
    let fake = FakeSearch::start(Config::new(10_000)).await;
    let rows = client(&fake)
        .job_search(filters())
        .max_items(1200)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(rows.len(), 1200);
    assert_eq!(
        requested(&fake),
        [(0, 0, 500), (500, 1, 500), (1000, 5, 200)]
    );
    assert_eq!(
        fake.rows_served(),
        1200,
        "not one row past the cap was requested"
    );
}

#[tokio::test]
async fn a_credit_cap_limits_rows_at_the_endpoint_price() {
    let fake = FakeSearch::start(Config::new(10_000)).await;
    let pages: Vec<_> = client(&fake)
        .job_search(filters())
        .max_credits(730)
        .pages()
        .collect()
        .await;
    let credits: u64 = pages.iter().map(|p| p.as_ref().unwrap().credits).sum();
    assert_eq!(credits, 730);
    assert_eq!(fake.rows_served(), 730);
    // Every request keeps page × limit = offset.
    for s in fake.seen() {
        assert_eq!(s.page * s.limit, s.offset, "{s:?}");
    }
}

#[tokio::test]
async fn both_readings_of_page_and_offset_give_the_same_rows() {
    for reading in [Reading::Offset, Reading::Page] {
        let mut config = Config::new(5_000);
        config.reading = reading;
        let fake = FakeSearch::start(config).await;
        let rows = client(&fake)
            .job_search(filters())
            .max_items(1234)
            .collect_all()
            .await
            .unwrap();
        assert_eq!(ids(&rows), (1000..2234).collect::<Vec<_>>(), "{reading:?}");
    }
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
    let seen = fake.seen();
    assert_eq!(
        seen.len(),
        8,
        "offsets 0..700 and nothing past total 730: {seen:?}"
    );
    assert!(seen[0].include_total && seen[1..].iter().all(|s| !s.include_total));
    let mut offsets: Vec<u64> = seen.iter().map(|s| s.offset).collect();
    offsets.sort();
    offsets.dedup();
    assert_eq!(offsets.len(), 8, "no page requested twice");
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
    assert_eq!(rows.len(), 450);
    assert_eq!(fake.rows_served(), 450);
    assert_eq!(fake.seen().len(), 5);
    // With a cap, every planned request is wanted: the window opens with the first request,
    // so the third request arrives before the first is answered.
    assert_eq!(fake.max_in_flight(), 3);
    let events = fake.events();
    let third_arrives = events.iter().position(|e| *e == (200, true)).unwrap();
    let first_answered = events.iter().position(|e| *e == (0, false)).unwrap();
    assert!(third_arrives < first_answered, "{events:?}");
}

#[tokio::test]
async fn a_repeated_page_ends_the_stream_with_an_error() {
    let mut config = Config::new(100);
    config.ignore_paging = true;
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
    assert_eq!(got, (1000..1010).collect::<Vec<_>>());
    assert_eq!(err.kind(), ErrorKind::RepeatedPage);
    assert_eq!(err.resume_position().unwrap().offset, 10);
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the error"
    );
    assert_eq!(fake.seen().len(), 2);
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
    let rest = client
        .job_search(filters())
        .page_size(100)
        .resume(position)
        .collect_all()
        .await
        .unwrap();
    let all: Vec<i64> = first.into_iter().chain(ids(&rest)).collect();
    assert_eq!(all, (1000..2000).collect::<Vec<_>>());
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
    assert_eq!(
        last_rows.items.len(),
        40,
        "the rows that did arrive are delivered"
    );
    let err = pages[3].as_ref().unwrap_err();
    assert!(err.is_insufficient_credits());
    assert_eq!(err.withheld_rows(), Some(60));
    assert_eq!(err.resume_position().unwrap().offset, 240);
    assert!(
        err.to_string().contains("60 matching rows were withheld"),
        "{err}"
    );
    assert_eq!(fake.seen().len(), 3);
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
    let err = pages.last().unwrap().as_ref().unwrap_err();
    assert!(err.is_insufficient_credits());
    assert_eq!(err.status().unwrap().as_u16(), 402);
    assert_eq!(err.resume_position().unwrap().offset, 300);
    assert_eq!(pages.len(), 4);
}

#[tokio::test]
async fn start_page_and_offset_position_the_first_request() {
    let fake = FakeSearch::start(Config::new(1_000)).await;
    let rows = client(&fake)
        .job_search(filters())
        .page_size(100)
        .start_page(8)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&rows), (1800..2000).collect::<Vec<_>>());
    assert_eq!(
        fake.seen()[0],
        Seen {
            page: 8,
            offset: 800,
            limit: 100,
            include_total: false,
            status: 200
        }
    );
}

#[tokio::test]
async fn preview_mode_costs_nothing_and_estimates_use_the_free_count() {
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
    let count_request = &fake.seen()[0];
    assert_eq!(
        (count_request.limit, count_request.include_total),
        (1, true)
    );
    let pages: Vec<_> = client
        .job_search(filters())
        .preview(true)
        .max_items(150)
        .page_size(100)
        .pages()
        .collect()
        .await;
    assert!(pages.iter().all(|p| p.as_ref().unwrap().credits == 0));
    assert_eq!(client.count_jobs(&filters()).await.unwrap(), 1000);
}

#[tokio::test]
async fn the_free_count_refuses_company_identifier_filters() {
    let fake = FakeSearch::start(Config::new(10)).await;
    let mut f = filters();
    f.company_domain_or = vec!["acme.example".into()];
    let err = client(&fake).count_jobs(&f).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("company identifier"), "{err}");
    assert!(fake.seen().is_empty(), "nothing was sent");
}

// ---- the free list endpoints page the same way -------------------------------------------------

use httpmock::{Method::GET, MockServer};
use serde_json::json;
use theirstack::pagination::{CatalogIndustries, CatalogLocations, CatalogTechnologies};

fn location(id: i64) -> serde_json::Value {
    json!({"id": id, "name": format!("Place {id}"), "feature_code": "PPL", "feature_name": "populated place",
           "display_name": format!("Place {id}, XX"), "country_name": null})
}

#[tokio::test]
async fn catalog_locations_page_by_offset_and_stop_on_a_short_page() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for (offset, ids) in [(0, vec![1, 2]), (2, vec![3, 4]), (4, vec![5])] {
        let body: Vec<_> = ids.iter().map(|&i| location(i)).collect();
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path("/v0/catalog/locations")
                        .query_param("offset", offset.to_string())
                        .query_param("limit", "2")
                        .query_param("country_code", "DE");
                    then.status(200).json_body(json!(body));
                })
                .await,
        );
    }
    let client = support::client(&server);
    let filter = CatalogLocations::new().country_code("DE");
    let rows = client
        .catalog_locations(filter)
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
}

#[tokio::test]
async fn catalog_technologies_and_industries_page_by_page_number_with_caps() {
    let server = MockServer::start_async().await;
    for page in 0..3 {
        let body: Vec<_> = (0..3)
            .map(|i| json!({"name": format!("Tech {page}{i}"), "slug": format!("tech-{page}-{i}")}))
            .collect();
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/v0/catalog/technologies")
                    .query_param("page", page.to_string())
                    .query_param("limit", "3");
                then.status(200).json_body(json!(body));
            })
            .await;
    }
    let client = support::client(&server);
    let rows = client
        .catalog_technologies(CatalogTechnologies::new())
        .page_size(3)
        .max_items(6)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(rows.len(), 6, "the cap stops after two pages");
    assert_eq!(rows[5].slug, "tech-1-2");

    let industries = server
        .mock_async(|when, then| {
            when.method(GET).path("/v0/catalog/industries").query_param("page", "0").query_param("limit", "500");
            then.status(200).json_body(json!({"data": [{"industry": "Software Development", "industry_id": 4}], "metadata": {"total_results": 1}}));
        })
        .await;
    let rows = client
        .catalog_industries(CatalogIndustries::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(rows[0].industry_id, Some(4));
    industries.assert_async().await;
}

#[tokio::test]
async fn company_list_companies_page_and_detect_a_repeated_page() {
    let server = MockServer::start_async().await;
    let company = |id: &str| {
        json!({"company_name": id, "added_at": "2026-02-01T10:00:00Z", "revealed_at": "2026-02-01T10:00:00Z",
               "company_object": {"id": id, "name": id}})
    };
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/company_lists/9/companies")
                .query_param("limit", "2");
            then.status(200)
                .json_body(json!([company("a"), company("b")]));
        })
        .await;
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
    assert_eq!(err.resume_position().unwrap().offset, 2);
}
