//! Multi-leader replication: every node accepts writes and replicates them
//! asynchronously; concurrent writes to one key conflict.
//!
//! Each stored value carries a **version vector** for its key (how many
//! writes of that key from each node it reflects), the writer's wall-clock
//! **timestamp** and the writer's id. A node applying a value from a peer
//! compares version vectors:
//! - the incoming one is already reflected (dominated or equal): ignored;
//! - it reflects everything we hold (dominates): taken — a causally later
//!   write always wins, whatever the clocks say;
//! - neither: the writes were **concurrent** — a conflict. Last-writer-wins
//!   keeps the value with the larger (timestamp, node id) and silently
//!   discards the other: a lost update. The merged result reflects both
//!   (the pointwise maximum of the vectors), so it is never re-counted.
//!
//! Clocks matter: a node whose clock runs behind loses every conflict, even
//! for a write made later in real time (the "acknowledged writes" checker
//! then reports it). Writes are pushed to peers once when made; periodic
//! anti-entropy (every node sends its whole state every second) repairs
//! what partitions dropped, so replicas converge after a heal.

use std::collections::BTreeMap;
use std::fmt;

use super::register::RegisterOp;
use crate::model::{LwwRegister, VersionVector};
use crate::sim::{ClientOp, Cx, Millis, Node, NodeId, OpOutcome, Value, fmt_ms};

#[derive(Clone, Debug)]
pub struct MlConfig {
    pub gossip_every: Millis,
}

impl Default for MlConfig {
    fn default() -> Self {
        Self { gossip_every: 1000 }
    }
}

/// One version of a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rec {
    pub value: Value,
    /// Writer's wall clock (ms × 1000 + a counter for same-ms writes).
    pub stamp: u64,
    pub writer: NodeId,
    /// Writes of this key from each node that this version reflects.
    pub vv: VersionVector<NodeId>,
}

impl Rec {
    /// This version as a last-writer-wins register: (timestamp, node id).
    fn lww(&self) -> LwwRegister<Value, NodeId> {
        LwwRegister::new(self.value, self.stamp, self.writer)
    }
    pub fn when(&self) -> String {
        let (ms, k) = (self.stamp / 1000, self.stamp % 1000);
        if k > 0 {
            format!("t={}+{k}", fmt_ms(ms))
        } else {
            format!("t={}", fmt_ms(ms))
        }
    }
    pub fn vv_text(&self) -> String {
        self.vv.to_string()
    }
}

impl fmt::Display for Rec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} by {})", self.value, self.when(), self.writer)
    }
}

/// A conflict resolved by last-writer-wins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub key: String,
    pub kept: Rec,
    pub discarded: Rec,
    pub at: NodeId,
    pub time: Millis,
}

impl Conflict {
    pub fn describe(&self) -> String {
        let k = &self.key;
        format!(
            "{k}={} (written by {} at {}) and {k}={} (by {} at {}) were written without either seeing the other; last-writer-wins kept {k}={} and silently discarded {k}={}",
            self.discarded.value,
            self.discarded.writer,
            self.discarded.when(),
            self.kept.value,
            self.kept.writer,
            self.kept.when(),
            self.kept.value,
            self.discarded.value
        )
    }
}

#[derive(Clone, Debug)]
pub enum Msg {
    Replicate { key: String, rec: Rec },
    Gossip { entries: Vec<(String, Rec)> },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Replicate { key, rec } => write!(f, "Replicate({key}={rec})"),
            Msg::Gossip { entries } => {
                let e: Vec<String> = entries
                    .iter()
                    .map(|(k, r)| format!("{k}={}", r.value))
                    .collect();
                write!(f, "Gossip({})", e.join(", "))
            }
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    AntiEntropy,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "anti-entropy")
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Disk {
    pub store: BTreeMap<String, Rec>,
    pub last_stamp: u64,
}

#[derive(Debug)]
pub struct MlNode {
    id: NodeId,
    disk: Disk,
    conflicts: Vec<Conflict>,
}

