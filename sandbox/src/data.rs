//! Synthetic data: companies, their jobs and their technographics.
//!
//! Rule: everything is drawn from one `fastrand::Rng::with_seed(seed)` in a fixed order and dated
//! relative to the sandbox's `now`, so a seed always gives the same records; the records are the
//! generated API types, so they serialize exactly as the OpenAPI document says. Names, domains
//! (`*.example`) and URLs (`*.invalid`, LinkedIn slugs) are made up.

use chrono::{DateTime, Duration as Days, NaiveDate, NaiveTime, Utc};
use fastrand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use theirstack::types;

/// A technology of the catalogue.
#[derive(Debug)]
pub(crate) struct Tech {
    pub(crate) slug: &'static str,
    pub(crate) name: &'static str,
    pub(crate) category: &'static str,
    pub(crate) category_slug: &'static str,
    pub(crate) parent: &'static str,
    pub(crate) parent_slug: &'static str,
}

const fn tech(
    slug: &'static str,
    name: &'static str,
    category: &'static str,
    category_slug: &'static str,
    parent: &'static str,
    parent_slug: &'static str,
) -> Tech {
    Tech {
        slug,
        name,
        category,
        category_slug,
        parent,
        parent_slug,
    }
}

const DEV: (&str, &str) = ("Programming & Development", "programming-and-development");
const DATA: (&str, &str) = ("Data & Analytics", "data-and-analytics");
const INFRA: (&str, &str) = ("IT & Infrastructure", "it-and-infrastructure");
const SALES: (&str, &str) = ("Sales & Marketing", "sales-and-marketing");
const WORK: (&str, &str) = ("Collaboration & Design", "collaboration-and-design");

/// The technology catalogue the sandbox draws from.
#[rustfmt::skip]
pub(crate) const TECHS: &[Tech] = &[
    tech("python", "Python", "Programming Languages", "programming-languages", DEV.0, DEV.1),
    tech("java", "Java", "Programming Languages", "programming-languages", DEV.0, DEV.1),
    tech("javascript", "JavaScript", "Programming Languages", "programming-languages", DEV.0, DEV.1),
    tech("typescript", "TypeScript", "Programming Languages", "programming-languages", DEV.0, DEV.1),
    tech("go", "Go", "Programming Languages", "programming-languages", DEV.0, DEV.1),
    tech("rust", "Rust", "Programming Languages", "programming-languages", DEV.0, DEV.1),
    tech("kotlin", "Kotlin", "Programming Languages", "programming-languages", DEV.0, DEV.1),
    tech("swift", "Swift", "Programming Languages", "programming-languages", DEV.0, DEV.1),
    tech("scala", "Scala", "Programming Languages", "programming-languages", DEV.0, DEV.1),
    tech("sql", "SQL", "Programming Languages", "programming-languages", DEV.0, DEV.1),
    tech("react", "React", "JavaScript Frameworks", "javascript-frameworks", DEV.0, DEV.1),
    tech("vue", "Vue.js", "JavaScript Frameworks", "javascript-frameworks", DEV.0, DEV.1),
    tech("angular", "Angular", "JavaScript Frameworks", "javascript-frameworks", DEV.0, DEV.1),
    tech("nextjs", "Next.js", "JavaScript Frameworks", "javascript-frameworks", DEV.0, DEV.1),
    tech("nodejs", "Node.js", "Web Frameworks", "web-frameworks", DEV.0, DEV.1),
    tech("django", "Django", "Web Frameworks", "web-frameworks", DEV.0, DEV.1),
    tech("spring-boot", "Spring Boot", "Web Frameworks", "web-frameworks", DEV.0, DEV.1),
    tech("react-native", "React Native", "Mobile Frameworks", "mobile-frameworks", DEV.0, DEV.1),
    tech("postgresql", "PostgreSQL", "Databases", "databases", DATA.0, DATA.1),
    tech("mysql", "MySQL", "Databases", "databases", DATA.0, DATA.1),
    tech("mongodb", "MongoDB", "Databases", "databases", DATA.0, DATA.1),
    tech("redis", "Redis", "Databases", "databases", DATA.0, DATA.1),
    tech("snowflake", "Snowflake", "Data Warehouses", "data-warehouses", DATA.0, DATA.1),
    tech("bigquery", "Google BigQuery", "Data Warehouses", "data-warehouses", DATA.0, DATA.1),
    tech("databricks", "Databricks", "Data Warehouses", "data-warehouses", DATA.0, DATA.1),
    tech("redshift", "Amazon Redshift", "Data Warehouses", "data-warehouses", DATA.0, DATA.1),
    tech("apache-spark", "Apache Spark", "Data Processing", "data-processing", DATA.0, DATA.1),
    tech("apache-airflow", "Apache Airflow", "Data Processing", "data-processing", DATA.0, DATA.1),
    tech("dbt", "dbt", "Data Processing", "data-processing", DATA.0, DATA.1),
    tech("apache-kafka", "Apache Kafka", "Data Processing", "data-processing", DATA.0, DATA.1),
    tech("tableau", "Tableau", "Business Intelligence", "business-intelligence", DATA.0, DATA.1),
    tech("looker", "Looker", "Business Intelligence", "business-intelligence", DATA.0, DATA.1),
    tech("power-bi", "Microsoft Power BI", "Business Intelligence", "business-intelligence", DATA.0, DATA.1),
    tech("pytorch", "PyTorch", "Machine Learning", "machine-learning", DATA.0, DATA.1),
    tech("tensorflow", "TensorFlow", "Machine Learning", "machine-learning", DATA.0, DATA.1),
    tech("scikit-learn", "scikit-learn", "Machine Learning", "machine-learning", DATA.0, DATA.1),
    tech("amazon-web-services", "Amazon Web Services", "Cloud Providers", "cloud-providers", INFRA.0, INFRA.1),
    tech("google-cloud", "Google Cloud", "Cloud Providers", "cloud-providers", INFRA.0, INFRA.1),
    tech("microsoft-azure", "Microsoft Azure", "Cloud Providers", "cloud-providers", INFRA.0, INFRA.1),
    tech("kubernetes", "Kubernetes", "Container Orchestration", "container-orchestration", INFRA.0, INFRA.1),
    tech("docker", "Docker", "Container Orchestration", "container-orchestration", INFRA.0, INFRA.1),
    tech("terraform", "Terraform", "Infrastructure as Code", "infrastructure-as-code", INFRA.0, INFRA.1),
    tech("prometheus", "Prometheus", "Monitoring", "monitoring", INFRA.0, INFRA.1),
    tech("github-actions", "GitHub Actions", "Continuous Integration", "continuous-integration", INFRA.0, INFRA.1),
    tech("salesforce", "Salesforce", "CRM", "crm", SALES.0, SALES.1),
    tech("hubspot", "HubSpot", "CRM", "crm", SALES.0, SALES.1),
    tech("zendesk", "Zendesk", "Customer Support", "customer-support", SALES.0, SALES.1),
    tech("google-analytics", "Google Analytics", "Web Analytics", "web-analytics", SALES.0, SALES.1),
    tech("figma", "Figma", "Design", "design", WORK.0, WORK.1),
    tech("jira", "Jira", "Project Management", "project-management", WORK.0, WORK.1),
    tech("amplitude", "Amplitude", "Product Analytics", "product-analytics", WORK.0, WORK.1),
    tech("cypress", "Cypress", "Testing", "testing", DEV.0, DEV.1),
    tech("selenium", "Selenium", "Testing", "testing", DEV.0, DEV.1),
    tech("greenhouse", "Greenhouse", "Recruiting Software", "recruiting-software", WORK.0, WORK.1),
];

