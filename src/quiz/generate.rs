//! Generated questions: parameters drawn from a seeded ChaCha8 generator,
//! answers computed here (never stored in a bank).
//!
//! Randomness goes only through [`below`] (plain `next_u64` arithmetic), so
//! a seed means the same question on every machine and rand version.

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::{GCounter, LwwRegister, OrSet, PnCounter, VersionVector};
use serde_json::{Value, json};

use super::item::{Form, Key, fmt_num};
use super::text::letter;

/// What a generator produces: everything a [`super::Question`] needs.
pub struct Generated {
    pub prompt: String,
    pub form: Form,
    pub key: Key,
    pub explanation: String,
    pub params: BTreeMap<String, Value>,
}

/// The generators a bank may name with `generator = "..."`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Generator {
    QuorumMinW,
    QuorumOverlap,
    QuorumWriteTolerance,
    QuorumAvailability,
    MajoritySize,
    MajorityTolerance,
    MajoritySide,
    PbftMaxFaulty,
    PbftMinNodes,
    PbftQuorum,
    VclockCompare,
    VclockConcurrentPairs,
    VclockMerge,
    LwwWinner,
    GCounterValue,
    PnCounterValue,
    OrSetMerge,
    DowntimeBudget,
    ReplicaLag,
}

impl Generator {
    /// Every generator, in a stable order.
    pub const ALL: &'static [Generator] = &[
        Generator::QuorumMinW,
        Generator::QuorumOverlap,
        Generator::QuorumWriteTolerance,
        Generator::QuorumAvailability,
        Generator::MajoritySize,
        Generator::MajorityTolerance,
        Generator::MajoritySide,
        Generator::PbftMaxFaulty,
        Generator::PbftMinNodes,
        Generator::PbftQuorum,
        Generator::VclockCompare,
        Generator::VclockConcurrentPairs,
        Generator::VclockMerge,
        Generator::LwwWinner,
        Generator::GCounterValue,
        Generator::PnCounterValue,
        Generator::OrSetMerge,
        Generator::DowntimeBudget,
        Generator::ReplicaLag,
    ];

    /// The name used in bank files.
    pub fn name(self) -> &'static str {
        match self {
            Generator::QuorumMinW => "quorum-min-w",
            Generator::QuorumOverlap => "quorum-overlap",
            Generator::QuorumWriteTolerance => "quorum-write-tolerance",
            Generator::QuorumAvailability => "quorum-availability",
            Generator::MajoritySize => "majority-size",
            Generator::MajorityTolerance => "majority-tolerance",
            Generator::MajoritySide => "majority-side",
            Generator::PbftMaxFaulty => "pbft-max-faulty",
            Generator::PbftMinNodes => "pbft-min-nodes",
            Generator::PbftQuorum => "pbft-quorum",
            Generator::VclockCompare => "vclock-compare",
            Generator::VclockConcurrentPairs => "vclock-concurrent-pairs",
            Generator::VclockMerge => "vclock-merge",
            Generator::LwwWinner => "lww-winner",
            Generator::GCounterValue => "gcounter-value",
            Generator::PnCounterValue => "pncounter-value",
            Generator::OrSetMerge => "orset-merge",
            Generator::DowntimeBudget => "downtime-budget",
            Generator::ReplicaLag => "replica-lag",
        }
    }

    /// Look a generator up by its bank-file name.
    pub fn from_name(name: &str) -> Option<Generator> {
        Generator::ALL.iter().copied().find(|g| g.name() == name)
    }

    /// Draw parameters from `rng` and compute the question.
    pub fn generate(self, rng: &mut ChaCha8Rng) -> Generated {
        match self {
            Generator::QuorumMinW => quorum_min_w(rng),
            Generator::QuorumOverlap => quorum_overlap(rng),
            Generator::QuorumWriteTolerance => quorum_write_tolerance(rng),
            Generator::QuorumAvailability => quorum_availability(rng),
            Generator::MajoritySize => majority_size(rng),
            Generator::MajorityTolerance => majority_tolerance(rng),
            Generator::MajoritySide => majority_side(rng),
            Generator::PbftMaxFaulty => pbft_max_faulty(rng),
            Generator::PbftMinNodes => pbft_min_nodes(rng),
            Generator::PbftQuorum => pbft_quorum(rng),
            Generator::VclockCompare => vclock_compare(rng),
            Generator::VclockConcurrentPairs => vclock_concurrent_pairs(rng),
            Generator::VclockMerge => vclock_merge(rng),
            Generator::LwwWinner => lww_winner(rng),
            Generator::GCounterValue => gcounter_value(rng),
            Generator::PnCounterValue => pncounter_value(rng),
            Generator::OrSetMerge => orset_merge(rng),
            Generator::DowntimeBudget => downtime_budget(rng),
            Generator::ReplicaLag => replica_lag(rng),
        }
    }
}

/// A uniform-enough draw in `lo..=hi` from the generator's raw output.
fn below(rng: &mut ChaCha8Rng, lo: u64, hi: u64) -> u64 {
    debug_assert!(lo <= hi);
    let span = hi - lo + 1;
    lo + rng.next_u64() % span
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[below(rng, 0, xs.len() as u64 - 1) as usize]
}

/// A uniformly shuffled permutation of `0..n` (Fisher-Yates).
pub(crate) fn shuffled(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = below(rng, 0, i as u64) as usize;
        v.swap(i, j);
    }
    v
}

