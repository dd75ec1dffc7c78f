//! Keys → actions, in one table per screen. The help overlay is drawn from
//! the same table, so what `?` says and what a key does cannot drift apart.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::scenario::Knob;

/// Everything that can happen to the app. Terminal events and ticks become
/// actions; `App::update` applies them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Ctrl-Z: handled by the loop (it owns the terminal).
    Suspend,
    Back,
    ToggleHelp,
    /// Move the selection or scroll the focused pane by lines.
    Move(i32),
    /// By pages.
    Page(i32),
    Top,
    Bottom,
    Open,
    OpenBlock(u8),
    FocusNext,
    FocusPrev,
    RevealAnswer,
    LoadTryIt,
    /// Jump to the next (+1) or previous (-1) heading.
    Section(i32),
    // The live cluster.
    TogglePause,
    /// Hide or show routine traffic in the event log.
    ToggleRoutine,
    StepOne,
    Faster,
    Slower,
    SelectNode(u32),
    /// A digit of a node number being typed (clusters over 9 nodes).
    NodeDigit(u32),
    /// Select the node whose number was typed.
    ConfirmNode,
    /// Select the previous (-1) or next (+1) node.
    CycleNode(i32),
    CrashRestart,
    /// Cycle the selected node's clock offset: 0 → +1 s → −1 s → 0.
    CycleSkew,
    NextSide,
    Heal,
    /// A client operation through the selected node, by its declared verb.
    Client(&'static str),
    /// Switch the key `w` and `r` use.
    NextKey,
    Reset,
    /// Cycle a scenario setting (by knob name).
    Tune(String),
    // Gauntlets.
    StartGauntlet(u8),
    TypeChar(char),
    DeleteChar,
    Submit,
    SkipQuestion,
    /// Answer "leave this gauntlet?": yes or no.
    ConfirmLeave(bool),
    // Review.
    /// From an answered review item to the next one.
    Next,
    // Not from keys.
    Tick(Duration),
    Resize(u16, u16),
    Click {
        col: u16,
        row: u16,
    },
    Wheel {
        col: u16,
        row: u16,
        down: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScreenKind {
    Home,
    Lesson,
    Playground,
    Info,
    Gauntlets,
    Quiz,
    Review,
}

/// Where a gauntlet is, for its keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuizPhase {
    /// Typing an answer; `?` opens help only on an empty line.
    Answering { input_empty: bool },
    /// "Leave this gauntlet?"
    Confirm,
    /// The result page.
    Done,
}

/// Where a review session is, for its keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewPhase {
    /// Typing an answer; `?` opens help only on an empty line.
    Answering { input_empty: bool },
    /// The grade and explanation are on screen.
    Answered,
    /// The summary.
    Done,
    /// Nothing was due.
    Empty,
}

/// What decides which keys mean what.
#[derive(Clone, Copy, Debug)]
pub struct KeyCtx<'a> {
    pub screen: ScreenKind,
    pub help_open: bool,
    /// A live cluster is on screen.
    pub live: bool,
    /// The lesson has "Try it" headings.
    pub try_its: bool,
    pub answers: bool,
    pub knobs: &'a [Knob],
    /// Nodes in the live cluster (0 without one): above 9, digits build a
    /// node number that Enter selects.
    pub cluster_size: usize,
    /// The live cluster's client operations (its protocol's declaration).
    pub ops: &'a [crate::sim::OpSpec],
    /// The live cluster's keys for `w` and `r`, and which one is in use.
    pub data_keys: &'a [&'static str],
    pub data_key: &'a str,
    /// On the quiz screen.
    pub quiz: Option<QuizPhase>,
    /// On the review screen.
    pub review: Option<ReviewPhase>,
    /// Esc here leaves the program: this screen is what it was started
    /// for (`statedist gauntlet 1`, `statedist review`).
    pub esc_leaves: bool,
}

impl KeyCtx<'_> {
    /// Whether characters go to an answer line.
    pub fn typing(&self) -> bool {
        matches!(self.quiz, Some(QuizPhase::Answering { .. }))
            || matches!(self.review, Some(ReviewPhase::Answering { .. }))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Everywhere,
    Course,
    Reading,
    Cluster,
    Settings,
    Gauntlet,
    Review,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Everywhere => "Everywhere",
            Section::Course => "Course map",
            Section::Reading => "Reading and scrolling",
            Section::Cluster => "Live cluster",
            Section::Settings => "This scenario's settings",
            Section::Gauntlet => "Gauntlet",
            Section::Review => "Spaced review",
        }
    }
}

