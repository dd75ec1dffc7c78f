//! A replicated primary with automatic failover, with and without the
//! three layers that prevent split brain (block 7).
//!
//! **Roles.** Every node keeps a copy of the data. One primary takes reads
//! and writes; standbys apply what it sends them. n1 is the primary of
//! epoch 1 at the start. The primary sends a heartbeat every 100 ms;
//! standbys answer with the version of their copy, and one that is behind
//! or has diverged gets the primary's whole copy.
//!
//! **Election** (`election`, switchable live):
//! - `heartbeat` (the naive failover of the priming story): a standby that
//!   hears no heartbeat for a second promotes itself in the next epoch,
//!   asking nobody. A primary cut off from its standbys never learns it
//!   was replaced, so both accept writes. Writes are acknowledged at once
//!   (asynchronous replication). When the two meet again the lower epoch
//!   steps down and takes the other's copy: its writes are discarded.
//! - `majority`: a standby that stops hearing the primary first asks
//!   whether a majority would vote for it (a pre-vote, which changes
//!   nothing, so a node cut off in a minority raises no epoch), then asks
//!   for votes in a new epoch; a majority of the whole cluster elects it.
//!   A node grants one vote per epoch, only to a candidate whose copy is
//!   at least as new as its own, and only once its **lease promise** has
//!   run out: having heard the primary at time t, it votes for nobody else
//!   before t + 1 s. The primary holds a **lease**: a heartbeat round sent
//!   at s that a majority answered lets it lead until s + 1 s − 100 ms,
//!   the margin for clock drift. Both are measured on the node's monotonic
//!   clock, which runs fast or slow with its drift but ignores steps of
//!   the wall clock. A new primary's copy becomes its epoch's first
//!   version; it serves reads from its copy under the lease once a
//!   majority holds that copy (so a read never shows a write a later
//!   primary could lack), and refuses writes without a lease. Writes are
//!   acknowledged once a majority applied them.
//!
//! **The pause.** A write is checked against the lease, then prepared for
//! 100 ms (validation, a disk write) before it is sent to the replicas. A
//! primary frozen in that window (a GC pause: the kernel's `pause`) wakes,
//! still sure of its check, and sends the write with its old epoch.
//!
//! **Fencing** (`fencing`): every write carries its primary's epoch as a
//! token; with fencing on, a replica refuses a token older than the newest
//! epoch it has seen, and the old primary steps down. With it off, replicas
//! apply whatever a self-declared primary sends: the check stays with the
//! writer, which can be paused between checking and writing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::register::RegisterOp;
use crate::sim::{
    Arg, ClientOp, Cx, Millis, Node, NodeId, OpId, OpKind, OpOutcome, OpSpec, Setting, TimerId,
    Value, fmt_ms, words,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Election {
    Heartbeat,
    Majority,
}

impl Election {
    pub fn name(self) -> &'static str {
        match self {
            Election::Heartbeat => "heartbeat",
            Election::Majority => "majority",
        }
    }
}

#[derive(Clone, Debug)]
pub struct FoConfig {
    pub election: Election,
    pub fencing: bool,
    pub beat_every: Millis,
    /// Heartbeat silence before a standby acts (naive), and the lease.
    pub lease: Millis,
    /// Taken off the primary's lease for clock drift.
    pub margin: Millis,
    /// Between a write's lease check and its sending.
    pub work: Millis,
}

impl FoConfig {
    pub fn new(election: Election) -> Self {
        Self {
            election,
            fencing: false,
            beat_every: 100,
            lease: 1000,
            margin: 100,
            work: 100,
        }
    }
}

/// A copy's version: the epoch and sequence number of the newest write in
/// order. Ordered: a newer epoch wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub epoch: u64,
    pub seq: u64,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "e{}.{}", self.epoch, self.seq)
    }
}

pub type Store = BTreeMap<String, Value>;

