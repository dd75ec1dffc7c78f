//! Checkers: read a run's history (and, for some, the replicas' final
//! state) and say in plain words what went right or wrong.

mod availability;
mod causal;
mod convergence;
pub mod edn;
pub mod ids;
pub mod linearizability;
mod lost;
pub mod sample;
mod session;
mod stale;

pub use availability::availability;
pub use causal::{causality, causality_with};
pub use convergence::convergence;
pub use edn::history_edn;
pub use linearizability::linearizability;
pub use lost::{Survivor, lost_writes};
pub use session::{Sessions, monotonic_reads, read_your_writes};
pub use stale::stale_reads;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The property holds for this run.
    Pass,
    /// The property is violated; the details name a witness.
    Fail,
    /// A measurement rather than a pass/fail (availability figures).
    Info,
    /// The checker could not decide (search bound reached).
    Unknown,
}

/// One checker's finding, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// What was checked: "stale reads", "availability".
    pub check: String,
    pub status: Status,
    /// A few words for the status line: "not linearizable", "1 stale read".
    pub headline: String,
    /// One sentence that explains the finding.
    pub summary: String,
    /// Witnesses, one plain sentence each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
    /// Trace events the finding points at (their sequence numbers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<u64>,
}

impl Verdict {
    /// A verdict whose summary is short enough to be its own headline.
    pub fn new(check: &str, status: Status, summary: impl Into<String>) -> Self {
        let summary = summary.into();
        Self {
            check: check.into(),
            status,
            headline: summary.clone(),
            summary,
            details: Vec::new(),
            events: Vec::new(),
        }
    }
    /// The few words the status line shows instead of the whole summary.
    pub fn with_headline(mut self, headline: impl Into<String>) -> Self {
        self.headline = headline.into();
        self
    }
    pub fn with_events(mut self, events: Vec<u64>) -> Self {
        self.events = events;
        self
    }
    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }
    /// `✓`, `✗`, `·` or `?`, with a word so it reads without colour.
    pub fn mark(&self) -> &'static str {
        match self.status {
            Status::Pass => "✓ ok  ",
            Status::Fail => "✗ FAIL",
            Status::Info => "· info",
            Status::Unknown => "? ??? ",
        }
    }
}
