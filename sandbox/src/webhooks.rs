//! Saved searches, webhooks, their events and their deliveries, in memory.
//!
//! Rule: a webhook listens to a saved search. When it is created, the sandbox records one event
//! per record its saved search matches (jobs discovered after `listening_start_time` when it is
//! set; one per company with `trigger_once_per_company`; the most recent
//! [`SandboxConfig::webhook_events`](super::SandboxConfig::webhook_events) at most), oldest first,
//! with status `IN_PROGRESS`. Nothing is sent until a delivery run
//! ([`Sandbox::deliver_pending`](super::Sandbox::deliver_pending), or the configured interval):
//! it POSTs each `IN_PROGRESS` event of every active, unarchived webhook to its URL, one at a
//! time in event order, as `{id, type, payload}` signed with the webhook's secret the way
//! TheirStack signs ([`theirstack::webhooks::sign`], header [`SIGNATURE_HEADER`]), and records
//! `SUCCESS` (2xx) or `FAILED` with the status and body it got. An event costs its record's
//! price (1 credit per job, 3 per company) on its first dispatch; with too few credits it becomes
//! `NOT_TRIGGERED` and is not sent. Retried events go back to `IN_PROGRESS`. Deliveries and
//! test deliveries go only to loopback hosts unless the configuration allows others.

use super::Shared;
use super::credits::month_before;
use super::data::{UrlField, copy_company, midnight};
use super::errors::{Failure, json_response};
use super::request::{self, Query};
use super::search::{matching_companies, matching_jobs};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration as Days, Utc};
use std::collections::{BTreeMap, BTreeSet};
use theirstack::types;
use theirstack::webhooks::{SIGNATURE_HEADER, sign};

/// Most bytes of a receiver's answer kept in `response_body`.
const RESPONSE_BODY_LIMIT: usize = 1000;
/// Largest `limit` of the events listing.
const MAX_EVENTS_LIMIT: u64 = 500;
/// Id of the sandbox's only user and team.
const USER_ID: i64 = 1;

/// What a saved search searches.
#[derive(Debug, Clone)]
pub(crate) enum Filters {
    Jobs(Box<types::JobSearchFiltersInput>),
    Companies(Box<types::CompanySearchFiltersInput>),
}

/// A saved search.
#[derive(Debug, Clone)]
pub(crate) struct SavedSearch {
    id: i64,
    name: String,
    filters: Filters,
    is_alert_active: bool,
    created_at: DateTime<Utc>,
}

/// The record an event delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Record {
    Job(usize),
    Company(usize),
}

/// A webhook event.
#[derive(Debug, Clone)]
struct Event {
    id: i64,
    webhook_id: i64,
    record: Record,
    triggered_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    status: types::WebhookEventStatus,
    response_status_code: Option<i64>,
    response_body: Option<String>,
    charged: bool,
}

/// A webhook and its secret (which the API never echoes).
#[derive(Debug, Clone)]
struct Hook {
    webhook: types::Webhook,
    secret: Option<String>,
}

/// Everything webhook-related the sandbox holds.
#[derive(Debug)]
pub(crate) struct Store {
    searches: Vec<SavedSearch>,
    hooks: BTreeMap<i64, Hook>,
    events: Vec<Event>,
    next_search: i64,
    next_hook: i64,
    next_event: i64,
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
        let data_engineers = types::JobSearchFiltersInput {
            job_title_or: vec!["data engineer".to_string()],
            job_country_code_or: vec!["US".to_string()],
            posted_at_max_age_days: Some(14),
            ..Default::default()
        };
        let remote_seniors = types::JobSearchFiltersInput {
            job_seniority_or: vec![types::Seniority::Senior],
            remote: Some(true),
            posted_at_max_age_days: Some(7),
            ..Default::default()
        };
        let snowflake = types::CompanySearchFiltersInput {
            company_technology_slug_or: vec!["snowflake".to_string()],
            ..Default::default()
        };
        let created_at = now - Days::days(30);
        let searches = vec![
            SavedSearch {
                id: 1,
                name: "Data engineers in the US, last 14 days".to_string(),
                filters: Filters::Jobs(Box::new(data_engineers)),
                is_alert_active: false,
                created_at,
            },
            SavedSearch {
                id: 2,
                name: "Remote senior roles, last 7 days".to_string(),
                filters: Filters::Jobs(Box::new(remote_seniors)),
                is_alert_active: false,
                created_at,
            },
            SavedSearch {
                id: 3,
                name: "Companies using Snowflake".to_string(),
                filters: Filters::Companies(Box::new(snowflake)),
                is_alert_active: false,
                created_at,
            },
        ];
        Store {
            searches,
            hooks: BTreeMap::new(),
            events: Vec::new(),
            next_search: 4,
            next_hook: 1,
            next_event: 1,
        }
    }

    fn search(&self, id: i64) -> Option<&SavedSearch> {
        self.searches.iter().find(|s| s.id == id)
    }

    fn hook(&self, id: i64) -> Result<&Hook, Failure> {
        self.hooks
            .get(&id)
            .ok_or_else(|| Failure::not_found(format!("no webhook with id {id}")))
    }

    fn hook_mut(&mut self, id: i64) -> Result<&mut Hook, Failure> {
        self.hooks
            .get_mut(&id)
            .ok_or_else(|| Failure::not_found(format!("no webhook with id {id}")))
    }
}

