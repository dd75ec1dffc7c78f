//! The live cluster as the lesson and playground screens both show it: what
//! its keys do, scrolling and clicking its panes, drawing it and its status
//! line. The state is [`Live`] (UI-free, in `app/`); this is its front end.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::Ctx;
use crate::app::live::Live;
use crate::sim::{Fault, NodeId, Scope, TraceKind};
use crate::tui::keymap::Action;
use crate::tui::layout::{self, ClusterAreas, Wants};
use crate::tui::theme::Theme;
use crate::tui::views::{self, cluster as canvas, panes, status_style};

/// Which pane the arrows scroll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Reader,
    Log,
    Panes,
    Checks,
}

/// Whether the inspection panes take the event log's place (a narrow
/// screen): then Tab is how to reach them, and the hint bar says so.
pub fn panes_share_the_log(c: Option<ClusterAreas>) -> bool {
    c.is_some_and(|c| c.panes == Some(c.log))
}

/// The panes Tab visits beside the lesson text (if any), in order.
pub fn focus_order(reader: bool, c: Option<ClusterAreas>) -> Vec<Focus> {
    let mut order = Vec::new();
    if reader {
        order.push(Focus::Reader);
    }
    if let Some(c) = c {
        order.push(Focus::Log);
        if c.panes.is_some() {
            order.push(Focus::Panes);
        }
        order.push(Focus::Checks);
    }
    order
}

pub fn cycle(focus: Focus, order: &[Focus], dir: isize) -> Focus {
    if order.is_empty() {
        return focus;
    }
    let i = order.iter().position(|f| *f == focus).unwrap_or(0) as isize;
    order[(i + dir).rem_euclid(order.len() as isize) as usize]
}

/// Time passing for the cluster; a broken invariant pauses it and says so.
pub fn tick(l: &mut Live, dt: Duration, cx: &mut Ctx) -> bool {
    let changed = l.tick(dt);
    if let Some(v) = l.take_violation_news() {
        cx.say(format!(
            "Paused on event #{}: {} broke. Space resumes.",
            v.seq, v.invariant
        ));
    }
    changed
}

/// Scrolls the focused cluster pane by `d` lines.
pub fn scroll(l: &mut Live, focus: Focus, d: isize, c: ClusterAreas) {
    match focus {
        Focus::Reader => {}
        Focus::Log => {
            let kept = l.log_events().count();
            l.log_scroll = l
                .log_scroll
                .saturating_add_signed(-d)
                .min(kept.saturating_sub(1));
        }
        Focus::Checks => {
            let inner = c.checks.height.saturating_sub(2) as usize;
            let lines = l.checks_lines(c.checks.width.saturating_sub(2)) as usize;
            l.checks_scroll = l
                .checks_scroll
                .saturating_add_signed(d)
                .min(lines.saturating_sub(inner));
        }
        Focus::Panes => {
            // Up to where the last line shows at the bottom, so ↑ moves at
            // once after scrolling past the end.
            if let Some(p) = c.panes {
                let inner = p.height.saturating_sub(2) as usize;
                let lines = panes::line_count(l, p.width.saturating_sub(2)) as usize;
                l.pane_scroll = l
                    .pane_scroll
                    .saturating_add_signed(d)
                    .min(lines.saturating_sub(inner));
            }
        }
    }
}

/// The cluster pane under the pointer, if any.
pub fn pane_at(c: ClusterAreas, col: u16, row: u16) -> Option<Focus> {
    if layout::contains(c.log, col, row) {
        Some(Focus::Log)
    } else if c.panes.is_some_and(|p| layout::contains(p, col, row)) {
        Some(Focus::Panes)
    } else if layout::contains(c.checks, col, row) {
        Some(Focus::Checks)
    } else {
        None
    }
}

pub enum Clicked {
    Outside,
    /// On the canvas: a node box there is selected.
    Canvas,
    Pane(Focus),
}

/// A click on the cluster: a node box selects it, a pane takes the focus.
pub fn click(l: &mut Live, c: ClusterAreas, col: u16, row: u16, cx: &mut Ctx) -> Clicked {
    if layout::contains(c.canvas, col, row) {
        let boxes = canvas::node_boxes(canvas::inner(c.canvas), &l.view);
        if let Some(i) = boxes.iter().position(|b| layout::contains(*b, col, row)) {
            act(l, Action::SelectNode(i as u32 + 1), cx);
        }
        return Clicked::Canvas;
    }
    pane_at(c, col, row).map_or(Clicked::Outside, Clicked::Pane)
}

