//! `--resume`: the companies an earlier run already wrote to the `--output` file (the `company`
//! of its NDJSON lines or CSV rows), so that they are skipped and the new rows appended.
//!
//! Rule: a last line cut off by an interrupted run is dropped from the file before appending; a
//! file that is not the output of a bulk lookup is refused, never appended to.

use super::companies::Listed;
use crate::Failure;
use crate::output::Format;
use std::collections::HashSet;
use std::io;
use std::path::Path;
use theirstack::pagination::CompanyRef;

/// What the output file already holds.
#[derive(Debug, Default)]
pub struct Existing {
    written: HashSet<String>,
    companies: HashSet<CompanyRef>,
    /// The csv header already in the file (`None`: nothing written yet, or ndjson).
    pub header: Option<Vec<String>>,
}

impl Existing {
    /// Whether the file already has rows of this company (as written, or naming the same one).
    pub fn contains(&self, listed: &Listed) -> bool {
        self.written.contains(&listed.written) || self.companies.contains(&listed.company)
    }

    fn add(&mut self, company: &str) {
        if let Ok(parsed) = company.parse::<CompanyRef>() {
            self.companies.insert(parsed);
        }
        self.written.insert(company.to_string());
    }
}

/// Reads the companies already in `path` (none when it does not exist yet).
pub fn read(path: &Path, format: Format) -> Result<Existing, Failure> {
    let shown = path.display();
    if format == Format::Json {
        return Err(Failure::Usage(
            "--resume appends to the --output file: use --format ndjson or --format csv".into(),
        ));
    }
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::default()),
        Err(e) => {
            return Err(Failure::Usage(format!(
                "--resume: cannot read {shown}: {e}"
            )));
        }
    };
    let complete = drop_cut_off_line(path, &text)?;
    let mut existing = Existing::default();
    match format {
        Format::Ndjson => {
            for (index, line) in complete.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let company = serde_json::from_str::<serde_json::Value>(line)
                    .ok()
                    .and_then(|row| row.get("company")?.as_str().map(str::to_string))
                    .ok_or_else(|| not_ours(&shown, index + 1))?;
                existing.add(&company);
            }
        }
        Format::Csv => {
            if complete.trim().is_empty() {
                return Ok(existing);
            }
            let mut reader = csv::Reader::from_reader(complete.as_bytes());
            let header: Vec<String> = reader
                .headers()
                .map_err(|e| Failure::Usage(format!("--resume: {shown}: {e}")))?
                .iter()
                .map(String::from)
                .collect();
            let Some(column) = header.iter().position(|h| h == "company") else {
                return Err(not_ours(&shown, 1));
            };
            for record in reader.records() {
                let record =
                    record.map_err(|e| Failure::Usage(format!("--resume: {shown}: {e}")))?;
                if let Some(company) = record.get(column) {
                    existing.add(company);
                }
            }
            existing.header = Some(header);
        }
        Format::Json => unreachable!("refused above"),
    }
    Ok(existing)
}

fn not_ours(shown: &impl std::fmt::Display, line: usize) -> Failure {
    Failure::Usage(format!(
        "--resume: {shown} line {line} is not a row of a bulk lookup (no `company`); not appending to it"
    ))
}

/// The text up to its last line break; the file is cut there when something follows it.
fn drop_cut_off_line<'a>(path: &Path, text: &'a str) -> Result<&'a str, Failure> {
    let end = text.rfind('\n').map_or(0, |i| i + 1);
    if end < text.len() {
        let file = std::fs::OpenOptions::new().write(true).open(path)?;
        file.set_len(end as u64)?;
    }
    Ok(&text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(line: &str) -> Listed {
        Listed {
            company: line.parse().unwrap(),
            written: line.to_string(),
        }
    }

    #[test]
    fn ndjson_and_csv_files_name_their_companies_and_a_cut_off_line_is_dropped() {
        let dir = std::env::temp_dir().join(format!("theirstack-resume-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("out.ndjson");
        std::fs::write(
            &file,
            "{\"company\":\"a.example\",\"x\":1}\n{\"company\":\"name:Bolt\"}\n{\"company\":\"c.ex",
        )
        .unwrap();
        let existing = read(&file, Format::Ndjson).unwrap();
        assert!(existing.contains(&listed("a.example")));
        assert!(existing.contains(&listed("name: Bolt")), "the same company");
        assert!(!existing.contains(&listed("c.example")));
        assert!(
            std::fs::read_to_string(&file)
                .unwrap()
                .ends_with("\"name:Bolt\"}\n")
        );

        let file = dir.join("out.csv");
        std::fs::write(&file, "company,slug\na.example,rust\n").unwrap();
        let existing = read(&file, Format::Csv).unwrap();
        assert!(existing.contains(&listed("a.example")));
        assert_eq!(existing.header.as_deref().unwrap(), ["company", "slug"]);

        std::fs::write(&file, "id,slug\n1,rust\n").unwrap();
        assert!(matches!(read(&file, Format::Csv), Err(Failure::Usage(_))));
        assert!(matches!(read(&file, Format::Json), Err(Failure::Usage(_))));
        let missing = read(&dir.join("none.ndjson"), Format::Ndjson).unwrap();
        assert!(!missing.contains(&listed("a.example")));
    }
}
