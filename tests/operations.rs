//! Every operation of the OpenAPI document (all 47), against a loopback mock server.
//!
//! Each test proves two things. The client sends the documented request: method, exact path,
//! exact query string (nothing missing, nothing extra) or JSON body, and `Authorization: Bearer
//! <key>`; the mocks match nothing else, so any deviation gets httpmock's 404 and fails the test.
//! And a representative response (`tests/data/responses/`, made-up but realistic values) decodes
//! into typed values: nested objects, open enums, dates, optional fields both present and null.
//! [`every_operation_of_the_document_has_a_test`] compares the document's operations with
//! [`TESTED`], so an operation added to the document fails the suite until it is tested here.
//! Each test is gated on its operation (`theirstack_has = "op:<operationId>"`), so the file
//! builds against any document: TheirStack's older file lacks the July 2026 operations, and the
//! derived document of `tests/data/derived/` drops one. Responses nobody captured yet (the July
//! additions) come from `tests/data/inferred/`: their shapes are our own model.

mod support;

use chrono::NaiveDate;
use httpmock::Method::{DELETE, GET, PATCH, POST};
use httpmock::{HttpMockRequest, MockServer};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU64;
use theirstack::Error;
use theirstack::types::{self, Timestamp};

type TestResult = Result<(), Error>;

/// The operations this file tests: (operationId, method, path). Each has a test function of the
/// same name.
const TESTED: &[(&str, &str, &str)] = &[
    // Search.
    ("search_jobs_v1", "POST", "/v1/jobs/search"),
    ("search_companies_v1", "POST", "/v1/companies/search"),
    ("technographics_v1", "POST", "/v1/companies/technologies"),
    ("buying_intents_v1", "POST", "/v1/companies/buying_intents"),
    // Account.
    (
        "get_billing_credit_balance_v0",
        "GET",
        "/v0/billing/credit-balance",
    ),
    (
        "get_teams_credits_consumption_v0",
        "GET",
        "/v0/teams/credits_consumption",
    ),
    // Webhooks.
    ("get_webhooks_v0", "GET", "/v0/webhooks"),
    ("post_webhooks_v0", "POST", "/v0/webhooks"),
    ("post_webhooks_test_v0", "POST", "/v0/webhooks/test"),
    (
        "get_webhooks_event_types_v0",
        "GET",
        "/v0/webhooks/event-types",
    ),
    ("get_webhooks_by_id_v0", "GET", "/v0/webhooks/{webhook_id}"),
    (
        "patch_webhooks_by_id_v0",
        "PATCH",
        "/v0/webhooks/{webhook_id}",
    ),
    (
        "patch_webhooks_status_v0",
        "PATCH",
        "/v0/webhooks/{webhook_id}/status",
    ),
    (
        "patch_webhooks_archive_v0",
        "PATCH",
        "/v0/webhooks/{webhook_id}/archive",
    ),
    (
        "get_webhooks_events_v0",
        "GET",
        "/v0/webhooks/{webhook_id}/events",
    ),
    (
        "get_webhooks_events_count_v0",
        "GET",
        "/v0/webhooks/{webhook_id}/events/count",
    ),
    (
        "get_webhooks_events_count_aggregated_v0",
        "GET",
        "/v0/webhooks/events/count",
    ),
    (
        "post_webhooks_events_retry_v0",
        "POST",
        "/v0/webhooks/events/retry",
    ),
    // Company lists.
    ("get_company_lists_v0", "GET", "/v0/company_lists"),
    ("post_company_lists_v0", "POST", "/v0/company_lists"),
    (
        "post_company_lists_add_companies_multiple_v0",
        "POST",
        "/v0/company_lists/add_companies",
    ),
    (
        "get_company_lists_by_id_v0",
        "GET",
        "/v0/company_lists/{list_id}",
    ),
    (
        "patch_company_lists_by_id_v0",
        "PATCH",
        "/v0/company_lists/{list_id}",
    ),
    (
        "delete_company_lists_by_id_v0",
        "DELETE",
        "/v0/company_lists/{list_id}",
    ),
    (
        "post_company_lists_add_companies_v0",
        "POST",
        "/v0/company_lists/{list_id}/add_companies",
    ),
    (
        "get_company_lists_companies_v0",
        "GET",
        "/v0/company_lists/{list_id}/companies",
    ),
    (
        "get_company_lists_companies_export_v0",
        "GET",
        "/v0/company_lists/{list_id}/companies/export",
    ),
    (
        "post_company_lists_duplicate_v0",
        "POST",
        "/v0/company_lists/{list_id}/duplicate",
    ),
    (
        "post_company_lists_remove_companies_v0",
        "POST",
        "/v0/company_lists/{list_id}/remove_companies",
    ),
    // Saved searches.
    ("get_saved_searches_v0", "GET", "/v0/saved_searches"),
    ("post_saved_searches_v0", "POST", "/v0/saved_searches"),
    (
        "get_saved_searches_by_id_v0",
        "GET",
        "/v0/saved_searches/{search_id}",
    ),
    (
        "patch_saved_searches_by_id_v0",
        "PATCH",
        "/v0/saved_searches/{search_id}",
    ),
    (
        "patch_saved_searches_archive_v0",
        "PATCH",
        "/v0/saved_searches/{search_id}/archive",
    ),
    // Catalog.
    ("get_catalog_locations_v0", "GET", "/v0/catalog/locations"),
    ("get_catalog_industries_v0", "GET", "/v0/catalog/industries"),
    (
        "get_catalog_technologies_v0",
        "GET",
        "/v0/catalog/technologies",
    ),
    (
        "get_catalog_jobs_companies_per_job_country_code_v0",
        "GET",
        "/v0/catalog/jobs_companies_per_job_country_code",
    ),
    (
        "get_catalog_companies_per_company_country_code_v0",
        "GET",
        "/v0/catalog/companies_per_company_country_code",
    ),
    (
        "list_categories_v1",
        "GET",
        "/v1/catalog/technologies/categories",
    ),
    (
        "list_subcategories_v1",
        "GET",
        "/v1/catalog/technologies/subcategories",
    ),
    ("get_catalog_keywords_v0", "GET", "/v0/catalog/keywords"),
    (
        "list_keyword_categories_v1",
        "GET",
        "/v1/catalog/keywords/categories",
    ),
    (
        "list_keyword_subcategories_v1",
        "GET",
        "/v1/catalog/keywords/subcategories",
    ),
    // Datasets.
    ("get_datasets_v1", "GET", "/v1/datasets"),
    (
        "post_datasets_credentials_v1",
        "POST",
        "/v1/datasets/credentials",
    ),
    // Request count.
    ("get_requests_count_v0", "GET", "/v0/requests/count"),
];

/// The converted document the client was generated from.
const DOCUMENT: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi-3.0.json"));

// ---------------------------------------------------------------------------------------------
// Helpers

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn nz(n: u64) -> NonZeroU64 {
    NonZeroU64::new(n).expect("non-zero")
}

/// Matches a request whose query string is exactly `expected`: same pairs, repeats included, in
/// any order.
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

/// Matches a request without a body.
fn no_body(request: &HttpMockRequest) -> bool {
    request.body_ref().is_empty()
}

/// Matches a JSON body equal to `expected`, as a whole: no key more, no key less.
fn body_is(expected: Value) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    move |request| {
        let body = serde_json::from_slice::<Value>(request.body_ref());
        let equal = body.as_ref().is_ok_and(|body| *body == expected);
        if !equal {
            eprintln!("body sent: {body:?}\nexpected:  {expected}");
        }
        equal
    }
}

/// A JSON response body given as text (for bare scalars such as `null` or `1284`).
fn raw_json(then: httpmock::Then, text: &'static str) {
    then.status(200)
        .header("content-type", "application/json")
        .body(text);
}

fn fixture(name: &str) -> Value {
    support::fixture(&format!("responses/{name}"))
}

/// A job's `url` as JSON: upstream's 2026-02 document has it required, newer docs nullable, so
/// the Rust type depends on the document; the JSON does not.
fn url_of<T: serde::Serialize>(job: &T) -> Value {
    serde_json::to_value(job).expect("serializes")["url"].clone()
}

/// Whether the document declares the job search result's `url` nullable (newer docs) rather than
/// required (upstream's 2026-02 file).
fn job_url_is_nullable() -> bool {
    let doc: Value = serde_json::from_str(DOCUMENT).expect("document is JSON");
    doc["components"]["schemas"]["JobWithMatchingPhrasesResponse-Output"]["properties"]["url"]["nullable"]
        == json!(true)
}

// ---------------------------------------------------------------------------------------------
// The document and this file agree

