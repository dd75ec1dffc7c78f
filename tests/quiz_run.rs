//! The gauntlet run engine: answering, skipping, time up, abandoning,
//! scoring, and determinism of the questions a seed picks.

use std::time::Duration;

use statedist::content;
use statedist::content::exercises::answer_input;
use statedist::quiz::{AnswerError, ItemOutcome, Run, RunState, Skip, Verdict};

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn bank(id: &str) -> statedist::quiz::Bank {
    content::load_banks(None).get(id).unwrap().clone()
}

#[test]
fn answering_everything_right_quickly_scores_high() {
    let b = bank("gauntlet1");
    let mut run = Run::new(&b, 1);
    let n = run.questions().len();
    let mut t = 0;
    while let Some(q) = run.current() {
        let input = answer_input(q);
        t += 5;
        let g = run.answer(&input, secs(t)).unwrap();
        assert_eq!(g.verdict, Verdict::Right);
    }
    assert_eq!(run.state(), RunState::Finished);
    let s = run.summary(secs(t));
    assert_eq!(s.right, n);
    assert_eq!(s.correctness, 100);
    // 45 s of 180 used: 75% left -> 19 of 25 bonus points
    assert_eq!(s.time_used_ms, t * 1000);
    assert_eq!(s.bonus, 19);
    assert_eq!(s.score, 119);
    assert!(!s.abandoned());
}

#[test]
fn a_parse_error_keeps_the_question_and_costs_nothing() {
    let b = bank("gauntlet2");
    let mut run = Run::new(&b, 1);
    let first = run.current_index();
    let err = run.answer("zzz", secs(1)).unwrap_err();
    assert!(matches!(err, AnswerError::Parse(_)));
    assert_eq!(run.current_index(), first);
    assert_eq!(run.progress().0, 0);
}

#[test]
fn skip_once_comes_back_skip_twice_gives_up() {
    let b = bank("gauntlet1");
    let mut run = Run::new(&b, 3);
    let first = run.current_index().unwrap();
    assert_eq!(run.skip(secs(1)).unwrap(), Skip::Later);
    assert_ne!(run.current_index(), Some(first));
    // answer everything else
    while run.current_index() != Some(first) {
        let input = answer_input(run.current().unwrap());
        run.answer(&input, secs(2)).unwrap();
    }
    assert!(run.current_was_skipped());
    assert_eq!(run.skip(secs(3)).unwrap(), Skip::GaveUp);
    assert_eq!(run.state(), RunState::Finished);
    let s = run.summary(secs(3));
    assert_eq!(s.skipped, 1);
    assert_eq!(s.items[first].outcome, ItemOutcome::GaveUp);
    assert!(s.correctness < 100);
}

#[test]
fn time_up_ends_the_run_and_leaves_the_rest_unanswered() {
    let b = bank("gauntlet1"); // 3 minutes
    let mut run = Run::new(&b, 1);
    let input = answer_input(run.current().unwrap());
    run.answer(&input, secs(10)).unwrap();
    assert_eq!(run.tick(secs(179)), RunState::Running);
    assert_eq!(run.remaining(secs(179)), secs(1));
    assert_eq!(run.tick(secs(180)), RunState::TimeUp);
    assert!(run.current().is_none());
    assert!(matches!(run.answer("a", secs(181)), Err(AnswerError::Over)));
    assert!(matches!(run.skip(secs(181)), Err(AnswerError::Over)));
    let s = run.summary(secs(500));
    assert_eq!(s.state, RunState::TimeUp);
    assert_eq!(s.time_used_ms, 180_000, "time used is capped at the limit");
    assert_eq!(s.bonus, 0, "no time left, no bonus");
    assert_eq!(s.right, 1);
    assert_eq!(s.unanswered, s.items.len() - 1);
}

#[test]
fn an_answer_after_the_deadline_is_refused() {
    let b = bank("gauntlet1");
    let mut run = Run::new(&b, 1);
    let input = answer_input(run.current().unwrap());
    assert!(matches!(
        run.answer(&input, secs(200)),
        Err(AnswerError::Over)
    ));
    assert_eq!(run.state(), RunState::TimeUp);
    assert_eq!(run.summary(secs(200)).right, 0);
}

#[test]
fn abandoning_records_no_bonus() {
    let b = bank("gauntlet3");
    let mut run = Run::new(&b, 1);
    let input = answer_input(run.current().unwrap());
    run.answer(&input, secs(5)).unwrap();
    run.abandon(secs(6));
    assert_eq!(run.state(), RunState::Abandoned);
    assert!(run.current().is_none());
    let s = run.summary(secs(6));
    assert!(s.abandoned());
    assert_eq!(s.bonus, 0);
    assert_eq!(s.time_used_ms, 6000);
    assert_eq!(s.right, 1);
}

#[test]
fn block_runs_pick_a_seeded_subset() {
    let b = bank("block2");
    assert!(b.items.len() >= 15);
    let a1 = Run::new(&b, 1);
    let a2 = Run::new(&b, 1);
    let other = Run::new(&b, 2);
    let ids = |r: &Run| {
        r.questions()
            .iter()
            .map(|q| q.item_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a1), ids(&a2), "same seed, same questions");
    assert_eq!(ids(&a1).len(), b.pick.unwrap());
    assert_ne!(ids(&a1), ids(&other), "another seed, another selection");
    let prompts = |r: &Run| {
        r.questions()
            .iter()
            .map(|q| q.prompt.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(prompts(&a1), prompts(&a2));
}

#[test]
fn gauntlets_keep_file_order() {
    let b = bank("gauntlet2");
    let run = Run::new(&b, 9);
    let ids: Vec<&str> = run.questions().iter().map(|q| q.item_id.as_str()).collect();
    let want: Vec<&str> = b.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, want);
}

#[test]
fn wrong_answers_score_zero_and_partial_credit_counts() {
    let b = bank("gauntlet4");
    let mut run = Run::new(&b, 1);
    // every design decision: the weakest option, no reasons
    while run.current().is_some() {
        run.answer("a", secs(1)).unwrap();
    }
    let s = run.summary(secs(1));
    assert_eq!(s.correctness, 0);
    assert_eq!(s.bonus, 0);
    let mut run = Run::new(&b, 1);
    while let Some(q) = run.current() {
        let input = answer_input(q);
        run.answer(&input, secs(60)).unwrap();
    }
    let s = run.summary(secs(60));
    assert_eq!(s.correctness, 100);
    assert!(s.bonus > 0);
    // every explanation carries the model answer and the rubric
    for r in &s.items {
        assert!(r.explanation.contains("Model answer:"), "{}", r.item_id);
        assert!(r.explanation.contains("Rubric:"), "{}", r.item_id);
    }
}
