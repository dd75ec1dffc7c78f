//! A replicated key-value store resolving conflicts by last-writer-wins:
//! each write is stamped by its replica, and every replica keeps, per key,
//! the write with the largest (stamp, node id). The stamp is the writer's
//! wall clock (`clock=wall`), or a hybrid logical clock (`clock=hlc`): the
//! larger of the wall clock and the newest stamp the replica has seen, so
//! a write made after seeing another is always stamped later.
//!
//! Each write is also recorded in a ledger with what its writer had seen of
//! that key (a version vector), for the lost-update checker only.

use std::collections::BTreeMap;

use super::config::{CLOCK, GOSSIP, GOSSIP_EVERY, RESTART};
use super::{Crdt, CrdtConfig, Env, Ledger, Local, Minted, SYNC};
use crate::model::{Dot, Hlc, VersionVector};
use crate::sim::{Arg, ArgSpec, Millis, NodeId, OpSpec, Scope, Setting, Value, fmt_ms};

const WRITE: OpSpec = OpSpec {
    verb: "write",
    args: &[ArgSpec::KeyWord],
    usage: "write nN key=VALUE",
    help: "client write of {key} through the selected replica, stamped by its clock",
    key: Some('w'),
    label: "write {key}",
    scope: Scope::Client,
};

const READ_KEY: OpSpec = OpSpec {
    verb: "read",
    args: &[ArgSpec::Key],
    usage: "read nN key",
    help: "client read of {key} at the selected replica",
    key: Some('r'),
    label: "read",
    scope: Scope::Client,
};

/// One stored write. Writes compare by (stamp, writer), then by value and
/// dot, so that even two writes with one stamp (a replica that forgot its
/// clock) resolve the same way on every replica.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamped {
    pub stamp: Hlc,
    pub writer: NodeId,
    pub value: String,
    /// This write's dot: the writer and its count of writes (of any key)
    /// it had seen or made.
    pub dot: Dot<NodeId>,
}

impl Stamped {
    pub fn stamp_text(&self) -> String {
        if self.stamp.logical == 0 {
            fmt_ms(self.stamp.wall)
        } else {
            format!("{}+{}", fmt_ms(self.stamp.wall), self.stamp.logical)
        }
    }
}

/// A write as it was made, for the checkers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Made {
    pub key: String,
    pub write: Stamped,
    pub at: Millis,
    /// The writer's clock offset then.
    pub offset: i64,
    /// The writes of this key its writer had seen.
    pub seen: VersionVector<NodeId>,
}

#[derive(Clone, Debug, Default)]
pub struct LwwStore {
    pub keys: BTreeMap<String, Stamped>,
    /// Per key, every write seen or made (a version vector), for dots.
    pub seen: BTreeMap<String, VersionVector<NodeId>>,
    pub ledger: Ledger<Made>,
}

/// Replicas are equal when they hold the same writes; the ledger is the
/// simulator's.
impl PartialEq for LwwStore {
    fn eq(&self, other: &Self) -> bool {
        self.keys == other.keys && self.seen == other.seen
    }
}

/// A write (reads are the engine's own: the whole store at a replica).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreOp {
    pub key: String,
    pub value: String,
}

impl LwwStore {
    /// The newest stamp this replica has seen.
    fn newest(&self) -> Hlc {
        self.keys
            .values()
            .map(|s| s.stamp)
            .max()
            .unwrap_or_default()
    }
    pub fn made(&self, key: &str, w: &Stamped) -> Option<&Made> {
        self.ledger.get(&w.dot).filter(|m| m.key == key)
    }
}

impl Crdt for LwwStore {
    type Op = StoreOp;
    const LABEL: &'static str = "store";
    const NAME: &'static str = "last-writer-wins store";

