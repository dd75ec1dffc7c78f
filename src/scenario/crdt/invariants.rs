//! What must hold after every event of a CRDT run.

use std::collections::BTreeMap;

use crate::protocols::crdt::{Crdt, CrdtNode, Dynamo, Minted};
use crate::sim::{Invariant, NodeId, TraceEvent, TraceKind, World};

pub const DOT_UNIQUE: &str = "no dot reused";
pub const FORMS_AGREE: &str = "both OR-Sets agree";
pub const SIBLINGS_EXACT: &str = "siblings exact";

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
                "{n} minted {kind} dot {actor}#{dot} a second time (it had minted {actor}#{lo}..{actor}#{hi} before): it restarted without its state (restart=amnesia) and counted from 0 again. {actor}#{dot} now names two different updates, and a replica that saw the first takes the second for it"
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

/// Each replica keeps exactly the versions that no version it knows of
/// supersedes by true causality (its writer had read them): nothing
/// dominated kept, nothing concurrent dropped.
#[derive(Default)]
pub struct SiblingsExact;

impl Invariant<CrdtNode<Dynamo>> for SiblingsExact {
    fn name(&self) -> &'static str {
        SIBLINGS_EXACT
    }
    fn promise(&self) -> &'static str {
        "every replica kept exactly the versions that no writer had read before writing"
    }
    fn check(&mut self, world: &World<CrdtNode<Dynamo>>, event: &TraceEvent) -> Option<String> {
        if event.kind != TraceKind::State {
            return None;
        }
        let n = event.node?;
        let state = world.node(n).crdt();
        let truth = state.true_siblings();
        let kept: std::collections::BTreeSet<_> = state.siblings.iter().cloned().collect();
        let dropped: Vec<String> = truth
            .difference(&kept)
            .map(|v| format!("{} {}", v.dot, v.items_text()))
            .collect();
        let extra: Vec<String> = kept
            .difference(&truth)
            .map(|v| format!("{} {}", v.dot, v.items_text()))
            .collect();
        if dropped.is_empty() && extra.is_empty() {
            return None;
        }
        let vv = if world.node_config().server_vv {
            " (clocks=vv: a version whose per-server vector dominates another replaces it, though its writer never read it)"
        } else {
            ""
        };
        Some(if !dropped.is_empty() {
            format!(
                "{n} dropped version {} although no writer had read it: it is concurrent with what {n} kept{vv}",
                dropped.join(", ")
            )
        } else {
            format!(
                "{n} kept version {} although a later writer had read it",
                extra.join(", ")
            )
        })
    }
}
