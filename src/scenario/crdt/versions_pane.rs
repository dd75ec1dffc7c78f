//! The version pane of `version-vectors`: every version written, with its
//! dot, its context and what it descends from (the versions kept first),
//! and a comparison, the entries that decide it marked `*`: of the two
//! versions the learner picked (`<` and `>` cycle them), else of two
//! siblings when there are some, else of the kept version and the one it
//! replaced.

use super::joined;
use crate::model::Causality;
use crate::protocols::crdt::{CrdtNode, Dynamo, Version};
use crate::scenario::tables::table;
use crate::scenario::{Cell, Pane, Tone};
use crate::sim::World;

/// At most this many versions (kept ones first).
const SHOWN: usize = 8;

/// `[n1:2* n2:1]`: the vector with the deciding entries marked.
fn marked(
    v: &crate::model::VersionVector<crate::sim::NodeId>,
    decide: &[crate::sim::NodeId],
) -> String {
    let parts: Vec<String> = v
        .iter()
        .map(|(a, c)| {
            let star = if decide.contains(a) { "*" } else { "" };
            format!("{a}:{c}{star}")
        })
        .collect();
    format!("[{}]", parts.join(" "))
}

/// Every version written, kept ones first, each newest counter first.
fn ordered(all: &Dynamo) -> Vec<&Version> {
    let is_kept = |v: &Version| all.siblings.iter().any(|k| k.dot == v.dot);
    let mut versions: Vec<&Version> = all.ledger.iter().collect();
    versions.sort_by_key(|v| (!is_kept(v), std::cmp::Reverse((v.dot.counter, v.dot.actor))));
    versions
}

/// The versions a learner can pick to compare, in the table's order.
pub(super) fn pickable(world: &World<CrdtNode<Dynamo>>) -> Vec<String> {
    ordered(&joined(world))
        .iter()
        .take(SHOWN)
        .map(|v| v.dot.to_string())
        .collect()
}

