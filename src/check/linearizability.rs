//! Linearizability of a key-value history of reads and writes.
//!
//! A history is linearizable if every operation can be given one instant
//! between its invocation and its completion such that, taken in that order,
//! the operations behave like a single copy of each register: every read
//! returns the value of the latest write before it (or "unset").
//!
//! How it is checked (as Porcupine and Knossos do it):
//! - **Per key** (P-compositionality: a key-value store is linearizable iff
//!   each key's register is), so each search is small.
//! - **Wing & Gong's search with Lowe's memoisation**: walk the history's
//!   call/return events; try to linearize a pending call; backtrack at a
//!   return whose call could not be placed; remember every (set of
//!   linearized operations, register value) already explored, so the search
//!   never repeats itself.
//! - **Indeterminate operations**: a write that timed out (or is still
//!   pending) may have taken effect at any point after its invocation, or
//!   never. It gets an open interval (its return is "at infinity"); placing
//!   it after everything is the same as it never happening. One whose value
//!   no read returned cannot matter and is left out. Failed operations
//!   definitely did not happen and are left out; so are reads without an
//!   answer.
//! - **Bounded**: the general problem is NP-complete. The search counts its
//!   steps and answers "unknown" at the bound rather than hang.
//! - **Witness**: on a violation, the failing key's history is cut down to a
//!   smallest failing part and explained in words. Cutting is sound: only
//!   reads are dropped freely, and a write only once no remaining read
//!   returned its value — so the witness fails *because* the whole history
//!   does (a linearization of the whole would give one of the part).
//!
//! Real-time order is the run's event order (`OpRecord::call`/`ret`, trace
//! sequence numbers): an operation that returned before another was invoked
//! precedes it even inside one millisecond. Keys with operations other than
//! reads and writes (a compare-and-set) are not judged.

use super::ids;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::{Status, Verdict};
use crate::sim::{History, Millis, NodeId, OpKind, OpOutcome, Value, fmt_ms};

/// Search steps allowed per check, over all keys: at worst about 0.3 s in
/// a release build (a realistic 10,000-operation history needs a few tens
/// of thousands of steps).
pub const DEFAULT_BUDGET: u64 = 2_000_000;

/// Stands for "never returned": the op stays open to the end.
const OPEN: Millis = Millis::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Read(Option<Value>),
    Write(Value),
}

/// One operation of one key's history, as the search sees it.
#[derive(Clone, Debug)]
struct LOp {
    /// Index into `History::ops()`.
    src: usize,
    call: Millis,
    ret: Millis,
    kind: Kind,
}

/// What a search over one key found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Found {
    Linearizable,
    Violation,
    /// The step budget ran out.
    OutOfBudget,
}

/// The checker's answer per key, for callers who want more than a verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyResult {
    Linearizable,
    /// Not linearizable; the op ids (`History` positions) of a minimal witness.
    Violation {
        witness: Vec<usize>,
    },
    Unknown,
    /// The key has operations the read/write register model does not
    /// cover (a compare-and-set, an increment): not judged here.
    NotARegister,
}

/// Checks `history` with the default search bound.
pub fn linearizability(history: &History) -> Verdict {
    linearizability_with_budget(history, DEFAULT_BUDGET)
}

/// Checks `history`, giving up ("unknown") after `budget` search steps.
pub fn linearizability_with_budget(history: &History, budget: u64) -> Verdict {
    let results = check_keys(history, budget);
    verdict(history, &results)
}

/// Per-key results, keys in order.
pub fn check_keys(history: &History, budget: u64) -> BTreeMap<String, KeyResult> {
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, op) in history.ops().iter().enumerate() {
        by_key.entry(op.kind.key()).or_default().push(i);
    }
    let mut left = budget;
    let mut out = BTreeMap::new();
    for (key, idxs) in by_key {
        let all = history.ops();
        if idxs
            .iter()
            .any(|&i| matches!(all[i].kind, OpKind::Other { .. }))
        {
            out.insert(key.to_string(), KeyResult::NotARegister);
            continue;
        }
        let ops = prepare(history, &idxs);
        let mut spent = 0;
        let found = search(&ops, left, &mut spent);
        left = left.saturating_sub(spent);
        let res = match found {
            Found::Linearizable => KeyResult::Linearizable,
            Found::OutOfBudget => KeyResult::Unknown,
            Found::Violation => {
                // The witness search gets its own allowance: a violation is
                // already proven, and cutting it down is worth some work.
                let w = witness(&ops, budget.clamp(100_000, DEFAULT_BUDGET));
                KeyResult::Violation {
                    witness: w.iter().map(|o| o.src).collect(),
                }
            }
        };
        out.insert(key.to_string(), res);
    }
    out
}

