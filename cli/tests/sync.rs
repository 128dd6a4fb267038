//! `theirstack sync jobs` and `sync status`, the real binary against the sync crate's loopback
//! fake of job search (keyset paging, rows served = credits, every request logged): a backfill
//! then incremental runs, changed filters, the credit guard, a held lock (exit code 6, or
//! `--wait`), database errors; SQLite in temp dirs, and PostgreSQL when a server is available.

#[path = "../../sync/tests/support/fake.rs"]
mod fake;
#[path = "../../sync/tests/support/pg.rs"]
mod pg;
mod support;

use assert_cmd::Command;
use chrono::{DateTime, Utc};
use fake::{Fake, FakeState, spread};
use serde_json::Value;
use std::collections::HashSet;
use std::path::PathBuf;
use support::{KEY, refused, run};
use theirstack::types::Timestamp;
use theirstack_sync::{SyncJobs, parse_filters};

const FILTERS: &str = r#"{"posted_at_max_age_days": 30, "job_country_code_or": ["US"]}"#;

/// A fake job search with `jobs` jobs (7 per second), and a temp dir holding `filters.json`.
struct World {
    fake: Fake,
    dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
}

impl World {
    fn start(jobs: i64) -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut state = FakeState::default();
        spread(&mut state.data, 1, jobs, 7);
        let fake = rt.block_on(Fake::start(state));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("filters.json"), FILTERS).unwrap();
        World { fake, dir, rt }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The SQLite file of the tests.
    fn db(&self) -> String {
        self.path("t.db").display().to_string()
    }

    /// The arguments of `sync jobs --name NAME --filters FILE --db DB EXTRA...` (`-`: stdin).
    fn sync_args(&self, db: &str, name: &str, filters: &str, extra: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = ["--base-url", &self.fake.url(), "--api-key", KEY]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(["sync", "jobs", "--name", name, "--filters"].map(String::from));
        args.push(match filters {
            "-" => "-".to_owned(),
            file => self.path(file).display().to_string(),
        });
        args.extend(["--db", db].map(String::from));
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    }

    /// `sync jobs` pointed at the fake, with no key or database in its environment.
    fn sync(&self, db: &str, name: &str, filters: &str, extra: &[&str]) -> Command {
        let mut cmd = bare();
        cmd.args(self.sync_args(db, name, filters, extra));
        cmd
    }

    /// `sync jobs` with `filters.json` on a pseudo-terminal.
    fn on_a_terminal(&self, db: &str, name: &str, extra: &[&str]) -> rexpect::session::PtySession {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("theirstack"));
        cmd.env_remove("THEIRSTACK_API_KEY")
            .env_remove("THEIRSTACK_BASE_URL")
            .env_remove("THEIRSTACK_DB")
            .args(self.sync_args(db, name, "filters.json", extra));
        rexpect::session::spawn_command(cmd, Some(30_000)).unwrap()
    }

    /// The latest `discovered_at` of the fake's jobs.
    fn latest(&self) -> DateTime<Utc> {
        self.fake.with(|s| s.data.latest().unwrap())
    }

    /// The paid requests (not free counts) from request number `from` on.
    fn paid_requests(&self, from: usize) -> Vec<Value> {
        self.fake.with(|s| {
            s.requests[from..]
                .iter()
                .filter(|r| r["blur_company_data"] != Value::Bool(true))
                .cloned()
                .collect()
        })
    }

    /// (requests, jobs served) so far.
    fn marks(&self) -> (usize, usize) {
        self.fake.with(|s| (s.requests.len(), s.served.len()))
    }
}

/// The binary with no key, base URL or database in its environment.
fn bare() -> Command {
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env_remove("THEIRSTACK_API_KEY")
        .env_remove("THEIRSTACK_BASE_URL")
        .env_remove("THEIRSTACK_DB");
    cmd
}

/// Runs a sync expected to succeed: nothing on stdout, one summary line on stderr.
fn synced(cmd: &mut Command) -> String {
    let (code, stdout, stderr) = run(cmd);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "nothing on stdout: {stdout}");
    assert_eq!(stderr.lines().count(), 1, "one summary line: {stderr}");
    stderr.trim_end().to_owned()
}

/// The exit code of a program on a pseudo-terminal, once it ends.
fn exit_code(pty: rexpect::session::PtySession) -> i32 {
    match pty.process.wait().unwrap() {
        nix::sys::wait::WaitStatus::Exited(_, code) => code,
        other => panic!("{other:?}"),
    }
}

