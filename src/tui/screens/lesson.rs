//! A lesson: its text on one side, the block's live cluster (if it has one)
//! on the other. The reading position is saved when the learner leaves.

use std::collections::BTreeSet;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget, Widget};

use super::cluster::{self, Clicked, Focus};
use super::{Ctx, Go};
use crate::app::live::Live;
use crate::app::marks::Mark;
use crate::scenario;
use crate::tui::keymap::{self, Action, Binding, Section, bind, ch};
use crate::tui::layout::{self, LessonAreas};
use crate::tui::markdown::{self, Doc};
use crate::tui::views::pane_block;

pub struct LessonScreen {
    /// Index into `Ctx::lessons`.
    pub lesson: usize,
    pub doc: Doc,
    /// The width `doc` was wrapped for.
    pub width: u16,
    pub top: usize,
    pub revealed: BTreeSet<usize>,
    pub live: Option<Live>,
    pub focus: Focus,
}

impl LessonScreen {
    /// Opens lesson `i` where the learner left it, with its first live
    /// scenario beside it.
    pub fn open(i: usize, cx: &mut Ctx) -> Option<LessonScreen> {
        let lesson = cx.lessons.get(i)?;
        let id = lesson.id.clone();
        let mut live = None;
        if let Some(s) = lesson.live_scenarios().first().copied() {
            match Live::start(s, None, cx.seed) {
                Ok(l) => live = Some(l),
                Err(e) => cx.say(format!("cannot start {}: {e}", s.name)),
            }
        }
        let mut s = LessonScreen {
            lesson: i,
            doc: Doc::default(),
            width: 0,
            top: 0,
            revealed: BTreeSet::new(),
            live,
            focus: Focus::Reader,
        };
        s.relayout(cx);
        // Visiting re-reads the progress file, so the position is the newest
        // any copy of the program saved.
        cx.marks.visit(&id);
        if let Some(pos) = cx.marks.position(&id) {
            s.top = if pos == 0 { 0 } else { s.doc.line_at_src(pos) };
        }
        s.scroll(0, cx);
        cx.take_notice();
        Some(s)
    }

    pub fn areas(&self, body: Rect) -> LessonAreas {
        layout::lesson(body, self.live.as_ref().map(|l| l as &dyn layout::Wants))
    }

    fn reader_rect(&self, cx: &Ctx) -> Rect {
        layout::reader_text(self.areas(cx.body()).reader)
    }

    fn page(&self, cx: &Ctx) -> usize {
        let h = match self.focus {
            Focus::Reader => self.reader_rect(cx).height as usize,
            _ => self
                .areas(cx.body())
                .cluster
                .map_or(10, |c| c.log.height as usize),
        };
        h.saturating_sub(2).max(1)
    }

    pub fn bindings(&self, cx: &Ctx) -> Vec<Binding> {
        use Section::Reading;
        let mut b = keymap::everywhere("back to the course map", Some("back"));
        b.extend(keymap::up_down(
            Reading,
            "scroll down a line (mouse wheel too)",
            "scroll up a line",
            "scroll",
            4,
        ));
        if self.live.is_some() {
            // Narrow: the panes are behind the log, and Tab is the way in.
            let shared = cluster::panes_share_the_log(self.areas(cx.body()).cluster);
            let (tab_word, tab_keep) = match (shared, self.focus) {
                (true, Focus::Panes) => ("next pane", 9),
                (true, _) => ("inside the nodes", 9),
                _ => ("focus", 5),
            };
            b.extend(keymap::focus_keys(
                "focus the next pane; arrows scroll the focused pane (lesson, event log, inside the nodes or checkers)",
                tab_word,
                tab_keep,
            ));
        }
        b.extend(keymap::paging(Reading));
        b.extend([
            bind(
                Reading,
                &[ch(']')],
                "] [",
                "next / previous section",
                Action::Section(1),
            ),
            bind(
                Reading,
                &[ch('[')],
                "[",
                "previous section",
                Action::Section(-1),
            )
            .hidden(),
        ]);
        if !self.doc.answers.is_empty() {
            b.push(
                bind(
                    Reading,
                    &[ch('a')],
                    "a",
                    "reveal the next hidden model answer from where you are reading (again: the one after it; with all shown, hide them)",
                    Action::RevealAnswer,
                )
                .hint("answer", 8),
            );
        }
        if let Some(l) = &self.live
            && !self.doc.try_its.is_empty()
        {
            let t = bind(
                Reading,
                &[ch('t')],
                "t",
                "run the scenario of the \"Try it\" section you are reading",
                Action::LoadTryIt,
            );
            // The "Try it" being read runs another scenario: say so first.
            b.push(match self.current_try_it(cx) {
                Some(name) if l.info.name != name => {
                    t.hint(&format!("run {name} here"), 9).urgent()
                }
                _ => t.hint("try it", 9),
            });
        }
        if let Some(l) = &self.live {
            let more = keymap::cluster(l, &b);
            b.extend(more);
        }
        b
    }

