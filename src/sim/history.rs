//! The history of client operations: what checkers judge.
//!
//! Every operation has an invocation time and, once answered, a completion
//! time and outcome. A timed-out operation is *indeterminate*: it may or may
//! not have taken effect, so checkers must treat it as possibly applied.

use serde::Serialize;

use super::{Millis, NodeId, OpId, fmt_ms};

pub type Value = i64;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum OpKind {
    Read {
        key: String,
    },
    Write {
        key: String,
        value: Value,
    },
    /// An operation on `key` that only its protocol models (a
    /// compare-and-set, an increment): read/write checkers cannot judge it.
    Other {
        key: String,
        what: String,
    },
}

impl OpKind {
    pub fn key(&self) -> &str {
        match self {
            OpKind::Read { key } | OpKind::Write { key, .. } | OpKind::Other { key, .. } => key,
        }
    }
    pub fn describe(&self) -> String {
        match self {
            OpKind::Read { key } => format!("read {key}"),
            OpKind::Write { key, value } => format!("write {key}={value}"),
            OpKind::Other { what, .. } => what.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OpOutcome {
    /// Not answered yet.
    Pending,
    /// Succeeded; a read carries the value it returned (`None`: never written).
    Ok { value: Option<Value> },
    /// Definitely did not take effect, with the reason in plain words.
    Failed { reason: String },
    /// No answer in time: may or may not have taken effect.
    TimedOut { reason: String },
}

#[derive(Clone, Debug, Serialize)]
pub struct OpRecord {
    pub id: OpId,
    pub node: NodeId,
    #[serde(flatten)]
    pub kind: OpKind,
    pub invoked: Millis,
    pub completed: Option<Millis>,
    /// Where the invocation stands in the run's total order of events (the
    /// trace sequence number). Checkers order operations by these, never by
    /// milliseconds: two operations in the same millisecond are still one
    /// before the other if the first returned before the second was invoked.
    pub call: u64,
    /// The completion's place in that order; `None` while pending.
    pub ret: Option<u64>,
    pub outcome: OpOutcome,
    /// How it was served, in plain words (which replicas acked, and so on).
    pub note: String,
}

/// Event positions for a history built by hand from times alone: an
/// invocation at `t` comes after every completion before `t` and before any
/// completion at `t`, so operations touching the same millisecond overlap.
pub fn positions_from_times(invoked: Millis, completed: Option<Millis>) -> (u64, Option<u64>) {
    (2 * invoked + 1, completed.map(|c| 2 * c + 2))
}

impl OpRecord {
    /// Whether this operation returned before `other` was invoked (the
    /// real-time order linearizability respects).
    pub fn precedes(&self, other: &OpRecord) -> bool {
        self.ret.is_some_and(|r| r < other.call)
    }
    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, OpOutcome::Ok { .. })
    }
    /// The value a successful read returned.
    pub fn read_value(&self) -> Option<Option<Value>> {
        match (&self.kind, &self.outcome) {
            (OpKind::Read { .. }, OpOutcome::Ok { value }) => Some(*value),
            _ => None,
        }
    }
    /// One line for people: `op 3 write x=2 via n2 at 1.400s → ok at 1.420s`.
    pub fn describe(&self) -> String {
        let what = self.kind.describe();
        let end = match (&self.outcome, self.completed) {
            (OpOutcome::Pending, _) => "pending".to_string(),
            (OpOutcome::Ok { value }, Some(t)) => match (&self.kind, value) {
                (OpKind::Read { key }, Some(v)) => format!("ok {key}={v} at {}", fmt_ms(t)),
                (OpKind::Read { key }, None) => format!("ok {key}=(none) at {}", fmt_ms(t)),
                _ => format!("ok at {}", fmt_ms(t)),
            },
            (OpOutcome::Failed { reason }, Some(t)) => format!("FAILED at {}: {reason}", fmt_ms(t)),
            (OpOutcome::TimedOut { reason }, Some(t)) => {
                format!("TIMED OUT at {}: {reason}", fmt_ms(t))
            }
            (_, None) => "pending".to_string(),
        };
        format!(
            "{what} via {} at {} → {end}",
            self.node,
            fmt_ms(self.invoked)
        )
    }
}

/// All client operations of a run, in invocation order.
#[derive(Clone, Debug, Default, Serialize)]
pub struct History {
    ops: Vec<OpRecord>,
}

impl History {
    pub fn ops(&self) -> &[OpRecord] {
        &self.ops
    }
    /// Records an invocation at time `at`, event `seq` of the run.
    pub(crate) fn invoke(&mut self, node: NodeId, kind: OpKind, at: Millis, seq: u64) -> OpId {
        let id = OpId(self.ops.len() as u64 + 1);
        self.ops.push(OpRecord {
            id,
            node,
            kind,
            invoked: at,
            completed: None,
            call: seq,
            ret: None,
            outcome: OpOutcome::Pending,
            note: String::new(),
        });
        id
    }
    /// Keys with an operation only its protocol models (`OpKind::Other`):
    /// read/write checkers cannot say what such a key should hold.
    pub fn keys_beyond_registers(&self) -> std::collections::BTreeSet<&str> {
        self.ops
            .iter()
            .filter(|o| matches!(o.kind, OpKind::Other { .. }))
            .map(|o| o.kind.key())
            .collect()
    }
    pub fn get(&self, id: OpId) -> Option<&OpRecord> {
        self.ops.get((id.0 as usize).checked_sub(1)?)
    }
    /// Records the outcome; returns false if the op was already answered
    /// (a late reply after a time-out is ignored, as a real client would).
    pub(crate) fn complete(
        &mut self,
        id: OpId,
        outcome: OpOutcome,
        note: String,
        at: Millis,
        seq: u64,
    ) -> bool {
        let Some(op) = (id.0 as usize)
            .checked_sub(1)
            .and_then(|i| self.ops.get_mut(i))
        else {
            return false;
        };
        if op.outcome != OpOutcome::Pending {
            return false;
        }
        op.outcome = outcome;
        op.completed = Some(at);
        op.ret = Some(seq);
        op.note = note;
        true
    }
    /// Builds a history by hand (for tests and checker benchmarks).
    pub fn from_ops(ops: Vec<OpRecord>) -> Self {
        Self { ops }
    }
}
