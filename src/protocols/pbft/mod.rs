//! PBFT, as Castro and Liskov give it ("Practical Byzantine Fault
//! Tolerance", OSDI 1999): n = 3f + 1 replicas agree on the order of client
//! requests although up to f of them are byzantine.
//!
//! **Normal case.** The client sends its request to every replica (as the
//! paper's client does when it retransmits) and accepts a result once
//! f + 1 replicas give the same one: at least one of them is honest. The
//! primary of view v (replica v mod n) assigns the request a sequence
//! number and multicasts PRE-PREPARE; each backup that accepts it
//! multicasts PREPARE. A replica is *prepared* once it holds the
//! pre-prepare and 2f matching prepares from different backups: then no
//! other request can be prepared at that number in that view. It
//! multicasts COMMIT and is *committed* once it holds 2f + 1 matching
//! commits. Committed requests execute in sequence-number order.
//!
//! **Checkpoints.** Every k sequence numbers a replica multicasts the
//! digest of its state; 2f + 1 matching digests make a stable checkpoint,
//! the log before it is discarded, and the window of usable numbers moves
//! on (h to h + 2k). A replica that fell behind fetches the certified state.
//!
//! **View change.** A backup that waits too long for a request starts a
//! view change: it multicasts VIEW-CHANGE with its stable checkpoint and a
//! certificate for every request it saw prepared. The new primary collects
//! 2f + 1 of them and sends NEW-VIEW re-proposing every prepared request at
//! its sequence number, and the null request in the gaps; every backup
//! recomputes that from the same view changes and rejects a NEW-VIEW that
//! differs. Any 2f + 1 view changes include an honest replica of every
//! 2f + 1 that committed, so a committed request survives.
//!
//! Authentication is the simulator's sender id: a replica can send
//! anything in its own name (see [`Behaviour`]), never in another's.

mod config;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

pub use config::{PbftConfig, SETTINGS};
pub use types::{
    Behaviour, Cert, Cmd, Msg, NewView, OPS, PbftOp, Req, Snapshot, Timer, ViewChange,
};

use crate::sim::{
    Arg, ClientOp, Cx, Millis, Node, NodeId, OpId, OpKind, OpOutcome, OpSpec, Setting, TimerId,
};

/// Most sequence numbers one Status answer resends.
const RESEND_BATCH: u64 = 8;
/// How many of its own past VIEW-CHANGE messages a replica can retransmit.
const KEEP_SENT_CHANGES: usize = 4;

/// What one replica logged for one sequence number.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Slot {
    /// The pre-prepare it accepted, per view.
    pub pre: BTreeMap<u64, Req>,
    /// Who sent a prepare (or commit) for (view, request).
    pub prepares: BTreeMap<(u64, Req), BTreeSet<NodeId>>,
    pub commits: BTreeMap<(u64, Req), BTreeSet<NodeId>>,
    /// Its newest prepared certificate, for view changes.
    pub prepared: Option<Cert>,
    /// The request it committed here, once committed-local.
    pub committed: Option<Req>,
}

impl Slot {
    pub fn prepares_for(&self, view: u64, req: &Req) -> usize {
        self.prepares
            .get(&(view, req.clone()))
            .map_or(0, BTreeSet::len)
    }
    pub fn commits_for(&self, view: u64, req: &Req) -> usize {
        self.commits
            .get(&(view, req.clone()))
            .map_or(0, BTreeSet::len)
    }
}

/// One execution, as the agreement invariant reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Execution {
    pub seq: u64,
    pub req: Req,
    pub view: u64,
}

/// A checkpoint certified by 2f + 1 replicas that this replica has not
/// reached yet: it fetches the state from one of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Wanted {
    pub seq: u64,
    pub digest: u64,
    pub proof: Vec<NodeId>,
}

/// Everything a replica keeps. A PBFT replica's log and state live on
/// disk here: a crash is a pause, and it resumes where it was.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Disk {
    pub view: u64,
    /// False while it waits for the NEW-VIEW of `view`.
    pub active: bool,
    pub behaviour: Behaviour,
    /// Whether it was ever byzantine: the agreement check trusts only the
    /// replicas that never were.
    pub ever_byzantine: bool,
    pub slots: BTreeMap<u64, Slot>,
    /// The state after the last executed request (`state.seq`).
    pub state: Snapshot,
    /// The last stable checkpoint and who certified it.
    pub stable: u64,
    pub stable_digest: u64,
    pub stable_proof: Vec<NodeId>,
    /// CHECKPOINT messages above the stable one: seq → digest → senders.
    pub checkpoints: BTreeMap<u64, BTreeMap<u64, BTreeSet<NodeId>>>,
    /// Its own checkpoints from the stable one on, for state transfer.
    pub snapshots: BTreeMap<u64, Rc<Snapshot>>,
    /// Client requests received and not executed.
    pub pending: BTreeMap<OpId, Cmd>,
    /// As primary: the last sequence number assigned, and to which requests.
    pub next_seq: u64,
    pub assigned: BTreeSet<OpId>,
    /// VIEW-CHANGE messages for views from the current one on.
    pub changes: BTreeMap<u64, BTreeMap<NodeId, Rc<ViewChange>>>,
    /// Its own last few VIEW-CHANGE messages, by view: retransmitted to a
    /// replica still waiting in that view after this one moved on.
    pub sent_changes: BTreeMap<u64, Rc<ViewChange>>,
    /// The NEW-VIEW that started the current view (relayed to laggards).
    pub new_view: Option<Rc<NewView>>,
    /// View changes in a row that found no working primary (each doubles
    /// the timeout).
    pub attempts: u32,
    pub executions: Vec<Execution>,
    pub wanted: Option<Wanted>,
}

#[derive(Debug)]
pub struct PbftNode {
    id: NodeId,
    n: usize,
    disk: Disk,
    /// The view-change timer and the view it was armed in.
    timer: Option<(TimerId, u64)>,
    timer_due: Option<Millis>,
}

