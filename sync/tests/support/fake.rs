//! A small loopback fake of `POST /v1/jobs/search` for the sync's tests and benchmarks: it
//! honours `discovered_at_gte`, `job_id_not`, `order_by` discovered_at ascending and `limit`,
//! refuses a body without a required filter, counts every row served as a credit, logs every
//! request, and can add jobs between pages, compare at second precision, send pages unordered
//! or longer than asked, and hold a request unanswered (for kill tests).
#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, SubsecRound, TimeZone, Utc};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// A hook run before request `n` (from 0) is answered; it may add jobs.
pub type Hook = Box<dyn FnMut(usize, &mut Dataset) + Send>;

/// The fake's jobs, sorted by (discovered_at, id).
#[derive(Default)]
pub struct Dataset {
    jobs: Vec<(DateTime<Utc>, i64, Arc<String>)>,
}

impl Dataset {
    /// Adds a job discovered at `at`.
    pub fn add(&mut self, id: i64, at: DateTime<Utc>) {
        let body = Arc::new(job(id, at).to_string());
        let pos = self.jobs.partition_point(|(t, i, _)| (*t, *i) < (at, id));
        self.jobs.insert(pos, (at, id, body));
    }

    /// How many jobs there are.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// The latest discovered_at.
    pub fn latest(&self) -> Option<DateTime<Utc>> {
        self.jobs.last().map(|(t, _, _)| *t)
    }
}

/// Everything the fake knows.
#[derive(Default)]
pub struct FakeState {
    /// The jobs.
    pub data: Dataset,
    /// Every request body, in order.
    pub requests: Vec<Value>,
    /// Every job id served, in order (a repeat is a job paid twice).
    pub served: Vec<i64>,
    /// Credits charged: rows served outside preview mode.
    pub credits: u64,
    /// Compare `discovered_at_gte` after truncating rows to the second.
    pub second_precision: bool,
    /// Send the page's rows in descending order.
    pub unordered: bool,
    /// Rows sent past each request's limit.
    pub overflow: usize,
    /// Run before each request is answered.
    pub hook: Option<Hook>,
    /// Request number to leave unanswered (after charging it); the sender is told.
    pub hold: Option<(usize, std::sync::mpsc::Sender<usize>)>,
}

/// A running fake.
pub struct Fake {
    /// Its address.
    pub addr: SocketAddr,
    /// Its state.
    pub state: Arc<Mutex<FakeState>>,
}

impl Fake {
    /// Starts a fake on 127.0.0.1 with `jobs` (ids 1.. at the given times).
    pub async fn start(state: FakeState) -> Fake {
        let state = Arc::new(Mutex::new(state));
        let app = Router::new()
            .route("/v1/jobs/search", axum::routing::post(search))
            .route("/__fake/stats", axum::routing::get(stats))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Fake { addr, state }
    }

    /// The base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client of this fake.
    pub fn client(&self) -> theirstack::Client {
        client(&self.url())
    }

    /// Runs `f` on the state.
    pub fn with<T>(&self, f: impl FnOnce(&mut FakeState) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }
}

/// A client of a fake at `url`, with retries of the defaults.
pub fn client(url: &str) -> theirstack::Client {
    theirstack::Client::builder()
        .api_key("test-key")
        .base_url(url)
        .build()
        .unwrap()
}

/// `n` jobs from id `first`, `per_second` per second with distinct sub-second times, from
/// 2026-01-01T00:00:00.
pub fn spread(data: &mut Dataset, first: i64, n: i64, per_second: i64) {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    for k in 0..n {
        let id = first + k;
        let at = start
            + Duration::seconds((id - 1) / per_second)
            + Duration::microseconds(((id - 1) % per_second) * 1_000 + 123);
        data.add(id, at);
    }
}

/// A job as TheirStack sends it.
pub fn job(id: i64, at: DateTime<Utc>) -> Value {
    json!({
        "id": id,
        "job_title": format!("Data engineer {id}"),
        "url": format!("https://jobs.example/{id}"),
        "date_posted": at.date_naive().to_string(),
        "company": format!("Company {}", id % 50),
        "source_url": format!("https://board.example/{id}"),
        "discovered_at": at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "remote": id % 2 == 0,
        "hybrid": false,
        "seniority": "senior",
        "country_code": "US",
        "min_annual_salary_usd": 100000.0 + id as f64,
        "max_annual_salary_usd": 150000.0,
        "company_domain": format!("company{}.example", id % 50),
        "description": "Build pipelines. ".repeat(40),
        "technology_slugs": ["python", "postgresql"],
        "company_object": {
            "id": format!("company-{}", id % 50),
            "name": format!("Company {}", id % 50),
            "domain": format!("company{}.example", id % 50),
            "country_code": "US",
            "employee_count": 120,
            "industry": "Software"
        }
    })
}

