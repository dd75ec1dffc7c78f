//! The app's state and `App::update`, the only place it changes.

use std::collections::BTreeSet;
use std::path::PathBuf;

use ratatui::crossterm::event::{Event, KeyEventKind, MouseButton, MouseEventKind};
use ratatui::layout::Rect;

use super::keymap::{self, Action, KeyCtx, QuizPhase, ReviewPhase, ScreenKind};
use super::layout;
use super::markdown::{self, Doc};
use super::theme::Theme;
use super::views::cluster;
use crate::app::live::Live;
use crate::app::marks::{Mark, Marks};
use crate::app::quiz::{Picker, Quiz};
use crate::app::review::{self, Outlook, Review};
use crate::lessons::{self, Lesson};
use crate::scenario::{self, ScenarioInfo};
use crate::sim::{Fault, NodeId};

/// How the app starts.
pub enum Start {
    Home,
    /// A focus block's lesson (1-7).
    Block(u8),
    /// A full-screen live cluster.
    Playground {
        scenario: &'static ScenarioInfo,
        nodes: Option<usize>,
        seed: u64,
        /// Fault-script steps that play out live.
        script: crate::sim::script::Script,
    },
    /// The list of gauntlets (`statedist gauntlet`): Esc there leaves.
    Gauntlets,
    /// One quiz, by bank id (`statedist gauntlet 2`, `--block 3`): its clock
    /// starts at once, and Esc on its result page leaves.
    Gauntlet(String),
    /// A review session (`statedist review`): Esc on its summary leaves.
    Review,
}

/// What the program was started for. Esc on that screen, once there is
/// nothing left to finish on it, leaves the program instead of going to a
/// course map the learner never asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    /// `statedist learn`, `statedist playground`: Esc never leaves.
    Course,
    Gauntlets,
    Gauntlet,
    Review,
}

pub struct Options {
    pub color: bool,
    pub content_dir: Option<PathBuf>,
    pub marks: Marks,
    /// The seed of every live cluster the course starts.
    pub seed: u64,
    pub size: (u16, u16),
    /// A shorter gauntlet clock (`STATEDIST_TIME_LIMIT_SECS`, for demos and
    /// tests of the time-up path).
    pub quiz_limit: Option<std::time::Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            color: true,
            content_dir: None,
            marks: Marks::session(),
            seed: 1,
            size: (120, 40),
            quiz_limit: None,
        }
    }
}

/// What a course map line is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Block(u8),
    Integration,
    Gauntlets,
    /// Spaced review of the items due.
    Review,
    AntiPatterns,
    Takeaways,
    /// A lesson that fits none of the above.
    Other,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub kind: EntryKind,
    pub name: String,
    pub minutes: Option<u32>,
    /// Index into `App::lessons`.
    pub lesson: Option<usize>,
}

const BLOCKS: [&str; 7] = [
    "CAP theorem",
    "Replication strategies",
    "Consistency models",
    "Conflict resolution",
    "Consensus",
    "CRDTs",
    "Production readiness",
];

/// Gauntlets 1-4: 3 + 7 + 10 + 15 minutes.
const GAUNTLET_MINUTES: u32 = 35;

fn course_map(lessons: &[Lesson]) -> Vec<Entry> {
    let find = |pred: &dyn Fn(&Lesson) -> bool| lessons.iter().position(pred);
    let mut used = BTreeSet::new();
    let mut entries = Vec::new();
    let mut push = |kind: EntryKind, name: &str, lesson: Option<usize>, minutes: Option<u32>| {
        if let Some(i) = lesson {
            used.insert(i);
        }
        entries.push(Entry {
            kind,
            name: name.to_string(),
            minutes: lesson.map(|i| lessons[i].minutes).or(minutes),
            lesson,
        });
    };
    for (i, name) in BLOCKS.iter().enumerate() {
        let b = i as u8 + 1;
        push(
            EntryKind::Block(b),
            name,
            find(&|l| l.block == Some(b)),
            None,
        );
    }
    let by_id =
        |ids: &[&str]| find(&|l: &Lesson| l.block.is_none() && ids.contains(&l.id.as_str()));
    push(
        EntryKind::Integration,
        "Integration challenge",
        by_id(&["integration", "integration-challenge"]),
        None,
    );
    push(
        EntryKind::Gauntlets,
        "Gauntlets",
        None,
        Some(GAUNTLET_MINUTES),
    );
    push(EntryKind::Review, "Review", None, None);
    push(
        EntryKind::AntiPatterns,
        "Anti-patterns",
        by_id(&["anti-patterns", "antipatterns"]),
        None,
    );
    push(
        EntryKind::Takeaways,
        "Takeaways",
        by_id(&["takeaways"]),
        None,
    );
    for (i, l) in lessons.iter().enumerate() {
        if !used.contains(&i) {
            entries.push(Entry {
                kind: EntryKind::Other,
                name: l.title.clone(),
                minutes: Some(l.minutes),
                lesson: Some(i),
            });
        }
    }
    entries
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Reader,
    Log,
    Panes,
    Checks,
}

/// The open lesson.
pub struct Reader {
    pub lesson: usize,
    pub doc: Doc,
    /// The width `doc` was wrapped for.
    pub width: u16,
    pub top: usize,
    pub revealed: BTreeSet<usize>,
}

pub struct InfoPage {
    pub title: String,
    pub text: String,
    pub scroll: usize,
}

