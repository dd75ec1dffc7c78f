//! Stale reads: a read that returned a value some acknowledged write had
//! already overwritten before the read began.
//!
//! Precisely: read `r` of key k returned v. It is stale if some write `w2`
//! of k completed successfully before `r` was invoked, and *every* write
//! that could have produced v (same key and value, invoked before `r`
//! completed) had completed before `w2` was invoked — so in any legal order
//! v was overwritten by w2 before r started. A read of "unset" is stale if
//! any write of k was acknowledged before the read began. Timed-out writes
//! count as possible sources of v that may land at any time after their
//! invocation (so a read of their value is never proven stale), but never as
//! the overwriting `w2` (they may not have been applied at all).

use super::ids;
use std::collections::BTreeMap;

use super::{Status, Verdict};
use crate::sim::{History, OpKind, OpOutcome, OpRecord, fmt_ms};

pub fn stale_reads(history: &History) -> Verdict {
    let ops = history.ops();
    // Per key: the writes, the acknowledged ones by completion time, and
    // the writes of each value, so each read looks only at its own key.
    let mut by_key: BTreeMap<&str, KeyWrites<'_>> = BTreeMap::new();
    for w in ops {
        if let OpKind::Write { key, value } = &w.kind {
            let k = by_key.entry(key).or_default();
            k.by_value.entry(*value).or_default().push(w);
            if w.is_ok() && w.completed.is_some() {
                k.acked.push(w);
            }
        }
    }
    for k in by_key.values_mut() {
        k.acked.sort_by_key(|w| (w.ret, w.id));
    }
    // A compare-and-set or an increment may have produced the value read.
    let beyond = history.keys_beyond_registers();
    let mut found = Vec::new();
    for r in ops {
        let (OpKind::Read { key }, Some(got), Some(r_end)) = (&r.kind, r.read_value(), r.ret)
        else {
            continue;
        };
        if beyond.contains(key.as_str()) {
            continue;
        }
        let Some(k) = by_key.get(key.as_str()) else {
            continue;
        };
        // Writes acknowledged before the read began.
        let before = &k.acked[..k.acked.partition_point(|w| w.ret < Some(r.call))];
        let witness = match got {
            None => before.last().map(|w2| (None, *w2)),
            Some(v) => {
                let sources: Vec<&OpRecord> = k
                    .by_value
                    .get(&v)
                    .into_iter()
                    .flatten()
                    .filter(|w| w.call < r_end && !matches!(w.outcome, OpOutcome::Failed { .. }))
                    .copied()
                    .collect();
                // The latest time any source of v may have taken effect:
                // unbounded if one was not acknowledged (a timed-out or
                // pending write may land at any later moment).
                let latest_source = sources
                    .iter()
                    .map(|s| if s.is_ok() { s.ret } else { None })
                    .collect::<Option<Vec<_>>>()
                    .and_then(|ends| ends.into_iter().max());
                match (sources.is_empty(), latest_source) {
                    // An overwrite invoked after the last source ended also
                    // returned after it: look only at writes acknowledged
                    // since, the few that overlap the source or each other,
                    // not at the whole history before the read.
                    (false, Some(src_end)) => before
                        [before.partition_point(|w| w.ret <= Some(src_end))..]
                        .iter()
                        .rev()
                        .find(|w2| write_value(w2) != Some(v) && w2.call > src_end)
                        .map(|w2| (Some(v), *w2)),
                    _ => None,
                }
            }
        };
        if let Some((v, w2)) = witness {
            let shown = v.map_or("nothing (unset)".to_string(), |v| format!("{key}={v}"));
            found.push(format!(
                "read of {key} via {} at {} returned {shown}, but write {key}={} via {} was acknowledged at {}, before the read began",
                r.node,
                fmt_ms(r.invoked),
                write_value(w2).unwrap_or_default(),
                w2.node,
                fmt_ms(w2.completed.unwrap_or_default()),
            ));
        }
    }
    match found.len() {
        0 => Verdict::new(
            ids::STALE_READS,
            Status::Pass,
            "no stale reads: every read saw the latest acknowledged write or a newer one",
        )
        .with_headline("no stale reads"),
        n => {
            let summary = if n == 1 {
                "1 stale read: ".to_string() + &found[0]
            } else {
                format!("{n} stale reads; first: {}", found[0])
            };
            let headline = if n == 1 {
                "1 stale read".to_string()
            } else {
                format!("{n} stale reads")
            };
            Verdict::new(ids::STALE_READS, Status::Fail, summary)
                .with_headline(headline)
                .with_details(found)
        }
    }
}

