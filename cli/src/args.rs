//! Command-line arguments, and how they become typed request bodies.
//!
//! Rule: a flag fills one documented field; `--filters FILE|-` reads a whole body, checked
//! against the typed body so an unknown key is refused by name; flags given alongside it win.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use theirstack::types::{
    self, CompanySearchFiltersInput, JobSearchFiltersInput, TechDetailsFilters,
};

/// Pull jobs, companies and technographics from TheirStack, and manage webhooks.
///
/// Every pull is capped and counted: see --max-results, --max-credits and --yes.
#[derive(Debug, Parser)]
#[command(
    name = "theirstack",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// API key (default: $THEIRSTACK_API_KEY).
    #[arg(
        long,
        global = true,
        env = "THEIRSTACK_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
    /// API base URL (default: $THEIRSTACK_BASE_URL, else https://api.theirstack.com).
    #[arg(long, global = true, env = "THEIRSTACK_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// Output format on stdout.
    #[arg(long, global = true, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// CSV columns to print, comma-separated (default: every top-level field of the first page).
    #[arg(long, global = true, value_delimiter = ',', value_name = "NAMES")]
    pub columns: Vec<String>,
    /// Stop after this many rows.
    #[arg(long, global = true, value_name = "N")]
    pub max_results: Option<u64>,
    /// Never spend more than this many API credits in this command.
    #[arg(long, global = true, value_name = "N")]
    pub max_credits: Option<u64>,
    /// Rows per request (at most 500).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=500))]
    pub page_size: Option<u64>,
    /// Requests in flight at once while paging.
    #[arg(long, global = true, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=8))]
    pub look_ahead: u64,
    /// Do not ask before a pull that could spend more than 1,000 credits.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Run against an offline sandbox started in this process (no key, no network).
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// No progress output on stderr.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON array (or object).
    Json,
    /// One JSON object per line, written as rows arrive.
    Ndjson,
    /// A header and one line per row; nested values as JSON text.
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Job search (1 credit per job).
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Company search (3 credits per company).
    #[command(subcommand)]
    Companies(CompaniesCommand),
    /// Technologies one company uses (3 credits per lookup).
    Technographics(TechArgs),
    /// API credit balance and consumption.
    #[command(subcommand)]
    Credits(CreditsCommand),
    /// Manage webhooks and their events.
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Catalog of technologies, industries and locations used in filters (free).
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Saved searches (webhooks listen to them).
    #[command(subcommand, name = "saved-searches")]
    SavedSearches(SavedSearchesCommand),
    /// Company lists.
    #[command(subcommand, name = "company-lists")]
    CompanyLists(CompanyListsCommand),
    /// Serve an offline TheirStack-compatible API with synthetic data.
    Sandbox(SandboxArgs),
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Pull matching jobs.
    Search(JobFilterArgs),
    /// Count matching jobs for free (preview mode).
    Count(JobFilterArgs),
}

#[derive(Debug, Subcommand)]
pub enum CompaniesCommand {
    /// Pull matching companies.
    Search(CompanyFilterArgs),
    /// Count matching companies for free (preview mode).
    Count(CompanyFilterArgs),
}

/// Job search filters.
#[derive(Debug, Args)]
pub struct JobFilterArgs {
    /// Job title words (any of; repeatable).
    #[arg(long = "title", value_name = "TEXT")]
    pub titles: Vec<String>,
    /// Exclude job titles with these words (repeatable).
    #[arg(long = "not-title", value_name = "TEXT")]
    pub not_titles: Vec<String>,
    /// Job country, ISO 3166 alpha-2 (any of; repeatable).
    #[arg(long = "country", value_name = "CODE")]
    pub countries: Vec<String>,
    /// Posted within this many days.
    #[arg(long, value_name = "DAYS")]
    pub max_age_days: Option<i64>,
    /// Company domain (any of; repeatable).
    #[arg(long = "company-domain", value_name = "DOMAIN")]
    pub company_domains: Vec<String>,
    /// Technology slug mentioned in the job (any of; repeatable).
    #[arg(long = "tech", value_name = "SLUG")]
    pub techs: Vec<String>,
    /// Remote jobs only.
    #[arg(long)]
    pub remote: bool,
    /// Seniority (any of; repeatable): c_level, staff, senior, junior, mid_level.
    #[arg(long = "seniority", value_name = "LEVEL")]
    pub seniorities: Vec<String>,
    /// Discovered by TheirStack on or after this date or UTC date-time.
    #[arg(long, value_name = "DATE")]
    pub discovered_after: Option<String>,
    /// Preview mode: blurred company data, no credits spent.
    #[arg(long)]
    pub preview: bool,
    /// A full JSON request body, from a file or `-` for stdin; flags override its fields.
    #[arg(long, value_name = "FILE|-")]
    pub filters: Option<PathBuf>,
}

