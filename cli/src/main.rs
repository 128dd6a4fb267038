//! The `theirstack` command line, built on the crate's public API only.
//!
//! Rule: a pull never spends credits the user did not agree to: it is capped by
//! `--max-results` / `--max-credits`, and one that could spend more than 1,000 credits runs the
//! free count first and asks (or, when not interactive, refuses with exit code 4). Errors are one
//! line on stderr and never contain the key. Exit codes: 0 success; 2 bad usage or input;
//! 3 unauthorized; 4 insufficient credits or credit cap reached before the request; 5 still rate
//! limited after retries; 1 anything else.

mod args;
mod output;

use args::{Cli, Command, Global};
use clap::Parser;
use futures::{Stream, StreamExt};
use output::{Progress, RowWriter};
use serde_json::Value;
use std::io::{self, BufRead, IsTerminal, Write};
use std::pin::pin;
use std::process::ExitCode;
use theirstack::pagination::{
    CatalogIndustries, CatalogLocations, CatalogTechnologies, CompanyListCompanies, CompanySearch,
    Cost, Estimate, JobSearch, Page, Paginator, Source, Technographics, WebhookEvents,
};
use theirstack::types;
use theirstack::{Client, ErrorKind};

/// Credits a pull may spend without asking.
const UNASKED_CREDIT_LIMIT: u64 = 1_000;

/// Why the command failed, and its exit code.
#[derive(Debug)]
enum Failure {
    /// Bad usage or input (2).
    Usage(String),
    /// The credit guard refused, or the cap allows nothing (4).
    Credits(String),
    /// The API or transport failed.
    Api(theirstack::Error),
    /// Writing the output failed (1).
    Io(io::Error),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Credits(_) => 4,
            Failure::Io(_) => 1,
            Failure::Api(e) => match e.kind() {
                ErrorKind::InvalidInput | ErrorKind::InvalidRequest => 2,
                ErrorKind::Unauthorized => 3,
                ErrorKind::InsufficientCredits => 4,
                ErrorKind::RateLimited => 5,
                _ => 1,
            },
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Credits(m) => f.write_str(m),
            Failure::Api(e) => write!(f, "{e}"),
            Failure::Io(e) => write!(f, "cannot write output: {e}"),
        }
    }
}

impl From<theirstack::Error> for Failure {
    fn from(e: theirstack::Error) -> Self {
        Failure::Api(e)
    }
}

impl From<theirstack::OperationError> for Failure {
    fn from(e: theirstack::OperationError) -> Self {
        Failure::Api(e.into())
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

type Outcome = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed stdout (`| head`) is not an error.
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", one_line(&failure.to_string()));
            ExitCode::from(failure.exit_code())
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn run(cli: Cli) -> Outcome {
    let Cli { global, command } = cli;
    if let Command::Sandbox(args) = &command {
        return serve_sandbox(args).await;
    }
    if let Command::Webhooks(args::WebhooksCommand::Verify {
        secret,
        signature,
        file,
    }) = &command
    {
        return verify_delivery(&global, secret, signature.as_deref(), file);
    }
    let (client, _sandbox) = connect(&global).await?;
    dispatch(&client, &global, command).await
}

/// The client the command talks to, and the in-process sandbox behind it when `--sandbox`.
async fn connect(global: &Global) -> Result<(Client, Option<SandboxGuard>), Failure> {
    if global.sandbox {
        let (client, guard) = start_sandbox().await?;
        return Ok((client, Some(guard)));
    }
    let mut builder = Client::builder();
    if let Some(key) = &global.api_key {
        builder = builder.api_key(key);
    }
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url);
    }
    let client = builder.build().map_err(|e| match e.kind() {
        ErrorKind::InvalidInput => {
            Failure::Usage(format!("{} (or use --sandbox to try it offline)", e))
        }
        _ => Failure::Api(e),
    })?;
    Ok((client, None))
}

