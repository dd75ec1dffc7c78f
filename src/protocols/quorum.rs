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
//! **Sloppy quorums with hinted handoff** (setting `sloppy`, off by
//! default): when a write's coordinator has not heard from enough *home*
//! replicas after a short wait, it sends the write to *stand-ins* — the next
//! nodes on the ring after the home replicas — one per silent home replica,
//! and counts their acks toward W. A stand-in does not serve the value: it
//! keeps it as a *hint* for the home replica it stands in for and, every
//! [`HANDOFF_EVERY`] ms, tries to hand it off; once the home replica confirms,
//! the hint is dropped. Reads still ask the home replicas only, so with a
//! sloppy quorum a read quorum need not overlap the write quorum: R + W > N
//! no longer rules out a stale read.
//!
//! There is no background anti-entropy: a replica that missed a write
//! catches up only through read repair (or a hint handed off to it).

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use super::register::RegisterOp;
use crate::sim::{
    ClientOp, Cx, Millis, Node, NodeId, OpId, OpOutcome, Setting, Value, fmt_ms, words,
};

fn count(value: &str) -> Result<usize, String> {
    value
        .parse()
        .map_err(|_| format!("'{value}' is not a whole number"))
}

/// Sets W or R (`which`), which must be 1 to N.
fn set_wr(c: &mut QuorumConfig, which: char, value: &str) -> Result<String, String> {
    let v = count(value)?;
    if !(1..=c.n).contains(&v) {
        return Err(format!("{which} must be 1 to N={}", c.n));
    }
    if which == 'W' {
        c.w = v;
    } else {
        c.r = v;
    }
    Ok(format!("{which} is now {v}: {}", c.describe()))
}

fn numbers(max: usize) -> Vec<String> {
    (1..=max).map(|i| i.to_string()).collect()
}

const SETTINGS: &[Setting<QuorumConfig>] = &[
    Setting {
        name: "n",
        key: Some('n'),
        help: "N: how many replicas hold each key (1 to the cluster size)",
        choices: |c| numbers(c.cluster),
        value: |c| c.n.to_string(),
        apply: |c, value| {
            let v = count(value)?;
            let size = c.cluster;
            if !(1..=size).contains(&v) {
                return Err(format!("N must be 1 to {size} (the cluster size)"));
            }
            c.n = v;
            // W and R cannot exceed N: say what moved, never silently.
            let mut moved = Vec::new();
            for (which, x) in [("W", &mut c.w), ("R", &mut c.r)] {
                if *x > v {
                    moved.push(format!("{which} {} → {v}", *x));
                    *x = v;
                }
            }
            let also = if moved.is_empty() {
                String::new()
            } else {
                format!(", so {} (neither can exceed N)", moved.join(" and "))
            };
            Ok(format!("N is now {v}{also}: {}", c.describe()))
        },
    },
    Setting {
        name: "w",
        key: Some('W'),
        help: "W: acks a write needs before it is acknowledged (1 to N)",
        choices: |c| numbers(c.n),
        value: |c| c.w.to_string(),
        apply: |c, value| set_wr(c, 'W', value),
    },
    Setting {
        name: "r",
        key: Some('E'),
        help: "R: replies a read needs; the newest wins (1 to N; E because r reads and R resets)",
        choices: |c| numbers(c.n),
        value: |c| c.r.to_string(),
        apply: |c, value| set_wr(c, 'R', value),
    },
    Setting {
        name: "sloppy",
        key: Some('s'),
        help: "sloppy quorum: a write short of home replicas counts stand-ins (next nodes on the ring), which keep a hint and hand it off later; needs N < cluster size",
        choices: |_| words(&["off", "on"]),
        value: |c| if c.sloppy { "on" } else { "off" }.into(),
        apply: |c, value| {
            c.sloppy = match value {
                "on" => true,
                "off" => false,
                _ => return Err(format!("sloppy is on or off (not '{value}')")),
            };
            if c.sloppy && c.n >= c.cluster {
                // Nothing to stand in with: every node is a home replica.
                return Ok(format!(
                    "sloppy quorum on, but it does nothing yet: N={} is the whole cluster, so there is no node outside the home replicas to stand in. Lower N (n) to give it stand-ins.",
                    c.n
                ));
            }
            let how = if c.sloppy {
                "on: a write short of home replicas counts stand-ins, which hand the value off later"
            } else {
                "off: a write counts home replicas only"
            };
            Ok(format!("sloppy quorum {how}: {}", c.describe()))
        },
    },
];

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
    /// Sloppy quorum: a write may count acks of stand-ins outside the key's
    /// home replicas, which keep the value as a hint and hand it off later.
    pub sloppy: bool,
    /// How long a write waits for its home replicas before it asks
    /// stand-ins (and again between waves of stand-ins).
    pub sloppy_after: Millis,
}

