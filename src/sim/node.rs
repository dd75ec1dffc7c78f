//! The contract between the kernel and a protocol: a replica is a pure state
//! machine that reacts to messages, timers and client requests by recording
//! effects in a [`Cx`]; the kernel applies them. It never sees real time,
//! real sockets or a global RNG, which is what makes runs replayable.

use std::collections::BTreeMap;
use std::fmt::{self, Debug, Display};

use rand::{Rng, RngExt};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::Millis;
use super::history::{OpKind, OpOutcome};
use super::op::{Arg, OpSpec};

/// A node's id as learners see it: `n1`, `n2`, … (1-based).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
#[serde(transparent)]
pub struct NodeId(pub u32);

impl NodeId {
    /// Position in the kernel's node table.
    pub fn index(self) -> usize {
        self.0 as usize - 1
    }
    pub fn from_index(i: usize) -> Self {
        NodeId(i as u32 + 1)
    }
}

impl Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

/// A client operation's id, unique within a run.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
#[serde(transparent)]
pub struct OpId(pub u64);

/// A timer's id, unique within a run.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct TimerId(pub u64);

/// A client request as a node receives it: the protocol's own operation.
#[derive(Clone, Debug)]
pub struct ClientOp<O> {
    pub id: OpId,
    pub kind: O,
    /// The client's session token as of this request (see [`SessionToken`]).
    pub session: SessionToken,
}

/// What the learner's client carries from one request to the next: named
/// counters, e.g. the newest log position it has written or read. The
/// kernel keeps one token for the run's client, hands it to every request
/// and raises it with what [`Cx::complete_with_session`] returns. Protocols
/// offering session guarantees read it; the others ignore it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SessionToken(pub BTreeMap<String, u64>);

impl SessionToken {
    /// The counter `name`, 0 if never set.
    pub fn get(&self, name: &str) -> u64 {
        self.0.get(name).copied().unwrap_or(0)
    }
    /// Raises counter `name` to at least `v`.
    pub fn raise(&mut self, name: &str, v: u64) {
        let e = self.0.entry(name.to_string()).or_insert(0);
        *e = (*e).max(v);
    }
    /// Raises every counter to at least `other`'s.
    pub fn merge(&mut self, other: &SessionToken) {
        for (k, &v) in &other.0 {
            self.raise(k, v);
        }
    }
}

impl Display for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return write!(f, "(empty)");
        }
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        write!(f, "{}", parts.join(", "))
    }
}

/// One replica's state machine.
///
/// State is split in two: [`Node::durable`] is what survives a crash (what a
/// real node would have fsynced); everything else is volatile. A restart
/// rebuilds the node with [`Node::recover`] from the durable part alone, so a
/// protocol cannot accidentally keep volatile state across a crash.
pub trait Node: Sized {
    type Msg: Clone + Debug + Display;
    type Timer: Clone + Debug + Display;
    type Durable: Clone + Debug + PartialEq;
    /// Settings shared by the whole cluster (a replication mode, W and R…),
    /// readable in every handler and changeable live with [`Node::tune`].
    type Config: Clone + Debug + 'static;
    /// The protocol's client operations, typed.
    type Op: Clone + Debug;

    /// Its operations as scripts write them and live keys issue them.
    fn operations() -> &'static [OpSpec];
    /// Builds an operation from a verb of [`Node::operations`] and its
    /// parsed arguments; `Err` says why the protocol refuses it.
    fn operation(verb: &str, args: &[Arg]) -> Result<Self::Op, String>;
    /// What the history records of it for checkers: a read, a write, or an
    /// operation only the protocol models.
    fn model(op: &Self::Op) -> OpKind;

    /// A fresh node at the start of a run.
    fn new(id: NodeId, cluster_size: usize, config: &Self::Config) -> Self;
    /// The state a crash does not destroy.
    fn durable(&self) -> &Self::Durable;
    /// A node restarting after a crash, from its durable state only.
    fn recover(
        id: NodeId,
        cluster_size: usize,
        config: &Self::Config,
        durable: Self::Durable,
    ) -> Self;

