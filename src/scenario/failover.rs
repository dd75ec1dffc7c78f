//! The `failover-naive` and `failover-quorum` scenarios (block 7): a
//! split-brain verdict from the primaries' stints and the history, and two
//! invariants checked after every event — replicas apply writes in token
//! order, and at most one node holds a lease.

use std::collections::BTreeMap;

use super::tables::{keys, node_cell, node_ids, table};
use super::{Cell, Inspect, Pane, Params, Run, Tone};
use crate::check::{self, Status, Survivor, Verdict};
use crate::protocols::failover::{Election, FoConfig, FoNode, Role};
use crate::sim::{Invariant, Millis, NodeId, OpKind, TraceEvent, TraceKind, World, fmt_ms};

pub const SPLIT_BRAIN: &str = "split brain";
pub const TOKEN_ORDER: &str = "token order";
pub const ONE_LEASE: &str = "one lease";

pub(super) fn build_naive(p: &Params, nodes: usize) -> Result<Box<dyn Run>, String> {
    super::start::<FoNode>(
        "failover-naive",
        FoConfig::new(Election::Heartbeat),
        p,
        nodes,
    )
}

pub(super) fn build_quorum(p: &Params, nodes: usize) -> Result<Box<dyn Run>, String> {
    super::start::<FoNode>(
        "failover-quorum",
        FoConfig::new(Election::Majority),
        p,
        nodes,
    )
}

pub(super) fn build_big(p: &Params, nodes: usize) -> Result<Box<dyn Run>, String> {
    super::start::<FoNode>("big-partition", FoConfig::new(Election::Majority), p, nodes)
}

/// The running primary of the newest epoch, if any.
pub fn current_primary(world: &World<FoNode>) -> Option<NodeId> {
    node_ids(world)
        .filter(|&id| world.is_up(id) && world.node(id).is_primary())
        .max_by_key(|&id| world.node(id).epoch())
}

/// A node's wall clock now.
fn local(world: &World<FoNode>, id: NodeId) -> Millis {
    (world.now() as i64 + world.skew(id)).max(0) as Millis
}

/// How long until `until` on a node's monotonic clock (leases and
/// promises are measured on it), in true time at its drift.
fn left(world: &World<FoNode>, id: NodeId, until: Millis) -> Millis {
    let own = until.saturating_sub(world.monotonic(id));
    own * 100 / (100 + world.drift(id)) as u64
}

impl Inspect for FoNode {
    fn verdicts(world: &World<Self>) -> Vec<Verdict> {
        let h = world.history();
        let survivors: Vec<Survivor> = current_primary(world)
            .map(|p| Survivor {
                who: format!("{p} (the primary of epoch {})", world.node(p).epoch()),
                values: world.node(p).store().clone(),
                log: None,
            })
            .into_iter()
            .collect();
        vec![
            split_brain(world),
            check::lost_writes(h, &survivors),
            check::linearizability(h),
            check::availability(h),
        ]
    }

    fn panes(world: &World<Self>) -> Vec<Pane> {
        vec![nodes_pane(world), stints_pane(world)]
    }

    fn invariants() -> Vec<Box<dyn Invariant<Self>>> {
        vec![
            Box::new(TokenOrder::default()),
            Box::new(OneLease::default()),
        ]
    }
}

/// One acknowledged write, placed in the stint of the primary that
/// acknowledged it.
struct Acked<'a> {
    rec: &'a crate::sim::OpRecord,
    key: &'a str,
    value: crate::sim::Value,
}