/// Company search filters.
#[derive(Debug, Args)]
pub struct CompanyFilterArgs {
    /// Technology slug the company uses (any of; repeatable).
    #[arg(long = "tech", value_name = "SLUG")]
    pub techs: Vec<String>,
    /// Headquarters country, ISO 3166 alpha-2 (any of; repeatable).
    #[arg(long = "country", value_name = "CODE")]
    pub countries: Vec<String>,
    /// Company domain (any of; repeatable).
    #[arg(long = "domain", value_name = "DOMAIN")]
    pub domains: Vec<String>,
    /// Exact company name (any of; repeatable).
    #[arg(long = "name", value_name = "NAME")]
    pub names: Vec<String>,
    /// Industry id (any of; repeatable; see `catalog industries`).
    #[arg(long = "industry-id", value_name = "ID")]
    pub industry_ids: Vec<i64>,
    /// At least this many employees.
    #[arg(long, value_name = "N")]
    pub min_employees: Option<i64>,
    /// At most this many employees.
    #[arg(long, value_name = "N")]
    pub max_employees: Option<i64>,
    /// Companies hiring for job titles with these words (any of; repeatable).
    #[arg(long = "job-title", value_name = "TEXT")]
    pub job_titles: Vec<String>,
    /// Preview mode: blurred company data, no credits spent.
    #[arg(long)]
    pub preview: bool,
    /// A full JSON request body, from a file or `-` for stdin; flags override its fields.
    #[arg(long, value_name = "FILE|-")]
    pub filters: Option<PathBuf>,
}

/// Technographics lookup.
#[derive(Debug, Args)]
pub struct TechArgs {
    /// Company domain.
    #[arg(long, value_name = "DOMAIN")]
    pub company_domain: Option<String>,
    /// Company name.
    #[arg(long, value_name = "NAME")]
    pub company_name: Option<String>,
    /// Company LinkedIn URL.
    #[arg(long, value_name = "URL")]
    pub company_linkedin_url: Option<String>,
    /// TheirStack company id.
    #[arg(long, value_name = "ID")]
    pub company_id: Option<String>,
    /// Only these technology slugs (repeatable).
    #[arg(long = "tech", value_name = "SLUG")]
    pub techs: Vec<String>,
    /// Only these technology categories (repeatable).
    #[arg(long = "category", value_name = "SLUG")]
    pub categories: Vec<String>,
    /// A full JSON request body, from a file or `-` for stdin; flags override its fields.
    #[arg(long, value_name = "FILE|-")]
    pub filters: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CreditsCommand {
    /// Credits available and used this billing cycle.
    Balance,
    /// Credits consumed per day.
    Consumption(PeriodArgs),
}

/// A period of time.
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// Start (RFC 3339 or YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_name = "DATETIME")]
    pub start: Option<types::Timestamp>,
    /// End (RFC 3339 or YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_name = "DATETIME")]
    pub end: Option<types::Timestamp>,
    /// IANA time zone of the daily buckets.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// List webhooks (archived ones excluded).
    List,
    /// Show one webhook.
    Get { id: i64 },
    /// Create a webhook on a saved search.
    Create(WebhookFields),
    /// Replace a webhook's settings (URL and saved search are required).
    Update {
        id: i64,
        #[command(flatten)]
        fields: WebhookFields,
    },
    /// Start delivering (replays events missed while disabled).
    Enable { id: i64 },
    /// Stop delivering.
    Disable { id: i64 },
    /// Archive a webhook for good.
    Archive { id: i64 },
    /// List a webhook's events.
    Events {
        id: i64,
        /// Only events with this status: IN_PROGRESS, SUCCESS, FAILED, NOT_TRIGGERED.
        #[arg(long)]
        status: Option<String>,
    },
    /// Count events: of one webhook, or per day for all.
    EventsCount {
        /// One webhook's total.
        #[arg(long)]
        id: Option<i64>,
        #[command(flatten)]
        period: PeriodArgs,
        /// Group daily counts by `status` or `webhook_id`.
        #[arg(long, value_name = "FIELD")]
        group_by: Option<String>,
    },
    /// Deliver events again.
    Retry {
        /// Event ids.
        #[arg(required = true)]
        event_ids: Vec<i64>,
    },
    /// Send a test event to a URL or an existing webhook.
    Test {
        /// Destination URL (or the webhook's).
        #[arg(long)]
        url: Option<String>,
        /// `job_new` or `company_new`.
        #[arg(long)]
        event_type: Option<String>,
        /// Test this webhook.
        #[arg(long)]
        webhook_id: Option<i64>,
        /// Sign the test event with this secret.
        #[arg(long, value_name = "SECRET")]
        secret: Option<String>,
    },
    /// Check a saved delivery's signature and print the decoded event.
    Verify {
        /// The webhook's signing secret.
        #[arg(
            long,
            env = "THEIRSTACK_WEBHOOK_SECRET",
            hide_env_values = true,
            value_name = "SECRET"
        )]
        secret: String,
        /// The X-TheirStack-Signature-256 value (default: read from headers at the top of FILE).
        #[arg(long, value_name = "VALUE")]
        signature: Option<String>,
        /// The delivery body, or `-` for stdin.
        file: PathBuf,
    },
}

