//! Pagination streams that never ask for a row nobody asked for.
//!
//! Rule: a [`Paginator`] plans every request before sending it, and never plans past its caps
//! (`max_items`, `max_credits` at the endpoint's price) or past a known `total_results`: the last
//! request's `limit` is cut to what remains. With look-ahead, up to N requests are in flight
//! while earlier pages are consumed, in order, and no page is requested twice. A stream stops on
//! an empty or short page, at `total_results`, when the account runs out of credits (an
//! [`ErrorKind::InsufficientCredits`](crate::ErrorKind) error naming the withheld rows, after the
//! rows that did arrive), and on a page whose ids repeat the previous page's (an error instead of
//! a loop). Every error a stream ends with carries the [`ResumePosition`] to continue from with no
//! duplicate and no gap.
//!
//! Search bodies accept both `page` and `offset`, and the documents do not say which wins when both
//! are sent. Every request therefore sends `page × limit = offset`, so the server reads the same
//! rows either way; when a capped tail would break that, it is fetched in a few smaller requests
//! whose `limit` divides the offset (no extra rows, only extra requests).

use crate::client::Client;
use crate::error::{Error, Result};
use crate::rate_limit::RateLimit;
use crate::types;
use futures::future::Either;
use futures::stream::{self, FuturesOrdered, Stream, StreamExt};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;
use std::future::Future;
use std::num::NonZeroU64;
use std::pin::Pin;

/// Where a stream can resume: the number of rows delivered before it, counted from row 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResumePosition {
    /// The offset of the first row not yet delivered.
    pub offset: u64,
}

impl fmt::Display for ResumePosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "offset {}", self.offset)
    }
}

/// What an endpoint charges, in API credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    /// Nothing (preview mode, account and webhook endpoints).
    Free,
    /// This many credits per row returned.
    PerItem(u64),
    /// This many credits per request that returns at least one row.
    PerLookup(u64),
}

impl Cost {
    /// Credits a page of `rows` rows costs.
    pub fn of_page(self, rows: u64) -> u64 {
        match self {
            Cost::Free => 0,
            Cost::PerItem(c) => c.saturating_mul(rows),
            Cost::PerLookup(c) => {
                if rows > 0 {
                    c
                } else {
                    0
                }
            }
        }
    }
}

/// One request a paginator sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Offset of the first row.
    pub offset: u64,
    /// Page number; always `offset / limit`.
    pub page: u64,
    /// Rows asked for.
    pub limit: u64,
    /// Whether to ask for `total_results` (the first request only).
    pub include_total: bool,
}

