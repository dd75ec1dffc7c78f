//! The CRDT panes as a learner sees them in the shopping-cart story just
//! after the heal: n3 has merged n1's cart, n2 not yet, so the state pane
//! marks the rows where replicas differ and the merge pane shows n3's merge
//! before and after. Snapshots at 80×24 and 160×45, the whole screen and
//! each pane at the width it gets there.

use std::time::Duration;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use statedist::scenario::{self, Pane, demos};
use statedist::sim::script::Script;
use statedist::tui::theme::Theme;
use statedist::tui::views::panes::pane_lines;
use statedist::tui::{Action, App, Options, Start};

/// The demonstration `demo` played live on a `w`×`h` screen up to `at` ms.
fn app_for(demo: &str, w: u16, h: u16, at: u64) -> App {
    let demo = demos::find(demo).unwrap();
    let mut a = App::new(
        Options {
            color: false,
            size: (w, h),
            ..Options::default()
        },
        Start::Playground {
            scenario: scenario::find(demo.scenario).unwrap(),
            nodes: None,
            seed: 1,
            script: Script::parse(&demo.full_script()).unwrap(),
        },
    );
    for _ in 0..100_000 {
        if a.live().unwrap().now() >= at {
            break;
        }
        a.update(Action::Tick(Duration::from_millis(20)));
    }
    a
}

fn app(w: u16, h: u16, at: u64) -> App {
    app_for("crdt-cart", w, h, at)
}

fn screen(a: &App) -> String {
    let s = a.size();
    let mut t = Terminal::new(TestBackend::new(s.width, s.height)).unwrap();
    t.draw(|f| f.render_widget(a, f.area())).unwrap();
    t.backend().to_string()
}

fn pane_text(p: &Pane, width: u16) -> String {
    pane_lines(p, &Theme::new(false), width)
        .iter()
        .map(|l| l.to_string().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn crdt_panes_just_after_the_heal() {
    for (w, h, inner) in [(80, 24, 38), (160, 45, 78)] {
        let a = app(w, h, 3035);
        let live = a.live().unwrap();
        let panes = live.panes.clone();
        assert_eq!(panes.len(), 2);
        let texts: Vec<String> = panes.iter().map(|p| pane_text(p, inner)).collect();
        // n2 has not merged yet: its cart differs, and the row says so.
        assert!(texts[0].contains("≠ cart"), "{}", texts[0]);
        assert!(texts[0].contains("n1#1"), "{}", texts[0]);
        // n3's merge: milk and eggs arrive, marked as changed.
        assert!(texts[1].contains("n3 merged n1's state"), "{}", texts[1]);
        assert!(texts[1].contains("* {eggs, milk}"), "{}", texts[1]);
        for (name, text) in ["state", "merge"].iter().zip(&texts) {
            assert_snapshot!(format!("crdt_{name}_{w}x{h}"), text);
        }
        assert_snapshot!(format!("crdt_screen_{w}x{h}"), screen(&a));
    }
}

#[test]
fn before_any_merge_the_merge_pane_says_so() {
    let a = app(160, 45, 500);
    let panes = a.live().unwrap().panes.clone();
    let text = pane_text(&panes[1], 78);
    assert!(
        text.contains("no merge has changed a replica yet"),
        "{text}"
    );
}

/// The version pane of `version-vectors` in the cart story, just after
/// the heal (two siblings) and after n3's resolve (one version that
/// descends from both): every version with its dot, context and nearest
/// ancestors, and the two newest compared.
#[test]
fn version_pane_before_and_after_the_resolve() {
    for (w, h, inner) in [(80, 24, 38), (160, 45, 78)] {
        for (at, name) in [(4000, "siblings"), (5500, "resolved")] {
            let a = app_for("version-vectors-cart", w, h, at);
            let panes = a.live().unwrap().panes.clone();
            assert_eq!(panes.len(), 4, "state, merge, versions, compare");
            let text = format!(
                "{}\n\n{}",
                pane_text(&panes[2], inner),
                pane_text(&panes[3], inner)
            );
            if name == "siblings" {
                assert!(text.contains("2 kept"), "{text}");
                assert!(text.contains("concurrent"), "{text}");
            } else {
                assert!(text.contains("1 kept"), "{text}");
                assert!(
                    text.contains("n1#3 n2#1") || text.contains("n2#1 n1#3"),
                    "{text}"
                );
            }
            assert_snapshot!(format!("versions_{name}_{w}x{h}"), text);
        }
    }
}

/// With per-server vectors the compare pane shows the vector that wrongly
/// dominates, and with dotted ones the two context tests.
#[test]
fn compare_pane_says_why_in_each_mode() {
    for (clocks, want) in [
        ("vv", "dominates n1#1, so n1#1 is dropped"),
        ("dvv", "are concurrent"),
    ] {
        let params = statedist::scenario::Params {
            seed: 1,
            script: Script::parse("at 0.2s blind n1 milk; at 0.3s blind n1 eggs").unwrap(),
            settings: [("clocks".to_string(), clocks.to_string())]
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let mut r = scenario::find("version-vectors")
            .unwrap()
            .start(&params)
            .unwrap();
        r.run_until(2000);
        r.run_until(2000);
        let panes = r.panes();
        assert_eq!(panes.len(), 4, "{clocks}");
        let text = pane_text(&panes[3], 78);
        assert!(text.contains(want), "{clocks}: {text}");
    }
}

/// `<` and `>` pick two versions, and the Compare pane compares those.
#[test]
fn picking_two_versions_compares_them() {
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut a = app_for("version-vectors-cart", 160, 45, 5500);
    let key = |a: &mut App, c: char| {
        a.handle_event(&Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    };
    let compare = |a: &App| pane_text(&a.live().unwrap().panes[3], 78);
    // Unpicked: the kept version against the one it replaced.
    assert!(
        compare(&a).contains("n3#1 descends from"),
        "{}",
        compare(&a)
    );
    // Kept first, then by counter: n3#1, n1#3, n1#2, n2#1, n1#1.
    key(&mut a, '<'); // n3#1
    for _ in 0..4 {
        key(&mut a, '>'); // n3#1, n1#3, n1#2, n2#1
    }
    let live = a.live().unwrap();
    assert_eq!(
        live.picks,
        [Some("n3#1".to_string()), Some("n2#1".to_string())]
    );
    let text = compare(&a);
    assert!(text.starts_with("Compare n3#1 and n2#1"), "{text}");
    assert!(text.contains("n3#1 descends from n2#1"), "{text}");
    let versions = pane_text(&a.live().unwrap().panes[2], 78);
    assert!(
        versions.contains("◀ pick 1") && versions.contains("◀ pick 2"),
        "{versions}"
    );
    // Two concurrent ones: n1#3 and n2#1.
    key(&mut a, '<'); // n1#3
    assert!(compare(&a).contains("are concurrent"), "{}", compare(&a));
    // Past the last (n1#2, n2#1, n1#1): none.
    for _ in 0..4 {
        key(&mut a, '<');
    }
    assert_eq!(a.live().unwrap().picks[0], None);
}
