//! The gauntlet screens: the list of quizzes, a question with its countdown
//! and answer line, and the result page.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use super::pane_block;
use crate::app::quiz::{Feedback, Picker, Quiz, mmss};
use crate::quiz::{BankKind, ItemOutcome, RunState, Verdict, verdict_text};
use crate::tui::screens::Ctx;
use crate::tui::theme::Theme;

pub fn render_picker(cx: &Ctx, picker: &Picker, area: Rect, buf: &mut Buffer) {
    let t = &cx.theme;
    let [top, list] = Layout::vertical([Constraint::Length(4), Constraint::Min(3)]).areas(area);
    Paragraph::new(vec![
        Line::styled("Gauntlets: timed, scored quizzes", t.h1()),
        Line::styled(
            "Points for right answers, a bonus for time left. Missed questions come back in statedist review.",
            t.dim(),
        ),
        Line::from(vec![
            Span::styled("Enter", t.key()),
            Span::styled(" starts the selected one; its clock starts at once.", t.dim()),
        ]),
    ])
    .wrap(Wrap { trim: false })
    .render(top, buf);
    let block = pane_block("Quizzes", true, t);
    let inner = block.inner(list);
    block.render(list, buf);
    if picker.entries.is_empty() {
        let mut lines = vec![Line::styled("No question banks could be read.", t.bad())];
        for d in picker.banks.diagnostics.iter().take(8) {
            lines.push(Line::styled(d.to_string(), t.warn()));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        return;
    }
    for (i, e) in picker
        .entries
        .iter()
        .enumerate()
        .take(inner.height as usize)
    {
        let sel = i == picker.sel;
        let best = cx
            .marks
            .best(&e.id)
            .map_or(String::new(), |b| format!("best {b}"));
        let title: String = e.title.chars().take(48).collect();
        let style = if matches!(e.kind, BankKind::Gauntlet(_)) {
            t.bold()
        } else {
            t.text()
        };
        let mut line = Line::from(vec![
            Span::styled(if sel { "▶ " } else { "  " }, t.accent()),
            Span::styled(format!("{title:<50}"), style),
            Span::styled(
                format!("{:>3} min  {:>2} questions  ", e.minutes, e.questions),
                t.dim(),
            ),
            Span::styled(best, t.good()),
        ]);
        if sel {
            line = line.style(t.selected());
        }
        buf.set_line(inner.x, inner.y + i as u16, &line, inner.width);
    }
}

fn feedback_line(f: &Feedback, t: &Theme) -> Line<'static> {
    match f {
        Feedback::Graded(g) => {
            let (mark, style) = match g.verdict {
                Verdict::Right => ("✓", t.good()),
                Verdict::Partial => ("◐", t.warn()),
                Verdict::Wrong => ("✗", t.bad()),
            };
            Line::from(vec![
                Span::styled(
                    format!("{mark} previous answer: {}", verdict_text(g)),
                    style,
                ),
                Span::styled("  (right answers and explanations at the end)", t.dim()),
            ])
        }
        Feedback::Unreadable(e) => Line::styled(format!("? {e}"), t.warn()),
        Feedback::SkippedLater => {
            Line::styled("↷ skipped: it comes back after the others", t.dim())
        }
        Feedback::GaveUp => Line::styled("↷ given up: it counts as wrong", t.dim()),
    }
}

