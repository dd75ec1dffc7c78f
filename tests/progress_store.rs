//! The progress file: round trips, interrupted saves, corrupt and newer
//! files, and concurrent writers in several processes and threads.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use statedist::progress::store::{SaveStep, save_interrupted};
use statedist::progress::{
    self, FILE_NAME, Notice, Progress, ProgressError, RELEARN_SECS, Timestamp,
};
use statedist::quiz::{Run, Summary};

fn summary(bank: &str, seed: u64) -> Summary {
    Run::from_questions(bank, "T", Duration::from_secs(180), seed, vec![]).summary(Duration::ZERO)
}

fn record(dir: &Path, bank: &str, seed: u64) {
    progress::update(dir, |p| {
        p.record_attempt(&summary(bank, seed), Timestamp(1_700_000_000))
    })
    .unwrap();
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn missing_file_is_empty_progress_and_nothing_is_created_by_loading() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("not-yet");
    let (p, notice) = progress::load(&sub).unwrap();
    assert_eq!(p, Progress::new());
    assert!(notice.is_none());
    assert!(!sub.exists());
}

#[test]
fn round_trip_of_attempts_lessons_and_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let now = Timestamp::parse("2025-01-02T03:04:05Z").unwrap();
    progress::update(dir.path(), |p| {
        p.visit_lesson("cap", now);
        p.complete_lesson("quorums", now);
        p.record_attempt(&summary("gauntlet2", 1), now);
        p.record_review("block2.overlap", statedist::quiz::Verdict::Wrong, now);
    })
    .unwrap();
    let (p, notice) = progress::load(dir.path()).unwrap();
    assert!(notice.is_none());
    assert_eq!(p.schema, 1);
    assert_eq!(p.lessons["cap"].visited, Some(now));
    assert!(p.lessons["cap"].completed.is_none());
    assert_eq!(p.lessons["quorums"].completed, Some(now));
    assert_eq!(p.attempts.len(), 1);
    assert_eq!(p.attempts[0].bank, "gauntlet2");
    assert_eq!(p.best["gauntlet2"].score, p.attempts[0].score);
    assert_eq!(p.review["block2.overlap"].due, now.plus_secs(RELEARN_SECS));
    assert_eq!(p.next_seed("gauntlet2"), 2);
    let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
    assert!(text.starts_with("schema = 1\n"), "{text}");
    assert!(text.contains("when = \"2025-01-02T03:04:05Z\""), "{text}");
}

#[test]
fn a_save_interrupted_at_every_step_leaves_the_previous_progress_intact() {
    for step in [
        SaveStep::Created,
        SaveStep::HalfWritten,
        SaveStep::Written,
        SaveStep::Synced,
    ] {
        let dir = tempfile::tempdir().unwrap();
        record(dir.path(), "gauntlet1", 1);
        let before = std::fs::read(dir.path().join(FILE_NAME)).unwrap();
        let (previous, _) = progress::load(dir.path()).unwrap();

        let mut next = previous.clone();
        next.record_attempt(&summary("gauntlet1", 2), Timestamp(1_800_000_000));
        let tmp = save_interrupted(dir.path(), &next, step).unwrap();
        assert!(tmp.exists(), "{step:?} leaves its temporary file behind");

        // the crash left the real file untouched, and loading ignores the debris
        assert_eq!(
            std::fs::read(dir.path().join(FILE_NAME)).unwrap(),
            before,
            "{step:?}"
        );
        let (p, notice) = progress::load(dir.path()).unwrap();
        assert_eq!(p, previous, "{step:?}");
        assert!(notice.is_none());

        // more debris from other crashed processes
        std::fs::write(
            dir.path().join("progress.toml.tmp-99999-7"),
            "schema = 1\n[[attem",
        )
        .unwrap();

        // the next save works and clears the debris
        record(dir.path(), "gauntlet1", 3);
        let (p, _) = progress::load(dir.path()).unwrap();
        assert_eq!(p.attempts.len(), 2, "{step:?}");
        assert_eq!(
            files(dir.path()),
            vec!["progress.lock", "progress.toml"],
            "{step:?}"
        );
    }
}

#[test]
fn a_corrupt_file_is_moved_aside_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = "schema = 1\n[[attempts]]\nid = \"x\"\nscore = \"lots\"\n";
    std::fs::write(dir.path().join(FILE_NAME), garbage).unwrap();

    let (p, notice) = progress::load(dir.path()).unwrap();
    assert_eq!(p, Progress::new());
    let Some(Notice::MovedAside { broken, reason }) = notice else {
        panic!("expected a moved-aside notice, got {notice:?}")
    };
    let name = broken.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("progress.toml.broken-"), "{name}");
    // progress.toml.broken-YYYYMMDD-HHMMSS
    let stamp = name.trim_start_matches("progress.toml.broken-");
    assert_eq!(stamp.len(), 15, "{name}");
    assert_eq!(&stamp[8..9], "-");
    assert!(
        stamp
            .chars()
            .filter(|c| *c != '-')
            .all(|c| c.is_ascii_digit())
    );
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        garbage,
        "kept byte for byte"
    );
    assert!(!reason.is_empty());
    assert!(!dir.path().join(FILE_NAME).exists());
    let shown = Notice::MovedAside {
        broken: broken.clone(),
        reason,
    }
    .to_string();
    assert!(
        shown.contains(&broken.display().to_string()),
        "the learner is told where: {shown}"
    );

    // a second broken file in the same second gets its own name
    std::fs::write(dir.path().join(FILE_NAME), "not toml at all [").unwrap();
    let (_, notice) =
        progress::update(dir.path(), |p| p.visit_lesson("cap", Timestamp(0))).unwrap();
    let Some(Notice::MovedAside { broken: second, .. }) = notice else {
        panic!("{notice:?}")
    };
    assert_ne!(second, broken);
    assert_eq!(
        std::fs::read_to_string(&second).unwrap(),
        "not toml at all ["
    );
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), garbage);
    // and the change was saved in a fresh file
    let (p, notice) = progress::load(dir.path()).unwrap();
    assert!(notice.is_none());
    assert!(p.lessons.contains_key("cap"));
}

