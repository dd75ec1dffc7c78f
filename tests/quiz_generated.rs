//! Generated questions: for many seeds, the generator's answer key must
//! match an independent computation from the question's parameters (brute
//! force where that is cheap), the parameters must appear in the prompt, and
//! the keyed answer must grade as right.

// PBFT's bound reads best as written in the literature: n >= 3f + 1.
#![allow(clippy::int_plus_one)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use statedist::content::exercises::answer_input;
use statedist::quiz::{Form, Generator, Item, ItemSpec, Key, Question, Verdict};

const SEEDS: u64 = 400;

fn item(g: Generator) -> Item {
    Item {
        id: format!("test.{}", g.name()),
        spec: ItemSpec::Generated { generator: g },
        explanation: String::new(),
        line: 0,
    }
}

fn u(q: &Question, k: &str) -> u64 {
    q.params[k]
        .as_u64()
        .unwrap_or_else(|| panic!("param {k} in {:?}", q.params))
}

/// A list of clocks among a question's parameters.
fn clocks_of(q: &Question, key: &str) -> Vec<Vec<u64>> {
    q.params[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect()
        })
        .collect()
}

fn list(q: &Question, k: &str) -> Vec<u64> {
    q.params[k]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

fn number(q: &Question) -> f64 {
    match q.key() {
        Key::Number { value, .. } => *value,
        k => panic!("expected a number key, got {k:?}"),
    }
}

fn choice(q: &Question) -> usize {
    match q.key() {
        Key::Choice(c) => *c,
        k => panic!("expected a choice key, got {k:?}"),
    }
}

fn choices(q: &Question) -> BTreeSet<usize> {
    match q.key() {
        Key::Choices(c) => c.clone(),
        k => panic!("expected a multiple-choice key, got {k:?}"),
    }
}

/// Is there a read set of size r disjoint from a write set of size w, out of n?
/// By symmetry the write set can be the first w nodes; try every read set.
fn some_disjoint(n: u64, w: u64, r: u64) -> bool {
    let write: u32 = (1u32 << w) - 1;
    (0u32..(1 << n)).any(|read| read.count_ones() as u64 == r && read & write == 0)
}

fn for_each_question(g: Generator, mut check: impl FnMut(&Question)) {
    let it = item(g);
    let mut prompts = BTreeSet::new();
    for seed in 0..SEEDS {
        let q = it.instantiate(seed);
        // determinism: same seed, same question
        let again = it.instantiate(seed);
        assert_eq!(q.prompt, again.prompt);
        assert_eq!(q.key(), again.key());
        // the keyed answer grades as right; the explanation is not empty
        let g = q
            .grade_input(&answer_input(&q))
            .expect("keyed answer parses");
        assert_eq!(
            g.verdict,
            Verdict::Right,
            "{}: {}",
            q.prompt,
            answer_input(&q)
        );
        assert!(!q.explanation.trim().is_empty());
        prompts.insert(q.prompt.clone());
        check(&q);
    }
    assert!(prompts.len() > 3, "{} barely varies: {prompts:?}", g.name());
}

#[test]
fn quorum_min_w_matches_brute_force() {
    for_each_question(Generator::QuorumMinW, |q| {
        let (n, r) = (u(q, "n"), u(q, "r"));
        assert!(q.prompt.contains(&format!("N = {n}")) && q.prompt.contains(&format!("R = {r}")));
        let smallest = (1..=n).find(|&w| !some_disjoint(n, w, r)).unwrap();
        assert_eq!(number(q), smallest as f64, "{}", q.prompt);
    });
}

#[test]
fn quorum_overlap_matches_brute_force() {
    let mut answers = BTreeSet::new();
    for_each_question(Generator::QuorumOverlap, |q| {
        let (n, w, r) = (u(q, "n"), u(q, "w"), u(q, "r"));
        assert!(q.prompt.contains(&format!(
            "N = {n} replicas, write quorum W = {w}, read quorum R = {r}"
        )));
        let overlap = !some_disjoint(n, w, r);
        assert_eq!(choice(q), if overlap { 0 } else { 1 }, "{}", q.prompt);
        answers.insert(choice(q));
    });
    assert_eq!(answers.len(), 2, "both answers occur");
}

#[test]
fn quorum_write_tolerance_is_the_most_failures_that_leave_w() {
    for_each_question(Generator::QuorumWriteTolerance, |q| {
        let (n, w) = (u(q, "n"), u(q, "w"));
        let most = (0..=n).filter(|down| n - down >= w).max().unwrap();
        assert_eq!(number(q), most as f64);
    });
}

#[test]
fn quorum_availability_matches() {
    for_each_question(Generator::QuorumAvailability, |q| {
        let (n, w, r, down) = (u(q, "n"), u(q, "w"), u(q, "r"), u(q, "down"));
        let up = n - down;
        let want = match (up >= r, up >= w) {
            (true, true) => "Both reads and writes",
            (true, false) => "Reads only",
            (false, true) => "Writes only",
            (false, false) => "Neither",
        };
        let Form::Choice { options } = &q.form else {
            panic!()
        };
        assert_eq!(options[choice(q)], want, "{}", q.prompt);
    });
}

#[test]
fn majority_size_is_the_smallest_size_two_disjoint_groups_cannot_both_have() {
    for_each_question(Generator::MajoritySize, |q| {
        let n = u(q, "n");
        assert!(q.prompt.contains(&format!("has {n} voting members")));
        let m = (1..=n).find(|&m| 2 * m > n).unwrap();
        assert_eq!(number(q), m as f64);
    });
}

#[test]
fn majority_tolerance_matches() {
    for_each_question(Generator::MajorityTolerance, |q| {
        let n = u(q, "n");
        let m = (1..=n).find(|&m| 2 * m > n).unwrap();
        let f = (0..=n).filter(|f| n - f >= m).max().unwrap();
        assert_eq!(number(q), f as f64);
    });
}

#[test]
fn majority_side_is_the_side_with_more_than_half_of_all_members() {
    let mut saw_none = false;
    for_each_question(Generator::MajoritySide, |q| {
        let n = u(q, "n");
        let sides = list(q, "sides");
        assert_eq!(sides.iter().sum::<u64>(), n);
        let want = sides.iter().position(|&s| 2 * s > n).unwrap_or(sides.len());
        saw_none |= want == sides.len();
        assert_eq!(choice(q), want, "{}", q.prompt);
    });
    assert!(saw_none, "some splits leave no side with a majority");
}

#[test]
fn pbft_max_faulty_satisfies_n_at_least_3f_plus_1() {
    for_each_question(Generator::PbftMaxFaulty, |q| {
        let n = u(q, "n");
        assert!(q.prompt.contains(&format!("n = {n} replicas")));
        let f = (0..n).filter(|f| 3 * f + 1 <= n).max().unwrap();
        assert_eq!(number(q), f as f64);
    });
}

#[test]
fn pbft_min_nodes_is_3f_plus_1() {
    for_each_question(Generator::PbftMinNodes, |q| {
        let f = u(q, "f");
        let n = (1..).find(|&n| n >= 3 * f + 1).unwrap();
        assert_eq!(number(q), n as f64);
    });
}

#[test]
fn pbft_quorum_is_the_smallest_with_an_honest_intersection() {
    for_each_question(Generator::PbftQuorum, |q| {
        let n = u(q, "n");
        let f = (0..n).filter(|f| 3 * f + 1 <= n).max().unwrap();
        // two quorums must share more than f replicas
        let quorum = (1..=n).find(|&q| 2 * q > n + f).unwrap();
        assert_eq!(number(q), quorum as f64);
    });
}

fn relation(a: &[u64], b: &[u64]) -> &'static str {
    let a_le = a.iter().zip(b).all(|(x, y)| x <= y);
    let b_le = b.iter().zip(a).all(|(x, y)| x <= y);
    match (a_le, b_le) {
        (true, true) => "same",
        (true, false) => "a<b",
        (false, true) => "b<a",
        (false, false) => "concurrent",
    }
}

