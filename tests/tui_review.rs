//! Spaced review in the terminal app, driven key by key with the fixture
//! banks, a stopped clock and progress prepared in memory (or in a
//! temporary data directory, to check what reaches the progress file).

use std::path::PathBuf;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use statedist::app::marks::Marks;
use statedist::progress::{self, Progress, Timestamp};
use statedist::quiz::Verdict;
use statedist::tui::screens::Screen;
use statedist::tui::{App, Options, Start};

const DAY: i64 = 86_400;

fn t0() -> Timestamp {
    Timestamp::parse("2025-06-01T12:00:00Z").unwrap()
}

/// Three items due at `t0`, most overdue first: a choice question, then two
/// the learner missed in a gauntlet.
fn due_three() -> Progress {
    let mut p = Progress::new();
    p.record_review(
        "block1.during-partition",
        Verdict::Right,
        t0().plus_secs(-3 * DAY),
    );
    p.record_review("gauntlet1.majority", Verdict::Wrong, t0().plus_secs(-3600));
    p.record_review("gauntlet1.formula", Verdict::Wrong, t0().plus_secs(-1800));
    p
}

fn app_with(marks: Marks, start: Start) -> App {
    App::new(
        Options {
            content_dir: Some(
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content"),
            ),
            size: (100, 30),
            marks,
            ..Options::default()
        },
        start,
    )
}

fn app(p: Progress, start: Start) -> App {
    app_with(Marks::in_memory(p).with_clock(t0()), start)
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

/// The course map's Review entry, selected.
fn to_review_entry(a: &mut App) {
    while a.home_entry().is_some_and(|e| e.name != "Review") {
        key(a, KeyCode::Down);
    }
}

#[test]
fn a_review_session_from_the_course_map_to_its_summary() {
    let mut a = app(due_three(), Start::Home);
    let s = text(&a);
    assert!(s.contains("Review · 3 due"), "{s}");
    to_review_entry(&mut a);
    let s = text(&a);
    assert!(s.contains("3 questions are due now."), "{s}");
    key(&mut a, KeyCode::Enter);
    assert!(matches!(a.screen(), Screen::Review(_)));
    // The most overdue first: the choice question, answered by letter.
    typed(&mut a, "a");
    assert_snapshot!("review_question", text(&a));
    key(&mut a, KeyCode::Enter);
    let s = text(&a);
    assert!(s.contains("✗ wrong"), "{s}");
    assert!(s.contains("Answer: b) Consistency or availability"), "{s}");
    assert!(s.contains("Saved. It comes back in 10 min"), "{s}");
    assert_snapshot!("review_answered", s);
    // ? lists this phase's keys.
    typed(&mut a, "?");
    let s = text(&a);
    assert!(s.contains("Keys: review"), "{s}");
    assert!(s.contains("next question"), "{s}");
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Enter);
    // A typed answer; q and ? are typed too, not commands.
    typed(&mut a, "q?");
    assert!(text(&a).contains("> q?"), "{}", text(&a));
    assert!(!a.quit);
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Backspace);
    typed(&mut a, "three");
    key(&mut a, KeyCode::Enter);
    let s = text(&a);
    assert!(
        s.contains("is not a number"),
        "unreadable keeps the question: {s}"
    );
    for _ in 0..5 {
        key(&mut a, KeyCode::Backspace);
    }
    typed(&mut a, "3");
    key(&mut a, KeyCode::Enter);
    let s = text(&a);
    assert!(s.contains("✓ right"), "{s}");
    assert!(s.contains("It comes back in 1 day"), "{s}");
    assert!(s.contains("Enter the summary") || s.contains("Enter next question"));
    key(&mut a, KeyCode::Enter);
    // The last one is skipped: it stays due.
    key(&mut a, KeyCode::Tab);
    let s = text(&a);
    assert!(s.contains("2 reviewed, 1 right; 1 still due"), "{s}");
    assert_snapshot!("review_summary", s);
    // Back on the map, the count is what is left.
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.screen(), Screen::Home(_)));
    assert!(text(&a).contains("Review · 1 due"), "{}", text(&a));
    assert!(!a.quit);
}

