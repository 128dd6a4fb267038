//! Forward compatibility: what TheirStack adds later does not break decoding, and what we send
//! stays what the API accepts.
//!
//! Proves that responses decode, to the same typed values, when fields are added at any nesting
//! level; that enum values this crate does not know decode to `Unknown(raw)` and serialize back
//! unchanged (and every known value round-trips); that date-times with and without an offset
//! decode; that required-but-nullable fields accept `null`; that request bodies serialize only
//! fields of their schema and never `null` for unset options; and that reading a request body
//! with an unknown key fails with an error naming the key.

mod support;

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use theirstack::types::{self, Timestamp};

/// The converted document the types were generated from.
const DOCUMENT: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi-3.0.json"));
/// The generated open enums.
const OPEN_ENUMS: &str = include_str!(concat!(env!("OUT_DIR"), "/open_enums.rs"));

fn document() -> Value {
    serde_json::from_str(DOCUMENT).expect("document is JSON")
}

/// The property names of a schema of the document.
fn properties(schema: &str) -> BTreeSet<String> {
    document()["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {schema} has properties"))
        .keys()
        .cloned()
        .collect()
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A response fixture, adapted to the document: upstream's 2026-02 file has a job's `url`
/// required and non-null (newer docs show it nullable), so the one null `url` gets a value there.
fn response(name: &str) -> Value {
    let mut value = support::fixture(&format!("responses/{name}"));
    let nullable = document()["components"]["schemas"]["JobWithMatchingPhrasesResponse-Output"]["properties"]
        ["url"]["nullable"]
        == json!(true);
    if name == "job-search.json" && !nullable {
        value["data"][1]["url"] =
            json!("https://www.stepstone.de/stellenangebote--werkstudent-marketing-90210002");
    }
    value
}

fn decode<T: DeserializeOwned>(value: Value) -> T {
    serde_path_to_error::deserialize(value)
        .unwrap_or_else(|e| panic!("{} at {}", e.inner(), e.path()))
}

// ---------------------------------------------------------------------------------------------
// Added fields

/// The key [`with_added_fields`] adds to every object.
const ADDED: &str = "added_by_theirstack_later";

/// `value` with two unknown fields added to every object at every depth, except inside
/// free-form maps (`querystring_params`), whose keys are data rather than fields.
fn with_added_fields(value: &Value, depth: usize) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, item) in map {
                let item = if key == "querystring_params" {
                    item.clone()
                } else {
                    with_added_fields(item, depth + 1)
                };
                out.insert(key.clone(), item);
            }
            out.insert(
                ADDED.to_string(),
                json!({"depth": depth, "items": [1, "two", null, {"three": 3.5}]}),
            );
            out.insert(format!("{ADDED}_flag"), json!(depth.is_multiple_of(2)));
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| with_added_fields(item, depth + 1))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn count_added(value: &Value) -> usize {
    match value {
        Value::Object(map) => {
            usize::from(map.contains_key(ADDED)) + map.values().map(count_added).sum::<usize>()
        }
        Value::Array(items) => items.iter().map(count_added).sum(),
        _ => 0,
    }
}

/// A saved search whose untyped `body` is replaced by its filters, typed by the search's
/// `type` (the generated body is raw JSON, which keeps added fields by design).
#[derive(Debug, PartialEq, serde::Serialize)]
struct TypedSavedSearch<T> {
    search: T,
    filters: Value,
}

trait SavedSearchLike: DeserializeOwned + serde::Serialize {
    fn split(
        self,
    ) -> (
        Self,
        Result<theirstack::types::SavedSearchFilters, serde_json::Error>,
    );
}

impl SavedSearchLike for theirstack::types::SavedSearchResponseV1 {
    fn split(
        mut self,
    ) -> (
        Self,
        Result<theirstack::types::SavedSearchFilters, serde_json::Error>,
    ) {
        let filters = self.filters();
        self.body = Value::Null;
        (self, filters)
    }
}

