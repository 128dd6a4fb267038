//! `theirstack-sandbox`: a local, deterministic, TheirStack-compatible API server, for testing
//! code that uses the `theirstack` client without a key or a network.
//!
//! Rule: the sandbox answers the documented operations the way TheirStack documents them, from
//! synthetic data fixed by a seed, on `127.0.0.1` only, with no key from TheirStack and no
//! network; responses are the generated [`theirstack::types`] serialized, request bodies are
//! checked against the document's schemas (types, `null` only where allowed, closed enums,
//! bounds, formats) and read into the generated types (unknown keys refused), and every failure
//! is the documented error envelope.
//!
//! ```no_run
//! use theirstack_sandbox::{Sandbox, SandboxConfig};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start(SandboxConfig::default().seed(7)).await?;
//! let client = sandbox.client()?;
//! let mut filters = theirstack::types::JobSearchFiltersInput::default();
//! filters.posted_at_max_age_days = Some(7);
//! filters.job_title_or = vec!["data engineer".into()];
//! let jobs = client.job_search(filters).max_items(50).collect_all().await?;
//! println!("{} jobs, {} credits left", jobs.len(), sandbox.credits_remaining());
//! sandbox.shutdown().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Operations
//!
//! All 47 operations of the crate's document, each compiled only when the document the crate
//! was built from has it (`#[cfg(theirstack_has = "op:<operationId>")]`):
//!
//! | Operation | Notes |
//! |---|---|
//! | `POST /v1/jobs/search` | needs one of `posted_at_max_age_days`, `posted_at_gte`, `posted_at_lte`, `company_domain_or`, `company_linkedin_url_or`, `company_name_or`; 1 credit per job |
//! | `POST /v1/companies/search` | 3 credits per company; `jobs_found` (≤ 5) with `job_filters`, `technologies_found` with `tech_filters` or `expand_technology_slugs` |
//! | `POST /v1/companies/technologies` | needs `company_domain`, `company_name`, `company_linkedin_url` or `company_id` (all given must match); 3 credits per lookup that returns rows; `limit` defaults to 25 |
//! | `POST /v1/companies/buying_intents` | the company's buying-intent topics (see [data](#data)), named and paged as technographics, 3 credits per lookup that returns rows, none when empty; rows are `TopicFound`, the topic under `technology` |
//! | `GET /v0/billing/credit-balance` | `api_credits` left and `used_api_credits` spent |
//! | `GET /v0/teams/credits_consumption`, `GET /v0/requests/count` | one bucket per UTC day of the window, zeros included (see [daily counts](#daily-counts)); the request count counts every request that passed the key check, and none for `is_origin_app=true` |
//! | `GET`, `POST /v0/saved_searches`; `GET`, `PATCH /v0/saved_searches/{id}`; `PATCH …/archive` | three saved searches exist from the start: 1 and 2 search jobs, 3 searches companies; the list takes `user_ids`, `types`, `order_by` (default `updated_at`) and `order_direction` (default `desc`); an update sets the fields it has (a new `type` needs a `body`); an archived search leaves the list, still answers by id and takes no new webhook; archiving answers `{"id", "status": "archived"}` |
//! | `GET`, `POST /v0/company_lists`; `GET`, `PATCH`, `DELETE /v0/company_lists/{id}`; `POST …/add_companies`, `…/remove_companies`, `…/duplicate`, `/v0/company_lists/add_companies`; `GET …/companies`, `…/companies/export` | in memory: list 1, "Revealed companies", holds three companies from the start and cannot be deleted (422); companies are named by `id`, unknown ones skipped; the companies page by `offset` or `page` with `limit` (default 25, both styles at once is a 422), sorted by `order_by`/`order_direction`, filtered by `company_name_partial`; an export answers a made-up `exports.sandbox.invalid` URL; delete and add-to-many answer `null`, an unknown list in add-to-many is a 404 that changes nothing |
//! | `GET /v0/catalog/locations`, `…/industries`, `…/technologies`, `…/jobs_companies_per_job_country_code`, `…/companies_per_company_country_code`; `GET /v1/catalog/technologies/categories`, `…/subcategories` | free, from the data: locations are the 14 countries (`PCLI`), their regions (`ADM1`) and cities (`PPL`, with the ids the jobs' `locations` carry), `limit` 1 to 100,000 (default 5) with `offset`; industries, technologies and the per-country counts page by `page` and `limit` (default 25) and count from the jobs and companies; text filters are case-insensitive substrings, an empty slug in `slugs` is a 422; `subcategory_slug` without `category_slug` is a 422, as TheirStack documents |
//! | `GET /v0/catalog/keywords`; `GET /v1/catalog/keywords/categories`, `…/subcategories` | free: the 54 technologies (`keyword_type: technology`) and the 32 buying-intent topics, with companies, jobs and companies found last week from the data; keywords filter by `keyword_type`, `keyword_type_not`, `slugs`/`slug`, the category slugs and patterns, `q` (name, type and categories; names starting with it first) and `starts_with` (`__other__`: not starting with A-Z), most companies first, paged by `page` and `limit` (default 25); categories and subcategories as for technologies, with both `number_of_keywords` and `number_of_technologies`, both `keywords` and `technologies` (TheirStack has not published which) |
//! | `GET /v1/datasets`; `POST /v1/datasets/credentials` | four dataset groups (jobs, companies, technologies, technographics) with a parquet and a CSV option each; credentials fixed by the seed, expiring in 7 days; all of it points at `*.sandbox.invalid` and opens nothing |
//! | `GET`, `POST /v0/webhooks`; `GET`, `PATCH /v0/webhooks/{id}`; `PATCH …/status`, `…/archive` | in memory; see [webhooks](#webhooks) |
//! | `GET /v0/webhooks/event-types` | `job_new` and `job_closed` for `search_type=jobs`, `company_new` for `companies`, all three without it |
//! | `GET /v0/webhooks/{id}/events`, `…/events/count`; `GET /v0/webhooks/events/count`; `POST /v0/webhooks/events/retry`, `/v0/webhooks/test` | see [webhooks](#webhooks) |
//!
//! Every operation needs `Authorization: Bearer <key>` with the configured key. Another path is a
//! 404 envelope, another method on a known path a 405 envelope whose `Allow` header names the
//! path's methods. Unknown query parameters are ignored, as TheirStack's server does; a known
//! one with an empty or malformed value is a 422.
//!
//! # Errors
//!
//! Every failure is `{"request_id": <n>, "error": {"code", "title", "description"}}`, with
//! request ids counting from 1. TheirStack does not publish which code goes with which status;
//! the sandbox uses:
//!
//! | Status | Code | Title | When |
//! |---|---|---|---|
//! | 401 | E-001 | Not allowed exception | key missing or wrong |
//! | 402 | E-002 | Insufficient credits exception | a chargeable page finds rows and no credit is left (technographics: fewer than 3) |
//! | 404 | E-003 | Not found exception | unknown path, or an id (in the path or the body) of no webhook, event, saved search or company list; ids past the 64-bit range name nothing |
//! | 405 | E-004 | Method not allowed exception | known path, other method |
//! | 422 | E-005 | Validation error | malformed body or parameter, a body that does not fit the document's schema, unknown key, missing required filter, `limit` above 500, `page` with `offset`, preview with company identifiers, unknown enum value |
//! | 422 | E-008 | Invalid country code exception | a `job_country_code_or`/`_not` or `company_country_code_or`/`_not` value (search body or `job_filters`) that is not two ASCII letters |
//! | 429 | E-006 | Too many requests exception | a rate-limit window is full |
//! | 500 | E-007 | Internal server error | a fault of the sandbox |
//!
//! # Daily counts
//!
//! The credit consumption, the request count and the aggregated webhook event count read
//! `start_datetime` and `end_datetime` as ISO 8601 date-times (default: the 30 days up to now;
//! an empty or malformed value is a 422). A start after the end answers `[]`; the two
//! zero-filled counts cover at most the last 400 days of a longer window. `timezone` is
//! accepted, and days stay UTC days.
//!
//! # Searches
//!
//! - **Order**: job search honours `order_by`, sort keys in priority order: `date_posted`,
//!   `discovered_at`, `salary` (the annual USD maximum, else minimum; jobs without one last in
//!   either direction), `job_title` and `company` (case-insensitive), `num_jobs` (the company's);
//!   `desc` defaults to true, and the job `id` breaks the remaining ties in the direction of the
//!   last key, so that pages are stable. Without `order_by` (the document's default): the
//!   `date_posted`, `discovered_at`, `id`, all descending. The other orders are fixed and their
//!   `order_by` ignored. Companies: matching jobs, best technology confidence, `num_jobs`,
//!   `employee_count` (all descending), then `id`. Technographics and buying intents:
//!   confidence, then jobs.
//! - **Paging**: a page starts at `offset`, or at `page × limit`; a body with both is a 422
//!   (TheirStack documents each style with its own fields and does not say which wins).
//!   `limit` is at most 500.
//!   `include_total_results` fills `total_results` and `total_companies`; without it they are
//!   absent.
//! - **Credits** are charged per row returned: 1 per job, 3 per company, 3 per technographics
//!   or buying-intents lookup that returns rows. When the balance cannot pay for the whole page, the rows it can
//!   pay for are returned and `truncated_results` (jobs) or `truncated_companies` (companies)
//!   counts the rows withheld; a page that finds rows when the balance is 0 is a 402.
//! - **Preview** (`blur_company_data: true`) costs nothing and replaces with [`BLUR_MASK`]: on
//!   jobs `description`, `url`, `final_url`, `source_url`, `company`, `company_domain` and, in
//!   `company_object`, `name`, `domain`, `linkedin_url`, `linkedin_id`, `url`, `long_description`,
//!   `seo_description`, `possible_domains`; on companies `name`, `logo`, `url`, `domain`,
//!   `long_description`, `seo_description`, `linkedin_url`, `publicly_traded_symbol`, `apollo_id`,
//!   `linkedin_id` (and the company name and URL of `jobs_found`); blurred objects have
//!   `has_blurred_data: true`. TheirStack documents preview as unavailable with company
//!   identifier filters without saying how it refuses: the sandbox answers 422 when
//!   `company_name_or`, `company_name_case_insensitive_or`, `company_domain_or`,
//!   `company_linkedin_url_or` or `company_id_or` is not empty.
//!
//! Filters the sandbox applies (others are accepted and ignored, notably every `*_pattern_*`
//! regex filter, `job_location_or`/`_not`, `url_domain_*`, `company_list_id_*`,
//! `job_export_key_or` and `cursor`):
//!
//! - job level (job search, and company search `job_filters`): `job_title_or`, `job_title_not`
//!   (case-insensitive whole words or phrases), `job_country_code_or`/`_not`,
//!   `posted_at_max_age_days`, `posted_at_gte`/`_lte`, `discovered_at_max_age_days`,
//!   `discovered_at_min_age_days`, `discovered_at_gte`/`_lte` (date or date-time; date-times
//!   at [`SandboxConfig::discovered_at_precision`]),
//!   `job_description_contains_or`/`_not`, `remote`, `easy_apply`, `job_id_or`, `job_ids`,
//!   `job_id_not`, `job_seniority_or`, `employment_statuses_or`, `min_salary_usd` (the job's
//!   minimum USD salary is at least it), `max_salary_usd` (the job's maximum is at most it; both
//!   drop jobs without a salary), `job_technology_slug_or`/`_and`/`_not` and their newer names
//!   `job_keyword_slug_or`/`_and`/`_not` (both count), `is_closed`, `closed_at_gte`/`_lte` (the
//!   day a job closed; see [`Sandbox::close_jobs`]), and for job search
//!   `property_exists_or`/`_and`;
//! - company level (job search and company search): `company_name_or` (exact),
//!   `company_name_case_insensitive_or`, `company_domain_or` (domains, URLs or e-mails),
//!   `company_linkedin_url_or` (URL or slug), `company_id_or` (these five are OR-ed together),
//!   `company_name_not`, `company_name_partial_match_or`/`_not`, `company_domain_not`,
//!   `company_country_code_or`/`_not`, `min_employee_count`/`max_employee_count` and their
//!   `_or_null` forms, `min_revenue_usd`/`max_revenue_usd`, `min_funding_usd`/`max_funding_usd`,
//!   `funding_stage_or`, `last_funding_round_date_gte`/`_lte`, `industry_id_or`/`_not`,
//!   `company_technology_slug_or`/`_and`/`_not`, `only_yc_companies`, `company_type`,
//!   `company_tags_or`, `company_investors_or`, `company_investors_partial_match_or`, and for
//!   company search `property_exists_or`/`_and`;
//! - technology level (company search `tech_filters`, technographics, buying intents):
//!   `technology_slug_or`, `technology_category_slug_or`, `technology_parent_category_slug_or`
//!   (and, in lookups, their newer names `keyword_slug_or`, `keyword_category_slug_or`,
//!   `keyword_parent_category_slug_or`; both count), `confidence_or`,
//!   `min_jobs`, `max_jobs`, `max_rank`, `min_relative_occurrence`, `first_date_found_gte`/`_lte`,
//!   `last_date_found_gte`/`_lte`.
//!
//! # Rate limits
//!
//! The configured windows (default: TheirStack's paid tier, 4 per second) are shared by the
//! searches (job search, company search, technographics and buying intents), as sliding windows
//! on [`tokio::time::Instant`] (so tests on tokio's paused clock control them). Each answer of those endpoints, 429 included, carries `RateLimit`,
//! `RateLimit-Policy`, `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`, one item
//! per window in the configured order; a refused request is not counted. Other endpoints are not
//! limited and send no rate-limit header; a 401 is answered before the limiter.
//!
//! # Webhooks
//!
//! A webhook created on a saved search gets, at once, one `IN_PROGRESS` event per record the
//! search matches (jobs discovered after `listening_start_time` when set; one per company with
//! `trigger_once_per_company`; at most [`SandboxConfig::webhook_events`], the most recent),
//! oldest first. Events are delivered only by a delivery run: [`Sandbox::deliver_pending`], or
//! every [`SandboxConfig::delivery_interval`] when set. A run POSTs each `IN_PROGRESS` event of
//! every active, unarchived webhook, one at a time in event order, as `{"id", "type",
//! "payload"}` (`job.new`, `job.closed` with the job's `closed_at`, or `company.new`), signed with the webhook's secret as
//! [`theirstack::webhooks::sign`] does in the [`X-TheirStack-Signature-256`](theirstack::webhooks::SIGNATURE_HEADER)
//! header when it has one, and records `SUCCESS` (2xx) or `FAILED` with the status and the first
//! 1,000 bytes of the answer. An event costs its record's price (1 credit per job, closed or
//! new, 3 per company)
//! on its first dispatch; without enough credits it becomes `NOT_TRIGGERED` and is not sent.
//! `POST /v0/webhooks/events/retry` puts the listed events back to `IN_PROGRESS` (an unknown id is
//! a 404) and answers `null`. `POST /v0/webhooks/test` sends one signed sample delivery at once
//! (event id 0: the most recent job, for `job_closed` the job closed last if any, or the first
//! company) and answers the receiver's status (0
//! when none came back), a message and the signature. Updating a webhook does not create events;
//! a missing `secret` in an update keeps the current one. Deliveries go only to loopback hosts
//! unless [`SandboxConfig::allow_remote_webhooks`] is set.
//!
//! `active_event_types` (where the document has it) lists the event types a webhook listens to:
//! `job_new` and `job_closed` on a jobs search, `company_new` on a companies search (another is
//! a 422); without it, the search's primary type (`event_type`). The initial events are made
//! only when the primary type is listened to. The list is stored and echoed in every webhook
//! answer (`null` when none was given), although the document's `Webhook` has no such field; an
//! update without it keeps it, `null` resets it.
//!
//! Jobs that arrive or close while the sandbox runs ([`Sandbox::add_jobs`],
//! [`Sandbox::close_jobs`]) become `IN_PROGRESS` events of each active, unarchived webhook on a
//! jobs search that listens to `job_new` (honouring `listening_start_time` and
//! `trigger_once_per_company`) or `job_closed`, when its saved search matches the job.
//!
//! # Testing a sync
//!
//! What a client that syncs incrementally needs to be tested against:
//!
//! - [`Sandbox::add_jobs`] adds jobs discovered at the sandbox clock, with ids above all before
//!   them, seen by the next request (a client paging by `discovered_at` ascending meets them on
//!   its last pages); [`Sandbox::close_jobs`] closes jobs.
//! - [`Sandbox::requests`] lists every request answered ([`LoggedRequest`]: method, path, query,
//!   JSON body, status, rows and their ids, credits charged), so a test can check what a second
//!   run asked for and paid; [`Sandbox::credits_used`] totals the credits.
//! - [`SandboxConfig::discovered_at_precision`] plays a server that compares `discovered_at_gte`
//!   at, say, whole seconds, so that a run starting at a watermark reads the jobs of the
//!   watermark's second again (and must leave them out with `job_id_not`).
//! - On tokio's paused clock, `tokio::time::advance` moves the sandbox clock.
//!
//! # Data
//!
//! [`SandboxConfig::jobs`] jobs (default 5,000) of [`SandboxConfig::companies`] companies
//! (default 500), drawn from the seed with `fastrand`: titles such as "Senior Data Engineer",
//! 14 countries, remote and hybrid flags, seniorities, employment statuses, salaries in local
//! currency and USD, technology slugs from a catalogue of 54, descriptions of a few hundred
//! bytes, locations, hiring teams and the embedded company; companies have firmographics, a
//! technology stack, technographics rows and 2 to 7 buying-intent topics from a catalogue of 32
//! (initiatives, activities, regulations, risks and concepts, in 13 categories under 5 parents),
//! each with mentions in some of the company's jobs and a seeded history; the topics come from a
//! second generator of the seed, so they changed no other record of a seed; jobs added later
//! come from a third, so that they too are fixed by the seed and the clock. Jobs were posted in
//! the 90 days before [`SandboxConfig::now`] (default 2026-03-01T12:00:00Z); the sandbox's clock
//! starts there and advances with [`tokio::time::Instant`]. Domains end in `.example`, other URLs in `.invalid`.

