//! The live cluster drawn by hand: node boxes on an ellipse (id, side letter
//! and colour, role, up or DOWN, stored state, a skewed clock), links
//! between them (cut links broken with `╳`), and messages in flight gliding
//! along the links.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Widget};
use unicode_width::UnicodeWidthStr;

use crate::app::live::{Live, clock_badge};
use crate::scenario::ClusterView;
use crate::tui::theme::Theme;

/// The canvas's drawing area inside its border.
pub fn inner(area: Rect) -> Rect {
    Block::bordered().inner(area)
}

/// At most this many lines of stored state in a node's box.
const MAX_STATE_LINES: usize = 5;

/// A node's stored state as the lines of a box `width` columns wide, at
/// most `rows` of them. An entry that does not fit on a line wraps at a
/// space (a version vector keeps every entry) with its continuation
/// indented; entries that do not fit at all are counted: "+2 more".
pub fn state_lines(state: &[(String, String)], width: usize, rows: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, (k, v)) in state.iter().enumerate() {
        let mut parts = crate::wrap::lines(&format!("{k}={v}"), width.max(2) - 1);
        for p in parts.iter_mut().skip(1) {
            p.insert(0, ' ');
        }
        let left = state.len() - i - 1;
        let room = rows - out.len();
        if parts.len() + usize::from(left > 0) <= room {
            out.extend(parts);
            continue;
        }
        // It does not fit whole: say how many entries are left, or (when
        // it is the only one left) show what fits and mark the cut.
        if left == 0 && room > 0 {
            parts.truncate(room);
            if let Some(last) = parts.last_mut() {
                let keep: String = last.chars().take(width.saturating_sub(1)).collect();
                *last = format!("{keep}…");
            }
            out.extend(parts);
        } else if room > 0 {
            out.push(format!("+{} more", state.len() - i));
        } else if let Some(last) = out.last_mut() {
            *last = format!("+{} more", state.len() - i + 1);
        }
        break;
    }
    out
}

/// The box width nodes would like (their longest state entry, within
/// bounds) and the box height at width `bw`.
fn box_width(view: &ClusterView) -> u16 {
    let content = view
        .nodes
        .iter()
        .flat_map(|n| {
            n.state
                .iter()
                .map(|(k, v)| format!("{k}={v}").width())
                .chain([n.role.width() + 2, 12])
        })
        .max()
        .unwrap_or(12);
    (content as u16 + 4).clamp(14, 32)
}

/// The box height at width `bw`, and whether some node's state would
/// still be cut short (`…` or "+N more") in it.
fn box_height(view: &ClusterView, bw: u16) -> (u16, bool) {
    let w = bw.saturating_sub(2) as usize;
    let mut lines = 1;
    let mut cut = false;
    for n in &view.nodes {
        let l = state_lines(&n.state, w, MAX_STATE_LINES);
        let whole = state_lines(&n.state, w, usize::MAX / 2);
        cut |= l != whole;
        lines = lines.max(l.len());
    }
    (3 + lines as u16, cut)
}

/// What a node's row says when the canvas is too small for boxes: its
/// prefix ("▶[n1 A] leader clock +1s ") and its stored state.
fn row_parts(n: &crate::scenario::NodeView) -> (String, String) {
    let role = if n.up { n.role.as_str() } else { "✗ DOWN" };
    let clock = match clock_badge(n) {
        b if b.is_empty() => b,
        b => format!("{b} "),
    };
    let state: Vec<String> = n.state.iter().map(|(k, v)| format!("{k}={v}")).collect();
    (
        format!(" [{} {}] {role} {clock}", n.id, n.side),
        state.join(" "),
    )
}

/// A row's state wrapped beside its prefix, then across the row.
fn row_lines(n: &crate::scenario::NodeView, width: usize) -> Vec<String> {
    let (prefix, state) = row_parts(n);
    crate::wrap::beside(&state, width, prefix.width().min(width / 2), 3)
}

