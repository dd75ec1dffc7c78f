//! Frame cost of the terminal app. Budgets: a frame well under 1 ms at
//! 200×60 on the busiest screen, and the first frame under 50 ms from start.
//!
//! `cargo bench --bench render`; the time from process start to the first
//! frame in a real terminal: `cargo build --release && benches/first-frame.sh`.

use std::hint::black_box;
use std::time::Duration;

use divan::Bencher;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use statedist::scenario;
use statedist::tui::{Action, App, Options, Start};

fn main() {
    divan::main();
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

/// The busiest screen: a 5-node AP cluster split three ways, writes on
/// every side, messages in flight, a long event log, at 200×60.
fn busiest() -> App {
    let mut app = App::new(
        Options {
            size: (200, 60),
            ..Options::default()
        },
        Start::Playground {
            scenario: scenario::find("cap-ap").unwrap(),
            nodes: Some(5),
            seed: 1,
            script: Default::default(),
        },
    );
    keys(&mut app, "++++++");
    for _ in 0..40 {
        keys(&mut app, "1w2w3w4w5w");
        app.update(Action::Tick(Duration::from_millis(7)));
    }
    keys(&mut app, "2p3pp1w2w3w4w5w");
    app.update(Action::Tick(Duration::from_millis(1)));
    let live = app.live().unwrap();
    assert!(live.view.in_flight.len() >= 4, "messages in flight");
    assert!(live.run().trace().total() > 500, "a long log");
    app
}

/// The lesson screen with its cluster, mid-lesson.
fn lesson() -> App {
    let mut app = App::new(
        Options {
            size: (200, 60),
            ..Options::default()
        },
        Start::Block(1),
    );
    keys(&mut app, "jjjjjjjjjjjjjjjjjjjj1pw2w");
    app.update(Action::Tick(Duration::from_millis(100)));
    app
}

#[divan::bench]
fn render_busiest_playground_200x60(b: Bencher) {
    let app = busiest();
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    b.bench_local(|| {
        buf.reset();
        (&app).render(area, &mut buf);
        black_box(&buf);
    });
}

#[divan::bench]
fn render_lesson_200x60(b: Bencher) {
    let app = lesson();
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    b.bench_local(|| {
        buf.reset();
        (&app).render(area, &mut buf);
        black_box(&buf);
    });
}

/// Drawing through ratatui's terminal (buffer swap and diff) as the loop does.
#[divan::bench]
fn draw_busiest_through_terminal_200x60(b: Bencher) {
    let app = busiest();
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    b.bench_local(|| {
        t.draw(|f| f.render_widget(&app, f.area())).unwrap();
    });
}

/// One 33 ms frame of a running cluster: the simulation work per tick.
#[divan::bench]
fn tick_busiest(b: Bencher) {
    let mut app = busiest();
    b.bench_local(|| {
        app.update(Action::Tick(Duration::from_millis(33)));
    });
}

/// Start-up inside the process: load the lessons, open block 1 (wrap the
/// lesson, start its cluster) and draw the first frame.
#[divan::bench]
fn first_frame_block_one(b: Bencher) {
    let area = Rect::new(0, 0, 200, 60);
    b.bench_local(|| {
        let app = App::new(
            Options {
                size: (200, 60),
                ..Options::default()
            },
            Start::Block(1),
        );
        let mut buf = Buffer::empty(area);
        (&app).render(area, &mut buf);
        black_box(buf);
    });
}

/// 1000 nodes split 600 / 300 / 100 (the big-partition demo at 3 s): the
/// grouped canvas, the Failover pane over 1000 rows, the checkers.
fn thousand() -> App {
    let d = statedist::scenario::demos::find("big-partition").unwrap();
    let mut app = App::new(
        Options {
            size: (200, 60),
            ..Options::default()
        },
        Start::Playground {
            scenario: scenario::find(d.scenario).unwrap(),
            nodes: d.nodes,
            seed: 1,
            script: statedist::sim::script::Script::parse(&d.full_script()).unwrap(),
        },
    );
    keys(&mut app, "++++++");
    while app.live().unwrap().now() < 3000 {
        app.update(Action::Tick(Duration::from_millis(100)));
    }
    app
}

#[divan::bench(sample_count = 20)]
fn render_1000_nodes_200x60(b: Bencher) {
    let app = thousand();
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    b.bench_local(|| {
        buf.reset();
        (&app).render(area, &mut buf);
        black_box(&buf);
    });
}

/// One 33 ms frame of the 1000-node cluster at 1x: 33 ms of simulation
/// (heartbeats to 999 standbys every 100 ms, pre-votes on the minority
/// sides) and the refresh of view, panes and checkers.
#[divan::bench(sample_count = 20)]
fn tick_1000_nodes_1x(b: Bencher) {
    let mut app = thousand();
    keys(&mut app, "-----");
    b.bench_local(|| {
        app.update(Action::Tick(Duration::from_millis(33)));
    });
}
