//! The SQLite store: one file, WAL mode with `synchronous = FULL`, every page in one `BEGIN
//! IMMEDIATE` transaction. A sync's lock is a lease row (host, pid, since, expiry) renewed while
//! its holder runs; a lease whose holder's process is gone (same host) or whose expiry passed is
//! taken over, so a crashed holder never blocks for longer than [`LEASE`].

use super::{LEASE, SCHEMA_VERSION, Store, SyncLock, outcome_parts};
use crate::error::{Result, SyncError};
use crate::record::{
    CompanyRow, DeliveryOutcome, DeliveryRecord, Holder, JobRow, PageCommit, PageRecord,
    RunOutcome, RunSummary, SyncDefinition, SyncStatus, sql_time,
};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use theirstack::types::Timestamp;

/// How long a statement waits for another writer before failing.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The migrations, in order; each runs in its own transaction.
const MIGRATIONS: [(i64, &str); 2] = [
    (1, include_str!("sqlite_schema.sql")),
    (
        2,
        "-- Version 2: webhook deliveries, kept by event id so a repeat is ignored.
        CREATE TABLE webhook_events (
          event_id INTEGER PRIMARY KEY,
          event_type TEXT NOT NULL,
          job_id INTEGER,
          company_id TEXT,
          received_at TEXT NOT NULL,
          payload TEXT NOT NULL
        );",
    ),
];

const JOB_UPSERT: &str = "INSERT INTO jobs (id, title, company_name, company_domain, company_id,
  country_code, remote, hybrid, seniority, min_salary_usd, max_salary_usd, date_posted,
  discovered_at, closed, closed_at, url, job, first_stored_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18)
ON CONFLICT (id) DO UPDATE SET title = excluded.title, company_name = excluded.company_name,
  company_domain = excluded.company_domain, company_id = excluded.company_id,
  country_code = excluded.country_code, remote = excluded.remote, hybrid = excluded.hybrid,
  seniority = excluded.seniority, min_salary_usd = excluded.min_salary_usd,
  max_salary_usd = excluded.max_salary_usd, date_posted = excluded.date_posted,
  discovered_at = excluded.discovered_at, closed = max(jobs.closed, excluded.closed),
  closed_at = coalesce(excluded.closed_at, jobs.closed_at), url = excluded.url,
  job = excluded.job, updated_at = excluded.updated_at";

const COMPANY_UPSERT: &str = "INSERT INTO companies (id, name, domain, country_code, industry,
  employee_count, linkedin_url, company, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (id) DO UPDATE SET name = coalesce(excluded.name, companies.name),
  domain = coalesce(excluded.domain, companies.domain),
  country_code = coalesce(excluded.country_code, companies.country_code),
  industry = coalesce(excluded.industry, companies.industry),
  employee_count = coalesce(excluded.employee_count, companies.employee_count),
  linkedin_url = coalesce(excluded.linkedin_url, companies.linkedin_url),
  company = json_patch(companies.company, excluded.company), updated_at = excluded.updated_at";

/// A SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    path: PathBuf,
    busy_timeout: Duration,
    conn: Arc<Mutex<Connection>>,
}

fn err(context: &'static str) -> impl Fn(rusqlite::Error) -> SyncError {
    move |e| SyncError::db(context, e)
}

fn connect(path: &Path, busy_timeout: Duration) -> Result<Connection> {
    let conn = Connection::open(path)
        .map_err(|e| SyncError::db(format!("opening the SQLite file {}", path.display()), e))?;
    conn.busy_timeout(busy_timeout)
        .map_err(err("setting the busy timeout"))?;
    let _mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(err("turning on WAL mode"))?;
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(err("setting the pragmas"))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(err("starting the migrations"))?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )
    .map_err(err("creating schema_migrations"))?;
    let found: i64 = tx
        .query_row(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )
        .map_err(err("reading the schema version"))?;
    if found > SCHEMA_VERSION {
        return Err(SyncError::SchemaTooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
        tx.execute_batch(sql)
            .map_err(|e| SyncError::db(format!("applying migration {version}"), e))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            params![version, sql_time(Utc::now())],
        )
        .map_err(err("recording a migration"))?;
    }
    tx.commit().map_err(err("committing the migrations"))
}

