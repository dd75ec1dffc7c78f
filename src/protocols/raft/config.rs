//! Raft's cluster-wide settings, each declared once.

use crate::sim::{Millis, Setting, words};

/// How a read is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadMode {
    /// Appended to the log like a write, answered when applied: always
    /// linearizable, and as slow as a write.
    Log,
    /// The leader notes its commit index, confirms with a heartbeat round
    /// that a majority still follows it, then answers from its state
    /// machine (Raft paper §8): linearizable without a log entry.
    ReadIndex,
    /// Whoever believes it is leader answers at once from its own state:
    /// a deposed leader cut off in a minority serves stale values, and so
    /// does a new leader before its first entry commits.
    Local,
}

impl ReadMode {
    pub fn name(self) -> &'static str {
        match self {
            ReadMode::Log => "log",
            ReadMode::ReadIndex => "read-index",
            ReadMode::Local => "local",
        }
    }
}

/// Which entries a leader may mark committed by counting replicas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommitRule {
    /// Only entries of its own term (Figure 2; earlier ones commit with them).
    Paper,
    /// Any entry stored on a majority: the mistake Figure 8 shows.
    Naive,
}

#[derive(Clone, Debug)]
pub struct RaftConfig {
    /// Election timeouts are drawn from this range (inclusive).
    pub election: (Millis, Millis),
    pub heartbeat_every: Millis,
    /// Off: every timeout is `election.0`, so nodes that start together
    /// time out together, forever (split-vote livelock).
    pub randomize: bool,
    pub reads: ReadMode,
    pub pre_vote: bool,
    pub check_quorum: bool,
    pub commit_rule: CommitRule,
    /// A new leader appends an empty entry of its term at once.
    pub noop: bool,
    /// Off: `votedFor` is lost in a crash (a broken implementation), so a
    /// restarted node can vote twice in one term.
    pub durable_vote: bool,
}

impl Default for RaftConfig {
    fn default() -> Self {
        Self {
            election: (150, 300),
            heartbeat_every: 50,
            randomize: true,
            reads: ReadMode::Log,
            pre_vote: false,
            check_quorum: false,
            commit_rule: CommitRule::Paper,
            noop: true,
            durable_vote: true,
        }
    }
}

fn on_off(value: &str, name: &str) -> Result<bool, String> {
    match value {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(format!("'{value}' is not a value of {name}: use on or off")),
    }
}

fn word(b: bool) -> String {
    if b { "on" } else { "off" }.into()
}

