//! `theirstack webhooks`: create, change, archive and test webhooks, list and retry their
//! events, `verify` a saved delivery against its signature (offline, no key needed), and `serve`
//! (`webhooks_serve.rs`) to receive them.

use super::{PeriodArgs, typed_body};
use crate::output::{emit, emit_response};
use crate::pull::{configure, pull};
use crate::{Failure, Global, Outcome, unreachable_command};
use clap::{Args, Subcommand};
use serde_json::Value;
use std::io;
use std::path::PathBuf;
use theirstack::Client;
use theirstack::types;

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// List webhooks (archived ones excluded).
    #[cfg(theirstack_has = "op:get_webhooks_v0")]
    List,
    /// Show one webhook.
    #[cfg(theirstack_has = "op:get_webhooks_by_id_v0")]
    Get { id: i64 },
    /// Create a webhook on a saved search.
    #[cfg(theirstack_has = "op:post_webhooks_v0")]
    Create {
        #[command(flatten)]
        fields: WebhookFields,
        /// Event types to deliver, comma-separated, such as job_new,job_closed (default: the
        /// primary event of the saved search's type; see `webhooks event-types`).
        #[cfg(theirstack_has = "WebhookCreate.active_event_types")]
        #[arg(long, value_delimiter = ',', value_name = "EVENT[,EVENT...]")]
        active_event_types: Vec<String>,
    },
    /// Replace a webhook's settings (URL and saved search are required).
    #[cfg(theirstack_has = "op:patch_webhooks_by_id_v0")]
    Update {
        id: i64,
        #[command(flatten)]
        fields: WebhookFields,
        /// Event types to deliver, comma-separated, such as job_new,job_closed (left out: not
        /// changed; see `webhooks event-types`).
        #[cfg(theirstack_has = "WebhookUpdate.active_event_types")]
        #[arg(long, value_delimiter = ',', value_name = "EVENT[,EVENT...]")]
        active_event_types: Vec<String>,
    },
    /// The event types a webhook can listen to.
    #[cfg(theirstack_has = "op:get_webhooks_event_types_v0")]
    EventTypes {
        /// Only those of this saved search type: jobs or companies.
        #[arg(long, value_name = "TYPE")]
        search_type: Option<String>,
    },
    /// Start delivering (replays events missed while disabled).
    #[cfg(theirstack_has = "op:patch_webhooks_status_v0")]
    Enable { id: i64 },
    /// Stop delivering.
    #[cfg(theirstack_has = "op:patch_webhooks_status_v0")]
    Disable { id: i64 },
    /// Archive a webhook for good.
    #[cfg(theirstack_has = "op:patch_webhooks_archive_v0")]
    Archive { id: i64 },
    /// List a webhook's events.
    #[cfg(theirstack_has = "op:get_webhooks_events_v0")]
    Events {
        id: i64,
        /// Only events with this status: IN_PROGRESS, SUCCESS, FAILED, NOT_TRIGGERED.
        #[arg(long)]
        status: Option<String>,
    },
    /// Count events: of one webhook, or per day for all.
    #[cfg(any(
        theirstack_has = "op:get_webhooks_events_count_v0",
        theirstack_has = "op:get_webhooks_events_count_aggregated_v0"
    ))]
    EventsCount {
        /// One webhook's total.
        #[arg(long)]
        id: Option<i64>,
        #[command(flatten)]
        period: PeriodArgs,
        /// Group daily counts by `status` or `webhook_id`.
        #[arg(long, value_name = "FIELD")]
        group_by: Option<String>,
    },
    /// Deliver events again.
    #[cfg(theirstack_has = "op:post_webhooks_events_retry_v0")]
    Retry {
        /// Event ids.
        #[arg(required = true)]
        event_ids: Vec<i64>,
    },
    /// Send a test event to a URL or an existing webhook.
    #[cfg(theirstack_has = "op:post_webhooks_test_v0")]
    Test {
        /// Destination URL (or the webhook's).
        #[arg(long)]
        url: Option<String>,
        /// `job_new` or `company_new`.
        #[arg(long)]
        event_type: Option<String>,
        /// Test this webhook.
        #[arg(long)]
        webhook_id: Option<i64>,
        /// Sign the test event with this secret.
        #[arg(long, value_name = "SECRET")]
        secret: Option<String>,
    },
    /// Receive signed deliveries into the syncs' database (job.new, company.new, job.closed).
    #[command(after_help = super::webhooks_serve::SERVE_HELP)]
    Serve(super::webhooks_serve::ServeArgs),
    /// Check a saved delivery's signature and print the decoded event.
    Verify {
        /// The webhook's signing secret.
        #[arg(
            long,
            env = "THEIRSTACK_WEBHOOK_SECRET",
            hide_env_values = true,
            value_name = "SECRET"
        )]
        secret: String,
        /// The X-TheirStack-Signature-256 value (default: read from headers at the top of FILE).
        #[arg(long, value_name = "VALUE")]
        signature: Option<String>,
        /// The delivery body, or `-` for stdin.
        file: PathBuf,
    },
}