// Generated types are built with `Default::default()` and field assignment, with their builders
// or through serde, never with struct literals, so that a field a new document adds cannot break
// the build; clippy's suggestion to fold the assignments into a literal is the opposite rule.
#![allow(clippy::field_reassign_with_default)]
// Against a document without some of the operations, their helpers go unused.
#![cfg_attr(not(sandbox_all_operations), allow(dead_code, unused_imports))]

mod account;
mod catalogs;
#[cfg(sandbox_company_lists)]
mod company_lists;
mod config;
mod credits;
mod criteria;
mod data;
mod errors;
mod limits;
mod paging;
mod preview;
mod request;
mod request_log;
mod routes;
mod saved_searches;
mod searches;
mod state;
mod validate;
mod webhooks;

pub use config::{MAX_COMPANIES, MAX_JOBS, SandboxConfig};
pub use limits::RateLimitWindow;
pub use paging::MAX_LIMIT;
pub use preview::BLUR_MASK;
pub use request_log::LoggedRequest;
pub use webhooks::DeliveryReport;

use chrono::{DateTime, Utc};
use state::Shared;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex, RwLock};
use theirstack::{Client, ClientBuilder};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// A running sandbox. Dropping it stops the server; [`Sandbox::shutdown`] also waits for it.
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: String,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<io::Result<()>>>,
    deliverer: Option<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .field("config", &self.shared.config)
            .finish()
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("sandbox configuration: {message}"),
    )
}

