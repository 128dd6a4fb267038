//! `theirstack company-lists`: create, rename, duplicate, export and delete company lists, add
//! and remove their companies, and page the companies of a list.

use super::built;
use crate::output::{emit_response, emit_unspecified};
use crate::pull::{configure, pull};
use crate::{Failure, Global, Outcome};
use clap::{Subcommand, ValueEnum};
use theirstack::Client;
#[allow(unused_imports)] // Each body exists only when the document has its operation.
use theirstack::types;

#[derive(Debug, Subcommand)]
pub enum CompanyListsCommand {
    /// List company lists.
    #[cfg(theirstack_has = "op:get_company_lists_v0")]
    List,
    /// Show one company list.
    #[cfg(theirstack_has = "op:get_company_lists_by_id_v0")]
    Get { id: i64 },
    /// Create a company list.
    #[cfg(theirstack_has = "op:post_company_lists_v0")]
    Create {
        /// The list's name.
        #[arg(long)]
        name: String,
    },
    /// Give a company list a new name.
    #[cfg(theirstack_has = "op:patch_company_lists_by_id_v0")]
    #[command(visible_alias = "update")]
    Rename {
        id: i64,
        /// The new name.
        #[arg(long)]
        name: String,
    },
    /// Delete a company list.
    #[cfg(theirstack_has = "op:delete_company_lists_by_id_v0")]
    Delete { id: i64 },
    /// The companies of a list.
    #[cfg(theirstack_has = "op:get_company_lists_companies_v0")]
    Companies { id: i64 },
    /// Add companies to a list.
    #[cfg(theirstack_has = "op:post_company_lists_add_companies_v0")]
    Add {
        id: i64,
        /// Company id, as search results give it (repeatable).
        #[arg(long = "company-id", value_name = "ID", required = true)]
        company_ids: Vec<String>,
    },
    /// Take companies out of a list.
    #[cfg(theirstack_has = "op:post_company_lists_remove_companies_v0")]
    Remove {
        id: i64,
        /// Company id (repeatable).
        #[arg(long = "company-id", value_name = "ID", required = true)]
        company_ids: Vec<String>,
    },
    /// Add the same companies to several lists.
    #[cfg(theirstack_has = "op:post_company_lists_add_companies_multiple_v0")]
    AddToMany {
        /// List receiving the companies (repeatable).
        #[arg(long = "list-id", value_name = "ID", required = true)]
        list_ids: Vec<i64>,
        /// Company id (repeatable).
        #[arg(long = "company-id", value_name = "ID", required = true)]
        company_ids: Vec<String>,
    },
    /// Copy a list, companies included.
    #[cfg(theirstack_has = "op:post_company_lists_duplicate_v0")]
    Duplicate { id: i64 },
    /// Build a file of a list's companies and print its download URL.
    #[cfg(theirstack_has = "op:get_company_lists_companies_export_v0")]
    Export {
        id: i64,
        /// File format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        file_format: ExportFormat,
        /// Rows in the file (the API's default is 25).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        limit: Option<u64>,
        /// Rows to skip first.
        #[arg(long, value_name = "N")]
        offset: Option<u64>,
    },
}

/// File formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