// ---------------------------------------------------------------------------------------------
// Records as payloads

/// A job as a `job.new` delivery carries it.
fn job_input(
    job: &types::JobWithMatchingPhrasesResponseOutput,
) -> types::JobWithMatchingPhrasesResponseInput {
    let locations = job
        .locations
        .iter()
        .map(|l| types::JobLocationInput {
            address: (),
            admin1_code: l.admin1_code.clone(),
            admin1_name: l.admin1_name.clone(),
            admin2_code: l.admin2_code.clone(),
            admin2_name: l.admin2_name.clone(),
            city: l.city.clone(),
            continent: l.continent.clone(),
            country_code: l.country_code.clone(),
            feature_code: l.feature_code.clone(),
            id: l.id,
            latitude: l.latitude,
            longitude: l.longitude,
            name: l.name.clone(),
            postal_code: (),
            type_: l.type_.clone(),
        })
        .collect();
    types::JobWithMatchingPhrasesResponseInput {
        avg_annual_salary_usd: job.avg_annual_salary_usd,
        cities: job.cities.clone(),
        #[cfg(theirstack_has = "JobWithMatchingPhrasesResponseInput.closed_at")]
        closed_at: None,
        company: job.company.clone(),
        company_domain: job.company_domain.clone(),
        company_object: job.company_object.clone(),
        continents: job.continents.clone(),
        countries: job.countries.clone(),
        country: job.country.clone(),
        country_code: job.country_code.clone(),
        country_codes: job.country_codes.clone(),
        created_at: Some(job.discovered_at),
        date_posted: job.date_posted,
        date_reposted: job.date_reposted,
        description: job.description.clone(),
        discovered_at: job.discovered_at,
        easy_apply: job.easy_apply,
        employment_statuses: job.employment_statuses.clone(),
        final_url: job.final_url.clone(),
        has_blurred_data: job.has_blurred_data,
        hiring_team: job.hiring_team.clone(),
        hybrid: job.hybrid,
        id: job.id,
        job_title: job.job_title.clone(),
        keyword_slugs: job.technology_slugs.clone(),
        latitude: job.latitude,
        location: job.location.clone(),
        locations,
        long_location: job.long_location.clone(),
        longitude: job.longitude,
        manager_roles: job.manager_roles.clone(),
        matching_phrases: job.matching_phrases.clone(),
        matching_words: job.matching_words.clone(),
        max_annual_salary: job.max_annual_salary,
        max_annual_salary_usd: job.max_annual_salary_usd,
        min_annual_salary: job.min_annual_salary,
        min_annual_salary_usd: job.min_annual_salary_usd,
        neg_posted_at_timestamp: Some(-midnight(job.date_posted).timestamp()),
        normalized_title: job.normalized_title.clone(),
        postal_code: job.postal_code.clone(),
        remote: job.remote,
        reposted: job.reposted,
        salary_currency: job.salary_currency.clone(),
        salary_string: job.salary_string.clone(),
        seniority: job.seniority.clone(),
        short_location: job.short_location.clone(),
        source_url: job.source_url.clone(),
        state_code: job.state_code.clone(),
        url: job.url.clone(),
        url_hashed: None,
    }
}

fn jobs_found(shared: &Shared, company: usize) -> Vec<types::JobBaseOut> {
    shared.data.companies[company]
        .jobs
        .iter()
        .take(5)
        .map(|&j| {
            let job = &shared.data.jobs[j];
            types::JobBaseOut {
                company: job.company.clone(),
                date_posted: Some(job.date_posted),
                has_blurred_data: false,
                id: Some(job.id),
                job_title: Some(job.job_title.clone()),
                url: job.url.to_option(),
            }
        })
        .collect()
}

/// Re-reads a value as the generated type `U`. Payload and saved-search unions are typed or
/// untyped JSON depending on the document, and this works for both.
fn retype<T: serde::Serialize, U: serde::de::DeserializeOwned>(value: &T) -> Result<U, Failure> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| Failure::internal(format!("cannot encode a record: {e}")))
}

