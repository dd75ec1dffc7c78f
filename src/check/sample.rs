//! Histories of a correct single-copy key-value store, for property tests
//! and checker benchmarks.
//!
//! `clients` clients each run operations one after another (a client never
//! overlaps itself), with random think times and durations, so up to
//! `clients` operations overlap. Every operation takes effect at one random
//! instant inside its interval on a single copy of each key, so the history
//! is linearizable by construction. Writes carry unique values. A share of
//! writes time out: the client gives up, and the write took effect at its
//! instant or never.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::sim::{
    History, Millis, NodeId, OpId, OpKind, OpOutcome, OpRecord, Value, positions_from_times,
};

/// Shape of a generated history.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub ops: usize,
    pub clients: usize,
    pub keys: usize,
    /// Per mille of writes that time out.
    pub timeouts_per_mille: u32,
}

impl Default for Shape {
    fn default() -> Self {
        Self {
            ops: 100,
            clients: 5,
            keys: 3,
            timeouts_per_mille: 20,
        }
    }
}

/// A linearizable history of `shape.ops` operations, reproducible from `seed`.
pub fn register_history(seed: u64, shape: Shape) -> History {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let clients = shape.clients.max(1);
    let keys = shape.keys.max(1);
    let mut clock: Vec<Millis> = (0..clients).map(|_| rng.random_range(0..5)).collect();
    struct Planned {
        client: usize,
        key: String,
        write: Option<Value>,
        invoked: Millis,
        completed: Millis,
        at: Millis,
        applied: bool,
        timed_out: bool,
    }
    let mut plan = Vec::with_capacity(shape.ops);
    let mut next_value: Value = 1;
    for _ in 0..shape.ops {
        // The client that is free first goes next (lowest index on ties).
        let c = (0..clients)
            .min_by_key(|&c| (clock[c], c))
            .expect("clients");
        let invoked = clock[c] + rng.random_range(0..4);
        let completed = invoked + rng.random_range(1..20);
        let at = rng.random_range(invoked..=completed);
        let key = format!("k{}", rng.random_range(0..keys));
        let write = rng.random_bool(0.5).then(|| {
            next_value += 1;
            next_value
        });
        let timed_out = write.is_some() && rng.random_range(0..1000) < shape.timeouts_per_mille;
        let applied = !timed_out || rng.random_bool(0.5);
        clock[c] = completed + 1;
        plan.push(Planned {
            client: c,
            key,
            write,
            invoked,
            completed,
            at,
            applied,
            timed_out,
        });
    }
    // Apply in effect order to one copy per key; reads see that copy.
    let mut order: Vec<usize> = (0..plan.len()).collect();
    order.sort_by_key(|&i| (plan[i].at, i));
    let mut store: std::collections::BTreeMap<String, Value> = Default::default();
    let mut seen: Vec<Option<Value>> = vec![None; plan.len()];
    for i in order {
        let p = &plan[i];
        match p.write {
            Some(v) if p.applied => {
                store.insert(p.key.clone(), v);
            }
            Some(_) => {}
            None => seen[i] = store.get(&p.key).copied(),
        }
    }
    let mut ops: Vec<OpRecord> = plan
        .iter()
        .zip(seen)
        .map(|(p, seen)| {
            let kind = match p.write {
                Some(value) => OpKind::Write {
                    key: p.key.clone(),
                    value,
                },
                None => OpKind::Read { key: p.key.clone() },
            };
            let outcome = if p.timed_out {
                OpOutcome::TimedOut {
                    reason: "no answer in time".into(),
                }
            } else {
                OpOutcome::Ok {
                    value: if p.write.is_some() { None } else { seen },
                }
            };
            let completed = Some(if p.timed_out {
                p.invoked + 1000
            } else {
                p.completed
            });
            let (call, ret) = positions_from_times(p.invoked, completed);
            OpRecord {
                id: OpId(0),
                node: NodeId::from_index(p.client % 9),
                kind,
                invoked: p.invoked,
                completed,
                call,
                ret,
                outcome,
                note: String::new(),
            }
        })
        .collect();
    ops.sort_by_key(|o| o.invoked);
    for (i, op) in ops.iter_mut().enumerate() {
        op.id = OpId(i as u64 + 1);
    }
    History::from_ops(ops)
}
