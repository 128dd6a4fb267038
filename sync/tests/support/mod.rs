//! Shared test support.
pub mod fake;