#[test]
fn every_operation_of_the_document_has_a_test() {
    let doc: Value = serde_json::from_str(DOCUMENT).expect("document is JSON");
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                documented.insert((id.to_string(), method.to_uppercase(), path.clone()));
            }
        }
    }
    let tested: BTreeSet<(String, String, String)> = TESTED
        .iter()
        .map(|(id, m, p)| (id.to_string(), m.to_string(), p.to_string()))
        .collect();
    assert_eq!(tested.len(), TESTED.len(), "TESTED has duplicates");
    let untested: Vec<_> = documented.difference(&tested).collect();
    let gone: Vec<_> = tested.difference(&documented).collect();
    assert!(
        untested.is_empty(),
        "operations of the document without a test here: {untested:?}"
    );
    if support::built_from_default_document() {
        assert!(
            gone.is_empty(),
            "tested operations the document does not have (or with another method/path): {gone:?}"
        );
        assert_eq!(
            documented.len(),
            47,
            "our document has TheirStack's 42 operations of February 2026 and 5 of July 2026"
        );
    } else if !gone.is_empty() {
        // Another document (THEIRSTACK_OPENAPI): their tests are compiled out by their gates.
        println!("not in this document, so not tested: {gone:?}");
    }

    let source = include_str!("operations.rs");
    for (id, _, _) in TESTED {
        assert!(
            source.contains(&format!("async fn {id}() -> TestResult")),
            "no test function `{id}`"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Search

#[cfg(theirstack_has = "op:search_jobs_v1")]
#[tokio::test]
async fn search_jobs_v1() -> TestResult {
    let server = MockServer::start_async().await;
    #[allow(unused_mut)]
    let mut expected = support::fixture("requests/job-search.json");
    // The job filters of July 2026: closed jobs, keywords, AND patterns and export keys.
    #[cfg(theirstack_has = "JobSearchFiltersInput.is_closed")]
    {
        expected["is_closed"] = json!(false);
        expected["closed_at_gte"] = json!("2026-06-01");
        expected["job_keyword_slug_or"] = json!(["cloud-cost-optimization"]);
        expected["job_description_pattern_and"] = json!(["(?i)snowflake", "(?i)dbt"]);
        expected["job_export_key_or"] = json!([{
            "neg_posted_at_timestamp": -1772323200,
            "url_hashed": 7_340_012_219_i64,
            "company_name_slug": "acme-analytics"
        }]);
    }
    let mut response = fixture("job-search.json");
    if !job_url_is_nullable() {
        response["data"][1]["url"] =
            json!("https://www.stepstone.de/stellenangebote--werkstudent-marketing-90210002");
    }
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/jobs/search")
                .header("authorization", support::bearer())
                .header("content-type", "application/json")
                .is_true(query_is(&[]))
                .is_true(body_is(expected));
            then.status(200).json_body(response);
        })
        .await;
    let filters = types::JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .job_country_code_or(vec!["US".to_string()])
        .job_title_or(vec!["data engineer".to_string()])
        .job_seniority_or(vec![types::Seniority::Senior, types::Seniority::Staff])
        .employment_statuses_or(Some(vec![
            types::Commitment::FullTime,
            types::Commitment::Contract,
        ]))
        .job_location_or(vec![types::JobLocationFilter { id: Some(4736286) }])
        .property_exists_and(vec![
            types::JobSearchFiltersInputPropertyExistsAndItem::HiringTeam,
        ])
        .discovered_at_gte(Some("2026-03-01T00:00:00Z".to_string()))
        .min_salary_usd(Some(120000.0))
        .company_type(Some(
            types::CompanySearchFiltersInputCompanyType::DirectEmployer,
        ))
        .include_total_results(true)
        .limit(nz(50));
    #[cfg(theirstack_has = "JobSearchFiltersInput.is_closed")]
    let filters = filters
        .is_closed(Some(false))
        .closed_at_gte(Some(day("2026-06-01")))
        .job_keyword_slug_or(vec!["cloud-cost-optimization".to_string()])
        .job_description_pattern_and(vec!["(?i)snowflake".to_string(), "(?i)dbt".to_string()])
        .job_export_key_or(vec![types::JobExportKey {
            neg_posted_at_timestamp: -1772323200,
            url_hashed: 7340012219,
            company_name_slug: "acme-analytics".to_string(),
        }]);

    let client = support::client(&server);
    let response = client.search_jobs_v1().body(filters).send().await?;
    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
    let types::JobSearchResponse { metadata, data } = response.into_inner();

    assert_eq!(metadata.total_results, Some(1342));
    assert_eq!(metadata.total_companies, Some(611));
    assert_eq!(metadata.truncated_results, Some(0));
    assert_eq!(data.len(), 2);

    let job = &data[0];
    assert_eq!(job.id, 90210001);
    assert_eq!(job.job_title, "Senior Data Engineer");
    assert_eq!(
        url_of(job),
        json!("https://www.linkedin.com/jobs/view/90210001")
    );
    assert_eq!(job.date_posted, day("2026-03-01"));
    assert_eq!(
        job.discovered_at,
        ts("2026-03-02T08:15:00Z"),
        "offset-less date-time read as UTC"
    );
    assert_eq!(job.seniority, Some(types::Seniority::Senior));
    assert_eq!(job.employment_statuses, [types::Commitment::FullTime]);
    assert_eq!(job.hybrid, Some(true));
    assert_eq!(job.remote, Some(false));
    assert_eq!(job.min_annual_salary, Some(165000));
    assert_eq!(job.max_annual_salary_usd, Some(195000.0));
    assert_eq!(job.avg_annual_salary_usd, Some(180000.0));
    assert_eq!(job.salary_currency.as_deref(), Some("USD"));
    assert_eq!(job.date_reposted, Some(day("2026-03-01")));
    assert_eq!(job.country_codes, Some(vec![Some("US".to_string())]));
    assert_eq!(
        job.technology_slugs,
        ["python", "apache-airflow", "snowflake", "dbt"]
    );
    assert_eq!(
        job.matching_words,
        Some(vec![Some("airflow".to_string()), None])
    );
    let team = job.hiring_team.as_ref().expect("hiring team");
    assert_eq!(team.len(), 2);
    assert_eq!(team[0].full_name.as_deref(), Some("Dana Whitfield"));
    assert_eq!(team[0].role.as_deref(), Some("Head of Data Platform"));
    assert_eq!(team[1].linkedin_url, None);
    let location = &job.locations[0];
    assert_eq!(location.id, Some(4671654));
    assert_eq!(location.type_, Some(types::GeonameType::City));
    assert_eq!(location.admin1_code.as_deref(), Some("TX"));
    assert_eq!(location.display_name, "Austin, Texas, United States");
    assert_eq!(location.country_name.as_deref(), Some("United States"));
    let company = &job.company_object;
    assert_eq!(company.id, "acme-analytics");
    assert_eq!(company.employee_count, Some(640));
    assert_eq!(company.funding_stage, Some(types::FundingStage::SeriesC));
    assert_eq!(company.last_funding_round_date, Some(day("2025-06-18")));
    assert_eq!(company.annual_revenue_usd, Some(88_000_000.0));
    assert_eq!(
        company.possible_domains,
        ["acme-analytics.com", "acmeanalytics.io"]
    );
    assert_eq!(company.publicly_traded_symbol, None);
    assert!(!company.has_blurred_data);

    let sparse = &data[1];
    assert_eq!(
        sparse.discovered_at,
        ts("2026-02-28T16:40:12.123456Z"),
        "offset converted to UTC"
    );
    assert_eq!(sparse.seniority, None);
    assert_eq!(sparse.hiring_team, None);
    assert_eq!(sparse.final_url, None);
    assert_eq!(sparse.min_annual_salary_usd, None);
    assert_eq!(
        sparse.employment_statuses,
        [types::Commitment::PartTime, types::Commitment::Internship]
    );
    assert_eq!(sparse.easy_apply, Some(true));
    assert_eq!(
        sparse.matching_phrases, None,
        "nullable with a default: null stays null"
    );
    assert_eq!(
        sparse.matching_words,
        Some(vec![]),
        "absent: the documented default []"
    );
    assert!(sparse.technology_slugs.is_empty() && sparse.locations.is_empty());
    assert_eq!(sparse.company_object.num_jobs, 0, "absent: default 0");
    assert_eq!(sparse.company_object.technology_slugs, None);
    if job_url_is_nullable() {
        assert_eq!(url_of(sparse), Value::Null);
    }
    Ok(())
}

#[cfg(theirstack_has = "op:search_companies_v1")]
#[tokio::test]
async fn search_companies_v1() -> TestResult {
    let server = MockServer::start_async().await;
    let request = support::fixture("requests/company-search.json");
    let filters: types::CompanySearchFiltersInput =
        serde_json::from_value(request.clone()).expect("request fixture decodes");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/companies/search")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(body_is(request));
            then.status(200).json_body(fixture("company-search.json"));
        })
        .await;
    let client = support::client(&server);
    let response = client
        .search_companies_v1()
        .body(filters)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;

    assert_eq!(
        response.metadata.total_results, None,
        "null unless include_total_results"
    );
    assert_eq!(response.metadata.truncated_results, Some(3));
    assert_eq!(response.metadata.truncated_companies, Some(1));
    assert_eq!(response.data.len(), 2);
    let acme = &response.data[0];
    assert_eq!(acme.name, "Acme Analytics");
    assert_eq!(acme.funding_stage, Some(types::FundingStage::SeriesC));
    assert_eq!(acme.total_funding_usd, Some(142_000_000));
    assert_eq!(
        acme.investors.as_deref(),
        Some(&["Sequoia Capital".to_string(), "Accel".to_string()][..])
    );
    assert_eq!(acme.yc_batch.as_deref(), Some("S14"));
    let tech = &acme.technologies_found[0];
    assert_eq!(tech.technology.slug, "snowflake");
    assert_eq!(
        tech.technology.parent_category_slug.as_deref(),
        Some("data-analytics")
    );
    assert_eq!(tech.confidence, types::KeywordFoundConfidence::High);
    assert_eq!(tech.first_date_found, day("2021-04-12"));
    assert_eq!(tech.relative_occurrence_within_category, 0.62);
    assert_eq!(tech.theirstack_score, Some(0.97));
    assert_eq!(acme.jobs_found.len(), 2);
    assert_eq!(acme.jobs_found[0].id, Some(90210001));
    assert_eq!(acme.jobs_found[0].date_posted, Some(day("2026-03-01")));
    assert_eq!(acme.jobs_found[1].job_title, None);
    assert_eq!(acme.jobs_found[1].company, "Acme Analytics");

    let northwind = &response.data[1];
    assert_eq!(northwind.domain, None);
    assert_eq!(northwind.funding_stage, None);
    assert_eq!(northwind.employee_count, None);
    assert!(northwind.has_blurred_data);
    assert!(
        northwind.technologies_found.is_empty() && northwind.jobs_found.is_empty(),
        "absent lists default to []"
    );
    Ok(())
}

#[cfg(theirstack_has = "op:technographics_v1")]
#[tokio::test]
async fn technographics_v1() -> TestResult {
    let server = MockServer::start_async().await;
    let request = support::fixture("requests/technographics.json");
    let filters: types::TechDetailsFilters =
        serde_json::from_value(request.clone()).expect("request fixture decodes");
    assert_eq!(
        filters.company_domain.as_deref(),
        Some("acme-analytics.com")
    );
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/companies/technologies")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(body_is(request));
            then.status(200).json_body(fixture("technographics.json"));
        })
        .await;
    let client = support::client(&server);
    let response = client
        .technographics_v1()
        .body(filters)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;

    assert_eq!(response.metadata.total_results, Some(3));
    let confidences: Vec<_> = response.data.iter().map(|k| k.confidence.clone()).collect();
    assert_eq!(
        confidences,
        [
            types::KeywordFoundConfidence::High,
            types::KeywordFoundConfidence::Medium,
            types::KeywordFoundConfidence::Low
        ]
    );
    let airflow = &response.data[1];
    assert_eq!(airflow.technology.name, "Apache Airflow");
    assert_eq!(airflow.technology.logo, None);
    assert_eq!(airflow.theirstack_score, None);
    assert_eq!(airflow.jobs_last_180_days, 5);
    assert_eq!(airflow.last_date_found, day("2026-01-30"));
    assert_eq!(airflow.rank_within_category, 2);
    let looker = &response.data[2];
    assert_eq!(looker.technology.category, None, "absent nullable field");
    assert_eq!(looker.theirstack_score, None);
    assert_eq!(looker.company_name, "Acme Analytics");
    Ok(())
}

