//! Session guarantees on top of lagging replicas.
//!
//! n1 is the primary: it orders every write in its log (position = LSN)
//! and ships new entries to the followers every 500 ms, so followers lag.
//! Any node accepts a client's write (a follower forwards it to the primary
//! and relays the answer) and serves reads from its own copy.
//!
//! The learner is **one client** that may talk to a different node each
//! time. It carries a **session token** (see `SessionToken`): `w`, the LSN
//! of its latest acknowledged write, and `r`, the newest log position of
//! any copy it has read from. Two guarantees can be switched on and off:
//! - **read your writes** (`ryw`): a node serves a read only once it has
//!   applied the log up to the token's `w`;
//! - **monotonic reads** (`mr`): only once it has applied up to `r`.
//!
//! A node that is behind **waits** for the shipments to catch it up (up to
//! 800 ms), then refuses rather than answer from the past. With a guarantee
//! off the node answers at once from its stale copy: "I wrote it and it's
//! gone", and "time went backwards".

use std::collections::BTreeMap;
use std::fmt;

use super::register::RegisterOp;
use crate::sim::{
    ClientOp, Cx, Millis, Node, NodeId, OpId, OpOutcome, SessionToken, Setting, TimerId, Value,
    fmt_ms, words,
};

/// The primary.
pub const PRIMARY: NodeId = NodeId(1);

fn parse_on(value: &str) -> Result<bool, String> {
    match value {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(format!("'{value}' is not on or off")),
    }
}

const SETTINGS: &[Setting<SessionConfig>] = &[
    Setting {
        name: "ryw",
        key: Some('y'),
        help: "read your writes: a node behind the client's last write waits (then refuses) instead of answering",
        choices: |_| words(&["on", "off"]),
        value: |c| on_off(c.ryw).into(),
        apply: |c, value| {
            c.ryw = parse_on(value)?;
            Ok(format!(
                "read-your-writes is now {}: {}",
                on_off(c.ryw),
                if c.ryw {
                    "a node behind the client's last write waits before answering"
                } else {
                    "any node answers from its copy, however far behind"
                }
            ))
        },
    },
    Setting {
        name: "mr",
        key: Some('m'),
        help: "monotonic reads: a node behind what the client already read waits (then refuses) instead of answering",
        choices: |_| words(&["on", "off"]),
        value: |c| on_off(c.mr).into(),
        apply: |c, value| {
            c.mr = parse_on(value)?;
            Ok(format!(
                "monotonic reads are now {}: {}",
                on_off(c.mr),
                if c.mr {
                    "a node behind what the client already read waits before answering"
                } else {
                    "a read may return something older than an earlier read"
                }
            ))
        },
    },
    Setting {
        name: "guarantees",
        key: None,
        help: "both session guarantees at once (scripts only)",
        choices: |_| words(&["on", "off"]),
        value: |c| on_off(c.ryw && c.mr).into(),
        apply: |c, value| {
            let on = parse_on(value)?;
            c.ryw = on;
            c.mr = on;
            Ok(format!("both session guarantees are now {}", on_off(on)))
        },
    },
];

#[derive(Clone, Debug)]
pub struct SessionConfig {
    pub ryw: bool,
    pub mr: bool,
    pub ship_every: Millis,
    /// How long a node that is behind the session waits before refusing.
    pub wait_max: Millis,
}

impl SessionConfig {
    pub fn new(on: bool) -> Self {
        Self {
            ryw: on,
            mr: on,
            ship_every: 500,
            wait_max: 800,
        }
    }
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub lsn: u64,
    pub key: String,
    pub value: Value,
    /// The client operation that wrote it, so a duplicated forward is
    /// recognised and not written twice.
    pub op: OpId,
}

#[derive(Clone, Debug)]
pub enum Msg {
    /// Primary → follower: entries after `after`.
    Ship { after: u64, entries: Vec<Entry> },
    /// Follower → primary: "I have applied up to `lsn`".
    Applied { lsn: u64 },
    /// Follower → primary: a client's write.
    Forward { op: OpId, key: String, value: Value },
    /// Primary → follower: the forwarded write is at `lsn`.
    Written { op: OpId, lsn: u64 },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Ship { after, entries } if entries.is_empty() => write!(f, "Ship(at {after})"),
            Msg::Ship { entries, .. } => {
                let e: Vec<String> = entries
                    .iter()
                    .map(|e| format!("{}={}@{}", e.key, e.value, e.lsn))
                    .collect();
                write!(f, "Ship({})", e.join(", "))
            }
            Msg::Applied { lsn } => write!(f, "Applied(up to {lsn})"),
            Msg::Forward { op, key, value } => write!(f, "Forward(op {}: {key}={value})", op.0),
            Msg::Written { op, lsn } => write!(f, "Written(op {} at LSN {lsn})", op.0),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    Ship,
    /// A waiting read gives up.
    GiveUp {
        op: OpId,
    },
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Ship => write!(f, "ship"),
            Timer::GiveUp { op } => write!(f, "op {} waited too long", op.0),
        }
    }
}

