//! Webhook deliveries: decoding by type, signature verification, and the example receiver.
//!
//! Fixtures in `tests/data/webhooks/`: a `job.new` and a `company.new` delivery with every
//! documented field of the job and company objects, with made-up values.

#[path = "../examples/webhook_receiver.rs"]
#[allow(dead_code)]
mod receiver;

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};
use theirstack::types::{Commitment, Seniority};
use theirstack::webhooks::{
    Delivery, MIN_SECRET_LEN, MalformedSignature, SIGNATURE_HEADER, SecretError, SignatureError,
    Verifier, WebhookError, sign,
};

const SECRET: &str = "whsec-test-0123456789abcdef";
const NEXT_SECRET: &str = "whsec-next-fedcba9876543210";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/webhooks/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn job_new_body() -> Vec<u8> {
    fixture("job-new.constructed-example.json")
}

fn job_new_value() -> Value {
    serde_json::from_slice(&job_new_body()).unwrap()
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn verifier() -> Verifier {
    Verifier::new(SECRET).unwrap()
}

// ---- decoding -------------------------------------------------------------------------------

#[test]
fn job_new_decodes_the_documented_example() {
    let delivery = Delivery::from_slice(&job_new_body()).unwrap();
    assert_eq!(delivery.id(), Some(5550001));
    assert_eq!(delivery.event_type(), "job.new");
    let Delivery::JobNew { id, job } = &delivery else {
        panic!("not JobNew: {delivery:?}")
    };
    assert_eq!(*id, 5550001);
    assert_eq!(job.id, 77001234);
    assert_eq!(job.job_title, "Staff Data Platform Engineer");
    assert_eq!(job.company_object.name, "Northwind Logistics");
    assert_eq!(job.employment_statuses, vec![Commitment::FullTime]);
    assert_eq!(job.seniority, Some(Seniority::Staff));
    assert_eq!(job.date_posted.to_string(), "2026-02-27");
    assert_eq!(delivery.job().map(|j| j.id), Some(77001234));
    assert!(delivery.company().is_none());
}

#[test]
fn company_new_decodes() {
    let delivery = Delivery::from_slice(&fixture("company-new.constructed-example.json")).unwrap();
    assert_eq!(
        (delivery.id(), delivery.event_type()),
        (Some(5550002), "company.new")
    );
    let Delivery::CompanyNew { company, .. } = &delivery else {
        panic!("not CompanyNew: {delivery:?}")
    };
    assert_eq!(company.id, "northwind-logistics");
    assert_eq!(company.name, "Northwind Logistics");
    assert_eq!(company.num_jobs, 312);
    assert_eq!(
        delivery.company().map(|c| c.domain.as_deref()),
        Some(Some("northwind-logistics.example"))
    );
    assert!(delivery.job().is_none());
}

#[test]
fn job_closed_decodes_with_closed_at() {
    let mut value = job_new_value();
    value["type"] = json!("job.closed");
    value["payload"]["closed_at"] = json!("2024-02-03T04:05:06Z");
    let delivery = Delivery::from_slice(&bytes(&value)).unwrap();
    assert_eq!(
        (delivery.id(), delivery.event_type()),
        (Some(5550001), "job.closed")
    );
    let Delivery::JobClosed { job, .. } = &delivery else {
        panic!("not JobClosed: {delivery:?}")
    };
    assert_eq!(job.id, 77001234);
    #[cfg(theirstack_has = "JobWithMatchingPhrasesResponseInput.closed_at")]
    assert_eq!(
        job.closed_at.map(|t| t.to_string()).as_deref(),
        Some("2024-02-03T04:05:06Z")
    );
}

#[test]
fn job_new_without_closed_at_has_none() {
    let Delivery::JobNew { job, .. } = Delivery::from_slice(&job_new_body()).unwrap() else {
        panic!()
    };
    #[cfg(theirstack_has = "JobWithMatchingPhrasesResponseInput.closed_at")]
    assert_eq!(job.closed_at, None);
    let _ = job;
}

#[test]
fn unknown_type_is_kept_raw() {
    let value = json!({"id": 55, "type": "tech.new", "payload": {"slug": "rust", "anything": [1, 2]}, "extra": true});
    let delivery = Delivery::from_slice(&bytes(&value)).unwrap();
    assert_eq!(
        (delivery.id(), delivery.event_type()),
        (Some(55), "tech.new")
    );
    let Delivery::Other {
        id,
        event_type,
        raw,
    } = delivery
    else {
        panic!("not Other")
    };
    assert_eq!((id, event_type.as_str()), (Some(55), "tech.new"));
    assert_eq!(raw, value);
}

#[test]
fn unknown_type_without_integer_id_has_no_id() {
    let delivery = Delivery::from_slice(br#"{"type": "tech.new", "payload": null}"#).unwrap();
    assert_eq!((delivery.id(), delivery.event_type()), (None, "tech.new"));
    let delivery = Delivery::from_slice(br#"{"id": "x1", "type": "tech.new"}"#).unwrap();
    assert_eq!(delivery.id(), None);
}

#[test]
fn unknown_fields_are_ignored_and_unknown_enum_values_kept() {
    let mut value = job_new_value();
    value["delivered_at"] = json!("2026-01-01T00:00:00Z");
    value["payload"]["brand_new_field"] = json!({"nested": [1]});
    value["payload"]["company_object"]["another_new_field"] = json!(1);
    value["payload"]["seniority"] = json!("principal");
    value["payload"]["employment_statuses"] = json!(["full_time", "gig"]);
    let Delivery::JobNew { job, .. } = Delivery::from_slice(&bytes(&value)).unwrap() else {
        panic!("not JobNew")
    };
    assert_eq!(job.seniority, Some(Seniority::Unknown("principal".into())));
    assert_eq!(
        job.employment_statuses,
        vec![Commitment::FullTime, Commitment::Unknown("gig".into())]
    );
}

#[test]
fn payload_decode_failure_names_its_json_path() {
    let mut value = job_new_value();
    value["payload"]["company_object"]["name"] = json!(42);
    let err = Delivery::from_slice(&bytes(&value)).unwrap_err();
    assert_eq!(err.path(), "payload.company_object.name");
    assert_eq!(err.event_type(), Some("job.new"));
    let message = err.to_string();
    assert!(
        message.contains("job.new") && message.contains("`payload.company_object.name`"),
        "{message}"
    );

    let mut value = job_new_value();
    value["payload"]["hiring_team"][0]["role"] = json!(["not", "a", "string"]);
    assert_eq!(
        Delivery::from_slice(&bytes(&value)).unwrap_err().path(),
        "payload.hiring_team[0].role"
    );

    let mut value = job_new_value();
    value["payload"]
        .as_object_mut()
        .unwrap()
        .remove("job_title");
    let err = Delivery::from_slice(&bytes(&value)).unwrap_err();
    assert_eq!(err.path(), "payload");
    assert!(
        err.to_string().contains("missing field `job_title`"),
        "{err}"
    );
}

#[test]
fn decode_failure_reports_line_and_column() {
    let body =
        b"{\"id\": 1,\n \"type\": \"company.new\",\n \"payload\": {\"id\": \"a\", \"name\": 7}}";
    let err = Delivery::from_slice(body).unwrap_err();
    assert_eq!(err.path(), "payload.name");
    assert_eq!(err.line(), 3);
    assert!(err.column() > 20, "column {}", err.column());
}

#[test]
fn payload_is_decoded_by_type_not_by_shape() {
    // A company payload labelled job.new is refused, not guessed into CompanyNew.
    let mut value: Value =
        serde_json::from_slice(&fixture("company-new.constructed-example.json")).unwrap();
    value["type"] = json!("job.new");
    let err = Delivery::from_slice(&bytes(&value)).unwrap_err();
    assert_eq!(
        (err.event_type(), err.path()),
        (Some("job.new"), "payload.id")
    );
    // And a job payload labelled company.new decodes as a company (its fields allow it) only
    // because the type says so: the variant follows `type`.
    let mut value = job_new_value();
    value["type"] = json!("company.new");
    value["payload"]["name"] = json!("Staff Data Platform Engineer");
    value["payload"]["id"] = json!("1234");
    let delivery = Delivery::from_slice(&bytes(&value)).unwrap();
    assert!(
        matches!(delivery, Delivery::CompanyNew { .. }),
        "{delivery:?}"
    );
}

#[test]
fn envelope_failures_are_reported() {
    let err = Delivery::from_slice(b"not json").unwrap_err();
    assert_eq!((err.path(), err.event_type()), (".", None));

    let err = Delivery::from_slice(br#"{"id": 1, "payload": {}}"#).unwrap_err();
    assert_eq!((err.path(), err.event_type()), (".", None));
    assert!(err.to_string().contains("missing field `type`"), "{err}");

    let err = Delivery::from_slice(br#"{"id": 1, "type": 5}"#).unwrap_err();
    assert_eq!(err.path(), "type");

    let err = Delivery::from_slice(
        br#"{"id": "1", "type": "company.new", "payload": {"id": "a", "name": "A"}}"#,
    )
    .unwrap_err();
    assert_eq!((err.path(), err.event_type()), ("id", Some("company.new")));

    let err = Delivery::from_slice(
        br#"{"id": 1, "type": "company.new", "payload": {"id": "a", "name": "A"}} x"#,
    )
    .unwrap_err();
    assert_eq!(err.path(), ".");

    let err = Delivery::from_slice(br#"{"type": "tech.new"} trailing"#).unwrap_err();
    assert_eq!(err.path(), ".");
}

// ---- signatures -----------------------------------------------------------------------------

#[test]
fn sign_matches_independent_hmac_sha256() {
    // RFC 4231, test case 2.
    assert_eq!(
        sign("Jefe", b"what do ya want for nothing?"),
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    // Computed with Python's hmac module over the fixture's bytes.
    let expected = "sha256=39967b9e209676061fc06a11ae7cf71f10b9ecfd1222be912c28ddb81cc9dca3";
    assert_eq!(sign(SECRET, &job_new_body()), expected);
    verifier().verify(Some(expected), &job_new_body()).unwrap();
}

#[test]
fn valid_signature_is_accepted() {
    let body = job_new_body();
    let header = sign(SECRET, &body);
    verifier().verify(Some(&header), &body).unwrap();
    let delivery = verifier().verify_and_decode(Some(&header), &body).unwrap();
    assert_eq!(delivery.id(), Some(5550001));
}

#[test]
fn header_map_is_read_case_insensitively() {
    let body = job_new_body();
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-theirstack-signature-256",
        HeaderValue::from_str(&sign(SECRET, &body)).unwrap(),
    );
    verifier().verify_headers(&headers, &body).unwrap();
    let delivery = verifier()
        .verify_and_decode_headers(&headers, &body)
        .unwrap();
    assert_eq!(delivery.event_type(), "job.new");
    assert_eq!(SIGNATURE_HEADER, "X-TheirStack-Signature-256");
}

#[test]
fn several_secrets_are_accepted_during_rotation() {
    let body = job_new_body();
    let both = Verifier::new(SECRET)
        .unwrap()
        .with_secret(NEXT_SECRET)
        .unwrap();
    both.verify(Some(&sign(NEXT_SECRET, &body)), &body).unwrap();
    both.verify(Some(&sign(SECRET, &body)), &body).unwrap();
    assert_eq!(
        both.verify(Some(&sign("whsec-some-other-secret!", &body)), &body),
        Err(SignatureError::Mismatch)
    );
    // Without the second secret, its signature is refused.
    assert_eq!(
        verifier().verify(Some(&sign(NEXT_SECRET, &body)), &body),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn missing_signature_is_refused() {
    let body = job_new_body();
    assert_eq!(verifier().verify(None, &body), Err(SignatureError::Missing));
    assert_eq!(
        verifier().verify_headers(&HeaderMap::new(), &body),
        Err(SignatureError::Missing)
    );
    let err = verifier()
        .verify_and_decode_headers(&HeaderMap::new(), &body)
        .unwrap_err();
    assert!(
        matches!(err, WebhookError::Signature(SignatureError::Missing)),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("X-TheirStack-Signature-256 header is missing"),
        "{err}"
    );
}

#[test]
fn malformed_signatures_are_refused_with_their_reason() {
    let body = b"{}";
    let good = sign(SECRET, body);
    let digits = good.strip_prefix("sha256=").unwrap();
    let cases: Vec<(String, MalformedSignature)> = vec![
        (String::new(), MalformedSignature::WrongPrefix),
        (digits.to_owned(), MalformedSignature::WrongPrefix),
        (format!("sha1={digits}"), MalformedSignature::WrongPrefix),
        (format!("SHA256={digits}"), MalformedSignature::WrongPrefix),
        (
            format!("sha256={}", digits.replacen(&digits[..1], "g", 1)),
            MalformedSignature::BadHex,
        ),
        (
            format!("sha256={}-", &digits[..63]),
            MalformedSignature::BadHex,
        ),
        (
            "sha256=".to_owned(),
            MalformedSignature::WrongLength { digits: 0 },
        ),
        (
            "sha256=abcd".to_owned(),
            MalformedSignature::WrongLength { digits: 4 },
        ),
        (
            format!("sha256={}", &digits[..63]),
            MalformedSignature::WrongLength { digits: 63 },
        ),
        (
            format!("sha256={digits}00"),
            MalformedSignature::WrongLength { digits: 66 },
        ),
    ];
    for (header, reason) in cases {
        assert_eq!(
            verifier().verify(Some(&header), body),
            Err(SignatureError::Malformed(reason)),
            "header {header:?}"
        );
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_bytes(b"sha256=\xff").unwrap(),
    );
    assert_eq!(
        verifier().verify_headers(&headers, body),
        Err(SignatureError::Malformed(MalformedSignature::NotAscii))
    );
    let message =
        SignatureError::Malformed(MalformedSignature::WrongLength { digits: 4 }).to_string();
    assert!(
        message.contains("malformed") && message.contains("4 hex digits instead of 64"),
        "{message}"
    );
}

#[test]
fn surrounding_whitespace_and_uppercase_hex_are_accepted() {
    let body = b"{}";
    let good = sign(SECRET, body);
    verifier().verify(Some(&format!(" {good} ")), body).unwrap();
    let upper = format!(
        "sha256={}",
        good.strip_prefix("sha256=").unwrap().to_ascii_uppercase()
    );
    verifier().verify(Some(&upper), body).unwrap();
}

#[test]
fn signature_from_another_secret_is_a_mismatch() {
    let body = job_new_body();
    let header = sign("whsec-an-attackers-secret", &body);
    assert_eq!(
        verifier().verify(Some(&header), &body),
        Err(SignatureError::Mismatch)
    );
    let header = sign(&SECRET[..SECRET.len() - 1], &body);
    assert_eq!(
        verifier().verify(Some(&header), &body),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn tampered_body_is_a_mismatch_and_is_not_parsed() {
    let body = job_new_body();
    let header = sign(SECRET, &body);
    let mut tampered = body.clone();
    let at = tampered.windows(4).position(|w| w == b"1234").unwrap();
    tampered[at] = b'9';
    assert_eq!(
        verifier().verify(Some(&header), &tampered),
        Err(SignatureError::Mismatch)
    );
    // Verify before parse: a tampered body that is not even JSON fails on the signature.
    let err = verifier()
        .verify_and_decode(Some(&header), b"not json")
        .unwrap_err();
    assert!(
        matches!(err, WebhookError::Signature(SignatureError::Mismatch)),
        "{err:?}"
    );
    // One more byte (e.g. a trailing newline) breaks the signature too.
    let mut longer = body.clone();
    longer.push(b'\n');
    assert_eq!(
        verifier().verify(Some(&header), &longer),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn signed_but_undecodable_body_is_a_delivery_error() {
    let body = br#"{"id": 1, "type": "job.new", "payload": {}}"#;
    let err = verifier()
        .verify_and_decode(Some(&sign(SECRET, body)), body)
        .unwrap_err();
    let WebhookError::Delivery(inner) = &err else {
        panic!("not a delivery error: {err:?}")
    };
    assert_eq!(inner.path(), "payload");
}

#[test]
fn sign_then_verify_round_trips() {
    let bodies: [&[u8]; 4] = [b"", b"{}", &job_new_body(), &[0, 159, 255, 10]];
    for body in bodies {
        let header = sign(NEXT_SECRET, body);
        assert!(header.starts_with("sha256="));
        assert_eq!(header.len(), "sha256=".len() + 64);
        assert!(
            header[7..]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{header}"
        );
        Verifier::new(NEXT_SECRET)
            .unwrap()
            .verify(Some(&header), body)
            .unwrap();
    }
}

#[test]
fn short_secrets_are_refused() {
    assert_eq!(Verifier::new("").unwrap_err(), SecretError::Empty);
    assert_eq!(Verifier::new(b"").unwrap_err(), SecretError::Empty);
    assert_eq!(
        Verifier::new("0123456789abcde").unwrap_err(),
        SecretError::TooShort { len: 15 }
    );
    assert_eq!(MIN_SECRET_LEN, 16);
    Verifier::new("0123456789abcdef").unwrap();
    Verifier::new(vec![7u8; 16]).unwrap();
    assert_eq!(
        verifier().with_secret("short").unwrap_err(),
        SecretError::TooShort { len: 5 }
    );
    assert!(SecretError::Empty.to_string().contains("empty"));
}

#[test]
fn secrets_never_appear_in_debug_or_errors() {
    let both = Verifier::new(SECRET)
        .unwrap()
        .with_secret(NEXT_SECRET)
        .unwrap();
    let debug = format!("{both:?} {both:#?}");
    assert!(
        debug.contains("Verifier") && debug.contains("2 redacted"),
        "{debug}"
    );
    for secret in [SECRET, NEXT_SECRET] {
        assert!(!debug.contains(secret), "{debug}");
        assert!(!debug.contains(&hex_of(secret.as_bytes())), "{debug}");
        assert!(
            !debug.contains(&format!("{:?}", secret.as_bytes())),
            "{debug}"
        );
    }

    let short = "secret-15-chars";
    let err = Verifier::new(short).unwrap_err();
    assert!(!format!("{err} {err:?}").contains(short));

    let body = job_new_body();
    let errors = [
        both.verify_and_decode(None, &body).unwrap_err(),
        both.verify_and_decode(Some("sha256=zz"), &body)
            .unwrap_err(),
        both.verify_and_decode(Some(&sign("whsec-an-attackers-secret", &body)), &body)
            .unwrap_err(),
    ];
    for err in errors {
        let text = format!("{err} {err:?}");
        assert!(
            !text.contains(SECRET) && !text.contains(NEXT_SECRET),
            "{text}"
        );
        // Nor the expected signature, which would let a caller forge this body.
        assert!(!text.contains(&sign(SECRET, &body)[7..]), "{text}");
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- the example receiver -------------------------------------------------------------------

#[tokio::test]
async fn example_receiver_accepts_signed_and_refuses_others() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let server =
        tokio::spawn(async move { axum::serve(listener, receiver::app(verifier())).await });
    let client = reqwest::Client::new();
    let post = |body: Vec<u8>, signature: Option<String>| {
        let mut request = client
            .post(&url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(signature) = signature {
            request = request.header(SIGNATURE_HEADER, signature);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };

    let body = job_new_body();
    assert_eq!(
        post(body.clone(), Some(sign(SECRET, &body))).await,
        200,
        "signed"
    );

    let mut tampered = body.clone();
    let at = tampered.windows(4).position(|w| w == b"1234").unwrap();
    tampered[at] = b'9';
    assert_eq!(
        post(tampered, Some(sign(SECRET, &body))).await,
        401,
        "tampered"
    );

    assert_eq!(post(body.clone(), None).await, 401, "unsigned");
    assert_eq!(
        post(body.clone(), Some("sha256=nothex".into())).await,
        401,
        "malformed"
    );
    assert_eq!(
        post(body.clone(), Some(sign(NEXT_SECRET, &body))).await,
        401,
        "other secret"
    );

    let undecodable = br#"{"id": 1, "type": "job.new", "payload": {}}"#.to_vec();
    assert_eq!(
        post(undecodable.clone(), Some(sign(SECRET, &undecodable))).await,
        400,
        "undecodable"
    );

    let other = br#"{"id": 2, "type": "tech.new", "payload": {}}"#.to_vec();
    assert_eq!(
        post(other.clone(), Some(sign(SECRET, &other))).await,
        200,
        "unknown type"
    );

    server.abort();
}
