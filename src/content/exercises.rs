//! Exercise banks: `exercises/*.toml`, embedded in the binary, parsed and
//! validated into [`Bank`]s.
//!
//! A bank file looks like this (see `exercises/README.md` for every field):
//!
//! ```toml
//! [bank]
//! title = "Replication strategies"
//! minutes = 8          # time limit of a run
//! pick = 10            # questions per run (default: all)
//! shuffle = true       # seeded shuffle (default: false, file order)
//!
//! [[item]]
//! id = "async-follower-read"      # full id: block2.async-follower-read
//! kind = "single"                 # single multiple numeric short set order design generated
//! prompt = "..."
//! choices = ["...", "..."]
//! answer = "b"
//! explanation = "..."
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::Diagnostic;
use crate::quiz::{Bank, BankKind, Form, Generator, Item, ItemSpec, Key, Scored};

/// The exercise files built into the binary: (file name, contents).
/// Add a new bank here as well as in `exercises/` (a test checks the two agree).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("block1.toml", include_str!("../../exercises/block1.toml")),
    ("block2.toml", include_str!("../../exercises/block2.toml")),
    ("block3.toml", include_str!("../../exercises/block3.toml")),
    ("block4.toml", include_str!("../../exercises/block4.toml")),
    ("block5.toml", include_str!("../../exercises/block5.toml")),
    ("block6.toml", include_str!("../../exercises/block6.toml")),
    ("block7.toml", include_str!("../../exercises/block7.toml")),
    (
        "gauntlet1.toml",
        include_str!("../../exercises/gauntlet1.toml"),
    ),
    (
        "gauntlet2.toml",
        include_str!("../../exercises/gauntlet2.toml"),
    ),
    (
        "gauntlet3.toml",
        include_str!("../../exercises/gauntlet3.toml"),
    ),
    (
        "gauntlet4.toml",
        include_str!("../../exercises/gauntlet4.toml"),
    ),
];

/// The banks the program needs: the seven focus blocks and four gauntlets.
pub const REQUIRED_BANKS: &[&str] = &[
    "block1",
    "block2",
    "block3",
    "block4",
    "block5",
    "block6",
    "block7",
    "gauntlet1",
    "gauntlet2",
    "gauntlet3",
    "gauntlet4",
];

const KINDS: &[&str] = &[
    "single",
    "multiple",
    "numeric",
    "short",
    "set",
    "order",
    "design",
    "generated",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    bank: Option<Spanned<RawBank>>,
    #[serde(default)]
    item: Vec<Spanned<RawItem>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBank {
    title: Option<Spanned<String>>,
    minutes: Option<Spanned<i64>>,
    pick: Option<Spanned<i64>>,
    #[serde(default)]
    shuffle: bool,
    #[serde(default)]
    intro: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    prompt: Option<Spanned<String>>,
    choices: Option<Spanned<Vec<String>>>,
    answer: Option<Spanned<toml::Value>>,
    answers: Option<Spanned<Vec<String>>>,
    tolerance: Option<Spanned<f64>>,
    unit: Option<String>,
    accept: Option<Spanned<Vec<String>>>,
    parts: Option<Spanned<Vec<Vec<String>>>>,
    steps: Option<Spanned<Vec<String>>>,
    options: Option<Spanned<Vec<RawScored>>>,
    reasons: Option<Spanned<Vec<RawScored>>>,
    model: Option<Spanned<String>>,
    pass: Option<Spanned<f64>>,
    generator: Option<Spanned<String>>,
    keep_order: Option<Spanned<bool>>,
    explanation: Option<Spanned<String>>,
    /// A shipped demonstration that shows what the item asks about.
    demo: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScored {
    text: String,
    #[serde(default)]
    points: i32,
    #[serde(default)]
    feedback: String,
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn err(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: self.file.to_string(),
            line: Some(line_of(self.text, span.start)),
            message: message.into(),
        });
    }
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
}

fn letter_index(s: &str) -> Option<usize> {
    let s = s.trim();
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_lowercase() => Some((c as u8 - b'a') as usize),
        _ => None,
    }
}

