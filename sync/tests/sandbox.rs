//! The sync and the webhook receiver against the real sandbox (`theirstack-sandbox`) on loopback:
//! a backfill then incremental runs, jobs arriving between pages, a run stopped inside the
//! boundary second at whole-second precision, and signed deliveries (new, closed, replayed,
//! tampered) into SQLite; every claim checked from the sandbox's request log and credit counter.

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashSet};
use std::time::Duration;
use theirstack::types;
use theirstack_sandbox::{LoggedRequest, Sandbox, SandboxConfig};
use theirstack_sync::store::{SqliteStore, Store};
use theirstack_sync::{SyncEvent, SyncJobs, SyncReport, parse_filters};

/// Every synthetic job is posted in the 90 days before the sandbox's `now`: this matches all.
fn filters() -> types::JobSearchFiltersInput {
    parse_filters(r#"{"posted_at_max_age_days": 90}"#).unwrap()
}

fn config(jobs: usize) -> SandboxConfig {
    SandboxConfig::default()
        .seed(11)
        .jobs(jobs)
        .companies(20)
        .rate_limits(Vec::new())
}

async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("the sandbox starts")
}

/// A client of the sandbox that never retries (a retry would hide a request paid twice) and
/// does not pace itself (the sandbox has no rate limits here).
fn client(sandbox: &Sandbox) -> theirstack::Client {
    sandbox
        .client_builder()
        .retry_policy(theirstack::RetryPolicy::none())
        .pace_requests(false)
        .build()
        .expect("the client builds")
}

/// A SQLite file in a temporary directory, and the store on it.
struct Db {
    dir: tempfile::TempDir,
    store: SqliteStore,
}

