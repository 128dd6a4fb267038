//! The operations beyond searches and webhooks, through the crate's public `Client`: company
//! lists, saved-search updates, the request count, datasets, the date-time windows of the daily
//! counts and the 405 `Allow` header; all on loopback. The catalogs are in `catalogs.rs`.

// Generated types are built with `Default::default()` and field assignment, their builders or
// serde, never struct literals, so that a field a new document adds cannot break the build.
#![allow(clippy::field_reassign_with_default)]

mod support;

use serde_json::json;
use support::{TestResult, raw, status_of};
use theirstack::types;
use theirstack::{Client, Error, RetryPolicy};
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

/// Ids of the first `n` companies of a company search.
async fn company_ids(client: &Client, n: u64) -> Result<Vec<String>, Error> {
    let mut f = types::CompanySearchFiltersInput::default();
    f.limit = std::num::NonZeroU64::new(n);
    let page = client.search_companies_v1().body(f).send().await?;
    Ok(page.into_inner().data.into_iter().map(|c| c.id).collect())
}

#[tokio::test]
async fn company_lists_keep_state_from_create_to_delete() -> TestResult {
    let sandbox = start().await;
    let client = client(&sandbox);

    // The revealed-companies list exists from the start.
    let lists = client.get_company_lists_v0().send().await?.into_inner();
    assert_eq!(lists.len(), 1);
    assert_eq!(
        (lists[0].id, lists[0].companies_count, lists[0].deletable),
        (1, 3, Some(false))
    );
    assert_eq!(
        lists[0].type_,
        Some(types::CompanyListType::RevealedCompanies)
    );

    // Create, fill (unknown ids are skipped, repeats count once), get.
    let created = client
        .post_company_lists_v0()
        .body(types::CompanyListCreate::builder().name("Prospects"))
        .send()
        .await?
        .into_inner();
    assert_eq!((created.id, created.companies_count), (2, 0));
    assert_eq!(created.type_, Some(types::CompanyListType::ManualCreation));
    let ids = company_ids(&client, 6).await?;
    let mut add = types::BodyPostCompanyListsAddCompaniesV0::default();
    add.company_ids = ids[..4].to_vec();
    add.company_ids.push("no-such-company".to_string());
    add.company_ids.push(ids[0].clone());
    let filled = client
        .post_company_lists_add_companies_v0()
        .list_id(2)
        .body(add)
        .send()
        .await?
        .into_inner();
    assert_eq!(filled.companies_count, 4);
    let got = client
        .get_company_lists_by_id_v0()
        .list_id(2)
        .send()
        .await?
        .into_inner();
    assert_eq!((got.name.as_str(), got.companies_count), ("Prospects", 4));

    // Rename.
    let renamed = client
        .patch_company_lists_by_id_v0()
        .list_id(2)
        .body(types::CompanyListRename::builder().new_name("Hot prospects"))
        .send()
        .await?
        .into_inner();
    assert_eq!(renamed.name, "Hot prospects");

    // The companies: sorted, filtered, paged one style at a time.
    let by_name = client
        .get_company_lists_companies_v0()
        .list_id(2)
        .order_by(types::GetCompanyListsCompaniesV0OrderBy::Name)
        .order_direction(types::GetCompanyListsCompaniesV0OrderDirection::Asc)
        .send()
        .await?
        .into_inner();
    let names: Vec<&str> = by_name.iter().map(|c| c.company_name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!((names.len(), &names), (4, &sorted));
    assert!(
        by_name
            .iter()
            .all(|c| c.company_object.name == c.company_name)
    );
    let fragment: String = names[0].chars().take(4).collect();
    let filtered = client
        .get_company_lists_companies_v0()
        .list_id(2)
        .company_name_partial(fragment.to_lowercase())
        .send()
        .await?
        .into_inner();
    assert!(
        !filtered.is_empty()
            && filtered
                .iter()
                .all(|c| c.company_name.starts_with(&fragment))
    );
    let page = client
        .get_company_lists_companies_v0()
        .list_id(2)
        .order_by(types::GetCompanyListsCompaniesV0OrderBy::Name)
        .order_direction(types::GetCompanyListsCompaniesV0OrderDirection::Asc)
        .page(1_u64)
        .limit(std::num::NonZeroU64::new(3).expect("3"))
        .send()
        .await?
        .into_inner();
    assert_eq!(
        page.iter()
            .map(|c| c.company_name.as_str())
            .collect::<Vec<_>>(),
        [names[3]]
    );
    let err = client
        .get_company_lists_companies_v0()
        .list_id(2)
        .page(0_u64)
        .offset(1_u64)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_of(err), Some(422), "page and offset at once");
    let paged = client
        .company_list_companies(2)
        .page_size(3)
        .collect_all()
        .await?;
    assert_eq!(paged.len(), 4, "the crate's paginator over offset + limit");

    // Remove one; add one to two lists at once; an unknown list changes nothing.
    let mut remove = types::BodyPostCompanyListsRemoveCompaniesV0::default();
    remove.company_ids = vec![ids[0].clone()];
    let removed = client
        .post_company_lists_remove_companies_v0()
        .list_id(2)
        .body(remove)
        .send()
        .await?
        .into_inner();
    assert_eq!(removed.companies_count, 3);
    let mut many = types::BodyPostCompanyListsAddCompaniesMultipleV0::default();
    many.list_ids = vec![1, 2, 999];
    many.company_ids = vec![ids[5].clone()];
    let err = client
        .post_company_lists_add_companies_multiple_v0()
        .body(many.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_of(err), Some(404));
    many.list_ids = vec![1, 2];
    client
        .post_company_lists_add_companies_multiple_v0()
        .body(many)
        .send()
        .await?;
    let lists = client.get_company_lists_v0().send().await?.into_inner();
    let counts: Vec<(i64, i64)> = lists.iter().map(|l| (l.id, l.companies_count)).collect();
    assert_eq!(counts, [(1, 4), (2, 4)]);

    // Duplicate, export.
    let copy = client
        .post_company_lists_duplicate_v0()
        .list_id(2)
        .send()
        .await?
        .into_inner();
    assert_eq!(
        (copy.id, copy.name.as_str(), copy.companies_count),
        (3, "Hot prospects (copy)", 4)
    );
    let export = client
        .get_company_lists_companies_export_v0()
        .list_id(3)
        .file_format(types::GetCompanyListsCompaniesExportV0FileFormat::Xlsx)
        .limit(std::num::NonZeroU64::new(2).expect("2"))
        .send()
        .await?
        .into_inner();
    assert!(
        export.url.contains("/company-lists/3/companies.xlsx") && export.url.ends_with("limit=2"),
        "{}",
        export.url
    );

    // Delete; the revealed list cannot be deleted.
    client
        .delete_company_lists_by_id_v0()
        .list_id(2)
        .send()
        .await?;
    let err = client
        .get_company_lists_by_id_v0()
        .list_id(2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_of(err), Some(404));
    let err = client
        .delete_company_lists_by_id_v0()
        .list_id(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_of(err), Some(422));
    let left: Vec<i64> = client
        .get_company_lists_v0()
        .send()
        .await?
        .into_inner()
        .iter()
        .map(|l| l.id)
        .collect();
    assert_eq!(left, [1, 3]);
    Ok(())
}

