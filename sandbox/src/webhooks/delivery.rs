//! Sending: test deliveries (`POST /v0/webhooks/test`) and delivery runs of pending events,
//! signed as TheirStack signs, to loopback hosts unless the configuration allows others.

use super::kinds::JOB_CLOSED;
use super::payloads::delivery_body;
use super::{RESPONSE_BODY_LIMIT, Record, Store, check_url};
use crate::DeliveryReport;
use crate::errors::{Failure, built, json_response};
use crate::request;
use crate::state::Shared;
use axum::http::StatusCode;
use axum::response::Response;
use theirstack::types;
use theirstack::webhooks::{SIGNATURE_HEADER, sign};

/// Whether a URL's host is this machine.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn loopback_refusal(shared: &Shared, url: &url::Url) -> Option<String> {
    (!shared.config.remote_webhooks && !is_loopback(url)).then(|| {
        "the sandbox delivers only to loopback URLs (localhost, 127.0.0.0/8, ::1); see SandboxConfig::allow_remote_webhooks".to_string()
    })
}

/// The outcome of one POST.
struct Sent {
    status: Option<u16>,
    body: String,
}

/// POSTs a body to a URL, signed when there is a secret.
async fn post(shared: &Shared, url: &str, body: Vec<u8>, signature: Option<&str>) -> Sent {
    let mut request = shared
        .http
        .post(url)
        .header("content-type", "application/json")
        .header(
            "user-agent",
            concat!("theirstack-sandbox/", env!("CARGO_PKG_VERSION")),
        )
        .body(body);
    if let Some(signature) = signature {
        request = request.header(SIGNATURE_HEADER, signature);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            let mut cut = text.len().min(RESPONSE_BODY_LIMIT);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            Sent {
                status: Some(status),
                body: text[..cut].to_string(),
            }
        }
        Err(e) => Sent {
            status: None,
            body: format!("delivery failed: {e}"),
        },
    }
}

/// Where a test delivery goes, of which type, signed with which secret: from the webhook named
/// by `webhook_id` (the body's `url`, `event_type` and `secret` override it), else from the body.
#[cfg(all(
    theirstack_has = "WebhookTest.webhook_id",
    theirstack_has = "WebhookTest.secret"
))]
fn test_target(
    shared: &Shared,
    input: types::WebhookTest,
) -> Result<(String, types::WebhookEventType, Option<String>), Failure> {
    let secret = input.secret.map(|s| s.to_string());
    match input.webhook_id {
        Some(id) => {
            let store = shared.webhooks();
            let hook = store.hook(id)?;
            Ok((
                input
                    .url
                    .map_or_else(|| hook.webhook.url.to_string(), |u| u.to_string()),
                input
                    .event_type
                    .unwrap_or_else(|| hook.webhook.event_type.clone()),
                secret.or_else(|| hook.secret.clone()),
            ))
        }
        None => Ok((
            input
                .url
                .ok_or_else(|| Failure::validation("`url` is required without `webhook_id`"))?
                .to_string(),
            input.event_type.ok_or_else(|| {
                Failure::validation("`event_type` is required without `webhook_id`")
            })?,
            secret,
        )),
    }
}

/// Where a test delivery goes and of which type: the body's `url` and `event_type`; unsigned.
#[cfg(not(all(
    theirstack_has = "WebhookTest.webhook_id",
    theirstack_has = "WebhookTest.secret"
)))]
fn test_target(
    _: &Shared,
    input: types::WebhookTest,
) -> Result<(String, types::WebhookEventType, Option<String>), Failure> {
    Ok((input.url.to_string(), input.event_type, None))
}

