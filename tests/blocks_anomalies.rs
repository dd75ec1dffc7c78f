//! Every block 2–3 anomaly, produced through the simulator, and absent
//! under the stronger setting. Runs use the shipped scripts.

use statedist::check::{Status, Verdict};
use statedist::scenario::{self, Params, Run};
use statedist::sim::script::Script;

const QUORUM_STALE: &str = include_str!("../assets/scripts/quorum-stale.script");
const LEADER_CRASH: &str = include_str!("../assets/scripts/leader-crash.script");
const SESSION: &str = include_str!("../assets/scripts/session-guarantees.script");
const CAUSAL: &str = include_str!("../assets/scripts/causal-reply.script");
const CONFLICT: &str = include_str!("../assets/scripts/multi-leader-conflict.script");

fn run(name: &str, settings: &[(&str, &str)], script: &str, seed: u64) -> Box<dyn Run> {
    let params = Params {
        seed,
        nodes: None,
        script: Script::parse(script).expect("script parses"),
        settings: settings
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let mut run = scenario::find(name)
        .expect("scenario exists")
        .start(&params)
        .expect("starts");
    run.run_until(10_000);
    run
}

fn verdict(run: &dyn Run, check: &str) -> Verdict {
    run.verdicts()
        .into_iter()
        .find(|v| v.check == check)
        .unwrap_or_else(|| panic!("no '{check}' verdict"))
}

fn assert_status(run: &dyn Run, check: &str, status: Status) -> Verdict {
    let v = verdict(run, check);
    assert_eq!(v.status, status, "{check}: {v:#?}");
    v
}

#[test]
fn quorum_r_plus_w_at_most_n_reads_stale_and_is_not_linearizable() {
    let r = run(
        "quorum",
        &[("n", "3"), ("w", "1"), ("r", "1")],
        QUORUM_STALE,
        3,
    );
    let stale = assert_status(r.as_ref(), "stale reads", Status::Fail);
    assert!(stale.summary.contains("returned x=1"), "{}", stale.summary);
    let lin = assert_status(r.as_ref(), "linearizability", Status::Fail);
    assert!(
        lin.summary.contains("read via n3 at 3.000s returned x=1"),
        "{}",
        lin.summary
    );
    assert!(
        lin.summary
            .contains("write x=2 via n1 had completed at 2.500s"),
        "{}",
        lin.summary
    );
    // The witness is the three operations that prove it.
    assert_eq!(lin.details.len(), 4, "{:#?}", lin.details);
}

#[test]
fn quorum_r_plus_w_above_n_reads_no_stale_value() {
    let r = run(
        "quorum",
        &[("n", "3"), ("w", "2"), ("r", "2")],
        QUORUM_STALE,
        3,
    );
    assert_status(r.as_ref(), "stale reads", Status::Pass);
    let lin = assert_status(r.as_ref(), "linearizability", Status::Pass);
    assert!(lin.summary.starts_with("linearizable"), "{}", lin.summary);
    // The cut-off read failed rather than lie.
    let op3 = &r.history().ops()[2];
    assert!(
        matches!(op3.outcome, statedist::sim::OpOutcome::Failed { .. }),
        "{op3:?}"
    );
}

#[test]
fn quorum_votes_pane_shows_who_acked() {
    let r = run("quorum", &[("w", "2"), ("r", "2")], QUORUM_STALE, 3);
    let panes = r.panes();
    let statedist::scenario::Pane::Table { title, rows, .. } = panes
        .iter()
        .find(|statedist::scenario::Pane::Table { title, .. }| title.starts_with("Quorum votes"))
        .expect("a votes pane");
    assert_eq!(title, "Quorum votes · newest first");
    let text: Vec<String> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| c.text.clone())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    assert!(
        text.iter().any(|t| t.contains("R=2 missed: 1")),
        "{text:#?}"
    );
    assert!(text.iter().any(|t| t.contains("W=2 met")), "{text:#?}");
}

