//! `theirstack credits`: the account's API credit balance and its consumption per day.

use super::PeriodArgs;
use crate::output::emit_response;
use crate::{Global, Outcome};
use clap::Subcommand;
use theirstack::Client;

#[derive(Debug, Subcommand)]
pub enum CreditsCommand {
    /// Credits available and used this billing cycle.
    Balance,
    /// Credits consumed per day.
    Consumption(PeriodArgs),
}

pub async fn run(client: &Client, global: &Global, command: CreditsCommand) -> Outcome {
    match command {
        CreditsCommand::Balance => {
            emit_response(global, client.get_billing_credit_balance_v0().send().await?)
        }
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
            emit_response(global, call.send().await?)
        }
    }
}