/// `POST /v0/webhooks/test`: sends one signed sample delivery (event id 0: the most recent job,
/// for `job_closed` the job closed last if any (else the most recent, closed now), or the first
/// company) and answers the receiver's status (0 when no answer came) and the signature sent.
#[cfg(theirstack_has = "op:post_webhooks_test_v0")]
pub(crate) async fn test(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    let input: types::WebhookTest = request::body(body)?;
    let (url, event_type, secret) = test_target(shared, input)?;
    let parsed = check_url(&url)?;
    if let Some(refusal) = loopback_refusal(shared, &parsed) {
        return Err(Failure::validation(refusal));
    }
    let data = shared.data();
    let last_closed = (0..data.jobs.len()).max_by_key(|&j| data.closed_at[j]);
    let record = match (event_type.as_str(), data.order.first()) {
        ("job_new", Some(&j)) => Record::Job(j),
        (JOB_CLOSED, Some(&j)) => Record::Job(
            last_closed
                .filter(|&c| data.closed_at[c].is_some())
                .unwrap_or(j),
        ),
        ("company_new", _) if !data.companies.is_empty() => Record::Company(0),
        (other, _) => {
            return Err(Failure::validation(format!(
                "the sandbox has no sample record for event type `{other}`"
            )));
        }
    };
    let bytes = delivery_body(&data, 0, &event_type, record, shared.now())?;
    drop(data);
    let signature = secret.as_ref().map(|s| sign(s, &bytes));
    let sent = post(shared, parsed.as_str(), bytes, signature.as_deref()).await;
    let message = match sent.status {
        Some(code) if (200..300).contains(&code) => "test event delivered".to_string(),
        Some(code) => format!("the endpoint answered {code}"),
        None => sent.body,
    };
    let answer = types::WebhookTestResponse::builder()
        .message(Some(message))
        .status(sent.status.map_or(0, i64::from));
    #[cfg(theirstack_has = "WebhookTestResponse.signature")]
    let answer = answer.signature(signature);
    let answer: types::WebhookTestResponse = built(answer)?;
    Ok(json_response(StatusCode::OK, &answer))
}

/// One delivery to make.
struct Pending {
    event_id: i64,
    url: String,
    secret: Option<String>,
    kind: types::WebhookEventType,
    record: Record,
}

/// The body of a pending delivery, from the data as it is now: taken after the events, so it
/// has every job they name, and dropped before the delivery is sent.
fn body_of(shared: &Shared, p: &Pending) -> Result<Vec<u8>, Failure> {
    let data = shared.data();
    delivery_body(&data, p.event_id, &p.kind, p.record, shared.now())
}

/// Sends every pending event of the active webhooks, in event order. See the module docs.
pub(crate) async fn deliver_pending(shared: &Shared) -> DeliveryReport {
    let _one_run_at_a_time = shared.delivery.lock().await;
    let mut report = DeliveryReport::default();
    let pending: Vec<Pending> = {
        let now = shared.now();
        let day = now.date_naive();
        let mut store = shared.webhooks();
        let mut ledger = shared.ledger();
        let Store { hooks, events, .. } = &mut *store;
        let mut out = Vec::new();
        for e in events.iter_mut() {
            if e.status != types::WebhookEventStatus::InProgress {
                continue;
            }
            let Some(hook) = hooks.get(&e.webhook_id) else {
                continue;
            };
            if !hook.webhook.is_active || hook.webhook.is_archived {
                continue;
            }
            if !e.charged {
                let price = match e.record {
                    Record::Job(_) => 1,
                    Record::Company(_) => 3,
                };
                if ledger.remaining() < price {
                    e.status = types::WebhookEventStatus::NotTriggered;
                    e.updated_at = now;
                    report.not_triggered += 1;
                    continue;
                }
                ledger.charge(price, day);
                e.charged = true;
            }
            out.push(Pending {
                event_id: e.id,
                url: hook.webhook.url.to_string(),
                secret: hook.secret.clone(),
                kind: e.kind.clone(),
                record: e.record,
            });
        }
        out
    };
    for p in pending {
        let sent = match url::Url::parse(&p.url) {
            Err(e) => Sent {
                status: None,
                body: format!("invalid URL: {e}"),
            },
            Ok(url) => match loopback_refusal(shared, &url) {
                Some(refusal) => Sent {
                    status: None,
                    body: refusal,
                },
                None => match body_of(shared, &p) {
                    Ok(bytes) => {
                        let signature = p.secret.as_ref().map(|s| sign(s, &bytes));
                        post(shared, url.as_str(), bytes, signature.as_deref()).await
                    }
                    Err(f) => Sent {
                        status: None,
                        body: f.description,
                    },
                },
            },
        };
        let ok = sent.status.is_some_and(|s| (200..300).contains(&s));
        if ok {
            report.delivered += 1;
        } else {
            report.failed += 1;
        }
        let now = shared.now();
        let mut store = shared.webhooks();
        if let Some(e) = store.events.iter_mut().find(|e| e.id == p.event_id) {
            e.status = if ok {
                types::WebhookEventStatus::Success
            } else {
                types::WebhookEventStatus::Failed
            };
            e.response_status_code = sent.status.map(i64::from);
            e.response_body = Some(sent.body);
            e.updated_at = now;
        }
    }
    report
}
