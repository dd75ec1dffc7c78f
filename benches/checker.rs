//! Checker speed: `cargo bench --bench checker`.
//!
//! The linearizability checker on a generated 10,000-operation history of a
//! correct store (5 concurrent clients, 2% of writes timed out), over 5 keys
//! and, harder, all on one key (every overlap lands on the same register).
//! Target: well under a second.

use statedist::check::linearizability::{DEFAULT_BUDGET, linearizability_with_budget};
use statedist::check::sample::{Shape, register_history};
use statedist::check::{Status, stale_reads};

fn main() {
    divan::main();
}

fn history(ops: usize, keys: usize) -> statedist::sim::History {
    register_history(
        42,
        Shape {
            ops,
            clients: 5,
            keys,
            timeouts_per_mille: 20,
        },
    )
}

#[divan::bench(args = [1_000, 10_000])]
fn linearizability(bencher: divan::Bencher, ops: usize) {
    let h = history(ops, 5);
    bencher.bench(|| {
        let v = linearizability_with_budget(divan::black_box(&h), DEFAULT_BUDGET);
        assert_eq!(v.status, Status::Pass);
        v
    });
}

#[divan::bench(args = [10_000])]
fn linearizability_one_key(bencher: divan::Bencher, ops: usize) {
    let h = history(ops, 1);
    bencher.bench(|| {
        let v = linearizability_with_budget(divan::black_box(&h), DEFAULT_BUDGET);
        assert_eq!(v.status, Status::Pass);
        v
    });
}

#[divan::bench(args = [10_000])]
fn stale_reads_check(bencher: divan::Bencher, ops: usize) {
    let h = history(ops, 5);
    bencher.bench(|| stale_reads(divan::black_box(&h)));
}
