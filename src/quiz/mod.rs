//! The question engine: question kinds, grading, generated questions, and
//! the timed gauntlet run. No terminal code: front ends (the line-mode
//! commands, the TUI) drive [`Run`] and render [`Question`]s themselves.
//!
//! How a front end drives a gauntlet (the line-mode loop in
//! `quiz_cmd::drive_run` is the reference):
//!
//! ```no_run
//! use std::time::{Duration, Instant};
//! use statedist::{content, progress, quiz::{Run, Form}};
//!
//! let banks = content::load_banks(None);          // or Some(content_dir)
//! let bank = banks.get("gauntlet2").unwrap();
//! let dir = progress::resolve_dir(None).unwrap();
//! let (p, _notice) = progress::load(&dir).unwrap();
//! let mut run = Run::new(bank, p.next_seed(&bank.id));
//! let start = Instant::now();
//! while let Some(q) = run.current() {
//!     // draw q.prompt and q.form (options, steps, reasons), q.form.hint(),
//!     // and run.remaining(start.elapsed()) as the countdown; on every frame
//!     // call run.tick(start.elapsed()) so time-up ends the run.
//!     let typed = "b";
//!     match run.answer(typed, start.elapsed()) {
//!         Ok(grade) => { /* flash grade.verdict */ }
//!         Err(e) => { /* AnswerError::Parse: show e, keep the question */ }
//!     }
//!     // run.skip(at) for the skip key; run.abandon(at) after "really quit?"
//! }
//! let summary = run.summary(start.elapsed());   // score, per-item results
//! let now = progress::Timestamp::now();
//! let (recorded, _notice) =
//!     progress::update(&dir, |p| p.record_attempt(&summary, now)).unwrap();
//! // recorded.new_best / recorded.previous_best for the end screen
//! ```
//!
//! Selecting options instead of typing: build a [`Response`] and call
//! [`Run::answer_response`]. Review sessions: `progress.due(now)`, then
//! `banks.item(id).instantiate(state.question_seed())`, `question.grade_input`,
//! and `progress::update(dir, |p| p.record_review(id, verdict, now))`.

mod generate;
mod item;
mod run;
pub mod text;

pub use generate::Generator;
pub use item::{
    Form, Grade, Item, ItemSpec, Key, ParseError, Question, Response, Scored, Verdict, fmt_num,
    verdict_text,
};
pub use run::{
    AnswerError, Bank, BankKind, CORRECTNESS_POINTS, ItemOutcome, ItemResult, Run, RunState, Skip,
    Summary, TIME_BONUS_POINTS, score,
};
