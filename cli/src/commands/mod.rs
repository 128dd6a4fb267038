//! The command groups, one file each with its clap arguments and its handler side by side, and
//! what they share: reading a JSON body from a file, checking a body built from flags, periods.
//!
//! Rule: a flag fills one documented field; `--filters FILE|-` reads a whole body, checked
//! against the typed body so an unknown key is refused by name; flags given alongside it win.

pub mod api;
#[cfg(theirstack_has = "op:buying_intents_v1")]
pub mod buying_intents;
pub mod catalog;
#[cfg(theirstack_has = "op:get_catalog_keywords_v0")]
pub mod catalog_keywords;
pub mod companies;
pub mod company_lists;
pub mod credits;
#[cfg(any(
    theirstack_has = "op:get_datasets_v1",
    theirstack_has = "op:post_datasets_credentials_v1"
))]
pub mod datasets;
pub mod jobs;
#[cfg(any(
    theirstack_has = "op:technographics_v1",
    theirstack_has = "op:buying_intents_v1"
))]
pub mod lookup;
pub mod sandbox;
pub mod saved_searches;
pub mod sync;
#[cfg(theirstack_has = "op:technographics_v1")]
pub mod technographics;
pub mod webhooks;
pub mod webhooks_serve;

use crate::Failure;
use clap::{Args, Subcommand};
use serde_json::Value;
use std::path::PathBuf;
use theirstack::types;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Job search (1 credit per job).
    #[command(subcommand)]
    Jobs(jobs::JobsCommand),
    /// Company search (3 credits per company).
    #[command(subcommand)]
    Companies(companies::CompaniesCommand),
    /// Technologies a company uses, or every company of a file (3 credits per lookup).
    #[cfg(theirstack_has = "op:technographics_v1")]
    Technographics(technographics::TechArgs),
    /// Buying-intent topics of a company, or of every company of a file (3 credits per lookup).
    #[cfg(theirstack_has = "op:buying_intents_v1")]
    #[command(name = "buying-intents")]
    BuyingIntents(buying_intents::IntentArgs),
    /// API credit balance and consumption, and requests per day.
    #[command(subcommand)]
    Credits(credits::CreditsCommand),
    /// Keep a SQLite or PostgreSQL database of matching jobs current, paying once per job.
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// Manage webhooks and their events, and receive them into a database.
    #[command(subcommand)]
    Webhooks(webhooks::WebhooksCommand),
    /// Catalog of technologies, keywords, industries and locations used in filters (free).
    #[command(subcommand)]
    Catalog(catalog::CatalogCommand),
    /// Saved searches (webhooks listen to them).
    #[command(subcommand, name = "saved-searches")]
    SavedSearches(saved_searches::SavedSearchesCommand),
    /// Company lists.
    #[command(subcommand, name = "company-lists")]
    CompanyLists(company_lists::CompanyListsCommand),
    /// Bulk datasets and credentials to download them.
    #[command(subcommand)]
    #[cfg(any(
        theirstack_has = "op:get_datasets_v1",
        theirstack_has = "op:post_datasets_credentials_v1"
    ))]
    Datasets(datasets::DatasetsCommand),
    /// Call any operation of the API document by its operationId (list them with no argument).
    Api(api::ApiArgs),
    /// Serve an offline TheirStack-compatible API with synthetic data.
    Sandbox(sandbox::SandboxArgs),
}

/// A period of time.
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// Start (RFC 3339 or YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_name = "DATETIME")]
    pub start: Option<types::Timestamp>,
    /// End (RFC 3339 or YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_name = "DATETIME")]
    pub end: Option<types::Timestamp>,
    /// IANA time zone of the daily buckets.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
}

/// Reads a JSON body from a file or stdin (`-`) as `T`, the type of component `schema`. An
/// unknown key is refused with its path.
pub fn read_body<T: serde::de::DeserializeOwned>(
    path: &PathBuf,
    schema: &str,
) -> Result<T, String> {
    let value = read_json(path)?;
    let shown = path.display();
    // Checked against the document's closed objects at every depth, not only where the
    // generated type is closed.
    if let Some(key) = theirstack::document::unknown_field(schema, &value) {
        return Err(format!("invalid filters in {shown}: unknown field `{key}`"));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let at = e.path().to_string();
        let where_ = if at == "." {
            String::new()
        } else {
            format!(" at {at}")
        };
        format!("invalid filters in {shown}{where_}: {}", e.inner())
    })
}

/// Reads any JSON value from a file or stdin (`-`).
pub fn read_json(path: &PathBuf) -> Result<Value, String> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("cannot read stdin: {e}"))?
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    };
    serde_json::from_str(&text).map_err(|e| format!("invalid JSON in {}: {e}", path.display()))
}

/// Reads a JSON body built from flags into its typed form; an error names the flag.
pub fn typed_body<T: serde::de::DeserializeOwned>(body: Value) -> Result<T, Failure> {
    serde_path_to_error::deserialize(body).map_err(|e| match e.path().to_string().as_str() {
        "." => Failure::Usage(e.inner().to_string()),
        path => Failure::Usage(format!("--{}: {}", path.replace('_', "-"), e.inner())),
    })
}

/// A body from a generated builder (`types::X::builder()...try_into()`); a missing or invalid
/// field is bad usage.
pub fn built<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T, Failure> {
    result.map_err(|e| Failure::Usage(e.to_string()))
}

/// Appends the values not already in `target`.
pub fn extend<T: Clone + PartialEq>(target: &mut Vec<T>, values: &[T]) {
    for v in values {
        if !target.contains(v) {
            target.push(v.clone());
        }
    }
}

/// The officially assigned ISO 3166-1 alpha-2 codes (249), and `XK` (Kosovo), which is
/// user-assigned but in wide use.
const ISO_3166_ALPHA_2: &str = "\
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS \
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE \
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM \
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC \
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA \
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW \
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO \
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK";

/// A `--country` value as TheirStack takes it: an ISO 3166-1 alpha-2 code, uppercased. Anything
/// else is refused by name before a request is sent (`USA` would silently match nothing).
pub fn country_code(value: &str) -> Result<String, String> {
    let code = value.trim().to_ascii_uppercase();
    let known = code.len() == 2
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && ISO_3166_ALPHA_2.split_ascii_whitespace().any(|c| c == code);
    if known {
        return Ok(code);
    }
    let hint = match code.as_str() {
        "UK" => " (the United Kingdom is GB)",
        "EL" => " (Greece is GR)",
        _ => "",
    };
    Err(format!(
        "--country `{value}`: not an ISO 3166-1 alpha-2 country code, such as US, GB or DE{hint}"
    ))
}

/// Every `--country` value checked and uppercased.
pub fn country_codes(values: &[String]) -> Result<Vec<String>, String> {
    values.iter().map(|v| country_code(v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_iso_alpha_2() {
        assert_eq!(ISO_3166_ALPHA_2.split_ascii_whitespace().count(), 250);
        assert_eq!(country_code("us").unwrap(), "US");
        assert_eq!(country_code("Gb").unwrap(), "GB");
        for bad in ["USA", "U1", "", "  ", "ZZ", "U"] {
            let err = country_code(bad).unwrap_err();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
        assert!(country_code("uk").unwrap_err().contains("GB"));
    }
}
