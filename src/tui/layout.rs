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

fn checks_height(verdicts: usize) -> u16 {
    (2 + 2 * verdicts as u16).clamp(3, 8)
}

/// The cluster column of the lesson screen.
fn cluster_column(area: Rect, verdicts: usize, has_panes: bool) -> ClusterAreas {
    let [canvas, checks, rest] = Layout::vertical([
        Constraint::Percentage(45),
        Constraint::Length(checks_height(verdicts)),
        Constraint::Min(3),
    ])
    .areas(area);
    let (panes, log) = if has_panes {
        let [p, l] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rest);
        (Some(p), l)
    } else {
        (None, rest)
    };
    ClusterAreas {
        canvas,
        checks,
        panes,
        log,
    }
}

pub struct LessonAreas {
    pub reader: Rect,
    pub cluster: Option<ClusterAreas>,
}

pub fn lesson(body: Rect, has_cluster: bool, verdicts: usize, has_panes: bool) -> LessonAreas {
    if !has_cluster {
        return LessonAreas {
            reader: body,
            cluster: None,
        };
    }
    if body.width >= 110 {
        let reader_w = (body.width / 2).clamp(60, MAX_TEXT + 4);
        let [reader, right] =
            Layout::horizontal([Constraint::Length(reader_w), Constraint::Min(1)]).areas(body);
        LessonAreas {
            reader,
            cluster: Some(cluster_column(right, verdicts, has_panes)),
        }
    } else {
        // Narrow: text on top, the cluster below it.
        let [reader, bottom] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
        let [canvas, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        let [checks, log] = Layout::vertical([
            Constraint::Length(checks_height(verdicts).min(5)),
            Constraint::Min(3),
        ])
        .areas(right);
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

pub fn playground(body: Rect, verdicts: usize, has_panes: bool) -> ClusterAreas {
    let [top, log] =
        Layout::vertical([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(body);
    let [canvas, right] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(top);
    if has_panes {
        let [checks, panes] = Layout::vertical([
            Constraint::Length(checks_height(verdicts)),
            Constraint::Min(3),
        ])
        .areas(right);
        ClusterAreas {
            canvas,
            checks,
            panes: Some(panes),
            log,
        }
    } else {
        ClusterAreas {
            canvas,
            checks: right,
            panes: None,
            log,
        }
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
