//! The running state of a pull: requests in flight, pages checked and cut to what was asked for,
//! the stop rules, and the position an error resumes from.
//!
//! A page is cut to its request's `limit` before anything is delivered, so a cap holds whatever
//! the server sends; the rows it returned are all counted against the credit budget.

use super::paginator::LookAhead;
use super::plan::Planner;
use super::source::{PageRequest, Paging, RawPage, RowKey, Source};
use crate::client::Client;
use crate::error::{Error, Result, ResumePosition};
use crate::rate_limit::{EndpointGroup, RateLimit};
use crate::types;
use futures::stream::{FuturesOrdered, StreamExt};
use std::future::Future;
use std::pin::Pin;

/// One page of a stream, with its metadata, rate-limit state and cost.
#[derive(Debug)]
#[non_exhaustive]
pub struct Page<T> {
    /// The rows, in the server's order; never more than the request asked for.
    pub items: Vec<T>,
    /// Offset of the first row in the result set.
    pub offset: u64,
    /// Search metadata (`total_results`, `truncated_results`, …), when the endpoint has it.
    pub metadata: Option<types::Metadata>,
    /// The rate-limit state the response reported.
    pub rate_limit: Option<RateLimit>,
    /// Credits the response cost at the documented price: every row the server returned,
    /// including rows past the request's limit that were not delivered.
    pub credits: u64,
}

type Fetch<T> = Pin<Box<dyn Future<Output = (PageRequest, Result<RawPage<T>>)> + Send>>;

/// A page request running as a task; dropping it (the stream stopped or was dropped) aborts
/// the task.
struct Spawned<T> {
    task: tokio::task::JoinHandle<(PageRequest, Result<RawPage<T>>)>,
    request: PageRequest,
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

pub(crate) struct State<S: Source> {
    pub(crate) client: Client,
    pub(crate) source: S,
    pub(crate) planner: Planner,
    pub(crate) look_ahead: LookAhead,
    pub(crate) first_seen: bool,
    in_flight: FuturesOrdered<Fetch<S::Item>>,
    previous_keys: Option<Vec<RowKey>>,
    delivered_to: u64,
    pending_error: Option<Error>,
    done: bool,
}

impl<S: Source> State<S> {
    pub(crate) fn new(client: Client, source: S, planner: Planner, look_ahead: LookAhead) -> Self {
        let delivered_to = planner.next_offset;
        State {
            client,
            source,
            planner,
            look_ahead,
            first_seen: false,
            in_flight: FuturesOrdered::new(),
            previous_keys: None,
            delivered_to,
            pending_error: None,
            done: false,
        }
    }

    fn fill(&mut self) {
        // Without a cap, `total_results` is unknown until the first page is back: one request
        // at a time until then. With a cap, every planned request is inside what the caller
        // asked for, and one past the end costs nothing (an empty page), so the window opens
        // at once.
        let capacity = if self.first_seen || self.planner.is_capped() {
            self.depth()
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
                Ok(runtime) if self.look_ahead != LookAhead::Fixed(1) => {
                    self.in_flight.push_back(Box::pin(Spawned {
                        task: runtime.spawn(fetch),
                        request,
                    }));
                }
                _ => self.in_flight.push_back(Box::pin(fetch)),
            }
        }
    }

    /// Requests allowed in flight now.
    fn depth(&self) -> usize {
        match self.look_ahead {
            LookAhead::Fixed(n) => n.max(1),
            LookAhead::Auto => {
                // Enough requests to use the shortest window's whole burst, once per window the
                // measured latency spans (before any answer, the burst alone).
                let group = EndpointGroup::of(S::OPERATION);
                let quotas = self.client.rate_limit_quotas(group);
                let Some(shortest) = quotas.first() else {
                    // No known limit: one at a time, rather than guess how much it takes.
                    return 1;
                };
                let latency = self.client.observed_latency(group).unwrap_or_default();
                let windows = (latency.as_secs_f64() / shortest.window.as_secs_f64())
                    .ceil()
                    .max(1.0);
                ((shortest.requests as f64 * windows) as usize).clamp(1, LookAhead::AUTO_MAX)
            }
        }
    }

    fn finish(&mut self, error: Error) -> Option<Result<Page<S::Item>>> {
        self.done = true;
        self.in_flight.clear();
        Some(Err(error.with_resume(ResumePosition::at(self.delivered_to))))
    }

    fn stop_after_this_page(&mut self) {
        self.planner.stop();
        self.done = true;
        self.in_flight.clear();
    }

    pub(crate) async fn next_page(&mut self) -> Option<Result<Page<S::Item>>> {
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
        let RawPage {
            mut items,
            metadata,
            headers,
            ..
        } = raw;
        let returned = items.len() as u64;
        let cost = self.source.cost();
        // The server charges for every row it sent: the budget counts them all.
        self.planner.charge_extra(&request, returned);
        if returned > request.limit {
            items.truncate(request.limit as usize);
            tracing::warn!(
                offset = request.offset,
                limit = request.limit,
                returned,
                dropped = returned - request.limit,
                credits_charged = cost.of_page(returned),
                "the server returned more rows than the request asked for; the rows past its limit are dropped"
            );
        }
        let rows = items.len() as u64;
        if let Some(total) = metadata
            .as_ref()
            .and_then(|m| m.total_results)
            .and_then(|t| u64::try_from(t).ok())
        {
            self.planner.total = Some(total);
        }
        let mut keys: Vec<RowKey> = items.iter().map(S::key).collect();
        keys.sort_unstable();
        if rows > 0 && self.previous_keys.as_ref() == Some(&keys) {
            let field = match S::PAGING {
                Paging::Offset => "offset",
                Paging::Page => "page",
            };
            return self.finish(Error::repeated_page(format!(
                "the page at offset {} repeats the previous page ({rows} rows): the server appears to ignore `{field}`; stopping instead of looping",
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
        let end_reached = returned < request.limit
            || self
                .planner
                .total
                .is_some_and(|t| request.offset + rows >= t);
        if rows == 0 || end_reached || withheld > 0 {
            self.stop_after_this_page();
        }
        if withheld > 0 {
            self.pending_error = Some(Error::credits_exhausted(withheld as u64, &headers));
        }
        self.delivered_to = request.offset + rows;
        if rows == 0 {
            return self.pending_error.take().and_then(|e| self.finish(e));
        }
        Some(Ok(Page {
            items,
            offset: request.offset,
            metadata,
            rate_limit: RateLimit::from_headers(&headers),
            credits: cost.of_page(returned),
        }))
    }
}
