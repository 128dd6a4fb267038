//! The credit guard: what a pull may cost, asked before it spends.
//!
//! Rule: a pull that could spend more than [`UNASKED_CREDIT_LIMIT`] credits asks on a terminal
//! and refuses (exit code 4) when not interactive; the estimate is the free count where the
//! endpoint has one, else the caps.

use crate::{Failure, Outcome};
use std::io::{self, BufRead, IsTerminal, Write};
// Each source exists only when the document has its operation: named by path, under its cfg.
use theirstack::pagination::{Estimate, Paginator};

/// Credits a pull may spend without asking.
pub const UNASKED_CREDIT_LIMIT: u64 = 1_000;

/// What a pull may cost, asked before it starts.
pub trait Guarded {
    /// The estimate: the free count where the endpoint has one, else the caps. `None` for a
    /// lookup, whose bound is known only once its first page has told the total: one lookup
    /// costs a few credits, so the guard asks after the first page instead.
    async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>>;
}

/// Searches: the free count tells how many rows match.
macro_rules! guarded_by_count {
    ($($source:ident => $op:literal),*) => {$(
        #[cfg(theirstack_has = $op)]
        impl Guarded for Paginator<theirstack::pagination::$source> {
            async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>> {
                self.estimate().await.map(Some)
            }
        }
    )*};
}

guarded_by_count!(JobSearch => "op:search_jobs_v1", CompanySearch => "op:search_companies_v1");

/// Lookups: priced once their first page has told the total.
macro_rules! guarded_after_first_page {
    ($($source:ident => $op:literal),*) => {$(
        #[cfg(theirstack_has = $op)]
        impl Guarded for Paginator<theirstack::pagination::$source> {
            async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>> {
                Ok(None)
            }
        }
    )*};
}

guarded_after_first_page!(
    Technographics => "op:technographics_v1",
    BuyingIntents => "op:buying_intents_v1"
);

/// Free list endpoints: the guard never asks, so the caps are the estimate.
macro_rules! guarded_by_caps {
    ($($source:ident => $op:literal),*) => {$(
        #[cfg(theirstack_has = $op)]
        impl Guarded for Paginator<theirstack::pagination::$source> {
            async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>> {
                Ok(Some(self.estimate_from(None)))
            }
        }
    )*};
}

guarded_by_caps!(
    WebhookEvents => "op:get_webhooks_events_v0",
    CatalogLocations => "op:get_catalog_locations_v0",
    CatalogTechnologies => "op:get_catalog_technologies_v0",
    CatalogIndustries => "op:get_catalog_industries_v0",
    CatalogKeywords => "op:get_catalog_keywords_v0",
    CompanyListCompanies => "op:get_company_lists_companies_v0"
);

/// Asks on a terminal before a pull that may spend more than [`UNASKED_CREDIT_LIMIT`] credits;
/// refuses when not interactive.
pub fn confirm_spend(estimate: &Estimate) -> Outcome {
    confirm_credits(
        estimate.credits,
        estimate.matching,
        "pull",
        "cap it with --max-results or --max-credits",
    )
}

/// Asks on a terminal before a `what` (a pull, a request) that may spend more than
/// [`UNASKED_CREDIT_LIMIT`] credits (`None`: unbounded); refuses when not interactive, with
/// `advice` on how to cap it.
pub fn confirm_credits(
    credits: Option<u64>,
    matching: Option<u64>,
    what: &str,
    advice: &str,
) -> Outcome {
    let credits = match credits {
        Some(c) if c <= UNASKED_CREDIT_LIMIT => return Ok(()),
        Some(c) => format!("up to {c} credits"),
        None => "an unbounded number of credits".to_string(),
    };
    let matching = match matching {
        Some(m) => format!(" ({m} matching rows)"),
        None => String::new(),
    };
    let message = format!("this {what} could spend {credits}{matching}");
    if io::stdin().is_terminal() && io::stderr().is_terminal() {
        eprint!("{message}. Continue? [y/N] ");
        let _ = io::stderr().flush();
        let mut answer = String::new();
        io::stdin().lock().read_line(&mut answer)?;
        if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
            return Ok(());
        }
        return Err(Failure::Credits("cancelled; nothing was spent".into()));
    }
    Err(Failure::Credits(format!(
        "{message}; not asking on a non-interactive terminal: rerun with --yes, or {advice}"
    )))
}
