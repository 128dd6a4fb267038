//! The router: one route per operation of the document, the bearer-key check, and the 404
//! and 405 envelopes.
//!
//! Rule: a route exists only when the document has its operation
//! (`#[cfg(theirstack_has = "op:<operationId>")]`); every handler checks the key before it
//! reads anything else (so a bad key is a 401 first), hands the parts of the request to its
//! module and answers through [`Shared::finish`]. A 405 names the allowed methods in `Allow`.

#[cfg(sandbox_company_lists)]
use crate::company_lists;
use crate::errors::{Failure, Kind};
use crate::request::Query;
use crate::state::Shared;
use crate::{account, catalogs, credits, saved_searches, searches, validate, webhooks};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header::AUTHORIZATION};
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter};
use std::sync::Arc;

impl Shared {
    /// Checks `Authorization: Bearer <key>`.
    pub(crate) fn authorize(&self, headers: &HeaderMap) -> Result<(), Failure> {
        let Some(value) = headers.get(AUTHORIZATION) else {
            return Err(Failure::unauthorized(
                "missing `Authorization: Bearer <api key>` header",
            ));
        };
        let given = value.to_str().unwrap_or("");
        let token = match given.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => {
                return Err(Failure::unauthorized(
                    "the Authorization header must be `Bearer <api key>`",
                ));
            }
        };
        if !self.api_key.is_empty() && token == self.api_key {
            self.count_request();
            Ok(())
        } else {
            Err(Failure::unauthorized("invalid API key"))
        }
    }
}

type Ctx = State<Arc<Shared>>;

/// The parts of a request an operation reads, handed over after the key check.
pub(crate) struct Input {
    path: Result<String, String>,
    query: Query,
    body: Result<Bytes, String>,
}

impl Input {
    /// The path parameter (every parameterized path of the document has one).
    fn id(&self) -> Result<&str, Failure> {
        self.path
            .as_deref()
            .map_err(|e| Failure::validation(format!("invalid path parameter: {e}")))
    }

    fn body(&self) -> Result<&[u8], Failure> {
        self.body
            .as_deref()
            .map_err(|e| Failure::validation(format!("cannot read the request body: {e}")))
    }
}

/// What an operation does with its input.
type Operation = fn(&Shared, &Input) -> Result<Response, Failure>;

/// The route of an operation on `method`: the key check, then `operation`, then the envelope of
/// a failure.
fn op(method: MethodFilter, id: &'static str, operation: Operation) -> MethodRouter<Arc<Shared>> {
    let handler = move |State(s): Ctx,
                        headers: HeaderMap,
                        path: Result<Path<String>, PathRejection>,
                        RawQuery(query): RawQuery,
                        body: Result<Bytes, BytesRejection>| async move {
        let result = s.authorize(&headers).and_then(|()| {
            let body = match body {
                Ok(bytes) => Ok(Bytes::from(validate::body(id, &bytes)?.into_owned())),
                Err(e) => Err(e.to_string()),
            };
            let input = Input {
                path: path.map(|Path(p)| p).map_err(|e| e.to_string()),
                query: Query::parse(query.as_deref()),
                body,
            };
            operation(&s, &input)
        });
        s.finish(result)
    };
    axum::routing::on(method, handler)
}

/// `POST /v0/webhooks/test`, the one operation that waits on the network.
#[cfg(theirstack_has = "op:post_webhooks_test_v0")]
async fn webhook_test(
    State(s): Ctx,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let result = match s.authorize(&headers).and_then(|()| {
        let body =
            body.map_err(|e| Failure::validation(format!("cannot read the request body: {e}")))?;
        Ok(validate::body("post_webhooks_test_v0", &body)?.into_owned())
    }) {
        Ok(b) => webhooks::test(&s, &b).await,
        Err(f) => Err(f),
    };
    s.finish(result)
}

async fn not_found(State(s): Ctx, uri: Uri) -> Response {
    s.finish(Err(Failure::not_found(format!(
        "no operation at {}",
        uri.path().chars().take(200).collect::<String>()
    ))))
}