#[derive(Clone, Debug)]
pub enum Msg {
    Beat {
        epoch: u64,
        round: u64,
        version: Version,
    },
    BeatOk {
        epoch: u64,
        round: u64,
        version: Version,
    },
    Sync {
        epoch: u64,
        store: Store,
        version: Version,
    },
    Apply {
        epoch: u64,
        seq: u64,
        /// The version the write follows: a replica holding it applies in
        /// order; one behind asks for the whole copy.
        prev: Version,
        key: String,
        value: Value,
    },
    Applied {
        epoch: u64,
        version: Version,
    },
    /// The write needs a copy this replica does not have.
    NeedSync {
        epoch: u64,
    },
    /// Fencing: the token is older than `newest`.
    Refused {
        token: u64,
        newest: u64,
        key: String,
    },
    /// `pre`: a pre-vote, "would you vote for me?", which changes nothing
    /// at the voter: a node that cannot win (cut off in a minority) never
    /// raises anyone's epoch, so it cannot unseat a primary when it returns.
    AskVote {
        epoch: u64,
        version: Version,
        pre: bool,
    },
    Vote {
        epoch: u64,
        granted: bool,
        pre: bool,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Beat { epoch, .. } => write!(f, "Heartbeat(e{epoch})"),
            Msg::BeatOk { epoch, version, .. } => write!(f, "HeartbeatOk(e{epoch}, has {version})"),
            Msg::Sync { epoch, version, .. } => write!(f, "Copy(e{epoch}, {version})"),
            Msg::Apply {
                epoch, key, value, ..
            } => write!(f, "Write({key}={value}, token {epoch})"),
            Msg::Applied { version, .. } => write!(f, "Applied({version})"),
            Msg::NeedSync { .. } => write!(f, "SendMeACopy"),
            Msg::Refused { token, newest, .. } => {
                write!(f, "Refused(token {token} < {newest})")
            }
            Msg::AskVote { epoch, pre, .. } => {
                write!(
                    f,
                    "{}(e{epoch})",
                    if *pre { "WouldYouVote?" } else { "VoteForMe" }
                )
            }
            Msg::Vote {
                epoch,
                granted,
                pre,
            } => write!(
                f,
                "{}(e{epoch}, {})",
                if *pre { "WouldVote" } else { "Vote" },
                if *granted { "yes" } else { "no" }
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    Beat,
    Watch,
    /// A write checked against the lease, being prepared.
    Work(OpId),
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Beat => write!(f, "heartbeat"),
            Timer::Watch => write!(f, "failover watch"),
            Timer::Work(op) => write!(f, "write of op {} prepared", op.0),
        }
    }
}

/// One time a node was primary: when (true time, for the checkers) and
/// what it acknowledged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stint {
    pub epoch: u64,
    pub from: Millis,
    pub to: Option<Millis>,
    pub first_ack: Option<Millis>,
    pub last_ack: Option<Millis>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disk {
    /// The newest epoch this node has seen: its fencing bar, and the epoch
    /// it votes in.
    pub epoch: u64,
    pub voted: Option<(u64, NodeId)>,
    pub store: Store,
    pub version: Version,
    /// Its promotions, as a real server logs them.
    pub stints: Vec<Stint>,
    /// The last write it applied.
    pub applied: Option<Applied>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Primary,
    Standby {
        primary: Option<NodeId>,
    },
    /// Asking for votes in `epoch`. Not written to disk unless it wins,
    /// so a node cut off and asking again and again does not inflate the
    /// epoch that the others' fencing and step-downs compare.
    /// `pre`: still asking whether a majority would vote.
    Candidate {
        epoch: u64,
        votes: BTreeSet<NodeId>,
        pre: bool,
    },
}

/// The last write a replica applied, for the token-order invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub from: NodeId,
    pub token: u64,
    pub key: String,
    pub value: Value,
    /// How many writes it has applied so far.
    pub count: u64,
}

#[derive(Clone, Debug)]
pub struct FoNode {
    id: NodeId,
    disk: Disk,
    role: Role,
    /// Primary: its lease's end on its own clock.
    lease_until: Option<Millis>,
    round: u64,
    /// Primary: heartbeat round → (sent at, on its clock; its version
    /// then; who answered).
    rounds: BTreeMap<u64, (Millis, Version, BTreeSet<NodeId>)>,
    /// Primary: when it last sent each standby its whole copy.
    synced: BTreeMap<NodeId, Millis>,
    /// Primary: each standby's version as last reported.
    matched: BTreeMap<NodeId, Version>,
    /// Primary: acknowledged once a majority holds this version.
    pending: Vec<(OpId, Version)>,
    /// Primary: writes checked against the lease, being prepared.
    preparing: BTreeMap<OpId, (String, Value)>,
    /// Primary (majority): reads waiting until a majority holds its copy.
    reads: Vec<(OpId, String)>,
    /// Standby: when it last heard its primary, on its own clock.
    heard: Option<Millis>,
    watch: Option<TimerId>,
    beat: Option<TimerId>,
}

impl FoNode {
    pub fn role_state(&self) -> &Role {
        &self.role
    }
    pub fn is_primary(&self) -> bool {
        self.role == Role::Primary
    }
    pub fn epoch(&self) -> u64 {
        self.disk.epoch
    }
    pub fn store(&self) -> &Store {
        &self.disk.store
    }
    pub fn version(&self) -> Version {
        self.disk.version
    }
    pub fn stints(&self) -> &[Stint] {
        &self.disk.stints
    }
    /// The lease's end on this node's clock, if it is primary under one.
    pub fn lease_until(&self) -> Option<Millis> {
        self.lease_until.filter(|_| self.is_primary())
    }
    /// When it last heard its primary, on its own clock.
    pub fn heard(&self) -> Option<Millis> {
        self.heard
    }
    pub fn last_applied(&self) -> Option<&Applied> {
        self.disk.applied.as_ref()
    }

