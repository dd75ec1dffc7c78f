//! Version vectors (vector clocks over actors) and dots.

use std::collections::BTreeMap;
use std::fmt;

/// One event's identity: the actor that made it and that actor's counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dot<A> {
    pub actor: A,
    pub counter: u64,
}

impl<A: fmt::Display> fmt::Display for Dot<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.actor, self.counter)
    }
}

/// How two version vectors relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Causality {
    Equal,
    /// The left one happened before the right one (it is dominated).
    Before,
    After,
    /// Neither covers the other: concurrent histories, a conflict.
    Concurrent,
}

/// For each actor, how many of its events are reflected. Missing entries
/// are 0, so `{a:1}` and `{a:1, b:0}` are the same vector.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VersionVector<A: Ord> {
    counts: BTreeMap<A, u64>,
}

impl<A: Ord> Default for VersionVector<A> {
    fn default() -> Self {
        Self {
            counts: BTreeMap::new(),
        }
    }
}

impl<A: Ord + Clone> VersionVector<A> {
    pub fn new() -> Self {
        Self {
            counts: BTreeMap::new(),
        }
    }
    /// A vector from (actor, count) pairs; zero counts are dropped.
    pub fn from_counts(pairs: impl IntoIterator<Item = (A, u64)>) -> Self {
        let mut v = Self::new();
        for (a, c) in pairs {
            v.raise(a, c);
        }
        v
    }
    pub fn get(&self, actor: &A) -> u64 {
        self.counts.get(actor).copied().unwrap_or(0)
    }
    /// Counts one more event of `actor`; returns its dot.
    pub fn inc(&mut self, actor: A) -> Dot<A> {
        let c = self.counts.entry(actor.clone()).or_insert(0);
        *c += 1;
        Dot { actor, counter: *c }
    }
    /// Raises `actor`'s entry to at least `count`.
    pub fn raise(&mut self, actor: A, count: u64) {
        if count > 0 {
            let c = self.counts.entry(actor).or_insert(0);
            *c = (*c).max(count);
        }
    }
    /// Whether the event `dot` is reflected here.
    pub fn contains(&self, dot: &Dot<A>) -> bool {
        self.get(&dot.actor) >= dot.counter
    }
    /// The pointwise maximum: the least vector that covers both.
    pub fn merge(&mut self, other: &Self) {
        for (a, &c) in &other.counts {
            self.raise(a.clone(), c);
        }
    }
    pub fn merged(&self, other: &Self) -> Self {
        let mut m = self.clone();
        m.merge(other);
        m
    }
    /// Whether this vector reflects every event `other` does.
    pub fn dominates(&self, other: &Self) -> bool {
        other.counts.iter().all(|(a, &c)| self.get(a) >= c)
    }
    pub fn compare(&self, other: &Self) -> Causality {
        match (self.dominates(other), other.dominates(self)) {
            (true, true) => Causality::Equal,
            (true, false) => Causality::After,
            (false, true) => Causality::Before,
            (false, false) => Causality::Concurrent,
        }
    }
    /// The entries that decide a comparison: the actors where this vector
    /// is ahead, and those where `other` is. Both non-empty: concurrent.
    pub fn deciding(&self, other: &Self) -> (Vec<A>, Vec<A>) {
        let mut ahead = Vec::new();
        let mut behind = Vec::new();
        let actors: std::collections::BTreeSet<&A> =
            self.counts.keys().chain(other.counts.keys()).collect();
        for a in actors {
            match self.get(a).cmp(&other.get(a)) {
                std::cmp::Ordering::Greater => ahead.push(a.clone()),
                std::cmp::Ordering::Less => behind.push(a.clone()),
                std::cmp::Ordering::Equal => {}
            }
        }
        (ahead, behind)
    }
    /// The entries that `seen` does not already cover: what this vector
    /// knows beyond it.
    pub fn without(&self, seen: &Self) -> Self {
        Self {
            counts: self
                .counts
                .iter()
                .filter(|(a, c)| seen.get(a) < **c)
                .map(|(a, c)| (a.clone(), *c))
                .collect(),
        }
    }
    /// The entries equal in both.
    pub fn common(&self, other: &Self) -> Self {
        Self {
            counts: self
                .counts
                .iter()
                .filter(|(a, c)| other.get(a) == **c)
                .map(|(a, c)| (a.clone(), *c))
                .collect(),
        }
    }
    /// The dots this vector holds as events' latest per actor: `[n1:2]` is `n1#2`.
    pub fn dots(&self) -> impl Iterator<Item = Dot<A>> + '_ {
        self.counts.iter().map(|(a, &c)| Dot {
            actor: a.clone(),
            counter: c,
        })
    }
    /// (actor, count) for every non-zero entry, in actor order.
    pub fn iter(&self) -> impl Iterator<Item = (&A, u64)> {
        self.counts.iter().map(|(a, &c)| (a, c))
    }
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// `[n1:2 n3:1]`.
impl<A: Ord + fmt::Display> fmt::Display for VersionVector<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[")?;
        for (i, (a, c)) in self.counts.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            write!(f, "{a}:{c}")?;
        }
        write!(f, "]")
    }
}