/// One page as an endpoint returned it.
#[derive(Debug)]
pub struct RawPage<T> {
    /// The rows.
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
    fn of<R>(
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
pub trait Source: Send + Sync + 'static {
    /// The row type.
    type Item: Send + 'static;
    /// Largest page the endpoint serves.
    const MAX_PAGE_SIZE: u64;
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

/// One page of a stream, with its metadata, rate-limit state and cost.
#[derive(Debug)]
#[non_exhaustive]
pub struct Page<T> {
    /// The rows, in the server's order.
    pub items: Vec<T>,
    /// Offset of the first row in the result set.
    pub offset: u64,
    /// Search metadata (`total_results`, `truncated_results`, …), when the endpoint has it.
    pub metadata: Option<types::Metadata>,
    /// The rate-limit state the response reported.
    pub rate_limit: Option<RateLimit>,
    /// Credits this page cost at the documented price.
    pub credits: u64,
}

/// Builds a pagination stream. See the [module docs](self) for the rules.
#[derive(Debug, Clone)]
#[must_use = "a paginator does nothing until its stream is polled"]
pub struct Paginator<S> {
    client: Client,
    source: S,
    page_size: Option<u64>,
    max_items: Option<u64>,
    max_credits: Option<u64>,
    start: Start,
    look_ahead: usize,
}

#[derive(Debug, Clone, Copy)]
enum Start {
    Offset(u64),
    Page(u64),
}

impl<S: Source> Paginator<S> {
    /// A paginator over `source`, starting at row 0, sequential, without caps.
    pub fn new(client: Client, source: S) -> Self {
        Paginator {
            client,
            source,
            page_size: None,
            max_items: None,
            max_credits: None,
            start: Start::Offset(0),
            look_ahead: 1,
        }
    }

    /// Rows per request, at most the endpoint's maximum (500 for searches). Default: the
    /// maximum, or the item cap when smaller.
    pub fn page_size(mut self, rows: u64) -> Self {
        self.page_size = Some(rows.clamp(1, S::MAX_PAGE_SIZE));
        self
    }

    /// Stop after this many rows.
    pub fn max_items(mut self, rows: u64) -> Self {
        self.max_items = Some(rows);
        self
    }

    /// Stop before spending more than this many credits at the endpoint's price.
    pub fn max_credits(mut self, credits: u64) -> Self {
        self.max_credits = Some(credits);
        self
    }

    /// Start at this row offset.
    pub fn start_offset(mut self, offset: u64) -> Self {
        self.start = Start::Offset(offset);
        self
    }

    /// Start at this page (of [`page_size`](Self::page_size) rows).
    pub fn start_page(mut self, page: u64) -> Self {
        self.start = Start::Page(page);
        self
    }

    /// Continue where an error left off.
    pub fn resume(self, position: ResumePosition) -> Self {
        self.start_offset(position.offset)
    }

    /// Requests in flight at once (default 1: one after the other). With more than one, the
    /// first request asks for `total_results` so that no request goes past the end.
    pub fn look_ahead(mut self, requests: usize) -> Self {
        self.look_ahead = requests.max(1);
        self
    }

    /// What a page costs at this endpoint (free in preview mode).
    pub fn cost(&self) -> Cost {
        self.source.cost()
    }

    /// The source, for its options.
    pub fn source_mut(&mut self) -> &mut S {
        &mut self.source
    }

    /// Rows per request this paginator will use.
    pub fn effective_page_size(&self) -> u64 {
        let size = self.page_size.unwrap_or(S::MAX_PAGE_SIZE);
        match self.row_cap() {
            Some(cap) if cap > 0 => size.min(cap),
            _ => size,
        }
    }

    /// The most rows the caps allow (`None`: no cap).
    pub fn row_cap(&self) -> Option<u64> {
        let by_credits = match (self.max_credits, self.source.cost()) {
            (Some(credits), Cost::PerItem(c)) if c > 0 => Some(credits / c),
            _ => None,
        };
        match (self.max_items, by_credits) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The most requests the credit cap allows for endpoints that charge per request.
    fn request_cap(&self) -> Option<u64> {
        match (self.max_credits, self.source.cost()) {
            (Some(credits), Cost::PerLookup(c)) if c > 0 => Some(credits / c),
            _ => None,
        }
    }

    fn start_offset_value(&self) -> u64 {
        match self.start {
            Start::Offset(o) => o,
            Start::Page(p) => p.saturating_mul(self.page_size.unwrap_or(S::MAX_PAGE_SIZE)),
        }
    }

    /// The stream of pages.
    pub fn pages(self) -> impl Stream<Item = Result<Page<S::Item>>> + Send + 'static {
        let start = self.start_offset_value();
        let planner = Planner {
            next_offset: start,
            page_size: self.effective_page_size(),
            end: self.row_cap().map(|cap| start.saturating_add(cap)),
            total: None,
            requests_left: self.request_cap(),
            want_total: self.source.wants_total() || (self.look_ahead > 1 && S::HAS_TOTAL),
            planned: 0,
        };
        let state = State {
            client: self.client,
            source: self.source,
            planner,
            look_ahead: self.look_ahead,
            first_seen: false,
            in_flight: FuturesOrdered::new(),
            previous_keys: None,
            delivered_to: start,
            pending_error: None,
            done: false,
        };
        stream::unfold(state, |mut state| async move {
            let item = state.next_page().await?;
            Some((item, state))
        })
    }

    /// The stream of rows (pages flattened).
    pub fn items(self) -> impl Stream<Item = Result<S::Item>> + Send + 'static {
        self.pages().flat_map(|page| match page {
            Ok(page) => Either::Left(stream::iter(page.items.into_iter().map(Ok))),
            Err(e) => Either::Right(stream::once(std::future::ready(Err(e)))),
        })
    }

    /// Collects every row, or the first error (rows fetched before it are in the error's resume
    /// position, not lost: resume from there).
    pub async fn collect_all(self) -> Result<Vec<S::Item>> {
        let mut out = Vec::new();
        let mut pages = std::pin::pin!(self.pages());
        while let Some(page) = pages.next().await {
            out.extend(page?.items);
        }
        Ok(out)
    }
}

/// Plans requests: offsets, limits and caps.
#[derive(Debug)]
struct Planner {
    next_offset: u64,
    page_size: u64,
    /// Offset past the last row the caps allow.
    end: Option<u64>,
    /// Total rows the server reported.
    total: Option<u64>,
    requests_left: Option<u64>,
    want_total: bool,
    planned: u64,
}

impl Planner {
    fn next(&mut self) -> Option<PageRequest> {
        if self.total.is_some_and(|total| self.next_offset >= total) {
            return None;
        }
        // Caps cut the limit (rows past them would be paid for); a known total only stops the
        // plan, since the server returns no rows past it anyway.
        let want = match self.end {
            Some(end) if self.next_offset >= end => return None,
            Some(end) => self.page_size.min(end - self.next_offset),
            None => self.page_size,
        };
        if self.requests_left == Some(0) || want == 0 {
            return None;
        }
        let limit = aligned_limit(self.next_offset, want);
        let request = PageRequest {
            offset: self.next_offset,
            page: self.next_offset / limit,
            limit,
            include_total: self.want_total && self.planned == 0,
        };
        self.next_offset += limit;
        self.planned += 1;
        if let Some(left) = &mut self.requests_left {
            *left -= 1;
        }
        Some(request)
    }

