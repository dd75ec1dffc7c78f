//! G-Counter and PN-Counter replicas.

use super::config::{DELIVERY, FLOOR, GOSSIP, GOSSIP_EVERY, RESTART};
use super::{Crdt, CrdtConfig, Env, Local, Minted, READ, SYNC};
use crate::model::{Dot, GCounter, PnCounter};
use crate::sim::{Arg, NodeId, OpSpec, Scope, Setting, Value};

const INCR: OpSpec = OpSpec {
    verb: "incr",
    args: &[],
    usage: "incr nN",
    help: "add 1 at the selected replica (it counts its own increments)",
    key: Some('i'),
    label: "+1",
    scope: Scope::Client,
};

const DECR: OpSpec = OpSpec {
    verb: "decr",
    args: &[],
    usage: "decr nN",
    help: "take 1 away at the selected replica (sell one): refused if the value it sees would go below the floor",
    key: Some('d'),
    label: "−1",
    scope: Scope::Client,
};

/// A grow-only counter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counter(pub GCounter<NodeId>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountOp {
    Incr,
    Decr,
}

impl Crdt for Counter {
    type Op = CountOp;
    const LABEL: &'static str = "count";
    const NAME: &'static str = "G-Counter";

    fn operations() -> &'static [OpSpec] {
        &[INCR, READ, SYNC]
    }
    fn settings() -> &'static [Setting<CrdtConfig>] {
        &[GOSSIP, GOSSIP_EVERY, RESTART, DELIVERY]
    }
    fn parse(verb: &str, _args: &[Arg]) -> Result<CountOp, String> {
        match verb {
            "incr" => Ok(CountOp::Incr),
            _ => Err(format!(
                "a G-Counter only grows: '{verb}' is not one of its operations"
            )),
        }
    }
    fn describe(_op: &CountOp) -> String {
        "incr".into()
    }
    fn update(&mut self, me: NodeId, _op: &CountOp, _env: &Env<'_>) -> Result<Local, String> {
        self.0.incr(me, 1);
        let counter = self.0.get(&me);
        Ok(Local {
            note: format!(
                "+1: {me}'s own entry is now {counter}, count {}",
                self.0.value()
            ),
            minted: Some(Minted::one("count", Dot { actor: me, counter })),
        })
    }
    fn merge(&mut self, other: &Self, _config: &CrdtConfig) {
        self.0.merge(&other.0);
    }
    fn read(&self, _config: &CrdtConfig) -> (Option<Value>, String) {
        let v = self.0.value();
        (Some(v as Value), v.to_string())
    }
    fn apply_remote(&mut self, origin: NodeId, _op: &CountOp) -> Option<String> {
        self.0.incr(origin, 1);
        Some(format!(
            "{origin}'s entry +1 = {}, count {}",
            self.0.get(&origin),
            self.0.value()
        ))
    }
    fn facets(&self, _config: &CrdtConfig) -> Vec<(String, String)> {
        self.0
            .entries()
            .iter()
            .map(|(id, c)| (id.to_string(), c.to_string()))
            .collect()
    }
}

/// A counter that goes up and down: two G-Counters, increments and decrements.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pn(pub PnCounter<NodeId>);

impl Crdt for Pn {
    type Op = CountOp;
    const LABEL: &'static str = "stock";
    const NAME: &'static str = "PN-Counter";

    fn operations() -> &'static [OpSpec] {
        &[INCR, DECR, READ, SYNC]
    }
    fn settings() -> &'static [Setting<CrdtConfig>] {
        &[GOSSIP, GOSSIP_EVERY, RESTART, FLOOR, DELIVERY]
    }
    fn parse(verb: &str, _args: &[Arg]) -> Result<CountOp, String> {
        match verb {
            "incr" => Ok(CountOp::Incr),
            "decr" => Ok(CountOp::Decr),
            _ => Err(format!("'{verb}' is not a PN-Counter operation")),
        }
    }
    fn describe(op: &CountOp) -> String {
        match op {
            CountOp::Incr => "incr".into(),
            CountOp::Decr => "decr".into(),
        }
    }
    fn update(&mut self, me: NodeId, op: &CountOp, env: &Env<'_>) -> Result<Local, String> {
        let seen = self.0.value();
        match op {
            CountOp::Incr => {
                self.0.incr(me, 1);
                let counter = self.0.p.get(&me);
                Ok(Local {
                    note: format!("+1: stock {seen} → {} as {me} sees it", self.0.value()),
                    minted: Some(Minted::one("P", Dot { actor: me, counter })),
                })
            }
            CountOp::Decr => {
                if let Some(floor) = env.config.floor
                    && seen - 1 < floor
                {
                    return Err(format!(
                        "refused: stock is {seen} as {me} sees it, and one less would be below {floor}"
                    ));
                }
                self.0.decr(me, 1);
                let counter = self.0.n.get(&me);
                Ok(Local {
                    note: format!(
                        "−1 (sold one): stock was {seen} as {me} sees it, now {}",
                        self.0.value()
                    ),
                    minted: Some(Minted::one("N", Dot { actor: me, counter })),
                })
            }
        }
    }
    fn merge(&mut self, other: &Self, _config: &CrdtConfig) {
        self.0.merge(&other.0);
    }
    fn read(&self, _config: &CrdtConfig) -> (Option<Value>, String) {
        let v = self.0.value();
        (Some(v), v.to_string())
    }
    fn apply_remote(&mut self, origin: NodeId, op: &CountOp) -> Option<String> {
        match op {
            CountOp::Incr => self.0.incr(origin, 1),
            CountOp::Decr => self.0.decr(origin, 1),
        }
        Some(format!("stock {}", self.0.value()))
    }
    fn facets(&self, _config: &CrdtConfig) -> Vec<(String, String)> {
        let mut ids: Vec<NodeId> = self.0.p.entries().iter().map(|(a, _)| *a).collect();
        ids.extend(self.0.n.entries().iter().map(|(a, _)| *a));
        ids.sort();
        ids.dedup();
        ids.into_iter()
            .map(|id| {
                (
                    id.to_string(),
                    format!("+{} −{}", self.0.p.get(&id), self.0.n.get(&id)),
                )
            })
            .collect()
    }
}
