//! The `theirstack` command line, built on the crate's public API only: the entry point, the
//! global options, the dispatch to each command group (`commands/`), and the exit codes.
//!
//! Rule: a pull never spends credits the user did not agree to: it is capped by
//! `--max-results` / `--max-credits`, and one that could spend more than 1,000 credits runs the
//! free count first and asks (or, when not interactive, refuses with exit code 4). Errors are one
//! line on stderr and never contain the key (nor a webhook secret or a database password).
//! Exit codes: 0 success; 2 bad usage or input; 3 unauthorized; 4 insufficient credits or credit
//! cap reached before the request; 5 still rate limited after retries; 6 the sync is locked by
//! another run; 1 anything else.

#[cfg(any(
    theirstack_has = "op:technographics_v1",
    theirstack_has = "op:buying_intents_v1"
))]
mod bulk;
mod commands;
mod guard;
mod output;
mod pull;
mod spec;

use clap::{Args, Parser};
use commands::Command;
use output::Format;
use std::io;
use std::process::ExitCode;
use theirstack::pagination::LookAhead;
use theirstack::{Client, ErrorKind};

/// Pull jobs, companies and technographics from TheirStack, and manage webhooks.
///
/// Every pull is capped and counted: see --max-results, --max-credits and --yes.
#[derive(Debug, Parser)]
#[command(
    name = "theirstack",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes, listed under their own heading in every command's help.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
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
    /// Requests in flight at once while paging: `auto`, the depth that keeps the rate limit busy
    /// at the latency measured so far (at most 8; one at a time until a response has come back),
    /// or a number from 1 to 8. Every request still waits for its slot under the rate limit.
    #[arg(long, global = true, value_name = "auto|N", default_value = "auto", value_parser = parse_look_ahead)]
    pub look_ahead: LookAhead,
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

const EXIT_CODES: &str = "\
Exit codes: 0 success; 1 anything else (a network or database error, a failed lookup); 2 bad \
usage or input (also: a sync's filters changed without --reset); 3 unauthorized; 4 insufficient \
credits, or the credit guard refused; 5 still rate limited after retries; 6 the sync is locked \
by another run (without --wait).";

/// A `--look-ahead` value: `auto` or a number of requests from 1 to the deepest `auto` goes.
fn parse_look_ahead(value: &str) -> Result<LookAhead, String> {
    if value.eq_ignore_ascii_case("auto") {
        return Ok(LookAhead::Auto);
    }
    match value.parse::<usize>() {
        Ok(n) if (1..=LookAhead::AUTO_MAX).contains(&n) => Ok(LookAhead::Fixed(n)),
        _ => Err(format!(
            "expected `auto` or a number from 1 to {}",
            LookAhead::AUTO_MAX
        )),
    }
}

/// Why the command failed, and its exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or input (2).
    Usage(String),
    /// The credit guard refused, or the cap allows nothing (4).
    Credits(String),
    /// The API or transport failed.
    Api(theirstack::Error),
    /// Some of many independent steps failed, each already reported (1).
    Incomplete(String),
    /// Writing the output failed (1).
    Io(io::Error),
    /// A sync, a status query or the webhook receiver failed (see [`sync_exit_code`]).
    Sync(theirstack_sync::SyncError),
}

/// The exit code of an API failure.
fn api_exit_code(e: &theirstack::Error) -> u8 {
    match e.kind() {
        ErrorKind::InvalidInput | ErrorKind::InvalidRequest => 2,
        ErrorKind::Unauthorized => 3,
        ErrorKind::InsufficientCredits => 4,
        ErrorKind::RateLimited => 5,
        _ => 1,
    }
}

