//! Acknowledged writes lost: a write the system said "ok" to that is gone.
//!
//! Precisely: an acknowledged write `w` of key k with value v is **lost** if
//! no surviving copy holds v or anything that may be newer. The caller names
//! the surviving copies: the current leader's for leader-based replication
//! (what clients will read from now on), or every running replica's for
//! leaderless and multi-leader stores. A copy holds something "possibly
//! newer" unless it holds nothing for k, or a value every write of which
//! was acknowledged before `w` was even invoked — a value `w` should have
//! replaced, and that nothing newer replaced instead. (A timed-out write
//! may land at any later time, so its value may be newer; failed ones never
//! happened.) Overwriting by a later or concurrent write
//! is therefore never a loss; only going back to something older is.
//!
//! A copy that keeps a **log** of the writes it applied (a leader's
//! replication log) is judged more strictly: a write is kept only if it is
//! in that log. So an acknowledged write discarded at failover is lost even
//! if a later write to the same key would have hidden it in the final
//! values.
//!
//! This judges the state *now*: a write that is only on a leader that later
//! crashes is not lost until a copy without it becomes the one that counts.

use super::ids;
use std::collections::BTreeMap;

use super::{Status, Verdict};
use crate::sim::{History, OpKind, OpOutcome, OpRecord, Value, fmt_ms};

/// One surviving copy of the data.
#[derive(Clone, Debug)]
pub struct Survivor {
    /// Who holds it, for sentences: "n2 (the leader, epoch 2)".
    pub who: String,
    pub values: BTreeMap<String, Value>,
    /// Every (key, value) write this copy's log holds, in log order with
    /// repeats, if it keeps a log.
    pub log: Option<Vec<(String, Value)>>,
}

/// How many times a copy's log holds each (key, value).
type LogCounts<'a> = BTreeMap<(&'a str, Value), usize>;

/// How a surviving copy lacks an acknowledged write.
enum Lacks {
    /// Its log does not hold the write: it holds `held` entries of this
    /// key and value, fewer than the `acked` acknowledged writes of them.
    NotInLog { held: usize, acked: usize },
    /// It holds nothing, or a value the write should have replaced.
    Older(Option<Value>),
}

