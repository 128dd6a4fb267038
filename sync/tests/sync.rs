//! Syncs into SQLite files against the loopback fake: backfill then incremental runs asserted
//! from the fake's request log and credits, jobs arriving between pages, the boundary second
//! under every server reading, caps, changed filters, locks, database errors.

mod support;

use std::collections::HashSet;
use support::fake::{Fake, FakeState, spread};
use theirstack_sync::store::{SqliteStore, Store};
use theirstack_sync::{SyncError, SyncEvent, SyncJobs, parse_filters};

fn filters() -> theirstack::types::JobSearchFiltersInput {
    parse_filters(r#"{"posted_at_max_age_days": 30, "job_country_code_or": ["US"]}"#).unwrap()
}

async fn db() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("t.db")).await.unwrap();
    (dir, store)
}

fn count(dir: &tempfile::TempDir, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn no_repeats(served: &[i64]) {
    let unique: HashSet<_> = served.iter().collect();
    assert_eq!(
        unique.len(),
        served.len(),
        "a job was served (and paid) twice"
    );
}

#[tokio::test]
async fn a_backfill_then_incremental_runs_pay_once_per_job() {
    let mut state = FakeState::default();
    spread(&mut state.data, 1, 1050, 7);
    let fake = Fake::start(state).await;
    let (dir, store) = db().await;
    let client = fake.client();
    let report = SyncJobs::new("us", filters())
        .page_size(100)
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    assert!(report.backfill);
    assert_eq!(
        (report.rows, report.new_rows, report.credits),
        (1050, 1050, 1050)
    );
    assert_eq!(report.pages, 11);
    assert_eq!(count(&dir, "SELECT count(*) FROM jobs"), 1050);
    let first_run: HashSet<i64> = fake.with(|s| s.served.iter().copied().collect());
    assert_eq!(fake.with(|s| s.credits), 1050);

    // 30 new jobs, some in the second of the watermark.
    let latest = fake.with(|s| s.data.latest().unwrap());
    fake.with(|s| {
        for k in 0..30 {
            s.data.add(
                5000 + k,
                latest + chrono::Duration::microseconds(50 + k * 40_000),
            );
        }
    });
    let before = fake.with(|s| (s.requests.len(), s.served.len()));
    let report = SyncJobs::new("us", filters())
        .page_size(100)
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    assert!(!report.backfill);
    assert_eq!((report.rows, report.new_rows, report.credits), (30, 30, 30));
    fake.with(|s| {
        let second_run = &s.served[before.1..];
        assert!(
            second_run.iter().all(|id| !first_run.contains(id)),
            "asked again for a stored job"
        );
        assert_eq!(s.credits, 1080);
        let first = &s.requests[before.0];
        let cursor = latest.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        assert_eq!(first["discovered_at_gte"], cursor);
        assert!(!first["job_id_not"].as_array().unwrap().is_empty());
        no_repeats(&s.served);
    });

    // Nothing new: one request, no row, no credit.
    let report = SyncJobs::new("us", filters())
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    assert_eq!((report.rows, report.credits), (0, 0));
    assert_eq!(fake.with(|s| s.credits), 1080);
    let status = store.status(Some("us")).await.unwrap();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].rows_stored, 1080);
    assert_eq!(status[0].credits_spent, 1080);
    let last = status[0].last_run.as_ref().unwrap();
    assert_eq!((last.status.as_str(), last.rows), ("completed", 0));
    assert!(
        status[0].to_string().contains("rows stored:   1080"),
        "{}",
        status[0]
    );
}

#[tokio::test]
async fn jobs_arriving_between_pages_shift_nothing() {
    let mut state = FakeState::default();
    spread(&mut state.data, 1, 300, 3);
    let mut added = 0;
    state.hook = Some(Box::new(move |n, data| {
        if (1..=3).contains(&n) {
            let latest = data.latest().unwrap();
            for k in 0..15 {
                added += 1;
                data.add(
                    10_000 + added,
                    latest + chrono::Duration::milliseconds(k * 10),
                );
            }
        }
    }));
    let fake = Fake::start(state).await;
    let (dir, store) = db().await;
    let report = SyncJobs::new("s", filters())
        .page_size(50)
        .run(&fake.client(), &store, |_| {})
        .await
        .unwrap();
    let total = fake.with(|s| s.data.len()) as u64;
    assert_eq!(total, 345);
    assert_eq!(report.new_rows, total);
    assert_eq!(count(&dir, "SELECT count(*) FROM jobs") as u64, total);
    fake.with(|s| {
        no_repeats(&s.served);
        assert_eq!(s.credits, total);
        assert!(
            s.requests
                .iter()
                .all(|r| r.get("offset").is_none() && r.get("page").is_none())
        );
    });
}

