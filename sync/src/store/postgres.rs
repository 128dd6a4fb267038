//! The PostgreSQL store: jobs as JSONB, every page in one transaction of bulk `unnest` upserts.
//! A sync's lock is a session advisory lock on a connection of its own, so it dies with the
//! connection of a holder that crashed; a table names the holder for the message a second run
//! prints. Plain TCP or a Unix socket, without TLS (meant for a database on the same network).

use super::{SCHEMA_VERSION, Store, SyncLock, outcome_parts, redact_url};
use crate::error::{Result, SyncError};
use crate::record::{
    DeliveryOutcome, DeliveryRecord, Holder, PageCommit, PageRecord, RunOutcome, RunSummary,
    SyncDefinition, SyncStatus,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::fmt;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, GenericClient, NoTls};

/// Rows per bulk upsert statement.
const STATEMENT_ROWS: usize = 100;

/// The advisory lock that serializes migrations.
const MIGRATION_LOCK: i64 = 0x7468_6569_7273_7461; // "theirsta"

const MIGRATIONS: [(i64, &str); 2] = [
    (1, include_str!("postgres_schema.sql")),
    (
        2,
        "-- Version 2: webhook deliveries, kept by event id so a repeat is ignored.
        CREATE TABLE webhook_events (
          event_id BIGINT PRIMARY KEY,
          event_type TEXT NOT NULL,
          job_id BIGINT,
          company_id TEXT,
          received_at TIMESTAMPTZ NOT NULL,
          payload TEXT NOT NULL
        );",
    ),
];

const JOB_UPSERT: &str = "INSERT INTO jobs (id, title, company_name, company_domain, company_id,
  country_code, remote, hybrid, seniority, min_salary_usd, max_salary_usd, date_posted,
  discovered_at, closed, closed_at, url, job, first_stored_at, updated_at)
SELECT t.id, t.title, t.company_name, t.company_domain, t.company_id, t.country_code, t.remote,
  t.hybrid, t.seniority, t.min_salary_usd, t.max_salary_usd, t.date_posted, t.discovered_at,
  t.closed, t.closed_at, t.url, t.job::jsonb, now(), now()
FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[],
  $8::bool[], $9::text[], $10::float8[], $11::float8[], $12::date[], $13::timestamptz[],
  $14::bool[], $15::timestamptz[], $16::text[], $17::text[])
  AS t(id, title, company_name, company_domain, company_id, country_code, remote, hybrid,
  seniority, min_salary_usd, max_salary_usd, date_posted, discovered_at, closed, closed_at, url, job)
ON CONFLICT (id) DO UPDATE SET title = excluded.title, company_name = excluded.company_name,
  company_domain = excluded.company_domain, company_id = excluded.company_id,
  country_code = excluded.country_code, remote = excluded.remote, hybrid = excluded.hybrid,
  seniority = excluded.seniority, min_salary_usd = excluded.min_salary_usd,
  max_salary_usd = excluded.max_salary_usd, date_posted = excluded.date_posted,
  discovered_at = excluded.discovered_at, closed = jobs.closed OR excluded.closed,
  closed_at = coalesce(excluded.closed_at, jobs.closed_at), url = excluded.url,
  job = excluded.job, updated_at = excluded.updated_at";

const COMPANY_UPSERT: &str = "INSERT INTO companies (id, name, domain, country_code, industry,
  employee_count, linkedin_url, company, updated_at)
SELECT t.id, t.name, t.domain, t.country_code, t.industry, t.employee_count, t.linkedin_url,
  t.company::jsonb, now()
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::text[],
  $8::text[]) AS t(id, name, domain, country_code, industry, employee_count, linkedin_url, company)
ON CONFLICT (id) DO UPDATE SET name = coalesce(excluded.name, companies.name),
  domain = coalesce(excluded.domain, companies.domain),
  country_code = coalesce(excluded.country_code, companies.country_code),
  industry = coalesce(excluded.industry, companies.industry),
  employee_count = coalesce(excluded.employee_count, companies.employee_count),
  linkedin_url = coalesce(excluded.linkedin_url, companies.linkedin_url),
  company = companies.company || excluded.company, updated_at = excluded.updated_at";

