//! Receiving TheirStack webhook deliveries: signature verification and typed decoding.
//!
//! Rule: verify before you parse. A delivery is checked against the
//! [`X-TheirStack-Signature-256`](SIGNATURE_HEADER) header (HMAC-SHA256 of the raw body, keyed
//! with the webhook's secret) and only then decoded, by its `type`: `job.new`, `company.new` and
//! `job.closed` become typed [`Delivery`] variants, any other type is kept as raw JSON in
//! [`Delivery::Other`]. Unknown fields are ignored and unknown enum values are kept.
//!
//! TheirStack may deliver the same event more than once: deduplicate on [`Delivery::id`].
//! The signature does not cover a timestamp, so it does not stop a captured delivery from being
//! replayed; deduplicating on the id does.
//!
//! ```
//! use theirstack::webhooks::{Delivery, Verifier, sign};
//!
//! let secret = "a-secret-of-16-chars-or-more";
//! let body = br#"{"id": 7, "type": "company.new", "payload": {"id": "acme", "name": "Acme"}}"#;
//! // What TheirStack sends in the `X-TheirStack-Signature-256` header.
//! let header = sign(secret, body);
//!
//! let verifier = Verifier::new(secret)?;
//! match verifier.verify_and_decode(Some(&header), body)? {
//!     Delivery::CompanyNew { id, company } => assert_eq!((id, company.name.as_str()), (7, "Acme")),
//!     other => panic!("unexpected {}", other.event_type()),
//! }
//! // A changed body no longer matches its signature.
//! assert!(verifier.verify(Some(&header), b"{}").is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::HeaderMap;
use serde::Deserialize;
use sha2::Sha256;

use crate::types::{CompanyWithTechnologiesAndJobsInput, JobWithMatchingPhrasesResponseInput};

/// Name of the header that carries a delivery's signature.
pub const SIGNATURE_HEADER: &str = "X-TheirStack-Signature-256";

/// Prefix of the signature header's value, before the hex digest.
pub const SIGNATURE_PREFIX: &str = "sha256=";

/// Shortest secret [`Verifier`] accepts, in bytes; TheirStack refuses secrets under 16 characters.
pub const MIN_SECRET_LEN: usize = 16;

type HmacSha256 = Hmac<Sha256>;

/// Length of an HMAC-SHA256 digest in bytes.
const DIGEST_LEN: usize = 32;

/// A webhook delivery, decoded by its `type`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Delivery {
    /// `job.new`: a job matched the webhook's saved search.
    JobNew {
        /// Event id; the key to drop duplicate deliveries.
        id: i64,
        /// The job.
        job: Box<JobWithMatchingPhrasesResponseInput>,
    },
    /// `company.new`: a company matched the webhook's saved search.
    CompanyNew {
        /// Event id; the key to drop duplicate deliveries.
        id: i64,
        /// The company.
        company: Box<CompanyWithTechnologiesAndJobsInput>,
    },
    /// `job.closed`: a job delivered before was closed; `job.closed_at` says when.
    JobClosed {
        /// Event id; the key to drop duplicate deliveries.
        id: i64,
        /// The job.
        job: Box<JobWithMatchingPhrasesResponseInput>,
    },
    /// Any other event type, kept undecoded.
    Other {
        /// The body's `id`, if it is an integer.
        id: Option<i64>,
        /// The body's `type`.
        event_type: String,
        /// The whole body (`id`, `type`, `payload` and anything else).
        raw: serde_json::Value,
    },
}

/// Event types with a typed [`Delivery`] variant, as written in the body's `type`.
const JOB_NEW: &str = "job.new";
const COMPANY_NEW: &str = "company.new";
const JOB_CLOSED: &str = "job.closed";

impl Delivery {
    /// Decodes a delivery from the raw request body. Does not check the signature: see [`Verifier`].
    pub fn from_slice(body: &[u8]) -> Result<Delivery, DeliveryError> {
        #[derive(Deserialize)]
        #[serde(rename = "WebhookDelivery")]
        struct Head {
            #[serde(rename = "type")]
            event_type: String,
        }
        #[derive(Deserialize)]
        #[serde(rename = "WebhookDelivery")]
        struct Typed<T> {
            id: i64,
            payload: T,
        }

        let head: Head = decode(body, None)?;
        let event_type = head.event_type;
        Ok(match event_type.as_str() {
            JOB_NEW => {
                let d: Typed<_> = decode(body, Some(&event_type))?;
                Delivery::JobNew {
                    id: d.id,
                    job: Box::new(d.payload),
                }
            }
            COMPANY_NEW => {
                let d: Typed<_> = decode(body, Some(&event_type))?;
                Delivery::CompanyNew {
                    id: d.id,
                    company: Box::new(d.payload),
                }
            }
            JOB_CLOSED => {
                let d: Typed<_> = decode(body, Some(&event_type))?;
                Delivery::JobClosed {
                    id: d.id,
                    job: Box::new(d.payload),
                }
            }
            _ => {
                let raw: serde_json::Value = decode(body, Some(&event_type))?;
                let id = raw.get("id").and_then(serde_json::Value::as_i64);
                Delivery::Other {
                    id,
                    event_type,
                    raw,
                }
            }
        })
    }

