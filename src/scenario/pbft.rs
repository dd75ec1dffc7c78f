//! The `pbft` scenario: the Replicas, Sequence-numbers and Client panes,
//! the liveness finding in words, and agreement among the honest replicas
//! checked after every event.

use std::collections::BTreeMap;

use super::tables::{node_cell, node_ids, table};
use super::{Cell, Inspect, Pane, Params, Run, Tone};
use crate::check::{self, Status, Verdict};
use crate::protocols::pbft::{PbftConfig, PbftNode, Req};
use crate::sim::{Invariant, Node, NodeId, OpOutcome, TraceEvent, TraceKind, World, WorldConfig};

pub const AGREEMENT: &str = "agreement";
pub const IN_ORDER: &str = "execution in order";
pub const LIVENESS: &str = "liveness";

/// A client gives up after this long: a view change or two fit in it.
const CLIENT_TIMEOUT: u64 = 4_000;

pub(super) fn build(p: &Params, nodes: usize) -> Result<Box<dyn Run>, String> {
    let mut world = WorldConfig::new(p.seed, nodes);
    world.client_timeout = CLIENT_TIMEOUT;
    super::start_in::<PbftNode>("pbft", PbftConfig::default(), p, world)
}

impl Inspect for PbftNode {
    fn verdicts(world: &World<Self>) -> Vec<Verdict> {
        let h = world.history();
        vec![
            liveness(world),
            check::linearizability(h),
            check::availability(h),
        ]
    }

    fn panes(world: &World<Self>) -> Vec<Pane> {
        vec![replicas_pane(world), slots_pane(world), client_pane(world)]
    }

    fn invariants() -> Vec<Box<dyn Invariant<Self>>> {
        vec![Box::new(Agreement::default()), Box::new(InOrder::default())]
    }
}

fn f_of(n: usize) -> usize {
    (n - 1) / 3
}

fn names(ids: &[NodeId]) -> String {
    let v: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    v.join(", ")
}

/// The replicas that were ever byzantine.
pub fn traitors(world: &World<PbftNode>) -> Vec<NodeId> {
    node_ids(world)
        .filter(|&id| world.node(id).ever_byzantine())
        .collect()
}

/// The node an event ran a handler of, if it is up.
fn changed(world: &World<PbftNode>, event: &TraceEvent) -> Option<NodeId> {
    let n = event.node?;
    (world.is_up(n) && event.kind != TraceKind::Crash).then_some(n)
}

/// No two honest replicas execute different requests at one sequence
/// number. Each check reads only the new executions of the node the event
/// ran on, against one record per sequence number.
#[derive(Default)]
struct Agreement {
    seen: BTreeMap<NodeId, usize>,
    by_seq: BTreeMap<u64, (NodeId, Req)>,
}

impl Invariant<PbftNode> for Agreement {
    fn name(&self) -> &'static str {
        AGREEMENT
    }
    fn promise(&self) -> &'static str {
        "no two honest replicas executed different requests at the same sequence number"
    }
    fn check(&mut self, world: &World<PbftNode>, event: &TraceEvent) -> Option<String> {
        let id = changed(world, event)?;
        let node = world.node(id);
        let done = node.executions();
        let seen = self.seen.entry(id).or_insert(0);
        let new = &done[(*seen).min(done.len())..];
        *seen = done.len();
        if node.ever_byzantine() {
            return None;
        }
        for e in new {
            match self.by_seq.get(&e.seq) {
                None => {
                    self.by_seq.insert(e.seq, (id, e.req.clone()));
                }
                Some((other, req)) if *req != e.req && !world.node(*other).ever_byzantine() => {
                    let n = world.cluster_size();
                    let f = f_of(n);
                    let t = traitors(world);
                    let why = if t.len() > f {
                        format!(
                            ": {} replicas were byzantine ({}), more than f = {f}, so two quorums of 2f + 1 = {} can overlap in byzantine replicas only",
                            t.len(),
                            names(&t),
                            2 * f + 1
                        )
                    } else {
                        format!(
                            " although at most f = {f} replicas were byzantine: a bug in the protocol"
                        )
                    };
                    return Some(format!(
                        "{other} executed s{} = {req} but {id} executed s{} = {}: two honest replicas disagree{why}",
                        e.seq, e.seq, e.req
                    ));
                }
                Some(_) => {}
            }
        }
        None
    }
}

