//! Writing rows to stdout and progress to stderr: the output formats, the row writer, single
//! values (`emit`), and the progress bar.
//!
//! Rule: rows are written as they arrive (ndjson and csv lines are flushed per page; a json
//! array is opened first and closed even when the pull stops on an error, so stdout always holds
//! valid output); progress goes to stderr only when stderr is a terminal and `--quiet` is off.

use crate::{Global, Outcome, spec};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;
use std::io::{self, IsTerminal, Write};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON array (or object).
    Json,
    /// One JSON object per line, written as rows arrive.
    Ndjson,
    /// A header and one line per row; nested values as JSON text.
    Csv,
}

/// Writes rows in the chosen format.
pub struct RowWriter<W: Write> {
    out: W,
    format: Format,
    columns: Vec<String>,
    /// The csv header when no row arrives and no `--columns` were given.
    documented: Vec<String>,
    /// A field written first in every row and header (`company` in bulk lookups).
    lead: Option<String>,
    rows: u64,
    open: bool,
}

impl<W: Write> RowWriter<W> {
    pub fn new(out: W, format: Format, columns: Vec<String>) -> Self {
        RowWriter {
            out,
            format,
            columns,
            documented: Vec::new(),
            lead: None,
            rows: 0,
            open: false,
        }
    }

    /// The row type's documented fields: the csv header of a result without rows.
    pub fn documented(mut self, fields: Vec<String>) -> Self {
        self.documented = fields;
        self
    }

    /// Writes field `name` first: the first csv column (added to `--columns` when they leave it
    /// out), and the first key of every json object.
    pub fn leading(mut self, name: &str) -> Self {
        self.lead = Some(name.to_string());
        self
    }

    /// Continues a csv file whose header, `columns`, is already written: no header again.
    pub fn continuing(mut self, columns: Vec<String>) -> Self {
        if self.format == Format::Csv {
            self.columns = columns;
            self.open = true;
        }
        self
    }

    /// Writes one page of rows and flushes.
    pub fn write_page(&mut self, rows: &[Value]) -> io::Result<()> {
        // A csv header waits for the first row, whose fields it may name.
        let header_waits = self.format == Format::Csv && self.columns.is_empty() && rows.is_empty();
        if !self.open && !header_waits {
            self.start(rows)?;
        }
        for row in rows {
            self.write_row(row)?;
        }
        self.out.flush()
    }

    fn start(&mut self, first_page: &[Value]) -> io::Result<()> {
        self.open = true;
        match self.format {
            Format::Json => self.out.write_all(b"["),
            Format::Ndjson => Ok(()),
            Format::Csv => {
                if self.columns.is_empty() {
                    self.columns = if first_page.is_empty() {
                        self.documented.clone()
                    } else {
                        columns_of(first_page)
                    };
                }
                if let Some(lead) = &self.lead {
                    self.columns.retain(|c| c != lead);
                    self.columns.insert(0, lead.clone());
                }
                if self.columns.is_empty() {
                    // Nothing to name: no header rather than an empty one (`""`).
                    return Ok(());
                }
                let header = self.columns.clone();
                self.write_csv_record(&header)
            }
        }
    }

