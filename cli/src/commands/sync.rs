//! `theirstack sync`: keep a SQLite or PostgreSQL database of matching jobs current (`sync jobs`,
//! a backfill then only jobs discovered since), and show what each sync stored (`sync status`),
//! through the `theirstack-sync` crate, with the pulls' credit guard and progress.

use super::read_body;
use crate::guard::{UNASKED_CREDIT_LIMIT, confirm_credits};
use crate::output::{Progress, emit};
use crate::{Failure, Global, Outcome};
use clap::{Args, Subcommand};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use theirstack::Client;
use theirstack::types::JobSearchFiltersInput;
use theirstack_sync::{SyncEvent, SyncJobs, SyncReport, store};

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Store the jobs matching a named sync's filters in a database: the first run backfills
    /// (within --max-results / --max-credits), every later run fetches only jobs discovered
    /// since the last one.
    #[command(after_help = JOBS_HELP)]
    Jobs(SyncJobsArgs),
    /// Each sync's filters, watermark, last run, rows stored and credits spent (in --format, or
    /// as text with --text).
    Status(StatusArgs),
}

const JOBS_HELP: &str = "\
A run that could spend more than 1,000 credits without --max-credits runs the free count first \
and asks; without a terminal it refuses (exit code 4) unless --yes. Each page is stored with the \
sync's watermark in one transaction: a run stopped at any point keeps what it stored, and the \
next run continues from there. On a terminal, progress on stderr; otherwise only errors and, \
unless --quiet, one summary line at the end.

Exit codes: 0 done; 2 bad filters or options, or the filters differ from the sync's (rerun with \
--reset); 3 unauthorized; 4 credit guard refused, or insufficient credits; 5 still rate limited; \
6 another run of this sync holds its lock (the message names it; --wait waits for it); 1 \
anything else, a database error included.";

/// Where the syncs are stored.
#[derive(Debug, Args)]
pub struct DbArg {
    /// Database: a SQLite file, or a postgres://USER[:PASSWORD]@HOST/DB URL (default:
    /// $THEIRSTACK_DB, else theirstack.db in the working directory). The password is never
    /// printed.
    #[arg(
        long,
        env = "THEIRSTACK_DB",
        hide_env_values = true,
        default_value = store::DEFAULT_DB,
        hide_default_value = true,
        value_name = "URL"
    )]
    pub db: String,
}

/// `sync jobs` options (the caps are the global --max-results and --max-credits).
#[derive(Debug, Args)]
pub struct SyncJobsArgs {
    /// The sync's name: its filters, watermark and counters are stored under it.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// Job search filters as a JSON body, from a file or `-` for stdin; they must hold a
    /// required filter such as posted_at_max_age_days, and may not set order_by or paging.
    #[arg(long, value_name = "FILE|-")]
    pub filters: PathBuf,
    #[command(flatten)]
    pub db: DbArg,
    /// Start the sync over if its filters changed (the jobs stored stay; the backfill pays for
    /// the jobs it returns again). Without it, changed filters are refused.
    #[arg(long)]
    pub reset: bool,
    /// Wait for another run of this sync that holds its lock, instead of exiting (code 6).
    #[arg(long)]
    pub wait: bool,
}

/// `sync status` options.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Only this sync.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
    /// Human-readable text instead of --format.
    #[arg(long)]
    pub text: bool,
}

