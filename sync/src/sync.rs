//! `sync jobs`: one named sync run against a store. Lock the sync, check its filters against
//! the ones it was created with, then store page after page, each in one transaction with the
//! watermark and the run's counters, reporting progress as [`SyncEvent`]s.
//!
//! The next request is sent only once the previous page is committed, so a run killed at any
//! instant re-pays at most the page in flight, and a database error ends it before another.

use crate::error::{Result, SyncError};
use crate::record::{Holder, PageRecord, RunOutcome, rows_of};
use crate::store::{Store, SyncLock};
use futures::StreamExt;
use serde::Serialize;
use std::time::Duration;
use theirstack::Client;
use theirstack::pagination::{Estimate, IncrementalJobs, IncrementalPage, Watermark};
use theirstack::types::JobSearchFiltersInput;

/// How often a run told to wait asks for the lock again.
pub const LOCK_POLL: Duration = Duration::from_secs(5);

/// Progress of a sync, for a progress bar or a log.
#[derive(Debug)]
#[non_exhaustive]
pub enum SyncEvent<'a> {
    /// The lock is held by another run; waiting for it.
    Waiting {
        /// Who holds it.
        holder: &'a Holder,
    },
    /// The run started.
    Started {
        /// The sync's name.
        name: &'a str,
        /// Where it starts (`None`: a backfill from the start).
        watermark: Option<&'a Watermark>,
    },
    /// A page arrived and was decoded; it is about to be stored.
    PageFetched {
        /// Page number in this run, from 0.
        number: u64,
        /// Rows the server sent.
        rows: u64,
        /// What it cost.
        credits: u64,
        /// Matching jobs still to fetch, when the first request asked for the total.
        remaining: Option<u64>,
    },
    /// A page was committed.
    PageStored {
        /// Page number in this run, from 0.
        number: u64,
        /// Jobs this sync had not stored before.
        new_rows: u64,
        /// Rows stored by this run so far.
        total_rows: u64,
        /// Credits spent by this run so far.
        total_credits: u64,
        /// The watermark now stored.
        watermark: Option<&'a Watermark>,
    },
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SyncReport {
    /// The run's id in `sync_runs`.
    pub run_id: i64,
    /// Whether it started without a watermark.
    pub backfill: bool,
    /// Pages stored.
    pub pages: u64,
    /// Rows the server sent.
    pub rows: u64,
    /// Jobs the sync had not stored before.
    pub new_rows: u64,
    /// Credits spent.
    pub credits: u64,
    /// The watermark stored at the end.
    pub watermark: Option<Watermark>,
}

/// One named sync of job search results into a store: `theirstack sync jobs`.
///
/// The filters must hold one of TheirStack's required job-search filters
/// ([`JOB_SEARCH_REQUIRED_FILTERS`](theirstack::filters::JOB_SEARCH_REQUIRED_FILTERS), e.g.
/// `posted_at_max_age_days`); `discovered_at_gte` does not count. They may not set `order_by`,
/// `cursor`, a non-zero `offset` or `page`, or preview mode; `limit`, `page`, `offset` and
/// `include_total_results` are not part of a sync's identity.
#[derive(Debug, Clone)]
#[must_use = "a sync does nothing until it is run"]
pub struct SyncJobs {
    name: String,
    filters: JobSearchFiltersInput,
    max_credits: Option<u64>,
    max_results: Option<u64>,
    page_size: Option<u64>,
    reset: bool,
    wait: bool,
    with_total: bool,
    poll: Duration,
}

impl SyncJobs {
    /// The sync `name` of jobs matching `filters`.
    pub fn new(name: impl Into<String>, filters: JobSearchFiltersInput) -> SyncJobs {
        SyncJobs {
            name: name.into(),
            filters,
            max_credits: None,
            max_results: None,
            page_size: None,
            reset: false,
            wait: false,
            with_total: false,
            poll: LOCK_POLL,
        }
    }

    /// Spend at most this many credits in this run.
    pub fn max_credits(mut self, credits: u64) -> Self {
        self.max_credits = Some(credits);
        self
    }

    /// Fetch at most this many jobs in this run.
    pub fn max_results(mut self, rows: u64) -> Self {
        self.max_results = Some(rows);
        self
    }

    /// Rows per request (default 500).
    pub fn page_size(mut self, rows: u64) -> Self {
        self.page_size = Some(rows);
        self
    }

    /// Start the sync over with these filters if they differ from the stored ones (the jobs
    /// stay; the backfill pays for the jobs it returns again).
    pub fn reset(mut self, reset: bool) -> Self {
        self.reset = reset;
        self
    }

    /// Wait for a run that holds the lock instead of failing with [`SyncError::Locked`].
    pub fn wait(mut self, wait: bool) -> Self {
        self.wait = wait;
        self
    }

