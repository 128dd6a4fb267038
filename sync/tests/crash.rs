//! Kill tests: a sync in a child process (this test binary, re-executed) is killed with SIGKILL
//! at 20 random points, each right after a request was served and charged, after a page was
//! decoded, or after a page was committed; a rerun must then lose no job, store none twice and
//! re-pay at most the one page that was in flight.

mod support;

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use support::fake::{Fake, FakeState, spread};
use theirstack_sync::store::{SqliteStore, Store};
use theirstack_sync::{SyncEvent, SyncJobs, parse_filters};

const CHILD: &str = "THEIRSTACK_SYNC_KILL_CHILD";
const TEST: &str = "killed_at_20_random_points_a_rerun_loses_and_doubles_nothing";
const JOBS: i64 = 120;
const PAGE: u64 = 20;
/// Requests of a full run: 6 full pages and the empty one that ends it.
const REQUESTS: u64 = 7;

fn filters() -> theirstack::types::JobSearchFiltersInput {
    parse_filters(r#"{"posted_at_max_age_days": 30}"#).unwrap()
}

/// Stops here, says so, and waits to be killed.
fn pause() -> ! {
    let mut out = std::io::stdout().lock();
    writeln!(out, "KILL-POINT").unwrap();
    out.flush().unwrap();
    loop {
        std::thread::park();
    }
}

fn child(spec: &str) {
    let parts: Vec<&str> = spec.split('|').collect();
    let (db, url, point, page) = (
        parts[0],
        parts[1],
        parts[2],
        parts[3].parse::<u64>().unwrap(),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = SqliteStore::open(db).await.unwrap();
        let client = support::fake::client(url);
        SyncJobs::new("k", filters())
            .page_size(PAGE)
            .run(&client, &store, |e| match (point, e) {
                ("decode", SyncEvent::PageFetched { number, .. }) if *number == page => pause(),
                ("commit", SyncEvent::PageStored { number, .. }) if *number == page => pause(),
                _ => {}
            })
            .await
            .unwrap();
    });
    println!("DONE");
}

#[test]
fn killed_at_20_random_points_a_rerun_loses_and_doubles_nothing() {
    if let Ok(spec) = std::env::var(CHILD) {
        return child(&spec);
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(parent());
}

async fn parent() {
    let mut rng = fastrand::Rng::with_seed(20_260_101);
    for round in 0..20 {
        let point = ["request", "decode", "commit"][rng.usize(..3)];
        let page = rng.u64(..REQUESTS);
        let case = format!("round {round}: killed after the {point} of page {page}");
        eprintln!("{case}");
        let mut state = FakeState::default();
        spread(&mut state.data, 1, JOBS, 4);
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        if point == "request" {
            state.hold = Some((page as usize, held_tx));
        }
        let fake = Fake::start(state).await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.db");
        let spec = format!("{}|{}|{point}|{page}", db.display(), fake.url());
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
            .env(CHILD, spec)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reached = tokio::task::spawn_blocking(move || {
            if point == "request" {
                return held_rx
                    .recv_timeout(std::time::Duration::from_secs(120))
                    .is_ok();
            }
            std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .any(|line| line.ends_with("KILL-POINT"))
        })
        .await
        .unwrap();
        assert!(reached, "{case}: the child never reached its kill point");
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let served_by_child = fake.with(|s| s.served.len());

        fake.with(|s| s.hold = None);
        let store = SqliteStore::open(&db).await.unwrap();
        SyncJobs::new("k", filters())
            .page_size(PAGE)
            .run(&fake.client(), &store, |_| {})
            .await
            .unwrap();

        let conn = rusqlite::Connection::open(&db).unwrap();
        let one = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(
            one("SELECT count(*) FROM jobs"),
            JOBS,
            "{case}: a job was lost"
        );
        assert_eq!(one("SELECT count(DISTINCT id) FROM jobs"), JOBS, "{case}");
        assert_eq!(one("SELECT count(*) FROM sync_jobs"), JOBS, "{case}");
        let status = store.status(Some("k")).await.unwrap().remove(0);
        assert_eq!(
            status.rows_stored, JOBS,
            "{case}: rows stored counted twice or lost"
        );
        let statuses: Vec<String> = conn
            .prepare("SELECT status FROM sync_runs ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(statuses, ["interrupted", "completed"], "{case}");

        fake.with(|s| {
            let mut times: HashMap<i64, usize> = HashMap::new();
            for id in &s.served {
                *times.entry(*id).or_default() += 1;
            }
            let repaid: Vec<i64> = times
                .iter()
                .filter(|(_, n)| **n > 1)
                .map(|(id, _)| *id)
                .collect();
            assert!(
                times.values().all(|n| *n <= 2),
                "{case}: a job was paid three times"
            );
            assert!(
                repaid.len() as u64 <= PAGE,
                "{case}: re-paid {} jobs",
                repaid.len()
            );
            if point == "commit" {
                assert!(repaid.is_empty(), "{case}: a committed page was paid again");
            }
            // Whatever was re-paid was the child's last request, the page in flight.
            let last_page =
                &s.served[served_by_child.saturating_sub(PAGE as usize)..served_by_child];
            assert!(repaid.iter().all(|id| last_page.contains(id)), "{case}");
            assert_eq!(s.credits as usize, JOBS as usize + repaid.len(), "{case}");
            assert!(status.credits_spent as u64 >= JOBS as u64, "{case}");
        });
    }
}