/// A role: its title, normalized title, department and the technologies its jobs mention.
struct Role {
    title: &'static str,
    department: Department,
    techs: &'static [&'static str],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Department {
    Engineering,
    Data,
    Product,
    Sales,
    Marketing,
    People,
}

#[rustfmt::skip]
const ROLES: &[Role] = &[
    Role { title: "Data Engineer", department: Department::Data, techs: &["python", "sql", "apache-spark", "apache-airflow", "dbt", "apache-kafka", "snowflake", "bigquery", "databricks", "amazon-web-services"] },
    Role { title: "Software Engineer", department: Department::Engineering, techs: &["python", "java", "go", "typescript", "postgresql", "amazon-web-services", "docker", "kubernetes"] },
    Role { title: "Backend Engineer", department: Department::Engineering, techs: &["go", "java", "python", "rust", "postgresql", "redis", "apache-kafka", "kubernetes", "spring-boot", "django"] },
    Role { title: "Frontend Engineer", department: Department::Engineering, techs: &["typescript", "javascript", "react", "vue", "angular", "nextjs", "figma", "cypress"] },
    Role { title: "Full Stack Developer", department: Department::Engineering, techs: &["typescript", "react", "nodejs", "postgresql", "mongodb", "amazon-web-services"] },
    Role { title: "DevOps Engineer", department: Department::Engineering, techs: &["kubernetes", "terraform", "docker", "amazon-web-services", "microsoft-azure", "google-cloud", "github-actions", "prometheus"] },
    Role { title: "Site Reliability Engineer", department: Department::Engineering, techs: &["kubernetes", "terraform", "prometheus", "go", "amazon-web-services", "google-cloud"] },
    Role { title: "Machine Learning Engineer", department: Department::Data, techs: &["python", "pytorch", "tensorflow", "scikit-learn", "apache-spark", "kubernetes", "amazon-web-services"] },
    Role { title: "Data Scientist", department: Department::Data, techs: &["python", "sql", "pytorch", "scikit-learn", "tableau", "snowflake", "databricks"] },
    Role { title: "Data Analyst", department: Department::Data, techs: &["sql", "tableau", "looker", "power-bi", "snowflake", "bigquery", "python"] },
    Role { title: "Analytics Engineer", department: Department::Data, techs: &["dbt", "sql", "snowflake", "looker", "bigquery", "apache-airflow"] },
    Role { title: "Mobile Developer", department: Department::Engineering, techs: &["kotlin", "swift", "react-native", "typescript"] },
    Role { title: "QA Engineer", department: Department::Engineering, techs: &["cypress", "selenium", "python", "java", "jira"] },
    Role { title: "Security Engineer", department: Department::Engineering, techs: &["amazon-web-services", "kubernetes", "terraform", "python", "go"] },
    Role { title: "Solutions Architect", department: Department::Engineering, techs: &["amazon-web-services", "microsoft-azure", "google-cloud", "kubernetes", "terraform"] },
    Role { title: "Engineering Manager", department: Department::Engineering, techs: &["java", "python", "amazon-web-services", "kubernetes", "jira"] },
    Role { title: "Product Manager", department: Department::Product, techs: &["jira", "figma", "amplitude", "sql"] },
    Role { title: "Product Designer", department: Department::Product, techs: &["figma", "amplitude", "jira"] },
    Role { title: "Account Executive", department: Department::Sales, techs: &["salesforce", "hubspot"] },
    Role { title: "Sales Development Representative", department: Department::Sales, techs: &["salesforce", "hubspot"] },
    Role { title: "Customer Success Manager", department: Department::Sales, techs: &["salesforce", "hubspot", "zendesk"] },
    Role { title: "Marketing Manager", department: Department::Marketing, techs: &["hubspot", "google-analytics", "salesforce"] },
    Role { title: "Recruiter", department: Department::People, techs: &["greenhouse"] },
];

