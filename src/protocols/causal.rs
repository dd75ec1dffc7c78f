//! Posts and replies: eventual versus causal delivery.
//!
//! Every node accepts writes from its own client (think: Alice uses n1,
//! Bob n2, Carol n3) and serves reads from its own copy. Each write gets a
//! **dot** — (writer node, the writer's write counter) — and carries its
//! **dependencies**: a version vector of every write its node had applied
//! when it accepted the write (potential causality, as in causal
//! broadcast: whatever Bob's node showed him may have shaped his reply).
//! Once n2 has applied Alice's post, Bob's reply depends on it.
//!
//! Delivery is reliable: each node keeps re-sending its own writes to every
//! peer (once a second) until that peer confirms it has applied them.
//! Writes never travel second-hand, so a partition can deliver a reply to
//! a node that has not got the post.
//!
//! - **eventual**: a node applies a write as soon as it arrives. Carol can
//!   see Bob's reply before Alice's post — a reply to nothing.
//! - **causal**: a node applies a write only once it has applied every
//!   write the write depends on, holding it back until then. A reply is
//!   never visible before its post.
//!
//! Concurrent writes to one key are ordered by Lamport timestamp, then node
//! id, so every replica picks the same winner and a causally later write
//! always wins.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::register::RegisterOp;
use crate::model::VersionVector;
use crate::sim::{ClientOp, Cx, Millis, Node, NodeId, OpId, OpOutcome, Setting, Value, words};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    Eventual,
    Causal,
}

impl Delivery {
    pub fn name(self) -> &'static str {
        match self {
            Delivery::Eventual => "eventual",
            Delivery::Causal => "causal",
        }
    }
}

#[derive(Clone, Debug)]
pub struct CausalConfig {
    pub mode: Delivery,
    /// Period of re-sending unconfirmed writes.
    pub resend_every: Millis,
}

impl CausalConfig {
    pub fn new(mode: Delivery) -> Self {
        Self {
            mode,
            resend_every: 1000,
        }
    }
}

/// A write's identity: (writer, the writer's counter).
pub type Dot = (NodeId, u64);

pub type Vv = VersionVector<NodeId>;

/// `n1:2 n3:1`, or `nothing`.
pub fn vv_text(vv: &Vv) -> String {
    if vv.is_empty() {
        return "nothing".into();
    }
    let v: Vec<String> = vv.iter().map(|(n, c)| format!("{n}:{c}")).collect();
    v.join(" ")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    /// The client operation that made it (for checkers and panes).
    pub op: OpId,
    pub dot: Dot,
    pub key: String,
    pub value: Value,
    pub lamport: u64,
    /// What the writer's node had applied: for each node, its writes 1..=n.
    pub deps: Vv,
}

impl Write {
    pub fn name(&self) -> String {
        format!(
            "{}={} ({}#{})",
            self.key, self.value, self.dot.0, self.dot.1
        )
    }
}

#[derive(Clone, Debug)]
pub enum Msg {
    /// `resend`: a periodic re-send of writes a peer has not confirmed
    /// (routine in the event log; not shown).
    Deliver {
        writes: Vec<Write>,
        resend: bool,
    },
    Applied {
        dots: Vec<Dot>,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Deliver { writes, .. } => {
                let w: Vec<String> = writes.iter().map(|w| w.name()).collect();
                write!(f, "Deliver({})", w.join(", "))
            }
            Msg::Applied { dots } => {
                let d: Vec<String> = dots.iter().map(|(n, c)| format!("{n}#{c}")).collect();
                write!(f, "Applied({})", d.join(", "))
            }
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    Resend,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "re-send unconfirmed writes")
    }
}

/// What survives a crash.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Disk {
    /// Every applied write, by dot.
    pub log: BTreeMap<Dot, Write>,
    /// Key → the dot of the write whose value is visible.
    pub visible: BTreeMap<String, Dot>,
    pub counter: u64,
    pub lamport: u64,
}

#[derive(Debug)]
pub struct CausalNode {
    id: NodeId,
    disk: Disk,
    /// Writes received but held back until their dependencies apply.
    held: BTreeMap<Dot, Write>,
    /// Own writes each peer has confirmed.
    confirmed: BTreeMap<NodeId, BTreeSet<u64>>,
}