impl Sandbox {
    /// Generates the data, binds `127.0.0.1:<port>` and serves in the background on the current
    /// tokio runtime. Fails on an invalid configuration (`InvalidInput`) or a port that cannot be
    /// bound.
    pub async fn start(config: SandboxConfig) -> io::Result<Sandbox> {
        config.check().map_err(invalid)?;
        let http = reqwest::Client::builder()
            .timeout(config.delivery_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(io::Error::other)?;
        let data = data::generate(config.seed, config.companies, config.jobs, config.now)
            .map_err(io::Error::other)?;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            api_key: config.api_key.clone(),
            ledger: Mutex::new(credits::Ledger::new(config.api_credits, config.ui_credits)),
            limiter: Mutex::new(limits::Limiter::new(&config.rate_limits)),
            webhooks: Mutex::new(webhooks::Store::new(config.now)),
            #[cfg(sandbox_company_lists)]
            company_lists: Mutex::new(company_lists::Store::new(config.now, data.companies.len())),
            requests: Mutex::new(std::collections::BTreeMap::new()),
            request_log: Mutex::new(std::collections::VecDeque::new()),
            data: RwLock::new(Arc::new(data)),
            http,
            started: Instant::now(),
            request_ids: AtomicI64::new(1),
            delivery: tokio::sync::Mutex::new(()),
            config,
        });
        let (stop, stopped) = watch::channel(false);
        let app = routes::router(shared.clone());
        let mut until = stopped.clone();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = until.wait_for(|stop| *stop).await;
                })
                .await
        });
        let deliverer = shared.config.delivery_interval.map(|every| {
            let shared = shared.clone();
            let mut until = stopped;
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tokio::select! {
                        _ = tick.tick() => {
                            webhooks::deliver_pending(&shared).await;
                        }
                        () = async { let _ = until.wait_for(|stop| *stop).await; } => break,
                    }
                }
            })
        });
        Ok(Sandbox {
            base_url: format!("http://{addr}"),
            shared,
            addr,
            stop,
            server: Some(server),
            deliverer,
        })
    }

    /// For `theirstack sandbox`: starts a sandbox and serves until ctrl-c. Prints nothing.
    pub async fn serve_forever(config: SandboxConfig) -> io::Result<()> {
        Sandbox::start(config).await?.run_until_ctrl_c().await
    }

    /// Serves until ctrl-c, then shuts down. Prints nothing.
    pub async fn run_until_ctrl_c(self) -> io::Result<()> {
        self.run_until(async {
            // Without a signal handler there is nothing to wait for but the server itself.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
    }

    /// Serves until `signal` completes (or the server stops on its own), then shuts down.
    pub async fn run_until(mut self, signal: impl Future<Output = ()>) -> io::Result<()> {
        let Some(mut server) = self.server.take() else {
            return Ok(());
        };
        tokio::select! {
            () = signal => {}
            done = &mut server => return flatten(done),
        }
        self.server = Some(server);
        self.shutdown().await
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The key clients must send.
    pub fn api_key(&self) -> &str {
        &self.shared.config.api_key
    }

    /// The address the sandbox listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The seed of the data.
    pub fn seed(&self) -> u64 {
        self.shared.config.seed
    }

    /// A client builder pointed at the sandbox with its key, over an HTTP client without
    /// timeouts or proxies (so it works on tokio's paused clock); add settings and build.
    pub fn client_builder(&self) -> ClientBuilder {
        let http = reqwest::Client::builder()
            .pool_idle_timeout(None)
            .no_proxy()
            .build();
        let builder = Client::builder()
            .api_key(self.api_key())
            .base_url(self.base_url());
        match http {
            Ok(http) => builder.http_client(http),
            Err(_) => builder,
        }
    }

    /// A client pointed at the sandbox with its key, otherwise with default settings.
    pub fn client(&self) -> theirstack::Result<Client> {
        self.client_builder().build()
    }

    /// API credits left.
    pub fn credits_remaining(&self) -> u64 {
        self.shared.ledger().remaining()
    }

    /// API credits spent since start.
    pub fn credits_used(&self) -> u64 {
        self.shared.ledger().used()
    }

    /// Sets the API credits left (what was spent stays recorded).
    pub fn set_credits(&self, api_credits: u64) {
        self.shared.ledger().set_remaining(api_credits);
    }

    /// The sandbox clock: [`SandboxConfig::now`] plus the time since start.
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.now()
    }

    /// Adds `n` synthetic jobs discovered now (at [`Sandbox::now`], to the microsecond), posted
    /// today, with ids above every id before them, drawn from the seed (the same seed and the same
    /// calls at the same clock give the same jobs); the next request sees them. Webhooks listening
    /// to `job_new` whose saved search matches one get an event for it. Returns the new ids, in
    /// the order added (increasing); none without companies.
    pub fn add_jobs(&self, n: usize) -> Vec<i64> {
        let now = self.shared.now();
        let added = self
            .shared
            .change_data(|data| data.add_jobs(n, now))
            .unwrap_or_default();
        webhooks::record_new_jobs(&self.shared, &added);
        let data = self.shared.data();
        added.iter().map(|&i| data.jobs[i].id).collect()
    }

    /// Closes the jobs with these ids now: they keep their place in searches, match
    /// `is_closed: true` and the `closed_at_*` filters, and webhooks listening to `job_closed`
    /// whose saved search matches one get a `job.closed` event for it, delivered with the job and
    /// its `closed_at`. Returns the ids that were open (unknown and closed ones are skipped).
    pub fn close_jobs(&self, ids: &[i64]) -> Vec<i64> {
        let now = self.shared.now();
        let closed = self.shared.change_data(|data| data.close_jobs(ids, now));
        webhooks::record_closed_jobs(&self.shared, &closed);
        let data = self.shared.data();
        closed.iter().map(|&i| data.jobs[i].id).collect()
    }

    /// The requests answered so far, oldest first (at most [`SandboxConfig::request_log`] of
    /// them): method, path, query, body, status, rows and credits of each.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        state::lock(&self.shared.request_log)
            .iter()
            .cloned()
            .collect()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        state::lock(&self.shared.request_log).clear();
    }

    /// Runs one webhook delivery (see the [module docs](self#webhooks)) and reports it. Runs never
    /// overlap.
    pub async fn deliver_pending(&self) -> DeliveryReport {
        webhooks::deliver_pending(&self.shared).await
    }

    /// Stops accepting connections, lets requests in progress finish and waits for the server.
    pub async fn shutdown(mut self) -> io::Result<()> {
        let _ = self.stop.send(true);
        if let Some(deliverer) = self.deliverer.take() {
            let _ = deliverer.await;
        }
        match self.server.take() {
            Some(server) => flatten(server.await),
            None => Ok(()),
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn flatten(done: Result<io::Result<()>, tokio::task::JoinError>) -> io::Result<()> {
    done.map_err(io::Error::other)?
}
