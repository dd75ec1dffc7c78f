//! Pinned trace hashes: any change to what a run does — a message, a
//! latency, a sentence of the trace — shows up here as a visible diff that
//! has to be accepted on purpose. When a change is meant to alter runs,
//! run `PRINT_PINS=1 cargo test --test determinism_pins -- --nocapture` and
//! paste the new table, saying in the commit why the runs changed.

use statedist::scenario::{self, Params};
use statedist::sim::script::Script;

const FAULTS: &str = "at 0s delay 5-60ms; at 0s loss 5%; at 0s dup 5%; \
    at 0.3s write n1 x=1; at 0.5s write n2 x=2; at 0.7s partition 1 | 2,3; \
    at 0.8s write n1 x=3; at 0.9s read n2 x; at 1.1s crash 3; at 1.3s write n2 x=4; \
    at 1.6s restart 3; at 1.8s heal; at 2s read n1 x; at 2.1s cut 1->2; \
    at 2.2s link 2->3 delay 100-200ms; at 2.3s write n3 y=5; at 2.5s read n1 y; \
    at 2.8s isolate 2; at 3s read n3 x; at 3.5s heal";

/// (scenario, nodes, seed, settings, trace hash after 5 s).
const PINS: &[(&str, usize, u64, &str, u64)] = &[
    ("cap-cp", 3, 1, "", 0x1327fe0900fe0fa5),
    ("cap-ap", 3, 1, "", 0xd02f474a805ad1bd),
    ("cap-cp", 5, 7, "", 0x3061c73e7277250d),
    ("leader-follower", 3, 1, "mode=async", 0xe72b4dc49c1b072e),
    ("leader-follower", 5, 2, "mode=sync", 0x007a0edb94a83e72),
    (
        "leader-follower",
        3,
        3,
        "failover=unsafe",
        0xcc137e371052204f,
    ),
    ("multi-leader", 3, 1, "", 0xd8afbf5d447bc4c1),
    ("quorum", 3, 1, "w=1,r=1", 0xca3eb0a3b812ef04),
    ("quorum", 5, 4, "sloppy=on", 0xbf22dc0212012b42),
    ("session", 3, 1, "ryw=on", 0x5a573b48c658a812),
    ("causal", 3, 1, "mode=causal", 0x1e9a18a7de62865c),
    ("raft", 3, 1, "", 0x0cd8cb644cfe5070),
    ("raft", 5, 2, "reads=read-index", 0xde4016d9e4c93124),
    (
        "raft",
        7,
        3,
        "pre-vote=on,check-quorum=on",
        0x871e47035df48e08,
    ),
    ("pbft", 4, 1, "", 0x7cadc2c1b0a33b5d),
    ("pbft", 10, 2, "checkpoint=2", 0xdfba19e04536948b),
    ("failover-naive", 3, 1, "", 0xdad661674c134117),
    ("failover-quorum", 3, 2, "fencing=on", 0xc183467b36b6d993),
    ("failover-quorum", 5, 3, "", 0x5850e0f05cd4a4f3),
];

/// The CRDT scenarios' own operations in the same faults: `A nN` and `B
/// nN` stand for two updates of the scenario's type.
const CRDT_FAULTS: &str = "at 0s delay 5-60ms; at 0s loss 5%; at 0s dup 5%; \
    at 0.3s A n1; at 0.5s B n2; at 0.7s partition 1 | 2,3; \
    at 0.8s A n1; at 0.9s read n2; at 1.1s crash 3; at 1.3s B n2; \
    at 1.6s restart 3; at 1.8s heal; at 2s sync n1; at 2.1s cut 1->2; \
    at 2.2s link 2->3 delay 100-200ms; at 2.3s A n3; at 2.5s read n1; \
    at 2.8s isolate 2; at 3s B n3; at 3.5s heal";

