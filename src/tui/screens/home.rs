//! The course map: the focus blocks and the other entries, with minutes
//! and progress marks, and what the selected entry holds.

use std::collections::BTreeSet;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::gauntlets::Gauntlets;
use super::info::Info;
use super::lesson::LessonScreen;
use super::review::ReviewScreen;
use super::{Ctx, Go, Screen};
use crate::app::marks::Mark;
use crate::lessons::Lesson;
use crate::tui::keymap::{self, Action, Binding, Section, bind, ch, code};
use crate::tui::layout;
use crate::tui::views::pane_block;

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
    /// Index into `Ctx::lessons`.
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

pub struct Home {
    pub entries: Vec<Entry>,
    pub sel: usize,
}

impl Home {
    pub fn new(lessons: &[Lesson]) -> Home {
        Home {
            entries: course_map(lessons),
            sel: 0,
        }
    }

    pub fn selected(&self) -> Option<&Entry> {
        self.entries.get(self.sel)
    }

    pub fn bindings(&self) -> Vec<Binding> {
        use Section::Course;
        let mut b = keymap::everywhere("back (nothing to go back to here)", None);
        b.extend(keymap::up_down(
            Course,
            "next entry",
            "previous entry",
            "move",
            4,
        ));
        b.extend([
            bind(
                Course,
                &[code(KeyCode::Home), ch('g')],
                "Home g",
                "first entry",
                Action::Top,
            ),
            bind(
                Course,
                &[code(KeyCode::End), ch('G')],
                "End G",
                "last entry",
                Action::Bottom,
            ),
            bind(
                Course,
                &[code(KeyCode::Enter), code(KeyCode::Right), ch('l')],
                "Enter →",
                "open the entry",
                Action::Open,
            )
            .hint_as("Enter", "open", 8),
        ]);
        b.extend(keymap::numbered(
            Course,
            1..=7,
            "1-7",
            "open focus block N",
            ("1-7", "block", 6),
            |n| Action::OpenBlock(n as u8),
        ));
        b
    }

    pub fn update(&mut self, action: Action, cx: &mut Ctx) -> Go {
        let last = self.entries.len().saturating_sub(1);
        match action {
            Action::Back => {
                cx.say("This is the course map: Enter opens an entry, q quits.");
                Go::Stay
            }
            Action::Move(d) => {
                self.sel = self.sel.saturating_add_signed(d as isize).min(last);
                Go::Stay
            }
            Action::Top => {
                self.sel = 0;
                Go::Stay
            }
            Action::Bottom => {
                self.sel = last;
                Go::Stay
            }
            Action::Open => self.open_selected(cx),
            Action::OpenBlock(b) => self.open_block(b, cx),
            Action::Click { col, row } => {
                let (_, list, _) = layout::home(cx.body());
                if !layout::contains(list, col, row) {
                    return Go::Stay;
                }
                let i = (row - list.y) as usize;
                if i == 0 || i > self.entries.len() {
                    return Go::Stay;
                }
                if self.sel == i - 1 {
                    return self.open_selected(cx);
                }
                self.sel = i - 1;
                Go::Stay
            }
            Action::Wheel { down, .. } => {
                self.sel = self
                    .sel
                    .saturating_add_signed(if down { 3 } else { -3 })
                    .min(last);
                Go::Stay
            }
            _ => Go::Stay,
        }
    }

    pub fn open_block(&mut self, b: u8, cx: &mut Ctx) -> Go {
        match self
            .entries
            .iter()
            .position(|e| e.kind == EntryKind::Block(b))
        {
            Some(i) => {
                self.sel = i;
                self.open_selected(cx)
            }
            None => Go::Stay,
        }
    }

    fn open_selected(&mut self, cx: &mut Ctx) -> Go {
        let Some(e) = self.entries.get(self.sel).cloned() else {
            return Go::Stay;
        };
        match (e.lesson, &e.kind) {
            (Some(i), _) => match LessonScreen::open(i, cx) {
                Some(s) => Go::Push(Screen::Lesson(Box::new(s))),
                None => Go::Stay,
            },
            (None, EntryKind::Gauntlets) => Go::Push(Screen::Gauntlets(Gauntlets::open(cx))),
            (None, EntryKind::Review) => Go::Push(Screen::Review(Box::new(ReviewScreen::open(cx)))),
            (None, _) => Go::Push(Screen::Info(Info::new(
                &e.name,
                &format!(
                    "The lesson for \"{}\" is not in this build yet.\n\nMeanwhile, statedist playground --list shows the scenarios you can already experiment with.",
                    e.name
                ),
            ))),
        }
    }