#[test]
fn vclock_compare_matches() {
    let mut kinds = BTreeSet::new();
    for_each_question(Generator::VclockCompare, |q| {
        let (a, b) = (list(q, "v1"), list(q, "v2"));
        let rel = relation(&a, &b);
        kinds.insert(rel);
        let want = match rel {
            "a<b" => 0,
            "b<a" => 1,
            "concurrent" => 2,
            _ => 3,
        };
        assert_eq!(choice(q), want, "{}", q.prompt);
    });
    assert_eq!(kinds.len(), 4, "every relation occurs: {kinds:?}");
}

#[test]
fn vclock_concurrent_pairs_match() {
    for_each_question(Generator::VclockConcurrentPairs, |q| {
        let clocks = clocks_of(q, "clocks");
        let mut k = 0;
        let mut want = BTreeSet::new();
        for i in 0..clocks.len() {
            for j in (i + 1)..clocks.len() {
                if relation(&clocks[i], &clocks[j]) == "concurrent" {
                    want.insert(k);
                }
                k += 1;
            }
        }
        assert!(!want.is_empty());
        assert_eq!(choices(q), want, "{}", q.prompt);
    });
}

#[test]
fn vclock_merge_is_entrywise_max() {
    for_each_question(Generator::VclockMerge, |q| {
        let (a, b) = (list(q, "local"), list(q, "incoming"));
        let want: Vec<i64> = a.iter().zip(&b).map(|(x, y)| (*x.max(y)) as i64).collect();
        assert_eq!(q.key(), &Key::Numbers(want));
    });
}

