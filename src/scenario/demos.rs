//! The shipped demonstrations: the fault scripts in `assets/scripts/`,
//! embedded so an installed binary has them. Each names its scenario;
//! `statedist sim --demo NAME` replays one headless and `statedist
//! playground --demo NAME` live, and quiz items link to them by name.

/// One demonstration: a script for one scenario.
pub struct Demo {
    /// How to ask for it: `raft-figure8`.
    pub name: &'static str,
    /// The script's file stem in `assets/scripts/` (two demos may share a
    /// script and differ in settings).
    pub file: &'static str,
    pub scenario: &'static str,
    /// The cluster size it is written for (the scenario's default if `None`).
    pub nodes: Option<usize>,
    /// Settings it starts with (`statedist sim --set` overrides them).
    pub settings: &'static [(&'static str, &'static str)],
    /// The script, with its explaining comments.
    pub script: &'static str,
}

impl Demo {
    /// The script to run live: its starting settings as steps at 0 s,
    /// then the file.
    pub fn full_script(&self) -> String {
        let mut s: String = self
            .settings
            .iter()
            .map(|(k, v)| format!("at 0s set {k}={v}\n"))
            .collect();
        s.push_str(self.script);
        s
    }
    /// The script's first comment paragraph, on one line, and the
    /// settings it starts with.
    pub fn summary(&self) -> String {
        let words: Vec<&str> = self
            .script
            .lines()
            .map_while(|l| l.strip_prefix('#').map(str::trim).filter(|t| !t.is_empty()))
            .collect();
        let mut s = words.join(" ");
        if !self.settings.is_empty() {
            let set: Vec<String> = self
                .settings
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            s = format!("[{}] {s}", set.join(" "));
        }
        s
    }
}

macro_rules! demo {
    ($name:literal, $scenario:literal) => {
        demo!($name, $name, $scenario, None, &[])
    };
    ($name:literal, $file:literal, $scenario:literal, $nodes:expr, $settings:expr) => {
        Demo {
            name: $name,
            file: $file,
            scenario: $scenario,
            nodes: $nodes,
            settings: $settings,
            script: include_str!(concat!("../../assets/scripts/", $file, ".script")),
        }
    };
}

/// Every demonstration, by scenario in course order.
pub const DEMOS: &[Demo] = &[
    demo!("cap-ap-split", "cap-ap"),
    demo!("leader-crash", "leader-follower"),
    demo!("multi-leader-conflict", "multi-leader"),
    demo!("quorum-stale", "quorum"),
    demo!(
        "quorum-sloppy",
        "quorum-sloppy",
        "quorum",
        Some(5),
        &[("n", "3"), ("w", "2"), ("r", "2"), ("sloppy", "on")]
    ),
    demo!("session-guarantees", "session"),
    demo!("causal-reply", "causal"),
    demo!("lww-skew", "lww"),
    demo!("version-vectors-cart", "version-vectors"),
    demo!("version-vectors-blind", "version-vectors"),
    demo!(
        "version-vectors-blind-vv",
        "version-vectors-blind",
        "version-vectors",
        None,
        &[("clocks", "vv")]
    ),
    demo!("raft-minority-leader", "raft"),
    demo!("raft-split-vote", "raft"),
    demo!("raft-livelock", "raft"),
    demo!("raft-figure8", "raft"),
    demo!(
        "raft-figure8-naive",
        "raft-figure8",
        "raft",
        None,
        &[("commit-rule", "naive")]
    ),
    demo!(
        "raft-stale-read",
        "raft-stale-read",
        "raft",
        None,
        &[("reads", "local")]
    ),
    demo!("raft-rejoin", "raft"),
    demo!("raft-forgotten-vote", "raft"),
    demo!(
        "raft-forgotten-vote-volatile",
        "raft-forgotten-vote",
        "raft",
        None,
        &[("vote", "volatile")]
    ),
    demo!("crdt-cart", "crdt-orset"),
    demo!(
        "crdt-op-duplicates",
        "crdt-op-duplicates",
        "crdt-gcounter",
        None,
        &[("delivery", "op")]
    ),
    demo!("crdt-stock", "crdt-pncounter"),
    demo!(
        "crdt-amnesia",
        "crdt-amnesia",
        "crdt-gcounter",
        None,
        &[("restart", "amnesia")]
    ),
    demo!("crdt-lww-skew", "crdt-lww-register"),
    demo!(
        "crdt-lww-ties",
        "crdt-lww-ties",
        "crdt-lww-register",
        None,
        &[("ties", "keep-mine")]
    ),
    demo!("crdt-siblings", "crdt-mvregister"),
    demo!("crdt-text", "crdt-text"),
    demo!(
        "crdt-text-naive",
        "crdt-text",
        "crdt-text",
        None,
        &[("text-merge", "naive")]
    ),
    demo!("pbft-equivocate", "pbft"),
    demo!("pbft-two-traitors", "pbft"),
    demo!(
        "pbft-seven-replicas",
        "pbft-two-traitors",
        "pbft",
        Some(7),
        &[]
    ),
    demo!("pbft-silent-pair", "pbft"),
    demo!("pbft-liar", "pbft"),
    demo!("failover-split-brain", "failover-naive"),
    demo!("failover-paused-primary", "failover-quorum"),
    demo!(
        "failover-fenced",
        "failover-paused-primary",
        "failover-quorum",
        None,
        &[("fencing", "on")]
    ),
    demo!("failover-slow-clock", "failover-quorum"),
    demo!("big-partition", "big-partition"),
];

pub fn find(name: &str) -> Option<&'static Demo> {
    DEMOS.iter().find(|d| d.name == name)
}

/// "unknown demonstration 'x'; the demonstrations are: …".
pub fn unknown(name: &str) -> String {
    let names: Vec<&str> = DEMOS.iter().map(|d| d.name).collect();
    format!(
        "unknown demonstration '{name}'; the demonstrations are: {} (see `statedist sim --list`)",
        names.join(", ")
    )
}
