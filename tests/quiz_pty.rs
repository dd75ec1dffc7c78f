//! End to end in a pseudo-terminal (tests/common): run
//! `statedist gauntlet 2 --plain`, answer the questions as a person would,
//! finish, then check `statedist progress --json` shows the attempt.

use std::ffi::OsStr;
use std::process::Command;

mod common;

use statedist::content::{self, exercises::answer_input};
use statedist::quiz::Run;

#[test]
fn gauntlet_2_in_a_terminal_then_progress_json() {
    let data = tempfile::tempdir().unwrap();
    let bank = content::load_banks(None).get("gauntlet2").unwrap().clone();
    let run = Run::new(&bank, 1);
    let answers: Vec<String> = run.questions().iter().map(answer_input).collect();
    let total = answers.len();

    let mut play = String::new();
    play.push_str("wait-for Gauntlet 2 10\n");
    for (i, a) in answers.iter().enumerate() {
        play.push_str(&format!("wait-for \\[{}/{total}\\] 10\n", i + 1));
        play.push_str("expect [0-9]:[0-5][0-9] left\n");
        if i == 1 {
            // skip the second question once; it comes back at the end
            play.push_str("type /skip\nkey Enter\nwait-for skipped: it comes back 5\n");
            continue;
        }
        play.push_str(&format!("type {a}\nkey Enter\n"));
    }
    play.push_str(&format!(
        "wait-for skipped earlier 10\ntype {}\nkey Enter\n",
        answers[1]
    ));
    play.push_str("wait-for Score: 10\n");
    play.push_str("exits 0 10\n");
    play.push_str("expect 12 right of 12\n");

    let args: Vec<&OsStr> = vec![
        OsStr::new("--data-dir"),
        data.path().as_os_str(),
        // In a terminal `gauntlet` opens the app; --plain keeps the line
        // mode this test is about (tests/quiz_app_pty.rs drives the app).
        OsStr::new("gauntlet"),
        OsStr::new("2"),
        OsStr::new("--plain"),
    ];
    let (ok, out) = common::drive("100x50", &args, &[], &play);
    assert!(ok, "the play failed:\n{out}");

    let out = Command::new(env!("CARGO_BIN_EXE_statedist"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["progress", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let g2 = j["banks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "gauntlet2")
        .unwrap();
    assert_eq!(g2["attempts"], 1);
    assert_eq!(g2["last"]["right"], 12);
    assert_eq!(g2["last"]["ending"], "finished");
    let score = g2["last"]["score"].as_u64().unwrap();
    assert!(score > 100, "all right, with a time bonus: {score}");
    assert_eq!(g2["best"].as_u64(), Some(score));
}
