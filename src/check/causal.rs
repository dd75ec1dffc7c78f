//! Causality violations: a client sees an effect without its cause.
//!
//! *Happens-before* over the history is the smallest transitive relation
//! with: (1) session order — a before b when one client's a completed
//! before its b was invoked (see [`Sessions`]); (2) reads-from — the write
//! of k=v before every read of k that returned v (only when the source is
//! certain: exactly one successful write wrote k=v, and no write of k=v that
//! timed out or has no answer, invoked before the read ended, may have been
//! applied and be what the read saw); (3) any edges the protocol
//! adds that the history cannot show ([`causality_with`]: "this write was
//! accepted by a node that had applied that one"). Only successful
//! operations take part.
//!
//! A read r of key k **violates causality** if some write w of k
//! happens-before r, yet r returned something w causally overwrote: "unset",
//! or a value whose (certain, as above) write happens-before w. (Returning a concurrent write's
//! value is allowed: causal consistency orders only what is causally
//! related.) Example: a post, a reply written by someone who read the post,
//! and a reader who sees the reply, then finds no post.

use super::ids;
use std::collections::{BTreeMap, VecDeque};

use super::Verdict;
use super::session::{Sessions, summarize};
use crate::sim::{History, OpId, OpKind, OpOutcome, OpRecord, Value, fmt_ms};

pub fn causality(history: &History, sessions: Sessions) -> Verdict {
    causality_with(history, sessions, &[])
}

/// [`causality`] with more happens-before edges that only the protocol
/// knows, as (cause, effect) operation ids: "write b was accepted by a node
/// that had already applied write a".
pub fn causality_with(history: &History, sessions: Sessions, extra: &[(OpId, OpId)]) -> Verdict {
    const CHECK: &str = ids::CAUSALITY;
    let ops = history.ops();
    let n = ops.len();
    let ok: Vec<bool> = ops.iter().map(|o| o.is_ok()).collect();
    // The unique write of each (key, value).
    let mut source: BTreeMap<(&str, Value), Option<usize>> = BTreeMap::new();
    for (i, o) in ops.iter().enumerate() {
        if let (OpKind::Write { key, value }, true) = (&o.kind, ok[i]) {
            source
                .entry((key.as_str(), *value))
                .and_modify(|s| *s = None)
                .or_insert(Some(i));
        }
    }
    // When each write of (key, value) that timed out (or has no answer yet)
    // was invoked: it may have taken effect, at any later time.
    let mut maybe: BTreeMap<(&str, Value), Vec<u64>> = BTreeMap::new();
    for o in ops {
        if let (OpKind::Write { key, value }, OpOutcome::TimedOut { .. } | OpOutcome::Pending) =
            (&o.kind, &o.outcome)
        {
            maybe
                .entry((key.as_str(), *value))
                .or_default()
                .push(o.call);
        }
    }
    // The write a read certainly got its value from: none when a write that
    // may have been applied, invoked before the read ended, wrote it too.
    let src_of = |i: usize| -> Option<usize> {
        match (&ops[i].kind, ops[i].read_value()) {
            (OpKind::Read { key }, Some(Some(v))) => {
                let end = ops[i].ret.unwrap_or(u64::MAX);
                let rivals = maybe.get(&(key.as_str(), v));
                if rivals.is_some_and(|ts| ts.iter().any(|&t| t <= end)) {
                    return None;
                }
                source.get(&(key.as_str(), v)).copied().flatten()
            }
            _ => None,
        }
    };
    let index = |id: OpId| -> Option<usize> {
        let i = (id.0 as usize).checked_sub(1)?;
        (ops.get(i)?.id == id).then_some(i)
    };
    // Direct predecessors: session order, reads-from and the extra edges.
    let preds: Vec<Vec<usize>> = (0..n)
        .map(|b| {
            if !ok[b] {
                return Vec::new();
            }
            let mut p: Vec<usize> = (0..n)
                .filter(|&a| {
                    ok[a]
                        && a != b
                        && sessions.of(&ops[a]) == sessions.of(&ops[b])
                        && ops[a].precedes(&ops[b])
                })
                .collect();
            if let Some(s) = src_of(b).filter(|&s| s != b) {
                p.push(s);
            }
            for (cause, effect) in extra {
                let (Some(a), Some(e)) = (index(*cause), index(*effect)) else {
                    continue;
                };
                if e == b && a != b && ok[a] && !p.contains(&a) {
                    p.push(a);
                }
            }
            p
        })
        .collect();
    let past = causal_pasts(&preds);

    let mut found = Vec::new();
    for r in 0..n {
        let (OpKind::Read { key }, Some(got)) = (&ops[r].kind, ops[r].read_value()) else {
            continue;
        };
        if !ok[r] {
            continue;
        }
        let got_src = src_of(r);
        let cause = (0..n).filter(|&w| past[r][w]).find(|&w| {
            matches!(&ops[w].kind, OpKind::Write { key: k, value } if k == key && Some(*value) != got)
                && match (got, got_src) {
                    (None, _) => true,
                    (Some(_), Some(s)) => past[w][s],
                    (Some(_), None) => false,
                }
        });
        if let Some(w) = cause {
            let chain = path(&preds, w, r);
            let steps: Vec<String> = chain
                .iter()
                .enumerate()
                .map(|(k, &i)| {
                    let mut text = step(&ops[i]);
                    // A write following a write made elsewhere: the node knew it.
                    if let Some(&prev) = k.checked_sub(1).map(|p| &chain[p])
                        && matches!(ops[i].kind, OpKind::Write { .. })
                        && matches!(ops[prev].kind, OpKind::Write { .. })
                        && ops[prev].node != ops[i].node
                    {
                        text += &format!(" (after {} had applied it)", ops[i].node);
                    }
                    text
                })
                .collect();
            let OpKind::Write { value, .. } = &ops[w].kind else {
                continue;
            };
            let got_text = got.map_or(format!("nothing ({key} unset)"), |v| format!("{key}={v}"));
            found.push(format!(
                "read of {key} via {} at {} returned {got_text}, yet {key}={value} had happened before it: {}",
                ops[r].node,
                fmt_ms(ops[r].invoked),
                steps.join(" → ")
            ));
        }
    }
    summarize(
        CHECK,
        found,
        "no client saw an effect without its cause",
        "causality violation",
    )
}

