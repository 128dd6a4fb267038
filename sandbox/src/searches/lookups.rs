//! The one-company lookups: technographics (`POST /v1/companies/technologies`) and buying
//! intents (`POST /v1/companies/buying_intents`), both read from a `TechDetailsFilters` body.
//!
//! Rule: the body must name the company (`company_domain`, `company_name`,
//! `company_linkedin_url`, `company_id` or `company_name_or`; every one given must match); the
//! rows are the company's technographics or topics that pass the technology filters, paged by
//! `offset` or `page` with `limit`, and a page with rows costs 3 credits whatever its size.

use super::{LOOKUP_PRICE, count};
use crate::criteria::{TechCriteria, lower_all, normalize_domain, normalize_linkedin};
use crate::data::{Company, Dataset};
use crate::errors::{Failure, built, json_response, retype};
use crate::paging::{DEFAULT_LIMIT, check_limit, window};
use crate::request;
use crate::state::Shared;
use axum::http::StatusCode;
use axum::response::Response;
use theirstack::types;

/// The company a technographics body names, if any: every identifier given must match it.
fn lookup<'a>(data: &'a Dataset, f: &types::TechDetailsFilters) -> Option<&'a Company> {
    let domain = f.company_domain.as_deref().map(normalize_domain);
    let linkedin = f.company_linkedin_url.as_deref().map(normalize_linkedin);
    let name = f.company_name.as_deref().map(str::to_lowercase);
    let names_or = lower_all(&f.company_name_or);
    data.companies.iter().find(|c| {
        let r = &c.record;
        let lower = r.name.to_lowercase();
        domain
            .as_ref()
            .is_none_or(|d| r.domain.as_deref().map(normalize_domain).as_ref() == Some(d))
            && linkedin.as_ref().is_none_or(|l| {
                r.linkedin_url.as_deref().map(normalize_linkedin).as_ref() == Some(l)
            })
            && name.as_ref().is_none_or(|n| *n == lower)
            && f.company_id.as_ref().is_none_or(|id| *id == r.id)
            && (names_or.is_empty() || names_or.contains(&lower))
    })
}

/// One page of a lookup: the rows `rows_of` gives for the named company that pass the filters,
/// and the metadata; charged [`LOOKUP_PRICE`] when the page has rows (`what` names the lookup in
/// a 402).
fn lookup_page(
    shared: &Shared,
    filters: &types::TechDetailsFilters,
    what: &str,
    rows_of: impl Fn(&Company) -> &[types::KeywordFound],
) -> Result<(Vec<types::KeywordFound>, types::Metadata), Failure> {
    let named = filters.company_domain.is_some()
        || filters.company_name.is_some()
        || filters.company_linkedin_url.is_some()
        || filters.company_id.is_some()
        || !filters.company_name_or.is_empty();
    if !named {
        return Err(Failure::validation(
            "one of company_domain, company_name, company_linkedin_url or company_id is required",
        ));
    }
    let limit = filters.limit.map_or(DEFAULT_LIMIT, |l| l.get());
    check_limit(limit)?;
    let criteria = TechCriteria::from_details(filters)?;
    let snapshot = shared.data();
    let data = &*snapshot;
    let rows: Vec<types::KeywordFound> = lookup(data, filters)
        .map(|c| {
            rows_of(c)
                .iter()
                .filter(|k| criteria.matches(k))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let range = window(rows.len(), filters.page, filters.offset, limit)?;
    let page: Vec<types::KeywordFound> = rows[range].to_vec();
    if !page.is_empty() {
        let day = shared.now().date_naive();
        let mut ledger = shared.ledger();
        if ledger.remaining() < LOOKUP_PRICE {
            return Err(Failure::credits(format!(
                "a {what} lookup costs {LOOKUP_PRICE} API credits; {} left",
                ledger.remaining()
            )));
        }
        ledger.charge(LOOKUP_PRICE, day);
    }
    let totals = filters.include_total_results == Some(true);
    let mut metadata = types::Metadata::default();
    metadata.total_results = if totals { count(rows.len()) } else { None };
    metadata.total_companies = if totals {
        count(usize::from(!rows.is_empty()))
    } else {
        None
    };
    metadata.truncated_results = Some(0);
    metadata.truncated_companies = Some(0);
    Ok((page, metadata))
}

/// `POST /v1/companies/technologies`: the company's technographics rows, confidence first.
#[cfg(theirstack_has = "op:technographics_v1")]
pub(super) fn technographics(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    let filters: types::TechDetailsFilters = request::body(body)?;
    let (page, metadata) = lookup_page(shared, &filters, "technographics", |c| &c.technologies)?;
    let response: types::CompanyTechDetailsResponse = built(
        types::CompanyTechDetailsResponse::builder()
            .data(page)
            .metadata(metadata),
    )?;
    Ok(json_response(StatusCode::OK, &response))
}

/// `POST /v1/companies/buying_intents`: the company's buying-intent topics, confidence first,
/// as `TopicFound` rows (the technographics row shape, read through serde).
#[cfg(theirstack_has = "op:buying_intents_v1")]
pub(super) fn buying_intents(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    let filters: types::TechDetailsFilters = request::body(body)?;
    let (page, metadata) = lookup_page(shared, &filters, "buying-intents", |c| &c.topics)?;
    let mut response = types::BuyingIntentsResponse::default();
    response.data = page.iter().map(retype).collect::<Result<_, _>>()?;
    response.metadata = Some(metadata);
    Ok(json_response(StatusCode::OK, &response))
}