type SandboxGuard = theirstack_sandbox::Sandbox;

async fn start_sandbox() -> Result<(Client, SandboxGuard), Failure> {
    let sandbox = theirstack_sandbox::Sandbox::start(theirstack_sandbox::SandboxConfig::default())
        .await
        .map_err(|e| Failure::Io(io::Error::other(format!("cannot start the sandbox: {e}"))))?;
    Ok((sandbox.client()?, sandbox))
}

async fn serve_sandbox(args: &args::SandboxArgs) -> Outcome {
    let config = theirstack_sandbox::SandboxConfig::default()
        .port(args.port)
        .seed(args.seed);
    let sandbox = theirstack_sandbox::Sandbox::start(config)
        .await
        .map_err(|e| Failure::Io(io::Error::other(format!("cannot start the sandbox: {e}"))))?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "TheirStack sandbox listening on {}",
        sandbox.base_url()
    )?;
    writeln!(out, "export THEIRSTACK_BASE_URL={}", sandbox.base_url())?;
    writeln!(out, "export THEIRSTACK_API_KEY={}", sandbox.api_key())?;
    out.flush()?;
    drop(out);
    sandbox.run_until_ctrl_c().await?;
    Ok(())
}

async fn dispatch(client: &Client, global: &Global, command: Command) -> Outcome {
    use args::{
        CatalogCommand as Cat, CompaniesCommand as Co, CompanyListsCommand as Cl,
        CreditsCommand as Cr,
    };
    use args::{JobsCommand as Jobs, SavedSearchesCommand as Ss};
    match command {
        Command::Jobs(Jobs::Search(a)) => {
            let filters = a.body().map_err(Failure::Usage)?;
            require_job_filter(&filters)?;
            pull(configure(client.job_search(filters), global), global).await
        }
        Command::Jobs(Jobs::Count(a)) => {
            let filters = a.body().map_err(Failure::Usage)?;
            require_job_filter(&filters)?;
            let count = client.count_jobs(&filters).await?;
            emit(global, &serde_json::json!({ "total_results": count }))
        }
        Command::Companies(Co::Search(a)) => {
            let filters = a.body().map_err(Failure::Usage)?;
            pull(configure(client.company_search(filters), global), global).await
        }
        Command::Companies(Co::Count(a)) => {
            let filters = a.body().map_err(Failure::Usage)?;
            let count = client.count_companies(&filters).await?;
            emit(global, &serde_json::json!({ "total_results": count }))
        }
        Command::Technographics(a) => {
            let mut filters = a.body().map_err(Failure::Usage)?;
            // The guard prices the lookup from the total its first page tells.
            filters.include_total_results = Some(true);
            pull(configure(client.technographics(filters), global), global).await
        }
        Command::Credits(Cr::Balance) => {
            emit_response(global, client.get_billing_credit_balance_v0().send().await?)
        }
        Command::Credits(Cr::Consumption(p)) => {
            let mut call = client.get_teams_credits_consumption_v0();
            if let Some(start) = p.start {
                call = call.start_datetime(start);
            }
            if let Some(end) = p.end {
                call = call.end_datetime(end);
            }
            if let Some(tz) = p.timezone {
                call = call.timezone(tz);
            }
            emit_response(global, call.send().await?)
        }
        Command::Webhooks(w) => webhooks(client, global, w).await,
        Command::Catalog(c) => match c {
            Cat::Technologies { name, category } => {
                let mut filter = CatalogTechnologies::new();
                filter.name_pattern = name;
                filter.category_slug = category;
                pull(
                    configure(client.catalog_technologies(filter), global),
                    global,
                )
                .await
            }
            Cat::Categories => emit_response(global, client.list_categories_v1().send().await?),
            Cat::Subcategories { category } => {
                let mut call = client.list_subcategories_v1();
                if let Some(category) = category {
                    call = call.category_slug(category);
                }
                emit_response(global, call.send().await?)
            }
            Cat::Industries { name } => {
                let mut filter = CatalogIndustries::new();
                filter.industry = name;
                pull(configure(client.catalog_industries(filter), global), global).await
            }
            Cat::Locations { name, country } => {
                let mut filter = CatalogLocations::new();
                filter.name = name;
                filter.country_code = country;
                pull(configure(client.catalog_locations(filter), global), global).await
            }
            Cat::JobCountries => emit_response(
                global,
                client
                    .get_catalog_jobs_companies_per_job_country_code_v0()
                    .send()
                    .await?,
            ),
            Cat::CompanyCountries => emit_response(
                global,
                client
                    .get_catalog_companies_per_company_country_code_v0()
                    .send()
                    .await?,
            ),
        },
        Command::SavedSearches(s) => match s {
            Ss::List => emit_response(global, client.get_saved_searches_v0().send().await?),
            Ss::Get { id } => emit_response(
                global,
                client
                    .get_saved_searches_by_id_v0()
                    .search_id(id)
                    .send()
                    .await?,
            ),
            Ss::Create { file } => {
                let body: types::SavedSearchCreate =
                    args::read_body(&file, "SavedSearchCreate").map_err(Failure::Usage)?;
                emit_response(
                    global,
                    client.post_saved_searches_v0().body(body).send().await?,
                )
            }
        },
        Command::CompanyLists(l) => match l {
            Cl::List => emit_response(global, client.get_company_lists_v0().send().await?),
            Cl::Get { id } => emit_response(
                global,
                client
                    .get_company_lists_by_id_v0()
                    .list_id(id)
                    .send()
                    .await?,
            ),
            Cl::Create { name } => {
                let body: types::CompanyListCreate = types::CompanyListCreate::builder()
                    .name(name)
                    .try_into()
                    .map_err(|e| Failure::Usage(format!("{e}")))?;
                emit_response(
                    global,
                    client.post_company_lists_v0().body(body).send().await?,
                )
            }
            Cl::Companies { id } => {
                pull(configure(client.company_list_companies(id), global), global).await
            }
        },
        Command::Sandbox(_) => unreachable_command(),
    }
}

