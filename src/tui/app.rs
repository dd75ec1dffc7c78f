//! The app: what the screens share ([`Ctx`]), a stack of screens, and the
//! help overlay. `App::update` is where state changes (`handle_event` only
//! adds the note for a key that means nothing); it hands each action to
//! the screen on top, which says where to go next.

use std::path::PathBuf;

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::layout::Rect;

use super::keymap::{self, Action, Binding, ScreenKind};
use super::layout;
use super::screens::gauntlets::{self, Gauntlets};
use super::screens::home::Home;
use super::screens::lesson::LessonScreen;
use super::screens::playground::Playground;
use super::screens::review::ReviewScreen;
use super::screens::{Ctx, Go, Screen};
use super::theme::Theme;
use crate::app::live::Live;
use crate::app::marks::Marks;
use crate::lessons::{self, Lesson};
use crate::scenario::ScenarioInfo;

/// How the app starts.
pub enum Start {
    Home,
    /// A focus block's lesson (1-7), over the course map.
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

pub struct App {
    pub cx: Ctx,
    /// What the program was started for is at the bottom: leaving it
    /// leaves the program, instead of going to a course map the learner
    /// never asked for.
    stack: Vec<Screen>,
    /// The help overlay's scroll, when it is open.
    pub help: Option<usize>,
    pub quit: bool,
}

impl App {
    pub fn new(opts: Options, start: Start) -> App {
        let loaded = lessons::load(opts.content_dir.as_deref());
        let mut cx = Ctx {
            theme: Theme::new(opts.color),
            size: Rect::new(0, 0, opts.size.0, opts.size.1),
            marks: opts.marks,
            excerpts: loaded.lessons.iter().map(Lesson::excerpt).collect(),
            load_errors: loaded.errors.iter().map(|e| e.to_string()).collect(),
            lessons: loaded.lessons,
            seed: opts.seed,
            content_dir: opts.content_dir,
            quiz_limit: opts.quiz_limit,
            picker: None,
            flash: None,
            at_root: true,
        };
        cx.take_notice();
        let mut stack = Vec::new();
        match start {
            Start::Home => stack.push(Screen::Home(Home::new(&cx.lessons))),
            Start::Block(b) => {
                let mut home = Home::new(&cx.lessons);
                let go = home.open_block(b, &mut cx);
                stack.push(Screen::Home(home));
                if let Go::Push(s) = go {
                    stack.push(s);
                }
            }
            Start::Playground {
                scenario,
                nodes,
                seed,
                script,
            } => match Live::start_with(scenario, nodes, seed, script) {
                Ok(l) => stack.push(Screen::Playground(Box::new(Playground::new(l)))),
                Err(e) => {
                    cx.say(e);
                    stack.push(Screen::Home(Home::new(&cx.lessons)));
                }
            },
            Start::Gauntlets => stack.push(Screen::Gauntlets(Gauntlets::open(&mut cx))),
            Start::Gauntlet(id) => {
                let i = cx.picker().entries.iter().position(|e| e.id == id);
                match i.map(|i| gauntlets::start(i, &mut cx)) {
                    Some(Go::Push(q)) => stack.push(q),
                    _ => {
                        cx.say(format!(
                            "There is no quiz \"{id}\": pick one here (statedist check-content shows problems)."
                        ));
                        stack.push(Screen::Gauntlets(Gauntlets::open(&mut cx)));
                    }
                }
            }
            Start::Review => stack.push(Screen::Review(Box::new(ReviewScreen::open(&mut cx)))),
        }
        let mut app = App {
            cx,
            stack,
            help: None,
            quit: false,
        };
        app.settle();
        app
    }

    pub fn screen(&self) -> &Screen {
        self.stack.last().expect("the stack is never empty")
    }

    pub fn screen_kind(&self) -> ScreenKind {
        self.screen().kind()
    }

    pub fn size(&self) -> Rect {
        self.cx.size
    }

    /// The live cluster on screen, if any.
    pub fn live(&self) -> Option<&Live> {
        self.screen().live()
    }

    /// The open lesson, when a lesson is on screen.
    pub fn lesson(&self) -> Option<&LessonScreen> {
        match self.screen() {
            Screen::Lesson(s) => Some(s),
            _ => None,
        }
    }

    pub fn lesson_id(&self) -> Option<&str> {
        let s = self.lesson()?;
        self.cx.lessons.get(s.lesson).map(|l| l.id.as_str())
    }

    /// The "Try it" scenario `t` would run now.
    pub fn current_try_it(&self) -> Option<&str> {
        self.lesson()?.current_try_it(&self.cx)
    }

    /// The course map's selected entry, when it is on screen.
    pub fn home_entry(&self) -> Option<&super::screens::home::Entry> {
        match self.screen() {
            Screen::Home(h) => h.selected(),
            _ => None,
        }
    }