/// Two primaries that both acknowledged writes while both were primary.
fn split_brain(world: &World<FoNode>) -> Verdict {
    let now = world.now();
    let stints: Vec<(NodeId, &crate::protocols::failover::Stint)> = node_ids(world)
        .flat_map(|id| world.node(id).stints().iter().map(move |s| (id, s)))
        .collect();
    // Acknowledged writes by the node that acknowledged them.
    let mut by_node: BTreeMap<NodeId, Vec<Acked>> = BTreeMap::new();
    for rec in world.history().ops() {
        if let (OpKind::Write { key, value }, true, Some(_)) =
            (&rec.kind, rec.is_ok(), rec.completed)
        {
            by_node.entry(rec.node).or_default().push(Acked {
                rec,
                key,
                value: *value,
            });
        }
    }
    let primary = current_primary(world);
    let mut details = Vec::new();
    let mut first: Option<String> = None;
    for (i, (a, sa)) in stints.iter().enumerate() {
        for (b, sb) in &stints[i + 1..] {
            if a == b {
                continue;
            }
            let from = sa.from.max(sb.from);
            let to = sa.to.unwrap_or(now).min(sb.to.unwrap_or(now));
            if from > to {
                continue;
            }
            let within = |n: NodeId| -> Vec<&Acked> {
                by_node
                    .get(&n)
                    .map(|v| {
                        v.iter()
                            .filter(|w| w.rec.completed.is_some_and(|t| (from..=to).contains(&t)))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let (wa, wb) = (within(*a), within(*b));
            if wa.is_empty() || wb.is_empty() {
                continue;
            }
            let open = sa.to.is_none() && sb.to.is_none() && world.is_up(*a) && world.is_up(*b);
            let until = if open {
                "and still do".to_string()
            } else {
                format!("and {}", fmt_ms(to))
            };
            let text = format!(
                "two primaries accepted writes between {} {until}: {a} (epoch {}) and {b} (epoch {})",
                fmt_ms(from),
                sa.epoch,
                sb.epoch
            );
            first.get_or_insert(text.clone());
            details.push(text);
            for (n, ws) in [(a, wa), (b, wb)] {
                for w in ws {
                    let fate = match primary.map(|p| (p, world.node(p).store().get(w.key))) {
                        Some((p, Some(&v))) if v == w.value => {
                            format!("{p}, the primary now, holds it")
                        }
                        Some((p, Some(v))) => {
                            format!("gone: {p}, the primary now, holds {}={v}", w.key)
                        }
                        Some((p, None)) => {
                            format!("gone: {p}, the primary now, holds no {}", w.key)
                        }
                        None => "no primary now".to_string(),
                    };
                    details.push(format!(
                        "  via {n}: {}={} (op {}) acknowledged at {}; {fate}",
                        w.key,
                        w.value,
                        w.rec.id.0,
                        fmt_ms(w.rec.completed.unwrap_or(0))
                    ));
                }
            }
        }
    }
    match first {
        Some(summary) => Verdict::new(
            SPLIT_BRAIN,
            Status::Fail,
            format!(
                "{summary}; both sides' clients were told ok, and when the two meet the older epoch takes the newer one's copy (each write's fate below)"
            ),
        )
        .with_headline(summary)
        .with_details(details),
        None => Verdict::new(
            SPLIT_BRAIN,
            Status::Pass,
            "at most one primary accepted writes at any time",
        ),
    }
}

/// Each replica applies writes in token (epoch) order: a write from an
/// older epoch after one from a newer means a replaced primary still wrote.
#[derive(Default)]
pub struct TokenOrder {
    /// Per node: how many writes it had applied, and the newest token.
    seen: BTreeMap<NodeId, (u64, u64, NodeId)>,
}

impl Invariant<FoNode> for TokenOrder {
    fn name(&self) -> &'static str {
        TOKEN_ORDER
    }
    fn promise(&self) -> &'static str {
        "no replica applies a write from an older epoch after one from a newer epoch"
    }
    fn check(&mut self, world: &World<FoNode>, event: &TraceEvent) -> Option<String> {
        if event.kind != TraceKind::State {
            return None;
        }
        let n = event.node?;
        let a = world.node(n).last_applied()?;
        let (count, newest, by) = self.seen.get(&n).copied().unwrap_or((0, 0, a.from));
        if a.count == count {
            return None;
        }
        if a.token < newest {
            return Some(format!(
                "{n} applied {}={} from {} with token {} after a write from {by} with token {newest}: {} had been replaced but did not know it (a pause, a partition or a slow clock) and wrote anyway; fencing=on makes replicas refuse the old token",
                a.key, a.value, a.from, a.token, a.from
            ));
        }
        self.seen.insert(n, (a.count, a.token, a.from));
        None
    }
}

/// At most one node holds a valid lease, each judged by its own clock.
/// A lease is taken or renewed only in its holder's own handler, and
/// otherwise only runs out, so the holders are tracked from the event's
/// node alone: the cost does not grow with the cluster.
#[derive(Default)]
pub struct OneLease {
    holders: BTreeMap<NodeId, Millis>,
}

impl Invariant<FoNode> for OneLease {
    fn name(&self) -> &'static str {
        ONE_LEASE
    }
    fn promise(&self) -> &'static str {
        "at most one node believes it holds a valid lease at any moment"
    }
    fn check(&mut self, world: &World<FoNode>, event: &TraceEvent) -> Option<String> {
        if let Some(n) = event.node {
            match world.node(n).lease_until() {
                Some(until) if world.is_up(n) => self.holders.insert(n, until),
                _ => self.holders.remove(&n),
            };
        }
        self.holders.retain(|&id, until| {
            world.is_up(id)
                && world.node(id).lease_until() == Some(*until)
                && world.monotonic(id) < *until
        });
        let mut it = self.holders.iter();
        let (Some((&a, &ua)), Some((&b, &ub))) = (it.next(), it.next()) else {
            return None;
        };
        let clock = |id: NodeId, until: Millis| {
            let own = until.saturating_sub(world.monotonic(id));
            match world.drift(id) {
                0 => format!("{} more by its clock", fmt_ms(own)),
                d => format!(
                    "{} more by its clock, which runs {}% {}: {} of true time",
                    fmt_ms(own),
                    d.abs(),
                    if d < 0 { "slow" } else { "fast" },
                    fmt_ms(left(world, id, until))
                ),
            }
        };
        Some(format!(
            "{a} (epoch {}) believes its lease lasts {}, and {b} (epoch {}) holds one for {}: two leaseholders at {}. A lease is only as safe as the bound on clock drift: the margin here is {}",
            world.node(a).epoch(),
            clock(a, ua),
            world.node(b).epoch(),
            clock(b, ub),
            fmt_ms(world.now()),
            fmt_ms(world.node_config().margin)
        ))
    }
}

