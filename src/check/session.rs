//! Session guarantees (Terry et al., 1994): what one client may expect from
//! its own sequence of operations, whichever replica serves each one.
//!
//! A *session* is one client's operations. Within a session, operation a
//! comes before b when a completed before b was invoked. Which operations
//! form a session is the scenario's choice ([`Sessions`]).
//!
//! "Older" is decided from the history alone: value a of key k is older
//! than value b if every write of a was acknowledged before any write of b
//! was invoked (a write of a that timed out may land at any later time, so
//! then a is not older), or if a is "unset" and b is not. For
//! concurrent writes neither is older, so no guarantee is claimed broken.
//!
//! - **Read your writes**: a read of k returns nothing older than the
//!   session's latest acknowledged write of k that completed before the read
//!   began ("I wrote it and it's gone").
//! - **Monotonic reads**: a read of k returns nothing older than what an
//!   earlier read of k in the session returned ("time went backwards").

use super::ids;
use super::{Status, Verdict};
use crate::sim::{History, NodeId, OpKind, OpOutcome, OpRecord, Value, fmt_ms};

/// Which operations belong to one client's session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sessions {
    /// One client (the learner) issues every operation, through whichever
    /// node it picks.
    OneClient,
    /// Each node has its own client: operations via n2 are n2's client's.
    PerNode,
}

impl Sessions {
    pub(crate) fn of(self, op: &OpRecord) -> NodeId {
        match self {
            Sessions::OneClient => NodeId(0),
            Sessions::PerNode => op.node,
        }
    }
    pub(crate) fn client(self, op: &OpRecord) -> String {
        match self {
            Sessions::OneClient => "the client".into(),
            Sessions::PerNode => format!("{}'s client", op.node),
        }
    }
}

/// Is `a` an older value of `key` than `b`, judging by the history alone?
pub(crate) fn older(ops: &[OpRecord], key: &str, a: Option<Value>, b: Option<Value>) -> bool {
    match (a, b) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(a), Some(b)) if a == b => false,
        // A compare-and-set or an increment may have produced either value.
        _ if ops
            .iter()
            .any(|o| matches!(o.kind, OpKind::Other { .. }) && o.kind.key() == key) =>
        {
            false
        }
        (Some(a), Some(b)) => {
            let wa: Vec<&OpRecord> = writes_of(ops, key, a).collect();
            let wb: Vec<&OpRecord> = writes_of(ops, key, b).collect();
            !wa.is_empty()
                && !wb.is_empty()
                && wa.iter().all(|x| {
                    // A write that timed out (or is pending) may take effect
                    // at any later time: it bounds nothing.
                    x.is_ok() && wb.iter().all(|y| x.precedes(y))
                })
        }
    }
}

pub(crate) fn writes_of<'a>(
    ops: &'a [OpRecord],
    key: &'a str,
    value: Value,
) -> impl Iterator<Item = &'a OpRecord> {
    ops.iter().filter(move |o| {
        !matches!(o.outcome, OpOutcome::Failed { .. })
            && matches!(&o.kind, OpKind::Write { key: k, value: v } if k == key && *v == value)
    })
}

fn shown(key: &str, v: Option<Value>) -> String {
    v.map_or(format!("nothing ({key} unset)"), |v| format!("{key}={v}"))
}

fn before(a: &OpRecord, b: &OpRecord) -> bool {
    a.precedes(b)
}

pub fn read_your_writes(history: &History, sessions: Sessions) -> Verdict {
    const CHECK: &str = ids::READ_YOUR_WRITES;
    let ops = history.ops();
    let mut found = Vec::new();
    for r in ops {
        let (OpKind::Read { key }, Some(got)) = (&r.kind, r.read_value()) else {
            continue;
        };
        let own = ops
            .iter()
            .filter(|w| w.is_ok() && sessions.of(w) == sessions.of(r) && before(w, r))
            .filter_map(|w| match &w.kind {
                OpKind::Write { key: k, value } if k == key => Some((w, *value)),
                _ => None,
            })
            .max_by_key(|(w, _)| w.ret);
        let Some((w, mine)) = own else { continue };
        if older(ops, key, got, Some(mine)) {
            found.push(format!(
                "{} wrote {key}={mine} (via {}, acknowledged at {}), then read {key} via {} at {} and got {}: its own write was gone",
                sessions.client(r),
                w.node,
                fmt_ms(w.completed.unwrap_or_default()),
                r.node,
                fmt_ms(r.invoked),
                shown(key, got)
            ));
        }
    }
    summarize(
        CHECK,
        found,
        "every read saw the client's own earlier writes (or something newer)",
        "read-your-writes violation",
    )
}

