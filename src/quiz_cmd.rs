//! Plain line-mode front ends for `gauntlet`, `review`, `progress` and
//! `check-content`: read lines from stdin, print to stdout. They work with
//! a terminal or with piped input, and are thin loops over the engine in
//! [`crate::quiz`] and the store in [`crate::progress`].

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::content::{self, Banks};
use crate::progress::{self, Notice, Progress, ProgressError, Timestamp, human_duration, report};
use crate::quiz::{AnswerError, Bank, Run, RunState, Skip, Summary, Verdict, verdict_text};

const WIDTH: usize = 80;

const HELP: &str = "Type your answer and press Enter.
  /skip   skip this question (it comes back at the end; skipping it again gives it up)
  /quit   stop (asks first; the run is recorded as abandoned)
  /help   this help";

/// Lines from stdin, read on a thread so the clock keeps running while the
/// learner thinks. `None` means the input ended.
struct Input {
    rx: Receiver<Option<String>>,
}

impl Input {
    fn stdin() -> Input {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let stdin = io::stdin();
            let mut lock = stdin.lock();
            loop {
                let mut line = String::new();
                match lock.read_line(&mut line) {
                    Ok(0) | Err(_) => {
                        let _ = tx.send(None);
                        return;
                    }
                    Ok(_) => {
                        if tx
                            .send(Some(line.trim_end_matches(['\n', '\r']).to_string()))
                            .is_err()
                        {
                            return;
                        }
                    }
                }
            }
        });
        Input { rx }
    }

    /// Wait for a line at most `timeout`. `Err(())` on timeout.
    /// A closed or failed standard output ends the input too: nobody can
    /// see the questions any more, so the run stops (and is saved).
    fn line_within(&self, timeout: Duration) -> Result<Option<String>, ()> {
        if crate::out::broken() {
            return Ok(None);
        }
        match self.rx.recv_timeout(timeout) {
            Ok(l) => Ok(l),
            Err(RecvTimeoutError::Timeout) => Err(()),
            Err(RecvTimeoutError::Disconnected) => Ok(None),
        }
    }

    fn line(&self) -> Option<String> {
        if crate::out::broken() {
            return None;
        }
        self.rx.recv().ok().flatten()
    }
}

fn prompt(s: &str) {
    crate::out!("{s}");
    let _ = io::stdout().flush();
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    crate::errln!("statedist: {msg}");
    ExitCode::from(1)
}

fn mmss(d: Duration) -> String {
    report::mmss(d.as_millis() as u64)
}

fn data_dir(explicit: Option<&Path>) -> Result<PathBuf, ProgressError> {
    progress::resolve_dir(explicit)
}

fn show_notice(n: &Option<Notice>) {
    if let Some(n) = n {
        crate::errln!("note: {}", crate::wrap::hanging(&n.to_string(), WIDTH, 0));
    }
}

/// Load the banks and pick one; print the file's problems if it is broken.
pub(crate) fn bank_or_exit(banks: &Banks, id: &str) -> Result<Bank, ExitCode> {
    if let Some(b) = banks.get(id) {
        return Ok(b.clone());
    }
    let diags = banks.diagnostics_for(id);
    if diags.is_empty() {
        crate::errln!("statedist: there is no question bank \"{id}\" in the course content");
    } else {
        crate::errln!("statedist: the question bank \"{id}\" has problems:");
        for d in diags {
            crate::errln!("{d}");
        }
    }
    Err(ExitCode::from(2))
}

/// Load progress for a command that will write it, through a (no-op)
/// locked save: a data directory that cannot be written, or a file from a
/// newer version, stops the command before the learner does any work that
/// could not be saved. A broken file is moved aside now, and the learner told.
fn writable_progress(dir: &Path) -> Result<Progress, ExitCode> {
    let (p, notice) = writable(dir)?;
    show_notice(&notice);
    Ok(p)
}

