//! The shipped demonstrations: every script in `assets/scripts/` is
//! embedded and listed, each runs in its scenario, and the command line
//! replays one by name.

use std::process::Command;

use statedist::scenario::{self, Params, demos};
use statedist::sim::script::Script;

#[test]
fn every_script_file_is_a_listed_demo_and_back() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scripts");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|f| f.strip_suffix(".script").map(str::to_string))
        .collect();
    files.sort();
    let mut listed: Vec<String> = demos::DEMOS.iter().map(|d| d.file.to_string()).collect();
    listed.sort();
    listed.dedup();
    assert_eq!(
        files, listed,
        "add a new script to DEMOS in src/scenario/demos.rs"
    );
}

#[test]
fn every_demo_runs_in_its_scenario_without_a_refused_step() {
    for d in demos::DEMOS {
        let info = scenario::find(d.scenario).unwrap_or_else(|| panic!("{}", d.name));
        let params = Params {
            nodes: d.nodes,
            script: Script::parse(&d.full_script()).unwrap_or_else(|e| panic!("{}: {e}", d.name)),
            ..Params::default()
        };
        let mut run = info
            .start(&params)
            .unwrap_or_else(|e| panic!("{}: {e}", d.name));
        run.run_until(10_000);
        let refused = run
            .trace()
            .events()
            .find(|e| e.text.contains("refused"))
            .map(|e| e.text.clone());
        assert_eq!(refused, None, "{}", d.name);
        assert!(!d.summary().is_empty(), "{} has no summary", d.name);
    }
}

#[test]
fn sim_demo_replays_one_by_name() {
    let sim = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_statedist"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = sim(&[
        "sim",
        "--demo",
        "raft-figure8",
        "--set",
        "commit-rule=naive",
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("✗ FAIL leader completeness"), "{text}");
    let out = sim(&["sim", "--demo", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown demonstration 'nope'"));
    let out = sim(&["sim", "quorum", "--demo", "raft-figure8"]);
    assert_eq!(out.status.code(), Some(2));
    let listed = String::from_utf8_lossy(&sim(&["sim", "--list"]).stdout).into_owned();
    assert!(listed.contains("raft-figure8"), "{listed}");
    assert!(listed.contains("commit-rule=paper|naive"), "{listed}");
}
