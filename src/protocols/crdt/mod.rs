//! State-based CRDT replication: every replica accepts every update at once
//! (no coordination, always available) and gossips its whole state to the
//! others; a receiver merges it in. Because a merge is commutative,
//! associative and idempotent, replicas that have exchanged states hold the
//! same state, whatever the order, loss or duplication of the gossip.
//!
//! One engine, [`CrdtNode`], runs every data type; a type implements
//! [`Crdt`]: its operations, its local update, its merge and how it shows
//! its internals. The engine records each merge that changed a replica
//! (before, incoming, after) for the CRDT pane, and the dot each update
//! minted for the "no dot reused" invariant. Counters can also run
//! op-based (`delivery=op`): each update is sent once, as an operation.
//!
//! Block 6's CRDTs run here, and so do block 4's last-writer-wins store and
//! versioned cart: they too are states that replicas merge.

mod config;
mod counters;
mod ledger;
mod lww_store;
mod registers;
mod sets;
mod text;
mod versions;

use std::fmt;

pub use config::CrdtConfig;
pub use counters::{Counter, Pn};
pub use ledger::Ledger;
pub use lww_store::{LwwStore, Made, Stamped, StoreOp};
pub use registers::{Lww, Mv, Written};
pub use sets::Cart;
pub use text::{Doc, Interleaving, TextOp};
pub use versions::{Dynamo, Version};

use crate::model::Dot;
use crate::sim::{
    Arg, ArgSpec, ClientOp, Cx, Millis, Node, NodeId, OpKind, OpOutcome, OpSpec, Scope, Setting,
    Value,
};

/// A replicated data type the engine can run.
pub trait Crdt: Clone + fmt::Debug + PartialEq + Default + 'static {
    type Op: Clone + fmt::Debug;
    /// What the replicas hold, for node boxes and histories: `count`, `cart`.
    const LABEL: &'static str;
    /// The type's name: `OR-Set`.
    const NAME: &'static str;
    /// Its operations, [`READ`] and [`SYNC`] included.
    fn operations() -> &'static [OpSpec];
    /// Its settings, the engine's gossip and restart ones included.
    fn settings() -> &'static [Setting<CrdtConfig>];
    /// The type's own operation for a declared verb (not read or sync).
    fn parse(verb: &str, args: &[Arg]) -> Result<Self::Op, String>;
    /// `add milk`, for the history and the trace.
    fn describe(op: &Self::Op) -> String;
    /// Applies an update made at replica `me`; `Err` says why the
    /// application refused it (nothing changes then).
    fn update(&mut self, me: NodeId, op: &Self::Op, env: &Env<'_>) -> Result<Local, String>;
    fn merge(&mut self, other: &Self, config: &CrdtConfig);
    /// What a read returns: a number when the value is one (for the
    /// history), and the value in words.
    fn read(&self, config: &CrdtConfig) -> (Option<Value>, String);
    /// What a replica's box shows, as (key, value) pairs.
    fn shown(&self, config: &CrdtConfig) -> Vec<(String, String)> {
        vec![(Self::LABEL.into(), self.read(config).1)]
    }
    /// A few words for a gossip message carrying this state.
    fn brief(&self) -> String {
        format!("{}={}", Self::LABEL, self.read(&CrdtConfig::default()).1)
    }
    /// The internal state as labelled parts, for the CRDT pane: per-replica
    /// counts, each element's tags, the tombstones, siblings with dots.
    fn facets(&self, config: &CrdtConfig) -> Vec<(String, String)>;
    /// A check of the state's own consistency (two representations that
    /// must agree); `Err` says how it broke.
    fn consistent(&self) -> Result<(), String> {
        Ok(())
    }
    /// Op-based delivery: applies the effect of `op`, made at `origin`,
    /// received in a message; `None` if the type has no op-based form.
    /// Unlike a merge, applying an effect twice counts it twice.
    fn apply_remote(&mut self, _origin: NodeId, _op: &Self::Op) -> Option<String> {
        None
    }
}

/// What an update may read besides the state: the replica's own wall clock
/// and the cluster's settings.
pub struct Env<'a> {
    pub clock: Millis,
    /// Virtual time: never for decisions, only for the simulator's own
    /// records that checkers read (when a write was made).
    pub now: Millis,
    pub config: &'a CrdtConfig,
}

/// An update's result.
#[derive(Clone, Debug)]
pub struct Local {
    /// For the client and the trace: "added milk with tag n1#2".
    pub note: String,
    /// The dots the update minted. They must never have been minted before.
    pub minted: Option<Minted>,
}

