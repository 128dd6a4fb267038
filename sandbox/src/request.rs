//! Reading requests.
//!
//! Rule: bodies are read into the generated request types (which refuse unknown keys, as
//! TheirStack does) and query strings into typed values; anything that does not fit is a 422
//! envelope naming the field, never a panic and never a bare framework error.

use super::errors::Failure;
use serde::de::DeserializeOwned;
use std::str::FromStr;

/// Reads a JSON body into `T`; the error names the field (`job_filters.foo`) and the problem.
pub(crate) fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Failure> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure::validation("the request body is required"));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            Failure::validation(format!("the request body is not valid JSON: {inner}"))
        } else {
            invalid_at("", &path, &inner)
        }
    })?;
    de.end()
        .map_err(|e| Failure::validation(format!("the request body is not valid JSON: {e}")))?;
    Ok(value)
}

/// Reads a member of a body (at `prefix`) into `T`, naming fields from the body's root.
pub(crate) fn member<T: DeserializeOwned>(
    value: &serde_json::Value,
    prefix: &str,
) -> Result<T, Failure> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        invalid_at(prefix, &path, e.inner())
    })
}

/// The 422 for a value that does not fit at `prefix`.`path`.
fn invalid_at(prefix: &str, path: &str, error: &serde_json::Error) -> Failure {
    let mut message = error.to_string();
    // "unknown field `x`, expected one of …" lists every field: keep the first clause.
    if let Some((head, _)) = message.split_once(", expected one of") {
        message = head.to_string();
    }
    let at = match (prefix, path) {
        ("", ".") => String::new(),
        ("", path) => path.to_string(),
        (prefix, ".") => prefix.to_string(),
        (prefix, path) => format!("{prefix}.{path}"),
    };
    if at.is_empty() {
        Failure::validation(format!("invalid request body: {message}"))
    } else {
        Failure::validation(format!("invalid request body at `{at}`: {message}"))
    }
}

/// The parameters of a query string, decoded, in order.
#[derive(Debug, Default)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses a raw query string (`None`: no query).
    pub(crate) fn parse(raw: Option<&str>) -> Query {
        let pairs = raw
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Query { pairs }
    }

    /// The last value of a parameter, empty or not (an empty value is a value: `limit=` is a
    /// 422, `name=` an empty name).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a parameter, in order (`slugs=a&slugs=b`).
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A parameter parsed with `FromStr`; a value that does not parse (an empty one included) is
    /// a 422 naming it.
    pub(crate) fn parsed<T: FromStr>(
        &self,
        name: &str,
        expected: &str,
    ) -> Result<Option<T>, Failure> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => parse_value(name, raw, expected).map(Some),
        }
    }

    /// Every value of a parameter parsed with `FromStr`; one that does not parse is a 422.
    pub(crate) fn parsed_all<T: FromStr>(
        &self,
        name: &str,
        expected: &str,
    ) -> Result<Vec<T>, Failure> {
        self.all(name)
            .into_iter()
            .map(|raw| parse_value(name, raw, expected))
            .collect()
    }

    /// An integer parameter of at least `min` (and at most `max` when given).
    pub(crate) fn integer(
        &self,
        name: &str,
        min: i64,
        max: Option<i64>,
    ) -> Result<Option<i64>, Failure> {
        let expected = match max {
            Some(max) => format!("an integer from {min} to {max}"),
            None => format!("an integer of at least {min}"),
        };
        let value = self.parsed::<Int>(name, &expected)?.map(|Int(v)| v);
        match value {
            Some(v) if v < min || max.is_some_and(|m| v > m) => Err(Failure::validation(format!(
                "invalid query parameter `{name}`: expected {expected}, got {v}"
            ))),
            _ => Ok(value),
        }
    }

    /// A boolean parameter, read as FastAPI reads one: `true`/`false`, `1`/`0`, `yes`/`no`,
    /// `on`/`off`, in any case.
    pub(crate) fn boolean(&self, name: &str) -> Result<Option<bool>, Failure> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Some(true)),
            "false" | "0" | "no" | "off" => Ok(Some(false)),
            _ => Err(invalid_value(name, raw, "a boolean")),
        }
    }

    /// A parameter whose value must be one of `values`.
    pub(crate) fn one_of<'v>(
        &self,
        name: &str,
        values: &[&'v str],
    ) -> Result<Option<&'v str>, Failure> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => values
                .iter()
                .find(|v| **v == raw)
                .copied()
                .map(Some)
                .ok_or_else(|| invalid_value(name, raw, &format!("one of {}", values.join(", ")))),
        }
    }

    /// A date-time parameter (ISO 8601); an empty or malformed value is a 422.
    pub(crate) fn timestamp(
        &self,
        name: &str,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, Failure> {
        Ok(self
            .parsed::<theirstack::types::Timestamp>(name, "an ISO 8601 date-time")?
            .map(|t| t.0))
    }
}