    fn write_row(&mut self, row: &Value) -> io::Result<()> {
        match self.format {
            Format::Json => {
                self.out
                    .write_all(if self.rows == 0 { b"\n" } else { b",\n" })?;
                write_json(&mut self.out, row, self.lead.as_deref())?;
            }
            Format::Ndjson => {
                write_json(&mut self.out, row, self.lead.as_deref())?;
                self.out.write_all(b"\n")?;
            }
            Format::Csv => {
                let record: Vec<String> = self.columns.iter().map(|c| cell(row.get(c))).collect();
                self.write_csv_record(&record)?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    fn write_csv_record(&mut self, record: &[String]) -> io::Result<()> {
        let mut csv = csv::WriterBuilder::new()
            .buffer_capacity(512)
            .from_writer(Vec::new());
        csv.write_record(record).map_err(io::Error::other)?;
        let line = csv
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        self.out.write_all(&line)
    }

    /// Closes the output (the json array, or the csv header of a result without rows).
    pub fn finish(mut self) -> io::Result<u64> {
        if !self.open {
            self.start(&[])?;
        }
        if self.format == Format::Json {
            self.out
                .write_all(if self.rows == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(self.rows)
    }
}

/// Writes a row as compact JSON, with field `lead` first when the row is an object that has it
/// (the other fields in their usual order).
fn write_json(out: &mut impl Write, row: &Value, lead: Option<&str>) -> io::Result<()> {
    let (Some(lead), Value::Object(map)) = (lead, row) else {
        return Ok(serde_json::to_writer(out, row)?);
    };
    let Some(first) = map.get(lead) else {
        return Ok(serde_json::to_writer(out, row)?);
    };
    out.write_all(b"{")?;
    serde_json::to_writer(&mut *out, lead)?;
    out.write_all(b":")?;
    serde_json::to_writer(&mut *out, first)?;
    for (key, value) in map.iter().filter(|(k, _)| *k != lead) {
        out.write_all(b",")?;
        serde_json::to_writer(&mut *out, key)?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, value)?;
    }
    out.write_all(b"}")
}

/// Writes one value: as it is for json; as rows for ndjson and csv, with the `documented`
/// fields as the csv header when there is no row.
pub fn write_value(
    out: impl Write,
    format: Format,
    columns: Vec<String>,
    documented: Vec<String>,
    value: &Value,
) -> io::Result<()> {
    if format == Format::Json {
        let mut out = out;
        serde_json::to_writer_pretty(&mut out, value)?;
        out.write_all(b"\n")?;
        return out.flush();
    }
    // Rows: an array, or the `data` array of a `{data, metadata}` envelope; else one row.
    let rows = match value {
        Value::Array(rows) => rows.as_slice(),
        Value::Object(map) => match map.get("data") {
            Some(Value::Array(rows)) => rows.as_slice(),
            // An envelope whose empty `data` was left out when serialized.
            None if map.keys().eq(["metadata"]) => &[],
            _ => std::slice::from_ref(value),
        },
        _ => std::slice::from_ref(value),
    };
    let mut writer = RowWriter::new(out, format, columns).documented(documented);
    writer.write_page(rows)?;
    writer.finish().map(|_| ())
}

/// Prints one value to stdout in the global format.
pub fn emit(global: &Global, value: &Value) -> Outcome {
    emit_rows(global, None, value)
}

/// Prints what operation `operation_id` answered in the global format; in csv, a result
/// without rows still has the header of the rows' documented fields.
pub fn emit_rows(global: &Global, operation_id: Option<&str>, value: &Value) -> Outcome {
    let documented = operation_id.map(spec::row_fields).unwrap_or_default();
    write_value(
        io::stdout().lock(),
        global.format,
        global.columns.clone(),
        documented,
        value,
    )?;
    Ok(())
}

/// Prints an operation's response body to stdout in the global format.
pub fn emit_response<T: serde::Serialize>(
    global: &Global,
    operation_id: &str,
    response: theirstack::ResponseValue<T>,
) -> Outcome {
    let value = serde_json::to_value(response.into_inner()).map_err(io::Error::other)?;
    emit_rows(global, Some(operation_id), &value)
}

/// Prints the answer of an operation whose success body the document leaves unspecified (a
/// delete, a bulk add): a success with an empty body prints nothing, rather than failing to
/// decode.
pub fn emit_unspecified(
    global: &Global,
    operation_id: &str,
    result: Result<theirstack::ResponseValue<Value>, theirstack::OperationError>,
) -> Outcome {
    match result {
        Ok(response) => emit_response(global, operation_id, response),
        Err(e) => {
            let e = theirstack::Error::from(e);
            let empty_success = e.kind() == theirstack::ErrorKind::Decode
                && e.status().is_none_or(|s| s.is_success())
                && e.body_excerpt().is_some_and(|b| b.trim().is_empty());
            if empty_success { Ok(()) } else { Err(e.into()) }
        }
    }
}

/// Columns for csv: the top-level keys of the first rows, `id` first, the rest sorted.
fn columns_of(rows: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for row in rows {
        if let Value::Object(map) = row {
            for key in map.keys() {
                if !names.contains(key) {
                    names.push(key.clone());
                }
            }
        } else if names.is_empty() {
            names.push("value".into());
        }
    }
    names.sort_by(|a, b| (a != "id", a).cmp(&(b != "id", b)));
    names
}

/// A csv cell: strings as they are, null as empty, nested values as JSON text.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other @ (Value::Array(_) | Value::Object(_))) => other.to_string(),
        Some(other) => other.to_string(),
    }
}

/// Progress on stderr: pages, rows and credits.
pub struct Progress {
    bar: Option<ProgressBar>,
    pub pages: u64,
    pub rows: u64,
    pub credits: u64,
}

impl Progress {
    /// A progress bar when stderr is a terminal and `quiet` is off; silent otherwise.
    pub fn new(quiet: bool, total: Option<u64>) -> Progress {
        Progress::counting("rows", quiet, total)
    }

    /// A progress bar of `total` companies (bulk lookups): advance it with
    /// [`company`](Self::company).
    pub fn companies(quiet: bool, total: u64) -> Progress {
        Progress::counting("companies", quiet, Some(total))
    }

    fn counting(noun: &str, quiet: bool, total: Option<u64>) -> Progress {
        let bar = (!quiet && io::stderr().is_terminal()).then(|| {
            let bar = match total {
                Some(n) => ProgressBar::new(n),
                None => ProgressBar::new_spinner(),
            };
            let template = format!("{{spinner}} {{bar:30}} {{pos}}/{{len}} {noun} · {{msg}}");
            let style = ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar
        });
        Progress {
            bar,
            pages: 0,
            rows: 0,
            credits: 0,
        }
    }

    /// Sets the bar's length once the total is known (a sync's first page tells it).
    pub fn set_total(&self, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
        }
    }

    pub fn page(&mut self, rows: u64, credits: u64) {
        self.pages += 1;
        self.rows += rows;
        self.credits += credits;
        if let Some(bar) = &self.bar {
            bar.set_position(self.rows);
            bar.set_message(format!("{} pages · {} credits", self.pages, self.credits));
        }
    }

    /// One company looked up: its rows and credits.
    pub fn company(&mut self, rows: u64, credits: u64) {
        self.pages += 1;
        self.rows += rows;
        self.credits += credits;
        if let Some(bar) = &self.bar {
            bar.set_position(self.pages);
            bar.set_message(format!("{} rows · {} credits", self.rows, self.credits));
        }
    }

    /// Prints a line on stderr above the bar (or alone, without one).
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    pub fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(format: Format, columns: &[&str], pages: &[Vec<Value>]) -> String {
        let mut buf = Vec::new();
        let mut writer = RowWriter::new(
            &mut buf,
            format,
            columns.iter().map(|s| s.to_string()).collect(),
        );
        for page in pages {
            writer.write_page(page).unwrap();
        }
        writer.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn csv_has_a_header_flat_columns_and_json_for_nested_values() {
        let rows = vec![
            json!({"name": "Acme, Inc.", "id": 1, "tags": ["a", "b"], "remote": null}),
            json!({"id": 2, "name": "Bolt", "extra": true}),
        ];
        assert_eq!(
            render(Format::Csv, &[], std::slice::from_ref(&rows)),
            "id,extra,name,remote,tags\n1,,\"Acme, Inc.\",,\"[\"\"a\"\",\"\"b\"\"]\"\n2,true,Bolt,,\n"
        );
        assert_eq!(
            render(Format::Csv, &["name", "id"], &[rows]),
            "name,id\n\"Acme, Inc.\",1\nBolt,2\n"
        );
    }

    #[test]
    fn json_is_one_array_even_when_empty() {
        assert_eq!(render(Format::Json, &[], &[]), "[]\n");
        let out = render(
            Format::Json,
            &[],
            &[vec![json!({"id": 1})], vec![json!({"id": 2})]],
        );
        assert_eq!(
            serde_json::from_str::<Value>(&out).unwrap(),
            json!([{"id": 1}, {"id": 2}])
        );
    }

    #[test]
    fn envelopes_are_printed_as_their_data_rows_except_in_json() {
        let value = json!({"data": [{"id": 1}, {"id": 2}], "metadata": {"total_results": 2}});
        let mut csv = Vec::new();
        write_value(&mut csv, Format::Csv, vec![], vec![], &value).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), "id\n1\n2\n");
        let mut json = Vec::new();
        write_value(&mut json, Format::Json, vec![], vec![], &value).unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&json).unwrap(), value);
        // An empty `data` left out: no row, not the metadata as one.
        let mut csv = Vec::new();
        let value = json!({"metadata": {"total_results": 0}});
        write_value(&mut csv, Format::Csv, vec!["id".into()], vec![], &value).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), "id\n");
    }

    #[test]
    fn csv_without_rows_is_the_header_of_the_given_or_documented_columns() {
        let render_empty = |columns: &[&str], documented: &[&str], pages: &[Vec<Value>]| {
            let mut buf = Vec::new();
            let mut writer = RowWriter::new(
                &mut buf,
                Format::Csv,
                columns.iter().map(|s| s.to_string()).collect(),
            )
            .documented(documented.iter().map(|s| s.to_string()).collect());
            for page in pages {
                writer.write_page(page).unwrap();
            }
            writer.finish().unwrap();
            String::from_utf8(buf).unwrap()
        };
        assert_eq!(render_empty(&["b", "a"], &["id", "x"], &[vec![]]), "b,a\n");
        assert_eq!(render_empty(&[], &["id", "x"], &[vec![], vec![]]), "id,x\n");
        assert_eq!(
            render_empty(&[], &[], &[]),
            "",
            "nothing to name: no `\"\"` line"
        );
        // An empty first page does not fix the header: the first row's fields do.
        assert_eq!(
            render_empty(&[], &["id", "x"], &[vec![], vec![json!({"id": 1, "y": 2})]]),
            "id,y\n1,2\n"
        );
        let mut out = Vec::new();
        let value = json!({"data": [], "metadata": {"total_results": 0}});
        write_value(
            &mut out,
            Format::Csv,
            vec![],
            vec!["id".into(), "name".into()],
            &value,
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "id,name\n");
    }

    #[test]
    fn a_leading_field_comes_first_in_every_format() {
        let rows = vec![json!({"a": 1, "company": "x.example", "z": [2]})];
        let lead = |format: Format, columns: &[&str], continued: Option<Vec<String>>| {
            let mut buf = Vec::new();
            let columns = columns.iter().map(|s| s.to_string()).collect();
            let mut writer = RowWriter::new(&mut buf, format, columns).leading("company");
            if let Some(header) = continued {
                writer = writer.continuing(header);
            }
            writer.write_page(&rows).unwrap();
            writer.finish().unwrap();
            String::from_utf8(buf).unwrap()
        };
        assert_eq!(
            lead(Format::Ndjson, &[], None),
            "{\"company\":\"x.example\",\"a\":1,\"z\":[2]}\n"
        );
        assert!(lead(Format::Json, &[], None).starts_with("[\n{\"company\":"));
        assert_eq!(
            lead(Format::Csv, &[], None),
            "company,a,z\nx.example,1,[2]\n"
        );
        assert_eq!(
            lead(Format::Csv, &["z"], None),
            "company,z\nx.example,[2]\n"
        );
        // A file that already has its header gets rows only.
        let header = vec!["company".to_string(), "a".to_string()];
        assert_eq!(lead(Format::Csv, &[], Some(header)), "x.example,1\n");
    }

    #[test]
    fn ndjson_is_one_object_per_line() {
        assert_eq!(
            render(
                Format::Ndjson,
                &[],
                &[vec![json!({"id": 1}), json!({"id": 2})]]
            ),
            "{\"id\":1}\n{\"id\":2}\n"
        );
    }
}
