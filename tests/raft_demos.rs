//! Each shipped Raft script shows what its comment says, and its contrast
//! (the setting that turns the anomaly off, or on) shows the opposite.

use statedist::check::Status;
use statedist::scenario::raft::safety;
use statedist::scenario::{self, Params, Run};
use statedist::sim::script::Script;
use statedist::sim::{OpOutcome, TraceKind};

const MINORITY: &str = include_str!("../assets/scripts/raft-minority-leader.script");
const SPLIT: &str = include_str!("../assets/scripts/raft-split-vote.script");
const LIVELOCK: &str = include_str!("../assets/scripts/raft-livelock.script");
const FIGURE8: &str = include_str!("../assets/scripts/raft-figure8.script");
const STALE: &str = include_str!("../assets/scripts/raft-stale-read.script");
const REJOIN: &str = include_str!("../assets/scripts/raft-rejoin.script");
const VOTE: &str = include_str!("../assets/scripts/raft-forgotten-vote.script");

fn run(script: &str, settings: &[(&str, &str)], until: u64) -> Box<dyn Run> {
    let params = Params {
        seed: 1,
        script: Script::parse(script).unwrap(),
        settings: settings
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Params::default()
    };
    let mut r = scenario::find("raft").unwrap().start(&params).unwrap();
    r.run_until(until);
    r
}

fn notes(r: &dyn Run) -> Vec<(u64, String)> {
    r.trace()
        .events()
        .filter(|e| e.kind == TraceKind::State)
        .map(|e| (e.time, e.text.clone()))
        .collect()
}

fn status(r: &dyn Run, check: &str) -> Status {
    r.verdicts()
        .into_iter()
        .find(|v| v.check == check)
        .unwrap_or_else(|| panic!("no verdict {check}"))
        .status
}

fn leaders(r: &dyn Run) -> Vec<(u64, String)> {
    notes(r)
        .into_iter()
        .filter(|(_, t)| t.contains(" is leader of term "))
        .collect()
}

#[test]
fn a_minority_leader_never_commits_and_its_entries_go_on_heal() {
    let r = run(MINORITY, &[], 4000);
    let ops = r.history().ops();
    // x=1 through the cut-off leader: never answered (it may have happened,
    // as far as the client knows). x=2 through the majority's leader: ok.
    assert!(
        matches!(ops[0].outcome, OpOutcome::TimedOut { .. }),
        "{:?}",
        ops[0]
    );
    assert!(ops[1].is_ok(), "{:?}", ops[1]);
    assert_eq!(ops[2].read_value(), Some(Some(2)));
    assert!(
        matches!(&ops[3].outcome, OpOutcome::Failed { reason } if reason.contains("follows n4"))
    );
    let n = notes(&*r);
    assert!(
        n.iter()
            .any(|(t, s)| *t >= 2500 && s.contains("n5 steps down from leader"))
    );
    assert!(
        n.iter()
            .any(|(_, s)| s.contains("n5 drops 1 entry from index 2"))
    );
    assert!(r.violation().is_none());
    assert_eq!(status(&*r, "linearizability"), Status::Pass);
}

#[test]
fn aligned_timers_split_the_vote_and_random_ones_end_it() {
    let r = run(SPLIT, &[], 2500);
    let n = notes(&*r);
    let term2: Vec<_> = n
        .iter()
        .filter(|(t, s)| *t == 1200 && s.contains("candidate for term 2"))
        .collect();
    assert_eq!(term2.len(), 4, "{n:#?}");
    let won = leaders(&*r);
    assert!(!won.iter().any(|(_, s)| s.contains("term 2:")), "{won:?}");
    assert!(won.iter().any(|(t, _)| *t > 1200 && *t < 2000), "{won:?}");
}

#[test]
fn fixed_timeouts_livelock_until_randomized_again() {
    let r = run(LIVELOCK, &[], 5000);
    let won = leaders(&*r);
    // Nobody wins between the crash and the return of random timeouts.
    assert!(
        !won.iter().any(|(t, _)| (1000..3000).contains(t)),
        "{won:?}"
    );
    let candidacies = notes(&*r)
        .iter()
        .filter(|(t, s)| *t < 3000 && s.contains("candidate for term"))
        .count();
    assert!(candidacies > 30, "{candidacies}");
    let ops = r.history().ops();
    assert!(!ops[0].is_ok(), "{:?}", ops[0]);
    assert!(ops[1].is_ok(), "{:?}", ops[1]);
    // The same crash with random timeouts: a leader within a second.
    let random = run(
        &LIVELOCK.replace("at 0s    set timeouts=fixed", ""),
        &[],
        2500,
    );
    assert!(
        leaders(&*random)
            .iter()
            .any(|(t, _)| (1000..2000).contains(t))
    );
}