    fn stop(&mut self) {
        self.requests_left = Some(0);
    }
}

/// The largest limit ≤ `want` that divides `offset` (so `page × limit = offset`).
fn aligned_limit(offset: u64, want: u64) -> u64 {
    if offset == 0 || offset.is_multiple_of(want) {
        return want;
    }
    (1..=want)
        .rev()
        .find(|d| offset.is_multiple_of(*d))
        .unwrap_or(1)
}

type Fetch<T> = Pin<Box<dyn Future<Output = (PageRequest, Result<RawPage<T>>)> + Send>>;

/// A page request running as a task; dropping it (the stream stopped or was dropped) aborts
/// the task.
struct Spawned<T> {
    task: tokio::task::JoinHandle<(PageRequest, Result<RawPage<T>>)>,
    request: PageRequest,
}

impl<T: Send + 'static> Spawned<T> {
    fn new(
        runtime: &tokio::runtime::Handle,
        fetch: impl Future<Output = (PageRequest, Result<RawPage<T>>)> + Send + 'static,
        request: PageRequest,
    ) -> Self {
        Spawned {
            task: runtime.spawn(fetch),
            request,
        }
    }
}

impl<T> Future for Spawned<T> {
    type Output = (PageRequest, Result<RawPage<T>>);

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let request = self.request;
        Pin::new(&mut self.task)
            .poll(cx)
            .map(|joined| joined.unwrap_or_else(|e| (request, Err(Error::transport(e)))))
    }
}

impl<T> Drop for Spawned<T> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct State<S: Source> {
    client: Client,
    source: S,
    planner: Planner,
    look_ahead: usize,
    first_seen: bool,
    in_flight: FuturesOrdered<Fetch<S::Item>>,
    previous_keys: Option<Vec<RowKey>>,
    delivered_to: u64,
    pending_error: Option<Error>,
    done: bool,
}

