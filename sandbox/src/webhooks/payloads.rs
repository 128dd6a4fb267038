//! What webhook events and deliveries carry: a job as `job.new` and `job.closed` send it (the
//! latter with its `closed_at`), a company with its last jobs and technologies as `company.new`
//! sends it, and the `WebhookEvent` view.

use super::kinds::JOB_CLOSED;
use super::{Event, Record};
use crate::data::{Dataset, company_as, job_base, midnight};
use crate::errors::{Failure, built, retype};
use chrono::{DateTime, Utc};
use theirstack::types;

/// A job as a `job.new` delivery carries it: the search row read into the webhook's job type
/// (`technology_slugs` become `keyword_slugs`; `created_at` and `neg_posted_at_timestamp` are
/// added, and `closed_at` when given and the document has it), through serde, so that fields a
/// document adds need no code here.
fn job_input(
    job: &types::JobWithMatchingPhrasesResponseOutput,
    closed_at: Option<DateTime<Utc>>,
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
        #[cfg(theirstack_has = "JobWithMatchingPhrasesResponseInput.closed_at")]
        if let Some(closed_at) = closed_at {
            fields.insert(
                "closed_at".to_string(),
                serde_json::json!(types::Timestamp(closed_at)),
            );
        }
    }
    #[cfg(not(theirstack_has = "JobWithMatchingPhrasesResponseInput.closed_at"))]
    let _ = closed_at;
    retype(&value)
}

/// The last five jobs of a company, as `jobs_found` lists them.
fn jobs_found(data: &Dataset, company: usize) -> Result<Vec<types::JobBaseOut>, Failure> {
    data.companies[company]
        .jobs
        .iter()
        .take(5)
        .map(|&j| job_base(&data.jobs[j]))
        .collect()
}

/// The job of an index, or a 500 for an index the data does not have (never expected: jobs are
/// only appended, and events are recorded after their jobs).
fn job(data: &Dataset, j: usize) -> Result<&types::JobWithMatchingPhrasesResponseOutput, Failure> {
    data.jobs
        .get(j)
        .ok_or_else(|| Failure::internal(format!("no job at index {j}")))
}

/// A company as webhooks carry it, with its last five jobs and all its technologies, as `T`
/// (the delivery's or the events listing's company type).
fn company_payload<T: serde::de::DeserializeOwned>(data: &Dataset, c: usize) -> Result<T, Failure> {
    let company = &data.companies[c];
    company_as(
        &company.record,
        serde_json::json!({
            "jobs_found": jobs_found(data, c)?,
            "technologies_found": company.technologies,
        }),
    )
}

/// The body POSTed for an event of `kind` on a record: `{id, type, payload}`; a `job.closed`
/// job carries its `closed_at` (now, for a job still open: a test delivery's sample).
pub(crate) fn delivery_body(
    data: &Dataset,
    event_id: i64,
    kind: &types::WebhookEventType,
    record: Record,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, Failure> {
    let encode = |e: serde_json::Error| Failure::internal(format!("cannot encode a record: {e}"));
    let (type_, payload) = match record {
        Record::Job(j) if kind.as_str() == JOB_CLOSED => {
            let closed_at = data.closed_at.get(j).copied().flatten().unwrap_or(now);
            (
                "job.closed",
                serde_json::to_value(job_input(job(data, j)?, Some(closed_at))?).map_err(encode)?,
            )
        }
        Record::Job(j) => (
            "job.new",
            serde_json::to_value(job_input(job(data, j)?, None)?).map_err(encode)?,
        ),
        Record::Company(c) => (
            "company.new",
            serde_json::to_value(
                company_payload::<types::CompanyWithTechnologiesAndJobsInput>(data, c)?,
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

fn event_payload(data: &Dataset, record: Record) -> Result<types::WebhookEventPayload, Failure> {
    match record {
        Record::Job(j) => retype(job(data, j)?),
        Record::Company(c) => retype(&company_payload::<
            types::CompanyWithTechnologiesAndJobsOutput,
        >(data, c)?),
    }
}

fn record_company_name(data: &Dataset, record: Record) -> Result<String, Failure> {
    Ok(match record {
        Record::Job(j) => job(data, j)?.company.clone(),
        Record::Company(c) => data.companies[c].record.name.clone(),
    })
}

pub(crate) fn event_view(data: &Dataset, e: &Event) -> Result<types::WebhookEvent, Failure> {
    built(
        types::WebhookEvent::builder()
            .company_name(Some(record_company_name(data, e.record)?))
            .created_at(types::Timestamp(e.created_at))
            .id(e.id)
            .job_id(match e.record {
                Record::Job(j) => Some(job(data, j)?.id),
                Record::Company(_) => None,
            })
            .payload(Some(event_payload(data, e.record)?))
            .response_body(e.response_body.clone())
            .response_status_code(e.response_status_code)
            .status(e.status.clone())
            .triggered_at(types::Timestamp(e.triggered_at))
            .updated_at(types::Timestamp(e.updated_at))
            .webhook_id(e.webhook_id),
    )
}