#[derive(Debug)]
struct Waiting {
    op: OpId,
    key: String,
    need: u64,
    why: &'static str,
    since: Millis,
    timer: TimerId,
}

#[derive(Debug)]
pub struct SessionNode {
    id: NodeId,
    /// The applied log (durable).
    log: Vec<Entry>,
    store: BTreeMap<String, (Value, u64)>,
    /// Primary: what each follower has confirmed.
    applied_at: BTreeMap<NodeId, u64>,
    waiting: Vec<Waiting>,
}

impl SessionNode {
    pub fn applied(&self) -> u64 {
        self.log.len() as u64
    }
    /// Key → (value, LSN of the write that set it).
    pub fn store(&self) -> &BTreeMap<String, (Value, u64)> {
        &self.store
    }

    fn append(&mut self, e: Entry) {
        self.store.insert(e.key.clone(), (e.value, e.lsn));
        self.log.push(e);
    }

    fn serve(&mut self, op: OpId, key: &str, waited: Option<Millis>, cx: &mut Cx<'_, Self>) {
        let got = self.store.get(key).copied();
        let applied = self.applied();
        let mut token = SessionToken::default();
        token.raise("r", applied);
        let waited = waited.map_or(String::new(), |t| format!(" after waiting {}", fmt_ms(t)));
        let what = if self.id == PRIMARY {
            "the primary"
        } else {
            "follower"
        };
        cx.complete_with_session(
            op,
            OpOutcome::Ok {
                value: got.map(|(v, _)| v),
            },
            format!(
                "served by {what} {} from its copy at LSN {applied}{waited}",
                self.id
            ),
            token,
        );
    }

    /// Serves every waiting read the log now covers.
    fn wake(&mut self, cx: &mut Cx<'_, Self>) {
        let applied = self.applied();
        let now = cx.now();
        let ready: Vec<Waiting> = {
            let (ready, rest) = std::mem::take(&mut self.waiting)
                .into_iter()
                .partition(|w| w.need <= applied);
            self.waiting = rest;
            ready
        };
        for w in ready {
            cx.cancel_timer(w.timer);
            self.serve(w.op, &w.key, Some(now - w.since), cx);
        }
    }

    fn ship(&self, cx: &mut Cx<'_, Self>) {
        let peers: Vec<NodeId> = cx.peers().collect();
        for p in peers {
            let after = self.applied_at.get(&p).copied().unwrap_or(0);
            let entries = self
                .log
                .iter()
                .skip(after as usize)
                .take(32)
                .cloned()
                .collect();
            cx.send(p, Msg::Ship { after, entries });
        }
    }

    fn write_at_primary(&mut self, op: OpId, key: String, value: Value) -> u64 {
        let lsn = self.applied() + 1;
        self.append(Entry {
            lsn,
            key,
            value,
            op,
        });
        lsn
    }
}

fn written(lsn: u64) -> SessionToken {
    let mut t = SessionToken::default();
    t.raise("w", lsn);
    t
}

impl Node for SessionNode {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Vec<Entry>;
    type Config = SessionConfig;
    super::register::register_operations!();

    /// Empty log shipments (every 0.5 s) and the replicas' progress
    /// reports; what a replica applies shows as its own note.
    fn routine(msg: &Msg) -> bool {
        match msg {
            Msg::Ship { entries, .. } => entries.is_empty(),
            Msg::Applied { .. } => true,
            _ => false,
        }
    }

    fn new(id: NodeId, _n: usize, _config: &SessionConfig) -> Self {
        Self {
            id,
            log: Vec::new(),
            store: BTreeMap::new(),
            applied_at: BTreeMap::new(),
            waiting: Vec::new(),
        }
    }

    fn durable(&self) -> &Vec<Entry> {
        &self.log
    }

