//! The three searches: job search, company search and technographics.
//!
//! Rule: a search authenticates, passes the rate limiter, reads its body into the generated
//! filter type, checks it the way TheirStack does (422 otherwise), filters the synthetic data in
//! a fixed order, cuts the page ([`crate::paging`]), then charges credits for the rows it
//! returns: rows the balance cannot pay for are withheld and counted in `truncated_results` /
//! `truncated_companies`, and a chargeable page with nothing left to pay with is a 402. Preview
//! mode ([`crate::preview`]) costs nothing.

use crate::criteria::{
    CompanyCriteria, JobCriteria, TechCriteria, lower_all, normalize_domain, normalize_linkedin,
};
use crate::data::{Company, Dataset, company_as, confidence_rank, job_base};
use crate::errors::{Failure, built, json_response};
use crate::paging::{DEFAULT_LIMIT, check_limit, window};
use crate::preview::{blur_company, blur_job, refuse_preview_with_identifiers};
use crate::request;
use crate::state::Shared;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use theirstack::types;

// TheirStack's prices, written here independently of the client's `pricing` module on purpose:
// the sandbox is the check that the client charges what the server does.
/// Credits per job returned.
const JOB_PRICE: u64 = 1;
/// Credits per company returned.
const COMPANY_PRICE: u64 = 3;
/// Credits per technographics lookup that returns rows.
const LOOKUP_PRICE: u64 = 3;
/// Rows of `jobs_found` per company.
const JOBS_FOUND: usize = 5;

/// Runs a search behind the rate limiter (the key was checked before); every answer carries the
/// rate-limit headers.
fn limited(
    shared: &Shared,
    search: impl FnOnce(&Shared) -> Result<Response, Failure>,
) -> Result<Response, Failure> {
    let rate = shared.admit()?;
    match search(shared) {
        Ok(mut response) => {
            response.headers_mut().extend(rate);
            Ok(response)
        }
        Err(failure) => Err(failure.with_headers(rate)),
    }
}

/// `POST /v1/jobs/search`.
#[cfg(theirstack_has = "op:search_jobs_v1")]
pub(crate) fn jobs(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    limited(shared, |s| search_jobs(s, body))
}

/// `POST /v1/companies/search`.
#[cfg(theirstack_has = "op:search_companies_v1")]
pub(crate) fn companies(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    limited(shared, |s| search_companies(s, body))
}

/// `POST /v1/companies/technologies`.
#[cfg(theirstack_has = "op:technographics_v1")]
pub(crate) fn technologies(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    limited(shared, |s| technographics(s, body))
}

/// Charges `price` per row for as many rows as the balance pays for; returns how many rows may
/// be returned. A non-empty page with an empty balance is a 402.
fn charge_rows(shared: &Shared, rows: usize, price: u64) -> Result<usize, Failure> {
    if rows == 0 || price == 0 {
        return Ok(rows);
    }
    let day = shared.now().date_naive();
    let mut ledger = shared.ledger();
    let remaining = ledger.remaining();
    if remaining == 0 {
        return Err(Failure::credits(
            "the account has no API credits left; this request would return data",
        ));
    }
    let affordable = usize::try_from(remaining / price)
        .unwrap_or(usize::MAX)
        .min(rows);
    ledger.charge(affordable as u64 * price, day);
    Ok(affordable)
}

fn count(n: usize) -> Option<i64> {
    Some(i64::try_from(n).unwrap_or(i64::MAX))
}

// ---------------------------------------------------------------------------------------------
// The three searches

/// Whether a job search body has one of the filters TheirStack requires.
fn has_required_filter(f: &types::JobSearchFiltersInput) -> bool {
    f.posted_at_max_age_days.is_some()
        || f.posted_at_gte.is_some()
        || f.posted_at_lte.is_some()
        || !f.company_domain_or.is_empty()
        || !f.company_linkedin_url_or.is_empty()
        || !f.company_name_or.is_empty()
}

/// The jobs matching a job search body, as indices in search order.
pub(crate) fn matching_jobs(
    data: &Dataset,
    filters: &types::JobSearchFiltersInput,
    now: DateTime<Utc>,
) -> Result<Vec<usize>, Failure> {
    let jobs = JobCriteria::from_search(filters)?;
    let companies = CompanyCriteria::from_jobs(filters)?;
    Ok(data
        .jobs
        .iter()
        .enumerate()
        .filter(|(_, job)| companies.matches(&job.company_object) && jobs.matches(job, now))
        .map(|(i, _)| i)
        .collect())
}

