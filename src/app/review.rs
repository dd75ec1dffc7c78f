//! Spaced review in the terminal app: the items due now, asked one at a
//! time with the gauntlet's answer line, graded, explained, and rescheduled
//! in the progress file after each answer (so quitting at any point loses
//! nothing). No clock runs: review is not timed.
//!
//! ```text
//! Review::start ─► Asking ──Enter──► Answered ──Enter──► Asking (next) ... ─► Done
//!        │            │ Tab (stays due)                                   ▲
//!        │            └──Esc (the rest stay due)──────────────────────────┘
//!        └─► Empty (nothing due: when the next one is, how to get some)
//! ```
//!
//! The app does the saving (`Marks::record_review`); this module only holds
//! the session.

use crate::content::Banks;
use crate::progress::{ReviewState, Timestamp, human_duration};
use crate::quiz::{Grade, Question, Verdict};

/// One due item, instantiated with its review seed.
#[derive(Clone, Debug)]
pub struct DueItem {
    pub id: String,
    pub question: Question,
    /// Its schedule before this review: when and how it was last answered.
    pub state: ReviewState,
    /// The title of the bank it comes from.
    pub from: String,
}

/// The graded answer on screen.
#[derive(Clone, Debug)]
pub struct Answered {
    pub input: String,
    pub grade: Grade,
    /// When the item is due again (as saved).
    pub next: Timestamp,
    /// When it was answered.
    pub at: Timestamp,
}

#[derive(Clone, Debug)]
pub enum Phase {
    /// Nothing to ask.
    Empty,
    /// The answer line is open.
    Asking,
    /// The grade, the right answer, the explanation and the next review.
    Answered(Answered),
    /// The summary.
    Done,
}

/// One line of the summary.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub id: String,
    /// The question's first line.
    pub prompt: String,
    /// `None`: skipped (still due).
    pub verdict: Option<Verdict>,
    /// When it is due again (`None` when skipped).
    pub next: Option<Timestamp>,
}

/// What lies ahead, computed when the session starts and when it ends.
#[derive(Clone, Debug, Default)]
pub struct Outlook {
    pub now: Timestamp,
    /// Items due at `now` (after the session: the skipped and unasked ones).
    pub due_now: usize,
    /// The next item to fall due after `now`.
    pub next: Option<(String, Timestamp)>,
    /// Whether any item has a schedule at all.
    pub any_scheduled: bool,
}

impl Outlook {
    /// "in 10 min (2025-11-25 18:29 UTC)".
    pub fn next_text(&self) -> Option<String> {
        self.next.as_ref().map(|(_, due)| {
            format!(
                "in {} ({})",
                human_duration(due.0 - self.now.0),
                due.human()
            )
        })
    }
}

/// A review session.
pub struct Review {
    pub items: Vec<DueItem>,
    /// The item being asked (== `items.len()` once all were asked).
    pub pos: usize,
    pub input: String,
    /// Why the last input could not be read (the question stays).
    pub error: Option<String>,
    pub phase: Phase,
    pub outcomes: Vec<Outcome>,
    /// Scheduled items that are no longer in the course.
    pub gone: usize,
    pub outlook: Outlook,
    /// Scroll of the answer page and the summary.
    pub scroll: usize,
}

/// The first line of a question's prompt, for lists.
fn first_line(q: &Question) -> String {
    q.prompt.lines().next().unwrap_or("").trim().to_string()
}

impl Review {
    /// A session over the `due` items and their schedules, most overdue
    /// first. Items whose bank no longer has them are left out and counted.
    pub fn start(banks: &Banks, due: Vec<(String, ReviewState)>, outlook: Outlook) -> Review {
        let mut gone = 0;
        let items: Vec<DueItem> = due
            .into_iter()
            .filter_map(|(id, state)| match banks.item(&id) {
                Some(item) => Some(DueItem {
                    question: item.instantiate(state.question_seed()),
                    from: id
                        .split('.')
                        .next()
                        .and_then(|b| banks.get(b))
                        .map_or_else(String::new, |b| b.title.clone()),
                    state,
                    id,
                }),
                None => {
                    gone += 1;
                    None
                }
            })
            .collect();
        Review {
            phase: if items.is_empty() {
                Phase::Empty
            } else {
                Phase::Asking
            },
            items,
            pos: 0,
            input: String::new(),
            error: None,
            outcomes: Vec::new(),
            gone,
            outlook,
            scroll: 0,
        }
    }

    /// The item being asked or just answered.
    pub fn current(&self) -> Option<&DueItem> {
        match self.phase {
            Phase::Asking | Phase::Answered(_) => self.items.get(self.pos),
            Phase::Empty | Phase::Done => None,
        }
    }

    pub fn asking(&self) -> bool {
        matches!(self.phase, Phase::Asking)
    }

    /// Whether the session is over (or never began).
    pub fn over(&self) -> bool {
        matches!(self.phase, Phase::Done | Phase::Empty)
    }

