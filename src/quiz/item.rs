//! Items (as authored in a bank), questions (an item instantiated with a
//! seed), learner responses, and grading.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::generate::{Generated, Generator};
use super::text::{canonical, fnv1a, letter, letter_range, parse_letters, same_answer, split_list};

/// An option of a design question, or a reason, with its rubric points.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub text: String,
    /// Rubric points: positive for a good choice, zero or negative otherwise.
    pub points: i32,
    /// Shown after answering: why this option earns its points.
    pub feedback: String,
}

/// What an item asks and how it is graded, as written in a bank.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemSpec {
    /// Pick exactly one option. Options are shown in a seeded random order
    /// unless `keep_order` is set.
    Single {
        prompt: String,
        choices: Vec<String>,
        answer: usize,
        keep_order: bool,
    },
    /// Pick every correct option (at least one). Shown shuffled like `Single`.
    Multiple {
        prompt: String,
        choices: Vec<String>,
        answers: BTreeSet<usize>,
        keep_order: bool,
    },
    /// A number, right when within `tolerance` of `answer`.
    Numeric {
        prompt: String,
        answer: f64,
        tolerance: f64,
        unit: Option<String>,
    },
    /// A word or phrase; any of `accept` (normalised) is right.
    Short { prompt: String, accept: Vec<String> },
    /// A list typed in any order; each part lists its synonyms.
    Set {
        prompt: String,
        parts: Vec<Vec<String>>,
    },
    /// Put the steps (written here in the right order) in order; they are
    /// shown shuffled.
    Order { prompt: String, steps: Vec<String> },
    /// A design decision: one option plus any reasons, scored by a rubric.
    Design {
        prompt: String,
        options: Vec<Scored>,
        reasons: Vec<Scored>,
        model: String,
        /// Fraction of the rubric's maximum needed to count as right.
        pass: f64,
    },
    /// Parameters drawn from the seed, answer computed by the generator.
    Generated { generator: Generator },
}

/// One item of a bank.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Full, stable id: `bank.item`, e.g. `block2.quorum-overlap`.
    pub id: String,
    pub spec: ItemSpec,
    /// Shown after answering. For generated items this is an extra note
    /// appended to the computed explanation (may be empty).
    pub explanation: String,
    /// Line in the bank file where the item starts (1-based; 0 if unknown).
    pub line: usize,
}

