//! Collaborative text: an RGA (the sequence CRDT) and, side by side on the
//! same keystrokes, a naive merge that identifies a character by the index
//! it was typed at, to show why text needs identities independent of
//! positions.

use std::collections::{BTreeMap, BTreeSet};

use super::config::{GOSSIP, GOSSIP_EVERY, RESTART, TEXT_MERGE};
use super::{Crdt, CrdtConfig, Env, Local, Minted, READ, SYNC, WORD};
use crate::model::{Char, Dot, Rga, VersionVector};
use crate::sim::{Arg, ArgSpec, NodeId, OpSpec, Scope, Setting, Value};

const TYPE: OpSpec = OpSpec {
    verb: "type",
    args: WORD,
    usage: "type nN WORD",
    help: "type {key} at the end of the text, on the selected replica",
    key: Some('i'),
    label: "type {key}",
    scope: Scope::Client,
};

const INSERT: OpSpec = OpSpec {
    verb: "insert",
    args: &[ArgSpec::Int, ArgSpec::Word],
    usage: "insert nN POS WORD",
    help: "type WORD so that it starts at character POS (0 = the start) of the text the replica shows",
    key: None,
    label: "insert",
    scope: Scope::Client,
};

const BACKSPACE: OpSpec = OpSpec {
    verb: "backspace",
    args: &[],
    usage: "backspace nN",
    help: "delete the last character of the text, on the selected replica",
    key: Some('d'),
    label: "⌫",
    scope: Scope::Client,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextOp {
    /// Type `word` starting at visible index `at` (`None`: the end).
    Type {
        at: Option<usize>,
        word: String,
    },
    Backspace,
}

/// A character of the naive text, keyed by the index it was typed at.
type NaiveKey = (usize, NodeId, u64);

/// The naive merge: a character is known by (index typed at, replica,
/// counter), and the text is the characters sorted by that key. It
/// converges, since merge is a union, but two words typed at the same
/// place come out letter by letter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NaiveText {
    chars: BTreeMap<NaiveKey, Char<NodeId>>,
    top: u64,
}

impl NaiveText {
    fn sequence(&self) -> Vec<(Dot<NodeId>, &Char<NodeId>)> {
        self.chars
            .iter()
            .map(|(&(_, actor, counter), c)| (Dot { actor, counter }, c))
            .collect()
    }
    fn visible(&self) -> Vec<Dot<NodeId>> {
        self.sequence()
            .into_iter()
            .filter(|(_, c)| !c.deleted)
            .map(|(d, _)| d)
            .collect()
    }
    fn text(&self) -> String {
        self.chars
            .values()
            .filter(|c| !c.deleted)
            .map(|c| c.ch)
            .collect()
    }
    fn insert(&mut self, me: NodeId, pos: usize, word: &str) {
        let vis = self.visible();
        let pos = pos.min(vis.len());
        let mut after = pos.checked_sub(1).map(|p| vis[p]);
        let mut run = None;
        for (i, ch) in word.chars().enumerate() {
            self.top += 1;
            let id = Dot {
                actor: me,
                counter: self.top,
            };
            let first = *run.get_or_insert(id);
            self.chars.insert(
                (pos + i, me, self.top),
                Char {
                    ch,
                    after,
                    run: first,
                    deleted: false,
                },
            );
            after = Some(id);
        }
    }
    fn backspace(&mut self) -> bool {
        match self.chars.values_mut().rev().find(|c| !c.deleted) {
            Some(c) => {
                c.deleted = true;
                true
            }
            None => false,
        }
    }
    fn merge(&mut self, other: &Self) {
        for (k, c) in &other.chars {
            match self.chars.get_mut(k) {
                Some(mine) => mine.deleted |= c.deleted,
                None => {
                    self.chars.insert(*k, c.clone());
                }
            }
        }
        self.top = self.top.max(other.top);
    }
}