/// Many jobs in one instant and in one second, with a server that compares at the second,
/// sends pages in reverse order and sends more rows than asked.
#[tokio::test]
async fn the_boundary_second_is_never_paid_twice() {
    for (second_precision, unordered, overflow) in [
        (false, false, 0),
        (true, false, 0),
        (true, true, 0),
        (true, true, 3),
        (false, true, 2),
    ] {
        let mut state = FakeState {
            second_precision,
            unordered,
            overflow,
            ..FakeState::default()
        };
        let instant = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00.250Z")
            .unwrap()
            .to_utc();
        for id in 1..=25 {
            state.data.add(id, instant);
        }
        for id in 26..=40 {
            state
                .data
                .add(id, instant + chrono::Duration::milliseconds(id * 10));
        }
        spread(&mut state.data, 100, 30, 10);
        let fake = Fake::start(state).await;
        let (dir, store) = db().await;
        let report = SyncJobs::new("b", filters())
            .page_size(10)
            .run(&fake.client(), &store, |_| {})
            .await
            .unwrap();
        let case = format!(
            "second_precision={second_precision} unordered={unordered} overflow={overflow}"
        );
        assert_eq!(report.new_rows, 70, "{case}");
        assert_eq!(count(&dir, "SELECT count(*) FROM jobs"), 70, "{case}");
        fake.with(|s| {
            no_repeats(&s.served);
            assert_eq!(s.credits, 70, "{case}");
            assert_eq!(report.credits, 70, "{case}");
        });
    }
}

#[tokio::test]
async fn caps_stop_a_run_and_the_next_continues() {
    let mut state = FakeState::default();
    spread(&mut state.data, 1, 400, 4);
    let fake = Fake::start(state).await;
    let (_dir, store) = db().await;
    let client = fake.client();
    let r = SyncJobs::new("c", filters())
        .max_results(250)
        .page_size(100)
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    assert_eq!((r.rows, r.credits), (250, 250));
    let r = SyncJobs::new("c", filters())
        .max_credits(100)
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    assert_eq!((r.rows, r.credits), (100, 100));
    let r = SyncJobs::new("c", filters())
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    assert_eq!(r.rows, 50);
    fake.with(|s| {
        no_repeats(&s.served);
        assert_eq!(s.credits, 400);
        assert_eq!(
            s.requests[2]["limit"], 50,
            "the last request of a capped run is cut"
        );
    });
}

#[tokio::test]
async fn changed_filters_are_refused_unless_reset() {
    let mut state = FakeState::default();
    spread(&mut state.data, 1, 20, 4);
    let fake = Fake::start(state).await;
    let (_dir, store) = db().await;
    let client = fake.client();
    SyncJobs::new("f", filters())
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    let other = parse_filters(r#"{"posted_at_max_age_days": 7}"#).unwrap();
    let err = SyncJobs::new("f", other.clone())
        .run(&client, &store, |_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::FiltersChanged { .. }), "{err}");
    assert!(err.to_string().contains("--reset"), "{err}");
    // Paging fields are not part of a sync's identity.
    let same = parse_filters(
        r#"{"job_country_code_or": ["US"], "posted_at_max_age_days": 30, "limit": 25, "page": 0}"#,
    )
    .unwrap();
    SyncJobs::new("f", same)
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    let r = SyncJobs::new("f", other)
        .reset(true)
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    assert!(r.backfill);
    assert_eq!(r.rows, 20, "a reset backfills again");
}