impl Item {
    /// The question this item asks for a given seed. The same item and seed
    /// always give the same question (ChaCha8, seeded from the seed and the
    /// item id), on every machine.
    pub fn instantiate(&self, seed: u64) -> Question {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ fnv1a(&self.id));
        let (prompt, form, key, explanation, params) = match &self.spec {
            ItemSpec::Single {
                prompt,
                choices,
                answer,
                keep_order,
            } => {
                let (options, at) = shuffle_choices(choices, *keep_order, &mut rng);
                (
                    prompt.clone(),
                    Form::Choice { options },
                    Key::Choice(at[*answer]),
                    self.explanation.clone(),
                    BTreeMap::new(),
                )
            }
            ItemSpec::Multiple {
                prompt,
                choices,
                answers,
                keep_order,
            } => {
                let (options, at) = shuffle_choices(choices, *keep_order, &mut rng);
                (
                    prompt.clone(),
                    Form::MultiChoice { options },
                    Key::Choices(answers.iter().map(|a| at[*a]).collect()),
                    self.explanation.clone(),
                    BTreeMap::new(),
                )
            }
            ItemSpec::Numeric {
                prompt,
                answer,
                tolerance,
                unit,
            } => (
                prompt.clone(),
                Form::Number { unit: unit.clone() },
                Key::Number {
                    value: *answer,
                    tolerance: *tolerance,
                },
                self.explanation.clone(),
                BTreeMap::new(),
            ),
            ItemSpec::Short { prompt, accept } => (
                prompt.clone(),
                Form::Text,
                Key::Text(accept.clone()),
                self.explanation.clone(),
                BTreeMap::new(),
            ),
            ItemSpec::Set { prompt, parts } => (
                prompt.clone(),
                Form::TextList { parts: parts.len() },
                Key::Set(parts.clone()),
                self.explanation.clone(),
                BTreeMap::new(),
            ),
            ItemSpec::Order { prompt, steps } => {
                let perm = super::generate::shuffled_not_identity(steps.len(), &mut rng);
                // perm[k] = index (in the right order) of the step shown at k
                let shown: Vec<String> = perm.iter().map(|&i| steps[i].clone()).collect();
                // the right answer, as shown positions: for each step in order, where is it shown
                let mut order = vec![0; steps.len()];
                for (shown_at, &step) in perm.iter().enumerate() {
                    order[step] = shown_at;
                }
                (
                    prompt.clone(),
                    Form::Order { steps: shown },
                    Key::Order(order),
                    self.explanation.clone(),
                    BTreeMap::new(),
                )
            }
            ItemSpec::Design {
                prompt,
                options,
                reasons,
                model,
                pass,
            } => {
                let mut expl = String::new();
                expl.push_str("Model answer: ");
                expl.push_str(model.trim());
                if !self.explanation.trim().is_empty() {
                    expl.push('\n');
                    expl.push_str(self.explanation.trim());
                }
                expl.push_str("\nRubric:");
                for (i, o) in options.iter().enumerate() {
                    expl.push_str(&format!(
                        "\n  {}) {:+} {}",
                        letter(i),
                        o.points,
                        o.feedback.trim()
                    ));
                }
                for (i, r) in reasons.iter().enumerate() {
                    expl.push_str(&format!(
                        "\n  {}. {:+} {}",
                        i + 1,
                        r.points,
                        r.feedback.trim()
                    ));
                }
                (
                    prompt.clone(),
                    Form::Design {
                        options: options.iter().map(|o| o.text.clone()).collect(),
                        reasons: reasons.iter().map(|r| r.text.clone()).collect(),
                    },
                    Key::Design {
                        option_points: options.iter().map(|o| o.points).collect(),
                        reason_points: reasons.iter().map(|r| r.points).collect(),
                        pass: *pass,
                    },
                    expl,
                    BTreeMap::new(),
                )
            }
            ItemSpec::Generated { generator } => {
                let Generated {
                    prompt,
                    form,
                    key,
                    explanation,
                    params,
                } = generator.generate(&mut rng);
                let mut expl = explanation;
                if !self.explanation.trim().is_empty() {
                    expl.push('\n');
                    expl.push_str(self.explanation.trim());
                }
                (prompt, form, key, expl, params)
            }
        };
        Question {
            item_id: self.id.clone(),
            seed,
            prompt,
            form,
            key,
            explanation,
            params,
        }
    }

    /// Whether the item's answer is computed from a seed.
    pub fn is_generated(&self) -> bool {
        matches!(self.spec, ItemSpec::Generated { .. })
    }
}

/// How a question is answered, and what the learner is shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Form {
    /// One letter.
    Choice { options: Vec<String> },
    /// Any number of letters.
    MultiChoice { options: Vec<String> },
    /// A number.
    Number { unit: Option<String> },
    /// A word or phrase.
    Text,
    /// A list of `parts` words or phrases, in any order.
    TextList { parts: usize },
    /// A list of whole numbers, in order, e.g. a vector clock `[2, 0, 3]`.
    Numbers { len: usize },
    /// The letters of the steps, in the right order.
    Order { steps: Vec<String> },
    /// One option letter and the numbers of any reasons.
    Design {
        options: Vec<String>,
        reasons: Vec<String>,
    },
}

