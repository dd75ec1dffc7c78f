//! The screens. Each file holds one screen's state, its key table, its
//! `update` and its drawing; `App` keeps them on a stack and hands each
//! action to the one on top, which answers with where to [`Go`].

pub mod cluster;
pub mod gauntlets;
pub mod home;
pub mod info;
pub mod lesson;
pub mod playground;
pub mod quiz;
pub mod review;

use std::path::PathBuf;
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::keymap::{Action, Binding, ScreenKind};
use super::layout;
use super::theme::Theme;
use crate::app::live::Live;
use crate::app::marks::Marks;
use crate::app::quiz::Picker;
use crate::lessons::Lesson;

/// What every screen shares: the course, the progress marks, the terminal's
/// size and the one-line message for the learner.
pub struct Ctx {
    pub theme: Theme,
    /// The size of the last Resize event: for page lengths and for the
    /// width lessons are wrapped to. Drawing lays out from the area it is
    /// given, which can differ.
    pub size: Rect,
    pub marks: Marks,
    pub lessons: Vec<Lesson>,
    /// Each lesson's first paragraph, for the course map.
    pub excerpts: Vec<String>,
    pub load_errors: Vec<String>,
    /// The seed of every live cluster the course starts.
    pub seed: u64,
    pub content_dir: Option<PathBuf>,
    pub quiz_limit: Option<Duration>,
    /// The question banks, loaded when the gauntlets or the review are
    /// first opened.
    pub picker: Option<Picker>,
    /// A one-line message for the learner, until the next key.
    pub flash: Option<String>,
    /// The screen on top is the only one: leaving it leaves the program.
    pub at_root: bool,
}

impl Ctx {
    pub fn say(&mut self, msg: impl Into<String>) {
        self.flash = Some(msg.into());
    }

    /// Passes on what the progress store has to tell (a file moved aside,
    /// a save that failed).
    pub fn take_notice(&mut self) {
        if let Some(n) = self.marks.take_notice() {
            self.flash = Some(n);
        }
    }

    pub fn body(&self) -> Rect {
        layout::chrome(self.size).body
    }

    pub fn picker(&mut self) -> &mut Picker {
        let dir = self.content_dir.clone();
        self.picker
            .get_or_insert_with(|| Picker::load(dir.as_deref()))
    }
}

/// Where the app goes after an action.
pub enum Go {
    Stay,
    Push(Screen),
    /// This screen is done: the one under it comes back (none: the program
    /// ends).
    Pop,
    Replace(Screen),
    Quit,
}

pub enum Screen {
    Home(home::Home),
    Lesson(Box<lesson::LessonScreen>),
    Playground(Box<playground::Playground>),
    Info(info::Info),
    Gauntlets(gauntlets::Gauntlets),
    Quiz(Box<quiz::QuizScreen>),
    Review(Box<review::ReviewScreen>),
}

impl Screen {
    pub fn kind(&self) -> ScreenKind {
        match self {
            Screen::Home(_) => ScreenKind::Home,
            Screen::Lesson(_) => ScreenKind::Lesson,
            Screen::Playground(_) => ScreenKind::Playground,
            Screen::Info(_) => ScreenKind::Info,
            Screen::Gauntlets(_) => ScreenKind::Gauntlets,
            Screen::Quiz(_) => ScreenKind::Quiz,
            Screen::Review(_) => ScreenKind::Review,
        }
    }

    /// The key table of this screen as it is now.
    pub fn bindings(&self, cx: &Ctx) -> Vec<Binding> {
        match self {
            Screen::Home(s) => s.bindings(),
            Screen::Lesson(s) => s.bindings(cx),
            Screen::Playground(s) => s.bindings(),
            Screen::Info(_) => info::Info::bindings(),
            Screen::Gauntlets(_) => gauntlets::Gauntlets::bindings(cx),
            Screen::Quiz(s) => s.bindings(cx),
            Screen::Review(s) => s.bindings(cx),
        }
    }

