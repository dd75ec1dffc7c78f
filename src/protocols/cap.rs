//! The focus block 1 register, in two flavours.
//!
//! **CP** is an ABD-style majority register: every read and write first asks
//! a majority for their versions (phase 1), then stores the newest version on
//! a majority (phase 2; for reads this is the write-back that makes a later
//! read unable to see an older value). A node that cannot hear from a
//! majority answers "unavailable" and never returns a possibly stale value.
//!
//! **AP** accepts every read and write locally, replicates asynchronously and
//! runs periodic anti-entropy; concurrent values are resolved by
//! last-writer-wins on (the writer's wall-clock timestamp, then node id). Both
//! sides of a partition stay available and diverge, then converge after heal.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::register::RegisterOp;
use crate::sim::Value;
use crate::sim::{ClientOp, Cx, Millis, Node, NodeId, OpId, OpOutcome, TimerId, fmt_ms};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Cp,
    Ap,
}

#[derive(Clone, Debug)]
pub struct CapConfig {
    pub mode: Mode,
    /// CP: how long a coordinator waits for a majority before answering "unavailable".
    pub op_timeout: Millis,
    /// AP: period of anti-entropy gossip.
    pub gossip_every: Millis,
}

impl CapConfig {
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            op_timeout: 600,
            gossip_every: 1000,
        }
    }
}

/// A version: CP uses a counter, AP the writer's wall clock in ms; ties are
/// broken by the writer's id so every replica orders versions the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub stamp: u64,
    pub writer: NodeId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Versioned {
    pub value: Value,
    pub version: Version,
}

impl fmt::Display for Versioned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (v{}·{})",
            self.value, self.version.stamp, self.version.writer
        )
    }
}

#[derive(Clone, Debug)]
pub enum Msg {
    /// CP phase 1: "what is your version of `key`?"
    Query {
        req: u64,
        key: String,
    },
    QueryReply {
        req: u64,
        key: String,
        got: Option<Versioned>,
    },
    /// CP phase 2: "store this version of `key` if it is newer than yours".
    Store {
        req: u64,
        key: String,
        val: Versioned,
    },
    StoreAck {
        req: u64,
    },
    /// AP: a fresh local write, pushed to peers once, best effort.
    Replicate {
        key: String,
        val: Versioned,
    },
    /// AP: anti-entropy, the sender's whole state.
    Gossip {
        entries: Vec<(String, Versioned)>,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Query { req, key } => write!(f, "Query#{req}({key})"),
            Msg::QueryReply {
                req,
                key,
                got: Some(v),
            } => write!(f, "QueryReply#{req}({key}={v})"),
            Msg::QueryReply {
                req,
                key,
                got: None,
            } => write!(f, "QueryReply#{req}({key} unset)"),
            Msg::Store { req, key, val } => write!(f, "Store#{req}({key}={val})"),
            Msg::StoreAck { req } => write!(f, "StoreAck#{req}"),
            Msg::Replicate { key, val } => write!(f, "Replicate({key}={val})"),
            Msg::Gossip { entries } => {
                let e: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.value))
                    .collect();
                write!(f, "Gossip({})", e.join(", "))
            }
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    /// CP: a request's majority did not answer in time.
    Deadline { req: u64 },
    /// AP: time to gossip.
    AntiEntropy,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Deadline { req } => write!(f, "deadline of request #{req}"),
            Timer::AntiEntropy => write!(f, "anti-entropy"),
        }
    }
}

/// The stored register values.
pub type Store = BTreeMap<String, Versioned>;

/// What survives a crash: the values, and how many requests this node has
/// started, so a restarted node never reuses a request number (a reply to a
/// request from before the crash must not count toward a new one).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Disk {
    pub store: Store,
    pub requests_started: u64,
}

#[derive(Debug)]
enum Phase {
    Query {
        replies: BTreeMap<NodeId, Option<Versioned>>,
    },
    Store {
        val: Versioned,
        acks: BTreeSet<NodeId>,
    },
}

#[derive(Debug)]
struct Request {
    op: OpId,
    key: String,
    /// `Some(v)` for a write of `v`, `None` for a read.
    write: Option<Value>,
    phase: Phase,
    deadline: TimerId,
}

#[derive(Debug)]
pub struct CapNode {
    id: NodeId,
    disk: Disk,
    // Volatile: requests this node coordinates.
    requests: BTreeMap<u64, Request>,
}

