//! The crate's one error type.
//!
//! Rule: an error keeps everything a caller needs to act on it (the HTTP status, TheirStack's
//! `error.code` / `title` / `description`, the request id, the rate-limit headers, a bounded
//! excerpt of a body that is not the documented envelope, the JSON path of a decode failure) and
//! never the API key. `Display` is one line.

use crate::rate_limit::RateLimit;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};
use serde_json::Value;
use std::fmt;

/// Most bytes of an error body the client reads; the rest is not downloaded.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Longest body excerpt an error keeps, in bytes.
pub const BODY_EXCERPT_LIMIT: usize = 2048;

/// Marks a response whose error body the client replaced with JSON because it was not JSON:
/// `text` (the body is a JSON string of the original text), `text-truncated`, or `empty`.
pub(crate) const RAW_BODY_MARKER: &str = "x-theirstack-client-raw-body";

/// Response headers an error keeps.
const KEPT_HEADERS: [&str; 9] = [
    "ratelimit",
    "ratelimit-policy",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "retry-after",
    "x-request-id",
    "content-type",
    "date",
];

/// What went wrong, for matching. See the `is_*` helpers on [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401 or 403: the key is missing, wrong, expired or revoked.
    Unauthorized,
    /// 402, or a page cut short because the account ran out of credits.
    InsufficientCredits,
    /// 429: a rate-limit window is exhausted.
    RateLimited,
    /// 400 or 422: TheirStack refused the request as invalid.
    InvalidRequest,
    /// 404: no such resource.
    NotFound,
    /// 5xx: TheirStack or a gateway in front of it failed.
    Server,
    /// Any other status the operation does not document.
    UnexpectedStatus,
    /// No response: connection, TLS, timeout or a body cut short.
    Transport,
    /// A success response whose body does not match the documented type.
    Decode,
    /// Rejected before sending: bad configuration or arguments.
    InvalidInput,
    /// Pagination stopped because a page repeated the previous one.
    RepeatedPage,
}

/// TheirStack's documented error envelope: `{"error": {"code", "title", "description"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiError {
    /// Error code such as `E-001`.
    pub code: Option<String>,
    /// Short title such as "Not allowed exception".
    pub title: Option<String>,
    /// Longer explanation.
    pub description: Option<String>,
}

/// An error from the TheirStack client. Cheap to move (one pointer).
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    status: Option<StatusCode>,
    api: Option<ApiError>,
    request_id: Option<String>,
    headers: HeaderMap,
    body_excerpt: Option<String>,
    json_path: Option<String>,
    message: Option<String>,
    withheld_rows: Option<u64>,
    resume: Option<ResumePosition>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// Where a pagination stream can resume after an error: the offset of the first row it did not
/// deliver, counted from row 0 of the result set. Resuming there fetches no row twice and skips
/// none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ResumePosition {
    /// The offset of the first row not yet delivered.
    pub offset: u64,
}

impl ResumePosition {
    /// The position of row `offset`.
    pub fn at(offset: u64) -> Self {
        ResumePosition { offset }
    }
}

