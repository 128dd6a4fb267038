//! `SandboxConfig`: how a sandbox is set up, its defaults and the checks made before it starts.
//!
//! Rule: every setting has a default; [`SandboxConfig::check`] refuses what cannot be served.

use crate::limits::RateLimitWindow;
use chrono::{DateTime, Datelike, Utc};
use std::fmt;
use std::time::Duration;
use theirstack::ApiKey;

/// Most synthetic jobs a sandbox holds.
pub const MAX_JOBS: usize = 200_000;
/// Most synthetic companies a sandbox holds.
pub const MAX_COMPANIES: usize = 50_000;

/// 2026-03-01T12:00:00Z, the default "now" of the synthetic data.
const DEFAULT_NOW: i64 = 1_772_366_400;

/// How a sandbox is set up. Every setting has a default; see the [crate docs](crate).
#[derive(Clone)]
pub struct SandboxConfig {
    pub(crate) port: u16,
    pub(crate) seed: u64,
    pub(crate) api_key: String,
    pub(crate) api_credits: u64,
    pub(crate) ui_credits: u64,
    pub(crate) jobs: usize,
    pub(crate) companies: usize,
    pub(crate) rate_limits: Vec<RateLimitWindow>,
    pub(crate) now: DateTime<Utc>,
    pub(crate) webhook_events: usize,
    pub(crate) delivery_interval: Option<Duration>,
    pub(crate) delivery_timeout: Duration,
    pub(crate) remote_webhooks: bool,
    pub(crate) discovered_at_precision: Option<Duration>,
    pub(crate) request_log: usize,
}

/// Requests the log keeps by default.
const DEFAULT_REQUEST_LOG: usize = 10_000;

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            seed: 42,
            api_key: "sandbox-key".to_string(),
            api_credits: 10_000,
            ui_credits: 500,
            jobs: 5_000,
            companies: 500,
            rate_limits: RateLimitWindow::paid_tier(),
            now: DateTime::from_timestamp(DEFAULT_NOW, 0).unwrap_or_default(),
            webhook_events: 50,
            delivery_interval: None,
            delivery_timeout: Duration::from_secs(10),
            remote_webhooks: false,
            discovered_at_precision: None,
            request_log: DEFAULT_REQUEST_LOG,
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("port", &self.port)
            .field("seed", &self.seed)
            .field("api_key", &"<redacted>")
            .field("api_credits", &self.api_credits)
            .field("ui_credits", &self.ui_credits)
            .field("jobs", &self.jobs)
            .field("companies", &self.companies)
            .field("rate_limits", &self.rate_limits)
            .field("now", &self.now)
            .field("webhook_events", &self.webhook_events)
            .field("delivery_interval", &self.delivery_interval)
            .field("delivery_timeout", &self.delivery_timeout)
            .field("remote_webhooks", &self.remote_webhooks)
            .field("discovered_at_precision", &self.discovered_at_precision)
            .field("request_log", &self.request_log)
            .finish()
    }
}

impl SandboxConfig {
    /// Port on `127.0.0.1`; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Seed of the synthetic data. Default 42.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The key clients must send. Default `sandbox-key`. Checked like the client checks keys.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// API credits at start. Default 10,000.
    pub fn api_credits(mut self, credits: u64) -> Self {
        self.api_credits = credits;
        self
    }

    /// UI (company) credits reported by the balance; never spent. Default 500.
    pub fn ui_credits(mut self, credits: u64) -> Self {
        self.ui_credits = credits;
        self
    }

    /// Number of synthetic jobs, at most [`MAX_JOBS`]. Default 5,000.
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs;
        self
    }

    /// Number of synthetic companies, at most [`MAX_COMPANIES`] and at least 1 when there are
    /// jobs. Default 500.
    pub fn companies(mut self, companies: usize) -> Self {
        self.companies = companies;
        self
    }

    /// The rate-limit windows of the searches, in header order; empty turns limits off.
    /// Default [`RateLimitWindow::paid_tier`].
    pub fn rate_limits(mut self, windows: Vec<RateLimitWindow>) -> Self {
        self.rate_limits = windows;
        self
    }

    /// TheirStack's free-tier limits ([`RateLimitWindow::free_tier`]).
    pub fn free_tier(self) -> Self {
        self.rate_limits(RateLimitWindow::free_tier())
    }

    /// The moment the data is relative to and the sandbox clock starts from. Default
    /// 2026-03-01T12:00:00Z.
    pub fn now(mut self, now: DateTime<Utc>) -> Self {
        self.now = now;
        self
    }

    /// Most events a new webhook starts with. Default 50.
    pub fn webhook_events(mut self, events: usize) -> Self {
        self.webhook_events = events;
        self
    }

    /// Runs a delivery every `interval` in the background (first run at start). Default: none;
    /// deliveries happen only through [`Sandbox::deliver_pending`](crate::Sandbox::deliver_pending).
    pub fn delivery_interval(mut self, interval: Duration) -> Self {
        self.delivery_interval = Some(interval);
        self
    }

    /// Time allowed for one webhook delivery or test delivery. Default 10 s.
    pub fn delivery_timeout(mut self, timeout: Duration) -> Self {
        self.delivery_timeout = timeout;
        self
    }

    /// Lets webhook deliveries and test deliveries go to hosts other than loopback. Default off.
    pub fn allow_remote_webhooks(mut self, allow: bool) -> Self {
        self.remote_webhooks = allow;
        self
    }

    /// Compares the date-times of `discovered_at_gte` and `discovered_at_lte` at this precision:
    /// the bound and each job's `discovered_at` are both cut down to a multiple of it (since the
    /// Unix epoch) before they are compared, as a server that keeps whole seconds does with
    /// `Duration::from_secs(1)`: `discovered_at_gte` of 12:00:00.700 then also finds a job
    /// discovered at 12:00:00.200. Zero, like the default, compares exactly.
    pub fn discovered_at_precision(mut self, precision: Duration) -> Self {
        self.discovered_at_precision = Some(precision);
        self
    }

    /// How many requests [`Sandbox::requests`](crate::Sandbox::requests) keeps, the oldest
    /// dropped first; 0 keeps none. Default 10,000.
    pub fn request_log(mut self, requests: usize) -> Self {
        self.request_log = requests;
        self
    }

    /// Why this configuration cannot be served, if it cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        ApiKey::new(self.api_key.clone()).map_err(|e| e.to_string())?;
        if let Some(problem) = self.rate_limits.iter().find_map(RateLimitWindow::problem) {
            return Err(problem);
        }
        if self.jobs > MAX_JOBS {
            return Err(format!("at most {MAX_JOBS} jobs"));
        }
        if self.companies > MAX_COMPANIES {
            return Err(format!("at most {MAX_COMPANIES} companies"));
        }
        if self.jobs > 0 && self.companies == 0 {
            return Err("jobs need at least one company".to_string());
        }
        if self.delivery_interval.is_some_and(|d| d.is_zero()) {
            return Err("the delivery interval must not be zero".to_string());
        }
        let year = self.now.year();
        if !(1970..=9999).contains(&year) {
            return Err(format!(
                "`now` must fall between the years 1970 and 9999, not {year}"
            ));
        }
        if self.delivery_timeout.is_zero() {
            return Err("the delivery timeout must not be zero".to_string());
        }
        if self
            .discovered_at_precision
            .is_some_and(|p| chrono::Duration::from_std(p).is_err())
        {
            return Err("the discovered_at precision is too large".to_string());
        }
        Ok(())
    }
}
