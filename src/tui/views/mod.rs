//! Drawing: the frame around every screen (status line, hint bar, the `?`
//! overlay, all from the screen's key table) and the widgets several
//! screens share. A view only reads the state.

pub mod cluster;
pub mod panes;
pub mod quiz;
pub mod review;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};

use super::app::App;
use super::keymap;
use super::layout;
use super::theme::Theme;
use crate::app::live::Live;
use crate::check::{Status, Verdict};
use crate::sim::{TraceKind, fmt_ms};
use unicode_width::UnicodeWidthStr;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = &self.cx.theme;
        if layout::too_small(area) {
            too_small(area, buf, t);
            return;
        }
        let chrome = layout::chrome(area);
        let screen = self.screen();
        screen.render(&self.cx, chrome.body, buf);
        let status = screen
            .live_status(&self.cx, chrome.status.width, self.help.is_some())
            .unwrap_or_else(|| {
                Line::from(vec![
                    Span::styled(" statedist ", t.accent().add_modifier(Modifier::REVERSED)),
                    Span::styled(format!(" {}", screen.status(&self.cx)), t.dim()),
                ])
            });
        buf.set_line(
            chrome.status.x,
            chrome.status.y,
            &status,
            chrome.status.width,
        );
        render_hints(self, chrome.hints, buf);
        if let Some(scroll) = self.help {
            render_help(self, area, scroll, buf);
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

/// The bottom line: the message for the learner if there is one, else the
/// keys of the screen's table that have a hint, as many as fit.
fn render_hints(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.cx.theme;
    if let Some(f) = &app.cx.flash {
        // Too long for the line: cut at a word, with "…".
        let text = crate::wrap::shorten(f, (area.width as usize).saturating_sub(2));
        buf.set_line(
            area.x,
            area.y,
            &Line::from(Span::styled(format!(" {text}"), t.warn())),
            area.width,
        );
        return;
    }
    let table = app.screen().bindings(&app.cx);
    let mut spans = vec![Span::raw(" ")];
    for h in keymap::hint_bar(&table, area.width as usize) {
        spans.push(Span::styled(h.keys, t.key()));
        spans.push(Span::styled(
            format!(" {}  ", h.word),
            if h.urgent { t.warn() } else { t.dim() },
        ));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// The `?` overlay: the keys of the screen under it, by section, from the
/// same table that dispatches them; sized to what it lists.
fn render_help(app: &App, area: Rect, scroll: usize, buf: &mut Buffer) {
    let t = &app.cx.theme;
    let screen = app.screen();
    let full = layout::help(area);
    let mut lines: Vec<Line> = Vec::new();
    let mut section = None;
    // Long descriptions wrap under themselves, past the key column.
    let help_w = (full.width as usize).saturating_sub(4 + 13).max(20);
    for b in screen.bindings(&app.cx).into_iter().filter(|b| !b.hidden) {
        if section != Some(b.section) {
            if section.is_some() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(b.section.title(), t.h2()));
            section = Some(b.section);
        }
        for (k, part) in crate::wrap::lines(&b.help, help_w).into_iter().enumerate() {
            let key = if k == 0 { b.label.as_str() } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("  {key:<10} "), t.key()),
                Span::styled(part, t.text()),
            ]));
        }
    }
    let w = (full.width as usize).saturating_sub(4 + 2).max(20);
    let mut notes: Vec<&str> = Vec::new();
    if screen.keeps_time() {
        notes.push("The gauntlet's clock keeps running while this help is open.");
    }
    if screen.live().is_some() {
        notes.extend([
            "Each box is a node: id, side of the partition (A/B/C, by letter and colour), its role, ✗ DOWN when crashed, and what it stores. ▶ and a thick border: selected.",
            "● is a message on its way; a ╳ on a link means the two sides cannot talk.",
            "The event log explains every step; the checkers judge the run so far.",
            "The status line shows the newest failure of the checks this scenario is about (else the most important of them), then names any other check failing.",
        ]);
    }
    if !notes.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            if screen.live().is_some() {
                "Reading the cluster"
            } else {
                "Note"
            },
            t.h2(),
        ));
        // Wrapped to the overlay, so nothing is cut off at 80 columns.
        for para in notes {
            for part in crate::wrap::lines(para, w) {
                lines.push(Line::styled(format!("  {part}"), t.dim()));
            }
        }
    }
    // As tall as what it lists, centred, so a short list is not a mostly
    // empty box.
    let h = (lines.len() as u16 + 2).min(full.height);
    let r = Rect {
        y: area.y + (area.height.saturating_sub(h)) / 2,
        height: h,
        ..full
    };
    Clear.render(r, buf);
    let max = lines
        .len()
        .saturating_sub(r.height.saturating_sub(2) as usize);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .padding(ratatui::widgets::Padding::horizontal(1))
        .border_style(t.focus_border())
        .title(Span::styled(
            format!(" Keys: {} ", screen.kind().name()),
            t.title(),
        ))
        .title_bottom(Line::styled(" ? or Esc closes · ↑↓ scroll ", t.dim()).right_aligned());
    Paragraph::new(Text::from(lines))
        .scroll((scroll.min(max) as u16, 0))
        .block(block)
        .render(r, buf);
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
    let parts = crate::wrap::lines(&body, width.saturating_sub(INDENT).max(8));
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
            for part in crate::wrap::lines(d.trim_start(), w) {
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
pub(crate) fn checks(live: &Live, t: &Theme, focused: bool, area: Rect, buf: &mut Buffer) {
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

pub(crate) fn log(live: &Live, t: &Theme, focused: bool, area: Rect, buf: &mut Buffer) {
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
        let parts = crate::wrap::lines(&e.text, text_w);
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
        // The scenario's own first two client keys: `w to write x, r to read`.
        let keys: Vec<String> = live
            .run()
            .operations()
            .iter()
            .filter(|o| o.scope == crate::sim::Scope::Client)
            .filter_map(|o| {
                Some(format!(
                    "{} to {}",
                    o.key?,
                    o.label.replace("{key}", live.key())
                ))
            })
            .take(2)
            .collect();
        Some(format!(
            "Nothing has happened yet. Select a node (its number, or click it) and press {}, p to partition.",
            keys.join(", ")
        ))
    } else if lines.is_empty() && live.hide_routine {
        Some(
            "Only routine traffic so far (timer firings, heartbeats, gossip, resends): f shows it."
                .to_string(),
        )
    } else {
        None
    };
    if let Some(hint) = hint {
        // Wrapped, so a narrow log shows all of it (newest-last order:
        // the pane draws `lines` bottom up).
        let mut parts: Vec<Line> = crate::wrap::lines(&hint, inner.width as usize)
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
