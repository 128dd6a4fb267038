//! The credit guard: what a pull may cost, asked before it spends.
//!
//! Rule: a pull that could spend more than [`UNASKED_CREDIT_LIMIT`] credits asks on a terminal
//! and refuses (exit code 4) when not interactive; the estimate is the free count where the
//! endpoint has one, else the caps.

use crate::{Failure, Outcome};
use std::io::{self, BufRead, IsTerminal, Write};
use theirstack::pagination::{
    CatalogIndustries, CatalogLocations, CatalogTechnologies, CompanyListCompanies, CompanySearch,
    Estimate, JobSearch, Paginator, Technographics, WebhookEvents,
};

/// Credits a pull may spend without asking.
pub const UNASKED_CREDIT_LIMIT: u64 = 1_000;

/// What a pull may cost, asked before it starts.
pub trait Guarded {
    /// The estimate: the free count where the endpoint has one, else the caps. `None` for a
    /// lookup, whose bound is known only once its first page has told the total: one lookup
    /// costs a few credits, so the guard asks after the first page instead.
    async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>>;
}

impl Guarded for Paginator<JobSearch> {
    async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>> {
        self.estimate().await.map(Some)
    }
}

impl Guarded for Paginator<CompanySearch> {
    async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>> {
        self.estimate().await.map(Some)
    }
}

impl Guarded for Paginator<Technographics> {
    async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>> {
        Ok(None)
    }
}

/// Free list endpoints: the guard never asks, so the caps are the estimate.
macro_rules! guarded_by_caps {
    ($($source:ty),*) => {$(
        impl Guarded for Paginator<$source> {
            async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>> {
                Ok(Some(self.estimate_from(None)))
            }
        }
    )*};
}

guarded_by_caps!(
    WebhookEvents,
    CatalogLocations,
    CatalogTechnologies,
    CatalogIndustries,
    CompanyListCompanies
);

/// Asks on a terminal before a pull that may spend more than [`UNASKED_CREDIT_LIMIT`] credits;
/// refuses when not interactive.
pub fn confirm_spend(estimate: &Estimate) -> Outcome {
    let credits = match estimate.credits {
        Some(c) if c <= UNASKED_CREDIT_LIMIT => return Ok(()),
        Some(c) => format!("up to {c} credits"),
        None => "an unbounded number of credits".to_string(),
    };
    let matching = match estimate.matching {
        Some(m) => format!(" ({m} matching rows)"),
        None => String::new(),
    };
    let message = format!("this pull could spend {credits}{matching}");
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
        "{message}; not asking on a non-interactive terminal: rerun with --yes, or cap it with --max-results or --max-credits"
    )))
}
