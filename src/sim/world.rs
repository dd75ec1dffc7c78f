//! The world: nodes, network, clock and queue, stepped one event at a time.

use std::collections::{BTreeMap, HashSet};
use std::fmt::{self, Display};
use std::rc::Rc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::history::OpOutcome;
use super::network::{CutRule, LinkQuality, NetConfig, Network, Side};
use super::node::{ClientOp, Cx, Effect, Node, NodeId, OpId, SessionToken, TimerId};
use super::op::{Call, Scope, find};
use super::queue::EventQueue;
use super::trace::{Trace, TraceKind};
use super::{History, Invariant, Millis, Violation, fmt_ms};

/// Settings of a run that are not the protocol's.
#[derive(Clone, Debug)]
pub struct WorldConfig {
    pub seed: u64,
    pub nodes: usize,
    pub net: NetConfig,
    /// A client gives up on an operation after this long (it is then
    /// indeterminate: it may or may not have taken effect).
    pub client_timeout: Millis,
    /// How many trace events to keep for display.
    pub trace_keep: usize,
}

impl WorldConfig {
    pub fn new(seed: u64, nodes: usize) -> Self {
        Self {
            seed,
            nodes,
            net: NetConfig::default(),
            client_timeout: 1000,
            trace_keep: 200_000,
        }
    }
}

/// Something done to the cluster from outside: a fault, a repair, a client
/// request or a setting. Scripts and learners' keys both become these.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Put each group on its own side (A, B, C); unnamed nodes join side A.
    Partition(Vec<Vec<NodeId>>),
    /// Move one node to a side.
    SetSide(NodeId, Side),
    /// Cut the link `from → to`, and `to → from` too when `both`.
    Cut {
        from: NodeId,
        to: NodeId,
        both: bool,
    },
    /// Cut a node off from every other node, both ways.
    Isolate(NodeId),
    /// Set one link's loss and/or latency (`both`: the reverse link too).
    Link {
        from: NodeId,
        to: NodeId,
        both: bool,
        quality: LinkQuality,
    },
    /// A bridge partition: the first group reaches both halves, the two
    /// halves do not reach each other.
    Bridge {
        bridge: Vec<NodeId>,
        left: Vec<NodeId>,
        right: Vec<NodeId>,
    },
    Heal,
    Crash(NodeId),
    Restart(NodeId),
    /// Set a node's clock offset in milliseconds.
    Skew(NodeId, i64),
    /// Make a node's clock run this many percent fast (negative: slow)
    /// from now on: its timers and its wall clock both follow it.
    Drift(NodeId, i32),
    /// Freeze a node for this long (a stop-the-world GC pause, a
    /// suspended VM): it handles nothing; what reaches it waits in its
    /// buffers, and its timers fire when it wakes. It never notices.
    Pause(NodeId, Millis),
    /// Message loss probability.
    Loss(f64),
    /// Message duplication probability.
    Duplicate(f64),
    /// One-way latency range.
    Delay(Millis, Millis),
    /// A client operation through a node, as the protocol declared it (or
    /// a learner's action on that node, for a [`Scope::Node`] operation).
    Client {
        node: NodeId,
        call: Call,
    },
    /// A learner's action on every running node (a [`Scope::Cluster`]
    /// operation, written without a node: `align`).
    Everyone(Call),
    /// Change a protocol setting (`mode=sync`, `w=2`).
    Tune(String, String),
}

impl Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Partition(groups) => {
                let g: Vec<String> = groups.iter().map(|g| numbers(g)).collect();
                write!(f, "partition {}", g.join(" | "))
            }
            Fault::SetSide(n, s) => write!(f, "move {n} to side {s}"),
            Fault::Cut { from, to, both } => {
                write!(f, "cut {}{}{}", from.0, arrow(*both), to.0)
            }
            Fault::Isolate(n) => write!(f, "isolate {}", n.0),
            Fault::Link {
                from,
                to,
                both,
                quality,
            } => {
                write!(f, "link {}{}{}", from.0, arrow(*both), to.0)?;
                if let Some(p) = quality.loss {
                    write!(f, " loss {}%", percent(p))?;
                }
                if let Some((a, b)) = quality.latency {
                    write!(f, " delay {a}-{b}ms")?;
                }
                Ok(())
            }
            Fault::Bridge {
                bridge,
                left,
                right,
            } => write!(
                f,
                "bridge {} | {} | {}",
                numbers(bridge),
                numbers(left),
                numbers(right)
            ),
            Fault::Heal => write!(f, "heal"),
            Fault::Crash(n) => write!(f, "crash {}", n.0),
            Fault::Restart(n) => write!(f, "restart {}", n.0),
            Fault::Skew(n, ms) => write!(f, "skew {n} {ms:+}ms"),
            Fault::Drift(n, pct) => write!(f, "drift {n} {pct:+}%"),
            Fault::Pause(n, ms) => write!(f, "pause {n} {}", fmt_ms(*ms)),
            Fault::Loss(p) => write!(f, "loss {}%", percent(*p)),
            Fault::Duplicate(p) => write!(f, "dup {}%", percent(*p)),
            Fault::Delay(a, b) => write!(f, "delay {a}-{b}ms"),
            Fault::Client { node, call } => {
                write!(f, "{} {node}", call.verb)?;
                call.args.iter().try_for_each(|a| write!(f, " {a}"))
            }
            Fault::Tune(k, v) => write!(f, "set {k}={v}"),
            Fault::Everyone(call) => write!(f, "{call}"),
        }
    }
}

