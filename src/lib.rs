//! Typed client for the TheirStack API (placeholder docs, filled in below).

#[allow(unused_imports, dead_code, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}

pub mod client;
pub mod types;
