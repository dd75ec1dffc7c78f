//! Counters: the grow-only G-Counter and the PN-Counter made of two.

use super::VersionVector;

/// Each replica counts its own increments; merge takes the maximum per
/// replica (never the sum, which would count shared increments twice); the
/// value is the sum of the entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GCounter<A: Ord> {
    counts: VersionVector<A>,
}

impl<A: Ord> Default for GCounter<A> {
    fn default() -> Self {
        Self {
            counts: VersionVector::default(),
        }
    }
}

impl<A: Ord + Clone> GCounter<A> {
    pub fn new() -> Self {
        Self {
            counts: VersionVector::new(),
        }
    }
    /// A counter from per-replica counts.
    pub fn from_counts(pairs: impl IntoIterator<Item = (A, u64)>) -> Self {
        Self {
            counts: VersionVector::from_counts(pairs),
        }
    }
    pub fn incr(&mut self, replica: A, by: u64) {
        let now = self.counts.get(&replica) + by;
        self.counts.raise(replica, now);
    }
    pub fn value(&self) -> u64 {
        self.counts.iter().map(|(_, c)| c).sum()
    }
    pub fn get(&self, replica: &A) -> u64 {
        self.counts.get(replica)
    }
    pub fn merge(&mut self, other: &Self) {
        self.counts.merge(&other.counts);
    }
    pub fn entries(&self) -> &VersionVector<A> {
        &self.counts
    }
}

/// Increments and decrements as two G-Counters, P and N; value = P − N.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PnCounter<A: Ord> {
    pub p: GCounter<A>,
    pub n: GCounter<A>,
}

impl<A: Ord> Default for PnCounter<A> {
    fn default() -> Self {
        Self {
            p: GCounter::default(),
            n: GCounter::default(),
        }
    }
}

impl<A: Ord + Clone> PnCounter<A> {
    pub fn new() -> Self {
        Self {
            p: GCounter::new(),
            n: GCounter::new(),
        }
    }
    pub fn incr(&mut self, replica: A, by: u64) {
        self.p.incr(replica, by);
    }
    pub fn decr(&mut self, replica: A, by: u64) {
        self.n.incr(replica, by);
    }
    pub fn value(&self) -> i64 {
        self.p.value() as i64 - self.n.value() as i64
    }
    pub fn merge(&mut self, other: &Self) {
        self.p.merge(&other.p);
        self.n.merge(&other.n);
    }
}