/// A company as webhooks carry it, with its last five jobs and all its technologies.
macro_rules! company_payload {
    ($shared:expr, $c:expr, $target:ident) => {{
        let company = &$shared.data.companies[$c];
        copy_company!(
            &company.record,
            $target {
                jobs_found: jobs_found($shared, $c),
                technologies_found: company.technologies.clone(),
            }
        )
    }};
}

/// The body POSTed for a record: `{id, type, payload}`.
fn delivery_body(shared: &Shared, event_id: i64, record: Record) -> Result<Vec<u8>, Failure> {
    let (type_, payload) = match record {
        Record::Job(j) => (
            types::WebhookPublicEventType::JobNew,
            retype(&job_input(&shared.data.jobs[j]))?,
        ),
        Record::Company(c) => (
            types::WebhookPublicEventType::CompanyNew,
            retype(&company_payload!(
                shared,
                c,
                CompanyWithTechnologiesAndJobsInput
            ))?,
        ),
    };
    let event = types::WebhookPublicEvent {
        id: event_id,
        payload,
        type_,
    };
    serde_json::to_vec(&event)
        .map_err(|e| Failure::internal(format!("cannot encode a delivery: {e}")))
}

fn event_payload(shared: &Shared, record: Record) -> Result<types::WebhookEventPayload, Failure> {
    match record {
        Record::Job(j) => retype(&shared.data.jobs[j]),
        Record::Company(c) => retype(&company_payload!(
            shared,
            c,
            CompanyWithTechnologiesAndJobsOutput
        )),
    }
}

fn record_company_name(shared: &Shared, record: Record) -> String {
    match record {
        Record::Job(j) => shared.data.jobs[j].company.clone(),
        Record::Company(c) => shared.data.companies[c].record.name.clone(),
    }
}

fn event_view(shared: &Shared, e: &Event) -> Result<types::WebhookEvent, Failure> {
    Ok(types::WebhookEvent {
        company_name: Some(record_company_name(shared, e.record)),
        created_at: types::Timestamp(e.created_at),
        id: e.id,
        job_id: match e.record {
            Record::Job(j) => Some(shared.data.jobs[j].id),
            Record::Company(_) => None,
        },
        payload: Some(event_payload(shared, e.record)?),
        response_body: e.response_body.clone(),
        response_status_code: e.response_status_code,
        status: e.status.clone(),
        triggered_at: types::Timestamp(e.triggered_at),
        updated_at: types::Timestamp(e.updated_at),
        webhook_id: e.webhook_id,
    })
}

// ---------------------------------------------------------------------------------------------
// Events

/// The records a new webhook reports, oldest first, with when each was found.
fn initial_records(
    shared: &Shared,
    search: &SavedSearch,
    listening_start: Option<DateTime<Utc>>,
    once_per_company: bool,
) -> Result<Vec<(Record, DateTime<Utc>)>, Failure> {
    let now = shared.now();
    let cap = shared.config.webhook_events;
    let mut out: Vec<(Record, DateTime<Utc>)> = Vec::new();
    match &search.filters {
        Filters::Jobs(filters) => {
            let mut seen: BTreeSet<usize> = BTreeSet::new();
            for j in matching_jobs(&shared.data, filters, now)? {
                let job = &shared.data.jobs[j];
                if listening_start.is_some_and(|t| job.discovered_at.0 <= t) {
                    continue;
                }
                if once_per_company && !seen.insert(shared.data.job_company[j]) {
                    continue;
                }
                let found = (job.discovered_at.0 + Days::minutes(10)).min(now);
                out.push((Record::Job(j), found));
                if out.len() >= cap {
                    break;
                }
            }
        }
        Filters::Companies(filters) => {
            let hits = matching_companies(&shared.data, filters, now)?;
            let n = hits.len().min(cap);
            for (k, (c, _)) in hits.into_iter().take(n).enumerate() {
                let found = now - Days::minutes((n - k) as i64);
                if listening_start.is_some_and(|t| found <= t) {
                    continue;
                }
                out.push((Record::Company(c), found));
            }
        }
    }
    out.sort_by_key(|(_, found)| *found);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Handlers

fn event_type_of(filters: &Filters) -> types::WebhookEventType {
    match filters {
        Filters::Jobs(_) => types::WebhookEventType::JobNew,
        Filters::Companies(_) => types::WebhookEventType::CompanyNew,
    }
}

/// A destination URL the sandbox accepts: absolute `http` or `https`.
fn check_url(raw: &str) -> Result<url::Url, Failure> {
    let parsed = url::Url::parse(raw)
        .map_err(|e| Failure::validation(format!("`url` is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Failure::validation("`url` must use http or https"));
    }
    Ok(parsed)
}

/// Whether a URL's host is this machine.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn loopback_refusal(shared: &Shared, url: &url::Url) -> Option<String> {
    (!shared.config.remote_webhooks && !is_loopback(url)).then(|| {
        "the sandbox delivers only to loopback URLs (localhost, 127.0.0.0/8, ::1); see SandboxConfig::allow_remote_webhooks".to_string()
    })
}

/// `GET /v0/webhooks`.
pub(crate) fn list(shared: &Shared, headers: &HeaderMap) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let store = shared.webhooks();
    let hooks: Vec<&types::Webhook> = store
        .hooks
        .values()
        .map(|h| &h.webhook)
        .filter(|w| !w.is_archived)
        .collect();
    Ok(json_response(StatusCode::OK, &hooks))
}

/// `GET /v0/webhooks/{webhook_id}`.
pub(crate) fn get(shared: &Shared, headers: &HeaderMap, id: &str) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let id = request::path_id("webhook_id", id)?;
    let store = shared.webhooks();
    Ok(json_response(StatusCode::OK, &store.hook(id)?.webhook))
}

