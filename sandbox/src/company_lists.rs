//! Company lists, in memory: list, get, create, rename, delete, duplicate, add and remove
//! companies (one list or many), the companies of a list (sorted, filtered, paged) and export.
//!
//! Rule: list 1, "Revealed companies" (`REVEALED_COMPANIES`, not deletable), holds the first
//! three companies of the data from the start; lists made through the API are
//! `MANUAL_CREATION`, ids counting from 2. A company is named by its `id` (or, through the
//! deprecated `company_names`, by its exact name); ids and names the data does not have are
//! skipped, and a company is in a list at most once. Every answer is a generated type.

use crate::errors::{Failure, built, json_response};
use crate::paging::{Style, list_window};
use crate::request::{self, Query};
use crate::state::{Shared, USER_ID};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration as Days, Utc};
use std::collections::BTreeMap;
use theirstack::types;

/// The companies the revealed list starts with.
const REVEALED_AT_START: usize = 3;

/// A company in a list.
#[derive(Debug, Clone)]
struct Entry {
    /// The company, as an index into the data's companies.
    company: usize,
    added_at: DateTime<Utc>,
}

/// A company list.
#[derive(Debug, Clone)]
struct List {
    id: i64,
    name: String,
    kind: types::CompanyListType,
    deletable: bool,
    created_at: DateTime<Utc>,
    entries: Vec<Entry>,
}

/// Every company list of the sandbox's team.
#[derive(Debug)]
pub(crate) struct Store {
    lists: BTreeMap<i64, List>,
    next_id: i64,
}

impl Store {
    /// The store with the revealed-companies list.
    pub(crate) fn new(now: DateTime<Utc>, companies: usize) -> Store {
        let entries = (0..companies.min(REVEALED_AT_START))
            .map(|company| Entry {
                company,
                added_at: now - Days::days(7 - company as i64),
            })
            .collect();
        let revealed = List {
            id: 1,
            name: "Revealed companies".to_string(),
            kind: types::CompanyListType::RevealedCompanies,
            deletable: false,
            created_at: now - Days::days(30),
            entries,
        };
        Store {
            lists: BTreeMap::from([(1, revealed)]),
            next_id: 2,
        }
    }

    fn list(&self, id: i64) -> Result<&List, Failure> {
        self.lists
            .get(&id)
            .ok_or_else(|| Failure::not_found(format!("no company list with id {id}")))
    }

    fn list_mut(&mut self, id: i64) -> Result<&mut List, Failure> {
        self.lists
            .get_mut(&id)
            .ok_or_else(|| Failure::not_found(format!("no company list with id {id}")))
    }

    fn insert(&mut self, name: String, created_at: DateTime<Utc>, entries: Vec<Entry>) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let list = List {
            id,
            name,
            kind: types::CompanyListType::ManualCreation,
            deletable: true,
            created_at,
            entries,
        };
        self.lists.insert(id, list);
        id
    }
}

impl List {
    /// Adds the companies not in the list yet; returns how many were added.
    fn add(&mut self, companies: &[usize], now: DateTime<Utc>) -> usize {
        let mut added = 0;
        for &company in companies {
            if !self.entries.iter().any(|e| e.company == company) {
                self.entries.push(Entry {
                    company,
                    added_at: now,
                });
                added += 1;
            }
        }
        added
    }

    fn view(&self) -> Result<types::CompanyList, Failure> {
        built(
            types::CompanyList::builder()
                .companies_count(i64::try_from(self.entries.len()).unwrap_or(i64::MAX))
                .created_at(types::Timestamp(self.created_at))
                .deletable(Some(self.deletable))
                .id(self.id)
                .name(self.name.clone())
                .type_(Some(self.kind.clone()))
                .user_id(Some(USER_ID)),
        )
    }
}