fn unreachable_command() -> Outcome {
    Err(Failure::Usage(
        "this command is handled before connecting".into(),
    ))
}

/// Job search needs one of the filters TheirStack requires; say so before spending a request.
fn require_job_filter(f: &types::JobSearchFiltersInput) -> Outcome {
    theirstack::filters::check_job_search(f).map_err(|e| {
        Failure::Usage(format!(
            "{e} (--max-age-days and --company-domain set two of them)"
        ))
    })
}

fn configure<S: Source>(mut pager: Paginator<S>, global: &Global) -> Paginator<S> {
    if let Some(size) = global.page_size {
        pager = pager.page_size(size);
    }
    if let Some(n) = global.max_results {
        pager = pager.max_items(n);
    }
    if let Some(n) = global.max_credits {
        pager = pager.max_credits(n);
    }
    pager.look_ahead(global.look_ahead as usize)
}

/// What a pull may cost, asked before it starts.
trait Guarded {
    /// The estimate: the free count where the endpoint has one, else the caps. `None` for a
    /// lookup, whose bound is known only once its first page has told the total: one lookup
    /// costs a few credits, so the guard asks after the first page instead.
    async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>>;
}

impl Guarded for Paginator<JobSearch> {
    async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>> {
        self.estimate().await.map(Some)
    }
}

impl Guarded for Paginator<CompanySearch> {
    async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>> {
        self.estimate().await.map(Some)
    }
}

impl Guarded for Paginator<Technographics> {
    async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>> {
        Ok(None)
    }
}

/// Free list endpoints: the guard never asks, so the caps are the estimate.
macro_rules! guarded_by_caps {
    ($($source:ty),*) => {$(
        impl Guarded for Paginator<$source> {
            async fn estimate_spend(&self) -> theirstack::Result<Option<Estimate>> {
                Ok(Some(self.estimate_from(None)))
            }
        }
    )*};
}

