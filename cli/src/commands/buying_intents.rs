//! `theirstack buying-intents`: the buying-intent topics detected at a company (3 credits per
//! lookup), of one company named by flags, or of every company of a file (`--companies`).

use super::extend;
use super::lookup::CompanyFlags;
use crate::bulk::{self, BulkArgs};
use crate::pull::{configure, pull};
use crate::{Global, Outcome};
use clap::Args;
use theirstack::Client;
use theirstack::pagination::BuyingIntents;

/// Buying-intents lookup.
#[derive(Debug, Args)]
pub struct IntentArgs {
    #[command(flatten)]
    pub company: CompanyFlags,
    /// Only these topic slugs (repeatable).
    #[arg(
        long = "topic",
        value_name = "SLUG",
        help_heading = "Lookup",
        conflicts_with = "companies"
    )]
    pub topics: Vec<String>,
    /// Only topics of these categories (repeatable).
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

pub async fn run(client: &Client, global: &Global, args: IntentArgs) -> Outcome {
    if let Some(path) = &args.bulk.companies {
        return bulk::run::<BuyingIntents>(client, global, &args.bulk, path).await;
    }
    let mut filters = args.company.body()?;
    // Topics are keywords; the `technology_*` filters are their deprecated names.
    #[cfg(theirstack_has = "TechDetailsFilters.keyword_slug_or")]
    extend(&mut filters.keyword_slug_or, &args.topics);
    #[cfg(not(theirstack_has = "TechDetailsFilters.keyword_slug_or"))]
    extend(&mut filters.technology_slug_or, &args.topics);
    #[cfg(theirstack_has = "TechDetailsFilters.keyword_category_slug_or")]
    extend(&mut filters.keyword_category_slug_or, &args.categories);
    #[cfg(not(theirstack_has = "TechDetailsFilters.keyword_category_slug_or"))]
    extend(&mut filters.technology_category_slug_or, &args.categories);
    pull(configure(client.buying_intents(filters), global), global).await
}
