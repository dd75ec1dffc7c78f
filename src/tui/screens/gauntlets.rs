//! The list of gauntlets and block quizzes (kept in `Ctx::picker`, which
//! the review also reads its questions from).

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;

use super::quiz::QuizScreen;
use super::{Ctx, Go, Screen};
use crate::tui::keymap::{self, Action, Binding, Section, bind, ch, code};
use crate::tui::views::quiz::render_picker;

pub struct Gauntlets;

impl Gauntlets {
    pub fn open(cx: &mut Ctx) -> Gauntlets {
        cx.picker();
        Gauntlets
    }

    pub fn bindings(cx: &Ctx) -> Vec<Binding> {
        use Section::Course;
        let (back, word) = if cx.at_root {
            (
                "leave statedist (it was started for the gauntlets)",
                "leave",
            )
        } else {
            ("back to the course map", "back")
        };
        let mut b = keymap::everywhere(back, Some(word));
        b.extend(keymap::up_down(Course, "next", "previous", "move", 4));
        b.push(
            bind(
                Course,
                &[code(KeyCode::Enter), code(KeyCode::Right), ch('l')],
                "Enter →",
                "start the selected quiz (its clock starts at once)",
                Action::Open,
            )
            .hint_as("Enter", "start", 8),
        );
        b.extend(keymap::numbered(
            Course,
            1..=4,
            "1-4",
            "start gauntlet N",
            ("1-4", "gauntlet", 6),
            |n| Action::StartGauntlet(n as u8),
        ));
        b
    }

    pub fn update(action: Action, cx: &mut Ctx) -> Go {
        match action {
            Action::Back => Go::Pop,
            Action::Move(d) => {
                let p = cx.picker();
                let last = p.entries.len().saturating_sub(1);
                p.sel = p.sel.saturating_add_signed(d as isize).min(last);
                Go::Stay
            }
            Action::Open => {
                let i = cx.picker().sel;
                start(i, cx)
            }
            Action::StartGauntlet(n) => match cx.picker().gauntlet(n) {
                Some(i) => start(i, cx),
                None => {
                    cx.say(format!("There is no gauntlet {n} in this build."));
                    Go::Stay
                }
            },
            _ => Go::Stay,
        }
    }
}

/// Starts quiz `i` of the list: its clock starts at once.
pub fn start(i: usize, cx: &mut Ctx) -> Go {
    match QuizScreen::start(i, cx) {
        Some(q) => Go::Push(Screen::Quiz(Box::new(q))),
        None => {
            cx.say("No question bank there: see statedist check-content.");
            Go::Stay
        }
    }
}

pub fn render(cx: &Ctx, area: Rect, buf: &mut Buffer) {
    if let Some(p) = &cx.picker {
        render_picker(cx, p, area, buf);
    }
}