/// The dots one update minted: `actor`'s counters `first..=last` of one
/// kind (`tag`, `P`, `N`, `write`, `char`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Minted {
    pub kind: &'static str,
    pub actor: NodeId,
    pub first: u64,
    pub last: u64,
}

impl Minted {
    pub fn one(kind: &'static str, dot: Dot<NodeId>) -> Self {
        Self {
            kind,
            actor: dot.actor,
            first: dot.counter,
            last: dot.counter,
        }
    }
}

pub const READ: OpSpec = OpSpec {
    verb: "read",
    args: &[],
    usage: "read nN",
    help: "client read of the value at the selected replica (answered from its own state)",
    key: Some('r'),
    label: "read",
    scope: Scope::Client,
};

pub const SYNC: OpSpec = OpSpec {
    verb: "sync",
    args: &[],
    usage: "sync nN",
    help: "sync now: the selected replica sends its state to every replica it can reach, and each merges it and answers with its own",
    key: Some('s'),
    label: "sync",
    scope: Scope::Node,
};

/// Shorthands for the types' declarations.
pub(crate) const WORD: &[ArgSpec] = &[ArgSpec::Word];

/// An operation of a CRDT scenario.
#[derive(Clone, Debug)]
pub enum CrdtOp<O> {
    Read,
    Sync,
    Update(O),
}

#[derive(Clone, Debug)]
pub enum Msg<T: Crdt> {
    /// A replica's whole state. `reply`: the answer to a sync, which is
    /// not answered again.
    State { state: T, reply: bool },
    /// `delivery=op`: one update, made at `origin`, for the receiver to
    /// apply as its effect.
    Op { origin: NodeId, op: T::Op },
}

impl<T: Crdt> fmt::Display for Msg<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::State { state, reply } => {
                let what = if *reply { "State reply" } else { "State" };
                write!(f, "{what}({})", state.brief())
            }
            Msg::Op { origin, op } => write!(f, "Op({} at {origin})", T::describe(op)),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    Gossip,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gossip")
    }
}

/// What a replica keeps on disk.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Disk<T> {
    pub state: T,
}

/// One merge that changed a replica, for the CRDT pane.
#[derive(Clone, Debug)]
pub struct MergeRecord<T> {
    pub at: NodeId,
    pub from: NodeId,
    pub time: Millis,
    pub before: T,
    pub incoming: T,
    pub after: T,
}

#[derive(Debug)]
pub struct CrdtNode<T: Crdt> {
    id: NodeId,
    disk: Disk<T>,
    /// The last merge here that changed something (volatile).
    last_merge: Option<MergeRecord<T>>,
    /// What the last client update minted, cleared by every client request.
    last_mint: Option<Minted>,
}

impl<T: Crdt> CrdtNode<T> {
    pub fn crdt(&self) -> &T {
        &self.disk.state
    }
    pub fn last_merge(&self) -> Option<&MergeRecord<T>> {
        self.last_merge.as_ref()
    }
    /// What the client request this node handled last minted, if anything.
    pub fn last_mint(&self) -> Option<Minted> {
        self.last_mint
    }

    /// Merges a state that differs from this replica's; returns whether the
    /// result holds something `incoming` lacks (so the sender should hear
    /// back).
    fn absorb(&mut self, from: NodeId, incoming: T, cx: &mut Cx<'_, Self>) -> bool {
        let before = self.disk.state.clone();
        self.disk.state.merge(&incoming, cx.config());
        let lacks = self.disk.state != incoming;
        if self.disk.state == before {
            return lacks;
        }
        let (_, was) = before.read(cx.config());
        let (_, now) = self.disk.state.read(cx.config());
        cx.note(if was == now {
            format!(
                "merged {from}'s state: {} still {now}, its internal state changed",
                T::LABEL
            )
        } else {
            format!("merged {from}'s state: {} {was} → {now}", T::LABEL)
        });
        self.last_merge = Some(MergeRecord {
            at: self.id,
            from,
            time: cx.now(),
            before,
            incoming,
            after: self.disk.state.clone(),
        });
        lacks
    }

    fn push_all(&self, cx: &mut Cx<'_, Self>) {
        cx.broadcast(Msg::State {
            state: self.disk.state.clone(),
            reply: false,
        });
    }
}

impl<T: Crdt> Node for CrdtNode<T> {
    type Msg = Msg<T>;
    type Timer = Timer;
    type Durable = Disk<T>;
    type Config = CrdtConfig;
    type Op = CrdtOp<T::Op>;

