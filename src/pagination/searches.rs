//! The two searches that charge per row, offer preview mode and can be counted for free: job
//! search and company search, with their entry points on [`Client`] and the free count.

use super::paginator::{Estimate, Paginator};
use super::source::{PageRequest, Paging, RawPage, RowKey, Source};
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::filters;
use crate::pricing::{CREDITS_PER_COMPANY, CREDITS_PER_JOB, Cost};
use crate::types;
use std::future::Future;

/// Largest page the search endpoints serve in practice.
pub const SEARCH_MAX_PAGE_SIZE: u64 = 500;

/// A search that can be counted for free.
trait Countable: Source + Clone {
    /// Sends TheirStack's free count recipe: the filters in preview mode, `limit: 1` and
    /// `include_total_results`, nothing else.
    fn count(&self, client: Client) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send;
    /// The filters as JSON, to look for company identifiers.
    fn filters_json(&self) -> Result<serde_json::Value>;
}

/// The free count: one blurred row with `include_total_results`, which costs nothing. Refused
/// when the filters name companies, where TheirStack does not offer preview mode.
async fn free_count<S: Countable>(client: &Client, source: &S) -> Result<u64> {
    if filters::names_companies(&source.filters_json()?) {
        return Err(Error::invalid_input(format!(
            "the free count uses preview mode, which TheirStack does not offer with company identifier filters ({})",
            filters::COMPANY_IDENTIFIER_FILTERS.join(", ")
        )));
    }
    let page = source.count(client.clone()).await?;
    page.metadata
        .and_then(|m| m.total_results)
        .and_then(|t| u64::try_from(t).ok())
        .ok_or_else(|| Error::invalid_input("the count response had no total_results"))
}

/// Defines one search source; the two differ only in their types, operation and price.
macro_rules! search_source {
    ($(#[$doc:meta])* $name:ident, $op:literal, $filters:ty, $item:ty, $response:ident, $send:ident, $price:expr, |$row:ident| $key:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        #[cfg(theirstack_has = $op)]
        pub struct $name {
            /// The filters; `offset`, `limit` and `include_total_results` are set by the
            /// paginator, and `page` is never sent.
            pub filters: $filters,
        }

        #[cfg(theirstack_has = $op)]
        impl Source for $name {
            type Item = $item;
            const OPERATION: &'static str = stringify!($send);
            const MAX_PAGE_SIZE: u64 = SEARCH_MAX_PAGE_SIZE;
            const PAGING: Paging = Paging::Offset;
            const HAS_TOTAL: bool = true;

            fn cost(&self) -> Cost {
                if self.filters.blur_company_data == Some(true) {
                    Cost::Free
                } else {
                    Cost::PerItem($price)
                }
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
                $name::send(client, body)
            }

            fn key($row: &Self::Item) -> RowKey {
                $key
            }
        }

        #[cfg(theirstack_has = $op)]
        impl $name {
            async fn send(client: Client, body: $filters) -> Result<RawPage<$item>> {
                let response = client.$send().body(body).send().await?;
                Ok(RawPage::of(response, |r: types::$response| (r.data, Some(r.metadata))))
            }
        }

        #[cfg(theirstack_has = $op)]
        impl Countable for $name {
            fn count(&self, client: Client) -> impl Future<Output = Result<RawPage<Self::Item>>> + Send {
                let mut body = self.filters.clone();
                body.blur_company_data = Some(true);
                body.include_total_results = Some(true);
                body.limit = std::num::NonZeroU64::new(1);
                body.page = None;
                body.offset = None;
                $name::send(client, body)
            }

            fn filters_json(&self) -> Result<serde_json::Value> {
                serde_json::to_value(&self.filters).map_err(|e| Error::invalid_input(e.to_string()))
            }
        }

        #[cfg(theirstack_has = $op)]
        impl Paginator<$name> {
            /// Preview mode: blurred company data, no credits spent.
            pub fn preview(mut self, on: bool) -> Self {
                self.source.filters.blur_company_data = Some(on);
                self
            }

            /// What this pull will cost, from the free count (or from the caps alone when the
            /// filters name companies and so cannot be counted for free).
            pub async fn estimate(&self) -> Result<Estimate> {
                let matching = match free_count(&self.client, &self.source).await {
                    Ok(n) => Some(n),
                    Err(e) if e.kind() == ErrorKind::InvalidInput => None,
                    Err(e) => return Err(e),
                };
                Ok(self.estimate_from(matching))
            }
        }
    };
}

search_source!(
    /// Job search (`POST /v1/jobs/search`, `search_jobs_v1`), 1 credit per job, free in preview
    /// mode. Paged by [`Client::job_search`].
    JobSearch,
    "op:search_jobs_v1",
    types::JobSearchFiltersInput,
    types::JobWithMatchingPhrasesResponseOutput,
    JobSearchResponse,
    search_jobs_v1,
    CREDITS_PER_JOB,
    |job| RowKey::Int(job.id)
);

search_source!(
    /// Company search (`POST /v1/companies/search`, `search_companies_v1`), 3 credits per
    /// company, free in preview mode. Paged by [`Client::company_search`].
    CompanySearch,
    "op:search_companies_v1",
    types::CompanySearchFiltersInput,
    types::CompanyWithTechnologiesAndJobsOutput,
    CompanySearchResponse,
    search_companies_v1,
    CREDITS_PER_COMPANY,
    |company| RowKey::Str(company.id.clone())
);

#[cfg(theirstack_has = "op:search_jobs_v1")]
impl Client {
    /// Pages through job search results (`search_jobs_v1`).
    pub fn job_search(&self, filters: types::JobSearchFiltersInput) -> Paginator<JobSearch> {
        self.paginate(JobSearch { filters })
    }

    /// Counts the jobs matching `filters` for free (preview mode, `include_total_results`,
    /// `limit: 1`). Refused when the filters name companies, where preview mode is unavailable.
    pub async fn count_jobs(&self, filters: &types::JobSearchFiltersInput) -> Result<u64> {
        let source = JobSearch {
            filters: filters.clone(),
        };
        free_count(self, &source).await
    }
}

#[cfg(theirstack_has = "op:search_companies_v1")]
impl Client {
    /// Pages through company search results (`search_companies_v1`).
    pub fn company_search(
        &self,
        filters: types::CompanySearchFiltersInput,
    ) -> Paginator<CompanySearch> {
        self.paginate(CompanySearch { filters })
    }

    /// Counts the companies matching `filters` for free, like [`Client::count_jobs`].
    pub async fn count_companies(&self, filters: &types::CompanySearchFiltersInput) -> Result<u64> {
        let source = CompanySearch {
            filters: filters.clone(),
        };
        free_count(self, &source).await
    }
}
