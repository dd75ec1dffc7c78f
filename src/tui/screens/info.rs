//! A page of plain text: an entry of the course map whose lesson is not in
//! this build.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{Ctx, Go};
use crate::tui::keymap::{self, Action, Binding, Section};
use crate::tui::views::pane_block;

pub struct Info {
    pub title: String,
    pub text: String,
    pub scroll: usize,
}

impl Info {
    pub fn new(title: &str, text: &str) -> Info {
        Info {
            title: title.to_string(),
            text: text.to_string(),
            scroll: 0,
        }
    }

    pub fn bindings() -> Vec<Binding> {
        let mut b = keymap::everywhere("back to the course map", Some("back"));
        b.extend(keymap::up_down(
            Section::Reading,
            "scroll down",
            "scroll up",
            "scroll",
            4,
        ));
        b
    }

    pub fn update(&mut self, action: Action) -> Go {
        match action {
            Action::Back => return Go::Pop,
            Action::Move(d) => self.scroll = self.scroll.saturating_add_signed(d as isize).min(200),
            _ => {}
        }
        Go::Stay
    }

    pub fn render(&self, cx: &Ctx, area: Rect, buf: &mut Buffer) {
        Paragraph::new(self.text.as_str())
            .wrap(Wrap { trim: false })
            .scroll((self.scroll.min(u16::MAX as usize) as u16, 0))
            .block(pane_block(&self.title, true, &cx.theme))
            .render(area, buf);
    }
}
