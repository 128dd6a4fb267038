//! `theirstack saved-searches`: list, show, create, change and archive the saved searches
//! webhooks listen to.

#[allow(unused_imports)] // Used only when the document has the operations.
use super::read_body;
use crate::output::emit_response;
use crate::{Failure, Global, Outcome};
use clap::{Subcommand, ValueEnum};
use serde_json::Value;
use std::path::PathBuf;
use theirstack::Client;
#[allow(unused_imports)]
use theirstack::types;

#[derive(Debug, Subcommand)]
pub enum SavedSearchesCommand {
    /// List saved searches.
    #[cfg(theirstack_has = "op:get_saved_searches_v0")]
    List,
    /// Show one saved search.
    #[cfg(theirstack_has = "op:get_saved_searches_by_id_v0")]
    Get { id: i64 },
    /// Save a search from a JSON body (`name`, `type`, `body`, ...).
    #[cfg(theirstack_has = "op:post_saved_searches_v0")]
    Create {
        /// The JSON body, from a file or `-` for stdin.
        file: PathBuf,
    },
    /// Change a saved search: only what is given is sent.
    #[cfg(theirstack_has = "op:patch_saved_searches_by_id_v0")]
    Update {
        id: i64,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// Email alerts on or off.
        #[arg(long, value_name = "BOOL")]
        alerts: Option<bool>,
        /// Email alert cadence.
        #[arg(long, value_enum)]
        frequency: Option<Frequency>,
        /// Email address receiving the alerts (repeatable; replaces the list).
        #[arg(long = "email", value_name = "ADDRESS")]
        emails: Vec<String>,
        /// A JSON body (`name`, `type`, `body` with the new filters, ...), from a file or `-`;
        /// flags override its fields.
        #[arg(long, value_name = "FILE|-")]
        file: Option<PathBuf>,
    },
    /// Archive a saved search.
    #[cfg(theirstack_has = "op:patch_saved_searches_archive_v0")]
    Archive { id: i64 },
}

/// Email alert cadences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Frequency {
    Daily,
    Weekly,
}

pub async fn run(client: &Client, global: &Global, command: SavedSearchesCommand) -> Outcome {
    use SavedSearchesCommand as Ss;
    match command {
        #[cfg(theirstack_has = "op:get_saved_searches_v0")]
        Ss::List => emit_response(
            global,
            "get_saved_searches_v0",
            client.get_saved_searches_v0().send().await?,
        ),
        #[cfg(theirstack_has = "op:get_saved_searches_by_id_v0")]
        Ss::Get { id } => emit_response(
            global,
            "get_saved_searches_by_id_v0",
            client
                .get_saved_searches_by_id_v0()
                .search_id(id)
                .send()
                .await?,
        ),
        #[cfg(theirstack_has = "op:post_saved_searches_v0")]
        Ss::Create { file } => {
            let body: types::SavedSearchCreate =
                read_body(&file, "SavedSearchCreate").map_err(Failure::Usage)?;
            emit_response(
                global,
                "post_saved_searches_v0",
                client.post_saved_searches_v0().body(body).send().await?,
            )
        }
        #[cfg(theirstack_has = "op:patch_saved_searches_by_id_v0")]
        Ss::Update {
            id,
            name,
            alerts,
            frequency,
            emails,
            file,
        } => {
            let mut body = match &file {
                Some(path) => {
                    read_body::<Value>(path, "SavedSearchUpdate").map_err(Failure::Usage)?
                }
                None => Value::Object(Default::default()),
            };
            let Some(fields) = body.as_object_mut() else {
                return Err(Failure::Usage(
                    "the update body must be a JSON object".into(),
                ));
            };
            if let Some(name) = name {
                fields.insert("name".into(), name.into());
            }
            if let Some(on) = alerts {
                fields.insert("is_alert_active".into(), on.into());
            }
            if let Some(frequency) = frequency {
                let frequency = match frequency {
                    Frequency::Daily => "daily",
                    Frequency::Weekly => "weekly",
                };
                fields.insert("frequency".into(), frequency.into());
            }
            if !emails.is_empty() {
                fields.insert("emails_subscribed".into(), emails.into());
            }
            if fields.is_empty() {
                return Err(Failure::Usage(
                    "nothing to change: give --name, --alerts, --frequency, --email or --file"
                        .into(),
                ));
            }
            // The fields come from flags and the file alike: the error names the field.
            let body: types::SavedSearchUpdate =
                serde_path_to_error::deserialize(body).map_err(|e| {
                    Failure::Usage(format!("invalid update at {}: {}", e.path(), e.inner()))
                })?;
            emit_response(
                global,
                "patch_saved_searches_by_id_v0",
                client
                    .patch_saved_searches_by_id_v0()
                    .search_id(id)
                    .body(body)
                    .send()
                    .await?,
            )
        }
        #[cfg(theirstack_has = "op:patch_saved_searches_archive_v0")]
        Ss::Archive { id } => emit_response(
            global,
            "patch_saved_searches_archive_v0",
            client
                .patch_saved_searches_archive_v0()
                .search_id(id)
                .send()
                .await?,
        ),
    }
}