/// The versions table, and the comparison: of the two versions the learner
/// picked (`picks`), else of a pair chosen as the module says.
pub(super) fn panes(world: &World<CrdtNode<Dynamo>>, picks: &[String]) -> Vec<Pane> {
    let all = joined(world);
    let by_dots = !world.node_config().server_vv;
    let kept: Vec<&Version> = all.siblings.iter().collect();
    let versions = ordered(&all);
    let pick_of = |v: &Version| {
        let d = v.dot.to_string();
        picks.iter().position(|p| *p == d)
    };
    let rows: Vec<Vec<Cell>> = versions
        .iter()
        .take(SHOWN)
        .map(|v| {
            let parents: Vec<String> = all
                .ledger
                .iter()
                .filter(|p| p.dot != v.dot && v.ctx.contains(&p.dot))
                .filter(|p| {
                    // Only the nearest ancestors: not ones another ancestor covers.
                    !all.ledger.iter().any(|q| {
                        q.dot != p.dot
                            && q.dot != v.dot
                            && v.ctx.contains(&q.dot)
                            && q.ctx.contains(&p.dot)
                    })
                })
                .map(|p| p.dot.to_string())
                .collect();
            let sibling = kept.iter().any(|k| k.dot == v.dot);
            let word = if sibling { "kept" } else { "superseded" };
            let state = match pick_of(v) {
                Some(i) => Cell::new(format!("{word} ◀ pick {}", i + 1), Tone::Warn),
                None if sibling => Cell::new(word, Tone::Good),
                None => Cell::new(word, Tone::Dim),
            };
            vec![
                Cell::plain(v.dot.to_string()),
                Cell::plain(v.items_text()),
                Cell::plain(if by_dots {
                    v.ctx.to_string()
                } else {
                    v.vv().to_string()
                }),
                Cell::plain(if parents.is_empty() {
                    "—".into()
                } else {
                    parents.join(" ")
                }),
                state,
            ]
        })
        .collect();
    // The learner's two picks; else two siblings, or the kept version and
    // the one it replaced.
    let picked: Vec<&Version> = picks
        .iter()
        .filter_map(|p| versions.iter().find(|v| v.dot.to_string() == *p).copied())
        .collect();
    let pair = match (picked.as_slice(), kept.as_slice()) {
        ([a, b], _) if a.dot != b.dot => Some((*b, *a)),
        (_, [a, b, ..]) => Some((*b, *a)),
        // The version it replaced, by the rule in force.
        (_, [k]) => versions
            .iter()
            .filter(|p| p.superseded_by(k, by_dots))
            .max_by_key(|p| p.ctx.iter().map(|(_, c)| c).sum::<u64>())
            .map(|p| (*k, *p)),
        (_, []) => None,
    };
    let mut compare = None;
    if let Some((b, a)) = pair {
        let rows = if by_dots {
            // A dot and a context: does each context hold the other's dot?
            let holds = |x: &Version, y: &Version| {
                let has = x.ctx.get(&y.dot.actor);
                format!(
                    "{}'s context has {}:{}{} {} {}'s dot {}",
                    x.dot,
                    y.dot.actor,
                    has,
                    "*",
                    if has >= y.dot.counter { "≥" } else { "<" },
                    y.dot,
                    if has >= y.dot.counter {
                        "(holds it)"
                    } else {
                        "(does not hold it)"
                    }
                )
            };
            let rel = if b.ctx.contains(&a.dot) {
                format!("{} descends from {}: its writer had read it", b.dot, a.dot)
            } else if a.ctx.contains(&b.dot) {
                format!("{} descends from {}: its writer had read it", a.dot, b.dot)
            } else {
                format!(
                    "{} and {} are concurrent: neither writer had read the other",
                    a.dot, b.dot
                )
            };
            vec![
                vec![
                    Cell::plain(a.dot.to_string()),
                    Cell::plain(format!("dot {} + context {}", a.dot, a.ctx)),
                ],
                vec![
                    Cell::plain(b.dot.to_string()),
                    Cell::plain(format!("dot {} + context {}", b.dot, b.ctx)),
                ],
                vec![Cell::plain("test"), Cell::plain(holds(b, a))],
                vec![Cell::plain("test"), Cell::plain(holds(a, b))],
                vec![Cell::new("so", Tone::Warn), Cell::plain(rel)],
            ]
        } else {
            let (va, vb) = (a.vv(), b.vv());
            let (ahead, behind) = va.deciding(&vb);
            let rel = match va.compare(&vb) {
                Causality::Before => format!(
                    "{} dominates {}, so {} is dropped (whether or not its writer read it)",
                    b.dot, a.dot, a.dot
                ),
                Causality::After => format!(
                    "{} dominates {}, so {} is dropped (whether or not its writer read it)",
                    a.dot, b.dot, b.dot
                ),
                Causality::Equal => "equal vectors".to_string(),
                Causality::Concurrent => format!("{} and {} are concurrent", a.dot, b.dot),
            };
            let mut decide = ahead.clone();
            decide.extend(behind.iter().copied());
            vec![
                vec![
                    Cell::plain(a.dot.to_string()),
                    Cell::plain(marked(&va, &decide)),
                ],
                vec![
                    Cell::plain(b.dot.to_string()),
                    Cell::plain(marked(&vb, &decide)),
                ],
                vec![Cell::new("so", Tone::Warn), Cell::plain(rel)],
            ]
        };
        compare = Some(table(
            &format!("Compare {} and {} (* decides)", a.dot, b.dot),
            &["version", if by_dots { "dot + context" } else { "vector" }],
            rows,
        ));
    }
    let versions = table(
        &format!("Versions · {} kept", kept.len()),
        &[
            "dot",
            "cart",
            if by_dots { "context" } else { "vector" },
            "descends from",
            "",
        ],
        rows,
    );
    let mut out = vec![versions];
    out.extend(compare);
    out
}
