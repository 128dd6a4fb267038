//! Runs the unit tests of the OpenAPI 3.1 → 3.0 converter that the build script uses.

#[path = "../build/convert/mod.rs"]
#[allow(dead_code)]
mod convert;