/// `past[b][a]`: a happens-before b. Iterative depth-first, ignoring any
/// cycle (which only a read from the future could create).
fn causal_pasts(preds: &[Vec<usize>]) -> Vec<Vec<bool>> {
    let n = preds.len();
    let mut past = vec![vec![false; n]; n];
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if let Some(&p) = preds[v].get(*k) {
                *k += 1;
                if state[p] == 0 {
                    state[p] = 1;
                    stack.push((p, 0));
                }
            } else {
                stack.pop();
                state[v] = 2;
                let mut mine = vec![false; n];
                for &p in &preds[v] {
                    if state[p] == 2 {
                        mine[p] = true;
                        for (m, &x) in mine.iter_mut().zip(&past[p]) {
                            *m |= x;
                        }
                    }
                }
                past[v] = mine;
            }
        }
    }
    past
}

/// The shortest chain of direct edges from `from` to `to`, both included.
fn path(preds: &[Vec<usize>], from: usize, to: usize) -> Vec<usize> {
    let mut back: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = VecDeque::from([to]);
    while let Some(v) = queue.pop_front() {
        if v == from {
            break;
        }
        for &p in &preds[v] {
            if p != to && !back.contains_key(&p) {
                back.insert(p, v);
                queue.push_back(p);
            }
        }
    }
    let mut chain = vec![from];
    let mut at = from;
    while let Some(&nx) = back.get(&at) {
        chain.push(nx);
        at = nx;
        if nx == to {
            break;
        }
    }
    if chain.last() != Some(&to) {
        chain.push(to);
    }
    chain
}