    /// How often to ask for the lock again while waiting (default [`LOCK_POLL`]).
    pub fn lock_poll(mut self, every: Duration) -> Self {
        self.poll = every;
        self
    }

    /// Ask for `total_results` on the first request, for [`SyncEvent::PageFetched::remaining`].
    pub fn with_total(mut self, on: bool) -> Self {
        self.with_total = on;
        self
    }

    /// The sync's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The filters as they identify the sync: canonical JSON without the paging fields.
    pub fn canonical_filters(&self) -> Result<String> {
        canonical_filters(&self.filters)
    }

    fn check(&self) -> Result<()> {
        let name = &self.name;
        if name.trim().is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
            return Err(SyncError::InvalidInput(
                "a sync name must be 1 to 200 characters, without control characters".into(),
            ));
        }
        if self.filters.blur_company_data == Some(true) {
            return Err(SyncError::InvalidInput(
                "a sync stores jobs: preview mode (blur_company_data) would store blurred rows; remove it".into(),
            ));
        }
        Ok(())
    }

    /// Locks the sync (waiting if told to) and checks or records its filters: the step before
    /// [`SyncSession::estimate`] and [`SyncSession::run`]. Nothing is sent to TheirStack.
    pub async fn lock<S: Store>(
        self,
        client: &Client,
        store: &S,
        on_event: &mut (dyn FnMut(&SyncEvent<'_>) + Send),
    ) -> Result<SyncSession<S::Lock>> {
        self.check()?;
        let filters = self.canonical_filters()?;
        // The request rules are checked before anything is locked or written.
        client
            .incremental_jobs(self.filters.clone(), None)
            .check()
            .map_err(|e| SyncError::InvalidInput(e.to_string()))?;
        let holder = Holder::this_process();
        let mut lock = loop {
            match store.try_lock(&self.name, &holder).await? {
                Ok(lock) => break lock,
                Err(other) if self.wait => {
                    on_event(&SyncEvent::Waiting { holder: &other });
                    tokio::time::sleep(self.poll).await;
                }
                Err(other) => {
                    return Err(SyncError::Locked {
                        name: self.name,
                        holder: other,
                    });
                }
            }
        };
        let watermark = match lock.load().await? {
            Some(stored) if stored.filters == filters => stored.watermark,
            Some(stored) if !self.reset => {
                let _ = lock.release().await;
                return Err(SyncError::FiltersChanged {
                    name: self.name,
                    stored: stored.filters,
                    given: filters,
                });
            }
            Some(_) => {
                lock.define(&filters, true).await?;
                None
            }
            None => {
                lock.define(&filters, false).await?;
                None
            }
        };
        Ok(SyncSession {
            job: self,
            client: client.clone(),
            lock,
            watermark,
        })
    }

    /// [`lock`](Self::lock) then [`SyncSession::run`], without a credit guard in between.
    pub async fn run<S: Store>(
        self,
        client: &Client,
        store: &S,
        mut on_event: impl FnMut(&SyncEvent<'_>) + Send,
    ) -> Result<SyncReport> {
        let session = self.lock(client, store, &mut on_event).await?;
        session.run(on_event).await
    }
}

/// Filters as canonical JSON: sorted keys, without `limit`, `page`, `offset` and
/// `include_total_results`.
pub fn canonical_filters(filters: &JobSearchFiltersInput) -> Result<String> {
    let mut value = serde_json::to_value(filters)
        .map_err(|e| SyncError::InvalidInput(format!("the filters do not serialize: {e}")))?;
    if let Some(map) = value.as_object_mut() {
        for key in ["limit", "page", "offset", "include_total_results"] {
            map.remove(key);
        }
    }
    Ok(sorted(value).to_string())
}

fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}

/// Reads job search filters from a JSON file, or from standard input for `-`.
pub fn read_filters(path: &str) -> Result<JobSearchFiltersInput> {
    let (text, shown) = if path == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| SyncError::InvalidInput(format!("reading filters from stdin: {e}")))?;
        (text, "stdin".to_owned())
    } else {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SyncError::InvalidInput(format!("reading filters from {path}: {e}")))?;
        (text, path.to_owned())
    };
    parse_filters(&text).map_err(|e| SyncError::InvalidInput(format!("{shown}: {e}")))
}

/// Parses job search filters from JSON; the error names the field that failed.
pub fn parse_filters(json: &str) -> std::result::Result<JobSearchFiltersInput, String> {
    let mut de = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        format!(
            "invalid job search filters at `{}`: {}",
            e.path(),
            e.inner()
        )
    })
}

/// A locked sync, ready to run: its watermark is known, and a credit guard can look at
/// [`estimate`](Self::estimate) before [`run`](Self::run) spends anything.
#[derive(Debug)]
pub struct SyncSession<L: SyncLock> {
    job: SyncJobs,
    client: Client,
    lock: L,
    watermark: Option<Watermark>,
}

