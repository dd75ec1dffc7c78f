//! Drawing. `impl Widget for &App`: a view only reads the state.

pub mod cluster;
mod home;
pub(crate) mod panes;
mod quiz;
mod review;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, BorderType, Clear, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState,
    StatefulWidget, Widget, Wrap,
};

use super::app::{App, Focus, Screen};
use super::keymap::{self, ScreenKind};
use super::layout::{self, ClusterAreas};
use super::theme::Theme;
use crate::app::live::Live;
use crate::check::{Status, Verdict};
use crate::sim::{TraceKind, fmt_ms};
use unicode_width::UnicodeWidthStr;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if layout::too_small(area) {
            too_small(area, buf, &self.theme);
            return;
        }
        let chrome = layout::chrome(area);
        match &self.screen {
            Screen::Home => home::render(self, chrome.body, buf),
            Screen::Lesson => self.render_lesson(chrome.body, buf),
            Screen::Playground => {
                if let (Some(live), Some(c)) = (&self.live, self.cluster_areas_in(chrome.body)) {
                    self.render_cluster(live, c, buf);
                }
            }
            Screen::Info(p) => {
                let block = pane_block(&p.title, true, &self.theme);
                Paragraph::new(p.text.as_str())
                    .wrap(Wrap { trim: false })
                    .scroll((p.scroll.min(u16::MAX as usize) as u16, 0))
                    .block(block)
                    .render(chrome.body, buf);
            }
            Screen::Gauntlets => {
                if let Some(p) = &self.picker {
                    quiz::render_picker(self, p, chrome.body, buf);
                }
            }
            Screen::Quiz(q) => quiz::render_quiz(self, q, chrome.body, buf),
            Screen::Review(r) => review::render(self, r, chrome.body, buf),
        }
        self.render_status(chrome.status, buf);
        self.render_hints(chrome.hints, buf);
        if let Some(scroll) = self.help {
            self.render_help(area, scroll, buf);
        }
    }
}

fn too_small(area: Rect, buf: &mut Buffer, t: &Theme) {
    let msg = format!(
        "Make the terminal at least {}×{} (it is {}×{} now).\nq quits.",
        layout::MIN_W,
        layout::MIN_H,
        area.width,
        area.height
    );
    let y = area.y + area.height / 2;
    let r = Rect {
        x: area.x,
        y: y.saturating_sub(1).max(area.y),
        width: area.width,
        height: area.height.min(2),
    };
    Paragraph::new(msg)
        .style(t.bold())
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .render(r, buf);
}

pub(crate) fn pane_block<'a>(title: &'a str, focused: bool, t: &Theme) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(if focused {
            t.focus_border()
        } else {
            t.border()
        })
        .title(Span::styled(
            format!(" {title} "),
            if focused { t.title() } else { t.bold() },
        ))
}

impl App {
    fn render_lesson(&self, body: Rect, buf: &mut Buffer) {
        let areas = self.lesson_areas_in(body);
        let t = &self.theme;
        if let Some(r) = &self.reader {
            let lesson = &self.lessons[r.lesson];
            let focused = self.focus == Focus::Reader && self.live.is_some();
            let title = format!("{} · {} min", lesson.title, lesson.minutes);
            let text = layout::reader_text(areas.reader);
            let total = r.doc.lines.len();
            let pct = if total <= text.height as usize {
                100
            } else {
                (r.top + text.height as usize).min(total) * 100 / total
            };
            let block = pane_block(&title, focused, t)
                .title_bottom(Line::styled(format!(" {pct}% "), t.dim()).right_aligned());
            block.render(areas.reader, buf);
            for (i, line) in r
                .doc
                .lines
                .iter()
                .skip(r.top)
                .take(text.height as usize)
                .enumerate()
            {
                let at = r.top + i;
                let try_it = r.doc.try_its.iter().find(|(l, _)| *l == at);
                if let Some((_, name)) = try_it {
                    // Say whether this "Try it" is the one beside the text.
                    let running = self.live.as_ref().is_some_and(|l| l.info.name == name);
                    let mut spans = line.spans.clone();
                    spans.push(if running {
                        Span::styled("  (running in the cluster pane)", t.good())
                    } else if self.live.is_some() {
                        Span::styled("  (press t to run it)", t.dim())
                    } else {
                        Span::styled(
                            format!("  (statedist playground --scenario {name})"),
                            t.dim(),
                        )
                    });
                    buf.set_line(text.x, text.y + i as u16, &Line::from(spans), text.width);
                    continue;
                }
                buf.set_line(text.x, text.y + i as u16, line, text.width);
            }
            if total > text.height as usize {
                let mut state =
                    ScrollbarState::new(total.saturating_sub(text.height as usize)).position(r.top);
                Scrollbar::new(ScrollbarOrientation::VerticalRight)
                    .begin_symbol(None)
                    .end_symbol(None)
                    .style(t.dim())
                    .render(
                        Rect {
                            y: areas.reader.y + 1,
                            height: areas.reader.height.saturating_sub(2),
                            ..areas.reader
                        },
                        buf,
                        &mut state,
                    );
            }
        }
        if let (Some(live), Some(c)) = (&self.live, areas.cluster) {
            self.render_cluster(live, c, buf);
        }
    }