/// One row per node, for a canvas too small for boxes: as many lines each
/// as its state needs when they all fit (keeping a line for what is on the
/// wire), else one.
fn rows(area: Rect, view: &ClusterView) -> Vec<Rect> {
    let n = view.nodes.len();
    let need = view
        .nodes
        .iter()
        .map(|v| row_lines(v, area.width as usize).len())
        .max()
        .unwrap_or(1);
    let h = need
        .min((area.height as usize).saturating_sub(1) / n.max(1))
        .max(1) as u16;
    (0..n)
        .map(|i| Rect {
            x: area.x,
            y: area.y + i as u16 * h,
            width: area.width,
            height: h,
        })
        .filter(|r| r.y + r.height <= area.y + area.height)
        .collect()
}

/// Whether `boxes` are the rows of a canvas too small for boxes.
fn compact_rows(area: Rect, boxes: &[Rect]) -> bool {
    boxes
        .first()
        .is_some_and(|b| b.width == area.width && b.x == area.x)
}

/// Above this many nodes the canvas draws each side as a block of one
/// cell per node under a line of counts: no terminal fits 1000 boxes, and
/// what a learner needs from a big cluster is who leads where.
pub const GROUPED_ABOVE: usize = 24;

/// What a node is doing, as the grouped canvas counts it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Leads,
    Runs,
    Follows,
    Down,
}

fn kind(n: &crate::scenario::NodeView) -> Kind {
    let first = n.role.split_whitespace().next().unwrap_or("");
    match first {
        _ if !n.up => Kind::Down,
        "primary" | "leader" => Kind::Leads,
        "candidate" => Kind::Runs,
        _ => Kind::Follows,
    }
}

/// The grouped canvas's layout: per side (in order), the line of its
/// counts; per node, its cell (empty when its side ran out of room).
fn grouped(area: Rect, view: &ClusterView) -> (Vec<(crate::sim::Side, u16)>, Vec<Rect>) {
    let mut sides: Vec<crate::sim::Side> = view.nodes.iter().map(|n| n.side).collect();
    sides.sort();
    sides.dedup();
    let w = area.width.max(1) as usize;
    let count = |s: crate::sim::Side| view.nodes.iter().filter(|n| n.side == s).count();
    // Each side: a header and its grid; a side that does not fit whole
    // keeps a share of the lines that are left.
    let want: Vec<usize> = sides.iter().map(|&s| 1 + count(s).div_ceil(w)).collect();
    let total: usize = want.iter().sum();
    let height = area.height as usize;
    let lines: Vec<usize> = if total <= height {
        want.clone()
    } else {
        want.iter()
            .map(|&l| (l * height / total).max(1).min(l))
            .collect()
    };
    let mut headers = Vec::new();
    let mut cells = vec![Rect::default(); view.nodes.len()];
    let mut y = area.y;
    for (si, &side) in sides.iter().enumerate() {
        if y >= area.y + area.height {
            break;
        }
        headers.push((side, y));
        let rows = lines[si].saturating_sub(1);
        let mut k = 0usize;
        for (i, n) in view.nodes.iter().enumerate() {
            if n.side != side {
                continue;
            }
            let (row, col) = (k / w, k % w);
            k += 1;
            let cy = y + 1 + row as u16;
            if row < rows && cy < area.y + area.height {
                cells[i] = Rect::new(area.x + col as u16, cy, 1, 1);
            }
        }
        y += lines[si] as u16;
    }
    (headers, cells)
}

/// Where each node's box goes in `area` (the canvas's inner area). When the
/// area is too small for boxes, one line per node; in a big cluster, one
/// cell per node.
pub fn node_boxes(area: Rect, view: &ClusterView) -> Vec<Rect> {
    let n = view.nodes.len();
    if n == 0 || area.width == 0 || area.height == 0 {
        return Vec::new();
    }
    if n > GROUPED_ABOVE {
        return grouped(area, view).1;
    }
    let natural = box_width(view);
    // Long values get narrower, taller boxes (wrapped) before boxes give
    // way to rows: boxes that fit without covering each other and show
    // every node's state whole; else rows, when they show it whole; else
    // the widest boxes that fit, cut short.
    let widest = natural.min(area.width.saturating_sub(4) / 2);
    let widths: Vec<u16> = (14..=widest.max(14)).rev().step_by(2).collect();
    let fit = |whole: bool| {
        widths.iter().find_map(|&bw| {
            let (bh, cut) = box_height(view, bw);
            if whole && cut {
                return None;
            }
            ellipse(area, n, bw, bh)
        })
    };
    if let Some(b) = fit(true) {
        return b;
    }
    let rows_whole = view
        .nodes
        .iter()
        .all(|v| row_lines(v, area.width as usize).len() <= rows(area, view)[0].height as usize);
    if rows_whole {
        return rows(area, view);
    }
    fit(false).unwrap_or_else(|| rows(area, view))
}