impl CausalNode {
    pub fn log(&self) -> &BTreeMap<Dot, Write> {
        &self.disk.log
    }
    pub fn held(&self) -> &BTreeMap<Dot, Write> {
        &self.held
    }
    /// Every write applied here, as a version vector: for each node, how
    /// many of its writes (1, 2, … without a gap) this node has applied.
    pub fn applied(&self) -> Vv {
        let writers: BTreeSet<NodeId> = self.disk.log.keys().map(|d| d.0).collect();
        Vv::from_counts(writers.into_iter().map(|n| (n, self.have(n))))
    }
    /// The write visible for `key`.
    pub fn visible(&self, key: &str) -> Option<&Write> {
        self.disk
            .visible
            .get(key)
            .and_then(|d| self.disk.log.get(d))
    }
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.disk.visible.keys()
    }

    /// How many of `node`'s writes, 1, 2, … without a gap, are applied here.
    fn have(&self, node: NodeId) -> u64 {
        let mut c = 0;
        while self.disk.log.contains_key(&(node, c + 1)) {
            c += 1;
        }
        c
    }

    /// The dependencies of `w` not yet applied here, as text.
    pub fn missing(&self, w: &Write) -> Vec<String> {
        let mut out = Vec::new();
        for (&n, c) in w.deps.iter() {
            let have = self.have(n);
            for k in have + 1..=c {
                let what = self
                    .held
                    .get(&(n, k))
                    .map_or(String::new(), |h| format!(" ({}={})", h.key, h.value));
                out.push(format!("{n}#{k}{what}"));
            }
        }
        out
    }

    fn apply(&mut self, w: Write) {
        self.disk.lamport = self.disk.lamport.max(w.lamport);
        let newer = self
            .visible(&w.key)
            .is_none_or(|cur| (w.lamport, w.dot.0) > (cur.lamport, cur.dot.0));
        if newer {
            self.disk.visible.insert(w.key.clone(), w.dot);
        }
        self.disk.log.insert(w.dot, w);
    }

    /// Handles writes from `from`; returns the dots applied.
    fn receive(&mut self, from: NodeId, writes: Vec<Write>, cx: &mut Cx<'_, Self>) -> Vec<Dot> {
        let causal = cx.config().mode == Delivery::Causal;
        let mut applied = Vec::new();
        for w in writes {
            if self.disk.log.contains_key(&w.dot) {
                applied.push(w.dot);
                continue;
            }
            if causal && !self.missing(&w).is_empty() {
                if !self.held.contains_key(&w.dot) {
                    cx.note(format!(
                        "holds back {} from {from}: it depends on {}, not here yet",
                        w.name(),
                        self.missing(&w).join(", ")
                    ));
                    self.held.insert(w.dot, w);
                }
                continue;
            }
            if !causal {
                let missing = self.missing(&w);
                if !missing.is_empty() {
                    cx.note(format!(
                        "applies {} from {from} although it depends on {}, which it has not seen (eventual delivery)",
                        w.name(),
                        missing.join(", ")
                    ));
                }
            }
            applied.push(w.dot);
            self.apply(w);
        }
        // Held writes whose dependencies have now arrived.
        loop {
            let ready: Option<Dot> = self
                .held
                .values()
                .find(|w| !causal || self.missing(w).is_empty())
                .map(|w| w.dot);
            let Some(dot) = ready else { break };
            let w = self.held.remove(&dot).expect("found");
            cx.note(format!(
                "releases {}: everything it depends on is now applied",
                w.name()
            ));
            self.apply(w);
            applied.push(dot);
        }
        applied
    }

    fn resend(&self, cx: &mut Cx<'_, Self>) {
        let peers: Vec<NodeId> = cx.peers().collect();
        for p in peers {
            let done = self.confirmed.get(&p);
            let writes: Vec<Write> = self
                .disk
                .log
                .values()
                .filter(|w| w.dot.0 == self.id && done.is_none_or(|d| !d.contains(&w.dot.1)))
                .cloned()
                .collect();
            if !writes.is_empty() {
                cx.send(
                    p,
                    Msg::Deliver {
                        writes,
                        resend: true,
                    },
                );
            }
        }
    }
}

impl Node for CausalNode {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Disk;
    type Config = CausalConfig;
    super::register::register_operations!();