/// An honest replica executes sequence numbers in order, each once (a
/// state transfer may skip ahead, never back).
#[derive(Default)]
struct InOrder {
    seen: BTreeMap<NodeId, (usize, u64)>,
}

impl Invariant<PbftNode> for InOrder {
    fn name(&self) -> &'static str {
        IN_ORDER
    }
    fn promise(&self) -> &'static str {
        "every honest replica executed sequence numbers in increasing order, each once"
    }
    fn check(&mut self, world: &World<PbftNode>, event: &TraceEvent) -> Option<String> {
        let id = changed(world, event)?;
        let node = world.node(id);
        let done = node.executions();
        let (count, last) = self.seen.entry(id).or_insert((0, 0));
        for e in &done[(*count).min(done.len())..] {
            if e.seq <= *last && !node.ever_byzantine() {
                return Some(format!(
                    "{id} executed s{} after s{last}: out of order",
                    e.seq
                ));
            }
            *last = e.seq;
        }
        *count = done.len();
        None
    }
}

/// The largest set of honest, running replicas on one side of the network
/// that are not cut off.
fn reachable_honest(world: &World<PbftNode>) -> Vec<NodeId> {
    let mut sides: BTreeMap<u8, Vec<NodeId>> = BTreeMap::new();
    for id in node_ids(world) {
        if world.is_up(id)
            && !world.node(id).behaviour().byzantine()
            && !world.network().is_isolated(id)
        {
            sides
                .entry(world.network().side(id).0)
                .or_default()
                .push(id);
        }
    }
    sides
        .into_values()
        .max_by_key(|g| (g.len(), std::cmp::Reverse(g[0])))
        .unwrap_or_default()
}

/// Requests that no honest replica has executed for three view-change
/// timeouts, with the reason in words.
fn liveness(world: &World<PbftNode>) -> Verdict {
    let n = world.cluster_size();
    let f = f_of(n);
    let q = 2 * f + 1;
    let wait = 3 * world.node_config().timeout;
    let now = world.now();
    let honest: Vec<NodeId> = node_ids(world)
        .filter(|&id| !world.node(id).ever_byzantine())
        .collect();
    let stalled: Vec<&crate::sim::OpRecord> = world
        .history()
        .ops()
        .iter()
        .filter(|o| !o.is_ok() && o.invoked + wait <= now)
        .filter(|o| {
            !honest
                .iter()
                .any(|&h| world.node(h).disk().state.done.contains(&o.id))
        })
        .collect();
    let Some(first) = stalled.first() else {
        return Verdict::new(
            LIVENESS,
            Status::Pass,
            format!(
                "no request has waited more than {} (three view-change timeouts) without an honest replica executing it",
                crate::sim::fmt_ms(wait)
            ),
        )
        .with_headline("no request stalled");
    };
    let group = reachable_honest(world);
    let byz: Vec<NodeId> = node_ids(world)
        .filter(|&id| world.node(id).behaviour().byzantine())
        .collect();
    let reason = if group.len() < q {
        let mut r = format!(
            "only {} honest replica{} can reach each other ({}); a quorum needs 2f + 1 = {q}",
            group.len(),
            if group.len() == 1 { "" } else { "s" },
            if group.is_empty() {
                "none".into()
            } else {
                names(&group)
            }
        );
        if !byz.is_empty() {
            r.push_str(&format!(
                ", and byzantine {} cannot be counted on{}",
                names(&byz),
                if byz.len() > f {
                    format!(" ({} of them, more than f = {f})", byz.len())
                } else {
                    String::new()
                }
            ));
        }
        r
    } else if group.iter().any(|&id| !world.node(id).active()) {
        let v = group
            .iter()
            .map(|&id| world.node(id).view())
            .max()
            .unwrap_or(0);
        format!(
            "the honest replicas are changing views (up to view {v}): each view change that finds no working primary doubles the timeout"
        )
    } else {
        "the honest replicas can form a quorum but have not ordered it yet: a view change will replace a primary that does not propose it".into()
    };
    let ids: Vec<String> = stalled
        .iter()
        .take(4)
        .map(|o| format!("op {}", o.id.0))
        .collect();
    Verdict::new(
        LIVENESS,
        Status::Fail,
        format!(
            "{} request{} stalled (the oldest, op {}, since {}): {reason}",
            stalled.len(),
            if stalled.len() == 1 { "" } else { "s" },
            first.id.0,
            crate::sim::fmt_ms(first.invoked)
        ),
    )
    .with_headline(format!(
        "{} stalled: {}",
        if stalled.len() == 1 {
            "1 request".to_string()
        } else {
            format!("{} requests", stalled.len())
        },
        reason
            .split(';')
            .next()
            .unwrap_or("")
            .split(':')
            .next()
            .unwrap_or("")
    ))
    .with_details(vec![format!("stalled: {}", ids.join(", "))])
    .with_events(stalled.iter().take(4).map(|o| o.call).collect())
}