fn step(op: &OpRecord) -> String {
    match (&op.kind, op.read_value()) {
        (OpKind::Write { key, value }, _) => {
            format!(
                "{key}={value} written via {} at {}",
                op.node,
                fmt_ms(op.invoked)
            )
        }
        (OpKind::Read { key }, Some(v)) => format!(
            "read via {} at {} saw {}",
            op.node,
            fmt_ms(op.invoked),
            v.map_or(format!("{key} unset"), |v| format!("{key}={v}"))
        ),
        (OpKind::Read { key }, None) => format!("read of {key} via {}", op.node),
        (OpKind::Other { what, .. }, _) => {
            format!("{what} via {} at {}", op.node, fmt_ms(op.invoked))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::sim::positions_from_times;
    use crate::sim::{NodeId, OpId, OpOutcome};

    fn op(id: u64, node: u32, kind: OpKind, a: u64, value: Option<i64>) -> OpRecord {
        OpRecord {
            id: OpId(id),
            node: NodeId(node),
            kind,
            invoked: a,
            completed: Some(a + 5),
            call: positions_from_times(a, Some(a + 5)).0,
            ret: positions_from_times(a, Some(a + 5)).1,
            outcome: OpOutcome::Ok { value },
            note: String::new(),
        }
    }
    fn w(id: u64, node: u32, k: &str, v: i64, a: u64) -> OpRecord {
        op(
            id,
            node,
            OpKind::Write {
                key: k.into(),
                value: v,
            },
            a,
            None,
        )
    }
    fn r(id: u64, node: u32, k: &str, v: Option<i64>, a: u64) -> OpRecord {
        op(id, node, OpKind::Read { key: k.into() }, a, v)
    }

    #[test]
    fn reply_without_post_is_a_violation() {
        let h = History::from_ops(vec![
            w(1, 1, "post", 1, 0),
            r(2, 2, "post", Some(1), 100),
            w(3, 2, "reply", 1, 200),
            r(4, 3, "reply", Some(1), 300),
            r(5, 3, "post", None, 400),
        ]);
        let v = causality(&h, Sessions::PerNode);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("post=1 written via n1"), "{}", v.summary);
        assert!(
            v.summary.contains("returned nothing (post unset)"),
            "{}",
            v.summary
        );
    }

    #[test]
    fn not_yet_seeing_an_unrelated_post_is_fine() {
        // n3's client never saw anything that depends on the post.
        let h = History::from_ops(vec![
            w(1, 1, "post", 1, 0),
            r(2, 2, "post", Some(1), 100),
            w(3, 2, "reply", 1, 200),
            r(4, 3, "post", None, 400),
            r(5, 3, "reply", None, 410),
        ]);
        assert_eq!(causality(&h, Sessions::PerNode).status, Status::Pass);
    }

    fn timed_out(mut o: OpRecord) -> OpRecord {
        o.outcome = OpOutcome::TimedOut {
            reason: "no answer".into(),
        };
        o
    }

    #[test]
    fn a_value_a_timed_out_write_also_wrote_is_not_attributed() {
        // As in the overwrite case, but n4 also wrote x=1 and timed out:
        // it may have landed after x=2, so n3 reading 1 after 2 may have
        // seen n4's write, which nothing orders before x=2.
        let h = History::from_ops(vec![
            w(1, 1, "x", 1, 0),
            r(2, 2, "x", Some(1), 100),
            w(3, 2, "x", 2, 200),
            timed_out(w(4, 4, "x", 1, 250)),
            r(5, 3, "x", Some(2), 300),
            r(6, 3, "x", Some(1), 400),
        ]);
        let v = causality(&h, Sessions::PerNode);
        assert_eq!(v.status, Status::Pass, "{v:?}");
        // Nor is a reads-from edge drawn from n1's post=1: n2 may have read
        // n4's, which nothing orders after post=0, so n3 seeing the reply
        // and then post=0 may be no violation.
        let h = History::from_ops(vec![
            w(1, 1, "post", 0, 0),
            w(2, 1, "post", 1, 20),
            timed_out(w(3, 4, "post", 1, 30)),
            r(4, 2, "post", Some(1), 100),
            w(5, 2, "reply", 1, 200),
            r(6, 3, "reply", Some(1), 300),
            r(7, 3, "post", Some(0), 400),
        ]);
        let v = causality(&h, Sessions::PerNode);
        assert_eq!(v.status, Status::Pass, "{v:?}");
    }

    #[test]
    fn a_timed_out_write_invoked_after_the_read_cannot_be_its_source() {
        let h = History::from_ops(vec![
            w(1, 1, "x", 1, 0),
            r(2, 2, "x", Some(1), 100),
            w(3, 2, "x", 2, 200),
            r(4, 3, "x", Some(2), 300),
            r(5, 3, "x", Some(1), 400),
            timed_out(w(6, 4, "x", 1, 500)),
        ]);
        assert_eq!(causality(&h, Sessions::PerNode).status, Status::Fail);
    }

    #[test]
    fn causally_overwritten_value_is_a_violation_concurrent_is_not() {
        // n2 read x=1 and overwrote it with x=2; n3 saw x=2, then x=1.
        let h = History::from_ops(vec![
            w(1, 1, "x", 1, 0),
            r(2, 2, "x", Some(1), 100),
            w(3, 2, "x", 2, 200),
            r(4, 3, "x", Some(2), 300),
            r(5, 3, "x", Some(1), 400),
        ]);
        assert_eq!(causality(&h, Sessions::PerNode).status, Status::Fail);
        // Two independent writers: either value is allowed after the other.
        let h = History::from_ops(vec![
            w(1, 1, "x", 1, 0),
            w(2, 2, "x", 2, 0),
            r(3, 3, "x", Some(2), 300),
            r(4, 3, "x", Some(1), 400),
        ]);
        assert_eq!(causality(&h, Sessions::PerNode).status, Status::Pass);
    }
}