/// `n` boxes of `bw`×`bh` on an ellipse in `area`, or `None` when they do
/// not fit or would cover each other.
fn ellipse(area: Rect, n: usize, bw: u16, bh: u16) -> Option<Vec<Rect>> {
    let fits = area.width >= bw * 2 + 4 && area.height > bh * 2
        || n == 1 && area.width >= bw && area.height >= bh;
    if !fits {
        return None;
    }
    let cx = area.x as f64 + area.width as f64 / 2.0;
    let cy = area.y as f64 + area.height as f64 / 2.0;
    let rx = (area.width - bw) as f64 / 2.0;
    let ry = (area.height - bh) as f64 / 2.0;
    let boxes: Vec<Rect> = (0..n)
        .map(|i| {
            let angle = if n == 2 {
                std::f64::consts::PI * (1.0 - i as f64)
            } else {
                -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64
            };
            let (x, y) = if n == 1 {
                (cx, cy)
            } else {
                (cx + rx * angle.cos(), cy + ry * angle.sin())
            };
            // Snap away floating-point noise first, so boxes placed
            // symmetrically (sin 30° = sin 150°) round the same way.
            let snap = |v: f64| ((v * 1e6).round() / 1e6).round();
            let left = snap(x - bw as f64 / 2.0).max(area.x as f64) as u16;
            let top = snap(y - bh as f64 / 2.0).max(area.y as f64) as u16;
            Rect {
                x: left.min(area.x + area.width - bw),
                y: top.min(area.y + area.height - bh),
                width: bw,
                height: bh,
            }
        })
        .collect();
    // Boxes must not touch either, or their borders merge.
    let grown = |r: Rect| Rect {
        x: r.x.saturating_sub(1),
        width: r.width + 2,
        ..r
    };
    let overlap = boxes
        .iter()
        .enumerate()
        .any(|(i, a)| boxes[i + 1..].iter().any(|b| grown(*a).intersects(*b)));
    (!overlap).then_some(boxes)
}

fn center(r: Rect) -> (i32, i32) {
    (
        r.x as i32 + r.width as i32 / 2,
        r.y as i32 + r.height as i32 / 2,
    )
}

/// The cells of a straight line from `a` to `b` (Bresenham).
fn line_cells(a: (i32, i32), b: (i32, i32)) -> Vec<(i32, i32)> {
    let (mut x, mut y) = a;
    let dx = (b.0 - a.0).abs();
    let dy = -(b.1 - a.1).abs();
    let sx = if a.0 < b.0 { 1 } else { -1 };
    let sy = if a.1 < b.1 { 1 } else { -1 };
    let mut err = dx + dy;
    let mut out = Vec::new();
    loop {
        out.push((x, y));
        if (x, y) == b || out.len() > 2000 {
            break;
        }
        let e2 = 2 * err;
        if e2 >= dy {
            err += dy;
            x += sx;
        }
        if e2 <= dx {
            err += dx;
            y += sy;
        }
    }
    out
}

fn inside(rects: &[Rect], (x, y): (i32, i32)) -> bool {
    rects.iter().any(|r| {
        x >= r.x as i32
            && x < (r.x + r.width) as i32
            && y >= r.y as i32
            && y < (r.y + r.height) as i32
    })
}

/// Where the line from box `i` to box `j` leaves box `i`: a cell of its
/// border, if that cell is a plain stretch of it (never over its title).
fn border_cell(boxes: &[Rect], i: usize, j: usize, buf: &Buffer) -> Option<(i32, i32)> {
    let c = line_cells(center(boxes[i]), center(boxes[j]))
        .into_iter()
        .rev()
        .find(|&c| inside(&boxes[i..=i], c))?;
    let plain = buf
        .cell((c.0 as u16, c.1 as u16))
        .is_some_and(|cell| ["─", "━", "│", "┃"].contains(&cell.symbol()));
    plain.then_some(c)
}

