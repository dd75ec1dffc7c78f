//! The `multi-leader` scenario: conflicts, replica state and verdicts.

use std::collections::BTreeSet;

use super::tables::{keys, node_cell, node_ids, quiet_for, table};
use super::{Cell, Inspect, Pane, Params, Run, Tone};
use crate::check::{self, Status, Survivor, Verdict};
use crate::model::Causality;
use crate::protocols::multi_leader::{Conflict, MlConfig, MlNode};
use crate::sim::{World, fmt_ms};

pub(super) fn build(p: &Params, nodes: usize) -> Result<Box<dyn Run>, String> {
    super::start::<MlNode>("multi-leader", MlConfig::default(), p, nodes)
}

/// Every conflict any running node resolved, once each, oldest first.
fn conflicts(world: &World<MlNode>) -> Vec<&Conflict> {
    let mut seen = BTreeSet::new();
    let mut all: Vec<&Conflict> = node_ids(world)
        .flat_map(|id| world.node(id).conflicts())
        .collect();
    all.sort_by_key(|c| (c.time, c.at));
    all.retain(|c| seen.insert((c.key.clone(), c.discarded.writer, c.discarded.stamp)));
    all
}

fn conflict_verdict(world: &World<MlNode>) -> Verdict {
    const CHECK: &str = crate::check::ids::WRITE_CONFLICTS;
    let found: Vec<String> = conflicts(world).iter().map(|c| c.describe()).collect();
    match found.len() {
        0 => Verdict::new(
            CHECK,
            Status::Pass,
            "no conflicts: no two leaders wrote the same key without seeing each other's write",
        )
        .with_headline("no conflicts"),
        n => Verdict::new(
            CHECK,
            Status::Fail,
            format!(
                "{n} conflict{} resolved by last-writer-wins, each losing a write (a lost update); first: {}",
                if n == 1 { "" } else { "s" },
                found[0]
            ),
        )
        .with_headline(format!(
            "{n} conflict{} lost a write to last-writer-wins",
            if n == 1 { "" } else { "s" }
        ))
        .with_details(found),
    }
}

impl Inspect for MlNode {
    fn verdicts(world: &World<Self>) -> Vec<Verdict> {
        let h = world.history();
        let up: Vec<_> = node_ids(world).filter(|&id| world.is_up(id)).collect();
        let survivors: Vec<Survivor> = up
            .iter()
            .map(|&id| Survivor {
                who: id.to_string(),
                values: world
                    .node(id)
                    .store()
                    .iter()
                    .map(|(k, r)| (k.clone(), r.value))
                    .collect(),
                log: None,
            })
            .collect();
        let states: Vec<_> = up
            .iter()
            .map(|&id| {
                (
                    id,
                    world
                        .node(id)
                        .store()
                        .iter()
                        .map(|(k, r)| (k.clone(), r.value.to_string()))
                        .collect(),
                )
            })
            .collect();
        let window = 2 * world.node_config().gossip_every;
        vec![
            conflict_verdict(world),
            check::lost_writes(h, &survivors),
            check::stale_reads(h),
            check::linearizability(h),
            check::convergence(&states, quiet_for(world, window)),
            check::availability(h),
        ]
    }

    fn panes(world: &World<Self>) -> Vec<Pane> {
        vec![replicas_pane(world), conflicts_pane(world)]
    }
}

/// Each node's version of each key with its version vector; a version
/// another node has superseded is stale, one concurrent with another has
/// diverged (a conflict waiting to happen).
fn replicas_pane(world: &World<MlNode>) -> Pane {
    let keys = keys(world);
    let rows = node_ids(world)
        .map(|id| {
            let mut row = vec![node_cell(world, id, None)];
            for key in &keys {
                let mine = world.node(id).store().get(key);
                let others: Vec<_> = node_ids(world)
                    .filter(|&o| o != id)
                    .filter_map(|o| world.node(o).store().get(key))
                    .collect();
                let cell = match mine {
                    None if others.is_empty() => Cell::new("—", Tone::Dim),
                    None => Cell::new("unset (stale)", Tone::Bad),
                    Some(r) => {
                        let text = format!("{r} {}", r.vv_text());
                        if others
                            .iter()
                            .any(|o| r.vv.compare(&o.vv) == Causality::Before)
                        {
                            Cell::new(format!("{text} (stale)"), Tone::Bad)
                        } else if others
                            .iter()
                            .any(|o| r.vv.compare(&o.vv) == Causality::Concurrent)
                        {
                            Cell::new(format!("{text} (diverged)"), Tone::Warn)
                        } else if !world.is_up(id) {
                            Cell::new(text, Tone::Dim)
                        } else {
                            Cell::plain(text)
                        }
                    }
                };
                row.push(cell);
            }
            row
        })
        .collect();
    let mut header: Vec<&str> = vec!["node"];
    header.extend(keys.iter().map(String::as_str));
    table("Replica state · every node a leader", &header, rows)
}

fn conflicts_pane(world: &World<MlNode>) -> Pane {
    let all = conflicts(world);
    let skip = all.len().saturating_sub(8);
    let rows = all[skip..]
        .iter()
        .map(|c| {
            vec![
                Cell::plain(fmt_ms(c.time)),
                Cell::plain(c.key.clone()),
                Cell::new(format!("{}={}", c.key, c.kept), Tone::Good),
                Cell::new(format!("{}={}", c.key, c.discarded), Tone::Bad),
                Cell::plain(c.at.to_string()),
            ]
        })
        .collect();
    table(
        &format!("Conflicts ({} so far) · last-writer-wins", all.len()),
        &["when", "key", "kept", "discarded", "seen at"],
        rows,
    )
}
