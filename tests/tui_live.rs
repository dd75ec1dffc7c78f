//! The live cluster as a learner plays it, scenario by scenario: anomalies
//! caused by keys alone, the inspection panes readable at every size, and
//! the checkers run only when something happened.

use std::path::PathBuf;
use std::time::Duration;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use statedist::check::Status;
use statedist::scenario;
use statedist::sim::{Fault, NodeId};
use statedist::tui::{Action, App, Options, Start};

fn playground(name: &str, nodes: Option<usize>, w: u16, h: u16) -> App {
    playground_with(name, nodes, w, h, "")
}

/// A playground whose fault script plays out live.
fn playground_with(name: &str, nodes: Option<usize>, w: u16, h: u16, script: &str) -> App {
    App::new(
        Options {
            color: false,
            content_dir: Some(
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content"),
            ),
            size: (w, h),
            ..Options::default()
        },
        Start::Playground {
            scenario: scenario::find(name).expect("scenario"),
            nodes,
            seed: 1,
            script: statedist::sim::script::Script::parse(script).unwrap(),
        },
    )
}

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

fn key(app: &mut App, code: KeyCode) {
    app.handle_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// Real time passing: `secs` seconds in 100 ms ticks.
fn run_for(app: &mut App, secs: f64) {
    for _ in 0..(secs * 10.0) as usize {
        app.update(Action::Tick(Duration::from_millis(100)));
    }
}

fn text(app: &App) -> String {
    let size = app.size();
    let mut t = Terminal::new(TestBackend::new(size.width, size.height)).unwrap();
    t.draw(|f| f.render_widget(app, f.area())).unwrap();
    t.backend().to_string()
}

fn status(app: &App, check: &str) -> Status {
    let live = app.live().expect("a live cluster");
    live.verdicts
        .iter()
        .find(|v| v.check == check)
        .unwrap_or_else(|| panic!("no {check} verdict"))
        .status
}

/// Quorum with W=1 R=1: n1 cut off takes a write alone, n2 then reads the
/// old value.
fn quorum_stale_read(w: u16, h: u16) -> App {
    let mut a = playground("quorum", None, w, h);
    keys(&mut a, "WWEE"); // W 2→3→1, R 2→3→1
    keys(&mut a, "1w");
    run_for(&mut a, 2.0);
    keys(&mut a, "1pw2r");
    run_for(&mut a, 1.0);
    a
}

#[test]
fn quorum_stale_read_by_keys_and_its_panes_at_every_size() {
    for (w, h) in [(160, 45), (120, 40), (100, 30), (80, 24)] {
        let a = quorum_stale_read(w, h);
        assert_eq!(status(&a, "stale reads"), Status::Fail, "{w}x{h}");
        let s = text(&a);
        for want in [
            "Replica state",
            "N=3 W=1 R=1",
            "(stale)",
            "Inside the nodes",
        ] {
            assert!(s.contains(want), "{w}x{h}: no {want:?} in\n{s}");
        }
        assert!(s.contains("FAIL"), "{w}x{h}: the verdict shows\n{s}");
        if h >= 40 {
            // The votes of the newest operation, result column included.
            assert!(s.contains("Quorum votes"), "{w}x{h}:\n{s}");
            assert!(s.contains("R=1 met"), "{w}x{h}: the read's threshold\n{s}");
        }
    }
    assert_snapshot!(
        "quorum_stale_read_100x30",
        text(&quorum_stale_read(100, 30))
    );
    assert_snapshot!("quorum_stale_read_80x24", text(&quorum_stale_read(80, 24)));
}

#[test]
fn quorum_majorities_do_not_read_stale() {
    let mut a = playground("quorum", None, 120, 40);
    keys(&mut a, "1w");
    run_for(&mut a, 2.0);
    keys(&mut a, "1pw2r");
    run_for(&mut a, 3.0);
    assert_eq!(status(&a, "stale reads"), Status::Pass);
    assert_eq!(status(&a, "linearizability"), Status::Pass);
}

#[test]
fn panes_scroll_to_what_does_not_fit_and_no_further() {
    let mut a = quorum_stale_read(80, 24);
    let s = text(&a);
    assert!(s.contains("more · Tab here"), "says there is more:\n{s}");
    key(&mut a, KeyCode::Tab); // log → panes
    let mut seen_votes = false;
    for _ in 0..200 {
        key(&mut a, KeyCode::Down);
        seen_votes |= text(&a).contains("R=1 met");
    }
    assert!(seen_votes, "the newest read's votes are reachable");
    let s = text(&a);
    assert!(s.contains("scrolled"), "{s}");
    // Scrolling past the end does not bank: one ↑ moves at once.
    key(&mut a, KeyCode::Up);
    assert!(text(&a).contains("more · Tab here"));
}

/// The causal anomaly by keys alone: n3 cut off while n1 posts, n1 cut off
/// while n2 (who has the post) replies on another key, then n3 reads the
/// reply and the post.
fn reply_before_post(mode_key: &str) -> App {
    let mut a = playground("causal", None, 120, 40);
    keys(&mut a, mode_key);
    keys(&mut a, "3p1w");
    run_for(&mut a, 2.0);
    keys(&mut a, "1pp3pp"); // n1 alone on side C, n3 back with n2 on A
    keys(&mut a, "K2w");
    run_for(&mut a, 2.0);
    keys(&mut a, "3rKr");
    run_for(&mut a, 0.5);
    a
}

#[test]
fn causal_reply_before_post_needs_two_keys_and_k_switches() {
    let s = text(&playground("causal", None, 120, 40));
    assert!(s.contains("w write post"), "the hint names the key:\n{s}");
    assert!(s.contains("K key"), "and how to switch:\n{s}");
    let a = reply_before_post("");
    let s = text(&a);
    assert_eq!(status(&a, "causality"), Status::Fail, "{s}");
    assert!(s.contains("reply=2"), "{s}");
    assert!(s.contains("is missing"), "the pane marks it:\n{s}");
    // Causal delivery holds the reply back: no violation.
    let a = reply_before_post("m");
    let s = text(&a);
    assert_eq!(status(&a, "causality"), Status::Pass, "{s}");
    assert!(s.contains("waits for n1#1"), "held back:\n{s}");
}

#[test]
fn leader_follower_async_loses_an_acknowledged_write_sync_does_not() {
    let mut a = playground("leader-follower", None, 120, 40);
    keys(&mut a, "1wc");
    run_for(&mut a, 6.0);
    assert_eq!(status(&a, "acknowledged writes"), Status::Fail);
    assert!(text(&a).contains("acknowledged write lost"));
    let mut a = playground("leader-follower", None, 120, 40);
    keys(&mut a, "m"); // async → next mode
    let mode = a.live().unwrap().knobs[0].value.clone();
    assert_ne!(mode, "async");
    keys(&mut a, "1w");
    run_for(&mut a, 1.0);
    keys(&mut a, "c");
    run_for(&mut a, 6.0);
    assert_eq!(status(&a, "acknowledged writes"), Status::Pass, "{mode}");
}

#[test]
fn cap_cp_status_line_shows_the_refused_write() {
    let mut a = playground("cap-cp", None, 80, 24);
    keys(&mut a, "1pw");
    run_for(&mut a, 8.0);
    let s = text(&a);
    let status_line = s.lines().rev().nth(1).unwrap();
    assert!(
        status_line.contains("0 of 1 operations succeeded, 1 refused"),
        "{status_line}"
    );
}

#[test]
fn five_nodes_are_boxes_that_never_cover_each_other() {
    for (w, h) in [(160, 45), (120, 40), (100, 30)] {
        let mut a = playground("leader-follower", Some(5), w, h);
        keys(&mut a, "w");
        let s = text(&a);
        for n in 1..=5 {
            assert!(s.contains(&format!("n{n} side A")), "{w}x{h}:\n{s}");
        }
    }
    // Too small for five boxes: one line per node, and what is on the wire.
    let mut a = playground("leader-follower", Some(5), 80, 24);
    keys(&mut a, "w");
    assert!(text(&a).contains("[n5 A]"), "{}", text(&a));
    let mut wire = false;
    for _ in 0..30 {
        run_for(&mut a, 0.1);
        wire |= text(&a).contains("on the wire");
    }
    assert!(wire, "messages are listed while they fly");
}

#[test]
fn checkers_run_only_when_something_happened() {
    let mut a = playground("quorum", None, 120, 40);
    keys(&mut a, "1w");
    run_for(&mut a, 3.0);
    // The quorum store has no periodic timers: once the write settled the
    // trace stops growing, and so do the checker runs.
    let runs = a.live().unwrap().checker_runs;
    run_for(&mut a, 5.0);
    assert_eq!(a.live().unwrap().checker_runs, runs);
    keys(&mut a, " "); // paused: a step with nothing queued changes nothing
    keys(&mut a, "r");
    assert_eq!(a.live().unwrap().checker_runs, runs + 1);
}

/// The status line: the screen's second line from the bottom.
fn status_line(app: &App) -> String {
    text(app).lines().rev().nth(1).unwrap().to_string()
}

fn headline(app: &App) -> String {
    let live = app.live().expect("a live cluster");
    live.headline().expect("a headline").check.clone()
}

#[test]
fn causal_status_line_leads_with_causality_and_names_other_failures() {
    // Causal delivery: the reply is held back, so n3's reads are stale
    // (not linearizable) yet causal: the status line leads with causality.
    let a = reply_before_post("m");
    assert_eq!(status(&a, "linearizability"), Status::Fail);
    assert_eq!(status(&a, "causality"), Status::Pass);
    assert_eq!(headline(&a), "causality");
    let line = status_line(&a);
    assert!(line.contains("✓ ok no client saw an effect"), "{line}");
    assert!(line.contains("also ✗ linearizability"), "{line}");
    assert!(!line.contains("FAIL"), "{line}");
    // Eventual delivery: the causality failure itself.
    let a = reply_before_post("");
    assert_eq!(headline(&a), "causality");
    assert!(status_line(&a).contains("✗ FAIL"), "{}", status_line(&a));
}

#[test]
fn session_status_line_moves_to_the_newest_failure() {
    let mut a = playground("session", None, 120, 40);
    // n3 lags; the session misses its own write there.
    keys(&mut a, "3p1w");
    run_for(&mut a, 1.0);
    keys(&mut a, "3r");
    run_for(&mut a, 1.0);
    assert_eq!(status(&a, "read your writes"), Status::Fail);
    assert_eq!(status(&a, "monotonic reads"), Status::Pass);
    assert_eq!(headline(&a), "read your writes");
    // New on n1, then old on n3: monotonic reads now fails too (and read
    // your writes counts one more): the new failure is the headline.
    keys(&mut a, "1r");
    run_for(&mut a, 1.0);
    keys(&mut a, "3r");
    run_for(&mut a, 1.0);
    assert_eq!(status(&a, "monotonic reads"), Status::Fail);
    assert_eq!(headline(&a), "monotonic reads");
    let line = status_line(&a);
    assert!(line.contains("monotonic"), "{line}");
    assert!(line.contains("also ✗"), "{line}");
    // Another read-your-writes violation alone: back to it, the newest.
    keys(&mut a, "2p1w");
    run_for(&mut a, 1.0);
    keys(&mut a, "2r");
    run_for(&mut a, 1.0);
    assert_eq!(headline(&a), "read your writes", "{}", status_line(&a));
}

/// The event log's lines (between its title and its bottom border).
fn log_lines(app: &App) -> Vec<String> {
    let s = text(app);
    let lines: Vec<&str> = s.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.contains("Event log"))
        .expect("an event log");
    lines[top + 1..]
        .iter()
        .take_while(|l| !l.contains('╰'))
        .map(|l| l.to_string())
        .collect()
}

