//! What webhook events and deliveries carry: a job as `job.new` sends it, a company with its
//! last jobs and technologies as `company.new` sends it, and the `WebhookEvent` view.

use super::{Event, Record};
use crate::data::{company_as, job_base, midnight};
use crate::errors::{Failure, built, retype};
use crate::state::Shared;
use theirstack::types;

/// A job as a `job.new` delivery carries it: the search row read into the webhook's job type
/// (`technology_slugs` become `keyword_slugs`; `created_at` and `neg_posted_at_timestamp` are
/// added), through serde, so that fields a document adds need no code here.
fn job_input(
    job: &types::JobWithMatchingPhrasesResponseOutput,
) -> Result<types::JobWithMatchingPhrasesResponseInput, Failure> {
    let mut value = serde_json::to_value(job)
        .map_err(|e| Failure::internal(format!("cannot encode a job: {e}")))?;
    if let Some(fields) = value.as_object_mut() {
        let slugs = fields
            .remove("technology_slugs")
            .unwrap_or_else(|| serde_json::json!([]));
        fields.insert("keyword_slugs".to_string(), slugs);
        fields.insert(
            "created_at".to_string(),
            serde_json::json!(job.discovered_at),
        );
        fields.insert(
            "neg_posted_at_timestamp".to_string(),
            serde_json::json!(-midnight(job.date_posted).timestamp()),
        );
    }
    retype(&value)
}

/// The last five jobs of a company, as `jobs_found` lists them.
fn jobs_found(shared: &Shared, company: usize) -> Result<Vec<types::JobBaseOut>, Failure> {
    shared.data.companies[company]
        .jobs
        .iter()
        .take(5)
        .map(|&j| job_base(&shared.data.jobs[j]))
        .collect()
}

/// A company as webhooks carry it, with its last five jobs and all its technologies, as `T`
/// (the delivery's or the events listing's company type).
fn company_payload<T: serde::de::DeserializeOwned>(
    shared: &Shared,
    c: usize,
) -> Result<T, Failure> {
    let company = &shared.data.companies[c];
    company_as(
        &company.record,
        serde_json::json!({
            "jobs_found": jobs_found(shared, c)?,
            "technologies_found": company.technologies,
        }),
    )
}

/// The body POSTed for a record: `{id, type, payload}`.
pub(crate) fn delivery_body(
    shared: &Shared,
    event_id: i64,
    record: Record,
) -> Result<Vec<u8>, Failure> {
    let encode = |e: serde_json::Error| Failure::internal(format!("cannot encode a record: {e}"));
    let (type_, payload) = match record {
        Record::Job(j) => (
            types::WebhookPublicEventType::JobNew,
            serde_json::to_value(job_input(&shared.data.jobs[j])?).map_err(encode)?,
        ),
        Record::Company(c) => (
            types::WebhookPublicEventType::CompanyNew,
            serde_json::to_value(
                company_payload::<types::CompanyWithTechnologiesAndJobsInput>(shared, c)?,
            )
            .map_err(encode)?,
        ),
    };
    // Through serde: the payload is typed or untyped JSON depending on the document.
    let event: types::WebhookPublicEvent = retype(&serde_json::json!({
        "id": event_id,
        "type": type_,
        "payload": payload,
    }))?;
    serde_json::to_vec(&event)
        .map_err(|e| Failure::internal(format!("cannot encode a delivery: {e}")))
}

fn event_payload(shared: &Shared, record: Record) -> Result<types::WebhookEventPayload, Failure> {
    match record {
        Record::Job(j) => retype(&shared.data.jobs[j]),
        Record::Company(c) => retype(&company_payload::<
            types::CompanyWithTechnologiesAndJobsOutput,
        >(shared, c)?),
    }
}

fn record_company_name(shared: &Shared, record: Record) -> String {
    match record {
        Record::Job(j) => shared.data.jobs[j].company.clone(),
        Record::Company(c) => shared.data.companies[c].record.name.clone(),
    }
}

pub(crate) fn event_view(shared: &Shared, e: &Event) -> Result<types::WebhookEvent, Failure> {
    built(
        types::WebhookEvent::builder()
            .company_name(Some(record_company_name(shared, e.record)))
            .created_at(types::Timestamp(e.created_at))
            .id(e.id)
            .job_id(match e.record {
                Record::Job(j) => Some(shared.data.jobs[j].id),
                Record::Company(_) => None,
            })
            .payload(Some(event_payload(shared, e.record)?))
            .response_body(e.response_body.clone())
            .response_status_code(e.response_status_code)
            .status(e.status.clone())
            .triggered_at(types::Timestamp(e.triggered_at))
            .updated_at(types::Timestamp(e.updated_at))
            .webhook_id(e.webhook_id),
    )
}
