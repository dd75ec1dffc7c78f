//! Each shipped PBFT story shows what its comment (and lesson 5's Try-it)
//! says: one traitor among 4 cannot split the honest replicas, two can; the
//! same two among 7 cannot; two silent ones stall 4 without breaking them;
//! a replica's lies in a view change are caught by anyone who checks.

use statedist::check::Status;
use statedist::scenario::pbft::{AGREEMENT, IN_ORDER, LIVENESS};
use statedist::scenario::{self, Params, Run, demos};
use statedist::sim::OpOutcome;
use statedist::sim::script::Script;

fn run(demo: &str, until: u64) -> Box<dyn Run> {
    let d = demos::find(demo).unwrap();
    let params = Params {
        seed: 1,
        nodes: d.nodes,
        script: Script::parse(&d.full_script()).unwrap(),
        ..Params::default()
    };
    let mut r = scenario::find(d.scenario).unwrap().start(&params).unwrap();
    r.run_until(until);
    r
}

fn verdict(r: &dyn Run, check: &str) -> (Status, String) {
    let v = r
        .verdicts()
        .into_iter()
        .find(|v| v.check == check)
        .unwrap_or_else(|| panic!("no verdict {check}"));
    (v.status, v.summary)
}

fn notes(r: &dyn Run) -> Vec<String> {
    r.trace().events().map(|e| e.text.clone()).collect()
}

fn has(r: &dyn Run, text: &str) -> bool {
    notes(r).iter().any(|n| n.contains(text))
}

#[test]
fn an_equivocating_primary_is_replaced_and_the_honest_replicas_agree() {
    let r = run("pbft-equivocate", 10_000);
    assert_eq!(verdict(&*r, AGREEMENT).0, Status::Pass);
    assert_eq!(verdict(&*r, IN_ORDER).0, Status::Pass);
    assert_eq!(verdict(&*r, LIVENESS).0, Status::Pass);
    // The lie: one story to n3, another to n2 and n4, for s2.
    assert!(has(&*r, "n1 sent PP(v0 s2 op2 x=2) to n3"));
    assert!(has(&*r, "n1 sent PP(v0 s2 null) to n2"));
    // A view change puts n2 in charge and carries s2 = null forward.
    assert!(has(&*r, "n2 has 3 VIEW-CHANGE messages for view 1"));
    assert!(has(
        &*r,
        "n2 enters view 1 as primary; the NEW-VIEW re-proposes s1 = op1 x=1, s2 = null"
    ));
    let ops = r.history().ops();
    assert!(ops.iter().all(|o| o.is_ok()), "{ops:?}");
    assert_eq!(ops[3].read_value(), Some(Some(2)));
}

#[test]
fn two_traitors_among_4_make_two_honest_replicas_disagree() {
    let r = run("pbft-two-traitors", 10_000);
    let (status, why) = verdict(&*r, AGREEMENT);
    assert_eq!(status, Status::Fail);
    assert!(
        why.contains("n3 executed s2 = op2 x=3 but n4 executed s2 = null"),
        "{why}"
    );
    assert!(why.contains("2 replicas were byzantine (n1, n2), more than f = 1"));
}

#[test]
fn the_same_two_traitors_among_7_change_nothing() {
    let r = run("pbft-seven-replicas", 10_000);
    assert_eq!(r.cluster_size(), 7);
    assert_eq!(verdict(&*r, AGREEMENT).0, Status::Pass);
    assert_eq!(verdict(&*r, IN_ORDER).0, Status::Pass);
    assert_eq!(verdict(&*r, LIVENESS).0, Status::Pass);
    let ops = r.history().ops();
    assert!(ops.iter().all(|o| o.is_ok()), "{ops:?}");
    // f + 1 = 3 matching answers, not 2.
    assert!(
        has(&*r, "3 matching answers"),
        "the client needs f + 1 = 3 answers among 7"
    );
}

#[test]
fn two_silent_replicas_among_4_stall_it_and_the_checker_says_why() {
    let r = run("pbft-silent-pair", 10_000);
    assert_eq!(verdict(&*r, AGREEMENT).0, Status::Pass);
    let (status, why) = verdict(&*r, LIVENESS);
    assert_eq!(status, Status::Fail);
    assert!(
        why.contains(
            "only 2 honest replicas can reach each other (n3, n4); a quorum needs 2f + 1 = 3"
        ),
        "{why}"
    );
    let ops = r.history().ops();
    assert!(ops[0].is_ok());
    assert!(
        ops[1..]
            .iter()
            .all(|o| matches!(o.outcome, OpOutcome::TimedOut { .. })),
        "{ops:?}"
    );
}

#[test]
fn a_lie_in_a_view_change_is_caught_by_every_honest_replica() {
    let r = run("pbft-liar", 10_000);
    // Its certificate for null at s1 is short of 2f = 2 backup prepares.
    for n in ["n1", "n3", "n4"] {
        assert!(
            has(
                &*r,
                &format!(
                    "{n} discards n2's VIEW-CHANGE for view 1: its certificate for s1 = null shows 1 prepare from backups; a prepared certificate needs 2f = 2"
                )
            ),
            "{n}"
        );
        assert!(
            has(
                &*r,
                &format!(
                    "{n} rejects the NEW-VIEW for view 1 from n2: it re-proposes null at s1, but its view changes prove op1 x=1 prepared there"
                )
            ),
            "{n}"
        );
    }
    assert!(has(
        &*r,
        "n3 enters view 2 as primary; the NEW-VIEW re-proposes s1 = op1 x=1"
    ));
    assert_eq!(verdict(&*r, AGREEMENT).0, Status::Pass);
    let ops = r.history().ops();
    assert!(ops.iter().all(|o| o.is_ok()), "{ops:?}");
    assert_eq!(ops[2].read_value(), Some(Some(2)));
}

#[test]
fn a_timeout_with_no_timer_running_is_explained_not_obeyed() {
    // n3 asks for view 1 alone; pressing its timeout again does not send it
    // on to view 2, since its view-change timer only starts with 2f + 1.
    let params = Params {
        seed: 1,
        script: Script::parse("at 0.1s write n1 x=1\nat 1s timeout n3\nat 1.5s timeout n3\n")
            .unwrap(),
        ..Params::default()
    };
    let mut r = scenario::find("pbft").unwrap().start(&params).unwrap();
    r.run_until(3_000);
    assert!(has(&*r, "n3 asks for view 1 (primary n2)"));
    assert!(has(
        &*r,
        "n3 has no timer to expire: it waits for 2f + 1 = 3 VIEW-CHANGE messages for view 1 (it has 1) before it starts one"
    ));
    assert!(!has(&*r, "n3 asks for view 2"));
}
