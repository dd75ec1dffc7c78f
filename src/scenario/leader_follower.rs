//! The `leader-follower` scenario: panes, verdicts and the mode knob.

use super::tables::{keys, node_cell, node_ids, table};
use super::{Cell, Inspect, Pane, Params, Run, Tone};
use crate::check::{self, Survivor, Verdict};
use crate::protocols::leader_follower::{LfConfig, LfNode, Replication, Role};
use std::collections::BTreeMap;

use crate::sim::{Invariant, Node, NodeId, TraceEvent, TraceKind, World, fmt_ms};

pub(super) fn build(p: &Params, nodes: usize) -> Result<Box<dyn Run>, String> {
    super::start::<LfNode>(
        "leader-follower",
        LfConfig::new(Replication::Async),
        p,
        nodes,
    )
}

/// The running leader of the newest epoch, if any.
pub(super) fn current_leader(world: &World<LfNode>) -> Option<NodeId> {
    node_ids(world)
        .filter(|&id| world.is_up(id) && world.node(id).is_leader())
        .max_by_key(|&id| world.node(id).epoch())
}

/// The copies that count for "acknowledged write lost": the current
/// leader's; during a failover, every node's (any could still be promoted).
fn survivors(world: &World<LfNode>) -> Vec<Survivor> {
    let copy = |id: NodeId, who: String| Survivor {
        who,
        values: world
            .node(id)
            .store()
            .iter()
            .map(|(k, (v, _))| (k.clone(), *v))
            .collect(),
        log: Some(
            world
                .node(id)
                .durable()
                .log
                .iter()
                .map(|e| (e.key.clone(), e.value))
                .collect(),
        ),
    };
    match current_leader(world) {
        Some(l) => vec![copy(
            l,
            format!("{l} (the leader of epoch {})", world.node(l).epoch()),
        )],
        None => node_ids(world)
            .map(|id| {
                copy(
                    id,
                    format!("{id} (no leader yet; any node may be promoted)"),
                )
            })
            .collect(),
    }
}

impl Inspect for LfNode {
    fn verdicts(world: &World<Self>) -> Vec<Verdict> {
        let h = world.history();
        vec![
            check::linearizability(h),
            check::stale_reads(h),
            check::lost_writes(h, &survivors(world)),
            check::availability(h),
        ]
    }

    fn panes(world: &World<Self>) -> Vec<Pane> {
        vec![replicas_pane(world)]
    }

    fn invariants() -> Vec<Box<dyn Invariant<Self>>> {
        vec![Box::new(OneLeaderPerEpoch::default())]
    }
}

/// At most one node ever leads a given epoch. Epochs exist to tell leaders
/// apart; two leaders in one epoch means followers cannot tell which log is
/// the truth (split brain). Cheap: it looks only at the node that noted a
/// change, and remembers one leader per epoch.
#[derive(Default)]
pub struct OneLeaderPerEpoch {
    leaders: BTreeMap<u64, NodeId>,
}

impl Invariant<LfNode> for OneLeaderPerEpoch {
    fn name(&self) -> &'static str {
        crate::check::ids::ONE_LEADER_PER_EPOCH
    }
    fn promise(&self) -> &'static str {
        "no two nodes have led the same epoch"
    }
    fn check(&mut self, world: &World<LfNode>, event: &TraceEvent) -> Option<String> {
        // A node's promotion is always noted in the trace, so its notes are
        // where a second leader first shows.
        if event.kind != TraceKind::State {
            return None;
        }
        let n = event.node?;
        let node = world.node(n);
        if !world.is_up(n) || !node.is_leader() {
            return None;
        }
        let epoch = node.epoch();
        match *self.leaders.entry(epoch).or_insert(n) {
            other if other != n => Some(format!(
                "{n} became leader of epoch {epoch} while {other} already led epoch {epoch}: two leaders in one epoch (split brain)"
            )),
            _ => None,
        }
    }
}

/// Per node: role and epoch, log end, lag behind the leader, each key.
fn replicas_pane(world: &World<LfNode>) -> Pane {
    let leader = current_leader(world);
    let keys = keys(world);
    let now = world.now();
    let reference = leader.map(|l| world.node(l));
    let rows = node_ids(world)
        .map(|id| {
            let n = world.node(id);
            let role = match n.role_state() {
                Role::Leader => format!("leader e{}", n.epoch()),
                Role::Follower { .. } => format!("follower e{}", n.epoch()),
                Role::Candidate { epoch, .. } => format!("candidate for e{epoch}"),
            };
            let mut row = vec![node_cell(world, id, Some(&role))];
            row.push(Cell::plain(format!("LSN {}", n.last_lsn())));
            row.push(match (reference, leader) {
                (_, Some(l)) if l == id => Cell::new("—", Tone::Dim),
                (Some(r), Some(_)) => {
                    // Compare the logs entry by entry: past the common
                    // prefix, the leader's entries are what this node
                    // lacks, and this node's are entries the leader never
                    // had (they will be discarded).
                    let (mine, theirs) = (&n.durable().log, &r.durable().log);
                    let common = mine.iter().zip(theirs).take_while(|(a, b)| a == b).count();
                    let behind = theirs.len() - common;
                    let ahead = mine.len() - common;
                    let heard = r
                        .matched()
                        .get(&id)
                        .map_or("never confirmed".to_string(), |(_, t)| {
                            format!("confirmed {} ago", fmt_ms(now - t))
                        });
                    if ahead > 0 {
                        let entries = if ahead == 1 { "entry" } else { "entries" };
                        let lacks = if behind > 0 {
                            format!("{behind} behind, ")
                        } else {
                            "ahead: ".to_string()
                        };
                        Cell::new(
                            format!("{lacks}{ahead} {entries} not in the leader's log · {heard}"),
                            Tone::Bad,
                        )
                    } else {
                        let tone = if behind == 0 { Tone::Good } else { Tone::Warn };
                        Cell::new(format!("{behind} behind · {heard}"), tone)
                    }
                }
                _ => Cell::new("no leader", Tone::Warn),
            });
            for key in &keys {
                let mine = n.store().get(key);
                let truth = reference.and_then(|r| r.store().get(key));
                let text = mine.map_or("unset".to_string(), |(v, lsn)| format!("{v} (LSN {lsn})"));
                let cell = if let (Some(r), true) = (reference, mine != truth) {
                    // Behind: what it holds is an older entry of the
                    // leader's log. Otherwise it holds a write the leader
                    // never had (discarded at a failover).
                    let in_leaders_log = mine.is_none_or(|&(_, lsn)| {
                        let at = |m: &LfNode| m.durable().log.get(lsn as usize - 1).cloned();
                        lsn > 0 && at(n).is_some() && at(n) == at(r)
                    });
                    if in_leaders_log {
                        Cell::new(format!("{text} (behind)"), Tone::Warn)
                    } else {
                        Cell::new(format!("{text} (not in the leader's log)"), Tone::Bad)
                    }
                } else if !world.is_up(id) {
                    Cell::new(text, Tone::Dim)
                } else {
                    Cell::plain(text)
                };
                row.push(cell);
            }
            row
        })
        .collect();
    let mut header: Vec<&str> = vec!["node", "log", "lag"];
    header.extend(keys.iter().map(String::as_str));
    let mode = world.node_config().mode.name();
    table(
        &format!("Replica state · {mode} replication"),
        &header,
        rows,
    )
}
