//! `Shared`: the state the server's handlers and the `Sandbox` handle share.
//!
//! Rule: one value per sandbox, behind an `Arc`; the data is read-only, every mutable part sits
//! behind its own lock, and the sandbox clock is the configured `now` plus the time since start.

#[cfg(sandbox_company_lists)]
use crate::company_lists;
use crate::config::SandboxConfig;
use crate::errors::{Failure, Kind};
use crate::{credits, data, limits, webhooks};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};
use tokio::time::Instant;

/// Id of the sandbox's only user and team.
pub(crate) const USER_ID: i64 = 1;

/// State shared by the server's handlers and the [`Sandbox`] handle.
pub(crate) struct Shared {
    pub(crate) config: SandboxConfig,
    pub(crate) data: data::Dataset,
    pub(crate) http: reqwest::Client,
    pub(crate) started: Instant,
    pub(crate) api_key: String,
    pub(crate) request_ids: AtomicI64,
    pub(crate) ledger: Mutex<credits::Ledger>,
    pub(crate) limiter: Mutex<limits::Limiter>,
    pub(crate) webhooks: Mutex<webhooks::Store>,
    #[cfg(sandbox_company_lists)]
    pub(crate) company_lists: Mutex<company_lists::Store>,
    /// Authorized requests per UTC day, for `GET /v0/requests/count`.
    pub(crate) requests: Mutex<BTreeMap<NaiveDate, u64>>,
    pub(crate) delivery: tokio::sync::Mutex<()>,
}

/// Locks a mutex, recovering the data of a poisoned one.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// The sandbox clock: the configured `now` plus the time since start.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        chrono::Duration::from_std(self.started.elapsed())
            .ok()
            .and_then(|elapsed| self.config.now.checked_add_signed(elapsed))
            .unwrap_or(self.config.now)
    }

    pub(crate) fn ledger(&self) -> MutexGuard<'_, credits::Ledger> {
        lock(&self.ledger)
    }

    pub(crate) fn webhooks(&self) -> MutexGuard<'_, webhooks::Store> {
        lock(&self.webhooks)
    }

    #[cfg(sandbox_company_lists)]
    pub(crate) fn company_lists(&self) -> MutexGuard<'_, company_lists::Store> {
        lock(&self.company_lists)
    }

    /// Counts an authorized request on today's date.
    pub(crate) fn count_request(&self) {
        *lock(&self.requests)
            .entry(self.now().date_naive())
            .or_default() += 1;
    }

    /// Authorized requests on `day`.
    pub(crate) fn requests_on(&self, day: NaiveDate) -> u64 {
        lock(&self.requests).get(&day).copied().unwrap_or(0)
    }

    /// Counts a search request against the rate limits.
    pub(crate) fn admit(&self) -> Result<HeaderMap, Failure> {
        lock(&self.limiter)
            .admit(Instant::now())
            .map_err(|(headers, full)| {
                Failure::new(Kind::RateLimited, format!("rate limit exceeded: {full}"))
                    .with_headers(headers)
            })
    }

    /// The response of a handler: the failure's envelope, numbered, or the success.
    pub(crate) fn finish(&self, result: Result<Response, Failure>) -> Response {
        match result {
            Ok(response) => response,
            Err(failure) => {
                let id = self.request_ids.fetch_add(1, Ordering::Relaxed);
                failure.into_response(id)
            }
        }
    }
}
