//! The limiter of one endpoint group: a log of send times checked against every quota at once as
//! sliding windows, slots taken before a request is sent (first come, first served), and the
//! corrections the server's headers bring (its quotas, and requests other processes spent).

use super::{Quota, RateLimit};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

/// Why a request may not go out within the wait it is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// How long the request would have had to wait.
    pub(crate) wait: Duration,
    /// The window that holds it back.
    pub(crate) quota: Quota,
}

/// One send time in the log. A `ticket` identifies a reservation not yet sent, so that a
/// cancelled request frees its own slot and nothing else.
#[derive(Debug, Clone, Copy)]
struct Entry {
    at: Instant,
    ticket: u64,
}

#[derive(Debug)]
struct State {
    /// Shortest window first.
    quotas: Vec<Quota>,
    /// Send times, oldest first; future times are reserved slots.
    log: VecDeque<Entry>,
    next_ticket: u64,
    last: Option<RateLimit>,
    /// Smoothed time from send to response headers.
    latency: Option<Duration>,
    /// Windows a response said are exhausted, whose quota is not known: no request before.
    blocked: Vec<(Quota, Instant)>,
}

/// The longest window TheirStack documents; a reported reset beyond it is not believed.
const LONGEST_WINDOW: Duration = Duration::from_secs(86_400);

/// The limiter of one endpoint group of one key.
#[derive(Debug)]
pub(crate) struct Limiter {
    state: Mutex<State>,
    margin: Duration,
}

/// A slot in the log, reserved for a request about to be sent at [`Slot::at`]. Dropped before
/// [`Slot::commit`] (the waiting future was cancelled), it frees that slot only.
#[derive(Debug)]
pub(crate) struct Slot {
    limiter: Arc<Limiter>,
    ticket: u64,
    pub(crate) at: Instant,
    /// The window that set `at`, when one did.
    pub(crate) binding: Option<Quota>,
    committed: bool,
}

impl Slot {
    /// The request was sent: the slot is spent, whatever the answer.
    pub(crate) fn commit(mut self) {
        self.committed = true;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if !self.committed {
            self.limiter.cancel(self.ticket);
        }
    }
}

