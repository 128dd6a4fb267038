//! Request and response types generated from the OpenAPI document.

pub use crate::api::types::*;
pub use timestamp::Timestamp;

#[path = "timestamp.rs"]
mod timestamp;

include!(concat!(env!("OUT_DIR"), "/open_enums.rs"));

/// Serde support for the open enums.
pub(crate) mod open_enum {
    /// Deserializes a string and maps it with `from_wire`, borrowing when the input allows it.
    pub(crate) struct StrVisitor<T>(pub(crate) fn(&str) -> T);

    impl<T> serde::de::Visitor<'_> for StrVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok((self.0)(value))
        }
    }
}

/// The filters of a saved search, decoded according to its `type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SavedSearchFilters {
    /// A job search.
    Jobs(Box<JobSearchFiltersOutput>),
    /// A company search.
    Companies(Box<CompanySearchFiltersOutput>),
    /// A search type this crate does not know, kept as sent.
    Other(serde_json::Value),
}

/// Reads a saved search body by its type. Both filter types accept any object, so the body is
/// untyped in the generated code and decoded here, where the `type` is known.
fn saved_search_filters(
    kind: &SavedSearchType,
    body: &serde_json::Value,
) -> Result<SavedSearchFilters, serde_json::Error> {
    Ok(match kind {
        SavedSearchType::Jobs => {
            SavedSearchFilters::Jobs(Box::new(serde_json::from_value(body.clone())?))
        }
        SavedSearchType::Companies => {
            SavedSearchFilters::Companies(Box::new(serde_json::from_value(body.clone())?))
        }
        _ => SavedSearchFilters::Other(body.clone()),
    })
}

impl SavedSearch {
    /// The search's filters, typed by the search's `type`.
    pub fn filters(&self) -> Result<SavedSearchFilters, serde_json::Error> {
        saved_search_filters(&self.type_, &self.body)
    }
}

impl SavedSearchResponseV1 {
    /// The search's filters, typed by the search's `type`.
    pub fn filters(&self) -> Result<SavedSearchFilters, serde_json::Error> {
        saved_search_filters(&self.type_, &self.body)
    }
}
