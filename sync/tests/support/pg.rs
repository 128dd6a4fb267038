//! A PostgreSQL server for the tests: `THEIRSTACK_TEST_POSTGRES_URL` (set by `.ci/postgres.sh`),
//! or one this process starts with that script (stopped when the process exits). Each test gets
//! a database of its own. Without a server, tests are skipped with the reason printed, except
//! under CI, where that is a failure.
#![allow(dead_code)]

use std::sync::OnceLock;

fn server() -> Option<&'static str> {
    static URL: OnceLock<Option<String>> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("THEIRSTACK_TEST_POSTGRES_URL") {
            return Some(url);
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/postgres.sh");
        let started = std::process::Command::new("bash")
            .args([script, "start", "--owner-pid", &std::process::id().to_string()])
            .output();
        let reason = match started {
            Ok(out) if out.status.success() => {
                let text = String::from_utf8_lossy(&out.stdout);
                let url = text.lines().find_map(|l| {
                    l.strip_prefix("export THEIRSTACK_TEST_POSTGRES_URL='")
                        .and_then(|rest| rest.strip_suffix('\''))
                        .map(str::to_owned)
                });
                match url {
                    Some(url) => return Some(url),
                    None => "the script printed no URL".to_owned(),
                }
            }
            Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            Err(e) => e.to_string(),
        };
        if std::env::var_os("CI").is_some() {
            panic!("no PostgreSQL server for the tests under CI: {reason}");
        }
        eprintln!("skipped: no PostgreSQL server (THEIRSTACK_TEST_POSTGRES_URL unset and .ci/postgres.sh failed: {reason})");
        None
    })
    .as_deref()
}

/// The URL of a new, empty database, or `None` (skip) without a server.
pub async fn database() -> Option<String> {
    let base = server()?;
    let (client, connection) = tokio_postgres::connect(base, tokio_postgres::NoTls)
        .await
        .expect("connect to the test server");
    tokio::spawn(connection);
    let name = format!("ts_{}_{:x}", std::process::id(), fastrand::u64(..));
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (head, _) = base.rsplit_once('/').expect("a URL with a database");
    Some(format!("{head}/{name}"))
}

/// One number from `sql`.
pub async fn one(url: &str, sql: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client.query_one(sql, &[]).await.unwrap().get::<_, i64>(0)
}