/// Every route of the document's operations. `route` merges the methods of one path.
#[allow(clippy::too_many_lines)]
fn operations(r: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    #[cfg(theirstack_has = "op:search_jobs_v1")]
    let r = r.route(
        "/v1/jobs/search",
        op(MethodFilter::POST, "search_jobs_v1", |s, i| {
            searches::jobs(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:search_companies_v1")]
    let r = r.route(
        "/v1/companies/search",
        op(MethodFilter::POST, "search_companies_v1", |s, i| {
            searches::companies(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:technographics_v1")]
    let r = r.route(
        "/v1/companies/technologies",
        op(MethodFilter::POST, "technographics_v1", |s, i| {
            searches::technologies(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:get_billing_credit_balance_v0")]
    let r = r.route(
        "/v0/billing/credit-balance",
        op(
            MethodFilter::GET,
            "get_billing_credit_balance_v0",
            |s, _| credits::balance(s),
        ),
    );
    #[cfg(theirstack_has = "op:get_teams_credits_consumption_v0")]
    let r = r.route(
        "/v0/teams/credits_consumption",
        op(
            MethodFilter::GET,
            "get_teams_credits_consumption_v0",
            |s, i| credits::consumption(s, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:get_requests_count_v0")]
    let r = r.route(
        "/v0/requests/count",
        op(MethodFilter::GET, "get_requests_count_v0", |s, i| {
            account::requests_count(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_datasets_v1")]
    let r = r.route(
        "/v1/datasets",
        op(MethodFilter::GET, "get_datasets_v1", |s, _| {
            account::datasets(s)
        }),
    );
    #[cfg(theirstack_has = "op:post_datasets_credentials_v1")]
    let r = r.route(
        "/v1/datasets/credentials",
        op(
            MethodFilter::POST,
            "post_datasets_credentials_v1",
            |s, _| account::dataset_credentials(s),
        ),
    );
    #[cfg(theirstack_has = "op:get_saved_searches_v0")]
    let r = r.route(
        "/v0/saved_searches",
        op(MethodFilter::GET, "get_saved_searches_v0", |s, i| {
            saved_searches::list_searches(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:post_saved_searches_v0")]
    let r = r.route(
        "/v0/saved_searches",
        op(MethodFilter::POST, "post_saved_searches_v0", |s, i| {
            saved_searches::create_search(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:get_saved_searches_by_id_v0")]
    let r = r.route(
        "/v0/saved_searches/{search_id}",
        op(MethodFilter::GET, "get_saved_searches_by_id_v0", |s, i| {
            saved_searches::get_search(s, i.id()?)
        }),
    );
    #[cfg(theirstack_has = "op:patch_saved_searches_by_id_v0")]
    let r = r.route(
        "/v0/saved_searches/{search_id}",
        op(
            MethodFilter::PATCH,
            "patch_saved_searches_by_id_v0",
            |s, i| saved_searches::update_search(s, i.id()?, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:patch_saved_searches_archive_v0")]
    let r = r.route(
        "/v0/saved_searches/{search_id}/archive",
        op(
            MethodFilter::PATCH,
            "patch_saved_searches_archive_v0",
            |s, i| saved_searches::archive_search(s, i.id()?),
        ),
    );
    #[cfg(theirstack_has = "op:get_company_lists_v0")]
    let r = r.route(
        "/v0/company_lists",
        op(MethodFilter::GET, "get_company_lists_v0", |s, _| {
            company_lists::list(s)
        }),
    );
    #[cfg(theirstack_has = "op:post_company_lists_v0")]
    let r = r.route(
        "/v0/company_lists",
        op(MethodFilter::POST, "post_company_lists_v0", |s, i| {
            company_lists::create(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:post_company_lists_add_companies_multiple_v0")]
    let r = r.route(
        "/v0/company_lists/add_companies",
        op(
            MethodFilter::POST,
            "post_company_lists_add_companies_multiple_v0",
            |s, i| company_lists::add_to_many(s, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:get_company_lists_by_id_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}",
        op(MethodFilter::GET, "get_company_lists_by_id_v0", |s, i| {
            company_lists::get(s, i.id()?)
        }),
    );
    #[cfg(theirstack_has = "op:patch_company_lists_by_id_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}",
        op(
            MethodFilter::PATCH,
            "patch_company_lists_by_id_v0",
            |s, i| company_lists::rename(s, i.id()?, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:delete_company_lists_by_id_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}",
        op(
            MethodFilter::DELETE,
            "delete_company_lists_by_id_v0",
            |s, i| company_lists::delete(s, i.id()?),
        ),
    );
    #[cfg(theirstack_has = "op:get_company_lists_companies_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}/companies",
        op(
            MethodFilter::GET,
            "get_company_lists_companies_v0",
            |s, i| company_lists::companies(s, i.id()?, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:get_company_lists_companies_export_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}/companies/export",
        op(
            MethodFilter::GET,
            "get_company_lists_companies_export_v0",
            |s, i| company_lists::export(s, i.id()?, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:post_company_lists_add_companies_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}/add_companies",
        op(
            MethodFilter::POST,
            "post_company_lists_add_companies_v0",
            |s, i| company_lists::add(s, i.id()?, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:post_company_lists_remove_companies_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}/remove_companies",
        op(
            MethodFilter::POST,
            "post_company_lists_remove_companies_v0",
            |s, i| company_lists::remove(s, i.id()?, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:post_company_lists_duplicate_v0")]
    let r = r.route(
        "/v0/company_lists/{list_id}/duplicate",
        op(
            MethodFilter::POST,
            "post_company_lists_duplicate_v0",
            |s, i| company_lists::duplicate(s, i.id()?),
        ),
    );
    #[cfg(theirstack_has = "op:get_catalog_locations_v0")]
    let r = r.route(
        "/v0/catalog/locations",
        op(MethodFilter::GET, "get_catalog_locations_v0", |_, i| {
            catalogs::locations_catalog(&i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_catalog_industries_v0")]
    let r = r.route(
        "/v0/catalog/industries",
        op(MethodFilter::GET, "get_catalog_industries_v0", |s, i| {
            catalogs::industries(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
    let r = r.route(
        "/v0/catalog/technologies",
        op(MethodFilter::GET, "get_catalog_technologies_v0", |s, i| {
            catalogs::technologies(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_catalog_jobs_companies_per_job_country_code_v0")]
    let r = r.route(
        "/v0/catalog/jobs_companies_per_job_country_code",
        op(
            MethodFilter::GET,
            "get_catalog_jobs_companies_per_job_country_code_v0",
            |s, i| catalogs::jobs_per_country(s, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:get_catalog_companies_per_company_country_code_v0")]
    let r = r.route(
        "/v0/catalog/companies_per_company_country_code",
        op(
            MethodFilter::GET,
            "get_catalog_companies_per_company_country_code_v0",
            |s, i| catalogs::companies_per_country(s, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:list_categories_v1")]
    let r = r.route(
        "/v1/catalog/technologies/categories",
        op(MethodFilter::GET, "list_categories_v1", |s, i| {
            catalogs::categories(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:list_subcategories_v1")]
    let r = r.route(
        "/v1/catalog/technologies/subcategories",
        op(MethodFilter::GET, "list_subcategories_v1", |s, i| {
            catalogs::subcategories(s, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_webhooks_v0")]
    let r = r.route(
        "/v0/webhooks",
        op(MethodFilter::GET, "get_webhooks_v0", |s, _| {
            webhooks::list(s)
        }),
    );
    #[cfg(theirstack_has = "op:post_webhooks_v0")]
    let r = r.route(
        "/v0/webhooks",
        op(MethodFilter::POST, "post_webhooks_v0", |s, i| {
            webhooks::create(s, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0")]
    let r = r.route(
        "/v0/webhooks/events/count",
        op(
            MethodFilter::GET,
            "get_webhooks_events_count_aggregated_v0",
            |s, i| webhooks::events_count_aggregated(s, &i.query),
        ),
    );
    #[cfg(theirstack_has = "op:post_webhooks_events_retry_v0")]
    let r = r.route(
        "/v0/webhooks/events/retry",
        op(
            MethodFilter::POST,
            "post_webhooks_events_retry_v0",
            |s, i| webhooks::retry(s, i.body()?),
        ),
    );
    #[cfg(theirstack_has = "op:post_webhooks_test_v0")]
    let r = r.route("/v0/webhooks/test", axum::routing::post(webhook_test));
    #[cfg(theirstack_has = "op:get_webhooks_by_id_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}",
        op(MethodFilter::GET, "get_webhooks_by_id_v0", |s, i| {
            webhooks::get(s, i.id()?)
        }),
    );
    #[cfg(theirstack_has = "op:patch_webhooks_by_id_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}",
        op(MethodFilter::PATCH, "patch_webhooks_by_id_v0", |s, i| {
            webhooks::update(s, i.id()?, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:patch_webhooks_status_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}/status",
        op(MethodFilter::PATCH, "patch_webhooks_status_v0", |s, i| {
            webhooks::set_status(s, i.id()?, i.body()?)
        }),
    );
    #[cfg(theirstack_has = "op:patch_webhooks_archive_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}/archive",
        op(MethodFilter::PATCH, "patch_webhooks_archive_v0", |s, i| {
            webhooks::archive(s, i.id()?)
        }),
    );
    #[cfg(theirstack_has = "op:get_webhooks_events_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}/events",
        op(MethodFilter::GET, "get_webhooks_events_v0", |s, i| {
            webhooks::events(s, i.id()?, &i.query)
        }),
    );
    #[cfg(theirstack_has = "op:get_webhooks_events_count_v0")]
    let r = r.route(
        "/v0/webhooks/{webhook_id}/events/count",
        op(MethodFilter::GET, "get_webhooks_events_count_v0", |s, i| {
            webhooks::events_count(s, i.id()?)
        }),
    );
    r
}

/// The 405 of a known path: the envelope, with the methods the path has in `Allow`.
async fn method_not_allowed(State(s): Ctx, method: Method, uri: Uri) -> Response {
    let path = uri.path();
    let mut response = s.finish(Err(Failure::new(
        Kind::MethodNotAllowed,
        format!(
            "{method} is not allowed on {}",
            path.chars().take(200).collect::<String>()
        ),
    )));
    if let Some(allow) = allowed_methods(path)
        && let Ok(value) = HeaderValue::from_str(&allow)
    {
        response
            .headers_mut()
            .insert(axum::http::header::ALLOW, value);
    }
    response
}

/// The methods of the document's operations on `path`: those of the templates that match it
/// with the most literal segments, as the router prefers a literal segment to a parameter
/// (`/v0/webhooks/test` is not `/v0/webhooks/{webhook_id}`).
fn allowed_methods(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut best: Option<(usize, Vec<&str>)> = None;
    for (template, method) in ROUTES {
        let parts: Vec<&str> = template.split('/').collect();
        let fits = parts.len() == segments.len()
            && parts
                .iter()
                .zip(&segments)
                .all(|(t, s)| t.starts_with('{') || t == s);
        if !fits {
            continue;
        }
        let literal = parts.iter().filter(|t| !t.starts_with('{')).count();
        match &mut best {
            Some((n, methods)) if *n == literal => {
                if !methods.contains(method) {
                    methods.push(method);
                }
            }
            Some((n, _)) if *n > literal => {}
            _ => best = Some((literal, vec![method])),
        }
    }
    best.map(|(_, methods)| methods.join(", "))
}

/// Path and method of every operation the sandbox serves from this document.
const ROUTES: &[(&str, &str)] = &[
    #[cfg(theirstack_has = "op:search_jobs_v1")]
    ("/v1/jobs/search", "POST"),
    #[cfg(theirstack_has = "op:search_companies_v1")]
    ("/v1/companies/search", "POST"),
    #[cfg(theirstack_has = "op:technographics_v1")]
    ("/v1/companies/technologies", "POST"),
    #[cfg(theirstack_has = "op:get_billing_credit_balance_v0")]
    ("/v0/billing/credit-balance", "GET"),
    #[cfg(theirstack_has = "op:get_teams_credits_consumption_v0")]
    ("/v0/teams/credits_consumption", "GET"),
    #[cfg(theirstack_has = "op:get_requests_count_v0")]
    ("/v0/requests/count", "GET"),
    #[cfg(theirstack_has = "op:get_datasets_v1")]
    ("/v1/datasets", "GET"),
    #[cfg(theirstack_has = "op:post_datasets_credentials_v1")]
    ("/v1/datasets/credentials", "POST"),
    #[cfg(theirstack_has = "op:get_saved_searches_v0")]
    ("/v0/saved_searches", "GET"),
    #[cfg(theirstack_has = "op:post_saved_searches_v0")]
    ("/v0/saved_searches", "POST"),
    #[cfg(theirstack_has = "op:get_saved_searches_by_id_v0")]
    ("/v0/saved_searches/{search_id}", "GET"),
    #[cfg(theirstack_has = "op:patch_saved_searches_by_id_v0")]
    ("/v0/saved_searches/{search_id}", "PATCH"),
    #[cfg(theirstack_has = "op:patch_saved_searches_archive_v0")]
    ("/v0/saved_searches/{search_id}/archive", "PATCH"),
    #[cfg(theirstack_has = "op:get_company_lists_v0")]
    ("/v0/company_lists", "GET"),
    #[cfg(theirstack_has = "op:post_company_lists_v0")]
    ("/v0/company_lists", "POST"),
    #[cfg(theirstack_has = "op:post_company_lists_add_companies_multiple_v0")]
    ("/v0/company_lists/add_companies", "POST"),
    #[cfg(theirstack_has = "op:get_company_lists_by_id_v0")]
    ("/v0/company_lists/{list_id}", "GET"),
    #[cfg(theirstack_has = "op:patch_company_lists_by_id_v0")]
    ("/v0/company_lists/{list_id}", "PATCH"),
    #[cfg(theirstack_has = "op:delete_company_lists_by_id_v0")]
    ("/v0/company_lists/{list_id}", "DELETE"),
    #[cfg(theirstack_has = "op:get_company_lists_companies_v0")]
    ("/v0/company_lists/{list_id}/companies", "GET"),
    #[cfg(theirstack_has = "op:get_company_lists_companies_export_v0")]
    ("/v0/company_lists/{list_id}/companies/export", "GET"),
    #[cfg(theirstack_has = "op:post_company_lists_add_companies_v0")]
    ("/v0/company_lists/{list_id}/add_companies", "POST"),
    #[cfg(theirstack_has = "op:post_company_lists_remove_companies_v0")]
    ("/v0/company_lists/{list_id}/remove_companies", "POST"),
    #[cfg(theirstack_has = "op:post_company_lists_duplicate_v0")]
    ("/v0/company_lists/{list_id}/duplicate", "POST"),
    #[cfg(theirstack_has = "op:get_catalog_locations_v0")]
    ("/v0/catalog/locations", "GET"),
    #[cfg(theirstack_has = "op:get_catalog_industries_v0")]
    ("/v0/catalog/industries", "GET"),
    #[cfg(theirstack_has = "op:get_catalog_technologies_v0")]
    ("/v0/catalog/technologies", "GET"),
    #[cfg(theirstack_has = "op:get_catalog_jobs_companies_per_job_country_code_v0")]
    ("/v0/catalog/jobs_companies_per_job_country_code", "GET"),
    #[cfg(theirstack_has = "op:get_catalog_companies_per_company_country_code_v0")]
    ("/v0/catalog/companies_per_company_country_code", "GET"),
    #[cfg(theirstack_has = "op:list_categories_v1")]
    ("/v1/catalog/technologies/categories", "GET"),
    #[cfg(theirstack_has = "op:list_subcategories_v1")]
    ("/v1/catalog/technologies/subcategories", "GET"),
    #[cfg(theirstack_has = "op:get_webhooks_v0")]
    ("/v0/webhooks", "GET"),
    #[cfg(theirstack_has = "op:post_webhooks_v0")]
    ("/v0/webhooks", "POST"),
    #[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0")]
    ("/v0/webhooks/events/count", "GET"),
    #[cfg(theirstack_has = "op:post_webhooks_events_retry_v0")]
    ("/v0/webhooks/events/retry", "POST"),
    #[cfg(theirstack_has = "op:post_webhooks_test_v0")]
    ("/v0/webhooks/test", "POST"),
    #[cfg(theirstack_has = "op:get_webhooks_by_id_v0")]
    ("/v0/webhooks/{webhook_id}", "GET"),
    #[cfg(theirstack_has = "op:patch_webhooks_by_id_v0")]
    ("/v0/webhooks/{webhook_id}", "PATCH"),
    #[cfg(theirstack_has = "op:patch_webhooks_status_v0")]
    ("/v0/webhooks/{webhook_id}/status", "PATCH"),
    #[cfg(theirstack_has = "op:patch_webhooks_archive_v0")]
    ("/v0/webhooks/{webhook_id}/archive", "PATCH"),
    #[cfg(theirstack_has = "op:get_webhooks_events_v0")]
    ("/v0/webhooks/{webhook_id}/events", "GET"),
    #[cfg(theirstack_has = "op:get_webhooks_events_count_v0")]
    ("/v0/webhooks/{webhook_id}/events/count", "GET"),
];

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    operations(Router::new())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}
