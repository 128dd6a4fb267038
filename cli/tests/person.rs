//! The CLI as a person meets it: the help groups the global options under their own heading,
//! errors show their cause, an empty csv pull still has a header, and a country code that is
//! not ISO 3166-1 alpha-2 is refused before any request.

mod support;

use assert_cmd::Command;
use support::*;

const GLOBAL_OPTIONS: [&str; 11] = [
    "--api-key",
    "--base-url",
    "--format",
    "--columns",
    "--max-results",
    "--max-credits",
    "--page-size",
    "--look-ahead",
    "--yes",
    "--sandbox",
    "--quiet",
];

/// The sections of a help text: heading, and the option names under it.
fn sections(help: &str) -> Vec<(String, Vec<String>)> {
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in help.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            sections.push((line.trim_end_matches(':').to_string(), Vec::new()));
        } else if let Some((_, options)) = sections.last_mut() {
            let trimmed = line.trim_start();
            // `-y, --yes` or `--title <TEXT>`: the long name, at the start of an entry.
            if trimmed.starts_with('-')
                && line.len() - trimmed.len() <= 6
                && let Some(long) = trimmed.split([' ', ',']).find(|w| w.starts_with("--"))
            {
                options.push(long.to_string());
            }
        }
    }
    sections
}

#[test]
fn the_help_lists_global_options_under_their_own_heading() {
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.args(["jobs", "search", "--help"]);
    let (code, stdout, _) = run(&mut cmd);
    assert_eq!(code, 0);
    let listed = sections(&stdout);
    let find = |name: &str| {
        listed
            .iter()
            .find(|(heading, _)| heading == name)
            .map(|(_, options)| options.clone())
            .unwrap_or_else(|| panic!("no `{name}` heading in:\n{stdout}"))
    };
    let global = find("Global options");
    assert_eq!(global, GLOBAL_OPTIONS, "{stdout}");
    let own = find("Job filters");
    for flag in ["--title", "--country", "--max-age-days", "--filters"] {
        assert!(own.contains(&flag.to_string()), "{flag} in {own:?}");
    }
    // No global option among the command's own, nor anywhere but its heading.
    for (heading, options) in &listed {
        if heading != "Global options" {
            assert!(
                !options.iter().any(|o| GLOBAL_OPTIONS.contains(&o.as_str())),
                "{heading}: {options:?}"
            );
        }
    }
    // The top-level help too.
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.arg("--help");
    let (_, stdout, _) = run(&mut cmd);
    let top = sections(&stdout);
    assert!(
        top.iter()
            .any(|(h, o)| h == "Global options" && o.as_slice() == GLOBAL_OPTIONS),
        "{stdout}"
    );
}

#[test]
fn an_error_shows_its_cause_chain_on_one_line() {
    // Port 1 on loopback: the connection is refused.
    let mut cmd = Command::cargo_bin("theirstack").unwrap();
    cmd.env_remove("THEIRSTACK_API_KEY")
        .args(["--base-url", "http://127.0.0.1:1", "--api-key", KEY])
        .args(["credits", "balance"]);
    let (code, stderr) = refused(&mut cmd);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with(
            "error: transport error: error sending request for url (http://127.0.0.1:1/v0/billing/credit-balance): "
        ),
        "{stderr}"
    );
    assert!(
        stderr.to_lowercase().contains("connection refused"),
        "the cause is shown: {stderr}"
    );
    assert_eq!(
        stderr.matches("error sending request").count(),
        1,
        "each cause once: {stderr}"
    );
}

#[test]
#[cfg(theirstack_has = "op:search_jobs_v1")]
fn an_empty_csv_pull_prints_the_header_only() {
    let s = default_sandbox();
    let args = [
        "jobs",
        "search",
        "--title",
        "no-such-title-qqqzzz",
        "--max-age-days",
        "7",
        "--format",
        "csv",
    ];
    let (code, stdout, stderr) = run(cli(&s).args(args));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let (header, rows) = csv_records(&stdout);
    assert!(rows.is_empty());
    // The documented fields of a job, `id` first: the same header a full page would have.
    assert_eq!(header[0], "id");
    for field in ["job_title", "company_object", "date_posted", "url"] {
        assert!(header.iter().any(|h| h == field), "{field} in {header:?}");
    }
    let (_, full, _) = run(cli(&s).args([
        "jobs",
        "search",
        "--max-age-days",
        "7",
        "--max-results",
        "1",
        "--format",
        "csv",
    ]));
    let (full_header, _) = csv_records(&full);
    assert!(
        full_header.iter().all(|h| header.contains(h)),
        "every field a row has is documented: {full_header:?} / {header:?}"
    );
    // With --columns, those.
    let (code, stdout, _) = run(cli(&s).args(args).args(["--columns", "id,job_title"]));
    assert_eq!((code, stdout.as_str()), (0, "id,job_title\n"));
    assert_eq!(s.sandbox.credits_used(), 1);
}

#[test]
#[cfg(theirstack_has = "op:get_company_lists_v0")]
fn an_empty_csv_list_prints_the_header_of_its_documented_fields() {
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        authed(when, httpmock::Method::GET, "/v0/company_lists");
        then.status(200).json_body(serde_json::json!([]));
    });
    let (code, stdout, stderr) =
        run(mock_cli(&server).args(["company-lists", "list", "--format", "csv"]));
    assert_eq!(code, 0, "{stderr}");
    let (header, rows) = csv_records(&stdout);
    assert!(rows.is_empty());
    assert_eq!(
        header[..3],
        ["id", "companies_count", "created_at"],
        "{stdout}"
    );
    assert!(header.iter().any(|h| h == "name"));
}

#[test]
#[cfg(all(
    theirstack_has = "op:search_jobs_v1",
    theirstack_has = "op:search_companies_v1",
    theirstack_has = "op:get_catalog_locations_v0",
))]
fn a_country_that_is_not_iso_alpha_2_is_refused_before_any_request() {
    let server = httpmock::MockServer::start();
    let anything = server.mock(|_, then| {
        then.status(500);
    });
    for (command, bad) in [
        (vec!["jobs", "search", "--max-age-days", "7"], "USA"),
        (vec!["jobs", "count", "--max-age-days", "7"], "U1"),
        (vec!["companies", "search"], ""),
        (vec!["companies", "count", "--country", "DE"], "ZZ"),
        (vec!["catalog", "locations", "--name", "Paris"], "FRA"),
    ] {
        let (code, stderr) = refused(mock_cli(&server).args(&command).args(["--country", bad]));
        assert_eq!(code, 2, "{command:?} {bad}: {stderr}");
        assert!(
            stderr.contains(&format!("--country `{bad}`")) && stderr.contains("ISO 3166-1 alpha-2"),
            "{stderr}"
        );
    }
    anything.assert_calls(0);

    // Lowercase is accepted, and sent uppercase.
    let server = httpmock::MockServer::start();
    let count = server.mock(|when, then| {
        authed(when, httpmock::Method::POST, "/v1/jobs/search")
            .json_body_includes(r#"{"job_country_code_or": ["US", "GB"]}"#);
        then.status(200).json_body(serde_json::json!({
            "data": [],
            "metadata": {"total_results": 12}
        }));
    });
    let value = ok_json(mock_cli(&server).args([
        "jobs",
        "count",
        "--max-age-days",
        "7",
        "--country",
        "us",
        "--country",
        "gb",
    ]));
    assert_eq!(value["total_results"], 12);
    count.assert_calls(1);
}
