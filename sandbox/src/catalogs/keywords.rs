//! The keyword catalogs (July 2026): keywords (v0), their parent categories and their
//! subcategories (v1), over the technologies (`keyword_type: technology`) and the buying-intent
//! topics of the data, with counts from the synthetic data.
//!
//! Rule: a keyword's counts are those of the data: companies whose stack (technologies) or
//! topic rows (topics) have it, the jobs that mention it, and the companies whose row has a
//! mention in the last 7 days. TheirStack has not published these responses; where the document
//! leaves a name open (`number_of_keywords` or `number_of_technologies`, `keywords` or
//! `technologies`) the sandbox fills both, so code reading either works.

use super::{SubcategoryQuery, contains, count, distinct, metadata, ok};
use crate::data::{Company, Dataset, TECHS, TOPICS};
use crate::errors::{Failure, built};
use crate::paging::{Style, list_window};
use crate::request::Query;
use crate::state::Shared;
use axum::response::Response;
use theirstack::types;

/// A keyword of the catalog: a technology or a topic.
#[derive(Debug, Clone, Copy)]
struct Keyword {
    slug: &'static str,
    name: &'static str,
    category: &'static str,
    category_slug: &'static str,
    parent: &'static str,
    parent_slug: &'static str,
    /// Its `KeywordType` as written on the wire.
    kind: &'static str,
    technology: bool,
}

/// Every keyword: the technologies, then the topics.
fn catalog() -> Vec<Keyword> {
    let techs = TECHS.iter().map(|t| Keyword {
        slug: t.slug,
        name: t.name,
        category: t.category,
        category_slug: t.category_slug,
        parent: t.parent,
        parent_slug: t.parent_slug,
        kind: "technology",
        technology: true,
    });
    let topics = TOPICS.iter().map(|t| Keyword {
        slug: t.slug,
        name: t.name,
        category: t.category,
        category_slug: t.category_slug,
        parent: t.parent,
        parent_slug: t.parent_slug,
        kind: t.kind,
        technology: false,
    });
    techs.chain(topics).collect()
}

/// The company's row of a keyword, if it has one.
fn row<'c>(c: &'c Company, k: &Keyword) -> Option<&'c types::KeywordFound> {
    let rows = if k.technology {
        &c.technologies
    } else {
        &c.topics
    };
    rows.iter().find(|r| r.technology.slug == k.slug)
}

/// Whether the company has the keyword: in its stack (technologies) or its topics.
fn has(c: &Company, k: &Keyword) -> bool {
    if k.technology {
        c.record
            .technology_slugs
            .as_ref()
            .is_some_and(|s| s.iter().any(|t| t == k.slug))
    } else {
        row(c, k).is_some()
    }
}

fn companies_with(data: &Dataset, k: &Keyword) -> usize {
    data.companies.iter().filter(|c| has(c, k)).count()
}

fn companies_with_any(data: &Dataset, keywords: &[Keyword]) -> usize {
    data.companies
        .iter()
        .filter(|c| keywords.iter().any(|k| has(c, k)))
        .count()
}

/// Jobs mentioning the keyword: the jobs listing the technology, or the topic rows' mentions.
fn jobs_with(data: &Dataset, k: &Keyword) -> usize {
    if k.technology {
        data.jobs
            .iter()
            .filter(|j| j.technology_slugs.iter().any(|s| s == k.slug))
            .count()
    } else {
        let total: i64 = data
            .companies
            .iter()
            .filter_map(|c| row(c, k))
            .map(|r| r.jobs)
            .sum();
        usize::try_from(total).unwrap_or(0)
    }
}

fn logo(k: &Keyword) -> Option<String> {
    k.technology
        .then(|| format!("https://logos.sandbox.invalid/technologies/{}.png", k.slug))
}

/// Keywords with their companies, most first, then by slug.
fn by_companies(data: &Dataset, keywords: Vec<Keyword>) -> Vec<(Keyword, usize)> {
    let mut out: Vec<(Keyword, usize)> = keywords
        .into_iter()
        .map(|k| (k, companies_with(data, &k)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.slug.cmp(b.0.slug)));
    out
}