/// `sync status` of `db` (json), no key needed.
fn status(db: &str, extra: &[&str]) -> Value {
    let (code, stdout, stderr) = run(bare().args(["sync", "status", "--db", db]).args(extra));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// The stored jobs of a SQLite file: id and discovered_at.
fn stored_jobs(path: &std::path::Path) -> Vec<(i64, DateTime<Utc>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT id, discovered_at FROM jobs").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|row| {
            let (id, at) = row.unwrap();
            (id, at.parse::<DateTime<Utc>>().unwrap())
        })
        .collect()
}

/// Asserts a request can match none of `stored`: each is before its `discovered_at_gte` or in
/// its `job_id_not`.
fn asks_for_none_of(request: &Value, stored: &[(i64, DateTime<Utc>)]) {
    let gte = request["discovered_at_gte"]
        .as_str()
        .unwrap_or_else(|| panic!("an incremental request has a lower bound: {request}"))
        .parse::<Timestamp>()
        .unwrap()
        .0;
    let excluded: HashSet<i64> = request["job_id_not"]
        .as_array()
        .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    for (id, at) in stored {
        assert!(
            *at < gte || excluded.contains(id),
            "the request could return stored job {id} ({at}): {request}"
        );
    }
}

#[test]
fn a_backfill_then_incremental_runs_fetch_each_job_once() {
    let w = World::start(600);
    let db = w.db();
    let line = synced(&mut w.sync(&db, "us", "filters.json", &["--page-size", "100"]));
    let watermark = Timestamp::from(w.latest());
    assert_eq!(
        line,
        format!(
            "sync us (backfill): 600 new rows, 0 updated rows, 600 credits, watermark {watermark}"
        )
    );
    let first: HashSet<i64> = w.fake.with(|s| s.served.iter().copied().collect());
    assert_eq!((first.len(), w.fake.with(|s| s.credits)), (600, 600));
    let stored = stored_jobs(&w.path("t.db"));
    assert_eq!(stored.len(), 600);

    // Nothing new: the requests exclude every stored job, and nothing is served or paid.
    let before = w.marks();
    let line = synced(&mut w.sync(&db, "us", "filters.json", &[]));
    assert_eq!(
        line,
        format!(
            "sync us (incremental): 0 new rows, 0 updated rows, 0 credits, watermark {watermark}"
        )
    );
    let paid = w.paid_requests(before.0);
    assert!(!paid.is_empty(), "the run asked");
    for request in &paid {
        asks_for_none_of(request, &stored);
    }
    assert_eq!(w.marks().1, before.1, "no job served");
    assert_eq!(w.fake.with(|s| s.credits), 600);

    // 30 new jobs, the first ones in the watermark's second: each fetched once.
    let latest = w.latest();
    w.fake.with(|s| {
        for k in 0..30 {
            s.data.add(
                5000 + k,
                latest + chrono::Duration::microseconds(50 + k * 40_000),
            );
        }
    });
    let before = w.marks();
    let line = synced(&mut w.sync(&db, "us", "filters.json", &["--page-size", "100"]));
    let watermark = Timestamp::from(w.latest());
    assert_eq!(
        line,
        format!(
            "sync us (incremental): 30 new rows, 0 updated rows, 30 credits, watermark {watermark}"
        )
    );
    for request in &w.paid_requests(before.0) {
        asks_for_none_of(request, &stored);
    }
    w.fake.with(|s| {
        let third: HashSet<i64> = s.served[before.1..].iter().copied().collect();
        assert_eq!(third, (5000..5030).collect::<HashSet<i64>>());
        assert_eq!(s.served.len(), 630, "no job served twice");
        assert_eq!(s.credits, 630);
    });

    // `sync status`: json by default, the sync's watermark, rows and credits.
    let all = status(&db, &[]);
    let syncs = all.as_array().unwrap();
    assert_eq!(syncs.len(), 1, "{all}");
    let us = &syncs[0];
    assert_eq!(us["name"], "us");
    assert_eq!(us["filters"]["posted_at_max_age_days"], 30);
    assert_eq!(
        (&us["rows_stored"], &us["credits_spent"]),
        (&630.into(), &630.into())
    );
    let at: Timestamp = us["watermark"]["discovered_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(at, watermark, "{us}");
    assert_eq!(us["last_run"]["status"], "completed");
    assert_eq!(us["last_run"]["new_rows"], 30);
    assert_eq!(status(&db, &["--name", "us"]), all);

    // Text and csv on request; an unknown name or a missing database is refused (2), and the
    // missing file is not created.
    let (code, text, _) = run(bare().args(["sync", "status", "--db", &db, "--text"]));
    assert_eq!(code, 0);
    assert!(text.starts_with("sync us\n"), "{text}");
    assert!(text.contains("rows stored:   630"), "{text}");
    assert!(text.contains("credits spent: 630"), "{text}");
    let (code, csv, _) = run(bare().args(["sync", "status", "--db", &db, "--format", "csv"]));
    assert_eq!(code, 0);
    let (header, rows) = support::csv_records(&csv);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][col("rows_stored")], "630");
    let (code, err) = refused(bare().args(["sync", "status", "--db", &db, "--name", "nope"]));
    assert_eq!(code, 2);
    assert!(err.contains("no sync named `nope`"), "{err}");
    let missing = w.path("missing.db").display().to_string();
    let (code, err) = refused(bare().args(["sync", "status", "--db", &missing]));
    assert_eq!(code, 2);
    assert!(err.contains("no database at"), "{err}");
    assert!(!w.path("missing.db").exists());
}

