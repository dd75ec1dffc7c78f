//! The generic widget for a scenario's inspection panes: whatever a
//! protocol shows (vector clocks, quorum votes, CRDT state) arrives as a
//! table of toned cells.
//!
//! A table that fits the pane's width is drawn as columns. One that does
//! not is drawn as a list instead — each row's first cell, then every other
//! cell under it as `header: text`, wrapped — so no column is ever cut off
//! at the right edge, whatever the terminal size.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use super::pane_block;
use crate::app::live::Live;
use crate::scenario::{Cell, Pane};
use crate::tui::theme::Theme;

/// Space between columns.
const GAP: usize = 2;
/// Indent of a row's cells in the list form.
const INDENT: usize = 2;

/// The lines of one pane, at most `width` columns wide.
pub fn pane_lines(pane: &Pane, t: &Theme, width: u16) -> Vec<Line<'static>> {
    let width = (width as usize).max(8);
    match pane {
        Pane::Table {
            title,
            header,
            rows,
        } => {
            let mut out: Vec<Line<'static>> = crate::wrap::lines(title, width)
                .into_iter()
                .map(|l| Line::styled(l, t.h3()))
                .collect();
            let cols = header
                .len()
                .max(rows.iter().map(|r| r.len()).max().unwrap_or(0));
            let mut widths = vec![0usize; cols];
            for (i, h) in header.iter().enumerate() {
                widths[i] = widths[i].max(h.width());
            }
            for r in rows {
                for (i, c) in r.iter().enumerate() {
                    widths[i] = widths[i].max(c.text.width());
                }
            }
            let natural = widths.iter().sum::<usize>() + GAP * cols.saturating_sub(1);
            if natural <= width {
                columns(&mut out, header, rows, &widths, t);
            } else {
                list(&mut out, header, rows, width, t);
            }
            out
        }
    }
}

fn columns(
    out: &mut Vec<Line<'static>>,
    header: &[String],
    rows: &[Vec<Cell>],
    widths: &[usize],
    t: &Theme,
) {
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.width()) + GAP));
    if !header.is_empty() {
        out.push(Line::from(
            header
                .iter()
                .enumerate()
                .map(|(i, h)| Span::styled(pad(h, widths[i]), t.bold()))
                .collect::<Vec<_>>(),
        ));
    }
    for r in rows {
        out.push(Line::from(
            r.iter()
                .enumerate()
                .map(|(i, c)| Span::styled(pad(&c.text, widths[i]), t.tone(c.tone)))
                .collect::<Vec<_>>(),
        ));
    }
}

/// Each row as a small block: its first cell in bold, then its other cells
/// as `header: text`, packed several to a line where they fit and wrapped
/// where they do not.
fn list(
    out: &mut Vec<Line<'static>>,
    header: &[String],
    rows: &[Vec<Cell>],
    width: usize,
    t: &Theme,
) {
    const SEP: &str = " · ";
    for r in rows {
        let Some((first, rest)) = r.split_first() else {
            continue;
        };
        for part in crate::wrap::lines(&first.text, width) {
            out.push(Line::styled(part, t.tone(first.tone).patch(t.bold())));
        }
        let mut line: Vec<Span<'static>> = Vec::new();
        let mut used = 0usize;
        for (i, c) in rest.iter().enumerate() {
            let label = header
                .get(i + 1)
                .filter(|h| !h.is_empty())
                .map_or(String::new(), |h| format!("{h}: "));
            let item = label.width() + c.text.width();
            if used > 0 && used + SEP.width() + item <= width {
                line.push(Span::styled(SEP, t.dim()));
                line.push(Span::styled(label, t.dim()));
                line.push(Span::styled(c.text.clone(), t.tone(c.tone)));
                used += SEP.width() + item;
                continue;
            }
            if used > 0 {
                out.push(Line::from(std::mem::take(&mut line)));
            }
            if INDENT + item <= width {
                line = vec![
                    Span::raw(" ".repeat(INDENT)),
                    Span::styled(label, t.dim()),
                    Span::styled(c.text.clone(), t.tone(c.tone)),
                ];
                used = INDENT + item;
                continue;
            }
            // Too long for a line: the text wraps under its label.
            let hang = INDENT * 2;
            let parts = crate::wrap::lines(
                &format!("{label}{}", c.text),
                width.saturating_sub(hang).max(8),
            );
            for (k, part) in parts.into_iter().enumerate() {
                let lead = if k == 0 { INDENT } else { hang };
                out.push(Line::from(vec![
                    Span::raw(" ".repeat(lead)),
                    Span::styled(part, t.tone(c.tone)),
                ]));
            }
            used = 0;
        }
        if used > 0 {
            out.push(Line::from(line));
        }
    }
}

/// Every pane's lines, a blank line between panes.
fn all_lines(live: &Live, t: &Theme, width: u16) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, p) in live.panes.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        lines.extend(pane_lines(p, t, width));
    }
    lines
}

/// How many lines the panes take at `width` (inside the border).
pub fn line_count(live: &Live, width: u16) -> u16 {
    all_lines(live, &Theme::new(false), width).len() as u16
}

pub fn render(live: &Live, t: &Theme, focused: bool, area: Rect, buf: &mut Buffer) {
    let block = pane_block("Inside the nodes", focused, t);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let lines = all_lines(live, t, inner.width);
    let max = lines.len().saturating_sub(inner.height as usize);
    let skip = live.pane_scroll.min(max);
    for (i, l) in lines
        .iter()
        .skip(skip)
        .take(inner.height as usize)
        .enumerate()
    {
        buf.set_line(inner.x, inner.y + i as u16, l, inner.width);
    }
    // Say so when there is more than fits, and how to see it.
    if max > 0 {
        let more = if skip < max {
            format!(" ↓ {} more · Tab here, ↑↓ ", max - skip)
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
