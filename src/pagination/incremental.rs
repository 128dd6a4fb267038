//! Incremental job search: keyset paging on `discovered_at`, so that a caller who keeps the
//! [`Watermark`] of what it stored asks only for jobs it has not paid for yet.
//!
//! Rule: every request orders by `discovered_at` ascending and sends `discovered_at_gte` = the
//! watermark truncated to the second, with `job_id_not` = every job already delivered whose
//! `discovered_at` is at or after that second. Each page moves the watermark, never an offset.
//!
//! See [`IncrementalJobs`] for why it is right whatever the server leaves unsaid.

use super::paginator::Estimate;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::filters;
use crate::pricing::{CREDITS_PER_JOB, Cost};
use crate::rate_limit::RateLimit;
use crate::types::{self, Timestamp};
use chrono::{NaiveDate, Timelike};
use futures::stream::{self, Stream};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Largest page job search serves in practice.
pub const INCREMENTAL_MAX_PAGE_SIZE: u64 = 500;

/// How far an incremental job search has got: the latest `discovered_at` delivered, and the ids
/// of the delivered jobs of that second. Store it with the jobs it covers, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Watermark {
    /// The latest `discovered_at` among the jobs delivered.
    pub discovered_at: Timestamp,
    /// The ids of every delivered job whose `discovered_at` is at or after `discovered_at`
    /// truncated to the second, sorted, without repeats.
    pub boundary_ids: Vec<i64>,
}

impl Watermark {
    /// A watermark at `discovered_at`, having delivered `boundary_ids`: the ids of every job
    /// delivered whose `discovered_at` is at or after `discovered_at` truncated to the second.
    pub fn new(discovered_at: Timestamp, boundary_ids: impl IntoIterator<Item = i64>) -> Self {
        let ids: BTreeSet<i64> = boundary_ids.into_iter().collect();
        Watermark {
            discovered_at,
            boundary_ids: ids.into_iter().collect(),
        }
    }

    /// The lower bound sent as `discovered_at_gte`: the watermark truncated to the second.
    pub fn cursor(&self) -> Timestamp {
        floor_second(self.discovered_at)
    }

    /// The watermark after delivering `jobs` (any order, repeats allowed).
    fn advance(previous: Option<&Watermark>, jobs: &[(Timestamp, i64)]) -> Option<Watermark> {
        let latest = jobs.iter().map(|(t, _)| *t).max();
        let at = match (previous.map(|w| w.discovered_at), latest) {
            (Some(a), Some(b)) => a.max(b),
            (a, b) => a.or(b)?,
        };
        let floor = floor_second(at);
        let mut ids = BTreeSet::new();
        if let Some(w) = previous.filter(|w| w.cursor() == floor) {
            ids.extend(w.boundary_ids.iter().copied());
        }
        ids.extend(jobs.iter().filter(|(t, _)| *t >= floor).map(|(_, id)| *id));
        Some(Watermark {
            discovered_at: at,
            boundary_ids: ids.into_iter().collect(),
        })
    }
}

/// `t` without its fraction of a second.
fn floor_second(t: Timestamp) -> Timestamp {
    Timestamp(t.0.with_nanosecond(0).unwrap_or(t.0))
}

