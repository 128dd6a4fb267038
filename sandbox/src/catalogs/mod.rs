//! The catalogs answered from the synthetic data: locations, industries, and jobs and companies
//! per country code here; technologies and their categories in `technologies`; keywords
//! (technologies and buying-intent topics) and their categories in `keywords`.
//!
//! Rule: every catalog is free and read-only, computed from the data of the seed; text filters
//! are case-insensitive substrings, slug and code filters exact; pages are cut as the endpoint
//! pages (`offset` or `page`, with `limit`), and `metadata.total_results` counts every match.

mod keywords;
mod technologies;

#[cfg(theirstack_has = "op:list_keyword_categories_v1")]
pub(crate) use keywords::keyword_categories;
#[cfg(theirstack_has = "op:list_keyword_subcategories_v1")]
pub(crate) use keywords::keyword_subcategories;
#[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
pub(crate) use keywords::keywords;

#[cfg(theirstack_has = "op:list_categories_v1")]
pub(crate) use technologies::categories;
#[cfg(theirstack_has = "op:list_subcategories_v1")]
pub(crate) use technologies::subcategories;
#[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
pub(crate) use technologies::technologies;

use crate::data::{COUNTRIES, NAME_TAILS, STAFFING};
use crate::errors::{Failure, built, json_response};
use crate::paging::{Style, list_window};
use crate::request::{Int, Query};
use crate::state::Shared;
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::{BTreeMap, BTreeSet};
use theirstack::types;

/// Most locations one request may ask for, as the document says.
const MAX_LOCATIONS: i64 = 100_000;

fn ok<T: serde::Serialize>(value: &T) -> Result<Response, Failure> {
    Ok(json_response(StatusCode::OK, value))
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `metadata` with `total_results`.
fn metadata(total: usize) -> types::BaseMetadata {
    let mut metadata = types::BaseMetadata::default();
    metadata.total_results = Some(count(total));
    metadata
}

/// Whether `text` contains `pattern`, both lowercased.
/// The query of both subcategory catalogs: the parent `category_slug`, the `subcategory_slug`
/// (only together with its parent, else a 422) and `num_technologies_per_category` (default 5).
#[cfg(any(
    theirstack_has = "op:list_subcategories_v1",
    theirstack_has = "op:list_keyword_subcategories_v1"
))]
struct SubcategoryQuery<'q> {
    parent: Option<&'q str>,
    wanted: Option<&'q str>,
    per_category: usize,
}

#[cfg(any(
    theirstack_has = "op:list_subcategories_v1",
    theirstack_has = "op:list_keyword_subcategories_v1"
))]
impl<'q> SubcategoryQuery<'q> {
    fn read(query: &'q Query) -> Result<Self, Failure> {
        let parent = query.get("category_slug");
        let wanted = query.get("subcategory_slug");
        if wanted.is_some() && parent.is_none() {
            return Err(Failure::validation(
                "`subcategory_slug` must be used together with `category_slug`",
            ));
        }
        let per_category = query
            .parsed::<Int>("num_technologies_per_category", "an integer")?
            .map(|Int(n)| n)
            .unwrap_or(5)
            .max(0);
        Ok(SubcategoryQuery {
            parent,
            wanted,
            per_category: usize::try_from(per_category).unwrap_or(usize::MAX),
        })
    }
}

