//! The trace: every event of a run with a one-line plain-English explanation.
//!
//! Long live sessions would grow it without bound, so only the newest events
//! are kept; a running hash covers every event ever recorded, which is what
//! determinism tests compare.

use std::collections::VecDeque;

use serde::Serialize;

use super::{Millis, NodeId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceKind {
    Send,
    Deliver,
    Drop,
    Duplicate,
    Timer,
    Crash,
    Restart,
    State,
    ClientInvoke,
    ClientDone,
    Fault,
}

#[derive(Clone, Debug, Serialize)]
pub struct TraceEvent {
    /// Position in the run, from 1.
    pub seq: u64,
    pub time: Millis,
    pub kind: TraceKind,
    /// The node it happened at (the receiver for deliveries and drops).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
    /// The other end of a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<NodeId>,
    pub text: String,
    /// Routine traffic the event log can hide: a timer firing, or the
    /// sending, delivery or loss of a message [`crate::sim::Node::routine`]
    /// marks. Not serialized and not hashed: it changes nothing in a run.
    #[serde(skip)]
    pub routine: bool,
}

pub struct Trace {
    events: VecDeque<TraceEvent>,
    keep: usize,
    total: u64,
    hash: u64,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

impl Trace {
    /// A trace keeping the newest `keep` events.
    pub fn new(keep: usize) -> Self {
        Self {
            events: VecDeque::new(),
            keep: keep.max(1),
            total: 0,
            hash: FNV_OFFSET,
        }
    }
    /// Records an event; timer firings count as routine.
    pub(crate) fn push(
        &mut self,
        time: Millis,
        kind: TraceKind,
        node: Option<NodeId>,
        peer: Option<NodeId>,
        text: String,
    ) {
        let routine = kind == TraceKind::Timer;
        self.push_msg(time, kind, node, peer, text, routine);
    }

    /// Records a message's event, saying whether the message is routine.
    pub(crate) fn push_msg(
        &mut self,
        time: Millis,
        kind: TraceKind,
        node: Option<NodeId>,
        peer: Option<NodeId>,
        text: String,
        routine: bool,
    ) {
        self.total += 1;
        let mut h = fnv(self.hash, &time.to_le_bytes());
        h = fnv(h, &[kind as u8]);
        h = fnv(h, &node.map_or(0, |n| n.0).to_le_bytes());
        h = fnv(h, &peer.map_or(0, |n| n.0).to_le_bytes());
        self.hash = fnv(h, text.as_bytes());
        if self.events.len() == self.keep {
            self.events.pop_front();
        }
        self.events.push_back(TraceEvent {
            seq: self.total,
            time,
            kind,
            node,
            peer,
            text,
            routine,
        });
    }
    /// The retained events, oldest first.
    pub fn events(&self) -> impl DoubleEndedIterator<Item = &TraceEvent> + ExactSizeIterator {
        self.events.iter()
    }
    pub fn last(&self) -> Option<&TraceEvent> {
        self.events.back()
    }
    /// How many events were ever recorded (some may no longer be retained).
    pub fn total(&self) -> u64 {
        self.total
    }
    /// A hash of every event ever recorded: equal hashes, equal runs.
    pub fn hash(&self) -> u64 {
        self.hash
    }
}
