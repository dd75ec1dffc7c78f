//! Shared by the end-to-end tests that drive the real binary in tmux with
//! `../shared/tools/tui-drive` (or the script named by STATEDIST_TUI_DRIVE).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The tui-drive script; a missing one is a failure, not a reason to skip.
pub fn tui_drive() -> PathBuf {
    let script = std::env::var_os("STATEDIST_TUI_DRIVE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/tui-drive")
        });
    assert!(
        script.is_file(),
        "tui-drive not found at {}",
        script.display()
    );
    script
}

/// Whether tmux is here to run the test. Without it a developer's run says
/// why it skipped; under CI (`CI` set) `.ci/run` installs tmux, so a missing
/// one fails rather than letting a green run hide an untested screen.
pub fn tmux_or_skip() -> bool {
    let here = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !here {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is missing under CI: .ci/run should have installed it"
        );
        println!(
            "SKIPPED: tmux is not installed (apt-get install tmux); this end-to-end test needs it"
        );
    }
    here
}

/// Runs tui-drive with `options` (its own flags, then `--` and the command)
/// and feeds it `play`. Returns whether every step held, and what it printed.
pub fn drive(options: &[&std::ffi::OsStr], play: &str) -> (bool, String) {
    let mut child = Command::new("bash")
        .arg(tui_drive())
        .args(options)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tui-drive");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(play.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}
