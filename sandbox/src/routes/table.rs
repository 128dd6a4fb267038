//! The methods of each path the sandbox serves, for the `Allow` header of a 405: the path
//! templates of the document's operations and the methods on each.

/// The methods of the document's operations on `path`: those of the templates that match it
/// with the most literal segments, as the router prefers a literal segment to a parameter
/// (`/v0/webhooks/test` is not `/v0/webhooks/{webhook_id}`).
pub(super) fn allowed_methods(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut best: Option<(usize, Vec<&str>)> = None;
    for (template, method) in ROUTES {
        let parts: Vec<&str> = template.split('/').collect();
        let fits = parts.len() == segments.len()
            && parts
                .iter()
                .zip(&segments)
                .all(|(t, s)| t.starts_with('{') || t == s);
        if !fits {
            continue;
        }
        let literal = parts.iter().filter(|t| !t.starts_with('{')).count();
        match &mut best {
            Some((n, methods)) if *n == literal => {
                if !methods.contains(method) {
                    methods.push(method);
                }
            }
            Some((n, _)) if *n > literal => {}
            _ => best = Some((literal, vec![method])),
        }
    }
    best.map(|(_, methods)| methods.join(", "))
}

/// Path and method of every operation the sandbox serves from this document.
const ROUTES: &[(&str, &str)] = &[
    #[cfg(theirstack_has = "op:search_jobs_v1")]
    ("/v1/jobs/search", "POST"),
    #[cfg(theirstack_has = "op:search_companies_v1")]
    ("/v1/companies/search", "POST"),
    #[cfg(theirstack_has = "op:technographics_v1")]
    ("/v1/companies/technologies", "POST"),
    #[cfg(theirstack_has = "op:buying_intents_v1")]
    ("/v1/companies/buying_intents", "POST"),
    #[cfg(theirstack_has = "op:get_billing_credit_balance_v0")]
    ("/v0/billing/credit-balance", "GET"),
    #[cfg(theirstack_has = "op:get_teams_credits_consumption_v0")]
    ("/v0/teams/credits_consumption", "GET"),
    #[cfg(theirstack_has = "op:get_requests_count_v0")]
    ("/v0/requests/count", "GET"),
    #[cfg(theirstack_has = "op:get_datasets_v1")]
    ("/v1/datasets", "GET"),
    #[cfg(theirstack_has = "op:post_datasets_credentials_v1")]
    ("/v1/datasets/credentials", "POST"),
    #[cfg(theirstack_has = "op:get_saved_searches_v0")]
    ("/v0/saved_searches", "GET"),
    #[cfg(theirstack_has = "op:post_saved_searches_v0")]
    ("/v0/saved_searches", "POST"),
    #[cfg(theirstack_has = "op:get_saved_searches_by_id_v0")]
    ("/v0/saved_searches/{search_id}", "GET"),
    #[cfg(theirstack_has = "op:patch_saved_searches_by_id_v0")]
    ("/v0/saved_searches/{search_id}", "PATCH"),
    #[cfg(theirstack_has = "op:patch_saved_searches_archive_v0")]
    ("/v0/saved_searches/{search_id}/archive", "PATCH"),
    #[cfg(theirstack_has = "op:get_company_lists_v0")]
    ("/v0/company_lists", "GET"),
    #[cfg(theirstack_has = "op:post_company_lists_v0")]
    ("/v0/company_lists", "POST"),
    #[cfg(theirstack_has = "op:post_company_lists_add_companies_multiple_v0")]
    ("/v0/company_lists/add_companies", "POST"),
    #[cfg(theirstack_has = "op:get_company_lists_by_id_v0")]
    ("/v0/company_lists/{list_id}", "GET"),
    #[cfg(theirstack_has = "op:patch_company_lists_by_id_v0")]
    ("/v0/company_lists/{list_id}", "PATCH"),
    #[cfg(theirstack_has = "op:delete_company_lists_by_id_v0")]
    ("/v0/company_lists/{list_id}", "DELETE"),
    #[cfg(theirstack_has = "op:get_company_lists_companies_v0")]
    ("/v0/company_lists/{list_id}/companies", "GET"),
    #[cfg(theirstack_has = "op:get_company_lists_companies_export_v0")]
    ("/v0/company_lists/{list_id}/companies/export", "GET"),
    #[cfg(theirstack_has = "op:post_company_lists_add_companies_v0")]
    ("/v0/company_lists/{list_id}/add_companies", "POST"),
    #[cfg(theirstack_has = "op:post_company_lists_remove_companies_v0")]
    ("/v0/company_lists/{list_id}/remove_companies", "POST"),
    #[cfg(theirstack_has = "op:post_company_lists_duplicate_v0")]
    ("/v0/company_lists/{list_id}/duplicate", "POST"),
    #[cfg(theirstack_has = "op:get_catalog_locations_v0")]
    ("/v0/catalog/locations", "GET"),
    #[cfg(theirstack_has = "op:get_catalog_industries_v0")]
    ("/v0/catalog/industries", "GET"),
    #[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
    ("/v0/catalog/technologies", "GET"),
    #[cfg(theirstack_has = "op:get_catalog_jobs_companies_per_job_country_code_v0")]
    ("/v0/catalog/jobs_companies_per_job_country_code", "GET"),
    #[cfg(theirstack_has = "op:get_catalog_companies_per_company_country_code_v0")]
    ("/v0/catalog/companies_per_company_country_code", "GET"),
    #[cfg(theirstack_has = "op:list_categories_v1")]
    ("/v1/catalog/technologies/categories", "GET"),
    #[cfg(theirstack_has = "op:list_subcategories_v1")]
    ("/v1/catalog/technologies/subcategories", "GET"),
    #[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
    ("/v0/catalog/keywords", "GET"),
    #[cfg(theirstack_has = "op:list_keyword_categories_v1")]
    ("/v1/catalog/keywords/categories", "GET"),
    #[cfg(theirstack_has = "op:list_keyword_subcategories_v1")]
    ("/v1/catalog/keywords/subcategories", "GET"),
    #[cfg(theirstack_has = "op:get_webhooks_v0")]
    ("/v0/webhooks", "GET"),
    #[cfg(theirstack_has = "op:post_webhooks_v0")]
    ("/v0/webhooks", "POST"),
    #[cfg(theirstack_has = "op:get_webhooks_event_types_v0")]
    ("/v0/webhooks/event-types", "GET"),
    #[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0")]
    ("/v0/webhooks/events/count", "GET"),
    #[cfg(theirstack_has = "op:post_webhooks_events_retry_v0")]
    ("/v0/webhooks/events/retry", "POST"),
    #[cfg(theirstack_has = "op:post_webhooks_test_v0")]
    ("/v0/webhooks/test", "POST"),
    #[cfg(theirstack_has = "op:get_webhooks_by_id_v0")]
    ("/v0/webhooks/{webhook_id}", "GET"),
    #[cfg(theirstack_has = "op:patch_webhooks_by_id_v0")]
    ("/v0/webhooks/{webhook_id}", "PATCH"),
    #[cfg(theirstack_has = "op:patch_webhooks_status_v0")]
    ("/v0/webhooks/{webhook_id}/status", "PATCH"),
    #[cfg(theirstack_has = "op:patch_webhooks_archive_v0")]
    ("/v0/webhooks/{webhook_id}/archive", "PATCH"),
    #[cfg(theirstack_has = "op:get_webhooks_events_v0")]
    ("/v0/webhooks/{webhook_id}/events", "GET"),
    #[cfg(theirstack_has = "op:get_webhooks_events_count_v0")]
    ("/v0/webhooks/{webhook_id}/events/count", "GET"),
];
