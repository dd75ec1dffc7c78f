//! Shared by the end-to-end tests: runs the real binary in a pseudo-terminal
//! (portable-pty), reads its screen with a terminal emulator (vt100), and
//! drives it as a person would from a small play script. Everything is in
//! Rust and in this repository, so the tests pass on a fresh clone.
//!
//! A play is one step a line:
//!   key K1 K2 ...       key names: q, Enter, Escape, Tab, BTab, Space, BSpace,
//!                       Up, Down, Left, Right, PageUp, PageDown, Home, End, C-c ...
//!   type TEXT           the text, literally
//!   wait SECONDS        sleep
//!   wait-for REGEX [S]  poll the screen until a line matches REGEX, at most S
//!                       seconds (default 5)
//!   wait-gone REGEX [S] poll until no line matches REGEX (the key before was
//!                       acted on: an Escape followed too fast by another key
//!                       reads as one chord)
//!   expect REGEX        a line of the screen must match now
//!   reject REGEX        no line of the screen may match now
//!   snap                print the screen between two rulers
//!   resize COLSxROWS    resize the terminal (the program gets SIGWINCH)
//!   exits CODE [S]      the program ends with CODE within S seconds (default 5)
//!   tty-restored        the terminal is back in canonical mode with echo
//!   # ...               a comment
//! A play that ends with the program still running closes the terminal: the
//! program gets SIGHUP, as when a learner closes the window.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, SlavePty, native_pty_system};
use regex::Regex;

/// A program running in a pseudo-terminal, and the screen it has drawn.
pub struct Term {
    master: Option<Box<dyn MasterPty + Send>>,
    // Held open so the terminal's modes can be read after the program ends.
    slave: Option<Box<dyn SlavePty + Send>>,
    // Shared with the reader, which answers status queries as a terminal does.
    writer: Arc<Mutex<Option<Box<dyn Write + Send>>>>,
    child: Box<dyn Child + Send + Sync>,
    screen: Arc<Mutex<vt100::Parser>>,
    size: (u16, u16),
    exit: Option<u32>,
}

/// How much of `bytes` the screen may take now: everything, except from
/// the start of a synchronized update (`ESC [?2026h`) whose end
/// (`ESC [?2026l`) has not arrived, or a partial marker at the very end.
pub fn complete_frames(bytes: &[u8]) -> usize {
    const BEGIN: &[u8] = b"\x1b[?2026h";
    const END: &[u8] = b"\x1b[?2026l";
    let find = |from: usize, pat: &[u8]| {
        bytes[from..]
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|i| from + i)
    };
    let mut at = 0;
    loop {
        match find(at, BEGIN) {
            None => break,
            Some(b) => match find(b, END) {
                Some(e) => at = e + END.len(),
                None => return b,
            },
        }
    }
    // A marker cut by the read: keep a trailing ESC sequence that could
    // still become one.
    let tail = &bytes[at..];
    let partial = (1..BEGIN.len())
        .rev()
        .find(|&k| k <= tail.len() && BEGIN.starts_with(&tail[tail.len() - k..]));
    bytes.len() - partial.unwrap_or(0)
}

fn parse_size(size: &str) -> (u16, u16) {
    let (c, r) = size.split_once('x').expect("size is COLSxROWS");
    (c.parse().unwrap(), r.parse().unwrap())
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n.max(1)).unwrap()
}

