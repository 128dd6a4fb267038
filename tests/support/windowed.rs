//! A loopback server that enforces sliding-window rate limits at arrival, the way TheirStack
//! does (API-NOTES §1.4), for the rate-limit tests and the `rate_limits` bench.
//!
//! Rule: `POST /v1/jobs/search`, `/v1/companies/search` and `/v1/companies/technologies` share
//! one set of windows. A request is refused with a 429 when any window already holds its quota
//! of accepted arrivals within its length (an arrival at `t` is counted by a request at `now`
//! while `now - t < window`); refused requests are not counted. Every answer (429s included)
//! carries `RateLimit-Policy`, `RateLimit` and the `RateLimit-Limit` / `-Remaining` / `-Reset`
//! lists, unless the server is silent; the state they report is the one the arrival saw
//! ([`HeaderClock::Arrival`], after counting the request) or the one at the time the answer
//! leaves ([`HeaderClock::Answer`]). Answers wait `latency` first (a tokio sleep, so tokio's
//! paused clock works, and so does the real one). Job search serves `total` rows honouring
//! `offset` / `limit` / `include_total_results`; company search serves companies the same way;
//! technographics serves `tech_rows` `KeywordFound` rows for whatever company is asked. Every
//! arrival is recorded with its tokio `Instant`, path, offset and status.

#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// Job search: row `r` is job id `1000 + r`.
pub const JOBS: &str = "/v1/jobs/search";
/// Company search: row `r` is company `company-{r}`.
pub const COMPANIES: &str = "/v1/companies/search";
/// Technographics: row `r` is technology `tech-{r}`.
pub const TECHNOGRAPHICS: &str = "/v1/companies/technologies";

/// One window the server enforces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    pub name: String,
    pub requests: u32,
    pub length: Duration,
}

impl Window {
    pub fn new(name: &str, requests: u32, seconds: u64) -> Window {
        Window {
            name: name.to_string(),
            requests,
            length: Duration::from_secs(seconds),
        }
    }
}

/// The paid tier: 4 a second.
pub fn paid() -> Vec<Window> {
    vec![Window::new("per-second", 4, 1)]
}

/// The free tier: 4 a second, 10 a minute, 50 an hour, 400 a day.
pub fn free() -> Vec<Window> {
    vec![
        Window::new("per-second", 4, 1),
        Window::new("per-minute", 10, 60),
        Window::new("per-hour", 50, 3_600),
        Window::new("per-day", 400, 86_400),
    ]
}

/// When the reported rate-limit state is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderClock {
    /// At arrival, right after the request was counted (what a limiter in front of the
    /// application reports).
    Arrival,
    /// When the answer leaves, after the latency.
    Answer,
}

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct Config {
    pub windows: Vec<Window>,
    /// Delay before every answer, 429s included.
    pub latency: Duration,
    /// Rows job search and company search serve.
    pub total: u64,
    /// Rows of one technographics lookup.
    pub tech_rows: u64,
    /// Send no rate-limit header at all.
    pub silent: bool,
    pub header_clock: HeaderClock,
}

impl Config {
    pub fn new(windows: Vec<Window>) -> Config {
        Config {
            windows,
            latency: Duration::ZERO,
            total: 100_000,
            tech_rows: 3,
            silent: false,
            header_clock: HeaderClock::Arrival,
        }
    }

    pub fn latency(mut self, latency: Duration) -> Config {
        self.latency = latency;
        self
    }

    pub fn total(mut self, total: u64) -> Config {
        self.total = total;
        self
    }

    pub fn silent(mut self, silent: bool) -> Config {
        self.silent = silent;
        self
    }

    pub fn header_clock(mut self, clock: HeaderClock) -> Config {
        self.header_clock = clock;
        self
    }
}

/// One request as it arrived.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrival {
    pub at: Instant,
    pub path: String,
    /// `offset` of the body (0 when absent).
    pub offset: u64,
    pub status: u16,
    /// The `Host` header: `127.0.0.1:PORT` or `localhost:PORT`, to tell two clients apart.
    pub host: String,
}

struct Shared {
    config: Mutex<Config>,
    /// Accepted arrivals (ours and other processes'), oldest first.
    counted: Mutex<Vec<Instant>>,
    arrivals: Mutex<Vec<Arrival>>,
}

