//! Fuzzed inputs, as proptest properties: no input makes the rate-limit header
//! parser, the error-body decoder (arbitrary bytes as a 4xx/5xx or 200 body through a real
//! loopback response), the webhook signature check or the decoding of the main response types
//! (`JobSearchResponse`, `CompanySearchResponse`, `Webhook`, `WebhookEvent`, `Delivery`) panic;
//! errors keep their status and a bounded excerpt; well-formed inputs round-trip (rate-limit
//! windows through all five headers, error envelopes through a response, signatures through
//! `sign`, open enums through `from`/`as_str`/serde, timestamps through `Display`/`FromStr`, and
//! decoded response types through serialize-then-decode).
//!
//! The number of cases per property is proptest's: 256 by default, `PROPTEST_CASES=n` to change
//! it (CI runs `PROPTEST_CASES=64 cargo test --test properties`). Failures are not persisted to
//! files: proptest prints the minimal failing input instead.

mod support;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::faults::{Fault, FaultServer};
use theirstack::error::BODY_EXCERPT_LIMIT;
use theirstack::rate_limit::Window;
use theirstack::types::{self, JobSearchFiltersInput};
use theirstack::webhooks::{
    Delivery, MalformedSignature, SIGNATURE_HEADER, SignatureError, Verifier, sign,
};
use theirstack::{Client, Error, ErrorKind, RateLimit, RetryPolicy};

/// proptest's defaults (which read `PROPTEST_CASES`), without regression files.
fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies

/// Any JSON value, biased towards the names and strings the API's types use.
fn json_value() -> impl Strategy<Value = Value> {
    let known_strings = prop::sample::select(vec![
        "2026-03-01",
        "2026-03-02T08:15:00",
        "2026-03-02T08:15:00Z",
        "2026-03-02T08:15:00.123+02:00",
        "job.new",
        "company.new",
        "job.closed",
        "SUCCESS",
        "FAILED",
        "senior",
        "full_time",
        "job_new",
        "",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        ".{0,24}".prop_map(Value::String),
        known_strings.prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((json_key(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Object keys: the API's own field names, or anything.
fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "id",
            "type",
            "payload",
            "data",
            "metadata",
            "total_results",
            "truncated_results",
            "job_title",
            "company_object",
            "company",
            "url",
            "name",
            "error",
            "code",
            "title",
            "description",
            "detail",
            "loc",
            "msg",
            "request_id",
            "status",
            "created_at",
            "discovered_at",
            "date_posted",
        ])
        .prop_map(str::to_string),
        "[a-z_]{1,12}",
        ".{0,6}",
    ]
}

/// Bodies: raw bytes, text, JSON, long repetitions, deep nesting.
fn any_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..2048),
        2 => ".{0,300}".prop_map(String::into_bytes),
        3 => json_value().prop_map(|v| v.to_string().into_bytes()),
        2 => error_envelope().prop_map(|v| v.to_string().into_bytes()),
        1 => (prop::collection::vec(any::<u8>(), 1..64), 1usize..6000)
            .prop_map(|(chunk, n)| chunk.repeat(n)),
        1 => (1usize..4000).prop_map(|n| "[".repeat(n).into_bytes()),
        // Balanced nesting on both sides of serde_json's recursion limit (128).
        1 => (1usize..300).prop_map(|n| format!("{}1{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
    ]
}

/// TheirStack's error envelope and FastAPI's `detail`, with arbitrary values in every slot.
fn error_envelope() -> impl Strategy<Value = Value> {
    prop_oneof![
        (json_value(), json_value(), json_value(), json_value()).prop_map(
            |(request_id, code, title, description)| json!({
                "request_id": request_id,
                "error": {"code": code, "title": title, "description": description}
            })
        ),
        json_value().prop_map(|error| json!({"error": error})),
        prop::collection::vec((json_value(), json_value()), 0..4).prop_map(|items| json!({
            "detail": items.into_iter().map(|(loc, msg)| json!({"loc": loc, "msg": msg})).collect::<Vec<_>>()
        })),
        json_value().prop_map(|detail| json!({"detail": detail})),
    ]
}

// ---------------------------------------------------------------------------------------------
// Rate-limit headers

const RATE_LIMIT_HEADERS: [&str; 5] = [
    "ratelimit",
    "ratelimit-policy",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
];

/// Header-value bytes: anything a `HeaderValue` can hold, obs-text included.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..120).prop_map(|bytes| {
        bytes
            .into_iter()
            .filter(|&b| (b >= 32 && b != 127) || b == b'\t')
            .collect()
    })
}

