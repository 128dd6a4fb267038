//! `theirstack saved-searches`: list, show and create the saved searches webhooks listen to.

use super::read_body;
use crate::output::emit_response;
use crate::{Failure, Global, Outcome};
use clap::Subcommand;
use std::path::PathBuf;
use theirstack::Client;
use theirstack::types;

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

pub async fn run(client: &Client, global: &Global, command: SavedSearchesCommand) -> Outcome {
    use SavedSearchesCommand as Ss;
    match command {
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
                read_body(&file, "SavedSearchCreate").map_err(Failure::Usage)?;
            emit_response(
                global,
                client.post_saved_searches_v0().body(body).send().await?,
            )
        }
    }
}
