//! The fault script language: one timed step per line (or per `;`).
//!
//! ```text
//! at 0s   delay 20-80ms
//! at 1.5s partition 1,2 | 3,4,5
//! at 2s   write n1 x=5
//! at 3s   heal            # comments run to the end of the line
//! ```
//! Errors name the line and column (`script:3:9: …`) and say what was
//! expected; a script with any error runs nothing.

use std::fmt;

use super::op::{Call, OpSpec, Scope};
use super::{Fault, LinkQuality, Millis, NodeId};

/// A parsed step with where it came from, for later validation messages.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub at: Millis,
    pub fault: Fault,
    /// Where the step is written: its line, and the columns of its time and
    /// of its command, for errors found after parsing.
    pub line: usize,
    pub time_col: usize,
    pub cmd_col: usize,
    /// Columns of a client operation's arguments, and of the step's end.
    arg_cols: Vec<usize>,
    end_col: usize,
    /// (line, column) of each node number in the step, for range checks.
    nodes: Vec<(NodeId, usize, usize)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "script:{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ScriptError {}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Script {
    pub steps: Vec<Step>,
}

/// What the language accepts, for error messages and `--help`.
pub const COMMANDS: &str = "partition 1,2 | 3,4,5 · heal · cut 1->2 · cut 1<->2 · isolate N · \
bridge 3 | 1,2 | 4,5 · link 1->2 loss 50% · link 1->2 delay 200-400ms · crash N · restart N · \
skew nN +300ms · drift nN -20% · pause nN 3s · loss 10% · dup 5% · delay 20-80ms · set NAME=VALUE";

impl Script {
    /// Parses a script. Steps are separated by newlines or `;`; `#` starts a comment.
    pub fn parse(text: &str) -> Result<Script, ScriptError> {
        let mut steps = Vec::new();
        for (li, line) in text.lines().enumerate() {
            let line_no = li + 1;
            let code = line.split('#').next().unwrap_or("");
            let mut start = 0;
            for part in code.split(';') {
                let toks = tokens(part, start + 1);
                start += part.len() + 1;
                if toks.is_empty() {
                    continue;
                }
                // "Ends early" errors point just past this step's last word.
                let last = toks.last().expect("non-empty");
                let end_col = last.col + last.text.len();
                steps.push(parse_step(&toks, line_no, end_col)?);
            }
        }
        steps.sort_by_key(|s| s.at); // stable: same-time steps keep their order
        Ok(Script { steps })
    }

    /// Refuses any step after `end`, the end of the run: it would never run.
    pub fn check_end(&self, end: Millis) -> Result<(), ScriptError> {
        match self.steps.iter().find(|s| s.at > end) {
            Some(s) => Err(ScriptError {
                line: s.line,
                col: s.time_col,
                message: format!(
                    "this step is at {}, after the run ends at {}: move it earlier or run longer (--for)",
                    super::fmt_ms(s.at),
                    super::fmt_ms(end)
                ),
            }),
            None => Ok(()),
        }
    }

    /// Checks every `set` step with `tune`, which applies a setting to a
    /// scratch configuration and says why it refuses one, in script order.
    pub fn check_settings(
        &self,
        mut tune: impl FnMut(&str, &str) -> Result<String, String>,
    ) -> Result<(), ScriptError> {
        for s in &self.steps {
            if let Fault::Tune(k, v) = &s.fault {
                tune(k, v).map_err(|why| ScriptError {
                    line: s.line,
                    col: s.cmd_col,
                    message: format!("setting {k}={v} refused: {why}"),
                })?;
            }
        }
        Ok(())
    }

