//! The technology catalogs: technologies (v0), their parent categories and their subcategories
//! (v1), from the data's technology catalogue with counts from the synthetic data.

use super::{SubcategoryQuery, contains, count, distinct, metadata, ok};
use crate::data::{Dataset, TECHS, Tech};
use crate::errors::{Failure, built};
use crate::paging::{Style, list_window};
use crate::request::Query;
use crate::state::Shared;
use axum::response::Response;
use theirstack::types;

/// Companies whose stack has the technology.
fn companies_using(data: &Dataset, slug: &str) -> usize {
    data.companies
        .iter()
        .filter(|c| {
            c.record
                .technology_slugs
                .as_ref()
                .is_some_and(|s| s.iter().any(|t| t == slug))
        })
        .count()
}

/// Companies using any technology of `techs`.
fn companies_using_any(data: &Dataset, techs: &[&Tech]) -> usize {
    data.companies
        .iter()
        .filter(|c| {
            c.record
                .technology_slugs
                .as_ref()
                .is_some_and(|s| s.iter().any(|t| techs.iter().any(|k| k.slug == t)))
        })
        .count()
}

fn logo(slug: &str) -> String {
    format!("https://logos.sandbox.invalid/technologies/{slug}.png")
}

/// The technologies ordered as the catalogs list them: most companies first, then by slug.
fn by_companies<'a>(
    data: &Dataset,
    techs: impl Iterator<Item = &'a Tech>,
) -> Vec<(&'a Tech, usize)> {
    let mut out: Vec<(&Tech, usize)> = techs.map(|t| (t, companies_using(data, t.slug))).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.slug.cmp(b.0.slug)));
    out
}

/// `GET /v0/catalog/technologies`: most-used first; `name_pattern`, `category_pattern` and
/// `parent_category_pattern` match names, `slugs` (and the deprecated `slug`), `category_slug`
/// and `parent_category_slug` are exact; `page` and `limit` (default 25).
#[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
pub(crate) fn technologies(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let snapshot = shared.data();
    let data = &*snapshot;
    let name = query.get("name_pattern");
    let category = query.get("category_pattern");
    let parent = query.get("parent_category_pattern");
    let slugs: Vec<&str> = query
        .all("slugs")
        .into_iter()
        .chain(query.all("slug"))
        .collect();
    if slugs.iter().any(|s| s.is_empty()) {
        return Err(Failure::validation(
            "invalid query parameter `slugs`: a slug is not empty",
        ));
    }
    let category_slug = query.get("category_slug");
    let parent_slug = query.get("parent_category_slug");
    let matched = by_companies(
        data,
        TECHS.iter().filter(|t| {
            name.is_none_or(|p| contains(t.name, p))
                && category.is_none_or(|p| contains(t.category, p))
                && parent.is_none_or(|p| contains(t.parent, p))
                && (slugs.is_empty() || slugs.contains(&t.slug))
                && category_slug.is_none_or(|s| s == t.category_slug)
                && parent_slug.is_none_or(|s| s == t.parent_slug)
        }),
    );
    let range = list_window(query, matched.len(), 25, None, Style::Page)?;
    let rows = matched[range]
        .iter()
        .map(|&(t, companies)| {
            let jobs = data
                .jobs
                .iter()
                .filter(|j| j.technology_slugs.iter().any(|s| s == t.slug))
                .count();
            let last_week = data
                .companies
                .iter()
                .filter(|c| {
                    c.technologies
                        .iter()
                        .any(|k| k.technology.slug == t.slug && k.jobs_last_7_days > 0)
                })
                .count();
            built::<types::TechnologyAggregated, _>(
                types::TechnologyAggregated::builder()
                    .category(Some(t.category.to_string()))
                    .category_slug(Some(t.category_slug.to_string()))
                    .companies(Some(count(companies)))
                    .companies_found_last_week(Some(count(last_week)))
                    .jobs(Some(count(jobs)))
                    .logo(Some(logo(t.slug)))
                    .name(t.name)
                    .one_liner(Some(format!("{}: {}", t.name, t.category)))
                    .parent_category(Some(t.parent.to_string()))
                    .parent_category_slug(Some(t.parent_slug.to_string()))
                    .slug(t.slug)
                    .url(Some(format!(
                        "https://technologies.sandbox.invalid/{}",
                        t.slug
                    ))),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    ok(&rows)
}

/// `GET /v1/catalog/technologies/categories`: the parent categories, or the one of
/// `category_slug` (none when unknown).
#[cfg(theirstack_has = "op:list_categories_v1")]
pub(crate) fn categories(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let wanted = query.get("category_slug");
    let data = shared.data();
    let rows = distinct(TECHS, |t| (t.parent, t.parent_slug))
        .into_iter()
        .filter(|(_, slug)| wanted.is_none_or(|w| w == *slug))
        .map(|(name, slug)| {
            let techs: Vec<&Tech> = TECHS.iter().filter(|t| t.parent_slug == slug).collect();
            built::<types::TechnologyParentCategoryItem, _>(
                types::TechnologyParentCategoryItem::builder()
                    .name(name)
                    .number_of_companies(count(companies_using_any(&data, &techs)))
                    .number_of_technologies(count(techs.len()))
                    .slug(slug),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let total = rows.len();
    let answer: types::TechnologyParentCategoryResponse = built(
        types::TechnologyParentCategoryResponse::builder()
            .data(rows)
            .metadata(metadata(total)),
    )?;
    ok(&answer)
}

/// `GET /v1/catalog/technologies/subcategories`: every subcategory, those of the parent
/// `category_slug`, or the one `subcategory_slug` names in it (`subcategory_slug` alone is a
/// 422, as TheirStack documents); each with its `num_technologies_per_category` (default 5)
/// most-used technologies.
#[cfg(theirstack_has = "op:list_subcategories_v1")]
pub(crate) fn subcategories(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let SubcategoryQuery {
        parent,
        wanted,
        per_category,
    } = SubcategoryQuery::read(query)?;
    let snapshot = shared.data();
    let data = &*snapshot;
    let rows = distinct(TECHS, |t| (t.category, t.category_slug, t.parent_slug))
        .into_iter()
        .filter(|(_, slug, parent_slug)| {
            parent.is_none_or(|p| p == *parent_slug) && wanted.is_none_or(|w| w == *slug)
        })
        .map(|(name, slug, parent_slug)| {
            let techs: Vec<&Tech> = TECHS.iter().filter(|t| t.category_slug == slug).collect();
            let sample = by_companies(data, techs.iter().copied())
                .into_iter()
                .take(per_category)
                .map(|(t, _)| {
                    built::<types::TechnologyFromCategorySmallDetails, _>(
                        types::TechnologyFromCategorySmallDetails::builder()
                            .logo(Some(logo(t.slug)))
                            .name(t.name)
                            .slug(t.slug),
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            built::<types::TechnologyCategoryItem, _>(
                types::TechnologyCategoryItem::builder()
                    .category_slug(Some(parent_slug.to_string()))
                    .name(name)
                    .number_of_companies(count(companies_using_any(data, &techs)))
                    .number_of_technologies(count(techs.len()))
                    .slug(slug)
                    .technologies(sample),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let total = rows.len();
    let answer: types::TechnologyCategoryResponse = built(
        types::TechnologyCategoryResponse::builder()
            .data(rows)
            .metadata(metadata(total)),
    )?;
    ok(&answer)
}