impl SavedSearchLike for theirstack::types::SavedSearch {
    fn split(
        mut self,
    ) -> (
        Self,
        Result<theirstack::types::SavedSearchFilters, serde_json::Error>,
    ) {
        let filters = self.filters();
        self.body = Value::Null;
        (self, filters)
    }
}

impl<'de, T: SavedSearchLike> serde::Deserialize<'de> for TypedSavedSearch<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use theirstack::types::SavedSearchFilters as F;
        let (search, filters) = T::deserialize(d)?.split();
        let filters = match filters.map_err(serde::de::Error::custom)? {
            F::Jobs(f) => serde_json::to_value(f),
            F::Companies(f) => serde_json::to_value(f),
            other => serde_json::to_value(format!("{other:?}")),
        }
        .map_err(serde::de::Error::custom)?;
        Ok(TypedSavedSearch { search, filters })
    }
}

/// Decodes `fixture` as `T` with and without added fields; both decode, to equal values, and
/// nothing of the added fields survives re-serialization. Returns how many objects got fields.
fn added_fields_are_ignored<T>(fixture: &str) -> usize
where
    T: DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let original = response(fixture);
    let extended = with_added_fields(&original, 0);
    let plain: T = decode(original);
    let extended_decoded: T = serde_path_to_error::deserialize(extended.clone())
        .unwrap_or_else(|e| panic!("{fixture} with added fields: {} at {}", e.inner(), e.path()));
    assert_eq!(
        plain, extended_decoded,
        "{fixture}: added fields changed the decoded value"
    );
    let back = serde_json::to_value(&extended_decoded).expect("serializes");
    assert_eq!(count_added(&back), 0, "{fixture}: an added field was kept");
    count_added(&extended)
}

/// Checks one fixture against its type (see [`added_fields_are_ignored`]).
type Check = fn(&str) -> usize;

#[test]
fn every_response_fixture_decodes_with_fields_added_at_every_level() {
    use types::*;
    let cases: &[(&str, Check)] = &[
        (
            "job-search.json",
            added_fields_are_ignored::<JobSearchResponse>,
        ),
        (
            "company-search.json",
            added_fields_are_ignored::<CompanySearchResponse>,
        ),
        (
            "technographics.json",
            added_fields_are_ignored::<CompanyTechDetailsResponse>,
        ),
        (
            "credit-balance.json",
            added_fields_are_ignored::<CreditsBalance>,
        ),
        (
            "credits-consumption.json",
            added_fields_are_ignored::<Vec<CreditsConsumption>>,
        ),
        ("webhook.json", added_fields_are_ignored::<Webhook>),
        (
            "webhooks-list.json",
            added_fields_are_ignored::<Vec<Webhook>>,
        ),
        (
            "webhook-test.json",
            added_fields_are_ignored::<WebhookTestResponse>,
        ),
        (
            "webhook-events.json",
            added_fields_are_ignored::<Vec<WebhookEvent>>,
        ),
        (
            "webhook-events-count-aggregated.json",
            added_fields_are_ignored::<Vec<WebhookEventCount>>,
        ),
        ("company-list.json", added_fields_are_ignored::<CompanyList>),
        (
            "company-lists.json",
            added_fields_are_ignored::<Vec<CompanyList>>,
        ),
        (
            "company-list-companies.json",
            added_fields_are_ignored::<Vec<CompanyListItem>>,
        ),
        (
            "company-list-export.json",
            added_fields_are_ignored::<CompanyListExportResponse>,
        ),
        (
            "saved-searches.json",
            added_fields_are_ignored::<Vec<TypedSavedSearch<SavedSearchResponseV1>>>,
        ),
        (
            "saved-search.json",
            added_fields_are_ignored::<TypedSavedSearch<SavedSearch>>,
        ),
        (
            "catalog-locations.json",
            added_fields_are_ignored::<Vec<GeonameCatalogResponse>>,
        ),
        (
            "catalog-industries.json",
            added_fields_are_ignored::<IndustryStatsResponseV0>,
        ),
        (
            "catalog-technologies.json",
            added_fields_are_ignored::<Vec<TechnologyAggregated>>,
        ),
        (
            "catalog-jobs-per-country.json",
            added_fields_are_ignored::<JobsCompaniesPerJobCountryCodeResponse>,
        ),
        (
            "catalog-companies-per-country.json",
            added_fields_are_ignored::<CompaniesPerCountryCodeResponse>,
        ),
        (
            "technology-categories.json",
            added_fields_are_ignored::<TechnologyParentCategoryResponse>,
        ),
        (
            "technology-subcategories.json",
            added_fields_are_ignored::<TechnologyCategoryResponse>,
        ),
        (
            "datasets.json",
            added_fields_are_ignored::<Vec<DatasetGroup>>,
        ),
        (
            "dataset-credentials.json",
            added_fields_are_ignored::<BucketCredentials>,
        ),
        (
            "requests-count.json",
            added_fields_are_ignored::<Vec<RequestCount>>,
        ),
    ];
    let dir = format!("{}/tests/data/responses", env!("CARGO_MANIFEST_DIR"));
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("responses dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    let covered: BTreeSet<String> = cases.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(
        on_disk, covered,
        "every response fixture is checked here, with its type"
    );

    for (fixture, check) in cases {
        let objects = check(fixture);
        assert!(objects >= 1, "{fixture}: no object got added fields");
    }
    // The job search fixture has fields added to: the response, its metadata, two jobs, their
    // two company objects, two hiring-team people and a location.
    assert_eq!(
        added_fields_are_ignored::<types::JobSearchResponse>("job-search.json"),
        9
    );
}