#[cfg(theirstack_has = "op:buying_intents_v1")]
#[tokio::test]
async fn buying_intents_v1() -> TestResult {
    let server = MockServer::start_async().await;
    #[allow(unused_mut)]
    let mut expected = json!({
        "company_domain": "acme-analytics.com",
        "include_total_results": true,
        "offset": 0,
        "limit": 10
    });
    #[allow(unused_mut)]
    let mut filters = types::TechDetailsFilters {
        company_domain: Some("acme-analytics.com".to_string()),
        include_total_results: Some(true),
        offset: Some(0),
        limit: Some(nz(10)),
        ..Default::default()
    };
    #[cfg(theirstack_has = "TechDetailsFilters.keyword_parent_category_slug_or")]
    {
        expected["keyword_parent_category_slug_or"] = json!(["strategic-initiatives"]);
        filters.keyword_parent_category_slug_or = vec!["strategic-initiatives".to_string()];
    }
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/companies/buying_intents")
                .header("authorization", support::bearer())
                .header("content-type", "application/json")
                .is_true(query_is(&[]))
                .is_true(body_is(expected));
            then.status(200)
                .json_body(support::fixture("inferred/buying-intents.json"));
        })
        .await;
    let client = support::client(&server);
    let response = client
        .buying_intents_v1()
        .body(filters)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;

    // The response shape is inferred (openapi/README.md): every row field is optional.
    let metadata = response.metadata.as_ref().expect("metadata");
    assert_eq!(metadata.total_results, Some(3));
    assert_eq!(metadata.truncated_results, Some(0));
    assert_eq!(response.data.len(), 3);
    let cost = &response.data[0];
    let topic = cost.technology.as_ref().expect("topic");
    assert_eq!(topic.slug, "cloud-cost-optimization");
    assert_eq!(
        topic.parent_category_slug.as_deref(),
        Some("strategic-initiatives")
    );
    assert_eq!(topic.logo, None);
    assert_eq!(cost.confidence, Some(types::KeywordFoundConfidence::High));
    assert_eq!(cost.jobs, Some(9));
    assert_eq!(cost.jobs_last_30_days, Some(4));
    assert_eq!(cost.first_date_found, Some(day("2025-08-14")));
    assert_eq!(cost.last_date_found, Some(day("2026-06-30")));
    assert_eq!(cost.rank_within_category, Some(1));
    assert_eq!(cost.relative_occurrence_within_category, Some(0.45));
    assert_eq!(cost.company_name.as_deref(), Some("Acme Analytics"));
    let soc2 = &response.data[1];
    assert_eq!(
        soc2.technology.as_ref().map(|t| t.name.as_str()),
        Some("SOC 2 compliance")
    );
    assert_eq!(soc2.confidence, Some(types::KeywordFoundConfidence::Medium));
    assert_eq!(
        soc2.jobs_last_7_days, None,
        "absent: the row shape is inferred"
    );
    assert_eq!(soc2.rank_within_category, None);
    let bare = &response.data[2];
    assert_eq!(bare.technology, None);
    assert_eq!(
        bare.confidence,
        Some(types::KeywordFoundConfidence::Unknown("emerging".into()))
    );
    assert_eq!(bare.jobs, None);

    // Nothing found: no rows, and no metadata either still decodes.
    let empty = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/companies/buying_intents")
                .header("authorization", support::bearer())
                .is_true(body_is(json!({"company_name": "Nobody Inc"})));
            then.status(200).json_body(json!({"data": []}));
        })
        .await;
    let nothing = client
        .buying_intents_v1()
        .body(types::TechDetailsFilters {
            company_name: Some("Nobody Inc".to_string()),
            ..Default::default()
        })
        .send()
        .await?
        .into_inner();
    empty.assert_async().await;
    assert!(nothing.data.is_empty());
    assert_eq!(nothing.metadata, None);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Account

#[cfg(theirstack_has = "op:get_billing_credit_balance_v0")]
#[tokio::test]
async fn get_billing_credit_balance_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/billing/credit-balance")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200).json_body(fixture("credit-balance.json"));
        })
        .await;
    let client = support::client(&server);
    let balance = client
        .get_billing_credit_balance_v0()
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(balance.api_credits, 48750);
    assert_eq!(balance.used_api_credits, 1250);
    assert_eq!(balance.ui_credits, 1200);
    assert_eq!(balance.used_ui_credits, 85);
    Ok(())
}

#[cfg(theirstack_has = "op:get_teams_credits_consumption_v0")]
#[tokio::test]
async fn get_teams_credits_consumption_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/teams/credits_consumption")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("start_datetime", "2026-03-01T00:00:00Z"),
                    ("end_datetime", "2026-03-03T23:59:59Z"),
                    ("timezone", "Europe/Madrid"),
                ]))
                .is_true(no_body);
            then.status(200)
                .json_body(fixture("credits-consumption.json"));
        })
        .await;
    let client = support::client(&server);
    let days = client
        .get_teams_credits_consumption_v0()
        .start_datetime(ts("2026-03-01T00:00:00"))
        .end_datetime(ts("2026-03-03T23:59:59Z"))
        .timezone("Europe/Madrid")
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(days.len(), 3);
    assert_eq!(days[0].period_start, ts("2026-03-01T00:00:00Z"));
    assert_eq!(days[0].api_credits_consumed, 412);
    assert_eq!(
        days[1].period_start,
        ts("2026-03-01T23:00:00Z"),
        "+01:00 converted to UTC"
    );
    assert_eq!(days[1].ui_credits_consumed, 15);
    assert_eq!(days[2].api_credits_consumed, 1038);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Webhooks

#[cfg(theirstack_has = "op:get_webhooks_v0")]
#[tokio::test]
async fn get_webhooks_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/webhooks")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200).json_body(fixture("webhooks-list.json"));
        })
        .await;
    let client = support::client(&server);
    let webhooks = client.get_webhooks_v0().send().await?.into_inner();
    mock.assert_async().await;
    assert_eq!(webhooks.len(), 2);
    assert_eq!(webhooks[0].id, 4471);
    assert_eq!(webhooks[0].event_type, types::WebhookEventType::JobNew);
    assert_eq!(webhooks[0].created_at, ts("2026-03-01T09:12:44.512345Z"));
    assert!(webhooks[0].trigger_once_per_company);
    let company = &webhooks[1];
    assert_eq!(company.event_type, types::WebhookEventType::CompanyNew);
    assert_eq!(
        company.url.as_str(),
        "https://crm.acme-analytics.com/inbound/theirstack"
    );
    assert_eq!(company.description, None);
    assert_eq!(company.listening_start_time, None);
    assert!(!company.is_active);
    assert!(!company.trigger_once_per_company, "absent: default false");
    assert_eq!(company.scanning_frequency, "10m", "absent: default 10m");
    Ok(())
}

#[cfg(theirstack_has = "op:post_webhooks_v0")]
#[tokio::test]
async fn post_webhooks_v0() -> TestResult {
    let server = MockServer::start_async().await;
    #[allow(unused_mut)]
    let mut expected = json!({
        "url": "https://hooks.acme-analytics.com/theirstack/jobs",
        "search_id": 5512,
        "description": "New data engineering roles into #hiring-signals",
        "listening_start_time": "2026-03-01T00:00:00Z",
        "trigger_once_per_company": true
    });
    #[allow(unused_mut)]
    let mut create = types::WebhookCreate::builder()
        .url("https://hooks.acme-analytics.com/theirstack/jobs")
        .search_id(5512)
        .description(Some(
            "New data engineering roles into #hiring-signals".to_string(),
        ))
        .listening_start_time(Some(ts("2026-03-01T00:00:00Z")))
        .trigger_once_per_company(true);
    #[cfg(theirstack_has = "WebhookCreate.active_event_types")]
    {
        expected["active_event_types"] = json!(["job_new", "job_closed"]);
        create = create.active_event_types(Some(vec![
            types::WebhookEventType::JobNew,
            types::WebhookEventType::from("job_closed"),
        ]));
    }
    #[cfg(theirstack_has = "WebhookCreate.secret")]
    {
        expected["secret"] = json!("whsec-acme-0123456789abcdef");
        create = create.secret(Some(
            types::WebhookCreateSecret::try_from("whsec-acme-0123456789abcdef")
                .expect("valid secret"),
        ));
    }
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v0/webhooks")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .json_body(expected);
            then.status(200).json_body(fixture("webhook.json"));
        })
        .await;
    let client = support::client(&server);
    let webhook = client
        .post_webhooks_v0()
        .body(create)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(webhook.id, 4471);
    assert_eq!(webhook.search_id, 5512);
    assert_eq!(webhook.search_name, "Data engineers in Texas");
    assert_eq!(
        webhook.listening_start_time,
        Some(ts("2026-03-01T00:00:00Z"))
    );
    assert_eq!(webhook.user_id, 301);
    assert_eq!(webhook.team_id, 77);
    assert!(webhook.is_active && !webhook.is_archived);
    Ok(())
}

#[cfg(theirstack_has = "op:post_webhooks_test_v0")]
#[tokio::test]
async fn post_webhooks_test_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let by_url =
        json!({"url": "https://hooks.acme-analytics.com/theirstack/jobs", "event_type": "job_new"});
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v0/webhooks/test")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .json_body(by_url.clone());
            then.status(200).json_body(fixture("webhook-test.json"));
        })
        .await;
    let client = support::client(&server);
    let body: types::WebhookTest =
        serde_json::from_value(by_url.clone()).expect("test body decodes");
    let result = client
        .post_webhooks_test_v0()
        .body(body)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(result.status, 202);
    assert_eq!(
        result.message.as_deref(),
        Some("Test event delivered to https://hooks.acme-analytics.com/theirstack/jobs")
    );
    #[cfg(theirstack_has = "WebhookTestResponse.signature")]
    assert_eq!(
        result.signature.as_deref(),
        Some("sha256=5d41402abc4b2a76b9719d911017c592a4b0b3c8e1f0d7a2f3b9c6e8d1a2b3c4")
    );

    // The newer shape: an existing webhook, with a signing secret, and a null message.
    #[cfg(theirstack_has = "WebhookTest.webhook_id")]
    {
        let by_id = json!({"webhook_id": 4471, "secret": "whsec-acme-0123456789abcdef"});
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/v0/webhooks/test")
                    .header("authorization", support::bearer())
                    .json_body(by_id.clone());
                then.status(200)
                    .json_body(json!({"status": 500, "message": null, "signature": null}));
            })
            .await;
        let body = types::WebhookTest {
            webhook_id: Some(4471),
            secret: Some(
                types::WebhookTestSecret::try_from("whsec-acme-0123456789abcdef")
                    .expect("valid secret"),
            ),
            ..Default::default()
        };
        let result = client
            .post_webhooks_test_v0()
            .body(body)
            .send()
            .await?
            .into_inner();
        mock.assert_async().await;
        assert_eq!(result.status, 500);
        assert_eq!(result.message, None);
        assert_eq!(result.signature, None);
    }
    Ok(())
}

