//! `theirstack webhooks serve`, the real binary on a free loopback port: signed deliveries stored
//! (read back from the SQLite file), a replay stored once, a tampered body refused with 401, the
//! second secret of a rotation, `job.closed`, secrets from the environment; SIGINT and SIGTERM
//! stop it with exit code 0, and no secret is ever printed.

mod support;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use support::refused;
use theirstack::webhooks::{SIGNATURE_HEADER, sign};

const OLD: &str = "old-webhook-secret-0123456789";
const NEW: &str = "new-webhook-secret-9876543210";
/// How long the receiver may take to start or to stop.
const BOUND: Duration = Duration::from_secs(60);

/// A running `webhooks serve` on 127.0.0.1:0 with its database in a temp dir.
struct Receiver {
    child: Child,
    url: String,
    lines: mpsc::Receiver<String>,
    stderr: std::thread::JoinHandle<String>,
    dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Receiver {
    /// Starts the binary with `args` after `webhooks serve --db FILE --listen 127.0.0.1:0`, and
    /// `env` as $THEIRSTACK_WEBHOOK_SECRET; returns once it printed its address.
    fn start(args: &[&str], env: Option<&str>) -> Receiver {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("theirstack"));
        cmd.env_remove("THEIRSTACK_API_KEY")
            .env_remove("THEIRSTACK_DB")
            .env_remove("THEIRSTACK_WEBHOOK_SECRET");
        if let Some(value) = env {
            cmd.env("THEIRSTACK_WEBHOOK_SECRET", value);
        }
        cmd.args(["webhooks", "serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(dir.path().join("w.db"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        // The address, once bound; an early exit ends the channel at once.
        let first = lines
            .recv_timeout(BOUND)
            .expect("the receiver prints the address it listens on");
        let addr = first
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"));
        let addr: std::net::SocketAddr = addr.parse().unwrap();
        assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Receiver {
            child,
            url: format!("http://{addr}"),
            lines,
            stderr,
            dir,
            rt,
            http: reqwest::Client::new(),
        }
    }

    /// Posts `body` with `signature` (none: no header); the status and the JSON answer.
    fn post(&self, body: &[u8], signature: Option<String>) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}/hooks/theirstack", self.url))
            .body(body.to_vec());
        if let Some(s) = signature {
            request = request.header(SIGNATURE_HEADER, s);
        }
        self.rt.block_on(async {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json().await.unwrap_or_default())
        })
    }

    /// Posts `body` signed with `secret`.
    fn deliver(&self, body: &[u8], secret: &str) -> (u16, Value) {
        self.post(body, Some(sign(secret, body)))
    }

    /// One number from the SQLite file.
    fn one(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.dir.path().join("w.db")).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Sends `signal`, then waits (bounded) for the exit: its code, and everything printed after
    /// the address on stdout and on stderr.
    fn stop(self, signal: nix::sys::signal::Signal) -> (Option<i32>, String, String) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        nix::sys::signal::kill(pid, signal).unwrap();
        let mut child = self.child;
        let (tx, exited) = mpsc::channel();
        std::thread::spawn(move || tx.send(child.wait()));
        let status = exited
            .recv_timeout(BOUND)
            .expect("the receiver stops on the signal")
            .unwrap();
        let stdout: Vec<String> = self.lines.try_iter().collect();
        (
            status.code(),
            stdout.join("\n"),
            self.stderr.join().unwrap(),
        )
    }
}

/// A delivery fixture of the repository (`tests/data/webhooks`), as bytes.
fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tests/data/webhooks/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn no_secret_in(text: &str) {
    for secret in [OLD, NEW] {
        assert!(!text.contains(secret), "a secret was printed: {text}");
    }
}