/// The wire form of a bound: `YYYY-MM-DDTHH:MM:SSZ`, as TheirStack's guide writes it.
fn wire(t: Timestamp) -> String {
    t.0.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// One page of an incremental job search.
#[derive(Debug)]
#[non_exhaustive]
pub struct IncrementalPage {
    /// The jobs, sorted by (`discovered_at`, `id`), each id once; every row the server sent.
    pub jobs: Vec<types::JobWithMatchingPhrasesResponseOutput>,
    /// The watermark once these jobs are stored: the next run starts from it. `None` only while
    /// nothing at all has been delivered (an empty first page of an empty search).
    pub watermark: Option<Watermark>,
    /// Credits the response cost: every row the server sent, at 1 credit per job (0 in preview).
    pub credits: u64,
    /// Page number in this stream, from 0.
    pub number: u64,
    /// Rows the request asked for.
    pub requested: u64,
    /// Rows the server sent, repeats included.
    pub returned: u64,
    /// Rows discovered before the bound the request sent (a server that ignored it).
    pub before_cursor: u64,
    /// Whether the stream ends after this page (caught up, or a cap reached).
    pub last: bool,
    /// Search metadata (`total_results` when asked for, `truncated_results`).
    pub metadata: Option<types::Metadata>,
    /// The rate-limit state the response reported.
    pub rate_limit: Option<RateLimit>,
}

/// An incremental job search: filters and a watermark in, pages with the next watermark out.
/// Built by [`Client::incremental_jobs`].
///
/// Every request orders by `discovered_at` ascending and sends `discovered_at_gte` = the
/// watermark truncated to the second, with `job_id_not` = every job already delivered whose
/// `discovered_at` is at or after that second. Each page moves the [`Watermark`], never an
/// offset.
///
/// # Why this is right whatever the server leaves unsaid
///
/// - **Precision.** Whether the server compares `discovered_at_gte` at full precision or at the
///   second, every job it can return again at the boundary is in the boundary second, and every
///   delivered job of that second is in `job_id_not`: nothing is paid for twice.
/// - **Order inside a page.** Rows are sorted by (`discovered_at`, `id`) before delivery and the
///   watermark is the page's latest instant, not its last row's, so a page sent in any order moves
///   it correctly. What the loop relies on is what `order_by` means: each response holds the
///   earliest matching jobs.
/// - **More rows than `limit`.** Every row the server sent is delivered (it is paid for; dropping
///   it would mean paying for it again on the next run) and counted against `max_credits`; the
///   next requests shrink, so a cap is passed by that excess only.
/// - **Rows from before the bound** (a server that ignored it) are delivered, counted in
///   [`IncrementalPage::before_cursor`] and never move the watermark back.
/// - **No progress.** A non-empty page that leaves the watermark as it was (only rows already
///   delivered) ends the stream with an error instead of paying for the same rows in a loop.
/// - **Jobs arriving during a run** are later than the watermark or excluded by id; they shift
///   nothing, since no offset is used.
///
/// Job search needs one of [`JOB_SEARCH_REQUIRED_FILTERS`](crate::filters::JOB_SEARCH_REQUIRED_FILTERS)
/// and `discovered_at_gte` does not count: the caller's filters must hold one (for example
/// `posted_at_max_age_days`), or nothing is sent. The stream is lazy and sequential: the next
/// request leaves only when the previous page has been consumed, so a caller that stores each
/// page before polling again loses at most the one page in flight.
#[derive(Debug, Clone)]
#[must_use = "an incremental search does nothing until its stream is polled"]
pub struct IncrementalJobs {
    client: Client,
    filters: types::JobSearchFiltersInput,
    watermark: Option<Watermark>,
    page_size: u64,
    max_items: Option<u64>,
    max_credits: Option<u64>,
    with_total: bool,
}

impl Client {
    /// Jobs matching `filters` discovered since `watermark` (all of them when `None`), oldest
    /// first, in pages that each carry the watermark to store with them.
    pub fn incremental_jobs(
        &self,
        filters: types::JobSearchFiltersInput,
        watermark: Option<Watermark>,
    ) -> IncrementalJobs {
        IncrementalJobs {
            client: self.clone(),
            filters,
            watermark,
            page_size: INCREMENTAL_MAX_PAGE_SIZE,
            max_items: None,
            max_credits: None,
            with_total: false,
        }
    }
}

impl IncrementalJobs {
    /// Rows per request, 1 to [`INCREMENTAL_MAX_PAGE_SIZE`] (default the maximum).
    pub fn page_size(mut self, rows: u64) -> Self {
        self.page_size = rows.clamp(1, INCREMENTAL_MAX_PAGE_SIZE);
        self
    }

    /// Ask for no more than this many rows in all.
    pub fn max_items(mut self, rows: u64) -> Self {
        self.max_items = Some(rows);
        self
    }

    /// Ask for no more than this many credits' worth of rows (1 credit per job). Rows a server
    /// sends past a request's limit are charged and delivered, and the next requests shrink.
    pub fn max_credits(mut self, credits: u64) -> Self {
        self.max_credits = Some(credits);
        self
    }

    /// Ask for `total_results` on the first request (slower on the server; for progress bars).
    pub fn with_total(mut self, on: bool) -> Self {
        self.with_total = on;
        self
    }

    /// What a page costs: 1 credit per job, nothing in preview mode.
    pub fn cost(&self) -> Cost {
        if self.filters.blur_company_data == Some(true) {
            Cost::Free
        } else {
            Cost::PerItem(CREDITS_PER_JOB)
        }
    }

    /// The watermark the stream starts from.
    pub fn watermark(&self) -> Option<&Watermark> {
        self.watermark.as_ref()
    }

    /// Checks the filters: the required-filter rule, and no field the incremental search sets
    /// itself (`order_by`, `cursor`, a non-zero `offset` or `page`). `limit` and
    /// `include_total_results` in the filters are ignored (see [`page_size`](Self::page_size)).
    pub fn check(&self) -> Result<()> {
        filters::check_job_search(&self.filters)?;
        let f = &self.filters;
        if !f.order_by.is_empty() {
            return Err(Error::invalid_input(
                "an incremental job search sets order_by itself (discovered_at ascending): remove order_by from the filters",
            ));
        }
        if f.cursor.is_some() {
            return Err(Error::invalid_input(
                "an incremental job search pages by discovered_at: remove cursor from the filters",
            ));
        }
        if f.offset.unwrap_or(0) != 0 || f.page.unwrap_or(0) != 0 {
            return Err(Error::invalid_input(
                "an incremental job search pages by discovered_at, not by offset or page: remove them from the filters",
            ));
        }
        user_lower_bound(f)?;
        Ok(())
    }

    /// The body of the first request, for a request of `limit` rows.
    pub fn first_request(&self, limit: u64) -> Result<types::JobSearchFiltersInput> {
        self.check()?;
        request_body(
            &self.filters,
            self.watermark.as_ref(),
            limit,
            self.with_total,
        )
    }

    /// What the stream will cost at most, from TheirStack's free count of the jobs matching the
    /// first request (without the count when the filters name companies, where preview mode is
    /// not offered: then from the caps alone).
    pub async fn estimate(&self) -> Result<Estimate> {
        let body = self.first_request(1)?;
        let matching = match self.client.count_jobs(&body).await {
            Ok(n) => Some(n),
            Err(e) if e.kind() == crate::ErrorKind::InvalidInput => None,
            Err(e) => return Err(e),
        };
        let cap = self.row_cap();
        let rows = match (matching, cap) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let credits = match self.cost() {
            Cost::Free => Some(0),
            cost => rows.map(|r| cost.of_page(r)),
        };
        Ok(Estimate {
            matching,
            rows,
            credits,
        })
    }

    /// The most rows the caps allow (`None`: no cap).
    pub fn row_cap(&self) -> Option<u64> {
        let by_credits = match self.cost() {
            Cost::Free => None,
            _ => self.max_credits,
        };
        match (self.max_items, by_credits) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The stream of pages. The first item is an error, and nothing is sent, when
    /// [`check`](Self::check) fails.
    pub fn pages(self) -> impl Stream<Item = Result<IncrementalPage>> + Send + 'static {
        let checked = self.check();
        let state = Run {
            rows_left: self.row_cap(),
            search: self,
            number: 0,
            done: false,
            pending_error: checked.err(),
        };
        stream::unfold(state, |mut state| async move {
            let item = state.next().await?;
            Some((item, state))
        })
    }
}

/// The lower bound the caller's own filters set, if any.
fn user_lower_bound(f: &types::JobSearchFiltersInput) -> Result<Option<Timestamp>> {
    let Some(text) = f.discovered_at_gte.as_deref() else {
        return Ok(None);
    };
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(Some(t));
    }
    if let Ok(d) = text.parse::<NaiveDate>() {
        let midnight = d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        return Ok(midnight.map(Timestamp));
    }
    Err(Error::invalid_input(format!(
        "discovered_at_gte `{}` is neither a date (YYYY-MM-DD) nor a date-time",
        text.chars().take(64).collect::<String>()
    )))
}