    /// The event id, the key to drop duplicate deliveries; `None` only for an [`Delivery::Other`]
    /// without an integer `id`.
    pub fn id(&self) -> Option<i64> {
        match self {
            Delivery::JobNew { id, .. }
            | Delivery::CompanyNew { id, .. }
            | Delivery::JobClosed { id, .. } => Some(*id),
            Delivery::Other { id, .. } => *id,
        }
    }

    /// The event type as written in the body, e.g. `job.new`.
    pub fn event_type(&self) -> &str {
        match self {
            Delivery::JobNew { .. } => JOB_NEW,
            Delivery::CompanyNew { .. } => COMPANY_NEW,
            Delivery::JobClosed { .. } => JOB_CLOSED,
            Delivery::Other { event_type, .. } => event_type,
        }
    }

    /// The job of a `job.new` or `job.closed` delivery.
    pub fn job(&self) -> Option<&JobWithMatchingPhrasesResponseInput> {
        match self {
            Delivery::JobNew { job, .. } | Delivery::JobClosed { job, .. } => Some(job),
            _ => None,
        }
    }

    /// The company of a `company.new` delivery.
    pub fn company(&self) -> Option<&CompanyWithTechnologiesAndJobsInput> {
        match self {
            Delivery::CompanyNew { company, .. } => Some(company),
            _ => None,
        }
    }
}

/// Deserializes the whole body, recording the JSON path of the first failure.
fn decode<'a, T: Deserialize<'a>>(
    body: &'a [u8],
    event_type: Option<&str>,
) -> Result<T, DeliveryError> {
    let fail = |path: String, json| DeliveryError {
        event_type: event_type.map(str::to_owned),
        path,
        json,
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| fail(e.path().to_string(), e.into_inner()))?;
    de.end().map_err(|e| fail(".".to_owned(), e))?;
    Ok(value)
}

/// A body that is not a delivery, or whose payload does not match its `type`.
#[derive(Debug)]
pub struct DeliveryError {
    event_type: Option<String>,
    path: String,
    /// Holds the reason and position; its message is part of this error's message.
    json: serde_json::Error,
}

impl DeliveryError {
    /// The JSON path that failed, e.g. `payload.company_object.name`; `.` for the body itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The body's `type`, if it was read before the failure.
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }

    /// Line of the body where decoding stopped, from 1.
    pub fn line(&self) -> usize {
        self.json.line()
    }

    /// Column of that line where decoding stopped, from 1.
    pub fn column(&self) -> usize {
        self.json.column()
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.event_type {
            Some(t) => write!(
                f,
                "cannot decode {t} delivery at `{}`: {}",
                self.path, self.json
            ),
            None => write!(
                f,
                "cannot decode webhook delivery at `{}`: {}",
                self.path, self.json
            ),
        }
    }
}

impl std::error::Error for DeliveryError {}

/// Signs `body` with `secret` the way TheirStack does and returns the full header value,
/// `sha256=<lowercase hex>`; for testing receivers.
pub fn sign(secret: impl AsRef<[u8]>, body: &[u8]) -> String {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_ref()).expect("HMAC takes keys of any length");
    mac.update(body);
    format!(
        "{SIGNATURE_PREFIX}{}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Checks delivery signatures against one or more secrets (several during a rotation).
///
/// Secrets never appear in `Debug` output or in errors.
#[derive(Clone)]
pub struct Verifier {
    keys: Vec<HmacSha256>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &format_args!("[{} redacted]", self.keys.len()))
            .finish()
    }
}

