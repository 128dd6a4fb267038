//! The rate-limit benchmarks: `cargo bench --bench rate_limits`.
//!
//! Rule: everything runs on the real clock against the loopback server of the rate-limit tests
//! (`tests/support/windowed.rs`), which enforces TheirStack's sliding windows at arrival (4 a
//! second; the free tier's minute window where named) after a configurable latency, on its own
//! one-worker runtime thread, while the client runs on a one-thread runtime on the main thread.
//! Each measurement gets a fresh server (a fresh port, so a fresh limiter). Measured: (1) a
//! 40-page pull at look-ahead 1, 2, 4, 8 and `Auto`, at 50 ms, 300 ms and 1 s latency; (2) 40
//! and 200 one-company lookups at concurrency 1, 4, 8 and 16; (3) the free tier's minute window
//! with 12 lookups; (4) the workloads of the rate-limit issue, each with the limiter (the default
//! client) and without it (`pace_requests(false)`, which only reacts to 429s). Every cell shows
//! wall time, requests the server saw, 429s, failures, and the ratio to the optimum: the later
//! of the rate bound (the last request sent as early as the windows allow, plus one latency) and
//! the latency bound (requests × latency / requests in flight).
//!
//! Options after `--`: `--quick` (or `THEIRSTACK_BENCH_QUICK=1`) runs tiny sizes in a few
//! seconds for CI (targets not judged); `--only pull,lookups,free,issue` a subset; `--out DIR`
//! (default `benches/out/`, or `target/bench-quick/` in quick mode) where `rate_limits.md` is
//! written. The binary exits 0 whatever the numbers, and non-zero only when a measurement could
//! not be made.

#[path = "../tests/support/windowed.rs"]
mod windowed;

use futures::StreamExt;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use theirstack::pagination::LookAhead;
use theirstack::rate_limit::{Quota, Tier};
use theirstack::types::{JobSearchFiltersInput, TechDetailsFilters};
use theirstack::{Client, Error};
use windowed::{Config, Window, Windowed, first_breach, optimal_last_send};

const KEY: &str = "ts_bench_key_0123456789";
const MS: fn(u64) -> Duration = Duration::from_millis;

struct Settings {
    quick: bool,
    out_dir: PathBuf,
    sections: Option<Vec<String>>,
    /// Pages of the look-ahead pull, rows per page.
    pages: u64,
    page_size: u64,
    latencies: Vec<Duration>,
    depths: Vec<LookAhead>,
    lookup_counts: Vec<usize>,
    concurrencies: Vec<usize>,
    lookup_latency: Duration,
    /// The free tier's windows as the server enforces them (quick mode shrinks the minute).
    free: Vec<Window>,
    free_lookups: usize,
    /// The issue's workloads: pull look-aheads, lookup concurrencies, paginators × rows.
    issue_depths: Vec<usize>,
    issue_lookups: usize,
    issue_concurrencies: Vec<usize>,
    issue_paginators: usize,
    issue_rows: u64,
    issue_page_size: u64,
    issue_latency: Duration,
}

