//! A loopback fake of the job search endpoint for pagination tests: it serves `total` rows
//! (job ids 1000 + row), records every request, counts requests in flight, and can fail,
//! withhold rows or repeat a page at chosen offsets.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Which paging field the fake honours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    Offset,
    Page,
}

/// How the fake behaves.
#[derive(Clone, Debug)]
pub struct Config {
    pub total: u64,
    pub reading: Reading,
    pub latency: Duration,
    /// Offset → statuses to answer with before serving it normally.
    pub failures: HashMap<u64, Vec<u16>>,
    /// Offset → rows withheld for lack of credits (the page is cut to what remains).
    pub truncate: HashMap<u64, u64>,
    /// Serve page 0 for every request (a server ignoring the paging fields).
    pub ignore_paging: bool,
}

impl Config {
    pub fn new(total: u64) -> Config {
        Config {
            total,
            reading: Reading::Offset,
            latency: Duration::ZERO,
            failures: HashMap::new(),
            truncate: HashMap::new(),
            ignore_paging: false,
        }
    }
}

/// One request as the fake saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub page: u64,
    pub offset: u64,
    pub limit: u64,
    pub include_total: bool,
    pub status: u16,
}

struct Shared {
    config: Mutex<Config>,
    seen: Mutex<Vec<Seen>>,
    /// `(offset, true)` when a request arrives, `(offset, false)` when its answer is ready.
    events: Mutex<Vec<(u64, bool)>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// The running fake.
pub struct FakeSearch {
    pub base_url: String,
    shared: Arc<Shared>,
}

impl FakeSearch {
    pub async fn start(config: Config) -> FakeSearch {
        let shared = Arc::new(Shared {
            config: Mutex::new(config),
            seen: Mutex::new(Vec::new()),
            events: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/v1/jobs/search", post(search))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeSearch { base_url, shared }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// Arrivals (`true`) and answers (`false`) by offset, in the order they happened.
    pub fn events(&self) -> Vec<(u64, bool)> {
        self.shared.events.lock().unwrap().clone()
    }

    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    /// Rows served successfully, in request order.
    pub fn rows_served(&self) -> u64 {
        let total = self.shared.config.lock().unwrap().total;
        self.seen()
            .iter()
            .filter(|s| s.status == 200)
            .map(|s| s.limit.min(total.saturating_sub(s.offset)))
            .sum()
    }
}

async fn search(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let response = answer(&shared, &body).await;
    let offset = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["offset"].as_u64())
        .unwrap_or(0);
    shared.events.lock().unwrap().push((offset, false));
    shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

async fn answer(shared: &Shared, body: &[u8]) -> Response {
    let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let field =
        |name: &str, default: u64| request.get(name).and_then(Value::as_u64).unwrap_or(default);
    let (page, offset, limit) = (field("page", 0), field("offset", 0), field("limit", 25));
    shared.events.lock().unwrap().push((offset, true));
    let include_total = request
        .get("include_total_results")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let config = shared.config.lock().unwrap().clone();
    if !config.latency.is_zero() {
        tokio::time::sleep(config.latency).await;
    }
    let start = if config.ignore_paging {
        0
    } else {
        match config.reading {
            Reading::Offset => offset,
            Reading::Page => page * limit,
        }
    };
    let failure = {
        let mut cfg = shared.config.lock().unwrap();
        cfg.failures
            .get_mut(&start)
            .and_then(|list| (!list.is_empty()).then(|| list.remove(0)))
    };
    let status = failure.unwrap_or(200);
    shared.seen.lock().unwrap().push(Seen {
        page,
        offset,
        limit,
        include_total,
        status,
    });
    if let Some(status) = failure {
        let body = json!({"error": {"code": "E-000", "title": "Scripted failure"}});
        return (
            StatusCode::from_u16(status).unwrap(),
            [("content-type", "application/json")],
            body.to_string(),
        )
            .into_response();
    }
    let mut end = (start + limit).min(config.total);
    let withheld = config.truncate.get(&start).copied().unwrap_or(0);
    if withheld > 0 {
        end = end.saturating_sub(withheld).max(start);
    }
    let data: Vec<Value> = (start..end)
        .map(|row| super::job(1000 + row as i64))
        .collect();
    let body = json!({
        "metadata": {
            "total_results": if include_total { json!(config.total) } else { Value::Null },
            "truncated_results": withheld,
        },
        "data": data,
    });
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}
