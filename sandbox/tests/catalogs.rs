//! The catalogs through the crate's public `Client` (locations, industries, technologies and
//! their categories, jobs and companies per country), and the country codes of search bodies;
//! all on loopback.

// Generated types are built with `Default::default()` and field assignment, their builders or
// serde, never struct literals, so that a field a new document adds cannot break the build.
#![allow(clippy::field_reassign_with_default)]

mod support;

use serde_json::json;
use support::{TestResult, raw, status_of};
use theirstack::types;
use theirstack::{Client, RetryPolicy};
use theirstack_sandbox::{Sandbox, SandboxConfig};

async fn start() -> Sandbox {
    Sandbox::start(SandboxConfig::default().rate_limits(Vec::new()))
        .await
        .expect("sandbox starts")
}

fn client(sandbox: &Sandbox) -> Client {
    sandbox
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn catalogs_answer_from_the_data() -> TestResult {
    let sandbox = start().await;
    let client = client(&sandbox);

    // Locations: the ids of the jobs' locations, by name, country and feature code.
    let york = client
        .get_catalog_locations_v0()
        .name("york")
        .limit(std::num::NonZeroU64::new(10).expect("10"))
        .send()
        .await?
        .into_inner();
    let kinds: Vec<_> = york.iter().map(|l| l.feature_name.clone()).collect();
    assert_eq!(
        kinds,
        [types::GeonameType::Region, types::GeonameType::City]
    );
    assert_eq!(york[1].display_name, "New York, New York, United States");
    let us_cities = client
        .get_catalog_locations_v0()
        .country_code("US")
        .feature_code(vec!["PPL".to_string()])
        .limit(std::num::NonZeroU64::new(100).expect("100"))
        .send()
        .await?
        .into_inner();
    assert_eq!(us_cities.len(), 6);
    let mut f = types::JobSearchFiltersInput::default();
    f.posted_at_max_age_days = Some(30);
    f.limit = std::num::NonZeroU64::new(1);
    let job = client
        .search_jobs_v1()
        .body(f)
        .send()
        .await?
        .into_inner()
        .data;
    let id = job[0].locations[0].id.expect("a location id");
    let found = client
        .get_catalog_locations_v0()
        .id(id)
        .send()
        .await?
        .into_inner();
    assert_eq!(found.len(), 1);
    assert_eq!(Some(found[0].name.clone()), job[0].locations[0].city);
    let default_page = client.get_catalog_locations_v0().send().await?.into_inner();
    assert_eq!(default_page.len(), 5, "limit defaults to 5");
    let (status, _) = raw(&sandbox, "GET", "/v0/catalog/locations?limit=0", None).await;
    assert_eq!(status, 422);

    // Industries: every company in exactly one.
    let industries = client
        .get_catalog_industries_v0()
        .limit(std::num::NonZeroU64::new(100).expect("100"))
        .send()
        .await?
        .into_inner();
    let companies: i64 = industries.data.iter().filter_map(|i| i.companies).sum();
    let jobs: i64 = industries.data.iter().filter_map(|i| i.jobs).sum();
    assert_eq!((companies, jobs), (500, 5000));
    assert_eq!(
        industries.metadata.total_results,
        Some(industries.data.len() as i64)
    );
    let banks = client
        .get_catalog_industries_v0()
        .industry("BANK")
        .send()
        .await?
        .into_inner();
    assert_eq!(
        banks
            .data
            .iter()
            .map(|i| i.industry.clone())
            .collect::<Vec<_>>(),
        [Some("Banking".to_string())]
    );

    // Technologies (deprecated since July 2026): counts agree with the company search.
    #[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
    technologies_catalog(&client).await?;

    // Categories and subcategories.
    let parents = client.list_categories_v1().send().await?.into_inner();
    assert_eq!(parents.data.len(), 5);
    let data = client
        .list_categories_v1()
        .category_slug("data-and-analytics")
        .send()
        .await?
        .into_inner();
    assert_eq!(data.data.len(), 1);
    let subs = client
        .list_subcategories_v1()
        .category_slug("data-and-analytics")
        .num_technologies_per_category(2)
        .send()
        .await?
        .into_inner();
    let listed: i64 = subs.data.iter().map(|s| s.number_of_technologies).sum();
    assert_eq!(listed, data.data[0].number_of_technologies);
    assert!(subs.data.iter().all(|s| {
        s.technologies.len() <= 2 && s.category_slug.as_deref() == Some("data-and-analytics")
    }));
    let one = client
        .list_subcategories_v1()
        .category_slug("data-and-analytics")
        .subcategory_slug("databases")
        .send()
        .await?
        .into_inner();
    assert_eq!(
        one.data.iter().map(|s| s.slug.as_str()).collect::<Vec<_>>(),
        ["databases"]
    );
    let err = client
        .list_subcategories_v1()
        .subcategory_slug("databases")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        status_of(err),
        Some(422),
        "subcategory_slug needs category_slug"
    );

    // Jobs and companies per country.
    let per_job_country = client
        .get_catalog_jobs_companies_per_job_country_code_v0()
        .send()
        .await?
        .into_inner();
    let jobs: i64 = per_job_country.data.iter().filter_map(|c| c.num_jobs).sum();
    assert_eq!((per_job_country.data.len(), jobs), (14, 5000));
    assert_eq!(per_job_country.data[0].iso2.as_deref(), Some("US"));
    let germany = client
        .get_catalog_jobs_companies_per_job_country_code_v0()
        .country("germany")
        .send()
        .await?
        .into_inner();
    assert_eq!(
        germany
            .data
            .iter()
            .map(|c| c.iso2.clone())
            .collect::<Vec<_>>(),
        [Some("DE".to_string())]
    );
    let per_hq = client
        .get_catalog_companies_per_company_country_code_v0()
        .send()
        .await?
        .into_inner();
    let companies: i64 = per_hq.data.iter().filter_map(|c| c.num_companies).sum();
    assert_eq!(companies, 500);
    Ok(())
}