#[tokio::test]
async fn client_decodes_a_job_search_with_added_fields_and_values() {
    let server = MockServer::start_async().await;
    let mut body = with_added_fields(&response("job-search.json"), 0);
    let job = &mut body["data"][0];
    job["seniority"] = json!("principal");
    job["employment_statuses"] = json!(["full_time", "fractional"]);
    job["company_object"]["funding_stage"] = json!("series_z");
    job["locations"][0]["type"] = json!("neighbourhood");
    job["closed_at"] = json!("2026-03-05T00:00:00Z");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/jobs/search")
                .header("authorization", support::bearer());
            then.status(200).json_body(body);
        })
        .await;
    let client = support::client(&server);
    let filters = types::JobSearchFiltersInput::builder().posted_at_max_age_days(Some(1));
    let result = client
        .search_jobs_v1()
        .body(filters)
        .send()
        .await
        .map_err(theirstack::Error::from);
    mock.assert_async().await;
    let response = result
        .expect("a response with added fields and values decodes")
        .into_inner();
    let job = &response.data[0];
    assert_eq!(job.id, 90210001);
    assert_eq!(
        job.seniority,
        Some(types::Seniority::Unknown("principal".into()))
    );
    assert_eq!(
        job.employment_statuses,
        [
            types::Commitment::FullTime,
            types::Commitment::Unknown("fractional".into())
        ]
    );
    assert_eq!(
        job.company_object.funding_stage,
        Some(types::FundingStage::Unknown("series_z".into()))
    );
    assert_eq!(
        job.locations[0].type_,
        Some(types::GeonameType::Unknown("neighbourhood".into()))
    );
    assert_eq!(
        job.locations[0].display_name,
        "Austin, Texas, United States"
    );

    // Serialized again (e.g. to store the job), the raw values come back unchanged.
    let again = serde_json::to_value(job).expect("serializes");
    assert_eq!(again["seniority"], "principal");
    assert_eq!(
        again["employment_statuses"],
        json!(["full_time", "fractional"])
    );
    assert_eq!(again["company_object"]["funding_stage"], "series_z");
    assert_eq!(again["locations"][0]["type"], "neighbourhood");
}

