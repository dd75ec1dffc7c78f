//! The reading position of each lesson is kept in the progress file: leaving
//! a lesson (Esc, another lesson, quitting) saves it, and a new app over the
//! same store opens the lesson where the learner left it, at any width.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use statedist::app::marks::Marks;
use statedist::progress::{self, Progress, Timestamp};
use statedist::tui::{App, Options, Start};

fn t0() -> Timestamp {
    Timestamp::parse("2025-06-01T12:00:00Z").unwrap()
}

/// The real block 1 lesson (long enough to scroll).
fn app(marks: Marks, w: u16, h: u16) -> App {
    App::new(
        Options {
            size: (w, h),
            marks,
            ..Options::default()
        },
        Start::Block(1),
    )
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn down(app: &mut App, n: usize) {
    for _ in 0..n {
        key(app, KeyCode::Char('j'));
    }
}

/// The source offset of the block at the top of the reader.
fn top_src(app: &App) -> usize {
    let r = app.lesson().expect("a lesson is open");
    r.doc.src[r.top]
}

fn lesson_id(app: &App) -> String {
    app.lesson_id().expect("a lesson is open").to_string()
}

#[test]
fn a_new_app_over_the_same_store_reopens_where_the_learner_left() {
    let mut a = app(Marks::in_memory(Progress::new()).with_clock(t0()), 140, 40);
    down(&mut a, 25);
    let src = top_src(&a);
    assert!(src > 0);
    key(&mut a, KeyCode::Esc);
    let marks = std::mem::take(&mut a.cx.marks);
    drop(a);

    // Another session, in a narrower terminal: same block, not the same line.
    let b = app(marks, 100, 30);
    let r = b.lesson().unwrap();
    assert!(r.top > 0, "opened at the top");
    assert_eq!(top_src(&b), src, "opened at the block left");
}

#[test]
fn nothing_is_saved_while_scrolling_only_when_leaving() {
    let mut a = app(Marks::in_memory(Progress::new()).with_clock(t0()), 140, 40);
    let id = lesson_id(&a);
    down(&mut a, 25);
    assert_eq!(a.cx.marks.position(&id), None, "saved on a scroll event");
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.cx.marks.position(&id), Some(top_src_after_reopen(&mut a)));
}

/// Reopens the lesson from the map and returns its top block's offset.
fn top_src_after_reopen(a: &mut App) -> usize {
    key(a, KeyCode::Enter);
    top_src(a)
}

#[test]
fn quitting_saves_the_position_to_the_progress_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(Marks::open(Some(dir.path())).with_clock(t0()), 140, 40);
    let id = lesson_id(&a);
    down(&mut a, 25);
    let src = top_src(&a);
    key(&mut a, KeyCode::Char('q'));
    assert!(a.quit);
    // What the terminal loop does after the last key (or a signal).
    a.shutdown();
    drop(a);

    let (p, notice) = progress::load(dir.path()).unwrap();
    assert!(notice.is_none());
    assert_eq!(p.schema, 1);
    assert_eq!(p.position(&id), Some(src as u64));

    let b = app(Marks::open(Some(dir.path())).with_clock(t0()), 90, 30);
    assert!(b.lesson().unwrap().top > 0);
    assert_eq!(top_src(&b), src);
}

#[test]
fn scrolling_back_to_the_top_is_saved_too() {
    let mut a = app(Marks::in_memory(Progress::new()).with_clock(t0()), 140, 40);
    down(&mut a, 25);
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Enter);
    assert!(a.lesson().unwrap().top > 0);
    key(&mut a, KeyCode::Char('g'));
    key(&mut a, KeyCode::Esc);
    let b = app(std::mem::take(&mut a.cx.marks), 140, 40);
    assert_eq!(b.lesson().unwrap().top, 0);
}

#[test]
fn of_two_running_copies_the_newer_position_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let t1 = t0();
    let t2 = t0().plus_secs(60);
    // Both copies open the lesson; the one with the later clock leaves first.
    let mut old = app(Marks::open(Some(dir.path())).with_clock(t1), 140, 40);
    let mut new = app(Marks::open(Some(dir.path())).with_clock(t2), 140, 40);
    let id = lesson_id(&new);
    down(&mut new, 40);
    down(&mut old, 10);
    let newer = top_src(&new);
    assert_ne!(newer, top_src(&old));
    key(&mut new, KeyCode::Esc);
    key(&mut old, KeyCode::Esc);
    let (p, _) = progress::load(dir.path()).unwrap();
    assert_eq!(p.position(&id), Some(newer as u64));

    // And a later leave replaces it.
    let mut later = app(
        Marks::open(Some(dir.path())).with_clock(t2.plus_secs(1)),
        140,
        40,
    );
    assert_eq!(top_src(&later), newer, "opened where the newer copy left");
    key(&mut later, KeyCode::Char('g'));
    key(&mut later, KeyCode::Esc);
    let (p, _) = progress::load(dir.path()).unwrap();
    assert_eq!(p.position(&id), Some(0));
}

#[test]
fn a_progress_file_without_positions_loads_and_gains_one() {
    let dir = tempfile::tempdir().unwrap();
    // As written before positions were saved.
    std::fs::write(
        dir.path().join(progress::FILE_NAME),
        "schema = 1\n\n[lessons.cap]\nvisited = \"2025-01-02T03:04:05Z\"\nlast_visit = \"2025-01-02T03:04:05Z\"\n",
    )
    .unwrap();
    let (p, notice) = progress::load(dir.path()).unwrap();
    assert!(notice.is_none());
    assert!(p.lessons["cap"].visited.is_some());
    assert_eq!(p.position("cap"), None);

    let mut a = app(Marks::open(Some(dir.path())).with_clock(t0()), 140, 40);
    assert!(a.cx.flash.is_none(), "{:?}", a.cx.flash);
    let id = lesson_id(&a);
    assert_eq!(a.lesson().unwrap().top, 0);
    down(&mut a, 25);
    key(&mut a, KeyCode::Esc);
    let (p, _) = progress::load(dir.path()).unwrap();
    assert!(p.position(&id).is_some_and(|o| o > 0));
    assert!(p.lessons["cap"].visited.is_some(), "kept the older marks");
}