impl<S: Source> State<S> {
    fn fill(&mut self) {
        // Without a cap, `total_results` is unknown until the first page is back: one request
        // at a time until then. With a cap, every planned request is inside what the caller
        // asked for, and one past the end costs nothing (an empty page), so the window opens
        // at once.
        let capped = self.planner.end.is_some() || self.planner.requests_left.is_some();
        let capacity = if self.first_seen || capped {
            self.look_ahead
        } else {
            1
        };
        while self.in_flight.len() < capacity {
            let Some(request) = self.planner.next() else {
                break;
            };
            let fetch = self.source.fetch(self.client.clone(), request);
            let fetch = async move { (request, fetch.await) };
            // With look-ahead, each request runs as its own task, so pages are received and
            // decoded on other workers while the consumer works through earlier ones.
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) if self.look_ahead > 1 => {
                    self.in_flight
                        .push_back(Box::pin(Spawned::new(&runtime, fetch, request)));
                }
                _ => self.in_flight.push_back(Box::pin(fetch)),
            }
        }
    }

    fn finish(&mut self, error: Error) -> Option<Result<Page<S::Item>>> {
        self.done = true;
        self.in_flight.clear();
        Some(Err(error.with_resume(ResumePosition {
            offset: self.delivered_to,
        })))
    }

    async fn next_page(&mut self) -> Option<Result<Page<S::Item>>> {
        if let Some(error) = self.pending_error.take() {
            return self.finish(error);
        }
        if self.done {
            return None;
        }
        self.fill();
        let Some((request, result)) = self.in_flight.next().await else {
            self.done = true;
            return None;
        };
        self.first_seen = true;
        let raw = match result {
            Ok(raw) => raw,
            Err(error) => return self.finish(error),
        };
        let rows = raw.items.len() as u64;
        let metadata = raw.metadata;
        if let Some(total) = metadata
            .as_ref()
            .and_then(|m| m.total_results)
            .and_then(|t| u64::try_from(t).ok())
        {
            self.planner.total = Some(total);
        }
        let mut keys: Vec<RowKey> = raw.items.iter().map(S::key).collect();
        keys.sort_unstable();
        if rows > 0 && self.previous_keys.as_ref() == Some(&keys) {
            return self.finish(Error::repeated_page(format!(
                "the page at offset {} repeats the previous page ({rows} rows); stopping instead of looping",
                request.offset
            )));
        }
        self.previous_keys = Some(keys);

        let withheld = metadata
            .as_ref()
            .map(|m| {
                m.truncated_results
                    .unwrap_or(0)
                    .max(m.truncated_companies.unwrap_or(0))
            })
            .unwrap_or(0);
        let end_reached = rows < request.limit
            || self
                .planner
                .total
                .is_some_and(|t| request.offset + rows >= t);
        if rows == 0 || end_reached || withheld > 0 {
            self.planner.stop();
            self.done = true;
            self.in_flight.clear();
        }
        if withheld > 0 {
            self.pending_error = Some(Error::credits_exhausted(withheld as u64, &raw.headers));
        }
        self.delivered_to = request.offset + rows;
        if rows == 0 {
            return self.pending_error.take().and_then(|e| self.finish(e));
        }
        let page = Page {
            items: raw.items,
            offset: request.offset,
            metadata,
            rate_limit: RateLimit::from_headers(&raw.headers),
            credits: self.source.cost().of_page(rows),
        };
        Some(Ok(page))
    }
}

// ---------------------------------------------------------------------------------------------
// Sources

/// Credits per job returned by job search.
pub const CREDITS_PER_JOB: u64 = 1;
/// Credits per company returned by company search.
pub const CREDITS_PER_COMPANY: u64 = 3;
/// Credits per technographics lookup that returns data.
pub const CREDITS_PER_LOOKUP: u64 = 3;
/// Largest page the search endpoints serve in practice.
pub const SEARCH_MAX_PAGE_SIZE: u64 = 500;
/// Largest page of webhook events.
pub const WEBHOOK_EVENTS_MAX_PAGE_SIZE: u64 = 500;

fn limit_of(request: PageRequest) -> NonZeroU64 {
    NonZeroU64::new(request.limit).unwrap_or(NonZeroU64::MIN)
}

/// The two searches that charge per row and offer preview mode and a free count; they differ
/// only in their types, endpoint and price.
macro_rules! search_source {
    ($(#[$doc:meta])* $name:ident, $filters:ty, $item:ty, $response:ident, $send:ident, $price:expr, |$row:ident| $key:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            /// The filters; paging fields are set by the paginator.
            pub filters: $filters,
        }

        impl Source for $name {
            type Item = $item;
            const MAX_PAGE_SIZE: u64 = SEARCH_MAX_PAGE_SIZE;
            const HAS_TOTAL: bool = true;

            fn cost(&self) -> Cost {
                if self.filters.blur_company_data { Cost::Free } else { Cost::PerItem($price) }
            }

            fn wants_total(&self) -> bool {
                self.filters.include_total_results
            }

            fn fetch(
                &self,
                client: Client,
                request: PageRequest,
            ) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send + 'static {
                let mut body = self.filters.clone();
                body.page = request.page;
                body.offset = request.offset;
                body.limit = limit_of(request);
                body.include_total_results = request.include_total;
                async move {
                    let response = client.$send().body(body).send().await?;
                    Ok(RawPage::of(response, |r: types::$response| (r.data, Some(r.metadata))))
                }
            }

            fn key($row: &Self::Item) -> RowKey {
                $key
            }
        }

        impl Countable for $name {
            fn blurred(&self) -> Self {
                let mut blurred = self.clone();
                blurred.filters.blur_company_data = true;
                blurred
            }

            fn filters_json(&self) -> Result<serde_json::Value> {
                serde_json::to_value(&self.filters).map_err(|e| Error::invalid_input(e.to_string()))
            }
        }

        impl Paginator<$name> {
            /// Preview mode: blurred company data, no credits spent.
            pub fn preview(mut self, on: bool) -> Self {
                self.source.filters.blur_company_data = on;
                self
            }

            /// What this pull will cost, from the free count (or from the caps alone when the
            /// filters name companies and so cannot be counted for free).
            pub async fn estimate(&self) -> Result<Estimate> {
                let matching = match free_count(&self.client, &self.source).await {
                    Ok(n) => Some(n),
                    Err(e) if e.kind() == crate::ErrorKind::InvalidInput => None,
                    Err(e) => return Err(e),
                };
                Ok(self.estimate_from(matching))
            }
        }
    };
}

