//! `theirstack jobs`: job search (1 credit per job) and its free count, with the filter flags
//! and how they become a `JobSearchFilters` body.

use super::{country_codes, extend, read_body};
use crate::output::emit;
use crate::pull::{configure, pull};
use crate::{Failure, Global, Outcome};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use theirstack::Client;
use theirstack::types::{self, JobSearchFiltersInput};

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Pull matching jobs.
    #[cfg(theirstack_has = "op:search_jobs_v1")]
    Search(JobFilterArgs),
    /// Count matching jobs for free (preview mode).
    #[cfg(theirstack_has = "op:search_jobs_v1")]
    Count(JobFilterArgs),
}

/// Job search filters.
#[derive(Debug, Args)]
#[command(next_help_heading = "Job filters")]
pub struct JobFilterArgs {
    /// Job title words (any of; repeatable).
    #[arg(long = "title", value_name = "TEXT")]
    pub titles: Vec<String>,
    /// Exclude job titles with these words (repeatable).
    #[arg(long = "not-title", value_name = "TEXT")]
    pub not_titles: Vec<String>,
    /// Job country, ISO 3166-1 alpha-2 such as US (any of; repeatable).
    #[arg(long = "country", value_name = "CODE")]
    pub countries: Vec<String>,
    /// Posted within this many days.
    #[arg(long, value_name = "DAYS")]
    pub max_age_days: Option<i64>,
    /// Company domain (any of; repeatable).
    #[arg(long = "company-domain", value_name = "DOMAIN")]
    pub company_domains: Vec<String>,
    /// Technology slug mentioned in the job (any of; repeatable).
    #[arg(long = "tech", value_name = "SLUG")]
    pub techs: Vec<String>,
    /// Remote jobs only.
    #[arg(long)]
    pub remote: bool,
    /// Seniority (any of; repeatable): c_level, staff, senior, junior, mid_level.
    #[arg(long = "seniority", value_name = "LEVEL")]
    pub seniorities: Vec<String>,
    /// Discovered by TheirStack on or after this date or UTC date-time.
    #[arg(long, value_name = "DATE")]
    pub discovered_after: Option<String>,
    /// Preview mode: blurred company data, no credits spent.
    #[arg(long)]
    pub preview: bool,
    /// A full JSON request body, from a file or `-` for stdin; flags override its fields.
    #[arg(long, value_name = "FILE|-")]
    pub filters: Option<PathBuf>,
}

impl JobFilterArgs {
    /// The request body these arguments describe.
    pub fn body(&self) -> Result<JobSearchFiltersInput, String> {
        let mut f: JobSearchFiltersInput = match &self.filters {
            Some(path) => read_body(path, "JobSearchFilters-Input")?,
            None => JobSearchFiltersInput::default(),
        };
        extend(&mut f.job_title_or, &self.titles);
        extend(&mut f.job_title_not, &self.not_titles);
        extend(&mut f.job_country_code_or, &country_codes(&self.countries)?);
        extend(&mut f.company_domain_or, &self.company_domains);
        extend(&mut f.job_technology_slug_or, &self.techs);
        for level in &self.seniorities {
            let value = types::Seniority::from(level.as_str());
            if !value.is_known() {
                return Err(format!(
                    "unknown seniority `{level}`: expected one of {}",
                    types::Seniority::VALUES.join(", ")
                ));
            }
            f.job_seniority_or.push(value);
        }
        if self.max_age_days.is_some() {
            f.posted_at_max_age_days = self.max_age_days;
        }
        if self.remote {
            f.remote = Some(true);
        }
        if let Some(after) = &self.discovered_after {
            f.discovered_at_gte = Some(after.clone());
        }
        if self.preview {
            f.blur_company_data = Some(true);
        }
        Ok(f)
    }
}

pub async fn run(client: &Client, global: &Global, command: JobsCommand) -> Outcome {
    match command {
        #[cfg(theirstack_has = "op:search_jobs_v1")]
        JobsCommand::Search(a) => {
            let filters = a.body().map_err(Failure::Usage)?;
            require_job_filter(&filters)?;
            pull(configure(client.job_search(filters), global), global).await
        }
        #[cfg(theirstack_has = "op:search_jobs_v1")]
        JobsCommand::Count(a) => {
            let filters = a.body().map_err(Failure::Usage)?;
            require_job_filter(&filters)?;
            let count = client.count_jobs(&filters).await?;
            emit(global, &serde_json::json!({ "total_results": count }))
        }
    }
}

/// Job search needs one of the filters TheirStack requires; say so before spending a request.
fn require_job_filter(f: &types::JobSearchFiltersInput) -> Outcome {
    theirstack::filters::check_job_search(f).map_err(|e| {
        Failure::Usage(format!(
            "{e} (--max-age-days and --company-domain set two of them)"
        ))
    })
}
