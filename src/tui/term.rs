//! The terminal and the one async loop: terminal events and ticks become
//! actions, `App::update` applies them, and the screen is drawn from state
//! only when something changed. The terminal is restored on every way out:
//! quit, error, panic, Ctrl-C, SIGTERM; Ctrl-Z suspends and resumes.

use std::io::{self, IsTerminal, Stdout, Write};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_core::Stream;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event, EventStream};
use ratatui::crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};

use super::app::App;
use super::keymap::Action;

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Set while the terminal is in raw mode on the alternate screen.
static ACTIVE: AtomicBool = AtomicBool::new(false);

fn enter() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        cursor::Hide
    )
}

/// Puts the terminal back as the shell left it. Safe to call twice.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen, cursor::Show);
        let _ = disable_raw_mode();
        let _ = out.flush();
    }
}

struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// What the loop should do after the first frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoopOptions {
    /// Draw once and exit (measures the time to first frame).
    pub exit_after_first_frame: bool,
}

/// How the loop ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Quit,
    /// SIGTERM or SIGINT from outside: the shell expects 128 + the signal.
    Signal(u8),
}

/// Runs the app until it quits, then lets it save what a signal or a lost
/// terminal interrupted (`App::shutdown`).
pub fn run(app: &mut App, opts: LoopOptions) -> io::Result<Ending> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(io::Error::other(
            "this is an interactive screen and needs a terminal; for output you can pipe, try `statedist sim`",
        ));
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    install_panic_hook();
    let _guard = Guard;
    enter()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let size = terminal.size()?;
    app.update(Action::Resize(size.width, size.height));
    let ending = rt.block_on(event_loop(&mut terminal, app, opts));
    // Save first: after a hangup every write to the terminal fails.
    app.shutdown();
    if terminal.show_cursor().is_err() {
        // The terminal is gone: dropping would report that on a stderr that
        // is gone too (and panic). Nothing is left to restore.
        std::mem::forget(terminal);
    }
    ending
}

async fn next_event(events: &mut EventStream) -> Option<io::Result<Event>> {
    std::future::poll_fn(|cx| Pin::new(&mut *events).poll_next(cx)).await
}

async fn event_loop(terminal: &mut Term, app: &mut App, opts: LoopOptions) -> io::Result<Ending> {
    let mut events = EventStream::new();
    #[cfg(unix)]
    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    #[cfg(unix)]
    let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    // The terminal went away (window closed, tmux session killed).
    #[cfg(unix)]
    let mut sighup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    let mut dirty = true;
    let mut last_tick: Option<Instant> = None;
    loop {
        if dirty {
            // One frame as one update: terminals that know synchronized
            // output (mode 2026) never show half of it; others ignore it.
            execute!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
            terminal.draw(|f| f.render_widget(&*app, f.area()))?;
            execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
            dirty = false;
            if opts.exit_after_first_frame {
                return Ok(Ending::Quit);
            }
        }
        if app.quit {
            return Ok(Ending::Quit);
        }
        // Ticks only while something moves; otherwise wait for a key.
        let every = app.tick_every();
        if every.is_none() {
            last_tick = None;
        }
        let deadline = every.map(|d| {
            let base = *last_tick.get_or_insert_with(Instant::now);
            tokio::time::Instant::from_std(base + d)
        });
        let tick = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        #[cfg(unix)]
        let signal = async {
            tokio::select! {
                _ = sigterm.recv() => 15u8,
                _ = sigint.recv() => 2u8,
                _ = sighup.recv() => 1u8,
            }
        };
        #[cfg(not(unix))]
        let signal = async {
            let _ = tokio::signal::ctrl_c().await;
            2u8
        };
        tokio::select! {
            ev = next_event(&mut events) => match ev {
                Some(Ok(ev)) => match app.action_for_event(&ev) {
                    Some(a @ Action::Resize(..)) => {
                        wake_reader_if_input_waits();
                        dirty |= app.update(a);
                    }
                    Some(Action::Suspend) => {
                        suspend(terminal)?;
                        dirty = true;
                    }
                    // Everything else, a key that means nothing included
                    // (it says so), goes through the app.
                    _ => dirty |= app.handle_event(&ev),
                },
                Some(Err(e)) => return Err(e),
                None => return Ok(Ending::Quit),
            },
            () = tick => {
                let now = Instant::now();
                let dt = last_tick.map_or(Duration::ZERO, |t| now.saturating_duration_since(t));
                last_tick = Some(now);
                dirty |= app.update(Action::Tick(dt.min(Duration::from_millis(250))));
            },
            sig = signal => return Ok(Ending::Signal(sig)),
        }
    }
}

/// crossterm 0.29 reads the terminal edge-triggered and, when a resize and
/// input arrive in the same wakeup, returns the resize and leaves the input
/// unread until more arrives: a key pressed as the window changes would wait
/// for the next key (seen as a lost `q` when a tick had already redrawn at
/// the new size, so the resize's own redraw wrote nothing). If input is
/// waiting, ask the terminal for its status (DSR): that write and the
/// terminal's reply wake the reader, which then reads all that is waiting;
/// the reply is not an event and is dropped.
fn wake_reader_if_input_waits() {
    #[cfg(unix)]
    {
        let mut stdin = libc::pollfd {
            fd: libc::STDIN_FILENO,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd and a zero timeout; poll only writes revents.
        let ready = unsafe { libc::poll(&mut stdin, 1, 0) };
        if ready == 1 && stdin.revents & libc::POLLIN != 0 {
            let mut out = io::stdout();
            let _ = out.write_all(b"\x1b[5n");
            let _ = out.flush();
        }
    }
}

/// Ctrl-Z: give the terminal back, stop, and take it again on `fg`.
fn suspend(terminal: &mut Term) -> io::Result<()> {
    #[cfg(unix)]
    {
        restore();
        // SAFETY: raising a signal on our own process; SIGTSTP's default
        // action stops us until SIGCONT, then this call returns.
        unsafe {
            libc::raise(libc::SIGTSTP);
        }
        enter()?;
        terminal.clear()?;
    }
    #[cfg(not(unix))]
    let _ = terminal;
    Ok(())
}
