//! Each CRDT type's own checkers: what it promises, and where its promise
//! ends (a counter cannot enforce a floor, a remove only removes what it
//! saw, last-writer-wins trusts clocks).

use super::invariants::{DotUnique, FormsAgree, SiblingsExact};
use super::joined;
use crate::check::{Status, Verdict};
use crate::protocols::crdt::{Cart, Counter, Crdt, CrdtNode, Doc, Dynamo, Lww, LwwStore, Mv, Pn};
use std::collections::{BTreeMap, BTreeSet};

use crate::model::VersionVector;
use crate::sim::{Invariant, Millis, NodeId, OpKind, OpOutcome, OpRecord, World, fmt_ms};

pub const COUNTED: &str = "updates counted";
pub const FLOOR: &str = "stock floor";
pub const REMOVES: &str = "removes";
pub const LWW_ORDER: &str = "last writer wins";
pub const SIBLINGS: &str = "siblings";
pub const INTERLEAVING: &str = "interleaving";
pub const RESURRECTION: &str = "resurrection";
pub const LOST_UPDATES: &str = "lost updates";
pub const TRUE_SIBLINGS: &str = "sibling set";

/// The checkers and invariants a CRDT type contributes to its scenario.
pub trait CrdtChecks: Crdt {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict>;
    fn invariants() -> Vec<Box<dyn Invariant<CrdtNode<Self>>>>;
    /// Panes of the type's own, after the CRDT state and last-merge
    /// panes, with the learner's picks.
    fn panes(_world: &World<CrdtNode<Self>>, _picks: &[String]) -> Vec<crate::scenario::Pane> {
        Vec::new()
    }
    /// What the learner can pick in them, in cycling order.
    fn pickable(_world: &World<CrdtNode<Self>>) -> Option<Vec<String>> {
        None
    }
}

/// Acknowledged client updates whose description starts with `verb`.
fn acked<'a>(
    world: &'a World<impl crate::sim::Node>,
    verb: &'a str,
) -> impl Iterator<Item = &'a OpRecord> {
    world.history().ops().iter().filter(move |o| {
        matches!(&o.kind, OpKind::Other { what, .. } if what == verb || what.starts_with(&format!("{verb} ")))
            && matches!(o.outcome, OpOutcome::Ok { .. })
    })
}

