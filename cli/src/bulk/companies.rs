//! The `--companies FILE|-` input of bulk lookups: one company per line (a domain, a LinkedIn
//! URL or `name:<exact name>`), blank lines and `#` comments skipped, every line checked before
//! any request.

use crate::Failure;
use std::collections::HashSet;
use std::path::Path;
use theirstack::pagination::CompanyRef;

/// One company of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// What the lookup sends.
    pub company: CompanyRef,
    /// The line as written (trimmed): the `company` field of its rows.
    pub written: String,
}

/// Reads the companies of a file, or of stdin (`-`).
pub fn read(path: &Path) -> Result<Vec<Listed>, Failure> {
    let (text, shown) = if path.as_os_str() == "-" {
        let text = std::io::read_to_string(std::io::stdin())
            .map_err(|e| Failure::Usage(format!("--companies: cannot read stdin: {e}")))?;
        (text, "stdin".to_string())
    } else {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::Usage(format!("--companies: cannot read {}: {e}", path.display()))
        })?;
        (text, path.display().to_string())
    };
    parse(&text, &shown).map_err(Failure::Usage)
}

/// The companies of `text` in order, each once. The first bad line is the error, naming `shown`
/// and its line number (with how many more bad lines follow).
pub fn parse(text: &str, shown: &str) -> Result<Vec<Listed>, String> {
    let mut companies = Vec::new();
    let mut seen = HashSet::new();
    let mut bad: Vec<String> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let written = line.trim();
        if written.is_empty() || written.starts_with('#') {
            continue;
        }
        match written.parse::<CompanyRef>() {
            Ok(company) => {
                if seen.insert(company.clone()) {
                    companies.push(Listed {
                        company,
                        written: written.to_string(),
                    });
                }
            }
            Err(e) => {
                let message = e.to_string();
                let message = message.strip_prefix("invalid input: ").unwrap_or(&message);
                bad.push(format!("{shown} line {}: {message}", index + 1));
            }
        }
    }
    if let Some(first) = bad.first() {
        return Err(match bad.len() - 1 {
            0 => first.clone(),
            1 => format!("{first} (and 1 more bad line)"),
            more => format!("{first} (and {more} more bad lines)"),
        });
    }
    if companies.is_empty() {
        return Err(format!("--companies: {shown} names no company"));
    }
    Ok(companies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_comments_duplicates_and_bad_lines() {
        let text = "# targets\n\n stripe.com \nhttps://www.linkedin.com/company/acme\nname: Acme Inc\nstripe.com\n";
        let listed = parse(text, "in.txt").unwrap();
        let written: Vec<&str> = listed.iter().map(|l| l.written.as_str()).collect();
        assert_eq!(
            written,
            [
                "stripe.com",
                "https://www.linkedin.com/company/acme",
                "name: Acme Inc"
            ]
        );
        assert_eq!(listed[2].company, CompanyRef::Name("Acme Inc".into()));
        let err = parse("a.com\nnot a company\nb.com\nnope\n", "in.txt").unwrap_err();
        assert!(
            err.starts_with("in.txt line 2: `not a company` is not a company")
                && err.ends_with("(and 1 more bad line)"),
            "{err}"
        );
        assert!(
            parse("# only\n\n", "in.txt")
                .unwrap_err()
                .contains("no company")
        );
    }
}