#[test]
fn nothing_due_says_when_the_next_one_is_and_how_to_get_some() {
    let mut p = Progress::new();
    p.record_review("gauntlet1.majority", Verdict::Right, t0().plus_secs(-3600));
    let mut a = app(p, Start::Home);
    assert!(text(&a).contains("Review · next in 23 h"), "{}", text(&a));
    to_review_entry(&mut a);
    key(&mut a, KeyCode::Enter);
    let s = text(&a);
    assert!(
        s.contains("The next question comes back in 23 h (2025-06-02 11:00 UTC)."),
        "{s}"
    );
    assert_snapshot!("review_nothing_due", s);
    // With no schedule at all: take a gauntlet, and Enter opens them.
    let mut a = app(Progress::new(), Start::Review);
    let s = text(&a);
    assert!(s.contains("Nothing to review yet"), "{s}");
    assert!(s.contains("Enter pick a gauntlet"), "{s}");
    key(&mut a, KeyCode::Enter);
    assert!(matches!(a.screen(), Screen::Gauntlets(_)));
    // The gauntlets took the review's place: Esc there leaves, as it
    // does for `statedist gauntlet`, and the hint bar says so.
    assert!(text(&a).contains("Esc leave"), "{}", text(&a));
    key(&mut a, KeyCode::Esc);
    assert!(a.quit);
}

#[test]
fn answering_reschedules_the_item_in_the_progress_file() {
    let dir = tempfile::tempdir().unwrap();
    progress::update(dir.path(), |p| {
        p.record_review("gauntlet1.majority", Verdict::Wrong, t0().plus_secs(-3600));
        p.record_review("gauntlet1.formula", Verdict::Wrong, t0().plus_secs(-600));
    })
    .unwrap();
    let marks = Marks::open(Some(dir.path())).with_clock(t0());
    assert!(marks.saved());
    let mut a = app_with(marks, Start::Review);
    typed(&mut a, "3");
    key(&mut a, KeyCode::Enter);
    // Saved before the next key: quitting now loses nothing.
    let (p, _) = progress::load(dir.path()).unwrap();
    let s = &p.review["gauntlet1.majority"];
    assert_eq!(s.last, t0());
    assert_eq!(s.last_result, Verdict::Right);
    assert_eq!(s.reps, 1);
    assert_eq!(s.due, t0().plus_secs(DAY));
    // The other is untouched until it is answered.
    assert_eq!(p.review["gauntlet1.formula"].last, t0().plus_secs(-600));
    key(&mut a, KeyCode::Enter);
    typed(&mut a, "w + r > n");
    key(&mut a, KeyCode::Enter);
    let (p, _) = progress::load(dir.path()).unwrap();
    assert_eq!(p.review["gauntlet1.formula"].last, t0());
    assert_eq!(p.review["gauntlet1.formula"].due, t0().plus_secs(DAY));
    assert!(p.due(t0()).is_empty());
    key(&mut a, KeyCode::Enter);
    assert!(text(&a).contains("2 reviewed, 2 right; next due in 1 day"));
}

#[test]
fn started_for_a_review_esc_ends_the_session_then_leaves() {
    let mut a = app(due_three(), Start::Review);
    // Esc mid-review: the summary, not the shell.
    key(&mut a, KeyCode::Esc);
    assert!(!a.quit);
    let s = text(&a);
    assert!(s.contains("0 reviewed, 0 right; 3 still due"), "{s}");
    assert!(s.contains("Enter or Esc leaves statedist"), "{s}");
    typed(&mut a, "?");
    assert!(text(&a).contains("leave statedist (it was started for this review)"));
    key(&mut a, KeyCode::Esc);
    assert!(!a.quit, "Esc closes the help first");
    key(&mut a, KeyCode::Esc);
    assert!(a.quit);
}

#[test]
fn started_for_one_gauntlet_its_clock_runs_at_once_and_esc_leaves_after_the_result() {
    let mut a = app(Progress::new(), Start::Gauntlet("gauntlet1".into()));
    assert!(matches!(a.screen(), Screen::Quiz(q) if q.quiz.running()));
    typed(&mut a, "3");
    key(&mut a, KeyCode::Enter);
    // Esc while it runs asks first, as from the course.
    key(&mut a, KeyCode::Esc);
    assert!(text(&a).contains("Leave this gauntlet?"));
    typed(&mut a, "n");
    typed(&mut a, "W+R>N");
    key(&mut a, KeyCode::Enter);
    let s = text(&a);
    assert!(s.contains("Finished."), "{s}");
    assert!(s.contains("Enter or Esc leaves statedist"), "{s}");
    typed(&mut a, "?");
    assert!(text(&a).contains("leave statedist (it was started for this gauntlet)"));
    key(&mut a, KeyCode::Esc);
    assert!(!a.quit);
    key(&mut a, KeyCode::Esc);
    assert!(a.quit);
    // Its items now have a review schedule.
    assert!(a.cx.marks.review_state("gauntlet1.majority").is_some());
}

