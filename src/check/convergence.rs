use super::ids;
use super::{Status, Verdict};
use crate::sim::NodeId;

/// Do the running replicas hold the same state? `states` pairs each running
/// node with its (key, value) list; `quiet` says whether the network has
/// been healed long enough that divergence is a finding, not a moment.
pub fn convergence(states: &[(NodeId, Vec<(String, String)>)], quiet: bool) -> Verdict {
    let Some((first_id, first)) = states.first() else {
        return Verdict::new(
            ids::CONVERGENCE,
            Status::Info,
            "no running replicas to compare",
        );
    };
    let differing: Vec<&(NodeId, Vec<(String, String)>)> =
        states.iter().filter(|(_, s)| s != first).collect();
    if differing.is_empty() {
        return Verdict::new(
            ids::CONVERGENCE,
            Status::Pass,
            format!("all {} running replicas hold the same values", states.len()),
        );
    }
    let show = |s: &[(String, String)]| {
        if s.is_empty() {
            "nothing".to_string()
        } else {
            s.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut details = vec![format!("{first_id} holds {}", show(first))];
    details.extend(
        differing
            .iter()
            .map(|(id, s)| format!("{id} holds {}", show(s))),
    );
    let (status, summary, headline) = if quiet {
        (
            Status::Fail,
            "replicas still disagree although the network has been quiet",
            "replicas did not converge",
        )
    } else {
        (
            Status::Info,
            "replicas disagree right now (they may still converge)",
            "replicas disagree right now",
        )
    };
    Verdict::new(ids::CONVERGENCE, status, summary)
        .with_headline(headline)
        .with_details(details)
}
