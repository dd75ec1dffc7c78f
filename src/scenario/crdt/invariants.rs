//! What must hold after every event of a CRDT run.

use std::collections::BTreeMap;

use crate::protocols::crdt::{Crdt, CrdtNode, Minted};
use crate::sim::{Invariant, NodeId, TraceEvent, TraceKind, World};

pub const DOT_UNIQUE: &str = "no dot reused";
pub const FORMS_AGREE: &str = "both OR-Sets agree";

/// Every update's dot is new: a replica never mints (itself, k) twice. A
/// reused dot looks, to any replica that saw the first one, like an update
/// it already has, so the new update is silently lost.
#[derive(Default)]
pub struct DotUnique {
    /// The counters each replica has minted, per kind of dot, as ranges
    /// first → last.
    minted: BTreeMap<(&'static str, NodeId), BTreeMap<u64, u64>>,
}

impl<T: Crdt> Invariant<CrdtNode<T>> for DotUnique {
    fn name(&self) -> &'static str {
        DOT_UNIQUE
    }
    fn promise(&self) -> &'static str {
        "every update got a dot (replica, counter) never used before"
    }
    fn check(&mut self, world: &World<CrdtNode<T>>, event: &TraceEvent) -> Option<String> {
        // A client request runs exactly one handler, right after its invocation.
        if event.kind != TraceKind::ClientInvoke {
            return None;
        }
        let n = event.node?;
        if !world.is_up(n) {
            return None;
        }
        let Minted {
            kind,
            actor,
            first,
            last,
        } = world.node(n).last_mint()?;
        let ranges = self.minted.entry((kind, actor)).or_default();
        // The range starting last at or before `last` is the only one that
        // can overlap first..=last.
        if let Some((&lo, &hi)) = ranges.range(..=last).next_back()
            && hi >= first
        {
            let dot = first.max(lo);
            return Some(format!(
                "{n} minted {kind} dot {actor}#{dot} a second time (it had minted {actor}#{lo}..{actor}#{hi} before): it restarted without its state (restart=amnesia) and counted from 0 again, so every replica that saw the first {actor}#{dot} takes this update for one it already has, and drops it"
            ));
        }
        ranges.insert(first, last);
        None
    }
}

/// The OR-Set runs in two forms on the same operations and merges; they
/// must hold the same elements on every replica after every event.
#[derive(Default)]
pub struct FormsAgree;

impl<T: Crdt> Invariant<CrdtNode<T>> for FormsAgree {
    fn name(&self) -> &'static str {
        FORMS_AGREE
    }
    fn promise(&self) -> &'static str {
        "the OR-Set with tombstones and the optimised one held the same elements on every replica"
    }
    fn check(&mut self, world: &World<CrdtNode<T>>, event: &TraceEvent) -> Option<String> {
        // A replica's state changes only by an update or a merge, and each
        // notes itself: look then, not on every message.
        if event.kind != TraceKind::State {
            return None;
        }
        let n = event.node?;
        world
            .node(n)
            .crdt()
            .consistent()
            .err()
            .map(|why| format!("at {n}: {why}"))
    }
}
