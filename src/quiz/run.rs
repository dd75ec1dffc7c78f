//! A timed gauntlet run: a state machine a front end drives.
//!
//! The run never reads a clock. The front end passes `at`, the time elapsed
//! since the run started, to every call; that keeps the engine
//! deterministic and testable, and lets the TUI and the line-mode command
//! share it.
//!
//! ```text
//! Run::new(bank, seed) ─► Running ──answer()/skip()──► ... ──► Finished
//!                           │ tick(at >= limit)                    │
//!                           ├────────────────────► TimeUp          │
//!                           └─abandon()──────────► Abandoned       ▼
//!                                                          summary() -> Summary
//! ```

use std::collections::VecDeque;
use std::time::Duration;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::generate::shuffled_not_identity;
use super::item::{Grade, Item, ParseError, Question, Response, Verdict};

/// Which kind of bank: one of the four course gauntlets, a focus block's
/// bank, or anything else an author adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BankKind {
    Gauntlet(u8),
    Block(u8),
    Other,
}

impl BankKind {
    /// The kind a bank id implies: `gauntlet2` → `Gauntlet(2)`, `block5` → `Block(5)`.
    pub fn from_id(id: &str) -> BankKind {
        if let Some(n) = id
            .strip_prefix("gauntlet")
            .and_then(|s| s.parse::<u8>().ok())
        {
            BankKind::Gauntlet(n)
        } else if let Some(n) = id.strip_prefix("block").and_then(|s| s.parse::<u8>().ok()) {
            BankKind::Block(n)
        } else {
            BankKind::Other
        }
    }
}

/// A question bank: one file of `exercises/`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bank {
    /// The file stem: `block1`..`block7`, `gauntlet1`..`gauntlet4`.
    pub id: String,
    pub title: String,
    pub kind: BankKind,
    /// Time limit of a run.
    pub minutes: u32,
    /// How many items a run asks (all when `None`).
    pub pick: Option<usize>,
    /// Whether a run shuffles the items (seeded).
    pub shuffle: bool,
    /// Context shown before the first question (may be empty).
    pub intro: String,
    pub items: Vec<Item>,
}

impl Bank {
    /// The item with this full id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The run's time limit.
    pub fn limit(&self) -> Duration {
        Duration::from_secs(u64::from(self.minutes) * 60)
    }
}

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Running,
    /// Every question answered (or given up).
    Finished,
    /// The clock ran out.
    TimeUp,
    /// The learner quit.
    Abandoned,
}

/// What happened to one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ItemOutcome {
    Answered {
        response: String,
        grade: Grade,
    },
    /// Skipped twice: the learner gave up on it.
    GaveUp,
    /// Still unanswered when the run ended.
    Unanswered,
}

impl ItemOutcome {
    pub fn credit(&self) -> f64 {
        match self {
            ItemOutcome::Answered { grade, .. } => grade.credit,
            _ => 0.0,
        }
    }

    pub fn verdict(&self) -> Verdict {
        match self {
            ItemOutcome::Answered { grade, .. } => grade.verdict,
            _ => Verdict::Wrong,
        }
    }

    /// A short word for reports: right, partial, wrong, skipped, unanswered.
    pub fn label(&self) -> &'static str {
        match self {
            ItemOutcome::Answered { grade, .. } => match grade.verdict {
                Verdict::Right => "right",
                Verdict::Partial => "partial",
                Verdict::Wrong => "wrong",
            },
            ItemOutcome::GaveUp => "skipped",
            ItemOutcome::Unanswered => "unanswered",
        }
    }
}

/// What `skip` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Moved to the back of the queue; it comes back after the others.
    Later,
    /// It had been skipped before: given up, counts as wrong.
    GaveUp,
}

/// Why an answer was not taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnswerError {
    /// The input could not be read: ask again.
    #[error("{0}")]
    Parse(#[from] ParseError),
    /// The run is over (time up, finished or abandoned).
    #[error("the run is over")]
    Over,
}

/// One timed run over a bank.
#[derive(Debug, Clone)]
pub struct Run {
    bank_id: String,
    title: String,
    limit: Duration,
    seed: u64,
    questions: Vec<Question>,
    queue: VecDeque<usize>,
    outcomes: Vec<Option<ItemOutcome>>,
    skipped: Vec<bool>,
    state: RunState,
    ended_at: Option<Duration>,
}

/// Points for correctness (0..=100) and a bonus for time left (0..=25).
pub const CORRECTNESS_POINTS: u32 = 100;
pub const TIME_BONUS_POINTS: u32 = 25;

