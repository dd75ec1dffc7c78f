//! A Dynamo-style key with a causal context: every write is a version with
//! a dot (its coordinator and that node's counter) and the context its
//! writer had read (the versions it saw). A replica keeps every version no
//! other version's context covers, as siblings; the application resolves
//! siblings by writing their union with a context that covers them all.
//!
//! Two ways to decide that one version supersedes another (`clocks`):
//! - `dvv`, dotted version vectors (Preguiça et al., arXiv 1011.5808): `v`
//!   is obsolete when another version's context contains `v`'s dot;
//! - `vv`, per-server version vectors: each version's vector is its
//!   context plus its dot, and `v` is obsolete when another's vector
//!   dominates it. Two writes through one coordinator then look ordered
//!   (its counter only grows) although neither writer saw the other.
//!
//! Every version ever written is also kept in a ledger that the
//! simulator's checkers read to know the true causality; replicas never
//! consult it.

use std::collections::{BTreeMap, BTreeSet};

use super::config::{CLOCKS, GOSSIP, GOSSIP_EVERY, RESTART};
use super::{Crdt, CrdtConfig, Env, Ledger, Local, Minted, READ, SYNC, WORD};
use crate::model::{Dot, VersionVector};
use crate::sim::{Arg, NodeId, OpSpec, Scope, Setting, Value};

const ADD: OpSpec = OpSpec {
    verb: "add",
    args: WORD,
    usage: "add nN ITEM",
    help: "the application at the selected replica reads the cart (merging siblings by union), adds {key} and writes it back with the context it read",
    key: Some('i'),
    label: "add {key}",
    scope: Scope::Client,
};

const REMOVE: OpSpec = OpSpec {
    verb: "remove",
    args: WORD,
    usage: "remove nN ITEM",
    help: "the application at the selected replica reads the cart (merging siblings by union), removes {key} and writes it back with the context it read",
    key: Some('d'),
    label: "remove",
    scope: Scope::Client,
};

const BLIND: OpSpec = OpSpec {
    verb: "blind",
    args: WORD,
    usage: "blind nN ITEM",
    help: "a blind write through the selected replica: a cart of just {key}, with no context (its writer read nothing)",
    key: Some('b'),
    label: "blind",
    scope: Scope::Client,
};

const RESOLVE: OpSpec = OpSpec {
    verb: "resolve",
    args: &[],
    usage: "resolve nN",
    help: "the application at the selected replica merges the siblings it holds by union and writes the result with a context covering them all",
    key: Some('m'),
    label: "resolve",
    scope: Scope::Client,
};

/// One version of the cart.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub dot: Dot<NodeId>,
    /// The versions its writer had read (their dots and contexts).
    pub ctx: VersionVector<NodeId>,
    pub items: BTreeSet<String>,
    /// What the application did to make it (`add milk`, `resolve`), for
    /// the checkers.
    pub op: String,
}

