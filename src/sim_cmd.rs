//! `statedist sim`: run a scenario headless and print what happened.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::check::Status;
use crate::scenario::{self, Params, Run};
use crate::sim::fmt_ms;
use crate::sim::script::{self, Script};

#[derive(Debug, Args)]
#[command(after_long_help = SCRIPT_HELP)]
pub struct SimArgs {
    /// The scenario to run (see --list).
    #[arg(required_unless_present_any = ["list", "demo"])]
    pub scenario: Option<String>,
    /// Replay a shipped demonstration (see --list): its scenario and its
    /// fault script, e.g. raft-figure8.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["script", "do_steps"])]
    pub demo: Option<String>,
    /// List the scenarios with a one-line description and exit.
    #[arg(long)]
    pub list: bool,
    /// Seed of the run: the same seed and arguments print the same output, byte for byte.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of nodes (the scenario's default when omitted).
    #[arg(long)]
    pub nodes: Option<usize>,
    /// How much virtual time to simulate, e.g. 10s or 2500ms.
    #[arg(long = "for", default_value = "10s", value_parser = parse_for)]
    pub duration: u64,
    /// Allow --for beyond one hour of virtual time (long runs take real
    /// time and memory: the trace keeps every event's text).
    #[arg(long)]
    pub allow_long: bool,
    /// Read fault-script steps from FILE (see below for the language).
    #[arg(long, value_name = "FILE", conflicts_with = "do_steps")]
    pub script: Option<PathBuf>,
    /// Fault-script steps on the command line, separated by ';'.
    #[arg(long = "do", value_name = "STEPS")]
    pub do_steps: Option<String>,
    /// Set a protocol setting before the run starts (repeatable), e.g. --set mode=sync.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_setting)]
    pub settings: Vec<(String, String)>,
    /// Replication or delivery mode (same as --set mode=…): leader-follower
    /// async|semi-sync|sync, causal eventual|causal.
    #[arg(long, value_name = "MODE")]
    pub mode: Option<String>,
    /// Quorum: replicas per key, N (same as --set n=…).
    #[arg(long = "n", value_name = "N")]
    pub n: Option<usize>,
    /// Quorum: acks a write needs, W (same as --set w=…).
    #[arg(long = "w", value_name = "W")]
    pub w: Option<usize>,
    /// Quorum: replies a read needs, R (same as --set r=…).
    #[arg(long = "r", value_name = "R")]
    pub r: Option<usize>,
    /// Output format: text for people, jsonl (one JSON object per line) for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print only the summary and verdicts, not the trace.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write the run's client history to FILE in Jepsen's EDN form
    /// (one map per line: :process, :type, :f, :value ["key" v], :time),
    /// for Knossos, Porcupine or Elle. Only reads, writes and cas go in.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Jsonl,
}

const SCRIPT_HELP: &str = "\
Fault scripts: one step per line (or per ';' with --do), '#' starts a comment.
  at 1.5s partition 1,2 | 3,4,5   split the network into sides A, B (and C); unnamed nodes join A
  at 1s cut 1->2                  n2 stops hearing n1 (one way); cut 1<->2 cuts both ways
  at 1s isolate 2                 n2 reaches nobody and nobody reaches it
  at 1s bridge 3 | 1,2 | 4,5      n3 reaches both halves; 1,2 and 4,5 do not reach each other
  at 1s link 1->2 loss 50%        that link loses half its messages (link 1<->2: both ways)
  at 1s link 2->3 delay 200-400ms that link's own latency
  at 3s heal                      reconnect every node (link loss and delay stay)
  at 2s crash 3 / at 4s restart 3 stop a node (volatile state lost) / bring it back from disk
  at 1s write n1 x=5              a client writes x=5 through node 1
  at 2s read n3 x                 a client reads x through node 3
                                  (client operations are the scenario's own: --list shows them,
                                  e.g. leader-follower also has 'cas nN key EXPECTED NEW')
  at 0s skew n2 +300ms            node 2's clock runs 300 ms ahead
  at 0s loss 10% / at 0s dup 5%   lose / duplicate that share of messages
  at 0s delay 20-80ms             one-way latency range
  at 0s set NAME=VALUE            change a protocol setting (see the scenario's settings)

Example:
  statedist sim cap-cp --seed 7 --do \"at 1s partition 1 | 2,3; at 1.2s write n1 x=1; at 1.4s write n2 x=2; at 3s heal; at 3.5s read n1 x\"";

/// The longest run `--for` allows without `--allow-long`: one hour.
const LONG: u64 = 3_600_000;

fn parse_for(s: &str) -> Result<u64, String> {
    script::parse_duration(s)
        .ok_or_else(|| format!("'{s}' is not a duration: use e.g. 10s or 2500ms"))
}

fn parse_setting(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() && !v.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("'{s}' is not NAME=VALUE, e.g. mode=sync")),
    }
}