pub const SETTINGS: &[Setting<RaftConfig>] = &[
    Setting {
        name: "reads",
        key: Some('m'),
        help: "how reads are served: log (through the log, like a write), read-index (the leader confirms it still leads, then answers), local (whoever thinks it leads answers at once: a deposed leader, or a new one whose first entry has not committed, can be stale)",
        choices: |_| words(&["log", "read-index", "local"]),
        value: |c| c.reads.name().into(),
        apply: |c, v| {
            c.reads = match v {
                "log" => ReadMode::Log,
                "read-index" | "readindex" => ReadMode::ReadIndex,
                "local" | "unsafe" => ReadMode::Local,
                _ => {
                    return Err(format!(
                        "'{v}' is not a read mode: use log, read-index or local"
                    ));
                }
            };
            Ok(match c.reads {
                ReadMode::Log => "reads now go through the log: appended, committed and applied like a write (always linearizable)".into(),
                ReadMode::ReadIndex => "reads now use ReadIndex: the leader notes its commit index, confirms with a heartbeat round that a majority still follows it, then answers".into(),
                ReadMode::Local => "reads are now local: whoever believes it is leader answers at once from its own copy, without checking (a deposed leader can serve stale values)".into(),
            })
        },
    },
    Setting {
        name: "pre-vote",
        key: Some('v'),
        help: "pre-vote: a node first asks whether it could win before raising its term, so a node returning from a partition does not depose a healthy leader",
        choices: |_| words(&["off", "on"]),
        value: |c| word(c.pre_vote),
        apply: |c, v| {
            c.pre_vote = on_off(v, "pre-vote")?;
            Ok(if c.pre_vote {
                "pre-vote is on: a node asks \"would you vote for me?\" before raising its term; nodes that hear a leader say no".into()
            } else {
                "pre-vote is off: a node that times out raises its term at once (a cut-off node's term climbs, and deposes the leader when it returns)".into()
            })
        },
    },
    Setting {
        name: "check-quorum",
        key: Some('Q'),
        help: "check-quorum: every 300 ms (the longest election timeout) a leader counts who answered it since the last count, and steps down without a majority",
        choices: |_| words(&["off", "on"]),
        value: |c| word(c.check_quorum),
        apply: |c, v| {
            c.check_quorum = on_off(v, "check-quorum")?;
            Ok(if c.check_quorum {
                "check-quorum is on: every 300 ms a leader counts who answered it, and steps down if it is not a majority".into()
            } else {
                "check-quorum is off: a leader cut off in a minority goes on believing it leads"
                    .into()
            })
        },
    },
    Setting {
        name: "timeouts",
        key: Some('T'),
        help: "election timeouts: random (each drawn from 150-300 ms) or fixed (all 150 ms: nodes that time out together keep splitting the vote)",
        choices: |_| words(&["random", "fixed"]),
        value: |c| if c.randomize { "random" } else { "fixed" }.into(),
        apply: |c, v| {
            c.randomize = match v {
                "random" => true,
                "fixed" => false,
                _ => {
                    return Err(format!(
                        "'{v}' is not a timeout choice: use random or fixed"
                    ));
                }
            };
            Ok(if c.randomize {
                format!(
                    "election timeouts are random again ({}-{} ms): one node usually times out first and wins",
                    c.election.0, c.election.1
                )
            } else {
                format!(
                    "election timeouts are now fixed at {} ms: nodes whose timers started together time out together and split the vote, again and again",
                    c.election.0
                )
            })
        },
    },
    Setting {
        name: "commit-rule",
        key: None,
        help: "commit rule: paper (count replicas only for entries of the leader's own term) or naive (any entry on a majority: Figure 8's mistake)",
        choices: |_| words(&["paper", "naive"]),
        value: |c| match c.commit_rule {
            CommitRule::Paper => "paper".into(),
            CommitRule::Naive => "naive".into(),
        },
        apply: |c, v| {
            c.commit_rule = match v {
                "paper" => CommitRule::Paper,
                "naive" => CommitRule::Naive,
                _ => return Err(format!("'{v}' is not a commit rule: use paper or naive")),
            };
            Ok(match c.commit_rule {
                CommitRule::Paper => "commit rule is the paper's: a leader counts replicas only for entries of its own term".into(),
                CommitRule::Naive => "commit rule is NAIVE: a leader commits any entry stored on a majority, even one of an earlier term (unsafe: see Figure 8)".into(),
            })
        },
    },
    Setting {
        name: "noop",
        key: None,
        help: "no-op: a new leader appends an empty entry of its term at once, so earlier entries commit without waiting for a client",
        choices: |_| words(&["on", "off"]),
        value: |c| word(c.noop),
        apply: |c, v| {
            c.noop = on_off(v, "noop")?;
            Ok(if c.noop {
                "a new leader now appends a no-op entry of its term at once".into()
            } else {
                "a new leader no longer appends a no-op: entries of earlier terms wait for the first client command of its term".into()
            })
        },
    },
    Setting {
        name: "vote",
        key: None,
        help: "where votedFor lives: durable (on disk, as Figure 2 requires) or volatile (lost in a crash: a restarted node can vote twice in one term)",
        choices: |_| words(&["durable", "volatile"]),
        value: |c| {
            if c.durable_vote {
                "durable"
            } else {
                "volatile"
            }
            .into()
        },
        apply: |c, v| {
            c.durable_vote = match v {
                "durable" => true,
                "volatile" => false,
                _ => return Err(format!("'{v}' is not a choice: use durable or volatile")),
            };
            Ok(if c.durable_vote {
                "votedFor is durable again: a restarted node remembers whom it voted for".into()
            } else {
                "votedFor is now VOLATILE: a node that crashes forgets its vote and may vote again in the same term (unsafe)".into()
            })
        },
    },
];
