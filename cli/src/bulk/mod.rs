//! Bulk lookups (`technographics` / `buying-intents --companies FILE|-`): every company of a file
//! looked up concurrently under the client's rate limiter, one row per technology (or topic) with
//! its `company` first, the credit guard before the first request, and a summary on stderr.
//!
//! Rule: every line is checked before any request; a failed lookup is reported with its company
//! and stops nothing (exit code 1 at the end), except a refused key or an account out of credits,
//! which every other lookup would meet too.

pub mod companies;
mod resume;

use crate::guard::confirm_credits;
use crate::output::{Progress, RowWriter};
use crate::{Failure, Global, Outcome, error_line, spec};
use clap::Args;
use futures::StreamExt;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::pin::pin;
use theirstack::pagination::{CREDITS_PER_LOOKUP, CompanyRef, Lookup};
use theirstack::{Client, ErrorKind};

/// The field and csv column naming the company of each row.
pub const COMPANY: &str = "company";

/// Looking up many companies at once.
#[derive(Debug, Args)]
#[command(next_help_heading = "Bulk lookup")]
pub struct BulkArgs {
    /// Look up every company of this file (`-`: stdin): exit code 1 if some lookups failed.
    ///
    /// One company per line: a domain, a LinkedIn URL or `name:<exact name>`; blank lines and `#`
    /// comments are skipped, and a bad line stops everything before any request (exit code 2).
    /// Each row gets a `company` field, first: the company as written. 3 credits per company
    /// that has rows (asked first above 1,000 credits, as any pull; `--max-credits N` looks up
    /// the first N / 3 only). A failed lookup is reported on stderr with its company and the
    /// others go on; exit code 0 if all succeeded, 1 if some failed. A summary ends stderr.
    #[arg(long, value_name = "FILE|-")]
    pub companies: Option<PathBuf>,
    /// Lookups in flight at once (default: what the rate limit allows without queueing, 4 on
    /// TheirStack's tiers). Every request still waits for its slot under the rate limit.
    #[arg(long, value_name = "N", requires = "companies", value_parser = clap::value_parser!(u64).range(1..=32))]
    pub concurrency: Option<u64>,
    /// Write the rows to this file instead of stdout.
    #[arg(long, value_name = "FILE", requires = "companies")]
    pub output: Option<PathBuf>,
    /// Skip the companies already in the --output file (ndjson or csv) and append the others'
    /// rows to it. Companies without rows, or whose lookup failed, are looked up again.
    #[arg(long, requires = "output")]
    pub resume: bool,
}

/// What the lookups came to.
#[derive(Debug, Default)]
struct Tally {
    done: u64,
    empty: u64,
    failed: u64,
    credits: u64,
}