#[cfg(theirstack_has = "op:get_webhooks_event_types_v0")]
#[tokio::test]
async fn get_webhooks_event_types_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let all = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/webhooks/event-types")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200)
                .json_body(support::fixture("inferred/webhook-event-types.json"));
        })
        .await;
    let jobs = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/webhooks/event-types")
                .header("authorization", support::bearer())
                .is_true(query_is(&[("search_type", "jobs")]))
                .is_true(no_body);
            then.status(200)
                .json_body(json!([{"type": "job_new"}, {"type": "job_closed"}]));
        })
        .await;
    let client = support::client(&server);
    let kinds = client
        .get_webhooks_event_types_v0()
        .send()
        .await?
        .into_inner();
    all.assert_async().await;
    // The response shape is inferred (openapi/README.md): every field is optional.
    assert_eq!(kinds.len(), 3);
    assert_eq!(kinds[0].type_, Some(types::WebhookEventType::JobNew));
    assert_eq!(kinds[0].name.as_deref(), Some("New job"));
    assert_eq!(kinds[0].search_type, Some(types::SavedSearchType::Jobs));
    assert_eq!(
        kinds[1].type_,
        Some(types::WebhookEventType::from("job_closed"))
    );
    #[cfg(theirstack_has = "WebhookEventType=job_closed")]
    assert_eq!(kinds[1].type_, Some(types::WebhookEventType::JobClosed));
    assert_eq!(kinds[1].description, None);
    assert_eq!(
        kinds[2].type_,
        Some(types::WebhookEventType::Unknown(
            "company_hiring_spike".into()
        ))
    );
    assert_eq!(kinds[2].name, None);
    assert_eq!(kinds[2].search_type, None);

    let kinds = client
        .get_webhooks_event_types_v0()
        .search_type(types::SavedSearchType::Jobs)
        .send()
        .await?
        .into_inner();
    jobs.assert_async().await;
    assert_eq!(kinds.len(), 2);
    Ok(())
}

#[cfg(theirstack_has = "op:get_webhooks_by_id_v0")]
#[tokio::test]
async fn get_webhooks_by_id_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/webhooks/4471")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200).json_body(fixture("webhook.json"));
        })
        .await;
    let client = support::client(&server);
    let webhook = client
        .get_webhooks_by_id_v0()
        .webhook_id(4471)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(webhook.id, 4471);
    assert_eq!(
        webhook.url.as_str(),
        "https://hooks.acme-analytics.com/theirstack/jobs"
    );
    assert_eq!(
        webhook.description.as_deref(),
        Some("New data engineering roles into #hiring-signals")
    );
    assert_eq!(webhook.event_type, types::WebhookEventType::JobNew);
    assert_eq!(webhook.scanning_frequency, "10m");
    assert_eq!(webhook.updated_at, ts("2026-03-02T10:00:03.000001Z"));
    Ok(())
}

#[cfg(theirstack_has = "op:patch_webhooks_by_id_v0")]
#[tokio::test]
async fn patch_webhooks_by_id_v0() -> TestResult {
    let server = MockServer::start_async().await;
    #[allow(unused_mut)]
    let mut expected = json!({
        "url": "https://hooks.acme-analytics.com/theirstack/v2/jobs",
        "search_id": 5513,
        "trigger_once_per_company": false
    });
    #[cfg(theirstack_has = "WebhookUpdate.active_event_types")]
    {
        expected["active_event_types"] = json!(["job_closed"]);
    }
    let mut response = fixture("webhook.json");
    response["url"] = json!("https://hooks.acme-analytics.com/theirstack/v2/jobs");
    response["search_id"] = json!(5513);
    response["search_name"] = json!("Data engineers in Texas and Oklahoma");
    response["trigger_once_per_company"] = json!(false);
    response["updated_at"] = json!("2026-03-03T15:20:00Z");
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/v0/webhooks/4471")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .json_body(expected);
            then.status(200).json_body(response);
        })
        .await;
    let update = types::WebhookUpdate::builder()
        .url("https://hooks.acme-analytics.com/theirstack/v2/jobs")
        .search_id(5513)
        .trigger_once_per_company(false);
    #[cfg(theirstack_has = "WebhookUpdate.active_event_types")]
    let update = update.active_event_types(Some(vec![types::WebhookEventType::from("job_closed")]));
    let client = support::client(&server);
    let webhook = client
        .patch_webhooks_by_id_v0()
        .webhook_id(4471)
        .body(update)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(webhook.search_id, 5513);
    assert_eq!(webhook.search_name, "Data engineers in Texas and Oklahoma");
    assert_eq!(
        webhook.url.as_str(),
        "https://hooks.acme-analytics.com/theirstack/v2/jobs"
    );
    assert!(!webhook.trigger_once_per_company);
    assert_eq!(webhook.updated_at, ts("2026-03-03T15:20:00Z"));
    Ok(())
}

#[cfg(theirstack_has = "op:patch_webhooks_status_v0")]
#[tokio::test]
async fn patch_webhooks_status_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mut response = fixture("webhook.json");
    response["is_active"] = json!(false);
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/v0/webhooks/4471/status")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .json_body(json!({"is_active": false}));
            then.status(200).json_body(response);
        })
        .await;
    let client = support::client(&server);
    let webhook = client
        .patch_webhooks_status_v0()
        .webhook_id(4471)
        .body(types::WebhookStatusUpdate { is_active: false })
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert!(!webhook.is_active);
    assert!(!webhook.is_archived);
    assert_eq!(webhook.id, 4471);
    Ok(())
}

#[cfg(theirstack_has = "op:patch_webhooks_archive_v0")]
#[tokio::test]
async fn patch_webhooks_archive_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mut response = fixture("webhook.json");
    response["is_active"] = json!(false);
    response["is_archived"] = json!(true);
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/v0/webhooks/4471/archive")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200).json_body(response);
        })
        .await;
    let client = support::client(&server);
    let webhook = client
        .patch_webhooks_archive_v0()
        .webhook_id(4471)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert!(webhook.is_archived);
    assert!(!webhook.is_active);
    assert_eq!(webhook.search_id, 5512);
    Ok(())
}

#[cfg(theirstack_has = "op:get_webhooks_events_v0")]
#[tokio::test]
async fn get_webhooks_events_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let all = fixture("webhook-events.json");
    let failed = json!([all[1].clone()]);
    let page = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/webhooks/4471/events")
                .header("authorization", support::bearer())
                .is_true(query_is(&[("offset", "0"), ("limit", "3")]))
                .is_true(no_body);
            then.status(200).json_body(all);
        })
        .await;
    let only_failed = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/webhooks/4471/events")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("status", "FAILED"),
                    ("offset", "500"),
                    ("limit", "500"),
                ]));
            then.status(200).json_body(failed);
        })
        .await;
    let client = support::client(&server);
    let events = client
        .get_webhooks_events_v0()
        .webhook_id(4471)
        .offset(0u64)
        .limit(nz(3))
        .send()
        .await?
        .into_inner();
    page.assert_async().await;
    assert_eq!(events.len(), 3);

    let delivered = &events[0];
    assert_eq!(delivered.id, 7700101);
    assert_eq!(delivered.webhook_id, 4471);
    assert_eq!(delivered.job_id, Some(90210001));
    assert_eq!(delivered.status, types::WebhookEventStatus::Success);
    assert_eq!(delivered.triggered_at, ts("2026-03-02T08:25:31Z"));
    assert_eq!(delivered.response_status_code, Some(200));
    assert_eq!(delivered.response_body.as_deref(), Some("{\"ok\":true}"));
    match delivered.payload.as_ref().expect("payload") {
        types::WebhookEventPayload::JobWithMatchingPhrasesResponseOutput(job) => {
            assert_eq!(job.id, 90210001);
            assert_eq!(job.seniority, Some(types::Seniority::Senior));
            assert_eq!(
                job.company_object.funding_stage,
                Some(types::FundingStage::SeriesC)
            );
            assert_eq!(job.locations[0].type_, Some(types::GeonameType::City));
        }
        other => panic!("a job event decoded as {other:?}"),
    }

    let failed_event = &events[1];
    assert_eq!(failed_event.status, types::WebhookEventStatus::Failed);
    assert_eq!(failed_event.job_id, None);
    assert_eq!(failed_event.response_status_code, Some(502));
    match failed_event.payload.as_ref().expect("payload") {
        types::WebhookEventPayload::CompanyWithTechnologiesAndJobsOutput(company) => {
            assert_eq!(company.id, "northwind-robotics");
            assert_eq!(company.funding_stage, Some(types::FundingStage::Seed));
            assert_eq!(company.jobs_found[0].id, Some(90219999));
        }
        other => panic!("a company event decoded as {other:?}"),
    }

    let skipped = &events[2];
    assert_eq!(skipped.status, types::WebhookEventStatus::NotTriggered);
    assert_eq!(skipped.payload, None);
    assert_eq!(skipped.company_name, None);
    assert_eq!(skipped.response_body, None);

    let events = client
        .get_webhooks_events_v0()
        .webhook_id(4471)
        .status(types::WebhookEventStatus::Failed)
        .offset(500u64)
        .limit(nz(500))
        .send()
        .await?
        .into_inner();
    only_failed.assert_async().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].id, 7700102);
    Ok(())
}

#[cfg(theirstack_has = "op:get_webhooks_events_count_v0")]
#[tokio::test]
async fn get_webhooks_events_count_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/webhooks/4471/events/count")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            raw_json(then, "1284");
        })
        .await;
    let client = support::client(&server);
    let count: i64 = client
        .get_webhooks_events_count_v0()
        .webhook_id(4471)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(count, 1284);
    Ok(())
}