    pub fn update(&mut self, action: Action, cx: &mut Ctx) -> Go {
        match action {
            Action::Back => {
                self.save_position(cx);
                return Go::Pop;
            }
            Action::Move(d) => self.scroll(d as isize, cx),
            Action::Page(d) => self.scroll(d as isize * self.page(cx) as isize, cx),
            Action::Top => self.scroll(isize::MIN / 2, cx),
            Action::Bottom => self.scroll(isize::MAX / 2, cx),
            Action::FocusNext | Action::FocusPrev => {
                let order = cluster::focus_order(true, self.areas(cx.body()).cluster);
                let dir = if action == Action::FocusNext { 1 } else { -1 };
                self.focus = cluster::cycle(self.focus, &order, dir);
            }
            Action::RevealAnswer => self.reveal_answer(cx),
            Action::LoadTryIt => self.load_try_it(cx),
            Action::Section(d) => self.jump_section(d, cx),
            Action::Click { col, row } => self.click(col, row, cx),
            Action::Wheel { col, row, down } => {
                let before = self.focus;
                if let Some(c) = self.areas(cx.body()).cluster {
                    self.focus = cluster::pane_at(c, col, row).unwrap_or(Focus::Reader);
                }
                self.scroll(if down { 3 } else { -3 }, cx);
                self.focus = before;
            }
            a => {
                if let Some(l) = &mut self.live {
                    cluster::act(l, a, cx);
                }
            }
        }
        Go::Stay
    }

    fn scroll(&mut self, d: isize, cx: &mut Ctx) {
        if self.focus == Focus::Reader {
            let h = self.reader_rect(cx).height as usize;
            let max = self.doc.lines.len().saturating_sub(h);
            self.top = self.top.saturating_add_signed(d).min(max);
            self.check_completed(cx);
        } else {
            let areas = self.areas(cx.body()).cluster;
            if let (Some(l), Some(c)) = (&mut self.live, areas) {
                cluster::scroll(l, self.focus, d, c);
            }
        }
    }

    fn click(&mut self, col: u16, row: u16, cx: &mut Ctx) {
        let areas = self.areas(cx.body());
        if let (Some(l), Some(c)) = (&mut self.live, areas.cluster) {
            match cluster::click(l, c, col, row, cx) {
                Clicked::Pane(f) => self.focus = f,
                Clicked::Canvas => {}
                Clicked::Outside if layout::contains(areas.reader, col, row) => {
                    self.focus = Focus::Reader
                }
                Clicked::Outside => {}
            }
        }
    }

    /// Re-wraps the lesson for the reader's current width, keeping the
    /// learner's place.
    pub fn relayout(&mut self, cx: &mut Ctx) {
        let width = self.reader_rect(cx).width;
        if self.width == width && !self.doc.lines.is_empty() {
            return;
        }
        let Some(lesson) = cx.lessons.get(self.lesson) else {
            return;
        };
        let top_src = self.doc.src.get(self.top).copied().unwrap_or(0);
        let doc = markdown::render(&lesson.body, width, &self.revealed, &cx.theme);
        self.top = if self.top == 0 {
            0
        } else {
            doc.line_at_src(top_src)
        };
        self.doc = doc;
        self.width = width;
        self.scroll(0, cx);
    }

    /// Saves where the learner is (as the source offset of the block at the
    /// top, so it survives another width), when they leave the lesson.
    pub fn save_position(&mut self, cx: &mut Ctx) {
        if let Some(l) = cx.lessons.get(self.lesson) {
            let pos = self.doc.src.get(self.top).copied().unwrap_or(0);
            let id = l.id.clone();
            cx.marks
                .save_position(&id, if self.top == 0 { 0 } else { pos });
            cx.take_notice();
        }
    }

    /// Read to the end: the lesson counts as read.
    fn check_completed(&mut self, cx: &mut Ctx) {
        let h = self.reader_rect(cx).height as usize;
        let at_end = !self.doc.lines.is_empty() && self.top + h >= self.doc.lines.len();
        let Some(id) = cx.lessons.get(self.lesson).map(|l| l.id.clone()) else {
            return;
        };
        if at_end && cx.marks.mark(&id) != Mark::Completed {
            cx.marks.complete(&id);
        }
    }

