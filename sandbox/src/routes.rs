//! The router: one route per operation, the bearer-key check, and the 404/405 envelopes.
//!
//! Rule: every handler checks the key before it reads anything else (so a bad key is a 401
//! first), hands the request to its module and answers through [`Shared::finish`].

use crate::errors::{Failure, Kind};
use crate::state::Shared;
use crate::{credits, errors, request, saved_searches, searches, webhooks};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header::AUTHORIZATION};
use axum::response::Response;
use axum::routing::{get, patch, post};
use std::sync::Arc;

impl Shared {
    /// Checks `Authorization: Bearer <key>`.
    pub(crate) fn authorize(&self, headers: &HeaderMap) -> Result<(), Failure> {
        let Some(value) = headers.get(AUTHORIZATION) else {
            return Err(Failure::unauthorized(
                "missing `Authorization: Bearer <api key>` header",
            ));
        };
        let given = value.to_str().unwrap_or("");
        let token = match given.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => {
                return Err(Failure::unauthorized(
                    "the Authorization header must be `Bearer <api key>`",
                ));
            }
        };
        if !self.api_key.is_empty() && token == self.api_key {
            Ok(())
        } else {
            Err(Failure::unauthorized("invalid API key"))
        }
    }
}

type Ctx = State<Arc<Shared>>;
type Body = Result<Bytes, BytesRejection>;
type Id = Result<Path<String>, PathRejection>;

/// Reads an extracted body, after the key check so a bad key is a 401 first.
fn read_body(s: &Shared, headers: &HeaderMap, body: Body) -> Result<Bytes, Failure> {
    s.authorize(headers)?;
    body.map_err(|e| Failure::validation(format!("cannot read the request body: {e}")))
}

/// Reads an extracted path parameter, after the key check.
fn read_id(s: &Shared, headers: &HeaderMap, id: Id) -> Result<String, Failure> {
    s.authorize(headers)?;
    id.map(|Path(id)| id)
        .map_err(|e| Failure::validation(format!("invalid path parameter: {e}")))
}

async fn jobs_search(State(s): Ctx, headers: HeaderMap, body: Body) -> Response {
    s.finish(read_body(&s, &headers, body).and_then(|b| searches::jobs(&s, &headers, &b)))
}

async fn companies_search(State(s): Ctx, headers: HeaderMap, body: Body) -> Response {
    s.finish(read_body(&s, &headers, body).and_then(|b| searches::companies(&s, &headers, &b)))
}

async fn technographics(State(s): Ctx, headers: HeaderMap, body: Body) -> Response {
    s.finish(read_body(&s, &headers, body).and_then(|b| searches::technologies(&s, &headers, &b)))
}

async fn credit_balance(State(s): Ctx, headers: HeaderMap) -> Response {
    let result = s.authorize(&headers).and_then(|()| {
        let balance = s.ledger().balance()?;
        Ok(errors::json_response(axum::http::StatusCode::OK, &balance))
    });
    s.finish(result)
}

async fn credits_consumption(State(s): Ctx, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let result = s.authorize(&headers).and_then(|()| {
        let query = request::Query::parse(q.as_deref());
        let (start, end) = credits::consumption_window(&query, s.now())?;
        let rows = s.ledger().consumption(start, end)?;
        Ok(errors::json_response(axum::http::StatusCode::OK, &rows))
    });
    s.finish(result)
}

async fn webhooks_list(State(s): Ctx, headers: HeaderMap) -> Response {
    s.finish(webhooks::list(&s, &headers))
}

async fn webhooks_create(State(s): Ctx, headers: HeaderMap, body: Body) -> Response {
    s.finish(read_body(&s, &headers, body).and_then(|b| webhooks::create(&s, &headers, &b)))
}

async fn webhook_get(State(s): Ctx, headers: HeaderMap, id: Id) -> Response {
    s.finish(read_id(&s, &headers, id).and_then(|id| webhooks::get(&s, &headers, &id)))
}

async fn webhook_update(State(s): Ctx, headers: HeaderMap, id: Id, body: Body) -> Response {
    let result = read_id(&s, &headers, id).and_then(|id| {
        let body = read_body(&s, &headers, body)?;
        webhooks::update(&s, &headers, &id, &body)
    });
    s.finish(result)
}

