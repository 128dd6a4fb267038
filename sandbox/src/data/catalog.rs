//! The catalogue the synthetic data is drawn from: technologies, roles, countries and cities,
//! company name parts, industries, keywords, investors and people's names.
//!
//! Rule: fixed tables only; nothing here draws random numbers except the two pickers at the end.

use fastrand::Rng;

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
pub(crate) struct Role {
    pub(crate) title: &'static str,
    pub(crate) department: Department,
    pub(crate) techs: &'static [&'static str],
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Department {
    Engineering,
    Data,
    Product,
    Sales,
    Marketing,
    People,
}

#[rustfmt::skip]
pub(crate) const ROLES: &[Role] = &[
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
pub(crate) fn executive_title(department: Department, rng: &mut Rng) -> &'static str {
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
pub(crate) type City = (&'static str, &'static str, &'static str, f64, f64);

/// A country: ISO code, name, continent (code, name), currency, USD per unit, salary level,
/// weight, cities.
pub(crate) struct Country {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) continent: (&'static str, &'static str),
    pub(crate) currency: &'static str,
    pub(crate) symbol: &'static str,
    pub(crate) usd_per_unit: f64,
    pub(crate) pay_level: f64,
    pub(crate) weight: u32,
    pub(crate) cities: &'static [City],
}

const NA: (&str, &str) = ("NA", "North America");
const EU: (&str, &str) = ("EU", "Europe");
const AS: (&str, &str) = ("AS", "Asia");

#[rustfmt::skip]
pub(crate) const COUNTRIES: &[Country] = &[
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
pub(crate) const NAME_HEADS: &[&str] = &[
    "Aurora", "Beacon", "Blue Harbor", "Brightline", "Cedar", "Cobalt", "Copperleaf", "Crestview",
    "Driftwood", "Emberly", "Evergreen", "Falcon", "Fernhill", "Granite Peak", "Halcyon", "Indigo",
    "Ironbridge", "Juniper", "Kestrel", "Keystone", "Lighthouse", "Lumen", "Maplewood", "Meridian",
    "Nimbus", "Northwind", "Oakridge", "Orchid", "Pinecrest", "Quartz", "Redwood", "Silverline",
    "Stonebrook", "Tidewater", "Vantage", "Willow", "Zephyr",
];

/// The industry of recruiting agencies (LinkedIn-style id and label).
pub(crate) const STAFFING: (i64, &str) = (104, "Staffing and Recruiting");

/// Name endings with the industry (LinkedIn-style id and label) they suggest.
#[rustfmt::skip]
pub(crate) const NAME_TAILS: &[(&str, i64, &str)] = &[
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
pub(crate) const KEYWORDS: &[&str] = &[
    "b2b", "saas", "marketplace", "fintech", "healthtech", "e-commerce", "developer tools",
    "machine learning", "logistics", "cybersecurity", "analytics", "open source", "api",
    "enterprise software", "mobile apps", "climate", "payments", "insurance",
];

#[rustfmt::skip]
pub(crate) const INVESTORS: &[&str] = &[
    "Lakeside Ventures", "Copper Hill Capital", "North Pier Partners", "Tallgrass Growth",
    "Open Field Fund", "Bright Orbit Ventures", "Saltmarsh Capital", "Highmoor Partners",
];

#[rustfmt::skip]
pub(crate) const FIRST_NAMES: &[&str] = &[
    "Alex", "Maria", "Sam", "Priya", "Jonas", "Chen", "Fatima", "Lucas", "Emma", "Noah", "Aisha",
    "Diego", "Hannah", "Kenji", "Olivia", "Mateo", "Sofia", "Liam", "Zara", "Ivan",
];

#[rustfmt::skip]
pub(crate) const LAST_NAMES: &[&str] = &[
    "Garcia", "Smith", "Muller", "Kowalski", "Nakamura", "Okafor", "Rossi", "Dubois", "Patel",
    "Johansson", "Silva", "Novak", "Kim", "Brown", "Fischer", "Moreau", "Ahmed", "Larsen", "Costa",
    "Murphy",
];

pub(crate) fn weighted_country(rng: &mut Rng) -> usize {
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

pub(crate) fn tech_index(slug: &str) -> Option<usize> {
    TECHS.iter().position(|t| t.slug == slug)
}