/// `POST /v0/webhooks`.
pub(crate) fn create(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let input: types::WebhookCreate = request::body(body)?;
    let fields: serde_json::Map<String, serde_json::Value> = request::body(body)?;
    let once_per_company = flag(&fields, "trigger_once_per_company").unwrap_or(false);
    check_url(&input.url)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    let search = store.search(input.search_id).cloned().ok_or_else(|| {
        Failure::validation(format!("no saved search with id {}", input.search_id))
    })?;
    let records = initial_records(
        shared,
        &search,
        input.listening_start_time.map(|t| t.0),
        once_per_company,
    )?;
    let id = store.next_hook;
    store.next_hook += 1;
    let webhook = types::Webhook {
        created_at: types::Timestamp(now),
        description: input.description.clone(),
        event_type: event_type_of(&search.filters),
        id,
        is_active: true,
        is_archived: false,
        listening_start_time: input.listening_start_time,
        scanning_frequency: "10m".to_string(),
        search_id: search.id,
        search_name: search.name.clone(),
        team_id: USER_ID,
        trigger_once_per_company: once_per_company,
        updated_at: types::Timestamp(now),
        url: types::WebhookUrl::try_from(input.url.to_string())
            .map_err(|e| Failure::validation(format!("invalid `url`: {e}")))?,
        user_id: USER_ID,
    };
    for (record, found) in records {
        let event_id = store.next_event;
        store.next_event += 1;
        store.events.push(Event {
            id: event_id,
            webhook_id: id,
            record,
            triggered_at: found,
            created_at: found,
            updated_at: found,
            status: types::WebhookEventStatus::InProgress,
            response_status_code: None,
            response_body: None,
            charged: false,
        });
    }
    store.hooks.insert(
        id,
        Hook {
            webhook: webhook.clone(),
            secret: create_secret(&input),
        },
    );
    Ok(json_response(StatusCode::OK, &webhook))
}

