//! Single-leader replication with a switchable replication mode and
//! automatic failover.
//!
//! **Roles.** One leader takes writes; followers apply the leader's log and
//! serve reads from their own copy (which may lag). A write sent to a
//! follower is refused, naming the leader. n1 leads epoch 1 at the start.
//!
//! **Log shipping.** The leader appends each write to its log (position
//! = LSN, tagged with the leader's epoch) and applies it. Every 250 ms it
//! ships each follower the entries that follower has not confirmed (this
//! doubles as the heartbeat); followers apply entries as they arrive and
//! confirm their position.
//!
//! **Replication mode** (switchable live):
//! - `async`: the leader acknowledges at once; followers get the write with
//!   the next shipment. A leader crash in between loses an acknowledged
//!   write once a follower is promoted.
//! - `semi-sync`: the write is shipped at once and acknowledged when one
//!   follower has confirmed it.
//! - `sync`: acknowledged when every follower has confirmed it; one dead or
//!   cut-off follower stalls every write (the client times out).
//!
//! **Failover.** A follower that hears nothing from the leader for about a
//! second (1000 ms plus a random 0–300 ms, so followers rarely tie) asks
//! the others to promote it in the next epoch. A node grants at most one
//! promotion per epoch, only if it has not heard from a leader itself
//! within the timeout, and only to a candidate whose log is at least as
//! up to date as its own (last entry's epoch, then LSN). A majority of the
//! cluster makes the candidate leader. So **the first follower to time out
//! whose log is at least as complete as a majority's is promoted**; at most
//! one leader is elected per epoch. The candidate's epoch only becomes
//! durable when it wins, so a cut-off follower cannot inflate epochs and
//! disrupt a healthy leader when it returns.
//!
//! **Rejoining.** An old leader (restarted, or healed from a minority side
//! where it kept acknowledging writes) learns of the higher epoch from the
//! new leader and becomes a follower; log entries the new leader never had
//! are discarded — with async replication, that is where acknowledged
//! writes are lost for good. An old leader cut off in a minority keeps
//! acting as leader until it hears of the new epoch (no lease).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::register::RegisterOp;
use crate::sim::{
    Arg, ArgSpec, ClientOp, Cx, Millis, Node, NodeId, OpId, OpKind, OpOutcome, OpSpec, Scope,
    Setting, TimerId, Value, fmt_ms, words,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replication {
    Async,
    SemiSync,
    Sync,
}

impl Replication {
    pub fn name(self) -> &'static str {
        match self {
            Replication::Async => "async",
            Replication::SemiSync => "semi-sync",
            Replication::Sync => "sync",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "async" => Some(Replication::Async),
            "semi-sync" | "semisync" | "semi" => Some(Replication::SemiSync),
            "sync" => Some(Replication::Sync),
            _ => None,
        }
    }
}

/// How a follower that lost its leader takes over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failover {
    /// Ask for a majority's votes in a new epoch (the safe way).
    Vote,
    /// Promote itself at once, asking nobody: the anti-pattern that splits
    /// the brain when two followers lose the leader at the same time.
    Unsafe,
}

impl Failover {
    pub fn name(self) -> &'static str {
        match self {
            Failover::Vote => "vote",
            Failover::Unsafe => "unsafe",
        }
    }
}

#[derive(Clone, Debug)]
pub struct LfConfig {
    pub mode: Replication,
    pub failover: Failover,
    /// Shipment and heartbeat period.
    pub ship_every: Millis,
    /// Silence after which a follower asks to be promoted (plus 0–300 ms).
    pub failover_after: Millis,
}

impl LfConfig {
    pub fn new(mode: Replication) -> Self {
        Self {
            mode,
            failover: Failover::Vote,
            ship_every: 250,
            failover_after: 1000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub lsn: u64,
    pub epoch: u64,
    pub key: String,
    pub value: Value,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}@{}", self.key, self.value, self.lsn)
    }
}