/// Executive titles by department, for `c_level` jobs.
fn executive_title(department: Department, rng: &mut Rng) -> &'static str {
    let titles: &[&str] = match department {
        Department::Engineering => &["Chief Technology Officer", "VP of Engineering"],
        Department::Data => &["Chief Data Officer", "Head of Data"],
        Department::Product => &["Chief Product Officer", "VP of Product"],
        Department::Sales => &["Chief Revenue Officer", "VP of Sales"],
        Department::Marketing => &["Chief Marketing Officer", "VP of Marketing"],
        Department::People => &["Chief People Officer", "VP of People"],
    };
    titles[rng.usize(..titles.len())]
}

/// A city: name, first-level division (name, code), latitude, longitude.
type City = (&'static str, &'static str, &'static str, f64, f64);

/// A country: ISO code, name, continent (code, name), currency, USD per unit, salary level,
/// weight, cities.
struct Country {
    code: &'static str,
    name: &'static str,
    continent: (&'static str, &'static str),
    currency: &'static str,
    symbol: &'static str,
    usd_per_unit: f64,
    pay_level: f64,
    weight: u32,
    cities: &'static [City],
}

const NA: (&str, &str) = ("NA", "North America");
const EU: (&str, &str) = ("EU", "Europe");
const AS: (&str, &str) = ("AS", "Asia");

#[rustfmt::skip]
const COUNTRIES: &[Country] = &[
    Country { code: "US", name: "United States", continent: NA, currency: "USD", symbol: "$", usd_per_unit: 1.0, pay_level: 1.0, weight: 34, cities: &[("New York", "New York", "NY", 40.71, -74.01), ("San Francisco", "California", "CA", 37.77, -122.42), ("Austin", "Texas", "TX", 30.27, -97.74), ("Seattle", "Washington", "WA", 47.61, -122.33), ("Boston", "Massachusetts", "MA", 42.36, -71.06), ("Chicago", "Illinois", "IL", 41.88, -87.63)] },
    Country { code: "GB", name: "United Kingdom", continent: EU, currency: "GBP", symbol: "£", usd_per_unit: 1.27, pay_level: 0.72, weight: 12, cities: &[("London", "England", "ENG", 51.51, -0.13), ("Manchester", "England", "ENG", 53.48, -2.24), ("Edinburgh", "Scotland", "SCT", 55.95, -3.19)] },
    Country { code: "DE", name: "Germany", continent: EU, currency: "EUR", symbol: "€", usd_per_unit: 1.08, pay_level: 0.68, weight: 10, cities: &[("Berlin", "Berlin", "BE", 52.52, 13.40), ("Munich", "Bavaria", "BY", 48.14, 11.58), ("Hamburg", "Hamburg", "HH", 53.55, 9.99)] },
    Country { code: "FR", name: "France", continent: EU, currency: "EUR", symbol: "€", usd_per_unit: 1.08, pay_level: 0.6, weight: 7, cities: &[("Paris", "Île-de-France", "IDF", 48.86, 2.35), ("Lyon", "Auvergne-Rhône-Alpes", "ARA", 45.76, 4.84)] },
    Country { code: "ES", name: "Spain", continent: EU, currency: "EUR", symbol: "€", usd_per_unit: 1.08, pay_level: 0.48, weight: 6, cities: &[("Madrid", "Madrid", "MD", 40.42, -3.70), ("Barcelona", "Catalonia", "CT", 41.39, 2.17)] },
    Country { code: "NL", name: "Netherlands", continent: EU, currency: "EUR", symbol: "€", usd_per_unit: 1.08, pay_level: 0.66, weight: 5, cities: &[("Amsterdam", "North Holland", "NH", 52.37, 4.90), ("Rotterdam", "South Holland", "ZH", 51.92, 4.48)] },
    Country { code: "CA", name: "Canada", continent: NA, currency: "CAD", symbol: "CA$", usd_per_unit: 0.74, pay_level: 0.75, weight: 6, cities: &[("Toronto", "Ontario", "ON", 43.65, -79.38), ("Vancouver", "British Columbia", "BC", 49.28, -123.12)] },
    Country { code: "IN", name: "India", continent: AS, currency: "INR", symbol: "₹", usd_per_unit: 0.012, pay_level: 0.25, weight: 7, cities: &[("Bengaluru", "Karnataka", "KA", 12.97, 77.59), ("Pune", "Maharashtra", "MH", 18.52, 73.86)] },
    Country { code: "AU", name: "Australia", continent: ("OC", "Oceania"), currency: "AUD", symbol: "A$", usd_per_unit: 0.66, pay_level: 0.74, weight: 4, cities: &[("Sydney", "New South Wales", "NSW", -33.87, 151.21), ("Melbourne", "Victoria", "VIC", -37.81, 144.96)] },
    Country { code: "BR", name: "Brazil", continent: ("SA", "South America"), currency: "BRL", symbol: "R$", usd_per_unit: 0.2, pay_level: 0.3, weight: 3, cities: &[("São Paulo", "São Paulo", "SP", -23.55, -46.63)] },
    Country { code: "SE", name: "Sweden", continent: EU, currency: "SEK", symbol: "SEK ", usd_per_unit: 0.095, pay_level: 0.6, weight: 2, cities: &[("Stockholm", "Stockholm", "AB", 59.33, 18.07)] },
    Country { code: "PL", name: "Poland", continent: EU, currency: "PLN", symbol: "PLN ", usd_per_unit: 0.25, pay_level: 0.4, weight: 2, cities: &[("Warsaw", "Masovia", "MZ", 52.23, 21.01)] },
    Country { code: "IE", name: "Ireland", continent: EU, currency: "EUR", symbol: "€", usd_per_unit: 1.08, pay_level: 0.7, weight: 1, cities: &[("Dublin", "Leinster", "L", 53.35, -6.26)] },
    Country { code: "SG", name: "Singapore", continent: AS, currency: "SGD", symbol: "S$", usd_per_unit: 0.74, pay_level: 0.7, weight: 1, cities: &[("Singapore", "Singapore", "01", 1.35, 103.82)] },
];

#[rustfmt::skip]
const NAME_HEADS: &[&str] = &[
    "Aurora", "Beacon", "Blue Harbor", "Brightline", "Cedar", "Cobalt", "Copperleaf", "Crestview",
    "Driftwood", "Emberly", "Evergreen", "Falcon", "Fernhill", "Granite Peak", "Halcyon", "Indigo",
    "Ironbridge", "Juniper", "Kestrel", "Keystone", "Lighthouse", "Lumen", "Maplewood", "Meridian",
    "Nimbus", "Northwind", "Oakridge", "Orchid", "Pinecrest", "Quartz", "Redwood", "Silverline",
    "Stonebrook", "Tidewater", "Vantage", "Willow", "Zephyr",
];

/// Name endings with the industry (LinkedIn-style id and label) they suggest.
#[rustfmt::skip]
const NAME_TAILS: &[(&str, i64, &str)] = &[
    ("Analytics", 4, "Software Development"),
    ("Labs", 4, "Software Development"),
    ("Systems", 96, "IT Services and IT Consulting"),
    ("Cloud", 6, "Technology, Information and Internet"),
    ("Data", 6, "Technology, Information and Internet"),
    ("AI", 4, "Software Development"),
    ("Software", 4, "Software Development"),
    ("Health", 14, "Hospitals and Health Care"),
    ("Bio", 12, "Biotechnology Research"),
    ("Payments", 43, "Financial Services"),
    ("Bank", 41, "Banking"),
    ("Insurance", 42, "Insurance"),
    ("Logistics", 116, "Transportation, Logistics, Supply Chain and Storage"),
    ("Mobility", 116, "Transportation, Logistics, Supply Chain and Storage"),
    ("Energy", 59, "Utilities"),
    ("Retail", 27, "Retail"),
    ("Foods", 23, "Food and Beverage Manufacturing"),
    ("Media", 80, "Advertising Services"),
    ("Security", 118, "Computer and Network Security"),
    ("Robotics", 25, "Manufacturing"),
];

#[rustfmt::skip]
const KEYWORDS: &[&str] = &[
    "b2b", "saas", "marketplace", "fintech", "healthtech", "e-commerce", "developer tools",
    "machine learning", "logistics", "cybersecurity", "analytics", "open source", "api",
    "enterprise software", "mobile apps", "climate", "payments", "insurance",
];

#[rustfmt::skip]
const INVESTORS: &[&str] = &[
    "Lakeside Ventures", "Copper Hill Capital", "North Pier Partners", "Tallgrass Growth",
    "Open Field Fund", "Bright Orbit Ventures", "Saltmarsh Capital", "Highmoor Partners",
];

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Alex", "Maria", "Sam", "Priya", "Jonas", "Chen", "Fatima", "Lucas", "Emma", "Noah", "Aisha",
    "Diego", "Hannah", "Kenji", "Olivia", "Mateo", "Sofia", "Liam", "Zara", "Ivan",
];

