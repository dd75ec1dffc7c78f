//! Keys → actions. Each screen builds its table of [`Binding`]s (in
//! `screens/`); the same table dispatches keys, fills the `?` overlay and
//! the bottom hint bar, so what help says and what a key does cannot drift
//! apart. This file holds the types, the matching, the bindings several
//! screens share (the ones that work everywhere, scrolling, the live
//! cluster's keys from the scenario's declaration) and the hint bar's fit.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::live::Live;

/// Everything that can happen to the app. Terminal events and ticks become
/// actions; `App::update` hands them to the screen on top.
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
    /// Cycle the selected node's one-way cut: none, deaf, mute.
    OneWay,
    /// Cycle the selected node's clock: 0 → +1 s → −1 s → 50% slow → 0.
    CycleSkew,
    /// Freeze the selected node for a while (a stop-the-world pause).
    Freeze,
    NextSide,
    Heal,
    /// A client operation through the selected node, by its declared verb.
    Client(&'static str),
    /// Switch the key `w` and `r` use.
    NextKey,
    /// Cycles pick 1 or 2 among what the panes can compare.
    Pick(usize),
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

impl ScreenKind {
    /// What the `?` overlay calls the screen.
    pub fn name(self) -> &'static str {
        match self {
            ScreenKind::Home => "course map",
            ScreenKind::Lesson => "lesson",
            ScreenKind::Playground => "playground",
            ScreenKind::Info => "page",
            ScreenKind::Gauntlets => "gauntlets",
            ScreenKind::Quiz => "gauntlet",
            ScreenKind::Review => "review",
        }
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

pub const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}
pub const fn code(c: KeyCode) -> Key {
    Key {
        code: c,
        ctrl: false,
    }
}
pub const fn ctrl(c: char) -> Key {
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

/// How a binding shows in the bottom hint bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// The keys as the bar shows them ("↑↓" for a pair of bindings).
    pub keys: String,
    pub word: String,
    /// When the bar is too narrow the lowest `keep` goes first; 10 (`?`)
    /// always stays.
    pub keep: u8,
    /// Drawn first and in the warning colour: what the learner should do next.
    pub urgent: bool,
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
    pub hint: Option<Hint>,
}

pub fn bind(section: Section, keys: &[Key], label: &str, help: &str, action: Action) -> Binding {
    Binding {
        keys: keys.to_vec(),
        label: label.to_string(),
        help: help.to_string(),
        section,
        action,
        hidden: false,
        hint: None,
    }
}

impl Binding {
    pub fn hidden(mut self) -> Self {
        self.hidden = true;
        self
    }
    /// Shown in the hint bar under its own label.
    pub fn hint(self, word: &str, keep: u8) -> Self {
        let keys = self.label.clone();
        self.hint_as(&keys, word, keep)
    }
    pub fn hint_as(mut self, keys: &str, word: &str, keep: u8) -> Self {
        self.hint = Some(Hint {
            keys: keys.to_string(),
            word: word.to_string(),
            keep,
            urgent: false,
        });
        self
    }
    pub fn urgent(mut self) -> Self {
        if let Some(h) = &mut self.hint {
            h.urgent = true;
        }
        self
    }
    fn takes(&self, ev: &KeyEvent) -> bool {
        self.keys.iter().any(|k| k.matches(ev))
    }
}

/// Whether a key is already bound in `table`.
pub fn taken(table: &[Binding], key: Key) -> bool {
    table.iter().any(|b| b.keys.contains(&key))
}

/// The action `ev` means in `table`: the first binding that takes it. On an
/// answer line (`typing`) every other plain character is typed.
pub fn action_for(table: &[Binding], typing: bool, ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let bound = table.iter().find(|b| b.takes(ev)).map(|b| b.action.clone());
    match (bound, ev.code) {
        (None, KeyCode::Char(c))
            if typing
                && !ev
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(Action::TypeChar(c))
        }
        (bound, _) => bound,
    }
}

