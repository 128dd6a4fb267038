//! Realistic, deterministic job-search pages for the benchmarks.
//!
//! Rule: every row carries the full documented Job object (API-NOTES §4.6–4.7: all top-level
//! fields, the nested company object, 1–2 locations, 0–2 hiring-team members) with a 1–4 KB
//! Markdown description, so a 500-row page is 2–3 MB of JSON like the real API's. Rows are
//! serialized once; a page is assembled by copying row bytes and overwriting each row's
//! fixed-width id in place, so the server spends ~1 ms per page and every page has fresh ids.

use serde_json::{Value, json};

/// Job ids are `ID_BASE + row offset`: always 13 digits, so they can be patched in place.
pub const ID_BASE: u64 = 1_000_000_000_000;

/// Serialized rows with the position of each row's id digits.
pub struct Template {
    rows: Vec<Vec<u8>>,
    id_at: Vec<usize>,
}

const WORDS: &[&str] = &[
    "data",
    "platform",
    "team",
    "customers",
    "build",
    "pipelines",
    "reliable",
    "scale",
    "production",
    "services",
    "experience",
    "ownership",
    "design",
    "systems",
    "cloud",
    "analytics",
    "product",
    "engineering",
    "collaborate",
    "stakeholders",
    "deliver",
    "quality",
    "mentor",
    "roadmap",
    "improve",
    "latency",
    "observability",
    "security",
    "growth",
    "hybrid",
    "remote-first",
    "on-call",
    "APIs",
    "Kubernetes",
    "PostgreSQL",
    "Kafka",
    "Rust",
    "Python",
    "TypeScript",
    "dbt",
    "Snowflake",
    "the",
    "and",
    "with",
    "our",
    "you",
    "will",
    "across",
];
/// Words with non-ASCII characters; one word in 25 comes from here (about one every 180 bytes,
/// like curly quotes, bullets and accented names in real postings).
const WORDS_NON_ASCII: &[&str] = &["we’re", "café", "Zürich", "São Paulo", "résumé", "—", "•"];
const TECH: &[&str] = &[
    "kafka",
    "elasticsearch",
    "postgresql",
    "jira",
    "google-firebase",
    "react",
    "aws-lambda",
    "kubernetes",
    "docker",
    "terraform",
    "snowflake",
    "dbt",
    "airflow",
    "python",
    "rust",
    "typescript",
    "nodejs",
    "redis",
    "mongodb",
    "datadog",
    "sentry",
    "github-actions",
    "gitlab",
    "google-bigquery",
    "apache-spark",
    "tableau",
    "looker",
    "salesforce",
    "hubspot",
    "stripe",
];
const CITIES: &[(&str, &str, &str, &str, &str, f64, f64)] = &[
    (
        "New York",
        "NY",
        "New York",
        "US",
        "United States",
        40.71,
        -74.0,
    ),
    (
        "San Francisco",
        "CA",
        "California",
        "US",
        "United States",
        37.77,
        -122.42,
    ),
    (
        "Austin",
        "TX",
        "Texas",
        "US",
        "United States",
        30.27,
        -97.74,
    ),
    (
        "London",
        "ENG",
        "England",
        "GB",
        "United Kingdom",
        51.51,
        -0.13,
    ),
    ("Berlin", "BE", "Berlin", "DE", "Germany", 52.52, 13.4),
    ("Madrid", "MD", "Madrid", "ES", "Spain", 40.42, -3.7),
    ("Zürich", "ZH", "Zurich", "CH", "Switzerland", 47.37, 8.54),
    (
        "São Paulo",
        "SP",
        "São Paulo",
        "BR",
        "Brazil",
        -23.55,
        -46.63,
    ),
];
const SENIORITY: &[&str] = &["c_level", "staff", "senior", "junior", "mid_level"];
const STATUS: &[&str] = &[
    "full_time",
    "part_time",
    "contract",
    "internship",
    "temporary",
];
const FUNDING: &[&str] = &["angel", "seed", "series_a", "series_b", "series_c", "ipo"];
const TITLES: &[&str] = &[
    "Senior Data Engineer",
    "Staff Software Engineer, Platform",
    "Backend Engineer (Rust)",
    "Machine Learning Engineer",
    "Site Reliability Engineer",
    "Product Analyst",
    "Engineering Manager — Data",
];

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn word(rng: &mut fastrand::Rng) -> &'static str {
    if rng.usize(..25) == 0 {
        WORDS_NON_ASCII[rng.usize(..WORDS_NON_ASCII.len())]
    } else {
        WORDS[rng.usize(..WORDS.len())]
    }
}

