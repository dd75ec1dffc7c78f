//! End to end in a pseudo-terminal (tests/common), as a learner: `statedist gauntlet 1` opens
//! the app's gauntlet screen; answer one question right and one wrong, leave
//! (recorded as abandoned), Esc on the result page leaves the program; then
//! `statedist progress --json` shows the attempt, and two hours later
//! `statedist review` asks the missed question, saves the answer, and Esc
//! leaves from its summary.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

mod common;

use statedist::content::{self, exercises::answer_input};
use statedist::progress::{self, Timestamp};
use statedist::quiz::{Question, Run, Verdict};

/// Runs `play` against `statedist --data-dir DATA ARGS` in a 100×32 terminal.
fn drive(data: &Path, args: &[&str], env: &[String], play: &str) -> (bool, String) {
    let mut argv: Vec<&OsStr> = vec![OsStr::new("--data-dir"), data.as_os_str()];
    argv.extend(args.iter().map(OsStr::new));
    let env: Vec<&str> = env.iter().map(String::as_str).collect();
    common::drive("100x32", &argv, &env, play)
}

/// Something a learner might type that reads as an answer but is wrong.
fn wrong_input(q: &Question) -> String {
    [
        "a",
        "b",
        "c",
        "d",
        "0",
        "1",
        "999",
        "[9, 9, 9]",
        "no idea",
        "dcba",
    ]
    .iter()
    .find(|c| q.grade_input(c).is_ok_and(|g| g.verdict == Verdict::Wrong))
    .map(|c| c.to_string())
    .expect("some wrong answer")
}

#[test]
fn gauntlet_in_the_app_then_progress_then_review() {
    let data = tempfile::tempdir().unwrap();
    let banks = content::load_banks(None);
    let bank = banks.get("gauntlet1").unwrap();
    // A fresh progress file: the first attempt's seed is 1.
    let run = Run::new(bank, 1);
    let q = run.questions();
    let (right, wrong) = (answer_input(&q[0]), wrong_input(&q[1]));

    // 1. The gauntlet screen, started for one gauntlet.
    let play = format!(
        "\
wait-for Gauntlet 1 · Quick recall 10
expect question 1 of 9
expect [0-9]:[0-5][0-9] left
type {right}
key Enter
wait-for previous answer: right 5
type {wrong}
key Enter
wait-for previous answer: wrong 5
# Leaving asks first, then shows the result page.
key Escape
wait-for Leave this gauntlet\\? 5
type y
# The dialog says recorded as abandoned too: wait for the result page's
# own words, or the next step races the dialog.
wait-for You left early: recorded as abandoned 5
expect right 1 · partly 0 · wrong 1
expect Enter or Esc leaves statedist
key ?
wait-for Keys: gauntlet 5
expect leave statedist \\(it was started for this gauntlet\\)
key Escape
wait-gone Keys: gauntlet 5
key Escape
exits 0
"
    );
    let (ok, out) = drive(data.path(), &["gauntlet", "1"], &[], &play);
    assert!(ok, "gauntlet in the app:\n{out}");

    // 2. The attempt is in the progress report.
    let out = Command::new(env!("CARGO_BIN_EXE_statedist"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["progress", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let g1 = j["banks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "gauntlet1")
        .unwrap();
    assert_eq!(g1["attempts"], 1, "{g1}");
    assert_eq!(g1["last"]["ending"], "abandoned", "{g1}");
    assert_eq!(g1["last"]["right"], 1, "{g1}");
    assert_eq!(
        g1["scheduled"], 2,
        "both answers have a review schedule: {g1}"
    );

    // 3. Two hours later the missed question is due; the right one is not.
    let (p, _) = progress::load(data.path()).unwrap();
    let missed = &q[1].item_id;
    let state = p.review[missed.as_str()].clone();
    let again = banks
        .item(missed)
        .unwrap()
        .instantiate(state.question_seed());
    let later = Timestamp::now().plus_secs(2 * 3600);
    let play = format!(
        "\
wait-for Review · question 1 of 1 10
expect Last answered 2 h ago: wrong
type {}
key Enter
wait-for ✓ right 5
expect Saved. It comes back in 1 day
key Enter
wait-for 1 reviewed, 1 right 5
expect Enter or Esc leaves statedist
key Escape
exits 0
",
        answer_input(&again)
    );
    let env = [format!("STATEDIST_NOW={later}")];
    let (ok, out) = drive(data.path(), &["review"], &env, &play);
    assert!(ok, "review in the app:\n{out}");
    let (p, _) = progress::load(data.path()).unwrap();
    let s = &p.review[missed.as_str()];
    assert_eq!(s.last, later);
    assert_eq!(s.last_result, Verdict::Right);
    assert_eq!(s.due, later.plus_secs(86_400));

    // 4. Nothing is due now: the app says when the next one is.
    let play = "\
wait-for Nothing is due for review 10
expect The next question comes back in 2[12] h
key Escape
exits 0
";
    let (ok, out) = drive(data.path(), &["review"], &env, play);
    assert!(ok, "nothing due:\n{out}");
}

#[test]
fn closing_the_terminal_mid_gauntlet_keeps_the_answers() {
    let data = tempfile::tempdir().unwrap();
    let bank = content::load_banks(None).get("gauntlet1").unwrap().clone();
    let run = Run::new(&bank, 1);
    let right = answer_input(&run.questions()[0]);
    // The play ends with the gauntlet running: the terminal is closed and
    // the program gets SIGHUP.
    let play = format!(
        "\
wait-for question 1 of 9 10
type {right}
key Enter
wait-for previous answer: right 5
"
    );
    let (ok, out) = drive(data.path(), &["gauntlet", "1"], &[], &play);
    assert!(ok, "{out}");
    // The program saves as it exits; give it a moment.
    let mut attempts = Vec::new();
    for _ in 0..50 {
        if let Ok((p, _)) = progress::load(data.path()) {
            attempts = p.attempts;
            if !attempts.is_empty() {
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(attempts.len(), 1, "the attempt was kept");
    assert!(attempts[0].abandoned);
    assert_eq!(attempts[0].items[0].result, "right");
}
