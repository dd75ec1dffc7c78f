//! The linearizability checker against histories whose answer is known.

use proptest::prelude::*;
use statedist::check::Status;
use statedist::check::linearizability::{DEFAULT_BUDGET, KeyResult, check_keys, linearizability};
use statedist::check::sample::{Shape, register_history};
use statedist::sim::{History, NodeId, OpId, OpKind, OpOutcome, OpRecord};

/// Makes one read stale: it returns the value of a write w1 that an
/// acknowledged write w2 had overwritten before the read began (w1 < w2 < r
/// in real time, values unique). If the history has no such triple, one is
/// appended on a fresh key. Returns the history and the stale read's key.
fn inject_stale_read(h: &History, pick: prop::sample::Index) -> (History, String) {
    let mut ops = h.ops().to_vec();
    let before = |a: &OpRecord, b: &OpRecord| a.completed.is_some_and(|c| c < b.invoked);
    let ok_write = |o: &OpRecord, key: &str| {
        o.is_ok() && matches!(&o.kind, OpKind::Write { key: k, .. } if k == key)
    };
    let mut candidates = Vec::new();
    for (ri, r) in ops.iter().enumerate() {
        let (OpKind::Read { key }, true) = (&r.kind, r.is_ok()) else {
            continue;
        };
        let w2 = ops
            .iter()
            .filter(|w| ok_write(w, key) && before(w, r))
            .max_by_key(|w| w.completed);
        let Some(w2) = w2 else { continue };
        let w1 = ops.iter().find(|w| ok_write(w, key) && before(w, w2));
        if let Some(OpRecord {
            kind: OpKind::Write { value, .. },
            ..
        }) = w1
        {
            candidates.push((ri, *value, key.clone()));
        }
    }
    if candidates.is_empty() {
        let t = ops.iter().filter_map(|o| o.completed).max().unwrap_or(0) + 10;
        let mk = |id: usize, kind, a, outcome| OpRecord {
            id: OpId(id as u64 + 1),
            node: NodeId(1),
            kind,
            invoked: a,
            completed: Some(a + 1),
            outcome,
            note: String::new(),
        };
        let n = ops.len();
        let key = "stale".to_string();
        let w = |value| OpKind::Write {
            key: "stale".into(),
            value,
        };
        ops.push(mk(n, w(-1), t, OpOutcome::Ok { value: None }));
        ops.push(mk(n + 1, w(-2), t + 2, OpOutcome::Ok { value: None }));
        ops.push(mk(
            n + 2,
            OpKind::Read {
                key: "stale".into(),
            },
            t + 4,
            OpOutcome::Ok { value: Some(-1) },
        ));
        return (History::from_ops(ops), key);
    }
    let (ri, value, key) = candidates[pick.index(candidates.len())].clone();
    ops[ri].outcome = OpOutcome::Ok { value: Some(value) };
    (History::from_ops(ops), key)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn histories_of_a_correct_register_are_linearizable(
        seed in any::<u64>(),
        ops in 0usize..400,
        clients in 1usize..7,
        keys in 1usize..4,
        timeouts in 0u32..100,
    ) {
        let h = register_history(seed, Shape { ops, clients, keys, timeouts_per_mille: timeouts });
        let v = linearizability(&h);
        prop_assert_eq!(v.status, Status::Pass, "{:#?}", v);
    }

    #[test]
    fn an_injected_stale_read_is_never_linearizable(
        seed in any::<u64>(),
        ops in 0usize..400,
        clients in 1usize..7,
        keys in 1usize..4,
        timeouts in 0u32..100,
        pick in any::<prop::sample::Index>(),
    ) {
        let h = register_history(seed, Shape { ops, clients, keys, timeouts_per_mille: timeouts });
        let (h, key) = inject_stale_read(&h, pick);
        let v = linearizability(&h);
        prop_assert_eq!(v.status, Status::Fail, "{:#?}", v);
        // The witness is the overwritten write, the overwriting one and the read.
        match &check_keys(&h, DEFAULT_BUDGET)[&key] {
            KeyResult::Violation { witness } => prop_assert_eq!(witness.len(), 3, "{:?} {:#?}", witness, witness.iter().map(|&i| h.ops()[i].describe()).collect::<Vec<_>>()),
            other => prop_assert!(false, "expected a violation, got {:?}", other),
        }
    }
}

#[test]
fn ten_thousand_operations_are_decided() {
    let h = register_history(
        42,
        Shape {
            ops: 10_000,
            clients: 5,
            keys: 5,
            timeouts_per_mille: 20,
        },
    );
    assert_eq!(linearizability(&h).status, Status::Pass);
}