/// The body of one request from `watermark`.
fn request_body(
    filters: &types::JobSearchFiltersInput,
    watermark: Option<&Watermark>,
    limit: u64,
    include_total: bool,
) -> Result<types::JobSearchFiltersInput> {
    let mut body = filters.clone();
    let user = user_lower_bound(filters)?;
    if let Some(w) = watermark {
        // The caller's own bound stays as written when it is later than the watermark's second.
        if user.is_none_or(|u| u <= w.cursor()) {
            body.discovered_at_gte = Some(wire(w.cursor()));
        }
        let mut excluded: BTreeSet<i64> = body.job_id_not.iter().copied().collect();
        excluded.extend(w.boundary_ids.iter().copied());
        body.job_id_not = excluded.into_iter().collect();
    }
    let order: types::ColumnSortJobSearch = types::ColumnSortJobSearch::builder()
        .field(Some(types::ColumnSortJobSearchField::DiscoveredAt))
        .desc(Some(false))
        .try_into()?;
    body.order_by = vec![order];
    body.limit = std::num::NonZeroU64::new(limit);
    body.offset = None;
    body.page = None;
    body.cursor = None;
    body.include_total_results = include_total.then_some(true);
    Ok(body)
}

/// The running state of one stream.
struct Run {
    search: IncrementalJobs,
    rows_left: Option<u64>,
    number: u64,
    done: bool,
    pending_error: Option<Error>,
}

