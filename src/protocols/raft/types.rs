//! Raft's vocabulary: log entries, messages, timers and client operations.

use std::fmt;

use crate::sim::{ArgSpec, NodeId, OpId, OpSpec, Scope, Value};

/// What a log entry asks the state machine to do.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cmd {
    /// The empty entry a new leader appends so that an entry of its own
    /// term can commit (and with it every earlier one).
    Noop,
    Write {
        key: String,
        value: Value,
    },
    Cas {
        key: String,
        expect: Value,
        new: Value,
    },
    /// A read that goes through the log (read mode `log`).
    Read {
        key: String,
    },
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cmd::Noop => write!(f, "no-op"),
            Cmd::Write { key, value } => write!(f, "{key}={value}"),
            Cmd::Cas { key, expect, new } => write!(f, "cas {key} {expect}→{new}"),
            Cmd::Read { key } => write!(f, "read {key}"),
        }
    }
}

/// One log entry: the term of the leader that created it, the command, and
/// the client operation it answers (so whichever node the client asked can
/// answer once the entry is applied).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    pub term: u64,
    pub cmd: Cmd,
    pub op: Option<OpId>,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@t{}", self.cmd, self.term)
    }
}

/// What survives a crash: the three things Figure 2 makes persistent.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Disk {
    pub term: u64,
    pub voted_for: Option<NodeId>,
    /// Entry `i` (from 1) is `log[i - 1]`.
    pub log: Vec<Entry>,
}

impl Disk {
    pub fn last_index(&self) -> u64 {
        self.log.len() as u64
    }
    /// The term of entry `i`; 0 for index 0 (before the log).
    pub fn term_at(&self, i: u64) -> u64 {
        if i == 0 {
            0
        } else {
            self.log.get(i as usize - 1).map_or(0, |e| e.term)
        }
    }
    pub fn last_term(&self) -> u64 {
        self.term_at(self.last_index())
    }
    pub fn entry(&self, i: u64) -> Option<&Entry> {
        if i == 0 {
            None
        } else {
            self.log.get(i as usize - 1)
        }
    }
}

#[derive(Clone, Debug)]
pub enum Msg {
    /// RequestVote, or with `pre` the pre-vote that asks "would you vote
    /// for me in `term`?" without anyone changing term.
    RequestVote {
        term: u64,
        last_index: u64,
        last_term: u64,
        pre: bool,
    },
    /// The reply: `term` is the voter's current term; `asked` the term the
    /// vote was asked for.
    Vote {
        term: u64,
        asked: u64,
        granted: bool,
        pre: bool,
    },
    /// AppendEntries (a heartbeat when `entries` is empty). `round` numbers
    /// the leader's heartbeat rounds, so a ReadIndex read knows which
    /// replies came after it. `periodic`: sent by the heartbeat timer (a
    /// resend, for the event log's filter), not on news; no follower reads it.
    Append {
        term: u64,
        prev_index: u64,
        prev_term: u64,
        entries: Vec<Entry>,
        commit: u64,
        round: u64,
        periodic: bool,
    },
    /// The reply. On success `matched` is the last index the request
    /// covered (prev + entries), so the leader learns exactly what it sent
    /// and nothing it merely hopes. On failure `hint` is where the leader
    /// should try next.
    AppendReply {
        term: u64,
        /// The term of the request answered: a reply to an older term's
        /// request says nothing about the leader's current round.
        asked: u64,
        success: bool,
        matched: u64,
        hint: u64,
        round: u64,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::RequestVote {
                term,
                last_index,
                last_term,
                pre,
            } => write!(
                f,
                "{}(t{term}, log t{last_term} i{last_index})",
                if *pre { "PreVote" } else { "RequestVote" }
            ),
            Msg::Vote {
                term,
                asked,
                granted,
                pre,
            } => write!(
                f,
                "{}(t{asked}, {}, voter t{term})",
                if *pre { "PreVoteReply" } else { "Vote" },
                if *granted { "yes" } else { "no" }
            ),
            Msg::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
                ..
            } => {
                if entries.is_empty() {
                    write!(
                        f,
                        "Heartbeat(t{term}, after i{prev_index}@t{prev_term}, commit {commit})"
                    )
                } else {
                    // A catch-up batch shows its ends, not every entry.
                    write!(f, "Append(t{term}, after i{prev_index}@t{prev_term}: ")?;
                    match entries.as_slice() {
                        [one] => write!(f, "{one}")?,
                        [a, b] => write!(f, "{a}, {b}")?,
                        [first, .., last] => {
                            write!(f, "{} entries {first} … {last}", entries.len())?
                        }
                        [] => {}
                    }
                    write!(f, ", commit {commit})")
                }
            }
            Msg::AppendReply {
                term,
                success,
                matched,
                hint,
                ..
            } => {
                if *success {
                    write!(f, "AppendOk(t{term}, has up to i{matched})")
                } else {
                    write!(f, "AppendNo(t{term}, try from i{hint})")
                }
            }
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    /// Follower or candidate: no leader heard for an election timeout.
    Election,
    /// Leader: send heartbeats (and whatever a follower still lacks).
    Heartbeat,
    /// Leader with check-quorum: did a majority answer in the last timeout?
    Quorum,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Election => write!(f, "election timeout"),
            Timer::Heartbeat => write!(f, "heartbeat"),
            Timer::Quorum => write!(f, "check quorum"),
        }
    }
}

/// The replicated key-value map's client operations, and the learner's
/// reaches into the election timers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RaftOp {
    Write {
        key: String,
        value: Value,
    },
    Read {
        key: String,
    },
    Cas {
        key: String,
        expect: Value,
        new: Value,
    },
    /// The node's election timer fires now.
    Timeout,
    /// Every timer restarts at the same fixed length (split votes).
    Align,
    /// Every timer restarts at a fresh random length.
    Spread,
}

pub const OPS: &[OpSpec] = &[
    super::super::register::OPS[0],
    super::super::register::OPS[1],
    OpSpec {
        verb: "cas",
        args: &[ArgSpec::Key, ArgSpec::Int, ArgSpec::Int],
        usage: "cas nN key EXPECTED NEW",
        help: "compare-and-set through a node: committed through the log, it sets key to NEW only if it holds EXPECTED",
        key: None,
        label: "cas",
        scope: Scope::Client,
    },
    OpSpec {
        verb: "timeout",
        args: &[],
        usage: "timeout nN",
        help: "the selected node's election timer fires now: it starts an election (or a pre-vote)",
        key: Some('e'),
        label: "elect",
        scope: Scope::Node,
    },
    OpSpec {
        verb: "align",
        args: &[],
        usage: "align",
        help: "restart every running node's election timer at the same fixed length: they time out together (split vote)",
        key: Some('A'),
        label: "align",
        scope: Scope::Cluster,
    },
    OpSpec {
        verb: "spread",
        args: &[],
        usage: "spread",
        help: "restart every running node's election timer at a fresh random length",
        key: Some('z'),
        label: "spread",
        scope: Scope::Cluster,
    },
];