    fn majority_mode(cx: &Cx<'_, Self>) -> bool {
        cx.config().election == Election::Majority
    }

    fn lease_valid(&self, cx: &Cx<'_, Self>) -> bool {
        self.lease_until.is_some_and(|t| cx.monotonic() < t)
    }

    fn arm_watch(&mut self, cx: &mut Cx<'_, Self>) {
        if let Some(t) = self.watch.take() {
            cx.cancel_timer(t);
        }
        // Past the lease promise, so a vote can be granted, spread so one
        // standby usually asks first; a candidate whose vote split asks
        // again sooner (one whose pre-vote failed waits as long again: it
        // is most likely cut off).
        let after = if matches!(self.role, Role::Candidate { pre: false, .. }) {
            cx.random_range(150, 400)
        } else {
            cx.config().lease + cx.random_range(0, 300)
        };
        self.watch = Some(cx.set_timer(after, Timer::Watch));
    }

    fn arm_beat(&mut self, cx: &mut Cx<'_, Self>) {
        if let Some(t) = self.beat.take() {
            cx.cancel_timer(t);
        }
        let every = cx.config().beat_every;
        self.beat = Some(cx.set_timer(every, Timer::Beat));
    }

    fn beat(&mut self, cx: &mut Cx<'_, Self>) {
        self.round += 1;
        self.rounds.insert(
            self.round,
            (cx.monotonic(), self.disk.version, BTreeSet::new()),
        );
        // Old rounds never complete now.
        while self.rounds.len() > 16 {
            self.rounds.pop_first();
        }
        let peers: Vec<NodeId> = cx.peers().collect();
        for p in peers {
            cx.send(
                p,
                Msg::Beat {
                    epoch: self.disk.epoch,
                    round: self.round,
                    version: self.disk.version,
                },
            );
        }
    }

    fn become_primary(&mut self, epoch: u64, why: String, cx: &mut Cx<'_, Self>) {
        self.disk.epoch = self.disk.epoch.max(epoch);
        // Its copy becomes the epoch's first version (a no-op entry): what
        // it inherited counts as held by a majority only once a majority
        // has taken this copy, in this epoch. Otherwise a copy from an
        // older epoch that a majority happens to hold could still be
        // replaced by a later primary (Raft's Figure 8, for whole copies).
        self.disk.version = Version { epoch, seq: 0 };
        self.role = Role::Primary;
        self.lease_until = None;
        self.rounds.clear();
        self.synced.clear();
        self.matched.clear();
        self.pending.clear();
        self.heard = None;
        if let Some(t) = self.watch.take() {
            cx.cancel_timer(t);
        }
        self.disk.stints.push(Stint {
            epoch,
            from: cx.now(),
            to: None,
            first_ack: None,
            last_ack: None,
        });
        cx.note(why);
        self.beat(cx);
        self.arm_beat(cx);
    }

    /// Back to standby, following `primary` if known; `why` is noted when
    /// it was primary.
    fn step_down(&mut self, epoch: u64, primary: Option<NodeId>, why: &str, cx: &mut Cx<'_, Self>) {
        let was = self.is_primary();
        self.disk.epoch = self.disk.epoch.max(epoch);
        self.role = Role::Standby { primary };
        self.lease_until = None;
        if let Some(s) = self.disk.stints.last_mut().filter(|s| s.to.is_none()) {
            s.to = Some(cx.now());
        }
        if let Some(t) = self.beat.take() {
            cx.cancel_timer(t);
        }
        // Writes it had not acknowledged: their clients time out (they
        // may or may not take effect).
        self.pending.clear();
        self.preparing.clear();
        for (op, _) in std::mem::take(&mut self.reads) {
            let reason = format!("{} stepped down before it could answer: {why}", self.id);
            cx.complete(op, OpOutcome::Failed { reason }, "");
        }
        if was {
            cx.note(format!("steps down: {why}; now a standby"));
        }
        self.arm_watch(cx);
    }

    fn refuse(&self, op: OpId, what: &str, cx: &mut Cx<'_, Self>) {
        let reason = match &self.role {
            Role::Standby { primary: Some(p) } => format!(
                "{} is a standby: {what} go to the primary ({p}, as far as {} knows)",
                self.id, self.id
            ),
            Role::Primary => format!(
                "{} has no valid lease: it cannot be sure it is still the primary",
                self.id
            ),
            Role::Candidate { .. } => format!(
                "{} is asking for votes and knows no primary right now (a failover is under way)",
                self.id
            ),
            Role::Standby { primary: None } => {
                format!("{} is a standby and knows no primary right now", self.id)
            }
        };
        cx.complete(op, OpOutcome::Failed { reason }, "");
    }