/// The shared document: both texts, updated by the same keystrokes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    pub rga: Rga<NodeId>,
    pub naive: NaiveText,
    /// Each word's context: the newest character of each replica its
    /// typist had seen (full states are merged, so that covers every
    /// earlier one). Only the interleaving check reads it.
    pub seen: BTreeMap<Dot<NodeId>, VersionVector<NodeId>>,
}

/// Two words mixed letter by letter: `run` and the word that broke into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interleaving {
    pub word: String,
    pub by: NodeId,
    pub intruder: String,
    pub intruder_by: NodeId,
}

impl Doc {
    /// Every character of the text `config` shows, in order.
    fn sequence(&self, config: &CrdtConfig) -> Vec<(Dot<NodeId>, Char<NodeId>)> {
        if config.naive_text {
            self.naive
                .sequence()
                .into_iter()
                .map(|(d, c)| (d, c.clone()))
                .collect()
        } else {
            self.rga
                .sequence()
                .into_iter()
                .map(|(d, c)| (*d, c.clone()))
                .collect()
        }
    }

    pub fn text(&self, config: &CrdtConfig) -> String {
        if config.naive_text {
            self.naive.text()
        } else {
            self.rga.text()
        }
    }

    /// Pairs of words (one insertion each), typed without either typist
    /// having seen the other, whose visible letters are mixed: walking
    /// from a word's first to its last visible character, a character
    /// belongs if it is the word's own or was typed right after one that
    /// belongs (a deliberate insertion in the middle); a visible one that
    /// does not, from a word typed concurrently, is an intruder.
    pub fn interleavings(&self, config: &CrdtConfig) -> Vec<Interleaving> {
        let seq = self.sequence(config);
        let mut span: BTreeMap<Dot<NodeId>, (usize, usize)> = BTreeMap::new();
        for (i, (_, c)) in seq.iter().enumerate().filter(|(_, (_, c))| !c.deleted) {
            let e = span.entry(c.run).or_insert((i, i));
            e.1 = i;
        }
        let knew =
            |a: &Dot<NodeId>, b: &Dot<NodeId>| self.seen.get(a).is_some_and(|v| v.contains(b));
        let word = |run: Dot<NodeId>| -> String {
            let mut chars: Vec<(u64, char)> = seq
                .iter()
                .filter(|(_, c)| c.run == run)
                .map(|(d, c)| (d.counter, c.ch))
                .collect();
            chars.sort();
            chars.into_iter().map(|(_, c)| c).collect()
        };
        let mut found = Vec::new();
        let mut reported = BTreeSet::new();
        for (&run, &(lo, hi)) in &span {
            let mut inside: BTreeSet<Dot<NodeId>> = BTreeSet::new();
            for (id, c) in &seq[lo..=hi] {
                if c.run == run || c.after.is_some_and(|a| inside.contains(&a)) {
                    inside.insert(*id);
                } else if !c.deleted
                    && !knew(&run, &c.run)
                    && !knew(&c.run, &run)
                    && reported.insert((run.min(c.run), run.max(c.run)))
                {
                    found.push(Interleaving {
                        word: word(run),
                        by: run.actor,
                        intruder: word(c.run),
                        intruder_by: c.run.actor,
                    });
                }
            }
        }
        found
    }
}

impl Crdt for Doc {
    type Op = TextOp;
    const LABEL: &'static str = "text";
    const NAME: &'static str = "collaborative text";

