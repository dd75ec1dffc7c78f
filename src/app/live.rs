//! A live cluster: a scenario run plus what the learner controls about it
//! (pace, pause, the selected node, the next value to write) and the plain
//! data the views draw, refreshed after every change so drawing only reads.

use std::time::Duration;

use crate::check::{Status, Verdict};
use crate::scenario::{ClusterView, Knob, Pane, Params, Run, ScenarioInfo};
use crate::sim::script::Script;
use crate::sim::{Fault, Millis, NodeId, fmt_ms};

/// Speeds in thousandths of real time: 0.02x ... 4x.
pub const SPEEDS: [u32; 9] = [20, 50, 100, 200, 500, 1000, 2000, 4000, 10000];
/// 0.1x: a message with 10-30 ms of latency takes 0.1-0.3 s on screen.
pub const DEFAULT_SPEED: usize = 2;
/// How fast virtual time passes while no message is in flight.
pub const IDLE_SPEED: u32 = 1000;

pub struct Live {
    pub info: &'static ScenarioInfo,
    pub nodes: Option<usize>,
    pub seed: u64,
    run: Box<dyn Run>,
    pub speed: usize,
    pub paused: bool,
    pub selected: NodeId,
    /// The digits of a node number typed so far (clusters over 9 nodes).
    pub node_entry: String,
    pub next_value: i64,
    /// Which of the scenario's keys `w` and `r` use (an index into `info.keys`).
    pub key_index: usize,
    /// Virtual microseconds owed to the run (real time × speed not yet simulated).
    carry: u64,
    /// How many events up from the newest the log is scrolled (0 follows).
    pub log_scroll: usize,
    pub pane_scroll: usize,
    /// How many lines down the Checkers pane is scrolled.
    pub checks_scroll: usize,
    // What the views draw, refreshed by `refresh`.
    pub view: ClusterView,
    pub verdicts: Vec<Verdict>,
    pub panes: Vec<Pane>,
    pub knobs: Vec<Knob>,
    /// The headline checker whose finding changed last (an index into
    /// `verdicts`).
    latest: Option<usize>,
    /// Per checker (an index into `verdicts`), when its failure last got
    /// news: (the checker run, 1 when it had just started failing, 0 when
    /// an ongoing failure's finding changed). `None` while it does not fail.
    fail_news: Vec<Option<(u64, u8)>>,
    /// The event log hides routine traffic (timer firings and periodic
    /// messages: heartbeats, gossip, resends and their acknowledgements).
    pub hide_routine: bool,
    /// How many times the checkers have run (they run only when the trace
    /// grew: the linearizability search is not free on a long run).
    pub checker_runs: u64,
    /// The trace length the views were last refreshed at (`None`: never).
    seen: Option<u64>,
    /// Whether the run has already paused on its invariant violation (it
    /// pauses once; resuming goes on past it).
    stopped_at_violation: bool,
    /// Set when the run has just paused on a violation, until the app says so.
    violation_news: bool,
    /// The two things picked in the panes to compare (`<` and `>`).
    pub picks: [Option<String>; 2],
}

impl Live {
    pub fn start(
        info: &'static ScenarioInfo,
        nodes: Option<usize>,
        seed: u64,
    ) -> Result<Live, String> {
        Self::start_with(info, nodes, seed, Script::default())
    }

    /// Starts a scenario whose fault script plays out as the run goes (and
    /// again after a reset).
    pub fn start_with(
        info: &'static ScenarioInfo,
        nodes: Option<usize>,
        seed: u64,
        script: Script,
    ) -> Result<Live, String> {
        let params = Params {
            seed,
            nodes,
            script,
            ..Params::default()
        };
        let run = info.start(&params)?;
        let mut live = Live {
            info,
            nodes,
            seed,
            view: run.view(),
            verdicts: Vec::new(),
            panes: Vec::new(),
            knobs: Vec::new(),
            run,
            speed: DEFAULT_SPEED,
            paused: false,
            selected: NodeId(1),
            node_entry: String::new(),
            next_value: 1,
            key_index: 0,
            carry: 0,
            log_scroll: 0,
            pane_scroll: 0,
            checks_scroll: 0,
            latest: None,
            fail_news: Vec::new(),
            hide_routine: info.quiet_log,
            checker_runs: 0,
            seen: None,
            stopped_at_violation: false,
            violation_news: false,
            picks: [None, None],
        };
        live.refresh();
        Ok(live)
    }

