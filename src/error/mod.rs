//! The crate's one error type.
//!
//! Rule: an error keeps everything a caller needs to act on it (the HTTP status, TheirStack's
//! `error.code` / `title` / `description`, the request id, the rate-limit headers, a bounded
//! excerpt of a body that is not the documented envelope, the JSON path of a decode failure) and
//! never the API key. `Display` is one line.

use crate::rate_limit::RateLimit;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;
use std::time::Duration;

/// Most bytes of an error body the client reads; the rest is not downloaded.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Longest body excerpt an error keeps, in bytes.
pub const BODY_EXCERPT_LIMIT: usize = 2048;

/// Marks a response whose error body the client replaced with JSON because it was not JSON:
/// `text` (the body is a JSON string of the original text), `text-truncated`, or `empty`.
pub(crate) const RAW_BODY_MARKER: &str = "x-theirstack-client-raw-body";

/// Marks the 429 the client answers itself when a request's rate-limit slot is further away than
/// `max_pacing_wait`: `<wait ms>;<max ms>;<the window>`. Nothing was sent.
pub(crate) const PACED_MARKER: &str = "x-theirstack-client-paced";

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
    pacing_wait: Option<Duration>,
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
                pacing_wait: None,
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
        e.inner.headers = response::kept_headers(headers);
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

    /// For a request the client did not send because its rate-limit slot was further away than
    /// `max_pacing_wait`: how long it would have waited.
    pub fn pacing_wait(&self) -> Option<Duration> {
        self.inner.pacing_wait
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

mod display;
mod response;
