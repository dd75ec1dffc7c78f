//! End to end: the real binary in a pseudo-terminal, driven as a learner
//! would (tests/common): open block 1, select node 1, partition it
//! away, heal, quit, and the terminal is back in its normal mode.

use std::ffi::OsStr;
use std::process::Command;

mod common;

/// Runs `play` against `statedist --data-dir TMP ARGS` in a `size` terminal;
/// returns whether it held, the transcript, and the progress file after.
fn drive(size: &str, args: &[&str], env: &[&str], play: &str) -> (bool, String, String) {
    let data = tempfile::tempdir().unwrap();
    let mut argv: Vec<&OsStr> = vec![OsStr::new("--data-dir"), data.path().as_os_str()];
    argv.extend(args.iter().map(OsStr::new));
    let (ok, text) = common::drive(size, &argv, env, play);
    let progress = std::fs::read_to_string(data.path().join("progress.toml")).unwrap_or_default();
    (ok, text, progress)
}

#[test]
fn learner_partitions_and_heals_block_one() {
    let play = r#"
wait-for Course map 10
expect CAP theorem
# Open block 1 from the map.
key 1
wait-for Cluster cap-cp 5
expect n1 side A
# Select node 1 and move it to the next side: B.
key 1
wait-for Selected n1 3
key p
wait-for n1 side B 3
# The rest of the frame may still be on its way: wait, do not expect.
wait-for Moved n1 to side B 3
wait-for ╳ 3
# A write through the minority.
key w
wait-for client: write x=1 via n1 3
# Heal.
key H
wait-for Healed 3
wait-for n1 side A 3
reject n1 side B
# Help lists the keys.
key ?
wait-for Keys: lesson 3
expect heal every partition
key Escape
wait-gone Keys: lesson 3
key q
exits 0
reject Course map
reject Cluster
tty-restored
"#;
    let (ok, out, progress) = drive("140x40", &["learn"], &[], play);
    assert!(ok, "{out}");
    assert!(
        progress.contains("[lessons.cap]") && progress.contains("visited"),
        "the visit is saved in the --data-dir progress file:\n{progress}"
    );
}

#[test]
fn playground_resizes_and_quits_with_ctrl_c_in_monochrome() {
    let play = r#"
wait-for Cluster cap-ap 10
key 2 p w
wait-for client: write x=1 via n2 3
resize 60x15
wait-for at least 80×24 3
resize 100x30
wait-for Cluster cap-ap 3
key C-c
exits 0
tty-restored
"#;
    let (ok, out, _) = drive(
        "120x40",
        &["playground", "--scenario", "cap-ap", "--seed", "3"],
        &["NO_COLOR=1"],
        play,
    );
    assert!(ok, "{out}");
}

#[test]
fn playground_unknown_scenario_lists_the_valid_ones() {
    let out = Command::new(env!("CARGO_BIN_EXE_statedist"))
        .args(["playground", "--scenario", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown scenario 'nope'") && err.contains("cap-cp"),
        "{err}"
    );
    // The scenario can also come first, as in `statedist sim`.
    let out = Command::new(env!("CARGO_BIN_EXE_statedist"))
        .args(["playground", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown scenario 'nope'") && err.contains("failover-naive"),
        "{err}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_statedist"))
        .args(["playground", "--list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("cap-ap"));

    let out = Command::new(env!("CARGO_BIN_EXE_statedist"))
        .args(["playground", "--scenario", "quorum", "--nodes", "4"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 or 5"));
}

#[test]
fn a_gauntlet_is_taken_and_saved() {
    let play = r#"
wait-for Course map 10
# The Gauntlets entry is fourth from the bottom (then Review, Anti-patterns, Takeaways).
key G k k k Enter
wait-for Quizzes 5
key 1
wait-for question 1 of [0-9]+ 5
# q is typed into the answer line, not taken as quit.
type q
wait-for > q 3
key BSpace Escape
wait-for Leave this gauntlet 3
key y
# "recorded as abandoned" already shows in the dialog: wait for the
# result page's own line, or the next key races the save.
wait-for saved to your progress 3
key q
exits 0
tty-restored
"#;
    let (ok, out, progress) = drive("120x36", &["learn"], &[], play);
    assert!(ok, "{out}");
    assert!(
        progress.contains("bank = \"gauntlet1\"") && progress.contains("ending = \"abandoned\""),
        "the attempt is saved:\n{progress}"
    );
}

/// The reproducer from issue 10: a burst of keys, then the window shrinks
/// before the app has handled the Resize event. The draw in between used to
/// lay out from the old size and write outside the buffer (exit 101).
#[test]
fn shrinking_the_window_during_a_burst_of_keys_does_not_panic() {
    let burst = "f".repeat(100);
    let play = format!(
        "wait-for Cluster cap-cp 10\ntype {burst}\nresize 100x30\nwait-for Cluster cap-cp 5\nresize 70x20\nwait-for at least 80×24 5\nresize 120x40\nwait-for Cluster cap-cp 5\nkey q\nexits 0\ntty-restored\n"
    );
    for _ in 0..3 {
        let (ok, out, _) = drive("120x40", &["playground"], &[], &play);
        assert!(ok, "{out}");
    }
}

#[test]
fn a_key_that_means_nothing_says_so_in_the_real_program() {
    let play = r#"
wait-for Cluster quorum 10
key y
wait-for y does nothing in quorum 3
key q
exits 0
"#;
    let (ok, out, _) = drive("80x24", &["playground", "--scenario", "quorum"], &[], play);
    assert!(ok, "{out}");
}

#[test]
fn the_harness_shows_a_synchronized_frame_only_once_it_is_whole() {
    use common::complete_frames;
    let frame = b"a\x1b[?2026hframe\x1b[?2026lb";
    assert_eq!(complete_frames(frame), frame.len());
    // Begun, not ended: only what came before it.
    assert_eq!(complete_frames(b"a\x1b[?2026hfra"), 1);
    // A marker cut by the read is held back until it is whole.
    assert_eq!(complete_frames(b"ab\x1b[?20"), 2);
    assert_eq!(complete_frames(b"ab\x1b[?25h"), 8);
}
