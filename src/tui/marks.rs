//! The one place the app reads and writes the learner's progress: lesson
//! marks (visited / completed), gauntlet seeds, bests and attempts. Backed
//! by the progress file (`crate::progress`), or by memory only for tests
//! and when no data directory can be found.

use std::path::{Path, PathBuf};

use crate::progress::{self, Progress, Recorded, Timestamp};
use crate::quiz::Summary;

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
            Mark::Completed => "✓ done ",
        }
    }
}

pub struct Marks {
    /// Where the progress file lives; `None`: this session only.
    dir: Option<PathBuf>,
    progress: Progress,
    notice: Option<String>,
}

impl Default for Marks {
    fn default() -> Self {
        Self::session()
    }
}

impl Marks {
    /// Progress kept in memory for this session only.
    pub fn session() -> Marks {
        Marks {
            dir: None,
            progress: Progress::new(),
            notice: None,
        }
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
                progress,
                notice: notice.map(|n| n.to_string()),
            },
            Err(e) => Marks {
                dir: None,
                progress: Progress::new(),
                notice: Some(format!("{e}; progress is kept for this session only")),
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
        let now = Timestamp::now();
        self.change(|p| p.visit_lesson(lesson_id, now));
    }

    /// The learner read the lesson to its end.
    pub fn complete(&mut self, lesson_id: &str) {
        let now = Timestamp::now();
        self.change(|p| p.complete_lesson(lesson_id, now));
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
        let now = Timestamp::now();
        self.change(|p| p.record_attempt(summary, now))
    }

    /// Whether progress is saved to a file.
    pub fn saved(&self) -> bool {
        self.dir.is_some()
    }

    /// A problem to tell the learner about (once).
    pub fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }
}
