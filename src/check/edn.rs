//! A run's client history in Jepsen's EDN form, one map per line, so that
//! a simulated history and a real system's go through the same tools
//! (Knossos, Porcupine, Elle, and later `statedist check`).
//!
//! Each operation is an `:invoke` and, once answered, an `:ok`, a `:fail`
//! (it certainly did not happen) or an `:info` (timed out: it may have).
//! Keys use Jepsen's independent form, `:value ["x" 3]`. A Jepsen process
//! has at most one operation outstanding, so operations get processes the
//! way Jepsen's clients do: a free one if any, and a process whose
//! operation timed out is never reused. Only register operations (read,
//! write, cas) are written; others only their protocol models are counted
//! and left out.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::sim::{History, OpKind, OpOutcome, OpRecord};

/// `(:f, the invoke's value, the ok's value)` of a register operation.
fn shape(o: &OpRecord) -> Option<(&'static str, String, String)> {
    let q = |k: &str| format!("{k:?}");
    match &o.kind {
        OpKind::Write { key, value } => {
            let v = format!("[{} {value}]", q(key));
            Some(("write", v.clone(), v))
        }
        OpKind::Read { key } => {
            let got = match &o.outcome {
                OpOutcome::Ok { value: Some(v) } => v.to_string(),
                _ => "nil".to_string(),
            };
            Some((
                "read",
                format!("[{} nil]", q(key)),
                format!("[{} {got}]", q(key)),
            ))
        }
        OpKind::Other { what, .. } => {
            let w: Vec<&str> = what.split_whitespace().collect();
            match w.as_slice() {
                ["cas", key, from, to]
                    if from.parse::<i64>().is_ok() && to.parse::<i64>().is_ok() =>
                {
                    let v = format!("[{} [{from} {to}]]", q(key));
                    Some(("cas", v.clone(), v))
                }
                _ => None,
            }
        }
    }
}

/// The history as EDN lines, and how many operations were left out.
pub fn history_edn(h: &History) -> (String, usize) {
    enum At {
        Invoke,
        Done,
    }
    let mut events: Vec<(u64, At, usize)> = Vec::new();
    let mut skipped = 0;
    for (i, o) in h.ops().iter().enumerate() {
        if shape(o).is_none() {
            skipped += 1;
            continue;
        }
        events.push((o.call, At::Invoke, i));
        if let Some(ret) = o.ret {
            events.push((ret, At::Done, i));
        }
    }
    events.sort_by_key(|e| e.0);
    let mut free: BTreeSet<usize> = BTreeSet::new();
    let mut next = 0;
    let mut process = vec![0usize; h.ops().len()];
    let mut out = String::new();
    for (_, at, i) in events {
        let o = &h.ops()[i];
        let (f, invoke_value, ok_value) = shape(o).expect("kept");
        match at {
            At::Invoke => {
                let p = free.pop_first().unwrap_or_else(|| {
                    next += 1;
                    next - 1
                });
                process[i] = p;
                let _ = writeln!(
                    out,
                    "{{:process {p}, :type :invoke, :f :{f}, :value {invoke_value}, :time {}}}",
                    o.invoked * 1_000_000
                );
            }
            At::Done => {
                let p = process[i];
                let (ty, value) = match &o.outcome {
                    OpOutcome::Ok { .. } => ("ok", ok_value),
                    OpOutcome::Failed { .. } => ("fail", invoke_value),
                    _ => ("info", invoke_value),
                };
                // A process whose operation may or may not have happened
                // is done for: Jepsen starts a new one.
                if ty != "info" {
                    free.insert(p);
                }
                let _ = writeln!(
                    out,
                    "{{:process {p}, :type :{ty}, :f :{f}, :value {value}, :time {}}}",
                    o.completed.unwrap_or(o.invoked) * 1_000_000
                );
            }
        }
    }
    (out, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{NodeId, OpId};

    fn op(id: u64, kind: OpKind, call: u64, ret: Option<u64>, outcome: OpOutcome) -> OpRecord {
        OpRecord {
            id: OpId(id),
            node: NodeId(1),
            kind,
            invoked: call,
            completed: ret,
            call,
            ret,
            outcome,
            note: String::new(),
        }
    }

    #[test]
    fn overlapping_operations_get_separate_processes_and_a_timed_out_one_keeps_its_own() {
        let h = History::from_ops(vec![
            op(
                1,
                OpKind::Write {
                    key: "x".into(),
                    value: 1,
                },
                1,
                Some(4),
                OpOutcome::Ok { value: None },
            ),
            op(
                2,
                OpKind::Read { key: "x".into() },
                2,
                Some(3),
                OpOutcome::Ok { value: Some(1) },
            ),
            op(
                3,
                OpKind::Write {
                    key: "x".into(),
                    value: 2,
                },
                5,
                Some(6),
                OpOutcome::TimedOut {
                    reason: "slow".into(),
                },
            ),
            op(
                4,
                OpKind::Other {
                    key: "x".into(),
                    what: "cas x 2 3".into(),
                },
                7,
                Some(8),
                OpOutcome::Failed {
                    reason: "no".into(),
                },
            ),
            op(
                5,
                OpKind::Other {
                    key: "c".into(),
                    what: "incr".into(),
                },
                9,
                None,
                OpOutcome::Pending,
            ),
        ]);
        let (edn, skipped) = history_edn(&h);
        assert_eq!(skipped, 1, "the counter op is not a register's");
        let lines: Vec<&str> = edn.lines().collect();
        assert_eq!(lines.len(), 8);
        assert_eq!(
            lines[0],
            "{:process 0, :type :invoke, :f :write, :value [\"x\" 1], :time 1000000}"
        );
        assert_eq!(
            lines[1],
            "{:process 1, :type :invoke, :f :read, :value [\"x\" nil], :time 2000000}"
        );
        assert_eq!(
            lines[2],
            "{:process 1, :type :ok, :f :read, :value [\"x\" 1], :time 3000000}"
        );
        assert!(lines[3].starts_with("{:process 0, :type :ok, :f :write"));
        // Process 0 is free again, and then lost to the time-out.
        assert!(lines[4].starts_with("{:process 0, :type :invoke, :f :write, :value [\"x\" 2]"));
        assert!(lines[5].starts_with("{:process 0, :type :info"));
        assert!(lines[6].starts_with("{:process 1, :type :invoke, :f :cas, :value [\"x\" [2 3]]"));
        assert!(lines[7].starts_with("{:process 1, :type :fail, :f :cas"));
    }
}
