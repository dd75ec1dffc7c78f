//! Gauntlets in the terminal app: pick a bank, answer timed questions in an
//! input line, see the score and every item's right answer at the end. The
//! engine (`crate::quiz::Run`) never reads a clock: the app passes the time
//! its ticks have added up, so tests drive a gauntlet exactly.

use std::time::Duration;

use crate::content::{self, Banks};
use crate::progress::Recorded;
use crate::quiz::{AnswerError, Bank, BankKind, Grade, Run, RunState, Skip, Summary};

/// One line of the gauntlet list.
#[derive(Clone, Debug)]
pub struct BankEntry {
    pub id: String,
    pub title: String,
    pub minutes: u32,
    pub questions: usize,
    pub kind: BankKind,
}

/// The list of gauntlets and focus-block quizzes.
pub struct Picker {
    pub banks: Banks,
    pub entries: Vec<BankEntry>,
    pub sel: usize,
}

impl Picker {
    pub fn load(content_dir: Option<&std::path::Path>) -> Picker {
        let banks = content::load_banks(content_dir);
        let mut entries: Vec<BankEntry> = banks
            .banks
            .iter()
            .map(|b| BankEntry {
                id: b.id.clone(),
                title: b.title.clone(),
                minutes: b.minutes,
                questions: b.pick.unwrap_or(b.items.len()).min(b.items.len()),
                kind: b.kind,
            })
            .collect();
        // Gauntlets first, then the blocks' quizzes, each in number order.
        entries.sort_by_key(|e| (e.kind, e.id.clone()));
        Picker {
            banks,
            entries,
            sel: 0,
        }
    }

    pub fn bank(&self, i: usize) -> Option<&Bank> {
        self.banks.get(&self.entries.get(i)?.id)
    }

    /// The entry of gauntlet `n`.
    pub fn gauntlet(&self, n: u8) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.kind == BankKind::Gauntlet(n))
    }
}

/// What the last answer did, shown under the next question.
#[derive(Clone, Debug, PartialEq)]
pub enum Feedback {
    Graded(Grade),
    /// The input could not be read: the question stays.
    Unreadable(String),
    SkippedLater,
    GaveUp,
}

/// A gauntlet being taken, then its result.
pub struct Quiz {
    pub run: Run,
    pub title: String,
    pub intro: String,
    pub best_before: Option<u32>,
    /// Time the run has been going, from the app's ticks.
    pub elapsed: Duration,
    pub input: String,
    pub feedback: Option<Feedback>,
    /// "Leave this gauntlet?" is on screen.
    pub confirm_leave: bool,
    /// Set when the run is over.
    pub result: Option<(Summary, Recorded)>,
    /// Scroll of the result page.
    pub scroll: usize,
}

impl Quiz {
    pub fn start(bank: &Bank, seed: u64, best_before: Option<u32>) -> Quiz {
        Quiz {
            run: Run::new(bank, seed),
            title: bank.title.clone(),
            intro: bank.intro.trim().to_string(),
            best_before,
            elapsed: Duration::ZERO,
            input: String::new(),
            feedback: None,
            confirm_leave: false,
            result: None,
            scroll: 0,
        }
    }

    pub fn running(&self) -> bool {
        self.result.is_none()
    }

    /// Time left, for the countdown.
    pub fn remaining(&self) -> Duration {
        self.run.remaining(self.elapsed)
    }

    /// Adds real time; true when the run just ended (time is up).
    pub fn tick(&mut self, dt: Duration) -> bool {
        if !self.running() {
            return false;
        }
        self.elapsed += dt;
        self.run.tick(self.elapsed) != RunState::Running
    }

    /// Submits the input line. True when the run just ended.
    pub fn submit(&mut self) -> bool {
        let input = std::mem::take(&mut self.input);
        match self.run.answer(&input, self.elapsed) {
            Ok(g) => self.feedback = Some(Feedback::Graded(g)),
            Err(AnswerError::Parse(e)) => {
                self.feedback = Some(Feedback::Unreadable(e.to_string()));
                self.input = input;
            }
            Err(AnswerError::Over) => {}
        }
        self.run.state() != RunState::Running
    }

    /// Skips the question. True when the run just ended.
    pub fn skip(&mut self) -> bool {
        self.input.clear();
        match self.run.skip(self.elapsed) {
            Ok(Skip::Later) => self.feedback = Some(Feedback::SkippedLater),
            Ok(Skip::GaveUp) => self.feedback = Some(Feedback::GaveUp),
            Err(_) => {}
        }
        self.run.state() != RunState::Running
    }

    pub fn abandon(&mut self) {
        self.run.abandon(self.elapsed);
    }

    /// The summary of the finished run (the caller records it).
    pub fn summary(&self) -> Summary {
        self.run.summary(self.elapsed)
    }
}

/// "3:07".
pub fn mmss(d: Duration) -> String {
    crate::progress::report::mmss(d.as_millis() as u64)
}
