//! Spaced review: an SM-2 schedule per item.
//!
//! SM-2 (Wozniak, 1987) keeps an ease factor (>= 1.3) and an interval per
//! item. A good answer multiplies the interval by the ease; a lapse resets
//! the repetition count. We add one thing learners expect: a wrong answer
//! comes back within minutes (a "learning step"), not tomorrow.

use serde::{Deserialize, Serialize};

use super::time::Timestamp;
use crate::quiz::Verdict;

/// How soon a missed item comes back.
pub const RELEARN_SECS: i64 = 10 * 60;
const DAY: i64 = 86_400;
const MIN_EASE: f64 = 1.3;
const START_EASE: f64 = 2.5;

/// One item's review schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewState {
    /// SM-2 ease factor.
    pub ease: f64,
    /// Current interval in days (0 while relearning).
    pub interval_days: u32,
    /// Successful reviews in a row.
    pub reps: u32,
    /// Times the item was missed after being learned.
    pub lapses: u32,
    /// When it is due again.
    pub due: Timestamp,
    /// When it was last answered.
    pub last: Timestamp,
    /// How it was last answered.
    pub last_result: Verdict,
}

impl ReviewState {
    /// The schedule after a first answer.
    pub fn first(verdict: Verdict, now: Timestamp) -> ReviewState {
        let fresh = ReviewState {
            ease: START_EASE,
            interval_days: 0,
            reps: 0,
            lapses: 0,
            due: now,
            last: now,
            last_result: verdict,
        };
        fresh.after(verdict, now)
    }

    /// The seed to instantiate the item with for its next review: changes
    /// with every answer, so generated items ask new numbers each time.
    pub fn question_seed(&self) -> u64 {
        (self.last.0 as u64) ^ (u64::from(self.reps) << 40) ^ (u64::from(self.lapses) << 48)
    }

    /// Whether it is due at `now`.
    pub fn is_due(&self, now: Timestamp) -> bool {
        self.due <= now
    }

    /// The schedule after answering with `verdict` at `now`.
    pub fn after(&self, verdict: Verdict, now: Timestamp) -> ReviewState {
        // SM-2 quality: right 4, partly right 3, wrong 1
        let q: f64 = match verdict {
            Verdict::Right => 4.0,
            Verdict::Partial => 3.0,
            Verdict::Wrong => 1.0,
        };
        let mut next = self.clone();
        next.last = now;
        next.last_result = verdict;
        next.ease = (self.ease + 0.1 - (5.0 - q) * (0.08 + (5.0 - q) * 0.02)).max(MIN_EASE);
        next.ease = (next.ease * 100.0).round() / 100.0;
        if verdict == Verdict::Wrong {
            if self.reps > 0 {
                next.lapses += 1;
            }
            next.reps = 0;
            next.interval_days = 0;
            next.due = now.plus_secs(RELEARN_SECS);
            return next;
        }
        next.reps = self.reps + 1;
        next.interval_days = match next.reps {
            1 => 1,
            2 => 6,
            _ => ((f64::from(self.interval_days.max(1)) * next.ease).round() as u32).clamp(1, 3650),
        };
        if verdict == Verdict::Partial {
            // half-known: come back sooner than a clean answer would
            next.interval_days = (next.interval_days / 2).max(1);
        }
        next.due = now.plus_secs(i64::from(next.interval_days) * DAY);
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_answers_space_out() {
        let t0 = Timestamp(1_000_000);
        let s1 = ReviewState::first(Verdict::Right, t0);
        assert_eq!(s1.interval_days, 1);
        let s2 = s1.after(Verdict::Right, s1.due);
        assert_eq!(s2.interval_days, 6);
        let s3 = s2.after(Verdict::Right, s2.due);
        assert!(s3.interval_days >= 14, "{s3:?}");
        assert!(s3.due > s2.due);
    }

    #[test]
    fn wrong_answers_come_back_soon_and_lower_ease() {
        let t0 = Timestamp(1_000_000);
        let s = ReviewState::first(Verdict::Right, t0).after(Verdict::Right, t0);
        let w = s.after(Verdict::Wrong, t0);
        assert_eq!(w.due, t0.plus_secs(RELEARN_SECS));
        assert_eq!(w.reps, 0);
        assert_eq!(w.lapses, 1);
        assert!(w.ease < s.ease);
        let first_wrong = ReviewState::first(Verdict::Wrong, t0);
        assert_eq!(first_wrong.lapses, 0);
        assert!(first_wrong.is_due(t0.plus_secs(RELEARN_SECS)));
        assert!(!first_wrong.is_due(t0));
    }

    #[test]
    fn ease_never_drops_below_minimum() {
        let mut s = ReviewState::first(Verdict::Wrong, Timestamp(0));
        for _ in 0..50 {
            s = s.after(Verdict::Wrong, Timestamp(0));
        }
        assert!(s.ease >= MIN_EASE);
    }
}
