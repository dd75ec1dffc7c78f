//! Raft, as Figure 2 of the paper (Ongaro & Ousterhout, 2014) states it:
//! a pure state machine per node that reacts to messages, timers and client
//! requests, and keeps `currentTerm`, `votedFor` and the log durable.
//!
//! **Elections.** A follower that hears no leader for an election timeout
//! (150–300 ms, drawn from its own random stream) becomes a candidate: it
//! raises its term, votes for itself and asks the others. A node grants one
//! vote per term, only to a candidate whose log is at least as up to date
//! as its own (last entry's term, then index). A majority makes a leader.
//! With `pre-vote`, a node first asks whether it *could* win, without
//! raising anyone's term, so a node cut off for a while cannot depose a
//! healthy leader when it returns. With `check-quorum`, a leader that has
//! not heard from a majority for an election timeout steps down.
//!
//! **Replication.** The leader appends each command to its log and sends
//! AppendEntries (a heartbeat when empty) with the entry before them
//! (prevLogIndex/prevLogTerm). A follower accepts only if it holds that
//! entry, deletes its own entries only where they conflict, and says which
//! index the request covered; the leader sets `matchIndex` from that. An
//! entry commits once a majority stores it **and it is of the leader's
//! current term**; earlier entries commit with it (Figure 8). A command is
//! answered only when its entry is applied.
//!
//! **Reads** (setting `reads`): through the log; by ReadIndex (note the
//! commit index, confirm leadership with a heartbeat round, answer); or
//! locally by whoever believes it leads, which is fast and can be stale.

mod config;
mod types;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub use config::{CommitRule, RaftConfig, ReadMode, SETTINGS};
pub use types::{Cmd, Disk, Entry, Msg, OPS, RaftOp, Timer};

use super::register::RegisterOp;

use crate::sim::{
    Arg, ClientOp, Cx, Millis, Node, NodeId, OpId, OpKind, OpOutcome, OpSpec, Setting, TimerId,
    Value,
};

/// Most entries one AppendEntries carries; a follower far behind catches
/// up over several round trips.
const MAX_BATCH: usize = 16;
/// How many vote decisions a node remembers for the Votes pane.
const VOTES_KEPT: usize = 6;

/// The leader's bookkeeping per node (indexed by node index).
#[derive(Clone, Debug)]
pub struct Lead {
    pub next: Vec<u64>,
    pub matched: Vec<u64>,
    /// The newest heartbeat round each node has answered.
    acked: Vec<u64>,
    /// The last index each node has been sent (so a reply does not resend
    /// what is already on its way; heartbeats resend anything unconfirmed).
    sent: Vec<u64>,
    /// Whether an append to each node is still unanswered: news goes only
    /// to idle followers, so each follower has at most one chain of
    /// appends and replies (heartbeats resend whatever is lost).
    busy: Vec<bool>,
    round: u64,
    /// Who answered since the last check-quorum.
    heard: BTreeSet<NodeId>,
}

#[derive(Clone, Debug)]
pub enum Role {
    Follower,
    /// Asking for pre-votes for the term after its own.
    PreCandidate {
        votes: BTreeSet<NodeId>,
    },
    Candidate {
        votes: BTreeSet<NodeId>,
    },
    Leader(Lead),
}

/// One vote decision, as the voter made it, for the Votes pane.
#[derive(Clone, Debug)]
pub struct VoteRecord {
    pub at: Millis,
    pub term: u64,
    pub candidate: NodeId,
    pub voter: NodeId,
    pub pre: bool,
    pub granted: bool,
    pub reason: String,
}

#[derive(Debug)]
struct PendingRead {
    op: OpId,
    key: String,
    round: u64,
}

#[derive(Debug)]
pub struct RaftNode {
    id: NodeId,
    n: usize,
    disk: Disk,
    role: Role,
    /// The leader it last heard in its current term.
    leader: Option<NodeId>,
    heard_leader_at: Option<Millis>,
    commit: u64,
    applied: u64,
    store: BTreeMap<String, Value>,
    election: Option<TimerId>,
    /// When the election timer fires, and the length it was armed with.
    election_due: (Millis, Millis),
    heartbeat: Option<TimerId>,
    quorum: Option<TimerId>,
    /// Client operations whose entries this node appended as leader: it
    /// answers when it applies them, whatever its role by then.
    waiting: BTreeSet<OpId>,
    reads: Vec<PendingRead>,
    votes: VecDeque<VoteRecord>,
    /// How many times the log was cut, and the first index the last cut
    /// removed: lets the safety checks look only at what changed.
    cuts: u64,
    last_cut: u64,
}

