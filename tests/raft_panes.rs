//! The Raft panes (Nodes, Logs, Votes) as a learner sees them mid-story:
//! the minority-leader script at 2.2 s, with n5 cut off and still leading
//! term 1 while n4 leads term 2. Snapshots at 80×24 and 160×45, the whole
//! screen and each pane at the width it gets there.

use std::time::Duration;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use statedist::scenario::{self, Pane};
use statedist::sim::script::Script;
use statedist::tui::theme::Theme;
use statedist::tui::views::panes::pane_lines;
use statedist::tui::{Action, App, Options, Start};

const MINORITY: &str = include_str!("../assets/scripts/raft-minority-leader.script");

fn app(w: u16, h: u16) -> App {
    let mut a = App::new(
        Options {
            color: false,
            size: (w, h),
            ..Options::default()
        },
        Start::Playground {
            scenario: scenario::find("raft").unwrap(),
            nodes: None,
            seed: 1,
            script: Script::parse(MINORITY).unwrap(),
        },
    );
    // Ticks until 2.2 s of simulated time (the pace varies with traffic).
    for _ in 0..100_000 {
        if a.live().unwrap().now() >= 2200 {
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
fn raft_panes_mid_partition() {
    for (w, h, inner) in [(80, 24, 38), (160, 45, 78)] {
        let a = app(w, h);
        let live = a.live().unwrap();
        assert!(live.now() >= 2200 && live.now() < 2500, "{}", live.now());
        let panes = live.panes.clone();
        assert_eq!(panes.len(), 3);
        let texts: Vec<String> = panes.iter().map(|p| pane_text(p, inner)).collect();
        // Both believe they lead; the old leader's x=1 is uncommitted.
        assert!(texts[0].contains("n5 (leader)"), "{}", texts[0]);
        assert!(texts[0].contains("n4 (leader)"), "{}", texts[0]);
        assert!(texts[1].contains("[1]"), "{}", texts[1]);
        assert!(texts[1].contains("≠ leader"), "{}", texts[1]);
        assert!(texts[2].contains("granted"), "{}", texts[2]);
        for (name, text) in ["nodes", "logs", "votes"].iter().zip(&texts) {
            assert_snapshot!(format!("raft_{name}_{w}x{h}"), text);
        }
        assert_snapshot!(format!("raft_screen_{w}x{h}"), screen(&a));
    }
}
