//! The scenario catalogue: named runs (protocol + cluster size + defaults)
//! behind one type-erased [`Run`] interface that both `statedist sim` and the
//! terminal app drive. Everything a view needs comes out as plain data.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::check::{self, Verdict, ids};
use crate::protocols::cap::{CapConfig, CapNode, Mode};
use crate::sim::script::Script;
use crate::sim::{
    Fault, History, InFlight, Invariant, Millis, Node, NodeId, OpSpec, Side, Trace, Violation,
    World, WorldConfig, fmt_ms,
};

mod causal;
pub mod crdt;
pub mod demos;
pub mod failover;
mod leader_follower;
mod multi_leader;
pub mod pbft;
mod quorum;
pub mod raft;
mod session;
mod tables;

/// One node as a view draws it.
#[derive(Clone, Debug, Serialize)]
pub struct NodeView {
    pub id: NodeId,
    pub up: bool,
    pub side: Side,
    pub role: String,
    /// Clock offset in ms (0 for most nodes).
    pub skew: i64,
    /// How many percent fast (negative: slow) its clock runs.
    pub drift: i32,
    /// Frozen in a pause.
    pub paused: bool,
    /// (key, shown value), sorted by key.
    pub state: Vec<(String, String)>,
}

/// The whole cluster at one instant.
#[derive(Clone, Debug)]
pub struct ClusterView {
    pub now: Millis,
    pub nodes: Vec<NodeView>,
    pub in_flight: Vec<InFlight>,
    pub partitioned: bool,
    /// The directed links that drop messages now, (from, to), sorted. Only
    /// for clusters small enough to draw link by link
    /// ([`ClusterView::DRAWN_LINKS`] nodes or fewer); empty above that.
    pub blocked: Vec<(NodeId, NodeId)>,
}

impl ClusterView {
    pub const DRAWN_LINKS: usize = 64;
    /// Whether a message from `from` to `to` would be dropped by the network.
    pub fn is_blocked(&self, from: NodeId, to: NodeId) -> bool {
        self.blocked.binary_search(&(from, to)).is_ok()
    }
}

/// How a table cell should stand out (views map this to colour *and* a mark).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    Normal,
    Good,
    Bad,
    Warn,
    Dim,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

impl Cell {
    pub fn new(text: impl Into<String>, tone: Tone) -> Self {
        Self {
            text: text.into(),
            tone,
        }
    }
    pub fn plain(text: impl Into<String>) -> Self {
        Self::new(text, Tone::Normal)
    }
}

/// A protocol-specific inspection pane, as plain data for a generic widget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "pane", rename_all = "snake_case")]
pub enum Pane {
    Table {
        title: String,
        header: Vec<String>,
        rows: Vec<Vec<Cell>>,
    },
}

/// A scenario-specific setting the learner can change live.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Knob {
    /// The name used by `set NAME=VALUE` in scripts.
    pub name: String,
    /// The key that cycles it in the live cluster.
    pub key: char,
    pub value: String,
    /// What it does, for the help overlay.
    pub help: String,
    /// The values the key cycles through, in order.
    pub choices: Vec<String>,
}

