//! Raft under random faults: partitions (two and three sides), one-way
//! cuts, crashes and restarts, loss and duplication, on 3, 5 and 7 nodes,
//! with a client writing and reading through whoever leads. Every safety
//! property holds after every event, and the client history is
//! linearizable with reads through the log or by ReadIndex.
//!
//! The default run covers `SEEDS` seeds; the full 10,000:
//! `cargo test --release --test raft_safety -- --ignored`

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statedist::check::{self, Status};
use statedist::protocols::raft::{RaftConfig, ReadMode};
use statedist::scenario::raft::{leader, safety};
use statedist::sim::{Call, Fault, NodeId, OpOutcome, World, WorldConfig};

const SEEDS: u64 = 120;

struct Outcome {
    violation: Option<String>,
    linearizable: Status,
    detail: String,
    final_write_ok: bool,
}

fn call(verb: &str, args: &[&str]) -> Call {
    Call::new(verb, args)
}

fn run(seed: u64) -> Outcome {
    let mut dice = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let n = [3, 5, 7][(seed % 3) as usize];
    let config = RaftConfig {
        reads: if seed.is_multiple_of(2) {
            ReadMode::Log
        } else {
            ReadMode::ReadIndex
        },
        pre_vote: dice.random_bool(0.5),
        check_quorum: dice.random_bool(0.5),
        ..RaftConfig::default()
    };
    let mut w = World::new(WorldConfig::new(seed, n), config);
    for inv in safety::all() {
        w.add_invariant(inv);
    }
    w.check_start();
    let node = |d: &mut ChaCha8Rng| NodeId(d.random_range(1..=n as u32));
    let mut value = 0;
    let mut t = 0;
    let end = 6000;
    while t < end {
        t += 25;
        w.run_until(t);
        if w.violation().is_some() {
            break;
        }
        let roll = dice.random_range(0..100);
        let target = match leader(&w) {
            Some(l) if dice.random_bool(0.8) => l,
            _ => node(&mut dice),
        };
        let fault = match roll {
            0..=24 => {
                value += 1;
                let key = ["x", "y"][dice.random_range(0..2)];
                Fault::Client {
                    node: target,
                    call: call("write", &[&format!("{key}={value}")]),
                }
            }
            25..=44 => Fault::Client {
                node: target,
                call: call("read", &[["x", "y"][dice.random_range(0..2)]]),
            },
            45..=47 => {
                let mut groups = vec![Vec::new(); dice.random_range(2..=3)];
                for id in 1..=n as u32 {
                    let g = dice.random_range(0..groups.len());
                    groups[g].push(NodeId(id));
                }
                Fault::Partition(groups)
            }
            48..=50 => {
                let (a, b) = (node(&mut dice), node(&mut dice));
                Fault::Cut {
                    from: a,
                    to: b,
                    both: false,
                }
            }
            51..=54 => Fault::Heal,
            55..=56 => Fault::Crash(node(&mut dice)),
            57..=60 => Fault::Restart(node(&mut dice)),
            61 => Fault::Loss(dice.random_range(0..=15) as f64 / 100.0),
            62 => Fault::Duplicate(dice.random_range(0..=15) as f64 / 100.0),
            63 => Fault::Client {
                node: node(&mut dice),
                call: call("timeout", &[]),
            },
            _ => continue,
        };
        w.apply(fault);
    }
    // Then quiet: a whole network, every node up, nothing lost.
    w.apply(Fault::Heal);
    w.apply(Fault::Loss(0.0));
    w.apply(Fault::Duplicate(0.0));
    for id in 1..=n as u32 {
        w.apply(Fault::Restart(NodeId(id)));
    }
    w.run_until(end + 2000);
    let mut final_write_ok = false;
    if let Some(l) = leader(&w) {
        w.apply(Fault::Client {
            node: l,
            call: call("write", &["z=1"]),
        });
        w.run_until(end + 3000);
        final_write_ok = w
            .history()
            .ops()
            .last()
            .is_some_and(|o| o.outcome == OpOutcome::Ok { value: None });
    }
    let lin = check::linearizability(w.history());
    Outcome {
        violation: w
            .violation()
            .map(|v| format!("{}: {}", v.invariant, v.text)),
        linearizable: lin.status,
        detail: format!("{}: {}", lin.summary, lin.details.join(" / ")),
        final_write_ok,
    }
}

fn check_seeds(seeds: impl Iterator<Item = u64>) {
    let mut stuck = Vec::new();
    for seed in seeds {
        let o = run(seed);
        assert_eq!(o.violation, None, "seed {seed}: a safety property broke");
        assert_ne!(
            o.linearizable,
            Status::Fail,
            "seed {seed}: not linearizable: {}",
            o.detail
        );
        if !o.final_write_ok {
            stuck.push(seed);
        }
    }
    // Liveness after the faults stop: a leader is elected and commits.
    assert!(
        stuck.is_empty(),
        "no write committed after healing: seeds {stuck:?}"
    );
}

#[test]
fn random_faults_never_break_safety() {
    check_seeds(0..SEEDS);
}

#[test]
#[ignore = "the full 10,000 seeds: cargo test --release --test raft_safety -- --ignored"]
fn random_faults_never_break_safety_10000_seeds() {
    check_seeds(0..10_000);
}