fn error(status: StatusCode, title: &str) -> Response {
    let body =
        json!({"error": {"code": "E-002", "title": "Validation error", "description": title}});
    (status, body.to_string()).into_response()
}

fn bound(text: &str) -> Option<DateTime<Utc>> {
    text.parse::<theirstack::types::Timestamp>()
        .map(|t| t.0)
        .ok()
        .or_else(|| {
            let d: chrono::NaiveDate = text.parse().ok()?;
            Some(d.and_hms_opt(0, 0, 0)?.and_utc())
        })
}

async fn stats(State(state): State<Arc<Mutex<FakeState>>>) -> Response {
    let s = state.lock().unwrap();
    let body =
        json!({"credits": s.credits, "requests": s.requests.len(), "served": s.served.len()});
    body.to_string().into_response()
}

async fn search(State(state): State<Arc<Mutex<FakeState>>>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "not JSON");
    };
    let held;
    let response = {
        let mut s = state.lock().unwrap();
        let number = s.requests.len();
        s.requests.push(req.clone());
        if let Some(mut hook) = s.hook.take() {
            hook(number, &mut s.data);
            s.hook = Some(hook);
        }
        if !theirstack::filters::meets_job_search_rule(&req) {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "a required filter is missing",
            );
        }
        let order = req.get("order_by").cloned().unwrap_or(Value::Null);
        if order != json!([{"field": "discovered_at", "desc": false}]) {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "this fake only orders by discovered_at ascending",
            );
        }
        let limit = req.get("limit").and_then(Value::as_u64).unwrap_or(25);
        if limit == 0 || limit > 500 {
            return error(StatusCode::UNPROCESSABLE_ENTITY, "limit must be 1 to 500");
        }
        let gte = match req.get("discovered_at_gte").and_then(Value::as_str) {
            Some(text) => match bound(text) {
                Some(t) => Some(t),
                None => return error(StatusCode::UNPROCESSABLE_ENTITY, "bad discovered_at_gte"),
            },
            None => None,
        };
        let excluded: std::collections::HashSet<i64> = req
            .get("job_id_not")
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        let second = s.second_precision;
        let start = match gte {
            Some(g) if second => {
                let g = g.trunc_subsecs(0);
                s.data
                    .jobs
                    .partition_point(|(t, _, _)| t.trunc_subsecs(0) < g)
            }
            Some(g) => s.data.jobs.partition_point(|(t, _, _)| *t < g),
            None => 0,
        };
        let take = limit as usize + s.overflow;
        let matching: Vec<(i64, Arc<String>)> = s.data.jobs[start..]
            .iter()
            .filter(|(_, id, _)| !excluded.contains(id))
            .map(|(_, id, body)| (*id, body.clone()))
            .collect();
        let total = matching.len();
        let mut rows: Vec<(i64, Arc<String>)> = matching.into_iter().take(take).collect();
        if s.unordered {
            rows.reverse();
        }
        let preview = req.get("blur_company_data") == Some(&Value::Bool(true));
        if !preview {
            s.credits += rows.len() as u64;
            s.served.extend(rows.iter().map(|(id, _)| *id));
        }
        let with_total = req.get("include_total_results") == Some(&Value::Bool(true));
        let mut out =
            String::with_capacity(rows.iter().map(|(_, b)| b.len() + 1).sum::<usize>() + 128);
        out.push_str("{\"metadata\":{\"total_results\":");
        out.push_str(&if with_total {
            total.to_string()
        } else {
            "null".into()
        });
        out.push_str(",\"truncated_results\":0},\"data\":[");
        for (k, (_, b)) in rows.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str(b);
        }
        out.push_str("]}");
        held = match &s.hold {
            Some((n, tx)) if *n == number => {
                let _ = tx.send(number);
                true
            }
            _ => false,
        };
        ([("content-type", "application/json")], out).into_response()
    };
    if held {
        std::future::pending::<()>().await;
    }
    response
}