fn search_jobs(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
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
    let data = &shared.data;
    let matched = matching_jobs(data, &filters, shared.now())?;
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
) -> Result<Vec<(usize, Vec<usize>)>, Failure> {
    Ok(company_hits(data, filters, now)?
        .into_iter()
        .map(|h| (h.index, h.jobs))
        .collect())
}

fn company_hits<'a>(
    data: &'a Dataset,
    filters: &types::CompanySearchFiltersInput,
    now: DateTime<Utc>,
) -> Result<Vec<CompanyHit<'a>>, Failure> {
    let criteria = CompanyCriteria::from_companies(filters)?;
    let jobs = filters
        .job_filters
        .as_ref()
        .map(JobCriteria::from_job_filters)
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
                .filter(|&i| j.matches(&data.jobs[i], now))
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

fn search_companies(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
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
    let data = &shared.data;
    let with_jobs = filters.job_filters.is_some();
    let hits = company_hits(data, &filters, shared.now())?;
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

/// The company a technographics body names, if any: every identifier given must match it.
fn lookup<'a>(data: &'a Dataset, f: &types::TechDetailsFilters) -> Option<&'a Company> {
    let domain = f.company_domain.as_deref().map(normalize_domain);
    let linkedin = f.company_linkedin_url.as_deref().map(normalize_linkedin);
    let name = f.company_name.as_deref().map(str::to_lowercase);
    let names_or = lower_all(&f.company_name_or);
    data.companies.iter().find(|c| {
        let r = &c.record;
        let lower = r.name.to_lowercase();
        domain
            .as_ref()
            .is_none_or(|d| r.domain.as_deref().map(normalize_domain).as_ref() == Some(d))
            && linkedin.as_ref().is_none_or(|l| {
                r.linkedin_url.as_deref().map(normalize_linkedin).as_ref() == Some(l)
            })
            && name.as_ref().is_none_or(|n| *n == lower)
            && f.company_id.as_ref().is_none_or(|id| *id == r.id)
            && (names_or.is_empty() || names_or.contains(&lower))
    })
}

fn technographics(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    let filters: types::TechDetailsFilters = request::body(body)?;
    let named = filters.company_domain.is_some()
        || filters.company_name.is_some()
        || filters.company_linkedin_url.is_some()
        || filters.company_id.is_some()
        || !filters.company_name_or.is_empty();
    if !named {
        return Err(Failure::validation(
            "one of company_domain, company_name, company_linkedin_url or company_id is required",
        ));
    }
    let limit = filters.limit.map_or(DEFAULT_LIMIT, |l| l.get());
    check_limit(limit)?;
    let criteria = TechCriteria::from_details(&filters)?;
    let rows: Vec<types::KeywordFound> = lookup(&shared.data, &filters)
        .map(|c| {
            c.technologies
                .iter()
                .filter(|k| criteria.matches(k))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let range = window(rows.len(), filters.page, filters.offset, limit)?;
    let page: Vec<types::KeywordFound> = rows[range].to_vec();
    if !page.is_empty() {
        let day = shared.now().date_naive();
        let mut ledger = shared.ledger();
        if ledger.remaining() < LOOKUP_PRICE {
            return Err(Failure::credits(format!(
                "a technographics lookup costs {LOOKUP_PRICE} API credits; {} left",
                ledger.remaining()
            )));
        }
        ledger.charge(LOOKUP_PRICE, day);
    }
    let totals = filters.include_total_results == Some(true);
    let mut metadata = types::Metadata::default();
    metadata.total_results = if totals { count(rows.len()) } else { None };
    metadata.total_companies = if totals {
        count(usize::from(!rows.is_empty()))
    } else {
        None
    };
    metadata.truncated_results = Some(0);
    metadata.truncated_companies = Some(0);
    let response: types::CompanyTechDetailsResponse = built(
        types::CompanyTechDetailsResponse::builder()
            .data(page)
            .metadata(metadata),
    )?;
    Ok(json_response(StatusCode::OK, &response))
}