    fn render_cluster(&self, live: &Live, c: ClusterAreas, buf: &mut Buffer) {
        let t = &self.theme;
        cluster::Canvas { live, theme: t }.render(c.canvas, buf);
        checks(live, t, self.focus == Focus::Checks, c.checks, buf);
        if let Some(p) = c.panes {
            panes::render(live, t, self.focus == Focus::Panes, p, buf);
        }
        log(live, t, self.focus == Focus::Log, c.log, buf);
    }

    fn render_status(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.theme;
        let on_cluster = matches!(self.screen, Screen::Lesson | Screen::Playground);
        let line = match (&self.live, on_cluster) {
            (Some(l), true) => {
                // Narrow terminals drop the seed, then the selected node,
                // then the speed, then the other failing checks, so the
                // headline verdict stays readable.
                let line_for = |level: u8| {
                    let mut spans = vec![
                        if l.paused {
                            Span::styled(
                                " ‖ paused ",
                                t.warn().add_modifier(ratatui::style::Modifier::REVERSED),
                            )
                        } else {
                            Span::styled(
                                " ▶ running ",
                                t.good().add_modifier(ratatui::style::Modifier::REVERSED),
                            )
                        },
                        Span::styled(format!(" {} ", l.info.name), t.bold()),
                    ];
                    let mut facts = Vec::new();
                    if level < 1 {
                        facts.push(format!("seed {}", l.seed));
                    }
                    facts.push(format!("t={}", l.clock()));
                    if level < 3 {
                        facts.push(format!(
                            "{}{}",
                            l.speed_label(),
                            if l.idle() && !l.paused {
                                " (idle 1x)"
                            } else {
                                ""
                            }
                        ));
                    }
                    spans.push(Span::styled(format!("{} ", facts.join(" · ")), t.dim()));
                    if level < 2 {
                        spans.push(Span::styled("· ", t.dim()));
                        spans.push(Span::styled(
                            format!("{} ", l.describe_selected()),
                            t.text(),
                        ));
                    }
                    if let Some(v) = l.headline() {
                        spans.push(Span::styled("│ ", t.dim()));
                        spans.push(Span::styled(
                            v.mark().trim_end().to_string(),
                            status_style(v.status, t),
                        ));
                        spans.push(Span::styled(format!(" {}", v.headline), t.text()));
                        // Other checkers failing too: named, so the line
                        // never hides a failure (it goes last when narrow).
                        let also = l.also_failing();
                        if level < 4 && !also.is_empty() {
                            let names = match also.as_slice() {
                                [one] => one.to_string(),
                                [a, b] => format!("{a} and {b}"),
                                more => format!("{} others", more.len()),
                            };
                            spans.push(Span::styled(" · also ✗ ", t.dim()));
                            spans.push(Span::styled(names, t.dim()));
                        }
                    }
                    Line::from(spans)
                };
                (0..5)
                    .map(line_for)
                    .find(|l| l.width() <= area.width as usize)
                    .unwrap_or_else(|| line_for(4))
            }
            _ => {
                let what = match &self.screen {
                    Screen::Home => {
                        let done = self
                            .entries
                            .iter()
                            .filter_map(|e| e.lesson)
                            .filter(|&i| {
                                self.marks.mark(&self.lessons[i].id)
                                    == crate::app::marks::Mark::Completed
                            })
                            .count();
                        let total = self.entries.iter().filter(|e| e.lesson.is_some()).count();
                        format!("course map · {done} of {total} lessons done")
                    }
                    Screen::Lesson => "this lesson has no live cluster".into(),
                    Screen::Info(p) => p.title.clone(),
                    Screen::Gauntlets => "gauntlets".into(),
                    Screen::Quiz(q) => format!(
                        "{}{}",
                        q.title,
                        if self.marks.saved() {
                            ""
                        } else {
                            " · not saved (no progress file)"
                        }
                    ),
                    Screen::Review(r) => format!(
                        "review · {}{}",
                        match r.phase {
                            crate::app::review::Phase::Empty => "nothing due".to_string(),
                            crate::app::review::Phase::Done => "finished".to_string(),
                            _ => format!("{} left", r.total() - r.pos),
                        },
                        if self.marks.saved() {
                            ""
                        } else {
                            " · not saved (no progress file)"
                        }
                    ),
                    Screen::Playground => String::new(),
                };
                Line::from(vec![
                    Span::styled(
                        " statedist ",
                        t.accent().add_modifier(ratatui::style::Modifier::REVERSED),
                    ),
                    Span::styled(format!(" {what}"), t.dim()),
                ])
            }
        };
        buf.set_line(area.x, area.y, &line, area.width);
    }