/// A PostgreSQL database.
pub struct PostgresStore {
    url: String,
    client: tokio::sync::Mutex<Option<Client>>,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("url", &redact_url(&self.url))
            .finish()
    }
}

fn err(context: &'static str) -> impl Fn(tokio_postgres::Error) -> SyncError {
    move |e| SyncError::db(context, e)
}

async fn connect(url: &str) -> Result<Client> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.map_err(|e| {
        SyncError::db(
            format!("connecting to PostgreSQL at {}", redact_url(url)),
            e,
        )
    })?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(error = %e, "the PostgreSQL connection ended");
        }
    });
    Ok(client)
}

async fn migrate(client: &mut Client) -> Result<()> {
    let tx = client
        .transaction()
        .await
        .map_err(err("starting the migrations"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(err("locking the migrations"))?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)",
    )
    .await
    .map_err(err("creating schema_migrations"))?;
    let found: i64 = tx
        .query_one(
            "SELECT coalesce(max(version), 0)::int8 FROM schema_migrations",
            &[],
        )
        .await
        .map_err(err("reading the schema version"))?
        .get(0);
    if found > SCHEMA_VERSION {
        return Err(SyncError::SchemaTooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
        tx.batch_execute(sql)
            .await
            .map_err(|e| SyncError::db(format!("applying migration {version}"), e))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())",
            &[version],
        )
        .await
        .map_err(err("recording a migration"))?;
    }
    tx.commit().await.map_err(err("committing the migrations"))
}