/// A boolean member of a body already checked against its generated type.
fn flag(fields: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<bool> {
    fields.get(name).and_then(serde_json::Value::as_bool)
}

/// `PATCH /v0/webhooks/{webhook_id}`: sets `url` and `search_id`, and each other field the body
/// contains; a field left out keeps its value.
pub(crate) fn update(
    shared: &Shared,
    headers: &HeaderMap,
    id: &str,
    body: &[u8],
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let id = request::path_id("webhook_id", id)?;
    let input: types::WebhookUpdate = request::body(body)?;
    let fields: serde_json::Map<String, serde_json::Value> = request::body(body)?;
    check_url(&input.url)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    store.hook(id)?;
    let search = store.search(input.search_id).cloned().ok_or_else(|| {
        Failure::validation(format!("no saved search with id {}", input.search_id))
    })?;
    let url = types::WebhookUrl::try_from(input.url.to_string())
        .map_err(|e| Failure::validation(format!("invalid `url`: {e}")))?;
    let hook = store.hook_mut(id)?;
    let w = &mut hook.webhook;
    w.url = url;
    w.search_id = search.id;
    w.search_name = search.name.clone();
    w.event_type = event_type_of(&search.filters);
    if fields.contains_key("description") {
        w.description = input.description.clone();
    }
    if fields.contains_key("listening_start_time") {
        w.listening_start_time = input.listening_start_time;
    }
    if let Some(once) = flag(&fields, "trigger_once_per_company") {
        w.trigger_once_per_company = once;
    }
    w.updated_at = types::Timestamp(now);
    if let Some(secret) = update_secret(&input) {
        hook.secret = Some(secret);
    }
    Ok(json_response(StatusCode::OK, &hook.webhook))
}

/// `PATCH /v0/webhooks/{webhook_id}/status`.
pub(crate) fn set_status(
    shared: &Shared,
    headers: &HeaderMap,
    id: &str,
    body: &[u8],
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let id = request::path_id("webhook_id", id)?;
    let input: types::WebhookStatusUpdate = request::body(body)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    let hook = store.hook_mut(id)?;
    if hook.webhook.is_archived && input.is_active {
        return Err(Failure::validation(format!("webhook {id} is archived")));
    }
    hook.webhook.is_active = input.is_active;
    hook.webhook.updated_at = types::Timestamp(now);
    Ok(json_response(StatusCode::OK, &hook.webhook))
}

/// `PATCH /v0/webhooks/{webhook_id}/archive`.
pub(crate) fn archive(shared: &Shared, headers: &HeaderMap, id: &str) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let id = request::path_id("webhook_id", id)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    let hook = store.hook_mut(id)?;
    hook.webhook.is_archived = true;
    hook.webhook.is_active = false;
    hook.webhook.updated_at = types::Timestamp(now);
    Ok(json_response(StatusCode::OK, &hook.webhook))
}

fn status_param(query: &Query) -> Result<Option<types::WebhookEventStatus>, Failure> {
    match query.get("status") {
        None => Ok(None),
        Some(raw) => {
            let status = types::WebhookEventStatus::from(raw);
            if status.is_known() {
                Ok(Some(status))
            } else {
                Err(Failure::validation(format!(
                    "invalid query parameter `status`: expected one of {}, got `{}`",
                    types::WebhookEventStatus::VALUES.join(", "),
                    raw.chars().take(64).collect::<String>()
                )))
            }
        }
    }
}

/// `GET /v0/webhooks/{webhook_id}/events`: by event id, `offset` and `limit` (1 to 500,
/// default 25), optionally one `status`.
pub(crate) fn events(
    shared: &Shared,
    headers: &HeaderMap,
    id: &str,
    query: &Query,
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let id = request::path_id("webhook_id", id)?;
    let status = status_param(query)?;
    let offset = query
        .parsed::<u64>("offset", "a non-negative integer")?
        .unwrap_or(0);
    let limit = query
        .parsed::<u64>("limit", "an integer from 1 to 500")?
        .unwrap_or(25);
    if !(1..=MAX_EVENTS_LIMIT).contains(&limit) {
        return Err(Failure::validation(format!(
            "`limit` must be between 1 and {MAX_EVENTS_LIMIT}, got {limit}"
        )));
    }
    let store = shared.webhooks();
    store.hook(id)?;
    let page: Vec<types::WebhookEvent> = store
        .events
        .iter()
        .filter(|e| e.webhook_id == id && status.as_ref().is_none_or(|s| *s == e.status))
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|e| event_view(shared, e))
        .collect::<Result<_, _>>()?;
    Ok(json_response(StatusCode::OK, &page))
}

/// `GET /v0/webhooks/{webhook_id}/events/count`.
pub(crate) fn events_count(
    shared: &Shared,
    headers: &HeaderMap,
    id: &str,
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let id = request::path_id("webhook_id", id)?;
    let store = shared.webhooks();
    store.hook(id)?;
    let n = store.events.iter().filter(|e| e.webhook_id == id).count();
    Ok(json_response(StatusCode::OK, &n))
}

