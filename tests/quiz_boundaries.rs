//! The engine layers stay free of terminal and async code: `quiz`,
//! `progress`, `content` and the line-mode commands never import ratatui,
//! crossterm or tokio.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn quiz_progress_and_content_do_not_touch_the_terminal() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for m in ["quiz", "progress", "content"] {
        rust_files(&src.join(m), &mut files);
    }
    files.push(src.join("quiz_cmd.rs"));
    assert!(files.len() >= 10);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for banned in ["ratatui", "crossterm", "tokio"] {
            assert!(!text.contains(banned), "{} mentions {banned}", f.display());
        }
    }
}