/// The score of a run: `(correctness, bonus)`. Correctness is the share of
/// credit earned, out of 100. The time bonus is up to 25 points for time
/// left, scaled by correctness (skipping everything fast earns nothing), and
/// only for runs that were not abandoned.
pub fn score(
    credit: f64,
    items: usize,
    time_left: Duration,
    limit: Duration,
    abandoned: bool,
) -> (u32, u32) {
    if items == 0 {
        return (0, 0);
    }
    let c = (credit / items as f64).clamp(0.0, 1.0);
    let base = (c * f64::from(CORRECTNESS_POINTS)).round() as u32;
    let left = if limit.is_zero() {
        0.0
    } else {
        (time_left.as_secs_f64() / limit.as_secs_f64()).clamp(0.0, 1.0)
    };
    let bonus = if abandoned {
        0
    } else {
        (c * left * f64::from(TIME_BONUS_POINTS)).round() as u32
    };
    (base, bonus)
}

impl Run {
    /// Start a run over `bank`. The seed picks the items (if the bank
    /// shuffles or picks a subset) and the generated parameters.
    pub fn new(bank: &Bank, seed: u64) -> Run {
        let mut order: Vec<usize> = (0..bank.items.len()).collect();
        if bank.shuffle && order.len() > 1 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ super::text::fnv1a(&bank.id));
            let perm = shuffled_not_identity(order.len(), &mut rng);
            order = perm;
        }
        if let Some(p) = bank.pick {
            order.truncate(p.max(1));
        }
        let questions: Vec<Question> = order
            .iter()
            .map(|&i| bank.items[i].instantiate(seed))
            .collect();
        Run::from_questions(&bank.id, &bank.title, bank.limit(), seed, questions)
    }

    /// A run over given questions (for review sessions, tests and tools).
    pub fn from_questions(
        bank_id: &str,
        title: &str,
        limit: Duration,
        seed: u64,
        questions: Vec<Question>,
    ) -> Run {
        let n = questions.len();
        Run {
            bank_id: bank_id.to_string(),
            title: title.to_string(),
            limit,
            seed,
            queue: (0..n).collect(),
            outcomes: vec![None; n],
            skipped: vec![false; n],
            questions,
            state: if n == 0 {
                RunState::Finished
            } else {
                RunState::Running
            },
            ended_at: if n == 0 { Some(Duration::ZERO) } else { None },
        }
    }

    /// The same run with another time limit (for practice modes and tests).
    pub fn with_limit(mut self, limit: Duration) -> Run {
        self.limit = limit;
        self
    }

    pub fn bank_id(&self) -> &str {
        &self.bank_id
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn limit(&self) -> Duration {
        self.limit
    }

    pub fn state(&self) -> RunState {
        self.state
    }

    pub fn is_over(&self) -> bool {
        self.state != RunState::Running
    }

    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// The question to show now, or `None` when the run is over.
    pub fn current(&self) -> Option<&Question> {
        if self.state != RunState::Running {
            return None;
        }
        self.queue.front().map(|&i| &self.questions[i])
    }

    /// Index of the current question in [`Run::questions`].
    pub fn current_index(&self) -> Option<usize> {
        if self.state != RunState::Running {
            return None;
        }
        self.queue.front().copied()
    }

    /// Whether the current question was skipped once already.
    pub fn current_was_skipped(&self) -> bool {
        self.current_index().is_some_and(|i| self.skipped[i])
    }

    /// (questions settled, total questions).
    pub fn progress(&self) -> (usize, usize) {
        (
            self.outcomes.iter().filter(|o| o.is_some()).count(),
            self.questions.len(),
        )
    }

    /// Time left at `at` (zero once over the limit).
    pub fn remaining(&self, at: Duration) -> Duration {
        let at = self.ended_at.unwrap_or(at);
        self.limit.saturating_sub(at)
    }

    /// Advance the clock: ends the run when time is up. Returns the state.
    pub fn tick(&mut self, at: Duration) -> RunState {
        if self.state == RunState::Running && at >= self.limit {
            self.state = RunState::TimeUp;
            self.ended_at = Some(self.limit);
        }
        self.state
    }

    /// Answer the current question with typed input. A parse error leaves
    /// the question current so the learner can try again.
    pub fn answer(&mut self, input: &str, at: Duration) -> Result<Grade, AnswerError> {
        if self.tick(at) != RunState::Running {
            return Err(AnswerError::Over);
        }
        let q = self.current().ok_or(AnswerError::Over)?;
        let response = q.parse(input)?;
        Ok(self.settle(response, input.trim(), at))
    }

    /// Answer the current question with an already-parsed response (for
    /// front ends that select options rather than type).
    pub fn answer_response(
        &mut self,
        response: &Response,
        shown_as: &str,
        at: Duration,
    ) -> Result<Grade, AnswerError> {
        if self.tick(at) != RunState::Running || self.current().is_none() {
            return Err(AnswerError::Over);
        }
        Ok(self.settle(response.clone(), shown_as, at))
    }

    fn settle(&mut self, response: Response, shown_as: &str, at: Duration) -> Grade {
        let i = self.queue.pop_front().unwrap_or(0);
        let grade = self.questions[i].grade(&response);
        self.outcomes[i] = Some(ItemOutcome::Answered {
            response: shown_as.to_string(),
            grade,
        });
        self.finish_if_done(at);
        grade
    }

    /// Skip the current question: the first time it comes back after the
    /// others; the second time it is given up.
    pub fn skip(&mut self, at: Duration) -> Result<Skip, AnswerError> {
        if self.tick(at) != RunState::Running {
            return Err(AnswerError::Over);
        }
        let i = self.queue.pop_front().ok_or(AnswerError::Over)?;
        let result = if self.skipped[i] {
            self.outcomes[i] = Some(ItemOutcome::GaveUp);
            Skip::GaveUp
        } else {
            self.skipped[i] = true;
            self.queue.push_back(i);
            Skip::Later
        };
        self.finish_if_done(at);
        Ok(result)
    }

    /// Quit the run. It will be recorded as abandoned.
    pub fn abandon(&mut self, at: Duration) {
        if self.tick(at) == RunState::Running {
            self.state = RunState::Abandoned;
            self.ended_at = Some(at.min(self.limit));
        }
    }

    fn finish_if_done(&mut self, at: Duration) {
        if self.queue.is_empty() {
            self.state = RunState::Finished;
            self.ended_at = Some(at.min(self.limit));
        }
    }

    /// The summary of the run so far. Questions still open count as
    /// unanswered. Call after the run is over (a running run is summarised
    /// as if abandoned at `at`).
    pub fn summary(&self, at: Duration) -> Summary {
        let (state, ended) = match self.state {
            RunState::Running => (RunState::Abandoned, at.min(self.limit)),
            s => (s, self.ended_at.unwrap_or(at).min(self.limit)),
        };
        let items: Vec<ItemResult> = self
            .questions
            .iter()
            .zip(&self.outcomes)
            .map(|(q, o)| ItemResult {
                item_id: q.item_id.clone(),
                question: q.render(),
                outcome: o.clone().unwrap_or(ItemOutcome::Unanswered),
                right_answer: q.answer_text(),
                explanation: q.explanation.clone(),
            })
            .collect();
        let credit: f64 = items.iter().map(|r| r.outcome.credit()).sum();
        let time_left = if state == RunState::Finished {
            self.limit.saturating_sub(ended)
        } else {
            Duration::ZERO
        };
        let (correctness, bonus) = score(
            credit,
            items.len(),
            time_left,
            self.limit,
            state == RunState::Abandoned,
        );
        let count = |v: Verdict| {
            items
                .iter()
                .filter(|r| matches!(&r.outcome, ItemOutcome::Answered { grade, .. } if grade.verdict == v))
                .count()
        };
        Summary {
            bank_id: self.bank_id.clone(),
            title: self.title.clone(),
            seed: self.seed,
            state,
            time_used_ms: ended.as_millis() as u64,
            limit_ms: self.limit.as_millis() as u64,
            correctness,
            bonus,
            score: correctness + bonus,
            max_score: CORRECTNESS_POINTS + TIME_BONUS_POINTS,
            right: count(Verdict::Right),
            partial: count(Verdict::Partial),
            wrong: count(Verdict::Wrong),
            skipped: items
                .iter()
                .filter(|r| r.outcome == ItemOutcome::GaveUp)
                .count(),
            unanswered: items
                .iter()
                .filter(|r| r.outcome == ItemOutcome::Unanswered)
                .count(),
            items,
        }
    }
}