#[test]
fn f_hides_routine_traffic_in_the_event_log() {
    let mut a = playground("leader-follower", None, 120, 40);
    run_for(&mut a, 3.0);
    keys(&mut a, "1w");
    run_for(&mut a, 3.0);
    let all = log_lines(&a).join("\n");
    assert!(all.contains("timer"), "heartbeats tick:\n{all}");
    keys(&mut a, "f");
    let s = text(&a);
    assert!(
        s.contains("filtered: routine traffic hidden (f)"),
        "the title says so:\n{s}"
    );
    let shown = log_lines(&a).join("\n");
    assert!(!shown.contains("timer"), "no timer firings:\n{shown}");
    assert!(!shown.contains("Heartbeat("), "no heartbeats:\n{shown}");
    assert!(!shown.contains("sent Ack"), "no acks:\n{shown}");
    assert!(
        shown.contains("write x=1"),
        "the client's write stays:\n{shown}"
    );
    // A partition's drops of heartbeats are routine too; the fault is not.
    keys(&mut a, "2p");
    run_for(&mut a, 2.0);
    let shown = log_lines(&a).join("\n");
    assert!(shown.contains("side"), "the fault shows:\n{shown}");
    assert!(!shown.contains("timer"), "{shown}");
    // The run is the same whatever the log shows; f again shows everything.
    keys(&mut a, "f");
    assert!(!text(&a).contains("filtered"));
    assert!(log_lines(&a).join("\n").contains("timer"));
}

