//! Sync throughput and memory: a backfill from a loopback fake of job search (in a process of
//! its own) into SQLite and into PostgreSQL, in rows per second; the heap the syncing process
//! peaks at above its baseline, against the size of one 500-job page; and the credits a second
//! run spends when nothing new was discovered.
//!
//! `cargo bench -p theirstack-sync --bench sync` runs 100,000 jobs; `-- --quick` runs 5,000 (CI).
//! PostgreSQL comes from `THEIRSTACK_TEST_POSTGRES_URL` or `.ci/postgres.sh`; without one it is
//! skipped with the reason printed.

#[path = "../tests/support/mod.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use support::fake::{Fake, FakeState, spread};
use theirstack_sync::{SyncJobs, parse_filters};

/// Counts the bytes the process has allocated, and the most it had at once.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SERVER: &str = "THEIRSTACK_SYNC_BENCH_SERVER";

/// The fake, in this process (the child): prints its address, serves until stdin closes.
fn server(jobs: i64) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut state = FakeState::default();
        spread(&mut state.data, 1, jobs, 20);
        let fake = Fake::start(state).await;
        println!("LISTENING {}", fake.url());
        std::io::stdout().flush().unwrap();
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            while std::io::stdin().lock().read_line(&mut line).unwrap_or(0) > 0 {}
        })
        .await
        .unwrap();
    });
}

struct Child {
    process: std::process::Child,
    url: String,
}

impl Child {
    /// Closes its stdin, which ends it.
    fn stop(mut self) {
        drop(self.process.stdin.take());
        self.process.wait().unwrap();
    }
}

fn start_server(jobs: i64) -> Child {
    let mut process = std::process::Command::new(std::env::current_exe().unwrap())
        .env(SERVER, jobs.to_string())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(process.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().strip_prefix("LISTENING ").unwrap().to_owned();
    Child { process, url }
}

async fn credits(url: &str) -> u64 {
    let stats: serde_json::Value = reqwest::get(format!("{url}/__fake/stats"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    stats["credits"].as_u64().unwrap()
}

/// Bytes of one full page's response body.
async fn page_bytes(url: &str) -> usize {
    let body = serde_json::json!({
        "posted_at_max_age_days": 30, "limit": 500,
        "order_by": [{"field": "discovered_at", "desc": false}]
    });
    let response = reqwest::Client::new()
        .post(format!("{url}/v1/jobs/search"))
        .json(&body)
        .send()
        .await
        .unwrap();
    response.bytes().await.unwrap().len()
}

fn rss_peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Heap bytes one decoded 500-job page holds, as the library hands it over.
async fn decoded_page_bytes(url: &str) -> usize {
    use futures::StreamExt;
    let client = support::fake::client(url);
    let filters = parse_filters(r#"{"posted_at_max_age_days": 30}"#).unwrap();
    let before = CURRENT.load(Ordering::Relaxed);
    let mut pages = std::pin::pin!(
        client
            .incremental_jobs(filters, None)
            .max_items(500)
            .pages()
    );
    let page = pages.next().await.unwrap().unwrap();
    let held = CURRENT.load(Ordering::Relaxed).saturating_sub(before);
    assert_eq!(page.jobs.len(), 500);
    drop(page);
    held
}

async fn run_one(label: &str, db: &str, jobs: i64, page: usize, quick: bool) {
    let server = start_server(jobs);
    let store = theirstack_sync::open(db).await.unwrap();
    let client = support::fake::client(&server.url);
    let filters = parse_filters(r#"{"posted_at_max_age_days": 30}"#).unwrap();
    let paid_before = credits(&server.url).await;
    let baseline = CURRENT.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let started = Instant::now();
    let report = SyncJobs::new("bench", filters.clone())
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    let elapsed = started.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
    assert_eq!(report.new_rows, jobs as u64);
    let paid_backfill = credits(&server.url).await - paid_before;
    let second = SyncJobs::new("bench", filters)
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    let paid_second = credits(&server.url).await - paid_before - paid_backfill;
    let rate = jobs as f64 / elapsed.as_secs_f64();
    let ratio = peak as f64 / page as f64;
    println!(
        "{label}: {jobs} jobs in {:.2} s = {rate:.0} rows/s; {} pages; credits: backfill {paid_backfill}, second run {paid_second} (report {}); peak heap above baseline {:.2} MiB = {ratio:.2}x one decoded page ({:.2} MiB)",
        elapsed.as_secs_f64(),
        report.pages,
        second.credits,
        peak as f64 / 1048576.0,
        page as f64 / 1048576.0,
    );
    assert_eq!(paid_backfill, jobs as u64, "the backfill paid once per job");
    assert_eq!(
        paid_second, 0,
        "a second run with nothing new spends nothing"
    );
    if !quick {
        assert!(rate >= 5000.0, "{label}: {rate:.0} rows/s is under 5,000");
        assert!(ratio <= 3.0, "{label}: peak heap {ratio:.2}x one page");
    }
    server.stop();
}

async fn postgres_url() -> Result<String, String> {
    let base = match std::env::var("THEIRSTACK_TEST_POSTGRES_URL") {
        Ok(url) => url,
        Err(_) => {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/postgres.sh");
            let out = std::process::Command::new("bash")
                .args([
                    script,
                    "start",
                    "--owner-pid",
                    &std::process::id().to_string(),
                ])
                .output()
                .map_err(|e| e.to_string())?;
            if !out.status.success() {
                return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
            }
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.lines()
                .find_map(|l| {
                    l.strip_prefix("export THEIRSTACK_TEST_POSTGRES_URL='")?
                        .strip_suffix('\'')
                        .map(str::to_owned)
                })
                .ok_or("the script printed no URL")?
        }
    };
    let (client, connection) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let name = format!("bench_{}_{:x}", std::process::id(), fastrand::u32(..));
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .map_err(|e| e.to_string())?;
    let (head, _) = base.rsplit_once('/').ok_or("a URL without a database")?;
    Ok(format!("{head}/{name}"))
}

fn main() {
    if let Ok(jobs) = std::env::var(SERVER) {
        return server(jobs.parse().unwrap());
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let jobs: i64 = if quick { 5_000 } else { 100_000 };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let probe = start_server(600);
        let json = page_bytes(&probe.url).await;
        let page = decoded_page_bytes(&probe.url).await;
        probe.stop();
        println!(
            "one page of 500 jobs: {json} bytes of JSON, {page} bytes decoded ({:.2}x the JSON)",
            page as f64 / json as f64
        );
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bench.db");
        run_one("SQLite", db.to_str().unwrap(), jobs, page, quick).await;
        match postgres_url().await {
            Ok(url) => run_one("PostgreSQL", &url, jobs, page, quick).await,
            Err(reason) if std::env::var_os("CI").is_some() => {
                panic!("no PostgreSQL server for the benchmark under CI: {reason}")
            }
            Err(reason) => println!("PostgreSQL: skipped ({reason})"),
        }
        if let Some(kib) = rss_peak_kib() {
            println!(
                "process peak RSS (both runs, runtime and SQLite cache included): {:.1} MiB",
                kib as f64 / 1024.0
            );
        }
    });
}
