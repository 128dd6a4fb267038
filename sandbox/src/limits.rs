//! Rate limits of the three search endpoints.
//!
//! Rule: each configured window is a sliding log of the requests it accepted, shared by job
//! search, company search and technographics. A request is refused (429) when any window is
//! full, and a refused request is not counted. Every answer of those endpoints, 429 included,
//! carries `RateLimit`, `RateLimit-Policy`, `RateLimit-Limit`, `RateLimit-Remaining` and
//! `RateLimit-Reset`, one comma-separated item per window, in the configured order. Time is
//! [`tokio::time::Instant`], so tests on tokio's paused clock control it.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// The partition key sent in `RateLimit` (`pk`): base64 of `user:1`, the sandbox's only user.
pub(crate) const PARTITION_KEY: &str = "dXNlcjox";

/// One rate-limit window: at most `limit` requests in any `window`, named `name` in the headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitWindow {
    name: String,
    limit: u64,
    window: Duration,
}

impl RateLimitWindow {
    /// A window named `name` (as in `"per-second"`) allowing `limit` requests per `window`.
    /// Checked when the sandbox starts: a non-empty name of printable ASCII without `"` or `\`,
    /// a limit of at least 1 and a window of at least one second.
    pub fn new(name: impl Into<String>, limit: u64, window: Duration) -> RateLimitWindow {
        RateLimitWindow {
            name: name.into(),
            limit,
            window,
        }
    }

    /// TheirStack's paid tier: 4 requests per second.
    pub fn paid_tier() -> Vec<RateLimitWindow> {
        vec![RateLimitWindow::new(
            "per-second",
            4,
            Duration::from_secs(1),
        )]
    }

    /// TheirStack's free tier: 4 per second, 10 per minute, 50 per hour, 400 per day.
    pub fn free_tier() -> Vec<RateLimitWindow> {
        vec![
            RateLimitWindow::new("per-second", 4, Duration::from_secs(1)),
            RateLimitWindow::new("per-minute", 10, Duration::from_secs(60)),
            RateLimitWindow::new("per-hour", 50, Duration::from_secs(3600)),
            RateLimitWindow::new("per-day", 400, Duration::from_secs(86_400)),
        ]
    }

    /// The policy name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Requests allowed per window.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The window's length.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Why this window cannot be served, if it cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        let name_ok = !self.name.is_empty()
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\' && c != ',');
        if !name_ok {
            return Some(format!(
                "rate-limit window name {:?} must be non-empty printable ASCII without quotes, backslashes or commas",
                self.name
            ));
        }
        if self.limit == 0 {
            return Some(format!(
                "rate-limit window `{}` allows 0 requests",
                self.name
            ));
        }
        if self.window < Duration::from_secs(1) {
            return Some(format!(
                "rate-limit window `{}` is shorter than one second",
                self.name
            ));
        }
        None
    }
}

/// Whole seconds, rounded up.
fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// The sliding logs of every window.
#[derive(Debug)]
pub(crate) struct Limiter {
    windows: Vec<(RateLimitWindow, VecDeque<Instant>)>,
}

impl Limiter {
    pub(crate) fn new(windows: &[RateLimitWindow]) -> Limiter {
        Limiter {
            windows: windows
                .iter()
                .map(|w| (w.clone(), VecDeque::new()))
                .collect(),
        }
    }

    /// Counts a request at `now`: `Ok(headers)` when every window had room, else the headers and
    /// the names of the full windows (a 429).
    pub(crate) fn admit(&mut self, now: Instant) -> Result<HeaderMap, (HeaderMap, String)> {
        for (window, log) in &mut self.windows {
            while log.front().is_some_and(|t| *t + window.window <= now) {
                log.pop_front();
            }
        }
        let full: Vec<String> = self
            .windows
            .iter()
            .filter(|(w, log)| log.len() as u64 >= w.limit)
            .map(|(w, _)| format!("`{}` ({} per {} s)", w.name, w.limit, ceil_secs(w.window)))
            .collect();
        if full.is_empty() {
            for (_, log) in &mut self.windows {
                log.push_back(now);
            }
            Ok(self.headers(now))
        } else {
            Err((self.headers(now), full.join(", ")))
        }
    }