fn replicas_pane(world: &World<PbftNode>) -> Pane {
    let n = world.cluster_size();
    let f = f_of(n);
    let now = world.now();
    let window = world.node_config().window();
    let rows = node_ids(world)
        .map(|id| {
            let r = world.node(id);
            let up = world.is_up(id);
            let tone = |t: Tone| if up { t } else { Tone::Dim };
            let b = r.behaviour();
            vec![
                node_cell(world, id, up.then(|| r.role()).as_deref()),
                Cell::new(
                    if r.active() {
                        format!("v{}", r.view())
                    } else {
                        format!("→v{}", r.view())
                    },
                    tone(if r.active() { Tone::Normal } else { Tone::Warn }),
                ),
                if b.byzantine() {
                    Cell::new(format!("BYZ {}", b.name()), tone(Tone::Bad))
                } else if r.ever_byzantine() {
                    Cell::new("honest (was BYZ)", tone(Tone::Warn))
                } else {
                    Cell::new("honest", tone(Tone::Normal))
                },
                match r.timer_due() {
                    Some(due) if up => {
                        let left = due.saturating_sub(now);
                        Cell::new(
                            format!("{left} ms"),
                            if left < 150 { Tone::Warn } else { Tone::Normal },
                        )
                    }
                    _ => Cell::new("—", Tone::Dim),
                },
                Cell::new(
                    format!(
                        "s{} · s{}–s{}",
                        r.stable(),
                        r.stable() + 1,
                        r.stable() + window
                    ),
                    tone(Tone::Normal),
                ),
                Cell::new(
                    if r.pending().is_empty() {
                        format!("s{}", r.executed())
                    } else {
                        format!("s{} · {} waiting", r.executed(), r.pending().len())
                    },
                    tone(Tone::Normal),
                ),
            ]
        })
        .collect();
    table(
        &format!(
            "Replicas · n = {n} tolerates f = {f} byzantine · primary of view v is replica v mod {n} + 1"
        ),
        &[
            "replica",
            "view",
            "behaviour",
            "vc timer",
            "stable · window",
            "executed",
        ],
        rows,
    )
}

/// How many sequence numbers the slots pane shows.
const SLOTS_SHOWN: u64 = 3;

