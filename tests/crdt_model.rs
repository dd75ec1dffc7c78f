//! The CRDTs of `src/model/` on random replicated executions: three
//! replicas update independently and receive each other's states late,
//! twice, out of order or never (a delivery is any snapshot a replica ever
//! had). After every step each replica's value must equal what the `crdts`
//! crate computes on the same execution, and after a final exchange all
//! replicas must be equal. Merge laws are checked on reachable states.

use std::collections::BTreeSet;

use crdts::{CmRDT, CvRDT};
use proptest::prelude::*;
use statedist::model::{GCounter, MvRegister, OrSet, Orswot, PnCounter};

const R: u8 = 3;

#[derive(Clone, Debug)]
enum Step {
    /// Replica `r` updates with operation `op` on element/value `e`.
    Update { r: u8, op: u8, e: u8 },
    /// Replica `to` merges the `age`-th newest snapshot replica `from` had.
    Deliver { from: u8, to: u8, age: u8 },
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![
            (0..R, 0u8..2, 0u8..4).prop_map(|(r, op, e)| Step::Update { r, op, e }),
            (0..R, 0..R, 0u8..4).prop_map(|(from, to, age)| Step::Deliver { from, to, age }),
        ],
        0..40,
    )
}

/// The `age`-th newest state a replica had (its oldest if fewer): a
/// delivery that arrives late, twice, or instead of newer ones.
fn late<P: Clone>(history: &[P], age: u8) -> P {
    history[history.len() - 1 - (age as usize).min(history.len() - 1)].clone()
}

/// A pair of implementations of one type, ours and the crate's, run
/// side by side on the same execution.
trait Pair: Clone {
    fn new() -> Self;
    fn update(&mut self, r: u8, op: u8, e: u8);
    fn merge(&mut self, other: &Self);
    /// (ours, theirs), each as text in a canonical order.
    fn values(&self) -> (String, String);
    fn same_state(&self, other: &Self) -> bool;
}

/// Runs `steps` on three replicas: returns an error naming the first step
/// after which ours and the crate disagree, or after which the final
/// exchange leaves replicas unequal.
fn run<P: Pair>(steps: &[Step]) -> Result<Vec<P>, String> {
    let mut reps: Vec<P> = (0..R).map(|_| P::new()).collect();
    let mut history: Vec<Vec<P>> = reps.iter().map(|p| vec![p.clone()]).collect();
    for (i, s) in steps.iter().enumerate() {
        match *s {
            Step::Update { r, op, e } => {
                reps[r as usize].update(r, op, e);
                history[r as usize].push(reps[r as usize].clone());
            }
            Step::Deliver { from, to, age } => {
                let snap = late(&history[from as usize], age);
                reps[to as usize].merge(&snap);
                history[to as usize].push(reps[to as usize].clone());
            }
        }
        for (r, p) in reps.iter().enumerate() {
            let (ours, theirs) = p.values();
            if ours != theirs {
                return Err(format!(
                    "after step {i} ({s:?}) replica {r}: ours {ours}, crdts {theirs}"
                ));
            }
        }
    }
    // Gossip completes: everyone merges everyone, twice round.
    for _ in 0..2 {
        for a in 0..R as usize {
            for b in 0..R as usize {
                let other = reps[b].clone();
                reps[a].merge(&other);
            }
        }
    }
    for p in &reps[1..] {
        if !p.same_state(&reps[0]) || p.values() != reps[0].values() {
            return Err(format!(
                "replicas differ after a full exchange: {:?} vs {:?}",
                reps[0].values(),
                p.values()
            ));
        }
    }
    Ok(reps)
}

#[derive(Clone)]
struct Counters(
    PnCounter<u8>,
    crdts::PNCounter<u8>,
    GCounter<u8>,
    crdts::GCounter<u8>,
);

impl Pair for Counters {
    fn new() -> Self {
        Self(
            PnCounter::new(),
            crdts::PNCounter::new(),
            GCounter::new(),
            crdts::GCounter::new(),
        )
    }
    fn update(&mut self, r: u8, op: u8, _e: u8) {
        if op == 0 {
            self.0.incr(r, 1);
            let o = self.1.inc(r);
            self.1.apply(o);
        } else {
            self.0.decr(r, 1);
            let o = self.1.dec(r);
            self.1.apply(o);
        }
        self.2.incr(r, 1);
        let o = self.3.inc(r);
        self.3.apply(o);
    }
    fn merge(&mut self, o: &Self) {
        self.0.merge(&o.0);
        self.1.merge(o.1.clone());
        self.2.merge(&o.2);
        self.3.merge(o.3.clone());
    }
    fn values(&self) -> (String, String) {
        (
            format!("{} {}", self.0.value(), self.2.value()),
            format!("{} {}", self.1.read(), self.3.read()),
        )
    }
    fn same_state(&self, o: &Self) -> bool {
        self.0 == o.0 && self.2 == o.2
    }
}

