//! Every "Try it" of lessons 1-6, followed as the lesson text says, in the
//! app with the embedded lessons: the same keys, with pauses where a
//! learner would wait, and the outcome the lesson promises. When a lesson
//! or a scenario changes, this is where a step that no longer works shows.
//!
//! Time: the app runs at 0.1x while messages fly and at 1x when idle;
//! `wait` advances the simulated clock by ticking, as a learner's waiting
//! would.

use std::time::Duration;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use statedist::app::live::Live;
use statedist::check::{Status, Verdict};
use statedist::sim::{OpOutcome, OpRecord};
use statedist::tui::{Action, App, Options, Start};

fn open(block: u8) -> App {
    App::new(
        Options {
            color: false,
            content_dir: None,
            size: (160, 45),
            ..Options::default()
        },
        Start::Block(block),
    )
}

/// Types the keys, one character each (`H`, `R`, `W`, `E` with Shift).
fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        let mods = if c.is_ascii_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        app.handle_event(&Event::Key(KeyEvent::new(KeyCode::Char(c), mods)));
    }
}

fn live(app: &App) -> &Live {
    app.live().expect("a live cluster beside the lesson")
}

/// Lets `ms` of simulated time pass.
fn wait(app: &mut App, ms: u64) {
    let until = live(app).now() + ms;
    for _ in 0..10_000 {
        if live(app).now() >= until {
            return;
        }
        app.update(Action::Tick(Duration::from_millis(250)));
    }
    panic!("the clock did not reach {until} ms");
}

/// Scrolls to the "Try it" heading of `scenario` and presses `t`, as the
/// lesson says; the cluster then runs that scenario.
fn try_it(app: &mut App, scenario: &str) {
    // `]` jumps to the next heading, `[` back (to an earlier "Try it").
    for key in ["]", "["] {
        for _ in 0..40 {
            if app.current_try_it() == Some(scenario) {
                break;
            }
            keys(app, key);
        }
    }
    assert_eq!(app.current_try_it(), Some(scenario), "no heading for it");
    keys(app, "t");
    assert_eq!(live(app).info.name, scenario);
}

fn verdict<'a>(app: &'a App, check: &str) -> &'a Verdict {
    live(app)
        .verdicts
        .iter()
        .find(|v| v.check == check)
        .unwrap_or_else(|| panic!("no {check} checker: {:?}", live(app).verdicts))
}

/// The checker the status line shows.
fn headline(app: &App) -> String {
    live(app).headline().unwrap().check.clone()
}

fn status(app: &App, check: &str) -> Status {
    verdict(app, check).status
}

fn knob(app: &App, name: &str) -> String {
    live(app)
        .knobs
        .iter()
        .find(|k| k.name == name)
        .unwrap()
        .value
        .clone()
}

fn last_op(app: &App) -> OpRecord {
    live(app).run().history().ops().last().unwrap().clone()
}

fn ok(op: &OpRecord) -> bool {
    matches!(op.outcome, OpOutcome::Ok { .. })
}

