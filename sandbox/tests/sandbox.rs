//! The sandbox through the crate's public `Client`: determinism, auth, validation, paging,
//! preview, credits, company search filters and the configuration checks, all on loopback.
//! Rate limits are in `rate_limits.rs`, webhooks in `webhooks.rs`.

// Generated types are built with `Default::default()` and field assignment (or their builders,
// or serde), never struct literals, so that a field a new document adds cannot break the build.
#![allow(clippy::field_reassign_with_default)]

mod support;

use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;
use support::{
    TestResult, assert_envelope, plain_client, raw_post, recent, search, start, unlimited,
    with_limit,
};
use theirstack::types;
use theirstack::{Error, RetryPolicy};
use theirstack_sandbox::{BLUR_MASK, Sandbox, SandboxConfig};

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
