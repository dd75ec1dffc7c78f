//! What must hold after every event of a CRDT run.

use std::collections::BTreeMap;

use crate::model::Dot;
use crate::protocols::crdt::{Crdt, CrdtNode};
use crate::sim::{Invariant, NodeId, TraceEvent, TraceKind, World};

pub const DOT_UNIQUE: &str = "no dot reused";
pub const FORMS_AGREE: &str = "both OR-Sets agree";

/// Every update's dot is new: a replica never mints (itself, k) twice. A
/// reused dot looks, to any replica that saw the first one, like an update
/// it already has, so the new update is silently lost.
#[derive(Default)]
pub struct DotUnique {
    /// The highest counter each replica has minted, per kind of dot.
    minted: BTreeMap<(&'static str, NodeId), u64>,
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
        let (kind, Dot { actor, counter }) = world.node(n).last_mint()?;
        let high = self.minted.entry((kind, actor)).or_insert(0);
        if counter <= *high {
            let was = *high;
            return Some(format!(
                "{n} minted {kind} dot {actor}#{counter} although it had already minted up to {actor}#{was}: it restarted without its state (restart=amnesia) and counted from 0 again, so every replica that saw the first {actor}#{counter} takes this update for one it already has, and drops it"
            ));
        }
        *high = counter;
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
        let n = event.node?;
        world
            .node(n)
            .crdt()
            .consistent()
            .err()
            .map(|why| format!("at {n}: {why}"))
    }
}
