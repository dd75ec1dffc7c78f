//! Where each pane goes for a terminal size. Pure functions, used both by
//! drawing and by `App::update` (mouse hits, page sizes, reader width), so
//! the two always agree.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the app shows "make the terminal at least W×H".
pub const MIN_W: u16 = 80;
pub const MIN_H: u16 = 24;

/// The widest a lesson's text gets, for readability.
pub const MAX_TEXT: u16 = 96;

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_W || area.height < MIN_H
}

/// Body, status line and key-hint line.
pub struct Chrome {
    pub body: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn chrome(area: Rect) -> Chrome {
    let [body, status, hints] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Chrome {
        body,
        status,
        hints,
    }
}

/// The live cluster's panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClusterAreas {
    pub canvas: Rect,
    pub checks: Rect,
    pub panes: Option<Rect>,
    pub log: Rect,
}

/// How many lines the cluster's side panes would like, for a width.
pub trait Wants {
    /// Lines of the checkers' findings in full (without the border).
    fn checks_lines(&self, width: u16) -> u16;
    /// Lines of the checkers' findings at their shortest: one per checker.
    fn checks_compact(&self) -> u16;
    /// Lines of the inspection panes at `width`, `None` when the scenario
    /// has none.
    fn panes_lines(&self, width: u16) -> Option<u16>;
}

/// Splits `area` top to bottom into checkers, panes (if any) and the rest
/// (at least `rest_min` lines). The checkers get what they need in full (up
/// to `checks_max`) when that leaves the panes what they need; otherwise
/// they shrink towards one line per checker, down to half the room, so
/// the panes are never squeezed out.
fn side_stack(
    area: Rect,
    wants: &dyn Wants,
    checks_max: u16,
    rest_min: u16,
) -> (Rect, Option<Rect>, Rect) {
    let inner_w = area.width.saturating_sub(2);
    let room = area.height.saturating_sub(rest_min);
    let full = wants.checks_lines(inner_w) + 2;
    let compact = wants.checks_compact() + 2;
    match wants.panes_lines(inner_w) {
        Some(lines) => {
            let panes_need = lines + 2;
            let checks_h = full
                .min(checks_max.max(compact))
                .min(compact.max(room.saturating_sub(panes_need)).max(room / 2))
                .min(room.saturating_sub(3))
                .max(3.min(room));
            let [checks, rest] =
                Layout::vertical([Constraint::Length(checks_h), Constraint::Min(0)]).areas(area);
            let panes_h = panes_need.min(room.saturating_sub(checks_h));
            let [panes, rest] =
                Layout::vertical([Constraint::Length(panes_h), Constraint::Min(0)]).areas(rest);
            (checks, Some(panes), rest)
        }
        None => {
            let checks_h = full.clamp(3, checks_max.max(3)).min(room.max(3));
            let [checks, rest] =
                Layout::vertical([Constraint::Length(checks_h), Constraint::Min(0)]).areas(area);
            (checks, None, rest)
        }
    }
}

pub struct LessonAreas {
    pub reader: Rect,
    pub cluster: Option<ClusterAreas>,
}

pub fn lesson(body: Rect, wants: Option<&dyn Wants>) -> LessonAreas {
    let Some(wants) = wants else {
        return LessonAreas {
            reader: body,
            cluster: None,
        };
    };
    if body.width >= 110 {
        let reader_w = (body.width / 2).clamp(60, MAX_TEXT + 4);
        let [reader, right] =
            Layout::horizontal([Constraint::Length(reader_w), Constraint::Min(1)]).areas(body);
        let [canvas, side] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Min(1)]).areas(right);
        let (checks, panes, log) = side_stack(side, wants, 10, 5);
        LessonAreas {
            reader,
            cluster: Some(ClusterAreas {
                canvas,
                checks,
                panes,
                log,
            }),
        }
    } else {
        // Narrow: text on top, the cluster below it. The inspection panes
        // share the event log's place: Tab to them swaps them in.
        let [reader, bottom] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
        let [canvas, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        let checks_h = (wants.checks_lines(right.width.saturating_sub(2)) + 2).clamp(3, 5);
        let [checks, log] =
            Layout::vertical([Constraint::Length(checks_h), Constraint::Min(3)]).areas(right);
        LessonAreas {
            reader,
            cluster: Some(ClusterAreas {
                canvas,
                checks,
                panes: wants.panes_lines(log.width.saturating_sub(2)).map(|_| log),
                log,
            }),
        }
    }
}

pub fn playground(body: Rect, wants: &dyn Wants) -> ClusterAreas {
    // On a short terminal the log gives up a little so the panes fit.
    let log_h = if body.height >= 36 {
        body.height * 38 / 100
    } else {
        (body.height * 30 / 100).max(6)
    };
    let [top, log] = Layout::vertical([Constraint::Min(0), Constraint::Length(log_h)]).areas(body);
    // Inspection panes are tables: give them half the width.
    let canvas_pct = if wants.panes_lines(80).is_some() {
        50
    } else {
        58
    };
    let [canvas, right] = Layout::horizontal([
        Constraint::Percentage(canvas_pct),
        Constraint::Percentage(100 - canvas_pct),
    ])
    .areas(top);
    let (checks, panes, rest) = side_stack(right, wants, right.height, 0);
    // Whatever the panes leave goes to them (or to the checkers).
    let (checks, panes) = match panes {
        Some(p) => (
            checks,
            Some(Rect {
                height: p.height + rest.height,
                ..p
            }),
        ),
        None => (
            Rect {
                height: checks.height + rest.height,
                ..checks
            },
            None,
        ),
    };
    ClusterAreas {
        canvas,
        checks,
        panes,
        log,
    }
}

/// The course map: list on the left, details on the right.
pub fn home(body: Rect) -> (Rect, Rect, Rect) {
    let [banner, rest] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(body);
    let [list, detail] =
        Layout::horizontal([Constraint::Length(52), Constraint::Min(20)]).areas(rest);
    (banner, list, detail)
}

/// The help overlay's box.
pub fn help(area: Rect) -> Rect {
    let w = area.width.saturating_sub(8).min(96);
    let h = area.height.saturating_sub(4);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// The reader's text area inside its border, one column of padding each side.
pub fn reader_text(reader: Rect) -> Rect {
    let inner = Rect {
        x: reader.x + 2,
        y: reader.y + 1,
        width: reader.width.saturating_sub(4),
        height: reader.height.saturating_sub(2),
    };
    Rect {
        width: inner.width.min(MAX_TEXT),
        ..inner
    }
}

pub fn contains(r: Rect, col: u16, row: u16) -> bool {
    col >= r.x && col < r.x + r.width && row >= r.y && row < r.y + r.height
}
