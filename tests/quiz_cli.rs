//! The line-mode commands, driven through the real binary with piped input
//! and a temporary data directory: gauntlet, review, progress.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use statedist::content::{self, exercises::answer_input};
use statedist::quiz::Run;

fn run(data: &Path, args: &[&str], input: &str, now: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_statedist"));
    cmd.arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("STATEDIST_DATA_DIR")
        .env_remove("STATEDIST_NOW")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(n) = now {
        cmd.env("STATEDIST_NOW", n);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The right answers to attempt `seed` of a bank, one a line.
fn right_answers(bank: &str, seed: u64) -> Vec<String> {
    let b = content::load_banks(None).get(bank).unwrap().clone();
    Run::new(&b, seed)
        .questions()
        .iter()
        .map(answer_input)
        .collect()
}

/// An answer that parses but is wrong, given the right one.
fn wrong_answer(right: &str) -> String {
    if right.len() == 1 && right.chars().all(|c| c.is_ascii_lowercase()) {
        // a single letter: another letter
        if right == "a" { "b" } else { "a" }.to_string()
    } else if right.parse::<f64>().is_ok() {
        "999".to_string()
    } else if right.chars().all(|c| c.is_ascii_lowercase()) {
        // several letters (multiple choice): only the first, partly right
        right[..1].to_string()
    } else {
        "zz".to_string()
    }
}

fn progress_json(data: &Path) -> serde_json::Value {
    let out = run(data, &["progress", "--json"], "", None);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn bank_report<'a>(j: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    j["banks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .unwrap()
}

#[test]
fn gauntlet_2_answered_then_progress_json_shows_the_attempt() {
    let data = tempfile::tempdir().unwrap();
    let mut answers = right_answers("gauntlet2", 1);
    // the first question: an unreadable answer (asked again), then a wrong one
    answers[0] = format!("42\n{}", wrong_answer(&answers[0]));
    let input = answers.join("\n") + "\n";
    let out = run(data.path(), &["gauntlet", "2"], &input, None);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}\n{}", stderr(&out));
    assert!(text.contains("Gauntlet 2 · Application"), "{text}");
    assert!(text.contains("left"), "remaining time is shown: {text}");
    assert!(text.contains("[1/12]"), "{text}");
    assert!(text.contains("is not an option letter"), "{text}");
    assert!(text.contains("Score: "), "{text}");
    assert!(text.contains("Personal best"), "{text}");
    assert!(
        text.contains("why: "),
        "explanations in the summary: {text}"
    );
    assert!(text.contains("11 right"), "{text}");

    let j = progress_json(data.path());
    let g2 = bank_report(&j, "gauntlet2");
    assert_eq!(g2["attempts"], 1);
    let last = &g2["last"];
    assert_eq!(last["ending"], "finished");
    assert_eq!(last["right"], 11);
    assert_eq!(last["items"], 12);
    let score = last["score"].as_u64().unwrap();
    assert!(score >= 92, "11 of 12 right plus a time bonus: {score}");
    assert_eq!(g2["best"].as_u64(), Some(score));
    assert_eq!(j["attempts"].as_array().unwrap().len(), 1);
    // the wrong first answer is scheduled for review soon
    assert_eq!(j["review"]["scheduled"], 12);
}

#[test]
fn quitting_asks_first_and_records_an_abandoned_run() {
    let data = tempfile::tempdir().unwrap();
    let first = right_answers("gauntlet1", 1)[0].clone();
    // answer one, /quit but say no, /skip one, then /quit and confirm
    let input = format!("{first}\n/quit\nn\n/skip\n/quit\ny\n");
    let out = run(data.path(), &["gauntlet", "1"], &input, None);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Quit this run?"), "{text}");
    assert!(text.contains("Carrying on."), "{text}");
    assert!(text.contains("skipped: it comes back"), "{text}");
    assert!(text.contains("abandoned"), "{text}");
    assert!(
        text.contains("do not count toward your personal best"),
        "{text}"
    );
    let j = progress_json(data.path());
    let g1 = bank_report(&j, "gauntlet1");
    assert_eq!(g1["attempts"], 1);
    assert_eq!(g1["last"]["ending"], "abandoned");
    assert!(g1["best"].is_null());
}

#[test]
fn input_ending_mid_run_records_it_as_abandoned() {
    let data = tempfile::tempdir().unwrap();
    let first = right_answers("block3", 1)[0].clone();
    let out = run(
        data.path(),
        &["gauntlet", "--block", "3"],
        &format!("{first}\n"),
        None,
    );
    assert!(out.status.success());
    assert!(stdout(&out).contains("Input ended"), "{}", stdout(&out));
    let j = progress_json(data.path());
    let b3 = bank_report(&j, "block3");
    assert_eq!(b3["last"]["ending"], "abandoned");
    assert_eq!(b3["last"]["right"], 1);
}

#[test]
fn no_input_at_all_records_nothing() {
    let data = tempfile::tempdir().unwrap();
    let out = run(data.path(), &["gauntlet", "1"], "", None);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("nothing was recorded"),
        "{}",
        stdout(&out)
    );
    let j = progress_json(data.path());
    assert_eq!(bank_report(&j, "gauntlet1")["attempts"], 0);
}

