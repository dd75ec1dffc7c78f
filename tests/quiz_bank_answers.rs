//! Answers a learner types to the real banks, through the real grader: what
//! the sources accept is right (plurals, "... consistency", equivalent
//! inequalities, the paper's own title), and what is wrong stays wrong.

use statedist::content;
use statedist::quiz::{Item, ItemSpec, Verdict};

fn grade(id: &str, input: &str) -> Verdict {
    let banks = content::load_banks(None);
    let item = banks
        .item(id)
        .unwrap_or_else(|| panic!("no item {id} in the banks"));
    item.instantiate(1)
        .grade_input(input)
        .unwrap_or_else(|e| panic!("{id}: {input:?} did not parse: {e}"))
        .verdict
}

const RIGHT: &[(&str, &str)] = &[
    // 13: the paper's title, plurals generally.
    ("block6.crdt-name", "Conflict-free Replicated Data Types"),
    ("block6.crdt-name", "conflict-free replicated data type"),
    ("block6.crdt-name", "Conflict free replicated datatypes"),
    ("block6.crdt-name", "Convergent Replicated Data Types"),
    ("block6.crdt-name", "commutative replicated data types"),
    // 14
    ("block3.ryw-name", "read-your-writes consistency"),
    ("block3.ryw-name", "Read your writes"),
    ("block3.ryw-name", "read your own writes"),
    ("block3.ryw-name", "read-your-writes guarantee"),
    ("block3.ryw-name", "RYW"),
    ("block3.ryw-name", "read after write"),
    // 15
    ("block4.concurrent-word", "causally independent"),
    ("block4.concurrent-word", "concurrent"),
    ("block4.concurrent-word", "Concurrent."),
    ("block4.concurrent-word", "causally unrelated"),
    ("block4.concurrent-word", "independent"),
    // 16: one inequality however it is written, in both banks.
    ("gauntlet1.quorum-formula", "W + R >= N + 1"),
    ("gauntlet1.quorum-formula", "W + R > N"),
    ("gauntlet1.quorum-formula", "r+w>n"),
    ("gauntlet1.quorum-formula", "N < R + W"),
    ("gauntlet1.quorum-formula", "W + R ≥ N + 1"),
    ("gauntlet1.quorum-formula", "N + 1 <= W + R"),
    ("gauntlet1.quorum-formula", "R > N - W"),
    ("block2.overlap-formula", "W + R > N"),
    ("block2.overlap-formula", "R + W >= N + 1"),
    ("block2.overlap-formula", "W > N - R"),
    ("block2.overlap-formula", "n < w + r"),
    // 19
    ("block1.pacelc", "lower latency"),
    ("block1.pacelc", "Latency"),
    ("block1.pacelc", "low latency"),
    ("block1.pacelc", "response times"),
    ("block5.raft-states", "followers, candidates, leaders"),
    ("block5.raft-states", "leader, follower and candidate"),
    ("block5.raft-states", "Follower; Candidate; Leader"),
    // Sets of names, plurals and nouns.
    (
        "block1.three-properties",
        "consistency, availability and partition tolerance",
    ),
    (
        "block1.three-properties",
        "Consistency, Availability, Partition-tolerance",
    ),
    (
        "block1.three-properties",
        "linearizability / availability / network partitions",
    ),
    (
        "gauntlet1.cap-three",
        "consistency, availability, partition tolerance",
    ),
    (
        "gauntlet1.cap-three",
        "strong consistency and high availability and partitions",
    ),
    (
        "block6.merge-properties",
        "commutative, associative, idempotent",
    ),
    (
        "block6.merge-properties",
        "commutativity, associativity and idempotence",
    ),
    (
        "block6.merge-properties",
        "idempotent, commutes, associative",
    ),
    ("block7.split-brain-name", "split brain"),
    ("block7.split-brain-name", "Split-Brain"),
    ("block7.split-brain-name", "a split brain"),
    ("gauntlet1.lww-key", "timestamps"),
    ("gauntlet1.lww-key", "the timestamp"),
    ("gauntlet1.lww-key", "wall-clock timestamps"),
    ("gauntlet1.lww-key", "write timestamps"),
    ("gauntlet1.lww-key", "clock values"),
];