#[tokio::test]
async fn saved_searches_update_filter_and_archive() -> TestResult {
    let sandbox = start().await;
    let client = client(&sandbox);

    let update: types::SavedSearchUpdate = serde_json::from_value(json!({
        "name": "Data engineers, last 30 days",
        "is_alert_active": true,
        "frequency": "weekly",
        "emails_subscribed": ["alerts@example.com"],
        "body": {"posted_at_max_age_days": 30, "job_title_or": ["data engineer"]}
    }))?;
    let updated = client
        .patch_saved_searches_by_id_v0()
        .search_id(1)
        .body(update)
        .send()
        .await?
        .into_inner();
    assert_eq!(updated.name, "Data engineers, last 30 days");
    assert!(updated.is_alert_active);
    assert_eq!(updated.frequency, Some(types::SavedSearchFrequency::Weekly));
    assert!(updated.updated_at > updated.created_at);
    let got = client
        .get_saved_searches_by_id_v0()
        .search_id(1)
        .send()
        .await?
        .into_inner();
    assert_eq!(got.body["posted_at_max_age_days"], 30);
    assert_eq!(
        got.emails_subscribed,
        Some(vec!["alerts@example.com".to_string()])
    );

    // A bad filter is named; a new type needs a body of that type.
    let key = Some(json!({"body": {"nope": 1}}));
    let (status, answer) = raw(&sandbox, "PATCH", "/v0/saved_searches/1", key).await;
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["error"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("body.nope"))
    );
    let (status, _) = raw(
        &sandbox,
        "PATCH",
        "/v0/saved_searches/1",
        Some(json!({"type": "companies"})),
    )
    .await;
    assert_eq!(status, 422);

    // The list: by type, by name; the updated one first by default (latest update).
    let all = client.get_saved_searches_v0().send().await?.into_inner();
    assert_eq!(all.first().map(|s| s.id), Some(1));
    let companies = client
        .get_saved_searches_v0()
        .types(vec![types::SavedSearchType::Companies])
        .send()
        .await?
        .into_inner();
    assert_eq!(companies.iter().map(|s| s.id).collect::<Vec<_>>(), [3]);
    let by_name = client
        .get_saved_searches_v0()
        .order_by(types::GetSavedSearchesV0OrderBy::Name)
        .order_direction(types::GetCompanyListsCompaniesV0OrderDirection::Asc)
        .send()
        .await?
        .into_inner();
    let names: Vec<&str> = by_name.iter().map(|s| s.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    let nobody = client
        .get_saved_searches_v0()
        .user_ids(vec![99])
        .send()
        .await?
        .into_inner();
    assert!(nobody.is_empty());

    // Archive: gone from the list, still there by id, no new webhook on it.
    let answer = client
        .patch_saved_searches_archive_v0()
        .search_id(2)
        .send()
        .await?
        .into_inner();
    assert_eq!(answer.get("status").map(String::as_str), Some("archived"));
    let ids: Vec<i64> = client
        .get_saved_searches_v0()
        .send()
        .await?
        .into_inner()
        .iter()
        .map(|s| s.id)
        .collect();
    assert!(!ids.contains(&2) && ids.len() == 2);
    let archived = client
        .get_saved_searches_by_id_v0()
        .search_id(2)
        .send()
        .await?
        .into_inner();
    assert!(archived.is_archived);
    let (status, _) = raw(
        &sandbox,
        "POST",
        "/v0/webhooks",
        Some(json!({"url": "http://127.0.0.1:9/x", "search_id": 2})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = raw(
        &sandbox,
        "POST",
        "/v0/webhooks",
        Some(json!({"url": "http://127.0.0.1:9/x", "search_id": 999})),
    )
    .await;
    assert_eq!(status, 404, "a saved search that does not exist");
    let err = client
        .patch_saved_searches_archive_v0()
        .search_id(77)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_of(err), Some(404));
    Ok(())
}

#[tokio::test]
async fn requests_are_counted_and_datasets_listed() -> TestResult {
    let sandbox = start().await;
    let client = client(&sandbox);
    for _ in 0..3 {
        client.get_billing_credit_balance_v0().send().await?;
    }
    // Refused for its key: not counted.
    let wrong = sandbox
        .client_builder()
        .api_key("wrong-key")
        .retry_policy(RetryPolicy::none())
        .build()?;
    assert!(wrong.get_datasets_v1().send().await.is_err());
    let counts = client.get_requests_count_v0().send().await?.into_inner();
    assert_eq!(counts.len(), 31, "the 30 days up to now, both ends");
    assert_eq!(
        counts.last().map(|c| c.number_of_requests),
        Some(4),
        "three balances and the count itself"
    );
    let from_app = client
        .get_requests_count_v0()
        .is_origin_app(true)
        .send()
        .await?
        .into_inner();
    assert!(from_app.iter().all(|c| c.number_of_requests == 0));

    let groups = client.get_datasets_v1().send().await?.into_inner();
    assert_eq!(groups.len(), 4);
    assert!(groups.iter().all(|g| {
        g.is_accessible == Some(true) && g.options.as_ref().is_some_and(|o| o.len() == 2)
    }));
    let first = client
        .post_datasets_credentials_v1()
        .send()
        .await?
        .into_inner();
    let again = client
        .post_datasets_credentials_v1()
        .send()
        .await?
        .into_inner();
    assert_eq!(
        first.access_key_id, again.access_key_id,
        "fixed by the seed"
    );
    assert!(first.access_key_id.starts_with("SANDBOX"));
    assert_eq!(first.storage.prefixes.len(), 4);
    let days = (first.expiration.0 - sandbox.now()).num_days();
    assert!((6..=7).contains(&days), "{days}");
    Ok(())
}

#[tokio::test]
async fn daily_counts_check_their_window() -> TestResult {
    let sandbox = start().await;
    for path in [
        "/v0/teams/credits_consumption",
        "/v0/webhooks/events/count",
        "/v0/requests/count",
    ] {
        for bad in [
            "start_datetime=",
            "end_datetime=",
            "start_datetime=yesterday",
            "end_datetime=2026-13-01T00:00:00Z",
        ] {
            let (status, answer) = raw(&sandbox, "GET", &format!("{path}?{bad}"), None).await;
            assert_eq!(status, 422, "{path}?{bad}: {answer}");
            assert_eq!(answer["error"]["code"], "E-005", "{answer}");
        }
        // A start after the end is no day at all; a long window is cut, not refused.
        let (status, answer) = raw(
            &sandbox,
            "GET",
            &format!(
                "{path}?start_datetime=2026-02-01T00:00:00Z&end_datetime=2026-01-01T00:00:00Z"
            ),
            None,
        )
        .await;
        assert_eq!((status, answer), (200, json!([])), "{path}");
        let (status, _) = raw(
            &sandbox,
            "GET",
            &format!("{path}?start_datetime=1971-01-01T00:00:00Z&timezone=Europe/Madrid"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{path}");
    }
    let ledger = sandbox
        .client()?
        .get_teams_credits_consumption_v0()
        .start_datetime(types::Timestamp("1971-01-01T00:00:00Z".parse()?))
        .send()
        .await?
        .into_inner();
    assert_eq!(ledger.len(), 401, "at most the last 400 days");
    Ok(())
}

#[tokio::test]
async fn a_405_names_the_allowed_methods() -> TestResult {
    let sandbox = start().await;
    let response = reqwest::Client::new()
        .delete(format!("{}/v0/company_lists", sandbox.base_url()))
        .bearer_auth(sandbox.api_key())
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 405);
    let allow = response
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    assert_eq!(allow.as_deref(), Some("GET, POST"));
    let response = reqwest::Client::new()
        .put(format!("{}/v0/company_lists/7", sandbox.base_url()))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("GET, PATCH, DELETE")
    );
    // A literal segment is not a parameter: `test` is not a webhook id.
    let response = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/v0/webhooks/test", sandbox.base_url()),
        )
        .send()
        .await?;
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    // Ids past the integer range name nothing.
    let (status, _) = raw(
        &sandbox,
        "GET",
        "/v0/company_lists/99999999999999999999999",
        None,
    )
    .await;
    assert_eq!(status, 404);
    Ok(())
}