impl Settings {
    fn from_args(args: &[String]) -> Settings {
        let quick = args.iter().any(|a| a == "--quick")
            || std::env::var("THEIRSTACK_BENCH_QUICK").is_ok_and(|v| v == "1");
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let out_dir = args
            .iter()
            .position(|a| a == "--out")
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                if quick {
                    manifest.join("target").join("bench-quick")
                } else {
                    manifest.join("benches").join("out")
                }
            });
        let sections = args
            .iter()
            .position(|a| a == "--only")
            .and_then(|i| args.get(i + 1))
            .map(|list| list.split(',').map(str::to_string).collect());
        if quick {
            Settings {
                quick,
                out_dir,
                sections,
                pages: 6,
                page_size: 10,
                latencies: vec![MS(20)],
                depths: vec![LookAhead::Fixed(1), LookAhead::Fixed(4), LookAhead::Auto],
                lookup_counts: vec![6],
                concurrencies: vec![4],
                lookup_latency: MS(20),
                free: vec![
                    Window::new("per-second", 4, 1),
                    Window::new("per-minute", 10, 3),
                ],
                free_lookups: 12,
                issue_depths: vec![2],
                issue_lookups: 6,
                issue_concurrencies: vec![4],
                issue_paginators: 0,
                issue_rows: 20,
                issue_page_size: 10,
                issue_latency: MS(20),
            }
        } else {
            Settings {
                quick,
                out_dir,
                sections,
                pages: 40,
                page_size: 25,
                latencies: vec![MS(50), MS(300), MS(1_000)],
                depths: vec![
                    LookAhead::Fixed(1),
                    LookAhead::Fixed(2),
                    LookAhead::Fixed(4),
                    LookAhead::Fixed(8),
                    LookAhead::Auto,
                ],
                lookup_counts: vec![40, 200],
                concurrencies: vec![1, 4, 8, 16],
                lookup_latency: MS(300),
                free: windowed::free(),
                free_lookups: 12,
                issue_depths: vec![1, 2, 4, 8],
                issue_lookups: 40,
                issue_concurrencies: vec![4, 8],
                issue_paginators: 4,
                issue_rows: 100,
                issue_page_size: 10,
                issue_latency: MS(300),
            }
        }
    }

    fn wants(&self, section: &str) -> bool {
        self.sections
            .as_ref()
            .is_none_or(|list| list.iter().any(|s| s == section))
    }
}

/// What one run measured.
struct Measured {
    wall: Duration,
    /// Requests the server saw (429s included).
    sent: usize,
    refused: usize,
    /// Pulls or lookups that ended with an error.
    failed: usize,
    /// A window the arrivals broke (the server refuses what breaks one, so this is only a
    /// check of the harness).
    breach: Option<String>,
    /// Offsets of the arrivals from the first one.
    arrivals: Vec<Duration>,
    first_error: Option<String>,
}

impl Measured {
    fn ratio(&self, optimum: Duration) -> f64 {
        self.wall.as_secs_f64() / optimum.as_secs_f64()
    }