#[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0")]
#[tokio::test]
async fn get_webhooks_events_count_aggregated_v0() -> TestResult {
    let server = MockServer::start_async().await;
    #[allow(unused_mut)]
    let mut query = vec![
        ("start_datetime", "2026-03-01T00:00:00Z"),
        ("end_datetime", "2026-03-03T00:00:00Z"),
        ("timezone", "America/Chicago"),
        ("webhook_id", "4471"),
        ("group_by", "status"),
    ];
    #[allow(unused_mut)]
    let mut buckets = fixture("webhook-events-count-aggregated.json");
    #[cfg(theirstack_has = "WebhookGroupBy=event_type")]
    {
        query.push(("group_by", "event_type"));
        buckets[1]["event_type"] = json!("job_closed");
    }
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/webhooks/events/count")
                .header("authorization", support::bearer())
                .is_true(query_is(&query))
                .is_true(no_body);
            then.status(200).json_body(buckets);
        })
        .await;
    // Since July 2026 `group_by` is a list (repeated in the query) and can name event_type.
    #[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0?group_by[]")]
    let group_by = vec![
        types::WebhookGroupBy::Status,
        #[cfg(theirstack_has = "WebhookGroupBy=event_type")]
        types::WebhookGroupBy::EventType,
    ];
    #[cfg(not(theirstack_has = "op:get_webhooks_events_count_aggregated_v0?group_by[]"))]
    let group_by = types::WebhookGroupBy::Status;
    let client = support::client(&server);
    let buckets = client
        .get_webhooks_events_count_aggregated_v0()
        .start_datetime(ts("2026-03-01T00:00:00Z"))
        .end_datetime(ts("2026-03-03T00:00:00Z"))
        .timezone("America/Chicago")
        .webhook_id(4471)
        .group_by(group_by)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(buckets.len(), 3);
    assert_eq!(buckets[0].period_start, ts("2026-03-01T00:00:00Z"));
    assert_eq!(buckets[0].status, Some(types::WebhookEventStatus::Success));
    assert_eq!(buckets[0].number_of_events, 14);
    assert_eq!(buckets[0].webhook_id, None);
    assert_eq!(buckets[1].status, Some(types::WebhookEventStatus::Failed));
    #[cfg(theirstack_has = "WebhookEventCount.event_type")]
    {
        assert_eq!(
            buckets[1].event_type,
            Some(types::WebhookEventType::from("job_closed"))
        );
        assert_eq!(
            buckets[0].event_type, None,
            "absent: optional (inferred field)"
        );
    }
    assert_eq!(buckets[1].number_of_executions, 2);
    assert_eq!(
        buckets[2].status,
        Some(types::WebhookEventStatus::InProgress)
    );
    assert_eq!(buckets[2].number_of_events, 0, "absent: default 0");
    assert_eq!(buckets[2].webhook_id, Some(4471));
    assert_eq!(buckets[2].period_start, ts("2026-03-01T23:00:00Z"));
    Ok(())
}

#[cfg(theirstack_has = "op:post_webhooks_events_retry_v0")]
#[tokio::test]
async fn post_webhooks_events_retry_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v0/webhooks/events/retry")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .json_body(json!({"webhook_event_ids": [7700102, 7700103]}));
            raw_json(then, "null");
        })
        .await;
    let client = support::client(&server);
    let body = types::WebhookEventRetryRequest {
        webhook_event_ids: vec![7700102, 7700103],
    };
    // The documented 200 schema is `{}`: the client hands back the JSON as it came, and the
    // documented body is `null`.
    let result: Value = client
        .post_webhooks_events_retry_v0()
        .body(body)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(result, Value::Null);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Company lists

#[cfg(theirstack_has = "op:get_company_lists_v0")]
#[tokio::test]
async fn get_company_lists_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/company_lists")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200).json_body(fixture("company-lists.json"));
        })
        .await;
    let client = support::client(&server);
    let lists = client.get_company_lists_v0().send().await?.into_inner();
    mock.assert_async().await;
    assert_eq!(lists.len(), 3);
    assert_eq!(lists[0].name, "Texas data teams");
    assert_eq!(lists[0].type_, Some(types::CompanyListType::ManualCreation));
    assert_eq!(lists[0].created_at, ts("2026-02-14T11:03:27.418Z"));
    assert_eq!(lists[0].webhook_id, None);
    assert_eq!(
        lists[1].type_,
        Some(types::CompanyListType::WebhookTriggered)
    );
    assert_eq!(lists[1].webhook_id, Some(4472));
    assert_eq!(lists[1].deletable, Some(false));
    assert_eq!(lists[1].user_id, None);
    assert_eq!(lists[2].companies_count, 0, "absent: default 0");
    assert_eq!(lists[2].type_, None);
    assert_eq!(lists[2].deletable, None);
    Ok(())
}

#[cfg(theirstack_has = "op:post_company_lists_v0")]
#[tokio::test]
async fn post_company_lists_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v0/company_lists")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .json_body(json!({"name": "Texas data teams"}));
            then.status(200).json_body(fixture("company-list.json"));
        })
        .await;
    let client = support::client(&server);
    let list = client
        .post_company_lists_v0()
        .body(types::CompanyListCreate {
            name: "Texas data teams".to_string(),
        })
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(list.id, 812);
    assert_eq!(list.name, "Texas data teams");
    assert_eq!(list.companies_count, 42);
    assert_eq!(list.user_id, Some(301));
    Ok(())
}

#[cfg(theirstack_has = "op:post_company_lists_add_companies_multiple_v0")]
#[tokio::test]
async fn post_company_lists_add_companies_multiple_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v0/company_lists/add_companies")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .json_body(json!({"company_ids": ["acme-analytics", "northwind-robotics"], "list_ids": [812, 815]}));
            then.status(200).json_body(json!({"added": 2, "lists": [812, 815]}));
        })
        .await;
    let client = support::client(&server);
    let body = types::BodyPostCompanyListsAddCompaniesMultipleV0 {
        company_ids: vec![
            "acme-analytics".to_string(),
            "northwind-robotics".to_string(),
        ],
        list_ids: vec![812, 815],
    };
    // The documented 200 schema is `{}`: whatever JSON comes back is handed over as is.
    let result: Value = client
        .post_company_lists_add_companies_multiple_v0()
        .body(body)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(result, json!({"added": 2, "lists": [812, 815]}));
    Ok(())
}

#[cfg(theirstack_has = "op:get_company_lists_by_id_v0")]
#[tokio::test]
async fn get_company_lists_by_id_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/company_lists/812")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200).json_body(fixture("company-list.json"));
        })
        .await;
    let client = support::client(&server);
    let list = client
        .get_company_lists_by_id_v0()
        .list_id(812)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(list.id, 812);
    assert_eq!(list.deletable, Some(true));
    assert_eq!(list.type_, Some(types::CompanyListType::ManualCreation));
    assert_eq!(list.webhook_id, None);
    Ok(())
}

#[cfg(theirstack_has = "op:patch_company_lists_by_id_v0")]
#[tokio::test]
async fn patch_company_lists_by_id_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mut response = fixture("company-list.json");
    response["name"] = json!("Texas data & analytics teams");
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/v0/company_lists/812")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .json_body(json!({"new_name": "Texas data & analytics teams"}));
            then.status(200).json_body(response);
        })
        .await;
    let client = support::client(&server);
    let list = client
        .patch_company_lists_by_id_v0()
        .list_id(812)
        .body(types::CompanyListRename {
            new_name: "Texas data & analytics teams".to_string(),
        })
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(list.name, "Texas data & analytics teams");
    assert_eq!(list.id, 812);
    Ok(())
}

#[cfg(theirstack_has = "op:delete_company_lists_by_id_v0")]
#[tokio::test]
async fn delete_company_lists_by_id_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/v0/company_lists/812")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            raw_json(then, "null");
        })
        .await;
    let client = support::client(&server);
    // The documented 200 schema is `{}`: `null` decodes.
    let result: Value = client
        .delete_company_lists_by_id_v0()
        .list_id(812)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(result, Value::Null);
    Ok(())
}

#[cfg(theirstack_has = "op:post_company_lists_add_companies_v0")]
#[tokio::test]
async fn post_company_lists_add_companies_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mut response = fixture("company-list.json");
    response["companies_count"] = json!(44);
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v0/company_lists/812/add_companies")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .json_body(json!({"company_ids": ["lone-star-freight"], "company_names": ["Bluebonnet Health"]}));
            then.status(200).json_body(response);
        })
        .await;
    let client = support::client(&server);
    let body = types::BodyPostCompanyListsAddCompaniesV0 {
        company_ids: vec!["lone-star-freight".to_string()],
        company_names: vec!["Bluebonnet Health".to_string()],
    };
    let list = client
        .post_company_lists_add_companies_v0()
        .list_id(812)
        .body(body)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(list.companies_count, 44);
    assert_eq!(list.id, 812);
    Ok(())
}

#[cfg(theirstack_has = "op:get_company_lists_companies_v0")]
#[tokio::test]
async fn get_company_lists_companies_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/company_lists/812/companies")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("order_by", "name"),
                    ("order_direction", "asc"),
                    ("company_name_partial", "a"),
                    ("limit", "2"),
                    ("page", "0"),
                    ("offset", "0"),
                ]))
                .is_true(no_body);
            then.status(200)
                .json_body(fixture("company-list-companies.json"));
        })
        .await;
    let client = support::client(&server);
    let items = client
        .get_company_lists_companies_v0()
        .list_id(812)
        .order_by(types::GetCompanyListsCompaniesV0OrderBy::Name)
        .order_direction(types::GetCompanyListsCompaniesV0OrderDirection::Asc)
        .company_name_partial("a")
        .limit(nz(2))
        .page(0u64)
        .offset(0u64)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].company_name, "Acme Analytics");
    assert_eq!(items[0].added_at, ts("2026-02-14T11:05:00Z"));
    assert_eq!(items[0].revealed_at, ts("2026-02-10T15:45:10Z"));
    assert_eq!(items[0].company_object.industry_id, Some(4));
    assert_eq!(
        items[0].company_object.funding_stage,
        Some(types::FundingStage::SeriesC)
    );
    assert_eq!(items[1].company_object.domain, None);
    assert_eq!(items[1].company_object.employee_count, None);
    Ok(())
}

#[cfg(theirstack_has = "op:get_company_lists_companies_export_v0")]
#[tokio::test]
async fn get_company_lists_companies_export_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/company_lists/812/companies/export")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("file_format", "xlsx"),
                    ("limit", "500"),
                    ("page", "1"),
                    ("offset", "500"),
                ]))
                .is_true(no_body);
            then.status(200)
                .json_body(fixture("company-list-export.json"));
        })
        .await;
    let client = support::client(&server);
    let export = client
        .get_company_lists_companies_export_v0()
        .list_id(812)
        .file_format(types::GetCompanyListsCompaniesExportV0FileFormat::Xlsx)
        .limit(nz(500))
        .page(1u64)
        .offset(500u64)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert!(
        export
            .url
            .starts_with("https://exports.theirstack.com/company_lists/812/"),
        "{}",
        export.url
    );
    assert!(export.url.contains(".xlsx?"));
    Ok(())
}

