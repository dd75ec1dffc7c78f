//! The progress file on disk: locking, reading, atomic saving, and moving a
//! broken file aside.
//!
//! Every change goes through [`update`]: take an exclusive lock on
//! `progress.lock`, re-read `progress.toml`, apply the change, write a
//! temporary file in the same directory, fsync it, rename it over
//! `progress.toml`, fsync the directory, release the lock. A crash at any
//! point leaves either the old file or the new one, never a mix; leftover
//! temporary files are ignored and removed by the next save.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::time::Timestamp;
use super::{Notice, Progress, ProgressError, SCHEMA};

/// The progress file's name inside the data directory.
pub const FILE_NAME: &str = "progress.toml";
/// The lock file's name inside the data directory.
pub const LOCK_NAME: &str = "progress.lock";
const TMP_PREFIX: &str = "progress.toml.tmp-";

fn io_err<'a>(
    path: &'a Path,
    action: &'static str,
) -> impl FnOnce(io::Error) -> ProgressError + 'a {
    move |source| ProgressError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// The data directory: `explicit` (from `--data-dir` / `STATEDIST_DATA_DIR`)
/// or the platform's data directory for statedist.
pub fn resolve_dir(explicit: Option<&Path>) -> Result<PathBuf, ProgressError> {
    if let Some(d) = explicit {
        return Ok(d.to_path_buf());
    }
    directories::ProjectDirs::from("", "", "statedist")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or(ProgressError::NoDataDir)
}

/// Holds the exclusive lock on `progress.lock` until dropped.
struct LockGuard {
    file: File,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        // closing the file releases the lock too; unlock explicitly for clarity
        let _ = fs4::FileExt::unlock(&self.file);
    }
}

fn lock(dir: &Path) -> Result<LockGuard, ProgressError> {
    fs::create_dir_all(dir).map_err(io_err(dir, "cannot create the data directory"))?;
    let path = dir.join(LOCK_NAME);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(io_err(&path, "cannot open the lock file"))?;
    fs4::FileExt::lock(&file).map_err(io_err(&path, "cannot lock"))?;
    Ok(LockGuard { file })
}

/// What reading the file found.
enum Read {
    Missing,
    Ok(Progress),
    Newer(u32, Option<Progress>),
    Broken(String),
}

fn read(path: &Path) -> Result<Read, ProgressError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Read::Missing),
        Err(e) => return Err(io_err(path, "cannot read")(e)),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(Read::Broken("it is not UTF-8 text".to_string()));
    };
    let table: toml::Table = match toml::from_str(&text) {
        Ok(t) => t,
        Err(e) => return Ok(Read::Broken(describe_toml_error(&text, &e))),
    };
    let schema = match table.get("schema") {
        Some(toml::Value::Integer(n)) if *n >= 1 => *n,
        Some(_) => {
            return Ok(Read::Broken(
                "its `schema` is not a positive whole number".into(),
            ));
        }
        None => return Ok(Read::Broken("it has no `schema` number".into())),
    };
    if schema > i64::from(SCHEMA) {
        let found = u32::try_from(schema).unwrap_or(u32::MAX);
        return Ok(Read::Newer(found, toml::from_str(&text).ok()));
    }
    match toml::from_str::<Progress>(&text) {
        Ok(p) => Ok(Read::Ok(p)),
        Err(e) => Ok(Read::Broken(describe_toml_error(&text, &e))),
    }
}

fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let line = text.as_bytes()[..span.start.min(text.len())]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            format!("line {line}: {}", e.message().trim())
        }
        None => e.message().trim().to_string(),
    }
}

/// Move a broken file to `progress.toml.broken-YYYYMMDD-HHMMSS` (never
/// replacing an existing file) and return the new path.
fn move_aside(dir: &Path, path: &Path) -> Result<PathBuf, ProgressError> {
    let stamp = Timestamp::now().compact();
    let mut target = dir.join(format!("{FILE_NAME}.broken-{stamp}"));
    let mut n = 2;
    while target.exists() {
        target = dir.join(format!("{FILE_NAME}.broken-{stamp}-{n}"));
        n += 1;
    }
    fs::rename(path, &target).map_err(io_err(path, "cannot move the unreadable file aside"))?;
    sync_dir(dir)?;
    Ok(target)
}

