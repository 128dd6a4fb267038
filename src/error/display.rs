//! How an error reads: `Display` is one line with the status, TheirStack's code, title and
//! description, the failing JSON path, the request id and the resume position; `Debug` lists
//! the same fields. Neither ever holds the API key.

use super::{Error, ErrorKind};
use std::fmt;

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind);
        if let Some(s) = i.status {
            d.field("status", &s.as_u16());
        }
        if let Some(api) = &i.api {
            d.field("api", api);
        }
        if let Some(id) = &i.request_id {
            d.field("request_id", id);
        }
        if let Some(m) = &i.message {
            d.field("message", m);
        }
        if let Some(p) = &i.json_path {
            d.field("json_path", p);
        }
        if let Some(w) = i.pacing_wait {
            d.field("pacing_wait", &w);
        }
        if let Some(w) = i.withheld_rows {
            d.field("withheld_rows", &w);
        }
        if let Some(r) = &i.resume {
            d.field("resume", r);
        }
        if let Some(b) = &i.body_excerpt {
            d.field("body_excerpt", &one_line(b, 200));
        }
        d.finish()
    }
}

/// Collapses whitespace and cuts to `max` characters, for one-line messages.
fn one_line(text: &str, max: usize) -> String {
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > max {
        let cut: String = collapsed.chars().take(max).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        match i.status {
            Some(status) => write!(f, "{}", status.as_u16())?,
            None => f.write_str(match i.kind {
                ErrorKind::Transport => "transport error",
                ErrorKind::Decode => "decode error",
                ErrorKind::InvalidInput => "invalid input",
                ErrorKind::RepeatedPage => "pagination stopped",
                ErrorKind::InsufficientCredits => "insufficient credits",
                ErrorKind::RateLimited => "rate limited",
                _ => "error",
            })?,
        }
        if let Some(status) = i.status
            && let Some(reason) = status.canonical_reason()
        {
            write!(f, " {reason}")?;
        }
        if let Some(api) = &i.api {
            if let Some(code) = &api.code {
                write!(f, ": {}", one_line(code, 40))?;
            }
            if let Some(title) = &api.title {
                write!(
                    f,
                    "{} {}",
                    if api.code.is_some() { "" } else { ":" },
                    one_line(title, 200)
                )?;
            }
            if let Some(description) = &api.description {
                write!(f, ": {}", one_line(description, 300))?;
            }
        }
        if let Some(path) = &i.json_path {
            write!(f, " at {}", one_line(path, 200))?;
        }
        if let Some(message) = &i.message {
            write!(f, ": {}", one_line(message, 300))?;
        }
        if i.api.is_none()
            && i.kind != ErrorKind::Decode
            && let Some(body) = &i.body_excerpt
        {
            if body.is_empty() {
                f.write_str(" (empty body)")?;
            } else {
                write!(f, ": {}", one_line(body, 120))?;
            }
        }
        if let Some(id) = &i.request_id {
            write!(f, " (request id {})", one_line(id, 80))?;
        }
        if let Some(resume) = &i.resume {
            write!(f, "; resume from {resume}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
