//! The free list endpoints that page: webhook events, the catalogs and the companies of a
//! company list. One macro defines them all: a filter struct, its [`Source`] and its entry point
//! on [`Client`], each compiled only when the document has the operation.

use super::paginator::Paginator;
use super::source::{PageRequest, Paging, RawPage, RowKey, Source};
use crate::client::Client;
use crate::error::Result;
use crate::pricing::Cost;
use crate::types;
use std::future::Future;

/// Largest page the free catalog and list endpoints are asked for.
pub const LIST_MAX_PAGE_SIZE: u64 = 500;

/// Sets the paging fields of a generated call, in the endpoint's one style.
macro_rules! paged {
    (Offset, $call:expr, $request:expr) => {
        $call.offset($request.offset).limit($request.limit())
    };
    (Page, $call:expr, $request:expr) => {
        $call.page($request.page()).limit($request.limit())
    };
}

/// Defines one free list source.
///
/// `required` fields are path parameters every request carries; `optional` fields are query
/// filters sent only when set. `rows` turns the response body into its rows.
macro_rules! list_source {
    (
        $(#[$doc:meta])*
        $name:ident, $op:literal, $send:ident, $paging:ident, $item:ty,
        required { $($req:ident: $req_ty:ty),* $(,)? },
        optional { $($opt:ident: $opt_ty:ty),* $(,)? },
        rows |$body:ident| $rows:expr,
        key |$row:ident| $key:expr
        $(, entry $entry:ident)?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[cfg(theirstack_has = $op)]
        pub struct $name {
            $(
                #[doc = concat!("`", stringify!($req), "` of every request.")]
                pub $req: $req_ty,
            )*
            $(
                #[doc = concat!("Only rows matching `", stringify!($opt), "`, when set.")]
                pub $opt: Option<$opt_ty>,
            )*
        }

        #[cfg(theirstack_has = $op)]
        impl $name {
            /// The source with no optional filter set.
            pub fn new($($req: $req_ty),*) -> Self {
                $name { $($req,)* $($opt: None,)* }
            }

            $(
                #[doc = concat!("Sets the `", stringify!($opt), "` filter.")]
                pub fn $opt(mut self, value: impl Into<$opt_ty>) -> Self {
                    self.$opt = Some(value.into());
                    self
                }
            )*
        }

        #[cfg(theirstack_has = $op)]
        impl Source for $name {
            type Item = $item;
            const OPERATION: &'static str = stringify!($send);
            const MAX_PAGE_SIZE: u64 = LIST_MAX_PAGE_SIZE;
            const PAGING: Paging = Paging::$paging;
            const HAS_TOTAL: bool = false;

            fn cost(&self) -> Cost {
                Cost::Free
            }

            fn fetch(
                &self,
                client: Client,
                request: PageRequest,
            ) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send + 'static {
                let filter = self.clone();
                async move {
                    let call = client.$send()$(.$req(filter.$req))*;
                    #[allow(unused_mut)]
                    let mut call = paged!($paging, call, request);
                    $(
                        if let Some(value) = filter.$opt {
                            call = call.$opt(value);
                        }
                    )*
                    let response = call.send().await?;
                    Ok(RawPage::of(response, |$body| ($rows, None)))
                }
            }

            fn key($row: &Self::Item) -> RowKey {
                $key
            }
        }

        $(
            #[cfg(theirstack_has = $op)]
            impl Client {
                #[doc = concat!("Pages through `", stringify!($send), "` (free) with the filters of `source`.")]
                pub fn $entry(&self, source: $name) -> Paginator<$name> {
                    self.paginate(source)
                }
            }
        )?
    };
}

list_source!(
    /// The events of one webhook (`GET /v0/webhooks/{webhook_id}/events`,
    /// `get_webhooks_events_v0`), free, offset paging. Paged by [`Client::webhook_events`].
    WebhookEvents, "op:get_webhooks_events_v0", get_webhooks_events_v0, Offset, types::WebhookEvent,
    required { webhook_id: i64 },
    optional { status: types::WebhookEventStatus },
    rows |rows| rows,
    key |event| RowKey::Int(event.id)
);