/// Applies a live-cluster action. False: `action` is not one.
pub fn act(l: &mut Live, action: Action, cx: &mut Ctx) -> bool {
    let sel = l.selected;
    let msg = match action {
        Action::TogglePause => {
            l.paused = !l.paused;
            None
        }
        Action::ToggleRoutine => {
            l.hide_routine = !l.hide_routine;
            l.log_scroll = 0;
            Some(if l.hide_routine {
                "Routine traffic hidden from the event log; f shows it again.".to_string()
            } else {
                "Every event shown in the event log; f hides routine traffic.".to_string()
            })
        }
        Action::StepOne => (!l.step()).then(|| {
            "Nothing is scheduled: the cluster is quiet. Press w to write or r to read.".to_string()
        }),
        Action::Faster => {
            l.faster();
            Some(format!("Speed {} of real time.", l.speed_label()))
        }
        Action::Slower => {
            l.slower();
            Some(format!("Speed {} of real time.", l.speed_label()))
        }
        Action::SelectNode(n) => Some(select(l, n as usize)),
        Action::NodeDigit(d) => {
            if l.node_entry.len() < 6 {
                l.node_entry.push(char::from_digit(d, 10).expect("a digit"));
            }
            Some(format!(
                "Node n{}… (Enter selects it; this cluster has nodes 1 to {})",
                l.node_entry,
                l.size()
            ))
        }
        Action::ConfirmNode => {
            let typed = std::mem::take(&mut l.node_entry);
            Some(match typed.parse::<usize>() {
                Ok(n) => select(l, n),
                Err(_) => format!(
                    "Type a node's number first, then Enter (1 to {}); ← → step through them.",
                    l.size()
                ),
            })
        }
        Action::CycleNode(d) => {
            let n = l.size().max(1) as isize;
            let i = (l.selected.index() as isize + d as isize).rem_euclid(n);
            Some(select(l, i as usize + 1))
        }
        Action::CrashRestart => {
            let up = l.selected_view().is_some_and(|n| n.up);
            l.apply(if up {
                Fault::Crash(sel)
            } else {
                Fault::Restart(sel)
            });
            Some(if up {
                format!(
                    "Crashed {sel}: it stops; what it stored survives. Press c again to restart it."
                )
            } else {
                format!("Restarted {sel} from what it stored.")
            })
        }
        Action::OneWay => Some(one_way(l)),
        Action::Freeze => Some(freeze(l)),
        Action::CycleSkew => Some(cycle_clock(l)),
        Action::NextSide => {
            let side = l.selected_view().map(|n| n.side.next()).unwrap_or_default();
            l.apply(Fault::SetSide(sel, side));
            Some(format!(
                "Moved {sel} to side {side}. H heals every partition."
            ))
        }
        Action::Heal => {
            l.apply(Fault::Heal);
            Some("Healed: every node can reach every other.".into())
        }
        Action::Client(verb) => Some(client(l, verb)),
        Action::Pick(i) => {
            let which = if i == 0 { "first" } else { "second" };
            Some(match l.cycle_pick(i) {
                Some(dot) => format!(
                    "Picked {dot} as the {which} version to compare: see the Compare pane ({} picks the {}).",
                    if i == 0 { ">" } else { "<" },
                    if i == 0 { "second" } else { "first" }
                ),
                None => format!("No {which} version picked."),
            })
        }
        Action::NextKey => {
            l.next_key();
            Some(format!(
                "w and r now use key {} ({}; K switches).",
                l.key(),
                l.info.keys.join(" → ")
            ))
        }
        Action::Reset => {
            l.reset();
            Some(format!(
                "Reset {} to seed {}: same start, your actions undone.",
                l.info.name, l.seed
            ))
        }
        Action::Tune(name) => Some(tune(l, &name)),
        _ => return false,
    };
    if let Some(m) = msg {
        cx.say(m);
    }
    true
}

fn select(l: &mut Live, n: usize) -> String {
    if (1..=l.size()).contains(&n) {
        l.selected = NodeId::from_index(n - 1);
        format!("Selected {}: {}.", l.selected, l.describe_selected())
    } else {
        format!(
            "There is no node {n}: this cluster has nodes 1 to {}.",
            l.size()
        )
    }
}