/// `1,2,3`, as scripts write a group of nodes.
fn numbers(group: &[NodeId]) -> String {
    let n: Vec<String> = group.iter().map(|n| n.0.to_string()).collect();
    n.join(",")
}

fn arrow(both: bool) -> &'static str {
    if both { "<->" } else { "->" }
}

/// A probability as a percentage for people: 0.07 → `7`, not `7.000000000000001`.
fn percent(p: f64) -> f64 {
    (p * 100.0 * 1000.0).round() / 1000.0
}

/// A message on the wire, for drawing.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub from: NodeId,
    pub to: NodeId,
    pub label: String,
    pub sent: Millis,
    pub arrives: Millis,
}

enum Event<N: Node> {
    Deliver {
        from: NodeId,
        to: NodeId,
        sent: Millis,
        msg: N::Msg,
        /// The message as the trace shows it, formatted once when sent.
        shown: Rc<str>,
    },
    Timer {
        node: NodeId,
        incarnation: u32,
        id: TimerId,
        timer: N::Timer,
        /// When it is due on the node's monotonic clock: a later change of
        /// drift reschedules it from this.
        due: Millis,
    },
    ClientTimeout(OpId),
    /// Boxed: faults are rare, and a large variant would make every queued
    /// event (mostly deliveries) bigger to move around the heap.
    Fault(Box<Fault>),
    /// A scheduled client operation, parsed when it was scheduled.
    Client(NodeId, N::Op),
    /// A paused node's pause ends (if it has not crashed since).
    Wake {
        node: NodeId,
        incarnation: u32,
    },
    /// One thing that waited during a pause, handled as its own event so
    /// the invariants see the state after each.
    Released {
        node: NodeId,
        incarnation: u32,
        item: Held<N>,
    },
}

/// What reached a paused node, in arrival order, handled when it wakes.
enum Held<N: Node> {
    Msg {
        from: NodeId,
        msg: N::Msg,
        shown: Rc<str>,
    },
    Timer(TimerId, N::Timer),
    Client(ClientOp<N::Op>),
}

struct Slot<N: Node> {
    node: N,
    up: bool,
    /// Bumped by every crash, so timers armed before it never fire after.
    incarnation: u32,
    /// The clock's steps (a `skew`): its offset beyond what drift added.
    skew: i64,
    /// What drift had added by `drift_since`; it grows by `drift` percent
    /// of the time since.
    drifted: i64,
    drift: i32,
    drift_since: Millis,
    /// Frozen until then; what arrives meanwhile waits in `held`.
    paused_until: Option<Millis>,
    held: Vec<Held<N>>,
    /// This node's own random stream; it survives crashes, as the dice of a
    /// real machine would.
    rng: ChaCha8Rng,
    /// The network's dice for messages this node sends (latency, loss,
    /// duplication): one stream per sender, so what one node sends, or
    /// when, never shifts the latencies of another node's messages.
    net_rng: ChaCha8Rng,
}

impl<N: Node> Slot<N> {
    /// The clock's offset from true time at `now`.
    fn offset(&self, now: Millis) -> i64 {
        self.skew + self.drift_part(now)
    }
    /// What drift alone has moved the clock by: steps (a `skew`) do not
    /// count, so elapsed time measured with it is what a monotonic clock
    /// would show.
    fn drift_part(&self, now: Millis) -> i64 {
        self.drifted + (now - self.drift_since) as i64 * self.drift as i64 / 100
    }
    /// Real time for `after` milliseconds on this node's clock.
    fn real(&self, after: Millis) -> Millis {
        if self.drift == 0 {
            return after;
        }
        // Rounded up, so a timer never fires before its time has passed on
        // the node's own clock.
        (after * 100).div_ceil((100 + self.drift) as u64)
    }
    fn paused(&self) -> bool {
        self.paused_until.is_some()
    }
}

/// Random stream `k` of a run: `2i` is node `i`'s own, `2i + 1` the
/// network's for what node `i` sends. One ChaCha key per seed and a distinct
/// stream per consumer, so a draw in one node's logic shifts nothing else.
fn stream(seed: u64, k: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(k);
    rng
}

pub struct World<N: Node> {
    config: WorldConfig,
    node_config: N::Config,
    now: Millis,
    queue: EventQueue<Event<N>>,
    net: Network,
    slots: Vec<Slot<N>>,
    trace: Trace,
    history: History,
    live_timers: HashSet<u64>,
    next_timer: u64,
    effects: Vec<Effect<N>>,
    processed: u64,
    session: SessionToken,
    invariants: Vec<Box<dyn Invariant<N>>>,
    violation: Option<Violation>,
    /// The answers each operation got from nodes, for protocols whose
    /// client counts matching answers ([`Node::answers_needed`]).
    answers: BTreeMap<OpId, Vec<Answer>>,
}

/// One node's answer to a client operation, as the client tallied it.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub node: NodeId,
    pub at: Millis,
    pub outcome: OpOutcome,
}

