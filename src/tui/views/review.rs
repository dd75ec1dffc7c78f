//! The review screen: a due question with the gauntlet's answer line, the
//! graded answer with its explanation and next review, the summary, and
//! the "nothing is due" page.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Widget, Wrap};

use super::pane_block;
use super::quiz::answer_line;
use crate::app::review::{Answered, Phase, Review};
use crate::progress::{RELEARN_SECS, human_duration};
use crate::quiz::{Verdict, verdict_text};
use crate::tui::screens::Ctx;
use crate::tui::theme::Theme;

pub fn render(cx: &Ctx, r: &Review, area: Rect, buf: &mut Buffer) {
    match &r.phase {
        Phase::Asking => asking(cx, r, area, buf),
        Phase::Answered(a) => answered(cx, r, a, area, buf),
        Phase::Done => done(cx, r, area, buf),
        Phase::Empty => empty(cx, r, area, buf),
    }
}

fn mark(v: Verdict, t: &Theme) -> (&'static str, ratatui::style::Style) {
    match v {
        Verdict::Right => ("✓", t.good()),
        Verdict::Partial => ("◐", t.warn()),
        Verdict::Wrong => ("✗", t.bad()),
    }
}

fn header(r: &Review, t: &Theme, area: Rect, buf: &mut Buffer) {
    let line = Line::from(vec![
        Span::styled(" Review ", t.bold()),
        Span::styled(
            format!(
                "· question {} of {} · not timed · each answer is saved as you give it",
                (r.pos + 1).min(r.total().max(1)),
                r.total()
            ),
            t.dim(),
        ),
    ]);
    buf.set_line(area.x, area.y, &line, area.width);
}

/// The question's box: its prompt and options.
fn question(r: &Review, t: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(item) = r.current() else {
        return;
    };
    let s = &item.state;
    let mut lines: Vec<Line> = vec![Line::styled(
        format!(
            "Last answered {} ago: {}.{}",
            human_duration(r.outlook.now.0 - s.last.0),
            s.last_result,
            match s.reps {
                0 | 1 => String::new(),
                n => format!(" Right {n} times in a row."),
            }
        ),
        t.dim(),
    )];
    lines.push(Line::raw(""));
    // Pre-wrap so a long option hangs under its text, not under "a)".
    let width = usize::from(area.width.saturating_sub(2));
    let prompt = crate::wrap::hanging(&item.question.render(), width, 0);
    lines.extend(prompt.lines().map(|l| Line::raw(l.to_string())));
    let title = if item.from.is_empty() {
        format!("Question {} of {}", r.pos + 1, r.total())
    } else {
        format!(
            "Question {} of {} · from {}",
            r.pos + 1,
            r.total(),
            item.from
        )
    };
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(pane_block(&title, false, t))
        .render(area, buf);
}

fn asking(cx: &Ctx, r: &Review, area: Rect, buf: &mut Buffer) {
    let t = &cx.theme;
    let [head, body, hint, input, fb] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(1),
    ])
    .areas(area);
    header(r, t, head, buf);
    question(r, t, body, buf);
    if let Some(item) = r.current() {
        buf.set_line(
            hint.x + 1,
            hint.y,
            &Line::styled(format!("Type {}.", item.question.form.hint()), t.dim()),
            hint.width.saturating_sub(1),
        );
    }
    answer_line(
        &r.input,
        " Enter submits · Tab skips (it stays due) · Esc ends the review ",
        t,
        input,
        buf,
    );
    let note = if let Some(e) = &r.error {
        Some(Line::styled(format!("? {e}"), t.warn()))
    } else if r.outcomes.len() == r.pos && r.outcomes.last().is_some_and(|o| o.verdict.is_none()) {
        Some(Line::styled(
            "↷ skipped the previous question: it stays due",
            t.dim(),
        ))
    } else {
        None
    };
    if let Some(l) = note {
        buf.set_line(fb.x + 1, fb.y, &l, fb.width.saturating_sub(1));
    }
}

fn answered(cx: &Ctx, r: &Review, a: &Answered, area: Rect, buf: &mut Buffer) {
    let t = &cx.theme;
    let Some(item) = r.current() else {
        return;
    };
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(4)]).areas(area);
    header(r, t, head, buf);
    // The result's lines, wrapped to the box's inner width.
    let w = body.width.saturating_sub(4) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let (m, style) = mark(a.grade.verdict, t);
    let yours = crate::wrap::lines(
        &format!("{m} {} · you answered: {}", verdict_text(&a.grade), a.input),
        w,
    );
    for (k, part) in yours.into_iter().enumerate() {
        lines.push(Line::styled(part, if k == 0 { style } else { t.text() }));
    }
    if a.grade.verdict != Verdict::Right {
        for part in crate::wrap::lines(&format!("Answer: {}", item.question.answer_text()), w) {
            lines.push(Line::styled(part, t.bold()));
        }
    }
    lines.push(Line::raw(""));
    for part in crate::wrap::lines(&format!("Why: {}", item.question.explanation.trim()), w) {
        lines.push(Line::styled(part, t.text()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "Saved. It comes back in {} ({}).",
            human_duration(a.next.0 - a.at.0),
            a.next.human()
        ),
        t.good(),
    ));
    // The result takes what it needs, leaving the question at least 4 rows.
    let want = lines.len() as u16 + 2;
    let h = want.min(body.height.saturating_sub(4)).max(3);
    let [q_area, res_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(h)]).areas(body);
    question(r, t, q_area, buf);
    let last = r.pos + 1 >= r.total();
    let keys = if last {
        " ↑↓ scroll · Enter the summary · Esc ends the review "
    } else {
        " ↑↓ scroll · Enter next question · Esc ends the review "
    };
    let max = (lines.len() as u16).saturating_sub(h.saturating_sub(2));
    Paragraph::new(lines)
        .scroll(((r.scroll as u16).min(max), 0))
        .block(
            pane_block("Your answer", true, t)
                .padding(Padding::horizontal(1))
                .title_bottom(Line::styled(keys, t.dim()).right_aligned()),
        )
        .render(res_area, buf);
}

