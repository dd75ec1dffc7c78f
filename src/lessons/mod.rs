//! Lessons: Markdown files `lessons/NN-name.md` with TOML front-matter.
//!
//! ```text
//! +++
//! id = "cap"
//! title = "CAP theorem in practice"
//! block = 1            # 1-7 for focus blocks; absent for the other entries
//! minutes = 20
//! scenarios = ["cap-cp", "cap-ap"]
//! questions = ["block1"]
//! +++
//! # CAP theorem in practice
//! ...
//! ### Try it: cap-cp
//! ```
//!
//! Conventions the reader understands: GitHub call-outs (`> [!NOTE]`,
//! `> [!TIP]`, `> [!WARNING]`), hidden model answers (`> [!ANSWER]`), and
//! "Try it" headings (`### Try it: SCENARIO`) naming a scenario the lesson
//! lists. The lessons are embedded in the binary (see `build.rs`); a content
//! directory overrides them for authors. This module is plain synchronous
//! Rust: it parses and validates, and the terminal front end draws.

use std::fmt;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::scenario::{self, ScenarioInfo};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/lessons.rs"));
}

/// A parsed lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Where it came from, as messages name it: `lessons/01-cap.md`.
    pub file: String,
    pub id: String,
    pub title: String,
    /// The focus block (1-7), or `None` for integration, anti-patterns, takeaways.
    pub block: Option<u8>,
    pub minutes: u32,
    pub scenarios: Vec<String>,
    pub questions: Vec<String>,
    /// The Markdown after the front-matter.
    pub body: String,
    /// The file's line number (1-based) of the body's first line.
    pub body_line: usize,
    /// The file's line number of the front-matter's `scenarios` (or its first line).
    pub scenarios_line: usize,
    /// The file's line number of the front-matter's `questions`.
    pub questions_line: usize,
}

/// A `### Try it: SCENARIO` heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TryIt {
    pub scenario: String,
    /// Byte offset of the heading in [`Lesson::body`].
    pub offset: usize,
    /// Line of the heading in the file (1-based).
    pub line: usize,
}

/// A problem with a lesson file, located to a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for LessonError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    title: String,
    block: Option<u8>,
    minutes: u32,
    #[serde(default)]
    scenarios: Vec<String>,
    #[serde(default)]
    questions: Vec<String>,
}

const FENCE: &str = "+++";

/// Markdown options every reader of lesson text uses (GFM call-outs, tables...).
pub fn markdown_options() -> Options {
    Options::ENABLE_GFM
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
}

/// Parses one lesson file. `file` is the name used in error messages.
pub fn parse(file: &str, text: &str) -> Result<Lesson, LessonError> {
    let err = |line: usize, message: String| LessonError {
        file: file.to_string(),
        line,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != FENCE {
        return Err(err(
            1,
            format!(
                "a lesson starts with a `{FENCE}` line, then TOML front-matter (id, title, minutes...), then `{FENCE}`"
            ),
        ));
    }
    let fm_start = first.len();
    let mut pos = fm_start;
    let mut close = None;
    for (i, l) in lines.enumerate() {
        if l.trim_end() == FENCE {
            close = Some((pos, pos + l.len(), i + 2));
            break;
        }
        pos += l.len();
    }
    let Some((fm_end, body_start, close_line)) = close else {
        return Err(err(
            1,
            format!("the front-matter opened here is never closed: add a `{FENCE}` line after it"),
        ));
    };
    let fm_text = &text[fm_start..fm_end];
    let fm: FrontMatter = toml::from_str(fm_text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        let line = 2 + fm_text[..at.min(fm_text.len())].matches('\n').count();
        err(line, format!("front-matter: {}", e.message().trim_end()))
    })?;
    let field_line = |name: &str| {
        fm_text
            .lines()
            .position(|l| l.trim_start().starts_with(name))
            .map_or(2, |i| i + 2)
    };
    if let Some(b) = fm.block.filter(|b| !(1..=7).contains(b)) {
        return Err(err(
            field_line("block"),
            format!(
                "front-matter: block is {b}, but focus blocks are numbered 1 to 7 (leave it out for other lessons)"
            ),
        ));
    }
    if fm.id.trim().is_empty() {
        return Err(err(field_line("id"), "front-matter: id is empty".into()));
    }
    Ok(Lesson {
        file: file.to_string(),
        id: fm.id,
        title: fm.title,
        block: fm.block,
        minutes: fm.minutes,
        scenarios: fm.scenarios,
        questions: fm.questions,
        body: text[body_start..].to_string(),
        body_line: close_line + 1,
        scenarios_line: field_line("scenarios"),
        questions_line: field_line("questions"),
    })
}

