//! What the store writes and reads, independent of the database: a job's typed columns and a
//! company's, drawn from the job's JSON; one page with its watermark; a webhook delivery; who
//! holds a sync's lock; a sync's status.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use theirstack::pagination::Watermark;
use theirstack::types::Timestamp;

/// One job as the store writes it: the columns people filter on, and the whole job as JSON.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct JobRow {
    /// TheirStack's job id, the key.
    pub id: i64,
    /// `job_title`.
    pub title: String,
    /// `company_object.name`, else `company`.
    pub company_name: Option<String>,
    /// `company_domain`, else `company_object.domain`.
    pub company_domain: Option<String>,
    /// `company_object.id`.
    pub company_id: Option<String>,
    /// `country_code`, else the first of `country_codes`, else the first location's.
    pub country_code: Option<String>,
    /// `remote`.
    pub remote: Option<bool>,
    /// `hybrid`.
    pub hybrid: Option<bool>,
    /// `seniority`.
    pub seniority: Option<String>,
    /// `min_annual_salary_usd`.
    pub min_salary_usd: Option<f64>,
    /// `max_annual_salary_usd`.
    pub max_salary_usd: Option<f64>,
    /// `date_posted`.
    pub date_posted: Option<NaiveDate>,
    /// `discovered_at`.
    pub discovered_at: DateTime<Utc>,
    /// Whether a `job.closed` delivery (or the job's `closed_at`) said it is closed.
    pub closed: bool,
    /// `closed_at`.
    pub closed_at: Option<DateTime<Utc>>,
    /// `url`.
    pub url: Option<String>,
    /// The whole job, as JSON text.
    pub json: String,
}

/// One company as the store writes it, from a job's `company_object` or a `company.new`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CompanyRow {
    /// TheirStack's company id, the key.
    pub id: String,
    /// `name`.
    pub name: Option<String>,
    /// `domain`.
    pub domain: Option<String>,
    /// `country_code`.
    pub country_code: Option<String>,
    /// `industry`.
    pub industry: Option<String>,
    /// `employee_count`.
    pub employee_count: Option<i64>,
    /// `linkedin_url`.
    pub linkedin_url: Option<String>,
    /// The whole company object, as JSON text.
    pub json: String,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Timestamp>().ok())
        .map(|t| t.0)
}

impl JobRow {
    /// The row of a job given as JSON; an error names the missing or malformed field.
    pub fn from_json(job: &Value) -> Result<JobRow, String> {
        let id = job
            .get("id")
            .and_then(Value::as_i64)
            .ok_or("the job has no integer `id`")?;
        let discovered_at = time(job, "discovered_at")
            .ok_or_else(|| format!("job {id} has no readable `discovered_at`"))?;
        let company = job.get("company_object").unwrap_or(&Value::Null);
        let country_code = text(job, "country_code")
            .or_else(|| {
                job.get("country_codes")?
                    .as_array()?
                    .iter()
                    .find_map(|c| c.as_str().map(str::to_owned))
            })
            .or_else(|| text(job.get("locations")?.as_array()?.first()?, "country_code"));
        let closed_at = time(job, "closed_at");
        Ok(JobRow {
            id,
            title: text(job, "job_title").unwrap_or_default(),
            company_name: text(company, "name").or_else(|| text(job, "company")),
            company_domain: text(job, "company_domain").or_else(|| text(company, "domain")),
            company_id: text(company, "id"),
            country_code,
            remote: job.get("remote").and_then(Value::as_bool),
            hybrid: job.get("hybrid").and_then(Value::as_bool),
            seniority: text(job, "seniority"),
            min_salary_usd: job.get("min_annual_salary_usd").and_then(Value::as_f64),
            max_salary_usd: job.get("max_annual_salary_usd").and_then(Value::as_f64),
            date_posted: job
                .get("date_posted")
                .and_then(Value::as_str)
                .and_then(|d| d.parse().ok()),
            discovered_at,
            closed: closed_at.is_some(),
            closed_at,
            url: text(job, "url"),
            json: job.to_string(),
        })
    }
}

impl CompanyRow {
    /// The row of a company object; `None` when it has no string `id`.
    pub fn from_json(company: &Value) -> Option<CompanyRow> {
        Some(CompanyRow {
            id: text(company, "id")?,
            name: text(company, "name"),
            domain: text(company, "domain"),
            country_code: text(company, "country_code"),
            industry: text(company, "industry"),
            employee_count: company.get("employee_count").and_then(Value::as_i64),
            linkedin_url: text(company, "linkedin_url"),
            json: company.to_string(),
        })
    }
}

/// Rows of jobs given as JSON, with their companies (each id once, the last copy kept).
pub(crate) fn rows_of(
    jobs: impl IntoIterator<Item = Value>,
) -> Result<(Vec<JobRow>, Vec<CompanyRow>), String> {
    let mut rows: Vec<JobRow> = Vec::new();
    let mut companies: Vec<CompanyRow> = Vec::new();
    for job in jobs {
        if let Some(c) = job.get("company_object").and_then(CompanyRow::from_json) {
            companies.retain(|k| k.id != c.id);
            companies.push(c);
        }
        let row = JobRow::from_json(&job)?;
        rows.retain(|r| r.id != row.id);
        rows.push(row);
    }
    Ok((rows, companies))
}

