//! One module per protocol. Each is a [`crate::sim::Node`] state machine and
//! knows nothing of terminals: panes read it through plain data.

pub mod cap;
pub mod causal;
pub mod crdt;
pub mod failover;
pub mod leader_follower;
pub mod multi_leader;
pub mod pbft;
pub mod quorum;
pub mod raft;
pub mod register;
pub mod session;