/// Parse and validate one bank file. `file` is the name used in
/// diagnostics (e.g. `exercises/block2.toml`), `stem` the bank id.
/// Returns the bank when there were no errors.
pub fn parse_bank(file: &str, stem: &str, text: &str) -> (Option<Bank>, Vec<Diagnostic>) {
    let mut cx = Ctx {
        file,
        text,
        diags: Vec::new(),
    };
    if !valid_id(stem) {
        cx.diags.push(Diagnostic {
            file: file.to_string(),
            line: None,
            message: format!(
                "the file name \"{stem}\" is not a valid bank id: use lower-case letters, digits and '-'"
            ),
        });
    }
    let raw: RawFile = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start));
            cx.diags.push(Diagnostic {
                file: file.to_string(),
                line,
                message: e.message().trim().to_string(),
            });
            return (None, cx.diags);
        }
    };
    let Some(bank) = raw.bank else {
        cx.diags.push(Diagnostic {
            file: file.to_string(),
            line: Some(1),
            message: "missing [bank] table (title, minutes)".to_string(),
        });
        return (None, cx.diags);
    };
    let bank_span = bank.span();
    let rb = bank.into_inner();
    let title = match rb.title {
        Some(t) if !t.get_ref().trim().is_empty() => t.into_inner(),
        Some(t) => {
            cx.err(t.span(), "bank title is empty");
            String::new()
        }
        None => {
            cx.err(bank_span.clone(), "[bank] needs a title");
            String::new()
        }
    };
    let minutes = match rb.minutes {
        Some(m) if (1..=120).contains(m.get_ref()) => *m.get_ref() as u32,
        Some(m) => {
            cx.err(
                m.span(),
                format!("minutes must be 1-120, not {}", m.get_ref()),
            );
            1
        }
        None => {
            cx.err(
                bank_span.clone(),
                "[bank] needs minutes (the time limit of a run)",
            );
            1
        }
    };

    let mut items = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for raw_item in raw.item {
        let span = raw_item.span();
        let line = line_of(text, span.start);
        if let Some(item) = parse_item(&mut cx, stem, raw_item.into_inner(), span, &mut seen) {
            items.push(Item { line, ..item });
        }
    }
    if items.is_empty() && cx.diags.is_empty() {
        cx.err(bank_span.clone(), "the bank has no [[item]]s");
    }
    let pick = match rb.pick {
        Some(p) if *p.get_ref() >= 1 && (*p.get_ref() as usize) <= items.len().max(1) => {
            Some(*p.get_ref() as usize)
        }
        Some(p) => {
            cx.err(
                p.span(),
                format!(
                    "pick must be between 1 and the number of items ({}), not {}",
                    items.len(),
                    p.get_ref()
                ),
            );
            None
        }
        None => None,
    };
    if !cx.diags.is_empty() {
        return (None, cx.diags);
    }
    (
        Some(Bank {
            id: stem.to_string(),
            title,
            kind: BankKind::from_id(stem),
            minutes,
            pick,
            shuffle: rb.shuffle,
            intro: rb.intro,
            items,
        }),
        cx.diags,
    )
}

fn nonempty(
    cx: &mut Ctx,
    field: Option<Spanned<String>>,
    what: &str,
    item_span: &Range<usize>,
) -> Option<String> {
    match field {
        Some(s) if !s.get_ref().trim().is_empty() => Some(s.into_inner()),
        Some(s) => {
            cx.err(s.span(), format!("{what} is empty"));
            None
        }
        None => {
            cx.err(item_span.clone(), format!("missing {what}"));
            None
        }
    }
}

fn choices_of(
    cx: &mut Ctx,
    choices: Option<Spanned<Vec<String>>>,
    item_span: &Range<usize>,
) -> Option<Vec<String>> {
    let Some(c) = choices else {
        cx.err(item_span.clone(), "missing choices");
        return None;
    };
    let span = c.span();
    let c = c.into_inner();
    if c.len() < 2 || c.len() > 26 {
        cx.err(span, format!("choices needs 2-26 options, not {}", c.len()));
        return None;
    }
    let mut set = BTreeSet::new();
    for o in &c {
        if o.trim().is_empty() {
            cx.err(span.clone(), "a choice is empty");
            return None;
        }
        if !set.insert(o.trim().to_lowercase()) {
            cx.err(span.clone(), format!("duplicate choice \"{o}\""));
            return None;
        }
    }
    Some(c)
}