/// One page to store in one transaction: the jobs, their companies, the watermark after them
/// and what the page cost.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PageRecord {
    /// The jobs, each id once.
    pub jobs: Vec<JobRow>,
    /// The companies of the jobs, each id once.
    pub companies: Vec<CompanyRow>,
    /// The watermark to store with them.
    pub watermark: Option<Watermark>,
    /// Rows the server sent.
    pub returned: u64,
    /// Credits the page cost.
    pub credits: u64,
}

/// What storing a page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PageCommit {
    /// Jobs this sync had not stored before.
    pub new_rows: u64,
}

/// A webhook delivery as the store writes it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// The event id, the key that drops repeats.
    pub event_id: i64,
    /// The body's `type`.
    pub event_type: String,
    /// The job of a `job.new` or `job.closed` (closed for the latter).
    pub job: Option<JobRow>,
    /// The company of a `company.new`, or the job's company.
    pub company: Option<CompanyRow>,
    /// A `job.closed` whose payload is not a whole job: the job id and `closed_at`, to mark a
    /// stored job closed.
    pub closes: Option<(i64, Option<DateTime<Utc>>)>,
    /// The whole body, as received.
    pub body: String,
}

/// Whether a delivery was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// Stored.
    Stored,
    /// Its event id was stored before; nothing changed.
    Duplicate,
}

/// Who holds (or held) a sync's lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Holder {
    /// Host name of the holder's machine.
    pub host: String,
    /// Process id of the holder.
    pub pid: u32,
    /// When it took the lock.
    pub since: DateTime<Utc>,
}

impl Holder {
    /// This process, now.
    pub fn this_process() -> Holder {
        Holder {
            host: host_name(),
            pid: std::process::id(),
            since: Utc::now(),
        }
    }

    /// A holder as recorded.
    pub fn new(host: impl Into<String>, pid: u32, since: DateTime<Utc>) -> Holder {
        Holder {
            host: host.into(),
            pid,
            since,
        }
    }
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "host {} pid {} since {}",
            self.host,
            self.pid,
            self.since.to_rfc3339_opts(SecondsFormat::Secs, true)
        )
    }
}

/// This machine's host name.
pub(crate) fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".into())
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunOutcome {
    /// Caught up, or stopped at a cap.
    Completed,
    /// Failed with this message.
    Failed(String),
}

/// A sync as stored: its filters and watermark.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SyncDefinition {
    /// The filters, canonical JSON.
    pub filters: String,
    /// The watermark (`None` before the first job is stored).
    pub watermark: Option<Watermark>,
}

/// The last run of a sync.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RunSummary {
    /// The run's id.
    pub id: i64,
    /// `running` (or killed while running), `completed`, `failed`, or `interrupted`.
    pub status: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// Pages stored.
    pub pages: i64,
    /// Rows the server sent.
    pub rows: i64,
    /// Jobs the sync had not stored before.
    pub new_rows: i64,
    /// Credits spent.
    pub credits: i64,
    /// Why it failed.
    pub error: Option<String>,
}

/// What `sync status` shows for one sync.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SyncStatus {
    /// The sync's name.
    pub name: String,
    /// Its filters.
    pub filters: Value,
    /// Its watermark.
    pub watermark: Option<Watermark>,
    /// Jobs it has stored.
    pub rows_stored: i64,
    /// Credits all its runs spent.
    pub credits_spent: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Its last run.
    pub last_run: Option<RunSummary>,
}

impl fmt::Display for SyncStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = |t: &DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        writeln!(f, "sync {}", self.name)?;
        writeln!(f, "  filters:       {}", self.filters)?;
        match &self.watermark {
            Some(w) => writeln!(
                f,
                "  watermark:     {} ({} job ids at the boundary)",
                w.discovered_at,
                w.boundary_ids.len()
            )?,
            None => writeln!(f, "  watermark:     none (the next run backfills)")?,
        }
        writeln!(f, "  rows stored:   {}", self.rows_stored)?;
        writeln!(f, "  credits spent: {}", self.credits_spent)?;
        match &self.last_run {
            Some(r) => {
                write!(
                    f,
                    "  last run:      #{} {} at {}: {} pages, {} rows ({} new), {} credits",
                    r.id,
                    r.status,
                    secs(&r.started_at),
                    r.pages,
                    r.rows,
                    r.new_rows,
                    r.credits
                )?;
                if let Some(e) = &r.error {
                    write!(f, "; {e}")?;
                }
                Ok(())
            }
            None => write!(f, "  last run:      never"),
        }
    }
}

/// A time as the SQLite store writes it: fixed width, so text order is time order.
pub(crate) fn sql_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_columns_come_from_the_job() {
        let job = json!({
            "id": 7, "job_title": "Data engineer", "company": "Acme Inc",
            "company_object": {"id": "acme", "name": "Acme", "domain": "acme.example"},
            "locations": [{"country_code": "DE"}], "remote": true,
            "seniority": "senior", "min_annual_salary_usd": 100000.0,
            "date_posted": "2026-01-02", "discovered_at": "2026-01-03T04:05:06.5",
        });
        let row = JobRow::from_json(&job).unwrap();
        assert_eq!(row.company_name.as_deref(), Some("Acme"));
        assert_eq!(row.company_domain.as_deref(), Some("acme.example"));
        assert_eq!(row.country_code.as_deref(), Some("DE"));
        assert_eq!(row.remote, Some(true));
        assert_eq!(row.hybrid, None);
        assert_eq!(sql_time(row.discovered_at), "2026-01-03T04:05:06.500000Z");
        assert!(!row.closed);
        let err = JobRow::from_json(&json!({"id": 1})).unwrap_err();
        assert!(err.contains("discovered_at"), "{err}");
    }
}