guarded_by_caps!(
    WebhookEvents,
    CatalogLocations,
    CatalogTechnologies,
    CatalogIndustries,
    CompanyListCompanies
);

/// Runs a paginated pull: credit guard, then rows to stdout as they arrive.
async fn pull<S>(pager: Paginator<S>, global: &Global) -> Outcome
where
    S: Source + Clone,
    S::Item: serde::Serialize,
    Paginator<S>: Guarded,
{
    let capped = pager.estimate_from(None);
    if pager.cost() != Cost::Free && capped.credits == Some(0) {
        return Err(Failure::Credits(
            "the caps allow no row: raise --max-results, or --max-credits to at least one row's price".into(),
        ));
    }
    let mut total = None;
    let may_overspend = capped.credits.is_none_or(|c| c > UNASKED_CREDIT_LIMIT);
    // A guard that can only judge once the first page has told the total.
    let mut after_first_page = None;
    if pager.cost() != Cost::Free && !global.yes && global.max_credits.is_none() && may_overspend {
        match pager.estimate_spend().await? {
            Some(estimate) => {
                total = estimate.rows;
                confirm_spend(&estimate)?;
            }
            None => after_first_page = Some(pager.clone()),
        }
    }
    let stdout = io::stdout().lock();
    let mut writer = RowWriter::new(
        io::BufWriter::new(stdout),
        global.format,
        global.columns.clone(),
    );
    let mut progress = Progress::new(global.quiet, total.or(capped.rows));
    let check = |page: &Page<S::Item>| match &after_first_page {
        Some(pager) => {
            let total = page
                .metadata
                .as_ref()
                .and_then(|m| m.total_results)
                .and_then(|t| u64::try_from(t).ok());
            confirm_spend(&pager.estimate_from(total))
        }
        None => Ok(()),
    };
    let result = write_pages(pager.pages(), &mut writer, &mut progress, check).await;
    progress.done();
    writer.finish()?;
    result
}

async fn write_pages<T: serde::Serialize>(
    pages: impl Stream<Item = theirstack::Result<Page<T>>>,
    writer: &mut RowWriter<impl Write>,
    progress: &mut Progress,
    first_page_check: impl FnOnce(&Page<T>) -> Outcome,
) -> Outcome {
    let mut pages = pin!(pages);
    let mut check = Some(first_page_check);
    while let Some(page) = pages.next().await {
        let page = page?;
        let rows: Vec<Value> = page
            .items
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()
            .map_err(io::Error::other)?;
        writer.write_page(&rows)?;
        progress.page(rows.len() as u64, page.credits);
        // The rows of the first page are paid for and printed; the next request waits for the
        // guard's answer.
        if let Some(check) = check.take() {
            check(&page)?;
        }
    }
    Ok(())
}

/// Asks on a terminal before a pull that may spend more than [`UNASKED_CREDIT_LIMIT`] credits;
/// refuses when not interactive.
fn confirm_spend(estimate: &Estimate) -> Outcome {
    let credits = match estimate.credits {
        Some(c) if c <= UNASKED_CREDIT_LIMIT => return Ok(()),
        Some(c) => format!("up to {c} credits"),
        None => "an unbounded number of credits".to_string(),
    };
    let matching = match estimate.matching {
        Some(m) => format!(" ({m} matching rows)"),
        None => String::new(),
    };
    let message = format!("this pull could spend {credits}{matching}");
    if io::stdin().is_terminal() && io::stderr().is_terminal() {
        eprint!("{message}. Continue? [y/N] ");
        let _ = io::stderr().flush();
        let mut answer = String::new();
        io::stdin().lock().read_line(&mut answer)?;
        if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
            return Ok(());
        }
        return Err(Failure::Credits("cancelled; nothing was spent".into()));
    }
    Err(Failure::Credits(format!(
        "{message}; not asking on a non-interactive terminal: rerun with --yes, or cap it with --max-results or --max-credits"
    )))
}

