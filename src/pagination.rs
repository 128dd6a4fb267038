//! Pagination (placeholder: the streams arrive with the pagination work).

use std::fmt;

/// Where a pagination stream can resume: the number of rows already delivered from its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResumePosition {
    /// Rows delivered so far, counted from offset 0 of the result set.
    pub offset: u64,
}

impl fmt::Display for ResumePosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "offset {}", self.offset)
    }
}