pub fn render_quiz(cx: &Ctx, q: &Quiz, area: Rect, buf: &mut Buffer) {
    if q.result.is_some() {
        render_result(cx, q, area, buf);
        return;
    }
    let t = &cx.theme;
    let (at, total) = q.run.progress();
    let left = q.remaining();
    let clock_style = if left <= Duration::from_secs(60) {
        t.bad()
    } else {
        t.accent()
    };
    let header = Line::from(vec![
        Span::styled(format!(" {} ", q.title), t.bold()),
        Span::styled(
            format!("· question {} of {total} ", (at + 1).min(total.max(1))),
            t.dim(),
        ),
        Span::styled(format!("· {} left ", mmss(left)), clock_style),
        Span::styled(
            q.best_before
                .map_or(String::new(), |b| format!("· your best {b}")),
            t.dim(),
        ),
    ]);
    let [head, body, hint, input, fb] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(1),
    ])
    .areas(area);
    buf.set_line(head.x, head.y, &header, head.width);
    let Some(question) = q.run.current() else {
        return;
    };
    let mut lines: Vec<Line> = Vec::new();
    // The bank's intro stays with the first question until it is settled
    // or skipped (an unreadable answer keeps it).
    let first = at == 0 && matches!(q.feedback, None | Some(Feedback::Unreadable(_)));
    if first && !q.run.current_was_skipped() && !q.intro.is_empty() {
        lines.push(Line::styled(q.intro.clone(), t.dim()));
        lines.push(Line::raw(""));
    }
    if q.run.current_was_skipped() {
        lines.push(Line::styled(
            "(skipped earlier: skipping again gives it up)",
            t.dim(),
        ));
    }
    // Pre-wrap so a long option hangs under its text, not under "a)".
    let width = usize::from(body.width.saturating_sub(2));
    for l in crate::wrap::hanging(&question.render(), width, 0).lines() {
        lines.push(Line::raw(l.to_string()));
    }
    let title = format!("Question {}", (at + 1).min(total.max(1)));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(pane_block(&title, false, t))
        .render(body, buf);
    buf.set_line(
        hint.x + 1,
        hint.y,
        &Line::styled(format!("Type {}.", question.form.hint()), t.dim()),
        hint.width.saturating_sub(1),
    );
    answer_line(
        &q.input,
        " Enter submits · Tab skips · Esc leaves ",
        t,
        input,
        buf,
    );
    if let Some(f) = &q.feedback {
        buf.set_line(
            fb.x + 1,
            fb.y,
            &feedback_line(f, t),
            fb.width.saturating_sub(1),
        );
    }
    if q.confirm_leave {
        let w = area.width.min(64);
        let r = Rect {
            x: area.x + (area.width - w) / 2,
            y: area.y + area.height / 2 - 2,
            width: w,
            height: 4,
        };
        Clear.render(r, buf);
        Paragraph::new(vec![
            Line::styled(
                "Leave this gauntlet? It is recorded as abandoned,",
                t.bold(),
            ),
            Line::from(vec![
                Span::styled("with no time bonus.  ", t.text()),
                Span::styled("y", t.key()),
                Span::styled(" leave · ", t.dim()),
                Span::styled("n", t.key()),
                Span::styled(" keep going", t.dim()),
            ]),
        ])
        .block(
            Block::bordered()
                .border_type(BorderType::Double)
                .border_style(t.focus_border()),
        )
        .render(r, buf);
    }
}

/// The answer line: a box with what the learner typed and a cursor, and
/// the keys that act on it in its bottom border. Shared by the gauntlet and
/// the review screens, so answering looks and works the same in both.
pub(super) fn answer_line(typed: &str, keys: &str, t: &Theme, area: Rect, buf: &mut Buffer) {
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.focus_border())
        .title(Span::styled(" Your answer ", t.title()))
        .title_bottom(Line::styled(keys.to_string(), t.dim()).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    // Keep the end of a long answer in view.
    let shown: String = {
        let w = inner.width.saturating_sub(3) as usize;
        let n = typed.chars().count();
        typed.chars().skip(n.saturating_sub(w)).collect()
    };
    buf.set_line(
        inner.x,
        inner.y,
        &Line::from(vec![
            Span::styled("> ", t.accent()),
            Span::styled(shown, t.bold()),
            Span::styled("█", t.accent().add_modifier(Modifier::SLOW_BLINK)),
        ]),
        inner.width,
    );
}