    fn operations() -> &'static [OpSpec] {
        &[TYPE, BACKSPACE, INSERT, READ, SYNC]
    }
    fn settings() -> &'static [Setting<CrdtConfig>] {
        &[GOSSIP, GOSSIP_EVERY, RESTART, TEXT_MERGE]
    }
    fn parse(verb: &str, args: &[Arg]) -> Result<TextOp, String> {
        match (verb, args) {
            ("type", [Arg::Text(w)]) => Ok(TextOp::Type {
                at: None,
                word: w.clone(),
            }),
            ("insert", [Arg::Int(p), Arg::Text(w)]) => {
                let at = usize::try_from(*p)
                    .map_err(|_| format!("a position counts from 0, not {p}"))?;
                Ok(TextOp::Type {
                    at: Some(at),
                    word: w.clone(),
                })
            }
            ("backspace", []) => Ok(TextOp::Backspace),
            _ => Err(format!("'{verb}' is not a text operation")),
        }
    }
    fn describe(op: &TextOp) -> String {
        match op {
            TextOp::Type { at: None, word } => format!("type {word}"),
            TextOp::Type { at: Some(p), word } => format!("insert {p} {word}"),
            TextOp::Backspace => "backspace".into(),
        }
    }
    fn update(&mut self, me: NodeId, op: &TextOp, env: &Env<'_>) -> Result<Local, String> {
        let shown = self.text(env.config);
        match op {
            TextOp::Type { at, word } => {
                let len = shown.chars().count();
                let at = at.unwrap_or(len).min(len);
                let mut seen = VersionVector::new();
                for (id, _) in self.rga.sequence() {
                    seen.raise(id.actor, id.counter);
                }
                let ids = self.rga.insert(me, at, word);
                self.seen.insert(ids[0], seen);
                self.naive.insert(me, at, word);
                let (first, last) = (ids[0].counter, ids[ids.len() - 1].counter);
                let text = self.text(env.config);
                Ok(Local {
                    note: format!(
                        "typed {word} at character {at}: characters {me}#{first}..{me}#{last}, text \"{text}\""
                    ),
                    minted: Some(Minted {
                        kind: "char",
                        actor: me,
                        first,
                        last,
                    }),
                })
            }
            TextOp::Backspace => {
                let len = self.rga.len();
                if len == 0 && self.naive.visible().is_empty() {
                    return Err(format!("the text is empty at {me}: nothing to delete"));
                }
                if len > 0 {
                    self.rga.delete(len - 1);
                }
                self.naive.backspace();
                Ok(Local {
                    note: format!(
                        "deleted the last character: text \"{}\" (the character stays as a tombstone)",
                        self.text(env.config)
                    ),
                    minted: None,
                })
            }
        }
    }
    fn merge(&mut self, other: &Self, _config: &CrdtConfig) {
        self.rga.merge(&other.rga);
        self.naive.merge(&other.naive);
        for (run, seen) in &other.seen {
            self.seen.entry(*run).or_insert_with(|| seen.clone());
        }
    }
    fn read(&self, config: &CrdtConfig) -> (Option<Value>, String) {
        (None, format!("\"{}\"", self.text(config)))
    }
    fn brief(&self) -> String {
        format!("{} characters", self.rga.stored())
    }
    fn facets(&self, config: &CrdtConfig) -> Vec<(String, String)> {
        // Each word (insertion) with its character ids, in text order.
        let seq = self.sequence(config);
        let mut rows: Vec<(String, String)> = Vec::new();
        let mut runs: Vec<Dot<NodeId>> = Vec::new();
        for (_, c) in &seq {
            if !runs.contains(&c.run) {
                runs.push(c.run);
            }
        }
        for run in runs {
            let chars: Vec<&(Dot<NodeId>, Char<NodeId>)> =
                seq.iter().filter(|(_, c)| c.run == run).collect();
            let word: String = chars
                .iter()
                .map(|(_, c)| if c.deleted { '·' } else { c.ch })
                .collect();
            let last = chars.iter().map(|(d, _)| d.counter).max().unwrap_or(0);
            rows.push((format!("{run}..{last}"), format!("\"{word}\"")));
        }
        let dead = seq.iter().filter(|(_, c)| c.deleted).count();
        rows.push((
            "tombstones".into(),
            if dead == 0 {
                "none".into()
            } else {
                format!("{dead} (shown ·)")
            },
        ));
        rows
    }
}
