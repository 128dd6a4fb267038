//! Request and response types generated from the OpenAPI document.

pub use crate::generated::types::*;
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