    fn render_hints(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.theme;
        if let Some(f) = &self.flash {
            buf.set_line(
                area.x,
                area.y,
                &Line::from(Span::styled(format!(" {f}"), t.warn())),
                area.width,
            );
            return;
        }
        let ctx = self.key_ctx();
        let leave = if ctx.esc_leaves { "leave" } else { "back" };
        let quiz_hints: Option<Vec<(&str, &str)>> = match (ctx.quiz, ctx.review) {
            (Some(keymap::QuizPhase::Answering { .. }), _) => Some(vec![
                ("Enter", "submit"),
                ("Tab", "skip"),
                ("Backspace", "erase"),
                ("Esc", "leave"),
                ("?", "help (empty line)"),
            ]),
            (Some(keymap::QuizPhase::Confirm), _) => {
                Some(vec![("y", "leave"), ("n", "keep going")])
            }
            (_, Some(keymap::ReviewPhase::Answering { .. })) => Some(vec![
                ("Enter", "submit"),
                ("Tab", "skip"),
                ("Backspace", "erase"),
                ("Esc", "end review"),
                ("?", "help (empty line)"),
                ("Ctrl-C", "quit"),
            ]),
            (_, Some(keymap::ReviewPhase::Answered)) => Some(vec![
                ("Enter", "next"),
                ("↑↓", "scroll"),
                ("Esc", "end review"),
                ("?", "help"),
                ("q", "quit"),
            ]),
            (_, Some(keymap::ReviewPhase::Done)) => Some(vec![
                ("Enter Esc", leave),
                ("↑↓", "scroll"),
                ("?", "help"),
                ("q", "quit"),
            ]),
            (_, Some(keymap::ReviewPhase::Empty)) => Some(vec![
                ("Enter", "gauntlets"),
                ("Esc", leave),
                ("?", "help"),
                ("q", "quit"),
            ]),
            _ => None,
        };
        if let Some(h) = quiz_hints {
            let mut spans = vec![Span::raw(" ")];
            for (k, what) in h {
                spans.push(Span::styled(k, t.key()));
                spans.push(Span::styled(format!(" {what}  "), t.dim()));
            }
            buf.set_line(area.x, area.y, &Line::from(spans), area.width);
            return;
        }
        // The live cluster's operation keys, as its protocol declares them.
        let op_keys: Vec<(String, &str)> = self
            .key_ctx()
            .ops
            .iter()
            .filter_map(|o| Some((o.key?.to_string(), o.label)))
            .collect();
        let mut hints: Vec<(&str, String)> = match self.screen_kind() {
            ScreenKind::Home => vec![("↑↓", "move"), ("Enter", "open"), ("1-7", "block")],
            ScreenKind::Gauntlets => vec![
                ("↑↓", "move"),
                ("Enter", "start"),
                ("1-4", "gauntlet"),
                ("Esc", leave),
            ],
            ScreenKind::Quiz => vec![("↑↓", "scroll"), ("Enter", leave)],
            // Drawn above, with the phase's keys.
            ScreenKind::Review => Vec::new(),
            ScreenKind::Info => vec![("Esc", "back")],
            ScreenKind::Lesson => {
                let mut h = vec![("↑↓", "scroll"), ("Tab", "focus")];
                if self.key_ctx().answers {
                    h.push(("a", "answer"));
                }
                if self.key_ctx().try_its {
                    h.push(("t", "try it"));
                }
                h
            }
            ScreenKind::Playground => vec![("Tab", "focus"), ("↑↓", "scroll")],
        }
        .into_iter()
        .map(|(k, w)| (k, w.to_string()))
        .collect();
        let ctx = self.key_ctx();
        if ctx.live {
            hints.extend([
                (
                    if ctx.cluster_size > 9 {
                        "0-9 Enter"
                    } else {
                        "1-9"
                    },
                    "node".to_string(),
                ),
                ("p", "side".into()),
                ("c", "crash".into()),
                ("H", "heal".into()),
            ]);
            hints.extend(
                op_keys
                    .iter()
                    .map(|(k, label)| (k.as_str(), label.replace("{key}", ctx.data_key))),
            );
            if ctx.data_keys.len() > 1 {
                hints.push(("K", "key".into()));
            }
            hints.extend([
                ("Space", "pause".into()),
                (".", "step".into()),
                ("+-", "speed".into()),
                ("R", "reset".into()),
            ]);
        }
        if matches!(self.screen, Screen::Lesson | Screen::Info(_)) {
            hints.push(("Esc", "back".into()));
        }
        hints.extend([("?", "help".to_string()), ("q", "quit".into())]);
        let mut lead = Vec::new();
        // The "Try it" being read runs another scenario: say how to load it.
        if let (Screen::Lesson, Some(name), Some(l)) =
            (&self.screen, self.current_try_it(), &self.live)
            && l.info.name != name
        {
            lead.push(Span::styled("t", t.key()));
            lead.push(Span::styled(format!(" run {name} here  "), t.warn()));
        }
        // Too many for the width: the ones `?` explains best go first, so
        // "? help" always shows.
        let width = |h: &[(&str, String)]| -> usize {
            1 + lead.iter().map(|s| s.width()).sum::<usize>()
                + h.iter()
                    .map(|(k, w)| {
                        UnicodeWidthStr::width(*k) + UnicodeWidthStr::width(w.as_str()) + 3
                    })
                    .sum::<usize>()
        };
        for drop in ["+-", ".", "R", "↑↓", "Tab", "Space", "1-9", "q"] {
            if width(&hints) <= area.width as usize {
                break;
            }
            hints.retain(|(k, _)| *k != drop);
        }
        let mut spans = vec![Span::raw(" ")];
        spans.extend(lead);
        for (k, what) in hints {
            spans.push(Span::styled(k, t.key()));
            spans.push(Span::styled(format!(" {what}  "), t.dim()));
        }
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
    }

