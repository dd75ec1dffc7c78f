//! Protocol guarantees under random fault schedules: partitions, crashes,
//! restarts and client operations at random times. Each property is one a
//! lesson states; a counterexample prints as a replayable script.

use proptest::prelude::*;
use statedist::check::{Status, Verdict};
use statedist::protocols::leader_follower::{LfConfig, LfNode, Replication};
use statedist::scenario::{self, Params, Run, SimRun};
use statedist::sim::script::Script;
use statedist::sim::{Node, NodeId, WorldConfig};

/// One random step as script text. Write values are filled in later so
/// every write is unique.
fn step(nodes: u8, keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    (0u64..90, 0u8..10, 1..=nodes, 0..keys.len()).prop_map(move |(slot, kind, n, k)| {
        let at = format!("at {}ms", slot * 100 + 5);
        let key = keys[k];
        match kind {
            0 => {
                let rest: Vec<String> = (1..=nodes)
                    .filter(|&m| m != n)
                    .map(|m| m.to_string())
                    .collect();
                format!("{at} partition {n} | {}", rest.join(","))
            }
            1 => format!("{at} heal"),
            2 => format!("{at} crash {n}"),
            3 => format!("{at} restart {n}"),
            4..=6 => format!("{at} write n{n} {key}=VALUE"),
            _ => format!("{at} read n{n} {key}"),
        }
    })
}

fn schedule(nodes: u8, keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(step(nodes, keys), 1..40).prop_map(|steps| {
        let mut out = String::new();
        for (i, s) in steps.into_iter().enumerate() {
            out += &s.replace("VALUE", &(i + 1).to_string());
            out.push('\n');
        }
        out
    })
}

