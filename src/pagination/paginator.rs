//! [`Paginator`]: the options of a pull (page size, caps, start, look-ahead), the streams it
//! builds, and what a capped pull will cost before it starts ([`Estimate`]).

use super::plan::Planner;
use super::source::Source;
use super::stream::{Page, State};
use crate::client::Client;
use crate::error::{Result, ResumePosition};
use crate::pricing::Cost;
use futures::future::Either;
use futures::stream::{self, Stream, StreamExt};

/// Builds a pagination stream over one [`Source`]. See the [module docs](super) for the rules.
#[derive(Debug, Clone)]
#[must_use = "a paginator does nothing until its stream is polled"]
pub struct Paginator<S> {
    pub(crate) client: Client,
    pub(crate) source: S,
    page_size: Option<u64>,
    max_items: Option<u64>,
    max_credits: Option<u64>,
    start: Start,
    look_ahead: LookAhead,
}

/// How many requests of a pull may be in flight at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LookAhead {
    /// At most this many (1: one after the other, the default).
    Fixed(usize),
    /// As many as the rate limit can use: the quota of the endpoint group's shortest window (the
    /// burst it lets out at once) times the windows the measured latency spans, at most
    /// [`LookAhead::AUTO_MAX`] (before any answer, the burst alone); one at a time when the group
    /// has no known quota. Requests past what the limit allows wait for their slots.
    Auto,
}

impl LookAhead {
    /// The deepest [`LookAhead::Auto`] goes.
    pub const AUTO_MAX: usize = 8;
}

impl From<usize> for LookAhead {
    fn from(requests: usize) -> Self {
        LookAhead::Fixed(requests.max(1))
    }
}

#[derive(Debug, Clone, Copy)]
enum Start {
    Offset(u64),
    Page(u64),
}

/// What a capped pull will cost, known before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Estimate {
    /// Rows matching the filters (from the free count, or the first page's total), when known.
    pub matching: Option<u64>,
    /// Most rows the pull will fetch (`None`: unbounded and uncounted).
    pub rows: Option<u64>,
    /// Most credits the pull will spend (`None`: unbounded and uncounted).
    pub credits: Option<u64>,
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
            look_ahead: LookAhead::Fixed(1),
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

    /// Stop before spending more than this many credits at the endpoint's price. No request
    /// asks for more than the budget left; every row the server returns counts against it,
    /// delivered or not, so a server that sends more rows than a request asked for is charged
    /// for them and the next requests shrink (the cap can then be passed by that excess only).
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

    /// Requests in flight at once: a number (default 1: one after the other) or
    /// [`LookAhead::Auto`]. With more than one possible, the first request asks for
    /// `total_results` so that no request goes past the end. Every request still takes its slot
    /// in the client's rate limiter, so a deeper look-ahead never sends faster than the limit
    /// allows: it only keeps the limit busy when responses are slow.
    pub fn look_ahead(mut self, requests: impl Into<LookAhead>) -> Self {
        self.look_ahead = requests.into();
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

    /// The offset of the first row the pull asks for.
    pub fn start_position(&self) -> u64 {
        match self.start {
            Start::Offset(o) => o,
            Start::Page(p) => p.saturating_mul(self.page_size.unwrap_or(S::MAX_PAGE_SIZE)),
        }
    }

    /// The estimate for a known number of matching rows (`None`: unknown). An endpoint priced
    /// per lookup costs its price once per request it may send.
    pub fn estimate_from(&self, matching: Option<u64>) -> Estimate {
        let available = matching.map(|m| m.saturating_sub(self.start_position()));
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

    /// The stream of pages.
    pub fn pages(self) -> impl Stream<Item = Result<Page<S::Item>>> + Send + 'static {
        let start = self.start_position();
        let cost = self.source.cost();
        let planner = Planner {
            next_offset: start,
            page_size: self.effective_page_size(),
            paging: S::PAGING,
            end: self.max_items.map(|cap| start.saturating_add(cap)),
            total: None,
            cost,
            credits_left: self.max_credits.filter(|_| !cost.is_free()),
            want_total: self.source.wants_total()
                || (self.look_ahead != LookAhead::Fixed(1) && S::HAS_TOTAL),
            planned: 0,
            stopped: false,
        };
        let state = State::new(self.client, self.source, planner, self.look_ahead);
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
