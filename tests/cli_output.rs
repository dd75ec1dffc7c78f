//! Line-mode commands on a closed or full standard output: a closed pipe
//! (`| head -1`) ends the command quietly with its usual exit code, a full
//! disk gets a one-line error and exit 1; neither panics (exit 101).

use std::process::{Command, Stdio};

/// Every line-mode command that prints to standard output.
const COMMANDS: &[&[&str]] = &[
    &["progress"],
    &["progress", "--json"],
    &["sim", "--list"],
    &["sim", "cap-ap", "--for", "3s"],
    &["sim", "cap-ap", "--for", "3s", "--format", "jsonl"],
    &["playground", "--list"],
    &["check-content"],
    &["gauntlet", "1", "--plain"],
    &["review", "--plain"],
    &["--help"],
    &["sim", "--help"],
    &["--version"],
    &["completions", "bash"],
    &["completions", "zsh"],
];

fn command(data: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_statedist"));
    c.arg("--data-dir").arg(data).args(args);
    c.stdin(Stdio::piped()).stderr(Stdio::piped());
    c
}

fn finish(mut child: std::process::Child) -> (Option<i32>, String) {
    // One answer for the quizzes; the others ignore it.
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(b"a\n");
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    for args in COMMANDS {
        let data = tempfile::tempdir().unwrap();
        let (reader, writer) = std::io::pipe().unwrap();
        // Nobody will read: every write gets EPIPE.
        drop(reader);
        let child = command(data.path(), args).stdout(writer).spawn().unwrap();
        let (code, err) = finish(child);
        assert_eq!(code, Some(0), "{args:?} on a closed pipe: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("cannot write"),
            "{args:?} says nothing about a closed pipe: {err}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_one_line_and_exit_1() {
    for args in COMMANDS {
        let data = tempfile::tempdir().unwrap();
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let child = command(data.path(), args).stdout(full).spawn().unwrap();
        let (code, err) = finish(child);
        assert_eq!(code, Some(1), "{args:?} on a full disk: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        let said: Vec<&str> = err.lines().filter(|l| l.contains("cannot write")).collect();
        assert_eq!(
            said.len(),
            1,
            "{args:?} says once that it cannot write: {err}"
        );
        assert!(
            said[0].contains("No space left on device"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn completions_name_every_command_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _statedist"),
        ("zsh", "#compdef statedist"),
        ("fish", "complete -c statedist"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_statedist"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for sub in [
            "learn",
            "playground",
            "gauntlet",
            "review",
            "progress",
            "sim",
        ] {
            assert!(script.contains(sub), "{shell} does not complete `{sub}`");
        }
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_statedist"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("possible values"));
}
