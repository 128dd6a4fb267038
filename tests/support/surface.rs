//! The public surface of a generated client as sorted, human-readable text.
//!
//! Rule of this module: everything listed is read from the generated Rust (the progenitor
//! client and the open enums, parsed with `syn`); the converted OpenAPI 3.0 document only adds
//! what the Rust does not spell out: each operation's HTTP method and path, where each parameter
//! goes, and the JSON value behind a named serde default. Operations are sorted by path and
//! method, types by name, fields by name; enum variants keep their declared order, which serde
//! uses when it tries untagged variants.

#![allow(dead_code)]

use quote::ToTokens;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use syn::{Fields, FnArg, GenericArgument, ImplItem, Item, PathArguments, ReturnType, Type};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Renders the surface of `codegen` (the progenitor client source), `open_enums` (the open enum
/// source) and `document` (the OpenAPI 3.0 document both were generated from).
pub fn render(codegen: &str, open_enums: &str, document: &Value) -> Result<String, String> {
    let client =
        syn::parse_file(codegen).map_err(|e| format!("client source does not parse: {e}"))?;
    let enums =
        syn::parse_file(open_enums).map_err(|e| format!("open enum source does not parse: {e}"))?;
    let doc = Doc::new(document);
    let mut out = String::new();
    client_section(&client.items, &mut out);
    operations_section(&client.items, &doc, &mut out);
    types_section(&client.items, &doc, &mut out);
    open_enums_section(&enums.items, &mut out);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Document facts

/// Where an operation sits: path, upper-case method, and its parameters as (location, name).
type Placement = (String, String, Vec<(String, String)>);

/// The few document facts the surface needs.
struct Doc<'a> {
    doc: &'a Value,
    /// operationId → placement.
    operations: BTreeMap<String, Placement>,
}

impl<'a> Doc<'a> {
    fn new(doc: &'a Value) -> Self {
        let mut operations = BTreeMap::new();
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                for method in METHODS {
                    let Some(op) = item.get(method) else {
                        continue;
                    };
                    let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                        continue;
                    };
                    let mut params = Vec::new();
                    for list in [item.get("parameters"), op.get("parameters")]
                        .into_iter()
                        .flatten()
                    {
                        for param in list.as_array().into_iter().flatten() {
                            let param = resolve(doc, param);
                            let name = param
                                .get("name")
                                .and_then(Value::as_str)
                                .unwrap_or_default();
                            let place = param.get("in").and_then(Value::as_str).unwrap_or_default();
                            params.push((place.to_string(), name.to_string()));
                        }
                    }
                    operations.insert(
                        id.to_string(),
                        (path.clone(), method.to_ascii_uppercase(), params),
                    );
                }
            }
        }
        Doc { doc, operations }
    }

    /// The `default` of property `field` of the component generated as type `ty`, as JSON.
    fn default_of(&self, ty: &str, field: &str) -> Option<String> {
        let schemas = self.doc.pointer("/components/schemas")?.as_object()?;
        let (_, schema) = schemas
            .iter()
            .find(|(name, _)| squash(name) == squash(ty))?;
        let default = schema.get("properties")?.get(field)?.get("default")?;
        serde_json::to_string(default).ok()
    }
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(pointer) => doc.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

/// Lower-case letters and digits only: how a component name and its Rust type name compare.
fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Client and operations