pub fn lost_writes(history: &History, survivors: &[Survivor]) -> Verdict {
    const CHECK: &str = ids::LOST_WRITES;
    if survivors.is_empty() {
        return Verdict::new(
            CHECK,
            Status::Info,
            "no surviving copy to compare with (every replica is down)",
        );
    }
    let ops = history.ops();
    // The acknowledged writes of each (key, value), earliest acknowledged
    // first: a log must hold one entry per acknowledged write. If it holds
    // fewer, the latest ones are counted as gone (which ones exactly cannot
    // be told apart; that some are gone is certain).
    let mut acked: BTreeMap<(&str, Value), Vec<&OpRecord>> = BTreeMap::new();
    for o in ops.iter().filter(|o| o.is_ok()) {
        if let OpKind::Write { key, value } = &o.kind {
            acked.entry((key.as_str(), *value)).or_default().push(o);
        }
    }
    for list in acked.values_mut() {
        list.sort_by_key(|o| (o.ret, o.id));
    }
    // Built once, so each write is judged by lookups rather than by
    // rescanning the history and the logs: the writes of each (key, value)
    // that may have happened, and how often each log holds each.
    let mut possible: BTreeMap<(&str, Value), Vec<&OpRecord>> = BTreeMap::new();
    for o in ops
        .iter()
        .filter(|o| !matches!(o.outcome, OpOutcome::Failed { .. }))
    {
        if let OpKind::Write { key, value } = &o.kind {
            possible.entry((key.as_str(), *value)).or_default().push(o);
        }
    }
    let in_logs: Vec<Option<LogCounts<'_>>> = survivors
        .iter()
        .map(|s| {
            s.log.as_ref().map(|log| {
                let mut held = BTreeMap::new();
                for (k, v) in log {
                    *held.entry((k.as_str(), *v)).or_insert(0) += 1;
                }
                held
            })
        })
        .collect();
    // A compare-and-set or an increment may have replaced the value legitimately.
    let beyond = history.keys_beyond_registers();
    let mut found = Vec::new();
    for w in ops.iter().filter(|o| o.is_ok()) {
        let OpKind::Write { key, value } = &w.kind else {
            continue;
        };
        if beyond.contains(key.as_str()) {
            continue;
        }
        let same = &acked[&(key.as_str(), *value)];
        let rank = same.iter().position(|o| o.id == w.id).unwrap_or(0);
        // `None`: this copy keeps the write (or something that may be newer).
        let lacks = |(s, in_log): (&Survivor, &Option<LogCounts<'_>>)| -> Option<Lacks> {
            if let Some(in_log) = in_log {
                let held = in_log.get(&(key.as_str(), *value)).copied().unwrap_or(0);
                return (rank >= held).then_some(Lacks::NotInLog {
                    held,
                    acked: same.len(),
                });
            }
            match s.values.get(key) {
                None => Some(Lacks::Older(None)),
                Some(f) if f == value => None,
                Some(f) => {
                    let sources = possible
                        .get(&(key.as_str(), *f))
                        .map_or(&[][..], Vec::as_slice);
                    (!sources.is_empty() && sources.iter().all(|s| s.is_ok() && s.precedes(w)))
                        .then_some(Lacks::Older(Some(*f)))
                }
            }
        };
        let Some(all) = survivors
            .iter()
            .zip(&in_logs)
            .map(lacks)
            .collect::<Option<Vec<Lacks>>>()
        else {
            continue;
        };
        let s = &survivors[0];
        let holds = match &all[0] {
            Lacks::NotInLog { held: 0, .. } => "does not have it in its log (it was never replicated there, and that log is the one that counts now)".to_string(),
            Lacks::NotInLog { held, acked } => format!(
                "holds {key}={value} in its log only {}, for {acked} acknowledged writes of it (one was never replicated there, and that log is the one that counts now)",
                if *held == 1 { "once".to_string() } else { format!("{held} times") }
            ),
            Lacks::Older(None) => format!("holds no {key} at all"),
            Lacks::Older(Some(f)) => format!("holds {key}={f}, which was written before it"),
        };
        let also = if survivors.len() > 1 {
            " (and no other surviving copy has it either)".to_string()
        } else {
            String::new()
        };
        found.push(format!(
            "write {key}={value} via {} was acknowledged at {}, but {} {holds}{also}: the acknowledged write is gone",
            w.node,
            fmt_ms(w.completed.unwrap_or_default()),
            s.who,
        ));
    }
    let whose = if survivors.len() == 1 {
        survivors[0].who.clone()
    } else {
        format!("the {} running replicas", survivors.len())
    };
    match found.len() {
        0 => Verdict::new(
            CHECK,
            Status::Pass,
            format!(
                "no acknowledged write lost: {whose} hold{} every acknowledged write or something newer",
                if survivors.len() == 1 { "s" } else { "" }
            ),
        )
        .with_headline("no acknowledged write lost"),
        n => {
            let summary = if n == 1 {
                format!("1 acknowledged write lost: {}", found[0])
            } else {
                format!("{n} acknowledged writes lost; first: {}", found[0])
            };
            let headline = if n == 1 {
                "1 acknowledged write lost".to_string()
            } else {
                format!("{n} acknowledged writes lost")
            };
            Verdict::new(CHECK, Status::Fail, summary)
                .with_headline(headline)
                .with_details(found)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::positions_from_times;
    use crate::sim::{NodeId, OpId};

    fn w(id: u64, v: i64, a: u64, b: u64) -> OpRecord {
        OpRecord {
            id: OpId(id),
            node: NodeId(1),
            kind: OpKind::Write {
                key: "x".into(),
                value: v,
            },
            invoked: a,
            completed: Some(b),
            call: positions_from_times(a, Some(b)).0,
            ret: positions_from_times(a, Some(b)).1,
            outcome: OpOutcome::Ok { value: None },
            note: String::new(),
        }
    }
    fn holds(v: Option<i64>) -> Vec<Survivor> {
        vec![Survivor {
            who: "n2 (the leader)".into(),
            values: v.map(|v| ("x".to_string(), v)).into_iter().collect(),
            log: None,
        }]
    }

    #[test]
    fn a_write_missing_from_the_log_is_lost_even_when_overwritten_later() {
        let h = History::from_ops(vec![w(1, 1, 0, 10), w(2, 2, 20, 30), w(3, 3, 40, 50)]);
        let s = vec![Survivor {
            who: "n3 (the leader of epoch 2)".into(),
            values: [("x".to_string(), 3)].into(),
            log: Some(vec![("x".to_string(), 1), ("x".to_string(), 3)]),
        }];
        let v = lost_writes(&h, &s);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("write x=2"), "{}", v.summary);
        assert!(
            v.summary.contains("not have it in its log"),
            "{}",
            v.summary
        );
    }

    #[test]
    fn a_repeated_value_needs_one_log_entry_per_acknowledged_write() {
        // x=1 is written and acknowledged twice; the log that counts holds
        // only one x=1 entry, so one acknowledged write is gone.
        let h = History::from_ops(vec![w(1, 1, 0, 10), w(2, 2, 20, 30), w(3, 1, 40, 50)]);
        let s = vec![Survivor {
            who: "n3 (the leader of epoch 2)".into(),
            values: [("x".to_string(), 2)].into(),
            log: Some(vec![("x".to_string(), 1), ("x".to_string(), 2)]),
        }];
        let v = lost_writes(&h, &s);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("0.050s"), "{}", v.summary);
        assert!(v.summary.contains("only once"), "{}", v.summary);
        // With both entries there, nothing is lost.
        let s = vec![Survivor {
            log: Some(vec![
                ("x".to_string(), 1),
                ("x".to_string(), 2),
                ("x".to_string(), 1),
            ]),
            ..s[0].clone()
        }];
        assert_eq!(lost_writes(&h, &s).status, Status::Pass);
    }

    #[test]
    fn a_timed_out_write_may_land_after_an_acknowledged_one() {
        // x=1 timed out at 1.0s and may have landed after x=2: holding x=1
        // is not going back in time.
        let mut late = w(1, 1, 0, 1000);
        late.outcome = OpOutcome::TimedOut {
            reason: "no answer".into(),
        };
        let h = History::from_ops(vec![late, w(2, 2, 1100, 1110)]);
        assert_eq!(lost_writes(&h, &holds(Some(1))).status, Status::Pass);
    }

    #[test]
    fn going_back_to_an_older_value_loses_the_write() {
        let h = History::from_ops(vec![w(1, 1, 0, 10), w(2, 2, 20, 30)]);
        let v = lost_writes(&h, &holds(Some(1)));
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("write x=2"), "{}", v.summary);
        assert!(v.summary.contains("holds x=1"), "{}", v.summary);
        assert_eq!(lost_writes(&h, &holds(None)).status, Status::Fail);
    }

    #[test]
    fn newer_or_concurrent_values_are_not_losses() {
        let h = History::from_ops(vec![w(1, 1, 0, 10), w(2, 2, 20, 30)]);
        assert_eq!(lost_writes(&h, &holds(Some(2))).status, Status::Pass);
        // Concurrent writes: either may legitimately end up on top.
        let h = History::from_ops(vec![w(1, 1, 0, 30), w(2, 2, 10, 40)]);
        assert_eq!(lost_writes(&h, &holds(Some(1))).status, Status::Pass);
    }

    #[test]
    fn one_surviving_copy_with_the_write_is_enough() {
        let h = History::from_ops(vec![w(1, 1, 0, 10), w(2, 2, 20, 30)]);
        let mut s = holds(Some(1));
        s.extend(holds(Some(2)));
        assert_eq!(lost_writes(&h, &s).status, Status::Pass);
    }
}
