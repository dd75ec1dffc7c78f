//! The `raft` scenario: the Nodes, Logs and Votes panes, the client-history
//! checkers, and Raft's safety properties checked after every event.

pub mod safety;

use super::tables::{node_cell, node_ids, table};
use super::{Cell, Inspect, Pane, Params, Run, Tone};
use crate::check::{self, Verdict};
use crate::protocols::raft::{RaftConfig, RaftNode};
use crate::sim::{Invariant, Millis, Node, NodeId, World};

pub(super) fn build(p: &Params, nodes: usize) -> Result<Box<dyn Run>, String> {
    super::start::<RaftNode>("raft", RaftConfig::default(), p, nodes)
}

impl Inspect for RaftNode {
    fn verdicts(world: &World<Self>) -> Vec<Verdict> {
        let h = world.history();
        vec![
            check::linearizability(h),
            check::stale_reads(h),
            check::availability(h),
        ]
    }

    fn panes(world: &World<Self>) -> Vec<Pane> {
        vec![nodes_pane(world), logs_pane(world), votes_pane(world)]
    }

    fn invariants() -> Vec<Box<dyn Invariant<Self>>> {
        safety::all()
    }
}

/// The newest-term leader that is running, if any.
pub fn leader(world: &World<RaftNode>) -> Option<NodeId> {
    node_ids(world)
        .filter(|&id| world.is_up(id) && world.node(id).is_leader())
        .max_by_key(|&id| world.node(id).term())
}

/// `▮▮▮▯▯▯▯▯ 112 ms`: how much of the election timeout is left, readable
/// without colour.
fn timer_bar(left: Millis, len: Millis) -> String {
    const W: u64 = 8;
    let filled = if len == 0 {
        0
    } else {
        (left * W).div_ceil(len).min(W)
    };
    let bar: String = (0..W).map(|k| if k < filled { '▮' } else { '▯' }).collect();
    format!("{bar} {left} ms")
}

fn nodes_pane(world: &World<RaftNode>) -> Pane {
    let now = world.now();
    let rows = node_ids(world)
        .map(|id| {
            let n = world.node(id);
            let up = world.is_up(id);
            let role = n.role();
            let mut row = vec![node_cell(world, id, up.then_some(role.as_str()))];
            let dim = |text: String| {
                if up {
                    Cell::plain(text)
                } else {
                    Cell::new(text, Tone::Dim)
                }
            };
            row.push(dim(n.term().to_string()));
            row.push(dim(n.voted_for().map_or("—".into(), |v| v.to_string())));
            row.push(if !up {
                Cell::new("down (durable: term, vote, log)", Tone::Dim)
            } else if n.is_leader() {
                Cell::new(
                    format!(
                        "leads; heartbeat every {} ms",
                        world.node_config().heartbeat_every
                    ),
                    Tone::Good,
                )
            } else {
                match n.election_timer() {
                    Some((due, len)) => {
                        let left = due.saturating_sub(now);
                        let tone = if left * 4 < len {
                            Tone::Warn
                        } else {
                            Tone::Normal
                        };
                        Cell::new(timer_bar(left, len), tone)
                    }
                    None => Cell::new("no timer", Tone::Dim),
                }
            });
            row.push(dim(format!("{} / {}", n.commit_index(), n.applied())));
            row
        })
        .collect();
    table(
        "Nodes · term, vote, election timer",
        &[
            "node",
            "term",
            "voted for",
            "election timer",
            "commit / applied",
        ],
        rows,
    )
}

/// How many of the newest entries a log row shows.
const LOG_SHOWN: usize = 10;

/// `i3: 1 1 2 [2 2]`: the terms of the newest entries from index 3, the
/// uncommitted ones in brackets.
fn log_text(n: &RaftNode) -> String {
    let log = n.log();
    if log.is_empty() {
        return "(empty)".into();
    }
    let start = log.len().saturating_sub(LOG_SHOWN);
    let commit = n.commit_index() as usize;
    let mut out = format!("{}i{}:", if start > 0 { "…" } else { "" }, start + 1);
    let mut open = false;
    for (k, e) in log.iter().enumerate().skip(start) {
        out.push(' ');
        if k + 1 > commit && !open {
            out.push('[');
            open = true;
        }
        out.push_str(&e.term.to_string());
    }
    if open {
        out.push(']');
    }
    out
}

fn logs_pane(world: &World<RaftNode>) -> Pane {
    let lead = leader(world);
    let reference = lead.map(|l| world.node(l));
    let rows = node_ids(world)
        .map(|id| {
            let n = world.node(id);
            let mut row = vec![node_cell(world, id, None)];
            // Entries this node holds that the leader's log does not: they
            // will be replaced (and were never committed).
            // By Log Matching (checked after every event), the logs agree
            // up to this node's last entry exactly when the leader holds an
            // entry of the same term there: one lookup, however long the log.
            let last = n.disk().last_index();
            let diverged = reference
                .is_some_and(|r| last > 0 && r.disk().term_at(last) != n.disk().last_term());
            let uncommitted = n.log().len() as u64 > n.commit_index();
            let tone = if !world.is_up(id) {
                Tone::Dim
            } else if diverged {
                Tone::Bad
            } else if uncommitted {
                Tone::Warn
            } else {
                Tone::Normal
            };
            let mut text = log_text(n);
            if diverged {
                text.push_str(" ≠ leader");
            }
            row.push(Cell::new(text, tone));
            row.push(match (lead, reference.and_then(|r| r.lead())) {
                (Some(l), _) if l == id => Cell::new("leader", Tone::Dim),
                (Some(_), Some(view)) => Cell::plain(format!(
                    "next {} · match {}",
                    view.next[id.index()],
                    view.matched[id.index()]
                )),
                _ => Cell::new("no leader", Tone::Warn),
            });
            row
        })
        .collect();
    let title = match lead {
        Some(l) => format!(
            "Logs · entry terms, [not yet known committed there] · leader {l}, term {}",
            world.node(l).term()
        ),
        None => "Logs · entry terms, [not yet known committed there] · no leader".into(),
    };
    table(&title, &["node", "log", "leader's next · match"], rows)
}

/// How many vote decisions the pane lists.
const VOTES_SHOWN: usize = 8;

fn votes_pane(world: &World<RaftNode>) -> Pane {
    let mut all: Vec<_> = node_ids(world)
        .flat_map(|id| world.node(id).votes().cloned().collect::<Vec<_>>())
        .collect();
    all.sort_by_key(|v| std::cmp::Reverse((v.at, v.term, v.voter)));
    let rows: Vec<Vec<Cell>> = all
        .iter()
        .take(VOTES_SHOWN)
        .map(|v| {
            let kind = if v.pre { "pre-vote" } else { "vote" };
            vec![
                Cell::plain(crate::sim::fmt_ms(v.at)),
                Cell::plain(format!("{kind} t{} {}→{}", v.term, v.candidate, v.voter)),
                if v.granted {
                    Cell::new("granted", Tone::Good)
                } else {
                    Cell::new("denied", Tone::Bad)
                },
                Cell::plain(v.reason.clone()),
            ]
        })
        .collect();
    let rows = if rows.is_empty() {
        vec![vec![
            Cell::new("—", Tone::Dim),
            Cell::new("no votes yet", Tone::Dim),
            Cell::new("", Tone::Dim),
            Cell::new(
                "a node asks for votes when its election timer runs out",
                Tone::Dim,
            ),
        ]]
    } else {
        rows
    };
    table(
        "Votes · newest first",
        &["at", "request", "answer", "why"],
        rows,
    )
}
