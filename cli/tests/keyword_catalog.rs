//! `catalog keywords`, `keyword-categories` and `keyword-subcategories` against a mock that checks
//! the bearer key and the exact query (the keyword catalog pages by `page` + `limit`, never
//! `offset`) and answers only that; the rows as printed.

#![cfg(any(
    theirstack_has = "op:get_catalog_keywords_v0",
    theirstack_has = "op:list_keyword_categories_v1",
    theirstack_has = "op:list_keyword_subcategories_v1"
))]

mod support;

use httpmock::Method::GET;
use serde_json::{Value, json};
use support::*;

fn keyword(slug: &str) -> Value {
    json!({"name": slug.to_uppercase(), "slug": slug, "keyword_type": "technology",
           "category": "Data Warehousing", "category_slug": "data-warehousing", "jobs": 10, "companies": 3})
}

#[test]
#[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
fn keywords_are_paged_by_page_and_limit_with_every_filter() {
    let server = httpmock::MockServer::start();
    let page = |number: &'static str, rows: Vec<Value>| {
        server.mock(move |when, then| {
            authed(when, GET, "/v0/catalog/keywords")
                .query_param("page", number)
                .query_param("limit", "2")
                .query_param("q", "snow")
                .query_param("name_pattern", "flake")
                .query_param("starts_with", "S")
                .query_param("slugs", "snowflake")
                .query_param("slugs", "snowpipe")
                .query_param("keyword_type", "technology")
                .query_param("keyword_type_not", "event")
                .query_param("category_slug", "data-warehousing")
                .query_param("category_pattern", "ware")
                .query_param("parent_category_slug", "data")
                .query_param("parent_category_pattern", "analytics")
                .query_param_missing("offset");
            then.status(200).json_body(Value::Array(rows));
        })
    };
    let first = page("0", vec![keyword("snowflake"), keyword("snowpipe")]);
    let second = page("1", vec![keyword("snowpark")]);
    let (code, stdout, stderr) = run(mock_cli(&server).args([
        "catalog",
        "keywords",
        "--search",
        "snow",
        "--name",
        "flake",
        "--starts-with",
        "S",
        "--slug",
        "snowflake",
        "--slug",
        "snowpipe",
        "--type",
        "technology",
        "--not-type",
        "event",
        "--category",
        "data-warehousing",
        "--category-name",
        "ware",
        "--parent-category",
        "data",
        "--parent-category-name",
        "analytics",
        "--page-size",
        "2",
        "--format",
        "csv",
        "--columns",
        "slug,keyword_type",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "slug,keyword_type\nsnowflake,technology\nsnowpipe,technology\nsnowpark,technology\n"
    );
    // The short second page ends the pull.
    first.assert_calls(1);
    second.assert_calls(1);
}

#[test]
#[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
fn an_unknown_keyword_type_is_refused_with_the_known_ones() {
    let server = httpmock::MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(json!([]));
    });
    for flag in ["--type", "--not-type"] {
        let (code, stderr) =
            refused(mock_cli(&server).args(["catalog", "keywords", flag, "gadget"]));
        assert_eq!(code, 2);
        assert!(
            stderr.contains(
                "unknown keyword type `gadget`: expected one of technology, software_product"
            ),
            "{stderr}"
        );
    }
    any.assert_calls(0);
}

#[test]
#[cfg(theirstack_has = "op:list_keyword_categories_v1")]
fn keyword_categories() {
    let server = httpmock::MockServer::start();
    let answer = json!({"data": [
        {"name": "Cloud", "slug": "cloud", "number_of_keywords": 120, "number_of_companies": 900},
    ], "metadata": {"total_results": 1}});
    let one = server.mock(|when, then| {
        authed(when, GET, "/v1/catalog/keywords/categories").query_param("category_slug", "cloud");
        then.status(200).json_body(answer.clone());
    });
    let all = server.mock(|when, then| {
        authed(when, GET, "/v1/catalog/keywords/categories").query_param_missing("category_slug");
        then.status(200)
            .json_body(json!({"data": [], "metadata": {"total_results": 0}}));
    });
    let printed =
        ok_json(mock_cli(&server).args(["catalog", "keyword-categories", "--category", "cloud"]));
    assert_eq!(printed["data"][0]["slug"], "cloud");
    assert_eq!(printed["data"][0]["number_of_keywords"], 120);
    one.assert_calls(1);
    let (code, stdout, _) = run(mock_cli(&server).args([
        "catalog",
        "keyword-categories",
        "--format",
        "csv",
        "--columns",
        "slug,number_of_keywords",
    ]));
    assert_eq!((code, stdout.as_str()), (0, "slug,number_of_keywords\n"));
    all.assert_calls(1);
}

#[test]
#[cfg(theirstack_has = "op:list_keyword_subcategories_v1")]
fn keyword_subcategories() {
    let server = httpmock::MockServer::start();
    let sub = server.mock(|when, then| {
        authed(when, GET, "/v1/catalog/keywords/subcategories")
            .query_param("category_slug", "cloud")
            .query_param("subcategory_slug", "cloud-migration")
            .query_param("num_technologies_per_category", "3");
        then.status(200).json_body(json!({"data": [
            {"name": "Cloud migration", "slug": "cloud-migration", "category_slug": "cloud",
             "number_of_keywords": 14, "keywords": [{"name": "AWS Migration Hub", "slug": "aws-migration-hub"}]}
        ], "metadata": {"total_results": 1}}));
    });
    let (code, stdout, stderr) = run(mock_cli(&server).args([
        "catalog",
        "keyword-subcategories",
        "--category",
        "cloud",
        "--subcategory",
        "cloud-migration",
        "--sample",
        "3",
        "--format",
        "ndjson",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let row: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        (row["slug"].as_str(), row["number_of_keywords"].as_i64()),
        (Some("cloud-migration"), Some(14))
    );
    sub.assert_calls(1);
    // A subcategory needs its category: refused by the parser, nothing sent.
    let (code, _, _) = run(mock_cli(&server).args([
        "catalog",
        "keyword-subcategories",
        "--subcategory",
        "cloud-migration",
    ]));
    assert_eq!(code, 2);
    sub.assert_calls(1);
}
