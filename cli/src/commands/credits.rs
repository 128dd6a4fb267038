//! `theirstack credits`: the account's API credit balance, its consumption per day, and how
//! many requests the team made per day.

use super::PeriodArgs;
use crate::output::emit_response;
use crate::{Global, Outcome};
use clap::{Subcommand, ValueEnum};
use theirstack::Client;

#[derive(Debug, Subcommand)]
pub enum CreditsCommand {
    /// Credits available and used this billing cycle.
    #[cfg(theirstack_has = "op:get_billing_credit_balance_v0")]
    Balance,
    /// Credits consumed per day.
    #[cfg(theirstack_has = "op:get_teams_credits_consumption_v0")]
    Consumption(PeriodArgs),
    /// Requests the team made per day.
    #[cfg(theirstack_has = "op:get_requests_count_v0")]
    Requests {
        #[command(flatten)]
        period: PeriodArgs,
        /// Only requests from the web app, or only from the API (default: both).
        #[arg(long, value_enum)]
        origin: Option<Origin>,
    },
}

/// Where requests came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Origin {
    App,
    Api,
}

pub async fn run(client: &Client, global: &Global, command: CreditsCommand) -> Outcome {
    match command {
        #[cfg(theirstack_has = "op:get_billing_credit_balance_v0")]
        CreditsCommand::Balance => emit_response(
            global,
            "get_billing_credit_balance_v0",
            client.get_billing_credit_balance_v0().send().await?,
        ),
        #[cfg(theirstack_has = "op:get_teams_credits_consumption_v0")]
        CreditsCommand::Consumption(p) => {
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
            emit_response(
                global,
                "get_teams_credits_consumption_v0",
                call.send().await?,
            )
        }
        #[cfg(theirstack_has = "op:get_requests_count_v0")]
        CreditsCommand::Requests { period, origin } => {
            let mut call = client.get_requests_count_v0();
            if let Some(start) = period.start {
                call = call.start_datetime(start);
            }
            if let Some(end) = period.end {
                call = call.end_datetime(end);
            }
            if let Some(tz) = period.timezone {
                call = call.timezone(tz);
            }
            if let Some(origin) = origin {
                call = call.is_origin_app(origin == Origin::App);
            }
            emit_response(global, "get_requests_count_v0", call.send().await?)
        }
    }
}
