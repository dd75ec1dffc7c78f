//! The key tables as a learner meets them: the same table dispatches a key,
//! lists it under `?` and shows it in the hint bar, so these tests go
//! through the app, not a copy of its keys.

use std::path::PathBuf;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use statedist::scenario;
use statedist::tui::keymap::Binding;
use statedist::tui::{Action, App, Options, Start};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content")
}

fn app(start: Start) -> App {
    App::new(
        Options {
            content_dir: Some(fixtures()),
            size: (120, 40),
            ..Options::default()
        },
        start,
    )
}

fn playground(name: &str, nodes: Option<usize>) -> App {
    app(Start::Playground {
        scenario: scenario::find(name).unwrap(),
        nodes,
        seed: 1,
        script: Default::default(),
    })
}

fn ev(code: KeyCode) -> Event {
    let m = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    Event::Key(KeyEvent::new(code, m))
}

fn action(a: &App, c: char) -> Option<Action> {
    a.action_for_event(&ev(KeyCode::Char(c)))
}

fn status_line(a: &mut App) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    t.draw(|f| f.render_widget(&*a, f.area())).unwrap();
    let b = t.backend().buffer();
    (0..120)
        .map(|x| b[(x, 39)].symbol().to_string())
        .collect::<String>()
}

fn assert_no_key_twice(table: &[Binding], what: &str) {
    for (i, a) in table.iter().enumerate() {
        for b in &table[i + 1..] {
            for k in &a.keys {
                assert!(!b.keys.contains(k), "{what}: {k:?} bound twice");
            }
        }
    }
}

#[test]
fn every_key_the_design_promises_is_bound_on_a_live_cluster() {
    for mut a in [playground("cap-ap", None), app(Start::Block(1))] {
        assert_eq!(action(&a, ' '), Some(Action::TogglePause));
        assert_eq!(action(&a, '.'), Some(Action::StepOne));
        assert_eq!(action(&a, '+'), Some(Action::Faster));
        assert_eq!(action(&a, '-'), Some(Action::Slower));
        assert_eq!(action(&a, '3'), Some(Action::SelectNode(3)));
        assert_eq!(action(&a, 'c'), Some(Action::CrashRestart));
        assert_eq!(action(&a, 'p'), Some(Action::NextSide));
        assert_eq!(action(&a, 'o'), Some(Action::CycleSkew));
        assert_eq!(action(&a, 'w'), Some(Action::Client("write")));
        assert_eq!(action(&a, 'r'), Some(Action::Client("read")));
        assert_eq!(action(&a, 'H'), Some(Action::Heal));
        assert_eq!(action(&a, 'R'), Some(Action::Reset));
        assert_eq!(action(&a, '?'), Some(Action::ToggleHelp));
        assert_eq!(action(&a, 'q'), Some(Action::Quit));
        assert_eq!(
            a.action_for_event(&ev(KeyCode::Tab)),
            Some(Action::FocusNext)
        );
        assert_eq!(a.action_for_event(&ev(KeyCode::Esc)), Some(Action::Back));
        assert_no_key_twice(&a.bindings(), "live cluster");
        a.update(Action::ToggleHelp);
        assert_no_key_twice(&a.bindings(), "help open");
    }
}

#[test]
fn a_setting_gets_its_key_unless_an_earlier_binding_has_it() {
    // quorum declares n, W, E and s: none clash with the cluster's keys.
    let a = playground("quorum", None);
    assert_eq!(action(&a, 'n'), Some(Action::Tune("n".into())));
    assert_eq!(action(&a, 'W'), Some(Action::Tune("w".into())));
    assert_eq!(action(&a, 'E'), Some(Action::Tune("r".into())));
    assert_eq!(action(&a, 's'), Some(Action::Tune("sloppy".into())));
    assert_no_key_twice(&a.bindings(), "quorum");
    // Every setting is listed under `?`, with its key or as taken.
    let help: Vec<String> = a.bindings().into_iter().map(|b| b.help).collect();
    for name in ["n =", "w =", "r =", "sloppy ="] {
        assert!(help.iter().any(|h| h.starts_with(name)), "{name}: {help:?}");
    }
}

#[test]
fn a_key_that_means_nothing_here_says_so() {
    let mut a = playground("quorum", None);
    assert_eq!(action(&a, 'y'), None);
    assert!(a.handle_event(&ev(KeyCode::Char('y'))));
    let s = status_line(&mut a);
    assert!(s.contains("y does nothing in quorum"), "{s}");
    // A lesson without a cluster: the cluster keys say where they work.
    let mut a = App::new(Options::default(), Start::Home);
    for _ in 0..20 {
        if a.home_entry()
            .is_some_and(|e| e.name == "Integration challenge")
        {
            break;
        }
        a.handle_event(&ev(KeyCode::Down));
    }
    a.handle_event(&ev(KeyCode::Enter));
    assert!(
        a.lesson().is_some() && a.live().is_none(),
        "the integration challenge has no live cluster"
    );
    a.handle_event(&ev(KeyCode::Char('c')));
    let s = status_line(&mut a);
    assert!(s.contains("c works on a live cluster"), "{s}");
    // The course map: a plain "does nothing here".
    let mut a = app(Start::Home);
    a.handle_event(&ev(KeyCode::Char('z')));
    let s = status_line(&mut a);
    assert!(s.contains("z does nothing here"), "{s}");
    // A chord is not the letter: Ctrl-A says nothing about "a".
    let mut a = app(Start::Home);
    a.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::Char('a'),
        KeyModifiers::CONTROL,
    )));
    let s = status_line(&mut a);
    assert!(!s.contains("does nothing"), "{s}");
}

