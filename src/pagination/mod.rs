//! Pagination streams that never ask for a row nobody asked for.
//!
//! Rule: a [`Paginator`] plans every request before sending it, and never plans past its caps
//! (`max_items`, `max_credits` at the endpoint's price) or past a known `total_results`: the last
//! request's `limit` is cut to what remains. Each request carries exactly one paging style, the
//! one its endpoint documents: `offset` + `limit` where the endpoint has `offset` (every search
//! and lookup, webhook events, locations, company-list companies), with `page` absent; `page` +
//! `limit` on the catalogs that have no `offset`. A page with more rows than its request asked
//! for is cut to the request's `limit` before anything is delivered (a `tracing` warning gives the
//! counts), and every row the server returned counts against `max_credits`, since TheirStack
//! charges for it.
//!
//! With look-ahead, up to N requests are in flight while earlier pages are consumed, in order,
//! and no page is requested twice. A stream stops on an empty or short page, at `total_results`,
//! when the account runs out of credits (an [`ErrorKind::InsufficientCredits`](crate::ErrorKind)
//! error naming the withheld rows, after the rows that did arrive), and on a page whose ids repeat
//! the previous page's (an error that says the server appears to ignore the paging field, instead
//! of a loop). Every error a stream ends with carries the [`ResumePosition`] to continue from
//! with no duplicate and no gap.
//!
//! | paginator | operation | price |
//! |---|---|---|
//! | [`Client::job_search`] | `search_jobs_v1` | 1 credit per job; free in preview |
//! | [`Client::incremental_jobs`] (keyset on `discovered_at`, see [`IncrementalJobs`]) | `search_jobs_v1` | 1 credit per job; free in preview |
//! | [`Client::company_search`] | `search_companies_v1` | 3 credits per company; free in preview |
//! | [`Client::technographics`] | `technographics_v1` | 3 credits per lookup that returns rows |
//! | [`Client::buying_intents`] | `buying_intents_v1` | 3 credits per lookup that returns rows |
//! | [`Client::webhook_events`] | `get_webhooks_events_v0` | free |
//! | [`Client::catalog_locations`] | `get_catalog_locations_v0` | free |
//! | [`Client::catalog_technologies`] | `get_catalog_technologies_v0` (deprecated) | free |
//! | [`Client::catalog_keywords`] | `get_catalog_keywords_v0` | free |
//! | [`Client::catalog_industries`] | `get_catalog_industries_v0` | free |
//! | [`Client::company_list_companies`] | `get_company_lists_companies_v0` | free |
//!
//! A paginator exists only when the document the crate was built from has its operation.

mod bulk;
#[cfg(theirstack_has = "op:search_jobs_v1")]
mod incremental;
mod lists;
mod lookups;
mod paginator;
mod plan;
mod searches;
mod source;
mod stream;

pub use crate::error::ResumePosition;
pub use crate::pricing::{CREDITS_PER_COMPANY, CREDITS_PER_JOB, CREDITS_PER_LOOKUP, Cost};
pub use bulk::{CompanyRef, Lookup, LookupResult};
#[cfg(theirstack_has = "op:search_jobs_v1")]
pub use incremental::{INCREMENTAL_MAX_PAGE_SIZE, IncrementalJobs, IncrementalPage, Watermark};
pub use lists::*;
pub use lookups::*;
pub use paginator::{Estimate, LookAhead, Paginator};
pub use searches::*;
pub use source::{PageRequest, Paging, RawPage, RowKey, Source};
pub use stream::Page;

use crate::client::Client;

impl Client {
    /// Pages through any [`Source`].
    pub fn paginate<S: Source>(&self, source: S) -> Paginator<S> {
        Paginator::new(self.clone(), source)
    }
}