    fn operations() -> &'static [OpSpec] {
        T::operations()
    }

    fn operation(verb: &str, args: &[Arg]) -> Result<Self::Op, String> {
        Ok(match verb {
            "read" => CrdtOp::Read,
            "sync" => CrdtOp::Sync,
            _ => CrdtOp::Update(T::parse(verb, args)?),
        })
    }

    fn model(op: &Self::Op) -> OpKind {
        OpKind::Other {
            key: T::LABEL.into(),
            what: match op {
                CrdtOp::Read => format!("read {}", T::LABEL),
                CrdtOp::Sync => "sync".into(),
                CrdtOp::Update(o) => T::describe(o),
            },
        }
    }

    fn routine(msg: &Self::Msg) -> bool {
        matches!(msg, Msg::State { reply: false, .. })
    }

    fn settings() -> &'static [Setting<CrdtConfig>] {
        T::settings()
    }

    fn new(id: NodeId, _n: usize, _config: &CrdtConfig) -> Self {
        Self {
            id,
            disk: Disk::default(),
            last_merge: None,
            last_mint: None,
        }
    }

    fn durable(&self) -> &Disk<T> {
        &self.disk
    }

    /// With `restart=amnesia` the disk is gone: the replica starts empty and
    /// counts its dots from zero again, which is the bug that setting shows.
    fn recover(id: NodeId, n: usize, config: &CrdtConfig, disk: Disk<T>) -> Self {
        let mut node = Self::new(id, n, config);
        if config.durable {
            node.disk = disk;
        }
        node
    }

    /// The first round comes a full period after the start (plus jitter),
    /// so updates made in the first period stay local until then.
    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        let every = cx.config().gossip_every;
        let first = every + cx.random_range(1, every / 4);
        cx.set_timer(first, Timer::Gossip);
    }

    fn on_message(&mut self, from: NodeId, msg: Self::Msg, cx: &mut Cx<'_, Self>) {
        let (state, reply) = match msg {
            Msg::State { state, reply } => (state, reply),
            Msg::Op { origin, op } => {
                if let Some(what) = self.disk.state.apply_remote(origin, &op) {
                    cx.note(format!("applied {origin}'s {}: {what}", T::describe(&op)));
                }
                return;
            }
        };
        // Most gossip brings nothing new: compare before any copying.
        if state == self.disk.state {
            return;
        }
        let lacks = self.absorb(from, state, cx);
        // Answer a sync with what the asker lacks, once.
        if !reply && lacks {
            cx.send(
                from,
                Msg::State {
                    state: self.disk.state.clone(),
                    reply: true,
                },
            );
        }
    }

    fn on_timer(&mut self, _timer: Timer, cx: &mut Cx<'_, Self>) {
        // Op-based replicas send each update once, as it happens.
        if cx.config().gossip && !cx.config().op_based {
            self.push_all(cx);
        }
        // ±12.5% jitter keeps replicas from gossiping in lockstep.
        let every = cx.config().gossip_every;
        let next = every - every / 8 + cx.random_range(0, every / 4);
        cx.set_timer(next, Timer::Gossip);
    }

    fn on_nudge(&mut self, op: Self::Op, cx: &mut Cx<'_, Self>) {
        if let CrdtOp::Sync = op {
            self.push_all(cx);
        }
    }

    fn on_client(&mut self, op: ClientOp<Self::Op>, cx: &mut Cx<'_, Self>) {
        self.last_mint = None;
        match op.kind {
            CrdtOp::Read | CrdtOp::Sync => {
                let (value, text) = self.disk.state.read(cx.config());
                cx.complete(
                    op.id,
                    OpOutcome::Ok { value },
                    format!("{} is {text} at {}", T::LABEL, self.id),
                );
            }
            CrdtOp::Update(o) => {
                let env = Env {
                    clock: cx.local_clock(),
                    now: cx.now(),
                    config: cx.config(),
                };
                match self.disk.state.update(self.id, &o, &env) {
                    Ok(local) => {
                        self.last_mint = local.minted;
                        cx.note(local.note.clone());
                        if cx.config().op_based {
                            cx.broadcast(Msg::Op {
                                origin: self.id,
                                op: o.clone(),
                            });
                        }
                        cx.complete(op.id, OpOutcome::Ok { value: None }, local.note);
                    }
                    Err(reason) => cx.complete(op.id, OpOutcome::Failed { reason }, String::new()),
                }
            }
        }
    }

    fn role(&self) -> String {
        "replica".into()
    }

    fn state(&self, config: &CrdtConfig) -> Vec<(String, String)> {
        self.disk.state.shown(config)
    }
}