/// A key as the table matches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}
const fn code(c: KeyCode) -> Key {
    Key {
        code: c,
        ctrl: false,
    }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Key {
    fn matches(&self, ev: &KeyEvent) -> bool {
        let has_ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        if has_ctrl != self.ctrl || ev.modifiers.contains(KeyModifiers::ALT) {
            return false;
        }
        match (self.code, ev.code) {
            // Shift is part of the character ('H', '?', '+').
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                a == b || (self.ctrl && a == b.to_ascii_lowercase())
            }
            (a, b) => a == b,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub keys: Vec<Key>,
    /// How help shows the keys: "↑ k".
    pub label: String,
    pub help: String,
    pub section: Section,
    pub action: Action,
    /// Bound but listed under another binding's label (node keys 2-9).
    pub hidden: bool,
}

fn bind(section: Section, keys: &[Key], label: &str, help: &str, action: Action) -> Binding {
    Binding {
        keys: keys.to_vec(),
        label: label.to_string(),
        help: help.to_string(),
        section,
        action,
        hidden: false,
    }
}

/// Keys that scenario settings may not take.
fn reserved(c: char) -> bool {
    matches!(
        c,
        'q' | '?'
            | ' '
            | '.'
            | '+'
            | '='
            | '-'
            | '_'
            | 'c'
            | 'p'
            | 'H'
            | 'R'
            | 'j'
            | 'k'
            | 'g'
            | 'G'
            | 'h'
            | 'l'
            | 'a'
            | 't'
            | 'f'
            | 'o'
    ) || c.is_ascii_digit()
}

/// Every binding of a screen, in the order help lists them. The first
/// binding that matches a key wins.
pub fn bindings(ctx: &KeyCtx<'_>) -> Vec<Binding> {
    use Section::*;
    let mut b = Vec::new();
    if ctx.help_open {
        b.push(bind(
            Everywhere,
            &[ch('?'), code(KeyCode::Esc)],
            "? Esc",
            "close this help",
            Action::ToggleHelp,
        ));
        b.push(bind(
            Everywhere,
            &[code(KeyCode::Down), ch('j')],
            "↓ j",
            "scroll the help",
            Action::Move(1),
        ));
        b.push(bind(
            Everywhere,
            &[code(KeyCode::Up), ch('k')],
            "↑ k",
            "scroll the help",
            Action::Move(-1),
        ));
        b.push(bind(
            Everywhere,
            &[ch('q'), ctrl('c')],
            "q",
            "quit",
            Action::Quit,
        ));
        return b;
    }
    if matches!(
        ctx.quiz,
        Some(QuizPhase::Answering { .. } | QuizPhase::Confirm)
    ) || ctx.typing()
    {
        b.push(bind(
            Everywhere,
            &[ctrl('z')],
            "Ctrl-Z",
            "suspend to the shell (fg comes back)",
            Action::Suspend,
        ));
    }
    // On an answer line `?` is help only while the line is empty (then it
    // is typed). Listed first, with the other keys that work everywhere.
    let input_empty = matches!(
        (ctx.quiz, ctx.review),
        (Some(QuizPhase::Answering { input_empty: true }), _)
            | (_, Some(ReviewPhase::Answering { input_empty: true }))
    );
    if input_empty {
        b.push(bind(
            Everywhere,
            &[ch('?')],
            "?",
            "this help (on an empty answer line)",
            Action::ToggleHelp,
        ));
    }
    if matches!(ctx.review, Some(ReviewPhase::Answering { .. })) {
        b.push(bind(
            Everywhere,
            &[ctrl('c')],
            "Ctrl-C",
            "quit (every answer so far is saved)",
            Action::Quit,
        ));
    }
    match ctx.quiz {
        Some(QuizPhase::Answering { .. }) => {
            b.push(bind(
                Gauntlet,
                &[code(KeyCode::Enter)],
                "Enter",
                "submit your answer",
                Action::Submit,
            ));
            b.push(bind(
                Gauntlet,
                &[code(KeyCode::Tab)],
                "Tab",
                "skip: the question comes back after the others; skipped twice, it counts as wrong",
                Action::SkipQuestion,
            ));
            b.push(bind(
                Gauntlet,
                &[code(KeyCode::Backspace)],
                "Backspace",
                "erase a character",
                Action::DeleteChar,
            ));
            b.push(bind(
                Gauntlet,
                &[],
                "letters",
                "type your answer (the line under the question says what to type)",
                Action::TypeChar(' '),
            ));
            b.push(bind(
                Gauntlet,
                &[code(KeyCode::Esc), ctrl('c')],
                "Esc Ctrl-C",
                "leave the gauntlet (asks first; it counts as abandoned)",
                Action::Back,
            ));
            return b;
        }
        Some(QuizPhase::Confirm) => {
            b.push(bind(
                Gauntlet,
                &[ch('y'), ch('Y')],
                "y",
                "yes, leave: the attempt is recorded as abandoned",
                Action::ConfirmLeave(true),
            ));
            b.push(bind(
                Gauntlet,
                &[ch('n'), ch('N'), code(KeyCode::Esc)],
                "n Esc",
                "no, keep going",
                Action::ConfirmLeave(false),
            ));
            return b;
        }
        Some(QuizPhase::Done) | None => {}
    }
    if let Some(ReviewPhase::Answering { .. }) = ctx.review {
        b.push(bind(
            Review,
            &[code(KeyCode::Enter)],
            "Enter",
            "submit your answer: it is graded, explained and rescheduled at once",
            Action::Submit,
        ));
        b.push(bind(
            Review,
            &[code(KeyCode::Tab)],
            "Tab",
            "skip: the question stays due for your next review",
            Action::SkipQuestion,
        ));
        b.push(bind(
            Review,
            &[code(KeyCode::Backspace)],
            "Backspace",
            "erase a character",
            Action::DeleteChar,
        ));
        b.push(bind(
            Review,
            &[],
            "letters",
            "type your answer (the line under the question says what to type)",
            Action::TypeChar(' '),
        ));
        b.push(bind(
            Review,
            &[code(KeyCode::Esc)],
            "Esc",
            "end the review: your answers are saved, the rest stay due",
            Action::Back,
        ));
        return b;
    }
    b.push(bind(
        Everywhere,
        &[ch('?')],
        "?",
        "this help: every key of this screen",
        Action::ToggleHelp,
    ));
    b.push(bind(
        Everywhere,
        &[ch('q'), ctrl('c')],
        "q Ctrl-C",
        "quit (your progress is kept)",
        Action::Quit,
    ));
    b.push(bind(
        Everywhere,
        &[ctrl('z')],
        "Ctrl-Z",
        "suspend to the shell (fg comes back)",
        Action::Suspend,
    ));
    let back = match (ctx.screen, ctx.review) {
        (ScreenKind::Review, Some(ReviewPhase::Answered)) => {
            "end the review: your answers are saved, the rest stay due"
        }
        _ if ctx.esc_leaves => match ctx.screen {
            ScreenKind::Quiz => "leave statedist (it was started for this gauntlet)",
            ScreenKind::Review => "leave statedist (it was started for this review)",
            _ => "leave statedist (it was started for the gauntlets)",
        },
        (ScreenKind::Home, _) => "back (nothing to go back to here)",
        (ScreenKind::Quiz, _) => "back to the list of gauntlets",
        (ScreenKind::Playground, _) => "back (q quits the playground)",
        _ => "back to the course map",
    };
    b.push(bind(
        Everywhere,
        &[code(KeyCode::Esc), code(KeyCode::Backspace)],
        "Esc",
        back,
        Action::Back,
    ));
    match ctx.screen {
        ScreenKind::Home => {
            b.push(bind(
                Course,
                &[code(KeyCode::Down), ch('j')],
                "↓ j",
                "next entry",
                Action::Move(1),
            ));
            b.push(bind(
                Course,
                &[code(KeyCode::Up), ch('k')],
                "↑ k",
                "previous entry",
                Action::Move(-1),
            ));
            b.push(bind(
                Course,
                &[code(KeyCode::Home), ch('g')],
                "Home g",
                "first entry",
                Action::Top,
            ));
            b.push(bind(
                Course,
                &[code(KeyCode::End), ch('G')],
                "End G",
                "last entry",
                Action::Bottom,
            ));
            b.push(bind(
                Course,
                &[code(KeyCode::Enter), code(KeyCode::Right), ch('l')],
                "Enter →",
                "open the entry",
                Action::Open,
            ));
            for n in 1..=7u8 {
                let mut x = bind(
                    Course,
                    &[ch((b'0' + n) as char)],
                    "1-7",
                    "open focus block N",
                    Action::OpenBlock(n),
                );
                x.hidden = n > 1;
                b.push(x);
            }
        }
        ScreenKind::Gauntlets => {
            b.push(bind(
                Course,
                &[code(KeyCode::Down), ch('j')],
                "↓ j",
                "next",
                Action::Move(1),
            ));
            b.push(bind(
                Course,
                &[code(KeyCode::Up), ch('k')],
                "↑ k",
                "previous",
                Action::Move(-1),
            ));
            b.push(bind(
                Course,
                &[code(KeyCode::Enter), code(KeyCode::Right), ch('l')],
                "Enter →",
                "start the selected quiz (its clock starts at once)",
                Action::Open,
            ));
            for n in 1..=4u8 {
                let mut x = bind(
                    Course,
                    &[ch((b'0' + n) as char)],
                    "1-4",
                    "start gauntlet N",
                    Action::StartGauntlet(n),
                );
                x.hidden = n > 1;
                b.push(x);
            }
        }
        ScreenKind::Quiz => {
            b.push(bind(
                Reading,
                &[code(KeyCode::Down), ch('j')],
                "↓ j",
                "scroll the results",
                Action::Move(1),
            ));
            b.push(bind(
                Reading,
                &[code(KeyCode::Up), ch('k')],
                "↑ k",
                "scroll the results",
                Action::Move(-1),
            ));
            b.push(bind(
                Reading,
                &[code(KeyCode::PageDown)],
                "PgDn",
                "scroll a page",
                Action::Page(1),
            ));
            b.push(bind(
                Reading,
                &[code(KeyCode::PageUp)],
                "PgUp",
                "scroll a page back",
                Action::Page(-1),
            ));
            b.push(bind(
                Course,
                &[code(KeyCode::Enter)],
                "Enter",
                if ctx.esc_leaves {
                    "leave statedist, as Esc does"
                } else {
                    "back to the list of gauntlets"
                },
                Action::Back,
            ));
        }
        ScreenKind::Review => {
            let what = match ctx.review {
                Some(ReviewPhase::Done | ReviewPhase::Empty) => "scroll the summary",
                _ => "scroll the answer and its explanation",
            };
            b.push(bind(
                Reading,
                &[code(KeyCode::Down), ch('j')],
                "↓ j",
                what,
                Action::Move(1),
            ));
            b.push(bind(
                Reading,
                &[code(KeyCode::Up), ch('k')],
                "↑ k",
                what,
                Action::Move(-1),
            ));
            match ctx.review {
                Some(ReviewPhase::Answered) => b.push(bind(
                    Review,
                    &[code(KeyCode::Enter), ch(' ')],
                    "Enter Space",
                    "next question (after the last one: the summary)",
                    Action::Next,
                )),
                Some(ReviewPhase::Empty) => b.push(bind(
                    Review,
                    &[code(KeyCode::Enter), ch('g')],
                    "Enter g",
                    "pick a gauntlet: what you answer there gets a review schedule",
                    Action::Open,
                )),
                _ => b.push(bind(
                    Review,
                    &[code(KeyCode::Enter)],
                    "Enter",
                    if ctx.esc_leaves {
                        "leave statedist, as Esc does"
                    } else {
                        "back to the course map, as Esc does"
                    },
                    Action::Back,
                )),
            }
        }
        ScreenKind::Info => {
            b.push(bind(
                Reading,
                &[code(KeyCode::Down), ch('j')],
                "↓ j",
                "scroll down",
                Action::Move(1),
            ));
            b.push(bind(
                Reading,
                &[code(KeyCode::Up), ch('k')],
                "↑ k",
                "scroll up",
                Action::Move(-1),
            ));
        }
        ScreenKind::Lesson | ScreenKind::Playground => {
            let what = if ctx.screen == ScreenKind::Lesson {
                "the focused pane (lesson, event log, inside the nodes or checkers)"
            } else {
                "the focused pane"
            };
            b.push(bind(
                Everywhere,
                &[code(KeyCode::Tab)],
                "Tab",
                &format!("focus the next pane; arrows scroll {what}"),
                Action::FocusNext,
            ));
            b.push(bind(
                Everywhere,
                &[code(KeyCode::BackTab)],
                "Shift-Tab",
                "focus the previous pane",
                Action::FocusPrev,
            ));
            b.push(bind(
                Reading,
                &[code(KeyCode::Down), ch('j')],
                "↓ j",
                "scroll down a line (mouse wheel too)",
                Action::Move(1),
            ));
            b.push(bind(
                Reading,
                &[code(KeyCode::Up), ch('k')],
                "↑ k",
                "scroll up a line",
                Action::Move(-1),
            ));
            b.push(bind(
                Reading,
                &[code(KeyCode::PageDown), ctrl('d'), ctrl('f')],
                "PgDn",
                "scroll down a page",
                Action::Page(1),
            ));
            b.push(bind(
                Reading,
                &[code(KeyCode::PageUp), ctrl('u'), ctrl('b')],
                "PgUp",
                "scroll up a page",
                Action::Page(-1),
            ));
            b.push(bind(
                Reading,
                &[code(KeyCode::Home), ch('g')],
                "Home g",
                "go to the top",
                Action::Top,
            ));
            b.push(bind(
                Reading,
                &[code(KeyCode::End), ch('G')],
                "End G",
                "go to the end",
                Action::Bottom,
            ));
            if ctx.screen == ScreenKind::Lesson {
                b.push(bind(
                    Reading,
                    &[ch(']')],
                    "] [",
                    "next / previous section",
                    Action::Section(1),
                ));
                let mut prev = bind(
                    Reading,
                    &[ch('[')],
                    "[",
                    "previous section",
                    Action::Section(-1),
                );
                prev.hidden = true;
                b.push(prev);
            }
            if ctx.answers {
                b.push(bind(
                    Reading,
                    &[ch('a')],
                    "a",
                    "reveal (or hide) the model answer on screen",
                    Action::RevealAnswer,
                ));
            }
            if ctx.try_its && ctx.live {
                b.push(bind(
                    Reading,
                    &[ch('t')],
                    "t",
                    "run the scenario of the \"Try it\" section you are reading",
                    Action::LoadTryIt,
                ));
            }
        }
    }
    if ctx.live && matches!(ctx.screen, ScreenKind::Lesson | ScreenKind::Playground) {
        b.push(bind(
            Cluster,
            &[ch(' ')],
            "Space",
            "pause / resume the cluster",
            Action::TogglePause,
        ));
        b.push(bind(
            Cluster,
            &[ch('.')],
            ".",
            "advance one event (pauses)",
            Action::StepOne,
        ));
        b.push(bind(
            Cluster,
            &[ch('+'), ch('=')],
            "+",
            "faster",
            Action::Faster,
        ));
        b.push(bind(
            Cluster,
            &[ch('-'), ch('_')],
            "-",
            "slower",
            Action::Slower,
        ));
        if ctx.cluster_size > 9 {
            for d in 0..=9u32 {
                let mut x = bind(
                    Cluster,
                    &[ch(char::from_digit(d, 10).expect("a digit"))],
                    "0-9 Enter",
                    "type a node's number, then Enter to select it (or click it)",
                    Action::NodeDigit(d),
                );
                x.hidden = d > 0;
                b.push(x);
            }
            let mut x = bind(
                Cluster,
                &[code(KeyCode::Enter)],
                "Enter",
                "select the node whose number you typed",
                Action::ConfirmNode,
            );
            x.hidden = true;
            b.push(x);
        } else {
            for n in 1..=9u32 {
                let mut x = bind(
                    Cluster,
                    &[ch(char::from_digit(n, 10).expect("a digit"))],
                    "1-9",
                    "select node N (or click it)",
                    Action::SelectNode(n),
                );
                x.hidden = n > 1;
                b.push(x);
            }
        }
        b.push(bind(
            Cluster,
            &[code(KeyCode::Left), ch('h')],
            "← h",
            "select the previous node",
            Action::CycleNode(-1),
        ));
        b.push(bind(
            Cluster,
            &[code(KeyCode::Right), ch('l')],
            "→ l",
            "select the next node",
            Action::CycleNode(1),
        ));
        b.push(bind(
            Cluster,
            &[ch('c')],
            "c",
            "crash the selected node, or restart it",
            Action::CrashRestart,
        ));
        b.push(bind(
            Cluster,
            &[ch('o')],
            "o",
            "skew the selected node's clock: 0 → +1s → −1s → 0 (its writes are stamped by it)",
            Action::CycleSkew,
        ));
        b.push(bind(
            Cluster,
            &[ch('p')],
            "p",
            "move the selected node to the next partition side (A→B→C→A)",
            Action::NextSide,
        ));
        b.push(bind(
            Cluster,
            &[ch('H')],
            "H",
            "heal every partition",
            Action::Heal,
        ));
        // The scenario's own client operations, as its protocol declares them.
        for op in ctx.ops {
            if let Some(k) = op.key {
                b.push(bind(
                    Cluster,
                    &[ch(k)],
                    &k.to_string(),
                    &op.help.replace("{key}", ctx.data_key),
                    Action::Client(op.verb),
                ));
            }
        }
        if ctx.data_keys.len() > 1 {
            b.push(bind(
                Cluster,
                &[ch('K')],
                "K",
                &format!(
                    "switch the key w and r use ({}); now {}",
                    ctx.data_keys.join(" → "),
                    ctx.data_key
                ),
                Action::NextKey,
            ));
        }
        b.push(bind(
            Cluster,
            &[ch('R')],
            "R",
            "reset the scenario (same seed, your actions undone)",
            Action::Reset,
        ));
        b.push(bind(
            Cluster,
            &[ch('f')],
            "f",
            "event log: hide routine traffic (timer firings, heartbeats, gossip, resends and their acks), or show it again",
            Action::ToggleRoutine,
        ));
        for k in ctx.knobs {
            let choices = k.choices.join(" → ");
            if reserved(k.key) || ctx.ops.iter().any(|o| o.key == Some(k.key)) {
                b.push(bind(
                    Settings,
                    &[],
                    "(none)",
                    &format!(
                        "{} = {} ({choices}): {} — its key '{}' is taken",
                        k.name, k.value, k.help, k.key
                    ),
                    Action::Tune(k.name.clone()),
                ));
            } else {
                b.push(bind(
                    Settings,
                    &[ch(k.key)],
                    &k.key.to_string(),
                    &format!("{} = {} ({choices}): {}", k.name, k.value, k.help),
                    Action::Tune(k.name.clone()),
                ));
            }
        }
    }
    b
}

/// The action a key press means on this screen, if any. Pure.
pub fn action_for(ctx: &KeyCtx<'_>, ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let bound = bindings(ctx)
        .into_iter()
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action);
    // On the answer line, every other character is typed.
    match (bound, ev.code) {
        (None, KeyCode::Char(c))
            if ctx.typing()
                && !ev
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(Action::TypeChar(c))
        }
        (bound, _) => bound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    fn ctx(screen: ScreenKind) -> KeyCtx<'static> {
        KeyCtx {
            screen,
            help_open: false,
            live: true,
            try_its: true,
            answers: true,
            knobs: &[],
            cluster_size: 3,
            ops: crate::protocols::register::OPS,
            data_keys: &["x", "y"],
            data_key: "x",
            quiz: None,
            review: None,
            esc_leaves: false,
        }
    }

    #[test]
    fn every_issue_key_is_bound_on_the_live_screens() {
        for screen in [ScreenKind::Lesson, ScreenKind::Playground] {
            let c = ctx(screen);
            let k = |ch: char| action_for(&c, &key(KeyCode::Char(ch), KeyModifiers::NONE));
            assert_eq!(k(' '), Some(Action::TogglePause));
            assert_eq!(k('.'), Some(Action::StepOne));
            assert_eq!(k('+'), Some(Action::Faster));
            assert_eq!(k('-'), Some(Action::Slower));
            assert_eq!(k('3'), Some(Action::SelectNode(3)));
            assert_eq!(k('9'), Some(Action::SelectNode(9)));
            assert_eq!(k('c'), Some(Action::CrashRestart));
            assert_eq!(k('p'), Some(Action::NextSide));
            assert_eq!(k('o'), Some(Action::CycleSkew));
            assert_eq!(k('w'), Some(Action::Client("write")));
            assert_eq!(k('r'), Some(Action::Client("read")));
            assert_eq!(k('K'), Some(Action::NextKey));
            assert_eq!(k('?'), Some(Action::ToggleHelp));
            assert_eq!(k('q'), Some(Action::Quit));
            assert_eq!(
                action_for(&c, &key(KeyCode::Char('H'), KeyModifiers::SHIFT)),
                Some(Action::Heal)
            );
            assert_eq!(
                action_for(&c, &key(KeyCode::Char('R'), KeyModifiers::SHIFT)),
                Some(Action::Reset)
            );
            assert_eq!(
                action_for(&c, &key(KeyCode::Tab, KeyModifiers::NONE)),
                Some(Action::FocusNext)
            );
            assert_eq!(
                action_for(&c, &key(KeyCode::Esc, KeyModifiers::NONE)),
                Some(Action::Back)
            );
            assert_eq!(
                action_for(&c, &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
                Some(Action::Quit)
            );
        }
    }

    #[test]
    fn knobs_get_their_key_unless_it_is_taken() {
        let knobs = vec![
            Knob {
                name: "mode".into(),
                key: 'm',
                value: "async".into(),
                help: "replication mode".into(),
                choices: vec!["async".into(), "sync".into()],
            },
            Knob {
                name: "w".into(),
                key: 'w',
                value: "2".into(),
                help: "write quorum".into(),
                choices: vec!["1".into(), "2".into()],
            },
        ];
        let c = KeyCtx {
            knobs: &knobs,
            ..ctx(ScreenKind::Playground)
        };
        assert_eq!(
            action_for(&c, &key(KeyCode::Char('m'), KeyModifiers::NONE)),
            Some(Action::Tune("mode".into()))
        );
        assert_eq!(
            action_for(&c, &key(KeyCode::Char('w'), KeyModifiers::NONE)),
            Some(Action::Client("write"))
        );
        let help: Vec<String> = bindings(&c).into_iter().map(|b| b.help).collect();
        assert!(help.iter().any(|h| h.contains("is taken")), "{help:?}");
    }

    #[test]
    fn no_two_visible_bindings_share_a_key() {
        for screen in [
            ScreenKind::Home,
            ScreenKind::Lesson,
            ScreenKind::Playground,
            ScreenKind::Info,
        ] {
            for help_open in [false, true] {
                let c = KeyCtx {
                    help_open,
                    ..ctx(screen)
                };
                let all = bindings(&c);
                for (i, a) in all.iter().enumerate() {
                    for b in &all[i + 1..] {
                        for k in &a.keys {
                            assert!(!b.keys.contains(k), "{screen:?}: {k:?} bound twice");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn review_keys_type_answers_and_never_clash() {
        let phases = [
            ReviewPhase::Answering { input_empty: true },
            ReviewPhase::Answering { input_empty: false },
            ReviewPhase::Answered,
            ReviewPhase::Done,
            ReviewPhase::Empty,
        ];
        for phase in phases {
            for esc_leaves in [false, true] {
                let c = KeyCtx {
                    live: false,
                    review: Some(phase),
                    esc_leaves,
                    ..ctx(ScreenKind::Review)
                };
                let all = bindings(&c);
                for (i, a) in all.iter().enumerate() {
                    for b in &all[i + 1..] {
                        for k in &a.keys {
                            assert!(!b.keys.contains(k), "{phase:?}: {k:?} bound twice");
                        }
                    }
                }
                let k = |code| action_for(&c, &key(code, KeyModifiers::NONE));
                assert_eq!(k(KeyCode::Esc), Some(Action::Back), "{phase:?}");
                match phase {
                    ReviewPhase::Answering { input_empty } => {
                        for ch in ['q', 'a', '1', 'g', ' '] {
                            assert_eq!(k(KeyCode::Char(ch)), Some(Action::TypeChar(ch)));
                        }
                        assert_eq!(k(KeyCode::Enter), Some(Action::Submit));
                        assert_eq!(k(KeyCode::Tab), Some(Action::SkipQuestion));
                        assert_eq!(
                            k(KeyCode::Char('?')),
                            Some(if input_empty {
                                Action::ToggleHelp
                            } else {
                                Action::TypeChar('?')
                            })
                        );
                    }
                    ReviewPhase::Answered => {
                        assert_eq!(k(KeyCode::Enter), Some(Action::Next));
                        assert_eq!(k(KeyCode::Char('q')), Some(Action::Quit));
                    }
                    ReviewPhase::Empty => assert_eq!(k(KeyCode::Enter), Some(Action::Open)),
                    ReviewPhase::Done => assert_eq!(k(KeyCode::Enter), Some(Action::Back)),
                }
            }
        }
    }
}