fn scored_of(
    cx: &mut Ctx,
    field: Option<Spanned<Vec<RawScored>>>,
    what: &str,
    min: usize,
    item_span: &Range<usize>,
) -> Option<(Vec<Scored>, Range<usize>)> {
    let Some(f) = field else {
        cx.err(item_span.clone(), format!("missing {what}"));
        return None;
    };
    let span = f.span();
    let list: Vec<Scored> = f
        .into_inner()
        .into_iter()
        .map(|r| Scored {
            text: r.text,
            points: r.points,
            feedback: r.feedback,
        })
        .collect();
    if list.len() < min || list.len() > 26 {
        cx.err(
            span,
            format!("{what} needs {min}-26 entries, not {}", list.len()),
        );
        return None;
    }
    if list.iter().any(|s| s.text.trim().is_empty()) {
        cx.err(span, format!("an entry of {what} has empty text"));
        return None;
    }
    if list.iter().any(|s| s.feedback.trim().is_empty()) {
        cx.err(
            span,
            format!("every entry of {what} needs feedback (why it earns its points)"),
        );
        return None;
    }
    Some((list, span))
}

fn keep_order(r: &RawItem) -> bool {
    r.keep_order.as_ref().is_some_and(|k| *k.get_ref())
}

/// Which fields each kind may use (besides id, kind, explanation).
fn allowed_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "single" => &["prompt", "choices", "answer", "keep_order"],
        "multiple" => &["prompt", "choices", "answers", "keep_order"],
        "numeric" => &["prompt", "answer", "tolerance", "unit"],
        "short" => &["prompt", "accept"],
        "set" => &["prompt", "parts"],
        "order" => &["prompt", "steps"],
        "design" => &["prompt", "options", "reasons", "model", "pass"],
        "generated" => &["generator"],
        _ => &[],
    }
}

fn present_fields(r: &RawItem) -> Vec<(&'static str, Range<usize>)> {
    let mut v = Vec::new();
    macro_rules! f {
        ($name:ident) => {
            if let Some(x) = &r.$name {
                v.push((stringify!($name), x.span()));
            }
        };
    }
    f!(prompt);
    f!(choices);
    f!(answer);
    f!(answers);
    f!(tolerance);
    f!(accept);
    f!(parts);
    f!(steps);
    f!(options);
    f!(reasons);
    f!(model);
    f!(pass);
    f!(generator);
    f!(keep_order);
    v
}