#[test]
fn f_is_listed_in_help() {
    let mut a = playground("session", None, 120, 40);
    keys(&mut a, "?");
    // The overlay scrolls when the screen has more keys than fit.
    for _ in 0..40 {
        if text(&a).contains("hide routine traffic (timer firings") {
            break;
        }
        key(&mut a, KeyCode::Down);
    }
    let s = text(&a);
    assert!(s.contains("hide routine traffic (timer firings"), "{s}");
}

/// The Checkers pane's lines (the top right box), borders included.
fn checkers_lines(app: &App) -> Vec<String> {
    let s = text(app);
    let rows: Vec<Vec<char>> = s.lines().map(|l| l.chars().collect()).collect();
    let top = rows
        .iter()
        .position(|r| r.iter().collect::<String>().contains("╭ Checkers"))
        .expect("a checkers pane");
    let line = rows[top].iter().collect::<String>();
    let col = line[..line.find("╭ Checkers").unwrap()].chars().count();
    let mut out = Vec::new();
    for r in &rows[top..] {
        let part: String = r[col..].iter().collect();
        let end = part.starts_with('╰');
        out.push(part);
        if end {
            break;
        }
    }
    out
}

#[test]
fn checkers_pane_scrolls_when_focused_by_tab_or_wheel() {
    let mut a = quorum_stale_read(80, 24);
    let before = checkers_lines(&a).join("\n");
    assert!(before.contains("more · Tab here"), "{before}");
    assert!(
        before.contains('…'),
        "unfocused, findings are fitted:\n{before}"
    );
    // Tab: log → panes → checkers.
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    let focused = checkers_lines(&a).join("\n");
    assert!(!focused.contains('…'), "in full when focused:\n{focused}");
    assert!(focused.contains("more · ↑↓"), "{focused}");
    let first = checkers_lines(&a)[1].clone();
    key(&mut a, KeyCode::Down);
    assert_ne!(checkers_lines(&a)[1], first, "↓ scrolls");
    key(&mut a, KeyCode::End);
    let end = checkers_lines(&a).join("\n");
    assert!(
        end.contains("↑ scrolled"),
        "to the end and no further:\n{end}"
    );
    key(&mut a, KeyCode::Home);
    assert_eq!(checkers_lines(&a)[1], first);
    // The wheel over the pane scrolls it whatever has the focus.
    key(&mut a, KeyCode::Tab);
    let s = text(&a);
    let row = s.lines().position(|l| l.contains("╭ Checkers")).unwrap() as u16 + 2;
    let col = s.lines().next().unwrap().chars().count() as u16 - 5;
    a.update(Action::Wheel {
        col,
        row,
        down: true,
    });
    assert!(
        checkers_lines(&a).join("\n").contains("more"),
        "{}",
        checkers_lines(&a).join("\n")
    );
    assert_ne!(checkers_lines(&a)[1], first, "the wheel scrolls");
}