/// What a node's box shows for `key`, if anything.
fn shown(app: &App, node: usize, key: &str) -> Option<String> {
    live(app).view.nodes[node - 1]
        .state
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

fn role(app: &App, node: usize) -> String {
    live(app).view.nodes[node - 1].role.clone()
}

fn log_has(app: &App, words: &str) -> bool {
    live(app)
        .run()
        .trace()
        .events()
        .any(|e| e.text.contains(words))
}

// ------------------------------------------------------------ lesson 1

#[test]
fn lesson_1_cap_cp() {
    let mut a = open(1);
    assert_eq!(live(&a).info.name, "cap-cp");
    assert_eq!(live(&a).size(), 3);
    // 1-2: node 1 alone on side B; its write is unavailable.
    keys(&mut a, "1p");
    keys(&mut a, "w");
    wait(&mut a, 1500);
    let w = last_op(&a);
    assert!(matches!(w.outcome, OpOutcome::Failed { .. }), "{w:?}");
    // 3: so is its read.
    keys(&mut a, "r");
    wait(&mut a, 1500);
    assert!(matches!(last_op(&a).outcome, OpOutcome::Failed { .. }));
    // 4: node 2 is on the majority side: write and read back.
    keys(&mut a, "2w");
    wait(&mut a, 1000);
    assert!(ok(&last_op(&a)));
    keys(&mut a, "r");
    wait(&mut a, 1000);
    assert_eq!(last_op(&a).read_value(), Some(Some(2)));
    // 5: heal; node 1 answers with the majority's value.
    keys(&mut a, "H1r");
    wait(&mut a, 1000);
    assert_eq!(last_op(&a).read_value(), Some(Some(2)));
    // 6: no stale reads; the status line shows the cost.
    assert_eq!(status(&a, "stale reads"), Status::Pass);
    let head = live(&a).headline().unwrap().summary.clone();
    assert!(
        head.contains("3 of 5 operations succeeded, 2 failed"),
        "{head}"
    );
}

#[test]
fn lesson_1_cap_ap_and_the_pacelc_comparison() {
    let mut a = open(1);
    try_it(&mut a, "cap-ap");
    // 1-2: node 1 isolated acknowledges at once.
    keys(&mut a, "1p");
    keys(&mut a, "w");
    wait(&mut a, 100);
    let w = last_op(&a);
    assert!(ok(&w) && w.completed == Some(w.invoked), "{w:?}");
    // 3: node 2 reads the old value (nothing): a stale read.
    keys(&mut a, "2r");
    wait(&mut a, 100);
    assert_eq!(last_op(&a).read_value(), Some(None));
    assert_eq!(status(&a, "stale reads"), Status::Fail);
    assert!(live(&a).headline().unwrap().summary.contains("stale read"));
    // 4-5: node 2 writes too; after the heal both agree on x=2.
    keys(&mut a, "w");
    wait(&mut a, 100);
    keys(&mut a, "H");
    wait(&mut a, 3000);
    assert_eq!(status(&a, "convergence"), Status::Pass);
    keys(&mut a, "1r");
    wait(&mut a, 100);
    assert_eq!(last_op(&a).read_value(), Some(Some(2)));
    keys(&mut a, "2r");
    wait(&mut a, 100);
    assert_eq!(last_op(&a).read_value(), Some(Some(2)));
    // The step-6 command line is checked in `lesson_1_headless_lww_command`.

    // PACELC: an AP write is acknowledged at once, a CP write after two
    // round trips to a majority.
    keys(&mut a, "R");
    keys(&mut a, "w");
    wait(&mut a, 100);
    let ap = last_op(&a);
    assert!(ok(&ap) && ap.completed == Some(ap.invoked), "{ap:?}");
    try_it(&mut a, "cap-cp");
    keys(&mut a, "w");
    wait(&mut a, 1000);
    let cp = last_op(&a);
    assert!(ok(&cp), "{cp:?}");
    let took = cp.completed.unwrap() - cp.invoked;
    assert!((20..100).contains(&took), "a CP write took {took} ms");
    assert!(log_has(&a, "Query") && log_has(&a, "StoreAck"));
}

// ------------------------------------------------------------ lesson 2

#[test]
fn lesson_2_headless_sloppy_quorum_command() {
    let lesson = include_str!("../lessons/02-replication.md");
    let cmd = "at 1s write n1 x=1; at 2s partition 1,2,5 | 3,4; at 2.5s write n1 x=2; at 3s read n3 x; at 4s heal; at 5s read n3 x";
    assert!(lesson.contains(cmd), "the lesson's command changed");
    let sim = |sloppy: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_statedist"))
            .args([
                "sim", "quorum", "--nodes", "5", "--n", "3", "--w", "2", "--r", "2",
            ])
            .args(["--set", &format!("sloppy={sloppy}"), "--do", cmd])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let on = sim("on");
    assert!(on.contains("n1 (stand-in for n4)"), "{on}");
    assert!(on.contains("read x via n3 at 3.000s → ok x=1"), "{on}");
    assert!(
        on.contains("FAIL linearizability: not linearizable"),
        "{on}"
    );
    assert!(on.contains("read x via n3 at 5.000s → ok x=2"), "{on}");
    let off = sim("off");
    assert!(
        off.contains("write x=2 via n1 at 2.500s → TIMED OUT"),
        "{off}"
    );
    assert!(off.contains("ok   linearizability"), "{off}");
}

#[test]
fn lesson_2_leader_follower() {
    let mut a = open(2);
    assert_eq!(live(&a).info.name, "leader-follower");
    assert_eq!(knob(&a, "mode"), "async");
    assert_eq!(role(&a, 1), "leader");
    // 1: write through the leader; a follower has it after a shipment.
    keys(&mut a, "1w");
    wait(&mut a, 300);
    keys(&mut a, "2r");
    wait(&mut a, 100);
    assert_eq!(last_op(&a).read_value(), Some(Some(1)));
    // 2: the isolated leader still acknowledges.
    keys(&mut a, "1p");
    keys(&mut a, "w");
    wait(&mut a, 50);
    assert!(ok(&last_op(&a)));
    // 3: a follower is promoted after about a second; the write is lost.
    wait(&mut a, 2000);
    let new_leader = (2..=3)
        .find(|&n| role(&a, n) == "leader")
        .expect("a follower was promoted");
    assert_eq!(status(&a, "acknowledged writes"), Status::Fail);
    assert_eq!(headline(&a), "acknowledged writes", "on the status line");
    // 4: write through the new leader, heal, read on the old one.
    keys(&mut a, &new_leader.to_string());
    keys(&mut a, "w");
    wait(&mut a, 300);
    keys(&mut a, "H");
    wait(&mut a, 1000);
    assert_eq!(role(&a, 1), "follower");
    keys(&mut a, "1r");
    wait(&mut a, 100);
    assert_eq!(last_op(&a).read_value(), Some(Some(3)));
    // 5: sync, then semi-sync: the isolated leader never acknowledges.
    for (presses, mode) in [("mm", "sync"), ("m", "semi-sync")] {
        keys(&mut a, "R");
        assert_eq!(knob(&a, "mode"), "async", "R resets the mode");
        keys(&mut a, presses);
        assert_eq!(knob(&a, "mode"), mode);
        keys(&mut a, "1p");
        keys(&mut a, "w");
        wait(&mut a, 2000);
        let w = last_op(&a);
        assert!(
            matches!(w.outcome, OpOutcome::TimedOut { .. }),
            "{mode}: {w:?}"
        );
        assert_eq!(status(&a, "acknowledged writes"), Status::Pass, "{mode}");
    }
}

#[test]
fn lesson_2_multi_leader() {
    let mut a = open(2);
    try_it(&mut a, "multi-leader");
    keys(&mut a, "1p");
    keys(&mut a, "w");
    wait(&mut a, 100);
    keys(&mut a, "2w");
    wait(&mut a, 100);
    let acked = live(&a)
        .run()
        .history()
        .ops()
        .iter()
        .filter(|o| ok(o))
        .count();
    assert_eq!(acked, 2, "both leaders acknowledge");
    keys(&mut a, "H");
    wait(&mut a, 3000);
    assert_eq!(status(&a, "write conflicts"), Status::Fail);
    assert_eq!(headline(&a), "write conflicts", "on the status line");
    keys(&mut a, "1r");
    wait(&mut a, 100);
    let on1 = last_op(&a).read_value();
    keys(&mut a, "2r");
    wait(&mut a, 100);
    assert_eq!(last_op(&a).read_value(), on1);
    assert_eq!(on1, Some(Some(2)), "x=1 vanished");
}

#[test]
fn lesson_2_quorum() {
    let mut a = open(2);
    try_it(&mut a, "quorum");
    assert_eq!(
        (knob(&a, "n"), knob(&a, "w"), knob(&a, "r")),
        ("3".into(), "2".into(), "2".into())
    );
    // 1: W=1, R=1; x=1 everywhere.
    keys(&mut a, "WWEE");
    assert_eq!((knob(&a, "w"), knob(&a, "r")), ("1".into(), "1".into()));
    keys(&mut a, "1w");
    wait(&mut a, 500);
    // 2-3: node 3 cut off; one ack is enough; node 3 reads x=1: stale.
    keys(&mut a, "3p1w");
    wait(&mut a, 600);
    assert!(ok(&last_op(&a)));
    keys(&mut a, "3r");
    wait(&mut a, 600);
    assert_eq!(last_op(&a).read_value(), Some(Some(1)));
    assert_eq!(status(&a, "stale reads"), Status::Fail);
    assert_eq!(headline(&a), "linearizability", "on the status line");
    // 4: R resets to W=2, R=2; the write succeeds, node 3's read fails.
    keys(&mut a, "R");
    assert_eq!((knob(&a, "w"), knob(&a, "r")), ("2".into(), "2".into()));
    keys(&mut a, "1w");
    wait(&mut a, 500);
    keys(&mut a, "3p1w");
    wait(&mut a, 600);
    assert!(ok(&last_op(&a)));
    keys(&mut a, "3r");
    wait(&mut a, 700);
    assert!(matches!(last_op(&a).outcome, OpOutcome::Failed { .. }));
    assert_eq!(status(&a, "stale reads"), Status::Pass);
    // 5: heal; node 3 reads x=2 and read repair fixes its copy.
    keys(&mut a, "H3r");
    wait(&mut a, 700);
    assert_eq!(last_op(&a).read_value(), Some(Some(2)));
    assert!(log_has(&a, "read repair"));
    assert!(shown(&a, 3, "x").is_some_and(|v| v.starts_with('2')));
    // 6: W=3, R=1: a node away and writes are unavailable.
    keys(&mut a, "RWEE");
    assert_eq!((knob(&a, "w"), knob(&a, "r")), ("3".into(), "1".into()));
    keys(&mut a, "3p1w");
    wait(&mut a, 700);
    assert!(matches!(last_op(&a).outcome, OpOutcome::TimedOut { .. }));
}

// ------------------------------------------------------------ lesson 3

#[test]
fn lesson_3_session() {
    let mut a = open(3);
    assert_eq!(live(&a).info.name, "session");
    assert_eq!(
        (knob(&a, "ryw"), knob(&a, "mr")),
        ("off".into(), "off".into())
    );
    // 1-3: node 3 lags; the session misses its own write.
    keys(&mut a, "3p");
    keys(&mut a, "1w");
    wait(&mut a, 100);
    keys(&mut a, "3r");
    wait(&mut a, 100);
    assert_eq!(status(&a, "read your writes"), Status::Fail);
    assert_eq!(headline(&a), "read your writes", "on the status line");
    // 4: new on node 1, then old on node 3: time went backwards.
    keys(&mut a, "1r");
    wait(&mut a, 100);
    assert_eq!(last_op(&a).read_value(), Some(Some(1)));
    keys(&mut a, "3r");
    wait(&mut a, 100);
    assert_eq!(status(&a, "monotonic reads"), Status::Fail);
    assert_eq!(headline(&a), "monotonic reads", "the newest failure");
    // 5: both guarantees on: node 3 refuses instead.
    keys(&mut a, "Rym");
    assert_eq!(
        (knob(&a, "ryw"), knob(&a, "mr")),
        ("on".into(), "on".into())
    );
    keys(&mut a, "3p");
    keys(&mut a, "1w");
    wait(&mut a, 100);
    keys(&mut a, "3r");
    wait(&mut a, 1000);
    assert!(matches!(last_op(&a).outcome, OpOutcome::Failed { .. }));
    keys(&mut a, "1r");
    wait(&mut a, 100);
    keys(&mut a, "3r");
    wait(&mut a, 1000);
    assert!(matches!(last_op(&a).outcome, OpOutcome::Failed { .. }));
    assert_eq!(status(&a, "read your writes"), Status::Pass);
    assert_eq!(status(&a, "monotonic reads"), Status::Pass);
    // ... and a read waiting on node 3 succeeds once the heal catches it up.
    keys(&mut a, "3rH");
    wait(&mut a, 1000);
    assert_eq!(last_op(&a).read_value(), Some(Some(1)));
}

#[test]
fn lesson_3_causal() {
    let mut a = open(3);
    try_it(&mut a, "causal");
    assert_eq!(knob(&a, "mode"), "eventual");
    for mode in ["eventual", "causal"] {
        assert_eq!(live(&a).key(), "post", "{mode}: w and r start on post");
        // 1-2: Carol's node 3 away; Alice posts; node 2 gets the post.
        keys(&mut a, "3p");
        keys(&mut a, "1w");
        wait(&mut a, 200);
        assert!(shown(&a, 2, "post").is_some(), "{mode}");
        assert!(shown(&a, 3, "post").is_none(), "{mode}");
        // 3-4: node 2 joins node 3; Bob replies; node 3 receives it.
        keys(&mut a, "2p");
        keys(&mut a, "Kw");
        wait(&mut a, 200);
        assert!(log_has(&a, "write reply=2 via n2"), "{mode}");
        assert!(log_has(&a, "depending on n1:1"), "{mode}");
        if mode == "causal" {
            assert!(log_has(&a, "n3: holds back reply=2"), "the log says why");
        }
        // 5: Carol reads the reply, then the post.
        keys(&mut a, "3r");
        wait(&mut a, 50);
        let reply = last_op(&a);
        keys(&mut a, "Kr");
        wait(&mut a, 50);
        let post = last_op(&a);
        assert_eq!(post.read_value(), Some(None), "{mode}: no post on node 3");
        if mode == "eventual" {
            assert_eq!(reply.read_value(), Some(Some(2)), "the reply shows");
            assert_eq!(status(&a, "causality"), Status::Fail);
            assert_eq!(headline(&a), "causality", "on the status line");
        } else {
            assert_eq!(reply.read_value(), Some(None), "the reply is held back");
            assert_eq!(status(&a, "causality"), Status::Pass);
            assert_eq!(status(&a, "linearizability"), Status::Fail);
        }
        // After the heal the post arrives, then (causal) the reply.
        keys(&mut a, "H");
        wait(&mut a, 2500);
        assert!(shown(&a, 3, "post").is_some(), "{mode}");
        assert!(shown(&a, 3, "reply").is_some(), "{mode}");
        // 6: again with causal delivery.
        keys(&mut a, "Rm");
        assert_eq!(knob(&a, "mode"), "causal");
    }
}

// ------------------------------------------------------------ lesson 4

#[test]
fn lesson_4_cap_ap_clock_skew_loses_the_later_write() {
    let mut a = open(4);
    try_it(&mut a, "cap-ap");
    // 1: pause; node 1's clock 1 s fast.
    keys(&mut a, " 1o");
    assert!(live(&a).paused);
    assert_eq!(live(&a).view.nodes[0].skew, 1000);
    // 2: a write through node 1, then one through node 2.
    keys(&mut a, "w2w");
    assert!(ok(&last_op(&a)));
    // 3: resume, wait; every box shows x=1; node 2's read is stale.
    keys(&mut a, " ");
    wait(&mut a, 3000);
    for n in 1..=3 {
        assert!(shown(&a, n, "x").unwrap().starts_with("1 "), "n{n}");
    }
    keys(&mut a, "r");
    assert_eq!(last_op(&a).node.0, 2);
    assert_eq!(status(&a, "stale reads"), Status::Fail);
    assert_eq!(headline(&a), "stale reads");
    // 4: R puts the clock back; the same keys without o: x=2 wins.
    keys(&mut a, "R");
    assert_eq!(live(&a).view.nodes[0].skew, 0);
    keys(&mut a, " 1w2w ");
    wait(&mut a, 3000);
    keys(&mut a, "r");
    for n in 1..=3 {
        assert!(shown(&a, n, "x").unwrap().starts_with("2 "), "n{n}");
    }
    assert_eq!(status(&a, "stale reads"), Status::Pass);
}

// ------------------------------------------------------------ lesson 5

/// The node whose box says leader (the newest term's, if two think so).
fn raft_leader(app: &App) -> usize {
    let v = &live(app).view;
    v.nodes
        .iter()
        .filter(|n| n.role == "leader")
        .max_by_key(|n| {
            n.state
                .iter()
                .find(|(k, _)| k == "term")
                .map(|(_, t)| t.parse::<u64>().unwrap())
        })
        .map(|n| n.id.0 as usize)
        .expect("a leader")
}

fn select(app: &mut App, node: usize) {
    keys(app, &node.to_string());
}

#[test]
fn lesson_5_raft() {
    let mut a = open(5);
    assert_eq!(live(&a).info.name, "raft");
    assert_eq!(live(&a).size(), 5);
    wait(&mut a, 1000);
    // 1: write through the leader: answered once committed.
    let first = raft_leader(&a);
    select(&mut a, first);
    keys(&mut a, "w");
    wait(&mut a, 500);
    assert!(ok(&last_op(&a)), "{:?}", last_op(&a));
    // 2: cut the leader off; its write is never answered, and the
    // majority elects another leader.
    keys(&mut a, "p");
    keys(&mut a, "w");
    let lost = last_op(&a);
    wait(&mut a, 1500);
    let second = raft_leader(&a);
    assert_ne!(second, first);
    assert!(
        !ok(live(&a).run().history().get(lost.id).unwrap()),
        "the minority leader never commits"
    );
    // 3: the new leader commits x=3.
    select(&mut a, second);
    keys(&mut a, "w");
    wait(&mut a, 500);
    assert!(ok(&last_op(&a)));
    // 4: heal: the old leader steps down and drops x=2.
    keys(&mut a, "H");
    wait(&mut a, 500);
    assert_eq!(role(&a, first), "follower");
    assert!(log_has(&a, &format!("n{first} drops 1 entry")));
    assert_eq!(status(&a, "linearizability"), Status::Pass);
    // 5: local reads: a cut-off leader answers stale.
    keys(&mut a, "mm");
    assert_eq!(knob(&a, "reads"), "local");
    let old = raft_leader(&a);
    select(&mut a, old);
    keys(&mut a, "p");
    wait(&mut a, 1500);
    let new = raft_leader(&a);
    assert_ne!(new, old);
    select(&mut a, new);
    keys(&mut a, "w");
    wait(&mut a, 500);
    assert!(ok(&last_op(&a)));
    select(&mut a, old);
    keys(&mut a, "r");
    assert!(ok(&last_op(&a)), "answered at once, from its own copy");
    assert_eq!(status(&a, "linearizability"), Status::Fail);
    assert_eq!(headline(&a), "linearizability");
    keys(&mut a, "m");
    assert_eq!(knob(&a, "reads"), "log");
    keys(&mut a, "r");
    wait(&mut a, 1500);
    assert!(!ok(&last_op(&a)), "through the log, never answered");
    // 6: heal, crash the leader, align the timers: a split vote, then a
    // leader again.
    keys(&mut a, "H");
    wait(&mut a, 500);
    let l = raft_leader(&a);
    select(&mut a, l);
    keys(&mut a, "c");
    wait(&mut a, 50);
    let before = live(&a).run().trace().total();
    keys(&mut a, "A");
    wait(&mut a, 200);
    let denials = live(&a)
        .run()
        .trace()
        .events()
        .filter(|e| e.seq > before && e.text.contains("already voted for"))
        .count();
    assert!(denials >= 4, "a split vote: {denials} denials");
    wait(&mut a, 1500);
    assert_ne!(raft_leader(&a), l);
    assert!(live(&a).run().violation().is_none());
}

#[test]
fn lesson_5_pbft() {
    let mut a = open(5);
    try_it(&mut a, "pbft");
    assert_eq!(live(&a).size(), 4);
    // 1: an equivocating primary: agreement holds, view 1 replaces it.
    select(&mut a, 1);
    keys(&mut a, "bb");
    assert!(log_has(&a, "n1 turns byzantine (equivocate)"));
    keys(&mut a, "w");
    let first = last_op(&a);
    wait(&mut a, 3000);
    assert!(log_has(&a, "n2 enters view 1 as primary"));
    assert!(ok(live(&a).run().history().get(first.id).unwrap()));
    assert_eq!(status(&a, "agreement"), Status::Pass);
    // 2: a second traitor: agreement breaks or progress stops.
    select(&mut a, 2);
    keys(&mut a, "bb");
    // A broken agreement pauses the run on the violation, so stop there.
    let until = live(&a).now() + 6000;
    for i in 0..10_000 {
        if live(&a).paused || live(&a).now() >= until {
            break;
        }
        if i % 4 == 0 && i < 40 {
            keys(&mut a, "w");
        }
        a.update(Action::Tick(Duration::from_millis(250)));
    }
    let broke = status(&a, "agreement") == Status::Fail;
    let stalled = status(&a, "liveness") == Status::Fail;
    assert!(broke || stalled, "{:?}", live(&a).verdicts);
    let why = if broke {
        verdict(&a, "agreement").summary.clone()
    } else {
        verdict(&a, "liveness").summary.clone()
    };
    assert!(why.contains("more than f = 1"), "{why}");
}

// ------------------------------------------------------------ lesson 6

/// What every replica's box shows for `key`, in node order.
fn all_shown(app: &App, key: &str) -> Vec<String> {
    (1..=live(app).size())
        .map(|n| shown(app, n, key).unwrap_or_default())
        .collect()
}

/// The CRDT state pane's row `label`, cells joined by " | ".
fn crdt_row(app: &App, label: &str) -> Option<String> {
    let statedist::scenario::Pane::Table { rows, .. } = &live(app).panes[0];
    rows.iter()
        .find(|r| r[0].text.trim_start_matches("≠ ") == label)
        .map(|r| {
            r.iter()
                .map(|c| c.text.clone())
                .collect::<Vec<_>>()
                .join(" | ")
        })
}

#[test]
fn lesson_6_crdt_gcounter() {
    let mut a = open(6);
    assert_eq!(live(&a).info.name, "crdt-gcounter", "the first scenario");
    try_it(&mut a, "crdt-gcounter");
    // 1: three increments on n1, one on n2; gossip spreads the vector.
    keys(&mut a, "1iii2i");
    wait(&mut a, 1500);
    assert_eq!(all_shown(&a, "count"), vec!["4"; 3]);
    assert_eq!(crdt_row(&a, "n1").as_deref(), Some("n1 | 3 | 3 | 3"));
    // 2: gossip off; n3 counts alone until a sync.
    keys(&mut a, "S");
    assert_eq!(knob(&a, "gossip"), "off");
    keys(&mut a, "3i");
    wait(&mut a, 1500);
    assert_eq!(all_shown(&a, "count"), vec!["4", "4", "5"]);
    assert!(crdt_row(&a, "count").is_some());
    let statedist::scenario::Pane::Table { rows, .. } = &live(&a).panes[0];
    assert!(rows.iter().any(|r| r[0].text == "≠ n3"), "{rows:?}");
    keys(&mut a, "s");
    wait(&mut a, 200);
    assert_eq!(all_shown(&a, "count"), vec!["5"; 3]);
    let statedist::scenario::Pane::Table { title, .. } = &live(&a).panes[1];
    assert!(title.contains("merged n3's state"), "{title}");
    // 3: amnesia: a restarted replica reuses n1#1.
    keys(&mut a, "SD");
    assert_eq!(knob(&a, "restart"), "amnesia");
    keys(&mut a, "1cci");
    let v = live(&a).run().violation().expect("a reused dot").clone();
    assert_eq!(v.invariant, "no dot reused");
    assert_eq!(status(&a, "updates counted"), Status::Fail);
    assert!(verdict(&a, "updates counted").summary.contains("count 5"));
}

#[test]
fn lesson_6_crdt_pncounter() {
    let mut a = open(6);
    try_it(&mut a, "crdt-pncounter");
    keys(&mut a, "1i");
    wait(&mut a, 1500);
    assert_eq!(all_shown(&a, "stock"), vec!["1"; 3]);
    keys(&mut a, "pd2d");
    assert!(ok(&last_op(&a)), "n2 sells too: {:?}", last_op(&a));
    wait(&mut a, 1500);
    keys(&mut a, "3d");
    assert!(!ok(&last_op(&a)), "n3 has heard of n2's sale");
    keys(&mut a, "H");
    wait(&mut a, 2000);
    assert_eq!(all_shown(&a, "stock"), vec!["-1"; 3]);
    assert_eq!(status(&a, "stock floor"), Status::Fail);
    assert_eq!(headline(&a), "stock floor");
}

#[test]
fn lesson_6_crdt_lww_register() {
    let mut a = open(6);
    try_it(&mut a, "crdt-lww-register");
    keys(&mut a, "1ow");
    keys(&mut a, "K2w");
    wait(&mut a, 2000);
    assert_eq!(all_shown(&a, "profile"), vec!["alice"; 3]);
    assert_eq!(status(&a, "last writer wins"), Status::Fail);
    assert_eq!(headline(&a), "last writer wins");
    keys(&mut a, "R");
    keys(&mut a, "1w");
    keys(&mut a, "K2w");
    wait(&mut a, 2000);
    assert_eq!(all_shown(&a, "profile"), vec!["bob"; 3]);
    assert_eq!(status(&a, "last writer wins"), Status::Pass);
}

#[test]
fn lesson_6_crdt_mvregister() {
    let mut a = open(6);
    try_it(&mut a, "crdt-mvregister");
    keys(&mut a, "1pw");
    keys(&mut a, "K2w");
    keys(&mut a, "H");
    wait(&mut a, 2000);
    assert_eq!(all_shown(&a, "profile"), vec!["alice | bob (siblings)"; 3]);
    let alice = crdt_row(&a, "alice").unwrap();
    assert!(alice.contains("[n1:1]"), "{alice}");
    assert!(crdt_row(&a, "bob").unwrap().contains("[n2:1]"));
    keys(&mut a, "K3w");
    wait(&mut a, 2000);
    assert_eq!(all_shown(&a, "profile"), vec!["carol"; 3]);
}

#[test]
fn lesson_6_crdt_orset() {
    let mut a = open(6);
    try_it(&mut a, "crdt-orset");
    keys(&mut a, "1ip");
    keys(&mut a, "2d");
    assert!(log_has(
        &a,
        "n2 has seen no live tag of milk, so nothing is removed"
    ));
    keys(&mut a, "K1i");
    keys(&mut a, "H");
    wait(&mut a, 2000);
    assert_eq!(all_shown(&a, "cart"), vec!["{eggs, milk}"; 3]);
    assert_eq!(status(&a, "removes"), Status::Info);
    assert_eq!(headline(&a), "removes");
    keys(&mut a, "2d");
    wait(&mut a, 2000);
    assert_eq!(all_shown(&a, "cart"), vec!["{milk}"; 3]);
    let tomb = crdt_row(&a, "tombstones").unwrap();
    assert!(tomb.contains("n1#2"), "{tomb}");
    keys(&mut a, "V");
    assert_eq!(knob(&a, "variant"), "optimised");
    assert!(crdt_row(&a, "tombstones").is_none());
    assert!(crdt_row(&a, "clock").unwrap().contains("[n1:2]"));
}

#[test]
fn lesson_6_crdt_text() {
    let mut a = open(6);
    try_it(&mut a, "crdt-text");
    keys(&mut a, "1i");
    wait(&mut a, 1500);
    assert_eq!(all_shown(&a, "text"), vec!["\"hello\""; 3]);
    keys(&mut a, "pKi");
    keys(&mut a, "K2i");
    keys(&mut a, "H");
    wait(&mut a, 2000);
    let t = all_shown(&a, "text");
    assert!(
        t[0] == "\"helloworldabc\"" || t[0] == "\"helloabcworld\"",
        "{t:?}"
    );
    assert_eq!(t, vec![t[0].clone(); 3]);
    assert_eq!(status(&a, "interleaving"), Status::Pass);
    keys(&mut a, "M");
    assert_eq!(knob(&a, "text-merge"), "naive");
    assert_eq!(all_shown(&a, "text"), vec!["\"hellowaobrcld\""; 3]);
    assert_eq!(status(&a, "interleaving"), Status::Fail);
    assert_eq!(headline(&a), "interleaving");
    keys(&mut a, "d");
    wait(&mut a, 1500);
    assert_eq!(all_shown(&a, "text"), vec!["\"hellowaobrcl\""; 3]);
    assert!(crdt_row(&a, "tombstones").unwrap().contains("1 (shown ·)"));
}

#[test]
fn lesson_4_version_vectors() {
    let mut a = open(4);
    try_it(&mut a, "version-vectors");
    keys(&mut a, "1i");
    keys(&mut a, "Ki");
    assert_eq!(shown(&a, 1, "cart").as_deref(), Some("{eggs, milk}"));
    assert!(crdt_row(&a, "n1#2").unwrap().contains("ctx [n1:1]"));
    assert!(crdt_row(&a, "n1#1").is_none(), "replaced");
    wait(&mut a, 1500);
    keys(&mut a, "pd");
    assert_eq!(shown(&a, 1, "cart").as_deref(), Some("{milk}"));
    keys(&mut a, "K2i");
    assert_eq!(shown(&a, 2, "cart").as_deref(), Some("{bread, eggs, milk}"));
    keys(&mut a, "H");
    wait(&mut a, 2000);
    assert_eq!(
        all_shown(&a, "cart"),
        vec!["{milk} | {bread, eggs, milk} (siblings)"; 3]
    );
    keys(&mut a, "3m");
    wait(&mut a, 2000);
    assert_eq!(all_shown(&a, "cart"), vec!["{bread, eggs, milk}"; 3]);
    assert_eq!(status(&a, "resurrection"), Status::Fail);
    assert_eq!(headline(&a), "resurrection");
    // 5: per-server vectors drop one of two blind writes.
    keys(&mut a, "RV");
    assert_eq!(knob(&a, "clocks"), "vv");
    keys(&mut a, "1bKb");
    let v = live(&a)
        .run()
        .violation()
        .expect("siblings exact breaks")
        .clone();
    assert_eq!(v.invariant, "siblings exact");
    keys(&mut a, "R");
    assert_eq!(knob(&a, "clocks"), "dvv");
    keys(&mut a, "1bKb");
    assert!(live(&a).run().violation().is_none());
    assert!(shown(&a, 1, "cart").unwrap().ends_with("(siblings)"));
}

#[test]
fn lesson_4_lww() {
    let mut a = open(4);
    try_it(&mut a, "lww");
    keys(&mut a, "1ow2oo");
    wait(&mut a, 1500);
    keys(&mut a, "w");
    assert_eq!(status(&a, "lost updates"), Status::Fail);
    assert_eq!(headline(&a), "lost updates");
    let v = verdict(&a, "lost updates");
    assert!(v.summary.contains("after seeing x=1"), "{}", v.summary);
    assert!(
        v.summary.contains("n2's clock was −1000 ms off"),
        "{}",
        v.summary
    );
    assert!(
        v.summary.contains("n1's clock was +1000 ms off"),
        "{}",
        v.summary
    );
    keys(&mut a, "RL");
    assert_eq!(knob(&a, "clock"), "hlc");
    keys(&mut a, "1ow2oo");
    wait(&mut a, 1500);
    keys(&mut a, "w");
    wait(&mut a, 1500);
    assert_eq!(shown(&a, 1, "x").as_deref(), Some("2"));
    assert_eq!(status(&a, "lost updates"), Status::Pass);
    // Concurrent writes: HLC cannot keep both.
    keys(&mut a, "2pw1wH");
    wait(&mut a, 2000);
    let v = verdict(&a, "lost updates");
    assert_eq!(v.status, Status::Fail);
    assert!(v.summary.contains("concurrent"), "{}", v.summary);
}

// ------------------------------------------------------------ lesson 7

/// Lets up to `ms` pass, stopping early where an invariant paused the run.
fn run_for(app: &mut App, ms: u64) {
    let until = live(app).now() + ms;
    for _ in 0..10_000 {
        if live(app).paused || live(app).now() >= until {
            return;
        }
        app.update(Action::Tick(Duration::from_millis(250)));
    }
    panic!("the clock did not reach {until} ms");
}

/// The node other than n1 whose box says it is primary (of epoch 2, or
/// later after a split vote).
fn new_primary(app: &App) -> usize {
    (2..=live(app).size())
        .find(|&n| role(app, n).starts_with("primary e"))
        .unwrap_or_else(|| panic!("no new primary: {:?}", live(app).view.nodes))
}

#[test]
fn lesson_7_failover_naive() {
    let mut a = open(7);
    try_it(&mut a, "failover-naive");
    assert_eq!(live(&a).size(), 3);
    // 1: the primary cut off keeps acknowledging; a standby promotes itself.
    select(&mut a, 1);
    keys(&mut a, "pw");
    wait(&mut a, 2500);
    assert!(ok(&last_op(&a)));
    let new = new_primary(&a);
    assert_eq!(role(&a, 1), "primary e1", "n1 does not know");
    // 2: both sides acknowledge writes.
    select(&mut a, new);
    keys(&mut a, "w");
    wait(&mut a, 300);
    select(&mut a, 1);
    keys(&mut a, "w");
    wait(&mut a, 300);
    let lost = last_op(&a);
    assert!(ok(&lost));
    assert_eq!(status(&a, "split brain"), Status::Fail);
    let v = verdict(&a, "split brain");
    assert!(
        v.summary.contains("two primaries accepted writes") && v.summary.contains("n1 (epoch 1)"),
        "{}",
        v.summary
    );
    // 3: the heal discards the old primary's writes.
    keys(&mut a, "H");
    wait(&mut a, 1000);
    assert!(role(&a, 1).starts_with("standby"), "{}", role(&a, 1));
    assert_eq!(status(&a, "acknowledged writes"), Status::Fail);
    let v = verdict(&a, "acknowledged writes");
    assert!(
        v.details.iter().any(|d| d.contains(&format!(
            "write {} via n1",
            lost.kind.describe().trim_start_matches("write ")
        ))),
        "{:?}",
        v.details
    );
    // 4: with a majority election only the bigger side elects.
    keys(&mut a, "Rv");
    assert_eq!(knob(&a, "election"), "majority");
    wait(&mut a, 300);
    select(&mut a, 1);
    keys(&mut a, "pw");
    wait(&mut a, 2500);
    keys(&mut a, "w");
    let refused = last_op(&a);
    assert!(
        matches!(&refused.outcome, OpOutcome::Failed { reason } if reason.contains("no valid lease")),
        "{refused:?}"
    );
    new_primary(&a);
    assert_eq!(status(&a, "split brain"), Status::Pass);
}

#[test]
fn lesson_7_failover_quorum() {
    let mut a = open(7);
    try_it(&mut a, "failover-quorum");
    // 1: frozen mid-write; a standby wins epoch 2.
    wait(&mut a, 500);
    select(&mut a, 1);
    keys(&mut a, "wZ");
    assert!(live(&a).view.nodes[0].paused);
    wait(&mut a, 2500);
    let new = new_primary(&a);
    // 2: the new primary writes; n1 wakes and writes with token 1.
    select(&mut a, new);
    keys(&mut a, "w");
    run_for(&mut a, 3000);
    assert!(live(&a).paused, "the invariant stops the run");
    assert_eq!(status(&a, "token order"), Status::Fail);
    let v = verdict(&a, "token order");
    assert!(v.summary.contains("from n1 with token 1"), "{}", v.summary);
    // 3: fencing: the old token is refused.
    keys(&mut a, "RF");
    assert_eq!(knob(&a, "fencing"), "on");
    wait(&mut a, 500);
    select(&mut a, 1);
    keys(&mut a, "wZ");
    wait(&mut a, 2500);
    let new = new_primary(&a);
    select(&mut a, new);
    keys(&mut a, "w");
    wait(&mut a, 2500);
    assert!(log_has(
        &a,
        "refuses x=1 from n1: its token (epoch 1) is older"
    ));
    assert_eq!(status(&a, "token order"), Status::Pass);
    assert!(role(&a, 1).starts_with("standby"), "{}", role(&a, 1));
    // 4: a clock at half speed stretches the lease past the promise.
    keys(&mut a, "R");
    wait(&mut a, 500);
    select(&mut a, 1);
    keys(&mut a, "ooop");
    assert_eq!(live(&a).view.nodes[0].drift, -50);
    run_for(&mut a, 3000);
    assert_eq!(status(&a, "one lease"), Status::Fail);
    let v = verdict(&a, "one lease");
    assert!(v.summary.contains("which runs 50% slow"), "{}", v.summary);
}
