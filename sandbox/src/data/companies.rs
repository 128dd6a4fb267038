//! Synthetic companies: one company record per name, with firmographics and a technology
//! stack, and the technographics rows built from its jobs.

use super::catalog::{
    COUNTRIES, INVESTORS, KEYWORDS, NAME_TAILS, STAFFING, TECHS, tech_index, weighted_country,
};
use super::jobs::JobDraft;
use super::{chance, confidence_rank, finish, pick, readable, slugify, thousands};
use chrono::{DateTime, Duration as Days, NaiveDate, Utc};
use fastrand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use theirstack::types;

/// A company before its jobs exist.
pub(crate) struct CompanyDraft {
    pub(crate) record: types::CompanyWithTechnologySlugs,
    pub(crate) country: usize,
    pub(crate) city: usize,
    pub(crate) stack: Vec<usize>,
}

fn employee_range(n: i64) -> &'static str {
    match n {
        ..=10 => "1-10",
        11..=50 => "11-50",
        51..=200 => "51-200",
        201..=500 => "201-500",
        501..=1000 => "501-1000",
        1001..=5000 => "1001-5000",
        5001..=10000 => "5001-10000",
        _ => "10001+",
    }
}

pub(crate) fn company_draft(
    rng: &mut Rng,
    name: String,
    tail: usize,
    now: DateTime<Utc>,
) -> Result<CompanyDraft, String> {
    let id = slugify(&name);
    let domain = format!("{id}.example");
    let country = weighted_country(rng);
    let c = &COUNTRIES[country];
    let city = rng.usize(..c.cities.len());
    let (_, industry_id, industry) = NAME_TAILS[tail];
    let employees = 10f64.powf(0.7 + rng.f64() * 4.3).round() as i64;
    let founded = 2024 - rng.i64(1..=(if employees > 2000 { 60 } else { 25 }));
    let revenue = (employees as f64) * (80_000.0 + rng.f64() * 170_000.0);
    let funded = chance(rng, 0.7);
    let stage = match (funded, employees) {
        (false, _) => None,
        (true, ..=50) => Some(
            pick(
                rng,
                &[types::FundingStage::PreSeed, types::FundingStage::Seed],
            )
            .clone(),
        ),
        (true, 51..=500) => Some(
            pick(
                rng,
                &[types::FundingStage::SeriesA, types::FundingStage::SeriesB],
            )
            .clone(),
        ),
        (true, 501..=5000) => Some(
            pick(
                rng,
                &[
                    types::FundingStage::SeriesC,
                    types::FundingStage::SeriesD,
                    types::FundingStage::LateVc,
                ],
            )
            .clone(),
        ),
        (true, _) => Some(
            pick(
                rng,
                &[
                    types::FundingStage::PostIpoEquity,
                    types::FundingStage::PrivateEquity,
                ],
            )
            .clone(),
        ),
    };
    let total_funding =
        funded.then(|| ((revenue * (0.05 + rng.f64() * 0.6)) / 1e5).round() as i64 * 100_000);
    let last_round = funded.then(|| (now - Days::days(rng.i64(30..1500))).date_naive());
    let last_amount =
        total_funding.map(|t| format!("${}", readable(t as f64 * (0.2 + rng.f64() * 0.5))));
    let investors = funded.then(|| {
        let n = rng.usize(1..=3);
        let mut list: Vec<String> = Vec::new();
        while list.len() < n {
            let name = pick(rng, INVESTORS).to_string();
            if !list.contains(&name) {
                list.push(name);
            }
        }
        list
    });
    let listed = employees > 5000 && chance(rng, 0.4);
    let symbol: String = id
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(4)
        .collect::<String>()
        .to_uppercase();
    let agency = chance(rng, 0.04);
    let has_linkedin = chance(rng, 0.95);
    let linkedin_id = rng.u64(1_000_000..100_000_000).to_string();
    let apollo_id: String = (0..24).map(|_| rng.digit(16)).collect();
    let mut keywords: Vec<String> = Vec::new();
    for _ in 0..3 {
        let k = pick(rng, KEYWORDS).to_string();
        if !keywords.contains(&k) {
            keywords.push(k);
        }
    }
    let yc = chance(rng, 0.05).then(|| format!("{}{}", pick(rng, &["W", "S"]), rng.u8(12..=24)));

    // The stack: one cloud, two or three languages, a database, and a few more.
    let mut stack: BTreeSet<usize> = BTreeSet::new();
    let cloud = match rng.u8(..10) {
        0..=5 => "amazon-web-services",
        6..=7 => "google-cloud",
        _ => "microsoft-azure",
    };
    stack.extend(tech_index(cloud));
    let languages: Vec<usize> = TECHS
        .iter()
        .enumerate()
        .filter(|(_, t)| t.category_slug == "programming-languages")
        .map(|(i, _)| i)
        .collect();
    for _ in 0..rng.usize(2..=3) {
        stack.insert(*pick(rng, &languages));
    }
    for _ in 0..rng.usize(4..=10) {
        stack.insert(rng.usize(..TECHS.len()));
    }
    let stack: Vec<usize> = stack.into_iter().collect();

    let record = finish(types::CompanyWithTechnologySlugs::builder()
.alexa_ranking((employees > 200).then(|| rng.i64(1_000..2_000_000)))
.annual_revenue_usd(Some((revenue / 1000.0).round() * 1000.0))
.annual_revenue_usd_readable(Some(readable(revenue)))
.apollo_id(Some(apollo_id))
.city(Some(c.cities[city].0.to_string()))
.company_keywords(Some(keywords))
.country(Some(c.name.to_string()))
.country_code(Some(c.code.to_string()))
.domain(Some(domain.clone()))
.employee_count(Some(employees))
.employee_count_range(Some(employee_range(employees).to_string()))
.founded_year(Some(founded))
.funding_stage(stage)
.has_blurred_data(false)
.id(id.clone())
.industry(Some(if agency {
            STAFFING.1.to_string()
        } else {
            industry.to_string()
        }))
.industry_id(Some(if agency { STAFFING.0 } else { industry_id }))
.investors(investors)
.is_recruiting_agency(Some(agency))
.last_funding_round_amount_readable(last_amount)
.last_funding_round_date(last_round)
.linkedin_id(has_linkedin.then_some(linkedin_id))
.linkedin_url(has_linkedin.then(|| format!("https://www.linkedin.com/company/{id}")))
.logo(Some(format!("https://logos.sandbox.invalid/{id}.png")))
.long_description(Some(format!(
            "{name} is a {} company founded in {founded} and headquartered in {}, {}. Around {} people work there.",
            industry.to_lowercase(),
            c.cities[city].0,
            c.name,
            thousands(employees)
        )))
.name(name.clone())
.num_jobs(0)
.num_jobs_last_30_days(0)
.num_technologies(stack.len() as i64)
.possible_domains(vec![domain.clone()])
.publicly_traded_exchange(listed.then(|| pick(rng, &["NASDAQ", "NYSE", "LSE"]).to_string()))
.publicly_traded_symbol(listed.then_some(symbol))
.seo_description(Some(format!("{name}: {} from {}.", industry, c.cities[city].0)))
.technology_names(Some(stack.iter().map(|&t| TECHS[t].name.to_string()).collect()))
.technology_slugs(Some(stack.iter().map(|&t| TECHS[t].slug.to_string()).collect()))
.total_funding_usd(total_funding)
.url(Some(domain))
.url_source(Some("website".to_string()))
.yc_batch(yc))?;
    Ok(CompanyDraft {
        record,
        country,
        city,
        stack,
    })
}