    fn render_help(&self, area: Rect, scroll: usize, buf: &mut Buffer) {
        let t = &self.theme;
        let r = layout::help(area);
        Clear.render(r, buf);
        let ctx = self.key_ctx();
        let screen = match ctx.screen {
            ScreenKind::Home => "course map",
            ScreenKind::Lesson => "lesson",
            ScreenKind::Playground => "playground",
            ScreenKind::Info => "page",
            ScreenKind::Gauntlets => "gauntlets",
            ScreenKind::Quiz => "gauntlet",
            ScreenKind::Review => "review",
        };
        // The keys of the screen under the overlay, not of the overlay.
        let under = keymap::KeyCtx {
            help_open: false,
            ..ctx
        };
        let mut lines: Vec<Line> = Vec::new();
        let mut section = None;
        for b in keymap::bindings(&under).into_iter().filter(|b| !b.hidden) {
            if section != Some(b.section) {
                if section.is_some() {
                    lines.push(Line::raw(""));
                }
                lines.push(Line::styled(b.section.title(), t.h2()));
                section = Some(b.section);
            }
            // Long descriptions wrap under themselves, past the key column.
            let help_w = (r.width as usize).saturating_sub(4 + 13).max(20);
            for (k, part) in wrap_words(&b.help, help_w).into_iter().enumerate() {
                let key = if k == 0 { b.label.as_str() } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {key:<10} "), t.key()),
                    Span::styled(part, t.text()),
                ]));
            }
        }
        if ctx.live {
            lines.push(Line::raw(""));
            lines.push(Line::styled("Reading the cluster", t.h2()));
            // Wrapped to the overlay, so nothing is cut off at 80 columns.
            let w = (r.width as usize).saturating_sub(4 + 2).max(20);
            for para in [
                "Each box is a node: id, side of the partition (A/B/C, by letter and colour), its role, ✗ DOWN when crashed, and what it stores. ▶ and a thick border: selected.",
                "● is a message on its way; a ╳ on a link means the two sides cannot talk.",
                "The event log explains every step; the checkers judge the run so far.",
                "The status line shows the newest failure of the checks this scenario is about (else the most important of them), then names any other check failing.",
            ] {
                for part in wrap_words(para, w) {
                    lines.push(Line::styled(format!("  {part}"), t.dim()));
                }
            }
        }
        let max = lines
            .len()
            .saturating_sub(r.height.saturating_sub(2) as usize);
        let block = Block::bordered()
            .border_type(BorderType::Double)
            .padding(ratatui::widgets::Padding::horizontal(1))
            .border_style(t.focus_border())
            .title(Span::styled(format!(" Keys: {screen} "), t.title()))
            .title_bottom(Line::styled(" ? or Esc closes · ↑↓ scroll ", t.dim()).right_aligned());
        Paragraph::new(Text::from(lines))
            .scroll((scroll.min(max) as u16, 0))
            .block(block)
            .render(r, buf);
    }
}