#[test]
fn the_hint_bar_shows_keys_from_the_table_that_dispatches_them() {
    for mut a in [
        playground("quorum", None),
        app(Start::Block(1)),
        app(Start::Home),
    ] {
        let s = status_line(&mut a);
        let table = a.bindings();
        // The bar is exactly the table's hints that fit, in order.
        let want: String = statedist::tui::keymap::hint_bar(&table, 120)
            .iter()
            .map(|h| format!("{} {}  ", h.keys, h.word))
            .collect();
        assert_eq!(s.trim_end(), format!(" {want}").trim_end());
        // And every key it shows does something here.
        for h in statedist::tui::keymap::hint_bar(&table, 120) {
            let first = h.keys.chars().next().unwrap();
            if h.keys.chars().count() == 1 {
                assert!(action(&a, first).is_some(), "{} is not bound", h.keys);
            }
        }
        assert!(s.contains("? help"), "{s}");
    }
}

#[test]
fn answer_lines_type_every_plain_character_and_question_mark_only_when_empty() {
    let mut a = app(Start::Gauntlet("gauntlet1".into()));
    for c in ['q', 'a', '1', 'g', ' ', 'c'] {
        assert_eq!(action(&a, c), Some(Action::TypeChar(c)));
    }
    assert_eq!(action(&a, '?'), Some(Action::ToggleHelp));
    a.handle_event(&ev(KeyCode::Char('x')));
    assert_eq!(action(&a, '?'), Some(Action::TypeChar('?')));
    assert_eq!(
        a.action_for_event(&ev(KeyCode::Enter)),
        Some(Action::Submit)
    );
    assert_eq!(
        a.action_for_event(&ev(KeyCode::Tab)),
        Some(Action::SkipQuestion)
    );
    assert_no_key_twice(&a.bindings(), "gauntlet");
}

#[test]
fn cycling_n_on_a_quorum_says_how_w_and_r_moved_with_it() {
    let mut a = playground("quorum", None);
    let knobs = |a: &App| -> Vec<String> {
        a.live()
            .unwrap()
            .knobs
            .iter()
            .map(|k| format!("{}={}", k.name, k.value))
            .collect()
    };
    assert_eq!(knobs(&a)[..3], ["n=3", "w=2", "r=2"]);
    for c in "WE".chars() {
        a.handle_event(&ev(KeyCode::Char(c)));
    }
    assert_eq!(knobs(&a)[..3], ["n=3", "w=3", "r=3"]);
    // n cycles 3 → 1: W and R cannot stay at 3, and the learner is told.
    a.handle_event(&ev(KeyCode::Char('n')));
    assert_eq!(knobs(&a)[..3], ["n=1", "w=1", "r=1"]);
    let s = status_line(&mut a);
    assert!(s.contains("N is now 1, so W 3 → 1 and R 3 → 1"), "{s}");
}

#[test]
fn a_five_node_quorum_starts_at_n3_w2_r2_and_sloppy_needs_spare_nodes() {
    let a = playground("quorum", Some(5));
    let k: Vec<String> = a
        .live()
        .unwrap()
        .knobs
        .iter()
        .map(|k| format!("{}={}", k.name, k.value))
        .collect();
    assert_eq!(k[..3], ["n=3", "w=2", "r=2"]);
    // On three nodes N is the whole cluster: `s` explains why sloppy
    // quorums have nothing to do there instead of a bare "sloppy = on".
    let mut a = playground("quorum", None);
    a.handle_event(&ev(KeyCode::Char('s')));
    let s = status_line(&mut a);
    assert!(
        s.contains("sloppy quorum on, but it does nothing yet: N=3 is the whole cluster"),
        "{s}"
    );
}

/// Every scenario a lesson can run beside its text keeps its own keys
/// there: no operation or setting key is one the lesson screen or the
/// cluster already uses (the lesson's `a` would reveal an answer instead
/// of adding to a cart).
#[test]
fn no_scenario_key_is_shadowed_beside_its_lesson() {
    use statedist::tui::keymap::ch;
    for block in 1..=7u8 {
        let a = App::new(Options::default(), Start::Block(block));
        if a.live().is_none() {
            continue;
        }
        let fixed: Vec<Binding> = a
            .bindings()
            .into_iter()
            .filter(|b| !matches!(b.action, Action::Client(_) | Action::Tune(_)))
            .collect();
        for info in scenario::catalogue().iter().filter(|s| s.block == block) {
            let run = info.start(&Default::default()).unwrap();
            let keys = run
                .operations()
                .iter()
                .filter_map(|o| o.key.map(|k| (k, o.verb.to_string())))
                .chain(run.knobs().into_iter().map(|k| (k.key, k.name)));
            for (k, what) in keys {
                let clash = fixed.iter().find(|b| b.keys.contains(&ch(k)));
                assert!(
                    clash.is_none(),
                    "block {block}, {}: {what}'s key '{k}' is taken by '{}'",
                    info.name,
                    clash.unwrap().help
                );
            }
        }
    }
}