#[derive(Default)]
struct KeyWrites<'a> {
    acked: Vec<&'a OpRecord>,
    by_value: BTreeMap<i64, Vec<&'a OpRecord>>,
}

fn write_value(op: &OpRecord) -> Option<i64> {
    match op.kind {
        OpKind::Write { value, .. } => Some(value),
        OpKind::Read { .. } | OpKind::Other { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::positions_from_times;
    use crate::sim::{NodeId, OpId};

    fn op(id: u64, kind: OpKind, invoked: u64, completed: u64, outcome: OpOutcome) -> OpRecord {
        OpRecord {
            id: OpId(id),
            node: NodeId(1),
            kind,
            invoked,
            completed: Some(completed),
            call: positions_from_times(invoked, Some(completed)).0,
            ret: positions_from_times(invoked, Some(completed)).1,
            outcome,
            note: String::new(),
        }
    }
    fn w(id: u64, v: i64, a: u64, b: u64) -> OpRecord {
        op(
            id,
            OpKind::Write {
                key: "x".into(),
                value: v,
            },
            a,
            b,
            OpOutcome::Ok { value: None },
        )
    }
    fn r(id: u64, v: Option<i64>, a: u64, b: u64) -> OpRecord {
        op(
            id,
            OpKind::Read { key: "x".into() },
            a,
            b,
            OpOutcome::Ok { value: v },
        )
    }

    #[test]
    fn sequential_overwrite_then_old_value_is_stale() {
        let h = History::from_ops(vec![w(1, 1, 0, 10), w(2, 2, 20, 30), r(3, Some(1), 40, 50)]);
        let v = stale_reads(&h);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("returned x=1"), "{}", v.summary);
        assert!(v.summary.contains("write x=2"), "{}", v.summary);
    }

    #[test]
    fn concurrent_writes_either_value_is_fine() {
        // w1 and w2 overlap: either order is legal, so reading 1 is not stale.
        let h = History::from_ops(vec![w(1, 1, 0, 30), w(2, 2, 10, 20), r(3, Some(1), 40, 50)]);
        assert_eq!(stale_reads(&h).status, Status::Pass);
    }

    #[test]
    fn unset_after_ack_is_stale_and_before_is_not() {
        let stale = History::from_ops(vec![w(1, 1, 0, 10), r(2, None, 20, 30)]);
        assert_eq!(stale_reads(&stale).status, Status::Fail);
        let fine = History::from_ops(vec![w(1, 1, 0, 25), r(2, None, 20, 30)]);
        assert_eq!(stale_reads(&fine).status, Status::Pass);
    }

    #[test]
    fn timed_out_write_is_a_possible_source_not_an_overwriter() {
        let t = |id, v, a, b| {
            op(
                id,
                OpKind::Write {
                    key: "x".into(),
                    value: v,
                },
                a,
                b,
                OpOutcome::TimedOut {
                    reason: String::new(),
                },
            )
        };
        // The timed-out x=3 may have landed after x=2, so reading 3 is fine.
        let h = History::from_ops(vec![
            w(1, 2, 0, 10),
            t(2, 3, 5, 1000),
            r(3, Some(3), 40, 50),
        ]);
        assert_eq!(stale_reads(&h).status, Status::Pass);
        // A timed-out source may land after its time-out, even after x=2.
        let h = History::from_ops(vec![t(1, 3, 0, 5), w(2, 2, 20, 30), r(3, Some(3), 40, 50)]);
        assert_eq!(stale_reads(&h).status, Status::Pass);
        // A timed-out write never proves that an older value is overwritten.
        let h = History::from_ops(vec![
            w(1, 1, 0, 10),
            t(2, 2, 20, 1000),
            r(3, Some(1), 40, 50),
        ]);
        assert_eq!(stale_reads(&h).status, Status::Pass);
    }
}