    fn recover(id: NodeId, n: usize, config: &SessionConfig, log: Vec<Entry>) -> Self {
        let mut node = Self::new(id, n, config);
        for e in log {
            node.append(e);
        }
        node
    }

    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        if self.id == PRIMARY {
            let every = cx.config().ship_every;
            cx.set_timer(every, Timer::Ship);
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        match msg {
            Msg::Ship { after, entries } => {
                if after > self.applied() {
                    // A gap: say where we are, the next shipment fills it.
                    cx.send(from, Msg::Applied { lsn: self.applied() });
                    return;
                }
                let fresh: Vec<Entry> = entries
                    .into_iter()
                    .filter(|e| e.lsn > self.applied())
                    .collect();
                if !fresh.is_empty() {
                    let t: Vec<String> = fresh
                        .iter()
                        .map(|e| format!("{}={}@{}", e.key, e.value, e.lsn))
                        .collect();
                    cx.note(format!("applied {} (now at LSN {})", t.join(", "), fresh.last().map_or(0, |e| e.lsn)));
                    for e in fresh {
                        self.append(e);
                    }
                    self.wake(cx);
                }
                cx.send(from, Msg::Applied { lsn: self.applied() });
            }
            Msg::Applied { lsn } => {
                self.applied_at.insert(from, lsn);
            }
            Msg::Forward { op, key, value } => {
                if self.id == PRIMARY {
                    // The network may deliver a forward twice: write once.
                    if let Some(e) = self.log.iter().find(|e| e.op == op) {
                        let lsn = e.lsn;
                        cx.send(from, Msg::Written { op, lsn });
                        return;
                    }
                    let lsn = self.write_at_primary(op, key.clone(), value);
                    cx.note(format!("wrote {key}={value} at LSN {lsn} for {from}'s client"));
                    cx.send(from, Msg::Written { op, lsn });
                }
            }
            Msg::Written { op, lsn } => cx.complete_with_session(
                op,
                OpOutcome::Ok { value: None },
                format!("forwarded to the primary {PRIMARY}, written at LSN {lsn}; session token w={lsn}"),
                written(lsn),
            ),
        }
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx<'_, Self>) {
        match timer {
            Timer::Ship => {
                self.ship(cx);
                let every = cx.config().ship_every;
                cx.set_timer(every, Timer::Ship);
            }
            Timer::GiveUp { op } => {
                let Some(i) = self.waiting.iter().position(|w| w.op == op) else {
                    return;
                };
                let w = self.waiting.remove(i);
                let reason = format!(
                    "{} is at LSN {} but your session has {} LSN {}; it did not catch up within {}, so it refuses rather than answer from the past",
                    self.id,
                    self.applied(),
                    w.why,
                    w.need,
                    fmt_ms(cx.config().wait_max)
                );
                cx.complete(w.op, OpOutcome::Failed { reason }, "");
            }
        }
    }

    fn on_client(&mut self, op: ClientOp<RegisterOp>, cx: &mut Cx<'_, Self>) {
        match op.kind {
            RegisterOp::Write { key, value } => {
                if self.id == PRIMARY {
                    let lsn = self.write_at_primary(op.id, key, value);
                    cx.complete_with_session(
                        op.id,
                        OpOutcome::Ok { value: None },
                        format!("written by the primary at LSN {lsn}; followers get it with the next shipment; session token w={lsn}"),
                        written(lsn),
                    );
                } else {
                    cx.send(
                        PRIMARY,
                        Msg::Forward {
                            op: op.id,
                            key,
                            value,
                        },
                    );
                }
            }
            RegisterOp::Read { key } => {
                let (ryw, mr, wait) = {
                    let c = cx.config();
                    (c.ryw, c.mr, c.wait_max)
                };
                let (w, r) = (op.session.get("w"), op.session.get("r"));
                let mut need = (0, "");
                if ryw && w > need.0 {
                    need = (w, "written at");
                }
                if mr && r > need.0 {
                    need = (r, "already read at");
                }
                if need.0 <= self.applied() {
                    self.serve(op.id, &key, None, cx);
                    return;
                }
                cx.note(format!(
                    "is at LSN {} but the session has {} LSN {}: waits for the log to catch up",
                    self.applied(),
                    need.1,
                    need.0
                ));
                let timer = cx.set_timer(wait, Timer::GiveUp { op: op.id });
                self.waiting.push(Waiting {
                    op: op.id,
                    key,
                    need: need.0,
                    why: need.1,
                    since: cx.now(),
                    timer,
                });
            }
        }
    }

    fn role(&self) -> String {
        if self.id == PRIMARY {
            "primary".into()
        } else {
            "follower".into()
        }
    }

    fn state(&self, _config: &Self::Config) -> Vec<(String, String)> {
        self.store
            .iter()
            .map(|(k, (v, lsn))| (k.clone(), format!("{v} (LSN {lsn})")))
            .collect()
    }

    fn settings() -> &'static [Setting<SessionConfig>] {
        SETTINGS
    }
}