    /// The prepared write goes out: applied here, sent to every replica.
    fn send_write(&mut self, op: OpId, cx: &mut Cx<'_, Self>) {
        let Some((key, value)) = self.preparing.remove(&op) else {
            return;
        };
        let epoch = self.disk.epoch;
        let prev = self.disk.version;
        let seq = if prev.epoch == epoch { prev.seq + 1 } else { 1 };
        let version = Version { epoch, seq };
        self.disk.store.insert(key.clone(), value);
        self.disk.version = version;
        let peers: Vec<NodeId> = cx.peers().collect();
        for p in peers {
            cx.send(
                p,
                Msg::Apply {
                    epoch,
                    seq,
                    prev,
                    key: key.clone(),
                    value,
                },
            );
        }
        if Self::majority_mode(cx) {
            self.pending.push((op, version));
            self.settle(cx);
        } else {
            self.acked(cx);
            cx.complete(
                op,
                OpOutcome::Ok { value: None },
                format!(
                    "acked by primary {} (epoch {epoch}) at once: standbys get it as it arrives",
                    self.id
                ),
            );
        }
    }

    fn acked(&mut self, cx: &Cx<'_, Self>) {
        if let Some(s) = self.disk.stints.last_mut().filter(|s| s.to.is_none()) {
            s.first_ack.get_or_insert(cx.now());
            s.last_ack = Some(cx.now());
        }
    }

    /// Majority mode: acknowledges writes a majority holds.
    fn settle(&mut self, cx: &mut Cx<'_, Self>) {
        let need = cx.majority() - 1;
        let matched = &self.matched;
        let mut done = Vec::new();
        self.pending.retain(|(op, v)| {
            let have: Vec<NodeId> = matched
                .iter()
                .filter(|(_, m)| m.epoch == v.epoch && m.seq >= v.seq)
                .map(|(n, _)| *n)
                .collect();
            if have.len() >= need {
                done.push((*op, have));
                false
            } else {
                true
            }
        });
        for (op, have) in done {
            self.acked(cx);
            let who: Vec<String> = have.iter().map(|n| n.to_string()).collect();
            cx.complete(
                op,
                OpOutcome::Ok { value: None },
                format!(
                    "acked by primary {} (epoch {}) once {} applied it too (a majority)",
                    self.id,
                    self.disk.epoch,
                    who.join(", ")
                ),
            );
        }
        if !self.reads.is_empty() && self.committed(cx) {
            for (op, key) in std::mem::take(&mut self.reads) {
                self.read(op, &key, cx);
            }
        }
    }

    /// Majority mode: everything in its copy is held by a majority, so a
    /// read of it cannot see a write that a later primary would not have
    /// (a write not yet acknowledged, or one inherited at the election
    /// and not yet passed on).
    fn committed(&self, cx: &Cx<'_, Self>) -> bool {
        let v = self.disk.version;
        self.holders(v) + 1 >= cx.majority()
    }

    /// Standbys known to hold version `v` of this primary's epoch: only
    /// versions of its own epoch count (they come from it alone, in order).
    fn holders(&self, v: Version) -> usize {
        self.matched
            .values()
            .filter(|m| m.epoch == v.epoch && m.seq >= v.seq)
            .count()
    }

    /// Answers a read from its copy, under the lease in majority mode.
    fn read(&mut self, op: OpId, key: &str, cx: &mut Cx<'_, Self>) {
        let majority = Self::majority_mode(cx);
        if majority && !self.lease_valid(cx) {
            self.refuse(op, "reads", cx);
            return;
        }
        let value = self.disk.store.get(key).copied();
        let note = match self.lease_until {
            Some(t) if majority => format!(
                "served by primary {} from its copy under its lease (valid until {} on its clock)",
                self.id,
                fmt_ms(t)
            ),
            _ => format!(
                "served by primary {} (epoch {}) from its copy",
                self.id, self.disk.epoch
            ),
        };
        cx.complete(op, OpOutcome::Ok { value }, note);
    }

