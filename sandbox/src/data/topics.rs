//! Buying-intent topics: the catalogue of topics (initiatives, activities, regulations, risks
//! and concepts a company's jobs can reveal) and each company's topic rows.
//!
//! Rule: topics are drawn from their own generator, seeded from the data's seed, so that adding
//! them changed no other record of a seed; a company's topic rows have the technographics row
//! shape, their jobs are some of the company's jobs plus a seeded history.

use super::finish;
use super::jobs::JobDraft;
use chrono::{Duration as Days, NaiveDate};
use fastrand::Rng;
use std::collections::BTreeMap;
use theirstack::types;

/// Mixed into the seed for the topics' own generator.
pub(crate) const TOPIC_SALT: u64 = 0x7091_c5ed_b0f1_17e5;

/// A buying-intent topic of the catalogue.
#[derive(Debug)]
pub(crate) struct Topic {
    pub(crate) slug: &'static str,
    pub(crate) name: &'static str,
    pub(crate) category: &'static str,
    pub(crate) category_slug: &'static str,
    pub(crate) parent: &'static str,
    pub(crate) parent_slug: &'static str,
    /// Its `KeywordType`, as written on the wire.
    pub(crate) kind: &'static str,
}

const fn topic(
    slug: &'static str,
    name: &'static str,
    category: (&'static str, &'static str),
    parent: (&'static str, &'static str, &'static str),
) -> Topic {
    Topic {
        slug,
        name,
        category: category.0,
        category_slug: category.1,
        parent: parent.0,
        parent_slug: parent.1,
        kind: parent.2,
    }
}

const STRATEGY: (&str, &str, &str) = (
    "Strategic Initiatives",
    "strategic-initiatives",
    "strategic_initiative",
);
const OPERATIONS: (&str, &str, &str) = (
    "Operational Activities",
    "operational-activities",
    "operational_activity",
);
const RULES: (&str, &str, &str) = (
    "Regulation & Compliance",
    "regulation-and-compliance",
    "regulation",
);
const RISKS: (&str, &str, &str) = ("Threats & Risks", "threats-and-risks", "threat_or_risk");
const CONCEPTS: (&str, &str, &str) = (
    "Technology Concepts",
    "technology-concepts",
    "technology_concept",
);

const DIGITAL: (&str, &str) = ("Digital Transformation", "digital-transformation");
const GROWTH: (&str, &str) = ("Growth", "growth");
const AI: (&str, &str) = ("AI Adoption", "ai-adoption");
const WORKFORCE: (&str, &str) = ("Hiring & Workforce", "hiring-and-workforce");
const COST: (&str, &str) = ("Cost & Efficiency", "cost-and-efficiency");
const CUSTOMERS: (&str, &str) = ("Customer Operations", "customer-operations");
const PRIVACY: (&str, &str) = ("Data Privacy", "data-privacy");
const CERTIFICATIONS: (&str, &str) = ("Security Certifications", "security-certifications");
const FINANCE: (&str, &str) = ("Financial Regulation", "financial-regulation");
const CYBER: (&str, &str) = ("Cybersecurity Risk", "cybersecurity-risk");
const BUSINESS: (&str, &str) = ("Business Risk", "business-risk");
const ARCHITECTURE: (&str, &str) = ("Architecture", "architecture");
const DATA: (&str, &str) = ("Data Practices", "data-practices");

/// The topic catalogue: 32 topics in 13 categories under 5 parent categories.
#[rustfmt::skip]
pub(crate) const TOPICS: &[Topic] = &[
    topic("cloud-migration", "Cloud Migration", DIGITAL, STRATEGY),
    topic("erp-modernization", "ERP Modernization", DIGITAL, STRATEGY),
    topic("data-platform-modernization", "Data Platform Modernization", DIGITAL, STRATEGY),
    topic("international-expansion", "International Expansion", GROWTH, STRATEGY),
    topic("new-market-entry", "New Market Entry", GROWTH, STRATEGY),
    topic("mergers-and-acquisitions", "Mergers and Acquisitions", GROWTH, STRATEGY),
    topic("generative-ai-adoption", "Generative AI Adoption", AI, STRATEGY),
    topic("ai-governance", "AI Governance", AI, STRATEGY),
    topic("llm-applications", "LLM Applications", AI, STRATEGY),
    topic("hiring-surge", "Hiring Surge", WORKFORCE, OPERATIONS),
    topic("remote-work-policy", "Remote Work Policy", WORKFORCE, OPERATIONS),
    topic("workforce-restructuring", "Workforce Restructuring", WORKFORCE, OPERATIONS),
    topic("cost-reduction", "Cost Reduction", COST, OPERATIONS),
    topic("process-automation", "Process Automation", COST, OPERATIONS),
    topic("vendor-consolidation", "Vendor Consolidation", COST, OPERATIONS),
    topic("customer-support-scaling", "Customer Support Scaling", CUSTOMERS, OPERATIONS),
    topic("customer-onboarding", "Customer Onboarding", CUSTOMERS, OPERATIONS),
    topic("gdpr-compliance", "GDPR Compliance", PRIVACY, RULES),
    topic("ccpa-compliance", "CCPA Compliance", PRIVACY, RULES),
    topic("soc-2-compliance", "SOC 2 Compliance", CERTIFICATIONS, RULES),
    topic("iso-27001-certification", "ISO 27001 Certification", CERTIFICATIONS, RULES),
    topic("sox-compliance", "SOX Compliance", FINANCE, RULES),
    topic("pci-dss-compliance", "PCI DSS Compliance", FINANCE, RULES),
    topic("ransomware-preparedness", "Ransomware Preparedness", CYBER, RISKS),
    topic("zero-trust-security", "Zero Trust Security", CYBER, RISKS),
    topic("supply-chain-resilience", "Supply Chain Resilience", BUSINESS, RISKS),
    topic("business-continuity", "Business Continuity", BUSINESS, RISKS),
    topic("microservices", "Microservices", ARCHITECTURE, CONCEPTS),
    topic("event-driven-architecture", "Event-Driven Architecture", ARCHITECTURE, CONCEPTS),
    topic("observability", "Observability", ARCHITECTURE, CONCEPTS),
    topic("data-governance", "Data Governance", DATA, CONCEPTS),
    topic("real-time-analytics", "Real-Time Analytics", DATA, CONCEPTS),
];

/// The topic rows of a company: 2 to 7 topics, each mentioned by some of its jobs (a share
/// drawn per topic) plus a seeded history of 0 to 3 older mentions (at least one in all);
/// confidence high from 8 mentions, medium from 3; ranked within their category; ordered by
/// confidence, then mentions, then slug.
pub(crate) fn topics(
    rng: &mut Rng,
    company: &types::CompanyWithTechnologySlugs,
    own: &[usize],
    jobs: &[JobDraft],
    today: NaiveDate,
) -> Result<Vec<types::KeywordFound>, String> {
    let mut chosen: Vec<usize> = (0..TOPICS.len()).collect();
    rng.shuffle(&mut chosen);
    chosen.truncate(rng.usize(2..=7));
    chosen.sort_unstable();
    struct Row {
        topic: usize,
        jobs: i64,
        recent: [i64; 3],
        first: NaiveDate,
        last: NaiveDate,
    }
    let mut rows: Vec<Row> = Vec::new();
    for &t in &chosen {
        let share = 0.1 + rng.f64() * 0.35;
        let dates: Vec<NaiveDate> = own
            .iter()
            .filter(|_| rng.f64() < share)
            .map(|&j| jobs[j].job.date_posted)
            .collect();
        let history = rng.i64(0..4).max(i64::from(dates.is_empty()));
        let first = today - Days::days(rng.i64(120..900));
        let within = |days: i64| {
            dates
                .iter()
                .filter(|d| (today - **d).num_days() < days)
                .count() as i64
        };
        let last = dates
            .iter()
            .max()
            .copied()
            .unwrap_or(first + Days::days(rng.i64(0..90)));
        rows.push(Row {
            topic: t,
            jobs: dates.len() as i64 + history,
            recent: [within(7), within(30), within(180)],
            first,
            last,
        });
    }
    let mut per_category: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        per_category
            .entry(TOPICS[r.topic].category_slug)
            .or_default()
            .push(i);
    }
    let mut rank = vec![0i64; rows.len()];
    let mut share = vec![0f64; rows.len()];
    for members in per_category.values() {
        let total: i64 = members.iter().map(|&i| rows[i].jobs).sum();
        let mut sorted = members.clone();
        sorted.sort_by(|&a, &b| rows[b].jobs.cmp(&rows[a].jobs).then(a.cmp(&b)));
        for (r, &i) in sorted.iter().enumerate() {
            rank[i] = r as i64 + 1;
            share[i] = ((rows[i].jobs as f64 / total.max(1) as f64) * 1000.0).round() / 1000.0;
        }
    }
    let mut out = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let t = &TOPICS[r.topic];
            let confidence = match r.jobs {
                8.. => types::KeywordFoundConfidence::High,
                3..=7 => types::KeywordFoundConfidence::Medium,
                _ => types::KeywordFoundConfidence::Low,
            };
            let keyword: types::KeywordExtended = finish(
                types::KeywordExtended::builder()
                    .category(Some(t.category.to_string()))
                    .category_slug(Some(t.category_slug.to_string()))
                    .name(t.name.to_string())
                    .parent_category(Some(t.parent.to_string()))
                    .parent_category_slug(Some(t.parent_slug.to_string()))
                    .slug(t.slug.to_string()),
            )?;
            finish(
                types::KeywordFound::builder()
                    .company_name(company.name.clone())
                    .confidence(confidence)
                    .first_date_found(r.first.min(r.last))
                    .jobs(r.jobs)
                    .jobs_last_7_days(r.recent[0])
                    .jobs_last_30_days(r.recent[1])
                    .jobs_last_180_days(r.recent[2])
                    .last_date_found(r.last)
                    .rank_within_category(rank[i])
                    .relative_occurrence_within_category(share[i])
                    .technology(keyword),
            )
        })
        .collect::<Result<Vec<types::KeywordFound>, String>>()?;
    out.sort_by(|a, b| {
        super::confidence_rank(&b.confidence)
            .cmp(&super::confidence_rank(&a.confidence))
            .then(b.jobs.cmp(&a.jobs))
            .then(a.technology.slug.cmp(&b.technology.slug))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_catalogue_is_consistent() {
        let slugs: BTreeSet<&str> = TOPICS.iter().map(|t| t.slug).collect();
        assert_eq!(slugs.len(), TOPICS.len(), "unique slugs");
        assert!((20..=40).contains(&TOPICS.len()));
        for t in TOPICS {
            // `KeywordType` is in documents with the keyword catalog only.
            #[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
            assert!(types::KeywordType::VALUES.contains(&t.kind), "{}", t.kind);
            assert!(t.kind != "technology");
        }
        // A category belongs to one parent.
        let mut parents: BTreeMap<&str, &str> = BTreeMap::new();
        for t in TOPICS {
            assert_eq!(
                *parents.entry(t.category_slug).or_insert(t.parent_slug),
                t.parent_slug
            );
        }
    }
}
