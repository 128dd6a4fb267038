//! Runs the OpenAPI 3.1 → 3.0 converter (`build/convert/`) on a corpus of tricky documents
//! (`tests/data/openapi-3.1/*.json`) and proves each outcome.
//!
//! Rule: every corpus document either converts into a document that progenitor, with the build's
//! own settings (`build/generate.rs`), turns into a client, checked here by lines of its public
//! surface; or the converter refuses it with an error naming the JSON pointer and the rule. Every
//! file of the corpus has exactly one expectation below.

#[path = "../build/convert/mod.rs"]
#[allow(dead_code, clippy::collapsible_if)]
mod convert;
#[path = "../build/generate.rs"]
#[allow(dead_code, clippy::collapsible_if)]
mod generate;
#[path = "support/surface.rs"]
mod surface;

use std::collections::BTreeSet;
use std::path::PathBuf;

/// What must happen to one corpus document.
enum Expect {
    /// Converts, generates, and the client's surface contains each of these lines.
    Generates(&'static [&'static str]),
    /// Refused at this JSON pointer under this rule.
    Refused {
        pointer: &'static str,
        rule: &'static str,
    },
}

/// One expectation per corpus file.
const CORPUS: &[(&str, Expect)] = &[
    (
        "annotations-and-webhooks.json",
        Expect::Generates(&[
            // Colliding pydantic-style titles ("Kind") still give one enum per property.
            "struct Circle  [derive: Clone, Debug, Deserialize, PartialEq, Serialize]\n  kind: CircleKind\n  radius: Option<f64>\n",
            "  extra: Option<serde_json::Value>\n  kind: Option<SquareKind>\n  side: Option<f64>\n  svg: Option<String>\n",
            "enum CircleKind  [unknown values: Unknown(String)]\n  Circle = \"circle\"\n  Ellipse = \"ellipse\"\n",
            // A one-value enum is a tag: it stays closed.
            "enum SquareKind  [derive: Clone, Copy, Debug, Deserialize, Eq, Hash, Ord, PartialEq, PartialOrd, Serialize]\n  Square  [wire \"square\"]\n",
            "POST /shapes\n  rust: Client::post_shape() -> builder::PostShape\n  body: Square\n  response: Circle\n",
        ]),
    ),
    (
        "const-discriminated-oneof.json",
        Expect::Generates(&[
            // The discriminator is not used: the union is untagged, and each `const` tag is a
            // one-value closed enum, so a payload with the other tag is refused by that member.
            "enum Pet  [derive: Clone, Debug, Deserialize, PartialEq, Serialize]  [serde: untagged]\n  Cat(Cat)\n  Dog(Dog)\n",
            "struct Cat  [derive: Clone, Debug, Deserialize, PartialEq, Serialize]\n  lives: i64\n  pet_type: CatPetType\n",
            "struct Dog  [derive: Clone, Debug, Deserialize, PartialEq, Serialize]\n  good: bool\n  pet_type: DogPetType\n",
            "enum CatPetType  [derive: Clone, Copy, Debug, Deserialize, Eq, Hash, Ord, PartialEq, PartialOrd, Serialize]\n  Cat  [wire \"cat\"]\n",
            "enum DogPetType  [derive: Clone, Copy, Debug, Deserialize, Eq, Hash, Ord, PartialEq, PartialOrd, Serialize]\n  Dog  [wire \"dog\"]\n",
            "  body: Pet\n  response: Pet\n",
        ]),
    ),
    (
        "exclusive-bounds.json",
        Expect::Generates(&[
            "struct Quote  [derive: Clone, Debug, Deserialize, PartialEq, Serialize]\n  count: NonZeroU64\n  discount: Option<f64>\n  price: f64\n",
            "  param query max_ratio: Option<f64>\n  param query page: Option<NonZeroU64>\n",
        ]),
    ),
    (
        "nested-anyof-ref-null.json",
        Expect::Generates(&[
            "  escalation: Option<TicketEscalation>\n  id: i64\n  owner: Option<TicketOwner>\n  reporter: Option<Person>\n  watchers: Option<Vec<Option<Person>>>\n",
            "enum TicketEscalation  [derive: Clone, Debug, Deserialize, PartialEq, Serialize]  [serde: untagged]\n  Variant0(Team)\n  Variant1(Option<Person>)\n",
            "enum TicketOwner  [derive: Clone, Debug, Deserialize, PartialEq, Serialize]  [serde: untagged]\n  Person(Person)\n  Team(Team)\n",
            "GET /tickets/{ticket_id}\n  rust: Client::get_ticket() -> builder::GetTicket\n  param path ticket_id: i64\n  param query assignee: Option<String>\n",
        ]),
    ),
    (
        "prefix-items.json",
        Expect::Generates(&[
            "  corners: Vec<[i64; 3usize]>  [default]\n  label: Option<[serde_json::Value; 2usize]>\n  origin: [f64; 2usize]\n",
        ]),
    ),
    (
        "ref-siblings.json",
        Expect::Generates(&[
            "  param query color: Option<Color>\n",
            "  response: Vec<Paint>\n",
            "struct Paint  [derive: Clone, Debug, Deserialize, PartialEq, Serialize]\n  accent: Option<Color>\n  color: Color\n  finish: Option<Finish>\n",
            "enum Color  [unknown values: Unknown(String)]\n  Red = \"red\"\n  Green = \"green\"\n  Blue = \"blue\"\n",
        ]),
    ),
    (
        "type-arrays.json",
        Expect::Generates(&[
            "  key: RecordKey\n  label: Option<RecordLabel>\n  nothing: ()  [default]\n  tags: Option<Vec<RecordTagsItem>>\n  weight: Option<RecordWeight>\n",
            "enum RecordKey  [derive: Clone, Debug, Deserialize, PartialEq, Serialize]  [serde: untagged]\n  Integer(NonZeroU64)\n  String(RecordKeyString)\n",
            "struct RecordKeyString(String)",
            "  rejects: shorter than 3 characters\n",
            "  rejects: longer than 40 characters\n",
            "enum RecordTagsItem  [derive: Clone, Debug, Deserialize, PartialEq, Serialize]  [serde: untagged]\n  String(String)\n  Boolean(bool)\n",
            // Integer first: an integer is also a number, and the untagged enum takes the first match.
            "enum RecordWeight  [derive: Clone, Debug, Deserialize, PartialEq, Serialize]  [serde: untagged]\n  Integer(i64)\n  Number(f64)\n",
        ]),
    ),
    (
        "refused-cookie-parameter.json",
        Expect::Refused {
            pointer: "/paths/~1session/get/parameters/1",
            rule: convert::RULE_PARAMETERS,
        },
    ),
    (
        "refused-if-then.json",
        Expect::Refused {
            pointer: "/components/schemas/Address/properties/postal_code/if",
            rule: convert::RULE_UNSUPPORTED_KEYWORD,
        },
    ),
    (
        "refused-multipart-body.json",
        Expect::Refused {
            pointer: "/paths/~1uploads/post/requestBody/content/multipart~1form-data",
            rule: convert::RULE_MEDIA_TYPES,
        },
    ),
    (
        "refused-pattern-properties.json",
        Expect::Refused {
            pointer: "/components/schemas/Labels/patternProperties",
            rule: convert::RULE_UNSUPPORTED_KEYWORD,
        },
    ),
    (
        "refused-string-exclusive-bound.json",
        Expect::Refused {
            pointer: "/components/schemas/Reading/properties/value/exclusiveMinimum",
            rule: convert::RULE_EXCLUSIVE_BOUNDS,
        },
    ),
    (
        "refused-two-success-bodies.json",
        Expect::Refused {
            pointer: "/paths/~1jobs/post/responses/202",
            rule: convert::RULE_SUCCESS_BODY,
        },
    ),
];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/openapi-3.1")
}

