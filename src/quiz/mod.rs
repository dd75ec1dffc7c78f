//! The question engine: question kinds, grading, generated questions, and
//! the timed gauntlet run. No terminal code: front ends (the line-mode
//! commands, the TUI) drive [`Run`] and render [`Question`]s themselves.

mod generate;
mod item;
mod run;
pub mod text;

pub use generate::Generator;
pub use item::{
    Form, Grade, Item, ItemSpec, Key, ParseError, Question, Response, Scored, Verdict, fmt_num,
};
pub use run::{
    AnswerError, Bank, BankKind, CORRECTNESS_POINTS, ItemOutcome, ItemResult, Run, RunState, Skip,
    Summary, TIME_BONUS_POINTS, score,
};
