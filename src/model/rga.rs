//! A replicated growable array (RGA), the sequence CRDT for text.

use std::collections::BTreeMap;

use super::Dot;

/// One character of an [`Rga`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Char<A> {
    pub ch: char,
    /// The character it was typed right after (`None`: at the start).
    pub after: Option<Dot<A>>,
    /// The first character of the same insertion (a typed word).
    pub run: Dot<A>,
    /// Deleted characters stay as tombstones, so that text typed after
    /// them still finds its place.
    pub deleted: bool,
}

/// Every character has an identity that does not depend on its index: a
/// dot whose counter is a Lamport clock (larger than every counter the
/// replica had seen), and the character it was typed after. The text is a
/// tree walk: after each character come the characters typed right after
/// it, newest first (by counter, then replica). A word typed on one
/// replica is a chain, each letter after the previous one, so two words
/// typed concurrently at the same place come out one after the other,
/// never letter by letter. (Letters typed backwards, each before the
/// last, are siblings of one character and can still interleave with
/// another replica's; Fugue, arXiv 2305.00583, avoids that too.) Merge
/// is the union of characters, deletions included. (Roh et al., 2011; the
/// `crdts` crate's `List` is a relative.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rga<A: Ord> {
    chars: BTreeMap<Dot<A>, Char<A>>,
    /// The largest counter seen.
    top: u64,
}

impl<A: Ord> Default for Rga<A> {
    fn default() -> Self {
        Self {
            chars: BTreeMap::new(),
            top: 0,
        }
    }
}

impl<A: Ord + Clone> Rga<A> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every character, tombstones included, in text order.
    pub fn sequence(&self) -> Vec<(&Dot<A>, &Char<A>)> {
        let mut children: BTreeMap<Option<&Dot<A>>, Vec<&Dot<A>>> = BTreeMap::new();
        for (id, c) in &self.chars {
            children.entry(c.after.as_ref()).or_default().push(id);
        }
        // Newest first: the larger (counter, replica) comes earlier.
        for kids in children.values_mut() {
            kids.sort_by(|a, b| (b.counter, &b.actor).cmp(&(a.counter, &a.actor)));
        }
        let mut out = Vec::with_capacity(self.chars.len());
        let mut stack: Vec<&Dot<A>> = children
            .get(&None)
            .map(|k| k.iter().rev().copied().collect())
            .unwrap_or_default();
        while let Some(id) = stack.pop() {
            out.push((id, &self.chars[id]));
            if let Some(kids) = children.get(&Some(id)) {
                stack.extend(kids.iter().rev().copied());
            }
        }
        out
    }

    /// The visible text.
    pub fn text(&self) -> String {
        self.sequence()
            .into_iter()
            .filter(|(_, c)| !c.deleted)
            .map(|(_, c)| c.ch)
            .collect()
    }

    /// The id of the `n`-th visible character (0-based).
    fn visible(&self, n: usize) -> Option<Dot<A>> {
        self.sequence()
            .into_iter()
            .filter(|(_, c)| !c.deleted)
            .nth(n)
            .map(|(id, _)| id.clone())
    }

    /// Types `s` at `replica` so that it starts at visible index `pos`
    /// (clamped to the end); returns the new characters' ids.
    pub fn insert(&mut self, replica: A, pos: usize, s: &str) -> Vec<Dot<A>> {
        let mut after = pos.checked_sub(1).and_then(|p| {
            self.visible(p)
                .or_else(|| self.visible(self.text().chars().count().checked_sub(1)?))
        });
        let mut ids = Vec::new();
        for ch in s.chars() {
            self.top += 1;
            let id = Dot {
                actor: replica.clone(),
                counter: self.top,
            };
            let run = ids.first().cloned().unwrap_or_else(|| id.clone());
            self.chars.insert(
                id.clone(),
                Char {
                    ch,
                    after: after.clone(),
                    run,
                    deleted: false,
                },
            );
            after = Some(id.clone());
            ids.push(id);
        }
        ids
    }

    /// Deletes the visible character at `pos`; returns its id.
    pub fn delete(&mut self, pos: usize) -> Option<Dot<A>> {
        let id = self.visible(pos)?;
        self.chars.get_mut(&id).expect("visible").deleted = true;
        Some(id)
    }

    pub fn len(&self) -> usize {
        self.chars.values().filter(|c| !c.deleted).count()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Characters kept, tombstones included.
    pub fn stored(&self) -> usize {
        self.chars.len()
    }

    pub fn merge(&mut self, other: &Self) {
        for (id, c) in &other.chars {
            match self.chars.get_mut(id) {
                Some(mine) => mine.deleted |= c.deleted,
                None => {
                    self.chars.insert(id.clone(), c.clone());
                }
            }
        }
        self.top = self.top.max(other.top);
    }
}