/// Deaf → mute → whole: one-way cuts around the selected node, told apart
/// from the drawn links. Changing direction heals first (the network has
/// no "uncut"), and says so.
fn one_way(l: &mut Live) -> String {
    let sel = l.selected;
    let others: Vec<NodeId> = (0..l.size())
        .map(NodeId::from_index)
        .filter(|&o| o != sel)
        .collect();
    let v = &l.view;
    let deaf = others.iter().all(|&o| v.is_blocked(o, sel))
        && !others.iter().all(|&o| v.is_blocked(sel, o));
    let mute = others.iter().all(|&o| v.is_blocked(sel, o))
        && !others.iter().all(|&o| v.is_blocked(o, sel));
    if deaf || mute {
        l.apply(Fault::Heal);
    }
    let cut = |l: &mut Live, from: NodeId, to: NodeId| {
        l.apply(Fault::Cut {
            from,
            to,
            both: false,
        })
    };
    if deaf {
        for &o in &others {
            cut(l, sel, o);
        }
        format!("{sel} is now mute: it hears the others, they do not hear it. x again: whole.")
    } else if mute {
        format!("{sel} is whole again (and every other cut healed).")
    } else {
        for &o in &others {
            cut(l, o, sel);
        }
        format!("{sel} is now deaf: it hears nobody, the others still hear it. x again: mute.")
    }
}

fn client(l: &mut Live, verb: &str) -> String {
    let sel = l.selected;
    let spec = crate::sim::op::find(l.run().operations(), verb);
    match spec.and_then(|s| s.live_call(l.key(), l.next_value).map(|c| (s, c))) {
        Some((spec, call)) => {
            if spec.takes_value() {
                l.next_value += 1;
            }
            let what = call.to_string();
            match spec.scope {
                Scope::Client => {
                    l.apply(Fault::Client { node: sel, call });
                    format!(
                        "A client sends {what} through {sel}: watch the event log.{}",
                        other_key_hint(l)
                    )
                }
                Scope::Node => {
                    l.apply(Fault::Client { node: sel, call });
                    format!("You made {what} happen on {sel}: watch the event log.")
                }
                Scope::Cluster => {
                    l.apply(Fault::Everyone(call));
                    format!("You made {what} happen on every running node: watch the event log.")
                }
            }
        }
        None => format!(
            "{verb} needs arguments a key cannot fill in: run it from a script (statedist playground --do)."
        ),
    }
}

/// Cycles a setting and says what the protocol made of it (its own words:
/// the value, what else moved with it, a value refused), so nothing
/// changes silently.
fn tune(l: &mut Live, name: &str) -> String {
    let Some((k, v)) = l.next_choice(name) else {
        return format!("{name} has no other value to choose.");
    };
    let before = l.run().trace().total();
    l.apply(Fault::Tune(k.clone(), v.clone()));
    l.log_events()
        .rev()
        .take_while(|e| e.seq > before)
        .find(|e| e.kind == TraceKind::Fault)
        .map_or_else(|| format!("{k} = {v}"), |e| e.text.clone())
}

/// " K switches to key reply." where the scenario's story needs two keys
/// (a post and its reply); plain x and y need no reminder.
fn other_key_hint(l: &Live) -> String {
    if l.info.keys.len() < 2 || l.info.keys == ["x", "y"] {
        return String::new();
    }
    let next = l.info.keys[(l.key_index + 1) % l.info.keys.len()];
    format!(" K switches to key {next}.")
}

pub fn render(l: &Live, t: &Theme, focus: Focus, c: ClusterAreas, buf: &mut Buffer) {
    canvas::Canvas { live: l, theme: t }.render(c.canvas, buf);
    views::checks(l, t, focus == Focus::Checks, c.checks, buf);
    // On a narrow screen the panes share the log's place: the focused one
    // shows, and the other is a Tab away.
    let shared = c.panes == Some(c.log);
    match c.panes {
        Some(p) if shared && focus == Focus::Panes => panes::render(l, t, true, p, buf),
        Some(p) if !shared => {
            panes::render(l, t, focus == Focus::Panes, p, buf);
            views::log(l, t, focus == Focus::Log, c.log, buf);
        }
        _ => views::log(l, t, focus == Focus::Log, c.log, buf),
    }
}

