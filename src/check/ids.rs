//! Every checker's id, once: verdicts carry these, and scenarios name their
//! headline checkers with them, so a rename cannot leave a stale string.

pub const LINEARIZABILITY: &str = "linearizability";
pub const STALE_READS: &str = "stale reads";
pub const AVAILABILITY: &str = "availability";
pub const CONVERGENCE: &str = "convergence";
pub const LOST_WRITES: &str = "acknowledged writes";
pub const CAUSALITY: &str = "causality";
pub const READ_YOUR_WRITES: &str = "read your writes";
pub const MONOTONIC_READS: &str = "monotonic reads";
pub const WRITE_CONFLICTS: &str = "write conflicts";
/// Invariant: no two nodes lead the same epoch.
pub const ONE_LEADER_PER_EPOCH: &str = "one leader per epoch";
