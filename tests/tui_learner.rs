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
        // Blocks 1 to 7 have a cluster and are marked; the integration
        // challenge has none.
        let row = |name: &str| {
            s.lines()
                .find(|l| l.starts_with("│") && l.contains(name))
                .unwrap()
                .to_string()
        };
        assert!(row("CAP theorem").contains("◆"), "{s}");
        assert!(row("Consensus").contains("◆"), "{s}");
        assert!(row("CRDT").contains("◆"), "{s}");
        assert!(row("Production").contains("◆"), "{s}");
        assert!(!row("Integration").contains("◆"), "{s}");
        assert_snapshot!(format!("map_{}x{}", size.0, size.1), s);
    }
}

/// Jumps heading by heading until the "Try it" for `name` is at the top.
fn to_heading(a: &mut App, name: &str) -> usize {
    for _ in 0..60 {
        let l = a.lesson().unwrap();
        if l.doc
            .try_its
            .iter()
            .any(|(line, s)| *line == l.top && s == name)
        {
            return l.top;
        }
        keys(a, "]");
    }
    panic!("no Try it heading for {name}");
}

#[test]
fn t_runs_the_try_it_whose_steps_are_on_screen() {
    for size in SIZES {
        let mut a = app(Start::Block(1), size);
        assert_eq!(a.live().unwrap().info.name, "cap-cp");
        to_heading(&mut a, "cap-ap");
        // Back up a few lines: the cap-cp section ends above the cap-ap
        // heading, whose "Press t to run cap-ap" is what the learner reads.
        keys(&mut a, "kkk");
        let s = screen(&a);
        assert!(s.contains("Try it: cap-ap"), "{s}");
        assert_eq!(a.current_try_it(), Some("cap-ap"), "{s}");
        assert!(s.contains("t run cap-ap here"), "{s}");
        keys(&mut a, "t");
        assert_eq!(a.live().unwrap().info.name, "cap-ap");
        // Now cap-ap runs, and t on the same screen says so rather than
        // going back to cap-cp.
        keys(&mut a, "t");
        let s = screen(&a);
        assert!(s.contains("cap-ap is already running"), "{s}");
    }
}

#[test]
fn a_reveals_each_hidden_answer_in_turn_then_hides_them() {
    let mut a = app(Start::Block(1), (120, 40));
    let total = a.lesson().unwrap().doc.answers.len();
    assert!(total >= 3, "lesson 1 has model answers");
    let shown = |a: &App| {
        a.lesson()
            .unwrap()
            .doc
            .answers
            .iter()
            .filter(|x| x.2)
            .count()
    };
    for k in 1..=total {
        keys(&mut a, "a");
        assert_eq!(shown(&a), k);
        // The one just opened is on screen.
        let l = a.lesson().unwrap();
        let opened = l
            .doc
            .answers
            .iter()
            .filter(|x| x.2)
            .map(|x| x.0)
            .max()
            .unwrap();
        let h = 40 - 2 - 2;
        assert!(
            opened >= l.top && opened < l.top + h,
            "answer {k} off screen"
        );
        let s = screen(&a);
        assert!(
            s.contains(&format!("Model answer {k} of {total} shown")),
            "{s}"
        );
    }
    keys(&mut a, "a");
    assert_eq!(shown(&a), 0);
    assert!(screen(&a).contains("Every model answer hidden again"));
}

#[test]
fn inside_the_nodes_is_a_tab_away_at_80x24() {
    for size in SIZES {
        // Block 2 starts leader-follower, whose replica state is a pane.
        let mut a = app(Start::Block(2), size);
        assert_eq!(a.live().unwrap().info.name, "leader-follower");
        keys(&mut a, "1w");
        for _ in 0..3 {
            if screen(&a).contains("Inside the nodes") {
                break;
            }
            key(&mut a, KeyCode::Tab);
        }
        let s = screen(&a);
        assert!(s.contains("Inside the nodes"), "{s}");
        assert!(s.contains("Replica state"), "{s}");
        assert_snapshot!(format!("inside_the_nodes_{}x{}", size.0, size.1), s);
    }
}

