//! Synthetic data: companies, their jobs and their technographics, as one `Dataset`.
//!
//! Rule: everything is drawn from one `fastrand::Rng::with_seed(seed)` in a fixed order and dated
//! relative to the sandbox's `now`, so a seed always gives the same records (the buying-intent
//! topics from a second generator of the same seed); the records are the generated API types, so
//! they serialize exactly as the OpenAPI document says. Names, domains (`*.example`) and URLs
//! (`*.invalid`, LinkedIn slugs) are made up. The tables are in `catalog` and `topics`, the
//! drawing of companies, jobs and topics in `companies`, `jobs` and `topics`.

mod catalog;
mod companies;
mod growth;
mod jobs;
mod topics;

pub(crate) use catalog::{COUNTRIES, NAME_TAILS, STAFFING, TECHS, Tech};
pub(crate) use topics::TOPICS;

use catalog::NAME_HEADS;

use crate::errors::{Failure, built, retype};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use companies::{CompanyDraft, company_draft, technographics};
use fastrand::Rng;
use growth::Growth;
use jobs::{JobDraft, Owner, job_draft};
use theirstack::types;

/// A job's `url`, which TheirStack's own document makes a `String` and ours an `Option<String>`.
pub(crate) trait UrlField {
    /// The URL, if there is one.
    fn to_option(&self) -> Option<String>;
    /// Replaces the URL, if there is one, with `mask`.
    fn mask(&mut self, mask: &str);
}

impl UrlField for String {
    fn to_option(&self) -> Option<String> {
        Some(self.clone())
    }

    fn mask(&mut self, mask: &str) {
        *self = mask.to_string();
    }
}

impl UrlField for Option<String> {
    fn to_option(&self) -> Option<String> {
        self.clone()
    }

    fn mask(&mut self, mask: &str) {
        if self.is_some() {
            *self = Some(mask.to_string());
        }
    }
}

/// A company record as another generated company type with the same fields plus `extra` (such
/// as `jobs_found`), through serde, so that fields a document adds need no code here.
pub(crate) fn company_as<T: serde::de::DeserializeOwned>(
    record: &types::CompanyWithTechnologySlugs,
    extra: serde_json::Value,
) -> Result<T, Failure> {
    let mut value = serde_json::to_value(record)
        .map_err(|e| Failure::internal(format!("cannot encode a company: {e}")))?;
    if let (Some(fields), serde_json::Value::Object(extra)) = (value.as_object_mut(), extra) {
        fields.extend(extra);
    }
    retype(&value)
}

/// A job as company rows list it in `jobs_found`.
pub(crate) fn job_base(
    job: &types::JobWithMatchingPhrasesResponseOutput,
) -> Result<types::JobBaseOut, Failure> {
    built(
        types::JobBaseOut::builder()
            .company(job.company.clone())
            .date_posted(Some(job.date_posted))
            .has_blurred_data(false)
            .id(Some(job.id))
            .job_title(Some(job.job_title.clone()))
            .url(job.url.to_option()),
    )
}

/// Finishes a generated builder of the data; a required field left unset is a fault of the
/// generator, reported when the sandbox starts.
pub(crate) fn finish<T, B>(builder: B) -> Result<T, String>
where
    B: TryInto<T>,
    B::Error: std::fmt::Display,
{
    builder
        .try_into()
        .map_err(|e| format!("cannot build the synthetic data: {e}"))
}

/// A company and what hangs off it.
#[derive(Debug, Clone)]
pub(crate) struct Company {
    /// The company record, as embedded in jobs.
    pub(crate) record: types::CompanyWithTechnologySlugs,
    /// Technographics rows: confidence, then jobs, descending.
    pub(crate) technologies: Vec<types::KeywordFound>,
    /// Buying-intent topic rows, in the technographics row shape: confidence, then jobs,
    /// descending.
    pub(crate) topics: Vec<types::KeywordFound>,
    /// Its jobs, as indices into [`Dataset::jobs`], in search order.
    pub(crate) jobs: Vec<usize>,
    /// The country and city of its head office (indices into [`COUNTRIES`]) and its stack
    /// (indices into [`TECHS`]), for the jobs it adds.
    pub(crate) country: usize,
    pub(crate) city: usize,
    pub(crate) stack: Vec<usize>,
}

