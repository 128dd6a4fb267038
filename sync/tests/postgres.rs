//! The same guarantees on a real PostgreSQL server: backfill then incremental runs paying once
//! per job, the boundary second, the advisory lock (a second run exits naming the holder, a dead
//! holder's lock dies with its connection), webhook deliveries end to end, a newer schema.

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use support::fake::{Fake, FakeState, spread};
use support::pg::{database, one};
use theirstack::webhooks::{SIGNATURE_HEADER, sign};
use theirstack_sync::store::{PostgresStore, Store};
use theirstack_sync::{SyncError, SyncEvent, SyncJobs, parse_filters};

fn filters() -> theirstack::types::JobSearchFiltersInput {
    parse_filters(r#"{"posted_at_max_age_days": 30}"#).unwrap()
}

#[tokio::test]
async fn backfill_then_incremental_on_postgres() {
    let Some(url) = database().await else { return };
    let mut state = FakeState::default();
    spread(&mut state.data, 1, 550, 6);
    let fake = Fake::start(state).await;
    let store = theirstack_sync::open(&url).await.unwrap();
    let client = fake.client();
    let r = SyncJobs::new("pg", filters())
        .page_size(100)
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    assert_eq!((r.rows, r.new_rows, r.credits, r.pages), (550, 550, 550, 6));
    let latest = fake.with(|s| s.data.latest().unwrap());
    fake.with(|s| {
        for k in 0..30 {
            s.data.add(
                9000 + k,
                latest + chrono::Duration::microseconds(1 + k * 30_000),
            );
        }
    });
    let r = SyncJobs::new("pg", filters())
        .page_size(100)
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    assert_eq!((r.rows, r.new_rows, r.credits), (30, 30, 30));
    let r = SyncJobs::new("pg", filters())
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    assert_eq!(r.credits, 0);
    fake.with(|s| {
        let unique: HashSet<_> = s.served.iter().collect();
        assert_eq!(unique.len(), s.served.len());
        assert_eq!(s.credits, 580);
    });
    assert_eq!(one(&url, "SELECT count(*) FROM jobs").await, 580);
    assert_eq!(
        one(
            &url,
            "SELECT count(*) FROM jobs WHERE jsonb_typeof(job) = 'object'"
        )
        .await,
        580
    );
    assert_eq!(one(&url, "SELECT count(*) FROM companies").await, 50);
    let status = store.status(None).await.unwrap();
    assert_eq!((status[0].rows_stored, status[0].credits_spent), (580, 580));
    assert_eq!(status[0].last_run.as_ref().unwrap().status, "completed");
}

#[tokio::test]
async fn the_boundary_second_on_postgres() {
    let Some(url) = database().await else { return };
    let mut state = FakeState {
        second_precision: true,
        unordered: true,
        overflow: 2,
        ..FakeState::default()
    };
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00.5Z")
        .unwrap()
        .to_utc();
    for id in 1..=30 {
        state
            .data
            .add(id, at + chrono::Duration::microseconds(id % 3));
    }
    spread(&mut state.data, 100, 20, 5);
    let fake = Fake::start(state).await;
    let store = theirstack_sync::open(&url).await.unwrap();
    let r = SyncJobs::new("b", filters())
        .page_size(7)
        .run(&fake.client(), &store, |_| {})
        .await
        .unwrap();
    assert_eq!(r.new_rows, 50);
    fake.with(|s| assert_eq!(s.credits, 50, "nothing paid twice"));
    assert_eq!(one(&url, "SELECT count(*) FROM jobs").await, 50);
}

#[tokio::test]
async fn the_advisory_lock_dies_with_its_holder() {
    let Some(url) = database().await else { return };
    let mut state = FakeState::default();
    spread(&mut state.data, 1, 10, 5);
    let fake = Fake::start(state).await;
    let store = PostgresStore::connect(&url).await.unwrap();
    let other_machine = theirstack_sync::Holder::new("machine-b", 4242, chrono::Utc::now());
    let held = store.try_lock("l", &other_machine).await.unwrap().unwrap();
    let err = SyncJobs::new("l", filters())
        .run(&fake.client(), &store, |_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Locked { .. }), "{err}");
    assert!(err.to_string().contains("host machine-b pid 4242"), "{err}");
    assert_eq!(fake.with(|s| s.requests.len()), 0);
    // The holder's connection goes away (a crash): the lock goes with it.
    drop(held);
    let mut waited = 0;
    let r = SyncJobs::new("l", filters())
        .wait(true)
        .lock_poll(std::time::Duration::from_millis(20))
        .run(&fake.client(), &store, |e| {
            if let SyncEvent::Waiting { .. } = e {
                waited += 1;
            }
        })
        .await
        .unwrap();
    assert_eq!(r.rows, 10);
    assert!(waited <= 50, "waited {waited} polls for a dead holder");
}

#[tokio::test]
async fn webhooks_into_postgres() {
    let Some(url) = database().await else { return };
    let store = theirstack_sync::open(&url).await.unwrap();
    let secret = "pg-secret-0123456789";
    let limits = theirstack_sync::webhooks::Limits::default();
    let app = theirstack_sync::webhooks::router(
        Arc::new(store),
        theirstack_sync::webhooks::verifier(&[secret.into()]).unwrap(),
        limits,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = theirstack_sync::WebhookServer::from_parts(listener, app, limits.header_timeout);
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.run(std::future::pending()));
    let http = reqwest::Client::new();
    let post = |body: String, signature: String| {
        http.post(format!("http://{addr}/"))
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
    };
    let job = support::fake::job(5, chrono::Utc::now());
    let body = serde_json::json!({"id": 11, "type": "job.new", "payload": job}).to_string();
    assert_eq!(
        post(body.clone(), sign(secret, body.as_bytes()))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        post(body.clone(), sign(secret, body.as_bytes()))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        post(body.replace("Data", "Evil"), sign(secret, body.as_bytes()))
            .await
            .unwrap()
            .status(),
        401
    );
    let closed = serde_json::json!({"id": 12, "type": "job.closed", "payload": job}).to_string();
    assert_eq!(
        post(closed.clone(), sign(secret, closed.as_bytes()))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(one(&url, "SELECT count(*) FROM webhook_events").await, 2);
    assert_eq!(
        one(
            &url,
            "SELECT count(*) FROM jobs WHERE closed AND closed_at IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(
        one(&url, "SELECT count(*) FROM jobs WHERE title LIKE 'Evil%'").await,
        0
    );
}

#[tokio::test]
async fn a_newer_schema_is_refused_on_postgres() {
    let Some(url) = database().await else { return };
    drop(theirstack_sync::open(&url).await.unwrap());
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute("INSERT INTO schema_migrations VALUES (7, now())")
        .await
        .unwrap();
    let err = theirstack_sync::open(&url).await.unwrap_err();
    assert!(
        matches!(err, SyncError::SchemaTooNew { found: 7, .. }),
        "{err}"
    );
}