fn load(name: &str) -> serde_json::Value {
    let path = corpus_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

/// Generates the client from a converted document like the build script does and returns its
/// surface; a progenitor error or panic becomes `Err`.
fn generate(converted: &serde_json::Value) -> Result<String, String> {
    let converted = converted.clone();
    std::panic::catch_unwind(move || {
        let enums = generate::string_enums(&converted);
        let client = generate::client_source(&converted, &enums)?;
        surface::render(&client, &generate::open_enums_source(&enums), &converted)
    })
    .unwrap_or_else(|_| Err("progenitor panicked".into()))
}

#[test]
fn every_corpus_file_has_exactly_one_expectation() {
    let files: BTreeSet<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .map(|e| {
            e.expect("entry")
                .file_name()
                .into_string()
                .expect("UTF-8 name")
        })
        .filter(|name| name.ends_with(".json"))
        .collect();
    let listed: Vec<&str> = CORPUS.iter().map(|(name, _)| *name).collect();
    let unique: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
    assert_eq!(unique.len(), listed.len(), "a corpus file is listed twice");
    assert_eq!(files, unique, "corpus files and expectations differ");
}

#[test]
fn each_document_generates_a_client_or_is_refused_at_its_pointer() {
    let mut failures = Vec::new();
    for (name, expect) in CORPUS {
        let doc = load(name);
        let outcome = convert::convert(&doc);
        match (expect, outcome) {
            (Expect::Generates(lines), Ok(converted)) => {
                assert_eq!(converted["openapi"], "3.0.3", "{name}");
                match generate(&converted) {
                    Ok(surface) => {
                        for line in *lines {
                            if !surface.contains(line) {
                                failures.push(format!(
                                    "{name}: the surface lacks {line:?}; it is:\n{surface}"
                                ));
                            }
                        }
                    }
                    Err(e) => {
                        failures.push(format!("{name}: converted, but progenitor refused it: {e}"))
                    }
                }
            }
            (Expect::Generates(_), Err(e)) => {
                failures.push(format!("{name}: expected to convert, refused: {e}"))
            }
            (Expect::Refused { pointer, rule }, Err(e)) => {
                if (e.pointer.as_str(), e.rule) != (*pointer, *rule) {
                    failures.push(format!(
                        "{name}: expected refusal at {pointer} (rule: {rule}), got: {e}"
                    ));
                }
                // The pointer names a real place of the input, and the message carries it.
                assert!(
                    doc.pointer(&e.pointer).is_some(),
                    "{name}: {} is not in the document",
                    e.pointer
                );
                assert!(
                    e.to_string()
                        .starts_with(&format!("{pointer} (rule: {rule}): ")),
                    "{name}: {e}"
                );
            }
            (Expect::Refused { pointer, .. }, Ok(_)) => failures.push(format!(
                "{name}: expected refusal at {pointer}, but it converted"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The corpus case that found a converter gap: before the fix, the lone branch of
/// `anyOf: [{exclusiveMinimum: 0, ...}, {type: null}]` was merged unconverted and progenitor
/// rejected the document (`expected a boolean`).
#[test]
fn nullable_exclusive_bound_reaches_progenitor_as_3_0() {
    let converted = convert::convert(&load("exclusive-bounds.json")).expect("converts");
    let discount = &converted["components"]["schemas"]["Quote"]["properties"]["discount"];
    assert_eq!(
        discount,
        &serde_json::json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 100, "nullable": true})
    );
    assert!(generate(&converted).is_ok());
}