/// The visible cells of the link between boxes `i` and `j`, from `i` to `j`.
fn link_path(boxes: &[Rect], i: usize, j: usize) -> Vec<(i32, i32)> {
    line_cells(center(boxes[i]), center(boxes[j]))
        .into_iter()
        .filter(|&c| !inside(boxes, c))
        .collect()
}

/// The character for the step of a line through cell `k` of `path`: a
/// staircase of `─`, `│`, `╱` and `╲` that follows the line's slope.
fn step_char(path: &[(i32, i32)], k: usize) -> char {
    let here = path[k];
    let (a, b) = match (k.checked_sub(1).map(|i| path[i]), path.get(k + 1)) {
        (_, Some(&next)) if (next.0 - here.0).abs() <= 1 && (next.1 - here.1).abs() <= 1 => {
            (here, next)
        }
        (Some(prev), _) => (prev, here),
        _ => return '·',
    };
    match (b.0 - a.0, b.1 - a.1) {
        (0, _) => '│',
        (_, 0) => '─',
        (dx, dy) if (dx > 0) == (dy > 0) => '╲',
        _ => '╱',
    }
}

/// An arrow pointing from `a` to `b` (cells are about twice as tall as wide).
fn arrow_char(a: (i32, i32), b: (i32, i32)) -> char {
    let (dx, dy) = (b.0 - a.0, 2 * (b.1 - a.1));
    if dy.abs() * 2 < dx.abs() {
        if dx > 0 { '→' } else { '←' }
    } else if dx.abs() * 2 < dy.abs() {
        if dy > 0 { '↓' } else { '↑' }
    } else {
        match (dx > 0, dy > 0) {
            (true, true) => '↘',
            (true, false) => '↗',
            (false, true) => '↙',
            (false, false) => '↖',
        }
    }
}

/// The links cut in one direction only, as `n1→n2` (the way that is cut).
fn one_way_cuts(view: &crate::scenario::ClusterView) -> Vec<String> {
    view.blocked
        .iter()
        .filter(|&&(a, b)| !view.is_blocked(b, a))
        .map(|(a, b)| format!("{a}→{b}"))
        .collect()
}

fn put(buf: &mut Buffer, area: Rect, (x, y): (i32, i32), s: &str, style: Style) {
    if x < area.x as i32 || y < area.y as i32 || y >= (area.y + area.height) as i32 {
        return;
    }
    let right = (area.x + area.width) as i32;
    if x >= right {
        return;
    }
    buf.set_stringn(x as u16, y as u16, s, (right - x) as usize, style);
}

/// The canvas widget.
pub struct Canvas<'a> {
    pub live: &'a Live,
    pub theme: &'a Theme,
}

