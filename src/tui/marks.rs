//! The one place the app reads and writes progress marks (visited /
//! completed lessons), so the course map and the reader do not care where
//! progress lives.

use std::collections::BTreeMap;

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

pub trait Marks {
    fn mark(&self, lesson_id: &str) -> Mark;
    /// The learner opened the lesson.
    fn visit(&mut self, lesson_id: &str);
    /// The learner read the lesson to its end.
    fn complete(&mut self, lesson_id: &str);
    /// A problem to show the learner (for example a progress file that
    /// could not be read), once.
    fn take_notice(&mut self) -> Option<String> {
        None
    }
}

/// Marks kept for this session only.
#[derive(Debug, Default)]
pub struct SessionMarks {
    marks: BTreeMap<String, Mark>,
}

impl Marks for SessionMarks {
    fn mark(&self, lesson_id: &str) -> Mark {
        self.marks.get(lesson_id).copied().unwrap_or_default()
    }
    fn visit(&mut self, lesson_id: &str) {
        let m = self.marks.entry(lesson_id.to_string()).or_default();
        *m = (*m).max(Mark::Visited);
    }
    fn complete(&mut self, lesson_id: &str) {
        self.marks.insert(lesson_id.to_string(), Mark::Completed);
    }
}
