//! Company-level criteria: the company filters of a job search or company search body, matched
//! against a company record.

use super::{country_codes, known, lower_all, normalize_domain, normalize_linkedin};
use crate::errors::Failure;
use chrono::NaiveDate;
use theirstack::types;

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
            country_or: country_codes("company_country_code_or", &f.company_country_code_or)?,
            country_not: country_codes("company_country_code_not", &f.company_country_code_not)?,
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

    pub(crate) fn from_companies(
        f: &types::CompanySearchFiltersInput,
    ) -> Result<CompanyCriteria, Failure> {
        let mut c = company_criteria!(f);
        c.exists_or = f.property_exists_or.clone();
        c.exists_and = f.property_exists_and.clone();
        Ok(c)
    }

    /// Whether the filters name companies (where preview mode is not available).
    pub(crate) fn identifies(&self) -> bool {
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
        if !self.name_partial_or.is_empty() || !self.name_partial_not.is_empty() {
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
        }
        if !self.domain_not.is_empty()
            && let Some(domain) = c.domain.as_deref().map(normalize_domain)
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