    /// Called at time 0 and after every restart: arm initial timers here.
    fn on_start(&mut self, _cx: &mut Cx<'_, Self>) {}
    fn on_message(&mut self, from: NodeId, msg: Self::Msg, cx: &mut Cx<'_, Self>);
    fn on_timer(&mut self, timer: Self::Timer, cx: &mut Cx<'_, Self>);
    fn on_client(&mut self, op: ClientOp<Self::Op>, cx: &mut Cx<'_, Self>);
    /// A learner's action on this node, an operation declared with
    /// [`Scope::Node`](crate::sim::Scope::Node) or
    /// [`Scope::Cluster`](crate::sim::Scope::Cluster) (force an election timeout).
    /// The kernel has already noted it in the trace.
    fn on_nudge(&mut self, _op: Self::Op, _cx: &mut Cx<'_, Self>) {}

    /// Whether a client sends each request to every running node at once
    /// (PBFT's client, which cannot trust any one replica) instead of only
    /// to the node it names. Default: only to the named node.
    fn multicast_requests() -> bool {
        false
    }
    /// How many matching answers from different nodes a client waits for
    /// before it accepts one: PBFT's f + 1, so that f liars cannot fool it.
    /// Only answers given with [`Cx::answer`] are tallied; default 1.
    fn answers_needed(_cluster_size: usize) -> usize {
        1
    }

    /// A short role for the cluster view: `leader`, `follower`, `replica`.
    fn role(&self) -> String;
    /// What the node holds, as (key, shown value) pairs, sorted by key.
    fn state(&self, config: &Self::Config) -> Vec<(String, String)>;

    /// Whether a message is routine upkeep a protocol repeats on a timer —
    /// a heartbeat, gossip, a resend — or the acknowledgement of one. Only
    /// the event log uses it: its filter (key `f`) hides the sending,
    /// delivery and loss of routine messages, and timer firings. It never
    /// changes a run. What a routine message changes still shows, as the
    /// receiver's own notes. Decide from the message alone; default: no.
    fn routine(_msg: &Self::Msg) -> bool {
        false
    }

    /// The cluster-wide settings, each declared once: scripts' `set`,
    /// `--set`, the live keys and their listing all come from here.
    fn settings() -> &'static [Setting<Self::Config>] {
        &[]
    }

    /// Changes a setting by name. Returns a sentence for the trace, or why
    /// the change was refused.
    fn tune(config: &mut Self::Config, knob: &str, value: &str) -> Result<String, String> {
        let all = Self::settings();
        match all.iter().find(|s| s.name == knob) {
            Some(s) => (s.apply)(config, value),
            None if all.is_empty() => Err(format!("this scenario has no setting named '{knob}'")),
            None => {
                let names: Vec<&str> = all.iter().map(|s| s.name).collect();
                Err(format!(
                    "this scenario's settings are {} (not '{knob}')",
                    names.join(", ")
                ))
            }
        }
    }
}

/// A cluster-wide setting of a protocol, declared once.
pub struct Setting<C: 'static> {
    /// How `set NAME=VALUE` and `--set` name it.
    pub name: &'static str,
    /// The live key that cycles it through its choices, if any.
    pub key: Option<char>,
    /// What it does, for the `?` overlay.
    pub help: &'static str,
    /// The values the live key cycles through, for the current settings.
    pub choices: fn(&C) -> Vec<String>,
    /// Its current value as a choice.
    pub value: fn(&C) -> String,
    /// Applies a value: a sentence for the trace, or why it is refused.
    pub apply: fn(&mut C, &str) -> Result<String, String>,
}

/// `["on", "off"]`-style choices for [`Setting::choices`].
pub fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|s| s.to_string()).collect()
}

/// What a handler asks the kernel to do; applied in order after it returns.
pub(crate) enum Effect<N: Node> {
    Send {
        to: NodeId,
        msg: N::Msg,
    },
    SetTimer {
        id: TimerId,
        after: Millis,
        timer: N::Timer,
    },
    CancelTimer(TimerId),
    Complete {
        op: OpId,
        outcome: OpOutcome,
        note: String,
        session: Option<SessionToken>,
    },
    /// One node's answer, tallied by the client (see [`Node::answers_needed`]).
    Answer {
        op: OpId,
        outcome: OpOutcome,
        note: String,
    },
    Note(String),
}

/// The handler's window on the world: its clock, the cluster's settings, the
/// seeded RNG, and a place to put effects.
pub struct Cx<'a, N: Node> {
    pub(crate) id: NodeId,
    pub(crate) now: Millis,
    pub(crate) skew: i64,
    pub(crate) drifted: i64,
    pub(crate) cluster_size: usize,
    pub(crate) config: &'a N::Config,
    pub(crate) rng: &'a mut ChaCha8Rng,
    pub(crate) next_timer: &'a mut u64,
    pub(crate) effects: &'a mut Vec<Effect<N>>,
}

