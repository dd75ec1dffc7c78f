//! The simulated network: latency, loss, duplication and partitions.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Display};

use serde::Serialize;

use super::{Millis, NodeId};

/// Which side of a partition a node is on. Everyone starts on side A.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Serialize)]
pub struct Side(pub u8);

impl Side {
    pub const MAX: u8 = 3;
    pub fn letter(self) -> char {
        (b'A' + self.0) as char
    }
    /// A → B → C → A.
    pub fn next(self) -> Side {
        Side((self.0 + 1) % Self::MAX)
    }
}

impl Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NetConfig {
    /// One-way latency, drawn uniformly from this inclusive range per message.
    pub latency: (Millis, Millis),
    /// Probability that a message is lost, 0.0..=1.0.
    pub loss: f64,
    /// Probability that a message is delivered twice, 0.0..=1.0.
    pub duplicate: f64,
}

impl Default for NetConfig {
    fn default() -> Self {
        Self {
            latency: (10, 30),
            loss: 0.0,
            duplicate: 0.0,
        }
    }
}

/// Why a directed link is cut, for the trace's explanation of each drop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CutRule {
    /// `cut a->b` or `cut a<->b`.
    Cut,
    /// The two halves of a bridge partition, which only the bridge reaches.
    Bridge,
}

/// A link's own loss and latency, overriding the network-wide ones.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LinkQuality {
    pub loss: Option<f64>,
    pub latency: Option<(Millis, Millis)>,
}

/// The network's current condition: a directed link matrix, kept sparse so a
/// 1000-node cluster costs nothing for the links nobody touched. Partition
/// sides A/B/C are shorthand over it: two nodes on different sides cannot
/// reach each other either way.
#[derive(Clone, Debug)]
pub struct Network {
    pub config: NetConfig,
    sides: Vec<Side>,
    /// Links cut one way: (from, to).
    cuts: BTreeMap<(NodeId, NodeId), CutRule>,
    /// Nodes cut off from every other node, both ways.
    isolated: BTreeSet<NodeId>,
    /// Per-link loss and latency, one way: (from, to).
    quality: BTreeMap<(NodeId, NodeId), LinkQuality>,
}

impl Network {
    pub fn new(config: NetConfig, nodes: usize) -> Self {
        Self {
            config,
            sides: vec![Side::default(); nodes],
            cuts: BTreeMap::new(),
            isolated: BTreeSet::new(),
            quality: BTreeMap::new(),
        }
    }
    pub fn side(&self, n: NodeId) -> Side {
        self.sides[n.index()]
    }
    pub fn set_side(&mut self, n: NodeId, side: Side) {
        self.sides[n.index()] = side;
    }
    pub fn sides(&self) -> &[Side] {
        &self.sides
    }
    /// Undoes the last partition, whether by sides or a bridge: every node
    /// back on side A and the bridge's cuts gone. Cuts and isolation made
    /// by hand stay.
    pub fn clear_partition(&mut self) {
        self.sides.iter_mut().for_each(|s| *s = Side::default());
        self.cuts.retain(|_, rule| *rule != CutRule::Bridge);
    }
    /// Reconnects every node: sides, cut links and isolation are gone.
    /// Per-link loss and latency stay: they are the link's quality, not a cut.
    pub fn heal(&mut self) {
        self.sides.iter_mut().for_each(|s| *s = Side::default());
        self.cuts.clear();
        self.isolated.clear();
    }
    /// Cuts the link `from → to` (one way).
    pub fn cut(&mut self, from: NodeId, to: NodeId, rule: CutRule) {
        if from != to {
            self.cuts.insert((from, to), rule);
        }
    }
    pub fn isolate(&mut self, n: NodeId) {
        self.isolated.insert(n);
    }
    pub fn is_isolated(&self, n: NodeId) -> bool {
        self.isolated.contains(&n)
    }
    /// Sets the loss and latency of `from → to`; `None` keeps what was set.
    pub fn set_quality(&mut self, from: NodeId, to: NodeId, q: LinkQuality) {
        let e = self.quality.entry((from, to)).or_default();
        e.loss = q.loss.or(e.loss);
        e.latency = q.latency.or(e.latency);
    }
    /// The loss probability of `from → to`.
    pub fn loss(&self, from: NodeId, to: NodeId) -> f64 {
        self.quality
            .get(&(from, to))
            .and_then(|q| q.loss)
            .unwrap_or(self.config.loss)
    }
    /// The one-way latency range of `from → to`.
    pub fn latency(&self, from: NodeId, to: NodeId) -> (Millis, Millis) {
        self.quality
            .get(&(from, to))
            .and_then(|q| q.latency)
            .unwrap_or(self.config.latency)
    }
    /// Whether anything cuts any link (sides, cut links or isolation).
    pub fn is_partitioned(&self) -> bool {
        self.sides.iter().any(|&s| s != Side::default())
            || !self.cuts.is_empty()
            || !self.isolated.is_empty()
    }
    /// Whether any link loses messages.
    pub fn is_lossy(&self) -> bool {
        self.config.loss > 0.0
            || self
                .quality
                .values()
                .any(|q| q.loss.is_some_and(|l| l > 0.0))
    }
    /// Can a message from `a` reach `b` right now?
    pub fn connected(&self, a: NodeId, b: NodeId) -> bool {
        a == b
            || !(self.is_isolated(a)
                || self.is_isolated(b)
                || self.side(a) != self.side(b)
                || self.cuts.contains_key(&(a, b)))
    }
    /// Why a message from `from` to `to` cannot pass, if it cannot: the rule
    /// that drops it, in plain words.
    pub fn cut_reason(&self, from: NodeId, to: NodeId) -> Option<String> {
        if self.connected(from, to) {
            return None;
        }
        if let Some(n) = [from, to].into_iter().find(|n| self.is_isolated(*n)) {
            return Some(format!("{n} is isolated from every other node"));
        }
        if self.side(from) != self.side(to) {
            return Some(format!(
                "{from} is on side {} and {to} on side {} of the partition",
                self.side(from),
                self.side(to)
            ));
        }
        match self.cuts.get(&(from, to))? {
            CutRule::Cut if self.cuts.contains_key(&(to, from)) => {
                Some(format!("the link between {from} and {to} is cut both ways"))
            }
            CutRule::Cut => Some(format!(
                "the link {from}→{to} is cut one way ({to}→{from} still works)"
            )),
            CutRule::Bridge => Some(format!(
                "{from} and {to} are on opposite halves of a bridge partition"
            )),
        }
    }
}
