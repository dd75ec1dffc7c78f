//! The link-level network: one-way cuts, isolation, per-link loss and
//! latency, and bridge partitions, each traced with the rule that dropped a
//! message.

use statedist::scenario::{self, Params, Run};
use statedist::sim::script::Script;
use statedist::sim::{NodeId, OpOutcome, TraceEvent, TraceKind};

fn run(name: &str, nodes: usize, seed: u64, script: &str, until: u64) -> Box<dyn Run> {
    let params = Params {
        seed,
        nodes: Some(nodes),
        script: Script::parse(script).unwrap(),
        ..Params::default()
    };
    let mut r = scenario::find(name).unwrap().start(&params).unwrap();
    r.run_until(until);
    r
}

fn delivered(r: &dyn Run, from: u32, to: u32) -> Vec<&TraceEvent> {
    r.trace()
        .events()
        .filter(|e| {
            e.kind == TraceKind::Deliver
                && e.peer == Some(NodeId(from))
                && e.node == Some(NodeId(to))
        })
        .collect()
}

fn dropped(r: &dyn Run, from: u32, to: u32) -> Vec<&TraceEvent> {
    r.trace()
        .events()
        .filter(|e| {
            e.kind == TraceKind::Drop && e.peer == Some(NodeId(from)) && e.node == Some(NodeId(to))
        })
        .collect()
}

#[test]
fn one_way_cuts_silence_n1_but_let_it_hear_the_others() {
    let r = run(
        "cap-cp",
        3,
        1,
        "at 1s cut 1->2; at 1s cut 1->3; at 1.5s write n1 x=1; at 2s write n2 x=2",
        5000,
    );
    for to in [2, 3] {
        assert!(delivered(&*r, 1, to).is_empty(), "n{to} heard n1");
        let drops = dropped(&*r, 1, to);
        assert!(!drops.is_empty());
        assert!(
            drops.iter().all(|e| e.text.contains("cut one way")),
            "{:?}",
            drops[0].text
        );
    }
    // n1 still hears n2: n2's write reaches it and it learns the value.
    assert!(!delivered(&*r, 2, 1).is_empty());
    let ops = r.history().ops();
    assert!(
        matches!(&ops[0].outcome, OpOutcome::Failed { reason } if reason.contains("unavailable")),
        "{:?}",
        ops[0].outcome
    );
    assert!(ops[1].is_ok(), "{:?}", ops[1].outcome);
}

#[test]
fn a_two_way_cut_and_heal() {
    let r = run(
        "cap-ap",
        3,
        2,
        "at 0.5s cut 1<->2; at 1s write n1 x=1; at 1.2s write n2 x=2; at 3s heal; at 3.1s write n1 x=3",
        4000,
    );
    let cut_window = |e: &&&TraceEvent| (500..3000).contains(&e.time);
    assert_eq!(delivered(&*r, 1, 2).iter().filter(cut_window).count(), 0);
    assert_eq!(delivered(&*r, 2, 1).iter().filter(cut_window).count(), 0);
    assert!(
        dropped(&*r, 2, 1)
            .iter()
            .any(|e| e.text.contains("cut both ways"))
    );
    // n3 was never cut off.
    assert!(
        delivered(&*r, 1, 3)
            .iter()
            .any(|e| (500..3000).contains(&e.time))
    );
    // After the heal the link carries messages again.
    assert!(delivered(&*r, 1, 2).iter().any(|e| e.time > 3000));
}

#[test]
fn an_isolated_node_reaches_nobody_and_is_reached_by_nobody() {
    let r = run(
        "cap-cp",
        5,
        3,
        "at 1s isolate 2; at 1.5s write n2 x=1; at 2s write n1 x=2; at 2.5s read n3 x",
        4000,
    );
    for other in [1, 3, 4, 5] {
        assert!(delivered(&*r, 2, other).iter().all(|e| e.time < 1000));
        assert!(delivered(&*r, other, 2).iter().all(|e| e.time < 1000));
    }
    assert!(
        dropped(&*r, 1, 2)
            .iter()
            .any(|e| e.text.contains("n2 is isolated"))
    );
    let ops = r.history().ops();
    assert!(matches!(ops[0].outcome, OpOutcome::Failed { .. }));
    assert!(ops[1].is_ok() && ops[2].is_ok());
}

#[test]
fn per_link_loss_drops_about_its_share_on_that_link_only() {
    // cap-ap gossips every second to every peer: 60 s gives ~60 messages a link.
    let r = run(
        "cap-ap",
        3,
        4,
        "at 0s link 1->2 loss 50%; at 0.1s write n1 x=1; at 0.2s write n2 y=1",
        60_000,
    );
    let sent = |from: u32, to: u32| {
        r.trace()
            .events()
            .filter(|e| {
                e.kind == TraceKind::Send
                    && e.node == Some(NodeId(from))
                    && e.peer == Some(NodeId(to))
            })
            .count()
    };
    let lost_1_2 = dropped(&*r, 1, 2);
    let attempts = sent(1, 2) + lost_1_2.len();
    assert!(attempts > 40, "{attempts}");
    let share = lost_1_2.len() as f64 / attempts as f64;
    assert!((0.25..=0.75).contains(&share), "lost {share} on n1→n2");
    assert!(
        lost_1_2
            .iter()
            .all(|e| e.text.contains("lost by the network"))
    );
    // The reverse link and the others lose nothing.
    for (a, b) in [(2, 1), (1, 3), (3, 1), (2, 3)] {
        assert!(dropped(&*r, a, b).is_empty(), "n{a}→n{b} lost messages");
    }
}