#[derive(Clone, Debug)]
pub enum Msg {
    /// Shipment and heartbeat: "after (prev_lsn, prev_epoch), append these".
    Append {
        epoch: u64,
        prev_lsn: u64,
        prev_epoch: u64,
        entries: Vec<Entry>,
        leader_last: u64,
    },
    /// "I now hold your log up to `lsn`."
    Ack {
        epoch: u64,
        lsn: u64,
    },
    /// "My log does not match at `prev_lsn`; send from `from`."
    Behind {
        epoch: u64,
        from: u64,
    },
    /// "Your epoch is old: the newest I know is `epoch`."
    Stale {
        epoch: u64,
    },
    /// "Promote me to leader of `epoch`."
    Promote {
        epoch: u64,
        last_epoch: u64,
        last_lsn: u64,
    },
    Vote {
        epoch: u64,
        granted: bool,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Append {
                epoch,
                prev_lsn,
                entries,
                ..
            } => {
                if entries.is_empty() {
                    write!(f, "Heartbeat(e{epoch}, at {prev_lsn})")
                } else {
                    let e: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
                    write!(f, "Append(e{epoch}, {})", e.join(", "))
                }
            }
            Msg::Ack { epoch, lsn } => write!(f, "Ack(e{epoch}, up to {lsn})"),
            Msg::Behind { epoch, from } => write!(f, "Behind(e{epoch}, send from {from})"),
            Msg::Stale { epoch } => write!(f, "StaleEpoch(newest e{epoch})"),
            Msg::Promote {
                epoch, last_lsn, ..
            } => write!(f, "Promote(e{epoch}, log to {last_lsn})"),
            Msg::Vote { epoch, granted } => {
                write!(f, "Vote(e{epoch}, {})", if *granted { "yes" } else { "no" })
            }
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    /// Leader: ship the log / heartbeat.
    Ship,
    /// Follower or candidate: the leader has been silent too long.
    Watch,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Ship => write!(f, "ship"),
            Timer::Watch => write!(f, "leader silent too long"),
        }
    }
}

/// The leader-follower store's client operations: the register's, plus a
/// compare-and-set that the leader decides alone (it orders every write).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LfOp {
    Register(RegisterOp),
    Cas {
        key: String,
        expect: Value,
        new: Value,
    },
}

const OPS: &[OpSpec] = &[
    super::register::OPS[0],
    super::register::OPS[1],
    OpSpec {
        verb: "cas",
        args: &[ArgSpec::Key, ArgSpec::Int, ArgSpec::Int],
        usage: "cas nN key EXPECTED NEW",
        help: "compare-and-set through a node: the leader sets key to NEW only if it holds EXPECTED",
        key: None,
        label: "cas",
        scope: Scope::Client,
    },
];

const SETTINGS: &[Setting<LfConfig>] = &[
    Setting {
        name: "mode",
        key: Some('m'),
        help: "replication mode: async (ack at once), semi-sync (ack after one follower), sync (ack after all)",
        choices: |_| words(&["async", "semi-sync", "sync"]),
        value: |c| c.mode.name().into(),
        apply: |c, value| {
            let mode = Replication::parse(value).ok_or_else(|| {
                format!("'{value}' is not a replication mode: use async, semi-sync or sync")
            })?;
            c.mode = mode;
            Ok(format!(
                "replication is now {}: {}",
                mode.name(),
                match mode {
                    Replication::Async =>
                        "the leader acknowledges at once and ships later (fast; a crash can lose acknowledged writes)",
                    Replication::SemiSync =>
                        "the leader acknowledges once one follower has the write",
                    Replication::Sync =>
                        "the leader acknowledges once every follower has the write (one dead follower stalls writes)",
                }
            ))
        },
    },
    Setting {
        name: "failover",
        key: Some('v'),
        help: "failover: vote (a majority elects the new leader) or unsafe (a follower promotes itself)",
        choices: |_| words(&["vote", "unsafe"]),
        value: |c| c.failover.name().into(),
        apply: |c, value| {
            c.failover = match value {
                "vote" => Failover::Vote,
                "unsafe" => Failover::Unsafe,
                _ => return Err(format!("'{value}' is not a failover: use vote or unsafe")),
            };
            Ok(match c.failover {
                Failover::Vote => "failover is now vote: a follower must win a majority's votes in a new epoch before it leads".into(),
                Failover::Unsafe => "failover is now unsafe: a follower that stops hearing the leader promotes itself at once, asking nobody".into(),
            })
        },
    },
];

/// What survives a crash.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Disk {
    pub epoch: u64,
    pub voted: Option<(u64, NodeId)>,
    pub log: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Leader,
    Follower { leader: Option<NodeId> },
    Candidate { epoch: u64, votes: BTreeSet<NodeId> },
}

