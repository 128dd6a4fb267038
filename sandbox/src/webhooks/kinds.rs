//! Event types: which a webhook can listen to (`GET /v0/webhooks/event-types`), which it does
//! listen to (`active_event_types`), and how a webhook shows them.
//!
//! Rule: a jobs search has `job_new` and `job_closed`, a companies search `company_new`; a
//! webhook listens to the types of its `active_event_types`, or, without the list, to the
//! primary type of its search (`job_new` or `company_new`), which is its `event_type`. A type
//! of the other search type is a 422. `job_closed` is named by its wire value, so the sandbox
//! also builds against documents that predate it.

use super::Hook;
use crate::errors::Failure;
use crate::saved_searches::Filters;
use theirstack::types;

/// The wire value of the closing event.
pub(crate) const JOB_CLOSED: &str = "job_closed";

/// Every event type: its wire value, its search type, a name and what triggers it.
const EVENT_TYPES: [(&str, &str, &str, &str); 3] = [
    (
        "job_new",
        "jobs",
        "New job",
        "A job matching the saved search was found.",
    ),
    (
        JOB_CLOSED,
        "jobs",
        "Job closed",
        "A job matching the saved search was closed (taken down by the company).",
    ),
    (
        "company_new",
        "companies",
        "New company",
        "A company matching the saved search was found.",
    ),
];

/// The search type (`jobs` or `companies`) of a search's filters.
fn search_type(filters: &Filters) -> &'static str {
    match filters {
        Filters::Jobs(_) => "jobs",
        Filters::Companies(_) => "companies",
    }
}

/// `GET /v0/webhooks/event-types`: every event type, or those of `search_type` (`jobs` or
/// `companies`).
#[cfg(theirstack_has = "op:get_webhooks_event_types_v0")]
pub(crate) fn event_types(
    query: &crate::request::Query,
) -> Result<axum::response::Response, Failure> {
    let wanted = query.one_of("search_type", &["jobs", "companies"])?;
    let rows: Vec<types::WebhookEventTypeInfo> = EVENT_TYPES
        .iter()
        .filter(|(_, search, _, _)| wanted.is_none_or(|w| w == *search))
        .map(|&(kind, search, name, description)| {
            let mut row = types::WebhookEventTypeInfo::default();
            row.type_ = Some(types::WebhookEventType::from(kind));
            row.search_type = Some(types::SavedSearchType::from(search));
            row.name = Some(name.to_string());
            row.description = Some(description.to_string());
            row
        })
        .collect();
    Ok(crate::errors::json_response(
        axum::http::StatusCode::OK,
        &rows,
    ))
}

/// Refuses event types a webhook on a search of `filters` cannot listen to (unknown ones, or
/// those of the other search type).
pub(crate) fn check_active(
    filters: &Filters,
    active: Option<&[types::WebhookEventType]>,
) -> Result<(), Failure> {
    let search = search_type(filters);
    for kind in active.unwrap_or_default() {
        let fits = EVENT_TYPES
            .iter()
            .any(|(value, s, _, _)| *value == kind.as_str() && *s == search);
        if !fits {
            return Err(Failure::validation(format!(
                "invalid `active_event_types`: `{}` is not an event type of a {search} search",
                kind.as_str().chars().take(64).collect::<String>()
            )));
        }
    }
    Ok(())
}

impl Hook {
    /// Whether the webhook listens to `kind` (a wire value such as `job_closed`).
    pub(crate) fn listens(&self, kind: &str) -> bool {
        match &self.active {
            Some(active) => active.iter().any(|k| k.as_str() == kind),
            None => self.webhook.event_type.as_str() == kind,
        }
    }

    /// The webhook as the API answers it: the generated `Webhook`, plus the stored
    /// `active_event_types` (`null` when none were given), which the document's `Webhook` does
    /// not have.
    pub(crate) fn view(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(&self.webhook).unwrap_or_default();
        if let Some(fields) = value.as_object_mut() {
            fields.insert(
                "active_event_types".to_string(),
                serde_json::to_value(&self.active).unwrap_or_default(),
            );
        }
        value
    }
}

/// The `active_event_types` of a create body, where the document has the field.
#[cfg(theirstack_has = "WebhookCreate.active_event_types")]
pub(crate) fn create_active(input: &types::WebhookCreate) -> Option<Vec<types::WebhookEventType>> {
    input.active_event_types.clone()
}

#[cfg(not(theirstack_has = "WebhookCreate.active_event_types"))]
pub(crate) fn create_active(_: &types::WebhookCreate) -> Option<Vec<types::WebhookEventType>> {
    None
}

/// The `active_event_types` of an update body, where the document has the field.
#[cfg(theirstack_has = "WebhookUpdate.active_event_types")]
pub(crate) fn update_active(input: &types::WebhookUpdate) -> Option<Vec<types::WebhookEventType>> {
    input.active_event_types.clone()
}

#[cfg(not(theirstack_has = "WebhookUpdate.active_event_types"))]
pub(crate) fn update_active(_: &types::WebhookUpdate) -> Option<Vec<types::WebhookEventType>> {
    None
}