#[test]
fn figure8_is_safe_by_the_papers_rule_and_broken_by_counting() {
    let paper = run(FIGURE8, &[], 3000);
    assert!(paper.violation().is_none(), "{:?}", paper.violation());
    assert!(
        !notes(&*paper)
            .iter()
            .any(|(_, s)| s.contains("commits up to index 1")),
        "the paper's rule never counts replicas for the term-2 entry"
    );
    let naive = run(FIGURE8, &[("commit-rule", "naive")], 3000);
    let v = naive
        .violation()
        .expect("the naive rule loses a committed entry");
    assert_eq!(v.invariant, safety::LEADER_COMPLETENESS);
    assert!(
        v.text
            .contains("n5 leads term 5 without the entry committed at index 1"),
        "{}",
        v.text
    );
    assert_eq!(status(&*naive, safety::LEADER_COMPLETENESS), Status::Fail);
    assert!(
        notes(&*naive)
            .iter()
            .any(|(_, s)| s.contains("the naive rule"))
    );
}

#[test]
fn a_deposed_leader_reading_locally_serves_a_stale_value() {
    let local = run(STALE, &[("reads", "local")], 4000);
    let read = &local.history().ops()[2];
    assert_eq!(read.read_value(), Some(Some(1)));
    let lin = local
        .verdicts()
        .into_iter()
        .find(|v| v.check == "linearizability")
        .unwrap();
    assert_eq!(lin.status, Status::Fail);
    assert!(
        lin.summary.contains("read via n5 at 2.000s returned x=1"),
        "{}",
        lin.summary
    );
    // ReadIndex: the cut-off leader cannot confirm, so it never answers.
    let safe = run(
        &STALE.replace("at 0s    set reads=local", ""),
        &[("reads", "read-index")],
        4000,
    );
    assert!(matches!(
        safe.history().ops()[2].outcome,
        OpOutcome::TimedOut { .. }
    ));
    assert_eq!(status(&*safe, "linearizability"), Status::Pass);
    // Through the log, too.
    let log = run(STALE, &[], 4000);
    assert!(!log.history().ops()[2].is_ok());
    assert_eq!(status(&*log, "linearizability"), Status::Pass);
}

#[test]
fn a_rejoining_node_deposes_the_leader_unless_pre_vote_is_on() {
    let disrupted = run(REJOIN, &[], 5000);
    assert!(
        notes(&*disrupted)
            .iter()
            .any(|(t, s)| *t >= 3000 && s.contains("n5 steps down from leader")),
    );
    let calm = run(REJOIN, &[("pre-vote", "on")], 5000);
    assert!(
        !notes(&*calm)
            .iter()
            .any(|(_, s)| s.contains("steps down from leader")),
    );
    assert_eq!(leaders(&*calm).len(), 1, "n5 leads term 1 throughout");
    let n3 = calm.view().nodes[2].state.clone();
    assert!(
        n3.contains(&("term".to_string(), "1".to_string())),
        "{n3:?}"
    );
    assert!(calm.history().ops().iter().all(|o| o.is_ok()));
}

#[test]
fn a_forgotten_vote_elects_two_leaders_in_one_term() {
    let durable = run(VOTE, &[], 2000);
    assert!(durable.violation().is_none(), "{:?}", durable.violation());
    assert!(
        notes(&*durable)
            .iter()
            .any(|(_, s)| s.contains("n3 denies n2 its vote for term 2: n3 already voted for n1"))
    );
    let volatile = run(VOTE, &[("vote", "volatile")], 2000);
    let v = volatile.violation().expect("two leaders in term 2");
    assert_eq!(v.invariant, safety::ELECTION_SAFETY);
    assert!(v.text.contains("two leaders in one term"), "{}", v.text);
}

/// A refusal of an old term's append, arriving after its sender was
/// re-elected, must not confirm the new term's ReadIndex round (the reply
/// names the term of the request it answers). Without that, n1 — cut off
/// and deposed — confirmed the read with n2's stale refusal and returned a
/// value older than an acknowledged write.
#[test]
fn a_stale_refusal_does_not_confirm_a_read_index_round() {
    let script = "\
at 0s    set reads=read-index
at 0.5s  timeout n1
at 1s    link 1->2 delay 400-400ms
at 1s    read n1 x
at 1.01s link 1->2 delay 10-30ms
at 1.05s crash 1
at 1.06s restart 1
at 1.06s timeout n1
at 1.45s isolate 1
at 1.46s timeout n2
at 1.6s  write n2 x=2
at 1.8s  read n1 x";
    let params = Params {
        seed: 1,
        nodes: Some(3),
        script: Script::parse(script).unwrap(),
        ..Params::default()
    };
    let mut r = scenario::find("raft").unwrap().start(&params).unwrap();
    r.run_until(3000);
    // The stale refusal did arrive, in term 2, answering a term-1 append.
    assert!(
        notes(&*r)
            .iter()
            .any(|(t, s)| *t == 1400 && s.contains("n2 refuses an append from n1's old term 1"))
    );
    let read = &r.history().ops()[2];
    assert!(
        matches!(read.outcome, OpOutcome::TimedOut { .. }),
        "{read:?}"
    );
    assert_eq!(status(&*r, "linearizability"), Status::Pass);
}