fn client_section(items: &[Item], out: &mut String) {
    out.push_str("[client]\n");
    for item in items {
        if let Item::Impl(imp) = item {
            let self_ty = render_type(&imp.self_ty);
            match &imp.trait_ {
                Some((path, _)) if last_ident(path) == "ClientInfo" && self_ty == "Client" => {
                    for f in fns(&imp.items) {
                        if f.sig.ident == "api_version" {
                            let value = string_literals(f.block.to_token_stream()).join("");
                            let _ = writeln!(out, "api_version: {value:?}");
                        }
                    }
                }
                None if self_ty == "Client" => {
                    for f in fns(&imp.items) {
                        if returns_builder(&f.sig).is_none()
                            && matches!(f.vis, syn::Visibility::Public(_))
                        {
                            let _ = writeln!(out, "Client::{}", signature(&f.sig));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out.push('\n');
}

/// `builder::X<'_>` as the return type of a `Client` method: the builder's name.
fn returns_builder(sig: &syn::Signature) -> Option<String> {
    let ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let Type::Path(p) = ty.as_ref() else {
        return None;
    };
    let segments: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segments.as_slice() {
        [module, name] if module == "builder" => Some(name.clone()),
        _ => None,
    }
}

/// One operation as the client exposes it.
struct Operation {
    method: String,
    builder: String,
    id: Option<String>,
    params: Vec<(String, String)>,
    body: Option<String>,
    response: String,
    error: String,
}

fn operations_section(items: &[Item], doc: &Doc, out: &mut String) {
    // Client methods that return a builder.
    let mut methods = Vec::new();
    for item in items {
        if let Item::Impl(imp) = item
            && imp.trait_.is_none()
            && render_type(&imp.self_ty) == "Client"
        {
            for f in fns(&imp.items) {
                if let Some(builder) = returns_builder(&f.sig) {
                    methods.push((f.sig.ident.to_string(), builder));
                }
            }
        }
    }
    let builder_items = items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => {
                m.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or_default();

    let mut by_place: BTreeMap<(String, usize), Vec<String>> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for (method, builder) in methods {
        let op = read_builder(builder_items, method, builder);
        let mut text = String::new();
        let _ = writeln!(
            text,
            "  rust: Client::{}() -> builder::{}",
            op.method, op.builder
        );
        let doc_op = op.id.as_ref().and_then(|id| doc.operations.get(id));
        for (name, ty) in &op.params {
            let place = doc_op
                .and_then(|(_, _, params)| params.iter().find(|(_, wire)| snake(wire) == *name))
                .map(|(place, wire)| {
                    if snake(wire) == *wire {
                        place.clone()
                    } else {
                        format!("{place} \"{wire}\"")
                    }
                })
                .unwrap_or_else(|| "?".into());
            let _ = writeln!(text, "  param {place} {name}: {ty}");
        }
        let _ = writeln!(text, "  body: {}", op.body.as_deref().unwrap_or("(none)"));
        let _ = writeln!(text, "  response: {}", op.response);
        let _ = writeln!(text, "  error: {}", op.error);
        match doc_op {
            Some((path, http, _)) => {
                let rank = METHODS
                    .iter()
                    .position(|m| m.eq_ignore_ascii_case(http))
                    .unwrap_or(METHODS.len());
                by_place
                    .entry((path.clone(), rank))
                    .or_default()
                    .push(format!("{http} {path}\n{text}"));
            }
            None => unplaced.push(format!(
                "(no operation in the document: {:?})\n{text}",
                op.id
            )),
        }
    }
    out.push_str("[operations]\n");
    for texts in by_place.values() {
        for text in texts {
            out.push_str(text);
        }
    }
    for text in unplaced {
        out.push_str(&text);
    }
    out.push('\n');
}

/// Reads a builder struct and its `impl`: parameters, body type, response and error types.
fn read_builder(items: &[Item], method: String, builder: String) -> Operation {
    let mut op = Operation {
        method,
        builder: builder.clone(),
        id: None,
        params: Vec::new(),
        body: None,
        response: "?".into(),
        error: "?".into(),
    };
    for item in items {
        match item {
            Item::Struct(s) if s.ident == builder => {
                for field in &s.fields {
                    let Some(name) = field.ident.as_ref().map(ToString::to_string) else {
                        continue;
                    };
                    if name == "client" || name == "body" {
                        continue;
                    }
                    // Fields are `Result<T, String>`; T is the parameter type.
                    let ty = first_generic(&field.ty)
                        .map(render_type)
                        .unwrap_or_else(|| render_type(&field.ty));
                    op.params.push((name, ty));
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() && last_type_ident(&imp.self_ty) == builder => {
                for f in fns(&imp.items) {
                    if f.sig.ident == "body" {
                        op.body = try_into_target(&f.sig).map(render_type);
                    }
                    if f.sig.ident == "send" {
                        if let ReturnType::Type(_, ty) = &f.sig.output {
                            let args = generic_args(ty);
                            if let [ok, err] = args.as_slice() {
                                op.response = first_generic(ok)
                                    .map(render_type)
                                    .unwrap_or_else(|| render_type(ok));
                                op.error = first_generic(err)
                                    .map(render_type)
                                    .unwrap_or_else(|| render_type(err));
                            }
                        }
                        op.id = operation_id(&f.block);
                    }
                }
            }
            _ => {}
        }
    }
    op
}

/// The `T` of a setter's `where V: TryInto<T>` bound.
fn try_into_target(sig: &syn::Signature) -> Option<&Type> {
    let clause = sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|p| match p {
        syn::WherePredicate::Type(t) => t.bounds.iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(tb) if last_ident(&tb.path) == "TryInto" => {
                match &tb.path.segments.last()?.arguments {
                    PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                        GenericArgument::Type(t) => Some(t),
                        _ => None,
                    }),
                    _ => None,
                }
            }
            _ => None,
        }),
        _ => None,
    })
}

/// The `operation_id` of the `OperationInfo { operation_id: "..." }` that `send` builds.
fn operation_id(block: &syn::Block) -> Option<String> {
    block.stmts.iter().find_map(|stmt| {
        let syn::Stmt::Local(local) = stmt else {
            return None;
        };
        let syn::Expr::Struct(s) = local.init.as_ref()?.expr.as_ref() else {
            return None;
        };
        if last_ident(&s.path) != "OperationInfo" {
            return None;
        }
        s.fields.iter().find_map(|fv| match &fv.expr {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            }) => Some(lit.value()),
            _ => None,
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Types

fn types_section(items: &[Item], doc: &Doc, out: &mut String) {
    let Some(types) = items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items.as_slice()),
        _ => None,
    }) else {
        return;
    };
    // Checks that newtypes run on construction: the messages of their `FromStr`.
    let mut checks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in types {
        if let Item::Impl(imp) = item
            && imp
                .trait_
                .as_ref()
                .is_some_and(|(p, _)| last_ident(p) == "FromStr")
        {
            let name = last_type_ident(&imp.self_ty);
            let literals = string_literals(imp.to_token_stream());
            checks.entry(name).or_default().extend(literals);
        }
    }
    let mut rendered: BTreeMap<String, String> = BTreeMap::new();
    for item in types {
        match item {
            Item::Struct(s) => {
                let name = s.ident.to_string();
                let mut text = String::new();
                match &s.fields {
                    Fields::Named(named) => {
                        let _ = writeln!(text, "struct {name}{}", type_attrs(&s.attrs));
                        let mut lines: Vec<String> = named
                            .named
                            .iter()
                            .map(|f| {
                                let field = f
                                    .ident
                                    .as_ref()
                                    .map(ToString::to_string)
                                    .unwrap_or_default();
                                let notes = field_notes(&f.attrs, &name, &field, doc);
                                format!("  {field}: {}{notes}\n", render_type(&f.ty))
                            })
                            .collect();
                        lines.sort();
                        lines.into_iter().for_each(|l| text.push_str(&l));
                    }
                    Fields::Unnamed(unnamed) => {
                        let inner: Vec<String> =
                            unnamed.unnamed.iter().map(|f| render_type(&f.ty)).collect();
                        let _ = writeln!(
                            text,
                            "struct {name}({}){}",
                            inner.join(", "),
                            type_attrs(&s.attrs)
                        );
                        for check in checks.get(&name).into_iter().flatten() {
                            let _ = writeln!(text, "  rejects: {check}");
                        }
                    }
                    Fields::Unit => {
                        let _ = writeln!(text, "struct {name}{}", type_attrs(&s.attrs));
                    }
                }
                rendered.insert(name, text);
            }
            Item::Enum(e) => {
                let name = e.ident.to_string();
                let mut text = String::new();
                let _ = writeln!(text, "enum {name}{}", type_attrs(&e.attrs));
                for v in &e.variants {
                    let fields = match &v.fields {
                        Fields::Unit => String::new(),
                        Fields::Unnamed(u) => {
                            format!(
                                "({})",
                                u.unnamed
                                    .iter()
                                    .map(|f| render_type(&f.ty))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }
                        Fields::Named(n) => {
                            let list: Vec<String> = n
                                .named
                                .iter()
                                .map(|f| {
                                    format!(
                                        "{}: {}",
                                        f.ident
                                            .as_ref()
                                            .map(ToString::to_string)
                                            .unwrap_or_default(),
                                        render_type(&f.ty)
                                    )
                                })
                                .collect();
                            format!(" {{ {} }}", list.join(", "))
                        }
                    };
                    let notes = field_notes(&v.attrs, &name, "", doc);
                    let _ = writeln!(text, "  {}{fields}{notes}", v.ident);
                }
                rendered.insert(name, text);
            }
            Item::Type(t) => {
                let name = t.ident.to_string();
                rendered.insert(
                    name.clone(),
                    format!("type {name} = {}\n", render_type(&t.ty)),
                );
            }
            _ => {}
        }
    }
    out.push_str("[types]\n");
    for text in rendered.values() {
        out.push_str(text);
    }
    out.push('\n');
}

/// `  [derive: ...] [serde: ...]` for a type.
fn type_attrs(attrs: &[syn::Attribute]) -> String {
    let mut derives = Vec::new();
    let mut serde = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("derive") {
            let _ = attr.parse_nested_meta(|meta| {
                derives.push(last_ident(&meta.path));
                Ok(())
            });
        } else if attr.path().is_ident("serde") {
            serde.extend(serde_metas(attr).into_iter().map(|(k, v)| match v {
                Some(v) => format!("{k} = {v:?}"),
                None => k,
            }));
        }
    }
    derives.sort();
    let mut text = String::new();
    if !derives.is_empty() {
        let _ = write!(text, "  [derive: {}]", derives.join(", "));
    }
    if !serde.is_empty() {
        let _ = write!(text, "  [serde: {}]", serde.join(", "));
    }
    text
}

/// `  [...]` notes for a field or variant: wire name, default (with its value), required.
fn field_notes(attrs: &[syn::Attribute], ty: &str, field: &str, doc: &Doc) -> String {
    let mut notes = Vec::new();
    let mut wire = field.to_string();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        for (key, value) in serde_metas(attr) {
            match (key.as_str(), value) {
                ("skip_serializing_if", _) => {}
                ("rename", Some(name)) => {
                    notes.push(format!("wire {name:?}"));
                    wire = name;
                }
                ("default", None) => notes.push("default".into()),
                ("default", Some(path)) => notes.push(format!(
                    "default = {}",
                    default_value(&path, ty, &wire, doc)
                )),
                ("deserialize_with", Some(path)) if path.ends_with("Option::deserialize") => {
                    notes.push("required".into());
                }
                (key, Some(value)) => notes.push(format!("{key} = {value:?}")),
                (key, None) => notes.push(key.to_string()),
            }
        }
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!("  [{}]", notes.join(", "))
    }
}

/// The value behind a serde default function: the constant of a generic helper
/// (`defaults::default_bool::<true>`), else the property's `default` in the document.
fn default_value(path: &str, ty: &str, wire: &str, doc: &Doc) -> String {
    if let Some((_, generics)) = path.split_once("::<") {
        let args = generics.trim_end_matches('>');
        return args.rsplit(',').next().unwrap_or(args).trim().to_string();
    }
    doc.default_of(ty, wire).unwrap_or_else(|| path.to_string())
}

/// The `key` / `key = "value"` items of one `#[serde(...)]` attribute.
fn serde_metas(attr: &syn::Attribute) -> Vec<(String, Option<String>)> {
    let mut metas = Vec::new();
    let parsed = attr.parse_nested_meta(|meta| {
        let key = last_ident(&meta.path);
        if meta.input.peek(syn::Token![=]) {
            let value: syn::LitStr = meta.value()?.parse()?;
            metas.push((key, Some(value.value())));
        } else {
            metas.push((key, None));
        }
        Ok(())
    });
    if parsed.is_err() {
        metas = vec![(squeeze(&attr.meta.to_token_stream().to_string()), None)];
    }
    metas
}

// ---------------------------------------------------------------------------------------------
// Open enums

fn open_enums_section(items: &[Item], out: &mut String) {
    let mut values: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for item in items {
        if let Item::Impl(imp) = item {
            if imp.trait_.is_some() {
                continue;
            }
            for f in fns(&imp.items) {
                if f.sig.ident != "as_str" {
                    continue;
                }
                let map = values.entry(last_type_ident(&imp.self_ty)).or_default();
                for stmt in &f.block.stmts {
                    if let syn::Stmt::Expr(syn::Expr::Match(m), _) = stmt {
                        for arm in &m.arms {
                            let syn::Pat::Path(p) = &arm.pat else {
                                continue;
                            };
                            if let syn::Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Str(lit),
                                ..
                            }) = arm.body.as_ref()
                            {
                                map.insert(last_ident(&p.path), lit.value());
                            }
                        }
                    }
                }
            }
        }
    }
    let mut rendered = BTreeMap::new();
    for item in items {
        let Item::Enum(e) = item else {
            continue;
        };
        let name = e.ident.to_string();
        let wire = values.get(&name);
        let mut text = String::new();
        let fallback: Vec<String> = e
            .variants
            .iter()
            .filter(|v| !matches!(v.fields, Fields::Unit))
            .map(|v| {
                let inner: Vec<String> = v.fields.iter().map(|f| render_type(&f.ty)).collect();
                format!("{}({})", v.ident, inner.join(", "))
            })
            .collect();
        let _ = writeln!(
            text,
            "enum {name}  [unknown values: {}]",
            fallback.join(", ")
        );
        for v in e
            .variants
            .iter()
            .filter(|v| matches!(v.fields, Fields::Unit))
        {
            let value = wire
                .and_then(|w| w.get(&v.ident.to_string()))
                .map(|s| format!("{s:?}"))
                .unwrap_or_else(|| "?".into());
            let _ = writeln!(text, "  {} = {value}", v.ident);
        }
        rendered.insert(name, text);
    }
    out.push_str("[open enums]\n");
    for text in rendered.values() {
        out.push_str(text);
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering helpers

fn fns(items: &[ImplItem]) -> impl Iterator<Item = &syn::ImplItemFn> {
    items.iter().filter_map(|i| match i {
        ImplItem::Fn(f) => Some(f),
        _ => None,
    })
}

fn last_ident(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

fn last_type_ident(ty: &Type) -> String {
    match ty {
        Type::Path(p) => last_ident(&p.path),
        other => render_type(other),
    }
}

/// The generic arguments of a type's last path segment.
fn generic_args(ty: &Type) -> Vec<&Type> {
    let Type::Path(p) = ty else {
        return Vec::new();
    };
    match p.path.segments.last().map(|s| &s.arguments) {
        Some(PathArguments::AngleBracketed(a)) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn first_generic(ty: &Type) -> Option<&Type> {
    generic_args(ty).into_iter().next()
}

/// `name(arg: Type, ...) -> Type`.
fn signature(sig: &syn::Signature) -> String {
    let args: Vec<String> = sig
        .inputs
        .iter()
        .map(|arg| match arg {
            FnArg::Receiver(r) => squeeze(&r.to_token_stream().to_string()),
            FnArg::Typed(t) => format!(
                "{}: {}",
                squeeze(&t.pat.to_token_stream().to_string()),
                render_type(&t.ty)
            ),
        })
        .collect();
    let output = match &sig.output {
        ReturnType::Default => String::new(),
        ReturnType::Type(_, ty) => format!(" -> {}", render_type(ty)),
    };
    format!("{}({}){output}", sig.ident, args.join(", "))
}

/// A type as a reader writes it: standard-library and crate-local paths by their last segment
/// (`Option<String>`, `Timestamp`), other crates by their full path (`serde_json::Value`).
pub fn render_type(ty: &Type) -> String {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            let segments: Vec<&syn::PathSegment> = p.path.segments.iter().collect();
            let first = segments
                .first()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            let local = [
                "std", "core", "alloc", "crate", "super", "self", "types", "builder",
            ]
            .contains(&first.as_str());
            let shown: &[&syn::PathSegment] = if local {
                &segments[segments.len().saturating_sub(1)..]
            } else {
                &segments
            };
            shown
                .iter()
                .map(|s| {
                    let args = match &s.arguments {
                        PathArguments::AngleBracketed(a) => {
                            let list: Vec<String> = a
                                .args
                                .iter()
                                .map(|g| match g {
                                    GenericArgument::Type(t) => render_type(t),
                                    other => squeeze(&other.to_token_stream().to_string()),
                                })
                                .collect();
                            format!("<{}>", list.join(", "))
                        }
                        PathArguments::Parenthesized(a) => {
                            squeeze(&a.to_token_stream().to_string())
                        }
                        PathArguments::None => String::new(),
                    };
                    format!("{}{args}", s.ident)
                })
                .collect::<Vec<_>>()
                .join("::")
        }
        Type::Reference(r) => {
            let lifetime = r
                .lifetime
                .as_ref()
                .map(|l| format!("{l} "))
                .unwrap_or_default();
            let mutability = if r.mutability.is_some() { "mut " } else { "" };
            format!("&{lifetime}{mutability}{}", render_type(&r.elem))
        }
        Type::Tuple(t) => format!(
            "({})",
            t.elems
                .iter()
                .map(render_type)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Slice(s) => format!("[{}]", render_type(&s.elem)),
        Type::Array(a) => format!(
            "[{}; {}]",
            render_type(&a.elem),
            squeeze(&a.len.to_token_stream().to_string())
        ),
        other => squeeze(&other.to_token_stream().to_string()),
    }
}

/// Token text with the spaces `quote` puts around punctuation removed where Rust would not write
/// them.
fn squeeze(text: &str) -> String {
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        (" >", ">"),
        ("< ", "<"),
        (" ,", ","),
        ("& ", "&"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// Every string literal in a token stream, in order.
fn string_literals(tokens: proc_macro2::TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Literal(lit) => {
                if let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&lit.to_string()) {
                    out.push(s.value());
                }
            }
            proc_macro2::TokenTree::Group(g) => out.extend(string_literals(g.stream())),
            _ => {}
        }
    }
    out
}

/// A parameter name as the client's builder spells it (`companyName` → `company_name`).
fn snake(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out
}