impl Widget for Canvas<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let view = &self.live.view;
        let title = Line::from(vec![
            Span::styled(" Cluster ", t.title()),
            Span::styled(
                format!("{} · {} nodes ", self.live.info.name, view.nodes.len()),
                t.dim(),
            ),
        ]);
        let mut legend = Line::from(vec![
            Span::styled(" sides ", t.dim()),
            Span::styled("A", t.side(crate::sim::Side(0))),
            Span::styled(" ", t.dim()),
            Span::styled("B", t.side(crate::sim::Side(1))),
            Span::styled(" ", t.dim()),
            Span::styled("C", t.side(crate::sim::Side(2))),
            Span::styled(" · ● message · ╳ cut link ", t.dim()),
        ]);
        if !one_way_cuts(view).is_empty() {
            legend.push_span(Span::styled("· ╳→ cut that way only ", t.dim()));
            // Too wide for the border: the short form keeps every mark.
            if legend.width() + 2 > area.width as usize {
                legend = Line::from(Span::styled(" ● msg · ╳ cut · ╳→ cut one way ", t.dim()));
            }
        }
        if view.nodes.len() > GROUPED_ABOVE {
            legend = Line::from(Span::styled(
                " ▲ leads ◆ asks for votes ∙ follows ✗ down ",
                t.dim(),
            ));
        }
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(t.border())
            .title(title)
            .title_bottom(legend.right_aligned());
        let inner = block.inner(area);
        block.render(area, buf);
        if view.nodes.len() > GROUPED_ABOVE {
            self.grouped(inner, buf);
            return;
        }
        let boxes = node_boxes(inner, view);
        if boxes.is_empty() {
            return;
        }
        if compact_rows(inner, &boxes) {
            self.compact(inner, &boxes, buf);
            return;
        }
        let n = boxes.len();
        // Cut links between boxes that touch: no cell between them to
        // mark, so the ╳ goes on a border once the boxes are drawn.
        let mut touching_cuts = Vec::new();
        // Links first, so boxes and messages draw over them.
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (&view.nodes[i], &view.nodes[j]);
                let path = link_path(&boxes, i, j);
                let (cut_ab, cut_ba) = (view.is_blocked(a.id, b.id), view.is_blocked(b.id, a.id));
                let cut = cut_ab && cut_ba;
                let down = !a.up || !b.up;
                // A cut link stays drawn, faint, with one ╳ in its middle:
                // the learner sees which link it is and that it is cut.
                for (k, &cell) in path.iter().enumerate() {
                    if cut && k == path.len() / 2 {
                        put(buf, inner, cell, "╳", t.bad());
                    } else {
                        let style = if down || cut { t.dim() } else { t.border() };
                        put(buf, inner, cell, &step_char(&path, k).to_string(), style);
                    }
                }
                if cut && path.is_empty() {
                    touching_cuts.push((i, j));
                }
                // Cut one way: `╳` mid-link and an arrowhead beside it
                // pointing the way messages no longer go.
                if cut_ab != cut_ba && path.len() >= 3 {
                    let mid = path.len() / 2;
                    let (head, from, to) = if cut_ab {
                        (mid + 1, i, j)
                    } else {
                        (mid - 1, j, i)
                    };
                    put(buf, inner, path[mid], "╳", t.bad());
                    let arrow = arrow_char(center(boxes[from]), center(boxes[to]));
                    put(buf, inner, path[head], &arrow.to_string(), t.bad());
                }
            }
        }
        for (i, node) in view.nodes.iter().enumerate() {
            let r = boxes[i];
            let selected = node.id == self.live.selected;
            let side = t.side(node.side);
            let border = if !node.up {
                t.dim()
            } else if selected {
                side.add_modifier(ratatui::style::Modifier::BOLD)
            } else {
                side
            };
            let mark = if selected { "▶" } else { "" };
            let block = Block::default()
                .borders(Borders::ALL)
                .border_type(if selected {
                    BorderType::Thick
                } else if node.up {
                    BorderType::Rounded
                } else {
                    BorderType::Plain
                })
                .border_style(border)
                .title(Line::from(vec![
                    Span::styled(
                        format!(" {mark}{} ", node.id),
                        if selected { t.bold() } else { t.text() },
                    ),
                    Span::styled(format!("side {} ", node.side), side),
                ]));
            // A skewed clock on the bottom border: it takes no line from
            // the state and fits the narrowest box (" clock +1s ").
            let badge = clock_badge(node);
            let block = if badge.is_empty() {
                block
            } else {
                block.title_bottom(Span::styled(format!(" {badge} "), t.warn()))
            };
            let ib = block.inner(r);
            ratatui::widgets::Clear.render(r, buf);
            block.render(r, buf);
            let w = ib.width as usize;
            if node.up {
                buf.set_stringn(ib.x, ib.y, &node.role, w, t.text());
            } else {
                buf.set_stringn(ib.x, ib.y, "✗ DOWN", w, t.bad());
            }
            let state_style = if node.up { t.text() } else { t.dim() };
            if node.state.is_empty() && ib.height > 1 {
                buf.set_stringn(ib.x, ib.y + 1, "(empty)", w, t.dim());
            }
            let rows = (ib.height.saturating_sub(1) as usize).min(MAX_STATE_LINES);
            for (k, text) in state_lines(&node.state, w, rows).into_iter().enumerate() {
                buf.set_stringn(ib.x, ib.y + 1 + k as u16, text, w, state_style);
            }
        }
        for (i, j) in touching_cuts {
            if let Some(cell) = border_cell(&boxes, i, j, buf) {
                put(buf, inner, cell, "╳", t.bad());
            }
        }
        // Messages in flight: the dots first, then the labels where they
        // cover no dot, no other label and no box (several messages on one
        // link would otherwise run their labels together).
        let now = view.now;
        // Past eight the labels are more noise than help.
        let label = view.in_flight.len() <= 8;
        let mut dots: Vec<((i32, i32), String)> = Vec::new();
        for m in &view.in_flight {
            let (i, j) = (m.from.index(), m.to.index());
            if i >= n || j >= n || i == j {
                continue;
            }
            let mut path = link_path(&boxes, i.min(j), i.max(j));
            if i > j {
                path.reverse();
            }
            let span = m.arrives.saturating_sub(m.sent).max(1) as f64;
            let f = (now.saturating_sub(m.sent) as f64 / span).clamp(0.0, 1.0);
            // Boxes that touch have no link cells between them: the
            // message shows on the sender's border, then the receiver's.
            let cell = if path.is_empty() {
                let (a, b) = if f < 0.5 { (i, j) } else { (j, i) };
                match border_cell(&boxes, a, b, buf) {
                    Some(c) => c,
                    None => continue,
                }
            } else {
                path[((path.len() - 1) as f64 * f).round() as usize]
            };
            // A message on a link that is cut now, or to a node that is down, will be dropped.
            let doomed = view.is_blocked(m.from, m.to) || !view.nodes[j].up;
            let style = if doomed { t.bad() } else { t.warn() };
            put(buf, inner, cell, "●", style);
            let short: String = m
                .label
                .split('(')
                .next()
                .unwrap_or("")
                .chars()
                .take(14)
                .collect();
            dots.push((cell, short));
        }
        if label {
            let mut taken: Vec<(i32, i32, i32)> =
                dots.iter().map(|((x, y), _)| (*y, *x, *x)).collect();
            for (cell, short) in &dots {
                let w = short.width() as i32;
                let (x0, y) = (cell.0 + 2, cell.1);
                let (x1, y) = (x0 + w - 1, y);
                let clear = w > 0
                    && !taken
                        .iter()
                        .any(|&(ty, a, b)| ty == y && a <= x1 + 1 && x0 <= b + 1)
                    && !(x0..=x1).any(|x| inside(&boxes, (x, y)));
                if clear {
                    put(buf, inner, (x0, y), short, t.dim());
                    taken.push((y, x0, x1));
                }
            }
        }
    }
}