impl<N: Node> Cx<'_, N> {
    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }
    /// Virtual time. Protocols should use it only for durations (timeouts);
    /// timestamps that a real node would read from its own clock come from
    /// [`Cx::local_clock`].
    pub fn now(&self) -> Millis {
        self.now
    }
    /// This node's wall clock: virtual time plus its skew (never below 0).
    pub fn local_clock(&self) -> Millis {
        (self.now as i64 + self.skew).max(0) as Millis
    }
    /// This node's monotonic clock, for measuring how long something took
    /// (a lease, a timeout): it runs fast or slow with the node's drift,
    /// but never jumps when the wall clock is stepped.
    pub fn monotonic(&self) -> Millis {
        (self.now as i64 + self.drifted).max(0) as Millis
    }
    pub fn cluster_size(&self) -> usize {
        self.cluster_size
    }
    /// A majority of the whole cluster (not of the reachable nodes).
    pub fn majority(&self) -> usize {
        self.cluster_size / 2 + 1
    }
    /// Every node id in the cluster, this one included, in order.
    pub fn all_nodes(&self) -> impl Iterator<Item = NodeId> + use<N> {
        (0..self.cluster_size).map(NodeId::from_index)
    }
    /// Every other node id, in order.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + use<N> {
        let me = self.id;
        self.all_nodes().filter(move |&n| n != me)
    }
    pub fn config(&self) -> &N::Config {
        self.config
    }
    /// A uniform draw from this node's own seeded stream (see [`Cx::rng`]).
    pub fn random_range(&mut self, lo: u64, hi_inclusive: u64) -> u64 {
        if lo >= hi_inclusive {
            return lo;
        }
        self.rng.random_range(lo..=hi_inclusive)
    }
    /// This node's random stream: derived from the run's seed and the node's
    /// id alone, so a draw here never shifts another node's draws or the
    /// network's latencies.
    pub fn rng(&mut self) -> &mut impl Rng {
        self.rng
    }

    pub fn send(&mut self, to: NodeId, msg: N::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }
    /// Sends `msg` to every other node.
    pub fn broadcast(&mut self, msg: N::Msg) {
        for to in self.peers() {
            self.effects.push(Effect::Send {
                to,
                msg: msg.clone(),
            });
        }
    }
    pub fn set_timer(&mut self, after: Millis, timer: N::Timer) -> TimerId {
        let id = TimerId(*self.next_timer);
        *self.next_timer += 1;
        self.effects.push(Effect::SetTimer { id, after, timer });
        id
    }
    pub fn cancel_timer(&mut self, id: TimerId) {
        self.effects.push(Effect::CancelTimer(id));
    }
    /// Answers a client. `note` explains the outcome in plain words
    /// ("acked by n1, n2 of 3; majority is 2").
    pub fn complete(&mut self, op: OpId, outcome: OpOutcome, note: impl Into<String>) {
        self.effects.push(Effect::Complete {
            op,
            outcome,
            note: note.into(),
            session: None,
        });
    }
    /// Answers a client and hands it an updated session token, which the
    /// client merges into its own (counters only go up). Ignored if the
    /// client has already given up on the operation.
    pub fn complete_with_session(
        &mut self,
        op: OpId,
        outcome: OpOutcome,
        note: impl Into<String>,
        session: SessionToken,
    ) {
        self.effects.push(Effect::Complete {
            op,
            outcome,
            note: note.into(),
            session: Some(session),
        });
    }
    /// One node's answer to a client that counts matching answers (see
    /// [`Node::answers_needed`]): the client accepts an outcome once enough
    /// different nodes have given that same outcome.
    pub fn answer(&mut self, op: OpId, outcome: OpOutcome, note: impl Into<String>) {
        self.effects.push(Effect::Answer {
            op,
            outcome,
            note: note.into(),
        });
    }
    /// Records a role or state change in the trace, in plain words.
    pub fn note(&mut self, text: impl Into<String>) {
        self.effects.push(Effect::Note(text.into()));
    }
}
