//! Each CRDT type's own checkers: what it promises, and where its promise
//! ends (a counter cannot enforce a floor, a remove only removes what it
//! saw, last-writer-wins trusts clocks).

use super::invariants::{DotUnique, FormsAgree};
use super::joined;
use crate::check::{Status, Verdict};
use crate::protocols::crdt::{Cart, Counter, Crdt, CrdtNode, Doc, Lww, Mv, Pn};
use crate::sim::{Invariant, OpKind, OpOutcome, OpRecord, World, fmt_ms};

pub const COUNTED: &str = "updates counted";
pub const FLOOR: &str = "stock floor";
pub const REMOVES: &str = "removes";
pub const LWW_ORDER: &str = "last writer wins";
pub const SIBLINGS: &str = "siblings";
pub const INTERLEAVING: &str = "interleaving";

/// The checkers and invariants a CRDT type contributes to its scenario.
pub trait CrdtChecks: Crdt {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict>;
    fn invariants() -> Vec<Box<dyn Invariant<CrdtNode<Self>>>>;
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

/// Every acknowledged increment and decrement is in the merged count.
fn counted<T: Crdt>(world: &World<CrdtNode<T>>) -> Verdict {
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

impl CrdtChecks for Counter {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict> {
        vec![counted(world)]
    }
    fn invariants() -> Vec<Box<dyn Invariant<CrdtNode<Self>>>> {
        vec![Box::new(DotUnique::default())]
    }
}

impl CrdtChecks for Pn {
    fn checks(world: &World<CrdtNode<Self>>) -> Vec<Verdict> {
        vec![floor(world), counted(world)]
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
    let ops = world.history().ops();
    let survived: Vec<String> = acked(world, "remove")
        .filter_map(|r| {
            let OpKind::Other { what, .. } = &r.kind else {
                return None;
            };
            let item = what.strip_prefix("remove ")?;
            let ret = r.ret?;
            let later_add = ops.iter().any(|o| {
                o.call > ret && matches!(&o.kind, OpKind::Other { what, .. } if what == &format!("add {item}"))
            });
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
    let Some(win) = joined(world).0 else {
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
    // The stamp a write got: its writer's wall clock when it was made.
    let stamp = |o: &OpRecord| (o.invoked as i64 + world.skew(o.node)).max(0) as u64;
    let clock = |o: &OpRecord| {
        let s = world.skew(o.node);
        if s == 0 {
            format!("{}'s clock is right", o.node)
        } else {
            format!(
                "{}'s clock is {}{} ms off",
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
                "the naive merge orders characters by the index they were typed at, and an index means different things on replicas that had not seen each other's typing"
            } else {
                "the RGA merge placed letters of one word among another's"
            },
            each[0]
        ),
    )
    .with_headline(format!("{} word{} interleaved", mixed.len(), if mixed.len() == 1 { "" } else { "s" }))
    .with_details(each)
}
