//! A loopback fake of the three paged POST endpoints (job search, company search, technographics)
//! for pagination tests: it serves `total` rows, records every raw request body, reads paging
//! strictly (`offset` + `limit` or `page` + `limit`; both is a 422), and can misbehave on purpose.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Job search: row `r` is job id `1000 + r`.
pub const JOBS: &str = "/v1/jobs/search";
/// Company search: row `r` is company id `company-{r}`.
pub const COMPANIES: &str = "/v1/companies/search";
/// Technographics: row `r` is technology slug `tech-{r}`.
pub const TECHNOGRAPHICS: &str = "/v1/companies/technologies";

/// How the fake behaves.
#[derive(Clone, Debug)]
pub struct Config {
    pub total: u64,
    /// Delay before each answer.
    pub latency: Duration,
    /// Start row → statuses to answer with before serving it normally.
    pub failures: HashMap<u64, Vec<u16>>,
    /// Start row → rows withheld for lack of credits (the page is cut to what remains).
    pub truncate: HashMap<u64, u64>,
    /// Rows served past what `limit` asked for (while rows remain).
    pub extra_rows: u64,
    /// Serve from row 0 whatever `offset` says (a server that ignores it).
    pub ignore_offset: bool,
}

impl Config {
    pub fn new(total: u64) -> Config {
        Config {
            total,
            latency: Duration::ZERO,
            failures: HashMap::new(),
            truncate: HashMap::new(),
            extra_rows: 0,
            ignore_offset: false,
        }
    }
}

/// One request as the fake saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen {
    pub path: String,
    /// The raw JSON body (`Null` when it did not parse).
    pub body: Value,
    /// First row asked for, as the guide reads it (`page × limit` for page paging).
    pub start: u64,
    pub limit: u64,
    pub include_total: bool,
    pub status: u16,
    /// Rows in the answer.
    pub rows: u64,
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
            .route(JOBS, post(search))
            .route(COMPANIES, post(search))
            .route(TECHNOGRAPHICS, post(search))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeSearch { base_url, shared }
    }

    /// Every request, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// Arrivals (`true`) and answers (`false`) by body offset, in the order they happened.
    pub fn events(&self) -> Vec<(u64, bool)> {
        self.shared.events.lock().unwrap().clone()
    }

    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    /// Rows served in successful answers.
    pub fn rows_served(&self) -> u64 {
        self.seen()
            .iter()
            .filter(|s| s.status == 200)
            .map(|s| s.rows)
            .sum()
    }
}

async fn search(State(shared): State<Arc<Shared>>, uri: Uri, body: Bytes) -> Response {
    let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let offset = request["offset"].as_u64().unwrap_or(0);
    shared.events.lock().unwrap().push((offset, true));
    let response = answer(&shared, uri.path(), request).await;
    shared.events.lock().unwrap().push((offset, false));
    shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

/// The first row a body asks for, read the way the guide describes the two styles.
fn window(request: &Value) -> Result<(u64, u64), String> {
    let field = |name: &str| match request.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("{name} must be a non-negative integer, got {v}")),
    };
    let limit = field("limit")?.unwrap_or(25);
    if limit == 0 {
        return Err("limit must be at least 1".into());
    }
    let start = match (field("page")?, field("offset")?) {
        (Some(page), Some(offset)) => {
            return Err(format!(
                "use either page or offset, not both (page={page}, offset={offset})"
            ));
        }
        (Some(page), None) => page * limit,
        (None, offset) => offset.unwrap_or(0),
    };
    Ok((start, limit))
}

async fn answer(shared: &Shared, path: &str, request: Value) -> Response {
    let include_total = request["include_total_results"].as_bool().unwrap_or(false);
    let config = shared.config.lock().unwrap().clone();
    if !config.latency.is_zero() {
        tokio::time::sleep(config.latency).await;
    }
    let mut seen = Seen {
        path: path.to_string(),
        body: request.clone(),
        start: 0,
        limit: 0,
        include_total,
        status: 200,
        rows: 0,
    };
    let (start, limit) = match window(&request) {
        Ok(window) => window,
        Err(description) => {
            seen.status = 422;
            shared.seen.lock().unwrap().push(seen);
            let body = json!({"error": {"code": "E-002", "title": "Validation error", "description": description}});
            return json_response(StatusCode::UNPROCESSABLE_ENTITY, body);
        }
    };
    (seen.start, seen.limit) = (start, limit);
    let start = if config.ignore_offset { 0 } else { start };
    let failure = {
        let mut cfg = shared.config.lock().unwrap();
        cfg.failures
            .get_mut(&start)
            .and_then(|list| (!list.is_empty()).then(|| list.remove(0)))
    };
    if let Some(status) = failure {
        seen.status = status;
        shared.seen.lock().unwrap().push(seen);
        let body = json!({"error": {"code": "E-000", "title": "Scripted failure"}});
        return json_response(StatusCode::from_u16(status).unwrap(), body);
    }
    let mut end = (start + limit + config.extra_rows).min(config.total);
    let withheld = config.truncate.get(&start).copied().unwrap_or(0);
    if withheld > 0 {
        end = end.saturating_sub(withheld).max(start);
    }
    let data: Vec<Value> = (start.min(end)..end).map(|r| row(path, r)).collect();
    seen.rows = data.len() as u64;
    shared.seen.lock().unwrap().push(seen);
    let body = json!({
        "metadata": {
            "total_results": if include_total { json!(config.total) } else { Value::Null },
            "truncated_results": withheld,
        },
        "data": data,
    });
    json_response(StatusCode::OK, body)
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
        _ => super::job(1000 + r as i64),
    }
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}
