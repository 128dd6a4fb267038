//! Retries.
//!
//! Rule: the client retries in one place only (its request hooks), so do not wrap it in another
//! retry layer: attempts would multiply. [`decide`] is the whole policy, as a pure function:
//! 408, 429, 500, 502, 503 and 504 and lost connections are retried for operations that only
//! read (every GET and the three search POSTs); 400, 401, 402, 403, 404, 422 and other statuses
//! never are; writes are retried only when [`RetryPolicy::retry_writes`] is on, except a failure
//! to connect, which proves nothing was sent. Waits use exponential backoff with equal jitter
//! (a random time from half the ceiling up to it, so a low draw is no hot loop), or the server's
//! `Retry-After` / exhausted window reset when it gives one; a wait longer than
//! [`RetryPolicy::max_wait`] ends the retries, and so do the attempt and total-time caps.

use std::time::{Duration, SystemTime};

/// How the client retries. The defaults suit TheirStack's 4 requests/second search limit.
///
/// Built from [`RetryPolicy::default`] (or [`RetryPolicy::none`]) and the setters:
/// `RetryPolicy::default().max_attempts(6).retry_writes(true)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in total, the first one included (1 disables retries). Default 4.
    pub max_attempts: u32,
    /// Backoff base: the n-th retry waits a random time in `[ceiling/2, ceiling]`, where
    /// `ceiling = min(cap, base × 2^(n-1))`. Default 500 ms.
    pub base: Duration,
    /// Upper bound of one backoff wait. Default 30 s.
    pub cap: Duration,
    /// Longest single wait the client accepts, including `Retry-After`. Default 60 s.
    pub max_wait: Duration,
    /// Longest time from the first attempt until the last retry starts. Default 120 s.
    pub max_elapsed: Duration,
    /// Retry writes (webhook create, update, status, archive, test, event retry, list changes)
    /// on the same statuses as reads. Default `false`: a write may have taken effect.
    pub retry_writes: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
            max_wait: Duration::from_secs(60),
            max_elapsed: Duration::from_secs(120),
            retry_writes: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Sets [`max_attempts`](Self::max_attempts) (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the backoff [`base`](Self::base).
    pub fn base(mut self, base: Duration) -> Self {
        self.base = base;
        self
    }

    /// Sets the backoff [`cap`](Self::cap).
    pub fn cap(mut self, cap: Duration) -> Self {
        self.cap = cap;
        self
    }

    /// Sets [`max_wait`](Self::max_wait).
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// Sets [`max_elapsed`](Self::max_elapsed).
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Sets [`retry_writes`](Self::retry_writes).
    pub fn retry_writes(mut self, on: bool) -> Self {
        self.retry_writes = on;
        self
    }
}

/// What one attempt ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A response with this status.
    Status {
        /// The HTTP status code.
        status: u16,
        /// The server's `Retry-After`, parsed.
        retry_after: Option<Duration>,
        /// Time until the exhausted rate-limit windows reset, from the response's headers. Zero
        /// (an exhausted window with no reset given) counts as no hint.
        rate_limit_reset: Option<Duration>,
    },
    /// The connection could not be opened: nothing was sent.
    ConnectFailed,
    /// The request was sent but no complete response came back (reset, timeout, body cut short).
    ConnectionLost,
}

/// The attempt being decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// Whether the operation only reads (retrying it cannot change anything).
    pub idempotent: bool,
    /// Time since the first attempt started.
    pub elapsed: Duration,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send again after this wait.
    Retry(Duration),
    /// Return the outcome to the caller.
    Stop,
}

