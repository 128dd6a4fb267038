//! Paging of the searches: the page a request asks for and the largest `limit`.
//!
//! Rule: `offset` + `limit` or `page` + `limit`, one style per request (both is a 422), as
//! TheirStack's pagination guide describes them; `limit` is at most [`MAX_LIMIT`].

use crate::errors::Failure;
use crate::request::Query;

/// Largest `limit` a search accepts.
pub const MAX_LIMIT: u64 = 500;
/// `limit` when a search body has none.
pub(crate) const DEFAULT_LIMIT: u64 = 25;

/// The rows one search request asks for, read the way TheirStack's pagination guide describes
/// it: `offset` + `limit`, or `page` + `limit`, never both (a 422, as a strict server answers).
pub(crate) fn window(
    len: usize,
    page: Option<u64>,
    offset: Option<u64>,
    limit: u64,
) -> Result<std::ops::Range<usize>, Failure> {
    let start = match (page, offset) {
        (Some(page), Some(offset)) => {
            return Err(Failure::validation(format!(
                "use either page or offset, not both (page={page}, offset={offset})"
            )));
        }
        (Some(page), None) => page.saturating_mul(limit),
        (None, offset) => offset.unwrap_or(0),
    };
    let start = usize::try_from(start).unwrap_or(usize::MAX).min(len);
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(len);
    Ok(start..end)
}

/// The paging parameters a list endpoint has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `offset` and `limit`.
    Offset,
    /// `page` and `limit`.
    Page,
    /// `offset`, `page` and `limit`; one of `offset` and `page` per request.
    Both,
}

/// The rows a GET list request asks for: `limit` (at least 1, at most `max_limit` when given,
/// `default_limit` when absent) with `offset` or `page` (at least 0) as the endpoint has them,
/// one style per request. A parameter the endpoint does not have is ignored.
pub(crate) fn list_window(
    query: &Query,
    len: usize,
    default_limit: u64,
    max_limit: Option<i64>,
    style: Style,
) -> Result<std::ops::Range<usize>, Failure> {
    let limit = query
        .integer("limit", 1, max_limit)?
        .map_or(default_limit, |l| l.unsigned_abs());
    let page = match style {
        Style::Page | Style::Both => query.integer("page", 0, None)?,
        Style::Offset => None,
    };
    let offset = match style {
        Style::Offset | Style::Both => query.integer("offset", 0, None)?,
        Style::Page => None,
    };
    window(
        len,
        page.map(i64::unsigned_abs),
        offset.map(i64::unsigned_abs),
        limit,
    )
}

pub(crate) fn check_limit(limit: u64) -> Result<(), Failure> {
    if limit > MAX_LIMIT {
        return Err(Failure::validation(format!(
            "`limit` must be at most {MAX_LIMIT}, got {limit}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_start_at_offset_else_page_times_limit() {
        assert_eq!(window(100, Some(2), None, 10).unwrap(), 20..30);
        assert_eq!(window(100, None, Some(5), 10).unwrap(), 5..15);
        assert_eq!(window(100, None, Some(95), 10).unwrap(), 95..100);
        assert_eq!(window(100, Some(u64::MAX), None, 500).unwrap(), 100..100);
        assert_eq!(window(0, None, None, 25).unwrap(), 0..0);
        // Two paging styles at once are refused, as a strict server does.
        assert!(window(100, Some(0), Some(0), 10).is_err());
        assert!(window(100, Some(1), Some(10), 10).is_err());
    }
}
