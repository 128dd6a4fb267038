//! `theirstack companies`: company search (3 credits per company) and its free count, with the
//! filter flags and how they become a `CompanySearchFilters` body.

use super::{country_codes, extend, read_body};
use crate::output::emit;
use crate::pull::{configure, pull};
use crate::{Failure, Global, Outcome};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use theirstack::Client;
use theirstack::types::CompanySearchFiltersInput;

#[derive(Debug, Subcommand)]
pub enum CompaniesCommand {
    /// Pull matching companies.
    #[cfg(theirstack_has = "op:search_companies_v1")]
    Search(CompanyFilterArgs),
    /// Count matching companies for free (preview mode).
    #[cfg(theirstack_has = "op:search_companies_v1")]
    Count(CompanyFilterArgs),
}

/// Company search filters.
#[derive(Debug, Args)]
#[command(next_help_heading = "Company filters")]
pub struct CompanyFilterArgs {
    /// Technology slug the company uses (any of; repeatable).
    #[arg(long = "tech", value_name = "SLUG")]
    pub techs: Vec<String>,
    /// Headquarters country, ISO 3166-1 alpha-2 such as US (any of; repeatable).
    #[arg(long = "country", value_name = "CODE")]
    pub countries: Vec<String>,
    /// Company domain (any of; repeatable).
    #[arg(long = "domain", value_name = "DOMAIN")]
    pub domains: Vec<String>,
    /// Exact company name (any of; repeatable).
    #[arg(long = "name", value_name = "NAME")]
    pub names: Vec<String>,
    /// Industry id (any of; repeatable; see `catalog industries`).
    #[arg(long = "industry-id", value_name = "ID")]
    pub industry_ids: Vec<i64>,
    /// At least this many employees.
    #[arg(long, value_name = "N")]
    pub min_employees: Option<i64>,
    /// At most this many employees.
    #[arg(long, value_name = "N")]
    pub max_employees: Option<i64>,
    /// Companies hiring for job titles with these words (any of; repeatable).
    #[arg(long = "job-title", value_name = "TEXT")]
    pub job_titles: Vec<String>,
    /// Preview mode: blurred company data, no credits spent.
    #[arg(long)]
    pub preview: bool,
    /// A full JSON request body, from a file or `-` for stdin; flags override its fields.
    #[arg(long, value_name = "FILE|-")]
    pub filters: Option<PathBuf>,
}

impl CompanyFilterArgs {
    /// The request body these arguments describe.
    pub fn body(&self) -> Result<CompanySearchFiltersInput, String> {
        let mut f: CompanySearchFiltersInput = match &self.filters {
            Some(path) => read_body(path, "CompanySearchFilters-Input")?,
            None => CompanySearchFiltersInput::default(),
        };
        extend(&mut f.company_technology_slug_or, &self.techs);
        extend(
            &mut f.company_country_code_or,
            &country_codes(&self.countries)?,
        );
        extend(&mut f.company_domain_or, &self.domains);
        extend(&mut f.company_name_or, &self.names);
        extend(&mut f.industry_id_or, &self.industry_ids);
        if self.min_employees.is_some() {
            f.min_employee_count = self.min_employees;
        }
        if self.max_employees.is_some() {
            f.max_employee_count = self.max_employees;
        }
        if !self.job_titles.is_empty() {
            let mut jobs = f.job_filters.take().unwrap_or_default();
            extend(&mut jobs.job_title_or, &self.job_titles);
            f.job_filters = Some(jobs);
        }
        if self.preview {
            f.blur_company_data = Some(true);
        }
        Ok(f)
    }
}

pub async fn run(client: &Client, global: &Global, command: CompaniesCommand) -> Outcome {
    match command {
        #[cfg(theirstack_has = "op:search_companies_v1")]
        CompaniesCommand::Search(a) => {
            let filters = a.body().map_err(Failure::Usage)?;
            pull(configure(client.company_search(filters), global), global).await
        }
        #[cfg(theirstack_has = "op:search_companies_v1")]
        CompaniesCommand::Count(a) => {
            let filters = a.body().map_err(Failure::Usage)?;
            let count = client.count_companies(&filters).await?;
            emit(global, &serde_json::json!({ "total_results": count }))
        }
    }
}
