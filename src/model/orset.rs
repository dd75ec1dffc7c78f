//! The observed-remove set (add-wins).

use std::collections::{BTreeMap, BTreeSet};

use super::{Dot, VersionVector};

/// Every add gets a fresh tag (a dot: replica and its counter, never
/// reused); a remove tombstones only the tags of that element the replica
/// has *observed*. An element is present while one of its tags is not
/// tombstoned, so an add concurrent with a remove survives it (add-wins),
/// and removing an element a replica never saw added does nothing.
/// Tombstones only grow: that is the price of the design, not a bug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrSet<E: Ord, A: Ord> {
    adds: BTreeMap<E, BTreeSet<Dot<A>>>,
    removed: BTreeSet<Dot<A>>,
    /// The tags this replica has generated or seen, per replica.
    clock: VersionVector<A>,
}

impl<E: Ord, A: Ord> Default for OrSet<E, A> {
    fn default() -> Self {
        Self {
            adds: BTreeMap::new(),
            removed: BTreeSet::new(),
            clock: VersionVector::default(),
        }
    }
}

impl<E: Ord + Clone, A: Ord + Clone> OrSet<E, A> {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds `e` at `replica` with a fresh tag, which it returns.
    pub fn add(&mut self, replica: A, e: E) -> Dot<A> {
        let dot = self.clock.inc(replica);
        self.adds.entry(e).or_default().insert(dot.clone());
        dot
    }
    /// Removes the tags of `e` this replica has observed; returns them
    /// (none if it never saw `e` added: the remove then does nothing).
    pub fn remove(&mut self, e: &E) -> Vec<Dot<A>> {
        let tags: Vec<Dot<A>> = self
            .adds
            .get(e)
            .into_iter()
            .flatten()
            .filter(|t| !self.removed.contains(t))
            .cloned()
            .collect();
        self.removed.extend(tags.iter().cloned());
        tags
    }
    pub fn contains(&self, e: &E) -> bool {
        self.adds
            .get(e)
            .is_some_and(|tags| tags.iter().any(|t| !self.removed.contains(t)))
    }
    /// The elements present, in order.
    pub fn elements(&self) -> BTreeSet<E> {
        self.adds
            .keys()
            .filter(|e| self.contains(e))
            .cloned()
            .collect()
    }
    /// Each element ever added with all its tags, tombstoned or not.
    pub fn tags(&self) -> impl Iterator<Item = (&E, &BTreeSet<Dot<A>>)> {
        self.adds.iter()
    }
    /// The tombstoned tags.
    pub fn removed(&self) -> &BTreeSet<Dot<A>> {
        &self.removed
    }
    /// Every tag this replica has generated or seen, as a version vector.
    pub fn clock(&self) -> &VersionVector<A> {
        &self.clock
    }
    /// Tombstoned tags kept so far.
    pub fn tombstones(&self) -> usize {
        self.removed.len()
    }
    /// Union of adds and of tombstones.
    pub fn merge(&mut self, other: &Self) {
        for (e, tags) in &other.adds {
            self.adds
                .entry(e.clone())
                .or_default()
                .extend(tags.iter().cloned());
        }
        self.removed.extend(other.removed.iter().cloned());
        self.clock.merge(&other.clock);
    }
}