/// Runs `f` on the connection on the blocking pool.
async fn blocking<T: Send + 'static>(
    conn: &Arc<Mutex<Connection>>,
    f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
) -> Result<T> {
    let conn = conn.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    })
    .await
    .map_err(|e| SyncError::db("running a SQLite statement", e))?
}

impl SqliteStore {
    /// Opens (creating) the file at `path` and applies its migrations.
    pub async fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        SqliteStore::open_with(path, DEFAULT_BUSY_TIMEOUT).await
    }

    /// [`open`](Self::open) with how long a statement waits for another writer.
    pub async fn open_with(path: impl AsRef<Path>, busy_timeout: Duration) -> Result<SqliteStore> {
        let path = path.as_ref().to_path_buf();
        let p = path.clone();
        let conn = tokio::task::spawn_blocking(move || {
            let mut conn = connect(&p, busy_timeout)?;
            migrate(&mut conn)?;
            Ok::<_, SyncError>(conn)
        })
        .await
        .map_err(|e| SyncError::db("opening the SQLite file", e))??;
        Ok(SqliteStore {
            path,
            busy_timeout,
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether process `pid` of this host is alive (not a zombie). Without `/proc`, assumed alive.
fn pid_alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !matches!(
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.trim_start().chars().next()),
            Some('Z' | 'X')
        ),
        Err(_) => false,
    }
}