/// The running server. Dropping it stops accepting connections.
pub struct Windowed {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    pub port: u16,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Windowed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Windowed {
    /// Binds 127.0.0.1 on a free port and serves on the current runtime.
    pub async fn start(config: Config) -> Windowed {
        let shared = Arc::new(Shared {
            config: Mutex::new(config),
            counted: Mutex::new(Vec::new()),
            arrivals: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route(JOBS, post(handle))
            .route(COMPANIES, post(handle))
            .route(TECHNOGRAPHICS, post(handle))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let port = listener.local_addr().expect("local address").port();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Windowed {
            base_url: format!("http://127.0.0.1:{port}"),
            port,
            shared,
            task,
        }
    }

    /// The same server named `localhost`: a different base URL, so a client built with it has
    /// limiters of its own.
    pub fn localhost_url(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Every arrival, in order.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.shared.arrivals.lock().unwrap().clone()
    }

    /// Arrivals answered with a 429.
    pub fn refused(&self) -> usize {
        self.arrivals().iter().filter(|a| a.status == 429).count()
    }

    /// Times of the accepted arrivals of this server's clients (not of other processes).
    pub fn accepted_times(&self) -> Vec<Instant> {
        self.arrivals()
            .iter()
            .filter(|a| a.status != 429)
            .map(|a| a.at)
            .collect()
    }

    /// Another process on the same key spent `requests` at `at`: counted in every window, but
    /// not an arrival of ours.
    pub fn spend_elsewhere(&self, at: Instant, requests: usize) {
        let mut counted = self.shared.counted.lock().unwrap();
        counted.extend(std::iter::repeat_n(at, requests));
        counted.sort();
    }

    pub fn set_latency(&self, latency: Duration) {
        self.shared.config.lock().unwrap().latency = latency;
    }

    pub fn windows(&self) -> Vec<Window> {
        self.shared.config.lock().unwrap().windows.clone()
    }
}

/// Accepted arrivals `counted` holds within `window` of `now`.
fn in_window(counted: &[Instant], window: &Window, now: Instant) -> Vec<Instant> {
    counted
        .iter()
        .copied()
        .filter(|t| *t <= now && now.duration_since(*t) < window.length)
        .collect()
}

/// What the headers say of one window.
#[derive(Clone, Copy, Debug)]
struct Reported {
    limit: u32,
    remaining: u32,
    /// Seconds.
    reset: u64,
}

/// The state of each window at `now`.
fn state(counted: &[Instant], windows: &[Window], now: Instant) -> Vec<Reported> {
    windows
        .iter()
        .map(|w| {
            let inside = in_window(counted, w, now);
            let remaining = w.requests.saturating_sub(inside.len() as u32);
            // Seconds until the oldest counted arrival leaves (one slot frees), rounded up; a
            // whole window when nothing is counted.
            let reset = match inside.first() {
                Some(oldest) => {
                    let left = (*oldest + w.length).saturating_duration_since(now);
                    left.as_secs() + u64::from(left.subsec_nanos() > 0)
                }
                None => w.length.as_secs(),
            };
            Reported {
                limit: w.requests,
                remaining,
                reset: reset.max(1).min(w.length.as_secs()),
            }
        })
        .collect()
}

fn headers(windows: &[Window], state: &[Reported]) -> Vec<(&'static str, String)> {
    let join = |f: &dyn Fn(&Window, &Reported) -> String| {
        windows
            .iter()
            .zip(state)
            .map(|(w, s)| f(w, s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        (
            "ratelimit-policy",
            join(&|w, _| format!("\"{}\";q={};w={}", w.name, w.requests, w.length.as_secs())),
        ),
        (
            "ratelimit",
            join(&|w, s| {
                format!(
                    "\"{}\";r={};t={};pk=\"dGVzdA==\"",
                    w.name, s.remaining, s.reset
                )
            }),
        ),
        ("ratelimit-limit", join(&|_, s| s.limit.to_string())),
        ("ratelimit-remaining", join(&|_, s| s.remaining.to_string())),
        ("ratelimit-reset", join(&|_, s| s.reset.to_string())),
    ]
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    request_headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = Instant::now();
    let host = request_headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let offset = request["offset"].as_u64().unwrap_or(0);
    let config = shared.config.lock().unwrap().clone();
    let (accepted, at_arrival) = {
        let mut counted = shared.counted.lock().unwrap();
        let full = config
            .windows
            .iter()
            .any(|w| in_window(&counted, w, now).len() >= w.requests as usize);
        if !full {
            counted.push(now);
        }
        (!full, state(&counted, &config.windows, now))
    };
    shared.arrivals.lock().unwrap().push(Arrival {
        at: now,
        path: uri.path().to_string(),
        offset,
        status: if accepted { 200 } else { 429 },
        host,
    });
    if !config.latency.is_zero() {
        tokio::time::sleep(config.latency).await;
    }
    let reported = match config.header_clock {
        HeaderClock::Arrival => at_arrival,
        HeaderClock::Answer => {
            let counted = shared.counted.lock().unwrap();
            state(&counted, &config.windows, Instant::now())
        }
    };
    let (status, body) = if accepted {
        (StatusCode::OK, page(&config, uri.path(), &request))
    } else {
        (
            StatusCode::TOO_MANY_REQUESTS,
            json!({"error": {"code": "E-006", "title": "Too many requests exception"}}),
        )
    };
    let mut response = (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response();
    if !config.silent {
        for (name, value) in headers(&config.windows, &reported) {
            response
                .headers_mut()
                .insert(name, HeaderValue::from_str(&value).expect("header value"));
        }
    }
    response
}

/// The page a body asks for.
fn page(config: &Config, path: &str, request: &Value) -> Value {
    let include_total = request["include_total_results"].as_bool().unwrap_or(false);
    let total = if path == TECHNOGRAPHICS {
        config.tech_rows
    } else {
        config.total
    };
    let limit = request["limit"].as_u64().unwrap_or(25).max(1);
    let start = match request["offset"].as_u64() {
        Some(offset) => offset,
        None => request["page"].as_u64().unwrap_or(0) * limit,
    };
    let end = start.saturating_add(limit).min(total);
    let data: Vec<Value> = (start.min(end)..end).map(|r| row(path, r)).collect();
    json!({
        "metadata": {
            "total_results": if include_total { json!(total) } else { Value::Null },
            "truncated_results": 0,
        },
        "data": data,
    })
}

/// Row `r` of the endpoint at `path`: the required fields of its row type.
fn row(path: &str, r: u64) -> Value {
    match path {
        COMPANIES => json!({"id": format!("company-{r}"), "name": format!("Company {r}")}),
        TECHNOGRAPHICS => json!({
            "technology": {"name": format!("Tech {r}"), "slug": format!("tech-{r}")},
            "confidence": "high",
            "jobs": 3, "jobs_last_7_days": 0, "jobs_last_30_days": 1, "jobs_last_180_days": 2,
            "first_date_found": "2024-01-02", "last_date_found": "2026-02-03",
            "rank_within_category": 1, "relative_occurrence_within_category": 0.5,
            "company_name": "Acme Analytics"
        }),
        _ => job(1000 + r as i64),
    }
}

/// A minimal valid job row (the same as `tests/support/mod.rs::job`, repeated so that the bench
/// can include this file alone).
fn job(id: i64) -> Value {
    json!({
        "id": id,
        "job_title": format!("Data Engineer {id}"),
        "url": format!("https://jobs.example.test/{id}"),
        "date_posted": "2026-03-01",
        "company": "Acme Analytics",
        "source_url": "https://boards.example.test/acme",
        "discovered_at": "2026-03-02T08:15:00",
        "company_object": {"id": "acme-analytics", "name": "Acme Analytics"}
    })
}

/// Checks arrival times against windows, every span: for each arrival, the arrivals in the
/// window's length starting at it. Returns the first breach as `(window, start, count)`.
pub fn first_breach(times: &[Instant], windows: &[Window]) -> Option<(String, usize, usize)> {
    let mut sorted = times.to_vec();
    sorted.sort();
    for w in windows {
        for (i, start) in sorted.iter().enumerate() {
            let count = sorted[i..]
                .iter()
                .take_while(|t| t.duration_since(*start) < w.length)
                .count();
            if count > w.requests as usize {
                return Some((w.name.clone(), i, count));
            }
        }
    }
    None
}

/// The earliest time, after the first send, at which the last of `n` requests can be sent
/// under `windows` (sliding, no margin): greedy is optimal for sliding windows.
pub fn optimal_last_send(n: usize, windows: &[Window]) -> Duration {
    let mut sent: Vec<Duration> = Vec::with_capacity(n);
    for _ in 0..n {
        let mut at = sent.last().copied().unwrap_or(Duration::ZERO);
        for w in windows {
            let q = w.requests as usize;
            if sent.len() >= q {
                at = at.max(sent[sent.len() - q] + w.length);
            }
        }
        sent.push(at);
    }
    sent.last().copied().unwrap_or(Duration::ZERO)
}
