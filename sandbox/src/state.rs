//! `Shared`: the state the server's handlers and the `Sandbox` handle share.
//!
//! Rule: one value per sandbox, behind an `Arc`; every mutable part sits behind its own lock,
//! and the sandbox clock is the configured `now` plus the time since start. The data is a
//! snapshot (`Arc<Dataset>`): a request takes one and holds no lock while it reads, and the rare
//! writer (jobs added or closed) changes it in place when no request holds it, else a copy, so
//! reads stay fast and no lock order can deadlock. A writer records webhook events after it
//! released the data, so that a request which sees an event also sees its job.

#[cfg(sandbox_company_lists)]
use crate::company_lists;
use crate::config::SandboxConfig;
use crate::errors::{Failure, Kind};
use crate::request_log::LoggedRequest;
use crate::{credits, data, limits, webhooks};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use tokio::time::Instant;

/// Id of the sandbox's only user and team.
pub(crate) const USER_ID: i64 = 1;

/// State shared by the server's handlers and the [`Sandbox`] handle.
pub(crate) struct Shared {
    pub(crate) config: SandboxConfig,
    pub(crate) data: RwLock<Arc<data::Dataset>>,
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
    /// The last requests answered, for [`Sandbox::requests`](crate::Sandbox::requests).
    pub(crate) request_log: Mutex<VecDeque<LoggedRequest>>,
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

    /// The data as it is now: a snapshot, read without a lock.
    pub(crate) fn data(&self) -> Arc<data::Dataset> {
        self.data.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Changes the data: in place when no request holds a snapshot, else in a copy that the
    /// next requests see.
    pub(crate) fn change_data<T>(&self, change: impl FnOnce(&mut data::Dataset) -> T) -> T {
        let mut guard = self.data.write().unwrap_or_else(|e| e.into_inner());
        change(Arc::make_mut(&mut guard))
    }

    /// How precisely `discovered_at_gte` and `discovered_at_lte` date-times are compared
    /// (`None`: exactly).
    pub(crate) fn precision(&self) -> Option<chrono::Duration> {
        self.config
            .discovered_at_precision
            .filter(|p| !p.is_zero())
            .and_then(|p| chrono::Duration::from_std(p).ok())
    }

    /// Keeps a request in the log, dropping the oldest past the configured length.
    pub(crate) fn log_request(&self, entry: LoggedRequest) {
        let limit = self.config.request_log;
        if limit == 0 {
            return;
        }
        let mut log = lock(&self.request_log);
        log.push_back(entry);
        while log.len() > limit {
            log.pop_front();
        }
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