impl Verifier {
    /// A verifier for one secret; refuses secrets shorter than [`MIN_SECRET_LEN`] bytes.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Verifier, SecretError> {
        Ok(Verifier {
            keys: vec![key(secret.as_ref())?],
        })
    }

    /// Also accepts signatures made with `secret`, e.g. the new one while rotating.
    pub fn with_secret(mut self, secret: impl AsRef<[u8]>) -> Result<Verifier, SecretError> {
        self.keys.push(key(secret.as_ref())?);
        Ok(self)
    }

    /// Checks a signature header value (`None` when the header is absent) against the raw body.
    /// Succeeds if any secret matches; the digest comparison takes constant time.
    pub fn verify(&self, signature: Option<&str>, body: &[u8]) -> Result<(), SignatureError> {
        let expected = parse_signature(signature.ok_or(SignatureError::Missing)?)?;
        let matches = |key: &HmacSha256| {
            let mut mac = key.clone();
            mac.update(body);
            mac.verify_slice(&expected).is_ok()
        };
        if self.keys.iter().any(matches) {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }

    /// [`Verifier::verify`] with the signature taken from the request's headers (the first
    /// [`SIGNATURE_HEADER`] value).
    pub fn verify_headers(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
        self.verify(signature_header(headers)?, body)
    }

    /// Verifies, then decodes the body with [`Delivery::from_slice`].
    pub fn verify_and_decode(
        &self,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<Delivery, WebhookError> {
        self.verify(signature, body)?;
        Ok(Delivery::from_slice(body)?)
    }

    /// [`Verifier::verify_and_decode`] with the signature taken from the request's headers.
    pub fn verify_and_decode_headers(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Delivery, WebhookError> {
        self.verify_and_decode(signature_header(headers)?, body)
    }
}

fn key(secret: &[u8]) -> Result<HmacSha256, SecretError> {
    match secret.len() {
        0 => Err(SecretError::Empty),
        len if len < MIN_SECRET_LEN => Err(SecretError::TooShort { len }),
        _ => Ok(HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length")),
    }
}

fn signature_header(headers: &HeaderMap) -> Result<Option<&str>, SignatureError> {
    headers
        .get(SIGNATURE_HEADER)
        .map(|v| {
            v.to_str()
                .map_err(|_| SignatureError::Malformed(MalformedSignature::NotAscii))
        })
        .transpose()
}

fn parse_signature(value: &str) -> Result<[u8; DIGEST_LEN], MalformedSignature> {
    let digits = value
        .trim()
        .strip_prefix(SIGNATURE_PREFIX)
        .ok_or(MalformedSignature::WrongPrefix)?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(MalformedSignature::BadHex);
    }
    let mut digest = [0; DIGEST_LEN];
    hex::decode_to_slice(digits, &mut digest).map_err(|_| MalformedSignature::WrongLength {
        digits: digits.len(),
    })?;
    Ok(digest)
}

/// A secret [`Verifier`] cannot use. The message gives the length, never the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret is empty.
    Empty,
    /// The secret is shorter than [`MIN_SECRET_LEN`] bytes, so it cannot be a TheirStack secret.
    TooShort {
        /// Its length in bytes.
        len: usize,
    },
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::Empty => f.write_str("the webhook secret is empty"),
            SecretError::TooShort { len } => write!(
                f,
                "the webhook secret is {len} bytes long; TheirStack secrets are at least {MIN_SECRET_LEN} characters"
            ),
        }
    }
}

impl std::error::Error for SecretError {}

/// Why a delivery's signature was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// No [`SIGNATURE_HEADER`] header.
    Missing,
    /// The header is not `sha256=` followed by 64 hex digits.
    Malformed(MalformedSignature),
    /// The header is well formed but matches none of the secrets.
    Mismatch,
}

/// What is wrong with a signature header's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedSignature {
    /// The value is not visible ASCII.
    NotAscii,
    /// The value does not start with `sha256=`.
    WrongPrefix,
    /// The digest has a character that is not a hex digit.
    BadHex,
    /// The digest is not 64 hex digits long.
    WrongLength {
        /// How many hex digits it has.
        digits: usize,
    },
}

impl From<MalformedSignature> for SignatureError {
    fn from(m: MalformedSignature) -> Self {
        SignatureError::Malformed(m)
    }
}

impl fmt::Display for MalformedSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MalformedSignature::NotAscii => f.write_str("it is not visible ASCII"),
            MalformedSignature::WrongPrefix => {
                write!(f, "it does not start with `{SIGNATURE_PREFIX}`")
            }
            MalformedSignature::BadHex => f.write_str("the digest is not hexadecimal"),
            MalformedSignature::WrongLength { digits } => {
                write!(
                    f,
                    "the digest has {digits} hex digits instead of {}",
                    2 * DIGEST_LEN
                )
            }
        }
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::Missing => write!(f, "the {SIGNATURE_HEADER} header is missing"),
            SignatureError::Malformed(m) => {
                write!(f, "the {SIGNATURE_HEADER} header is malformed: {m}")
            }
            SignatureError::Mismatch => {
                write!(f, "the {SIGNATURE_HEADER} header does not match the body")
            }
        }
    }
}

impl std::error::Error for SignatureError {}

/// Why [`Verifier::verify_and_decode`] refused a delivery.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature is missing, malformed or wrong; answer 401.
    Signature(SignatureError),
    /// The signature is good but the body does not decode; answer 400.
    Delivery(DeliveryError),
}

impl From<SignatureError> for WebhookError {
    fn from(e: SignatureError) -> Self {
        WebhookError::Signature(e)
    }
}

impl From<DeliveryError> for WebhookError {
    fn from(e: DeliveryError) -> Self {
        WebhookError::Delivery(e)
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::Signature(e) => e.fmt(f),
            WebhookError::Delivery(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookError::Signature(e) => e.source(),
            WebhookError::Delivery(e) => e.source(),
        }
    }
}
