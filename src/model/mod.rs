//! The shared mathematics of replicated state: version vectors, dots,
//! Lamport and hybrid logical clocks, and the state-based CRDTs (LWW
//! register, multi-value register, G-Counter, PN-Counter, OR-Set with and
//! without tombstones, RGA text). Protocols, checkers and quiz
//! generators all compute with these, so a quiz answer cannot disagree with
//! the simulator. Every merge here is commutative, associative and
//! idempotent; `tests/model_laws.rs` holds the property tests.
//!
//! Plain data and arithmetic: nothing here knows about the kernel.

mod clock;
mod counter;
mod lww;
mod mvreg;
mod orset;
mod orswot;
mod rga;
mod vv;

pub use clock::{Hlc, Lamport};
pub use counter::{GCounter, PnCounter};
pub use lww::LwwRegister;
pub use mvreg::MvRegister;
pub use orset::OrSet;
pub use orswot::Orswot;
pub use rga::{Char, Rga};
pub use vv::{Causality, Dot, VersionVector};