impl Limiter {
    /// A limiter that assumes `quotas` until the server says otherwise.
    pub(crate) fn new(quotas: Vec<Quota>, margin: Duration) -> Limiter {
        let mut quotas = quotas;
        quotas.sort_by_key(|q| q.window);
        Limiter {
            state: Mutex::new(State {
                quotas,
                log: VecDeque::new(),
                next_ticket: 0,
                last: None,
                latency: None,
                blocked: Vec::new(),
            }),
            margin,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the earliest slot at which every window has room, at or after `now` and after every
    /// slot already taken. Refused, taking nothing, when that is more than `max_wait` away.
    pub(crate) fn reserve(
        self: &Arc<Self>,
        now: Instant,
        max_wait: Duration,
    ) -> Result<Slot, Refusal> {
        let mut state = self.lock();
        state.prune(now, self.margin);
        let mut at = now;
        if let Some(last) = state.log.back() {
            at = at.max(last.at);
        }
        let mut binding = None;
        for (quota, until) in &state.blocked {
            if *until > at {
                at = *until;
                binding = Some(quota.clone());
            }
        }
        for quota in &state.quotas {
            let n = quota.requests as usize;
            if state.log.len() >= n {
                let oldest_counted = state.log[state.log.len() - n].at;
                let free_at = oldest_counted + quota.window + self.margin;
                if free_at > at {
                    at = free_at;
                    binding = Some(quota.clone());
                }
            }
        }
        let wait = at.saturating_duration_since(now);
        if wait > max_wait {
            let quota = binding
                .or_else(|| state.quotas.first().cloned())
                .unwrap_or_else(|| Quota::documented("per-second", 1, 1));
            return Err(Refusal { wait, quota });
        }
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        state.log.push_back(Entry { at, ticket });
        Ok(Slot {
            limiter: Arc::clone(self),
            ticket,
            at,
            binding,
            committed: false,
        })
    }

    fn cancel(&self, ticket: u64) {
        let mut state = self.lock();
        if let Some(i) = state.log.iter().position(|e| e.ticket == ticket) {
            state.log.remove(i);
        }
    }

    /// Learns from a response's headers, read at `now`, to a request sent at `sent`: the
    /// server's quotas replace the assumed ones, and requests the server counts beyond those in
    /// the log (another process on the same key) are added to it. Values that make no sense are
    /// ignored.
    #[cfg(test)]
    pub(crate) fn observe(&self, now: Instant, sent: Instant, reported: &RateLimit) {
        self.observe_answer(now, sent, reported, false);
    }

    /// [`observe`](Self::observe) for an answer that may be a refusal (429): then a window it
    /// reports exhausted holds every request until its reset, whatever the log says (the log
    /// counted the refused request, which the server did not, and may not see a neighbour).
    pub(crate) fn observe_answer(
        &self,
        now: Instant,
        sent: Instant,
        reported: &RateLimit,
        refused: bool,
    ) {
        let mut state = self.lock();
        state.last = Some(reported.clone());
        let learned: Vec<Quota> = reported
            .windows
            .iter()
            .filter_map(|w| {
                let requests = u32::try_from(w.limit?).ok()?;
                let quota = Quota::new(requests, w.window?)?;
                Some(match &w.policy {
                    Some(name) => quota.named(name.clone()),
                    None => quota,
                })
            })
            .collect();
        if !learned.is_empty() {
            state.quotas = learned;
            state.quotas.sort_by_key(|q| q.window);
        }
        // Windows without a length are matched to the assumed ones by position: TheirStack
        // lists them in the same order in every header.
        let positional = reported.windows.len() == state.quotas.len();
        let mut corrections: Vec<(Quota, u64, Duration)> = Vec::new();
        for (i, window) in reported.windows.iter().enumerate() {
            let Some(remaining) = window.remaining else {
                continue;
            };
            let quota = match window.window {
                Some(length) => state.quotas.iter().find(|q| q.window == length).cloned(),
                None if positional => state
                    .quotas
                    .get(i)
                    .filter(|q| names_agree(q.name.as_deref(), window.policy.as_deref()))
                    .cloned(),
                None => None,
            };
            let Some(quota) = quota else {
                // An exhausted window of unknown size still says when the next request may go.
                if remaining == 0
                    && let Some(reset) = window.reset.filter(|r| *r <= LONGEST_WINDOW)
                {
                    let name = window.policy.clone().unwrap_or_else(|| "reported".into());
                    let quota = Quota {
                        name: Some(name),
                        requests: u32::try_from(window.limit.unwrap_or(1)).unwrap_or(1).max(1),
                        window: window.window.unwrap_or(reset).max(Duration::from_secs(1)),
                    };
                    state.blocked.push((quota, now + reset));
                }
                continue;
            };
            let limit = window.limit.unwrap_or(u64::from(quota.requests));
            // A correction needs to know when the requests leave the window; a reset longer than
            // the window, or a count that does not fit the quota, is not a state this window can
            // be in, and is ignored.
            let Some(reset) = window.reset.filter(|reset| *reset <= quota.window) else {
                continue;
            };
            if remaining > limit || limit != u64::from(quota.requests) {
                continue;
            }
            if refused && remaining == 0 {
                state.blocked.push((quota.clone(), now + reset));
            }
            corrections.push((quota, limit - remaining, reset));
        }
        corrections.sort_by_key(|(quota, _, _)| quota.window);
        for (quota, used, reset) in corrections {
            state.add_unseen(now, sent, self.margin, &quota, used, reset);
        }
    }

    /// Records how long a response took to come back.
    pub(crate) fn record_latency(&self, latency: Duration) {
        let mut state = self.lock();
        state.latency = Some(match state.latency {
            Some(previous) => (previous * 3 + latency) / 4,
            None => latency,
        });
    }

    /// The last rate-limit state a response reported.
    pub(crate) fn last(&self) -> Option<RateLimit> {
        self.lock().last.clone()
    }

    /// The smoothed response time, once one response came back.
    pub(crate) fn latency(&self) -> Option<Duration> {
        self.lock().latency
    }

    /// The quotas in force, shortest window first.
    pub(crate) fn quotas(&self) -> Vec<Quota> {
        self.lock().quotas.clone()
    }
}

/// Whether two window names may be the same window: equal, or one of them unknown.
fn names_agree(ours: Option<&str>, reported: Option<&str>) -> bool {
    match (ours, reported) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

impl State {
    /// Drops what no quota can count and no answer still to come can be matched against:
    /// entries sent more than the longest window before the oldest send an answer may still be
    /// about (one more window back, or twice the smoothed latency when that is longer, plus the
    /// margin), and all but the most recent `4 × max(requests)` entries already sent.
    /// Reservations still ahead are never dropped and do not push sent entries out.
    fn prune(&mut self, now: Instant, margin: Duration) {
        self.blocked.retain(|(_, until)| *until > now);
        let longest = self.quotas.iter().map(|q| q.window).max();
        let keep = self.quotas.iter().map(|q| 4 * q.requests as usize).max();
        let (Some(longest), Some(keep)) = (longest, keep) else {
            // No quota: only reservations still ahead matter.
            self.log.retain(|e| e.at > now);
            return;
        };
        let lag = longest.max(self.latency.unwrap_or_default() * 2) + margin;
        let edge = now.checked_sub(longest + lag);
        let ahead = self.log.iter().rev().take_while(|e| e.at > now).count();
        while let Some(front) = self.log.front() {
            let too_old = edge.is_some_and(|edge| front.at < edge);
            if front.at <= now && (too_old || self.log.len() - ahead > keep) {
                self.log.pop_front();
            } else {
                break;
            }
        }
    }

    /// The server counts `used` requests in `quota`'s window; adds those the log lacks, at the
    /// time that makes them leave the window when the server says it resets.
    ///
    /// The server may have taken its count when the request arrived (about `sent`) or when it
    /// answered (about `now`); the log's count is taken for both (the first within `margin`
    /// either side, for arrival-time jitter) and the larger one is believed, so that neither a
    /// request of ours that left the window while the answer travelled back nor one sent
    /// meanwhile is ever taken for another process's.
    fn add_unseen(
        &mut self,
        now: Instant,
        sent: Instant,
        margin: Duration,
        quota: &Quota,
        used: u64,
        reset: Duration,
    ) {
        let Some(since) = now.checked_sub(quota.window) else {
            return;
        };
        let count = |after: Option<Instant>, until: Instant| {
            self.log
                .iter()
                .filter(|e| after.is_none_or(|a| e.at > a) && e.at <= until)
                .count() as u64
        };
        let at_answer = count(Some(since), now);
        let at_arrival = count(sent.checked_sub(quota.window + margin), sent + margin);
        let seen = at_answer.max(at_arrival);
        let missing = used.saturating_sub(seen).min(u64::from(quota.requests));
        if missing == 0 {
            return;
        }
        let at = since + reset;
        let position = self.log.partition_point(|e| e.at <= at);
        for _ in 0..missing {
            // Entries of other processes are never cancelled: they get no ticket of ours.
            self.log.insert(
                position,
                Entry {
                    at,
                    ticket: u64::MAX,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::Tier;

    fn limiter(quotas: Vec<Quota>) -> Arc<Limiter> {
        Arc::new(Limiter::new(quotas, Duration::ZERO))
    }

    const LONG: Duration = Duration::from_secs(1_000_000);

    #[tokio::test(start_paused = true)]
    async fn slots_follow_every_window_as_sliding_windows() {
        let limiter = limiter(Tier::Free.quotas());
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..12 {
            let slot = limiter.reserve(start, LONG).unwrap();
            times.push(slot.at - start);
            slot.commit();
        }
        let secs: Vec<u64> = times.iter().map(Duration::as_secs).collect();
        // Four a second, then the minute window holds the eleventh and twelfth back until the
        // first and second leave it.
        assert_eq!(secs, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 60, 60]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_beyond_the_maximum_is_refused_and_takes_nothing() {
        let limiter = limiter(Tier::Paid.quotas());
        let now = Instant::now();
        for _ in 0..4 {
            limiter.reserve(now, LONG).unwrap().commit();
        }
        let refusal = limiter
            .reserve(now, Duration::from_millis(500))
            .unwrap_err();
        assert_eq!(refusal.wait, Duration::from_secs(1));
        assert_eq!(refusal.quota.name.as_deref(), Some("per-second"));
        // The refused request left no trace: the next one gets the same slot.
        assert_eq!(
            limiter.reserve(now, LONG).unwrap().at - now,
            Duration::from_secs(1)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_reservation_frees_its_own_slot_only() {
        let limiter = limiter(Tier::Paid.quotas());
        let now = Instant::now();
        for _ in 0..4 {
            limiter.reserve(now, LONG).unwrap().commit();
        }
        let mut waiting: Vec<Slot> = (0..4)
            .map(|_| limiter.reserve(now, LONG).unwrap())
            .collect();
        assert!(waiting.iter().all(|s| s.at - now == Duration::from_secs(1)));
        // The second waiting request is cancelled: its slot at 1 s is free again...
        drop(waiting.remove(1));
        let taken = limiter.reserve(now, LONG).unwrap();
        assert_eq!(taken.at - now, Duration::from_secs(1));
        // ...and only its slot: the three others still hold theirs, so the next goes at 2 s.
        assert_eq!(
            limiter.reserve(now, LONG).unwrap().at - now,
            Duration::from_secs(2)
        );
        drop(taken);
        waiting.into_iter().for_each(Slot::commit);
    }

    /// What a response with these two headers reports (nothing, for headers that say nothing).
    fn reported(policy: &str, state: &str) -> RateLimit {
        let mut headers = reqwest::header::HeaderMap::new();
        if !policy.is_empty() {
            headers.insert("ratelimit-policy", policy.parse().unwrap());
        }
        if !state.is_empty() {
            headers.insert("ratelimit", state.parse().unwrap());
        }
        RateLimit::from_headers(&headers).unwrap_or_default()
    }

    #[tokio::test(start_paused = true)]
    async fn the_server_policy_replaces_the_assumed_tier() {
        let limiter = limiter(Tier::Paid.quotas());
        let now = Instant::now();
        limiter.observe(
            now,
            now,
            &reported(r#""per-second";q=4;w=1, "per-minute";q=10;w=60"#, ""),
        );
        let quotas: Vec<(u32, u64)> = limiter
            .quotas()
            .iter()
            .map(|q| (q.requests, q.window.as_secs()))
            .collect();
        assert_eq!(quotas, [(4, 1), (10, 60)]);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_another_process_spent_are_added() {
        let limiter = limiter(Tier::Free.quotas());
        let now = Instant::now();
        limiter.reserve(now, LONG).unwrap().commit();
        // The server counts 9 of 10 in the minute window; the log knows of 1.
        limiter.observe(
            now,
            now,
            &reported(
                r#""per-second";q=4;w=1, "per-minute";q=10;w=60"#,
                r#""per-second";r=3;t=1, "per-minute";r=1;t=40"#,
            ),
        );
        let next = limiter.reserve(now, LONG).unwrap();
        assert_eq!(next.at - now, Duration::ZERO, "one left in the minute");
        next.commit();
        let after = limiter.reserve(now, LONG).unwrap();
        assert_eq!(
            after.at - now,
            Duration::from_secs(40),
            "then the window resets when the server said"
        );
    }

    /// A server that reports the state it saw at arrival, read when the answer comes back:
    /// requests of ours that left the window meanwhile are not another process's.
    #[tokio::test(start_paused = true)]
    async fn requests_of_ours_that_left_the_window_are_not_another_process_s() {
        let limiter = limiter(Tier::Paid.quotas());
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        for ms in [0, 0, 300, 300, 1_000, 1_000] {
            limiter.reserve(at(ms), LONG).unwrap().commit();
        }
        // The pair sent at 1 s was counted on arrival with the pair of 300 ms (r=0, the oldest
        // leaving in 300 ms, rounded up to 1 s); the answer comes back at 1.3 s, when the pair
        // of 300 ms has left the window: the log holds every request the server counted.
        let full = reported(r#""per-second";q=4;w=1"#, r#""per-second";r=0;t=1"#);
        limiter.observe(at(1_300), at(1_000), &full);
        let next = limiter.reserve(at(1_300), LONG).unwrap();
        assert_eq!(
            next.at - start,
            Duration::from_millis(1_300),
            "nothing was added for another process"
        );
    }

    /// Reservations queued beyond the largest quota do not push requests already sent out of
    /// the log: an answer about those is still matched.
    #[tokio::test(start_paused = true)]
    async fn a_long_queue_keeps_the_requests_already_sent() {
        let limiter = limiter(Tier::Paid.quotas());
        let start = Instant::now();
        // Four sent at 0, two queued for 1 s.
        let queued: Vec<Slot> = (0..6)
            .map(|_| limiter.reserve(start, LONG).unwrap())
            .collect();
        // The four at 0 are answered at 300 ms: the server counts exactly them.
        let now = start + Duration::from_millis(300);
        limiter.observe(
            now,
            start,
            &reported(r#""per-second";q=4;w=1"#, r#""per-second";r=0;t=1"#),
        );
        let times: Vec<Duration> = (0..3)
            .map(|_| {
                let slot = limiter.reserve(now, LONG).unwrap();
                let at = slot.at - start;
                slot.commit();
                at
            })
            .collect();
        let s = Duration::from_secs;
        assert_eq!(times, [s(1), s(1), s(2)], "nothing was added");
        queued.into_iter().for_each(Slot::commit);
    }

    /// Answers that take longer than the window come back after the next requests took their
    /// slots: the requests they are about are still in the log.
    #[tokio::test(start_paused = true)]
    async fn answers_slower_than_the_window_are_still_matched() {
        let limiter = limiter(Tier::Paid.quotas());
        let start = Instant::now();
        for _ in 0..4 {
            limiter.reserve(start, LONG).unwrap().commit();
        }
        // The four answers come back at 1,002..1,005 ms, each with what the server saw at its
        // arrival; after each, the next page's request takes its slot.
        let mut times = Vec::new();
        for (i, remaining) in [3, 2, 1, 0].into_iter().enumerate() {
            let now = start + Duration::from_millis(1_002 + i as u64);
            let state = format!(r#""per-second";r={remaining};t=1"#);
            limiter.observe(now, start, &reported(r#""per-second";q=4;w=1"#, &state));
            let slot = limiter.reserve(now, LONG).unwrap();
            times.push((slot.at - start).as_millis());
            slot.commit();
        }
        assert_eq!(times, [1_002, 1_003, 1_004, 1_005], "nothing was added");
    }

    #[tokio::test(start_paused = true)]
    async fn nonsense_headers_change_nothing() {
        let limiter = limiter(Tier::Paid.quotas());
        let now = Instant::now();
        for (policy, state) in [
            (r#""per-second";q=0;w=1"#, r#""per-second";r=0;t=1"#),
            (r#""per-second";q=4;w=0"#, ""),
            ("", r#""per-second";r=99;t=1"#),
            ("", r#""unknown";r=0;t=99999999"#),
        ] {
            limiter.observe(now, now, &reported(policy, state));
        }
        let quotas = limiter.quotas();
        assert_eq!((quotas.len(), quotas[0].requests), (1, 4));
        for _ in 0..4 {
            assert_eq!(limiter.reserve(now, LONG).unwrap().at, now);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_that_reports_a_window_exhausted_holds_requests_until_its_reset() {
        let full = reported(r#""per-second";q=4;w=1"#, r#""per-second";r=0;t=1"#);
        let start = Instant::now();
        let half = start + Duration::from_millis(500);
        let mut next = Vec::new();
        for refused in [false, true] {
            let limiter = limiter(Tier::Paid.quotas());
            for _ in 0..4 {
                limiter.reserve(start, LONG).unwrap().commit();
            }
            // Half a second later the server says the window is full for one more second: its
            // count agrees with the log, so only a refusal says the log frees too early.
            limiter.observe_answer(half, half, &full, refused);
            next.push(limiter.reserve(half, LONG).unwrap().at - start);
        }
        assert_eq!(next[0], Duration::from_secs(1), "the log's own schedule");
        assert_eq!(
            next[1],
            Duration::from_millis(1_500),
            "held until the reported reset"
        );
    }
}