#[tokio::test]
async fn bad_filters_send_nothing() {
    let fake = Fake::start(FakeState::default()).await;
    let (_dir, store) = db().await;
    let client = fake.client();
    let cases = [
        (
            r#"{"discovered_at_gte": "2026-01-01"}"#,
            "posted_at_max_age_days",
        ),
        (
            r#"{"posted_at_max_age_days": 3, "order_by": [{"field": "salary"}]}"#,
            "order_by",
        ),
        (r#"{"posted_at_max_age_days": 3, "offset": 10}"#, "offset"),
        (
            r#"{"posted_at_max_age_days": 3, "blur_company_data": true}"#,
            "preview",
        ),
    ];
    for (json, needle) in cases {
        let err = SyncJobs::new("x", parse_filters(json).unwrap())
            .run(&client, &store, |_| {})
            .await
            .unwrap_err();
        assert!(matches!(err, SyncError::InvalidInput(_)), "{json}: {err}");
        assert!(err.to_string().contains(needle), "{json}: {err}");
    }
    let err = SyncJobs::new("", filters())
        .run(&client, &store, |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sync name"), "{err}");
    assert_eq!(fake.with(|s| s.requests.len()), 0);
}

#[tokio::test]
async fn a_second_run_exits_or_waits_and_a_dead_holder_does_not_block() {
    let mut state = FakeState::default();
    spread(&mut state.data, 1, 10, 4);
    let fake = Fake::start(state).await;
    let (dir, store) = db().await;
    let client = fake.client();
    let me = theirstack_sync::Holder::this_process();
    let held = store.try_lock("l", &me).await.unwrap().unwrap();
    let err = SyncJobs::new("l", filters())
        .run(&client, &store, |_| {})
        .await
        .unwrap_err();
    match &err {
        SyncError::Locked { holder, .. } => {
            assert_eq!((holder.pid, &holder.host), (me.pid, &me.host))
        }
        other => panic!("{other}"),
    }
    assert!(
        err.to_string().contains(&format!("pid {}", me.pid)),
        "{err}"
    );
    assert_eq!(
        fake.with(|s| s.requests.len()),
        0,
        "the second run fetched nothing"
    );

    // With --wait it takes the lock once the holder lets go.
    let mut held = Some(held);
    let mut waited = 0;
    let r = SyncJobs::new("l", filters())
        .wait(true)
        .lock_poll(std::time::Duration::from_millis(5))
        .run(&client, &store, |e| {
            if let SyncEvent::Waiting { .. } = e {
                waited += 1;
                drop(held.take());
            }
        })
        .await
        .unwrap();
    assert_eq!((waited, r.rows), (1, 10));

    // A live lease of another host blocks; an expired one, or one of a dead process here, does not.
    let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
    let far = "2999-01-01T00:00:00.000000Z";
    conn.execute("INSERT OR REPLACE INTO sync_locks VALUES ('l', 't', 'other-host', 42, '2026-01-01T00:00:00.000000Z', ?1)", [far]).unwrap();
    let err = SyncJobs::new("l", filters())
        .run(&client, &store, |_| {})
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("host other-host pid 42 since 2026-01-01T00:00:00Z"),
        "{err}"
    );
    conn.execute(
        "UPDATE sync_locks SET expires_at = '2000-01-01T00:00:00.000000Z'",
        [],
    )
    .unwrap();
    SyncJobs::new("l", filters())
        .run(&client, &store, |_| {})
        .await
        .unwrap();
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    conn.execute(
        "INSERT OR REPLACE INTO sync_locks VALUES ('l', 't', ?1, ?2, '2026-01-01T00:00:00.000000Z', ?3)",
        rusqlite::params![me.host, dead, far],
    )
    .unwrap();
    SyncJobs::new("l", filters())
        .run(&client, &store, |_| {})
        .await
        .unwrap();
}

#[tokio::test]
async fn a_database_error_ends_the_run_before_the_next_request() {
    let mut state = FakeState::default();
    spread(&mut state.data, 1, 100, 4);
    let fake = Fake::start(state).await;
    let (dir, store) = db().await;
    let path = dir.path().join("t.db");
    let err = SyncJobs::new("e", filters())
        .page_size(10)
        .run(&fake.client(), &store, move |e| {
            if let SyncEvent::PageFetched { number: 2, .. } = e {
                let conn = rusqlite::Connection::open(&path).unwrap();
                conn.execute_batch("DROP TABLE sync_jobs").unwrap();
            }
        })
        .await
        .unwrap_err();
    assert!(err.is_database(), "{err}");
    assert!(
        err.to_string()
            .starts_with("database error while storing a page"),
        "{err}"
    );
    assert_eq!(
        fake.with(|s| s.requests.len()),
        3,
        "no request after the failed commit"
    );
    assert_eq!(
        count(&dir, "SELECT count(*) FROM jobs"),
        20,
        "the failed page was rolled back"
    );
}

#[tokio::test]
async fn a_newer_schema_is_refused_and_migrations_apply_in_order() {
    let (dir, store) = db().await;
    drop(store);
    let path = dir.path().join("t.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(
        conn.query_row("SELECT max(version) FROM schema_migrations", [], |r| r
            .get::<_, i64>(0))
            .unwrap(),
        2
    );
    conn.execute("INSERT INTO schema_migrations VALUES (99, 'later')", [])
        .unwrap();
    let err = SqliteStore::open(&path).await.unwrap_err();
    assert!(
        matches!(
            err,
            SyncError::SchemaTooNew {
                found: 99,
                known: 2
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("newer theirstack-sync"), "{err}");

    // A version-1 database gets version 2 on open.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL); INSERT INTO schema_migrations VALUES (1, 'x');").unwrap();
    conn.execute_batch(include_str!("../src/store/sqlite_schema.sql"))
        .unwrap();
    SqliteStore::open(&path).await.unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM webhook_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}