fn emit(global: &Global, value: &Value) -> Outcome {
    output::write_value(
        io::stdout().lock(),
        global.format,
        global.columns.clone(),
        value,
    )?;
    Ok(())
}

fn emit_response<T: serde::Serialize>(
    global: &Global,
    response: theirstack::ResponseValue<T>,
) -> Outcome {
    let value = serde_json::to_value(response.into_inner()).map_err(io::Error::other)?;
    emit(global, &value)
}

async fn webhooks(client: &Client, global: &Global, command: args::WebhooksCommand) -> Outcome {
    use args::WebhooksCommand as W;
    match command {
        W::List => emit_response(global, client.get_webhooks_v0().send().await?),
        W::Get { id } => emit_response(
            global,
            client.get_webhooks_by_id_v0().webhook_id(id).send().await?,
        ),
        W::Create(f) => {
            let body: types::WebhookCreate = webhook_body(f)?;
            emit_response(global, client.post_webhooks_v0().body(body).send().await?)
        }
        W::Update { id, fields } => {
            let body: types::WebhookUpdate = webhook_body(fields)?;
            emit_response(
                global,
                client
                    .patch_webhooks_by_id_v0()
                    .webhook_id(id)
                    .body(body)
                    .send()
                    .await?,
            )
        }
        W::Enable { id } | W::Disable { id } => {
            let active = matches!(command, W::Enable { .. });
            let body = types::WebhookStatusUpdate { is_active: active };
            emit_response(
                global,
                client
                    .patch_webhooks_status_v0()
                    .webhook_id(id)
                    .body(body)
                    .send()
                    .await?,
            )
        }
        W::Archive { id } => emit_response(
            global,
            client
                .patch_webhooks_archive_v0()
                .webhook_id(id)
                .send()
                .await?,
        ),
        W::Events { id, status } => {
            let mut pager = configure(client.webhook_events(id), global);
            if let Some(status) = status {
                let status = types::WebhookEventStatus::from(status.as_str());
                if !status.is_known() {
                    return Err(Failure::Usage(format!(
                        "unknown event status `{status}`: expected one of {}",
                        types::WebhookEventStatus::VALUES.join(", ")
                    )));
                }
                pager = pager.status(status);
            }
            pull(pager, global).await
        }
        W::EventsCount { id: Some(id), .. } => emit_response(
            global,
            client
                .get_webhooks_events_count_v0()
                .webhook_id(id)
                .send()
                .await?,
        ),
        W::EventsCount {
            id: None,
            period,
            group_by,
        } => {
            let mut call = client.get_webhooks_events_count_aggregated_v0();
            if let Some(start) = period.start {
                call = call.start_datetime(start);
            }
            if let Some(end) = period.end {
                call = call.end_datetime(end);
            }
            if let Some(tz) = period.timezone {
                call = call.timezone(tz);
            }
            if let Some(group) = group_by {
                let group = types::WebhookGroupBy::from(group.as_str());
                // A list (repeated in the query) since July 2026, one value before.
                #[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0?group_by[]")]
                let group = vec![group];
                call = call.group_by(group);
            }
            emit_response(global, call.send().await?)
        }
        W::Retry { event_ids } => {
            let body = types::WebhookEventRetryRequest {
                webhook_event_ids: event_ids,
            };
            emit_response(
                global,
                client
                    .post_webhooks_events_retry_v0()
                    .body(body)
                    .send()
                    .await?,
            )
        }
        W::Test {
            url,
            event_type,
            webhook_id,
            secret,
        } => {
            // Only the flags given are sent; the typed body checks them (and refuses a field
            // the document in use does not have).
            let mut body = serde_json::Map::new();
            for (key, value) in [
                ("url", url.map(Value::from)),
                ("event_type", event_type.map(Value::from)),
                ("webhook_id", webhook_id.map(Value::from)),
                ("secret", secret.map(Value::from)),
            ] {
                if let Some(value) = value {
                    body.insert(key.to_string(), value);
                }
            }
            let body: types::WebhookTest = typed_body(Value::Object(body))?;
            emit_response(
                global,
                client.post_webhooks_test_v0().body(body).send().await?,
            )
        }
        W::Verify { .. } => unreachable_command(),
    }
}