#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "Garcia", "Smith", "Muller", "Kowalski", "Nakamura", "Okafor", "Rossi", "Dubois", "Patel",
    "Johansson", "Silva", "Novak", "Kim", "Brown", "Fischer", "Moreau", "Ahmed", "Larsen", "Costa",
    "Murphy",
];

/// A job's `url`, which TheirStack's own document makes a `String` and ours an `Option<String>`.
pub(crate) trait UrlField {
    /// The field holding `url`.
    fn from_string(url: String) -> Self;
    /// The URL, if there is one.
    fn to_option(&self) -> Option<String>;
    /// Replaces the URL, if there is one, with `mask`.
    fn mask(&mut self, mask: &str);
}

impl UrlField for String {
    fn from_string(url: String) -> Self {
        url
    }

    fn to_option(&self) -> Option<String> {
        Some(self.clone())
    }

    fn mask(&mut self, mask: &str) {
        *self = mask.to_string();
    }
}

impl UrlField for Option<String> {
    fn from_string(url: String) -> Self {
        Some(url)
    }

    fn to_option(&self) -> Option<String> {
        self.clone()
    }

    fn mask(&mut self, mask: &str) {
        if self.is_some() {
            *self = Some(mask.to_string());
        }
    }
}

/// Copies every field of a company record into another company type with the same fields,
/// plus the extra fields given: `copy_company!(record, Target { extra: value })`.
macro_rules! copy_company {
    ($c:expr, $target:ident { $($extra:tt)* }) => {{
        let c = $c;
        types::$target {
            alexa_ranking: c.alexa_ranking,
            annual_revenue_usd: c.annual_revenue_usd,
            annual_revenue_usd_readable: c.annual_revenue_usd_readable.clone(),
            apollo_id: c.apollo_id.clone(),
            city: c.city.clone(),
            company_keywords: c.company_keywords.clone(),
            country: c.country.clone(),
            country_code: c.country_code.clone(),
            domain: c.domain.clone(),
            employee_count: c.employee_count,
            employee_count_range: c.employee_count_range.clone(),
            founded_year: c.founded_year,
            funding_stage: c.funding_stage.clone(),
            has_blurred_data: c.has_blurred_data,
            id: c.id.clone(),
            industry: c.industry.clone(),
            industry_id: c.industry_id,
            investors: c.investors.clone(),
            is_recruiting_agency: c.is_recruiting_agency,
            last_funding_round_amount_readable: c.last_funding_round_amount_readable.clone(),
            last_funding_round_date: c.last_funding_round_date,
            linkedin_id: c.linkedin_id.clone(),
            linkedin_url: c.linkedin_url.clone(),
            logo: c.logo.clone(),
            long_description: c.long_description.clone(),
            name: c.name.clone(),
            num_jobs: c.num_jobs,
            num_jobs_found: c.num_jobs_found,
            num_jobs_last_30_days: c.num_jobs_last_30_days,
            num_technologies: c.num_technologies,
            possible_domains: c.possible_domains.clone(),
            postal_code: c.postal_code.clone(),
            publicly_traded_exchange: c.publicly_traded_exchange.clone(),
            publicly_traded_symbol: c.publicly_traded_symbol.clone(),
            seo_description: c.seo_description.clone(),
            technology_names: c.technology_names.clone(),
            technology_slugs: c.technology_slugs.clone(),
            total_funding_usd: c.total_funding_usd,
            url: c.url.clone(),
            url_source: c.url_source.clone(),
            yc_batch: c.yc_batch.clone(),
            $($extra)*
        }
    }};
}
pub(crate) use copy_company;

