//! Leaderless replication with N/W/R quorums, Dynamo- and Cassandra-style.
//!
//! Each key lives on N replicas: walking the ring of nodes from a start
//! position derived from the key's hash (with N = cluster size, every
//! node). Any node can *coordinate* a client's request:
//!
//! - **Write**: the coordinator stamps the value with a version — its own
//!   wall clock in ms, a per-coordinator counter for writes in the same ms,
//!   then its node id, so versions are unique and (without clock skew)
//!   follow real time — and sends it to all N replicas. Once W have stored
//!   it, the write is acknowledged. If fewer than W acknowledge within the
//!   deadline the client is told the write was **not acknowledged and is
//!   indeterminate** (an `OpOutcome::TimedOut`): the replicas that did store
//!   it keep it, and read repair can spread it later, exactly as in
//!   Cassandra, where a write timeout is not a rollback. (Refusing outright,
//!   "failed", would be a lie: the coordinator cannot know which of its
//!   messages landed.)
//! - **Read**: the coordinator asks all N replicas and answers with the
//!   newest version among the first R replies. **Read repair**: every
//!   replier that returned something older (including ones that answer
//!   after the read is done) is sent the newest version.
//!
//! If R + W > N, every read quorum overlaps every write quorum, so a read
//! sees the latest *acknowledged* write (or something newer). With
//! R + W ≤ N a read can miss it: a stale read. Strict quorums are still not
//! linearizable when a write is in progress or failed partway (one read sees
//! it, a later one does not) — the checkers show that too.
//!
//! There is no sloppy quorum, hinted handoff or background anti-entropy:
//! a replica that missed a write catches up only through read repair.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use crate::sim::{ClientOp, Cx, Millis, Node, NodeId, OpId, OpKind, OpOutcome, Value, fmt_ms};

#[derive(Clone, Debug)]
pub struct QuorumConfig {
    /// Cluster size, so N can be checked against it.
    pub cluster: usize,
    /// Replicas per key.
    pub n: usize,
    /// Acks a write needs.
    pub w: usize,
    /// Replies a read needs.
    pub r: usize,
    /// How long a coordinator waits for its quorum.
    pub op_timeout: Millis,
}

impl QuorumConfig {
    /// N = cluster size, majority quorums.
    pub fn new(cluster: usize) -> Self {
        let majority = cluster / 2 + 1;
        Self {
            cluster,
            n: cluster,
            w: majority,
            r: majority,
            op_timeout: 500,
        }
    }
    pub fn strict(&self) -> bool {
        self.r + self.w > self.n
    }
    /// "N=3 W=2 R=2 (R+W > N: reads overlap writes)".
    pub fn describe(&self) -> String {
        let rule = if self.strict() {
            "R+W > N: every read quorum overlaps every write quorum"
        } else {
            "R+W ≤ N: a read quorum can miss a write quorum, so reads can be stale"
        };
        format!("N={} W={} R={} ({rule})", self.n, self.w, self.r)
    }
}

/// A value's version. Ordered by (stamp, writer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Coordinator wall clock in ms × 1000 + a counter for same-ms writes.
    pub stamp: u64,
    pub writer: NodeId,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (ms, k) = (self.stamp / 1000, self.stamp % 1000);
        write!(f, "t={}", fmt_ms(ms))?;
        if k > 0 {
            write!(f, "+{k}")?;
        }
        write!(f, " {}", self.writer)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Versioned {
    pub value: Value,
    pub version: Version,
}

/// Newer version = greater; the value only breaks ties that never happen.
impl Ord for Versioned {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.version, self.value).cmp(&(other.version, other.value))
    }
}

impl PartialOrd for Versioned {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Versioned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.value, self.version)
    }
}

fn show(v: Option<Versioned>) -> String {
    v.map_or("unset".to_string(), |v| v.to_string())
}

#[derive(Clone, Debug)]
pub enum Msg {
    Put {
        req: u64,
        key: String,
        val: Versioned,
    },
    PutAck {
        req: u64,
    },
    Get {
        req: u64,
        key: String,
    },
    GetReply {
        req: u64,
        got: Option<Versioned>,
    },
    /// Read repair: "here is a newer version than the one you sent me".
    Repair {
        key: String,
        val: Versioned,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Put { req, key, val } => write!(f, "Put#{req}({key}={val})"),
            Msg::PutAck { req } => write!(f, "PutAck#{req}"),
            Msg::Get { req, key } => write!(f, "Get#{req}({key})"),
            Msg::GetReply { req, got } => write!(f, "GetReply#{req}({})", show(*got)),
            Msg::Repair { key, val } => write!(f, "Repair({key}={val})"),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    Deadline { req: u64 },
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Deadline { req } => write!(f, "deadline of request #{req}"),
        }
    }
}