#[test]
fn changed_filters_are_refused_unless_reset() {
    let w = World::start(50);
    let db = w.db();
    synced(&mut w.sync(&db, "us", "filters.json", &[]));
    std::fs::write(
        w.path("wider.json"),
        r#"{"posted_at_max_age_days": 30, "job_country_code_or": ["US", "GB"]}"#,
    )
    .unwrap();
    let before = w.marks();
    let (code, err) = refused(&mut w.sync(&db, "us", "wider.json", &[]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("other filters") && err.contains("--reset"),
        "{err}"
    );
    assert_eq!(w.marks(), before, "nothing was sent");
    assert_eq!(
        status(&db, &[])[0]["filters"]["job_country_code_or"],
        serde_json::json!(["US"])
    );

    let line = synced(&mut w.sync(&db, "us", "wider.json", &["--reset"]));
    assert!(line.starts_with("sync us (backfill): "), "{line}");
    assert!(line.contains(" 50 credits"), "{line}");
    let us = &status(&db, &[])[0];
    assert_eq!(
        us["filters"]["job_country_code_or"],
        serde_json::json!(["US", "GB"])
    );
    // The new filters are the sync's now: the next run is incremental, and free.
    let line = synced(&mut w.sync(&db, "us", "wider.json", &[]));
    assert!(
        line.starts_with("sync us (incremental): 0 new rows"),
        "{line}"
    );
    // The same filters from stdin.
    let wider = std::fs::read_to_string(w.path("wider.json")).unwrap();
    let line = synced(w.sync(&db, "us", "-", &[]).write_stdin(wider));
    assert!(line.starts_with("sync us (incremental): "), "{line}");
    // --quiet: not even the summary.
    let (code, stdout, stderr) = run(&mut w.sync(&db, "us", "wider.json", &["--quiet"]));
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));

    // Filters a sync cannot page by are refused before anything is sent.
    std::fs::write(w.path("bad.json"), r#"{"job_country_code_or": ["US"]}"#).unwrap();
    std::fs::write(w.path("typo.json"), r#"{"posted_at_max_age_dayz": 3}"#).unwrap();
    let before = w.marks();
    for file in ["bad.json", "typo.json"] {
        let (code, err) = refused(&mut w.sync(&db, "other", file, &[]));
        assert_eq!(code, 2, "{file}: {err}");
    }
    assert_eq!(w.marks(), before);
}

#[test]
fn the_credit_guard_refuses_a_large_sync_without_a_terminal() {
    let w = World::start(1500);
    let db = w.db();
    // No --yes and no --max-credits, 1,500 jobs: the free count, then a refusal (4).
    let (code, err) = refused(&mut w.sync(&db, "big", "filters.json", &[]));
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("this sync could spend up to 1500 credits (1500 matching rows)"),
        "{err}"
    );
    assert!(err.contains("--yes"), "{err}");
    w.fake.with(|s| {
        assert_eq!(s.requests.len(), 1, "only the free count");
        let count = &s.requests[0];
        assert_eq!(count["blur_company_data"], true);
        assert_eq!(count["include_total_results"], true);
        assert_eq!(count["limit"], 1);
        assert_eq!(s.credits, 0);
    });

    // On a terminal it asks: declined, nothing is spent (4); accepted, the sync runs.
    let mut pty = w.on_a_terminal(&db, "asked", &[]);
    pty.exp_string(
        "this sync could spend up to 1500 credits (1500 matching rows). Continue? [y/N]",
    )
    .unwrap();
    pty.send_line("n").unwrap();
    pty.exp_string("cancelled; nothing was spent").unwrap();
    assert_eq!(exit_code(pty), 4);
    assert_eq!(w.fake.with(|s| (s.requests.len(), s.credits)), (2, 0));
    let mut pty = w.on_a_terminal(&db, "asked", &[]);
    pty.exp_string("Continue? [y/N]").unwrap();
    pty.send_line("y").unwrap();
    pty.exp_string("sync asked (backfill): 1500 new rows, 0 updated rows, 1500 credits")
        .unwrap();
    pty.exp_eof().unwrap();
    assert_eq!(exit_code(pty), 0);
    assert_eq!(w.fake.with(|s| s.credits), 1500);
    let start = w.marks();

    // Capped at 1,000 it runs without asking; the rest costs less than the limit, so the next
    // run counts only the jobs since the watermark and runs too.
    let line = synced(&mut w.sync(&db, "big", "filters.json", &["--max-results", "1000"]));
    assert!(
        line.contains(": 1000 new rows, 0 updated rows, 1000 credits"),
        "{line}"
    );
    assert_eq!(
        w.marks().0,
        start.0 + 2,
        "no count when the cap is under the limit"
    );
    let before = w.marks();
    let line = synced(&mut w.sync(&db, "big", "filters.json", &[]));
    assert!(
        line.contains(": 500 new rows, 0 updated rows, 500 credits"),
        "{line}"
    );
    let counted = w.fake.with(|s| s.requests[before.0].clone());
    assert_eq!(counted["blur_company_data"], true, "{counted}");
    assert!(counted["discovered_at_gte"].is_string(), "{counted}");
    assert_eq!(w.fake.with(|s| s.credits), 3000, "each job once per sync");

    // --yes and --max-credits skip the count.
    let before = w.marks();
    let line = synced(&mut w.sync(&db, "yes", "filters.json", &["--yes"]));
    assert!(line.contains(" 1500 credits"), "{line}");
    let line = synced(&mut w.sync(&db, "cap", "filters.json", &["--max-credits", "1200"]));
    assert!(
        line.contains(": 1200 new rows, 0 updated rows, 1200 credits"),
        "{line}"
    );
    assert_eq!(w.paid_requests(before.0).len(), w.marks().0 - before.0);
    // Caps that allow nothing are refused before anything is sent.
    let before = w.marks();
    let (code, _) = refused(&mut w.sync(&db, "zero", "filters.json", &["--max-credits", "0"]));
    assert_eq!(code, 4);
    assert_eq!(w.marks(), before);
}

