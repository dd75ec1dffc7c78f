//! Safety invariants checked after every event, while the run goes.
//!
//! A scenario registers invariants with its world; after each event the
//! kernel hands every invariant that event and a read-only view of the
//! world. An invariant keeps whatever small state it needs (the leader of
//! each epoch so far), so checking stays cheap however long the run. The
//! first violation is recorded with the event's sequence number; the live
//! cluster pauses on it and `statedist sim` prints it among the verdicts.

use serde::Serialize;

use super::{Millis, Node, TraceEvent, World};

/// A property that must hold after every event of a run.
pub trait Invariant<N: Node> {
    /// A short name for verdicts: "one leader per epoch".
    fn name(&self) -> &'static str;
    /// What the invariant promises, in one sentence, for a passing verdict.
    fn promise(&self) -> &'static str;
    /// Called for each trace event once the handler that recorded it has
    /// returned (so `world` is the state after that handler); returns a
    /// plain-English sentence saying what went wrong, if the property no
    /// longer holds. A property of a node's role should look at that node's
    /// notes (`TraceKind::State`), where protocols record role changes, so
    /// the violation lands on the note of the change that broke it.
    fn check(&mut self, world: &World<N>, event: &TraceEvent) -> Option<String>;
}

/// The first time an invariant failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub invariant: &'static str,
    /// The trace sequence number of the event after which it failed.
    pub seq: u64,
    pub time: Millis,
    pub text: String,
}
