//! The block 6 scenarios: CRDT replicas that accept every update at once
//! and converge by merging gossiped states. The CRDT pane shows every
//! replica's value *and* internal state side by side, and the last merge
//! that changed a replica before and after; the checkers say whether the
//! replicas agree (and if not, why), and what each type promises or not.

pub mod checks;
pub mod invariants;
mod versions_pane;

use std::collections::BTreeSet;

use super::tables::{node_ids, quiet_for, table};
use super::{Cell, Inspect, Pane, Params, Run, Tone};
use crate::check::{Status, Verdict, ids};
use crate::protocols::crdt::{
    Cart, Counter, Crdt, CrdtConfig, CrdtNode, Doc, Dynamo, Lww, LwwStore, Mv, Pn,
};
use crate::sim::{Invariant, NodeId, World, fmt_ms};

pub use checks::CrdtChecks;

pub(super) fn gcounter(p: &Params, n: usize) -> Result<Box<dyn Run>, String> {
    super::start::<CrdtNode<Counter>>("crdt-gcounter", CrdtConfig::default(), p, n)
}
pub(super) fn pncounter(p: &Params, n: usize) -> Result<Box<dyn Run>, String> {
    super::start::<CrdtNode<Pn>>("crdt-pncounter", CrdtConfig::default(), p, n)
}
pub(super) fn orset(p: &Params, n: usize) -> Result<Box<dyn Run>, String> {
    super::start::<CrdtNode<Cart>>("crdt-orset", CrdtConfig::default(), p, n)
}
pub(super) fn lww(p: &Params, n: usize) -> Result<Box<dyn Run>, String> {
    super::start::<CrdtNode<Lww>>("crdt-lww-register", CrdtConfig::default(), p, n)
}
pub(super) fn text(p: &Params, n: usize) -> Result<Box<dyn Run>, String> {
    super::start::<CrdtNode<Doc>>("crdt-text", CrdtConfig::default(), p, n)
}
pub(super) fn lww_store(p: &Params, n: usize) -> Result<Box<dyn Run>, String> {
    super::start::<CrdtNode<LwwStore>>("lww", CrdtConfig::default(), p, n)
}
pub(super) fn versions(p: &Params, n: usize) -> Result<Box<dyn Run>, String> {
    super::start::<CrdtNode<Dynamo>>("version-vectors", CrdtConfig::default(), p, n)
}
pub(super) fn mvregister(p: &Params, n: usize) -> Result<Box<dyn Run>, String> {
    super::start::<CrdtNode<Mv>>("crdt-mvregister", CrdtConfig::default(), p, n)
}

impl<T: CrdtChecks> Inspect for CrdtNode<T> {
    fn verdicts(world: &World<Self>) -> Vec<Verdict> {
        let mut v = vec![convergence(world)];
        v.extend(T::checks(world));
        v
    }
    fn panes(world: &World<Self>) -> Vec<Pane> {
        Self::panes_picked(world, &[])
    }
    fn panes_picked(world: &World<Self>, picks: &[String]) -> Vec<Pane> {
        let mut p = vec![state_pane(world), merge_pane(world)];
        p.extend(T::panes(world, picks));
        p
    }
    fn pickable(world: &World<Self>) -> Option<Vec<String>> {
        T::pickable(world)
    }
    fn invariants() -> Vec<Box<dyn Invariant<Self>>> {
        T::invariants()
    }
}

/// The state every replica would reach if all their states were merged:
/// what gossip converges to (down replicas included when a restart keeps
/// their state; with `restart=amnesia` it is as good as gone).
pub fn joined<T: Crdt>(world: &World<CrdtNode<T>>) -> T {
    let config = world.node_config();
    let mut all = T::default();
    for id in node_ids(world).filter(|&id| config.durable || world.is_up(id)) {
        all.merge(world.node(id).crdt(), config);
    }
    all
}

