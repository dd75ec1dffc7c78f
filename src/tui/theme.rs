//! Colours and text styles. Every style goes through here so `NO_COLOR`
//! (and `--no-color`) give a monochrome screen that still reads: where colour
//! carries meaning, a modifier or a mark carries it too.

use ratatui::style::{Color, Modifier, Style};

use crate::scenario::Tone;
use crate::sim::Side;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Self {
        Self { color }
    }

    /// Colour when allowed, otherwise `mono`.
    fn pick(&self, color: Style, mono: Style) -> Style {
        if self.color { color } else { mono }
    }
    fn fg(&self, c: Color) -> Style {
        self.pick(Style::new().fg(c), Style::new())
    }

    pub fn text(&self) -> Style {
        Style::new()
    }
    pub fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        self.pick(
            Style::new().fg(Color::DarkGray),
            Style::new().add_modifier(Modifier::DIM),
        )
    }
    pub fn accent(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn title(&self) -> Style {
        self.accent()
    }
    pub fn h1(&self) -> Style {
        self.fg(Color::Cyan)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn h2(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn h3(&self) -> Style {
        self.fg(Color::LightBlue).add_modifier(Modifier::BOLD)
    }
    pub fn code(&self) -> Style {
        self.pick(Style::new().fg(Color::Yellow), Style::new())
    }
    /// Monochrome keeps the backticks of inline code so it still stands out.
    pub fn code_ticks(&self) -> bool {
        !self.color
    }
    pub fn code_block(&self) -> Style {
        self.pick(Style::new().fg(Color::LightYellow), Style::new())
    }
    pub fn link(&self) -> Style {
        self.fg(Color::LightBlue).add_modifier(Modifier::UNDERLINED)
    }
    pub fn good(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Green),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }
    pub fn bad(&self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        )
    }
    pub fn warn(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow),
            Style::new().add_modifier(Modifier::UNDERLINED),
        )
    }
    pub fn tone(&self, t: Tone) -> Style {
        match t {
            Tone::Normal => self.text(),
            Tone::Good => self.good(),
            Tone::Bad => self.bad(),
            Tone::Warn => self.warn(),
            Tone::Dim => self.dim(),
        }
    }
    /// Partition sides are told apart by colour *and* by their letter.
    pub fn side(&self, s: Side) -> Style {
        self.fg(match s.0 {
            0 => Color::Cyan,
            1 => Color::Magenta,
            _ => Color::Yellow,
        })
    }
    pub fn border(&self) -> Style {
        self.dim()
    }
    pub fn focus_border(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Cyan),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }
    pub fn selected(&self) -> Style {
        self.pick(
            Style::new()
                .bg(Color::Indexed(236))
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn note(&self) -> Style {
        self.fg(Color::LightBlue).add_modifier(Modifier::BOLD)
    }
    pub fn tip(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }
    pub fn caution(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn answer(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }
}