    /// Opens a review session over whatever is on screen.
    pub fn open_review(&mut self) {
        let review = ReviewScreen::open(&mut self.cx);
        self.stack.push(Screen::Review(Box::new(review)));
        self.settle();
    }

    /// The keys that mean something now: the overlay's while `?` is open,
    /// else the screen's.
    pub fn bindings(&self) -> Vec<Binding> {
        if self.help.is_some() {
            keymap::help_open()
        } else {
            self.screen().bindings(&self.cx)
        }
    }

    /// The action a terminal event means here, if any. Pure.
    pub fn action_for_event(&self, ev: &Event) -> Option<Action> {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                let typing = self.help.is_none() && self.screen().typing();
                keymap::action_for(&self.bindings(), typing, k)
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
    /// ignored here). True when the screen should be redrawn. A plain key
    /// that means nothing here says so in the status line.
    pub fn handle_event(&mut self, ev: &Event) -> bool {
        match self.action_for_event(ev) {
            Some(Action::Suspend) => false,
            Some(a) => self.update(a),
            None => match ev {
                Event::Key(k)
                    if k.kind != KeyEventKind::Release
                        && self.help.is_none()
                        && !k
                            .modifiers
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    let KeyCode::Char(c) = k.code else {
                        return false;
                    };
                    let live = self.live().map(|l| l.info.name);
                    self.cx
                        .say(keymap::unbound_note(c, live, keymap::is_cluster_key(c)));
                    true
                }
                _ => false,
            },
        }
    }

    /// How soon the loop should send a tick: `None` while nothing moves.
    pub fn tick_every(&self) -> Option<std::time::Duration> {
        let s = self.screen();
        // A gauntlet's clock runs whatever is on screen.
        if s.keeps_time() {
            return s.tick_every();
        }
        if self.help.is_some() || layout::too_small(self.cx.size) {
            return None;
        }
        s.tick_every()
    }

    /// Applies an action. True when the screen should be redrawn.
    pub fn update(&mut self, action: Action) -> bool {
        if let Action::Tick(dt) = action {
            if self.tick_every().is_none() {
                return false;
            }
            let Self { cx, stack, .. } = self;
            return stack.last_mut().is_some_and(|s| s.tick(dt, cx));
        }
        if let Action::Resize(w, h) = action {
            self.cx.size = Rect::new(0, 0, w, h);
            let Self { cx, stack, .. } = self;
            if let Some(s) = stack.last_mut() {
                s.resized(cx);
            }
            return true;
        }
        self.cx.flash = None;
        if let Some(scroll) = self.help {
            match action {
                Action::ToggleHelp | Action::Back => self.help = None,
                Action::Move(d) => self.help = Some(scroll.saturating_add_signed(d as isize)),
                Action::Wheel { down, .. } => {
                    self.help = Some(scroll.saturating_add_signed(if down { 3 } else { -3 }))
                }
                Action::Quit => {
                    self.help = None;
                    self.dispatch(Action::Quit);
                }
                _ => {}
            }
            return true;
        }
        match action {
            Action::ToggleHelp => self.help = Some(0),
            Action::Suspend => {}
            a => self.dispatch(a),
        }
        true
    }

    /// Hands `action` to the screen on top and goes where it says. Quit
    /// quits, except where the screen must ask first (a running gauntlet).
    fn dispatch(&mut self, action: Action) {
        let guarded = matches!(self.screen(), Screen::Quiz(q) if q.quiz.running());
        if action == Action::Quit && !guarded {
            self.quit = true;
            return;
        }
        let Self { cx, stack, .. } = self;
        let go = match stack.last_mut() {
            Some(s) => s.update(action, cx),
            None => Go::Stay,
        };
        match go {
            Go::Stay => {}
            Go::Push(s) => self.stack.push(s),
            Go::Replace(s) => {
                self.stack.pop();
                self.stack.push(s);
            }
            Go::Pop if self.stack.len() > 1 => {
                self.stack.pop();
            }
            Go::Pop | Go::Quit => self.quit = true,
        }
        self.settle();
    }

    /// After the stack changed: the screen on top knows whether it is the
    /// only one, and is laid out for the current size.
    fn settle(&mut self) {
        self.cx.at_root = self.stack.len() == 1;
        let Self { cx, stack, .. } = self;
        if let Some(s) = stack.last_mut() {
            s.resized(cx);
        }
    }

    /// The program is ending however it was asked to (q, a signal, a closed
    /// terminal): the open lesson's reading position is saved, and a
    /// gauntlet still running, with something answered, is recorded as
    /// abandoned. Review answers are saved as they are given.
    pub fn shutdown(&mut self) {
        let Self { cx, stack, .. } = self;
        if let Some(s) = stack.last_mut() {
            s.shutdown(cx);
        }
    }
}
