//! The terminal front end: `statedist learn` and `statedist playground`.
//!
//! One loop (`term`) turns terminal events and ticks into [`Action`]s,
//! [`App::update`] applies them, and the views (`impl Widget for &App`) draw
//! from state without changing it. Keys map to actions in one pure function
//! of (screen, key) in `keymap`, which the `?` overlay also lists. This is
//! the only module that uses ratatui, crossterm or tokio.

pub mod app;
pub mod keymap;
pub mod layout;
pub mod live;
pub mod markdown;
pub mod marks;
pub mod quiz;
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
        marks: marks::Marks::open(global.data_dir.as_deref()),
        ..Options::default()
    }
}

fn run(app: App, exit_after_first_frame: bool, what: &str) -> ExitCode {
    let opts = term::LoopOptions {
        exit_after_first_frame,
    };
    match term::run(app, opts) {
        Ok(term::Ending::Quit) => ExitCode::SUCCESS,
        Ok(term::Ending::Signal(sig)) => ExitCode::from(128 + sig),
        Err(e) => {
            eprintln!("statedist {what}: {e}");
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

/// `statedist playground`.
pub fn playground(global: &Global, args: &PlaygroundArgs) -> ExitCode {
    if args.list {
        print!("{}", crate::sim_cmd::list_text());
        return ExitCode::SUCCESS;
    }
    let Some(info) = scenario::find(&args.scenario) else {
        eprintln!(
            "statedist playground: {}",
            scenario::unknown(&args.scenario)
        );
        return ExitCode::from(2);
    };
    // Check the node count before taking over the terminal.
    if let Err(e) = live::Live::start(info, args.nodes, args.seed) {
        eprintln!("statedist playground: {e}");
        return ExitCode::from(2);
    }
    let app = App::new(
        options(global),
        Start::Playground {
            scenario: info,
            nodes: args.nodes,
            seed: args.seed,
        },
    );
    run(app, args.exit_after_first_frame, "playground")
}