fn run(name: &str, nodes: usize, settings: &[(&str, &str)], script: &str) -> Box<dyn Run> {
    let params = Params {
        seed: 11,
        nodes: Some(nodes),
        script: Script::parse(script).expect("generated scripts parse"),
        settings: settings
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let mut r = scenario::find(name)
        .expect("exists")
        .start(&params)
        .expect("starts");
    r.run_until(12_000);
    r
}

/// Moves the k-th write k ms later, so no two writes share a millisecond.
fn writes_a_millisecond_apart(script: &str) -> String {
    let mut k = 0;
    let mut out = String::new();
    for line in script.lines() {
        let mut parts = line.splitn(3, ' ');
        let (at, time, rest) = (parts.next(), parts.next(), parts.next());
        match (at, time.and_then(|t| t.strip_suffix("ms")), rest) {
            (Some("at"), Some(ms), Some(rest)) if rest.starts_with("write") => {
                k += 1;
                let ms: u64 = ms.parse().expect("generated times are whole ms");
                out += &format!("at {}ms {rest}\n", ms + k);
            }
            _ => {
                out += line;
                out.push('\n');
            }
        }
    }
    out
}

/// The other side of that property: two writes through different nodes in
/// the same millisecond get equal timestamps, so last-writer-wins keeps the
/// one from the higher node id even when it finished first. With W=1 both
/// are acknowledged at once, one after the other, and a read that begins
/// after both returns the earlier one: stale, although R + W > N.
#[test]
fn lww_ties_within_a_millisecond_make_even_strict_quorums_read_stale() {
    let script = "at 305ms write n2 x=1\nat 305ms write n1 x=2\nat 305ms read n1 x\n";
    let r = run("quorum", 3, &[("w", "1"), ("r", "3")], script);
    let ops = r.history().ops();
    assert!(ops[0].precedes(&ops[1]) && ops[1].precedes(&ops[2]));
    assert_eq!(ops[2].read_value(), Some(Some(1)));
    assert_eq!(verdict(r.as_ref(), "stale reads").status, Status::Fail);
    assert_eq!(verdict(r.as_ref(), "linearizability").status, Status::Fail);
    // A millisecond apart, the later write's timestamp wins.
    let script = "at 305ms write n2 x=1\nat 306ms write n1 x=2\nat 306ms read n1 x\n";
    let r = run("quorum", 3, &[("w", "1"), ("r", "3")], script);
    assert_eq!(r.history().ops()[2].read_value(), Some(Some(2)));
    assert_eq!(verdict(r.as_ref(), "stale reads").status, Status::Pass);
}

fn verdict(r: &dyn Run, check: &str) -> Verdict {
    r.verdicts()
        .into_iter()
        .find(|v| v.check == check)
        .expect("verdict")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// Strict quorums (R + W > N), no clock skew, no two writes in one
    /// millisecond: a read never misses a write acknowledged before it
    /// began, whatever the network does. (Writes in the same millisecond
    /// tie on their timestamps, and last-writer-wins then breaks the tie by
    /// node id, not by real time: see `lww_ties_within_a_millisecond_...`.)
    #[test]
    fn strict_quorums_never_read_stale(script in schedule(3, &["x", "y"]), wr in 0usize..3) {
        let (w, r) = [("2", "2"), ("3", "1"), ("1", "3")][wr];
        let script = writes_a_millisecond_apart(&script);
        let run = run("quorum", 3, &[("w", w), ("r", r)], &script);
        let v = verdict(run.as_ref(), "stale reads");
        prop_assert_eq!(v.status, Status::Pass, "{:#?}\nscript:\n{}", v, script);
    }

    /// Synchronous replication never loses an acknowledged write, and no
    /// epoch ever has two leaders.
    #[test]
    fn sync_replication_loses_nothing_and_elects_one_leader_per_epoch(
        script in schedule(3, &["x"]),
        five in any::<bool>(),
    ) {
        let nodes = if five { 5 } else { 3 };
        let mut sim = SimRun::<LfNode>::new(
            "leader-follower",
            WorldConfig::new(11, nodes),
            LfConfig::new(Replication::Sync),
            Script::parse(&script).expect("parses"),
        );
        let mut leaders: std::collections::BTreeMap<u64, NodeId> = Default::default();
        while sim.now() < 12_000 && sim.step() {
            let w = sim.world();
            for i in 0..nodes {
                let id = NodeId::from_index(i);
                let n = w.node(id);
                if n.is_leader() {
                    let first = *leaders.entry(n.epoch()).or_insert(id);
                    prop_assert_eq!(first, id, "two leaders in epoch {}\nscript:\n{}", n.epoch(), script);
                }
            }
        }
        let v = verdict(&sim, "acknowledged writes");
        prop_assert_ne!(v.status, Status::Fail, "{:#?}\nscript:\n{}", v, script);
    }

    /// In every replication mode: one leader per epoch, and any two logs
    /// that hold an entry at the same position from the same epoch agree
    /// on it and on everything before it (log matching).
    #[test]
    fn every_mode_keeps_election_safety_and_log_matching(
        script in schedule(3, &["x", "y"]),
        mode in 0usize..3,
        five in any::<bool>(),
    ) {
        let nodes = if five { 5 } else { 3 };
        let mode = [Replication::Async, Replication::SemiSync, Replication::Sync][mode];
        let mut sim = SimRun::<LfNode>::new(
            "leader-follower",
            WorldConfig::new(11, nodes),
            LfConfig::new(mode),
            Script::parse(&script).expect("parses"),
        );
        let mut leaders: std::collections::BTreeMap<u64, NodeId> = Default::default();
        while sim.now() < 12_000 && sim.step() {
            let w = sim.world();
            for i in 0..nodes {
                let id = NodeId::from_index(i);
                if w.node(id).is_leader() {
                    let first = *leaders.entry(w.node(id).epoch()).or_insert(id);
                    prop_assert_eq!(first, id, "two leaders in one epoch\nscript:\n{}", script);
                }
            }
        }
        let w = sim.world();
        for a in 0..nodes {
            for b in a + 1..nodes {
                let la = &w.node(NodeId::from_index(a)).durable().log;
                let lb = &w.node(NodeId::from_index(b)).durable().log;
                let common = la.len().min(lb.len());
                if let Some(i) = (0..common).rev().find(|&i| la[i].epoch == lb[i].epoch) {
                    prop_assert_eq!(&la[..=i], &lb[..=i], "logs diverge\nscript:\n{}", script);
                }
            }
        }
    }

    /// Once the network is healed and every node is back, multi-leader and
    /// both causal modes converge: every replica holds the same values.
    #[test]
    fn eventually_consistent_stores_converge_after_heal(
        script in schedule(3, &["x", "post"]),
        which in 0usize..3,
    ) {
        let (name, settings): (&str, &[(&str, &str)]) = [
            ("multi-leader", &[][..]),
            ("causal", &[("mode", "eventual")][..]),
            ("causal", &[("mode", "causal")][..]),
        ][which];
        let script = format!(
            "{script}at 9.5s heal\nat 9.5s restart 1\nat 9.5s restart 2\nat 9.5s restart 3\n"
        );
        let params = Params {
            seed: 11,
            nodes: Some(3),
            script: Script::parse(&script).expect("parses"),
            settings: settings.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        };
        let mut r = scenario::find(name).expect("exists").start(&params).expect("starts");
        r.run_until(16_000);
        let v = verdict(r.as_ref(), "convergence");
        prop_assert_eq!(v.status, Status::Pass, "{} {:?}: {:#?}\nscript:\n{}", name, settings, v, script);
    }

    /// Causal delivery: no client ever sees an effect without its cause.
    #[test]
    fn causal_delivery_never_shows_an_effect_without_its_cause(
        script in schedule(3, &["post", "reply", "x"]),
    ) {
        let run = run("causal", 3, &[("mode", "causal")], &script);
        let v = verdict(run.as_ref(), "causality");
        prop_assert_eq!(v.status, Status::Pass, "{:#?}\nscript:\n{}", v, script);
    }

    /// With both session guarantees on, the client never loses its own
    /// writes and never goes back in time.
    #[test]
    fn session_guarantees_hold(script in schedule(3, &["x", "y"])) {
        let run = run("session", 3, &[("guarantees", "on")], &script);
        for check in ["read your writes", "monotonic reads"] {
            let v = verdict(run.as_ref(), check);
            prop_assert_eq!(v.status, Status::Pass, "{:#?}\nscript:\n{}", v, script);
        }
    }
}
