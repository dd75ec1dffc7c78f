//! Client operations as a protocol declares them.
//!
//! A protocol lists its operations as [`OpSpec`]s: the script verb, the
//! arguments it takes, a help line, and the live key that issues it. The
//! script parser, the live keys and the `?` overlay all work from that list;
//! the kernel carries a [`Call`] (the verb and its arguments, as written)
//! and asks the protocol to turn it into its own typed operation. Nothing
//! outside a protocol and its scenario knows what a verb means.

use std::fmt;

use serde::Serialize;

/// An argument's value once parsed: operations are not limited to numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    Int(i64),
    Text(String),
    List(Vec<Arg>),
}

impl Arg {
    pub fn int(&self) -> Option<i64> {
        match self {
            Arg::Int(v) => Some(*v),
            _ => None,
        }
    }
    pub fn text(&self) -> Option<&str> {
        match self {
            Arg::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// How one argument is written in a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgSpec {
    /// A data key: letters, digits and `_` (`x`).
    Key,
    /// `key=VALUE` with a whole-number value; parses to `[Text(key), Int(value)]`.
    KeyInt,
    /// `key=WORD` (`x=A`); parses to `[Text(key), Text(word)]`.
    KeyWord,
    /// A whole number (`5`, `-2`).
    Int,
    /// A word (`milk`).
    Word,
    /// Comma-separated whole numbers (`1,2,3`).
    Ints,
}

impl ArgSpec {
    /// What to write, for error messages: `key=VALUE`.
    pub fn shape(self) -> &'static str {
        match self {
            ArgSpec::Key => "a key such as x",
            ArgSpec::KeyInt => "key=VALUE, e.g. x=5",
            ArgSpec::KeyWord => "key=WORD, e.g. x=A",
            ArgSpec::Int => "a whole number such as 5",
            ArgSpec::Word => "a word such as milk",
            ArgSpec::Ints => "whole numbers separated by commas, e.g. 1,2,3",
        }
    }
    /// Parses one written argument; `Err` says what is wrong and at which
    /// byte offset inside the argument.
    fn parse(self, raw: &str, out: &mut Vec<Arg>) -> Result<(), (usize, String)> {
        let key = |k: &str| {
            if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                Ok(Arg::Text(k.to_string()))
            } else {
                Err((
                    0,
                    format!("'{k}' is not a key: keys are letters, digits and '_', e.g. x"),
                ))
            }
        };
        let int = |v: &str, at: usize| {
            v.parse::<i64>().map(Arg::Int).map_err(|_| {
                (
                    at,
                    format!("'{v}' is not a whole number: values are integers, e.g. x=5"),
                )
            })
        };
        match self {
            ArgSpec::Key => out.push(key(raw)?),
            ArgSpec::KeyInt => {
                let Some((k, v)) = raw.split_once('=') else {
                    return Err((0, format!("'{raw}' is not key=VALUE: expected e.g. x=5")));
                };
                out.push(key(k)?);
                out.push(int(v, k.len() + 1)?);
            }
            ArgSpec::KeyWord => {
                let Some((k, v)) = raw.split_once('=') else {
                    return Err((0, format!("'{raw}' is not key=WORD: expected e.g. x=A")));
                };
                out.push(key(k)?);
                if v.is_empty() || v.contains('=') {
                    return Err((
                        k.len() + 1,
                        format!("'{v}' is not a word: expected e.g. x=A"),
                    ));
                }
                out.push(Arg::Text(v.to_string()));
            }
            ArgSpec::Int => out.push(int(raw, 0)?),
            ArgSpec::Word => {
                if raw.is_empty() || raw.contains('=') {
                    return Err((0, format!("'{raw}' is not a word: expected e.g. milk")));
                }
                out.push(Arg::Text(raw.to_string()));
            }
            ArgSpec::Ints => {
                let mut items = Vec::new();
                let mut at = 0;
                for part in raw.split(',') {
                    items.push(int(part, at)?);
                    at += part.len() + 1;
                }
                out.push(Arg::List(items));
            }
        }
        Ok(())
    }
}