/// Read under the lock; move a broken file aside. `Err(NewerSchema)` when
/// the file belongs to a newer program.
fn read_locked(dir: &Path) -> Result<(Progress, Option<Notice>), ProgressError> {
    let path = dir.join(FILE_NAME);
    match read(&path)? {
        Read::Missing => Ok((Progress::new(), None)),
        Read::Ok(p) => Ok((p, None)),
        Read::Newer(found, _) => Err(ProgressError::NewerSchema { path, found }),
        Read::Broken(reason) => {
            let broken = move_aside(dir, &path)?;
            Ok((Progress::new(), Some(Notice::MovedAside { broken, reason })))
        }
    }
}

/// Load the progress in `dir` (empty progress when there is none yet).
///
/// A file that cannot be parsed is moved aside and a notice says where. A
/// file from a newer schema is read as well as possible and left untouched,
/// with a notice; [`update`] will refuse to write it.
pub fn load(dir: &Path) -> Result<(Progress, Option<Notice>), ProgressError> {
    let path = dir.join(FILE_NAME);
    if !path.exists() {
        return Ok((Progress::new(), None));
    }
    // a read-only data directory: read without the lock, change nothing
    let _guard = lock(dir).ok();
    match read(&path)? {
        Read::Missing => Ok((Progress::new(), None)),
        Read::Ok(p) => Ok((p, None)),
        Read::Newer(found, p) => Ok((
            p.unwrap_or_default(),
            Some(Notice::NewerSchema { path, found }),
        )),
        Read::Broken(reason) if _guard.is_some() => {
            let broken = move_aside(dir, &path)?;
            Ok((Progress::new(), Some(Notice::MovedAside { broken, reason })))
        }
        Read::Broken(reason) => Ok((Progress::new(), Some(Notice::Unreadable { path, reason }))),
    }
}

/// Apply `change` to the progress in `dir` and save it, atomically and
/// under an exclusive lock, so concurrent copies of the program lose nothing.
pub fn update<T>(
    dir: &Path,
    change: impl FnOnce(&mut Progress) -> T,
) -> Result<(T, Option<Notice>), ProgressError> {
    let _guard = lock(dir)?;
    remove_stale_temps(dir);
    let (mut progress, notice) = read_locked(dir)?;
    let out = change(&mut progress);
    save_locked(dir, &progress, None)?;
    Ok((out, notice))
}

fn remove_stale_temps(dir: &Path) {
    // only the lock holder writes temporary files, so any we see is stale
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Steps of a save, for simulating a crash part-way (tests only).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveStep {
    /// The temporary file exists but is empty.
    Created,
    /// Half of the new contents were written.
    HalfWritten,
    /// Everything written, not yet fsynced.
    Written,
    /// Written and fsynced, not yet renamed.
    Synced,
}

/// Save as if the process died at `step` (tests only): leaves the
/// temporary file behind and never touches `progress.toml`.
#[doc(hidden)]
pub fn save_interrupted(
    dir: &Path,
    progress: &Progress,
    step: SaveStep,
) -> Result<PathBuf, ProgressError> {
    let _guard = lock(dir)?;
    let (tmp, _) = write_temp(dir, progress, Some(step))?;
    Ok(tmp)
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn write_temp(
    dir: &Path,
    progress: &Progress,
    stop: Option<SaveStep>,
) -> Result<(PathBuf, bool), ProgressError> {
    let text = toml::to_string(progress).map_err(|e| ProgressError::Serialize(e.to_string()))?;
    let tmp = dir.join(format!(
        "{TMP_PREFIX}{}-{}",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(io_err(&tmp, "cannot create a temporary file"))?;
    if stop == Some(SaveStep::Created) {
        return Ok((tmp, false));
    }
    let bytes = text.as_bytes();
    if stop == Some(SaveStep::HalfWritten) {
        f.write_all(&bytes[..bytes.len() / 2])
            .map_err(io_err(&tmp, "cannot write"))?;
        return Ok((tmp, false));
    }
    f.write_all(bytes).map_err(io_err(&tmp, "cannot write"))?;
    if stop == Some(SaveStep::Written) {
        return Ok((tmp, false));
    }
    f.sync_all().map_err(io_err(&tmp, "cannot flush to disk"))?;
    if stop == Some(SaveStep::Synced) {
        return Ok((tmp, false));
    }
    Ok((tmp, true))
}

fn save_locked(
    dir: &Path,
    progress: &Progress,
    stop: Option<SaveStep>,
) -> Result<(), ProgressError> {
    let path = dir.join(FILE_NAME);
    let (tmp, complete) = write_temp(dir, progress, stop)?;
    if !complete {
        return Ok(());
    }
    if let Err(e) = fs::rename(&tmp, &path) {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(&path, "cannot replace")(e));
    }
    sync_dir(dir)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), ProgressError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir, "cannot flush the directory to disk"))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), ProgressError> {
    Ok(())
}