#[test]
fn leader_follower_labels_a_lagging_copy_behind_and_a_discarded_one_apart() {
    // n3 cut off misses the write: behind the leader, not stale data.
    let mut a = playground("leader-follower", None, 160, 45);
    keys(&mut a, "3p1w");
    run_for(&mut a, 1.0);
    let s = text(&a);
    assert!(s.contains("unset (behind)"), "{s}");
    assert!(!s.contains("(stale)"), "{s}");
    // The leader crashes before shipping its write: the new leader never
    // had it, and the old leader's copy says so.
    let mut a = playground("leader-follower", None, 160, 45);
    keys(&mut a, "1wc");
    run_for(&mut a, 6.0);
    assert_eq!(status(&a, "acknowledged writes"), Status::Fail);
    let s = text(&a);
    assert!(s.contains("1 (LSN 1) (not in the leader's log)"), "{s}");
}

/// What every node's box shows for `x`.
fn xs(app: &App) -> Vec<String> {
    let live = app.live().unwrap();
    live.view
        .nodes
        .iter()
        .map(|n| {
            n.state
                .iter()
                .find(|(k, _)| k == "x")
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn o_cycles_the_selected_nodes_clock_and_the_run_remembers_it() {
    let mut a = playground("cap-ap", None, 120, 40);
    let skews = |a: &App| -> Vec<i64> {
        a.live()
            .unwrap()
            .view
            .nodes
            .iter()
            .map(|n| n.skew)
            .collect()
    };
    keys(&mut a, "2o");
    assert_eq!(skews(&a), [0, 1000, 0]);
    assert!(text(&a).contains("clock +1s"), "{}", text(&a));
    assert!(text(&a).contains("n2's clock now runs 1s fast"));
    keys(&mut a, "o");
    assert_eq!(skews(&a), [0, -1000, 0]);
    assert!(text(&a).contains("clock -1s"));
    keys(&mut a, "o");
    let drifts = |a: &App| -> Vec<i32> {
        a.live()
            .unwrap()
            .view
            .nodes
            .iter()
            .map(|n| n.drift)
            .collect()
    };
    assert_eq!(drifts(&a), [0, -50, 0]);
    assert!(text(&a).contains("50% slow"), "{}", text(&a));
    keys(&mut a, "o");
    assert_eq!(skews(&a), [0, 0, 0]);
    assert_eq!(drifts(&a), [0, 0, 0]);
    assert!(!text(&a).contains("clock +1s") && !text(&a).contains("clock -1s"));
    let actions: Vec<Fault> = a
        .live()
        .unwrap()
        .run()
        .actions()
        .iter()
        .map(|(_, f)| f.clone())
        .collect();
    assert_eq!(
        actions,
        [
            Fault::Skew(NodeId(2), 1000),
            Fault::Skew(NodeId(2), -1000),
            Fault::Drift(NodeId(2), -50),
            Fault::Drift(NodeId(2), 0),
            Fault::Skew(NodeId(2), 0)
        ]
    );
    // `?` lists it.
    keys(&mut a, "?");
    assert!(text(&a).contains("the selected node's clock: 1s ahead"));
}

#[test]
fn cap_ap_a_fast_clock_loses_the_later_write_and_replays_the_same() {
    // Paused, so both writes fall in one simulated second.
    let mut a = playground("cap-ap", None, 120, 40);
    keys(&mut a, " 1ow2w ");
    run_for(&mut a, 20.0);
    keys(&mut a, "r");
    run_for(&mut a, 1.0);
    assert_eq!(status(&a, "stale reads"), Status::Fail);
    assert!(xs(&a).iter().all(|v| v.starts_with("1 ")), "{:?}", xs(&a));
    // The action log, replayed on a fresh run of the same seed, gives the
    // same history: the skew is part of it.
    let live = a.live().unwrap();
    assert!(
        live.run()
            .actions()
            .iter()
            .any(|(_, f)| *f == Fault::Skew(NodeId(1), 1000))
    );
    let mut again = scenario::find("cap-ap")
        .unwrap()
        .start(&scenario::Params {
            seed: 1,
            ..Default::default()
        })
        .unwrap();
    for (t, f) in live.run().actions() {
        again.run_until(*t);
        again.apply(f.clone());
    }
    again.run_until(live.now());
    assert_eq!(
        format!("{:?}", again.history().ops()),
        format!("{:?}", live.run().history().ops())
    );
    // The same keys without `o`: the later write wins.
    let mut b = playground("cap-ap", None, 120, 40);
    keys(&mut b, " 1w2w ");
    run_for(&mut b, 20.0);
    keys(&mut b, "r");
    run_for(&mut b, 1.0);
    assert_eq!(status(&b, "stale reads"), Status::Pass);
    assert!(xs(&b).iter().all(|v| v.starts_with("2 ")), "{:?}", xs(&b));
}

#[test]
fn a_skewed_clock_shows_in_the_one_line_layout() {
    // Five nodes at 80x24 are one line each (see above).
    let mut a = playground("leader-follower", Some(5), 80, 24);
    keys(&mut a, "3o");
    let s = text(&a);
    let line = s.lines().find(|l| l.contains("[n3 A]")).expect("n3's line");
    assert!(line.contains("clock +1s"), "{s}");
}

/// A one-way cut is drawn as `╳` with an arrowhead pointing the way that is
/// cut (readable without colour); a two-way cut as `╳` alone. At sizes too
/// small for boxes, the one-way cuts are named instead.
#[test]
fn one_way_cuts_are_drawn_with_their_direction() {
    let start = |w: u16, h: u16| {
        let mut a = playground_with("cap-cp", None, w, h, "at 0s cut 1->2; at 0s cut 3<->1");
        a.update(Action::Tick(Duration::from_millis(100)));
        a
    };
    let big = text(&start(120, 40));
    assert!(big.contains("╳↘"), "{big}");
    assert!(big.contains("╳→ cut that way only"), "{big}");
    assert_snapshot!("one_way_cut_120x40", big);
    let small = start(80, 24);
    let t = text(&small);
    assert_snapshot!("one_way_cut_80x24", t);
    let live = small.live().unwrap();
    assert!(live.view.is_blocked(NodeId(1), NodeId(2)));
    assert!(!live.view.is_blocked(NodeId(2), NodeId(1)));
    assert!(
        live.view.is_blocked(NodeId(3), NodeId(1)) && live.view.is_blocked(NodeId(1), NodeId(3))
    );
}

/// A broken safety invariant pauses the live cluster on the very event and
/// says so in the checkers pane and the status line.
#[test]
fn the_live_cluster_pauses_on_a_broken_invariant() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = playground_with(
            "leader-follower",
            None,
            w,
            h,
            "at 0s set failover=unsafe; at 1s partition 1 | 2 | 3",
        );
        keys(&mut a, "++++++"); // fast, so the failover comes within the test's ticks
        run_for(&mut a, 30.0);
        let live = a.live().unwrap();
        assert!(live.paused, "the run did not pause");
        let v = live.run().violation().expect("a violation").clone();
        assert_eq!(v.invariant, "one leader per epoch");
        // Paused right at the violating event: the clock stands at its time.
        assert_eq!(live.now(), v.time);
        let last = live.run().trace().events().last().unwrap().seq;
        assert!(
            last - v.seq <= 3,
            "ran on past the violation: {last} vs {}",
            v.seq
        );
        assert_eq!(status(&a, "one leader per epoch"), Status::Fail);
        let screen = text(&a);
        assert!(screen.contains("one leader per epoch"), "{screen}");
        assert!(screen.contains("paused"), "{screen}");
        assert!(
            screen.contains("Paused on event #") && screen.contains("broke"),
            "{screen}"
        );
        assert_snapshot!(format!("invariant_pause_{w}x{h}"), screen);
        // Resuming goes on past it; it does not pause again.
        keys(&mut a, " ");
        run_for(&mut a, 2.0);
        assert!(!a.live().unwrap().paused);
        assert!(a.live().unwrap().now() > v.time);
    }
}

/// Beyond nine nodes a learner types the node's number, then Enter; arrows
/// step through the nodes; a number that is not a node says so.
#[test]
fn nodes_beyond_nine_are_selected_by_number_and_enter() {
    let mut a = playground("cap-cp", Some(15), 100, 30);
    keys(&mut a, "12");
    assert_eq!(a.live().unwrap().selected, NodeId(1), "not yet");
    assert!(text(&a).contains("Node n12…"));
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.live().unwrap().selected, NodeId(12));
    assert!(text(&a).contains("Selected n12"));
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Right);
    assert_eq!(a.live().unwrap().selected, NodeId(14));
    keys(&mut a, "3");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.live().unwrap().selected, NodeId(3));
    keys(&mut a, "40");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.live().unwrap().selected, NodeId(3));
    assert!(text(&a).contains("There is no node 40"));
    // The selected node is the one the cluster keys act on.
    keys(&mut a, "1");
    keys(&mut a, "5");
    key(&mut a, KeyCode::Enter);
    keys(&mut a, "c");
    let live = a.live().unwrap();
    assert!(!live.view.nodes[14].up, "n15 should be down");
    // A 3-node cluster keeps one key per node.
    let mut small = playground("cap-cp", None, 100, 30);
    keys(&mut small, "2");
    assert_eq!(small.live().unwrap().selected, NodeId(2));
}

