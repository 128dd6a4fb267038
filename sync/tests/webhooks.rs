//! `webhooks serve` end to end on loopback: signed deliveries stored, a replay ignored, a
//! tampered or unsigned one refused with 401 and a bad body with 400 (nothing stored), the
//! secret rotation, the size limit (413 before the body is read), slow clients (408) and a
//! database that cannot be written (503, so TheirStack retries).

use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use theirstack::webhooks::{SIGNATURE_HEADER, sign};
use theirstack_sync::store::SqliteStore;
use theirstack_sync::webhooks::{Limits, ServeConfig, WebhookServer, router, verifier};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const OLD: &str = "old-secret-0123456789";
const NEW: &str = "new-secret-0123456789";

struct Server {
    url: String,
    addr: std::net::SocketAddr,
    dir: tempfile::TempDir,
    http: reqwest::Client,
}

impl Server {
    async fn start(busy: Duration, limits: Limits) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_with(dir.path().join("w.db"), busy)
            .await
            .unwrap();
        let app = router(
            Arc::new(store),
            verifier(&[OLD.into(), NEW.into()]).unwrap(),
            limits,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = WebhookServer::from_parts(listener, app, limits.header_timeout);
        let addr = server.local_addr().unwrap();
        tokio::spawn(server.run(std::future::pending()));
        Server {
            url: format!("http://{addr}/hooks/theirstack"),
            addr,
            dir,
            http: reqwest::Client::new(),
        }
    }

