#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[allow(unused_imports, dead_code, missing_docs, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
    include!(concat!(env!("OUT_DIR"), "/document_facts.rs"));
}

pub mod client;
pub mod error;
pub mod filters;
mod hooks;
pub mod pagination;
pub mod pricing;
pub mod rate_limit;
pub mod retry;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod types;
pub mod webhooks;

pub use client::{ApiKey, Client, ClientBuilder};
pub use error::{ApiError, Error, ErrorKind, Result, ResumePosition};
pub use progenitor_client::ResponseValue;
pub use rate_limit::{EndpointGroup, RateLimit};
pub use retry::RetryPolicy;