impl Lesson {
    /// The file line (1-based) of a byte offset in the body.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.body.len());
        self.body_line
            + self.body.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
    }

    /// Every heading: (level, byte offset in the body, plain text).
    fn headings(&self) -> Vec<(HeadingLevel, usize, String)> {
        let mut out = Vec::new();
        let mut inside: Option<(HeadingLevel, usize, String)> = None;
        for (ev, range) in Parser::new_ext(&self.body, markdown_options()).into_offset_iter() {
            match ev {
                Event::Start(Tag::Heading { level, .. }) => {
                    inside = Some((level, range.start, String::new()))
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, _, s)) = &mut inside {
                        s.push_str(&t);
                    }
                }
                Event::End(TagEnd::Heading(_)) => out.extend(inside.take()),
                _ => {}
            }
        }
        out
    }

    /// The "Try it" headings, in order.
    pub fn try_its(&self) -> Vec<TryIt> {
        self.headings()
            .into_iter()
            .filter(|(level, _, _)| *level == HeadingLevel::H3)
            .filter_map(|(_, offset, text)| {
                Some(TryIt {
                    scenario: try_it_name(&text)?.to_string(),
                    offset,
                    line: self.line_of(offset),
                })
            })
            .collect()
    }

    /// Headings that look like a "Try it" but that the reader will not treat
    /// as one (another level, no colon, no scenario): (line, heading text).
    pub fn malformed_try_its(&self) -> Vec<(usize, String)> {
        self.headings()
            .into_iter()
            .filter(|(level, _, text)| {
                text.trim().to_lowercase().starts_with("try it")
                    && (*level != HeadingLevel::H3 || try_it_name(text).is_none())
            })
            .map(|(_, offset, text)| (self.line_of(offset), text))
            .collect()
    }

    /// The first paragraph after the title, as plain text: what the course
    /// map shows about the lesson.
    pub fn excerpt(&self) -> String {
        let mut out = String::new();
        let mut in_para = false;
        for ev in Parser::new_ext(&self.body, markdown_options()) {
            match ev {
                Event::Start(Tag::Paragraph) => in_para = true,
                Event::End(TagEnd::Paragraph) if in_para => break,
                Event::Text(t) | Event::Code(t) if in_para => out.push_str(&t),
                Event::SoftBreak | Event::HardBreak if in_para => out.push(' '),
                _ => {}
            }
        }
        out
    }

    /// The scenarios a live cluster beside this lesson can run, best first:
    /// the lesson's own list (those that exist), else the catalogue's
    /// scenarios of the lesson's block.
    pub fn live_scenarios(&self) -> Vec<&'static ScenarioInfo> {
        let listed: Vec<_> = self
            .scenarios
            .iter()
            .filter_map(|s| scenario::find(s))
            .collect();
        if !listed.is_empty() {
            return listed;
        }
        scenario::catalogue()
            .iter()
            .filter(|s| Some(s.block) == self.block)
            .collect()
    }
}

/// `Try it: cap-cp` → `cap-cp`.
pub fn try_it_name(heading: &str) -> Option<&str> {
    let rest = heading.trim().strip_prefix("Try it:")?;
    let name = rest.trim().trim_matches('`').trim();
    (!name.is_empty()).then_some(name)
}

/// Where lessons come from: the copies built into the binary, or a content
/// directory holding `lessons/`.
fn sources(content_dir: Option<&Path>) -> Result<Vec<(String, String)>, LessonError> {
    let Some(dir) = content_dir else {
        return Ok(embedded::EMBEDDED_LESSONS
            .iter()
            .map(|(name, text)| (format!("lessons/{name}"), text.to_string()))
            .collect());
    };
    let ldir: PathBuf = dir.join("lessons");
    let rd = std::fs::read_dir(&ldir).map_err(|e| LessonError {
        file: ldir.display().to_string(),
        line: 0,
        message: format!("cannot read the lessons directory: {e}"),
    })?;
    let mut paths: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.display().to_string();
            std::fs::read_to_string(&p)
                .map(|t| (name.clone(), t))
                .map_err(|e| LessonError {
                    file: name,
                    line: 0,
                    message: format!("cannot read: {e}"),
                })
        })
        .collect()
}

/// The lessons that parsed (in file-name order) and the errors of those that did not.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub lessons: Vec<Lesson>,
    pub errors: Vec<LessonError>,
}

