//! Credits: the balance and the daily ledger.
//!
//! Rule: credits are only spent through [`Ledger::charge`], which never lets the balance go
//! below zero and records every charge on the sandbox day it happened, so the balance endpoint
//! (`used_api_credits`) and the consumption endpoint (daily `CreditsConsumption` buckets, UTC)
//! always agree with what searches and webhook deliveries cost.

use crate::errors::{Failure, built, json_response};
use crate::request::Query;
use crate::request_log::note_charge;
use crate::state::Shared;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration as Days, NaiveDate, Utc};
use std::collections::BTreeMap;
use theirstack::types;

/// Longest window, in days, a daily count answers for.
const MAX_CONSUMPTION_DAYS: i64 = 400;

/// The account's credits.
#[derive(Debug)]
pub(crate) struct Ledger {
    api_credits: u64,
    used_api_credits: u64,
    ui_credits: u64,
    daily: BTreeMap<NaiveDate, u64>,
}

impl Ledger {
    pub(crate) fn new(api_credits: u64, ui_credits: u64) -> Ledger {
        Ledger {
            api_credits,
            used_api_credits: 0,
            ui_credits,
            daily: BTreeMap::new(),
        }
    }

    /// API credits left.
    pub(crate) fn remaining(&self) -> u64 {
        self.api_credits
    }

    /// API credits spent so far.
    pub(crate) fn used(&self) -> u64 {
        self.used_api_credits
    }

    /// Sets the API credits left (the ledger keeps what was spent).
    pub(crate) fn set_remaining(&mut self, credits: u64) {
        self.api_credits = credits;
    }

    /// Spends up to `credits` on `day`; returns what was spent, which also counts for the
    /// request being answered on this task, if any (for the request log).
    pub(crate) fn charge(&mut self, credits: u64, day: NaiveDate) -> u64 {
        let spent = credits.min(self.api_credits);
        if spent > 0 {
            self.api_credits -= spent;
            self.used_api_credits += spent;
            *self.daily.entry(day).or_default() += spent;
            note_charge(spent);
        }
        spent
    }

    /// The balance as the API reports it.
    pub(crate) fn balance(&self) -> Result<types::CreditsBalance, Failure> {
        built(
            types::CreditsBalance::builder()
                .api_credits(self.api_credits)
                .used_api_credits(self.used_api_credits)
                .ui_credits(self.ui_credits)
                .used_ui_credits(0_u64),
        )
    }

    /// One bucket per UTC day from `start` to `end`, both included, zeros included.
    pub(crate) fn consumption(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<types::CreditsConsumption>, Failure> {
        let mut out = Vec::new();
        let mut day = start.date_naive();
        while day <= end.date_naive() {
            out.push(built(
                types::CreditsConsumption::builder()
                    .period_start(types::Timestamp(
                        day.and_time(chrono::NaiveTime::MIN).and_utc(),
                    ))
                    .api_credits_consumed(
                        i64::try_from(*self.daily.get(&day).unwrap_or(&0)).unwrap_or(i64::MAX),
                    )
                    .ui_credits_consumed(0_i64),
            )?);
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        Ok(out)
    }
}

/// `GET /v0/billing/credit-balance`.
#[cfg(theirstack_has = "op:get_billing_credit_balance_v0")]
pub(crate) fn balance(shared: &Shared) -> Result<Response, Failure> {
    let balance = shared.ledger().balance()?;
    Ok(json_response(StatusCode::OK, &balance))
}

/// `GET /v0/teams/credits_consumption`: one bucket per UTC day of the window, zeros included.
#[cfg(theirstack_has = "op:get_teams_credits_consumption_v0")]
pub(crate) fn consumption(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let rows = match daily_window(query, shared.now())? {
        Some((start, end)) => shared.ledger().consumption(start, end)?,
        None => Vec::new(),
    };
    Ok(json_response(StatusCode::OK, &rows))
}

/// 30 days before `end`, or `end` itself when that is out of range.
pub(crate) fn month_before(end: DateTime<Utc>) -> DateTime<Utc> {
    end.checked_sub_signed(Days::days(30)).unwrap_or(end)
}

/// The first and last moment of a daily count.
pub(crate) type Window = (DateTime<Utc>, DateTime<Utc>);

/// The window of a daily count, from its query: `start_datetime` to `end_datetime` (default:
/// the 30 days up to `now`), each an ISO 8601 date-time (an empty or malformed value is a 422);
/// `timezone` is accepted and days stay UTC days. `None` when the start is after the end (no
/// day); a window longer than 400 days is cut to its last 400.
pub(crate) fn daily_window(query: &Query, now: DateTime<Utc>) -> Result<Option<Window>, Failure> {
    let end = query.timestamp("end_datetime")?.unwrap_or(now);
    let start = query
        .timestamp("start_datetime")?
        .unwrap_or_else(|| month_before(end));
    if start > end {
        return Ok(None);
    }
    let earliest = end
        .checked_sub_signed(Days::days(MAX_CONSUMPTION_DAYS))
        .unwrap_or(start);
    Ok(Some((start.max(earliest), end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_never_overdraw_and_land_in_their_day() {
        let mut ledger = Ledger::new(10, 5);
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(ledger.charge(4, day), 4);
        assert_eq!(ledger.charge(9, day.succ_opt().unwrap()), 6);
        assert_eq!(ledger.remaining(), 0);
        let balance = ledger.balance().unwrap();
        assert_eq!((balance.api_credits, balance.used_api_credits), (0, 10));
        let start = day.and_hms_opt(0, 0, 0).unwrap().and_utc();
        let rows = ledger.consumption(start, start + Days::days(2)).unwrap();
        let spent: Vec<i64> = rows.iter().map(|r| r.api_credits_consumed).collect();
        assert_eq!(spent, [4, 6, 0]);
    }

    #[test]
    fn windows_are_checked() {
        let now = "2026-03-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let q = Query::parse(Some("start_datetime=2026-03-02T00:00:00"));
        assert_eq!(
            daily_window(&q, now).unwrap(),
            None,
            "a start after the end"
        );
        for bad in [
            "start_datetime=yesterday",
            "end_datetime=",
            "start_datetime=",
        ] {
            assert!(
                daily_window(&Query::parse(Some(bad)), now).is_err(),
                "{bad}"
            );
        }
        let (start, end) = daily_window(&Query::parse(None), now).unwrap().unwrap();
        assert_eq!((end - start).num_days(), 30);
        let q = Query::parse(Some("start_datetime=1990-01-01T00:00:00Z"));
        let (start, end) = daily_window(&q, now).unwrap().unwrap();
        assert_eq!(
            (end - start).num_days(),
            MAX_CONSUMPTION_DAYS,
            "cut to its last days"
        );
    }
}
