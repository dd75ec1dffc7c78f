//! The architecture's one rule that code review alone cannot keep: the
//! simulator, protocols, checkers, content, quiz, progress and UI-free app
//! state layers never touch the terminal or the async runtime.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn core_layers_do_not_import_terminal_or_async_crates() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for layer in [
        "app",
        "sim",
        "model",
        "protocols",
        "check",
        "content",
        "quiz",
        "progress",
        "scenario",
        "scenario.rs",
        "lessons",
    ] {
        let p = src.join(layer);
        if p.is_file() {
            files.push(p);
        } else {
            rust_files(&p, &mut files);
        }
    }
    assert!(
        files.len() >= 10,
        "expected the core layers' sources, found {files:?}"
    );
    let mut bad = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for krate in ["ratatui", "crossterm", "tokio"] {
                if code.contains(&format!("{krate}::")) || code.contains(&format!("use {krate}")) {
                    bad.push(format!("{}:{}: uses {krate}", f.display(), i + 1));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "core layers must stay terminal- and async-free:\n{}",
        bad.join("\n")
    );
}
