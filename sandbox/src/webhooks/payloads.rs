//! What webhook events and deliveries carry: a job as `job.new` sends it, a company with its
//! last jobs and technologies as `company.new` sends it, and the `WebhookEvent` view.

use super::{Event, Record};
use crate::data::{UrlField, copy_company, midnight};
use crate::errors::{Failure, retype};
use crate::state::Shared;
use theirstack::types;

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
pub(crate) fn delivery_body(
    shared: &Shared,
    event_id: i64,
    record: Record,
) -> Result<Vec<u8>, Failure> {
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

pub(crate) fn event_view(shared: &Shared, e: &Event) -> Result<types::WebhookEvent, Failure> {
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
