//! The linearizability checker against histories whose answer is known.

use proptest::prelude::*;
use statedist::check::Status;
use statedist::check::linearizability::{DEFAULT_BUDGET, KeyResult, check_keys, linearizability};
use statedist::check::sample::{Shape, register_history};
use statedist::sim::{History, NodeId, OpId, OpKind, OpOutcome, OpRecord, positions_from_times};

/// Makes one read stale: it returns the value of a write w1 that an
/// acknowledged write w2 had overwritten before the read began (w1 < w2 < r
/// in real time, values unique). If the history has no such triple, one is
/// appended on a fresh key. Returns the history and the stale read's key.
fn inject_stale_read(h: &History, pick: prop::sample::Index) -> (History, String) {
    let mut ops = h.ops().to_vec();
    let before = |a: &OpRecord, b: &OpRecord| a.precedes(b);
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
            .max_by_key(|w| w.ret);
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
            call: positions_from_times(a, Some(a + 1)).0,
            ret: positions_from_times(a, Some(a + 1)).1,
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

/// The definition, checked by brute force: some subset of the open writes
/// (timed out or pending) plus every definite operation, in some order that
/// respects real time (a finished before b began, strictly), behaves like one
/// register per key. Failed operations never happened; reads without an
/// answer say nothing.
fn brute_force_linearizable(ops: &[OpRecord]) -> bool {
    let open = |o: &OpRecord| matches!(o.outcome, OpOutcome::TimedOut { .. } | OpOutcome::Pending);
    let mut definite = Vec::new();
    let mut optional = Vec::new();
    for o in ops {
        match (&o.kind, &o.outcome) {
            (_, OpOutcome::Failed { .. }) => {}
            (OpKind::Read { .. }, OpOutcome::Ok { .. }) => definite.push(o),
            (OpKind::Read { .. } | OpKind::Other { .. }, _) => {}
            (OpKind::Write { .. }, _) if open(o) => optional.push(o),
            (OpKind::Write { .. }, _) => definite.push(o),
        }
    }
    let ret = |o: &OpRecord| {
        if open(o) {
            u64::MAX
        } else {
            o.ret.unwrap_or(u64::MAX)
        }
    };
    fn permute(
        chosen: &mut Vec<usize>,
        used: &mut Vec<bool>,
        set: &[&OpRecord],
        ret: &dyn Fn(&OpRecord) -> u64,
    ) -> bool {
        if chosen.len() == set.len() {
            let mut state: std::collections::BTreeMap<&str, i64> = Default::default();
            for &i in chosen.iter() {
                match (&set[i].kind, &set[i].outcome) {
                    (OpKind::Write { key, value }, _) => {
                        state.insert(key, *value);
                    }
                    (OpKind::Read { key }, OpOutcome::Ok { value }) => {
                        if state.get(key.as_str()).copied() != *value {
                            return false;
                        }
                    }
                    _ => unreachable!(),
                }
            }
            return true;
        }
        for i in 0..set.len() {
            if used[i] {
                continue;
            }
            // Every op that must precede i (finished before i began) is placed.
            let ok = (0..set.len()).all(|j| j == i || used[j] || ret(set[j]) >= set[i].call);
            if !ok {
                continue;
            }
            used[i] = true;
            chosen.push(i);
            if permute(chosen, used, set, ret) {
                return true;
            }
            chosen.pop();
            used[i] = false;
        }
        false
    }
    for mask in 0u32..(1 << optional.len()) {
        let mut set = definite.clone();
        for (b, o) in optional.iter().enumerate() {
            if mask & (1 << b) != 0 {
                set.push(o);
            }
        }
        let mut used = vec![false; set.len()];
        if permute(&mut Vec::new(), &mut used, &set, &ret) {
            return true;
        }
    }
    false
}

/// A small random history: few values (so some repeat), few distinct times
/// (so operations touch at the same millisecond), every outcome.
fn small_history(keys: usize) -> impl Strategy<Value = Vec<OpRecord>> {
    let op = (
        0..keys,
        any::<bool>(),
        0u64..8,
        0u64..5,
        0u8..10,
        prop::option::of(1i64..4),
    );
    prop::collection::vec(op, 1..=6).prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (k, is_write, a, len, outcome, v))| {
                let key = ["x", "y"][k].to_string();
                let kind = if is_write {
                    OpKind::Write {
                        key,
                        value: v.unwrap_or(1),
                    }
                } else {
                    OpKind::Read { key }
                };
                let (completed, outcome) = match outcome {
                    0 => (
                        Some(a + len),
                        OpOutcome::Failed {
                            reason: "refused".into(),
                        },
                    ),
                    1 => (
                        Some(a + len),
                        OpOutcome::TimedOut {
                            reason: "no answer".into(),
                        },
                    ),
                    2 => (None, OpOutcome::Pending),
                    _ => (
                        Some(a + len),
                        OpOutcome::Ok {
                            value: if is_write { None } else { v },
                        },
                    ),
                };
                OpRecord {
                    id: OpId(i as u64 + 1),
                    node: NodeId(1),
                    kind,
                    invoked: a,
                    completed,
                    call: positions_from_times(a, completed).0,
                    ret: positions_from_times(a, completed).1,
                    outcome,
                    note: String::new(),
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_brute_force_on_small_histories(ops in small_history(1)) {
        let want = brute_force_linearizable(&ops);
        let v = linearizability(&History::from_ops(ops.clone()));
        let got = match v.status {
            Status::Pass => true,
            Status::Fail => false,
            other => panic!("undecided on {} ops: {other:?}", ops.len()),
        };
        prop_assert_eq!(got, want, "history: {:#?}\nverdict: {:?}", ops, v);
    }

    #[test]
    fn agrees_with_brute_force_across_two_keys(ops in small_history(2)) {
        let want = brute_force_linearizable(&ops);
        let v = linearizability(&History::from_ops(ops.clone()));
        prop_assert_eq!(v.status == Status::Pass, want, "history: {:#?}\nverdict: {:?}", ops, v);
    }

    /// A stale read proves the history is not linearizable: the stale-read
    /// checker never fires on a linearizable history.
    #[test]
    fn a_stale_read_verdict_implies_not_linearizable(ops in small_history(2)) {
        let v = statedist::check::stale_reads(&History::from_ops(ops.clone()));
        if v.status == Status::Fail {
            prop_assert!(!brute_force_linearizable(&ops), "{:?}\n{:#?}", v, ops);
        }
    }

    /// Every op of a failing key's witness is an op of that key, and the
    /// witness alone is not linearizable (it is a proof on its own).
    #[test]
    fn witnesses_fail_on_their_own(ops in small_history(1)) {
        let h = History::from_ops(ops.clone());
        for (key, res) in check_keys(&h, DEFAULT_BUDGET) {
            if let KeyResult::Violation { witness } = res {
                let part: Vec<OpRecord> = witness.iter().map(|&i| ops[i].clone()).collect();
                prop_assert!(part.iter().all(|o| o.kind.key() == key));
                prop_assert!(!brute_force_linearizable(&part), "witness {:#?} of {:#?}", part, ops);
            }
        }
    }
}
