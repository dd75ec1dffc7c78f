//! The simulator kernel: a deterministic discrete-event cluster.
//!
//! Virtual time in milliseconds, one event queue ordered by (time, sequence),
//! seeded ChaCha8 streams (one per node and one per node's outgoing traffic,
//! all from the run's seed), a fault-injecting network, a trace of every
//! event with a plain-English explanation, and a history of client
//! operations ordered by the trace's event sequence. Any cluster size.
//! Nothing here knows about terminals or async runtimes.

mod history;
mod invariant;
mod network;
mod node;
pub mod op;
mod queue;
pub mod script;
mod time;
mod trace;
mod world;

pub use history::{History, OpKind, OpOutcome, OpRecord, Value, positions_from_times};
pub use invariant::{Invariant, Violation};
pub use network::{CutRule, LinkQuality, NetConfig, Network, Side};
pub use node::{ClientOp, Cx, Node, NodeId, OpId, SessionToken, Setting, TimerId, words};
pub use op::{Arg, ArgSpec, Call, OpSpec, Scope};
pub use time::{Millis, fmt_ms};
pub use trace::{Trace, TraceEvent, TraceKind};
pub use world::{Answer, Fault, InFlight, World, WorldConfig};
