//! The searches: job search (`jobs`, ordered by `order`), company search (`companies`), and the
//! one-company lookups technographics and buying intents (`lookups`), with what they share: the
//! rate limiter, the prices and the charging of rows.
//!
//! Rule: a search authenticates, passes the rate limiter, reads its body into the generated
//! filter type, checks it the way TheirStack does (422 otherwise), filters the synthetic data,
//! orders it, cuts the page ([`crate::paging`]), then charges credits for the rows it returns:
//! rows the balance cannot pay for are withheld and counted in `truncated_results` /
//! `truncated_companies`, and a chargeable page with nothing left to pay with is a 402. Preview
//! mode ([`crate::preview`]) costs nothing.

mod companies;
mod jobs;
mod lookups;
mod order;

pub(crate) use companies::matching_companies;
pub(crate) use jobs::{JobSearchCriteria, matching_jobs};

use crate::errors::Failure;
use crate::state::Shared;
use axum::response::Response;

// TheirStack's prices, written here independently of the client's `pricing` module on purpose:
// the sandbox is the check that the client charges what the server does.
/// Credits per job returned.
pub(crate) const JOB_PRICE: u64 = 1;
/// Credits per company returned.
pub(crate) const COMPANY_PRICE: u64 = 3;
/// Credits per technographics or buying-intents lookup that returns rows.
pub(crate) const LOOKUP_PRICE: u64 = 3;
/// Rows of `jobs_found` per company.
pub(crate) const JOBS_FOUND: usize = 5;

/// Runs a search behind the rate limiter (the key was checked before); every answer carries the
/// rate-limit headers.
fn limited(
    shared: &Shared,
    search: impl FnOnce(&Shared) -> Result<Response, Failure>,
) -> Result<Response, Failure> {
    let rate = shared.admit()?;
    match search(shared) {
        Ok(mut response) => {
            response.headers_mut().extend(rate);
            Ok(response)
        }
        Err(failure) => Err(failure.with_headers(rate)),
    }
}

/// `POST /v1/jobs/search`.
#[cfg(theirstack_has = "op:search_jobs_v1")]
pub(crate) fn jobs(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    limited(shared, |s| jobs::search(s, body))
}

/// `POST /v1/companies/search`.
#[cfg(theirstack_has = "op:search_companies_v1")]
pub(crate) fn companies(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    limited(shared, |s| companies::search(s, body))
}

/// `POST /v1/companies/technologies`.
#[cfg(theirstack_has = "op:technographics_v1")]
pub(crate) fn technologies(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    limited(shared, |s| lookups::technographics(s, body))
}

/// `POST /v1/companies/buying_intents`, limited with the searches (as the client counts it).
#[cfg(theirstack_has = "op:buying_intents_v1")]
pub(crate) fn buying_intents(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    limited(shared, |s| lookups::buying_intents(s, body))
}

/// Charges `price` per row for as many rows as the balance pays for; returns how many rows may
/// be returned. A non-empty page with an empty balance is a 402.
pub(crate) fn charge_rows(shared: &Shared, rows: usize, price: u64) -> Result<usize, Failure> {
    if rows == 0 || price == 0 {
        return Ok(rows);
    }
    let day = shared.now().date_naive();
    let mut ledger = shared.ledger();
    let remaining = ledger.remaining();
    if remaining == 0 {
        return Err(Failure::credits(
            "the account has no API credits left; this request would return data",
        ));
    }
    let affordable = usize::try_from(remaining / price)
        .unwrap_or(usize::MAX)
        .min(rows);
    ledger.charge(affordable as u64 * price, day);
    Ok(affordable)
}

pub(crate) fn count(n: usize) -> Option<i64> {
    Some(i64::try_from(n).unwrap_or(i64::MAX))
}
