//! statedist: learn state distribution on a live, deterministic simulated cluster.
//!
//! Layers, one direction of dependency (see README.md and DESIGN notes):
//! `sim` (kernel) ← `protocols` ← `check` ← `scenario` ← `cli`/`tui`.
//! `sim`, `protocols`, `check`, `content`, `quiz` and `progress` are plain
//! synchronous Rust and never import the terminal or async crates.

pub mod cli;
pub mod content;
pub mod progress;
pub mod quiz;
pub mod quiz_cmd;
pub mod sim;