/// The technographics rows of a company: its jobs' mentions plus a seeded history.
pub(crate) fn technographics(
    rng: &mut Rng,
    company: &types::CompanyWithTechnologySlugs,
    stack: &[usize],
    own: &[usize],
    jobs: &[JobDraft],
    today: NaiveDate,
) -> Result<Vec<types::KeywordFound>, String> {
    struct Row {
        tech: usize,
        jobs: i64,
        last_7: i64,
        last_30: i64,
        last_180: i64,
        first: NaiveDate,
        last: NaiveDate,
    }
    let mut rows: Vec<Row> = Vec::new();
    for &t in stack {
        let dates: Vec<NaiveDate> = own
            .iter()
            .filter(|&&j| jobs[j].techs.contains(&t))
            .map(|&j| jobs[j].job.date_posted)
            .collect();
        let history = rng.i64(1..6);
        let first_history = today - Days::days(rng.i64(200..1500));
        let within = |days: i64| {
            dates
                .iter()
                .filter(|d| (today - **d).num_days() < days)
                .count() as i64
        };
        rows.push(Row {
            tech: t,
            jobs: dates.len() as i64 + history,
            last_7: within(7),
            last_30: within(30),
            last_180: within(180),
            first: first_history,
            last: dates
                .iter()
                .max()
                .copied()
                .unwrap_or(first_history + Days::days(rng.i64(0..150))),
        });
    }
    let mut per_category: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        per_category
            .entry(TECHS[r.tech].category_slug)
            .or_default()
            .push(i);
    }
    let mut rank = vec![0i64; rows.len()];
    let mut share = vec![0f64; rows.len()];
    for members in per_category.values() {
        let total: i64 = members.iter().map(|&i| rows[i].jobs).sum();
        let mut sorted = members.clone();
        sorted.sort_by(|&a, &b| {
            rows[b]
                .jobs
                .cmp(&rows[a].jobs)
                .then(rows[a].tech.cmp(&rows[b].tech))
        });
        for (r, &i) in sorted.iter().enumerate() {
            rank[i] = r as i64 + 1;
            share[i] = ((rows[i].jobs as f64 / total.max(1) as f64) * 1000.0).round() / 1000.0;
        }
    }
    let mut out: Vec<types::KeywordFound> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let t = &TECHS[r.tech];
            let confidence = match r.jobs {
                10.. => types::KeywordFoundConfidence::High,
                4..=9 => types::KeywordFoundConfidence::Medium,
                _ => types::KeywordFoundConfidence::Low,
            };
            let technology: types::KeywordExtended = finish(
                types::KeywordExtended::builder()
                    .category(Some(t.category.to_string()))
                    .category_slug(Some(t.category_slug.to_string()))
                    .logo(Some(format!(
                        "https://logos.sandbox.invalid/technologies/{}.png",
                        t.slug
                    )))
                    .name(t.name.to_string())
                    .parent_category(Some(t.parent.to_string()))
                    .parent_category_slug(Some(t.parent_slug.to_string()))
                    .slug(t.slug.to_string()),
            )?;
            finish(
                types::KeywordFound::builder()
                    .company_name(company.name.clone())
                    .confidence(confidence)
                    .first_date_found(r.first)
                    .jobs(r.jobs)
                    .jobs_last_180_days(r.last_180)
                    .jobs_last_30_days(r.last_30)
                    .jobs_last_7_days(r.last_7)
                    .last_date_found(r.last)
                    .rank_within_category(rank[i])
                    .relative_occurrence_within_category(share[i])
                    .technology(technology),
            )
        })
        .collect::<Result<_, String>>()?;
    out.sort_by(|a, b| {
        confidence_rank(&b.confidence)
            .cmp(&confidence_rank(&a.confidence))
            .then(b.jobs.cmp(&a.jobs))
            .then(a.technology.slug.cmp(&b.technology.slug))
    });
    Ok(out)
}