async fn webhook_status(State(s): Ctx, headers: HeaderMap, id: Id, body: Body) -> Response {
    let result = read_id(&s, &headers, id).and_then(|id| {
        let body = read_body(&s, &headers, body)?;
        webhooks::set_status(&s, &headers, &id, &body)
    });
    s.finish(result)
}

async fn webhook_archive(State(s): Ctx, headers: HeaderMap, id: Id) -> Response {
    s.finish(read_id(&s, &headers, id).and_then(|id| webhooks::archive(&s, &headers, &id)))
}

async fn webhook_events(
    State(s): Ctx,
    headers: HeaderMap,
    id: Id,
    RawQuery(q): RawQuery,
) -> Response {
    let query = request::Query::parse(q.as_deref());
    s.finish(read_id(&s, &headers, id).and_then(|id| webhooks::events(&s, &headers, &id, &query)))
}

async fn webhook_events_count(State(s): Ctx, headers: HeaderMap, id: Id) -> Response {
    s.finish(read_id(&s, &headers, id).and_then(|id| webhooks::events_count(&s, &headers, &id)))
}

async fn webhook_events_aggregated(
    State(s): Ctx,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let query = request::Query::parse(q.as_deref());
    s.finish(webhooks::events_count_aggregated(&s, &headers, &query))
}

async fn webhook_events_retry(State(s): Ctx, headers: HeaderMap, body: Body) -> Response {
    s.finish(read_body(&s, &headers, body).and_then(|b| webhooks::retry(&s, &headers, &b)))
}

async fn webhook_test(State(s): Ctx, headers: HeaderMap, body: Body) -> Response {
    let result = match read_body(&s, &headers, body) {
        Ok(b) => webhooks::test(&s, &headers, &b).await,
        Err(f) => Err(f),
    };
    s.finish(result)
}

async fn searches_list(State(s): Ctx, headers: HeaderMap) -> Response {
    s.finish(saved_searches::list_searches(&s, &headers))
}

async fn searches_create(State(s): Ctx, headers: HeaderMap, body: Body) -> Response {
    s.finish(
        read_body(&s, &headers, body).and_then(|b| saved_searches::create_search(&s, &headers, &b)),
    )
}

async fn search_get(State(s): Ctx, headers: HeaderMap, id: Id) -> Response {
    s.finish(read_id(&s, &headers, id).and_then(|id| saved_searches::get_search(&s, &headers, &id)))
}

async fn not_found(State(s): Ctx, uri: axum::http::Uri) -> Response {
    s.finish(Err(Failure::not_found(format!(
        "no operation at {}",
        uri.path().chars().take(200).collect::<String>()
    ))))
}

async fn method_not_allowed(
    State(s): Ctx,
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> Response {
    s.finish(Err(Failure::new(
        Kind::MethodNotAllowed,
        format!(
            "{method} is not allowed on {}",
            uri.path().chars().take(200).collect::<String>()
        ),
    )))
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/jobs/search", post(jobs_search))
        .route("/v1/companies/search", post(companies_search))
        .route("/v1/companies/technologies", post(technographics))
        .route("/v0/billing/credit-balance", get(credit_balance))
        .route("/v0/teams/credits_consumption", get(credits_consumption))
        .route(
            "/v0/saved_searches",
            get(searches_list).post(searches_create),
        )
        .route("/v0/saved_searches/{search_id}", get(search_get))
        .route("/v0/webhooks", get(webhooks_list).post(webhooks_create))
        .route("/v0/webhooks/events/count", get(webhook_events_aggregated))
        .route("/v0/webhooks/events/retry", post(webhook_events_retry))
        .route("/v0/webhooks/test", post(webhook_test))
        .route(
            "/v0/webhooks/{webhook_id}",
            get(webhook_get).patch(webhook_update),
        )
        .route("/v0/webhooks/{webhook_id}/status", patch(webhook_status))
        .route("/v0/webhooks/{webhook_id}/archive", patch(webhook_archive))
        .route("/v0/webhooks/{webhook_id}/events", get(webhook_events))
        .route(
            "/v0/webhooks/{webhook_id}/events/count",
            get(webhook_events_count),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}
