//! The `session` scenario: the client's token, replica lag, and the
//! session-guarantee verdicts.

use super::tables::{keys, node_cell, node_ids, table};
use super::{Cell, Inspect, Pane, Params, Run, Tone};
use crate::check::{self, Sessions, Verdict};
use crate::protocols::session::{PRIMARY, SessionConfig, SessionNode};
use crate::sim::World;

pub(super) fn build(p: &Params, nodes: usize) -> Result<Box<dyn Run>, String> {
    super::start::<SessionNode>("session", SessionConfig::new(false), p, nodes)
}

impl Inspect for SessionNode {
    fn verdicts(world: &World<Self>) -> Vec<Verdict> {
        let h = world.history();
        vec![
            check::read_your_writes(h, Sessions::OneClient),
            check::monotonic_reads(h, Sessions::OneClient),
            check::linearizability(h),
            check::availability(h),
        ]
    }

    fn panes(world: &World<Self>) -> Vec<Pane> {
        vec![session_pane(world), replicas_pane(world)]
    }
}

/// What the client carries and what the nodes promise.
fn session_pane(world: &World<SessionNode>) -> Pane {
    let cfg = world.node_config();
    let token = world.session();
    let g = |on: bool| {
        if on {
            Cell::new("on", Tone::Good)
        } else {
            Cell::new("off", Tone::Warn)
        }
    };
    let rows = vec![
        vec![
            Cell::plain("read your writes"),
            g(cfg.ryw),
            Cell::plain(format!(
                "w = {}: LSN of the client's latest acknowledged write",
                token.get("w")
            )),
        ],
        vec![
            Cell::plain("monotonic reads"),
            g(cfg.mr),
            Cell::plain(format!(
                "r = {}: newest log position the client has read from",
                token.get("r")
            )),
        ],
    ];
    table(
        "Session · the client's token",
        &["guarantee", "state", "token"],
        rows,
    )
}

fn replicas_pane(world: &World<SessionNode>) -> Pane {
    let keys = keys(world);
    let primary = world.node(PRIMARY);
    let token = world.session();
    let need = token.get("w").max(token.get("r"));
    let rows = node_ids(world)
        .map(|id| {
            let n = world.node(id);
            let role = if id == PRIMARY { "primary" } else { "follower" };
            let mut row = vec![node_cell(world, id, Some(role))];
            let behind = primary.applied().saturating_sub(n.applied());
            let tone = if n.applied() < need {
                Tone::Bad
            } else if behind > 0 {
                Tone::Warn
            } else {
                Tone::Good
            };
            let mark = if n.applied() < need {
                " (behind the session)"
            } else {
                ""
            };
            row.push(Cell::new(
                format!("LSN {} · {behind} behind{mark}", n.applied()),
                tone,
            ));
            for key in &keys {
                let mine = n.store().get(key);
                let text = mine.map_or("unset".to_string(), |(v, lsn)| format!("{v} (LSN {lsn})"));
                row.push(if mine != primary.store().get(key) {
                    Cell::new(format!("{text} (stale)"), Tone::Bad)
                } else {
                    Cell::plain(text)
                });
            }
            row
        })
        .collect();
    let mut header: Vec<&str> = vec!["node", "applied"];
    header.extend(keys.iter().map(String::as_str));
    table("Replica state · shipped every 0.5s", &header, rows)
}