fn render_result(cx: &Ctx, q: &Quiz, area: Rect, buf: &mut Buffer) {
    let t = &cx.theme;
    let Some((s, rec)) = &q.result else {
        return;
    };
    let ending = match s.state {
        RunState::TimeUp => "Time is up.",
        RunState::Abandoned => "You left early: recorded as abandoned.",
        _ => "Finished.",
    };
    let mut lines = vec![
        Line::styled(format!("{} · {ending}", s.title), t.h1()),
        Line::from(vec![
            Span::styled(format!("Score {} of {}", s.score, s.max_score), t.bold()),
            Span::styled(
                format!(
                    "  (correctness {} + time bonus {}) · time used {} of {}",
                    s.correctness,
                    s.bonus,
                    mmss(Duration::from_millis(s.time_used_ms)),
                    mmss(Duration::from_millis(s.limit_ms))
                ),
                t.dim(),
            ),
        ]),
        if rec.new_best {
            Line::styled(
                match rec.previous_best {
                    Some(p) => format!("A new personal best (it was {p})!"),
                    None => "Your first score here: a personal best.".to_string(),
                },
                t.good(),
            )
        } else {
            Line::styled(
                rec.previous_best
                    .map_or(String::new(), |b| format!("Your best stays {b}.")),
                t.dim(),
            )
        },
        Line::styled(
            format!(
                "right {} · partly {} · wrong {} · skipped {} · unanswered {}{}",
                s.right,
                s.partial,
                s.wrong,
                s.skipped,
                s.unanswered,
                if cx.marks.saved() {
                    " · saved to your progress; missed ones come back in statedist review"
                } else {
                    " · progress is not saved in this session"
                }
            ),
            t.text(),
        ),
        Line::raw(""),
    ];
    for (i, item) in s.items.iter().enumerate() {
        let (mark, style) = match item.outcome.verdict() {
            Verdict::Right => ("✓", t.good()),
            Verdict::Partial => ("◐", t.warn()),
            Verdict::Wrong => ("✗", t.bad()),
        };
        // The question's first line beside its mark, wrapped lines hanging
        // under the answer and explanation's indent.
        let first = item.question.lines().next().unwrap_or("");
        let head = format!("{mark} {:>2}. [{}] ", i + 1, item.outcome.label());
        let full_w = area.width.saturating_sub(2) as usize;
        let mut parts = crate::wrap::beside(first, full_w, head.width(), 6).into_iter();
        lines.push(Line::from(vec![
            Span::styled(head, style),
            Span::styled(parts.next().unwrap_or_default(), t.bold()),
        ]));
        lines.extend(parts.map(|p| Line::styled(p, t.bold())));
        let yours = match &item.outcome {
            ItemOutcome::Answered { response, .. } => response.clone(),
            ItemOutcome::GaveUp => "(skipped)".into(),
            ItemOutcome::Unanswered => "(no answer)".into(),
        };
        let w = area.width.saturating_sub(2 + 6) as usize;
        let answer = format!("yours: {yours} · answer: {}", item.right_answer);
        for part in crate::wrap::lines(&answer, w) {
            lines.push(Line::styled(format!("      {part}"), t.text()));
        }
        // Hanging, so a rubric's "a) +2 ..." lines stay apart and indented.
        for part in crate::wrap::hanging(item.explanation.trim(), w, 0).lines() {
            if !part.is_empty() {
                lines.push(Line::styled(format!("      {part}"), t.dim()));
            }
        }
    }
    let keys = if cx.at_root {
        " ↑↓ scroll · Enter or Esc leaves statedist "
    } else {
        " ↑↓ scroll · Enter back to the gauntlets "
    };
    let block =
        pane_block("Result", true, t).title_bottom(Line::styled(keys, t.dim()).right_aligned());
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((q.scroll.min(u16::MAX as usize) as u16, 0))
        .block(block)
        .render(area, buf);
}