#[derive(Debug)]
struct Pending {
    op: OpId,
    lsn: u64,
}

#[derive(Debug)]
pub struct LfNode {
    id: NodeId,
    disk: Disk,
    store: BTreeMap<String, (Value, u64)>,
    role: Role,
    /// Leader: per follower, the highest LSN it confirmed and the time it did.
    matched: BTreeMap<NodeId, (u64, Millis)>,
    /// Leader: per follower, the next LSN to send.
    next: BTreeMap<NodeId, u64>,
    pending: Vec<Pending>,
    /// Follower: when the leader was last heard, and its log end then.
    heard: Option<(Millis, u64)>,
    watch: Option<TimerId>,
    ship_timer: Option<TimerId>,
    /// The highest epoch seen in any message.
    seen_epoch: u64,
}

impl LfNode {
    pub fn role_state(&self) -> &Role {
        &self.role
    }
    pub fn is_leader(&self) -> bool {
        self.role == Role::Leader
    }
    pub fn epoch(&self) -> u64 {
        self.disk.epoch
    }
    pub fn last_lsn(&self) -> u64 {
        self.disk.log.len() as u64
    }
    fn last_epoch(&self) -> u64 {
        self.disk.log.last().map_or(0, |e| e.epoch)
    }
    /// Key → (value, LSN of the write that set it).
    pub fn store(&self) -> &BTreeMap<String, (Value, u64)> {
        &self.store
    }
    /// Leader: follower → (confirmed LSN, when).
    pub fn matched(&self) -> &BTreeMap<NodeId, (u64, Millis)> {
        &self.matched
    }
    /// Follower: the leader's log end as of the last heartbeat.
    pub fn leader_last_heard(&self) -> Option<(Millis, u64)> {
        self.heard
    }

    fn rebuild_store(&mut self) {
        self.store.clear();
        for e in &self.disk.log {
            self.store.insert(e.key.clone(), (e.value, e.lsn));
        }
    }

    fn arm_watch(&mut self, cx: &mut Cx<'_, Self>) {
        if let Some(t) = self.watch.take() {
            cx.cancel_timer(t);
        }
        let after = cx.config().failover_after + cx.random_range(0, 300);
        self.watch = Some(cx.set_timer(after, Timer::Watch));
    }

    fn become_follower(&mut self, epoch: u64, leader: Option<NodeId>, cx: &mut Cx<'_, Self>) {
        let was_leader = self.is_leader();
        if epoch > self.disk.epoch {
            self.disk.epoch = epoch;
        }
        self.role = Role::Follower { leader };
        self.pending.clear();
        self.matched.clear();
        self.next.clear();
        if was_leader {
            let by = leader.map_or("another node".to_string(), |l| l.to_string());
            cx.note(format!(
                "steps down: {by} leads a newer epoch ({epoch}); now a follower"
            ));
        }
        self.arm_watch(cx);
    }

    fn become_leader(&mut self, epoch: u64, votes: &BTreeSet<NodeId>, cx: &mut Cx<'_, Self>) {
        self.disk.epoch = epoch;
        self.disk.voted = Some((epoch, self.id));
        self.role = Role::Leader;
        if let Some(t) = self.watch.take() {
            cx.cancel_timer(t);
        }
        let last = self.last_lsn();
        self.matched.clear();
        self.next = cx.peers().map(|p| (p, last + 1)).collect();
        let v: Vec<String> = votes.iter().map(|n| n.to_string()).collect();
        cx.note(format!(
            "promoted to leader of epoch {epoch} (votes: {}); its log ends at LSN {last}, and that log is now the truth",
            v.join(", ")
        ));
        self.ship(cx);
        self.arm_ship(cx);
    }

    fn arm_ship(&mut self, cx: &mut Cx<'_, Self>) {
        if let Some(t) = self.ship_timer.take() {
            cx.cancel_timer(t);
        }
        let every = cx.config().ship_every;
        self.ship_timer = Some(cx.set_timer(every, Timer::Ship));
    }

    fn ship(&mut self, cx: &mut Cx<'_, Self>) {
        let peers: Vec<NodeId> = cx.peers().collect();
        for p in peers {
            self.ship_to(p, cx);
        }
    }