search_source!(
    /// Job search (`POST /v1/jobs/search`), 1 credit per job, free in preview mode.
    JobSearch,
    types::JobSearchFiltersInput,
    types::JobWithMatchingPhrasesResponseOutput,
    JobSearchResponse,
    search_jobs_v1,
    CREDITS_PER_JOB,
    |job| RowKey::Int(job.id)
);

search_source!(
    /// Company search (`POST /v1/companies/search`), 3 credits per company, free in preview mode.
    CompanySearch,
    types::CompanySearchFiltersInput,
    types::CompanyWithTechnologiesAndJobsOutput,
    CompanySearchResponse,
    search_companies_v1,
    CREDITS_PER_COMPANY,
    |company| RowKey::Str(company.id.clone())
);

/// A search that can be counted for free.
trait Countable: Source + Clone {
    /// The same search in preview mode.
    fn blurred(&self) -> Self;
    /// The filters as JSON, to look for company identifiers.
    fn filters_json(&self) -> Result<serde_json::Value>;
}

/// The free count: one blurred row with `include_total_results`, which costs nothing. Refused
/// when the filters name companies, where TheirStack does not offer preview mode.
async fn free_count<S: Countable>(client: &Client, source: &S) -> Result<u64> {
    if has_company_identifiers(&source.filters_json()?) {
        return Err(Error::invalid_input(
            "the free count uses preview mode, which TheirStack does not offer with company identifier filters (company_name_*, company_domain_or, company_linkedin_url_or, company_id_or)",
        ));
    }
    let request = PageRequest {
        offset: 0,
        page: 0,
        limit: 1,
        include_total: true,
    };
    let page = source.blurred().fetch(client.clone(), request).await?;
    page.metadata
        .and_then(|m| m.total_results)
        .and_then(|t| u64::try_from(t).ok())
        .ok_or_else(|| Error::invalid_input("the count response had no total_results"))
}

/// Technographics of one company (`POST /v1/companies/technologies`), 3 credits per lookup
/// that returns data.
#[derive(Debug, Clone)]
pub struct Technographics {
    /// The filters; paging fields are set by the paginator.
    pub filters: types::TechDetailsFilters,
}

impl Source for Technographics {
    type Item = types::KeywordFound;
    const MAX_PAGE_SIZE: u64 = SEARCH_MAX_PAGE_SIZE;
    const HAS_TOTAL: bool = true;

    fn cost(&self) -> Cost {
        Cost::PerLookup(CREDITS_PER_LOOKUP)
    }

    fn wants_total(&self) -> bool {
        self.filters.include_total_results == Some(true)
    }

    fn fetch(
        &self,
        client: Client,
        request: PageRequest,
    ) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send + 'static {
        let mut body = self.filters.clone();
        body.page = Some(request.page);
        body.offset = Some(request.offset);
        body.limit = Some(limit_of(request));
        body.include_total_results = Some(request.include_total);
        async move {
            let response = client.technographics_v1().body(body).send().await?;
            Ok(RawPage::of(response, |r| (r.data, Some(r.metadata))))
        }
    }

    fn key(item: &Self::Item) -> RowKey {
        RowKey::Str(item.technology.slug.clone())
    }
}

/// The events of one webhook (`GET /v0/webhooks/{webhook_id}/events`), free, offset paging.
#[derive(Debug, Clone)]
pub struct WebhookEvents {
    /// The webhook.
    pub webhook_id: i64,
    /// Only events with this delivery status.
    pub status: Option<types::WebhookEventStatus>,
}

