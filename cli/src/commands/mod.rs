//! The command groups, one file each with its clap arguments and its handler side by side, and
//! what they share: reading a JSON body from a file, checking a body built from flags, periods.
//!
//! Rule: a flag fills one documented field; `--filters FILE|-` reads a whole body, checked
//! against the typed body so an unknown key is refused by name; flags given alongside it win.

pub mod catalog;
pub mod companies;
pub mod company_lists;
pub mod credits;
pub mod jobs;
pub mod sandbox;
pub mod saved_searches;
pub mod technographics;
pub mod webhooks;

use crate::Failure;
use clap::{Args, Subcommand};
use serde_json::Value;
use std::path::PathBuf;
use theirstack::types;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Job search (1 credit per job).
    #[command(subcommand)]
    Jobs(jobs::JobsCommand),
    /// Company search (3 credits per company).
    #[command(subcommand)]
    Companies(companies::CompaniesCommand),
    /// Technologies one company uses (3 credits per lookup).
    Technographics(technographics::TechArgs),
    /// API credit balance and consumption.
    #[command(subcommand)]
    Credits(credits::CreditsCommand),
    /// Manage webhooks and their events.
    #[command(subcommand)]
    Webhooks(webhooks::WebhooksCommand),
    /// Catalog of technologies, industries and locations used in filters (free).
    #[command(subcommand)]
    Catalog(catalog::CatalogCommand),
    /// Saved searches (webhooks listen to them).
    #[command(subcommand, name = "saved-searches")]
    SavedSearches(saved_searches::SavedSearchesCommand),
    /// Company lists.
    #[command(subcommand, name = "company-lists")]
    CompanyLists(company_lists::CompanyListsCommand),
    /// Serve an offline TheirStack-compatible API with synthetic data.
    Sandbox(sandbox::SandboxArgs),
}

/// A period of time.
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// Start (RFC 3339 or YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_name = "DATETIME")]
    pub start: Option<types::Timestamp>,
    /// End (RFC 3339 or YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_name = "DATETIME")]
    pub end: Option<types::Timestamp>,
    /// IANA time zone of the daily buckets.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
}

/// Reads a JSON body from a file or stdin (`-`) as `T`, the type of component `schema`. An
/// unknown key is refused with its path.
pub fn read_body<T: serde::de::DeserializeOwned>(
    path: &PathBuf,
    schema: &str,
) -> Result<T, String> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("cannot read stdin: {e}"))?
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    };
    let shown = path.display();
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("invalid JSON in {shown}: {e}"))?;
    // Checked against the document's closed objects at every depth, not only where the
    // generated type is closed.
    if let Some(key) = theirstack::document::unknown_field(schema, &value) {
        return Err(format!("invalid filters in {shown}: unknown field `{key}`"));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let at = e.path().to_string();
        let where_ = if at == "." {
            String::new()
        } else {
            format!(" at {at}")
        };
        format!("invalid filters in {shown}{where_}: {}", e.inner())
    })
}

/// Reads a JSON body built from flags into its typed form; an error names the flag.
pub fn typed_body<T: serde::de::DeserializeOwned>(body: Value) -> Result<T, Failure> {
    serde_path_to_error::deserialize(body).map_err(|e| match e.path().to_string().as_str() {
        "." => Failure::Usage(e.inner().to_string()),
        path => Failure::Usage(format!("--{}: {}", path.replace('_', "-"), e.inner())),
    })
}

/// Appends the values not already in `target`.
pub fn extend<T: Clone + PartialEq>(target: &mut Vec<T>, values: &[T]) {
    for v in values {
        if !target.contains(v) {
            target.push(v.clone());
        }
    }
}