/// Whether the running replicas hold the same state, and if not, why not.
fn convergence<T: Crdt>(world: &World<CrdtNode<T>>) -> Verdict {
    let config = world.node_config();
    let up: Vec<NodeId> = node_ids(world).filter(|&id| world.is_up(id)).collect();
    let down: Vec<String> = node_ids(world)
        .filter(|&id| !world.is_up(id))
        .map(|id| id.to_string())
        .collect();
    let Some(&first) = up.first() else {
        return Verdict::new(ids::CONVERGENCE, Status::Info, "no replica is running");
    };
    let value = |id: NodeId| world.node(id).crdt().read(world.node_config()).1;
    let mut details: Vec<String> = up
        .iter()
        .map(|&id| format!("{id} holds {}={}", T::LABEL, value(id)))
        .collect();
    if !down.is_empty() {
        details.push(format!(
            "{} down: {}",
            down.join(", "),
            if config.durable {
                "it keeps its state and merges again when it restarts"
            } else {
                "restart=amnesia: it will come back empty"
            }
        ));
    }
    let same = up
        .iter()
        .all(|&id| world.node(id).crdt() == world.node(first).crdt());
    if same {
        return Verdict::new(
            ids::CONVERGENCE,
            Status::Pass,
            format!(
                "all {} running replicas hold the same state: {}={}",
                up.len(),
                T::LABEL,
                value(first)
            ),
        )
        .with_headline("replicas agree")
        .with_details(details);
    }
    let window = 2 * config.gossip_every;
    let why = if world.network().is_partitioned() {
        "the network is partitioned: replicas on different sides cannot exchange states until it heals (H)".to_string()
    } else if world.network().is_lossy() {
        "the network loses messages: a lost state is sent again next round, so they will agree once enough gets through".to_string()
    } else if !config.gossip && !config.op_based {
        "gossip is off (S): replicas exchange states only when you sync one (s)".to_string()
    } else if !quiet_for(world, window) && config.op_based {
        "operations may still be in flight: each update goes out once, as it happens".to_string()
    } else if !quiet_for(world, window) {
        format!(
            "they are still gossiping: each replica pushes its state every {} ms, so they agree within about a round of the last change",
            config.gossip_every
        )
    } else {
        let why = if config.op_based {
            "with delivery=op they exchange no states, and each applied the operations that reached it: one lost, duplicated or sent while a replica was down leaves them apart for good (s syncs states)"
        } else if !config.ties_by_id {
            "merging the same states gave different results — ties=keep-mine: two writes with the same timestamp, and each replica keeps its own (break ties by node id)"
        } else {
            "merging the same states gave different results"
        };
        let summary = format!(
            "replicas still differ although the network has been quiet for {}: {why}",
            fmt_ms(window)
        );
        return Verdict::new(ids::CONVERGENCE, Status::Fail, summary)
            .with_headline("replicas diverged for good")
            .with_details(details);
    };
    Verdict::new(
        ids::CONVERGENCE,
        Status::Info,
        format!("replicas differ for now: {why}"),
    )
    .with_headline("replicas differ for now")
    .with_details(details)
}

/// The labels of a list of facets of several states, in the order a
/// type gives them, each once.
fn labels<'a>(all: impl IntoIterator<Item = &'a Vec<(String, String)>>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    // Bookkeeping rows a type puts last (tombstones, the clock) stay last.
    let mut trailing = Vec::new();
    for facets in all {
        for (i, (label, _)) in facets.iter().enumerate() {
            if seen.insert(label.clone()) {
                if i + 1 == facets.len() && matches!(label.as_str(), "tombstones" | "clock") {
                    trailing.push(label.clone());
                } else {
                    out.push(label.clone());
                }
            }
        }
    }
    out.sort();
    out.extend(trailing);
    out
}

fn facet<'a>(facets: &'a [(String, String)], label: &str) -> Option<&'a str> {
    facets
        .iter()
        .find(|(l, _)| l == label)
        .map(|(_, v)| v.as_str())
}