/// The advisory lock key of a sync: FNV-1a of its name.
fn lock_key(name: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.as_bytes() {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash as i64
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db`, or `?host=/socket/dir`) and applies
    /// the migrations.
    pub async fn connect(url: &str) -> Result<PostgresStore> {
        let mut client = connect(url).await?;
        migrate(&mut client).await?;
        Ok(PostgresStore {
            url: url.to_owned(),
            client: tokio::sync::Mutex::new(Some(client)),
        })
    }

    /// Runs `f` on the shared connection, reconnecting first if it was lost.
    async fn with_client<T>(&self, f: impl AsyncFnOnce(&mut Client) -> Result<T>) -> Result<T> {
        let mut guard = self.client.lock().await;
        if guard.as_ref().is_none_or(Client::is_closed) {
            *guard = Some(connect(&self.url).await?);
        }
        let client = guard.as_mut().expect("connected above");
        let result = f(client).await;
        if client.is_closed() {
            *guard = None;
        }
        result
    }
}

async fn upsert_companies(
    client: &impl GenericClient,
    companies: &[crate::record::CompanyRow],
) -> Result<()> {
    if companies.is_empty() {
        return Ok(());
    }
    let col = |f: fn(&crate::record::CompanyRow) -> Option<&str>| -> Vec<Option<&str>> {
        companies.iter().map(f).collect()
    };
    let ids: Vec<&str> = companies.iter().map(|c| c.id.as_str()).collect();
    let names = col(|c| c.name.as_deref());
    let domains = col(|c| c.domain.as_deref());
    let countries = col(|c| c.country_code.as_deref());
    let industries = col(|c| c.industry.as_deref());
    let employees: Vec<Option<i64>> = companies.iter().map(|c| c.employee_count).collect();
    let linkedin = col(|c| c.linkedin_url.as_deref());
    let json: Vec<&str> = companies.iter().map(|c| c.json.as_str()).collect();
    let params: [&(dyn ToSql + Sync); 8] = [
        &ids,
        &names,
        &domains,
        &countries,
        &industries,
        &employees,
        &linkedin,
        &json,
    ];
    client
        .execute(COMPANY_UPSERT, &params)
        .await
        .map_err(err("storing companies"))?;
    Ok(())
}

async fn upsert_jobs(client: &impl GenericClient, jobs: &[crate::record::JobRow]) -> Result<()> {
    if jobs.is_empty() {
        return Ok(());
    }
    let col = |f: fn(&crate::record::JobRow) -> Option<&str>| -> Vec<Option<&str>> {
        jobs.iter().map(f).collect()
    };
    let ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
    let titles: Vec<&str> = jobs.iter().map(|j| j.title.as_str()).collect();
    let names = col(|j| j.company_name.as_deref());
    let domains = col(|j| j.company_domain.as_deref());
    let company_ids = col(|j| j.company_id.as_deref());
    let countries = col(|j| j.country_code.as_deref());
    let remote: Vec<Option<bool>> = jobs.iter().map(|j| j.remote).collect();
    let hybrid: Vec<Option<bool>> = jobs.iter().map(|j| j.hybrid).collect();
    let seniority = col(|j| j.seniority.as_deref());
    let min: Vec<Option<f64>> = jobs.iter().map(|j| j.min_salary_usd).collect();
    let max: Vec<Option<f64>> = jobs.iter().map(|j| j.max_salary_usd).collect();
    let posted: Vec<Option<NaiveDate>> = jobs.iter().map(|j| j.date_posted).collect();
    let discovered: Vec<DateTime<Utc>> = jobs.iter().map(|j| j.discovered_at).collect();
    let closed: Vec<bool> = jobs.iter().map(|j| j.closed).collect();
    let closed_at: Vec<Option<DateTime<Utc>>> = jobs.iter().map(|j| j.closed_at).collect();
    let urls = col(|j| j.url.as_deref());
    let json: Vec<&str> = jobs.iter().map(|j| j.json.as_str()).collect();
    let params: [&(dyn ToSql + Sync); 17] = [
        &ids,
        &titles,
        &names,
        &domains,
        &company_ids,
        &countries,
        &remote,
        &hybrid,
        &seniority,
        &min,
        &max,
        &posted,
        &discovered,
        &closed,
        &closed_at,
        &urls,
        &json,
    ];
    client
        .execute(JOB_UPSERT, &params)
        .await
        .map_err(err("storing jobs"))?;
    Ok(())
}

impl Store for PostgresStore {
    type Lock = PostgresLock;

    async fn try_lock(
        &self,
        name: &str,
        holder: &Holder,
    ) -> Result<std::result::Result<PostgresLock, Holder>> {
        let client = connect(&self.url).await?;
        let key = lock_key(name);
        let taken: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
            .await
            .map_err(err("taking the sync's lock"))?
            .get(0);
        if !taken {
            let row = client
                .query_opt(
                    "SELECT host, pid, since FROM sync_locks WHERE name = $1",
                    &[&name],
                )
                .await
                .map_err(err("reading the sync's lock"))?;
            let holder = match row {
                Some(r) => Holder::new(r.get::<_, String>(0), r.get::<_, i64>(1) as u32, r.get(2)),
                None => Holder::new("unknown host", 0, Utc::now()),
            };
            return Ok(Err(holder));
        }
        client
            .execute(
                "INSERT INTO sync_locks (name, host, pid, since) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, since = excluded.since",
                &[&name, &holder.host, &i64::from(holder.pid), &holder.since],
            )
            .await
            .map_err(err("recording the sync's lock holder"))?;
        Ok(Ok(PostgresLock {
            client,
            name: name.to_owned(),
            key,
            holder: holder.clone(),
        }))
    }

    async fn status(&self, name: Option<&str>) -> Result<Vec<SyncStatus>> {
        let name = name.map(str::to_owned);
        self.with_client(async move |client| {
            let rows = client
                .query(
                    "SELECT s.name, s.filters, s.watermark, s.rows_stored, s.credits_spent, s.created_at,
                       r.id, r.status, r.started_at, r.finished_at, r.pages, r.rows_returned,
                       r.new_rows, r.credits, r.error
                     FROM syncs s LEFT JOIN sync_runs r
                       ON r.id = (SELECT max(id) FROM sync_runs WHERE sync_name = s.name)
                     WHERE $1::text IS NULL OR s.name = $1 ORDER BY s.name",
                    &[&name],
                )
                .await
                .map_err(err("reading the syncs"))?;
            Ok(rows
                .iter()
                .map(|r| {
                    let run_id: Option<i64> = r.get(6);
                    let filters: String = r.get(1);
                    let watermark: Option<String> = r.get(2);
                    SyncStatus {
                        name: r.get(0),
                        filters: serde_json::from_str(&filters).unwrap_or_default(),
                        watermark: watermark.and_then(|w| serde_json::from_str(&w).ok()),
                        rows_stored: r.get(3),
                        credits_spent: r.get(4),
                        created_at: r.get(5),
                        last_run: run_id.map(|id| RunSummary {
                            id,
                            status: r.get(7),
                            started_at: r.get(8),
                            finished_at: r.get(9),
                            pages: r.get(10),
                            rows: r.get(11),
                            new_rows: r.get(12),
                            credits: r.get(13),
                            error: r.get(14),
                        }),
                    }
                })
                .collect())
        })
        .await
    }

    async fn store_delivery(&self, delivery: &DeliveryRecord) -> Result<DeliveryOutcome> {
        self.with_client(async move |client| {
            let tx = client
                .transaction()
                .await
                .map_err(err("storing a webhook delivery"))?;
            let company_id = delivery.company.as_ref().map(|c| c.id.clone());
            let job_id = delivery.job.as_ref().map(|j| j.id).or(delivery.closes.map(|c| c.0));
            let inserted = tx
                .execute(
                    "INSERT INTO webhook_events (event_id, event_type, job_id, company_id, received_at, payload)
                     VALUES ($1, $2, $3, $4, now(), $5) ON CONFLICT (event_id) DO NOTHING",
                    &[&delivery.event_id, &delivery.event_type, &job_id, &company_id, &delivery.body],
                )
                .await
                .map_err(err("storing a webhook delivery"))?;
            if inserted == 0 {
                return Ok(DeliveryOutcome::Duplicate);
            }
            if let Some(c) = &delivery.company {
                upsert_companies(&tx, std::slice::from_ref(c)).await?;
            }
            if let Some(j) = &delivery.job {
                upsert_jobs(&tx, std::slice::from_ref(j)).await?;
            }
            if let Some((id, closed_at)) = delivery.closes {
                tx.execute(
                    "UPDATE jobs SET closed = TRUE, closed_at = coalesce($2, closed_at), updated_at = now() WHERE id = $1",
                    &[&id, &closed_at],
                )
                .await
                .map_err(err("closing a job"))?;
            }
            tx.commit()
                .await
                .map_err(err("committing a webhook delivery"))?;
            Ok(DeliveryOutcome::Stored)
        })
        .await
    }

    async fn ping(&self) -> Result<()> {
        self.with_client(async |client| {
            client
                .simple_query("SELECT 1")
                .await
                .map(drop)
                .map_err(err("reaching the database"))
        })
        .await
    }
}

/// A sync locked by a session advisory lock on a connection of its own: dropping it closes
/// the connection, which releases the lock.
pub struct PostgresLock {
    client: Client,
    name: String,
    key: i64,
    holder: Holder,
}

impl fmt::Debug for PostgresLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresLock")
            .field("name", &self.name)
            .field("holder", &self.holder)
            .finish()
    }
}

impl SyncLock for PostgresLock {
    async fn load(&mut self) -> Result<Option<SyncDefinition>> {
        let row = self
            .client
            .query_opt(
                "SELECT filters, watermark FROM syncs WHERE name = $1",
                &[&self.name],
            )
            .await
            .map_err(err("reading the sync"))?;
        row.map(|r| {
            let watermark: Option<String> = r.get(1);
            Ok(SyncDefinition {
                filters: r.get(0),
                watermark: watermark
                    .map(|w| serde_json::from_str(&w))
                    .transpose()
                    .map_err(|e| SyncError::db("reading the sync's watermark", e))?,
            })
        })
        .transpose()
    }

    async fn define(&mut self, filters: &str, reset: bool) -> Result<()> {
        let tx = self
            .client
            .transaction()
            .await
            .map_err(err("defining the sync"))?;
        let created = tx
            .execute(
                "INSERT INTO syncs (name, filters, created_at, updated_at) VALUES ($1, $2, now(), now())
                 ON CONFLICT (name) DO NOTHING",
                &[&self.name, &filters],
            )
            .await
            .map_err(err("defining the sync"))?;
        if created == 0 && reset {
            tx.execute(
                "UPDATE syncs SET filters = $2, watermark = NULL, watermark_at = NULL, rows_stored = 0, updated_at = now() WHERE name = $1",
                &[&self.name, &filters],
            )
            .await
            .map_err(err("resetting the sync"))?;
            tx.execute("DELETE FROM sync_jobs WHERE sync_name = $1", &[&self.name])
                .await
                .map_err(err("resetting the sync"))?;
        }
        tx.commit().await.map_err(err("defining the sync"))
    }

    async fn start_run(&mut self) -> Result<i64> {
        let tx = self
            .client
            .transaction()
            .await
            .map_err(err("starting a run"))?;
        tx.execute(
            "UPDATE sync_runs SET status = 'interrupted', finished_at = now() WHERE sync_name = $1 AND status = 'running'",
            &[&self.name],
        )
        .await
        .map_err(err("closing interrupted runs"))?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO sync_runs (sync_name, status, host, pid, started_at) VALUES ($1, 'running', $2, $3, now()) RETURNING id",
                &[&self.name, &self.holder.host, &i64::from(self.holder.pid)],
            )
            .await
            .map_err(err("starting a run"))?
            .get(0);
        tx.commit().await.map_err(err("starting a run"))?;
        Ok(id)
    }

    async fn commit_page(&mut self, run: i64, page: PageRecord) -> Result<PageCommit> {
        let tx = self
            .client
            .transaction()
            .await
            .map_err(err("storing a page"))?;
        // In slices, so the encoded statement stays small beside the page.
        for chunk in page.companies.chunks(STATEMENT_ROWS) {
            upsert_companies(&tx, chunk).await?;
        }
        for chunk in page.jobs.chunks(STATEMENT_ROWS) {
            upsert_jobs(&tx, chunk).await?;
        }
        let ids: Vec<i64> = page.jobs.iter().map(|j| j.id).collect();
        let new_rows = tx
            .execute(
                "INSERT INTO sync_jobs (sync_name, job_id) SELECT $1, unnest($2::int8[]) ON CONFLICT DO NOTHING",
                &[&self.name, &ids],
            )
            .await
            .map_err(err("storing a page"))?;
        let watermark = page
            .watermark
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| SyncError::db("writing the watermark", e))?;
        let watermark_at = page.watermark.as_ref().map(|w| w.discovered_at.0);
        let (credits, returned, new) = (page.credits as i64, page.returned as i64, new_rows as i64);
        tx.execute(
            "UPDATE syncs SET watermark = coalesce($2, watermark), watermark_at = coalesce($3, watermark_at),
               rows_stored = rows_stored + $4, credits_spent = credits_spent + $5, updated_at = now() WHERE name = $1",
            &[&self.name, &watermark, &watermark_at, &new, &credits],
        )
        .await
        .map_err(err("moving the watermark"))?;
        tx.execute(
            "UPDATE sync_runs SET pages = pages + 1, rows_returned = rows_returned + $2, new_rows = new_rows + $3,
               credits = credits + $4, watermark_at = coalesce($5, watermark_at) WHERE id = $1",
            &[&run, &returned, &new, &credits, &watermark_at],
        )
        .await
        .map_err(err("counting the run"))?;
        tx.commit().await.map_err(err("committing a page"))?;
        Ok(PageCommit { new_rows })
    }

    async fn finish_run(&mut self, run: i64, outcome: &RunOutcome) -> Result<()> {
        let (status, error) = outcome_parts(outcome);
        self.client
            .execute(
                "UPDATE sync_runs SET status = $2, error = $3, finished_at = now() WHERE id = $1",
                &[&run, &status, &error],
            )
            .await
            .map(drop)
            .map_err(err("finishing the run"))
    }

    async fn release(self) -> Result<()> {
        self.client
            .execute("SELECT pg_advisory_unlock($1)", &[&self.key])
            .await
            .map(drop)
            .map_err(err("releasing the sync's lock"))
    }
}