pub async fn run(client: &Client, global: &Global, command: CompanyListsCommand) -> Outcome {
    use CompanyListsCommand as Cl;
    match command {
        #[cfg(theirstack_has = "op:get_company_lists_v0")]
        Cl::List => emit_response(
            global,
            "get_company_lists_v0",
            client.get_company_lists_v0().send().await?,
        ),
        #[cfg(theirstack_has = "op:get_company_lists_by_id_v0")]
        Cl::Get { id } => emit_response(
            global,
            "get_company_lists_by_id_v0",
            client
                .get_company_lists_by_id_v0()
                .list_id(id)
                .send()
                .await?,
        ),
        #[cfg(theirstack_has = "op:post_company_lists_v0")]
        Cl::Create { name } => {
            let body: types::CompanyListCreate =
                built(types::CompanyListCreate::builder().name(name).try_into())?;
            emit_response(
                global,
                "post_company_lists_v0",
                client.post_company_lists_v0().body(body).send().await?,
            )
        }
        #[cfg(theirstack_has = "op:patch_company_lists_by_id_v0")]
        Cl::Rename { id, name } => {
            let body: types::CompanyListRename = built(
                types::CompanyListRename::builder()
                    .new_name(name)
                    .try_into(),
            )?;
            emit_response(
                global,
                "patch_company_lists_by_id_v0",
                client
                    .patch_company_lists_by_id_v0()
                    .list_id(id)
                    .body(body)
                    .send()
                    .await?,
            )
        }
        #[cfg(theirstack_has = "op:delete_company_lists_by_id_v0")]
        Cl::Delete { id } => emit_unspecified(
            global,
            "delete_company_lists_by_id_v0",
            client
                .delete_company_lists_by_id_v0()
                .list_id(id)
                .send()
                .await,
        ),
        #[cfg(theirstack_has = "op:get_company_lists_companies_v0")]
        Cl::Companies { id } => {
            pull(configure(client.company_list_companies(id), global), global).await
        }
        #[cfg(theirstack_has = "op:post_company_lists_add_companies_v0")]
        Cl::Add { id, company_ids } => {
            let body: types::BodyPostCompanyListsAddCompaniesV0 = built(
                types::BodyPostCompanyListsAddCompaniesV0::builder()
                    .company_ids(company_ids)
                    .try_into(),
            )?;
            emit_response(
                global,
                "post_company_lists_add_companies_v0",
                client
                    .post_company_lists_add_companies_v0()
                    .list_id(id)
                    .body(body)
                    .send()
                    .await?,
            )
        }
        #[cfg(theirstack_has = "op:post_company_lists_remove_companies_v0")]
        Cl::Remove { id, company_ids } => {
            let body: types::BodyPostCompanyListsRemoveCompaniesV0 = built(
                types::BodyPostCompanyListsRemoveCompaniesV0::builder()
                    .company_ids(company_ids)
                    .try_into(),
            )?;
            emit_response(
                global,
                "post_company_lists_remove_companies_v0",
                client
                    .post_company_lists_remove_companies_v0()
                    .list_id(id)
                    .body(body)
                    .send()
                    .await?,
            )
        }
        #[cfg(theirstack_has = "op:post_company_lists_add_companies_multiple_v0")]
        Cl::AddToMany {
            list_ids,
            company_ids,
        } => {
            let body: types::BodyPostCompanyListsAddCompaniesMultipleV0 = built(
                types::BodyPostCompanyListsAddCompaniesMultipleV0::builder()
                    .list_ids(list_ids)
                    .company_ids(company_ids)
                    .try_into(),
            )?;
            emit_unspecified(
                global,
                "post_company_lists_add_companies_multiple_v0",
                client
                    .post_company_lists_add_companies_multiple_v0()
                    .body(body)
                    .send()
                    .await,
            )
        }
        #[cfg(theirstack_has = "op:post_company_lists_duplicate_v0")]
        Cl::Duplicate { id } => emit_response(
            global,
            "post_company_lists_duplicate_v0",
            client
                .post_company_lists_duplicate_v0()
                .list_id(id)
                .send()
                .await?,
        ),
        #[cfg(theirstack_has = "op:get_company_lists_companies_export_v0")]
        Cl::Export {
            id,
            file_format,
            limit,
            offset,
        } => {
            let format = match file_format {
                ExportFormat::Csv => "csv",
                ExportFormat::Xlsx => "xlsx",
            };
            let format = types::GetCompanyListsCompaniesExportV0FileFormat::from(format);
            if !format.is_known() {
                return Err(Failure::Usage(format!(
                    "--file-format {format}: the API document in use offers {}",
                    types::GetCompanyListsCompaniesExportV0FileFormat::VALUES.join(", ")
                )));
            }
            let mut call = client
                .get_company_lists_companies_export_v0()
                .list_id(id)
                .file_format(format);
            if let Some(limit) = limit.and_then(std::num::NonZeroU64::new) {
                call = call.limit(limit);
            }
            if let Some(offset) = offset {
                call = call.offset(offset);
            }
            emit_response(
                global,
                "get_company_lists_companies_export_v0",
                call.send().await?,
            )
        }
    }
}