/// `GET /v0/webhooks/events/count`: events per UTC day of `triggered_at`, grouped by `status`
/// (default) or `webhook_id`, over `start_datetime`..`end_datetime` (default: the last 30 days).
pub(crate) fn events_count_aggregated(
    shared: &Shared,
    headers: &HeaderMap,
    query: &Query,
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let now = shared.now();
    let expected = "an ISO 8601 date-time";
    let end = query
        .parsed::<types::Timestamp>("end_datetime", expected)?
        .map_or(now, |t| t.0);
    let start = query
        .parsed::<types::Timestamp>("start_datetime", expected)?
        .map_or_else(|| month_before(end), |t| t.0);
    let webhook = query.parsed::<i64>("webhook_id", "an integer")?;
    let by_webhook = match query.get("group_by") {
        None | Some("status") => false,
        Some("webhook_id") => true,
        Some(other) => {
            return Err(Failure::validation(format!(
                "invalid query parameter `group_by`: expected status or webhook_id, got `{}`",
                other.chars().take(64).collect::<String>()
            )));
        }
    };
    let store = shared.webhooks();
    let mut buckets: BTreeMap<(chrono::NaiveDate, String, i64), i64> = BTreeMap::new();
    for e in &store.events {
        if e.triggered_at < start
            || e.triggered_at > end
            || webhook.is_some_and(|w| w != e.webhook_id)
        {
            continue;
        }
        let key = if by_webhook {
            (e.triggered_at.date_naive(), String::new(), e.webhook_id)
        } else {
            (e.triggered_at.date_naive(), e.status.to_string(), 0)
        };
        *buckets.entry(key).or_default() += 1;
    }
    let rows: Vec<types::WebhookEventCount> = buckets
        .into_iter()
        .map(|((day, status, webhook_id), n)| types::WebhookEventCount {
            number_of_events: n,
            number_of_executions: n,
            period_start: types::Timestamp(midnight(day)),
            status: (!by_webhook).then(|| types::WebhookEventStatus::from(status)),
            webhook_id: by_webhook.then_some(webhook_id),
        })
        .collect();
    Ok(json_response(StatusCode::OK, &rows))
}

/// `POST /v0/webhooks/events/retry`: every listed event goes back to `IN_PROGRESS` for the next
/// delivery run; an unknown id is a 404 and changes nothing. Answers `null`.
pub(crate) fn retry(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let input: types::WebhookEventRetryRequest = request::body(body)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    if let Some(missing) = input
        .webhook_event_ids
        .iter()
        .find(|id| !store.events.iter().any(|e| e.id == **id))
    {
        return Err(Failure::not_found(format!(
            "no webhook event with id {missing}"
        )));
    }
    for e in &mut store.events {
        if input.webhook_event_ids.contains(&e.id) {
            e.status = types::WebhookEventStatus::InProgress;
            e.updated_at = now;
        }
    }
    Ok(json_response(StatusCode::OK, &serde_json::Value::Null))
}

/// The outcome of one POST.
struct Sent {
    status: Option<u16>,
    body: String,
}

/// POSTs a body to a URL, signed when there is a secret.
async fn post(shared: &Shared, url: &str, body: Vec<u8>, signature: Option<&str>) -> Sent {
    let mut request = shared
        .http
        .post(url)
        .header("content-type", "application/json")
        .header(
            "user-agent",
            concat!("theirstack-sandbox/", env!("CARGO_PKG_VERSION")),
        )
        .body(body);
    if let Some(signature) = signature {
        request = request.header(SIGNATURE_HEADER, signature);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            let mut cut = text.len().min(RESPONSE_BODY_LIMIT);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            Sent {
                status: Some(status),
                body: text[..cut].to_string(),
            }
        }
        Err(e) => Sent {
            status: None,
            body: format!("delivery failed: {e}"),
        },
    }
}

// TheirStack's own document predates webhook secrets and the `webhook_id` form of the test
// body; the sandbox builds against either document.

#[cfg(theirstack_has = "WebhookCreate.secret")]
fn create_secret(input: &types::WebhookCreate) -> Option<String> {
    input.secret.as_ref().map(|s| s.to_string())
}

#[cfg(not(theirstack_has = "WebhookCreate.secret"))]
fn create_secret(_: &types::WebhookCreate) -> Option<String> {
    None
}

#[cfg(theirstack_has = "WebhookUpdate.secret")]
fn update_secret(input: &types::WebhookUpdate) -> Option<String> {
    input.secret.as_ref().map(|s| s.to_string())
}

#[cfg(not(theirstack_has = "WebhookUpdate.secret"))]
fn update_secret(_: &types::WebhookUpdate) -> Option<String> {
    None
}

/// Where a test delivery goes, of which type, signed with which secret: from the webhook named
/// by `webhook_id` (the body's `url`, `event_type` and `secret` override it), else from the body.
#[cfg(all(
    theirstack_has = "WebhookTest.webhook_id",
    theirstack_has = "WebhookTest.secret"
))]
fn test_target(
    shared: &Shared,
    input: types::WebhookTest,
) -> Result<(String, types::WebhookEventType, Option<String>), Failure> {
    let secret = input.secret.map(|s| s.to_string());
    match input.webhook_id {
        Some(id) => {
            let store = shared.webhooks();
            let hook = store.hook(id)?;
            Ok((
                input
                    .url
                    .map_or_else(|| hook.webhook.url.to_string(), |u| u.to_string()),
                input
                    .event_type
                    .unwrap_or_else(|| hook.webhook.event_type.clone()),
                secret.or_else(|| hook.secret.clone()),
            ))
        }
        None => Ok((
            input
                .url
                .ok_or_else(|| Failure::validation("`url` is required without `webhook_id`"))?
                .to_string(),
            input.event_type.ok_or_else(|| {
                Failure::validation("`event_type` is required without `webhook_id`")
            })?,
            secret,
        )),
    }
}

