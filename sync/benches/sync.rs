//! Sync throughput and memory: a backfill from the sandbox (`theirstack-sandbox`, in a process
//! of its own, with no rate limit, so the sync's own speed is measured) into SQLite and into
//! PostgreSQL, in rows per second; the heap the syncing process
//! peaks at above its baseline, against the size of one 500-job page; and the credits a second
//! run spends when nothing new was discovered.
//!
//! `cargo bench -p theirstack-sync --bench sync` runs 100,000 jobs; `-- --quick` runs 5,000 (CI).
//! PostgreSQL comes from `THEIRSTACK_TEST_POSTGRES_URL` or `.ci/postgres.sh`; without one it is
//! skipped with the reason printed.

use std::io::{BufRead, Write};
use std::time::Instant;
use theirstack::Client;
use theirstack_sandbox::{Sandbox, SandboxConfig};
use theirstack_sync::{SyncJobs, parse_filters};

/// Counts the bytes the process holds and the most it held at once (`peak_alloc`: a counting
/// wrapper of the system allocator, so the bench needs no allocator code of its own).
#[global_allocator]
static ALLOCATOR: peak_alloc::PeakAlloc = peak_alloc::PeakAlloc;

const SERVER: &str = "THEIRSTACK_SYNC_BENCH_SERVER";
const KEY: &str = "ts_bench_sync_key_0123";
/// Credits the sandbox starts with: more than any run spends.
const CREDITS: u64 = 10_000_000;
/// Matches every job of the sandbox (its jobs are posted within the last year).
const FILTERS: &str = r#"{"posted_at_max_age_days": 3650}"#;

/// The sandbox, in this process (the child): prints its address, serves until stdin closes.
fn server(jobs: usize) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = SandboxConfig::default()
            .jobs(jobs)
            .api_key(KEY)
            .api_credits(CREDITS)
            .rate_limits(Vec::new());
        let sandbox = Sandbox::start(config).await.unwrap();
        println!("LISTENING {}", sandbox.base_url());
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

fn start_server(jobs: usize) -> Child {
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

/// A client of the sandbox at `url`. The sandbox has no rate limit here, so the client does
/// not pace itself: the run measures the sync, not TheirStack's 4 requests a second.
fn client(url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(url)
        .pace_requests(false)
        .build()
        .unwrap()
}

/// API credits spent so far.
async fn credits(url: &str) -> u64 {
    let balance = client(url)
        .get_billing_credit_balance_v0()
        .send()
        .await
        .unwrap();
    CREDITS - balance.api_credits
}

/// The body of the backfill's first request: 500 jobs, oldest discovered first (`preview`:
/// blurred and free).
fn first_page_body(preview: bool) -> serde_json::Value {
    let mut body: serde_json::Value = serde_json::from_str(FILTERS).unwrap();
    body["limit"] = 500.into();
    body["offset"] = 0.into();
    body["order_by"] = serde_json::json!([{"field": "discovered_at", "desc": false}]);
    if preview {
        body["blur_company_data"] = true.into();
    }
    body
}

/// Bytes of one full page's response body.
async fn page_bytes(url: &str) -> usize {
    let body = first_page_body(false);
    let response = reqwest::Client::new()
        .post(format!("{url}/v1/jobs/search"))
        .bearer_auth(KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    response.bytes().await.unwrap().len()
}

/// Milliseconds the server takes to answer one 500-job page of the backfill's first request,
/// alone (a free preview request, timed from the client, 10 times, the mean).
async fn server_ms_per_page(url: &str) -> f64 {
    let body = first_page_body(true);
    let http = reqwest::Client::new();
    let started = Instant::now();
    for _ in 0..10 {
        let response = http
            .post(format!("{url}/v1/jobs/search"))
            .bearer_auth(KEY)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        response.bytes().await.unwrap();
    }
    started.elapsed().as_secs_f64() * 1000.0 / 10.0
}

fn rss_peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Heap bytes one decoded 500-job page holds, as the library hands it over.
async fn decoded_page_bytes(url: &str) -> usize {
    use futures::StreamExt;
    let client = client(url);
    let filters = parse_filters(FILTERS).unwrap();
    let before = ALLOCATOR.current_usage();
    let mut pages = std::pin::pin!(
        client
            .incremental_jobs(filters, None)
            .max_items(500)
            .pages()
    );
    let page = pages.next().await.unwrap().unwrap();
    let held = ALLOCATOR.current_usage().saturating_sub(before);
    assert_eq!(page.jobs.len(), 500);
    drop(page);
    held
}

async fn run_one(label: &str, db: &str, jobs: usize, page: usize, quick: bool) {
    let server = start_server(jobs);
    let store = theirstack_sync::open(db).await.unwrap();
    let client = client(&server.url);
    let filters = parse_filters(FILTERS).unwrap();
    let paid_before = credits(&server.url).await;
    let serve_ms = server_ms_per_page(&server.url).await;
    let baseline = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let started = Instant::now();
    let report = SyncJobs::new("bench", filters.clone())
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    let elapsed = started.elapsed();
    let peak = ALLOCATOR.peak_usage().saturating_sub(baseline);
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
        "{label}: the sandbox alone answers a 500-job page in {serve_ms:.1} ms ({:.0} rows/s at most)",
        500.0 * 1000.0 / serve_ms
    );
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
        // Targets are reported, not asserted: the run goes on to the next store.
        let verdict = |met: bool| if met { "met" } else { "MISSED" };
        println!(
            "{label}: target 5,000 rows/s: {}; target peak heap ≤ 3x one page: {}",
            verdict(rate >= 5000.0),
            verdict(ratio <= 3.0)
        );
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
    let jobs: usize = if quick { 5_000 } else { 100_000 };
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