/// The overlay's own keys while `?` is open.
pub fn help_open() -> Vec<Binding> {
    use Section::Everywhere;
    vec![
        bind(
            Everywhere,
            &[ch('?'), code(KeyCode::Esc)],
            "? Esc",
            "close this help",
            Action::ToggleHelp,
        ),
        bind(
            Everywhere,
            &[code(KeyCode::Down), ch('j')],
            "↓ j",
            "scroll the help",
            Action::Move(1),
        ),
        bind(
            Everywhere,
            &[code(KeyCode::Up), ch('k')],
            "↑ k",
            "scroll the help",
            Action::Move(-1),
        ),
        bind(Everywhere, &[ch('q'), ctrl('c')], "q", "quit", Action::Quit),
    ]
}

/// `Esc` (saying where it goes), `?`, `q` and Ctrl-Z: the keys of every
/// screen without an answer line.
pub fn everywhere(back: &str, back_word: Option<&str>) -> Vec<Binding> {
    use Section::Everywhere;
    let esc = bind(
        Everywhere,
        &[code(KeyCode::Esc), code(KeyCode::Backspace)],
        "Esc",
        back,
        Action::Back,
    );
    vec![
        match back_word {
            Some(w) => esc.hint(w, 9),
            None => esc,
        },
        bind(
            Everywhere,
            &[ch('?')],
            "?",
            "this help: every key of this screen",
            Action::ToggleHelp,
        )
        .hint("help", 10),
        bind(
            Everywhere,
            &[ch('q'), ctrl('c')],
            "q Ctrl-C",
            "quit (your progress is kept)",
            Action::Quit,
        )
        .hint_as("q", "quit", 8),
        suspend(),
    ]
}

pub fn suspend() -> Binding {
    bind(
        Section::Everywhere,
        &[ctrl('z')],
        "Ctrl-Z",
        "suspend to the shell (fg comes back)",
        Action::Suspend,
    )
}

/// ↓ j and ↑ k, which the bar shows as one "↑↓" hint.
pub fn up_down(section: Section, down: &str, up: &str, word: &str, keep: u8) -> Vec<Binding> {
    vec![
        bind(
            section,
            &[code(KeyCode::Down), ch('j')],
            "↓ j",
            down,
            Action::Move(1),
        )
        .hint_as("↑↓", word, keep),
        bind(
            section,
            &[code(KeyCode::Up), ch('k')],
            "↑ k",
            up,
            Action::Move(-1),
        ),
    ]
}

/// Pages and ends: PgDn PgUp (and Ctrl-D/F, Ctrl-U/B), Home g, End G.
pub fn paging(section: Section) -> Vec<Binding> {
    vec![
        bind(
            section,
            &[code(KeyCode::PageDown), ctrl('d'), ctrl('f')],
            "PgDn",
            "scroll down a page",
            Action::Page(1),
        ),
        bind(
            section,
            &[code(KeyCode::PageUp), ctrl('u'), ctrl('b')],
            "PgUp",
            "scroll up a page",
            Action::Page(-1),
        ),
        bind(
            section,
            &[code(KeyCode::Home), ch('g')],
            "Home g",
            "go to the top",
            Action::Top,
        ),
        bind(
            section,
            &[code(KeyCode::End), ch('G')],
            "End G",
            "go to the end",
            Action::Bottom,
        ),
    ]
}

/// Tab and Shift-Tab between the panes; `help` says what Tab does here.
pub fn focus_keys(help: &str, word: &str, keep: u8) -> Vec<Binding> {
    vec![
        bind(
            Section::Reading,
            &[code(KeyCode::Tab)],
            "Tab",
            help,
            Action::FocusNext,
        )
        .hint_as("Tab", word, keep),
        bind(
            Section::Reading,
            &[code(KeyCode::BackTab)],
            "Shift-Tab",
            "focus the previous pane",
            Action::FocusPrev,
        ),
    ]
}