impl<N: Node> World<N> {
    pub fn new(config: WorldConfig, node_config: N::Config) -> Self {
        assert!(config.nodes >= 1, "a cluster has at least one node");
        let n = config.nodes;
        let slots = (0..n)
            .map(|i| Slot {
                node: N::new(NodeId::from_index(i), n, &node_config),
                up: true,
                incarnation: 0,
                skew: 0,
                drifted: 0,
                drift: 0,
                drift_since: 0,
                paused_until: None,
                held: Vec::new(),
                rng: stream(config.seed, 2 * i as u64),
                net_rng: stream(config.seed, 2 * i as u64 + 1),
            })
            .collect();
        let mut w = Self {
            net: Network::new(config.net.clone(), n),
            trace: Trace::new(config.trace_keep),
            config,
            node_config,
            now: 0,
            queue: EventQueue::new(),
            slots,
            history: History::default(),
            live_timers: HashSet::new(),
            next_timer: 0,
            effects: Vec::new(),
            processed: 0,
            session: SessionToken::default(),
            invariants: Vec::new(),
            violation: None,
            answers: BTreeMap::new(),
        };
        for i in 0..n {
            w.with_node(NodeId::from_index(i), |node, cx| node.on_start(cx));
        }
        w
    }

    /// Checks the invariants against what the nodes did at time 0 (call
    /// once after registering them; later events are checked as they happen).
    pub fn check_start(&mut self) {
        self.check_invariants(0);
    }

    pub fn now(&self) -> Millis {
        self.now
    }
    pub fn config(&self) -> &WorldConfig {
        &self.config
    }
    pub fn node_config(&self) -> &N::Config {
        &self.node_config
    }
    pub fn cluster_size(&self) -> usize {
        self.slots.len()
    }
    pub fn node(&self, id: NodeId) -> &N {
        &self.slots[id.index()].node
    }
    pub fn is_up(&self, id: NodeId) -> bool {
        self.slots[id.index()].up
    }
    /// A node's clock offset from true time now (its skew plus what its
    /// drift has added).
    pub fn skew(&self, id: NodeId) -> i64 {
        self.slots[id.index()].offset(self.now)
    }
    /// A node's monotonic clock now: true time plus what drift added, and
    /// no steps (what `Cx::monotonic` shows the node).
    pub fn monotonic(&self, id: NodeId) -> Millis {
        (self.now as i64 + self.slots[id.index()].drift_part(self.now)).max(0) as Millis
    }
    /// How many percent fast (negative: slow) a node's clock runs.
    pub fn drift(&self, id: NodeId) -> i32 {
        self.slots[id.index()].drift
    }
    /// Until when a node is paused, if it is.
    pub fn paused_until(&self, id: NodeId) -> Option<Millis> {
        self.slots[id.index()].paused_until
    }
    pub fn network(&self) -> &Network {
        &self.net
    }
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    pub fn history(&self) -> &History {
        &self.history
    }
    /// The client's session token (only session-aware protocols fill it).
    pub fn session(&self) -> &SessionToken {
        &self.session
    }
    /// Queue events handled so far (including silent ones such as cancelled timers).
    /// The answers nodes gave to `op`, in arrival order (only for
    /// protocols whose client counts matching answers).
    pub fn answers(&self, op: OpId) -> &[Answer] {
        self.answers.get(&op).map_or(&[], Vec::as_slice)
    }
    pub fn events_processed(&self) -> u64 {
        self.processed
    }
    /// Time of the next queued event.
    pub fn next_event_time(&self) -> Option<Millis> {
        self.queue.peek_time()
    }
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// Messages on the wire, in delivery order.
    pub fn in_flight(&self) -> Vec<InFlight> {
        self.queue
            .sorted()
            .into_iter()
            .filter_map(|s| match &s.event {
                Event::Deliver {
                    from,
                    to,
                    sent,
                    shown,
                    ..
                } => Some(InFlight {
                    from: *from,
                    to: *to,
                    label: shown.to_string(),
                    sent: *sent,
                    arrives: s.time,
                }),
                _ => None,
            })
            .collect()
    }

    /// Registers an invariant, checked after every event from now on
    /// (register before the run starts to cover all of it).
    pub fn add_invariant(&mut self, invariant: Box<dyn Invariant<N>>) {
        self.invariants.push(invariant);
    }
    /// The registered invariants' names and promises, in order.
    pub fn invariants(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.invariants.iter().map(|i| (i.name(), i.promise()))
    }
    /// The first invariant violation of the run, if any.
    pub fn violation(&self) -> Option<&Violation> {
        self.violation.as_ref()
    }