/// FNV-1a, fixed so digests are the same on every machine and version.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// The digest after executing `req` at `seq` on a state with digest `prev`.
fn chain(prev: u64, seq: u64, req: &Req) -> u64 {
    let mut h = fnv(prev, &seq.to_le_bytes());
    match req {
        Req::Null => h = fnv(h, b"null"),
        Req::Op { op, cmd } => {
            h = fnv(h, &op.0.to_le_bytes());
            match cmd {
                Cmd::Write { key, value } => {
                    h = fnv(h, b"w");
                    h = fnv(h, key.as_bytes());
                    h = fnv(h, &value.to_le_bytes());
                }
                Cmd::Read { key } => {
                    h = fnv(h, b"r");
                    h = fnv(h, key.as_bytes());
                }
            }
        }
    }
    h
}

/// Replicas are split by id for equivocation: odd ids hear one story.
fn odd(id: NodeId) -> bool {
    id.0 % 2 == 1
}

fn names(ids: impl IntoIterator<Item = NodeId>) -> String {
    let v: Vec<String> = ids.into_iter().map(|i| i.to_string()).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// The pre-prepares a new primary must send, derived from 2f + 1 view
/// changes: every request prepared after the newest stable checkpoint
/// among them at its sequence number (the certificate of the highest view
/// when several), the null request where none was.
pub fn derive_pre_prepares(changes: &[Rc<ViewChange>]) -> (u64, Vec<(u64, Req)>) {
    let min_s = changes.iter().map(|c| c.stable).max().unwrap_or(0);
    let mut best: BTreeMap<u64, &Cert> = BTreeMap::new();
    for cert in changes.iter().flat_map(|c| &c.certs) {
        if cert.seq <= min_s {
            continue;
        }
        match best.get(&cert.seq) {
            Some(b) if b.view >= cert.view => {}
            _ => {
                best.insert(cert.seq, cert);
            }
        }
    }
    let max_s = best.keys().next_back().copied().unwrap_or(min_s);
    let o = (min_s + 1..=max_s)
        .map(|s| (s, best.get(&s).map_or(Req::Null, |c| c.req.clone())))
        .collect();
    (min_s, o)
}

impl PbftNode {
    fn boot(id: NodeId, n: usize, disk: Disk) -> Self {
        Self {
            id,
            n,
            disk,
            timer: None,
            timer_due: None,
        }
    }

    pub fn f(&self) -> usize {
        (self.n - 1) / 3
    }
    pub fn view(&self) -> u64 {
        self.disk.view
    }
    pub fn active(&self) -> bool {
        self.disk.active
    }
    pub fn behaviour(&self) -> Behaviour {
        self.disk.behaviour
    }
    pub fn ever_byzantine(&self) -> bool {
        self.disk.ever_byzantine
    }
    pub fn executed(&self) -> u64 {
        self.disk.state.seq
    }
    pub fn stable(&self) -> u64 {
        self.disk.stable
    }
    pub fn slots(&self) -> &BTreeMap<u64, Slot> {
        &self.disk.slots
    }
    pub fn executions(&self) -> &[Execution] {
        &self.disk.executions
    }
    pub fn store(&self) -> &imbl::OrdMap<String, crate::sim::Value> {
        &self.disk.state.store
    }
    pub fn pending(&self) -> &BTreeMap<OpId, Cmd> {
        &self.disk.pending
    }
    pub fn disk(&self) -> &Disk {
        &self.disk
    }
    /// When the view-change timer fires, if it is armed.
    pub fn timer_due(&self) -> Option<Millis> {
        self.timer.and(self.timer_due)
    }
    pub fn primary_of(&self, view: u64) -> NodeId {
        NodeId::from_index((view % self.n as u64) as usize)
    }
    pub fn is_primary(&self) -> bool {
        self.disk.active && self.primary_of(self.disk.view) == self.id
    }
    fn quorum(&self) -> usize {
        2 * self.f() + 1
    }
    fn in_window(&self, seq: u64, cx: &Cx<'_, Self>) -> bool {
        seq > self.disk.stable && seq <= self.disk.stable + cx.config().window()
    }

    // ---- sending, where a byzantine replica departs from the protocol ----

    /// The two stories an equivocator tells about `req`: the real request
    /// (or, for the null request, a request it holds pending) to odd
    /// replicas, the null request to even ones.
    fn stories(&self, req: &Req) -> (Req, Req) {
        let real = match req {
            Req::Op { .. } => req.clone(),
            Req::Null => self.oldest_pending().unwrap_or(Req::Null),
        };
        (real, Req::Null)
    }

    fn oldest_pending(&self) -> Option<Req> {
        self.disk.pending.iter().next().map(|(op, cmd)| Req::Op {
            op: *op,
            cmd: cmd.clone(),
        })
    }

    /// Sends `msg` to every other replica as this replica's behaviour has it.
    fn emit(&self, msg: Msg, cx: &mut Cx<'_, Self>) {
        let vote = |m: &Msg| match m {
            Msg::PrePrepare { view, seq, req }
            | Msg::Prepare { view, seq, req }
            | Msg::Commit { view, seq, req } => Some((*view, *seq, req.clone())),
            _ => None,
        };
        let remake = |m: &Msg, req: Req| match *m {
            Msg::PrePrepare { view, seq, .. } => Msg::PrePrepare { view, seq, req },
            Msg::Prepare { view, seq, .. } => Msg::Prepare { view, seq, req },
            Msg::Commit { view, seq, .. } => Msg::Commit { view, seq, req },
            ref other => other.clone(),
        };
        match (self.disk.behaviour, vote(&msg)) {
            (Behaviour::Silent, _) => {}
            (Behaviour::Equivocate, Some((_, _, req))) => {
                let (a, b) = self.stories(&req);
                for to in cx.peers().collect::<Vec<_>>() {
                    let story = if odd(to) { a.clone() } else { b.clone() };
                    cx.send(to, remake(&msg, story));
                }
            }
            (Behaviour::Wrong, Some((_, _, req))) if !matches!(msg, Msg::PrePrepare { .. }) => {
                let (a, b) = self.stories(&req);
                let wrong = if a == req { b } else { a };
                cx.broadcast(remake(&msg, wrong));
            }
            _ => cx.broadcast(msg),
        }
    }

    fn send_to(&self, to: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        if self.disk.behaviour != Behaviour::Silent {
            cx.send(to, msg);
        }
    }

    // ---- the view-change timer ----

    fn arm_timer(&mut self, cx: &mut Cx<'_, Self>) {
        self.stop_timer(cx);
        let len = cx.config().timeout << self.disk.attempts.min(6);
        self.timer = Some((
            cx.set_timer(
                len,
                Timer::Request {
                    view: self.disk.view,
                },
            ),
            self.disk.view,
        ));
        self.timer_due = Some(cx.now() + len);
    }

    fn stop_timer(&mut self, cx: &mut Cx<'_, Self>) {
        if let Some((t, _)) = self.timer.take() {
            cx.cancel_timer(t);
        }
        self.timer_due = None;
    }

    /// A backup waiting for requests keeps its timer running.
    fn wait_for_requests(&mut self, restart: bool, cx: &mut Cx<'_, Self>) {
        if !self.disk.active || self.primary_of(self.disk.view) == self.id {
            return;
        }
        if self.disk.pending.is_empty() {
            self.stop_timer(cx);
        } else if restart || self.timer.is_none() {
            self.arm_timer(cx);
        }
    }

    // ---- normal case ----

    /// Primary: assigns sequence numbers to the pending requests it has
    /// not assigned yet, as far as the window allows.
    fn propose(&mut self, cx: &mut Cx<'_, Self>) {
        if !self.is_primary() {
            return;
        }
        let view = self.disk.view;
        let todo: Vec<(OpId, Cmd)> = self
            .disk
            .pending
            .iter()
            .filter(|(op, _)| !self.disk.assigned.contains(op))
            .map(|(op, cmd)| (*op, cmd.clone()))
            .collect();
        for (op, cmd) in todo {
            let seq = self.disk.next_seq + 1;
            if !self.in_window(seq, cx) {
                cx.note(format!(
                    "{} holds op{} back: s{seq} is beyond the window (stable checkpoint s{} + {})",
                    self.id,
                    op.0,
                    self.disk.stable,
                    cx.config().window()
                ));
                break;
            }
            self.disk.next_seq = seq;
            self.disk.assigned.insert(op);
            let req = Req::Op { op, cmd };
            self.disk
                .slots
                .entry(seq)
                .or_default()
                .pre
                .insert(view, req.clone());
            cx.note(format!(
                "{} (primary of view {view}) assigns s{seq} to {req}",
                self.id
            ));
            self.emit(
                Msg::PrePrepare {
                    view,
                    seq,
                    req: req.clone(),
                },
                cx,
            );
            if self.disk.behaviour == Behaviour::Equivocate {
                // It commits to both stories at once, to help its accomplices.
                self.emit(Msg::Commit { view, seq, req }, cx);
            }
            self.check(seq, cx);
        }
    }

    /// Backup: prepares the request pre-prepared at `seq` in this view.
    fn prepare(&mut self, seq: u64, req: Req, cx: &mut Cx<'_, Self>) {
        let view = self.disk.view;
        self.disk
            .slots
            .entry(seq)
            .or_default()
            .prepares
            .entry((view, req.clone()))
            .or_default()
            .insert(self.id);
        self.emit(
            Msg::Prepare {
                view,
                seq,
                req: req.clone(),
            },
            cx,
        );
        if self.disk.behaviour == Behaviour::Equivocate {
            self.emit(Msg::Commit { view, seq, req }, cx);
        }
    }

    /// Moves slot `seq` of the current view on: prepared, then committed,
    /// then executed in order.
    fn check(&mut self, seq: u64, cx: &mut Cx<'_, Self>) {
        if !self.disk.active {
            return;
        }
        let view = self.disk.view;
        let f = self.f();
        let primary = self.primary_of(view);
        let Some(slot) = self.disk.slots.get(&seq) else {
            return;
        };
        let Some(req) = slot.pre.get(&view).cloned() else {
            return;
        };
        let prepared_here = slot.prepared.as_ref().is_some_and(|c| c.view == view);
        if !prepared_here {
            let backups: Vec<NodeId> = slot
                .prepares
                .get(&(view, req.clone()))
                .map(|s| s.iter().copied().filter(|&b| b != primary).collect())
                .unwrap_or_default();
            if backups.len() < 2 * f {
                return;
            }
            cx.note(format!(
                "{} prepared s{seq} = {req} in view {view}: pre-prepare from {primary}, prepares from {} (2f = {})",
                self.id,
                names(backups.iter().copied()),
                2 * f
            ));
            let slot = self.disk.slots.get_mut(&seq).expect("checked");
            slot.prepared = Some(Cert {
                view,
                seq,
                req: req.clone(),
                prepares: backups,
            });
            slot.commits
                .entry((view, req.clone()))
                .or_default()
                .insert(self.id);
            self.emit(
                Msg::Commit {
                    view,
                    seq,
                    req: req.clone(),
                },
                cx,
            );
        }
        let slot = self.disk.slots.get(&seq).expect("checked");
        if slot.committed.is_some() {
            return;
        }
        let commits = slot.commits.get(&(view, req.clone()));
        if commits.map_or(0, BTreeSet::len) < self.quorum() {
            return;
        }
        cx.note(format!(
            "{} committed s{seq} = {req}: commits from {} (2f + 1 = {})",
            self.id,
            names(commits.into_iter().flatten().copied()),
            self.quorum()
        ));
        self.disk.slots.get_mut(&seq).expect("checked").committed = Some(req);
        self.execute(cx);
    }

    /// Executes committed requests in sequence-number order.
    fn execute(&mut self, cx: &mut Cx<'_, Self>) {
        let mut any = false;
        loop {
            let seq = self.disk.state.seq + 1;
            let Some(req) = self.disk.slots.get(&seq).and_then(|s| s.committed.clone()) else {
                break;
            };
            any = true;
            let state = &mut self.disk.state;
            state.seq = seq;
            state.digest = chain(state.digest, seq, &req);
            let mut answer = None;
            let read = matches!(
                &req,
                Req::Op {
                    cmd: Cmd::Read { .. },
                    ..
                }
            );
            if let Req::Op { op, cmd } = &req
                && !state.done.contains(op)
            {
                state.done.insert(*op);
                self.disk.pending.remove(op);
                let outcome = match cmd {
                    Cmd::Write { key, value } => {
                        state.store.insert(key.clone(), *value);
                        OpOutcome::Ok { value: None }
                    }
                    Cmd::Read { key } => OpOutcome::Ok {
                        value: state.store.get(key).copied(),
                    },
                };
                answer = Some((*op, outcome));
            }
            cx.note(format!("{} executes s{seq}: {req}", self.id));
            self.disk.executions.push(Execution {
                seq,
                req,
                view: self.disk.view,
            });
            if let Some((op, outcome)) = answer {
                self.reply(op, outcome, read, seq, cx);
            }
            if seq.is_multiple_of(cx.config().checkpoint_every) {
                self.take_checkpoint(cx);
            }
        }
        if any {
            self.disk.attempts = 0;
            self.wait_for_requests(true, cx);
        }
    }

    fn reply(&self, op: OpId, outcome: OpOutcome, read: bool, seq: u64, cx: &mut Cx<'_, Self>) {
        let outcome = match (self.disk.behaviour, outcome) {
            (Behaviour::Silent, _) => return,
            (Behaviour::Wrong, OpOutcome::Ok { value: Some(v) }) => OpOutcome::Ok {
                value: Some(v + 100),
            },
            (Behaviour::Wrong, OpOutcome::Ok { value: None }) if read => {
                OpOutcome::Ok { value: Some(100) }
            }
            (_, o) => o,
        };
        cx.answer(op, outcome, format!("executed at s{seq}"));
    }

    // ---- checkpoints and state transfer ----

    fn take_checkpoint(&mut self, cx: &mut Cx<'_, Self>) {
        let snap = Rc::new(self.disk.state.clone());
        let (seq, digest) = (snap.seq, snap.digest);
        self.disk.snapshots.insert(seq, snap);
        self.emit(Msg::Checkpoint { seq, digest }, cx);
        self.record_checkpoint(self.id, seq, digest, cx);
    }

    fn record_checkpoint(&mut self, from: NodeId, seq: u64, digest: u64, cx: &mut Cx<'_, Self>) {
        if seq <= self.disk.stable {
            return;
        }
        let senders = self
            .disk
            .checkpoints
            .entry(seq)
            .or_default()
            .entry(digest)
            .or_default();
        senders.insert(from);
        let proof: Vec<NodeId> = senders.iter().copied().collect();
        if proof.len() >= self.quorum() {
            self.reach_checkpoint(Wanted { seq, digest, proof }, cx);
        }
    }

    /// A checkpoint 2f + 1 replicas certified: stable here if this replica
    /// has reached it with the same state, fetched otherwise.
    fn reach_checkpoint(&mut self, w: Wanted, cx: &mut Cx<'_, Self>) {
        if w.seq <= self.disk.stable {
            return;
        }
        if self.disk.state.seq < w.seq {
            if self.disk.wanted.as_ref().is_some_and(|x| x.seq >= w.seq) {
                return;
            }
            cx.note(format!(
                "{} is behind the checkpoint at s{} that {} certified: it fetches that state",
                self.id,
                w.seq,
                names(w.proof.iter().copied())
            ));
            for &p in w.proof.iter().filter(|&&p| p != self.id) {
                self.send_to(p, Msg::FetchState { seq: w.seq }, cx);
            }
            self.disk.wanted = Some(w);
            return;
        }
        match self.disk.snapshots.get(&w.seq) {
            Some(s) if s.digest == w.digest => {}
            _ => {
                cx.note(format!(
                    "{}'s own state at s{} differs from the one {} certified",
                    self.id,
                    w.seq,
                    names(w.proof.iter().copied())
                ));
                return;
            }
        }
        self.make_stable(w, cx);
    }

    fn make_stable(&mut self, w: Wanted, cx: &mut Cx<'_, Self>) {
        let seq = w.seq;
        cx.note(format!(
            "{}: checkpoint s{seq} is stable ({} matching: {}); log up to s{seq} discarded, window now s{}–s{}",
            self.id,
            w.proof.len(),
            names(w.proof.iter().copied()),
            seq + 1,
            seq + cx.config().window()
        ));
        let d = &mut self.disk;
        d.stable = seq;
        d.stable_digest = w.digest;
        d.stable_proof = w.proof;
        d.slots = d.slots.split_off(&(seq + 1));
        d.checkpoints = d.checkpoints.split_off(&(seq + 1));
        d.snapshots = d.snapshots.split_off(&seq);
        if d.wanted.as_ref().is_some_and(|x| x.seq <= seq) {
            d.wanted = None;
        }
        d.next_seq = d.next_seq.max(seq);
        self.propose(cx);
    }

    fn install(&mut self, from: NodeId, snap: Rc<Snapshot>, cx: &mut Cx<'_, Self>) {
        let Some(w) = self.disk.wanted.clone() else {
            return;
        };
        if snap.seq != w.seq || snap.digest != w.digest || snap.seq <= self.disk.state.seq {
            return;
        }
        cx.note(format!(
            "{} installs the state at s{} from {from}: its digest matches the checkpoint {} certified",
            self.id,
            snap.seq,
            names(w.proof.iter().copied())
        ));
        self.disk.state = (*snap).clone();
        let done = &self.disk.state.done;
        self.disk.pending.retain(|op, _| !done.contains(op));
        self.disk.snapshots.insert(snap.seq, snap);
        self.make_stable(w, cx);
        self.execute(cx);
        self.wait_for_requests(true, cx);
    }

    // ---- view change ----

    /// The VIEW-CHANGE this replica sends for `view`.
    fn view_change_msg(&self, view: u64) -> ViewChange {
        let prepared = self.disk.slots.values().filter_map(|s| s.prepared.clone());
        let certs = if self.disk.behaviour == Behaviour::Lie {
            // It claims the null request was prepared where a request was;
            // it can list only its own prepare for that (signatures), so an
            // honest replica sees the certificate is short and discards it.
            prepared
                .map(|c| Cert {
                    req: Req::Null,
                    prepares: vec![self.id],
                    ..c
                })
                .collect()
        } else {
            prepared.collect()
        };
        ViewChange {
            view,
            from: self.id,
            stable: self.disk.stable,
            digest: self.disk.stable_digest,
            proof: self.disk.stable_proof.clone(),
            certs,
        }
    }

    fn start_view_change(&mut self, to: u64, why: &str, cx: &mut Cx<'_, Self>) {
        if to <= self.disk.view && !(to == self.disk.view && self.disk.active) {
            return;
        }
        self.stop_timer(cx);
        self.disk.view = to;
        self.disk.active = false;
        let vc = Rc::new(self.view_change_msg(to));
        cx.note(format!(
            "{} asks for view {to} (primary {}): {why}; it sends {} prepared certificate{}",
            self.id,
            self.primary_of(to),
            vc.certs.len(),
            if vc.certs.len() == 1 { "" } else { "s" }
        ));
        self.disk.changes = self.disk.changes.split_off(&to);
        self.disk.sent_changes.insert(to, vc.clone());
        if self.disk.sent_changes.len() > KEEP_SENT_CHANGES {
            self.disk.sent_changes.pop_first();
        }
        self.disk
            .changes
            .entry(to)
            .or_default()
            .insert(self.id, vc.clone());
        self.emit(Msg::ViewChange(vc), cx);
        self.progress_view_change(cx);
    }

    /// Why a VIEW-CHANGE is not acceptable, if it is not.
    fn invalid_view_change(&self, vc: &ViewChange, window: u64) -> Option<String> {
        let f = self.f();
        if vc.stable > 0 && vc.proof.len() < self.quorum() {
            return Some(format!(
                "its checkpoint s{} is proved by {} CHECKPOINT messages, not 2f + 1 = {}",
                vc.stable,
                vc.proof.len(),
                self.quorum()
            ));
        }
        for c in &vc.certs {
            if c.seq <= vc.stable || c.seq > vc.stable + window || c.view >= vc.view {
                return Some(format!(
                    "its certificate for s{} (view {}) is outside its window or view",
                    c.seq, c.view
                ));
            }
            let primary = self.primary_of(c.view);
            let backups: BTreeSet<NodeId> = c
                .prepares
                .iter()
                .copied()
                .filter(|&p| p != primary)
                .collect();
            if backups.len() < 2 * f {
                return Some(format!(
                    "its certificate for s{} = {} shows {} prepare{} from backups; a prepared certificate needs 2f = {}",
                    c.seq,
                    c.req,
                    backups.len(),
                    if backups.len() == 1 { "" } else { "s" },
                    2 * f
                ));
            }
        }
        None
    }

    fn on_view_change(&mut self, from: NodeId, vc: Rc<ViewChange>, cx: &mut Cx<'_, Self>) {
        if vc.from != from || vc.view < self.disk.view {
            return;
        }
        if vc.view == self.disk.view && self.disk.active {
            return;
        }
        if let Some(why) = self.invalid_view_change(&vc, cx.config().window()) {
            cx.note(format!(
                "{} discards {from}'s VIEW-CHANGE for view {}: {why}",
                self.id, vc.view
            ));
            return;
        }
        let view = vc.view;
        let fresh = self
            .disk
            .changes
            .entry(view)
            .or_default()
            .insert(from, vc)
            .is_none();
        if !fresh {
            return;
        }
        // f + 1 replicas asking for later views include an honest one: join
        // the smallest of those views rather than wait for a timer.
        let mine = self.disk.view;
        let later: BTreeSet<NodeId> = self
            .disk
            .changes
            .range(mine + 1..)
            .flat_map(|(_, m)| m.keys().copied())
            .collect();
        if later.len() > self.f() && !later.contains(&self.id) {
            let smallest = self
                .disk
                .changes
                .range(mine + 1..)
                .next()
                .map(|(v, _)| *v)
                .expect("non-empty");
            self.start_view_change(
                smallest,
                &format!(
                    "{} replicas ({}) ask for later views, more than f = {}",
                    later.len(),
                    names(later.iter().copied()),
                    self.f()
                ),
                cx,
            );
            return;
        }
        self.progress_view_change(cx);
    }

    /// With 2f + 1 view changes for its view: the new primary sends
    /// NEW-VIEW; a backup starts waiting for it.
    fn progress_view_change(&mut self, cx: &mut Cx<'_, Self>) {
        if self.disk.active {
            return;
        }
        let view = self.disk.view;
        let got = self.disk.changes.get(&view).map_or(0, BTreeMap::len);
        if got < self.quorum() {
            return;
        }
        if self.primary_of(view) != self.id {
            if self.timer.is_none_or(|(_, v)| v != view) {
                self.arm_timer(cx);
            }
            return;
        }
        let all = &self.disk.changes[&view];
        if self.disk.behaviour == Behaviour::Lie
            && all.keys().filter(|&&k| k != self.id).count() < self.quorum()
        {
            return;
        }
        // Its own first, then the others by id: any 2f + 1 will do. A liar
        // waits for 2f + 1 honest-looking ones and leaves its own short
        // certificates out, so that only the pre-prepares it forges below
        // give it away.
        let own = all.get(&self.id).cloned();
        let others = all
            .iter()
            .filter(|(k, _)| **k != self.id)
            .map(|(_, v)| v.clone());
        let mut changes: Vec<Rc<ViewChange>> = if self.disk.behaviour == Behaviour::Lie {
            others.chain(own).collect()
        } else {
            own.into_iter().chain(others).collect()
        };
        changes.truncate(self.quorum());
        let (_, mut pre_prepares) = derive_pre_prepares(&changes);
        if self.disk.behaviour == Behaviour::Lie {
            for (_, r) in &mut pre_prepares {
                *r = Req::Null;
            }
        }
        let nv = Rc::new(NewView {
            view,
            primary: self.id,
            changes,
            pre_prepares,
        });
        cx.note(format!(
            "{} has {} VIEW-CHANGE messages for view {view} (2f + 1 = {}): it sends NEW-VIEW",
            self.id,
            got,
            self.quorum()
        ));
        self.emit(Msg::NewView(nv.clone()), cx);
        self.enter_view(nv, cx);
    }

    /// Why a NEW-VIEW is not acceptable, if it is not.
    fn invalid_new_view(&self, nv: &NewView, window: u64) -> Option<String> {
        if nv.primary != self.primary_of(nv.view) {
            return Some(format!(
                "{} is not the primary of view {}",
                nv.primary, nv.view
            ));
        }
        let senders: BTreeSet<NodeId> = nv.changes.iter().map(|c| c.from).collect();
        if senders.len() < self.quorum() || senders.len() != nv.changes.len() {
            return Some(format!(
                "it carries view changes from {} different replicas, not 2f + 1 = {}",
                senders.len(),
                self.quorum()
            ));
        }
        for c in &nv.changes {
            if c.view != nv.view {
                return Some(format!("{}'s view change is for view {}", c.from, c.view));
            }
            if let Some(why) = self.invalid_view_change(c, window) {
                return Some(format!("{}'s view change is invalid: {why}", c.from));
            }
        }
        let (_, o) = derive_pre_prepares(&nv.changes);
        if o != nv.pre_prepares {
            let diff = o
                .iter()
                .zip(&nv.pre_prepares)
                .find(|(a, b)| a != b)
                .map(|((s, want), (_, got))| {
                    format!("it re-proposes {got} at s{s}, but its view changes prove {want} prepared there")
                })
                .unwrap_or_else(|| {
                    format!(
                        "it re-proposes {} sequence numbers; its view changes call for {}",
                        nv.pre_prepares.len(),
                        o.len()
                    )
                });
            return Some(diff);
        }
        None
    }

    fn on_new_view(&mut self, nv: Rc<NewView>, cx: &mut Cx<'_, Self>) {
        if nv.view < self.disk.view || (nv.view == self.disk.view && self.disk.active) {
            return;
        }
        if let Some(why) = self.invalid_new_view(&nv, cx.config().window()) {
            cx.note(format!(
                "{} rejects the NEW-VIEW for view {} from {}: {why}",
                self.id, nv.view, nv.primary
            ));
            return;
        }
        self.enter_view(nv, cx);
    }

    fn enter_view(&mut self, nv: Rc<NewView>, cx: &mut Cx<'_, Self>) {
        let view = nv.view;
        self.disk.view = view;
        self.disk.active = true;
        self.disk.changes = self.disk.changes.split_off(&(view + 1));
        // Once it works in a view, what it said before no longer describes it.
        self.disk.sent_changes.clear();
        self.disk.new_view = Some(nv.clone());
        self.stop_timer(cx);
        let primary = self.primary_of(view) == self.id;
        let summary: Vec<String> = nv
            .pre_prepares
            .iter()
            .map(|(s, r)| format!("s{s} = {r}"))
            .collect();
        cx.note(format!(
            "{} enters view {view} as {}; the NEW-VIEW re-proposes {}",
            self.id,
            if primary { "primary" } else { "a backup" },
            if summary.is_empty() {
                "nothing".to_string()
            } else {
                summary.join(", ")
            }
        ));
        // The newest stable checkpoint among the view changes.
        if let Some(best) = nv.changes.iter().max_by_key(|c| c.stable)
            && best.stable > self.disk.stable
        {
            self.reach_checkpoint(
                Wanted {
                    seq: best.stable,
                    digest: best.digest,
                    proof: best.proof.clone(),
                },
                cx,
            );
        }
        let mut max_s = self.disk.stable;
        self.disk.assigned.clear();
        for (seq, req) in &nv.pre_prepares {
            max_s = max_s.max(*seq);
            if let Some(op) = req.op() {
                self.disk.assigned.insert(op);
            }
            if *seq <= self.disk.stable {
                continue;
            }
            self.disk
                .slots
                .entry(*seq)
                .or_default()
                .pre
                .insert(view, req.clone());
        }
        self.disk.next_seq = max_s.max(self.disk.stable);
        // Prepare what the new view proposes, and any pre-prepare of this
        // view that arrived before the NEW-VIEW.
        let proposed: Vec<(u64, Req)> = self
            .disk
            .slots
            .iter()
            .filter_map(|(s, slot)| slot.pre.get(&view).map(|r| (*s, r.clone())))
            .collect();
        for (seq, req) in proposed {
            if !primary {
                self.prepare(seq, req, cx);
            }
            self.check(seq, cx);
        }
        if primary {
            self.propose(cx);
        } else {
            self.wait_for_requests(true, cx);
        }
    }

    fn time_out(&mut self, cx: &mut Cx<'_, Self>) {
        let view = self.disk.view;
        if self.disk.active {
            let waiting: Vec<String> = self
                .disk
                .pending
                .keys()
                .take(3)
                .map(|op| format!("op{}", op.0))
                .collect();
            let why = if waiting.is_empty() {
                format!("its timer expired in view {view}")
            } else {
                format!(
                    "{} not executed in view {view} within its timeout",
                    waiting.join(", ")
                )
            };
            self.start_view_change(view + 1, &why, cx);
        } else {
            self.disk.attempts += 1;
            self.start_view_change(
                view + 1,
                &format!("no valid NEW-VIEW for view {view} arrived in time"),
                cx,
            );
        }
    }

    // ---- catching up ----

    fn on_status(
        &mut self,
        from: NodeId,
        view: u64,
        active: bool,
        executed: u64,
        cx: &mut Cx<'_, Self>,
    ) {
        // The network only delivers what is sent again: a replica still
        // waiting for 2f + 1 view changes in a view this one left gets its
        // VIEW-CHANGE for that view once more (it was true when sent, and
        // this replica prepared nothing in that view since).
        if !active
            && view < self.disk.view
            && let Some(vc) = self.disk.sent_changes.get(&view).cloned()
        {
            self.send_to(from, Msg::ViewChange(vc), cx);
        }
        if !self.disk.active {
            return;
        }
        // Checkpoints belong to no view: one that stranded itself in a view
        // change nobody joined still catches up by state transfer.
        if executed < self.disk.stable {
            let (seq, digest) = (self.disk.stable, self.disk.stable_digest);
            let proof = self.disk.stable_proof.clone();
            self.send_to(from, Msg::Stable { seq, digest, proof }, cx);
        }
        let mine = self.disk.view;
        if view < mine || (view == mine && !active) {
            if let Some(nv) = self.disk.new_view.clone()
                && nv.view == mine
            {
                self.send_to(from, Msg::NewView(nv), cx);
            }
            return;
        }
        // Up to the newest slot, not just the newest executed one: a
        // pre-prepare that reached a backup before its NEW-VIEW was dropped,
        // and nobody executes past it until it is sent again.
        let newest = self.disk.slots.keys().next_back().copied().unwrap_or(0);
        let top = newest.max(self.disk.state.seq);
        if view != mine || executed >= top {
            return;
        }
        let from_seq = executed.max(self.disk.stable) + 1;
        let upto = top.min(from_seq + RESEND_BATCH - 1);
        let primary = self.primary_of(mine) == self.id;
        for seq in from_seq..=upto {
            let Some(slot) = self.disk.slots.get(&seq) else {
                continue;
            };
            let Some(req) = slot.pre.get(&mine).cloned() else {
                continue;
            };
            let mut msgs = Vec::new();
            if primary {
                msgs.push(Msg::PrePrepare {
                    view: mine,
                    seq,
                    req: req.clone(),
                });
            } else if slot
                .prepares
                .get(&(mine, req.clone()))
                .is_some_and(|s| s.contains(&self.id))
            {
                msgs.push(Msg::Prepare {
                    view: mine,
                    seq,
                    req: req.clone(),
                });
            }
            if slot
                .commits
                .get(&(mine, req.clone()))
                .is_some_and(|s| s.contains(&self.id))
            {
                msgs.push(Msg::Commit {
                    view: mine,
                    seq,
                    req,
                });
            }
            for m in msgs {
                self.send_to(from, m, cx);
            }
        }
    }

    fn on_vote(&mut self, from: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        let (view, seq, req, commit) = match msg {
            Msg::Prepare { view, seq, req } => (view, seq, req, false),
            Msg::Commit { view, seq, req } => (view, seq, req, true),
            _ => return,
        };
        if view < self.disk.view || !self.in_window(seq, cx) {
            return;
        }
        // The primary pre-prepares; a prepare in its name does not count.
        if !commit && from == self.primary_of(view) {
            return;
        }
        let slot = self.disk.slots.entry(seq).or_default();
        let map = if commit {
            &mut slot.commits
        } else {
            &mut slot.prepares
        };
        if map.entry((view, req)).or_default().insert(from) && view == self.disk.view {
            self.check(seq, cx);
        }
    }

    fn on_pre_prepare(
        &mut self,
        from: NodeId,
        view: u64,
        seq: u64,
        req: Req,
        cx: &mut Cx<'_, Self>,
    ) {
        if from != self.primary_of(view) || view < self.disk.view || !self.in_window(seq, cx) {
            return;
        }
        if view == self.disk.view && !self.disk.active {
            return;
        }
        let slot = self.disk.slots.entry(seq).or_default();
        match slot.pre.get(&view) {
            Some(r) if *r == req => return,
            Some(r) => {
                cx.note(format!(
                    "{} ignores a second PRE-PREPARE from {from} for s{seq} in view {view}: {req}, after {r}",
                    self.id
                ));
                return;
            }
            None => {
                slot.pre.insert(view, req.clone());
            }
        }
        if view == self.disk.view {
            if let Some(op) = req.op() {
                // A request only the primary has shown it: it waits for it too.
                if !self.disk.state.done.contains(&op)
                    && let Req::Op { cmd, .. } = &req
                {
                    self.disk.pending.entry(op).or_insert_with(|| cmd.clone());
                }
            }
            self.prepare(seq, req, cx);
            self.check(seq, cx);
            self.wait_for_requests(false, cx);
        }
    }
}

impl Node for PbftNode {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Disk;
    type Config = PbftConfig;
    type Op = PbftOp;

    fn operations() -> &'static [OpSpec] {
        OPS
    }

    fn operation(verb: &str, args: &[Arg]) -> Result<PbftOp, String> {
        let text = |i: usize| args.get(i).and_then(Arg::text).map(str::to_string);
        match verb {
            "write" => Ok(PbftOp::Write {
                key: text(0).ok_or("a key comes first")?,
                value: args
                    .get(1)
                    .and_then(Arg::int)
                    .ok_or("a write needs a value")?,
            }),
            "read" => Ok(PbftOp::Read {
                key: text(0).ok_or("a read needs a key")?,
            }),
            "byzantine" => {
                let w = text(0).unwrap_or_default();
                Behaviour::parse(&w).map(PbftOp::Behave).ok_or_else(|| {
                    format!(
                        "'{w}' is not a behaviour: use honest, silent, equivocate, wrong or lie"
                    )
                })
            }
            "turn" => Ok(PbftOp::Turn),
            "timeout" => Ok(PbftOp::Timeout),
            _ => Err(format!("PBFT has no operation '{verb}'")),
        }
    }

    fn model(op: &PbftOp) -> OpKind {
        match op {
            PbftOp::Write { key, value } => OpKind::Write {
                key: key.clone(),
                value: *value,
            },
            PbftOp::Read { key } => OpKind::Read { key: key.clone() },
            // Never client operations: declared with Scope::Node.
            _ => OpKind::Read { key: String::new() },
        }
    }

    fn multicast_requests() -> bool {
        true
    }

    fn answers_needed(cluster_size: usize) -> usize {
        (cluster_size - 1) / 3 + 1
    }

    fn new(id: NodeId, n: usize, _config: &PbftConfig) -> Self {
        let disk = Disk {
            active: true,
            state: Snapshot {
                digest: FNV_START,
                ..Snapshot::default()
            },
            stable_digest: FNV_START,
            ..Disk::default()
        };
        Self::boot(id, n, disk)
    }

    fn durable(&self) -> &Disk {
        &self.disk
    }

    fn recover(id: NodeId, n: usize, _config: &PbftConfig, disk: Disk) -> Self {
        Self::boot(id, n, disk)
    }

    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        let every = cx.config().status_every;
        // Spread the status rounds so replicas do not all speak at once.
        let first = cx.random_range(every / 2, every);
        cx.set_timer(first, Timer::Status);
        if self.disk.active {
            self.wait_for_requests(false, cx);
        } else if self
            .disk
            .changes
            .get(&self.disk.view)
            .is_some_and(|m| m.len() >= self.quorum())
        {
            self.arm_timer(cx);
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        match msg {
            Msg::PrePrepare { view, seq, req } => self.on_pre_prepare(from, view, seq, req, cx),
            m @ (Msg::Prepare { .. } | Msg::Commit { .. }) => self.on_vote(from, m, cx),
            Msg::Checkpoint { seq, digest } => self.record_checkpoint(from, seq, digest, cx),
            Msg::ViewChange(vc) => self.on_view_change(from, vc, cx),
            Msg::NewView(nv) => self.on_new_view(nv, cx),
            Msg::Status {
                view,
                active,
                executed,
            } => self.on_status(from, view, active, executed, cx),
            Msg::Stable { seq, digest, proof } => {
                let distinct: BTreeSet<NodeId> = proof.iter().copied().collect();
                if distinct.len() >= self.quorum() && distinct.len() == proof.len() {
                    self.reach_checkpoint(Wanted { seq, digest, proof }, cx);
                }
            }
            Msg::FetchState { seq } => {
                if let Some(s) = self.disk.snapshots.get(&seq).cloned() {
                    self.send_to(from, Msg::State(s), cx);
                }
            }
            Msg::State(s) => self.install(from, s, cx),
        }
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx<'_, Self>) {
        match timer {
            Timer::Status => {
                let view = self.disk.view;
                if !self.disk.active
                    && let Some(vc) = self.disk.changes.get(&view).and_then(|m| m.get(&self.id))
                {
                    self.emit(Msg::ViewChange(vc.clone()), cx);
                }
                // A state it asked for and has not got: ask again.
                if let Some(w) = &self.disk.wanted {
                    for &p in w.proof.iter().filter(|&&p| p != self.id) {
                        self.send_to(p, Msg::FetchState { seq: w.seq }, cx);
                    }
                }
                // Its newest checkpoint, again, until it is stable: one
                // lost CHECKPOINT too many would close the window for good.
                if let Some((&seq, snap)) = self.disk.snapshots.last_key_value()
                    && seq > self.disk.stable
                {
                    let digest = snap.digest;
                    self.emit(Msg::Checkpoint { seq, digest }, cx);
                }
                self.emit(
                    Msg::Status {
                        view,
                        active: self.disk.active,
                        executed: self.disk.state.seq,
                    },
                    cx,
                );
                cx.set_timer(cx.config().status_every, Timer::Status);
            }
            Timer::Request { view } => {
                if self.timer.is_some_and(|(_, v)| v == view) && view == self.disk.view {
                    self.timer = None;
                    self.timer_due = None;
                    self.time_out(cx);
                }
            }
        }
    }

    fn on_client(&mut self, op: ClientOp<PbftOp>, cx: &mut Cx<'_, Self>) {
        let cmd = match op.kind {
            PbftOp::Write { key, value } => Cmd::Write { key, value },
            PbftOp::Read { key } => Cmd::Read { key },
            _ => return,
        };
        if self.disk.state.done.contains(&op.id) {
            return;
        }
        self.disk.pending.insert(op.id, cmd);
        self.propose(cx);
        self.wait_for_requests(false, cx);
    }

    fn on_nudge(&mut self, op: PbftOp, cx: &mut Cx<'_, Self>) {
        let b = match op {
            PbftOp::Behave(b) => b,
            PbftOp::Turn => self.disk.behaviour.next(),
            PbftOp::Timeout => {
                // During a view change the timer runs only once 2f + 1
                // replicas asked for the view (the paper's rule that keeps
                // honest replicas from racing ahead of each other).
                if !self.disk.active && self.timer.is_none() {
                    let view = self.disk.view;
                    let got = self.disk.changes.get(&view).map_or(0, BTreeMap::len);
                    cx.note(format!(
                        "{} has no timer to expire: it waits for 2f + 1 = {} VIEW-CHANGE messages for view {view} (it has {got}) before it starts one",
                        self.id,
                        self.quorum()
                    ));
                    return;
                }
                self.stop_timer(cx);
                self.time_out(cx);
                return;
            }
            _ => return,
        };
        self.disk.behaviour = b;
        if b.byzantine() {
            self.disk.ever_byzantine = true;
            cx.note(format!(
                "{} turns byzantine ({}): it {}",
                self.id,
                b.name(),
                b.says()
            ));
        } else {
            cx.note(format!(
                "{} follows the protocol again (it stays untrusted by the agreement check: it was byzantine)",
                self.id
            ));
        }
    }

    fn role(&self) -> String {
        let role = if !self.disk.active {
            format!("→ view {}", self.disk.view)
        } else if self.primary_of(self.disk.view) == self.id {
            "primary".into()
        } else {
            "backup".into()
        };
        if self.disk.behaviour.byzantine() {
            format!("{role} BYZ")
        } else {
            role
        }
    }

    fn state(&self, _config: &PbftConfig) -> Vec<(String, String)> {
        let mut s = vec![
            ("view".to_string(), self.disk.view.to_string()),
            (
                "exec".to_string(),
                format!("s{} (stable s{})", self.disk.state.seq, self.disk.stable),
            ),
        ];
        if self.disk.behaviour.byzantine() {
            s.push(("byz".into(), self.disk.behaviour.name().into()));
        }
        s.extend(
            self.disk
                .state
                .store
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string())),
        );
        s
    }

    fn routine(msg: &Msg) -> bool {
        matches!(msg, Msg::Status { .. })
    }

    fn settings() -> &'static [Setting<PbftConfig>] {
        SETTINGS
    }
}