/// Webhook settings.
#[derive(Debug, Args)]
pub struct WebhookFields {
    /// Destination URL.
    #[arg(long)]
    pub url: String,
    /// Saved search to listen to.
    #[arg(long)]
    pub search_id: i64,
    /// Free text.
    #[arg(long)]
    pub description: Option<String>,
    /// Only events after this time (default: every past match too).
    #[arg(long, value_name = "DATETIME")]
    pub listening_start: Option<types::Timestamp>,
    /// One event per company instead of per job (`--once-per-company false` to turn it off).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub once_per_company: Option<bool>,
    /// Signing secret (at least 16 characters).
    #[arg(long, value_name = "SECRET")]
    pub secret: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Technologies, by name or slug.
    Technologies {
        /// Name pattern.
        #[arg(long)]
        name: Option<String>,
        /// Category slug.
        #[arg(long)]
        category: Option<String>,
    },
    /// Technology parent categories.
    Categories,
    /// Technology categories.
    Subcategories {
        /// Parent category slug.
        #[arg(long)]
        category: Option<String>,
    },
    /// Industries and their ids.
    Industries {
        /// Industry name.
        #[arg(long)]
        name: Option<String>,
    },
    /// Locations and their ids.
    Locations {
        /// Location name.
        #[arg(long)]
        name: Option<String>,
        /// Country, ISO 3166 alpha-2.
        #[arg(long)]
        country: Option<String>,
    },
    /// Jobs and companies per job country.
    JobCountries,
    /// Companies per headquarters country.
    CompanyCountries,
}

#[derive(Debug, Subcommand)]
pub enum SavedSearchesCommand {
    /// List saved searches.
    List,
    /// Show one saved search.
    Get { id: i64 },
    /// Save a search from a JSON body (`name`, `type`, `body`, ...).
    Create {
        /// The JSON body, from a file or `-` for stdin.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum CompanyListsCommand {
    /// List company lists.
    List,
    /// Show one company list.
    Get { id: i64 },
    /// Create a company list.
    Create {
        /// The list's name.
        #[arg(long)]
        name: String,
    },
    /// The companies of a list.
    Companies { id: i64 },
}

/// Sandbox options.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Seed of the synthetic data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// Reads a JSON body from a file or stdin (`-`) as `T`, the type of component `schema`. An
/// unknown key is refused with its path.
pub fn read_body<T: serde::de::DeserializeOwned>(
    path: &PathBuf,
    schema: &str,
) -> Result<T, String> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("cannot read stdin: {e}"))?
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    };
    let shown = path.display();
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("invalid JSON in {shown}: {e}"))?;
    // Checked against the document's closed objects at every depth, not only where the
    // generated type is closed.
    if let Some(key) = theirstack::document::unknown_field(schema, &value) {
        return Err(format!("invalid filters in {shown}: unknown field `{key}`"));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let at = e.path().to_string();
        let where_ = if at == "." {
            String::new()
        } else {
            format!(" at {at}")
        };
        format!("invalid filters in {shown}{where_}: {}", e.inner())
    })
}

