//! What `technographics` and `buying-intents` share: the flags that name one company (each
//! refused alongside `--companies`), and how they become a `TechDetailsFilters` body.

use super::read_body;
use crate::Failure;
use clap::Args;
use std::path::PathBuf;
use theirstack::types::TechDetailsFilters;

/// The one company to look up.
#[derive(Debug, Args)]
#[command(next_help_heading = "Lookup")]
pub struct CompanyFlags {
    /// Company domain.
    #[arg(long, value_name = "DOMAIN", conflicts_with = "companies")]
    pub company_domain: Option<String>,
    /// Company name.
    #[arg(long, value_name = "NAME", conflicts_with = "companies")]
    pub company_name: Option<String>,
    /// Company LinkedIn URL.
    #[arg(long, value_name = "URL", conflicts_with = "companies")]
    pub company_linkedin_url: Option<String>,
    /// TheirStack company id.
    #[arg(long, value_name = "ID", conflicts_with = "companies")]
    pub company_id: Option<String>,
    /// A full JSON request body, from a file or `-` for stdin; flags override its fields.
    #[arg(long, value_name = "FILE|-", conflicts_with = "companies")]
    pub filters: Option<PathBuf>,
}

impl CompanyFlags {
    /// The request body naming the company (and asking the first page for the total, by which
    /// the guard prices the lookup); the command adds its row filters.
    pub fn body(&self) -> Result<TechDetailsFilters, Failure> {
        let mut f: TechDetailsFilters = match &self.filters {
            Some(path) => read_body(path, "TechDetailsFilters").map_err(Failure::Usage)?,
            None => TechDetailsFilters::default(),
        };
        for (field, value) in [
            (&mut f.company_domain, &self.company_domain),
            (&mut f.company_name, &self.company_name),
            (&mut f.company_linkedin_url, &self.company_linkedin_url),
            (&mut f.company_id, &self.company_id),
        ] {
            if value.is_some() {
                *field = value.clone();
            }
        }
        if f.company_domain.is_none()
            && f.company_name.is_none()
            && f.company_linkedin_url.is_none()
            && f.company_id.is_none()
        {
            return Err(Failure::Usage(
                "name the company: --company-domain, --company-name, --company-linkedin-url or --company-id, or many with --companies FILE".into(),
            ));
        }
        f.include_total_results = Some(true);
        Ok(f)
    }
}
