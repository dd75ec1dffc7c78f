//! The simulator kernel's promises: determinism, partitions that really cut,
//! durable state that survives a crash, and the CAP register's behaviour.

use proptest::prelude::*;
use statedist::protocols::cap::{CapConfig, CapNode, Mode};
use statedist::protocols::register::{read, write};
use statedist::scenario::{self, Params, Run};
use statedist::sim::script::Script;
use statedist::sim::{Fault, Node, NodeId, Side, TraceKind, World, WorldConfig};

fn start(name: &str, seed: u64, script: &str) -> Box<dyn Run> {
    let params = Params {
        seed,
        script: Script::parse(script).unwrap(),
        ..Params::default()
    };
    scenario::find(name).unwrap().start(&params).unwrap()
}

const BUSY: &str = "at 0s loss 5%; at 0s dup 5%; at 0s delay 5-60ms; at 0.3s write n1 x=1; at 0.5s write n2 x=2; \
    at 0.7s partition 1 | 2,3; at 0.8s write n1 x=3; at 0.9s read n2 x; at 1.1s crash 3; at 1.3s write n2 x=4; \
    at 1.6s restart 3; at 1.8s heal; at 2s read n1 x; at 2.2s read n3 x";

#[test]
fn same_seed_same_trace_for_100_seeds() {
    for name in ["cap-cp", "cap-ap"] {
        let mut hashes = std::collections::BTreeSet::new();
        for seed in 0..100 {
            let mut a = start(name, seed, BUSY);
            let mut b = start(name, seed, BUSY);
            a.run_until(4000);
            b.run_until(4000);
            assert_eq!(
                a.trace().hash(),
                b.trace().hash(),
                "{name} seed {seed} differs between runs"
            );
            assert_eq!(a.trace().total(), b.trace().total());
            hashes.insert(a.trace().hash());
        }
        // Different seeds should generally give different runs.
        assert!(
            hashes.len() > 90,
            "{name}: only {} distinct traces over 100 seeds",
            hashes.len()
        );
    }
}

#[test]
fn reset_replays_the_same_run() {
    let mut r = start("cap-ap", 5, BUSY);
    r.run_until(3000);
    let first = r.trace().hash();
    r.apply(Fault::Crash(NodeId(1)));
    r.run_until(3500);
    r.reset();
    r.run_until(3000);
    assert_eq!(r.trace().hash(), first);
    assert!(r.actions().is_empty());
}

#[test]
fn step_handles_exactly_one_visible_event() {
    let mut r = start("cap-cp", 1, "at 0.1s write n1 x=1");
    let mut last = 0;
    while r.step() {
        let total = r.trace().total();
        assert!(total > last, "a step must record something");
        last = total;
        if r.now() > 2000 {
            break;
        }
    }
    assert!(last > 5);
}

#[test]
fn cap_cp_acceptance_run() {
    let mut r = start(
        "cap-cp",
        7,
        "at 1s partition 1 | 2,3; at 1.2s write n1 x=1; at 1.4s write n2 x=2; at 3s heal; at 3.5s read n1 x",
    );
    r.run_until(10_000);
    let ops = r.history().ops();
    assert!(
        ops[0].describe().contains("FAILED"),
        "{}",
        ops[0].describe()
    );
    assert!(ops[0].describe().contains("unavailable"));
    assert!(ops[1].is_ok());
    assert_eq!(ops[2].read_value(), Some(Some(2)));
    let v = r.verdicts();
    assert!(
        v.iter().any(|v| v.summary.starts_with("no stale reads")),
        "{v:?}"
    );
}

#[test]
fn cap_cp_minority_never_serves_reads() {
    let mut r = start(
        "cap-cp",
        3,
        "at 0.1s write n1 x=1; at 1s partition 1 | 2,3; at 1.5s write n2 x=2; at 2s read n1 x",
    );
    r.run_until(5000);
    let read = &r.history().ops()[2];
    assert!(read.describe().contains("FAILED"), "{}", read.describe());
}

#[test]
fn cap_ap_diverges_then_converges_and_names_the_stale_read() {
    let mut r = start(
        "cap-ap",
        7,
        "at 1s partition 1 | 2,3; at 1.2s write n1 x=1; at 1.4s write n2 x=2; at 2s read n1 x; at 2.1s read n2 x; at 3s heal",
    );
    r.run_until(2500);
    let state = |r: &dyn Run, i: usize| r.view().nodes[i].state.clone();
    assert_ne!(
        state(r.as_ref(), 0),
        state(r.as_ref(), 1),
        "sides should diverge during the partition"
    );
    r.run_until(10_000);
    assert!(
        r.history().ops().iter().all(|o| o.is_ok()),
        "AP stays available"
    );
    assert_eq!(state(r.as_ref(), 0), state(r.as_ref(), 1));
    assert_eq!(state(r.as_ref(), 1), state(r.as_ref(), 2));
    let v = r.verdicts();
    let stale = v.iter().find(|v| v.check == "stale reads").unwrap();
    assert!(
        stale
            .summary
            .contains("read of x via n1 at 2.000s returned x=1"),
        "{}",
        stale.summary
    );
    assert!(
        v.iter()
            .any(|v| v.check == "convergence" && v.summary.contains("same values")),
        "{v:?}"
    );
}