/// The operations of one key the search must place.
fn prepare(history: &History, idxs: &[usize]) -> Vec<LOp> {
    let all = history.ops();
    let read_values: BTreeSet<Value> = idxs
        .iter()
        .filter_map(|&i| all[i].read_value().flatten())
        .collect();
    let mut ops = Vec::new();
    for &i in idxs {
        let op = &all[i];
        let open = matches!(op.outcome, OpOutcome::Pending | OpOutcome::TimedOut { .. });
        let kind = match (&op.kind, &op.outcome) {
            (_, OpOutcome::Failed { .. }) => continue,
            (OpKind::Read { .. }, OpOutcome::Ok { value }) => Kind::Read(*value),
            (OpKind::Read { .. } | OpKind::Other { .. }, _) => continue,
            (OpKind::Write { value, .. }, _) => {
                if open && !read_values.contains(value) {
                    continue;
                }
                Kind::Write(*value)
            }
        };
        let ret = match (open, op.ret) {
            (false, Some(t)) => t,
            _ => OPEN,
        };
        ops.push(LOp {
            src: i,
            call: op.call,
            ret,
            kind,
        });
    }
    ops.sort_by_key(|o| (o.call, o.src));
    ops
}

/// Wing & Gong / Lowe search over one key. `spent` counts steps.
fn search(ops: &[LOp], budget: u64, spent: &mut u64) -> Found {
    let n = ops.len();
    if n == 0 {
        return Found::Linearizable;
    }
    // A read of a value nobody wrote can never be placed: skip the search.
    let written: HashSet<Value> = ops
        .iter()
        .filter_map(|o| match o.kind {
            Kind::Write(v) => Some(v),
            Kind::Read(_) => None,
        })
        .collect();
    if ops
        .iter()
        .any(|o| matches!(o.kind, Kind::Read(Some(v)) if !written.contains(&v)))
    {
        return Found::Violation;
    }

    // Events: 2 per op; entry 2i is op i's call, 2i+1 its return.
    // The doubly linked list runs over the events in time order; index
    // `head` (= 2n) is a sentinel.
    let mut order: Vec<usize> = (0..2 * n).collect();
    let time = |e: usize| -> (Millis, u8, usize) {
        let o = &ops[e / 2];
        if e.is_multiple_of(2) {
            (o.call, 0, e / 2)
        } else {
            (o.ret, 1, e / 2)
        }
    };
    order.sort_by_key(|&e| time(e));
    let head = 2 * n;
    let none = usize::MAX;
    let mut next = vec![none; 2 * n + 1];
    let mut prev = vec![none; 2 * n + 1];
    let mut last = head;
    for &e in &order {
        next[last] = e;
        prev[e] = last;
        last = e;
    }

    let words = n.div_ceil(64);
    let mut linearized = vec![0u64; words];
    let mut cache: HashSet<(Box<[u64]>, Option<Value>)> = HashSet::new();
    let mut state: Option<Value> = None;
    // (call event, state before it) for each op placed, innermost last.
    let mut calls: Vec<(usize, Option<Value>)> = Vec::new();

    let lift = |next: &mut Vec<usize>, prev: &mut Vec<usize>, e: usize| {
        let r = e + 1;
        next[prev[e]] = next[e];
        if next[e] != none {
            prev[next[e]] = prev[e];
        }
        next[prev[r]] = next[r];
        if next[r] != none {
            prev[next[r]] = prev[r];
        }
    };
    let unlift = |next: &mut Vec<usize>, prev: &mut Vec<usize>, e: usize| {
        let r = e + 1;
        if next[r] != none {
            prev[next[r]] = r;
        }
        next[prev[r]] = r;
        if next[e] != none {
            prev[next[e]] = e;
        }
        next[prev[e]] = e;
    };

    let mut entry = next[head];
    while next[head] != none {
        *spent += 1;
        if *spent > budget {
            return Found::OutOfBudget;
        }
        if entry == none {
            // Unreachable for well-formed lists; be safe rather than loop.
            return Found::Violation;
        }
        if entry % 2 == 0 {
            let i = entry / 2;
            let new_state = match ops[i].kind {
                Kind::Read(v) => (v == state).then_some(state),
                Kind::Write(v) => Some(Some(v)),
            };
            if let Some(s) = new_state {
                linearized[i / 64] |= 1 << (i % 64);
                if cache.insert((linearized.clone().into_boxed_slice(), s)) {
                    calls.push((entry, state));
                    state = s;
                    lift(&mut next, &mut prev, entry);
                    entry = next[head];
                    continue;
                }
                linearized[i / 64] &= !(1 << (i % 64));
            }
            entry = next[entry];
        } else {
            // A return whose call is still unplaced: undo the latest choice.
            let Some((e, s)) = calls.pop() else {
                return Found::Violation;
            };
            let i = e / 2;
            linearized[i / 64] &= !(1 << (i % 64));
            state = s;
            unlift(&mut next, &mut prev, e);
            entry = next[e];
        }
    }
    Found::Linearizable
}