    /// Runs the invariants over every trace event recorded since the trace
    /// held `before` events. Only the first violation is kept; after it the
    /// invariants rest (the run is already known to be broken).
    fn check_invariants(&mut self, before: u64) {
        if self.invariants.is_empty() || self.violation.is_some() {
            return;
        }
        let mut invariants = std::mem::take(&mut self.invariants);
        let new = (self.trace.total() - before) as usize;
        let mut found = None;
        'events: for e in self.trace.events().rev().take(new).rev() {
            for inv in invariants.iter_mut() {
                if let Some(text) = inv.check(self, e) {
                    found = Some(Violation {
                        invariant: inv.name(),
                        seq: e.seq,
                        time: e.time,
                        text,
                    });
                    break 'events;
                }
            }
        }
        self.invariants = invariants;
        self.violation = found;
    }

    /// Schedules an outside action at virtual time `at` (not before now).
    pub fn schedule(&mut self, at: Millis, fault: Fault) {
        // A client operation is parsed once, now, rather than when it runs;
        // one the protocol refuses stays a fault, to be reported then.
        let event = match &fault {
            Fault::Client { node, call } if Self::scope(call) == Some(Scope::Client) => {
                match Self::operation(call) {
                    Ok(op) => Event::Client(*node, op),
                    Err(_) => Event::Fault(Box::new(fault)),
                }
            }
            _ => Event::Fault(Box::new(fault)),
        };
        self.queue.push(at.max(self.now), event);
    }

    /// Applies an outside action right now.
    pub fn apply(&mut self, fault: Fault) {
        let before = self.trace.total();
        self.apply_fault(fault);
        self.check_invariants(before);
    }

    /// Handles the next event that does something visible. Returns false
    /// when nothing is left to do.
    pub fn step(&mut self) -> bool {
        let before = self.trace.total();
        while let Some(s) = self.queue.pop() {
            self.now = s.time;
            self.processed += 1;
            self.handle(s.event);
            if self.trace.total() != before {
                self.check_invariants(before);
                return true;
            }
        }
        false
    }

    /// Handles every event up to and including time `t`, then sets the clock
    /// to `t` — unless an invariant fails first: then it stops right after
    /// the violating event, with the clock at that event's time, so the
    /// state at the moment of failure can be inspected. Calling it again
    /// goes on from there.
    pub fn run_until(&mut self, t: Millis) {
        let clean = self.violation.is_none();
        while let Some(at) = self.queue.peek_time() {
            if at > t {
                break;
            }
            let s = self.queue.pop().expect("peeked");
            self.now = s.time;
            self.processed += 1;
            let before = self.trace.total();
            self.handle(s.event);
            if !self.invariants.is_empty() {
                self.check_invariants(before);
                if clean && self.violation.is_some() {
                    return;
                }
            }
        }
        self.now = self.now.max(t);
    }

    fn handle(&mut self, event: Event<N>) {
        match event {
            Event::Deliver {
                from,
                to,
                msg,
                shown,
                ..
            } => {
                let routine = N::routine(&msg);
                if !self.slots[to.index()].up {
                    let text = format!("{to} never got {shown} from {from}: {to} is down");
                    self.trace.push_msg(
                        self.now,
                        TraceKind::Drop,
                        Some(to),
                        Some(from),
                        text,
                        routine,
                    );
                } else if let Some(why) = self.net.cut_reason(from, to) {
                    let text = format!("{to} never got {shown} from {from}: {why}");
                    self.trace.push_msg(
                        self.now,
                        TraceKind::Drop,
                        Some(to),
                        Some(from),
                        text,
                        routine,
                    );
                } else if self.slots[to.index()].paused() {
                    // In the socket buffer of a frozen process.
                    self.slots[to.index()]
                        .held
                        .push(Held::Msg { from, msg, shown });
                } else {
                    let text = format!("{to} got {shown} from {from}");
                    self.trace.push_msg(
                        self.now,
                        TraceKind::Deliver,
                        Some(to),
                        Some(from),
                        text,
                        routine,
                    );
                    self.with_node(to, |node, cx| node.on_message(from, msg, cx));
                }
            }
            Event::Timer {
                node,
                incarnation,
                id,
                timer,
                ..
            } => {
                let slot = &self.slots[node.index()];
                // Cancelled timers and timers from before a crash vanish silently.
                if !self.live_timers.contains(&id.0) || !slot.up || slot.incarnation != incarnation
                {
                    self.live_timers.remove(&id.0);
                    return;
                }
                if slot.paused() {
                    // Still live: a message handled before it at the wake
                    // may cancel it.
                    self.slots[node.index()].held.push(Held::Timer(id, timer));
                    return;
                }
                self.live_timers.remove(&id.0);
                let text = format!("{node}: timer {timer} fired");
                self.trace
                    .push(self.now, TraceKind::Timer, Some(node), None, text);
                self.with_node(node, |n, cx| n.on_timer(timer, cx));
            }
            Event::ClientTimeout(op) => {
                let reason = format!(
                    "no answer within {}; it may or may not have taken effect",
                    fmt_ms(self.config.client_timeout)
                );
                let outcome = OpOutcome::TimedOut { reason };
                if self.history.complete(
                    op,
                    outcome,
                    String::new(),
                    self.now,
                    self.trace.total() + 1,
                ) {
                    let rec = self.history.get(op).expect("just completed");
                    let text = format!("client: {}", rec.describe());
                    self.trace
                        .push(self.now, TraceKind::ClientDone, Some(rec.node), None, text);
                }
            }
            Event::Fault(f) => self.apply_fault(*f),
            Event::Client(node, op) => {
                if node.index() < self.slots.len() {
                    self.client(node, op);
                }
            }
            Event::Wake { node, incarnation } => self.wake(node, incarnation),
            Event::Released {
                node,
                incarnation,
                item,
            } => self.release(node, incarnation, item),
        }
    }

    /// The end of a pause: the node carries on where it stopped, then
    /// handles what waited, in the order it arrived.
    fn wake(&mut self, id: NodeId, incarnation: u32) {
        let slot = &mut self.slots[id.index()];
        let Some(until) = slot.paused_until else {
            return;
        };
        if !slot.up || slot.incarnation != incarnation || until > self.now {
            return;
        }
        slot.paused_until = None;
        let slot_incarnation = slot.incarnation;
        let held = std::mem::take(&mut slot.held);
        let msgs = held
            .iter()
            .filter(|h| matches!(h, Held::Msg { .. }))
            .count();
        let timers = held.iter().filter(|h| matches!(h, Held::Timer(..))).count();
        self.fault_note(
            Some(id),
            format!(
                "{id} wakes from its pause and carries on as if no time had passed; \
                 what waited is handled now ({msgs} message(s), {timers} timer(s))"
            ),
        );
        let incarnation = slot_incarnation;
        for item in held {
            self.queue.push(
                self.now,
                Event::Released {
                    node: id,
                    incarnation,
                    item,
                },
            );
        }
    }

    /// One item that waited during a pause.
    fn release(&mut self, id: NodeId, incarnation: u32, item: Held<N>) {
        let slot = &mut self.slots[id.index()];
        if !slot.up || slot.incarnation != incarnation {
            return;
        }
        if slot.paused() {
            // Paused again before it got to this.
            slot.held.push(item);
            return;
        }
        match item {
            Held::Msg { from, msg, shown } => {
                let routine = N::routine(&msg);
                let text = format!("{id} got {shown} from {from} (it waited during the pause)");
                self.trace.push_msg(
                    self.now,
                    TraceKind::Deliver,
                    Some(id),
                    Some(from),
                    text,
                    routine,
                );
                self.with_node(id, |node, cx| node.on_message(from, msg, cx));
            }
            Held::Timer(tid, timer) => {
                if !self.live_timers.remove(&tid.0) {
                    return;
                }
                let text = format!("{id}: timer {timer} fired (late: it was due during the pause)");
                self.trace
                    .push(self.now, TraceKind::Timer, Some(id), None, text);
                self.with_node(id, |n, cx| n.on_timer(timer, cx));
            }
            Held::Client(op) => self.with_node(id, |node, cx| node.on_client(op, cx)),
        }
    }

    fn fault_note(&mut self, node: Option<NodeId>, text: String) {
        self.trace
            .push(self.now, TraceKind::Fault, node, None, text);
    }

    fn apply_fault(&mut self, fault: Fault) {
        let n = self.slots.len();
        match fault {
            Fault::Partition(groups) => {
                self.net.clear_partition();
                for (side, group) in groups.iter().enumerate().take(Side::MAX as usize) {
                    for &id in group.iter().filter(|id| id.index() < n) {
                        self.net.set_side(id, Side(side as u8));
                    }
                }
                let text = format!("network partitioned: {}", self.sides_text());
                self.fault_note(None, text);
            }
            Fault::SetSide(id, side) => {
                if id.index() >= n {
                    return;
                }
                self.net.set_side(id, side);
                let text = format!("{id} moved to side {side}: {}", self.sides_text());
                self.fault_note(Some(id), text);
            }
            Fault::Cut { from, to, both } => {
                if from.index() >= n || to.index() >= n || from == to {
                    return;
                }
                self.net.cut(from, to, CutRule::Cut);
                let text = if both {
                    self.net.cut(to, from, CutRule::Cut);
                    format!("the link between {from} and {to} is cut both ways")
                } else {
                    format!(
                        "the link {from}→{to} is cut one way: {to} no longer hears {from}, \
                         {from} still hears {to}"
                    )
                };
                self.fault_note(Some(from), text);
            }
            Fault::Isolate(id) => {
                if id.index() >= n {
                    return;
                }
                self.net.isolate(id);
                self.fault_note(
                    Some(id),
                    format!("{id} is isolated: it can reach no other node, and none can reach it"),
                );
            }
            Fault::Link {
                from,
                to,
                both,
                quality,
            } => {
                if from.index() >= n || to.index() >= n || from == to {
                    return;
                }
                let quality = LinkQuality {
                    loss: quality.loss.map(|p| p.clamp(0.0, 1.0)),
                    latency: quality.latency.map(|(a, b)| (a.min(b), a.max(b))),
                };
                self.net.set_quality(from, to, quality);
                if both {
                    self.net.set_quality(to, from, quality);
                }
                let mut parts = Vec::new();
                if let Some(p) = quality.loss {
                    parts.push(format!("loses {}% of messages", percent(p)));
                }
                if let Some((a, b)) = quality.latency {
                    parts.push(format!("takes {a}-{b} ms"));
                }
                let which = if both {
                    format!("the link between {from} and {to} (both ways)")
                } else {
                    format!("the link {from}→{to}")
                };
                self.fault_note(Some(from), format!("{which} now {}", parts.join(" and ")));
            }
            Fault::Bridge {
                bridge,
                left,
                right,
            } => {
                let inside = |g: &[NodeId]| {
                    g.iter()
                        .copied()
                        .filter(|id| id.index() < n)
                        .collect::<Vec<_>>()
                };
                let (bridge, left, right) = (inside(&bridge), inside(&left), inside(&right));
                self.net.clear_partition();
                for &a in &left {
                    for &b in &right {
                        self.net.cut(a, b, CutRule::Bridge);
                        self.net.cut(b, a, CutRule::Bridge);
                    }
                }
                let names = |g: &[NodeId]| {
                    g.iter()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let text = format!(
                    "bridge partition: {{{}}} and {{{}}} cannot reach each other; {{{}}} reaches both",
                    names(&left),
                    names(&right),
                    names(&bridge)
                );
                self.fault_note(None, text);
            }
            Fault::Heal => {
                self.net.heal();
                self.fault_note(
                    None,
                    "network healed: every node can reach every other".into(),
                );
            }
            Fault::Crash(id) => {
                if id.index() >= n {
                    return;
                }
                let slot = &mut self.slots[id.index()];
                if !slot.up {
                    self.fault_note(Some(id), format!("{id} is already down"));
                    return;
                }
                slot.up = false;
                slot.incarnation += 1;
                slot.paused_until = None;
                slot.held.clear();
                let text = format!(
                    "{id} crashed: its volatile state is lost, its durable state stays on disk; \
                     messages to it are dropped until it restarts"
                );
                self.trace
                    .push(self.now, TraceKind::Crash, Some(id), None, text);
            }
            Fault::Restart(id) => {
                if id.index() >= n {
                    return;
                }
                if self.slots[id.index()].up {
                    self.fault_note(Some(id), format!("{id} is already running"));
                    return;
                }
                let slot = &mut self.slots[id.index()];
                let durable = slot.node.durable().clone();
                slot.node = N::recover(id, n, &self.node_config, durable);
                slot.up = true;
                let text = format!("{id} restarted from its durable state");
                self.trace
                    .push(self.now, TraceKind::Restart, Some(id), None, text);
                self.with_node(id, |node, cx| node.on_start(cx));
            }
            Fault::Skew(id, ms) => {
                if id.index() >= n {
                    return;
                }
                let slot = &mut self.slots[id.index()];
                // The offset becomes `ms`; what drift added stays apart.
                slot.skew = ms - slot.drift_part(self.now);
                self.fault_note(
                    Some(id),
                    format!("{id}'s clock now runs {ms:+} ms off true time"),
                );
            }
            Fault::Drift(id, pct) => {
                if id.index() >= n {
                    return;
                }
                let pct = pct.clamp(-90, 100);
                let now = self.now;
                let slot = &mut self.slots[id.index()];
                slot.drifted = slot.drift_part(now);
                slot.drift_since = now;
                slot.drift = pct;
                // Timers it armed before: due at the same moment of its
                // clock, which now runs at the new rate.
                let mono = (now as i64 + slot.drifted).max(0) as Millis;
                let slot = &self.slots[id.index()];
                self.queue.retime(|e| match e {
                    Event::Timer { node, due, .. } if *node == id => {
                        Some(now + slot.real(due.saturating_sub(mono)))
                    }
                    _ => None,
                });
                let how = match pct {
                    0 => "at true speed".to_string(),
                    p if p < 0 => format!("{}% slow: its timers fire late", -p),
                    p => format!("{p}% fast: its timers fire early"),
                };
                self.fault_note(Some(id), format!("{id}'s clock now runs {how}"));
            }
            Fault::Pause(id, ms) => {
                if id.index() >= n {
                    return;
                }
                let slot = &mut self.slots[id.index()];
                if !slot.up {
                    self.fault_note(Some(id), format!("{id} is down: nothing to pause"));
                    return;
                }
                let until = slot.paused_until.unwrap_or(self.now).max(self.now + ms);
                slot.paused_until = Some(until);
                let incarnation = slot.incarnation;
                self.queue.push(
                    until,
                    Event::Wake {
                        node: id,
                        incarnation,
                    },
                );
                self.fault_note(
                    Some(id),
                    format!(
                        "{id} freezes for {} (a stop-the-world pause): it handles nothing until {}, \
                         and will not know it was away",
                        fmt_ms(ms),
                        fmt_ms(until)
                    ),
                );
            }
            Fault::Loss(p) => {
                self.net.config.loss = p.clamp(0.0, 1.0);
                self.fault_note(
                    None,
                    format!("network now loses {}% of messages", percent(p)),
                );
            }
            Fault::Duplicate(p) => {
                self.net.config.duplicate = p.clamp(0.0, 1.0);
                self.fault_note(
                    None,
                    format!("network now duplicates {}% of messages", percent(p)),
                );
            }
            Fault::Delay(lo, hi) => {
                let (lo, hi) = (lo.min(hi), lo.max(hi));
                self.net.config.latency = (lo, hi);
                self.fault_note(None, format!("message latency now {lo}-{hi} ms"));
            }
            Fault::Client { node, call } => {
                if node.index() >= n {
                    return;
                }
                match (Self::operation(&call), Self::scope(&call)) {
                    (Ok(op), Some(Scope::Client)) => self.client(node, op),
                    (Ok(op), Some(Scope::Node)) => self.nudge(node, &call, op),
                    (Ok(_), _) => self.fault_note(
                        Some(node),
                        format!("'{call}' acts on every node: write it without a node"),
                    ),
                    (Err(why), _) => self.fault_note(
                        Some(node),
                        format!("client request '{call}' refused: {why}"),
                    ),
                }
            }
            Fault::Everyone(call) => match (Self::operation(&call), Self::scope(&call)) {
                (Ok(op), Some(Scope::Cluster)) => {
                    for id in (0..n).map(NodeId::from_index) {
                        self.nudge(id, &call, op.clone());
                    }
                }
                (Ok(_), _) => self.fault_note(
                    None,
                    format!("'{call}' needs a node: write e.g. '{} n1'", call.verb),
                ),
                (Err(why), _) => self.fault_note(None, format!("'{call}' refused: {why}")),
            },
            Fault::Tune(knob, value) => {
                let text = match N::tune(&mut self.node_config, &knob, &value) {
                    Ok(text) => text,
                    Err(why) => format!("setting {knob}={value} refused: {why}"),
                };
                self.fault_note(None, text);
            }
        }
    }

    fn sides_text(&self) -> String {
        let mut parts = Vec::new();
        for s in 0..Side::MAX {
            let members: Vec<String> = (0..self.slots.len())
                .map(NodeId::from_index)
                .filter(|&id| self.net.side(id) == Side(s))
                .map(|id| id.to_string())
                .collect();
            if !members.is_empty() {
                parts.push(format!("side {} = {{{}}}", Side(s), members.join(", ")));
            }
        }
        parts.join(", ")
    }

    /// The protocol's operation for `call`: its declared verb, arguments
    /// parsed as declared, then accepted by the protocol.
    pub fn operation(call: &Call) -> Result<N::Op, String> {
        let spec = find(N::operations(), &call.verb).ok_or_else(|| {
            let verbs: Vec<&str> = N::operations().iter().map(|s| s.verb).collect();
            format!(
                "this scenario's operations are {}, not '{}'",
                verbs.join(", "),
                call.verb
            )
        })?;
        let args = spec.parse_args(&call.args).map_err(|(_, _, why)| why)?;
        N::operation(spec.verb, &args)
    }

    /// How the protocol declared `call`'s verb, if it did.
    fn scope(call: &Call) -> Option<Scope> {
        find(N::operations(), &call.verb).map(|s| s.scope)
    }

    /// A learner's action on one node: noted, then handed to the node (a
    /// node that is down cannot be reached).
    fn nudge(&mut self, id: NodeId, call: &Call, op: N::Op) {
        if !self.slots[id.index()].up {
            self.fault_note(Some(id), format!("{call}: {id} is down, nothing happens"));
            return;
        }
        self.fault_note(Some(id), format!("learner: {call} on {id}"));
        self.with_node(id, |node, cx| node.on_nudge(op, cx));
    }

    fn client(&mut self, id: NodeId, op: N::Op) {
        if id.index() >= self.slots.len() {
            return;
        }
        let kind = N::model(&op);
        // The invocation is the next trace event; its completion, later ones.
        let op_value = op;
        let op = self
            .history
            .invoke(id, kind.clone(), self.now, self.trace.total() + 1);
        let text = format!("client: {} via {id} (op {})", kind.describe(), op.0);
        self.trace
            .push(self.now, TraceKind::ClientInvoke, Some(id), None, text);
        if N::multicast_requests() {
            self.queue.push(
                self.now + self.config.client_timeout,
                Event::ClientTimeout(op),
            );
            // Every running replica gets the same request, in id order.
            for to in (0..self.slots.len()).map(NodeId::from_index) {
                if self.slots[to.index()].up {
                    let request = ClientOp {
                        id: op,
                        kind: op_value.clone(),
                        session: self.session.clone(),
                    };
                    self.deliver_client(to, request);
                }
            }
            return;
        }
        if !self.slots[id.index()].up {
            let reason = format!("{id} is down: the client could not connect");
            let seq = self.trace.total() + 1;
            self.history.complete(
                op,
                OpOutcome::Failed { reason },
                String::new(),
                self.now,
                seq,
            );
            let text = format!(
                "client: {}",
                self.history.get(op).expect("invoked").describe()
            );
            self.trace
                .push(self.now, TraceKind::ClientDone, Some(id), None, text);
            return;
        }
        self.queue.push(
            self.now + self.config.client_timeout,
            Event::ClientTimeout(op),
        );
        let request = ClientOp {
            id: op,
            kind: op_value,
            session: self.session.clone(),
        };
        self.deliver_client(id, request);
    }

    /// Hands a client request to a running node, or to a paused one's
    /// buffer.
    fn deliver_client(&mut self, id: NodeId, request: ClientOp<N::Op>) {
        let slot = &mut self.slots[id.index()];
        if slot.paused() {
            slot.held.push(Held::Client(request));
        } else {
            self.with_node(id, |node, cx| node.on_client(request, cx));
        }
    }

    /// Runs a handler on one node, then applies the effects it asked for.
    fn with_node(&mut self, id: NodeId, f: impl FnOnce(&mut N, &mut Cx<'_, N>)) {
        let mut effects = std::mem::take(&mut self.effects);
        let slot = &mut self.slots[id.index()];
        let mut cx = Cx {
            id,
            now: self.now,
            skew: slot.offset(self.now),
            drifted: slot.drift_part(self.now),
            cluster_size: self.config.nodes,
            config: &self.node_config,
            rng: &mut slot.rng,
            next_timer: &mut self.next_timer,
            effects: &mut effects,
        };
        f(&mut slot.node, &mut cx);
        let incarnation = slot.incarnation;
        for e in effects.drain(..) {
            self.apply_effect(id, incarnation, e);
        }
        self.effects = effects;
    }

    fn apply_effect(&mut self, at: NodeId, incarnation: u32, effect: Effect<N>) {
        match effect {
            Effect::Send { to, msg } => self.send(at, to, msg),
            Effect::SetTimer { id, after, timer } => {
                self.live_timers.insert(id.0);
                let slot = &self.slots[at.index()];
                let due = (self.now as i64 + slot.drift_part(self.now)).max(0) as Millis + after;
                let ev = Event::Timer {
                    node: at,
                    incarnation,
                    id,
                    timer,
                    due,
                };
                let after = slot.real(after);
                self.queue.push(self.now + after, ev);
            }
            Effect::CancelTimer(id) => {
                self.live_timers.remove(&id.0);
            }
            Effect::Complete {
                op,
                outcome,
                note,
                session,
            } => {
                let seq = self.trace.total() + 1;
                let late = !self.history.complete(op, outcome, note, self.now, seq);
                if let (false, Some(token)) = (late, session) {
                    self.session.merge(&token);
                }
                let text = if late {
                    format!(
                        "{at} answered op {} too late: the client had already given up",
                        op.0
                    )
                } else {
                    let rec = self.history.get(op).expect("completed");
                    let how = if rec.note.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", rec.note)
                    };
                    format!("client: {}{how}", rec.describe())
                };
                self.trace
                    .push(self.now, TraceKind::ClientDone, Some(at), None, text);
            }
            Effect::Answer { op, outcome, note } => self.answer(at, op, outcome, note),
            Effect::Note(text) => {
                self.trace.push(
                    self.now,
                    TraceKind::State,
                    Some(at),
                    None,
                    format!("{at}: {text}"),
                );
            }
        }
    }

    /// Tallies one node's answer; the client accepts an outcome once
    /// [`Node::answers_needed`] different nodes have given it.
    fn answer(&mut self, at: NodeId, op: OpId, outcome: OpOutcome, note: String) {
        let Some(rec) = self.history.get(op) else {
            return;
        };
        let open = rec.outcome == OpOutcome::Pending;
        let answers = self.answers.entry(op).or_default();
        if answers.iter().any(|a| a.node == at) {
            return;
        }
        answers.push(Answer {
            node: at,
            at: self.now,
            outcome: outcome.clone(),
        });
        let agreeing: Vec<NodeId> = answers
            .iter()
            .filter(|a| a.outcome == outcome)
            .map(|a| a.node)
            .collect();
        let needed = N::answers_needed(self.slots.len());
        let said = match &outcome {
            OpOutcome::Ok { value: Some(v) } => format!("ok, value {v}"),
            OpOutcome::Ok { value: None } => "ok".to_string(),
            OpOutcome::Failed { reason } => format!("failed: {reason}"),
            OpOutcome::TimedOut { .. } | OpOutcome::Pending => "no answer".to_string(),
        };
        let text = format!(
            "{at} answered op {}: {said} ({} of the {needed} matching answers the client needs{})",
            op.0,
            agreeing.len(),
            if open { "" } else { "; already settled" }
        );
        self.trace
            .push(self.now, TraceKind::State, Some(at), None, text);
        if open && agreeing.len() >= needed {
            let names: Vec<String> = agreeing.iter().map(|n| n.to_string()).collect();
            let note = format!(
                "{needed} matching answers, from {}{}",
                names.join(", "),
                if note.is_empty() {
                    String::new()
                } else {
                    format!("; {note}")
                }
            );
            self.apply_effect(
                at,
                0,
                Effect::Complete {
                    op,
                    outcome,
                    note,
                    session: None,
                },
            );
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: N::Msg) {
        if to.index() >= self.slots.len() {
            return;
        }
        let routine = N::routine(&msg);
        // A cut link drops the message before the network's dice are rolled.
        let dropped = match self.net.cut_reason(from, to) {
            Some(why) => Some(format!("dropped: {why}")),
            None => {
                let loss = self.net.loss(from, to);
                (loss > 0.0 && self.slots[from.index()].net_rng.random_bool(loss))
                    .then(|| "lost by the network".to_string())
            }
        };
        let shown: Rc<str> = msg.to_string().into();
        if let Some(why) = dropped {
            let text = format!("{shown} from {from} to {to} was {why}");
            let kind = TraceKind::Drop;
            self.trace
                .push_msg(self.now, kind, Some(to), Some(from), text, routine);
            return;
        }
        let (lo, hi) = self.net.latency(from, to);
        let dup = self.net.config.duplicate;
        let dice = &mut self.slots[from.index()].net_rng;
        let copies = if dup > 0.0 && dice.random_bool(dup) {
            2
        } else {
            1
        };
        let mut msg = Some(msg);
        for copy in 0..copies {
            // The last copy takes the message itself: no clone in the
            // usual case of one copy.
            let this = if copy + 1 == copies {
                msg.take()
            } else {
                msg.clone()
            };
            let msg = this.expect("one message per copy");
            let latency = if lo < hi {
                self.slots[from.index()].net_rng.random_range(lo..=hi)
            } else {
                lo
            };
            let text = if copy == 0 {
                format!("{from} sent {shown} to {to}")
            } else {
                format!("the network duplicated {shown} from {from} to {to}")
            };
            let kind = if copy == 0 {
                TraceKind::Send
            } else {
                TraceKind::Duplicate
            };
            self.trace
                .push_msg(self.now, kind, Some(from), Some(to), text, routine);
            let ev = Event::Deliver {
                from,
                to,
                sent: self.now,
                msg,
                shown: shown.clone(),
            };
            self.queue.push(self.now + latency, ev);
        }
    }
}