#[test]
fn lww_winner_is_highest_timestamp_then_node() {
    let mut ties = 0;
    for_each_question(Generator::LwwWinner, |q| {
        let writes = q.params["writes"].as_array().unwrap();
        let mut best: Option<(u64, u64, String)> = None;
        let mut stamps = BTreeMap::new();
        for w in writes {
            let t = (
                w["ts"].as_u64().unwrap(),
                w["node"].as_u64().unwrap(),
                w["value"].as_str().unwrap().to_string(),
            );
            *stamps.entry(t.0).or_insert(0) += 1;
            if best.as_ref().is_none_or(|b| (t.0, t.1) > (b.0, b.1)) {
                best = Some(t);
            }
        }
        if stamps.values().any(|c| *c > 1) {
            ties += 1;
        }
        let Form::Choice { options } = &q.form else {
            panic!()
        };
        let distinct: BTreeSet<&String> = options.iter().collect();
        assert_eq!(distinct.len(), options.len(), "values are distinct");
        assert_eq!(options[choice(q)], best.unwrap().2, "{}", q.prompt);
    });
    assert!(ties > 0, "ties occur and are broken by node id");
}

#[test]
fn gcounter_value_is_sum_of_entrywise_max() {
    for_each_question(Generator::GCounterValue, |q| {
        let reps: Vec<Vec<u64>> = q.params["replicas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_u64().unwrap())
                    .collect()
            })
            .collect();
        let merged: u64 = (0..reps[0].len())
            .map(|i| reps.iter().map(|r| r[i]).max().unwrap())
            .sum();
        assert_eq!(number(q), merged as f64);
    });
}

#[test]
fn pncounter_value_is_p_minus_n() {
    for_each_question(Generator::PnCounterValue, |q| {
        let reps = q.params["replicas"].as_array().unwrap();
        let vecs = |k: &str| -> Vec<Vec<u64>> {
            reps.iter()
                .map(|r| {
                    r[k].as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_u64().unwrap())
                        .collect()
                })
                .collect()
        };
        let sum_max = |v: Vec<Vec<u64>>| -> i64 {
            (0..v[0].len())
                .map(|i| v.iter().map(|r| r[i]).max().unwrap() as i64)
                .sum()
        };
        assert_eq!(number(q), (sum_max(vecs("p")) - sum_max(vecs("n"))) as f64);
    });
}

/// An independent OR-Set: each add creates a tag "replica/op"; a remove
/// records the tags its replica currently sees for that element.
fn orset(initial: &[String], ops: &[Vec<String>]) -> BTreeSet<String> {
    let mut adds: Vec<(String, String)> = initial
        .iter()
        .map(|e| (e.clone(), format!("init/{e}")))
        .collect();
    let mut removed: BTreeSet<String> = BTreeSet::new();
    let mut all_adds = adds.clone();
    for (r, rops) in ops.iter().enumerate() {
        let mut local = adds.clone();
        let mut local_removed: BTreeSet<String> = BTreeSet::new();
        for (k, op) in rops.iter().enumerate() {
            let (what, e) = op.split_once(':').unwrap();
            if what == "add" {
                local.push((e.to_string(), format!("{r}/{k}")));
            } else {
                for (el, tag) in &local {
                    if el == e {
                        local_removed.insert(tag.clone());
                    }
                }
            }
        }
        all_adds.extend(local.into_iter().filter(|a| !adds.contains(a)));
        removed.extend(local_removed);
    }
    adds = all_adds;
    adds.into_iter()
        .filter(|(_, tag)| !removed.contains(tag))
        .map(|(e, _)| e)
        .collect()
}

