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
    /// Lines of the checkers' findings (without the border).
    fn checks_lines(&self, width: u16) -> u16;
    /// Lines of the inspection panes, `None` when the scenario has none.
    fn panes_lines(&self) -> Option<u16>;
}

/// Splits `area` top to bottom into checkers, panes (if any) and the rest,
/// giving the checkers what they need (up to `checks_max`) and the panes up
/// to half of what is left.
fn side_stack(
    area: Rect,
    wants: &dyn Wants,
    checks_max: u16,
    rest_min: u16,
) -> (Rect, Option<Rect>, Rect) {
    let inner_w = area.width.saturating_sub(2);
    let room = area.height.saturating_sub(rest_min);
    let checks_h = (wants.checks_lines(inner_w) + 2)
        .clamp(3, checks_max.max(3))
        .min(room.max(3));
    let [checks, rest] =
        Layout::vertical([Constraint::Length(checks_h), Constraint::Min(0)]).areas(area);
    match wants.panes_lines() {
        Some(lines) => {
            let panes_h =
                (lines + 2).min(rest.height.saturating_sub(rest_min).max(rest.height / 2));
            let [panes, rest] =
                Layout::vertical([Constraint::Length(panes_h), Constraint::Min(0)]).areas(rest);
            (checks, Some(panes), rest)
        }
        None => (checks, None, rest),
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
        // Narrow: text on top, the cluster below it (no room for panes).
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
                panes: None,
                log,
            }),
        }
    }
}

pub fn playground(body: Rect, wants: &dyn Wants) -> ClusterAreas {
    let [top, log] =
        Layout::vertical([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(body);
    let [canvas, right] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(top);
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
