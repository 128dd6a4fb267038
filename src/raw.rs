//! Requests to any operation by method and path, through the same per-request behaviour as the
//! generated methods (key, rate-limit slot, retries, error decoding): for tools that work from the
//! document rather than from the generated code, such as the CLI's generic `api` command.

use crate::client::Client;
use crate::error::{Error, Result};
use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};

/// A success response of [`Client::send_raw`], body unread by the crate.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawResponse {
    /// The status (2xx).
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, in full.
    pub body: Bytes,
}

impl RawResponse {
    /// The body as JSON (`null` when it is empty).
    pub fn json(&self) -> Result<serde_json::Value> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| Error::decode(Some(self.status), &self.body, e))
    }
}

impl Client {
    /// Sends `method path_and_query` (a path of the API such as `/v0/webhooks?limit=5`, relative
    /// to the base URL) with an optional JSON body, as operation `operation_id`: the key is sent,
    /// the request takes its slot in the operation's rate-limit group, reads are retried as the
    /// generated methods are, and an error status becomes an [`Error`] decoded from
    /// TheirStack's envelope. Prefer the generated methods; this is for operations the crate
    /// was not built with.
    pub async fn send_raw(
        &self,
        operation_id: &str,
        method: Method,
        path_and_query: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<RawResponse> {
        if !path_and_query.starts_with('/') {
            return Err(Error::invalid_input(format!(
                "the path must start with `/`, got `{path_and_query}`"
            )));
        }
        let url = reqwest::Url::parse(&format!("{}{path_and_query}", self.base_url()))
            .map_err(|e| Error::invalid_input(format!("invalid path `{path_and_query}`: {e}")))?;
        let mut request = reqwest::Request::new(method, url);
        if let Some(body) = body {
            let bytes =
                serde_json::to_vec(body).map_err(|e| Error::invalid_input(e.to_string()))?;
            request
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            *request.body_mut() = Some(bytes.into());
        }
        let response = crate::hooks::send(self, request, operation_id)
            .await
            .map_err(Error::transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::transport)?;
        if status.is_success() {
            return Ok(RawResponse {
                status,
                headers,
                body,
            });
        }
        // Error bodies come out of the hooks as JSON, whatever the server sent.
        let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
        Err(Error::from_response(status, headers, json))
    }
}
