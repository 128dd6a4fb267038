//! The limiters of each API key and base URL, shared by every client built with them in this
//! process, so that separately built clients on one key never overshoot together. Keys are held
//! as SHA-256 fingerprints, never as text.

use super::{EndpointGroup, Limiter, Quota};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

/// One limiter per endpoint group.
#[derive(Debug)]
pub(crate) struct Limiters {
    groups: [Arc<Limiter>; 2],
}

impl Limiters {
    /// The limiter of a group.
    pub(crate) fn group(&self, group: EndpointGroup) -> &Arc<Limiter> {
        &self.groups[group.index()]
    }
}

type Registry = Mutex<HashMap<([u8; 32], String), Weak<Limiters>>>;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::default)
}

/// The limiters of `fingerprint` at `base_url`: the existing ones when a live client already uses
/// them (its assumptions stand), else new ones assuming `search` quotas for the search group and
/// none for the others until a server reports some.
pub(crate) fn limiters_for(
    fingerprint: [u8; 32],
    base_url: &str,
    search: Vec<Quota>,
    margin: Duration,
) -> Arc<Limiters> {
    let mut map = registry().lock().unwrap_or_else(|e| e.into_inner());
    map.retain(|_, weak| weak.strong_count() > 0);
    let key = (fingerprint, base_url.to_string());
    if let Some(existing) = map.get(&key).and_then(Weak::upgrade) {
        return existing;
    }
    let limiters = Arc::new(Limiters {
        groups: [
            Arc::new(Limiter::new(search, margin)),
            Arc::new(Limiter::new(Vec::new(), margin)),
        ],
    });
    map.insert(key, Arc::downgrade(&limiters));
    limiters
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::Tier;

    #[test]
    fn one_key_and_base_url_share_limiters_while_a_client_lives() {
        let a = limiters_for(
            [1; 32],
            "https://x.test",
            Tier::Paid.quotas(),
            Duration::ZERO,
        );
        let b = limiters_for(
            [1; 32],
            "https://x.test",
            Tier::Free.quotas(),
            Duration::ZERO,
        );
        assert!(Arc::ptr_eq(&a, &b), "the second client joins the first");
        assert_eq!(
            b.group(EndpointGroup::Search).quotas().len(),
            1,
            "first wins"
        );
        let other_key = limiters_for(
            [2; 32],
            "https://x.test",
            Tier::Paid.quotas(),
            Duration::ZERO,
        );
        let other_url = limiters_for(
            [1; 32],
            "https://y.test",
            Tier::Paid.quotas(),
            Duration::ZERO,
        );
        assert!(!Arc::ptr_eq(&a, &other_key) && !Arc::ptr_eq(&a, &other_url));
        assert!(other_key.group(EndpointGroup::Other).quotas().is_empty());
        drop((a, b));
        let fresh = limiters_for(
            [1; 32],
            "https://x.test",
            Tier::Free.quotas(),
            Duration::ZERO,
        );
        assert_eq!(
            fresh.group(EndpointGroup::Search).quotas().len(),
            4,
            "none left alive"
        );
    }
}