/// What survives a crash.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Disk {
    pub data: BTreeMap<String, Versioned>,
    /// The newest version stamp this node has issued, so a restart never reuses one.
    pub last_stamp: u64,
    /// How many requests this node has coordinated, so a restarted node
    /// never reuses a request number (a late reply to a request from before
    /// the crash must not count toward a new one).
    pub requests_started: u64,
}

/// How a quorum round ended, for the votes pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tally {
    Waiting,
    Met { at: Millis },
    Missed { at: Millis },
}

/// One request as the quorum-votes pane shows it.
#[derive(Clone, Debug)]
pub struct Vote {
    pub op: OpId,
    pub what: String,
    pub coordinator: NodeId,
    pub is_write: bool,
    pub asked: Vec<NodeId>,
    /// Who answered, in order, with what they said (for reads).
    pub answers: Vec<(NodeId, String)>,
    /// How many answers counted before the outcome (the rest came late).
    pub counted: usize,
    pub need: usize,
    pub tally: Tally,
    /// Replicas sent a read repair.
    pub repaired: Vec<NodeId>,
}

#[derive(Debug)]
struct Req {
    vote: Vote,
    key: String,
    write: Option<Versioned>,
    replies: BTreeMap<NodeId, Option<Versioned>>,
    /// The read's answer, once given (late repliers are repaired against it).
    answer: Option<Option<Versioned>>,
    /// Replicas sent a read repair, with the version sent.
    repaired: BTreeMap<NodeId, Versioned>,
}

/// How many finished requests a coordinator remembers for the pane.
const KEEP_VOTES: usize = 8;

#[derive(Debug)]
pub struct QuorumNode {
    id: NodeId,
    disk: Disk,
    requests: BTreeMap<u64, Req>,
    votes: VecDeque<Vote>,
}

/// The replicas of `key`: N consecutive nodes on the ring from the key's hash.
pub fn replicas(key: &str, n: usize, cluster: usize) -> Vec<NodeId> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let start = (h % cluster as u64) as usize;
    let mut v: Vec<NodeId> = (0..n.min(cluster))
        .map(|i| NodeId::from_index((start + i) % cluster))
        .collect();
    v.sort();
    v
}

