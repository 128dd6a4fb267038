//! Webhooks through the crate's public `Client`: create, update, archive, the events and their
//! counts, deliveries to a loopback receiver (signed, refused, retried, out of credits) and test
//! deliveries.

// Generated types are built with `Default::default()` and field assignment (or their builders,
// or serde), never struct literals, so that a field a new document adds cannot break the build.
#![allow(clippy::field_reassign_with_default)]

mod support;

use serde_json::json;
use support::{SECRET, TestResult, create_webhook, receiver, start, unlimited};
use theirstack::Error;
use theirstack::types;
use theirstack::webhooks::Delivery;

#[tokio::test]
async fn webhooks_round_trip() -> TestResult {
    let sandbox = start(unlimited()).await;
    let client = sandbox.client()?;
    let searches = client.get_saved_searches_v0().send().await?.into_inner();
    assert_eq!(searches.iter().map(|s| s.id).collect::<Vec<_>>(), [1, 2, 3]);

    let created = create_webhook(
        &client,
        json!({"url": "http://127.0.0.1:9/hook", "search_id": 1, "description": "first"}),
    )
    .await?;
    assert!(created.is_active && !created.is_archived);
    assert_eq!(created.event_type, types::WebhookEventType::JobNew);
    assert_eq!(created.search_name, searches[0].name);
    let fetched = client
        .get_webhooks_by_id_v0()
        .webhook_id(created.id)
        .send()
        .await?
        .into_inner();
    assert_eq!(fetched, created);
    let companies = create_webhook(
        &client,
        json!({"url": "http://localhost:9/c", "search_id": 3}),
    )
    .await?;
    assert_eq!(companies.event_type, types::WebhookEventType::CompanyNew);
    let listed = client.get_webhooks_v0().send().await?.into_inner();
    assert_eq!(
        listed.iter().map(|w| w.id).collect::<Vec<_>>(),
        [created.id, companies.id]
    );

    let update: types::WebhookUpdate = serde_json::from_value(
        json!({"url": "http://127.0.0.1:9/v2", "search_id": 2, "description": "second"}),
    )?;
    let updated = client
        .patch_webhooks_by_id_v0()
        .webhook_id(created.id)
        .body(update)
        .send()
        .await?
        .into_inner();
    assert_eq!(
        (updated.url.as_str(), updated.search_id),
        ("http://127.0.0.1:9/v2", 2)
    );
    assert_eq!(updated.description.as_deref(), Some("second"));

    let off = client
        .patch_webhooks_status_v0()
        .webhook_id(created.id)
        .body(types::WebhookStatusUpdate::builder().is_active(false))
        .send()
        .await?
        .into_inner();
    assert!(!off.is_active);
    let archived = client
        .patch_webhooks_archive_v0()
        .webhook_id(created.id)
        .send()
        .await?
        .into_inner();
    assert!(archived.is_archived);
    let listed = client.get_webhooks_v0().send().await?.into_inner();
    assert_eq!(
        listed.iter().map(|w| w.id).collect::<Vec<_>>(),
        [companies.id],
        "archived ones are hidden"
    );
    assert!(
        client
            .get_webhooks_by_id_v0()
            .webhook_id(created.id)
            .send()
            .await?
            .into_inner()
            .is_archived
    );

    // Unknown ids are 404s.
    let err: Error = client
        .patch_webhooks_archive_v0()
        .webhook_id(777)
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.is_not_found(), "{err}");
    let err: Error = client
        .get_webhooks_events_count_v0()
        .webhook_id(777)
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.is_not_found(), "{err}");

    // A new saved search can back a webhook.
    let saved: types::SavedSearchCreate = serde_json::from_value(json!({
        "name": "Rust jobs", "type": "jobs",
        "body": {"posted_at_max_age_days": 30, "job_technology_slug_or": ["rust"]}
    }))?;
    let saved = client
        .post_saved_searches_v0()
        .body(saved)
        .send()
        .await?
        .into_inner();
    assert_eq!(saved.id, 4);
    let rust = create_webhook(
        &client,
        json!({"url": "http://127.0.0.1:9/rust", "search_id": saved.id}),
    )
    .await?;
    assert_eq!(rust.search_name, "Rust jobs");
    Ok(())
}

