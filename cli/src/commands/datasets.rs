//! `theirstack datasets`: the bulk datasets offered to the team, and short-lived credentials to
//! download them.

use crate::output::emit_response;
use crate::{Global, Outcome};
use clap::Subcommand;
use theirstack::Client;

#[derive(Debug, Subcommand)]
pub enum DatasetsCommand {
    /// The datasets offered to the team and their download variants.
    #[cfg(theirstack_has = "op:get_datasets_v1")]
    List,
    /// Issue temporary S3-compatible credentials to download datasets (prints the secret key).
    #[cfg(theirstack_has = "op:post_datasets_credentials_v1")]
    Credentials,
}

pub async fn run(client: &Client, global: &Global, command: DatasetsCommand) -> Outcome {
    match command {
        #[cfg(theirstack_has = "op:get_datasets_v1")]
        DatasetsCommand::List => emit_response(
            global,
            "get_datasets_v1",
            client.get_datasets_v1().send().await?,
        ),
        #[cfg(theirstack_has = "op:post_datasets_credentials_v1")]
        DatasetsCommand::Credentials => emit_response(
            global,
            "post_datasets_credentials_v1",
            client.post_datasets_credentials_v1().send().await?,
        ),
    }
}