    /// The most requests in flight at once, each in flight for `latency` after it arrived.
    fn deepest(&self, latency: Duration) -> usize {
        self.arrivals
            .iter()
            .map(|t| {
                self.arrivals
                    .iter()
                    .filter(|u| *u <= t && *t - **u < latency)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }
}

/// Runs servers on one runtime thread and the client on the main thread.
struct Harness {
    servers: tokio::runtime::Runtime,
    client: tokio::runtime::Runtime,
}

impl Harness {
    fn new() -> Result<Harness, String> {
        let servers = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("rate-limit-server")
            .enable_all()
            .build()
            .map_err(|e| format!("server runtime: {e}"))?;
        let client = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("client runtime: {e}"))?;
        Ok(Harness { servers, client })
    }

    fn server(&self, windows: Vec<Window>, latency: Duration) -> Windowed {
        self.servers
            .block_on(Windowed::start(Config::new(windows).latency(latency)))
    }

    /// Runs `work` (which returns how many of its parts failed, and the first error) against a
    /// fresh server and measures it.
    fn measure<F, Fut>(
        &self,
        windows: &[Window],
        latency: Duration,
        work: F,
    ) -> Result<Measured, String>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = (usize, Option<String>)>,
    {
        let server = self.server(windows.to_vec(), latency);
        let started = Instant::now();
        let (failed, first_error) = self.client.block_on(work(server.base_url.clone()));
        let wall = started.elapsed();
        let arrivals = server.arrivals();
        if arrivals.is_empty() {
            return Err(format!(
                "no request reached the server: {}",
                first_error.unwrap_or_default()
            ));
        }
        let times: Vec<tokio::time::Instant> = arrivals.iter().map(|a| a.at).collect();
        let breach = first_breach(&times, windows)
            .map(|(w, i, n)| format!("{n} arrivals in the {w} window from arrival {i}"));
        let first = times[0];
        Ok(Measured {
            wall,
            sent: arrivals.len(),
            refused: server.refused(),
            failed,
            breach,
            arrivals: times.iter().map(|t| *t - first).collect(),
            first_error,
        })
    }
}

fn filters() -> JobSearchFiltersInput {
    JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .try_into()
        .expect("filters")
}

fn client(base_url: &str, pace: bool, quotas: Option<Vec<Quota>>) -> Client {
    let mut builder = Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .pace_requests(pace);
    if let Some(quotas) = quotas {
        builder = builder.rate_limit_quotas(quotas);
    }
    builder.build().expect("client")
}

/// A 40-page pull (capped, so the window opens at once).
async fn pull(c: Client, pages: u64, page_size: u64, look_ahead: LookAhead) -> Result<(), Error> {
    let rows = c
        .job_search(filters())
        .page_size(page_size)
        .max_items(pages * page_size)
        .look_ahead(look_ahead)
        .collect_all()
        .await?;
    assert_eq!(rows.len() as u64, pages * page_size, "every row arrived");
    Ok(())
}

/// One one-company lookup through the paginator: one request (the page is short).
async fn lookup(c: Client, i: usize) -> Result<(), Error> {
    let filters = TechDetailsFilters {
        company_domain: Some(format!("company-{i}.example")),
        ..Default::default()
    };
    c.technographics(filters).collect_all().await.map(drop)
}

fn tally(results: Vec<Result<(), Error>>) -> (usize, Option<String>) {
    let failed = results.iter().filter(|r| r.is_err()).count();
    let first = results
        .into_iter()
        .find_map(Result::err)
        .map(|e| e.to_string());
    (failed, first)
}

/// The depth `Auto` settles on: the 4/s window's quota times the windows the latency spans,
/// within 1..=8.
fn auto_depth(latency: Duration) -> usize {
    (4 * latency.as_secs_f64().ceil().max(1.0) as usize).clamp(1, LookAhead::AUTO_MAX)
}

fn label(look_ahead: LookAhead, latency: Duration) -> String {
    match look_ahead {
        LookAhead::Fixed(n) => n.to_string(),
        _ => format!("Auto (→ {})", auto_depth(latency)),
    }
}

/// The later of the rate bound and the latency bound for `n` requests, `depth` in flight.
fn optimum(n: usize, windows: &[Window], latency: Duration, depth: usize) -> Duration {
    let rate = optimal_last_send(n, windows) + latency;
    let latency_bound = latency.mul_f64(n as f64 / depth.max(1) as f64);
    rate.max(latency_bound)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

#[derive(Default)]
struct Report {
    md: String,
    targets: Vec<[String; 4]>,
    notes: Vec<String>,
    quick: bool,
}

impl Report {
    fn target(&mut self, name: &str, goal: &str, measured: String, met: bool) {
        let verdict = match (self.quick, met) {
            (true, _) => "not judged (quick mode)",
            (false, true) => "met",
            (false, false) => "missed",
        };
        self.targets
            .push([name.into(), goal.into(), measured, verdict.into()]);
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = Settings::from_args(&args);
    match run(&settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("a measurement could not be made: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(settings: &Settings) -> Result<(), String> {
    let harness = Harness::new()?;
    let mut report = Report {
        quick: settings.quick,
        ..Report::default()
    };
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let _ = writeln!(
        report.md,
        "| machine | |\n|---|---|\n| cores | {cores} |\n| mode | {} |\n| load average at start | {} |",
        if settings.quick { "quick" } else { "full" },
        load_average()
    );
    let begun = Instant::now();
    let paid = windowed::paid();

    if settings.wants("pull") {
        let _ = writeln!(
            report.md,
            "\n### {}-page pull ({} rows a page), 4/s sliding window\n\n| latency | look-ahead | most in flight | wall | optimum | ratio | sent | 429s | failed |\n|---|---|---|---|---|---|---|---|---|",
            settings.pages, settings.page_size
        );
        let mut worst: f64 = 0.0;
        let mut refused = 0;
        let mut failed = 0;
        let mut worst_cell = String::new();
        for &latency in &settings.latencies {
            for &look_ahead in &settings.depths {
                let (pages, size) = (settings.pages, settings.page_size);
                let m = harness.measure(&paid, latency, |url| async move {
                    tally(vec![
                        pull(client(&url, true, None), pages, size, look_ahead).await,
                    ])
                })?;
                let depth = match look_ahead {
                    LookAhead::Fixed(n) => n,
                    _ => auto_depth(latency),
                };
                let best = optimum(pages as usize, &paid, latency, depth);
                let ratio = m.ratio(best);
                let _ = writeln!(
                    report.md,
                    "| {} ms | {} | {} | {} | {} | {ratio:.3}× | {} | {} | {} |",
                    latency.as_millis(),
                    label(look_ahead, latency),
                    m.deepest(latency),
                    secs(m.wall),
                    secs(best),
                    m.sent,
                    m.refused,
                    m.failed
                );
                if ratio > worst {
                    worst = ratio;
                    worst_cell = format!(
                        "look-ahead {} at {} ms",
                        label(look_ahead, latency),
                        latency.as_millis()
                    );
                }
                refused += m.refused;
                failed += m.failed;
                note_breach(&mut report, &m, "pull");
                eprintln!(
                    "pull {} ms look-ahead {}: {} ({ratio:.3}×)",
                    latency.as_millis(),
                    label(look_ahead, latency),
                    secs(m.wall)
                );
            }
        }
        report.target(
            &format!(
                "{}-page pull within 1.10× of the optimum, every cell",
                settings.pages
            ),
            "≤ 1.10×",
            format!("worst {worst:.3}× ({worst_cell})"),
            worst <= 1.10,
        );
        report.target(
            "stretch: the same within 1.05×",
            "≤ 1.05×",
            format!("worst {worst:.3}×"),
            worst <= 1.05,
        );
        report.target(
            &format!("{}-page pull: zero 429s, zero failures", settings.pages),
            "0",
            format!("{refused} 429s, {failed} failed"),
            refused == 0 && failed == 0,
        );
    }

    if settings.wants("lookups") {
        let latency = settings.lookup_latency;
        let _ = writeln!(
            report.md,
            "\n### One-company lookups, {} ms latency, 4/s sliding window\n\n| lookups | concurrency | wall | optimum | ratio | sent | 429s | failed |\n|---|---|---|---|---|---|---|---|",
            latency.as_millis()
        );
        let mut worst: f64 = 0.0;
        let mut refused = 0;
        let mut failed = 0;
        for &n in &settings.lookup_counts {
            for &concurrency in &settings.concurrencies {
                let m = harness.measure(&paid, latency, |url| async move {
                    let c = client(&url, true, None);
                    let results: Vec<Result<(), Error>> = futures::stream::iter(0..n)
                        .map(|i| lookup(c.clone(), i))
                        .buffer_unordered(concurrency)
                        .collect()
                        .await;
                    tally(results)
                })?;
                let best = optimum(n, &paid, latency, concurrency);
                let ratio = m.ratio(best);
                let _ = writeln!(
                    report.md,
                    "| {n} | {concurrency} | {} | {} | {ratio:.3}× | {} | {} | {} |",
                    secs(m.wall),
                    secs(best),
                    m.sent,
                    m.refused,
                    m.failed
                );
                worst = worst.max(ratio);
                refused += m.refused;
                failed += m.failed;
                note_breach(&mut report, &m, "lookups");
                eprintln!(
                    "lookups {n} × {concurrency}: {} ({ratio:.3}×)",
                    secs(m.wall)
                );
            }
        }
        report.target(
            "lookups within 1.10× of the optimum, zero 429s and failures",
            "≤ 1.10×, 0, 0",
            format!("worst {worst:.3}×, {refused} 429s, {failed} failed"),
            worst <= 1.10 && refused == 0 && failed == 0,
        );
    }

    if settings.wants("free") {
        let latency = settings.lookup_latency;
        let windows = settings.free.clone();
        let minute = windows
            .iter()
            .find(|w| w.name == "per-minute")
            .cloned()
            .ok_or("no minute window")?;
        let quotas: Vec<Quota> = windows
            .iter()
            .filter_map(|w| Quota::new(w.requests, w.length).map(|q| q.named(w.name.clone())))
            .collect();
        // The full run assumes the documented free tier; quick mode's minute is shorter.
        let assumed = if settings.quick {
            quotas
        } else {
            Tier::Free.quotas()
        };
        let n = settings.free_lookups;
        let m = harness.measure(&windows, latency, |url| async move {
            let c = client(&url, true, Some(assumed));
            let results: Vec<Result<(), Error>> = futures::stream::iter(0..n)
                .map(|i| lookup(c.clone(), i))
                .buffer_unordered(4)
                .collect()
                .await;
            tally(results)
        })?;
        let eleventh = m.arrivals.get(10).copied().unwrap_or_default();
        let best = optimum(n, &windows, latency, 4);
        let _ = writeln!(
            report.md,
            "\n### Free tier ({} per {} s), {n} lookups at concurrency 4, {} ms latency\n\n| wall | optimum | ratio | 11th request sent after | sent | 429s | failed |\n|---|---|---|---|---|---|---|\n| {} | {} | {:.3}× | {} | {} | {} | {} |",
            minute.requests,
            minute.length.as_secs(),
            latency.as_millis(),
            secs(m.wall),
            secs(best),
            m.ratio(best),
            secs(eleventh),
            m.sent,
            m.refused,
            m.failed
        );
        note_breach(&mut report, &m, "free tier");
        eprintln!("free tier: 11th after {}", secs(eleventh));
        report.target(
            "free tier: the 11th lookup waits for the minute window, no 429",
            "11th ≥ window, 0 429s",
            format!("11th after {}, {} 429s", secs(eleventh), m.refused),
            eleventh >= minute.length && m.refused == 0 && m.failed == 0,
        );
    }

    if settings.wants("issue") {
        issue_table(&harness, settings, &mut report)?;
    }

    let _ = writeln!(
        report.md,
        "\n| target | goal | measured | verdict |\n|---|---|---|---|"
    );
    for [a, b, c, d] in &report.targets {
        let _ = writeln!(report.md, "| {a} | {b} | {c} | {d} |");
    }
    let _ = writeln!(
        report.md,
        "\nload average at end: {}; total {:.0} s",
        load_average(),
        begun.elapsed().as_secs_f64()
    );
    for n in &report.notes {
        let _ = writeln!(report.md, "- {n}");
    }
    println!("{}", report.md);
    std::fs::create_dir_all(&settings.out_dir)
        .map_err(|e| format!("cannot create {}: {e}", settings.out_dir.display()))?;
    let path = settings.out_dir.join("rate_limits.md");
    std::fs::write(&path, &report.md)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

fn note_breach(report: &mut Report, m: &Measured, what: &str) {
    if let Some(b) = &m.breach {
        report.notes.push(format!("{what}: {b}"));
    }
    if let Some(e) = &m.first_error {
        report.notes.push(format!("{what}: first error: {e}"));
    }
}

/// The issue's workloads, with the limiter and without.
fn issue_table(harness: &Harness, s: &Settings, report: &mut Report) -> Result<(), String> {
    let paid = windowed::paid();
    let latency = s.issue_latency;
    let _ = writeln!(
        report.md,
        "\n### The issue's workloads, {} ms latency, 4/s sliding window: with the limiter (default client) and without (`pace_requests(false)`)\n\n| workload | before the limiter (issue) | with: wall | sent | 429s | failed | without: wall | sent | 429s | failed |\n|---|---|---|---|---|---|---|---|---|---|",
        latency.as_millis()
    );
    let before = |what: &str| -> &'static str {
        if s.quick {
            // The issue's numbers are for the full sizes.
            return "—";
        }
        match what {
            "pull 1" => "16.0 s, 40, 0, 0",
            "pull 2" => "18.3 s, 50, 10, 0",
            "pull 4" => "14.6 s, 58, 18, 0",
            "pull 8" => "14.2 s, 73, 33, 0",
            "lookups 4" => "14.5 s, 64, 24, 0",
            "lookups 8" => "11.8 s, 77, 44, 7 lost",
            "paginators" => "12.6 s, 50, 18, 1 pull ended",
            _ => "",
        }
    };
    let mut with_refused = 0;
    let mut with_failed = 0;
    let mut row = |name: String, key: &str, pair: [Measured; 2]| {
        let [w, wo] = pair;
        with_refused += w.refused;
        with_failed += w.failed;
        let _ = writeln!(
            report.md,
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            before(key),
            secs(w.wall),
            w.sent,
            w.refused,
            w.failed,
            secs(wo.wall),
            wo.sent,
            wo.refused,
            wo.failed
        );
        note_breach(report, &w, &format!("{name} (with)"));
        if let Some(e) = &wo.first_error {
            report
                .notes
                .push(format!("{name} (without): first error: {e}"));
        }
        eprintln!(
            "issue {name}: with {} / without {}",
            secs(w.wall),
            secs(wo.wall)
        );
    };
    for &depth in &s.issue_depths {
        let mut pair = Vec::new();
        for pace in [true, false] {
            let (pages, size) = (40.min(s.pages), s.page_size);
            pair.push(harness.measure(&paid, latency, |url| async move {
                tally(vec![
                    pull(
                        client(&url, pace, None),
                        pages,
                        size,
                        LookAhead::Fixed(depth),
                    )
                    .await,
                ])
            })?);
        }
        let pair: [Measured; 2] = pair.try_into().map_err(|_| "two runs")?;
        row(
            format!("{}-page pull, look-ahead {depth}", 40.min(s.pages)),
            &format!("pull {depth}"),
            pair,
        );
    }
    for &concurrency in &s.issue_concurrencies {
        let mut pair = Vec::new();
        let n = s.issue_lookups;
        for pace in [true, false] {
            pair.push(harness.measure(&paid, latency, |url| async move {
                let c = client(&url, pace, None);
                let results: Vec<Result<(), Error>> = futures::stream::iter(0..n)
                    .map(|i| lookup(c.clone(), i))
                    .buffer_unordered(concurrency)
                    .collect()
                    .await;
                tally(results)
            })?);
        }
        let pair: [Measured; 2] = pair.try_into().map_err(|_| "two runs")?;
        row(
            format!("{n} lookups, buffer_unordered({concurrency})"),
            &format!("lookups {concurrency}"),
            pair,
        );
    }
    if s.issue_paginators > 0 {
        let mut pair = Vec::new();
        let (k, rows, size) = (s.issue_paginators, s.issue_rows, s.issue_page_size);
        for pace in [true, false] {
            pair.push(harness.measure(&paid, latency, |url| async move {
                let c = client(&url, pace, None);
                let pulls = (0..k).map(|_| {
                    let c = c.clone();
                    async move {
                        c.job_search(filters())
                            .page_size(size)
                            .max_items(rows)
                            .collect_all()
                            .await
                            .map(drop)
                    }
                });
                tally(futures::future::join_all(pulls).await)
            })?);
        }
        let pair: [Measured; 2] = pair.try_into().map_err(|_| "two runs")?;
        row(
            format!("{k} paginators at once, {rows} rows each ({size} a page)"),
            "paginators",
            pair,
        );
    }
    report.target(
        "the issue's workloads with the limiter: zero 429s, zero failures",
        "0, 0",
        format!("{with_refused} 429s, {with_failed} failed"),
        with_refused == 0 && with_failed == 0,
    );
    Ok(())
}