    fn on_apply(
        &mut self,
        from: NodeId,
        (epoch, seq, prev): (u64, u64, Version),
        key: String,
        value: Value,
        cx: &mut Cx<'_, Self>,
    ) {
        if cx.config().fencing && epoch < self.disk.epoch {
            cx.note(format!(
                "refuses {key}={value} from {from}: its token (epoch {epoch}) is older than epoch {}, the newest {} has seen (fencing)",
                self.disk.epoch, self.id
            ));
            cx.send(
                from,
                Msg::Refused {
                    token: epoch,
                    newest: self.disk.epoch,
                    key,
                },
            );
            return;
        }
        let version = Version { epoch, seq };
        if self.disk.version == prev {
            if epoch > self.disk.epoch && self.is_primary() {
                self.step_down(
                    epoch,
                    Some(from),
                    &format!("{from} writes in epoch {epoch}"),
                    cx,
                );
            }
            self.disk.epoch = self.disk.epoch.max(epoch);
            self.apply(from, epoch, key, value, cx);
            self.disk.version = version;
        } else if epoch == self.disk.version.epoch && seq <= self.disk.version.seq {
            // A duplicate of a write it holds.
        } else if epoch < self.disk.version.epoch {
            // Nothing here compares tokens: the writer said it was primary.
            cx.note(format!(
                "applies {key}={value} from {from}, written in epoch {epoch} although its copy is already at epoch {}: without fencing nothing tells it the writer was replaced",
                self.disk.version.epoch
            ));
            self.apply(from, epoch, key, value, cx);
        } else {
            cx.send(from, Msg::NeedSync { epoch });
            return;
        }
        cx.send(
            from,
            Msg::Applied {
                epoch,
                version: self.disk.version,
            },
        );
    }

    fn apply(
        &mut self,
        from: NodeId,
        token: u64,
        key: String,
        value: Value,
        cx: &mut Cx<'_, Self>,
    ) {
        self.disk.store.insert(key.clone(), value);
        let count = self.disk.applied.as_ref().map_or(0, |a| a.count) + 1;
        cx.note(format!("applies {key}={value} from {from} (token {token})"));
        self.disk.applied = Some(Applied {
            from,
            token,
            key,
            value,
            count,
        });
    }

    fn on_beat(&mut self, from: NodeId, epoch: u64, round: u64, cx: &mut Cx<'_, Self>) {
        let mine = self.disk.epoch;
        // Two naive primaries of one epoch: the lower id keeps it.
        let keeps = self.is_primary() && epoch == mine && self.id < from;
        if epoch < mine || keeps {
            // Tell the sender it is out of date.
            cx.send(
                from,
                Msg::BeatOk {
                    epoch: mine,
                    round,
                    version: self.disk.version,
                },
            );
            return;
        }
        if self.is_primary() {
            let why = format!("{from} is primary of epoch {epoch}");
            self.step_down(epoch, Some(from), &why, cx);
        }
        self.role = Role::Standby {
            primary: Some(from),
        };
        self.disk.epoch = epoch;
        self.heard = Some(cx.monotonic());
        self.arm_watch(cx);
        cx.send(
            from,
            Msg::BeatOk {
                epoch,
                round,
                version: self.disk.version,
            },
        );
    }

    fn on_beat_ok(
        &mut self,
        from: NodeId,
        epoch: u64,
        round: u64,
        version: Version,
        cx: &mut Cx<'_, Self>,
    ) {
        if epoch > self.disk.epoch {
            if self.is_primary() {
                self.step_down(
                    epoch,
                    None,
                    &format!("{from} has seen epoch {epoch}: a newer epoch has begun"),
                    cx,
                );
            } else {
                self.disk.epoch = epoch;
            }
            return;
        }
        if !self.is_primary() || epoch < self.disk.epoch {
            return;
        }
        let moved = self.matched.insert(from, version) != Some(version);
        // Behind what this round carried (not merely behind a write still
        // in flight), and not sent a copy a moment ago.
        let carried = self.rounds.get(&round).map(|r| r.1);
        let recent = self
            .synced
            .get(&from)
            .is_some_and(|&t| cx.now() < t + 2 * cx.config().beat_every);
        if carried.is_some_and(|v| v != version) && !recent {
            self.synced.insert(from, cx.now());
            self.send_copy(from, cx);
        }
        if Self::majority_mode(cx) {
            let need = cx.majority() - 1;
            let lease = cx.config().lease - cx.config().margin;
            if let Some((sent, _, who)) = self.rounds.get_mut(&round) {
                who.insert(from);
                if who.len() == need {
                    let until = *sent + lease;
                    let renewed = self.lease_until.is_none_or(|t| until > t);
                    if self.lease_until.is_none() {
                        cx.note(format!(
                            "holds the lease of epoch {epoch} until {} on its clock: a majority answered the heartbeat it sent at {}",
                            fmt_ms(until),
                            fmt_ms(*sent)
                        ));
                    }
                    if renewed {
                        self.lease_until = Some(until);
                    }
                }
            }
            // Only a standby's new version can complete anything: settling
            // on every heartbeat answer would cost a scan of the cluster
            // per answer.
            if moved {
                self.settle(cx);
            }
        }
    }

    /// Its whole copy, to a standby that is behind or has diverged.
    fn send_copy(&self, to: NodeId, cx: &mut Cx<'_, Self>) {
        cx.send(
            to,
            Msg::Sync {
                epoch: self.disk.epoch,
                store: self.disk.store.clone(),
                version: self.disk.version,
            },
        );
    }