fn run_for(a: &mut App, secs: f64) {
    for _ in 0..(secs * 10.0) as usize {
        a.update(statedist::tui::Action::Tick(
            std::time::Duration::from_millis(100),
        ));
    }
}

/// The playground's canvas: its box, top left.
fn canvas(a: &App) -> String {
    let s = screen(a);
    let first = s.lines().next().unwrap_or_default();
    let w = first
        .find('╮')
        .map_or(first.len(), |i| first[..i].chars().count() + 1);
    let mut out = Vec::new();
    for l in s.lines() {
        let row: String = l.chars().take(w).collect();
        let end = row.starts_with('╰');
        out.push(row);
        if end {
            break;
        }
    }
    out.join("\n")
}

#[test]
fn node_boxes_wrap_version_vectors_without_losing_entries() {
    for size in SIZES {
        let mut a = playground("multi-leader", Some(5), size);
        // A write through every node: x's vector has five entries.
        keys(&mut a, "1w2w3w4w5w");
        run_for(&mut a, 20.0);
        let c = canvas(&a);
        // Every node holds x with a five-entry version vector: each entry
        // shows in every box (wrapped, not cut at the border).
        let held = a
            .live()
            .unwrap()
            .view
            .nodes
            .iter()
            .filter(|n| !n.state.is_empty())
            .count();
        assert_eq!(held, 5, "{c}");
        let shown = c.matches("n5:").count();
        assert_eq!(shown, held, "every box shows its vector's last entry:\n{c}");
        assert_snapshot!(format!("version_vectors_{}x{}", size.0, size.1), c);
    }
}

#[test]
fn a_partition_shows_at_80x24_and_on_five_nodes() {
    for size in SIZES {
        for nodes in [3, 5] {
            let mut a = playground("cap-ap", Some(nodes), size);
            // n1 alone on side B: every link from it is cut.
            keys(&mut a, "1p");
            let c = canvas(&a);
            let cuts = c
                .lines()
                .filter(|l| !l.starts_with('╰'))
                .map(|l| l.matches('╳').count())
                .sum::<usize>();
            // Boxes: a ╳ on every cut link. Too small for boxes (five
            // nodes at 80x24): one row per node and the sides spelled out.
            let rows = c.contains("╳ partitioned: A {");
            assert!(
                cuts >= nodes - 1 || rows && c.contains("B {n1}"),
                "{nodes} nodes at {size:?}: {cuts} cut marks for {} cut links:\n{c}",
                nodes - 1
            );
            // (The title and the legend on the borders have their own dots.)
            let inside: String = c.lines().filter(|l| l.starts_with('│')).collect();
            assert!(!inside.contains('·'), "no cloud of dots:\n{c}");
            assert_snapshot!(format!("partition_{nodes}_nodes_{}x{}", size.0, size.1), c);
        }
    }
}

#[test]
fn labels_of_messages_sharing_a_link_do_not_run_together() {
    for size in SIZES {
        let mut a = playground("quorum", None, size);
        // Three writes through n1 at once: their messages share n1's links.
        keys(&mut a, "1www");
        let mut seen = 0;
        // The busiest moment, for the snapshot.
        let mut busiest = (0, String::new());
        for _ in 0..40 {
            a.update(statedist::tui::Action::Tick(
                std::time::Duration::from_millis(20),
            ));
            let c = canvas(&a);
            for l in c.lines().filter(|l| l.starts_with('│')) {
                let chars: Vec<char> = l.chars().collect();
                for w in chars.windows(2) {
                    let word = |c: char| c.is_alphanumeric() || c == '#';
                    assert!(
                        !(w[0] == '●' && word(w[1]) || word(w[0]) && w[1] == '●'),
                        "a label touches a message dot:\n{c}"
                    );
                }
            }
            let dots = c.matches('●').count();
            seen += dots;
            if dots > busiest.0 {
                busiest = (dots, c.clone());
            }
        }
        assert!(seen > 10, "messages were in flight");
        assert_snapshot!(format!("labels_{}x{}", size.0, size.1), busiest.1);
    }
}

