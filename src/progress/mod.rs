//! The learner's progress: lessons visited and completed (and where the
//! learner left off reading each), every gauntlet
//! attempt, best scores, and each item's review schedule.
//!
//! Stored as TOML (`progress.toml`, `schema = 1`) in the data directory.
//! Fields added since schema 1 first shipped are optional with a default, so
//! older files still load under the same schema number: a lesson's reading
//! `position` (`[lessons.<id>.position]`, `offset` and `at`).
//! Read with [`load`]; change only through [`update`], which locks, re-reads,
//! applies the change and saves atomically (see [`store`]).

pub mod report;
mod schedule;
pub mod store;
mod time;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use schedule::{RELEARN_SECS, ReviewState};
pub use store::{FILE_NAME, LOCK_NAME, load, resolve_dir, update};
pub use time::{Timestamp, human_duration};

use crate::quiz::{ItemOutcome, RunState, Summary, Verdict};

/// The schema version this program reads and writes.
pub const SCHEMA: u32 = 1;

/// Everything the learner has done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub schema: u32,
    /// By lesson id (e.g. "cap").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lessons: BTreeMap<String, LessonState>,
    /// Best non-abandoned score by bank id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub best: BTreeMap<String, Best>,
    /// Review schedule by full item id (e.g. "block2.quorum-overlap").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub review: BTreeMap<String, ReviewState>,
    /// Every attempt, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<Attempt>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

/// A lesson's marks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonState {
    /// First visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visited: Option<Timestamp>,
    /// Most recent visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_visit: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<Timestamp>,
    /// Where the learner left off reading. Added within schema 1: optional,
    /// so files without it load; an older statedist ignores it (and drops
    /// it when it saves, which loses only the reading position).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// A reading position in a lesson, independent of the terminal's width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Byte offset in the lesson's Markdown source of the block (paragraph,
    /// heading, list item...) at the top of the reader; 0 is the top.
    pub offset: u64,
    /// When it was saved: of two copies of the program, the newer wins.
    pub at: Timestamp,
}

/// A personal best.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Best {
    pub score: u32,
    pub when: Timestamp,
    /// The attempt's id.
    pub attempt: String,
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    Finished,
    TimeUp,
    Abandoned,
}

/// One gauntlet (or block quiz) attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// Unique: time, process and a counter.
    pub id: String,
    /// Bank id: gauntlet1..4, block1..7.
    pub bank: String,
    pub when: Timestamp,
    pub score: u32,
    pub correctness: u32,
    pub bonus: u32,
    pub max_score: u32,
    pub time_used_ms: u64,
    pub limit_ms: u64,
    pub ending: Ending,
    pub abandoned: bool,
    pub seed: u64,
    #[serde(default)]
    pub items: Vec<AttemptItem>,
}

/// One item's result within an attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptItem {
    pub id: String,
    /// right, partial, wrong, skipped or unanswered.
    pub result: String,
    pub credit: f64,
}

/// What recording an attempt changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub attempt_id: String,
    /// The best before this attempt.
    pub previous_best: Option<u32>,
    /// Whether this attempt set a new personal best.
    pub new_best: bool,
}

impl Progress {
    pub fn new() -> Progress {
        Progress {
            schema: SCHEMA,
            lessons: BTreeMap::new(),
            best: BTreeMap::new(),
            review: BTreeMap::new(),
            attempts: Vec::new(),
        }
    }

    /// Mark a lesson visited.
    pub fn visit_lesson(&mut self, lesson: &str, now: Timestamp) {
        let l = self.lessons.entry(lesson.to_string()).or_default();
        l.visited.get_or_insert(now);
        l.last_visit = Some(now);
    }

    /// Mark a lesson completed (and visited).
    pub fn complete_lesson(&mut self, lesson: &str, now: Timestamp) {
        self.visit_lesson(lesson, now);
        let l = self.lessons.entry(lesson.to_string()).or_default();
        l.completed.get_or_insert(now);
    }

    /// Record where the learner left off reading `lesson`. An older position
    /// than the one recorded (from another copy of the program, saved with a
    /// later clock) is ignored; a position at the top of a lesson that has
    /// none is not recorded.
    pub fn set_position(&mut self, lesson: &str, offset: u64, now: Timestamp) {
        let existing = self.lessons.get(lesson).and_then(|l| l.position);
        match existing {
            Some(p) if p.at > now => {}
            None if offset == 0 => {}
            _ => {
                self.lessons.entry(lesson.to_string()).or_default().position =
                    Some(Position { offset, at: now });
            }
        }
    }

    /// Where the learner left off reading `lesson` (a source offset).
    pub fn position(&self, lesson: &str) -> Option<u64> {
        self.lessons
            .get(lesson)
            .and_then(|l| l.position)
            .map(|p| p.offset)
    }

    /// The seed for the next attempt at `bank`: attempt k always asks the
    /// same questions, and each new attempt asks different generated ones.
    pub fn next_seed(&self, bank: &str) -> u64 {
        self.attempts.iter().filter(|a| a.bank == bank).count() as u64 + 1
    }