impl Source for WebhookEvents {
    type Item = types::WebhookEvent;
    const MAX_PAGE_SIZE: u64 = WEBHOOK_EVENTS_MAX_PAGE_SIZE;
    const HAS_TOTAL: bool = false;

    fn cost(&self) -> Cost {
        Cost::Free
    }

    fn fetch(
        &self,
        client: Client,
        request: PageRequest,
    ) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send + 'static {
        let (webhook_id, status) = (self.webhook_id, self.status.clone());
        async move {
            let mut call = client
                .get_webhooks_events_v0()
                .webhook_id(webhook_id)
                .offset(request.offset)
                .limit(limit_of(request));
            if let Some(status) = status {
                call = call.status(status);
            }
            let response = call.send().await?;
            Ok(RawPage::of(response, |rows| (rows, None)))
        }
    }

    fn key(item: &Self::Item) -> RowKey {
        RowKey::Int(item.id)
    }
}

/// Largest page the free catalog and list endpoints are asked for.
pub const LIST_MAX_PAGE_SIZE: u64 = 500;

/// The locations catalog (`GET /v0/catalog/locations`), free, offset paging.
#[derive(Debug, Clone, Default)]
pub struct CatalogLocations {
    /// Only locations whose name matches.
    pub name: Option<String>,
    /// Only locations in this country (ISO 3166 alpha-2).
    pub country_code: Option<String>,
}

impl Source for CatalogLocations {
    type Item = types::GeonameCatalogResponse;
    const MAX_PAGE_SIZE: u64 = LIST_MAX_PAGE_SIZE;
    const HAS_TOTAL: bool = false;

    fn cost(&self) -> Cost {
        Cost::Free
    }

    fn fetch(
        &self,
        client: Client,
        request: PageRequest,
    ) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send + 'static {
        let (name, country_code) = (self.name.clone(), self.country_code.clone());
        async move {
            let mut call = client
                .get_catalog_locations_v0()
                .offset(request.offset)
                .limit(limit_of(request));
            if let Some(name) = name {
                call = call.name(name);
            }
            if let Some(country_code) = country_code {
                call = call.country_code(country_code);
            }
            let response = call.send().await?;
            Ok(RawPage::of(response, |rows| (rows, None)))
        }
    }

    fn key(item: &Self::Item) -> RowKey {
        RowKey::Int(item.id)
    }
}

/// The technologies catalog (`GET /v0/catalog/technologies`), free, page paging.
#[derive(Debug, Clone, Default)]
pub struct CatalogTechnologies {
    /// Only technologies whose name matches this pattern.
    pub name_pattern: Option<String>,
    /// Only technologies of this category.
    pub category_slug: Option<String>,
}

impl Source for CatalogTechnologies {
    type Item = types::TechnologyAggregated;
    const MAX_PAGE_SIZE: u64 = LIST_MAX_PAGE_SIZE;
    const HAS_TOTAL: bool = false;

    fn cost(&self) -> Cost {
        Cost::Free
    }

    fn fetch(
        &self,
        client: Client,
        request: PageRequest,
    ) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send + 'static {
        let (name_pattern, category_slug) = (self.name_pattern.clone(), self.category_slug.clone());
        async move {
            let mut call = client
                .get_catalog_technologies_v0()
                .page(request.page)
                .limit(limit_of(request));
            if let Some(pattern) = name_pattern {
                call = call.name_pattern(pattern);
            }
            if let Some(slug) = category_slug {
                call = call.category_slug(slug);
            }
            let response = call.send().await?;
            Ok(RawPage::of(response, |rows| (rows, None)))
        }
    }

    fn key(item: &Self::Item) -> RowKey {
        RowKey::Str(item.slug.clone())
    }
}

/// The industries catalog (`GET /v0/catalog/industries`), free, page paging.
#[derive(Debug, Clone, Default)]
pub struct CatalogIndustries {
    /// Only industries whose name matches.
    pub industry: Option<String>,
}

impl Source for CatalogIndustries {
    type Item = types::IndustryStats;
    const MAX_PAGE_SIZE: u64 = LIST_MAX_PAGE_SIZE;
    const HAS_TOTAL: bool = false;

    fn cost(&self) -> Cost {
        Cost::Free
    }

