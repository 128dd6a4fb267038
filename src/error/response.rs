//! Errors built from what a server sent: an error response (TheirStack's envelope, FastAPI's
//! `{"detail": ...}`, a gateway's page), a success body that does not decode (with the JSON path
//! that failed), and the generated client's errors.

use super::{
    ApiError, BODY_EXCERPT_LIMIT, Error, ErrorKind, KEPT_HEADERS, PACED_MARKER, RAW_BODY_MARKER,
    kind_of_status,
};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};
use serde_json::Value;
use std::time::Duration;

impl Error {
    /// Builds the error for an HTTP error response whose body the hooks made JSON.
    pub(crate) fn from_response(status: StatusCode, mut headers: HeaderMap, body: Value) -> Self {
        if let Some(paced) = headers.get(PACED_MARKER).and_then(|v| v.to_str().ok()) {
            return Error::paced(paced);
        }
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

    /// The client's own refusal to send a request whose rate-limit slot was too far away (see
    /// `PACED_MARKER`): rate limited, with no status, since nothing was sent.
    fn paced(marker: &str) -> Self {
        let mut parts = marker.splitn(3, ';');
        let mut millis = || {
            parts
                .next()
                .and_then(|m| m.parse::<u64>().ok())
                .map(Duration::from_millis)
        };
        let (wait, max) = (millis(), millis());
        let window = parts.next().unwrap_or("a rate-limit window");
        let mut e = Error::new(ErrorKind::RateLimited);
        e.inner.pacing_wait = wait;
        e.inner.message = Some(format!(
            "not sent: {window} is full and the request would wait {:.1} s, more than max_pacing_wait ({:.1} s)",
            wait.unwrap_or_default().as_secs_f64(),
            max.unwrap_or_default().as_secs_f64(),
        ));
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
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub(super) fn kept_headers(headers: &HeaderMap) -> HeaderMap {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        body: &str,
    ) -> Option<String> {
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
