//! The block 2–3 acceptance commands, exactly as a learner types them.

use std::process::Command;

fn statedist(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_statedist"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("utf-8")
}

const QUORUM: &str = "assets/scripts/quorum-stale.script";
const LEADER: &str = "assets/scripts/leader-crash.script";

#[test]
fn quorum_w1_r1_reads_stale_and_names_a_witness() {
    let out = statedist(&[
        "sim", "quorum", "--n", "3", "--w", "1", "--r", "1", "--seed", "3", "--script", QUORUM,
    ]);
    assert!(out.contains("✗ FAIL stale reads"), "{out}");
    assert!(
        out.contains("✗ FAIL linearizability: not linearizable: read via n3 at 3.000s returned x=1, but write x=2 via n1 had completed at 2.500s, before the read began"),
        "{out}"
    );
    assert!(
        out.contains("the smallest failing part of x's history (3 operations)"),
        "{out}"
    );
    assert!(
        out.contains("acked by n1 of replicas n1, n2, n3; W=1 met"),
        "{out}"
    );
}

#[test]
fn quorum_w2_r2_reads_nothing_stale() {
    let out = statedist(&[
        "sim", "quorum", "--n", "3", "--w", "2", "--r", "2", "--seed", "3", "--script", QUORUM,
    ]);
    assert!(out.contains("✓ ok   stale reads"), "{out}");
    assert!(
        out.contains("✓ ok   linearizability: linearizable"),
        "{out}"
    );
    assert!(out.contains("only 1 of R=2 replicas replied (n3)"), "{out}");
}

#[test]
fn leader_crash_loses_an_acknowledged_write_only_when_async() {
    let out = statedist(&[
        "sim",
        "leader-follower",
        "--mode",
        "async",
        "--script",
        LEADER,
    ]);
    assert!(
        out.contains("✗ FAIL acknowledged writes: 1 acknowledged write lost"),
        "{out}"
    );
    assert!(out.contains("discards x=2@2 from its log"), "{out}");
    let out = statedist(&[
        "sim",
        "leader-follower",
        "--mode",
        "sync",
        "--script",
        LEADER,
    ]);
    assert!(out.contains("✓ ok   acknowledged writes"), "{out}");
}

#[test]
fn block_scenarios_are_listed_and_byte_for_byte_repeatable() {
    let list = statedist(&["sim", "--list"]);
    for name in [
        "leader-follower",
        "multi-leader",
        "quorum",
        "session",
        "causal",
    ] {
        assert!(list.contains(name), "{list}");
    }
    for (name, script) in [
        ("quorum", QUORUM),
        ("leader-follower", LEADER),
        ("session", "assets/scripts/session-guarantees.script"),
        ("causal", "assets/scripts/causal-reply.script"),
        (
            "multi-leader",
            "assets/scripts/multi-leader-conflict.script",
        ),
    ] {
        let args = [
            "sim", name, "--seed", "5", "--script", script, "--format", "jsonl",
        ];
        assert_eq!(statedist(&args), statedist(&args), "{name}");
    }
}