impl Version {
    /// Its per-server version vector: the context plus its own dot.
    pub fn vv(&self) -> VersionVector<NodeId> {
        let mut v = self.ctx.clone();
        v.raise(self.dot.actor, self.dot.counter);
        v
    }
    pub fn items_text(&self) -> String {
        let items: Vec<&str> = self.items.iter().map(String::as_str).collect();
        format!("{{{}}}", items.join(", "))
    }
    /// Whether `other` supersedes this version under the chosen rule.
    pub fn superseded_by(&self, other: &Version, by_dots: bool) -> bool {
        if other.dot == self.dot {
            return false;
        }
        if by_dots {
            other.ctx.contains(&self.dot)
        } else {
            let (a, b) = (self.vv(), other.vv());
            b.dominates(&a) && a != b
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Dynamo {
    /// The siblings this replica keeps, sorted by dot.
    pub siblings: Vec<Version>,
    /// Every dot this replica has seen: its own counter comes from here.
    pub clock: VersionVector<NodeId>,
    /// Every version ever written that this replica knows of (for the
    /// checkers only; never read by the replica).
    pub ledger: Ledger<Version>,
    /// For the checkers too, kept as the ledger grows so that a check
    /// after every event costs the siblings, not the history: the join of
    /// every known version's context (what any writer had read) ...
    pub read: VersionVector<NodeId>,
    /// ... and the known versions it does not cover: the true siblings.
    pub unread: BTreeMap<Dot<NodeId>, Version>,
}

/// Replicas are equal when what they keep is: the ledger is the
/// simulator's, and must not change what replicas do.
impl PartialEq for Dynamo {
    fn eq(&self, other: &Self) -> bool {
        self.siblings == other.siblings && self.clock == other.clock
    }
}

impl Dynamo {
    /// What the application reads: the union of the siblings' items, and a
    /// context covering them all.
    pub fn read_all(&self) -> (BTreeSet<String>, VersionVector<NodeId>) {
        let mut items = BTreeSet::new();
        let mut ctx = VersionVector::new();
        for v in &self.siblings {
            items.extend(v.items.iter().cloned());
            ctx.merge(&v.vv());
        }
        (items, ctx)
    }

    /// Keeps the versions nothing supersedes (under `by_dots`), once each.
    fn prune(all: Vec<Version>, by_dots: bool) -> Vec<Version> {
        let mut all = all;
        all.sort();
        all.dedup();
        let keep: Vec<bool> = all
            .iter()
            .map(|v| !all.iter().any(|w| v.superseded_by(w, by_dots)))
            .collect();
        all.into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(v, _)| v)
            .collect()
    }

    /// The versions that truly are concurrent maxima among `known`: those
    /// no other version's writer had read.
    ///
    /// A context never holds its own version's dot, so "some other
    /// version's context holds v's dot" is "the join of all contexts holds
    /// it": one pass, not one per pair.
    pub fn true_siblings_of(known: &Ledger<Version>) -> BTreeSet<Version> {
        let mut read = VersionVector::new();
        for w in known.iter() {
            read.merge(&w.ctx);
        }
        known
            .iter()
            .filter(|v| !read.contains(&v.dot))
            .cloned()
            .collect()
    }

    /// The true siblings among the versions this replica knows of, from
    /// the bookkeeping kept as they arrived (equal to
    /// [`Dynamo::true_siblings_of`] its ledger).
    pub fn true_siblings(&self) -> BTreeSet<Version> {
        self.unread.values().cloned().collect()
    }

    /// Takes in what other versions' writers had read: covered versions
    /// stop being true siblings.
    fn learn(&mut self, read: &VersionVector<NodeId>) {
        self.read.merge(read);
        let r = &self.read;
        self.unread.retain(|d, _| !r.contains(d));
    }

    fn put(
        &mut self,
        me: NodeId,
        items: BTreeSet<String>,
        ctx: VersionVector<NodeId>,
        op: String,
        config: &CrdtConfig,
    ) -> Version {
        let dot = self.clock.inc(me);
        let v = Version {
            dot,
            ctx,
            items,
            op,
        };
        let mut all = self.siblings.clone();
        all.push(v.clone());
        self.siblings = Self::prune(all, !config.server_vv);
        self.ledger.insert(v.dot, v.clone());
        self.learn(&v.ctx);
        self.unread.insert(v.dot, v.clone());
        v
    }
}

impl Crdt for Dynamo {
    type Op = (String, Option<String>);
    const LABEL: &'static str = "cart";
    const NAME: &'static str = "versioned cart";

    fn operations() -> &'static [OpSpec] {
        &[ADD, REMOVE, BLIND, RESOLVE, READ, SYNC]
    }
    fn settings() -> &'static [Setting<CrdtConfig>] {
        &[GOSSIP, GOSSIP_EVERY, RESTART, CLOCKS]
    }
    fn parse(verb: &str, args: &[Arg]) -> Result<Self::Op, String> {
        let item = args.first().and_then(Arg::text).map(str::to_string);
        match verb {
            "add" | "remove" | "blind" if item.is_some() => Ok((verb.to_string(), item)),
            "resolve" => Ok((verb.to_string(), None)),
            _ => Err(format!(
                "'{verb}' is not an operation of the versioned cart"
            )),
        }
    }
    fn describe(op: &Self::Op) -> String {
        match &op.1 {
            Some(item) => format!("{} {item}", op.0),
            None => op.0.clone(),
        }
    }
    fn update(&mut self, me: NodeId, op: &Self::Op, env: &Env<'_>) -> Result<Local, String> {
        let (mut items, ctx) = self.read_all();
        let read = self.siblings.len();
        let (items, ctx) = match (op.0.as_str(), &op.1) {
            ("add", Some(i)) => {
                items.insert(i.clone());
                (items, ctx)
            }
            ("remove", Some(i)) => {
                if !items.remove(i) {
                    return Err(format!(
                        "{i} is not in the cart as {me} sees it: nothing to remove"
                    ));
                }
                (items, ctx)
            }
            ("blind", Some(i)) => ([i.clone()].into_iter().collect(), VersionVector::new()),
            _ => {
                if read < 2 {
                    return Err(format!(
                        "{me} holds {read} version{}: no siblings to resolve",
                        if read == 1 { "" } else { "s" }
                    ));
                }
                (items, ctx)
            }
        };
        let v = self.put(me, items, ctx, Self::describe(op), env.config);
        let replaced = if op.0 == "blind" {
            "with an empty context".to_string()
        } else if read > 1 {
            format!("merging {read} siblings by union, context {}", v.ctx)
        } else {
            format!("context {}", v.ctx)
        };
        let left = self.siblings.len();
        let kept = if left > 1 {
            format!("; {left} siblings now")
        } else {
            String::new()
        };
        Ok(Local {
            note: format!(
                "wrote {} as version {} ({replaced}){kept}",
                v.items_text(),
                v.dot
            ),
            minted: Some(Minted::one("version", v.dot)),
        })
    }
    fn merge(&mut self, other: &Self, config: &CrdtConfig) {
        let mut all = self.siblings.clone();
        all.extend(other.siblings.iter().cloned());
        self.siblings = Self::prune(all, !config.server_vv);
        self.ledger.merge(&other.ledger, &self.clock);
        self.clock.merge(&other.clock);
        for (d, v) in &other.unread {
            self.unread.entry(*d).or_insert_with(|| v.clone());
        }
        self.learn(&other.read);
    }
    fn read(&self, _config: &CrdtConfig) -> (Option<Value>, String) {
        let text = match self.siblings.as_slice() {
            [] => "{}".to_string(),
            [one] => one.items_text(),
            many => {
                let all: Vec<String> = many.iter().map(Version::items_text).collect();
                format!("{} (siblings)", all.join(" | "))
            }
        };
        (None, text)
    }
    fn facets(&self, config: &CrdtConfig) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .siblings
            .iter()
            .map(|v| {
                let meta = if config.server_vv {
                    format!("vv {}", v.vv())
                } else {
                    format!("ctx {}", v.ctx)
                };
                (v.dot.to_string(), format!("{} {meta}", v.items_text()))
            })
            .collect();
        rows.push(("clock".into(), self.clock.to_string()));
        rows
    }
}