#[test]
fn lww_with_skew_loses_the_later_write() {
    // n1's clock runs 1 s fast, so its earlier write outranks n2's later one.
    let mut r = start(
        "cap-ap",
        1,
        "at 0s skew n1 +1s; at 1s write n1 x=1; at 1.5s write n2 x=2; at 4s read n2 x",
    );
    r.run_until(6000);
    assert_eq!(r.history().ops()[2].read_value(), Some(Some(1)));
}

fn world(seed: u64) -> World<CapNode> {
    world_in(seed, Mode::Ap)
}

fn world_in(seed: u64, mode: Mode) -> World<CapNode> {
    let mut wc = WorldConfig::new(seed, 5);
    wc.net.latency = (1, 50);
    World::new(wc, CapConfig::new(mode))
}

fn arb_fault() -> impl Strategy<Value = Fault> {
    let node = (1u32..=5).prop_map(NodeId);
    prop_oneof![
        (node.clone(), 0u8..3).prop_map(|(n, s)| Fault::SetSide(n, Side(s))),
        Just(Fault::Heal),
        node.clone().prop_map(Fault::Crash),
        node.clone().prop_map(Fault::Restart),
        (node.clone(), 0i64..5).prop_map(|(n, v)| write(n, "x", v)),
        (node.clone(), 0i64..5).prop_map(|(n, v)| write(n, "y", v)),
        node.prop_map(|n| read(n, "x")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// No message is ever delivered between nodes on different sides: after
    /// every single event, a delivery's two ends must be on one side.
    #[test]
    fn no_message_crosses_a_partition(seed in any::<u64>(), faults in prop::collection::vec((0u64..3000, arb_fault()), 1..40)) {
        let mut w = world(seed);
        let mut faults = faults;
        faults.sort_by_key(|f| f.0);
        let check = |w: &World<CapNode>| -> Result<(), TestCaseError> {
            let e = w.trace().last().unwrap();
            if e.kind == TraceKind::Deliver {
                let (to, from) = (e.node.unwrap(), e.peer.unwrap());
                prop_assert!(w.network().connected(to, from), "delivered across a partition: {}", e.text);
            }
            Ok(())
        };
        for (at, f) in faults.into_iter().chain([(5000, Fault::Heal)]) {
            while w.next_event_time().is_some_and(|t| t <= at) {
                if w.step() {
                    check(&w)?;
                }
            }
            w.run_until(at);
            w.apply(f);
        }
    }

    /// A crash loses volatile state only: the durable store after restart is
    /// exactly the store at the moment of the crash.
    #[test]
    fn durable_state_survives_restart(seed in any::<u64>(), cp in any::<bool>(), writes in prop::collection::vec((1u32..=5, 0i64..100), 1..20), victim in 1u32..=5) {
        let mut w = world_in(seed, if cp { Mode::Cp } else { Mode::Ap });
        for (i, (n, v)) in writes.iter().enumerate() {
            w.run_until(i as u64 * 50);
            w.apply(write(NodeId(*n), &format!("k{}", i % 3), *v));
        }
        w.run_until(2000);
        let victim = NodeId(victim);
        w.apply(Fault::Crash(victim));
        let before = w.node(victim).durable().clone();
        w.run_until(3000);
        w.apply(Fault::Restart(victim));
        prop_assert_eq!(w.node(victim).durable(), &before);
        prop_assert!(w.is_up(victim));
    }
}

#[test]
fn session_primary_applies_a_duplicated_forward_once() {
    use statedist::protocols::session::{PRIMARY, SessionConfig, SessionNode};
    // The network duplicates every message: a write forwarded by n2 reaches
    // the primary twice, but the client asked for one write.
    let mut w: World<SessionNode> = World::new(WorldConfig::new(3, 3), SessionConfig::new(true));
    w.apply(Fault::Duplicate(1.0));
    w.apply(write(NodeId(2), "x", 1));
    w.run_until(2000);
    assert!(w.history().ops()[0].is_ok(), "{:?}", w.history().ops()[0]);
    assert_eq!(
        w.node(PRIMARY).applied(),
        1,
        "{:?}",
        w.node(PRIMARY).store()
    );
}

/// A 5-node Raft cluster with a leader elected (at 1 s).
fn raft_world(seed: u64) -> (World<statedist::protocols::raft::RaftNode>, NodeId) {
    use statedist::protocols::raft::RaftConfig;
    let mut w = World::new(WorldConfig::new(seed, 5), RaftConfig::default());
    w.run_until(1000);
    let l = statedist::scenario::raft::leader(&w).expect("a leader after 1 s");
    (w, l)
}

#[test]
fn a_paused_node_does_nothing_then_handles_what_waited() {
    let (mut w, l) = raft_world(3);
    let before = w.trace().total();
    w.apply(Fault::Pause(l, 3000));
    assert_eq!(w.paused_until(l), Some(4000));
    w.run_until(3990);
    let during: Vec<_> = w
        .trace()
        .events()
        .filter(|e| e.seq > before)
        .filter(|e| e.node == Some(l) && e.kind != TraceKind::Fault)
        .map(|e| e.text.clone())
        .collect();
    // Frozen: it neither sent, received nor fired a timer.
    let own: Vec<_> = w
        .trace()
        .events()
        .filter(|e| e.seq > before && e.kind == TraceKind::Send && e.node == Some(l))
        .collect();
    assert!(own.is_empty(), "{own:?}");
    assert!(during.is_empty(), "{during:?}");
    // The others elected someone else meanwhile.
    let other = statedist::scenario::raft::leader(&w);
    assert!(other.is_some_and(|o| o != l), "{other:?}");
    w.run_until(4000);
    assert_eq!(w.paused_until(l), None);
    let texts: Vec<String> = w
        .trace()
        .events()
        .filter(|e| e.seq > before && e.node == Some(l))
        .map(|e| e.text.clone())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("wakes from its pause")),
        "{texts:?}"
    );
    let waited = texts
        .iter()
        .filter(|t| t.contains("(it waited during the pause)"))
        .count();
    assert!(waited > 0, "{texts:?}");
    w.run_until(5000);
    assert!(
        !w.node(l).is_leader(),
        "the old leader learned of the new term"
    );
}