#[tokio::test]
async fn country_codes_are_two_letters() -> TestResult {
    let sandbox = start().await;
    let cases = [
        (
            "/v1/jobs/search",
            json!({"posted_at_max_age_days": 7, "job_country_code_or": ["US", "USA"]}),
            "USA",
        ),
        (
            "/v1/jobs/search",
            json!({"posted_at_max_age_days": 7, "company_country_code_not": ["1"]}),
            "1",
        ),
        (
            "/v1/companies/search",
            json!({"company_country_code_or": ["Germany"]}),
            "Germany",
        ),
        (
            "/v1/companies/search",
            json!({"job_filters": {"job_country_code_not": ["é"]}}),
            "é",
        ),
    ];
    for (path, body, value) in cases {
        let (status, answer) = raw(&sandbox, "POST", path, Some(body.clone())).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(
            answer["error"]["title"], "Invalid country code exception",
            "{answer}"
        );
        let description = answer["error"]["description"].as_str().unwrap_or("");
        assert!(description.contains(&format!("`{value}`")), "{description}");
    }
    let mut f = types::JobSearchFiltersInput::default();
    f.posted_at_max_age_days = Some(7);
    f.job_country_code_or = vec!["us".to_string()];
    let page = client(&sandbox)
        .search_jobs_v1()
        .body(f)
        .send()
        .await?
        .into_inner();
    assert!(
        page.data
            .iter()
            .all(|j| j.country_code.as_deref() == Some("US"))
    );
    assert!(!page.data.is_empty(), "lowercase codes match too");
    Ok(())
}

/// The technologies catalog against the company search, by page and through the paginator.
#[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
async fn technologies_catalog(client: &theirstack::Client) -> TestResult {
    let techs = client
        .get_catalog_technologies_v0()
        .slugs(vec!["python".to_string(), "rust".to_string()])
        .send()
        .await?
        .into_inner();
    assert_eq!(techs.len(), 2);
    let python = techs.iter().find(|t| t.slug == "python").expect("python");
    let mut f = types::CompanySearchFiltersInput::default();
    f.company_technology_slug_or = vec!["python".to_string()];
    f.include_total_results = Some(true);
    f.blur_company_data = Some(true);
    f.limit = std::num::NonZeroU64::new(1);
    let total = client
        .search_companies_v1()
        .body(f)
        .send()
        .await?
        .into_inner()
        .metadata
        .total_results;
    assert_eq!(python.companies, total);
    let databases = client
        .get_catalog_technologies_v0()
        .category_slug("databases")
        .send()
        .await?
        .into_inner();
    assert_eq!(databases.len(), 4);
    let second_page = client
        .get_catalog_technologies_v0()
        .page(1_u64)
        .limit(std::num::NonZeroU64::new(50).expect("50"))
        .send()
        .await?
        .into_inner();
    assert_eq!(second_page.len(), 4, "54 technologies, 50 a page");
    let all = client
        .catalog_technologies(Default::default())
        .collect_all()
        .await?;
    assert_eq!(all.len(), 54, "the crate's paginator over page + limit");
    Ok(())
}