/// Per node: role, epoch, lease or last heard, copy version, each key.
fn nodes_pane(world: &World<FoNode>) -> Pane {
    let keys = keys(world);
    let cfg = world.node_config();
    let primary = current_primary(world);
    let shown = shown_nodes(world);
    let hidden = world.cluster_size() - shown.len();
    let mut rows: Vec<Vec<Cell>> = shown
        .into_iter()
        .map(|id| {
            let n = world.node(id);
            let role = match n.role_state() {
                Role::Primary => format!("primary e{}", n.epoch()),
                Role::Standby { .. } => format!("standby e{}", n.epoch()),
                Role::Candidate { epoch, votes, pre } => format!(
                    "candidate e{epoch} ({} {})",
                    votes.len(),
                    if *pre { "would vote" } else { "votes" }
                ),
            };
            let mut row = vec![node_cell(world, id, Some(&role))];
            let mono = world.monotonic(id);
            row.push(match (n.role_state(), cfg.election) {
                (_, Election::Heartbeat) => Cell::new("—", Tone::Dim),
                (Role::Primary, _) => match n.lease_until() {
                    Some(t) if mono < t => {
                        Cell::new(format!("{} left", fmt_ms(t - mono)), Tone::Good)
                    }
                    Some(_) => Cell::new("ran out", Tone::Bad),
                    None => Cell::new("none yet", Tone::Warn),
                },
                _ => match n.heard() {
                    Some(h) if mono < h + cfg.lease => Cell::new(
                        format!("promised {} more", fmt_ms(h + cfg.lease - mono)),
                        Tone::Normal,
                    ),
                    _ => Cell::new("free to vote", Tone::Warn),
                },
            });
            row.push(Cell::plain(fmt_ms(local(world, id))));
            let version = n.version();
            row.push(match primary.map(|p| world.node(p).version()) {
                Some(v) if v == version => Cell::new(version.to_string(), Tone::Good),
                Some(_) => Cell::new(version.to_string(), Tone::Warn),
                None => Cell::plain(version.to_string()),
            });
            for key in &keys {
                let mine = n.store().get(key);
                let truth = primary.and_then(|p| world.node(p).store().get(key));
                let text = mine.map_or("unset".to_string(), |v| v.to_string());
                row.push(if primary.is_some() && mine != truth {
                    Cell::new(text, Tone::Bad)
                } else if !world.is_up(id) {
                    Cell::new(text, Tone::Dim)
                } else {
                    Cell::plain(text)
                });
            }
            row
        })
        .collect();
    if hidden > 0 {
        rows.push(vec![Cell::new(
            format!("… {hidden} more standbys, each like the others on its side"),
            Tone::Dim,
        )]);
    }
    let mut header: Vec<&str> = vec!["node", "lease", "its clock", "copy"];
    header.extend(keys.iter().map(String::as_str));
    let fencing = if cfg.fencing {
        "fencing on"
    } else {
        "fencing off"
    };
    table(
        &format!("Failover · {} · {fencing}", cfg.election.name()),
        &header,
        rows,
    )
}