/// An answer line's keys, the same in a gauntlet and a review: `?` while
/// the line is empty (then it is typed), Enter, Tab, Backspace and typing.
pub fn answer_line(
    section: Section,
    input_empty: bool,
    help_note: &str,
    submit: &str,
    skip: &str,
) -> Vec<Binding> {
    let mut b = vec![suspend()];
    if input_empty {
        b.push(
            bind(
                Section::Everywhere,
                &[ch('?')],
                "?",
                &format!("this help (on an empty answer line){help_note}"),
                Action::ToggleHelp,
            )
            .hint("help (empty line)", 10),
        );
    }
    b.extend([
        bind(
            section,
            &[code(KeyCode::Enter)],
            "Enter",
            submit,
            Action::Submit,
        )
        .hint("submit", 9),
        bind(
            section,
            &[code(KeyCode::Tab)],
            "Tab",
            skip,
            Action::SkipQuestion,
        )
        .hint("skip", 8),
        bind(
            section,
            &[code(KeyCode::Backspace)],
            "Backspace",
            "erase a character",
            Action::DeleteChar,
        )
        .hint("erase", 7),
        bind(
            section,
            &[],
            "letters",
            "type your answer (the line under the question says what to type)",
            Action::TypeChar(' '),
        ),
    ]);
    b
}

/// A group of single-key bindings (node numbers, gauntlet numbers) that
/// help lists once, and the hint bar shows once (`hint`: keys, word, keep),
/// under the first one's label.
pub fn numbered(
    section: Section,
    range: std::ops::RangeInclusive<u32>,
    label: &str,
    help: &str,
    hint: (&str, &str, u8),
    action: impl Fn(u32) -> Action,
) -> Vec<Binding> {
    let first = *range.start();
    range
        .map(|n| {
            let b = bind(
                section,
                &[ch(char::from_digit(n, 10).expect("a digit"))],
                label,
                help,
                action(n),
            );
            if n == first {
                b.hint_as(hint.0, hint.1, hint.2)
            } else {
                b.hidden()
            }
        })
        .collect()
}

/// The keys every live cluster has, whatever its scenario, on `size`
/// nodes: selecting and breaking nodes (before the scenario's operations)
/// and pacing the run (after them).
fn cluster_fixed(size: usize) -> (Vec<Binding>, Vec<Binding>) {
    use Section::Cluster;
    let mut b = Vec::new();
    if size > 9 {
        b.extend(numbered(
            Cluster,
            0..=9,
            "0-9 Enter",
            "type a node's number, then Enter to select it (or click it)",
            ("0-9 Enter", "node", 7),
            Action::NodeDigit,
        ));
        b.push(
            bind(
                Cluster,
                &[code(KeyCode::Enter)],
                "Enter",
                "select the node whose number you typed",
                Action::ConfirmNode,
            )
            .hidden(),
        );
    } else {
        b.extend(numbered(
            Cluster,
            1..=9,
            "1-9",
            "select node N (or click it)",
            (&format!("1-{size}"), "node", 7),
            Action::SelectNode,
        ));
    }
    b.extend([
        bind(
            Cluster,
            &[code(KeyCode::Left), ch('h')],
            "← h",
            "select the previous node",
            Action::CycleNode(-1),
        ),
        bind(
            Cluster,
            &[code(KeyCode::Right), ch('l')],
            "→ l",
            "select the next node",
            Action::CycleNode(1),
        ),
        bind(
            Cluster,
            &[ch('p')],
            "p",
            "move the selected node to the next partition side (A→B→C→A)",
            Action::NextSide,
        )
        .hint("side", 8),
        bind(
            Cluster,
            &[ch('c')],
            "c",
            "crash the selected node, or restart it",
            Action::CrashRestart,
        )
        .hint("crash", 8),
        bind(
            Cluster,
            &[ch('x')],
            "x",
            "one-way cut: the selected node deaf → mute → whole (heals other cuts)",
            Action::OneWay,
        ),
        bind(
            Cluster,
            &[ch('o')],
            "o",
            "the selected node's clock: 1s ahead → 1s behind → 50% slow → true time",
            Action::CycleSkew,
        ),
        bind(
            Cluster,
            &[ch('Z')],
            "Z",
            "freeze the selected node for 3s (a GC pause); it never notices",
            Action::Freeze,
        ),
        bind(
            Cluster,
            &[ch('H')],
            "H",
            "heal every partition",
            Action::Heal,
        )
        .hint("heal", 9),
    ]);
    let front = b;
    let mut b = Vec::new();
    b.extend([
        bind(
            Cluster,
            &[ch(' ')],
            "Space",
            "pause / resume the cluster",
            Action::TogglePause,
        )
        .hint("pause", 6),
        bind(
            Cluster,
            &[ch('.')],
            ".",
            "advance one event (pauses)",
            Action::StepOne,
        )
        .hint("step", 2),
        bind(Cluster, &[ch('+'), ch('=')], "+", "faster", Action::Faster).hint_as("+-", "speed", 1),
        bind(Cluster, &[ch('-'), ch('_')], "-", "slower", Action::Slower),
    ]);
    b.extend([
        bind(
            Cluster,
            &[ch('R')],
            "R",
            "reset the scenario (same seed, your actions undone)",
            Action::Reset,
        )
        .hint("reset", 3),
        bind(
            Cluster,
            &[ch('f')],
            "f",
            "event log: hide routine traffic (timer firings, heartbeats, gossip, resends and their acks), or show it again",
            Action::ToggleRoutine,
        ),
    ]);
    (front, b)
}