impl Run {
    async fn next(&mut self) -> Option<Result<IncrementalPage>> {
        if let Some(e) = self.pending_error.take() {
            self.done = true;
            return Some(Err(e));
        }
        if self.done {
            return None;
        }
        let limit = match self.rows_left {
            Some(left) => left.min(self.search.page_size),
            None => self.search.page_size,
        };
        if limit == 0 {
            self.done = true;
            return None;
        }
        let with_total = self.search.with_total && self.number == 0;
        let search = &self.search;
        let body = match request_body(
            &search.filters,
            search.watermark.as_ref(),
            limit,
            with_total,
        ) {
            Ok(body) => body,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        let cursor = body
            .discovered_at_gte
            .as_deref()
            .and_then(|t| t.parse::<Timestamp>().ok());
        let response = match search.client.search_jobs_v1().body(body).send().await {
            Ok(r) => r,
            Err(e) => {
                self.done = true;
                return Some(Err(e.into()));
            }
        };
        let rate_limit = RateLimit::from_headers(response.headers());
        let types::JobSearchResponse { data, metadata } = response.into_inner();
        Some(self.page(data, metadata, rate_limit, limit, cursor))
    }

    fn page(
        &mut self,
        data: Vec<types::JobWithMatchingPhrasesResponseOutput>,
        metadata: types::Metadata,
        rate_limit: Option<RateLimit>,
        limit: u64,
        cursor: Option<Timestamp>,
    ) -> Result<IncrementalPage> {
        let returned = data.len() as u64;
        let credits = self.search.cost().of_page(returned);
        if let Some(left) = &mut self.rows_left {
            *left = left.saturating_sub(returned);
        }
        let mut jobs = data;
        jobs.sort_by_key(|j| (j.discovered_at, j.id));
        // A repeated id keeps its last copy.
        jobs.reverse();
        let mut seen = BTreeSet::new();
        jobs.retain(|j| seen.insert(j.id));
        jobs.reverse();
        let before_cursor = match cursor {
            Some(c) => jobs.iter().filter(|j| j.discovered_at < c).count() as u64,
            None => 0,
        };
        if returned > limit || before_cursor > 0 {
            tracing::warn!(
                limit,
                returned,
                before_cursor,
                "the job search sent more rows than asked for, or rows from before discovered_at_gte; all are delivered and charged"
            );
        }
        let keys: Vec<(Timestamp, i64)> = jobs.iter().map(|j| (j.discovered_at, j.id)).collect();
        let previous = self.search.watermark.take();
        let watermark = Watermark::advance(previous.as_ref(), &keys);
        let stalled = !jobs.is_empty() && watermark == previous;
        self.search.watermark = watermark.clone();
        let withheld = metadata
            .truncated_results
            .unwrap_or(0)
            .max(metadata.truncated_companies.unwrap_or(0));
        let capped = self.rows_left == Some(0);
        let last = returned < limit || capped || withheld > 0 || stalled;
        if withheld > 0 {
            let headers = reqwest::header::HeaderMap::new();
            self.pending_error = Some(Error::credits_exhausted(withheld as u64, &headers));
        } else if stalled {
            self.pending_error = Some(Error::repeated_page(
                "the job search returned only jobs already delivered: the server appears to ignore discovered_at_gte or job_id_not; stopping instead of paying for them again",
            ));
        }
        self.done = last && self.pending_error.is_none();
        let number = self.number;
        self.number += 1;
        if jobs.is_empty()
            && let Some(e) = self.pending_error.take()
        {
            self.done = true;
            return Err(e);
        }
        Ok(IncrementalPage {
            jobs,
            watermark,
            credits,
            number,
            requested: limit,
            returned,
            before_cursor,
            last,
            metadata: Some(metadata),
            rate_limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_boundary_covers_the_whole_second() {
        let jobs = [
            (t("2026-01-01T00:00:01.900Z"), 3),
            (t("2026-01-01T00:00:02.100Z"), 1),
            (t("2026-01-01T00:00:02.700Z"), 2),
        ];
        let w = Watermark::advance(None, &jobs).unwrap();
        assert_eq!(w.discovered_at, t("2026-01-01T00:00:02.700Z"));
        assert_eq!(w.cursor(), t("2026-01-01T00:00:02Z"));
        assert_eq!(
            w.boundary_ids,
            [1, 2],
            "every delivered job of the boundary second"
        );
        // A later page in the same second adds to the boundary; unordered input is fine.
        let w2 = Watermark::advance(Some(&w), &[(t("2026-01-01T00:00:02.300Z"), 9)]).unwrap();
        assert_eq!(w2.discovered_at, w.discovered_at, "never moves back");
        assert_eq!(w2.boundary_ids, [1, 2, 9]);
        // A page in a later second starts a new boundary.
        let w3 = Watermark::advance(Some(&w2), &[(t("2026-01-01T00:00:03Z"), 4)]).unwrap();
        assert_eq!(w3.boundary_ids, [4]);
        assert_eq!(Watermark::advance(Some(&w3), &[]).as_ref(), Some(&w3));
        assert_eq!(Watermark::advance(None, &[]), None);
    }

    #[test]
    fn the_request_sets_the_keyset_fields() {
        let mut filters: types::JobSearchFiltersInput = serde_json::from_value(
            serde_json::json!({"posted_at_max_age_days": 30, "job_id_not": [100]}),
        )
        .unwrap();
        let w = Watermark::new(t("2026-01-01T10:00:05.5Z"), [7, 8]);
        let body =
            serde_json::to_value(request_body(&filters, Some(&w), 500, false).unwrap()).unwrap();
        assert_eq!(body["discovered_at_gte"], "2026-01-01T10:00:05Z");
        assert_eq!(body["job_id_not"], serde_json::json!([7, 8, 100]));
        assert_eq!(
            body["order_by"],
            serde_json::json!([{"field": "discovered_at", "desc": false}])
        );
        assert_eq!(body["limit"], 500);
        assert!(body.get("offset").is_none() && body.get("page").is_none());
        // A later bound of the caller's own is kept as written.
        filters.discovered_at_gte = Some("2026-02-01".into());
        let body = request_body(&filters, Some(&w), 10, false).unwrap();
        assert_eq!(body.discovered_at_gte.as_deref(), Some("2026-02-01"));
    }

    #[test]
    fn watermarks_round_trip_through_serde() {
        let w = Watermark::new(t("2026-01-01T10:00:05.123456Z"), [3, 1, 3]);
        assert_eq!(w.boundary_ids, [1, 3]);
        let text = serde_json::to_string(&w).unwrap();
        assert_eq!(serde_json::from_str::<Watermark>(&text).unwrap(), w);
    }
}
