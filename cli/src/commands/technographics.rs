//! `theirstack technographics`: the technologies a company uses (3 credits per lookup), of one
//! company named by flags, or of every company of a file (`--companies`).

use super::extend;
use super::lookup::CompanyFlags;
use crate::bulk::{self, BulkArgs};
use crate::pull::{configure, pull};
use crate::{Global, Outcome};
use clap::Args;
use theirstack::Client;
use theirstack::pagination::Technographics;

/// Technographics lookup.
#[derive(Debug, Args)]
pub struct TechArgs {
    #[command(flatten)]
    pub company: CompanyFlags,
    /// Only these technology slugs (repeatable).
    #[arg(
        long = "tech",
        value_name = "SLUG",
        help_heading = "Lookup",
        conflicts_with = "companies"
    )]
    pub techs: Vec<String>,
    /// Only these technology categories (repeatable).
    #[arg(
        long = "category",
        value_name = "SLUG",
        help_heading = "Lookup",
        conflicts_with = "companies"
    )]
    pub categories: Vec<String>,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

pub async fn run(client: &Client, global: &Global, args: TechArgs) -> Outcome {
    if let Some(path) = &args.bulk.companies {
        return bulk::run::<Technographics>(client, global, &args.bulk, path).await;
    }
    let mut filters = args.company.body()?;
    extend(&mut filters.technology_slug_or, &args.techs);
    extend(&mut filters.technology_category_slug_or, &args.categories);
    pull(configure(client.technographics(filters), global), global).await
}