/// [`writable_progress`] without printing the notice: the terminal app
/// shows it on its first screen instead (printed now, it would be hidden
/// behind the app's screen).
pub(crate) fn writable(dir: &Path) -> Result<(Progress, Option<Notice>), ExitCode> {
    match progress::update(dir, |p| p.clone()) {
        Ok(x) => Ok(x),
        Err(e @ ProgressError::NewerSchema { .. }) => {
            crate::errln!(
                "statedist: {}",
                crate::wrap::hanging(&e.to_string(), WIDTH, 0)
            );
            crate::errln!("Nothing you do now could be saved, so this command stops here.");
            Err(ExitCode::from(2))
        }
        Err(e) => Err(fail(format!(
            "{e}\nYour answers could not be saved, so nothing was started."
        ))),
    }
}

// ---------------------------------------------------------------- gauntlet

/// `statedist gauntlet [N] [--block N]`.
pub fn gauntlet(
    data_dir_flag: Option<&Path>,
    content_dir: Option<&Path>,
    number: Option<u8>,
    block: Option<u8>,
) -> ExitCode {
    let dir = match data_dir(data_dir_flag) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let banks = content::load_banks(content_dir);
    let progress = match writable_progress(&dir) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let input = Input::stdin();
    let bank_id = match (number, block) {
        (Some(n), _) => format!("gauntlet{n}"),
        (None, Some(b)) => format!("block{b}"),
        (None, None) => match choose_bank(&banks, &progress, &input) {
            Some(id) => id,
            None => return ExitCode::SUCCESS,
        },
    };
    let bank = match bank_or_exit(&banks, &bank_id) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let seed = progress.next_seed(&bank.id);
    let best_before = progress.best.get(&bank.id).map(|b| b.score);
    let mut run = Run::new(&bank, seed);
    // a shorter clock for demos and tests of the time-up path
    if let Some(secs) = std::env::var("STATEDIST_TIME_LIMIT_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| *s > 0)
    {
        run = run.with_limit(Duration::from_secs(secs));
    }
    let (summary, input_ended) = drive_run(&mut run, &bank, best_before, &input);
    if input_ended && run.progress().0 == 0 {
        crate::outln!("Nothing was answered, so nothing was recorded.");
        return ExitCode::SUCCESS;
    }
    let now = Timestamp::now();
    match progress::update(&dir, |p| p.record_attempt(&summary, now)) {
        Ok((recorded, notice)) => {
            show_notice(&notice);
            print_summary(&summary, &run, recorded.previous_best, recorded.new_best);
            ExitCode::SUCCESS
        }
        Err(e) => {
            print_summary(&summary, &run, best_before, false);
            fail(format!("your result could not be saved: {e}"))
        }
    }
}

fn choose_bank(banks: &Banks, progress: &Progress, input: &Input) -> Option<String> {
    crate::outln!("Which quiz?");
    for b in &banks.banks {
        let key = match b.kind {
            crate::quiz::BankKind::Gauntlet(n) => n.to_string(),
            crate::quiz::BankKind::Block(n) => format!("b{n}"),
            crate::quiz::BankKind::Other => b.id.clone(),
        };
        let best = progress
            .best
            .get(&b.id)
            .map_or(String::new(), |s| format!("  (best {})", s.score));
        crate::outln!("  {key:>3}  {} · {} min{best}", b.title, b.minutes);
    }
    loop {
        prompt("Type 1-4 for a gauntlet, b1-b7 for a focus block (empty to leave): ");
        let line = input.line()?;
        let t = line.trim().to_lowercase();
        if t.is_empty() || t == "/quit" || t == "q" {
            return None;
        }
        let id = if let Some(n) = t.strip_prefix('b') {
            format!("block{n}")
        } else if t.chars().all(|c| c.is_ascii_digit()) {
            format!("gauntlet{t}")
        } else {
            t.clone()
        };
        if banks.get(&id).is_some() {
            return Some(id);
        }
        crate::outln!("There is no \"{t}\" here.");
    }
}

/// Ask every question of `run` until it ends; returns the summary and
/// whether the input ended before the run did.
fn drive_run(run: &mut Run, bank: &Bank, best: Option<u32>, input: &Input) -> (Summary, bool) {
    let (_, total) = run.progress();
    crate::outln!();
    crate::outln!(
        "{} · {} question{} · {} to answer them{}",
        bank.title,
        total,
        if total == 1 { "" } else { "s" },
        mmss(run.limit()),
        best.map_or(String::new(), |b| format!(" · your best: {b}"))
    );
    if !bank.intro.trim().is_empty() {
        crate::outln!("{}", crate::wrap::hanging(bank.intro.trim(), WIDTH, 0));
    }
    crate::outln!("{HELP}");
    let start = Instant::now();
    let mut warned_minute = run.limit() <= Duration::from_secs(60);
    let mut shown: Option<usize> = None;
    let mut input_ended = false;
    while let Some(q) = run.current() {
        let idx = run.current_index();
        if shown != idx {
            let (_, total) = run.progress();
            crate::outln!();
            crate::outln!(
                "[{}/{}] {} left{}",
                idx.map_or(0, |i| i + 1),
                total,
                mmss(run.remaining(start.elapsed())),
                if run.current_was_skipped() {
                    " · skipped earlier"
                } else {
                    ""
                }
            );
            crate::outln!("{}", crate::wrap::hanging(&q.render(), WIDTH, 0));
            crate::outln!("({})", q.form.hint());
            shown = idx;
        }
        prompt("> ");
        // wait for a line, waking up to end the run when time is up
        let line = loop {
            let left = run.remaining(start.elapsed());
            if left.is_zero() {
                break Err(());
            }
            if !warned_minute && left <= Duration::from_secs(60) {
                warned_minute = true;
                crate::outln!("\n(1 minute left)");
                prompt("> ");
            }
            let wait = left.min(Duration::from_millis(500));
            match input.line_within(wait) {
                Ok(l) => break Ok(l),
                Err(()) => continue,
            }
        };
        let at = start.elapsed();
        if run.tick(at) == RunState::TimeUp || line.is_err() {
            run.tick(at.max(run.limit()));
            crate::outln!("\nTime is up!");
            break;
        }
        let Ok(Some(line)) = line else {
            run.abandon(at);
            input_ended = true;
            crate::outln!("\nInput ended: the run stops here, as abandoned.");
            break;
        };
        match line.trim() {
            "/help" | "/?" => {
                crate::outln!("{HELP}");
                shown = None;
            }
            "/skip" => match run.skip(at) {
                Ok(Skip::Later) => crate::outln!("  skipped: it comes back after the others"),
                Ok(Skip::GaveUp) => crate::outln!("  given up: counted as wrong"),
                Err(_) => {}
            },
            "/quit" => {
                prompt("Quit this run? It will be recorded as abandoned. [y/N] ");
                match input.line() {
                    Some(a)
                        if a.trim().eq_ignore_ascii_case("y")
                            || a.trim().eq_ignore_ascii_case("yes") =>
                    {
                        run.abandon(start.elapsed());
                    }
                    Some(_) => {
                        crate::outln!("Carrying on.");
                        shown = None;
                    }
                    None => {
                        input_ended = true;
                        run.abandon(start.elapsed());
                    }
                }
            }
            other => match run.answer(other, at) {
                Ok(g) => crate::outln!("  {}", verdict_text(&g)),
                Err(AnswerError::Parse(e)) => crate::outln!("  {e}"),
                Err(AnswerError::Over) => {
                    crate::outln!("\nTime is up!");
                    break;
                }
            },
        }
    }
    (run.summary(start.elapsed()), input_ended)
}

fn print_summary(s: &Summary, run: &Run, previous_best: Option<u32>, new_best: bool) {
    crate::outln!();
    crate::outln!("{}", "=".repeat(WIDTH.min(60)));
    let how = match s.state {
        RunState::Finished => "finished",
        RunState::TimeUp => "time up",
        RunState::Abandoned => "abandoned",
        RunState::Running => "stopped",
    };
    crate::outln!(
        "{} · {how} after {} of {}",
        s.title,
        report::mmss(s.time_used_ms),
        report::mmss(s.limit_ms)
    );
    crate::outln!(
        "Score: {} = {} correctness + {} time bonus (max {})",
        s.score,
        s.correctness,
        s.bonus,
        s.max_score
    );
    crate::outln!(
        "{} right, {} partly right, {} wrong, {} skipped, {} unanswered",
        s.right,
        s.partial,
        s.wrong,
        s.skipped,
        s.unanswered
    );
    if s.abandoned() {
        crate::outln!("Abandoned runs do not count toward your personal best.");
    } else if new_best {
        match previous_best {
            Some(b) => crate::outln!("New personal best! (was {b})"),
            None => crate::outln!("Personal best: {} (your first complete run)", s.score),
        }
    } else if let Some(b) = previous_best {
        crate::outln!("Personal best: {b}");
    }
    for (i, r) in s.items.iter().enumerate() {
        crate::outln!();
        let mark = match r.outcome.label() {
            "right" => "RIGHT",
            "partial" => "PARTLY",
            "wrong" => "WRONG",
            "skipped" => "SKIPPED",
            _ => "NOT ANSWERED",
        };
        let q = &run.questions()[i];
        let first_line = q.prompt.lines().next().unwrap_or("");
        let short: String = first_line.chars().take(200).collect();
        crate::outln!("{}. {mark}  [{}]", i + 1, r.item_id);
        crate::outln!("{}", crate::wrap::hanging(&short, WIDTH, 3));
        if let crate::quiz::ItemOutcome::Answered { response, .. } = &r.outcome {
            crate::outln!(
                "{}",
                crate::wrap::hanging(&format!("you: {response}"), WIDTH, 3)
            );
        }
        crate::outln!(
            "{}",
            crate::wrap::hanging(&format!("answer: {}", r.right_answer), WIDTH, 3)
        );
        crate::outln!(
            "{}",
            crate::wrap::hanging(&format!("why: {}", r.explanation.trim()), WIDTH, 3)
        );
    }
    // the list above can be long: repeat the headline where the eye ends up
    crate::outln!();
    crate::outln!(
        "Score: {} of {} possible ({} right of {}){}",
        s.score,
        s.max_score,
        s.right,
        s.items.len(),
        match (s.abandoned(), new_best, previous_best) {
            (true, _, _) => " · abandoned".to_string(),
            (false, true, _) => " · new personal best".to_string(),
            (false, false, Some(b)) => format!(" · personal best {b}"),
            (false, false, None) => String::new(),
        }
    );
    let missed = s.items.len() - s.right - s.unanswered;
    if missed > 0 {
        crate::outln!();
        crate::outln!(
            "The {missed} question{} you missed come{} back in `statedist review` in about {}.",
            if missed == 1 { "" } else { "s" },
            if missed == 1 { "s" } else { "" },
            human_duration(progress::RELEARN_SECS)
        );
    }
}

// ------------------------------------------------------------------ review

/// `statedist review`: ask the due items, one at a time, saving after each.
pub fn review(data_dir_flag: Option<&Path>, content_dir: Option<&Path>) -> ExitCode {
    let dir = match data_dir(data_dir_flag) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let banks = content::load_banks(content_dir);
    let progress = match writable_progress(&dir) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let now = Timestamp::now();
    let due: Vec<(String, u64)> = progress
        .due(now)
        .into_iter()
        .map(|(id, s)| (id.to_string(), s.question_seed()))
        .collect();
    let (askable, gone): (Vec<_>, Vec<_>) = due
        .into_iter()
        .partition(|(id, _)| banks.item(id).is_some());
    if !gone.is_empty() {
        crate::outln!(
            "({} scheduled item{} no longer exist in the course and {} skipped.)",
            gone.len(),
            if gone.len() == 1 { "" } else { "s" },
            if gone.len() == 1 { "is" } else { "are" }
        );
    }
    if askable.is_empty() {
        if progress.review.is_empty() {
            crate::outln!("Nothing to review yet. Take a gauntlet first: `statedist gauntlet 1`.");
        } else {
            match progress.next_due(now) {
                Some((id, s)) => crate::outln!(
                    "Nothing is due. Next: {id} in {} ({}).",
                    human_duration(s.due.0 - now.0),
                    s.due.human()
                ),
                None => crate::outln!("Nothing is due."),
            }
        }
        return ExitCode::SUCCESS;
    }
    let total = askable.len();
    crate::outln!(
        "{total} item{} due for review. Type your answer and press Enter; /skip leaves an item due, \
         /quit stops (every answer is saved as you go).",
        if total == 1 { " is" } else { "s are" }
    );
    let input = Input::stdin();
    let mut done = 0;
    for (k, (id, seed)) in askable.iter().enumerate() {
        let Some(item) = banks.item(id) else { continue };
        let q = item.instantiate(*seed);
        crate::outln!();
        crate::outln!("[{}/{}] {}", k + 1, total, id);
        crate::outln!("{}", crate::wrap::hanging(&q.render(), WIDTH, 0));
        crate::outln!("({})", q.form.hint());
        let grade = loop {
            prompt("> ");
            let Some(line) = input.line() else {
                crate::outln!();
                return finish_review(done, total);
            };
            match line.trim() {
                "/quit" => return finish_review(done, total),
                "/skip" => break None,
                "/help" | "/?" => crate::outln!("{HELP}"),
                other => match q.grade_input(other) {
                    Ok(g) => break Some(g),
                    Err(e) => crate::outln!("  {e}"),
                },
            }
        };
        let Some(grade) = grade else {
            crate::outln!("  skipped: still due");
            continue;
        };
        crate::outln!("  {}", verdict_text(&grade));
        if grade.verdict != Verdict::Right {
            crate::outln!(
                "{}",
                crate::wrap::hanging(&format!("answer: {}", q.answer_text()), WIDTH, 2)
            );
        }
        crate::outln!(
            "{}",
            crate::wrap::hanging(&format!("why: {}", q.explanation.trim()), WIDTH, 2)
        );
        let now = Timestamp::now();
        match progress::update(&dir, |p| p.record_review(id, grade.verdict, now).due) {
            Ok((next, notice)) => {
                show_notice(&notice);
                crate::outln!("  next review in {}", human_duration(next.0 - now.0));
                done += 1;
            }
            Err(e) => return fail(format!("your answer could not be saved: {e}")),
        }
    }
    finish_review(done, total)
}

fn finish_review(done: usize, total: usize) -> ExitCode {
    crate::outln!();
    crate::outln!(
        "Reviewed {done} of {total}. {}",
        if done == total {
            "All caught up."
        } else {
            "The rest stay due."
        }
    );
    ExitCode::SUCCESS
}

// ---------------------------------------------------------------- progress

/// `statedist progress [--json]`.
pub fn progress_report(
    data_dir_flag: Option<&Path>,
    content_dir: Option<&Path>,
    json: bool,
) -> ExitCode {
    let dir = match data_dir(data_dir_flag) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let (progress, notice) = match progress::load(&dir) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let banks = content::load_banks(content_dir);
    let notices: Vec<String> = notice.iter().map(|n| n.to_string()).collect();
    let file = dir.join(progress::FILE_NAME).display().to_string();
    let r = report::build(&progress, &banks.banks, &file, Timestamp::now(), notices);
    if json {
        match serde_json::to_string_pretty(&r) {
            Ok(s) => crate::outln!("{s}"),
            Err(e) => return fail(e),
        }
    } else {
        crate::out!("{}", report::render_text(&r));
    }
    ExitCode::SUCCESS
}

// ----------------------------------------------------------- check-content

/// `statedist check-content`: validate the exercise banks and the lessons,
/// in one report ("ok: 11 banks, 156 items, 10 lessons", or every problem
/// and exit 2).
pub fn check_content(content_dir: Option<&Path>) -> ExitCode {
    let mut report = content::check(content_dir);
    let lessons = crate::lessons::report(content_dir);
    report.diagnostics.extend(lessons.diagnostics);
    report.summary.extend(lessons.summary);
    print_check(&report)
}

/// Print a check report: problems to stderr (exit 2), or "ok: ..." (exit 0).
pub fn print_check(report: &content::CheckReport) -> ExitCode {
    if report.is_ok() {
        crate::outln!("ok: {}", report.summary.join(", "));
        ExitCode::SUCCESS
    } else {
        for d in &report.diagnostics {
            crate::errln!("{d}");
        }
        crate::errln!(
            "{} problem{} found",
            report.diagnostics.len(),
            if report.diagnostics.len() == 1 {
                ""
            } else {
                "s"
            }
        );
        ExitCode::from(2)
    }
}