impl Company {
    fn owner(&self) -> Owner<'_> {
        Owner {
            record: &self.record,
            country: self.country,
            city: self.city,
            stack: &self.stack,
        }
    }
}

/// All synthetic data of one sandbox.
///
/// Jobs are only ever appended (`add_jobs` in `growth`), so that an index into [`Dataset::jobs`]
/// names the same job for the life of the sandbox (webhook events hold such indices); the search
/// order is kept apart, in [`Dataset::order`].
#[derive(Debug, Clone)]
pub(crate) struct Dataset {
    /// Companies, in generation order.
    pub(crate) companies: Vec<Company>,
    /// Jobs: those generated at start in search order, then those added, in the order added.
    pub(crate) jobs: Vec<types::JobWithMatchingPhrasesResponseOutput>,
    /// The company of each job, as an index into `companies`.
    pub(crate) job_company: Vec<usize>,
    /// When each job was closed (`None`: open).
    pub(crate) closed_at: Vec<Option<DateTime<Utc>>>,
    /// Every job, as indices into `jobs`, in search order: `date_posted`, `discovered_at`, `id`,
    /// all descending.
    pub(crate) order: Vec<usize>,
    /// What adding jobs draws from.
    growth: Growth,
}

pub(crate) fn chance(rng: &mut Rng, p: f64) -> bool {
    rng.f64() < p
}

pub(crate) fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

/// A URL- and id-safe slug of a name.
pub(crate) fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// `1234567` → `1,234,567`.
pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `189_000_000.0` → `189M`.
pub(crate) fn readable(amount: f64) -> String {
    if amount >= 1e9 {
        format!("{:.1}B", amount / 1e9)
    } else if amount >= 1e6 {
        format!("{:.0}M", amount / 1e6)
    } else {
        format!("{:.0}K", amount / 1e3)
    }
}

/// Midnight UTC of a date.
pub(crate) fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// Builds the dataset of a seed.
pub(crate) fn generate(
    seed: u64,
    companies: usize,
    jobs: usize,
    now: DateTime<Utc>,
) -> Result<Dataset, String> {
    let mut rng = Rng::with_seed(seed);

    // Unique names: every head × tail pairing once, in a seeded order, then numbered repeats.
    let mut pairs: Vec<(usize, usize)> = (0..NAME_HEADS.len())
        .flat_map(|h| (0..NAME_TAILS.len()).map(move |t| (h, t)))
        .collect();
    rng.shuffle(&mut pairs);
    let mut drafts: Vec<CompanyDraft> = Vec::with_capacity(companies);
    for i in 0..companies {
        let (h, t) = pairs[i % pairs.len()];
        let round = i / pairs.len();
        let name = if round == 0 {
            format!("{} {}", NAME_HEADS[h], NAME_TAILS[t].0)
        } else {
            format!("{} {} {}", NAME_HEADS[h], NAME_TAILS[t].0, round + 1)
        };
        drafts.push(company_draft(&mut rng, name, t, now)?);
    }

    // Jobs: a few companies hire a lot, most hire a little.
    let mut owners: Vec<usize> = (0..companies).collect();
    rng.shuffle(&mut owners);
    let base_id = 100_000_000 + rng.i64(0..50_000_000);
    let mut job_drafts: Vec<JobDraft> = Vec::with_capacity(jobs);
    if companies > 0 {
        for i in 0..jobs {
            let rank = (rng.f64().powf(2.2) * companies as f64) as usize;
            let company = owners[rank.min(companies - 1)];
            let id = base_id + (i as i64) * 5 + rng.i64(0..5);
            let d = &drafts[company];
            let owner = Owner {
                record: &d.record,
                country: d.country,
                city: d.city,
                stack: &d.stack,
            };
            job_drafts.push(job_draft(&mut rng, id, company, &owner, now)?);
        }
    }
    job_drafts.sort_by(|a, b| {
        (b.job.date_posted, b.job.discovered_at, b.job.id).cmp(&(
            a.job.date_posted,
            a.job.discovered_at,
            a.job.id,
        ))
    });

    // Per company: its jobs, counts and technographics.
    let today = now.date_naive();
    let mut company_jobs: Vec<Vec<usize>> = vec![Vec::new(); companies];
    for (i, d) in job_drafts.iter().enumerate() {
        company_jobs[d.company].push(i);
    }
    let mut topic_rng = Rng::with_seed(seed ^ topics::TOPIC_SALT);
    let mut out: Vec<Company> = Vec::with_capacity(companies);
    for (c, draft) in drafts.into_iter().enumerate() {
        let mut record = draft.record;
        let own = &company_jobs[c];
        record.num_jobs = own.len() as i64;
        record.num_jobs_last_30_days = own
            .iter()
            .filter(|&&j| (today - job_drafts[j].job.date_posted).num_days() < 30)
            .count() as i64;
        let technologies =
            technographics(&mut rng, &record, &draft.stack, own, &job_drafts, today)?;
        let topics = topics::topics(&mut topic_rng, &record, own, &job_drafts, today)?;
        out.push(Company {
            record,
            technologies,
            topics,
            jobs: own.clone(),
            country: draft.country,
            city: draft.city,
            stack: draft.stack,
        });
    }
    let job_company = job_drafts.iter().map(|d| d.company).collect();
    let next_id = job_drafts.iter().map(|d| d.job.id).max().unwrap_or(base_id) + 1;
    let jobs: Vec<_> = job_drafts
        .into_iter()
        .map(|mut d| {
            d.job.company_object = out[d.company].record.clone();
            d.job
        })
        .collect();
    Ok(Dataset {
        companies: out,
        closed_at: vec![None; jobs.len()],
        order: (0..jobs.len()).collect(),
        jobs,
        job_company,
        growth: Growth::new(seed, owners, next_id),
    })
}

