//! Raw kernel throughput: events per second under load on the CAP register
//! (5 nodes and 1000), Raft (5 nodes), OR-Set replicas (5) and PBFT (4 and
//! 10 replicas).
//!
//! `cargo bench --bench kernel` — divan prints time per run and items
//! (queue events) per second.

use divan::counter::ItemsCount;
use statedist::protocols::cap::{CapConfig, CapNode, Mode};
use statedist::protocols::register::{read, write};
use statedist::sim::{Fault, NodeId, World, WorldConfig};

fn main() {
    divan::main();
}

/// 5 nodes; a client operation every millisecond for 2 s of virtual time,
/// round-robin over the nodes, alternating writes and reads over 8 keys,
/// with a partition in the middle.
fn loaded(mode: Mode) -> World<CapNode> {
    let mut w = World::new(WorldConfig::new(42, 5), CapConfig::new(mode));
    for i in 0..2000u64 {
        let node = NodeId((i % 5) as u32 + 1);
        let key = format!("k{}", i % 8);
        let f = if i % 2 == 0 {
            write(node, &key, i as i64)
        } else {
            read(node, &key)
        };
        w.schedule(i, f);
    }
    w.schedule(
        800,
        Fault::Partition(vec![
            vec![NodeId(1), NodeId(2)],
            vec![NodeId(3), NodeId(4), NodeId(5)],
        ]),
    );
    w.schedule(1400, Fault::Heal);
    w
}

fn events(mode: Mode) -> u64 {
    let mut w = loaded(mode);
    w.run_until(3000);
    w.events_processed()
}

#[divan::bench(args = ["cp", "ap"])]
fn cap_register_under_load(bencher: divan::Bencher, mode: &str) {
    let mode = if mode == "cp" { Mode::Cp } else { Mode::Ap };
    bencher
        .counter(ItemsCount::new(events(mode)))
        .with_inputs(|| loaded(mode))
        .bench_local_values(|mut w| {
            w.run_until(3000);
            w
        });
}

/// 1000 nodes: a majority read or write every 20 ms for 1 s (each one
/// a round trip to all 999 peers, twice for a write).
fn thousand() -> World<CapNode> {
    let n = 1000u32;
    let mut w = World::new(WorldConfig::new(42, n as usize), CapConfig::new(Mode::Cp));
    for i in 0..50u64 {
        let node = NodeId((i as u32 * 37) % n + 1);
        let key = format!("k{}", i % 8);
        let f = if i % 2 == 0 {
            write(node, &key, i as i64)
        } else {
            read(node, &key)
        };
        w.schedule(i * 20, f);
    }
    w
}

#[divan::bench(sample_count = 10)]
fn cap_cp_1000_nodes(bencher: divan::Bencher) {
    let mut probe = thousand();
    probe.run_until(2000);
    bencher
        .counter(ItemsCount::new(probe.events_processed()))
        .with_inputs(thousand)
        .bench_local_values(|mut w| {
            w.run_until(2000);
            w
        });
}

/// 5-node Raft with its six safety checks after every event: the leader
/// takes a client operation every millisecond for 2 s (writes and
/// log reads alternating over 8 keys), a follower crashes and restarts in
/// the middle. Built from a warm cluster (leader elected at 1 s).
fn raft_loaded() -> World<statedist::protocols::raft::RaftNode> {
    use statedist::protocols::raft::RaftConfig;
    use statedist::scenario::raft::{leader, safety};
    use statedist::sim::Call;
    let mut w = World::new(WorldConfig::new(42, 5), RaftConfig::default());
    for inv in safety::all() {
        w.add_invariant(inv);
    }
    w.check_start();
    w.run_until(1000);
    let l = leader(&w).expect("a leader after 1 s");
    let follower = NodeId(l.0 % 5 + 1);
    for i in 0..2000u64 {
        let key = format!("k{}", i % 8);
        let call = if i % 2 == 0 {
            Call::new("write", &[&format!("{key}={i}")])
        } else {
            Call::new("read", &[&key])
        };
        w.schedule(1000 + i, Fault::Client { node: l, call });
    }
    w.schedule(1800, Fault::Crash(follower));
    w.schedule(2200, Fault::Restart(follower));
    w
}