/// A running scenario, whatever its protocol.
pub trait Run {
    fn name(&self) -> &'static str;
    fn seed(&self) -> u64;
    fn now(&self) -> Millis;
    fn cluster_size(&self) -> usize;
    /// Handles the next visible event; false when nothing is queued.
    fn step(&mut self) -> bool;
    /// Handles every event up to time `t`.
    fn run_until(&mut self, t: Millis);
    /// Time of the next queued event, if any.
    fn next_event_time(&self) -> Option<Millis>;
    /// Applies a learner's action now (and remembers it).
    fn apply(&mut self, fault: Fault);
    /// Starts again from the same seed, without the learner's actions.
    fn reset(&mut self);
    /// The learner's actions so far with the times they happened: with the
    /// seed, enough to replay the run exactly.
    fn actions(&self) -> &[(Millis, Fault)];
    fn view(&self) -> ClusterView;
    fn panes(&self) -> Vec<Pane>;
    /// What a learner can pick in the panes to compare (version dots), in
    /// the order the picking keys cycle through; `None` for scenarios
    /// without picking.
    fn pickable(&self) -> Option<Vec<String>>;
    /// The picks the panes compare (a viewer's choice: the run itself
    /// does not change).
    fn set_picks(&mut self, picks: Vec<String>);
    fn verdicts(&self) -> Vec<Verdict>;
    fn knobs(&self) -> Vec<Knob>;
    fn trace(&self) -> &Trace;
    fn history(&self) -> &History;
    /// The first safety-invariant violation, checked after every event.
    fn violation(&self) -> Option<&Violation>;
    /// The client operations of this scenario's protocol, as it declared them.
    fn operations(&self) -> &'static [OpSpec];
    /// Every setting (`set NAME=VALUE`), with or without a live key: its
    /// name and the values it takes now.
    fn settings(&self) -> Vec<(&'static str, Vec<String>)>;
}

/// What a protocol contributes to a scenario beyond its [`Node`] impl.
pub trait Inspect: Node {
    fn verdicts(world: &World<Self>) -> Vec<Verdict>;
    fn panes(_world: &World<Self>) -> Vec<Pane> {
        Vec::new()
    }
    /// The panes with the learner's picks (see [`Run::pickable`]).
    fn panes_picked(world: &World<Self>, _picks: &[String]) -> Vec<Pane> {
        Self::panes(world)
    }
    fn pickable(_world: &World<Self>) -> Option<Vec<String>> {
        None
    }
    /// The live keys' settings: the protocol's declared settings that have a key.
    fn knobs(config: &Self::Config) -> Vec<Knob> {
        Self::settings()
            .iter()
            .filter_map(|s| {
                Some(Knob {
                    name: s.name.to_string(),
                    key: s.key?,
                    value: (s.value)(config),
                    help: s.help.to_string(),
                    choices: (s.choices)(config),
                })
            })
            .collect()
    }
    /// Safety properties checked after every event while the run goes.
    fn invariants() -> Vec<Box<dyn Invariant<Self>>> {
        Vec::new()
    }
}

/// A [`World`] plus what it takes to rebuild it: the generic [`Run`].
pub struct SimRun<N: Node> {
    name: &'static str,
    world_config: WorldConfig,
    node_config: N::Config,
    script: Script,
    actions: Vec<(Millis, Fault)>,
    world: World<N>,
    picks: Vec<String>,
}

impl<N: Inspect> SimRun<N> {
    pub fn new(
        name: &'static str,
        world_config: WorldConfig,
        node_config: N::Config,
        script: Script,
    ) -> Self {
        let world = Self::build(&world_config, &node_config, &script);
        Self {
            name,
            world_config,
            node_config,
            script,
            actions: Vec::new(),
            world,
            picks: Vec::new(),
        }
    }
    fn build(wc: &WorldConfig, nc: &N::Config, script: &Script) -> World<N> {
        let mut w = World::new(wc.clone(), nc.clone());
        for inv in N::invariants() {
            w.add_invariant(inv);
        }
        w.check_start();
        for step in &script.steps {
            w.schedule(step.at, step.fault.clone());
        }
        w
    }
    pub fn world(&self) -> &World<N> {
        &self.world
    }
}

impl<N: Inspect> Run for SimRun<N> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn seed(&self) -> u64 {
        self.world_config.seed
    }
    fn now(&self) -> Millis {
        self.world.now()
    }
    fn cluster_size(&self) -> usize {
        self.world.cluster_size()
    }
    fn step(&mut self) -> bool {
        self.world.step()
    }
    fn run_until(&mut self, t: Millis) {
        self.world.run_until(t)
    }
    fn next_event_time(&self) -> Option<Millis> {
        self.world.next_event_time()
    }
    fn apply(&mut self, fault: Fault) {
        self.actions.push((self.world.now(), fault.clone()));
        self.world.apply(fault);
    }
    fn reset(&mut self) {
        self.actions.clear();
        self.picks.clear();
        self.world = Self::build(&self.world_config, &self.node_config, &self.script);
    }
    fn actions(&self) -> &[(Millis, Fault)] {
        &self.actions
    }
    fn view(&self) -> ClusterView {
        let w = &self.world;
        let nodes = (0..w.cluster_size())
            .map(NodeId::from_index)
            .map(|id| NodeView {
                id,
                up: w.is_up(id),
                side: w.network().side(id),
                role: if w.is_up(id) {
                    w.node(id).role()
                } else {
                    "down".into()
                },
                skew: w.skew(id),
                drift: w.drift(id),
                paused: w.paused_until(id).is_some(),
                state: w.node(id).state(w.node_config()),
            })
            .collect();
        ClusterView {
            now: w.now(),
            nodes,
            in_flight: w.in_flight(),
            partitioned: w.network().is_partitioned(),
            blocked: blocked_links(w.network(), w.cluster_size()),
        }
    }
    fn panes(&self) -> Vec<Pane> {
        N::panes_picked(&self.world, &self.picks)
    }
    fn pickable(&self) -> Option<Vec<String>> {
        N::pickable(&self.world)
    }
    fn set_picks(&mut self, picks: Vec<String>) {
        self.picks = picks;
    }
    fn verdicts(&self) -> Vec<Verdict> {
        let mut v = N::verdicts(&self.world);
        v.extend(invariant_verdicts(&self.world));
        v
    }
    fn knobs(&self) -> Vec<Knob> {
        N::knobs(self.world.node_config())
    }
    fn trace(&self) -> &Trace {
        self.world.trace()
    }
    fn history(&self) -> &History {
        self.world.history()
    }
    fn violation(&self) -> Option<&Violation> {
        self.world.violation()
    }
    fn operations(&self) -> &'static [OpSpec] {
        N::operations()
    }
    fn settings(&self) -> Vec<(&'static str, Vec<String>)> {
        let c = self.world.node_config();
        N::settings()
            .iter()
            .map(|s| (s.name, (s.choices)(c)))
            .collect()
    }
}

