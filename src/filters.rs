//! Rules about search filters that TheirStack documents in prose and its OpenAPI document cannot
//! express: which filters name companies (preview mode, and so the free count, is not offered
//! with them) and which filters a job search must have at least one of.
//!
//! The checks read a request body as JSON, so they hold whatever the generated types look like.

use crate::error::{Error, Result};
use serde_json::Value;

/// Filters that identify companies. Preview mode is not available with any of them.
pub const COMPANY_IDENTIFIER_FILTERS: [&str; 5] = [
    "company_name_or",
    "company_name_case_insensitive_or",
    "company_domain_or",
    "company_linkedin_url_or",
    "company_id_or",
];

/// A job search needs at least one of these filters. `discovered_at_*` filters do not count.
pub const JOB_SEARCH_REQUIRED_FILTERS: [&str; 6] = [
    "posted_at_max_age_days",
    "posted_at_gte",
    "posted_at_lte",
    "company_domain_or",
    "company_linkedin_url_or",
    "company_name_or",
];

/// Whether a value counts as set: not null, not an empty list or string.
fn is_set(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::String(text)) => !text.is_empty(),
        Some(_) => true,
    }
}

/// Whether a search body names companies through one of [`COMPANY_IDENTIFIER_FILTERS`].
pub fn names_companies(body: &Value) -> bool {
    COMPANY_IDENTIFIER_FILTERS
        .iter()
        .any(|key| is_set(body.get(key)))
}

/// Whether a job search body has one of [`JOB_SEARCH_REQUIRED_FILTERS`].
pub fn meets_job_search_rule(body: &Value) -> bool {
    JOB_SEARCH_REQUIRED_FILTERS
        .iter()
        .any(|key| is_set(body.get(key)))
}

/// Checks a job search body against the required-filter rule before anything is sent.
pub fn check_job_search(filters: &impl serde::Serialize) -> Result<()> {
    let body = serde_json::to_value(filters).map_err(|e| Error::invalid_input(e.to_string()))?;
    if meets_job_search_rule(&body) {
        return Ok(());
    }
    Err(Error::invalid_input(format!(
        "a job search needs at least one of {} (a discovered_at filter alone does not count)",
        JOB_SEARCH_REQUIRED_FILTERS.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn company_identifiers_count_only_when_set() {
        assert!(names_companies(
            &json!({"company_domain_or": ["a.example"]})
        ));
        assert!(names_companies(&json!({"company_id_or": ["x"]})));
        assert!(!names_companies(&json!({"company_domain_or": []})));
        assert!(!names_companies(
            &json!({"company_domain_not": ["a.example"]})
        ));
        assert!(!names_companies(&json!({})));
    }

    #[test]
    fn the_job_search_rule_ignores_discovered_at() {
        assert!(meets_job_search_rule(&json!({"posted_at_max_age_days": 0})));
        assert!(meets_job_search_rule(
            &json!({"posted_at_gte": "2026-01-01"})
        ));
        assert!(meets_job_search_rule(&json!({"company_name_or": ["Acme"]})));
        assert!(!meets_job_search_rule(
            &json!({"posted_at_max_age_days": null})
        ));
        assert!(!meets_job_search_rule(
            &json!({"discovered_at_gte": "2026-01-01T00:00:00Z"})
        ));
        let err = check_job_search(&json!({"job_title_or": ["x"]})).unwrap_err();
        assert!(err.to_string().contains("posted_at_max_age_days"), "{err}");
        assert!(check_job_search(&json!({"posted_at_lte": "2026-01-01"})).is_ok());
    }
}