    fn ship_to(&mut self, to: NodeId, cx: &mut Cx<'_, Self>) {
        let last = self.last_lsn();
        let next = *self.next.get(&to).unwrap_or(&(last + 1));
        let prev_lsn = next.saturating_sub(1).min(last);
        let prev_epoch = prev_lsn
            .checked_sub(1)
            .and_then(|i| self.disk.log.get(i as usize))
            .map_or(0, |e| e.epoch);
        let entries: Vec<Entry> = self
            .disk
            .log
            .iter()
            .skip(prev_lsn as usize)
            .take(32)
            .cloned()
            .collect();
        cx.send(
            to,
            Msg::Append {
                epoch: self.disk.epoch,
                prev_lsn,
                prev_epoch,
                entries,
                leader_last: last,
            },
        );
    }

    /// Leader: acknowledges waiting writes whose replication condition holds.
    fn settle(&mut self, cx: &mut Cx<'_, Self>) {
        let mode = cx.config().mode;
        let followers = cx.cluster_size() - 1;
        let matched = &self.matched;
        let mut done = Vec::new();
        self.pending.retain(|p| {
            let have: Vec<NodeId> = matched
                .iter()
                .filter(|(_, (m, _))| *m >= p.lsn)
                .map(|(n, _)| *n)
                .collect();
            let need = match mode {
                Replication::Async => 0,
                Replication::SemiSync => 1.min(followers),
                Replication::Sync => followers,
            };
            if have.len() >= need {
                done.push((p.op, have));
                false
            } else {
                true
            }
        });
        for (op, have) in done {
            let who: Vec<String> = have.iter().map(|n| n.to_string()).collect();
            let how = match mode {
                Replication::Sync => "sync: every follower",
                Replication::SemiSync => "semi-sync: one follower",
                Replication::Async => "async",
            };
            cx.complete(
                op,
                OpOutcome::Ok { value: None },
                format!(
                    "acked by leader {} after {} confirmed it ({how})",
                    self.id,
                    who.join(", ")
                ),
            );
        }
    }

    /// Writes go to the leader: anyone else refuses, naming the leader it
    /// knows. True when it refused.
    fn refuse_unless_leader(&self, op: OpId, cx: &mut Cx<'_, Self>) -> bool {
        if self.is_leader() {
            return false;
        }
        let reason = match &self.role {
            Role::Follower { leader: Some(l) } => format!(
                "{} is a follower: writes go to the leader ({l}, as far as {} knows)",
                self.id, self.id
            ),
            _ => format!(
                "{} is a follower and knows no leader right now (a failover is under way)",
                self.id
            ),
        };
        cx.complete(op, OpOutcome::Failed { reason }, "");
        true
    }

    /// The leader appends `key=value` to its log and acknowledges it as the
    /// replication mode says.
    fn append(&mut self, op: OpId, key: String, value: Value, cx: &mut Cx<'_, Self>) {
        let lsn = self.last_lsn() + 1;
        let entry = Entry {
            lsn,
            epoch: self.disk.epoch,
            key: key.clone(),
            value,
        };
        self.disk.log.push(entry);
        self.store.insert(key.clone(), (value, lsn));
        match cx.config().mode {
            Replication::Async => cx.complete(
                op,
                OpOutcome::Ok { value: None },
                format!(
                    "acked by leader {} alone at LSN {lsn} (async): followers get it with the next shipment",
                    self.id
                ),
            ),
            mode => {
                cx.note(format!(
                    "appended {key}={value} at LSN {lsn}; waiting for {} before acknowledging ({})",
                    if mode == Replication::Sync {
                        "every follower"
                    } else {
                        "one follower"
                    },
                    mode.name()
                ));
                self.pending.push(Pending { op, lsn });
                self.ship(cx);
                self.settle(cx);
            }
        }
    }

    fn start_candidacy(&mut self, cx: &mut Cx<'_, Self>) {
        let epoch = self.disk.epoch.max(self.seen_epoch) + 1;
        let mut votes = BTreeSet::new();
        votes.insert(self.id);
        if cx.config().failover == Failover::Unsafe {
            cx.note(format!(
                "has not heard from a leader for over {}: promotes itself for epoch {epoch} without asking anyone (failover=unsafe)",
                fmt_ms(cx.config().failover_after)
            ));
            self.become_leader(epoch, &votes, cx);
            return;
        }
        self.role = Role::Candidate {
            epoch,
            votes: votes.clone(),
        };
        cx.note(format!(
            "has not heard from a leader for over {}: asks to be promoted for epoch {epoch} (its log ends at LSN {})",
            fmt_ms(cx.config().failover_after),
            self.last_lsn()
        ));
        cx.broadcast(Msg::Promote {
            epoch,
            last_epoch: self.last_epoch(),
            last_lsn: self.last_lsn(),
        });
        self.arm_watch(cx);
        if votes.len() >= cx.majority() {
            self.become_leader(epoch, &votes, cx);
        }
    }