/// Text that looks like the structured-field syntax, so the parser goes deep.
fn structured_garbage() -> impl Strategy<Value = String> {
    let item = (
        "\"?[a-z\\-,;= \"\\\\]{0,8}\"?",
        prop::collection::vec(
            (
                prop::sample::select(vec!["r", "t", "q", "w", "pk", "R", "x", ""]),
                prop_oneof![
                    "[0-9]{0,22}",
                    "-?[0-9a-z.\"\\\\]{0,10}",
                    Just(u64::MAX.to_string()),
                ],
            ),
            0..5,
        ),
    )
        .prop_map(|(name, params)| {
            let mut s = name;
            for (k, v) in params {
                s.push_str(&format!(";{k}={v}"));
            }
            s
        });
    prop::collection::vec(item, 0..5).prop_map(|items| items.join(", "))
}

/// A window to write: policy name, remaining, reset, quota, window length, partition key.
type WindowSpec = (String, u64, u64, u64, u64, String);

fn header_map(values: &[(usize, Vec<u8>)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (which, bytes) in values {
        let value = HeaderValue::from_bytes(bytes).expect("filtered to valid header bytes");
        headers.append(
            HeaderName::from_static(RATE_LIMIT_HEADERS[which % 5]),
            value,
        );
    }
    headers
}

/// Properties every parsed state has, whatever the input.
fn check_state(state: Option<RateLimit>) -> Result<(), TestCaseError> {
    if let Some(state) = state {
        prop_assert!(!state.windows.is_empty());
        prop_assert!(state.windows.iter().all(|w| w != &Window::default()));
        prop_assert_eq!(
            state.remaining(),
            state.windows.iter().filter_map(|w| w.remaining).min()
        );
        let exhausted = state.exhausted().count();
        prop_assert_eq!(state.wait().is_some(), exhausted > 0);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn rate_limit_parser_takes_any_header_bytes(
        values in prop::collection::vec((0usize..5, header_bytes()), 0..10)
    ) {
        check_state(RateLimit::from_headers(&header_map(&values)))?;
    }

    #[test]
    fn rate_limit_parser_takes_any_structured_looking_text(
        values in prop::collection::vec((0usize..5, structured_garbage()), 1..8)
    ) {
        let values: Vec<(usize, Vec<u8>)> =
            values.into_iter().map(|(h, s)| (h, s.into_bytes())).collect();
        check_state(RateLimit::from_headers(&header_map(&values)))?;
    }

    /// Windows written into all five headers, the way TheirStack sends them, read back as sent.
    #[test]
    fn rate_limit_windows_round_trip_through_all_five_headers(
        windows in prop::collection::vec(
            ("[a-z][a-z\\-]{0,11}", any::<u64>(), any::<u64>(), any::<u64>(), any::<u64>(), "[A-Za-z0-9+/=]{0,16}"),
            1..5,
        ),
        legacy_only in any::<bool>(),
    ) {
        let list = |f: &dyn Fn(&WindowSpec) -> String| {
            windows.iter().map(f).collect::<Vec<_>>().join(", ")
        };
        let mut headers = HeaderMap::new();
        let mut put = |name: &'static str, value: String| {
            headers.insert(name, HeaderValue::from_str(&value).unwrap());
        };
        if !legacy_only {
            put("ratelimit", list(&|(n, r, t, _, _, pk)| format!("\"{n}\";r={r};t={t};pk=\"{pk}\"")));
            put("ratelimit-policy", list(&|(n, _, _, q, w, _)| format!("\"{n}\";q={q};w={w}")));
        }
        put("ratelimit-limit", list(&|w| w.3.to_string()));
        put("ratelimit-remaining", list(&|w| w.1.to_string()));
        put("ratelimit-reset", list(&|w| w.2.to_string()));
        let parsed = RateLimit::from_headers(&headers).expect("windows");
        let expected: Vec<Window> = windows
            .iter()
            .map(|(n, r, t, q, w, pk)| {
                let mut window = Window::default();
                window.policy = (!legacy_only).then(|| n.clone());
                window.limit = Some(*q);
                window.remaining = Some(*r);
                window.reset = Some(Duration::from_secs(*t));
                window.window = (!legacy_only).then(|| Duration::from_secs(*w));
                window.partition_key = (!legacy_only).then(|| pk.clone());
                window
            })
            .collect();
        prop_assert_eq!(&parsed.windows, &expected);
        let min_remaining = windows.iter().map(|w| w.1).min();
        prop_assert_eq!(parsed.remaining(), min_remaining);
        let wait = windows.iter().filter(|w| w.1 == 0).map(|w| Duration::from_secs(w.2)).max();
        prop_assert_eq!(parsed.wait(), wait);
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies through a real loopback response

/// A loopback server answering whatever the test puts in its slot, a runtime and a client that
/// never retries.
struct Loopback {
    runtime: tokio::runtime::Runtime,
    slot: Arc<Mutex<Fault>>,
    client: Client,
    _server: FaultServer,
}

impl Loopback {
    fn new() -> Loopback {
        let slot = Arc::new(Mutex::new(Fault::raw(599, &[], "")));
        let answer = slot.clone();
        let server = FaultServer::start(move |_| answer.lock().unwrap().clone());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = support::client_for_url(&server.base_url, RetryPolicy::none());
        Loopback {
            runtime,
            slot,
            client,
            _server: server,
        }
    }

    /// Serves `status` with `headers` and `body` to one job search and returns its result.
    fn search(
        &self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<types::JobSearchResponse, Error> {
        let mut all = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        *self.slot.lock().unwrap() = Fault::raw(status, &all, body.to_vec());
        let filters: JobSearchFiltersInput = JobSearchFiltersInput::builder()
            .posted_at_max_age_days(Some(7))
            .try_into()
            .unwrap();
        self.runtime.block_on(async {
            self.client
                .search_jobs_v1()
                .body(filters)
                .send()
                .await
                .map(|r| r.into_inner())
                .map_err(Error::from)
        })
    }
}

fn expected_kind(status: u16) -> ErrorKind {
    match status {
        401 | 403 => ErrorKind::Unauthorized,
        402 => ErrorKind::InsufficientCredits,
        429 => ErrorKind::RateLimited,
        400 | 422 => ErrorKind::InvalidRequest,
        404 => ErrorKind::NotFound,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::UnexpectedStatus,
    }
}

/// What every error must satisfy: a bounded excerpt, a one-line `Display`, and no key.
fn check_error(err: &Error) -> Result<(), TestCaseError> {
    if let Some(excerpt) = err.body_excerpt() {
        prop_assert!(excerpt.len() <= BODY_EXCERPT_LIMIT, "{}", excerpt.len());
    }
    let (display, debug) = (err.to_string(), format!("{err:?}"));
    prop_assert!(!display.contains(support::TEST_KEY) && !debug.contains(support::TEST_KEY));
    prop_assert!(
        !display.contains(['\n', '\r']),
        "not one line: {:?}",
        display
    );
    prop_assert!(err.headers().len() <= 16);
    Ok(())
}

#[test]
fn any_error_body_becomes_an_error_with_its_status_and_a_bounded_excerpt() {
    let loopback = Loopback::new();
    let strategy = (400u16..=599, any_body(), any::<bool>());
    TestRunner::new(config())
        .run(&strategy, |(status, body, with_request_id)| {
            let headers: &[(&str, &str)] = if with_request_id {
                &[("x-request-id", "req-7")]
            } else {
                &[]
            };
            let err = loopback
                .search(status, headers, &body)
                .expect_err("an error status is an error");
            prop_assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            prop_assert_eq!(err.kind(), expected_kind(status));
            check_error(&err)?;
            Ok(())
        })
        .unwrap();
}

#[test]
fn an_error_envelope_round_trips_through_a_response() {
    let loopback = Loopback::new();
    let status = prop::sample::select(vec![400u16, 401, 402, 403, 404, 422, 429, 500, 503]);
    let strategy = (status, ".{0,80}", ".{0,80}", ".{0,400}", "[ -~]{1,40}");
    TestRunner::new(config())
        .run(
            &strategy,
            |(status, code, title, description, request_id)| {
                let body = json!({
                    "request_id": request_id,
                    "error": {"code": code, "title": title, "description": description}
                });
                let err = loopback
                    .search(status, &[], body.to_string().as_bytes())
                    .expect_err("an error status is an error");
                prop_assert_eq!(err.code(), Some(code.as_str()));
                prop_assert_eq!(err.title(), Some(title.as_str()));
                prop_assert_eq!(err.description(), Some(description.as_str()));
                prop_assert_eq!(err.request_id(), Some(request_id.as_str()));
                prop_assert_eq!(err.body_excerpt(), None);
                check_error(&err)?;
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn any_success_body_decodes_or_is_a_decode_error_with_a_path() {
    let loopback = Loopback::new();
    let fixture = job_search_fixture();
    let strategy = prop_oneof![
        2 => any_body(),
        3 => mutated(fixture),
        1 => (json_value(), prop::collection::vec(json_value(), 0..4))
            .prop_map(|(metadata, data)| json!({"metadata": metadata, "data": data}).to_string().into_bytes()),
    ];
    TestRunner::new(config())
        .run(&strategy, |body| {
            match loopback.search(200, &[], &body) {
                Ok(page) => {
                    // What decoded is what serde_json alone makes of the same bytes.
                    let direct: types::JobSearchResponse =
                        serde_json::from_slice(&body).expect("serde_json agrees");
                    prop_assert_eq!(
                        serde_json::to_value(&page).unwrap(),
                        serde_json::to_value(&direct).unwrap()
                    );
                }
                Err(err) => {
                    prop_assert!(err.is_decode(), "{:?}", err);
                    prop_assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
                    if let Some(path) = err.json_path() {
                        prop_assert!(path.starts_with('$'), "{}", path);
                    }
                    check_error(&err)?;
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_deeply_nested_json_error_body_keeps_its_status() {
    let loopback = Loopback::new();
    for status in [400, 503] {
        let body = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let err = loopback.search(status, &[], body.as_bytes()).unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.kind(), expected_kind(status));
        assert!(err.body_excerpt().unwrap().len() <= BODY_EXCERPT_LIMIT);
    }
}

#[test]
fn an_error_display_is_one_bounded_line_whatever_the_envelope_holds() {
    let loopback = Loopback::new();
    let strategy = (".{0,3000}", ".{0,3000}", ".{0,3000}", ".{0,3000}");
    TestRunner::new(config())
        .run(&strategy, |(code, title, description, request_id)| {
            let body = json!({
                "request_id": request_id,
                "error": {"code": code, "title": title, "description": description}
            });
            let err = loopback
                .search(400, &[], body.to_string().as_bytes())
                .expect_err("an error status is an error");
            let line = err.to_string();
            prop_assert!(!line.contains(['\n', '\r']), "{:?}", line);
            prop_assert!(
                line.chars().count() < 1200,
                "{} characters",
                line.chars().count()
            );
            Ok(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Webhook signatures

const SECRET: &str = "whsec_0123456789abcdef";

fn signature_like() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,100}",
        "[ \t]{0,2}sha256=[0-9a-fA-F]{0,70}[ \t]{0,2}",
        "(sha256|SHA256|sha1|sha256 |)[=:]?[0-9a-fA-Fg-z]{60,68}",
        "sha256=[0-9a-f]{64}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_signature_header_is_accepted_or_refused_without_panicking(
        header in signature_like(),
        body in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let verifier = Verifier::new(SECRET).unwrap();
        match verifier.verify(Some(&header), &body) {
            Ok(()) => prop_assert_eq!(header.trim().to_ascii_lowercase(), sign(SECRET, &body)),
            Err(SignatureError::Malformed(_) | SignatureError::Mismatch) => {}
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn any_signature_header_bytes_are_accepted_or_refused_without_panicking(
        bytes in header_bytes(),
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let verifier = Verifier::new(SECRET).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, HeaderValue::from_bytes(&bytes).unwrap());
        let result = verifier.verify_headers(&headers, &body);
        if bytes.iter().any(|&b| b >= 0x80) {
            prop_assert_eq!(
                result,
                Err(SignatureError::Malformed(MalformedSignature::NotAscii))
            );
        } else {
            prop_assert!(result.is_err());
        }
        prop_assert_eq!(
            verifier.verify_headers(&HeaderMap::new(), &body),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn a_correct_signature_always_verifies(
        secret in prop::collection::vec(any::<u8>(), 16..80),
        other_secret in prop::collection::vec(any::<u8>(), 16..80),
        body in prop::collection::vec(any::<u8>(), 0..2048),
        padding in "[ \t]{0,3}",
    ) {
        let header = sign(&secret, &body);
        let verifier = Verifier::new(&secret).unwrap();
        prop_assert_eq!(verifier.verify(Some(&header), &body), Ok(()));
        let padded = format!("{padding}{header}{padding}");
        prop_assert_eq!(verifier.verify(Some(&padded), &body), Ok(()));
        let mut headers = HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(&header).unwrap());
        prop_assert_eq!(verifier.verify_headers(&headers, &body), Ok(()));
        // During a rotation both secrets verify.
        let rotating = Verifier::new(&other_secret).unwrap().with_secret(&secret).unwrap();
        prop_assert_eq!(rotating.verify(Some(&header), &body), Ok(()));
        prop_assert_eq!(rotating.verify(Some(&sign(&other_secret, &body)), &body), Ok(()));
    }

    #[test]
    fn a_changed_digest_or_body_is_a_mismatch(
        body in prop::collection::vec(any::<u8>(), 0..512),
        position in any::<Index>(),
        extra in any::<u8>(),
    ) {
        let verifier = Verifier::new(SECRET).unwrap();
        let header = sign(SECRET, &body);
        let digits = header.len() - "sha256=".len();
        let at = "sha256=".len() + position.index(digits);
        let mut changed = header.clone().into_bytes();
        changed[at] = if changed[at] == b'0' { b'1' } else { b'0' };
        let changed = String::from_utf8(changed).unwrap();
        prop_assert_eq!(verifier.verify(Some(&changed), &body), Err(SignatureError::Mismatch));
        let mut longer = body.clone();
        longer.push(extra);
        prop_assert_eq!(verifier.verify(Some(&header), &longer), Err(SignatureError::Mismatch));
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding the main response types

/// A path inside a JSON document.
#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    At(usize),
}

fn paths(value: &Value, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                prefix.push(Seg::Key(k.clone()));
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                prefix.push(Seg::At(i));
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'a>(value: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, seg| match seg {
        Seg::Key(k) => v.get_mut(k.as_str()),
        Seg::At(i) => v.get_mut(*i),
    })
}

/// One change to a valid document.
#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the value at a path.
    Replace(Index, Value),
    /// Remove the value at a path from its object or array.
    Remove(Index),
    /// Add a field with an unknown or known name to an object.
    Add(Index, String, Value),
    /// Cut the serialized document.
    Truncate(Index),
    /// Overwrite one byte of the serialized document.
    Byte(Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), json_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        3 => any::<Index>().prop_map(Mutation::Remove),
        2 => (any::<Index>(), json_key(), json_value()).prop_map(|(i, k, v)| Mutation::Add(i, k, v)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Byte(i, b)),
    ]
}

fn apply(document: &Value, mutations: &[Mutation]) -> Vec<u8> {
    let mut value = document.clone();
    let mut byte_edits = Vec::new();
    for m in mutations {
        let mut all = Vec::new();
        paths(&value, &mut Vec::new(), &mut all);
        match m {
            Mutation::Replace(i, new) => {
                let path = &all[i.index(all.len())];
                if let Some(slot) = at_mut(&mut value, path) {
                    *slot = new.clone();
                }
            }
            Mutation::Remove(i) => {
                let path = &all[i.index(all.len())];
                if let Some((last, parent)) = path.split_last()
                    && let Some(parent) = at_mut(&mut value, parent)
                {
                    match (parent, last) {
                        (Value::Object(map), Seg::Key(k)) => {
                            map.remove(k);
                        }
                        (Value::Array(items), Seg::At(i)) => {
                            items.remove(*i);
                        }
                        _ => {}
                    }
                }
            }
            Mutation::Add(i, key, new) => {
                let path = &all[i.index(all.len())];
                if let Some(Value::Object(map)) = at_mut(&mut value, path) {
                    map.insert(key.clone(), new.clone());
                }
            }
            Mutation::Truncate(_) | Mutation::Byte(..) => byte_edits.push(m.clone()),
        }
    }
    let mut bytes = serde_json::to_vec(&value).unwrap();
    for edit in byte_edits {
        match edit {
            Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len() + 1)),
            Mutation::Byte(i, b) if !bytes.is_empty() => {
                let at = i.index(bytes.len());
                bytes[at] = b;
            }
            _ => {}
        }
    }
    bytes
}

/// A valid document with one to four mutations applied, serialized.
fn mutated(document: Value) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(mutation(), 1..5).prop_map(move |ms| apply(&document, &ms))
}

/// Decodes `bytes` as `T`; when that works, what the crate writes back decodes to the same thing.
fn decode_round_trip<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<bool, TestCaseError> {
    let Ok(value) = serde_json::from_slice::<T>(bytes) else {
        return Ok(false);
    };
    let written = serde_json::to_vec(&value).unwrap();
    let again: T = serde_json::from_slice(&written).map_err(|e| {
        TestCaseError::fail(format!(
            "{} cannot read back what it wrote: {e}\n{}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(&written)
        ))
    })?;
    let (first, second) = (
        serde_json::to_value(&value).unwrap(),
        serde_json::to_value(&again).unwrap(),
    );
    prop_assert!(
        same_json(&first, &second),
        "{} changed on the way back:\n{}\n{}",
        std::any::type_name::<T>(),
        first,
        second
    );
    Ok(true)
}

/// JSON equality, with floats equal to within a few units in the last place: serde_json's
/// default float parser (without its `float_roundtrip` feature) may read back a written `f64`
/// one ULP off.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => x == y || (x - y).abs() <= x.abs().max(y.abs()) * 1e-15,
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// Every main type, fed the same bytes.
fn decode_all(bytes: &[u8]) -> Result<(), TestCaseError> {
    decode_round_trip::<types::JobSearchResponse>(bytes)?;
    decode_round_trip::<types::CompanySearchResponse>(bytes)?;
    decode_round_trip::<types::Webhook>(bytes)?;
    decode_round_trip::<types::WebhookEvent>(bytes)?;
    decode_round_trip::<Vec<types::WebhookEvent>>(bytes)?;
    decode_delivery(bytes);
    Ok(())
}

fn decode_delivery(bytes: &[u8]) -> bool {
    match Delivery::from_slice(bytes) {
        Ok(delivery) => {
            let _ = (
                delivery.id(),
                delivery.event_type(),
                delivery.job(),
                delivery.company(),
            );
            true
        }
        Err(e) => {
            let _ = (
                e.to_string(),
                e.path(),
                e.event_type(),
                e.line(),
                e.column(),
            );
            false
        }
    }
}

/// The job search fixture, valid under either OpenAPI document the crate builds from: the
/// upstream 2026-02 file has a job's `url` required and non-null, so a null `url` gets a value.
fn job_search_fixture() -> Value {
    let mut page = support::fixture("responses/job-search.json");
    for job in page["data"].as_array_mut().expect("data") {
        if job["url"].is_null() {
            job["url"] = json!("https://jobs.example.test/filled-in");
        }
    }
    page
}

fn delivery_fixture(name: &str) -> Value {
    support::fixture(&format!("webhooks/{name}.constructed-example.json"))
}

#[test]
fn a_float_read_back_one_ulp_off_still_counts_as_the_same() {
    // Found by `mutated_job_search_pages_decode_or_fail_cleanly`: an integer too large for i64
    // in an f64 field, written back as `1.7370789076094574e19`, is read back one ULP off.
    let written = 17_370_789_076_094_573_568_u64 as f64;
    let read: f64 = serde_json::from_str(&serde_json::to_string(&written).unwrap()).unwrap();
    assert!(same_json(&json!(written), &json!(read)));
    assert!(!same_json(&json!(written), &json!(written * 1.000001)));
    let mut page = job_search_fixture();
    page["data"][0]["locations"][0]["latitude"] = json!(17_370_789_076_094_573_568_u64);
    assert!(decode_round_trip::<types::JobSearchResponse>(page.to_string().as_bytes()).unwrap());
}

#[test]
fn the_fixtures_the_mutations_start_from_decode() {
    let bytes = |v: Value| v.to_string().into_bytes();
    let job_search = bytes(job_search_fixture());
    assert!(decode_round_trip::<types::JobSearchResponse>(&job_search).unwrap());
    let company_search = bytes(support::fixture("responses/company-search.json"));
    assert!(decode_round_trip::<types::CompanySearchResponse>(&company_search).unwrap());
    let webhook = bytes(support::fixture("responses/webhook.json"));
    assert!(decode_round_trip::<types::Webhook>(&webhook).unwrap());
    let events = bytes(support::fixture("responses/webhook-events.json"));
    assert!(decode_round_trip::<Vec<types::WebhookEvent>>(&events).unwrap());
    for name in ["job-new", "company-new"] {
        assert!(decode_delivery(&bytes(delivery_fixture(name))), "{name}");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn main_types_decode_arbitrary_bytes_without_panicking(body in any_body()) {
        decode_all(&body)?;
    }

    #[test]
    fn main_types_decode_arbitrary_shaped_json_without_panicking(
        metadata in json_value(),
        rows in prop::collection::vec(json_value(), 0..4),
        id in json_value(),
        event_type in prop_oneof![
            prop::sample::select(vec!["job.new", "company.new", "job.closed"]).prop_map(str::to_string),
            ".{0,12}",
        ],
        payload in json_value(),
    ) {
        decode_all(json!({"metadata": metadata, "data": rows}).to_string().as_bytes())?;
        decode_all(json!({"id": id, "type": event_type, "payload": payload}).to_string().as_bytes())?;
        decode_all(json!([{"id": id, "payload": payload, "status": event_type}]).to_string().as_bytes())?;
    }

    #[test]
    fn mutated_job_search_pages_decode_or_fail_cleanly(
        body in mutated(job_search_fixture())
    ) {
        decode_round_trip::<types::JobSearchResponse>(&body)?;
    }

    #[test]
    fn mutated_company_search_pages_decode_or_fail_cleanly(
        body in mutated(support::fixture("responses/company-search.json"))
    ) {
        decode_round_trip::<types::CompanySearchResponse>(&body)?;
    }

    #[test]
    fn mutated_webhooks_and_events_decode_or_fail_cleanly(
        webhook in mutated(support::fixture("responses/webhook.json")),
        events in mutated(support::fixture("responses/webhook-events.json")),
    ) {
        decode_round_trip::<types::Webhook>(&webhook)?;
        decode_round_trip::<Vec<types::WebhookEvent>>(&events)?;
    }

    #[test]
    fn mutated_deliveries_decode_or_fail_cleanly(
        job in mutated(delivery_fixture("job-new")),
        company in mutated(delivery_fixture("company-new")),
    ) {
        decode_delivery(&job);
        decode_delivery(&company);
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips of small types

/// For an open enum: any string maps to a value that gives the string back, through `From`,
/// `FromStr`, `Display` and serde; exactly the documented values are known.
macro_rules! open_enum_round_trip {
    ($name:ident, $ty:ty) => {
        proptest! {
            #![proptest_config(config())]

            #[test]
            fn $name(raw in prop_oneof![
                any::<String>(),
                prop::sample::select(<$ty>::VALUES.to_vec()).prop_map(str::to_string),
                prop::sample::select(<$ty>::VALUES.to_vec()).prop_map(|s| s.to_uppercase()),
            ]) {
                let value = <$ty>::from(raw.as_str());
                prop_assert_eq!(value.as_str(), raw.as_str());
                prop_assert_eq!(value.to_string(), raw.clone());
                prop_assert_eq!(raw.parse::<$ty>().unwrap(), value.clone());
                prop_assert_eq!(<$ty>::from(raw.clone()), value.clone());
                prop_assert_eq!(value.is_known(), <$ty>::VALUES.contains(&raw.as_str()));
                let json = serde_json::to_string(&value).unwrap();
                prop_assert_eq!(&json, &serde_json::to_string(&raw).unwrap());
                let back: $ty = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(back, value);
            }
        }
    };
}

open_enum_round_trip!(seniority_round_trips_any_string, types::Seniority);
open_enum_round_trip!(funding_stage_round_trips_any_string, types::FundingStage);
open_enum_round_trip!(commitment_round_trips_any_string, types::Commitment);
open_enum_round_trip!(
    webhook_event_status_round_trips_any_string,
    types::WebhookEventStatus
);
open_enum_round_trip!(
    webhook_event_type_round_trips_any_string,
    types::WebhookEventType
);

proptest! {
    #![proptest_config(config())]

    /// Any instant from year 0 to 9999, written by the crate, reads back to the same instant.
    #[test]
    fn timestamps_round_trip_through_display_and_serde(
        seconds in -62_167_219_200i64..253_402_300_799,
        nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000],
    ) {
        let t = types::Timestamp(chrono::DateTime::from_timestamp(seconds, nanos).unwrap());
        let text = t.to_string();
        prop_assert_eq!(text.parse::<types::Timestamp>(), Ok(t));
        let json = serde_json::to_string(&t).unwrap();
        prop_assert_eq!(serde_json::from_str::<types::Timestamp>(&json).unwrap(), t);
    }

    #[test]
    fn any_string_parses_as_a_timestamp_or_fails_cleanly(
        text in prop_oneof![
            ".{0,40}",
            "[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]{0,12})?(Z|[+-][0-9]{2}:?[0-9]{2})?",
        ]
    ) {
        match text.parse::<types::Timestamp>() {
            Ok(t) => {
                let again: types::Timestamp = t.to_string().parse().unwrap();
                prop_assert_eq!(again, t);
            }
            Err(e) => prop_assert!(e.to_string().len() < 200),
        }
    }
}
