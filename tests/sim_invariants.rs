//! Invariants checked after every event: a deliberately broken protocol is
//! caught at the exact event, the run stops there, and the leader-follower
//! failover keeps one leader per epoch under random faults (and visibly does
//! not when failover is unsafe).

use std::collections::BTreeMap;
use std::fmt;

use statedist::check::Status;
use statedist::protocols::register::{self, RegisterOp};
use statedist::scenario::{self, Params};
use statedist::sim::script::Script;
use statedist::sim::{
    Arg, ClientOp, Cx, Invariant, Node, NodeId, OpKind, OpOutcome, OpSpec, TraceEvent, TraceKind,
    World, WorldConfig,
};

/// Broken on purpose: every node declares itself leader of epoch 1 after
/// `100 ms × its id`, asking nobody.
struct Usurper {
    leads: bool,
}

#[derive(Clone, Debug)]
struct Never;
impl fmt::Display for Never {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "never")
    }
}

#[derive(Clone, Debug)]
struct Claim;
impl fmt::Display for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "claim")
    }
}

impl Node for Usurper {
    type Msg = Never;
    type Timer = Claim;
    type Durable = ();
    type Config = ();
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
    fn new(_: NodeId, _: usize, _: &()) -> Self {
        Usurper { leads: false }
    }
    fn durable(&self) -> &() {
        &()
    }
    fn recover(id: NodeId, n: usize, c: &(), _: ()) -> Self {
        Self::new(id, n, c)
    }
    fn on_start(&mut self, cx: &mut Cx<'_, Self>) {
        cx.set_timer(100 * cx.id().0 as u64, Claim);
    }
    fn on_message(&mut self, _: NodeId, _: Never, _: &mut Cx<'_, Self>) {}
    fn on_timer(&mut self, _: Claim, cx: &mut Cx<'_, Self>) {
        self.leads = true;
        cx.note("leads epoch 1");
    }
    fn on_client(&mut self, op: ClientOp<RegisterOp>, cx: &mut Cx<'_, Self>) {
        cx.complete(op.id, OpOutcome::Ok { value: None }, "");
    }
    fn role(&self) -> String {
        if self.leads { "leader" } else { "follower" }.into()
    }
    fn state(&self, _config: &Self::Config) -> Vec<(String, String)> {
        Vec::new()
    }
}

#[derive(Default)]
struct OneLeader {
    leader: Option<NodeId>,
}

impl Invariant<Usurper> for OneLeader {
    fn name(&self) -> &'static str {
        "one leader"
    }
    fn promise(&self) -> &'static str {
        "at most one node leads epoch 1"
    }
    fn check(&mut self, world: &World<Usurper>, event: &TraceEvent) -> Option<String> {
        // Claims are noted; the note is the event that made a second leader.
        if event.kind != TraceKind::State {
            return None;
        }
        let n = event.node?;
        if !world.node(n).leads {
            return None;
        }
        match *self.leader.get_or_insert(n) {
            other if other != n => Some(format!("{n} leads epoch 1 while {other} does")),
            _ => None,
        }
    }
}

#[test]
fn a_broken_protocol_is_caught_at_the_exact_event_and_the_run_stops_there() {
    let mut w = World::<Usurper>::new(WorldConfig::new(1, 3), ());
    w.add_invariant(Box::new(OneLeader::default()));
    w.check_start();
    w.run_until(1000);
    let v = w.violation().expect("caught").clone();
    // The second claim is n2's note at 200 ms: that event, not a later one.
    let claim = w
        .trace()
        .events()
        .find(|e| e.kind == TraceKind::State && e.node == Some(NodeId(2)))
        .expect("n2 claimed")
        .clone();
    assert_eq!(v.seq, claim.seq);
    assert_eq!(v.time, 200);
    assert_eq!(v.text, "n2 leads epoch 1 while n1 does");
    // The run stopped right after it: n3's claim at 300 ms has not happened.
    assert_eq!(w.now(), 200);
    assert_eq!(w.trace().events().last().unwrap().seq, claim.seq);
    // Going on runs to the end, and the first violation stays the one kept.
    w.run_until(1000);
    assert_eq!(w.now(), 1000);
    assert!(w.node(NodeId(3)).leads);
    assert_eq!(w.violation(), Some(&v));
}

#[test]
fn a_correct_run_passes_every_check() {
    // With one node there is nobody to disagree with.
    let mut w = World::<Usurper>::new(WorldConfig::new(1, 1), ());
    w.add_invariant(Box::new(OneLeader::default()));
    w.run_until(1000);
    assert!(w.violation().is_none());
    assert!(w.node(NodeId(1)).leads);
}

fn lf(seed: u64, failover: &str, script: &str) -> Box<dyn scenario::Run> {
    let params = Params {
        seed,
        script: Script::parse(script).unwrap(),
        settings: BTreeMap::from([("failover".to_string(), failover.to_string())]),
        ..Params::default()
    };
    let mut r = scenario::find("leader-follower")
        .unwrap()
        .start(&params)
        .unwrap();
    r.run_until(8000);
    if r.now() < 8000 {
        r.run_until(8000);
    }
    r
}

fn invariant_status(r: &dyn scenario::Run) -> Status {
    r.verdicts()
        .into_iter()
        .find(|v| v.check == "one leader per epoch")
        .expect("the invariant's verdict")
        .status
}

#[test]
fn voted_failover_keeps_one_leader_per_epoch_under_random_faults() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
    for seed in 0..60 {
        let mut steps = Vec::new();
        for k in 0..6 {
            let at = 500 + k * 1000 + rng.random_range(0..500u64);
            let step = match rng.random_range(0..5u32) {
                0 => "partition 1 | 2 | 3".to_string(),
                1 => match rng.random_range(1..=3u32) {
                    1 => "partition 1 | 2,3".to_string(),
                    2 => "partition 2 | 1,3".to_string(),
                    _ => "partition 3 | 1,2".to_string(),
                },
                2 => format!("crash {}", rng.random_range(1..=3u32)),
                3 => format!("restart {}", rng.random_range(1..=3u32)),
                _ => "heal".to_string(),
            };
            steps.push(format!("at {at}ms {step}"));
        }
        let script = steps.join("; ");
        let r = lf(seed, "vote", &script);
        assert!(
            r.violation().is_none(),
            "seed {seed}, {script}: {:?}",
            r.violation()
        );
        assert_eq!(invariant_status(&*r), Status::Pass);
    }
}

#[test]
fn unsafe_failover_splits_the_brain_and_the_invariant_says_where() {
    let r = lf(1, "unsafe", "at 1s partition 1 | 2 | 3");
    let v = r.violation().expect("two leaders in epoch 2");
    assert!(v.text.contains("two leaders in one epoch"), "{}", v.text);
    let at = r
        .trace()
        .events()
        .find(|e| e.seq == v.seq)
        .expect("the event");
    assert!(
        at.text.contains("promotes itself for epoch 2"),
        "{}",
        at.text
    );
    assert_eq!(invariant_status(&*r), Status::Fail);
    // The same faults with voted failover: no second leader.
    let safe = lf(1, "vote", "at 1s partition 1 | 2 | 3");
    assert!(safe.violation().is_none());
}