#[test]
fn orset_merge_matches_an_independent_or_set() {
    let mut add_wins_cases = 0;
    for_each_question(Generator::OrSetMerge, |q| {
        let initial: Vec<String> = q.params["initial"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let ops: Vec<Vec<String>> = q.params["ops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect()
            })
            .collect();
        let want = orset(&initial, &ops);
        let Form::MultiChoice { options } = &q.form else {
            panic!()
        };
        let got: BTreeSet<String> = choices(q).iter().map(|&i| options[i].clone()).collect();
        assert_eq!(got, want, "{}", q.prompt);
        let removed: BTreeSet<&str> = ops
            .iter()
            .flatten()
            .filter_map(|o| o.strip_prefix("remove:"))
            .collect();
        if want.iter().any(|e| removed.contains(e.as_str())) {
            add_wins_cases += 1;
        }
    });
    assert!(
        add_wins_cases > 10,
        "concurrent add/remove races occur ({add_wins_cases})"
    );
}

#[test]
fn downtime_budget_matches() {
    for_each_question(Generator::DowntimeBudget, |q| {
        let a = q.params["availability"].as_f64().unwrap();
        let minutes = q.params["period_minutes"].as_f64().unwrap();
        let want = (100.0 - a) / 100.0 * minutes;
        let Key::Number { value, tolerance } = q.key() else {
            panic!()
        };
        assert!((value - want).abs() <= 0.01, "{value} vs {want}");
        assert!(
            *tolerance > 0.0 && *tolerance <= (want * 0.02).max(0.1) + 0.005,
            "{tolerance}"
        );
        // a clearly wrong answer is wrong
        let off = q.grade_input(&format!("{}", want * 2.0 + 1.0)).unwrap();
        assert_eq!(off.verdict, Verdict::Wrong);
    });
}

#[test]
fn replica_lag_counts_followers_caught_up() {
    for_each_question(Generator::ReplicaLag, |q| {
        let lags = list(q, "lags");
        let delay = u(q, "delay");
        let want = lags.iter().filter(|&&l| l <= delay).count();
        assert_eq!(number(q), want as f64);
    });
}

#[test]
fn every_generator_is_covered_by_a_test_above() {
    // keep this list in step with Generator::ALL when adding a generator
    let tested = [
        "quorum-min-w",
        "quorum-overlap",
        "quorum-write-tolerance",
        "quorum-availability",
        "majority-size",
        "majority-tolerance",
        "majority-side",
        "pbft-max-faulty",
        "pbft-min-nodes",
        "pbft-quorum",
        "vclock-compare",
        "vclock-concurrent-pairs",
        "vclock-merge",
        "lww-winner",
        "gcounter-value",
        "pncounter-value",
        "orset-merge",
        "downtime-budget",
        "replica-lag",
    ];
    let all: Vec<&str> = Generator::ALL.iter().map(|g| g.name()).collect();
    assert_eq!(all, tested);
}

#[test]
fn params_are_json_values() {
    // the TUI may show them; they must serialize
    let q = item(Generator::OrSetMerge).instantiate(7);
    let v: Value = serde_json::to_value(&q.params).unwrap();
    assert!(v.is_object());
}

// ---- review fixes: scenarios that must be possible, explanations that must
// match the drawn parameters ----

#[test]
fn quorum_min_w_explanation_never_talks_about_w_zero() {
    let mut w_one = 0;
    for_each_question(Generator::QuorumMinW, |q| {
        if number(q) == 1.0 {
            w_one += 1;
        }
        assert!(
            !q.explanation.contains("W = 0"),
            "a quorum of 0 is not a write: {}",
            q.explanation
        );
    });
    assert!(w_one > 0, "R = N (so W = 1) is drawn");
}

#[test]
fn vclock_merge_message_never_knows_more_of_b_than_b() {
    // replica B is entry 1; a message it receives can only carry B events
    // that happened at B before, so that entry is at most B's own
    for_each_question(Generator::VclockMerge, |q| {
        let (local, incoming) = (list(q, "local"), list(q, "incoming"));
        assert!(incoming[1] <= local[1], "impossible message: {}", q.prompt);
    });
}