/// Orders confidences: high 3, medium 2, low 1, other 0.
pub(crate) fn confidence_rank(c: &types::KeywordFoundConfidence) -> u8 {
    match c {
        types::KeywordFoundConfidence::High => 3,
        types::KeywordFoundConfidence::Medium => 2,
        types::KeywordFoundConfidence::Low => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn now() -> DateTime<Utc> {
        "2026-03-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_seed_always_gives_the_same_data() {
        let a = generate(7, 50, 300, now()).unwrap();
        let b = generate(7, 50, 300, now()).unwrap();
        let c = generate(8, 50, 300, now()).unwrap();
        assert_eq!(a.jobs, b.jobs);
        assert_ne!(a.jobs[0], c.jobs[0]);
    }

    #[test]
    fn records_are_consistent() {
        let data = generate(42, 200, 2000, now()).unwrap();
        let mut ids = BTreeSet::new();
        for (i, job) in data.jobs.iter().enumerate() {
            assert!(ids.insert(job.id), "duplicate id {}", job.id);
            assert!(job.discovered_at.0 <= now());
            assert!(job.date_posted <= now().date_naive());
            let company = &data.companies[data.job_company[i]];
            assert_eq!(job.company_object, company.record);
            assert!(company.jobs.contains(&i));
            let stack = company.record.technology_slugs.as_ref().unwrap();
            assert!(job.technology_slugs.iter().all(|s| stack.contains(s)));
            let len = job.description.as_ref().unwrap().len();
            assert!((200..1200).contains(&len), "description of {len} bytes");
        }
        assert_eq!(data.order, (0..data.jobs.len()).collect::<Vec<_>>());
        for pair in data.jobs.windows(2) {
            assert!(
                (pair[0].date_posted, pair[0].discovered_at)
                    >= (pair[1].date_posted, pair[1].discovered_at)
            );
        }
        let names: BTreeSet<&str> = data
            .companies
            .iter()
            .map(|c| c.record.name.as_str())
            .collect();
        assert_eq!(names.len(), 200);
        assert!(data.companies.iter().all(|c| !c.technologies.is_empty()));
        assert!(
            data.companies
                .iter()
                .all(|c| (2..=7).contains(&c.topics.len()))
        );
    }

    #[test]
    fn no_data_is_fine() {
        let data = generate(1, 0, 0, now()).unwrap();
        assert!(data.jobs.is_empty() && data.companies.is_empty());
        assert_eq!(generate(1, 3, 0, now()).unwrap().companies.len(), 3);
    }

    #[test]
    fn helpers() {
        assert_eq!(
            slugify("Blue Harbor Analytics 2"),
            "blue-harbor-analytics-2"
        );
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(readable(189_000_000.0), "189M");
    }
}