#[test]
fn started_for_the_gauntlets_esc_on_the_list_leaves() {
    let mut a = app(Progress::new(), Start::Gauntlets);
    let s = text(&a);
    assert!(s.contains("Block 1 · Fixture CAP"), "{s}");
    assert!(s.contains("Esc leave"), "{s}");
    typed(&mut a, "1");
    assert!(matches!(a.screen(), Screen::Quiz(_)));
    key(&mut a, KeyCode::Esc);
    typed(&mut a, "y");
    // From the result, back to the list; from the list, out.
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.screen(), Screen::Gauntlets(_)));
    assert!(!a.quit);
    key(&mut a, KeyCode::Esc);
    assert!(a.quit);
}

#[test]
fn an_unknown_quiz_opens_the_list_with_a_message() {
    let a = app(Progress::new(), Start::Gauntlet("gauntlet9".into()));
    assert!(matches!(a.screen(), Screen::Gauntlets(_)));
    assert!(text(&a).contains("There is no quiz \"gauntlet9\""));
}

#[test]
fn random_keys_in_a_review_never_panic_and_never_lose_an_answer() {
    use rand::{RngExt, SeedableRng};
    // Every item of the real course due at once.
    let banks = statedist::content::load_banks(None);
    let mut p = Progress::new();
    for b in &banks.banks {
        for i in &b.items {
            p.record_review(&i.id, Verdict::Wrong, t0().plus_secs(-3600));
        }
    }
    let due = p.due(t0()).len();
    let mut a = App::new(
        Options {
            size: (100, 30),
            marks: Marks::in_memory(p).with_clock(t0()),
            ..Options::default()
        },
        Start::Review,
    );
    let keys: Vec<KeyCode> = "abcd 123?qgjk,[]"
        .chars()
        .map(KeyCode::Char)
        .chain([
            KeyCode::Enter,
            KeyCode::Enter,
            KeyCode::Enter,
            KeyCode::Tab,
            KeyCode::Backspace,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Esc,
        ])
        .collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let mut answered = 0;
    for n in 0..5_000 {
        let code = keys[rng.random_range(0..keys.len())];
        let before = matches!(a.screen(), Screen::Review(r) if r.review.asking());
        key(&mut a, code);
        if let Screen::Review(r) = a.screen()
            && before
            && matches!(r.review.phase, statedist::app::review::Phase::Answered(_))
        {
            answered += 1;
        }
        if a.quit || !matches!(a.screen(), Screen::Review(_)) {
            // A real session would have ended: start another one.
            a.quit = false;
            a.open_review();
        }
        if n % 25 == 0 {
            text(&a);
        }
    }
    assert!(answered > 5, "the monkey should answer some: {answered}");
    // Each answer rescheduled its item: fewer are due now.
    assert_eq!(a.cx.marks.due(t0()).len(), due - answered.min(due));
}

#[test]
fn a_gauntlet_cut_short_by_a_signal_keeps_what_was_answered() {
    let mut a = app(Progress::new(), Start::Gauntlet("gauntlet1".into()));
    a.shutdown();
    assert_eq!(
        a.cx.marks.next_seed("gauntlet1"),
        1,
        "nothing answered, nothing kept"
    );
    typed(&mut a, "3");
    key(&mut a, KeyCode::Enter);
    a.shutdown();
    assert_eq!(
        a.cx.marks.next_seed("gauntlet1"),
        2,
        "the attempt is recorded"
    );
    assert!(a.cx.marks.review_state("gauntlet1.majority").is_some());
    assert!(text(&a).contains("recorded as abandoned"));
}

#[test]
fn without_colour_the_review_draws_no_colour_and_still_reads() {
    use ratatui::style::Color;
    let mut a = App::new(
        Options {
            color: false,
            content_dir: Some(
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content"),
            ),
            size: (100, 30),
            marks: Marks::in_memory(due_three()).with_clock(t0()),
            ..Options::default()
        },
        Start::Review,
    );
    let no_colour = |a: &App| {
        let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
        t.draw(|f| f.render_widget(a, f.area())).unwrap();
        for cell in t.backend().buffer().content() {
            assert_eq!(cell.fg, Color::Reset, "{cell:?}");
            assert_eq!(cell.bg, Color::Reset, "{cell:?}");
        }
    };
    no_colour(&a);
    typed(&mut a, "a");
    key(&mut a, KeyCode::Enter);
    no_colour(&a);
    // The verdict reads by its mark and word, not its colour.
    assert!(text(&a).contains("✗ wrong"));
    key(&mut a, KeyCode::Esc);
    no_colour(&a);
    typed(&mut a, "?");
    no_colour(&a);
}
