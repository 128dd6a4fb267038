//! Compiles the routes of the document's operations only: prints the `theirstack_has` cfgs the
//! `theirstack` build script derived from the document (`DEP_THEIRSTACK_CFGS`), and
//! `sandbox_company_lists` when the document has any company-list operation (the in-memory
//! store those operations share), and `sandbox_all_operations` when it has every operation the
//! sandbox serves (against a smaller document, the helpers of the missing ones go unused).

/// Every operation the sandbox serves (the routes of `src/routes.rs`).
const SERVED: [&str; 47] = [
    "buying_intents_v1",
    "delete_company_lists_by_id_v0",
    "get_billing_credit_balance_v0",
    "get_catalog_companies_per_company_country_code_v0",
    "get_catalog_industries_v0",
    "get_catalog_jobs_companies_per_job_country_code_v0",
    "get_catalog_keywords_v0",
    "get_catalog_locations_v0",
    "get_catalog_technologies_v0",
    "get_company_lists_by_id_v0",
    "get_company_lists_companies_export_v0",
    "get_company_lists_companies_v0",
    "get_company_lists_v0",
    "get_datasets_v1",
    "get_requests_count_v0",
    "get_saved_searches_by_id_v0",
    "get_saved_searches_v0",
    "get_teams_credits_consumption_v0",
    "get_webhooks_by_id_v0",
    "get_webhooks_event_types_v0",
    "get_webhooks_events_count_aggregated_v0",
    "get_webhooks_events_count_v0",
    "get_webhooks_events_v0",
    "get_webhooks_v0",
    "list_categories_v1",
    "list_keyword_categories_v1",
    "list_keyword_subcategories_v1",
    "list_subcategories_v1",
    "patch_company_lists_by_id_v0",
    "patch_saved_searches_archive_v0",
    "patch_saved_searches_by_id_v0",
    "patch_webhooks_archive_v0",
    "patch_webhooks_by_id_v0",
    "patch_webhooks_status_v0",
    "post_company_lists_add_companies_multiple_v0",
    "post_company_lists_add_companies_v0",
    "post_company_lists_duplicate_v0",
    "post_company_lists_remove_companies_v0",
    "post_company_lists_v0",
    "post_datasets_credentials_v1",
    "post_saved_searches_v0",
    "post_webhooks_events_retry_v0",
    "post_webhooks_test_v0",
    "post_webhooks_v0",
    "search_companies_v1",
    "search_jobs_v1",
    "technographics_v1",
];

fn main() {
    let path = std::env::var("DEP_THEIRSTACK_CFGS").expect("set by the theirstack build script");
    let directives = std::fs::read_to_string(&path).expect("the theirstack build script wrote it");
    print!("{directives}");
    println!("cargo::rustc-check-cfg=cfg(sandbox_company_lists)");
    let company_lists = directives
        .lines()
        .any(|line| line.contains("theirstack_has=\"op:") && line.contains("company_lists"));
    if company_lists {
        println!("cargo::rustc-cfg=sandbox_company_lists");
    }
    println!("cargo::rustc-check-cfg=cfg(sandbox_all_operations)");
    let all = SERVED
        .iter()
        .all(|op| directives.contains(&format!("theirstack_has=\"op:{op}\"")));
    if all {
        println!("cargo::rustc-cfg=sandbox_all_operations");
    }
    println!("cargo::rerun-if-changed={path}");
}
