//! Webhooks: the in-memory store of webhooks, their events and saved searches; `handlers`,
//! `events` and `kinds` answer the operations, `feed` records events of jobs added or closed,
//! `payloads` makes what events and deliveries carry, `delivery` sends them.
//!
//! Rule: a webhook listens to a saved search. When it is created, the sandbox records one event
//! per record its saved search matches (jobs discovered after `listening_start_time` when it is
//! set; one per company with `trigger_once_per_company`; the most recent
//! [`SandboxConfig::webhook_events`](crate::SandboxConfig::webhook_events) at most), oldest first,
//! with status `IN_PROGRESS`. Nothing is sent until a delivery run
//! ([`Sandbox::deliver_pending`](crate::Sandbox::deliver_pending), or the configured interval):
//! it POSTs each `IN_PROGRESS` event of every active, unarchived webhook to its URL, one at a
//! time in event order, as `{id, type, payload}` signed with the webhook's secret the way
//! TheirStack signs ([`theirstack::webhooks::sign`], header [`SIGNATURE_HEADER`]), and records
//! `SUCCESS` (2xx) or `FAILED` with the status and body it got. An event costs its record's
//! price (1 credit per job, 3 per company) on its first dispatch; with too few credits it becomes
//! `NOT_TRIGGERED` and is not sent. Retried events go back to `IN_PROGRESS`. Deliveries and
//! test deliveries go only to loopback hosts unless the configuration allows others.

mod delivery;
mod events;
mod feed;
mod handlers;
mod kinds;
mod payloads;

pub(crate) use delivery::deliver_pending;
#[cfg(theirstack_has = "op:post_webhooks_test_v0")]
pub(crate) use delivery::test;
#[cfg(theirstack_has = "op:get_webhooks_events_v0")]
pub(crate) use events::events;
#[cfg(theirstack_has = "op:get_webhooks_events_count_v0")]
pub(crate) use events::events_count;
#[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0")]
pub(crate) use events::events_count_aggregated;
#[cfg(theirstack_has = "op:post_webhooks_events_retry_v0")]
pub(crate) use events::retry;
pub(crate) use feed::{record_closed_jobs, record_new_jobs};
#[cfg(theirstack_has = "op:patch_webhooks_archive_v0")]
pub(crate) use handlers::archive;
#[cfg(theirstack_has = "op:post_webhooks_v0")]
pub(crate) use handlers::create;
#[cfg(theirstack_has = "op:get_webhooks_by_id_v0")]
pub(crate) use handlers::get;
#[cfg(theirstack_has = "op:get_webhooks_v0")]
pub(crate) use handlers::list;
#[cfg(theirstack_has = "op:patch_webhooks_status_v0")]
pub(crate) use handlers::set_status;
#[cfg(theirstack_has = "op:patch_webhooks_by_id_v0")]
pub(crate) use handlers::update;
#[cfg(theirstack_has = "op:get_webhooks_event_types_v0")]
pub(crate) use kinds::event_types;

use crate::errors::Failure;
use crate::saved_searches::{Filters, SavedSearch, initial_searches};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use theirstack::types;

/// Most bytes of a receiver's answer kept in `response_body`.
pub(crate) const RESPONSE_BODY_LIMIT: usize = 1000;
/// Largest `limit` of the events listing.
pub(crate) const MAX_EVENTS_LIMIT: i64 = 500;

/// The record an event delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Record {
    Job(usize),
    Company(usize),
}

/// A webhook event.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) id: i64,
    pub(crate) webhook_id: i64,
    /// The event type (`job_new`, `job_closed` or `company_new`).
    pub(crate) kind: types::WebhookEventType,
    pub(crate) record: Record,
    pub(crate) triggered_at: DateTime<Utc>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) status: types::WebhookEventStatus,
    pub(crate) response_status_code: Option<i64>,
    pub(crate) response_body: Option<String>,
    pub(crate) charged: bool,
}

/// A webhook, its secret (which the API never echoes) and the event types it listens to.
#[derive(Debug, Clone)]
pub(crate) struct Hook {
    pub(crate) webhook: types::Webhook,
    pub(crate) secret: Option<String>,
    /// `active_event_types` as given; `None`: the primary type of its search.
    pub(crate) active: Option<Vec<types::WebhookEventType>>,
}

/// Everything webhook-related the sandbox holds.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) searches: Vec<SavedSearch>,
    pub(crate) hooks: BTreeMap<i64, Hook>,
    pub(crate) events: Vec<Event>,
    pub(crate) next_search: i64,
    pub(crate) next_hook: i64,
    pub(crate) next_event: i64,
}

/// What a delivery run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryReport {
    /// Events the receiver accepted (2xx).
    pub delivered: usize,
    /// Events sent and refused, or that could not be sent.
    pub failed: usize,
    /// Events not sent for lack of credits (`NOT_TRIGGERED`).
    pub not_triggered: usize,
}

impl Store {
    /// The store with the sandbox's three saved searches and no webhook.
    pub(crate) fn new(now: DateTime<Utc>) -> Store {
        Store {
            searches: initial_searches(now),
            hooks: BTreeMap::new(),
            events: Vec::new(),
            next_search: 4,
            next_hook: 1,
            next_event: 1,
        }
    }

    pub(crate) fn search(&self, id: i64) -> Option<&SavedSearch> {
        self.searches.iter().find(|s| s.id == id)
    }

    pub(crate) fn hook(&self, id: i64) -> Result<&Hook, Failure> {
        self.hooks
            .get(&id)
            .ok_or_else(|| Failure::not_found(format!("no webhook with id {id}")))
    }

    pub(crate) fn hook_mut(&mut self, id: i64) -> Result<&mut Hook, Failure> {
        self.hooks
            .get_mut(&id)
            .ok_or_else(|| Failure::not_found(format!("no webhook with id {id}")))
    }
}

pub(crate) fn event_type_of(filters: &Filters) -> types::WebhookEventType {
    match filters {
        Filters::Jobs(_) => types::WebhookEventType::JobNew,
        Filters::Companies(_) => types::WebhookEventType::CompanyNew,
    }
}

/// A destination URL the sandbox accepts: absolute `http` or `https`.
pub(crate) fn check_url(raw: &str) -> Result<url::Url, Failure> {
    let parsed = url::Url::parse(raw)
        .map_err(|e| Failure::validation(format!("`url` is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Failure::validation("`url` must use http or https"));
    }
    Ok(parsed)
}
