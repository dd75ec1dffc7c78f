//! The `causal` scenario: posts, replies, held-back writes and the
//! causality verdict.

use super::tables::{keys, node_cell, node_ids, quiet_for, table};
use super::{Cell, Inspect, Pane, Params, Run, Tone};
use crate::check::{self, Sessions, Verdict};
use std::collections::BTreeMap;

use crate::protocols::causal::{CausalConfig, CausalNode, Delivery, Dot, Write, vv_text};
use crate::sim::{Node, NodeId, OpId, World};

pub(super) fn build(p: &Params, nodes: usize) -> Result<Box<dyn Run>, String> {
    super::start::<CausalNode>("causal", CausalConfig::new(Delivery::Eventual), p, nodes)
}

impl Inspect for CausalNode {
    fn verdicts(world: &World<Self>) -> Vec<Verdict> {
        let h = world.history();
        let states: Vec<_> = node_ids(world)
            .filter(|&id| world.is_up(id))
            .map(|id| (id, world.node(id).state(world.node_config())))
            .collect();
        let window = 2 * world.node_config().resend_every;
        vec![
            check::causality_with(h, Sessions::PerNode, &node_edges(world)),
            check::linearizability(h),
            check::convergence(&states, quiet_for(world, window)),
            check::availability(h),
        ]
    }

    fn panes(world: &World<Self>) -> Vec<Pane> {
        vec![replicas_pane(world), writes_pane(world)]
    }
}

/// "Write b was accepted by a node that had already applied write a":
/// happens-before edges the history alone cannot show.
fn node_edges(world: &World<CausalNode>) -> Vec<(OpId, OpId)> {
    let mut writes: BTreeMap<Dot, &Write> = BTreeMap::new();
    for id in node_ids(world) {
        writes.extend(world.node(id).log().iter().map(|(d, w)| (*d, w)));
    }
    let mut edges = Vec::new();
    for w in writes.values() {
        for (&n, c) in w.deps.iter() {
            // The latest write of each node it depends on implies the rest.
            if let Some(cause) = writes.get(&(n, c)) {
                edges.push((cause.op, w.op));
            }
        }
    }
    edges
}

/// Per node: each key's visible value, what its client has seen, and what
/// it holds back.
fn replicas_pane(world: &World<CausalNode>) -> Pane {
    let keys = keys(world);
    let rows = node_ids(world)
        .map(|id| {
            let n = world.node(id);
            let mut row = vec![node_cell(world, id, None)];
            for key in &keys {
                row.push(match n.visible(key) {
                    None => Cell::new("unset", Tone::Dim),
                    Some(w) => {
                        let missing = n.missing(w);
                        if missing.is_empty() {
                            Cell::plain(w.name())
                        } else {
                            Cell::new(
                                format!(
                                    "{} (its cause {} is missing)",
                                    w.name(),
                                    missing.join(", ")
                                ),
                                Tone::Bad,
                            )
                        }
                    }
                });
            }
            let held: Vec<String> = n
                .held()
                .values()
                .map(|w| format!("{} (waits for {})", w.name(), n.missing(w).join(", ")))
                .collect();
            row.push(if held.is_empty() {
                Cell::new("—", Tone::Dim)
            } else {
                Cell::new(held.join("; "), Tone::Warn)
            });
            row.push(Cell::plain(vv_text(&n.applied())));
            row
        })
        .collect();
    let mut header: Vec<&str> = vec!["node"];
    header.extend(keys.iter().map(String::as_str));
    header.extend(["held back", "applied"]);
    let mode = world.node_config().mode.name();
    table(&format!("Replica state · {mode} delivery"), &header, rows)
}

/// Every write, what it depends on, and where it is visible.
fn writes_pane(world: &World<CausalNode>) -> Pane {
    let mut all: Vec<_> = node_ids(world)
        .flat_map(|id| world.node(id).log().values())
        .collect();
    all.sort_by_key(|w| (w.dot.1, w.dot.0));
    all.dedup_by_key(|w| w.dot);
    let skip = all.len().saturating_sub(8);
    let rows = all[skip..]
        .iter()
        .map(|w| {
            let at: Vec<NodeId> = node_ids(world)
                .filter(|&id| world.node(id).log().contains_key(&w.dot))
                .collect();
            let early: Vec<NodeId> = at
                .iter()
                .copied()
                .filter(|&id| !world.node(id).missing(w).is_empty())
                .collect();
            let list = |v: &[NodeId]| {
                v.iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let visible = if early.is_empty() {
                Cell::plain(list(&at))
            } else {
                Cell::new(
                    format!("{} (before its cause at {})", list(&at), list(&early)),
                    Tone::Bad,
                )
            };
            vec![
                Cell::plain(w.name()),
                Cell::plain(vv_text(&w.deps)),
                visible,
            ]
        })
        .collect();
    table(
        "Writes and their causes",
        &["write", "depends on", "applied at"],
        rows,
    )
}
