//! Job search, company search and technographics.
//!
//! Rule: a search authenticates, passes the rate limiter, reads its body into the generated
//! filter type, checks it the way TheirStack does (422 otherwise), filters the synthetic data in
//! a fixed order, cuts the page (`offset` when it is above 0, else `page × limit`), then charges
//! credits for the rows it returns: rows the balance cannot pay for are withheld and counted in
//! `truncated_results` / `truncated_companies`, and a chargeable page with nothing left to pay
//! with is a 402. Preview mode (`blur_company_data`) masks the documented fields with
//! [`BLUR_MASK`] and costs nothing.

use super::Shared;
use super::data::{Company, Dataset, UrlField, confidence_rank, copy_company, midnight};
use super::errors::{Failure, json_response};
use super::request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration as Days, NaiveDate, Utc};
use std::collections::BTreeSet;
use theirstack::types;

/// The value that replaces every blurred field in preview mode.
pub const BLUR_MASK: &str = "[blurred]";

/// Largest `limit` a search accepts.
pub const MAX_LIMIT: u64 = 500;
/// `limit` when a search body has none.
const DEFAULT_LIMIT: u64 = 25;

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

/// Runs a search behind authentication and the rate limiter; every answer past the key check
/// carries the rate-limit headers.
fn limited(
    shared: &Shared,
    headers: &HeaderMap,
    search: impl FnOnce(&Shared) -> Result<Response, Failure>,
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
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
pub(crate) fn jobs(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Response, Failure> {
    limited(shared, headers, |s| search_jobs(s, body))
}

/// `POST /v1/companies/search`.
pub(crate) fn companies(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Failure> {
    limited(shared, headers, |s| search_companies(s, body))
}

/// `POST /v1/companies/technologies`.
pub(crate) fn technologies(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Failure> {
    limited(shared, headers, |s| technographics(s, body))
}

// ---------------------------------------------------------------------------------------------
// Criteria

/// A `discovered_at_*` bound: a date or a date-time.
#[derive(Debug, Clone, Copy)]
enum Bound {
    Day(NaiveDate),
    Time(DateTime<Utc>),
}

fn bound(name: &str, value: Option<&String>) -> Result<Option<Bound>, Failure> {
    let Some(raw) = value else {
        return Ok(None);
    };
    if let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return Ok(Some(Bound::Day(day)));
    }
    raw.parse::<types::Timestamp>()
        .map(|t| Some(Bound::Time(t.0)))
        .map_err(|_| {
            Failure::validation(format!(
                "`{name}` must be a date (YYYY-MM-DD) or a date-time, got `{}`",
                raw.chars().take(64).collect::<String>()
            ))
        })
}

fn lower_all(values: &[String]) -> Vec<String> {
    values.iter().map(|v| v.to_lowercase()).collect()
}

fn upper_all(values: &[String]) -> Vec<String> {
    values.iter().map(|v| v.trim().to_uppercase()).collect()
}

/// Whether `phrase` (lowercase) occurs in `text` (lowercase) as whole words.
pub(crate) fn contains_words(text: &str, phrase: &str) -> bool {
    let phrase = phrase.trim();
    if phrase.is_empty() {
        return false;
    }
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    text.match_indices(phrase).any(|(at, _)| {
        boundary(text[..at].chars().next_back())
            && boundary(text[at + phrase.len()..].chars().next())
    })
}

/// A domain, URL or e-mail address reduced to a bare lowercase host.
pub(crate) fn normalize_domain(value: &str) -> String {
    let mut v = value.trim().to_lowercase();
    if let Some((_, host)) = v.rsplit_once('@') {
        v = host.to_string();
    }
    for scheme in ["https://", "http://"] {
        if let Some(rest) = v.strip_prefix(scheme) {
            v = rest.to_string();
        }
    }
    let host = v.split(['/', '?', '#', ':']).next().unwrap_or("");
    host.strip_prefix("www.").unwrap_or(host).to_string()
}

/// A LinkedIn company URL or slug reduced to the lowercase slug.
pub(crate) fn normalize_linkedin(value: &str) -> String {
    let v = value.trim().to_lowercase();
    let tail = match v.find("linkedin.com/company/") {
        Some(at) => &v[at + "linkedin.com/company/".len()..],
        None => v.as_str(),
    };
    tail.trim_matches('/')
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_string()
}

/// The day `days` days before `today` (negative counts as 0), or the earliest date when that is
/// out of range.
fn days_before(today: NaiveDate, days: i64) -> NaiveDate {
    Days::try_days(days.max(0))
        .and_then(|d| today.checked_sub_signed(d))
        .unwrap_or(NaiveDate::MIN)
}

/// Refuses a value of an open enum that the document does not list, naming the field.
macro_rules! known {
    ($field:expr, $values:expr) => {
        if let Some(v) = $values.into_iter().find(|v| !v.is_known()) {
            return Err(Failure::validation(format!(
                "invalid value `{}` in `{}`",
                v.as_str().chars().take(64).collect::<String>(),
                $field
            )));
        }
    };
}

/// Job-level filters, from a job search body or a company search's `job_filters`.
#[derive(Debug, Default)]
pub(crate) struct JobCriteria {
    title_or: Vec<String>,
    title_not: Vec<String>,
    country_or: Vec<String>,
    country_not: Vec<String>,
    posted_max_age: Option<i64>,
    posted_gte: Option<NaiveDate>,
    posted_lte: Option<NaiveDate>,
    discovered_max_age: Option<i64>,
    discovered_min_age: Option<i64>,
    discovered_gte: Option<Bound>,
    discovered_lte: Option<Bound>,
    description_or: Vec<String>,
    description_not: Vec<String>,
    remote: Option<bool>,
    easy_apply: Option<bool>,
    id_or: Vec<i64>,
    id_not: Vec<i64>,
    seniority_or: Vec<types::Seniority>,
    min_salary: Option<f64>,
    max_salary: Option<f64>,
    tech_or: Vec<String>,
    tech_and: Vec<String>,
    tech_not: Vec<String>,
    employment_or: Vec<types::Commitment>,
    exists_or: Vec<types::JobSearchFiltersInputPropertyExistsAndItem>,
    exists_and: Vec<types::JobSearchFiltersInputPropertyExistsAndItem>,
}

/// Builds [`JobCriteria`] from any type with the job-level filter fields.
macro_rules! job_criteria {
    ($f:expr, $prefix:literal) => {{
        let f = $f;
        known!(concat!($prefix, "job_seniority_or"), &f.job_seniority_or);
        known!(
            concat!($prefix, "employment_statuses_or"),
            f.employment_statuses_or.iter().flatten()
        );
        JobCriteria {
            title_or: lower_all(&f.job_title_or),
            title_not: lower_all(&f.job_title_not),
            country_or: upper_all(&f.job_country_code_or),
            country_not: upper_all(&f.job_country_code_not),
            posted_max_age: f.posted_at_max_age_days,
            posted_gte: f.posted_at_gte,
            posted_lte: f.posted_at_lte,
            discovered_max_age: f.discovered_at_max_age_days,
            discovered_min_age: f.discovered_at_min_age_days,
            discovered_gte: bound("discovered_at_gte", f.discovered_at_gte.as_ref())?,
            discovered_lte: bound("discovered_at_lte", f.discovered_at_lte.as_ref())?,
            description_or: lower_all(&f.job_description_contains_or),
            description_not: lower_all(&f.job_description_contains_not),
            remote: f.remote,
            easy_apply: f.easy_apply,
            id_or: f.job_id_or.iter().chain(&f.job_ids).copied().collect(),
            id_not: f.job_id_not.clone(),
            seniority_or: f.job_seniority_or.clone(),
            min_salary: f.min_salary_usd,
            max_salary: f.max_salary_usd,
            tech_or: f.job_technology_slug_or.clone(),
            tech_and: f.job_technology_slug_and.clone(),
            tech_not: f.job_technology_slug_not.clone(),
            employment_or: f.employment_statuses_or.clone().unwrap_or_default(),
            exists_or: Vec::new(),
            exists_and: Vec::new(),
        }
    }};
}

impl JobCriteria {
    pub(crate) fn from_search(f: &types::JobSearchFiltersInput) -> Result<JobCriteria, Failure> {
        let mut c = job_criteria!(f, "");
        known!("property_exists_or", &f.property_exists_or);
        known!("property_exists_and", &f.property_exists_and);
        c.exists_or = f.property_exists_or.clone();
        c.exists_and = f.property_exists_and.clone();
        Ok(c)
    }

    fn from_job_filters(f: &types::JobFilters) -> Result<JobCriteria, Failure> {
        Ok(job_criteria!(f, "job_filters."))
    }

    pub(crate) fn matches(
        &self,
        job: &types::JobWithMatchingPhrasesResponseOutput,
        now: DateTime<Utc>,
    ) -> bool {
        let today = now.date_naive();
        let title = job.job_title.to_lowercase();
        if !self.title_or.is_empty() && !self.title_or.iter().any(|p| contains_words(&title, p)) {
            return false;
        }
        if self.title_not.iter().any(|p| contains_words(&title, p)) {
            return false;
        }
        let country = job.country_code.as_deref().unwrap_or("");
        if !self.country_or.is_empty() && !self.country_or.iter().any(|c| c == country) {
            return false;
        }
        if self.country_not.iter().any(|c| c == country) {
            return false;
        }
        if self
            .posted_max_age
            .is_some_and(|d| job.date_posted < days_before(today, d))
        {
            return false;
        }
        if self.posted_gte.is_some_and(|d| job.date_posted < d)
            || self.posted_lte.is_some_and(|d| job.date_posted > d)
        {
            return false;
        }
        let discovered = job.discovered_at.0;
        let discovered_day = discovered.date_naive();
        if self
            .discovered_max_age
            .is_some_and(|d| discovered_day < days_before(today, d))
            || self
                .discovered_min_age
                .is_some_and(|d| discovered_day > days_before(today, d))
        {
            return false;
        }
        match self.discovered_gte {
            Some(Bound::Day(d)) if discovered < midnight(d) => return false,
            Some(Bound::Time(t)) if discovered < t => return false,
            _ => {}
        }
        match self.discovered_lte {
            Some(Bound::Day(d)) if discovered_day > d => return false,
            Some(Bound::Time(t)) if discovered > t => return false,
            _ => {}
        }
        if !self.description_or.is_empty() || !self.description_not.is_empty() {
            let text = job.description.as_deref().unwrap_or("").to_lowercase();
            if !self.description_or.is_empty()
                && !self.description_or.iter().any(|p| contains_words(&text, p))
            {
                return false;
            }
            if self
                .description_not
                .iter()
                .any(|p| contains_words(&text, p))
            {
                return false;
            }
        }
        if self
            .remote
            .is_some_and(|r| job.remote.unwrap_or(false) != r)
            || self
                .easy_apply
                .is_some_and(|e| job.easy_apply.unwrap_or(false) != e)
        {
            return false;
        }
        if !self.id_or.is_empty() && !self.id_or.contains(&job.id) || self.id_not.contains(&job.id)
        {
            return false;
        }
        if !self.seniority_or.is_empty()
            && !job
                .seniority
                .as_ref()
                .is_some_and(|s| self.seniority_or.contains(s))
        {
            return false;
        }
        if self
            .min_salary
            .is_some_and(|m| !job.min_annual_salary_usd.is_some_and(|s| s >= m))
            || self
                .max_salary
                .is_some_and(|m| !job.max_annual_salary_usd.is_some_and(|s| s <= m))
        {
            return false;
        }
        let techs = &job.technology_slugs;
        if !self.tech_or.is_empty() && !self.tech_or.iter().any(|t| techs.contains(t))
            || !self.tech_and.iter().all(|t| techs.contains(t))
            || self.tech_not.iter().any(|t| techs.contains(t))
        {
            return false;
        }
        if !self.employment_or.is_empty()
            && !job
                .employment_statuses
                .iter()
                .any(|s| self.employment_or.contains(s))
        {
            return false;
        }
        let exists = |p: &types::JobSearchFiltersInputPropertyExistsAndItem| match p {
            types::JobSearchFiltersInputPropertyExistsAndItem::CompanyObjectDomain => {
                job.company_object.domain.is_some()
            }
            types::JobSearchFiltersInputPropertyExistsAndItem::CompanyObjectLinkedinUrl => {
                job.company_object.linkedin_url.is_some()
            }
            types::JobSearchFiltersInputPropertyExistsAndItem::FinalUrl => job.final_url.is_some(),
            types::JobSearchFiltersInputPropertyExistsAndItem::HiringTeam => {
                job.hiring_team.as_ref().is_some_and(|t| !t.is_empty())
            }
            types::JobSearchFiltersInputPropertyExistsAndItem::EmploymentStatuses => {
                !job.employment_statuses.is_empty()
            }
            _ => true,
        };
        (self.exists_or.is_empty() || self.exists_or.iter().any(exists))
            && self.exists_and.iter().all(exists)
    }
}

/// Company-level filters, from a job search or a company search body.
#[derive(Debug, Default)]
pub(crate) struct CompanyCriteria {
    name_or: Vec<String>,
    name_ci_or: Vec<String>,
    name_not: Vec<String>,
    name_partial_or: Vec<String>,
    name_partial_not: Vec<String>,
    id_or: Vec<String>,
    domain_or: Vec<String>,
    domain_not: Vec<String>,
    linkedin_or: Vec<String>,
    country_or: Vec<String>,
    country_not: Vec<String>,
    min_employees: Option<i64>,
    max_employees: Option<i64>,
    min_employees_or_null: Option<i64>,
    max_employees_or_null: Option<i64>,
    min_revenue: Option<i64>,
    max_revenue: Option<i64>,
    min_funding: Option<i64>,
    max_funding: Option<i64>,
    funding_stage_or: Vec<String>,
    last_round_gte: Option<NaiveDate>,
    last_round_lte: Option<NaiveDate>,
    industry_or: Vec<i64>,
    industry_not: Vec<i64>,
    tech_or: Vec<String>,
    tech_and: Vec<String>,
    tech_not: Vec<String>,
    only_yc: bool,
    company_type: Option<types::CompanySearchFiltersInputCompanyType>,
    tags_or: Vec<String>,
    investors_or: Vec<String>,
    investors_partial_or: Vec<String>,
    exists_or: Vec<types::CompanySearchFiltersInputPropertyExistsAndItem>,
    exists_and: Vec<types::CompanySearchFiltersInputPropertyExistsAndItem>,
}

/// Builds [`CompanyCriteria`] from any type with the company-level filter fields.
macro_rules! company_criteria {
    ($f:expr) => {{
        let f = $f;
        known!("company_type", &f.company_type);
        known!("property_exists_or", &f.property_exists_or);
        known!("property_exists_and", &f.property_exists_and);
        CompanyCriteria {
            name_or: f.company_name_or.clone(),
            name_ci_or: lower_all(&f.company_name_case_insensitive_or),
            name_not: f.company_name_not.clone(),
            name_partial_or: lower_all(&f.company_name_partial_match_or),
            name_partial_not: lower_all(&f.company_name_partial_match_not),
            id_or: f.company_id_or.clone(),
            domain_or: f
                .company_domain_or
                .iter()
                .map(|d| normalize_domain(d))
                .collect(),
            domain_not: f
                .company_domain_not
                .iter()
                .map(|d| normalize_domain(d))
                .collect(),
            linkedin_or: f
                .company_linkedin_url_or
                .iter()
                .map(|d| normalize_linkedin(d))
                .collect(),
            country_or: upper_all(&f.company_country_code_or),
            country_not: upper_all(&f.company_country_code_not),
            min_employees: f.min_employee_count,
            max_employees: f.max_employee_count,
            min_employees_or_null: f.min_employee_count_or_null,
            max_employees_or_null: f.max_employee_count_or_null,
            min_revenue: f.min_revenue_usd,
            max_revenue: f.max_revenue_usd,
            min_funding: f.min_funding_usd,
            max_funding: f.max_funding_usd,
            funding_stage_or: f.funding_stage_or.clone(),
            last_round_gte: f.last_funding_round_date_gte,
            last_round_lte: f.last_funding_round_date_lte,
            industry_or: f.industry_id_or.clone(),
            industry_not: f.industry_id_not.clone(),
            tech_or: f.company_technology_slug_or.clone(),
            tech_and: f.company_technology_slug_and.clone(),
            tech_not: f.company_technology_slug_not.clone(),
            only_yc: f.only_yc_companies.unwrap_or(false),
            company_type: f.company_type.clone(),
            tags_or: lower_all(&f.company_tags_or),
            investors_or: f.company_investors_or.clone(),
            investors_partial_or: lower_all(&f.company_investors_partial_match_or),
            exists_or: Vec::new(),
            exists_and: Vec::new(),
        }
    }};
}

impl CompanyCriteria {
    pub(crate) fn from_jobs(f: &types::JobSearchFiltersInput) -> Result<CompanyCriteria, Failure> {
        Ok(company_criteria!(f))
    }

    fn from_companies(f: &types::CompanySearchFiltersInput) -> Result<CompanyCriteria, Failure> {
        let mut c = company_criteria!(f);
        c.exists_or = f.property_exists_or.clone();
        c.exists_and = f.property_exists_and.clone();
        Ok(c)
    }

    /// Whether the filters name companies (where preview mode is not available).
    fn identifies(&self) -> bool {
        !(self.name_or.is_empty()
            && self.name_ci_or.is_empty()
            && self.id_or.is_empty()
            && self.domain_or.is_empty()
            && self.linkedin_or.is_empty())
    }

    pub(crate) fn matches(&self, c: &types::CompanyWithTechnologySlugs) -> bool {
        // Company identifiers are OR-ed together, as TheirStack documents.
        if self.identifies() {
            let lower = c.name.to_lowercase();
            let domain = c.domain.as_deref().map(normalize_domain);
            let linkedin = c.linkedin_url.as_deref().map(normalize_linkedin);
            let named = self.name_or.contains(&c.name)
                || self.name_ci_or.contains(&lower)
                || self.id_or.contains(&c.id)
                || domain.as_ref().is_some_and(|d| self.domain_or.contains(d))
                || linkedin
                    .as_ref()
                    .is_some_and(|l| self.linkedin_or.contains(l));
            if !named {
                return false;
            }
        }
        if self.name_not.contains(&c.name) {
            return false;
        }
        let lower = c.name.to_lowercase();
        if !self.name_partial_or.is_empty()
            && !self
                .name_partial_or
                .iter()
                .any(|p| lower.contains(p.as_str()))
            || self
                .name_partial_not
                .iter()
                .any(|p| lower.contains(p.as_str()))
        {
            return false;
        }
        if let Some(domain) = c.domain.as_deref().map(normalize_domain)
            && self.domain_not.contains(&domain)
        {
            return false;
        }
        let country = c.country_code.as_deref().unwrap_or("");
        if !self.country_or.is_empty() && !self.country_or.iter().any(|x| x == country)
            || self.country_not.iter().any(|x| x == country)
        {
            return false;
        }
        let employees = c.employee_count;
        let below = |min: Option<i64>, value: Option<i64>, keep_null: bool| {
            min.is_some_and(|m| value.map_or(!keep_null, |v| v < m))
        };
        let above = |max: Option<i64>, value: Option<i64>, keep_null: bool| {
            max.is_some_and(|m| value.map_or(!keep_null, |v| v > m))
        };
        let revenue = c.annual_revenue_usd.map(|r| r as i64);
        if below(self.min_employees, employees, false)
            || above(self.max_employees, employees, false)
            || below(self.min_employees_or_null, employees, true)
            || above(self.max_employees_or_null, employees, true)
            || below(self.min_revenue, revenue, false)
            || above(self.max_revenue, revenue, false)
            || below(self.min_funding, c.total_funding_usd, false)
            || above(self.max_funding, c.total_funding_usd, false)
        {
            return false;
        }
        if !self.funding_stage_or.is_empty()
            && !c
                .funding_stage
                .as_ref()
                .is_some_and(|s| self.funding_stage_or.iter().any(|x| *x == s.to_string()))
        {
            return false;
        }
        if self
            .last_round_gte
            .is_some_and(|d| c.last_funding_round_date.is_none_or(|r| r < d))
            || self
                .last_round_lte
                .is_some_and(|d| c.last_funding_round_date.is_none_or(|r| r > d))
        {
            return false;
        }
        let industry = c.industry_id.unwrap_or(-1);
        if !self.industry_or.is_empty() && !self.industry_or.contains(&industry)
            || self.industry_not.contains(&industry)
        {
            return false;
        }
        let empty = Vec::new();
        let techs = c.technology_slugs.as_ref().unwrap_or(&empty);
        if !self.tech_or.is_empty() && !self.tech_or.iter().any(|t| techs.contains(t))
            || !self.tech_and.iter().all(|t| techs.contains(t))
            || self.tech_not.iter().any(|t| techs.contains(t))
        {
            return false;
        }
        if self.only_yc && c.yc_batch.is_none() {
            return false;
        }
        let agency = c.is_recruiting_agency.unwrap_or(false);
        match self.company_type {
            Some(types::CompanySearchFiltersInputCompanyType::RecruitingAgency) if !agency => {
                return false;
            }
            Some(types::CompanySearchFiltersInputCompanyType::DirectEmployer) if agency => {
                return false;
            }
            _ => {}
        }
        let keywords = c.company_keywords.as_ref().unwrap_or(&empty);
        if !self.tags_or.is_empty()
            && !keywords
                .iter()
                .any(|k| self.tags_or.contains(&k.to_lowercase()))
        {
            return false;
        }
        let investors = c.investors.as_ref().unwrap_or(&empty);
        if !self.investors_or.is_empty() && !investors.iter().any(|i| self.investors_or.contains(i))
            || !self.investors_partial_or.is_empty()
                && !investors.iter().any(|i| {
                    let i = i.to_lowercase();
                    self.investors_partial_or
                        .iter()
                        .any(|p| i.contains(p.as_str()))
                })
        {
            return false;
        }
        let exists = |p: &types::CompanySearchFiltersInputPropertyExistsAndItem| match p {
            types::CompanySearchFiltersInputPropertyExistsAndItem::Domain => c.domain.is_some(),
            types::CompanySearchFiltersInputPropertyExistsAndItem::LinkedinUrl => {
                c.linkedin_url.is_some()
            }
            _ => true,
        };
        (self.exists_or.is_empty() || self.exists_or.iter().any(exists))
            && self.exists_and.iter().all(exists)
    }
}

/// Technology filters of `tech_filters` and of technographics.
#[derive(Debug, Default)]
struct TechCriteria {
    slug_or: Vec<String>,
    category_or: Vec<String>,
    parent_or: Vec<String>,
    confidence_or: Vec<types::KeywordFoundConfidence>,
    min_jobs: Option<i64>,
    max_jobs: Option<i64>,
    max_rank: Option<i64>,
    min_share: Option<f64>,
    first_gte: Option<NaiveDate>,
    first_lte: Option<NaiveDate>,
    last_gte: Option<NaiveDate>,
    last_lte: Option<NaiveDate>,
}

macro_rules! tech_criteria {
    ($f:expr, $prefix:literal) => {{
        let f = $f;
        known!(concat!($prefix, "confidence_or"), &f.confidence_or);
        TechCriteria {
            slug_or: f.technology_slug_or.clone(),
            category_or: f.technology_category_slug_or.clone(),
            parent_or: f.technology_parent_category_slug_or.clone(),
            confidence_or: f.confidence_or.clone(),
            min_jobs: f.min_jobs,
            max_jobs: f.max_jobs,
            max_rank: f.max_rank,
            min_share: f.min_relative_occurrence,
            first_gte: f.first_date_found_gte,
            first_lte: f.first_date_found_lte,
            last_gte: f.last_date_found_gte,
            last_lte: f.last_date_found_lte,
        }
    }};
}

impl TechCriteria {
    fn matches(&self, k: &types::KeywordFound) -> bool {
        let t = &k.technology;
        let any = |list: &[String], value: Option<&str>| {
            list.is_empty() || value.is_some_and(|v| list.iter().any(|x| x == v))
        };
        any(&self.slug_or, Some(&t.slug))
            && any(&self.category_or, t.category_slug.as_deref())
            && any(&self.parent_or, t.parent_category_slug.as_deref())
            && (self.confidence_or.is_empty() || self.confidence_or.contains(&k.confidence))
            && self.min_jobs.is_none_or(|m| k.jobs >= m)
            && self.max_jobs.is_none_or(|m| k.jobs <= m)
            && self.max_rank.is_none_or(|m| k.rank_within_category <= m)
            && self
                .min_share
                .is_none_or(|m| k.relative_occurrence_within_category >= m)
            && self.first_gte.is_none_or(|d| k.first_date_found >= d)
            && self.first_lte.is_none_or(|d| k.first_date_found <= d)
            && self.last_gte.is_none_or(|d| k.last_date_found >= d)
            && self.last_lte.is_none_or(|d| k.last_date_found <= d)
    }
}

// ---------------------------------------------------------------------------------------------
// Paging, credits, preview

/// The rows of a page: from `offset` when it is above 0, else from `page × limit`.
/// The rows one search request asks for, read the way TheirStack's pagination guide describes
/// it: `offset` + `limit`, or `page` + `limit`, never both (a 422, as a strict server answers).
fn window(
    len: usize,
    page: Option<u64>,
    offset: Option<u64>,
    limit: u64,
) -> Result<std::ops::Range<usize>, Failure> {
    let start = match (page, offset) {
        (Some(page), Some(offset)) => {
            return Err(Failure::validation(format!(
                "use either page or offset, not both (page={page}, offset={offset})"
            )));
        }
        (Some(page), None) => page.saturating_mul(limit),
        (None, offset) => offset.unwrap_or(0),
    };
    let start = usize::try_from(start).unwrap_or(usize::MAX).min(len);
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(len);
    Ok(start..end)
}

fn check_limit(limit: u64) -> Result<(), Failure> {
    if limit > MAX_LIMIT {
        return Err(Failure::validation(format!(
            "`limit` must be at most {MAX_LIMIT}, got {limit}"
        )));
    }
    Ok(())
}

fn refuse_preview_with_identifiers(blur: bool, criteria: &CompanyCriteria) -> Result<(), Failure> {
    if blur && criteria.identifies() {
        return Err(Failure::validation(
            "preview mode (blur_company_data) is not available with company identifier filters \
             (company_name_or, company_name_case_insensitive_or, company_domain_or, \
             company_linkedin_url_or, company_id_or)",
        ));
    }
    Ok(())
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

fn mask() -> String {
    BLUR_MASK.to_string()
}

fn blur_option(value: &mut Option<String>) {
    if value.is_some() {
        *value = Some(mask());
    }
}

/// Masks a job as preview mode does.
pub(crate) fn blur_job(job: &mut types::JobWithMatchingPhrasesResponseOutput) {
    blur_option(&mut job.description);
    job.url.mask(BLUR_MASK);
    blur_option(&mut job.final_url);
    job.source_url = mask();
    job.company = mask();
    blur_option(&mut job.company_domain);
    let c = &mut job.company_object;
    c.name = mask();
    blur_option(&mut c.domain);
    blur_option(&mut c.linkedin_url);
    blur_option(&mut c.linkedin_id);
    blur_option(&mut c.url);
    blur_option(&mut c.long_description);
    blur_option(&mut c.seo_description);
    c.possible_domains.iter_mut().for_each(|d| *d = mask());
    c.has_blurred_data = true;
    job.has_blurred_data = true;
}

fn blur_company(c: &mut types::CompanyWithTechnologiesAndJobsOutput) {
    c.name = mask();
    blur_option(&mut c.logo);
    blur_option(&mut c.url);
    blur_option(&mut c.domain);
    blur_option(&mut c.long_description);
    blur_option(&mut c.seo_description);
    blur_option(&mut c.linkedin_url);
    blur_option(&mut c.publicly_traded_symbol);
    blur_option(&mut c.apollo_id);
    blur_option(&mut c.linkedin_id);
    for job in &mut c.jobs_found {
        job.company = mask();
        blur_option(&mut job.url);
        job.has_blurred_data = true;
    }
    c.has_blurred_data = true;
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
    let response = types::JobSearchResponse {
        data: rows,
        metadata: types::Metadata {
            total_results: if totals { count(matched.len()) } else { None },
            total_companies: if totals { count(companies.len()) } else { None },
            truncated_results: count(on_page - paid),
            truncated_companies: Some(0),
        },
    };
    Ok(json_response(StatusCode::OK, &response))
}

/// Copies a company record into a company search row.
fn company_row(
    c: &types::CompanyWithTechnologySlugs,
    jobs_found: Vec<types::JobBaseOut>,
    technologies_found: Vec<types::KeywordFound>,
) -> types::CompanyWithTechnologiesAndJobsOutput {
    copy_company!(
        c,
        CompanyWithTechnologiesAndJobsOutput {
            jobs_found,
            technologies_found,
        }
    )
}

fn job_base(job: &types::JobWithMatchingPhrasesResponseOutput) -> types::JobBaseOut {
    types::JobBaseOut {
        company: job.company.clone(),
        date_posted: Some(job.date_posted),
        has_blurred_data: false,
        id: Some(job.id),
        job_title: Some(job.job_title.clone()),
        url: job.url.to_option(),
    }
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
        Some(f) => Some(tech_criteria!(f, "tech_filters.")),
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
                .collect();
            let mut row = company_row(&h.company.record, jobs_found, h.techs.clone());
            if with_jobs {
                row.num_jobs_found = count(h.jobs.len());
            }
            if blur {
                blur_company(&mut row);
            }
            row
        })
        .collect();
    let totals = filters.include_total_results == Some(true);
    let response = types::CompanySearchResponse {
        data: rows,
        metadata: types::Metadata {
            total_results: if totals { count(hits.len()) } else { None },
            total_companies: if totals { count(hits.len()) } else { None },
            truncated_results: Some(0),
            truncated_companies: count(on_page - paid),
        },
    };
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
    let criteria = tech_criteria!(&filters, "");
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
    let response = types::CompanyTechDetailsResponse {
        data: page,
        metadata: types::Metadata {
            total_results: if totals { count(rows.len()) } else { None },
            total_companies: if totals {
                count(usize::from(!rows.is_empty()))
            } else {
                None
            },
            truncated_results: Some(0),
            truncated_companies: Some(0),
        },
    };
    Ok(json_response(StatusCode::OK, &response))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_whole_words_only() {
        assert!(contains_words("senior data engineer", "data engineer"));
        assert!(contains_words("data engineer", "data engineer"));
        assert!(!contains_words("big data engineering", "data engineer"));
        assert!(!contains_words("metadata engineer", "data engineer"));
        assert!(!contains_words("anything", " "));
    }

    #[test]
    fn identifiers_are_normalized() {
        assert_eq!(
            normalize_domain("https://www.Acme.example/about"),
            "acme.example"
        );
        assert_eq!(normalize_domain("jobs@acme.example"), "acme.example");
        assert_eq!(normalize_domain("acme.example"), "acme.example");
        assert_eq!(
            normalize_linkedin("https://www.linkedin.com/company/acme-labs/"),
            "acme-labs"
        );
        assert_eq!(normalize_linkedin("acme-labs"), "acme-labs");
    }

    #[test]
    fn huge_ages_do_not_overflow() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(days_before(today, i64::MAX), NaiveDate::MIN);
        assert_eq!(days_before(today, -5), today);
        assert_eq!(
            days_before(today, 1),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
    }

    #[test]
    fn pages_start_at_offset_else_page_times_limit() {
        assert_eq!(window(100, Some(2), None, 10).unwrap(), 20..30);
        assert_eq!(window(100, None, Some(5), 10).unwrap(), 5..15);
        assert_eq!(window(100, None, Some(95), 10).unwrap(), 95..100);
        assert_eq!(window(100, Some(u64::MAX), None, 500).unwrap(), 100..100);
        assert_eq!(window(0, None, None, 25).unwrap(), 0..0);
        // Two paging styles at once are refused, as a strict server does.
        assert!(window(100, Some(0), Some(0), 10).is_err());
        assert!(window(100, Some(1), Some(10), 10).is_err());
    }
}
