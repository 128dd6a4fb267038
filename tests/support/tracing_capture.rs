//! Captures `tracing` output in memory, to check what the client logs.
//!
//! One process-wide subscriber: a thread-local one (`set_default`) can miss events when another
//! test thread reaches a callsite first and tracing caches that nobody listens there.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// A `tracing` writer that collects everything into a buffer.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// The capture behind the process-wide subscriber, installed on first use: every event and
    /// span at TRACE level, with span events. Tests in one binary share it, so each test looks
    /// for lines with values of its own.
    pub fn global() -> &'static Captured {
        static GLOBAL: OnceLock<Captured> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            let captured = Captured::default();
            let subscriber = captured.subscriber(tracing_subscriber::fmt::format::FmtSpan::FULL);
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other global subscriber in this test binary");
            tracing::callsite::rebuild_interest_cache();
            captured
        })
    }

    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// A subscriber that writes every event and span at TRACE level here, with the given span
    /// events.
    fn subscriber(
        &self,
        spans: tracing_subscriber::fmt::format::FmtSpan,
    ) -> impl tracing::Subscriber + Send + Sync + use<> {
        tracing_subscriber::fmt()
            .with_writer(self.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(spans)
            .with_ansi(false)
            .finish()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}