pub(crate) fn status_style(s: Status, t: &Theme) -> Style {
    match s {
        Status::Pass => t.good(),
        Status::Fail => t.bad(),
        Status::Info => t.dim(),
        Status::Unknown => t.warn(),
    }
}

/// One checker's finding wrapped to `width`: the mark and check name, then
/// the summary, continuation lines indented under it; a failure adds its
/// witness (as `statedist sim` prints it).
fn verdict_lines(v: &Verdict, width: usize, t: &Theme) -> Vec<Line<'static>> {
    const INDENT: usize = 7;
    let mut lines = Vec::new();
    let mark = v.mark().to_string();
    let body = format!("{}: {}", v.check, v.summary);
    let parts = wrap_words(&body, width.saturating_sub(INDENT).max(8));
    for (k, part) in parts.into_iter().enumerate() {
        if k == 0 {
            let (name, rest) = part.split_at(part.find(':').map_or(0, |c| c + 1));
            lines.push(Line::from(vec![
                Span::styled(format!("{mark} "), status_style(v.status, t)),
                Span::styled(name.to_string(), t.bold()),
                Span::styled(rest.to_string(), t.text()),
            ]));
        } else {
            lines.push(Line::styled(format!("{:INDENT$}{part}", ""), t.text()));
        }
    }
    if v.status == Status::Fail {
        for d in witness(v) {
            // Keep a witness's own indentation (its operations are listed
            // two spaces in under a header line).
            let lead = d.len() - d.trim_start().len();
            let w = width.saturating_sub(INDENT + lead).max(8);
            for part in wrap_words(d.trim_start(), w) {
                lines.push(Line::styled(
                    format!("{:1$}{part}", "", INDENT + lead),
                    t.dim(),
                ));
            }
        }
    }
    lines
}