/// `sync jobs`: lock, guard the spend, run, and report.
pub async fn jobs(client: &Client, global: &Global, args: SyncJobsArgs) -> Outcome {
    let filters: JobSearchFiltersInput =
        read_body(&args.filters, "JobSearchFilters-Input").map_err(Failure::Usage)?;
    if global.max_results == Some(0) || global.max_credits == Some(0) {
        return Err(Failure::Credits(
            "the caps allow no job: raise --max-results, or --max-credits to at least 1".into(),
        ));
    }
    let store = store::open(&args.db.db).await?;
    let interactive = !global.quiet && io::stderr().is_terminal();
    let cap = match (global.max_results, global.max_credits) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    // The guard's free count sizes the progress bar when it runs; else the first page's total
    // does, where a bar is drawn (asking for it makes that request slower).
    let counted =
        !global.yes && global.max_credits.is_none() && cap.is_none_or(|c| c > UNASKED_CREDIT_LIMIT);
    let mut job = SyncJobs::new(args.name.clone(), filters)
        .reset(args.reset)
        .wait(args.wait)
        .with_total(interactive && !counted);
    if let Some(n) = global.max_credits {
        job = job.max_credits(n);
    }
    if let Some(n) = global.max_results {
        job = job.max_results(n);
    }
    if let Some(n) = global.page_size {
        job = job.page_size(n);
    }
    let mut told_waiting = false;
    let mut on_lock_event = |event: &SyncEvent<'_>| {
        if let SyncEvent::Waiting { holder } = event
            && interactive
            && !std::mem::replace(&mut told_waiting, true)
        {
            eprintln!("sync `{}` is held by {holder}; waiting for it", args.name);
        }
    };
    let session = job.lock(client, &store, &mut on_lock_event).await?;
    let cap = session.search().row_cap();
    let mut total = cap;
    if counted {
        let guarded = match session.estimate().await {
            Ok(estimate) => {
                total = estimate.rows;
                confirm_credits(
                    estimate.credits,
                    estimate.matching,
                    "sync",
                    "cap it with --max-results or --max-credits",
                )
            }
            Err(e) => Err(e.into()),
        };
        if let Err(refused) = guarded {
            // Nothing was spent; the lock is not left to expire.
            let _ = session.release().await;
            return Err(refused);
        }
    }
    let mut progress = Progress::new(global.quiet, total);
    let report = session
        .run(|event| {
            if let SyncEvent::PageFetched {
                number,
                rows,
                credits,
                remaining,
            } = *event
            {
                if let (0, None, Some(remaining)) = (number, total, remaining) {
                    progress.set_total(cap.map_or(remaining, |c| c.min(remaining)));
                }
                progress.page(rows, credits);
            }
        })
        .await;
    progress.done();
    let report = report?;
    if !global.quiet {
        eprintln!("{}", summary(&args.name, &report));
    }
    Ok(())
}

/// The line printed at the end of a run.
fn summary(name: &str, report: &SyncReport) -> String {
    let watermark = match &report.watermark {
        Some(w) => w.discovered_at.to_string(),
        None => "none".into(),
    };
    let kind = if report.backfill {
        "backfill"
    } else {
        "incremental"
    };
    format!(
        "sync {name} ({kind}): {} new rows, {} updated rows, {} credits, watermark {watermark}",
        report.new_rows,
        report.rows.saturating_sub(report.new_rows),
        report.credits
    )
}

/// `sync status`: every sync (or the one named) in the global format, or as text.
pub async fn status(global: &Global, args: &StatusArgs) -> Outcome {
    let db = &args.db.db;
    // Asking about a database must not create one (a typo in --db would look like no syncs).
    if let Some(path) = sqlite_path(db)
        && !std::path::Path::new(path).exists()
    {
        return Err(Failure::Usage(format!(
            "no database at {path}: run `theirstack sync jobs` first, or give --db"
        )));
    }
    let store = store::open(db).await?;
    let syncs = theirstack_sync::status(&store, args.name.as_deref()).await?;
    if let (Some(name), true) = (&args.name, syncs.is_empty()) {
        return Err(Failure::Usage(format!(
            "no sync named `{name}` in this database"
        )));
    }
    if args.text {
        let mut out = io::stdout().lock();
        if syncs.is_empty() {
            writeln!(out, "no syncs in this database")?;
        }
        for (k, sync) in syncs.iter().enumerate() {
            if k > 0 {
                writeln!(out)?;
            }
            writeln!(out, "{sync}")?;
        }
        return Ok(out.flush()?);
    }
    let value = serde_json::to_value(&syncs).map_err(io::Error::other)?;
    emit(global, &value)
}

/// The file of a SQLite database URL (as `theirstack_sync::store::open` reads it), `None` for
/// PostgreSQL.
fn sqlite_path(url: &str) -> Option<&str> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return None;
    }
    Some(
        url.strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url),
    )
}

/// The password of a `scheme://user:password@host` URL, to keep out of messages.
pub fn url_password(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let (auth, _) = rest.rsplit_once('@')?;
    let (_, password) = auth.split_once(':')?;
    (!password.is_empty()).then_some(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_sqlite_paths_come_from_the_url() {
        assert_eq!(url_password("postgres://u:s3cr@t@h:5/db"), Some("s3cr@t"));
        assert_eq!(url_password("postgres://u@h/db"), None);
        assert_eq!(url_password("theirstack.db"), None);
        assert_eq!(sqlite_path("sqlite://x.db"), Some("x.db"));
        assert_eq!(sqlite_path("sqlite:x.db"), Some("x.db"));
        assert_eq!(sqlite_path("postgresql://h/db"), None);
    }
}
