//! PBFT's cluster-wide settings, each declared once.

use crate::sim::{Millis, Setting, words};

#[derive(Clone, Debug)]
pub struct PbftConfig {
    /// A checkpoint every this many sequence numbers (the paper's k); the
    /// log window is twice that (L = 2k).
    pub checkpoint_every: u64,
    /// How long a backup waits for a request to execute before it asks
    /// for a view change (doubled after each view change that fails).
    pub timeout: Millis,
    /// How often a replica tells the others how far it has got.
    pub status_every: Millis,
}

impl Default for PbftConfig {
    fn default() -> Self {
        Self {
            checkpoint_every: 4,
            timeout: 500,
            status_every: 200,
        }
    }
}

impl PbftConfig {
    /// The log window L: sequence numbers from the last stable checkpoint h
    /// up to h + L may be used.
    pub fn window(&self) -> u64 {
        2 * self.checkpoint_every
    }
}

pub const SETTINGS: &[Setting<PbftConfig>] = &[
    Setting {
        name: "checkpoint",
        key: Some('C'),
        help: "checkpoint interval k: every k sequence numbers replicas exchange CHECKPOINT messages; 2f + 1 matching ones make it stable, and the log up to it is discarded (the window is 2k)",
        choices: |_| words(&["4", "8", "2"]),
        value: |c| c.checkpoint_every.to_string(),
        apply: |c, v| {
            let k: u64 = v
                .parse()
                .ok()
                .filter(|k| (1..=64).contains(k))
                .ok_or_else(|| {
                    format!("'{v}' is not a checkpoint interval: use a whole number from 1 to 64")
                })?;
            c.checkpoint_every = k;
            Ok(format!(
                "a checkpoint every {k} sequence numbers; the log window is {}",
                2 * k
            ))
        },
    },
    Setting {
        name: "timeout",
        key: None,
        help: "view-change timeout in ms: how long a backup waits for a request to execute before it suspects the primary",
        choices: |_| words(&["500", "1000", "250"]),
        value: |c| c.timeout.to_string(),
        apply: |c, v| {
            let t: Millis = v
                .parse()
                .ok()
                .filter(|t| (50..=10_000).contains(t))
                .ok_or_else(|| {
                    format!("'{v}' is not a timeout: use milliseconds from 50 to 10000")
                })?;
            c.timeout = t;
            Ok(format!(
                "a backup now asks for a view change after waiting {t} ms for a request"
            ))
        },
    },
];