/// A permutation of `0..n` that is not the identity (when n >= 2).
pub(crate) fn shuffled_not_identity(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut v = shuffled(n, rng);
    if n >= 2 && v.iter().enumerate().all(|(i, &x)| i == x) {
        v.rotate_left(1);
    }
    v
}

fn number(value: f64, tolerance: f64, unit: Option<&str>) -> (Form, Key) {
    (
        Form::Number {
            unit: unit.map(str::to_string),
        },
        Key::Number { value, tolerance },
    )
}

fn choice(options: Vec<String>, answer: usize) -> (Form, Key) {
    (Form::Choice { options }, Key::Choice(answer))
}

fn params(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

fn quorum_min_w(rng: &mut ChaCha8Rng) -> Generated {
    let n = below(rng, 3, 9);
    let r = below(rng, 1, n);
    let w = n - r + 1;
    let (form, key) = number(w as f64, 0.0, None);
    Generated {
        prompt: format!(
            "A leaderless store keeps N = {n} replicas of every key. Reads wait for R = {r} replies. \
             What is the smallest write quorum W for which every read is guaranteed to reach \
             at least one replica that acknowledged the latest write?"
        ),
        form,
        key,
        explanation: if w == 1 {
            format!(
                "Read and write quorums always intersect exactly when W + R > N, so W must be at least \
                 N - R + 1 = {n} - {r} + 1 = 1. With R = N every read asks every replica, so even a \
                 write acknowledged by a single replica is always seen."
            )
        } else {
            format!(
                "Read and write quorums always intersect exactly when W + R > N, so W must be at least \
                 N - R + 1 = {n} - {r} + 1 = {w}. With W = {} a write could be acknowledged by {} \
                 while a read asks the other {r}, and the two sets would share nobody.",
                w - 1,
                replicas(w - 1)
            )
        },
        params: params(&[("n", json!(n)), ("r", json!(r))]),
    }
}

fn quorum_overlap(rng: &mut ChaCha8Rng) -> Generated {
    let n = below(rng, 3, 9);
    // about half overlap, half do not
    let (w, r) = if below(rng, 0, 1) == 0 {
        let w = below(rng, 1, n);
        let r = below(rng, n - w + 1, n);
        (w, r)
    } else {
        let w = below(rng, 1, n - 1);
        let r = below(rng, 1, n - w);
        (w, r)
    };
    let overlap = w + r > n;
    let (form, key) = choice(
        vec![
            "Yes: every read quorum shares at least one replica with every write quorum".into(),
            "No: a read can be answered only by replicas that missed the latest write".into(),
        ],
        if overlap { 0 } else { 1 },
    );
    let explanation = if overlap {
        format!(
            "W + R = {w} + {r} = {} > N = {n}, so any {w} replicas and any {r} replicas must share at \
             least {} (pigeonhole): the read always reaches someone with the latest write.",
            w + r,
            replicas(w + r - n)
        )
    } else {
        format!(
            "W + R = {w} + {r} = {} is not greater than N = {n}. A write acknowledged by replicas 1..{w} \
             and a read answered by replicas {}..{n} share nobody, so the read can return an old value.",
            w + r,
            n - r + 1
        )
    };
    Generated {
        prompt: format!(
            "N = {n} replicas, write quorum W = {w}, read quorum R = {r}. \
             Is every read guaranteed to overlap the latest successful write?"
        ),
        form,
        key,
        explanation,
        params: params(&[("n", json!(n)), ("w", json!(w)), ("r", json!(r))]),
    }
}

fn quorum_write_tolerance(rng: &mut ChaCha8Rng) -> Generated {
    let n = below(rng, 3, 9);
    let w = below(rng, 1, n);
    let (form, key) = number((n - w) as f64, 0.0, Some("replicas"));
    Generated {
        prompt: format!(
            "A store with N = {n} replicas acknowledges a write once W = {w} replicas have stored it. \
             How many replicas can be down at the same time while writes still succeed?"
        ),
        form,
        key,
        explanation: format!(
            "A write needs {w} live replicas, so up to N - W = {n} - {w} = {} may be down.",
            n - w
        ),
        params: params(&[("n", json!(n)), ("w", json!(w))]),
    }
}

fn quorum_availability(rng: &mut ChaCha8Rng) -> Generated {
    let n = below(rng, 3, 9);
    let w = below(rng, 1, n);
    let r = below(rng, 1, n);
    let down = below(rng, 0, n - 1);
    let up = n - down;
    let reads = up >= r;
    let writes = up >= w;
    let answer = match (reads, writes) {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (false, false) => 3,
    };
    let (form, key) = choice(
        vec![
            "Both reads and writes".into(),
            "Reads only".into(),
            "Writes only".into(),
            "Neither".into(),
        ],
        answer,
    );
    Generated {
        prompt: format!(
            "N = {n} replicas, W = {w}, R = {r}. {} (no sloppy quorums, no hinted handoff). \
             Which operations can still complete?",
            match down {
                0 => "No replica has crashed".to_string(),
                1 => "1 replica has crashed".to_string(),
                d => format!("{d} replicas have crashed"),
            }
        ),
        form,
        key,
        explanation: format!(
            "{} up. Writes need W = {w}: {}. Reads need R = {r}: {}.",
            if up == 1 {
                "1 replica is".to_string()
            } else {
                format!("{up} replicas are")
            },
            if writes { "enough" } else { "not enough" },
            if reads { "enough" } else { "not enough" }
        ),
        params: params(&[
            ("n", json!(n)),
            ("w", json!(w)),
            ("r", json!(r)),
            ("down", json!(down)),
        ]),
    }
}

fn majority_size(rng: &mut ChaCha8Rng) -> Generated {
    let n = below(rng, 2, 15);
    let m = n / 2 + 1;
    let (form, key) = number(m as f64, 0.0, Some("votes"));
    Generated {
        prompt: format!(
            "A Raft cluster has {n} voting members. How many votes, counting its own, does a \
             candidate need to become leader?"
        ),
        form,
        key,
        explanation: format!(
            "A majority of the whole configuration: floor({n} / 2) + 1 = {m}. It counts every member, \
             reachable or not, so two leaders can never be elected in the same term."
        ),
        params: params(&[("n", json!(n))]),
    }
}

fn majority_tolerance(rng: &mut ChaCha8Rng) -> Generated {
    let n = below(rng, 2, 15);
    let f = (n - 1) / 2;
    let (form, key) = number(f as f64, 0.0, Some("nodes"));
    let even_note = if n.is_multiple_of(2) {
        format!(
            " Note that {n} members tolerate no more failures than {} would: the extra member also \
             raises the majority by one, so it adds no tolerance.",
            n - 1
        )
    } else {
        String::new()
    };
    Generated {
        prompt: format!(
            "A Raft cluster has {n} voting members. How many of them can crash at once while the \
             cluster can still elect a leader and commit entries?"
        ),
        form,
        key,
        explanation: format!(
            "Progress needs a majority of {} live members, so {n} - {} = {f} may fail.{even_note}",
            n / 2 + 1,
            n / 2 + 1
        ),
        params: params(&[("n", json!(n))]),
    }
}

fn majority_side(rng: &mut ChaCha8Rng) -> Generated {
    let n = below(rng, 3, 9);
    let three = n >= 5 && below(rng, 0, 2) == 0;
    let sides: Vec<u64> = if three {
        let a = below(rng, 1, n - 2);
        let b = below(rng, 1, n - a - 1);
        vec![a, b, n - a - b]
    } else {
        let a = below(rng, 1, n - 1);
        vec![a, n - a]
    };
    let majority = n / 2 + 1;
    let winner = sides.iter().position(|&s| s >= majority);
    let mut options: Vec<String> = Vec::new();
    let mut next = 1;
    let mut desc = Vec::new();
    for (i, &s) in sides.iter().enumerate() {
        let members: Vec<String> = (next..next + s).map(|k| format!("n{k}")).collect();
        next += s;
        let label = char::from(b'A' + i as u8);
        desc.push(format!("side {label} = {{{}}}", members.join(", ")));
        options.push(format!(
            "Side {label} ({s} node{})",
            if s == 1 { "" } else { "s" }
        ));
    }
    options.push("No side".into());
    let answer = winner.unwrap_or(sides.len());
    let (form, key) = choice(options, answer);
    let explanation = match winner {
        Some(i) => format!(
            "A leader needs {majority} of all {n} members. Only side {} has {} >= {majority}; the \
             other {} cannot elect a leader or commit, which is what prevents split brain.",
            char::from(b'A' + i as u8),
            sides[i],
            if sides.len() == 2 { "side" } else { "sides" }
        ),
        None => format!(
            "A leader needs {majority} of all {n} members, and no side has that many ({}). The whole \
             cluster is unavailable for writes until the partition heals: that is the price of never \
             having two leaders.",
            sides
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" / ")
        ),
    };
    Generated {
        prompt: format!(
            "A Raft cluster of {n} nodes is partitioned: {}. Which side can elect a leader and \
             commit new entries?",
            desc.join("; ")
        ),
        form,
        key,
        explanation,
        params: params(&[("n", json!(n)), ("sides", json!(sides))]),
    }
}