#[test]
fn vclock_questions_never_stamp_an_event_with_all_zeros() {
    for_each_question(Generator::VclockCompare, |q| {
        for k in ["v1", "v2"] {
            assert!(list(q, k).iter().any(|&x| x > 0), "{}", q.prompt);
        }
    });
    for_each_question(Generator::VclockConcurrentPairs, |q| {
        for c in clocks_of(q, "clocks") {
            assert!(c.iter().any(|&x| x > 0), "{}", q.prompt);
        }
    });
}

#[test]
fn lww_tie_note_counts_the_tied_writes() {
    for_each_question(Generator::LwwWinner, |q| {
        let writes = q.params["writes"].as_array().unwrap();
        let best = writes
            .iter()
            .map(|w| (w["ts"].as_u64().unwrap(), w["node"].as_u64().unwrap()))
            .max()
            .unwrap();
        let tied = writes
            .iter()
            .filter(|w| w["ts"].as_u64() == Some(best.0))
            .count();
        match tied {
            1 => assert!(!q.explanation.contains("share t ="), "{}", q.explanation),
            2 => assert!(
                q.explanation.contains("Two writes share"),
                "{}",
                q.explanation
            ),
            _ => assert!(
                q.explanation.contains("Three writes share"),
                "{}",
                q.explanation
            ),
        }
    });
}

#[test]
fn orset_explanation_calls_an_add_concurrent_only_when_it_was() {
    // "concurrent add" must mean an add on the other replica; an add after
    // the remove on the same replica is a later add, not a concurrent one
    let mut re_added = 0;
    for_each_question(Generator::OrSetMerge, |q| {
        let ops: Vec<Vec<String>> = q.params["ops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect()
            })
            .collect();
        for e in ["milk", "eggs", "bread", "tea", "rice"] {
            let has = |r: usize, op: &str| ops[r].iter().any(|o| o == &format!("{op}:{e}"));
            let concurrent =
                (has(0, "remove") && has(1, "add")) || (has(1, "remove") && has(0, "add"));
            let says_concurrent = q
                .explanation
                .contains(&format!("{e} survives: a remove deletes only"));
            assert_eq!(
                says_concurrent,
                concurrent && q.explanation.contains(&format!("{e} survives")),
                "{e}: {:?} / {}",
                ops,
                q.explanation
            );
            if q.explanation
                .contains(&format!("{e} survives: it was added again"))
            {
                re_added += 1;
            }
        }
    });
    assert!(
        re_added > 0,
        "a remove followed by a re-add on one replica occurs"
    );
}

/// The generators' vector-clock and CRDT answers are the simulator's own
/// arithmetic: recomputed here with `statedist::model` from each question's
/// parameters, they match the keyed answer.
#[test]
fn vector_clock_and_crdt_answers_agree_with_the_model() {
    use statedist::model::{Causality, GCounter, PnCounter, VersionVector};
    let vv = |v: &[u64]| VersionVector::from_counts(v.iter().copied().enumerate());
    for_each_question(Generator::VclockCompare, |q| {
        let want = match vv(&list(q, "v1")).compare(&vv(&list(q, "v2"))) {
            Causality::Before => 0,
            Causality::After => 1,
            Causality::Concurrent => 2,
            Causality::Equal => 3,
        };
        assert_eq!(choice(q), want, "{}", q.prompt);
    });
    for_each_question(Generator::VclockMerge, |q| {
        let (a, b) = (list(q, "local"), list(q, "incoming"));
        let m = vv(&a).merged(&vv(&b));
        let want: Vec<i64> = (0..a.len()).map(|i| m.get(&i) as i64).collect();
        assert_eq!(q.key(), &Key::Numbers(want));
    });
    let rows = |v: &Value| -> Vec<u64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect()
    };
    let counter = |v: &[u64]| GCounter::from_counts(v.iter().copied().enumerate());
    for_each_question(Generator::GCounterValue, |q| {
        let mut all = GCounter::new();
        for r in q.params["replicas"].as_array().unwrap() {
            all.merge(&counter(&rows(r)));
        }
        assert_eq!(number(q), all.value() as f64);
    });
    for_each_question(Generator::PnCounterValue, |q| {
        let mut all = PnCounter::new();
        for r in q.params["replicas"].as_array().unwrap() {
            all.merge(&PnCounter {
                p: counter(&rows(&r["p"])),
                n: counter(&rows(&r["n"])),
            });
        }
        assert_eq!(number(q), all.value() as f64);
    });
}

