//! Turns a converted (OpenAPI 3.0) document into Rust source: the progenitor client, the open
//! enums that replace typify's closed ones, and the `theirstack_has` cfg names the tests use.
//!
//! Rule of this module: everything it emits is derived from the document; nothing here names an
//! operation, a schema or a field of TheirStack's API.

use serde_json::Value;
use std::collections::BTreeSet;

/// Where the open enums live in the crate (the build script includes them there).
const OPEN_ENUM_PATH: &str = "crate::types";
/// The hand-written timestamp type every `date-time` string becomes.
const TIMESTAMP_PATH: &str = "crate::types::Timestamp";
/// The per-client state the hooks receive.
const INNER_TYPE: &str = "crate::client::Shared";

/// A string enum of the document, by component name.
pub struct EnumSpec {
    pub name: String,
    pub description: Option<String>,
    pub values: Vec<String>,
}

/// Every component schema that is a string enum, in name order.
pub fn string_enums(doc: &Value) -> Vec<EnumSpec> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter_map(|(name, schema)| {
            // A one-value enum is a tag (a `const`) that tells union members apart; it stays
            // closed so a payload with another tag is refused rather than kept.
            if crate::convert::string_enum_values(schema)?.len() < 2 {
                return None;
            }
            let values = schema["enum"]
                .as_array()?
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
            Some(EnumSpec {
                name: name.clone(),
                description: schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(String::from),
                values,
            })
        })
        .collect()
}

/// The Rust type name progenitor gives a component (`JobLocation-Output` → `JobLocationOutput`).
pub fn type_name(component: &str) -> String {
    crate::convert::pascal(component)
}

/// The variant name of an enum value (`company_object.domain` → `CompanyObjectDomain`).
fn variant_name(value: &str) -> String {
    let lower = if value.chars().any(|c| c.is_ascii_lowercase()) {
        value.to_string()
    } else {
        value.to_ascii_lowercase()
    };
    let name = crate::convert::pascal(&lower);
    match name.chars().next() {
        None => "Empty".to_string(),
        Some(c) if c.is_ascii_digit() => format!("V{name}"),
        Some(_) => name,
    }
}

/// Rust source for the open enums: each keeps unknown values in an `Unknown(String)` variant.
pub fn open_enums_source(enums: &[EnumSpec]) -> String {
    let mut out = String::from(OPEN_ENUM_PRELUDE);
    for spec in enums {
        let ty = type_name(&spec.name);
        let variants: Vec<(String, &str)> = spec
            .values
            .iter()
            .map(|v| (variant_name(v), v.as_str()))
            .collect();
        let names: BTreeSet<&str> = variants.iter().map(|(n, _)| n.as_str()).collect();
        let fallback = if names.contains("Unknown") {
            "UnknownValue"
        } else {
            "Unknown"
        };
        let doc = spec
            .description
            .clone()
            .unwrap_or_else(|| format!("`{}` values.", spec.name));
        out.push_str(&format!(
            "#[doc = {doc:?}]\n///\n/// Values this crate does not know yet decode to [`{ty}::{fallback}`] with the raw string.\n\
             #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\n#[non_exhaustive]\npub enum {ty} {{\n"
        ));
        for (name, value) in &variants {
            out.push_str(&format!(
                "    #[doc = \"`{}`\"]\n    {name},\n",
                value.replace('"', "\\\"")
            ));
        }
        out.push_str(&format!(
            "    /// A value this version of the crate does not know, as received.\n    {fallback}(::std::string::String),\n}}\n\n"
        ));
        let values: Vec<String> = spec.values.iter().map(|v| format!("{v:?}")).collect();
        out.push_str(&format!(
            "impl {ty} {{\n    /// Every value this version of the crate knows, as written on the wire.\n    \
             pub const VALUES: &'static [&'static str] = &[{}];\n\n    \
             /// The value as written on the wire.\n    pub fn as_str(&self) -> &str {{\n        match self {{\n",
            values.join(", ")
        ));
        for (name, value) in &variants {
            out.push_str(&format!("            Self::{name} => {value:?},\n"));
        }
        out.push_str(&format!(
            "            Self::{fallback}(raw) => raw,\n        }}\n    }}\n\n    \
             /// Whether this value is one the crate knows.\n    pub fn is_known(&self) -> bool {{\n        \
             !matches!(self, Self::{fallback}(_))\n    }}\n\n    \
             fn from_wire(value: &str) -> Self {{\n        match value {{\n"
        ));
        for (name, value) in &variants {
            out.push_str(&format!("            {value:?} => Self::{name},\n"));
        }
        out.push_str(&format!(
            "            other => Self::{fallback}(other.to_owned()),\n        }}\n    }}\n}}\n\n\
             open_enum_impls!({ty});\n\n"
        ));
    }
    out
}