/// Statuses worth another attempt.
pub const RETRYABLE_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// The retry decision. Without a hint from the server, attempt `n` waits
/// `ceiling/2 + ceiling/2 × jitter` (equal jitter), where `ceiling = min(cap, base × 2^(n-1))`
/// and `jitter` is in `[0, 1]` (clamped; NaN counts as 0): jitter 0 waits half the ceiling.
pub fn decide(policy: &RetryPolicy, attempt: Attempt, outcome: Outcome, jitter: f64) -> Decision {
    let retryable = match outcome {
        Outcome::Status { status, .. } => {
            RETRYABLE_STATUSES.contains(&status) && (attempt.idempotent || policy.retry_writes)
        }
        Outcome::ConnectFailed => true,
        Outcome::ConnectionLost => attempt.idempotent || policy.retry_writes,
    };
    if !retryable || attempt.number >= policy.max_attempts {
        return Decision::Stop;
    }
    // An exhausted window whose reset is unknown reads as a zero reset: no hint, so the retry
    // backs off instead of hot-looping. A `Retry-After` of zero is the server's word.
    let hinted = match outcome {
        Outcome::Status {
            retry_after,
            rate_limit_reset,
            ..
        } => retry_after.or(rate_limit_reset.filter(|reset| !reset.is_zero())),
        _ => None,
    };
    let wait = match hinted {
        Some(wait) => wait,
        None => {
            let exponent = attempt.number.saturating_sub(1).min(31);
            let ceiling = policy.base.saturating_mul(1u32 << exponent).min(policy.cap);
            let jitter = if jitter.is_nan() {
                0.0
            } else {
                jitter.clamp(0.0, 1.0)
            };
            let half = ceiling / 2;
            half + (ceiling - half).mul_f64(jitter)
        }
    };
    if wait > policy.max_wait || attempt.elapsed.saturating_add(wait) > policy.max_elapsed {
        return Decision::Stop;
    }
    Decision::Retry(wait)
}