/// A small failing part of a failing key history: the smallest of the
/// common shapes if one is there (a read of a value nobody wrote, of a value
/// written only later, or of a value overwritten before the read began),
/// else the history cut down until no operation can be removed.
fn witness(ops: &[LOp], budget: u64) -> Vec<LOp> {
    if let Some(w) = shapes(ops) {
        let mut spent = 0;
        if search(&w, budget, &mut spent) == Found::Violation {
            return w;
        }
    }
    minimise(ops, budget)
}

/// The smallest witness of a common shape, if any (all sound: each keeps
/// every write of the value its read returned).
fn shapes(ops: &[LOp]) -> Option<Vec<LOp>> {
    let writes = |v: Value| ops.iter().filter(move |o| o.kind == Kind::Write(v));
    let mut best: Option<Vec<LOp>> = None;
    let mut offer = |mut w: Vec<LOp>| {
        w.sort_by_key(|o| (o.call, o.src));
        if best.as_ref().is_none_or(|b| w.len() < b.len()) {
            best = Some(w);
        }
    };
    for r in ops {
        let Kind::Read(got) = r.kind else { continue };
        let sources: Vec<&LOp> = got.map_or(Vec::new(), |v| writes(v).collect());
        if got.is_some() && sources.is_empty() {
            return Some(vec![r.clone()]);
        }
        // Read of a value whose every write began after the read ended.
        if !sources.is_empty() && sources.iter().all(|s| r.ret < s.call) {
            let mut w: Vec<LOp> = sources.iter().map(|s| (*s).clone()).collect();
            w.push(r.clone());
            offer(w);
            continue;
        }
        // A write finished before the read began, after every source that
        // could have come before the read ended (the others began too late).
        let newest_source_end = sources
            .iter()
            .filter(|s| s.call <= r.ret)
            .map(|s| s.ret)
            .max();
        let over = ops.iter().find(|w2| {
            matches!(w2.kind, Kind::Write(v) if Some(v) != got)
                && w2.ret != OPEN
                && w2.ret < r.call
                && newest_source_end.is_none_or(|e| e < w2.call)
        });
        if let Some(w2) = over {
            let mut w: Vec<LOp> = sources.iter().map(|s| (*s).clone()).collect();
            w.push(w2.clone());
            w.push(r.clone());
            offer(w);
        }
    }
    best
}

/// Cuts a failing key history down until no operation can be removed (see
/// the module doc for why each cut keeps the failure meaningful).
fn minimise(ops: &[LOp], budget: u64) -> Vec<LOp> {
    let mut spent = 0u64;
    let fails = |set: &[LOp], spent: &mut u64| -> bool {
        let left = budget.saturating_sub(*spent);
        if left == 0 {
            return false;
        }
        search(set, left, spent) == Found::Violation
    };
    // Shortest failing prefix (by invocation), closed under "every write of
    // a value a kept read returned stays".
    let closed = |k: usize| -> Vec<LOp> {
        let read: BTreeSet<Option<Value>> = ops[..k]
            .iter()
            .filter_map(|o| match o.kind {
                Kind::Read(v) => Some(v),
                Kind::Write(_) => None,
            })
            .collect();
        ops.iter()
            .enumerate()
            .filter(|(i, o)| *i < k || matches!(o.kind, Kind::Write(v) if read.contains(&Some(v))))
            .map(|(_, o)| o.clone())
            .collect()
    };
    let (mut lo, mut hi) = (0, ops.len());
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if fails(&closed(mid), &mut spent) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let mut cur = closed(hi);
    // Then drop chunks, halving their size, down to single operations.
    let mut gran = (cur.len() / 2).max(1);
    loop {
        let mut removed = false;
        let mut start = 0;
        while start < cur.len() {
            let end = (start + gran).min(cur.len());
            let cand = without(&cur, start, end);
            if cand.len() < cur.len() && fails(&cand, &mut spent) {
                cur = cand;
                removed = true;
            } else {
                start = end;
            }
        }
        if spent >= budget || (gran == 1 && !removed) {
            break;
        }
        if !removed {
            gran = (gran / 2).max(1);
        }
    }
    cur
}

