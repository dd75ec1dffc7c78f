//! The observed-remove set without tombstones (add-wins).

use std::collections::BTreeMap;

use super::{Dot, VersionVector};

/// The same add-wins set as [`super::OrSet`], without tombstones: each
/// element keeps the dots of the adds that are still live (at most one per
/// replica, as a version vector), and the set keeps one clock of every add
/// it has seen. A merge drops an element's dot when the other side has seen
/// that dot (its clock covers it) yet no longer holds it: it was removed.
/// So removed elements cost nothing; the clock grows with replicas, not
/// with operations. (Bieniusa et al., "An optimized conflict-free
/// replicated set", 2012; the `crdts` crate's `Orswot`.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orswot<E: Ord, A: Ord> {
    entries: BTreeMap<E, VersionVector<A>>,
    clock: VersionVector<A>,
}

impl<E: Ord, A: Ord> Default for Orswot<E, A> {
    fn default() -> Self {
        Self {
            entries: BTreeMap::new(),
            clock: VersionVector::default(),
        }
    }
}

impl<E: Ord + Clone, A: Ord + Clone> Orswot<E, A> {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds `e` at `replica` with a fresh dot, which it returns. The new
    /// dot supersedes the replica's older dot for `e`.
    pub fn add(&mut self, replica: A, e: E) -> Dot<A> {
        let dot = self.clock.inc(replica.clone());
        self.entries
            .entry(e)
            .or_default()
            .raise(replica, dot.counter);
        dot
    }
    /// Removes `e` as this replica has observed it: its live dots go, and
    /// the clock remembers them. Returns them (none: the remove does nothing).
    pub fn remove(&mut self, e: &E) -> Vec<Dot<A>> {
        self.entries
            .remove(e)
            .map(|d| d.dots().collect())
            .unwrap_or_default()
    }
    pub fn contains(&self, e: &E) -> bool {
        self.entries.contains_key(e)
    }
    pub fn elements(&self) -> impl Iterator<Item = &E> {
        self.entries.keys()
    }
    /// Each element with the dots of its live adds.
    pub fn entries(&self) -> impl Iterator<Item = (&E, &VersionVector<A>)> {
        self.entries.iter()
    }
    /// Every add this replica has seen, as one version vector.
    pub fn clock(&self) -> &VersionVector<A> {
        &self.clock
    }
    pub fn merge(&mut self, other: &Self) {
        let mut merged = BTreeMap::new();
        for (e, mine) in &self.entries {
            let kept = match other.entries.get(e) {
                // Dots both hold stay; a dot only one side holds stays if
                // the other side never saw it.
                Some(theirs) => {
                    let mut k = mine.common(theirs);
                    k.merge(&mine.without(&other.clock));
                    k.merge(&theirs.without(&self.clock));
                    k
                }
                None => mine.without(&other.clock),
            };
            if !kept.is_empty() {
                merged.insert(e.clone(), kept);
            }
        }
        for (e, theirs) in &other.entries {
            if self.entries.contains_key(e) {
                continue;
            }
            let kept = theirs.without(&self.clock);
            if !kept.is_empty() {
                merged.insert(e.clone(), kept);
            }
        }
        self.entries = merged;
        self.clock.merge(&other.clock);
    }
}
