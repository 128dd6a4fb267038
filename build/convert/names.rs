//! Names: `PascalCase` type names from document keys, and JSON pointer segments (RFC 6901) for
//! the pointers of error messages.

/// `snake_case`, `kebab-case` or `dotted.name` to `PascalCase`.
pub fn pascal(s: &str) -> String {
    let mut out = String::new();
    for word in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// Escapes a JSON pointer segment (RFC 6901).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_and_pointer_escaping() {
        assert_eq!(pascal("job_title_or"), "JobTitleOr");
        assert_eq!(pascal("company_object.domain"), "CompanyObjectDomain");
        assert_eq!(escape("/v0/a~b"), "~1v0~1a~0b");
    }
}
