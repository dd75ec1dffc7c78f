//! The generic widget for a scenario's inspection panes: whatever a
//! protocol shows (vector clocks, quorum votes, CRDT state) arrives as a
//! table of toned cells.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use super::pane_block;
use crate::scenario::Pane;
use crate::tui::live::Live;
use crate::tui::theme::Theme;

/// The lines of one pane.
fn pane_lines(pane: &Pane, t: &Theme) -> Vec<Line<'static>> {
    match pane {
        Pane::Table {
            title,
            header,
            rows,
        } => {
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
            let pad =
                |s: &str, w: usize| format!("{s}{}  ", " ".repeat(w.saturating_sub(s.width())));
            let mut out = vec![Line::styled(title.clone(), t.h3())];
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
            out
        }
    }
}

/// How many lines the panes take.
pub fn line_count(live: &Live) -> u16 {
    let t = Theme::new(false);
    let lines: usize = live.panes.iter().map(|p| pane_lines(p, &t).len()).sum();
    (lines + live.panes.len().saturating_sub(1)) as u16
}

pub fn render(live: &Live, t: &Theme, focused: bool, area: Rect, buf: &mut Buffer) {
    let block = pane_block("Inside the nodes", focused, t);
    let inner = block.inner(area);
    block.render(area, buf);
    let mut lines = Vec::new();
    for (i, p) in live.panes.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        lines.extend(pane_lines(p, t));
    }
    let skip = live
        .pane_scroll
        .min(lines.len().saturating_sub(inner.height as usize));
    for (i, l) in lines
        .iter()
        .skip(skip)
        .take(inner.height as usize)
        .enumerate()
    {
        buf.set_line(inner.x, inner.y + i as u16, l, inner.width);
    }
}