/// A company and what hangs off it.
#[derive(Debug, Clone)]
pub(crate) struct Company {
    /// The company record, as embedded in jobs.
    pub(crate) record: types::CompanyWithTechnologySlugs,
    /// Technographics rows: confidence, then jobs, descending.
    pub(crate) technologies: Vec<types::KeywordFound>,
    /// Its jobs, as indices into [`Dataset::jobs`], in search order.
    pub(crate) jobs: Vec<usize>,
}

/// All synthetic data of one sandbox.
#[derive(Debug)]
pub(crate) struct Dataset {
    /// Companies, in generation order.
    pub(crate) companies: Vec<Company>,
    /// Jobs in search order: `date_posted`, `discovered_at`, `id`, all descending.
    pub(crate) jobs: Vec<types::JobWithMatchingPhrasesResponseOutput>,
    /// The company of each job, as an index into `companies`.
    pub(crate) job_company: Vec<usize>,
}

/// A company before its jobs exist.
struct CompanyDraft {
    record: types::CompanyWithTechnologySlugs,
    country: usize,
    city: usize,
    stack: Vec<usize>,
}

/// A job before sorting.
struct JobDraft {
    job: types::JobWithMatchingPhrasesResponseOutput,
    company: usize,
    techs: Vec<usize>,
}