    /// "course map · 3 of 10 lessons read".
    pub fn status(&self, cx: &Ctx) -> String {
        let lessons: Vec<usize> = self.entries.iter().filter_map(|e| e.lesson).collect();
        let read = lessons
            .iter()
            .filter(|&&i| cx.marks.mark(&cx.lessons[i].id) == Mark::Completed)
            .count();
        format!("course map · {read} of {} lessons read", lessons.len())
    }

    pub fn render(&self, cx: &Ctx, body: Rect, buf: &mut Buffer) {
        let t = &cx.theme;
        let now = cx.marks.now();
        let due = cx.marks.due_count(now);
        let next = cx.marks.next_due(now);
        let (banner, list, detail) = layout::home(body);
        let live = self
            .entries
            .iter()
            .filter_map(|e| e.lesson)
            .filter(|&l| !cx.lessons[l].live_scenarios().is_empty())
            .count();
        let total = self.entries.iter().filter(|e| e.lesson.is_some()).count();
        // The title on one line, cut if it must be; what ◆ means wraps
        // under it.
        let title = Line::from(vec![
            Span::styled(
                " statedist ",
                t.accent().add_modifier(ratatui::style::Modifier::REVERSED),
            ),
            Span::styled(
                "  how distributed systems keep state: read a little, then break a live cluster on purpose",
                t.bold(),
            ),
        ]);
        buf.set_line(banner.x, banner.y, &title, banner.width);
        Paragraph::new(Line::styled(
            format!(
                "  Pick a block and press Enter. ◆ marks the {live} of {total} lessons with a live cluster beside the text, to partition, crash and heal; the others are text for now."
            ),
            t.dim(),
        ))
        .wrap(Wrap { trim: false })
        .render(
            Rect {
                y: banner.y + 1,
                height: banner.height.saturating_sub(1),
                ..banner
            },
            buf,
        );

        let block = pane_block("Course map", true, t);
        let inner = block.inner(list);
        block.render(list, buf);
        for (i, e) in self.entries.iter().enumerate() {
            if i as u16 >= inner.height {
                break;
            }
            let sel = i == self.sel;
            let num = match e.kind {
                EntryKind::Block(b) => format!("{b}"),
                _ => " ".into(),
            };
            let mark = e
                .lesson
                .map_or(Mark::New, |l| cx.marks.mark(&cx.lessons[l].id));
            let minutes = e.minutes.map_or(String::new(), |m| format!("{m:>3} min"));
            let missing =
                e.lesson.is_none() && !matches!(e.kind, EntryKind::Gauntlets | EntryKind::Review);
            let name_style = if missing { t.dim() } else { t.text() };
            let name = if e.kind == EntryKind::Review {
                match (due, &next) {
                    (0, Some((_, when))) => format!(
                        "{} · next in {}",
                        e.name,
                        crate::progress::human_duration(when.0 - now.0)
                    ),
                    (0, None) => format!("{} · nothing due", e.name),
                    (n, _) => format!("{} · {n} due", e.name),
                }
            } else {
                e.name.clone()
            };
            let name_style = if e.kind == EntryKind::Review && due > 0 {
                t.bold()
            } else {
                name_style
            };
            let mark_style = match mark {
                Mark::Completed => t.good(),
                Mark::Visited => t.accent(),
                Mark::New => t.dim(),
            };
            let name: String = name.chars().take(25).collect();
            let has_live = e
                .lesson
                .is_some_and(|l| !cx.lessons[l].live_scenarios().is_empty());
            let mut line = Line::from(vec![
                Span::styled(if sel { "▶ " } else { "  " }, t.accent()),
                Span::styled(format!("{num:>1} "), t.accent()),
                Span::styled(if has_live { "◆ " } else { "  " }, t.accent()),
                Span::styled(format!("{name:<26}"), name_style),
                Span::styled(format!("{minutes:>8}  "), t.dim()),
                if missing {
                    Span::styled("soon", t.dim())
                } else {
                    Span::styled(mark.label(), mark_style)
                },
            ]);
            if sel {
                line = line.style(t.selected());
            }
            buf.set_line(inner.x, inner.y + i as u16, &line, inner.width);
        }

        let Some(e) = self.entries.get(self.sel) else {
            return;
        };
        let mut lines: Vec<Line> = Vec::new();
        match e.lesson.map(|i| &cx.lessons[i]) {
            Some(l) => {
                lines.push(Line::styled(l.title.clone(), t.h1()));
                let kind = match e.kind {
                    EntryKind::Block(b) => format!("Focus block {b}"),
                    _ => e.name.clone(),
                };
                let live: Vec<&str> = l.live_scenarios().iter().map(|s| s.name).collect();
                let live = if live.is_empty() {
                    "no live cluster".to_string()
                } else {
                    format!("live cluster: {}", live.join(", "))
                };
                lines.push(Line::styled(
                    format!("{kind} · about {} min · {live}", l.minutes),
                    t.dim(),
                ));
                lines.push(Line::raw(""));
                lines.push(Line::raw(
                    cx.excerpts
                        .get(e.lesson.unwrap_or(0))
                        .cloned()
                        .unwrap_or_default(),
                ));
                lines.push(Line::raw(""));
                lines.push(Line::from(vec![
                    Span::styled("Enter", t.key()),
                    Span::styled(" to read it", t.dim()),
                    Span::styled(
                        match cx.marks.mark(&l.id) {
                            Mark::Completed => " again (you read it to the end)",
                            Mark::Visited => " (you have started it)",
                            Mark::New => "",
                        },
                        t.dim(),
                    ),
                ]));
            }
            None if e.kind == EntryKind::Gauntlets => {
                lines.push(Line::styled("Gauntlets", t.h1()));
                lines.push(Line::styled(
                    "Timed, scored quizzes: 1 quick recall, 2 application, 3 analysis, 4 design.",
                    t.text(),
                ));
                lines.push(Line::raw(""));
                lines.push(Line::from(vec![
                    Span::styled("Enter", t.key()),
                    Span::styled(" to pick one", t.dim()),
                ]));
            }
            None if e.kind == EntryKind::Review => {
                lines.push(Line::styled("Spaced review", t.h1()));
                lines.push(Line::styled(
                    format!(
                        "Every question you answer in a gauntlet comes back here when it is due: missed ones after {}, right ones after a day, then at growing intervals.",
                        crate::progress::human_duration(crate::progress::RELEARN_SECS)
                    ),
                    t.text(),
                ));
                lines.push(Line::raw(""));
                let next = next.as_ref().map(|(_, when)| {
                    format!(
                        "in {} ({})",
                        crate::progress::human_duration(when.0 - now.0),
                        when.human()
                    )
                });
                lines.push(match (due, next) {
                    (0, Some(when)) => Line::styled(
                        format!("Nothing is due now. The next question comes back {when}."),
                        t.dim(),
                    ),
                    (0, None) => {
                        Line::styled("Nothing to review yet: take a gauntlet first.", t.dim())
                    }
                    (n, _) => Line::styled(
                        format!(
                            "{n} question{} due now.",
                            if n == 1 { " is" } else { "s are" }
                        ),
                        t.bold(),
                    ),
                });
                lines.push(Line::raw(""));
                lines.push(Line::from(vec![
                    Span::styled("Enter", t.key()),
                    Span::styled(
                        if due > 0 {
                            " to start reviewing"
                        } else {
                            " to open it"
                        },
                        t.dim(),
                    ),
                ]));
            }
            None => {
                lines.push(Line::styled(e.name.clone(), t.h1()));
                lines.push(Line::styled(
                    "This lesson is not in this build yet.",
                    t.dim(),
                ));
            }
        }
        if !cx.load_errors.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("{} lesson file(s) could not be read:", cx.load_errors.len()),
                t.bad(),
            ));
            for err in &cx.load_errors {
                lines.push(Line::styled(err.clone(), t.warn()));
            }
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(pane_block(&e.name, false, t))
            .render(detail, buf);
    }
}
