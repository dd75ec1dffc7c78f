//! Snapshots of the terminal app's screens: ratatui's `TestBackend` at a
//! fixed size, a fixed seed, fixture lessons, and actions fed to `App` as a
//! learner's keys would be. Ticks are explicit, so every frame is exact.

use std::path::PathBuf;
use std::time::Duration;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use statedist::scenario;
use statedist::tui::{Action, App, Options, Start};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content")
}

fn app(start: Start, w: u16, h: u16, color: bool) -> App {
    App::new(
        Options {
            color,
            content_dir: Some(fixtures()),
            size: (w, h),
            ..Options::default()
        },
        start,
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

fn screen(app: &App) -> Terminal<TestBackend> {
    let size = app.size();
    let mut t = Terminal::new(TestBackend::new(size.width.max(1), size.height.max(1))).unwrap();
    t.draw(|f| f.render_widget(app, f.area())).unwrap();
    t
}

fn text(app: &App) -> String {
    screen(app).backend().to_string()
}

fn ticks(app: &mut App, n: usize, ms: u64) {
    for _ in 0..n {
        app.update(Action::Tick(Duration::from_millis(ms)));
    }
}

#[test]
fn home_map() {
    let a = app(Start::Home, 100, 30, true);
    assert_snapshot!(screen(&a).backend());
}

#[test]
fn lesson_with_live_cluster() {
    let mut a = app(Start::Home, 140, 40, true);
    key(&mut a, KeyCode::Enter);
    assert_snapshot!("lesson_top", screen(&a).backend());
    // The model answer on screen opens with `a`.
    keys(&mut a, "a");
    assert_snapshot!("lesson_answer_revealed", screen(&a).backend());
}

#[test]
fn lesson_narrow_layout_stacks_the_cluster_under_the_text() {
    let mut a = app(Start::Block(1), 80, 24, true);
    keys(&mut a, "2p");
    assert_snapshot!(screen(&a).backend());
}

fn playground() -> App {
    let info = scenario::find("cap-cp").unwrap();
    app(
        Start::Playground {
            scenario: info,
            nodes: None,
            seed: 7,
            script: Default::default(),
        },
        120,
        40,
        true,
    )
}

#[test]
fn playground_before_and_after_a_partition() {
    let mut a = playground();
    assert_snapshot!("playground_before", screen(&a).backend());
    // Select node 1, move it to side B, write through it, let 40 ms of
    // virtual time pass (0.1x: 400 ms of ticks).
    keys(&mut a, "1pw");
    ticks(&mut a, 4, 100);
    let s = text(&a);
    assert!(s.contains("n1 side B"), "{s}");
    assert_eq!(
        s.matches('╳').count(),
        3,
        "two cut links and the legend: {s}"
    );
    assert_snapshot!("playground_after_partition", screen(&a).backend());
    // The write through the minority fails after the deadline.
    ticks(&mut a, 70, 100);
    let s = text(&a);
    assert!(s.contains("FAILED"), "{s}");
    keys(&mut a, "H");
    let s = text(&a);
    assert!(s.contains("n1 side A"), "{s}");
    assert_eq!(s.matches('╳').count(), 1, "only the legend's: {s}");
    // A write through the healed majority: messages glide along the links.
    keys(&mut a, "2w");
    ticks(&mut a, 1, 100);
    let s = text(&a);
    assert!(s.contains('●'), "messages in flight: {s}");
    assert_snapshot!("playground_messages_in_flight", screen(&a).backend());
}

#[test]
fn help_lists_every_key_of_the_screen() {
    let mut a = playground();
    keys(&mut a, "?");
    let s = text(&a);
    for needle in [
        "Space",
        "pause",
        "one event",
        "faster",
        "slower",
        "1-9",
        "crash",
        "next partition side",
        "heal",
        "write",
        "read",
        "reset",
        "Tab",
        "Esc",
        "quit",
    ] {
        assert!(s.contains(needle), "help lacks {needle:?}:\n{s}");
    }
    assert_snapshot!(screen(&a).backend());
    key(&mut a, KeyCode::Esc);
    assert!(!text(&a).contains("Keys: playground"));
}

#[test]
fn too_small_says_how_big() {
    let mut a = playground();
    a.update(Action::Resize(50, 10));
    let s = text(&a);
    assert!(s.contains("at least 80×24"), "{s}");
    a.update(Action::Resize(1, 1));
    let _ = text(&a);
    a.update(Action::Resize(0, 0));
    let _ = text(&a);
}

#[test]
fn no_color_draws_no_colour() {
    let mut a = app(Start::Block(1), 140, 40, false);
    keys(&mut a, "1pwww");
    ticks(&mut a, 5, 100);
    for screen_keys in ["", "?"] {
        keys(&mut a, screen_keys);
        let t = screen(&a);
        for cell in t.backend().buffer().content() {
            assert_eq!(cell.fg, Color::Reset, "{cell:?}");
            assert_eq!(cell.bg, Color::Reset, "{cell:?}");
        }
    }
    // Sides still read without colour: by letter.
    assert!(text(&a).contains("side B"));
}

#[test]
fn playground_same_keys_same_screen() {
    let run = || {
        let mut a = playground();
        keys(&mut a, "2pww3cr");
        ticks(&mut a, 30, 100);
        keys(&mut a, ".");
        text(&a)
    };
    assert_eq!(run(), run());
}

/// The real block 1 lesson (long enough to scroll).
fn real(start: Start, w: u16, h: u16) -> App {
    App::new(
        Options {
            size: (w, h),
            ..Options::default()
        },
        start,
    )
}

#[test]
fn try_it_key_switches_the_scenario() {
    let mut a = real(Start::Block(1), 140, 40);
    assert!(text(&a).contains("Cluster cap-cp"));
    keys(&mut a, "G");
    keys(&mut a, "t");
    let s = text(&a);
    assert!(s.contains("Cluster cap-ap"), "{s}");
}

#[test]
fn reading_position_is_kept_per_lesson_and_across_resizes() {
    let mut a = real(Start::Block(1), 140, 40);
    keys(&mut a, "jjjjjjjjjj");
    let before = a.lesson().unwrap().top;
    assert_eq!(before, 10);
    let src = a.lesson().unwrap().doc.src[before];
    a.update(Action::Resize(200, 60));
    let r = a.lesson().unwrap();
    assert!(
        r.doc.src[r.top] >= src && r.top > 0,
        "kept the place after re-wrapping"
    );
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Enter);
    let r = a.lesson().unwrap();
    assert!(
        r.doc.src[r.top] >= src && r.top > 0,
        "kept the place after leaving"
    );
}

#[test]
fn mouse_click_selects_a_node_and_wheel_scrolls() {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut a = playground();
    let s = text(&a);
    // Find n3's box title on screen and click it.
    let (row, col) = s
        .lines()
        .enumerate()
        .find_map(|(r, l)| l.find("n3 side").map(|c| (r, l[..c].chars().count())))
        .expect("n3 on screen");
    let click = |kind, col, row| {
        Event::Mouse(MouseEvent {
            kind,
            column: col as u16,
            row: row as u16,
            modifiers: KeyModifiers::NONE,
        })
    };
    a.handle_event(&click(
        MouseEventKind::Down(MouseButton::Left),
        col,
        row + 1,
    ));
    assert!(text(&a).contains("▶n3 side"), "{}", text(&a));

    let mut b = real(Start::Block(1), 140, 40);
    b.handle_event(&click(MouseEventKind::ScrollDown, 10, 10));
    assert_eq!(b.lesson().unwrap().top, 3);
}

#[test]
fn broken_lessons_are_reported_on_the_map_with_file_and_line() {
    let dir = std::env::temp_dir().join(format!("statedist-broken-{}", std::process::id()));
    let lessons = dir.join("lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    std::fs::write(lessons.join("01-x.md"), "+++\nid = \"x\"\ntitle = x\n+++\n").unwrap();
    let a = App::new(
        Options {
            content_dir: Some(dir.clone()),
            size: (120, 30),
            ..Options::default()
        },
        Start::Home,
    );
    let s = text(&a);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(s.contains("could not be read"), "{s}");
    assert!(s.contains("01-x.md:3:"), "{s}");
}

#[test]
fn real_block_one_lesson_renders_with_its_cluster() {
    let mut a = App::new(
        Options {
            size: (160, 50),
            ..Options::default()
        },
        Start::Block(1),
    );
    let s = text(&a);
    assert!(s.contains("CAP theorem in practice"), "{s}");
    assert!(s.contains("Cluster cap-cp"), "{s}");
    keys(&mut a, "G");
    let s = text(&a);
    assert!(s.contains("Model answer"), "{s}");
}

#[test]
fn section_keys_jump_between_headings_and_answers_open_in_order() {
    let mut a = real(Start::Block(1), 140, 40);
    keys(&mut a, "]");
    let first = a.lesson().unwrap().top;
    assert!(first > 0);
    keys(&mut a, "]");
    assert!(a.lesson().unwrap().top > first);
    keys(&mut a, "[[");
    assert_eq!(a.lesson().unwrap().top, 0);
    // At the end, several answers are on screen: `a` opens them one by one.
    keys(&mut a, "G");
    let hidden = |a: &App| {
        a.lesson()
            .unwrap()
            .doc
            .answers
            .iter()
            .filter(|x| !x.2)
            .count()
    };
    let before = hidden(&a);
    keys(&mut a, "a");
    assert_eq!(hidden(&a), before - 1);
    keys(&mut a, "G");
    keys(&mut a, "a");
    assert_eq!(hidden(&a), before - 2);
}

#[test]
fn scenario_settings_have_keys_that_help_lists() {
    let info = scenario::find("leader-follower").expect("a scenario with a setting");
    let mut a = app(
        Start::Playground {
            scenario: info,
            nodes: None,
            seed: 1,
            script: Default::default(),
        },
        140,
        45,
        true,
    );
    let live = a.live().unwrap();
    let knob = live
        .knobs
        .first()
        .expect("leader-follower has a mode")
        .clone();
    keys(&mut a, &knob.key.to_string());
    let now = a.live().unwrap().knobs[0].value.clone();
    assert_ne!(now, knob.value, "the key cycles the setting");
    let s = text(&a);
    // The status line says what the protocol made of it, in its words.
    let said = s.lines().last().unwrap_or_default();
    assert!(said.contains(&now), "{s}");
    assert!(
        s.contains("Inside the nodes"),
        "the scenario's panes are drawn: {s}"
    );
    keys(&mut a, "?");
    let s = text(&a);
    assert!(s.contains("This scenario's settings"), "{s}");
    assert!(s.contains(&format!("{} = {now}", knob.name)), "{s}");
}
