//! The client benchmarks, in one bench binary: `cargo bench --bench client`.
//!
//! Rule: everything runs against a loopback server inside this process (never the network) and
//! is measured in one run as medians with min–max spreads: (a) time per 500-job page through the
//! client vs plain reqwest + `serde_json::from_slice` vs bytes only (and Python `requests` when
//! available); (b) decode throughput; (c) peak memory of a 100,000-row stream vs one page, each in
//! a fresh child process; (d) look-ahead 1/2/4 with 50 ms server latency; (e) gzip vs identity;
//! (f) the build script's time and a no-op rebuild. `-- --quick` (or `THEIRSTACK_BENCH_QUICK=1`)
//! runs each measurement once with tiny sizes for CI. Targets are reported, never asserted: the
//! binary exits 0 whatever the numbers, and non-zero only when a measurement could not be made.
//!
//! Options after `--`: `--quick`; `--only decode,page,python,callgrind,memory,lookahead,gzip,build`
//! (a subset of sections); `--out DIR` (default `benches/out/`, or `target/bench-quick/` in
//! quick mode), where `results.md` and `chart.svg` are written; `--dump-page FILE` writes one
//! served page and stops. `--child memory|decode|page …` is how the harness re-executes itself
//! (memory and instruction counts in fresh processes; `decode` is also a profiling aid).

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
                look_ahead_runs: 9,
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
            Some("decode") => decode_loop(&args[2..]),
            Some("page") => page_child(&args[2..]),
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
    // Valgrind takes minutes on a debug build: quick mode leaves it out unless named in --only.
    let explicit = args.iter().any(|a| a == "--only");
    section("callgrind", &mut |r| {
        if settings.quick && !explicit {
            r.row(
                "(a) instructions per page (callgrind)",
                "skipped in quick mode".into(),
                "",
                "name it with `--only callgrind` to run it",
            );
            return Ok(());
        }
        callgrind(&settings, &srv, r)
    });
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
    depths: Vec<usize>,
    look_ahead: Vec<Series>,
    quick: bool,
}

