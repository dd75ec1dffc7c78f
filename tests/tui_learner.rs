//! What a new learner met on the real course (issue 10), each shown on the
//! screen they saw it on, at 80×24 and at 120×40.

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use statedist::scenario;
use statedist::tui::{App, Options, Start};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn app(start: Start, (w, h): (u16, u16)) -> App {
    App::new(
        Options {
            size: (w, h),
            color: false,
            ..Options::default()
        },
        start,
    )
}

fn playground(name: &str, nodes: Option<usize>, size: (u16, u16)) -> App {
    app(
        Start::Playground {
            scenario: scenario::find(name).unwrap(),
            nodes,
            seed: 1,
            script: Default::default(),
        },
        size,
    )
}

fn key(a: &mut App, code: KeyCode) {
    let m = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    a.handle_event(&Event::Key(KeyEvent::new(code, m)));
}

fn keys(a: &mut App, s: &str) {
    for c in s.chars() {
        key(a, KeyCode::Char(c));
    }
}

fn screen(a: &App) -> String {
    let s = a.size();
    let mut t = Terminal::new(TestBackend::new(s.width, s.height)).unwrap();
    t.draw(|f| f.render_widget(a, f.area())).unwrap();
    let b = t.backend().buffer();
    (0..s.height)
        .map(|y| {
            let row: String = (0..s.width).map(|x| b[(x, y)].symbol()).collect();
            row.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_map_says_which_lessons_run_a_cluster() {
    for size in SIZES {
        let a = app(Start::Home, size);
        let s = screen(&a);
        let live: Vec<_> = statedist::lessons::load(None)
            .lessons
            .iter()
            .filter(|l| !l.live_scenarios().is_empty())
            .map(|l| l.title.clone())
            .collect();
        assert!(
            s.contains(&format!("◆ marks the {} of 10 lessons", live.len())),
            "{s}"
        );
        // Block 1 has a cluster and is marked; block 5 has none and is not.
        let row = |name: &str| {
            s.lines()
                .find(|l| l.starts_with("│") && l.contains(name))
                .unwrap()
                .to_string()
        };
        assert!(row("CAP theorem").contains("◆"), "{s}");
        assert!(!row("Consensus").contains("◆"), "{s}");
        assert_snapshot!(format!("map_{}x{}", size.0, size.1), s);
    }
}