impl Form {
    /// A short hint of what to type.
    pub fn hint(&self) -> String {
        match self {
            Form::Choice { options } => format!("one letter ({})", letter_range(options.len())),
            Form::MultiChoice { options } => format!(
                "every letter that applies ({}), e.g. \"a c\"",
                letter_range(options.len())
            ),
            Form::Number { unit: Some(u) } => format!("a number ({u})"),
            Form::Number { unit: None } => "a number".to_string(),
            Form::Text => "a word or short phrase".to_string(),
            Form::TextList { parts } => format!("{parts} words or phrases, separated by commas"),
            Form::Numbers { len } => format!("{len} whole numbers, e.g. [1, 0, 2]"),
            Form::Order { steps } => format!(
                "all {} letters in the right order, e.g. \"{}\"",
                steps.len(),
                (0..steps.len()).rev().map(letter).collect::<String>()
            ),
            Form::Design { options, reasons } => format!(
                "one option letter ({}) then the numbers of every reason you agree with (1-{}), e.g. \"b 1 3\"",
                letter_range(options.len()),
                reasons.len()
            ),
        }
    }
}

/// The hidden answer key of a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Choice(usize),
    Choices(BTreeSet<usize>),
    Number {
        value: f64,
        tolerance: f64,
    },
    Text(Vec<String>),
    Set(Vec<Vec<String>>),
    Numbers(Vec<i64>),
    /// For each step in the right order, its shown position.
    Order(Vec<usize>),
    Design {
        option_points: Vec<i32>,
        reason_points: Vec<i32>,
        pass: f64,
    },
}

/// A learner's answer, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Choice(usize),
    Choices(BTreeSet<usize>),
    Number(f64),
    Text(String),
    Numbers(Vec<i64>),
    /// Shown positions, in the order the learner put them.
    Order(Vec<usize>),
    Design {
        option: usize,
        reasons: BTreeSet<usize>,
    },
}

/// Right, partly right, or wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Right,
    Partial,
    Wrong,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Right => "right",
            Verdict::Partial => "partly right",
            Verdict::Wrong => "wrong",
        })
    }
}

/// The grade of one response.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Grade {
    /// Fraction of the item's points earned, 0.0..=1.0.
    pub credit: f64,
    pub verdict: Verdict,
}

impl Grade {
    fn from_credit(credit: f64, pass: f64) -> Grade {
        let credit = if credit.is_finite() {
            credit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let verdict = if credit >= pass - 1e-9 {
            Verdict::Right
        } else if credit > 1e-9 {
            Verdict::Partial
        } else {
            Verdict::Wrong
        };
        Grade { credit, verdict }
    }
}

/// The grade in words, for every front end: "right", "right (80% of the
/// rubric)" (a design answer that passed without full marks), "partly right
/// (40%)", "wrong".
pub fn verdict_text(g: &Grade) -> String {
    match g.verdict {
        Verdict::Right if g.credit < 0.995 => {
            format!("right ({}% of the rubric)", (g.credit * 100.0).round())
        }
        Verdict::Right => "right".to_string(),
        Verdict::Partial => format!("partly right ({}%)", (g.credit * 100.0).round()),
        Verdict::Wrong => "wrong".to_string(),
    }
}

/// A typed answer that could not be read; the learner should try again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

/// An item instantiated with a seed: what the learner sees, and the key.
#[derive(Debug, Clone)]
pub struct Question {
    pub item_id: String,
    pub seed: u64,
    pub prompt: String,
    pub form: Form,
    key: Key,
    /// Shown after answering.
    pub explanation: String,
    /// The generated parameters (empty for authored items), so tests and
    /// tools can recompute the answer independently.
    pub params: BTreeMap<String, serde_json::Value>,
}

impl Question {
    /// Build a question directly (used by generators and tests).
    pub fn new(item_id: &str, prompt: &str, form: Form, key: Key, explanation: &str) -> Question {
        Question {
            item_id: item_id.to_string(),
            seed: 0,
            prompt: prompt.to_string(),
            form,
            key,
            explanation: explanation.to_string(),
            params: BTreeMap::new(),
        }
    }