    /// Reveals the next hidden model answer from the reading position on
    /// (wrapping to the first), scrolling it into view; with every answer
    /// shown, hides them all again.
    fn reveal_answer(&mut self, cx: &mut Ctx) {
        let h = self.reader_rect(cx).height as usize;
        let hidden = |a: &&(usize, usize, bool)| !a.2;
        let next = self
            .doc
            .answers
            .iter()
            .filter(hidden)
            .find(|a| a.0 >= self.top)
            .or_else(|| self.doc.answers.iter().find(hidden))
            .copied();
        let total = self.doc.answers.len();
        let (keep, msg) = match next {
            Some((line, n, _)) => {
                self.revealed.insert(n);
                let k = self.revealed.len();
                (
                    Some((line, n)),
                    format!(
                        "Model answer {k} of {total} shown{}",
                        if k < total {
                            ": a shows the next one."
                        } else {
                            "; a again hides them all."
                        }
                    ),
                )
            }
            None => {
                self.revealed.clear();
                (None, "Every model answer hidden again.".to_string())
            }
        };
        let Some(lesson) = cx.lessons.get(self.lesson) else {
            return;
        };
        let top_src = self.doc.src.get(self.top).copied().unwrap_or(0);
        self.doc = markdown::render(&lesson.body, self.width, &self.revealed, &cx.theme);
        self.top = match keep {
            // The answer's line stays where it was on screen, or comes to
            // the top third when it was off screen.
            Some((line, n)) => {
                let new_line = self
                    .doc
                    .answers
                    .iter()
                    .find(|a| a.1 == n)
                    .map_or(line, |a| a.0);
                if line >= self.top && line < self.top + h {
                    (self.top + new_line).saturating_sub(line)
                } else {
                    new_line.saturating_sub(h / 3)
                }
            }
            None if self.top == 0 => 0,
            None => self.doc.line_at_src(top_src),
        };
        self.scroll(0, cx);
        cx.say(msg);
    }

    fn jump_section(&mut self, dir: i32, cx: &mut Ctx) {
        let target = if dir > 0 {
            self.doc.headings.iter().find(|&&l| l > self.top)
        } else {
            self.doc.headings.iter().rev().find(|&&l| l < self.top)
        };
        self.top = target
            .copied()
            .unwrap_or(if dir > 0 { usize::MAX / 2 } else { 0 });
        self.focus = Focus::Reader;
        self.scroll(0, cx);
    }

    /// The "Try it" section `t` runs. Of the "Try it" headings on screen,
    /// the first whose scenario is not already running (the text under a
    /// heading says "press t to run" it); with none on screen, the one
    /// scrolled past (its steps are being read), else the next one below.
    pub fn current_try_it(&self, cx: &Ctx) -> Option<&str> {
        let h = self.reader_rect(cx).height as usize;
        let running = self.live.as_ref().map(|l| l.info.name);
        let on_screen: Vec<&(usize, String)> = self
            .doc
            .try_its
            .iter()
            .filter(|(line, _)| *line >= self.top && *line < self.top + h)
            .collect();
        on_screen
            .iter()
            .find(|(_, s)| Some(s.as_str()) != running)
            .or(on_screen.first())
            .copied()
            .or_else(|| self.doc.try_its.iter().rev().find(|(l, _)| *l < self.top))
            .or_else(|| self.doc.try_its.iter().find(|(l, _)| *l >= self.top))
            .map(|(_, s)| s.as_str())
    }

    fn load_try_it(&mut self, cx: &mut Ctx) {
        let Some(name) = self.current_try_it(cx).map(str::to_string) else {
            cx.say("No \"Try it\" section on screen.");
            return;
        };
        let Some(info) = scenario::find(&name) else {
            cx.say(format!(
                "\"{name}\" is not in this build yet: {}",
                scenario::unknown(&name)
            ));
            return;
        };
        if self.live.as_ref().is_some_and(|l| l.info.name == name) {
            cx.say(format!(
                "{name} is already running beside the lesson (R resets it)."
            ));
            return;
        }
        match Live::start(info, None, cx.seed) {
            Ok(l) => {
                self.live = Some(l);
                self.relayout(cx);
                cx.say(format!("Now running {name}: {}", info.summary));
            }
            Err(e) => cx.say(e),
        }
    }

    pub fn render(&self, cx: &Ctx, body: Rect, buf: &mut Buffer) {
        let areas = self.areas(body);
        let t = &cx.theme;
        let Some(lesson) = cx.lessons.get(self.lesson) else {
            return;
        };
        let focused = self.focus == Focus::Reader && self.live.is_some();
        let title = format!("{} · {} min", lesson.title, lesson.minutes);
        let text = layout::reader_text(areas.reader);
        let total = self.doc.lines.len();
        let pct = if total <= text.height as usize {
            100
        } else {
            (self.top + text.height as usize).min(total) * 100 / total
        };
        pane_block(&title, focused, t)
            .title_bottom(Line::styled(format!(" {pct}% "), t.dim()).right_aligned())
            .render(areas.reader, buf);
        for (i, line) in self
            .doc
            .lines
            .iter()
            .skip(self.top)
            .take(text.height as usize)
            .enumerate()
        {
            let at = self.top + i;
            let y = text.y + i as u16;
            let Some((_, name)) = self.doc.try_its.iter().find(|(l, _)| *l == at) else {
                buf.set_line(text.x, y, line, text.width);
                continue;
            };
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
            buf.set_line(text.x, y, &Line::from(spans), text.width);
        }
        if total > text.height as usize {
            let mut state =
                ScrollbarState::new(total.saturating_sub(text.height as usize)).position(self.top);
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
        if let (Some(l), Some(c)) = (&self.live, areas.cluster) {
            cluster::render(l, t, self.focus, c, buf);
        }
    }
}
