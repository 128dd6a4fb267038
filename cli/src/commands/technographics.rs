//! `theirstack technographics`: the technologies one company uses (3 credits per lookup), with
//! the flags that name the company and how they become a `TechDetailsFilters` body.

use super::{extend, read_body};
use crate::pull::{configure, pull};
use crate::{Failure, Global, Outcome};
use clap::Args;
use std::path::PathBuf;
use theirstack::Client;
use theirstack::types::TechDetailsFilters;

/// Technographics lookup.
#[derive(Debug, Args)]
#[command(next_help_heading = "Lookup")]
pub struct TechArgs {
    /// Company domain.
    #[arg(long, value_name = "DOMAIN")]
    pub company_domain: Option<String>,
    /// Company name.
    #[arg(long, value_name = "NAME")]
    pub company_name: Option<String>,
    /// Company LinkedIn URL.
    #[arg(long, value_name = "URL")]
    pub company_linkedin_url: Option<String>,
    /// TheirStack company id.
    #[arg(long, value_name = "ID")]
    pub company_id: Option<String>,
    /// Only these technology slugs (repeatable).
    #[arg(long = "tech", value_name = "SLUG")]
    pub techs: Vec<String>,
    /// Only these technology categories (repeatable).
    #[arg(long = "category", value_name = "SLUG")]
    pub categories: Vec<String>,
    /// A full JSON request body, from a file or `-` for stdin; flags override its fields.
    #[arg(long, value_name = "FILE|-")]
    pub filters: Option<PathBuf>,
}

impl TechArgs {
    /// The request body these arguments describe.
    pub fn body(&self) -> Result<TechDetailsFilters, String> {
        let mut f: TechDetailsFilters = match &self.filters {
            Some(path) => read_body(path, "TechDetailsFilters")?,
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
            return Err("name the company: --company-domain, --company-name, --company-linkedin-url or --company-id".into());
        }
        extend(&mut f.technology_slug_or, &self.techs);
        extend(&mut f.technology_category_slug_or, &self.categories);
        Ok(f)
    }
}

pub async fn run(client: &Client, global: &Global, args: TechArgs) -> Outcome {
    let mut filters = args.body().map_err(Failure::Usage)?;
    // The guard prices the lookup from the total its first page tells.
    filters.include_total_results = Some(true);
    pull(configure(client.technographics(filters), global), global).await
}