/// The exit code of a sync failure: 2 bad input or changed filters, 6 locked by another run, the
/// API's codes, 1 for the database and the rest.
fn sync_exit_code(e: &theirstack_sync::SyncError) -> u8 {
    use theirstack_sync::SyncError as E;
    match e {
        E::InvalidInput(_) | E::FiltersChanged { .. } => 2,
        E::Locked { .. } => 6,
        E::Api(e) => api_exit_code(e),
        _ => 1,
    }
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Credits(_) => 4,
            Failure::Io(_) | Failure::Incomplete(_) => 1,
            Failure::Api(e) => api_exit_code(e),
            Failure::Sync(e) => sync_exit_code(e),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Credits(m) | Failure::Incomplete(m) => f.write_str(m),
            Failure::Api(e) => write!(f, "{e}"),
            Failure::Io(e) => write!(f, "cannot write output: {e}"),
            Failure::Sync(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Failure {
    /// The cause of the message `Display` writes (not the error `Display` already shows).
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Failure::Usage(_) | Failure::Credits(_) | Failure::Incomplete(_) => None,
            Failure::Api(e) => e.source(),
            Failure::Io(e) => e.source(),
            Failure::Sync(e) => e.source(),
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

impl From<theirstack_sync::SyncError> for Failure {
    fn from(e: theirstack_sync::SyncError) -> Self {
        Failure::Sync(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

/// What a command returns.
pub type Outcome = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let key = cli.global.api_key.clone();
    let secrets = secrets_of(&cli);
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
            let mut line = error_line(&failure, key.as_deref());
            for secret in &secrets {
                line = line.replace(secret.as_str(), "<redacted>");
            }
            eprintln!("error: {line}");
            ExitCode::from(failure.exit_code())
        }
    }
}

/// What besides the key must never be printed: webhook secrets, database passwords.
fn secrets_of(cli: &Cli) -> Vec<String> {
    use commands::sync::{SyncCommand, url_password};
    use commands::webhooks::WebhooksCommand;
    let (secrets, db) = match &cli.command {
        Command::Webhooks(WebhooksCommand::Serve(args)) => (args.secrets(), Some(&args.db.db)),
        Command::Webhooks(WebhooksCommand::Verify { secret, .. }) => (vec![secret.clone()], None),
        Command::Sync(SyncCommand::Jobs(args)) => (Vec::new(), Some(&args.db.db)),
        Command::Sync(SyncCommand::Status(args)) => (Vec::new(), Some(&args.db.db)),
        _ => (Vec::new(), None),
    };
    let password = db.and_then(|db| url_password(db)).map(str::to_owned);
    // As for the key: a string of a few characters would match ordinary words.
    secrets
        .into_iter()
        .chain(password)
        .filter(|s| s.len() >= 4)
        .collect()
}

/// An error (a failure) and its chain of causes (`source()`), on one line: each cause that does
/// not already appear in the line is appended after `: `. The key is never in it.
pub fn error_line(error: &(dyn std::error::Error + 'static), key: Option<&str>) -> String {
    let mut line = one_line(&error.to_string());
    let mut cause = error.source();
    while let Some(error) = cause {
        let text = one_line(&error.to_string());
        // The library's message for a decode error is serde's without its position.
        let core = match text.rsplit_once(" at line ") {
            Some((head, _)) => head,
            None => &text,
        };
        if !core.is_empty() && !line.contains(core) {
            line.push_str(": ");
            line.push_str(&text);
        }
        cause = error.source();
    }
    // The library never puts the key in an error; a cause from elsewhere might echo it. (A
    // string of a few characters would match ordinary words; no real key is that short.)
    match key {
        Some(key) if key.len() >= 8 => line.replace(key, "<redacted>"),
        _ => line,
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn run(cli: Cli) -> Outcome {
    let Cli { global, command } = cli;
    if let Command::Sandbox(args) = &command {
        return commands::sandbox::serve(args).await;
    }
    if let Command::Webhooks(commands::webhooks::WebhooksCommand::Verify {
        secret,
        signature,
        file,
    }) = &command
    {
        return commands::webhooks::verify_delivery(&global, secret, signature.as_deref(), file);
    }
    if let Command::Webhooks(commands::webhooks::WebhooksCommand::Serve(args)) = &command {
        return commands::webhooks_serve::serve(args).await;
    }
    if let Command::Sync(commands::sync::SyncCommand::Status(args)) = &command {
        return commands::sync::status(&global, args).await;
    }
    if let Command::Api(args) = &command {
        // Checked against the document before connecting: the list, or a typo, needs no key.
        let Some(prepared) = commands::api::check(&global, args)? else {
            return commands::api::list(&global);
        };
        let (client, _sandbox) = connect(&global).await?;
        return commands::api::send(&client, &global, prepared).await;
    }
    let (client, _sandbox) = connect(&global).await?;
    dispatch(&client, &global, command).await
}

/// The client the command talks to, and the in-process sandbox behind it when `--sandbox`.
async fn connect(global: &Global) -> Result<(Client, Option<commands::sandbox::Guard>), Failure> {
    if global.sandbox {
        let (client, guard) = commands::sandbox::start().await?;
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

async fn dispatch(client: &Client, global: &Global, command: Command) -> Outcome {
    use commands::*;
    match command {
        Command::Jobs(c) => jobs::run(client, global, c).await,
        Command::Companies(c) => companies::run(client, global, c).await,
        #[cfg(theirstack_has = "op:technographics_v1")]
        Command::Technographics(a) => technographics::run(client, global, a).await,
        #[cfg(theirstack_has = "op:buying_intents_v1")]
        Command::BuyingIntents(a) => buying_intents::run(client, global, a).await,
        Command::Credits(c) => credits::run(client, global, c).await,
        Command::Webhooks(c) => webhooks::run(client, global, c).await,
        Command::Sync(sync::SyncCommand::Jobs(a)) => sync::jobs(client, global, a).await,
        Command::Sync(sync::SyncCommand::Status(_)) => unreachable_command(),
        Command::Catalog(c) => catalog::run(client, global, c).await,
        Command::SavedSearches(c) => saved_searches::run(client, global, c).await,
        Command::CompanyLists(c) => company_lists::run(client, global, c).await,
        #[cfg(any(
            theirstack_has = "op:get_datasets_v1",
            theirstack_has = "op:post_datasets_credentials_v1"
        ))]
        Command::Datasets(c) => datasets::run(client, global, c).await,
        Command::Api(_) | Command::Sandbox(_) => unreachable_command(),
    }
}

/// For the commands `run` handles before connecting.
pub fn unreachable_command() -> Outcome {
    Err(Failure::Usage(
        "this command is handled before connecting".into(),
    ))
}