    fn operations() -> &'static [OpSpec] {
        &[WRITE, READ_KEY, SYNC]
    }
    fn settings() -> &'static [Setting<CrdtConfig>] {
        &[GOSSIP, GOSSIP_EVERY, RESTART, CLOCK]
    }
    fn parse(verb: &str, args: &[Arg]) -> Result<StoreOp, String> {
        match (verb, args) {
            ("write", [Arg::Text(k), Arg::Text(v)]) => Ok(StoreOp {
                key: k.clone(),
                value: v.clone(),
            }),
            _ => Err(format!(
                "'{verb}' is not a store operation: write and read are"
            )),
        }
    }
    fn describe(op: &StoreOp) -> String {
        format!("write {}={}", op.key, op.value)
    }
    fn update(&mut self, me: NodeId, op: &StoreOp, env: &Env<'_>) -> Result<Local, String> {
        let StoreOp { key, value } = op;
        let cur = self.keys.get(key);
        let stamp = if env.config.hlc {
            let mut h = self.newest();
            h.now(env.clock)
        } else {
            // One writer's own writes stay in order within a millisecond.
            match cur {
                Some(c) if c.writer == me && c.stamp.wall >= env.clock => Hlc {
                    wall: c.stamp.wall,
                    logical: c.stamp.logical + 1,
                },
                _ => Hlc {
                    wall: env.clock,
                    logical: 0,
                },
            }
        };
        // Dots count this replica's writes of every key, so each is unique;
        // a key's vector still says which of them were of that key.
        let counter = self.seen.values().map(|v| v.get(&me)).max().unwrap_or(0) + 1;
        let seen = self.seen.entry(key.clone()).or_default();
        let before = seen.clone();
        seen.raise(me, counter);
        let dot = Dot { actor: me, counter };
        let w = Stamped {
            stamp,
            writer: me,
            value: value.clone(),
            dot,
        };
        self.ledger.insert(
            dot,
            Made {
                key: key.clone(),
                write: w.clone(),
                at: env.now,
                offset: env.clock as i64 - env.now as i64,
                seen: before,
            },
        );
        let note = match cur {
            Some(c) if *c > w => format!(
                "{key}={value} stamped {} by {me}'s clock — older than the {key}={} it holds (stamped {} by {}), so it is lost at once",
                w.stamp_text(),
                c.value,
                c.stamp_text(),
                c.writer
            ),
            _ => format!("{key}={value}, stamped {}", w.stamp_text()),
        };
        if cur.is_none_or(|c| w > *c) {
            self.keys.insert(key.clone(), w);
        }
        Ok(Local {
            note,
            minted: Some(Minted::one("write", dot)),
        })
    }
    fn merge(&mut self, other: &Self, _config: &CrdtConfig) {
        for (k, theirs) in &other.keys {
            match self.keys.get(k) {
                Some(mine) if mine >= theirs => {}
                _ => {
                    self.keys.insert(k.clone(), theirs.clone());
                }
            }
        }
        // Every write this replica has seen, of any key (dots count across keys).
        let mut clock = VersionVector::new();
        for v in self.seen.values() {
            clock.merge(v);
        }
        self.ledger.merge(&other.ledger, &clock);
        for (k, v) in &other.seen {
            self.seen.entry(k.clone()).or_default().merge(v);
        }
    }
    fn read(&self, _config: &CrdtConfig) -> (Option<Value>, String) {
        let all: Vec<String> = self
            .keys
            .iter()
            .map(|(k, s)| format!("{k}={}", s.value))
            .collect();
        (
            None,
            if all.is_empty() {
                "{}".into()
            } else {
                all.join(" ")
            },
        )
    }
    fn shown(&self, _config: &CrdtConfig) -> Vec<(String, String)> {
        self.keys
            .iter()
            .map(|(k, s)| (k.clone(), s.value.clone()))
            .collect()
    }
    fn facets(&self, _config: &CrdtConfig) -> Vec<(String, String)> {
        self.keys
            .iter()
            .map(|(k, s)| {
                (
                    k.clone(),
                    format!("{} @{} by {}", s.value, s.stamp_text(), s.writer),
                )
            })
            .collect()
    }
}