/// Loads every lesson: embedded, or from `content_dir/lessons/*.md`.
pub fn load(content_dir: Option<&Path>) -> Loaded {
    let mut out = Loaded::default();
    match sources(content_dir) {
        Ok(files) => {
            for (name, text) in files {
                match parse(&name, &text) {
                    Ok(l) => out.lessons.push(l),
                    Err(e) => out.errors.push(e),
                }
            }
        }
        Err(e) => out.errors.push(e),
    }
    out
}

/// Validates the lessons (embedded, or under `content_dir`): front-matter,
/// unique ids and blocks, scenarios that exist in the catalogue, "Try it"
/// headings that name an existing scenario the lesson lists, and question
/// banks that exist. One `file:line: message` per problem; empty when all
/// is well.
pub fn check(content_dir: Option<&Path>) -> Vec<String> {
    report(content_dir)
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect()
}

/// [`check`] as a content report, for `statedist check-content`: its
/// summary counts the lessons ("10 lessons").
pub fn report(content_dir: Option<&Path>) -> crate::content::CheckReport {
    let loaded = load(content_dir);
    let mut problems = located_problems(&loaded);
    let banks = crate::content::load_banks(content_dir);
    let ids: Vec<&str> = banks.banks.iter().map(|b| b.id.as_str()).collect();
    for l in &loaded.lessons {
        for q in &l.questions {
            if !ids.contains(&q.as_str()) {
                problems.push(LessonError {
                    file: l.file.clone(),
                    line: l.questions_line,
                    message: format!(
                        "questions lists '{q}', which is not a question bank (the banks are: {})",
                        ids.join(", ")
                    ),
                });
            }
        }
    }
    let n = loaded.lessons.len();
    crate::content::CheckReport {
        diagnostics: problems
            .into_iter()
            .map(|e| crate::content::Diagnostic {
                file: e.file,
                line: (e.line > 0).then_some(e.line),
                message: e.message,
            })
            .collect(),
        summary: vec![format!("{n} lesson{}", if n == 1 { "" } else { "s" })],
    }
}

/// [`check`] on lessons already loaded (without the question-bank check,
/// which needs the banks).
pub fn check_loaded(loaded: &Loaded) -> Vec<String> {
    located_problems(loaded)
        .iter()
        .map(|e| e.to_string())
        .collect()
}