impl<L: SyncLock> SyncSession<L> {
    /// Where the run will start (`None`: a backfill).
    pub fn watermark(&self) -> Option<&Watermark> {
        self.watermark.as_ref()
    }

    /// The incremental search the run will page through.
    pub fn search(&self) -> IncrementalJobs {
        let mut search = self
            .client
            .incremental_jobs(self.job.filters.clone(), self.watermark.clone())
            .with_total(self.job.with_total);
        if let Some(n) = self.job.page_size {
            search = search.page_size(n);
        }
        if let Some(n) = self.job.max_results {
            search = search.max_items(n);
        }
        if let Some(n) = self.job.max_credits {
            search = search.max_credits(n);
        }
        search
    }

    /// What the run will cost at most: TheirStack's free count of the jobs discovered since the
    /// watermark, cut by the caps (the caps alone when the filters name companies).
    pub async fn estimate(&self) -> Result<Estimate> {
        Ok(self.search().estimate().await?)
    }

    /// Releases the lock without running.
    pub async fn release(self) -> Result<()> {
        self.lock.release().await
    }

    /// Runs the sync to the end (caught up, or a cap reached), then releases the lock.
    pub async fn run(
        mut self,
        mut on_event: impl FnMut(&SyncEvent<'_>) + Send,
    ) -> Result<SyncReport> {
        let search = self.search();
        let run_id = self.lock.start_run().await?;
        on_event(&SyncEvent::Started {
            name: &self.job.name,
            watermark: self.watermark.as_ref(),
        });
        let mut report = SyncReport {
            run_id,
            backfill: self.watermark.is_none(),
            watermark: self.watermark.clone(),
            ..SyncReport::default()
        };
        let result = self.pages(search, &mut report, &mut on_event).await;
        let outcome = match &result {
            Ok(()) => RunOutcome::Completed,
            Err(e) => RunOutcome::Failed(e.to_string()),
        };
        let finished = self.lock.finish_run(run_id, &outcome).await;
        let released = self.lock.release().await;
        result?;
        finished?;
        released?;
        Ok(report)
    }

    async fn pages(
        &mut self,
        search: IncrementalJobs,
        report: &mut SyncReport,
        on_event: &mut (impl FnMut(&SyncEvent<'_>) + Send),
    ) -> Result<()> {
        let mut pages = std::pin::pin!(search.pages());
        while let Some(page) = pages.next().await {
            let page = page?;
            let number = page.number;
            let remaining = page
                .metadata
                .as_ref()
                .and_then(|m| m.total_results)
                .and_then(|t| u64::try_from(t).ok());
            on_event(&SyncEvent::PageFetched {
                number,
                rows: page.returned,
                credits: page.credits,
                remaining,
            });
            let record = record_of(page)?;
            let (returned, credits) = (record.returned, record.credits);
            let watermark = record.watermark.clone();
            let commit = self.lock.commit_page(report.run_id, record).await?;
            report.pages += 1;
            report.rows += returned;
            report.new_rows += commit.new_rows;
            report.credits += credits;
            if watermark.is_some() {
                report.watermark = watermark;
            }
            on_event(&SyncEvent::PageStored {
                number,
                new_rows: commit.new_rows,
                total_rows: report.rows,
                total_credits: report.credits,
                watermark: report.watermark.as_ref(),
            });
        }
        Ok(())
    }
}

/// The record of a page: the jobs as JSON rows (each typed job dropped once converted).
fn record_of(page: IncrementalPage) -> Result<PageRecord> {
    let IncrementalPage {
        jobs,
        watermark,
        credits,
        returned,
        ..
    } = page;
    let values = jobs
        .into_iter()
        .map(|job| serde_json::to_value(job).unwrap_or(serde_json::Value::Null));
    let (jobs, companies) = rows_of(values).map_err(|e| {
        SyncError::InvalidInput(format!("a job the search returned cannot be stored: {e}"))
    })?;
    Ok(PageRecord {
        jobs,
        companies,
        watermark,
        returned,
        credits,
    })
}

/// `theirstack sync status`: every sync (or the one named).
pub async fn status<S: Store>(
    store: &S,
    name: Option<&str>,
) -> Result<Vec<crate::record::SyncStatus>> {
    store.status(name).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_filters_ignore_paging_and_key_order() {
        let a = parse_filters(r#"{"limit": 25, "page": 0, "posted_at_max_age_days": 7, "job_country_code_or": ["US"]}"#).unwrap();
        let b = parse_filters(r#"{"job_country_code_or": ["US"], "posted_at_max_age_days": 7}"#)
            .unwrap();
        assert_eq!(
            canonical_filters(&a).unwrap(),
            canonical_filters(&b).unwrap()
        );
        let err = parse_filters(r#"{"posted_at_max_age_days": "x"}"#).unwrap_err();
        assert!(err.contains("posted_at_max_age_days"), "{err}");
    }
}