    fn fetch(
        &self,
        client: Client,
        request: PageRequest,
    ) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send + 'static {
        let industry = self.industry.clone();
        async move {
            let mut call = client
                .get_catalog_industries_v0()
                .page(request.page)
                .limit(limit_of(request));
            if let Some(industry) = industry {
                call = call.industry(industry);
            }
            let response = call.send().await?;
            Ok(RawPage::of(response, |r| (r.data, None)))
        }
    }

    fn key(item: &Self::Item) -> RowKey {
        match (item.industry_id, &item.industry) {
            (Some(id), _) => RowKey::Int(id),
            (None, name) => RowKey::Str(name.clone().unwrap_or_default()),
        }
    }
}

/// The companies of one company list (`GET /v0/company_lists/{list_id}/companies`), free,
/// offset paging.
#[derive(Debug, Clone)]
pub struct CompanyListCompanies {
    /// The list.
    pub list_id: i64,
}

impl Source for CompanyListCompanies {
    type Item = types::CompanyListItem;
    const MAX_PAGE_SIZE: u64 = LIST_MAX_PAGE_SIZE;
    const HAS_TOTAL: bool = false;

    fn cost(&self) -> Cost {
        Cost::Free
    }

    fn fetch(
        &self,
        client: Client,
        request: PageRequest,
    ) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send + 'static {
        let list_id = self.list_id;
        async move {
            let response = client
                .get_company_lists_companies_v0()
                .list_id(list_id)
                .page(request.page)
                .offset(request.offset)
                .limit(limit_of(request))
                .send()
                .await?;
            Ok(RawPage::of(response, |rows| (rows, None)))
        }
    }

    fn key(item: &Self::Item) -> RowKey {
        RowKey::Str(item.company_object.id.clone())
    }
}

// ---------------------------------------------------------------------------------------------
// Client entry points and credit helpers

/// What a capped pull will cost, known before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Estimate {
    /// Rows matching the filters (from the free count), when it could be counted.
    pub matching: Option<u64>,
    /// Most rows the pull will fetch (`None`: unbounded and uncounted).
    pub rows: Option<u64>,
    /// Most credits the pull will spend (`None`: unbounded and uncounted).
    pub credits: Option<u64>,
}

/// Filters that identify companies; TheirStack's preview mode (and so the free count) is not
/// available with them.
fn has_company_identifiers(value: &serde_json::Value) -> bool {
    [
        "company_name_or",
        "company_name_case_insensitive_or",
        "company_domain_or",
        "company_linkedin_url_or",
        "company_id_or",
    ]
    .iter()
    .any(|key| {
        value
            .get(key)
            .and_then(serde_json::Value::as_array)
            .is_some_and(|a| !a.is_empty())
    })
}

impl Client {
    /// Pages through any [`Source`].
    pub fn paginate<S: Source>(&self, source: S) -> Paginator<S> {
        Paginator::new(self.clone(), source)
    }

    /// Pages through job search results.
    pub fn job_search(&self, filters: types::JobSearchFiltersInput) -> Paginator<JobSearch> {
        self.paginate(JobSearch { filters })
    }

    /// Pages through company search results.
    pub fn company_search(
        &self,
        filters: types::CompanySearchFiltersInput,
    ) -> Paginator<CompanySearch> {
        self.paginate(CompanySearch { filters })
    }

    /// Pages through the technologies of one company.
    pub fn technographics(&self, filters: types::TechDetailsFilters) -> Paginator<Technographics> {
        self.paginate(Technographics { filters })
    }

    /// Pages through the events of one webhook.
    pub fn webhook_events(&self, webhook_id: i64) -> Paginator<WebhookEvents> {
        self.paginate(WebhookEvents {
            webhook_id,
            status: None,
        })
    }

    /// Pages through the locations catalog.
    pub fn catalog_locations(&self, filter: CatalogLocations) -> Paginator<CatalogLocations> {
        self.paginate(filter)
    }

    /// Pages through the technologies catalog.
    pub fn catalog_technologies(
        &self,
        filter: CatalogTechnologies,
    ) -> Paginator<CatalogTechnologies> {
        self.paginate(filter)
    }

    /// Pages through the industries catalog.
    pub fn catalog_industries(&self, filter: CatalogIndustries) -> Paginator<CatalogIndustries> {
        self.paginate(filter)
    }