/// Webhook settings.
#[derive(Debug, Args)]
pub struct WebhookFields {
    /// Destination URL.
    #[arg(long)]
    pub url: String,
    /// Saved search to listen to.
    #[arg(long)]
    pub search_id: i64,
    /// Free text.
    #[arg(long)]
    pub description: Option<String>,
    /// Only events after this time (default: every past match too).
    #[arg(long, value_name = "DATETIME")]
    pub listening_start: Option<types::Timestamp>,
    /// One event per company instead of per job (`--once-per-company false` to turn it off).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub once_per_company: Option<bool>,
    /// Signing secret (at least 16 characters).
    #[arg(long, value_name = "SECRET")]
    pub secret: Option<String>,
}

pub async fn run(client: &Client, global: &Global, command: WebhooksCommand) -> Outcome {
    use WebhooksCommand as W;
    match command {
        #[cfg(theirstack_has = "op:get_webhooks_v0")]
        W::List => emit_response(
            global,
            "get_webhooks_v0",
            client.get_webhooks_v0().send().await?,
        ),
        #[cfg(theirstack_has = "op:get_webhooks_by_id_v0")]
        W::Get { id } => emit_response(
            global,
            "get_webhooks_by_id_v0",
            client.get_webhooks_by_id_v0().webhook_id(id).send().await?,
        ),
        #[cfg(theirstack_has = "op:post_webhooks_v0")]
        W::Create {
            fields,
            #[cfg(theirstack_has = "WebhookCreate.active_event_types")]
            active_event_types,
        } => {
            #[allow(unused_mut)]
            let mut body = webhook_json(fields);
            #[cfg(theirstack_has = "WebhookCreate.active_event_types")]
            set_event_types(&mut body, &active_event_types)?;
            let body: types::WebhookCreate = typed_body(body)?;
            emit_response(
                global,
                "post_webhooks_v0",
                client.post_webhooks_v0().body(body).send().await?,
            )
        }
        #[cfg(theirstack_has = "op:patch_webhooks_by_id_v0")]
        W::Update {
            id,
            fields,
            #[cfg(theirstack_has = "WebhookUpdate.active_event_types")]
            active_event_types,
        } => {
            #[allow(unused_mut)]
            let mut body = webhook_json(fields);
            #[cfg(theirstack_has = "WebhookUpdate.active_event_types")]
            set_event_types(&mut body, &active_event_types)?;
            let body: types::WebhookUpdate = typed_body(body)?;
            emit_response(
                global,
                "patch_webhooks_by_id_v0",
                client
                    .patch_webhooks_by_id_v0()
                    .webhook_id(id)
                    .body(body)
                    .send()
                    .await?,
            )
        }
        #[cfg(theirstack_has = "op:get_webhooks_event_types_v0")]
        W::EventTypes { search_type } => {
            let mut call = client.get_webhooks_event_types_v0();
            if let Some(search_type) = search_type {
                let kind = types::SavedSearchType::from(search_type.as_str());
                if !kind.is_known() {
                    return Err(Failure::Usage(format!(
                        "unknown search type `{search_type}`: expected one of {}",
                        types::SavedSearchType::VALUES.join(", ")
                    )));
                }
                call = call.search_type(kind);
            }
            emit_response(global, "get_webhooks_event_types_v0", call.send().await?)
        }
        #[cfg(theirstack_has = "op:patch_webhooks_status_v0")]
        W::Enable { id } | W::Disable { id } => {
            let active = matches!(command, W::Enable { .. });
            let body: types::WebhookStatusUpdate = types::WebhookStatusUpdate::builder()
                .is_active(active)
                .try_into()
                .map_err(|e| Failure::Usage(format!("{e}")))?;
            emit_response(
                global,
                "patch_webhooks_status_v0",
                client
                    .patch_webhooks_status_v0()
                    .webhook_id(id)
                    .body(body)
                    .send()
                    .await?,
            )
        }
        #[cfg(theirstack_has = "op:patch_webhooks_archive_v0")]
        W::Archive { id } => emit_response(
            global,
            "patch_webhooks_archive_v0",
            client
                .patch_webhooks_archive_v0()
                .webhook_id(id)
                .send()
                .await?,
        ),
        #[cfg(theirstack_has = "op:get_webhooks_events_v0")]
        W::Events { id, status } => {
            let mut pager = configure(client.webhook_events(id), global);
            if let Some(status) = status {
                let status = types::WebhookEventStatus::from(status.as_str());
                if !status.is_known() {
                    return Err(Failure::Usage(format!(
                        "unknown event status `{status}`: expected one of {}",
                        types::WebhookEventStatus::VALUES.join(", ")
                    )));
                }
                pager = pager.status(status);
            }
            pull(pager, global).await
        }
        #[cfg(theirstack_has = "op:get_webhooks_events_count_v0")]
        W::EventsCount { id: Some(id), .. } => emit_response(
            global,
            "get_webhooks_events_count_v0",
            client
                .get_webhooks_events_count_v0()
                .webhook_id(id)
                .send()
                .await?,
        ),
        #[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0")]
        W::EventsCount {
            id: None,
            period,
            group_by,
        } => {
            let mut call = client.get_webhooks_events_count_aggregated_v0();
            if let Some(start) = period.start {
                call = call.start_datetime(start);
            }
            if let Some(end) = period.end {
                call = call.end_datetime(end);
            }
            if let Some(tz) = period.timezone {
                call = call.timezone(tz);
            }
            if let Some(group) = group_by {
                let group = types::WebhookGroupBy::from(group.as_str());
                // A list (repeated in the query) since July 2026, one value before.
                #[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0?group_by[]")]
                let group = vec![group];
                call = call.group_by(group);
            }
            emit_response(
                global,
                "get_webhooks_events_count_aggregated_v0",
                call.send().await?,
            )
        }
        #[cfg(theirstack_has = "op:post_webhooks_events_retry_v0")]
        W::Retry { event_ids } => {
            let body: types::WebhookEventRetryRequest = types::WebhookEventRetryRequest::builder()
                .webhook_event_ids(event_ids)
                .try_into()
                .map_err(|e| Failure::Usage(format!("{e}")))?;
            emit_response(
                global,
                "post_webhooks_events_retry_v0",
                client
                    .post_webhooks_events_retry_v0()
                    .body(body)
                    .send()
                    .await?,
            )
        }
        #[cfg(theirstack_has = "op:post_webhooks_test_v0")]
        W::Test {
            url,
            event_type,
            webhook_id,
            secret,
        } => {
            // Only the flags given are sent; the typed body checks them (and refuses a field
            // the document in use does not have).
            let mut body = serde_json::Map::new();
            for (key, value) in [
                ("url", url.map(Value::from)),
                ("event_type", event_type.map(Value::from)),
                ("webhook_id", webhook_id.map(Value::from)),
                ("secret", secret.map(Value::from)),
            ] {
                if let Some(value) = value {
                    body.insert(key.to_string(), value);
                }
            }
            let body: types::WebhookTest = typed_body(Value::Object(body))?;
            emit_response(
                global,
                "post_webhooks_test_v0",
                client.post_webhooks_test_v0().body(body).send().await?,
            )
        }
        // A document with only one of the two counts: the other way of asking is refused.
        #[cfg(all(
            any(
                theirstack_has = "op:get_webhooks_events_count_v0",
                theirstack_has = "op:get_webhooks_events_count_aggregated_v0"
            ),
            not(all(
                theirstack_has = "op:get_webhooks_events_count_v0",
                theirstack_has = "op:get_webhooks_events_count_aggregated_v0"
            ))
        ))]
        W::EventsCount { .. } => Err(Failure::Usage(
            "the API document this CLI was built from cannot count events that way (try with or without --id)".into(),
        )),
        W::Verify { .. } | W::Serve(_) => unreachable_command(),
    }
}

