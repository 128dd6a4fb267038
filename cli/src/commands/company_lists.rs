//! `theirstack company-lists`: list, show and create company lists, and page their companies.

use crate::output::emit_response;
use crate::pull::{configure, pull};
use crate::{Failure, Global, Outcome};
use clap::Subcommand;
use theirstack::Client;
use theirstack::types;

#[derive(Debug, Subcommand)]
pub enum CompanyListsCommand {
    /// List company lists.
    List,
    /// Show one company list.
    Get { id: i64 },
    /// Create a company list.
    Create {
        /// The list's name.
        #[arg(long)]
        name: String,
    },
    /// The companies of a list.
    Companies { id: i64 },
}

pub async fn run(client: &Client, global: &Global, command: CompanyListsCommand) -> Outcome {
    use CompanyListsCommand as Cl;
    match command {
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
    }
}
