//! Lookups of many companies at once (technographics, buying intents): companies named by
//! domain, LinkedIn URL or exact name, looked up concurrently under the client's rate limiter,
//! each result delivered with the company it belongs to. A failed lookup is a result like any
//! other; it stops nothing.

use super::paginator::Paginator;
use super::source::Source;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::rate_limit::EndpointGroup;
use crate::types;
use futures::stream::{self, Stream, StreamExt};
use std::fmt;
use std::str::FromStr;

/// A company to look up, as a person writes it: `stripe.com`, `https://www.linkedin.com/company/stripe`,
/// or `name:Stripe` (the exact name).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CompanyRef {
    /// A domain (a URL or an e-mail address also works, as TheirStack reads them).
    Domain(String),
    /// A LinkedIn company URL.
    LinkedIn(String),
    /// The company's exact name.
    Name(String),
}

impl FromStr for CompanyRef {
    type Err = Error;

    /// Reads one line: `name:<exact name>`, a LinkedIn URL, or a domain. Blank input and a
    /// domain with spaces or without a dot are refused, naming the value.
    fn from_str(line: &str) -> Result<CompanyRef> {
        let line = line.trim();
        if let Some(name) = line.strip_prefix("name:") {
            let name = name.trim();
            if name.is_empty() {
                return Err(Error::invalid_input(
                    "`name:` needs a company name after it",
                ));
            }
            return Ok(CompanyRef::Name(name.to_string()));
        }
        if line.to_ascii_lowercase().contains("linkedin.com/") {
            return Ok(CompanyRef::LinkedIn(line.to_string()));
        }
        let host = line
            .split_once("://")
            .map_or(line, |(_, rest)| rest)
            .rsplit('@')
            .next()
            .unwrap_or(line);
        if line.is_empty() || line.chars().any(char::is_whitespace) || !host.contains('.') {
            return Err(Error::invalid_input(format!(
                "`{line}` is not a company: write a domain (stripe.com), a LinkedIn URL, or name:<exact name>"
            )));
        }
        Ok(CompanyRef::Domain(line.to_string()))
    }
}

impl fmt::Display for CompanyRef {
    /// The company as it would be written on a line of input.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompanyRef::Domain(d) => f.write_str(d),
            CompanyRef::LinkedIn(u) => f.write_str(u),
            CompanyRef::Name(n) => write!(f, "name:{n}"),
        }
    }
}

impl CompanyRef {
    /// The lookup filters that name this company.
    pub fn filters(&self) -> types::TechDetailsFilters {
        let mut filters = types::TechDetailsFilters::default();
        match self {
            CompanyRef::Domain(d) => filters.company_domain = Some(d.clone()),
            CompanyRef::LinkedIn(u) => filters.company_linkedin_url = Some(u.clone()),
            CompanyRef::Name(n) => filters.company_name = Some(n.clone()),
        }
        filters
    }
}

/// A lookup source that one company's filters define (technographics, buying intents).
pub trait Lookup: Source + Sized {
    /// The source for these filters.
    fn for_filters(filters: types::TechDetailsFilters) -> Self;
}

/// One company's lookup, done.
#[derive(Debug)]
#[non_exhaustive]
pub struct LookupResult<T> {
    /// The company, as it was given.
    pub company: CompanyRef,
    /// Its rows (empty: TheirStack found nothing, and charged nothing), or why it failed.
    pub rows: Result<Vec<T>>,
    /// Credits the lookup cost.
    pub credits: u64,
}

impl Client {
    /// Looks up every company with source `S` (e.g. [`Technographics`](super::Technographics)),
    /// `concurrency` lookups at a time, each taking its slots in the client's rate limiter, so
    /// no concurrency can overshoot the limit. Results come in completion order, each with its
    /// company; a failed lookup is reported in its result and stops nothing.
    pub fn lookups<S: Lookup>(
        &self,
        companies: impl IntoIterator<Item = CompanyRef>,
        concurrency: usize,
    ) -> impl Stream<Item = LookupResult<S::Item>> + Send + 'static {
        let client = self.clone();
        let companies: Vec<CompanyRef> = companies.into_iter().collect();
        stream::iter(companies)
            .map(move |company| {
                let pager: Paginator<S> = client.paginate(S::for_filters(company.filters()));
                async move {
                    let mut credits = 0;
                    let mut rows = Vec::new();
                    let mut pages = std::pin::pin!(pager.pages());
                    let mut failure = None;
                    while let Some(page) = pages.next().await {
                        match page {
                            Ok(page) => {
                                credits += page.credits;
                                rows.extend(page.items);
                            }
                            Err(e) => {
                                failure = Some(e);
                                break;
                            }
                        }
                    }
                    LookupResult {
                        company,
                        rows: match failure {
                            Some(e) => Err(e),
                            None => Ok(rows),
                        },
                        credits,
                    }
                }
            })
            .buffer_unordered(concurrency.max(1))
    }

    /// Lookups at once that the search group's rate limit can serve without queueing: the
    /// quota of its shortest window (4 for both of TheirStack's tiers).
    pub fn lookup_concurrency(&self) -> usize {
        self.rate_limit_quotas(EndpointGroup::Search)
            .first()
            .map_or(1, |q| q.requests as usize)
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn companies_are_read_from_lines() {
        let read = |s: &str| s.parse::<CompanyRef>();
        assert_eq!(
            read(" stripe.com ").unwrap(),
            CompanyRef::Domain("stripe.com".into())
        );
        assert_eq!(
            read("https://www.linkedin.com/company/stripe").unwrap(),
            CompanyRef::LinkedIn("https://www.linkedin.com/company/stripe".into())
        );
        assert_eq!(
            read("name: Acme Inc").unwrap(),
            CompanyRef::Name("Acme Inc".into())
        );
        assert_eq!(
            read("https://acme.example/x").unwrap().to_string(),
            "https://acme.example/x"
        );
        assert_eq!(read("name:Acme").unwrap().to_string(), "name:Acme");
        for bad in ["", "   ", "acme", "acme .com", "name:", "name:   "] {
            let err = read(bad).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidInput, "{bad:?}");
        }
        assert!(
            read("acme")
                .unwrap_err()
                .to_string()
                .contains("`acme` is not a company")
        );
    }

    #[test]
    fn each_kind_of_reference_sets_its_own_filter() {
        let f = CompanyRef::Domain("a.example".into()).filters();
        assert_eq!(f.company_domain.as_deref(), Some("a.example"));
        assert!(f.company_name.is_none() && f.company_linkedin_url.is_none());
        let f = CompanyRef::Name("Acme".into()).filters();
        assert_eq!(f.company_name.as_deref(), Some("Acme"));
        let f = CompanyRef::LinkedIn("https://linkedin.com/company/a".into()).filters();
        assert_eq!(
            f.company_linkedin_url.as_deref(),
            Some("https://linkedin.com/company/a")
        );
    }
}
