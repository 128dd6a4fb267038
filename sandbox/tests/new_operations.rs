//! The July 2026 operations through the crate's public `Client`: buying intents, the webhook
//! event types, the keyword catalogs and webhooks' `active_event_types`; all on loopback.

// Generated types are built with `Default::default()` and field assignment, their builders or
// serde, never struct literals, so that a field a new document adds cannot break the build.
#![allow(clippy::field_reassign_with_default)]
// Against a document from before July 2026 (TheirStack's own file), none of this exists.
#![cfg(theirstack_has = "op:buying_intents_v1")]

mod support;

use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::{TestResult, raw, status_of};
use theirstack::types;
use theirstack::{Client, Error, RetryPolicy};
use theirstack_sandbox::{Sandbox, SandboxConfig};

async fn start(seed: u64) -> Sandbox {
    Sandbox::start(SandboxConfig::default().seed(seed).rate_limits(Vec::new()))
        .await
        .expect("sandbox starts")
}

fn client_for(sandbox: &Sandbox) -> Client {
    sandbox
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds")
}

/// The domain and name of the first company of a company search (3 credits).
async fn a_company(client: &Client) -> Result<(String, String), Error> {
    let mut f = types::CompanySearchFiltersInput::default();
    f.limit = std::num::NonZeroU64::new(1);
    let page = client
        .search_companies_v1()
        .body(f)
        .send()
        .await?
        .into_inner();
    let company = &page.data[0];
    Ok((
        company.domain.clone().expect("a domain"),
        company.name.clone(),
    ))
}

fn named(domain: &str) -> types::TechDetailsFilters {
    let mut f = types::TechDetailsFilters::default();
    f.company_domain = Some(domain.to_string());
    f
}

async fn intents(
    client: &Client,
    f: types::TechDetailsFilters,
) -> Result<types::BuyingIntentsResponse, Error> {
    Ok(client
        .buying_intents_v1()
        .body(f)
        .send()
        .await?
        .into_inner())
}

fn confidence(row: &types::TopicFound) -> u8 {
    match row.confidence {
        Some(types::KeywordFoundConfidence::High) => 3,
        Some(types::KeywordFoundConfidence::Medium) => 2,
        Some(types::KeywordFoundConfidence::Low) => 1,
        _ => 0,
    }
}