    /// The answer key (for tools and tests; front ends show
    /// [`Question::answer_text`]).
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// Read a typed answer. An error means "ask again", not "wrong".
    pub fn parse(&self, input: &str) -> Result<Response, ParseError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(ParseError(format!("type {}", self.form.hint())));
        }
        match &self.form {
            Form::Choice { options } => {
                let picks = parse_letters(input, options.len()).map_err(ParseError)?;
                match picks.as_slice() {
                    [one] => Ok(Response::Choice(*one)),
                    _ => Err(ParseError(format!(
                        "pick exactly one letter ({})",
                        letter_range(options.len())
                    ))),
                }
            }
            Form::MultiChoice { options } => {
                let picks = parse_letters(input, options.len()).map_err(ParseError)?;
                Ok(Response::Choices(picks.into_iter().collect()))
            }
            Form::Number { .. } => parse_number(input).map(Response::Number),
            Form::Text | Form::TextList { .. } => Ok(Response::Text(input.to_string())),
            Form::Numbers { len } => {
                let nums = parse_int_list(input)?;
                if nums.len() != *len {
                    return Err(ParseError(format!(
                        "type {len} numbers (you typed {})",
                        nums.len()
                    )));
                }
                Ok(Response::Numbers(nums))
            }
            Form::Order { steps } => {
                let picks = parse_letters(input, steps.len()).map_err(ParseError)?;
                let distinct: BTreeSet<usize> = picks.iter().copied().collect();
                if picks.len() != steps.len() || distinct.len() != steps.len() {
                    return Err(ParseError(format!(
                        "use each letter {} exactly once",
                        letter_range(steps.len())
                    )));
                }
                Ok(Response::Order(picks))
            }
            Form::Design { options, reasons } => parse_design(input, options.len(), reasons.len()),
        }
    }

    /// Grade a parsed response. A response of the wrong shape is wrong.
    pub fn grade(&self, response: &Response) -> Grade {
        match (&self.key, response) {
            (Key::Choice(k), Response::Choice(r)) => {
                Grade::from_credit(if k == r { 1.0 } else { 0.0 }, 1.0)
            }
            (Key::Choices(k), Response::Choices(r)) => {
                let hits = r.intersection(k).count() as f64;
                let false_picks = r.difference(k).count() as f64;
                let credit = if k.is_empty() {
                    if r.is_empty() { 1.0 } else { 0.0 }
                } else {
                    (hits - false_picks) / k.len() as f64
                };
                Grade::from_credit(credit, 1.0)
            }
            (Key::Number { value, tolerance }, Response::Number(r)) => {
                let ok = (r - value).abs() <= tolerance + 1e-9 * value.abs().max(1.0);
                Grade::from_credit(if ok { 1.0 } else { 0.0 }, 1.0)
            }
            (Key::Text(accept), Response::Text(r)) => {
                let ok = accept.iter().any(|a| same_answer(r, a));
                Grade::from_credit(if ok { 1.0 } else { 0.0 }, 1.0)
            }
            (Key::Set(parts), Response::Text(r)) => Grade::from_credit(grade_set(parts, r), 1.0),
            (Key::Numbers(k), Response::Numbers(r)) => {
                Grade::from_credit(if k == r { 1.0 } else { 0.0 }, 1.0)
            }
            (Key::Order(k), Response::Order(r)) => Grade::from_credit(pairs_in_order(k, r), 1.0),
            (
                Key::Design {
                    option_points,
                    reason_points,
                    pass,
                },
                Response::Design { option, reasons },
            ) => {
                let best_option = option_points.iter().copied().max().unwrap_or(0).max(0);
                let max = best_option + reason_points.iter().filter(|p| **p > 0).sum::<i32>();
                let got = option_points.get(*option).copied().unwrap_or(0)
                    + reasons
                        .iter()
                        .map(|r| reason_points.get(*r).copied().unwrap_or(0))
                        .sum::<i32>();
                let credit = if max > 0 {
                    f64::from(got) / f64::from(max)
                } else {
                    0.0
                };
                Grade::from_credit(credit, *pass)
            }
            _ => Grade::from_credit(0.0, 1.0),
        }
    }

    /// Parse and grade in one step.
    pub fn grade_input(&self, input: &str) -> Result<Grade, ParseError> {
        self.parse(input).map(|r| self.grade(&r))
    }

    /// The right answer, for showing after the question.
    pub fn answer_text(&self) -> String {
        match &self.key {
            Key::Choice(k) => match &self.form {
                Form::Choice { options } => {
                    format!("{}) {}", letter(*k), options.get(*k).map_or("", |s| s))
                }
                _ => letter(*k).to_string(),
            },
            Key::Choices(k) => {
                let opts = match &self.form {
                    Form::MultiChoice { options } => options.as_slice(),
                    _ => &[],
                };
                k.iter()
                    .map(|i| format!("{}) {}", letter(*i), opts.get(*i).map_or("", |s| s)))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
            Key::Number { value, tolerance } => {
                let unit = match &self.form {
                    // "1 replica", "3 replicas"
                    Form::Number { unit: Some(u) } if *value == 1.0 && u.ends_with('s') => {
                        format!(" {}", &u[..u.len() - 1])
                    }
                    Form::Number { unit: Some(u) } => format!(" {u}"),
                    _ => String::new(),
                };
                if *tolerance > 0.0 {
                    format!("{}{unit} (±{})", fmt_num(*value), fmt_num(*tolerance))
                } else {
                    format!("{}{unit}", fmt_num(*value))
                }
            }
            Key::Text(accept) => accept.first().cloned().unwrap_or_default(),
            Key::Set(parts) => parts
                .iter()
                .filter_map(|p| p.first().cloned())
                .collect::<Vec<_>>()
                .join(", "),
            Key::Numbers(k) => format!(
                "[{}]",
                k.iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Key::Order(k) => {
                let steps = match &self.form {
                    Form::Order { steps } => steps.as_slice(),
                    _ => &[],
                };
                let letters: String = k.iter().map(|&i| letter(i)).collect();
                let named: Vec<String> = k
                    .iter()
                    .map(|&i| steps.get(i).cloned().unwrap_or_default())
                    .collect();
                format!("{letters}: {}", named.join(" -> "))
            }
            Key::Design { option_points, .. } => {
                let best = option_points
                    .iter()
                    .enumerate()
                    .max_by_key(|(i, p)| (**p, std::cmp::Reverse(*i)))
                    .map_or(0, |(i, _)| i);
                let opt = match &self.form {
                    Form::Design { options, .. } => options.get(best).cloned().unwrap_or_default(),
                    _ => String::new(),
                };
                let reasons: Vec<String> = match &self.key {
                    Key::Design { reason_points, .. } => reason_points
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| **p > 0)
                        .map(|(i, _)| (i + 1).to_string())
                        .collect(),
                    _ => Vec::new(),
                };
                format!("{}) {opt}; reasons {}", letter(best), reasons.join(" "))
            }
        }
    }

    /// Plain-text rendering of the question: prompt, then the options.
    pub fn render(&self) -> String {
        let mut s = self.prompt.trim_end().to_string();
        match &self.form {
            Form::Choice { options } | Form::MultiChoice { options } => {
                for (i, o) in options.iter().enumerate() {
                    s.push_str(&format!("\n  {}) {o}", letter(i)));
                }
            }
            Form::Order { steps } => {
                for (i, o) in steps.iter().enumerate() {
                    s.push_str(&format!("\n  {}) {o}", letter(i)));
                }
            }
            Form::Design { options, reasons } => {
                s.push_str("\nOptions:");
                for (i, o) in options.iter().enumerate() {
                    s.push_str(&format!("\n  {}) {o}", letter(i)));
                }
                s.push_str("\nReasons:");
                for (i, o) in reasons.iter().enumerate() {
                    s.push_str(&format!("\n  {}. {o}", i + 1));
                }
            }
            Form::Number { .. } | Form::Text | Form::TextList { .. } | Form::Numbers { .. } => {}
        }
        s
    }
}