    /// Checks every client operation against the protocol's declared
    /// operations (`specs`), then asks `accept` whether the protocol takes
    /// it: an unknown verb, a malformed argument or a refusal is an error at
    /// the place it is written.
    pub fn check_calls(
        &self,
        specs: &[OpSpec],
        mut accept: impl FnMut(&str, &[crate::sim::Arg]) -> Result<(), String>,
    ) -> Result<(), ScriptError> {
        for s in &self.steps {
            let (call, alone) = match &s.fault {
                Fault::Client { call, .. } => (call, false),
                Fault::Everyone(call) => (call, true),
                _ => continue,
            };
            let err = |col: usize, message: String| ScriptError {
                line: s.line,
                col,
                message,
            };
            let Some(spec) = super::op::find(specs, &call.verb) else {
                let ops: Vec<&str> = specs.iter().map(|o| o.usage).collect();
                return Err(err(
                    s.cmd_col,
                    format!(
                        "unknown command '{}': expected one of: {COMMANDS}; this scenario's operations are: {}",
                        call.verb,
                        ops.join(" · ")
                    ),
                ));
            };
            if alone != (spec.scope == Scope::Cluster) {
                let message = if alone {
                    format!(
                        "the step ends early: '{}' needs a node: {}",
                        spec.verb, spec.usage
                    )
                } else {
                    format!(
                        "'{}' acts on every node: write it without a node ({})",
                        spec.verb, spec.usage
                    )
                };
                return Err(err(if alone { s.end_col } else { s.cmd_col }, message));
            }
            let args = spec.parse_args(&call.args).map_err(|(i, off, m)| {
                let col = s.arg_cols.get(i).map_or(s.end_col, |c| c + off);
                err(col, m)
            })?;
            accept(spec.verb, &args).map_err(|m| err(s.cmd_col, m))?;
        }
        Ok(())
    }

    /// Checks node numbers against the cluster size.
    pub fn validate(&self, nodes: usize) -> Result<(), ScriptError> {
        for step in &self.steps {
            for &(id, line, col) in &step.nodes {
                if id.index() >= nodes {
                    return Err(ScriptError {
                        line,
                        col,
                        message: format!(
                            "there is no node {}: this cluster has nodes 1 to {nodes}",
                            id.0
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug)]
struct Tok<'a> {
    text: &'a str,
    col: usize,
}

/// Splits on whitespace, keeping 1-based columns. `|` is always its own token.
fn tokens(s: &str, col0: usize) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() || c == '|' {
            if let Some(b) = start.take() {
                out.push(Tok {
                    text: &s[b..i],
                    col: col0 + b,
                });
            }
            if c == '|' {
                out.push(Tok {
                    text: &s[i..i + 1],
                    col: col0 + i,
                });
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(b) = start {
        out.push(Tok {
            text: &s[b..],
            col: col0 + b,
        });
    }
    out
}

struct P<'a> {
    toks: &'a [Tok<'a>],
    pos: usize,
    line: usize,
    end_col: usize,
    nodes: Vec<(NodeId, usize, usize)>,
    arg_cols: Vec<usize>,
}

impl<'a> P<'a> {
    fn err_at(&self, col: usize, message: String) -> ScriptError {
        ScriptError {
            line: self.line,
            col,
            message,
        }
    }
    fn here(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end_col, |t| t.col)
    }
    fn next(&mut self, expected: &str) -> Result<Tok<'a>, ScriptError> {
        match self.toks.get(self.pos) {
            Some(t) => {
                self.pos += 1;
                Ok(*t)
            }
            None => Err(self.err_at(
                self.end_col,
                format!("the step ends early: expected {expected}"),
            )),
        }
    }
    fn done(&self) -> Result<(), ScriptError> {
        match self.toks.get(self.pos) {
            None => Ok(()),
            Some(t) => Err(self.err_at(
                t.col,
                format!("unexpected '{}': expected the end of the step (separate steps with ';' or a new line)", t.text),
            )),
        }
    }
    fn node(&mut self, tok: Tok<'_>, col: usize) -> Result<NodeId, ScriptError> {
        let digits = tok.text.strip_prefix('n').unwrap_or(tok.text);
        match digits.parse::<u32>() {
            Ok(k) if k >= 1 => {
                let id = NodeId(k);
                self.nodes.push((id, self.line, col));
                Ok(id)
            }
            _ => Err(self.err_at(
                col,
                format!(
                    "'{}' is not a node: expected a node number such as 3 or n3",
                    tok.text
                ),
            )),
        }
    }
}

impl P<'_> {
    /// `10%` → 0.1.
    fn percent(&mut self) -> Result<f64, ScriptError> {
        let tok = self.next("a percentage such as 10%")?;
        tok.text
            .strip_suffix('%')
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|v| (0.0..=100.0).contains(v))
            .map(|v| v / 100.0)
            .ok_or_else(|| {
                self.err_at(
                    tok.col,
                    format!(
                        "'{}' is not a percentage: expected 0% to 100%, e.g. 10%",
                        tok.text
                    ),
                )
            })
    }

