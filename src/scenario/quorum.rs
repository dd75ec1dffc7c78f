//! The `quorum` scenario: panes, verdicts and knobs of the N/W/R store.

use super::tables::{keys, node_cell, node_ids, table};
use super::{Cell, Inspect, Pane, Params, Run, Tone};
use crate::check::{self, Verdict};
use crate::protocols::quorum::{QuorumConfig, QuorumNode, Tally, replicas};
use crate::sim::{World, fmt_ms};

pub(super) fn build(p: &Params, nodes: usize) -> Result<Box<dyn Run>, String> {
    super::start::<QuorumNode>("quorum", QuorumConfig::new(nodes), p, nodes)
}

impl Inspect for QuorumNode {
    fn verdicts(world: &World<Self>) -> Vec<Verdict> {
        let h = world.history();
        vec![
            check::linearizability(h),
            check::stale_reads(h),
            check::availability(h),
        ]
    }

    fn panes(world: &World<Self>) -> Vec<Pane> {
        // The short, always-current table first; then the votes, newest first.
        vec![replicas_pane(world), votes_pane(world)]
    }
}

/// The most recent requests: who was asked, who answered, the threshold, the result.
fn votes_pane(world: &World<QuorumNode>) -> Pane {
    let mut votes: Vec<_> = node_ids(world)
        .flat_map(|id| world.node(id).votes())
        .collect();
    votes.sort_by_key(|v| std::cmp::Reverse(v.op));
    let rows = votes
        .iter()
        .take(6)
        .map(|v| {
            let answered: Vec<String> = v
                .answers
                .iter()
                .enumerate()
                .map(|(i, (n, said))| {
                    let late = if i >= v.counted { " (late)" } else { "" };
                    if v.is_write && said != "stored" {
                        format!("{n} ({said}){late}")
                    } else if v.is_write {
                        format!("{n}{late}")
                    } else {
                        format!("{n}: {said}{late}")
                    }
                })
                .collect();
            let which = if v.is_write { 'W' } else { 'R' };
            let counted = v.counted.min(v.answers.len());
            let (result, tone) = match v.tally {
                Tally::Waiting => (
                    format!("waiting: {counted} of {which}={}", v.need),
                    Tone::Warn,
                ),
                Tally::Met { at } => (
                    format!("{which}={} met at {}", v.need, fmt_ms(at)),
                    Tone::Good,
                ),
                Tally::Missed { at } => (
                    format!("{which}={} missed: {counted} by {}", v.need, fmt_ms(at)),
                    Tone::Bad,
                ),
            };
            let mut repaired = String::new();
            if !v.repaired.is_empty() {
                let r: Vec<String> = v.repaired.iter().map(|n| n.to_string()).collect();
                repaired = format!("; repaired {}", r.join(", "));
            }
            vec![
                Cell::plain(format!("op {}", v.op.0)),
                Cell::plain(format!("{} via {}", v.what, v.coordinator)),
                Cell::plain({
                    let mut asked = v
                        .asked
                        .iter()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(", ");
                    if !v.stand_ins.is_empty() {
                        let subs: Vec<String> = v
                            .stand_ins
                            .iter()
                            .map(|(s, h)| format!("{s} for {h}"))
                            .collect();
                        asked.push_str(&format!(" + stand-ins {}", subs.join(", ")));
                    }
                    asked
                }),
                Cell::plain(if answered.is_empty() {
                    "none".to_string()
                } else {
                    answered.join(", ")
                }),
                Cell::new(format!("{result}{repaired}"), tone),
            ]
        })
        .collect();
    table(
        "Quorum votes · newest first",
        &["op", "request", "asked", "answered", "result"],
        rows,
    )
}

/// Each node's copy of each key; replicas behind the newest version are stale.
fn replicas_pane(world: &World<QuorumNode>) -> Pane {
    let cfg = world.node_config();
    let keys = keys(world);
    let n = world.cluster_size();
    let rows: Vec<Vec<Cell>> = node_ids(world)
        .map(|id| {
            let mut row = vec![node_cell(world, id, None)];
            for key in &keys {
                let reps = replicas(key, cfg.n, n);
                let newest = node_ids(world)
                    .filter_map(|m| world.node(m).data().get(key).copied())
                    .max();
                let mine = world.node(id).data().get(key).copied();
                let text = mine.map_or("unset".to_string(), |v| v.to_string());
                let cell = if !reps.contains(&id) {
                    match mine {
                        Some(_) => Cell::new(format!("{text} (not a replica)"), Tone::Dim),
                        None => Cell::new("—", Tone::Dim),
                    }
                } else if mine < newest {
                    Cell::new(format!("{text} (stale)"), Tone::Bad)
                } else if !world.is_up(id) {
                    Cell::new(text, Tone::Dim)
                } else {
                    Cell::new(text, Tone::Normal)
                };
                row.push(cell);
            }
            row
        })
        .collect();
    let mut header = vec!["node".to_string()];
    header.extend(keys.iter().cloned());
    // Hints appear only with a sloppy quorum (or left over from one).
    let hinted = node_ids(world).any(|id| !world.node(id).hints().is_empty());
    let mut rows = rows;
    if cfg.sloppy || hinted {
        header.push("hints (stand-in)".into());
        for (row, id) in rows.iter_mut().zip(node_ids(world)) {
            let hints: Vec<String> = world
                .node(id)
                .hints()
                .iter()
                .map(|((home, key), v)| format!("hint for {home}: {key}={}", v.value))
                .collect();
            row.push(if hints.is_empty() {
                Cell::new("—", Tone::Dim)
            } else {
                Cell::new(hints.join("; "), Tone::Warn)
            });
        }
    }
    Pane::Table {
        title: format!("Replica state · {}", cfg.describe()),
        header,
        rows,
    }
}
