//! Course content: exercise banks (`exercises/*.toml`), embedded in the
//! binary; `--content-dir DIR` reads `DIR/exercises/*.toml` from disk instead.
//!
//! [`check`] validates everything and returns diagnostics in the
//! `exercises/FILE.toml:LINE: message` form. Other content (lessons) can add
//! its own diagnostics and summary to the same [`CheckReport`].

pub mod exercises;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::quiz::Bank;

/// One problem found in the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the author knows it: `exercises/block2.toml`, or the
    /// full path when reading from a content directory.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// The result of validating the content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub diagnostics: Vec<Diagnostic>,
    /// What was checked, for the "ok: ..." line: e.g. "11 banks, 180 items".
    pub summary: Vec<String>,
}

impl CheckReport {
    pub fn is_ok(&self) -> bool {
        self.diagnostics.is_empty()
    }
}

/// One exercise file's text and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// Name for diagnostics.
    pub file: String,
    /// The bank id (file stem).
    pub stem: String,
    pub text: String,
}

/// The exercise files: embedded, or `DIR/exercises/*.toml` (sorted by name).
pub fn exercise_sources(content_dir: Option<&Path>) -> Result<Vec<Source>, Diagnostic> {
    match content_dir {
        None => Ok(exercises::EMBEDDED
            .iter()
            .map(|(name, text)| Source {
                file: format!("exercises/{name}"),
                stem: name.trim_end_matches(".toml").to_string(),
                text: (*text).to_string(),
            })
            .collect()),
        Some(dir) => {
            let ex = dir.join("exercises");
            let rd = std::fs::read_dir(&ex).map_err(|e| Diagnostic {
                file: ex.display().to_string(),
                line: None,
                message: format!("cannot read the exercises directory: {e}"),
            })?;
            let mut paths: Vec<PathBuf> = Vec::new();
            for entry in rd {
                let entry = entry.map_err(|e| Diagnostic {
                    file: ex.display().to_string(),
                    line: None,
                    message: format!("cannot list the exercises directory: {e}"),
                })?;
                let p = entry.path();
                if p.extension().is_some_and(|x| x == "toml") && p.is_file() {
                    paths.push(p);
                }
            }
            paths.sort();
            let mut out = Vec::new();
            for p in paths {
                let file = p.display().to_string();
                let text = std::fs::read_to_string(&p).map_err(|e| Diagnostic {
                    file: file.clone(),
                    line: None,
                    message: format!("cannot read: {e}"),
                })?;
                let stem = p
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                out.push(Source { file, stem, text });
            }
            Ok(out)
        }
    }
}

/// Every bank that parsed, and the diagnostics of those that did not.
#[derive(Debug, Clone, Default)]
pub struct Banks {
    pub banks: Vec<Bank>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Banks {
    pub fn get(&self, id: &str) -> Option<&Bank> {
        self.banks.iter().find(|b| b.id == id)
    }

    /// The item with this full id (`block2.quorum-overlap`), in any bank.
    pub fn item(&self, id: &str) -> Option<&crate::quiz::Item> {
        let bank = id.split('.').next()?;
        self.get(bank)?.item(id)
    }

    /// The diagnostics of one bank's file.
    pub fn diagnostics_for(&self, id: &str) -> Vec<&Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| {
                Path::new(&d.file)
                    .file_stem()
                    .is_some_and(|s| s.to_string_lossy() == id)
            })
            .collect()
    }
}

/// Load every exercise bank (embedded, or from `content_dir`).
pub fn load_banks(content_dir: Option<&Path>) -> Banks {
    let sources = match exercise_sources(content_dir) {
        Ok(s) => s,
        Err(d) => {
            return Banks {
                banks: Vec::new(),
                diagnostics: vec![d],
            };
        }
    };
    let mut out = Banks::default();
    for s in sources {
        let (bank, diags) = exercises::parse_bank(&s.file, &s.stem, &s.text);
        out.diagnostics.extend(diags);
        if let Some(b) = bank {
            out.banks.push(b);
        }
    }
    out
}

/// Validate the exercise banks: syntax, fields, answers in range, unique
/// ids, explanations, known generators, and that the required banks exist.
pub fn check(content_dir: Option<&Path>) -> CheckReport {
    let banks = load_banks(content_dir);
    let mut diagnostics = banks.diagnostics.clone();
    let dir_name = match content_dir {
        Some(d) => d.join("exercises").display().to_string(),
        None => "exercises".to_string(),
    };
    if let Ok(sources) = exercise_sources(content_dir) {
        for req in exercises::REQUIRED_BANKS {
            if !sources.iter().any(|s| s.stem == *req) {
                diagnostics.push(Diagnostic {
                    file: format!("{dir_name}/{req}.toml"),
                    line: None,
                    message: format!("missing bank \"{req}\": the program needs it"),
                });
            }
        }
    }
    let items: usize = banks.banks.iter().map(|b| b.items.len()).sum();
    CheckReport {
        diagnostics,
        summary: vec![format!("{} banks, {items} items", banks.banks.len())],
    }
}