#[cfg(all(
    theirstack_has = "op:buying_intents_v1",
    theirstack_has = "op:get_catalog_keywords_v0",
    theirstack_has = "TechDetailsFilters.keyword_slug_or"
))]
#[tokio::test]
async fn buying_intents_are_seeded_topics_of_one_company() -> TestResult {
    let (sandbox, twin) = (start(7).await, start(7).await);
    let client = client_for(&sandbox);
    let (domain, name) = a_company(&client).await?;
    let before = sandbox.credits_used();

    // The paginator pages the lookup: one request, 3 credits.
    let rows = client.buying_intents(named(&domain)).collect_all().await?;
    assert!((2..=7).contains(&rows.len()), "{} topics", rows.len());
    assert_eq!(sandbox.credits_used() - before, 3, "3 credits per lookup");
    for pair in rows.windows(2) {
        assert!(
            confidence(&pair[0]) >= confidence(&pair[1]),
            "confidence first"
        );
    }
    let topics: Vec<&types::KeywordExtended> = rows
        .iter()
        .map(|r| r.technology.as_ref().expect("a topic"))
        .collect();
    assert!(
        rows.iter()
            .all(|r| r.company_name.as_deref() == Some(name.as_str()))
    );
    assert!(rows.iter().all(|r| r.jobs.is_some_and(|j| j >= 1)));
    assert!(rows.iter().all(|r| r.first_date_found <= r.last_date_found));

    // Every topic is in the keyword catalog, as a keyword that is not a technology.
    let catalog = client
        .get_catalog_keywords_v0()
        .keyword_type_not(vec![types::KeywordType::Technology])
        .limit(std::num::NonZeroU64::new(100).expect("not zero"))
        .send()
        .await?
        .into_inner();
    let slugs: BTreeSet<&str> = catalog.iter().map(|k| k.slug.as_str()).collect();
    assert!((20..=40).contains(&slugs.len()), "{} topics", slugs.len());
    assert!(topics.iter().all(|t| slugs.contains(t.slug.as_str())));

    // The same seed gives the same topics; the company can be named otherwise too.
    let mut by_name = types::TechDetailsFilters::default();
    by_name.company_name = Some(name.to_lowercase());
    let elsewhere = intents(&client_for(&twin), by_name).await?;
    assert_eq!(
        serde_json::to_value(&elsewhere.data)?,
        serde_json::to_value(&rows)?
    );

    // Offset paging, one row at a time; a page past the end is empty and free.
    let mut f = named(&domain);
    f.offset = Some(1);
    f.limit = std::num::NonZeroU64::new(1);
    f.include_total_results = Some(true);
    let used = sandbox.credits_used();
    let second = intents(&client, f.clone()).await?;
    assert_eq!(
        serde_json::to_value(&second.data)?,
        serde_json::to_value(&rows[1..2])?
    );
    let metadata = second.metadata.expect("metadata");
    assert_eq!(metadata.total_results, Some(rows.len() as i64));
    assert_eq!(metadata.total_companies, Some(1));
    f.offset = Some(rows.len() as u64);
    assert!(intents(&client, f).await?.data.is_empty());
    assert_eq!(
        sandbox.credits_used() - used,
        3,
        "only the page with rows costs"
    );

    // The keyword filters narrow the rows.
    let mut f = named(&domain);
    f.keyword_slug_or = vec![topics[0].slug.clone()];
    let one = intents(&client, f).await?;
    assert_eq!(one.data.len(), 1);
    assert_eq!(
        one.data[0].technology.as_ref().map(|t| &t.slug),
        Some(&topics[0].slug)
    );

    // An unknown company has no topics and costs nothing.
    let used = sandbox.credits_used();
    assert!(
        intents(&client, named("nobody.example"))
            .await?
            .data
            .is_empty()
    );
    assert_eq!(sandbox.credits_used(), used);

    // The company must be named; one paging style at a time.
    let err = intents(&client, types::TechDetailsFilters::default())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422), "{err}");
    let (status, _) = raw(
        &sandbox,
        "POST",
        "/v1/companies/buying_intents",
        Some(json!({"company_domain": domain, "page": 0, "offset": 0})),
    )
    .await;
    assert_eq!(status, 422);

    // Fewer than 3 credits: a lookup that finds rows is a 402.
    sandbox.set_credits(2);
    let err = intents(&client, named(&domain)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(402), "{err}");
    assert!(
        intents(&client, named("nobody.example"))
            .await?
            .data
            .is_empty()
    );
    Ok(())
}