/// Every replica's value and internal state, one column per replica; a row
/// where running replicas differ is marked `≠`.
fn state_pane<T: Crdt>(world: &World<CrdtNode<T>>) -> Pane {
    let config = world.node_config();
    let ids: Vec<NodeId> = node_ids(world).collect();
    let facets: Vec<Vec<(String, String)>> = ids
        .iter()
        .map(|&id| world.node(id).crdt().facets(config))
        .collect();
    let values: Vec<String> = ids
        .iter()
        .map(|&id| world.node(id).crdt().read(world.node_config()).1)
        .collect();
    let row = |label: &str, cells: Vec<String>| -> Vec<Cell> {
        let up: Vec<&String> = cells
            .iter()
            .zip(&ids)
            .filter(|(_, id)| world.is_up(**id))
            .map(|(c, _)| c)
            .collect();
        let differ = up.windows(2).any(|w| w[0] != w[1]);
        let mut r = vec![if differ {
            Cell::new(format!("≠ {label}"), Tone::Warn)
        } else {
            Cell::plain(label.to_string())
        }];
        for (c, id) in cells.into_iter().zip(&ids) {
            r.push(if !world.is_up(*id) {
                Cell::new(c, Tone::Dim)
            } else if differ {
                Cell::new(c, Tone::Warn)
            } else {
                Cell::plain(c)
            });
        }
        r
    };
    let mut rows = vec![row(T::LABEL, values)];
    for label in labels(&facets) {
        let cells = facets
            .iter()
            .map(|f| facet(f, &label).unwrap_or("—").to_string())
            .collect();
        rows.push(row(&label, cells));
    }
    let mut header = vec!["".to_string()];
    header.extend(ids.iter().map(|&id| {
        if world.is_up(id) {
            id.to_string()
        } else {
            format!("{id} (down)")
        }
    }));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    table(
        &format!("CRDT state · {} · ≠ marks rows that differ", T::NAME),
        &header,
        rows,
    )
}

/// The newest merge that changed a replica: its state before, the state
/// it received, and after, with every changed part marked `*`.
fn merge_pane<T: Crdt>(world: &World<CrdtNode<T>>) -> Pane {
    let config = world.node_config();
    let last = node_ids(world)
        .filter_map(|id| world.node(id).last_merge())
        .max_by_key(|m| (m.time, m.at));
    let Some(m) = last else {
        return table(
            "Last merge",
            &["", "before", "received", "after"],
            vec![vec![Cell::new(
                "no merge has changed a replica yet",
                Tone::Dim,
            )]],
        );
    };
    let (b, i, a) = (
        m.before.facets(config),
        m.incoming.facets(config),
        m.after.facets(config),
    );
    let mut rows = Vec::new();
    let mut line = |label: &str, before: String, incoming: String, after: String| {
        let changed = before != after;
        rows.push(vec![
            Cell::plain(label.to_string()),
            Cell::plain(before),
            Cell::plain(incoming),
            if changed {
                Cell::new(format!("* {after}"), Tone::Good)
            } else {
                Cell::plain(after)
            },
        ]);
    };
    line(
        T::LABEL,
        m.before.read(world.node_config()).1,
        m.incoming.read(world.node_config()).1,
        m.after.read(world.node_config()).1,
    );
    for label in labels([&b, &i, &a]) {
        let get = |f: &[(String, String)]| facet(f, &label).unwrap_or("—").to_string();
        line(&label, get(&b), get(&i), get(&a));
    }
    table(
        &format!(
            "Last merge · {} merged {}'s state at {} (* changed)",
            m.at,
            m.from,
            fmt_ms(m.time)
        ),
        &[
            "",
            &format!("{} before", m.at),
            &format!("from {}", m.from),
            "after",
        ],
        rows,
    )
}