pub enum Screen {
    Home,
    Lesson,
    Playground,
    Info(InfoPage),
    /// The list of gauntlets (kept in `App::picker`).
    Gauntlets,
    Quiz(Box<Quiz>),
    Review(Box<Review>),
}

pub struct App {
    pub theme: Theme,
    pub size: Rect,
    pub screen: Screen,
    /// The help overlay's scroll, when it is open.
    pub help: Option<usize>,
    pub lessons: Vec<Lesson>,
    /// Each lesson's first paragraph, for the course map.
    pub excerpts: Vec<String>,
    pub load_errors: Vec<String>,
    pub entries: Vec<Entry>,
    pub home_sel: usize,
    pub reader: Option<Reader>,
    pub live: Option<Live>,
    pub focus: Focus,
    /// A one-line message for the learner, until the next key.
    pub flash: Option<String>,
    pub marks: Marks,
    pub quit: bool,
    seed: u64,
    content_dir: Option<PathBuf>,
    /// The question banks, loaded when the gauntlets or the review are
    /// first opened.
    pub picker: Option<Picker>,
    pub root: Root,
    quiz_limit: Option<std::time::Duration>,
}

impl App {
    pub fn new(opts: Options, start: Start) -> App {
        let loaded = lessons::load(opts.content_dir.as_deref());
        let entries = course_map(&loaded.lessons);
        let mut app = App {
            theme: Theme::new(opts.color),
            size: Rect::new(0, 0, opts.size.0, opts.size.1),
            screen: Screen::Home,
            help: None,
            load_errors: loaded.errors.iter().map(|e| e.to_string()).collect(),
            excerpts: loaded.lessons.iter().map(Lesson::excerpt).collect(),
            lessons: loaded.lessons,
            entries,
            home_sel: 0,
            reader: None,
            live: None,
            focus: Focus::Reader,
            flash: None,
            marks: opts.marks,
            quit: false,
            seed: opts.seed,
            content_dir: opts.content_dir,
            picker: None,
            root: Root::Course,
            quiz_limit: opts.quiz_limit,
        };
        if let Some(n) = app.marks.take_notice() {
            app.flash = Some(n);
        }
        match start {
            Start::Home => {}
            Start::Block(b) => app.open_block(b),
            Start::Playground {
                scenario,
                nodes,
                seed,
                script,
            } => match Live::start_with(scenario, nodes, seed, script) {
                Ok(l) => {
                    app.live = Some(l);
                    app.screen = Screen::Playground;
                    app.focus = Focus::Log;
                }
                Err(e) => app.flash = Some(e),
            },
            Start::Gauntlets => {
                app.root = Root::Gauntlets;
                app.open_gauntlets();
            }
            Start::Gauntlet(id) => {
                app.open_gauntlets();
                let i = app
                    .picker
                    .as_ref()
                    .and_then(|p| p.entries.iter().position(|e| e.id == id));
                match i {
                    Some(i) => {
                        app.root = Root::Gauntlet;
                        app.start_quiz(i);
                    }
                    None => {
                        app.root = Root::Gauntlets;
                        app.flash = Some(format!(
                            "There is no quiz \"{id}\": pick one here (statedist check-content shows problems)."
                        ));
                    }
                }
            }
            Start::Review => {
                app.root = Root::Review;
                app.open_review();
            }
        }
        app
    }

    pub fn screen_kind(&self) -> ScreenKind {
        match self.screen {
            Screen::Home => ScreenKind::Home,
            Screen::Lesson => ScreenKind::Lesson,
            Screen::Playground => ScreenKind::Playground,
            Screen::Info(_) => ScreenKind::Info,
            Screen::Gauntlets => ScreenKind::Gauntlets,
            Screen::Quiz(_) => ScreenKind::Quiz,
            Screen::Review(_) => ScreenKind::Review,
        }
    }

    /// Whether Esc on this screen leaves the program (see [`Root`]).
    pub fn esc_leaves(&self) -> bool {
        match (&self.screen, self.root) {
            (Screen::Gauntlets, Root::Gauntlets) => true,
            (Screen::Quiz(q), Root::Gauntlet) => !q.running(),
            (Screen::Review(r), Root::Review) => r.over(),
            _ => false,
        }
    }