#[test]
fn x_cuts_the_selected_node_one_way_deaf_then_mute_then_whole() {
    let mut a = playground("raft", Some(3), 120, 40);
    keys(&mut a, " 2x");
    let v = &a.live().unwrap().view;
    let (n1, n2, n3) = (NodeId(1), NodeId(2), NodeId(3));
    // Deaf: nobody reaches n2, n2 still reaches everybody.
    assert!(v.is_blocked(n1, n2) && v.is_blocked(n3, n2));
    assert!(!v.is_blocked(n2, n1) && !v.is_blocked(n2, n3));
    assert!(a.cx.flash.as_ref().unwrap().contains("n2 is now deaf"));
    keys(&mut a, "x");
    let v = &a.live().unwrap().view;
    assert!(v.is_blocked(n2, n1) && v.is_blocked(n2, n3));
    assert!(!v.is_blocked(n1, n2) && !v.is_blocked(n3, n2));
    keys(&mut a, "x");
    assert!(a.live().unwrap().view.blocked.is_empty());
    // A deaf node keeps timing out: with pre-vote off its term climbs.
    keys(&mut a, "1x ");
    run_for(&mut a, 30.0);
    let t1 = a.live().unwrap().view.nodes[0]
        .state
        .iter()
        .find(|(k, _)| k == "term")
        .unwrap()
        .1
        .parse::<u64>()
        .unwrap();
    assert!(t1 > 3, "n1's term is {t1}");
}