/// The details of a failure worth showing under it: the first detail
/// unless the summary already says it, and when that detail introduces a
/// list ("the smallest failing part ... :"), the list's lines too.
fn witness(v: &Verdict) -> Vec<&str> {
    let mut out = Vec::new();
    let mut details = v.details.iter().map(String::as_str);
    let Some(first) = details.next() else {
        return out;
    };
    if !v.summary.contains(first) {
        out.push(first);
    }
    if first.trim_end().ends_with(':') {
        out.extend(details.take_while(|d| d.starts_with(' ')));
    }
    out
}

/// The checkers' findings in full at `width`.
fn check_lines(live: &Live, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = live
        .verdicts
        .iter()
        .flat_map(|v| verdict_lines(v, width as usize, t))
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled("(no checkers for this scenario)", t.dim()));
    }
    lines
}

/// The checkers' findings in at most `height` lines: in full when they fit;
/// otherwise every checker keeps its first line (cut short with `…`) and
/// the lines left go to failures first, then to the others in order.
fn check_lines_fit(live: &Live, width: u16, height: u16, t: &Theme) -> Vec<Line<'static>> {
    let full = check_lines(live, width, t);
    let height = height as usize;
    if full.len() <= height || live.verdicts.is_empty() {
        return full;
    }
    let per: Vec<Vec<Line<'static>>> = live
        .verdicts
        .iter()
        .map(|v| verdict_lines(v, width as usize, t))
        .collect();
    let mut show = vec![1usize; per.len()];
    let mut budget = height.saturating_sub(per.len());
    let mut order: Vec<usize> = (0..per.len()).collect();
    order.sort_by_key(|&i| match live.verdicts[i].status {
        Status::Fail => 0,
        Status::Unknown => 1,
        _ => 2,
    });
    for i in order {
        let extra = (per[i].len() - 1).min(budget);
        show[i] += extra;
        budget -= extra;
    }
    let mut out = Vec::new();
    for (lines, n) in per.into_iter().zip(show) {
        let cut = n < lines.len();
        for (k, mut l) in lines.into_iter().take(n).enumerate() {
            if cut && k + 1 == n {
                ellipsis(&mut l, width as usize);
            }
            out.push(l);
        }
    }
    out.truncate(height);
    out
}

/// Ends `line` with `…`, dropping characters to keep it within `width`.
fn ellipsis(line: &mut Line<'static>, width: usize) {
    while line.width() + 1 > width {
        let Some(last) = line.spans.last_mut() else {
            return;
        };
        let mut s = last.content.to_string();
        if s.pop().is_none() {
            line.spans.pop();
            continue;
        }
        last.content = s.into();
    }
    let style = line.spans.last().map(|s| s.style).unwrap_or_default();
    line.spans.push(Span::styled("…", style));
}

impl layout::Wants for Live {
    fn checks_lines(&self, width: u16) -> u16 {
        check_lines(self, width, &Theme::new(false)).len() as u16
    }
    fn checks_compact(&self) -> u16 {
        self.verdicts.len().max(1) as u16
    }
    fn panes_lines(&self, width: u16) -> Option<u16> {
        (!self.panes.is_empty()).then(|| panes::line_count(self, width))
    }
}

/// The Checkers pane: unfocused and at the top, every checker's finding
/// fitted to the pane (long ones cut short with `…`); focused (Tab or a
/// click) or scrolled, the findings in full, scrolled with ↑↓ or the wheel.
fn checks(live: &Live, t: &Theme, focused: bool, area: Rect, buf: &mut Buffer) {
    let block = pane_block("Checkers", focused, t);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let full = check_lines(live, inner.width, t);
    let h = inner.height as usize;
    let max = full.len().saturating_sub(h);
    let skip = live.checks_scroll.min(max);
    let lines = if focused || skip > 0 {
        full.into_iter().skip(skip).take(h).collect()
    } else {
        check_lines_fit(live, inner.width, inner.height, t)
    };
    for (i, l) in lines.iter().enumerate() {
        buf.set_line(inner.x, inner.y + i as u16, l, inner.width);
    }
    // Say so when there is more than fits, and how to see it.
    if max > 0 {
        let more = if skip < max {
            if focused {
                format!(" ↓ {} more · ↑↓ ", max - skip)
            } else {
                format!(" ↓ {} more · Tab here, ↑↓ ", max - skip)
            }
        } else {
            " ↑ scrolled · g top ".to_string()
        };
        let w = more.width() as u16;
        if w + 2 < area.width {
            buf.set_string(
                area.x + area.width - w - 1,
                area.y + area.height - 1,
                more,
                t.dim(),
            );
        }
    }
}