/// The live cluster's keys: the ones every scenario has, then the
/// scenario's own client operations and settings as its protocol and
/// scenario declare them. A setting whose key an earlier binding (in
/// `table` or here) already uses is listed without a key.
pub fn cluster(l: &Live, table: &[Binding]) -> Vec<Binding> {
    use Section::{Cluster, Settings};
    let (front, back) = cluster_fixed(l.size());
    let mut b = front;
    for op in l.run().operations() {
        if let Some(k) = op.key {
            b.push(
                bind(
                    Cluster,
                    &[ch(k)],
                    &k.to_string(),
                    &op.help.replace("{key}", l.key()),
                    Action::Client(op.verb),
                )
                .hint(&op.label.replace("{key}", l.key()), 8),
            );
        }
    }
    if l.run().pickable().is_some() {
        b.push(
            bind(
                Cluster,
                &[ch('<')],
                "<",
                "pick the first version to compare (again: the next one; after the last, none)",
                Action::Pick(0),
            )
            .hint_as("< >", "pick", 4),
        );
        b.push(bind(
            Cluster,
            &[ch('>')],
            ">",
            "pick the second version to compare; the Compare pane says which descends from which, or that they are concurrent",
            Action::Pick(1),
        ));
    }
    if l.info.keys.len() > 1 {
        b.push(
            bind(
                Cluster,
                &[ch('K')],
                "K",
                &format!(
                    "switch the key w and r use ({}); now {}",
                    l.info.keys.join(" → "),
                    l.key()
                ),
                Action::NextKey,
            )
            .hint("key", 5),
        );
    }
    b.extend(back);
    for k in &l.knobs {
        let choices = k.choices.join(" → ");
        let used = taken(table, ch(k.key)) || taken(&b, ch(k.key));
        b.push(if used {
            bind(
                Settings,
                &[],
                "(none)",
                &format!(
                    "{} = {} ({choices}): {} — its key '{}' is taken",
                    k.name, k.value, k.help, k.key
                ),
                Action::Tune(k.name.clone()),
            )
        } else {
            bind(
                Settings,
                &[ch(k.key)],
                &k.key.to_string(),
                &format!("{} = {} ({choices}): {}", k.name, k.value, k.help),
                Action::Tune(k.name.clone()),
            )
        });
    }
    b
}

