//! One-company lookups, priced per request that returns rows whatever the number of rows:
//! technographics and buying intents, with their entry points on [`Client`];
//! [`Client::lookups`] does many at once.

use super::bulk::Lookup;
use super::paginator::Paginator;
use super::searches::SEARCH_MAX_PAGE_SIZE;
use super::source::{PageRequest, Paging, RawPage, RowKey, Source};
use crate::client::Client;
use crate::error::Result;
use crate::pricing::{CREDITS_PER_LOOKUP, Cost};
use crate::types;
use std::future::Future;

/// Defines one lookup source over `TechDetailsFilters`: its row type, how a response splits into
/// rows and metadata, and a row's identity.
macro_rules! lookup_source {
    (
        $(#[$doc:meta])* $name:ident, $op:literal, $send:ident, $entry:ident, $item:ty,
        rows |$response:ident| $rows:expr,
        key |$row:ident| $key:expr
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        #[cfg(theirstack_has = $op)]
        pub struct $name {
            /// The filters naming the company; `offset`, `limit` and `include_total_results`
            /// are set by the paginator, and `page` is never sent.
            pub filters: types::TechDetailsFilters,
        }

        #[cfg(theirstack_has = $op)]
        impl Source for $name {
            type Item = $item;
            const OPERATION: &'static str = stringify!($send);
            const MAX_PAGE_SIZE: u64 = SEARCH_MAX_PAGE_SIZE;
            const PAGING: Paging = Paging::Offset;
            const HAS_TOTAL: bool = true;

            fn cost(&self) -> Cost {
                Cost::PerLookup(CREDITS_PER_LOOKUP)
            }

            fn wants_total(&self) -> bool {
                self.filters.include_total_results == Some(true)
            }

            fn fetch(
                &self,
                client: Client,
                request: PageRequest,
            ) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send + 'static {
                let mut body = self.filters.clone();
                body.page = None;
                body.offset = Some(request.offset);
                body.limit = Some(request.limit());
                body.include_total_results = Some(request.include_total);
                async move {
                    let response = client.$send().body(body).send().await?;
                    Ok(RawPage::of(response, |$response| $rows))
                }
            }

            fn key($row: &Self::Item) -> RowKey {
                $key
            }
        }

        #[cfg(theirstack_has = $op)]
        impl Lookup for $name {
            fn for_filters(filters: types::TechDetailsFilters) -> Self {
                $name { filters }
            }
        }

        #[cfg(theirstack_has = $op)]
        impl Client {
            #[doc = concat!("Pages through the rows of one company lookup (`", stringify!($send), "`).")]
            pub fn $entry(&self, filters: types::TechDetailsFilters) -> Paginator<$name> {
                self.paginate($name { filters })
            }
        }
    };
}

lookup_source!(
    /// Technographics of one company (`POST /v1/companies/technologies`, `technographics_v1`),
    /// 3 credits per lookup that returns rows. Paged by [`Client::technographics`].
    Technographics,
    "op:technographics_v1",
    technographics_v1,
    technographics,
    types::KeywordFound,
    rows |response| (response.data, Some(response.metadata)),
    key |row| RowKey::Str(row.technology.slug.clone())
);

lookup_source!(
    /// The buying-intent topics of one company (`POST /v1/companies/buying_intents`,
    /// `buying_intents_v1`), 3 credits per lookup that returns rows. Its response is modelled on
    /// technographics' (TheirStack has not published it), so every field of a row is optional.
    /// Paged by [`Client::buying_intents`].
    BuyingIntents,
    "op:buying_intents_v1",
    buying_intents_v1,
    buying_intents,
    types::TopicFound,
    rows |response| (response.data, response.metadata),
    // A row without a topic is told apart by all its fields.
    key |row| match &row.technology {
        Some(topic) => RowKey::Str(topic.slug.clone()),
        None => RowKey::Str(serde_json::to_string(row).unwrap_or_default()),
    }
);