    fn on_sync(
        &mut self,
        from: NodeId,
        epoch: u64,
        store: Store,
        version: Version,
        cx: &mut Cx<'_, Self>,
    ) {
        if epoch < self.disk.epoch {
            return;
        }
        let majority = Self::majority_mode(cx);
        if majority && version.epoch == self.disk.version.epoch && version <= self.disk.version {
            // A copy older than what it holds (one overtaken by later
            // writes on the way, or a duplicate): nothing to take. Only
            // with elections, where one primary writes each epoch: two
            // naive primaries can share one, and their versions do not
            // compare.
            cx.send(
                from,
                Msg::Applied {
                    epoch,
                    version: self.disk.version,
                },
            );
            return;
        }
        if self.is_primary() && epoch == self.disk.epoch && self.id < from {
            // Two naive primaries of one epoch: the lower id keeps it.
            return;
        }
        if self.is_primary() {
            self.step_down(
                epoch,
                Some(from),
                &format!("{from} is primary of epoch {epoch}"),
                cx,
            );
        }
        let show = |v: Option<&Value>| v.map_or("unset".to_string(), |v| v.to_string());
        let changed: Vec<String> = self
            .disk
            .store
            .keys()
            .chain(store.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|k| self.disk.store.get(*k) != store.get(*k))
            .map(|k| {
                format!(
                    "{k}: {} → {}",
                    show(self.disk.store.get(k)),
                    show(store.get(k))
                )
            })
            .collect();
        if !changed.is_empty() {
            cx.note(format!(
                "replaces its copy ({}) with {from}'s ({version}): {}",
                self.disk.version,
                changed.join(", ")
            ));
        }
        self.role = Role::Standby {
            primary: Some(from),
        };
        self.disk.epoch = epoch;
        self.disk.store = store;
        self.disk.version = version;
        cx.send(from, Msg::Applied { epoch, version });
    }

    fn on_ask_vote(
        &mut self,
        from: NodeId,
        epoch: u64,
        version: Version,
        pre: bool,
        cx: &mut Cx<'_, Self>,
    ) {
        let lease = cx.config().lease;
        let now = cx.monotonic();
        let promised = self.heard.is_some_and(|h| now < h + lease) || self.lease_valid(cx);
        let voted_other = self
            .disk
            .voted
            .is_some_and(|(e, who)| e == epoch && who != from);
        let granted = epoch > self.disk.epoch
            && (pre || !voted_other)
            && !promised
            && version >= self.disk.version;
        if granted && !pre {
            if self.is_primary() {
                self.step_down(
                    epoch,
                    None,
                    &format!("its lease has run out and {from} asks for epoch {epoch}"),
                    cx,
                );
            }
            self.disk.epoch = epoch;
            self.disk.voted = Some((epoch, from));
            self.role = Role::Standby { primary: None };
            self.arm_watch(cx);
        } else if promised && !pre && epoch > self.disk.epoch {
            cx.note(if self.is_primary() {
                format!("refuses {from} a vote for epoch {epoch}: it holds a valid lease itself")
            } else {
                format!(
                    "refuses {from} a vote for epoch {epoch}: it heard its primary less than {} ago (its lease promise)",
                    fmt_ms(lease)
                )
            });
        }
        cx.send(
            from,
            Msg::Vote {
                epoch,
                granted,
                pre,
            },
        );
    }

    fn on_vote(
        &mut self,
        from: NodeId,
        epoch: u64,
        granted: bool,
        pre: bool,
        cx: &mut Cx<'_, Self>,
    ) {
        let majority = cx.majority();
        let Role::Candidate {
            epoch: e,
            votes,
            pre: asking,
        } = &mut self.role
        else {
            return;
        };
        if epoch != *e || pre != *asking || !granted {
            return;
        }
        if epoch <= self.disk.epoch {
            // It has learnt of this epoch or a later one meanwhile.
            return;
        }
        votes.insert(from);
        if votes.len() >= majority && pre {
            // A majority would vote: now the election itself.
            *asking = false;
            *votes = BTreeSet::from([self.id]);
            self.disk.voted = Some((epoch, self.id));
            cx.note(format!(
                "a majority would vote for it: asks for votes to lead epoch {epoch}"
            ));
            self.ask_votes(epoch, false, cx);
            self.arm_watch(cx);
        } else if votes.len() >= majority {
            let v: Vec<String> = votes.iter().map(|n| n.to_string()).collect();
            let why = format!(
                "elected primary of epoch {epoch} by {} (a majority of {}); its lease starts when a majority answers one of its heartbeats",
                v.join(", "),
                cx.cluster_size()
            );
            self.become_primary(epoch, why, cx);
        }
    }