/// One verdict per registered invariant: held after every event so far, or
/// the first violation with the event it followed.
fn invariant_verdicts<N: Node>(world: &World<N>) -> Vec<Verdict> {
    world
        .invariants()
        .map(|(name, promise)| match world.violation() {
            Some(v) if v.invariant == name => Verdict::new(
                name,
                check::Status::Fail,
                format!("{} (event #{} at {})", v.text, v.seq, fmt_ms(v.time)),
            )
            .with_headline(format!("{name} broken at event #{}", v.seq))
            .with_details(vec![format!(
                "checked after every event; the first to break it was event #{} at {}",
                v.seq,
                fmt_ms(v.time)
            )])
            .with_events(vec![v.seq]),
            // The checks rest after the first violation: say how far this
            // one was checked rather than claim it still holds.
            Some(v) => Verdict::new(
                name,
                check::Status::Pass,
                format!(
                    "{promise}: held until event #{}, when {} broke; not checked since",
                    v.seq, v.invariant
                ),
            )
            .with_headline(promise),
            None => Verdict::new(
                name,
                check::Status::Pass,
                format!("{promise} (checked after every event so far)"),
            )
            .with_headline(promise),
        })
        .collect()
}

fn blocked_links(net: &crate::sim::Network, n: usize) -> Vec<(NodeId, NodeId)> {
    if n > ClusterView::DRAWN_LINKS || !net.is_partitioned() {
        return Vec::new();
    }
    let ids = || (0..n).map(NodeId::from_index);
    ids()
        .flat_map(|a| ids().map(move |b| (a, b)))
        .filter(|&(a, b)| !net.connected(a, b))
        .collect()
}