/// Both our OR-Sets against the crate's `Orswot` (add-wins too).
#[derive(Clone)]
struct Sets(OrSet<u8, u8>, Orswot<u8, u8>, crdts::Orswot<u8, u8>);

impl Pair for Sets {
    fn new() -> Self {
        Self(OrSet::new(), Orswot::new(), crdts::Orswot::new())
    }
    fn update(&mut self, r: u8, op: u8, e: u8) {
        if op == 0 {
            self.0.add(r, e);
            self.1.add(r, e);
            let ctx = self.2.read_ctx().derive_add_ctx(r);
            let o = self.2.add(e, ctx);
            self.2.apply(o);
        } else {
            self.0.remove(&e);
            self.1.remove(&e);
            let ctx = self.2.contains(&e).derive_rm_ctx();
            let o = self.2.rm(e, ctx);
            self.2.apply(o);
        }
    }
    fn merge(&mut self, o: &Self) {
        self.0.merge(&o.0);
        self.1.merge(&o.1);
        self.2.merge(o.2.clone());
    }
    fn values(&self) -> (String, String) {
        let ours: BTreeSet<u8> = self.0.elements();
        let optimised: BTreeSet<u8> = self.1.elements().copied().collect();
        let theirs: BTreeSet<u8> = self.2.read().val.into_iter().collect();
        (
            format!("{ours:?} {optimised:?}"),
            format!("{theirs:?} {theirs:?}"),
        )
    }
    fn same_state(&self, o: &Self) -> bool {
        self.0 == o.0 && self.1 == o.1
    }
}

#[derive(Clone)]
struct Registers(MvRegister<u8, u8>, crdts::MVReg<u8, u8>);

