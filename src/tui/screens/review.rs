//! Spaced review: the questions due, each graded, explained and
//! rescheduled as it is answered (saved before it is shown), then a summary.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;

use super::gauntlets::Gauntlets;
use super::{Ctx, Go, Screen};
use crate::app::review::{Outlook, Phase, Review};
use crate::tui::keymap::{self, Action, Binding, Section, bind, ch, code, ctrl};

pub struct ReviewScreen {
    pub review: Review,
}

/// What lies ahead for review at the marks' `now`.
fn outlook(cx: &Ctx) -> Outlook {
    let now = cx.marks.now();
    Outlook {
        now,
        due_now: cx.marks.due_count(now),
        next: cx.marks.next_due(now),
        any_scheduled: cx.marks.has_reviews(),
    }
}

impl ReviewScreen {
    /// A session over the items due now (as the progress file says: another
    /// copy of the program may have reviewed some).
    pub fn open(cx: &mut Ctx) -> ReviewScreen {
        cx.marks.refresh();
        cx.picker();
        let outlook = outlook(cx);
        let due = cx.marks.due(outlook.now);
        let banks = &cx.picker.as_ref().expect("loaded above").banks;
        ReviewScreen {
            review: Review::start(banks, due, outlook),
        }
    }

    pub fn typing(&self) -> bool {
        self.review.asking()
    }

    pub fn status(&self) -> String {
        let r = &self.review;
        match r.phase {
            Phase::Empty => "nothing due".to_string(),
            Phase::Done => "finished".to_string(),
            _ => format!("{} left", r.total() - r.pos),
        }
    }

    pub fn bindings(&self, cx: &Ctx) -> Vec<Binding> {
        use Section::{Reading, Review as R};
        let end = "end the review: your answers are saved, the rest stay due";
        match self.review.phase {
            Phase::Asking => {
                let mut b = keymap::answer_line(
                    R,
                    self.review.input.is_empty(),
                    "",
                    "submit your answer: it is graded, explained and rescheduled at once",
                    "skip: the question stays due for your next review",
                );
                b.extend([
                    bind(
                        Section::Everywhere,
                        &[ctrl('c')],
                        "Ctrl-C",
                        "quit (every answer so far is saved)",
                        Action::Quit,
                    )
                    .hint("quit", 3),
                    bind(R, &[code(KeyCode::Esc)], "Esc", end, Action::Back).hint("end review", 8),
                ]);
                b
            }
            Phase::Answered(_) => {
                let mut b = keymap::everywhere(end, Some("end review"));
                b.push(
                    bind(
                        R,
                        &[code(KeyCode::Enter), ch(' ')],
                        "Enter Space",
                        "next question (after the last one: the summary)",
                        Action::Next,
                    )
                    .hint_as("Enter", "next", 9),
                );
                b.extend(keymap::up_down(
                    Reading,
                    "scroll the answer and its explanation",
                    "scroll the answer and its explanation",
                    "scroll",
                    4,
                ));
                b
            }
            Phase::Done | Phase::Empty => {
                let (back, word) = if cx.at_root {
                    ("leave statedist (it was started for this review)", "leave")
                } else {
                    ("back to the course map", "back")
                };
                let mut b = keymap::everywhere(back, Some(word));
                b.extend(keymap::up_down(
                    Reading,
                    "scroll the summary",
                    "scroll the summary",
                    "scroll",
                    4,
                ));
                b.push(if matches!(self.review.phase, Phase::Empty) {
                    bind(
                        R,
                        &[code(KeyCode::Enter), ch('g')],
                        "Enter g",
                        "pick a gauntlet: what you answer there gets a review schedule",
                        Action::Open,
                    )
                    .hint_as("Enter", "gauntlets", 9)
                } else {
                    bind(
                        R,
                        &[code(KeyCode::Enter)],
                        "Enter",
                        if cx.at_root {
                            "leave statedist, as Esc does"
                        } else {
                            "back to the course map, as Esc does"
                        },
                        Action::Back,
                    )
                });
                b
            }
        }
    }

    pub fn update(&mut self, action: Action, cx: &mut Ctx) -> Go {
        let r = &mut self.review;
        match action {
            Action::TypeChar(c) if r.asking() && r.input.chars().count() < 200 => r.input.push(c),
            Action::DeleteChar if r.asking() => {
                r.input.pop();
            }
            Action::Submit => {
                let Some(grade) = r.grade() else {
                    return Go::Stay;
                };
                let Some(id) = r.current().map(|i| i.id.clone()) else {
                    return Go::Stay;
                };
                // Saved before it is shown: the answer is never lost.
                let next = cx.marks.record_review(&id, grade.verdict).due;
                let at = cx.marks.now();
                r.answered(grade, next, at);
                cx.take_notice();
            }
            // Past the last item: the summary.
            Action::SkipQuestion | Action::Next => {
                let over = if action == Action::Next {
                    r.next_item()
                } else {
                    r.skip()
                };
                if over {
                    r.finish(outlook(cx));
                }
            }
            Action::Back if !r.over() => r.finish(outlook(cx)),
            Action::Back => return Go::Pop,
            Action::Open => return Go::Replace(Screen::Gauntlets(Gauntlets::open(cx))),
            Action::Move(d) => r.scroll = r.scroll.saturating_add_signed(d as isize).min(10_000),
            Action::Quit => return Go::Quit,
            _ => {}
        }
        Go::Stay
    }

    pub fn render(&self, cx: &Ctx, area: Rect, buf: &mut Buffer) {
        crate::tui::views::review::render(cx, &self.review, area, buf);
    }
}
