//! The sandbox's error answers.
//!
//! Rule: every answer that is not a success is TheirStack's documented envelope,
//! `{"request_id": <int>, "error": {"code", "title", "description"}}`, built from the generated
//! [`types::ErrorResponse`]; the status decides the code and title (table in the
//! [module docs](super)), the description says what to fix.

use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use theirstack::types;

/// Why a request failed; decides the status, code and title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// 401: missing or wrong bearer key.
    Unauthorized,
    /// 402: no credits left for a request that would return data.
    InsufficientCredits,
    /// 404: unknown path, webhook, event or saved search.
    NotFound,
    /// 405: known path, other method.
    MethodNotAllowed,
    /// 422: a body or parameter TheirStack would refuse.
    Validation,
    /// 422: a country code that is not two ASCII letters.
    InvalidCountryCode,
    /// 429: a rate-limit window is exhausted.
    RateLimited,
    /// 500: a failure of the sandbox itself.
    Internal,
}

impl Kind {
    /// Status, code and title of this kind.
    pub(crate) fn parts(self) -> (StatusCode, &'static str, &'static str) {
        match self {
            Kind::Unauthorized => (StatusCode::UNAUTHORIZED, "E-001", "Not allowed exception"),
            Kind::InsufficientCredits => (
                StatusCode::PAYMENT_REQUIRED,
                "E-002",
                "Insufficient credits exception",
            ),
            Kind::NotFound => (StatusCode::NOT_FOUND, "E-003", "Not found exception"),
            Kind::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "E-004",
                "Method not allowed exception",
            ),
            Kind::Validation => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "E-005",
                "Validation error",
            ),
            Kind::InvalidCountryCode => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "E-008",
                "Invalid country code exception",
            ),
            Kind::RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                "E-006",
                "Too many requests exception",
            ),
            Kind::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "E-007",
                "Internal server error",
            ),
        }
    }
}

/// A failed request: its kind, a description and extra headers (rate limits).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) kind: Kind,
    pub(crate) description: String,
    pub(crate) headers: Option<Box<HeaderMap>>,
}

impl Failure {
    pub(crate) fn new(kind: Kind, description: impl Into<String>) -> Failure {
        Failure {
            kind,
            description: description.into(),
            headers: None,
        }
    }

    pub(crate) fn unauthorized(description: impl Into<String>) -> Failure {
        Failure::new(Kind::Unauthorized, description)
    }

    pub(crate) fn validation(description: impl Into<String>) -> Failure {
        Failure::new(Kind::Validation, description)
    }

    pub(crate) fn not_found(description: impl Into<String>) -> Failure {
        Failure::new(Kind::NotFound, description)
    }

    pub(crate) fn credits(description: impl Into<String>) -> Failure {
        Failure::new(Kind::InsufficientCredits, description)
    }

    pub(crate) fn internal(description: impl Into<String>) -> Failure {
        Failure::new(Kind::Internal, description)
    }

    /// Adds headers (such as the rate-limit ones) to the answer.
    pub(crate) fn with_headers(mut self, headers: HeaderMap) -> Failure {
        match &mut self.headers {
            Some(mine) => mine.extend(headers),
            None => self.headers = Some(Box::new(headers)),
        }
        self
    }

    /// The envelope response, numbered `request_id`.
    pub(crate) fn into_response(self, request_id: i64) -> Response {
        let (status, code, title) = self.kind.parts();
        let body = built(
            types::Error::builder()
                .code(Some(code.to_string()))
                .title(title)
                .description(Some(self.description)),
        )
        .and_then(|error: types::Error| {
            built::<types::ErrorResponse, _>(
                types::ErrorResponse::builder()
                    .request_id(Some(request_id))
                    .error(error),
            )
        });
        let mut response = match body {
            Ok(body) => json_response(status, &body),
            Err(_) => unencodable(),
        };
        if let Some(headers) = self.headers {
            response.headers_mut().extend(*headers);
        }
        response
    }
}

/// The envelope sent when an answer cannot be encoded.
const UNENCODABLE: &str = r#"{"request_id":null,"error":{"code":"E-007","title":"Internal server error","description":"the sandbox could not encode its answer"}}"#;

/// A JSON response of `value`; a value that cannot be encoded becomes a 500 envelope.
pub(crate) fn json_response<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Err(_) => unencodable(),
    }
}

/// The 500 envelope of an answer that cannot be encoded.
fn unencodable() -> Response {
    let mut response = (StatusCode::INTERNAL_SERVER_ERROR, UNENCODABLE).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Finishes a generated builder (`types::X::builder()…`); a required field left unset is a
/// fault of the sandbox, a 500.
pub(crate) fn built<T, B>(builder: B) -> Result<T, Failure>
where
    B: TryInto<T>,
    B::Error: std::fmt::Display,
{
    builder
        .try_into()
        .map_err(|e| Failure::internal(format!("cannot build an answer: {e}")))
}

/// Re-reads a value as the generated type `U`. Payload and saved-search unions are typed or
/// untyped JSON depending on the document, and this works for both.
pub(crate) fn retype<T: serde::Serialize, U: serde::de::DeserializeOwned>(
    value: &T,
) -> Result<U, Failure> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| Failure::internal(format!("cannot encode a record: {e}")))
}
