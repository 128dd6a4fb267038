//! `Client::lookups`: many one-company lookups at once, each result with its company; a failure
//! or an empty result stops nothing, and only lookups that return rows are charged.

mod support;

use futures::StreamExt;
use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use std::collections::BTreeMap;
use theirstack::pagination::{CompanyRef, Technographics};

fn rows() -> serde_json::Value {
    support::fixture("responses/technographics.json")
}

#[tokio::test]
async fn every_company_gets_its_result_and_a_failure_stops_nothing() {
    let server = MockServer::start_async().await;
    let with_rows = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/companies/technologies")
                .header("authorization", support::bearer())
                .json_body_includes(r#"{"company_domain": "acme.example"}"#);
            then.status(200).json_body(rows());
        })
        .await;
    let empty = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/companies/technologies")
                .json_body_includes(r#"{"company_name": "Nobody"}"#);
            then.status(200)
                .json_body(json!({"metadata": {"total_results": 0}, "data": []}));
        })
        .await;
    let failing = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/companies/technologies")
                .json_body_includes(
                    r#"{"company_linkedin_url": "https://www.linkedin.com/company/broken"}"#,
                );
            then.status(422)
                .json_body(json!({"error": {"code": "E-005", "title": "Validation error"}}));
        })
        .await;
    let client = support::client(&server);
    let companies: Vec<CompanyRef> = [
        "acme.example",
        "name:Nobody",
        "https://www.linkedin.com/company/broken",
    ]
    .iter()
    .map(|line| line.parse().unwrap())
    .collect();
    let results: Vec<_> = client
        .lookups::<Technographics>(companies, 3)
        .collect()
        .await;
    let by_company: BTreeMap<String, _> = results
        .into_iter()
        .map(|r| (r.company.to_string(), (r.rows, r.credits)))
        .collect();
    let (rows, credits) = &by_company["acme.example"];
    assert_eq!(rows.as_ref().unwrap().len(), 3);
    assert_eq!(*credits, 3, "one lookup that returned rows");
    let (rows, credits) = &by_company["name:Nobody"];
    assert!(rows.as_ref().unwrap().is_empty());
    assert_eq!(*credits, 0, "nothing found, nothing charged");
    let (rows, credits) = &by_company["https://www.linkedin.com/company/broken"];
    assert!(rows.as_ref().unwrap_err().is_invalid_request());
    assert_eq!(*credits, 0);
    for mock in [with_rows, empty, failing] {
        mock.assert_async().await;
    }
    assert_eq!(
        client.lookup_concurrency(),
        4,
        "the paid tier's per-second quota"
    );
}

#[cfg(theirstack_has = "op:buying_intents_v1")]
#[tokio::test]
async fn buying_intents_page_by_offset_and_are_priced_per_lookup() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/companies/buying_intents")
                .header("authorization", support::bearer())
                .json_body(json!({
                    "company_domain": "acme.example",
                    "offset": 0,
                    "limit": 500,
                    "include_total_results": false
                }));
            then.status(200)
                .json_body(support::fixture("inferred/buying-intents.json"));
        })
        .await;
    let client = support::client(&server);
    let company: CompanyRef = "acme.example".parse().unwrap();
    let results: Vec<_> = client
        .lookups::<theirstack::pagination::BuyingIntents>([company], 1)
        .collect()
        .await;
    mock.assert_async().await;
    let rows = results[0].rows.as_ref().unwrap();
    assert_eq!(rows.len(), 3, "a row without a topic is kept too");
    assert_eq!(results[0].credits, 3);
    let topics: Vec<_> = rows
        .iter()
        .filter_map(|r| r.technology.as_ref().map(|t| t.slug.as_str()))
        .collect();
    assert_eq!(topics.len(), 2);
    assert_eq!(topics[0], "cloud-cost-optimization");
}