#[test]
fn a_held_lock_makes_a_second_run_exit_at_once_or_wait() {
    let w = World::start(20);
    let db = w.db();
    let store = w.rt.block_on(theirstack_sync::open(&db)).unwrap();
    let client = w.fake.client();
    let hold = || {
        w.rt.block_on(SyncJobs::new("l", parse_filters(FILTERS).unwrap()).lock(
            &client,
            &store,
            &mut |_| {},
        ))
        .unwrap()
    };
    let session = hold();
    let (code, err) = refused(&mut w.sync(&db, "l", "filters.json", &[]));
    assert_eq!(code, 6, "{err}");
    let holder = theirstack_sync::Holder::this_process();
    assert!(
        err.contains(&format!("held by host {} pid {}", holder.host, holder.pid)),
        "{err}"
    );
    assert!(err.contains("--wait"), "{err}");
    assert_eq!(w.marks().0, 0, "nothing was sent");
    w.rt.block_on(session.release()).unwrap();

    // --wait, on a terminal: it says it waits, then runs once the holder lets go.
    let session = hold();
    let mut pty = w.on_a_terminal(&db, "l", &["--wait"]);
    let waiting = pty.exp_string("; waiting for it").unwrap();
    assert!(
        waiting.contains(&format!("pid {}", holder.pid)),
        "{waiting}"
    );
    assert_eq!(w.marks().0, 0, "nothing is sent while waiting");
    w.rt.block_on(session.release()).unwrap();
    // The progress bar, sized by the free count, then the summary.
    pty.exp_string("20/20 rows").unwrap();
    pty.exp_string("sync l (backfill): 20 new rows, 0 updated rows, 20 credits")
        .unwrap();
    let rest = pty.exp_eof().unwrap();
    assert!(!rest.contains(KEY) && !waiting.contains(KEY));
    assert_eq!(exit_code(pty), 0);
    assert_eq!(w.fake.with(|s| s.credits), 20);
}