#[tokio::test]
async fn webhook_events_page_through_the_client() -> TestResult {
    let sandbox = start(unlimited().webhook_events(40)).await;
    let client = sandbox.client()?;
    let hook = create_webhook(
        &client,
        json!({"url": "http://127.0.0.1:9/hook", "search_id": 2}),
    )
    .await?;
    let count = client
        .get_webhooks_events_count_v0()
        .webhook_id(hook.id)
        .send()
        .await?
        .into_inner();
    assert_eq!(count, 40);
    let events = client
        .webhook_events(hook.id)
        .page_size(7)
        .collect_all()
        .await?;
    assert_eq!(events.len(), 40);
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    assert!(
        ids.windows(2).all(|p| p[0] < p[1]),
        "ascending ids, no duplicates"
    );
    for e in &events {
        assert_eq!(
            (e.webhook_id, &e.status),
            (hook.id, &types::WebhookEventStatus::InProgress)
        );
        assert!(e.job_id.is_some() && e.payload.is_some());
    }
    assert!(
        events
            .windows(2)
            .all(|p| p[0].triggered_at <= p[1].triggered_at),
        "oldest first"
    );
    let failed = client
        .webhook_events(hook.id)
        .status(types::WebhookEventStatus::Failed)
        .collect_all()
        .await?;
    assert!(failed.is_empty());
    let by_status = client
        .get_webhooks_events_count_aggregated_v0()
        .send()
        .await?
        .into_inner();
    assert_eq!(
        by_status.iter().map(|c| c.number_of_events).sum::<i64>(),
        40
    );
    assert!(
        by_status
            .iter()
            .all(|c| c.status == Some(types::WebhookEventStatus::InProgress))
    );
    let by_hook = client
        .get_webhooks_events_count_aggregated_v0()
        .group_by(group_by_webhook())
        .send()
        .await?
        .into_inner();
    assert!(
        by_hook
            .iter()
            .all(|c| c.webhook_id == Some(hook.id) && c.status.is_none())
    );
    Ok(())
}

#[tokio::test]
async fn events_are_delivered_to_the_url_and_failures_can_be_retried() -> TestResult {
    let sandbox = start(unlimited().webhook_events(12)).await;
    let client = sandbox.client()?;
    let open = receiver(None).await;
    let hook = create_webhook(&client, json!({"url": open.url, "search_id": 1})).await?;
    let report = sandbox.deliver_pending().await;
    assert_eq!(
        (report.delivered, report.failed, report.not_triggered),
        (12, 0, 0)
    );
    let got = open.got.lock().unwrap().clone();
    let events = client.webhook_events(hook.id).collect_all().await?;
    assert_eq!(
        got.iter()
            .map(|g| g.delivery.as_ref().and_then(Delivery::id))
            .collect::<Vec<_>>(),
        events.iter().map(|e| Some(e.id)).collect::<Vec<_>>(),
        "delivered in event order, one each"
    );
    for (g, e) in got.iter().zip(&events) {
        let job = g
            .delivery
            .as_ref()
            .and_then(Delivery::job)
            .expect("job.new");
        assert_eq!(Some(job.id), e.job_id);
        assert!(g.signature.is_none(), "no secret, no signature");
        assert_eq!(
            (&e.status, e.response_status_code),
            (&types::WebhookEventStatus::Success, Some(200))
        );
    }
    assert_eq!(sandbox.credits_used(), 12, "one credit per job event");
    assert_eq!(
        sandbox.deliver_pending().await.delivered,
        0,
        "nothing twice"
    );

    // A receiver that refuses: events fail, then go back to IN_PROGRESS when retried.
    let strict = receiver(Some(SECRET)).await;
    let refused = create_webhook(&client, json!({"url": strict.url, "search_id": 3})).await?;
    let report = sandbox.deliver_pending().await;
    assert_eq!((report.delivered, report.failed), (0, 12));
    let failed = client
        .webhook_events(refused.id)
        .status(types::WebhookEventStatus::Failed)
        .collect_all()
        .await?;
    assert_eq!(failed.len(), 12);
    assert!(
        failed
            .iter()
            .all(|e| e.response_status_code == Some(401) && e.job_id.is_none())
    );
    assert_eq!(
        sandbox.credits_used(),
        12 + 12 * 3,
        "three credits per company event"
    );
    let retry: types::WebhookEventRetryRequest =
        serde_json::from_value(json!({"webhook_event_ids": [failed[0].id, failed[1].id]}))?;
    client
        .post_webhooks_events_retry_v0()
        .body(retry)
        .send()
        .await?;
    let pending = client
        .webhook_events(refused.id)
        .status(types::WebhookEventStatus::InProgress)
        .collect_all()
        .await?;
    assert_eq!(
        pending.iter().map(|e| e.id).collect::<Vec<_>>(),
        [failed[0].id, failed[1].id]
    );
    assert_eq!(sandbox.deliver_pending().await.failed, 2);
    assert_eq!(sandbox.credits_used(), 48, "a retry is not charged again");
    let retry: types::WebhookEventRetryRequest =
        serde_json::from_value(json!({"webhook_event_ids": [987654]}))?;
    let err: Error = client
        .post_webhooks_events_retry_v0()
        .body(retry)
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.is_not_found(), "{err}");

    // Without credits, events are not sent.
    sandbox.set_credits(0);
    let later = create_webhook(&client, json!({"url": open.url, "search_id": 2})).await?;
    assert_eq!(sandbox.deliver_pending().await.not_triggered, 12);
    let skipped = client
        .webhook_events(later.id)
        .status(types::WebhookEventStatus::NotTriggered)
        .collect_all()
        .await?;
    assert_eq!(skipped.len(), 12);
    Ok(())
}

