//! The command line: parses arguments with clap and dispatches to the layers.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

/// Learn how distributed systems keep state: partition, crash and heal a live
/// simulated cluster beside short lessons, then prove it in timed quizzes.
///
/// Run with no command to open the course (same as `statedist learn`).
#[derive(Debug, Parser)]
#[command(
    name = "statedist",
    version,
    about,
    long_about,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Where your progress file lives (default: the platform's data directory).
    #[arg(long, global = true, env = "STATEDIST_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Read lessons and exercises from DIR (holding lessons/ and exercises/)
    /// instead of the copies built into the program. For course authors.
    #[arg(long, global = true, value_name = "DIR")]
    pub content_dir: Option<PathBuf>,
    /// Draw without colour (also when the NO_COLOR environment variable is set).
    #[arg(long, global = true)]
    pub no_color: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the course: the map of focus blocks, lessons and their live clusters.
    Learn(LearnArgs),
    /// A full-screen live cluster to experiment on, without a lesson.
    Playground(PlaygroundArgs),
    /// Take a timed, scored quiz: 1 quick recall, 2 application, 3 analysis, 4 design.
    ///
    /// In a terminal this opens the app's gauntlet screen (without a number,
    /// its list of quizzes); with piped input or output, or with --plain, it
    /// asks line by line on standard input and output.
    Gauntlet(GauntletArgs),
    /// Review the questions that are due (missed ones come back sooner).
    ///
    /// In a terminal this opens the app's review screen; with piped input or
    /// output, or with --plain, it asks line by line.
    Review(ReviewArgs),
    /// Print your progress: blocks done, gauntlet bests, items due.
    Progress(ProgressArgs),
    /// Run a scenario headless and print its trace, a summary and the checkers' verdicts.
    Sim(crate::sim_cmd::SimArgs),
    /// Validate the lessons and exercises (front-matter, question banks, scenario names).
    CheckContent,
    /// Print a shell completion script.
    ///
    /// bash: `statedist completions bash > ~/.local/share/bash-completion/completions/statedist`;
    /// zsh: `statedist completions zsh > ~/.zfunc/_statedist` (with ~/.zfunc on fpath);
    /// fish: `statedist completions fish > ~/.config/fish/completions/statedist.fish`;
    /// PowerShell: `statedist completions powershell >> $PROFILE`.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Default, Args)]
pub struct LearnArgs {
    /// Open focus block N (1-7) directly.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=7))]
    pub block: Option<u8>,
    /// Draw the first frame and exit (for measuring start-up time).
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,
}

#[derive(Debug, Args)]
pub struct PlaygroundArgs {
    /// The scenario to run (see `--list`), e.g. `statedist playground raft`.
    #[arg(value_name = "SCENARIO", conflicts_with_all = ["scenario", "demo"])]
    pub name: Option<String>,
    /// The scenario to run, as an option (the same as SCENARIO).
    #[arg(long, default_value = "cap-cp")]
    pub scenario: String,
    /// Number of nodes (scenario default when omitted).
    #[arg(long)]
    pub nodes: Option<usize>,
    /// Seed of the run: the same seed and the same keys give the same run.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// List the scenarios and exit.
    #[arg(long)]
    pub list: bool,
    /// Fault-script steps that play out live as the run goes, separated by
    /// ';' (the language of `statedist sim`), e.g. "at 2s cut 1->2".
    #[arg(long = "do", value_name = "STEPS")]
    pub do_steps: Option<String>,
    /// Read the live fault-script steps from FILE instead.
    #[arg(long, value_name = "FILE", conflicts_with = "do_steps")]
    pub script: Option<std::path::PathBuf>,
    /// Play a shipped demonstration live (see `--list`): its scenario and
    /// its fault script, e.g. raft-figure8.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["script", "do_steps", "scenario"])]
    pub demo: Option<String>,
    /// Draw the first frame and exit (for measuring start-up time).
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,
}

#[derive(Debug, Args)]
pub struct GauntletArgs {
    /// Which gauntlet: 1 quick recall (3 min), 2 application (7 min), 3 analysis (10 min), 4 design (15 min).
    #[arg(value_parser = clap::value_parser!(u8).range(1..=4))]
    pub number: Option<u8>,
    /// Quiz on focus block N's question bank instead.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=7), conflicts_with = "number")]
    pub block: Option<u8>,
    /// Ask line by line on standard input and output, even in a terminal
    /// (this is what happens anyway when input or output is piped).
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Ask line by line on standard input and output, even in a terminal
    /// (this is what happens anyway when input or output is piped).
    #[arg(long)]
    pub plain: bool,
}

/// Whether the full-screen app can run: both ends are a terminal.
fn interactive() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // A mistake goes to standard error, as clap does it.
        Err(e) if e.use_stderr() => e.exit(),
        // --help and --version go to standard output through `out!`, so a
        // full disk is reported rather than ignored.
        Err(e) => {
            use std::io::IsTerminal;
            let styled = e.render();
            if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                crate::out!("{}", styled.ansi());
            } else {
                crate::out!("{styled}");
            }
            return crate::out::finish(ExitCode::SUCCESS);
        }
    };
    crate::out::finish(dispatch(cli))
}

fn dispatch(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Sim(args)) => crate::sim_cmd::run(&args),
        Some(Command::Learn(args)) => crate::tui::learn(&cli.global, &args),
        None => crate::tui::learn(&cli.global, &LearnArgs::default()),
        Some(Command::Playground(args)) => crate::tui::playground(&cli.global, &args),
        Some(Command::Gauntlet(args)) if !args.plain && interactive() => {
            crate::tui::gauntlet(&cli.global, args.number, args.block)
        }
        Some(Command::Gauntlet(args)) => crate::quiz_cmd::gauntlet(
            cli.global.data_dir.as_deref(),
            cli.global.content_dir.as_deref(),
            args.number,
            args.block,
        ),
        Some(Command::Review(args)) if !args.plain && interactive() => {
            crate::tui::review(&cli.global)
        }
        Some(Command::Review(_)) => crate::quiz_cmd::review(
            cli.global.data_dir.as_deref(),
            cli.global.content_dir.as_deref(),
        ),
        Some(Command::Progress(args)) => crate::quiz_cmd::progress_report(
            cli.global.data_dir.as_deref(),
            cli.global.content_dir.as_deref(),
            args.json,
        ),
        Some(Command::CheckContent) => {
            crate::quiz_cmd::check_content(cli.global.content_dir.as_deref())
        }
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "statedist", &mut script);
            crate::out!("{}", String::from_utf8_lossy(&script));
            ExitCode::SUCCESS
        }
    }
}