fn pbft_max_faulty(rng: &mut ChaCha8Rng) -> Generated {
    let n = below(rng, 4, 40);
    let f = (n - 1) / 3;
    let (form, key) = number(f as f64, 0.0, Some("replicas"));
    Generated {
        prompt: format!(
            "A PBFT group has n = {n} replicas. At most how many of them can be Byzantine \
             (arbitrarily faulty or malicious) while the group stays safe and live?"
        ),
        form,
        key,
        explanation: format!(
            "PBFT needs n >= 3f + 1, so f = floor((n - 1) / 3) = floor({} / 3) = {f}. \
             {} replicas would need n >= {}.",
            n - 1,
            f + 1,
            3 * (f + 1) + 1
        ),
        params: params(&[("n", json!(n))]),
    }
}

fn pbft_min_nodes(rng: &mut ChaCha8Rng) -> Generated {
    let f = below(rng, 1, 10);
    let n = 3 * f + 1;
    let (form, key) = number(n as f64, 0.0, Some("replicas"));
    Generated {
        prompt: format!(
            "You must tolerate f = {f} Byzantine {} with PBFT. What is the smallest number \
             of replicas you need?",
            if f == 1 { "replica" } else { "replicas" }
        ),
        form,
        key,
        explanation: format!(
            "n >= 3f + 1 = 3 x {f} + 1 = {n}. Quorums of 2f + 1 = {} then intersect in at least \
             f + 1 = {} replicas, so at least one honest replica is in every intersection.",
            2 * f + 1,
            f + 1
        ),
        params: params(&[("f", json!(f))]),
    }
}

