//! The store behind a small trait: [`Store`] (a database: lock a sync, query status, store a
//! webhook delivery) and [`SyncLock`] (one locked sync: every page in one transaction with its
//! watermark and counters). [`open`] picks SQLite or PostgreSQL from a URL.
//!
//! Both schemas are versioned migrations applied on open; a database whose version is newer
//! than [`SCHEMA_VERSION`] is refused with [`SyncError::SchemaTooNew`].

use crate::error::{Result, SyncError};
use crate::record::{
    DeliveryOutcome, DeliveryRecord, Holder, PageCommit, PageRecord, RunOutcome, SyncDefinition,
    SyncStatus,
};
use std::future::Future;
use std::time::Duration;

pub mod postgres;
pub mod sqlite;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// The newest schema version this crate writes.
pub const SCHEMA_VERSION: i64 = 2;

/// The database a sync and the webhook receiver write to.
pub trait Store: Send + Sync + 'static {
    /// A sync locked by this process.
    type Lock: SyncLock;

    /// Takes the lock of sync `name` for `holder`, or says who holds it.
    fn try_lock(
        &self,
        name: &str,
        holder: &Holder,
    ) -> impl Future<Output = Result<std::result::Result<Self::Lock, Holder>>> + Send;

    /// Every sync (or the one named), by name.
    fn status(&self, name: Option<&str>) -> impl Future<Output = Result<Vec<SyncStatus>>> + Send;

    /// Stores a webhook delivery in one transaction, unless its event id is stored already.
    fn store_delivery(
        &self,
        delivery: &DeliveryRecord,
    ) -> impl Future<Output = Result<DeliveryOutcome>> + Send;

    /// Whether the database answers.
    fn ping(&self) -> impl Future<Output = Result<()>> + Send;
}

/// One sync, locked: nobody else fetches for it until this is released or dropped (or, for a
/// holder that died, until its lease expires or its connection closes).
pub trait SyncLock: Send + 'static {
    /// The sync's filters and watermark, if it exists.
    fn load(&mut self) -> impl Future<Output = Result<Option<SyncDefinition>>> + Send;

    /// Creates the sync with `filters` (canonical JSON), or with `reset` replaces its filters,
    /// clears its watermark and forgets which jobs it stored (the jobs stay).
    fn define(&mut self, filters: &str, reset: bool) -> impl Future<Output = Result<()>> + Send;

    /// Records a new run (marking runs a dead holder left `running` as `interrupted`).
    fn start_run(&mut self) -> impl Future<Output = Result<i64>> + Send;

    /// Stores one page, its watermark and the run's counters in one transaction.
    fn commit_page(
        &mut self,
        run: i64,
        page: PageRecord,
    ) -> impl Future<Output = Result<PageCommit>> + Send;

    /// Records how a run ended.
    fn finish_run(
        &mut self,
        run: i64,
        outcome: &RunOutcome,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Releases the lock.
    fn release(self) -> impl Future<Output = Result<()>> + Send;
}

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DB: &str = "theirstack.db";

/// How long a SQLite lease lasts without renewal; a running holder renews it every third.
pub const LEASE: Duration = Duration::from_secs(60);

/// A store opened from a URL: `postgres://…` / `postgresql://…`, or a SQLite path (optionally
/// `sqlite:` / `sqlite://`-prefixed).
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyStore {
    /// SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PostgresStore),
}

/// A lock of an [`AnyStore`].
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyLock {
    /// SQLite.
    Sqlite(sqlite::SqliteLock),
    /// PostgreSQL.
    Postgres(postgres::PostgresLock),
}

/// Opens (creating it if needed) the database at `url` and applies its migrations.
pub async fn open(url: &str) -> Result<AnyStore> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(AnyStore::Postgres(PostgresStore::connect(url).await?));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() {
        return Err(SyncError::InvalidInput(
            "the database URL is empty: give a SQLite file or a postgres:// URL".into(),
        ));
    }
    if path.contains("://") {
        return Err(SyncError::InvalidInput(format!(
            "unsupported database URL scheme in `{}`: use a SQLite file path or postgres://",
            redact_url(url)
        )));
    }
    Ok(AnyStore::Sqlite(SqliteStore::open(path).await?))
}

/// `url` with any password replaced, for messages.
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some((auth, host)) => (auth, host),
        None => return url.to_owned(),
    };
    let user = auth.split(':').next().unwrap_or("");
    format!("{scheme}://{user}:***@{host}")
}

impl Store for AnyStore {
    type Lock = AnyLock;

    async fn try_lock(
        &self,
        name: &str,
        holder: &Holder,
    ) -> Result<std::result::Result<AnyLock, Holder>> {
        Ok(match self {
            AnyStore::Sqlite(s) => s.try_lock(name, holder).await?.map(AnyLock::Sqlite),
            AnyStore::Postgres(s) => s.try_lock(name, holder).await?.map(AnyLock::Postgres),
        })
    }

    async fn status(&self, name: Option<&str>) -> Result<Vec<SyncStatus>> {
        match self {
            AnyStore::Sqlite(s) => s.status(name).await,
            AnyStore::Postgres(s) => s.status(name).await,
        }
    }

    async fn store_delivery(&self, delivery: &DeliveryRecord) -> Result<DeliveryOutcome> {
        match self {
            AnyStore::Sqlite(s) => s.store_delivery(delivery).await,
            AnyStore::Postgres(s) => s.store_delivery(delivery).await,
        }
    }

    async fn ping(&self) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.ping().await,
            AnyStore::Postgres(s) => s.ping().await,
        }
    }
}

impl SyncLock for AnyLock {
    async fn load(&mut self) -> Result<Option<SyncDefinition>> {
        match self {
            AnyLock::Sqlite(l) => l.load().await,
            AnyLock::Postgres(l) => l.load().await,
        }
    }

    async fn define(&mut self, filters: &str, reset: bool) -> Result<()> {
        match self {
            AnyLock::Sqlite(l) => l.define(filters, reset).await,
            AnyLock::Postgres(l) => l.define(filters, reset).await,
        }
    }

    async fn start_run(&mut self) -> Result<i64> {
        match self {
            AnyLock::Sqlite(l) => l.start_run().await,
            AnyLock::Postgres(l) => l.start_run().await,
        }
    }

    async fn commit_page(&mut self, run: i64, page: PageRecord) -> Result<PageCommit> {
        match self {
            AnyLock::Sqlite(l) => l.commit_page(run, page).await,
            AnyLock::Postgres(l) => l.commit_page(run, page).await,
        }
    }

    async fn finish_run(&mut self, run: i64, outcome: &RunOutcome) -> Result<()> {
        match self {
            AnyLock::Sqlite(l) => l.finish_run(run, outcome).await,
            AnyLock::Postgres(l) => l.finish_run(run, outcome).await,
        }
    }

    async fn release(self) -> Result<()> {
        match self {
            AnyLock::Sqlite(l) => l.release().await,
            AnyLock::Postgres(l) => l.release().await,
        }
    }
}

/// A run's status word.
pub(crate) fn outcome_parts(outcome: &RunOutcome) -> (&'static str, Option<&str>) {
    match outcome {
        RunOutcome::Completed => ("completed", None),
        RunOutcome::Failed(m) => ("failed", Some(m.as_str())),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact_url("postgres://u:secret@h:5/db"),
            "postgres://u:***@h:5/db"
        );
        assert_eq!(super::redact_url("postgres://h/db"), "postgres://h/db");
    }
}