/// `set` without the removable operations at positions `start..end`: every
/// read there, and every write there whose value no remaining read returned.
fn without(set: &[LOp], start: usize, end: usize) -> Vec<LOp> {
    let kept_reads: BTreeSet<Option<Value>> = set
        .iter()
        .enumerate()
        .filter(|(i, _)| !(start..end).contains(i))
        .filter_map(|(_, o)| match o.kind {
            Kind::Read(v) => Some(v),
            Kind::Write(_) => None,
        })
        .collect();
    set.iter()
        .enumerate()
        .filter(|(i, o)| {
            !(start..end).contains(i)
                || matches!(o.kind, Kind::Write(v) if kept_reads.contains(&Some(v)))
        })
        .map(|(_, o)| o.clone())
        .collect()
}

fn verdict(history: &History, results: &BTreeMap<String, KeyResult>) -> Verdict {
    let checked = history
        .ops()
        .iter()
        .filter(|o| !matches!(o.outcome, OpOutcome::Failed { .. }))
        .count();
    let mut failing = Vec::new();
    let mut unknown = Vec::new();
    let mut other = Vec::new();
    for (key, res) in results {
        match res {
            KeyResult::Violation { witness } => failing.push((key, witness)),
            KeyResult::Unknown => unknown.push(key.as_str()),
            KeyResult::NotARegister => other.push(key.as_str()),
            KeyResult::Linearizable => {}
        }
    }
    if failing.is_empty() && unknown.is_empty() && !other.is_empty() {
        return Verdict::new(
            ids::LINEARIZABILITY,
            Status::Unknown,
            format!(
                "not judged for key {}: it has operations other than reads and writes, which this read/write register checker does not model",
                other.join(", ")
            ),
        )
        .with_headline("not judged: not only reads and writes");
    }
    const CHECK: &str = ids::LINEARIZABILITY;
    if let Some((key, witness)) = failing.first() {
        let headline = explain(history, key, witness);
        let mut details = Vec::new();
        for (n, (key, witness)) in failing.iter().enumerate() {
            // The first key's explanation is the summary itself.
            if n > 0 {
                details.push(format!("key {key}: {}", explain(history, key, witness)));
            }
            details.push(format!(
                "the smallest failing part of {key}'s history ({} operations):",
                witness.len()
            ));
            for &i in witness.iter() {
                details.push(format!("  {}", describe_op(history, i)));
            }
        }
        if !unknown.is_empty() {
            details.push(format!(
                "keys not decided within the search bound: {}",
                unknown.join(", ")
            ));
        }
        return Verdict::new(CHECK, Status::Fail, format!("not linearizable: {headline}"))
            .with_headline("not linearizable")
            .with_details(details);
    }
    if !unknown.is_empty() {
        return Verdict::new(
            CHECK,
            Status::Unknown,
            format!(
                "could not decide within the search bound for key {}: too many overlapping or timed-out operations; it may or may not be linearizable",
                unknown.join(", ")
            ),
        )
        .with_headline("undecided within the search bound");
    }
    if checked == 0 {
        return Verdict::new(CHECK, Status::Pass, "nothing to check yet: no operations");
    }
    Verdict::new(
        CHECK,
        Status::Pass,
        format!(
            "linearizable: the {checked} operations on {} key{} fit one order that respects real time, as if there were a single copy",
            results.len(),
            if results.len() == 1 { "" } else { "s" }
        ),
    )
    .with_headline("linearizable")
}

fn describe_op(history: &History, i: usize) -> String {
    let op = &history.ops()[i];
    format!("op {}: {}", op.id.0, op.describe())
}