impl QuorumConfig {
    /// N = 3 replicas per key (the whole cluster when smaller), majority
    /// quorums of those: 3/2/2, as Dynamo-style stores default to.
    pub fn new(cluster: usize) -> Self {
        let n = cluster.min(3);
        let majority = n / 2 + 1;
        Self {
            cluster,
            n,
            w: majority,
            r: majority,
            op_timeout: 500,
            sloppy: false,
            sloppy_after: 150,
        }
    }
    pub fn strict(&self) -> bool {
        self.r + self.w > self.n
    }
    /// "N=3 W=2 R=2 (R+W > N: reads overlap writes)".
    pub fn describe(&self) -> String {
        let spare = self.n < self.cluster;
        let rule = if self.strict() && self.sloppy && spare {
            "R+W > N, but sloppy: a write may count stand-ins outside the home replicas, which reads do not ask, so a read can miss it"
        } else if self.strict() {
            "R+W > N: every read quorum overlaps every write quorum"
        } else {
            "R+W ≤ N: a read quorum can miss a write quorum, so reads can be stale"
        };
        let idle = if self.sloppy && !spare {
            "; sloppy is on but has no stand-ins while N = cluster size"
        } else {
            ""
        };
        format!("N={} W={} R={} ({rule}{idle})", self.n, self.w, self.r)
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
        /// Set when the receiver is a stand-in: the home replica it keeps the value for.
        hint_for: Option<NodeId>,
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
    /// Hinted handoff: a stand-in delivers a value it kept for the receiver.
    Handoff {
        key: String,
        val: Versioned,
    },
    /// "I have stored what you handed off": the stand-in drops its hint.
    HandoffAck {
        key: String,
        version: Version,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Put {
                req,
                key,
                val,
                hint_for: None,
            } => write!(f, "Put#{req}({key}={val})"),
            Msg::Put {
                req,
                key,
                val,
                hint_for: Some(home),
            } => write!(f, "Put#{req}({key}={val}, hint for {home})"),
            Msg::PutAck { req } => write!(f, "PutAck#{req}"),
            Msg::Get { req, key } => write!(f, "Get#{req}({key})"),
            Msg::GetReply { req, got } => write!(f, "GetReply#{req}({})", show(*got)),
            Msg::Repair { key, val } => write!(f, "Repair({key}={val})"),
            Msg::Handoff { key, val } => write!(f, "Handoff({key}={val})"),
            Msg::HandoffAck { key, version } => write!(f, "HandoffAck({key} {version})"),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    Deadline {
        req: u64,
    },
    /// A write still short of W: ask stand-ins for the silent home replicas.
    Sloppy {
        req: u64,
    },
    /// Try to hand off the hints this node keeps.
    Handoff,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Deadline { req } => write!(f, "deadline of request #{req}"),
            Timer::Sloppy { req } => write!(f, "request #{req} asks stand-ins"),
            Timer::Handoff => write!(f, "hinted handoff"),
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
    /// Hints this node keeps as a stand-in: (home replica, key) → value.
    pub hints: BTreeMap<(NodeId, String), Versioned>,
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
    /// Stand-ins asked (sloppy quorum), each with the home replica it stands in for.
    pub stand_ins: Vec<(NodeId, NodeId)>,
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
    /// Stand-ins not yet asked, in ring order.
    spare: VecDeque<NodeId>,
}

/// How many finished requests a coordinator remembers for the pane.
const KEEP_VOTES: usize = 8;

#[derive(Debug)]
pub struct QuorumNode {
    id: NodeId,
    disk: Disk,
    requests: BTreeMap<u64, Req>,
    votes: VecDeque<Vote>,
    /// Whether a handoff timer is pending.
    handoff_armed: bool,
}

/// How often a stand-in tries to hand its hints off, in ms.
pub const HANDOFF_EVERY: Millis = 250;

/// Where `key` starts on the ring of `cluster` nodes.
fn ring_start(key: &str, cluster: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % cluster as u64) as usize
}

/// The replicas of `key`: N consecutive nodes on the ring from the key's hash.
pub fn replicas(key: &str, n: usize, cluster: usize) -> Vec<NodeId> {
    let start = ring_start(key, cluster);
    let mut v: Vec<NodeId> = (0..n.min(cluster))
        .map(|i| NodeId::from_index((start + i) % cluster))
        .collect();
    v.sort();
    v
}

/// The stand-ins of `key` for a sloppy quorum: the nodes after its N home
/// replicas on the ring, in ring order (none when N = cluster size).
pub fn stand_ins(key: &str, n: usize, cluster: usize) -> Vec<NodeId> {
    let start = ring_start(key, cluster);
    (n.min(cluster)..cluster)
        .map(|i| NodeId::from_index((start + i) % cluster))
        .collect()
}

fn list<T: fmt::Display>(nodes: impl IntoIterator<Item = T>) -> String {
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
    /// Hints this node keeps as a stand-in: (home replica, key) → value.
    pub fn hints(&self) -> &BTreeMap<(NodeId, String), Versioned> {
        &self.disk.hints
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

    fn start(&mut self, op: ClientOp<RegisterOp>, cx: &mut Cx<'_, Self>) {
        let cfg = cx.config().clone();
        let key = op.kind.key().to_string();
        let asked = replicas(&key, cfg.n, cx.cluster_size());
        self.disk.requests_started += 1;
        let req = self.disk.requests_started;
        cx.set_timer(cfg.op_timeout, Timer::Deadline { req });
        let spare: VecDeque<NodeId> = match op.kind {
            RegisterOp::Write { .. } if cfg.sloppy => {
                stand_ins(&key, cfg.n, cx.cluster_size()).into()
            }
            _ => VecDeque::new(),
        };
        if !spare.is_empty() && cfg.sloppy_after < cfg.op_timeout {
            cx.set_timer(cfg.sloppy_after, Timer::Sloppy { req });
        }
        let (write, need) = match op.kind {
            RegisterOp::Write { value, .. } => (
                Some(Versioned {
                    value,
                    version: self.next_version(cx),
                }),
                cfg.w,
            ),
            RegisterOp::Read { .. } => (None, cfg.r),
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
                    stand_ins: Vec::new(),
                },
                key: key.clone(),
                write,
                replies: BTreeMap::new(),
                answer: None,
                repaired: BTreeMap::new(),
                spare,
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
                        hint_for: None,
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
        let subs = r.vote.stand_ins.clone();
        let home_of = |n: NodeId| subs.iter().find(|(s, _)| *s == n).map(|p| p.1);
        let said = match home_of(from) {
            Some(home) => format!("stand-in for {home}"),
            None => "stored".into(),
        };
        r.vote.answers.push((from, said));
        if r.vote.tally == Tally::Waiting {
            r.vote.counted = r.vote.answers.len();
            if r.replies.len() >= r.vote.need {
                r.vote.tally = Tally::Met { at: now };
                let acked = list(r.replies.keys().map(|&n| match home_of(n) {
                    Some(home) => format!("{n} (stand-in for {home})"),
                    None => n.to_string(),
                }));
                let mut note = format!(
                    "acked by {acked} of replicas {}; W={} met",
                    list(r.vote.asked.iter().copied()),
                    r.vote.need
                );
                let sloppy: Vec<String> = r
                    .replies
                    .keys()
                    .filter_map(|&n| home_of(n).map(|h| format!("{n} keeps a hint for {h}")))
                    .collect();
                if !sloppy.is_empty() {
                    note.push_str(&format!(
                        " through a sloppy quorum ({}); reads ask only {}",
                        sloppy.join(", "),
                        list(r.vote.asked.iter().copied())
                    ));
                }
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

    /// Sloppy quorum: a write still short of W sends it to the next unasked
    /// stand-in for each home replica that has not acked (and whose
    /// stand-in, if any, has not acked either), then waits again.
    fn ask_stand_ins(&mut self, req: u64, cx: &mut Cx<'_, Self>) {
        let me = self.id;
        let after = cx.config().sloppy_after;
        let Some(r) = self.requests.get_mut(&req) else {
            return;
        };
        let Some(val) = r.write else {
            return;
        };
        if r.vote.tally != Tally::Waiting {
            return;
        }
        let covered = |home: NodeId| {
            r.replies.contains_key(&home)
                || r.vote
                    .stand_ins
                    .iter()
                    .any(|(s, h)| *h == home && r.replies.contains_key(s))
        };
        let silent: Vec<NodeId> = r
            .vote
            .asked
            .iter()
            .copied()
            .filter(|&h| !covered(h))
            .collect();
        let mut wave = Vec::new();
        for home in silent {
            let Some(sub) = r.spare.pop_front() else {
                break;
            };
            r.vote.stand_ins.push((sub, home));
            wave.push((sub, home));
        }
        if wave.is_empty() {
            return;
        }
        let key = r.key.clone();
        let more = !r.spare.is_empty();
        let subs: Vec<String> = wave.iter().map(|(s, h)| format!("{s} for {h}")).collect();
        cx.note(format!(
            "sloppy quorum: {} of W={} acks after {}, so asking stand-ins outside the home replicas: {}",
            r.replies.len(),
            r.vote.need,
            fmt_ms(after),
            subs.join(", ")
        ));
        if more {
            cx.set_timer(after, Timer::Sloppy { req });
        }
        for (sub, home) in wave {
            if sub == me {
                self.keep_hint(home, &key, val, cx);
                self.on_ack(req, me, cx);
            } else {
                cx.send(
                    sub,
                    Msg::Put {
                        req,
                        key: key.clone(),
                        val,
                        hint_for: Some(home),
                    },
                );
            }
        }
    }

    /// As a stand-in: keeps `val` for `home` (if newer than the hint held)
    /// and makes sure a handoff attempt is coming.
    fn keep_hint(&mut self, home: NodeId, key: &str, val: Versioned, cx: &mut Cx<'_, Self>) {
        let slot = (home, key.to_string());
        if self
            .disk
            .hints
            .get(&slot)
            .is_none_or(|h| h.version < val.version)
        {
            self.disk.hints.insert(slot, val);
            cx.note(format!(
                "stand-in for {home}: keeping {key}={val} as a hint, to hand off when {home} answers (reads do not ask me)"
            ));
        }
        self.arm_handoff(cx);
    }

    fn arm_handoff(&mut self, cx: &mut Cx<'_, Self>) {
        if !self.handoff_armed && !self.disk.hints.is_empty() {
            self.handoff_armed = true;
            cx.set_timer(HANDOFF_EVERY, Timer::Handoff);
        }
    }

    /// Sends every hint to its home replica; they are dropped once confirmed.
    fn hand_off(&mut self, cx: &mut Cx<'_, Self>) {
        self.handoff_armed = false;
        let hints: Vec<((NodeId, String), Versioned)> = self
            .disk
            .hints
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        for ((home, key), val) in hints {
            if home == self.id {
                self.store(&key, val);
                self.disk.hints.remove(&(home, key));
            } else {
                cx.send(home, Msg::Handoff { key, val });
            }
        }
        self.arm_handoff(cx);
    }

    fn deadline(&mut self, req: u64, cx: &mut Cx<'_, Self>) {
        let Some(mut r) = self.requests.remove(&req) else {
            return;
        };
        if r.vote.tally == Tally::Waiting {
            r.vote.tally = Tally::Missed { at: cx.now() };
            let got =
                list(r.replies.keys().map(
                    |&n| match r.vote.stand_ins.iter().find(|(s, _)| *s == n) {
                        Some((_, home)) => format!("{n} as stand-in for {home}"),
                        None => n.to_string(),
                    },
                ));
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
    super::register::register_operations!();

    fn new(id: NodeId, _n: usize, _config: &QuorumConfig) -> Self {
        Self {
            id,
            disk: Disk::default(),
            requests: BTreeMap::new(),
            votes: VecDeque::new(),
            handoff_armed: false,
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

    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        // A restarted stand-in still has its hints on disk.
        self.arm_handoff(cx);
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        match msg {
            Msg::Put {
                req,
                key,
                val,
                hint_for: Some(home),
            } => {
                self.keep_hint(home, &key, val, cx);
                cx.send(from, Msg::PutAck { req });
            }
            Msg::Put {
                req,
                key,
                val,
                hint_for: None,
            } => {
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
            Msg::Handoff { key, val } => {
                if let Some(old) = self.store(&key, val) {
                    cx.note(format!(
                        "hinted handoff from {from}: {key}={val} replaces {}",
                        show(old)
                    ));
                }
                cx.send(
                    from,
                    Msg::HandoffAck {
                        key,
                        version: val.version,
                    },
                );
            }
            Msg::HandoffAck { key, version } => {
                let slot = (from, key);
                if let Some(h) = self.disk.hints.get(&slot).copied()
                    && h.version <= version
                {
                    cx.note(format!(
                        "{from} now has {}={h}: hint handed off and dropped",
                        slot.1
                    ));
                    self.disk.hints.remove(&slot);
                }
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx<'_, Self>) {
        match timer {
            Timer::Deadline { req } => self.deadline(req, cx),
            Timer::Sloppy { req } => self.ask_stand_ins(req, cx),
            Timer::Handoff => self.hand_off(cx),
        }
    }

    fn on_client(&mut self, op: ClientOp<RegisterOp>, cx: &mut Cx<'_, Self>) {
        self.start(op, cx);
    }

    fn role(&self) -> String {
        "replica".into()
    }

    fn state(&self, _config: &Self::Config) -> Vec<(String, String)> {
        self.disk
            .data
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect()
    }

    fn settings() -> &'static [Setting<QuorumConfig>] {
        SETTINGS
    }
}
