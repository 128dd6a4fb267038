//! Shared test support.
pub mod fake;
pub mod pg;
