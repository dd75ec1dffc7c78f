//! Sloppy quorums with hinted handoff: a stale read despite R + W > N when
//! a write counts stand-ins outside the key's home replicas, and none with
//! strict quorums; the stand-ins' hints reach the home replicas after the heal.

use statedist::check::{Status, Verdict};
use statedist::scenario::{self, Pane, Params, Run};
use statedist::sim::Fault;
use statedist::sim::script::Script;

const SLOPPY: &str = include_str!("../assets/scripts/quorum-sloppy.script");

fn start(sloppy: &str, nodes: usize, script: &str, seed: u64) -> Box<dyn Run> {
    let settings = [("n", "3"), ("w", "2"), ("r", "2"), ("sloppy", sloppy)];
    let params = Params {
        seed,
        nodes: Some(nodes),
        script: Script::parse(script).expect("script parses"),
        settings: settings
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    scenario::find("quorum")
        .expect("scenario exists")
        .start(&params)
        .expect("starts")
}

fn run(sloppy: &str, seed: u64) -> Box<dyn Run> {
    let mut r = start(sloppy, 5, SLOPPY, seed);
    r.run_until(10_000);
    r
}

fn verdict(run: &dyn Run, check: &str) -> Verdict {
    run.verdicts()
        .into_iter()
        .find(|v| v.check == check)
        .unwrap_or_else(|| panic!("no '{check}' verdict"))
}

/// Every cell of the pane whose title starts with `title`, row by row.
fn pane_text(run: &dyn Run, title: &str) -> String {
    run.panes()
        .into_iter()
        .map(|p| match p {
            Pane::Table {
                title: t,
                header,
                rows,
            } => (t, header, rows),
        })
        .find(|(t, _, _)| t.starts_with(title))
        .map(|(t, header, rows)| {
            let mut s = format!("{t}\n{}\n", header.join(" | "));
            for row in rows {
                let cells: Vec<String> = row.into_iter().map(|c| c.text).collect();
                s.push_str(&cells.join(" | "));
                s.push('\n');
            }
            s
        })
        .unwrap_or_else(|| panic!("no pane '{title}'"))
}

fn op_line(run: &dyn Run, n: usize) -> String {
    format!("{:?}", run.history().ops()[n - 1])
}

#[test]
fn sloppy_quorum_reads_stale_despite_r_plus_w_above_n() {
    let r = run("on", 1);
    let write = op_line(r.as_ref(), 2);
    assert!(write.contains("stand-in for n4"), "{write}");
    let stale = verdict(r.as_ref(), "stale reads");
    assert_eq!(stale.status, Status::Fail, "{stale:#?}");
    assert!(
        stale.summary.contains("via n3 at 3.000s returned x=1"),
        "{}",
        stale.summary
    );
    let lin = verdict(r.as_ref(), "linearizability");
    assert_eq!(lin.status, Status::Fail, "{lin:#?}");
    assert!(
        lin.summary.starts_with("not linearizable"),
        "{}",
        lin.summary
    );
    assert!(
        lin.summary.contains("read via n3 at 3.000s returned x=1"),
        "{}",
        lin.summary
    );
}

#[test]
fn strict_quorum_write_times_out_instead_of_reading_stale() {
    let r = run("off", 1);
    let write = op_line(r.as_ref(), 2);
    assert!(write.contains("TimedOut"), "{write}");
    assert_eq!(verdict(r.as_ref(), "stale reads").status, Status::Pass);
    assert_eq!(verdict(r.as_ref(), "linearizability").status, Status::Pass);
    let replicas = pane_text(r.as_ref(), "Replica state");
    assert!(!replicas.contains("hint"), "no hints column: {replicas}");
}

#[test]
fn panes_show_hints_and_stand_in_acks() {
    let mut r = start("on", 5, SLOPPY, 1);
    r.run_until(3_500);
    let replicas = pane_text(r.as_ref(), "Replica state");
    assert!(replicas.contains("sloppy"), "{replicas}");
    assert!(replicas.contains("hint for n3: x=2"), "{replicas}");
    assert!(replicas.contains("hint for n4: x=2"), "{replicas}");
    let votes = pane_text(r.as_ref(), "Quorum votes");
    assert!(votes.contains("n1 (stand-in for n4)"), "{votes}");
    assert!(votes.contains("stand-ins n5 for n3, n1 for n4"), "{votes}");
}

#[test]
fn hinted_handoff_reaches_the_home_replicas_after_the_heal() {
    let r = run("on", 1);
    // The read after the heal sees the write, and every home replica holds it.
    let last = op_line(r.as_ref(), 4);
    assert!(last.contains("value: Some(2)"), "{last}");
    let replicas = pane_text(r.as_ref(), "Replica state");
    assert!(!replicas.contains("hint for"), "hints dropped: {replicas}");
    assert!(!replicas.contains("stale"), "converged: {replicas}");
    let rows: Vec<&str> = replicas.lines().skip(2).collect();
    for home in ["n2", "n3", "n4"] {
        let row = rows
            .iter()
            .find(|l| l.starts_with(home))
            .unwrap_or_else(|| panic!("{home}: {replicas}"));
        assert!(row.contains("2 (t=2.500s n1)"), "{row}");
    }
}

#[test]
fn hints_survive_a_stand_in_crash_and_are_handed_off_on_restart() {
    // n5 holds the hint for n3; it crashes before the heal and comes back after.
    let script = format!("{SLOPPY}\nat 3.5s crash n5\nat 6s restart n5\n");
    let script = script.replace("at 5s    read n3 x", "at 7s    read n3 x");
    let mut r = start("on", 5, &script, 1);
    r.run_until(5_500);
    let mid = pane_text(r.as_ref(), "Replica state");
    assert!(mid.contains("hint for n3: x=2"), "{mid}");
    r.run_until(10_000);
    let end = pane_text(r.as_ref(), "Replica state");
    assert!(!end.contains("hint for"), "{end}");
    assert!(!end.contains("stale"), "{end}");
}

#[test]
fn without_spare_nodes_sloppy_changes_nothing() {
    // N = cluster size: no node is outside the home set, so no stand-ins.
    let script = "at 1s write n1 x=1\nat 2s partition 1 | 2,3\nat 2.5s write n1 x=2\n";
    let mut on = start("on", 3, script, 1);
    let mut off = start("off", 3, script, 1);
    on.run_until(5_000);
    off.run_until(5_000);
    assert_eq!(on.trace().hash(), off.trace().hash());
    assert!(op_line(on.as_ref(), 2).contains("TimedOut"));
}

#[test]
fn sloppy_is_a_knob_and_is_deterministic() {
    let mut r = start("off", 5, "", 1);
    let k = r
        .knobs()
        .into_iter()
        .find(|k| k.name == "sloppy")
        .expect("sloppy knob");
    assert_eq!((k.key, k.value.as_str()), ('s', "off"));
    assert_eq!(k.choices, vec!["off", "on"]);
    r.apply(Fault::Tune("sloppy".into(), "on".into()));
    let k = r.knobs().into_iter().find(|k| k.name == "sloppy").unwrap();
    assert_eq!(k.value, "on");
    for seed in [1, 7] {
        let a = run("on", seed);
        let b = run("on", seed);
        assert_eq!(a.trace().hash(), b.trace().hash(), "seed {seed}");
        assert_eq!(a.verdicts(), b.verdicts(), "seed {seed}");
        assert_eq!(a.panes(), b.panes(), "seed {seed}");
    }
}