#[test]
fn a_database_error_ends_the_run_with_a_clear_message() {
    let w = World::start(100);
    let db = w.db();
    // The fourth request (the free count, then pages of 10) finds the sync's table gone.
    let path = w.path("t.db");
    w.fake.with(|s| {
        s.hook = Some(Box::new(move |n, _| {
            if n == 3 {
                let conn = rusqlite::Connection::open(&path).unwrap();
                conn.busy_timeout(std::time::Duration::from_secs(10))
                    .unwrap();
                conn.execute_batch("DROP TABLE sync_jobs").unwrap();
            }
        }))
    });
    let (code, stdout, err) = run(&mut w.sync(&db, "e", "filters.json", &["--page-size", "10"]));
    assert_eq!(code, 1, "{err}");
    assert!(stdout.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: database error while "), "{err}");
    assert!(err.contains("sync_jobs"), "{err}");
    assert_eq!(w.marks().0, 4, "no request after the failed page");
    let e = &status(&db, &[])[0];
    assert_eq!(e["rows_stored"], 20, "the pages before it are kept: {e}");
    assert_eq!(e["last_run"]["status"], "failed", "{e}");

    // A database that cannot be opened, and one whose password must not be printed.
    let (code, err) = refused(&mut w.sync(
        &w.dir.path().display().to_string(),
        "e",
        "filters.json",
        &[],
    ));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("database error while"), "{err}");
    let url = "postgres://sync:Sup3r-Secret-Pw@127.0.0.1:1/jobs";
    let (code, err) = refused(&mut w.sync(url, "e", "filters.json", &[]));
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("Sup3r-Secret-Pw"), "{err}");
    assert!(err.contains("database error"), "{err}");
    let (code, err) = refused(bare().args(["sync", "status", "--db", url]));
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("Sup3r-Secret-Pw"), "{err}");
}

#[test]
fn a_sync_into_postgresql() {
    let w = World::start(40);
    let Some(url) = w.rt.block_on(pg::database()) else {
        eprintln!("skipped: a_sync_into_postgresql needs a PostgreSQL server");
        return;
    };
    let line = synced(&mut w.sync(&url, "pg", "filters.json", &["--page-size", "15"]));
    assert!(
        line.starts_with("sync pg (backfill): 40 new rows"),
        "{line}"
    );
    let latest = w.latest();
    w.fake.with(|s| {
        for k in 0..5 {
            s.data
                .add(900 + k, latest + chrono::Duration::milliseconds(300 * k));
        }
    });
    let before = w.marks();
    let line = synced(&mut w.sync(&url, "pg", "filters.json", &[]));
    assert!(
        line.contains(": 5 new rows, 0 updated rows, 5 credits"),
        "{line}"
    );
    w.fake.with(|s| {
        let second: HashSet<i64> = s.served[before.1..].iter().copied().collect();
        assert_eq!(second, (900..905).collect::<HashSet<i64>>());
        assert_eq!(s.credits, 45);
    });
    let pg = &status(&url, &[])[0];
    assert_eq!(
        (&pg["rows_stored"], &pg["credits_spent"]),
        (&45.into(), &45.into())
    );
    assert_eq!(
        w.rt.block_on(pg::one(&url, "SELECT count(*) FROM jobs")),
        45
    );
}

#[test]
fn help_documents_the_sync_commands_and_their_exit_codes() {
    let (code, top, _) = run(bare().arg("--help"));
    assert_eq!(code, 0);
    let top = top.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(top.contains("sync"), "{top}");
    assert!(top.contains("6 the sync is locked by another run"), "{top}");
    let (code, jobs, _) = run(bare().args(["sync", "jobs", "--help"]));
    assert_eq!(code, 0);
    let jobs = jobs.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "--name",
        "--filters",
        "--db",
        "--reset",
        "--wait",
        "--max-credits",
        "6 another run",
    ] {
        assert!(jobs.contains(needle), "{needle}: {jobs}");
    }
}