impl MlNode {
    pub fn store(&self) -> &BTreeMap<String, Rec> {
        &self.disk.store
    }
    /// Conflicts this node resolved (volatile: for the panes).
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    fn apply(&mut self, from: NodeId, key: &str, rec: Rec, cx: &mut Cx<'_, Self>) {
        let Some(cur) = self.disk.store.get(key).cloned() else {
            cx.note(format!("learned {key}={rec} from {from}"));
            self.disk.store.insert(key.to_string(), rec);
            return;
        };
        if cur.vv.dominates(&rec.vv) {
            return; // already reflected
        }
        if rec.vv.dominates(&cur.vv) {
            if cur.value != rec.value {
                cx.note(format!(
                    "{key}={} replaces {key}={}: its writer had seen the old value (version vector {} covers {})",
                    rec.value,
                    cur.value,
                    rec.vv_text(),
                    cur.vv_text()
                ));
            }
            self.disk.store.insert(key.to_string(), rec);
            return;
        }
        let vv = cur.vv.merged(&rec.vv);
        let (kept, discarded) = if rec.lww().beats(&cur.lww()) {
            (rec, cur)
        } else {
            (cur, rec)
        };
        let conflict = Conflict {
            key: key.to_string(),
            kept: kept.clone(),
            discarded,
            at: self.id,
            time: cx.now(),
        };
        cx.note(format!("conflict on {key}: {}", conflict.describe()));
        self.conflicts.push(conflict);
        self.disk.store.insert(key.to_string(), Rec { vv, ..kept });
    }
}

impl Node for MlNode {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Disk;
    type Config = MlConfig;
    super::register::register_operations!();

    /// Anti-entropy gossip.
    fn routine(msg: &Msg) -> bool {
        matches!(msg, Msg::Gossip { .. })
    }

    fn new(id: NodeId, _n: usize, _config: &MlConfig) -> Self {
        Self {
            id,
            disk: Disk::default(),
            conflicts: Vec::new(),
        }
    }

    fn durable(&self) -> &Disk {
        &self.disk
    }

    fn recover(id: NodeId, n: usize, config: &MlConfig, disk: Disk) -> Self {
        let mut node = Self::new(id, n, config);
        node.disk = disk;
        node
    }

    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        let first = cx.random_range(1, cx.config().gossip_every);
        cx.set_timer(first, Timer::AntiEntropy);
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        match msg {
            Msg::Replicate { key, rec } => self.apply(from, &key, rec, cx),
            Msg::Gossip { entries } => {
                for (key, rec) in entries {
                    self.apply(from, &key, rec, cx);
                }
            }
        }
    }

    fn on_timer(&mut self, _timer: Timer, cx: &mut Cx<'_, Self>) {
        if !self.disk.store.is_empty() {
            let entries = self
                .disk
                .store
                .iter()
                .map(|(k, r)| (k.clone(), r.clone()))
                .collect();
            cx.broadcast(Msg::Gossip { entries });
        }
        let every = cx.config().gossip_every;
        cx.set_timer(every, Timer::AntiEntropy);
    }

    fn on_client(&mut self, op: ClientOp<RegisterOp>, cx: &mut Cx<'_, Self>) {
        match op.kind {
            RegisterOp::Read { key } => {
                let value = self.disk.store.get(&key).map(|r| r.value);
                cx.complete(
                    op.id,
                    OpOutcome::Ok { value },
                    format!("served from {}'s local copy", self.id),
                );
            }
            RegisterOp::Write { key, value } => {
                let stamp = (cx.local_clock() * 1000).max(self.disk.last_stamp + 1);
                self.disk.last_stamp = stamp;
                let mut vv = self
                    .disk
                    .store
                    .get(&key)
                    .map(|r| r.vv.clone())
                    .unwrap_or_default();
                vv.inc(self.id);
                let rec = Rec {
                    value,
                    stamp,
                    writer: self.id,
                    vv,
                };
                let note = format!(
                    "accepted by {} as a leader at {} by its clock, version {}; replicating in the background",
                    self.id,
                    rec.when(),
                    rec.vv_text()
                );
                self.disk.store.insert(key.clone(), rec.clone());
                cx.broadcast(Msg::Replicate { key, rec });
                cx.complete(op.id, OpOutcome::Ok { value: None }, note);
            }
        }
    }

    fn role(&self) -> String {
        "leader".into()
    }

    fn state(&self, _config: &Self::Config) -> Vec<(String, String)> {
        self.disk
            .store
            .iter()
            .map(|(k, r)| (k.clone(), format!("{r} {}", r.vv_text())))
            .collect()
    }
}
