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