impl Canvas<'_> {
    /// One line per node when the canvas is too small for boxes.
    /// A big cluster: per side, a line of counts, then a cell per node.
    fn grouped(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let view = &self.live.view;
        if area.width == 0 || area.height == 0 {
            return;
        }
        let (headers, cells) = grouped(area, view);
        for (side, y) in headers {
            let members: Vec<&crate::scenario::NodeView> =
                view.nodes.iter().filter(|n| n.side == side).collect();
            let of = |k: Kind| members.iter().filter(|n| kind(n) == k).count();
            let leads: Vec<String> = members
                .iter()
                .filter(|n| kind(n) == Kind::Leads)
                .take(3)
                .map(|n| format!("{} {}", n.id, n.role))
                .collect();
            let mut spans = vec![
                Span::styled(format!("side {side} "), t.side(side)),
                Span::styled(format!("· {} nodes: ", members.len()), t.dim()),
            ];
            spans.push(if leads.is_empty() {
                Span::styled("no one leads".to_string(), t.warn())
            } else {
                Span::styled(format!("▲ {}", leads.join(", ")), t.good())
            });
            for (k, word) in [
                (Kind::Runs, "asking for votes"),
                (Kind::Follows, "following"),
                (Kind::Down, "down"),
            ] {
                let c = of(k);
                if c > 0 {
                    let style = if k == Kind::Down { t.bad() } else { t.dim() };
                    spans.push(Span::styled(format!(" · {c} {word}"), style));
                }
            }
            buf.set_line(area.x, y, &Line::from(spans), area.width);
        }
        for (node, r) in view.nodes.iter().zip(&cells) {
            if r.width == 0 {
                continue;
            }
            let selected = node.id == self.live.selected;
            let (mark, style) = match kind(node) {
                _ if selected => ("▶", t.bold()),
                Kind::Leads => ("▲", t.good()),
                Kind::Runs => ("◆", t.warn()),
                Kind::Follows => ("∙", t.side(node.side)),
                Kind::Down => ("✗", t.bad()),
            };
            buf.set_string(r.x, r.y, mark, style);
        }
    }

    fn compact(&self, area: Rect, rows: &[Rect], buf: &mut Buffer) {
        let t = self.theme;
        for (node, r) in self.live.view.nodes.iter().zip(rows) {
            let sel = node.id == self.live.selected;
            let (prefix, _) = row_parts(node);
            let pw = prefix.width() as u16;
            let head = Line::from(vec![
                Span::styled(if sel { "▶" } else { " " }, t.bold()),
                Span::styled(format!("[{} {}] ", node.id, node.side), t.side(node.side)),
                if node.up {
                    Span::styled(format!("{} ", node.role), t.text())
                } else {
                    Span::styled("✗ DOWN ", t.bad())
                },
                Span::styled(
                    match clock_badge(node) {
                        b if b.is_empty() => b,
                        b => format!("{b} "),
                    },
                    t.warn(),
                ),
            ]);
            buf.set_line(r.x, r.y, &head, area.width);
            let lines = row_lines(node, area.width as usize);
            let cut = lines.len() > r.height as usize;
            for (k, mut text) in lines.into_iter().take(r.height as usize).enumerate() {
                if cut && k + 1 == r.height as usize {
                    text.push('…');
                }
                // The first line goes beside the prefix, the others under it.
                let x = if k == 0 {
                    (r.x + pw).min(r.x + r.width)
                } else {
                    r.x
                };
                buf.set_stringn(
                    x,
                    r.y + k as u16,
                    text,
                    (r.width - (x - r.x)) as usize,
                    t.text(),
                );
            }
        }
        let rows_end = rows.last().map_or(area.y, |r| r.y + r.height);
        // No links to glide along: say what is on the wire instead.
        let y = rows_end;
        let wire = &self.live.view.in_flight;
        if !wire.is_empty() && y < area.y + area.height {
            let mut labels: Vec<String> = wire
                .iter()
                .map(|m| {
                    let kind = m.label.split('(').next().unwrap_or("");
                    format!("{kind} {}→{}", m.from, m.to)
                })
                .collect();
            labels.dedup();
            let line = Line::from(vec![
                Span::styled("● ", t.warn()),
                Span::styled(
                    format!(
                        "{} message{} on the wire: {}",
                        wire.len(),
                        if wire.len() == 1 { "" } else { "s" },
                        labels.join(", ")
                    ),
                    t.dim(),
                ),
            ]);
            buf.set_line(area.x, y, &line, area.width);
        }
        // No links drawn either: say who can reach whom, and name the
        // links cut one way.
        let view = &self.live.view;
        let mut y = rows_end + 1;
        if view.partitioned && y < area.y + area.height {
            let mut sides: Vec<(crate::sim::Side, Vec<String>)> = Vec::new();
            for n in &view.nodes {
                match sides.iter_mut().find(|(s, _)| *s == n.side) {
                    Some((_, ids)) => ids.push(n.id.to_string()),
                    None => sides.push((n.side, vec![n.id.to_string()])),
                }
            }
            sides.sort_by_key(|(s, _)| *s);
            let mut spans = vec![
                Span::styled("╳ ", t.bad()),
                Span::styled("partitioned: ", t.dim()),
            ];
            for (k, (side, ids)) in sides.into_iter().enumerate() {
                if k > 0 {
                    spans.push(Span::styled(" | ", t.bad()));
                }
                spans.push(Span::styled(
                    format!("{side} {{{}}}", ids.join(" ")),
                    t.side(side),
                ));
            }
            buf.set_line(area.x, y, &Line::from(spans), area.width);
            y += 1;
        }
        let one_way = one_way_cuts(view);
        if !one_way.is_empty() && y < area.y + area.height {
            let line = Line::from(vec![
                Span::styled("╳ ", t.bad()),
                Span::styled(format!("cut one way: {}", one_way.join(", ")), t.dim()),
            ]);
            buf.set_line(area.x, y, &line, area.width);
        }
    }
}