    fn on_watch(&mut self, cx: &mut Cx<'_, Self>) {
        self.watch = None;
        if self.is_primary() {
            return;
        }
        let epoch = self.disk.epoch + 1;
        let silence = fmt_ms(cx.config().lease);
        if !Self::majority_mode(cx) {
            let why = format!(
                "has heard no heartbeat for over {silence}: promotes itself to primary of epoch {epoch}, asking nobody (naive failover)"
            );
            self.become_primary(epoch, why, cx);
            return;
        }
        let why = match self.role {
            Role::Candidate {
                epoch: e,
                pre: false,
                ..
            } => format!(
                "no majority voted for it in epoch {e} (the votes split, or answers were lost)"
            ),
            Role::Candidate { pre: true, .. } => {
                "no majority said it would vote for it".to_string()
            }
            _ => format!("has heard no heartbeat for over {silence}"),
        };
        // Past any epoch it has voted in, too.
        let epoch = epoch.max(self.disk.voted.map_or(0, |v| v.0) + 1);
        self.role = Role::Candidate {
            epoch,
            votes: BTreeSet::from([self.id]),
            pre: true,
        };
        cx.note(format!(
            "{why}: asks whether a majority would vote for it to lead epoch {epoch} (a pre-vote: nothing changes yet)"
        ));
        self.ask_votes(epoch, true, cx);
        self.arm_watch(cx);
    }

    fn ask_votes(&mut self, epoch: u64, pre: bool, cx: &mut Cx<'_, Self>) {
        let peers: Vec<NodeId> = cx.peers().collect();
        for p in peers {
            cx.send(
                p,
                Msg::AskVote {
                    epoch,
                    version: self.disk.version,
                    pre,
                },
            );
        }
    }
}

impl Node for FoNode {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Disk;
    type Config = FoConfig;
    type Op = RegisterOp;

    fn operations() -> &'static [OpSpec] {
        super::register::OPS
    }
    fn operation(verb: &str, args: &[Arg]) -> Result<RegisterOp, String> {
        super::register::operation(verb, args)
    }
    fn model(op: &RegisterOp) -> OpKind {
        op.model()
    }
    fn routine(msg: &Msg) -> bool {
        // Pre-votes too: in a big cut-off minority they never stop, and
        // the candidate's own note says what it asked.
        matches!(
            msg,
            Msg::Beat { .. }
                | Msg::BeatOk { .. }
                | Msg::AskVote { pre: true, .. }
                | Msg::Vote { pre: true, .. }
        )
    }

    fn new(id: NodeId, _n: usize, _config: &FoConfig) -> Self {
        let primary = NodeId(1);
        Self {
            id,
            disk: Disk {
                epoch: 1,
                voted: Some((1, primary)),
                store: Store::new(),
                version: Version { epoch: 1, seq: 0 },
                applied: None,
                stints: if id == primary {
                    vec![Stint {
                        epoch: 1,
                        from: 0,
                        to: None,
                        first_ack: None,
                        last_ack: None,
                    }]
                } else {
                    Vec::new()
                },
            },
            role: if id == primary {
                Role::Primary
            } else {
                Role::Standby {
                    primary: Some(primary),
                }
            },
            lease_until: None,
            round: 0,
            rounds: BTreeMap::new(),
            synced: BTreeMap::new(),
            matched: BTreeMap::new(),
            pending: Vec::new(),
            preparing: BTreeMap::new(),
            reads: Vec::new(),
            heard: None,
            watch: None,
            beat: None,
        }
    }

    fn durable(&self) -> &Disk {
        &self.disk
    }

    fn recover(id: NodeId, n: usize, config: &FoConfig, mut disk: Disk) -> Self {
        let mut node = Self::new(id, n, config);
        if let Some(s) = disk.stints.last_mut().filter(|s| s.to.is_none()) {
            // It was primary when it crashed; that stint ended then. The
            // crash time is not on disk: its last acknowledgement stands in.
            s.to = Some(s.last_ack.unwrap_or(s.from));
        }
        node.disk = disk;
        node.role = Role::Standby { primary: None };
        node
    }

    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        if self.is_primary() {
            self.beat(cx);
            self.arm_beat(cx);
        } else {
            self.heard = Some(cx.monotonic());
            self.arm_watch(cx);
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        match msg {
            Msg::Beat { epoch, round, .. } => self.on_beat(from, epoch, round, cx),
            Msg::BeatOk {
                epoch,
                round,
                version,
            } => self.on_beat_ok(from, epoch, round, version, cx),
            Msg::Sync {
                epoch,
                store,
                version,
            } => self.on_sync(from, epoch, store, version, cx),
            Msg::Apply {
                epoch,
                seq,
                prev,
                key,
                value,
            } => self.on_apply(from, (epoch, seq, prev), key, value, cx),
            Msg::Applied { epoch, version } => {
                if self.is_primary() && epoch == self.disk.epoch {
                    let m = self.matched.entry(from).or_default();
                    let moved = version > *m;
                    *m = (*m).max(version);
                    if moved && Self::majority_mode(cx) {
                        self.settle(cx);
                    }
                }
            }
            Msg::NeedSync { epoch } => {
                if self.is_primary() && epoch == self.disk.epoch {
                    self.send_copy(from, cx);
                }
            }
            Msg::Refused { token, newest, key } => {
                if self.is_primary() && token == self.disk.epoch {
                    let why = format!(
                        "{from} refused its write of {key}: token {token} is older than epoch {newest}"
                    );
                    self.step_down(newest, None, &why, cx);
                }
                self.disk.epoch = self.disk.epoch.max(newest);
            }
            Msg::AskVote {
                epoch,
                version,
                pre,
            } => self.on_ask_vote(from, epoch, version, pre, cx),
            Msg::Vote {
                epoch,
                granted,
                pre,
            } => self.on_vote(from, epoch, granted, pre, cx),
        }
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx<'_, Self>) {
        match timer {
            Timer::Beat => {
                self.beat = None;
                if self.is_primary() {
                    self.beat(cx);
                    self.arm_beat(cx);
                }
            }
            Timer::Watch => self.on_watch(cx),
            Timer::Work(op) => {
                // No second look at the lease: it was checked when the
                // write arrived (the gap a pause falls into).
                if self.is_primary() {
                    self.send_write(op, cx);
                }
            }
        }
    }

    fn on_client(&mut self, op: ClientOp<RegisterOp>, cx: &mut Cx<'_, Self>) {
        let majority = Self::majority_mode(cx);
        match op.kind {
            RegisterOp::Read { key } => {
                if !self.is_primary() || (majority && !self.lease_valid(cx)) {
                    self.refuse(op.id, "reads", cx);
                } else if majority && !self.committed(cx) {
                    cx.note(format!(
                        "holds the read of {key} until a majority has its copy ({})",
                        self.disk.version
                    ));
                    self.reads.push((op.id, key));
                } else {
                    self.read(op.id, &key, cx);
                }
            }
            RegisterOp::Write { key, value } => {
                if !self.is_primary() || (majority && !self.lease_valid(cx)) {
                    self.refuse(op.id, "writes", cx);
                    return;
                }
                let lease = match self.lease_until {
                    Some(t) if majority => {
                        format!(" (lease valid until {} on its clock)", fmt_ms(t))
                    }
                    _ => String::new(),
                };
                cx.note(format!(
                    "checks it may write{lease}, then prepares {key}={value} for {}",
                    fmt_ms(cx.config().work)
                ));
                self.preparing.insert(op.id, (key, value));
                let work = cx.config().work;
                cx.set_timer(work, Timer::Work(op.id));
            }
        }
    }

    fn role(&self) -> String {
        match &self.role {
            Role::Primary => format!("primary e{}", self.disk.epoch),
            Role::Standby { .. } => format!("standby e{}", self.disk.epoch),
            Role::Candidate { epoch, .. } => format!("candidate e{epoch}"),
        }
    }

    fn state(&self, _config: &FoConfig) -> Vec<(String, String)> {
        self.disk
            .store
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect()
    }

    fn settings() -> &'static [Setting<FoConfig>] {
        SETTINGS
    }
}