pub fn run(args: &SimArgs) -> ExitCode {
    if args.list {
        crate::out!("{}", list_text());
        return ExitCode::SUCCESS;
    }
    let demo = match args.demo.as_deref().map(|d| (d, scenario::demos::find(d))) {
        Some((_, Some(d))) => Some(d),
        Some((name, None)) => {
            crate::errln!("statedist sim: {}", scenario::demos::unknown(name));
            return ExitCode::from(2);
        }
        None => None,
    };
    let name = match (demo, args.scenario.as_deref()) {
        (Some(d), Some(s)) if s != d.scenario => {
            crate::errln!(
                "statedist sim: the demonstration {} runs scenario {}, not {s}: leave the scenario out",
                d.name,
                d.scenario
            );
            return ExitCode::from(2);
        }
        (Some(d), _) => d.scenario,
        (None, s) => s.unwrap_or_default(),
    };
    let Some(info) = scenario::find(name) else {
        crate::errln!("statedist sim: {}", scenario::unknown(name));
        return ExitCode::from(2);
    };
    let text = match (&args.script, &args.do_steps) {
        _ if demo.is_some() => demo.expect("checked").script.to_string(),
        (Some(path), _) => match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                crate::errln!("statedist sim: cannot read script {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        (None, Some(steps)) => steps.clone(),
        (None, None) => String::new(),
    };
    if args.duration > LONG && !args.allow_long {
        crate::errln!(
            "statedist sim: --for {} is more than {} of virtual time; add --allow-long to run it anyway",
            fmt_ms(args.duration),
            fmt_ms(LONG)
        );
        return ExitCode::from(2);
    }
    let chosen = args.nodes.or(demo.and_then(|d| d.nodes));
    let nodes = chosen.unwrap_or(info.default_nodes);
    let script = Script::parse(&text)
        .and_then(|s| s.validate(nodes).map(|()| s))
        .and_then(|s| s.check_end(args.duration).map(|()| s));
    let script = match script {
        Ok(s) => s,
        Err(e) => {
            crate::errln!("{e}");
            return ExitCode::from(2);
        }
    };
    let params = Params {
        seed: args.seed,
        nodes: chosen,
        script,
        settings: settings(args, demo),
    };
    let mut run = match info.start(&params) {
        Ok(r) => r,
        // A refused `set` step is a script mistake like any other.
        Err(e) if e.starts_with("script:") => {
            crate::errln!("{e}");
            return ExitCode::from(2);
        }
        Err(e) => {
            crate::errln!("statedist sim: {e}");
            return ExitCode::from(2);
        }
    };
    run.run_until(args.duration);
    // A run stops at its first invariant violation; headless, go on to the
    // end so the trace shows what followed (the verdicts name the event).
    if run.violation().is_some() {
        run.run_until(args.duration);
    }
    if let Some(path) = &args.history {
        let (edn, skipped) = crate::check::history_edn(run.history());
        if let Err(e) = std::fs::write(path, edn) {
            crate::errln!(
                "statedist sim: cannot write the history to {}: {e}",
                path.display()
            );
            return ExitCode::FAILURE;
        }
        if skipped > 0 {
            crate::errln!(
                "statedist sim: {skipped} operation{} left out of {} (only {} models it: not a read, write or cas)",
                if skipped == 1 { " was" } else { "s were" },
                path.display(),
                info.name
            );
        }
    }
    let mut out = io::stdout().lock();
    let written = match args.format {
        Format::Text => write_text(&mut out, run.as_ref(), args),
        Format::Jsonl => write_jsonl(&mut out, run.as_ref(), args),
    };
    match written.and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            crate::errln!("statedist sim: cannot write output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--set` pairs plus the `--mode/--n/--w/--r` sugar (which wins on a clash).
/// The settings to start with: a demonstration's, then the command line's
/// (which win).
fn settings(args: &SimArgs, demo: Option<&scenario::demos::Demo>) -> BTreeMap<String, String> {
    let mut s: BTreeMap<String, String> = demo
        .map(|d| d.settings)
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    s.extend(args.settings.iter().cloned());
    let sugar = [
        ("mode", args.mode.clone()),
        ("n", args.n.map(|v| v.to_string())),
        ("w", args.w.map(|v| v.to_string())),
        ("r", args.r.map(|v| v.to_string())),
    ];
    for (k, v) in sugar {
        if let Some(v) = v {
            s.insert(k.to_string(), v);
        }
    }
    s
}

pub fn list_text() -> String {
    let mut s = String::new();
    // Columns as wide as the longest name in them.
    let w = scenario::catalogue()
        .iter()
        .map(|i| i.name.len())
        .max()
        .unwrap_or(0);
    for info in scenario::catalogue() {
        s += &format!(
            "{:<w$} block {}  {} nodes  {}\n",
            info.name,
            info.block,
            info.sizes_text(),
            info.summary
        );
        // The operations and settings the scenario's protocol declares.
        if let Ok(run) = info.start(&Params::default()) {
            let ops: Vec<&str> = run.operations().iter().map(|o| o.usage).collect();
            s += &format!("{:<w$} operations: {}\n", "", ops.join(" · "));
            let knobs: Vec<String> = run
                .settings()
                .iter()
                .map(|(name, choices)| format!("{name}={}", choices.join("|")))
                .collect();
            if !knobs.is_empty() {
                s += &format!("{:<w$} settings: {}\n", "", knobs.join(" · "));
            }
        }
    }
    s += "\nDemonstrations (statedist sim --demo NAME, or live: statedist playground --demo NAME):\n";
    let dw = scenario::demos::DEMOS
        .iter()
        .map(|d| d.name.len())
        .max()
        .unwrap_or(0);
    for d in scenario::demos::DEMOS {
        s += &format!("{:<dw$} {:<w$} {}\n", d.name, d.scenario, d.summary());
    }
    s
}

/// The text report: header, trace, operations, final state, verdicts.
pub fn write_text(out: &mut impl Write, run: &dyn Run, args: &SimArgs) -> io::Result<()> {
    writeln!(
        out,
        "statedist sim {} · seed {} · {} nodes · {} of virtual time",
        run.name(),
        run.seed(),
        run.cluster_size(),
        fmt_ms(args.duration)
    )?;
    let trace = run.trace();
    if !args.quiet {
        writeln!(out, "\n== trace ==")?;
        let kept = trace.events().len() as u64;
        if kept < trace.total() {
            writeln!(
                out,
                "(the first {} events are not kept)",
                trace.total() - kept
            )?;
        }
        let broke = run
            .violation()
            .map(|v| (v.seq, v.invariant, v.text.as_str()));
        for e in trace.events() {
            writeln!(out, "{:>9}  {}", fmt_ms(e.time), e.text)?;
            if let Some((_, name, text)) = broke.filter(|b| b.0 == e.seq) {
                writeln!(
                    out,
                    "{:>9}  ✗ INVARIANT BROKEN here ({name}, event #{}): {text}",
                    "", e.seq
                )?;
            }
        }
    }
    writeln!(out, "\n== operations ==")?;
    let ops = run.history().ops();
    if ops.is_empty() {
        writeln!(
            out,
            "(none: add reads and writes with --do \"at 1s write n1 x=1; at 2s read n2 x\")"
        )?;
    }
    for op in ops {
        let note = if op.note.is_empty() {
            String::new()
        } else {
            format!(" — {}", op.note)
        };
        writeln!(out, "op {:<3} {}{note}", op.id.0, op.describe())?;
    }
    writeln!(out, "\n== final state ({} events) ==", trace.total())?;
    for n in run.view().nodes {
        let state = if n.state.is_empty() {
            "(empty)".to_string()
        } else {
            n.state
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let up = if n.up { "up" } else { "DOWN" };
        writeln!(
            out,
            "{} {:<9} {up:<4} side {}  {state}",
            n.id, n.role, n.side
        )?;
    }
    writeln!(out, "\n== verdicts ==")?;
    for v in run.verdicts() {
        writeln!(out, "{} {}: {}", v.mark(), v.check, v.summary)?;
        if v.status != Status::Pass {
            for d in v.details.iter().skip(usize::from(
                v.status == Status::Fail && v.details.len() == 1,
            )) {
                writeln!(out, "         - {d}")?;
            }
        }
    }
    Ok(())
}

pub fn write_jsonl(out: &mut impl Write, run: &dyn Run, args: &SimArgs) -> io::Result<()> {
    let line = |out: &mut dyn Write, v: serde_json::Value| writeln!(out, "{v}");
    line(
        out,
        json!({"type": "run", "scenario": run.name(), "seed": run.seed(), "nodes": run.cluster_size(), "duration_ms": args.duration}),
    )?;
    if !args.quiet {
        for e in run.trace().events() {
            let mut v = serde_json::to_value(e).map_err(io::Error::other)?;
            v["type"] = json!("trace");
            line(out, v)?;
        }
    }
    for op in run.history().ops() {
        let mut v = serde_json::to_value(op).map_err(io::Error::other)?;
        v["type"] = json!("op");
        line(out, v)?;
    }
    for n in run.view().nodes {
        let state: serde_json::Map<String, serde_json::Value> =
            n.state.into_iter().map(|(k, v)| (k, json!(v))).collect();
        line(
            out,
            json!({"type": "node", "id": n.id, "up": n.up, "side": n.side.to_string(), "role": n.role, "state": state}),
        )?;
    }
    if let Some(v) = run.violation() {
        let mut j = serde_json::to_value(v).map_err(io::Error::other)?;
        j["type"] = json!("violation");
        line(out, j)?;
    }
    for v in run.verdicts() {
        let mut j = serde_json::to_value(&v).map_err(io::Error::other)?;
        j["type"] = json!("verdict");
        line(out, j)?;
    }
    Ok(())
}
