//! The client and its authentication.
//!
//! Rule: the API key is checked once, when the client is built, and then lives only inside
//! [`ApiKey`], whose `Debug` hides it; the request hooks send it as a sensitive
//! `Authorization: Bearer` header. Every generated operation is a method of [`Client`].

use crate::api;
use crate::error::{Error, Result};
use crate::rate_limit::{
    DEFAULT_MARGIN, EndpointGroup, Limiters, Quota, RateLimit, Tier, limiters_for,
};
use crate::retry::RetryPolicy;
use reqwest::header::HeaderValue;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// TheirStack's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.theirstack.com";
/// Environment variable holding the API key.
pub const API_KEY_ENV: &str = "THEIRSTACK_API_KEY";
/// Environment variable that overrides the base URL.
pub const BASE_URL_ENV: &str = "THEIRSTACK_BASE_URL";
/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt, body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default longest time a request waits for its rate-limit slot: a full minute window and its
/// margin, so that the free tier's 11th request in a minute waits instead of failing.
pub const DEFAULT_MAX_PACING_WAIT: Duration = Duration::from_secs(65);

/// An API key. Its `Debug` output is redacted, and it has no `Display`.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// Checks a key: it must be non-empty, without whitespace or control characters.
    pub fn new(key: impl Into<String>) -> Result<ApiKey> {
        let key = key.into();
        if key.is_empty() {
            return Err(Error::invalid_input("the API key is empty"));
        }
        if let Some(position) = key.chars().position(char::is_whitespace) {
            return Err(Error::invalid_input(format!(
                "the API key contains whitespace at character {}",
                position + 1
            )));
        }
        if let Some(position) = key.chars().position(char::is_control) {
            return Err(Error::invalid_input(format!(
                "the API key contains a control character at character {}",
                position + 1
            )));
        }
        Ok(ApiKey(key))
    }

    /// The key's SHA-256 digest: how the rate-limit registry tells keys apart without holding
    /// them.
    fn fingerprint(&self) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(self.0.as_bytes()).into()
    }

    /// The `Authorization` header value, marked sensitive so it is never logged.
    fn bearer(&self) -> Result<HeaderValue> {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.0)).map_err(|_| {
            Error::invalid_input("the API key contains characters not allowed in an HTTP header")
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// State shared by every clone of a [`Client`]: credentials, policies and rate-limit memory.
///
/// The generated client carries it; only the request hooks read it.
#[derive(Clone)]
pub struct Shared(pub(crate) Arc<SharedInner>);

pub(crate) struct SharedInner {
    pub(crate) authorization: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_pacing_wait: Duration,
    /// Whether requests wait for their slot in the limiter (else they go out at once).
    pub(crate) pace: bool,
    pub(crate) limiters: Arc<Limiters>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("authorization", &"<redacted>")
            .field("retry", &self.0.retry)
            .field("max_pacing_wait", &self.0.max_pacing_wait)
            .field("pace", &self.0.pace)
            .finish()
    }
}

/// A TheirStack API client. Cheap to clone; clones share connections and rate-limit state.
///
/// Every operation of the API is a method (through `Deref` to the generated client), in builder
/// style: `client.search_jobs_v1().body(filters).send().await?`. Errors convert into
/// [`Error`] with `?`.
#[derive(Clone)]
pub struct Client {
    api: api::Client,
}

impl Client {
    /// A client for the production API with default settings.
    pub fn new(api_key: impl Into<String>) -> Result<Client> {
        Client::builder().api_key(api_key).build()
    }

    /// A client from `THEIRSTACK_API_KEY` and, when set, `THEIRSTACK_BASE_URL`.
    pub fn from_env() -> Result<Client> {
        Client::builder().from_env()?.build()
    }

    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        use progenitor_client::ClientInfo;
        self.api.baseurl()
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared().retry
    }

    /// The rate-limit state of the last response from an endpoint group.
    pub fn rate_limit(&self, group: EndpointGroup) -> Option<RateLimit> {
        self.shared().limiters.group(group).last()
    }

    /// The quotas the client keeps an endpoint group under: the tier it was built with, or what
    /// the server's `RateLimit-Policy` said since.
    pub fn rate_limit_quotas(&self, group: EndpointGroup) -> Vec<Quota> {
        self.shared().limiters.group(group).quotas()
    }

    /// The smoothed time responses of a group took to come back, once one did.
    pub(crate) fn observed_latency(&self, group: EndpointGroup) -> Option<Duration> {
        self.shared().limiters.group(group).latency()
    }

    /// The generated client ([`api::Client`]), whose methods are the API's operations.
    pub fn api(&self) -> &api::Client {
        &self.api
    }

    fn shared(&self) -> &SharedInner {
        use progenitor_client::ClientInfo;
        &self.api.inner().0
    }
}