/// Parses `Retry-After`: delta-seconds, or an HTTP-date relative to `now` (a past date is zero).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;
    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn status(code: u16) -> Outcome {
        Outcome::Status {
            status: code,
            retry_after: None,
            rate_limit_reset: None,
        }
    }

    fn read(number: u32) -> Attempt {
        Attempt {
            number,
            idempotent: true,
            elapsed: Duration::ZERO,
        }
    }

    fn write(number: u32) -> Attempt {
        Attempt {
            number,
            idempotent: false,
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn decision_table() {
        let p = RetryPolicy::default();
        let writes = RetryPolicy {
            retry_writes: true,
            ..RetryPolicy::default()
        };
        let small_cap = RetryPolicy {
            cap: S(1),
            max_attempts: 10,
            ..RetryPolicy::default()
        };
        let odd = RetryPolicy {
            base: Duration::from_nanos(3),
            ..RetryPolicy::default()
        };
        let none = RetryPolicy::none();
        let hinted = |code, after: Option<Duration>, reset: Option<Duration>| Outcome::Status {
            status: code,
            retry_after: after,
            rate_limit_reset: reset,
        };
        #[rustfmt::skip]
        let table: Vec<(&str, &RetryPolicy, Attempt, Outcome, f64, Decision)> = vec![
            ("408 read retried",               &p, read(1), status(408), 0.5, Decision::Retry(MS(375))),
            ("429 read retried",               &p, read(1), status(429), 0.5, Decision::Retry(MS(375))),
            ("500 read retried",               &p, read(1), status(500), 0.5, Decision::Retry(MS(375))),
            ("502 read retried",               &p, read(1), status(502), 1.0, Decision::Retry(MS(500))),
            ("503 read retried",               &p, read(2), status(503), 1.0, Decision::Retry(S(1))),
            ("504 read retried",               &p, read(3), status(504), 1.0, Decision::Retry(S(2))),
            ("400 never",                      &p, read(1), status(400), 0.5, Decision::Stop),
            ("401 never",                      &p, read(1), status(401), 0.5, Decision::Stop),
            ("402 never",                      &p, read(1), status(402), 0.5, Decision::Stop),
            ("403 never",                      &p, read(1), status(403), 0.5, Decision::Stop),
            ("404 never",                      &p, read(1), status(404), 0.5, Decision::Stop),
            ("422 never",                      &p, read(1), status(422), 0.5, Decision::Stop),
            ("501 never",                      &p, read(1), status(501), 0.5, Decision::Stop),
            ("200 stops",                      &p, read(1), status(200), 0.5, Decision::Stop),
            ("503 write not retried",          &p, write(1), status(503), 0.5, Decision::Stop),
            ("503 write retried on opt-in",    &writes, write(1), status(503), 0.5, Decision::Retry(MS(375))),
            ("400 write never, even opted in", &writes, write(1), status(400), 0.5, Decision::Stop),
            ("lost connection read retried",   &p, read(1), Outcome::ConnectionLost, 0.0, Decision::Retry(MS(250))),
            ("lost connection write stops",    &p, write(1), Outcome::ConnectionLost, 0.5, Decision::Stop),
            ("connect failure write retried",  &p, write(1), Outcome::ConnectFailed, 0.5, Decision::Retry(MS(375))),
            ("attempt cap",                    &p, read(4), status(503), 0.5, Decision::Stop),
            ("Retry-After honoured",           &p, read(1), hinted(429, Some(S(7)), Some(S(30))), 0.5, Decision::Retry(S(7))),
            ("window reset honoured",          &p, read(1), hinted(429, None, Some(S(30))), 0.5, Decision::Retry(S(30))),
            ("zero window reset backs off",    &p, read(1), hinted(429, None, Some(Duration::ZERO)), 0.0, Decision::Retry(MS(250))),
            ("Retry-After 0 honoured",         &p, read(1), hinted(503, Some(Duration::ZERO), Some(S(30))), 0.0, Decision::Retry(Duration::ZERO)),
            ("wait beyond max_wait stops",     &p, read(1), hinted(429, None, Some(S(3600))), 0.5, Decision::Stop),
            ("backoff capped",                 &small_cap, read(9), status(503), 1.0, Decision::Retry(S(1))),
            ("capped backoff floor",           &small_cap, read(9), status(503), 0.0, Decision::Retry(MS(500))),
            ("jitter 0 waits half the ceiling", &p, read(3), status(503), 0.0, Decision::Retry(S(1))),
            ("jitter over 1 clamped",          &p, read(2), status(503), 7.0, Decision::Retry(S(1))),
            ("negative jitter clamped",        &p, read(2), status(503), -1.0, Decision::Retry(MS(500))),
            ("NaN jitter counts as 0",         &p, read(2), status(503), f64::NAN, Decision::Retry(MS(500))),
            ("odd ceiling, jitter 1",          &odd, read(1), status(503), 1.0, Decision::Retry(Duration::from_nanos(3))),
            ("odd ceiling, jitter 0",          &odd, read(1), status(503), 0.0, Decision::Retry(Duration::from_nanos(1))),
            ("total time cap",                 &p, Attempt { number: 2, idempotent: true, elapsed: S(119) }, hinted(503, Some(S(5)), None), 0.5, Decision::Stop),
            ("no retries policy",              &none, read(1), status(503), 0.5, Decision::Stop),
        ];
        for (name, policy, attempt, outcome, jitter, expected) in table {
            assert_eq!(decide(policy, attempt, outcome, jitter), expected, "{name}");
        }
    }

    /// Every no-hint wait lies in `[ceiling/2, ceiling]`, reaching both ends: never zero.
    #[test]
    fn backoff_lies_between_half_the_ceiling_and_the_ceiling() {
        let p = RetryPolicy {
            max_attempts: u32::MAX,
            max_wait: Duration::MAX,
            max_elapsed: Duration::MAX,
            ..RetryPolicy::default()
        };
        for number in 1..=40 {
            let exponent = (number - 1).min(31);
            let ceiling = p.base.saturating_mul(1 << exponent).min(p.cap);
            for jitter in [0.0, 1e-9, 0.25, 0.5, 0.75, 0.999_999, 1.0] {
                let Decision::Retry(wait) = decide(&p, read(number), status(503), jitter) else {
                    panic!("attempt {number} is retried");
                };
                assert!(
                    wait >= ceiling / 2 && wait <= ceiling,
                    "attempt {number}, jitter {jitter}: {wait:?} not in [{:?}, {ceiling:?}]",
                    ceiling / 2
                );
            }
            let low = decide(&p, read(number), status(503), 0.0);
            let high = decide(&p, read(number), status(503), 1.0);
            assert_eq!(low, Decision::Retry(ceiling / 2), "attempt {number}");
            assert_eq!(high, Decision::Retry(ceiling), "attempt {number}");
        }
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + S(1_700_000_000);
        assert_eq!(parse_retry_after("12", now), Some(S(12)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(S(0)));
        let later = httpdate::fmt_http_date(now + S(90));
        assert_eq!(parse_retry_after(&later, now), Some(S(90)));
        let earlier = httpdate::fmt_http_date(now - S(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }
}
