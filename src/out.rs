//! Line-mode output that cannot panic. `println!` panics when standard output
//! is a closed pipe (`statedist progress --json | head -1`) or a full disk;
//! these macros note the first error instead, stop writing, and let the
//! command end cleanly through [`finish`]: quietly with its own exit code
//! for a closed pipe (as git and ripgrep do), with a one-line error and
//! exit 1 for anything else.

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::Mutex;

/// The first write error: its kind and its words ("No space left on device").
static FAILED: Mutex<Option<(io::ErrorKind, String)>> = Mutex::new(None);

/// Writes to standard output unless an earlier write failed.
pub fn write(args: std::fmt::Arguments) {
    if broken() {
        return;
    }
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|_| out.flush()) {
        *FAILED.lock().unwrap_or_else(|p| p.into_inner()) = Some((e.kind(), e.to_string()));
    }
}

/// Writes to standard error; an error there has nowhere left to be told.
pub fn write_err(args: std::fmt::Arguments) {
    let _ = io::stderr().lock().write_fmt(args);
}

/// Whether standard output has failed: nobody reads what we print.
pub fn broken() -> bool {
    FAILED.lock().unwrap_or_else(|p| p.into_inner()).is_some()
}

/// The exit code of a command that printed through these macros.
pub fn finish(code: ExitCode) -> ExitCode {
    let failed = FAILED.lock().unwrap_or_else(|p| p.into_inner()).clone();
    match failed {
        None => code,
        Some((io::ErrorKind::BrokenPipe, _)) => code,
        Some((_, words)) => {
            write_err(format_args!(
                "statedist: cannot write the output: {words}\n"
            ));
            ExitCode::FAILURE
        }
    }
}

/// `print!` that never panics (see the module).
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => { $crate::out::write(format_args!($($t)*)) };
}

/// `println!` that never panics (see the module).
#[macro_export]
macro_rules! outln {
    () => { $crate::out::write(format_args!("\n")) };
    ($($t:tt)*) => { $crate::out::write(format_args!("{}\n", format_args!($($t)*))) };
}

/// `eprintln!` that never panics (a full or closed standard error).
#[macro_export]
macro_rules! errln {
    () => { $crate::out::write_err(format_args!("\n")) };
    ($($t:tt)*) => { $crate::out::write_err(format_args!("{}\n", format_args!($($t)*))) };
}
