//! Events of jobs that arrive ([`Sandbox::add_jobs`](crate::Sandbox::add_jobs)) or close
//! ([`Sandbox::close_jobs`](crate::Sandbox::close_jobs)) while the sandbox runs.
//!
//! Rule: each active, unarchived webhook on a jobs search that listens to the event type gets
//! one `IN_PROGRESS` event per job its saved search matches (a new job also honours
//! `listening_start_time` and `trigger_once_per_company`), triggered now; the next delivery run
//! sends it. Events are recorded after the data changed, so every reader that sees one has its
//! job.

use super::kinds::JOB_CLOSED;
use super::{Event, Record, Store};
use crate::saved_searches::Filters;
use crate::searches::JobSearchCriteria;
use crate::state::Shared;
use theirstack::types;

/// Records `job_new` events for jobs just added (indices into the data's jobs).
pub(crate) fn record_new_jobs(shared: &Shared, jobs: &[usize]) {
    record(shared, jobs, "job_new");
}

/// Records `job_closed` events for jobs just closed.
pub(crate) fn record_closed_jobs(shared: &Shared, jobs: &[usize]) {
    record(shared, jobs, JOB_CLOSED);
}

fn record(shared: &Shared, jobs: &[usize], kind: &str) {
    if jobs.is_empty() {
        return;
    }
    let now = shared.now();
    let precision = shared.precision();
    let data = shared.data();
    let mut store = shared.webhooks();
    let Store {
        searches,
        hooks,
        events,
        next_event,
        ..
    } = &mut *store;
    for hook in hooks.values() {
        let w = &hook.webhook;
        if !w.is_active || w.is_archived || !hook.listens(kind) {
            continue;
        }
        let Some(search) = searches.iter().find(|s| s.id == w.search_id) else {
            continue;
        };
        let Filters::Jobs(filters) = &search.filters else {
            continue;
        };
        let Ok(criteria) = JobSearchCriteria::new(filters, precision) else {
            continue;
        };
        for &j in jobs {
            if !criteria.matches(&data, j, now) {
                continue;
            }
            if kind == "job_new" {
                let job = &data.jobs[j];
                if w.listening_start_time
                    .is_some_and(|t| job.discovered_at.0 <= t.0)
                {
                    continue;
                }
                let company = data.job_company[j];
                let seen = events.iter().any(|e| {
                    e.webhook_id == w.id
                        && matches!(e.record, Record::Job(k) if data.job_company.get(k) == Some(&company))
                });
                if w.trigger_once_per_company && seen {
                    continue;
                }
            }
            events.push(Event {
                id: *next_event,
                webhook_id: w.id,
                kind: types::WebhookEventType::from(kind),
                record: Record::Job(j),
                triggered_at: now,
                created_at: now,
                updated_at: now,
                status: types::WebhookEventStatus::InProgress,
                response_status_code: None,
                response_body: None,
                charged: false,
            });
            *next_event += 1;
        }
    }
}