/// Facts about one witness operation, for sentences.
struct W<'a> {
    node: NodeId,
    invoked: Millis,
    completed: Option<Millis>,
    call: u64,
    ret: Option<u64>,
    ok: bool,
    kind: &'a OpKind,
    read: Option<Option<Value>>,
}

fn shown(key: &str, v: Option<Value>) -> String {
    v.map_or(format!("nothing ({key} unset)"), |v| format!("{key}={v}"))
}

/// One plain sentence saying why the witness cannot be linearized.
pub(crate) fn explain(history: &History, key: &str, witness: &[usize]) -> String {
    let all = history.ops();
    let ops: Vec<W> = witness
        .iter()
        .map(|&i| {
            let o = &all[i];
            W {
                node: o.node,
                invoked: o.invoked,
                completed: o.completed,
                call: o.call,
                ret: o.ret,
                ok: o.is_ok(),
                kind: &o.kind,
                read: o.read_value(),
            }
        })
        .collect();
    let reads: Vec<&W> = ops.iter().filter(|o| o.read.is_some()).collect();
    let writes: Vec<&W> = ops
        .iter()
        .filter(|o| matches!(o.kind, OpKind::Write { .. }))
        .collect();
    let wval = |w: &W| match w.kind {
        OpKind::Write { value, .. } => *value,
        OpKind::Read { .. } | OpKind::Other { .. } => 0,
    };
    let before = |a: &W, b: &W| a.ok && a.ret.is_some_and(|c| c < b.call);
    let end = |w: &W| w.completed.map_or("—".to_string(), fmt_ms);

    match (reads.as_slice(), writes.len()) {
        ([r], _) => {
            let v = r.read.flatten();
            let sources: Vec<&&W> = writes.iter().filter(|w| Some(wval(w)) == v).collect();
            let others: Vec<&&W> = writes.iter().filter(|w| Some(wval(w)) != v).collect();
            let read = format!(
                "read via {} at {} returned {}",
                r.node,
                fmt_ms(r.invoked),
                shown(key, v)
            );
            if v.is_some() && sources.is_empty() {
                return format!("{read}, a value no successful or pending write of {key} wrote");
            }
            if !sources.is_empty() && sources.iter().all(|s| before_call(r, s)) {
                return format!(
                    "{read}, but that value was only written later (write {key}={} via {} began at {}, after the read ended at {})",
                    wval(sources[0]),
                    sources[0].node,
                    fmt_ms(sources[0].invoked),
                    end(r)
                );
            }
            // Sources that began before the read ended (the others are too
            // late to be what it read); a write after all of them and before
            // the read proves it stale.
            let early: Vec<&&W> = sources
                .iter()
                .copied()
                .filter(|s| !before_call(r, s))
                .collect();
            if let Some(w2) = others
                .iter()
                .find(|w2| before(w2, r) && early.iter().all(|s| before(s, w2)))
            {
                let over = if v.is_none() {
                    String::new()
                } else {
                    let s = early
                        .iter()
                        .max_by_key(|s| s.ret)
                        .expect("an early source exists");
                    format!(
                        " and after {key}={} had been written (completed at {})",
                        wval(s),
                        end(s)
                    )
                };
                return format!(
                    "{read}, but write {key}={} via {} had completed at {}, before the read began{over}: the read missed a finished write (a stale read)",
                    wval(w2),
                    w2.node,
                    end(w2)
                );
            }
            generic(ops.len())
        }
        ([r1, r2], _) => {
            // New value seen, then an older one (order reads by time).
            let (a, b) = if before(r1, r2) { (r1, r2) } else { (r2, r1) };
            if before(a, b) {
                return format!(
                    "read via {} at {} returned {}, then a later read via {} (begun at {}, after the first ended at {}) returned {}, an older value: reads went back in time",
                    a.node,
                    fmt_ms(a.invoked),
                    shown(key, a.read.flatten()),
                    b.node,
                    fmt_ms(b.invoked),
                    end(a),
                    shown(key, b.read.flatten())
                );
            }
            generic(ops.len())
        }
        _ => generic(ops.len()),
    }
}

/// Did `w` begin only after `r` had ended?
fn before_call(r: &W, w: &W) -> bool {
    r.ret.is_some_and(|c| c < w.call)
}

