#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The client generated from the OpenAPI document: every operation of the API is a method of
/// [`api::Client`], which [`Client`] dereferences to, and returns a builder of [`api::builder`];
/// a failed call is an [`api::Error`], which converts into [`Error`] with `?`. The request and
/// response types are in [`types`].
pub mod api {
    #[allow(unused_imports, dead_code, missing_docs, clippy::all)]
    mod generated {
        include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
    }

    pub(crate) use generated::types;
    pub use generated::{ByteStream, Client, ClientInfo, Error, ResponseValue, builder};
}

pub mod client;
pub mod document;
pub mod error;
pub mod filters;
mod hooks;
pub mod pagination;
pub mod pricing;
pub mod rate_limit;
pub mod raw;
pub mod retry;
pub mod types;
pub mod webhooks;

pub use client::{ApiKey, Client, ClientBuilder};
/// The error of a generated operation's `send()`, before it converts into [`Error`].
pub type OperationError = api::Error<serde_json::Value>;
pub use api::ResponseValue;
pub use error::{ApiError, Error, ErrorKind, Result, ResumePosition};
pub use rate_limit::{EndpointGroup, RateLimit};
pub use retry::RetryPolicy;