fn pbft_quorum(rng: &mut ChaCha8Rng) -> Generated {
    let f = below(rng, 1, 10);
    let n = 3 * f + 1;
    let q = 2 * f + 1;
    let (form, key) = number(q as f64, 0.0, Some("messages"));
    Generated {
        prompt: format!(
            "A PBFT group has n = {n} replicas (n = 3f + 1). How many matching COMMIT messages, \
             counting its own, must a replica collect before it executes the request?"
        ),
        form,
        key,
        explanation: format!(
            "f = (n - 1) / 3 = {f}, and a quorum is 2f + 1 = {q}. Any two quorums of {q} out of {n} \
             share at least 2q - n = {} replicas, more than the {f} that may lie.",
            2 * q - n
        ),
        params: params(&[("n", json!(n))]),
    }
}

/// Relation between two vector clocks: the simulator's own comparison.
pub(crate) use crate::model::Causality as Order;

/// A clock written as a list (entry i is node i's count) as a model vector.
pub(crate) fn vector(v: &[u64]) -> VersionVector<usize> {
    VersionVector::from_counts(v.iter().copied().enumerate())
}

pub(crate) fn vc_compare(a: &[u64], b: &[u64]) -> Order {
    vector(a).compare(&vector(b))
}

fn fmt_vc(v: &[u64]) -> String {
    format!(
        "[{}]",
        v.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

const NODE_NAMES: [&str; 4] = ["A", "B", "C", "D"];

fn vclock_compare(rng: &mut ChaCha8Rng) -> Generated {
    let k = 3usize;
    let mut a: Vec<u64> = (0..k).map(|_| below(rng, 0, 4)).collect();
    // [0, 0, 0] is the clock before any event, not the stamp of an event
    if a.iter().all(|&x| x == 0) {
        a[0] = 1;
    }
    let mut b = a.clone();
    let i = below(rng, 0, k as u64 - 1) as usize;
    let j = (i + 1 + below(rng, 0, k as u64 - 2) as usize) % k;
    match below(rng, 0, 7) {
        0 => {}                            // identical
        1 | 2 => b[i] += below(rng, 1, 3), // V1 before V2
        3 | 4 => a[i] += below(rng, 1, 3), // V2 before V1
        _ => {
            // concurrent: each is ahead somewhere
            b[i] += below(rng, 1, 2);
            a[j] += below(rng, 1, 2);
        }
    }
    vclock_compare_with(a, b)
}

fn vclock_compare_with(a: Vec<u64>, b: Vec<u64>) -> Generated {
    let rel = vc_compare(&a, &b);
    let answer = match rel {
        Order::Before => 0,
        Order::After => 1,
        Order::Concurrent => 2,
        Order::Equal => 3,
    };
    let (form, key) = choice(
        vec![
            "V1 happened before V2".into(),
            "V2 happened before V1".into(),
            "They are concurrent".into(),
            "They are the same event (identical clocks)".into(),
        ],
        answer,
    );
    let why = match rel {
        Order::Before => {
            "every entry of V1 is <= the matching entry of V2 and at least one is smaller, \
                          so V1 happened before V2"
                .to_string()
        }
        Order::After => {
            "every entry of V2 is <= the matching entry of V1 and at least one is smaller, \
                         so V2 happened before V1"
                .to_string()
        }
        Order::Concurrent => {
            let i = a.iter().zip(&b).position(|(x, y)| x > y).unwrap_or(0);
            let j = a.iter().zip(&b).position(|(x, y)| x < y).unwrap_or(0);
            format!(
                "V1 is ahead on {} ({} > {}) but V2 is ahead on {} ({} > {}): neither saw the other, \
                 so they are concurrent and a conflict must be resolved",
                NODE_NAMES[i], a[i], b[i], NODE_NAMES[j], b[j], a[j]
            )
        }
        Order::Equal => "every entry matches, so both clocks stamp the same event".to_string(),
    };
    Generated {
        prompt: format!(
            "Vector clocks over nodes (A, B, C): V1 = {} and V2 = {}. How are the two events related?",
            fmt_vc(&a),
            fmt_vc(&b)
        ),
        form,
        key,
        explanation: format!("Compare entry by entry: {why}."),
        params: params(&[("v1", json!(a)), ("v2", json!(b))]),
    }
}

/// A random run of `nodes` processes with vector clocks: `steps` events,
/// each a local event, a send, or the receipt of a message in flight (the
/// receiver merges, then counts its event). Every clock it yields is one
/// some execution really has, which hand-drawn numbers are often not.
pub(crate) struct Execution {
    /// Each event's node and clock (after the event).
    pub events: Vec<(usize, Vec<u64>)>,
    /// Messages sent and not yet received: (from, to, the send's clock).
    pub in_flight: Vec<(usize, usize, Vec<u64>)>,
    /// Each node's clock now.
    pub clocks: Vec<Vec<u64>>,
}

impl Execution {
    pub(crate) fn run(rng: &mut ChaCha8Rng, nodes: usize, steps: usize) -> Execution {
        let mut x = Execution {
            events: Vec::new(),
            in_flight: Vec::new(),
            clocks: vec![vec![0; nodes]; nodes],
        };
        for _ in 0..steps {
            x.step(rng);
        }
        x
    }

    pub(crate) fn step(&mut self, rng: &mut ChaCha8Rng) {
        let nodes = self.clocks.len() as u64;
        let kind = below(rng, 0, 2);
        if kind == 2 && !self.in_flight.is_empty() {
            let k = below(rng, 0, self.in_flight.len() as u64 - 1) as usize;
            let (_, to, m) = self.in_flight.remove(k);
            let c = &mut self.clocks[to];
            for (mine, theirs) in c.iter_mut().zip(&m) {
                *mine = (*mine).max(*theirs);
            }
            c[to] += 1;
            self.events.push((to, c.clone()));
            return;
        }
        let n = below(rng, 0, nodes - 1) as usize;
        self.clocks[n][n] += 1;
        let c = self.clocks[n].clone();
        if kind == 1 {
            let to = (n + 1 + below(rng, 0, nodes - 2) as usize) % nodes as usize;
            self.in_flight.push((n, to, c.clone()));
        }
        self.events.push((n, c));
    }
}

fn vclock_concurrent_pairs(rng: &mut ChaCha8Rng) -> Generated {
    let names = ["P", "Q", "R", "S"];
    // Four events of one run, with a mix of ordered and concurrent pairs;
    // a fixed realisable set if none is drawn.
    let mut clocks: Vec<Vec<u64>> =
        vec![vec![1, 0, 0], vec![2, 1, 0], vec![1, 0, 1], vec![2, 1, 2]];
    for _ in 0..64 {
        let x = Execution::run(rng, 3, 9);
        let mut picked: Vec<Vec<u64>> = Vec::new();
        for _ in 0..16 {
            let (_, c) = pick(rng, &x.events);
            if !picked.contains(c) {
                picked.push(c.clone());
            }
            if picked.len() == 4 {
                break;
            }
        }
        if picked.len() < 4 {
            continue;
        }
        let rels = pair_relations(&picked);
        let conc = rels.iter().filter(|r| r.2 == Order::Concurrent).count();
        if (1..=4).contains(&conc) {
            clocks = picked;
            break;
        }
    }
    let rels = pair_relations(&clocks);
    let options: Vec<String> = rels
        .iter()
        .map(|(i, j, _)| format!("{} and {}", names[*i], names[*j]))
        .collect();
    let answers: BTreeSet<usize> = rels
        .iter()
        .enumerate()
        .filter(|(_, r)| r.2 == Order::Concurrent)
        .map(|(k, _)| k)
        .collect();
    let mut lines = Vec::new();
    for (k, (i, j, rel)) in rels.iter().enumerate() {
        let what = match rel {
            Order::Before => format!("{} happened before {}", names[*i], names[*j]),
            Order::After => format!("{} happened before {}", names[*j], names[*i]),
            Order::Concurrent => "concurrent".to_string(),
            Order::Equal => "identical".to_string(),
        };
        lines.push(format!("{}) {what}", letter(k)));
    }
    let shown: Vec<String> = clocks
        .iter()
        .zip(names)
        .map(|(c, n)| format!("{n} = {}", fmt_vc(c)))
        .collect();
    Generated {
        prompt: format!(
            "Four events carry vector clocks over nodes (A, B, C): {}. Which pairs of events are \
             concurrent? Pick every one.",
            shown.join(", ")
        ),
        form: Form::MultiChoice { options },
        key: Key::Choices(answers),
        explanation: format!(
            "Two events are concurrent when each clock is ahead of the other somewhere. {}.",
            lines.join("; ")
        ),
        params: params(&[("clocks", json!(clocks))]),
    }
}

fn pair_relations(clocks: &[Vec<u64>]) -> Vec<(usize, usize, Order)> {
    let mut out = Vec::new();
    for i in 0..clocks.len() {
        for j in (i + 1)..clocks.len() {
            out.push((i, j, vc_compare(&clocks[i], &clocks[j])));
        }
    }
    out
}

fn vclock_merge(rng: &mut ChaCha8Rng) -> Generated {
    let k = below(rng, 3, 4) as usize;
    // Replica B (node 1) and a message to it still on its way, from one
    // run: the message can only know what its sender knew when it sent.
    let mut x = Execution::run(rng, k, 4);
    let (local, incoming) = loop {
        if let Some(i) = x.in_flight.iter().position(|m| m.1 == 1) {
            let m = x.in_flight[i].2.clone();
            break (x.clocks[1].clone(), m);
        }
        x.step(rng);
    };
    let m = vector(&local).merged(&vector(&incoming));
    let merged: Vec<i64> = (0..k).map(|i| m.get(&i) as i64).collect();
    let nodes = NODE_NAMES[..k].join(", ");
    Generated {
        prompt: format!(
            "Vector clocks over nodes ({nodes}). Replica B holds {} and receives a message stamped {}. \
             What is the merged clock, before B adds one for its own receive event? \
             Type it like [1, 0, 2].",
            fmt_vc(&local),
            fmt_vc(&incoming)
        ),
        form: Form::Numbers { len: k },
        key: Key::Numbers(merged.clone()),
        explanation: format!(
            "Merge takes the larger entry at each position: max({}, {}) = {}. (B then increments its \
             own entry to stamp the receive.)",
            fmt_vc(&local),
            fmt_vc(&incoming),
            fmt_vc(&merged.iter().map(|x| *x as u64).collect::<Vec<_>>())
        ),
        params: params(&[("local", json!(local)), ("incoming", json!(incoming))]),
    }
}

fn lww_winner(rng: &mut ChaCha8Rng) -> Generated {
    let values = ["blue", "green", "red", "gold", "teal"];
    let count = below(rng, 2, 3) as usize;
    let mut writes: Vec<(u64, u64, String)> = Vec::new(); // (timestamp, node, value)
    let base = below(rng, 1000, 9000);
    let tie = below(rng, 0, 2) == 0;
    let mut used_nodes = BTreeSet::new();
    for i in 0..count {
        let ts = if tie && i == 1 {
            writes[0].0
        } else {
            base + below(rng, 0, 40)
        };
        let mut node = below(rng, 1, 5);
        while used_nodes.contains(&node) {
            node = node % 5 + 1;
        }
        used_nodes.insert(node);
        writes.push((
            ts,
            node,
            values[(i + below(rng, 0, 4) as usize) % values.len()].to_string(),
        ));
    }
    // make values distinct so the answer is unambiguous
    let mut seen = BTreeSet::new();
    for (i, w) in writes.iter_mut().enumerate() {
        while !seen.insert(w.2.clone()) {
            w.2 = values[(values.iter().position(|v| *v == w.2).unwrap_or(i) + 1) % values.len()]
                .to_string();
        }
    }
    let registers: Vec<LwwRegister<usize, u64>> = writes
        .iter()
        .enumerate()
        .map(|(i, (ts, node, _))| LwwRegister::new(i, *ts, *node))
        .collect();
    let win = LwwRegister::winner(&registers).map_or(0, |r| r.value);
    let options: Vec<String> = writes.iter().map(|w| w.2.clone()).collect();
    let desc: Vec<String> = writes
        .iter()
        .map(|(ts, node, v)| format!("node {node} writes \"{v}\" at t = {ts}"))
        .collect();
    let (form, key) = choice(options, win);
    let (ts, node, v) = &writes[win];
    let same_ts = writes.iter().filter(|w| w.0 == *ts).count();
    let tie_note = if same_ts > 1 {
        format!(
            " {} writes share t = {ts}, so the {} node id ({node}) breaks the tie.",
            if same_ts == 2 { "Two" } else { "Three" },
            if same_ts == 2 { "higher" } else { "highest" },
        )
    } else {
        String::new()
    };
    Generated {
        prompt: format!(
            "A last-writer-wins register: the highest timestamp wins and ties go to the higher node id. \
             Concurrently, {}. After all replicas merge, which value do they hold?",
            desc.join("; ")
        ),
        form,
        key,
        explanation: format!(
            "\"{v}\" has the largest (timestamp, node id) = ({ts}, {node}).{tie_note} The other writes \
             are silently discarded: that is the lost-update risk of LWW, and with skewed clocks the \
             \"last\" writer need not be the one that wrote last in real time."
        ),
        params: params(&[(
            "writes",
            json!(
                writes
                    .iter()
                    .map(|(t, n, v)| json!({"ts": t, "node": n, "value": v}))
                    .collect::<Vec<_>>()
            ),
        )]),
    }
}

fn gcounter_value(rng: &mut ChaCha8Rng) -> Generated {
    // true per-node counts, and three replicas that have seen a prefix of each
    let k = 3;
    let truth: Vec<u64> = (0..k).map(|_| below(rng, 1, 9)).collect();
    let replicas: Vec<Vec<u64>> = (0..k)
        .map(|owner| {
            (0..k)
                .map(|i| {
                    if i == owner {
                        truth[i]
                    } else {
                        below(rng, 0, truth[i])
                    }
                })
                .collect()
        })
        .collect();
    let mut merged = GCounter::new();
    for r in &replicas {
        merged.merge(&GCounter::from_counts(r.iter().copied().enumerate()));
    }
    let value = merged.value();
    let naive: u64 = replicas.iter().flatten().sum();
    let (form, key) = number(value as f64, 0.0, None);
    let shown: Vec<String> = replicas
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{} holds {}", NODE_NAMES[i], fmt_vc(r)))
        .collect();
    Generated {
        prompt: format!(
            "A G-Counter over replicas (A, B, C); each entry counts the increments made at that \
             replica. Right now {}. After every replica has merged with every other, what value does \
             each one report?",
            shown.join(", ")
        ),
        form,
        key,
        explanation: format!(
            "Merge takes the maximum of each entry: {} and the value is its sum, {value}. Adding the \
             states instead ({naive}) would double-count increments that were already shared, which \
             is why the merge is max, not +.",
            fmt_vc(&truth)
        ),
        params: params(&[("replicas", json!(replicas))]),
    }
}

fn pncounter_value(rng: &mut ChaCha8Rng) -> Generated {
    let k = 2;
    let p_truth: Vec<u64> = (0..k).map(|_| below(rng, 2, 12)).collect();
    let n_truth: Vec<u64> = (0..k).map(|_| below(rng, 0, 6)).collect();
    // each replica knows its own entries fully and a prefix of the other's
    let mut reps = Vec::new();
    for owner in 0..k {
        let p: Vec<u64> = (0..k)
            .map(|i| {
                if i == owner {
                    p_truth[i]
                } else {
                    below(rng, 0, p_truth[i])
                }
            })
            .collect();
        let n: Vec<u64> = (0..k)
            .map(|i| {
                if i == owner {
                    n_truth[i]
                } else {
                    below(rng, 0, n_truth[i])
                }
            })
            .collect();
        reps.push((p, n));
    }
    let mut merged = PnCounter::new();
    for (p, n) in &reps {
        merged.merge(&PnCounter {
            p: GCounter::from_counts(p.iter().copied().enumerate()),
            n: GCounter::from_counts(n.iter().copied().enumerate()),
        });
    }
    let value = merged.value();
    let (form, key) = number(value as f64, 0.0, None);
    let shown: Vec<String> = reps
        .iter()
        .enumerate()
        .map(|(i, (p, n))| {
            format!(
                "{} holds P = {}, N = {}",
                ["X", "Y"][i],
                fmt_vc(p),
                fmt_vc(n)
            )
        })
        .collect();
    Generated {
        prompt: format!(
            "A PN-Counter is two G-Counters: P counts increments, N counts decrements, per replica \
             (X, Y). {}. After X and Y merge, what value do they report?",
            shown.join("; ")
        ),
        form,
        key,
        explanation: format!(
            "Merge P and N separately by entry-wise max: P = {}, N = {}. Value = sum(P) - sum(N) = {} - {} = {value}.",
            fmt_vc(&p_truth),
            fmt_vc(&n_truth),
            p_truth.iter().sum::<u64>(),
            n_truth.iter().sum::<u64>()
        ),
        params: params(&[(
            "replicas",
            json!(
                reps.iter()
                    .map(|(p, n)| json!({"p": p, "n": n}))
                    .collect::<Vec<_>>()
            ),
        )]),
    }
}

/// Apply OR-Set operations on two replicas starting from `initial`, then
/// merge; returns the elements present (the simulator's own OR-Set).
fn orset_run(initial: &[&str], ops: &[Vec<(bool, &str)>]) -> BTreeSet<String> {
    // Replica 0 put the initial elements in; both replicas start from there.
    let mut base: OrSet<String, usize> = OrSet::new();
    for e in initial {
        base.add(0, (*e).to_string());
    }
    let mut merged = base.clone();
    for (r, rops) in ops.iter().enumerate() {
        let mut replica = base.clone();
        for (is_add, e) in rops {
            if *is_add {
                replica.add(r + 1, (*e).to_string());
            } else {
                replica.remove(&(*e).to_string());
            }
        }
        merged.merge(&replica);
    }
    merged.elements()
}

fn orset_merge(rng: &mut ChaCha8Rng) -> Generated {
    let pool = ["milk", "eggs", "bread", "tea", "rice"];
    let mut initial: Vec<&str> = Vec::new();
    let mut ops: Vec<Vec<(bool, &str)>> = Vec::new();
    let mut result = BTreeSet::new();
    for attempt in 0..64 {
        initial = pool
            .iter()
            .copied()
            .filter(|_| below(rng, 0, 1) == 0)
            .collect();
        if initial.is_empty() {
            initial.push(pool[below(rng, 0, 4) as usize]);
        }
        ops = (0..2)
            .map(|_| {
                let mut view: BTreeSet<&str> = initial.iter().copied().collect();
                let mut rops = Vec::new();
                for _ in 0..below(rng, 1, 3) {
                    let remove = !view.is_empty() && below(rng, 0, 1) == 0;
                    if remove {
                        let v: Vec<&str> = view.iter().copied().collect();
                        let e = *pick(rng, &v);
                        view.remove(e);
                        rops.push((false, e));
                    } else {
                        let e = *pick(rng, &pool);
                        view.insert(e);
                        rops.push((true, e));
                    }
                }
                rops
            })
            .collect();
        result = orset_run(&initial, &ops);
        // want a non-empty answer and, usually, an add/remove race on one element
        let racy = ops[0]
            .iter()
            .any(|(a0, e0)| ops[1].iter().any(|(a1, e1)| e0 == e1 && a0 != a1));
        if !result.is_empty() && (racy || attempt >= 32) {
            break;
        }
        if attempt == 63 {
            initial = vec!["milk", "eggs"];
            ops = vec![
                vec![(false, "eggs"), (true, "tea")],
                vec![(true, "eggs"), (false, "milk")],
            ];
            result = orset_run(&initial, &ops);
        }
    }
    let describe = |rops: &[(bool, &str)]| -> String {
        rops.iter()
            .map(|(a, e)| format!("{} {e}", if *a { "add" } else { "remove" }))
            .collect::<Vec<_>>()
            .join(", then ")
    };
    let options: Vec<String> = pool.iter().map(|s| s.to_string()).collect();
    let answers: BTreeSet<usize> = pool
        .iter()
        .enumerate()
        .filter(|(_, e)| result.contains(**e))
        .map(|(i, _)| i)
        .collect();
    let mut notes = Vec::new();
    for e in pool {
        let removed_on = |r: usize| ops[r].iter().any(|(a, x)| !a && *x == e);
        let added_on = |r: usize| ops[r].iter().any(|(a, x)| *a && *x == e);
        let removed_somewhere = removed_on(0) || removed_on(1);
        // an add on the other replica is concurrent with the remove
        let concurrent_add = (removed_on(0) && added_on(1)) || (removed_on(1) && added_on(0));
        // an add after the remove on the same replica is simply a later add
        let re_added = ops.iter().any(|rops| {
            rops.iter()
                .position(|(a, x)| !a && *x == e)
                .is_some_and(|first_rm| rops[first_rm..].iter().any(|(a, x)| *a && *x == e))
        });
        if removed_somewhere && result.contains(e) && concurrent_add {
            notes.push(format!(
                "{e} survives: a remove deletes only the add-tags its replica had observed, and the \
                 other replica's concurrent add made a new tag it never saw"
            ));
        } else if removed_somewhere && result.contains(e) && re_added {
            notes.push(format!(
                "{e} survives: it was added again after the remove, with a new tag"
            ));
        } else if removed_somewhere && !result.contains(e) {
            notes.push(format!(
                "{e} is gone: every add of it was observed by a remove"
            ));
        }
    }
    let mut explanation = format!(
        "After the merge the list is {{{}}}.",
        result.iter().cloned().collect::<Vec<_>>().join(", ")
    );
    if !notes.is_empty() {
        explanation.push(' ');
        explanation.push_str(&notes.join("; "));
        explanation.push('.');
    }
    explanation
        .push_str(" An OR-Set is add-wins for concurrent add and remove of the same element.");
    Generated {
        prompt: format!(
            "An OR-Set shopping list holds {{{}}} on both replicas A and B. While disconnected, \
             A does: {}. B does: {}. After A and B merge, which items are in the list? Pick every one.",
            initial.join(", "),
            describe(&ops[0]),
            describe(&ops[1])
        ),
        form: Form::MultiChoice { options },
        key: Key::Choices(answers),
        explanation,
        params: params(&[
            ("initial", json!(initial)),
            (
                "ops",
                json!(
                    ops.iter()
                        .map(|r| r
                            .iter()
                            .map(|(a, e)| format!("{}:{e}", if *a { "add" } else { "remove" }))
                            .collect::<Vec<_>>())
                        .collect::<Vec<_>>()
                ),
            ),
        ]),
    }
}

fn downtime_budget(rng: &mut ChaCha8Rng) -> Generated {
    let nines = [99.0, 99.5, 99.9, 99.95, 99.99];
    let periods: [(&str, f64); 3] = [
        ("a 365-day year", 365.0 * 24.0 * 60.0),
        ("a 30-day month", 30.0 * 24.0 * 60.0),
        ("a 7-day week", 7.0 * 24.0 * 60.0),
    ];
    let a = *pick(rng, &nines);
    let (pname, minutes) = *pick(rng, &periods);
    let budget = (100.0 - a) / 100.0 * minutes;
    let budget = (budget * 100.0).round() / 100.0;
    let tolerance = (budget * 0.02).max(0.1);
    let tolerance = (tolerance * 100.0).round() / 100.0;
    let (form, key) = number(budget, tolerance, Some("minutes"));
    Generated {
        prompt: format!(
            "Your availability objective is {}% over {pname}. How many minutes of downtime does that \
             allow?",
            fmt_num(a)
        ),
        form,
        key,
        explanation: format!(
            "(100% - {}%) x {} minutes = {} minutes. Each extra nine cuts the budget tenfold, which is \
             why failover must be automatic, not a human reading a runbook.",
            fmt_num(a),
            fmt_num(minutes),
            fmt_num(budget)
        ),
        params: params(&[
            ("availability", json!(a)),
            ("period_minutes", json!(minutes)),
        ]),
    }
}

fn replica_lag(rng: &mut ChaCha8Rng) -> Generated {
    let lags: Vec<u64> = (0..3).map(|_| below(rng, 1, 20) * 50).collect();
    // reads land between apply times, never on one, so the answer is unambiguous
    let delay = below(rng, 1, 20) * 50 + 25;
    let fresh = lags.iter().filter(|&&l| l <= delay).count();
    let (form, key) = number(fresh as f64, 0.0, Some("followers"));
    Generated {
        prompt: format!(
            "A leader acknowledges a write at t = 0 ms and replicates asynchronously. Followers F1, F2 \
             and F3 apply it after {} ms, {} ms and {} ms. At t = {delay} ms three clients each read \
             from a different follower. How many of them see the new value?",
            lags[0], lags[1], lags[2]
        ),
        form,
        key,
        explanation: format!(
            "A follower shows the write once its lag has passed: {} of the lags are <= {delay} ms. The \
             others return the old value even though the write was acknowledged: a stale read, normal \
             for asynchronous replication.",
            fresh
        ),
        params: params(&[("lags", json!(lags)), ("delay", json!(delay))]),
    }
}

/// "1 replica", "3 replicas".
fn replicas(n: u64) -> String {
    if n == 1 {
        "1 replica".to_string()
    } else {
        format!("{n} replicas")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_generator_has_a_unique_name_that_round_trips() {
        let mut names = BTreeSet::new();
        for g in Generator::ALL {
            assert!(names.insert(g.name()));
            assert_eq!(Generator::from_name(g.name()), Some(*g));
        }
        assert_eq!(Generator::from_name("nope"), None);
    }

    #[test]
    fn permutations_are_not_identity() {
        for seed in 0..200 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for n in 2..7 {
                let p = shuffled_not_identity(n, &mut rng);
                let mut s = p.clone();
                s.sort_unstable();
                assert_eq!(s, (0..n).collect::<Vec<_>>());
                assert!(p.iter().enumerate().any(|(i, &x)| i != x));
            }
        }
    }

    #[test]
    fn orset_fixed_example() {
        let r = orset_run(
            &["milk", "eggs"],
            &[
                vec![(false, "eggs"), (true, "tea")],
                vec![(true, "eggs"), (false, "milk")],
            ],
        );
        let want: BTreeSet<String> = ["eggs", "tea"].iter().map(|s| s.to_string()).collect();
        assert_eq!(r, want);
    }
}
