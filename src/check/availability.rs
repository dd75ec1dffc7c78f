use super::ids;
use super::{Status, Verdict};
use crate::sim::{History, OpOutcome};

/// How many operations succeeded, failed or timed out.
pub fn availability(history: &History) -> Verdict {
    let (mut ok, mut failed, mut timed_out, mut pending) = (0, 0, 0, 0);
    for op in history.ops() {
        match op.outcome {
            OpOutcome::Ok { .. } => ok += 1,
            OpOutcome::Failed { .. } => failed += 1,
            OpOutcome::TimedOut { .. } => timed_out += 1,
            OpOutcome::Pending => pending += 1,
        }
    }
    let total = ok + failed + timed_out + pending;
    let summary = if total == 0 {
        "no client operations yet".to_string()
    } else {
        let mut s = format!("{ok} of {total} operations succeeded");
        if failed > 0 {
            s += &format!(", {failed} failed (refused: definitely not applied)");
        }
        if timed_out > 0 {
            s += &format!(", {timed_out} timed out (may or may not have been applied)");
        }
        if pending > 0 {
            s += &format!(", {pending} still waiting");
        }
        s
    };
    let details = history
        .ops()
        .iter()
        .filter(|op| {
            matches!(
                op.outcome,
                OpOutcome::Failed { .. } | OpOutcome::TimedOut { .. }
            )
        })
        .map(|op| format!("op {}: {}", op.id.0, op.describe()))
        .collect();
    let mut headline = format!("{ok} of {total} operations succeeded");
    if failed > 0 {
        headline += &format!(", {failed} refused");
    }
    if timed_out > 0 {
        headline += &format!(", {timed_out} timed out");
    }
    if pending > 0 {
        headline += &format!(", {pending} waiting");
    }
    Verdict::new(ids::AVAILABILITY, Status::Info, summary)
        .with_headline(headline)
        .with_details(details)
}