/// Whom an operation is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A client request through a node (`write n1 x=5`): recorded in the
    /// history, answered by the protocol, judged by the checkers.
    Client,
    /// The learner reaching into one node (`timeout n2`: its election timer
    /// fires now). Not a request: nothing is recorded in the history.
    Node,
    /// The learner reaching into every running node at once (`align`),
    /// written without a node.
    Cluster,
}

/// One client operation of a protocol, declared once.
#[derive(Clone, Copy, Debug)]
pub struct OpSpec {
    /// The script verb: `write`, `cas`, `incr`.
    pub verb: &'static str,
    /// Its arguments after the node.
    pub args: &'static [ArgSpec],
    /// How a script writes it, for help: `write nN key=VALUE`.
    pub usage: &'static str,
    /// What it does, for help and the `?` overlay: `{key}` stands for the
    /// live cluster's current data key.
    pub help: &'static str,
    /// The live key that issues it through the selected node, if any. The
    /// live cluster fills a Key or a Word with the current data key, a KeyInt with
    /// that key and the next value, an Int with the next value.
    pub key: Option<char>,
    /// A short label for the hint bar: `write`.
    pub label: &'static str,
    /// A client request, or a learner's action on one node or on all.
    pub scope: Scope,
}

impl OpSpec {
    /// Parses the written arguments of `call`; an error names the argument
    /// (its index) and the byte offset inside it.
    pub fn parse_args(&self, raw: &[String]) -> Result<Vec<Arg>, (usize, usize, String)> {
        if raw.len() != self.args.len() {
            let want: Vec<&str> = self.args.iter().map(|a| a.shape()).collect();
            let at = raw.len().min(self.args.len());
            return Err((
                at,
                0,
                format!(
                    "'{}' takes a node and then {}: {}",
                    self.verb,
                    if want.is_empty() {
                        "nothing".to_string()
                    } else {
                        want.join(", then ")
                    },
                    self.usage
                ),
            ));
        }
        let mut out = Vec::new();
        for (i, (spec, r)) in self.args.iter().zip(raw).enumerate() {
            spec.parse(r, &mut out).map_err(|(off, m)| (i, off, m))?;
        }
        Ok(out)
    }

    /// The call a live key makes, with the current data key (for a Key or
    /// a Word) and next value;
    /// `None` if an argument cannot be filled in that way.
    pub fn live_call(&self, key: &str, next: i64) -> Option<Call> {
        let args = self
            .args
            .iter()
            .map(|a| match a {
                // A scenario's data keys are words too (milk, alice).
                ArgSpec::Key | ArgSpec::Word => Some(key.to_string()),
                ArgSpec::KeyInt | ArgSpec::KeyWord => Some(format!("{key}={next}")),
                ArgSpec::Int => Some(next.to_string()),
                ArgSpec::Ints => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Call {
            verb: self.verb.to_string(),
            args,
        })
    }

    /// Whether the live call uses the next value (so it should advance).
    pub fn takes_value(&self) -> bool {
        self.args
            .iter()
            .any(|a| matches!(a, ArgSpec::KeyInt | ArgSpec::KeyWord | ArgSpec::Int))
    }
}

/// A client operation as issued: its verb and arguments as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Call {
    pub verb: String,
    pub args: Vec<String>,
}

impl Call {
    pub fn new(verb: &str, args: &[&str]) -> Self {
        Self {
            verb: verb.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }
}

/// `write x=5`, `cas x 1 2`.
impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.verb)?;
        for a in &self.args {
            write!(f, " {a}")?;
        }
        Ok(())
    }
}

/// The spec of `verb` among `specs`.
pub fn find<'a>(specs: &'a [OpSpec], verb: &str) -> Option<&'a OpSpec> {
    specs.iter().find(|s| s.verb == verb)
}