/// A webhook create or update body from the flags, to be checked by the typed body (URL length,
/// secret length). Flags left out are not sent.
#[cfg(any(
    theirstack_has = "op:post_webhooks_v0",
    theirstack_has = "op:patch_webhooks_by_id_v0"
))]
fn webhook_json(f: WebhookFields) -> Value {
    let mut body = serde_json::json!({ "url": f.url, "search_id": f.search_id });
    if let Some(description) = f.description {
        body["description"] = description.into();
    }
    if let Some(start) = f.listening_start {
        body["listening_start_time"] = start.to_string().into();
    }
    if let Some(once) = f.once_per_company {
        body["trigger_once_per_company"] = once.into();
    }
    if let Some(secret) = f.secret {
        body["secret"] = secret.into();
    }
    body
}

/// Sets `active_event_types` from `--active-event-types` (left out when not given); an unknown
/// event type is refused with the known ones, before any request.
#[cfg(any(
    theirstack_has = "WebhookCreate.active_event_types",
    theirstack_has = "WebhookUpdate.active_event_types"
))]
fn set_event_types(body: &mut Value, values: &[String]) -> Result<(), Failure> {
    if values.is_empty() {
        return Ok(());
    }
    let mut events: Vec<Value> = Vec::new();
    for value in values {
        let event = types::WebhookEventType::from(value.trim());
        if !event.is_known() {
            return Err(Failure::Usage(format!(
                "--active-event-types: unknown event type `{value}`: expected one of {}",
                types::WebhookEventType::VALUES.join(", ")
            )));
        }
        let event = Value::from(event.as_str());
        if !events.contains(&event) {
            events.push(event);
        }
    }
    body["active_event_types"] = Value::Array(events);
    Ok(())
}