    pub fn key_ctx(&self) -> KeyCtx<'_> {
        let doc = self.reader.as_ref().map(|r| &r.doc);
        let on_lesson = matches!(self.screen, Screen::Lesson);
        KeyCtx {
            screen: self.screen_kind(),
            help_open: self.help.is_some(),
            live: self.live.is_some() && matches!(self.screen, Screen::Lesson | Screen::Playground),
            try_its: on_lesson && doc.is_some_and(|d| !d.try_its.is_empty()),
            answers: on_lesson && doc.is_some_and(|d| !d.answers.is_empty()),
            knobs: self.live.as_ref().map_or(&[], |l| &l.knobs),
            cluster_size: self.live.as_ref().map_or(0, |l| l.size()),
            ops: self.live.as_ref().map_or(&[], |l| l.run().operations()),
            data_keys: self.live.as_ref().map_or(&[], |l| l.info.keys),
            data_key: self.live.as_ref().map_or("x", |l| l.key()),
            quiz: match &self.screen {
                Screen::Quiz(q) if !q.running() => Some(QuizPhase::Done),
                Screen::Quiz(q) if q.confirm_leave => Some(QuizPhase::Confirm),
                Screen::Quiz(q) => Some(QuizPhase::Answering {
                    input_empty: q.input.is_empty(),
                }),
                _ => None,
            },
            review: match &self.screen {
                Screen::Review(r) => Some(match r.phase {
                    review::Phase::Asking => ReviewPhase::Answering {
                        input_empty: r.input.is_empty(),
                    },
                    review::Phase::Answered(_) => ReviewPhase::Answered,
                    review::Phase::Done => ReviewPhase::Done,
                    review::Phase::Empty => ReviewPhase::Empty,
                }),
                _ => None,
            },
            esc_leaves: self.esc_leaves(),
        }
    }

    /// The action a terminal event means here, if any. Pure.
    pub fn action_for_event(&self, ev: &Event) -> Option<Action> {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                keymap::action_for(&self.key_ctx(), k)
            }
            Event::Mouse(m) => match m.kind {
                MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                    col: m.column,
                    row: m.row,
                }),
                MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => Some(Action::Wheel {
                    col: m.column,
                    row: m.row,
                    down: m.kind == MouseEventKind::ScrollDown,
                }),
                _ => None,
            },
            Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
            _ => None,
        }
    }

    /// Maps and applies a terminal event (Ctrl-Z is the loop's business and
    /// ignored here). True when the screen should be redrawn.
    pub fn handle_event(&mut self, ev: &Event) -> bool {
        match self.action_for_event(ev) {
            Some(Action::Suspend) | None => false,
            Some(a) => self.update(a),
        }
    }

    /// How soon the loop should send a tick: `None` while nothing moves.
    pub fn tick_every(&self) -> Option<std::time::Duration> {
        // A gauntlet's clock runs whatever is on screen.
        if let Screen::Quiz(q) = &self.screen {
            return q.running().then_some(std::time::Duration::from_millis(250));
        }
        if self.help.is_some() || layout::too_small(self.size) {
            return None;
        }
        match self.screen {
            Screen::Lesson | Screen::Playground => self.live.as_ref().and_then(|l| l.frame_every()),
            _ => None,
        }
    }

    // ----- geometry shared with the views -----

    pub fn body(&self) -> Rect {
        layout::chrome(self.size).body
    }

    pub fn lesson_areas(&self) -> layout::LessonAreas {
        self.lesson_areas_in(self.body())
    }

    /// The lesson screen laid out in `body`. Drawing passes the area ratatui
    /// gives it, which can differ from the last Resize event the app saw.
    pub fn lesson_areas_in(&self, body: Rect) -> layout::LessonAreas {
        layout::lesson(body, self.live.as_ref().map(|l| l as &dyn layout::Wants))
    }

    pub fn cluster_areas(&self) -> Option<layout::ClusterAreas> {
        self.cluster_areas_in(self.body())
    }

    pub fn cluster_areas_in(&self, body: Rect) -> Option<layout::ClusterAreas> {
        match self.screen {
            Screen::Lesson => self.lesson_areas_in(body).cluster,
            Screen::Playground => self.live.as_ref().map(|l| layout::playground(body, l)),
            _ => None,
        }
    }

    fn reader_rect(&self) -> Rect {
        layout::reader_text(self.lesson_areas().reader)
    }

    fn page(&self) -> usize {
        match self.focus {
            Focus::Reader if matches!(self.screen, Screen::Lesson) => {
                self.reader_rect().height as usize
            }
            Focus::Log => self.cluster_areas().map_or(10, |c| c.log.height as usize),
            _ => self.size.height as usize / 2,
        }
        .saturating_sub(2)
        .max(1)
    }

    // ----- update -----

    /// Applies an action. True when the screen should be redrawn.
    pub fn update(&mut self, action: Action) -> bool {
        if let Action::Tick(dt) = action {
            if self.tick_every().is_none() {
                return false;
            }
            if let Screen::Quiz(q) = &mut self.screen {
                if q.tick(dt) {
                    self.finish_quiz();
                }
                return true;
            }
            let Some(l) = self.live.as_mut() else {
                return false;
            };
            let changed = l.tick(dt);
            if let Some(v) = l.take_violation_news() {
                self.flash = Some(format!(
                    "Paused on event #{}: {} broke. Space resumes.",
                    v.seq, v.invariant
                ));
            }
            return changed;
        }
        if !matches!(action, Action::Resize(..)) {
            self.flash = None;
        }
        if let Some(scroll) = self.help {
            match action {
                Action::ToggleHelp | Action::Back => self.help = None,
                Action::Move(d) => self.help = Some(scroll.saturating_add_signed(d as isize)),
                Action::Wheel { down, .. } => {
                    self.help = Some(scroll.saturating_add_signed(if down { 3 } else { -3 }))
                }
                Action::Quit => match &mut self.screen {
                    // A running gauntlet asks first.
                    Screen::Quiz(q) if q.running() => {
                        self.help = None;
                        q.confirm_leave = true;
                    }
                    _ => self.quit = true,
                },
                Action::Resize(w, h) => self.resize(w, h),
                _ => {}
            }
            return true;
        }
        if let Screen::Quiz(q) = &mut self.screen
            && q.running()
        {
            self.quiz_action(action);
            return true;
        }
        if matches!(self.screen, Screen::Review(_)) && self.review_action(&action) {
            return true;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Suspend | Action::Tick(_) => {}
            Action::ToggleHelp => self.help = Some(0),
            Action::Back => self.back(),
            Action::Resize(w, h) => self.resize(w, h),
            Action::Move(d) => self.scroll(d as isize),
            Action::Page(d) => self.scroll(d as isize * self.page() as isize),
            Action::Top => self.scroll(isize::MIN / 2),
            Action::Bottom => self.scroll(isize::MAX / 2),
            Action::Open if matches!(self.screen, Screen::Gauntlets) => {
                let sel = self.picker.as_ref().map_or(0, |p| p.sel);
                self.start_quiz(sel);
            }
            Action::Open if matches!(self.screen, Screen::Review(_)) => self.open_gauntlets(),
            Action::Open => self.open_selected(),
            Action::StartGauntlet(n) => {
                if let Some(i) = self.picker.as_ref().and_then(|p| p.gauntlet(n)) {
                    self.start_quiz(i);
                }
            }
            Action::OpenBlock(b) => self.open_block(b),
            Action::FocusNext => self.cycle_focus(1),
            Action::FocusPrev => self.cycle_focus(-1),
            Action::RevealAnswer => self.reveal_answer(),
            Action::LoadTryIt => self.load_try_it(),
            Action::Section(d) => self.jump_section(d),
            Action::Click { col, row } => self.click(col, row),
            Action::Wheel { col, row, down } => self.wheel(col, row, down),
            a => self.live_action(a),
        }
        true
    }

    fn resize(&mut self, w: u16, h: u16) {
        self.size = Rect::new(0, 0, w, h);
        self.relayout();
    }

    fn back(&mut self) {
        if self.esc_leaves() {
            self.quit = true;
            return;
        }
        match self.screen {
            Screen::Lesson => {
                self.save_position();
                self.reader = None;
                self.live = None;
                self.screen = Screen::Home;
            }
            Screen::Info(_) => self.screen = Screen::Home,
            Screen::Gauntlets => self.go_home_to(&EntryKind::Gauntlets),
            Screen::Quiz(_) => self.screen = Screen::Gauntlets,
            Screen::Review(ref r) if !r.over() => self.finish_review(),
            Screen::Review(_) => self.go_home_to(&EntryKind::Review),
            Screen::Playground => {
                self.flash =
                    Some("This is the playground: press q to quit, ? for every key.".into())
            }
            Screen::Home => {
                self.flash = Some("This is the course map: Enter opens an entry, q quits.".into())
            }
        }
    }

    fn scroll(&mut self, d: isize) {
        match &mut self.screen {
            Screen::Home => {
                let n = self.entries.len();
                self.home_sel = self
                    .home_sel
                    .saturating_add_signed(d)
                    .min(n.saturating_sub(1));
            }
            Screen::Info(p) => p.scroll = p.scroll.saturating_add_signed(d).min(200),
            Screen::Gauntlets => {
                if let Some(p) = &mut self.picker {
                    let n = p.entries.len();
                    p.sel = p.sel.saturating_add_signed(d).min(n.saturating_sub(1));
                }
            }
            Screen::Quiz(q) => q.scroll = q.scroll.saturating_add_signed(d).min(10_000),
            Screen::Review(r) => r.scroll = r.scroll.saturating_add_signed(d).min(10_000),
            Screen::Lesson | Screen::Playground => match self.focus {
                Focus::Reader => {
                    let h = self.reader_rect().height as usize;
                    if let Some(r) = &mut self.reader {
                        let max = r.doc.lines.len().saturating_sub(h);
                        r.top = r.top.saturating_add_signed(d).min(max);
                    }
                    self.check_completed();
                }
                Focus::Log => {
                    if let Some(l) = &mut self.live {
                        let kept = l.log_events().count();
                        l.log_scroll = l
                            .log_scroll
                            .saturating_add_signed(-d)
                            .min(kept.saturating_sub(1));
                    }
                }
                Focus::Checks => {
                    let area = self.cluster_areas().map(|c| c.checks);
                    if let (Some(l), Some(c)) = (&mut self.live, area) {
                        use super::layout::Wants;
                        let inner = c.height.saturating_sub(2) as usize;
                        let lines = l.checks_lines(c.width.saturating_sub(2)) as usize;
                        l.checks_scroll = l
                            .checks_scroll
                            .saturating_add_signed(d)
                            .min(lines.saturating_sub(inner));
                    }
                }
                Focus::Panes => {
                    // Up to where the last line shows at the bottom, so ↑
                    // moves at once after scrolling past the end.
                    let area = self.cluster_areas().and_then(|c| c.panes);
                    if let (Some(l), Some(p)) = (&mut self.live, area) {
                        let inner = p.height.saturating_sub(2) as usize;
                        let lines =
                            super::views::panes::line_count(l, p.width.saturating_sub(2)) as usize;
                        l.pane_scroll = l
                            .pane_scroll
                            .saturating_add_signed(d)
                            .min(lines.saturating_sub(inner));
                    }
                }
            },
        }
    }

    fn cycle_focus(&mut self, dir: isize) {
        let mut order = Vec::new();
        if matches!(self.screen, Screen::Lesson) {
            order.push(Focus::Reader);
        }
        if self.live.is_some() {
            order.push(Focus::Log);
            if self.cluster_areas().is_some_and(|c| c.panes.is_some()) {
                order.push(Focus::Panes);
            }
            order.push(Focus::Checks);
        }
        if order.is_empty() {
            return;
        }
        let i = order.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = order.len() as isize;
        self.focus = order[((i + dir).rem_euclid(n)) as usize];
    }

    fn open_selected(&mut self) {
        let Some(e) = self.entries.get(self.home_sel).cloned() else {
            return;
        };
        match (e.lesson, &e.kind) {
            (Some(i), _) => self.open_lesson(i),
            (None, EntryKind::Gauntlets) => self.open_gauntlets(),
            (None, EntryKind::Review) => self.open_review(),
            (None, _) => {
                self.screen = Screen::Info(InfoPage {
                    title: e.name.clone(),
                    text: format!(
                        "The lesson for \"{}\" is not in this build yet.\n\nMeanwhile, `statedist playground --list` shows the scenarios you can already experiment with.",
                        e.name
                    ),
                    scroll: 0,
                })
            }
        }
    }

    pub fn open_block(&mut self, b: u8) {
        if let Some(i) = self
            .entries
            .iter()
            .position(|e| e.kind == EntryKind::Block(b))
        {
            self.home_sel = i;
            self.open_selected();
        }
    }

    fn open_lesson(&mut self, i: usize) {
        let Some(lesson) = self.lessons.get(i) else {
            return;
        };
        let id = lesson.id.clone();
        let scen = lesson.live_scenarios().first().copied();
        // Switching lessons leaves the one open.
        self.save_position();
        self.live = None;
        if let Some(s) = scen {
            match Live::start(s, None, self.seed) {
                Ok(l) => self.live = Some(l),
                Err(e) => self.flash = Some(format!("cannot start {}: {e}", s.name)),
            }
        }
        self.reader = Some(Reader {
            lesson: i,
            doc: Doc::default(),
            width: 0,
            top: 0,
            revealed: BTreeSet::new(),
        });
        self.screen = Screen::Lesson;
        self.focus = Focus::Reader;
        self.relayout();
        // Visiting re-reads the progress file, so the position is the newest
        // any copy of the program saved.
        self.marks.visit(&id);
        if let (Some(r), Some(pos)) = (&mut self.reader, self.marks.position(&id)) {
            r.top = if pos == 0 { 0 } else { r.doc.line_at_src(pos) };
        }
        self.scroll(0);
        if let Some(n) = self.marks.take_notice() {
            self.flash = Some(n);
        }
    }

    /// Re-wraps the open lesson for the reader's current width, keeping the
    /// learner's place.
    fn relayout(&mut self) {
        if !matches!(self.screen, Screen::Lesson) {
            return;
        }
        let width = self.reader_rect().width;
        let Some(r) = &self.reader else {
            return;
        };
        if r.width == width && !r.doc.lines.is_empty() {
            return;
        }
        let Some(lesson) = self.lessons.get(r.lesson) else {
            return;
        };
        let top_src = r.doc.src.get(r.top).copied().unwrap_or(0);
        let doc = markdown::render(&lesson.body, width, &r.revealed, &self.theme);
        if let Some(r) = &mut self.reader {
            r.top = if r.top == 0 {
                0
            } else {
                doc.line_at_src(top_src)
            };
            r.doc = doc;
            r.width = width;
        }
        self.scroll(0);
    }

    /// Saves where the learner is in the open lesson (as the source offset
    /// of the block at the top, so it survives another width), when they
    /// leave it: back to the map, another lesson, quitting.
    fn save_position(&mut self) {
        let Some(r) = &self.reader else {
            return;
        };
        if let Some(l) = self.lessons.get(r.lesson) {
            let pos = r.doc.src.get(r.top).copied().unwrap_or(0);
            let id = l.id.clone();
            self.marks
                .save_position(&id, if r.top == 0 { 0 } else { pos });
            if let Some(n) = self.marks.take_notice() {
                self.flash = Some(n);
            }
        }
    }

    fn check_completed(&mut self) {
        let h = self.reader_rect().height as usize;
        let Some(r) = &self.reader else {
            return;
        };
        let at_end = !r.doc.lines.is_empty() && r.top + h >= r.doc.lines.len();
        let Some(id) = self.lessons.get(r.lesson).map(|l| l.id.clone()) else {
            return;
        };
        if at_end && self.marks.mark(&id) != Mark::Completed {
            self.marks.complete(&id);
        }
    }

    /// The answer on screen (the first one at or below the top), revealed or hidden.
    fn reveal_answer(&mut self) {
        let h = self.reader_rect().height as usize;
        let Some(r) = &mut self.reader else {
            return;
        };
        // The first hidden answer on screen opens; with none hidden, the
        // first open one closes.
        let visible: Vec<_> = r
            .doc
            .answers
            .iter()
            .filter(|(line, _, _)| *line >= r.top && *line < r.top + h)
            .copied()
            .collect();
        let on_screen = visible.iter().find(|a| !a.2).or(visible.first()).copied();
        let Some((line, n, revealed)) = on_screen else {
            self.flash = Some("No model answer on screen: scroll to a question's \"▸ Model answer\" line, then press a.".into());
            return;
        };
        if revealed {
            r.revealed.remove(&n);
        } else {
            r.revealed.insert(n);
        }
        let Some(lesson) = self.lessons.get(r.lesson) else {
            return;
        };
        r.doc = markdown::render(&lesson.body, r.width, &r.revealed, &self.theme);
        // Keep the answer's line where it was on screen.
        if let Some(&(new_line, _, _)) = r.doc.answers.iter().find(|a| a.1 == n) {
            r.top = (r.top + new_line).saturating_sub(line);
        }
        self.scroll(0);
    }

    fn jump_section(&mut self, dir: i32) {
        let Some(r) = &mut self.reader else {
            return;
        };
        let target = if dir > 0 {
            r.doc.headings.iter().find(|&&l| l > r.top)
        } else {
            r.doc.headings.iter().rev().find(|&&l| l < r.top)
        };
        r.top = target
            .copied()
            .unwrap_or(if dir > 0 { usize::MAX / 2 } else { 0 });
        self.focus = Focus::Reader;
        self.scroll(0);
    }

    /// The "Try it" section being read: the one whose heading is at the top
    /// of the screen (within two lines) or scrolled past it, else the next
    /// one below. A heading `]` brings to the top is the one `t` runs, even
    /// when the next "Try it" heading shows further down.
    pub fn current_try_it(&self) -> Option<&str> {
        let r = self.reader.as_ref()?;
        r.doc
            .try_its
            .iter()
            .rev()
            .find(|(line, _)| *line <= r.top + 2)
            .or_else(|| r.doc.try_its.iter().find(|(line, _)| *line >= r.top))
            .map(|(_, s)| s.as_str())
    }

    fn load_try_it(&mut self) {
        let Some(name) = self.current_try_it().map(str::to_string) else {
            self.flash = Some("No \"Try it\" section on screen.".into());
            return;
        };
        let Some(info) = scenario::find(&name) else {
            self.flash = Some(format!(
                "\"{name}\" is not in this build yet: {}",
                scenario::unknown(&name)
            ));
            return;
        };
        if self.live.as_ref().is_some_and(|l| l.info.name == name) {
            self.flash = Some(format!(
                "{name} is already running beside the lesson (R resets it)."
            ));
            return;
        }
        match Live::start(info, None, self.seed) {
            Ok(l) => {
                self.live = Some(l);
                self.relayout();
                self.flash = Some(format!("Now running {name}: {}", info.summary));
            }
            Err(e) => self.flash = Some(e),
        }
    }

    fn click(&mut self, col: u16, row: u16) {
        match self.screen {
            Screen::Home => {
                let (_, list, _) = layout::home(self.body());
                if layout::contains(list, col, row) {
                    let i = (row - list.y) as usize;
                    if i >= 1 && i - 1 < self.entries.len() {
                        if self.home_sel == i - 1 {
                            self.open_selected();
                        } else {
                            self.home_sel = i - 1;
                        }
                    }
                }
            }
            Screen::Lesson | Screen::Playground => {
                if let Some(c) = self.cluster_areas() {
                    if layout::contains(c.canvas, col, row) {
                        if let Some(l) = &self.live {
                            let boxes = cluster::node_boxes(cluster::inner(c.canvas), &l.view);
                            if let Some(i) =
                                boxes.iter().position(|b| layout::contains(*b, col, row))
                            {
                                self.live_action(Action::SelectNode(i as u32 + 1));
                            }
                        }
                        return;
                    }
                    if layout::contains(c.log, col, row) {
                        self.focus = Focus::Log;
                        return;
                    }
                    if c.panes.is_some_and(|p| layout::contains(p, col, row)) {
                        self.focus = Focus::Panes;
                        return;
                    }
                    if layout::contains(c.checks, col, row) {
                        self.focus = Focus::Checks;
                        return;
                    }
                }
                if matches!(self.screen, Screen::Lesson)
                    && layout::contains(self.lesson_areas().reader, col, row)
                {
                    self.focus = Focus::Reader;
                }
            }
            Screen::Info(_) | Screen::Gauntlets | Screen::Quiz(_) | Screen::Review(_) => {}
        }
    }

    fn wheel(&mut self, col: u16, row: u16, down: bool) {
        let d = if down { 3 } else { -3 };
        let before = self.focus;
        if let Some(c) = self.cluster_areas() {
            if layout::contains(c.log, col, row) {
                self.focus = Focus::Log;
            } else if c.panes.is_some_and(|p| layout::contains(p, col, row)) {
                self.focus = Focus::Panes;
            } else if layout::contains(c.checks, col, row) {
                self.focus = Focus::Checks;
            } else if matches!(self.screen, Screen::Lesson) {
                self.focus = Focus::Reader;
            }
        }
        self.scroll(d);
        self.focus = before;
    }

    fn start_quiz(&mut self, i: usize) {
        let Some(p) = &mut self.picker else {
            return;
        };
        let Some(bank) = p.bank(i) else {
            self.flash = Some("No question bank there: see `statedist check-content`.".into());
            return;
        };
        let mut quiz = Quiz::start(
            bank,
            self.marks.next_seed(&bank.id),
            self.marks.best(&bank.id),
        );
        if let Some(limit) = self.quiz_limit {
            quiz.run = quiz.run.with_limit(limit);
        }
        p.sel = i;
        self.screen = Screen::Quiz(Box::new(quiz));
    }

    /// Keys while a gauntlet runs: typing, submitting, skipping, leaving.
    fn quiz_action(&mut self, action: Action) {
        let Screen::Quiz(q) = &mut self.screen else {
            return;
        };
        let over = match action {
            Action::TypeChar(c) => {
                if q.input.chars().count() < 200 {
                    q.input.push(c);
                }
                false
            }
            Action::DeleteChar => {
                q.input.pop();
                false
            }
            Action::Submit => q.submit(),
            Action::SkipQuestion => q.skip(),
            Action::Back | Action::Quit => {
                q.confirm_leave = true;
                false
            }
            Action::ConfirmLeave(true) => {
                q.abandon();
                true
            }
            Action::ConfirmLeave(false) => {
                q.confirm_leave = false;
                false
            }
            Action::ToggleHelp => {
                self.help = Some(0);
                false
            }
            Action::Resize(w, h) => {
                self.resize(w, h);
                false
            }
            _ => false,
        };
        if over {
            self.finish_quiz();
        }
    }

    /// The program is ending however it was asked to (q, a signal, a closed
    /// terminal): the open lesson's reading position is saved, and a
    /// gauntlet still running, with something answered, is recorded as
    /// abandoned, so the answers and their review schedules are kept. Review
    /// answers are saved as they are given and need nothing here.
    pub fn shutdown(&mut self) {
        if matches!(self.screen, Screen::Lesson) {
            self.save_position();
        }
        if let Screen::Quiz(q) = &mut self.screen {
            // As in line mode: with nothing answered there is nothing to keep.
            if q.running() && q.run.progress().0 > 0 {
                q.abandon();
                self.finish_quiz();
            }
        }
    }

    /// Scores the run and records it in the progress file.
    fn finish_quiz(&mut self) {
        let Screen::Quiz(q) = &mut self.screen else {
            return;
        };
        q.confirm_leave = false;
        let summary = q.summary();
        let recorded = self.marks.record_attempt(&summary);
        q.result = Some((summary, recorded));
        if let Some(n) = self.marks.take_notice() {
            self.flash = Some(n);
        }
    }

    /// Back to the course map, with the entry just left selected.
    fn go_home_to(&mut self, kind: &EntryKind) {
        if let Some(i) = self.entries.iter().position(|e| &e.kind == kind) {
            self.home_sel = i;
        }
        self.screen = Screen::Home;
    }

    fn open_gauntlets(&mut self) {
        if self.picker.is_none() {
            self.picker = Some(Picker::load(self.content_dir.as_deref()));
        }
        self.screen = Screen::Gauntlets;
    }

    /// What lies ahead for review at the marks' `now`.
    fn outlook(&self) -> Outlook {
        let now = self.marks.now();
        Outlook {
            now,
            due_now: self.marks.due_count(now),
            next: self.marks.next_due(now),
            any_scheduled: self.marks.has_reviews(),
        }
    }

    /// Opens a review session over the items due now (as the progress file
    /// says: another copy of the program may have reviewed some).
    pub fn open_review(&mut self) {
        self.marks.refresh();
        if self.picker.is_none() {
            self.picker = Some(Picker::load(self.content_dir.as_deref()));
        }
        let outlook = self.outlook();
        let due = self.marks.due(outlook.now);
        let Some(p) = &self.picker else {
            return;
        };
        self.screen = Screen::Review(Box::new(Review::start(&p.banks, due, outlook)));
    }

    /// Ends the session: the summary, with what is due next.
    fn finish_review(&mut self) {
        let outlook = self.outlook();
        if let Screen::Review(r) = &mut self.screen {
            r.finish(outlook);
        }
    }

    /// Keys of a review session that only it has. False: not handled here.
    fn review_action(&mut self, action: &Action) -> bool {
        let Screen::Review(r) = &mut self.screen else {
            return false;
        };
        match action {
            Action::TypeChar(c) if r.asking() => {
                if r.input.chars().count() < 200 {
                    r.input.push(*c);
                }
            }
            Action::DeleteChar if r.asking() => {
                r.input.pop();
            }
            Action::Submit => {
                let Some(grade) = r.grade() else {
                    return true;
                };
                let Some(id) = r.current().map(|i| i.id.clone()) else {
                    return true;
                };
                // Saved before it is shown: the answer is never lost.
                let next = self.marks.record_review(&id, grade.verdict).due;
                let at = self.marks.now();
                if let Screen::Review(r) = &mut self.screen {
                    r.answered(grade, next, at);
                }
                if let Some(n) = self.marks.take_notice() {
                    self.flash = Some(n);
                }
            }
            Action::SkipQuestion => {
                if r.skip() {
                    self.finish_review();
                }
            }
            Action::Next => {
                if r.next_item() {
                    self.finish_review();
                }
            }
            _ => return false,
        }
        true
    }

    fn live_action(&mut self, action: Action) {
        let Some(l) = &mut self.live else {
            return;
        };
        let sel = l.selected;
        let msg = match action {
            Action::TogglePause => {
                l.paused = !l.paused;
                None
            }
            Action::ToggleRoutine => {
                l.hide_routine = !l.hide_routine;
                l.log_scroll = 0;
                Some(if l.hide_routine {
                    "Routine traffic hidden from the event log; f shows it again.".to_string()
                } else {
                    "Every event shown in the event log; f hides routine traffic.".to_string()
                })
            }
            Action::StepOne => {
                if l.step() {
                    None
                } else {
                    Some("Nothing is scheduled: the cluster is quiet. Press w to write or r to read.".to_string())
                }
            }
            Action::Faster => {
                l.faster();
                Some(format!("Speed {} of real time.", l.speed_label()))
            }
            Action::Slower => {
                l.slower();
                Some(format!("Speed {} of real time.", l.speed_label()))
            }
            Action::SelectNode(n) => {
                if (n as usize) <= l.size() && n >= 1 {
                    l.selected = NodeId(n);
                    Some(format!(
                        "Selected {}: {}.",
                        l.selected,
                        l.describe_selected()
                    ))
                } else {
                    Some(format!(
                        "There is no node {n}: this cluster has nodes 1 to {}.",
                        l.size()
                    ))
                }
            }
            Action::NodeDigit(d) => {
                if l.node_entry.len() < 6 {
                    l.node_entry.push(char::from_digit(d, 10).expect("a digit"));
                }
                Some(format!(
                    "Node n{}… (Enter selects it; this cluster has nodes 1 to {})",
                    l.node_entry,
                    l.size()
                ))
            }
            Action::ConfirmNode => {
                let typed = std::mem::take(&mut l.node_entry);
                match typed.parse::<usize>() {
                    Ok(n) if (1..=l.size()).contains(&n) => {
                        l.selected = NodeId::from_index(n - 1);
                        Some(format!(
                            "Selected {}: {}.",
                            l.selected,
                            l.describe_selected()
                        ))
                    }
                    Ok(n) => Some(format!(
                        "There is no node {n}: this cluster has nodes 1 to {}.",
                        l.size()
                    )),
                    Err(_) => Some(format!(
                        "Type a node's number first, then Enter (1 to {}); ← → step through them.",
                        l.size()
                    )),
                }
            }
            Action::CycleNode(d) => {
                let n = l.size().max(1) as isize;
                let i = (l.selected.index() as isize + d as isize).rem_euclid(n);
                l.selected = NodeId::from_index(i as usize);
                Some(format!(
                    "Selected {}: {}.",
                    l.selected,
                    l.describe_selected()
                ))
            }
            Action::CrashRestart => {
                let up = l.selected_view().is_some_and(|n| n.up);
                l.apply(if up {
                    Fault::Crash(sel)
                } else {
                    Fault::Restart(sel)
                });
                Some(if up {
                    format!(
                        "Crashed {sel}: it stops; what it stored survives. Press c again to restart it."
                    )
                } else {
                    format!("Restarted {sel} from what it stored.")
                })
            }
            Action::CycleSkew => {
                let skew = l.selected_view().map_or(0, |n| n.skew);
                let next = match skew {
                    0 => 1000,
                    1000 => -1000,
                    _ => 0,
                };
                l.apply(Fault::Skew(sel, next));
                // Short enough for one 80-column status line.
                Some(match next {
                    0 => format!("{sel}'s clock is back on true time. o skews it again."),
                    ms if ms > 0 => format!(
                        "{sel}'s clock now runs 1s fast: its timestamps look later. o again: 1s slow."
                    ),
                    _ => format!(
                        "{sel}'s clock now runs 1s slow: its timestamps look earlier. o again: true time."
                    ),
                })
            }
            Action::NextSide => {
                let side = l.selected_view().map(|n| n.side.next()).unwrap_or_default();
                l.apply(Fault::SetSide(sel, side));
                Some(format!(
                    "Moved {sel} to side {side}. H heals every partition."
                ))
            }
            Action::Heal => {
                l.apply(Fault::Heal);
                Some("Healed: every node can reach every other.".into())
            }
            Action::Client(verb) => {
                let spec = crate::sim::op::find(l.run().operations(), verb);
                match spec.and_then(|s| s.live_call(l.key(), l.next_value).map(|c| (s, c))) {
                    Some((spec, call)) => {
                        if spec.takes_value() {
                            l.next_value += 1;
                        }
                        let what = call.to_string();
                        l.apply(Fault::Client { node: sel, call });
                        Some(format!(
                            "A client sends {what} through {sel}: watch the event log.{}",
                            other_key_hint(l)
                        ))
                    }
                    None => Some(format!(
                        "{verb} needs arguments a key cannot fill in: run it from a script (statedist playground --do)."
                    )),
                }
            }
            Action::NextKey => {
                l.next_key();
                Some(format!(
                    "w and r now use key {} ({}; K switches).",
                    l.key(),
                    l.info.keys.join(" → ")
                ))
            }
            Action::Reset => {
                l.reset();
                Some(format!(
                    "Reset {} to seed {}: same start, your actions undone.",
                    l.info.name, l.seed
                ))
            }
            Action::Tune(name) => match l.next_choice(&name) {
                Some((k, v)) => {
                    l.apply(Fault::Tune(k.clone(), v.clone()));
                    Some(format!("{k} = {v}"))
                }
                None => Some(format!("{name} has no other value to choose.")),
            },
            _ => None,
        };
        if msg.is_some() {
            self.flash = msg;
        }
    }
}

/// " K switches to key reply." where the scenario's story needs two keys
/// (a post and its reply); plain x and y need no reminder.
fn other_key_hint(l: &Live) -> String {
    if l.info.keys.len() < 2 || l.info.keys == ["x", "y"] {
        return String::new();
    }
    let next = l.info.keys[(l.key_index + 1) % l.info.keys.len()];
    format!(" K switches to key {next}.")
}