impl RaftNode {
    fn boot(id: NodeId, n: usize, disk: Disk) -> Self {
        Self {
            id,
            n,
            disk,
            role: Role::Follower,
            leader: None,
            heard_leader_at: None,
            commit: 0,
            applied: 0,
            store: BTreeMap::new(),
            election: None,
            election_due: (0, 0),
            heartbeat: None,
            quorum: None,
            waiting: BTreeSet::new(),
            reads: Vec::new(),
            votes: VecDeque::new(),
            cuts: 0,
            last_cut: 0,
        }
    }

    pub fn term(&self) -> u64 {
        self.disk.term
    }
    pub fn voted_for(&self) -> Option<NodeId> {
        self.disk.voted_for
    }
    pub fn log(&self) -> &[Entry] {
        &self.disk.log
    }
    pub fn disk(&self) -> &Disk {
        &self.disk
    }
    pub fn commit_index(&self) -> u64 {
        self.commit
    }
    pub fn applied(&self) -> u64 {
        self.applied
    }
    pub fn role_state(&self) -> &Role {
        &self.role
    }
    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }
    pub fn lead(&self) -> Option<&Lead> {
        match &self.role {
            Role::Leader(l) => Some(l),
            _ => None,
        }
    }
    /// The leader it follows in its current term, if it has heard one.
    pub fn known_leader(&self) -> Option<NodeId> {
        self.leader
    }
    pub fn store(&self) -> &BTreeMap<String, Value> {
        &self.store
    }
    /// (fires at, armed length) of the election timer; `None` for a leader.
    pub fn election_timer(&self) -> Option<(Millis, Millis)> {
        self.election.map(|_| self.election_due)
    }
    pub fn votes(&self) -> impl Iterator<Item = &VoteRecord> {
        self.votes.iter()
    }
    /// (number of cuts so far, first index removed by the last one).
    pub fn cuts(&self) -> (u64, u64) {
        (self.cuts, self.last_cut)
    }

    fn majority(&self) -> usize {
        self.n / 2 + 1
    }

    fn arm_election(&mut self, len: Option<Millis>, cx: &mut Cx<'_, Self>) {
        if let Some(t) = self.election.take() {
            cx.cancel_timer(t);
        }
        let (lo, hi) = cx.config().election;
        let len = len.unwrap_or_else(|| {
            if cx.config().randomize {
                cx.random_range(lo, hi)
            } else {
                lo
            }
        });
        self.election = Some(cx.set_timer(len, Timer::Election));
        self.election_due = (cx.now() + len, len);
    }

    fn stop_leading(&mut self, cx: &mut Cx<'_, Self>) {
        for t in [self.heartbeat.take(), self.quorum.take()]
            .into_iter()
            .flatten()
        {
            cx.cancel_timer(t);
        }
        // A read waiting for confirmation has changed nothing: it can be
        // refused. Commands already in the log cannot: they may still
        // commit under the next leader.
        for r in self.reads.drain(..) {
            cx.complete(
                r.op,
                OpOutcome::Failed {
                    reason: format!(
                        "{} stopped leading before it could confirm the read",
                        self.id
                    ),
                },
                "",
            );
        }
    }

    /// Moves to `term` (forgetting the vote of the older term) as a follower.
    fn step_down(&mut self, term: u64, why: &str, cx: &mut Cx<'_, Self>) {
        let was = self.role_name();
        if term > self.disk.term {
            self.disk.term = term;
            self.disk.voted_for = None;
            self.leader = None;
        }
        let leading = self.is_leader();
        if leading {
            self.stop_leading(cx);
        }
        if !matches!(self.role, Role::Follower) {
            self.role = Role::Follower;
            cx.note(format!(
                "{} steps down from {was} to follower in term {}: {why}",
                self.id, self.disk.term
            ));
        } else {
            cx.note(format!(
                "{} moves to term {} as a follower: {why}",
                self.id, self.disk.term
            ));
        }
        if leading || self.election.is_none() {
            self.arm_election(None, cx);
        }
    }

    fn role_name(&self) -> &'static str {
        match self.role {
            Role::Follower => "follower",
            Role::PreCandidate { .. } => "pre-candidate",
            Role::Candidate { .. } => "candidate",
            Role::Leader(_) => "leader",
        }
    }

    /// The election timer fired (or the learner forced it).
    fn time_out(&mut self, cx: &mut Cx<'_, Self>) {
        if cx.config().pre_vote {
            let votes = BTreeSet::from([self.id]);
            self.role = Role::PreCandidate { votes };
            self.leader = None;
            self.arm_election(None, cx);
            let asked = self.disk.term + 1;
            cx.note(format!(
                "{} heard no leader: asks for pre-votes for term {asked} (its own term stays {})",
                self.id, self.disk.term
            ));
            cx.broadcast(Msg::RequestVote {
                term: asked,
                last_index: self.disk.last_index(),
                last_term: self.disk.last_term(),
                pre: true,
            });
        } else {
            self.campaign("heard no leader", cx);
        }
    }

    fn campaign(&mut self, why: &str, cx: &mut Cx<'_, Self>) {
        self.disk.term += 1;
        self.disk.voted_for = Some(self.id);
        self.role = Role::Candidate {
            votes: BTreeSet::from([self.id]),
        };
        self.leader = None;
        self.arm_election(None, cx);
        cx.note(format!(
            "{} {why}: candidate for term {}, votes for itself",
            self.id, self.disk.term
        ));
        cx.broadcast(Msg::RequestVote {
            term: self.disk.term,
            last_index: self.disk.last_index(),
            last_term: self.disk.last_term(),
            pre: false,
        });
    }

    fn become_leader(&mut self, votes: &BTreeSet<NodeId>, cx: &mut Cx<'_, Self>) {
        if let Some(t) = self.election.take() {
            cx.cancel_timer(t);
        }
        let last = self.disk.last_index();
        let mut lead = Lead {
            next: vec![last + 1; self.n],
            matched: vec![0; self.n],
            acked: vec![0; self.n],
            sent: vec![last; self.n],
            busy: vec![false; self.n],
            round: 0,
            heard: BTreeSet::new(),
        };
        lead.matched[self.id.index()] = last;
        self.role = Role::Leader(lead);
        self.leader = Some(self.id);
        let names: Vec<String> = votes.iter().map(|v| v.to_string()).collect();
        cx.note(format!(
            "{} is leader of term {}: votes from {} ({} of {} needed)",
            self.id,
            self.disk.term,
            names.join(", "),
            self.majority(),
            self.n
        ));
        if cx.config().noop {
            self.append(Cmd::Noop, None);
        }
        self.broadcast_append(false, cx);
        self.heartbeat = Some(cx.set_timer(cx.config().heartbeat_every, Timer::Heartbeat));
        if cx.config().check_quorum {
            self.quorum = Some(cx.set_timer(cx.config().election.1, Timer::Quorum));
        }
    }

    /// Leader: appends to its own log.
    fn append(&mut self, cmd: Cmd, op: Option<OpId>) -> u64 {
        self.disk.log.push(Entry {
            term: self.disk.term,
            cmd,
            op,
        });
        let last = self.disk.last_index();
        if let Role::Leader(l) = &mut self.role {
            l.matched[self.id.index()] = last;
        }
        last
    }

    fn send_append(&mut self, to: NodeId, periodic: bool, cx: &mut Cx<'_, Self>) {
        let Role::Leader(l) = &mut self.role else {
            return;
        };
        let prev = l.next[to.index()] - 1;
        let end = (prev as usize + MAX_BATCH).min(self.disk.log.len());
        l.sent[to.index()] = end as u64;
        l.busy[to.index()] = true;
        cx.send(
            to,
            Msg::Append {
                term: self.disk.term,
                prev_index: prev,
                prev_term: self.disk.term_at(prev),
                entries: self.disk.log[prev as usize..end].to_vec(),
                commit: self.commit,
                round: l.round,
                periodic,
            },
        );
    }

    /// Sends new entries to every follower with no append outstanding; the
    /// others get them when they answer.
    fn send_news(&mut self, cx: &mut Cx<'_, Self>) {
        let Role::Leader(l) = &self.role else {
            return;
        };
        let idle: Vec<NodeId> = cx.peers().filter(|p| !l.busy[p.index()]).collect();
        for to in idle {
            self.send_append(to, false, cx);
        }
    }

    fn broadcast_append(&mut self, periodic: bool, cx: &mut Cx<'_, Self>) {
        for to in cx.peers() {
            self.send_append(to, periodic, cx);
        }
    }

    /// Leader: the highest index stored on a majority that it may count.
    fn advance_commit(&mut self, cx: &mut Cx<'_, Self>) {
        let Role::Leader(l) = &self.role else {
            return;
        };
        // The highest index a majority stores is the majority-th largest
        // matchIndex. Terms never fall along a log, so if that entry is not
        // of this term, no entry a majority stores is.
        let mut matched = l.matched.clone();
        matched.sort_unstable_by(|a, b| b.cmp(a));
        let i = matched[self.majority() - 1];
        if i <= self.commit {
            return;
        }
        let t = self.disk.term_at(i);
        if t != self.disk.term && cx.config().commit_rule == CommitRule::Paper {
            return;
        }
        let names: Vec<String> = (0..self.n)
            .filter(|&k| l.matched[k] >= i)
            .map(|k| NodeId::from_index(k).to_string())
            .collect();
        let old = if t < self.disk.term {
            format!(" — an entry of an earlier term (t{t}) committed by counting: the naive rule")
        } else {
            String::new()
        };
        cx.note(format!(
            "{} commits up to index {i}: stored on {} ({} of {} needed){old}",
            self.id,
            names.join(", "),
            self.majority(),
            self.n
        ));
        self.commit = i;
        self.apply(cx);
    }

    /// Applies committed entries to the key-value map, answering the
    /// clients this node is holding.
    fn apply(&mut self, cx: &mut Cx<'_, Self>) {
        while self.applied < self.commit {
            self.applied += 1;
            let i = self.applied;
            let e = self.disk.log[i as usize - 1].clone();
            let (outcome, note) = match &e.cmd {
                Cmd::Noop => continue,
                Cmd::Write { key, value } => {
                    self.store.insert(key.clone(), *value);
                    (
                        OpOutcome::Ok { value: None },
                        format!("committed at index {i} (term {}), applied", e.term),
                    )
                }
                Cmd::Read { key } => {
                    let v = self.store.get(key).copied();
                    (
                        OpOutcome::Ok { value: v },
                        format!("read through the log: committed at index {i}, applied"),
                    )
                }
                Cmd::Cas { key, expect, new } => {
                    let held = self.store.get(key).copied();
                    if held == Some(*expect) {
                        self.store.insert(key.clone(), *new);
                        (
                            OpOutcome::Ok { value: Some(*new) },
                            format!("committed at index {i}: {key} was {expect}, now {new}"),
                        )
                    } else {
                        let h = held.map_or("unset".to_string(), |v| v.to_string());
                        (
                            OpOutcome::Ok { value: held },
                            format!(
                                "compare failed at index {i}: {key} is {h}, not {expect}; nothing changed"
                            ),
                        )
                    }
                }
            };
            if let Some(op) = e.op
                && self.waiting.remove(&op)
            {
                cx.complete(op, outcome, note);
            }
        }
    }

    /// Leader: answers the ReadIndex reads whose confirmation round a
    /// majority has answered, once an entry of its term has committed.
    fn serve_reads(&mut self, cx: &mut Cx<'_, Self>) {
        let Role::Leader(l) = &self.role else {
            return;
        };
        if self.reads.is_empty() || self.disk.term_at(self.commit) != self.disk.term {
            return;
        }
        let majority = self.majority();
        let me = self.id.index();
        let mut done = Vec::new();
        self.reads.retain(|r| {
            let confirmed: Vec<NodeId> = (0..self.n)
                .filter(|&k| k == me || l.acked[k] >= r.round)
                .map(NodeId::from_index)
                .collect();
            if confirmed.len() >= majority {
                done.push((r.op, r.key.clone(), confirmed));
                false
            } else {
                true
            }
        });
        for (op, key, confirmed) in done {
            let names: Vec<String> = confirmed.iter().map(|c| c.to_string()).collect();
            cx.complete(
                op,
                OpOutcome::Ok {
                    value: self.store.get(&key).copied(),
                },
                format!(
                    "ReadIndex: {} confirmed it still leads term {} (heartbeat answered by {}), then read at commit index {}",
                    self.id,
                    self.disk.term,
                    names.join(", "),
                    self.commit
                ),
            );
        }
    }

    fn redirect(&self) -> String {
        match self.leader {
            Some(l) if l != self.id => format!(
                "{} is not the leader: it follows {l} in term {}; send the command to {l}",
                self.id, self.disk.term
            ),
            _ => format!(
                "{} is not the leader and knows of none in term {} (an election may be under way)",
                self.id, self.disk.term
            ),
        }
    }

    fn remember_vote(&mut self, record: VoteRecord) {
        if self.votes.len() == VOTES_KEPT {
            self.votes.pop_front();
        }
        self.votes.push_back(record);
    }

    fn on_request_vote(
        &mut self,
        from: NodeId,
        (term, last_index, last_term, pre): (u64, u64, u64, bool),
        cx: &mut Cx<'_, Self>,
    ) {
        let (my_term, my_index) = (self.disk.last_term(), self.disk.last_index());
        let up_to_date = (last_term, last_index) >= (my_term, my_index);
        let me = self.id;
        let log_reason = || {
            format!(
                "{me}'s log ends at term {my_term} index {my_index}, more up to date than {from}'s term {last_term} index {last_index}"
            )
        };
        let (granted, reason) = if pre {
            let recent = self
                .heard_leader_at
                .filter(|&t| cx.now() < t + cx.config().election.0 && self.leader.is_some());
            if self.is_leader() {
                (
                    false,
                    format!("{me} is the leader of term {}", self.disk.term),
                )
            } else if term <= self.disk.term {
                (false, format!("{me} is already in term {}", self.disk.term))
            } else if let (Some(t), Some(l)) = (recent, self.leader) {
                (
                    false,
                    format!("{me} heard from leader {l} {} ms ago", cx.now() - t),
                )
            } else if !up_to_date {
                (false, log_reason())
            } else {
                (
                    true,
                    format!(
                        "{from}'s log is at least as up to date as {me}'s and {me} hears no leader"
                    ),
                )
            }
        } else {
            if term > self.disk.term {
                self.step_down(term, &format!("{from} asks for votes in term {term}"), cx);
            }
            if term < self.disk.term {
                (
                    false,
                    format!(
                        "{from}'s term {term} is older than {me}'s term {}",
                        self.disk.term
                    ),
                )
            } else if let Some(v) = self.disk.voted_for.filter(|&v| v != from) {
                (false, format!("{me} already voted for {v} in term {term}"))
            } else if !up_to_date {
                (false, log_reason())
            } else {
                self.disk.voted_for = Some(from);
                self.arm_election(None, cx);
                (
                    true,
                    format!(
                        "{from}'s log (term {last_term} index {last_index}) is at least as up to date as {me}'s (term {my_term} index {my_index})"
                    ),
                )
            }
        };
        let kind = if pre { "pre-vote" } else { "vote" };
        cx.note(format!(
            "{me} {} {from} its {kind} for term {term}: {reason}",
            if granted { "grants" } else { "denies" }
        ));
        self.remember_vote(VoteRecord {
            at: cx.now(),
            term,
            candidate: from,
            voter: me,
            pre,
            granted,
            reason,
        });
        cx.send(
            from,
            Msg::Vote {
                term: self.disk.term,
                asked: term,
                granted,
                pre,
            },
        );
    }

    fn on_vote(
        &mut self,
        from: NodeId,
        term: u64,
        asked: u64,
        granted: bool,
        pre: bool,
        cx: &mut Cx<'_, Self>,
    ) {
        if term > self.disk.term {
            self.step_down(term, &format!("{from} is in term {term}"), cx);
            return;
        }
        let majority = self.majority();
        match &mut self.role {
            Role::PreCandidate { votes } if pre && asked == self.disk.term + 1 && granted => {
                votes.insert(from);
                if votes.len() >= majority {
                    let n = votes.len();
                    self.campaign(&format!("won {n} pre-votes"), cx);
                }
            }
            Role::Candidate { votes } if !pre && asked == self.disk.term && granted => {
                votes.insert(from);
                if votes.len() >= majority {
                    let votes = votes.clone();
                    self.become_leader(&votes, cx);
                }
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn on_append(
        &mut self,
        from: NodeId,
        term: u64,
        prev_index: u64,
        prev_term: u64,
        entries: Vec<Entry>,
        commit: u64,
        round: u64,
        cx: &mut Cx<'_, Self>,
    ) {
        let reply = |cx: &mut Cx<'_, Self>, t: u64, success: bool, matched: u64, hint: u64| {
            cx.send(
                from,
                Msg::AppendReply {
                    term: t,
                    asked: term,
                    success,
                    matched,
                    hint,
                    round,
                },
            )
        };
        if term < self.disk.term {
            cx.note(format!(
                "{} refuses an append from {from}'s old term {term}: it is in term {}",
                self.id, self.disk.term
            ));
            reply(cx, self.disk.term, false, 0, 0);
            return;
        }
        if term > self.disk.term || !matches!(self.role, Role::Follower) {
            self.step_down(term, &format!("{from} leads term {term}"), cx);
        }
        if self.leader != Some(from) {
            self.leader = Some(from);
        }
        self.heard_leader_at = Some(cx.now());
        self.arm_election(None, cx);
        let last = self.disk.last_index();
        if prev_index > last {
            reply(cx, self.disk.term, false, 0, last + 1);
            return;
        }
        if self.disk.term_at(prev_index) != prev_term {
            cx.note(format!(
                "{} has term {} at index {prev_index}, not {prev_term}: {from} must go back further",
                self.id,
                self.disk.term_at(prev_index)
            ));
            reply(cx, self.disk.term, false, 0, prev_index.max(1));
            return;
        }
        let count = entries.len() as u64;
        for (k, e) in entries.into_iter().enumerate() {
            let i = prev_index + 1 + k as u64;
            if i <= self.disk.last_index() {
                let mine = self.disk.term_at(i);
                if mine == e.term {
                    continue;
                }
                let dropped = self.disk.last_index() - i + 1;
                cx.note(format!(
                    "{} drops {dropped} entr{} from index {i}: its term {mine} there conflicts with leader {from}'s term {}",
                    self.id,
                    if dropped == 1 { "y" } else { "ies" },
                    e.term
                ));
                self.disk.log.truncate(i as usize - 1);
                self.cuts += 1;
                self.last_cut = i;
            }
            self.disk.log.push(e);
        }
        let last_new = prev_index + count;
        let c = commit.min(last_new);
        if c > self.commit {
            self.commit = c;
            self.apply(cx);
        }
        reply(cx, self.disk.term, true, last_new, 0);
    }

    fn on_append_reply(
        &mut self,
        from: NodeId,
        (term, asked, success, matched, hint, round): (u64, u64, bool, u64, u64, u64),
        cx: &mut Cx<'_, Self>,
    ) {
        if term > self.disk.term {
            self.step_down(term, &format!("{from} is in term {term}"), cx);
            return;
        }
        let last = self.disk.last_index();
        let Role::Leader(l) = &mut self.role else {
            return;
        };
        if term < self.disk.term || asked != self.disk.term {
            return; // a reply to an older term's request
        }
        let k = from.index();
        l.busy[k] = false;
        l.heard.insert(from);
        l.acked[k] = l.acked[k].max(round);
        if success {
            l.matched[k] = l.matched[k].max(matched);
            l.next[k] = l.next[k].max(matched + 1);
            let behind = l.sent[k] < last;
            self.advance_commit(cx);
            self.serve_reads(cx);
            if behind {
                self.send_append(from, false, cx);
            }
        } else {
            let try_from = hint.max(l.matched[k] + 1).max(1);
            if try_from < l.next[k] {
                l.next[k] = try_from;
            }
            // A refusal still confirms the follower is in this term.
            self.serve_reads(cx);
            self.send_append(from, false, cx);
        }
    }
}

impl Node for RaftNode {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Disk;
    type Config = RaftConfig;
    type Op = RaftOp;

    fn operations() -> &'static [OpSpec] {
        OPS
    }

    fn operation(verb: &str, args: &[Arg]) -> Result<RaftOp, String> {
        Ok(match (verb, args) {
            ("cas", [Arg::Text(key), Arg::Int(expect), Arg::Int(new)]) => RaftOp::Cas {
                key: key.clone(),
                expect: *expect,
                new: *new,
            },
            ("timeout", []) => RaftOp::Timeout,
            ("align", []) => RaftOp::Align,
            ("spread", []) => RaftOp::Spread,
            _ => match super::register::operation(verb, args)? {
                RegisterOp::Write { key, value } => RaftOp::Write { key, value },
                RegisterOp::Read { key } => RaftOp::Read { key },
            },
        })
    }

    fn model(op: &RaftOp) -> OpKind {
        match op {
            RaftOp::Write { key, value } => OpKind::Write {
                key: key.clone(),
                value: *value,
            },
            RaftOp::Read { key } => OpKind::Read { key: key.clone() },
            RaftOp::Cas { key, expect, new } => OpKind::Other {
                key: key.clone(),
                what: format!("cas {key} {expect} {new}"),
            },
            // Learners' actions never reach the history.
            RaftOp::Timeout | RaftOp::Align | RaftOp::Spread => OpKind::Other {
                key: String::new(),
                what: "timer".into(),
            },
        }
    }

    fn routine(msg: &Msg) -> bool {
        match msg {
            Msg::Append {
                entries, periodic, ..
            } => entries.is_empty() || *periodic,
            Msg::AppendReply { success, .. } => *success,
            _ => false,
        }
    }

    fn new(id: NodeId, n: usize, _config: &RaftConfig) -> Self {
        Self::boot(id, n, Disk::default())
    }

    fn durable(&self) -> &Disk {
        &self.disk
    }

    fn recover(id: NodeId, n: usize, config: &RaftConfig, mut disk: Disk) -> Self {
        if !config.durable_vote {
            disk.voted_for = None;
        }
        Self::boot(id, n, disk)
    }

    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        self.arm_election(None, cx);
        if !self.disk.log.is_empty() || self.disk.term > 0 {
            cx.note(format!(
                "{} starts as a follower in term {} with {} log entries; it knows nothing committed until a leader tells it",
                self.id,
                self.disk.term,
                self.disk.log.len()
            ));
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        match msg {
            Msg::RequestVote {
                term,
                last_index,
                last_term,
                pre,
            } => self.on_request_vote(from, (term, last_index, last_term, pre), cx),
            Msg::Vote {
                term,
                asked,
                granted,
                pre,
            } => self.on_vote(from, term, asked, granted, pre, cx),
            Msg::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
                round,
                ..
            } => self.on_append(
                from, term, prev_index, prev_term, entries, commit, round, cx,
            ),
            Msg::AppendReply {
                term,
                asked,
                success,
                matched,
                hint,
                round,
            } => self.on_append_reply(from, (term, asked, success, matched, hint, round), cx),
        }
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx<'_, Self>) {
        match timer {
            Timer::Election => {
                self.election = None;
                if !self.is_leader() {
                    self.time_out(cx);
                }
            }
            Timer::Heartbeat => {
                if self.is_leader() {
                    if cx.config().check_quorum && self.quorum.is_none() {
                        if let Role::Leader(l) = &mut self.role {
                            l.heard.clear();
                        }
                        self.quorum = Some(cx.set_timer(cx.config().election.1, Timer::Quorum));
                    }
                    self.broadcast_append(true, cx);
                    self.heartbeat =
                        Some(cx.set_timer(cx.config().heartbeat_every, Timer::Heartbeat));
                }
            }
            Timer::Quorum => {
                let majority = self.majority();
                let on = cx.config().check_quorum;
                let Role::Leader(l) = &mut self.role else {
                    return;
                };
                if !on {
                    // Turned off since: the heartbeat re-arms it if it
                    // comes back on.
                    self.quorum = None;
                    return;
                }
                let mut heard: Vec<NodeId> = l.heard.iter().copied().collect();
                heard.push(self.id);
                heard.sort();
                l.heard.clear();
                if heard.len() < majority {
                    let names: Vec<String> = heard.iter().map(|h| h.to_string()).collect();
                    let why = format!(
                        "check-quorum: in the last {} ms it heard only from {} ({majority} of {} needed)",
                        cx.config().election.1,
                        names.join(", "),
                        self.n
                    );
                    self.quorum = None;
                    self.step_down(self.disk.term, &why, cx);
                    self.leader = None;
                } else {
                    self.quorum = Some(cx.set_timer(cx.config().election.1, Timer::Quorum));
                }
            }
        }
    }

    fn on_client(&mut self, op: ClientOp<RaftOp>, cx: &mut Cx<'_, Self>) {
        let reads = cx.config().reads;
        if !self.is_leader() {
            let reason = self.redirect();
            cx.complete(op.id, OpOutcome::Failed { reason }, "");
            return;
        }
        let cmd = match op.kind {
            RaftOp::Write { key, value } => Cmd::Write { key, value },
            RaftOp::Cas { key, expect, new } => Cmd::Cas { key, expect, new },
            RaftOp::Read { key } if reads == ReadMode::Log => Cmd::Read { key },
            RaftOp::Read { key } if reads == ReadMode::Local => {
                let value = self.store.get(&key).copied();
                cx.complete(
                    op.id,
                    OpOutcome::Ok { value },
                    format!(
                        "local read: {} believes it leads term {} and answered from its own copy without checking",
                        self.id, self.disk.term
                    ),
                );
                return;
            }
            RaftOp::Read { key } => {
                let Role::Leader(l) = &mut self.role else {
                    return;
                };
                l.round += 1;
                let round = l.round;
                self.reads.push(PendingRead {
                    op: op.id,
                    key,
                    round,
                });
                cx.note(format!(
                    "{} holds the read until a majority answers heartbeat round {round} (ReadIndex)",
                    self.id
                ));
                self.broadcast_append(false, cx);
                self.serve_reads(cx);
                return;
            }
            RaftOp::Timeout | RaftOp::Align | RaftOp::Spread => return,
        };
        let what = cmd.to_string();
        let i = self.append(cmd, Some(op.id));
        self.waiting.insert(op.id);
        cx.note(format!(
            "{} appends {what} at index {i} (term {}); it answers once the entry is committed",
            self.id, self.disk.term
        ));
        self.send_news(cx);
        self.advance_commit(cx);
    }

    fn on_nudge(&mut self, op: RaftOp, cx: &mut Cx<'_, Self>) {
        if self.is_leader() {
            cx.note(format!(
                "{} leads term {}: a leader has no election timer",
                self.id, self.disk.term
            ));
            return;
        }
        match op {
            RaftOp::Timeout => self.time_out(cx),
            RaftOp::Align => {
                let len = cx.config().election.0;
                self.arm_election(Some(len), cx);
                cx.note(format!("{}'s election timer restarts at {len} ms", self.id));
            }
            RaftOp::Spread => {
                let (lo, hi) = cx.config().election;
                let len = cx.random_range(lo, hi);
                self.arm_election(Some(len), cx);
                cx.note(format!("{}'s election timer restarts at {len} ms", self.id));
            }
            _ => {}
        }
    }

    fn role(&self) -> String {
        self.role_name().into()
    }

    fn state(&self, _config: &Self::Config) -> Vec<(String, String)> {
        let mut s = vec![
            ("term".to_string(), self.disk.term.to_string()),
            (
                "vote".to_string(),
                self.disk
                    .voted_for
                    .map_or("—".to_string(), |v| v.to_string()),
            ),
            (
                "log".to_string(),
                format!(
                    "{} (t{}) commit {}",
                    self.disk.last_index(),
                    self.disk.last_term(),
                    self.commit
                ),
            ),
        ];
        s.extend(self.store.iter().map(|(k, v)| (k.clone(), v.to_string())));
        s
    }

    fn settings() -> &'static [Setting<RaftConfig>] {
        SETTINGS
    }
}