#[test]
fn async_leader_crash_loses_an_acknowledged_write() {
    let r = run("leader-follower", &[("mode", "async")], LEADER_CRASH, 1);
    let lost = assert_status(r.as_ref(), "acknowledged writes", Status::Fail);
    assert!(
        lost.summary
            .contains("write x=2 via n1 was acknowledged at 2.030s"),
        "{}",
        lost.summary
    );
    assert!(
        lost.summary.contains("the leader of epoch"),
        "{}",
        lost.summary
    );
    // Reads from the survivors are stale, and the history not linearizable.
    assert_status(r.as_ref(), "stale reads", Status::Fail);
    assert_status(r.as_ref(), "linearizability", Status::Fail);
}

#[test]
fn sync_and_semi_sync_keep_the_acknowledged_write() {
    for mode in ["sync", "semi-sync"] {
        let r = run("leader-follower", &[("mode", mode)], LEADER_CRASH, 1);
        assert_status(r.as_ref(), "acknowledged writes", Status::Pass);
        assert_status(r.as_ref(), "stale reads", Status::Pass);
        assert_status(r.as_ref(), "linearizability", Status::Pass);
    }
}

#[test]
fn async_follower_reads_can_be_stale_and_sync_ones_here_are_not() {
    let script = "at 1.05s write n1 x=1; at 1.15s read n2 x";
    let r = run("leader-follower", &[("mode", "async")], script, 1);
    assert_status(r.as_ref(), "stale reads", Status::Fail);
    let r = run("leader-follower", &[("mode", "sync")], script, 1);
    assert_status(r.as_ref(), "stale reads", Status::Pass);
}

#[test]
fn failover_promotes_a_follower_and_the_old_leader_rejoins_as_follower() {
    let r = run("leader-follower", &[("mode", "async")], LEADER_CRASH, 1);
    let view = r.view();
    let leaders: Vec<_> = view.nodes.iter().filter(|n| n.role == "leader").collect();
    assert_eq!(leaders.len(), 1, "{view:?}");
    assert_ne!(leaders[0].id.0, 1);
    assert_eq!(view.nodes[0].role, "follower");
    assert!(
        r.trace()
            .events()
            .any(|e| e.text.contains("discards x=2@2"))
    );
}

#[test]
fn session_guarantees_off_break_read_your_writes_and_monotonic_reads() {
    let r = run("session", &[("guarantees", "off")], SESSION, 1);
    let ryw = assert_status(r.as_ref(), "read your writes", Status::Fail);
    assert!(
        ryw.summary.contains("its own write was gone"),
        "{}",
        ryw.summary
    );
    let mr = assert_status(r.as_ref(), "monotonic reads", Status::Fail);
    assert!(mr.summary.contains("time went backwards"), "{}", mr.summary);
}

#[test]
fn session_guarantees_on_prevent_both() {
    let r = run("session", &[("guarantees", "on")], SESSION, 1);
    assert_status(r.as_ref(), "read your writes", Status::Pass);
    assert_status(r.as_ref(), "monotonic reads", Status::Pass);
    // Each guarantee alone prevents its own anomaly here.
    let r = run("session", &[("ryw", "on"), ("mr", "off")], SESSION, 1);
    assert_status(r.as_ref(), "read your writes", Status::Pass);
    let r = run("session", &[("ryw", "off"), ("mr", "on")], SESSION, 1);
    assert_status(r.as_ref(), "monotonic reads", Status::Pass);
}