#[cfg(theirstack_has = "op:post_company_lists_duplicate_v0")]
#[tokio::test]
async fn post_company_lists_duplicate_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mut response = fixture("company-list.json");
    response["id"] = json!(830);
    response["name"] = json!("Texas data teams (copy)");
    response["created_at"] = json!("2026-03-03T10:00:00+00:00");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v0/company_lists/812/duplicate")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200).json_body(response);
        })
        .await;
    let client = support::client(&server);
    let copy = client
        .post_company_lists_duplicate_v0()
        .list_id(812)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(copy.id, 830);
    assert_eq!(copy.name, "Texas data teams (copy)");
    assert_eq!(copy.created_at, ts("2026-03-03T10:00:00Z"));
    assert_eq!(copy.companies_count, 42);
    Ok(())
}

#[cfg(theirstack_has = "op:post_company_lists_remove_companies_v0")]
#[tokio::test]
async fn post_company_lists_remove_companies_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mut response = fixture("company-list.json");
    response["companies_count"] = json!(41);
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v0/company_lists/812/remove_companies")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .json_body(json!({"company_ids": ["lone-star-freight"]}));
            then.status(200).json_body(response);
        })
        .await;
    let client = support::client(&server);
    let body = types::BodyPostCompanyListsRemoveCompaniesV0 {
        company_ids: vec!["lone-star-freight".to_string()],
    };
    let list = client
        .post_company_lists_remove_companies_v0()
        .list_id(812)
        .body(body)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(list.companies_count, 41);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Saved searches

#[cfg(theirstack_has = "op:get_saved_searches_v0")]
#[tokio::test]
async fn get_saved_searches_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/saved_searches")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("user_ids", "301"),
                    ("user_ids", "302"),
                    ("types", "jobs"),
                    ("types", "companies"),
                    ("order_by", "created_at"),
                    ("order_direction", "desc"),
                ]))
                .is_true(no_body);
            then.status(200).json_body(fixture("saved-searches.json"));
        })
        .await;
    let client = support::client(&server);
    let searches = client
        .get_saved_searches_v0()
        .user_ids(vec![301, 302])
        .types(vec![
            types::SavedSearchType::Jobs,
            types::SavedSearchType::Companies,
        ])
        .order_by(types::GetSavedSearchesV0OrderBy::CreatedAt)
        .order_direction(types::GetCompanyListsCompaniesV0OrderDirection::Desc)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(searches.len(), 2);

    let jobs = &searches[0];
    assert_eq!(jobs.id, 5512);
    assert_eq!(jobs.type_, types::SavedSearchType::Jobs);
    assert_eq!(jobs.creator.email, "dana@acme-analytics.com");
    assert_eq!(jobs.creator.last_name.as_deref(), Some("Whitfield"));
    assert_eq!(jobs.frequency, Some(types::SavedSearchFrequency::Daily));
    assert_eq!(jobs.emails_subscribed.as_ref().map(Vec::len), Some(2));
    assert!(jobs.is_alert_active && jobs.has_active_webhooks && !jobs.is_archived);
    assert_eq!(jobs.query, None);
    assert_eq!(jobs.path.as_deref(), Some("/search/jobs"));
    assert_eq!(
        jobs.querystring_params.as_ref().and_then(|p| p.get("page")),
        Some(&json!(1))
    );
    assert_eq!(jobs.created_at, ts("2026-02-28T18:00:00.250Z"));

    let companies = &searches[1];
    assert_eq!(companies.type_, types::SavedSearchType::Companies);
    assert_eq!(companies.creator.first_name, None);
    assert_eq!(companies.frequency, None);
    assert_eq!(companies.emails_subscribed, None, "null stays null");
    assert!(
        !companies.is_alert_active && !companies.has_active_webhooks,
        "absent: default false"
    );
    match companies.filters().expect("company filters decode") {
        types::SavedSearchFilters::Companies(body) => {
            assert_eq!(body.company_technology_slug_or, ["snowflake"]);
            assert_eq!(body.min_employee_count, Some(50));
            assert_eq!(body.limit.get(), 50);
            assert_eq!(
                body.order_by[0].field,
                types::ColumnSortCompanySearchField::NumJobs
            );
            let tech = body.tech_filters.as_ref().expect("tech filters");
            assert_eq!(tech.confidence_or, [types::KeywordFoundConfidence::High]);
            assert_eq!(
                body.job_filters
                    .as_ref()
                    .and_then(|j| j.posted_at_max_age_days),
                Some(30)
            );
        }
        other => panic!("a companies saved search decoded as {other:?}"),
    }
    Ok(())
}

/// A saved search of type `jobs` must keep its job filters: the body is read by the search's
/// `type`, not by guessing from its shape.
#[test]
fn saved_search_of_type_jobs_keeps_job_filters() {
    let searches: Vec<types::SavedSearchResponseV1> =
        serde_json::from_value(fixture("saved-searches.json")).expect("saved searches decode");
    match searches[0].filters().expect("job filters decode") {
        types::SavedSearchFilters::Jobs(body) => {
            assert_eq!(body.posted_at_max_age_days, Some(7));
            assert_eq!(body.job_title_or, ["data engineer", "analytics engineer"]);
        }
        other => panic!("the job filters of a jobs saved search were decoded as {other:?}"),
    }
    let search: types::SavedSearch =
        serde_json::from_value(fixture("saved-search.json")).expect("saved search decodes");
    assert!(
        matches!(search.filters().unwrap(), types::SavedSearchFilters::Jobs(b) if b.remote == Some(true)),
        "{:?}",
        search.body
    );
}

#[cfg(theirstack_has = "op:post_saved_searches_v0")]
#[tokio::test]
async fn post_saved_searches_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let expected = json!({
        "name": "Rust jobs posted this week",
        "type": "jobs",
        "is_alert_active": true,
        "body": {"posted_at_max_age_days": 7, "job_technology_slug_or": ["rust"], "remote": true}
    });
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v0/saved_searches")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(body_is(expected));
            then.status(200).json_body(fixture("saved-search.json"));
        })
        .await;
    let filters: types::JobSearchFiltersInput = types::JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .job_technology_slug_or(vec!["rust".to_string()])
        .remote(Some(true))
        .try_into()
        .expect("valid filters");
    let create = types::SavedSearchCreate {
        name: Some("Rust jobs posted this week".to_string()),
        type_: types::SavedSearchType::Jobs,
        body: types::SavedSearchCreateBody::JobSearchFiltersInput(filters),
        is_alert_active: Some(true),
    };
    let client = support::client(&server);
    let search = client
        .post_saved_searches_v0()
        .body(create)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(search.id, 5540);
    assert_eq!(search.type_, types::SavedSearchType::Jobs);
    assert_eq!(search.frequency, Some(types::SavedSearchFrequency::Weekly));
    assert_eq!(search.emails_subscribed, Some(vec![]));
    assert_eq!(search.created_at, ts("2026-03-03T12:00:00.000001Z"));
    assert_eq!(search.creator.id, 301);
    assert_eq!(search.querystring_params, None);
    Ok(())
}

#[cfg(theirstack_has = "op:get_saved_searches_by_id_v0")]
#[tokio::test]
async fn get_saved_searches_by_id_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let companies = fixture("saved-searches.json")[1].clone();
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/saved_searches/5530")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200).json_body(companies);
        })
        .await;
    let client = support::client(&server);
    let search = client
        .get_saved_searches_by_id_v0()
        .search_id(5530)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(search.id, 5530);
    assert_eq!(search.name, "Snowflake shops in Europe");
    assert_eq!(search.type_, types::SavedSearchType::Companies);
    assert_eq!(search.team_id, 77);
    assert_eq!(search.updated_at, ts("2026-02-11T16:00:00Z"));
    match search.filters().expect("company filters decode") {
        types::SavedSearchFilters::Companies(body) => {
            assert_eq!(body.company_country_code_or, ["DE", "FR", "ES"]);
            assert_eq!(body.funding_stage_or, ["series_a", "series_b"]);
        }
        other => panic!("a companies saved search decoded as {other:?}"),
    }
    Ok(())
}

#[cfg(theirstack_has = "op:patch_saved_searches_by_id_v0")]
#[tokio::test]
async fn patch_saved_searches_by_id_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let expected = json!({
        "name": "Rust jobs (remote)",
        "is_alert_active": false,
        "frequency": "weekly",
        "emails_subscribed": ["dana@acme-analytics.com"]
    });
    let mut response = fixture("saved-search.json");
    response["name"] = json!("Rust jobs (remote)");
    response["is_alert_active"] = json!(false);
    response["emails_subscribed"] = json!(["dana@acme-analytics.com"]);
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/v0/saved_searches/5540")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .json_body(expected);
            then.status(200).json_body(response);
        })
        .await;
    let update = types::SavedSearchUpdate {
        name: Some("Rust jobs (remote)".to_string()),
        is_alert_active: Some(false),
        frequency: Some(types::SavedSearchFrequency::Weekly),
        emails_subscribed: Some(vec!["dana@acme-analytics.com".to_string()]),
        ..Default::default()
    };
    let client = support::client(&server);
    let search = client
        .patch_saved_searches_by_id_v0()
        .search_id(5540)
        .body(update)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(search.name, "Rust jobs (remote)");
    assert!(!search.is_alert_active);
    assert_eq!(
        search.emails_subscribed,
        Some(vec!["dana@acme-analytics.com".to_string()])
    );
    Ok(())
}

#[cfg(theirstack_has = "op:patch_saved_searches_archive_v0")]
#[tokio::test]
async fn patch_saved_searches_archive_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/v0/saved_searches/5540/archive")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200)
                .json_body(json!({"message": "Saved search archived", "search_id": "5540"}));
        })
        .await;
    let client = support::client(&server);
    let result = client
        .patch_saved_searches_archive_v0()
        .search_id(5540)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    let expected: BTreeMap<&str, &str> =
        [("message", "Saved search archived"), ("search_id", "5540")].into();
    let got: BTreeMap<&str, &str> = result
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(got, expected);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Catalog