    pub fn update(&mut self, action: Action, cx: &mut Ctx) -> Go {
        match self {
            Screen::Home(s) => s.update(action, cx),
            Screen::Lesson(s) => s.update(action, cx),
            Screen::Playground(s) => s.update(action, cx),
            Screen::Info(s) => s.update(action),
            Screen::Gauntlets(_) => gauntlets::Gauntlets::update(action, cx),
            Screen::Quiz(s) => s.update(action, cx),
            Screen::Review(s) => s.update(action, cx),
        }
    }

    /// Time passing. True when something on screen changed.
    pub fn tick(&mut self, dt: Duration, cx: &mut Ctx) -> bool {
        match self {
            Screen::Quiz(s) => s.tick(dt, cx),
            _ => match self.live_mut() {
                Some(l) => cluster::tick(l, dt, cx),
                None => false,
            },
        }
    }

    /// How soon the loop should send a tick: `None` while nothing moves.
    pub fn tick_every(&self) -> Option<Duration> {
        match self {
            Screen::Quiz(s) => s.tick_every(),
            _ => self.live().and_then(Live::frame_every),
        }
    }

    /// The size changed: re-wrap what is wrapped to it.
    pub fn resized(&mut self, cx: &mut Ctx) {
        if let Screen::Lesson(s) = self {
            s.relayout(cx);
        }
    }

    /// A gauntlet's clock runs under the help overlay and on a terminal
    /// too small to draw it.
    pub fn keeps_time(&self) -> bool {
        matches!(self, Screen::Quiz(_))
    }

    /// Whether plain characters go to an answer line.
    pub fn typing(&self) -> bool {
        match self {
            Screen::Quiz(s) => s.typing(),
            Screen::Review(s) => s.typing(),
            _ => false,
        }
    }

    pub fn live(&self) -> Option<&Live> {
        match self {
            Screen::Lesson(s) => s.live.as_ref(),
            Screen::Playground(s) => Some(&s.live),
            _ => None,
        }
    }

    fn live_mut(&mut self) -> Option<&mut Live> {
        match self {
            Screen::Lesson(s) => s.live.as_mut(),
            Screen::Playground(s) => Some(&mut s.live),
            _ => None,
        }
    }

    /// The program is ending: keep what must be kept.
    pub fn shutdown(&mut self, cx: &mut Ctx) {
        match self {
            Screen::Lesson(s) => s.save_position(cx),
            Screen::Quiz(s) => s.shutdown(cx),
            _ => {}
        }
    }

    pub fn render(&self, cx: &Ctx, area: Rect, buf: &mut Buffer) {
        match self {
            Screen::Home(s) => s.render(cx, area, buf),
            Screen::Lesson(s) => s.render(cx, area, buf),
            Screen::Playground(s) => s.render(cx, area, buf),
            Screen::Info(s) => s.render(cx, area, buf),
            Screen::Gauntlets(_) => gauntlets::render(cx, area, buf),
            Screen::Quiz(s) => s.render(cx, area, buf),
            Screen::Review(s) => s.render(cx, area, buf),
        }
    }

    /// The status line of a screen without a live cluster.
    pub fn status(&self, cx: &Ctx) -> String {
        let unsaved = if cx.marks.saved() {
            ""
        } else {
            " · not saved (no progress file)"
        };
        match self {
            Screen::Home(s) => s.status(cx),
            Screen::Lesson(_) => "this lesson has no live cluster yet".into(),
            Screen::Playground(_) => String::new(),
            Screen::Info(s) => s.title.clone(),
            Screen::Gauntlets(_) => "gauntlets".into(),
            Screen::Quiz(s) => format!("{}{unsaved}", s.quiz.title),
            Screen::Review(s) => format!("review · {}{unsaved}", s.status()),
        }
    }

    /// A status line for a live cluster, when there is one; `held` while
    /// the help overlay stops its clock.
    pub fn live_status(&self, cx: &Ctx, width: u16, held: bool) -> Option<Line<'static>> {
        self.live()
            .map(|l| cluster::status(l, &cx.theme, width, held))
    }
}