/// A webhook create or update body from the flags, checked by the typed body (URL length,
/// secret length). Flags left out are not sent.
fn webhook_body<T: serde::de::DeserializeOwned>(f: args::WebhookFields) -> Result<T, Failure> {
    let mut body = serde_json::json!({ "url": f.url, "search_id": f.search_id });
    if let Some(description) = f.description {
        body["description"] = description.into();
    }
    if let Some(start) = f.listening_start {
        body["listening_start_time"] = start.to_string().into();
    }
    if let Some(once) = f.once_per_company {
        body["trigger_once_per_company"] = once.into();
    }
    if let Some(secret) = f.secret {
        body["secret"] = secret.into();
    }
    typed_body(body)
}

/// Reads a JSON body built from flags into its typed form; an error names the flag.
fn typed_body<T: serde::de::DeserializeOwned>(body: Value) -> Result<T, Failure> {
    serde_path_to_error::deserialize(body).map_err(|e| match e.path().to_string().as_str() {
        "." => Failure::Usage(e.inner().to_string()),
        path => Failure::Usage(format!("--{}: {}", path.replace('_', "-"), e.inner())),
    })
}

/// `webhooks verify`: checks a saved delivery against its signature and prints it decoded.
fn verify_delivery(
    global: &Global,
    secret: &str,
    signature: Option<&str>,
    file: &std::path::Path,
) -> Outcome {
    use theirstack::webhooks::{Delivery, SIGNATURE_HEADER, Verifier};
    let raw = if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::Read::read_to_end(&mut io::stdin(), &mut buf)
            .map_err(|e| Failure::Usage(format!("cannot read stdin: {e}")))?;
        buf
    } else {
        std::fs::read(file)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?
    };
    // Without --signature, the file may start with the request's headers, then a blank line.
    let (header, body) = match signature {
        Some(s) => (Some(s.to_string()), raw.as_slice()),
        None => split_headers(&raw, SIGNATURE_HEADER),
    };
    let verifier = Verifier::new(secret).map_err(|e| Failure::Usage(format!("--secret: {e}")))?;
    let delivery = verifier
        .verify_and_decode(header.as_deref(), body)
        .map_err(|e| Failure::Usage(format!("delivery rejected: {e}")))?;
    let payload = match &delivery {
        Delivery::Other { raw, .. } => raw.get("payload").cloned().unwrap_or(Value::Null),
        other => match (other.job(), other.company()) {
            (Some(job), _) => serde_json::to_value(job).map_err(io::Error::other)?,
            (_, Some(company)) => serde_json::to_value(company).map_err(io::Error::other)?,
            _ => Value::Null,
        },
    };
    let value = serde_json::json!({ "id": delivery.id(), "type": delivery.event_type(), "payload": payload });
    emit(global, &value)
}

/// Splits `Name: value` header lines (up to a blank line) from a saved request, returning the
/// value of `wanted` and the body. A file that starts with `{` is all body.
fn split_headers<'a>(raw: &'a [u8], wanted: &str) -> (Option<String>, &'a [u8]) {
    let start = raw
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if raw.get(start) == Some(&b'{') {
        return (None, raw);
    }
    let blank = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    let Some((end, gap)) =
        blank.or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)))
    else {
        return (None, raw);
    };
    let head = String::from_utf8_lossy(&raw[..end]);
    let value = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case(wanted)
            .then(|| value.trim().to_string())
    });
    (value, &raw[end + gap..])
}