fn plural(n: i64, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn at(o: &OpRecord) -> String {
    format!(
        "{} via {} at {}",
        o.kind.describe(),
        o.node,
        fmt_ms(o.invoked)
    )
}

/// Each replica's (increments, decrements) entry per replica.
type Entries<T> = fn(&T) -> std::collections::BTreeMap<NodeId, (u64, u64)>;

/// With `delivery=op`: each running replica against what every other
/// running replica says it did itself (its own entry), so a duplicated
/// operation shows as one too many, a lost one as one too few.
fn applied_once<T: Crdt>(world: &World<CrdtNode<T>>, entries: Entries<T>) -> Verdict {
    let up: Vec<NodeId> = (0..world.cluster_size())
        .map(NodeId::from_index)
        .filter(|&id| world.is_up(id))
        .collect();
    let mut found = Vec::new();
    for &o in &up {
        let own = entries(world.node(o).crdt())
            .get(&o)
            .copied()
            .unwrap_or((0, 0));
        for &r in up.iter().filter(|&&r| r != o) {
            let seen = entries(world.node(r).crdt())
                .get(&o)
                .copied()
                .unwrap_or((0, 0));
            for (what, mine, truth) in [("+", seen.0, own.0), ("−", seen.1, own.1)] {
                if mine > truth {
                    found.push(format!("{r} applied {} of {o}'s {what}1 operations, but {o} made {truth}: a duplicated operation was applied twice", mine));
                } else if mine < truth {
                    found.push(format!("{r} applied {mine} of {o}'s {truth} {what}1 operations: the others were lost, or reached {r} while it was down"));
                }
            }
        }
    }
    if found.is_empty() {
        return Verdict::new(
            COUNTED,
            Status::Pass,
            "delivery=op: every running replica applied each other's operations exactly once",
        )
        .with_headline("each operation applied once");
    }
    Verdict::new(
        COUNTED,
        Status::Fail,
        format!(
            "delivery=op: {}. Op-based counters need every operation delivered exactly once; a state merge (delivery=state) is idempotent and repairs losses",
            found[0]
        ),
    )
    .with_headline(format!("{} miscount{}", found.len(), if found.len() == 1 { "" } else { "s" }))
    .with_details(found)
}

/// Every acknowledged increment and decrement is in the merged count.
fn counted<T: Crdt>(world: &World<CrdtNode<T>>, entries: Entries<T>) -> Verdict {
    if world.node_config().op_based {
        return applied_once(world, entries);
    }
    let ups = acked(world, "incr").count() as i64;
    let downs = acked(world, "decr").count() as i64;
    let expected = ups - downs;
    let got = joined(world).read(world.node_config()).0.unwrap_or(0);
    let sum = if downs > 0 {
        format!(
            "{} − {} = {expected}",
            plural(ups, "increment"),
            plural(downs, "decrement")
        )
    } else {
        plural(ups, "increment")
    };
    if got == expected {
        return Verdict::new(
            COUNTED,
            Status::Pass,
            format!("every acknowledged update is in the merged count: {sum}"),
        )
        .with_headline(format!("all {} updates counted", ups + downs));
    }
    let config = world.node_config();
    let gap = (expected - got).abs();
    let updates = |n: i64| plural(n, "acknowledged update");
    let (what, why) = if got > expected {
        (
            format!("{} too many", plural(got - expected, "update")),
            if config.op_based {
                " With delivery=op a replica applies each operation it receives: one the network delivered twice was counted twice (op-based delivery needs exactly-once delivery; a state merge would have been idempotent).".to_string()
            } else {
                String::new()
            },
        )
    } else {
        (
            format!("{} vanished", updates(gap)),
            if !config.durable {
                " A replica restarted with restart=amnesia: it counted its own entry from 0 again, and the merge (a maximum per replica) hid its new updates under its old count.".to_string()
            } else if config.op_based {
                " With delivery=op each update is sent once: one the network lost, or that reached a replica while it was down, is never applied there (op-based delivery needs reliable delivery).".to_string()
            } else {
                String::new()
            },
        )
    };
    Verdict::new(
        COUNTED,
        Status::Fail,
        format!(
            "the replicas, merged, count {got}, but the acknowledged updates make {sum}: {what}.{why}"
        ),
    )
    .with_headline(format!("count {got}, acknowledged {expected}"))
}

fn counter_entries(c: &Counter) -> std::collections::BTreeMap<NodeId, (u64, u64)> {
    c.0.entries().iter().map(|(id, n)| (*id, (n, 0))).collect()
}

fn pn_entries(c: &Pn) -> std::collections::BTreeMap<NodeId, (u64, u64)> {
    let mut m = std::collections::BTreeMap::new();
    for (id, n) in c.0.p.entries().iter() {
        m.entry(*id).or_insert((0, 0)).0 = n;
    }
    for (id, n) in c.0.n.entries().iter() {
        m.entry(*id).or_insert((0, 0)).1 = n;
    }
    m
}

impl CrdtChecks for Counter {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict> {
        vec![counted(world, counter_entries)]
    }
    fn invariants() -> Vec<Box<dyn Invariant<CrdtNode<Self>>>> {
        vec![Box::new(DotUnique::default())]
    }
}

impl CrdtChecks for Pn {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict> {
        vec![floor(world), counted(world, pn_entries)]
    }
    fn invariants() -> Vec<Box<dyn Invariant<CrdtNode<Self>>>> {
        vec![Box::new(DotUnique::default())]
    }
}

/// The stock story: each replica refuses a sale that would take the stock
/// *it sees* below the floor, yet the merged stock can still go below it.
fn floor(world: &World<CrdtNode<Pn>>) -> Verdict {
    let stock = joined(world).0.value();
    let Some(f) = world.node_config().floor else {
        return Verdict::new(
            FLOOR,
            Status::Info,
            format!("floor=none: no sale is ever refused; the merged stock is {stock}"),
        );
    };
    if world.node_config().op_based {
        let low: Vec<String> = (0..world.cluster_size())
            .map(NodeId::from_index)
            .filter(|&id| world.is_up(id))
            .filter_map(|id| {
                let v = world.node(id).crdt().0.value();
                (v < f).then(|| format!("{id} reads stock {v}"))
            })
            .collect();
        return if low.is_empty() {
            Verdict::new(
                FLOOR,
                Status::Pass,
                format!("no running replica reads a stock below {f}"),
            )
            .with_headline(format!("stock not below {f}"))
        } else {
            Verdict::new(
                FLOOR,
                Status::Fail,
                format!(
                    "{}, below {f}; with delivery=op each replica counts the operations it received, so see updates counted for why they differ",
                    low.join(", ")
                ),
            )
            .with_headline(format!("stock below {f}"))
        };
    }
    if stock >= f {
        return Verdict::new(
            FLOOR,
            Status::Pass,
            format!(
                "the merged stock is {stock}, not below {f} (each replica checks only the stock it sees)"
            ),
        )
        .with_headline(format!("stock {stock}, not below {f}"));
    }
    let sales: Vec<String> = acked(world, "decr")
        .map(|o| format!("{}: {}", at(o), o.note))
        .collect();
    Verdict::new(
        FLOOR,
        Status::Fail,
        format!(
            "the replicas will agree on stock {stock}, below {f}, although every replica checked the stock before each sale: concurrent sales on replicas that had not yet heard of each other each passed the check. A counter CRDT adds up decrements, it cannot refuse one another replica made; a floor needs coordination (one owner per unit of stock, or consensus)"
        ),
    )
    .with_headline(format!("stock {stock}, below {f}"))
    .with_details(sales)
}

impl CrdtChecks for Cart {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict> {
        vec![removes(world)]
    }
    fn invariants() -> Vec<Box<dyn Invariant<CrdtNode<Self>>>> {
        vec![Box::new(DotUnique::default()), Box::new(FormsAgree)]
    }
}

/// Acknowledged removes whose element is in the merged cart although no add
/// of it started after the remove returned: add-wins at work.
fn removes(world: &World<CrdtNode<Cart>>) -> Verdict {
    let cart = joined(world).items();
    // The last acknowledged add of each item, by its place in the run.
    let mut last_add: BTreeMap<&str, u64> = BTreeMap::new();
    for o in acked(world, "add") {
        if let OpKind::Other { what, .. } = &o.kind
            && let Some(item) = what.strip_prefix("add ")
        {
            let e = last_add.entry(item).or_insert(0);
            *e = (*e).max(o.call);
        }
    }
    let survived: Vec<String> = acked(world, "remove")
        .filter_map(|r| {
            let OpKind::Other { what, .. } = &r.kind else {
                return None;
            };
            let item = what.strip_prefix("remove ")?;
            let ret = r.ret?;
            let later_add = last_add.get(item).is_some_and(|&c| c > ret);
            (cart.contains(item) && !later_add).then(|| {
                let why = if r.note.contains("nothing is removed") {
                    format!("{} had seen no add of {item}, so its remove took nothing away", r.node)
                } else {
                    format!(
                        "an add of {item} that {} had not seen when it removed (a concurrent add) keeps its own tag",
                        r.node
                    )
                };
                format!("{} was acknowledged, yet {item} is in the cart: {why}", at(r))
            })
        })
        .collect();
    if survived.is_empty() {
        return Verdict::new(
            REMOVES,
            Status::Pass,
            "every acknowledged remove holds: no removed item is back without a later add",
        )
        .with_headline("removes hold");
    }
    Verdict::new(
        REMOVES,
        Status::Info,
        format!(
            "{} removed item{} still in the cart: an OR-Set removes only the tags the remover had seen, so an add it had not seen wins (add-wins). First: {}",
            survived.len(),
            if survived.len() == 1 { " is" } else { "s are" },
            survived[0]
        ),
    )
    .with_headline(format!(
        "{} remove{} lost to add-wins",
        survived.len(),
        if survived.len() == 1 { "" } else { "s" }
    ))
    .with_details(survived)
}

impl CrdtChecks for Lww {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict> {
        vec![lww_order(world)]
    }
    fn invariants() -> Vec<Box<dyn Invariant<CrdtNode<Self>>>> {
        Vec::new()
    }
}

/// Whether the write the registers keep is the last one in real time; a
/// write made after it yet discarded was lost to the clocks.
fn lww_order(world: &World<CrdtNode<Lww>>) -> Verdict {
    let Some(win) = joined(world).0.clone() else {
        return Verdict::new(LWW_ORDER, Status::Info, "nothing has been written yet");
    };
    let sets: Vec<&OpRecord> = acked(world, "write").collect();
    let winner = sets
        .iter()
        .rev()
        .find(|o| o.node == win.writer && o.kind.describe() == format!("write {}", win.value));
    let Some(winner) = winner else {
        return Verdict::new(
            LWW_ORDER,
            Status::Info,
            format!("the registers keep {}", win.value),
        );
    };
    let done = winner.ret.unwrap_or(u64::MAX);
    let config = world.node_config();
    // The stamp each write got and its writer's clock then, as recorded.
    let ledger = &joined(world).1;
    let by_op: BTreeMap<(NodeId, Millis, String), &crate::protocols::crdt::Written> = ledger
        .iter()
        .map(|w| ((w.writer, w.at, format!("write {}", w.value)), w))
        .collect();
    let written = |o: &OpRecord| by_op.get(&(o.node, o.invoked, o.kind.describe())).copied();
    let stamp = |o: &OpRecord| written(o).map_or(0, |w| w.stamp);
    let clock = |o: &OpRecord| {
        let s = written(o).map_or(0, |w| w.offset);
        if s == 0 {
            format!("{}'s clock was right", o.node)
        } else {
            format!(
                "{}'s clock was {}{} ms off",
                o.node,
                if s > 0 { "+" } else { "−" },
                s.abs()
            )
        }
    };
    let lost: Vec<String> = sets
        .iter()
        .filter(|o| o.call > done && o.kind.describe() != winner.kind.describe())
        .map(|o| {
            let why = if stamp(o) == win.stamp {
                format!(
                    "both have timestamp {}, and a tie goes to the larger node id ({})",
                    fmt_ms(win.stamp),
                    win.writer
                )
            } else {
                format!(
                    "its writer's clock stamped it {}, earlier than {}'s {} ({}; {})",
                    fmt_ms(stamp(o)),
                    win.value,
                    fmt_ms(win.stamp),
                    clock(o),
                    clock(winner)
                )
            };
            format!(
                "{} came after {} had been acknowledged, yet lost to it: {why}",
                at(o),
                winner.kind.describe()
            )
        })
        .collect();
    if !config.ties_by_id {
        return Verdict::new(
            LWW_ORDER,
            Status::Info,
            "ties=keep-mine: with two writes of the same timestamp each replica keeps its own, so there is no single winner to judge (see convergence)",
        );
    }
    if lost.is_empty() {
        return Verdict::new(
            LWW_ORDER,
            Status::Pass,
            format!(
                "the registers keep {} ({}), and no acknowledged write came after it in real time",
                win.value,
                at(winner)
            ),
        )
        .with_headline(format!("keeps {}, the last write", win.value));
    }
    Verdict::new(
        LWW_ORDER,
        Status::Fail,
        format!(
            "{} acknowledged write{} made after the one the registers keep {} discarded: the register keeps the largest timestamp, and timestamps come from the writers' own clocks, not from the order things happened. First: {}",
            lost.len(),
            if lost.len() == 1 { "" } else { "s" },
            if lost.len() == 1 { "was" } else { "were" },
            lost[0]
        ),
    )
    .with_headline(format!(
        "{} later write{} lost",
        lost.len(),
        if lost.len() == 1 { "" } else { "s" }
    ))
    .with_details(lost)
}

impl CrdtChecks for Mv {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict> {
        let all = joined(world);
        let vals = all.0.values();
        let v = match vals.len() {
            0 => Verdict::new(SIBLINGS, Status::Info, "nothing has been written yet"),
            1 => Verdict::new(
                SIBLINGS,
                Status::Pass,
                format!("one value, {} (version {})", vals[0].1, vals[0].0),
            )
            .with_headline(format!("one value: {}", vals[0].1)),
            n => {
                let each: Vec<String> = vals
                    .iter()
                    .map(|(vv, v)| format!("{v} with version {vv}"))
                    .collect();
                Verdict::new(
                    SIBLINGS,
                    Status::Info,
                    format!(
                        "{n} siblings, {}: written concurrently (neither version covers the other), so both are kept for the application; the next write through a replica holding them all replaces them",
                        each.join(" and ")
                    ),
                )
                .with_headline(format!("{n} siblings kept"))
                .with_details(each)
            }
        };
        vec![v]
    }
    fn invariants() -> Vec<Box<dyn Invariant<CrdtNode<Self>>>> {
        vec![Box::new(DotUnique::default())]
    }
}

impl CrdtChecks for Doc {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict> {
        vec![interleaving(world)]
    }
    fn invariants() -> Vec<Box<dyn Invariant<CrdtNode<Self>>>> {
        vec![Box::new(DotUnique::default())]
    }
}

/// Whether words typed concurrently at the same place came out whole, on
/// the text the replicas show (all replicas' states merged).
fn interleaving(world: &World<CrdtNode<Doc>>) -> Verdict {
    let config = world.node_config();
    let doc = joined(world);
    let text = doc.text(config);
    let mixed = doc.interleavings(config);
    let merge = if config.naive_text { "naive" } else { "RGA" };
    if mixed.is_empty() {
        return Verdict::new(
            INTERLEAVING,
            Status::Pass,
            format!(
                "every typed word is whole in the merged text \"{text}\" ({merge} merge): none was broken into by a word typed elsewhere"
            ),
        )
        .with_headline("no words interleaved");
    }
    let each: Vec<String> = mixed
        .iter()
        .map(|m| {
            format!(
                "\"{}\" (typed via {}) has letters of \"{}\" (typed via {}) inside it, though neither was typed inside the other",
                m.word, m.by, m.intruder, m.intruder_by
            )
        })
        .collect();
    Verdict::new(
        INTERLEAVING,
        Status::Fail,
        format!(
            "the merged text \"{text}\" mixes words typed concurrently at the same place letter by letter: {}. First: {}",
            if config.naive_text {
                "the naive merge orders characters by the index they were typed at, and an index stays right only until something is typed before it, here or, unseen, on another replica"
            } else {
                "the RGA merge placed letters of one word among another's"
            },
            each[0]
        ),
    )
    .with_headline(format!("{} word{} interleaved", mixed.len(), if mixed.len() == 1 { "" } else { "s" }))
    .with_details(each)
}

impl CrdtChecks for Dynamo {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict> {
        vec![resurrection(world), true_siblings(world)]
    }
    fn panes(world: &World<CrdtNode<Self>>, picks: &[String]) -> Vec<crate::scenario::Pane> {
        super::versions_pane::panes(world, picks)
    }
    fn pickable(world: &World<CrdtNode<Self>>) -> Option<Vec<String>> {
        Some(super::versions_pane::pickable(world))
    }
    fn invariants() -> Vec<Box<dyn Invariant<CrdtNode<Self>>>> {
        vec![Box::new(DotUnique::default()), Box::new(SiblingsExact)]
    }
}

/// An item a remove took out is in the cart again although no add of it
/// that the remover had not seen exists (an add made concurrently, or
/// after seeing the remove, brings it back on purpose): the union of
/// siblings brought it back from a concurrent version that merely still
/// had it.
fn resurrection(world: &World<CrdtNode<Dynamo>>) -> Verdict {
    let all = joined(world);
    let (items, _) = all.read_all();
    // Per item, the newest add (or blind write) of it by each replica: a
    // remove is excused if its context misses one of them.
    let mut adds: BTreeMap<&str, VersionVector<NodeId>> = BTreeMap::new();
    for a in all.ledger.iter() {
        if let Some(item) = a.op.strip_prefix("add ").or(a.op.strip_prefix("blind ")) {
            adds.entry(item)
                .or_default()
                .raise(a.dot.actor, a.dot.counter);
        }
    }
    let back: Vec<String> = all
        .ledger
        .iter()
        .filter_map(|r| {
            let item = r.op.strip_prefix("remove ")?;
            let excused = adds
                .get(item)
                .is_some_and(|newest| !r.ctx.dominates(newest));
            (items.contains(item) && !excused).then(|| {
                format!(
                    "remove {item} via {} (version {}) was acknowledged, yet {item} is back in the cart: a version written concurrently still had {item}, the two became siblings, and the union that resolves siblings cannot tell \"removed\" from \"never added\"",
                    r.dot.actor, r.dot
                )
            })
        })
        .collect();
    if back.is_empty() {
        return Verdict::new(
            RESURRECTION,
            Status::Pass,
            "no removed item came back: every acknowledged remove holds",
        )
        .with_headline("removes hold");
    }
    Verdict::new(
        RESURRECTION,
        Status::Fail,
        format!(
            "{} removed item{} came back through the union merge. First: {}. Resolving siblings by union keeps every item any sibling has; remembering removals needs an OR-Set (tags and tombstones) instead of a plain set",
            back.len(),
            if back.len() == 1 { "" } else { "s" },
            back[0]
        ),
    )
    .with_headline(format!("{} removed item{} back", back.len(), if back.len() == 1 { "" } else { "s" }))
    .with_details(back)
}

/// The siblings the replicas will agree on against the true concurrent
/// maxima of every version written.
fn true_siblings(world: &World<CrdtNode<Dynamo>>) -> Verdict {
    let all = joined(world);
    let truth = Dynamo::true_siblings_of(&all.ledger);
    let kept: std::collections::BTreeSet<_> = all.siblings.iter().cloned().collect();
    let show = |v: &crate::protocols::crdt::Version| format!("{} {}", v.dot, v.items_text());
    let mut dropped: Vec<String> = truth.difference(&kept).map(show).collect();
    // Acknowledged writes that no replica remembers at all: their replica
    // forgot them (restart=amnesia) before gossip carried them anywhere.
    let written = world.history().ops().iter().filter(|o| {
        matches!(o.outcome, OpOutcome::Ok { .. })
            && matches!(&o.kind, OpKind::Other { what, .. } if what != "read cart")
    });
    let mut per_node: std::collections::BTreeMap<NodeId, usize> = Default::default();
    for o in written {
        *per_node.entry(o.node).or_default() += 1;
    }
    for (node, n) in per_node {
        let known = all.ledger.iter().filter(|v| v.dot.actor == node).count();
        if known < n {
            dropped.push(format!(
                "{} of {node}'s acknowledged writes, which no replica remembers ({node} restarted without its state before gossip carried them)",
                n - known
            ));
        }
    }
    if dropped.is_empty() && kept == truth {
        return Verdict::new(
            TRUE_SIBLINGS,
            Status::Pass,
            format!(
                "the replicas keep exactly the {} version{} no writer had read: {}",
                kept.len(),
                if kept.len() == 1 { "" } else { "s" },
                kept.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
        )
        .with_headline(format!(
            "{} sibling{}, all concurrent",
            kept.len(),
            if kept.len() == 1 { "" } else { "s" }
        ));
    }
    let why = if world.node_config().server_vv {
        format!(
            "Their writers had not read the version that replaced them; with per-server version vectors (clocks=vv) a later write through the same coordinator has a larger counter, so its vector dominates and it looks like a descendant. Dotted version vectors (clocks=dvv) keep them as siblings: {} true sibling{}",
            truth.len(),
            if truth.len() == 1 { "" } else { "s" }
        )
    } else {
        "A replica that restarts without its state (restart=amnesia) takes with it every version it had not yet passed on".to_string()
    };
    Verdict::new(
        TRUE_SIBLINGS,
        Status::Fail,
        format!(
            "{} acknowledged version{} lost: {}. {why}",
            dropped.len(),
            if dropped.len() == 1 { " was" } else { "s were" },
            dropped.join(", ")
        ),
    )
    .with_headline(format!(
        "{} version{} lost",
        dropped.len(),
        if dropped.len() == 1 { "" } else { "s" }
    ))
    .with_details(dropped)
}

impl CrdtChecks for LwwStore {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict> {
        vec![lost_updates(world)]
    }
    fn invariants() -> Vec<Box<dyn Invariant<CrdtNode<Self>>>> {
        vec![Box::new(DotUnique::default())]
    }
}

/// Acknowledged writes the store discarded although no write made after
/// seeing them replaced them, each with its cause.
fn lost_updates(world: &World<CrdtNode<LwwStore>>) -> Verdict {
    let all = joined(world);
    let off = |o: i64| {
        if o == 0 {
            "right".to_string()
        } else {
            format!("{}{} ms off", if o > 0 { "+" } else { "−" }, o.abs())
        }
    };
    let mut lost = Vec::new();
    // Each key's writes, and what any writer of it had seen (a write never
    // sees itself, so "some write had seen m" is "the join holds m").
    let mut by_key: BTreeMap<&str, (Vec<&crate::protocols::crdt::Made>, VersionVector<NodeId>)> =
        BTreeMap::new();
    for m in all.ledger.iter() {
        let e = by_key.entry(m.key.as_str()).or_default();
        e.0.push(m);
        e.1.merge(&m.seen);
    }
    for (key, win) in &all.keys {
        let Some((writes, read)) = by_key.get(key.as_str()) else {
            continue;
        };
        let Some(mw) = writes.iter().find(|m| m.write.dot == win.dot) else {
            continue;
        };
        for m in writes.iter().filter(|m| m.write.dot != win.dot) {
            // Overwritten by some write that had seen it: not lost.
            if read.contains(&m.write.dot) {
                continue;
            }
            let (w, v) = (&m.write, win);
            // Why the winner's stamp is larger: how far ahead of real time
            // it was, and where that lead came from.
            let lead = v.stamp.wall as i64 - mw.at as i64;
            let ahead = if lead <= 0 {
                String::new()
            } else if lead == mw.offset {
                format!(
                    " {key}={} was stamped {lead} ms ahead of real time because {}'s clock was {}.",
                    v.value,
                    v.writer,
                    off(mw.offset)
                )
            } else {
                format!(
                    " {key}={} was stamped {lead} ms ahead of real time although {}'s clock was {}: it carried forward a later stamp its replica had seen or made before.",
                    v.value,
                    v.writer,
                    off(mw.offset)
                )
            };
            let cause = if m.seen.contains(&v.dot) {
                format!(
                    "{key}={} was written after seeing {key}={} yet got the smaller stamp ({}'s clock was {}).{ahead}",
                    w.value,
                    v.value,
                    w.writer,
                    off(m.offset)
                )
            } else {
                format!(
                    "the two writes were concurrent (neither writer had seen the other's), and last-writer-wins keeps only one.{ahead}"
                )
            };
            lost.push(format!(
                "write {key}={} via {} at {} (stamp {}) was acknowledged, then discarded in favour of {key}={} (stamp {} by {}): {cause}",
                w.value,
                w.writer,
                fmt_ms(m.at),
                w.stamp_text(),
                v.value,
                v.stamp_text(),
                v.writer
            ));
        }
    }
    // Writes no replica remembers at all: their replica forgot them
    // (restart=amnesia) before gossip carried them anywhere.
    let remembered: BTreeSet<(NodeId, Millis, String)> = all
        .ledger
        .iter()
        .map(|m| {
            (
                m.write.writer,
                m.at,
                format!("write {}={}", m.key, m.write.value),
            )
        })
        .collect();
    for o in acked(world, "write") {
        if !remembered.contains(&(o.node, o.invoked, o.kind.describe())) {
            lost.push(format!(
                "{} was acknowledged, but no replica holds any trace of it: {} restarted without its state (restart=amnesia) before gossip carried it anywhere",
                at(o),
                o.node
            ));
        }
    }
    if lost.is_empty() {
        return Verdict::new(
            LOST_UPDATES,
            Status::Pass,
            "no acknowledged write was discarded except by a write made after seeing it",
        )
        .with_headline("no lost updates");
    }
    let hint = if world.node_config().hlc {
        ""
    } else {
        " (clock=hlc makes a write stamped after every write its replica has seen; it cannot order concurrent writes)"
    };
    Verdict::new(
        LOST_UPDATES,
        Status::Fail,
        format!(
            "{} acknowledged write{} lost: {}{hint}",
            lost.len(),
            if lost.len() == 1 { "" } else { "s" },
            lost[0]
        ),
    )
    .with_headline(format!(
        "{} lost update{}",
        lost.len(),
        if lost.len() == 1 { "" } else { "s" }
    ))
    .with_details(lost)
}