/// What a caller may choose when starting a scenario.
#[derive(Clone, Debug, Default)]
pub struct Params {
    pub seed: u64,
    /// `None`: the scenario's default.
    pub nodes: Option<usize>,
    pub script: Script,
    /// Protocol settings as `set NAME=VALUE` would give them.
    pub settings: BTreeMap<String, String>,
}

type BuildFn = fn(&Params, usize) -> Result<Box<dyn Run>, String>;

/// An entry of the catalogue.
pub struct ScenarioInfo {
    pub name: &'static str,
    /// The focus block it belongs to.
    pub block: u8,
    pub summary: &'static str,
    pub default_nodes: usize,
    pub allowed_nodes: &'static [usize],
    /// The keys a learner's `w` and `r` use in the live cluster, the first
    /// by default (`K` switches): two, so that writes to different keys —
    /// a post and its reply — can be made by hand.
    pub keys: &'static [&'static str],
    /// The checkers whose findings are the anomaly this scenario teaches,
    /// most important first (by `Verdict::check`): the status line prefers
    /// them over the others. Empty: every checker counts.
    pub headline: &'static [&'static str],
    /// The live event log starts with routine traffic hidden (key `f`
    /// shows it): where heartbeats every few ms would bury everything else.
    pub quiet_log: bool,
    build: BuildFn,
}

impl ScenarioInfo {
    /// The allowed sizes for people: "3 or 5", "3 to 15".
    pub fn sizes_text(&self) -> String {
        let a = self.allowed_nodes;
        let consecutive = a.windows(2).all(|w| w[1] == w[0] + 1);
        match a {
            [one] => one.to_string(),
            [first, .., last] if consecutive && a.len() > 2 => format!("{first} to {last}"),
            _ => {
                let all: Vec<String> = a.iter().map(|n| n.to_string()).collect();
                match all.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} or {last}", rest.join(", "))
                    }
                    _ => all.join(""),
                }
            }
        }
    }
    /// Starts the scenario, checking the node count and settings.
    pub fn start(&self, params: &Params) -> Result<Box<dyn Run>, String> {
        let nodes = params.nodes.unwrap_or(self.default_nodes);
        if !self.allowed_nodes.contains(&nodes) {
            return Err(format!(
                "{} runs with {} nodes, not {nodes}",
                self.name,
                self.sizes_text()
            ));
        }
        params.script.validate(nodes).map_err(|e| e.to_string())?;
        (self.build)(params, nodes)
    }
}

/// Applies `--set`-style settings through the protocol's own tuning, so a
/// flag and a live key change a setting the same way.
/// The script's own `set` steps are tried on a copy too, and its client
/// operations checked against the protocol's declaration, so a step the
/// scenario cannot run stops the run before it starts.
fn tuned<N: Node>(mut config: N::Config, params: &Params) -> Result<N::Config, String> {
    for (k, v) in &params.settings {
        N::tune(&mut config, k, v).map_err(|e| format!("setting {k}={v}: {e}"))?;
    }
    let mut scratch = config.clone();
    params
        .script
        .check_settings(|k, v| N::tune(&mut scratch, k, v))
        .map_err(|e| e.to_string())?;
    params
        .script
        .check_calls(N::operations(), |verb, args| {
            N::operation(verb, args).map(|_| ())
        })
        .map_err(|e| e.to_string())?;
    Ok(config)
}

/// A scenario's run: the protocol's defaults tuned by the caller's
/// settings, on a fresh world of `nodes` from the caller's seed and script.
fn start<N: Inspect + 'static>(
    name: &'static str,
    defaults: N::Config,
    p: &Params,
    nodes: usize,
) -> Result<Box<dyn Run>, String> {
    start_in::<N>(name, defaults, p, WorldConfig::new(p.seed, nodes))
}

/// [`start`] on a world set up by the scenario (a longer client time-out).
fn start_in<N: Inspect + 'static>(
    name: &'static str,
    defaults: N::Config,
    p: &Params,
    world: WorldConfig,
) -> Result<Box<dyn Run>, String> {
    let config = tuned::<N>(defaults, p)?;
    Ok(Box::new(SimRun::<N>::new(
        name,
        world,
        config,
        p.script.clone(),
    )))
}