/// The distinct values of `key` over a catalog's rows, in the catalog's order.
#[cfg(any(
    theirstack_has = "op:list_categories_v1",
    theirstack_has = "op:list_subcategories_v1",
    theirstack_has = "op:list_keyword_categories_v1",
    theirstack_has = "op:list_keyword_subcategories_v1"
))]
fn distinct<T, K: PartialEq + Copy>(rows: &[T], key: impl Fn(&T) -> K) -> Vec<K> {
    let mut out: Vec<K> = Vec::new();
    for row in rows {
        let k = key(row);
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

fn contains(text: &str, pattern: &str) -> bool {
    text.to_lowercase().contains(&pattern.to_lowercase())
}

/// A location of the catalog.
struct Location {
    id: i64,
    name: String,
    admin1_name: Option<String>,
    country_code: &'static str,
    country_name: &'static str,
    feature_code: &'static str,
    kind: types::GeonameType,
    display_name: String,
}

/// Id of a city: the same as in the jobs' `locations`.
pub(crate) fn city_id(country: usize, city: usize) -> i64 {
    1_000_000 + (country as i64) * 100 + city as i64
}

/// Every location: each country (`PCLI`), its first-level regions (`ADM1`) and its cities
/// (`PPL`), in that order.
fn locations() -> Vec<Location> {
    let mut out = Vec::new();
    for (ci, c) in COUNTRIES.iter().enumerate() {
        out.push(Location {
            id: 4_000_000 + ci as i64,
            name: c.name.to_string(),
            admin1_name: None,
            country_code: c.code,
            country_name: c.name,
            feature_code: "PCLI",
            kind: types::GeonameType::Country,
            display_name: c.name.to_string(),
        });
        let mut regions: Vec<&str> = Vec::new();
        for city in c.cities {
            if !regions.contains(&city.1) {
                regions.push(city.1);
            }
        }
        for (ri, region) in regions.iter().enumerate() {
            out.push(Location {
                id: 3_000_000 + (ci as i64) * 100 + ri as i64,
                name: region.to_string(),
                admin1_name: Some(region.to_string()),
                country_code: c.code,
                country_name: c.name,
                feature_code: "ADM1",
                kind: types::GeonameType::Region,
                display_name: format!("{region}, {}", c.name),
            });
        }
        for (i, city) in c.cities.iter().enumerate() {
            out.push(Location {
                id: city_id(ci, i),
                name: city.0.to_string(),
                admin1_name: Some(city.1.to_string()),
                country_code: c.code,
                country_name: c.name,
                feature_code: "PPL",
                kind: types::GeonameType::City,
                display_name: format!("{}, {}, {}", city.0, city.1, c.name),
            });
        }
    }
    out
}

/// `GET /v0/catalog/locations`: by `id` (one or more), `name`, `country_code` and
/// `feature_code` (one or more); `offset` and `limit` (1 to 100,000, default 5).
#[cfg(theirstack_has = "op:get_catalog_locations_v0")]
pub(crate) fn locations_catalog(query: &Query) -> Result<Response, Failure> {
    let ids: Vec<i64> = query
        .parsed_all::<Int>("id", "an integer")?
        .into_iter()
        .map(|Int(id)| id)
        .collect();
    let name = query.get("name");
    let country = query.get("country_code");
    let features = query.all("feature_code");
    let matched: Vec<Location> = locations()
        .into_iter()
        .filter(|l| {
            (ids.is_empty() || ids.contains(&l.id))
                && name.is_none_or(|n| contains(&l.name, n))
                && country.is_none_or(|c| l.country_code.eq_ignore_ascii_case(c))
                && (features.is_empty() || features.contains(&l.feature_code))
        })
        .collect();
    let range = list_window(query, matched.len(), 5, Some(MAX_LOCATIONS), Style::Offset)?;
    let rows = matched[range]
        .iter()
        .map(|l| {
            built::<types::GeonameCatalogResponse, _>(
                types::GeonameCatalogResponse::builder()
                    .admin1_name(l.admin1_name.clone())
                    .country_code(Some(l.country_code.to_string()))
                    .country_name(Some(l.country_name.to_string()))
                    .display_name(l.display_name.clone())
                    .feature_code(l.feature_code)
                    .feature_name(l.kind.clone())
                    .id(l.id)
                    .name(l.name.clone()),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    ok(&rows)
}

/// `GET /v0/catalog/industries`: the industries of the data with their companies and jobs,
/// by id; `industry` matches the name; `page` and `limit` (default 25).
#[cfg(theirstack_has = "op:get_catalog_industries_v0")]
pub(crate) fn industries(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let mut names: BTreeMap<i64, &str> = NAME_TAILS.iter().map(|t| (t.1, t.2)).collect();
    names.insert(STAFFING.0, STAFFING.1);
    let pattern = query.get("industry").unwrap_or("");
    let matched: Vec<(i64, &str)> = names
        .into_iter()
        .filter(|(_, name)| contains(name, pattern))
        .collect();
    let range = list_window(query, matched.len(), 25, None, Style::Page)?;
    let snapshot = shared.data();
    let data = &*snapshot;
    let rows: Vec<types::IndustryStats> = matched[range]
        .iter()
        .map(|&(id, name)| {
            let companies: Vec<&crate::data::Company> = data
                .companies
                .iter()
                .filter(|c| c.record.industry_id == Some(id))
                .collect();
            let mut row = types::IndustryStats::default();
            row.industry_id = Some(id);
            row.industry = Some(name.to_string());
            row.hierarchy = Some(name.to_string());
            row.companies = Some(count(companies.len()));
            row.jobs = Some(count(companies.iter().map(|c| c.jobs.len()).sum()));
            row
        })
        .collect();
    let answer: types::IndustryStatsResponseV0 = built(
        types::IndustryStatsResponseV0::builder()
            .data(rows)
            .metadata(metadata(matched.len())),
    )?;
    ok(&answer)
}

/// The countries `country` names (an English name, any case), or all of them, as indices.
fn countries_named(query: &Query) -> Vec<usize> {
    let wanted = query.get("country");
    (0..COUNTRIES.len())
        .filter(|&i| wanted.is_none_or(|w| COUNTRIES[i].name.eq_ignore_ascii_case(w.trim())))
        .collect()
}

/// `GET /v0/catalog/jobs_companies_per_job_country_code`: jobs located in each country and the
/// companies hiring there, most jobs first; `country`; `page` and `limit`.
#[cfg(theirstack_has = "op:get_catalog_jobs_companies_per_job_country_code_v0")]
pub(crate) fn jobs_per_country(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let snapshot = shared.data();
    let data = &*snapshot;
    let mut rows: Vec<(usize, usize, usize)> = countries_named(query)
        .into_iter()
        .map(|i| {
            let code = COUNTRIES[i].code;
            let mut companies = BTreeSet::new();
            let mut jobs = 0;
            for (j, job) in data.jobs.iter().enumerate() {
                if job.country_code.as_deref() == Some(code) {
                    jobs += 1;
                    companies.insert(data.job_company[j]);
                }
            }
            (i, jobs, companies.len())
        })
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let range = list_window(query, rows.len(), 25, None, Style::Page)?;
    let page = rows[range]
        .iter()
        .map(|&(i, jobs, companies)| {
            let mut row = types::JobsCompaniesPerJobCountryCode::default();
            row.iso2 = Some(COUNTRIES[i].code.to_string());
            row.country = Some(COUNTRIES[i].name.to_string());
            row.num_jobs = Some(count(jobs));
            row.num_companies = Some(count(companies));
            row
        })
        .collect::<Vec<_>>();
    let answer: types::JobsCompaniesPerJobCountryCodeResponse = built(
        types::JobsCompaniesPerJobCountryCodeResponse::builder()
            .data(page)
            .metadata(metadata(rows.len())),
    )?;
    ok(&answer)
}

/// `GET /v0/catalog/companies_per_company_country_code`: companies headquartered in each
/// country, most first; `country`; `page` and `limit`.
#[cfg(theirstack_has = "op:get_catalog_companies_per_company_country_code_v0")]
pub(crate) fn companies_per_country(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let snapshot = shared.data();
    let data = &*snapshot;
    let mut rows: Vec<(usize, usize)> = countries_named(query)
        .into_iter()
        .map(|i| {
            let code = COUNTRIES[i].code;
            let n = data
                .companies
                .iter()
                .filter(|c| c.record.country_code.as_deref() == Some(code))
                .count();
            (i, n)
        })
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let range = list_window(query, rows.len(), 25, None, Style::Page)?;
    let page = rows[range]
        .iter()
        .map(|&(i, companies)| {
            let mut row = types::CompaniesPerCountryCode::default();
            row.iso2 = Some(COUNTRIES[i].code.to_string());
            row.country = Some(COUNTRIES[i].name.to_string());
            row.num_companies = Some(count(companies));
            row
        })
        .collect::<Vec<_>>();
    let answer: types::CompaniesPerCountryCodeResponse = built(
        types::CompaniesPerCountryCodeResponse::builder()
            .data(page)
            .metadata(metadata(rows.len())),
    )?;
    ok(&answer)
}