/// The largest char boundary of `s` at or below `at`.
pub fn floor_char_boundary(s: &str, at: usize) -> usize {
    (0..=at.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

fn sentence(rng: &mut fastrand::Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(word(rng));
    }
    s
}

/// A Markdown description of exactly `bytes` bytes (or a few less), with headings, bullets, quotes and non-ASCII.
fn description(rng: &mut fastrand::Rng, bytes: usize) -> String {
    let mut d = String::with_capacity(bytes + 200);
    let headings = [
        "## About the role",
        "## What you’ll do",
        "## Requirements",
        "## Benefits",
    ];
    let mut h = 0;
    while d.len() < bytes {
        if d.is_empty() || rng.u8(..4) == 0 {
            d.push_str(headings[h % headings.len()]);
            d.push_str("\n\n");
            h += 1;
        }
        if rng.bool() {
            let n = 6 + rng.usize(..14);
            d.push_str("- ");
            d.push_str(&sentence(rng, n));
            d.push('\n');
        } else {
            let n = 15 + rng.usize(..30);
            d.push_str(&sentence(rng, n));
            d.push_str(". We say \"**");
            d.push_str(word(rng));
            d.push_str("**\" a lot.\n\n");
        }
    }
    d.truncate(floor_char_boundary(&d, bytes));
    d
}

fn location(rng: &mut fastrand::Rng) -> Value {
    let (city, st, state, cc, country, lat, lon) = *pick(rng, CITIES);
    json!({
        "id": 5_000_000 + rng.u32(..900_000),
        "name": city,
        "type": "city",
        "feature_code": "PPL",
        "country_code": cc,
        "admin1_name": state,
        "admin1_code": st,
        "admin2_name": format!("{city} County"),
        "admin2_code": format!("{}", rng.u16(1..999)),
        "continent": if cc == "US" || cc == "BR" { "NA" } else { "EU" },
        "latitude": lat,
        "longitude": lon,
        "city": city,
        "address": null,
        "postal_code": null,
        "state": state,
        "state_code": st,
        "display_name": format!("{city}, {state}, {country}"),
        "country_name": country,
    })
}

fn person(rng: &mut fastrand::Rng, n: usize) -> Value {
    let first = *pick(rng, &["Ana", "John", "Mei", "Olu", "Sven", "Zoë", "Priya"]);
    let last = *pick(
        rng,
        &[
            "García", "Doe", "Chen", "Adeyemi", "Larsen", "Müller", "Rao",
        ],
    );
    json!({
        "first_name": first,
        "full_name": format!("{first} {last}"),
        "linkedin_url": format!("https://www.linkedin.com/in/{}-{}-{n}", first.to_lowercase(), last.to_lowercase()),
        "role": *pick(rng, &["Head of Engineering", "Technical Recruiter", "CTO", "VP Data"]),
        "image_url": format!("https://media.licdn.com/dms/image/{n:08x}/profile-displayphoto-shrink_800_800/0/{n}"),
        "thumbnail_url": format!("https://media.licdn.com/dms/image/{n:08x}/profile-displayphoto-shrink_100_100/0/{n}"),
    })
}

fn company(rng: &mut fastrand::Rng, n: usize) -> Value {
    let name = format!(
        "{} {}",
        pick(
            rng,
            &["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark"]
        ),
        pick(rng, &["Analytics", "Labs", "Systems", "Health", "Robotics"])
    );
    let slug = name.to_lowercase().replace(' ', "-");
    let domain = format!("{slug}-{n}.example.com");
    let techs: Vec<&str> = (0..5 + rng.usize(..16)).map(|_| *pick(rng, TECH)).collect();
    let names: Vec<String> = techs.iter().map(|t| t.replace('-', " ")).collect();
    let (city, _, _, cc, country, _, _) = *pick(rng, CITIES);
    let long_len = 100 + rng.usize(..200);
    json!({
        "id": format!("{slug}-{n}"),
        "name": name,
        "domain": domain,
        "industry": *pick(rng, &["Software Development", "Financial Services", "Hospital & Health Care"]),
        "country": country,
        "country_code": cc,
        "employee_count": rng.u32(5..200_000),
        "logo": format!("https://cdn.theirstack.example/logos/{slug}-{n}.png"),
        "num_jobs": rng.u32(..5000),
        "num_technologies": techs.len(),
        "possible_domains": [domain.clone(), format!("{slug}.example.org")],
        "url": domain,
        "industry_id": rng.u32(1..3000),
        "linkedin_url": format!("https://www.linkedin.com/company/{slug}-{n}"),
        "num_jobs_last_30_days": rng.u32(..300),
        "num_jobs_found": rng.u32(..50),
        "yc_batch": if rng.u8(..5) == 0 { json!("W21") } else { Value::Null },
        "apollo_id": format!("{:024x}", rng.u64(..)),
        "linkedin_id": format!("{}", rng.u32(..99_999_999)),
        "url_source": "linkedin",
        "is_recruiting_agency": rng.u8(..10) == 0,
        "founded_year": rng.u16(1950..2024),
        "annual_revenue_usd": rng.u32(..2_000_000_000) as f64,
        "annual_revenue_usd_readable": format!("{}M", rng.u16(1..2000)),
        "total_funding_usd": rng.u64(..5_000_000_000),
        "last_funding_round_date": format!("20{:02}-{:02}-{:02}", rng.u8(10..26), rng.u8(1..13), rng.u8(1..29)),
        "last_funding_round_amount_readable": format!("${}.{}M", rng.u8(1..99), rng.u8(..10)),
        "employee_count_range": *pick(rng, &["11-50", "51-200", "201-500", "1001-5000", "10001+"]),
        "long_description": description(rng, long_len),
        "seo_description": sentence(rng, 14),
        "city": city,
        "postal_code": format!("{:05}", rng.u32(..99_999)),
        "company_keywords": (0..3 + rng.usize(..6)).map(|_| word(rng)).collect::<Vec<_>>(),
        "alexa_ranking": rng.u32(1..1_000_000),
        "publicly_traded_symbol": if rng.bool() { json!("ACME") } else { Value::Null },
        "publicly_traded_exchange": if rng.bool() { json!("NASDAQ") } else { Value::Null },
        "investors": (0..rng.usize(..5)).map(|i| format!("Fund {i} Capital")).collect::<Vec<_>>(),
        "funding_stage": *pick(rng, FUNDING),
        "has_blurred_data": false,
        "technology_slugs": techs,
        "technology_names": names,
    })
}

/// One job row with id `id`.
fn job(rng: &mut fastrand::Rng, n: usize, id: u64) -> Value {
    let count = if rng.u8(..4) == 0 { 2 } else { 1 };
    let locations: Vec<Value> = (0..count).map(|_| location(rng)).collect();
    let first = &locations[0];
    let hiring: Vec<Value> = (0..rng.usize(..3))
        .map(|i| person(rng, n * 4 + i))
        .collect();
    let min = 50_000 + rng.u32(..100_000);
    let max = min + rng.u32(..80_000);
    let company = company(rng, n);
    // 1–4 KB, most of them short: 1024 + 3072·u³, about 1.8 KB on average.
    let u = rng.f64();
    let desc_len = 1024 + (3072.0 * u * u * u) as usize;
    json!({
        "id": id,
        "job_title": *pick(rng, TITLES),
        "url": format!("https://jobs.example.com/view/{id}"),
        "date_posted": format!("2026-0{}-{:02}", rng.u8(1..4), rng.u8(1..29)),
        "has_blurred_data": false,
        "company": company["name"],
        "final_url": format!("https://careers.example.com/{}/jobs/{id}?source=linkedin&utm_campaign=jobs", company["id"].as_str().unwrap()),
        "source_url": format!("https://www.linkedin.com/jobs/view/{}", rng.u64(1_000_000_000..9_999_999_999)),
        "location": first["name"],
        "short_location": format!("{}, {}", first["name"].as_str().unwrap(), first["admin1_code"].as_str().unwrap()),
        "long_location": format!("{}, {} {:05}", first["name"].as_str().unwrap(), first["admin1_code"].as_str().unwrap(), rng.u32(..99_999)),
        "state_code": first["admin1_code"],
        "latitude": first["latitude"],
        "longitude": first["longitude"],
        "postal_code": format!("{:05}", rng.u32(..99_999)),
        "remote": rng.bool(),
        "hybrid": rng.bool(),
        "salary_string": format!("${min} - ${max} per year"),
        "min_annual_salary": min,
        "min_annual_salary_usd": min as f64,
        "max_annual_salary": max,
        "max_annual_salary_usd": max as f64,
        "avg_annual_salary_usd": (min as f64 + max as f64) / 2.0,
        "salary_currency": "USD",
        "countries": locations.iter().map(|l| l["country_name"].clone()).collect::<Vec<_>>(),
        "country": first["country_name"],
        "country_codes": locations.iter().map(|l| l["country_code"].clone()).collect::<Vec<_>>(),
        "country_code": first["country_code"],
        "cities": locations.iter().map(|l| l["name"].clone()).collect::<Vec<_>>(),
        "continents": ["North America"],
        "seniority": *pick(rng, SENIORITY),
        "discovered_at": format!("2026-03-{:02}T{:02}:{:02}:{:02}.{:06}", rng.u8(1..29), rng.u8(..24), rng.u8(..60), rng.u8(..60), rng.u32(..1_000_000)),
        "company_domain": company["domain"],
        "hiring_team": hiring,
        "reposted": rng.u8(..4) == 0,
        "date_reposted": if rng.bool() { json!("2026-03-15") } else { Value::Null },
        "employment_statuses": [*pick(rng, STATUS)],
        "easy_apply": rng.bool(),
        "technology_slugs": (0..3 + rng.usize(..10)).map(|_| *pick(rng, TECH)).collect::<Vec<_>>(),
        "description": description(rng, desc_len),
        "company_object": company,
        "locations": locations,
        "normalized_title": "data engineer",
        "manager_roles": ["Head of Data", "VP Engineering"],
        "matching_phrases": ["data pipelines"],
        "matching_words": ["data", "pipelines"],
    })
}

impl Template {
    /// `rows` distinct rows from a fixed seed.
    pub fn new(rows: usize) -> Template {
        let mut rng = fastrand::Rng::with_seed(0x7e57_da7a);
        let mut out = Template {
            rows: Vec::with_capacity(rows),
            id_at: Vec::with_capacity(rows),
        };
        for n in 0..rows {
            let id = ID_BASE + n as u64;
            let bytes = serde_json::to_vec(&job(&mut rng, n, id)).expect("rows serialize");
            let needle = format!("\"id\":{id}");
            let at = find(&bytes, needle.as_bytes()).expect("the row's id is in its bytes") + 5;
            out.rows.push(bytes);
            out.id_at.push(at);
        }
        out
    }

    /// A whole `JobSearchResponse` body: rows `offset..offset + limit` (cycling through the
    /// template), with ids `ID_BASE + offset + i`.
    pub fn page(&self, offset: u64, limit: usize, total: Option<u64>) -> Vec<u8> {
        let per_row = self.rows.iter().map(Vec::len).sum::<usize>() / self.rows.len().max(1);
        let mut out = Vec::with_capacity(256 + limit * (per_row + 1));
        let total = total.map_or("null".to_string(), |t| t.to_string());
        out.extend_from_slice(
            format!(
                "{{\"metadata\":{{\"total_results\":{total},\"truncated_results\":0,\"truncated_companies\":0,\"total_companies\":null}},\"data\":["
            )
            .as_bytes(),
        );
        for i in 0..limit {
            let k = (offset as usize + i) % self.rows.len();
            if i > 0 {
                out.push(b',');
            }
            let start = out.len();
            out.extend_from_slice(&self.rows[k]);
            let id = format!("{}", ID_BASE + offset + i as u64);
            let at = start + self.id_at[k];
            out[at..at + id.len()].copy_from_slice(id.as_bytes());
        }
        out.extend_from_slice(b"]}");
        out
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