impl Term {
    /// Starts `program args` in a `size` ("COLSxROWS") terminal with `env`
    /// ("NAME=VALUE") added to this process's environment.
    pub fn spawn(size: &str, program: &str, args: &[&std::ffi::OsStr], env: &[&str]) -> Term {
        let (cols, rows) = parse_size(size);
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for e in env {
            let (k, v) = e.split_once('=').expect("env is NAME=VALUE");
            cmd.env(k, v);
        }
        cmd.cwd(env!("CARGO_MANIFEST_DIR"));
        let child = pair.slave.spawn_command(cmd).expect("start the program");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = Arc::new(Mutex::new(Some(pair.master.take_writer().unwrap())));
        let sink = Arc::clone(&screen);
        let answer = Arc::clone(&writer);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // The end of the last read, so a query split across reads is seen.
            let mut tail: Vec<u8> = Vec::new();
            // Bytes of a synchronized update (mode 2026) not yet ended: the
            // screen takes a frame whole, as a terminal that knows the mode
            // shows it, so a play never reads half a frame.
            let mut held: Vec<u8> = Vec::new();
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                held.extend_from_slice(&buf[..n]);
                let upto = complete_frames(&held);
                sink.lock().unwrap().process(&held[..upto]);
                held.drain(..upto);
                tail.extend_from_slice(&buf[..n]);
                let queries = tail.windows(4).filter(|w| w == b"\x1b[5n").count();
                tail.drain(..tail.len().saturating_sub(3));
                // Device status report: "OK", as every VT100-style terminal says.
                if let Some(w) = answer.lock().unwrap().as_mut() {
                    for _ in 0..queries {
                        let _ = w.write_all(b"\x1b[0n");
                    }
                    let _ = w.flush();
                }
            }
        });
        Term {
            master: Some(pair.master),
            slave: Some(pair.slave),
            writer,
            child,
            screen,
            size: (cols, rows),
            exit: None,
        }
    }

    /// The screen's text, a line a row.
    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn matches(&self, re: &Regex) -> bool {
        self.text().lines().any(|l| re.is_match(l))
    }

    fn send(&mut self, bytes: &[u8]) {
        let mut w = self.writer.lock().unwrap();
        let w = w.as_mut().expect("terminal open");
        w.write_all(bytes).unwrap();
        w.flush().unwrap();
    }

    fn resize(&mut self, size: &str) {
        let (cols, rows) = parse_size(size);
        self.screen.lock().unwrap().set_size(nz(rows), nz(cols));
        if let Some(m) = &self.master {
            m.resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        }
        self.size = (cols, rows);
    }

    fn poll_exit(&mut self) -> Option<u32> {
        if self.exit.is_none()
            && let Ok(Some(status)) = self.child.try_wait()
        {
            self.exit = Some(status.exit_code());
        }
        self.exit
    }

    /// Waits up to `limit` for the program to end; its exit code.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<u32> {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if let Some(c) = self.poll_exit() {
                return Some(c);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.poll_exit()
    }

    /// Whether the terminal is in canonical mode with echo, as a shell needs.
    #[cfg(unix)]
    fn tty_restored(&self) -> Result<(), String> {
        let fd = self
            .master
            .as_ref()
            .and_then(|m| m.as_raw_fd())
            .ok_or("no terminal")?;
        // SAFETY: tcgetattr only writes the struct it is given.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut t) } != 0 {
            return Err(format!("tcgetattr: {}", std::io::Error::last_os_error()));
        }
        let (icanon, echo) = (t.c_lflag & libc::ICANON != 0, t.c_lflag & libc::ECHO != 0);
        if icanon && echo {
            Ok(())
        } else {
            Err(format!(
                "the terminal was left in raw mode (icanon {icanon}, echo {echo})"
            ))
        }
    }

    #[cfg(not(unix))]
    fn tty_restored(&self) -> Result<(), String> {
        Ok(())
    }

    /// Closes the terminal: the program gets SIGHUP. Waits for it to end.
    pub fn hang_up(&mut self) {
        *self.writer.lock().unwrap() = None;
        self.master = None;
        self.slave = None;
        if self.wait_exit(Duration::from_secs(5)).is_none() {
            let _ = self.child.kill();
        }
    }

    fn show(&self) -> String {
        format!(
            "----- screen ({}x{}) -----\n{}\n--------------------------\n",
            self.size.0,
            self.size.1,
            self.text()
        )
    }

    /// Runs one play step; Err says why it did not hold.
    fn step(&mut self, verb: &str, rest: &str, log: &mut String) -> Result<(), String> {
        match verb {
            "key" => {
                for k in rest.split_whitespace() {
                    let bytes = key_bytes(k).ok_or(format!("unknown key '{k}'"))?;
                    self.send(&bytes);
                    // A lone Escape must not merge with the next key into
                    // an Alt chord or an escape sequence.
                    std::thread::sleep(Duration::from_millis(if k == "Escape" { 60 } else { 5 }));
                }
            }
            "type" => self.send(rest.as_bytes()),
            "wait" => std::thread::sleep(Duration::from_secs_f64(rest.parse().unwrap())),
            "wait-for" => {
                let (re, limit) = split_limit(rest);
                let re = regex(&re)?;
                let end = Instant::now() + limit;
                while !self.matches(&re) {
                    if Instant::now() > end {
                        return Err(format!(
                            "'{re}' did not appear within {}s",
                            limit.as_secs_f64()
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(30));
                }
            }
            // Until the text is gone: the step before it has been acted on
            // (two Escapes sent too close together read as one).
            "wait-gone" => {
                let (re, limit) = split_limit(rest);
                let re = regex(&re)?;
                let end = Instant::now() + limit;
                while self.matches(&re) {
                    if Instant::now() > end {
                        return Err(format!(
                            "'{re}' was still on screen after {}s",
                            limit.as_secs_f64()
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(30));
                }
            }
            "expect" => {
                if !self.matches(&regex(rest)?) {
                    return Err(format!("expected '{rest}' on screen"));
                }
            }
            "reject" => {
                if self.matches(&regex(rest)?) {
                    return Err(format!("'{rest}' should not be on screen"));
                }
            }
            "snap" => log.push_str(&self.show()),
            "resize" => self.resize(rest),
            "exits" => {
                let (code, limit) = split_limit(rest);
                let want: u32 = code.parse().map_err(|_| "exits CODE".to_string())?;
                match self.wait_exit(limit) {
                    Some(c) if c == want => {}
                    Some(c) => return Err(format!("exited {c}, expected {want}")),
                    None => return Err(format!("still running after {}s", limit.as_secs())),
                }
                // Let the reader take the program's last output.
                std::thread::sleep(Duration::from_millis(50));
            }
            "tty-restored" => self.tty_restored()?,
            other => return Err(format!("unknown step '{other}'")),
        }
        Ok(())
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if self.poll_exit().is_none() {
            let _ = self.child.kill();
        }
    }
}

fn regex(re: &str) -> Result<Regex, String> {
    Regex::new(re).map_err(|e| format!("bad regex '{re}': {e}"))
}

/// "REGEX 5" → ("REGEX", 5 s); the number is optional.
fn split_limit(rest: &str) -> (String, Duration) {
    if let Some((head, tail)) = rest.rsplit_once(' ')
        && let Ok(s) = tail.parse::<f64>()
    {
        return (head.to_string(), Duration::from_secs_f64(s));
    }
    (rest.to_string(), Duration::from_secs(5))
}

/// The bytes a terminal sends for a key name.
fn key_bytes(k: &str) -> Option<Vec<u8>> {
    let fixed: &[u8] = match k {
        "Enter" => b"\r",
        "Escape" => b"\x1b",
        "Tab" => b"\t",
        "BTab" => b"\x1b[Z",
        "Space" => b" ",
        "BSpace" => b"\x7f",
        "Up" => b"\x1b[A",
        "Down" => b"\x1b[B",
        "Right" => b"\x1b[C",
        "Left" => b"\x1b[D",
        "Home" => b"\x1b[H",
        "End" => b"\x1b[F",
        "PageUp" => b"\x1b[5~",
        "PageDown" => b"\x1b[6~",
        _ => {
            if let Some(c) = k.strip_prefix("C-")
                && c.len() == 1
            {
                let b = c.as_bytes()[0].to_ascii_lowercase();
                return b.is_ascii_lowercase().then(|| vec![b - b'a' + 1]);
            }
            let k = k.trim_matches('\'');
            return (k.chars().count() == 1).then(|| k.as_bytes().to_vec());
        }
    };
    Some(fixed.to_vec())
}

/// Runs `play` against a started program. Returns whether every step held,
/// and a transcript (the failed step and the screen when one did not).
pub fn play(term: &mut Term, play: &str) -> (bool, String) {
    let mut log = String::new();
    for (n, line) in play.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
        if let Err(why) = term.step(verb, rest, &mut log) {
            log.push_str(&format!("play: FAILED at line {}: {why}\n", n + 1));
            log.push_str(&term.show());
            return (false, log);
        }
    }
    if term.poll_exit().is_none() {
        term.hang_up();
    }
    (true, log)
}

/// Starts the statedist binary with `args` in a `size` terminal and runs `play`.
pub fn drive(
    size: &str,
    args: &[&std::ffi::OsStr],
    env: &[&str],
    play_text: &str,
) -> (bool, String) {
    let mut term = Term::spawn(size, env!("CARGO_BIN_EXE_statedist"), args, env);
    play(&mut term, play_text)
}