    /// Grades the input line. `Ok(None)`: nothing to grade here; `Err`: the
    /// input could not be read and stays for the learner to fix. The caller
    /// saves the grade and then calls [`Review::answered`].
    pub fn grade(&mut self) -> Option<Grade> {
        if !self.asking() {
            return None;
        }
        let q = &self.items.get(self.pos)?.question;
        match q.grade_input(&self.input) {
            Ok(g) => {
                self.error = None;
                Some(g)
            }
            Err(e) => {
                self.error = Some(e.to_string());
                None
            }
        }
    }

    /// The current item's grade was saved: show it with its next review.
    pub fn answered(&mut self, grade: Grade, next: Timestamp, at: Timestamp) {
        let Some(item) = self.items.get(self.pos) else {
            return;
        };
        self.outcomes.push(Outcome {
            id: item.id.clone(),
            prompt: first_line(&item.question),
            verdict: Some(grade.verdict),
            next: Some(next),
        });
        self.phase = Phase::Answered(Answered {
            input: std::mem::take(&mut self.input).trim().to_string(),
            grade,
            next,
            at,
        });
        self.scroll = 0;
    }

    /// Skips the current item: it stays due. True when that was the last.
    pub fn skip(&mut self) -> bool {
        if !self.asking() {
            return false;
        }
        if let Some(item) = self.items.get(self.pos) {
            self.outcomes.push(Outcome {
                id: item.id.clone(),
                prompt: first_line(&item.question),
                verdict: None,
                next: None,
            });
        }
        self.advance()
    }

    /// From an answer to the next item. True when there is none left.
    pub fn next_item(&mut self) -> bool {
        if !matches!(self.phase, Phase::Answered(_)) {
            return false;
        }
        self.advance()
    }

    fn advance(&mut self) -> bool {
        self.pos += 1;
        self.input.clear();
        self.error = None;
        self.scroll = 0;
        if self.pos >= self.items.len() {
            true
        } else {
            self.phase = Phase::Asking;
            false
        }
    }

    /// Ends the session with the outlook after it.
    pub fn finish(&mut self, outlook: Outlook) {
        self.phase = Phase::Done;
        self.outlook = outlook;
        self.input.clear();
        self.error = None;
        self.scroll = 0;
    }

    /// Items answered.
    pub fn reviewed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.verdict.is_some()).count()
    }

    fn count(&self, v: Verdict) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.verdict == Some(v))
            .count()
    }

    /// "3 reviewed, 2 right; next due in 10 min", or "...; 2 still due"
    /// when the learner skipped or stopped early.
    pub fn headline(&self) -> String {
        let n = self.reviewed();
        let mut s = format!("{n} reviewed, {} right", self.count(Verdict::Right));
        let partial = self.count(Verdict::Partial);
        if partial > 0 {
            s += &format!(", {partial} partly right");
        }
        if self.outlook.due_now > 0 {
            s += &format!("; {} still due", self.outlook.due_now);
        } else if let Some((_, due)) = &self.outlook.next {
            s += &format!(
                "; next due in {}",
                human_duration(due.0 - self.outlook.now.0)
            );
        }
        s
    }

    /// How many items were due when the session started.
    pub fn total(&self) -> usize {
        self.items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn banks() -> Banks {
        crate::content::load_banks(None)
    }

    fn some_ids(b: &Banks, n: usize) -> Vec<(String, ReviewState)> {
        b.banks[0]
            .items
            .iter()
            .take(n)
            .map(|i| {
                (
                    i.id.clone(),
                    ReviewState::first(Verdict::Wrong, Timestamp(0)),
                )
            })
            .collect()
    }

    #[test]
    fn a_session_asks_skips_and_sums_up() {
        let b = banks();
        let mut due = some_ids(&b, 3);
        due.push((
            "gone.item".into(),
            ReviewState::first(Verdict::Right, Timestamp(0)),
        ));
        let mut r = Review::start(&b, due, Outlook::default());
        assert_eq!((r.total(), r.gone), (3, 1));
        assert!(r.asking());
        // An empty line is unreadable: the question stays.
        assert!(r.grade().is_none());
        assert!(r.error.is_some());
        r.input = crate::content::exercises::answer_input(&r.items[0].question);
        let g = r.grade().unwrap();
        assert_eq!(g.verdict, Verdict::Right);
        r.answered(g, Timestamp(86_400), Timestamp(0));
        assert!(matches!(r.phase, Phase::Answered(_)));
        assert!(r.input.is_empty());
        assert!(!r.next_item());
        assert!(!r.skip());
        assert!(r.skip(), "the last item");
        r.finish(Outlook {
            now: Timestamp(0),
            due_now: 2,
            next: Some(("x".into(), Timestamp(600))),
            any_scheduled: true,
        });
        assert!(r.over());
        assert_eq!(r.headline(), "1 reviewed, 1 right; 2 still due");
    }

    #[test]
    fn nothing_due_is_empty() {
        let r = Review::start(&banks(), Vec::new(), Outlook::default());
        assert!(matches!(r.phase, Phase::Empty));
        assert!(r.current().is_none());
    }
}