#[divan::bench(sample_count = 20)]
fn raft_5_nodes_under_load(bencher: divan::Bencher) {
    let mut probe = raft_loaded();
    let before = probe.events_processed();
    probe.run_until(3500);
    assert!(probe.violation().is_none());
    bencher
        .counter(ItemsCount::new(probe.events_processed() - before))
        .with_inputs(raft_loaded)
        .bench_local_values(|mut w| {
            w.run_until(3500);
            w
        });
}

/// 5 OR-Set replicas gossiping every 250 ms; an add or remove every
/// millisecond for 2 s over 16 items, round-robin over the replicas, with
/// a partition in the middle, and both invariants checked after every event.
fn orset_loaded() -> World<statedist::protocols::crdt::CrdtNode<statedist::protocols::crdt::Cart>> {
    use statedist::protocols::crdt::{Cart, CrdtConfig};
    use statedist::scenario::crdt::CrdtChecks;
    use statedist::sim::Call;
    let config = CrdtConfig {
        gossip_every: 250,
        ..CrdtConfig::default()
    };
    let mut w = World::new(WorldConfig::new(42, 5), config);
    for inv in Cart::invariants() {
        w.add_invariant(inv);
    }
    w.check_start();
    for i in 0..2000u64 {
        let node = NodeId((i % 5) as u32 + 1);
        let item = format!("item{}", i % 16);
        let verb = if i % 3 == 2 { "remove" } else { "add" };
        w.schedule(
            i,
            Fault::Client {
                node,
                call: Call::new(verb, &[&item]),
            },
        );
    }
    w.schedule(
        800,
        Fault::Partition(vec![
            vec![NodeId(1), NodeId(2)],
            vec![NodeId(3), NodeId(4), NodeId(5)],
        ]),
    );
    w.schedule(1400, Fault::Heal);
    w
}

#[divan::bench(sample_count = 20)]
fn orset_5_replicas_under_load(bencher: divan::Bencher) {
    let mut probe = orset_loaded();
    probe.run_until(3000);
    assert!(probe.violation().is_none());
    bencher
        .counter(ItemsCount::new(probe.events_processed()))
        .with_inputs(orset_loaded)
        .bench_local_values(|mut w| {
            w.run_until(3000);
            w
        });
}

/// PBFT on `n` replicas with agreement and in-order execution checked after
/// every event: a client operation every 2 ms for 2 s (writes and reads over
/// 8 keys, round-robin over the replicas), with f replicas turning
/// byzantine (equivocating or silent) at 600 ms.
fn pbft_loaded(n: usize) -> World<statedist::protocols::pbft::PbftNode> {
    use statedist::protocols::pbft::{Behaviour, PbftConfig, PbftNode};
    use statedist::scenario::Inspect;
    use statedist::sim::Call;
    let mut w = World::new(WorldConfig::new(42, n), PbftConfig::default());
    for inv in <PbftNode as Inspect>::invariants() {
        w.add_invariant(inv);
    }
    w.check_start();
    let f = (n - 1) / 3;
    for i in 0..f {
        let b = if i % 2 == 0 {
            Behaviour::Equivocate
        } else {
            Behaviour::Silent
        };
        w.schedule(
            600,
            Fault::Client {
                node: NodeId(i as u32 + 1),
                call: Call::new("byzantine", &[b.name()]),
            },
        );
    }
    for i in 0..1000u64 {
        let node = NodeId((i % n as u64) as u32 + 1);
        let key = format!("k{}", i % 8);
        let call = if i % 2 == 0 {
            Call::new("write", &[&format!("{key}={i}")])
        } else {
            Call::new("read", &[&key])
        };
        w.schedule(i * 2, Fault::Client { node, call });
    }
    w
}

#[divan::bench(args = [4, 10], sample_count = 10)]
fn pbft_under_load(bencher: divan::Bencher, n: usize) {
    let mut probe = pbft_loaded(n);
    probe.run_until(4000);
    assert!(probe.violation().is_none());
    bencher
        .counter(ItemsCount::new(probe.events_processed()))
        .with_inputs(|| pbft_loaded(n))
        .bench_local_values(|mut w| {
            w.run_until(4000);
            w
        });
}