impl std::ops::Deref for Client {
    type Target = api::Client;

    fn deref(&self) -> &api::Client {
        &self.api
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("api_key", &"<redacted>")
            .field("retry", &self.shared().retry)
            .finish()
    }
}

/// Settings for a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<KeyInput>,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    allow_insecure_http: bool,
    retry: Option<RetryPolicy>,
    max_pacing_wait: Option<Duration>,
    quotas: Option<Vec<Quota>>,
    no_pacing: bool,
    margin: Option<Duration>,
}

/// A key as the builder was given it: checked when the client is built, or already checked.
enum KeyInput {
    Raw(String),
    Checked(ApiKey),
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http_client.is_some())
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("retry", &self.retry)
            .field("max_pacing_wait", &self.max_pacing_wait)
            .field("quotas", &self.quotas)
            .field("no_pacing", &self.no_pacing)
            .field("margin", &self.margin)
            .finish()
    }
}

impl ClientBuilder {
    /// The API key (required), checked by [`build`](Self::build).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(KeyInput::Raw(key.into()));
        self
    }

    /// The API key, already checked by [`ApiKey::new`].
    pub fn key(mut self, key: ApiKey) -> Self {
        self.api_key = Some(KeyInput::Checked(key));
        self
    }

    /// Reads `THEIRSTACK_API_KEY` (required) and `THEIRSTACK_BASE_URL` (optional).
    pub fn from_env(self) -> Result<Self> {
        self.read_vars(|name| std::env::var(name).ok())
    }

    fn read_vars(mut self, var: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let key = var(API_KEY_ENV).ok_or_else(|| {
            Error::invalid_input(format!("{API_KEY_ENV} is not set (or not valid UTF-8)"))
        })?;
        self.api_key = Some(KeyInput::Raw(key));
        if let Some(url) = var(BASE_URL_ENV).filter(|u| !u.is_empty()) {
            self.base_url = Some(url);
        }
        Ok(self)
    }

    /// The API's base URL. Default [`DEFAULT_BASE_URL`]. Plain `http` is refused unless the host
    /// is a loopback address or [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows a plain-`http` base URL on a non-loopback host. The key then travels unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Time allowed to open a connection. Default [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one attempt, from sending to the end of the body. Default
    /// [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header. Default `theirstack-rs/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses this `reqwest::Client` (proxies, TLS roots, connection pools are then yours). The
    /// timeouts of this builder do not apply to it; the key and user agent are still sent.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The retry policy. Default [`RetryPolicy::default`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Longest time a request waits for its rate-limit slot; a request that would wait longer
    /// fails at once with a rate-limited error naming the window. Default
    /// [`DEFAULT_MAX_PACING_WAIT`].
    pub fn max_pacing_wait(mut self, wait: Duration) -> Self {
        self.max_pacing_wait = Some(wait);
        self
    }

    /// The account's tier: the search quotas assumed until the server's `RateLimit-Policy`
    /// says otherwise. Default [`Tier::Paid`] (4 requests per second).
    pub fn rate_limit_tier(self, tier: Tier) -> Self {
        self.rate_limit_quotas(tier.quotas())
    }

    /// Search quotas to assume instead of a tier's.
    pub fn rate_limit_quotas(mut self, quotas: Vec<Quota>) -> Self {
        self.quotas = Some(quotas);
        self
    }

    /// Time added to every window so that arrival-time jitter cannot put a request inside the
    /// window it waited for. Default [`DEFAULT_MARGIN`].
    pub fn rate_limit_margin(mut self, margin: Duration) -> Self {
        self.margin = Some(margin);
        self
    }

    /// Whether requests wait for their rate-limit slot (default `true`). Off, they go out at
    /// once and the server decides; 429s are still retried.
    pub fn pace_requests(mut self, on: bool) -> Self {
        self.no_pacing = !on;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let key = match self.api_key {
            Some(KeyInput::Checked(key)) => key,
            Some(KeyInput::Raw(key)) => ApiKey::new(key)?,
            None => {
                return Err(Error::invalid_input(format!(
                    "no API key: pass one or set {API_KEY_ENV}"
                )));
            }
        };
        let base_url = checked_base_url(
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            self.allow_insecure_http,
        )?;
        let default_agent = concat!("theirstack-rs/", env!("CARGO_PKG_VERSION"));
        let user_agent = HeaderValue::from_str(self.user_agent.as_deref().unwrap_or(default_agent))
            .map_err(|_| Error::invalid_input("the user agent is not a valid header value"))?;
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .build()
                .map_err(Error::transport)?,
        };
        let limiters = limiters_for(
            key.fingerprint(),
            &base_url,
            self.quotas.unwrap_or_else(|| Tier::default().quotas()),
            self.margin.unwrap_or(DEFAULT_MARGIN),
        );
        let shared = Shared(Arc::new(SharedInner {
            authorization: key.bearer()?,
            user_agent,
            retry: self.retry.unwrap_or_default(),
            max_pacing_wait: self.max_pacing_wait.unwrap_or(DEFAULT_MAX_PACING_WAIT),
            pace: !self.no_pacing,
            limiters,
        }));
        Ok(Client {
            api: api::Client::new_with_client(&base_url, http, shared),
        })
    }
}