impl fmt::Display for ResumePosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "offset {}", self.offset)
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    fn new(kind: ErrorKind) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                status: None,
                api: None,
                request_id: None,
                headers: HeaderMap::new(),
                body_excerpt: None,
                json_path: None,
                message: None,
                withheld_rows: None,
                resume: None,
                source: None,
            }),
        }
    }

    /// An error raised before any request is sent.
    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::InvalidInput);
        e.inner.message = Some(message.into());
        e
    }

    /// A transport failure.
    pub(crate) fn transport(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        let mut e = Error::new(ErrorKind::Transport);
        e.inner.message = Some(source.to_string());
        e.inner.source = Some(Box::new(source));
        e
    }

    /// The account ran out of credits mid-pull: `withheld` rows were not returned. The page
    /// itself succeeded, so the error has no HTTP status; the page's headers are kept.
    pub(crate) fn credits_exhausted(withheld: u64, headers: &HeaderMap) -> Self {
        let mut e = Error::new(ErrorKind::InsufficientCredits);
        e.inner.headers = kept_headers(headers);
        e.inner.withheld_rows = Some(withheld);
        e.inner.message = Some(format!(
            "the account ran out of API credits: {withheld} matching rows were withheld"
        ));
        e
    }

    /// Pagination met a page equal to the previous one.
    pub(crate) fn repeated_page(message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::RepeatedPage);
        e.inner.message = Some(message.into());
        e
    }

    /// Builds the error for an HTTP error response whose body the hooks made JSON.
    pub(crate) fn from_response(status: StatusCode, mut headers: HeaderMap, body: Value) -> Self {
        let marker = headers.remove(RAW_BODY_MARKER);
        let mut e = Error::new(kind_of_status(status));
        e.inner.status = Some(status);
        match marker.as_ref().and_then(|m| m.to_str().ok()) {
            Some("empty") => e.inner.body_excerpt = Some(String::new()),
            Some(_) => e.inner.body_excerpt = body.as_str().map(|s| excerpt(s.as_bytes())),
            None => {
                let (api, request_id) = api_error_of(&body);
                if api.is_none() {
                    e.inner.body_excerpt = Some(excerpt(body.to_string().as_bytes()));
                }
                e.inner.api = api;
                e.inner.request_id = request_id;
            }
        }
        if e.inner.request_id.is_none() {
            e.inner.request_id = header_str(&headers, "x-request-id").map(str::to_string);
        }
        e.inner.headers = kept_headers(&headers);
        e
    }

    /// Builds the error for a success body that does not match its type.
    pub(crate) fn decode(
        status: Option<StatusCode>,
        body: &[u8],
        source: serde_json::Error,
    ) -> Self {
        let mut e = Error::new(ErrorKind::Decode);
        e.inner.status = status;
        e.inner.json_path = json_path_at(body, source.line(), source.column());
        let text = source.to_string();
        let message = match text.rsplit_once(" at line ") {
            Some((head, _)) => head.to_string(),
            None => text,
        };
        e.inner.message = Some(message);
        e.inner.body_excerpt = Some(excerpt(body));
        e.inner.source = Some(Box::new(source));
        e
    }

    pub(crate) fn with_resume(mut self, position: ResumePosition) -> Self {
        self.inner.resume = Some(position);
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// TheirStack's error envelope, when the body had it.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api.as_ref()
    }

    /// TheirStack's error code (`E-001` …), when present.
    pub fn code(&self) -> Option<&str> {
        self.inner.api.as_ref()?.code.as_deref()
    }

    /// TheirStack's error title, when present.
    pub fn title(&self) -> Option<&str> {
        self.inner.api.as_ref()?.title.as_deref()
    }

    /// TheirStack's error description, when present.
    pub fn description(&self) -> Option<&str> {
        self.inner.api.as_ref()?.description.as_deref()
    }

    /// The request id to quote to TheirStack support, from the body or `x-request-id`.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The response headers kept for later use (rate limits, `Retry-After`, request id).
    pub fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// The rate-limit state the response reported, if any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::from_headers(&self.inner.headers)
    }

    /// Up to [`BODY_EXCERPT_LIMIT`] bytes of a body that was not the documented envelope (an
    /// HTML page, an empty body, FastAPI's `{"detail": [...]}`, or an undecodable success body).
    pub fn body_excerpt(&self) -> Option<&str> {
        self.inner.body_excerpt.as_deref()
    }

    /// For decode failures: the JSON path of the value that failed, such as
    /// `$.data[3].company_object.employee_count`.
    pub fn json_path(&self) -> Option<&str> {
        self.inner.json_path.as_deref()
    }

    /// For insufficient credits reported by a short page: how many rows were withheld.
    pub fn withheld_rows(&self) -> Option<u64> {
        self.inner.withheld_rows
    }

    /// For errors ending a pagination stream: where to resume so that no row is fetched twice.
    pub fn resume_position(&self) -> Option<&ResumePosition> {
        self.inner.resume.as_ref()
    }

    /// 401 or 403.
    pub fn is_unauthorized(&self) -> bool {
        self.inner.kind == ErrorKind::Unauthorized
    }

    /// 402, or rows withheld for lack of credits.
    pub fn is_insufficient_credits(&self) -> bool {
        self.inner.kind == ErrorKind::InsufficientCredits
    }

    /// 429.
    pub fn is_rate_limited(&self) -> bool {
        self.inner.kind == ErrorKind::RateLimited
    }

    /// 400 or 422.
    pub fn is_invalid_request(&self) -> bool {
        self.inner.kind == ErrorKind::InvalidRequest
    }

    /// 404.
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::NotFound
    }

    /// 5xx.
    pub fn is_server(&self) -> bool {
        self.inner.kind == ErrorKind::Server
    }

    /// No response was received (or its body was cut short).
    pub fn is_transport(&self) -> bool {
        self.inner.kind == ErrorKind::Transport
    }

    /// A success body did not match its type.
    pub fn is_decode(&self) -> bool {
        self.inner.kind == ErrorKind::Decode
    }
}