fn node_list(set: impl IntoIterator<Item = NodeId>) -> String {
    let v: Vec<String> = set.into_iter().map(|n| n.to_string()).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

impl CapNode {
    pub fn store(&self) -> &Store {
        &self.disk.store
    }

    /// Keeps `val` if it is newer than what we hold; says what happened.
    fn merge(&mut self, key: &str, val: Versioned) -> Merge {
        match self.disk.store.get(key) {
            Some(cur) if cur.version >= val.version => {
                if cur.version == val.version {
                    Merge::Same
                } else {
                    Merge::Kept(*cur)
                }
            }
            old => {
                let old = old.copied();
                self.disk.store.insert(key.to_string(), val);
                Merge::Took(old)
            }
        }
    }

    fn start_request(
        &mut self,
        op: OpId,
        key: String,
        write: Option<Value>,
        cx: &mut Cx<'_, Self>,
    ) {
        self.disk.requests_started += 1;
        let req = self.disk.requests_started;
        let deadline = cx.set_timer(cx.config().op_timeout, Timer::Deadline { req });
        let mut replies = BTreeMap::new();
        replies.insert(self.id, self.disk.store.get(&key).copied());
        self.requests.insert(
            req,
            Request {
                op,
                key: key.clone(),
                write,
                phase: Phase::Query { replies },
                deadline,
            },
        );
        cx.broadcast(Msg::Query { req, key });
        self.advance(req, cx);
    }

    /// Moves a request forward once its current phase has a majority.
    fn advance(&mut self, req: u64, cx: &mut Cx<'_, Self>) {
        let majority = cx.majority();
        let Some(r) = self.requests.get_mut(&req) else {
            return;
        };
        match &r.phase {
            Phase::Query { replies } if replies.len() >= majority => {
                let newest = replies
                    .values()
                    .flatten()
                    .max_by_key(|v| v.version)
                    .copied();
                let heard = node_list(replies.keys().copied());
                let val = match r.write {
                    Some(value) => {
                        let stamp = newest.map_or(0, |v| v.version.stamp) + 1;
                        Versioned {
                            value,
                            version: Version {
                                stamp,
                                writer: self.id,
                            },
                        }
                    }
                    None => match newest {
                        Some(v) => v,
                        None => {
                            // Nobody in a majority has the key: it was never written.
                            let op = r.op;
                            let key = r.key.clone();
                            cx.cancel_timer(r.deadline);
                            self.requests.remove(&req);
                            cx.complete(
                                op,
                                OpOutcome::Ok { value: None },
                                format!("{key} is unset on a majority ({heard})"),
                            );
                            return;
                        }
                    },
                };
                cx.note(format!(
                    "request #{req} heard versions from a majority ({heard}); now storing {}={val} on a majority",
                    r.key
                ));
                let key = r.key.clone();
                let mut acks = BTreeSet::new();
                acks.insert(self.id);
                r.phase = Phase::Store { val, acks };
                self.merge(&key, val);
                cx.broadcast(Msg::Store { req, key, val });
                self.advance(req, cx);
            }
            Phase::Store { val, acks } if acks.len() >= majority => {
                let note = format!(
                    "stored on {} of {}; a majority is {majority}",
                    node_list(acks.iter().copied()),
                    cx.cluster_size()
                );
                let value = match r.write {
                    Some(_) => None,
                    None => Some(val.value),
                };
                let op = r.op;
                cx.cancel_timer(r.deadline);
                self.requests.remove(&req);
                cx.complete(op, OpOutcome::Ok { value }, note);
            }
            _ => {}
        }
    }

    fn deadline(&mut self, req: u64, cx: &mut Cx<'_, Self>) {
        let Some(r) = self.requests.remove(&req) else {
            return;
        };
        let majority = cx.majority();
        let n = cx.cluster_size();
        let outcome = match (&r.phase, r.write) {
            (Phase::Query { replies }, _) => OpOutcome::Failed {
                reason: format!(
                    "unavailable: heard from {} of {n} nodes ({}), a majority needs {majority}; nothing was changed",
                    replies.len(),
                    node_list(replies.keys().copied())
                ),
            },
            // Reads change nothing by failing; a half-stored write may surface later.
            (Phase::Store { acks, .. }, None) => OpOutcome::Failed {
                reason: format!(
                    "unavailable: only {} of {n} stored the read's write-back, a majority needs {majority}",
                    acks.len()
                ),
            },
            (Phase::Store { acks, .. }, Some(_)) => OpOutcome::TimedOut {
                reason: format!(
                    "stored on {} only ({} of {n}, a majority needs {majority}): it may or may not take effect",
                    node_list(acks.iter().copied()),
                    acks.len()
                ),
            },
        };
        cx.complete(r.op, outcome, "");
    }

    fn gossip(&self, cx: &mut Cx<'_, Self>) {
        if !self.disk.store.is_empty() {
            let entries = self
                .disk
                .store
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            cx.broadcast(Msg::Gossip { entries });
        }
        let every = cx.config().gossip_every;
        cx.set_timer(every, Timer::AntiEntropy);
    }

    fn apply_remote(&mut self, from: NodeId, key: &str, val: Versioned, cx: &mut Cx<'_, Self>) {
        match self.merge(key, val) {
            Merge::Took(Some(old)) if old.value != val.value => cx.note(format!(
                "{key}={} replaces {key}={} from {from}: last writer wins, and v{}·{} is newer than v{}·{}",
                val.value, old.value, val.version.stamp, val.version.writer, old.version.stamp, old.version.writer
            )),
            Merge::Took(None) => cx.note(format!("learned {key}={} from {from}", val.value)),
            Merge::Kept(cur) if cur.value != val.value => cx.note(format!(
                "kept {key}={} and discarded {key}={} from {from}: last writer wins, and v{}·{} is newer",
                cur.value, val.value, cur.version.stamp, cur.version.writer
            )),
            _ => {}
        }
    }
}

enum Merge {
    Same,
    Kept(Versioned),
    Took(Option<Versioned>),
}

impl Node for CapNode {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Disk;
    type Config = CapConfig;
    super::register::register_operations!();

    /// Anti-entropy gossip (AP).
    fn routine(msg: &Msg) -> bool {
        matches!(msg, Msg::Gossip { .. })
    }

    fn new(id: NodeId, _n: usize, _config: &CapConfig) -> Self {
        Self {
            id,
            disk: Disk::default(),
            requests: BTreeMap::new(),
        }
    }

    fn durable(&self) -> &Disk {
        &self.disk
    }

    fn recover(id: NodeId, n: usize, config: &CapConfig, durable: Disk) -> Self {
        let mut node = Self::new(id, n, config);
        node.disk = durable;
        node
    }

    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        if cx.config().mode == Mode::Ap {
            // Spread the nodes' gossip rounds so they do not all fire at once.
            let first = cx.random_range(1, cx.config().gossip_every);
            cx.set_timer(first, Timer::AntiEntropy);
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        match msg {
            Msg::Query { req, key } => {
                let got = self.disk.store.get(&key).copied();
                cx.send(from, Msg::QueryReply { req, key, got });
            }
            Msg::QueryReply { req, got, .. } => {
                if let Some(Request {
                    phase: Phase::Query { replies },
                    ..
                }) = self.requests.get_mut(&req)
                {
                    replies.insert(from, got);
                    self.advance(req, cx);
                }
            }
            Msg::Store { req, key, val } => {
                self.apply_remote(from, &key, val, cx);
                cx.send(from, Msg::StoreAck { req });
            }
            Msg::StoreAck { req } => {
                if let Some(Request {
                    phase: Phase::Store { acks, .. },
                    ..
                }) = self.requests.get_mut(&req)
                {
                    acks.insert(from);
                    self.advance(req, cx);
                }
            }
            Msg::Replicate { key, val } => self.apply_remote(from, &key, val, cx),
            Msg::Gossip { entries } => {
                for (key, val) in entries {
                    self.apply_remote(from, &key, val, cx);
                }
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx<'_, Self>) {
        match timer {
            Timer::Deadline { req } => self.deadline(req, cx),
            Timer::AntiEntropy => self.gossip(cx),
        }
    }

    fn on_client(&mut self, op: ClientOp<RegisterOp>, cx: &mut Cx<'_, Self>) {
        match (cx.config().mode, op.kind) {
            (Mode::Cp, RegisterOp::Write { key, value }) => {
                self.start_request(op.id, key, Some(value), cx)
            }
            (Mode::Cp, RegisterOp::Read { key }) => self.start_request(op.id, key, None, cx),
            (Mode::Ap, RegisterOp::Write { key, value }) => {
                let mut stamp = cx.local_clock();
                // Two writes by one node in one millisecond must still be ordered.
                if let Some(cur) = self
                    .disk
                    .store
                    .get(&key)
                    .filter(|c| c.version.writer == self.id)
                {
                    stamp = stamp.max(cur.version.stamp + 1);
                }
                let val = Versioned {
                    value,
                    version: Version {
                        stamp,
                        writer: self.id,
                    },
                };
                let note = match self.merge(&key, val) {
                    Merge::Kept(cur) => format!(
                        "accepted locally, but {key}={} already has a newer timestamp (t={}), so this write is lost to last-writer-wins",
                        cur.value,
                        fmt_ms(cur.version.stamp)
                    ),
                    _ => format!(
                        "accepted locally at t={} by {}'s clock; replicating in the background",
                        fmt_ms(stamp),
                        self.id
                    ),
                };
                cx.broadcast(Msg::Replicate { key, val });
                cx.complete(op.id, OpOutcome::Ok { value: None }, note);
            }
            (Mode::Ap, RegisterOp::Read { key }) => {
                let value = self.disk.store.get(&key).map(|v| v.value);
                cx.complete(
                    op.id,
                    OpOutcome::Ok { value },
                    format!("served from {}'s local copy", self.id),
                );
            }
        }
    }

    fn role(&self) -> String {
        "replica".into()
    }

    fn state(&self, _config: &Self::Config) -> Vec<(String, String)> {
        self.disk
            .store
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect()
    }
}
