//! The progress report behind `statedist progress [--json]`: plain data,
//! rendered as text or serialized as JSON.

use serde::Serialize;

use super::{Ending, Progress, Timestamp, human_duration};
use crate::quiz::{Bank, BankKind};

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The progress file this report reads.
    pub file: String,
    pub now: Timestamp,
    pub lessons: LessonsReport,
    /// Gauntlets first (1-4), then focus blocks (1-7), then anything else.
    pub banks: Vec<BankReport>,
    pub review: ReviewReport,
    /// Every attempt, oldest first (without per-item results).
    pub attempts: Vec<AttemptReport>,
    /// Things the learner should know (e.g. a file moved aside).
    pub notices: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LessonsReport {
    pub visited: Vec<String>,
    pub completed: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BankReport {
    pub id: String,
    pub title: String,
    /// "gauntlet", "block" or "other".
    pub kind: String,
    pub attempts: usize,
    pub best: Option<u32>,
    pub last: Option<AttemptReport>,
    /// Items of this bank in the review schedule, and how many are due.
    pub scheduled: usize,
    pub due: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttemptReport {
    pub bank: String,
    pub when: Timestamp,
    pub score: u32,
    pub max_score: u32,
    pub correctness: u32,
    pub bonus: u32,
    pub ending: Ending,
    pub time_used_ms: u64,
    pub limit_ms: u64,
    pub right: usize,
    pub items: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewReport {
    pub scheduled: usize,
    pub due: usize,
    /// Due item ids, most overdue first.
    pub due_items: Vec<String>,
    pub next_due: Option<Timestamp>,
}

fn kind_order(k: BankKind) -> (u8, u8) {
    match k {
        BankKind::Gauntlet(n) => (0, n),
        BankKind::Block(n) => (1, n),
        BankKind::Other => (2, 0),
    }
}

/// Build the report from the progress and the course's banks (for titles;
/// banks with attempts but no longer in the course are listed by id).
pub fn build(
    progress: &Progress,
    banks: &[Bank],
    file: &str,
    now: Timestamp,
    notices: Vec<String>,
) -> Report {
    let mut ids: Vec<(BankKind, String, String)> = banks
        .iter()
        .map(|b| (b.kind, b.id.clone(), b.title.clone()))
        .collect();
    for a in &progress.attempts {
        if !ids.iter().any(|(_, id, _)| *id == a.bank) {
            ids.push((BankKind::from_id(&a.bank), a.bank.clone(), a.bank.clone()));
        }
    }
    ids.sort_by(|a, b| kind_order(a.0).cmp(&kind_order(b.0)).then(a.1.cmp(&b.1)));
    let attempt_report = |a: &super::Attempt| AttemptReport {
        bank: a.bank.clone(),
        when: a.when,
        score: a.score,
        max_score: a.max_score,
        correctness: a.correctness,
        bonus: a.bonus,
        ending: a.ending,
        time_used_ms: a.time_used_ms,
        limit_ms: a.limit_ms,
        right: a.items.iter().filter(|i| i.result == "right").count(),
        items: a.items.len(),
    };
    let due = progress.due(now);
    let bank_reports = ids
        .into_iter()
        .map(|(kind, id, title)| {
            let prefix = format!("{id}.");
            BankReport {
                attempts: progress.attempts_for(&id).count(),
                best: progress.best.get(&id).map(|b| b.score),
                last: progress.attempts_for(&id).last().map(attempt_report),
                scheduled: progress
                    .review
                    .keys()
                    .filter(|k| k.starts_with(&prefix))
                    .count(),
                due: due.iter().filter(|(k, _)| k.starts_with(&prefix)).count(),
                kind: match kind {
                    BankKind::Gauntlet(_) => "gauntlet",
                    BankKind::Block(_) => "block",
                    BankKind::Other => "other",
                }
                .to_string(),
                id,
                title,
            }
        })
        .collect();
    let mut visited: Vec<String> = progress
        .lessons
        .iter()
        .filter(|(_, l)| l.visited.is_some())
        .map(|(k, _)| k.clone())
        .collect();
    visited.sort();
    let completed: Vec<String> = progress
        .lessons
        .iter()
        .filter(|(_, l)| l.completed.is_some())
        .map(|(k, _)| k.clone())
        .collect();
    Report {
        file: file.to_string(),
        now,
        lessons: LessonsReport { visited, completed },
        banks: bank_reports,
        review: ReviewReport {
            scheduled: progress.review.len(),
            due: due.len(),
            due_items: due.iter().map(|(k, _)| (*k).to_string()).collect(),
            next_due: progress.next_due(now).map(|(_, s)| s.due),
        },
        attempts: progress.attempts.iter().map(attempt_report).collect(),
        notices,
    }
}

/// `m:ss` for a number of milliseconds.
pub fn mmss(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// The plain-text report.
pub fn render_text(r: &Report) -> String {
    let mut out = String::new();
    for n in &r.notices {
        out.push_str(&format!("note: {n}\n\n"));
    }
    out.push_str(&format!("Progress ({})\n\n", r.file));
    out.push_str(&format!(
        "Lessons: {} opened, {} read to the end\n",
        r.lessons.visited.len(),
        r.lessons.completed.len()
    ));
    if !r.lessons.visited.is_empty() {
        let marks: Vec<String> = r
            .lessons
            .visited
            .iter()
            .map(|l| {
                if r.lessons.completed.contains(l) {
                    format!("{l} (read)")
                } else {
                    l.clone()
                }
            })
            .collect();
        out.push_str(&format!("  {}\n", marks.join(", ")));
    }
    for (heading, kind) in [
        ("Gauntlets", "gauntlet"),
        ("Focus blocks", "block"),
        ("Other banks", "other"),
    ] {
        let rows: Vec<&BankReport> = r.banks.iter().filter(|b| b.kind == kind).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{heading}:\n"));
        // Align on the longest title rather than cutting titles short.
        let width = rows
            .iter()
            .map(|b| b.title.chars().count())
            .max()
            .unwrap_or(0);
        for b in rows {
            let name = format!("{:<9} {:<width$}", b.id, b.title);
            if b.attempts == 0 {
                let what = if kind == "block" { "block quiz " } else { "" };
                out.push_str(&format!("  {name}  {what}not tried yet\n"));
                continue;
            }
            let best = b.best.map_or("-".to_string(), |s| s.to_string());
            let last = b.last.as_ref().map_or(String::new(), |a| {
                let end = match a.ending {
                    Ending::Finished => String::new(),
                    Ending::TimeUp => ", time up".to_string(),
                    Ending::Abandoned => ", abandoned".to_string(),
                };
                format!(
                    "last {} ({} right of {}, {} of {}{end}, {})",
                    a.score,
                    a.right,
                    a.items,
                    mmss(a.time_used_ms),
                    mmss(a.limit_ms),
                    a.when.human()
                )
            });
            out.push_str(&format!(
                "  {name}  best {best:>3}  {last}  [{} attempt{}]\n",
                b.attempts,
                if b.attempts == 1 { "" } else { "s" }
            ));
        }
    }
    out.push_str(&format!(
        "\nReview: {} due now, {} scheduled",
        r.review.due, r.review.scheduled
    ));
    if let Some(next) = r.review.next_due {
        out.push_str(&format!(
            "; next in {} ({})",
            human_duration(next.0 - r.now.0),
            next.human()
        ));
    }
    out.push('\n');
    if r.review.due > 0 {
        out.push_str("  Run `statedist review` to go through them.\n");
    } else if r.review.scheduled == 0 {
        out.push_str("  Take a gauntlet (`statedist gauntlet 1`) to start your review schedule.\n");
    }
    out
}