    fn on_promote(&mut self, from: NodeId, epoch: u64, last: (u64, u64), cx: &mut Cx<'_, Self>) {
        self.seen_epoch = self.seen_epoch.max(epoch);
        let now = cx.now();
        // A follower that heard its leader within two heartbeats keeps it.
        let recent = self
            .heard
            .is_some_and(|(t, _)| now < t + 2 * cx.config().ship_every);
        let voted_for = self.disk.voted.filter(|(e, _)| *e == epoch).map(|(_, n)| n);
        let reason = if self.is_leader() {
            Some("it is the leader and still running".to_string())
        } else if recent && matches!(self.role, Role::Follower { leader: Some(_) }) {
            Some("it heard from the leader recently".to_string())
        } else if epoch < self.disk.epoch {
            Some(format!(
                "epoch {epoch} is older than its epoch {}",
                self.disk.epoch
            ))
        } else if voted_for.is_some_and(|n| n != from) {
            Some(format!("it already voted in epoch {epoch}"))
        } else if epoch == self.disk.epoch && voted_for.is_none() {
            Some(format!("epoch {epoch} is not newer than its own"))
        } else if matches!(&self.role, Role::Candidate { epoch: e, .. } if *e == epoch) {
            Some(format!("it is itself a candidate in epoch {epoch}"))
        } else if last < (self.last_epoch(), self.last_lsn()) {
            Some(format!(
                "its own log is more up to date (it ends at LSN {}, the candidate's at {})",
                self.last_lsn(),
                last.1
            ))
        } else {
            None
        };
        let granted = reason.is_none();
        match reason {
            None => {
                self.disk.epoch = epoch;
                self.disk.voted = Some((epoch, from));
                if matches!(self.role, Role::Candidate { .. }) {
                    self.role = Role::Follower { leader: None };
                }
                cx.note(format!("votes to promote {from} for epoch {epoch}"));
                self.arm_watch(cx);
            }
            Some(why) => cx.note(format!("refuses to promote {from}: {why}")),
        }
        cx.send(from, Msg::Vote { epoch, granted });
    }

    fn on_append(
        &mut self,
        from: NodeId,
        epoch: u64,
        prev: (u64, u64),
        entries: Vec<Entry>,
        leader_last: u64,
        cx: &mut Cx<'_, Self>,
    ) {
        self.seen_epoch = self.seen_epoch.max(epoch);
        if epoch < self.disk.epoch {
            cx.send(
                from,
                Msg::Stale {
                    epoch: self.disk.epoch,
                },
            );
            return;
        }
        if self.is_leader() && epoch == self.disk.epoch {
            return; // cannot happen: one leader per epoch
        }
        let known = matches!(self.role, Role::Follower { leader: Some(l) } if l == from);
        if !known {
            cx.note(format!("follows {from}, the leader of epoch {epoch}"));
        }
        self.become_follower_quiet(epoch, from, cx);
        self.heard = Some((cx.now(), leader_last));
        let (prev_lsn, prev_epoch) = prev;
        let mine = prev_lsn
            .checked_sub(1)
            .and_then(|i| self.disk.log.get(i as usize))
            .map(|e| e.epoch);
        if prev_lsn > self.last_lsn() {
            cx.send(
                from,
                Msg::Behind {
                    epoch,
                    from: self.last_lsn() + 1,
                },
            );
            return;
        }
        if prev_lsn > 0 && mine != Some(prev_epoch) {
            cx.send(
                from,
                Msg::Behind {
                    epoch,
                    from: prev_lsn,
                },
            );
            return;
        }
        let sent = entries.len() as u64;
        let mut discarded = Vec::new();
        let mut appended = Vec::new();
        for e in entries {
            let i = (e.lsn - 1) as usize;
            match self.disk.log.get(i) {
                Some(have) if have.epoch == e.epoch => {}
                Some(_) => {
                    discarded.extend(self.disk.log.drain(i..));
                    appended.push(e.clone());
                    self.disk.log.push(e);
                }
                None => {
                    appended.push(e.clone());
                    self.disk.log.push(e);
                }
            }
        }
        // Entries past the leader's log end from older epochs are not in the
        // leader's log, whatever order messages arrive in.
        let keep = self
            .disk
            .log
            .iter()
            .enumerate()
            .find(|(i, e)| *i as u64 >= leader_last && e.epoch < epoch)
            .map(|(i, _)| i);
        if let Some(i) = keep {
            discarded.extend(self.disk.log.drain(i..));
        }
        if !discarded.is_empty() {
            let d: Vec<String> = discarded.iter().map(|e| e.to_string()).collect();
            cx.note(format!(
                "discards {} from its log: the leader of epoch {epoch} never had {}",
                d.join(", "),
                if d.len() == 1 { "it" } else { "them" }
            ));
            self.rebuild_store();
        } else {
            for e in &appended {
                self.store.insert(e.key.clone(), (e.value, e.lsn));
            }
        }
        if !appended.is_empty() {
            let a: Vec<String> = appended.iter().map(|e| e.to_string()).collect();
            cx.note(format!("applied {} from {from}", a.join(", ")));
        }
        // Confirm what this message proved to match, not whatever the log holds.
        cx.send(
            from,
            Msg::Ack {
                epoch,
                lsn: prev_lsn + sent,
            },
        );
    }

