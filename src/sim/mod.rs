//! The simulator kernel: a deterministic discrete-event cluster.
//!
//! Virtual time in milliseconds, one event queue ordered by (time, sequence),
//! one seeded ChaCha8 generator, a fault-injecting network, a trace of every
//! event with a plain-English explanation, and a history of client operations.
//! Nothing here knows about terminals or async runtimes.

mod history;
mod network;
mod node;
mod queue;
pub mod script;
mod time;
mod trace;
mod world;

pub use history::{History, OpKind, OpOutcome, OpRecord, Value};
pub use network::{NetConfig, Network, Side};
pub use node::{ClientOp, Cx, Node, NodeId, OpId, SessionToken, TimerId};
pub use time::{Millis, fmt_ms};
pub use trace::{Trace, TraceEvent, TraceKind};
pub use world::{Fault, InFlight, World, WorldConfig};