#[test]
fn per_link_delay_sets_that_links_latency() {
    let r = run(
        "cap-ap",
        3,
        5,
        "at 0s link 2->3 delay 200-400ms; at 0.1s write n2 x=1; at 0.2s write n3 y=1",
        10_000,
    );
    let sends: Vec<&TraceEvent> = r
        .trace()
        .events()
        .filter(|e| e.kind == TraceKind::Send)
        .collect();
    let latencies = |from: u32, to: u32| -> Vec<u64> {
        let got = delivered(&*r, from, to);
        let sent: Vec<u64> = sends
            .iter()
            .filter(|e| e.node == Some(NodeId(from)) && e.peer == Some(NodeId(to)))
            .map(|e| e.time)
            .collect();
        sent.iter().zip(&got).map(|(s, d)| d.time - s).collect()
    };
    let slow = latencies(2, 3);
    assert!(slow.len() > 5);
    assert!(slow.iter().all(|l| (200..=400).contains(l)), "{slow:?}");
    let fast = latencies(3, 2);
    assert!(fast.iter().all(|l| *l <= 30), "{fast:?}");
}

#[test]
fn a_bridge_reaches_both_halves_that_cannot_reach_each_other() {
    let r = run(
        "cap-ap",
        5,
        6,
        "at 0.5s bridge 3 | 1,2 | 4,5; at 1s write n1 x=1; at 1.2s write n4 x=2",
        6000,
    );
    let after = |v: Vec<&TraceEvent>| v.into_iter().filter(|e| e.time > 500).count();
    for a in [1, 2] {
        for b in [4, 5] {
            assert_eq!(after(delivered(&*r, a, b)), 0, "n{a}→n{b}");
            assert_eq!(after(delivered(&*r, b, a)), 0, "n{b}→n{a}");
            assert!(
                dropped(&*r, a, b)
                    .iter()
                    .any(|e| e.text.contains("bridge partition"))
            );
        }
    }
    for other in [1, 2, 4, 5] {
        assert!(after(delivered(&*r, 3, other)) > 0, "n3→n{other}");
        assert!(after(delivered(&*r, other, 3)) > 0, "n{other}→n3");
    }
}

#[test]
fn link_steps_are_checked_up_front() {
    let err = |s: &str| Script::parse(s).unwrap_err().to_string();
    assert_eq!(
        err("at 1s cut 1-2"),
        "script:1:11: '1-2' is not a link: expected e.g. 1->2 (one way) or 1<->2 (both ways), without spaces"
    );
    assert_eq!(
        err("at 1s cut 2->2"),
        "script:1:11: a link joins two different nodes, not n2 to itself"
    );
    assert_eq!(
        err("at 1s cut 1->x"),
        "script:1:14: 'x' is not a node: expected a node number such as 3 or n3"
    );
    assert_eq!(
        err("at 1s link 1->2"),
        "script:1:16: the step ends early: expected 'loss 10%' or 'delay 20-80ms' after the link"
    );
    assert_eq!(
        err("at 1s bridge 3 | 1,2"),
        "script:1:7: a bridge needs three groups: 'bridge 3 | 1,2 | 4,5' (the bridge, then the two halves it joins)"
    );
    // Node numbers inside links are checked against the cluster size.
    let s = Script::parse("at 1s cut 1->7").unwrap();
    assert_eq!(
        s.validate(5).unwrap_err().to_string(),
        "script:1:14: there is no node 7: this cluster has nodes 1 to 5"
    );
}

#[test]
fn a_partition_replaces_a_bridge_and_keeps_hand_made_cuts() {
    let r = run(
        "cap-ap",
        5,
        7,
        "at 0.2s cut 2->3; at 0.5s bridge 3 | 1,2 | 4,5; at 1s partition 1,4 | 2,3,5; \
         at 1.5s write n1 x=1; at 1.6s write n2 y=1",
        3000,
    );
    // n1 and n4 share a side now: the bridge's cut between them is gone.
    assert!(delivered(&*r, 1, 4).iter().any(|e| e.time > 1000));
    // The hand-made one-way cut survives both the bridge and the partition.
    assert!(delivered(&*r, 2, 3).is_empty());
    assert!(
        dropped(&*r, 2, 3)
            .iter()
            .all(|e| e.text.contains("cut one way"))
    );
}