fn generic(n: usize) -> String {
    format!(
        "no order of these {n} operations agrees with both real time and a single copy of the value"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::positions_from_times;
    use crate::sim::{OpId, OpRecord};

    fn op(id: u64, kind: OpKind, a: u64, b: Option<u64>, outcome: OpOutcome) -> OpRecord {
        OpRecord {
            id: OpId(id),
            node: NodeId(1),
            kind,
            invoked: a,
            completed: b,
            call: positions_from_times(a, b).0,
            ret: positions_from_times(a, b).1,
            outcome,
            note: String::new(),
        }
    }
    fn w(id: u64, v: i64, a: u64, b: u64) -> OpRecord {
        wk(id, "x", v, a, b)
    }
    fn wk(id: u64, k: &str, v: i64, a: u64, b: u64) -> OpRecord {
        op(
            id,
            OpKind::Write {
                key: k.into(),
                value: v,
            },
            a,
            Some(b),
            OpOutcome::Ok { value: None },
        )
    }
    fn r(id: u64, v: Option<i64>, a: u64, b: u64) -> OpRecord {
        rk(id, "x", v, a, b)
    }
    fn rk(id: u64, k: &str, v: Option<i64>, a: u64, b: u64) -> OpRecord {
        op(
            id,
            OpKind::Read { key: k.into() },
            a,
            Some(b),
            OpOutcome::Ok { value: v },
        )
    }
    fn timed_out(id: u64, v: i64, a: u64) -> OpRecord {
        op(
            id,
            OpKind::Write {
                key: "x".into(),
                value: v,
            },
            a,
            Some(a + 1000),
            OpOutcome::TimedOut {
                reason: "no answer".into(),
            },
        )
    }
    fn check(ops: Vec<OpRecord>) -> Verdict {
        linearizability(&History::from_ops(ops))
    }

    #[test]
    fn sequential_history_is_linearizable() {
        let v = check(vec![
            r(1, None, 0, 5),
            w(2, 1, 10, 20),
            r(3, Some(1), 30, 40),
            w(4, 2, 50, 60),
            r(5, Some(2), 70, 80),
        ]);
        assert_eq!(v.status, Status::Pass, "{v:?}");
        assert!(v.summary.starts_with("linearizable"), "{}", v.summary);
    }

    #[test]
    fn stale_read_is_not_linearizable_and_the_witness_names_it() {
        let v = check(vec![
            w(1, 1, 0, 10),
            r(2, Some(1), 12, 14),
            w(3, 2, 20, 30),
            r(4, Some(1), 40, 50),
            r(5, Some(2), 60, 70),
        ]);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("returned x=1"), "{}", v.summary);
        assert!(v.summary.contains("write x=2"), "{}", v.summary);
        assert!(v.summary.contains("0.030s"), "{}", v.summary);
        // Minimal: the two writes and the stale read.
        let res = check_keys(
            &History::from_ops(vec![
                w(1, 1, 0, 10),
                r(2, Some(1), 12, 14),
                w(3, 2, 20, 30),
                r(4, Some(1), 40, 50),
                r(5, Some(2), 60, 70),
            ]),
            DEFAULT_BUDGET,
        );
        assert_eq!(
            res["x"],
            KeyResult::Violation {
                witness: vec![0, 2, 3]
            }
        );
    }

    #[test]
    fn concurrent_overlapping_operations_may_take_either_order() {
        // w1 and w2 overlap, and the reads overlap both: reads seeing 2 then
        // 1 is fine only if the order can flip; here r3 ends before r4
        // begins, and both writes are still running, so 2 then 1 means
        // w2 < r3 < w1 < r4 — legal.
        let v = check(vec![
            w(1, 1, 0, 100),
            w(2, 2, 0, 100),
            r(3, Some(2), 10, 20),
            r(4, Some(1), 30, 40),
        ]);
        assert_eq!(v.status, Status::Pass, "{v:?}");
        // But once both writes are done, flipping back is impossible.
        let v = check(vec![
            w(1, 1, 0, 100),
            w(2, 2, 0, 100),
            r(3, Some(2), 10, 20),
            r(4, Some(1), 30, 40),
            r(5, Some(2), 200, 210),
        ]);
        assert_eq!(v.status, Status::Fail, "{v:?}");
    }

    #[test]
    fn stale_read_witness_with_a_repeated_value_states_true_times() {
        // x=1 is written twice: once before x=2, once only after the read.
        // The read of 1 is stale; the sentence must not claim x=2 was
        // written after a write of x=1 that completed later.
        let ops = vec![
            w(1, 1, 0, 10),
            w(2, 2, 20, 30),
            r(3, Some(1), 100, 110),
            w(4, 1, 300, 310),
        ];
        let v = check(ops.clone());
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("stale read"), "{}", v.summary);
        assert!(!v.summary.contains("0.310s"), "{}", v.summary);
        assert!(v.summary.contains("completed at 0.010s"), "{}", v.summary);
    }

    #[test]
    fn reads_going_back_in_time_are_explained() {
        // x=2's write is still running; one read sees it, a later one does not.
        let v = check(vec![
            w(1, 1, 0, 10),
            w(2, 2, 20, 200),
            r(3, Some(2), 30, 40),
            r(4, Some(1), 50, 60),
        ]);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("went back in time"), "{}", v.summary);
    }

    #[test]
    fn timed_out_write_may_apply_late_or_never() {
        // Seen after it timed out: fine, it may have landed late.
        let v = check(vec![
            w(1, 1, 0, 10),
            timed_out(2, 2, 20),
            r(3, Some(1), 1100, 1110),
            r(4, Some(2), 1200, 1210),
        ]);
        assert_eq!(v.status, Status::Pass, "{v:?}");
        // Never seen: fine too.
        let v = check(vec![
            w(1, 1, 0, 10),
            timed_out(2, 2, 20),
            r(3, Some(1), 2000, 2010),
        ]);
        assert_eq!(v.status, Status::Pass, "{v:?}");
        // But once seen it cannot be unseen.
        let v = check(vec![
            w(1, 1, 0, 10),
            timed_out(2, 2, 20),
            r(3, Some(2), 1100, 1110),
            r(4, Some(1), 1200, 1210),
        ]);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        // And it cannot be seen before it was invoked.
        let v = check(vec![
            w(1, 1, 0, 10),
            r(2, Some(2), 12, 15),
            timed_out(3, 2, 20),
        ]);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("only written later"), "{}", v.summary);
    }

    #[test]
    fn failed_writes_never_happened() {
        let failed = op(
            2,
            OpKind::Write {
                key: "x".into(),
                value: 2,
            },
            20,
            Some(30),
            OpOutcome::Failed {
                reason: "refused".into(),
            },
        );
        let v = check(vec![w(1, 1, 0, 10), failed, r(3, Some(2), 40, 50)]);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(
            v.summary.contains("no successful or pending write"),
            "{}",
            v.summary
        );
    }

    #[test]
    fn unset_read_after_a_write_is_a_violation() {
        let v = check(vec![w(1, 1, 0, 10), r(2, None, 20, 30)]);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(
            v.summary.contains("returned nothing (x unset)"),
            "{}",
            v.summary
        );
    }

    #[test]
    fn keys_are_independent() {
        let v = check(vec![
            wk(1, "x", 1, 0, 10),
            wk(2, "y", 1, 0, 10),
            rk(3, "y", Some(1), 20, 30),
            rk(4, "x", Some(1), 20, 30),
        ]);
        assert_eq!(v.status, Status::Pass, "{v:?}");
        let v = check(vec![
            wk(1, "x", 1, 0, 10),
            wk(2, "y", 1, 0, 10),
            wk(3, "y", 2, 12, 15),
            rk(4, "y", Some(1), 20, 30),
        ]);
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.summary.contains("y=2"), "{}", v.summary);
    }

    #[test]
    fn search_bound_answers_unknown() {
        // Many overlapping writes and reads: tiny budget cannot decide.
        let mut ops = Vec::new();
        for i in 0..30 {
            ops.push(w(i, i as i64, 0, 1000));
        }
        for i in 30..60 {
            ops.push(r(i, Some((i - 30) as i64), 10 + i, 20 + i));
        }
        let v = linearizability_with_budget(&History::from_ops(ops), 50);
        assert_eq!(v.status, Status::Unknown, "{v:?}");
    }

    #[test]
    fn pending_operations_count_as_open() {
        let pending = op(
            2,
            OpKind::Write {
                key: "x".into(),
                value: 2,
            },
            20,
            None,
            OpOutcome::Pending,
        );
        let v = check(vec![w(1, 1, 0, 10), pending, r(3, Some(2), 30, 40)]);
        assert_eq!(v.status, Status::Pass, "{v:?}");
    }
}
