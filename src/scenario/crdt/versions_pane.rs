//! The version pane of `version-vectors`: every version written, with its
//! dot, its context and what it descends from (the versions kept first),
//! and a comparison, the entries that decide it marked `*`: of two
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

/// The versions table, and the comparison when there is a pair to compare.
pub(super) fn panes(world: &World<CrdtNode<Dynamo>>) -> Vec<Pane> {
    let all = joined(world);
    let by_dots = !world.node_config().server_vv;
    let kept: Vec<&Version> = all.siblings.iter().collect();
    // Kept versions first, then the rest, each newest counter first.
    let is_kept = |v: &Version| kept.iter().any(|k| k.dot == v.dot);
    let mut versions: Vec<&Version> = all.ledger.iter().collect();
    versions.sort_by_key(|v| (!is_kept(v), std::cmp::Reverse((v.dot.counter, v.dot.actor))));
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
            let state = if sibling {
                Cell::new("kept", Tone::Good)
            } else {
                Cell::new("superseded", Tone::Dim)
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
    // Two siblings compared, or the kept version and its nearest ancestor.
    let pair = match kept.as_slice() {
        [a, b, ..] => Some((*b, *a)),
        // The version it replaced, by the rule in force.
        [k] => versions
            .iter()
            .filter(|p| p.superseded_by(k, by_dots))
            .max_by_key(|p| p.ctx.iter().map(|(_, c)| c).sum::<u64>())
            .map(|p| (*k, *p)),
        [] => None,
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
