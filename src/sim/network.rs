//! The simulated network: latency, loss, duplication and partitions.

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

/// The network's current condition.
#[derive(Clone, Debug)]
pub struct Network {
    pub config: NetConfig,
    sides: Vec<Side>,
}

impl Network {
    pub fn new(config: NetConfig, nodes: usize) -> Self {
        Self {
            config,
            sides: vec![Side::default(); nodes],
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
    pub fn heal(&mut self) {
        self.sides.iter_mut().for_each(|s| *s = Side::default());
    }
    pub fn is_partitioned(&self) -> bool {
        self.sides.iter().any(|&s| s != Side::default())
    }
    /// Can `a` reach `b` right now?
    pub fn connected(&self, a: NodeId, b: NodeId) -> bool {
        self.side(a) == self.side(b)
    }
    /// Why a message from `from` to `to` cannot pass, if it cannot.
    pub fn cut_reason(&self, from: NodeId, to: NodeId) -> Option<String> {
        (!self.connected(from, to)).then(|| {
            format!(
                "{from} is on side {} and {to} on side {} of the partition",
                self.side(from),
                self.side(to)
            )
        })
    }
}