/// Looks up every company of `path` with source `S` and writes their rows.
pub async fn run<S>(client: &Client, global: &Global, args: &BulkArgs, path: &Path) -> Outcome
where
    S: Lookup,
    S::Item: serde::Serialize,
{
    if global.max_results.is_some() {
        return Err(Failure::Usage(
            "--max-results caps the rows of one lookup: with --companies, cap the spend with --max-credits".into(),
        ));
    }
    let listed = companies::read(path)?;
    let existing = match (&args.output, args.resume) {
        (Some(output), true) => resume::read(output, global.format)?,
        _ => resume::Existing::default(),
    };
    let header = existing.header.clone();
    if let Some(header) = &header
        && !global.columns.is_empty()
        && header
            .iter()
            .filter(|c| *c != COMPANY)
            .ne(global.columns.iter().filter(|c| *c != COMPANY))
    {
        return Err(Failure::Usage(format!(
            "--columns differ from the columns already in the --output file: {}",
            header.join(",")
        )));
    }
    let listed_count = listed.len();
    let mut todo: Vec<companies::Listed> = listed
        .into_iter()
        .filter(|l| !existing.contains(l))
        .collect();
    let mut notes = Vec::new();
    if let (Some(output), skipped @ 1..) = (&args.output, listed_count - todo.len()) {
        notes.push(format!(
            "{skipped} skipped (already in {})",
            output.display()
        ));
    }
    // A hard cap: the first companies it pays for, the rest left for a later --resume.
    if let Some(max) = global.max_credits {
        let affordable = usize::try_from(max / CREDITS_PER_LOOKUP).unwrap_or(usize::MAX);
        if affordable == 0 && !todo.is_empty() {
            return Err(Failure::Credits(format!(
                "--max-credits {max} pays for no lookup: one costs {CREDITS_PER_LOOKUP} credits"
            )));
        }
        if todo.len() > affordable {
            notes.push(format!(
                "{} not looked up (--max-credits {max} pays for {affordable})",
                todo.len() - affordable
            ));
            todo.truncate(affordable);
        }
    }
    let estimate = todo.len() as u64 * CREDITS_PER_LOOKUP;
    if !global.yes && global.max_credits.is_none() {
        confirm_credits(
            Some(estimate),
            None,
            &format!("lookup of {} companies", todo.len()),
            "cap it with --max-credits (3 credits per company)",
        )?;
    }
    if !global.quiet {
        eprintln!(
            "looking up {} companies: at most {estimate} credits ({CREDITS_PER_LOOKUP} per company that has rows)",
            todo.len()
        );
    }

    let out: Box<dyn Write> = match &args.output {
        Some(output) => Box::new(open_output(output, args.resume)?),
        None => Box::new(io::stdout().lock()),
    };
    let mut documented = vec![COMPANY.to_string()];
    documented.extend(spec::row_fields(S::OPERATION));
    let mut writer = RowWriter::new(
        io::BufWriter::new(out),
        global.format,
        global.columns.clone(),
    )
    .documented(documented)
    .leading(COMPANY);
    if let Some(header) = header {
        writer = writer.continuing(header);
    }

    let concurrency = args
        .concurrency
        .map_or_else(|| client.lookup_concurrency(), |n| n as usize);
    let written: HashMap<CompanyRef, String> = todo
        .iter()
        .map(|l| (l.company.clone(), l.written.clone()))
        .collect();
    let mut progress = Progress::companies(global.quiet, todo.len() as u64);
    let mut results = pin!(client.lookups::<S>(todo.into_iter().map(|l| l.company), concurrency));
    let mut tally = Tally::default();
    let mut stopped = None;
    while let Some(result) = results.next().await {
        tally.credits += result.credits;
        let company = written
            .get(&result.company)
            .cloned()
            .unwrap_or_else(|| result.company.to_string());
        let mut rows = 0;
        match result.rows {
            Ok(found) if found.is_empty() => tally.empty += 1,
            Ok(found) => {
                tally.done += 1;
                rows = found.len() as u64;
                let found: Vec<Value> = found
                    .iter()
                    .map(|row| with_company(&company, row))
                    .collect::<Result<_, _>>()?;
                writer.write_page(&found)?;
            }
            Err(e) => {
                tally.failed += 1;
                // A key refused, or no credits left: every other lookup would fail the same way.
                if matches!(
                    e.kind(),
                    ErrorKind::Unauthorized | ErrorKind::InsufficientCredits
                ) {
                    stopped = Some(e);
                    break;
                }
                progress.println(&format!(
                    "error: {company}: {}",
                    lookup_error(&e, global.api_key.as_deref())
                ));
            }
        }
        progress.company(rows, result.credits);
    }
    progress.done();
    writer.finish()?;
    if stopped.is_some() {
        let looked_up = tally.done + tally.empty + tally.failed;
        let left = written.len() as u64 - looked_up;
        if left > 0 {
            notes.push(format!("{left} not looked up (stopped)"));
        }
    }
    if !global.quiet {
        let mut line = format!(
            "companies: {} done, {} empty, {} failed; {} credits spent",
            tally.done, tally.empty, tally.failed, tally.credits
        );
        for note in &notes {
            line.push_str("; ");
            line.push_str(note);
        }
        eprintln!("{line}");
    }
    if let Some(e) = stopped {
        return Err(Failure::Api(e));
    }
    if tally.failed > 0 {
        let looked_up = tally.done + tally.empty + tally.failed;
        return Err(Failure::Incomplete(format!(
            "{} of {looked_up} lookups failed (each is reported above)",
            tally.failed
        )));
    }
    Ok(())
}

/// The output file: appended to when resuming, else replaced.
fn open_output(path: &Path, resume: bool) -> Result<std::fs::File, Failure> {
    std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(resume)
        .truncate(!resume)
        .open(path)
        .map_err(|e| Failure::Usage(format!("--output: cannot open {}: {e}", path.display())))
}

/// A row with the company it belongs to (a row that is not an object becomes its `value`).
fn with_company(company: &str, row: &impl serde::Serialize) -> io::Result<Value> {
    let mut object = match serde_json::to_value(row).map_err(io::Error::other)? {
        Value::Object(map) => map,
        other => serde_json::Map::from_iter([("value".to_string(), other)]),
    };
    object.insert(COMPANY.to_string(), Value::from(company));
    Ok(Value::Object(object))
}

/// A failed lookup's error, on one line: its resume position means nothing here (`--resume`
/// looks it up again).
fn lookup_error(e: &theirstack::Error, key: Option<&str>) -> String {
    let line = error_line(e, key);
    match line.split_once("; resume from ") {
        Some((head, _)) => head.to_string(),
        None => line,
    }
}
