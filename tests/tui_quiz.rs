//! Gauntlets in the terminal app, driven key by key with a fixture bank and
//! explicit ticks (the run's clock is the sum of the app's ticks).

use std::path::PathBuf;
use std::time::Duration;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use statedist::tui::screens::Screen;
use statedist::tui::{Action, App, Options, Start};

fn app() -> App {
    App::new(
        Options {
            content_dir: Some(
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content"),
            ),
            size: (100, 30),
            ..Options::default()
        },
        Start::Home,
    )
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn text(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size().width, app.size().height)).unwrap();
    t.draw(|f| f.render_widget(app, f.area())).unwrap();
    t.backend().to_string()
}

/// Home → Gauntlets → gauntlet 1.
fn start() -> App {
    let mut a = app();
    while a.home_entry().is_some_and(|e| e.name != "Gauntlets") {
        key(&mut a, KeyCode::Down);
    }
    key(&mut a, KeyCode::Enter);
    assert!(text(&a).contains("Gauntlet 1 · Fixture recall"));
    typed(&mut a, "1");
    assert!(matches!(a.screen(), Screen::Quiz(_)));
    a
}

#[test]
fn a_gauntlet_from_first_question_to_the_recorded_score() {
    let mut a = start();
    assert_snapshot!("gauntlet_first_question", text(&a));
    // Letters the app would otherwise take as commands are typed: q, ?, 1.
    typed(&mut a, "q?1");
    assert!(text(&a).contains("> q?1"), "{}", text(&a));
    assert!(!a.quit);
    for _ in 0..3 {
        key(&mut a, KeyCode::Backspace);
    }
    // An unreadable answer keeps the question.
    typed(&mut a, "lots");
    key(&mut a, KeyCode::Enter);
    let s = text(&a);
    assert!(s.contains("How many nodes"), "{s}");
    for _ in 0..5 {
        key(&mut a, KeyCode::Backspace);
    }
    typed(&mut a, "3");
    a.update(Action::Tick(Duration::from_secs(10)));
    key(&mut a, KeyCode::Enter);
    let s = text(&a);
    assert!(s.contains("previous answer: right"), "{s}");
    assert!(s.contains("2:50 left"), "the clock is the ticks' sum: {s}");
    // Esc asks before leaving; n keeps going.
    key(&mut a, KeyCode::Esc);
    assert!(text(&a).contains("Leave this gauntlet?"));
    typed(&mut a, "n");
    assert!(!text(&a).contains("Leave this gauntlet?"));
    typed(&mut a, "w+r>n");
    key(&mut a, KeyCode::Enter);
    let s = text(&a);
    assert!(s.contains("Finished."), "{s}");
    assert!(s.contains("Score"), "{s}");
    assert_snapshot!("gauntlet_result", s);
    assert_eq!(a.cx.marks.best("gauntlet1"), Some(124));
    key(&mut a, KeyCode::Enter);
    assert!(matches!(a.screen(), Screen::Gauntlets(_)));
    assert!(text(&a).contains("best 124"));
}

#[test]
fn time_up_ends_the_run_and_help_does_not_stop_the_clock() {
    let mut a = start();
    key(&mut a, KeyCode::Char('?'));
    assert!(text(&a).contains("Keys: gauntlet"), "{}", text(&a));
    // q in help does not leave a running gauntlet without asking.
    key(&mut a, KeyCode::Char('q'));
    assert!(!a.quit);
    assert!(text(&a).contains("Leave this gauntlet?"));
    key(&mut a, KeyCode::Char('n'));
    key(&mut a, KeyCode::Char('?'));
    a.update(Action::Tick(Duration::from_secs(200)));
    key(&mut a, KeyCode::Esc);
    let s = text(&a);
    assert!(s.contains("Time is up."), "{s}");
    assert!(s.contains("unanswered 2"), "{s}");
}

#[test]
fn leaving_is_recorded_as_abandoned_and_ctrl_c_asks_first() {
    let mut a = start();
    a.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(!a.quit, "a running gauntlet asks before quitting");
    assert!(text(&a).contains("Leave this gauntlet?"));
    typed(&mut a, "y");
    let s = text(&a);
    assert!(s.contains("recorded as abandoned"), "{s}");
    typed(&mut a, "q");
    assert!(a.quit);
}

/// A long option wraps with a hanging indent under its own text, not under
/// the "b)" marker (the real gauntlet 2 has one at 100 columns).
#[test]
fn long_options_hang_under_their_text() {
    let a = App::new(
        Options {
            size: (100, 30),
            ..Options::default()
        },
        Start::Gauntlet("gauntlet2".into()),
    );
    let screen = text(&a);
    let lines: Vec<&str> = screen.lines().collect();
    let b = lines
        .iter()
        .position(|l| l.contains("b) No: W + R = 5"))
        .expect("option b on screen");
    let text_col = lines[b][..lines[b].find("No:").unwrap()].chars().count();
    let next_col = lines[b + 1]
        .chars()
        .position(|c| !" │\"".contains(c))
        .unwrap();
    assert_eq!(next_col, text_col, "continuation line: {:?}", lines[b + 1]);
}