fn located_problems(loaded: &Loaded) -> Vec<LessonError> {
    let mut problems: Vec<LessonError> = loaded.errors.clone();
    let mut ids: Vec<(&str, &str)> = Vec::new();
    let mut blocks: Vec<(u8, &str)> = Vec::new();
    let catalogue = || {
        scenario::catalogue()
            .iter()
            .map(|i| i.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    for l in &loaded.lessons {
        let at = |line: usize, message: String| LessonError {
            file: l.file.clone(),
            line,
            message,
        };
        if let Some((_, other)) = ids.iter().find(|(id, _)| *id == l.id) {
            problems.push(at(2, format!("id \"{}\" is also used by {other}", l.id)));
        }
        ids.push((&l.id, &l.file));
        if let Some(b) = l.block {
            if let Some((_, other)) = blocks.iter().find(|(x, _)| *x == b) {
                problems.push(at(2, format!("block {b} already has a lesson ({other})")));
            }
            blocks.push((b, &l.file));
        }
        for s in &l.scenarios {
            if scenario::find(s).is_none() {
                problems.push(at(
                    l.scenarios_line,
                    format!(
                        "scenarios lists '{s}', which is not in the catalogue (it has: {})",
                        catalogue()
                    ),
                ));
            }
        }
        for (line, text) in l.malformed_try_its() {
            problems.push(at(
                line,
                format!(
                    "heading \"{}\" looks like a \"Try it\" but is not one: write `### Try it: SCENARIO`",
                    text.trim()
                ),
            ));
        }
        for t in l.try_its() {
            if scenario::find(&t.scenario).is_none() {
                problems.push(at(
                    t.line,
                    format!(
                        "\"Try it: {}\" names a scenario that does not exist (the catalogue has: {})",
                        t.scenario,
                        catalogue()
                    ),
                ));
            } else if !l.scenarios.contains(&t.scenario) {
                problems.push(at(
                    t.line,
                    format!(
                        "\"Try it: {}\" names a scenario the front-matter's scenarios list does not have ({})",
                        t.scenario,
                        if l.scenarios.is_empty() {
                            "it is empty".to_string()
                        } else {
                            l.scenarios.join(", ")
                        }
                    ),
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nid = \"cap\"\ntitle = \"CAP\"\nblock = 1\nminutes = 20\nscenarios = [\"cap-cp\"]\n+++\n# CAP\n\ntext\n\n### Try it: cap-cp\n\nmore\n";

    #[test]
    fn parses_front_matter_and_body() {
        let l = parse("lessons/01-cap.md", GOOD).unwrap();
        assert_eq!(l.id, "cap");
        assert_eq!(l.block, Some(1));
        assert_eq!(l.minutes, 20);
        assert_eq!(l.body_line, 8);
        assert!(l.body.starts_with("# CAP"));
        let t = l.try_its();
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].scenario, "cap-cp");
        assert_eq!(t[0].line, 12);
        assert!(
            check_loaded(&Loaded {
                lessons: vec![l],
                errors: vec![]
            })
            .is_empty()
        );
    }

    #[test]
    fn broken_front_matter_names_file_and_line() {
        let bad = "+++\nid = \"cap\"\ntitle = CAP\nminutes = 20\n+++\nbody\n";
        let e = parse("lessons/x.md", bad).unwrap_err();
        assert_eq!(e.file, "lessons/x.md");
        assert_eq!(e.line, 3, "{e}");
        assert!(
            e.to_string().starts_with("lessons/x.md:3: front-matter:"),
            "{e}"
        );

        let e = parse("a.md", "# no front matter\n").unwrap_err();
        assert_eq!((e.line, e.message.contains("+++")), (1, true));
        let e = parse("a.md", "+++\nid = \"x\"\n").unwrap_err();
        assert!(e.message.contains("never closed"), "{e}");
        let e = parse("a.md", "+++\nid = \"x\"\ntitle = \"t\"\n+++\n").unwrap_err();
        assert!(e.message.contains("minutes"), "{e}");
        let e = parse(
            "a.md",
            "+++\nid = \"x\"\ntitle = \"t\"\nminutes = 1\nblok = 2\n+++\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        let e = parse(
            "a.md",
            "+++\nid = \"x\"\ntitle = \"t\"\nminutes = 1\nblock = 9\n+++\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 5, "{e}");
    }

    #[test]
    fn check_reports_unknown_scenarios_and_unlisted_try_its() {
        let text = "+++\nid = \"x\"\ntitle = \"t\"\nminutes = 1\nscenarios = [\"nope\"]\n+++\nintro\n\n### Try it: cap-ap\n";
        let l = parse("lessons/x.md", text).unwrap();
        let p = check_loaded(&Loaded {
            lessons: vec![l.clone(), l],
            errors: vec![],
        });
        assert!(p.iter().any(|m| m.contains("'nope'")), "{p:?}");
        assert!(
            p.iter()
                .any(|m| m.starts_with("lessons/x.md:9:") && m.contains("Try it: cap-ap")),
            "{p:?}"
        );
        assert!(p.iter().any(|m| m.contains("also used by")), "{p:?}");
    }

    #[test]
    fn check_reports_try_its_naming_no_scenario_and_malformed_ones() {
        let text = "+++\nid = \"x\"\ntitle = \"t\"\nminutes = 1\nscenarios = [\"cap-cp\"]\n+++\n\n### Try it: nope\n\n## Try it: cap-cp\n\n### Try it\n";
        let l = parse("lessons/x.md", text).unwrap();
        assert_eq!(l.try_its().len(), 1);
        let p = check_loaded(&Loaded {
            lessons: vec![l],
            errors: vec![],
        });
        assert!(
            p.iter()
                .any(|m| m.starts_with("lessons/x.md:8:") && m.contains("does not exist")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|m| m.starts_with("lessons/x.md:10:") && m.contains("### Try it: SCENARIO")),
            "{p:?}"
        );
        assert!(p.iter().any(|m| m.starts_with("lessons/x.md:12:")), "{p:?}");
        assert_eq!(p.len(), 3, "{p:?}");
    }

    #[test]
    fn report_counts_the_lessons() {
        let r = report(None);
        assert!(r.is_ok(), "{:?}", r.diagnostics);
        assert_eq!(r.summary, vec!["10 lessons".to_string()]);
    }

    #[test]
    fn embedded_lessons_pass_the_content_check() {
        let problems = check(None);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn embedded_lessons_parse() {
        let loaded = load(None);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        for l in &loaded.lessons {
            for t in l.try_its() {
                assert!(
                    l.scenarios.contains(&t.scenario),
                    "{}: {}",
                    l.file,
                    t.scenario
                );
            }
        }
    }
}
