//! `theirstack webhooks serve`: receive signed TheirStack webhook deliveries into the database the
//! syncs write (the `theirstack-sync` receiver), on loopback unless told otherwise, until SIGINT
//! or SIGTERM. The secrets and the database password are never printed.

use super::sync::DbArg;
use crate::{Failure, Outcome};
use clap::Args;
use std::future::Future;
use std::io::{self, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use theirstack_sync::webhooks::{DEFAULT_LISTEN, ServeConfig, WebhookServer};

pub const SERVE_HELP: &str = "\
Each delivery's signature is checked against every secret (401 when none matches); then it is \
stored in one transaction keyed by its event id: job.new stores the job and its company, \
company.new the company, job.closed marks the job closed, a repeated event id changes nothing. \
The answer is 2xx only once the delivery is committed; 400 for a body that cannot be read, 413 \
for one over 1 MiB, 503 while the database is unavailable (TheirStack retries). GET /healthz \
says whether the database answers.

Prints `listening on http://ADDR` on stdout once it accepts deliveries; stops on Ctrl-C \
(SIGINT) or SIGTERM with exit code 0. Exit codes: 2 bad options (no secret, a secret under 16 \
characters); 1 the database cannot be opened or the address bound.";

/// `webhooks serve` options.
#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// A webhook signing secret; repeat it while rotating, so deliveries signed with the old or
    /// the new one are accepted (default: $THEIRSTACK_WEBHOOK_SECRET, one secret per line).
    #[arg(
        long = "secret",
        env = "THEIRSTACK_WEBHOOK_SECRET",
        hide_env_values = true,
        value_delimiter = '\n',
        value_name = "SECRET"
    )]
    pub secrets: Vec<String>,
    /// Address to listen on, HOST:PORT (port 0: any free port).
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_LISTEN, value_parser = parse_listen)]
    pub listen: SocketAddr,
}

/// Without the secrets.
impl std::fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeArgs")
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .field("listen", &self.listen)
            .finish_non_exhaustive()
    }
}

impl ServeArgs {
    /// The secrets given, without blank ones (a trailing newline in the environment variable).
    pub fn secrets(&self) -> Vec<String> {
        self.secrets
            .iter()
            .map(|s| s.trim_end_matches('\r'))
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// A `--listen` value: an IP address and port, or a host name that resolves.
fn parse_listen(value: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = value.parse() {
        return Ok(addr);
    }
    let mut resolved = value
        .to_socket_addrs()
        .map_err(|e| format!("expected HOST:PORT, such as 127.0.0.1:8787: {e}"))?;
    resolved
        .next()
        .ok_or_else(|| format!("`{value}` resolves to no address"))
}

/// `webhooks serve`: binds, prints the address, serves until SIGINT or SIGTERM.
pub async fn serve(args: &ServeArgs) -> Outcome {
    let secrets = args.secrets();
    if secrets.is_empty() {
        return Err(Failure::Usage(
            "webhooks serve needs the webhook's signing secret: --secret SECRET (repeat it while rotating), or $THEIRSTACK_WEBHOOK_SECRET".into(),
        ));
    }
    // Installed before the address is printed, so a signal sent once it is never kills the
    // process mid-delivery.
    let shutdown = shutdown_signal()?;
    let config = ServeConfig::new(args.db.db.clone(), secrets).listen(args.listen);
    let server = WebhookServer::bind(config).await?;
    let addr = server.local_addr()?;
    let mut out = io::stdout().lock();
    writeln!(out, "listening on http://{addr}")?;
    out.flush()?;
    drop(out);
    server.run(shutdown).await?;
    Ok(())
}

type Shutdown = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Completes on the first SIGINT or SIGTERM (Ctrl-C elsewhere).
fn shutdown_signal() -> io::Result<Shutdown> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(Box::pin(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        }))
    }
    #[cfg(not(unix))]
    {
        Ok(Box::pin(async {
            let _ = tokio::signal::ctrl_c().await;
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_and_secrets() {
        assert_eq!(
            parse_listen("127.0.0.1:0").unwrap(),
            "127.0.0.1:0".parse::<SocketAddr>().unwrap()
        );
        assert!(parse_listen("localhost:8787").unwrap().ip().is_loopback());
        assert!(parse_listen("nowhere").is_err());
        assert!(
            DEFAULT_LISTEN
                .parse::<SocketAddr>()
                .unwrap()
                .ip()
                .is_loopback()
        );
    }
}
