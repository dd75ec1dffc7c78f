//! The last-writer-wins register.

/// A register whose merge keeps the write with the largest (timestamp,
/// writer id): the writer id breaks ties, so every replica picks the same
/// winner. The other concurrent writes are discarded silently: that is the
/// lost-update risk of LWW.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LwwRegister<V, A> {
    pub value: V,
    pub stamp: u64,
    pub writer: A,
}

impl<V: Clone, A: Ord + Clone> LwwRegister<V, A> {
    pub fn new(value: V, stamp: u64, writer: A) -> Self {
        Self {
            value,
            stamp,
            writer,
        }
    }
    /// The order writes are compared in.
    pub fn key(&self) -> (u64, &A) {
        (self.stamp, &self.writer)
    }
    /// Whether `self` wins against `other`.
    pub fn beats(&self, other: &Self) -> bool {
        self.key() > other.key()
    }
    /// Keeps whichever write wins. Two writes with the same stamp and writer
    /// are the same write.
    pub fn merge(&mut self, other: &Self) {
        if other.beats(self) {
            *self = other.clone();
        }
    }
    /// The winner of several writes.
    pub fn winner<'a>(writes: impl IntoIterator<Item = &'a Self>) -> Option<&'a Self>
    where
        V: 'a,
        A: 'a,
    {
        writes.into_iter().max_by(|a, b| a.key().cmp(&b.key()))
    }
}
