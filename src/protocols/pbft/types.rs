//! PBFT's vocabulary: requests, messages, certificates, timers, the
//! byzantine strategies and the client operations.

use std::fmt;
use std::rc::Rc;

use crate::sim::{ArgSpec, NodeId, OpId, OpSpec, Scope, Value};

/// What the replicated key-value map is asked to do.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cmd {
    Write { key: String, value: Value },
    Read { key: String },
}

/// What a sequence number is assigned to. A client request is signed by
/// the client (modelled: replicas only ever carry requests a client sent),
/// so a primary can choose *which* request goes where, never invent one.
/// Messages carry the request itself where a real system sends its digest.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Req {
    /// The null request a new primary puts in a gap: executes as nothing.
    Null,
    Op {
        op: OpId,
        cmd: Cmd,
    },
}

impl Req {
    pub fn op(&self) -> Option<OpId> {
        match self {
            Req::Null => None,
            Req::Op { op, .. } => Some(*op),
        }
    }
    /// `op3 x=5`, `null`: short enough for a pane cell.
    pub fn short(&self) -> String {
        match self {
            Req::Null => "null".into(),
            Req::Op {
                cmd: Cmd::Write { key, value },
                ..
            } => format!("{key}={value}"),
            Req::Op {
                cmd: Cmd::Read { key },
                ..
            } => format!("rd {key}"),
        }
    }
}

impl fmt::Display for Req {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Req::Null => write!(f, "null"),
            Req::Op { op, .. } => write!(f, "op{} {}", op.0, self.short()),
        }
    }
}

/// A prepared certificate as a VIEW-CHANGE carries it: the pre-prepare of
/// `view` for `seq` and the backups whose matching prepares the sender
/// holds. Signatures are modelled by the simulator's sender ids: a replica
/// can only list prepares it received, so a certificate it cannot back
/// has too few of them and is rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cert {
    pub view: u64,
    pub seq: u64,
    pub req: Req,
    pub prepares: Vec<NodeId>,
}

/// VIEW-CHANGE: "move to `view`; my last stable checkpoint is `stable`
/// (proved by `proof`, the replicas whose matching CHECKPOINT I hold) and
/// these are the requests I saw prepared after it".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewChange {
    pub view: u64,
    pub from: NodeId,
    pub stable: u64,
    pub digest: u64,
    pub proof: Vec<NodeId>,
    pub certs: Vec<Cert>,
}

/// NEW-VIEW: the 2f + 1 view changes the new primary collected and the
/// pre-prepares it derives from them (anyone can recompute and check them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewView {
    pub view: u64,
    pub primary: NodeId,
    pub changes: Vec<Rc<ViewChange>>,
    pub pre_prepares: Vec<(u64, Req)>,
}

/// The state a checkpoint certifies, as state transfer ships it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Snapshot {
    pub seq: u64,
    pub store: imbl::OrdMap<String, Value>,
    /// Requests already executed (so a request re-proposed later is not
    /// executed twice).
    pub done: imbl::OrdSet<OpId>,
    /// A hash chained over every execution up to `seq`: equal digests mean
    /// the same requests were executed in the same order.
    pub digest: u64,
}

#[derive(Clone, Debug)]
pub enum Msg {
    PrePrepare {
        view: u64,
        seq: u64,
        req: Req,
    },
    Prepare {
        view: u64,
        seq: u64,
        req: Req,
    },
    Commit {
        view: u64,
        seq: u64,
        req: Req,
    },
    Checkpoint {
        seq: u64,
        digest: u64,
    },
    ViewChange(Rc<ViewChange>),
    /// Relayed by any replica that accepted it: it proves itself.
    NewView(Rc<NewView>),
    /// Periodic: "I am in `view` and have executed up to `executed`", so a
    /// replica that is ahead can resend what the other missed.
    Status {
        view: u64,
        active: bool,
        executed: u64,
    },
    /// To a replica that is behind: "s`seq` is stable, certified by the
    /// CHECKPOINT messages of `proof`" (the paper forwards the 2f + 1
    /// signed messages; sender ids stand for them here).
    Stable {
        seq: u64,
        digest: u64,
        proof: Vec<NodeId>,
    },
    FetchState {
        seq: u64,
    },
    State(Rc<Snapshot>),
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::PrePrepare { view, seq, req } => write!(f, "PP(v{view} s{seq} {req})"),
            Msg::Prepare { view, seq, req } => write!(f, "P(v{view} s{seq} {req})"),
            Msg::Commit { view, seq, req } => write!(f, "C(v{view} s{seq} {req})"),
            Msg::Checkpoint { seq, digest } => write!(f, "CP(s{seq} d{:04x})", digest & 0xffff),
            Msg::ViewChange(vc) => {
                write!(
                    f,
                    "VC(v{} stable s{}, {} prepared)",
                    vc.view,
                    vc.stable,
                    vc.certs.len()
                )
            }
            Msg::NewView(nv) => write!(
                f,
                "NV(v{} from {} view changes, {} pre-prepares)",
                nv.view,
                nv.changes.len(),
                nv.pre_prepares.len()
            ),
            Msg::Status { view, executed, .. } => write!(f, "Status(v{view} executed s{executed})"),
            Msg::Stable { seq, digest, proof } => write!(
                f,
                "Stable(s{seq} d{:04x}, {} checkpoints)",
                digest & 0xffff,
                proof.len()
            ),
            Msg::FetchState { seq } => write!(f, "Fetch(state at s{seq})"),
            Msg::State(s) => write!(f, "State(s{} d{:04x})", s.seq, s.digest & 0xffff),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    /// A backup waited too long for a request to execute (or, during a
    /// view change, for the NEW-VIEW of `view`).
    Request { view: u64 },
    /// Send a Status, or resend the view change in progress.
    Status,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Request { view } => write!(f, "view-change timer (view {view})"),
            Timer::Status => write!(f, "status"),
        }
    }
}

