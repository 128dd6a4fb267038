//! `--look-ahead`: `auto` (the default) or a number from 1 to 8, anything else refused before a
//! request. A depth other than 1 asks the first page for `total_results` (so that no request of
//! the window goes past the end), which tells the mock which depth the pull used.

mod support;

use httpmock::Method::POST;
use serde_json::{Value, json};
use support::*;

/// A job search mock answering `ids` to a first request whose `include_total_results` is
/// `with_total`.
fn search<'a>(
    server: &'a httpmock::MockServer,
    with_total: bool,
    ids: &[i64],
) -> httpmock::Mock<'a> {
    let rows: Vec<Value> = ids.iter().copied().map(job).collect();
    server.mock(|when, then| {
        authed(when, POST, "/v1/jobs/search").json_body_includes(
            json!({"posted_at_max_age_days": 7, "offset": 0, "limit": 3, "include_total_results": with_total})
                .to_string(),
        );
        then.status(200)
            .json_body(json!({"data": rows, "metadata": {"total_results": 3}}));
    })
}

fn ids(stdout: &str) -> Vec<i64> {
    stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect()
}

#[test]
#[cfg(theirstack_has = "op:search_jobs_v1")]
fn auto_is_the_default_and_a_fixed_depth_of_one_pages_in_order() {
    let server = httpmock::MockServer::start();
    let windowed = search(&server, true, &[1, 2, 3]);
    let sequential = search(&server, false, &[11, 12, 13]);
    let pull = |extra: &[&str]| {
        let (code, stdout, stderr) = run(mock_cli(&server)
            .args([
                "jobs",
                "search",
                "--max-age-days",
                "7",
                "--max-results",
                "3",
                "--format",
                "ndjson",
            ])
            .args(extra));
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        ids(&stdout)
    };
    // No flag: auto, a window that asks for the total.
    assert_eq!(pull(&[]), [1, 2, 3]);
    assert_eq!(pull(&["--look-ahead", "auto"]), [1, 2, 3]);
    assert_eq!(pull(&["--look-ahead", "AUTO"]), [1, 2, 3]);
    assert_eq!(pull(&["--look-ahead", "4"]), [1, 2, 3]);
    windowed.assert_calls(4);
    // One request at a time needs no total.
    assert_eq!(pull(&["--look-ahead", "1"]), [11, 12, 13]);
    sequential.assert_calls(1);
}

#[test]
fn a_depth_that_is_not_auto_or_1_to_8_is_refused_before_any_request() {
    let server = httpmock::MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    for bad in ["0", "9", "x", "-1", ""] {
        let (code, stdout, stderr) = run(mock_cli(&server)
            .args(["jobs", "search", "--max-age-days", "7"])
            .arg(format!("--look-ahead={bad}")));
        assert_eq!((code, stdout.as_str()), (2, ""), "{bad:?}: {stderr}");
        assert!(
            stderr.contains("--look-ahead")
                && stderr.contains("expected `auto` or a number from 1 to 8"),
            "{bad:?}: {stderr}"
        );
    }
    any.assert_calls(0);
}

#[test]
fn the_help_names_auto_as_the_default() {
    let mut cmd = assert_cmd::Command::cargo_bin("theirstack").unwrap();
    cmd.args(["jobs", "search", "--help"]);
    let (code, stdout, _) = run(&mut cmd);
    assert_eq!(code, 0);
    let entry: String = stdout
        .split("--look-ahead")
        .nth(1)
        .expect("the option is listed")
        .split("\n  -")
        .next()
        .unwrap()
        .to_string();
    assert!(
        entry.contains("auto|N") && entry.contains("[default: auto]"),
        "{entry}"
    );
}