fn chance(rng: &mut Rng, p: f64) -> bool {
    rng.f64() < p
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn weighted_country(rng: &mut Rng) -> usize {
    let total: u32 = COUNTRIES.iter().map(|c| c.weight).sum();
    let mut n = rng.u32(..total);
    for (i, c) in COUNTRIES.iter().enumerate() {
        if n < c.weight {
            return i;
        }
        n -= c.weight;
    }
    0
}

fn tech_index(slug: &str) -> Option<usize> {
    TECHS.iter().position(|t| t.slug == slug)
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
fn thousands(n: i64) -> String {
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
fn readable(amount: f64) -> String {
    if amount >= 1e9 {
        format!("{:.1}B", amount / 1e9)
    } else if amount >= 1e6 {
        format!("{:.0}M", amount / 1e6)
    } else {
        format!("{:.0}K", amount / 1e3)
    }
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

/// Midnight UTC of a date.
pub(crate) fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

fn company_draft(rng: &mut Rng, name: String, tail: usize, now: DateTime<Utc>) -> CompanyDraft {
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

    let record = types::CompanyWithTechnologySlugs {
        alexa_ranking: (employees > 200).then(|| rng.i64(1_000..2_000_000)),
        annual_revenue_usd: Some((revenue / 1000.0).round() * 1000.0),
        annual_revenue_usd_readable: Some(readable(revenue)),
        apollo_id: Some(apollo_id),
        city: Some(c.cities[city].0.to_string()),
        company_keywords: Some(keywords),
        country: Some(c.name.to_string()),
        country_code: Some(c.code.to_string()),
        domain: Some(domain.clone()),
        employee_count: Some(employees),
        employee_count_range: Some(employee_range(employees).to_string()),
        founded_year: Some(founded),
        funding_stage: stage,
        has_blurred_data: false,
        id: id.clone(),
        industry: Some(if agency {
            "Staffing and Recruiting".to_string()
        } else {
            industry.to_string()
        }),
        industry_id: Some(if agency { 104 } else { industry_id }),
        investors,
        is_recruiting_agency: Some(agency),
        last_funding_round_amount_readable: last_amount,
        last_funding_round_date: last_round,
        linkedin_id: has_linkedin.then_some(linkedin_id),
        linkedin_url: has_linkedin.then(|| format!("https://www.linkedin.com/company/{id}")),
        logo: Some(format!("https://logos.sandbox.invalid/{id}.png")),
        long_description: Some(format!(
            "{name} is a {} company founded in {founded} and headquartered in {}, {}. Around {} people work there.",
            industry.to_lowercase(),
            c.cities[city].0,
            c.name,
            thousands(employees)
        )),
        name: name.clone(),
        num_jobs: 0,
        num_jobs_found: None,
        num_jobs_last_30_days: 0,
        num_technologies: stack.len() as i64,
        possible_domains: vec![domain.clone()],
        postal_code: None,
        publicly_traded_exchange: listed.then(|| pick(rng, &["NASDAQ", "NYSE", "LSE"]).to_string()),
        publicly_traded_symbol: listed.then_some(symbol),
        seo_description: Some(format!("{name}: {} from {}.", industry, c.cities[city].0)),
        technology_names: Some(stack.iter().map(|&t| TECHS[t].name.to_string()).collect()),
        technology_slugs: Some(stack.iter().map(|&t| TECHS[t].slug.to_string()).collect()),
        total_funding_usd: total_funding,
        url: Some(domain),
        url_source: Some("website".to_string()),
        yc_batch: yc,
    };
    CompanyDraft {
        record,
        country,
        city,
        stack,
    }
}

fn salary_usd(
    rng: &mut Rng,
    seniority: Option<&types::Seniority>,
    department: Department,
) -> (f64, f64) {
    let (low, high) = match seniority {
        Some(types::Seniority::Junior) => (55_000.0, 85_000.0),
        Some(types::Seniority::Senior) => (120_000.0, 175_000.0),
        Some(types::Seniority::Staff) => (160_000.0, 230_000.0),
        Some(types::Seniority::CLevel) => (200_000.0, 320_000.0),
        _ => (85_000.0, 125_000.0),
    };
    let factor = match department {
        Department::Engineering | Department::Data => 1.0,
        Department::Product => 0.95,
        Department::Sales | Department::Marketing => 0.8,
        Department::People => 0.7,
    };
    let min = (low + rng.f64() * (high - low) * 0.5) * factor;
    let max = min * (1.15 + rng.f64() * 0.25);
    (min, max)
}

#[allow(clippy::too_many_lines)]
fn job_draft(
    rng: &mut Rng,
    id: i64,
    company: usize,
    drafts: &[CompanyDraft],
    now: DateTime<Utc>,
) -> JobDraft {
    let owner = &drafts[company];
    let role = pick(rng, ROLES);
    let seniority = match rng.u8(..20) {
        0..=3 => Some(types::Seniority::Junior),
        4..=8 => Some(types::Seniority::MidLevel),
        9..=14 => Some(types::Seniority::Senior),
        15..=16 => Some(types::Seniority::Staff),
        17 => Some(types::Seniority::CLevel),
        _ => None,
    };
    let job_title = match &seniority {
        Some(types::Seniority::Junior) => format!("Junior {}", role.title),
        Some(types::Seniority::Senior) => format!("Senior {}", role.title),
        Some(types::Seniority::Staff) => {
            format!(
                "{} {}",
                pick(rng, &["Staff", "Principal", "Lead"]),
                role.title
            )
        }
        Some(types::Seniority::CLevel) => executive_title(role.department, rng).to_string(),
        _ => role.title.to_string(),
    };
    let normalized_title = job_title.to_lowercase();

    let (country, city) = if chance(rng, 0.65) {
        (owner.country, owner.city)
    } else {
        let country = weighted_country(rng);
        (country, rng.usize(..COUNTRIES[country].cities.len()))
    };
    let place = &COUNTRIES[country];
    let (city_name, admin1, admin1_code, lat, lon) = place.cities[city];
    let remote = chance(rng, 0.25);
    let hybrid = !remote && chance(rng, 0.3);

    let today = now.date_naive();
    let age = (rng.f64().powf(1.6) * 90.0) as i64;
    let date_posted = today - Days::days(age);
    let room = (now - midnight(date_posted)).num_seconds() - 60;
    let offset = if room > 0 {
        rng.i64(0..room.min(30 * 3600))
    } else {
        0
    };
    let discovered_at = midnight(date_posted) + Days::seconds(offset);

    let mut employment = vec![types::Commitment::FullTime];
    match rng.u8(..20) {
        0..=1 => employment = vec![types::Commitment::Contract],
        2 => employment.push(types::Commitment::Contract),
        3 => employment = vec![types::Commitment::PartTime],
        4 if matches!(seniority, Some(types::Seniority::Junior)) => {
            employment = vec![types::Commitment::Internship]
        }
        5 => employment = vec![types::Commitment::Temporary],
        _ => {}
    }

    // Technologies: those of the role the company uses, else anything of its stack.
    let mut techs: Vec<usize> = role
        .techs
        .iter()
        .filter_map(|s| tech_index(s))
        .filter(|t| owner.stack.contains(t))
        .collect();
    if techs.is_empty() || chance(rng, 0.3) {
        techs.push(*pick(rng, &owner.stack));
    }
    if techs.len() > 6 {
        rng.shuffle(&mut techs);
        techs.truncate(6);
    }
    techs.sort_unstable();
    techs.dedup();

    let salary = chance(rng, 0.6).then(|| {
        let (min, max) = salary_usd(rng, seniority.as_ref(), role.department);
        let (min, max) = (min * place.pay_level, max * place.pay_level);
        let local = |usd: f64| ((usd / place.usd_per_unit) / 1000.0).round() as i64 * 1000;
        let (min_local, max_local) = (local(min), local(max));
        let min_usd = (min_local as f64 * place.usd_per_unit).round();
        let max_usd = (max_local as f64 * place.usd_per_unit).round();
        (min_local, max_local, min_usd, max_usd)
    });

    let company_name = owner.record.name.clone();
    let domain = owner.record.domain.clone().unwrap_or_default();
    let hiring_team = chance(rng, 0.4).then(|| {
        let first = pick(rng, FIRST_NAMES);
        let last = pick(rng, LAST_NAMES);
        let role_name = if role.department == Department::People {
            "Head of Talent"
        } else {
            pick(
                rng,
                &["Talent Acquisition Partner", "Hiring Manager", "Recruiter"],
            )
        };
        vec![types::PersonBase {
            first_name: Some(first.to_string()),
            full_name: Some(format!("{first} {last}")),
            image_url: None,
            linkedin_url: Some(format!(
                "https://www.linkedin.com/in/{}-{}-{}",
                first.to_lowercase(),
                last.to_lowercase(),
                rng.u32(1000..10000)
            )),
            role: Some(role_name.to_string()),
            thumbnail_url: None,
        }]
    });
    let manager_roles = match role.department {
        Department::Engineering => Some(vec!["Engineering Manager".to_string()]),
        Department::Data => Some(vec!["Head of Data".to_string()]),
        _ => None,
    };
    let reposted = chance(rng, 0.1) && age >= 2;
    let date_reposted = reposted.then(|| date_posted + Days::days(rng.i64(1..=age)));

    let tech_names: Vec<&str> = techs.iter().map(|&t| TECHS[t].name).collect();
    let tech_list = tech_names.join(", ");
    let work_mode = if remote {
        format!(
            "This is a remote role open to candidates in {}.",
            place.name
        )
    } else if hybrid {
        format!("This is a hybrid role based in our {city_name} office.")
    } else {
        format!("This role is based in our {city_name} office.")
    };
    let years = match &seniority {
        Some(types::Seniority::Junior) => 1,
        Some(types::Seniority::Senior) => 5,
        Some(types::Seniority::Staff) | Some(types::Seniority::CLevel) => 8,
        _ => 3,
    };
    let description = format!(
        "## About {company_name}\n{}\n\n## The role\nWe are looking for a {job_title} to join our team. \
         You will work with {tech_list}. {work_mode}\n\n## Requirements\n- {years}+ years of relevant experience\n\
         - Hands-on experience with {}\n- Clear written communication",
        owner.record.seo_description.clone().unwrap_or_default(),
        tech_names.first().copied().unwrap_or("modern tooling"),
    );

    let url = format!("https://jobs.sandbox.invalid/{}/{id}", owner.record.id);
    let display_name = format!("{city_name}, {admin1}, {}", place.name);
    let location = types::JobLocationOutput {
        address: (),
        admin1_code: Some(admin1_code.to_string()),
        admin1_name: Some(admin1.to_string()),
        admin2_code: None,
        admin2_name: None,
        city: Some(city_name.to_string()),
        continent: Some(place.continent.0.to_string()),
        country_code: Some(place.code.to_string()),
        country_name: Some(place.name.to_string()),
        display_name: display_name.clone(),
        feature_code: Some("PPL".to_string()),
        id: Some(1_000_000 + (country as i64) * 100 + city as i64),
        latitude: Some(lat),
        longitude: Some(lon),
        name: Some(city_name.to_string()),
        postal_code: (),
        state: Some(admin1.to_string()),
        state_code: Some(admin1_code.to_string()),
        type_: Some(types::GeonameType::City),
    };
    let job = types::JobWithMatchingPhrasesResponseOutput {
        avg_annual_salary_usd: salary.map(|(_, _, a, b)| ((a + b) / 2.0 * 100.0).round() / 100.0),
        cities: Some(vec![city_name.to_string()]),
        company: company_name,
        company_domain: Some(domain.clone()),
        company_object: owner.record.clone(),
        continents: Some(vec![place.continent.1.to_string()]),
        countries: Some(vec![place.name.to_string()]),
        country: Some(place.name.to_string()),
        country_code: Some(place.code.to_string()),
        country_codes: Some(vec![Some(place.code.to_string())]),
        date_posted,
        date_reposted,
        description: Some(description),
        discovered_at: types::Timestamp(discovered_at),
        easy_apply: Some(chance(rng, 0.3)),
        employment_statuses: employment,
        final_url: chance(rng, 0.85).then(|| format!("https://{domain}/careers/{id}")),
        has_blurred_data: false,
        hiring_team,
        hybrid: Some(hybrid),
        id,
        job_title,
        latitude: Some(lat),
        location: Some(city_name.to_string()),
        locations: vec![location],
        long_location: Some(display_name),
        longitude: Some(lon),
        manager_roles,
        matching_phrases: Some(Vec::new()),
        matching_words: Some(Vec::new()),
        max_annual_salary: salary.map(|s| s.1),
        max_annual_salary_usd: salary.map(|s| s.3),
        min_annual_salary: salary.map(|s| s.0),
        min_annual_salary_usd: salary.map(|s| s.2),
        normalized_title: Some(normalized_title),
        postal_code: None,
        remote: Some(remote),
        reposted: Some(reposted),
        salary_currency: salary.map(|_| place.currency.to_string()),
        salary_string: salary.map(|(min, max, _, _)| {
            format!(
                "{s}{} - {s}{} per year",
                thousands(min),
                thousands(max),
                s = place.symbol
            )
        }),
        seniority,
        short_location: Some(format!("{city_name}, {admin1_code}")),
        source_url: url.clone(),
        state_code: Some(admin1_code.to_string()),
        technology_slugs: techs.iter().map(|&t| TECHS[t].slug.to_string()).collect(),
        url: UrlField::from_string(url),
    };
    JobDraft {
        job,
        company,
        techs,
    }
}

/// Builds the dataset of a seed.
pub(crate) fn generate(seed: u64, companies: usize, jobs: usize, now: DateTime<Utc>) -> Dataset {
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
        drafts.push(company_draft(&mut rng, name, t, now));
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
            job_drafts.push(job_draft(&mut rng, id, company, &drafts, now));
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
    let mut out: Vec<Company> = Vec::with_capacity(companies);
    for (c, draft) in drafts.into_iter().enumerate() {
        let mut record = draft.record;
        let own = &company_jobs[c];
        record.num_jobs = own.len() as i64;
        record.num_jobs_last_30_days = own
            .iter()
            .filter(|&&j| (today - job_drafts[j].job.date_posted).num_days() < 30)
            .count() as i64;
        let technologies = technographics(&mut rng, &record, &draft.stack, own, &job_drafts, today);
        out.push(Company {
            record,
            technologies,
            jobs: own.clone(),
        });
    }
    let job_company = job_drafts.iter().map(|d| d.company).collect();
    let jobs = job_drafts
        .into_iter()
        .map(|mut d| {
            d.job.company_object = out[d.company].record.clone();
            d.job
        })
        .collect();
    Dataset {
        companies: out,
        jobs,
        job_company,
    }
}

/// The technographics rows of a company: its jobs' mentions plus a seeded history.
fn technographics(
    rng: &mut Rng,
    company: &types::CompanyWithTechnologySlugs,
    stack: &[usize],
    own: &[usize],
    jobs: &[JobDraft],
    today: NaiveDate,
) -> Vec<types::KeywordFound> {
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
            types::KeywordFound {
                company_name: company.name.clone(),
                confidence,
                first_date_found: r.first,
                jobs: r.jobs,
                jobs_last_180_days: r.last_180,
                jobs_last_30_days: r.last_30,
                jobs_last_7_days: r.last_7,
                last_date_found: r.last,
                rank_within_category: rank[i],
                relative_occurrence_within_category: share[i],
                technology: types::KeywordExtended {
                    category: Some(t.category.to_string()),
                    category_slug: Some(t.category_slug.to_string()),
                    logo: Some(format!(
                        "https://logos.sandbox.invalid/technologies/{}.png",
                        t.slug
                    )),
                    logo_thumbnail: None,
                    name: t.name.to_string(),
                    parent_category: Some(t.parent.to_string()),
                    parent_category_slug: Some(t.parent_slug.to_string()),
                    slug: t.slug.to_string(),
                },
                theirstack_score: None,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        confidence_rank(&b.confidence)
            .cmp(&confidence_rank(&a.confidence))
            .then(b.jobs.cmp(&a.jobs))
            .then(a.technology.slug.cmp(&b.technology.slug))
    });
    out
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

    fn now() -> DateTime<Utc> {
        "2026-03-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_seed_always_gives_the_same_data() {
        let a = generate(7, 50, 300, now());
        let b = generate(7, 50, 300, now());
        let c = generate(8, 50, 300, now());
        assert_eq!(a.jobs, b.jobs);
        assert_ne!(a.jobs[0], c.jobs[0]);
    }

    #[test]
    fn records_are_consistent() {
        let data = generate(42, 200, 2000, now());
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
    }

    #[test]
    fn no_data_is_fine() {
        let data = generate(1, 0, 0, now());
        assert!(data.jobs.is_empty() && data.companies.is_empty());
        assert_eq!(generate(1, 3, 0, now()).companies.len(), 3);
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