/// The values of a `KeywordType` parameter, each checked.
#[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
fn keyword_types<'q>(query: &'q Query, name: &str) -> Result<Vec<&'q str>, Failure> {
    let values = query.all(name);
    if let Some(bad) = values
        .iter()
        .find(|v| !types::KeywordType::VALUES.contains(v))
    {
        return Err(Failure::validation(format!(
            "invalid query parameter `{name}`: expected one of {}, got `{}`",
            types::KeywordType::VALUES.join(", "),
            bad.chars().take(64).collect::<String>()
        )));
    }
    Ok(values)
}

/// Whether a name passes `starts_with`: case-insensitively, or, for `__other__`, when it does
/// not start with a letter from A to Z.
fn starts(name: &str, prefix: &str) -> bool {
    if prefix == "__other__" {
        return !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    }
    name.to_lowercase().starts_with(&prefix.to_lowercase())
}

/// `GET /v0/catalog/keywords`: most companies first (with `q`, names starting with it first);
/// `keyword_type`, `keyword_type_not`, `slugs` (and `slug`), `category_slug` and
/// `parent_category_slug` are exact, `name_pattern`, `category_pattern`,
/// `parent_category_pattern` and `q` (name, type and categories) case-insensitive substrings,
/// `starts_with` a prefix of the name; `include_metadata` changes nothing; `page` and `limit`
/// (default 25).
#[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
pub(crate) fn keywords(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let kind = keyword_types(query, "keyword_type")?.pop();
    let kind_not = keyword_types(query, "keyword_type_not")?;
    query.boolean("include_metadata")?;
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
    let name = query.get("name_pattern");
    let category = query.get("category_pattern");
    let parent = query.get("parent_category_pattern");
    let category_slug = query.get("category_slug");
    let parent_slug = query.get("parent_category_slug");
    let q = query.get("q");
    let prefix = query.get("starts_with");
    let snapshot = shared.data();
    let data = &*snapshot;
    let matched: Vec<Keyword> = catalog()
        .into_iter()
        .filter(|k| {
            kind.is_none_or(|t| t == k.kind)
                && !kind_not.contains(&k.kind)
                && (slugs.is_empty() || slugs.contains(&k.slug))
                && name.is_none_or(|p| contains(k.name, p))
                && category.is_none_or(|p| contains(k.category, p))
                && parent.is_none_or(|p| contains(k.parent, p))
                && category_slug.is_none_or(|s| s == k.category_slug)
                && parent_slug.is_none_or(|s| s == k.parent_slug)
                && prefix.is_none_or(|p| starts(k.name, p))
                && q.is_none_or(|q| {
                    [k.name, k.kind, k.category, k.parent]
                        .iter()
                        .any(|text| contains(text, q))
                })
        })
        .collect();
    let mut ranked = by_companies(data, matched);
    if let Some(q) = q {
        // A stable sort keeps the companies order within each half.
        ranked.sort_by_key(|(k, _)| !starts(k.name, q));
    }
    let range = list_window(query, ranked.len(), 25, None, Style::Page)?;
    let rows = ranked[range]
        .iter()
        .map(|&(k, companies)| {
            let last_week = data
                .companies
                .iter()
                .filter(|c| row(c, &k).is_some_and(|r| r.jobs_last_7_days > 0))
                .count();
            built::<types::KeywordAggregated, _>(
                types::KeywordAggregated::builder()
                    .category(Some(k.category.to_string()))
                    .category_slug(Some(k.category_slug.to_string()))
                    .companies(Some(count(companies)))
                    .companies_found_last_week(Some(count(last_week)))
                    .jobs(Some(count(jobs_with(data, &k))))
                    .keyword_type(Some(types::KeywordType::from(k.kind)))
                    .logo(logo(&k))
                    .name(k.name)
                    .one_liner(Some(format!("{}: {}", k.name, k.category)))
                    .parent_category(Some(k.parent.to_string()))
                    .parent_category_slug(Some(k.parent_slug.to_string()))
                    .slug(k.slug)
                    .url(Some(format!("https://keywords.sandbox.invalid/{}", k.slug))),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    ok(&rows)
}

/// `GET /v1/catalog/keywords/categories`: the parent categories of technologies and topics, or
/// the one of `category_slug` (none when unknown), with their keywords and companies.
#[cfg(theirstack_has = "op:list_keyword_categories_v1")]
pub(crate) fn keyword_categories(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let wanted = query.get("category_slug");
    let data = shared.data();
    let all = catalog();
    let rows = distinct(&all, |k| (k.parent, k.parent_slug))
        .into_iter()
        .filter(|(_, slug)| wanted.is_none_or(|w| w == *slug))
        .map(|(name, slug)| {
            let members: Vec<Keyword> = all
                .iter()
                .filter(|k| k.parent_slug == slug)
                .copied()
                .collect();
            let n = Some(count(members.len()));
            built::<types::KeywordParentCategoryItem, _>(
                types::KeywordParentCategoryItem::builder()
                    .name(name)
                    .number_of_companies(Some(count(companies_with_any(&data, &members))))
                    .number_of_keywords(n)
                    .number_of_technologies(n)
                    .slug(slug),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut answer = types::KeywordParentCategoryResponse::default();
    answer.metadata = Some(metadata(rows.len()));
    answer.data = rows;
    ok(&answer)
}

/// `GET /v1/catalog/keywords/subcategories`: every subcategory, those of the parent
/// `category_slug`, or the one `subcategory_slug` names in it (`subcategory_slug` alone is a
/// 422, as for technologies); each with its `num_technologies_per_category` (default 5)
/// keywords used by the most companies.
#[cfg(theirstack_has = "op:list_keyword_subcategories_v1")]
pub(crate) fn keyword_subcategories(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let SubcategoryQuery {
        parent,
        wanted,
        per_category,
    } = SubcategoryQuery::read(query)?;
    let snapshot = shared.data();
    let data = &*snapshot;
    let all = catalog();
    let rows = distinct(&all, |k| (k.category, k.category_slug, k.parent_slug))
        .into_iter()
        .filter(|(_, slug, parent_slug)| {
            parent.is_none_or(|p| p == *parent_slug) && wanted.is_none_or(|w| w == *slug)
        })
        .map(|(name, slug, parent_slug)| {
            let members: Vec<Keyword> = all
                .iter()
                .filter(|k| k.category_slug == slug)
                .copied()
                .collect();
            let sample = by_companies(data, members.clone())
                .into_iter()
                .take(per_category)
                .map(|(k, _)| {
                    built::<types::TechnologyFromCategorySmallDetails, _>(
                        types::TechnologyFromCategorySmallDetails::builder()
                            .logo(logo(&k))
                            .name(k.name)
                            .slug(k.slug),
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            let n = Some(count(members.len()));
            built::<types::KeywordCategoryItem, _>(
                types::KeywordCategoryItem::builder()
                    .category_slug(Some(parent_slug.to_string()))
                    .keywords(sample.clone())
                    .name(name)
                    .number_of_companies(Some(count(companies_with_any(data, &members))))
                    .number_of_keywords(n)
                    .number_of_technologies(n)
                    .slug(slug)
                    .technologies(sample),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut answer = types::KeywordCategoryResponse::default();
    answer.metadata = Some(metadata(rows.len()));
    answer.data = rows;
    ok(&answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_start_with_a_prefix_or_not_with_a_letter() {
        assert!(starts("Snowflake", "snow"));
        assert!(!starts("Snowflake", "flake"));
        assert!(starts("3D Printing", "__other__"));
        assert!(!starts("Snowflake", "__other__"));
    }

    #[test]
    fn the_catalog_has_every_technology_and_topic_once() {
        let all = catalog();
        assert_eq!(all.len(), TECHS.len() + TOPICS.len());
        let mut slugs: Vec<&str> = all.iter().map(|k| k.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(
            slugs.len(),
            all.len(),
            "no slug is both a technology and a topic"
        );
    }
}
