//! `theirstack sandbox`, and `--sandbox`: an offline TheirStack-compatible API with synthetic
//! data, served until Ctrl-C or started in-process behind one command.

use crate::{Failure, Outcome};
use clap::Args;
use std::io::{self, Write};
use theirstack::Client;

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

/// The in-process sandbox behind `--sandbox`; it stops when dropped.
pub type Guard = theirstack_sandbox::Sandbox;

/// Starts an in-process sandbox and a client for it (`--sandbox`).
pub async fn start() -> Result<(Client, Guard), Failure> {
    let sandbox = theirstack_sandbox::Sandbox::start(theirstack_sandbox::SandboxConfig::default())
        .await
        .map_err(|e| Failure::Io(io::Error::other(format!("cannot start the sandbox: {e}"))))?;
    Ok((sandbox.client()?, sandbox))
}

/// `theirstack sandbox`: serves until Ctrl-C, after printing how to point a client at it.
pub async fn serve(args: &SandboxArgs) -> Outcome {
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