fn parse_time(text: &str) -> DateTime<Utc> {
    text.parse::<Timestamp>()
        .map(|t| t.0)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn upsert_job(stmt: &mut rusqlite::CachedStatement<'_>, j: &JobRow, now: &str) -> Result<()> {
    stmt.execute(params![
        j.id,
        j.title,
        j.company_name,
        j.company_domain,
        j.company_id,
        j.country_code,
        j.remote,
        j.hybrid,
        j.seniority,
        j.min_salary_usd,
        j.max_salary_usd,
        j.date_posted.map(|d| d.to_string()),
        sql_time(j.discovered_at),
        j.closed,
        j.closed_at.map(sql_time),
        j.url,
        j.json,
        now,
    ])
    .map_err(|e| SyncError::db(format!("storing job {}", j.id), e))?;
    Ok(())
}

fn upsert_company(
    stmt: &mut rusqlite::CachedStatement<'_>,
    c: &CompanyRow,
    now: &str,
) -> Result<()> {
    stmt.execute(params![
        c.id,
        c.name,
        c.domain,
        c.country_code,
        c.industry,
        c.employee_count,
        c.linkedin_url,
        c.json,
        now
    ])
    .map_err(|e| SyncError::db(format!("storing company {}", c.id), e))?;
    Ok(())
}

impl Store for SqliteStore {
    type Lock = SqliteLock;

    async fn try_lock(
        &self,
        name: &str,
        holder: &Holder,
    ) -> Result<std::result::Result<SqliteLock, Holder>> {
        let (path, busy) = (self.path.clone(), self.busy_timeout);
        let (name, me) = (name.to_owned(), holder.clone());
        let token = format!("{}-{:016x}", me.pid, fastrand::u64(..));
        let t = token.clone();
        let n = name.clone();
        let taken = tokio::task::spawn_blocking(move || {
            let mut conn = connect(&path, busy)?;
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(err("taking the sync's lock"))?;
            let current = tx
                .query_row(
                    "SELECT host, pid, since, expires_at FROM sync_locks WHERE name = ?1",
                    [&n],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, u32>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                        ))
                    },
                )
                .optional()
                .map_err(err("reading the sync's lock"))?;
            let now = Utc::now();
            if let Some((host, pid, since, expires)) = current {
                let dead = host == me.host && !pid_alive(pid);
                if parse_time(&expires) > now && !dead {
                    return Ok(Err(Holder::new(host, pid, parse_time(&since))));
                }
            }
            tx.execute(
                "INSERT OR REPLACE INTO sync_locks (name, token, host, pid, since, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![n, t, me.host, me.pid, sql_time(me.since), sql_time(now + LEASE)],
            )
            .map_err(err("taking the sync's lock"))?;
            tx.commit().map_err(err("taking the sync's lock"))?;
            Ok::<_, SyncError>(Ok(conn))
        })
        .await
        .map_err(|e| SyncError::db("taking the sync's lock", e))??;
        let conn = match taken {
            Ok(conn) => Arc::new(Mutex::new(conn)),
            Err(holder) => return Ok(Err(holder)),
        };
        let lost = Arc::new(AtomicBool::new(false));
        let renew = tokio::spawn(renew_lease(
            conn.clone(),
            name.clone(),
            token.clone(),
            lost.clone(),
        ));
        Ok(Ok(SqliteLock {
            conn,
            name,
            token,
            holder: holder.clone(),
            lost,
            renew,
            released: false,
        }))
    }

    async fn status(&self, name: Option<&str>) -> Result<Vec<SyncStatus>> {
        let name = name.map(str::to_owned);
        blocking(&self.conn, move |conn| {
            let mut stmt = conn
                .prepare(
                    "SELECT s.name, s.filters, s.watermark, s.rows_stored, s.credits_spent, s.created_at,
                       r.id, r.status, r.started_at, r.finished_at, r.pages, r.rows_returned,
                       r.new_rows, r.credits, r.error
                     FROM syncs s LEFT JOIN sync_runs r
                       ON r.id = (SELECT max(id) FROM sync_runs WHERE sync_name = s.name)
                     WHERE ?1 IS NULL OR s.name = ?1 ORDER BY s.name",
                )
                .map_err(err("reading the syncs"))?;
            let rows = stmt
                .query_map([name], |r| {
                    let run_id: Option<i64> = r.get(6)?;
                    let last_run = match run_id {
                        Some(id) => Some(RunSummary {
                            id,
                            status: r.get(7)?,
                            started_at: parse_time(&r.get::<_, String>(8)?),
                            finished_at: r.get::<_, Option<String>>(9)?.map(|t| parse_time(&t)),
                            pages: r.get(10)?,
                            rows: r.get(11)?,
                            new_rows: r.get(12)?,
                            credits: r.get(13)?,
                            error: r.get(14)?,
                        }),
                        None => None,
                    };
                    let filters: String = r.get(1)?;
                    let watermark: Option<String> = r.get(2)?;
                    Ok(SyncStatus {
                        name: r.get(0)?,
                        filters: serde_json::from_str(&filters).unwrap_or_default(),
                        watermark: watermark.and_then(|w| serde_json::from_str(&w).ok()),
                        rows_stored: r.get(3)?,
                        credits_spent: r.get(4)?,
                        created_at: parse_time(&r.get::<_, String>(5)?),
                        last_run,
                    })
                })
                .map_err(err("reading the syncs"))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(err("reading the syncs"))
        })
        .await
    }

    async fn store_delivery(&self, delivery: &DeliveryRecord) -> Result<DeliveryOutcome> {
        let d = delivery.clone();
        blocking(&self.conn, move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(err("storing a webhook delivery"))?;
            let now = sql_time(Utc::now());
            let company_id = d.company.as_ref().map(|c| c.id.clone());
            let inserted = tx
                .execute(
                    "INSERT OR IGNORE INTO webhook_events (event_id, event_type, job_id, company_id, received_at, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![d.event_id, d.event_type, d.job.as_ref().map(|j| j.id).or(d.closes.map(|c| c.0)), company_id, now, d.body],
                )
                .map_err(err("storing a webhook delivery"))?;
            if inserted == 0 {
                return Ok(DeliveryOutcome::Duplicate);
            }
            if let Some(c) = &d.company {
                upsert_company(
                    &mut tx.prepare_cached(COMPANY_UPSERT).map_err(err("storing a company"))?,
                    c,
                    &now,
                )?;
            }
            if let Some(j) = &d.job {
                upsert_job(
                    &mut tx.prepare_cached(JOB_UPSERT).map_err(err("storing a job"))?,
                    j,
                    &now,
                )?;
            }
            if let Some((id, closed_at)) = d.closes {
                tx.execute(
                    "UPDATE jobs SET closed = 1, closed_at = coalesce(?2, closed_at), updated_at = ?3 WHERE id = ?1",
                    params![id, closed_at.map(sql_time), now],
                )
                .map_err(err("closing a job"))?;
            }
            tx.commit().map_err(err("committing a webhook delivery"))?;
            Ok(DeliveryOutcome::Stored)
        })
        .await
    }

    async fn ping(&self) -> Result<()> {
        blocking(&self.conn, |conn| {
            conn.query_row("SELECT count(*) FROM schema_migrations", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(drop)
            .map_err(err("reaching the database"))
        })
        .await
    }
}