impl Pair for Registers {
    fn new() -> Self {
        Self(MvRegister::new(), crdts::MVReg::new())
    }
    fn update(&mut self, r: u8, _op: u8, e: u8) {
        self.0.set(r, e);
        let ctx = self.1.read_ctx().derive_add_ctx(r);
        let o = self.1.write(e, ctx);
        self.1.apply(o);
    }
    fn merge(&mut self, o: &Self) {
        self.0.merge(&o.0);
        self.1.merge(o.1.clone());
    }
    fn values(&self) -> (String, String) {
        let mut ours: Vec<u8> = self.0.values().iter().map(|(_, v)| *v).collect();
        let mut theirs = self.1.read().val;
        ours.sort();
        theirs.sort();
        (format!("{ours:?}"), format!("{theirs:?}"))
    }
    fn same_state(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}

/// Commutative, associative, idempotent on three reachable states.
fn laws<T: Clone + PartialEq + std::fmt::Debug>(
    s: &[T],
    merge: impl Fn(&mut T, &T),
) -> Result<(), TestCaseError> {
    let m = |x: &T, y: &T| {
        let mut z = x.clone();
        merge(&mut z, y);
        z
    };
    let (a, b, c) = (&s[0], &s[1], &s[2]);
    prop_assert_eq!(m(a, b), m(b, a), "commutative");
    prop_assert_eq!(m(&m(a, b), c), m(a, &m(b, c)), "associative");
    prop_assert_eq!(&m(a, a), a, "idempotent");
    Ok(())
}

/// The replicas' states just before the final exchange.
fn reached<P: Pair>(steps: &[Step]) -> Vec<P> {
    let mut reps: Vec<P> = (0..R).map(|_| P::new()).collect();
    let mut history: Vec<Vec<P>> = reps.iter().map(|p| vec![p.clone()]).collect();
    for s in steps {
        match *s {
            Step::Update { r, op, e } => reps[r as usize].update(r, op, e),
            Step::Deliver { from, to, age } => {
                let snap = late(&history[from as usize], age);
                reps[to as usize].merge(&snap);
            }
        }
        for (r, p) in reps.iter().enumerate() {
            history[r].push(p.clone());
        }
    }
    reps
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn counters_match_the_crdts_crate(s in steps()) {
        run::<Counters>(&s).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn or_sets_match_the_crdts_crate(s in steps()) {
        run::<Sets>(&s).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn mv_register_matches_the_crdts_crate(s in steps()) {
        run::<Registers>(&s).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn orswot_and_mvregister_merge_laws(s in steps()) {
        let sets: Vec<Orswot<u8, u8>> = reached::<Sets>(&s).into_iter().map(|p| p.1).collect();
        laws(&sets, |a, b| a.merge(b))?;
        let regs: Vec<MvRegister<u8, u8>> = reached::<Registers>(&s).into_iter().map(|p| p.0).collect();
        laws(&regs, |a, b| a.merge(b))?;
    }

    /// Applying the operations one after another on a single, always
    /// up-to-date replica gives what merging the replicas' states gives
    /// when every update was made on a fully synced replica.
    #[test]
    fn synced_updates_behave_like_a_plain_set(ops in prop::collection::vec((0..R, 0u8..2, 0u8..4), 0..30)) {
        let mut plain = BTreeSet::new();
        let mut reps: Vec<Sets> = (0..R).map(|_| Sets::new()).collect();
        for (r, op, e) in ops {
            reps[r as usize].update(r, op, e);
            if op == 0 { plain.insert(e); } else { plain.remove(&e); }
            let now = reps[r as usize].clone();
            for p in reps.iter_mut() { p.merge(&now); }
            prop_assert_eq!(reps[0].0.elements(), plain.clone());
        }
    }
}

#[test]
fn a_tie_free_execution_the_crate_agrees_on() {
    // n0 adds milk; n1, not having seen it, removes milk; after the
    // exchange milk stays (add-wins) in all three implementations.
    let steps = [
        Step::Update { r: 0, op: 0, e: 7 },
        Step::Update { r: 1, op: 1, e: 7 },
        Step::Deliver {
            from: 0,
            to: 1,
            age: 0,
        },
    ];
    let reps = run::<Sets>(&steps).unwrap();
    assert!(reps[1].0.contains(&7) && reps[1].1.contains(&7));
}

// ------------------------------------------------------------ RGA text

use statedist::model::Rga;

/// An RGA execution: replicas type words at positions, delete, and
/// receive each other's states late or twice.
#[derive(Clone, Debug)]
enum Edit {
    Type { r: u8, pos: u8, word: u8 },
    Delete { r: u8, pos: u8 },
    Deliver { from: u8, to: u8, age: u8 },
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        prop_oneof![
            3 => (0..R, 0u8..12, 0u8..4).prop_map(|(r, pos, word)| Edit::Type { r, pos, word }),
            1 => (0..R, 0u8..12).prop_map(|(r, pos)| Edit::Delete { r, pos }),
            2 => (0..R, 0..R, 0u8..4).prop_map(|(from, to, age)| Edit::Deliver { from, to, age }),
        ],
        0..30,
    )
}

const WORDS: [&str; 4] = ["ab", "xyz", "q", "hello"];

fn rga_run(edits: &[Edit]) -> Vec<Rga<u8>> {
    let mut reps: Vec<Rga<u8>> = (0..R).map(|_| Rga::new()).collect();
    let mut history: Vec<Vec<Rga<u8>>> = reps.iter().map(|p| vec![p.clone()]).collect();
    for e in edits {
        match *e {
            Edit::Type { r, pos, word } => {
                reps[r as usize].insert(r, pos as usize, WORDS[word as usize]);
            }
            Edit::Delete { r, pos } => {
                let len = reps[r as usize].len();
                if len > 0 {
                    reps[r as usize].delete(pos as usize % len);
                }
            }
            Edit::Deliver { from, to, age } => {
                let snap = late(&history[from as usize], age);
                reps[to as usize].merge(&snap);
            }
        }
        for (r, p) in reps.iter().enumerate() {
            history[r].push(p.clone());
        }
    }
    reps
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn rga_merge_laws_and_convergence(e in edits()) {
        let reps = rga_run(&e);
        laws(&reps, |a, b| a.merge(b))?;
        let mut all = reps[0].clone();
        all.merge(&reps[1]);
        all.merge(&reps[2]);
        let mut other = reps[2].clone();
        other.merge(&reps[0]);
        other.merge(&reps[1]);
        prop_assert_eq!(all.text(), other.text());
    }

    /// On one replica (or always-synced ones) RGA edits are plain string edits.
    #[test]
    fn synced_rga_edits_are_string_edits(e in edits()) {
        let mut doc: Rga<u8> = Rga::new();
        let mut plain: Vec<char> = Vec::new();
        for e in &e {
            match *e {
                Edit::Type { r, pos, word } => {
                    let at = (pos as usize).min(plain.len());
                    doc.insert(r, at, WORDS[word as usize]);
                    for (i, c) in WORDS[word as usize].chars().enumerate() {
                        plain.insert(at + i, c);
                    }
                }
                Edit::Delete { pos, .. } if !plain.is_empty() => {
                    let at = pos as usize % plain.len();
                    doc.delete(at);
                    plain.remove(at);
                }
                _ => {}
            }
            prop_assert_eq!(doc.text(), plain.iter().collect::<String>());
        }
    }

    /// Words typed concurrently at the same place on different replicas
    /// come out whole, one after the other, on every replica.
    #[test]
    fn concurrent_words_never_interleave(base in 0u8..4, a in 0u8..4, b in 0u8..4, pos in 0u8..6) {
        let mut start: Rga<u8> = Rga::new();
        start.insert(0, 0, WORDS[base as usize]);
        let (mut x, mut y) = (start.clone(), start.clone());
        let at = (pos as usize).min(start.len());
        x.insert(1, at, WORDS[a as usize]);
        y.insert(2, at, WORDS[b as usize]);
        let mut m = x.clone();
        m.merge(&y);
        let (wa, wb) = (WORDS[a as usize], WORDS[b as usize]);
        let text = m.text();
        let inner = &text[at..at + wa.len() + wb.len()];
        prop_assert!(inner == format!("{wa}{wb}") || inner == format!("{wb}{wa}"), "{text}");
    }
}

// ------------------------------------------------- versioned cart (DVV)

use statedist::protocols::crdt::{Crdt, CrdtConfig, Dynamo, Env};
use statedist::sim::NodeId;

fn dynamo_run(steps: &[Step], config: &CrdtConfig) -> Result<Vec<Dynamo>, String> {
    let mut reps: Vec<Dynamo> = (0..R).map(|_| Dynamo::default()).collect();
    let mut history: Vec<Vec<Dynamo>> = reps.iter().map(|p| vec![p.clone()]).collect();
    let items = ["milk", "eggs", "bread", "tea"];
    for (i, s) in steps.iter().enumerate() {
        match *s {
            Step::Update { r, op, e } => {
                let verb = ["add", "remove", "blind", "resolve"][(op as usize + e as usize) % 4];
                let item = items[e as usize].to_string();
                let op = (verb.to_string(), (verb != "resolve").then_some(item));
                let env = Env {
                    clock: 0,
                    now: 0,
                    config,
                };
                let _ = reps[r as usize].update(NodeId(r as u32 + 1), &op, &env);
            }
            Step::Deliver { from, to, age } => {
                let snap = late(&history[from as usize], age);
                reps[to as usize].merge(&snap, config);
            }
        }
        for (r, p) in reps.iter().enumerate() {
            history[r].push(p.clone());
            let truth = Dynamo::true_siblings_of(&p.ledger);
            if p.true_siblings() != truth {
                return Err(format!(
                    "after step {i}: the kept-up truth differs from the ledger's"
                ));
            }
            let kept: BTreeSet<_> = p.siblings.iter().cloned().collect();
            if kept != truth {
                return Err(format!(
                    "after step {i} ({s:?}) replica {r}: kept {kept:?}, truth {truth:?}"
                ));
            }
        }
    }
    Ok(reps)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// With dotted version vectors every replica keeps exactly the
    /// versions no writer had read, after every step, and merge obeys its
    /// laws on the states reached.
    #[test]
    fn dvv_siblings_are_exactly_the_concurrent_versions(s in steps()) {
        let config = CrdtConfig::default();
        let reps = dynamo_run(&s, &config).map_err(TestCaseError::fail)?;
        laws(&reps, |a, b| a.merge(b, &config))?;
    }
}

/// The same check finds per-server vectors dropping a concurrent write.
#[test]
fn per_server_vectors_break_the_sibling_set() {
    let config = CrdtConfig {
        server_vv: true,
        ..CrdtConfig::default()
    };
    // Two blind writes through replica 0 (op 2 with e 0, op 1 with e 1).
    let steps = [
        Step::Update { r: 0, op: 2, e: 0 },
        Step::Update { r: 0, op: 1, e: 1 },
    ];
    let err = dynamo_run(&steps, &config).unwrap_err();
    assert!(err.contains("after step 1"), "{err}");
    assert!(dynamo_run(&steps, &CrdtConfig::default()).is_ok());
}