list_source!(
    /// The locations catalog (`GET /v0/catalog/locations`, `get_catalog_locations_v0`), free,
    /// offset paging. Paged by [`Client::catalog_locations`].
    #[derive(Default)]
    CatalogLocations, "op:get_catalog_locations_v0", get_catalog_locations_v0, Offset, types::GeonameCatalogResponse,
    required {},
    optional { name: String, country_code: String },
    rows |rows| rows,
    key |location| RowKey::Int(location.id),
    entry catalog_locations
);

list_source!(
    /// The technologies catalog (`GET /v0/catalog/technologies`, `get_catalog_technologies_v0`),
    /// free, page paging (the endpoint has no `offset`). Paged by
    /// [`Client::catalog_technologies`].
    #[derive(Default)]
    CatalogTechnologies, "op:get_catalog_technologies_v0", get_catalog_technologies_v0, Page, types::TechnologyAggregated,
    required {},
    optional { name_pattern: String, category_slug: String },
    rows |rows| rows,
    key |technology| RowKey::Str(technology.slug.clone()),
    entry catalog_technologies
);

list_source!(
    /// The keyword catalog (`GET /v0/catalog/keywords`, `get_catalog_keywords_v0`: technologies and
    /// buying-intent topics alike), free, page paging (the endpoint has no `offset`). Paged by
    /// [`Client::catalog_keywords`].
    #[derive(Default)]
    CatalogKeywords, "op:get_catalog_keywords_v0", get_catalog_keywords_v0, Page, types::KeywordAggregated,
    required {},
    optional {
        q: String,
        name_pattern: String,
        starts_with: String,
        slugs: Vec<String>,
        keyword_type: types::KeywordType,
        keyword_type_not: Vec<types::KeywordType>,
        category_slug: String,
        category_pattern: String,
        parent_category_slug: String,
        parent_category_pattern: String,
    },
    rows |rows| rows,
    key |keyword| RowKey::Str(keyword.slug.clone()),
    entry catalog_keywords
);

list_source!(
    /// The industries catalog (`GET /v0/catalog/industries`, `get_catalog_industries_v0`), free,
    /// page paging (the endpoint has no `offset`). Paged by [`Client::catalog_industries`].
    #[derive(Default)]
    CatalogIndustries, "op:get_catalog_industries_v0", get_catalog_industries_v0, Page, types::IndustryStats,
    required {},
    optional { industry: String },
    rows |response| response.data,
    key |industry| match (industry.industry_id, &industry.industry) {
        (Some(id), _) => RowKey::Int(id),
        (None, name) => RowKey::Str(name.clone().unwrap_or_default()),
    },
    entry catalog_industries
);

list_source!(
    /// The companies of one company list (`GET /v0/company_lists/{list_id}/companies`,
    /// `get_company_lists_companies_v0`), free, offset paging. Paged by
    /// [`Client::company_list_companies`].
    CompanyListCompanies, "op:get_company_lists_companies_v0", get_company_lists_companies_v0, Offset, types::CompanyListItem,
    required { list_id: i64 },
    optional {},
    rows |rows| rows,
    key |item| RowKey::Str(item.company_object.id.clone())
);

#[cfg(theirstack_has = "op:get_webhooks_events_v0")]
impl Client {
    /// Pages through the events of one webhook (`get_webhooks_events_v0`).
    pub fn webhook_events(&self, webhook_id: i64) -> Paginator<WebhookEvents> {
        self.paginate(WebhookEvents::new(webhook_id))
    }
}

#[cfg(theirstack_has = "op:get_company_lists_companies_v0")]
impl Client {
    /// Pages through the companies of one company list (`get_company_lists_companies_v0`).
    pub fn company_list_companies(&self, list_id: i64) -> Paginator<CompanyListCompanies> {
        self.paginate(CompanyListCompanies::new(list_id))
    }
}

#[cfg(theirstack_has = "op:get_webhooks_events_v0")]
impl Paginator<WebhookEvents> {
    /// Only events with this delivery status.
    pub fn status(mut self, status: types::WebhookEventStatus) -> Self {
        self.source.status = Some(status);
        self
    }
}