/// Whether some execution has events with these clocks: each event placed
/// at a node (given, or any that fits), so that it is that node's `v[node]`-th
/// event, two events of one node are ordered, and an event that knows the
/// k-th event of a node (its entry there is at least k) has that event's
/// clock below its own. All zeros with no node given is a node's start.
fn realisable(events: &[(Option<usize>, Vec<u64>)]) -> bool {
    fn place(events: &[(Option<usize>, Vec<u64>)], at: &mut Vec<usize>) -> bool {
        let i = at.len();
        if i == events.len() {
            return consistent(events, at);
        }
        let (fixed, v) = &events[i];
        for n in 0..v.len() {
            // An event counts itself at its node; only a node's start (all
            // zeros, no node given) has a zero there.
            let start = fixed.is_none() && v.iter().all(|&x| x == 0);
            if fixed.is_some_and(|f| f != n) || (v[n] == 0 && !start) {
                continue;
            }
            at.push(n);
            if place(events, at) {
                return true;
            }
            at.pop();
        }
        false
    }
    fn consistent(events: &[(Option<usize>, Vec<u64>)], at: &[usize]) -> bool {
        let le = |a: &[u64], b: &[u64]| a.iter().zip(b).all(|(x, y)| x <= y);
        for (e, (_, v)) in events.iter().enumerate() {
            for (f, (_, w)) in events.iter().enumerate() {
                if e == f {
                    continue;
                }
                let j = at[f];
                // f is node j's w[j]-th event; e knows it when v[j] >= w[j].
                if w[j] > 0 && v[j] >= w[j] && !le(w, v) {
                    return false;
                }
            }
        }
        true
    }
    place(events, &mut Vec::new())
}

#[test]
fn the_checker_knows_an_impossible_set_from_a_possible_one() {
    let free = |cs: &[&[u64]]| -> Vec<(Option<usize>, Vec<u64>)> {
        cs.iter().map(|c| (None, c.to_vec())).collect()
    };
    // The issue's example: P is C's first event, yet S knows C's third
    // event without knowing all P knows.
    assert!(!realisable(&free(&[
        &[3, 0, 1],
        &[0, 2, 2],
        &[3, 0, 0],
        &[1, 2, 3]
    ])));
    assert!(realisable(&free(&[
        &[1, 0, 0],
        &[2, 1, 0],
        &[1, 0, 1],
        &[2, 1, 2]
    ])));
    // A message is stamped by its send, which counts itself: it is never
    // all zeros ("B holds [6,0,5] and receives [0,0,0]").
    assert!(!realisable(&[
        (None, vec![6, 1, 5]),
        (Some(0), vec![0, 0, 0])
    ]));
    assert!(realisable(&[
        (None, vec![6, 1, 5]),
        (Some(0), vec![2, 0, 0])
    ]));
}

#[test]
fn every_vector_clock_question_could_come_from_a_real_execution() {
    let it = item(Generator::VclockConcurrentPairs);
    for seed in 0..2_000 {
        let q = it.instantiate(seed);
        let events: Vec<_> = clocks_of(&q, "clocks")
            .into_iter()
            .map(|c| (None, c))
            .collect();
        assert!(realisable(&events), "seed {seed}: {}", q.prompt);
    }
    let it = item(Generator::VclockMerge);
    for seed in 0..2_000 {
        let q = it.instantiate(seed);
        let (local, incoming) = (list(&q, "local"), list(&q, "incoming"));
        // B's state is B's latest event (or its start); the message is
        // stamped by its sender's send, at a node other than B.
        let b = if local.iter().all(|&x| x == 0) {
            None
        } else {
            Some(1)
        };
        let ok = (0..incoming.len())
            .filter(|&n| n != 1)
            .any(|n| realisable(&[(b, local.clone()), (Some(n), incoming.clone())]));
        assert!(ok, "seed {seed}: {}", q.prompt);
    }
    let it = item(Generator::VclockCompare);
    for seed in 0..2_000 {
        let q = it.instantiate(seed);
        let (a, b) = (list(&q, "v1"), list(&q, "v2"));
        if a == b {
            continue; // one event asked about twice
        }
        let events = [(None, a), (None, b)];
        assert!(realisable(&events), "seed {seed}: {}", q.prompt);
    }
}