fn list(nodes: impl IntoIterator<Item = NodeId>) -> String {
    let v: Vec<String> = nodes.into_iter().map(|n| n.to_string()).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

impl QuorumNode {
    pub fn data(&self) -> &BTreeMap<String, Versioned> {
        &self.disk.data
    }
    /// Requests this node coordinated recently, oldest first.
    pub fn votes(&self) -> impl Iterator<Item = &Vote> {
        self.votes
            .iter()
            .chain(self.requests.values().map(|r| &r.vote))
    }

    /// Keeps `val` if newer; returns what was there before if it changed.
    fn store(&mut self, key: &str, val: Versioned) -> Option<Option<Versioned>> {
        let cur = self.disk.data.get(key).copied();
        if cur.is_some_and(|c| c.version >= val.version) {
            return None;
        }
        self.disk.data.insert(key.to_string(), val);
        Some(cur)
    }

    fn next_version(&mut self, cx: &Cx<'_, Self>) -> Version {
        let stamp = (cx.local_clock() * 1000).max(self.disk.last_stamp + 1);
        self.disk.last_stamp = stamp;
        Version {
            stamp,
            writer: self.id,
        }
    }

    fn start(&mut self, op: ClientOp, cx: &mut Cx<'_, Self>) {
        let cfg = cx.config().clone();
        let key = op.kind.key().to_string();
        let asked = replicas(&key, cfg.n, cx.cluster_size());
        self.disk.requests_started += 1;
        let req = self.disk.requests_started;
        cx.set_timer(cfg.op_timeout, Timer::Deadline { req });
        let (write, need) = match op.kind {
            OpKind::Write { value, .. } => (
                Some(Versioned {
                    value,
                    version: self.next_version(cx),
                }),
                cfg.w,
            ),
            OpKind::Read { .. } => (None, cfg.r),
        };
        let what = match write {
            Some(v) => format!("write {key}={}", v.value),
            None => format!("read {key}"),
        };
        cx.note(format!(
            "coordinating {what} (op {}): asking replicas {} and waiting for {} ({} needs {need})",
            op.id.0,
            list(asked.iter().copied()),
            need,
            if write.is_some() { "W" } else { "R" },
        ));
        self.requests.insert(
            req,
            Req {
                vote: Vote {
                    op: op.id,
                    what,
                    coordinator: self.id,
                    is_write: write.is_some(),
                    asked: asked.clone(),
                    answers: Vec::new(),
                    counted: 0,
                    need,
                    tally: Tally::Waiting,
                    repaired: Vec::new(),
                },
                key: key.clone(),
                write,
                replies: BTreeMap::new(),
                answer: None,
                repaired: BTreeMap::new(),
            },
        );
        for &to in &asked {
            if to == self.id {
                continue;
            }
            match write {
                Some(val) => cx.send(
                    to,
                    Msg::Put {
                        req,
                        key: key.clone(),
                        val,
                    },
                ),
                None => cx.send(
                    to,
                    Msg::Get {
                        req,
                        key: key.clone(),
                    },
                ),
            }
        }
        // The coordinator's own copy answers at once, if it is a replica.
        if asked.contains(&self.id) {
            let me = self.id;
            match write {
                Some(val) => {
                    self.store(&key, val);
                    self.on_ack(req, me, cx);
                }
                None => {
                    let got = self.disk.data.get(&key).copied();
                    self.on_reply(req, me, got, cx);
                }
            }
        }
    }

    fn on_ack(&mut self, req: u64, from: NodeId, cx: &mut Cx<'_, Self>) {
        let now = cx.now();
        let Some(r) = self.requests.get_mut(&req) else {
            return;
        };
        if r.replies.insert(from, None).is_some() {
            return; // a duplicate
        }
        r.vote.answers.push((from, "stored".into()));
        if r.vote.tally == Tally::Waiting {
            r.vote.counted = r.vote.answers.len();
            if r.replies.len() >= r.vote.need {
                r.vote.tally = Tally::Met { at: now };
                let acked = list(r.replies.keys().copied());
                let note = format!(
                    "acked by {acked} of replicas {}; W={} met",
                    list(r.vote.asked.iter().copied()),
                    r.vote.need
                );
                cx.complete(r.vote.op, OpOutcome::Ok { value: None }, note);
            }
        }
    }

    fn on_reply(&mut self, req: u64, from: NodeId, got: Option<Versioned>, cx: &mut Cx<'_, Self>) {
        let now = cx.now();
        let Some(r) = self.requests.get_mut(&req) else {
            return;
        };
        if r.replies.insert(from, got).is_some() {
            return;
        }
        r.vote.answers.push((from, show(got)));
        match r.answer {
            None => {
                r.vote.counted = r.vote.answers.len();
                if r.replies.len() < r.vote.need {
                    return;
                }
                let newest = r.replies.values().copied().max().flatten();
                r.answer = Some(newest);
                r.vote.tally = Tally::Met { at: now };
                let heard: Vec<String> = r
                    .replies
                    .iter()
                    .map(|(n, v)| format!("{n}: {}", show(*v)))
                    .collect();
                let note = format!("R={} met by {}; newest wins", r.vote.need, heard.join(", "));
                cx.complete(
                    r.vote.op,
                    OpOutcome::Ok {
                        value: newest.map(|v| v.value),
                    },
                    note,
                );
                self.repair_behind(req, cx);
            }
            Some(_) => self.repair_behind(req, cx),
        }
    }

    /// Read repair: sends the newest version any replier has reported to
    /// every replier that reported something older (once per version).
    fn repair_behind(&mut self, req: u64, cx: &mut Cx<'_, Self>) {
        let Some(r) = self.requests.get(&req) else {
            return;
        };
        let Some(newest) = r.replies.values().copied().max().flatten() else {
            return;
        };
        let behind: Vec<NodeId> = r
            .replies
            .iter()
            .filter(|(n, v)| **v < Some(newest) && r.repaired.get(n).is_none_or(|s| *s < newest))
            .map(|(n, _)| *n)
            .collect();
        for n in behind {
            self.repair(req, n, newest, cx);
        }
    }

    fn repair(&mut self, req: u64, to: NodeId, val: Versioned, cx: &mut Cx<'_, Self>) {
        let Some(r) = self.requests.get_mut(&req) else {
            return;
        };
        let key = r.key.clone();
        r.repaired.insert(to, val);
        if !r.vote.repaired.contains(&to) {
            r.vote.repaired.push(to);
        }
        cx.note(format!(
            "read repair: {to} answered an older {key}, sending it {key}={val}"
        ));
        if to == self.id {
            self.store(&key, val);
        } else {
            cx.send(to, Msg::Repair { key, val });
        }
    }

    fn deadline(&mut self, req: u64, cx: &mut Cx<'_, Self>) {
        let Some(mut r) = self.requests.remove(&req) else {
            return;
        };
        if r.vote.tally == Tally::Waiting {
            r.vote.tally = Tally::Missed { at: cx.now() };
            let got = list(r.replies.keys().copied());
            let n = r.replies.len();
            let need = r.vote.need;
            let t = fmt_ms(cx.config().op_timeout);
            let outcome = if r.write.is_some() {
                OpOutcome::TimedOut {
                    reason: format!(
                        "only {n} of W={need} replicas acked ({got}) within {t}: not acknowledged, but the replicas that stored it keep it, so it may still appear"
                    ),
                }
            } else {
                OpOutcome::Failed {
                    reason: format!(
                        "only {n} of R={need} replicas replied ({got}) within {t}: no answer given"
                    ),
                }
            };
            cx.complete(r.vote.op, outcome, "");
        }
        self.votes.push_back(r.vote);
        while self.votes.len() > KEEP_VOTES {
            self.votes.pop_front();
        }
    }
}

impl Node for QuorumNode {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Disk;
    type Config = QuorumConfig;

    fn new(id: NodeId, _n: usize, _config: &QuorumConfig) -> Self {
        Self {
            id,
            disk: Disk::default(),
            requests: BTreeMap::new(),
            votes: VecDeque::new(),
        }
    }

    fn durable(&self) -> &Disk {
        &self.disk
    }

    fn recover(id: NodeId, n: usize, config: &QuorumConfig, disk: Disk) -> Self {
        let mut node = Self::new(id, n, config);
        node.disk = disk;
        node
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        match msg {
            Msg::Put { req, key, val } => {
                if let Some(old) = self.store(&key, val) {
                    cx.note(format!("stored {key}={val} (had {})", show(old)));
                }
                cx.send(from, Msg::PutAck { req });
            }
            Msg::PutAck { req } => self.on_ack(req, from, cx),
            Msg::Get { req, key } => {
                let got = self.disk.data.get(&key).copied();
                cx.send(from, Msg::GetReply { req, got });
            }
            Msg::GetReply { req, got } => self.on_reply(req, from, got, cx),
            Msg::Repair { key, val } => {
                if let Some(old) = self.store(&key, val) {
                    cx.note(format!(
                        "repaired by {from}: {key}={val} replaces {}",
                        show(old)
                    ));
                }
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx<'_, Self>) {
        match timer {
            Timer::Deadline { req } => self.deadline(req, cx),
        }
    }

    fn on_client(&mut self, op: ClientOp, cx: &mut Cx<'_, Self>) {
        self.start(op, cx);
    }

    fn role(&self) -> String {
        "replica".into()
    }

    fn state(&self) -> Vec<(String, String)> {
        self.disk
            .data
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect()
    }

    fn tune(config: &mut QuorumConfig, knob: &str, value: &str) -> Result<String, String> {
        if !matches!(knob, "n" | "w" | "r") {
            return Err(format!(
                "this scenario's settings are n, w and r (not '{knob}')"
            ));
        }
        let v: usize = value
            .parse()
            .map_err(|_| format!("'{value}' is not a whole number"))?;
        let c = config.cluster;
        if knob == "n" {
            if !(1..=c).contains(&v) {
                return Err(format!("N must be 1 to {c} (the cluster size)"));
            }
            config.n = v;
            let mut also = String::new();
            if config.w > v || config.r > v {
                config.w = config.w.min(v);
                config.r = config.r.min(v);
                also = " (W and R lowered to fit)".into();
            }
            return Ok(format!("N is now {v}{also}: {}", config.describe()));
        }
        if !(1..=config.n).contains(&v) {
            return Err(format!(
                "{} must be 1 to N={}",
                knob.to_uppercase(),
                config.n
            ));
        }
        if knob == "w" {
            config.w = v;
        } else {
            config.r = v;
        }
        Ok(format!(
            "{} is now {v}: {}",
            knob.to_uppercase(),
            config.describe()
        ))
    }
}