#[tokio::test]
async fn client_decodes_webhooks_and_events_with_new_values() {
    let server = MockServer::start_async().await;
    let mut webhooks = response("webhooks-list.json");
    webhooks[1]["event_type"] = json!("job_reopened");
    webhooks[1]["has_secret"] = json!(true);
    webhooks[1]["active_event_types"] = json!(["job_new", "job_reopened"]);
    let mut events = response("webhook-events.json");
    events[2]["status"] = json!("RETRYING");
    events[2]["attempts"] = json!(3);
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v0/webhooks");
            then.status(200).json_body(webhooks);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v0/webhooks/4471/events");
            then.status(200).json_body(events);
        })
        .await;
    let client = support::client(&server);
    let webhooks = client
        .get_webhooks_v0()
        .send()
        .await
        .expect("webhooks decode")
        .into_inner();
    assert_eq!(
        webhooks[1].event_type,
        types::WebhookEventType::Unknown("job_reopened".into())
    );
    assert_eq!(webhooks[1].event_type.as_str(), "job_reopened");
    assert_eq!(webhooks[0].event_type, types::WebhookEventType::JobNew);
    let events = client
        .get_webhooks_events_v0()
        .webhook_id(4471)
        .send()
        .await
        .expect("events decode")
        .into_inner();
    assert_eq!(
        events[2].status,
        types::WebhookEventStatus::Unknown("RETRYING".into())
    );
    assert!(!events[2].status.is_known());
    assert_eq!(events[0].status, types::WebhookEventStatus::Success);
}

// ---------------------------------------------------------------------------------------------
// Enum values

/// An unknown value decodes to `Unknown(raw)`, reports itself unknown, and writes back as the
/// same string through `as_str`, `Display` and serde.
macro_rules! unknown_value_round_trips {
    ($ty:ident, $raw:expr) => {{
        let raw: &str = $raw;
        let value: types::$ty =
            serde_json::from_value(json!(raw)).expect(concat!(stringify!($ty), " decodes"));
        assert_eq!(
            value,
            types::$ty::Unknown(raw.to_string()),
            "{}",
            stringify!($ty)
        );
        assert!(!value.is_known());
        assert!(!types::$ty::VALUES.contains(&raw));
        assert_eq!(value.as_str(), raw);
        assert_eq!(value.to_string(), raw);
        assert_eq!(
            serde_json::to_value(&value).expect("serializes"),
            json!(raw)
        );
        assert_eq!(types::$ty::from(raw), value);
        assert_eq!(raw.parse::<types::$ty>(), Ok(value));
    }};
}

#[test]
fn unknown_enum_values_keep_the_raw_string() {
    unknown_value_round_trips!(Seniority, "principal");
    unknown_value_round_trips!(Commitment, "fractional");
    unknown_value_round_trips!(FundingStage, "series_z");
    unknown_value_round_trips!(GeonameType, "neighbourhood");
    unknown_value_round_trips!(WebhookEventStatus, "RETRYING");
    unknown_value_round_trips!(WebhookEventType, "job_reopened");
    unknown_value_round_trips!(KeywordFoundConfidence, "certain");
    unknown_value_round_trips!(CompanyListType, "IMPORTED");
    unknown_value_round_trips!(SavedSearchType, "technologies");
    unknown_value_round_trips!(DatasetOptionFormat, "jsonl");
    unknown_value_round_trips!(DatasetGroupType, "buying_intents");
    unknown_value_round_trips!(DatasetUpdateFrequency, "hourly");
    // Case matters: a value in another case is a different value, kept as sent.
    unknown_value_round_trips!(WebhookEventStatus, "success");
    unknown_value_round_trips!(Seniority, "");
}

/// Every known value maps to a known variant and writes back as the same string.
macro_rules! known_values_round_trip {
    ($($ty:ident),* $(,)?) => {{
        let mut tested = BTreeSet::new();
        $(
            assert!(!types::$ty::VALUES.is_empty(), "{}", stringify!($ty));
            for raw in types::$ty::VALUES {
                let value: types::$ty = serde_json::from_value(json!(raw)).expect("decodes");
                assert!(value.is_known(), "{}::{raw} decoded as unknown", stringify!($ty));
                assert_eq!(value.as_str(), *raw);
                assert_eq!(serde_json::to_value(&value).expect("serializes"), json!(raw));
            }
            let distinct: BTreeSet<_> = types::$ty::VALUES.iter().collect();
            assert_eq!(distinct.len(), types::$ty::VALUES.len(), "{} lists a value twice", stringify!($ty));
            tested.insert(stringify!($ty).to_string());
        )*
        tested
    }};
}

