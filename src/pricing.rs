//! What TheirStack charges, in API credits: the one place the crate writes its prices down.
//!
//! Searches charge per row returned, lookups per request that returns rows, and preview mode,
//! account and webhook-management calls nothing. Every re-fetch is charged again.

/// Credits per job returned by job search.
pub const CREDITS_PER_JOB: u64 = 1;
/// Credits per company returned by company search.
pub const CREDITS_PER_COMPANY: u64 = 3;
/// Credits per one-company lookup (technographics, buying intents) that returns rows, however
/// many rows it returns.
pub const CREDITS_PER_LOOKUP: u64 = 3;

/// What a request to an endpoint costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    /// Nothing (preview mode, account and webhook endpoints, catalogs).
    Free,
    /// This many credits per row returned.
    PerItem(u64),
    /// This many credits per request that returns at least one row.
    PerLookup(u64),
}

impl Cost {
    /// Credits a response of `rows` rows costs.
    pub fn of_page(self, rows: u64) -> u64 {
        match self {
            Cost::Free => 0,
            Cost::PerItem(c) => c.saturating_mul(rows),
            Cost::PerLookup(c) if rows > 0 => c,
            Cost::PerLookup(_) => 0,
        }
    }

    /// The most credits a request for `limit` rows can cost.
    pub fn of_request(self, limit: u64) -> u64 {
        self.of_page(limit)
    }

    /// Whether the endpoint charges at all.
    pub fn is_free(self) -> bool {
        self.of_page(1) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_by_kind() {
        assert_eq!(Cost::PerItem(3).of_page(10), 30);
        assert_eq!(Cost::PerItem(1).of_page(0), 0);
        assert_eq!(Cost::PerLookup(3).of_page(10), 3);
        assert_eq!(Cost::PerLookup(3).of_page(0), 0);
        assert_eq!(Cost::Free.of_page(10), 0);
        assert!(Cost::Free.is_free() && Cost::PerItem(0).is_free());
        assert!(!Cost::PerLookup(CREDITS_PER_LOOKUP).is_free());
        assert_eq!(Cost::PerItem(u64::MAX).of_page(2), u64::MAX, "saturates");
    }
}
