//! `theirstack catalog`: the free catalogs of technologies, categories, industries, locations
//! and countries whose names and ids the search filters take.

use crate::output::emit_response;
use crate::pull::{configure, pull};
use crate::{Global, Outcome};
use clap::Subcommand;
use theirstack::Client;
use theirstack::pagination::{CatalogIndustries, CatalogLocations, CatalogTechnologies};

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Technologies, by name or slug.
    Technologies {
        /// Name pattern.
        #[arg(long)]
        name: Option<String>,
        /// Category slug.
        #[arg(long)]
        category: Option<String>,
    },
    /// Technology parent categories.
    Categories,
    /// Technology categories.
    Subcategories {
        /// Parent category slug.
        #[arg(long)]
        category: Option<String>,
    },
    /// Industries and their ids.
    Industries {
        /// Industry name.
        #[arg(long)]
        name: Option<String>,
    },
    /// Locations and their ids.
    Locations {
        /// Location name.
        #[arg(long)]
        name: Option<String>,
        /// Country, ISO 3166 alpha-2.
        #[arg(long)]
        country: Option<String>,
    },
    /// Jobs and companies per job country.
    JobCountries,
    /// Companies per headquarters country.
    CompanyCountries,
}

pub async fn run(client: &Client, global: &Global, command: CatalogCommand) -> Outcome {
    use CatalogCommand as Cat;
    match command {
        Cat::Technologies { name, category } => {
            let mut filter = CatalogTechnologies::new();
            filter.name_pattern = name;
            filter.category_slug = category;
            pull(
                configure(client.catalog_technologies(filter), global),
                global,
            )
            .await
        }
        Cat::Categories => emit_response(global, client.list_categories_v1().send().await?),
        Cat::Subcategories { category } => {
            let mut call = client.list_subcategories_v1();
            if let Some(category) = category {
                call = call.category_slug(category);
            }
            emit_response(global, call.send().await?)
        }
        Cat::Industries { name } => {
            let mut filter = CatalogIndustries::new();
            filter.industry = name;
            pull(configure(client.catalog_industries(filter), global), global).await
        }
        Cat::Locations { name, country } => {
            let mut filter = CatalogLocations::new();
            filter.name = name;
            filter.country_code = country;
            pull(configure(client.catalog_locations(filter), global), global).await
        }
        Cat::JobCountries => emit_response(
            global,
            client
                .get_catalog_jobs_companies_per_job_country_code_v0()
                .send()
                .await?,
        ),
        Cat::CompanyCountries => emit_response(
            global,
            client
                .get_catalog_companies_per_company_country_code_v0()
                .send()
                .await?,
        ),
    }
}
