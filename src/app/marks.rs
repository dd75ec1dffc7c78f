//! The one place the app reads and writes the learner's progress: lesson
//! marks (visited / completed), reading positions, gauntlet seeds, bests
//! and attempts. Backed by the progress file (`crate::progress`), or by memory
//! only for tests and when no data directory can be found.

use std::path::{Path, PathBuf};

use crate::progress::{self, Progress, Recorded, ReviewState, Timestamp};
use crate::quiz::{Summary, Verdict};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Mark {
    #[default]
    New,
    Visited,
    Completed,
}

impl Mark {
    /// A mark that reads without colour.
    pub fn label(self) -> &'static str {
        match self {
            Mark::New => "       ",
            Mark::Visited => "· read ",
            Mark::Completed => "✓ read ",
        }
    }
}

pub struct Marks {
    /// Where the progress file lives; `None`: this session only.
    dir: Option<PathBuf>,
    progress: Progress,
    notice: Option<String>,
    /// A fixed "now" (tests and snapshots); `None`: the wall clock.
    clock: Option<Timestamp>,
}

impl Default for Marks {
    fn default() -> Self {
        Self::session()
    }
}

impl Marks {
    /// Progress kept in memory for this session only.
    pub fn session() -> Marks {
        Marks::in_memory(Progress::new())
    }

    /// Given progress, kept in memory only (tests, tools).
    pub fn in_memory(progress: Progress) -> Marks {
        Marks {
            dir: None,
            progress,
            notice: None,
            clock: None,
        }
    }

    /// The same marks with the clock stopped at `now` (tests and snapshots:
    /// "next due in 10 min" must not depend on when they run).
    pub fn with_clock(mut self, now: Timestamp) -> Marks {
        self.clock = Some(now);
        self
    }

    /// The time progress is recorded at: the wall clock (which
    /// `STATEDIST_NOW` can move), or the fixed clock of `with_clock`.
    pub fn now(&self) -> Timestamp {
        self.clock.unwrap_or_else(Timestamp::now)
    }

    /// The progress file in `explicit` (`--data-dir`) or the platform's data
    /// directory. Problems become a notice for the learner, never an error:
    /// the course works without saving.
    pub fn open(explicit: Option<&Path>) -> Marks {
        let dir = match progress::resolve_dir(explicit) {
            Ok(d) => d,
            Err(e) => {
                return Marks {
                    notice: Some(format!("{e}; progress is kept for this session only")),
                    ..Marks::session()
                };
            }
        };
        match progress::load(&dir) {
            Ok((progress, notice)) => Marks {
                dir: Some(dir),
                notice: notice.map(|n| n.to_string()),
                ..Marks::in_memory(progress)
            },
            Err(e) => Marks {
                notice: Some(format!("{e}; progress is kept for this session only")),
                ..Marks::session()
            },
        }
    }

    /// Applies `change` here and, when there is a file, to the file (under
    /// its lock, so another copy of the program loses nothing).
    fn change<T>(&mut self, change: impl Fn(&mut Progress) -> T) -> T {
        if let Some(dir) = &self.dir {
            match progress::update(dir, |p| {
                let out = change(p);
                (out, p.clone())
            }) {
                Ok(((out, p), notice)) => {
                    self.progress = p;
                    if let Some(n) = notice {
                        self.notice = Some(n.to_string());
                    }
                    return out;
                }
                Err(e) => {
                    self.notice = Some(format!("{e}; progress is kept for this session only"));
                    self.dir = None;
                }
            }
        }
        change(&mut self.progress)
    }

    pub fn mark(&self, lesson_id: &str) -> Mark {
        match self.progress.lessons.get(lesson_id) {
            Some(l) if l.completed.is_some() => Mark::Completed,
            Some(l) if l.visited.is_some() => Mark::Visited,
            _ => Mark::New,
        }
    }

    /// The learner opened the lesson.
    pub fn visit(&mut self, lesson_id: &str) {
        let now = self.now();
        self.change(|p| p.visit_lesson(lesson_id, now));
    }

    /// The learner read the lesson to its end.
    pub fn complete(&mut self, lesson_id: &str) {
        let now = self.now();
        self.change(|p| p.complete_lesson(lesson_id, now));
    }

    /// Where the learner left off reading the lesson (a source offset, see
    /// [`progress::Position`]), as of the last change read from the file.
    pub fn position(&self, lesson_id: &str) -> Option<usize> {
        self.progress
            .position(lesson_id)
            .map(|o| usize::try_from(o).unwrap_or(usize::MAX))
    }

    /// The learner left the lesson at source offset `offset`: saved at once,
    /// under the file's lock (the newer of two copies' positions is kept).
    pub fn save_position(&mut self, lesson_id: &str, offset: usize) {
        let now = self.now();
        // TOML integers are signed 64-bit
        let offset = u64::try_from(offset).map_or(i64::MAX as u64, |o| o.min(i64::MAX as u64));
        self.change(|p| p.set_position(lesson_id, offset, now));
    }

    /// The seed of the learner's next attempt at a bank.
    pub fn next_seed(&self, bank: &str) -> u64 {
        self.progress.next_seed(bank)
    }

    pub fn best(&self, bank: &str) -> Option<u32> {
        self.progress.best.get(bank).map(|b| b.score)
    }

    /// Saves a finished (or abandoned, or timed-out) attempt.
    pub fn record_attempt(&mut self, summary: &Summary) -> Recorded {
        let now = self.now();
        self.change(|p| p.record_attempt(summary, now))
    }

    /// Re-reads the progress file, so what another copy of the program
    /// saved shows here (before a review session picks its items). Never
    /// writes; a file that cannot be read now keeps what is in memory.
    pub fn refresh(&mut self) {
        if let Some(dir) = &self.dir
            && let Ok((p, _)) = progress::load(dir)
        {
            self.progress = p;
        }
    }

    /// Items due for review at `now`, most overdue first, with their
    /// schedules (which also give the seed to ask each with).
    pub fn due(&self, now: Timestamp) -> Vec<(String, ReviewState)> {
        self.progress
            .due(now)
            .into_iter()
            .map(|(id, s)| (id.to_string(), s.clone()))
            .collect()
    }

    /// How many items are due at `now`.
    pub fn due_count(&self, now: Timestamp) -> usize {
        self.progress
            .review
            .values()
            .filter(|s| s.is_due(now))
            .count()
    }

    /// The next item to fall due after `now`: its id and when.
    pub fn next_due(&self, now: Timestamp) -> Option<(String, Timestamp)> {
        self.progress
            .next_due(now)
            .map(|(id, s)| (id.to_string(), s.due))
    }

    /// Whether any item has a review schedule yet.
    pub fn has_reviews(&self) -> bool {
        !self.progress.review.is_empty()
    }

    /// The item's schedule, if it has one.
    pub fn review_state(&self, item_id: &str) -> Option<&ReviewState> {
        self.progress.review.get(item_id)
    }

    /// Records one review answer and reschedules the item (saved at once,
    /// under the file's lock). Returns the new schedule.
    pub fn record_review(&mut self, item_id: &str, verdict: Verdict) -> ReviewState {
        let now = self.now();
        self.change(|p| p.record_review(item_id, verdict, now).clone())
    }

    /// Whether progress is saved to a file.
    pub fn saved(&self) -> bool {
        self.dir.is_some()
    }

    /// Adds something to tell the learner (shown once, as the next notice).
    pub fn tell(&mut self, notice: String) {
        self.notice = Some(match self.notice.take() {
            Some(n) => format!("{n} {notice}"),
            None => notice,
        });
    }

    /// A problem to tell the learner about (once).
    pub fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }
}