/// The rows worth a line: every node of a small cluster; in a big one the
/// primaries, candidates, nodes that are down or paused, and the first
/// standby of each side (the rest are summed up).
fn shown_nodes(world: &World<FoNode>) -> Vec<NodeId> {
    if world.cluster_size() <= 24 {
        return node_ids(world).collect();
    }
    let mut sides_seen = std::collections::BTreeSet::new();
    node_ids(world)
        .filter(|&id| {
            let n = world.node(id);
            let odd = !world.is_up(id)
                || world.paused_until(id).is_some()
                || !matches!(n.role_state(), Role::Standby { .. });
            let first = sides_seen.insert(world.network().side(id));
            odd || first
        })
        .take(40)
        .collect()
}

/// Every stint as primary, oldest first, with what it acknowledged.
fn stints_pane(world: &World<FoNode>) -> Pane {
    let mut all: Vec<(NodeId, &crate::protocols::failover::Stint)> = node_ids(world)
        .flat_map(|id| world.node(id).stints().iter().map(move |s| (id, s)))
        .collect();
    all.sort_by_key(|(id, s)| (s.from, *id));
    let now = world.now();
    // Acknowledgement times per node, sorted: one pass over the history.
    let mut acks: BTreeMap<NodeId, Vec<Millis>> = BTreeMap::new();
    for r in world.history().ops() {
        if let (OpKind::Write { .. }, true, Some(t)) = (&r.kind, r.is_ok(), r.completed) {
            acks.entry(r.node).or_default().push(t);
        }
    }
    for v in acks.values_mut() {
        v.sort_unstable();
    }
    let rows = all
        .iter()
        .map(|(id, s)| {
            let times = acks.get(id).map_or(&[][..], Vec::as_slice);
            let end = s.to.unwrap_or(now);
            let acked =
                times.partition_point(|&t| t <= end) - times.partition_point(|&t| t < s.from);
            // Another stint at the same time, and whether both sides
            // acknowledged writes while it lasted.
            let count = |n: NodeId, from: Millis, to: Millis| {
                let t = acks.get(&n).map_or(&[][..], Vec::as_slice);
                t.partition_point(|&x| x <= to) - t.partition_point(|&x| x < from)
            };
            let mut overlap = Cell::new("alone", Tone::Good);
            for (o, t) in all.iter().filter(|(o, _)| o != id) {
                let (from, to) = (s.from.max(t.from), end.min(t.to.unwrap_or(now)));
                if from > to {
                    continue;
                }
                if count(*id, from, to) > 0 && count(*o, from, to) > 0 {
                    overlap = Cell::new(format!("both it and {o} acked writes"), Tone::Bad);
                    break;
                }
                overlap = Cell::new(format!("{o} was primary too"), Tone::Warn);
            }
            vec![
                Cell::plain(id.to_string()),
                Cell::plain(format!("e{}", s.epoch)),
                Cell::plain(fmt_ms(s.from)),
                match s.to {
                    Some(t) => Cell::plain(fmt_ms(t)),
                    None => Cell::new("now", Tone::Good),
                },
                Cell::plain(acked.to_string()),
                overlap,
            ]
        })
        .collect();
    table(
        "Primaries over time",
        &["node", "epoch", "from", "to", "writes acked", ""],
        rows,
    )
}