/// The hints of `table` that fit in `width` columns, in the order the
/// bar draws them: urgent ones first, then the screen's own keys, then the
/// ones that work everywhere. Too many for the width: the lowest `keep`
/// goes first (the later of equals), so "? help" always shows.
pub fn hint_bar(table: &[Binding], width: usize) -> Vec<Hint> {
    let mut hints: Vec<(u8, Hint)> = table
        .iter()
        .filter_map(|b| {
            let h = b.hint.clone()?;
            let group = if h.urgent {
                0
            } else if b.section == Section::Everywhere {
                2
            } else {
                1
            };
            Some((group, h))
        })
        .collect();
    hints.sort_by_key(|(g, _)| *g);
    let mut hints: Vec<Hint> = hints.into_iter().map(|(_, h)| h).collect();
    let cost = |h: &[Hint]| -> usize {
        1 + h
            .iter()
            .map(|h| {
                unicode_width::UnicodeWidthStr::width(h.keys.as_str())
                    + unicode_width::UnicodeWidthStr::width(h.word.as_str())
                    + 3
            })
            .sum::<usize>()
    };
    while cost(&hints) > width {
        let Some(i) = (0..hints.len())
            .filter(|&i| hints[i].keep < 10)
            .min_by_key(|&i| (hints[i].keep, std::cmp::Reverse(i)))
        else {
            break;
        };
        hints.remove(i);
    }
    hints
}

/// What the status line says for a plain key the screen does not bind, so
/// a key never does nothing silently. `live_here`: the scenario's name when
/// a cluster is on screen; `cluster_key`: whether a live cluster would
/// give the key a meaning.
pub fn unbound_note(c: char, live_here: Option<&str>, cluster_key: bool) -> String {
    match live_here {
        Some(name) => format!("{c} does nothing in {name}: ? lists its keys."),
        None if cluster_key => format!(
            "{c} works on a live cluster, and there is none here: statedist playground has one."
        ),
        None => format!("{c} does nothing here: ? lists this screen's keys."),
    }
}

/// Whether a live cluster would give `c` a meaning (its fixed keys, the
/// register operations every scenario so far offers, `K`), for
/// [`unbound_note`] on a screen without one.
pub fn is_cluster_key(c: char) -> bool {
    let (front, back) = cluster_fixed(3);
    front.iter().chain(&back).any(|b| b.keys.contains(&ch(c)))
        || c == 'K'
        || crate::protocols::register::OPS
            .iter()
            .any(|o| o.key == Some(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<Binding> {
        let mut t = everywhere("back", Some("back"));
        t.extend(up_down(Section::Reading, "down", "up", "scroll", 4));
        t.push(
            bind(
                Section::Reading,
                &[ch('a')],
                "a",
                "answer",
                Action::RevealAnswer,
            )
            .hint("answer", 5),
        );
        t
    }

    #[test]
    fn the_first_binding_that_takes_a_key_wins_and_typing_takes_the_rest() {
        let t = table();
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(action_for(&t, false, &key('a')), Some(Action::RevealAnswer));
        assert_eq!(action_for(&t, false, &key('z')), None);
        assert_eq!(action_for(&t, true, &key('z')), Some(Action::TypeChar('z')));
        assert_eq!(
            action_for(
                &t,
                false,
                &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Action::Quit)
        );
        // Shift is part of the character.
        assert_eq!(
            action_for(
                &t,
                false,
                &KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT)
            ),
            Some(Action::ToggleHelp)
        );
    }

    #[test]
    fn a_narrow_hint_bar_drops_the_least_kept_and_keeps_help() {
        let t = table();
        let all: Vec<String> = hint_bar(&t, 200).into_iter().map(|h| h.keys).collect();
        // The screen's own keys first, then the ones of every screen.
        assert_eq!(all, ["↑↓", "a", "Esc", "?", "q"]);
        let narrow: Vec<String> = hint_bar(&t, 24).into_iter().map(|h| h.keys).collect();
        assert!(narrow.contains(&"?".to_string()), "{narrow:?}");
        assert!(!narrow.contains(&"q".to_string()), "{narrow:?}");
        assert!(hint_bar(&t, 1).iter().any(|h| h.keys == "?"));
    }
}
