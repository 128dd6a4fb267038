//! The order of job search results: `order_by`, a list of sort keys in priority order, each a
//! `ColumnSortJobSearch` field and a direction.
//!
//! Rule: `desc` defaults to true and `field` to `date_posted`, as the document says; an empty
//! list is the document's default (`date_posted`, then `discovered_at`, both descending). The
//! fields: `date_posted`, `discovered_at`, `salary` (the annual USD maximum, else minimum),
//! `job_title` and `company` (case-insensitive), `num_jobs` (the company's); jobs without a
//! salary come last in either direction. The job `id` breaks the remaining ties, in the
//! direction of the last key, so that pages are stable.

use crate::criteria::known;
use crate::data::Dataset;
use crate::errors::Failure;
use chrono::{DateTime, NaiveDate, Utc};
use std::cmp::Reverse;
use theirstack::types;
use types::ColumnSortJobSearchField as Field;

/// A value a job is sorted by.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Number(i64),
    Text(String),
}

/// A value in its direction.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Directed {
    Ascending(Value),
    Descending(Reverse<Value>),
}

/// One part of a job's sort key: whether the value is missing (last either way), then the value.
type Part = (bool, Option<Directed>);

fn part(value: Option<Value>, desc: bool) -> Part {
    match value {
        None => (true, None),
        Some(v) if desc => (false, Some(Directed::Descending(Reverse(v)))),
        Some(v) => (false, Some(Directed::Ascending(v))),
    }
}

/// The sort keys of a body: each field with its direction; the document's default when empty.
fn keys(order_by: &[types::ColumnSortJobSearch]) -> Result<Vec<(Field, bool)>, Failure> {
    known!(
        "order_by.field",
        order_by.iter().filter_map(|k| k.field.as_ref())
    );
    if order_by.is_empty() {
        return Ok(vec![(Field::DatePosted, true), (Field::DiscoveredAt, true)]);
    }
    Ok(order_by
        .iter()
        .map(|k| {
            (
                k.field.clone().unwrap_or(Field::DatePosted),
                k.desc.unwrap_or(true),
            )
        })
        .collect())
}

fn value(data: &Dataset, j: usize, field: &Field) -> Option<Value> {
    let job = &data.jobs[j];
    match field {
        Field::DatePosted => Some(Value::Date(job.date_posted)),
        Field::DiscoveredAt => Some(Value::Time(job.discovered_at.0)),
        Field::Salary => job
            .max_annual_salary_usd
            .or(job.min_annual_salary_usd)
            .map(|usd| Value::Number((usd * 100.0).round() as i64)),
        Field::JobTitle => Some(Value::Text(job.job_title.to_lowercase())),
        Field::Company => Some(Value::Text(job.company.to_lowercase())),
        Field::NumJobs => Some(Value::Number(job.company_object.num_jobs)),
        _ => None,
    }
}

/// Orders matched jobs (given in the default search order) as `order_by` asks.
pub(crate) fn sort_jobs(
    data: &Dataset,
    matched: &mut [usize],
    order_by: &[types::ColumnSortJobSearch],
) -> Result<(), Failure> {
    let keys = keys(order_by)?;
    let default = [(Field::DatePosted, true), (Field::DiscoveredAt, true)];
    if keys == default {
        // The search order is this one, with ids descending.
        return Ok(());
    }
    let last_desc = keys.last().is_none_or(|(_, desc)| *desc);
    matched.sort_by_cached_key(|&j| {
        let mut key: Vec<Part> = keys
            .iter()
            .map(|(field, desc)| part(value(data, j, field), *desc))
            .collect();
        key.push(part(Some(Value::Number(data.jobs[j].id)), last_desc));
        key
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sort(field: Option<Field>, desc: Option<bool>) -> types::ColumnSortJobSearch {
        let mut k = types::ColumnSortJobSearch::default();
        k.field = field;
        k.desc = desc;
        k
    }

    #[test]
    fn directions_default_to_descending_and_missing_values_go_last() {
        assert_eq!(
            keys(&[sort(None, None), sort(Some(Field::Salary), Some(false))]).unwrap(),
            [(Field::DatePosted, true), (Field::Salary, false)]
        );
        let mut parts = [
            part(None, true),
            part(Some(Value::Number(1)), true),
            part(Some(Value::Number(5)), true),
        ];
        parts.sort();
        assert_eq!(parts[0], part(Some(Value::Number(5)), true));
        assert_eq!(parts[2], part(None, true), "missing last when descending");
        let mut parts = [part(None, false), part(Some(Value::Number(5)), false)];
        parts.sort();
        assert_eq!(parts[1], part(None, false), "and when ascending");
    }
}