    /// Pages through the companies of one company list.
    pub fn company_list_companies(&self, list_id: i64) -> Paginator<CompanyListCompanies> {
        self.paginate(CompanyListCompanies { list_id })
    }

    /// Counts the jobs matching `filters` for free (preview mode, `include_total_results`,
    /// `limit: 1`). Refused when the filters name companies, where preview mode is unavailable.
    pub async fn count_jobs(&self, filters: &types::JobSearchFiltersInput) -> Result<u64> {
        free_count(
            self,
            &JobSearch {
                filters: filters.clone(),
            },
        )
        .await
    }

    /// Counts the companies matching `filters` for free, like [`Client::count_jobs`].
    pub async fn count_companies(&self, filters: &types::CompanySearchFiltersInput) -> Result<u64> {
        free_count(
            self,
            &CompanySearch {
                filters: filters.clone(),
            },
        )
        .await
    }
}

impl Paginator<WebhookEvents> {
    /// Only events with this delivery status.
    pub fn status(mut self, status: types::WebhookEventStatus) -> Self {
        self.source.status = Some(status);
        self
    }
}

impl<S: Source> Paginator<S> {
    /// The estimate for a known number of matching rows (`None`: unknown).
    pub fn estimate_from(&self, matching: Option<u64>) -> Estimate {
        let available = matching.map(|m| m.saturating_sub(self.start_offset_value()));
        let rows = match (available, self.row_cap()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let credits = match self.source.cost() {
            Cost::Free => Some(0),
            Cost::PerItem(c) => rows.map(|r| r.saturating_mul(c)),
            Cost::PerLookup(c) => {
                let requests = rows.map(|r| r.div_ceil(self.effective_page_size()));
                match (requests, self.request_cap()) {
                    (Some(a), Some(b)) => Some(a.min(b).saturating_mul(c)),
                    (a, b) => a.or(b).map(|n| n.saturating_mul(c)),
                }
            }
        };
        Estimate {
            matching,
            rows,
            credits,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(
        start: u64,
        page_size: u64,
        cap: Option<u64>,
        total: Option<u64>,
    ) -> Vec<(u64, u64, u64)> {
        let mut p = Planner {
            next_offset: start,
            page_size,
            end: cap.map(|c| start + c),
            total,
            requests_left: None,
            want_total: false,
            planned: 0,
        };
        std::iter::from_fn(|| p.next())
            .map(|r| (r.offset, r.page, r.limit))
            .collect()
    }

    #[test]
    fn cap_cuts_the_last_limit() {
        assert_eq!(
            plan(0, 500, Some(1200), None),
            [(0, 0, 500), (500, 1, 500), (1000, 5, 200)]
        );
    }

    #[test]
    fn every_request_keeps_page_times_limit_equal_to_offset() {
        for (start, size, cap) in [
            (0, 500, 1234),
            (1234, 500, 2000),
            (7, 25, 100),
            (999_983, 500, 777),
        ] {
            let requests = plan(start, size, Some(cap), None);
            let mut expected = start;
            for (offset, page, limit) in &requests {
                assert_eq!(*offset, expected, "no gap, no overlap");
                assert_eq!(page * limit, *offset);
                assert!(*limit <= size);
                expected += limit;
            }
            assert_eq!(expected, start + cap, "exactly the capped rows");
        }
    }

    #[test]
    fn known_total_stops_the_plan_without_cutting_limits() {
        assert_eq!(plan(0, 500, None, Some(730)), [(0, 0, 500), (500, 1, 500)]);
        assert_eq!(plan(0, 500, None, Some(500)), [(0, 0, 500)]);
        assert_eq!(
            plan(0, 500, Some(600), Some(550)),
            [(0, 0, 500), (500, 5, 100)]
        );
    }

    #[test]
    fn aligned_limits() {
        assert_eq!(aligned_limit(0, 500), 500);
        assert_eq!(aligned_limit(1000, 200), 200);
        assert_eq!(aligned_limit(1000, 234), 200);
        assert_eq!(aligned_limit(1500, 500), 500);
        assert_eq!(aligned_limit(1231, 500), 1, "1231 is prime");
    }

    #[test]
    fn costs() {
        assert_eq!(Cost::PerItem(3).of_page(10), 30);
        assert_eq!(Cost::PerLookup(3).of_page(10), 3);
        assert_eq!(Cost::PerLookup(3).of_page(0), 0);
        assert_eq!(Cost::Free.of_page(10), 0);
    }
}
