//! The shopping cart: an add-wins observed-remove set, run in both its
//! forms side by side (with tombstones, and optimised without them).

use std::collections::BTreeSet;

use super::config::{GOSSIP, GOSSIP_EVERY, RESTART, VARIANT};
use super::{Crdt, CrdtConfig, Env, Local, Minted, READ, SYNC, WORD};
use crate::model::{OrSet, Orswot};
use crate::sim::{Arg, NodeId, OpSpec, Scope, Setting, Value};

const ADD: OpSpec = OpSpec {
    verb: "add",
    args: WORD,
    usage: "add nN ITEM",
    help: "add {key} to the cart at the selected replica, with a fresh tag",
    key: Some('i'),
    label: "add {key}",
    scope: Scope::Client,
};

const REMOVE: OpSpec = OpSpec {
    verb: "remove",
    args: WORD,
    usage: "remove nN ITEM",
    help: "remove {key} at the selected replica: only the tags of it that replica has seen",
    key: Some('d'),
    label: "remove",
    scope: Scope::Client,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetOp {
    Add(String),
    Remove(String),
}

/// Both OR-Sets, updated and merged together: they must always hold the
/// same elements (checked after every event).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cart {
    pub tombstones: OrSet<String, NodeId>,
    pub optimised: Orswot<String, NodeId>,
}

fn dots_text<'a>(dots: impl Iterator<Item = &'a crate::model::Dot<NodeId>>) -> String {
    let all: Vec<String> = dots.map(|d| d.to_string()).collect();
    all.join(" ")
}

impl Cart {
    pub fn items(&self) -> BTreeSet<String> {
        self.tombstones.elements()
    }
}

impl Crdt for Cart {
    type Op = SetOp;
    const LABEL: &'static str = "cart";
    const NAME: &'static str = "OR-Set (add-wins)";

    fn operations() -> &'static [OpSpec] {
        &[ADD, REMOVE, READ, SYNC]
    }
    fn settings() -> &'static [Setting<CrdtConfig>] {
        &[GOSSIP, GOSSIP_EVERY, RESTART, VARIANT]
    }
    fn parse(verb: &str, args: &[Arg]) -> Result<SetOp, String> {
        let item = args
            .first()
            .and_then(Arg::text)
            .ok_or("an item comes after the node, e.g. add n1 milk")?
            .to_string();
        match verb {
            "add" => Ok(SetOp::Add(item)),
            "remove" => Ok(SetOp::Remove(item)),
            _ => Err(format!("'{verb}' is not an OR-Set operation")),
        }
    }
    fn describe(op: &SetOp) -> String {
        match op {
            SetOp::Add(e) => format!("add {e}"),
            SetOp::Remove(e) => format!("remove {e}"),
        }
    }
    fn update(&mut self, me: NodeId, op: &SetOp, _env: &Env<'_>) -> Result<Local, String> {
        match op {
            SetOp::Add(e) => {
                let dot = self.tombstones.add(me, e.clone());
                let again = self.optimised.add(me, e.clone());
                debug_assert_eq!(dot, again, "both sets count adds alike");
                Ok(Local {
                    note: format!("added {e} with the new tag {dot}"),
                    minted: Some(Minted::one("tag", dot)),
                })
            }
            SetOp::Remove(e) => {
                let tags = self.tombstones.remove(e);
                self.optimised.remove(e);
                let note = if tags.is_empty() {
                    format!(
                        "remove {e}: {me} has seen no live tag of {e}, so nothing is removed (an add it never saw survives)"
                    )
                } else {
                    format!(
                        "removed {e}: tombstoned the tag{} it had seen, {}",
                        if tags.len() == 1 { "" } else { "s" },
                        dots_text(tags.iter())
                    )
                };
                Ok(Local { note, minted: None })
            }
        }
    }
    fn merge(&mut self, other: &Self, _config: &CrdtConfig) {
        self.tombstones.merge(&other.tombstones);
        self.optimised.merge(&other.optimised);
    }
    fn read(&self, _config: &CrdtConfig) -> (Option<Value>, String) {
        let items: Vec<String> = self.items().into_iter().collect();
        (None, format!("{{{}}}", items.join(", ")))
    }
    fn facets(&self, config: &CrdtConfig) -> Vec<(String, String)> {
        if config.tombstones {
            let removed = self.tombstones.removed();
            let mut rows: Vec<(String, String)> = self
                .tombstones
                .tags()
                .map(|(e, live)| {
                    let text = if live.is_empty() {
                        "removed".to_string()
                    } else {
                        dots_text(live.iter())
                    };
                    (e.clone(), text)
                })
                .collect();
            rows.push((
                "tombstones".into(),
                if removed.is_empty() {
                    "none".into()
                } else {
                    // The last few: the list only grows.
                    let skip = removed.len().saturating_sub(6);
                    let more = if skip > 0 { "… " } else { "" };
                    format!(
                        "{}: {more}{}",
                        removed.len(),
                        dots_text(removed.iter().skip(skip))
                    )
                },
            ));
            rows
        } else {
            let mut rows: Vec<(String, String)> = self
                .optimised
                .entries()
                .map(|(e, vv)| {
                    let dots: Vec<String> = vv.dots().map(|d| d.to_string()).collect();
                    (e.clone(), dots.join(" "))
                })
                .collect();
            rows.push(("clock".into(), self.optimised.clock().to_string()));
            rows
        }
    }
    fn consistent(&self) -> Result<(), String> {
        let a = self.tombstones.elements();
        let b: BTreeSet<String> = self.optimised.elements().cloned().collect();
        if a != b {
            return Err(format!(
                "the OR-Set with tombstones holds {a:?} but the optimised one holds {b:?}"
            ));
        }
        Ok(())
    }
}