const SETTINGS: &[Setting<FoConfig>] = &[
    Setting {
        name: "election",
        key: Some('v'),
        help: "failover: heartbeat (a standby that hears nothing for 1s promotes itself) or majority (votes, leases)",
        choices: |_| words(&["heartbeat", "majority"]),
        value: |c| c.election.name().into(),
        apply: |c, value| {
            c.election = match value {
                "heartbeat" => Election::Heartbeat,
                "majority" => Election::Majority,
                _ => {
                    return Err(format!(
                        "'{value}' is not an election: use heartbeat or majority"
                    ));
                }
            };
            Ok(match c.election {
                Election::Heartbeat => "failover is now by heartbeat: a standby that hears nothing for 1s promotes itself, asking nobody, and writes are acknowledged at once".into(),
                Election::Majority => "failover is now by majority: a standby must win a majority's votes, and a primary serves only under a lease a majority granted".into(),
            })
        },
    },
    Setting {
        name: "fencing",
        key: Some('F'),
        help: "fencing tokens: on (replicas refuse writes whose epoch is older than the newest they have seen) or off",
        choices: |_| words(&["off", "on"]),
        value: |c| if c.fencing { "on" } else { "off" }.into(),
        apply: |c, value| {
            c.fencing = match value {
                "on" => true,
                "off" => false,
                _ => return Err(format!("'{value}' is not a fencing choice: use on or off")),
            };
            Ok(if c.fencing {
                "fencing is on: every write carries its primary's epoch, and a replica refuses one older than the newest epoch it has seen".into()
            } else {
                "fencing is off: replicas apply whatever a self-declared primary sends them".into()
            })
        },
    },
];
