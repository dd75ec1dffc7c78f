//! The terminal front end: `statedist learn`, `statedist playground`, and
//! `statedist gauntlet` and `statedist review` when run in a terminal.
//!
//! One loop (`term`) turns terminal events and ticks into [`Action`]s and
//! [`App::update`] hands them to the screen on top of its stack
//! (`screens/`, one file per screen). Each screen's key table dispatches
//! its keys and fills the `?` overlay and the hint bar (`keymap`); drawing
//! (`impl Widget for &App`, the screens' `render`, `views/`) only reads
//! state. This is the only module that uses ratatui, crossterm or tokio.

pub mod app;
pub mod keymap;
pub mod layout;
pub mod markdown;
pub mod screens;
pub mod term;
pub mod theme;
pub mod views;

use std::process::ExitCode;

pub use app::{App, Options, Start};
pub use keymap::Action;

use crate::cli::{Global, LearnArgs, PlaygroundArgs};
use crate::scenario;

/// Colour unless `--no-color` or a non-empty `NO_COLOR`.
pub fn use_color(global: &Global) -> bool {
    !global.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn options(global: &Global) -> Options {
    Options {
        color: use_color(global),
        content_dir: global.content_dir.clone(),
        marks: crate::app::marks::Marks::open(global.data_dir.as_deref()),
        ..Options::default()
    }
}

fn run(mut app: App, exit_after_first_frame: bool, what: &str) -> ExitCode {
    let opts = term::LoopOptions {
        exit_after_first_frame,
    };
    match term::run(&mut app, opts) {
        Ok(term::Ending::Quit) => ExitCode::SUCCESS,
        Ok(term::Ending::Signal(sig)) => ExitCode::from(128 + sig),
        Err(e) => {
            // Not eprintln!: with the terminal gone it would panic.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "statedist {what}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `statedist learn` (and bare `statedist`).
pub fn learn(global: &Global, args: &LearnArgs) -> ExitCode {
    let start = args.block.map_or(Start::Home, Start::Block);
    let app = App::new(options(global), start);
    run(app, args.exit_after_first_frame, "learn")
}

/// Before the app takes over the terminal for a gauntlet or a review: the
/// progress file must be writable (or the learner's answers could not be
/// saved), exactly as the line-mode commands require. A file that was moved
/// aside becomes the app's first message.
fn saving_options(global: &Global, what: &str) -> Result<Options, ExitCode> {
    let dir = match crate::progress::resolve_dir(global.data_dir.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            crate::errln!("statedist {what}: {e}");
            return Err(ExitCode::from(1));
        }
    };
    let (_, notice) = crate::quiz_cmd::writable(&dir)?;
    let mut opts = options(global);
    if let Some(n) = notice {
        opts.marks.tell(n.to_string());
    }
    opts.quiz_limit = std::env::var("STATEDIST_TIME_LIMIT_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map(std::time::Duration::from_secs);
    Ok(opts)
}

/// `statedist gauntlet [N] [--block N]` in a terminal: the app's gauntlet
/// screen (its clock starts at once), or without a number the list of
/// quizzes. Esc on the result page (or on that list) leaves.
pub fn gauntlet(global: &Global, number: Option<u8>, block: Option<u8>) -> ExitCode {
    let id = match (number, block) {
        (Some(n), _) => Some(format!("gauntlet{n}")),
        (None, Some(b)) => Some(format!("block{b}")),
        (None, None) => None,
    };
    // A broken or missing bank is reported before the screen opens.
    if let Some(id) = &id {
        let banks = crate::content::load_banks(global.content_dir.as_deref());
        if let Err(code) = crate::quiz_cmd::bank_or_exit(&banks, id) {
            return code;
        }
    }
    let opts = match saving_options(global, "gauntlet") {
        Ok(o) => o,
        Err(code) => return code,
    };
    let start = id.map_or(Start::Gauntlets, Start::Gauntlet);
    run(App::new(opts, start), false, "gauntlet")
}

/// `statedist review` in a terminal: the app's review screen. Esc on its
/// summary leaves.
pub fn review(global: &Global) -> ExitCode {
    let opts = match saving_options(global, "review") {
        Ok(o) => o,
        Err(code) => return code,
    };
    run(App::new(opts, Start::Review), false, "review")
}

/// `statedist playground`.
pub fn playground(global: &Global, args: &PlaygroundArgs) -> ExitCode {
    if args.list {
        crate::out!("{}", crate::sim_cmd::list_text());
        return ExitCode::SUCCESS;
    }
    let demo = match args.demo.as_deref().map(|d| (d, scenario::demos::find(d))) {
        Some((_, Some(d))) => Some(d),
        Some((name, None)) => {
            crate::errln!("statedist playground: {}", scenario::demos::unknown(name));
            return ExitCode::from(2);
        }
        None => None,
    };
    let chosen = args.name.as_deref().unwrap_or(args.scenario.as_str());
    let name = demo.map_or(chosen, |d| d.scenario);
    let Some(info) = scenario::find(name) else {
        crate::errln!("statedist playground: {}", scenario::unknown(name));
        return ExitCode::from(2);
    };
    let text = match (&args.script, &args.do_steps) {
        _ if demo.is_some() => demo.expect("checked").full_script(),
        (Some(path), _) => match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                crate::errln!(
                    "statedist playground: cannot read script {}: {e}",
                    path.display()
                );
                return ExitCode::from(2);
            }
        },
        (None, Some(steps)) => steps.clone(),
        (None, None) => String::new(),
    };
    let script = match crate::sim::script::Script::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            crate::errln!("statedist playground: {e}");
            return ExitCode::from(2);
        }
    };
    // Check the node count and the script before taking over the terminal.
    let nodes = args.nodes.or(demo.and_then(|d| d.nodes));
    if let Err(e) = crate::app::live::Live::start_with(info, nodes, args.seed, script.clone()) {
        crate::errln!("statedist playground: {e}");
        return ExitCode::from(2);
    }
    let app = App::new(
        options(global),
        Start::Playground {
            scenario: info,
            nodes,
            seed: args.seed,
            script,
        },
    );
    run(app, args.exit_after_first_frame, "playground")
}
