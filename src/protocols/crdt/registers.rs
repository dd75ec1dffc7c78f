//! Register replicas: last-writer-wins, and multi-value (siblings).

use super::config::{GOSSIP, GOSSIP_EVERY, RESTART, TIES};
use super::{Crdt, CrdtConfig, Env, Ledger, Local, Minted, READ, SYNC, WORD};
use crate::model::{LwwRegister, MvRegister, VersionVector};
use crate::sim::{Arg, NodeId, OpSpec, Scope, Setting, Value, fmt_ms};

const SET: OpSpec = OpSpec {
    verb: "write",
    args: WORD,
    usage: "write nN VALUE",
    help: "write {key} into the profile field at the selected replica",
    key: Some('w'),
    label: "write {key}",
    scope: Scope::Client,
};

fn parse_set(verb: &str, args: &[Arg]) -> Result<String, String> {
    match (verb, args.first().and_then(Arg::text)) {
        ("write", Some(v)) => Ok(v.to_string()),
        ("write", None) => Err("a value comes after the node, e.g. write n1 alice".into()),
        _ => Err(format!(
            "'{verb}' is not a register operation: write and read are"
        )),
    }
}

/// A last-writer-wins register stamped with the writer's own wall clock.
#[derive(Clone, Debug, Default)]
pub struct Lww(
    pub Option<LwwRegister<String, NodeId>>,
    /// Every write made, for the checkers only: the register never reads it.
    pub Ledger<Written>,
    /// How many writes of each replica the record holds (its dots).
    pub VersionVector<NodeId>,
);

/// Replicas are equal when their registers are: the record of writes is
/// the simulator's, and must not change what replicas do.
impl PartialEq for Lww {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

/// One write as it was made: who, when (virtual time), the stamp it got
/// and the writer's clock offset then.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Written {
    pub writer: NodeId,
    pub at: crate::sim::Millis,
    pub stamp: u64,
    pub offset: i64,
    pub value: String,
}

impl Crdt for Lww {
    type Op = String;
    const LABEL: &'static str = "profile";
    const NAME: &'static str = "LWW register";

    fn operations() -> &'static [OpSpec] {
        &[SET, READ, SYNC]
    }
    fn settings() -> &'static [Setting<CrdtConfig>] {
        &[GOSSIP, GOSSIP_EVERY, RESTART, TIES]
    }
    fn parse(verb: &str, args: &[Arg]) -> Result<String, String> {
        parse_set(verb, args)
    }
    fn describe(op: &String) -> String {
        format!("write {op}")
    }
    fn update(&mut self, me: NodeId, op: &String, env: &Env<'_>) -> Result<Local, String> {
        // One writer's own writes stay in order even within a millisecond.
        let stamp = match &self.0 {
            Some(r) if r.writer == me && r.stamp >= env.clock => r.stamp + 1,
            _ => env.clock,
        };
        let write = LwwRegister::new(op.clone(), stamp, me);
        let dot = self.2.inc(me);
        self.1.insert(
            dot,
            Written {
                writer: me,
                at: env.now,
                stamp,
                offset: env.clock as i64 - env.now as i64,
                value: op.clone(),
            },
        );
        let note = match &self.0 {
            Some(cur) if cur.beats(&write) => format!(
                "write {op} stamped {} by {me}'s clock — already older than the value it holds ({} stamped {} by {}), so it is lost at once",
                fmt_ms(stamp),
                cur.value,
                fmt_ms(cur.stamp),
                cur.writer
            ),
            _ => format!("wrote {op}, stamped {} by {me}'s clock", fmt_ms(stamp)),
        };
        match &mut self.0 {
            Some(cur) => cur.merge(&write),
            None => self.0 = Some(write),
        }
        Ok(Local { note, minted: None })
    }
    fn merge(&mut self, other: &Self, config: &CrdtConfig) {
        self.1.merge(&other.1, &self.2);
        self.2.merge(&other.2);
        let Some(theirs) = &other.0 else { return };
        match &mut self.0 {
            None => self.0 = Some(theirs.clone()),
            Some(mine) if config.ties_by_id => mine.merge(theirs),
            // The bug `ties=keep-mine` shows: equal stamps keep whichever
            // write this replica already had, so replicas can disagree forever.
            Some(mine) => {
                if theirs.stamp > mine.stamp {
                    *mine = theirs.clone();
                }
            }
        }
    }
    fn read(&self, _config: &CrdtConfig) -> (Option<Value>, String) {
        (
            None,
            self.0.as_ref().map_or("unset".into(), |r| r.value.clone()),
        )
    }
    fn facets(&self, _config: &CrdtConfig) -> Vec<(String, String)> {
        match &self.0 {
            None => vec![("value".into(), "unset".into())],
            Some(r) => vec![
                ("value".into(), r.value.clone()),
                (
                    "stamp".into(),
                    format!("{} by {}'s clock", fmt_ms(r.stamp), r.writer),
                ),
            ],
        }
    }
}

/// A multi-value register: concurrent writes kept side by side.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mv(pub MvRegister<String, NodeId>);

impl Crdt for Mv {
    type Op = String;
    const LABEL: &'static str = "profile";
    const NAME: &'static str = "multi-value register";

    fn operations() -> &'static [OpSpec] {
        &[SET, READ, SYNC]
    }
    fn settings() -> &'static [Setting<CrdtConfig>] {
        &[GOSSIP, GOSSIP_EVERY, RESTART]
    }
    fn parse(verb: &str, args: &[Arg]) -> Result<String, String> {
        parse_set(verb, args)
    }
    fn describe(op: &String) -> String {
        format!("write {op}")
    }
    fn update(&mut self, me: NodeId, op: &String, _env: &Env<'_>) -> Result<Local, String> {
        let replaced = self.0.values().len();
        let dot = self.0.set(me, op.clone());
        let vv = &self.0.values()[0].0;
        let note = match replaced {
            0 => format!("wrote {op} as {dot}, version {vv}"),
            1 => format!("wrote {op} as {dot}, version {vv}, replacing the value {me} had seen"),
            n => format!(
                "wrote {op} as {dot}, version {vv}, replacing all {n} siblings {me} had seen (the application resolved them)"
            ),
        };
        Ok(Local {
            note,
            minted: Some(Minted::one("write", dot)),
        })
    }
    fn merge(&mut self, other: &Self, _config: &CrdtConfig) {
        self.0.merge(&other.0);
    }
    fn read(&self, _config: &CrdtConfig) -> (Option<Value>, String) {
        let vals: Vec<&str> = self.0.values().iter().map(|(_, v)| v.as_str()).collect();
        let text = match vals.len() {
            0 => "unset".to_string(),
            1 => vals[0].to_string(),
            _ => format!("{} (siblings)", vals.join(" | ")),
        };
        (None, text)
    }
    fn facets(&self, _config: &CrdtConfig) -> Vec<(String, String)> {
        if self.0.values().is_empty() {
            return vec![("value".into(), "unset".into())];
        }
        self.0
            .values()
            .iter()
            .map(|(vv, v)| (v.clone(), vv.to_string()))
            .collect()
    }
}
