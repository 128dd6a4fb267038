//! Rate limits: what responses report ([`RateLimit`]), the quotas a client assumes ([`Quota`],
//! [`Tier`]), and the limiter that keeps every request of a key under them.
//!
//! Rule: one limiter per API key, base URL and [`EndpointGroup`], shared by every clone of a
//! `Client` and every client built with the same key and base URL, and by everything that runs
//! on them (paginators, look-ahead windows, concurrent tasks calling operations directly). A
//! request takes its slot before it is sent, and a slot is spent whatever the answer. The
//! limiter keeps a log of send times and holds every window at once as a sliding window, the way
//! TheirStack counts: a request goes out only when, in each window, fewer requests than its quota
//! were sent in the window's length before it (plus a small margin for arrival-time jitter).
//! Until a response says otherwise the limiter assumes the tier set on the builder (default
//! [`Tier::Paid`], 4 requests per second); `RateLimit-Policy` replaces the quotas with the
//! server's, and `RateLimit` / `RateLimit-Remaining` / `RateLimit-Reset` add the requests other
//! processes on the same key have spent. A request that would wait longer than the client's
//! `max_pacing_wait` fails at once with a rate-limited error naming the window and the wait.

mod headers;
mod limiter;
mod registry;

pub use headers::{RateLimit, Window};
pub(crate) use limiter::{Limiter, Refusal};
pub(crate) use registry::{Limiters, limiters_for};

use std::fmt;
use std::time::Duration;

/// Endpoints that share rate-limit windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndpointGroup {
    /// Job search, company search, technographics and buying intents, which share their limits.
    Search,
    /// Every other operation.
    Other,
}

/// The search operations: they share one set of rate-limit windows and only read data. Buying
/// intents is counted with them: sharing is the reading that can never overshoot.
pub(crate) const SEARCH_OPERATIONS: [&str; 4] = [
    "search_jobs_v1",
    "search_companies_v1",
    "technographics_v1",
    "buying_intents_v1",
];

impl EndpointGroup {
    /// The group of an operation id.
    pub fn of(operation_id: &str) -> EndpointGroup {
        if SEARCH_OPERATIONS.contains(&operation_id) {
            EndpointGroup::Search
        } else {
            EndpointGroup::Other
        }
    }

    /// Every group.
    pub const ALL: [EndpointGroup; 2] = [EndpointGroup::Search, EndpointGroup::Other];

    pub(crate) fn index(self) -> usize {
        match self {
            EndpointGroup::Search => 0,
            EndpointGroup::Other => 1,
        }
    }
}

/// One sliding window: at most `requests` requests in any span of `window`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Quota {
    /// The policy's name, such as `per-minute`, when known.
    pub name: Option<String>,
    /// Requests allowed in the window (at least 1).
    pub requests: u32,
    /// The window's length (more than zero).
    pub window: Duration,
}

impl Quota {
    /// At most `requests` requests in any span of `window`. `None` when either is zero.
    pub fn new(requests: u32, window: Duration) -> Option<Quota> {
        (requests > 0 && !window.is_zero()).then_some(Quota {
            name: None,
            requests,
            window,
        })
    }

    /// The same quota with a name.
    pub fn named(mut self, name: impl Into<String>) -> Quota {
        self.name = Some(name.into());
        self
    }

    fn documented(name: &str, requests: u32, seconds: u64) -> Quota {
        Quota {
            name: Some(name.to_string()),
            requests,
            window: Duration::from_secs(seconds),
        }
    }

    /// Requests per second this quota allows in the long run.
    pub fn rate(&self) -> f64 {
        f64::from(self.requests) / self.window.as_secs_f64()
    }
}

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let requests = self.requests;
        let window = self.window.as_secs_f64();
        match &self.name {
            Some(name) => write!(f, "the {name} window ({requests} requests per {window} s)"),
            None => write!(f, "the window of {requests} requests per {window} s"),
        }
    }
}

/// TheirStack's documented tiers for the search endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Tier {
    /// An account that has made a payment: 4 requests per second.
    #[default]
    Paid,
    /// An account that never paid: 4 per second, 10 per minute, 50 per hour, 400 per day.
    Free,
}

impl Tier {
    /// The tier's quotas for the search endpoints, shortest window first.
    pub fn quotas(self) -> Vec<Quota> {
        let mut quotas = vec![Quota::documented("per-second", 4, 1)];
        if self == Tier::Free {
            quotas.extend([
                Quota::documented("per-minute", 10, 60),
                Quota::documented("per-hour", 50, 3_600),
                Quota::documented("per-day", 400, 86_400),
            ]);
        }
        quotas
    }
}

/// Default time added to every window, so that a request sent exactly one window after the one
/// it replaces cannot arrive inside that window.
pub const DEFAULT_MARGIN: Duration = Duration::from_millis(50);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_the_documented_quotas() {
        let paid = Tier::Paid.quotas();
        assert_eq!(paid.len(), 1);
        assert_eq!((paid[0].requests, paid[0].window.as_secs()), (4, 1));
        let free: Vec<(u32, u64)> = Tier::Free
            .quotas()
            .iter()
            .map(|q| (q.requests, q.window.as_secs()))
            .collect();
        assert_eq!(free, [(4, 1), (10, 60), (50, 3_600), (400, 86_400)]);
        assert_eq!(Tier::default(), Tier::Paid);
    }

    #[test]
    fn quotas_refuse_zero_and_read_well() {
        assert_eq!(Quota::new(0, Duration::from_secs(1)), None);
        assert_eq!(Quota::new(1, Duration::ZERO), None);
        let q = Quota::new(10, Duration::from_secs(60))
            .unwrap()
            .named("per-minute");
        assert_eq!(
            q.to_string(),
            "the per-minute window (10 requests per 60 s)"
        );
        assert!((q.rate() - 10.0 / 60.0).abs() < 1e-12);
    }

    #[test]
    fn groups_of_operations() {
        assert_eq!(EndpointGroup::of("search_jobs_v1"), EndpointGroup::Search);
        assert_eq!(
            EndpointGroup::of("buying_intents_v1"),
            EndpointGroup::Search
        );
        assert_eq!(EndpointGroup::of("get_webhooks_v0"), EndpointGroup::Other);
    }
}