    /// `20-80ms` or `50ms` → an inclusive range in milliseconds.
    fn latency(&mut self) -> Result<(Millis, Millis), ScriptError> {
        let tok = self.next("a latency range such as 20-80ms")?;
        let bad = || {
            format!(
                "'{}' is not a latency: expected a range such as 20-80ms or one value such as 50ms",
                tok.text
            )
        };
        let (lo, hi) = match tok.text.split_once('-') {
            Some((a, b)) => {
                let hi = parse_duration(b).ok_or_else(|| self.err_at(tok.col, bad()))?;
                // "20-80ms": the unit on the upper bound applies to both.
                let unit = b.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
                let lo = parse_duration(a).or_else(|| parse_duration(&format!("{a}{unit}")));
                (lo.ok_or_else(|| self.err_at(tok.col, bad()))?, hi)
            }
            None => {
                let v = parse_duration(tok.text).ok_or_else(|| self.err_at(tok.col, bad()))?;
                (v, v)
            }
        };
        if lo > hi {
            return Err(self.err_at(
                tok.col,
                format!("the range {lo}-{hi}ms goes backwards: write the smaller bound first"),
            ));
        }
        Ok((lo, hi))
    }

    /// `1->2` (one way) or `1<->2` (both ways).
    fn link(&mut self) -> Result<(NodeId, NodeId, bool), ScriptError> {
        let tok = self.next("a link such as 1->2 (one way) or 1<->2 (both ways)")?;
        let (a, b, both, gap) = if let Some((a, b)) = tok.text.split_once("<->") {
            (a, b, true, 3)
        } else if let Some((a, b)) = tok.text.split_once("->") {
            (a, b, false, 2)
        } else {
            return Err(self.err_at(
                tok.col,
                format!(
                    "'{}' is not a link: expected e.g. 1->2 (one way) or 1<->2 (both ways), without spaces",
                    tok.text
                ),
            ));
        };
        let from = self.node(
            Tok {
                text: a,
                col: tok.col,
            },
            tok.col,
        )?;
        let bcol = tok.col + a.len() + gap;
        let to = self.node(Tok { text: b, col: bcol }, bcol)?;
        if from == to {
            return Err(self.err_at(
                tok.col,
                format!("a link joins two different nodes, not {from} to itself"),
            ));
        }
        Ok((from, to, both))
    }

    /// Groups of nodes separated by `|`: `1,2 | 3,4,5`. Each node once.
    fn groups(&mut self) -> Result<Vec<Vec<NodeId>>, ScriptError> {
        let mut groups: Vec<Vec<NodeId>> = vec![Vec::new()];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(&tok) = self.toks.get(self.pos) {
            self.pos += 1;
            if tok.text == "|" {
                if groups.last().is_some_and(|g| g.is_empty()) {
                    return Err(self.err_at(
                        tok.col,
                        "empty group before '|': expected node numbers such as 1,2".into(),
                    ));
                }
                groups.push(Vec::new());
                continue;
            }
            let mut col = tok.col;
            for part in tok.text.split(',') {
                if !part.is_empty() {
                    // `301-900`: a range, for large clusters.
                    let ids = match part.split_once('-') {
                        Some((lo, hi)) => {
                            let a = self.node(Tok { text: lo, col }, col)?;
                            let b = self.node(
                                Tok {
                                    text: hi,
                                    col: col + lo.len() + 1,
                                },
                                col + lo.len() + 1,
                            )?;
                            if a.0 > b.0 {
                                return Err(self.err_at(
                                    col,
                                    format!("'{part}' is not a range: write the lower node first, e.g. 1-300"),
                                ));
                            }
                            (a.0..=b.0).map(NodeId).collect()
                        }
                        None => vec![self.node(Tok { text: part, col }, col)?],
                    };
                    for id in ids {
                        if seen.contains(&id) {
                            return Err(self.err_at(
                                col,
                                format!("node {} is named twice: each node is in one group", id.0),
                            ));
                        }
                        seen.insert(id);
                        groups.last_mut().expect("non-empty").push(id);
                    }
                }
                col += part.len() + 1;
            }
        }
        if groups.last().is_some_and(|g| g.is_empty()) {
            return Err(self.err_at(
                self.here(),
                "expected node numbers such as '1,2 | 3,4,5'".into(),
            ));
        }
        Ok(groups)
    }
}