/// Where a test delivery goes and of which type: the body's `url` and `event_type`; unsigned.
#[cfg(not(all(
    theirstack_has = "WebhookTest.webhook_id",
    theirstack_has = "WebhookTest.secret"
)))]
fn test_target(
    _: &Shared,
    input: types::WebhookTest,
) -> Result<(String, types::WebhookEventType, Option<String>), Failure> {
    Ok((input.url.to_string(), input.event_type, None))
}

/// `POST /v0/webhooks/test`: sends one signed sample delivery (event id 0, the most recent job or
/// the first company) and answers the receiver's status (0 when no answer came) and the
/// signature sent.
pub(crate) async fn test(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let input: types::WebhookTest = request::body(body)?;
    let (url, event_type, secret) = test_target(shared, input)?;
    let parsed = check_url(&url)?;
    if let Some(refusal) = loopback_refusal(shared, &parsed) {
        return Err(Failure::validation(refusal));
    }
    let record = match event_type {
        types::WebhookEventType::JobNew if !shared.data.jobs.is_empty() => Record::Job(0),
        types::WebhookEventType::CompanyNew if !shared.data.companies.is_empty() => {
            Record::Company(0)
        }
        other => {
            return Err(Failure::validation(format!(
                "the sandbox has no sample record for event type `{other}`"
            )));
        }
    };
    let bytes = delivery_body(shared, 0, record)?;
    let signature = secret.as_ref().map(|s| sign(s, &bytes));
    let sent = post(shared, parsed.as_str(), bytes, signature.as_deref()).await;
    let message = match sent.status {
        Some(code) if (200..300).contains(&code) => "test event delivered".to_string(),
        Some(code) => format!("the endpoint answered {code}"),
        None => sent.body,
    };
    let answer = types::WebhookTestResponse {
        message: Some(message),
        #[cfg(theirstack_has = "WebhookTestResponse.signature")]
        signature,
        status: sent.status.map_or(0, i64::from),
    };
    Ok(json_response(StatusCode::OK, &answer))
}

/// One delivery to make.
struct Pending {
    event_id: i64,
    url: String,
    secret: Option<String>,
    record: Record,
}

/// Sends every pending event of the active webhooks, in event order. See the module docs.
pub(crate) async fn deliver_pending(shared: &Shared) -> DeliveryReport {
    let _one_run_at_a_time = shared.delivery.lock().await;
    let mut report = DeliveryReport::default();
    let pending: Vec<Pending> = {
        let now = shared.now();
        let day = now.date_naive();
        let mut store = shared.webhooks();
        let mut ledger = shared.ledger();
        let Store { hooks, events, .. } = &mut *store;
        let mut out = Vec::new();
        for e in events.iter_mut() {
            if e.status != types::WebhookEventStatus::InProgress {
                continue;
            }
            let Some(hook) = hooks.get(&e.webhook_id) else {
                continue;
            };
            if !hook.webhook.is_active || hook.webhook.is_archived {
                continue;
            }
            if !e.charged {
                let price = match e.record {
                    Record::Job(_) => 1,
                    Record::Company(_) => 3,
                };
                if ledger.remaining() < price {
                    e.status = types::WebhookEventStatus::NotTriggered;
                    e.updated_at = now;
                    report.not_triggered += 1;
                    continue;
                }
                ledger.charge(price, day);
                e.charged = true;
            }
            out.push(Pending {
                event_id: e.id,
                url: hook.webhook.url.to_string(),
                secret: hook.secret.clone(),
                record: e.record,
            });
        }
        out
    };
    for p in pending {
        let sent = match url::Url::parse(&p.url) {
            Err(e) => Sent {
                status: None,
                body: format!("invalid URL: {e}"),
            },
            Ok(url) => match loopback_refusal(shared, &url) {
                Some(refusal) => Sent {
                    status: None,
                    body: refusal,
                },
                None => match delivery_body(shared, p.event_id, p.record) {
                    Ok(bytes) => {
                        let signature = p.secret.as_ref().map(|s| sign(s, &bytes));
                        post(shared, url.as_str(), bytes, signature.as_deref()).await
                    }
                    Err(f) => Sent {
                        status: None,
                        body: f.description,
                    },
                },
            },
        };
        let ok = sent.status.is_some_and(|s| (200..300).contains(&s));
        if ok {
            report.delivered += 1;
        } else {
            report.failed += 1;
        }
        let now = shared.now();
        let mut store = shared.webhooks();
        if let Some(e) = store.events.iter_mut().find(|e| e.id == p.event_id) {
            e.status = if ok {
                types::WebhookEventStatus::Success
            } else {
                types::WebhookEventStatus::Failed
            };
            e.response_status_code = sent.status.map(i64::from);
            e.response_body = Some(sent.body);
            e.updated_at = now;
        }
    }
    report
}