#[test]
fn webhooks_serve_stores_signed_deliveries_and_stops_on_sigint() {
    let r = Receiver::start(&["--secret", OLD, "--secret", NEW], None);
    let body = fixture("job-new.constructed-example.json");
    let job_id = 77001234;

    let (status, answer) = r.deliver(&body, OLD);
    assert_eq!((status, &answer["stored"]), (200, &json!(true)), "{answer}");
    assert_eq!(
        r.one(&format!("SELECT count(*) FROM jobs WHERE id = {job_id}")),
        1
    );
    assert_eq!(
        r.one("SELECT count(*) FROM companies WHERE id = 'northwind-logistics'"),
        1
    );
    assert_eq!(
        r.one(&format!("SELECT closed FROM jobs WHERE id = {job_id}")),
        0
    );

    // A replay: 2xx (TheirStack stops retrying), stored once.
    let (status, answer) = r.deliver(&body, OLD);
    assert_eq!(
        (status, &answer["duplicate"]),
        (200, &json!(true)),
        "{answer}"
    );
    assert_eq!(r.one("SELECT count(*) FROM webhook_events"), 1);
    assert_eq!(r.one("SELECT count(*) FROM jobs"), 1);

    // Tampered (another event id and title under the original signature), or unsigned: 401,
    // nothing stored.
    let text = String::from_utf8(body.clone()).unwrap();
    let tampered = text
        .replace("Staff Data Platform Engineer", "Free money")
        .replace("5550001", "5550009");
    assert_ne!(tampered, text);
    let (status, _) = r.post(tampered.as_bytes(), Some(sign(OLD, &body)));
    assert_eq!(status, 401);
    assert_eq!(r.post(&body, None).0, 401);
    assert_eq!(r.one("SELECT count(*) FROM webhook_events"), 1);
    assert_eq!(
        r.one("SELECT count(*) FROM jobs WHERE title = 'Free money'"),
        0
    );

    // The second secret of a rotation: accepted.
    let other = json!({"id": 5550010, "type": "job.new", "payload": support::job(42)}).to_string();
    let (status, answer) = r.deliver(other.as_bytes(), NEW);
    assert_eq!((status, &answer["stored"]), (200, &json!(true)), "{answer}");
    assert_eq!(r.one("SELECT count(*) FROM jobs WHERE id = 42"), 1);

    // Signed but unreadable: 400, nothing stored.
    assert_eq!(r.deliver(b"{not json", NEW).0, 400);
    assert_eq!(r.one("SELECT count(*) FROM webhook_events"), 2);

    // job.closed marks the stored job closed, and only it.
    let mut closed: Value = serde_json::from_slice(&body).unwrap();
    closed["id"] = json!(5550011);
    closed["type"] = json!("job.closed");
    closed["payload"]["closed_at"] = json!("2026-03-10T00:00:00Z");
    let closed = closed.to_string();
    let (status, answer) = r.deliver(closed.as_bytes(), NEW);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        r.one(&format!("SELECT closed FROM jobs WHERE id = {job_id}")),
        1
    );
    assert_eq!(r.one("SELECT closed FROM jobs WHERE id = 42"), 0);

    let health =
        r.rt.block_on(r.http.get(format!("{}/healthz", r.url)).send())
            .unwrap();
    assert_eq!(health.status().as_u16(), 200);

    let (code, stdout, stderr) = r.stop(nix::sys::signal::Signal::SIGINT);
    assert_eq!(code, Some(0), "stderr: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    no_secret_in(&stdout);
}

#[test]
fn webhooks_serve_takes_its_secrets_from_the_environment_and_stops_on_sigterm() {
    // Two secrets, one per line, none on the command line.
    let r = Receiver::start(&[], Some(&format!("{OLD}\n{NEW}\n")));
    let company = fixture("company-new.constructed-example.json");
    let (status, answer) = r.deliver(&company, NEW);
    assert_eq!((status, &answer["stored"]), (200, &json!(true)), "{answer}");
    assert_eq!(
        r.one("SELECT count(*) FROM companies WHERE id = 'northwind-logistics'"),
        1
    );
    let job = json!({"id": 7, "type": "job.new", "payload": support::job(8)}).to_string();
    assert_eq!(r.deliver(job.as_bytes(), OLD).0, 200);
    assert_eq!(
        r.deliver(job.as_bytes(), "another-secret-0123456789").0,
        401
    );
    assert_eq!(r.one("SELECT count(*) FROM webhook_events"), 2);
    let (code, stdout, stderr) = r.stop(nix::sys::signal::Signal::SIGTERM);
    assert_eq!(code, Some(0), "stderr: {stderr}");
    no_secret_in(&stdout);
    no_secret_in(&stderr);
}

#[test]
fn webhooks_serve_refuses_missing_or_short_secrets_without_printing_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db").display().to_string();
    let serve = || {
        let mut cmd = assert_cmd::Command::cargo_bin("theirstack").unwrap();
        cmd.env_remove("THEIRSTACK_WEBHOOK_SECRET")
            .env_remove("THEIRSTACK_DB")
            .args(["webhooks", "serve", "--listen", "127.0.0.1:0", "--db", &db]);
        cmd
    };
    let (code, err) = refused(&mut serve());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--secret") && err.contains("THEIRSTACK_WEBHOOK_SECRET"),
        "{err}"
    );
    let short = "tiny-Secret";
    let (code, err) = refused(serve().args(["--secret", short]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("at least 16"), "{err}");
    assert!(!err.contains(short), "{err}");
    let (code, err) = refused(serve().args(["--secret", OLD, "--secret", short]));
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains(short) && !err.contains(OLD), "{err}");

    // Loopback unless told otherwise, and the secret's variable (not its value), in the help.
    let (code, help, _) = support::run(
        serve()
            .env("THEIRSTACK_WEBHOOK_SECRET", OLD)
            .env("THEIRSTACK_DB", "postgres://u:Db-Pa55word@h/db")
            .arg("--help"),
    );
    assert_eq!(code, 0);
    assert!(help.contains("[default: 127.0.0.1:8787]"), "{help}");
    assert!(help.contains("THEIRSTACK_WEBHOOK_SECRET"), "{help}");
    assert!(help.contains("SIGTERM"), "{help}");
    no_secret_in(&help);
    assert!(!help.contains("Db-Pa55word"), "{help}");
}