const OPEN_ENUM_PRELUDE: &str = r#"// Generated by the build script from the OpenAPI document; do not edit.

/// Conversions and serde support shared by every open enum.
macro_rules! open_enum_impls {
    ($ty:ident) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl ::std::convert::From<&str> for $ty {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }

        impl ::std::convert::From<::std::string::String> for $ty {
            fn from(value: ::std::string::String) -> Self {
                Self::from_wire(&value)
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_str(crate::types::open_enum::StrVisitor(Self::from_wire))
            }
        }
    };
}
"#;

/// The `theirstack_has` cfg values the document supports: `op:operationId` for every operation,
/// `op:operationId?param` for each of its parameters (and `op:operationId?param[]` when it is a
/// list), `Component.field` for every property and `Component=value` for every enum value. Hand-written
/// wrappers of an operation, and tests of later API additions, are gated on them.
pub fn capability_cfgs(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for item in paths.values() {
            for method in crate::convert::METHODS {
                let Some(op) = item.get(method) else {
                    continue;
                };
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                out.push(format!("op:{id}"));
                // Each parameter, and whether it is a list (repeated in the query).
                for param in op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let Some(name) = param.get("name").and_then(Value::as_str) else {
                        continue;
                    };
                    out.push(format!("op:{id}?{name}"));
                    if param.pointer("/schema/type").and_then(Value::as_str) == Some("array") {
                        out.push(format!("op:{id}?{name}[]"));
                    }
                }
            }
        }
    }
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let ty = type_name(name);
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                out.extend(props.keys().map(|p| format!("{ty}.{p}")));
            }
            if let Some(values) = schema.get("enum").and_then(Value::as_array) {
                out.extend(
                    values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|v| format!("{ty}={v}")),
                );
            }
        }
    }
    out
}

/// Rust source for facts about the document the hand-written layer needs: the one success
/// status every operation documents (when they agree) and the list of operations.
pub fn document_facts_source(doc: &Value) -> String {
    let mut operations = Vec::new();
    let mut success = BTreeSet::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in crate::convert::METHODS {
                let Some(op) = item.get(method) else {
                    continue;
                };
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                operations.push(format!(
                    "    ({id:?}, {:?}, {path:?}),\n",
                    method.to_ascii_uppercase()
                ));
                if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                    success.extend(responses.keys().filter(|c| c.starts_with('2')).cloned());
                }
            }
        }
    }
    operations.sort();
    let status = match success.iter().next() {
        Some(code) if success.len() == 1 => code
            .parse::<u16>()
            .map(|c| format!("Some({c})"))
            .unwrap_or_else(|_| "None".into()),
        _ => "None".to_string(),
    };
    format!(
        "/// The success status every operation documents, when they all document the same one.\n\
         pub(crate) const DOCUMENTED_SUCCESS_STATUS: Option<u16> = {status};\n\n\
         /// Every operation of the document: (operationId, method, path).\n\
         pub const OPERATIONS: &[(&str, &str, &str)] = &[\n{}];\n",
        operations.concat()
    )
}

/// Runs progenitor over the converted document and returns the formatted client source.
pub fn client_source(doc: &Value, enums: &[EnumSpec]) -> Result<String, String> {
    use progenitor::{
        GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
    };
    use schemars::schema::{InstanceType, SchemaObject};

    let spec = serde_json::from_value(doc.clone())
        .map_err(|e| format!("not a valid OpenAPI 3.0 document after conversion: {e}"))?;
    let inner: proc_macro2::TokenStream = INNER_TYPE.parse().map_err(|e| format!("{e}"))?;
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(inner)
        .with_derive("PartialEq");
    for spec in enums {
        let ty = type_name(&spec.name);
        settings.with_replacement(
            &spec.name,
            format!("{OPEN_ENUM_PATH}::{ty}"),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    let date_time = SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        format: Some("date-time".to_string()),
        ..Default::default()
    };
    settings.with_conversion(
        date_time,
        TIMESTAMP_PATH,
        [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
    );

    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor: {e}"))?;
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| format!("generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}