// ---------------------------------------------------------------------------------------------
// Saved searches

fn saved_search_body(filters: &Filters) -> Result<serde_json::Value, Failure> {
    let value = match filters {
        Filters::Jobs(f) => serde_json::to_value(f),
        Filters::Companies(f) => serde_json::to_value(f),
    };
    value.map_err(|e| Failure::internal(format!("cannot encode a saved search: {e}")))
}

fn creator() -> types::UserSimple {
    types::UserSimple {
        email: "sandbox@theirstack.invalid".to_string(),
        first_name: Some("Sandbox".to_string()),
        id: USER_ID,
        last_name: Some("User".to_string()),
    }
}

fn search_type(filters: &Filters) -> types::SavedSearchType {
    match filters {
        Filters::Jobs(_) => types::SavedSearchType::Jobs,
        Filters::Companies(_) => types::SavedSearchType::Companies,
    }
}

/// A saved search as the API writes it, read back into `T` (the read or the create answer).
fn search_view<T: serde::de::DeserializeOwned>(
    store: &Store,
    s: &SavedSearch,
) -> Result<T, Failure> {
    let created_at = types::Timestamp(s.created_at);
    let has_active_webhooks = store
        .hooks
        .values()
        .any(|h| h.webhook.search_id == s.id && h.webhook.is_active && !h.webhook.is_archived);
    retype(&serde_json::json!({
        "body": saved_search_body(&s.filters)?,
        "created_at": created_at,
        "creator": creator(),
        "emails_subscribed": [],
        "frequency": null,
        "has_active_webhooks": has_active_webhooks,
        "id": s.id,
        "is_alert_active": s.is_alert_active,
        "is_archived": false,
        "name": s.name,
        "path": null,
        "query": null,
        "querystring_params": null,
        "team_id": USER_ID,
        "type": search_type(&s.filters),
        "updated_at": created_at,
        "user_id": USER_ID,
    }))
}

/// `GET /v0/saved_searches`.
pub(crate) fn list_searches(shared: &Shared, headers: &HeaderMap) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let store = shared.webhooks();
    let views = store
        .searches
        .iter()
        .map(|s| search_view::<types::SavedSearchResponseV1>(&store, s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json_response(StatusCode::OK, &views))
}

/// `GET /v0/saved_searches/{search_id}`.
pub(crate) fn get_search(
    shared: &Shared,
    headers: &HeaderMap,
    id: &str,
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let id = request::path_id("search_id", id)?;
    let store = shared.webhooks();
    let search = store
        .search(id)
        .ok_or_else(|| Failure::not_found(format!("no saved search with id {id}")))?;
    let view: types::SavedSearchResponseV1 = search_view(&store, search)?;
    Ok(json_response(StatusCode::OK, &view))
}

/// `POST /v0/saved_searches`: `body` is read as the filters of `type`.
pub(crate) fn create_search(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    // The filters first, by `type`, so that a bad key is named; then the rest of the body.
    let raw: serde_json::Value = request::body(body)?;
    let filters_json = raw.get("body").unwrap_or(&serde_json::Value::Null);
    let filters = match raw.get("type").and_then(serde_json::Value::as_str) {
        Some("jobs") => Some(Filters::Jobs(Box::new(request::member(
            filters_json,
            "body",
        )?))),
        Some("companies") => Some(Filters::Companies(Box::new(request::member(
            filters_json,
            "body",
        )?))),
        _ => None,
    };
    let input: types::SavedSearchCreate = request::body(body)?;
    let Some(filters) = filters else {
        return Err(Failure::validation(format!(
            "invalid `type`: expected jobs or companies, got `{}`",
            input.type_
        )));
    };
    let now = shared.now();
    let mut store = shared.webhooks();
    let id = store.next_search;
    store.next_search += 1;
    let search = SavedSearch {
        id,
        name: input.name.unwrap_or_else(|| format!("Saved search {id}")),
        filters,
        is_alert_active: input.is_alert_active.unwrap_or(false),
        created_at: now,
    };
    let created: types::SavedSearch = search_view(&store, &search)?;
    store.searches.push(search);
    Ok(json_response(StatusCode::OK, &created))
}
