//! The kernel at scale and its random streams: a 1000-node cluster runs, each
//! node's dice are its own, and the history orders operations by event, not
//! by millisecond.

use std::fmt;

use statedist::check::{self, Status};
use statedist::protocols::cap::{CapConfig, CapNode, Mode};
use statedist::protocols::register::{self, RegisterOp};
use statedist::protocols::register::{read, write};
use statedist::sim::{
    Arg, ClientOp, Cx, Millis, Node, NodeId, OpKind, OpOutcome, OpSpec, TraceKind, World,
    WorldConfig,
};

/// A test protocol: every node pings a random peer after a random pause,
/// forever. Receivers only count pings, so what one node does never depends
/// on another node's choices.
#[derive(Clone)]
struct Pinger {
    pings_seen: u64,
    durable: (),
}

#[derive(Clone, Debug, Default)]
struct PingConfig {
    /// This node draws one extra number at start and discards it.
    extra_draw: Option<NodeId>,
}

#[derive(Clone, Debug)]
struct Ping;
impl fmt::Display for Ping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ping")
    }
}

#[derive(Clone, Debug)]
struct Tick;
impl fmt::Display for Tick {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tick")
    }
}

impl Pinger {
    fn arm(cx: &mut Cx<'_, Self>) {
        let pause = cx.random_range(50, 150);
        cx.set_timer(pause, Tick);
    }
}

impl Node for Pinger {
    type Msg = Ping;
    type Timer = Tick;
    type Durable = ();
    type Config = PingConfig;
    type Op = RegisterOp;

    fn operations() -> &'static [OpSpec] {
        register::OPS
    }
    fn operation(verb: &str, args: &[Arg]) -> Result<RegisterOp, String> {
        register::operation(verb, args)
    }
    fn model(op: &RegisterOp) -> OpKind {
        op.model()
    }

    fn new(_id: NodeId, _cluster_size: usize, _config: &PingConfig) -> Self {
        Pinger {
            pings_seen: 0,
            durable: (),
        }
    }
    fn durable(&self) -> &() {
        &self.durable
    }
    fn recover(id: NodeId, n: usize, config: &PingConfig, _durable: ()) -> Self {
        Self::new(id, n, config)
    }
    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        if cx.config().extra_draw == Some(cx.id()) {
            cx.random_range(0, 1000);
        }
        Self::arm(cx);
    }
    fn on_message(&mut self, _from: NodeId, _msg: Ping, _cx: &mut Cx<'_, Self>) {
        self.pings_seen += 1;
    }
    fn on_timer(&mut self, _timer: Tick, cx: &mut Cx<'_, Self>) {
        let n = cx.cluster_size() as u64;
        let me = cx.id().index() as u64;
        // Any peer but this node.
        let k = (me + cx.random_range(1, n - 1)) % n;
        cx.send(NodeId::from_index(k as usize), Ping);
        Self::arm(cx);
    }
    fn on_client(&mut self, op: ClientOp<RegisterOp>, cx: &mut Cx<'_, Self>) {
        cx.complete(op.id, OpOutcome::Ok { value: None }, "");
    }
    fn role(&self) -> String {
        "pinger".into()
    }
    fn state(&self, _config: &Self::Config) -> Vec<(String, String)> {
        vec![("pings".into(), self.pings_seen.to_string())]
    }
}

fn pingers(seed: u64, nodes: usize, config: PingConfig) -> World<Pinger> {
    let mut wc = WorldConfig::new(seed, nodes);
    wc.net.latency = (5, 40);
    World::new(wc, config)
}

/// (time, text) of every trace event at or from node `n`.
fn events_of(w: &World<Pinger>, n: NodeId) -> Vec<(Millis, String)> {
    w.trace()
        .events()
        .filter(|e| e.node == Some(n) && matches!(e.kind, TraceKind::Send | TraceKind::Timer))
        .map(|e| (e.time, e.text.clone()))
        .collect()
}

/// When each message from `n` was delivered, and to whom.
fn deliveries_from(w: &World<Pinger>, n: NodeId) -> Vec<(Millis, Option<NodeId>)> {
    w.trace()
        .events()
        .filter(|e| e.kind == TraceKind::Deliver && e.peer == Some(n))
        .map(|e| (e.time, e.node))
        .collect()
}

#[test]
fn a_thousand_nodes_run_for_ten_virtual_seconds() {
    let mut w = pingers(7, 1000, PingConfig::default());
    w.run_until(10_000);
    assert_eq!(w.now(), 10_000);
    assert_eq!(w.cluster_size(), 1000);
    // About 10 s / 100 ms = 100 pings sent by each node.
    let seen: u64 = (0..1000)
        .map(|i| w.node(NodeId::from_index(i)).pings_seen)
        .sum();
    assert!((80_000..=120_000).contains(&seen), "{seen} pings delivered");
    // The last node is as alive as the first: it sent and received.
    let last = NodeId(1000);
    assert!(w.node(last).pings_seen > 0);
    assert!(
        w.trace()
            .events()
            .any(|e| e.kind == TraceKind::Send && e.node == Some(last))
    );
    // And the same seed is the same run at this size too.
    let mut again = pingers(7, 1000, PingConfig::default());
    again.run_until(10_000);
    assert_eq!(w.trace().hash(), again.trace().hash());
}

#[test]
fn a_draw_in_one_node_does_not_shift_another_nodes_dice() {
    let mut plain = pingers(3, 5, PingConfig::default());
    let mut extra = pingers(
        3,
        5,
        PingConfig {
            extra_draw: Some(NodeId(1)),
        },
    );
    plain.run_until(5_000);
    extra.run_until(5_000);
    // n1's own behaviour changed (otherwise this test could not fail)...
    assert_ne!(events_of(&plain, NodeId(1)), events_of(&extra, NodeId(1)));
    // ...but every other node's timers, targets and message latencies did not.
    for i in 2..=5 {
        let n = NodeId(i);
        assert_eq!(events_of(&plain, n), events_of(&extra, n), "{n} changed");
        assert_eq!(
            deliveries_from(&plain, n),
            deliveries_from(&extra, n),
            "latencies of {n}'s messages changed"
        );
    }
}

#[test]
fn operations_in_one_millisecond_are_ordered_by_event() {
    // cap-ap acknowledges a write at once, locally; a read through another
    // node in the very same millisecond begins after that write returned, so
    // returning nothing is a stale read — not a concurrent one.
    let mut w = World::<CapNode>::new(WorldConfig::new(1, 3), CapConfig::new(Mode::Ap));
    w.run_until(500);
    w.apply(write(NodeId(1), "x", 1));
    w.apply(read(NodeId(2), "x"));
    let ops = w.history().ops();
    assert_eq!(ops[0].completed, Some(500));
    assert_eq!(ops[1].invoked, 500);
    assert!(ops[0].precedes(&ops[1]));
    assert!(!ops[1].precedes(&ops[0]));
    let v = check::stale_reads(w.history());
    assert_eq!(v.status, Status::Fail, "{v:?}");
}