/// `webhooks verify`: checks a saved delivery against its signature and prints it decoded.
pub fn verify_delivery(
    global: &Global,
    secret: &str,
    signature: Option<&str>,
    file: &std::path::Path,
) -> Outcome {
    use theirstack::webhooks::{Delivery, SIGNATURE_HEADER, Verifier};
    let raw = if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::Read::read_to_end(&mut io::stdin(), &mut buf)
            .map_err(|e| Failure::Usage(format!("cannot read stdin: {e}")))?;
        buf
    } else {
        std::fs::read(file)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?
    };
    // Without --signature, the file may start with the request's headers, then a blank line.
    let (header, body) = match signature {
        Some(s) => (Some(s.to_string()), raw.as_slice()),
        None => split_headers(&raw, SIGNATURE_HEADER),
    };
    let verifier = Verifier::new(secret).map_err(|e| Failure::Usage(format!("--secret: {e}")))?;
    let delivery = verifier
        .verify_and_decode(header.as_deref(), body)
        .map_err(|e| Failure::Usage(format!("delivery rejected: {e}")))?;
    let payload = match &delivery {
        Delivery::Other { raw, .. } => raw.get("payload").cloned().unwrap_or(Value::Null),
        other => match (other.job(), other.company()) {
            (Some(job), _) => serde_json::to_value(job).map_err(io::Error::other)?,
            (_, Some(company)) => serde_json::to_value(company).map_err(io::Error::other)?,
            _ => Value::Null,
        },
    };
    let value = serde_json::json!({ "id": delivery.id(), "type": delivery.event_type(), "payload": payload });
    emit(global, &value)
}

/// Splits `Name: value` header lines (up to a blank line) from a saved request, returning the
/// value of `wanted` and the body. A file that starts with `{` is all body.
fn split_headers<'a>(raw: &'a [u8], wanted: &str) -> (Option<String>, &'a [u8]) {
    let start = raw
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if raw.get(start) == Some(&b'{') {
        return (None, raw);
    }
    let blank = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    let Some((end, gap)) =
        blank.or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)))
    else {
        return (None, raw);
    };
    let head = String::from_utf8_lossy(&raw[..end]);
    let value = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case(wanted)
            .then(|| value.trim().to_string())
    });
    (value, &raw[end + gap..])
}
