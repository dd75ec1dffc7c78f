//! The course map: the focus blocks and the other entries, with minutes
//! and progress marks, and what the selected entry holds.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::pane_block;
use crate::app::marks::Mark;
use crate::tui::app::{App, EntryKind};
use crate::tui::layout;

pub fn render(app: &App, body: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let now = app.marks.now();
    let due = app.marks.due_count(now);
    let next = app.marks.next_due(now);
    let (banner, list, detail) = layout::home(body);
    let banner_lines = vec![
        Line::from(vec![
            Span::styled(
                " statedist ",
                t.accent().add_modifier(ratatui::style::Modifier::REVERSED),
            ),
            Span::styled(
                "  how distributed systems keep state: read a little, then break a live cluster on purpose",
                t.bold(),
            ),
        ]),
        Line::styled(
            "  Pick a block and press Enter. Each lesson runs a simulated cluster beside the text: partition it, crash it, heal it.",
            t.dim(),
        ),
    ];
    Paragraph::new(banner_lines).render(banner, buf);

    let block = pane_block("Course map", true, t);
    let inner = block.inner(list);
    block.render(list, buf);
    for (i, e) in app.entries.iter().enumerate() {
        if i as u16 >= inner.height {
            break;
        }
        let sel = i == app.home_sel;
        let num = match e.kind {
            EntryKind::Block(b) => format!("{b}"),
            _ => " ".into(),
        };
        let mark = e
            .lesson
            .map_or(Mark::New, |l| app.marks.mark(&app.lessons[l].id));
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
        let name: String = name.chars().take(27).collect();
        let mut line = Line::from(vec![
            Span::styled(if sel { "▶ " } else { "  " }, t.accent()),
            Span::styled(format!("{num:>1}  "), t.accent()),
            Span::styled(format!("{name:<28}"), name_style),
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

    let Some(e) = app.entries.get(app.home_sel) else {
        return;
    };
    let mut lines: Vec<Line> = Vec::new();
    match e.lesson.map(|i| &app.lessons[i]) {
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
                app.excerpts
                    .get(e.lesson.unwrap_or(0))
                    .cloned()
                    .unwrap_or_default(),
            ));
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::styled("Enter", t.key()),
                Span::styled(" to read it", t.dim()),
                Span::styled(
                    match app.marks.mark(&l.id) {
                        Mark::Completed => " again (you finished it)",
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
                (0, None) => Line::styled("Nothing to review yet: take a gauntlet first.", t.dim()),
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
    if !app.load_errors.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "{} lesson file(s) could not be read:",
                app.load_errors.len()
            ),
            t.bad(),
        ));
        for err in &app.load_errors {
            lines.push(Line::styled(err.clone(), t.warn()));
        }
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(pane_block(&e.name, false, t))
        .render(detail, buf);
}