const WRONG: &[(&str, &str)] = &[
    ("block6.crdt-name", "conflict replicated data type"),
    ("block6.crdt-name", "consistent replicated database"),
    ("block6.crdt-name", "consensus"),
    ("block3.ryw-name", "monotonic reads"),
    ("block3.ryw-name", "read committed"),
    ("block3.ryw-name", "consistency"),
    ("block4.concurrent-word", "ordered"),
    ("block4.concurrent-word", "causal"),
    ("block4.concurrent-word", "dependent"),
    ("gauntlet1.quorum-formula", "W + R >= N"),
    ("gauntlet1.quorum-formula", "W + R = N"),
    ("gauntlet1.quorum-formula", "W + R > N + 1"),
    ("gauntlet1.quorum-formula", "W > N"),
    ("gauntlet1.quorum-formula", "W + R < N"),
    ("block2.overlap-formula", "W + R >= N"),
    ("block2.overlap-formula", "W + R > 2N"),
    ("block1.pacelc", "availability"),
    ("block1.pacelc", "partitions"),
    ("block7.split-brain-name", "split"),
    ("gauntlet1.lww-key", "version vector"),
    ("gauntlet1.lww-key", "node id"),
];

#[test]
fn right_answers_are_right_and_wrong_ones_wrong() {
    assert!(RIGHT.len() >= 50 && WRONG.len() >= 20);
    let mut bad = Vec::new();
    for (id, input) in RIGHT {
        if grade(id, input) != Verdict::Right {
            bad.push(format!("{id}: {input:?} should be right"));
        }
    }
    for (id, input) in WRONG {
        if grade(id, input) == Verdict::Right {
            bad.push(format!("{id}: {input:?} should not be right"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

fn numeric(answer: f64) -> statedist::quiz::Question {
    Item {
        id: "t.n".into(),
        spec: ItemSpec::Numeric {
            prompt: "p".into(),
            answer,
            tolerance: 0.0,
            unit: None,
        },
        explanation: "e".into(),
        line: 1,
    }
    .instantiate(1)
}

#[test]
fn a_decimal_comma_is_a_decimal_and_an_ambiguous_comma_is_asked_again() {
    let q = numeric(50.4);
    assert_eq!(q.grade_input("50,4").unwrap().verdict, Verdict::Right);
    assert_eq!(q.grade_input("50.4").unwrap().verdict, Verdict::Right);
    let q = numeric(1000.0);
    assert_eq!(q.grade_input("1,000").unwrap().verdict, Verdict::Right);
    let q = numeric(1234567.0);
    assert_eq!(q.grade_input("1,234,567").unwrap().verdict, Verdict::Right);
    // Neither a decimal comma nor thousands: ask again, do not guess.
    let e = numeric(1.0).grade_input("1,2345").unwrap_err();
    assert!(e.to_string().contains("ambiguous"), "{e}");
}

/// The text of an item's spec, choices or steps included.
fn spec_text(id: &str) -> String {
    let banks = content::load_banks(None);
    format!("{:?}", banks.item(id).unwrap().spec)
}

#[test]
fn keyed_options_are_whole_fixes_and_steps_have_one_right_order() {
    // 17: a version token fixes other devices only if the devices share it;
    // a cache fix holds only if reads do not refill it from a lagging replica.
    let fixes = spec_text("gauntlet3.fixes");
    assert!(
        fixes.contains("where every device reads it up to date"),
        "{fixes}"
    );
    assert!(!fixes.contains("invalidate the cached balance"), "{fixes}");
    // 18: "fence, then promote" is one right order only for lease-style
    // fencing; the step says so, and epoch fencing is part of promoting.
    let steps = spec_text("block7.failover-steps");
    assert!(
        steps.contains("wait until its lease has run out"),
        "{steps}"
    );
    assert!(steps.contains("under a new epoch"), "{steps}");
}
