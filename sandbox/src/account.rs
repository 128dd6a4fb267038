//! Account endpoints besides credits: the request count per day, the datasets and their
//! download credentials, all from the sandbox's own state and made-up values.
//!
//! Rule: every request that passes the key check counts on its UTC day (the count's own
//! request included); all of them are API requests, so `is_origin_app=true` counts none. The
//! datasets and credentials are fixed, point at `*.sandbox.invalid` and open nothing.

use crate::credits::daily_window;
use crate::errors::{Failure, built, json_response};
use crate::request::Query;
use crate::state::Shared;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration as Days, NaiveTime};
use theirstack::types;

/// Where the made-up datasets live.
const BUCKET: &str = "theirstack-sandbox-datasets";
const STORAGE: &str = "https://storage.sandbox.invalid";

/// `GET /v0/requests/count`: one bucket per UTC day of the window, zeros included.
#[cfg(theirstack_has = "op:get_requests_count_v0")]
pub(crate) fn requests_count(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let from_app = query.boolean("is_origin_app")?;
    let mut rows: Vec<types::RequestCount> = Vec::new();
    if let Some((start, end)) = daily_window(query, shared.now())? {
        let mut day = start.date_naive();
        while day <= end.date_naive() {
            let n = if from_app == Some(true) {
                0
            } else {
                shared.requests_on(day)
            };
            rows.push(built(
                types::RequestCount::builder()
                    .number_of_requests(i64::try_from(n).unwrap_or(i64::MAX))
                    .period_start(types::Timestamp(day.and_time(NaiveTime::MIN).and_utc())),
            )?);
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
    }
    Ok(json_response(StatusCode::OK, &rows))
}

/// `GET /v1/datasets`: one group per kind (jobs, companies, technologies, technographics),
/// each with a daily parquet and a weekly CSV option, updated the day before.
#[cfg(theirstack_has = "op:get_datasets_v1")]
pub(crate) fn datasets(shared: &Shared) -> Result<Response, Failure> {
    let updated = (shared.now() - Days::days(1))
        .date_naive()
        .and_time(NaiveTime::MIN)
        .and_utc();
    let kinds = [
        (types::DatasetGroupType::Jobs, "jobs", 48_000_000_i64),
        (types::DatasetGroupType::Companies, "companies", 9_500_000),
        (
            types::DatasetGroupType::Technologies,
            "technologies",
            120_000,
        ),
        (
            types::DatasetGroupType::Technographics,
            "technographics",
            31_000_000,
        ),
    ];
    let mut groups = Vec::new();
    for (kind, name, size) in kinds {
        let options = [
            (
                types::DatasetOptionFormat::Parquet,
                types::DatasetUpdateFrequency::Daily,
                "parquet",
                size,
            ),
            (
                types::DatasetOptionFormat::Csv,
                types::DatasetUpdateFrequency::Weekly,
                "csv",
                size * 3,
            ),
        ]
        .into_iter()
        .map(|(format, frequency, ext, bytes)| {
            let prefix = format!("{name}/v1/{ext}/");
            built::<types::DatasetOption, _>(
                types::DatasetOption::builder()
                    .dataset_prefix(Some(prefix.clone()))
                    .dataset_url(Some(format!("s3://{BUCKET}/{prefix}")))
                    .format(format)
                    .frequency(Some(frequency))
                    .id(format!("{name}-{ext}-v1"))
                    .is_deprecated(Some(false))
                    .item_type(types::DatasetOptionItemType::Folder)
                    .last_updated(Some(types::Timestamp(updated)))
                    .sample_dataset_url(Some(format!("{STORAGE}/{BUCKET}/samples/{name}.{ext}")))
                    .size(Some(bytes))
                    .version("v1"),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
        let mut group = types::DatasetGroup::default();
        group.type_ = Some(kind);
        group.is_accessible = Some(true);
        group.options = Some(options);
        groups.push(group);
    }
    Ok(json_response(StatusCode::OK, &groups))
}

/// `POST /v1/datasets/credentials`: made-up S3-style credentials, fixed by the seed, that
/// expire 7 days from now.
#[cfg(theirstack_has = "op:post_datasets_credentials_v1")]
pub(crate) fn dataset_credentials(shared: &Shared) -> Result<Response, Failure> {
    let mut rng = fastrand::Rng::with_seed(shared.config.seed ^ 0x5eed_da7a);
    let mut token = |n: usize| -> String {
        (0..n)
            .map(|_| {
                let c = rng.alphanumeric();
                c.to_ascii_uppercase()
            })
            .collect()
    };
    let access_key = format!("SANDBOX{}", token(13));
    let secret = token(40);
    let session = token(64);
    let storage: types::StorageConfig = built(
        types::StorageConfig::builder()
            .bucket_name(BUCKET)
            .endpoint_url(STORAGE)
            .prefixes(vec![
                "jobs/".to_string(),
                "companies/".to_string(),
                "technologies/".to_string(),
                "technographics/".to_string(),
            ]),
    )?;
    let answer: types::BucketCredentials = built(
        types::BucketCredentials::builder()
            .access_key_id(access_key)
            .expiration(types::Timestamp(shared.now() + Days::days(7)))
            .secret_access_key(secret)
            .session_token(session)
            .storage(storage),
    )?;
    Ok(json_response(StatusCode::OK, &answer))
}