    /// Attempts at `bank`, oldest first.
    pub fn attempts_for<'a>(&'a self, bank: &'a str) -> impl Iterator<Item = &'a Attempt> + 'a {
        self.attempts.iter().filter(move |a| a.bank == bank)
    }

    /// Record a finished (or abandoned) run: the attempt, the best score,
    /// and the review schedule of every question the learner answered or
    /// gave up on.
    pub fn record_attempt(&mut self, summary: &Summary, now: Timestamp) -> Recorded {
        let ending = match summary.state {
            RunState::Finished | RunState::Running => Ending::Finished,
            RunState::TimeUp => Ending::TimeUp,
            RunState::Abandoned => Ending::Abandoned,
        };
        let id = new_attempt_id(now);
        let attempt = Attempt {
            id: id.clone(),
            bank: summary.bank_id.clone(),
            when: now,
            score: summary.score,
            correctness: summary.correctness,
            bonus: summary.bonus,
            max_score: summary.max_score,
            time_used_ms: summary.time_used_ms,
            limit_ms: summary.limit_ms,
            ending,
            abandoned: ending == Ending::Abandoned,
            // TOML integers are signed 64-bit
            seed: summary.seed & (i64::MAX as u64),
            items: summary
                .items
                .iter()
                .map(|r| AttemptItem {
                    id: r.item_id.clone(),
                    result: r.outcome.label().to_string(),
                    credit: (r.outcome.credit() * 100.0).round() / 100.0,
                })
                .collect(),
        };
        for r in &summary.items {
            let verdict = match &r.outcome {
                ItemOutcome::Answered { grade, .. } => grade.verdict,
                ItemOutcome::GaveUp => Verdict::Wrong,
                ItemOutcome::Unanswered => continue,
            };
            self.record_review(&r.item_id, verdict, now);
        }
        let previous_best = self.best.get(&summary.bank_id).map(|b| b.score);
        let new_best =
            ending != Ending::Abandoned && previous_best.is_none_or(|b| summary.score > b);
        if new_best {
            self.best.insert(
                summary.bank_id.clone(),
                Best {
                    score: summary.score,
                    when: now,
                    attempt: id.clone(),
                },
            );
        }
        self.attempts.push(attempt);
        Recorded {
            attempt_id: id,
            previous_best,
            new_best,
        }
    }

    /// Record one answer to an item (in a review or a run) and reschedule it.
    pub fn record_review(
        &mut self,
        item_id: &str,
        verdict: Verdict,
        now: Timestamp,
    ) -> &ReviewState {
        let next = match self.review.get(item_id) {
            Some(s) => s.after(verdict, now),
            None => ReviewState::first(verdict, now),
        };
        self.review.insert(item_id.to_string(), next);
        &self.review[item_id]
    }

    /// Items due at `now`, most overdue first (ties by id).
    pub fn due(&self, now: Timestamp) -> Vec<(&str, &ReviewState)> {
        let mut v: Vec<(&str, &ReviewState)> = self
            .review
            .iter()
            .filter(|(_, s)| s.is_due(now))
            .map(|(k, s)| (k.as_str(), s))
            .collect();
        v.sort_by(|a, b| a.1.due.cmp(&b.1.due).then(a.0.cmp(b.0)));
        v
    }

    /// The next item to fall due after `now`, if any.
    pub fn next_due(&self, now: Timestamp) -> Option<(&str, &ReviewState)> {
        self.review
            .iter()
            .filter(|(_, s)| !s.is_due(now))
            .min_by(|a, b| a.1.due.cmp(&b.1.due).then(a.0.cmp(b.0)))
            .map(|(k, s)| (k.as_str(), s))
    }
}

fn new_attempt_id(now: Timestamp) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{}-{}-{nanos:09}-{}",
        now.compact(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Something the learner should be told about their progress file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The file could not be read; it was moved to `broken`.
    MovedAside { broken: PathBuf, reason: String },
    /// The file could not be read and could not be moved (read-only directory).
    Unreadable { path: PathBuf, reason: String },
    /// The file was written by a newer version; it will not be changed.
    NewerSchema { path: PathBuf, found: u32 },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::MovedAside { broken, reason } => write!(
                f,
                "Your progress file could not be read ({reason}). It was kept, unchanged, as {} \
                 and a new one was started. Fix it by hand and move it back to {FILE_NAME} to \
                 recover it.",
                broken.display()
            ),
            Notice::Unreadable { path, reason } => write!(
                f,
                "Your progress file {} could not be read ({reason}); it was left untouched.",
                path.display()
            ),
            Notice::NewerSchema { path, found } => write!(
                f,
                "{} was written by a newer statedist (schema {found}; this version knows schema \
                 {SCHEMA}). It is shown as well as possible and will not be changed.",
                path.display()
            ),
        }
    }
}

/// Why progress could not be read or saved.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error(
        "cannot find a data directory for your progress: pass --data-dir DIR or set STATEDIST_DATA_DIR"
    )]
    NoDataDir,
    #[error("{}: {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{} was written by a newer statedist (schema {found}; this version knows schema {SCHEMA}), \
         so this version will not change it. Upgrade statedist, or pass --data-dir DIR to keep a \
         separate progress file.",
        path.display()
    )]
    NewerSchema { path: PathBuf, found: u32 },
    #[error("cannot write the progress file: {0}")]
    Serialize(String),
}
