//! The event queue: a min-heap on (time, sequence number), so events at the
//! same virtual time run in the order they were scheduled, on every machine.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::Millis;

pub(crate) struct Scheduled<E> {
    pub time: Millis,
    pub seq: u64,
    pub event: E,
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl<E> Eq for Scheduled<E> {}
impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Scheduled<E> {
    // Reversed: BinaryHeap is a max-heap and we want the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

pub(crate) struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    next_seq: u64,
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        Self {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }
    pub fn push(&mut self, time: Millis, event: E) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled { time, seq, event });
        seq
    }
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        self.heap.pop()
    }
    pub fn peek_time(&self) -> Option<Millis> {
        self.heap.peek().map(|s| s.time)
    }
    /// Events in execution order (for views; allocation is fine there).
    pub fn sorted(&self) -> Vec<&Scheduled<E>> {
        let mut v: Vec<_> = self.heap.iter().collect();
        v.sort_by_key(|s| (s.time, s.seq));
        v
    }
    pub fn len(&self) -> usize {
        self.heap.len()
    }
    /// Moves the events `f` gives a new time to (keeping their sequence
    /// numbers, so ties still run in scheduling order). Linear in the
    /// queue: for rare changes such as a clock's rate.
    pub fn retime(&mut self, f: impl Fn(&E) -> Option<Millis>) {
        let mut all = std::mem::take(&mut self.heap).into_vec();
        for s in &mut all {
            if let Some(t) = f(&s.event) {
                s.time = t;
            }
        }
        self.heap = BinaryHeap::from(all);
    }
}
