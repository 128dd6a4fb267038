//! `theirstack catalog`: the free catalogs of technologies, keywords, their categories,
//! industries, locations and countries whose names and ids the search filters take.

use super::country_code;
use crate::output::emit_response;
use crate::pull::{configure, pull};
use crate::{Failure, Global, Outcome};
use clap::Subcommand;
use theirstack::Client;
use theirstack::pagination::{CatalogIndustries, CatalogLocations};

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Technologies, by name or slug.
    #[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
    Technologies {
        /// Name pattern.
        #[arg(long)]
        name: Option<String>,
        /// Category slug.
        #[arg(long)]
        category: Option<String>,
    },
    /// Technology parent categories.
    #[cfg(theirstack_has = "op:list_categories_v1")]
    Categories,
    /// Technology categories.
    #[cfg(theirstack_has = "op:list_subcategories_v1")]
    Subcategories {
        /// Parent category slug.
        #[arg(long)]
        category: Option<String>,
    },
    /// Keywords: technologies and buying-intent topics alike, paged.
    #[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
    Keywords(super::catalog_keywords::KeywordArgs),
    /// Top-level keyword categories, with keyword and company counts.
    #[cfg(theirstack_has = "op:list_keyword_categories_v1")]
    KeywordCategories {
        /// Only this category (slug).
        #[arg(long, value_name = "SLUG")]
        category: Option<String>,
    },
    /// Keyword subcategories, with a sample of their keywords.
    #[cfg(theirstack_has = "op:list_keyword_subcategories_v1")]
    KeywordSubcategories {
        /// Only the subcategories of this top-level category (slug).
        #[arg(long, value_name = "SLUG")]
        category: Option<String>,
        /// Only this subcategory (slug; needs --category).
        #[arg(long, value_name = "SLUG", requires = "category")]
        subcategory: Option<String>,
        /// Keywords listed per subcategory (the API's default: 5).
        #[arg(long, value_name = "N")]
        sample: Option<u32>,
    },
    /// Industries and their ids.
    #[cfg(theirstack_has = "op:get_catalog_industries_v0")]
    Industries {
        /// Industry name.
        #[arg(long)]
        name: Option<String>,
    },
    /// Locations and their ids.
    #[cfg(theirstack_has = "op:get_catalog_locations_v0")]
    Locations {
        /// Location name.
        #[arg(long)]
        name: Option<String>,
        /// Country, ISO 3166-1 alpha-2 such as US.
        #[arg(long)]
        country: Option<String>,
    },
    /// Jobs and companies per job country.
    #[cfg(theirstack_has = "op:get_catalog_jobs_companies_per_job_country_code_v0")]
    JobCountries,
    /// Companies per headquarters country.
    #[cfg(theirstack_has = "op:get_catalog_companies_per_company_country_code_v0")]
    CompanyCountries,
}

pub async fn run(client: &Client, global: &Global, command: CatalogCommand) -> Outcome {
    use CatalogCommand as Cat;
    match command {
        #[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
        Cat::Technologies { name, category } => {
            let mut filter = theirstack::pagination::CatalogTechnologies::new();
            filter.name_pattern = name;
            filter.category_slug = category;
            pull(
                configure(client.catalog_technologies(filter), global),
                global,
            )
            .await
        }
        #[cfg(theirstack_has = "op:list_categories_v1")]
        Cat::Categories => emit_response(
            global,
            "list_categories_v1",
            client.list_categories_v1().send().await?,
        ),
        #[cfg(theirstack_has = "op:list_subcategories_v1")]
        Cat::Subcategories { category } => {
            let mut call = client.list_subcategories_v1();
            if let Some(category) = category {
                call = call.category_slug(category);
            }
            emit_response(global, "list_subcategories_v1", call.send().await?)
        }
        #[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
        Cat::Keywords(args) => super::catalog_keywords::run(client, global, args).await,
        #[cfg(theirstack_has = "op:list_keyword_categories_v1")]
        Cat::KeywordCategories { category } => {
            let mut call = client.list_keyword_categories_v1();
            if let Some(category) = category {
                call = call.category_slug(category);
            }
            emit_response(global, "list_keyword_categories_v1", call.send().await?)
        }
        #[cfg(theirstack_has = "op:list_keyword_subcategories_v1")]
        Cat::KeywordSubcategories {
            category,
            subcategory,
            sample,
        } => {
            let mut call = client.list_keyword_subcategories_v1();
            if let Some(category) = category {
                call = call.category_slug(category);
            }
            if let Some(subcategory) = subcategory {
                call = call.subcategory_slug(subcategory);
            }
            if let Some(sample) = sample {
                call = call.num_technologies_per_category(i64::from(sample));
            }
            emit_response(global, "list_keyword_subcategories_v1", call.send().await?)
        }
        #[cfg(theirstack_has = "op:get_catalog_industries_v0")]
        Cat::Industries { name } => {
            let mut filter = CatalogIndustries::new();
            filter.industry = name;
            pull(configure(client.catalog_industries(filter), global), global).await
        }
        #[cfg(theirstack_has = "op:get_catalog_locations_v0")]
        Cat::Locations { name, country } => {
            let mut filter = CatalogLocations::new();
            filter.name = name;
            filter.country_code = country
                .as_deref()
                .map(country_code)
                .transpose()
                .map_err(Failure::Usage)?;
            pull(configure(client.catalog_locations(filter), global), global).await
        }
        #[cfg(theirstack_has = "op:get_catalog_jobs_companies_per_job_country_code_v0")]
        Cat::JobCountries => emit_response(
            global,
            "get_catalog_jobs_companies_per_job_country_code_v0",
            client
                .get_catalog_jobs_companies_per_job_country_code_v0()
                .send()
                .await?,
        ),
        #[cfg(theirstack_has = "op:get_catalog_companies_per_company_country_code_v0")]
        Cat::CompanyCountries => emit_response(
            global,
            "get_catalog_companies_per_company_country_code_v0",
            client
                .get_catalog_companies_per_company_country_code_v0()
                .send()
                .await?,
        ),
    }
}
