//! Job-level criteria: the filters of a job search body or of a company search's `job_filters`,
//! matched against a job record and when it closed.

use super::{Bound, bound, contains_words, country_codes, days_before, known, lower_all};
use crate::data::midnight;
use crate::errors::Failure;
use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};
use theirstack::types;

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
    is_closed: Option<bool>,
    closed_gte: Option<NaiveDate>,
    closed_lte: Option<NaiveDate>,
    /// The precision of the `discovered_at_*` date-time comparisons (`None`: exact).
    precision: Option<Duration>,
}

/// A moment cut down to a multiple of `precision` since the epoch (itself when that fails).
fn cut(t: DateTime<Utc>, precision: Option<Duration>) -> DateTime<Utc> {
    precision
        .and_then(|p| t.duration_trunc(p).ok())
        .unwrap_or(t)
}

/// Reads the filters the July 2026 documents added to the job filters: closing, and the
/// `job_keyword_*` names of the `job_technology_*` filters (both lists count). The cfg names are
/// literals, one set per filter type.
macro_rules! closing_and_keywords {
    ($c:expr, $f:expr, $closed:literal, $gte:literal, $lte:literal, $or:literal, $and:literal, $not:literal) => {{
        #[allow(unused_variables)]
        let (c, f) = ($c, $f);
        #[cfg(theirstack_has = $closed)]
        {
            c.is_closed = f.is_closed;
        }
        #[cfg(theirstack_has = $gte)]
        {
            c.closed_gte = f.closed_at_gte;
        }
        #[cfg(theirstack_has = $lte)]
        {
            c.closed_lte = f.closed_at_lte;
        }
        #[cfg(theirstack_has = $or)]
        c.tech_or.extend(f.job_keyword_slug_or.iter().cloned());
        #[cfg(theirstack_has = $and)]
        c.tech_and.extend(f.job_keyword_slug_and.iter().cloned());
        #[cfg(theirstack_has = $not)]
        c.tech_not.extend(f.job_keyword_slug_not.iter().cloned());
    }};
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
            country_or: country_codes(
                concat!($prefix, "job_country_code_or"),
                &f.job_country_code_or,
            )?,
            country_not: country_codes(
                concat!($prefix, "job_country_code_not"),
                &f.job_country_code_not,
            )?,
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
            is_closed: None,
            closed_gte: None,
            closed_lte: None,
            precision: None,
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
        closing_and_keywords!(
            &mut c,
            f,
            "JobSearchFiltersInput.is_closed",
            "JobSearchFiltersInput.closed_at_gte",
            "JobSearchFiltersInput.closed_at_lte",
            "JobSearchFiltersInput.job_keyword_slug_or",
            "JobSearchFiltersInput.job_keyword_slug_and",
            "JobSearchFiltersInput.job_keyword_slug_not"
        );
        Ok(c)
    }

    pub(crate) fn from_job_filters(f: &types::JobFilters) -> Result<JobCriteria, Failure> {
        let mut c = job_criteria!(f, "job_filters.");
        closing_and_keywords!(
            &mut c,
            f,
            "JobFilters.is_closed",
            "JobFilters.closed_at_gte",
            "JobFilters.closed_at_lte",
            "JobFilters.job_keyword_slug_or",
            "JobFilters.job_keyword_slug_and",
            "JobFilters.job_keyword_slug_not"
        );
        Ok(c)
    }

    /// Compares the `discovered_at_*` date-times at `precision` (`None`: exactly).
    pub(crate) fn with_precision(mut self, precision: Option<Duration>) -> JobCriteria {
        self.precision = precision;
        self
    }

    /// Whether a job, closed at `closed_at` (`None`: open), passes the filters at `now`.
    pub(crate) fn matches(
        &self,
        job: &types::JobWithMatchingPhrasesResponseOutput,
        closed_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> bool {
        if self.is_closed.is_some_and(|c| c != closed_at.is_some()) {
            return false;
        }
        let closed_day = closed_at.map(|t| t.date_naive());
        if self
            .closed_gte
            .is_some_and(|d| closed_day.is_none_or(|c| c < d))
            || self
                .closed_lte
                .is_some_and(|d| closed_day.is_none_or(|c| c > d))
        {
            return false;
        }
        let today = now.date_naive();
        if !self.title_or.is_empty() || !self.title_not.is_empty() {
            let title = job.job_title.to_lowercase();
            if !self.title_or.is_empty() && !self.title_or.iter().any(|p| contains_words(&title, p))
            {
                return false;
            }
            if self.title_not.iter().any(|p| contains_words(&title, p)) {
                return false;
            }
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
        let at = |t: DateTime<Utc>| cut(t, self.precision);
        match self.discovered_gte {
            Some(Bound::Day(d)) if discovered < midnight(d) => return false,
            Some(Bound::Time(t)) if at(discovered) < at(t) => return false,
            _ => {}
        }
        match self.discovered_lte {
            Some(Bound::Day(d)) if discovered_day > d => return false,
            Some(Bound::Time(t)) if at(discovered) > at(t) => return false,
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