#[test]
fn every_generated_enum_is_open_and_round_trips_its_known_values() {
    #[allow(unused_mut)]
    let mut tested = known_values_round_trip!(
        ColumnSortCompanySearchField,
        ColumnSortCompanyTechDetailsField,
        ColumnSortJobSearchField,
        Commitment,
        CompanyListType,
        CompanySearchFiltersInputCompanyType,
        CompanySearchFiltersInputPropertyExistsAndItem,
        DatasetGroupType,
        DatasetOptionFormat,
        DatasetOptionItemType,
        DatasetUpdateFrequency,
        FundingStage,
        GeonameType,
        GetCompanyListsCompaniesExportV0FileFormat,
        GetCompanyListsCompaniesV0OrderBy,
        GetCompanyListsCompaniesV0OrderDirection,
        GetSavedSearchesV0OrderBy,
        JobSearchFiltersInputPropertyExistsAndItem,
        KeywordFoundConfidence,
        SavedSearchFrequency,
        SavedSearchType,
        Seniority,
        WebhookEventStatus,
        WebhookEventType,
        WebhookGroupBy,
        WebhookPublicEventType,
    );
    // Enums of the July 2026 additions, where the document has them.
    #[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
    tested.extend(known_values_round_trip!(KeywordType));
    let generated: BTreeSet<String> = OPEN_ENUMS
        .lines()
        .filter_map(|line| line.strip_prefix("pub enum "))
        .map(|rest| rest.trim_end_matches(" {").trim().to_string())
        .collect();
    assert_eq!(
        generated, tested,
        "every generated open enum is listed in this test"
    );
    // The values our document lists (another document may list others).
    if support::built_from_default_document() {
        assert_eq!(
            types::Seniority::VALUES,
            ["c_level", "staff", "senior", "junior", "mid_level"]
        );
        assert_eq!(
            types::WebhookEventStatus::VALUES,
            ["IN_PROGRESS", "SUCCESS", "FAILED", "NOT_TRIGGERED"]
        );
        assert_eq!(types::Commitment::VALUES.len(), 11);
        assert_eq!(types::FundingStage::VALUES.len(), 33);
    }
}