/// The options in the order shown, and for each authored option its shown
/// position. Explanations that name options by letter would go stale, so
/// banks describe options by content.
fn shuffle_choices(
    choices: &[String],
    keep_order: bool,
    rng: &mut ChaCha8Rng,
) -> (Vec<String>, Vec<usize>) {
    let n = choices.len();
    let perm: Vec<usize> = if keep_order {
        (0..n).collect()
    } else {
        super::generate::shuffled(n, rng)
    };
    // perm[k] = authored index shown at position k
    let mut at = vec![0; n];
    for (shown, &authored) in perm.iter().enumerate() {
        at[authored] = shown;
    }
    (perm.iter().map(|&i| choices[i].clone()).collect(), at)
}

/// Format a number without a trailing ".0".
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn parse_number(input: &str) -> Result<f64, ParseError> {
    let s = input.trim().trim_start_matches(['~', '=', '≈']).trim();
    let raw: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E' | ','))
        .collect();
    let token = decimal_comma(&raw).ok_or_else(|| {
        ParseError(format!(
            "\"{input}\" is ambiguous: write the decimal point as . (2.5) and no thousands separator"
        ))
    })?;
    let rest = s[s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E' | ',')))
        .map_or(s.len(), |(i, _)| i)..]
        .trim();
    match token.parse::<f64>() {
        // allow a trailing unit or percent sign ("3 nodes", "99.9%"), not more numbers
        Ok(v) if v.is_finite() && !rest.chars().any(|c| c.is_ascii_digit()) => Ok(v),
        _ => Err(ParseError(format!(
            "\"{input}\" is not a number: type e.g. 3 or 2.5"
        ))),
    }
}