pub fn monotonic_reads(history: &History, sessions: Sessions) -> Verdict {
    const CHECK: &str = ids::MONOTONIC_READS;
    let ops = history.ops();
    let mut found = Vec::new();
    for r2 in ops {
        let (OpKind::Read { key }, Some(got)) = (&r2.kind, r2.read_value()) else {
            continue;
        };
        let earlier = ops.iter().find(|r1| {
            sessions.of(r1) == sessions.of(r2)
                && before(r1, r2)
                && matches!(&r1.kind, OpKind::Read { key: k } if k == key)
                && r1
                    .read_value()
                    .is_some_and(|seen| older(ops, key, got, seen))
        });
        if let Some(r1) = earlier {
            found.push(format!(
                "{} read {} via {} at {}, then {} via {} at {}, an older value: time went backwards",
                sessions.client(r2),
                shown(key, r1.read_value().flatten()),
                r1.node,
                fmt_ms(r1.invoked),
                shown(key, got),
                r2.node,
                fmt_ms(r2.invoked),
            ));
        }
    }
    summarize(
        CHECK,
        found,
        "no client saw a value older than one it had already read",
        "monotonic-read violation",
    )
}

pub(crate) fn summarize(check: &str, found: Vec<String>, pass: &str, what: &str) -> Verdict {
    match found.len() {
        0 => Verdict::new(check, Status::Pass, pass),
        1 => Verdict::new(check, Status::Fail, format!("1 {what}: {}", found[0]))
            .with_headline(format!("1 {what}"))
            .with_details(found),
        n => Verdict::new(
            check,
            Status::Fail,
            format!("{n} {what}s; first: {}", found[0]),
        )
        .with_headline(format!("{n} {what}s"))
        .with_details(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::OpId;
    use crate::sim::positions_from_times;

    fn op(id: u64, node: u32, kind: OpKind, a: u64, b: u64, value: Option<i64>) -> OpRecord {
        OpRecord {
            id: OpId(id),
            node: NodeId(node),
            kind,
            invoked: a,
            completed: Some(b),
            call: positions_from_times(a, Some(b)).0,
            ret: positions_from_times(a, Some(b)).1,
            outcome: OpOutcome::Ok { value },
            note: String::new(),
        }
    }
    fn w(id: u64, node: u32, v: i64, a: u64, b: u64) -> OpRecord {
        op(
            id,
            node,
            OpKind::Write {
                key: "x".into(),
                value: v,
            },
            a,
            b,
            None,
        )
    }
    fn r(id: u64, node: u32, v: Option<i64>, a: u64, b: u64) -> OpRecord {
        op(id, node, OpKind::Read { key: "x".into() }, a, b, v)
    }

    #[test]
    fn own_write_gone_is_a_violation() {
        let h = History::from_ops(vec![
            w(1, 1, 1, 0, 10),
            w(2, 1, 2, 20, 30),
            r(3, 2, Some(1), 40, 50),
        ]);
        let v = read_your_writes(&h, Sessions::OneClient);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("wrote x=2"), "{}", v.summary);
        // Different clients per node: n2's client wrote nothing.
        assert_eq!(read_your_writes(&h, Sessions::PerNode).status, Status::Pass);
        let h = History::from_ops(vec![w(1, 1, 1, 0, 10), r(2, 2, None, 40, 50)]);
        assert_eq!(
            read_your_writes(&h, Sessions::OneClient).status,
            Status::Fail
        );
    }

    #[test]
    fn a_timed_out_write_may_land_after_later_writes() {
        // x=1 timed out at 1.0s, so it may take effect at any later time,
        // after x=2 too: reading 1 after writing 2 proves nothing.
        let mut late = w(1, 2, 1, 0, 1000);
        late.outcome = OpOutcome::TimedOut {
            reason: "no answer".into(),
        };
        let h = History::from_ops(vec![
            late,
            w(2, 1, 2, 1100, 1110),
            r(3, 1, Some(2), 1200, 1210),
            r(4, 1, Some(1), 1600, 1610),
        ]);
        let v = read_your_writes(&h, Sessions::OneClient);
        assert_eq!(v.status, Status::Pass, "{v:?}");
        let v = monotonic_reads(&h, Sessions::OneClient);
        assert_eq!(v.status, Status::Pass, "{v:?}");
    }

    #[test]
    fn seeing_a_concurrent_or_newer_value_is_fine() {
        let h = History::from_ops(vec![
            w(1, 1, 1, 0, 30),
            w(2, 2, 2, 5, 35),
            r(3, 1, Some(2), 40, 50),
        ]);
        assert_eq!(read_your_writes(&h, Sessions::PerNode).status, Status::Pass);
    }

    #[test]
    fn reading_back_in_time_breaks_monotonic_reads() {
        let h = History::from_ops(vec![
            w(1, 1, 1, 0, 10),
            w(2, 1, 2, 20, 30),
            r(3, 1, Some(2), 40, 50),
            r(4, 3, Some(1), 60, 70),
        ]);
        let v = monotonic_reads(&h, Sessions::OneClient);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("time went backwards"), "{}", v.summary);
        assert_eq!(monotonic_reads(&h, Sessions::PerNode).status, Status::Pass);
        let fine = History::from_ops(vec![
            w(1, 1, 1, 0, 10),
            r(2, 1, Some(1), 40, 50),
            r(3, 3, Some(1), 60, 70),
        ]);
        assert_eq!(
            monotonic_reads(&fine, Sessions::OneClient).status,
            Status::Pass
        );
    }
}