impl Db {
    async fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("t.db")).await.unwrap();
        Db { dir, store }
    }

    fn path(&self) -> String {
        self.dir.path().join("t.db").to_string_lossy().into_owned()
    }

    fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.path()).unwrap()
    }

    fn one(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn ids(&self, sql: &str) -> BTreeSet<i64> {
        let conn = self.conn();
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// The latest `discovered_at` stored, and the ids stored in its second: what the next run
    /// must send as `discovered_at_gte` (that second) and `job_id_not`.
    fn boundary(&self) -> (DateTime<Utc>, Vec<i64>) {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id, discovered_at FROM jobs").unwrap();
        let rows: Vec<(i64, DateTime<Utc>)> = stmt
            .query_map([], |r| {
                let at: String = r.get(1)?;
                Ok((r.get(0)?, at.parse::<DateTime<Utc>>().unwrap()))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let latest = rows.iter().map(|r| r.1).max().expect("jobs stored");
        let second = latest.trunc_subsecs(0);
        let mut ids: Vec<i64> = rows.iter().filter(|r| r.1 >= second).map(|r| r.0).collect();
        ids.sort_unstable();
        (latest, ids)
    }
}

/// The paid job searches logged since `mark` (a preview count would be free; the sync sends
/// none without `with_total`, and this keeps it out if it ever does).
fn searches(sandbox: &Sandbox, mark: usize) -> Vec<LoggedRequest> {
    sandbox.requests()[mark..]
        .iter()
        .filter(|r| r.path == "/v1/jobs/search")
        .filter(|r| r.body.as_ref().map(|b| &b["blur_company_data"]) != Some(&json!(true)))
        .cloned()
        .collect()
}

fn body(r: &LoggedRequest) -> &Value {
    r.body.as_ref().expect("a logged JSON body")
}

fn job_id_not(r: &LoggedRequest) -> Vec<i64> {
    match &body(r)["job_id_not"] {
        Value::Array(ids) => ids.iter().map(|v| v.as_i64().unwrap()).collect(),
        _ => Vec::new(),
    }
}

/// The wire form of a second, as the sync sends `discovered_at_gte`.
fn wire(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Every job id the sandbox served (and charged) in `requests`, asserting none came twice.
fn served_once(requests: &[LoggedRequest]) -> Vec<i64> {
    let served: Vec<i64> = requests.iter().flat_map(|r| r.row_ids.clone()).collect();
    let unique: HashSet<_> = served.iter().collect();
    assert_eq!(unique.len(), served.len(), "a job was served (paid) twice");
    for r in requests {
        assert_eq!(r.status, 200);
        assert_eq!(r.credits, r.row_ids.len() as u64, "1 credit per job served");
    }
    served
}

async fn run(sync: SyncJobs, sandbox: &Sandbox, db: &Db) -> SyncReport {
    sync.run(&client(sandbox), &db.store, |_| {})
        .await
        .expect("the sync runs")
}

#[tokio::test]
async fn a_backfill_then_incremental_runs_pay_each_job_once() {
    let sandbox = start(config(240)).await;
    // Four jobs discovered at one instant: the backfill's watermark.
    let tied = sandbox.add_jobs(4);
    let db = Db::new().await;
    let sync = || SyncJobs::new("all", filters()).page_size(50);

    let report = run(sync(), &sandbox, &db).await;
    assert!(report.backfill);
    assert_eq!(
        (report.rows, report.new_rows, report.credits),
        (244, 244, 244)
    );
    assert_eq!(report.pages, 5, "4 full pages of 50 and a short one");
    let backfill = searches(&sandbox, 0);
    assert_eq!(backfill.len(), 5);
    assert!(
        body(&backfill[0])["discovered_at_gte"].is_null(),
        "a backfill has no bound"
    );
    let served: BTreeSet<i64> = served_once(&backfill).into_iter().collect();
    assert_eq!(sandbox.credits_used(), 244);
    assert_eq!(db.one("SELECT count(*) FROM jobs"), 244);
    assert_eq!(db.ids("SELECT job_id FROM sync_jobs"), served);

    // Nothing new: one request from the stored watermark, excluding exactly the stored jobs of
    // its second, answered with no row and no charge.
    let (latest, stored_in_second) = db.boundary();
    assert_eq!(
        stored_in_second, tied,
        "the premise: only the tied jobs in that second"
    );
    let status = db.store.status(Some("all")).await.unwrap();
    let watermark = status[0].watermark.clone().expect("a watermark");
    assert_eq!(watermark.discovered_at.0, latest);
    assert_eq!(watermark.boundary_ids, tied);
    let mark = sandbox.requests().len();
    let report = run(sync(), &sandbox, &db).await;
    assert!(!report.backfill);
    assert_eq!((report.rows, report.new_rows, report.credits), (0, 0, 0));
    let second = searches(&sandbox, mark);
    assert_eq!(second.len(), 1, "{second:?}");
    let sent = body(&second[0]);
    assert_eq!(sent["discovered_at_gte"], json!(wire(latest)));
    assert_eq!(sent["offset"], Value::Null);
    assert_eq!(job_id_not(&second[0]), tied);
    assert_eq!((second[0].rows, second[0].credits), (Some(0), 0));
    assert!(second[0].row_ids.is_empty(), "no stored job served again");
    assert_eq!(sandbox.credits_used(), 244, "no new credit");

    // Three new jobs: the next run fetches and pays for exactly them.
    let later = sandbox.add_jobs(3);
    let mark = sandbox.requests().len();
    let report = run(sync(), &sandbox, &db).await;
    assert_eq!((report.rows, report.new_rows, report.credits), (3, 3, 3));
    let third = searches(&sandbox, mark);
    assert_eq!(job_id_not(&third[0]), tied);
    assert_eq!(served_once(&third), later);
    assert_eq!(sandbox.credits_used(), 247);
    let status = db.store.status(Some("all")).await.unwrap();
    assert_eq!((status[0].rows_stored, status[0].credits_spent), (247, 247));
    assert_eq!(db.one("SELECT count(*) FROM jobs"), 247);
}

#[tokio::test]
async fn jobs_arriving_between_pages_are_stored_once_and_paid_once() {
    let sandbox = start(config(60)).await;
    let db = Db::new().await;
    let client = client(&sandbox);
    // Four jobs arrive after each of the first nine pages: while the run reads the old jobs
    // (pages 0 to 5) and while it reads the new ones (6 to 8), in the watermark's second.
    let mut added: Vec<i64> = Vec::new();
    let report = SyncJobs::new("arrivals", filters())
        .page_size(10)
        .run(&client, &db.store, |event| {
            if let SyncEvent::PageStored { number, .. } = event
                && *number < 9
            {
                added.extend(sandbox.add_jobs(4));
            }
        })
        .await
        .unwrap();
    assert_eq!(added.len(), 36);
    let first = searches(&sandbox, 0);
    let served = served_once(&first);
    assert_eq!((report.rows, report.new_rows, report.credits), (96, 96, 96));
    assert_eq!(report.pages, 10, "nine full pages and a short one");
    let mut paid: HashSet<i64> = HashSet::new();
    for r in &first {
        let b = body(r);
        assert!(
            b["offset"].is_null() && b["page"].is_null(),
            "keyset, no offset"
        );
        assert!(
            job_id_not(r).iter().all(|id| paid.contains(id)),
            "job_id_not names only jobs already stored"
        );
        paid.extend(r.row_ids.iter().copied());
    }
    assert!(
        first
            .iter()
            .any(|r| job_id_not(r).iter().any(|id| added.contains(id))),
        "the premise: a request started inside the second of arrived jobs"
    );

    // A rerun finds nothing: every job is stored once, none paid twice.
    let mark = sandbox.requests().len();
    let again = run(
        SyncJobs::new("arrivals", filters()).page_size(10),
        &sandbox,
        &db,
    )
    .await;
    assert_eq!((again.rows, again.credits), (0, 0));
    assert!(
        searches(&sandbox, mark)
            .iter()
            .all(|r| r.row_ids.is_empty())
    );
    let stored = db.ids("SELECT id FROM jobs");
    assert_eq!(stored.len(), 96);
    assert_eq!(stored, served.iter().copied().collect());
    assert!(added.iter().all(|id| stored.contains(id)));
    assert_eq!(db.one("SELECT count(*) FROM sync_jobs"), 96);
    assert_eq!(
        sandbox.credits_used(),
        96,
        "credits == distinct jobs stored"
    );
}

#[tokio::test]
async fn a_run_stopped_inside_the_boundary_second_is_resumed_without_doubles() {
    let sandbox = start(config(60).discovered_at_precision(Duration::from_secs(1))).await;
    // Two instants, most likely in one second; each batch shares one instant for sure.
    let a = sandbox.add_jobs(3);
    let b = sandbox.add_jobs(4);
    let db = Db::new().await;

    // 60 old jobs, the three of `a` and two of `b`: the cap stops inside `b`'s instant.
    let capped = SyncJobs::new("edge", filters())
        .page_size(10)
        .max_results(65);
    let report = run(capped, &sandbox, &db).await;
    assert_eq!((report.rows, report.new_rows, report.credits), (65, 65, 65));
    let first = searches(&sandbox, 0);
    let served = served_once(&first);
    assert_eq!(
        body(first.last().unwrap())["limit"],
        json!(5),
        "the cap's last request"
    );
    assert_eq!(served[60..], [a[0], a[1], a[2], b[0], b[1]]);
    let watermark = report.watermark.clone().expect("a watermark");
    let (latest, stored_in_second) = db.boundary();
    assert_eq!(watermark.discovered_at.0, latest);
    assert_eq!(watermark.boundary_ids, stored_in_second);
    assert!(
        stored_in_second.contains(&b[0]) && stored_in_second.contains(&b[1]),
        "the ids stored at the watermark instant are in the boundary: {stored_in_second:?}"
    );

    // More jobs arrive; the rerun reads the watermark's second again (whole-second precision)
    // without the jobs it stored, then the rest.
    let c = sandbox.add_jobs(2);
    let mark = sandbox.requests().len();
    let report = run(
        SyncJobs::new("edge", filters()).page_size(10),
        &sandbox,
        &db,
    )
    .await;
    assert_eq!((report.rows, report.new_rows, report.credits), (4, 4, 4));
    let rerun = searches(&sandbox, mark);
    let sent = body(&rerun[0]);
    assert_eq!(sent["discovered_at_gte"], json!(wire(latest)));
    assert_eq!(job_id_not(&rerun[0]), stored_in_second);
    let fetched = served_once(&rerun);
    assert_eq!(fetched, [b[2], b[3], c[0], c[1]]);

    let all: Vec<i64> = first
        .iter()
        .chain(&rerun)
        .flat_map(|r| r.row_ids.clone())
        .collect();
    assert_eq!(
        all.iter().collect::<HashSet<_>>().len(),
        69,
        "no job paid twice"
    );
    assert_eq!(db.one("SELECT count(*) FROM jobs"), 69, "none missed");
    assert_eq!(sandbox.credits_used(), 69, "credits == rows stored");
    let status = db.store.status(Some("edge")).await.unwrap();
    assert_eq!((status[0].rows_stored, status[0].credits_spent), (69, 69));
}

/// Webhooks end to end need the document's webhook `secret` and `active_event_types` and the
/// `job_closed` event type (July 2026 and later; TheirStack's February file has none of them).
#[cfg(all(
    theirstack_has = "WebhookCreate.secret",
    theirstack_has = "WebhookCreate.active_event_types",
    theirstack_has = "WebhookEventType=job_closed"
))]
mod webhooks {
    use super::*;
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use std::sync::{Arc, Mutex};
    use theirstack::webhooks::SIGNATURE_HEADER;
    use theirstack_sync::{ServeConfig, WebhookServer};

    const SECRET: &str = "sandbox-sync-secret-0123456789";

    /// One delivery as the sandbox sent it.
    #[derive(Debug, Clone)]
    struct Captured {
        body: Bytes,
        signature: Option<String>,
    }

    type Relay = (String, reqwest::Client, Arc<Mutex<Vec<Captured>>>);

    /// A loopback relay in front of the receiver: records each delivery's raw body and signature,
    /// forwards them unchanged, and answers what the receiver answered.
    async fn relay(target: String) -> (String, Arc<Mutex<Vec<Captured>>>) {
        async fn forward(
            State((target, http, got)): State<Relay>,
            headers: HeaderMap,
            body: Bytes,
        ) -> (StatusCode, String) {
            let signature = headers
                .get(SIGNATURE_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            got.lock().unwrap().push(Captured {
                body: body.clone(),
                signature: signature.clone(),
            });
            let (status, text) = post(&http, &target, body, signature).await;
            (StatusCode::from_u16(status).unwrap(), text)
        }
        let got = Arc::new(Mutex::new(Vec::new()));
        let state: Relay = (target, reqwest::Client::new(), got.clone());
        let app = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/relay", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, got)
    }

    async fn post(
        http: &reqwest::Client,
        url: &str,
        body: Bytes,
        signature: Option<String>,
    ) -> (u16, String) {
        let mut request = http
            .post(url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(s) = signature {
            request = request.header(SIGNATURE_HEADER, s);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    fn job_id(c: &Captured) -> i64 {
        let v: Value = serde_json::from_slice(&c.body).unwrap();
        v["payload"]["id"].as_i64().unwrap()
    }

    #[tokio::test]
    async fn webhook_deliveries_are_stored_closed_deduplicated_and_verified() {
        let sandbox = start(config(100).webhook_events(5)).await;
        let client = client(&sandbox);
        let db = Db::new().await;
        let listen = "127.0.0.1:0".parse().unwrap();
        let server =
            WebhookServer::bind(ServeConfig::new(db.path(), vec![SECRET.into()]).listen(listen))
                .await
                .unwrap();
        let receiver = format!("http://{}/hooks/theirstack", server.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        let (relay_url, captured) = relay(receiver.clone()).await;

        let saved: types::SavedSearchCreate = serde_json::from_value(json!({
            "name": "everything", "type": "jobs", "body": {"posted_at_max_age_days": 90}
        }))
        .unwrap();
        let saved = client
            .post_saved_searches_v0()
            .body(saved)
            .send()
            .await
            .unwrap()
            .into_inner();
        let create: types::WebhookCreate = serde_json::from_value(json!({
            "url": relay_url, "search_id": saved.id, "secret": SECRET,
            "active_event_types": ["job_new", "job_closed"]
        }))
        .unwrap();
        let hook = client
            .post_webhooks_v0()
            .body(create)
            .send()
            .await
            .unwrap()
            .into_inner();

        // The five most recent jobs at creation, then four jobs that arrive.
        let report = sandbox.deliver_pending().await;
        assert_eq!((report.delivered, report.failed), (5, 0));
        let new = sandbox.add_jobs(4);
        let report = sandbox.deliver_pending().await;
        assert_eq!((report.delivered, report.failed), (4, 0));
        let got = captured.lock().unwrap().clone();
        assert_eq!(got.len(), 9);
        assert!(
            got.iter().all(|c| c.signature.is_some()),
            "signed with the secret"
        );
        let delivered: BTreeSet<i64> = got.iter().map(job_id).collect();
        assert!(new.iter().all(|id| delivered.contains(id)));
        assert_eq!(db.ids("SELECT id FROM jobs"), delivered);
        assert_eq!(db.one("SELECT count(*) FROM webhook_events"), 9);
        assert_eq!(db.one("SELECT count(*) FROM jobs WHERE closed = 1"), 0);

        // Three of them close: `job.closed` deliveries mark exactly those closed.
        let initial = job_id(&got[0]);
        let closed = sandbox.close_jobs(&[new[0], new[2], initial]);
        assert_eq!(closed.len(), 3);
        let report = sandbox.deliver_pending().await;
        assert_eq!((report.delivered, report.failed), (3, 0));
        let want: BTreeSet<i64> = closed.iter().copied().collect();
        assert_eq!(
            db.ids("SELECT id FROM jobs WHERE closed = 1 AND closed_at IS NOT NULL"),
            want
        );
        assert_eq!(db.one("SELECT count(*) FROM jobs"), 9);
        assert_eq!(db.one("SELECT count(*) FROM webhook_events"), 12);
        assert_eq!(sandbox.credits_used(), 12, "one credit per job event");
        let events = client.webhook_events(hook.id).collect_all().await.unwrap();
        assert_eq!(events.len(), 12);
        assert!(
            events
                .iter()
                .all(|e| e.status == types::WebhookEventStatus::Success
                    && e.response_status_code == Some(200))
        );

        // The sandbox resends two events: answered 2xx as duplicates, stored once, not re-charged.
        let retry: types::WebhookEventRetryRequest =
            serde_json::from_value(json!({"webhook_event_ids": [events[0].id, events[10].id]}))
                .unwrap();
        client
            .post_webhooks_events_retry_v0()
            .body(retry)
            .send()
            .await
            .unwrap();
        let report = sandbox.deliver_pending().await;
        assert_eq!((report.delivered, report.failed), (2, 0));
        let events = client.webhook_events(hook.id).collect_all().await.unwrap();
        for e in [&events[0], &events[10]] {
            let answer: Value = serde_json::from_str(e.response_body.as_deref().unwrap()).unwrap();
            assert_eq!(answer["duplicate"], json!(true), "{answer}");
        }
        assert_eq!(db.one("SELECT count(*) FROM webhook_events"), 12);
        assert_eq!(sandbox.credits_used(), 12);

        // The exact bytes and signature of a captured delivery, replayed: 2xx, stored once.
        let http = reqwest::Client::new();
        let first = got[0].clone();
        let (status, answer) = post(
            &http,
            &receiver,
            first.body.clone(),
            first.signature.clone(),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(
            serde_json::from_str::<Value>(&answer).unwrap()["duplicate"],
            json!(true)
        );
        assert_eq!(db.one("SELECT count(*) FROM webhook_events"), 12);

        // One byte changed (the event id's last digit, to an id never stored), same signature: 401.
        let original: Value = serde_json::from_slice(&first.body).unwrap();
        let event_id = original["id"].as_i64().unwrap();
        let text = String::from_utf8(first.body.to_vec()).unwrap();
        let needle = format!("\"id\":{event_id}");
        let at = text.find(&needle).expect("the event id in the body") + needle.len() - 1;
        let stored_events = db.ids("SELECT event_id FROM webhook_events");
        let (tampered, forged_id) = (b'0'..=b'9')
            .filter(|&digit| digit != first.body[at])
            .map(|digit| {
                let mut bytes = first.body.to_vec();
                bytes[at] = digit;
                let forged: Value = serde_json::from_slice(&bytes).unwrap();
                (bytes, forged["id"].as_i64().unwrap())
            })
            .find(|(_, id)| !stored_events.contains(id))
            .expect("a digit that names an event never stored");
        assert_ne!(
            forged_id, event_id,
            "the premise: the top-level event id changed"
        );
        let (status, answer) = post(&http, &receiver, tampered.into(), first.signature).await;
        assert_eq!(status, 401, "{answer}");
        assert_eq!(db.ids("SELECT event_id FROM webhook_events"), stored_events);
        assert_eq!(db.one("SELECT count(*) FROM jobs"), 9);

        let _ = stop.send(());
        serving.await.unwrap().unwrap();
    }
}
