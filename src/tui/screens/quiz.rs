//! A gauntlet or block quiz: questions against the clock, then the result
//! page. The attempt is recorded when it ends, however it ends.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;

use super::{Ctx, Go};
use crate::app::quiz::Quiz;
use crate::tui::keymap::{self, Action, Binding, Section, bind, ch, code, ctrl};

pub struct QuizScreen {
    pub quiz: Quiz,
}

impl QuizScreen {
    /// Starts quiz `i` of `Ctx::picker`, with its seed and best score from
    /// the progress marks.
    pub fn start(i: usize, cx: &mut Ctx) -> Option<QuizScreen> {
        let limit = cx.quiz_limit;
        let p = cx.picker.as_mut()?;
        let bank = p.bank(i)?;
        let mut quiz = Quiz::start(bank, cx.marks.next_seed(&bank.id), cx.marks.best(&bank.id));
        if let Some(limit) = limit {
            quiz.run = quiz.run.with_limit(limit);
        }
        p.sel = i;
        Some(QuizScreen { quiz })
    }

    fn answering(&self) -> bool {
        self.quiz.running() && !self.quiz.confirm_leave
    }

    pub fn typing(&self) -> bool {
        self.answering()
    }

    pub fn tick_every(&self) -> Option<Duration> {
        self.quiz.running().then_some(Duration::from_millis(250))
    }

    pub fn tick(&mut self, dt: Duration, cx: &mut Ctx) -> bool {
        if !self.quiz.running() {
            return false;
        }
        if self.quiz.tick(dt) {
            self.finish(cx);
        }
        true
    }

    pub fn bindings(&self, cx: &Ctx) -> Vec<Binding> {
        use Section::{Gauntlet, Reading};
        let q = &self.quiz;
        if q.running() && q.confirm_leave {
            return vec![
                keymap::suspend(),
                bind(
                    Gauntlet,
                    &[ch('y'), ch('Y')],
                    "y",
                    "yes, leave: the attempt is recorded as abandoned",
                    Action::ConfirmLeave(true),
                )
                .hint("leave", 9),
                bind(
                    Gauntlet,
                    &[ch('n'), ch('N'), code(KeyCode::Esc)],
                    "n Esc",
                    "no, keep going",
                    Action::ConfirmLeave(false),
                )
                .hint_as("n", "keep going", 9),
            ];
        }
        if q.running() {
            let mut b = keymap::answer_line(
                Gauntlet,
                q.input.is_empty(),
                "; the gauntlet's clock keeps running",
                "submit your answer",
                "skip: the question comes back after the others; skipped twice, it counts as wrong",
            );
            b.extend([bind(
                Gauntlet,
                &[code(KeyCode::Esc), ctrl('c')],
                "Esc Ctrl-C",
                "leave the gauntlet (asks first; it counts as abandoned)",
                Action::Back,
            )
            .hint_as("Esc", "leave", 8)]);
            return b;
        }
        let (back, word, enter) = if cx.at_root {
            (
                "leave statedist (it was started for this gauntlet)",
                "leave",
                "leave statedist, as Esc does",
            )
        } else {
            (
                "back to the list of gauntlets",
                "back",
                "back to the list of gauntlets",
            )
        };
        let mut b = keymap::everywhere(back, None);
        b.extend(keymap::up_down(
            Reading,
            "scroll the results",
            "scroll the results",
            "scroll",
            4,
        ));
        b.extend([
            bind(
                Reading,
                &[code(KeyCode::PageDown)],
                "PgDn",
                "scroll a page",
                Action::Page(1),
            ),
            bind(
                Reading,
                &[code(KeyCode::PageUp)],
                "PgUp",
                "scroll a page back",
                Action::Page(-1),
            ),
            bind(
                Section::Course,
                &[code(KeyCode::Enter)],
                "Enter",
                enter,
                Action::Back,
            )
            .hint(word, 8),
        ]);
        b
    }

    pub fn update(&mut self, action: Action, cx: &mut Ctx) -> Go {
        let q = &mut self.quiz;
        if !q.running() {
            return match action {
                Action::Back => Go::Pop,
                Action::Quit => Go::Quit,
                Action::Move(d) => {
                    q.scroll = q.scroll.saturating_add_signed(d as isize).min(10_000);
                    Go::Stay
                }
                Action::Page(d) => {
                    let page = cx.body().height.saturating_sub(4).max(1) as isize;
                    q.scroll = q
                        .scroll
                        .saturating_add_signed(d as isize * page)
                        .min(10_000);
                    Go::Stay
                }
                _ => Go::Stay,
            };
        }
        let over = match action {
            Action::TypeChar(c) => {
                if q.input.chars().count() < 200 {
                    q.input.push(c);
                }
                false
            }
            Action::DeleteChar => {
                q.input.pop();
                false
            }
            Action::Submit => q.submit(),
            Action::SkipQuestion => q.skip(),
            Action::Back | Action::Quit => {
                q.confirm_leave = true;
                false
            }
            Action::ConfirmLeave(true) => {
                q.abandon();
                true
            }
            Action::ConfirmLeave(false) => {
                q.confirm_leave = false;
                false
            }
            _ => false,
        };
        if over {
            self.finish(cx);
        }
        Go::Stay
    }

    /// Scores the run and records it in the progress file.
    fn finish(&mut self, cx: &mut Ctx) {
        let q = &mut self.quiz;
        q.confirm_leave = false;
        let summary = q.summary();
        let recorded = cx.marks.record_attempt(&summary);
        q.result = Some((summary, recorded));
        cx.take_notice();
    }

    /// The program is ending with the gauntlet running: with something
    /// answered it is recorded as abandoned, so the answers and their
    /// review schedules are kept (as in line mode).
    pub fn shutdown(&mut self, cx: &mut Ctx) {
        if self.quiz.running() && self.quiz.run.progress().0 > 0 {
            self.quiz.abandon();
            self.finish(cx);
        }
    }

    pub fn render(&self, cx: &Ctx, area: Rect, buf: &mut Buffer) {
        crate::tui::views::quiz::render_quiz(cx, &self.quiz, area, buf);
    }
}
