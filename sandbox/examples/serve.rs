//! Serves a sandbox on `127.0.0.1` until ctrl-c (or SIGTERM), for tools that test it from
//! outside, such as `.ci/schemathesis.sh`:
//!
//! ```text
//! cargo run -p theirstack-sandbox --example serve -- [--port N] [--seed N] [--credits N] [--unlimited]
//! ```
//!
//! Prints one line, `<base url> <api key>`, once the server listens. `--unlimited` turns the
//! rate limits off.

use std::process::ExitCode;
use theirstack_sandbox::{Sandbox, SandboxConfig};

fn config(args: &[String]) -> Result<SandboxConfig, String> {
    let mut config = SandboxConfig::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        config = match arg.as_str() {
            "--port" => {
                let port = number("--port")?;
                config.port(u16::try_from(port).map_err(|_| "--port is at most 65535")?)
            }
            "--seed" => config.seed(number("--seed")?),
            "--credits" => config.api_credits(number("--credits")?),
            "--unlimited" => config.rate_limits(Vec::new()),
            other => return Err(format!("unknown argument `{other}`")),
        };
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match config(&args) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("serve: {e}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{} {}", sandbox.base_url(), sandbox.api_key());
    let stop = async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = tokio::signal::ctrl_c() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    };
    match sandbox.run_until(stop).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve: {e}");
            ExitCode::FAILURE
        }
    }
}