/// A number as typed, with its commas read: `50,4` is 50.4 (a lone comma
/// before one or two digits is a decimal comma), `1,000,000` has
/// thousands separators; `None` when a comma could mean either.
fn decimal_comma(raw: &str) -> Option<String> {
    let commas = raw.matches(',').count();
    if commas == 0 {
        return Some(raw.to_string());
    }
    let groups: Vec<&str> = raw.split(',').collect();
    let after = groups[1..]
        .iter()
        .map(|g| g.chars().take_while(|c| c.is_ascii_digit()).count());
    let thousands = after.clone().all(|n| n == 3) && !groups[0].contains('.');
    if thousands {
        return Some(raw.replace(',', ""));
    }
    if commas == 1 && !raw.contains('.') && matches!(after.clone().next(), Some(1 | 2)) {
        return Some(raw.replace(',', "."));
    }
    None
}

fn parse_int_list(input: &str) -> Result<Vec<i64>, ParseError> {
    let mut out = Vec::new();
    for tok in input.split(|c: char| !(c.is_ascii_digit() || c == '-')) {
        if tok.is_empty() {
            continue;
        }
        match tok.parse::<i64>() {
            Ok(v) => out.push(v),
            Err(_) => return Err(ParseError(format!("\"{tok}\" is not a whole number"))),
        }
    }
    if out.is_empty() {
        return Err(ParseError("type whole numbers, e.g. [1, 0, 2]".to_string()));
    }
    Ok(out)
}

fn parse_design(input: &str, n_options: usize, n_reasons: usize) -> Result<Response, ParseError> {
    let mut option = None;
    let mut reasons = BTreeSet::new();
    let mut num = String::new();
    let flush = |num: &mut String, reasons: &mut BTreeSet<usize>| -> Result<(), ParseError> {
        if num.is_empty() {
            return Ok(());
        }
        let v: usize = num
            .parse()
            .map_err(|_| ParseError(format!("\"{num}\" is not a reason number")))?;
        if v == 0 || v > n_reasons {
            return Err(ParseError(format!(
                "there is no reason {v}: use 1-{n_reasons}"
            )));
        }
        reasons.insert(v - 1);
        num.clear();
        Ok(())
    };
    for c in input.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        flush(&mut num, &mut reasons)?;
        if c.is_whitespace() || matches!(c, ',' | ';' | ')' | '.' | ':') {
            continue;
        }
        let lc = c.to_ascii_lowercase();
        if lc.is_ascii_lowercase() && ((lc as u8 - b'a') as usize) < n_options {
            if option.is_some() {
                return Err(ParseError(
                    "pick one option letter (and any reason numbers)".to_string(),
                ));
            }
            option = Some((lc as u8 - b'a') as usize);
        } else {
            return Err(ParseError(format!(
                "'{c}' is not an option: use a letter {} and reason numbers 1-{n_reasons}",
                letter_range(n_options)
            )));
        }
    }
    flush(&mut num, &mut reasons)?;
    match option {
        Some(option) => Ok(Response::Design { option, reasons }),
        None => Err(ParseError(format!(
            "start with one option letter ({})",
            letter_range(n_options)
        ))),
    }
}