    /// Re-sends and their confirmations.
    fn routine(msg: &Msg) -> bool {
        matches!(msg, Msg::Deliver { resend: true, .. } | Msg::Applied { .. })
    }

    fn new(id: NodeId, _n: usize, _config: &CausalConfig) -> Self {
        Self {
            id,
            disk: Disk::default(),
            held: BTreeMap::new(),
            confirmed: BTreeMap::new(),
        }
    }

    fn durable(&self) -> &Disk {
        &self.disk
    }

    fn recover(id: NodeId, n: usize, config: &CausalConfig, disk: Disk) -> Self {
        let mut node = Self::new(id, n, config);
        node.disk = disk;
        node
    }

    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        let first = cx.random_range(1, cx.config().resend_every);
        cx.set_timer(first, Timer::Resend);
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx<'_, Self>) {
        match msg {
            Msg::Deliver { writes, .. } => {
                let dots: Vec<Dot> = self
                    .receive(from, writes, cx)
                    .into_iter()
                    .filter(|d| d.0 == from)
                    .collect();
                if !dots.is_empty() {
                    cx.send(from, Msg::Applied { dots });
                }
            }
            Msg::Applied { dots } => {
                let set = self.confirmed.entry(from).or_default();
                set.extend(dots.into_iter().filter(|d| d.0 == self.id).map(|d| d.1));
            }
        }
    }

    fn on_timer(&mut self, _timer: Timer, cx: &mut Cx<'_, Self>) {
        self.resend(cx);
        let every = cx.config().resend_every;
        cx.set_timer(every, Timer::Resend);
    }

    fn on_client(&mut self, op: ClientOp<RegisterOp>, cx: &mut Cx<'_, Self>) {
        match op.kind {
            RegisterOp::Read { key } => {
                let (value, note) = match self.visible(&key) {
                    Some(w) => {
                        let missing = self.missing(w);
                        let warn = if missing.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " — although its cause {} has not arrived here",
                                missing.join(", ")
                            )
                        };
                        (
                            Some(w.value),
                            format!("served from {}'s copy: {}{warn}", self.id, w.name()),
                        )
                    }
                    None => (None, format!("served from {}'s copy: {key} unset", self.id)),
                };
                cx.complete(op.id, OpOutcome::Ok { value }, note);
            }
            RegisterOp::Write { key, value } => {
                self.disk.counter += 1;
                self.disk.lamport += 1;
                // Own writes are applied in order, so `applied` covers the
                // previous one; the new write depends on all of it.
                let w = Write {
                    op: op.id,
                    dot: (self.id, self.disk.counter),
                    key,
                    value,
                    lamport: self.disk.lamport,
                    deps: self.applied(),
                };
                let note = format!(
                    "written at {} as {}, depending on {}",
                    self.id,
                    w.name(),
                    vv_text(&w.deps)
                );
                self.apply(w.clone());
                cx.broadcast(Msg::Deliver {
                    writes: vec![w],
                    resend: false,
                });
                cx.complete(op.id, OpOutcome::Ok { value: None }, note);
            }
        }
    }

    fn role(&self) -> String {
        "replica".into()
    }

    fn state(&self, _config: &Self::Config) -> Vec<(String, String)> {
        self.disk
            .visible
            .keys()
            .filter_map(|k| self.visible(k).map(|w| (k.clone(), w.value.to_string())))
            .collect()
    }

    fn settings() -> &'static [Setting<CausalConfig>] {
        &[Setting {
            name: "mode",
            key: Some('m'),
            help: "delivery: eventual (apply on arrival, any order) or causal (hold a write back until what it depends on is applied)",
            choices: |_| words(&["eventual", "causal"]),
            value: |c| c.mode.name().into(),
            apply: |c, value| {
                c.mode = match value {
                    "eventual" => Delivery::Eventual,
                    "causal" => Delivery::Causal,
                    _ => {
                        return Err(format!(
                            "'{value}' is not a delivery mode: use eventual or causal"
                        ));
                    }
                };
                Ok(match c.mode {
                    Delivery::Eventual => "delivery is now eventual: writes apply as soon as they arrive, in any order".into(),
                    Delivery::Causal => "delivery is now causal: a write is held back until everything it depends on has been applied".into(),
                })
            },
        }]
    }
}
