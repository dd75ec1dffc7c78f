//! The first screen of every real lesson, as a learner opens it at 100×30:
//! the embedded lessons (not fixtures), a fixed seed, no ticks. A change to a
//! lesson's opening shows up here for review, and a diagram or heading that
//! does not fit the reader shows up as a cut or wrapped line.

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use statedist::tui::{App, Options, Start};

const W: u16 = 100;
const H: u16 = 30;

fn app(start: Start) -> App {
    App::new(
        Options {
            color: true,
            content_dir: None,
            size: (W, H),
            ..Options::default()
        },
        start,
    )
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn screen(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(W, H)).unwrap();
    t.draw(|f| f.render_widget(app, f.area())).unwrap();
    t
}

/// Opens the course map's entry named `name`, moving down to it as a
/// learner would.
fn from_the_map(name: &str) -> App {
    let mut a = app(Start::Home);
    for _ in 0..20 {
        if a.home_entry().is_some_and(|e| e.name == name) {
            break;
        }
        key(&mut a, KeyCode::Down);
    }
    assert_eq!(
        a.home_entry().map(|e| e.name.as_str()),
        Some(name),
        "no {name} on the course map"
    );
    key(&mut a, KeyCode::Enter);
    a
}

fn first_screen(a: &App, title: &str) -> Terminal<TestBackend> {
    let t = screen(a);
    let text = t.backend().to_string();
    assert!(
        text.contains(title),
        "expected {title:?} on screen:\n{text}"
    );
    t
}

#[test]
fn lesson_01_cap() {
    let a = app(Start::Block(1));
    assert_snapshot!(first_screen(&a, "CAP theorem in practice").backend());
}

#[test]
fn lesson_02_replication() {
    let a = app(Start::Block(2));
    assert_snapshot!(first_screen(&a, "Replication strategies").backend());
}

#[test]
fn lesson_03_consistency() {
    let a = app(Start::Block(3));
    assert_snapshot!(first_screen(&a, "Consistency models").backend());
}

#[test]
fn lesson_04_conflicts() {
    let a = app(Start::Block(4));
    assert_snapshot!(first_screen(&a, "Conflict resolution").backend());
}

#[test]
fn lesson_05_consensus() {
    let a = app(Start::Block(5));
    assert_snapshot!(first_screen(&a, "Consensus").backend());
}

#[test]
fn lesson_06_crdts() {
    let a = app(Start::Block(6));
    assert_snapshot!(first_screen(&a, "CRDTs").backend());
}

#[test]
fn lesson_07_production() {
    let a = app(Start::Block(7));
    assert_snapshot!(first_screen(&a, "Production readiness").backend());
}

#[test]
fn lesson_08_integration() {
    let a = from_the_map("Integration challenge");
    assert_snapshot!(first_screen(&a, "Integration challenge").backend());
}

#[test]
fn lesson_09_anti_patterns() {
    let a = from_the_map("Anti-patterns");
    assert_snapshot!(first_screen(&a, "Anti-patterns").backend());
}

#[test]
fn lesson_10_takeaways() {
    let a = from_the_map("Takeaways");
    assert_snapshot!(first_screen(&a, "Takeaways").backend());
}
