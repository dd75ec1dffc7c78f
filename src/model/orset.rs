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
    /// Every element ever added, with its tags that are not tombstoned
    /// (empty: removed). Kept apart from the tombstones so that asking
    /// whether an element is present costs nothing however many times it
    /// was added and removed.
    live: BTreeMap<E, BTreeSet<Dot<A>>>,
    removed: BTreeSet<Dot<A>>,
    /// The tags this replica has generated or seen, per replica.
    clock: VersionVector<A>,
}

impl<E: Ord, A: Ord> Default for OrSet<E, A> {
    fn default() -> Self {
        Self {
            live: BTreeMap::new(),
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
        self.live.entry(e).or_default().insert(dot.clone());
        dot
    }
    /// Removes the tags of `e` this replica has observed; returns them
    /// (none if it never saw `e` added: the remove then does nothing).
    pub fn remove(&mut self, e: &E) -> Vec<Dot<A>> {
        let tags: Vec<Dot<A>> = self
            .live
            .get_mut(e)
            .map(std::mem::take)
            .into_iter()
            .flatten()
            .collect();
        self.removed.extend(tags.iter().cloned());
        tags
    }
    pub fn contains(&self, e: &E) -> bool {
        self.live.get(e).is_some_and(|tags| !tags.is_empty())
    }
    /// The elements present, in order.
    pub fn elements(&self) -> BTreeSet<E> {
        self.live
            .iter()
            .filter(|(_, tags)| !tags.is_empty())
            .map(|(e, _)| e.clone())
            .collect()
    }
    /// Each element ever added with its live tags (none: removed).
    pub fn tags(&self) -> impl Iterator<Item = (&E, &BTreeSet<Dot<A>>)> {
        self.live.iter()
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
    /// Union of adds and of tombstones: a tag is live if either side has
    /// it and neither has tombstoned it.
    pub fn merge(&mut self, other: &Self) {
        for (e, tags) in &other.live {
            let mine = self.live.entry(e.clone()).or_default();
            mine.extend(tags.iter().filter(|t| !self.removed.contains(t)).cloned());
        }
        if !other.removed.is_subset(&self.removed) {
            for tags in self.live.values_mut() {
                tags.retain(|t| !other.removed.contains(t));
            }
            self.removed.extend(other.removed.iter().cloned());
        }
        self.clock.merge(&other.clock);
    }
}