#[cfg(theirstack_has = "op:get_webhooks_event_types_v0")]
#[tokio::test]
async fn webhook_event_types_follow_the_search_type() -> TestResult {
    let sandbox = start(1).await;
    let client = client_for(&sandbox);
    let kinds = |rows: Vec<types::WebhookEventTypeInfo>| -> Vec<String> {
        rows.into_iter()
            .map(|r| r.type_.map(|t| t.to_string()).unwrap_or_default())
            .collect()
    };
    let jobs = client
        .get_webhooks_event_types_v0()
        .search_type(types::SavedSearchType::Jobs)
        .send()
        .await?
        .into_inner();
    assert!(
        jobs.iter()
            .all(|r| r.search_type == Some(types::SavedSearchType::Jobs))
    );
    assert!(
        jobs.iter()
            .all(|r| r.name.is_some() && r.description.is_some())
    );
    assert_eq!(kinds(jobs), ["job_new", "job_closed"]);
    let companies = client
        .get_webhooks_event_types_v0()
        .search_type(types::SavedSearchType::Companies)
        .send()
        .await?
        .into_inner();
    assert_eq!(kinds(companies), ["company_new"]);
    let all = client
        .get_webhooks_event_types_v0()
        .send()
        .await?
        .into_inner();
    assert_eq!(kinds(all), ["job_new", "job_closed", "company_new"]);
    let (status, body) = raw(
        &sandbox,
        "GET",
        "/v0/webhooks/event-types?search_type=people",
        None,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    Ok(())
}

#[cfg(all(
    theirstack_has = "op:get_catalog_keywords_v0",
    theirstack_has = "op:list_keyword_categories_v1",
    theirstack_has = "op:list_keyword_subcategories_v1"
))]
#[tokio::test]
async fn keyword_catalogs_list_technologies_and_topics() -> TestResult {
    let sandbox = start(3).await;
    let client = client_for(&sandbox);
    let limit = std::num::NonZeroU64::new(500).expect("not zero");
    let all = client
        .get_catalog_keywords_v0()
        .limit(limit)
        .send()
        .await?
        .into_inner();
    let technologies = client
        .get_catalog_keywords_v0()
        .keyword_type(types::KeywordType::Technology)
        .limit(limit)
        .send()
        .await?
        .into_inner();
    assert_eq!(technologies.len(), 54, "the technology catalogue");
    assert!(all.len() > technologies.len());
    for pair in all.windows(2) {
        assert!(
            pair[0].companies >= pair[1].companies,
            "most companies first"
        );
    }
    assert!(
        all.iter()
            .all(|k| k.keyword_type.is_some() && k.category_slug.is_some())
    );
    let default_page = client.get_catalog_keywords_v0().send().await?.into_inner();
    assert_eq!(default_page.len(), 25);
    let second = client
        .get_catalog_keywords_v0()
        .page(1u64)
        .limit(std::num::NonZeroU64::new(10).expect("not zero"))
        .send()
        .await?
        .into_inner();
    assert_eq!(
        serde_json::to_value(&second)?,
        serde_json::to_value(&all[10..20])?
    );

    // A topic by slug, with counts from the companies' topic rows.
    let topic = all
        .iter()
        .find(|k| k.keyword_type != Some(types::KeywordType::Technology))
        .expect("a topic");
    let found = client
        .get_catalog_keywords_v0()
        .slugs(vec![topic.slug.clone()])
        .send()
        .await?
        .into_inner();
    assert_eq!(found.len(), 1);
    assert!(found[0].companies.is_some_and(|n| n > 0));
    assert!(
        found[0].jobs >= found[0].companies,
        "a topic row has a mention at least"
    );

    // `q` ranks names starting with it first; `starts_with` keeps only those.
    let q = client
        .get_catalog_keywords_v0()
        .q("data")
        .limit(limit)
        .send()
        .await?
        .into_inner();
    let starts: Vec<bool> = q
        .iter()
        .map(|k| k.name.to_lowercase().starts_with("data"))
        .collect();
    assert!(
        starts.iter().any(|s| *s) && starts.iter().any(|s| !*s),
        "{starts:?}"
    );
    assert!(
        starts.windows(2).all(|w| w[0] || !w[1]),
        "prefix matches first"
    );
    let prefixed = client
        .get_catalog_keywords_v0()
        .starts_with("data")
        .limit(limit)
        .send()
        .await?
        .into_inner();
    assert_eq!(prefixed.len(), starts.iter().filter(|s| **s).count());

    // Categories: the technology parents and the topic parents, counting every keyword once.
    let categories = client
        .list_keyword_categories_v1()
        .send()
        .await?
        .into_inner();
    let counted: i64 = categories
        .data
        .iter()
        .filter_map(|c| c.number_of_keywords)
        .sum();
    assert_eq!(counted, all.len() as i64);
    assert!(
        categories
            .data
            .iter()
            .any(|c| c.slug == "strategic-initiatives")
    );
    assert!(
        categories
            .data
            .iter()
            .any(|c| c.slug == "data-and-analytics")
    );
    let one = client
        .list_keyword_categories_v1()
        .category_slug("strategic-initiatives")
        .send()
        .await?
        .into_inner();
    assert_eq!(one.data.len(), 1);
    assert_eq!(one.metadata.and_then(|m| m.total_results), Some(1));

    // Subcategories of a parent, with a sample of their keywords under both names.
    let subs = client
        .list_keyword_subcategories_v1()
        .category_slug("strategic-initiatives")
        .num_technologies_per_category(2)
        .send()
        .await?
        .into_inner();
    assert!(!subs.data.is_empty());
    for sub in &subs.data {
        assert_eq!(sub.category_slug.as_deref(), Some("strategic-initiatives"));
        assert!(sub.keywords.len() <= 2 && !sub.keywords.is_empty());
        assert_eq!(sub.keywords, sub.technologies);
    }
    let err = client
        .list_keyword_subcategories_v1()
        .subcategory_slug("growth")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        status_of(err),
        Some(422),
        "subcategory_slug needs category_slug"
    );
    let (status, _) = raw(
        &sandbox,
        "GET",
        "/v0/catalog/keywords?keyword_type=gadget",
        None,
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = raw(&sandbox, "GET", "/v0/catalog/keywords?slugs=", None).await;
    assert_eq!(status, 422);
    assert_eq!(sandbox.credits_used(), 0, "catalogs are free");
    Ok(())
}

