//! `statedist sim` as a user runs it: the real binary, its output and exit codes.

use std::process::{Command, Output};

fn statedist(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_statedist"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

const ACCEPT: &str = "at 1s partition 1 | 2,3; at 1.2s write n1 x=1; at 1.4s write n2 x=2; at 3s heal; at 3.5s read n1 x";

#[test]
fn cap_cp_acceptance_output() {
    let o = statedist(&["sim", "cap-cp", "--seed", "7", "--do", ACCEPT]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("write x=1 via n1 at 1.200s → FAILED"), "{out}");
    assert!(out.contains("unavailable"));
    assert!(out.contains("write x=2 via n2 at 1.400s → ok"));
    assert!(out.contains("read x via n1 at 3.500s → ok x=2"));
    assert!(out.contains("✓ ok   stale reads: no stale reads"));
}

#[test]
fn cap_ap_acceptance_output() {
    let script = "at 1s partition 1 | 2,3; at 1.2s write n1 x=1; at 1.4s write n2 x=2; at 2s read n1 x; at 3s heal; at 3.5s read n1 x";
    let out = stdout(&statedist(&[
        "sim", "cap-ap", "--seed", "7", "--do", script,
    ]));
    assert!(out.contains("write x=1 via n1 at 1.200s → ok"), "{out}");
    assert!(out.contains("write x=2 via n2 at 1.400s → ok"));
    assert!(
        out.contains("read x via n1 at 2.000s → ok x=1"),
        "divergent during the partition"
    );
    assert!(
        out.contains("✗ FAIL stale reads: 1 stale read: read of x via n1 at 2.000s returned x=1")
    );
    assert!(out.contains("convergence: all 3 running replicas hold the same values"));
}

#[test]
fn same_arguments_same_bytes_and_seeds_differ() {
    let args = ["sim", "cap-ap", "--seed", "11", "--do", ACCEPT];
    let a = statedist(&args);
    let b = statedist(&args);
    assert_eq!(a.stdout, b.stdout);
    let c = statedist(&["sim", "cap-ap", "--seed", "12", "--do", ACCEPT]);
    assert_ne!(a.stdout, c.stdout);
    let j1 = statedist(&[
        "sim", "cap-cp", "--seed", "3", "--format", "jsonl", "--do", ACCEPT,
    ]);
    let j2 = statedist(&[
        "sim", "cap-cp", "--seed", "3", "--format", "jsonl", "--do", ACCEPT,
    ]);
    assert_eq!(j1.stdout, j2.stdout);
}

#[test]
fn jsonl_is_one_object_per_line() {
    let out = stdout(&statedist(&[
        "sim", "cap-cp", "--seed", "7", "--format", "jsonl", "--do", ACCEPT,
    ]));
    let mut types = std::collections::BTreeSet::new();
    for line in out.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        types.insert(v["type"].as_str().unwrap().to_string());
    }
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        ["node", "op", "run", "trace", "verdict"]
    );
    assert!(out.contains(r#""status":"failed""#));
}

#[test]
fn script_errors_name_line_and_column_and_exit_2() {
    let o = statedist(&["sim", "cap-cp", "--do", "at 1s heal; at 2s crash nine"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("script:1:25: 'nine' is not a node"),
        "{err}"
    );
    assert!(o.stdout.is_empty(), "nothing runs");

    let dir = std::env::temp_dir().join(format!("statedist-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.script");
    std::fs::write(
        &file,
        "# a comment\nat 1s partition 1 | 2,3\nat 2s crash 4\n",
    )
    .unwrap();
    let o = statedist(&["sim", "cap-cp", "--script", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("script:3:13: there is no node 4: this cluster has nodes 1 to 3"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unknown_scenario_lists_the_valid_ones() {
    let o = statedist(&["sim", "raft-magic"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unknown scenario 'raft-magic'") && err.contains("cap-cp"),
        "{err}"
    );
    let o = statedist(&["sim", "cap-cp", "--nodes", "16"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("runs with 3 to 15 nodes, not 16"));
    let o = statedist(&["sim", "quorum", "--nodes", "4"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("runs with 3 or 5 nodes, not 4"));
}

#[test]
fn list_help_and_version() {
    let list = stdout(&statedist(&["sim", "--list"]));
    assert!(list.contains("cap-cp") && list.contains("cap-ap"));
    let help = stdout(&statedist(&["--help"]));
    for cmd in [
        "learn",
        "playground",
        "gauntlet",
        "review",
        "progress",
        "sim",
        "check-content",
        "--data-dir",
        "--content-dir",
    ] {
        assert!(help.contains(cmd), "--help lacks {cmd}");
    }
    let sim_help = stdout(&statedist(&["sim", "--help"]));
    assert!(sim_help.contains("at 1.5s partition 1,2 | 3,4,5"));
    let version = stdout(&statedist(&["--version"]));
    assert_eq!(
        version.trim(),
        format!("statedist {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn percentages_read_as_typed() {
    let out = stdout(&statedist(&[
        "sim",
        "cap-cp",
        "--for",
        "1s",
        "--do",
        "at 0s loss 7%; at 0s dup 0.1%",
    ]));
    assert!(out.contains("network now loses 7% of messages"), "{out}");
    assert!(
        out.contains("network now duplicates 0.1% of messages"),
        "{out}"
    );
}

#[test]
fn the_issue_acceptance_one_way_cuts_through_the_cli() {
    let o = statedist(&[
        "sim",
        "cap-cp",
        "--do",
        "at 1s cut 1->2; at 1s cut 1->3; at 1.5s write n1 x=1; at 2s write n2 x=2",
    ]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(
        out.contains("Query#1(x) from n1 to n2 was dropped: the link n1→n2 is cut one way"),
        "{out}"
    );
    assert!(out.contains("n1 got Query#1(x) from n2"), "{out}");
    assert!(out.contains("write x=1 via n1 at 1.500s → FAILED"), "{out}");
    assert!(out.contains("unavailable"));
    assert!(out.contains("write x=2 via n2 at 2.000s → ok"), "{out}");
}

#[test]
fn playground_refuses_a_bad_live_script_before_taking_the_terminal() {
    let o = statedist(&["playground", "--do", "at 1s cut 1-2"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.starts_with("statedist playground: script:1:11: '1-2' is not a link"),
        "{err}"
    );
    let o = statedist(&["playground", "--do", "at 1s isolate 4"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("there is no node 4"), "{err}");
}

#[test]
fn scripts_that_cannot_run_are_refused_up_front() {
    let err = |args: &[&str]| {
        let o = statedist(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?} ran anyway");
        String::from_utf8(o.stderr).unwrap()
    };
    // A setting the scenario refuses, at the step that sets it.
    assert_eq!(
        err(&["sim", "quorum", "--do", "at 0s heal; at 1s set w=9"]),
        "script:1:19: setting w=9 refused: W must be 1 to N=3\n"
    );
    assert!(
        err(&["sim", "cap-cp", "--do", "at 1s set mode=sync"])
            .starts_with("script:1:7: setting mode=sync refused: ")
    );
    // Settings are tried in order: n=5 first makes w=4 acceptable.
    let o = statedist(&[
        "sim",
        "quorum",
        "--nodes",
        "5",
        "-q",
        "--do",
        "at 1s set n=5; at 2s set w=4",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A step after the end of the run.
    assert_eq!(
        err(&[
            "sim",
            "cap-ap",
            "--for",
            "5s",
            "--do",
            "at 1s heal\nat 6s heal"
        ]),
        "script:2:4: this step is at 6.000s, after the run ends at 5.000s: move it earlier or run longer (--for)\n"
    );
    // A run longer than an hour needs --allow-long.
    assert!(err(&["sim", "cap-ap", "--for", "61m"]).contains("add --allow-long"));
    let o = statedist(&["sim", "cap-ap", "--for", "61m", "--allow-long", "-q"]);
    assert!(o.status.success());
}

#[test]
fn history_writes_the_client_history_as_jepsen_edn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.edn");
    let p = path.to_str().unwrap();
    let o = statedist(&["sim", "cap-ap", "-q", "--do", ACCEPT, "--history", p]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let edn = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = edn.lines().collect();
    assert_eq!(
        lines.len(),
        6,
        "three operations, invoke and ok each: {edn}"
    );
    assert_eq!(
        lines[0],
        "{:process 0, :type :invoke, :f :write, :value [\"x\" 1], :time 1200000000}"
    );
    assert!(
        lines[5].starts_with("{:process 0, :type :ok, :f :read, :value [\"x\" "),
        "{edn}"
    );
    // A scenario whose operations are not a register's says what it left out.
    let o = statedist(&[
        "sim",
        "crdt-gcounter",
        "-q",
        "--do",
        "at 1s incr n1",
        "--history",
        p,
    ]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("1 operation was left out"), "{err}");
    // An unwritable path: a message naming it, exit 1.
    let bad = dir.path().join("no/such/dir/h.edn");
    let o = statedist(&["sim", "cap-ap", "-q", "--history", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write the history to"));
}