#[cfg(theirstack_has = "op:get_catalog_locations_v0")]
#[tokio::test]
async fn get_catalog_locations_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let search = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/catalog/locations")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("name", "Austin"),
                    ("country_code", "US"),
                    ("feature_code", "PPLA"),
                    ("feature_code", "ADM1"),
                    ("offset", "0"),
                    ("limit", "10"),
                ]))
                .is_true(no_body);
            then.status(200)
                .json_body(fixture("catalog-locations.json"));
        })
        .await;
    let by_id = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/catalog/locations")
                .header("authorization", support::bearer())
                .is_true(query_is(&[("id", "4671654"), ("id", "4736286")]));
            then.status(200)
                .json_body(json!([fixture("catalog-locations.json")[0].clone()]));
        })
        .await;
    let client = support::client(&server);
    let locations = client
        .get_catalog_locations_v0()
        .name("Austin")
        .country_code("US")
        .feature_code(types::GetCatalogLocationsV0FeatureCode::Array(vec![
            "PPLA".to_string(),
            "ADM1".to_string(),
        ]))
        .offset(0u64)
        .limit(nz(10))
        .send()
        .await?
        .into_inner();
    search.assert_async().await;
    assert_eq!(locations.len(), 3);
    assert_eq!(locations[0].id, 4671654);
    assert_eq!(locations[0].feature_name, types::GeonameType::City);
    assert_eq!(locations[0].admin1_name.as_deref(), Some("Texas"));
    assert_eq!(locations[1].feature_name, types::GeonameType::Region);
    assert_eq!(locations[1].feature_code, "ADM1");
    assert_eq!(locations[2].feature_name, types::GeonameType::Continent);
    assert_eq!(locations[2].country_code, None);
    assert_eq!(
        locations[2].country_name, None,
        "required but nullable: null decodes"
    );

    let found = client
        .get_catalog_locations_v0()
        .id(types::GetCatalogLocationsV0Id::Array(vec![
            4671654, 4736286,
        ]))
        .send()
        .await?
        .into_inner();
    by_id.assert_async().await;
    assert_eq!(found[0].display_name, "Austin, Texas, United States");
    Ok(())
}

#[cfg(theirstack_has = "op:get_catalog_industries_v0")]
#[tokio::test]
async fn get_catalog_industries_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/catalog/industries")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("industry", "software"),
                    ("page", "0"),
                    ("limit", "10"),
                ]))
                .is_true(no_body);
            then.status(200)
                .json_body(fixture("catalog-industries.json"));
        })
        .await;
    let client = support::client(&server);
    let industries = client
        .get_catalog_industries_v0()
        .industry("software")
        .page(0u64)
        .limit(nz(10))
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(industries.metadata.total_results, Some(2));
    let software = &industries.data[0];
    assert_eq!(software.industry_id, Some(4));
    assert_eq!(software.industry.as_deref(), Some("Software Development"));
    assert_eq!(software.parent_id, Some(6));
    assert_eq!(software.jobs, Some(2310455));
    assert!(
        software
            .hierarchy
            .as_deref()
            .is_some_and(|h| h.ends_with("> Software Development"))
    );
    let desktop = &industries.data[1];
    assert_eq!(desktop.hierarchy, None);
    assert_eq!(desktop.companies, None);
    Ok(())
}

#[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
#[tokio::test]
async fn get_catalog_technologies_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/catalog/technologies")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("name_pattern", "postg"),
                    ("slugs", "postgresql"),
                    ("slugs", "postgis"),
                    ("category_pattern", "database"),
                    ("category_slug", "relational-databases"),
                    ("parent_category_slug", "databases"),
                    ("parent_category_pattern", "data"),
                    ("page", "2"),
                    ("limit", "2"),
                ]))
                .is_true(no_body);
            then.status(200)
                .json_body(fixture("catalog-technologies.json"));
        })
        .await;
    let client = support::client(&server);
    let technologies = client
        .get_catalog_technologies_v0()
        .name_pattern("postg")
        .slugs(vec!["postgresql".to_string(), "postgis".to_string()])
        .category_pattern("database")
        .category_slug("relational-databases")
        .parent_category_slug("databases")
        .parent_category_pattern("data")
        .page(2u64)
        .limit(nz(2))
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(technologies.len(), 2);
    let postgres = &technologies[0];
    assert_eq!(postgres.slug, "postgresql");
    assert_eq!(
        postgres.category_slug.as_deref(),
        Some("relational-databases")
    );
    assert_eq!(postgres.companies, Some(301877));
    assert_eq!(postgres.companies_found_last_week, Some(1204));
    assert_eq!(postgres.url.as_deref(), Some("https://www.postgresql.org"));
    let postgis = &technologies[1];
    assert_eq!(postgis.name, "PostGIS");
    assert_eq!(postgis.one_liner, None);
    assert_eq!(postgis.jobs, None);
    Ok(())
}

#[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
#[tokio::test]
async fn get_catalog_keywords_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/catalog/keywords")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("keyword_type_not", "technology"),
                    ("keyword_type_not", "software_product"),
                    ("name_pattern", "cost"),
                    ("slugs", "cloud-cost-optimization"),
                    ("slugs", "finops"),
                    ("category_slug", "cost-management"),
                    ("parent_category_slug", "strategic-initiatives"),
                    ("q", "cloud"),
                    ("starts_with", "C"),
                    ("page", "2"),
                    ("limit", "50"),
                ]))
                .is_true(no_body);
            then.status(200)
                .json_body(support::fixture("inferred/catalog-keywords.json"));
        })
        .await;
    let by_type = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/catalog/keywords")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("keyword_type", "technology"),
                    ("category_pattern", "data"),
                    ("parent_category_pattern", "analytics"),
                    ("slug", "snowflake"),
                ]));
            then.status(200)
                .json_body(json!([support::fixture("inferred/catalog-keywords.json")
                    [0]
                .clone()]));
        })
        .await;
    let client = support::client(&server);
    let keywords = client
        .get_catalog_keywords_v0()
        .keyword_type_not(vec![
            types::KeywordType::Technology,
            types::KeywordType::SoftwareProduct,
        ])
        .name_pattern("cost")
        .slugs(vec![
            "cloud-cost-optimization".to_string(),
            "finops".to_string(),
        ])
        .category_slug("cost-management")
        .parent_category_slug("strategic-initiatives")
        .q("cloud")
        .starts_with("C")
        .page(2u64)
        .limit(nz(50))
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    // The row shape is inferred from the technology catalog (openapi/README.md).
    assert_eq!(keywords.len(), 3);
    let snowflake = &keywords[0];
    assert_eq!(snowflake.slug, "snowflake");
    assert_eq!(snowflake.keyword_type, Some(types::KeywordType::Technology));
    assert_eq!(snowflake.category_slug.as_deref(), Some("data-warehousing"));
    assert_eq!(snowflake.logo_thumbnail, None);
    assert_eq!(snowflake.jobs, Some(182344));
    assert_eq!(snowflake.companies_found_last_week, Some(312));
    let cost = &keywords[1];
    assert_eq!(cost.name, "Cloud cost optimization");
    assert_eq!(
        cost.keyword_type,
        Some(types::KeywordType::StrategicInitiative)
    );
    assert_eq!(cost.jobs, None);
    assert_eq!(cost.parent_category, None);
    assert_eq!(
        keywords[2].keyword_type,
        Some(types::KeywordType::Unknown("emerging_topic".into()))
    );

    let technologies = client
        .get_catalog_keywords_v0()
        .keyword_type(types::KeywordType::Technology)
        .category_pattern("data")
        .parent_category_pattern("analytics")
        .slug(vec!["snowflake".to_string()])
        .send()
        .await?
        .into_inner();
    by_type.assert_async().await;
    assert_eq!(technologies.len(), 1);
    assert_eq!(
        technologies[0].url.as_deref(),
        Some("https://www.snowflake.com")
    );
    Ok(())
}

#[cfg(theirstack_has = "op:get_catalog_jobs_companies_per_job_country_code_v0")]
#[tokio::test]
async fn get_catalog_jobs_companies_per_job_country_code_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/catalog/jobs_companies_per_job_country_code")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("country", "Germany"),
                    ("page", "0"),
                    ("limit", "25"),
                ]))
                .is_true(no_body);
            then.status(200)
                .json_body(fixture("catalog-jobs-per-country.json"));
        })
        .await;
    let client = support::client(&server);
    let counts = client
        .get_catalog_jobs_companies_per_job_country_code_v0()
        .country("Germany")
        .page(0u64)
        .limit(nz(25))
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(counts.metadata.total_results, Some(2));
    assert_eq!(counts.data[0].iso2.as_deref(), Some("DE"));
    assert_eq!(counts.data[0].num_jobs, Some(512345));
    assert_eq!(counts.data[0].num_companies, Some(48211));
    assert_eq!(counts.data[1].country, None);
    assert_eq!(counts.data[1].num_companies, None);
    Ok(())
}

#[cfg(theirstack_has = "op:get_catalog_companies_per_company_country_code_v0")]
#[tokio::test]
async fn get_catalog_companies_per_company_country_code_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/catalog/companies_per_company_country_code")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("country", "Spain"),
                    ("page", "3"),
                    ("limit", "1"),
                ]))
                .is_true(no_body);
            then.status(200)
                .json_body(fixture("catalog-companies-per-country.json"));
        })
        .await;
    let client = support::client(&server);
    let counts = client
        .get_catalog_companies_per_company_country_code_v0()
        .country("Spain")
        .page(3u64)
        .limit(nz(1))
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(counts.metadata.total_results, None);
    assert_eq!(counts.data.len(), 1);
    assert_eq!(counts.data[0].country.as_deref(), Some("Spain"));
    assert_eq!(counts.data[0].iso2.as_deref(), Some("ES"));
    assert_eq!(counts.data[0].num_companies, Some(91234));
    Ok(())
}

#[cfg(theirstack_has = "op:list_categories_v1")]
#[tokio::test]
async fn list_categories_v1() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/catalog/technologies/categories")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200)
                .json_body(fixture("technology-categories.json"));
        })
        .await;
    let one = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/catalog/technologies/categories")
                .header("authorization", support::bearer())
                .is_true(query_is(&[("category_slug", "security")]));
            then.status(200).json_body(json!({"data": [fixture("technology-categories.json")["data"][1].clone()], "metadata": {}}));
        })
        .await;
    let client = support::client(&server);
    let categories = client.list_categories_v1().send().await?.into_inner();
    mock.assert_async().await;
    assert_eq!(categories.metadata.total_results, Some(2));
    assert_eq!(categories.data[0].slug, "data-analytics");
    assert_eq!(categories.data[0].number_of_technologies, 812);
    assert_eq!(categories.data[0].number_of_companies, 402113);
    assert_eq!(categories.data[1].description, None);

    let security = client
        .list_categories_v1()
        .category_slug("security")
        .send()
        .await?
        .into_inner();
    one.assert_async().await;
    assert_eq!(security.data.len(), 1);
    assert_eq!(security.data[0].name, "Security");
    assert_eq!(
        security.metadata.total_results, None,
        "absent nullable field"
    );
    Ok(())
}

