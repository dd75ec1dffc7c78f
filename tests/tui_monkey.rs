//! A monkey at the keyboard: random keys, resizes, clicks, wheel turns and
//! ticks fed to `App`, drawing along the way, sometimes at a size that is not
//! the last Resize event's (a real terminal can shrink between the event
//! and the draw). Nothing may panic.
//!
//! STATEDIST_MONKEY=N multiplies the default lengths (90,000 events in all)
//! by N, for a longer run: `STATEDIST_MONKEY=3 cargo test --release --test tui_monkey`.

use std::time::Duration;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use statedist::scenario;
use statedist::tui::keymap::ScreenKind;
use statedist::tui::{Action, App, Options, Start};

const KEYS: &str =
    "?q \t.+-=_123456789cpHwrRaAtTjkhlgGxyz0!@#$%^&*()[]{};:'\",<>/\\|`~eEnNmMsSdDfFbB";

fn random_event(rng: &mut ChaCha8Rng, w: u16, h: u16) -> Event {
    match rng.random_range(0..100u32) {
        0..=69 => {
            let chars: Vec<char> = KEYS.chars().collect();
            let c = chars[rng.random_range(0..chars.len())];
            Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
        }
        70..=84 => {
            let codes = [
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Left,
                KeyCode::Right,
                KeyCode::PageUp,
                KeyCode::PageDown,
                KeyCode::Home,
                KeyCode::End,
                KeyCode::Enter,
                KeyCode::Tab,
                KeyCode::BackTab,
                KeyCode::Backspace,
                KeyCode::Esc,
                KeyCode::Esc,
                KeyCode::Delete,
                KeyCode::Insert,
                KeyCode::F(rng.random_range(1..13u8)),
                KeyCode::Null,
            ];
            let mods = [
                KeyModifiers::NONE,
                KeyModifiers::SHIFT,
                KeyModifiers::CONTROL,
                KeyModifiers::ALT,
            ];
            Event::Key(KeyEvent::new(
                codes[rng.random_range(0..codes.len())],
                mods[rng.random_range(0..mods.len())],
            ))
        }
        85..=89 => Event::Key(KeyEvent::new(
            KeyCode::Char(['d', 'u', 'f', 'b', 'z', 'x'][rng.random_range(0..6usize)]),
            KeyModifiers::CONTROL,
        )),
        90..=95 => {
            let kinds = [
                MouseEventKind::Down(MouseButton::Left),
                MouseEventKind::ScrollDown,
                MouseEventKind::ScrollUp,
                MouseEventKind::Moved,
                MouseEventKind::Down(MouseButton::Right),
            ];
            Event::Mouse(MouseEvent {
                kind: kinds[rng.random_range(0..kinds.len())],
                column: rng.random_range(0..w.saturating_add(5)),
                row: rng.random_range(0..h.saturating_add(5)),
                modifiers: KeyModifiers::NONE,
            })
        }
        _ => {
            // Mostly usable sizes, sometimes tiny or huge.
            let (w, h) = match rng.random_range(0..10u32) {
                0 => (rng.random_range(0..20u16), rng.random_range(0..8u16)),
                1 => (rng.random_range(200..400u16), rng.random_range(60..120u16)),
                _ => (rng.random_range(70..180u16), rng.random_range(20..60u16)),
            };
            Event::Resize(w, h)
        }
    }
}

/// What the monkey saw, so the test knows it went everywhere.
#[derive(Default, Debug)]
struct Seen {
    lesson: usize,
    help: usize,
    live_events: u64,
    too_small: usize,
    quiz: usize,
}

/// How many events: `base` times STATEDIST_MONKEY (default 1).
fn length(base: usize) -> usize {
    let n = std::env::var("STATEDIST_MONKEY")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1);
    base * n.max(1)
}

/// The size a draw happens at: mostly the last Resize's, sometimes another
/// one, smaller or larger, down to 1×1.
fn draw_size(rng: &mut ChaCha8Rng, size: (u16, u16)) -> (u16, u16) {
    match rng.random_range(0..6u32) {
        0 => (
            rng.random_range(1..=size.0.max(1)),
            rng.random_range(1..=size.1.max(1)),
        ),
        1 => (
            size.0.saturating_add(rng.random_range(1..60u16)),
            size.1.saturating_add(rng.random_range(1..30u16)),
        ),
        2 => (1, 1),
        _ => (size.0.max(1), size.1.max(1)),
    }
}

fn monkey(mut app: App, seed: u64, events: usize) -> Seen {
    let events = length(events);
    let mut seen = Seen::default();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut size = (app.size().width, app.size().height);
    for i in 0..events {
        let ev = random_event(&mut rng, size.0, size.1);
        if let Event::Resize(w, h) = ev {
            size = (w, h);
        }
        app.handle_event(&ev);
        if rng.random_range(0..4u32) == 0 {
            app.update(Action::Tick(Duration::from_millis(
                rng.random_range(0..400u64),
            )));
        }
        seen.lesson += usize::from(app.screen_kind() == ScreenKind::Lesson);
        seen.help += usize::from(app.help.is_some());
        seen.quiz += usize::from(app.screen_kind() == ScreenKind::Quiz);
        seen.too_small += usize::from(statedist::tui::layout::too_small(app.size()));
        if let Some(l) = app.live() {
            seen.live_events = seen.live_events.max(l.run().trace().total());
        }
        if app.quit {
            // Keep going: a real session would have ended, the monkey starts over.
            app.quit = false;
        }
        // Draw often enough to exercise every view, not every event (debug
        // builds draw slowly).
        if i % 40 == 0 || matches!(ev, Event::Resize(..)) {
            let (w, h) = draw_size(&mut rng, size);
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| f.render_widget(&app, f.area())).unwrap();
        }
    }
    seen
}

#[test]
fn monkey_on_the_course() {
    let app = App::new(
        Options {
            size: (120, 40),
            ..Options::default()
        },
        Start::Home,
    );
    let seen = monkey(app, 1, 60_000);
    assert!(
        seen.lesson > 1000 && seen.help > 100 && seen.too_small > 100 && seen.live_events > 10,
        "the monkey should read lessons, open help, shrink the terminal and drive clusters: {seen:?}"
    );
}

#[test]
fn monkey_in_the_playground() {
    for (name, nodes, seed) in [("cap-cp", 3, 2u64), ("cap-ap", 5, 3)] {
        let app = App::new(
            Options {
                size: (120, 40),
                color: seed % 2 == 0,
                ..Options::default()
            },
            Start::Playground {
                scenario: scenario::find(name).unwrap(),
                nodes: Some(nodes),
                seed,
                script: Default::default(),
            },
        );
        let seen = monkey(app, seed, 10_000);
        assert!(seen.live_events > 50, "{seen:?}");
    }
}

#[test]
fn monkey_in_the_gauntlets() {
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut app = App::new(
        Options {
            size: (120, 40),
            ..Options::default()
        },
        Start::Home,
    );
    while app.home_entry().is_some_and(|e| e.name != "Gauntlets") {
        app.handle_event(&Event::Key(KeyEvent::new(
            KeyCode::Down,
            KeyModifiers::NONE,
        )));
    }
    app.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    app.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let seen = monkey(app, 4, 20_000);
    assert!(seen.quiz > 300, "{seen:?}");
}
