//! [`SyncError`]: everything a sync, a status query or the webhook receiver can fail with, each
//! with a one-line message that names what was wrong (never a secret or a database password).

use crate::record::Holder;
use std::fmt;

/// `Result` with [`SyncError`].
pub type Result<T, E = SyncError> = std::result::Result<T, E>;

/// What went wrong in a sync, a status query or the webhook receiver.
#[derive(Debug)]
#[non_exhaustive]
pub enum SyncError {
    /// Bad input (a filters file, a database URL, a sync name, an option); nothing was sent.
    InvalidInput(String),
    /// The sync exists with other filters; rerun with `reset` to start it over.
    FiltersChanged {
        /// The sync's name.
        name: String,
        /// The filters stored, as canonical JSON.
        stored: String,
        /// The filters given, as canonical JSON.
        given: String,
    },
    /// Another run of the same sync holds its lock.
    Locked {
        /// The sync's name.
        name: String,
        /// Who holds it.
        holder: Holder,
    },
    /// The lock's lease was taken over by another run (this run stalled past its expiry).
    LockLost {
        /// The sync's name.
        name: String,
    },
    /// The database was written by a newer version of this crate.
    SchemaTooNew {
        /// The database's schema version.
        found: i64,
        /// The newest version this crate knows.
        known: i64,
    },
    /// A database operation failed.
    Database {
        /// What was being done.
        context: String,
        /// The driver's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The TheirStack API (or the client) failed.
    Api(theirstack::Error),
    /// Reading a file or serving a socket failed.
    Io(std::io::Error),
}

impl SyncError {
    /// A database failure while doing `context`.
    pub(crate) fn db(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        SyncError::Database {
            context: context.into(),
            source: Box::new(source),
        }
    }

    /// Whether the database failed (as opposed to the input, the lock or the API).
    pub fn is_database(&self) -> bool {
        matches!(
            self,
            SyncError::Database { .. } | SyncError::SchemaTooNew { .. }
        )
    }
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncError::InvalidInput(m) => write!(f, "invalid input: {m}"),
            SyncError::FiltersChanged {
                name,
                stored,
                given,
            } => write!(
                f,
                "sync `{name}` was created with other filters ({stored}); refusing {given}: rerun with --reset to start it over with the new filters (the jobs stored stay)"
            ),
            SyncError::Locked { name, holder } => write!(
                f,
                "sync `{name}` is running elsewhere: held by {holder}; rerun with --wait to wait for it"
            ),
            SyncError::LockLost { name } => write!(
                f,
                "sync `{name}`: this run's lock expired and another run took it over; stopped before the next request"
            ),
            SyncError::SchemaTooNew { found, known } => write!(
                f,
                "the database's schema is version {found}, written by a newer theirstack-sync (this one knows up to {known}): upgrade theirstack-sync"
            ),
            SyncError::Database { context, source } => {
                write!(f, "database error while {context}: {source}")
            }
            SyncError::Api(e) => write!(f, "TheirStack API: {e}"),
            SyncError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SyncError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SyncError::Database { source, .. } => Some(source.as_ref()),
            SyncError::Api(e) => Some(e),
            SyncError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<theirstack::Error> for SyncError {
    fn from(e: theirstack::Error) -> Self {
        SyncError::Api(e)
    }
}

impl From<std::io::Error> for SyncError {
    fn from(e: std::io::Error) -> Self {
        SyncError::Io(e)
    }
}