    fn become_follower_quiet(&mut self, epoch: u64, leader: NodeId, cx: &mut Cx<'_, Self>) {
        if self.is_leader() || epoch > self.disk.epoch {
            self.become_follower(epoch, Some(leader), cx);
        } else {
            self.role = Role::Follower {
                leader: Some(leader),
            };
            self.arm_watch(cx);
        }
    }
}

impl Node for LfNode {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Disk;
    type Config = LfConfig;
    type Op = LfOp;

    fn operations() -> &'static [OpSpec] {
        OPS
    }
    fn operation(verb: &str, args: &[Arg]) -> Result<LfOp, String> {
        match (verb, args) {
            ("cas", [Arg::Text(key), Arg::Int(expect), Arg::Int(new)]) => Ok(LfOp::Cas {
                key: key.clone(),
                expect: *expect,
                new: *new,
            }),
            _ => super::register::operation(verb, args).map(LfOp::Register),
        }
    }
    fn model(op: &LfOp) -> OpKind {
        match op {
            LfOp::Register(r) => r.model(),
            LfOp::Cas { key, expect, new } => OpKind::Other {
                key: key.clone(),
                what: format!("cas {key} {expect} {new}"),
            },
        }
    }

    /// Heartbeats (appends with no entries) and acknowledgements: what a
    /// follower applies shows as its own note.
    fn routine(msg: &Msg) -> bool {
        match msg {
            Msg::Append { entries, .. } => entries.is_empty(),
            Msg::Ack { .. } => true,
            _ => false,
        }
    }

    fn new(id: NodeId, _n: usize, _config: &LfConfig) -> Self {
        let leader = NodeId(1);
        Self {
            id,
            disk: Disk {
                epoch: 1,
                voted: Some((1, leader)),
                log: Vec::new(),
            },
            store: BTreeMap::new(),
            role: if id == leader {
                Role::Leader
            } else {
                Role::Follower {
                    leader: Some(leader),
                }
            },
            matched: BTreeMap::new(),
            next: BTreeMap::new(),
            pending: Vec::new(),
            heard: None,
            watch: None,
            ship_timer: None,
            seen_epoch: 1,
        }
    }

    fn durable(&self) -> &Disk {
        &self.disk
    }

    fn recover(id: NodeId, n: usize, config: &LfConfig, disk: Disk) -> Self {
        let mut node = Self::new(id, n, config);
        node.seen_epoch = disk.epoch;
        node.disk = disk;
        node.role = Role::Follower { leader: None };
        node.rebuild_store();
        node
    }

    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        if self.is_leader() {
            self.next = cx.peers().map(|p| (p, 1)).collect();
            self.arm_ship(cx);
        } else {
            self.heard = Some((cx.now(), 0));
            self.arm_watch(cx);
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        match msg {
            Msg::Append {
                epoch,
                prev_lsn,
                prev_epoch,
                entries,
                leader_last,
            } => self.on_append(
                from,
                epoch,
                (prev_lsn, prev_epoch),
                entries,
                leader_last,
                cx,
            ),
            Msg::Ack { epoch, lsn } => {
                if self.is_leader() && epoch == self.disk.epoch {
                    let m = self.matched.entry(from).or_insert((0, 0));
                    *m = (m.0.max(lsn), cx.now());
                    let n = self.next.entry(from).or_insert(1);
                    *n = (*n).max(lsn + 1);
                    self.settle(cx);
                }
            }
            Msg::Behind { epoch, from: at } => {
                if self.is_leader() && epoch == self.disk.epoch {
                    self.next.insert(from, at.max(1));
                    self.ship_to(from, cx);
                }
            }
            Msg::Stale { epoch } => {
                self.seen_epoch = self.seen_epoch.max(epoch);
                if self.is_leader() && epoch > self.disk.epoch {
                    self.become_follower(epoch, None, cx);
                }
            }
            Msg::Promote {
                epoch,
                last_epoch,
                last_lsn,
            } => self.on_promote(from, epoch, (last_epoch, last_lsn), cx),
            Msg::Vote { epoch, granted } => {
                self.seen_epoch = self.seen_epoch.max(epoch);
                let majority = cx.majority();
                if let Role::Candidate { epoch: e, votes } = &mut self.role
                    && *e == epoch
                    && granted
                {
                    votes.insert(from);
                    if votes.len() >= majority {
                        let votes = votes.clone();
                        self.become_leader(epoch, &votes, cx);
                    }
                }
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx<'_, Self>) {
        match timer {
            Timer::Ship => {
                self.ship_timer = None;
                if self.is_leader() {
                    self.ship(cx);
                    self.arm_ship(cx);
                }
            }
            Timer::Watch => {
                self.watch = None;
                if !self.is_leader() {
                    self.start_candidacy(cx);
                }
            }
        }
    }

    fn on_client(&mut self, op: ClientOp<LfOp>, cx: &mut Cx<'_, Self>) {
        match op.kind {
            LfOp::Register(RegisterOp::Read { key }) => {
                let value = self.store.get(&key).map(|(v, _)| *v);
                let note = match &self.role {
                    Role::Leader => format!(
                        "served by leader {} (epoch {}) from its copy",
                        self.id, self.disk.epoch
                    ),
                    _ => {
                        let behind = match self.heard {
                            Some((t, last)) if last > self.last_lsn() => format!(
                                "; {} entries behind the leader as of {}",
                                last - self.last_lsn(),
                                fmt_ms(t)
                            ),
                            _ => String::new(),
                        };
                        format!(
                            "served by follower {} from its copy (log to LSN {}{behind})",
                            self.id,
                            self.last_lsn()
                        )
                    }
                };
                cx.complete(op.id, OpOutcome::Ok { value }, note);
            }
            LfOp::Register(RegisterOp::Write { key, value }) => {
                if self.refuse_unless_leader(op.id, cx) {
                    return;
                }
                self.append(op.id, key, value, cx);
            }
            LfOp::Cas { key, expect, new } => {
                if self.refuse_unless_leader(op.id, cx) {
                    return;
                }
                // The leader orders every write, so its copy is the truth to
                // compare with: deciding here is atomic.
                let current = self.store.get(&key).map(|(v, _)| *v);
                if current == Some(expect) {
                    cx.note(format!(
                        "cas {key}: holds {expect} as expected, so it writes {key}={new}"
                    ));
                    self.append(op.id, key, new, cx);
                } else {
                    let held = current.map_or("unset".to_string(), |v| v.to_string());
                    cx.complete(
                        op.id,
                        OpOutcome::Ok { value: current },
                        format!(
                            "compare failed: leader {} holds {key}={held}, not {expect}; nothing changed",
                            self.id
                        ),
                    );
                }
            }
        }
    }
    fn role(&self) -> String {
        match &self.role {
            Role::Leader => "leader".into(),
            Role::Follower { .. } => "follower".into(),
            Role::Candidate { .. } => "candidate".into(),
        }
    }

    fn state(&self, _config: &Self::Config) -> Vec<(String, String)> {
        self.store
            .iter()
            .map(|(k, (v, lsn))| (k.clone(), format!("{v} (LSN {lsn})")))
            .collect()
    }

    fn settings() -> &'static [Setting<LfConfig>] {
        SETTINGS
    }
}