/// The status line over a live cluster: paused or running, the scenario,
/// the seed, the clock and the speed, the selected node, and the headline
/// verdict. Narrow terminals drop, in turn, the note on idle speed, the
/// selected node and the seed, then count the other failing checks instead
/// of naming them (never hiding one), then drop the speed; a verdict still
/// too long is cut at a word, with `…`.
/// `held`: time stands still although the run is not paused (the help
/// overlay is open), and the line says so.
pub fn status(l: &Live, t: &Theme, width: u16, held: bool) -> Line<'static> {
    let width = width as usize;
    let line_for = |level: u8| {
        let mut spans = vec![
            if l.paused {
                Span::styled(" ‖ paused ", t.warn().add_modifier(Modifier::REVERSED))
            } else if held {
                Span::styled(
                    " ‖ held while help is open ",
                    t.warn().add_modifier(Modifier::REVERSED),
                )
            } else {
                Span::styled(" ▶ running ", t.good().add_modifier(Modifier::REVERSED))
            },
            Span::styled(format!(" {} ", l.info.name), t.bold()),
        ];
        let mut facts = Vec::new();
        if level < 3 {
            facts.push(format!("seed {}", l.seed));
        }
        facts.push(format!("t={}", l.clock()));
        if level < 5 {
            // While no message is in flight the run goes at real time, so
            // a timer does not take minutes: say it in words.
            let quiet = l.idle() && !l.paused && level < 1;
            facts.push(format!(
                "{} speed{}",
                l.speed_label(),
                if quiet { " (1x while quiet)" } else { "" }
            ));
        }
        spans.push(Span::styled(format!("{} ", facts.join(" · ")), t.dim()));
        if level < 2 {
            spans.push(Span::styled("· ", t.dim()));
            spans.push(Span::styled(
                format!("{} ", l.describe_selected()),
                t.text(),
            ));
        }
        if let Some(v) = l.headline() {
            spans.push(Span::styled("│ ", t.dim()));
            spans.push(Span::styled(
                v.mark().trim_end().to_string(),
                status_style(v.status, t),
            ));
            spans.push(Span::styled(format!(" {}", v.headline), t.text()));
            // Other checkers failing too: named, so the line never hides a
            // failure while there is room.
            let also = l.also_failing();
            if !also.is_empty() {
                let names = match also.as_slice() {
                    _ if level >= 4 => format!("{} more", also.len()),
                    [one] => one.to_string(),
                    [a, b] => format!("{a} and {b}"),
                    more => format!("{} others", more.len()),
                };
                spans.push(Span::styled(" · also ✗ ", t.dim()));
                spans.push(Span::styled(names, t.dim()));
            }
        }
        Line::from(spans)
    };
    let mut line = (0..6)
        .map(line_for)
        .find(|l| l.width() <= width)
        .unwrap_or_else(|| line_for(5));
    cut_at_word(&mut line, width);
    line
}

/// Shortens the last span of `line` at a word so the line fits `width`.
fn cut_at_word(line: &mut Line<'static>, width: usize) {
    if line.width() <= width {
        return;
    }
    let Some(last) = line.spans.pop() else {
        return;
    };
    let room = width.saturating_sub(line.width());
    line.spans.push(Span::styled(
        crate::wrap::shorten(&last.content, room),
        last.style,
    ));
}

/// `o`: +1 s ahead → 1 s behind → running 50% slow → true time.
fn cycle_clock(l: &mut Live) -> String {
    let sel = l.selected;
    let (skew, drift) = l.selected_view().map_or((0, 0), |n| (n.skew, n.drift));
    if drift != 0 {
        l.apply(Fault::Drift(sel, 0));
        l.apply(Fault::Skew(sel, 0));
        return format!("{sel}'s clock is back on true time. o skews it again.");
    }
    // Short enough for one 80-column status line.
    match skew {
        0 => {
            l.apply(Fault::Skew(sel, 1000));
            format!("{sel}'s clock now runs 1s fast: its timestamps look later. o again: 1s slow.")
        }
        1000 => {
            l.apply(Fault::Skew(sel, -1000));
            format!(
                "{sel}'s clock now runs 1s slow: its timestamps look earlier. o again: 50% slow."
            )
        }
        -1000 => {
            l.apply(Fault::Drift(sel, -50));
            format!(
                "{sel}'s clock now runs 50% slow: its timers and leases last longer. o: true time."
            )
        }
        _ => {
            l.apply(Fault::Skew(sel, 0));
            format!("{sel}'s clock is back on true time. o skews it again.")
        }
    }
}

/// `Z`: a 3 s stop-the-world pause of the selected node.
fn freeze(l: &mut Live) -> String {
    let sel = l.selected;
    if !l.selected_view().is_some_and(|n| n.up) {
        return format!("{sel} is down: there is nothing to freeze.");
    }
    l.apply(Fault::Pause(sel, 3000));
    format!("{sel} is frozen for 3s: it wakes and carries on as if no time had passed.")
}