    pub fn run(&self) -> &dyn Run {
        self.run.as_ref()
    }

    pub fn size(&self) -> usize {
        self.view.nodes.len()
    }

    pub fn now(&self) -> Millis {
        self.view.now
    }

    /// "0.1x".
    pub fn speed_label(&self) -> String {
        let s = SPEEDS[self.speed];
        if s.is_multiple_of(1000) {
            format!("{}x", s / 1000)
        } else {
            let t = format!("{:.3}", s as f64 / 1000.0);
            format!("{}x", t.trim_end_matches('0'))
        }
    }

    /// Re-reads what the views draw from the run, when anything happened
    /// since the last time (the trace grew); otherwise only the clock.
    fn refresh(&mut self) {
        let total = self.run.trace().total();
        if self.seen == Some(total) {
            self.view.now = self.run.now();
            return;
        }
        self.seen = Some(total);
        if self.run.violation().is_some() && !self.stopped_at_violation {
            // A safety invariant just broke: stop on the very event, so the
            // learner sees the state it broke in.
            self.stopped_at_violation = true;
            self.violation_news = true;
            self.paused = true;
            self.carry = 0;
        }
        self.view = self.run.view();
        let verdicts = self.run.verdicts();
        self.checker_runs += 1;
        let first_look = self.verdicts.is_empty();
        let mut news = Vec::with_capacity(verdicts.len());
        for (i, v) in verdicts.iter().enumerate() {
            let old = self.verdicts.get(i).filter(|o| o.check == v.check);
            let changed = old.is_none_or(|o| o.status != v.status || o.summary != v.summary);
            if changed && !first_look && self.in_headline(v) {
                self.latest = Some(i);
            }
            let kept = self.fail_news.get(i).copied().flatten();
            news.push(match (v.status, old) {
                (Status::Fail, Some(o)) if o.status == Status::Fail => {
                    if o.summary != v.summary {
                        Some((self.checker_runs, 0))
                    } else {
                        kept
                    }
                }
                (Status::Fail, _) => Some((self.checker_runs, 1)),
                _ => None,
            });
        }
        self.fail_news = news;
        self.verdicts = verdicts;
        self.panes = self.run.panes();
        self.knobs = self.run.knobs();
        let kept = self.log_events().count();
        self.log_scroll = self.log_scroll.min(kept.saturating_sub(1));
    }

    /// Advances virtual time by `real` × speed. True when the screen changes.
    pub fn tick(&mut self, real: Duration) -> bool {
        if self.paused {
            return false;
        }
        let micros = real.as_micros().min(1_000_000) as u64;
        let idle = self.idle();
        let speed = if idle {
            SPEEDS[self.speed].max(IDLE_SPEED)
        } else {
            SPEEDS[self.speed]
        };
        self.carry += micros * speed as u64 / 1000;
        let ms = self.carry / 1000;
        if ms == 0 {
            return false;
        }
        self.carry %= 1000;
        let mut until = self.run.now() + ms;
        if let Some(next) = self.run.next_event_time().filter(|&t| idle && t < until) {
            // Hurry through idle time only up to the next event, then slow down again.
            until = next;
            self.carry = 0;
        }
        self.run.run_until(until);
        self.refresh();
        true
    }

    /// Nothing on the wire: time between events passes at least at
    /// [`IDLE_SPEED`], so a learner does not wait for timers at 0.1x.
    pub fn idle(&self) -> bool {
        self.view.in_flight.is_empty() && SPEEDS[self.speed] < IDLE_SPEED
    }