#[test]
fn session_node_refuses_rather_than_go_back_in_time() {
    // n3 is cut off from the primary: it can never catch up.
    let script = "at 0.5s partition 1,2 | 3; at 1s write n1 x=1; at 1.2s read n3 x";
    let r = run("session", &[("guarantees", "on")], script, 1);
    let op = &r.history().ops()[1];
    match &op.outcome {
        statedist::sim::OpOutcome::Failed { reason } => {
            assert!(
                reason.contains("refuses rather than answer from the past"),
                "{reason}"
            )
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_status(r.as_ref(), "read your writes", Status::Pass);
}

#[test]
fn eventual_delivery_shows_a_reply_before_its_post() {
    let r = run("causal", &[("mode", "eventual")], CAUSAL, 1);
    let v = assert_status(r.as_ref(), "causality", Status::Fail);
    assert!(
        v.summary.contains("returned nothing (post unset)"),
        "{}",
        v.summary
    );
    assert!(
        v.summary.contains("reply=1 written via n2"),
        "{}",
        v.summary
    );
}

#[test]
fn a_write_depends_on_what_its_node_had_applied_even_unread() {
    // Bob's node has the post; Bob replies without reading it first.
    let script = "at 0.9s partition 1,2 | 3; at 1s write n1 post=1; at 1.3s partition 1 | 2,3; \
                  at 1.4s write n2 reply=1; at 1.6s read n3 reply; at 1.7s read n3 post; at 3s heal";
    let r = run("causal", &[("mode", "eventual")], script, 1);
    let v = assert_status(r.as_ref(), "causality", Status::Fail);
    assert!(
        v.summary
            .contains("post=1 written via n1 at 1.000s → reply=1 written via n2"),
        "{}",
        v.summary
    );
    let r = run("causal", &[("mode", "causal")], script, 1);
    assert_status(r.as_ref(), "causality", Status::Pass);
}

#[test]
fn causal_delivery_never_does() {
    let r = run("causal", &[("mode", "causal")], CAUSAL, 1);
    assert_status(r.as_ref(), "causality", Status::Pass);
    assert!(
        r.trace()
            .events()
            .any(|e| e.text.contains("holds back reply=1"))
    );
    assert!(
        r.trace()
            .events()
            .any(|e| e.text.contains("releases reply=1"))
    );
    assert_status(r.as_ref(), "convergence", Status::Pass);
}

#[test]
fn multi_leader_counts_conflicts_and_lww_loses_one_write() {
    let r = run("multi-leader", &[], CONFLICT, 1);
    let v = assert_status(r.as_ref(), "write conflicts", Status::Fail);
    assert!(v.summary.starts_with("1 conflict"), "{}", v.summary);
    assert!(
        v.summary.contains("silently discarded x=1"),
        "{}",
        v.summary
    );
    assert_status(r.as_ref(), "convergence", Status::Pass);
    // Without a partition the second writer has seen the first: no conflict.
    let r = run(
        "multi-leader",
        &[],
        "at 1.2s write n1 x=1; at 1.4s write n2 x=2; at 3s read n3 x",
        1,
    );
    assert_status(r.as_ref(), "write conflicts", Status::Pass);
}

#[test]
fn multi_leader_with_a_slow_clock_loses_an_acknowledged_write() {
    let script = format!("at 0s skew n2 -1s\n{CONFLICT}");
    let r = run("multi-leader", &[], &script, 1);
    let v = assert_status(r.as_ref(), "acknowledged writes", Status::Fail);
    assert!(v.summary.contains("write x=2 via n2"), "{}", v.summary);
    let r = run("multi-leader", &[], CONFLICT, 1);
    assert_status(r.as_ref(), "acknowledged writes", Status::Pass);
}

#[test]
fn every_block_scenario_is_deterministic() {
    type Case = (
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
    );
    let cases: [Case; 5] = [
        ("quorum", QUORUM_STALE, &[("w", "1"), ("r", "1")]),
        ("leader-follower", LEADER_CRASH, &[]),
        ("session", SESSION, &[]),
        ("causal", CAUSAL, &[]),
        ("multi-leader", CONFLICT, &[]),
    ];
    for (name, script, settings) in cases {
        for seed in [1, 7] {
            let a = run(name, settings, script, seed);
            let b = run(name, settings, script, seed);
            assert_eq!(a.trace().hash(), b.trace().hash(), "{name} seed {seed}");
            assert_eq!(a.verdicts(), b.verdicts(), "{name} seed {seed}");
            assert_eq!(a.panes(), b.panes(), "{name} seed {seed}");
        }
    }
}

#[test]
fn knobs_change_settings_live() {
    use statedist::sim::Fault;
    let mut r = run("quorum", &[], "", 1);
    let knobs = r.knobs();
    let keys: Vec<char> = knobs.iter().map(|k| k.key).collect();
    assert_eq!(keys, vec!['n', 'W', 'E', 's']);
    r.apply(Fault::Tune("w".into(), "1".into()));
    assert_eq!(r.knobs()[1].value, "1");
    r.apply(Fault::Tune("n".into(), "1".into()));
    assert_eq!(r.knobs()[0].value, "1");
    assert_eq!(r.knobs()[2].value, "1", "R lowered to fit N");
    let mut r = run("leader-follower", &[], "", 1);
    r.apply(Fault::Tune("mode".into(), "sync".into()));
    assert_eq!(r.knobs()[0].value, "sync");
}

/// The replica pane's lag column for one node, after running to `t`.
fn lf_lag(script: &str, t: u64, node: &str) -> (String, statedist::scenario::Tone) {
    let params = Params {
        seed: 1,
        nodes: None,
        script: Script::parse(script).expect("script parses"),
        settings: Default::default(),
    };
    let mut r = scenario::find("leader-follower")
        .expect("scenario exists")
        .start(&params)
        .expect("starts");
    r.run_until(t);
    let statedist::scenario::Pane::Table { header, rows, .. } = r.panes().remove(0);
    let col = header
        .iter()
        .position(|h| h == "lag")
        .expect("a lag column");
    let row = rows
        .iter()
        .find(|row| row[0].text.contains(node))
        .unwrap_or_else(|| panic!("no row for {node}: {rows:#?}"));
    (row[col].text.clone(), row[col].tone)
}

#[test]
fn leader_follower_lag_names_entries_the_leader_does_not_have() {
    // n1 crashes holding x=2 (async, never shipped); a follower is promoted
    // without it. n1's log is one entry longer than the new leader's, and
    // that entry is not the leader's: it is not "0 behind".
    let (lag, tone) = lf_lag(LEADER_CRASH, 4_500, "n1");
    assert!(!lag.contains("0 behind"), "{lag}");
    assert!(lag.contains("1 entry not in the leader's log"), "{lag}");
    assert_eq!(tone, statedist::scenario::Tone::Bad, "{lag}");
    // Once n1 is back and has discarded it, it is level again.
    let (lag, tone) = lf_lag(LEADER_CRASH, 7_000, "n1");
    assert!(lag.starts_with("0 behind"), "{lag}");
    assert_eq!(tone, statedist::scenario::Tone::Good, "{lag}");
}

#[test]
fn quorum_coordinator_restart_does_not_count_acks_of_its_previous_life() {
    // n1 coordinates write x=1, crashes and restarts before the acks come
    // back, then coordinates write x=2 with W=3. n3 is down by then and
    // never stores x=2, so the write must not be acknowledged: the late
    // acks of x=1 must not count for it.
    let script = "at 0s delay 10-10ms; at 0.1s write n1 x=1; at 0.101s crash 1; \
        at 0.102s restart 1; at 0.115s crash 3; at 0.116s write n1 x=2";
    let r = run("quorum", &[("n", "3"), ("w", "3"), ("r", "1")], script, 1);
    let second = &r.history().ops()[1];
    assert_eq!(
        second.kind,
        statedist::sim::OpKind::Write {
            key: "x".into(),
            value: 2
        }
    );
    assert!(
        !second.is_ok(),
        "acknowledged with n3 down: {}",
        second.describe()
    );
}

#[test]
fn convergence_is_not_failed_while_the_network_loses_messages() {
    // Every message is lost: the replicas cannot converge, and the network
    // is not quiet — "still disagree although the network has been quiet"
    // would blame the protocol for the network's loss.
    for name in ["cap-ap", "multi-leader", "causal"] {
        let r = run(name, &[], "at 0s loss 100%; at 0.1s write n1 x=1", 1);
        let v = verdict(r.as_ref(), "convergence");
        assert_ne!(v.status, Status::Fail, "{name}: {v:#?}");
    }
}
