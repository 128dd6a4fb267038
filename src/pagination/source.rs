//! What a paginated endpoint is to a [`Paginator`](super::Paginator): which paging style it
//! takes, how one page is fetched, what it costs, and how its rows are told apart.

use crate::client::Client;
use crate::error::Result;
use crate::pricing::Cost;
use crate::types;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::future::Future;
use std::num::NonZeroU64;

/// How an endpoint is told which rows to return. A request carries exactly one style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// `offset` + `limit`: any row can start a page.
    Offset,
    /// `page` + `limit`: pages start at multiples of `limit`. The endpoint has no `offset`.
    Page,
}

/// One request a paginator sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageRequest {
    /// Offset of the first row asked for.
    pub offset: u64,
    /// Rows asked for (at least 1).
    pub limit: u64,
    /// Whether to ask for `total_results` (the first request only, and only when needed).
    pub include_total: bool,
}

impl PageRequest {
    /// `limit` as the generated types want it.
    pub fn limit(&self) -> NonZeroU64 {
        NonZeroU64::new(self.limit).unwrap_or(NonZeroU64::MIN)
    }

    /// The page number, for [`Paging::Page`] endpoints: the paginator only plans offsets that
    /// are multiples of `limit` for them.
    pub fn page(&self) -> u64 {
        self.offset / self.limit.max(1)
    }
}

/// One page as an endpoint returned it.
#[derive(Debug)]
#[non_exhaustive]
pub struct RawPage<T> {
    /// The rows, as many as the server sent.
    pub items: Vec<T>,
    /// Search metadata, when the endpoint has it.
    pub metadata: Option<types::Metadata>,
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
}

impl<T> RawPage<T> {
    /// A page from a response whose body splits into rows and, for searches, metadata.
    pub fn of<R>(
        response: crate::ResponseValue<R>,
        rows: impl FnOnce(R) -> (Vec<T>, Option<types::Metadata>),
    ) -> RawPage<T> {
        let (status, headers) = (response.status(), response.headers().clone());
        let (items, metadata) = rows(response.into_inner());
        RawPage {
            items,
            metadata,
            status,
            headers,
        }
    }
}

/// An identity of a row, to notice a page that repeats the previous one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowKey {
    /// A numeric id.
    Int(i64),
    /// A string id.
    Str(String),
}

/// A paginated endpoint: how to fetch a page and what it costs.
///
/// The crate implements it for every paged operation of the document; it is public so that a
/// caller can page an operation the crate does not wrap: `fetch` sends one request for exactly
/// the rows of its [`PageRequest`], in the endpoint's [`Paging`] style, and the paginator does
/// the rest (caps, look-ahead, stop rules, resuming).
pub trait Source: Send + Sync + 'static {
    /// The row type.
    type Item: Send + 'static;
    /// The operation it pages (its operationId): it sets the endpoint's rate-limit group.
    const OPERATION: &'static str;
    /// Largest page the endpoint serves.
    const MAX_PAGE_SIZE: u64;
    /// The paging style the endpoint takes.
    const PAGING: Paging;
    /// Whether the endpoint can report `total_results`.
    const HAS_TOTAL: bool;
    /// What a page costs.
    fn cost(&self) -> Cost;
    /// Whether the caller asked for `total_results` in the filters.
    fn wants_total(&self) -> bool {
        false
    }
    /// Fetches one page.
    fn fetch(
        &self,
        client: Client,
        request: PageRequest,
    ) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send + 'static;
    /// The identity of a row.
    fn key(item: &Self::Item) -> RowKey;
}