    /// How often the screen should change while running: often enough that
    /// messages glide, rarely when only the clock moves.
    pub fn frame_every(&self) -> Option<Duration> {
        if self.paused {
            None
        } else if self.view.in_flight.is_empty() {
            Some(Duration::from_millis(100))
        } else {
            Some(Duration::from_millis(33))
        }
    }

    /// Handles the next event (pausing first). False when nothing is queued.
    pub fn step(&mut self) -> bool {
        self.paused = true;
        self.carry = 0;
        let stepped = self.run.step();
        self.refresh();
        stepped
    }

    pub fn apply(&mut self, fault: Fault) {
        self.run.apply(fault);
        self.refresh();
    }

    /// The violation the run has just paused on, once.
    pub fn take_violation_news(&mut self) -> Option<crate::sim::Violation> {
        if !std::mem::take(&mut self.violation_news) {
            return None;
        }
        self.run.violation().cloned()
    }

    pub fn reset(&mut self) {
        // Paused on a violation: the fresh run goes (a learner's own pause
        // stays).
        if self.stopped_at_violation {
            self.paused = false;
        }
        self.run.reset();
        self.next_value = 1;
        self.key_index = 0;
        self.carry = 0;
        self.log_scroll = 0;
        self.latest = None;
        self.fail_news.clear();
        self.seen = None;
        self.stopped_at_violation = false;
        self.violation_news = false;
        self.picks = [None, None];
        self.verdicts.clear();
        self.refresh();
    }

    /// Moves pick `i` (0 or 1) to the next thing the panes can compare,
    /// after the last back to none; returns what it picks now.
    pub fn cycle_pick(&mut self, i: usize) -> Option<String> {
        let list = self.run.pickable().unwrap_or_default();
        let at = self.picks[i]
            .as_ref()
            .and_then(|p| list.iter().position(|x| x == p));
        self.picks[i] = match at {
            None => list.first().cloned(),
            Some(k) => list.get(k + 1).cloned(),
        };
        // Two slots, "" for none, so pick 2 stays pick 2 on its own.
        let chosen: Vec<String> = self
            .picks
            .iter()
            .map(|p| p.clone().unwrap_or_default())
            .collect();
        self.run.set_picks(chosen);
        self.seen = None;
        self.refresh();
        self.picks[i].clone()
    }

    /// The retained events the event log shows, oldest first: all of them,
    /// or without routine traffic while it is hidden.
    pub fn log_events(&self) -> impl DoubleEndedIterator<Item = &crate::sim::TraceEvent> {
        let hide = self.hide_routine;
        self.run
            .trace()
            .events()
            .filter(move |e| !(hide && e.routine))
    }