#[test]
fn a_non_string_enum_value_is_an_error_naming_the_field() {
    let mut webhook = response("webhook.json");
    webhook["event_type"] = json!(3);
    let err = serde_path_to_error::deserialize::<_, types::Webhook>(webhook).unwrap_err();
    assert_eq!(err.path().to_string(), "event_type");
    assert!(err.inner().to_string().contains("a string"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Date-times

#[test]
fn date_times_with_and_without_offset_decode() {
    let instant = ts("2026-03-01T09:12:44Z");
    let forms = [
        ("2026-03-01T09:12:44", instant),
        ("2026-03-01 09:12:44", instant),
        ("2026-03-01T09:12:44Z", instant),
        ("2026-03-01T09:12:44+00:00", instant),
        ("2026-03-01T11:12:44+02:00", instant),
        ("2026-03-01T04:12:44-05:00", instant),
        (
            "2026-03-01T09:12:44.512345",
            ts("2026-03-01T09:12:44.512345Z"),
        ),
        ("2026-03-01T09:12:44.512Z", ts("2026-03-01T09:12:44.512Z")),
    ];
    for (text, expected) in forms {
        let mut webhook = response("webhook.json");
        webhook["created_at"] = json!(text);
        webhook["listening_start_time"] = json!(text);
        let webhook: types::Webhook = decode(webhook);
        assert_eq!(webhook.created_at, expected, "{text}");
        assert_eq!(webhook.listening_start_time, Some(expected), "{text}");
    }
    // Written back in RFC 3339, UTC.
    let webhook: types::Webhook = decode(response("webhook.json"));
    let again = serde_json::to_value(&webhook).expect("serializes");
    assert_eq!(again["created_at"], "2026-03-01T09:12:44.512345Z");
    assert_eq!(again["listening_start_time"], "2026-03-01T00:00:00Z");
}

#[test]
fn a_malformed_date_time_is_an_error_naming_the_field() {
    let mut jobs = response("job-search.json");
    jobs["data"][1]["discovered_at"] = json!("28/02/2026 17:40");
    let err = serde_path_to_error::deserialize::<_, types::JobSearchResponse>(jobs).unwrap_err();
    assert_eq!(err.path().to_string(), "data[1].discovered_at");
    assert!(
        err.inner().to_string().contains("28/02/2026 17:40"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Nullability

/// Fields the document lists as required and allows to be null, on schemas responses carry:
/// (schema, field). The client decodes them given as null and left out alike.
const REQUIRED_NULLABLE: &[(&str, &str)] = &[
    ("GeonameCatalogResponse", "country_name"),
    ("JobLocation-Output", "country_name"),
];

/// Whether an OpenAPI 3.1 schema admits `null`.
fn admits_null(schema: &Value) -> bool {
    schema["type"] == json!("null")
        || schema["type"]
            .as_array()
            .is_some_and(|types| types.contains(&json!("null")))
        || ["anyOf", "oneOf"]
            .iter()
            .any(|k| schema[*k].as_array().into_iter().flatten().any(admits_null))
}

#[test]
fn required_nullable_fields_are_the_ones_tested_here() {
    // In the document as written, on every schema...
    let source = theirstack::document::parsed();
    let converted = document();
    let mut relaxed = BTreeSet::new();
    for (name, schema) in source["components"]["schemas"]
        .as_object()
        .expect("schemas")
    {
        for field in schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !admits_null(&schema["properties"][field]) {
                continue;
            }
            // ...those the client no longer requires are the ones responses may leave out.
            let still_required = converted["components"]["schemas"][name]["required"]
                .as_array()
                .is_some_and(|r| r.contains(&json!(field)));
            if !still_required {
                relaxed.insert((name.clone(), field.to_string()));
            }
        }
    }
    let listed: BTreeSet<(String, String)> = REQUIRED_NULLABLE
        .iter()
        .map(|(s, f)| (s.to_string(), f.to_string()))
        .collect();
    if support::built_from_default_document() {
        assert_eq!(
            relaxed, listed,
            "a required nullable field of a response needs a decoding test here"
        );
    } else {
        assert!(relaxed.is_superset(&listed), "{relaxed:?}");
    }
}

#[test]
fn required_nullable_fields_left_out_decode_as_none() {
    let mut jobs = response("job-search.json");
    jobs["data"][0]["locations"][0]
        .as_object_mut()
        .expect("a location")
        .remove("country_name");
    let jobs: types::JobSearchResponse = decode(jobs);
    assert_eq!(jobs.data[0].locations[0].country_name, None);
    let mut locations = response("catalog-locations.json");
    locations[0]
        .as_object_mut()
        .expect("a location")
        .remove("country_name");
    let locations: Vec<types::GeonameCatalogResponse> = decode(locations);
    assert_eq!(locations[0].country_name, None);
}

#[test]
fn required_nullable_fields_given_as_null_decode() {
    let mut jobs = response("job-search.json");
    jobs["data"][0]["locations"][0]["country_name"] = Value::Null;
    let jobs: types::JobSearchResponse = decode(jobs);
    assert_eq!(jobs.data[0].locations[0].country_name, None);
    assert_eq!(
        jobs.data[0].locations[0].display_name,
        "Austin, Texas, United States"
    );

    let locations: Vec<types::GeonameCatalogResponse> = decode(response("catalog-locations.json"));
    assert_eq!(locations[2].country_name, None);
    assert_eq!(locations[0].country_name.as_deref(), Some("United States"));
}

#[test]
fn null_is_kept_apart_from_the_documented_default() {
    // `truncated_results` is nullable with default 0: absent means 0, null means null.
    let absent: types::Metadata = decode(json!({"total_results": 12}));
    assert_eq!(absent.truncated_results, Some(0));
    assert_eq!(absent.total_companies, None);
    let null: types::Metadata = decode(json!({"total_results": null, "truncated_results": null}));
    assert_eq!(null.truncated_results, None);
    assert_eq!(null.total_results, None);

    // Optional nullable fields: absent and null are both None.
    let mut webhook = response("webhook.json");
    webhook["description"] = Value::Null;
    webhook
        .as_object_mut()
        .expect("object")
        .remove("listening_start_time");
    let webhook: types::Webhook = decode(webhook);
    assert_eq!(webhook.description, None);
    assert_eq!(webhook.listening_start_time, None);
}

// ---------------------------------------------------------------------------------------------
// Request bodies

/// Every key of `value` (an object) is a property of `schema`, and no value is `null`.
fn only_known_keys(value: &Value, schema: &str) {
    let known = properties(schema);
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{schema}: not an object: {value}"));
    for (key, item) in object {
        assert!(
            known.contains(key),
            "{schema}: serialized an unknown key `{key}`"
        );
        assert!(!item.is_null(), "{schema}: serialized `{key}` as null");
    }
}

fn full_job_filters() -> types::JobSearchFiltersInput {
    types::JobSearchFiltersInput::builder()
        .posted_at_max_age_days(Some(7))
        .job_country_code_or(vec!["US".to_string(), "CA".to_string()])
        .job_title_pattern_or(vec!["(?i)data (engineer|platform)".to_string()])
        .job_seniority_or(vec![
            types::Seniority::Senior,
            types::Seniority::Unknown("principal".into()),
        ])
        .employment_statuses_or(Some(vec![types::Commitment::FullTime]))
        .job_location_or(vec![
            types::JobLocationFilter { id: Some(4736286) },
            types::JobLocationFilter { id: None },
        ])
        .company_domain_not(vec!["staffing-example.com".to_string()])
        .min_employee_count(Some(50))
        .funding_stage_or(vec!["series_b".to_string()])
        .order_by(vec![
            types::ColumnSortJobSearch::builder()
                .desc(Some(false))
                .field(Some(types::ColumnSortJobSearchField::DiscoveredAt))
                .try_into()
                .expect("valid sort"),
        ])
        .try_into()
        .expect("valid filters")
}

#[test]
fn job_search_filters_serialize_only_known_fields_and_no_null() {
    let filters = full_job_filters();
    let body = serde_json::to_value(&filters).expect("serializes");
    only_known_keys(&body, "JobSearchFilters-Input");
    for item in body["order_by"].as_array().expect("order_by") {
        only_known_keys(item, "ColumnSortJobSearch");
    }
    for item in body["job_location_or"].as_array().expect("job_location_or") {
        only_known_keys(item, "JobLocationFilter");
    }
    assert_eq!(
        body["job_location_or"],
        json!([{"id": 4736286}, {}]),
        "an unset id is left out, not null"
    );
    assert_eq!(
        body["job_seniority_or"],
        json!(["senior", "principal"]),
        "an unknown value is sent as given"
    );
    assert_eq!(body["posted_at_max_age_days"], 7);
    // Unset optional fields are left out.
    for unset in [
        "posted_at_gte",
        "posted_at_lte",
        "remote",
        "cursor",
        "easy_apply",
        "max_salary_usd",
        "company_type",
    ] {
        assert!(
            body.get(unset).is_none(),
            "unset `{unset}` was sent: {body}"
        );
    }
    // And an empty filter set sends no null either.
    let empty = serde_json::to_value(types::JobSearchFiltersInput::default()).expect("serializes");
    only_known_keys(&empty, "JobSearchFilters-Input");
    // What is serialized reads back as the same filters.
    let back: types::JobSearchFiltersInput = decode(body);
    assert_eq!(back, filters);
}

#[test]
fn company_and_technographics_filters_serialize_only_known_fields() {
    let company: types::CompanySearchFiltersInput =
        decode(support::fixture("requests/company-search.json"));
    let body = serde_json::to_value(&company).expect("serializes");
    only_known_keys(&body, "CompanySearchFilters-Input");
    only_known_keys(&body["job_filters"], "JobFilters");
    only_known_keys(&body["tech_filters"], "TechnographicsTechnologyFilters");
    for item in body["order_by"].as_array().expect("order_by") {
        only_known_keys(item, "ColumnSortCompanySearch");
    }
    assert_eq!(body["tech_filters"]["last_date_found_gte"], "2025-09-01");

    let tech: types::TechDetailsFilters = decode(support::fixture("requests/technographics.json"));
    let body = serde_json::to_value(&tech).expect("serializes");
    only_known_keys(&body, "TechDetailsFilters");
    for item in body["order_by"].as_array().expect("order_by") {
        only_known_keys(item, "ColumnSortCompanyTechDetails");
    }
    let empty = serde_json::to_value(types::TechDetailsFilters::default()).expect("serializes");
    only_known_keys(&empty, "TechDetailsFilters");
    assert!(empty.get("company_domain").is_none() && empty.get("limit").is_none());
}

#[test]
fn a_nested_unknown_key_is_not_sent() {
    // `job_filters` is open (its schema is shared with saved-search responses), so a key it does
    // not know is dropped when read; what is sent holds only its known fields.
    let mut request = support::fixture("requests/company-search.json");
    request["job_filters"]["job_title_typo_or"] = json!(["data"]);
    let company: types::CompanySearchFiltersInput = decode(request);
    let body = serde_json::to_value(&company).expect("serializes");
    assert!(body["job_filters"].get("job_title_typo_or").is_none());
    only_known_keys(&body["job_filters"], "JobFilters");
}

#[tokio::test]
async fn the_client_sends_only_known_fields() {
    let server = MockServer::start_async().await;
    let known = properties("JobSearchFilters-Input");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/jobs/search")
                .is_true(move |request| {
                    serde_json::from_slice::<Value>(request.body_ref())
                        .ok()
                        .and_then(|v| v.as_object().cloned())
                        .is_some_and(|body| {
                            body.iter().all(|(k, v)| known.contains(k) && !v.is_null())
                                && body["posted_at_max_age_days"] == 7
                        })
                });
            then.status(200)
                .json_body(json!({"metadata": {}, "data": []}));
        })
        .await;
    let client = support::client(&server);
    let response = client
        .search_jobs_v1()
        .body(full_job_filters())
        .send()
        .await
        .map_err(theirstack::Error::from);
    mock.assert_async().await;
    let response = response.expect("empty page decodes").into_inner();
    assert!(response.data.is_empty());
    assert_eq!(response.metadata.truncated_results, Some(0));
}

/// Reading `body` as `T` fails, and the error names `key` (and `path`, for nested keys).
fn unknown_key_is_refused<T: DeserializeOwned + std::fmt::Debug>(
    body: Value,
    key: &str,
    path: &str,
) {
    let err =
        serde_path_to_error::deserialize::<_, T>(body).expect_err("an unknown key is refused");
    let message = err.inner().to_string();
    assert!(
        message.contains(&format!("unknown field `{key}`")),
        "{message}"
    );
    assert_eq!(err.path().to_string(), path, "{message}");
}

#[test]
fn request_bodies_with_an_unknown_key_are_refused_by_name() {
    unknown_key_is_refused::<types::JobSearchFiltersInput>(
        json!({"posted_at_max_age_days": 7, "job_titel_or": ["data engineer"]}),
        "job_titel_or",
        "job_titel_or",
    );
    unknown_key_is_refused::<types::CompanySearchFiltersInput>(
        json!({"company_technology_slug_or": ["snowflake"], "min_employees": 50}),
        "min_employees",
        "min_employees",
    );
    unknown_key_is_refused::<types::TechDetailsFilters>(
        json!({"company_domain": "acme-analytics.com", "domain": "acme-analytics.com"}),
        "domain",
        "domain",
    );
    unknown_key_is_refused::<types::TechDetailsFilters>(
        json!({"company_domain": "acme-analytics.com", "order_by": [{"field": "jobs", "descending": true}]}),
        "descending",
        "order_by[0].descending",
    );
    // A response-side field is not a request field either.
    unknown_key_is_refused::<types::JobSearchFiltersInput>(
        json!({"posted_at_max_age_days": 1, "total_results": 10}),
        "total_results",
        "total_results",
    );
}