/// Maps a status to its kind.
pub(crate) fn kind_of_status(status: StatusCode) -> ErrorKind {
    match status.as_u16() {
        401 | 403 => ErrorKind::Unauthorized,
        402 => ErrorKind::InsufficientCredits,
        429 => ErrorKind::RateLimited,
        400 | 422 => ErrorKind::InvalidRequest,
        404 => ErrorKind::NotFound,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::UnexpectedStatus,
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn kept_headers(headers: &HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::new();
    for name in KEPT_HEADERS {
        let name = HeaderName::from_static(name);
        for value in headers.get_all(&name) {
            kept.append(name.clone(), value.clone());
        }
    }
    kept
}

/// The first [`BODY_EXCERPT_LIMIT`] bytes of a body as text, cut on a character boundary.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_EXCERPT_LIMIT + 4)]);
    let mut end = text.len().min(BODY_EXCERPT_LIMIT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

/// Reads TheirStack's envelope, or FastAPI's `{"detail": ...}`, from an error body.
fn api_error_of(body: &Value) -> (Option<ApiError>, Option<String>) {
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    };
    let request_id = text(body.get("request_id"));
    if let Some(error) = body.get("error").filter(|e| e.is_object()) {
        let api = ApiError {
            code: text(error.get("code")),
            title: text(error.get("title")),
            description: text(error.get("description")),
        };
        if api.code.is_some() || api.title.is_some() || api.description.is_some() {
            return (Some(api), request_id);
        }
    }
    if let Some(detail) = body.get("detail") {
        let description = match detail {
            Value::Array(items) => items
                .iter()
                .map(|item| {
                    let loc = item
                        .get("loc")
                        .and_then(Value::as_array)
                        .map(|l| {
                            l.iter()
                                .map(|p| {
                                    p.as_str()
                                        .map(str::to_string)
                                        .unwrap_or_else(|| p.to_string())
                                })
                                .collect::<Vec<_>>()
                                .join(".")
                        })
                        .unwrap_or_default();
                    let msg = item.get("msg").and_then(Value::as_str).unwrap_or("invalid");
                    if loc.is_empty() {
                        msg.to_string()
                    } else {
                        format!("{loc}: {msg}")
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let api = ApiError {
            code: None,
            title: Some("Validation error".to_string()),
            description: Some(description),
        };
        return (Some(api), request_id);
    }
    (None, request_id)
}

/// The JSON path (`$.a[2].b`) of the value at 1-based `line`/`column` of `body`.
fn json_path_at(body: &[u8], line: usize, column: usize) -> Option<String> {
    if line == 0 {
        return None;
    }
    let mut offset = 0;
    for _ in 1..line {
        offset += body[offset..].iter().position(|&b| b == b'\n')? + 1;
    }
    let offset = (offset + column.saturating_sub(1)).min(body.len());

    enum Frame {
        Object {
            key: Option<String>,
            expecting_key: bool,
        },
        Array {
            index: usize,
        },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < offset {
        match body[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                expecting_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { key, expecting_key }) => {
                    *key = None;
                    *expecting_key = true;
                }
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < body.len() && body[i] != b'"' {
                    if body[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if let Some(Frame::Object {
                    key,
                    expecting_key: true,
                }) = stack.last_mut()
                {
                    let raw = &body[start..(i + 1).min(body.len())];
                    *key = Some(
                        serde_json::from_slice::<String>(raw)
                            .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                    );
                }
            }
            _ => {}
        }
        i += 1;
    }
    // An error reported on a closing bracket (a missing field) belongs to the container itself.
    if matches!(body.get(offset), Some(b'}') | Some(b']'))
        && let Some(Frame::Object { key, .. }) = stack.last_mut()
    {
        *key = None;
    }
    let mut path = String::from("$");
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k), .. } => {
                if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    path.push('.');
                    path.push_str(k);
                } else {
                    path.push_str(&format!("[{k:?}]"));
                }
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    Some(path)
}

impl From<progenitor_client::Error<Value>> for Error {
    fn from(error: progenitor_client::Error<Value>) -> Self {
        use progenitor_client::Error as E;
        match error {
            E::InvalidRequest(message) => Error::invalid_input(message),
            E::CommunicationError(e) | E::InvalidUpgrade(e) | E::ResponseBodyError(e) => {
                Error::transport(e)
            }
            E::ErrorResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                Error::from_response(status, headers, response.into_inner())
            }
            E::InvalidResponsePayload(body, source) => {
                // Error bodies are always valid JSON after the hooks, so this is the body of the
                // documented success status.
                let status = crate::document::DOCUMENTED_SUCCESS_STATUS
                    .and_then(|s| StatusCode::from_u16(s).ok());
                Error::decode(status, &body, source)
            }
            E::UnexpectedResponse(response) => {
                let status = response.status();
                let mut e = Error::new(kind_of_status(status));
                e.inner.status = Some(status);
                e.inner.request_id =
                    header_str(response.headers(), "x-request-id").map(str::to_string);
                e.inner.headers = kept_headers(response.headers());
                e.inner.message = Some(format!(
                    "status {status} is not documented for this operation"
                ));
                e
            }
            E::Custom(message) => {
                let mut e = Error::new(ErrorKind::InvalidInput);
                e.inner.message = Some(message);
                e
            }
        }
    }
}

/// A typed builder (`types::X::builder()...try_into()`) that is missing a field or holds an
/// invalid value.
impl From<crate::types::error::ConversionError> for Error {
    fn from(error: crate::types::error::ConversionError) -> Self {
        Error::invalid_input(error.to_string())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind);
        if let Some(s) = i.status {
            d.field("status", &s.as_u16());
        }
        if let Some(api) = &i.api {
            d.field("api", api);
        }
        if let Some(id) = &i.request_id {
            d.field("request_id", id);
        }
        if let Some(m) = &i.message {
            d.field("message", m);
        }
        if let Some(p) = &i.json_path {
            d.field("json_path", p);
        }
        if let Some(w) = i.withheld_rows {
            d.field("withheld_rows", &w);
        }
        if let Some(r) = &i.resume {
            d.field("resume", r);
        }
        if let Some(b) = &i.body_excerpt {
            d.field("body_excerpt", &one_line(b, 200));
        }
        d.finish()
    }
}

/// Collapses whitespace and cuts to `max` characters, for one-line messages.
fn one_line(text: &str, max: usize) -> String {
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > max {
        let cut: String = collapsed.chars().take(max).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        match i.status {
            Some(status) => write!(f, "{}", status.as_u16())?,
            None => f.write_str(match i.kind {
                ErrorKind::Transport => "transport error",
                ErrorKind::Decode => "decode error",
                ErrorKind::InvalidInput => "invalid input",
                ErrorKind::RepeatedPage => "pagination stopped",
                ErrorKind::InsufficientCredits => "insufficient credits",
                _ => "error",
            })?,
        }
        if let Some(status) = i.status
            && let Some(reason) = status.canonical_reason()
        {
            write!(f, " {reason}")?;
        }
        if let Some(api) = &i.api {
            if let Some(code) = &api.code {
                write!(f, ": {}", one_line(code, 40))?;
            }
            if let Some(title) = &api.title {
                write!(
                    f,
                    "{} {}",
                    if api.code.is_some() { "" } else { ":" },
                    one_line(title, 200)
                )?;
            }
            if let Some(description) = &api.description {
                write!(f, ": {}", one_line(description, 300))?;
            }
        }
        if let Some(path) = &i.json_path {
            write!(f, " at {}", one_line(path, 200))?;
        }
        if let Some(message) = &i.message {
            write!(f, ": {}", one_line(message, 300))?;
        }
        if i.api.is_none()
            && i.kind != ErrorKind::Decode
            && let Some(body) = &i.body_excerpt
        {
            if body.is_empty() {
                f.write_str(" (empty body)")?;
            } else {
                write!(f, ": {}", one_line(body, 120))?;
            }
        }
        if let Some(id) = &i.request_id {
            write!(f, " (request id {})", one_line(id, 80))?;
        }
        if let Some(resume) = &i.resume {
            write!(f, "; resume from {resume}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of_error<T: serde::de::DeserializeOwned + fmt::Debug>(body: &str) -> Option<String> {
        let err = serde_json::from_str::<T>(body).unwrap_err();
        json_path_at(body.as_bytes(), err.line(), err.column())
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Row>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Row {
        id: i64,
        company: Company,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Company {
        employee_count: Option<i64>,
    }

    #[test]
    fn json_path_names_the_failing_value() {
        let body = r#"{"data": [{"id": 1, "company": {"employee_count": 5}},
            {"id": 2, "company": {"employee_count": "many"}}]}"#;
        assert_eq!(
            path_of_error::<Page>(body).as_deref(),
            Some("$.data[1].company.employee_count")
        );
    }

    #[test]
    fn json_path_of_a_missing_field_is_its_object() {
        let body = r#"{"data": [{"id": 1, "company": {}}, {"company": {}}]}"#;
        assert_eq!(path_of_error::<Page>(body).as_deref(), Some("$.data[1]"));
    }

    #[test]
    fn json_path_of_a_missing_last_field_is_its_object_not_the_last_key() {
        let body = r#"{"data": [{"id": 1, "company": {"employee_count": 3}}, {"id": 2}]}"#;
        assert_eq!(path_of_error::<Page>(body).as_deref(), Some("$.data[1]"));
    }

    #[test]
    fn json_path_quotes_unusual_keys_and_survives_escapes() {
        let body = br#"{"a \"b": {"x-y": [true, "s\"]", 3]}}"#;
        // Column of the `3`.
        let col = body.iter().position(|&b| b == b'3').unwrap() + 1;
        assert_eq!(
            json_path_at(body, 1, col).as_deref(),
            Some(r#"$["a \"b"]["x-y"][2]"#)
        );
    }

    #[test]
    fn envelope_and_fastapi_detail_are_read() {
        let (api, id) = api_error_of(&serde_json::json!({
            "request_id": 7, "error": {"code": "E-001", "title": "Not allowed exception", "description": "no"}
        }));
        let api = api.unwrap();
        assert_eq!(
            (api.code.as_deref(), api.title.as_deref()),
            (Some("E-001"), Some("Not allowed exception"))
        );
        assert_eq!(id.as_deref(), Some("7"));
        let (api, _) = api_error_of(&serde_json::json!({
            "detail": [{"loc": ["body", "limit"], "msg": "Input should be greater than 0", "type": "x"}]
        }));
        assert_eq!(
            api.unwrap().description.as_deref(),
            Some("body.limit: Input should be greater than 0")
        );
        assert_eq!(api_error_of(&serde_json::json!({"unrelated": 1})).0, None);
    }

    #[test]
    fn excerpt_is_bounded_on_a_char_boundary() {
        let long = "é".repeat(BODY_EXCERPT_LIMIT);
        let e = excerpt(long.as_bytes());
        assert!(e.len() <= BODY_EXCERPT_LIMIT);
        assert!(e.chars().all(|c| c == 'é'));
    }

    #[test]
    fn status_kinds() {
        let cases = [
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Unauthorized),
            (402, ErrorKind::InsufficientCredits),
            (429, ErrorKind::RateLimited),
            (400, ErrorKind::InvalidRequest),
            (422, ErrorKind::InvalidRequest),
            (404, ErrorKind::NotFound),
            (500, ErrorKind::Server),
            (502, ErrorKind::Server),
            (418, ErrorKind::UnexpectedStatus),
        ];
        for (code, kind) in cases {
            assert_eq!(
                kind_of_status(StatusCode::from_u16(code).unwrap()),
                kind,
                "{code}"
            );
        }
    }
}