    /// The five headers for the current state.
    fn headers(&self, now: Instant) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if self.windows.is_empty() {
            return headers;
        }
        let mut state = Vec::new();
        let mut policy = Vec::new();
        let mut limit = Vec::new();
        let mut remaining = Vec::new();
        let mut reset = Vec::new();
        for (w, log) in &self.windows {
            let left = w.limit.saturating_sub(log.len() as u64);
            let until = match log.front() {
                Some(oldest) => ceil_secs((*oldest + w.window).saturating_duration_since(now)),
                None => ceil_secs(w.window),
            };
            state.push(format!(
                "\"{}\";r={left};t={until};pk=\"{PARTITION_KEY}\"",
                w.name
            ));
            policy.push(format!(
                "\"{}\";q={};w={}",
                w.name,
                w.limit,
                ceil_secs(w.window)
            ));
            limit.push(w.limit.to_string());
            remaining.push(left.to_string());
            reset.push(until.to_string());
        }
        for (name, items) in [
            ("ratelimit", state),
            ("ratelimit-policy", policy),
            ("ratelimit-limit", limit),
            ("ratelimit-remaining", remaining),
            ("ratelimit-reset", reset),
        ] {
            // Names were checked at start; a value that is still not a header value is skipped.
            if let Ok(value) = HeaderValue::from_str(&items.join(", ")) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(h: &HeaderMap, name: &str) -> String {
        h.get(name).unwrap().to_str().unwrap().to_string()
    }

    #[tokio::test(start_paused = true)]
    async fn free_tier_headers_match_the_documented_example() {
        let mut limiter = Limiter::new(&RateLimitWindow::free_tier());
        let h = limiter.admit(Instant::now()).unwrap();
        assert_eq!(header(&h, "ratelimit-limit"), "4, 10, 50, 400");
        assert_eq!(header(&h, "ratelimit-remaining"), "3, 9, 49, 399");
        assert_eq!(header(&h, "ratelimit-reset"), "1, 60, 3600, 86400");
        assert_eq!(
            header(&h, "ratelimit-policy"),
            r#""per-second";q=4;w=1, "per-minute";q=10;w=60, "per-hour";q=50;w=3600, "per-day";q=400;w=86400"#
        );
        assert!(
            header(&h, "ratelimit")
                .starts_with(r#""per-second";r=3;t=1;pk="dXNlcjox", "per-minute";r=9;t=60;"#)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_window_refuses_without_counting_and_slides() {
        let mut limiter = Limiter::new(&[RateLimitWindow::new("w", 2, Duration::from_secs(10))]);
        let start = Instant::now();
        assert!(limiter.admit(start).is_ok());
        assert!(limiter.admit(start + Duration::from_secs(4)).is_ok());
        let (refused, names) = limiter.admit(start + Duration::from_secs(5)).unwrap_err();
        assert_eq!(names, "`w` (2 per 10 s)");
        assert_eq!(header(&refused, "ratelimit-remaining"), "0");
        assert_eq!(header(&refused, "ratelimit-reset"), "5");
        // The first request leaves the window at 10 s; the refused one was never counted.
        let h = limiter.admit(start + Duration::from_secs(10)).unwrap();
        assert_eq!(header(&h, "ratelimit-remaining"), "0");
        assert_eq!(header(&h, "ratelimit-reset"), "4");
    }

    #[test]
    fn windows_are_checked() {
        assert!(
            RateLimitWindow::new("ok", 1, Duration::from_secs(1))
                .problem()
                .is_none()
        );
        assert!(
            RateLimitWindow::new("a\"b", 1, Duration::from_secs(1))
                .problem()
                .is_some()
        );
        assert!(
            RateLimitWindow::new("", 1, Duration::from_secs(1))
                .problem()
                .is_some()
        );
        assert!(
            RateLimitWindow::new("x", 0, Duration::from_secs(1))
                .problem()
                .is_some()
        );
        assert!(
            RateLimitWindow::new("x", 1, Duration::from_millis(10))
                .problem()
                .is_some()
        );
    }
}
