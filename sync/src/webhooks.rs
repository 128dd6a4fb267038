//! `webhooks serve`: TheirStack webhook deliveries into the same store as the syncs.
//!
//! Each delivery is checked against its signature before anything else (401 when it fails), its
//! body decoded (400 when it cannot be), then stored in one transaction keyed by its event id:
//! `job.new` stores the job and its company, `company.new` the company, `job.closed` marks the job
//! closed, any other type is kept as received, and a repeated event id changes nothing. The
//! answer is 2xx only after the commit; 503 while the database fails, so TheirStack retries.
//! Bodies over the size limit get 413 before they are read whole, slow clients 408.

use crate::error::{Result, SyncError};
use crate::record::{CompanyRow, DeliveryOutcome, DeliveryRecord, JobRow};
use crate::store::{AnyStore, Store};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Limited};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serde_json::{Value, json};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use theirstack::webhooks::{Delivery, Verifier};

/// Where the receiver listens unless told otherwise: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
/// Largest body accepted, in bytes.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;
/// Time a client has to send its request headers.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a client has to send its body.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings of `theirstack webhooks serve`.
#[derive(Clone)]
#[non_exhaustive]
pub struct ServeConfig {
    /// The database URL (as for a sync).
    pub db: String,
    /// The webhook signing secrets; several during a rotation.
    pub secrets: Vec<String>,
    /// Address to listen on (default [`DEFAULT_LISTEN`]).
    pub listen: SocketAddr,
    /// Limits on each request.
    pub limits: Limits,
}

impl std::fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeConfig")
            .field("db", &crate::store::redact_url(&self.db))
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .field("listen", &self.listen)
            .field("limits", &self.limits)
            .finish()
    }
}

impl ServeConfig {
    /// Settings for `db` and `secrets`, listening on [`DEFAULT_LISTEN`].
    pub fn new(db: impl Into<String>, secrets: Vec<String>) -> ServeConfig {
        ServeConfig {
            db: db.into(),
            secrets,
            listen: DEFAULT_LISTEN.parse().expect("a valid address"),
            limits: Limits::default(),
        }
    }

    /// Listen on `addr` instead.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }
}

/// Limits on each request.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Limits {
    /// Largest body, in bytes (413 past it).
    pub max_body: usize,
    /// Time to send the request headers (the connection is closed past it).
    pub header_timeout: Duration,
    /// Time to send the body (408 past it).
    pub body_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: DEFAULT_MAX_BODY,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
        }
    }
}

impl Limits {
    /// These limits with another body size limit.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// These limits with other timeouts.
    pub fn timeouts(mut self, header: Duration, body: Duration) -> Self {
        self.header_timeout = header;
        self.body_timeout = body;
        self
    }
}

/// A verifier for `secrets` (the first, then every other one).
pub fn verifier(secrets: &[String]) -> Result<Verifier> {
    let (first, rest) = secrets.split_first().ok_or_else(|| {
        SyncError::InvalidInput("webhooks serve needs at least one --secret".into())
    })?;
    let mut verifier = Verifier::new(first).map_err(|e| SyncError::InvalidInput(e.to_string()))?;
    for s in rest {
        verifier = verifier
            .with_secret(s)
            .map_err(|e| SyncError::InvalidInput(e.to_string()))?;
    }
    Ok(verifier)
}

struct App<S> {
    store: Arc<S>,
    verifier: Verifier,
    limits: Limits,
}

/// The receiver as a router, for tests and for mounting in a service of your own: `POST` on any
/// path takes a delivery, `GET /healthz` says whether the database answers.
pub fn router<S: Store>(store: Arc<S>, verifier: Verifier, limits: Limits) -> Router {
    let app = Arc::new(App {
        store,
        verifier,
        limits,
    });
    Router::new()
        .route("/healthz", axum::routing::get(health::<S>))
        .fallback(receive::<S>)
        .with_state(app)
}

fn answer(status: StatusCode, body: Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

async fn health<S: Store>(State(app): State<Arc<App<S>>>) -> Response {
    match app.store.ping().await {
        Ok(()) => answer(StatusCode::OK, json!({"database": "ok"})),
        Err(e) => answer(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"error": e.to_string()}),
        ),
    }
}

async fn receive<S: Store>(
    State(app): State<Arc<App<S>>>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if method != Method::POST {
        return answer(
            StatusCode::METHOD_NOT_ALLOWED,
            json!({"error": "deliveries are POSTed"}),
        );
    }
    let max = app.limits.max_body;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        answer(
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"error": format!("the body is larger than {max} bytes")}),
        )
    };
    if declared.is_some_and(|n| n > max as u64) {
        return too_large();
    }
    let read = tokio::time::timeout(app.limits.body_timeout, Limited::new(body, max).collect());
    let bytes = match read.await {
        Err(_) => {
            return answer(
                StatusCode::REQUEST_TIMEOUT,
                json!({"error": "the body took too long to arrive"}),
            );
        }
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => return too_large(),
        Ok(Err(e)) => {
            return answer(
                StatusCode::BAD_REQUEST,
                json!({"error": format!("cannot read the body: {e}")}),
            );
        }
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    let delivery = match app.verifier.verify_and_decode_headers(&headers, &bytes) {
        Ok(d) => d,
        Err(theirstack::webhooks::WebhookError::Signature(e)) => {
            return answer(StatusCode::UNAUTHORIZED, json!({"error": e.to_string()}));
        }
        Err(e) => match minimal_close(&bytes) {
            Some(record) => return store(&*app.store, record).await,
            None => return answer(StatusCode::BAD_REQUEST, json!({"error": e.to_string()})),
        },
    };
    let record = match record_of(&delivery, &bytes) {
        Ok(r) => r,
        Err(message) => return answer(StatusCode::BAD_REQUEST, json!({"error": message})),
    };
    store(&*app.store, record).await
}

