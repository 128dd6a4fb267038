//! Jobs that arrive and close while a sandbox runs: [`Dataset::add_jobs`] appends jobs
//! discovered at the sandbox's clock, [`Dataset::close_jobs`] closes jobs.
//!
//! Rule: new jobs are drawn from their own generator of the seed (the same seed and the same
//! calls at the same clock give the same jobs), have ids above every id before them, are posted
//! today and discovered at the clock (to the microsecond), and take their place in the search
//! order; their company's job counts follow, in its record and in the `company_object` of each
//! of its jobs. A closed job keeps its place and gets its `closed_at`.

use super::Dataset;
use super::jobs::job_draft;
use chrono::{DateTime, DurationRound, NaiveDate, TimeDelta, Utc};
use fastrand::Rng;
use std::collections::HashMap;
use theirstack::types;

/// Mixed into the seed for the generator of added jobs.
const GROWTH_SALT: u64 = 0x96e1_0a3d_5c2b_7f41;

/// What adding jobs draws from.
#[derive(Debug, Clone)]
pub(crate) struct Growth {
    rng: Rng,
    /// Companies by hiring rank, as at generation: a few hire a lot.
    owners: Vec<usize>,
    /// The smallest id a new job may have.
    next_id: i64,
}

impl Growth {
    pub(crate) fn new(seed: u64, owners: Vec<usize>, next_id: i64) -> Growth {
        Growth {
            rng: Rng::with_seed(seed ^ GROWTH_SALT),
            owners,
            next_id,
        }
    }
}

/// A moment to the microsecond, as a database keeps it.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

/// The search-order key of a job: greater is earlier in the order.
fn key(job: &types::JobWithMatchingPhrasesResponseOutput) -> (NaiveDate, types::Timestamp, i64) {
    (job.date_posted, job.discovered_at, job.id)
}

impl Dataset {
    /// Adds `n` jobs discovered at `now`; returns their indices, in the order added. Without
    /// companies, adds none.
    pub(crate) fn add_jobs(&mut self, n: usize, now: DateTime<Utc>) -> Result<Vec<usize>, String> {
        let Dataset {
            companies,
            jobs,
            job_company,
            closed_at,
            order,
            growth,
        } = self;
        if companies.is_empty() {
            return Ok(Vec::new());
        }
        let now = micros(now);
        let mut added = Vec::with_capacity(n);
        for _ in 0..n {
            let rank = (growth.rng.f64().powf(2.2) * companies.len() as f64) as usize;
            let c = growth.owners[rank.min(growth.owners.len() - 1)];
            let id = growth.next_id + growth.rng.i64(0..5);
            growth.next_id = id + 1;
            let company = &mut companies[c];
            company.record.num_jobs += 1;
            company.record.num_jobs_last_30_days += 1;
            let mut job = job_draft(&mut growth.rng, id, c, &company.owner(), now)?.job;
            job.date_posted = now.date_naive();
            job.discovered_at = types::Timestamp(now);
            job.date_reposted = None;
            job.reposted = Some(false);
            let index = jobs.len();
            let at = order.partition_point(|&i| key(&jobs[i]) > key(&job));
            order.insert(at, index);
            let at = company.jobs.partition_point(|&i| key(&jobs[i]) > key(&job));
            company.jobs.insert(at, index);
            jobs.push(job);
            job_company.push(c);
            closed_at.push(None);
            for &j in &company.jobs {
                jobs[j].company_object = company.record.clone();
            }
            added.push(index);
        }
        Ok(added)
    }

    /// Closes the jobs with these ids at `now`; returns the indices of those that were open, in
    /// the order given (unknown, repeated and already closed ids are skipped).
    pub(crate) fn close_jobs(&mut self, ids: &[i64], now: DateTime<Utc>) -> Vec<usize> {
        let wanted: HashMap<i64, Option<usize>> = ids.iter().map(|&id| (id, None)).collect();
        let mut found = wanted;
        for (i, job) in self.jobs.iter().enumerate() {
            if let Some(slot) = found.get_mut(&job.id) {
                *slot = Some(i);
            }
        }
        let now = micros(now);
        let mut closed = Vec::new();
        for id in ids {
            if let Some(&Some(i)) = found.get(id)
                && self.closed_at[i].is_none()
            {
                self.closed_at[i] = Some(now);
                closed.push(i);
            }
        }
        closed
    }
}

#[cfg(test)]
mod tests {
    use super::super::generate;
    use super::*;
    use chrono::Duration as Days;

    fn now() -> DateTime<Utc> {
        "2026-03-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn added_jobs_are_seeded_newest_and_counted() {
        let mut a = generate(9, 20, 200, now()).unwrap();
        let mut b = generate(9, 20, 200, now()).unwrap();
        let max = a.jobs.iter().map(|j| j.id).max().unwrap();
        let later = now() + Days::milliseconds(1500);
        let added = a.add_jobs(3, later).unwrap();
        assert_eq!(added, [200, 201, 202]);
        assert_eq!(b.add_jobs(3, later).unwrap(), added);
        assert_eq!(a.jobs, b.jobs, "the same seed and clock, the same jobs");
        let ids: Vec<i64> = added.iter().map(|&i| a.jobs[i].id).collect();
        assert!(
            ids[0] > max && ids.windows(2).all(|w| w[0] < w[1]),
            "{ids:?}"
        );
        for &i in &added {
            let job = &a.jobs[i];
            assert_eq!(job.discovered_at.0, later);
            assert_eq!(job.date_posted, later.date_naive());
            assert!(
                a.order[..3].contains(&i),
                "newest first in the search order"
            );
            let company = &a.companies[a.job_company[i]];
            assert!(company.jobs.contains(&i));
            assert_eq!(company.record.num_jobs, company.jobs.len() as i64);
        }
        for (i, job) in a.jobs.iter().enumerate() {
            assert_eq!(job.company_object, a.companies[a.job_company[i]].record);
        }
        let keys: Vec<_> = a.order.iter().map(|&i| key(&a.jobs[i])).collect();
        assert!(
            keys.windows(2).all(|w| w[0] > w[1]),
            "the order stays sorted"
        );
        let c = &a.companies[a.job_company[added[0]]];
        let in_company: Vec<_> = c.jobs.iter().map(|&i| key(&a.jobs[i])).collect();
        assert!(in_company.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn closing_skips_unknown_and_closed_jobs() {
        let mut data = generate(9, 20, 200, now()).unwrap();
        let (x, y) = (data.jobs[3].id, data.jobs[7].id);
        assert_eq!(data.close_jobs(&[x, 1, y, x], now()), [3, 7]);
        assert_eq!(data.closed_at[3], Some(now()));
        assert!(data.close_jobs(&[x], now() + Days::hours(1)).is_empty());
        assert_eq!(data.closed_at[3], Some(now()), "closed once");
        assert_eq!(data.closed_at.iter().filter(|c| c.is_some()).count(), 2);
    }

    #[test]
    fn no_company_adds_no_job() {
        let mut data = generate(1, 0, 0, now()).unwrap();
        assert!(data.add_jobs(5, now()).unwrap().is_empty());
    }
}