/// (scenario, update A, update B, settings, trace hash after 5 s), on 3
/// nodes with seed 1.
const CRDT_PINS: &[(&str, &str, &str, &str, u64)] = &[
    ("crdt-gcounter", "incr", "incr", "", 0x159ec37ad798a867),
    (
        "crdt-pncounter",
        "incr",
        "decr",
        "floor=none",
        0x8b639d84714e874d,
    ),
    (
        "crdt-gcounter",
        "incr",
        "incr",
        "delivery=op",
        0x22d9a974122b0874,
    ),
    (
        "crdt-orset",
        "add # milk",
        "remove # milk",
        "",
        0x7c35355fe31074ac,
    ),
    (
        "crdt-lww-register",
        "write # alice",
        "write # bob",
        "",
        0x0a1f5e0f57f61d2f,
    ),
    (
        "crdt-mvregister",
        "write # alice",
        "write # bob",
        "",
        0x3cffdb9d29f0e306,
    ),
    (
        "crdt-text",
        "type # ab",
        "backspace",
        "",
        0x395a05ec562530f3,
    ),
    (
        "lww",
        "write # x=A",
        "write # x=B",
        "clock=hlc",
        0xea51b174c8af042c,
    ),
    (
        "version-vectors",
        "add # milk",
        "blind # eggs",
        "",
        0xf3ba0a9610267730,
    ),
];

fn crdt_script(a: &str, b: &str) -> String {
    let fill = |verb: &str, node: &str| match verb.split_once(" # ") {
        Some((v, arg)) => format!("{v} {node} {arg}"),
        None => format!("{verb} {node}"),
    };
    let mut out = CRDT_FAULTS.to_string();
    for n in ["n1", "n2", "n3"] {
        out = out
            .replace(&format!("A {n}"), &fill(a, n))
            .replace(&format!("B {n}"), &fill(b, n));
    }
    out
}

fn hash(name: &str, nodes: usize, seed: u64, settings: &str) -> u64 {
    if name == "pbft" {
        // And a traitor, for the byzantine code paths.
        let script = format!("{FAULTS}; at 0.6s byzantine n2 equivocate");
        return hash_script(name, nodes, seed, settings, &script);
    }
    if name.starts_with("failover") {
        // And a pause and a drifting clock, for the kernel's held events
        // and the lease arithmetic.
        let script = format!("{FAULTS}; at 0s drift n2 -20%; at 1.2s pause n1 1s");
        return hash_script(name, nodes, seed, settings, &script);
    }
    hash_script(name, nodes, seed, settings, FAULTS)
}

fn hash_script(name: &str, nodes: usize, seed: u64, settings: &str, script: &str) -> u64 {
    let params = Params {
        seed,
        nodes: Some(nodes),
        script: Script::parse(script).unwrap(),
        settings: settings
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect(),
    };
    let mut r = scenario::find(name).unwrap().start(&params).unwrap();
    r.run_until(5000);
    while r.now() < 5000 {
        r.run_until(5000); // past an invariant violation
    }
    r.trace().hash()
}

#[test]
fn trace_hashes_are_pinned() {
    let got: Vec<u64> = PINS
        .iter()
        .map(|&(n, k, s, set, _)| hash(n, k, s, set))
        .collect();
    if std::env::var_os("PRINT_PINS").is_some() {
        for (&(n, k, s, set, _), h) in PINS.iter().zip(&got) {
            println!("    ({n:?}, {k}, {s}, {set:?}, {h:#018x}),");
        }
    }
    let changed: Vec<String> = PINS
        .iter()
        .zip(&got)
        .filter(|((.., want), h)| want != *h)
        .map(|(&(n, k, s, set, want), h)| {
            format!("{n} nodes={k} seed={s} {set}: pinned {want:#018x}, now {h:#018x}")
        })
        .collect();
    assert!(
        changed.is_empty(),
        "runs changed (accept on purpose, see the file's comment):\n{}",
        changed.join("\n")
    );
}

#[test]
fn crdt_trace_hashes_are_pinned() {
    let got: Vec<u64> = CRDT_PINS
        .iter()
        .map(|&(n, a, b, set, _)| {
            let mut script = crdt_script(a, b);
            if n == "lww" {
                // Its reads name a key.
                script = script
                    .replace("read n2;", "read n2 x;")
                    .replace("read n1;", "read n1 x;");
            }
            hash_script(n, 3, 1, set, &script)
        })
        .collect();
    if std::env::var_os("PRINT_PINS").is_some() {
        for (&(n, a, b, set, _), h) in CRDT_PINS.iter().zip(&got) {
            println!("    ({n:?}, {a:?}, {b:?}, {set:?}, {h:#018x}),");
        }
    }
    let changed: Vec<String> = CRDT_PINS
        .iter()
        .zip(&got)
        .filter(|((.., want), h)| want != *h)
        .map(|(&(n, _, _, set, want), h)| format!("{n} {set}: pinned {want:#018x}, now {h:#018x}"))
        .collect();
    assert!(
        changed.is_empty(),
        "runs changed (accept on purpose, see the file's comment):\n{}",
        changed.join("\n")
    );
}
