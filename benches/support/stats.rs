//! Samples, medians and spreads for the benchmark report.
//!
//! Rule: every number in the report is a median of repeated samples, shown with the smallest
//! and largest sample so the reader sees the spread; nothing here asserts a timing.

use std::time::Duration;

/// Repeated measurements of one quantity.
#[derive(Debug, Clone, Default)]
pub struct Samples(pub Vec<f64>);

impl Samples {
    /// Adds a duration, in milliseconds.
    pub fn push_ms(&mut self, d: Duration) {
        self.0.push(d.as_secs_f64() * 1e3);
    }

    /// Adds a value.
    pub fn push(&mut self, v: f64) {
        self.0.push(v);
    }

    fn sorted(&self) -> Vec<f64> {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        v
    }

    /// The median (the mean of the two middle samples for an even count); NaN when empty.
    pub fn median(&self) -> f64 {
        let v = self.sorted();
        match v.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    }

    /// The smallest sample.
    pub fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }

    /// The largest sample.
    pub fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `median (min–max, n=N)` with `digits` decimals.
    pub fn show(&self, digits: usize) -> String {
        if self.0.len() == 1 {
            return format!("{:.digits$} (n=1)", self.median());
        }
        format!(
            "{:.digits$} ({:.digits$}–{:.digits$}, n={})",
            self.median(),
            self.min(),
            self.max(),
            self.len()
        )
    }
}
