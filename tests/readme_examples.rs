//! Every `statedist sim` example in the README runs as printed: a learner
//! who copies one gets a trace, not "cannot read script".

use std::process::Command;

/// Splits a shell line on spaces, keeping "double-quoted" words whole.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[test]
fn every_readme_sim_example_runs() {
    let readme = include_str!("../README.md");
    let examples: Vec<&str> = readme
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix("cargo run --release -- ")
                .or_else(|| l.strip_prefix("statedist "))
        })
        .filter(|l| l.starts_with("sim "))
        .collect();
    assert!(examples.len() >= 5, "found only {examples:?}");
    for example in examples {
        let out = Command::new(env!("CARGO_BIN_EXE_statedist"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(words(example))
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "README example `statedist {example}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !out.stdout.is_empty(),
            "`statedist {example}` printed nothing"
        );
    }
}
