//! What the CLI's integration tests share: the binary pointed at a sandbox or a mock server,
//! running it with the key checked absent from both streams, and reading its output.

#![allow(dead_code)] // Each test file uses some of these.

use assert_cmd::Command;
use serde_json::Value;
use std::time::Duration;
use theirstack_sandbox::{Sandbox, SandboxConfig};

/// Reads a fixture from `cli/tests/data`.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A minimal valid job row with this id.
pub fn job(id: i64) -> Value {
    serde_json::json!({
        "id": id,
        "job_title": format!("Data Engineer {id}"),
        "url": format!("https://jobs.example.test/{id}"),
        "date_posted": "2026-03-01",
        "company": "Acme Analytics",
        "source_url": "https://boards.example.test/acme",
        "discovered_at": "2026-03-02T08:15:00",
        "company_object": {"id": "acme-analytics", "name": "Acme Analytics"}
    })
}

/// The sandbox's key in these tests; it must never be printed.
pub const KEY: &str = "sk_cli_test_K3y_0123456789abcdef";

/// A sandbox running on its own runtime for the life of a test.
pub struct Running {
    pub sandbox: Sandbox,
    pub _runtime: tokio::runtime::Runtime,
}

pub fn sandbox(config: SandboxConfig) -> Running {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime
        .block_on(Sandbox::start(config.api_key(KEY)))
        .expect("sandbox starts");
    Running {
        sandbox,
        _runtime: runtime,
    }
}

pub fn default_sandbox() -> Running {
    sandbox(SandboxConfig::default())
}

/// The binary, pointed at the sandbox, with no key in its environment.
pub fn cli(running: &Running) -> Command {
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env_remove("THEIRSTACK_API_KEY")
        .env_remove("THEIRSTACK_BASE_URL")
        .args(["--base-url", running.sandbox.base_url(), "--api-key", KEY]);
    cmd
}

/// Runs and returns (exit code, stdout, stderr), checking the key is in neither stream.
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.timeout(Duration::from_secs(60)).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !stdout.contains(KEY) && !stderr.contains(KEY),
        "the key leaked:\n{stdout}\n{stderr}"
    );
    assert!(
        !stdout.contains("K3y_0123") && !stderr.contains("K3y_0123"),
        "part of the key leaked"
    );
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

pub fn ok_json(cmd: &mut Command) -> Value {
    let (code, stdout, stderr) = run(cmd);
    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(
        stderr.is_empty(),
        "no progress on a non-terminal stderr: {stderr}"
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

pub fn csv_records(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

pub fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "theirstack-cli-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `Authorization` header the CLI sends with `--api-key KEY`.
pub fn bearer() -> String {
    format!("Bearer {KEY}")
}

/// A mock's match for an authenticated endpoint: method, path, and the key as a bearer token,
/// so a CLI that forgot the key gets a 404 from the mock, not the answer.
pub fn authed(when: httpmock::When, method: httpmock::Method, path: &str) -> httpmock::When {
    when.method(method)
        .path(path)
        .header("authorization", bearer())
}

/// Whether a request's JSON body has this top-level key (with any value, `null` included).
pub fn body_has_key(req: &httpmock::HttpMockRequest, key: &str) -> bool {
    serde_json::from_slice::<Value>(req.body_ref())
        .map(|body| body.get(key).is_some())
        .unwrap_or(false)
}

/// The binary, pointed at a mock server, with the test key and no key in its environment.
pub fn mock_cli(server: &httpmock::MockServer) -> Command {
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env_remove("THEIRSTACK_API_KEY")
        .env_remove("THEIRSTACK_BASE_URL")
        .args(["--base-url", &server.base_url(), "--api-key", KEY]);
    cmd
}

/// Runs and returns (exit code, stdout, stderr) for a command expected to fail before any
/// request, checking the failure is on one line.
pub fn refused(cmd: &mut Command) -> (i32, String) {
    let (code, stdout, stderr) = run(cmd);
    assert!(stdout.is_empty(), "nothing on stdout: {stdout}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    (code, stderr)
}
