//! Client (placeholder).
use crate::generated::Client as Api;

/// State shared by all clones of a client.
#[derive(Clone, Debug, Default)]
pub struct Shared;

impl progenitor_client::ClientHooks<Shared> for Api {}