fn cap(mode: Mode) -> impl Fn(&Params, usize) -> Result<Box<dyn Run>, String> {
    move |p, nodes| {
        let name = if mode == Mode::Cp { "cap-cp" } else { "cap-ap" };
        start::<CapNode>(name, CapConfig::new(mode), p, nodes)
    }
}

/// The CAP register works at any size; up to 15 nodes still draw.
const CAP_SIZES: &[usize] = &[3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// CRDT replicas are drawn as columns of the CRDT pane: up to 5.
const CRDT_SIZES: &[usize] = &[2, 3, 4, 5];

/// Every scenario, in course order.
pub fn catalogue() -> &'static [ScenarioInfo] {
    static CATALOGUE: &[ScenarioInfo] = &[
        ScenarioInfo {
            name: "cap-cp",
            block: 1,
            summary: "CAP register, consistent: majority reads and writes; a minority side refuses (unavailable), never stale",
            default_nodes: 3,
            allowed_nodes: CAP_SIZES,
            keys: &["x", "y"],
            headline: &[],
            quiet_log: false,
            build: |p, n| cap(Mode::Cp)(p, n),
        },
        ScenarioInfo {
            name: "cap-ap",
            block: 1,
            summary: "CAP register, available: every node accepts writes, replicates async, last-writer-wins after heal",
            default_nodes: 3,
            allowed_nodes: CAP_SIZES,
            keys: &["x", "y"],
            headline: &[],
            quiet_log: false,
            build: |p, n| cap(Mode::Ap)(p, n),
        },
        ScenarioInfo {
            name: "leader-follower",
            block: 2,
            summary: "one leader ships its log to followers: async, semi-sync or sync (key m); failover promotes an up-to-date follower",
            default_nodes: 3,
            allowed_nodes: &[3, 5],
            keys: &["x", "y"],
            headline: &[],
            quiet_log: false,
            build: leader_follower::build,
        },
        ScenarioInfo {
            name: "multi-leader",
            block: 2,
            summary: "every node accepts writes and replicates async; concurrent writes conflict and last-writer-wins discards one (counted)",
            default_nodes: 3,
            allowed_nodes: &[3, 5],
            keys: &["x", "y"],
            headline: &[],
            quiet_log: false,
            build: multi_leader::build,
        },
        ScenarioInfo {
            name: "quorum",
            block: 2,
            summary: "leaderless N/W/R quorums (Dynamo-style): R+W>N reads see the latest acknowledged write; R+W≤N can read stale; read repair",
            default_nodes: 3,
            allowed_nodes: &[3, 5],
            keys: &["x", "y"],
            headline: &[],
            quiet_log: false,
            build: quorum::build,
        },
        ScenarioInfo {
            name: "session",
            block: 3,
            summary: "one client hopping between lagging replicas: read-your-writes (key y) and monotonic reads (key m) on or off",
            default_nodes: 3,
            allowed_nodes: &[3, 5],
            keys: &["x", "y"],
            headline: &[
                ids::READ_YOUR_WRITES,
                ids::MONOTONIC_READS,
                ids::AVAILABILITY,
            ],
            quiet_log: false,
            build: session::build,
        },
        ScenarioInfo {
            name: "causal",
            block: 3,
            summary: "posts and replies: eventual delivery can show a reply before its post; causal delivery (key m) never does; K switches w and r between post and reply",
            default_nodes: 3,
            allowed_nodes: &[3, 5],
            keys: &["post", "reply"],
            headline: &[ids::CAUSALITY],
            quiet_log: false,
            build: causal::build,
        },
        ScenarioInfo {
            name: "lww",
            block: 4,
            summary: "a key-value store resolving conflicts by last-writer-wins: skew a clock (o) and a later write loses; clock=hlc (L) orders causally later writes, not concurrent ones",
            default_nodes: 3,
            allowed_nodes: CRDT_SIZES,
            keys: &["x", "y"],
            headline: &[crdt::checks::LOST_UPDATES],
            quiet_log: true,
            build: crdt::lww_store,
        },
        ScenarioInfo {
            name: "version-vectors",
            block: 4,
            summary: "Dynamo-style versioned cart: each write carries the context it read; concurrent writes become siblings that the application resolves by union (and removed items come back); clocks=vv (V) shows per-server version vectors dropping concurrent writes",
            default_nodes: 3,
            allowed_nodes: CRDT_SIZES,
            keys: &["milk", "eggs", "bread"],
            headline: &[crdt::checks::RESURRECTION, crdt::checks::TRUE_SIBLINGS],
            quiet_log: true,
            build: crdt::versions,
        },
        ScenarioInfo {
            name: "raft",
            block: 5,
            summary: "Raft consensus by the paper: elections (e forces a timeout), log replication, commit by majority of the current term, three read modes (m); its safety properties checked after every event",
            default_nodes: 5,
            allowed_nodes: &[3, 5, 7, 9],
            keys: &["x", "y"],
            headline: &[],
            quiet_log: true,
            build: raft::build,
        },
        ScenarioInfo {
            name: "pbft",
            block: 5,
            summary: "PBFT: n = 3f + 1 replicas agree although f are byzantine; b turns the selected replica into a traitor (silent, equivocating, wrong votes, lying in view changes); e asks for a view change",
            default_nodes: 4,
            allowed_nodes: &[4, 7, 10],
            keys: &["x", "y"],
            headline: &[pbft::AGREEMENT, pbft::LIVENESS],
            quiet_log: true,
            build: pbft::build,
        },
        ScenarioInfo {
            name: "failover-naive",
            block: 7,
            summary: "primary and standbys, failover on a missed heartbeat and no vote: cut the primary off (p) and both sides accept writes (split brain); v switches to a majority election",
            default_nodes: 3,
            allowed_nodes: &[2, 3, 5],
            keys: &["x", "y"],
            headline: &[
                failover::SPLIT_BRAIN,
                failover::TOKEN_ORDER,
                check::ids::LOST_WRITES,
            ],
            quiet_log: true,
            build: failover::build_naive,
        },
        ScenarioInfo {
            name: "failover-quorum",
            block: 7,
            summary: "majority election and leases: freeze the primary mid-write (w then Z) and it wakes to write with an expired lease; F turns fencing tokens on; a slow clock (o) stretches a lease",
            default_nodes: 3,
            allowed_nodes: &[3, 5],
            keys: &["x", "y"],
            headline: &[
                failover::TOKEN_ORDER,
                failover::ONE_LEASE,
                failover::SPLIT_BRAIN,
            ],
            quiet_log: true,
            build: failover::build_quorum,
        },
        ScenarioInfo {
            name: "big-partition",
            block: 7,
            summary: "1000 nodes with a majority election and leases: split them 600 / 300 / 100 (--demo big-partition) and only the side with a majority of the whole cluster elects a primary",
            default_nodes: 1000,
            allowed_nodes: &[100, 1000],
            keys: &["x", "y"],
            headline: &[
                failover::SPLIT_BRAIN,
                failover::TOKEN_ORDER,
                failover::ONE_LEASE,
            ],
            quiet_log: true,
            build: failover::build_big,
        },
        ScenarioInfo {
            name: "crdt-gcounter",
            block: 6,
            summary: "G-Counter: every replica counts its own increments (i); gossip merges by maximum per replica; sync now with s",
            default_nodes: 3,
            allowed_nodes: CRDT_SIZES,
            keys: &["count"],
            headline: &[],
            quiet_log: true,
            build: crdt::gcounter,
        },
        ScenarioInfo {
            name: "crdt-pncounter",
            block: 6,
            summary: "PN-Counter stock: +1 (i) and sell one (d) on any replica; both sides of a partition can sell the last item",
            default_nodes: 3,
            allowed_nodes: CRDT_SIZES,
            keys: &["stock"],
            headline: &[crdt::checks::FLOOR],
            quiet_log: true,
            build: crdt::pncounter,
        },
        ScenarioInfo {
            name: "crdt-orset",
            block: 6,
            summary: "OR-Set shopping cart (add-wins): add (i) and remove (d) items; tags, tombstones and the optimised form without them",
            default_nodes: 3,
            allowed_nodes: CRDT_SIZES,
            keys: &["milk", "eggs", "bread"],
            headline: &[crdt::checks::REMOVES],
            quiet_log: true,
            build: crdt::orset,
        },
        ScenarioInfo {
            name: "crdt-lww-register",
            block: 6,
            summary: "LWW register profile field: write (w) on any replica; the larger timestamp wins, equal ones by node id; skew a clock (o)",
            default_nodes: 3,
            allowed_nodes: CRDT_SIZES,
            keys: &["alice", "bob", "carol"],
            headline: &[crdt::checks::LWW_ORDER],
            quiet_log: true,
            build: crdt::lww,
        },
        ScenarioInfo {
            name: "crdt-mvregister",
            block: 6,
            summary: "multi-value register: concurrent writes (w) are kept side by side as siblings with their version vectors",
            default_nodes: 3,
            allowed_nodes: CRDT_SIZES,
            keys: &["alice", "bob", "carol"],
            headline: &[crdt::checks::SIBLINGS],
            quiet_log: true,
            build: crdt::mvregister,
        },
        ScenarioInfo {
            name: "crdt-text",
            block: 6,
            summary: "collaborative text (RGA): type a word (i) or delete (d) on any replica; concurrent typing at one place never interleaves; text-merge=naive (M) shows why positions are not identities",
            default_nodes: 3,
            allowed_nodes: CRDT_SIZES,
            keys: &["hello", "world", "abc"],
            headline: &[crdt::checks::INTERLEAVING],
            quiet_log: true,
            build: crdt::text,
        },
    ];
    CATALOGUE
}