/// A `job.closed` whose payload holds the job's id but not a whole job (TheirStack does not
/// document its fields): enough to mark the stored job closed.
fn minimal_close(body: &[u8]) -> Option<DeliveryRecord> {
    let raw: Value = serde_json::from_slice(body).ok()?;
    if raw.get("type")?.as_str()? != "job.closed" {
        return None;
    }
    let event_id = raw.get("id")?.as_i64()?;
    let payload = raw.get("payload")?;
    let job_id = payload.get("id")?.as_i64()?;
    let closed_at = payload
        .get("closed_at")
        .and_then(Value::as_str)
        .and_then(|t| t.parse::<theirstack::types::Timestamp>().ok())
        .map(|t| t.0);
    Some(DeliveryRecord {
        event_id,
        event_type: "job.closed".into(),
        job: None,
        company: None,
        closes: Some((job_id, closed_at.or_else(|| Some(chrono::Utc::now())))),
        body: String::from_utf8_lossy(body).into_owned(),
    })
}

/// Stores a delivery and answers: 2xx only once it is committed.
async fn store<S: Store>(store: &S, record: DeliveryRecord) -> Response {
    match store.store_delivery(&record).await {
        Ok(DeliveryOutcome::Stored) => answer(
            StatusCode::OK,
            json!({"stored": true, "event_id": record.event_id}),
        ),
        Ok(_) => answer(
            StatusCode::OK,
            json!({"stored": false, "duplicate": true, "event_id": record.event_id}),
        ),
        Err(e) => {
            tracing::warn!(error = %e, event_id = record.event_id, "a webhook delivery was not stored");
            let mut response = answer(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({"error": "the database is unavailable; the delivery was not stored"}),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
            response
        }
    }
}

/// What to store for a verified delivery, from the raw body so no field is lost.
fn record_of(delivery: &Delivery, body: &[u8]) -> std::result::Result<DeliveryRecord, String> {
    let raw: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let payload = raw.get("payload").cloned().unwrap_or(Value::Null);
    let event_id = delivery
        .id()
        .ok_or("the delivery has no integer `id`: it cannot be deduplicated")?;
    let event_type = delivery.event_type().to_owned();
    let (mut job, mut company) = (None, None);
    match delivery {
        Delivery::JobNew { .. } | Delivery::JobClosed { .. } => {
            let mut row = JobRow::from_json(&payload)?;
            if matches!(delivery, Delivery::JobClosed { .. }) {
                row.closed = true;
                row.closed_at = row.closed_at.or_else(|| Some(chrono::Utc::now()));
            }
            company = payload
                .get("company_object")
                .and_then(CompanyRow::from_json);
            job = Some(row);
        }
        Delivery::CompanyNew { .. } => {
            company = Some(CompanyRow::from_json(&payload).ok_or("the company has no `id`")?);
        }
        _ => {}
    }
    Ok(DeliveryRecord {
        event_id,
        event_type,
        job,
        company,
        closes: None,
        body: String::from_utf8_lossy(body).into_owned(),
    })
}

/// A bound receiver, not yet serving.
pub struct WebhookServer {
    listener: tokio::net::TcpListener,
    router: Router,
    header_timeout: Duration,
}

impl WebhookServer {
    /// Opens the store (applying migrations), checks the secrets and binds the address.
    pub async fn bind(config: ServeConfig) -> Result<WebhookServer> {
        let verifier = verifier(&config.secrets)?;
        let store = crate::store::open(&config.db).await?;
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        Ok(WebhookServer::from_parts(
            listener,
            router::<AnyStore>(Arc::new(store), verifier, config.limits),
            config.limits.header_timeout,
        ))
    }

    /// A receiver of `router` on `listener`.
    pub fn from_parts(
        listener: tokio::net::TcpListener,
        router: Router,
        header_timeout: Duration,
    ) -> WebhookServer {
        WebhookServer {
            listener,
            router,
            header_timeout,
        }
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until `shutdown` completes.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> Result<()> {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let (stream, _) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        tracing::warn!(error = %e, "accepting a connection failed");
                        continue;
                    }
                },
                () = &mut shutdown => return Ok(()),
            };
            let service = TowerToHyperService::new(self.router.clone());
            let header_timeout = self.header_timeout;
            tokio::spawn(async move {
                let served = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
                if let Err(e) = served {
                    tracing::debug!(error = %e, "a webhook connection ended with an error");
                }
            });
        }
    }
}

/// `theirstack webhooks serve`: binds, then serves until `shutdown` completes (the CLI passes
/// Ctrl-C).
pub async fn serve(config: ServeConfig, shutdown: impl Future<Output = ()> + Send) -> Result<()> {
    WebhookServer::bind(config).await?.run(shutdown).await
}
