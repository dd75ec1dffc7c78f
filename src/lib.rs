//! statedist: learn state distribution on a live, deterministic simulated cluster.
//!
//! Layers, one direction of dependency (see DESIGN.md):
//! `sim` (kernel) and `model` (shared mathematics) ← `protocols` ← `check`
//! ← `scenario` ← `app` (UI-free app state) ← `cli`/`tui`. All but `tui`
//! (and the binary) are plain synchronous Rust and never import the
//! terminal or async crates.

// Printing goes through `out!`/`outln!`/`errln!` (src/out.rs), which do not
// panic on a closed pipe or a full disk.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod app;
pub mod check;
pub mod cli;
pub mod content;
pub mod lessons;
pub mod model;
pub mod out;
pub mod progress;
pub mod protocols;
pub mod quiz;
pub mod quiz_cmd;
pub mod scenario;
pub mod sim;
pub mod sim_cmd;
pub mod tui;
pub mod wrap;
