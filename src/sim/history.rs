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
    Read { key: String },
    Write { key: String, value: Value },
}

impl OpKind {
    pub fn key(&self) -> &str {
        match self {
            OpKind::Read { key } | OpKind::Write { key, .. } => key,
        }
    }
    pub fn describe(&self) -> String {
        match self {
            OpKind::Read { key } => format!("read {key}"),
            OpKind::Write { key, value } => format!("write {key}={value}"),
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
    pub outcome: OpOutcome,
    /// How it was served, in plain words (which replicas acked, and so on).
    pub note: String,
}

impl OpRecord {
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
    pub(crate) fn invoke(&mut self, node: NodeId, kind: OpKind, at: Millis) -> OpId {
        let id = OpId(self.ops.len() as u64 + 1);
        self.ops.push(OpRecord {
            id,
            node,
            kind,
            invoked: at,
            completed: None,
            outcome: OpOutcome::Pending,
            note: String::new(),
        });
        id
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
        op.note = note;
        true
    }
    /// Builds a history by hand (for tests and checker benchmarks).
    pub fn from_ops(ops: Vec<OpRecord>) -> Self {
        Self { ops }
    }
}
