//! `theirstack buying-intents`, which the sandbox does not serve: one company by flags, and many
//! with `--companies`, against a mock that checks the bearer key and the exact body, and answers
//! only that; the rows as printed, each with its company in bulk.
#![cfg(theirstack_has = "op:buying_intents_v1")]

mod support;

use httpmock::Method::POST;
use serde_json::{Value, json};
use support::*;

const PATH: &str = "/v1/companies/buying_intents";

fn topic(slug: &str, confidence: &str) -> Value {
    json!({
        "technology": {"name": slug.replace('-', " "), "slug": slug, "category": "Cloud", "category_slug": "cloud"},
        "confidence": confidence,
        "jobs": 4,
        "first_date_found": "2025-11-02",
        "last_date_found": "2026-02-20",
        "company_name": "Acme Analytics"
    })
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn one_company_by_flags() {
    let server = httpmock::MockServer::start();
    let topics = vec![
        topic("cloud-migration", "high"),
        topic("data-lakehouse", "low"),
    ];
    #[cfg(theirstack_has = "TechDetailsFilters.keyword_slug_or")]
    let filters = json!({"keyword_slug_or": ["cloud-migration", "data-lakehouse"], "keyword_category_slug_or": ["cloud"]});
    #[cfg(not(theirstack_has = "TechDetailsFilters.keyword_slug_or"))]
    let filters = json!({"technology_slug_or": ["cloud-migration", "data-lakehouse"], "technology_category_slug_or": ["cloud"]});
    let mut body = json!({
        "company_domain": "acme.test",
        "include_total_results": true,
        "offset": 0,
        "limit": 500
    });
    body.as_object_mut()
        .unwrap()
        .extend(filters.as_object().unwrap().clone());
    let lookup = server.mock(|when, then| {
        authed(when, POST, PATH).json_body(body.clone());
        then.status(200).json_body(json!({
            "data": topics,
            "metadata": {"total_results": 2, "total_companies": 1}
        }));
    });
    let (code, stdout, stderr) = run(mock_cli(&server).args([
        "buying-intents",
        "--company-domain",
        "acme.test",
        "--topic",
        "cloud-migration",
        "--topic",
        "data-lakehouse",
        "--category",
        "cloud",
        "--format",
        "ndjson",
    ]));
    assert_eq!((code, stderr.as_str()), (0, ""), "{stderr}");
    let rows = lines(&stdout);
    assert_eq!(rows.len(), 2);
    for (row, expected) in rows.iter().zip(&topics) {
        for key in [
            "technology",
            "confidence",
            "jobs",
            "first_date_found",
            "company_name",
        ] {
            assert_eq!(row[key], expected[key], "{key}");
        }
    }
    lookup.assert_calls(1);

    // No company: refused before any request.
    let (code, stderr) = refused(mock_cli(&server).args(["buying-intents"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("name the company") && stderr.contains("--companies"),
        "{stderr}"
    );
    lookup.assert_calls(1);
}

#[test]
fn many_companies_from_a_file() {
    let server = httpmock::MockServer::start();
    let by_domain = server.mock(|when, then| {
        authed(when, POST, PATH).json_body(json!({
            "company_domain": "acme.test", "include_total_results": false, "offset": 0, "limit": 500
        }));
        then.status(200).json_body(json!({
            "data": [topic("cloud-migration", "high"), topic("soc2", "medium")],
            "metadata": {"total_results": 2}
        }));
    });
    let by_name = server.mock(|when, then| {
        authed(when, POST, PATH).json_body(json!({
            "company_name": "Bolt Robotics", "include_total_results": false, "offset": 0, "limit": 500
        }));
        then.status(200).json_body(json!({"data": [], "metadata": {"total_results": 0}}));
    });
    let by_url = server.mock(|when, then| {
        authed(when, POST, PATH).json_body(json!({
            "company_linkedin_url": "https://www.linkedin.com/company/crane", "include_total_results": false,
            "offset": 0, "limit": 500
        }));
        then.status(200).json_body(json!({"data": [topic("erp-upgrade", "low")]}));
    });
    let dir = tempdir();
    let file = dir.join("companies.txt");
    std::fs::write(
        &file,
        "acme.test\nname: Bolt Robotics\n# a comment\nhttps://www.linkedin.com/company/crane\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(mock_cli(&server)
        .args([
            "buying-intents",
            "--format",
            "csv",
            "--columns",
            "confidence",
            "--companies",
        ])
        .arg(&file));
    assert_eq!(code, 0, "{stderr}");
    let (header, rows) = csv_records(&stdout);
    assert_eq!(
        header,
        ["company", "confidence"],
        "company first, added to --columns"
    );
    let mut rows: Vec<(String, String)> = rows
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            ("acme.test".to_string(), "high".to_string()),
            ("acme.test".to_string(), "medium".to_string()),
            (
                "https://www.linkedin.com/company/crane".to_string(),
                "low".to_string()
            ),
        ]
    );
    assert_eq!(
        stderr.lines().last(),
        Some("companies: 2 done, 1 empty, 0 failed; 6 credits spent"),
        "{stderr}"
    );
    by_domain.assert_calls(1);
    by_name.assert_calls(1);
    by_url.assert_calls(1);
}