impl Report {
    fn new(settings: &Settings) -> Report {
        let mut r = Report {
            quick: settings.quick,
            ..Report::default()
        };
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
        // Tiny sizes say nothing about the targets: quick mode does not judge them.
        let verdict = match (self.quick, met) {
            (true, _) => "not judged (quick mode)",
            (false, true) => "met",
            (false, false) => "missed",
        };
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
            let depths = &self.depths;
            let series = &self.look_ahead;
            let svg = chart::render(
                "theirstack client benchmarks (loopback)",
                &format!(
                    "Wall time per 10 pages vs look-ahead depth ({} ms server latency)",
                    settings.latency.as_millis()
                ),
                &format!("Time per {}-job page (ms, loopback)", settings.page_rows),
                depths,
                series,
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
    // 0: typed from_slice, 1: typed from_str after one UTF-8 check of the body, 2: Value,
    // 3: IgnoredAny. The order rotates every iteration: with glibc's allocator, the decode right
    // after a large free pays for consolidating it, and that must not always be the same one.
    let mut times: Vec<Samples> = vec![Samples::default(); 4];
    let mut drops = Samples::default();
    let err = |e: &dyn std::fmt::Display| e.to_string();
    for i in 0..settings.warmup + settings.decode_iterations {
        let keep = i >= settings.warmup;
        for k in 0..4 {
            let v = (k + i) % 4;
            let t = Instant::now();
            let (decoded, dropped) = match v {
                0 => {
                    let page: JobSearchResponse =
                        serde_json::from_slice(black_box(&bytes)).map_err(|e| err(&e))?;
                    let e = t.elapsed();
                    let t = Instant::now();
                    drop(black_box(page));
                    (e, Some(t.elapsed()))
                }
                1 => {
                    let text = std::str::from_utf8(black_box(&bytes)).map_err(|e| err(&e))?;
                    let page: JobSearchResponse =
                        serde_json::from_str(text).map_err(|e| err(&e))?;
                    let e = t.elapsed();
                    drop(black_box(page));
                    (e, None)
                }
                2 => {
                    let value: serde_json::Value =
                        serde_json::from_slice(black_box(&bytes)).map_err(|e| err(&e))?;
                    let e = t.elapsed();
                    drop(black_box(value));
                    (e, None)
                }
                _ => {
                    let _: serde::de::IgnoredAny =
                        serde_json::from_slice(black_box(&bytes)).map_err(|e| err(&e))?;
                    (t.elapsed(), None)
                }
            };
            if keep {
                times[v].push_ms(decoded);
                if let Some(d) = dropped {
                    drops.push_ms(d);
                }
            }
        }
    }
    let (typed, typed_str, value, ignored) = (&times[0], &times[1], &times[2], &times[3]);
    let drops = &drops;
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
        "(b) decode into `JobSearchResponse`, `str::from_utf8` of the body + `serde_json::from_str`",
        rate(typed_str).show(0),
        "MB/s",
        "same types; UTF-8 checked once for the body, not per string",
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

/// A profiling aid: `--child decode typed|typed-str|value|ignored ROWS N` decodes one page N times and
/// nothing else, for `perf record` or `valgrind --tool=callgrind`.
fn decode_loop(args: &[String]) {
    let kind = args.first().map_or("typed", String::as_str);
    let rows: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(500);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let page = support::data::Template::new(rows).page(0, rows, None);
    if kind == "compare" {
        // from_slice and from_str alternately in one process: medians of each.
        let (mut a, mut b) = (Samples::default(), Samples::default());
        for _ in 0..n {
            let t = Instant::now();
            drop(black_box(
                serde_json::from_slice::<JobSearchResponse>(&page).expect("decodes"),
            ));
            a.push_ms(t.elapsed());
            let t = Instant::now();
            let text = std::str::from_utf8(&page).expect("UTF-8");
            drop(black_box(
                serde_json::from_str::<JobSearchResponse>(text).expect("decodes"),
            ));
            b.push_ms(t.elapsed());
        }
        println!(
            "from_slice {} ms; from_utf8 + from_str {} ms (decode and drop)",
            a.show(2),
            b.show(2)
        );
        return;
    }
    let started = Instant::now();
    for _ in 0..n {
        match kind {
            "typed-str" => {
                let text = std::str::from_utf8(&page).expect("UTF-8");
                drop(black_box(
                    serde_json::from_str::<JobSearchResponse>(text).expect("decodes"),
                ))
            }
            "typed" => drop(black_box(
                serde_json::from_slice::<JobSearchResponse>(&page).expect("decodes"),
            )),
            "value" => drop(black_box(
                serde_json::from_slice::<serde_json::Value>(&page).expect("decodes"),
            )),
            _ => drop(black_box(
                serde_json::from_slice::<serde::de::IgnoredAny>(&page).expect("decodes"),
            )),
        }
    }
    let per = started.elapsed().as_secs_f64() / n as f64;
    println!(
        "{kind}: {:.2} ms per page, {:.0} MB/s (decode and drop)",
        per * 1e3,
        mb(page.len()) / per
    );
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
    body.limit = Some(std::num::NonZeroU64::new(settings.page_rows as u64).ok_or("zero rows")?);
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
    // Paired ratios: each iteration ran every variant back to back, so dividing within an
    // iteration cancels slow drifts of the machine's load.
    let paired = |a: usize, b: usize| {
        let mut r = Samples::default();
        for (x, y) in samples[a].0.iter().zip(&samples[b].0) {
            r.push(x / y);
        }
        r
    };
    report.row(
        "(a) paired ratio, client `send()` / plain reqwest+serde",
        paired(2, 1).show(3),
        "×",
        "median of per-iteration ratios",
    );
    report.row(
        "(a) paired ratio, client `pages()` / plain reqwest+serde",
        paired(3, 1).show(3),
        "×",
        "median of per-iteration ratios",
    );
    // The verdict uses the paired ratio, which cancels load drifts; the ratio of the medians
    // is shown beside it.
    let ratio = paired(2, 1).median();
    report.target(
        "(a) client ≤ 1.10× plain reqwest + serde",
        "≤ 1.10×",
        format!(
            "{ratio:.3}× paired (ratio of medians {:.3}×; paginator paired {:.3}×)",
            samples[2].median() / plain,
            paired(3, 1).median()
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
// (a) again, in instructions: the load of the machine does not change these counts

/// The child side of the instruction counts: `--child page bytes|plain|client BASE_URL ROWS N`
/// fetches the page N times one way, on a one-thread runtime, and nothing else.
fn page_child(args: &[String]) {
    let mode = args.first().map_or("client", String::as_str).to_string();
    let base = args.get(1).expect("a base URL").clone();
    let rows: u64 = args.get(2).and_then(|s| s.parse().ok()).expect("rows");
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).expect("count");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let client = memory::client(&base);
        let http = reqwest::Client::new();
        let endpoint = format!("{base}/v1/jobs/search");
        let mut body = memory::filters();
        body.limit = std::num::NonZeroU64::new(rows);
        for _ in 0..n {
            let fetch = || async {
                http.post(&endpoint)
                    .bearer_auth(KEY)
                    .json(&body)
                    .send()
                    .await
                    .expect("sent")
                    .bytes()
                    .await
                    .expect("body")
            };
            match mode.as_str() {
                "bytes" => drop(black_box(fetch().await)),
                "plain" => {
                    let bytes = fetch().await;
                    let page: JobSearchResponse = serde_json::from_slice(&bytes).expect("decodes");
                    drop(black_box(page));
                }
                _ => {
                    let page = client
                        .search_jobs_v1()
                        .body(body.clone())
                        .send()
                        .await
                        .expect("page");
                    drop(black_box(page.into_inner()));
                }
            }
        }
    });
}

/// Runs `--child page MODE` under `valgrind --tool=callgrind` and returns the instructions it
/// executed (callgrind's "Collected" total).
fn instructions(base: &str, mode: &str, rows: usize, n: usize) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = std::env::temp_dir().join(format!(
        "theirstack-bench-callgrind-{}.out",
        std::process::id()
    ));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(&exe)
        .args([
            "--child",
            "page",
            mode,
            base,
            &rows.to_string(),
            &n.to_string(),
        ])
        .output()
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("callgrind {mode}: {stderr}"));
    }
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no instruction count from callgrind: {stderr}"))
}

