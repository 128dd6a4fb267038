//! `theirstack catalog keywords`: the free keyword catalog (technologies and buying-intent
//! topics alike) and its filter flags, paged by the library's `CatalogKeywords` source.

use crate::pull::{configure, pull};
use crate::{Failure, Global, Outcome};
use clap::Args;
use theirstack::Client;
use theirstack::pagination::CatalogKeywords;
use theirstack::types;

/// Keyword catalog filters.
#[derive(Debug, Args)]
#[command(next_help_heading = "Keyword filters")]
pub struct KeywordArgs {
    /// Free-text search over names, types and categories (names starting with it first).
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Names containing this text (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
    /// Names starting with this text (`__other__`: not with a letter A-Z).
    #[arg(long, value_name = "TEXT")]
    pub starts_with: Option<String>,
    /// Only these keyword slugs (repeatable).
    #[arg(long = "slug", value_name = "SLUG")]
    pub slugs: Vec<String>,
    /// Only keywords of this type, such as technology or software_product.
    #[arg(long = "type", value_name = "TYPE")]
    pub keyword_type: Option<String>,
    /// Leave out keywords of this type (repeatable).
    #[arg(long = "not-type", value_name = "TYPE")]
    pub not_types: Vec<String>,
    /// Only keywords of this category slug.
    #[arg(long, value_name = "SLUG")]
    pub category: Option<String>,
    /// Only keywords of categories whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub category_name: Option<String>,
    /// Only keywords under this parent category slug.
    #[arg(long, value_name = "SLUG")]
    pub parent_category: Option<String>,
    /// Only keywords under parent categories whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub parent_category_name: Option<String>,
}

/// A `--type` / `--not-type` value, refused with the known ones when unknown.
fn keyword_type(value: &str) -> Result<types::KeywordType, Failure> {
    let kind = types::KeywordType::from(value);
    if kind.is_known() {
        return Ok(kind);
    }
    Err(Failure::Usage(format!(
        "unknown keyword type `{value}`: expected one of {}",
        types::KeywordType::VALUES.join(", ")
    )))
}

impl KeywordArgs {
    /// The source these flags describe.
    pub fn source(self) -> Result<CatalogKeywords, Failure> {
        let mut source = CatalogKeywords::new();
        source.q = self.search;
        source.name_pattern = self.name;
        source.starts_with = self.starts_with;
        source.slugs = (!self.slugs.is_empty()).then_some(self.slugs);
        source.keyword_type = self.keyword_type.as_deref().map(keyword_type).transpose()?;
        let not_types: Vec<types::KeywordType> = self
            .not_types
            .iter()
            .map(|t| keyword_type(t))
            .collect::<Result<_, _>>()?;
        source.keyword_type_not = (!not_types.is_empty()).then_some(not_types);
        source.category_slug = self.category;
        source.category_pattern = self.category_name;
        source.parent_category_slug = self.parent_category;
        source.parent_category_pattern = self.parent_category_name;
        Ok(source)
    }
}

/// `catalog keywords`: every matching keyword, paged.
pub async fn run(client: &Client, global: &Global, args: KeywordArgs) -> Outcome {
    let source = args.source()?;
    pull(configure(client.catalog_keywords(source), global), global).await
}
