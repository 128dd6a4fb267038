//! Technology criteria: the filters of a company search's `tech_filters` and of a technographics
//! or buying-intents body, matched against a technographics (or topic) row.

use super::known;
use crate::errors::Failure;
use chrono::NaiveDate;
use theirstack::types;

/// Technology filters of `tech_filters` and of technographics.
#[derive(Debug, Default)]
pub(crate) struct TechCriteria {
    slug_or: Vec<String>,
    category_or: Vec<String>,
    parent_or: Vec<String>,
    confidence_or: Vec<types::KeywordFoundConfidence>,
    min_jobs: Option<i64>,
    max_jobs: Option<i64>,
    max_rank: Option<i64>,
    min_share: Option<f64>,
    first_gte: Option<NaiveDate>,
    first_lte: Option<NaiveDate>,
    last_gte: Option<NaiveDate>,
    last_lte: Option<NaiveDate>,
}

macro_rules! tech_criteria {
    ($f:expr, $prefix:literal) => {{
        let f = $f;
        known!(concat!($prefix, "confidence_or"), &f.confidence_or);
        TechCriteria {
            slug_or: f.technology_slug_or.clone(),
            category_or: f.technology_category_slug_or.clone(),
            parent_or: f.technology_parent_category_slug_or.clone(),
            confidence_or: f.confidence_or.clone(),
            min_jobs: f.min_jobs,
            max_jobs: f.max_jobs,
            max_rank: f.max_rank,
            min_share: f.min_relative_occurrence,
            first_gte: f.first_date_found_gte,
            first_lte: f.first_date_found_lte,
            last_gte: f.last_date_found_gte,
            last_lte: f.last_date_found_lte,
        }
    }};
}

impl TechCriteria {
    pub(crate) fn matches(&self, k: &types::KeywordFound) -> bool {
        let t = &k.technology;
        let any = |list: &[String], value: Option<&str>| {
            list.is_empty() || value.is_some_and(|v| list.iter().any(|x| x == v))
        };
        any(&self.slug_or, Some(&t.slug))
            && any(&self.category_or, t.category_slug.as_deref())
            && any(&self.parent_or, t.parent_category_slug.as_deref())
            && (self.confidence_or.is_empty() || self.confidence_or.contains(&k.confidence))
            && self.min_jobs.is_none_or(|m| k.jobs >= m)
            && self.max_jobs.is_none_or(|m| k.jobs <= m)
            && self.max_rank.is_none_or(|m| k.rank_within_category <= m)
            && self
                .min_share
                .is_none_or(|m| k.relative_occurrence_within_category >= m)
            && self.first_gte.is_none_or(|d| k.first_date_found >= d)
            && self.first_lte.is_none_or(|d| k.first_date_found <= d)
            && self.last_gte.is_none_or(|d| k.last_date_found >= d)
            && self.last_lte.is_none_or(|d| k.last_date_found <= d)
    }
}

impl TechCriteria {
    /// The criteria of a company search's `tech_filters`.
    pub(crate) fn from_tech_filters(
        f: &types::TechnographicsTechnologyFilters,
    ) -> Result<TechCriteria, Failure> {
        Ok(tech_criteria!(f, "tech_filters."))
    }

    /// The criteria of a technographics or buying-intents body: the `keyword_*_slug_or` filters
    /// (where the document has them) are the newer names of the `technology_*_slug_or` ones, and
    /// both lists count.
    pub(crate) fn from_details(f: &types::TechDetailsFilters) -> Result<TechCriteria, Failure> {
        #[allow(unused_mut)]
        let mut c = tech_criteria!(f, "");
        #[cfg(theirstack_has = "TechDetailsFilters.keyword_slug_or")]
        c.slug_or.extend(f.keyword_slug_or.iter().cloned());
        #[cfg(theirstack_has = "TechDetailsFilters.keyword_category_slug_or")]
        c.category_or
            .extend(f.keyword_category_slug_or.iter().cloned());
        #[cfg(theirstack_has = "TechDetailsFilters.keyword_parent_category_slug_or")]
        c.parent_or
            .extend(f.keyword_parent_category_slug_or.iter().cloned());
        Ok(c)
    }
}