fn parse_step(toks: &[Tok<'_>], line: usize, end_col: usize) -> Result<Step, ScriptError> {
    let mut p = P {
        toks,
        pos: 0,
        line,
        end_col,
        nodes: Vec::new(),
        arg_cols: Vec::new(),
    };
    let at_tok = p.next("'at'")?;
    if at_tok.text != "at" {
        return Err(p.err_at(
            at_tok.col,
            format!(
                "unexpected '{}': a step starts with 'at TIME', e.g. 'at 1.5s heal'",
                at_tok.text
            ),
        ));
    }
    let t = p.next("a time such as 1.5s or 300ms")?;
    let at = parse_duration(t.text).ok_or_else(|| {
        p.err_at(
            t.col,
            format!(
                "'{}' is not a time: expected a time such as 1.5s or 300ms",
                t.text
            ),
        )
    })?;
    let cmd = p.next(&format!("a command: {COMMANDS}"))?;
    let fault = match cmd.text {
        "heal" => Fault::Heal,
        "crash" | "restart" => {
            let tok = p.next("a node number")?;
            let id = p.node(tok, tok.col)?;
            if cmd.text == "crash" {
                Fault::Crash(id)
            } else {
                Fault::Restart(id)
            }
        }
        "partition" => {
            let groups = p.groups()?;
            if groups.len() < 2 {
                return Err(p.err_at(cmd.col, "a partition needs at least two sides separated by '|', e.g. 'partition 1 | 2,3'".into()));
            }
            if groups.len() > 3 {
                return Err(p.err_at(
                    cmd.col,
                    "at most three sides (A | B | C) are supported".into(),
                ));
            }
            Fault::Partition(groups)
        }
        "skew" => {
            let tok = p.next("a node such as n2")?;
            let id = p.node(tok, tok.col)?;
            let d = p.next("an offset such as +300ms or -1s")?;
            let (sign, rest) = match d.text.as_bytes().first() {
                Some(b'-') => (-1, &d.text[1..]),
                Some(b'+') => (1, &d.text[1..]),
                _ => (1, d.text),
            };
            let ms = parse_duration(rest).ok_or_else(|| {
                p.err_at(
                    d.col,
                    format!("'{}' is not an offset: expected e.g. +300ms or -1s", d.text),
                )
            })?;
            Fault::Skew(id, sign * ms as i64)
        }
        "drift" => {
            let tok = p.next("a node such as n2")?;
            let id = p.node(tok, tok.col)?;
            let d = p.next("a rate such as -20% (slow) or +10% (fast)")?;
            let pct = d
                .text
                .strip_suffix('%')
                .and_then(|v| v.strip_prefix('+').unwrap_or(v).parse::<i32>().ok())
                .filter(|v| (-90..=100).contains(v))
                .ok_or_else(|| {
                    p.err_at(
                        d.col,
                        format!(
                            "'{}' is not a clock rate: expected -90% to +100%, e.g. -20% for a clock running slow",
                            d.text
                        ),
                    )
                })?;
            Fault::Drift(id, pct)
        }
        "pause" => {
            let tok = p.next("a node such as n1")?;
            let id = p.node(tok, tok.col)?;
            let d = p.next("how long, such as 3s")?;
            let ms = parse_duration(d.text).filter(|&ms| ms > 0).ok_or_else(|| {
                p.err_at(
                    d.col,
                    format!("'{}' is not a duration: expected e.g. 3s or 500ms", d.text),
                )
            })?;
            Fault::Pause(id, ms)
        }
        "loss" | "dup" => {
            let pct = p.percent()?;
            if cmd.text == "loss" {
                Fault::Loss(pct)
            } else {
                Fault::Duplicate(pct)
            }
        }
        "delay" => {
            let (lo, hi) = p.latency()?;
            Fault::Delay(lo, hi)
        }
        "cut" => {
            let (from, to, both) = p.link()?;
            Fault::Cut { from, to, both }
        }
        "isolate" => {
            let tok = p.next("a node number")?;
            Fault::Isolate(p.node(tok, tok.col)?)
        }
        "link" => {
            let (from, to, both) = p.link()?;
            let mut quality = LinkQuality::default();
            while p.pos < toks.len() {
                let what = p.next("'loss' or 'delay'")?;
                match what.text {
                    "loss" => quality.loss = Some(p.percent()?),
                    "delay" => quality.latency = Some(p.latency()?),
                    other => {
                        return Err(p.err_at(
                            what.col,
                            format!("unexpected '{other}': expected 'loss 10%' or 'delay 20-80ms' after the link"),
                        ));
                    }
                }
            }
            if quality == LinkQuality::default() {
                return Err(p.err_at(
                    p.here(),
                    "the step ends early: expected 'loss 10%' or 'delay 20-80ms' after the link"
                        .into(),
                ));
            }
            Fault::Link {
                from,
                to,
                both,
                quality,
            }
        }
        "bridge" => {
            let groups = p.groups()?;
            let [bridge, left, right]: [Vec<NodeId>; 3] = groups.try_into().map_err(|_| {
                p.err_at(
                    cmd.col,
                    "a bridge needs three groups: 'bridge 3 | 1,2 | 4,5' (the bridge, then the two halves it joins)".into(),
                )
            })?;
            Fault::Bridge {
                bridge,
                left,
                right,
            }
        }
        "set" => {
            let kv = p.next("NAME=VALUE, e.g. mode=sync")?;
            let Some((k, v)) = kv
                .text
                .split_once('=')
                .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            else {
                return Err(p.err_at(
                    kv.col,
                    format!("'{}' is not NAME=VALUE: expected e.g. w=2", kv.text),
                ));
            };
            Fault::Tune(k.to_string(), v.to_string())
        }
        // Anything else is a client operation of the scenario's protocol:
        // a node, then its arguments as written, checked against the
        // protocol's declaration by `check_calls`.
        // Alone, a verb is an action on every node (`align`); the
        // declaration says whether the protocol has one.
        verb if p.pos == toks.len() => Fault::Everyone(Call {
            verb: verb.to_string(),
            args: Vec::new(),
        }),
        verb => {
            let tok = p.next(&format!(
                "a node such as n1 after '{verb}' (or one of the commands: {COMMANDS})"
            ))?;
            let node = p.node(tok, tok.col).map_err(|e| {
                p.err_at(
                    e.col,
                    format!(
                        "unknown command '{verb}', or a client operation without its node: expected one of: {COMMANDS}, or an operation such as 'write n1 x=5'"
                    ),
                )
            })?;
            let mut args = Vec::new();
            while let Some(&t) = toks.get(p.pos) {
                p.pos += 1;
                args.push(t.text.to_string());
                p.arg_cols.push(t.col);
            }
            Fault::Client {
                node,
                call: Call {
                    verb: verb.to_string(),
                    args,
                },
            }
        }
    };
    p.done()?;
    Ok(Step {
        at,
        fault,
        line,
        time_col: t.col,
        cmd_col: cmd.col,
        arg_cols: p.arg_cols,
        end_col,
        nodes: p.nodes,
    })
}

/// `1.5s`, `300ms`, `2s` → milliseconds. A unit is required.
pub fn parse_duration(s: &str) -> Option<Millis> {
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        return None;
    };
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let v: f64 = num.parse().ok()?;
    let ms = (v * scale).round();
    (0.0..1e12).contains(&ms).then_some(ms as Millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_command() {
        let s = Script::parse(
            "at 0s delay 20-80ms\nat 0s loss 10%; at 0s dup 5%\nat 1.5s partition 1,2 | 3,4,5\n\
             at 2s crash 3 # down\nat 4s restart 3\nat 1s write n1 x=5\nat 2s read n3 x\n\
             at 0s skew n2 -300ms\nat 3s heal\nat 5s set w=2\nat 6s drift n2 -25%\nat 7s pause n1 2.5s",
        )
        .unwrap();
        let got: Vec<(Millis, Fault)> = s.steps.iter().map(|s| (s.at, s.fault.clone())).collect();
        assert_eq!(
            got,
            vec![
                (0, Fault::Delay(20, 80)),
                (0, Fault::Loss(0.1)),
                (0, Fault::Duplicate(0.05)),
                (0, Fault::Skew(NodeId(2), -300)),
                (
                    1000,
                    Fault::Client {
                        node: NodeId(1),
                        call: Call::new("write", &["x=5"])
                    }
                ),
                (
                    1500,
                    Fault::Partition(vec![
                        vec![NodeId(1), NodeId(2)],
                        vec![NodeId(3), NodeId(4), NodeId(5)]
                    ])
                ),
                (2000, Fault::Crash(NodeId(3))),
                (
                    2000,
                    Fault::Client {
                        node: NodeId(3),
                        call: Call::new("read", &["x"])
                    }
                ),
                (3000, Fault::Heal),
                (4000, Fault::Restart(NodeId(3))),
                (5000, Fault::Tune("w".into(), "2".into())),
                (6000, Fault::Drift(NodeId(2), -25)),
                (7000, Fault::Pause(NodeId(1), 2500)),
            ]
        );
    }

    fn err(text: &str) -> String {
        Script::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_line_and_column() {
        assert_eq!(
            err("at 1s heal\nat 2x heal"),
            "script:2:4: '2x' is not a time: expected a time such as 1.5s or 300ms"
        );
        // A verb the kernel does not know is the protocol's: written
        // alone, an action on every node; the declaration decides (below).
        assert!(Script::parse("at 1s explode").is_ok());
        assert!(
            err("at 1s explode x").starts_with(
                "script:1:15: unknown command 'explode', or a client operation without its node"
            ),
            "{}",
            err("at 1s explode x")
        );
        assert_eq!(
            err("at 1s crash"),
            "script:1:12: the step ends early: expected a node number"
        );
        // With several steps on a line, at the end of the step concerned.
        assert_eq!(
            err("at 1s crash; at 2s heal"),
            "script:1:12: the step ends early: expected a node number"
        );
        assert_eq!(
            err("at 1s crash x"),
            "script:1:13: 'x' is not a node: expected a node number such as 3 or n3"
        );
        assert_eq!(
            err("at 1s partition 1,2"),
            "script:1:7: a partition needs at least two sides separated by '|', e.g. 'partition 1 | 2,3'"
        );
        assert_eq!(
            err("at 1s partition 1 | 1"),
            "script:1:21: node 1 is named twice: each node is in one group"
        );
        assert_eq!(
            err("heal"),
            "script:1:1: unexpected 'heal': a step starts with 'at TIME', e.g. 'at 1.5s heal'"
        );
        assert_eq!(
            err("at 1s heal now"),
            "script:1:12: unexpected 'now': expected the end of the step (separate steps with ';' or a new line)"
        );
        assert_eq!(
            err("at 1s loss 120%"),
            "script:1:12: '120%' is not a percentage: expected 0% to 100%, e.g. 10%"
        );
    }

    #[test]
    fn client_operations_are_checked_against_the_declaration() {
        let ops = crate::protocols::register::OPS;
        let check = |text: &str| {
            Script::parse(text)
                .unwrap()
                .check_calls(ops, |_, _| Ok(()))
                .map_err(|e| e.to_string())
        };
        assert_eq!(check("at 1s write n1 x=5; at 2s read n2 x"), Ok(()));
        assert_eq!(
            check("at 1s heal; at 2s write n1 x=five"),
            Err("script:1:30: 'five' is not a whole number: values are integers, e.g. x=5".into())
        );
        assert_eq!(
            check("at 1s read"),
            Err("script:1:11: the step ends early: 'read' needs a node: read nN key".into())
        );
        assert!(
            check("at 1s explode")
                .unwrap_err()
                .starts_with("script:1:7: unknown command 'explode'")
        );
        assert_eq!(
            check("at 1s read n1"),
            Err("script:1:14: 'read' takes a node and then a key such as x: read nN key".into())
        );
        assert!(
            check("at 1s explode n3")
                .unwrap_err()
                .starts_with("script:1:7: unknown command 'explode': expected one of: partition")
        );
        let refused = Script::parse("at 1s write n1 x=5")
            .unwrap()
            .check_calls(ops, |_, _| Err("no writes today".into()));
        assert_eq!(
            refused.unwrap_err().to_string(),
            "script:1:7: no writes today"
        );
    }

    #[test]
    fn validate_checks_node_range() {
        let s = Script::parse("at 1s crash 2\nat 2s partition 1 | 2,4").unwrap();
        assert_eq!(
            s.validate(3).unwrap_err().to_string(),
            "script:2:23: there is no node 4: this cluster has nodes 1 to 3"
        );
        assert!(s.validate(5).is_ok());
    }

    #[test]
    fn groups_take_ranges() {
        let s = Script::parse("at 1s partition 301-900 | 1-300,1000 | 901-999").unwrap();
        let Fault::Partition(g) = &s.steps[0].fault else {
            panic!("{:?}", s.steps[0].fault)
        };
        let sizes: Vec<usize> = g.iter().map(Vec::len).collect();
        assert_eq!(sizes, [600, 301, 99]);
        assert_eq!(g[1][300], NodeId(1000));
        let e = Script::parse("at 1s partition 5-2 | 1").unwrap_err();
        assert!(e.to_string().contains("write the lower node first"), "{e}");
        let e = Script::parse("at 1s partition 1-3 | 3").unwrap_err();
        assert!(e.to_string().contains("node 3 is named twice"), "{e}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1.5s"), Some(1500));
        assert_eq!(parse_duration("300ms"), Some(300));
        assert_eq!(parse_duration("2m"), Some(120_000));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("-1s"), None);
    }
}
