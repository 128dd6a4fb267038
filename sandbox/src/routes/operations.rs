//! The route of each operation of the document: its path, method and the module that answers
//! it, each compiled only when the document has the operation.

use super::op;
#[cfg(theirstack_has = "op:post_webhooks_test_v0")]
use super::webhook_test;
#[cfg(sandbox_company_lists)]
use crate::company_lists;
use crate::state::Shared;
use crate::{account, catalogs, credits, saved_searches, searches, webhooks};
use axum::Router;
use axum::routing::MethodFilter;
use std::sync::Arc;

/// Every route of the document's operations. `route` merges the methods of one path.
#[allow(clippy::too_many_lines)]
pub(super) fn operations(r: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    #[cfg(theirstack_has = "op:search_jobs_v1")]
    let r = r.route(
        "/v1/jobs/search",
        op(MethodFilter::POST, "search_jobs_v1", |s, i| {
            searches::jobs(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:search_companies_v1")]
    let r = r.route(
        "/v1/companies/search",
        op(MethodFilter::POST, "search_companies_v1", |s, i| {
            searches::companies(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:technographics_v1")]
    let r = r.route(
        "/v1/companies/technologies",
        op(MethodFilter::POST, "technographics_v1", |s, i| {
            searches::technologies(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:buying_intents_v1")]
    let r = r.route(
        "/v1/companies/buying_intents",
        op(MethodFilter::POST, "buying_intents_v1", |s, i| {
            searches::buying_intents(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:get_billing_credit_balance_v0")]
    let r = r.route(
        "/v0/billing/credit-balance",
        op(
            MethodFilter::GET,
            "get_billing_credit_balance_v0",
            |s, _| credits::balance(s),
        ),
    );
    #[cfg(theirstack_has = "op:get_teams_credits_consumption_v0")]
    let r = r.route(
        "/v0/teams/credits_consumption",
        op(
            MethodFilter::GET,
            "get_teams_credits_consumption_v0",
            |s, i| credits::consumption(s, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:get_requests_count_v0")]
    let r = r.route(
        "/v0/requests/count",
        op(MethodFilter::GET, "get_requests_count_v0", |s, i| {
            account::requests_count(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_datasets_v1")]
    let r = r.route(
        "/v1/datasets",
        op(MethodFilter::GET, "get_datasets_v1", |s, _| {
            account::datasets(s)
        }),
    );
    #[cfg(theirstack_has = "op:post_datasets_credentials_v1")]
    let r = r.route(
        "/v1/datasets/credentials",
        op(
            MethodFilter::POST,
            "post_datasets_credentials_v1",
            |s, _| account::dataset_credentials(s),
        ),
    );
    #[cfg(theirstack_has = "op:get_saved_searches_v0")]
    let r = r.route(
        "/v0/saved_searches",
        op(MethodFilter::GET, "get_saved_searches_v0", |s, i| {
            saved_searches::list_searches(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:post_saved_searches_v0")]
    let r = r.route(
        "/v0/saved_searches",
        op(MethodFilter::POST, "post_saved_searches_v0", |s, i| {
            saved_searches::create_search(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:get_saved_searches_by_id_v0")]
    let r = r.route(
        "/v0/saved_searches/{search_id}",
        op(MethodFilter::GET, "get_saved_searches_by_id_v0", |s, i| {
            saved_searches::get_search(s, i.id()?)
        }),
    );
    #[cfg(theirstack_has = "op:patch_saved_searches_by_id_v0")]
    let r = r.route(
        "/v0/saved_searches/{search_id}",
        op(
            MethodFilter::PATCH,
            "patch_saved_searches_by_id_v0",
            |s, i| saved_searches::update_search(s, i.id()?, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:patch_saved_searches_archive_v0")]
    let r = r.route(
        "/v0/saved_searches/{search_id}/archive",
        op(
            MethodFilter::PATCH,
            "patch_saved_searches_archive_v0",
            |s, i| saved_searches::archive_search(s, i.id()?),
        ),
    );
    #[cfg(theirstack_has = "op:get_company_lists_v0")]
    let r = r.route(
        "/v0/company_lists",
        op(MethodFilter::GET, "get_company_lists_v0", |s, _| {
            company_lists::list(s)
        }),
    );
    #[cfg(theirstack_has = "op:post_company_lists_v0")]
    let r = r.route(
        "/v0/company_lists",
        op(MethodFilter::POST, "post_company_lists_v0", |s, i| {
            company_lists::create(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:post_company_lists_add_companies_multiple_v0")]
    let r = r.route(
        "/v0/company_lists/add_companies",
        op(
            MethodFilter::POST,
            "post_company_lists_add_companies_multiple_v0",
            |s, i| company_lists::add_to_many(s, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:get_company_lists_by_id_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}",
        op(MethodFilter::GET, "get_company_lists_by_id_v0", |s, i| {
            company_lists::get(s, i.id()?)
        }),
    );
    #[cfg(theirstack_has = "op:patch_company_lists_by_id_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}",
        op(
            MethodFilter::PATCH,
            "patch_company_lists_by_id_v0",
            |s, i| company_lists::rename(s, i.id()?, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:delete_company_lists_by_id_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}",
        op(
            MethodFilter::DELETE,
            "delete_company_lists_by_id_v0",
            |s, i| company_lists::delete(s, i.id()?),
        ),
    );
    #[cfg(theirstack_has = "op:get_company_lists_companies_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}/companies",
        op(
            MethodFilter::GET,
            "get_company_lists_companies_v0",
            |s, i| company_lists::companies(s, i.id()?, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:get_company_lists_companies_export_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}/companies/export",
        op(
            MethodFilter::GET,
            "get_company_lists_companies_export_v0",
            |s, i| company_lists::export(s, i.id()?, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:post_company_lists_add_companies_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}/add_companies",
        op(
            MethodFilter::POST,
            "post_company_lists_add_companies_v0",
            |s, i| company_lists::add(s, i.id()?, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:post_company_lists_remove_companies_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}/remove_companies",
        op(
            MethodFilter::POST,
            "post_company_lists_remove_companies_v0",
            |s, i| company_lists::remove(s, i.id()?, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:post_company_lists_duplicate_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}/duplicate",
        op(
            MethodFilter::POST,
            "post_company_lists_duplicate_v0",
            |s, i| company_lists::duplicate(s, i.id()?),
        ),
    );
    #[cfg(theirstack_has = "op:get_catalog_locations_v0")]
    let r = r.route(
        "/v0/catalog/locations",
        op(MethodFilter::GET, "get_catalog_locations_v0", |_, i| {
            catalogs::locations_catalog(&i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_catalog_industries_v0")]
    let r = r.route(
        "/v0/catalog/industries",
        op(MethodFilter::GET, "get_catalog_industries_v0", |s, i| {
            catalogs::industries(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
    let r = r.route(
        "/v0/catalog/technologies",
        op(MethodFilter::GET, "get_catalog_technologies_v0", |s, i| {
            catalogs::technologies(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_catalog_jobs_companies_per_job_country_code_v0")]
    let r = r.route(
        "/v0/catalog/jobs_companies_per_job_country_code",
        op(
            MethodFilter::GET,
            "get_catalog_jobs_companies_per_job_country_code_v0",
            |s, i| catalogs::jobs_per_country(s, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:get_catalog_companies_per_company_country_code_v0")]
    let r = r.route(
        "/v0/catalog/companies_per_company_country_code",
        op(
            MethodFilter::GET,
            "get_catalog_companies_per_company_country_code_v0",
            |s, i| catalogs::companies_per_country(s, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:list_categories_v1")]
    let r = r.route(
        "/v1/catalog/technologies/categories",
        op(MethodFilter::GET, "list_categories_v1", |s, i| {
            catalogs::categories(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:list_subcategories_v1")]
    let r = r.route(
        "/v1/catalog/technologies/subcategories",
        op(MethodFilter::GET, "list_subcategories_v1", |s, i| {
            catalogs::subcategories(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
    let r = r.route(
        "/v0/catalog/keywords",
        op(MethodFilter::GET, "get_catalog_keywords_v0", |s, i| {
            catalogs::keywords(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:list_keyword_categories_v1")]
    let r = r.route(
        "/v1/catalog/keywords/categories",
        op(MethodFilter::GET, "list_keyword_categories_v1", |s, i| {
            catalogs::keyword_categories(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:list_keyword_subcategories_v1")]
    let r = r.route(
        "/v1/catalog/keywords/subcategories",
        op(
            MethodFilter::GET,
            "list_keyword_subcategories_v1",
            |s, i| catalogs::keyword_subcategories(s, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:get_webhooks_v0")]
    let r = r.route(
        "/v0/webhooks",
        op(MethodFilter::GET, "get_webhooks_v0", |s, _| {
            webhooks::list(s)
        }),
    );
    #[cfg(theirstack_has = "op:post_webhooks_v0")]
    let r = r.route(
        "/v0/webhooks",
        op(MethodFilter::POST, "post_webhooks_v0", |s, i| {
            webhooks::create(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:get_webhooks_event_types_v0")]
    let r = r.route(
        "/v0/webhooks/event-types",
        op(MethodFilter::GET, "get_webhooks_event_types_v0", |_, i| {
            webhooks::event_types(&i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0")]
    let r = r.route(
        "/v0/webhooks/events/count",
        op(
            MethodFilter::GET,
            "get_webhooks_events_count_aggregated_v0",
            |s, i| webhooks::events_count_aggregated(s, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:post_webhooks_events_retry_v0")]
    let r = r.route(
        "/v0/webhooks/events/retry",
        op(
            MethodFilter::POST,
            "post_webhooks_events_retry_v0",
            |s, i| webhooks::retry(s, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:post_webhooks_test_v0")]
    let r = r.route("/v0/webhooks/test", axum::routing::post(webhook_test));
    #[cfg(theirstack_has = "op:get_webhooks_by_id_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}",
        op(MethodFilter::GET, "get_webhooks_by_id_v0", |s, i| {
            webhooks::get(s, i.id()?)
        }),
    );
    #[cfg(theirstack_has = "op:patch_webhooks_by_id_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}",
        op(MethodFilter::PATCH, "patch_webhooks_by_id_v0", |s, i| {
            webhooks::update(s, i.id()?, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:patch_webhooks_status_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}/status",
        op(MethodFilter::PATCH, "patch_webhooks_status_v0", |s, i| {
            webhooks::set_status(s, i.id()?, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:patch_webhooks_archive_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}/archive",
        op(MethodFilter::PATCH, "patch_webhooks_archive_v0", |s, i| {
            webhooks::archive(s, i.id()?)
        }),
    );
    #[cfg(theirstack_has = "op:get_webhooks_events_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}/events",
        op(MethodFilter::GET, "get_webhooks_events_v0", |s, i| {
            webhooks::events(s, i.id()?, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_webhooks_events_count_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}/events/count",
        op(MethodFilter::GET, "get_webhooks_events_count_v0", |s, i| {
            webhooks::events_count(s, i.id()?)
        }),
    );
    r
}
