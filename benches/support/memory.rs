//! Peak resident memory of the client, each measurement in a fresh child process.
//!
//! Rule: the harness re-executes itself as `client --child memory MODE BASE_URL PAGE_ROWS ITEMS`;
//! the child builds a client on a one-thread runtime, does one thing, and prints its own peak
//! resident set (`VmHWM` from /proc/self/status) on a line starting `MEMORY`. The server lives in
//! the parent, so the child's peak is the client's alone. No allocator tricks, no `unsafe`.

use futures::StreamExt;
use std::process::Command;
use theirstack::Client;
use theirstack::types::JobSearchFiltersInput;

/// What a child measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Build the client, fetch one one-row page (connection and buffers warm), nothing else.
    Idle,
    /// Fetch one full page with `search_jobs_v1()` and hold it.
    OnePage,
    /// Stream ITEMS rows through `job_search(..).items()` (look-ahead 1), dropping each.
    Stream,
    /// The same with `look_ahead(4)`.
    StreamLookAhead4,
    /// Plain reqwest: one page's body with `.bytes()`, held, not decoded.
    BodyBytes,
    /// Plain reqwest: one page's body read with `.chunk()` into a buffer sized from
    /// `Content-Length`, held, not decoded.
    BodyChunks,
}

impl Mode {
    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Idle => "idle",
            Mode::OnePage => "one-page",
            Mode::Stream => "stream",
            Mode::StreamLookAhead4 => "stream-la4",
            Mode::BodyBytes => "body-bytes",
            Mode::BodyChunks => "body-chunks",
        }
    }

    fn parse(s: &str) -> Option<Mode> {
        [
            Mode::Idle,
            Mode::OnePage,
            Mode::Stream,
            Mode::StreamLookAhead4,
            Mode::BodyBytes,
            Mode::BodyChunks,
        ]
        .into_iter()
        .find(|m| m.name() == s)
    }
}

/// What a child reported.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    /// Peak resident set, KiB.
    pub peak_kib: u64,
    /// Rows the child received.
    pub rows: u64,
}

/// The filters every benchmark request sends.
pub fn filters() -> JobSearchFiltersInput {
    JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .job_country_code_or(vec!["US".to_string(), "GB".to_string()])
        .try_into()
        .expect("valid filters")
}

/// A client for `base_url` with default settings.
pub fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key("ts_bench_key_0123456789")
        .base_url(base_url)
        .build()
        .expect("client builds")
}

/// Reads a `kB` field of /proc/self/status.
pub fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The child side: `args` = `MODE BASE_URL PAGE_ROWS ITEMS`.
pub fn child_main(args: &[String]) {
    let mode = args
        .first()
        .and_then(|m| Mode::parse(m))
        .expect("a memory mode");
    let base_url = args.get(1).expect("a base URL").clone();
    let page_rows: u64 = args.get(2).and_then(|s| s.parse().ok()).expect("page rows");
    let items: u64 = args.get(3).and_then(|s| s.parse().ok()).expect("items");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let rows = runtime.block_on(async move {
        let client = client(&base_url);
        match mode {
            Mode::Idle | Mode::OnePage => {
                let mut body = filters();
                body.limit =
                    std::num::NonZeroU64::new(if mode == Mode::Idle { 1 } else { page_rows });
                let page = client
                    .search_jobs_v1()
                    .body(body)
                    .send()
                    .await
                    .expect("page")
                    .into_inner();
                let rows = page.data.len() as u64;
                std::hint::black_box(&page);
                rows
            }
            Mode::BodyBytes | Mode::BodyChunks => {
                let mut body = filters();
                body.limit = std::num::NonZeroU64::new(page_rows);
                let mut response = reqwest::Client::new()
                    .post(format!("{base_url}/v1/jobs/search"))
                    .json(&body)
                    .send()
                    .await
                    .expect("response");
                let bytes = if mode == Mode::BodyBytes {
                    response.bytes().await.expect("body")
                } else {
                    let size = response.content_length().unwrap_or(0) as usize;
                    let mut buf = bytes::BytesMut::with_capacity(size);
                    while let Some(chunk) = response.chunk().await.expect("chunk") {
                        buf.extend_from_slice(&chunk);
                    }
                    buf.freeze()
                };
                std::hint::black_box(&bytes);
                // Rows, counted without decoding: `job_title` appears once per row.
                let key = b"\"job_title\":";
                bytes.windows(key.len()).filter(|w| w == key).count() as u64
            }
            Mode::Stream | Mode::StreamLookAhead4 => {
                let depth = if mode == Mode::Stream { 1 } else { 4 };
                let mut stream = std::pin::pin!(
                    client
                        .job_search(filters())
                        .page_size(page_rows)
                        .max_items(items)
                        .look_ahead(depth)
                        .items()
                );
                let mut rows = 0u64;
                while let Some(job) = stream.next().await {
                    let job = job.expect("row");
                    std::hint::black_box(&job);
                    rows += 1;
                }
                rows
            }
        }
    });
    println!("MEMORY peak_kib={} rows={rows}", status_kib("VmHWM"));
}

/// The parent side: runs one child and reads its report.
pub fn measure(mode: Mode, base_url: &str, page_rows: u64, items: u64) -> Result<Report, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new(exe)
        .args([
            "--child",
            "memory",
            mode.name(),
            base_url,
            &page_rows.to_string(),
            &items.to_string(),
        ])
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("MEMORY "))
        .ok_or_else(|| {
            format!(
                "child {} failed: {}",
                mode.name(),
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    let field = |name: &str| -> u64 {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    Ok(Report {
        peak_kib: field("peak_kib"),
        rows: field("rows"),
    })
}
