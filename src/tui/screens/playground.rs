//! `statedist playground`: one scenario's live cluster on the whole screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::cluster::{self, Clicked, Focus};
use super::{Ctx, Go};
use crate::app::live::Live;
use crate::tui::keymap::{self, Action, Binding, Section};
use crate::tui::layout::{self, ClusterAreas};

pub struct Playground {
    pub live: Live,
    pub focus: Focus,
}

impl Playground {
    pub fn new(live: Live) -> Playground {
        Playground {
            live,
            focus: Focus::Log,
        }
    }

    fn areas(&self, body: Rect) -> ClusterAreas {
        layout::playground(body, &self.live)
    }

    pub fn bindings(&self) -> Vec<Binding> {
        use Section::Reading;
        let mut b = keymap::everywhere("back (q quits the playground)", None);
        b.extend(keymap::up_down(
            Reading,
            "scroll down a line (mouse wheel too)",
            "scroll up a line",
            "scroll",
            4,
        ));
        b.extend(keymap::focus_keys(
            "focus the next pane; arrows scroll the focused pane",
            "focus",
            5,
        ));
        b.extend(keymap::paging(Reading));
        let more = keymap::cluster(&self.live, &b);
        b.extend(more);
        b
    }

    pub fn update(&mut self, action: Action, cx: &mut Ctx) -> Go {
        let c = self.areas(cx.body());
        let page = c.log.height.saturating_sub(2).max(1) as isize;
        match action {
            Action::Back => cx.say("This is the playground: press q to quit, ? for every key."),
            Action::Move(d) => cluster::scroll(&mut self.live, self.focus, d as isize, c),
            Action::Page(d) => cluster::scroll(&mut self.live, self.focus, d as isize * page, c),
            Action::Top => cluster::scroll(&mut self.live, self.focus, isize::MIN / 2, c),
            Action::Bottom => cluster::scroll(&mut self.live, self.focus, isize::MAX / 2, c),
            Action::FocusNext | Action::FocusPrev => {
                let order = cluster::focus_order(false, Some(c));
                let dir = if action == Action::FocusNext { 1 } else { -1 };
                self.focus = cluster::cycle(self.focus, &order, dir);
            }
            Action::Click { col, row } => {
                if let Clicked::Pane(f) = cluster::click(&mut self.live, c, col, row, cx) {
                    self.focus = f;
                }
            }
            Action::Wheel { col, row, down } => {
                let f = cluster::pane_at(c, col, row).unwrap_or(self.focus);
                cluster::scroll(&mut self.live, f, if down { 3 } else { -3 }, c);
            }
            a => {
                cluster::act(&mut self.live, a, cx);
            }
        }
        Go::Stay
    }

    pub fn render(&self, cx: &Ctx, body: Rect, buf: &mut Buffer) {
        cluster::render(&self.live, &cx.theme, self.focus, self.areas(body), buf);
    }
}