#[test]
fn capital_z_freezes_the_selected_node_for_three_seconds() {
    let mut a = playground("cap-ap", None, 120, 40);
    let paused = |a: &App| -> Vec<bool> {
        a.live()
            .unwrap()
            .view
            .nodes
            .iter()
            .map(|n| n.paused)
            .collect()
    };
    keys(&mut a, "3Z");
    assert_eq!(paused(&a), [false, false, true]);
    assert!(text(&a).contains("n3 is frozen for 3s"), "{}", text(&a));
    assert!(text(&a).contains("PAUSED"), "the node's box says so");
    let until = a.live().unwrap().now() + 3000;
    while a.live().unwrap().now() < until {
        a.update(Action::Tick(Duration::from_millis(250)));
    }
    assert_eq!(paused(&a), [false, false, false]);
    let woke = a
        .live()
        .unwrap()
        .run()
        .trace()
        .events()
        .any(|e| e.text.contains("n3 wakes from its pause"));
    assert!(woke);
}

#[test]
fn a_thousand_nodes_are_drawn_as_sides_with_counts_and_a_cell_each() {
    let d = statedist::scenario::demos::find("big-partition").unwrap();
    let mut a = playground_with("big-partition", None, 120, 40, &d.full_script());
    keys(&mut a, "++++++");
    while a.live().unwrap().now() < 3000 {
        a.update(Action::Tick(Duration::from_millis(100)));
    }
    let s = text(&a);
    let line = |side: &str| {
        s.lines()
            .find(|l| l.contains(&format!("side {side} · ")))
            .unwrap_or_else(|| panic!("no side {side}:\n{s}"))
            .to_string()
    };
    assert!(line("A").contains("600 nodes: ▲ n"), "{s}");
    assert!(line("B").contains("300 nodes: ▲ n1 primary e1"), "{s}");
    assert!(line("C").contains("100 nodes: no one leads"), "{s}");
    // A cell per node: n1 is selected on side B, the others are dots.
    assert!(s.contains('▶') && s.contains("∙∙∙∙∙∙∙∙∙∙"), "{s}");
    // The Failover pane sums up the standbys instead of 1000 rows.
    let rows = match &a.live().unwrap().panes[0] {
        statedist::scenario::Pane::Table { rows, .. } => rows.clone(),
    };
    assert!(rows.len() < 50, "{} rows", rows.len());
    let last = &rows.last().unwrap()[0].text;
    assert!(
        last.contains("more standbys, each like the others on its side"),
        "{last}"
    );
    // Typing a number selects that node.
    keys(&mut a, "904");
    a.handle_event(&ratatui::crossterm::event::Event::Key(
        ratatui::crossterm::event::KeyEvent::new(
            ratatui::crossterm::event::KeyCode::Enter,
            ratatui::crossterm::event::KeyModifiers::NONE,
        ),
    ));
    assert_eq!(a.live().unwrap().selected, statedist::sim::NodeId(904));
}