#[cfg(theirstack_has = "WebhookCreate.secret")]
#[tokio::test]
async fn signed_deliveries_verify_with_the_crate() -> TestResult {
    let sandbox = start(unlimited().webhook_events(5)).await;
    let client = sandbox.client()?;
    let strict = receiver(Some(SECRET)).await;
    let hook = create_webhook(
        &client,
        json!({"url": strict.url, "search_id": 1, "secret": SECRET}),
    )
    .await?;
    let report = sandbox.deliver_pending().await;
    assert_eq!((report.delivered, report.failed), (5, 0));
    let got = strict.got.lock().unwrap().clone();
    assert_eq!(got.len(), 5);
    assert!(got.iter().all(|g| {
        g.verified
            && g.signature
                .as_deref()
                .is_some_and(|s| s.starts_with("sha256="))
    }));
    let events = client.webhook_events(hook.id).collect_all().await?;
    assert!(
        events
            .iter()
            .all(|e| e.status == types::WebhookEventStatus::Success)
    );

    // The test endpoint sends one signed sample delivery, with event id 0.
    #[cfg(theirstack_has = "WebhookTest.webhook_id")]
    {
        let test: types::WebhookTest = serde_json::from_value(json!({"webhook_id": hook.id}))?;
        let answer = client
            .post_webhooks_test_v0()
            .body(test)
            .send()
            .await?
            .into_inner();
        assert_eq!(answer.status, 200);
        let got = strict
            .got
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a delivery");
        assert!(got.verified);
        assert_eq!(got.delivery.as_ref().map(Delivery::id), Some(Some(0)));
        #[cfg(theirstack_has = "WebhookTestResponse.signature")]
        assert_eq!(answer.signature, got.signature);

        // A wrong secret: the receiver refuses, and the answer says so.
        let test: types::WebhookTest = serde_json::from_value(
            json!({"url": strict.url, "event_type": "company_new", "secret": "another-secret-0123456789"}),
        )?;
        let answer = client
            .post_webhooks_test_v0()
            .body(test)
            .send()
            .await?
            .into_inner();
        assert_eq!(answer.status, 401);
        let got = strict
            .got
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a delivery");
        assert!(!got.verified);
    }
    Ok(())
}

#[tokio::test]
async fn test_deliveries_reach_loopback_only() -> TestResult {
    let sandbox = start(unlimited()).await;
    let client = sandbox.client()?;
    let open = receiver(None).await;
    let test: types::WebhookTest =
        serde_json::from_value(json!({"url": open.url, "event_type": "company_new"}))?;
    let answer = client
        .post_webhooks_test_v0()
        .body(test)
        .send()
        .await?
        .into_inner();
    assert_eq!(answer.status, 200);
    let got = open.got.lock().unwrap().clone();
    assert!(
        matches!(got.as_slice(), [g] if g.delivery.as_ref().and_then(Delivery::company).is_some())
    );

    let test: types::WebhookTest = serde_json::from_value(
        json!({"url": "https://hooks.example.com/x", "event_type": "job_new"}),
    )?;
    let err: Error = client
        .post_webhooks_test_v0()
        .body(test)
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(
        err.is_invalid_request() && err.description().is_some_and(|d| d.contains("loopback")),
        "{err}"
    );

    // Nothing listens on this port: the answer says so with status 0.
    let test: types::WebhookTest =
        serde_json::from_value(json!({"url": "http://127.0.0.1:9/none", "event_type": "job_new"}))?;
    let answer = client
        .post_webhooks_test_v0()
        .body(test)
        .send()
        .await?
        .into_inner();
    assert_eq!(answer.status, 0);
    Ok(())
}

/// `group_by=webhook_id`, in the parameter's shape: a list since July 2026, one value before.
#[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0?group_by[]")]
fn group_by_webhook() -> Vec<types::WebhookGroupBy> {
    vec![types::WebhookGroupBy::WebhookId]
}

#[cfg(not(theirstack_has = "op:get_webhooks_events_count_aggregated_v0?group_by[]"))]
fn group_by_webhook() -> types::WebhookGroupBy {
    types::WebhookGroupBy::WebhookId
}