#[test]
fn time_up_ends_the_run_while_the_learner_is_thinking() {
    let data = tempfile::tempdir().unwrap();
    let first = right_answers("gauntlet3", 1)[0].clone();
    let mut child = Command::new(env!("CARGO_BIN_EXE_statedist"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["gauntlet", "3"])
        .env("STATEDIST_TIME_LIMIT_SECS", "2")
        .env_remove("STATEDIST_NOW")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // answer one question, then say nothing more (stdin stays open)
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{first}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("0:02 to answer them"), "{text}");
    assert!(text.contains("Time is up!"), "{text}");
    assert!(text.contains("time up after 0:02 of 0:02"), "{text}");
    let j = progress_json(data.path());
    let g3 = bank_report(&j, "gauntlet3");
    assert_eq!(g3["last"]["ending"], "time_up");
    assert_eq!(g3["last"]["right"], 1);
    assert_eq!(g3["last"]["time_used_ms"], 2000);
}

#[test]
fn choosing_a_gauntlet_from_the_menu() {
    let data = tempfile::tempdir().unwrap();
    let answers = right_answers("gauntlet1", 1).join("\n");
    let out = run(
        data.path(),
        &["gauntlet"],
        &format!("9\n1\n{answers}\n"),
        None,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Which quiz?"), "{text}");
    assert!(text.contains("There is no \"9\" here."), "{text}");
    assert!(text.contains("9 right"), "{text}");
}

#[test]
fn review_asks_due_items_and_reschedules_them() {
    let data = tempfile::tempdir().unwrap();
    let t0 = "2030-01-01T10:00:00Z";
    // gauntlet 1 with every answer wrong-ish: type "a" or "zz" or 0
    let answers = right_answers("gauntlet1", 1);
    let wrong: Vec<String> = answers.iter().map(|a| wrong_answer(a)).collect();
    let out = run(
        data.path(),
        &["gauntlet", "1"],
        &(wrong.join("\n") + "\n"),
        Some(t0),
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // right away nothing is due
    let out = run(data.path(), &["review"], "", Some(t0));
    assert!(
        stdout(&out).contains("Nothing is due. Next:"),
        "{}",
        stdout(&out)
    );

    // an hour later all 9 are due; answer two, skip one, quit
    let later = "2030-01-01T11:00:00Z";
    let j = {
        let out = run(data.path(), &["progress", "--json"], "", Some(later));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert_eq!(j["review"]["due"], 9);
    let due: Vec<String> = j["review"]["due_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    // the review seeds questions from the schedule; answer the first two correctly by id
    let banks = content::load_banks(None);
    let (p, _) = statedist::progress::load(data.path()).unwrap();
    let mut input = String::new();
    for id in &due[..2] {
        let seed = p.review[id].question_seed();
        input.push_str(&answer_input(&banks.item(id).unwrap().instantiate(seed)));
        input.push('\n');
    }
    input.push_str("/skip\n/quit\n");
    let out = run(data.path(), &["review"], &input, Some(later));
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("9 items are due for review"), "{text}");
    assert!(text.matches("  right").count() >= 2, "{text}");
    assert!(text.contains("next review in 1 day"), "{text}");
    assert!(text.contains("skipped: still due"), "{text}");
    assert!(text.contains("Reviewed 2 of 9"), "{text}");

    let out = run(data.path(), &["progress", "--json"], "", Some(later));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["review"]["due"], 7, "two answered items moved out");
}

#[test]
fn review_with_no_history_says_what_to_do() {
    let data = tempfile::tempdir().unwrap();
    let out = run(data.path(), &["review"], "", None);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("Take a gauntlet first"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_newer_progress_file_stops_the_gauntlet_before_it_starts() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("progress.toml");
    std::fs::write(&file, "schema = 7\n").unwrap();
    let out = run(data.path(), &["gauntlet", "1"], "a\n", None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("newer statedist"), "{}", stderr(&out));
    assert!(!stdout(&out).contains("[1/"), "no question was asked");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "schema = 7\n");
    // the report still works, with a note
    let out = run(data.path(), &["progress"], "", None);
    assert!(out.status.success());
    assert!(stdout(&out).contains("note: "), "{}", stdout(&out));
}

#[test]
fn an_unwritable_data_dir_stops_before_the_first_question() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let out = run(&not_a_dir, &["gauntlet", "1"], "a\n", None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("nothing was started"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains("[1/"), "{}", stdout(&out));
    let out = run(&not_a_dir, &["review"], "", None);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_corrupt_progress_file_is_kept_and_the_learner_told_where() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("progress.toml"), "schema = 1\nbest = [\n").unwrap();
    let answers = right_answers("gauntlet1", 1).join("\n");
    let out = run(data.path(), &["gauntlet", "1"], &(answers + "\n"), None);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("progress.toml.broken-"), "{err}");
    let kept: Vec<_> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("broken"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        std::fs::read_to_string(data.path().join(&kept[0])).unwrap(),
        "schema = 1\nbest = [\n"
    );
    let j = progress_json(data.path());
    assert_eq!(bank_report(&j, "gauntlet1")["attempts"], 1);
}

