//! `theirstack catalog keywords`: the free keyword catalog (technologies and buying-intent
//! topics alike), its filter flags, and the paged source the library does not define for it
//! (`get_catalog_keywords_v0` pages by `page` + `limit`).

use crate::pull::{configure, pull};
use crate::{Failure, Global, Outcome};
use clap::Args;
use std::future::Future;
use theirstack::Client;
use theirstack::pagination::{
    Cost, LIST_MAX_PAGE_SIZE, PageRequest, Paging, RawPage, RowKey, Source,
};
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

/// The keyword catalog as a paged source: the filters every page carries.
#[derive(Debug, Clone, Default)]
pub struct CatalogKeywords {
    q: Option<String>,
    name_pattern: Option<String>,
    starts_with: Option<String>,
    slugs: Vec<String>,
    keyword_type: Option<types::KeywordType>,
    keyword_type_not: Vec<types::KeywordType>,
    category_slug: Option<String>,
    category_pattern: Option<String>,
    parent_category_slug: Option<String>,
    parent_category_pattern: Option<String>,
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
        Ok(CatalogKeywords {
            q: self.search,
            name_pattern: self.name,
            starts_with: self.starts_with,
            slugs: self.slugs,
            keyword_type: self.keyword_type.as_deref().map(keyword_type).transpose()?,
            keyword_type_not: self
                .not_types
                .iter()
                .map(|t| keyword_type(t))
                .collect::<Result<_, _>>()?,
            category_slug: self.category,
            category_pattern: self.category_name,
            parent_category_slug: self.parent_category,
            parent_category_pattern: self.parent_category_name,
        })
    }
}

impl Source for CatalogKeywords {
    type Item = types::KeywordAggregated;
    const OPERATION: &'static str = "get_catalog_keywords_v0";
    const MAX_PAGE_SIZE: u64 = LIST_MAX_PAGE_SIZE;
    const PAGING: Paging = Paging::Page;
    const HAS_TOTAL: bool = false;

    fn cost(&self) -> Cost {
        Cost::Free
    }

    fn fetch(
        &self,
        client: Client,
        request: PageRequest,
    ) -> impl Future<Output = theirstack::Result<RawPage<Self::Item>>> + Send + 'static {
        let f = self.clone();
        async move {
            let mut call = client
                .get_catalog_keywords_v0()
                .page(request.page())
                .limit(request.limit());
            if let Some(v) = f.q {
                call = call.q(v);
            }
            if let Some(v) = f.name_pattern {
                call = call.name_pattern(v);
            }
            if let Some(v) = f.starts_with {
                call = call.starts_with(v);
            }
            if let Some(v) = f.category_slug {
                call = call.category_slug(v);
            }
            if let Some(v) = f.category_pattern {
                call = call.category_pattern(v);
            }
            if let Some(v) = f.parent_category_slug {
                call = call.parent_category_slug(v);
            }
            if let Some(v) = f.parent_category_pattern {
                call = call.parent_category_pattern(v);
            }
            if !f.slugs.is_empty() {
                call = call.slugs(f.slugs);
            }
            if let Some(kind) = f.keyword_type {
                call = call.keyword_type(kind);
            }
            if !f.keyword_type_not.is_empty() {
                call = call.keyword_type_not(f.keyword_type_not);
            }
            let response = call.send().await.map_err(theirstack::Error::from)?;
            Ok(RawPage::of(response, |rows| (rows, None)))
        }
    }

    fn key(keyword: &Self::Item) -> RowKey {
        RowKey::Str(keyword.slug.clone())
    }
}

/// `catalog keywords`: every matching keyword, paged.
pub async fn run(client: &Client, global: &Global, args: KeywordArgs) -> Outcome {
    let source = args.source()?;
    pull(configure(client.paginate(source), global), global).await
}