/// Validates a base URL and returns it without a trailing slash.
fn checked_base_url(url: &str, allow_insecure_http: bool) -> Result<String> {
    // Messages never repeat the input as given: it may hold credentials.
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::invalid_input(format!("invalid base URL: {e}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::invalid_input(
            "the base URL must not contain credentials",
        ));
    }
    let shown = parsed.as_str().trim_end_matches('/').to_string();
    match parsed.scheme() {
        "https" => {}
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if !loopback && !allow_insecure_http {
                return Err(Error::invalid_input(format!(
                    "refusing plain-http base URL `{shown}`: the API key would travel unencrypted; use https, a loopback host, or allow_insecure_http(true)"
                )));
            }
        }
        other => {
            return Err(Error::invalid_input(format!(
                "base URL `{shown}` has unsupported scheme `{other}`"
            )));
        }
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::invalid_input(
            "the base URL must not have a query or fragment",
        ));
    }
    Ok(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked() {
        assert!(ApiKey::new("abc.DEF-123_x").is_ok());
        let cases = [
            ("", "empty"),
            ("ab c", "whitespace at character 3"),
            ("abc\n", "whitespace at character 4"),
            ("ab\u{7}c", "control character at character 3"),
        ];
        for (key, expected) in cases {
            let err = ApiKey::new(key).unwrap_err();
            assert!(err.to_string().contains(expected), "{key:?}: {err}");
            assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        }
    }

    #[test]
    fn environment_supplies_key_and_base_url() {
        let vars = |key: Option<&'static str>, url: Option<&'static str>| {
            move |name: &str| match name {
                API_KEY_ENV => key.map(String::from),
                BASE_URL_ENV => url.map(String::from),
                _ => None,
            }
        };
        let client = ClientBuilder::default()
            .read_vars(vars(Some("k1"), Some("http://127.0.0.1:9/")))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9");
        let client = ClientBuilder::default()
            .read_vars(vars(Some("k1"), Some("")))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
        let err = ClientBuilder::default()
            .read_vars(vars(None, None))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: THEIRSTACK_API_KEY is not set (or not valid UTF-8)"
        );
    }

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            checked_base_url("https://api.theirstack.com/", false).unwrap(),
            "https://api.theirstack.com"
        );
        assert_eq!(
            checked_base_url("http://127.0.0.1:8080", false).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            checked_base_url("http://[::1]:8080/", false).unwrap(),
            "http://[::1]:8080"
        );
        assert_eq!(
            checked_base_url("http://localhost:1", false).unwrap(),
            "http://localhost:1"
        );
        let err = checked_base_url("http://api.example.test", false).unwrap_err();
        assert!(err.to_string().contains("refusing plain-http"), "{err}");
        assert!(checked_base_url("http://api.example.test", true).is_ok());
        assert!(checked_base_url("ftp://x", true).is_err());
        assert!(checked_base_url("not a url", true).is_err());
        let err = checked_base_url("http://user:s3cr3t@api.example.test", false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: the base URL must not contain credentials"
        );
        let err = checked_base_url("http://user:s3cr3t@ho st", false).unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
    }
}