#[test]
fn progress_text_report() {
    let data = tempfile::tempdir().unwrap();
    let out = run(data.path(), &["progress"], "", None);
    let text = stdout(&out);
    assert!(out.status.success());
    assert!(text.contains("Gauntlets:"), "{text}");
    assert!(text.contains("not tried yet"), "{text}");
    assert!(text.contains("Focus blocks:"), "{text}");
    // "Done" would claim more than the program knows: a lesson is opened,
    // then read to the end; a block's quiz is tried or not.
    assert!(
        text.contains("Lessons: 0 opened, 0 read to the end"),
        "{text}"
    );
    let block1 = text.lines().find(|l| l.contains("block1")).unwrap();
    assert!(block1.ends_with("block quiz not tried yet"), "{text}");
    let answers = right_answers("gauntlet1", 1).join("\n");
    run(data.path(), &["gauntlet", "1"], &(answers + "\n"), None);
    let text = stdout(&run(data.path(), &["progress"], "", None));
    assert!(text.contains("best "), "{text}");
    assert!(text.contains("9 right of 9"), "{text}");
    assert!(text.contains("[1 attempt]"), "{text}");
}

#[test]
fn a_broken_bank_in_a_content_dir_is_reported_when_asked_for() {
    let data = tempfile::tempdir().unwrap();
    let content_dir = tempfile::tempdir().unwrap();
    let ex = content_dir.path().join("exercises");
    std::fs::create_dir(&ex).unwrap();
    std::fs::write(ex.join("gauntlet1.toml"), "[bank]\ntitle = \"x\"\n").unwrap();
    let out = run(
        data.path(),
        &[
            "--content-dir",
            content_dir.path().to_str().unwrap(),
            "gauntlet",
            "1",
        ],
        "",
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("gauntlet1.toml:1: [bank] needs minutes"),
        "{}",
        stderr(&out)
    );
    let out = run(
        data.path(),
        &[
            "--content-dir",
            content_dir.path().to_str().unwrap(),
            "gauntlet",
            "2",
        ],
        "",
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no question bank \"gauntlet2\""),
        "{}",
        stderr(&out)
    );
}
