//! Search criteria: the filters of a request body, read once and checked, then matched against
//! records. `jobs` holds the job-level filters, `companies` the company-level ones,
//! `technologies` those of technographics rows; this module the helpers they share.

mod companies;
mod jobs;
mod technologies;

pub(crate) use companies::CompanyCriteria;
pub(crate) use jobs::JobCriteria;
pub(crate) use technologies::TechCriteria;

use crate::errors::{Failure, Kind};
use chrono::{DateTime, Duration as Days, NaiveDate, Utc};
use theirstack::types;

/// A `discovered_at_*` bound: a date or a date-time.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bound {
    Day(NaiveDate),
    Time(DateTime<Utc>),
}

pub(crate) fn bound(name: &str, value: Option<&String>) -> Result<Option<Bound>, Failure> {
    let Some(raw) = value else {
        return Ok(None);
    };
    if let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return Ok(Some(Bound::Day(day)));
    }
    raw.parse::<types::Timestamp>()
        .map(|t| Some(Bound::Time(t.0)))
        .map_err(|_| {
            Failure::validation(format!(
                "`{name}` must be a date (YYYY-MM-DD) or a date-time, got `{}`",
                raw.chars().take(64).collect::<String>()
            ))
        })
}

pub(crate) fn lower_all(values: &[String]) -> Vec<String> {
    values.iter().map(|v| v.to_lowercase()).collect()
}

/// The codes of a country filter, uppercased; a code that is not two ASCII letters is TheirStack's
/// "Invalid country code exception" (a 422) naming the field and the value.
pub(crate) fn country_codes(field: &str, values: &[String]) -> Result<Vec<String>, Failure> {
    if let Some(bad) = values
        .iter()
        .find(|v| !(v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic())))
    {
        return Err(Failure::new(
            Kind::InvalidCountryCode,
            format!(
                "`{field}`: `{}` is not an ISO 3166-1 alpha-2 country code (two letters)",
                bad.chars().take(64).collect::<String>()
            ),
        ));
    }
    Ok(upper_all(values))
}

pub(crate) fn upper_all(values: &[String]) -> Vec<String> {
    values.iter().map(|v| v.trim().to_uppercase()).collect()
}

/// Whether `phrase` (lowercase) occurs in `text` (lowercase) as whole words.
pub(crate) fn contains_words(text: &str, phrase: &str) -> bool {
    let phrase = phrase.trim();
    if phrase.is_empty() {
        return false;
    }
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    text.match_indices(phrase).any(|(at, _)| {
        boundary(text[..at].chars().next_back())
            && boundary(text[at + phrase.len()..].chars().next())
    })
}

/// A domain, URL or e-mail address reduced to a bare lowercase host.
pub(crate) fn normalize_domain(value: &str) -> String {
    let mut v = value.trim().to_lowercase();
    if let Some((_, host)) = v.rsplit_once('@') {
        v = host.to_string();
    }
    for scheme in ["https://", "http://"] {
        if let Some(rest) = v.strip_prefix(scheme) {
            v = rest.to_string();
        }
    }
    let host = v.split(['/', '?', '#', ':']).next().unwrap_or("");
    host.strip_prefix("www.").unwrap_or(host).to_string()
}

/// A LinkedIn company URL or slug reduced to the lowercase slug.
pub(crate) fn normalize_linkedin(value: &str) -> String {
    let v = value.trim().to_lowercase();
    let tail = match v.find("linkedin.com/company/") {
        Some(at) => &v[at + "linkedin.com/company/".len()..],
        None => v.as_str(),
    };
    tail.trim_matches('/')
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_string()
}

/// The day `days` days before `today` (negative counts as 0), or the earliest date when that is
/// out of range.
pub(crate) fn days_before(today: NaiveDate, days: i64) -> NaiveDate {
    Days::try_days(days.max(0))
        .and_then(|d| today.checked_sub_signed(d))
        .unwrap_or(NaiveDate::MIN)
}

/// Refuses a value of an open enum that the document does not list, naming the field.
macro_rules! known {
    ($field:expr, $values:expr) => {
        if let Some(v) = $values.into_iter().find(|v| !v.is_known()) {
            return Err(Failure::validation(format!(
                "invalid value `{}` in `{}`",
                v.as_str().chars().take(64).collect::<String>(),
                $field
            )));
        }
    };
}
pub(crate) use known;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_whole_words_only() {
        assert!(contains_words("senior data engineer", "data engineer"));
        assert!(contains_words("data engineer", "data engineer"));
        assert!(!contains_words("big data engineering", "data engineer"));
        assert!(!contains_words("metadata engineer", "data engineer"));
        assert!(!contains_words("anything", " "));
    }

    #[test]
    fn identifiers_are_normalized() {
        assert_eq!(
            normalize_domain("https://www.Acme.example/about"),
            "acme.example"
        );
        assert_eq!(normalize_domain("jobs@acme.example"), "acme.example");
        assert_eq!(normalize_domain("acme.example"), "acme.example");
        assert_eq!(
            normalize_linkedin("https://www.linkedin.com/company/acme-labs/"),
            "acme-labs"
        );
        assert_eq!(normalize_linkedin("acme-labs"), "acme-labs");
    }

    #[test]
    fn huge_ages_do_not_overflow() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(days_before(today, i64::MAX), NaiveDate::MIN);
        assert_eq!(days_before(today, -5), today);
        assert_eq!(
            days_before(today, 1),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
    }
}
