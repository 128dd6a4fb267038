//! `theirstack-sync`: keep a database of matching TheirStack jobs current, crash-safe, never
//! paying twice for a job; and receive TheirStack webhooks into the same database.
//!
//! # Running a sync
//!
//! ```no_run
//! # async fn example() -> Result<(), theirstack_sync::SyncError> {
//! use theirstack_sync::{SyncJobs, read_filters, store};
//!
//! let client = theirstack::Client::from_env()?;
//! let db = store::open(store::DEFAULT_DB).await?; // or "postgres://user@host/db"
//! let filters = read_filters("filters.json")?; // must hold e.g. "posted_at_max_age_days"
//! let session = SyncJobs::new("data-engineers", filters)
//!     .max_credits(5_000)
//!     .lock(&client, &db, &mut |_| {})
//!     .await?;
//! println!("may cost {:?} credits", session.estimate().await?.credits);
//! let report = session.run(|event| eprintln!("{event:?}")).await?;
//! println!("{} new jobs for {} credits", report.new_rows, report.credits);
//! # Ok(()) }
//! ```
//!
//! The first run of a name backfills (within the caps); every later run asks only for jobs
//! discovered since its watermark (see [`theirstack::pagination::IncrementalJobs`]). Each page is
//! stored with the new watermark and the run's counters in one transaction, so a run killed at
//! any instant loses nothing, stores nothing twice, and re-pays at most the page in flight. A
//! lock in the database keeps two runs of one sync from fetching at once.
//!
//! # Schema
//!
//! `jobs` (keyed by job id: title, company name, domain and id, country code, remote, hybrid,
//! seniority, salary min/max USD, date posted, discovered at, closed, closed at, url, and the
//! whole job as JSON — JSONB on PostgreSQL), `companies` (keyed by company id, upserted from each
//! job's company object and `company.new` deliveries; the stored JSON is the union of the fields
//! seen), `syncs` (name, canonical filters, watermark, rows stored, credits spent), `sync_runs`,
//! `sync_jobs` (which jobs each sync stored), `sync_locks` and `webhook_events` (by event id).
//! Migrations are versioned ([`store::SCHEMA_VERSION`]) and applied on open.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod error;
pub mod record;
pub mod store;
mod sync;
pub mod webhooks;

pub use error::{Result, SyncError};
pub use record::{Holder, RunSummary, SyncStatus};
pub use store::{AnyStore, DEFAULT_DB, Store, SyncLock, open};
pub use sync::{
    LOCK_POLL, SyncEvent, SyncJobs, SyncReport, SyncSession, canonical_filters, parse_filters,
    read_filters, status,
};
pub use webhooks::{ServeConfig, WebhookServer, serve};