fn kind_style(k: TraceKind, t: &Theme) -> Style {
    match k {
        TraceKind::Drop => t.bad(),
        TraceKind::Crash => t.bad(),
        TraceKind::Restart => t.good(),
        TraceKind::Fault => t.warn(),
        TraceKind::ClientInvoke | TraceKind::ClientDone => t.bold(),
        TraceKind::Send | TraceKind::Timer => t.dim(),
        TraceKind::Deliver | TraceKind::State | TraceKind::Duplicate => t.text(),
    }
}

/// Word-wraps plain text to `width` columns (the event log's long lines).
pub(crate) fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let lw = unicode_width::UnicodeWidthStr::width(line.as_str());
        let ww = unicode_width::UnicodeWidthStr::width(word);
        if lw > 0 && lw + 1 + ww > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while unicode_width::UnicodeWidthStr::width(line.as_str()) > width {
            let cut: String = line.chars().take(width).collect();
            let rest: String = line.chars().skip(width).collect();
            out.push(cut);
            line = rest;
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

fn log(live: &Live, t: &Theme, focused: bool, area: Rect, buf: &mut Buffer) {
    let trace = live.run().trace();
    let n = trace.total();
    let events = format!("{n} event{}", if n == 1 { "" } else { "s" });
    let mut title = format!("Event log · {events}");
    if live.hide_routine {
        title.push_str(" · filtered: routine traffic hidden (f)");
    }
    if live.log_scroll > 0 {
        title.push_str(&format!(" · ↑{} (End follows)", live.log_scroll));
    }
    let block = pane_block(&title, focused, t);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width < 12 {
        return;
    }
    const TIME_W: usize = 9;
    let text_w = inner.width as usize - TIME_W;
    let mut lines: Vec<Line> = Vec::new();
    for e in live.log_events().rev().skip(live.log_scroll) {
        let parts = wrap_words(&e.text, text_w);
        let style = kind_style(e.kind, t);
        let mut ev_lines: Vec<Line> = parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let time = if i == 0 {
                    format!("{:>8} ", fmt_ms(e.time))
                } else {
                    " ".repeat(TIME_W)
                };
                Line::from(vec![Span::styled(time, t.dim()), Span::styled(p, style)])
            })
            .collect();
        ev_lines.reverse();
        lines.extend(ev_lines);
        if lines.len() >= inner.height as usize {
            break;
        }
    }
    let hint = if trace.total() == 0 {
        Some(
            "Nothing has happened yet. Select a node (its number, or click it) and press w to write, r to read, p to partition.",
        )
    } else if lines.is_empty() && live.hide_routine {
        Some(
            "Only routine traffic so far (timer firings, heartbeats, gossip, resends): f shows it.",
        )
    } else {
        None
    };
    if let Some(hint) = hint {
        // Wrapped, so a narrow log shows all of it (newest-last order:
        // the pane draws `lines` bottom up).
        let mut parts: Vec<Line> = wrap_words(hint, inner.width as usize)
            .into_iter()
            .map(|p| Line::styled(p, t.dim()))
            .collect();
        parts.reverse();
        lines.extend(parts);
    }
    let h = inner.height as usize;
    // Newest last: the bottom of the pane is the newest event.
    let shown: Vec<&Line> = lines.iter().take(h).collect();
    let top = inner.y + inner.height - shown.len() as u16;
    for (i, l) in shown.iter().rev().enumerate() {
        buf.set_line(inner.x, top + i as u16, l, inner.width);
    }
}
