//! The simulator's record of every update a replica knows of, for checkers
//! that need the true history (which write had seen which). Replicas carry
//! it in their state so it travels with their gossip, but never read it,
//! and it takes no part in their equality.

use std::ops::Bound;

use imbl::OrdMap;

use crate::model::{Dot, VersionVector};
use crate::sim::NodeId;

/// Entries keyed by the dot of the update they record, in a persistent
/// map: copying a state into a message, or one entry more on a copy,
/// shares everything else instead of copying the whole history.
#[derive(Clone, Debug)]
pub struct Ledger<T: Clone>(OrdMap<Dot<NodeId>, T>);

impl<T: Clone> Default for Ledger<T> {
    fn default() -> Self {
        Self(OrdMap::new())
    }
}

impl<T: Clone> Ledger<T> {
    pub fn insert(&mut self, dot: Dot<NodeId>, entry: T) {
        self.0.insert(dot, entry);
    }

    /// Adds what `other` records beyond `seen`, this replica's clock
    /// before the merge. A replica's dots are contiguous and full states
    /// are merged, so a replica that has seen `n1#5` records `n1#1..5`:
    /// only entries past `seen` can be new, and merging costs the new
    /// entries, not the whole history.
    pub fn merge(&mut self, other: &Self, seen: &VersionVector<NodeId>) {
        if self.0.ptr_eq(&other.0) {
            return;
        }
        let mut new = Vec::new();
        let mut from = other.0.keys().next().map(|d| d.actor);
        while let Some(actor) = from {
            let start = Dot {
                actor,
                counter: seen.get(&actor) + 1,
            };
            let end = Dot {
                actor,
                counter: u64::MAX,
            };
            new.extend(
                other
                    .0
                    .range(start..=end)
                    .filter(|(d, _)| !self.0.contains_key(*d))
                    .map(|(d, e)| (*d, e.clone())),
            );
            from = other
                .0
                .range((Bound::Excluded(end), Bound::Unbounded))
                .next()
                .map(|(d, _)| d.actor);
        }
        self.0.extend(new);
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.values()
    }
    pub fn get(&self, dot: &Dot<NodeId>) -> Option<&T> {
        self.0.get(dot)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