/// "Enter or Esc: back to the course map" / "... leaves statedist".
fn leave_keys(cx: &Ctx) -> &'static str {
    if cx.at_root {
        " ↑↓ scroll · Enter or Esc leaves statedist "
    } else {
        " ↑↓ scroll · Enter or Esc: back to the course map "
    }
}

fn schedule_note(t: &Theme) -> Line<'static> {
    Line::styled(
        format!(
            "Missed questions come back after {}; right ones after 1 day, then 6 days, then at growing intervals.",
            human_duration(RELEARN_SECS)
        ),
        t.dim(),
    )
}

fn gone_note(r: &Review, t: &Theme) -> Option<Line<'static>> {
    (r.gone > 0).then(|| {
        Line::styled(
            format!(
                "({} scheduled question{} no longer in the course and {} left out.)",
                r.gone,
                if r.gone == 1 { " is" } else { "s are" },
                if r.gone == 1 { "is" } else { "are" }
            ),
            t.dim(),
        )
    })
}

fn done(cx: &Ctx, r: &Review, area: Rect, buf: &mut Buffer) {
    let t = &cx.theme;
    let mut lines = vec![Line::styled(r.headline(), t.h1()), Line::raw("")];
    if r.outlook.due_now > 0 {
        lines.push(Line::styled(
            format!(
                "Open the review again to answer {}.{}",
                if r.outlook.due_now == 1 { "it" } else { "them" },
                r.outlook.next_text().map_or(String::new(), |w| format!(
                    " After that, the next comes back {w}."
                ))
            ),
            t.warn(),
        ));
    }
    lines.push(schedule_note(t));
    lines.extend(gone_note(r, t));
    lines.push(Line::raw(""));
    for o in &r.outcomes {
        let (m, style, what) = match o.verdict {
            Some(v) => {
                let (m, s) = mark(v, t);
                let next = o.next.map_or(String::new(), |n| {
                    format!("back in {}", human_duration(n.0 - r.outlook.now.0))
                });
                (m, s, format!("{:<13} {next:<18}", v.to_string()))
            }
            None => (
                "↷",
                t.dim(),
                format!("{:<13} {:<18}", "skipped", "still due"),
            ),
        };
        // The prompt wraps under itself, past the result columns.
        const COLS: usize = 2 + 13 + 1 + 18 + 1;
        let w = (area.width as usize).saturating_sub(4 + COLS).max(10);
        for (k, part) in crate::wrap::lines(&o.prompt, w).into_iter().enumerate() {
            lines.push(if k == 0 {
                Line::from(vec![
                    Span::styled(format!("{m} "), style),
                    Span::styled(format!("{what} "), style),
                    Span::styled(part, t.text()),
                ])
            } else {
                Line::styled(format!("{:COLS$}{part}", ""), t.text())
            });
        }
    }
    let unasked = r.total().saturating_sub(r.outcomes.len());
    if unasked > 0 {
        lines.push(Line::styled(
            format!(
                "  {unasked} not asked: {} still due.",
                if unasked == 1 { "it is" } else { "they are" }
            ),
            t.dim(),
        ));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((r.scroll.min(u16::MAX as usize) as u16, 0))
        .block(
            pane_block("Review finished", true, t)
                .padding(Padding::horizontal(1))
                .title_bottom(Line::styled(leave_keys(cx), t.dim()).right_aligned()),
        )
        .render(area, buf);
}

fn empty(cx: &Ctx, r: &Review, area: Rect, buf: &mut Buffer) {
    let t = &cx.theme;
    let mut lines = vec![
        Line::styled("Nothing is due for review.", t.h1()),
        Line::raw(""),
    ];
    match r.outlook.next_text() {
        Some(when) => lines.push(Line::styled(
            format!("The next question comes back {when}."),
            t.text(),
        )),
        None => lines.push(Line::styled(
            "Nothing to review yet: every question you answer in a gauntlet gets a review schedule, and comes back here when it is due.",
            t.text(),
        )),
    }
    lines.push(schedule_note(t));
    lines.extend(gone_note(r, t));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Enter", t.key()),
        Span::styled(" pick a gauntlet to take now · ", t.dim()),
        Span::styled("Esc", t.key()),
        Span::styled(
            if cx.at_root {
                " leave statedist"
            } else {
                " back to the course map"
            },
            t.dim(),
        ),
    ]));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((r.scroll.min(u16::MAX as usize) as u16, 0))
        .block(pane_block("Review", true, t).padding(Padding::horizontal(1)))
        .render(area, buf);
}
