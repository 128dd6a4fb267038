//! Company search (`POST /v1/companies/search`): companies matching the company filters, with
//! the jobs of `job_filters` and the technologies of `tech_filters`, in a fixed order.

use super::{COMPANY_PRICE, JOBS_FOUND, charge_rows, count};
use crate::criteria::{CompanyCriteria, JobCriteria, TechCriteria};
use crate::data::{Company, Dataset, company_as, confidence_rank, job_base};
use crate::errors::{Failure, built, json_response};
use crate::paging::{DEFAULT_LIMIT, check_limit, window};
use crate::preview::{blur_company, refuse_preview_with_identifiers};
use crate::request;
use crate::state::Shared;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use theirstack::types;

/// Copies a company record into a company search row.
fn company_row(
    c: &types::CompanyWithTechnologySlugs,
    jobs_found: Vec<types::JobBaseOut>,
    technologies_found: Vec<types::KeywordFound>,
) -> Result<types::CompanyWithTechnologiesAndJobsOutput, Failure> {
    company_as(
        c,
        serde_json::json!({
            "jobs_found": jobs_found,
            "technologies_found": technologies_found,
        }),
    )
}

/// A company that matched a company search, with what it matched.
struct CompanyHit<'a> {
    index: usize,
    company: &'a Company,
    jobs: Vec<usize>,
    techs: Vec<types::KeywordFound>,
}

/// The companies matching a company search body, in result order, as indices with the indices
/// of their matching jobs.
pub(crate) fn matching_companies(
    data: &Dataset,
    filters: &types::CompanySearchFiltersInput,
    now: DateTime<Utc>,
    precision: Option<Duration>,
) -> Result<Vec<(usize, Vec<usize>)>, Failure> {
    Ok(company_hits(data, filters, now, precision)?
        .into_iter()
        .map(|h| (h.index, h.jobs))
        .collect())
}

fn company_hits<'a>(
    data: &'a Dataset,
    filters: &types::CompanySearchFiltersInput,
    now: DateTime<Utc>,
    precision: Option<Duration>,
) -> Result<Vec<CompanyHit<'a>>, Failure> {
    let criteria = CompanyCriteria::from_companies(filters)?;
    let jobs = filters
        .job_filters
        .as_ref()
        .map(|f| JobCriteria::from_job_filters(f).map(|c| c.with_precision(precision)))
        .transpose()?;
    let techs = match &filters.tech_filters {
        Some(f) => Some(TechCriteria::from_tech_filters(f)?),
        None => None,
    };
    let expand = &filters.expand_technology_slugs;
    let mut hits: Vec<CompanyHit<'a>> = Vec::new();
    for (index, company) in data.companies.iter().enumerate() {
        if !criteria.matches(&company.record) {
            continue;
        }
        let matched_jobs: Vec<usize> = match &jobs {
            Some(j) => company
                .jobs
                .iter()
                .copied()
                .filter(|&i| j.matches(&data.jobs[i], data.closed_at[i], now))
                .collect(),
            None => Vec::new(),
        };
        if jobs.is_some() && matched_jobs.is_empty() {
            continue;
        }
        let mut found: Vec<types::KeywordFound> = match &techs {
            Some(t) => company
                .technologies
                .iter()
                .filter(|k| t.matches(k))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        if techs.is_some() && found.is_empty() {
            continue;
        }
        for k in &company.technologies {
            if expand.contains(&k.technology.slug)
                && !found.iter().any(|f| f.technology.slug == k.technology.slug)
            {
                found.push(k.clone());
            }
        }
        hits.push(CompanyHit {
            index,
            company,
            jobs: matched_jobs,
            techs: found,
        });
    }
    // Fixed order: jobs found, confidence of the best technology found, jobs, size, id.
    hits.sort_by(|a, b| {
        let best =
            |h: &CompanyHit<'_>| h.techs.iter().map(|k| confidence_rank(&k.confidence)).max();
        b.jobs
            .len()
            .cmp(&a.jobs.len())
            .then(best(b).cmp(&best(a)))
            .then(b.company.record.num_jobs.cmp(&a.company.record.num_jobs))
            .then(
                b.company
                    .record
                    .employee_count
                    .cmp(&a.company.record.employee_count),
            )
            .then(a.company.record.id.cmp(&b.company.record.id))
    });
    Ok(hits)
}

pub(super) fn search(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    let filters: types::CompanySearchFiltersInput = request::body(body)?;
    // The generated `JobFilters` keeps unknown keys; the job search body, whose job-level fields
    // it shares, refuses them.
    let raw: serde_json::Value = request::body(body)?;
    if let Some(job_filters) = raw.get("job_filters").filter(|v| v.is_object()) {
        request::member::<types::JobSearchFiltersInput>(job_filters, "job_filters")?;
    }
    let limit = filters.limit.map_or(DEFAULT_LIMIT, |l| l.get());
    check_limit(limit)?;
    let blur = filters.blur_company_data == Some(true);
    refuse_preview_with_identifiers(blur, &CompanyCriteria::from_companies(&filters)?)?;
    let snapshot = shared.data();
    let data = &*snapshot;
    let with_jobs = filters.job_filters.is_some();
    let hits = company_hits(data, &filters, shared.now(), shared.precision())?;
    let range = window(hits.len(), filters.page, filters.offset, limit)?;
    let on_page = range.len();
    let paid = if blur {
        on_page
    } else {
        charge_rows(shared, on_page, COMPANY_PRICE)?
    };
    let rows: Vec<_> = hits[range]
        .iter()
        .take(paid)
        .map(|h| {
            let jobs_found = h
                .jobs
                .iter()
                .take(JOBS_FOUND)
                .map(|&i| job_base(&data.jobs[i]))
                .collect::<Result<_, _>>()?;
            let mut row = company_row(&h.company.record, jobs_found, h.techs.clone())?;
            if with_jobs {
                row.num_jobs_found = count(h.jobs.len());
            }
            if blur {
                blur_company(&mut row);
            }
            Ok(row)
        })
        .collect::<Result<_, Failure>>()?;
    let totals = filters.include_total_results == Some(true);
    let mut metadata = types::Metadata::default();
    metadata.total_results = if totals { count(hits.len()) } else { None };
    metadata.total_companies = if totals { count(hits.len()) } else { None };
    metadata.truncated_results = Some(0);
    metadata.truncated_companies = count(on_page - paid);
    let response: types::CompanySearchResponse = built(
        types::CompanySearchResponse::builder()
            .data(rows)
            .metadata(metadata),
    )?;
    Ok(json_response(StatusCode::OK, &response))
}