fn callgrind(settings: &Settings, srv: &server::Server, report: &mut Report) -> Result<(), String> {
    let available = Command::new("valgrind").arg("--version").output();
    if !available.is_ok_and(|o| o.status.success()) {
        report.row(
            "(a) instructions per page",
            "skipped: valgrind is not installed".into(),
            "",
            "optional",
        );
        return Ok(());
    }
    let base = format!("{}/static", srv.base_url);
    // Per page = (count with 1 + k pages − count with 1 page) / k: start-up cancels out.
    let k = if settings.quick { 1 } else { 4 };
    let mut per = Vec::new();
    for mode in ["bytes", "plain", "client"] {
        let one = instructions(&base, mode, settings.page_rows, 1)?;
        let more = instructions(&base, mode, settings.page_rows, 1 + k)?;
        per.push(more.saturating_sub(one) as f64 / k as f64);
    }
    let names = [
        "bytes only (reqwest `.bytes()`)",
        "plain reqwest + `serde_json::from_slice`",
        "our client: `search_jobs_v1().send()`",
    ];
    for (name, count) in names.iter().zip(&per) {
        report.row(
            &format!("(a) instructions per page (callgrind): {name}"),
            format!("{:.1} M", count / 1e6),
            "instructions",
            &format!(
                "{:.4}× plain reqwest+serde; client process only, the server is not counted",
                count / per[1]
            ),
        );
    }
    let ratio = per[2] / per[1];
    report.target(
        "(a) the same, counted in instructions (load-independent)",
        "≤ 1.10×",
        format!("{ratio:.4}×"),
        ratio <= 1.10,
    );
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
        Mode::BodyBytes,
        Mode::BodyChunks,
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
                Mode::OnePage | Mode::BodyBytes | Mode::BodyChunks => settings.page_rows as u64,
                Mode::Stream | Mode::StreamLookAhead4 => settings.stream_items,
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
        "plain reqwest, one body with `.bytes()`, not decoded".to_string(),
        "plain reqwest, one body with `.chunk()` into a buffer sized from Content-Length"
            .to_string(),
    ];
    for (k, name) in names.iter().enumerate() {
        let over = peaks[k].median() - idle;
        let note = match k {
            0 => "baseline: binary, runtime, client, one connection".to_string(),
            1 => format!(
                "{over:.1} MiB over idle = {:.2}× the page's JSON size",
                over * 1024.0 * 1024.0 / srv.page.len() as f64
            ),
            2 | 3 => format!("{over:.1} MiB over idle = {:.2}× one page", over / one),
            _ => format!(
                "{over:.1} MiB over idle = {:.2}× the body size",
                over * 1024.0 * 1024.0 / srv.page.len() as f64
            ),
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
    client: &theirstack::Client,
    rows: usize,
    pages: u64,
    depth: usize,
) -> Result<Duration, String> {
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

/// A prototype, not the paginator: `depth` requests in flight from the very first one (a sliding
/// window refilled before each wait), through the public `search_jobs_v1()`. It shows what
/// look-ahead gives when the window does not wait for the first page's `total_results`.
///
/// With `spawned`, each request is its own tokio task, so on a multi-thread runtime a page is
/// decoded on another worker while this task keeps the window full.
async fn pull_window(
    client: &theirstack::Client,
    rows: usize,
    pages: u64,
    depth: usize,
    spawned: bool,
) -> Result<Duration, String> {
    let started = Instant::now();
    let mut in_flight = futures::stream::FuturesOrdered::new();
    let (mut next, mut got) = (0u64, 0u64);
    while got < pages {
        while in_flight.len() < depth && next < pages {
            let mut body = memory::filters();
            body.limit = Some(std::num::NonZeroU64::new(rows as u64).ok_or("zero rows")?);
            body.offset = Some(next * rows as u64);
            let client = client.clone();
            let fetch = async move {
                client
                    .search_jobs_v1()
                    .body(body)
                    .send()
                    .await
                    .map(theirstack::ResponseValue::into_inner)
                    .map_err(|e| e.to_string())
            };
            let fetch: std::pin::Pin<
                Box<dyn Future<Output = Result<JobSearchResponse, String>> + Send>,
            > = if spawned {
                let task = tokio::spawn(fetch);
                Box::pin(async move { task.await.map_err(|e| e.to_string())? })
            } else {
                Box::pin(fetch)
            };
            in_flight.push_back(fetch);
            next += 1;
        }
        let page = in_flight.next().await.ok_or("no page")??;
        if page.data.len() != rows {
            return Err(format!("{} rows", page.data.len()));
        }
        black_box(&page);
        got += 1;
    }
    Ok(started.elapsed())
}

/// Pulls on a 2-worker runtime of its own (on a scoped thread, with its own client, since
/// connections belong to the runtime that opened them): through the paginator
/// (`paginator: true`) or through [`pull_window`] with one task per request.
fn on_two_workers(
    settings: &Settings,
    base: &str,
    depths: &[usize],
    paginator: bool,
) -> Result<Vec<Samples>, String> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                runtime.block_on(async {
                    let client = memory::client(base);
                    let rows = settings.page_rows;
                    let pages = settings.look_ahead_pages;
                    let once = |depth: usize, pages: u64| {
                        let client = client.clone();
                        async move {
                            if paginator {
                                pull(&client, rows, pages, depth).await
                            } else {
                                pull_window(&client, rows, pages, depth, true).await
                            }
                        }
                    };
                    once(4, 4.min(pages)).await?;
                    let mut out = vec![Samples::default(); depths.len()];
                    for run in 0..settings.look_ahead_runs.div_ceil(2) {
                        for k in 0..depths.len() {
                            let d = (k + run) % depths.len();
                            let t = once(depths[d], pages).await?;
                            out[d].push_ms(t * 10 / pages as u32);
                        }
                    }
                    Ok(out)
                })
            })
            .join()
            .map_err(|_| "the 2-worker thread panicked".to_string())?
    })
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
    pull(&client, rows, 4.min(settings.look_ahead_pages), 4).await?;
    let mut short: Vec<Samples> = vec![Samples::default(); depths.len()];
    let mut long: Vec<Samples> = vec![Samples::default(); depths.len()];
    for run in 0..settings.look_ahead_runs {
        for k in 0..depths.len() {
            let d = (k + run) % depths.len();
            let t = pull(&client, rows, settings.look_ahead_pages, depths[d]).await?;
            short[d].push_ms(t * 10 / settings.look_ahead_pages as u32);
        }
    }
    let mut window: Vec<Samples> = vec![Samples::default(); depths.len()];
    for run in 0..settings.look_ahead_runs.div_ceil(2) {
        for k in 0..depths.len() {
            let d = (k + run) % depths.len();
            let t = pull_window(&client, rows, settings.look_ahead_pages, depths[d], false).await?;
            window[d].push_ms(t * 10 / settings.look_ahead_pages as u32);
        }
    }
    let spawned = on_two_workers(settings, &base, &depths, false)?;
    let paginator_mt = on_two_workers(settings, &base, &depths, true)?;
    if settings.look_ahead_long_pages > 0 {
        for run in 0..settings.look_ahead_runs.div_ceil(2) {
            for k in 0..depths.len() {
                let d = (k + run) % depths.len();
                let t = pull(&client, rows, settings.look_ahead_long_pages, depths[d]).await?;
                long[d].push_ms(t * 10 / settings.look_ahead_long_pages as u32);
            }
        }
    }
    let lat = settings.latency.as_millis();
    for (k, depth) in depths.iter().enumerate() {
        report.row(
            &format!(
                "(d) look-ahead {depth} on a one-thread runtime: wall time per 10 pages, {}-page pull, {lat} ms latency",
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
                    "(d) look-ahead {depth} on a one-thread runtime: per 10 pages of a {}-page pull",
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
    for (k, depth) in depths.iter().enumerate() {
        report.row(
            &format!(
                "(d) prototype, window open from the first request, depth {depth}: per 10 pages, {}-page pull",
                settings.look_ahead_pages
            ),
            window[k].show(0),
            "ms",
            &format!(
                "{:.2}× faster than its depth 1; public `search_jobs_v1()` in a `FuturesOrdered`, not the paginator",
                window[0].median() / window[k].median()
            ),
        );
    }
    for (k, depth) in depths.iter().enumerate() {
        report.row(
            &format!(
                "(d) prototype, window open from the first request, one task per request on a 2-worker runtime, depth {depth}: per 10 pages, {}-page pull",
                settings.look_ahead_pages
            ),
            spawned[k].show(0),
            "ms",
            &format!(
                "{:.2}× faster than its depth 1; decode runs on another worker",
                spawned[0].median() / spawned[k].median()
            ),
        );
    }
    for (k, depth) in depths.iter().enumerate() {
        report.row(
            &format!(
                "(d) look-ahead {depth} on a 2-worker runtime: wall time per 10 pages, {}-page pull",
                settings.look_ahead_pages
            ),
            paginator_mt[k].show(0),
            "ms",
            &format!(
                "{:.2}× faster than its depth 1; the paginator, as under `#[tokio::main]`",
                paginator_mt[0].median() / paginator_mt[k].median()
            ),
        );
    }
    // Paired: depth 1 over depth k within the same round (rounds rotate the order), which
    // cancels the machine's slow load drifts.
    for (k, depth) in depths.iter().enumerate().skip(1) {
        let mut paired = Samples::default();
        for (a, b) in short[0].0.iter().zip(&short[k].0) {
            paired.push(a / b);
        }
        report.row(
            &format!(
                "(d) paired speedup, depth {depth} vs depth 1, {}-page pull",
                settings.look_ahead_pages
            ),
            paired.show(2),
            "×",
            "median of per-round ratios",
        );
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
            "{speedup:.2}× on a {}-page pull, one-thread runtime{steady}; {:.2}× on a 2-worker runtime",
            settings.look_ahead_pages,
            paginator_mt[0].median() / paginator_mt[1].median()
        ),
        speedup >= 1.8,
    );
    report.depths = depths.to_vec();
    report.look_ahead.push(Series {
        name: format!(
            "paginator on a one-thread runtime, {}-page pull",
            settings.look_ahead_pages
        ),
        color: "#5b8def",
        bars: short,
    });
    if settings.look_ahead_long_pages > 0 {
        report.look_ahead.push(Series {
            name: format!(
                "paginator on a one-thread runtime, per 10 pages of a {}-page pull",
                settings.look_ahead_long_pages
            ),
            color: "#e8743b",
            bars: long,
        });
    }
    report.look_ahead.push(Series {
        name: format!(
            "paginator on a 2-worker runtime, {}-page pull",
            settings.look_ahead_pages
        ),
        color: "#7b5ea7",
        bars: paginator_mt,
    });
    report.look_ahead.push(Series {
        name: "prototype: window of requests open from the first one (public API)".into(),
        color: "#9e9e9e",
        bars: window,
    });
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
    body.limit = Some(std::num::NonZeroU64::new(settings.page_rows as u64).ok_or("zero rows")?);
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
            &format!("(f) `cargo build --lib -v` (same features), {name} run"),
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