async fn create(sandbox: &Sandbox, body: Value) -> (u16, Value) {
    raw(sandbox, "POST", "/v0/webhooks", Some(body)).await
}

#[cfg(theirstack_has = "WebhookCreate.active_event_types")]
#[tokio::test]
async fn webhooks_store_and_echo_active_event_types() -> TestResult {
    let sandbox = start(5).await;
    let client = client_for(&sandbox);
    let url = "http://127.0.0.1:9/hook";

    let (status, both) = create(
        &sandbox,
        json!({"url": url, "search_id": 1, "active_event_types": ["job_new", "job_closed"]}),
    )
    .await;
    assert_eq!(status, 200, "{both}");
    assert_eq!(both["active_event_types"], json!(["job_new", "job_closed"]));
    assert_eq!(both["event_type"], "job_new", "the search's primary type");
    let id = both["id"].as_i64().expect("an id");
    let (_, fetched) = raw(&sandbox, "GET", &format!("/v0/webhooks/{id}"), None).await;
    assert_eq!(fetched["active_event_types"], both["active_event_types"]);
    let events = client
        .get_webhooks_events_count_v0()
        .webhook_id(id)
        .send()
        .await?;
    assert!(
        events.into_inner() > 0,
        "job_new is active: the matches are events"
    );

    // Only job_closed: nothing the search already matches becomes an event.
    let (_, closed_only) = create(
        &sandbox,
        json!({"url": url, "search_id": 1, "active_event_types": ["job_closed"]}),
    )
    .await;
    let closed_id = closed_only["id"].as_i64().expect("an id");
    let events = client
        .get_webhooks_events_count_v0()
        .webhook_id(closed_id)
        .send()
        .await?;
    assert_eq!(events.into_inner(), 0);

    // Without the list, `null`; the typed client reads the rest of the webhook.
    let plain: types::WebhookCreate = serde_json::from_value(json!({"url": url, "search_id": 3}))?;
    let plain = client
        .post_webhooks_v0()
        .body(plain)
        .send()
        .await?
        .into_inner();
    let (_, listed) = raw(&sandbox, "GET", "/v0/webhooks", None).await;
    let row = listed
        .as_array()
        .and_then(|a| a.iter().find(|w| w["id"] == plain.id))
        .expect("listed");
    assert_eq!(row["active_event_types"], Value::Null);

    // An update without the field keeps it; with `null` it goes back to the primary type.
    let path = format!("/v0/webhooks/{id}");
    let (status, kept) = raw(
        &sandbox,
        "PATCH",
        &path,
        Some(json!({"url": url, "search_id": 2})),
    )
    .await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["active_event_types"], json!(["job_new", "job_closed"]));
    let (_, reset) = raw(
        &sandbox,
        "PATCH",
        &path,
        Some(json!({"url": url, "search_id": 2, "active_event_types": null})),
    )
    .await;
    assert_eq!(reset["active_event_types"], Value::Null);

    // A type of the other search type is refused, and changes nothing.
    let (status, body) = create(
        &sandbox,
        json!({"url": url, "search_id": 3, "active_event_types": ["job_closed"]}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("job_closed"))
    );
    let (status, _) = raw(
        &sandbox,
        "PATCH",
        &path,
        Some(json!({"url": url, "search_id": 3, "active_event_types": ["job_new"]})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = raw(
        &sandbox,
        "PATCH",
        &path,
        Some(json!({"url": url, "search_id": 3})),
    )
    .await;
    assert_eq!(status, 200, "no list: the companies search's primary type");
    let (_, now) = raw(&sandbox, "GET", &path, None).await;
    assert_eq!(now["event_type"], "company_new");
    Ok(())
}
