//! The client benchmarks of issue 6, in one bench binary: `cargo bench --bench client`.
//!
//! Rule: everything runs against a loopback server inside this process (never the network) and
//! is measured in one run as medians with min–max spreads: (a) time per 500-job page through the
//! client vs plain reqwest + `serde_json::from_slice` vs bytes only (and Python `requests` when
//! available); (b) decode throughput; (c) peak memory of a 100,000-row stream vs one page, each in
//! a fresh child process; (d) look-ahead 1/2/4 with 50 ms server latency; (e) gzip vs identity;
//! (f) the build script's time and a no-op rebuild. `-- --quick` (or `THEIRSTACK_BENCH_QUICK=1`)
//! runs each measurement once with tiny sizes for CI. Targets are reported, never asserted: the
//! binary exits 0 whatever the numbers, and non-zero only when a measurement could not be made.

#![recursion_limit = "256"]

mod support;

use futures::StreamExt;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};
use support::chart::{self, Bar, Series};
use support::memory::{self, Mode};
use support::stats::Samples;
use support::{build_script, server};
use theirstack::types::JobSearchResponse;

const KEY: &str = "ts_bench_key_0123456789";

/// Sizes and repetitions.
struct Settings {
    quick: bool,
    page_rows: usize,
    warmup: usize,
    iterations: usize,
    decode_iterations: usize,
    stream_items: u64,
    memory_runs: usize,
    latency: Duration,
    look_ahead_pages: u64,
    look_ahead_long_pages: u64,
    look_ahead_runs: usize,
    build_runs: usize,
    out_dir: PathBuf,
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
        if quick {
            Settings {
                quick,
                page_rows: 20,
                warmup: 0,
                iterations: 1,
                decode_iterations: 1,
                stream_items: 200,
                memory_runs: 1,
                latency: Duration::from_millis(5),
                look_ahead_pages: 3,
                look_ahead_long_pages: 0,
                look_ahead_runs: 1,
                build_runs: 1,
                out_dir,
            }
        } else {
            Settings {
                quick,
                page_rows: 500,
                warmup: 5,
                iterations: 40,
                decode_iterations: 40,
                stream_items: 100_000,
                memory_runs: 3,
                latency: Duration::from_millis(50),
                look_ahead_pages: 10,
                look_ahead_long_pages: 40,
                look_ahead_runs: 7,
                build_runs: 5,
                out_dir,
            }
        }
    }

    fn wants(&self, args: &[String], section: &str) -> bool {
        match args.iter().position(|a| a == "--only") {
            Some(i) => args
                .get(i + 1)
                .is_some_and(|list| list.split(',').any(|s| s == section)),
            None => true,
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        match args.get(1).map(String::as_str) {
            Some("memory") => memory::child_main(&args[2..]),
            other => panic!("unknown child {other:?}"),
        }
        return;
    }
    let settings = Settings::from_args(&args);
    if let Some(path) = args
        .iter()
        .position(|a| a == "--dump-page")
        .and_then(|i| args.get(i + 1))
    {
        // Writes one page as served, for inspection, and stops.
        let page =
            support::data::Template::new(settings.page_rows).page(0, settings.page_rows, None);
        std::fs::write(path, page).expect("write the page");
        return;
    }
    let mut report = Report::new(&settings);
    let srv = server::start(server::Config {
        page_rows: settings.page_rows,
        total: 10_000_000,
        latency: settings.latency,
    });
    eprintln!(
        "server at {} — page of {} rows, {} bytes ({} gzip)",
        srv.base_url,
        settings.page_rows,
        srv.page.len(),
        srv.page_gzip.len()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut failed = Vec::new();
    let mut section = |name: &str, f: &mut dyn FnMut(&mut Report) -> Result<(), String>| {
        if !settings.wants(&args, name) {
            return;
        }
        eprintln!("== {name}");
        let started = Instant::now();
        if let Err(e) = f(&mut report) {
            eprintln!("section {name} failed: {e}");
            failed.push(format!("{name}: {e}"));
        }
        eprintln!("   ({:.1} s)", started.elapsed().as_secs_f64());
    };
    section("decode", &mut |r| decode(&settings, &srv, r));
    section("page", &mut |r| {
        runtime.block_on(per_page(&settings, &srv, r))
    });
    section("python", &mut |r| python(&settings, &srv, r));
    section("memory", &mut |r| memory_section(&settings, &srv, r));
    section("lookahead", &mut |r| {
        runtime.block_on(look_ahead(&settings, &srv, r))
    });
    section("gzip", &mut |r| runtime.block_on(gzip(&settings, &srv, r)));
    section("build", &mut |r| build(&settings, r));
    report.finish(&settings);
    if !failed.is_empty() {
        eprintln!(
            "measurements that could not be made:\n  {}",
            failed.join("\n  ")
        );
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------------------------------------
// The report

#[derive(Default)]
struct Report {
    machine: Vec<(String, String)>,
    rows: Vec<[String; 4]>,
    targets: Vec<[String; 4]>,
    notes: Vec<String>,
    per_page_bars: Vec<Bar>,
    look_ahead: Vec<(usize, Samples, Samples)>,
}

impl Report {
    fn new(settings: &Settings) -> Report {
        let mut r = Report::default();
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| {
                c.lines().find_map(|l| {
                    l.strip_prefix("model name")?
                        .split_once(':')
                        .map(|x| x.1.trim().to_string())
                })
            })
            .unwrap_or_else(|| "unknown".into());
        let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .arg("-V")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|_| "unknown".into());
        let cores = std::thread::available_parallelism().map_or(0, usize::from);
        r.machine.push(("cores (nproc)".into(), cores.to_string()));
        r.machine.push(("CPU".into(), cpu));
        r.machine.push(("rustc".into(), rustc));
        r.machine
            .push(("load average at start".into(), load_average()));
        r.machine.push((
            "mode".into(),
            if settings.quick {
                "quick (tiny sizes, one sample each)".into()
            } else {
                "full".into()
            },
        ));
        r
    }

    fn row(&mut self, what: &str, value: String, unit: &str, note: &str) {
        self.rows
            .push([what.into(), value, unit.into(), note.into()]);
    }

    fn target(&mut self, name: &str, goal: &str, measured: String, met: bool) {
        let verdict = if met { "met" } else { "missed" };
        self.targets
            .push([name.into(), goal.into(), measured, verdict.into()]);
    }

    fn finish(&mut self, settings: &Settings) {
        self.machine
            .push(("load average at end".into(), load_average()));
        let mut md = String::new();
        let _ = writeln!(md, "| machine | |\n|---|---|");
        for (k, v) in &self.machine {
            let _ = writeln!(md, "| {k} | {v} |");
        }
        let _ = writeln!(
            md,
            "\n| measurement | median (min–max, n) | unit | note |\n|---|---|---|---|"
        );
        for [a, b, c, d] in &self.rows {
            let _ = writeln!(md, "| {a} | {b} | {c} | {d} |");
        }
        if !self.targets.is_empty() {
            let _ = writeln!(
                md,
                "\n| target | goal | measured | verdict |\n|---|---|---|---|"
            );
            for [a, b, c, d] in &self.targets {
                let _ = writeln!(md, "| {a} | {b} | {c} | {d} |");
            }
        }
        if !self.notes.is_empty() {
            let _ = writeln!(md);
            for n in &self.notes {
                let _ = writeln!(md, "- {n}");
            }
        }
        println!("{md}");
        if let Err(e) = std::fs::create_dir_all(&settings.out_dir) {
            eprintln!("cannot create {}: {e}", settings.out_dir.display());
            return;
        }
        let results = settings.out_dir.join("results.md");
        if let Err(e) = std::fs::write(&results, &md) {
            eprintln!("cannot write {}: {e}", results.display());
        }
        if !self.look_ahead.is_empty() || !self.per_page_bars.is_empty() {
            let depths: Vec<usize> = self.look_ahead.iter().map(|(d, _, _)| *d).collect();
            let mut series = vec![Series {
                name: format!("{}-page pull", settings.look_ahead_pages),
                color: "#5b8def",
                bars: self.look_ahead.iter().map(|(_, s, _)| s.clone()).collect(),
            }];
            if self.look_ahead.iter().all(|(_, _, l)| l.len() > 0) {
                series.push(Series {
                    name: format!(
                        "per 10 pages of a {}-page pull (steady state)",
                        settings.look_ahead_long_pages
                    ),
                    color: "#e8743b",
                    bars: self.look_ahead.iter().map(|(_, _, l)| l.clone()).collect(),
                });
            }
            let svg = chart::render(
                "theirstack client benchmarks (loopback)",
                &depths,
                &series,
                &self.per_page_bars,
            );
            let path = settings.out_dir.join("chart.svg");
            match std::fs::write(&path, svg) {
                Ok(()) => eprintln!("wrote {} and {}", results.display(), path.display()),
                Err(e) => eprintln!("cannot write {}: {e}", path.display()),
            }
        }
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

// ---------------------------------------------------------------------------------------------
// (b) decode throughput

fn decode(settings: &Settings, srv: &server::Server, report: &mut Report) -> Result<(), String> {
    let bytes = srv.page.clone();
    let check: JobSearchResponse = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    if check.data.len() != settings.page_rows {
        return Err(format!(
            "decoded {} rows, expected {}",
            check.data.len(),
            settings.page_rows
        ));
    }
    fidelity_note(&bytes, report)?;
    drop(check);
    let (mut typed, mut value, mut ignored, mut drops) = Default::default();
    let (typed, value, ignored, drops): (&mut Samples, &mut Samples, &mut Samples, &mut Samples) =
        (&mut typed, &mut value, &mut ignored, &mut drops);
    for i in 0..settings.warmup + settings.decode_iterations {
        let keep = i >= settings.warmup;
        let t = Instant::now();
        let page: JobSearchResponse =
            serde_json::from_slice(black_box(&bytes)).map_err(|e| e.to_string())?;
        let e = t.elapsed();
        let t = Instant::now();
        drop(black_box(page));
        let d = t.elapsed();
        let t = Instant::now();
        let v: serde_json::Value =
            serde_json::from_slice(black_box(&bytes)).map_err(|e| e.to_string())?;
        let ev = t.elapsed();
        drop(black_box(v));
        let t = Instant::now();
        let _: serde::de::IgnoredAny =
            serde_json::from_slice(black_box(&bytes)).map_err(|e| e.to_string())?;
        let ei = t.elapsed();
        if keep {
            typed.push_ms(e);
            drops.push_ms(d);
            value.push_ms(ev);
            ignored.push_ms(ei);
        }
    }
    let size = mb(bytes.len());
    let rate = |s: &Samples| {
        let mut r = Samples::default();
        for ms in &s.0 {
            r.push(size / (ms / 1e3));
        }
        r
    };
    report.row(
        "page size",
        format!(
            "{} bytes ({} rows, {:.1} KB/row)",
            bytes.len(),
            settings.page_rows,
            bytes.len() as f64 / settings.page_rows as f64 / 1e3
        ),
        "",
        "identity JSON body",
    );
    report.row(
        "(b) decode into `JobSearchResponse` (serde_json::from_slice)",
        typed.show(2),
        "ms",
        "",
    );
    report.row(
        "(b) decode into `JobSearchResponse`: throughput",
        rate(typed).show(0),
        "MB/s",
        "MB = 10^6 bytes",
    );
    report.row(
        "(b) decode into `serde_json::Value`: throughput",
        rate(value).show(0),
        "MB/s",
        "",
    );
    report.row(
        "(b) parse only (`IgnoredAny`): throughput",
        rate(ignored).show(0),
        "MB/s",
        "serde_json's floor: validates, allocates nothing",
    );
    report.row(
        "(b) dropping a decoded page",
        drops.show(2),
        "ms",
        "free() of every String; not in the decode time",
    );
    Ok(())
}

/// Notes any key of the served rows that the typed decode drops (it would be data lost).
fn fidelity_note(bytes: &[u8], report: &mut Report) -> Result<(), String> {
    let raw: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let typed: JobSearchResponse = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    let mut lost = std::collections::BTreeSet::new();
    let (Some(a), Some(b)) = (raw["data"].get(0), back["data"].get(0)) else {
        return Ok(());
    };
    missing_keys("", a, b, &mut lost);
    if lost.is_empty() {
        report.notes.push("Every key of the served Job rows survives the typed decode (checked by re-serializing row 0).".into());
    } else {
        report.notes.push(format!(
            "Keys of the served rows that the typed decode drops or leaves out when re-serialized (null or default values are skipped): {}",
            lost.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(())
}

fn missing_keys(
    path: &str,
    a: &serde_json::Value,
    b: &serde_json::Value,
    out: &mut std::collections::BTreeSet<String>,
) {
    match (a, b) {
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            for (k, v) in x {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match y.get(k) {
                    Some(w) => missing_keys(&p, v, w, out),
                    None if v.is_null() => {}
                    None => {
                        out.insert(p);
                    }
                }
            }
        }
        (serde_json::Value::Array(x), serde_json::Value::Array(y)) => {
            if let (Some(v), Some(w)) = (x.first(), y.first()) {
                missing_keys(&format!("{path}[]"), v, w, out);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// (a) time per page

async fn per_page(
    settings: &Settings,
    srv: &server::Server,
    report: &mut Report,
) -> Result<(), String> {
    let base = format!("{}/static", srv.base_url);
    let endpoint = format!("{base}/v1/jobs/search");
    let client = memory::client(&base);
    let http = reqwest::Client::new();
    let mut body = memory::filters();
    body.limit = std::num::NonZeroU64::new(settings.page_rows as u64).ok_or("zero rows")?;
    let names = [
        "bytes only (reqwest `.bytes()`)",
        "plain reqwest + `serde_json::from_slice`",
        "our client: `search_jobs_v1().send()`",
        "our client: `job_search(f).pages()`, one page",
    ];
    let mut samples: Vec<Samples> = vec![Samples::default(); names.len()];
    let err = |e: &dyn std::fmt::Display| e.to_string();
    for i in 0..settings.warmup + settings.iterations {
        for k in 0..names.len() {
            // Rotate the order so that no variant always runs right after another.
            let v = (k + i) % names.len();
            let started = Instant::now();
            match v {
                0 => {
                    let bytes = http
                        .post(&endpoint)
                        .bearer_auth(KEY)
                        .json(&body)
                        .send()
                        .await
                        .map_err(|e| err(&e))?
                        .error_for_status()
                        .map_err(|e| err(&e))?
                        .bytes()
                        .await
                        .map_err(|e| err(&e))?;
                    black_box(&bytes);
                }
                1 => {
                    let bytes = http
                        .post(&endpoint)
                        .bearer_auth(KEY)
                        .json(&body)
                        .send()
                        .await
                        .map_err(|e| err(&e))?
                        .error_for_status()
                        .map_err(|e| err(&e))?
                        .bytes()
                        .await
                        .map_err(|e| err(&e))?;
                    let page: JobSearchResponse =
                        serde_json::from_slice(&bytes).map_err(|e| err(&e))?;
                    black_box(&page);
                }
                2 => {
                    let page = client
                        .search_jobs_v1()
                        .body(body.clone())
                        .send()
                        .await
                        .map_err(|e| err(&e))?
                        .into_inner();
                    black_box(&page);
                }
                _ => {
                    let mut pages = std::pin::pin!(
                        client
                            .job_search(memory::filters())
                            .max_items(settings.page_rows as u64)
                            .pages()
                    );
                    let page = pages.next().await.ok_or("no page")?.map_err(|e| err(&e))?;
                    if page.items.len() != settings.page_rows {
                        return Err(format!("{} rows", page.items.len()));
                    }
                    black_box(&page);
                }
            }
            // The decoded page is dropped inside the timed region for every variant alike.
            if i >= settings.warmup {
                samples[v].push_ms(started.elapsed());
            }
        }
    }
    let floor = samples[0].median();
    let plain = samples[1].median();
    for (name, s) in names.iter().zip(&samples) {
        report.row(
            &format!("(a) per page: {name}"),
            s.show(2),
            "ms",
            &format!(
                "{:.3}× plain reqwest+serde, {:.2}× bytes only",
                s.median() / plain,
                s.median() / floor
            ),
        );
    }
    let ratio = samples[2].median() / plain;
    report.target(
        "(a) client ≤ 1.10× plain reqwest + serde",
        "≤ 1.10×",
        format!(
            "{ratio:.3}× (paginator: {:.3}×)",
            samples[3].median() / plain
        ),
        ratio <= 1.10,
    );
    let labels = [
        "bytes only",
        "reqwest + serde_json",
        "client send()",
        "client pages()",
    ];
    for (label, s) in labels.iter().zip(samples) {
        report.per_page_bars.push(Bar {
            label: label.to_string(),
            samples: s,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Optional: the same page with Python requests + json

const PYTHON: &str = r#"
import json, sys, time
import requests
url, warm, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
body = {"posted_at_max_age_days": 7, "job_country_code_or": ["US", "GB"], "limit": int(sys.argv[4])}
s = requests.Session()
out = []
for i in range(warm + n):
    t = time.perf_counter()
    r = s.post(url, json=body, headers={"Authorization": "Bearer ts_bench_key_0123456789"})
    r.raise_for_status()
    page = json.loads(r.content)
    assert len(page["data"]) == body["limit"]
    del page
    e = time.perf_counter() - t
    if i >= warm:
        out.append(e * 1000)
print(" ".join("%.4f" % x for x in out))
"#;

fn python(settings: &Settings, srv: &server::Server, report: &mut Report) -> Result<(), String> {
    let probe = Command::new("python3")
        .args(["-c", "import requests"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        let msg = "skipped: python3 with `requests` is not available";
        eprintln!("   {msg}");
        report.row(
            "(a) per page: Python `requests` + `json.loads`",
            msg.into(),
            "",
            "optional",
        );
        return Ok(());
    }
    let url = format!("{}/static/v1/jobs/search", srv.base_url);
    let output = Command::new("python3")
        .args([
            "-c",
            PYTHON,
            &url,
            &settings.warmup.to_string(),
            &settings.iterations.to_string(),
            &settings.page_rows.to_string(),
        ])
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let mut s = Samples::default();
    for x in String::from_utf8_lossy(&output.stdout).split_whitespace() {
        s.push(x.parse().map_err(|_| format!("bad sample {x}"))?);
    }
    let plain = report
        .per_page_bars
        .iter()
        .find(|b| b.label == "reqwest + serde_json")
        .map(|b| b.samples.median());
    let note = plain.map_or(String::new(), |p| {
        format!("{:.2}× plain reqwest+serde", s.median() / p)
    });
    report.row(
        "(a) per page: Python `requests` + `json.loads` (dicts)",
        s.show(2),
        "ms",
        &note,
    );
    report.per_page_bars.push(Bar {
        label: "Python requests+json".into(),
        samples: s,
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// (c) peak memory

fn memory_section(
    settings: &Settings,
    srv: &server::Server,
    report: &mut Report,
) -> Result<(), String> {
    let url = format!("{}/paged", srv.base_url);
    let modes = [
        Mode::Idle,
        Mode::OnePage,
        Mode::Stream,
        Mode::StreamLookAhead4,
    ];
    let mut peaks: Vec<Samples> = vec![Samples::default(); modes.len()];
    for _ in 0..settings.memory_runs {
        for (k, mode) in modes.iter().enumerate() {
            let r = memory::measure(
                *mode,
                &url,
                settings.page_rows as u64,
                settings.stream_items,
            )?;
            let expected = match mode {
                Mode::Idle => 1,
                Mode::OnePage => settings.page_rows as u64,
                _ => settings.stream_items,
            };
            if r.rows != expected {
                return Err(format!(
                    "{}: {} rows, expected {expected}",
                    mode.name(),
                    r.rows
                ));
            }
            peaks[k].push(r.peak_kib as f64 / 1024.0);
        }
    }
    let idle = peaks[0].median();
    let one = peaks[1].median() - idle;
    let names = [
        "idle client (one 1-row request)".to_string(),
        format!("one {}-row page, held", settings.page_rows),
        format!(
            "stream {} rows, `items()`, look-ahead 1",
            settings.stream_items
        ),
        format!(
            "stream {} rows, `items()`, look-ahead 4",
            settings.stream_items
        ),
    ];
    for (k, name) in names.iter().enumerate() {
        let over = peaks[k].median() - idle;
        let note = match k {
            0 => "baseline: binary, runtime, client, one connection".to_string(),
            1 => format!(
                "{over:.1} MiB over idle = {:.2}× the page's JSON size",
                over * 1024.0 * 1024.0 / srv.page.len() as f64
            ),
            _ => format!("{over:.1} MiB over idle = {:.2}× one page", over / one),
        };
        report.row(
            &format!("(c) peak RSS (VmHWM): {name}"),
            peaks[k].show(1),
            "MiB",
            &note,
        );
    }
    let ratio = (peaks[2].median() - idle) / one;
    report.target(
        "(c) stream peak ≤ 3× one page",
        "≤ 3×",
        format!("{ratio:.2}× (over the idle baseline)"),
        ratio <= 3.0,
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// (d) look-ahead

async fn pull(
    base: &str,
    client: &theirstack::Client,
    rows: usize,
    pages: u64,
    depth: usize,
) -> Result<Duration, String> {
    let _ = base;
    let started = Instant::now();
    let mut stream = std::pin::pin!(
        client
            .job_search(memory::filters())
            .page_size(rows as u64)
            .max_items(pages * rows as u64)
            .look_ahead(depth)
            .pages()
    );
    let mut got = 0;
    while let Some(page) = stream.next().await {
        let page = page.map_err(|e| e.to_string())?;
        black_box(&page);
        got += 1;
    }
    if got != pages {
        return Err(format!("{got} pages, expected {pages}"));
    }
    Ok(started.elapsed())
}

async fn look_ahead(
    settings: &Settings,
    srv: &server::Server,
    report: &mut Report,
) -> Result<(), String> {
    let base = format!("{}/slow", srv.base_url);
    let client = memory::client(&base);
    let depths = [1usize, 2, 4];
    let rows = settings.page_rows;
    // Warm the connection pool up to the largest depth.
    pull(&base, &client, rows, 4.min(settings.look_ahead_pages), 4).await?;
    let mut short: Vec<Samples> = vec![Samples::default(); depths.len()];
    let mut long: Vec<Samples> = vec![Samples::default(); depths.len()];
    for run in 0..settings.look_ahead_runs {
        for k in 0..depths.len() {
            let d = (k + run) % depths.len();
            let t = pull(&base, &client, rows, settings.look_ahead_pages, depths[d]).await?;
            short[d].push_ms(t * 10 / settings.look_ahead_pages as u32);
        }
    }
    if settings.look_ahead_long_pages > 0 {
        for run in 0..settings.look_ahead_runs.div_ceil(2) {
            for k in 0..depths.len() {
                let d = (k + run) % depths.len();
                let t = pull(
                    &base,
                    &client,
                    rows,
                    settings.look_ahead_long_pages,
                    depths[d],
                )
                .await?;
                long[d].push_ms(t * 10 / settings.look_ahead_long_pages as u32);
            }
        }
    }
    let lat = settings.latency.as_millis();
    for (k, depth) in depths.iter().enumerate() {
        report.row(
            &format!(
                "(d) look-ahead {depth}: wall time per 10 pages, {}-page pull, {lat} ms latency",
                settings.look_ahead_pages
            ),
            short[k].show(0),
            "ms",
            &format!(
                "{:.2}× faster than depth 1",
                short[0].median() / short[k].median()
            ),
        );
    }
    if settings.look_ahead_long_pages > 0 {
        for (k, depth) in depths.iter().enumerate() {
            report.row(
                &format!(
                    "(d) look-ahead {depth}: per 10 pages of a {}-page pull",
                    settings.look_ahead_long_pages
                ),
                long[k].show(0),
                "ms",
                &format!(
                    "{:.2}× faster than depth 1",
                    long[0].median() / long[k].median()
                ),
            );
        }
    }
    let speedup = short[0].median() / short[1].median();
    let steady = if settings.look_ahead_long_pages > 0 {
        format!(
            "; {:.2}× per 10 pages of a {}-page pull",
            long[0].median() / long[1].median(),
            settings.look_ahead_long_pages
        )
    } else {
        String::new()
    };
    report.target(
        "(d) depth 2 ≥ 1.8× faster than depth 1",
        "≥ 1.8×",
        format!(
            "{speedup:.2}× on a {}-page pull{steady}",
            settings.look_ahead_pages
        ),
        speedup >= 1.8,
    );
    for (k, depth) in depths.iter().enumerate() {
        report
            .look_ahead
            .push((*depth, short[k].clone(), long[k].clone()));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// (e) gzip

async fn gzip(
    settings: &Settings,
    srv: &server::Server,
    report: &mut Report,
) -> Result<(), String> {
    let base = format!("{}/gzip", srv.base_url);
    let with = memory::client(&base);
    let without = theirstack::Client::builder()
        .api_key(KEY)
        .base_url(&base)
        .http_client(
            reqwest::Client::builder()
                .no_gzip()
                .build()
                .map_err(|e| e.to_string())?,
        )
        .build()
        .map_err(|e| e.to_string())?;
    let mut body = memory::filters();
    body.limit = std::num::NonZeroU64::new(settings.page_rows as u64).ok_or("zero rows")?;
    let mut time = [Samples::default(), Samples::default()];
    let mut wire = [Samples::default(), Samples::default()];
    for i in 0..settings.warmup + settings.iterations {
        for k in 0..2 {
            let v = (k + i) % 2;
            let client = if v == 0 { &without } else { &with };
            let before = srv.bytes_written();
            let started = Instant::now();
            let page = client
                .search_jobs_v1()
                .body(body.clone())
                .send()
                .await
                .map_err(|e| e.to_string())?
                .into_inner();
            if page.data.len() != settings.page_rows {
                return Err(format!("{} rows", page.data.len()));
            }
            drop(black_box(page));
            let elapsed = started.elapsed();
            if i >= settings.warmup {
                time[v].push_ms(elapsed);
                wire[v].push((srv.bytes_written() - before) as f64);
            }
        }
    }
    let identity_ms = time[0].median();
    let gzip_ms = time[1].median();
    let (identity_bytes, gzip_bytes) = (wire[0].median(), wire[1].median());
    report.row(
        "(e) bytes on the wire, identity",
        wire[0].show(0),
        "bytes",
        "status line + headers + body, as the server wrote them",
    );
    report.row(
        "(e) bytes on the wire, gzip",
        wire[1].show(0),
        "bytes",
        &format!("{:.1}% of identity", gzip_bytes / identity_bytes * 100.0),
    );
    report.row(
        "(e) time per page through the client, identity",
        time[0].show(2),
        "ms",
        "loopback",
    );
    report.row(
        "(e) time per page through the client, gzip",
        time[1].show(2),
        "ms",
        &format!(
            "{:.2}× identity; server compresses once at start-up",
            gzip_ms / identity_ms
        ),
    );
    report.row(
        "(e) server-side gzip of one page (flate2, default level)",
        format!("{:.1}", srv.gzip_time.as_secs_f64() * 1e3),
        "ms",
        "one sample, paid per page by a server that does not cache",
    );
    // On a real link, transfer time adds bytes / bandwidth.
    let mbit = 100.0;
    let link = mbit * 1e6 / 8.0 / 1e3; // bytes per ms
    report.row(
        &format!("(e) estimate at {mbit:.0} Mbit/s: identity vs gzip"),
        format!(
            "{:.0} vs {:.0}",
            identity_ms + identity_bytes / link,
            gzip_ms + gzip_bytes / link
        ),
        "ms",
        "loopback time + wire bytes / bandwidth",
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// (f) build script

fn build(settings: &Settings, report: &mut Report) -> Result<(), String> {
    let script =
        build_script::find_script().ok_or("no build-script-build found next to this benchmark")?;
    let samples = build_script::time_script(&script, settings.build_runs)?;
    let shown = script
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(&script)
        .display()
        .to_string();
    report.row(
        "(f) build script run time (direct run)",
        samples.show(0),
        "ms",
        &format!("`{shown}` into a scratch OUT_DIR"),
    );
    let median = samples.median();
    report.target(
        "(f) build script ≤ 3 s",
        "≤ 3000 ms",
        format!("{median:.0} ms"),
        median <= 3000.0,
    );
    let first = build_script::cargo_build()?;
    let second = build_script::cargo_build()?;
    for (name, run) in [("first", &first), ("second", &second)] {
        report.row(
            &format!("(f) `cargo build --lib -v`, {name} run"),
            format!("{:.0}", run.wall_ms),
            "ms",
            &format!(
                "build script {}{}; cargo said: {}",
                if run.ran_script { "RAN" } else { "not run" },
                if run.ok { "" } else { " (build failed)" },
                run.lines.join(" / ")
            ),
        );
    }
    report.target(
        "(f) a no-op rebuild does not rerun the build script",
        "not run on the second build",
        if second.ran_script {
            "ran".into()
        } else {
            "not run".into()
        },
        !second.ran_script,
    );
    Ok(())
}