/// Renews the lease every third of [`LEASE`]; flags the lock lost if the lease was taken over.
async fn renew_lease(
    conn: Arc<Mutex<Connection>>,
    name: String,
    token: String,
    lost: Arc<AtomicBool>,
) {
    loop {
        tokio::time::sleep(LEASE / 3).await;
        let (n, t) = (name.clone(), token.clone());
        let renewed = blocking(&conn, move |conn| {
            conn.execute(
                "UPDATE sync_locks SET expires_at = ?1 WHERE name = ?2 AND token = ?3",
                params![sql_time(Utc::now() + LEASE), n, t],
            )
            .map_err(err("renewing the sync's lease"))
        })
        .await;
        match renewed {
            Ok(0) => {
                lost.store(true, Ordering::SeqCst);
                return;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not renew the sync's lease; retrying"),
        }
    }
}

/// A sync locked by a lease in a SQLite file, with its own connection.
#[derive(Debug)]
pub struct SqliteLock {
    conn: Arc<Mutex<Connection>>,
    name: String,
    token: String,
    holder: Holder,
    lost: Arc<AtomicBool>,
    renew: tokio::task::JoinHandle<()>,
    released: bool,
}

impl SqliteLock {
    fn check(&self) -> Result<()> {
        if self.lost.load(Ordering::SeqCst) {
            return Err(SyncError::LockLost {
                name: self.name.clone(),
            });
        }
        Ok(())
    }
}

impl Drop for SqliteLock {
    fn drop(&mut self) {
        self.renew.abort();
        if self.released {
            return;
        }
        // Best effort; a lease left behind expires.
        if let Ok(conn) = self.conn.try_lock() {
            let _ = conn.execute(
                "DELETE FROM sync_locks WHERE name = ?1 AND token = ?2",
                params![self.name, self.token],
            );
        }
    }
}

impl SyncLock for SqliteLock {
    async fn load(&mut self) -> Result<Option<SyncDefinition>> {
        let name = self.name.clone();
        blocking(&self.conn, move |conn| {
            let row: Option<(String, Option<String>)> = conn
                .query_row(
                    "SELECT filters, watermark FROM syncs WHERE name = ?1",
                    [name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(err("reading the sync"))?;
            row.map(|(filters, watermark)| {
                let watermark = watermark
                    .map(|w| serde_json::from_str(&w))
                    .transpose()
                    .map_err(|e| SyncError::db("reading the sync's watermark", e))?;
                Ok(SyncDefinition { filters, watermark })
            })
            .transpose()
        })
        .await
    }

    async fn define(&mut self, filters: &str, reset: bool) -> Result<()> {
        let (name, filters) = (self.name.clone(), filters.to_owned());
        blocking(&self.conn, move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(err("defining the sync"))?;
            let now = sql_time(Utc::now());
            let created = tx
                .execute(
                    "INSERT OR IGNORE INTO syncs (name, filters, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                    params![name, filters, now],
                )
                .map_err(err("defining the sync"))?;
            if created == 0 && reset {
                tx.execute(
                    "UPDATE syncs SET filters = ?2, watermark = NULL, watermark_at = NULL, rows_stored = 0, updated_at = ?3 WHERE name = ?1",
                    params![name, filters, now],
                )
                .map_err(err("resetting the sync"))?;
                tx.execute("DELETE FROM sync_jobs WHERE sync_name = ?1", [&name])
                    .map_err(err("resetting the sync"))?;
            }
            tx.commit().map_err(err("defining the sync"))
        })
        .await
    }

    async fn start_run(&mut self) -> Result<i64> {
        self.check()?;
        let (name, holder) = (self.name.clone(), self.holder.clone());
        blocking(&self.conn, move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(err("starting a run"))?;
            let now = sql_time(Utc::now());
            tx.execute(
                "UPDATE sync_runs SET status = 'interrupted', finished_at = ?2 WHERE sync_name = ?1 AND status = 'running'",
                params![name, now],
            )
            .map_err(err("closing interrupted runs"))?;
            tx.execute(
                "INSERT INTO sync_runs (sync_name, status, host, pid, started_at) VALUES (?1, 'running', ?2, ?3, ?4)",
                params![name, holder.host, holder.pid, now],
            )
            .map_err(err("starting a run"))?;
            let id = tx.last_insert_rowid();
            tx.commit().map_err(err("starting a run"))?;
            Ok(id)
        })
        .await
    }

    async fn commit_page(&mut self, run: i64, page: PageRecord) -> Result<PageCommit> {
        self.check()?;
        let (name, token) = (self.name.clone(), self.token.clone());
        blocking(&self.conn, move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(err("storing a page"))?;
            let now = sql_time(Utc::now());
            let leased = tx
                .execute(
                    "UPDATE sync_locks SET expires_at = ?1 WHERE name = ?2 AND token = ?3",
                    params![sql_time(Utc::now() + LEASE), name, token],
                )
                .map_err(err("renewing the sync's lease"))?;
            if leased == 0 {
                return Err(SyncError::LockLost { name });
            }
            let mut new_rows = 0u64;
            {
                let mut companies = tx.prepare_cached(COMPANY_UPSERT).map_err(err("storing a page"))?;
                for c in &page.companies {
                    upsert_company(&mut companies, c, &now)?;
                }
                let mut jobs = tx.prepare_cached(JOB_UPSERT).map_err(err("storing a page"))?;
                let mut links = tx
                    .prepare_cached("INSERT OR IGNORE INTO sync_jobs (sync_name, job_id) VALUES (?1, ?2)")
                    .map_err(err("storing a page"))?;
                for j in &page.jobs {
                    upsert_job(&mut jobs, j, &now)?;
                    new_rows += links.execute(params![name, j.id]).map_err(err("storing a page"))? as u64;
                }
            }
            let watermark = page
                .watermark
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| SyncError::db("writing the watermark", e))?;
            let watermark_at = page.watermark.as_ref().map(|w| sql_time(w.discovered_at.0));
            tx.execute(
                "UPDATE syncs SET watermark = coalesce(?2, watermark), watermark_at = coalesce(?3, watermark_at),
                   rows_stored = rows_stored + ?4, credits_spent = credits_spent + ?5, updated_at = ?6 WHERE name = ?1",
                params![name, watermark, watermark_at, new_rows, page.credits, now],
            )
            .map_err(err("moving the watermark"))?;
            tx.execute(
                "UPDATE sync_runs SET pages = pages + 1, rows_returned = rows_returned + ?2, new_rows = new_rows + ?3,
                   credits = credits + ?4, watermark_at = coalesce(?5, watermark_at) WHERE id = ?1",
                params![run, page.returned, new_rows, page.credits, watermark_at],
            )
            .map_err(err("counting the run"))?;
            tx.commit().map_err(err("committing a page"))?;
            Ok(PageCommit { new_rows })
        })
        .await
    }

    async fn finish_run(&mut self, run: i64, outcome: &RunOutcome) -> Result<()> {
        let (status, error) = outcome_parts(outcome);
        let error = error.map(str::to_owned);
        blocking(&self.conn, move |conn| {
            conn.execute(
                "UPDATE sync_runs SET status = ?2, error = ?3, finished_at = ?4 WHERE id = ?1",
                params![run, status, error, sql_time(Utc::now())],
            )
            .map(drop)
            .map_err(err("finishing the run"))
        })
        .await
    }

    async fn release(mut self) -> Result<()> {
        self.renew.abort();
        let (name, token) = (self.name.clone(), self.token.clone());
        blocking(&self.conn, move |conn| {
            conn.execute(
                "DELETE FROM sync_locks WHERE name = ?1 AND token = ?2",
                params![name, token],
            )
            .map(drop)
            .map_err(err("releasing the sync's lock"))
        })
        .await?;
        self.released = true;
        Ok(())
    }
}
