//! The request plan of a pull: which rows each request asks for, so that no request goes past
//! the caller's caps (`max_items`, the credit budget) or a known total.
//!
//! Offset endpoints are walked exactly: a cap of 1,234 at page size 500 asks for 500, 500 and 234
//! rows at offsets 0, 500 and 1,000, from any start. Page endpoints can only start a page at a
//! multiple of its limit, so an unaligned tail is fetched in smaller limits that divide the offset
//! (extra requests, never extra rows).

use super::source::{PageRequest, Paging};
use crate::pricing::Cost;

/// Plans requests: offsets, limits and the caps they respect.
#[derive(Debug)]
pub(crate) struct Planner {
    pub(crate) next_offset: u64,
    pub(crate) page_size: u64,
    pub(crate) paging: Paging,
    /// Offset past the last row the item cap allows.
    pub(crate) end: Option<u64>,
    /// Total rows the server reported.
    pub(crate) total: Option<u64>,
    /// What each request costs.
    pub(crate) cost: Cost,
    /// Credits not yet spent or reserved by a planned request.
    pub(crate) credits_left: Option<u64>,
    /// Whether the first request asks for `total_results`.
    pub(crate) want_total: bool,
    pub(crate) planned: u64,
    pub(crate) stopped: bool,
}

impl Planner {
    /// The next request, or `None` when the caps, the total or a stop say there is none.
    pub(crate) fn next(&mut self) -> Option<PageRequest> {
        if self.stopped || self.total.is_some_and(|total| self.next_offset >= total) {
            return None;
        }
        // Caps cut the limit (rows past them would be paid for); a known total only stops the
        // plan, since the server returns no rows past it anyway.
        let mut want = match self.end {
            Some(end) => self.page_size.min(end.saturating_sub(self.next_offset)),
            None => self.page_size,
        };
        if let Some(credits) = self.credits_left {
            want = match self.cost {
                Cost::PerItem(price) if price > 0 => want.min(credits / price),
                Cost::PerLookup(price) if credits < price => 0,
                _ => want,
            };
        }
        if want == 0 {
            return None;
        }
        let limit = match self.paging {
            Paging::Offset => want,
            Paging::Page => aligned_limit(self.next_offset, want),
        };
        let request = PageRequest {
            offset: self.next_offset,
            limit,
            include_total: self.want_total && self.planned == 0,
        };
        self.reserve(self.cost.of_request(limit));
        self.next_offset += limit;
        self.planned += 1;
        Some(request)
    }

    /// Records what a response cost beyond what its request reserved (a server that sent more
    /// rows than asked for charges for them), so later requests are cut to what is left.
    pub(crate) fn charge_extra(&mut self, request: &PageRequest, rows_returned: u64) {
        let reserved = self.cost.of_request(request.limit);
        let charged = self.cost.of_page(rows_returned);
        self.reserve(charged.saturating_sub(reserved));
    }

    fn reserve(&mut self, credits: u64) {
        if let Some(left) = &mut self.credits_left {
            *left = left.saturating_sub(credits);
        }
    }

    /// No further request.
    pub(crate) fn stop(&mut self) {
        self.stopped = true;
    }

    /// Whether a cap bounds the plan (then every planned request is inside what the caller asked
    /// for, and the look-ahead window may open before the total is known).
    pub(crate) fn is_capped(&self) -> bool {
        self.end.is_some() || self.credits_left.is_some()
    }
}

/// The largest limit ≤ `want` that divides `offset`, so that a page of that limit starts there.
pub(crate) fn aligned_limit(offset: u64, want: u64) -> u64 {
    if offset == 0 || offset.is_multiple_of(want) {
        return want;
    }
    (1..=want)
        .rev()
        .find(|d| offset.is_multiple_of(*d))
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planner(start: u64, page_size: u64, paging: Paging, cap: Option<u64>) -> Planner {
        Planner {
            next_offset: start,
            page_size,
            paging,
            end: cap.map(|c| start + c),
            total: None,
            cost: Cost::PerItem(1),
            credits_left: None,
            want_total: false,
            planned: 0,
            stopped: false,
        }
    }

    fn plan(mut p: Planner) -> Vec<(u64, u64)> {
        std::iter::from_fn(|| p.next())
            .map(|r| (r.offset, r.limit))
            .collect()
    }

    #[test]
    fn an_offset_endpoint_is_walked_exactly_from_any_start() {
        assert_eq!(
            plan(planner(0, 500, Paging::Offset, Some(1234))),
            [(0, 500), (500, 500), (1000, 234)]
        );
        // A resumed pull from an offset that is not a page boundary needs no smaller limits.
        assert_eq!(
            plan(planner(1231, 500, Paging::Offset, Some(700))),
            [(1231, 500), (1731, 200)]
        );
    }

    #[test]
    fn a_page_endpoint_keeps_every_offset_a_multiple_of_its_limit() {
        for (start, size, cap) in [(0, 500, 1234), (1234, 500, 2000), (7, 25, 100)] {
            let requests = plan(planner(start, size, Paging::Page, Some(cap)));
            let mut expected = start;
            for (offset, limit) in &requests {
                assert_eq!(*offset, expected, "no gap, no overlap");
                assert_eq!(offset % limit, 0, "{offset} is a page boundary of {limit}");
                assert!(*limit <= size);
                expected += limit;
            }
            assert_eq!(expected, start + cap, "exactly the capped rows");
        }
    }

    #[test]
    fn a_known_total_stops_the_plan_without_cutting_limits() {
        let mut p = planner(0, 500, Paging::Offset, None);
        p.total = Some(730);
        assert_eq!(plan(p), [(0, 500), (500, 500)]);
        let mut p = planner(0, 500, Paging::Offset, Some(600));
        p.total = Some(550);
        assert_eq!(plan(p), [(0, 500), (500, 100)]);
    }

    #[test]
    fn a_credit_budget_cuts_limits_at_the_price_and_counts_extra_rows() {
        let mut p = planner(0, 100, Paging::Offset, None);
        p.cost = Cost::PerItem(3);
        p.credits_left = Some(1000);
        let first = p.next().unwrap();
        assert_eq!((first.offset, first.limit), (0, 100));
        assert_eq!(p.credits_left, Some(700), "the request reserved 100 × 3");
        // The server sent 110 rows for 100: the 10 extra rows are charged too.
        p.charge_extra(&first, 110);
        assert_eq!(p.credits_left, Some(670));
        assert_eq!(plan(p), [(100, 100), (200, 100), (300, 23)]);
        // A server that overcharges past the budget leaves nothing, never a wrap-around.
        let mut p = planner(0, 500, Paging::Offset, None);
        p.cost = Cost::PerItem(3);
        p.credits_left = Some(1000);
        let first = p.next().unwrap();
        assert_eq!(first.limit, 333);
        p.charge_extra(&first, 340);
        assert_eq!(p.credits_left, Some(0));
        assert_eq!(p.next(), None);
    }

    #[test]
    fn a_lookup_budget_counts_requests() {
        let mut p = planner(0, 500, Paging::Offset, None);
        p.cost = Cost::PerLookup(3);
        p.credits_left = Some(7);
        assert_eq!(plan(p), [(0, 500), (500, 500)], "two lookups of 3 credits");
    }

    #[test]
    fn aligned_limits() {
        assert_eq!(aligned_limit(0, 500), 500);
        assert_eq!(aligned_limit(1000, 200), 200);
        assert_eq!(aligned_limit(1000, 234), 200);
        assert_eq!(aligned_limit(1500, 500), 500);
        assert_eq!(aligned_limit(1231, 500), 1, "1231 is prime");
    }
}