    /// The key `w` and `r` use now.
    pub fn key(&self) -> &'static str {
        self.info
            .keys
            .get(self.key_index)
            .or(self.info.keys.first())
            .copied()
            .unwrap_or("x")
    }

    /// Switches `w` and `r` to the scenario's next key.
    pub fn next_key(&mut self) {
        self.key_index = (self.key_index + 1) % self.info.keys.len().max(1);
    }

    pub fn faster(&mut self) {
        self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
    }

    pub fn slower(&mut self) {
        self.speed = self.speed.saturating_sub(1);
    }

    pub fn selected_view(&self) -> Option<&crate::scenario::NodeView> {
        self.view.nodes.get(self.selected.index())
    }

    /// Whether a finding is one of the scenario's headline checkers (the
    /// anomaly it teaches); every checker is when the scenario names none.
    fn in_headline(&self, v: &Verdict) -> bool {
        self.info.headline.is_empty() || self.info.headline.contains(&v.check.as_str())
    }

    /// The headline checkers' indices into `verdicts`, most important first.
    fn headline_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.verdicts.len())
            .filter(|&i| self.in_headline(&self.verdicts[i]))
            .collect();
        order.sort_by_key(|&i| {
            self.info
                .headline
                .iter()
                .position(|h| *h == self.verdicts[i].check)
                .unwrap_or(i)
        });
        order
    }

    /// The finding worth a learner's eye on the status line, among the
    /// scenario's headline checkers (the anomaly it teaches), in order:
    /// 1. the newest failure: the one that started failing last, or whose
    ///    failure's finding (its count) changed last — a checker that just
    ///    started failing beats one whose ongoing failure grew at the same
    ///    step, and ties go to the more important checker;
    /// 2. any failure, then any undecided check, most important first;
    /// 3. the finding that changed last ("0 of 1 operations succeeded"
    ///    after a refused write in CP), else the most important one.
    ///
    /// Other checkers' failures are named after it ([`Live::also_failing`]):
    /// in `causal` with causal delivery, reads are not linearizable, but
    /// the status line leads with causality, the point of the scenario.
    pub fn headline(&self) -> Option<&Verdict> {
        let order = self.headline_order();
        let fails = |i: &&usize| self.verdicts[**i].status == Status::Fail;
        let newest = order
            .iter()
            .enumerate()
            .filter(|(_, i)| fails(i))
            .filter_map(|(rank, &i)| {
                let news = self.fail_news.get(i).copied().flatten()?;
                Some((news, std::cmp::Reverse(rank), i))
            })
            .max()
            .map(|(_, _, i)| i);
        newest
            .or_else(|| order.iter().find(fails).copied())
            .or_else(|| {
                order
                    .iter()
                    .find(|&&i| self.verdicts[i].status == Status::Unknown)
                    .copied()
            })
            .or(self.latest.filter(|i| order.contains(i)))
            .or(order.first().copied())
            .and_then(|i| self.verdicts.get(i))
            .or_else(|| self.verdicts.first())
    }

    /// The checks failing besides the [`Live::headline`] one, in the
    /// Checkers pane's order: the status line names them after it.
    pub fn also_failing(&self) -> Vec<&str> {
        let head = self.headline().map(|v| v.check.as_str());
        self.verdicts
            .iter()
            .filter(|v| v.status == Status::Fail && Some(v.check.as_str()) != head)
            .map(|v| v.check.as_str())
            .collect()
    }

    /// The next value of a setting, cycling through its choices.
    pub fn next_choice(&self, name: &str) -> Option<(String, String)> {
        let k = self.knobs.iter().find(|k| k.name == name)?;
        if k.choices.is_empty() {
            return None;
        }
        let i = k.choices.iter().position(|c| *c == k.value);
        let next = k.choices[i.map_or(0, |i| (i + 1) % k.choices.len())].clone();
        Some((k.name.clone(), next))
    }

    /// "n1 is on side B": a one-line description of the selected node.
    pub fn describe_selected(&self) -> String {
        match self.selected_view() {
            Some(n) => format!(
                "{} is {} on side {}{}",
                n.id,
                if n.up { "up" } else { "DOWN" },
                n.side,
                match clock_badge(n) {
                    b if b.is_empty() => String::new(),
                    b => format!(", {b}"),
                }
            ),
            None => String::new(),
        }
    }

    pub fn clock(&self) -> String {
        fmt_ms(self.view.now)
    }
}

/// What is odd about a node's clock, for its box: "paused · clock +1s ·
/// 50% slow", or nothing.
pub fn clock_badge(n: &crate::scenario::NodeView) -> String {
    let mut parts = Vec::new();
    if n.paused {
        parts.push("PAUSED".to_string());
    }
    if n.skew != 0 {
        parts.push(format!("clock {}", fmt_skew(n.skew)));
    }
    match n.drift {
        0 => {}
        d if d < 0 => parts.push(format!("{}% slow", -d)),
        d => parts.push(format!("{d}% fast")),
    }
    parts.join(" · ")
}

/// A clock offset as the canvas shows it: "+1s", "-1s", "+300ms".
pub fn fmt_skew(ms: i64) -> String {
    let sign = if ms < 0 { '-' } else { '+' };
    let abs = ms.unsigned_abs();
    if abs.is_multiple_of(1000) {
        format!("{sign}{}s", abs / 1000)
    } else {
        format!("{sign}{abs}ms")
    }
}