#[test]
fn the_status_line_keeps_seed_and_speed_at_80_columns_and_says_them_plainly() {
    for size in SIZES {
        let a = playground("cap-cp", None, size);
        let s = screen(&a);
        let status = s.lines().nth(size.1 as usize - 2).unwrap();
        assert!(status.contains("seed 1"), "{status}");
        assert!(status.contains("0.1x speed"), "{status}");
        assert!(!status.contains("idle"), "{status}");
        if size.0 >= 120 {
            assert!(status.contains("(1x while quiet)"), "{status}");
        }
    }
}

/// A gauntlet whose clock has run out: its result page, every item listed
/// (a tall terminal, so nothing needs scrolling).
fn result_page(bank: &str) -> String {
    let mut a = App::new(
        Options {
            size: (80, 600),
            color: false,
            quiz_limit: Some(std::time::Duration::from_secs(1)),
            ..Options::default()
        },
        Start::Gauntlet(bank.into()),
    );
    for _ in 0..8 {
        a.update(statedist::tui::Action::Tick(
            std::time::Duration::from_millis(250),
        ));
    }
    screen(&a)
}

#[test]
fn quiz_results_read_cleanly() {
    for bank in ["gauntlet1", "gauntlet2", "gauntlet3", "gauntlet4"] {
        let s = result_page(bank);
        assert!(s.contains("Time is up."), "{s}");
        assert!(!s.contains('`'), "no literal backticks:\n{s}");
        assert!(!s.contains("(s)"), "plurals in words:\n{s}");
        for l in s.lines() {
            let body = l.trim_start_matches('│').trim_end_matches('│');
            // A sentence never runs into the next one ("order.Rubric:").
            assert!(!body.contains(".Rubric"), "{l}");
        }
        // Every line of an item hangs under its text (six spaces in),
        // including the question's own wrapped lines.
        let items: Vec<&str> = s
            .lines()
            .map(|l| l.trim_start_matches('│').trim_end_matches('│'))
            .skip_while(|l| !l.starts_with("✗  1."))
            .take_while(|l| !l.starts_with('╰'))
            .collect();
        assert!(items.len() > 5, "{s}");
        for l in items {
            let trimmed = l.trim_end();
            assert!(
                trimmed.is_empty()
                    || trimmed.starts_with(['✓', '◐', '✗'])
                    || l.starts_with("      "),
                "not indented: {l:?}\n{s}"
            );
        }
    }
}

#[test]
fn the_gauntlet_list_and_help_read_cleanly() {
    for size in SIZES {
        let s = screen(&app(Start::Gauntlets, size));
        assert!(s.contains("Missed questions come back in"), "{s}");
        assert!(!s.contains('`'), "{s}");
        // Help during a gauntlet: as tall as its list, and it says the
        // clock keeps running.
        let mut a = app(Start::Gauntlet("gauntlet1".into()), size);
        keys(&mut a, "?");
        let s = screen(&a);
        assert!(s.contains("clock keeps running"), "{s}");
        let rows = s.lines().filter(|l| l.contains('║')).count();
        let keys_listed = s.lines().filter(|l| l.contains("║   ")).count();
        assert!(rows <= keys_listed + 12, "a mostly empty box:\n{s}");
        assert_snapshot!(format!("gauntlet_help_{}x{}", size.0, size.1), s);
    }
}

#[test]
fn a_long_message_is_cut_at_a_word() {
    let mut a = playground("quorum", None, (80, 24));
    keys(&mut a, "s");
    let s = screen(&a);
    let last = s.lines().last().unwrap().trim();
    let full = "sloppy quorum on, but it does nothing yet: N=3 is the whole cluster, so there is no node outside the home replicas to stand in.";
    let cut = last.strip_suffix('…').expect("cut with …");
    assert!(full.starts_with(cut), "{last}");
    assert!(
        full[cut.len()..].starts_with([' ', ',']),
        "cut mid-word: {last}"
    );
}
