//! The shipped exercise content, and `statedist check-content` on good and
//! broken copies of it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use statedist::content::{self, exercises};
use statedist::quiz::{BankKind, ItemSpec};

fn exercises_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises")
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_statedist"))
}

/// A temporary content directory holding a copy of exercises/ and lessons/.
fn copy_content() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["exercises", "lessons"] {
        let to = dir.path().join(sub);
        std::fs::create_dir(&to).unwrap();
        for e in std::fs::read_dir(root.join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
    dir
}

#[test]
fn shipped_content_passes_the_check() {
    let report = content::check(None);
    assert!(report.is_ok(), "{:#?}", report.diagnostics);
    assert!(
        report.summary[0].starts_with("11 banks, "),
        "{:?}",
        report.summary
    );
}

#[test]
fn every_file_in_exercises_is_embedded() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(exercises_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    let embedded: BTreeSet<String> = exercises::EMBEDDED
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    assert_eq!(
        on_disk, embedded,
        "add new banks to content::exercises::EMBEDDED"
    );
    for (name, text) in exercises::EMBEDDED {
        let disk = std::fs::read_to_string(exercises_dir().join(name)).unwrap();
        assert_eq!(&disk, text, "{name} is embedded from exercises/");
    }
}

#[test]
fn focus_blocks_have_at_least_15_mixed_items_including_generated() {
    let banks = content::load_banks(None);
    for n in 1..=7 {
        let b = banks.get(&format!("block{n}")).unwrap();
        assert_eq!(b.kind, BankKind::Block(n));
        assert!(b.items.len() >= 15, "block{n}: {} items", b.items.len());
        let kinds: BTreeSet<&str> = b
            .items
            .iter()
            .map(|i| match &i.spec {
                ItemSpec::Single { .. } => "single",
                ItemSpec::Multiple { .. } => "multiple",
                ItemSpec::Numeric { .. } => "numeric",
                ItemSpec::Short { .. } => "short",
                ItemSpec::Set { .. } => "set",
                ItemSpec::Order { .. } => "order",
                ItemSpec::Design { .. } => "design",
                ItemSpec::Generated { .. } => "generated",
            })
            .collect();
        assert!(kinds.len() >= 3, "block{n} mixes kinds: {kinds:?}");
        assert!(kinds.contains("generated"), "block{n} has generated items");
    }
}

#[test]
fn gauntlets_have_the_course_time_limits() {
    let banks = content::load_banks(None);
    for (n, minutes) in [(1, 3), (2, 7), (3, 10), (4, 15)] {
        let b = banks.get(&format!("gauntlet{n}")).unwrap();
        assert_eq!(b.minutes, minutes, "gauntlet{n}");
        assert!(
            !b.shuffle && b.pick.is_none(),
            "gauntlets ask every item, in order"
        );
    }
    let g4 = banks.get("gauntlet4").unwrap();
    assert!(
        g4.items
            .iter()
            .all(|i| matches!(i.spec, ItemSpec::Design { .. })),
        "the design challenge is answered as structured choices with reasons"
    );
}

#[test]
fn gauntlet2_says_w3_r2_of_5_does_not_overlap() {
    let banks = content::load_banks(None);
    let item = banks.item("gauntlet2.strong").unwrap();
    let ItemSpec::Single {
        choices, answer, ..
    } = &item.spec
    else {
        panic!()
    };
    assert!(choices[*answer].starts_with("No"), "{}", choices[*answer]);
    let q = item.instantiate(1);
    let statedist::quiz::Form::Choice { options } = &q.form else {
        panic!()
    };
    let at = options.iter().position(|o| o.starts_with("No")).unwrap();
    let letter = char::from(b'a' + at as u8).to_string();
    assert_eq!(
        q.grade_input(&letter).unwrap().verdict,
        statedist::quiz::Verdict::Right
    );
}

#[test]
fn item_ids_are_stable_and_unique_across_banks() {
    let banks = content::load_banks(None);
    let mut all = BTreeSet::new();
    for b in &banks.banks {
        for i in &b.items {
            assert!(i.id.starts_with(&format!("{}.", b.id)));
            assert!(all.insert(i.id.clone()), "duplicate {}", i.id);
            assert!(i.line > 0);
        }
    }
}

#[test]
fn check_content_passes_on_the_shipped_content_via_the_binary() {
    let out = bin().arg("check-content").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("ok: 11 banks, "), "{stdout}");
    assert!(stdout.trim_end().ends_with(", 10 lessons"), "{stdout}");

    let copy = copy_content();
    let out = bin()
        .arg("--content-dir")
        .arg(copy.path())
        .arg("check-content")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("ok: 11 banks, "), "{stdout}");
    assert!(stdout.trim_end().ends_with(", 10 lessons"), "{stdout}");
}

