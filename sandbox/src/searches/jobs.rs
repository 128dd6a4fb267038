//! Job search (`POST /v1/jobs/search`): the required filter group, the matching jobs in the
//! order `order_by` asks for ([`super::order`]), the page and its credits.

use super::order::sort_jobs;
use super::{JOB_PRICE, charge_rows, count};
use crate::criteria::{CompanyCriteria, JobCriteria};
use crate::data::Dataset;
use crate::errors::{Failure, built, json_response};
use crate::paging::{DEFAULT_LIMIT, check_limit, window};
use crate::preview::{blur_job, refuse_preview_with_identifiers};
use crate::request;
use crate::state::Shared;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeSet;
use theirstack::types;

/// Whether a job search body has one of the filters TheirStack requires.
fn has_required_filter(f: &types::JobSearchFiltersInput) -> bool {
    f.posted_at_max_age_days.is_some()
        || f.posted_at_gte.is_some()
        || f.posted_at_lte.is_some()
        || !f.company_domain_or.is_empty()
        || !f.company_linkedin_url_or.is_empty()
        || !f.company_name_or.is_empty()
}

/// The job-level and company-level criteria of a job search body.
pub(crate) struct JobSearchCriteria {
    jobs: JobCriteria,
    companies: CompanyCriteria,
}

impl JobSearchCriteria {
    /// The criteria of a body, comparing `discovered_at_*` date-times at `precision`.
    pub(crate) fn new(
        filters: &types::JobSearchFiltersInput,
        precision: Option<Duration>,
    ) -> Result<JobSearchCriteria, Failure> {
        Ok(JobSearchCriteria {
            jobs: JobCriteria::from_search(filters)?.with_precision(precision),
            companies: CompanyCriteria::from_jobs(filters)?,
        })
    }

    /// Whether the job at index `j` matches at `now`.
    pub(crate) fn matches(&self, data: &Dataset, j: usize, now: DateTime<Utc>) -> bool {
        let job = &data.jobs[j];
        self.companies.matches(&job.company_object)
            && self.jobs.matches(job, data.closed_at[j], now)
    }
}

/// The jobs matching a job search body, as indices in the default search order (`date_posted`,
/// `discovered_at`, `id`, all descending).
pub(crate) fn matching_jobs(
    data: &Dataset,
    filters: &types::JobSearchFiltersInput,
    now: DateTime<Utc>,
    precision: Option<Duration>,
) -> Result<Vec<usize>, Failure> {
    let criteria = JobSearchCriteria::new(filters, precision)?;
    Ok(data
        .order
        .iter()
        .copied()
        .filter(|&j| criteria.matches(data, j, now))
        .collect())
}

pub(super) fn search(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    let filters: types::JobSearchFiltersInput = request::body(body)?;
    if !has_required_filter(&filters) {
        return Err(Failure::validation(
            "at least one of posted_at_max_age_days, posted_at_gte, posted_at_lte, \
             company_domain_or, company_linkedin_url_or or company_name_or is required",
        ));
    }
    let limit = filters.limit.map_or(DEFAULT_LIMIT, |l| l.get());
    check_limit(limit)?;
    let blur = filters.blur_company_data == Some(true);
    refuse_preview_with_identifiers(blur, &CompanyCriteria::from_jobs(&filters)?)?;
    let snapshot = shared.data();
    let data = &*snapshot;
    let mut matched = matching_jobs(data, &filters, shared.now(), shared.precision())?;
    sort_jobs(data, &mut matched, &filters.order_by)?;
    let range = window(matched.len(), filters.page, filters.offset, limit)?;
    let on_page = range.len();
    let paid = if blur {
        on_page
    } else {
        charge_rows(shared, on_page, JOB_PRICE)?
    };
    let rows: Vec<_> = matched[range]
        .iter()
        .take(paid)
        .map(|&i| {
            let mut job = data.jobs[i].clone();
            if blur {
                blur_job(&mut job);
            }
            job
        })
        .collect();
    let totals = filters.include_total_results == Some(true);
    let companies: BTreeSet<usize> = if totals {
        matched.iter().map(|&i| data.job_company[i]).collect()
    } else {
        BTreeSet::new()
    };
    let mut metadata = types::Metadata::default();
    metadata.total_results = if totals { count(matched.len()) } else { None };
    metadata.total_companies = if totals { count(companies.len()) } else { None };
    metadata.truncated_results = count(on_page - paid);
    metadata.truncated_companies = Some(0);
    let response: types::JobSearchResponse = built(
        types::JobSearchResponse::builder()
            .data(rows)
            .metadata(metadata),
    )?;
    Ok(json_response(StatusCode::OK, &response))
}