    async fn post(&self, body: &str, signature: Option<String>) -> (u16, serde_json::Value) {
        let mut request = self.http.post(&self.url).body(body.to_owned());
        if let Some(s) = signature {
            request = request.header(SIGNATURE_HEADER, s);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }

    fn one(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.dir.path().join("w.db")).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

fn job(id: i64) -> serde_json::Value {
    json!({
        "id": id, "job_title": "Data engineer", "url": "https://jobs.example/1",
        "date_posted": "2026-01-02", "company": "Acme", "source_url": "https://board.example/1",
        "discovered_at": "2026-01-02T03:04:05", "keyword_slugs": ["python"], "remote": true,
        "company_object": {"id": "acme", "name": "Acme", "domain": "acme.example"}
    })
}

#[tokio::test]
async fn signed_deliveries_are_stored_once_and_bad_ones_never() {
    let server = Server::start(Duration::from_secs(5), Limits::default()).await;
    let body = json!({"id": 1, "type": "job.new", "payload": job(77)}).to_string();
    let (status, answer) = server.post(&body, Some(sign(OLD, body.as_bytes()))).await;
    assert_eq!((status, &answer["stored"]), (200, &json!(true)), "{answer}");
    assert_eq!(
        server.one("SELECT count(*) FROM jobs WHERE id = 77 AND company_domain = 'acme.example'"),
        1
    );
    assert_eq!(
        server.one("SELECT count(*) FROM companies WHERE id = 'acme'"),
        1
    );
    // The raw payload is kept: the webhook's own field names survive.
    assert_eq!(
        server.one(
            "SELECT count(*) FROM jobs WHERE json_extract(job, '$.keyword_slugs[0]') = 'python'"
        ),
        1
    );

    // A replay is answered 2xx (TheirStack stops retrying) and changes nothing.
    let (status, answer) = server.post(&body, Some(sign(OLD, body.as_bytes()))).await;
    assert_eq!(
        (status, &answer["duplicate"]),
        (200, &json!(true)),
        "{answer}"
    );
    assert_eq!(server.one("SELECT count(*) FROM webhook_events"), 1);

    // Tampered, unsigned, or signed with an unknown secret: 401, nothing stored.
    let tampered = body.replace("Data engineer", "Free money");
    let (status, _) = server
        .post(
            &tampered.replace("\"id\":1", "\"id\":2"),
            Some(sign(OLD, body.as_bytes())),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(server.post(&body, None).await.0, 401);
    assert_eq!(
        server
            .post(&body, Some(sign("another-secret-0123456", body.as_bytes())))
            .await
            .0,
        401
    );
    assert_eq!(server.post(&body, Some("sha256=zz".into())).await.0, 401);
    assert_eq!(server.one("SELECT count(*) FROM webhook_events"), 1);
    assert_eq!(
        server.one("SELECT count(*) FROM jobs WHERE title = 'Free money'"),
        0
    );

    // Signed but unreadable: 400, nothing stored.
    for bad in [
        "{not json",
        r#"{"id": 3, "type": "job.new", "payload": {"id": "x"}}"#,
    ] {
        let (status, answer) = server.post(bad, Some(sign(NEW, bad.as_bytes()))).await;
        assert_eq!(status, 400, "{bad}: {answer}");
    }
    assert_eq!(server.one("SELECT count(*) FROM webhook_events"), 1);

    // The new secret of a rotation; company.new; job.closed; an unknown type kept as is.
    let company = json!({"id": 4, "type": "company.new", "payload": {"id": "beta", "name": "Beta", "employee_count": 12}}).to_string();
    assert_eq!(
        server
            .post(&company, Some(sign(NEW, company.as_bytes())))
            .await
            .0,
        200
    );
    assert_eq!(
        server.one("SELECT employee_count FROM companies WHERE id = 'beta'"),
        12
    );
    let mut closed_job = job(77);
    closed_job["closed_at"] = json!("2026-02-01T00:00:00Z");
    let closed = json!({"id": 5, "type": "job.closed", "payload": closed_job}).to_string();
    assert_eq!(
        server
            .post(&closed, Some(sign(NEW, closed.as_bytes())))
            .await
            .0,
        200
    );
    assert_eq!(server.one("SELECT closed FROM jobs WHERE id = 77"), 1);
    // A job.closed carrying only the job's id still closes it.
    let stored = json!({"id": 8, "type": "job.new", "payload": job(78)}).to_string();
    assert_eq!(
        server
            .post(&stored, Some(sign(NEW, stored.as_bytes())))
            .await
            .0,
        200
    );
    let minimal = json!({"id": 10, "type": "job.closed", "payload": {"id": 78, "closed_at": "2026-02-02T00:00:00Z"}}).to_string();
    assert_eq!(
        server
            .post(&minimal, Some(sign(NEW, minimal.as_bytes())))
            .await
            .0,
        200
    );
    assert_eq!(server.one("SELECT closed FROM jobs WHERE id = 78"), 1);
    assert_eq!(
        server
            .post(&minimal, Some(sign(NEW, minimal.as_bytes())))
            .await
            .0,
        200
    );
    let other = json!({"id": 6, "type": "tech.new", "payload": {"x": 1}}).to_string();
    assert_eq!(
        server
            .post(&other, Some(sign(NEW, other.as_bytes())))
            .await
            .0,
        200
    );
    assert_eq!(server.one("SELECT count(*) FROM webhook_events"), 6);
    // A later job.new of the same job updates it and keeps it closed.
    let again = json!({"id": 7, "type": "job.new", "payload": job(77)}).to_string();
    assert_eq!(
        server
            .post(&again, Some(sign(NEW, again.as_bytes())))
            .await
            .0,
        200
    );
    assert_eq!(server.one("SELECT closed FROM jobs WHERE id = 77"), 1);
}

#[tokio::test]
async fn limits_and_an_unavailable_database() {
    let limits = Limits::default()
        .max_body(2048)
        .timeouts(Duration::from_secs(5), Duration::from_millis(300));
    let server = Server::start(Duration::from_millis(50), limits).await;

    // Over the limit: 413 from the declared length, before the body is read.
    let big = format!(r#"{{"id": 1, "type": "x", "pad": "{}"}}"#, "a".repeat(4096));
    assert_eq!(
        server.post(&big, Some(sign(OLD, big.as_bytes()))).await.0,
        413
    );
    // Without a declared length (chunked), 413 once the limit is passed.
    let chunks = futures::stream::iter(vec![Ok::<_, std::io::Error>(big.clone().into_bytes())]);
    let response = server
        .http
        .post(&server.url)
        .header(SIGNATURE_HEADER, sign(OLD, big.as_bytes()))
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);

    // A client that declares a body and never sends it: 408.
    let mut socket = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    socket
        .write_all(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{")
        .await
        .unwrap();
    let mut answer = vec![0; 64];
    let n = socket.read(&mut answer).await.unwrap();
    assert!(
        String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 408"),
        "{:?}",
        String::from_utf8_lossy(&answer[..n])
    );

    // Another writer holds the database: 503 (TheirStack retries), then 200 once it lets go.
    let body = json!({"id": 9, "type": "job.new", "payload": job(9)}).to_string();
    let blocker = rusqlite::Connection::open(server.dir.path().join("w.db")).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let (status, answer) = server.post(&body, Some(sign(OLD, body.as_bytes()))).await;
    assert_eq!(status, 503, "{answer}");
    blocker.execute_batch("ROLLBACK").unwrap();
    assert_eq!(server.one("SELECT count(*) FROM webhook_events"), 0);
    assert_eq!(
        server.post(&body, Some(sign(OLD, body.as_bytes()))).await.0,
        200
    );
    let health = server
        .http
        .get(format!("http://{}/healthz", server.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

#[tokio::test]
async fn serve_listens_on_loopback_and_checks_its_secrets() {
    let config = ServeConfig::new("x.db", vec![OLD.into()]);
    assert!(config.listen.ip().is_loopback());
    assert!(
        !format!("{config:?}").contains(OLD),
        "the secret is redacted"
    );
    let err = match WebhookServer::bind(ServeConfig::new("x.db", vec!["short".into()])).await {
        Err(e) => e,
        Ok(_) => panic!("a short secret was accepted"),
    };
    assert!(err.to_string().contains("at least 16"), "{err}");
    let err = match WebhookServer::bind(ServeConfig::new("x.db", vec![])).await {
        Err(e) => e,
        Ok(_) => panic!("no secret was accepted"),
    };
    assert!(err.to_string().contains("--secret"), "{err}");
}
