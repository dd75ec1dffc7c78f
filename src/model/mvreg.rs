//! The multi-value register.

use super::{Dot, VersionVector};

/// A register that keeps every concurrent write instead of picking one:
/// each value carries the version vector of its write (what the writer had
/// seen, plus its own new dot). A write replaces exactly the values its
/// writer had seen; a merge keeps the values neither side's others
/// dominate. Concurrent writes survive side by side as siblings for the
/// application to resolve. (The `crdts` crate's `MVReg`; Dynamo's siblings.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MvRegister<V, A: Ord> {
    /// Sorted by version vector, so equal states compare equal.
    vals: Vec<(VersionVector<A>, V)>,
}

impl<V, A: Ord> Default for MvRegister<V, A> {
    fn default() -> Self {
        Self { vals: Vec::new() }
    }
}

impl<V: Clone + PartialEq, A: Ord + Clone> MvRegister<V, A> {
    pub fn new() -> Self {
        Self::default()
    }
    /// What a writer here has seen: the join of the values' vectors.
    pub fn context(&self) -> VersionVector<A> {
        let mut c = VersionVector::new();
        for (vv, _) in &self.vals {
            c.merge(vv);
        }
        c
    }
    /// Writes `v` at `replica`, replacing every value held here; returns
    /// the write's dot.
    pub fn set(&mut self, replica: A, v: V) -> Dot<A> {
        let mut vv = self.context();
        let dot = vv.inc(replica);
        self.vals = vec![(vv, v)];
        dot
    }
    /// The values with their version vectors: one, or siblings.
    pub fn values(&self) -> &[(VersionVector<A>, V)] {
        &self.vals
    }
    pub fn merge(&mut self, other: &Self) {
        let dominated = |vv: &VersionVector<A>, by: &[(VersionVector<A>, V)]| {
            by.iter().any(|(o, _)| o.dominates(vv) && o != vv)
        };
        let mut vals: Vec<(VersionVector<A>, V)> = self
            .vals
            .iter()
            .filter(|(vv, _)| !dominated(vv, &other.vals))
            .cloned()
            .collect();
        for (vv, v) in &other.vals {
            if !dominated(vv, &self.vals) && !vals.iter().any(|(o, _)| o == vv) {
                vals.push((vv.clone(), v.clone()));
            }
        }
        vals.sort_by(|a, b| a.0.cmp(&b.0));
        self.vals = vals;
    }
}
