//! Small helpers the block 2–3 scenarios share to build their panes.

use super::{Cell, Pane, Tone};
use crate::sim::{Node, NodeId, World};

/// Every node id of the world, in order.
pub(super) fn node_ids<N: Node>(world: &World<N>) -> impl Iterator<Item = NodeId> + use<N> {
    (0..world.cluster_size()).map(NodeId::from_index)
}

/// The keys any node holds, sorted, plus the keys clients used.
pub(super) fn keys<N: Node>(world: &World<N>) -> Vec<String> {
    let mut keys: std::collections::BTreeSet<String> = world
        .history()
        .ops()
        .iter()
        .map(|o| o.kind.key().to_string())
        .collect();
    for id in node_ids(world) {
        keys.extend(
            world
                .node(id)
                .state(world.node_config())
                .into_iter()
                .map(|(k, _)| k),
        );
    }
    keys.into_iter().collect()
}

pub(super) fn table(title: &str, header: &[&str], rows: Vec<Vec<Cell>>) -> Pane {
    Pane::Table {
        title: title.into(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// The first cell of a node's row: `n2 (leader)`, dimmed with "down" when crashed.
pub(super) fn node_cell<N: Node>(world: &World<N>, id: NodeId, role: Option<&str>) -> Cell {
    if !world.is_up(id) {
        return Cell::new(format!("{id} (down)"), Tone::Dim);
    }
    match role {
        Some(r) => Cell::plain(format!("{id} ({r})")),
        None => Cell::plain(id.to_string()),
    }
}

/// True when the network is whole and loses nothing, and no fault, restart
/// or client request happened in the last `window` ms (and the run is at
/// least that old): replicas that still disagree then are a finding, not a
/// moment.
pub(super) fn quiet_for<N: Node>(world: &World<N>, window: crate::sim::Millis) -> bool {
    use crate::sim::TraceKind;
    let now = world.now();
    !world.network().is_partitioned()
        && !world.network().is_lossy()
        && now >= window
        && world
            .trace()
            .events()
            .rev()
            .take_while(|e| e.time + window > now)
            .all(|e| {
                !matches!(
                    e.kind,
                    TraceKind::Fault | TraceKind::Restart | TraceKind::ClientInvoke
                )
            })
}