#[cfg(theirstack_has = "op:list_subcategories_v1")]
#[tokio::test]
async fn list_subcategories_v1() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/catalog/technologies/subcategories")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("category_slug", "data-analytics"),
                    ("subcategory_slug", "data-warehousing"),
                    ("num_technologies_per_category", "2"),
                ]))
                .is_true(no_body);
            then.status(200)
                .json_body(fixture("technology-subcategories.json"));
        })
        .await;
    let client = support::client(&server);
    let subcategories = client
        .list_subcategories_v1()
        .category_slug("data-analytics")
        .subcategory_slug("data-warehousing")
        .num_technologies_per_category(2)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    let warehousing = &subcategories.data[0];
    assert_eq!(warehousing.slug, "data-warehousing");
    assert_eq!(warehousing.category_slug.as_deref(), Some("data-analytics"));
    assert_eq!(warehousing.number_of_companies, 120044);
    assert_eq!(warehousing.technologies.len(), 2);
    assert_eq!(warehousing.technologies[0].slug, "snowflake");
    assert_eq!(warehousing.technologies[1].logo, None);
    Ok(())
}

#[cfg(theirstack_has = "op:list_keyword_categories_v1")]
#[tokio::test]
async fn list_keyword_categories_v1() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/catalog/keywords/categories")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200)
                .json_body(support::fixture("inferred/keyword-categories.json"));
        })
        .await;
    let one = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/catalog/keywords/categories")
                .header("authorization", support::bearer())
                .is_true(query_is(&[("category_slug", "strategic-initiatives")]))
                .is_true(no_body);
            then.status(200).json_body(json!({
                "data": [support::fixture("inferred/keyword-categories.json")["data"][1].clone()]
            }));
        })
        .await;
    let client = support::client(&server);
    let categories = client
        .list_keyword_categories_v1()
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    // The shape is inferred from the technology categories (openapi/README.md).
    assert_eq!(
        categories.metadata.as_ref().and_then(|m| m.total_results),
        Some(2)
    );
    let data = &categories.data[0];
    assert_eq!(data.slug, "data-analytics");
    assert_eq!(data.number_of_technologies, Some(812));
    assert_eq!(data.number_of_keywords, None);
    assert_eq!(data.number_of_companies, Some(402113));
    let intents = &categories.data[1];
    assert_eq!(intents.name, "Strategic initiatives");
    assert_eq!(intents.description, None);
    assert_eq!(intents.number_of_keywords, Some(96));

    let only = client
        .list_keyword_categories_v1()
        .category_slug("strategic-initiatives")
        .send()
        .await?
        .into_inner();
    one.assert_async().await;
    assert_eq!(only.data.len(), 1);
    assert_eq!(
        only.metadata, None,
        "absent: optional in the inferred shape"
    );
    Ok(())
}

#[cfg(theirstack_has = "op:list_keyword_subcategories_v1")]
#[tokio::test]
async fn list_keyword_subcategories_v1() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/catalog/keywords/subcategories")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("category_slug", "strategic-initiatives"),
                    ("subcategory_slug", "cost-management"),
                    ("num_technologies_per_category", "2"),
                ]))
                .is_true(no_body);
            then.status(200)
                .json_body(support::fixture("inferred/keyword-subcategories.json"));
        })
        .await;
    let client = support::client(&server);
    let subcategories = client
        .list_keyword_subcategories_v1()
        .category_slug("strategic-initiatives")
        .subcategory_slug("cost-management")
        .num_technologies_per_category(2)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    // The shape is inferred from the technology subcategories (openapi/README.md): the sample
    // may come as `keywords` or as `technologies`.
    assert_eq!(subcategories.metadata, None);
    let cost = &subcategories.data[0];
    assert_eq!(cost.slug, "cost-management");
    assert_eq!(cost.category_slug.as_deref(), Some("strategic-initiatives"));
    assert_eq!(cost.number_of_keywords, Some(12));
    assert_eq!(cost.number_of_companies, Some(20433));
    assert_eq!(cost.keywords.len(), 2);
    assert_eq!(cost.keywords[1].slug, "finops");
    assert_eq!(cost.keywords[0].logo, None);
    assert!(cost.technologies.is_empty(), "absent: default []");
    let warehousing = &subcategories.data[1];
    assert_eq!(warehousing.number_of_technologies, Some(41));
    assert_eq!(warehousing.description, None);
    assert!(warehousing.keywords.is_empty());
    assert_eq!(warehousing.technologies[0].name, "Snowflake");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Datasets

#[cfg(theirstack_has = "op:get_datasets_v1")]
#[tokio::test]
async fn get_datasets_v1() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/datasets")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200).json_body(fixture("datasets.json"));
        })
        .await;
    let client = support::client(&server);
    let groups = client.get_datasets_v1().send().await?.into_inner();
    mock.assert_async().await;
    assert_eq!(groups.len(), 2);
    let jobs = &groups[0];
    assert_eq!(jobs.type_, Some(types::DatasetGroupType::Jobs));
    assert_eq!(jobs.is_accessible, Some(true));
    let options = jobs.options.as_ref().expect("options");
    let parquet = &options[0];
    assert_eq!(parquet.format, types::DatasetOptionFormat::Parquet);
    assert_eq!(parquet.item_type, types::DatasetOptionItemType::Folder);
    assert_eq!(
        parquet.frequency,
        Some(types::DatasetUpdateFrequency::Daily)
    );
    assert_eq!(parquet.size, Some(48213377812));
    assert_eq!(parquet.last_updated, Some(ts("2026-03-02T04:00:00Z")));
    assert_eq!(parquet.dataset_url, None);
    let csv = &options[1];
    assert_eq!(csv.format, types::DatasetOptionFormat::Csv);
    assert_eq!(
        csv.item_type,
        types::DatasetOptionItemType::File,
        "absent: default file"
    );
    assert_eq!(csv.frequency, Some(types::DatasetUpdateFrequency::Monthly));
    assert_eq!(csv.is_deprecated, Some(true));
    assert_eq!(csv.size, None);
    let technographics = &groups[1];
    assert_eq!(
        technographics.type_,
        Some(types::DatasetGroupType::Technographics)
    );
    assert_eq!(technographics.options, None);
    assert_eq!(technographics.is_accessible, Some(false));
    Ok(())
}

#[cfg(theirstack_has = "op:post_datasets_credentials_v1")]
#[tokio::test]
async fn post_datasets_credentials_v1() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/datasets/credentials")
                .header("authorization", support::bearer())
                .is_true(query_is(&[]))
                .is_true(no_body);
            then.status(200)
                .json_body(fixture("dataset-credentials.json"));
        })
        .await;
    let client = support::client(&server);
    let credentials = client
        .post_datasets_credentials_v1()
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(credentials.access_key_id, "ASIA4EXAMPLE7Q4ZK2LM");
    assert_eq!(credentials.expiration, ts("2026-03-02T12:00:00Z"));
    assert_eq!(credentials.storage.bucket_name, "theirstack-datasets");
    assert_eq!(credentials.storage.prefixes, ["jobs/v2/", "companies/v1/"]);
    assert!(credentials.storage.endpoint_url.starts_with("https://"));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Request count

#[cfg(theirstack_has = "op:get_requests_count_v0")]
#[tokio::test]
async fn get_requests_count_v0() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v0/requests/count")
                .header("authorization", support::bearer())
                .is_true(query_is(&[
                    ("start_datetime", "2026-03-01T00:00:00Z"),
                    ("end_datetime", "2026-03-02T23:59:59.500Z"),
                    ("timezone", "America/Chicago"),
                    ("is_origin_app", "false"),
                ]))
                .is_true(no_body);
            then.status(200).json_body(fixture("requests-count.json"));
        })
        .await;
    let client = support::client(&server);
    let counts = client
        .get_requests_count_v0()
        .start_datetime(ts("2026-03-01T00:00:00Z"))
        .end_datetime(ts("2026-03-02T23:59:59.5Z"))
        .timezone("America/Chicago")
        .is_origin_app(false)
        .send()
        .await?
        .into_inner();
    mock.assert_async().await;
    assert_eq!(counts.len(), 2);
    assert_eq!(counts[0].number_of_requests, 812);
    assert_eq!(counts[0].period_start, ts("2026-03-01T00:00:00Z"));
    assert_eq!(
        counts[1].period_start,
        ts("2026-03-02T06:00:00Z"),
        "-06:00 converted to UTC"
    );
    assert_eq!(counts[1].number_of_requests, 0);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// TheirStack's documented examples (optional: only where `../shared` is present)

/// Decodes each documented `*-response*.json` example in `../shared/theirstack/examples/` into
/// the type of its operation. Skipped, saying so, when that directory is absent (CI).
#[test]
fn documented_response_examples_decode() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/theirstack/examples");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    fn decode<T: serde::de::DeserializeOwned>(name: &str, value: Value) -> Result<(), String> {
        serde_path_to_error::deserialize::<_, T>(value)
            .map(drop)
            .map_err(|e| format!("{name}: {} at {}", e.inner(), e.path()))
    }
    let mut failures = Vec::new();
    let mut decoded = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if !(name.contains("-response") && name.ends_with(".json")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let kind = name.split('.').next().unwrap_or_default();
        let result = match kind {
            "job-search-response" => decode::<types::JobSearchResponse>(&name, value),
            "company-search-response" => decode::<types::CompanySearchResponse>(&name, value),
            "technographics-response" => decode::<types::CompanyTechDetailsResponse>(&name, value),
            "credit-balance-response" => decode::<types::CreditsBalance>(&name, value),
            "credits-consumption-response" => {
                decode::<Vec<types::CreditsConsumption>>(&name, value)
            }
            "error-response" => decode::<types::ErrorResponse>(&name, value),
            "webhook-get-by-id-response" => decode::<types::Webhook>(&name, value),
            "webhooks-list-response" => decode::<Vec<types::Webhook>>(&name, value),
            "webhook-events-list-response" => decode::<Vec<types::WebhookEvent>>(&name, value),
            "webhook-event-count-response" => decode::<i64>(&name, value),
            "webhook-events-count-aggregated-response" => {
                decode::<Vec<types::WebhookEventCount>>(&name, value)
            }
            "webhook-events-retry-response" => decode::<Value>(&name, value),
            "webhook-test-response" => decode::<types::WebhookTestResponse>(&name, value),
            other => Err(format!(
                "{name}: no type known for `{other}`; map it in this test"
            )),
        };
        match result {
            Ok(()) => decoded += 1,
            Err(e) => failures.push(e),
        }
    }
    assert!(
        failures.is_empty(),
        "documented examples that do not decode:\n{}",
        failures.join("\n")
    );
    assert!(
        decoded >= 14,
        "only {decoded} documented response examples found"
    );
}