pub fn find(name: &str) -> Option<&'static ScenarioInfo> {
    catalogue().iter().find(|s| s.name == name)
}

/// "unknown scenario 'x'; the scenarios are: cap-cp, cap-ap".
pub fn unknown(name: &str) -> String {
    let names: Vec<&str> = catalogue().iter().map(|s| s.name).collect();
    format!(
        "unknown scenario '{name}'; the scenarios are: {} (see `statedist sim --list`)",
        names.join(", ")
    )
}

impl Inspect for CapNode {
    fn verdicts(world: &World<Self>) -> Vec<Verdict> {
        let h = world.history();
        let mut v = vec![check::stale_reads(h), check::availability(h)];
        if world.node_config().mode == Mode::Ap {
            let states: Vec<_> = (0..world.cluster_size())
                .map(NodeId::from_index)
                .filter(|&id| world.is_up(id))
                .map(|id| {
                    (
                        id,
                        world
                            .node(id)
                            .store()
                            .iter()
                            .map(|(k, v)| (k.clone(), v.value.to_string()))
                            .collect(),
                    )
                })
                .collect();
            // Anti-entropy needs about a gossip period after the last heal,
            // and a network that delivers what it is given.
            let quiet = !world.network().is_partitioned()
                && !world.network().is_lossy()
                && world.next_event_time().is_some();
            v.push(check::convergence(
                &states,
                quiet && converge_window_passed(world),
            ));
        }
        v
    }
}

/// True when no fault or client write happened in the last two gossip rounds.
fn converge_window_passed(world: &World<CapNode>) -> bool {
    let window = 2 * world.node_config().gossip_every;
    let now = world.now();
    world
        .trace()
        .events()
        .rev()
        .take_while(|e| e.time + window > now)
        .all(|e| {
            !matches!(
                e.kind,
                crate::sim::TraceKind::Fault
                    | crate::sim::TraceKind::Restart
                    | crate::sim::TraceKind::ClientInvoke
            )
        })
        && now >= window
}