fn parse_item(
    cx: &mut Ctx,
    stem: &str,
    r: RawItem,
    span: Range<usize>,
    seen: &mut BTreeMap<String, usize>,
) -> Option<Item> {
    let errors_before = cx.diags.len();
    let id = match &r.id {
        Some(id) if valid_id(id.get_ref()) => {
            let line = line_of(cx.text, id.span().start);
            if let Some(first) = seen.insert(id.get_ref().clone(), line) {
                cx.err(
                    id.span(),
                    format!(
                        "duplicate item id \"{}\" (first used on line {first})",
                        id.get_ref()
                    ),
                );
            }
            format!("{stem}.{}", id.get_ref())
        }
        Some(id) => {
            cx.err(
                id.span(),
                format!(
                    "item id \"{}\" must be lower-case letters, digits and '-'",
                    id.get_ref()
                ),
            );
            String::new()
        }
        None => {
            cx.err(span.clone(), "item has no id");
            String::new()
        }
    };
    let kind = match &r.kind {
        Some(k) if KINDS.contains(&k.get_ref().as_str()) => k.get_ref().clone(),
        Some(k) => {
            cx.err(
                k.span(),
                format!(
                    "unknown kind \"{}\" (use one of: {})",
                    k.get_ref(),
                    KINDS.join(", ")
                ),
            );
            return None;
        }
        None => {
            cx.err(span.clone(), "item has no kind");
            return None;
        }
    };
    let allowed = allowed_fields(&kind);
    for (name, fspan) in present_fields(&r) {
        if !allowed.contains(&name) {
            cx.err(
                fspan,
                format!("field `{name}` does not apply to a {kind} item"),
            );
        }
    }
    if r.unit.is_some() && kind != "numeric" {
        cx.err(
            span.clone(),
            format!("field `unit` does not apply to a {kind} item"),
        );
    }
    let keep = keep_order(&r);
    let explanation = match r.explanation {
        Some(e) if !e.get_ref().trim().is_empty() => e.into_inner(),
        // generated items compute theirs; design items show the model answer and rubric
        Some(e) if kind != "generated" && kind != "design" => {
            cx.err(e.span(), "explanation is empty");
            String::new()
        }
        None if kind != "generated" && kind != "design" => {
            cx.err(
                span.clone(),
                "missing explanation (every item explains its answer)",
            );
            String::new()
        }
        _ => String::new(),
    };
    // The answer, seen happening: the explanation ends with how to watch it.
    let explanation = match &r.demo {
        None => explanation,
        Some(d) => match crate::scenario::demos::find(d.get_ref()) {
            Some(demo) => format!(
                "{} Watch it happen: statedist playground --demo {}",
                explanation.trim_end(),
                demo.name
            )
            .trim_start()
            .to_string(),
            None => {
                cx.err(d.span(), crate::scenario::demos::unknown(d.get_ref()));
                explanation
            }
        },
    };
    let spec = match kind.as_str() {
        "single" => {
            let prompt = nonempty(cx, r.prompt, "prompt", &span);
            let choices = choices_of(cx, r.choices, &span);
            let answer = match (&r.answer, &choices) {
                (Some(a), Some(c)) => match a.get_ref().as_str().and_then(letter_index) {
                    Some(i) if i < c.len() => Some(i),
                    Some(i) => {
                        cx.err(
                            a.span(),
                            format!(
                                "answer \"{}\" is out of range: there are {} choices (a-{})",
                                crate::quiz::text::letter(i),
                                c.len(),
                                crate::quiz::text::letter(c.len() - 1)
                            ),
                        );
                        None
                    }
                    None => {
                        cx.err(a.span(), "answer must be one choice letter, e.g. \"b\"");
                        None
                    }
                },
                (None, _) => {
                    cx.err(span.clone(), "missing answer (a choice letter, e.g. \"b\")");
                    None
                }
                _ => None,
            };
            match (prompt, choices, answer) {
                (Some(prompt), Some(choices), Some(answer)) => Some(ItemSpec::Single {
                    prompt,
                    choices,
                    answer,
                    keep_order: keep,
                }),
                _ => None,
            }
        }
        "multiple" => {
            let prompt = nonempty(cx, r.prompt, "prompt", &span);
            let choices = choices_of(cx, r.choices, &span);
            let answers = match (&r.answers, &choices) {
                (Some(a), Some(c)) => {
                    let mut set = BTreeSet::new();
                    let mut ok = !a.get_ref().is_empty();
                    if !ok {
                        cx.err(a.span(), "answers is empty: list at least one letter");
                    }
                    for s in a.get_ref() {
                        match letter_index(s) {
                            Some(i) if i < c.len() => {
                                if !set.insert(i) {
                                    cx.err(a.span(), format!("answer \"{s}\" is listed twice"));
                                    ok = false;
                                }
                            }
                            _ => {
                                cx.err(
                                    a.span(),
                                    format!(
                                        "answer \"{s}\" is not a choice letter a-{}",
                                        crate::quiz::text::letter(c.len() - 1)
                                    ),
                                );
                                ok = false;
                            }
                        }
                    }
                    ok.then_some(set)
                }
                (None, _) => {
                    cx.err(
                        span.clone(),
                        "missing answers (choice letters, e.g. [\"a\", \"c\"])",
                    );
                    None
                }
                _ => None,
            };
            match (prompt, choices, answers) {
                (Some(prompt), Some(choices), Some(answers)) => Some(ItemSpec::Multiple {
                    prompt,
                    choices,
                    answers,
                    keep_order: keep,
                }),
                _ => None,
            }
        }
        "numeric" => {
            let prompt = nonempty(cx, r.prompt, "prompt", &span);
            let answer = match &r.answer {
                Some(a) => match a.get_ref() {
                    toml::Value::Integer(i) => Some(*i as f64),
                    toml::Value::Float(f) if f.is_finite() => Some(*f),
                    _ => {
                        cx.err(a.span(), "answer of a numeric item must be a number");
                        None
                    }
                },
                None => {
                    cx.err(span.clone(), "missing answer (a number)");
                    None
                }
            };
            let tolerance = match &r.tolerance {
                Some(t) if *t.get_ref() >= 0.0 && t.get_ref().is_finite() => *t.get_ref(),
                Some(t) => {
                    cx.err(t.span(), "tolerance must be a number >= 0");
                    0.0
                }
                None => 0.0,
            };
            match (prompt, answer) {
                (Some(prompt), Some(answer)) => Some(ItemSpec::Numeric {
                    prompt,
                    answer,
                    tolerance,
                    unit: r.unit.clone(),
                }),
                _ => None,
            }
        }
        "short" => {
            let prompt = nonempty(cx, r.prompt, "prompt", &span);
            let accept = match r.accept {
                Some(a) => {
                    let bad = a.get_ref().is_empty()
                        || a.get_ref()
                            .iter()
                            .any(|s| crate::quiz::text::normalize(s).is_empty());
                    if bad {
                        cx.err(a.span(), "accept needs at least one non-empty answer");
                        None
                    } else {
                        Some(a.into_inner())
                    }
                }
                None => {
                    cx.err(span.clone(), "missing accept (the accepted answers)");
                    None
                }
            };
            match (prompt, accept) {
                (Some(prompt), Some(accept)) => Some(ItemSpec::Short { prompt, accept }),
                _ => None,
            }
        }
        "set" => {
            let prompt = nonempty(cx, r.prompt, "prompt", &span);
            let parts = match r.parts {
                Some(p) => {
                    let bad = p.get_ref().len() < 2
                        || p.get_ref().iter().any(|syns| {
                            syns.is_empty()
                                || syns
                                    .iter()
                                    .any(|s| crate::quiz::text::normalize(s).is_empty())
                        });
                    // a synonym in two parts would make grading ambiguous
                    let mut all = BTreeMap::new();
                    let mut dup = None;
                    for (i, syns) in p.get_ref().iter().enumerate() {
                        for s in syns {
                            if let Some(j) = all.insert(crate::quiz::text::normalize(s), i)
                                && j != i
                            {
                                dup = Some(s.clone());
                            }
                        }
                    }
                    if bad {
                        cx.err(
                            p.span(),
                            "parts needs at least 2 parts, each a non-empty list of synonyms",
                        );
                        None
                    } else if let Some(d) = dup {
                        cx.err(p.span(), format!("\"{d}\" appears in two parts"));
                        None
                    } else {
                        Some(p.into_inner())
                    }
                }
                None => {
                    cx.err(span.clone(), "missing parts (a list of synonym lists)");
                    None
                }
            };
            match (prompt, parts) {
                (Some(prompt), Some(parts)) => Some(ItemSpec::Set { prompt, parts }),
                _ => None,
            }
        }
        "order" => {
            let prompt = nonempty(cx, r.prompt, "prompt", &span);
            let steps = match r.steps {
                Some(s) if (3..=26).contains(&s.get_ref().len()) => {
                    let distinct: BTreeSet<String> = s
                        .get_ref()
                        .iter()
                        .map(|x| x.trim().to_lowercase())
                        .collect();
                    if distinct.len() != s.get_ref().len() || distinct.contains("") {
                        cx.err(s.span(), "steps must be distinct and non-empty");
                        None
                    } else {
                        Some(s.into_inner())
                    }
                }
                Some(s) => {
                    cx.err(
                        s.span(),
                        format!("steps needs 3-26 entries, not {}", s.get_ref().len()),
                    );
                    None
                }
                None => {
                    cx.err(span.clone(), "missing steps (in the right order)");
                    None
                }
            };
            match (prompt, steps) {
                (Some(prompt), Some(steps)) => Some(ItemSpec::Order { prompt, steps }),
                _ => None,
            }
        }
        "design" => {
            let prompt = nonempty(cx, r.prompt, "prompt", &span);
            let options = scored_of(cx, r.options, "options", 2, &span);
            let reasons = scored_of(cx, r.reasons, "reasons", 1, &span);
            let model = nonempty(cx, r.model, "model (the model answer)", &span);
            let pass = match &r.pass {
                Some(p) if *p.get_ref() > 0.0 && *p.get_ref() <= 1.0 => *p.get_ref(),
                Some(p) => {
                    cx.err(p.span(), "pass must be a fraction in (0, 1]");
                    0.7
                }
                None => 0.7,
            };
            if let Some((opts, ospan)) = &options
                && !opts.iter().any(|o| o.points > 0)
            {
                cx.err(ospan.clone(), "at least one option needs positive points");
            }
            match (prompt, options, reasons, model) {
                (Some(prompt), Some((options, _)), Some((reasons, _)), Some(model)) => {
                    Some(ItemSpec::Design {
                        prompt,
                        options,
                        reasons,
                        model,
                        pass,
                    })
                }
                _ => None,
            }
        }
        "generated" => match &r.generator {
            Some(g) => match Generator::from_name(g.get_ref()) {
                Some(generator) => Some(ItemSpec::Generated { generator }),
                None => {
                    cx.err(
                        g.span(),
                        format!(
                            "unknown generator \"{}\" (known: {})",
                            g.get_ref(),
                            Generator::ALL
                                .iter()
                                .map(|g| g.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    None
                }
            },
            None => {
                cx.err(span.clone(), "missing generator");
                None
            }
        },
        _ => None,
    };
    if cx.diags.len() > errors_before {
        return None;
    }
    let item = Item {
        id,
        spec: spec?,
        explanation,
        line: 0,
    };
    // the item must instantiate to a well-formed question for any seed
    for seed in 0..8 {
        if let Some(problem) = self_check(&item, seed) {
            cx.err(span.clone(), problem);
            return None;
        }
    }
    Some(item)
}

/// A consistency check of an instantiated question: the key fits the form.
pub fn self_check(item: &Item, seed: u64) -> Option<String> {
    let q = item.instantiate(seed);
    let ok = match (&q.form, q.key()) {
        (Form::Choice { options }, Key::Choice(k)) => *k < options.len(),
        (Form::MultiChoice { options }, Key::Choices(k)) => {
            !k.is_empty() && k.iter().all(|i| *i < options.len())
        }
        (Form::Number { .. }, Key::Number { value, tolerance }) => {
            value.is_finite() && *tolerance >= 0.0
        }
        (Form::Text, Key::Text(a)) => !a.is_empty(),
        (Form::TextList { parts }, Key::Set(p)) => *parts == p.len(),
        (Form::Numbers { len }, Key::Numbers(k)) => *len == k.len(),
        (Form::Order { steps }, Key::Order(k)) => {
            let mut s = k.clone();
            s.sort_unstable();
            s == (0..steps.len()).collect::<Vec<_>>()
        }
        (
            Form::Design { options, reasons },
            Key::Design {
                option_points,
                reason_points,
                ..
            },
        ) => options.len() == option_points.len() && reasons.len() == reason_points.len(),
        _ => false,
    };
    if !ok {
        return Some(format!(
            "item {} does not produce a well-formed question (seed {seed})",
            item.id
        ));
    }
    if q.prompt.trim().is_empty() || q.explanation.trim().is_empty() {
        return Some(format!(
            "item {} has an empty prompt or explanation (seed {seed})",
            item.id
        ));
    }
    // the right answer must grade as right
    let right = q.parse(&answer_input(&q)).map(|r| q.grade(&r));
    match right {
        Ok(g) if g.verdict == crate::quiz::Verdict::Right => None,
        _ => Some(format!(
            "item {}: its own answer does not grade as right (seed {seed})",
            item.id
        )),
    }
}

/// What a learner would type to give the keyed answer (for self-checks and tests).
pub fn answer_input(q: &crate::quiz::Question) -> String {
    use crate::quiz::text::letter;
    match q.key() {
        Key::Choice(k) => letter(*k).to_string(),
        Key::Choices(k) => k.iter().map(|i| letter(*i)).collect(),
        Key::Number { value, .. } => crate::quiz::fmt_num(*value),
        Key::Text(a) => a.first().cloned().unwrap_or_default(),
        Key::Set(p) => p
            .iter()
            .filter_map(|s| s.first().cloned())
            .collect::<Vec<_>>()
            .join(", "),
        Key::Numbers(n) => format!("{n:?}"),
        Key::Order(k) => k.iter().map(|i| letter(*i)).collect(),
        Key::Design {
            option_points,
            reason_points,
            ..
        } => {
            let best = option_points
                .iter()
                .enumerate()
                .max_by_key(|(i, p)| (**p, std::cmp::Reverse(*i)))
                .map_or(0, |(i, _)| i);
            let mut s = letter(best).to_string();
            for (i, p) in reason_points.iter().enumerate() {
                if *p > 0 {
                    s.push_str(&format!(" {}", i + 1));
                }
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Bank>, Vec<Diagnostic>) {
        parse_bank("exercises/t.toml", "t", text)
    }

    const HEAD: &str = "[bank]\ntitle = \"T\"\nminutes = 3\n";

    #[test]
    fn a_good_bank_parses() {
        let text = format!(
            "{HEAD}\n[[item]]\nid = \"one\"\nkind = \"single\"\nprompt = \"P?\"\nchoices = [\"x\", \"y\"]\nanswer = \"b\"\nexplanation = \"E\"\n\n[[item]]\nid = \"gen\"\nkind = \"generated\"\ngenerator = \"pbft-max-faulty\"\n"
        );
        let (bank, diags) = parse(&text);
        assert!(diags.is_empty(), "{diags:?}");
        let bank = bank.unwrap();
        assert_eq!(bank.items.len(), 2);
        assert_eq!(bank.items[0].id, "t.one");
        assert_eq!(bank.items[0].line, 5);
        assert_eq!(bank.items[1].line, 13);
    }

    #[test]
    fn a_demo_is_named_in_the_explanation_and_an_unknown_one_refused() {
        let item = |demo: &str| {
            format!(
                "{HEAD}\n[[item]]\nid = \"one\"\nkind = \"single\"\nprompt = \"P?\"\nchoices = [\"x\", \"y\"]\nanswer = \"b\"\ndemo = \"{demo}\"\nexplanation = \"E.\"\n"
            )
        };
        let (bank, diags) = parse(&item("raft-figure8"));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            bank.unwrap().items[0].explanation,
            "E. Watch it happen: statedist playground --demo raft-figure8"
        );
        let (bank, diags) = parse(&item("raft-nope"));
        assert!(bank.is_none());
        assert!(
            diags[0]
                .message
                .contains("unknown demonstration 'raft-nope'"),
            "{diags:?}"
        );
    }

    #[test]
    fn answer_out_of_range_points_at_its_line() {
        let text = format!(
            "{HEAD}\n[[item]]\nid = \"one\"\nkind = \"single\"\nprompt = \"P?\"\nchoices = [\"x\", \"y\"]\nanswer = \"c\"\nexplanation = \"E\"\n"
        );
        let (bank, diags) = parse(&text);
        assert!(bank.is_none());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].line, Some(10));
        assert!(
            diags[0].message.contains("out of range"),
            "{}",
            diags[0].message
        );
    }

    #[test]
    fn duplicate_ids_and_missing_explanations_are_reported() {
        let item = "[[item]]\nid = \"one\"\nkind = \"short\"\nprompt = \"P?\"\naccept = [\"x\"]\n";
        let text = format!("{HEAD}\n{item}explanation = \"E\"\n\n{item}");
        let (_, diags) = parse(&text);
        let msgs: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("duplicate item id") && m.contains(":13:")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("missing explanation")),
            "{msgs:?}"
        );
    }

    #[test]
    fn syntax_errors_and_unknown_fields_have_lines() {
        let (_, diags) = parse(&format!("{HEAD}\n[[item]]\nid = \"x\nkind = 3\n"));
        assert_eq!(diags[0].line, Some(6), "{diags:?}");
        let (_, diags) = parse(&format!(
            "{HEAD}\n[[item]]\nid = \"x\"\nkind = \"short\"\nprompt = \"p\"\naccept = [\"a\"]\nexplanaton = \"typo\"\n"
        ));
        assert!(diags[0].message.contains("explanaton"), "{diags:?}");
        assert_eq!(diags[0].line, Some(10), "{diags:?}");
    }

    #[test]
    fn fields_of_another_kind_are_rejected() {
        let (_, diags) = parse(&format!(
            "{HEAD}\n[[item]]\nid = \"x\"\nkind = \"short\"\nprompt = \"p\"\naccept = [\"a\"]\nchoices = [\"a\", \"b\"]\nexplanation = \"e\"\n"
        ));
        assert!(
            diags[0].message.contains("`choices` does not apply"),
            "{diags:?}"
        );
        assert_eq!(diags[0].line, Some(10));
    }
}