impl JobFilterArgs {
    /// The request body these arguments describe.
    pub fn body(&self) -> Result<JobSearchFiltersInput, String> {
        let mut f: JobSearchFiltersInput = match &self.filters {
            Some(path) => read_body(path, "JobSearchFilters-Input")?,
            None => JobSearchFiltersInput::default(),
        };
        extend(&mut f.job_title_or, &self.titles);
        extend(&mut f.job_title_not, &self.not_titles);
        extend(
            &mut f.job_country_code_or,
            &self
                .countries
                .iter()
                .map(|c| c.to_ascii_uppercase())
                .collect::<Vec<_>>(),
        );
        extend(&mut f.company_domain_or, &self.company_domains);
        extend(&mut f.job_technology_slug_or, &self.techs);
        for level in &self.seniorities {
            let value = types::Seniority::from(level.as_str());
            if !value.is_known() {
                return Err(format!(
                    "unknown seniority `{level}`: expected one of {}",
                    types::Seniority::VALUES.join(", ")
                ));
            }
            f.job_seniority_or.push(value);
        }
        if self.max_age_days.is_some() {
            f.posted_at_max_age_days = self.max_age_days;
        }
        if self.remote {
            f.remote = Some(true);
        }
        if let Some(after) = &self.discovered_after {
            f.discovered_at_gte = Some(after.clone());
        }
        if self.preview {
            f.blur_company_data = Some(true);
        }
        Ok(f)
    }
}

impl CompanyFilterArgs {
    /// The request body these arguments describe.
    pub fn body(&self) -> Result<CompanySearchFiltersInput, String> {
        let mut f: CompanySearchFiltersInput = match &self.filters {
            Some(path) => read_body(path, "CompanySearchFilters-Input")?,
            None => CompanySearchFiltersInput::default(),
        };
        extend(&mut f.company_technology_slug_or, &self.techs);
        extend(
            &mut f.company_country_code_or,
            &self
                .countries
                .iter()
                .map(|c| c.to_ascii_uppercase())
                .collect::<Vec<_>>(),
        );
        extend(&mut f.company_domain_or, &self.domains);
        extend(&mut f.company_name_or, &self.names);
        extend(&mut f.industry_id_or, &self.industry_ids);
        if self.min_employees.is_some() {
            f.min_employee_count = self.min_employees;
        }
        if self.max_employees.is_some() {
            f.max_employee_count = self.max_employees;
        }
        if !self.job_titles.is_empty() {
            let mut jobs = f.job_filters.take().unwrap_or_default();
            extend(&mut jobs.job_title_or, &self.job_titles);
            f.job_filters = Some(jobs);
        }
        if self.preview {
            f.blur_company_data = Some(true);
        }
        Ok(f)
    }
}

impl TechArgs {
    /// The request body these arguments describe.
    pub fn body(&self) -> Result<TechDetailsFilters, String> {
        let mut f: TechDetailsFilters = match &self.filters {
            Some(path) => read_body(path, "TechDetailsFilters")?,
            None => TechDetailsFilters::default(),
        };
        for (field, value) in [
            (&mut f.company_domain, &self.company_domain),
            (&mut f.company_name, &self.company_name),
            (&mut f.company_linkedin_url, &self.company_linkedin_url),
            (&mut f.company_id, &self.company_id),
        ] {
            if value.is_some() {
                *field = value.clone();
            }
        }
        if f.company_domain.is_none()
            && f.company_name.is_none()
            && f.company_linkedin_url.is_none()
            && f.company_id.is_none()
        {
            return Err("name the company: --company-domain, --company-name, --company-linkedin-url or --company-id".into());
        }
        extend(&mut f.technology_slug_or, &self.techs);
        extend(&mut f.technology_category_slug_or, &self.categories);
        Ok(f)
    }
}

fn extend<T: Clone + PartialEq>(target: &mut Vec<T>, values: &[T]) {
    for v in values {
        if !target.contains(v) {
            target.push(v.clone());
        }
    }
}