fn slots_pane(world: &World<PbftNode>) -> Pane {
    let f = f_of(world.cluster_size());
    let newest = node_ids(world)
        .filter_map(|id| {
            let r = world.node(id);
            r.slots()
                .iter()
                .rev()
                .find(|(_, s)| !s.pre.is_empty())
                .map(|(k, _)| *k)
                .or(Some(r.executed()))
        })
        .max()
        .unwrap_or(0);
    let first = newest.saturating_sub(SLOTS_SHOWN - 1).max(1);
    let seqs: Vec<u64> = (first..=newest.max(first)).collect();
    // What each replica holds at each sequence number, to mark disagreement.
    let held = |id: NodeId, seq: u64| -> Option<Req> {
        let r = world.node(id);
        if seq <= r.executed() {
            return r
                .executions()
                .iter()
                .rev()
                .find(|e| e.seq == seq)
                .map(|e| e.req.clone());
        }
        r.slots().get(&seq)?.pre.get(&r.view()).cloned()
    };
    let rows = node_ids(world)
        .map(|id| {
            let r = world.node(id);
            let mut row = vec![node_cell(world, id, None)];
            for &seq in &seqs {
                let mine = held(id, seq);
                let differs = mine.as_ref().is_some_and(|m| {
                    node_ids(world).any(|o| {
                        o != id
                            && !world.node(o).behaviour().byzantine()
                            && held(o, seq).is_some_and(|x| x != *m)
                    })
                });
                let mark = if differs { " ≠" } else { "" };
                let cell = if seq <= r.executed() {
                    match mine {
                        Some(req) => Cell::new(
                            format!("{} executed{mark}", req.short()),
                            if differs { Tone::Bad } else { Tone::Good },
                        ),
                        None => Cell::new("from checkpoint", Tone::Dim),
                    }
                } else if let Some(req) = mine {
                    let view = r.view();
                    let slot = &r.slots()[&seq];
                    let p = slot.prepares_for(view, &req);
                    let c = slot.commits_for(view, &req);
                    let prepared = slot.prepared.as_ref().is_some_and(|x| x.view == view);
                    Cell::new(
                        format!(
                            "{} P{p}/{}{} C{c}/{}{mark}",
                            req.short(),
                            2 * f,
                            if prepared { "✓" } else { "" },
                            2 * f + 1
                        ),
                        if differs {
                            Tone::Bad
                        } else if prepared {
                            Tone::Warn
                        } else {
                            Tone::Normal
                        },
                    )
                } else {
                    Cell::new("—", Tone::Dim)
                };
                row.push(if world.is_up(id) {
                    cell
                } else {
                    Cell::new(cell.text, Tone::Dim)
                });
            }
            row
        })
        .collect();
    let mut header = vec!["replica".to_string()];
    header.extend(seqs.iter().map(|s| format!("s{s}")));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    table(
        &format!(
            "Sequence numbers · prepared: pre-prepare + 2f = {} prepares (P✓) · committed: 2f + 1 = {} commits (C) · ≠ honest replicas differ",
            2 * f,
            2 * f + 1
        ),
        &header,
        rows,
    )
}

/// How many client operations the client pane lists.
const OPS_SHOWN: usize = 4;

fn client_pane(world: &World<PbftNode>) -> Pane {
    let need = f_of(world.cluster_size()) + 1;
    let ops = world.history().ops();
    let rows: Vec<Vec<Cell>> = ops
        .iter()
        .rev()
        .take(OPS_SHOWN)
        .map(|o| {
            let answers: Vec<String> = world
                .answers(o.id)
                .iter()
                .map(|a| match &a.outcome {
                    OpOutcome::Ok { value: Some(v) } => format!("{} {v}", a.node),
                    OpOutcome::Ok { value: None } => format!("{} ok", a.node),
                    _ => format!("{} ✗", a.node),
                })
                .collect();
            let (result, tone) = match &o.outcome {
                OpOutcome::Ok { value: Some(v) } => (format!("accepted {v}"), Tone::Good),
                OpOutcome::Ok { value: None } => ("accepted".to_string(), Tone::Good),
                OpOutcome::Pending => ("waiting".to_string(), Tone::Warn),
                OpOutcome::TimedOut { .. } => ("timed out".to_string(), Tone::Bad),
                OpOutcome::Failed { .. } => ("failed".to_string(), Tone::Bad),
            };
            vec![
                Cell::plain(format!("op {}", o.id.0)),
                Cell::plain(o.kind.describe()),
                Cell::plain(if answers.is_empty() {
                    "—".to_string()
                } else {
                    answers.join(", ")
                }),
                Cell::new(result, tone),
            ]
        })
        .collect();
    let rows = if rows.is_empty() {
        vec![vec![
            Cell::new("—", Tone::Dim),
            Cell::new("no requests yet", Tone::Dim),
            Cell::new("w writes, r reads", Tone::Dim),
            Cell::new("", Tone::Dim),
        ]]
    } else {
        rows
    };
    table(
        &format!("Client · accepts a result once f + 1 = {need} replicas give the same one"),
        &["op", "request", "answers", "result"],
        rows,
    )
}