fn parse_value<T: FromStr>(name: &str, raw: &str, expected: &str) -> Result<T, Failure> {
    raw.parse().map_err(|_| invalid_value(name, raw, expected))
}

/// The 422 of a query parameter whose value does not fit.
fn invalid_value(name: &str, raw: &str, expected: &str) -> Failure {
    Failure::validation(format!(
        "invalid query parameter `{name}`: expected {expected}, got `{}`",
        raw.chars().take(64).collect::<String>()
    ))
}

/// An integer as the document means one: any number of digits with an optional sign. One past
/// the `i64` range is held at its end, so that it names nothing (a 404) or asks for rows past
/// the last (an empty page) rather than being refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Int(pub(crate) i64);

impl FromStr for Int {
    type Err = ();

    fn from_str(raw: &str) -> Result<Int, ()> {
        let (negative, digits) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw.strip_prefix('+').unwrap_or(raw)),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(());
        }
        Ok(Int(raw.parse().unwrap_or(if negative {
            i64::MIN
        } else {
            i64::MAX
        })))
    }
}

/// Reads a path segment as an id; anything but an integer is a 422 naming the parameter.
pub(crate) fn path_id(name: &str, raw: &str) -> Result<i64, Failure> {
    raw.parse::<Int>().map(|Int(id)| id).map_err(|_| {
        Failure::validation(format!(
            "invalid path parameter `{name}`: expected an integer, got `{}`",
            raw.chars().take(64).collect::<String>()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use theirstack::types;

    #[test]
    fn unknown_keys_are_named() {
        let err =
            body::<types::JobSearchFiltersInput>(br#"{"posted_at_max_age_days": 1, "nope": 2}"#)
                .unwrap_err();
        assert!(err.description.contains("`nope`"), "{}", err.description);
        assert!(
            !err.description.contains("expected one of"),
            "{}",
            err.description
        );
    }

    #[test]
    fn nested_type_errors_are_located() {
        let err =
            body::<types::CompanySearchFiltersInput>(br#"{"job_filters": {"job_title_or": "x"}}"#)
                .unwrap_err();
        assert!(
            err.description.contains("`job_filters.job_title_or`"),
            "{}",
            err.description
        );
    }

    #[test]
    fn members_are_named_from_the_root() {
        let value = serde_json::json!({"job_title_or": ["x"], "nope": 1});
        let err = member::<types::JobSearchFiltersInput>(&value, "job_filters").unwrap_err();
        assert!(
            err.description.contains("`job_filters.nope`"),
            "{}",
            err.description
        );
    }

    #[test]
    fn empty_and_broken_bodies_are_refused() {
        assert!(body::<types::TechDetailsFilters>(b" ").is_err());
        let err = body::<types::TechDetailsFilters>(b"{").unwrap_err();
        assert!(
            err.description.contains("not valid JSON"),
            "{}",
            err.description
        );
        assert!(body::<types::TechDetailsFilters>(b"{} {}").is_err());
        assert!(body::<types::JobSearchFiltersInput>(br#"{"limit": 0}"#).is_err());
    }

    #[test]
    fn queries_are_decoded() {
        let q = Query::parse(Some("offset=5&limit=&status=FAILED&x=a%20b"));
        assert_eq!(q.parsed::<u64>("offset", "an integer").unwrap(), Some(5));
        assert!(
            q.parsed::<u64>("limit", "an integer").is_err(),
            "an empty value is a value"
        );
        assert_eq!(q.parsed::<u64>("page", "an integer").unwrap(), None);
        assert_eq!(q.get("x"), Some("a b"));
        assert!(q.parsed::<u64>("status", "an integer").is_err());
        assert!(path_id("webhook_id", "abc").is_err());
        assert_eq!(
            path_id("list_id", "99999999999999999999999").ok(),
            Some(i64::MAX)
        );
        assert_eq!("-5".parse::<Int>(), Ok(Int(-5)));
        assert!("1e5".parse::<Int>().is_err() && "".parse::<Int>().is_err());
    }
}
