//! The PBFT panes as a learner sees them: on 4 replicas while the
//! equivocating primary's two stories are in flight (s2 is prepared by n2
//! and n4 for null, by nobody for the write), and on 10 replicas with the
//! same two traitors, which f = 3 absorbs. Snapshots at 80×24 and 160×45,
//! the whole screen and each pane at the width it gets there.

use std::time::Duration;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use statedist::scenario::{self, Pane, demos};
use statedist::sim::script::Script;
use statedist::tui::theme::Theme;
use statedist::tui::views::panes::pane_lines;
use statedist::tui::{Action, App, Options, Start};

/// The demonstration `demo` on `nodes` replicas, played live on a `w`×`h`
/// screen up to `at` ms.
fn app_for(demo: &str, nodes: usize, w: u16, h: u16, at: u64) -> App {
    let demo = demos::find(demo).unwrap();
    let mut a = App::new(
        Options {
            color: false,
            size: (w, h),
            ..Options::default()
        },
        Start::Playground {
            scenario: scenario::find(demo.scenario).unwrap(),
            nodes: Some(nodes),
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
fn pbft_panes_on_4_and_10_replicas() {
    for (demo, nodes, at) in [
        ("pbft-equivocate", 4, 1_400),
        ("pbft-two-traitors", 10, 2_000),
    ] {
        for (w, h, inner) in [(80, 24, 38), (160, 45, 78)] {
            let a = app_for(demo, nodes, w, h, at);
            let panes = a.live().unwrap().panes.clone();
            assert_eq!(panes.len(), 3, "replicas, sequence numbers, client");
            let texts: Vec<String> = panes.iter().map(|p| pane_text(p, inner)).collect();
            // Traitors are marked without colour too.
            assert!(
                texts[0].contains("BYZ") || texts[0].contains("byz"),
                "{}",
                texts[0]
            );
            for (name, text) in ["replicas", "slots", "client"].iter().zip(&texts) {
                assert_snapshot!(format!("pbft_{nodes}_{name}_{w}x{h}"), text);
            }
            assert_snapshot!(format!("pbft_{nodes}_screen_{w}x{h}"), screen(&a));
        }
    }
}