fn line_of(text: &str, needle: &str) -> usize {
    nth_line_of(text, needle, 0)
}

/// 1-based line of the n-th (0-based) line containing `needle`.
fn nth_line_of(text: &str, needle: &str, n: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(n)
        .unwrap()
        .0
        + 1
}

#[test]
fn check_content_fails_with_file_and_line_on_a_broken_copy() {
    let copy = copy_content();
    let ex = copy.path().join("exercises");

    // block2: an answer out of range
    let p = ex.join("block2.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let broken = text.replacen("answer = \"b\"", "answer = \"h\"", 1);
    let answer_line = line_of(&broken, "answer = \"h\"");
    std::fs::write(&p, broken).unwrap();

    // block3: a duplicate id and a missing explanation
    let p = ex.join("block3.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let broken = text
        .replacen("id = \"monotonic-violation\"", "id = \"ryw-violation\"", 1)
        .replacen(
            "explanation = \"Read-your-writes (also",
            "# explanation = \"",
            1,
        );
    let dup_line = nth_line_of(&broken, "id = \"ryw-violation\"", 1);
    std::fs::write(&p, broken).unwrap();

    // gauntlet1: a TOML syntax error
    let p = ex.join("gauntlet1.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let broken = text.replacen("kind = \"single\"", "kind = \"single", 1);
    let syntax_line = line_of(&broken, "kind = \"single");
    std::fs::write(&p, broken).unwrap();

    // block6: an unknown generator
    let p = ex.join("block6.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replacen("gcounter-value", "gcounter-valu", 1)).unwrap();

    // gauntlet3 is missing altogether
    std::fs::remove_file(ex.join("gauntlet3.toml")).unwrap();

    let out = bin()
        .arg("--content-dir")
        .arg(copy.path())
        .arg("check-content")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let has = |file: &str, line: usize, words: &str| {
        stderr
            .lines()
            .any(|l| l.contains(&format!("exercises/{file}:{line}: ")) && l.contains(words))
    };
    assert!(has("block2.toml", answer_line, "out of range"), "{stderr}");
    assert!(
        has("block3.toml", dup_line, "duplicate item id"),
        "{stderr}"
    );
    assert!(
        stderr.contains("block3.toml:") && stderr.contains("missing explanation"),
        "{stderr}"
    );
    assert!(has("gauntlet1.toml", syntax_line, ""), "{stderr}");
    assert!(
        stderr.contains("unknown generator \"gcounter-valu\""),
        "{stderr}"
    );
    assert!(stderr.contains("gauntlet3.toml: missing bank"), "{stderr}");
    assert!(stderr.contains("problems found"), "{stderr}");
    assert!(out.stdout.is_empty(), "no ok line on failure");
}

#[test]
fn check_content_fails_with_file_and_line_on_a_broken_lesson() {
    let copy = copy_content();
    let lessons = copy.path().join("lessons");

    // 02: front-matter that is not TOML (an unquoted title)
    let p = lessons.join("02-replication.md");
    let text = std::fs::read_to_string(&p).unwrap();
    let broken = text.replacen(
        "title = \"Replication strategies\"",
        "title = Replication strategies",
        1,
    );
    let title_line = line_of(&broken, "title = Replication");
    std::fs::write(&p, broken).unwrap();

    // 03: a "Try it" naming a scenario that does not exist, and a question
    // bank that does not exist
    let p = lessons.join("03-consistency.md");
    let text = std::fs::read_to_string(&p).unwrap();
    let broken = text
        .replacen("### Try it: causal", "### Try it: nope", 1)
        .replacen("questions = [\"block3\"]", "questions = [\"block33\"]", 1);
    let try_line = line_of(&broken, "### Try it: nope");
    let questions_line = line_of(&broken, "questions = ");
    std::fs::write(&p, broken).unwrap();

    let out = bin()
        .arg("--content-dir")
        .arg(copy.path())
        .arg("check-content")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let has = |file: &str, line: usize, words: &str| {
        stderr
            .lines()
            .any(|l| l.contains(&format!("lessons/{file}:{line}: ")) && l.contains(words))
    };
    assert!(
        has("02-replication.md", title_line, "front-matter"),
        "{stderr}"
    );
    assert!(
        has("03-consistency.md", try_line, "Try it: nope"),
        "{stderr}"
    );
    assert!(
        has("03-consistency.md", questions_line, "'block33'"),
        "{stderr}"
    );
    assert!(stderr.contains("3 problems found"), "{stderr}");
    assert!(out.stdout.is_empty(), "no ok line on failure");
}

#[test]
fn check_content_reports_a_missing_exercises_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .arg("--content-dir")
        .arg(dir.path())
        .arg("check-content")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the exercises directory"));
}