/// The indices of the companies named by `ids` (and, when given, exact `names`), in the order
/// asked for, each once; unknown ones are skipped.
fn companies_named(shared: &Shared, ids: &[String], names: &[String]) -> Vec<usize> {
    let data = shared.data();
    let companies = &data.companies;
    let mut out: Vec<usize> = Vec::new();
    let by_id = ids
        .iter()
        .filter_map(|id| companies.iter().position(|c| c.record.id == *id));
    let by_name = names
        .iter()
        .filter_map(|name| companies.iter().position(|c| c.record.name == *name));
    for i in by_id.chain(by_name) {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

fn ok<T: serde::Serialize>(value: &T) -> Result<Response, Failure> {
    Ok(json_response(StatusCode::OK, value))
}

/// `GET /v0/company_lists`: every list, by id.
#[cfg(theirstack_has = "op:get_company_lists_v0")]
pub(crate) fn list(shared: &Shared) -> Result<Response, Failure> {
    let store = shared.company_lists();
    let views = store
        .lists
        .values()
        .map(List::view)
        .collect::<Result<Vec<_>, _>>()?;
    ok(&views)
}

/// `POST /v0/company_lists`.
#[cfg(theirstack_has = "op:post_company_lists_v0")]
pub(crate) fn create(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    let input: types::CompanyListCreate = request::body(body)?;
    let now = shared.now();
    let mut store = shared.company_lists();
    let id = store.insert(input.name, now, Vec::new());
    ok(&store.list(id)?.view()?)
}

/// `GET /v0/company_lists/{list_id}`.
#[cfg(theirstack_has = "op:get_company_lists_by_id_v0")]
pub(crate) fn get(shared: &Shared, id: &str) -> Result<Response, Failure> {
    let id = request::path_id("list_id", id)?;
    ok(&shared.company_lists().list(id)?.view()?)
}

/// `PATCH /v0/company_lists/{list_id}`: renames the list.
#[cfg(theirstack_has = "op:patch_company_lists_by_id_v0")]
pub(crate) fn rename(shared: &Shared, id: &str, body: &[u8]) -> Result<Response, Failure> {
    let id = request::path_id("list_id", id)?;
    let input: types::CompanyListRename = request::body(body)?;
    let mut store = shared.company_lists();
    let list = store.list_mut(id)?;
    list.name = input.new_name;
    ok(&list.view()?)
}

/// `DELETE /v0/company_lists/{list_id}`: answers `null`; the revealed list cannot be deleted.
#[cfg(theirstack_has = "op:delete_company_lists_by_id_v0")]
pub(crate) fn delete(shared: &Shared, id: &str) -> Result<Response, Failure> {
    let id = request::path_id("list_id", id)?;
    let mut store = shared.company_lists();
    if !store.list(id)?.deletable {
        return Err(Failure::validation(format!(
            "company list {id} cannot be deleted"
        )));
    }
    store.lists.remove(&id);
    ok(&serde_json::Value::Null)
}

/// `POST /v0/company_lists/{list_id}/duplicate`: a new list with the same companies, named
/// "<name> (copy)".
#[cfg(theirstack_has = "op:post_company_lists_duplicate_v0")]
pub(crate) fn duplicate(shared: &Shared, id: &str) -> Result<Response, Failure> {
    let id = request::path_id("list_id", id)?;
    let now = shared.now();
    let mut store = shared.company_lists();
    let source = store.list(id)?;
    let name = format!("{} (copy)", source.name);
    let entries = source.entries.clone();
    let copy = store.insert(name, now, entries);
    ok(&store.list(copy)?.view()?)
}

/// `POST /v0/company_lists/{list_id}/add_companies`.
#[cfg(theirstack_has = "op:post_company_lists_add_companies_v0")]
pub(crate) fn add(shared: &Shared, id: &str, body: &[u8]) -> Result<Response, Failure> {
    let id = request::path_id("list_id", id)?;
    let input: types::BodyPostCompanyListsAddCompaniesV0 = request::body(body)?;
    let companies = companies_named(shared, &input.company_ids, &input.company_names);
    let now = shared.now();
    let mut store = shared.company_lists();
    let list = store.list_mut(id)?;
    list.add(&companies, now);
    ok(&list.view()?)
}

/// `POST /v0/company_lists/{list_id}/remove_companies`.
#[cfg(theirstack_has = "op:post_company_lists_remove_companies_v0")]
pub(crate) fn remove(shared: &Shared, id: &str, body: &[u8]) -> Result<Response, Failure> {
    let id = request::path_id("list_id", id)?;
    let input: types::BodyPostCompanyListsRemoveCompaniesV0 = request::body(body)?;
    let mut store = shared.company_lists();
    let list = store.list_mut(id)?;
    let snapshot = shared.data();
    let data = &*snapshot;
    list.entries.retain(|e| {
        !input
            .company_ids
            .contains(&data.companies[e.company].record.id)
    });
    ok(&list.view()?)
}

/// `POST /v0/company_lists/add_companies`: the same companies into every listed list; an
/// unknown list id is a 404 and changes nothing. Answers `null`.
#[cfg(theirstack_has = "op:post_company_lists_add_companies_multiple_v0")]
pub(crate) fn add_to_many(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    let input: types::BodyPostCompanyListsAddCompaniesMultipleV0 = request::body(body)?;
    let companies = companies_named(shared, &input.company_ids, &[]);
    let now = shared.now();
    let mut store = shared.company_lists();
    for &id in &input.list_ids {
        store.list(id)?;
    }
    for &id in &input.list_ids {
        store.list_mut(id)?.add(&companies, now);
    }
    ok(&serde_json::Value::Null)
}

/// The entries of a list, filtered by `company_name_partial` and sorted by `order_by`
/// (`revealed_at`, the default, or `name`) in `order_direction` (`desc`, the default, or
/// `asc`); ties by company id.
#[cfg(theirstack_has = "op:get_company_lists_companies_v0")]
fn sorted_entries(shared: &Shared, list: &List, query: &Query) -> Result<Vec<Entry>, Failure> {
    let by_name = query.one_of("order_by", &["revealed_at", "name"])? == Some("name");
    let ascending = query.one_of("order_direction", &["asc", "desc"])? == Some("asc");
    let partial = query.get("company_name_partial").map(str::to_lowercase);
    let snapshot = shared.data();
    let data = &*snapshot;
    let mut entries: Vec<Entry> = list
        .entries
        .iter()
        .filter(|e| {
            partial.as_ref().is_none_or(|p| {
                data.companies[e.company]
                    .record
                    .name
                    .to_lowercase()
                    .contains(p.as_str())
            })
        })
        .cloned()
        .collect();
    entries.sort_by(|a, b| {
        let (ra, rb) = (
            &data.companies[a.company].record,
            &data.companies[b.company].record,
        );
        let order = if by_name {
            ra.name.cmp(&rb.name)
        } else {
            a.added_at.cmp(&b.added_at)
        };
        let order = if ascending { order } else { order.reverse() };
        order.then(ra.id.cmp(&rb.id))
    });
    Ok(entries)
}

/// `GET /v0/company_lists/{list_id}/companies`: paged by `offset` + `limit` or `page` +
/// `limit` (not both; `limit` defaults to 25).
#[cfg(theirstack_has = "op:get_company_lists_companies_v0")]
pub(crate) fn companies(shared: &Shared, id: &str, query: &Query) -> Result<Response, Failure> {
    let id = request::path_id("list_id", id)?;
    let store = shared.company_lists();
    let list = store.list(id)?;
    let entries = sorted_entries(shared, list, query)?;
    let range = list_window(query, entries.len(), 25, None, Style::Both)?;
    let data = shared.data();
    let items = entries[range]
        .iter()
        .map(|e| {
            let record = &data.companies[e.company].record;
            built::<types::CompanyListItem, _>(
                types::CompanyListItem::builder()
                    .added_at(types::Timestamp(e.added_at))
                    .company_name(record.name.clone())
                    .company_object(record.clone())
                    .revealed_at(types::Timestamp(e.added_at)),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    ok(&items)
}

/// `GET /v0/company_lists/{list_id}/companies/export`: the download URL of a `file_format`
/// (`csv`, the default, or `xlsx`) file of the page asked for. The URL is made up (host
/// `exports.sandbox.invalid`) and names the list, the format and the rows.
#[cfg(theirstack_has = "op:get_company_lists_companies_export_v0")]
pub(crate) fn export(shared: &Shared, id: &str, query: &Query) -> Result<Response, Failure> {
    let id = request::path_id("list_id", id)?;
    let format = query
        .one_of("file_format", &["csv", "xlsx"])?
        .unwrap_or("csv");
    let store = shared.company_lists();
    let list = store.list(id)?;
    let range = list_window(query, list.entries.len(), 25, None, Style::Both)?;
    let url = format!(
        "https://exports.sandbox.invalid/company-lists/{id}/companies.{format}?offset={}&limit={}",
        range.start,
        range.len()
    );
    let answer: types::CompanyListExportResponse =
        built(types::CompanyListExportResponse::builder().url(url))?;
    ok(&answer)
}