#[test]
fn empty_or_schemaless_files_count_as_broken() {
    for text in [
        "",
        "[lessons]\n",
        "schema = \"one\"\n",
        "schema = 0\n",
        "\u{0}\u{1}binary",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), text).unwrap();
        let (_, notice) = progress::load(dir.path()).unwrap();
        assert!(
            matches!(notice, Some(Notice::MovedAside { .. })),
            "{text:?}: {notice:?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(FILE_NAME), [0xff, 0xfe, 0x00]).unwrap();
    let (_, notice) = progress::load(dir.path()).unwrap();
    assert!(
        matches!(notice, Some(Notice::MovedAside { ref reason, .. }) if reason.contains("UTF-8"))
    );
}

#[test]
fn a_newer_schema_is_read_but_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "schema = 2\nshiny_new_field = true\n\n[lessons.cap]\nvisited = \"2030-01-01T00:00:00Z\"\n";
    std::fs::write(dir.path().join(FILE_NAME), text).unwrap();

    let (p, notice) = progress::load(dir.path()).unwrap();
    assert!(
        matches!(notice, Some(Notice::NewerSchema { found: 2, .. })),
        "{notice:?}"
    );
    assert!(p.lessons.contains_key("cap"), "shown as well as possible");

    let err = progress::update(dir.path(), |p| p.visit_lesson("x", Timestamp(0))).unwrap_err();
    assert!(matches!(err, ProgressError::NewerSchema { found: 2, .. }));
    assert!(err.to_string().contains("newer statedist"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap(),
        text
    );
    assert!(files(dir.path()).iter().all(|f| !f.contains("broken")));
}

#[test]
fn unknown_fields_of_our_own_schema_are_tolerated() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(FILE_NAME), "schema = 1\nfuture = 3\n").unwrap();
    let (p, notice) = progress::load(dir.path()).unwrap();
    assert!(notice.is_none());
    assert_eq!(p, Progress::new());
}

#[test]
fn best_scores_ignore_abandoned_runs_and_keep_the_maximum() {
    let mut p = Progress::new();
    let t = Timestamp(0);
    let mut s = summary("gauntlet1", 1);
    s.score = 50;
    assert!(p.record_attempt(&s, t).new_best);
    s.score = 40;
    let r = p.record_attempt(&s, t);
    assert!(!r.new_best);
    assert_eq!(r.previous_best, Some(50));
    s.score = 90;
    s.state = statedist::quiz::RunState::Abandoned;
    assert!(!p.record_attempt(&s, t).new_best);
    assert_eq!(p.best["gauntlet1"].score, 50);
    s.state = statedist::quiz::RunState::TimeUp;
    assert!(p.record_attempt(&s, t).new_best);
    assert_eq!(p.best["gauntlet1"].score, 90);
    assert_eq!(p.attempts.len(), 4);
    assert!(p.attempts[2].abandoned);
}

#[test]
fn missed_items_come_back_soon_and_right_ones_later() {
    use statedist::content::{self, exercises::answer_input};
    let bank = content::load_banks(None).get("gauntlet1").unwrap().clone();
    let mut run = Run::new(&bank, 1);
    let first = run.current().unwrap().item_id.clone();
    let input = answer_input(run.current().unwrap());
    run.answer(&input, Duration::from_secs(1)).unwrap();
    let second = run.current().unwrap().item_id.clone();
    run.skip(Duration::from_secs(2)).unwrap(); // comes back later
    let third = run.current().unwrap().item_id.clone();
    run.answer("zzz-wrong-answer", Duration::from_secs(3)).ok();
    run.abandon(Duration::from_secs(4));
    let s = run.summary(Duration::from_secs(4));

    let now = Timestamp(1_000_000);
    let mut p = Progress::new();
    p.record_attempt(&s, now);
    assert_eq!(p.review[&first].due, now.plus_secs(86_400));
    assert!(
        !p.review.contains_key(&second),
        "skipped once, never answered"
    );
    assert!(p.review[&third].due <= now.plus_secs(RELEARN_SECS));
    assert_eq!(p.review.len(), 2, "unanswered items are not scheduled");
    assert!(p.due(now).is_empty());
    let due: Vec<&str> = p
        .due(now.plus_secs(RELEARN_SECS))
        .iter()
        .map(|d| d.0)
        .collect();
    assert_eq!(due, vec![third.as_str()]);
    assert_eq!(p.next_due(now).unwrap().0, third);
}

const CHILD_ENV: &str = "STATEDIST_TEST_PROGRESS_CHILD";

/// Run in a child process by `two_processes_recording_200_attempts_each_lose_nothing`
/// (does nothing when run normally): records 200 attempts from two threads.
#[test]
fn child_worker() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                for i in 0..100 {
                    record(&dir, "gauntlet1", (t * 1000 + i) as u64);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn two_processes_recording_200_attempts_each_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..2)
        .map(|_| {
            Command::new(&exe)
                .args(["child_worker", "--exact", "--test-threads", "1"])
                .env(CHILD_ENV, dir.path())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let (p, notice) = progress::load(dir.path()).unwrap();
    assert!(notice.is_none());
    assert_eq!(p.attempts.len(), 400);
    let ids: std::collections::BTreeSet<&str> = p.attempts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), 400, "attempt ids are unique");
    assert_eq!(files(dir.path()), vec!["progress.lock", "progress.toml"]);
}