#[test]
fn a_crash_during_a_pause_drops_what_waited() {
    let (mut w, l) = raft_world(4);
    w.apply(Fault::Pause(l, 3000));
    w.run_until(2000);
    w.apply(Fault::Crash(l));
    assert_eq!(w.paused_until(l), None);
    w.run_until(2500);
    w.apply(Fault::Restart(l));
    w.run_until(5000);
    let woke = w
        .trace()
        .events()
        .any(|e| e.text.contains("wakes from its pause"));
    assert!(!woke, "a crashed node's pause ended with the crash");
}

#[test]
fn a_drifting_clock_stretches_timers_and_the_wall_clock() {
    let (mut w, l) = raft_world(5);
    let slow = NodeId(l.0 % 5 + 1);
    // Cut off, its election timer (150-300 ms on its own clock) runs out
    // again and again; at half speed each takes 300-600 ms of true time.
    w.apply(Fault::Isolate(slow));
    w.apply(Fault::Drift(slow, -50));
    assert_eq!(w.drift(slow), -50);
    w.run_until(3000);
    // 2 s of true time at half speed: its clock is 1 s behind.
    assert_eq!(w.skew(slow), -1000);
    let fired: Vec<u64> = w
        .trace()
        .events()
        .filter(|e| e.kind == TraceKind::Timer && e.node == Some(slow) && e.time > 1000)
        .map(|e| e.time)
        .collect();
    assert!(fired.len() >= 3, "{fired:?}");
    for gap in fired.windows(2).map(|p| p[1] - p[0]) {
        assert!((300..=600).contains(&gap), "{fired:?}");
    }
    w.apply(Fault::Drift(slow, 0));
    w.run_until(4000);
    assert_eq!(w.skew(slow), -1000, "an offset stays once the drift stops");
}

#[test]
fn a_drift_change_reschedules_timers_armed_before_it() {
    use statedist::protocols::failover::{Election, FoConfig, FoNode};
    let mut w: World<FoNode> =
        World::new(WorldConfig::new(1, 3), FoConfig::new(Election::Majority));
    // n2's failover watch (1-1.3 s on its clock) was armed at the start;
    // its clock now runs twice as fast, so it runs out within 0.65 s.
    w.apply(Fault::Isolate(NodeId(2)));
    w.apply(Fault::Drift(NodeId(2), 100));
    w.run_until(2000);
    let first = w
        .trace()
        .events()
        .find(|e| e.node == Some(NodeId(2)) && e.text.contains("has heard no heartbeat"))
        .map(|e| e.time)
        .expect("n2's watch ran out");
    assert!(first <= 650, "fired at {first} ms");
}
