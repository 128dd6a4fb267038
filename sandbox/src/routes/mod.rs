//! The router: one route per operation of the document, the bearer-key check, and the 404
//! and 405 envelopes.
//!
//! Rule: a route exists only when the document has its operation
//! (`#[cfg(theirstack_has = "op:<operationId>")]`); every handler checks the key before it
//! reads anything else (so a bad key is a 401 first), hands the parts of the request to its
//! module and answers through [`Shared::finish`]. A 405 names the allowed methods in `Allow`.
//! The request log ([`crate::request_log`]) wraps every route, fallbacks included; the routes
//! hand it the body they received.

mod operations;
mod table;

use crate::errors::{Failure, Kind};
use crate::request::Query;
use crate::request_log::{self, ReceivedBody};
use crate::state::Shared;
use crate::{validate, webhooks};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header::AUTHORIZATION};
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter};
use operations::operations;
use std::sync::Arc;
use table::allowed_methods;

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
            self.count_request();
            Ok(())
        } else {
            Err(Failure::unauthorized("invalid API key"))
        }
    }
}

type Ctx = State<Arc<Shared>>;

/// The parts of a request an operation reads, handed over after the key check.
pub(crate) struct Input {
    path: Result<String, String>,
    query: Query,
    body: Result<Bytes, String>,
}

impl Input {
    /// The path parameter (every parameterized path of the document has one).
    fn id(&self) -> Result<&str, Failure> {
        self.path
            .as_deref()
            .map_err(|e| Failure::validation(format!("invalid path parameter: {e}")))
    }

    fn body(&self) -> Result<&[u8], Failure> {
        self.body
            .as_deref()
            .map_err(|e| Failure::validation(format!("cannot read the request body: {e}")))
    }
}

/// What an operation does with its input.
type Operation = fn(&Shared, &Input) -> Result<Response, Failure>;

/// The route of an operation on `method`: the key check, then `operation`, then the envelope of
/// a failure.
fn op(method: MethodFilter, id: &'static str, operation: Operation) -> MethodRouter<Arc<Shared>> {
    let handler = move |State(s): Ctx,
                        headers: HeaderMap,
                        path: Result<Path<String>, PathRejection>,
                        RawQuery(query): RawQuery,
                        body: Result<Bytes, BytesRejection>| async move {
        let received = match &body {
            Ok(bytes) => ReceivedBody::of(bytes),
            Err(_) => ReceivedBody(None),
        };
        let result = s.authorize(&headers).and_then(|()| {
            let body = match body {
                Ok(bytes) => Ok(Bytes::from(validate::body(id, &bytes)?.into_owned())),
                Err(e) => Err(e.to_string()),
            };
            let input = Input {
                path: path.map(|Path(p)| p).map_err(|e| e.to_string()),
                query: Query::parse(query.as_deref()),
                body,
            };
            operation(&s, &input)
        });
        let mut response = s.finish(result);
        response.extensions_mut().insert(received);
        response
    };
    axum::routing::on(method, handler)
}

/// `POST /v0/webhooks/test`, the one operation that waits on the network.
#[cfg(theirstack_has = "op:post_webhooks_test_v0")]
async fn webhook_test(
    State(s): Ctx,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let received = match &body {
        Ok(bytes) => ReceivedBody::of(bytes),
        Err(_) => ReceivedBody(None),
    };
    let result = match s.authorize(&headers).and_then(|()| {
        let body =
            body.map_err(|e| Failure::validation(format!("cannot read the request body: {e}")))?;
        Ok(validate::body("post_webhooks_test_v0", &body)?.into_owned())
    }) {
        Ok(b) => webhooks::test(&s, &b).await,
        Err(f) => Err(f),
    };
    let mut response = s.finish(result);
    response.extensions_mut().insert(received);
    response
}

async fn not_found(State(s): Ctx, uri: Uri) -> Response {
    s.finish(Err(Failure::not_found(format!(
        "no operation at {}",
        uri.path().chars().take(200).collect::<String>()
    ))))
}

/// The 405 of a known path: the envelope, with the methods the path has in `Allow`.
async fn method_not_allowed(State(s): Ctx, method: Method, uri: Uri) -> Response {
    let path = uri.path();
    let mut response = s.finish(Err(Failure::new(
        Kind::MethodNotAllowed,
        format!(
            "{method} is not allowed on {}",
            path.chars().take(200).collect::<String>()
        ),
    )));
    if let Some(allow) = allowed_methods(path)
        && let Ok(value) = HeaderValue::from_str(&allow)
    {
        response
            .headers_mut()
            .insert(axum::http::header::ALLOW, value);
    }
    response
}

/// Every operation, the 404 and 405 fallbacks, and the request log around them all.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    operations(Router::new())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            request_log::record,
        ))
        .with_state(shared)
}