/// One question's result in a summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemResult {
    pub item_id: String,
    /// The question as shown (prompt and options).
    pub question: String,
    pub outcome: ItemOutcome,
    pub right_answer: String,
    pub explanation: String,
}

/// The end of a run: score, time and per-item results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub bank_id: String,
    pub title: String,
    pub seed: u64,
    pub state: RunState,
    pub time_used_ms: u64,
    pub limit_ms: u64,
    /// 0..=100: share of the credit earned.
    pub correctness: u32,
    /// 0..=25: bonus for time left, scaled by correctness.
    pub bonus: u32,
    pub score: u32,
    pub max_score: u32,
    pub right: usize,
    pub partial: usize,
    pub wrong: usize,
    pub skipped: usize,
    pub unanswered: usize,
    pub items: Vec<ItemResult>,
}

impl Summary {
    pub fn abandoned(&self) -> bool {
        self.state == RunState::Abandoned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_rewards_time_only_with_correctness() {
        let limit = Duration::from_secs(100);
        assert_eq!(
            score(10.0, 10, Duration::from_secs(50), limit, false),
            (100, 13)
        );
        assert_eq!(
            score(0.0, 10, Duration::from_secs(100), limit, false),
            (0, 0)
        );
        assert_eq!(score(5.0, 10, Duration::ZERO, limit, false), (50, 0));
        assert_eq!(
            score(10.0, 10, Duration::from_secs(100), limit, true),
            (100, 0)
        );
        assert_eq!(score(1.0, 0, Duration::ZERO, limit, false), (0, 0));
    }

    #[test]
    fn bank_kind_from_id() {
        assert_eq!(BankKind::from_id("gauntlet3"), BankKind::Gauntlet(3));
        assert_eq!(BankKind::from_id("block7"), BankKind::Block(7));
        assert_eq!(BankKind::from_id("extra"), BankKind::Other);
    }
}