/// Credit for a set answer: each typed piece must match a different part;
/// extra pieces cost as much as they would have earned.
fn grade_set(parts: &[Vec<String>], input: &str) -> f64 {
    if parts.is_empty() {
        return 0.0;
    }
    let pieces: Vec<String> = split_list(input).iter().map(|p| canonical(p)).collect();
    let norm_parts: Vec<Vec<String>> = parts
        .iter()
        .map(|syns| syns.iter().map(|s| canonical(s)).collect())
        .collect();
    let mut used = vec![false; parts.len()];
    let mut hits = 0usize;
    let mut extras = 0usize;
    for piece in pieces.iter().filter(|p| !p.is_empty()) {
        match (0..parts.len()).find(|&i| !used[i] && norm_parts[i].iter().any(|s| s == piece)) {
            Some(i) => {
                used[i] = true;
                hits += 1;
            }
            None => extras += 1,
        }
    }
    (hits as f64 - extras as f64) / parts.len() as f64
}

/// Fraction of pairs of steps the learner put in the right relative order.
fn pairs_in_order(key: &[usize], response: &[usize]) -> f64 {
    let n = key.len();
    if n < 2 || response.len() != n {
        return if key == response { 1.0 } else { 0.0 };
    }
    // rank of each shown position in the learner's answer
    let mut rank = vec![usize::MAX; n];
    for (r, &shown) in response.iter().enumerate() {
        if shown < n {
            rank[shown] = r;
        }
    }
    let mut good = 0usize;
    let mut total = 0usize;
    for i in 0..n {
        for j in (i + 1)..n {
            total += 1;
            if rank[key[i]] < rank[key[j]] {
                good += 1;
            }
        }
    }
    good as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_with_units() {
        assert_eq!(parse_number("3").unwrap(), 3.0);
        assert_eq!(parse_number(" 2.5 nodes").unwrap(), 2.5);
        assert_eq!(parse_number("99.9%").unwrap(), 99.9);
        assert_eq!(parse_number("1,000").unwrap(), 1000.0);
        assert!(parse_number("three").is_err());
        assert!(parse_number("3 or 4").is_err());
        assert!(parse_number("nan").is_err());
    }

    #[test]
    fn int_lists_parse() {
        assert_eq!(parse_int_list("[1, 0, 2]").unwrap(), vec![1, 0, 2]);
        assert_eq!(parse_int_list("1 0 2").unwrap(), vec![1, 0, 2]);
        assert!(parse_int_list("[]").is_err());
    }

    #[test]
    fn order_credit_counts_pairs() {
        assert_eq!(pairs_in_order(&[0, 1, 2], &[0, 1, 2]), 1.0);
        assert_eq!(pairs_in_order(&[0, 1, 2], &[2, 1, 0]), 0.0);
        assert!((pairs_in_order(&[0, 1, 2], &[1, 0, 2]) - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn verdicts_read_as_words() {
        let g = |credit, pass| Grade::from_credit(credit, pass);
        assert_eq!(verdict_text(&g(1.0, 1.0)), "right");
        assert_eq!(verdict_text(&g(0.8, 0.7)), "right (80% of the rubric)");
        assert_eq!(verdict_text(&g(0.4, 1.0)), "partly right (40%)");
        assert_eq!(verdict_text(&g(0.0, 1.0)), "wrong");
    }
}