/// How a replica behaves. Everything but `Honest` is byzantine; a
/// byzantine replica sends anything in its own name, never in another's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Behaviour {
    #[default]
    Honest,
    /// Sends nothing at all.
    Silent,
    /// Tells odd-numbered replicas one story and even-numbered ones
    /// another: as primary, a request to some and the null request to the
    /// others for the same sequence number; as a backup, prepares and
    /// commits split the same way. Equivocators collude without talking:
    /// they all split by the same rule.
    Equivocate,
    /// Votes (prepares, commits) for a different request than the one
    /// pre-prepared, and answers reads with a made-up value.
    Wrong,
    /// Honest in the normal case; in a VIEW-CHANGE it hides what it saw
    /// prepared and claims certificates for the null request that it
    /// cannot back; as a new primary it re-proposes null over prepared
    /// requests.
    Lie,
}

impl Behaviour {
    pub const ALL: [Behaviour; 5] = [
        Behaviour::Honest,
        Behaviour::Silent,
        Behaviour::Equivocate,
        Behaviour::Wrong,
        Behaviour::Lie,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Behaviour::Honest => "honest",
            Behaviour::Silent => "silent",
            Behaviour::Equivocate => "equivocate",
            Behaviour::Wrong => "wrong",
            Behaviour::Lie => "lie",
        }
    }
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.name() == word)
    }
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|&b| b == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
    pub fn byzantine(self) -> bool {
        self != Behaviour::Honest
    }
    /// What it does, in a few words, for the trace and the pane.
    pub fn says(self) -> &'static str {
        match self {
            Behaviour::Honest => "follows the protocol",
            Behaviour::Silent => "sends nothing",
            Behaviour::Equivocate => "tells odd and even replicas different stories",
            Behaviour::Wrong => "votes for requests that were not proposed, lies in answers",
            Behaviour::Lie => "lies in view changes",
        }
    }
}

/// The client operations and the learner's reaches into a replica.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PbftOp {
    Write {
        key: String,
        value: Value,
    },
    Read {
        key: String,
    },
    /// Sets the replica's behaviour.
    Behave(Behaviour),
    /// Moves the replica to the next behaviour.
    Turn,
    /// Its view-change timer expires now.
    Timeout,
}

pub const OPS: &[OpSpec] = &[
    OpSpec {
        verb: "write",
        args: &[ArgSpec::KeyInt],
        usage: "write nN key=VALUE",
        help: "client write ({key} = 1, 2, 3...): the client sends it to every replica and accepts the result f + 1 of them give",
        key: Some('w'),
        label: "write {key}",
        scope: Scope::Client,
    },
    OpSpec {
        verb: "read",
        args: &[ArgSpec::Key],
        usage: "read nN key",
        help: "client read of {key}, ordered like a write; accepted on f + 1 matching answers",
        key: Some('r'),
        label: "read",
        scope: Scope::Client,
    },
    OpSpec {
        verb: "byzantine",
        args: &[ArgSpec::Word],
        usage: "byzantine nN honest|silent|equivocate|wrong|lie",
        help: "make a replica byzantine with a strategy (or honest again)",
        key: None,
        label: "byzantine",
        scope: Scope::Node,
    },
    OpSpec {
        verb: "turn",
        args: &[],
        usage: "turn nN",
        help: "cycle the selected replica: honest → silent → equivocate → wrong → lie",
        key: Some('b'),
        label: "traitor",
        scope: Scope::Node,
    },
    OpSpec {
        verb: "timeout",
        args: &[],
        usage: "timeout nN",
        help: "the selected replica's view-change timer expires now: it asks for the next view",
        key: Some('e'),
        label: "view change",
        scope: Scope::Node,
    },
];
